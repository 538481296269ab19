// ds::server::HttpServer: the listening socket of datastore-server.
//
// Plain TCP or TLS on one port; HTTP/1.1 with keep-alive and pipelining (one
// request at a time per connection, answered in order); WebSocket upgrades on
// registered paths handed to QWebSocketServer so that it can select a
// subprotocol (graphql-ws). Routes map to handler objects (router.h).
//
// Threading: an HttpServer, its connections and its handlers live on the thread
// that created it.
#pragma once

#include "http/router.h"
#include "http/tuning_p.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>

QT_BEGIN_NAMESPACE
class QSslConfiguration;
class QWebSocket;
QT_END_NAMESPACE

namespace ds::server {

class HttpServerPrivate;

class HttpServer : public QObject
{
    Q_OBJECT
public:
    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    Router &router();
    const Router &router() const;

    void setLimits(const HttpLimits &limits);
    HttpLimits limits() const;

    // Serve TLS (https, wss) with this configuration; call before listen().
    void setTlsConfiguration(const QSslConfiguration &configuration);
    bool isSecure() const;
    // A server configuration from PEM files: the certificate file may hold the
    // chain after the leaf; the key is RSA or EC, unencrypted. Sets *ok and,
    // on failure, *errorString.
    static QSslConfiguration loadTlsConfiguration(const QString &certificateFile,
                                                  const QString &keyFile, bool *ok,
                                                  QString *errorString);

    bool listen(const QHostAddress &address, quint16 port = 0);
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QString errorString() const;
    // http(s)://address:port
    QUrl baseUrl() const;

    // Open HTTP connections (established WebSockets not counted).
    int connectionCount() const;

    // Stops listening, closes idle connections and lets requests in flight
    // finish within grace (then aborts them); emits drained() when no
    // connection is left. WebSockets already handed to handlers are theirs to close.
    void shutdown(std::chrono::milliseconds grace = tuning::kShutdownGrace);

Q_SIGNALS:
    // After the route's WebSocketHandler took socket.
    void webSocketAccepted(const QString &path, QWebSocket *socket);
    void drained();

private:
    friend class HttpServerPrivate;
    std::unique_ptr<HttpServerPrivate> d;
};

} // namespace ds::server
