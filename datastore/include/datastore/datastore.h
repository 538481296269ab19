// ds::DataStore: the public facade of Qt DataStore.
//
// Apps save, query, delete and observe models locally (SQLite), fully
// offline; later the same object syncs with an AppSync-compatible cloud.
//
// Threading: a DataStore lives on the thread that created it (usually the
// GUI thread) and every public method may be called from any thread. No
// method waits on SQLite: operations are queued to the store's worker thread
// and return a QFuture that resolves once the change is committed to disk
// (durable against a crash of the process). Change notifications are
// delivered as queued signals on the DataStore's thread. Writes queued
// together are committed together, in one SQLite transaction (group commit),
// each with its own savepoint so one failed write never undoes another.
//
//   ds::DataStore store(app::ModelProvider::schema());
//   store.open(path);
//   store.save(app::Post().withTitle(u"Hello"_s).withRating(7));
//   auto posts = store.query<app::Post>(app::Post::RATING.gt(5));
#pragma once

#include <datastore/error.h>
#include <datastore/global.h>
#include <datastore/modelschema.h>
#include <datastore/predicate.h>
#include <datastore/result.h>
#include <datastore/syncconfiguration.h>

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QVariantMap>

#include <memory>

namespace ds {

class DataStorePrivate;
class Observation;
class LiveQuery;

// One committed change, as observers see it.
struct DATASTORE_EXPORT ChangeEvent
{
    Q_GADGET
    Q_PROPERTY(QString model MEMBER model)
    Q_PROPERTY(Type type MEMBER type)
    Q_PROPERTY(QVariantMap element MEMBER element)

public:
    enum class Type { Created, Updated, Deleted };
    Q_ENUM(Type)

    QString model;
    Type type = Type::Created;
    QVariantMap element;   // the record after the change; for Deleted, as it was
    QString key;           // the serialized primary key ("id", or "a#b" for composite keys)

    friend bool operator==(const ChangeEvent &, const ChangeEvent &) = default;
};

struct SortBy
{
    enum class Order { Ascending, Descending };
    QString field;
    Order order = Order::Ascending;

    static SortBy asc(QString field) { return {std::move(field), Order::Ascending}; }
    static SortBy desc(QString field) { return {std::move(field), Order::Descending}; }

    // Orders two field values (wire form) as the store's queries do, which is
    // SQLite's ORDER BY: NULL first, numbers and booleans numerically and
    // before text, text by its UTF-8 bytes. Negative, 0 or positive.
    DATASTORE_EXPORT static int compareValues(const QVariant &a, const QVariant &b);
    // Whether record a comes before record b in query(model, ..., sort)
    // results: by `sort`, then by the primary key ascending.
    DATASTORE_EXPORT static bool lessThan(const QList<SortBy> &sort, const ModelSchema &model,
                                          const QVariantMap &a, const QVariantMap &b);
};

// What the store would do for a query: explain().
struct QueryPlan
{
    QString predicate;        // the predicate in the text syntax
    QString filterJson;       // as AppSync filter JSON (what a sync query would send)
    QString sql;              // the SQL the local store runs
    QVariantList bindings;    // its bound parameters
    QStringList plan;         // SQLite's EXPLAIN QUERY PLAN lines
    bool usesIndex = false;   // whether SQLite searches an index rather than scanning
};

// A pending (not yet synced) local mutation, for tools and status views.
struct PendingMutation
{
    qint64 id = 0;
    QString model;
    QString recordId;
    QString type;             // "create", "update" or "delete"
    QVariantMap data;
    QString condition;        // AppSync condition JSON, empty for none
    qint64 createdAt = 0;
    int attempts = 0;
    QString lastError;
};

// The sync state of one local record: metadata().
struct RecordMetadata
{
    std::optional<int> version;           // _version; empty until the cloud has seen the record
    std::optional<qint64> lastChangedAt;  // _lastChangedAt (ms), from the server
    int pendingMutations = 0;             // queued local changes not yet sent (not counting one in flight)
};

struct Paging
{
    int page = 0;     // 0-based
    int limit = -1;   // -1: everything
};

class DATASTORE_EXPORT DataStore : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool isOpen READ isOpen NOTIFY openChanged)
    Q_PROPERTY(QString databasePath READ databasePath NOTIFY openChanged)
    Q_PROPERTY(qint64 pendingMutations READ pendingMutations NOTIFY pendingMutationsChanged)
    Q_PROPERTY(ds::Error lastError READ lastError NOTIFY errorOccurred)
    Q_PROPERTY(bool isSyncEnabled READ isSyncEnabled NOTIFY syncStateChanged)
    Q_PROPERTY(SyncState syncState READ syncState NOTIFY syncStateChanged)
    Q_PROPERTY(bool online READ isOnline NOTIFY onlineChanged)
    Q_PROPERTY(QDateTime lastSyncedAt READ lastSyncedAt NOTIFY lastSyncedAtChanged)
    Q_PROPERTY(qint64 syncedRecords READ syncedRecords NOTIFY syncProgressChanged)
    Q_PROPERTY(double syncProgress READ syncProgress NOTIFY syncProgressChanged)

