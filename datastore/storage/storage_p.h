// Internals of ds::Storage shared by its source files (storage.cpp,
// localschema.cpp, outbox.cpp). Same threading rule as Storage: one thread.
#pragma once

#include "storage/storage.h"
#include "storage/values_p.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <array>
#include <memory>
#include <vector>

namespace ds {

namespace storage {

// One model's table: its columns and its prepared statements.
struct ModelTable
{
    enum Statement {
        Insert, InsertIfAbsent, Select, Update, Delete, OutboxCreateRow, OutboxCreateRows,
        MergeInsert, MergeUpdate,   // mergeRemote(): with _version/_lastChangedAt (merge.cpp)
        MergeChunkExists,           // mergeRemote(): whether any of `mergeChunk` keys has a row
        MergeChunkInsert,           // mergeRemote(): `mergeChunk` new rows at once
        StatementCount
    };

    const ModelSchema *model = nullptr;
    QString table;                       // quoted table name
    QList<const FieldSchema *> fields;   // stored fields, in column order
    QList<int> keyColumns;               // positions of the primary-key fields in `fields`
    QString selectColumns;               // the fields, then _version, _lastChangedAt, _deleted
    QList<const FieldSchema *> writable; // stored fields that are not read-only (outbox data)
    // One key field of text type: the outbox recordId is the key itself, so
    // a Create entry can leave its data to the row (see Private::rowIsData).
    bool textKey = false;
    std::unique_ptr<RecordValidator> validator;
    std::array<std::unique_ptr<QSqlQuery>, StatementCount> statements;
    // INSERT ... ON CONFLICT DO NOTHING naming only the non-null columns
    // (bit i: fields[i]), so a save binds no NULLs (QtSql binds are costly).
    QHash<quint64, std::shared_ptr<QSqlQuery>> insertByColumns;
    int mergeChunk = 0;                  // rows of MergeChunkExists/MergeChunkInsert as prepared
};

// One remote record of mergeRemote() after normalization: its stored
// fields in column order (ModelTable::fields), invalid where null or not
// named; only the key for deletes.
struct IncomingRecord
{
    QList<QVariant> values;
    QString key;                   // Storage::keyOf()
    std::optional<int> version;
    std::optional<qint64> lastChangedAt;
    bool deleted = false;
};

// "name" -> "\"name\"" (doubling embedded quotes).
QString quoted(const QString &identifier);

// ":v<i>", the name of the i-th value of a statement that binds by name.
// QtSql formats a placeholder name with QString::arg() for every value bound
// by position (about 2,000 instructions a value, datastore-bench sync); bound
// by name it is one hash lookup. Used where rows are written in bulk.
QString namedPlaceholder(qsizetype i);

// Binds one execution's values of a prepared statement in placeholder order
// (each placeholder used once), moved straight into the list the driver
// reads in exec() (QSqlResult::boundValues()): QSqlResult::bindValue() looks
// every placeholder up by name in a string hash (~150 ns a value, 14% of a
// base sync's client time, datastore-bench sync). Until the result's list
// has one entry per value, binds through bindValue() (`named`: by
// namedPlaceholder()).
void bindInOrder(QSqlQuery &query, QVariant *values, qsizetype count, bool named);

} // namespace storage

class Storage::Private
{
public:
    enum Statement {
        Begin, Commit, Rollback,
        OutboxForRecord, OutboxInsert, OutboxInsertCreate, OutboxDelete, OutboxSetData, OutboxUpdate,
        OutboxAll, OutboxHead, OutboxCount,
        MetadataSelect, MetadataUpsert,
        OutboxKeys,                 // the recordIds of a model with any outbox entry
        StatementCount
    };

    Private(const Schema &schema, QString connection) : schema(schema), connection(std::move(connection)) {}

    const Schema &schema;
    QString connection;
    QString path;
    bool open = false;
    int busyTimeoutMs = 0;
    bool requireMatchingSchema = false;   // Storage::setRequireMatchingSchema()
    QSet<QString> localOnly;              // Storage::setLocalOnlyModels()
    int depth = 0;                       // 0: no transaction; 1: BEGIN; >1: savepoints
    QStringList migrationNotes;

    std::vector<std::unique_ptr<storage::ModelTable>> tables;
    // mergeRemote()'s records left out for outbox entries, newest per
    // record: model -> record key -> record (Storage::mergeHeldBack()).
    QHash<QString, QHash<QString, storage::IncomingRecord>> heldBack;
    void holdBack(const QString &model, const storage::IncomingRecord &record);
    QHash<const ModelSchema *, storage::ModelTable *> tableByModel;
    QHash<QString, storage::ModelTable *> tableByName;
    std::array<std::unique_ptr<QSqlQuery>, StatementCount> statements;
    // depth -> SAVEPOINT / RELEASE / ROLLBACK TO statements
    std::vector<std::array<std::unique_ptr<QSqlQuery>, 3>> savepoints;
    QHash<QString, std::shared_ptr<QSqlQuery>> queryCache;
    // Keys ("Model/recordId") that may have outbox entries although their
    // row is gone: those with a queued Delete. A record without a row has
    // queued entries only if one of them is a Delete (creates and updates
    // always leave a row; remove, removeWhere queue a Delete; clear() and
    // rebuilds drop the entries too), so a new record whose key is not here
    // needs no outbox look-up. False positives only cost the look-up.
    // Assumes one writing Storage per file (the DataStore's worker).
    QSet<QString> maybeQueued;
    // The number of outbox rows as this connection last knew it; -1 when
    // unknown (after a rollback, a migration or clear()), then counted again.
    qint64 outboxCount = -1;

