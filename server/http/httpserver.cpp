#include "http/httpserver.h"

#include "http/httpconnection_p.h"
#include "http/httpserver_p.h"
#include "http/logging_p.h"

#include <QFile>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

#ifndef QT_NO_SSL
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#endif

using namespace Qt::StringLiterals;

namespace ds::server {

namespace {

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}

} // namespace

HttpServerPrivate::HttpServerPrivate(HttpServer *q) : q(q)
{
    shutdownTimer.setSingleShot(true);
}

HttpServerPrivate::~HttpServerPrivate() = default;

void HttpServerPrivate::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    bool secure = false;
#ifndef QT_NO_SSL
    if (tls) {
        auto *ssl = new QSslSocket;
        ssl->setSslConfiguration(*tls);
        QObject::connect(ssl, &QSslSocket::sslErrors, ssl, [ssl](const QList<QSslError> &errors) {
            qCDebug(lcServerHttp) << "TLS errors from" << ssl->peerAddress() << errors;
        });
        QObject::connect(ssl, &QSslSocket::handshakeInterruptedOnError, ssl,
                         [ssl](const QSslError &error) {
            qCDebug(lcServerHttp) << "TLS handshake with" << ssl->peerAddress() << "failed:" << error;
        });
        socket = ssl;
        secure = true;
    }
#endif
    if (!socket)
        socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcServerHttp) << "cannot adopt an accepted socket:" << socket->errorString();
        delete socket;
        return;
    }
    if (shuttingDown || connections.size() + upgrading.size() >= tuning::kMaxConnections) {
        qCWarning(lcServerHttp) << "refusing a connection from" << socket->peerAddress()
                                << (shuttingDown ? "while shutting down" : "(too many connections)");
        if (!secure) {
            const QByteArray body =
                R"({"errors":[{"errorType":"ServiceUnavailable","message":"Too many connections"}]})";
            socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            socket->disconnectFromHost();
        } else {
            socket->abort();
        }
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
        return;
    }
#ifndef QT_NO_SSL
    if (secure)
        static_cast<QSslSocket *>(socket)->startServerEncryption();
#endif
    auto *connection = new HttpConnection(socket, secure, this);
    connection->setParent(q);
    connections.insert(connection);
    QObject::connect(connection, &HttpConnection::finished, q, [this, connection] {
        connectionFinished(connection);
    });
}

void HttpServerPrivate::connectionFinished(HttpConnection *connection)
{
    if (connections.remove(connection))
        connection->deleteLater();
    checkDrained();
}

void HttpServerPrivate::handOffWebSocket(QTcpSocket *socket, HttpRequest request,
                                         const WebSocketRoute &route)
{
    QWebSocketServer *&server = webSocketServers[route.path];
    if (!server) {
        server = new QWebSocketServer(u"datastore-server"_s, QWebSocketServer::NonSecureMode, q);
        server->setSupportedSubprotocols(route.subprotocols);
        server->setMaxPendingConnections(tuning::kMaxPendingWebSockets);
        const QString path = route.path;
        QObject::connect(server, &QWebSocketServer::newConnection, q, [this, path] {
            takeWebSockets(path);
        });
        QObject::connect(server, &QWebSocketServer::serverError, q,
                         [path](QWebSocketProtocol::CloseCode code) {
            qCDebug(lcServerWs) << "WebSocket handshake on" << path << "failed:" << code;
        });
    }
    qCDebug(lcServerWs) << "upgrading" << request.peerAddress << "on" << route.path;
    const QString key = peerKey(request.peerAddress, request.peerPort);
    upgrading.insert(key, Upgrading{std::move(request), socket});
    QObject::connect(socket, &QObject::destroyed, q, [this, key, socket] {
        const auto it = upgrading.constFind(key);
        if (it != upgrading.cend() && it->socket == socket)
            upgrading.erase(it);
    });
    // The handshake bytes are still unread: QWebSocketServer reads them itself
    // (peek until the blank line), answers 101 with the chosen subprotocol and
    // wraps the socket. For TLS the QSslSocket is already decrypting.
    socket->setParent(server);
    server->handleConnection(socket);
}

void HttpServerPrivate::takeWebSockets(const QString &path)
{
    QWebSocketServer *server = webSocketServers.value(path);
    if (!server)
        return;
    while (server->hasPendingConnections()) {
        QWebSocket *socket = server->nextPendingConnection();
        if (!socket)
            break;
        socket->setMaxAllowedIncomingMessageSize(tuning::kMaxWebSocketMessageBytes);
        socket->setMaxAllowedIncomingFrameSize(tuning::kMaxWebSocketFrameBytes);
        socket->setParent(server);
        HttpRequest request;
        const QString key = peerKey(socket->peerAddress(), socket->peerPort());
        if (const auto it = upgrading.constFind(key); it != upgrading.cend()) {
            request = it->request;
            upgrading.erase(it);
        } else {
            request.method = "GET";
            request.path = socket->requestUrl().path();
            request.peerAddress = socket->peerAddress();
            request.peerPort = socket->peerPort();
        }
        const WebSocketRoute *route = router.webSocketRoute(path);
        if (!route || !route->handler || shuttingDown) {
            socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"Going away"_s);
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        qCDebug(lcServerWs) << "WebSocket on" << path << "from" << socket->peerAddress()
                            << "subprotocol" << socket->subprotocol();
        route->handler->handleWebSocket(socket, request);
        Q_EMIT q->webSocketAccepted(path, socket);
    }
    checkDrained();
}

