// ds::Storage: the local SQLite store of one DataStore (QtSql, WAL).
//
// Threading: a Storage is created, used and destroyed on ONE thread (the
// DataStore's worker thread); it owns a uniquely named QSqlDatabase
// connection that never leaves that thread. Nothing here is thread-safe.
//
// Layout (see docs/storage.md): one table per model, named after the model,
// with one typed column per stored field (see predicate/sql.h for the column
// types) plus the sync metadata columns _version, _lastChangedAt, _deleted;
// an index for every @index (with its sort keys) and the @primaryKey; an
// outbox table (pending mutations, FIFO); a sync-metadata table per model
// (lastSync, lastFullSync, sync predicate, resume token); PRAGMA user_version
// plus one migration step per version; the schema version of every model
// table, so that additive schema changes migrate in place.
//
// Every write is one transaction, or joins the transaction opened with
// transaction(): a local save or delete writes the row and its outbox entry
// together, merging with the entries already queued for the same record
// (PROTOCOL.md section 6.5).
#pragma once

#include <datastore/error.h>
#include <datastore/modelschema.h>
#include <datastore/predicate.h>
#include <datastore/result.h>

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QVariantMap>

#include <functional>

namespace ds {

// A stored record: its fields in wire form plus its sync metadata.
struct Record
{
    QVariantMap fields;
    std::optional<int> version;           // _version; nullopt until synced
    std::optional<qint64> lastChangedAt;  // _lastChangedAt (ms)
    bool deleted = false;                 // _deleted (tombstone kept for sync)
};

enum class MutationType { Create, Update, Delete };
// "Create", "Update", "Delete" (the outbox's column values).
QString mutationTypeName(MutationType type);

// One pending mutation of the outbox.
struct OutboxEntry
{
    enum class State { Pending, InFlight, Failed };

    qint64 id = 0;               // FIFO order
    QString model;
    QString recordId;            // the primary key, serialized (see Storage::keyOf)
    MutationType type = MutationType::Create;
    // Create: the whole record; Update: the changed fields plus the primary
    // key (a patch); Delete: the primary key.
    QVariantMap data;
    QJsonObject condition;       // AppSync condition JSON; empty for none
    std::optional<int> version;  // _version known when the change was made
    qint64 createdAt = 0;        // ms since epoch
    State state = State::Pending;
    int attempts = 0;
    QString lastError;
};

struct SortKey
{
    QString field;
    bool descending = false;
};

struct QueryOptions
{
    Predicate predicate;        // all() by default
    QList<SortKey> sort;        // empty: primary key ascending
    int limit = -1;             // -1: no limit
    int offset = 0;             // page * limit
    bool includeDeleted = false;
};

// What one local write did, for observers.
struct Change
{
    enum class Type { Created, Updated, Deleted };
    QString model;
    Type type = Type::Created;
    QVariantMap element;        // the record after the change (before, for Deleted)
};

struct SyncMetadata
{
    QString model;
    std::optional<qint64> lastSync;       // server startedAt of the last completed sync
    std::optional<qint64> lastFullSync;
    QString syncPredicate;                // the sync expression the rows were synced under (text)
    QString resumeToken;                  // nextToken of an interrupted base sync
    std::optional<qint64> resumeStartedAt;
};

// One remote record in column form, as a sync page reader takes it off the
// wire (sync/syncpagereader.h) without building a map per record: one value
// per stored field of the model, in ModelSchema::storedFields() order, as
// QJsonValue::toVariant() gives it (whole numbers of Int fields as int, as
// the map form has them too); an invalid QVariant for a field the record
// does not name. The sync metadata as received.
struct RemoteRecord
{
    QList<QVariant> values;
    QVariant version;           // _version
    QVariant lastChangedAt;     // _lastChangedAt
    QVariant deleted;           // _deleted
};

// What mergeRemote() did with one batch of remote records.
struct MergeResult
{
    QList<Change> changes;      // in batch order, one per record that changed locally
    int created = 0;            // new local rows
    int updated = 0;            // rows overwritten by a newer _version (or the same one changed)
    int deleted = 0;            // rows removed by a remote `_deleted: true`
    int unchanged = 0;          // already at that version, or a delete of a row we lack
    int skippedPending = 0;     // ignored: the record has outbox entries
    int duplicates = 0;         // earlier occurrences of an id later in the batch
    int rejected = 0;           // invalid for the model (logged, not stored)
};

// explain(): the SQL a query runs and SQLite's plan for it.
struct StoragePlan
{
    QString sql;
    QVariantList bindings;
    QStringList plan;          // EXPLAIN QUERY PLAN detail lines
    bool usesIndex = false;    // a SEARCH ... USING INDEX rather than a SCAN
};

class Storage
{
public:
    explicit Storage(const Schema &schema);
    ~Storage();
    Storage(const Storage &) = delete;
    Storage &operator=(const Storage &) = delete;

    // Opens (creating or migrating) the database at path; ":memory:" works.
    // A locked, read-only, corrupt or newer-schema file is an error naming
    // the file and the cause.
    Result<void> open(const QString &path);
    void close();
    bool isOpen() const;
    QString path() const;

    // How long a statement waits for another connection's lock before the
    // call fails with DatabaseLocked (default: tuning_p.h). Before open().
    void setBusyTimeout(int milliseconds);