public:
    // Where the sync engine is (PROTOCOL.md 6.3).
    enum class SyncState {
        LocalOnly,   // no cloud configured
        Stopped,     // configured, not started (or stop()ped)
        Starting,    // connecting, establishing subscriptions
        Syncing,     // sync queries running
        Ready,       // synced; changes flow both ways as they happen
        Offline,     // started, the cloud is unreachable; local changes queue
    };
    Q_ENUM(SyncState)

    enum class ClearMode {
        DiscardPending,   // pending local changes are deleted with everything else
        FlushFirst,       // when online, wait (bounded) until the outbox is sent first
    };
    Q_ENUM(ClearMode)

    explicit DataStore(Schema schema, QObject *parent = nullptr);
    ~DataStore() override;

    const Schema &schema() const;

    // What open() does with a file whose tables were made for another schema.
    enum class SchemaPolicy {
        Migrate,        // additive changes in place, incompatible ones rebuild (apps; docs/storage.md)
        RequireMatch,   // refused with error "SchemaMismatch", the file untouched (tools
                        // inspecting an app's file); a new, empty file is still created
    };
    Q_ENUM(SchemaPolicy)

    // Opens (creating or migrating) the local database; ":memory:" for a
    // throwaway store. Operations queued before open() resolves wait for it.
    QFuture<Result<void>> open(const QString &databasePath);
    QFuture<Result<void>> open(const QString &databasePath, SchemaPolicy policy);
    // Closes the database after the queued operations have run.
    QFuture<Result<void>> close();
    bool isOpen() const;
    QString databasePath() const;

    // ---- dynamic layer (QML, CLI): records as QVariantMaps in wire form ----

    // Creates or updates the record. With a condition, the write happens only
    // if the current local record satisfies it (a failed check is an error
    // with code "ConditionalCheckFailed" and nothing changes). Resolves to
    // the record as stored.
    QFuture<Result<QVariantMap>> save(const QString &model, const QVariantMap &record,
                                      const Predicate &condition = Predicate::all());
    // Creates or updates many records of one model in one transaction, all or
    // nothing: if any record is invalid or cannot be written, none is and the
    // error names the record's index. Resolves to the records as stored.
    QFuture<Result<QList<QVariantMap>>> saveAll(const QString &model, const QList<QVariantMap> &records);
    // Deletes the record with the primary key of `record` (the id, or the
    // key fields), and with it its @hasMany/@hasOne children, recursively,
    // as Amplify does (each child's delete is synced too); resolves to the
    // deleted record.
    QFuture<Result<QVariantMap>> remove(const QString &model, const QVariantMap &record,
                                        const Predicate &condition = Predicate::all());
    // By id: the value of the model's primary-key field ("id", or the field
    // @primaryKey names); a composite key is given as a record (above).
    QFuture<Result<QVariantMap>> remove(const QString &model, const QString &id,
                                        const Predicate &condition = Predicate::all());
    // Deletes every record that matches, each with its children as remove()
    // does, in one transaction; resolves to the deleted records of `model`.
    QFuture<Result<QList<QVariantMap>>> removeWhere(const QString &model, const Predicate &predicate);
    QFuture<Result<QList<QVariantMap>>> query(const QString &model,
                                              const Predicate &predicate = Predicate::all(),
                                              const QList<SortBy> &sort = {}, Paging paging = {});
    // By id, as remove(model, id).
    QFuture<Result<std::optional<QVariantMap>>> get(const QString &model, const QString &id);
    // The record's sync metadata (_version, _lastChangedAt, queued changes);
    // empty when there is no such record.
    QFuture<Result<std::optional<RecordMetadata>>> metadata(const QString &model, const QString &id);
    QFuture<Result<qint64>> count(const QString &model,
                                  const Predicate &predicate = Predicate::all());
    // Stops sync, then deletes every record, the outbox and the sync state,
    // so the next start() syncs from scratch. Resolves to the number of
    // pending mutations that were discarded.
    QFuture<Result<qint64>> clear(ClearMode mode = ClearMode::DiscardPending);
    // Waits until the pending changes are sent (resolves to 0), sync stops
    // being able to send them (stopped, offline) or `timeout` passes;
    // resolves to how many are still pending then. Changes nothing itself.
    QFuture<qint64> flushOutbox(std::chrono::milliseconds timeout);

    // ---- cloud sync --------------------------------------------------------

    // How to sync; a configuration without endpoint keeps the store local-
    // only. Takes effect at the next start() (stop() first to change it).
    void configureSync(const SyncConfiguration &configuration);
    SyncConfiguration syncConfiguration() const;
    bool isSyncEnabled() const;
    // Replaces one model's sync expression (text: docs/predicates.md) for
    // the next start(); stop() + start() applies it: rows it no longer
    // selects are evicted, rows it adds are fetched (nothing else is).
    Result<void> setSyncExpression(const QString &model, const QString &text);
    // Starts syncing (idempotent). Also started by save/remove/query/get/
    // count/observe once sync is configured, as Amplify does. Resolves when
    // the engine runs (not when it is ready: see ready()).
    QFuture<Result<void>> start();
    // Stops syncing; local data, the outbox and the sync metadata stay.
    QFuture<Result<void>> stop();
    // Whether save/remove/query/get/count/observe start a configured sync
    // that is not running (true, the default: Amplify's rule, so after
    // stop() the next operation starts it again). false: only start() does,
    // for an app whose user paused sync. Thread-safe.
    void setAutoStart(bool enabled);
    bool autoStart() const;

    SyncState syncState() const;
    bool isOnline() const;
    QDateTime lastSyncedAt() const;
    qint64 syncedRecords() const;      // records applied by the current/last sync round
    double syncProgress() const;       // 0..1 during a round when known, -1 otherwise
    // Whether a sync round has completed for model since start (or clear()).
    bool isModelSynced(const QString &model) const;

    // The outbox: local changes not yet sent to the cloud, oldest first.
    QFuture<Result<QList<PendingMutation>>> pendingMutationList();
    QFuture<Result<QueryPlan>> explain(const QString &model, const Predicate &predicate);

    // ---- predicates in the text syntax (docs/predicates.md) ---------------

    // Parses and type-checks `rating > 5 and title beginsWith "A"` for model;
    // errors carry the column. Thread-safe.
    Result<Predicate> parsePredicate(const QString &model, const QString &text) const;
    static QString printPredicate(const Predicate &predicate);
    // The serialized primary key of a record, as ChangeEvent::key carries it:
    // the id, or the key fields joined with '#'.
    static QString keyOf(const ModelSchema &model, const QVariantMap &record);
    // Parses a sort specification, "rating desc, title" (asc is the default),
    // against the model's fields; errors carry the column.
    Result<QList<SortBy>> parseSort(const QString &model, const QString &text) const;
    // Evaluates a predicate on a record in memory, with the same semantics
    // as queries. Thread-safe.
    bool matches(const QString &model, const Predicate &predicate, const QVariantMap &record) const;

    // ---- typed layer over the generated model classes ----------------------

    template<typename M>
    QFuture<Result<M>> save(const M &model, const Predicate &condition = Predicate::all())
    {
        return save(M::schema().name, model.toVariantMap(), condition)
            .then([](const Result<QVariantMap> &r) { return fromMap<M>(r); });
    }
    template<typename M>
    QFuture<Result<QList<M>>> saveAll(const QList<M> &models)
    {
        QList<QVariantMap> maps;
        maps.reserve(models.size());
        for (const M &m : models)
            maps.append(m.toVariantMap());
        return saveAll(M::schema().name, maps)
            .then([](const Result<QList<QVariantMap>> &r) { return fromMaps<M>(r); });
    }
    template<typename M>
    QFuture<Result<M>> remove(const M &model, const Predicate &condition = Predicate::all())
    {
        return remove(M::schema().name, model.toVariantMap(), condition)
            .then([](const Result<QVariantMap> &r) { return fromMap<M>(r); });
    }
    // Deletes every M that matches: ds.removeWhere<Post>(Post::RATING.lt(3)).
    template<typename M>
    QFuture<Result<QList<M>>> removeWhere(const Predicate &predicate)
    {
        return removeWhere(M::schema().name, predicate)
            .then([](const Result<QList<QVariantMap>> &r) { return fromMaps<M>(r); });
    }
    template<typename M>
    QFuture<Result<QList<M>>> query(const Predicate &predicate = Predicate::all(),
                                    const QList<SortBy> &sort = {}, Paging paging = {})
    {
        return query(M::schema().name, predicate, sort, paging)
            .then([](const Result<QList<QVariantMap>> &r) { return fromMaps<M>(r); });
    }
    template<typename M>
    QFuture<Result<std::optional<M>>> get(const QString &id)
    {
        return get(M::schema().name, id)
            .then([](const Result<std::optional<QVariantMap>> &r) -> Result<std::optional<M>> {
                if (!r)
                    return r.error();
                if (!r->has_value())
                    return std::optional<M>();
                auto m = fromMap<M>(**r);
                if (!m)
                    return m.error();
                return std::optional<M>(std::move(*m));
            });
    }
    template<typename M>
    QFuture<Result<qint64>> count(const Predicate &predicate = Predicate::all())
    {
        return count(M::schema().name, predicate);
    }

    // ---- observation -------------------------------------------------------

    // A stream of change events for one model (all models if empty), or one
    // record of it. The Observation belongs to `parent` (or the caller).
    Observation *observe(const QString &model = {}, const QString &id = {},
                         QObject *parent = nullptr);
    // A live result: an initial snapshot, then updates as the store changes.
    LiveQuery *observeQuery(const QString &model, const Predicate &predicate = Predicate::all(),
                            const QList<SortBy> &sort = {}, QObject *parent = nullptr);
    // The same for a generated model class: ds.observe<Post>(),
    // ds.observeQuery<Post>(Post::RATING.gt(5), {SortBy::desc(u"rating"_s)}).
    template<typename M>
    Observation *observe(const QString &id = {}, QObject *parent = nullptr)
    {
        return observe(M::schema().name, id, parent);
    }
    template<typename M>
    LiveQuery *observeQuery(const Predicate &predicate = Predicate::all(), const QList<SortBy> &sort = {},
                            QObject *parent = nullptr)
    {
        return observeQuery(M::schema().name, predicate, sort, parent);
    }

    qint64 pendingMutations() const;
    Error lastError() const;

