// ServerStore: the server's storage, behind an interface so that the SQLite
// implementation (sqlitestore.h, the default) and the PostgreSQL one
// (pgstore.h; database.h picks one from --db) share the resolvers, the
// conflict rules and the sync paging (STYLE.md rule 12).
//
// Layout (SQLite; PostgreSQL follows it with its own types):
//   "<Model>"  one table per model: a typed column per stored field (as
//              datastore/predicate/sql.h assumes, so toSql() applies as is),
//              "_version" INTEGER NOT NULL, "_lastChangedAt" INTEGER NOT NULL,
//              "_deleted" INTEGER NOT NULL DEFAULT 0, "_ttl" INTEGER (epoch
//              seconds at which a tombstone expires), PRIMARY KEY(@primaryKey);
//              an index per @index (partition key, then sort keys).
//   "_delta"   the delta log of every model: seq (commit order), model, key
//              (JSON array of the primary key), _version, _lastChangedAt,
//              _ttl (epoch seconds), item (the item after the change, JSON);
//              written in the same transaction as the row; indexes
//              (model, _lastChangedAt), (model, seq), (_ttl).
//   "_server_meta"  key/value: the nextToken signing key.
//
// Reads: planScan() decides the access path of a base scan (which index, the
// keyset order; scanplan.h), scanBase() follows it, explainBase() and
// explainDelta() show the statement and the engine's plan of it (POST
// /admin/explain). The decision lives in planBaseScan(), engine-neutral, so
// SQLite and PostgreSQL answer the same "index byLastName" for one filter.
//
// Items cross this interface in wire form (QJsonObject): every stored field
// (null when unset) plus _version, _lastChangedAt and _deleted (true or null);
// sync pages as JSON text in that form (scanBaseJson(), jsonrows.h).
//
// Threading: a store is created, used and destroyed on one thread and owns
// one connection (STYLE.md rule 9); every worker thread has its own.
#pragma once

#include "data/jsonrows.h"
#include "data/scanplan.h"

#include <datastore/modelschema.h>
#include <datastore/predicate.h>
#include <datastore/result.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QVariant>

#include <memory>
#include <optional>

namespace ds::server {
struct ServerChange;
}

namespace ds::server::data {

// Metadata of one write besides the item itself.
struct WriteMeta
{
    qint64 tombstoneTtlSeconds = 0;   // base row "_ttl" (epoch seconds); 0: none
    qint64 deltaTtlSeconds = 0;       // delta row "_ttl" (epoch seconds)
};

// A page of a keyset scan of a model table.
struct BaseScan
{
    Predicate filter;              // ANDed with the keyset condition
    // Keyset columns: the primary key, or index fields + primary key. Index
    // fields may hold NULL: the keyset comparison must be exact with NULLs and
    // agree with the ORDER BY (SQLite sorts NULL first ascending, PostgreSQL
    // last unless NULLS FIRST), or rows are skipped or repeated.
    QStringList orderFields;
    QJsonArray after;              // values of orderFields of the last row returned; empty: from the start
    bool descending = false;
    int limit = 100;
    qint64 nowSeconds = 0;         // tombstones with _ttl <= now are left out
    enum class Deleted { Any, LiveOnly, TombstonesOnly };
    Deleted deleted = Deleted::Any;
    // The access path decided by ServerStore::planScan() for this filter
    // (orderFields is then plan->orderFields). The store must follow it: read
    // by plan->index when it is an index, in keyset order, and keep its
    // engine from choosing another path (SQLite: INDEXED BY, and no other
    // column usable for a lookup; PostgreSQL: the other paths priced out,
    // pgstore.h); plan->fixedFields may be left out of the
    // keyset comparison. nullopt: the engine chooses.
    std::optional<ScanPlan> plan;
};

// A page of the delta log of one model.
struct DeltaScan
{
    Predicate filter;
    qint64 sinceMs = 0;            // changes with _lastChangedAt >= sinceMs
    qint64 afterSeq = 0;           // keyset: seq > afterSeq ...
    qint64 maxSeq = 0;             // ... and seq <= maxSeq (the log's end when the sync started)
    int limit = 100;
    qint64 nowSeconds = 0;         // delta rows with _ttl <= now are left out
};

struct Page
{
    QList<QJsonObject> items;
    QJsonArray lastKey;            // BaseScan: orderFields of the last item
    qint64 lastSeq = 0;            // DeltaScan: seq of the last item
    bool hasMore = false;
};

// A page of a base scan as JSON text, for the sync resolver (jsonrows.h).
struct JsonPage
{
    std::shared_ptr<JsonRows> rows;
    QJsonArray lastKey;            // orderFields of the last row
    bool hasMore = false;
};

// What a store runs for a scan, and what its engine makes of it (explain).
struct ScanExplanation
{
    QString sql;                 // the statement as run, with placeholders
    QVariantList bindings;       // in placeholder order
    QStringList databasePlan;    // the engine's plan: SQLite's EXPLAIN QUERY PLAN detail lines, PostgreSQL's EXPLAIN lines
    // The index the engine reports reading by: an @index name,
    // ScanPlan::kPrimaryKey, another engine index name as is, or empty (scan).
    QString databaseIndex;
    bool sorts = false;          // the engine sorts the rows (the keyset order is not the index order)
};

struct SweepResult
{
    int deltaRows = 0;
    int tombstones = 0;
};

class ServerStore
{
public:
    virtual ~ServerStore();

