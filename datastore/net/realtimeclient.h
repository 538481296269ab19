// The AppSync realtime WebSocket client (PROTOCOL.md 5): one socket shared by
// every subscription.
//
//   open() --socket--> Connecting --connection_init / connection_ack--> Connected
//      ^                   |                                              |
//      |                   | ack timeout, socket error                    | no ka within
//      |                   v                                              | connectionTimeoutMs,
//      +-- timer ---- Reconnecting <--------------------------------------+ socket closed
//                          | (jittered exponential Backoff)
//   close() / a non-retryable connection_error (401/403, Unauthorized) --> Disconnected
//
// The handshake carries the auth object the way current amplify-js does:
// Sec-WebSocket-Protocol "graphql-ws", "header-<base64url(JSON auth object)>".
// Each socket is built fresh per connection and thrown away on disconnect.
// Subscriptions outlive connections: after every connection_ack each active
// subscription is started again (subscriptionStarted fires again); the sync
// engine should run a delta sync after a reconnect.
//
// Threading: a QObject with thread affinity; use it from its thread only.
// Callbacks and signals arrive on that thread.
#pragma once

#include "net/auth.h"
#include "net/backoff.h"
#include "net/documents.h"

#include <datastore/error.h>

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <functional>

class QTimer;
class QWebSocket;

namespace ds::net {

class RealtimeClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)

public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // Per-subscription callbacks; any may be empty. They run before the
    // matching signal.
    struct Handlers
    {
        std::function<void()> started;                          // start_ack
        std::function<void(const QJsonObject &data)> data;      // {"onCreatePost": {...}}
        std::function<void(const Error &error)> failed;         // error frame; the subscription ends
        std::function<void()> completed;                        // complete after stop
    };

    explicit RealtimeClient(QObject *parent = nullptr);
    ~RealtimeClient() override;

    // The realtime URL (Configuration::realtimeEndpoint()).
    QUrl url() const { return m_url; }
    void setUrl(const QUrl &url) { m_url = url; }
    // The GraphQL (HTTP) endpoint: its host[:port] goes into the auth object.
    void setGraphQLEndpoint(const QUrl &endpoint) { m_graphqlEndpoint = endpoint; }
    void setAuthorization(const Authorization &auth) { m_auth = auth; }
    void setCaCertificates(const QList<QSslCertificate> &certificates) { m_caCertificates = certificates; }

    void setReconnectPolicy(const Backoff::Policy &policy);
    // Injected clock and jitter for the backoff (tests).
    void setBackoff(const Backoff &backoff) { m_backoff = backoff; }
    void setConnectionAckTimeout(std::chrono::milliseconds timeout) { m_ackTimeout = timeout; }
    void setStartAckTimeout(std::chrono::milliseconds timeout) { m_startAckTimeout = timeout; }
    // Caps the keep-alive window the server announces (connectionTimeoutMs);
    // 0 = no cap.
    void setMaxKeepAliveTimeout(std::chrono::milliseconds cap) { m_kaCap = cap; }

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    // The keep-alive window in force (from the last connection_ack, capped).
    std::chrono::milliseconds keepAliveTimeout() const { return m_kaTimeout; }
    int reconnectFailures() const { return m_backoff.failures(); }

    // Connects, and keeps reconnecting after drops until close().
    void open();
    // Stops reconnecting, ends every subscription without callbacks, closes
    // the socket with code 1000.
    void close();
    // The network is back (reachability): a pending reconnect happens now,
    // from the first backoff step.
    void reconnectNow();

    // Registers a subscription and starts it now (when connected) or after
    // the next connection_ack. Returns its id (a UUID).
    QString subscribe(const GraphQLRequest &subscription, Handlers handlers = {});
    // Sends stop; completed follows the server's complete.
    void unsubscribe(const QString &id);
    QStringList subscriptionIds() const { return m_subscriptions.keys(); }
    bool isSubscriptionStarted(const QString &id) const;

    // The Sec-WebSocket-Protocol values of the handshake.
    QStringList handshakeSubprotocols() const;

Q_SIGNALS:
    void stateChanged(ds::net::RealtimeClient::State state);
    void connected();                               // connection_ack received
    void disconnected(const ds::Error &reason);     // an established or pending connection was lost
    void keepAliveReceived();
    void reconnectScheduled(qint64 delayMs, int failures);
    void errorOccurred(const ds::Error &error);     // connection_error, an error frame without id
    void subscriptionStarted(const QString &id);
    void dataReceived(const QString &id, const QJsonObject &data);
    void subscriptionFailed(const QString &id, const ds::Error &error);
    void subscriptionCompleted(const QString &id);

private:
    struct Subscription
    {
        GraphQLRequest request;
        Handlers handlers;
        bool started = false;   // start_ack received on this connection
        bool stopping = false;
        QTimer *startAckTimer = nullptr;
    };

    void setState(State state);
    void connectSocket();
    void onSocketConnected();
    void onTextMessage(const QString &text);
    void onSocketGone(QWebSocket *socket, const Error &reason);
    void dropConnection(const Error &reason, bool reconnect);
    void scheduleReconnect();
    void sendStart(const QString &id, Subscription &sub);
    void send(const QJsonObject &message);
    void restartKeepAlive();
    void endSubscription(const QString &id);
    QJsonObject authObject() const;

    QUrl m_url;
    QUrl m_graphqlEndpoint;
    Authorization m_auth;
    QList<QSslCertificate> m_caCertificates;
    Backoff m_backoff;
    std::chrono::milliseconds m_ackTimeout;
    std::chrono::milliseconds m_startAckTimeout;
    std::chrono::milliseconds m_kaCap{0};
    std::chrono::milliseconds m_kaTimeout;

    State m_state = State::Disconnected;
    bool m_wanted = false;
    QPointer<QWebSocket> m_socket;
    QTimer *m_ackTimer;
    QTimer *m_kaTimer;
    QTimer *m_reconnectTimer;
    QHash<QString, Subscription> m_subscriptions;
};

} // namespace ds::net
