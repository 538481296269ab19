#include <datastore/datastore.h>

#include "common/logging_p.h"
#include "core/tuning_p.h"
#include "core/worker_p.h"
#include "storage/values_p.h"
#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "predicate/text.h"

#include <QJsonDocument>
#include <QNetworkInformation>

#include <QFutureWatcher>
#include <QMetaMethod>
#include <QPointer>
#include <QSet>
#include <QTimeZone>
#include <QTimer>
#include <QScopeGuard>
#include <QThread>

#include <atomic>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

Error notOpen()
{
    return Error(Error::Domain::Storage, u"NotOpen"_s,
                 u"the data store is not open: call open() first"_s);
}

Error unknownModel(const QString &model)
{
    return Error::validation(u"UnknownModel"_s, u"the schema has no model '"_s + model + u"'"_s);
}

ChangeEvent toEvent(const ModelSchema &model, const Change &change)
{
    ChangeEvent e;
    e.model = change.model.isEmpty() ? model.name : change.model;
    switch (change.type) {
    case Change::Type::Created:
        e.type = ChangeEvent::Type::Created;
        break;
    case Change::Type::Updated:
        e.type = ChangeEvent::Type::Updated;
        break;
    case Change::Type::Deleted:
        e.type = ChangeEvent::Type::Deleted;
        break;
    }
    e.element = change.element;
    e.key = Storage::keyOf(model, change.element);
    return e;
}

// Deletes the hasMany/hasOne children of a deleted record, recursively, as
// Amplify's delete does (every client counts on it: a client receiving a
// parent's delete drops the children locally without telling the server).
// Each child delete is queued like any local delete.
Result<void> removeChildren(Storage &storage, const Schema &schema, const ModelSchema &model,
                            const QVariantMap &record, QList<ChangeEvent> &events, int depth = 0)
{
    if (depth > 16)
        return {};
    for (const FieldSchema &f : model.fields) {
        const Relation &r = f.relation;
        if (r.kind != RelationKind::HasMany && r.kind != RelationKind::HasOne)
            continue;
        const ModelSchema *child = schema.model(r.relatedModel);
        if (!child || r.fields.isEmpty() || r.fields.size() != r.associatedWith.size())
            continue;
        QList<Predicate> parts;
        bool complete = true;
        for (qsizetype i = 0; i < r.fields.size(); ++i) {
            const QVariant value = record.value(r.fields.at(i));
            complete = complete && !value.isNull();
            parts.append(Predicate::compare(r.associatedWith.at(i), Predicate::Op::Eq, value));
        }
        if (!complete)
            continue;
        Result<QList<Change>> removed = storage.removeWhere(*child, Predicate::andOf(parts));
        if (!removed)
            return removed.error();
        for (const Change &c : std::as_const(*removed)) {
            events.append(toEvent(*child, c));
            if (Result<void> r2 = removeChildren(storage, schema, *child, c.element, events, depth + 1); !r2)
                return r2;
        }
    }
    return {};
}

// The key of the record an id names: the value of the model's one primary-key
// field (usually "id", or the field @primaryKey names). A composite key needs
// its fields: remove()/get() take a record for those.
Result<QVariantMap> keyFromId(const ModelSchema &model, const QString &id)
{
    if (model.primaryKey.size() != 1)
        return Error::validation(u"InvalidId"_s,
            model.name + u": the primary key has several fields ("_s + model.primaryKey.join(u", "_s)
                + u"); give them as a record, not the id '"_s + id + u'\'');
    return QVariantMap{{model.primaryKey.first(), id}};
}

} // namespace

// ---- Worker -------------------------------------------------------------------

Worker::Worker(const Schema &schema) : m_schema(schema) {}

Worker::~Worker() = default;

void Worker::enqueue(std::unique_ptr<Operation> op)
{
    QMutexLocker lock(&m_mutex);
    m_queue.push_back(std::move(op));
    if (!m_scheduled) {
        m_scheduled = true;
        QMetaObject::invokeMethod(this, &Worker::drain, Qt::QueuedConnection);
    }
}

void Worker::closeStorage()
{
    m_engine.reset();
    if (m_storage)
        m_storage->close();
    m_storage.reset();
}

void Worker::drain()
{
    std::deque<std::unique_ptr<Operation>> ops;
    {
        QMutexLocker lock(&m_mutex);
        ops.swap(m_queue);
        m_scheduled = false;
    }
    std::vector<std::unique_ptr<Operation>> batch;
    auto flush = [&] {
        if (!batch.empty())
            runBatch(batch);
        release(batch);
    };
    while (!ops.empty()) {
        std::unique_ptr<Operation> op = std::move(ops.front());
        ops.pop_front();
        if (op->isExclusive()) {
            flush();
            batch.push_back(std::move(op));
            flush();
            continue;
        }
        batch.push_back(std::move(op));
        if (int(batch.size()) >= tuning::maxOperationsPerTransaction)
            flush();
    }
    flush();
}

void Worker::release(std::vector<std::unique_ptr<Operation>> &batch)
{
    // The queued call holds the last reference: freed on m_home's thread
    // (or with the posted event, if m_home goes first).
    if (!batch.empty() && m_home) {
        auto done = std::make_shared<std::vector<std::unique_ptr<Operation>>>(std::move(batch));
        QMetaObject::invokeMethod(m_home.data(), [done] {}, Qt::QueuedConnection);
    }
    batch.clear();
}

