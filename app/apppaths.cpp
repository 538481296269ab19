#include "apppaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace notes {

QString AppPaths::databaseDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/databases"_s;
}

QString AppPaths::databaseFile(const QString &userId)
{
    if (userId.isEmpty())
        return databaseDirectory() + u"/anonymous.sqlite"_s;
    const QByteArray hash = QCryptographicHash::hash(userId.toUtf8(), QCryptographicHash::Sha256);
    return databaseDirectory() + u"/user-"_s + QString::fromLatin1(hash.toHex().left(32)) + u".sqlite"_s;
}

bool AppPaths::ensureParentDirectory(const QString &file)
{
    return QDir().mkpath(QFileInfo(file).absolutePath());
}

} // namespace notes
