// The DataStore's worker: owns the Storage and runs queued operations on the
// store's own thread, committing the operations queued together in one
// transaction (group commit).
//
// Threading: enqueue() may be called from any thread; everything else runs
// on the worker thread.
#pragma once

#include <datastore/datastore.h>

#include "storage/storage.h"
#include "sync/syncengine.h"

#include <QMutex>
#include <QPointer>
#include <QObject>
#include <QPromise>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace ds {

class Operation
{
public:
    virtual ~Operation() = default;
    // Exclusive operations (open, close, clear) run alone, outside any batch.
    virtual bool isExclusive() const { return false; }
    virtual bool isWrite() const { return false; }
    // Runs inside the batch's transaction (or alone, if exclusive).
    virtual void run(Storage *storage) = 0;
    // The batch could not commit: the operation failed after all.
    virtual void fail(const Error &error) = 0;
    // After the commit: hand over the change events...
    virtual void takeEvents(QList<ChangeEvent> &events) = 0;
    // ...and resolve the future. The promise, with the result the worker
    // allocated, is released here, on the worker; what is left (the body,
    // which holds what the caller allocated) is freed on the caller's thread.
    virtual void finish() = 0;
};

// One allocation per operation: the body (a lambda, Result<T>(Storage *,
// QList<ChangeEvent> &)) is stored in place, not behind a std::function.
template<typename T, typename Body>
class TypedOperation final : public Operation
{
public:
    TypedOperation(Body body, bool write, bool exclusive)
        : m_body(std::move(body)), m_write(write), m_exclusive(exclusive)
    {
        m_promise.emplace();
        m_promise->start();
    }

    QFuture<Result<T>> future() { return m_promise->future(); }

    bool isExclusive() const override { return m_exclusive; }
    bool isWrite() const override { return m_write; }
    void run(Storage *storage) override { m_result.emplace(m_body(storage, m_events)); }
    void fail(const Error &error) override
    {
        m_result.emplace(error);
        m_events.clear();
    }
    void takeEvents(QList<ChangeEvent> &events) override
    {
        events.append(m_events);
        m_events.clear();
    }
    void finish() override
    {
        m_promise->addResult(m_result ? std::move(*m_result) : Result<T>(Error(
            Error::Domain::Storage, QStringLiteral("NotRun"), QStringLiteral("the operation did not run"))));
        m_promise->finish();
        m_promise.reset();
        m_result.reset();
    }

private:
    Body m_body;
    bool m_write;
    bool m_exclusive;
    std::optional<QPromise<Result<T>>> m_promise;
    std::optional<Result<T>> m_result;
    QList<ChangeEvent> m_events;
};

class Worker : public QObject
{
    Q_OBJECT

public:
    explicit Worker(const Schema &schema);
    ~Worker() override;

    // Any thread.
    void enqueue(std::unique_ptr<Operation> op);

    // Worker thread.
    Storage *storage() { return m_storage.get(); }
    void openStorage(std::unique_ptr<Storage> storage) { m_storage = std::move(storage); }
    // Stops sync first: the engine borrows the storage.
    void closeStorage();
    SyncEngine *engine() { return m_engine.get(); }
    void setEngine(std::unique_ptr<SyncEngine> engine) { m_engine = std::move(engine); }
    void stopEngine() { m_engine.reset(); }
    // Runs everything queued so far (the destructor path uses it to drain).
    void drain();
    // The thread finished operations are freed on: the facade's, where
    // their callers' records were allocated. Freed on the worker, each of
    // a record's blocks took the caller's malloc arena lock while the
    // caller allocated (perf sched: thousands of waits of a scheduler tick).
    void setHome(QObject *home) { m_home = home; }

Q_SIGNALS:
    // Emitted on the worker thread after each batch; connected queued to the facade.
    // local: the events are the callers' writes (each queued an outbox
    // entry); otherwise remote data applied by the sync engine.
    void batchCommitted(const QList<ds::ChangeEvent> &events, qint64 pendingMutations,
                        bool pendingKnown, bool local);

private:
    void runBatch(std::vector<std::unique_ptr<Operation>> &batch);
    // Hands finished operations to m_home's thread to be freed; empties batch.
    void release(std::vector<std::unique_ptr<Operation>> &batch);

    const Schema &m_schema;
    std::unique_ptr<Storage> m_storage;
    std::unique_ptr<SyncEngine> m_engine;   // declared after the storage: destroyed first
    QMutex m_mutex;
    std::deque<std::unique_ptr<Operation>> m_queue;
    bool m_scheduled = false;
    QPointer<QObject> m_home;
};

} // namespace ds
