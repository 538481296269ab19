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
// Scans follow the scan plan (scanplan.h) as SqliteStore does: ORDER BY the
// plan's fields with SQLite's NULL order made explicit (NULLS FIRST
// ascending, NULLS LAST descending; primary-key fields are never NULL and
// keep PostgreSQL's default so the primary key index serves them), a keyset
// condition that is exact with NULLs, beginsWith as a range, and every
// @index created as (index fields NULLS FIRST, then the primary key fields),
// so it holds its entries in exactly that order. PostgreSQL has no INDEXED
// BY: a planned scan runs in a read-only transaction with
// enable_seqscan/enable_bitmapscan/enable_sort off (SET LOCAL), which leaves
// the one index whose order is the ORDER BY as the only path without a
// sort, on tiny tables too (a scan plan reads the primary key index; delta
// pages read (model, seq)). That costs two round trips per page (~0.2 ms on
// loopback) and, where a filter matches almost nothing, an index walk where
// a seq scan would be quicker (~25% on 300k rows); in return a page never
// reads and sorts the whole table. explainBase()/explainDelta() EXPLAIN the
// same statement under the same settings with the same values: PostgreSQL's
// own report of what runs.
//
// SQL is built in small pieces (baseScanSql(), deltaScanSql()) that return
// text plus bindings, so the scans and their explanations share them.
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
    Result<ScanExplanation> explainBase(const ModelSchema &model, const BaseScan &scan) override;
    Result<ScanExplanation> explainDelta(const ModelSchema &model, const DeltaScan &scan) override;
    Result<qint64> lastDeltaSeq() override;
    Result<qint64> count(const ModelSchema &model) override;
    Result<qint64> countBase(const ModelSchema &model, const BaseScan &scan) override;
    Result<SweepResult> sweep(const Schema &schema, qint64 nowSeconds) override;

    // Cross-instance changes (pgchangebridge.h): NOTIFY on channel, and the
    // item a change with that key and _version wrote (its delta row, else the
    // current row when the delta row has expired).
    Result<void> notify(const QString &channel, const QString &payload);
    Result<std::optional<QJsonObject>> fetchChange(const ModelSchema &model, const QJsonArray &key, qint64 version);

    // The statements of the scans (pure; also for query plans).
    static PgStatement baseScanSql(const ModelSchema &model, const BaseScan &scan);
    static PgStatement deltaScanSql(const ModelSchema &model, const DeltaScan &scan);
    // The column list of the index of an @index (fields NULLS FIRST, then the
    // primary key fields it lacks), as in CREATE INDEX ... (<this>).
    static QString indexColumns(const ModelSchema &model, const IndexSchema &index);
    // The ScanExplanation::databaseIndex of an index name from EXPLAIN:
    // "idx_<Model>_<name>" -> name, "<Model>_pkey" -> ScanPlan::kPrimaryKey,
    // others as they are.
    static QString indexOfPlanName(const ModelSchema &model, const QString &name);
    // Reads PostgreSQL's EXPLAIN text lines into *explanation: databasePlan,
    // databaseIndex (of the first Index Scan, Index Only Scan or Bitmap Index
    // Scan), sorts (a Sort or Incremental Sort node).
    static void readPlan(const ModelSchema &model, const QStringList &lines, ScanExplanation *explanation);

    // Column <-> wire values with PostgreSQL types (booleans as bool).
    static QVariant toPgColumn(const FieldSchema &field, const QJsonValue &wire);
    // The column type of a stored field.
    static QString pgType(const FieldSchema &field);
    // SELECT list of a model row: stored fields, _version, _lastChangedAt, _deleted.

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
    // Runs f with the planner kept on the index path (see above): in a
    // read-only transaction of its own, or inside the write transaction.
    template<typename F>
    auto followingPlan(F f) -> decltype(f());
    // The @index's index as indexColumns() says (rebuilt when it differs).
    Result<void> ensureIndex(const ModelSchema &model, const IndexSchema &index);
    // Runs a base/delta page statement and reads its rows.
    Result<Page> readBase(const ModelSchema &model, const BaseScan &scan);
    // The first seq of a delta page: scan.afterSeq, or for the first page
    // just before the model's first change since scan.sinceMs.
    Result<std::optional<qint64>> deltaStart(const ModelSchema &model, const DeltaScan &scan);
    // planned: under the planner settings of a planned scan.
    Result<ScanExplanation> explainStatement(const ModelSchema &model, const PgStatement &statement, bool planned);

    DatabaseSpec m_spec;
    QString m_connectionName;
    QHash<QString, QSqlQuery *> m_statements;
    bool m_broken = false;
    bool m_inTransaction = false;
};

} // namespace ds::server::data
