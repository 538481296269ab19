#include "data/database.h"

#include "data/pgstore.h"
#include "data/sqlitestore.h"
#include "data/tuning_p.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace ds::server::data {

DatabaseSpec DatabaseSpec::sqlite(const QString &path)
{
    DatabaseSpec spec;
    spec.kind = Kind::SQLite;
    spec.path = path;
    return spec;
}

std::optional<DatabaseSpec> DatabaseSpec::parse(const QString &text, QString *error)
{
    if (!text.startsWith(u"postgres://") && !text.startsWith(u"postgresql://")) {
        const QString path = text.startsWith(u"sqlite:") ? text.mid(7) : text;
        if (path.isEmpty()) {
            *error = u"sqlite: needs a file name"_s;
            return std::nullopt;
        }
        return sqlite(path);
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid()) {
        *error = u"not a valid PostgreSQL URL: "_s % url.errorString();
        return std::nullopt;
    }
    DatabaseSpec spec;
    spec.kind = Kind::PostgreSQL;
    spec.host = url.host();
    spec.port = url.port(-1);
    spec.user = url.userName();
    spec.password = url.password();
    spec.databaseName = url.path().mid(1);
    if (spec.databaseName.isEmpty() || spec.databaseName.contains(u'/')) {
        *error = u"the PostgreSQL URL must name a database: postgres://user@host:port/dbname"_s;
        return std::nullopt;
    }
    QStringList options;
    const QList<QPair<QString, QString>> items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key == u"host") {
            spec.host = value;   // a socket directory, as libpq takes it
            continue;
        }
        if (key.isEmpty() || value.contains(u';') || key.contains(u'=') || key.contains(u';')) {
            *error = u"bad PostgreSQL URL option: "_s % key;
            return std::nullopt;
        }
        options.append(key % u'=' % value);
    }
    spec.connectOptions = options.join(u';');
    return spec;
}

QString DatabaseSpec::displayName() const
{
    if (kind == Kind::SQLite)
        return u"sqlite:"_s % path;
    QString out = u"postgres://"_s;
    if (!user.isEmpty())
        out += user % u'@';
    out += host.startsWith(u'/') ? QString() : host;
    if (port > 0)
        out += u':' % QString::number(port);
    out += u'/' % databaseName;
    if (host.startsWith(u'/'))
        out += u"?host="_s % host;
    return out;
}

QSqlDatabase DatabaseSpec::openConnection(const QString &name) const
{
    if (kind == Kind::SQLite) {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT="_s % QString::number(tuning::kBusyTimeoutMs));
        db.open();
        return db;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    db.setDatabaseName(databaseName);
    if (!host.isEmpty())
        db.setHostName(host);
    if (port > 0)
        db.setPort(port);
    if (!user.isEmpty())
        db.setUserName(user);
    if (!password.isEmpty())
        db.setPassword(password);
    QString options = u"application_name=datastore-server;connect_timeout="_s
                      % QString::number(tuning::kPgConnectTimeoutSeconds);
    if (!connectOptions.isEmpty())
        options += u';' % connectOptions;
    db.setConnectOptions(options);
    if (db.open()) {
        // No NOTICEs ("relation already exists, skipping") on stderr.
        QSqlQuery q(db);
        q.exec(u"SET client_min_messages TO WARNING"_s);
    }
    return db;
}

void removeConnection(const QString &name)
{
    if (!QSqlDatabase::contains(name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

Result<std::unique_ptr<ServerStore>> openStore(const DatabaseSpec &spec)
{
    if (spec.isPostgres()) {
        auto store = std::make_unique<PgStore>();
        if (Result<void> r = store->open(spec); !r)
            return r.error();
        return std::unique_ptr<ServerStore>(std::move(store));
    }
    auto store = std::make_unique<SqliteStore>();
    if (Result<void> r = store->open(spec.path); !r)
        return r.error();
    return std::unique_ptr<ServerStore>(std::move(store));
}

} // namespace ds::server::data