    // Creates the tables and indexes of every model (adding columns for new
    // fields), the delta log and the meta table.
    virtual Result<void> prepareSchema(const Schema &schema) = 0;
    // The key that signs nextTokens: generated once, then persisted.
    virtual Result<QByteArray> tokenSecret() = 0;

    // A write transaction: beginWrite() takes the write lock at once, so the
    // item read by fetch() stays current until commit().
    virtual Result<void> beginWrite() = 0;
    virtual Result<void> commit() = 0;
    virtual void rollback() = 0;

    // The item with that primary key (values in primaryKey order), tombstones
    // included; nullopt when there is none.
    virtual Result<std::optional<QJsonObject>> fetch(const ModelSchema &model, const QJsonArray &key) = 0;
    // Inserts or replaces the row and appends its delta-log row. Inside a
    // write transaction.
    virtual Result<void> put(const ModelSchema &model, const QJsonObject &item, const WriteMeta &meta) = 0;
    // Tells other server instances on the same database about a change, as
    // part of the write transaction (so they hear of it when, and only when,
    // it commits, in commit order). Default: nothing to tell (SQLite: one instance).
    virtual Result<void> announce(const ModelSchema &model, const ServerChange &change);
    // Inserts rows without delta-log rows (seeding); inside a write transaction.
    virtual Result<void> putBase(const ModelSchema &model, const QJsonObject &item) = 0;

    // The access path of a base scan of `model` with `filter` (scanplan.h):
    // which index serves it and the keyset order. Pure: the same filter always
    // gets the same plan. Default: planBaseScan(), which reasons on the
    // schema's indexes only; a store whose engine can do more may override it.
    virtual ScanPlan planScan(const ModelSchema &model, const Predicate &filter) const;
    virtual Result<Page> scanBase(const ModelSchema &model, const BaseScan &scan) = 0;
    // scanBase() as JSON text. Default: scanBase()'s items encoded one by
    // one; a store may write its rows into the text directly (SQLite does).
    virtual Result<JsonPage> scanBaseJson(const ModelSchema &model, const Schema &schema, const BaseScan &scan);
    virtual Result<Page> scanDelta(const ModelSchema &model, const DeltaScan &scan) = 0;
    // The statement scanBase()/scanDelta() run for that scan (the first page
    // when scan.after is empty / afterSeq is 0, else a continuation page) and
    // the engine's own plan of it. Nothing is read. Default: an Unsupported
    // error (POST /admin/explain then answers 501).
    virtual Result<ScanExplanation> explainBase(const ModelSchema &model, const BaseScan &scan);
    virtual Result<ScanExplanation> explainDelta(const ModelSchema &model, const DeltaScan &scan);
    // The delta log's last seq (0 when empty).
    virtual Result<qint64> lastDeltaSeq() = 0;
    virtual Result<qint64> count(const ModelSchema &model) = 0;
    // How many rows a base scan from its start would return in all pages
    // (scan.after and scan.limit ignored): the expected total of a base sync,
    // reported to clients as a response extension for progress bars. The
    // default answers Unsupported (no total is reported).
    virtual Result<qint64> countBase(const ModelSchema &model, const BaseScan &scan);

    // Deletes delta rows and tombstones whose _ttl has passed.
    virtual Result<SweepResult> sweep(const Schema &schema, qint64 nowSeconds) = 0;
};

// The primary key of an item, in primaryKey order.
QJsonArray keyOf(const ModelSchema &model, const QJsonObject &item);

} // namespace ds::server::data