Q_SIGNALS:
    void openChanged();
    // Every committed local change, in commit order.
    void changed(const ds::ChangeEvent &event);
    void pendingMutationsChanged();
    void errorOccurred(const ds::Error &error);
    void cleared();

    // Sync state for UIs.
    void syncStateChanged();
    void onlineChanged();
    void lastSyncedAtChanged();
    void syncProgressChanged();

    // Hub events, named as Amplify names them (PROTOCOL.md 6.9).
    void networkStatus(bool active);
    void subscriptionsEstablished();
    void syncQueriesStarted(const QStringList &models);
    // evictedCount: local rows a narrower sync expression no longer selects.
    void modelSynced(const QString &model, bool isFullSync, bool isDeltaSync, int newCount,
                     int updatedCount, int deletedCount, int evictedCount);
    void syncQueriesReady();
    void ready();
    void outboxMutationEnqueued(const QString &model, const QVariantMap &element);
    void outboxMutationProcessed(const QString &model, const QVariantMap &element);
    void outboxStatus(bool isEmpty);
    // The server rejected a conditional save or delete; the local record is
    // back to the server's copy.
    void conditionalSaveFailed(const QString &model, const QVariantMap &element, const ds::Error &error);
    // The server refused a mutation for another reason (unauthorized,
    // invalid); the change was dropped.
    void outboxMutationFailed(const QString &model, const QString &operation, const QVariantMap &element,
                              const ds::Error &error);
    // Any error the sync engine reports (also given to the error handler).
    void syncErrorOccurred(const QString &model, const ds::Error &error);

