#include "net/realtimeclient.h"

#include "common/logging_p.h"
#include "net/graphqlclient.h"
#include "net/tuning_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using namespace Qt::StringLiterals;

namespace ds::net {

namespace {

// The first error of a realtime error payload {"errors":[...]} as a ds::Error.
Error payloadError(const QJsonObject &payload, const QString &fallbackCode, bool *retryable = nullptr)
{
    QList<GraphQLError> errors;
    const QJsonArray array = payload.value(u"errors"_s).toArray();
    int errorCode = 0;
    for (const QJsonValue &v : array) {
        errors.append(GraphQLError::fromJson(v.toObject()));
        if (!errorCode)
            errorCode = v.toObject().value(u"errorCode"_s).toInt();
    }
    Error error = errors.isEmpty() ? Error(Error::Domain::Network, fallbackCode, fallbackCode)
                                   : errorFromGraphQLErrors(errors);
    const QString type = errors.isEmpty() ? QString() : errors.constFirst().errorType;
    // Non-retryable per amplify-js: 400/401/403, BadRequestException, UnauthorizedException.
    const bool auth = errorCode == 401 || errorCode == 403 || type == u"UnauthorizedException"
        || type == u"Unauthorized";
    const bool fatal = auth || errorCode == 400 || type == u"BadRequestException";
    if (retryable)
        *retryable = !fatal;
    if (auth)
        error = Error(Error::Domain::Auth, error.code(), error.message(), false);
    return error;
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

RealtimeClient::RealtimeClient(QObject *parent)
    : QObject(parent),
      m_ackTimeout(tuning::kConnectionAckTimeout),
      m_startAckTimeout(tuning::kStartAckTimeout),
      m_kaTimeout(tuning::kDefaultConnectionTimeout),
      m_ackTimer(new QTimer(this)),
      m_kaTimer(new QTimer(this)),
      m_reconnectTimer(new QTimer(this))
{
    m_ackTimer->setSingleShot(true);
    m_kaTimer->setSingleShot(true);
    m_reconnectTimer->setSingleShot(true);
    connect(m_ackTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcSyncWs) << "no connection_ack within" << m_ackTimeout.count() << "ms";
        dropConnection(Error(Error::Domain::Network, u"ConnectionAckTimeout"_s,
                             u"no connection_ack within %1 ms"_s.arg(m_ackTimeout.count()), true), true);
    });
    connect(m_kaTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcSyncWs) << "no keep-alive within" << m_kaTimeout.count() << "ms: connection is dead";
        dropConnection(Error(Error::Domain::Network, u"KeepAliveTimeout"_s,
                             u"no keep-alive from the server within %1 ms"_s.arg(m_kaTimeout.count()), true),
                       true);
    });
    connect(m_reconnectTimer, &QTimer::timeout, this, [this] {
        if (m_wanted)
            connectSocket();
    });
}

RealtimeClient::~RealtimeClient()
{
    m_wanted = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        delete m_socket.data();
    }
}

void RealtimeClient::setReconnectPolicy(const Backoff::Policy &policy)
{
    m_backoff = Backoff(policy);
}

bool RealtimeClient::isSubscriptionStarted(const QString &id) const
{
    const auto it = m_subscriptions.constFind(id);
    return it != m_subscriptions.constEnd() && it->started;
}

void RealtimeClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QJsonObject RealtimeClient::authObject() const
{
    const QUrl endpoint = m_graphqlEndpoint.isValid() ? m_graphqlEndpoint : m_url;
    return m_auth.realtimeObject(hostHeader(endpoint), QDateTime::currentDateTimeUtc());
}

QStringList RealtimeClient::handshakeSubprotocols() const
{
    const QByteArray json = QJsonDocument(authObject()).toJson(QJsonDocument::Compact);
    return {u"graphql-ws"_s, u"header-"_s + QString::fromLatin1(base64Url(json))};
}

void RealtimeClient::open()
{
    m_wanted = true;
    if (m_socket || m_reconnectTimer->isActive())
        return;
    m_backoff.reset();
    connectSocket();
}

void RealtimeClient::reconnectNow()
{
    if (!m_wanted || !m_reconnectTimer->isActive())
        return;
    m_reconnectTimer->stop();
    m_backoff.reset();
    connectSocket();
}