void Worker::runBatch(std::vector<std::unique_ptr<Operation>> &batch)
{
    bool anyWrite = false;
    for (const auto &op : batch)
        anyWrite = anyWrite || op->isWrite();

    const bool exclusive = batch.size() == 1 && batch.front()->isExclusive();
    if (exclusive || !m_storage || batch.size() == 1) {
        // Alone: the operation opens its own transaction where it writes.
        for (const auto &op : batch)
            op->run(m_storage.get());
    } else {
        const Result<void> committed = m_storage->transaction([&]() -> Result<void> {
            for (const auto &op : batch)
                op->run(m_storage.get());
            return {};
        });
        if (!committed) {
            qCWarning(lcStorage) << "a batch of" << batch.size()
                                 << "operations failed to commit:" << committed.error().toString();
            for (const auto &op : batch)
                op->fail(committed.error());
        }
    }

    QList<ChangeEvent> events;
    for (const auto &op : batch)
        op->takeEvents(events);

    qint64 pending = 0;
    bool pendingKnown = false;
    if (anyWrite && m_storage) {
        if (const auto count = m_storage->pendingMutationCount()) {
            pending = *count;
            pendingKnown = true;
        }
    }
    // Futures first, then the events: a list model's page query resolves
    // before the events of writes committed in the same batch arrive.
    for (const auto &op : batch)
        op->finish();
    if (!events.isEmpty() || pendingKnown)
        Q_EMIT batchCommitted(events, pending, pendingKnown, true);
    if (anyWrite && m_engine)
        m_engine->outboxChanged();
}

// ---- DataStorePrivate -------------------------------------------------------

class DataStorePrivate
{
public:
    DataStorePrivate(DataStore *q, Schema schema) : q(q), schema(std::move(schema))
    {
        // Built once, read-only after: save() validates on the caller's thread.
        for (const ModelSchema &model : this->schema.models()) {
            validators.push_back(std::make_unique<storage::RecordValidator>(this->schema, model));
            validatorByModel.insert(&model, validators.back().get());
        }
    }

    template<typename T, typename Body>
    QFuture<Result<T>> submit(Body &&body, bool write, bool exclusive = false)
    {
        auto op = std::make_unique<TypedOperation<T, std::decay_t<Body>>>(std::forward<Body>(body),
                                                                         write, exclusive);
        QFuture<Result<T>> future = op->future();
        worker->enqueue(std::move(op));
        return future;
    }

    // Runs body with the storage and the model, or fails cleanly.
    // body: Result<T>(Storage &, const ModelSchema &, QList<ChangeEvent> &).
    template<typename T, typename Body>
    QFuture<Result<T>> withModel(const QString &modelName, bool write, Body body)
    {
        const ModelSchema *model = schema.model(modelName);
        return submit<T>([model, modelName, body = std::move(body)](
                             Storage *storage, QList<ChangeEvent> &events) -> Result<T> {
            if (!model)
                return unknownModel(modelName);
            if (!storage)
                return notOpen();
            return body(*storage, *model, events);
        }, write);
    }

    void onBatchCommitted(const QList<ChangeEvent> &events, qint64 pending, bool pendingKnown, bool local)
    {
        const bool enqueued = local && syncConfig.isEnabled();
        for (const ChangeEvent &e : events) {
            Q_EMIT q->changed(e);
            if (enqueued)
                Q_EMIT q->outboxMutationEnqueued(e.model, e.element);
        }
        if (pendingKnown && pending != pendingMutations) {
            pendingMutations = pending;
            Q_EMIT q->pendingMutationsChanged();
        }
    }

    void setError(const Error &error)
    {
        lastError = error;
        Q_EMIT q->errorOccurred(error);
    }

    void setSyncState(DataStore::SyncState state)
    {
        if (syncState == state)
            return;
        syncState = state;
        Q_EMIT q->syncStateChanged();
    }

    void setOnline(bool value)
    {
        if (online == value)
            return;
        online = value;
        Q_EMIT q->onlineChanged();
    }

    void setPending(qint64 pending)
    {
        if (pending == pendingMutations)
            return;
        pendingMutations = pending;
        Q_EMIT q->pendingMutationsChanged();
    }

    // Starts the engine if sync is configured and it does not run yet.
    // Deferred to the store's thread: the operation that asks for it is
    // queued first, so its local checks never race a starting sync.
    void autoStart()
    {
        if (!syncConfig.isEnabled() || engineRunning || autoStartQueued || !autoStartEnabled)
            return;
        autoStartQueued = true;
        QMetaObject::invokeMethod(q, [this] {
            autoStartQueued = false;
            if (syncConfig.isEnabled() && !engineRunning && open && autoStartEnabled)
                q->start();
        }, Qt::QueuedConnection);
    }

    // The platform's reachability, where Qt has a backend for it, tells the
    // engine at once when the network goes or comes back (the socket's
    // keep-alive would notice only after connectionTimeoutMs).
    void watchReachability()
    {
        if (reachabilityWatched)
            return;
        reachabilityWatched = true;
        if (!QNetworkInformation::instance()
            && !QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability))
            return;
        QNetworkInformation *info = QNetworkInformation::instance();
        if (!info || !info->supports(QNetworkInformation::Feature::Reachability))
            return;
        QObject::connect(info, &QNetworkInformation::reachabilityChanged, q,
                         [this](QNetworkInformation::Reachability reachability) {
            const bool reachable = reachability != QNetworkInformation::Reachability::Disconnected;
            Worker *w = worker;
            QMetaObject::invokeMethod(w, [w, reachable] {
                if (SyncEngine *engine = w->engine())
                    engine->setNetworkReachable(reachable);
            }, Qt::QueuedConnection);
        });
    }

    // Worker thread: wires a new engine's signals to the facade (queued) and
    // its remote changes into the worker's change stream.
    void connectEngine(SyncEngine *engine, Storage *storage);

    DataStore *q;
    Schema schema;
    std::vector<std::unique_ptr<storage::RecordValidator>> validators;
    QHash<const ModelSchema *, const storage::RecordValidator *> validatorByModel;
    QThread thread;
    Worker *worker = nullptr;
    bool open = false;
    QString path;
    qint64 pendingMutations = 0;
    Error lastError;

    // Sync (GUI-thread side).
    SyncConfiguration syncConfig;
    bool engineRunning = false;     // start() issued and not stopped
    std::atomic<bool> autoStartQueued = false;
    std::atomic<bool> autoStartEnabled = true;
    bool reachabilityWatched = false;
    DataStore::SyncState syncState = DataStore::SyncState::LocalOnly;
    bool online = false;
    QDateTime lastSyncedAt;
    qint64 syncedRecords = 0;
    qint64 expectedRecords = -1;
    QSet<QString> syncedModels;
};