private:
    template<typename M>
    static Result<M> fromMap(const Result<QVariantMap> &r)
    {
        if (!r)
            return r.error();
        QString error;
        if (auto m = M::fromVariantMap(*r, &error))
            return std::move(*m);
        return Error(Error::Domain::Validation, QStringLiteral("InvalidRecord"), error);
    }
    template<typename M>
    static Result<QList<M>> fromMaps(const Result<QList<QVariantMap>> &r)
    {
        if (!r)
            return r.error();
        QList<M> out;
        out.reserve(r->size());
        for (const QVariantMap &map : *r) {
            auto m = fromMap<M>(map);
            if (!m)
                return m.error();
            out.append(std::move(*m));
        }
        return out;
    }

    friend class DataStorePrivate;
    std::unique_ptr<DataStorePrivate> d;
};

// observe(): change events of one model or record. A model the schema does
// not have is an error (error(), and errorOccurred from the event loop, so
// a caller connecting right after observe() sees it); nothing is delivered.
class DATASTORE_EXPORT Observation : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString model READ model CONSTANT)
    Q_PROPERTY(QString id READ id CONSTANT)

public:
    Observation(DataStore *store, QString model, QString id, QObject *parent = nullptr);
    QString model() const { return m_model; }
    QString id() const { return m_id; }
    Error error() const { return m_error; }

