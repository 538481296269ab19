#include <datastore/error.h>

#include <QMetaEnum>

namespace ds {

QString Error::toString() const
{
    if (isNull())
        return {};
    const char *domainName = QMetaEnum::fromType<Domain>().valueToKey(int(m_domain));
    QString out = QLatin1StringView(domainName) + u'/' + m_code;
    if (m_location.isValid())
        out += u' ' + QString::number(m_location.line) + u':' + QString::number(m_location.column);
    return out + QStringLiteral(": ") + m_message;
}

} // namespace ds
