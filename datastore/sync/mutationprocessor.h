// ds::MutationProcessor: drains the outbox (PROTOCOL.md 1.4, 3.5, 4, 6.5-6.7).
//
//   head = peekOutbox()
//     -> persisted InFlight (attempts + 1)                   (a crash replays it)
//     -> createX / updateX (patch + _version) / deleteX (+ condition) over HTTP
//   success       -> one transaction: entry removed, the response's _version
//                    copied into the record's other queued entries (when the
//                    server echoed what was sent), the item merged through
//                    Storage::mergeRemote -> outboxMutationProcessed, next
//   network error -> entry back to Failed (lastError), retried after a
//                    jittered exponential backoff, forever (while started)
//   ConflictUnhandled -> already applied (a replay after a crash: the server
//                    holds exactly what was sent)? success. Otherwise the
//                    conflict handler (attempt <= 10): Retry / Custom re-send
//                    with the server's _version; Discard (or > 10 attempts,
//                    then also outboxMutationFailed "ConflictRetriesExhausted"
//                    + the error handler) getX + merge the server copy,
//                    entry dropped
//   ConditionalCheckFailedException -> entry dropped, the server's item
//                    merged, conditionalSaveFailed + the error handler
//   HTTP 401/403  -> the credentials were refused, not the change: kept,
//                    reported (credentialsRefused), retried after the backoff
//   any other error (Unauthorized, validation) -> entry dropped, the server's
//                    item merged when the error carried one,
//                    outboxMutationFailed + the error handler
//
// An Update still InFlight from an earlier process (it died waiting for the
// answer) is first compared with the server's copy (getX): if the server
// holds exactly the change at the next version, it is completed without
// being sent again (automerge would apply it twice). Creates and deletes
// are recognised from the server's answer instead.
//
// Fault injection for tests: DS_FAULT_CRASH_AFTER_MUTATIONS=N makes the
// process exit right after the Nth answer arrives, before it is applied.
//
// One mutation in flight at a time, FIFO. pause() stops after the one in
// flight (its answer is still applied); resume()/kick() goes on.
//
// Threading: lives on the store's worker thread with its Storage and
// GraphQLClient; the handlers run there too.
#pragma once

#include "net/backoff.h"
#include "net/graphqlclient.h"
#include "storage/storage.h"

#include <datastore/syncconfiguration.h>

#include <QHash>
#include <QSet>
#include <QObject>

class QTimer;

namespace ds {

class MutationProcessor : public QObject
{
    Q_OBJECT
public:
    MutationProcessor(Storage &storage, net::GraphQLClient &client, QObject *parent = nullptr);
    ~MutationProcessor() override;

    void setConflictHandler(ConflictHandler handler) { m_conflictHandler = std::move(handler); }
    void setRetryPolicy(const net::Backoff::Policy &policy);
    static constexpr int maxConflictAttempts = 10;

    bool isRunning() const { return m_running; }
    bool isBusy() const { return m_inFlight != 0; }
    // Starts draining; the outbox may have grown meanwhile: kick() again.
    void start();
    void pause();
    // Something was queued: send it if idle.
    void kick();

Q_SIGNALS:
    // After a mutation's answer was applied: the server's item.
    void processed(const QString &model, const QVariantMap &element);
    void conditionalSaveFailed(const QString &model, const QVariantMap &element, const ds::Error &error);
    void failed(const ds::SyncError &error);
    // HTTP 401/403 on a mutation: the entry is kept and retried.
    void credentialsRefused(const ds::SyncError &error);
    // Local rows changed by merged answers (for observers).
    void changesApplied(const QList<ds::Change> &changes);
    void outboxStatus(bool isEmpty, qint64 pending);
    // A network error: the processor retries after delayMs.
    void networkError(const ds::Error &error, qint64 delayMs);
    // A mutation reached the server after network errors.
    void networkRecovered();

private:
    void next();
    void send(OutboxEntry entry);
    void verifyThenSend(const OutboxEntry &entry);
    void onAnswer(quint64 generation, OutboxEntry entry, const QJsonObject &sent,
                  const net::GraphQLResponse &response);
    void onConflict(OutboxEntry entry, const QJsonObject &sent, const net::GraphQLError &error);
    void discard(const OutboxEntry &entry, const QJsonObject &remote);
    void complete(const OutboxEntry &entry, const QJsonObject &sent, const QJsonObject &item);
    void drop(const OutboxEntry &entry, const QJsonObject &remote);
    Result<void> mergeHeldBack(const ModelSchema &model, const OutboxEntry &entry, const QJsonObject &answer,
                               MergeResult *merged);
    void retryLater(OutboxEntry entry, const Error &error);
    void reportStatus();

    Storage &m_storage;
    net::GraphQLClient &m_client;
    ConflictHandler m_conflictHandler;
    net::Backoff m_backoff;
    QTimer *m_retryTimer;
    bool m_running = false;
    quint64 m_generation = 0;
    qint64 m_inFlight = 0;          // outbox id of the entry in flight (0: none)
    bool m_networkFailing = false;
    QHash<qint64, int> m_conflicts;   // outbox id -> conflicts met so far
    QSet<qint64> m_verified;          // in-flight leftovers already checked against the server
    int m_crashAfterAnswers = 0;      // fault injection (DS_FAULT_CRASH_AFTER_MUTATIONS), tests only
    int m_answers = 0;
};

} // namespace ds
