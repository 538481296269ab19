// ds::SyncEngine: one running sync of a DataStore with its cloud (PROTOCOL.md
// 6.3-6.8, DESIGN.md "Data flow (client)"). The facade builds an engine on
// start() and throws it away on stop(), so there is no half-dead state to
// reset; the processors it owns are small single-purpose workers.
//
//   start()
//     -> realtime socket opened, 3 subscriptions per model (events held)
//     -> all start_acks: networkStatus(true), subscriptionsEstablished
//     -> sync round (SyncProcessor: base or delta per model, parents first)
//     -> outbox drain starts (MutationProcessor), held events merged
//     -> ready (once per engine); a full-sync timer runs the next round
//   socket lost -> networkStatus(false), outbox paused, events held, round
//                  cancelled; local writes keep queuing
//   socket back  -> subscriptions restarted -> delta round -> drain -> events
//   a round ended by a network error -> retried with jittered backoff
//   the socket refused for good (connection_error 401: an expired token)
//                -> reported, opened again after a backoff (the token provider
//                   may have a fresh token by then)
//
// Threading: lives on the store's worker thread with the Storage, which it
// borrows (the worker owns it). Signals are emitted there; the facade
// connects to them queued.
#pragma once

#include "net/graphqlclient.h"
#include "net/realtimeclient.h"
#include "storage/storage.h"
#include "sync/syncprocessor.h"

#include <datastore/syncconfiguration.h>

#include <QObject>
#include <QStringList>

#include <memory>

class QTimer;

namespace ds {

class MutationProcessor;
class SubscriptionProcessor;

class SyncEngine : public QObject
{
    Q_OBJECT
public:
    // Fails on a configuration that cannot work (bad CA file, a sync
    // expression that does not type-check): the error names it.
    static Result<std::unique_ptr<SyncEngine>> create(Storage &storage, const SyncConfiguration &config);
    ~SyncEngine() override;

    void start();
    // Stops everything; a mutation in flight is abandoned (its entry stays
    // InFlight in the outbox and is replayed by the next engine).
    void stop();
    // Local writes were committed: the outbox may have grown.
    void outboxChanged();
    // The platform's reachability (QNetworkInformation, where it exists):
    // unreachable pauses the outbox at once instead of waiting for the
    // socket's keep-alive to expire; reachable again reconnects now.
    void setNetworkReachable(bool reachable);

    bool isOnline() const { return m_online; }
    SyncProcessor &syncProcessor() { return *m_sync; }

Q_SIGNALS:
    void networkStatus(bool active);
    void subscriptionsEstablished();
    void syncQueriesStarted(const QStringList &models);
    void modelSynced(const QString &model, bool isFullSync, bool isDeltaSync, int newCount, int updatedCount,
                     int deletedCount, int evictedCount);
    void syncQueriesReady(qint64 lastSyncedAt);
    void ready();
    void progress(qint64 applied, qint64 expected);
    void outboxMutationProcessed(const QString &model, const QVariantMap &element);
    void outboxStatus(bool isEmpty, qint64 pending);
    void conditionalSaveFailed(const QString &model, const QVariantMap &element, const ds::Error &error);
    void outboxMutationFailed(const ds::SyncError &error);
    void syncErrorOccurred(const ds::SyncError &error);
    // Local rows changed by remote data (sync pages, events, mutation answers).
    void changesApplied(const QList<ds::Change> &changes);

private:
    SyncEngine(Storage &storage, const SyncConfiguration &config);
    Result<void> configure();
    void onRealtimeConnected();
    void onRealtimeDisconnected(const Error &reason);
    void onEstablished();
    void runRound();
    void onRoundFinished(const Error &error);
    void setOnline(bool online);
    void reportError(const SyncError &error);

    Storage &m_storage;
    SyncConfiguration m_config;
    net::GraphQLClient *m_client;
    net::RealtimeClient *m_realtime;
    SyncProcessor *m_sync;
    MutationProcessor *m_mutations;
    SubscriptionProcessor *m_subscriptions;
    QTimer *m_roundTimer;        // the next round: full-sync interval, or a retry
    net::Backoff m_roundBackoff;
    QTimer *m_reopenTimer;       // the socket was refused (credentials): try again later
    net::Backoff m_reopenBackoff;
    bool m_started = false;
    bool m_online = false;
    bool m_statusReported = false;
    bool m_readyEmitted = false;
    bool m_roundPending = false; // a round should run once the current one ends
};

} // namespace ds