    // When set, open() refuses (error "SchemaMismatch", the file untouched)
    // a database whose tables were made for another schema or by an older
    // version of the bookkeeping tables, instead of migrating it; a new,
    // empty file is still created. For tools that inspect an app's file and
    // must never rebuild or alter it. Before open().
    void setRequireMatchingSchema(bool require);

    // Models whose local writes queue no outbox entries (and that the sync
    // engine leaves out): SyncConfiguration::setLocalOnly(). Any time.
    void setLocalOnlyModels(const QSet<QString> &models);
    bool isLocalOnly(const QString &model) const;

    // What the last open() changed in the local schema, one line per step
    // ("Post: created table", "Post: added column \"rating\"", "Comment:
    // rebuilt: field 'postID' changed type ID! -> String!"). Also logged.
    QStringList migrationNotes() const;

    // Runs body inside one transaction; writes inside it don't open their own.
    // A body that returns an error rolls everything back. Nested calls use
    // savepoints, so one failed write can be undone alone.
    Result<void> transaction(const std::function<Result<void>()> &body);

    // Validates the record against the model (unknown field, wrong type,
    // missing required field, malformed id: a Validation error naming model
    // and field), checks `condition` against the current local record, then
    // inserts or updates the row and queues the outbox entry, in one transaction.
    Result<Change> save(const ModelSchema &model, const QVariantMap &record,
                        const Predicate &condition = Predicate::all());
    // save() of a record already validated and normalized for this model by
    // storage::RecordValidator::validateRecord() (values_p.h), e.g. on the
    // caller's thread: the same checks and writes without validating again.
    Result<Change> saveNormalized(const ModelSchema &model, const QVariantMap &normalized,
                                  const Predicate &condition = Predicate::all());
    // Deletes one record by primary key (the key's field values).
    Result<Change> remove(const ModelSchema &model, const QVariantMap &key,
                          const Predicate &condition = Predicate::all());
    Result<QList<Change>> removeWhere(const ModelSchema &model, const Predicate &predicate);

    Result<QList<QVariantMap>> query(const ModelSchema &model, const QueryOptions &options) const;
    Result<qint64> count(const ModelSchema &model, const Predicate &predicate) const;
    Result<std::optional<Record>> get(const ModelSchema &model, const QVariantMap &key) const;
    // The query the predicate becomes, and SQLite's plan for it.
    Result<StoragePlan> explain(const ModelSchema &model, const Predicate &predicate) const;

    // Deletes every row, the outbox and the sync metadata.
    Result<void> clear();

    // ---- for the sync engine ----------------------------------------------
    // THE ingestion path for remote data (STYLE.md rule 4; PROTOCOL.md 6.6,
    // JS semantics): sync pages, subscription events and mutation responses
    // all come through here. One transaction per call (a savepoint inside
    // transaction()). Each item is a record in wire form with its metadata
    // (_version, _lastChangedAt, _deleted); non-stored keys (relation
    // objects) are ignored. Per item, the last occurrence of an id in the
    // batch wins; a record with ANY outbox entry (pending, in flight or
    // failed) is left untouched; `_deleted: true` deletes the local row (no
    // local tombstone, as remove() does); otherwise the row is inserted or
    // overwritten with the item and its _version/_lastChangedAt, unless the
    // row is already at a newer _version (a late event never rolls a row
    // back; Android's merger does the same, JS does not). Nothing is
    // queued. An item that is not a valid record of the model is skipped
    // with a warning (counted in `rejected`); a storage error rolls the whole
    // batch back.
    Result<MergeResult> mergeRemote(const ModelSchema &model, const QList<QVariantMap> &items);
    // The same for records in column form: the same validation, the same
    // rules, the same result as the map of each record would give.
    // (Taken by value: a batch moved in is normalized in place.) With
    // MergeChanges::CountsOnly, MergeResult::changes stays empty (the counts
    // are kept): for a caller nobody observes record by record.
    enum class MergeChanges { Records, CountsOnly };
    Result<MergeResult> mergeRemote(const ModelSchema &model, QList<RemoteRecord> items,
                                    MergeChanges changes = MergeChanges::Records);

    // A remote record mergeRemote() left out because the record had outbox
    // entries (a change made elsewhere while ours was in flight: its
    // subscription event arrives before our answer) is held in memory, the
    // newest per record. Once the record's last entry is answered, this
    // merges it if it is newer than that answer (answeredVersion), so the
    // record does not stay behind until the next sync; else drops it.
    Result<MergeResult> mergeHeldBack(const ModelSchema &model, const QString &recordKey, int answeredVersion);

    Result<QList<OutboxEntry>> outbox() const;
    Result<qint64> pendingMutationCount() const;
    Result<std::optional<OutboxEntry>> peekOutbox() const;
    // The entries queued for one record that are not in flight, oldest first.
    Result<QList<OutboxEntry>> outboxFor(const QString &model, const QString &recordId) const;
    Result<void> removeOutboxEntry(qint64 id);
    Result<void> updateOutboxEntry(const OutboxEntry &entry);
    Result<SyncMetadata> syncMetadata(const QString &model) const;
    Result<void> setSyncMetadata(const SyncMetadata &metadata);

    // The serialized primary key of a record: the id, or the key fields
    // joined as Amplify does ("a#b").
    static QString keyOf(const ModelSchema &model, const QVariantMap &record);

    const Schema &schema() const { return m_schema; }
    QString connectionName() const { return m_connection; }

private:
    class Private;
    const Schema &m_schema;
    QString m_connection;
    std::unique_ptr<Private> d;
};

} // namespace ds