void RealtimeClient::close()
{
    m_wanted = false;
    m_reconnectTimer->stop();
    m_ackTimer->stop();
    m_kaTimer->stop();
    for (Subscription &sub : m_subscriptions)
        delete sub.startAckTimer;
    m_subscriptions.clear();
    if (QWebSocket *socket = m_socket.data()) {
        m_socket.clear();
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeNormal);
        socket->deleteLater();
    }
    setState(State::Disconnected);
}

void RealtimeClient::connectSocket()
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::connected, this, &RealtimeClient::onSocketConnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &RealtimeClient::onTextMessage);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        onSocketGone(socket, Error(Error::Domain::Network, u"ConnectionClosed"_s,
                                   u"the realtime connection closed (%1)"_s.arg(int(socket->closeCode())), true));
    });
    // QWebSocket::errorOccurred arrived in Qt 6.5.
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, socket](QAbstractSocket::SocketError code) {
        const bool closed = code == QAbstractSocket::RemoteHostClosedError;
        onSocketGone(socket, Error(Error::Domain::Network, closed ? u"ConnectionClosed"_s : u"ConnectionFailed"_s,
                                   socket->errorString(), true));
    });

    QNetworkRequest request(m_url);
    if (m_url.scheme() == u"wss" && !m_caCertificates.isEmpty()) {
        // The system CAs plus ours, on this socket only (never the global default).
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslConfiguration::systemCaCertificates() + m_caCertificates);
        request.setSslConfiguration(tls);
        socket->setSslConfiguration(tls);   // QWebSocket ignores the request's
    }
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(handshakeSubprotocols());
    qCDebug(lcSyncWs).noquote() << "connecting to" << m_url.toDisplayString();
    setState(State::Connecting);
    m_ackTimer->start(m_ackTimeout);
    socket->open(request, options);
}

void RealtimeClient::onSocketConnected()
{
    qCDebug(lcSyncWs) << "socket open, subprotocol" << (m_socket ? m_socket->subprotocol() : QString());
    send(connectionInitMessage());
}

void RealtimeClient::send(const QJsonObject &message)
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->sendTextMessage(compact(message));
}

void RealtimeClient::restartKeepAlive()
{
    if (m_state == State::Connected)
        m_kaTimer->start(m_kaTimeout);
}

void RealtimeClient::onTextMessage(const QString &text)
{
    if (sender() != m_socket.data())
        return;
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = message.value(u"type"_s).toString();
    const QString id = message.value(u"id"_s).toString();
    const QJsonObject payload = message.value(u"payload"_s).toObject();
    restartKeepAlive();   // any frame proves the connection alive

    if (type == u"connection_ack") {
        m_ackTimer->stop();
        const qint64 announced = payload.value(u"connectionTimeoutMs"_s).toInteger(0);
        m_kaTimeout = announced > 0 ? std::chrono::milliseconds(announced) : tuning::kDefaultConnectionTimeout;
        if (m_kaCap.count() > 0)
            m_kaTimeout = std::min(m_kaTimeout, m_kaCap);
        m_backoff.connected();
        setState(State::Connected);
        restartKeepAlive();
        qCInfo(lcSyncWs) << "connected; keep-alive window" << m_kaTimeout.count() << "ms";
        Q_EMIT connected();
        const QStringList ids = m_subscriptions.keys();
        for (const QString &subId : ids) {
            auto it = m_subscriptions.find(subId);
            if (it != m_subscriptions.end() && !it->stopping)
                sendStart(subId, *it);
        }
    } else if (type == u"ka") {
        Q_EMIT keepAliveReceived();
    } else if (type == u"start_ack") {
        auto it = m_subscriptions.find(id);
        if (it == m_subscriptions.end())
            return;
        it->started = true;
        delete it->startAckTimer;
        it->startAckTimer = nullptr;
        const Handlers handlers = it->handlers;
        if (handlers.started)
            handlers.started();
        Q_EMIT subscriptionStarted(id);
    } else if (type == u"data") {
        if (!m_subscriptions.contains(id))
            return;
        const QJsonObject data = payload.value(u"data"_s).toObject();
        const Handlers handlers = m_subscriptions.value(id).handlers;
        if (handlers.data)
            handlers.data(data);
        Q_EMIT dataReceived(id, data);
    } else if (type == u"complete") {
        if (!m_subscriptions.contains(id))
            return;
        const Handlers handlers = m_subscriptions.value(id).handlers;
        endSubscription(id);
        if (handlers.completed)
            handlers.completed();
        Q_EMIT subscriptionCompleted(id);
    } else if (type == u"error") {
        const Error error = payloadError(payload, u"SubscriptionError"_s);
        if (!id.isEmpty() && m_subscriptions.contains(id)) {
            const Handlers handlers = m_subscriptions.value(id).handlers;
            endSubscription(id);
            qCInfo(lcSyncWs).noquote() << "subscription" << id << "failed:" << error.toString();
            if (handlers.failed)
                handlers.failed(error);
            Q_EMIT subscriptionFailed(id, error);
        } else {
            Q_EMIT errorOccurred(error);
        }
    } else if (type == u"connection_error") {
        bool retryable = true;
        const Error error = payloadError(payload, u"ConnectionError"_s, &retryable);
        qCWarning(lcSyncWs).noquote() << "connection_error:" << error.toString();
        Q_EMIT errorOccurred(error);
        dropConnection(error, retryable);
    } else {
        qCDebug(lcSyncWs).noquote() << "ignoring frame" << text.left(200);
    }
}

