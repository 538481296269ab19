#include "apppaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace notes {

QString AppPaths::databaseDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/databases"_s;
}

namespace {
QString shortHash(const QString &text, int hexDigits)
{
    const QByteArray hash = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
    return QString::fromLatin1(hash.toHex().left(hexDigits));
}
} // namespace

QString AppPaths::databaseFile(const QString &userId, const QString &syncScope)
{
    // Scopes come from scopeOf() or are fixed names; anything else is hashed
    // so that no scope can leave the folder either.
    QString prefix;
    if (!syncScope.isEmpty()) {
        const bool plain = std::all_of(syncScope.cbegin(), syncScope.cend(), [](QChar c) {
            return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-';
        });
        prefix = (plain ? syncScope : shortHash(syncScope, 16)) + u'-';
    }
    if (userId.isEmpty())
        return databaseDirectory() + u'/' + prefix + u"anonymous.sqlite"_s;
    return databaseDirectory() + u'/' + prefix + u"user-"_s + shortHash(userId, 32) + u".sqlite"_s;
}

QString AppPaths::scopeOf(const QUrl &endpoint)
{
    return u"cloud-"_s + shortHash(endpoint.adjusted(QUrl::StripTrailingSlash).toString(), 12);
}

QString AppPaths::localServerDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/local-server"_s;
}

bool AppPaths::ensureParentDirectory(const QString &file)
{
    return QDir().mkpath(QFileInfo(file).absolutePath());
}

} // namespace notes
