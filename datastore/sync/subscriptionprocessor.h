// ds::SubscriptionProcessor: the realtime side of sync (PROTOCOL.md 1.6, 5, 7.2).
//
// Three subscriptions per model (onCreate/onUpdate/onDelete), with the
// model's sync expression as the server-side `filter` and the `owner`
// argument where an owner rule needs it. Every incoming item is checked
// against the sync expression here as well (deletes pass: removing a local
// row is always safe). A subscription whose filter the server rejects is
// started again without one (client-side filtering only), as JS does.
//
//   subscribe() --start_ack x 3N (or failures)--> established()
//   events: buffered while held (during sync queries), then
//   release() --> buffered events merged; later events merged as they come,
//                  the ones of one event-loop turn in one transaction
//
// Threading: lives on the store's worker thread with its Storage and the
// RealtimeClient.
#pragma once

#include "net/documents.h"
#include "net/realtimeclient.h"
#include "storage/storage.h"

#include <datastore/predicate.h>
#include <datastore/syncconfiguration.h>

#include <QHash>
#include <QObject>
#include <QSet>

namespace ds {

class SubscriptionProcessor : public QObject
{
    Q_OBJECT
public:
    SubscriptionProcessor(Storage &storage, net::RealtimeClient &realtime, QObject *parent = nullptr);
    ~SubscriptionProcessor() override;

    // Per model: the sync expression (all(): no filter) and the owner
    // argument. Before subscribe().
    void setExpression(const QString &model, const Predicate &predicate);
    void setOwnerArgument(const QString &model, const std::optional<net::OwnerArgument> &owner);

    // Registers the subscriptions of every model with the realtime client.
    void subscribe();
    void unsubscribeAll();
    bool isEstablished() const { return m_pendingAcks.isEmpty(); }
    // The connection dropped: the realtime client starts every subscription
    // again after its next connection_ack; established() follows once all did.
    void expectRestart();

    // While held, events are buffered (the sync queries are running).
    void hold() { m_held = true; }
    void release();
    qint64 bufferedCount() const { return m_buffer.size(); }
    qint64 eventsApplied() const { return m_applied; }

Q_SIGNALS:
    // Every subscription answered start_ack (or failed for good).
    void established();
    void changesApplied(const QList<ds::Change> &changes);
    void failed(const ds::SyncError &error);

private:
    struct Event
    {
        const ModelSchema *model = nullptr;
        QVariantMap item;
    };
    struct Sub
    {
        const ModelSchema *model = nullptr;
        net::SubscriptionType type = net::SubscriptionType::OnCreate;
        bool filtered = false;
    };

    void start(const ModelSchema &model, net::SubscriptionType type, bool withFilter);
    void onData(const QString &id, const QJsonObject &data);
    void onStarted(const QString &id);
    void onFailed(const QString &id, const Error &error);
    void scheduleFlush();
    void flush();

    Storage &m_storage;
    net::RealtimeClient &m_realtime;
    QHash<QString, Predicate> m_expressions;
    QHash<QString, std::optional<net::OwnerArgument>> m_owners;
    QHash<QString, Sub> m_subs;        // realtime subscription id -> what it is
    QSet<QString> m_pendingAcks;
    QList<Event> m_buffer;
    bool m_held = true;
    bool m_flushScheduled = false;
    qint64 m_applied = 0;
};

} // namespace ds