void RealtimeClient::sendStart(const QString &id, Subscription &sub)
{
    sub.started = false;
    delete sub.startAckTimer;
    sub.startAckTimer = new QTimer(this);
    sub.startAckTimer->setSingleShot(true);
    connect(sub.startAckTimer, &QTimer::timeout, this, [this, id] {
        if (!m_subscriptions.contains(id))
            return;
        const Handlers handlers = m_subscriptions.value(id).handlers;
        endSubscription(id);
        const Error error(Error::Domain::Network, u"StartAckTimeout"_s,
                          u"no start_ack within %1 ms"_s.arg(m_startAckTimeout.count()), true);
        if (handlers.failed)
            handlers.failed(error);
        Q_EMIT subscriptionFailed(id, error);
    });
    sub.startAckTimer->start(m_startAckTimeout);
    send(startMessage(id, sub.request, authObject()));
}

QString RealtimeClient::subscribe(const GraphQLRequest &subscription, Handlers handlers)
{
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Subscription &sub = m_subscriptions[id];
    sub.request = subscription;
    sub.handlers = std::move(handlers);
    if (m_state == State::Connected)
        sendStart(id, sub);
    return id;
}

void RealtimeClient::unsubscribe(const QString &id)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    if (m_state == State::Connected) {
        it->stopping = true;
        send(stopMessage(id));
    } else {
        endSubscription(id);
    }
}

void RealtimeClient::endSubscription(const QString &id)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    if (it->startAckTimer)
        it->startAckTimer->deleteLater();
    m_subscriptions.erase(it);
}

void RealtimeClient::onSocketGone(QWebSocket *socket, const Error &reason)
{
    if (socket != m_socket)
        return;   // an old socket's late signal
    dropConnection(reason, true);
}

void RealtimeClient::dropConnection(const Error &reason, bool reconnect)
{
    m_ackTimer->stop();
    m_kaTimer->stop();
    if (QWebSocket *socket = m_socket.data()) {
        m_socket.clear();
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    for (Subscription &sub : m_subscriptions) {
        sub.started = false;
        delete sub.startAckTimer;
        sub.startAckTimer = nullptr;
    }
    // Subscriptions being stopped are done: the new connection will not know them.
    const QStringList ids = m_subscriptions.keys();
    for (const QString &id : ids) {
        if (m_subscriptions.value(id).stopping)
            m_subscriptions.remove(id);
    }
    qCInfo(lcSyncWs).noquote() << "connection lost:" << reason.toString();
    Q_EMIT disconnected(reason);
    if (!reconnect)
        m_wanted = false;
    scheduleReconnect();
}

void RealtimeClient::scheduleReconnect()
{
    if (!m_wanted) {
        setState(State::Disconnected);
        return;
    }
    const std::optional<std::chrono::milliseconds> delay = m_backoff.nextDelay();
    if (!delay) {
        m_wanted = false;
        setState(State::Disconnected);
        return;
    }
    setState(State::Reconnecting);
    m_reconnectTimer->start(*delay);
    qCDebug(lcSyncWs) << "reconnecting in" << delay->count() << "ms";
    Q_EMIT reconnectScheduled(delay->count(), m_backoff.failures());
}

} // namespace ds::net
