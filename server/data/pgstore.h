// The PostgreSQL ServerStore (QPSQL): the layout of serverstore.h with
// PostgreSQL types: text COLLATE "C" (byte order, as SQLite's BINARY and
// predicate/sql.h's PostgreSQL dialect assume), bigint, double precision,
// boolean; lists and non-model values as JSON text; "_delta"."item" as jsonb
// (delta filters read "item"->>'field' with the column's type);
// "_server_meta"."value" as bytea.
//
// Several server processes may share one database. beginWrite() opens a
// transaction and takes a transaction-level advisory lock
// (pg_advisory_xact_lock) that every instance uses: writers of all instances
// are serialized as SQLite's BEGIN IMMEDIATE serializes them, so the
// fetch -> version check -> put of a mutation cannot race, and "_delta"."seq"
// (a sequence) grows in commit order, which delta paging relies on. Readers
// (READ COMMITTED, one snapshot per statement) never wait for the lock.
//
// announce() queues a NOTIFY in the write transaction: other instances
// (PgChangeBridge) hear of a change exactly when it commits, in commit order.
//
// SQL is built in small pieces (baseScanSql(), deltaScanSql()) that return
// text plus bindings, so a query-plan method can reuse them.
//
// Threading: create, use and destroy on one thread; one connection each.
#pragma once

#include "data/database.h"
#include "data/serverstore.h"

#include <QHash>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <memory>

namespace ds::server::data {

// An SQL text with its "$n" placeholders' values.
struct PgStatement
{
    QString sql;
    QVariantList bindings;
};

class PgStore final : public ServerStore
{
public:
    PgStore();
    ~PgStore() override;
    PgStore(const PgStore &) = delete;
    PgStore &operator=(const PgStore &) = delete;

    Result<void> open(const DatabaseSpec &spec);
    void close();

    Result<void> prepareSchema(const Schema &schema) override;
    Result<QByteArray> tokenSecret() override;
    Result<void> beginWrite() override;
    Result<void> commit() override;
    void rollback() override;
    Result<std::optional<QJsonObject>> fetch(const ModelSchema &model, const QJsonArray &key) override;
    Result<void> put(const ModelSchema &model, const QJsonObject &item, const WriteMeta &meta) override;
    Result<void> putBase(const ModelSchema &model, const QJsonObject &item) override;
    // pg_notify on pgnotify::channel() inside the write transaction (pgnotify_p.h).
    Result<void> announce(const ModelSchema &model, const ServerChange &change) override;
    Result<Page> scanBase(const ModelSchema &model, const BaseScan &scan) override;
    Result<Page> scanDelta(const ModelSchema &model, const DeltaScan &scan) override;
    Result<qint64> lastDeltaSeq() override;
    Result<qint64> count(const ModelSchema &model) override;
    Result<SweepResult> sweep(const Schema &schema, qint64 nowSeconds) override;

    // Cross-instance changes (pgchangebridge.h): NOTIFY on channel, and the
    // item a change with that key and _version wrote (its delta row, else the
    // current row when the delta row has expired).
    Result<void> notify(const QString &channel, const QString &payload);
    Result<std::optional<QJsonObject>> fetchChange(const ModelSchema &model, const QJsonArray &key, qint64 version);

    // The statements of the scans (pure; also for query plans).
    static PgStatement baseScanSql(const ModelSchema &model, const BaseScan &scan);
    static PgStatement deltaScanSql(const ModelSchema &model, const DeltaScan &scan);

    // Column <-> wire values with PostgreSQL types (booleans as bool).
    static QVariant toPgColumn(const FieldSchema &field, const QJsonValue &wire);
    // The column type of a stored field.
    static QString pgType(const FieldSchema &field);
    // SELECT list of a model row: stored fields, _version, _lastChangedAt, _deleted.
    static QString selectColumns(const ModelSchema &model);
    static QJsonObject readRow(const ModelSchema &model, const QSqlQuery &query, int firstColumn = 0);

private:
    Result<void> exec(const QString &sql);
    Result<QSqlQuery *> cached(const QString &key, const QString &sql);
    Result<std::shared_ptr<QSqlQuery>> run(const PgStatement &statement, const QString &what);
    Result<void> upsert(const ModelSchema &model, const QJsonObject &item, qint64 ttl);
    Error failure(const QString &what, const QSqlError &e);
    Result<void> reopenIfBroken();
    // Runs f; when it failed because the connection broke (the server
    // restarted, a failover) outside a transaction, reconnects and runs it once more.
    template<typename F>
    auto retrying(F f) -> decltype(f());
    Result<std::optional<QJsonObject>> fetchOnce(const ModelSchema &model, const QJsonArray &key);

    DatabaseSpec m_spec;
    QString m_connectionName;
    QHash<QString, QSqlQuery *> m_statements;
    bool m_broken = false;
    bool m_inTransaction = false;
};

} // namespace ds::server::data