    // Deferred Create entries (whole records, data = the row): the new rows
    // of one table with contiguous rowids [pendingFirst, pendingLast], queued
    // by one INSERT ... SELECT before anything else reads or writes the
    // outbox or the model rows, before a savepoint, and before COMMIT; a
    // rollback drops them with their rows. A failed flush fails the
    // transaction (`flushError`), so a row never commits without its entry.
    storage::ModelTable *pendingTable = nullptr;
    qint64 pendingFirst = 0;
    qint64 pendingLast = 0;
    Error flushError;
    Error flushPending();
    void outboxChanged(qint64 delta)
    {
        if (outboxCount >= 0)
            outboxCount += delta;
    }

    QSqlDatabase db() const { return QSqlDatabase::database(connection, false); }

    // ---- errors -----------------------------------------------------------
    Error sqlError(const QSqlError &error, const QString &what) const;
    static Error notOpen();

    // ---- statements -------------------------------------------------------
    // Prepares once into `slot`; returns nullptr and fills `error` on failure.
    QSqlQuery *prepared(std::unique_ptr<QSqlQuery> &slot, const QString &sql, Error &error);
    QSqlQuery *statement(Statement which, Error &error);
    QSqlQuery *tableStatement(storage::ModelTable &t, storage::ModelTable::Statement which,
                              Error &error);
    // MergeChunkExists / MergeChunkInsert for `rows` records (merge.cpp).
    QSqlQuery *mergeChunkStatement(storage::ModelTable &t, storage::ModelTable::Statement which, qsizetype rows,
                                   Error &error);
    std::shared_ptr<QSqlQuery> cachedQuery(const QString &sql, Error &error);
    // Runs a prepared statement; on failure fills `error` with "<what><subject>: cause".
    bool exec(QSqlQuery &query, QStringView what, Error &error, QStringView subject = {});
    Result<void> execSql(const QString &sql, const QString &what);   // one-off statements
    void resetStatements();

    // ---- transactions -----------------------------------------------------
    Error begin();
    Error commit();
    void rollback();
    template<typename T, typename F>
    Result<T> write(F &&body)
    {
        if (const Error e = begin(); !e.isNull())
            return e;
        Result<T> result = body();
        if (!result) {
            rollback();
            return result;
        }
        if (const Error e = commit(); !e.isNull()) {
            rollback();
            return e;
        }
        return result;
    }

    // ---- tables -----------------------------------------------------------
    storage::ModelTable *table(const ModelSchema &model, Error &error);
    void buildTables();
    Result<void> migrateBookkeeping();            // localschema.cpp
    Result<void> migrateTo1();
    Result<void> migrateTo2();
    Result<void> migrateTo3();
    Result<void> migrateModelTables();            // localschema.cpp

    // ---- rows -------------------------------------------------------------
    Result<std::optional<Record>> selectRow(storage::ModelTable &t, const QVariantMap &key);
    Record decodeRow(const storage::ModelTable &t, const QSqlQuery &query) const;
    QVariantMap element(const storage::ModelTable &t, const QVariantMap &fields,
                        const std::optional<int> &version, const std::optional<qint64> &lastChangedAt,
                        bool deleted) const;
    Error insertRow(storage::ModelTable &t, const QVariantMap &fields);
    Error updateRow(storage::ModelTable &t, const QVariantMap &fields);
    Error deleteRow(storage::ModelTable &t, const QVariantMap &key);
    // The fast path of save() for a record without a local row: INSERT ...
    // ON CONFLICT DO NOTHING, then the Create entry. nullopt when the row
    // exists (the caller takes the update path). Needs no savepoint: a
    // failed outbox write is undone by deleting the row again. `defer`
    // (inside a caller's transaction): a whole-record Create entry joins the
    // deferred ones (flushPending()).
    // The writes of mergeRemote() (merge.cpp), for records already
    // normalized; `result` carries the rejected count, `received` the
    // batch's size (for the log); `records`: build MergeResult::changes.
    Result<MergeResult> mergeIncoming(storage::ModelTable &t, std::vector<storage::IncomingRecord> &incoming,
                                      MergeResult result, qsizetype received, bool records);
    Result<std::optional<Change>> tryCreate(storage::ModelTable &t, const QVariantMap &fields,
                                            bool defer);
    static QString queueKey(const QString &model, const QString &recordId)
    {
        return model + u'/' + recordId;
    }
    Result<Change> removeRow(storage::ModelTable &t, const Record &current,
                             const QJsonObject &condition);

    // ---- outbox (outbox.cpp) -----------------------------------------------
    // Queues a local change, merging with the queued entries of the same
    // record (PROTOCOL.md 6.5).
    Error enqueue(const ModelSchema &model, const QString &recordId, MutationType type,
                  const QVariantMap &data, const QJsonObject &condition,
                  std::optional<int> version);
    // Reads the entries a query selected. A Create whose data is the row
    // gets the row's fields, or, with `rowIsData`, an empty map and a flag.
    Result<QList<OutboxEntry>> readOutbox(QSqlQuery &query, QList<bool> *rowIsData = nullptr);
    // Whether a new record's Create entry may store no data (NULL: "the
    // current row"): the row then gives back exactly the data the entry
    // would hold, i.e. the record names every writable field (a timestamp
    // only when set) and its key is the recordId.
    static bool rowIsData(const storage::ModelTable &t, const QVariantMap &created);
    // The data of a Create entry stored as NULL: the row's writable fields.
    QVariantMap rowData(const QString &model, const QString &recordId);
};

} // namespace ds