void DataStorePrivate::connectEngine(SyncEngine *engine, Storage *storage)
{
    QPointer<DataStore> home(q);
    DataStorePrivate *self = this;
    auto post = [home, self](auto fn) {
        QMetaObject::invokeMethod(home.data(), [home, self, fn = std::move(fn)] {
            if (home)
                fn(self);
        }, Qt::QueuedConnection);
    };
    const Schema *s = &schema;
    Worker *w = worker;
    // Remote changes: converted here, on the worker, then the usual path.
    // With nothing connected to changed() (no Observation, LiveQuery or list
    // model: a headless sync, the CLI), no per-record events are built nor
    // sent to the GUI thread; only the outbox count is. (q outlives every
    // engine: the destructor stops the worker first.)
    DataStore *store = q;
    const QMetaMethod changedSignal = QMetaMethod::fromSignal(&DataStore::changed);
    engine->syncProcessor().setRecordChangesWanted(
        [store, changedSignal] { return store->isSignalConnected(changedSignal); });
    QObject::connect(engine, &SyncEngine::changesApplied, w,
                     [w, s, storage, store, changedSignal](const QList<Change> &changes) {
        QList<ChangeEvent> events;
        if (store->isSignalConnected(changedSignal)) {
            events.reserve(changes.size());
            for (const Change &c : changes) {
                if (const ModelSchema *m = s->model(c.model))
                    events.append(toEvent(*m, c));
            }
        }
        const Result<qint64> pending = storage->pendingMutationCount();
        Q_EMIT w->batchCommitted(events, pending ? *pending : 0, bool(pending), false);
    });
    QObject::connect(engine, &SyncEngine::networkStatus, w, [post](bool active) {
        post([active](DataStorePrivate *d) {
            d->setOnline(active);
            if (d->engineRunning)
                d->setSyncState(active ? DataStore::SyncState::Starting : DataStore::SyncState::Offline);
            Q_EMIT d->q->networkStatus(active);
        });
    });
    QObject::connect(engine, &SyncEngine::subscriptionsEstablished, w, [post] {
        post([](DataStorePrivate *d) { Q_EMIT d->q->subscriptionsEstablished(); });
    });
    QObject::connect(engine, &SyncEngine::syncQueriesStarted, w, [post](const QStringList &models) {
        post([models](DataStorePrivate *d) {
            d->syncedRecords = 0;
            d->expectedRecords = -1;
            if (d->engineRunning)
                d->setSyncState(DataStore::SyncState::Syncing);
            Q_EMIT d->q->syncProgressChanged();
            Q_EMIT d->q->syncQueriesStarted(models);
        });
    });
    QObject::connect(engine, &SyncEngine::progress, w, [post](qint64 applied, qint64 expected) {
        post([applied, expected](DataStorePrivate *d) {
            d->syncedRecords = applied;
            d->expectedRecords = expected;
            Q_EMIT d->q->syncProgressChanged();
        });
    });
    QObject::connect(engine, &SyncEngine::modelSynced, w,
                     [post](const QString &model, bool full, bool delta, int created, int updated, int deleted,
                            int evicted) {
        post([=](DataStorePrivate *d) {
            d->syncedModels.insert(model);
            Q_EMIT d->q->modelSynced(model, full, delta, created, updated, deleted, evicted);
        });
    });
    QObject::connect(engine, &SyncEngine::syncQueriesReady, w, [post](qint64 lastSync) {
        post([lastSync](DataStorePrivate *d) {
            if (lastSync > 0) {
                d->lastSyncedAt = QDateTime::fromMSecsSinceEpoch(lastSync, Qt::UTC);
                Q_EMIT d->q->lastSyncedAtChanged();
            }
            if (d->engineRunning)
                d->setSyncState(DataStore::SyncState::Ready);
            Q_EMIT d->q->syncQueriesReady();
        });
    });
    QObject::connect(engine, &SyncEngine::ready, w, [post] {
        post([](DataStorePrivate *d) { Q_EMIT d->q->ready(); });
    });
    QObject::connect(engine, &SyncEngine::outboxMutationProcessed, w,
                     [post](const QString &model, const QVariantMap &element) {
        post([model, element](DataStorePrivate *d) { Q_EMIT d->q->outboxMutationProcessed(model, element); });
    });
    QObject::connect(engine, &SyncEngine::outboxStatus, w, [post](bool isEmpty, qint64 pending) {
        post([isEmpty, pending](DataStorePrivate *d) {
            d->setPending(pending);
            Q_EMIT d->q->outboxStatus(isEmpty);
        });
    });
    QObject::connect(engine, &SyncEngine::conditionalSaveFailed, w,
                     [post](const QString &model, const QVariantMap &element, const Error &error) {
        post([=](DataStorePrivate *d) { Q_EMIT d->q->conditionalSaveFailed(model, element, error); });
    });
    QObject::connect(engine, &SyncEngine::outboxMutationFailed, w, [post](const SyncError &e) {
        post([e](DataStorePrivate *d) {
            Q_EMIT d->q->outboxMutationFailed(e.model, e.operation, e.localModel, e.error);
        });
    });
    QObject::connect(engine, &SyncEngine::syncErrorOccurred, w, [post](const SyncError &e) {
        post([e](DataStorePrivate *d) {
            d->lastError = e.error;
            Q_EMIT d->q->syncErrorOccurred(e.model, e.error);
        });
    });
}


// ---- DataStore -------------------------------------------------------------------

DataStore::DataStore(Schema schema, QObject *parent)
    : QObject(parent), d(std::make_unique<DataStorePrivate>(this, std::move(schema)))
{
    d->thread.setObjectName(u"DataStore worker"_s);
    d->worker = new Worker(d->schema);
    d->worker->setHome(this);
    d->worker->moveToThread(&d->thread);
    connect(&d->thread, &QThread::finished, d->worker, &QObject::deleteLater);
    connect(d->worker, &Worker::batchCommitted, this,
            [this](const QList<ChangeEvent> &events, qint64 pending, bool known, bool local) {
                d->onBatchCommitted(events, pending, known, local);
            }, Qt::QueuedConnection);
    d->thread.start();
}