Q_SIGNALS:
    void changed(const ds::ChangeEvent &event);
    void errorOccurred(const ds::Error &error);

private:
    QString m_model;
    QString m_id;
    Error m_error;
};

// observeQuery(): the records of a model that match a predicate, in sort
// order, kept up to date incrementally as committed changes arrive.
class DATASTORE_EXPORT LiveQuery : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool isLoaded READ isLoaded NOTIFY loaded)
    Q_PROPERTY(bool isSynced READ isSynced NOTIFY syncedChanged)
    Q_PROPERTY(int count READ count NOTIFY itemsChanged)

public:
    LiveQuery(DataStore *store, QString model, Predicate predicate, QList<SortBy> sort,
              QObject *parent = nullptr);
    ~LiveQuery() override;

    bool isLoaded() const { return m_loaded; }
    // True once the model has been synced with the cloud (always false while
    // the store is local-only).
    bool isSynced() const { return m_synced; }
    int count() const { return int(m_items.size()); }
    const QList<QVariantMap> &items() const { return m_items; }
    Error error() const { return m_error; }

Q_SIGNALS:
    void loaded();                    // the initial snapshot is in items()
    void itemsChanged();              // after the snapshot and after every update
    void syncedChanged();
    // Fine-grained updates, for list models: a row inserted at, removed from,
    // changed in place at, or moved between positions.
    void inserted(int row);
    void removed(int row);
    void updated(int row);
    void moved(int from, int to);
    void errorOccurred(const ds::Error &error);

private:
    void apply(const ds::ChangeEvent &event);
    int find(const QString &key) const;
    int insertionRow(const QVariantMap &element) const;
    bool lessThan(const QVariantMap &a, const QVariantMap &b) const;

    DataStore *m_store;
    QString m_model;
    Predicate m_predicate;
    QList<SortBy> m_sort;
    const ModelSchema *m_schema = nullptr;
    QList<QVariantMap> m_items;
    QList<QString> m_keys;            // m_keys[i] is the primary key of m_items[i]
    QList<ds::ChangeEvent> m_pending; // changes that arrived before the snapshot
    bool m_loaded = false;
    bool m_synced = false;
    Error m_error;
};

} // namespace ds
