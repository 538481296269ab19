// Internals of HttpServer shared with HttpConnection.
#pragma once

#include "http/httpserver.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <optional>

#ifndef QT_NO_SSL
#include <QSslConfiguration>
#endif

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocketServer;
QT_END_NAMESPACE

namespace ds::server {

class HttpConnection;

// QTcpServer that gives each accepted descriptor to a callback instead of
// queueing a QTcpSocket, so that TLS sockets can be set up the same way.
class TcpListener final : public QTcpServer
{
    Q_OBJECT
public:
    using Callback = std::function<void(qintptr)>;
    explicit TcpListener(Callback callback, QObject *parent = nullptr)
        : QTcpServer(parent), m_callback(std::move(callback)) {}

protected:
    void incomingConnection(qintptr socketDescriptor) override { m_callback(socketDescriptor); }

private:
    Callback m_callback;
};

class HttpServerPrivate
{
public:
    explicit HttpServerPrivate(HttpServer *q);
    ~HttpServerPrivate();

    void incomingConnection(qintptr descriptor);
    void connectionFinished(HttpConnection *connection);
    // Takes socket (its unread bytes start with the upgrade request's head).
    void handOffWebSocket(QTcpSocket *socket, HttpRequest request, const WebSocketRoute &route);
    void takeWebSockets(const QString &path);
    void checkDrained();

    HttpServer *q;
    Router router;
    HttpLimits limits;
    TcpListener *listener = nullptr;
#ifndef QT_NO_SSL
    std::optional<QSslConfiguration> tls;
#endif
    QSet<HttpConnection *> connections;
    struct Upgrading
    {
        HttpRequest request;
        const QTcpSocket *socket = nullptr;
    };
    // Keyed by "peer address|peer port": QWebSocketServer gives back a
    // QWebSocket, not the QTcpSocket we handed in.
    QHash<QString, Upgrading> upgrading;
    QHash<QString, QWebSocketServer *> webSocketServers;  // by path
    bool shuttingDown = false;
    bool drainedEmitted = false;
    QTimer shutdownTimer;
    QString errorString;
};

} // namespace ds::server