DataStore::~DataStore()
{
    // Run what is still queued (every accepted write is committed), then
    // close the database on its own thread.
    Worker *worker = d->worker;
    QMetaObject::invokeMethod(worker, [worker] {
        worker->drain();
        worker->closeStorage();
    }, Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
}

const Schema &DataStore::schema() const
{
    return d->schema;
}

QFuture<Result<void>> DataStore::open(const QString &databasePath)
{
    return open(databasePath, SchemaPolicy::Migrate);
}

QFuture<Result<void>> DataStore::open(const QString &databasePath, SchemaPolicy policy)
{
    Worker *worker = d->worker;
    const Schema *schema = &d->schema;
    const QSet<QString> localOnly = d->syncConfig.localOnlyModels();
    auto future = d->submit<bool>([worker, schema, databasePath, policy, localOnly](Storage *, QList<ChangeEvent> &)
                                      -> Result<bool> {
        worker->closeStorage();
        auto storage = std::make_unique<Storage>(*schema);
        storage->setRequireMatchingSchema(policy == SchemaPolicy::RequireMatch);
        storage->setLocalOnlyModels(localOnly);
        if (const Result<void> opened = storage->open(databasePath); !opened)
            return opened.error();
        worker->openStorage(std::move(storage));
        return true;
    }, true /* reports the outbox size of an earlier session */, true);
    return future.then(this, [this, databasePath](const Result<bool> &r) -> Result<void> {
        if (!r) {
            d->setError(r.error());
            return r.error();
        }
        d->open = true;
        d->path = databasePath;
        Q_EMIT openChanged();
        return {};
    });
}

QFuture<Result<void>> DataStore::close()
{
    Worker *worker = d->worker;
    auto future = d->submit<bool>([worker](Storage *, QList<ChangeEvent> &) -> Result<bool> {
        worker->closeStorage();
        return true;
    }, false, true);
    return future.then(this, [this](const Result<bool> &) -> Result<void> {
        if (d->open) {
            d->open = false;
            Q_EMIT openChanged();
        }
        return {};
    });
}

bool DataStore::isOpen() const
{
    return d->open;
}

QString DataStore::databasePath() const
{
    return d->path;
}

QFuture<Result<QVariantMap>> DataStore::save(const QString &model, const QVariantMap &record,
                                             const Predicate &condition)
{
    d->autoStart();
    // Validation and normalization are pure: they run here, on the caller's
    // thread, and the worker only writes. Their error is still reported by
    // the operation, after the checks it makes first (unknown model, not open).
    const ModelSchema *m = d->schema.model(model);
    const storage::RecordValidator *validator = m ? d->validatorByModel.value(m) : nullptr;
    Result<QVariantMap> normalized = validator ? validator->validateRecord(record)
                                               : Result<QVariantMap>(unknownModel(model));
    return d->withModel<QVariantMap>(model, true,
        [normalized = std::move(normalized), condition](Storage &storage, const ModelSchema &m,
                            QList<ChangeEvent> &events) -> Result<QVariantMap> {
            if (!normalized)
                return normalized.error();
            Result<Change> change = storage.saveNormalized(m, *normalized, condition);
            if (!change)
                return change.error();
            events.append(toEvent(m, *change));
            return change->element;
        });
}

QFuture<Result<QList<QVariantMap>>> DataStore::saveAll(const QString &model,
                                                       const QList<QVariantMap> &records)
{
    d->autoStart();
    // Validated here, like save(); written by the worker in one transaction
    // (a savepoint when group-committed with other operations).
    const ModelSchema *m = d->schema.model(model);
    const storage::RecordValidator *validator = m ? d->validatorByModel.value(m) : nullptr;
    QList<QVariantMap> normalized;
    Error invalid;
    if (validator) {
        normalized.reserve(records.size());
        for (qsizetype i = 0; i < records.size(); ++i) {
            Result<QVariantMap> r = validator->validateRecord(records.at(i));
            if (!r) {
                invalid = r.error();
                invalid = Error(invalid.domain(), invalid.code(),
                                u"record "_s + QString::number(i) + u": "_s + invalid.message());
                break;
            }
            normalized.append(std::move(*r));
        }
    }
    // The records were allocated on this thread; they are handed back here to
    // be freed once written. Freed on the worker instead, every one of their
    // thousands of blocks would take this thread's malloc arena lock while
    // this thread builds the next batch (measured: 60+ ms event-loop stalls).
    struct Handoff
    {
        mutable std::shared_ptr<const QList<QVariantMap>> records;
    };
    Handoff handoff{std::make_shared<const QList<QVariantMap>>(std::move(normalized))};
    QPointer<DataStore> home(this);
    return d->withModel<QList<QVariantMap>>(model, true,
        [handoff, invalid, home](Storage &storage, const ModelSchema &m,
                                 QList<ChangeEvent> &events) -> Result<QList<QVariantMap>> {
            std::shared_ptr<const QList<QVariantMap>> records = std::move(handoff.records);
            auto giveBack = qScopeGuard([&records, &home] {
                if (home && records)
                    QMetaObject::invokeMethod(home.data(), [r = std::move(records)] {}, Qt::QueuedConnection);
            });
            if (!invalid.isNull())
                return invalid;
            const QList<QVariantMap> &normalized = *records;
            QList<QVariantMap> saved;
            saved.reserve(normalized.size());
            QList<ChangeEvent> batchEvents;
            batchEvents.reserve(normalized.size());
            const Result<void> written = storage.transaction([&]() -> Result<void> {
                for (qsizetype i = 0; i < normalized.size(); ++i) {
                    Result<Change> change = storage.saveNormalized(m, normalized.at(i), Predicate::all());
                    if (!change) {
                        const Error &e = change.error();
                        return Error(e.domain(), e.code(),
                                     u"record "_s + QString::number(i) + u": "_s + e.message());
                    }
                    batchEvents.append(toEvent(m, *change));
                    saved.append(std::move(change->element));
                }
                return {};
            });
            if (!written)
                return written.error();
            events.append(batchEvents);
            return saved;
        });
}

QFuture<Result<QVariantMap>> DataStore::remove(const QString &model, const QVariantMap &record,
                                               const Predicate &condition)
{
    d->autoStart();
    const Schema *schema = &d->schema;
    return d->withModel<QVariantMap>(model, true,
        [record, condition, schema](Storage &storage, const ModelSchema &m,
                                    QList<ChangeEvent> &events) -> Result<QVariantMap> {
            QVariantMap key;
            for (const QString &field : m.primaryKey)
                key.insert(field, record.value(field));
            // The record and its children go together or not at all.
            QVariantMap removed;
            QList<ChangeEvent> all;
            const Result<void> written = storage.transaction([&]() -> Result<void> {
                Result<Change> change = storage.remove(m, key, condition);
                if (!change)
                    return change.error();
                all.append(toEvent(m, *change));
                removed = change->element;
                return removeChildren(storage, *schema, m, change->element, all);
            });
            if (!written)
                return written.error();
            events.append(all);
            return removed;
        });
}

QFuture<Result<QVariantMap>> DataStore::remove(const QString &model, const QString &id,
                                               const Predicate &condition)
{
    const ModelSchema *m = d->schema.model(model);
    if (!m)   // reported by the operation, in order
        return remove(model, QVariantMap{{u"id"_s, id}}, condition);
    Result<QVariantMap> key = keyFromId(*m, id);
    if (!key)
        return QtFuture::makeReadyFuture(Result<QVariantMap>(key.error()));
    return remove(model, *key, condition);
}

QFuture<Result<QList<QVariantMap>>> DataStore::removeWhere(const QString &model,
                                                           const Predicate &predicate)
{
    d->autoStart();
    const Schema *schema = &d->schema;
    return d->withModel<QList<QVariantMap>>(model, true,
        [predicate, schema](Storage &storage, const ModelSchema &m,
                            QList<ChangeEvent> &events) -> Result<QList<QVariantMap>> {
            // The records and their children (as remove() takes them) go
            // together or not at all.
            QList<QVariantMap> removed;
            QList<ChangeEvent> all;
            const Result<void> written = storage.transaction([&]() -> Result<void> {
                Result<QList<Change>> changes = storage.removeWhere(m, predicate);
                if (!changes)
                    return changes.error();
                removed.reserve(changes->size());
                for (const Change &c : std::as_const(*changes)) {
                    all.append(toEvent(m, c));
                    removed.append(c.element);
                    if (Result<void> r = removeChildren(storage, *schema, m, c.element, all); !r)
                        return r;
                }
                return {};
            });
            if (!written)
                return written.error();
            events.append(all);
            return removed;
        });
}

QFuture<Result<QList<QVariantMap>>> DataStore::query(const QString &model,
                                                     const Predicate &predicate,
                                                     const QList<SortBy> &sort, Paging paging)
{
    d->autoStart();
    return d->withModel<QList<QVariantMap>>(model, false,
        [predicate, sort, paging](Storage &storage, const ModelSchema &m,
                                  QList<ChangeEvent> &) -> Result<QList<QVariantMap>> {
            QueryOptions options;
            options.predicate = predicate;
            for (const SortBy &s : sort)
                options.sort.append({s.field, s.order == SortBy::Order::Descending});
            if (paging.limit >= 0) {
                options.limit = paging.limit;
                options.offset = std::max(0, paging.page) * paging.limit;
            }
            return storage.query(m, options);
        });
}

QFuture<Result<std::optional<QVariantMap>>> DataStore::get(const QString &model, const QString &id)
{
    d->autoStart();
    return d->withModel<std::optional<QVariantMap>>(model, false,
        [id](Storage &storage, const ModelSchema &m,
             QList<ChangeEvent> &) -> Result<std::optional<QVariantMap>> {
            Result<QVariantMap> key = keyFromId(m, id);
            if (!key)
                return key.error();
            Result<std::optional<Record>> record = storage.get(m, *key);
            if (!record)
                return record.error();
            if (!record->has_value() || (*record)->deleted)
                return std::optional<QVariantMap>();
            return std::optional<QVariantMap>((*record)->fields);
        });
}

QFuture<Result<std::optional<RecordMetadata>>> DataStore::metadata(const QString &model, const QString &id)
{
    return d->withModel<std::optional<RecordMetadata>>(model, false,
        [id](Storage &storage, const ModelSchema &m,
             QList<ChangeEvent> &) -> Result<std::optional<RecordMetadata>> {
            Result<QVariantMap> key = keyFromId(m, id);
            if (!key)
                return key.error();
            Result<std::optional<Record>> record = storage.get(m, *key);
            if (!record)
                return record.error();
            if (!record->has_value() || (*record)->deleted)
                return std::optional<RecordMetadata>();
            Result<QList<OutboxEntry>> queued = storage.outboxFor(m.name, id);
            if (!queued)
                return queued.error();
            RecordMetadata meta;
            meta.version = (*record)->version;
            meta.lastChangedAt = (*record)->lastChangedAt;
            meta.pendingMutations = int(queued->size());
            return std::optional<RecordMetadata>(meta);
        });
}

QFuture<Result<qint64>> DataStore::count(const QString &model, const Predicate &predicate)
{
    d->autoStart();
    return d->withModel<qint64>(model, false,
        [predicate](Storage &storage, const ModelSchema &m, QList<ChangeEvent> &) {
            return storage.count(m, predicate);
        });
}

QFuture<Result<qint64>> DataStore::clear(ClearMode mode)
{
    if (mode == ClearMode::FlushFirst && d->online && d->engineRunning && d->pendingMutations > 0) {
        // Wait (bounded) for the outbox to drain, then clear.
        return flushOutbox(std::chrono::milliseconds(tuning::clearFlushTimeout))
            .then(this, [this](qint64) { return clear(ClearMode::DiscardPending); })
            .unwrap();
    }
    Worker *worker = d->worker;
    const bool wasRunning = d->engineRunning;
    d->engineRunning = false;
    auto future = d->submit<qint64>([worker](Storage *storage, QList<ChangeEvent> &) -> Result<qint64> {
        worker->stopEngine();
        if (!storage)
            return notOpen();
        const Result<qint64> pending = storage->pendingMutationCount();
        if (const Result<void> r = storage->clear(); !r)
            return r.error();
        return pending ? *pending : 0;
    }, true, true);
    return future.then(this, [this, wasRunning](const Result<qint64> &r) -> Result<qint64> {
        if (!r)
            return r.error();
        if (wasRunning) {
            d->setOnline(false);
            d->setSyncState(SyncState::Stopped);
        }
        d->syncedModels.clear();
        d->lastSyncedAt = QDateTime();
        Q_EMIT lastSyncedAtChanged();
        if (*r > 0)
            qCInfo(lcSync) << "clear() discarded" << *r << "pending mutation(s)";
        Q_EMIT cleared();
        return *r;
    });
}

QFuture<qint64> DataStore::flushOutbox(std::chrono::milliseconds timeout)
{
    auto promise = std::make_shared<QPromise<qint64>>();
    promise->start();
    QFuture<qint64> result = promise->future();
    // Sending is possible while the engine runs and is not known offline.
    auto canSend = [this] {
        return d->engineRunning && d->syncState != SyncState::Offline && d->syncState != SyncState::Stopped;
    };
    auto wait = [this, promise, canSend, timeout] {
        if (d->pendingMutations == 0 || !canSend()) {
            promise->addResult(d->pendingMutations);
            promise->finish();
            return;
        }
        auto *waiter = new QObject(this);
        auto done = std::make_shared<bool>(false);
        auto finish = [this, promise, waiter, done] {
            if (std::exchange(*done, true))
                return;
            waiter->deleteLater();
            promise->addResult(d->pendingMutations);
            promise->finish();
        };
        connect(this, &DataStore::pendingMutationsChanged, waiter, [this, finish] {
            if (d->pendingMutations == 0)
                finish();
        });
        connect(this, &DataStore::syncStateChanged, waiter, [canSend, finish] {
            if (!canSend())
                finish();
        });
        QTimer::singleShot(timeout, waiter, finish);
    };
    // pendingMutations on this thread lags behind writes whose futures have
    // just resolved (their count is still queued): read the outbox's own
    // count first, after every write submitted before this call.
    d->submit<qint64>(
         [](Storage *storage, QList<ChangeEvent> &) -> Result<qint64> {
             if (!storage)
                 return notOpen();
             return storage->pendingMutationCount();
         },
         false)
        .then(this, [this, wait](const Result<qint64> &pending) {
            if (pending)
                d->setPending(*pending);
            wait();
        });
    return result;
}

void DataStore::configureSync(const SyncConfiguration &configuration)
{
    if (configuration.localOnlyModels() != d->syncConfig.localOnlyModels()) {
        // Writes queued after this call see it (the worker runs in order).
        d->submit<bool>([localOnly = configuration.localOnlyModels()](Storage *storage, QList<ChangeEvent> &)
                            -> Result<bool> {
            if (storage)
                storage->setLocalOnlyModels(localOnly);
            return true;
        }, false, true);
    }
    d->syncConfig = configuration;
    if (!d->engineRunning)
        d->setSyncState(configuration.isEnabled() ? SyncState::Stopped : SyncState::LocalOnly);
}

SyncConfiguration DataStore::syncConfiguration() const
{
    return d->syncConfig;
}

bool DataStore::isSyncEnabled() const
{
    return d->syncConfig.isEnabled();
}

Result<void> DataStore::setSyncExpression(const QString &model, const QString &text)
{
    const ModelSchema *m = d->schema.model(model);
    if (!m)
        return unknownModel(model);
    Result<Predicate> p = predicate::parse(text, *m, d->schema);
    if (!p)
        return p.error();
    d->syncConfig.setSyncExpression(model, *p);
    return {};
}

QFuture<Result<void>> DataStore::start()
{
    if (!d->syncConfig.isEnabled()) {
        return QtFuture::makeReadyFuture(Result<void>(Error::validation(
            u"SyncNotConfigured"_s, u"start(): no cloud endpoint is configured (configureSync())"_s)));
    }
    if (d->engineRunning)
        return QtFuture::makeReadyFuture(Result<void>());
    d->engineRunning = true;
    d->setSyncState(SyncState::Starting);
    Worker *worker = d->worker;
    DataStorePrivate *priv = d.get();
    const SyncConfiguration config = d->syncConfig;
    auto future = d->submit<bool>([worker, priv, config](Storage *storage, QList<ChangeEvent> &) -> Result<bool> {
        if (!storage)
            return notOpen();
        if (worker->engine())
            return true;
        Result<std::unique_ptr<SyncEngine>> engine = SyncEngine::create(*storage, config);
        if (!engine)
            return engine.error();
        priv->connectEngine(engine->get(), storage);
        worker->setEngine(std::move(*engine));
        worker->engine()->start();
        return true;
    }, false, true);
    return future.then(this, [this](const Result<bool> &r) -> Result<void> {
        if (!r) {
            d->engineRunning = false;
            d->setSyncState(SyncState::Stopped);
            d->setError(r.error());
            return r.error();
        }
        d->watchReachability();
        return {};
    });
}

QFuture<Result<void>> DataStore::stop()
{
    Worker *worker = d->worker;
    d->engineRunning = false;
    auto future = d->submit<bool>([worker](Storage *, QList<ChangeEvent> &) -> Result<bool> {
        worker->stopEngine();
        return true;
    }, false, true);
    return future.then(this, [this](const Result<bool> &) -> Result<void> {
        if (!d->engineRunning) {
            d->setOnline(false);
            d->setSyncState(d->syncConfig.isEnabled() ? SyncState::Stopped : SyncState::LocalOnly);
        }
        return {};
    });
}

void DataStore::setAutoStart(bool enabled)
{
    d->autoStartEnabled = enabled;
}

bool DataStore::autoStart() const
{
    return d->autoStartEnabled;
}

DataStore::SyncState DataStore::syncState() const
{
    return d->syncState;
}

bool DataStore::isOnline() const
{
    return d->online;
}

QDateTime DataStore::lastSyncedAt() const
{
    return d->lastSyncedAt;
}

qint64 DataStore::syncedRecords() const
{
    return d->syncedRecords;
}

double DataStore::syncProgress() const
{
    if (d->syncState != SyncState::Syncing || d->expectedRecords <= 0)
        return -1;
    return qMin(1.0, double(d->syncedRecords) / double(d->expectedRecords));
}

bool DataStore::isModelSynced(const QString &model) const
{
    return d->syncedModels.contains(model);
}

QFuture<Result<QList<PendingMutation>>> DataStore::pendingMutationList()
{
    return d->submit<QList<PendingMutation>>(
        [](Storage *storage, QList<ChangeEvent> &) -> Result<QList<PendingMutation>> {
            if (!storage)
                return notOpen();
            Result<QList<OutboxEntry>> entries = storage->outbox();
            if (!entries)
                return entries.error();
            QList<PendingMutation> out;
            for (const OutboxEntry &e : *entries) {
                PendingMutation m;
                m.id = e.id;
                m.model = e.model;
                m.recordId = e.recordId;
                m.type = e.type == MutationType::Create ? u"create"_s
                    : e.type == MutationType::Update   ? u"update"_s
                                                       : u"delete"_s;
                m.data = e.data;
                if (!e.condition.isEmpty())
                    m.condition = QString::fromUtf8(QJsonDocument(e.condition).toJson(QJsonDocument::Compact));
                m.createdAt = e.createdAt;
                m.attempts = e.attempts;
                m.lastError = e.lastError;
                out.append(m);
            }
            return out;
        }, false);
}

QFuture<Result<QueryPlan>> DataStore::explain(const QString &model, const Predicate &predicate)
{
    return d->withModel<QueryPlan>(model, false,
        [predicate](Storage &storage, const ModelSchema &m, QList<ChangeEvent> &) -> Result<QueryPlan> {
            Result<StoragePlan> explained = storage.explain(m, predicate);
            if (!explained)
                return explained.error();
            QueryPlan plan;
            plan.predicate = predicate::print(predicate);
            plan.filterJson = QString::fromUtf8(QJsonDocument(
                predicate::toJson(predicate, m, predicate::JsonKind::Filter)).toJson(QJsonDocument::Compact));
            plan.sql = explained->sql;
            plan.bindings = explained->bindings;
            plan.plan = explained->plan;
            plan.usesIndex = explained->usesIndex;
            return plan;
        });
}

Result<Predicate> DataStore::parsePredicate(const QString &model, const QString &text) const
{
    const ModelSchema *m = d->schema.model(model);
    if (!m)
        return unknownModel(model);
    return predicate::parse(text, *m, d->schema);
}

Result<QList<SortBy>> DataStore::parseSort(const QString &model, const QString &text) const
{
    const ModelSchema *m = d->schema.model(model);
    if (!m)
        return unknownModel(model);
    QList<SortBy> out;
    qsizetype start = 0;
    while (start <= text.size()) {
        qsizetype end = text.indexOf(u',', start);
        if (end < 0)
            end = text.size();
        const QStringView part = QStringView(text).sliced(start, end - start);
        qsizetype lead = 0;
        while (lead < part.size() && part[lead].isSpace())
            ++lead;
        const SourceLocation at{1, int(start + lead) + 1};
        const QList<QStringView> words = part.trimmed().split(u' ', Qt::SkipEmptyParts);
        if (words.isEmpty()) {
            if (text.trimmed().isEmpty())
                break;
            return Error::validation(u"SortSyntax"_s, u"expected a field name"_s, at);
        }
        const FieldSchema *field = m->field(words.front());
        if (!field || !field->isStored())
            return Error::validation(u"SortField"_s, m->name + u" has no field '"_s
                                         + words.front().toString() + u"' to sort by"_s, at);
        SortBy sort{field->name, SortBy::Order::Ascending};
        if (words.size() >= 2) {
            const QString dir = words.at(1).toString().toLower();
            if (dir == u"desc"_s || dir == u"descending"_s)
                sort.order = SortBy::Order::Descending;
            else if (dir != u"asc"_s && dir != u"ascending"_s)
                return Error::validation(u"SortSyntax"_s, u"expected 'asc' or 'desc' after '"_s
                                             + field->name + u"', found '"_s + words.at(1).toString() + u"'"_s, at);
        }
        if (words.size() > 2)
            return Error::validation(u"SortSyntax"_s, u"expected ',' after the sort order of '"_s
                                         + field->name + u"'"_s, at);
        out.append(sort);
        start = end + 1;
    }
    return out;
}

QString DataStore::printPredicate(const Predicate &p)
{
    return predicate::print(p);
}

bool DataStore::matches(const QString &model, const Predicate &p, const QVariantMap &record) const
{
    const ModelSchema *m = d->schema.model(model);
    return m && predicate::evaluate(p, record, *m);
}

Observation *DataStore::observe(const QString &model, const QString &id, QObject *parent)
{
    d->autoStart();
    return new Observation(this, model, id, parent);
}

LiveQuery *DataStore::observeQuery(const QString &model, const Predicate &predicate,
                                   const QList<SortBy> &sort, QObject *parent)
{
    return new LiveQuery(this, model, predicate, sort, parent);
}

qint64 DataStore::pendingMutations() const
{
    return d->pendingMutations;
}

Error DataStore::lastError() const
{
    return d->lastError;
}

// ---- Observation ------------------------------------------------------------------

Observation::Observation(DataStore *store, QString model, QString id, QObject *parent)
    : QObject(parent), m_model(std::move(model)), m_id(std::move(id))
{
    if (!m_model.isEmpty() && !store->schema().model(m_model)) {
        m_error = unknownModel(m_model);
        QMetaObject::invokeMethod(this, [this] { Q_EMIT errorOccurred(m_error); }, Qt::QueuedConnection);
        return;
    }
    connect(store, &DataStore::changed, this, [this](const ChangeEvent &e) {
        if (!m_model.isEmpty() && e.model != m_model)
            return;
        if (!m_id.isEmpty() && e.key != m_id)
            return;
        Q_EMIT changed(e);
    });
}

// ---- LiveQuery --------------------------------------------------------------------

int SortBy::compareValues(const QVariant &a, const QVariant &b)
{
    const bool an = a.isNull(), bn = b.isNull();
    if (an || bn)
        return an == bn ? 0 : (an ? -1 : 1);
    const auto isNumber = [](const QVariant &v) {
        switch (v.typeId()) {
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::UInt:
        case QMetaType::ULongLong:
        case QMetaType::Double:
        case QMetaType::Float:
        case QMetaType::Bool:
            return true;
        default:
            return false;
        }
    };
    if (isNumber(a) && isNumber(b)) {
        const double x = a.toDouble(), y = b.toDouble();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (isNumber(a) != isNumber(b))
        return isNumber(a) ? -1 : 1;   // SQLite: numbers sort before text
    const QByteArray x = a.toString().toUtf8(), y = b.toString().toUtf8();
    const int c = std::memcmp(x.constData(), y.constData(), size_t(std::min(x.size(), y.size())));
    if (c != 0)
        return c < 0 ? -1 : 1;
    return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

bool SortBy::lessThan(const QList<SortBy> &sort, const ModelSchema &model, const QVariantMap &a,
                      const QVariantMap &b)
{
    for (const SortBy &s : sort) {
        const int c = compareValues(a.value(s.field), b.value(s.field));
        if (c != 0)
            return s.order == Order::Descending ? c > 0 : c < 0;
    }
    for (const QString &field : model.primaryKey) {
        const int c = compareValues(a.value(field), b.value(field));
        if (c != 0)
            return c < 0;
    }
    return false;
}

QString DataStore::keyOf(const ModelSchema &model, const QVariantMap &record)
{
    return Storage::keyOf(model, record);
}

LiveQuery::LiveQuery(DataStore *store, QString model, Predicate predicate, QList<SortBy> sort,
                     QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_model(std::move(model))
    , m_predicate(std::move(predicate))
    , m_sort(std::move(sort))
    , m_schema(store->schema().model(m_model))
{
    connect(store, &DataStore::changed, this, [this](const ChangeEvent &e) {
        if (e.model != m_model)
            return;
        if (!m_loaded) {
            m_pending.append(e);
            return;
        }
        apply(e);
        Q_EMIT itemsChanged();
    });
    m_synced = store->isModelSynced(m_model);
    connect(store, &DataStore::modelSynced, this, [this](const QString &model) {
        if (model != m_model || m_synced)
            return;
        m_synced = true;
        Q_EMIT syncedChanged();
    });
    connect(store, &DataStore::cleared, this, [this] {
        if (m_synced) {
            m_synced = false;
            Q_EMIT syncedChanged();
        }
        m_items.clear();
        m_keys.clear();
        Q_EMIT itemsChanged();
    });
    auto onResult = [this](const Result<QList<QVariantMap>> &r) {
        if (!r) {
            m_error = r.error();
            Q_EMIT errorOccurred(m_error);
            return;
        }
        m_items = *r;
        m_keys.clear();
        m_keys.reserve(m_items.size());
        for (const QVariantMap &item : std::as_const(m_items))
            m_keys.append(Storage::keyOf(*m_schema, item));
        m_loaded = true;
        // Changes committed while the query ran: applying them again is
        // harmless (upserts and deletes by key).
        for (const ChangeEvent &e : std::exchange(m_pending, {}))
            apply(e);
        Q_EMIT loaded();
        Q_EMIT itemsChanged();
    };
    // A watcher owned by this object: its result arrives from the event loop
    // (so `loaded` always comes after the caller has connected to it), and
    // it dies with this object, so a LiveQuery destroyed while its query runs
    // is never called back (Qt 6.4's then(context, ...) is not safe there).
    using Watcher = QFutureWatcher<Result<QList<QVariantMap>>>;
    auto *watcher = new Watcher(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [watcher, onResult] {
        const Result<QList<QVariantMap>> r = watcher->result();
        watcher->deleteLater();
        onResult(r);
    });
    watcher->setFuture(store->query(m_model, m_predicate, m_sort));
}

LiveQuery::~LiveQuery() = default;

int LiveQuery::find(const QString &key) const
{
    return int(m_keys.indexOf(key));
}

bool LiveQuery::lessThan(const QVariantMap &a, const QVariantMap &b) const
{
    return SortBy::lessThan(m_sort, *m_schema, a, b);
}

int LiveQuery::insertionRow(const QVariantMap &element) const
{
    const auto it = std::upper_bound(m_items.cbegin(), m_items.cend(), element,
                                     [this](const QVariantMap &e, const QVariantMap &item) {
                                         return lessThan(e, item);
                                     });
    return int(it - m_items.cbegin());
}

void LiveQuery::apply(const ChangeEvent &e)
{
    if (!m_schema)
        return;
    const int row = find(e.key);
    const bool matches = e.type != ChangeEvent::Type::Deleted
        && predicate::evaluate(m_predicate, e.element, *m_schema);
    if (!matches) {
        if (row >= 0) {
            m_items.removeAt(row);
            m_keys.removeAt(row);
            Q_EMIT removed(row);
        }
        return;
    }
    if (row < 0) {
        const int at = insertionRow(e.element);
        m_items.insert(at, e.element);
        m_keys.insert(at, e.key);
        Q_EMIT inserted(at);
        return;
    }
    // Changed in place, or moved if its sort position changed.
    m_items.removeAt(row);
    m_keys.removeAt(row);
    const int at = insertionRow(e.element);
    m_items.insert(at, e.element);
    m_keys.insert(at, e.key);
    if (at == row)
        Q_EMIT updated(row);
    else
        Q_EMIT moved(row, at);
}

} // namespace ds
