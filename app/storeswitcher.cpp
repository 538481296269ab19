#include "storeswitcher.h"

#include "apppaths.h"
#include "logging.h"

#include <QPromise>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// The engine runs and can reach (or is reaching) the cloud.
bool canFlush(ds::DataStore::SyncState state)
{
    using S = ds::DataStore::SyncState;
    return state == S::Starting || state == S::Syncing || state == S::Ready;
}

ds::SyncConfiguration withoutCloud(const ds::SyncConfiguration &config)
{
    ds::SyncConfiguration off = config;
    off.endpoint = QUrl();
    off.tokenProvider = nullptr;
    return off;
}

} // namespace

StoreSwitcher::StoreSwitcher(ds::DataStore *store, QObject *parent) : QObject(parent), m_store(store) {}

QFuture<qint64> StoreSwitcher::flushAndStop(std::chrono::milliseconds timeout)
{
    auto promise = std::make_shared<QPromise<qint64>>();
    promise->start();
    QFuture<qint64> future = promise->future();
    ds::DataStore *store = m_store;
    if (!store) {
        promise->addResult(0);
        promise->finish();
        return future;
    }

    // Sends what it can (bounded), stops sync, then counts what the outbox
    // still holds (authoritative: read from the database after the engine
    // is gone).
    if (store->pendingMutations() > 0 && canFlush(store->syncState()))
        qCInfo(lcAccount) << "waiting for" << store->pendingMutations() << "pending change(s) to be sent";
    const QPointer<ds::DataStore> guarded(store);
    store->flushOutbox(timeout)
        .then(this, [this, guarded](qint64) {
            if (!guarded)
                return QFuture<ds::Result<QList<ds::PendingMutation>>>();
            guarded->configureSync(withoutCloud(guarded->syncConfiguration()));
            return guarded->stop()
                .then(this, [guarded](const ds::Result<void> &) {
                    return guarded ? guarded->pendingMutationList()
                                   : QFuture<ds::Result<QList<ds::PendingMutation>>>();
                })
                .unwrap();
        })
        .unwrap()
        .then(this, [promise](const ds::Result<QList<ds::PendingMutation>> &pending) {
            promise->addResult(pending ? qint64(pending->size()) : 0);
            promise->finish();
        })
        .onCanceled(this, [promise] {
            promise->addResult(0);
            promise->finish();
        });
    return future;
}

void StoreSwitcher::pause()
{
    if (!m_store)
        return;
    m_store->configureSync(withoutCloud(m_store->syncConfiguration()));
    m_store->stop();
}

QFuture<ds::Result<void>> StoreSwitcher::switchTo(const QString &databasePath, const ds::SyncConfiguration &config)
{
    ds::DataStore *store = m_store;
    if (!store)
        return QtFuture::makeReadyFuture(ds::Result<void>(ds::Error(ds::Error::Domain::Storage, u"NoStore"_s, u"no store"_s)));
    if (!AppPaths::ensureParentDirectory(databasePath)) {
        return QtFuture::makeReadyFuture(ds::Result<void>(ds::Error(
            ds::Error::Domain::Storage, u"CannotCreateFolder"_s, u"cannot create the folder of %1"_s.arg(databasePath))));
    }
    qCInfo(lcAccount) << "switching the store to" << databasePath;
    store->configureSync(withoutCloud(config));
    QPointer<ds::DataStore> guard(store);
    // The same file (the store the app opened at start): no reopen, only
    // the sync configuration changes.
    const bool same = store->databasePath() == databasePath;
    return store->stop()
        .then(this, [guard, databasePath, same](const ds::Result<void> &) {
            if (!guard || (same && guard->isOpen()))
                return QtFuture::makeReadyFuture(ds::Result<void>());
            return guard->open(databasePath);
        })
        .unwrap()
        .then(this, [guard, config](const ds::Result<void> &opened) -> QFuture<ds::Result<void>> {
            if (!opened || !guard)
                return QtFuture::makeReadyFuture(opened);
            guard->configureSync(config);
            if (!config.isEnabled())
                return QtFuture::makeReadyFuture(ds::Result<void>());
            return guard->start();
        })
        .unwrap();
}

} // namespace notes
