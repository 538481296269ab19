// DatabaseSpec: which database the server runs on, from --db.
//
//   FILE | sqlite:FILE                       a SQLite file (SqliteStore)
//   postgres://[user[:password]@][host][:port]/dbname[?host=/socket/dir&sslmode=...]
//   postgresql://...                         PostgreSQL through QPSQL (PgStore)
//
// openConnection() adds a configured QSqlDatabase under a unique name for the
// calling thread (STYLE.md rule 9); openStore() gives the matching
// ServerStore, opened. Both the data plane and the auth service use these.
//
// Threading: a DatabaseSpec is a value; open connections on the thread that
// uses them.
#pragma once

#include "data/serverstore.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace ds::server::data {

struct DatabaseSpec
{
    enum class Kind { SQLite, PostgreSQL };

    Kind kind = Kind::SQLite;
    QString path;            // SQLite file
    QString host;            // PostgreSQL: host name, address or socket directory; empty: libpq default
    int port = -1;           // -1: libpq default (5432)
    QString user;
    QString password;
    QString databaseName;
    QString connectOptions;  // QPSQL options: "sslmode=require;connect_timeout=5"

    // Parses a --db value; nullopt and *error when it is malformed.
    static std::optional<DatabaseSpec> parse(const QString &text, QString *error);
    static DatabaseSpec sqlite(const QString &path);

    bool isPostgres() const { return kind == Kind::PostgreSQL; }
    // For logs and messages: no password.
    QString displayName() const;
    // Adds and opens a connection named `name`; check isOpen()/lastError().
    QSqlDatabase openConnection(const QString &name) const;
};

// A new store for spec, opened on the calling thread.
Result<std::unique_ptr<ServerStore>> openStore(const DatabaseSpec &spec);

// Closes and removes the connection `name` (no QSqlDatabase may remain).
void removeConnection(const QString &name);

} // namespace ds::server::data