void HttpServerPrivate::checkDrained()
{
    if (shuttingDown && !drainedEmitted && connections.isEmpty() && upgrading.isEmpty()) {
        shutdownTimer.stop();
        drainedEmitted = true;
        Q_EMIT q->drained();
    }
}

HttpServer::HttpServer(QObject *parent)
    : QObject(parent), d(std::make_unique<HttpServerPrivate>(this))
{
    qRegisterMetaType<QWebSocket *>();  // webSocketAccepted across queued connections
    connect(&d->shutdownTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcServerHttp) << "aborting" << d->connections.size()
                                << "connection(s) still busy at the end of the shutdown grace";
        const QSet<HttpConnection *> open = d->connections;
        for (HttpConnection *connection : open)
            connection->abort();
        d->upgrading.clear();
        d->checkDrained();
    });
}

HttpServer::~HttpServer()
{
    // Connections are children; make sure none calls back into d while dying.
    const QSet<HttpConnection *> open = d->connections;
    d->connections.clear();
    for (HttpConnection *connection : open) {
        connection->disconnect(this);
        delete connection;
    }
}

Router &HttpServer::router()
{
    return d->router;
}

const Router &HttpServer::router() const
{
    return d->router;
}

void HttpServer::setLimits(const HttpLimits &limits)
{
    d->limits = limits;
}

HttpLimits HttpServer::limits() const
{
    return d->limits;
}

void HttpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
#ifndef QT_NO_SSL
    d->tls = configuration;
#else
    Q_UNUSED(configuration);
#endif
}

bool HttpServer::isSecure() const
{
#ifndef QT_NO_SSL
    return d->tls.has_value();
#else
    return false;
#endif
}

QSslConfiguration HttpServer::loadTlsConfiguration(const QString &certificateFile,
                                                   const QString &keyFile, bool *ok,
                                                   QString *errorString)
{
    *ok = false;
#ifdef QT_NO_SSL
    Q_UNUSED(certificateFile);
    Q_UNUSED(keyFile);
    *errorString = u"this build has no TLS support"_s;
    return {};
#else
    if (!QSslSocket::supportsSsl()) {
        *errorString = u"no TLS backend is available (is OpenSSL installed?)"_s;
        return {};
    }
    QFile certFile(certificateFile);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *errorString = u"cannot read %1: %2"_s.arg(certificateFile, certFile.errorString());
        return {};
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.front().isNull()) {
        *errorString = u"%1 holds no PEM certificate"_s.arg(certificateFile);
        return {};
    }
    QFile kf(keyFile);
    if (!kf.open(QIODevice::ReadOnly)) {
        *errorString = u"cannot read %1: %2"_s.arg(keyFile, kf.errorString());
        return {};
    }
    const QByteArray pem = kf.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *errorString = u"%1 holds no unencrypted PEM RSA or EC private key"_s.arg(keyFile);
        return {};
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
    *ok = true;
    return configuration;
#endif
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    if (!d->listener) {
        d->listener = new TcpListener([this](qintptr fd) { d->incomingConnection(fd); }, this);
    }
    if (!d->listener->listen(address, port)) {
        d->errorString = d->listener->errorString();
        return false;
    }
    qCDebug(lcServerHttp) << "listening on" << baseUrl();
    return true;
}

bool HttpServer::isListening() const
{
    return d->listener && d->listener->isListening();
}

QHostAddress HttpServer::serverAddress() const
{
    return d->listener ? d->listener->serverAddress() : QHostAddress();
}

quint16 HttpServer::serverPort() const
{
    return d->listener ? d->listener->serverPort() : 0;
}

QString HttpServer::errorString() const
{
    return d->errorString;
}

QUrl HttpServer::baseUrl() const
{
    QUrl url;
    url.setScheme(isSecure() ? u"https"_s : u"http"_s);
    QHostAddress address = serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(serverPort());
    return url;
}

int HttpServer::connectionCount() const
{
    return int(d->connections.size());
}

void HttpServer::shutdown(std::chrono::milliseconds grace)
{
    if (d->listener)
        d->listener->close();
    if (d->shuttingDown)
        return;
    d->shuttingDown = true;
    d->shutdownTimer.start(grace);
    const QSet<HttpConnection *> open = d->connections;
    for (HttpConnection *connection : open)
        connection->beginShutdown();
    d->checkDrained();
}

} // namespace ds::server
