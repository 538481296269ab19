#include "qml/qmlerror.h"

#include <QMetaEnum>

namespace ds {

QString QmlError::domain() const
{
    if (m_error.isNull())
        return {};
    return QString::fromLatin1(QMetaEnum::fromType<Error::Domain>().valueToKey(int(m_error.domain())));
}

} // namespace ds
