#include "http/httpconnection_p.h"

#include "http/httpserver_p.h"
#include "http/logging_p.h"
#include "http/tuning_p.h"

#include <QDateTime>
#include <QLocale>
#include <QScopedValueRollback>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace ds::server {

namespace {

QString errorTypeFor(int status)
{
    switch (status) {
    case 400: return u"BadRequestException"_s;
    case 404: return u"NotFound"_s;
    case 405: return u"MethodNotAllowed"_s;
    case 408: return u"RequestTimeout"_s;
    case 411: return u"LengthRequired"_s;
    case 413: return u"PayloadTooLarge"_s;
    case 417: return u"ExpectationFailed"_s;
    case 426: return u"UpgradeRequired"_s;
    case 431: return u"RequestHeaderFieldsTooLarge"_s;
    case 501: return u"NotImplemented"_s;
    case 503: return u"ServiceUnavailable"_s;
    case 505: return u"HttpVersionNotSupported"_s;
    default: return status >= 500 ? u"InternalFailure"_s : u"BadRequestException"_s;
    }
}

QByteArray httpDate()
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc(), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s)
        .toLatin1();
}

// "content-type" -> "Content-Type" (names are stored in lower case).
QByteArray canonicalName(QByteArray name)
{
    bool upper = true;
    for (char &c : name) {
        if (upper && c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        upper = c == '-';
    }
    return name;
}

QByteArray joined(const QList<QByteArray> &list)
{
    QByteArray out;
    for (const QByteArray &item : list) {
        if (!out.isEmpty())
            out += ", ";
        out += item;
    }
    return out;
}

constexpr QByteArrayView kCorsAllowHeaders =
    "x-api-key, authorization, content-type, x-amz-user-agent, x-amz-date, x-amz-security-token";

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, bool secure, HttpServerPrivate *server)
    : m_socket(socket), m_server(server), m_secure(secure)
{
    m_socket->setParent(this);
    // Bounds what a client can make us buffer; the head must fit for peek().
    m_socket->setReadBufferSize(qMax<qint64>(2 * m_server->limits.maxHeaderBytes, 64 * 1024));
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::process);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::finish);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcServerHttp) << "connection error:" << m_socket->errorString();
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            finish();
    });
    armTimer(tuning::kIdleTimeout);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState
        && m_state != State::Closing && m_state != State::Done;
}

void HttpConnection::armTimer(std::chrono::milliseconds timeout)
{
    m_timer.start(timeout);
}

void HttpConnection::scheduleProcess()
{
    if (m_processScheduled)
        return;
    m_processScheduled = true;
    QMetaObject::invokeMethod(this, [this] {
        m_processScheduled = false;
        process();
    }, Qt::QueuedConnection);
}

void HttpConnection::process()
{
    if (m_processing)
        return;
    QScopedValueRollback guard(m_processing, true);
    while (m_socket) {
        switch (m_state) {
        case State::Idle:
        case State::ReadingHead:
            if (!readHead())
                return;
            break;
        case State::ReadingBody:
            if (!readBody())
                return;
            break;
        case State::Lingering:
            m_socket->skip(m_socket->bytesAvailable());
            return;
        case State::Handling:
        case State::Closing:
        case State::HandedOff:
        case State::Done:
            return;
        }
    }
}

bool HttpConnection::readHead()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return false;
    if (m_state == State::Idle) {
        if (m_shuttingDown) {
            closeGracefully();
            return false;
        }
        m_state = State::ReadingHead;
        armTimer(tuning::kHeaderTimeout);
    }
    const HttpLimits &limits = m_server->limits;
    const QByteArray head = m_socket->peek(qMin<qint64>(available, limits.maxHeaderBytes + 4));
    const HttpHeadParse parse = parseRequestHead(head, limits, &m_request);
    if (parse.status == HttpHeadParse::Incomplete)
        return false;
    if (parse.status == HttpHeadParse::Failed) {
        qCDebug(lcServerHttp) << "bad request from" << m_socket->peerAddress() << parse.errorStatus
                              << parse.errorMessage;
        const bool bodyMayFollow = parse.errorStatus == 413 || parse.errorStatus == 411
            || parse.errorStatus == 501 || parse.errorStatus == 417;
        fail(parse.errorStatus, parse.errorMessage, bodyMayFollow);
        return false;
    }
    m_request.peerAddress = m_socket->peerAddress();
    m_request.peerPort = m_socket->peerPort();
    m_request.secure = m_secure;
    m_request.body.clear();

    if (m_request.isWebSocketUpgrade()) {
        if (const WebSocketRoute *route = m_server->router.webSocketRoute(m_request.path)) {
            if (m_request.headers.value("sec-websocket-version") != "13") {
                HttpResponse response = HttpResponse::error(
                    426, errorTypeFor(426), u"Only WebSocket version 13 is supported"_s);
                response.headers.set("sec-websocket-version", "13");
                m_socket->skip(parse.headSize);
                m_state = State::Handling;
                m_keepAlive = false;
                sendResponse(m_serial, std::move(response));
                return false;
            }
            QString problem;
            if (m_request.headers.value("sec-websocket-key").isEmpty())
                problem = u"Sec-WebSocket-Key is missing"_s;
            else if (parse.contentLength != 0)
                problem = u"An upgrade request has no body"_s;
            else if (!head.first(parse.headSize).endsWith("\r\n\r\n"))
                problem = u"Upgrade request lines must end with CRLF"_s;
            if (problem.isEmpty() && route->subprotocolRequired) {
                const QList<QByteArray> offered = m_request.headers.listValues("sec-websocket-protocol");
                const bool match = std::any_of(offered.cbegin(), offered.cend(), [route](const QByteArray &p) {
                    return route->subprotocols.contains(QString::fromLatin1(p));
                });
                if (!match) {
                    problem = u"Offer one of these WebSocket subprotocols: %1"_s
                                  .arg(route->subprotocols.join(u", "));
                }
            }
            if (!problem.isEmpty()) {
                fail(400, problem, false);
                return false;
            }
            m_state = State::HandedOff;
            m_timer.stop();
            QTcpSocket *socket = m_socket;
            m_socket = nullptr;
            disconnect(socket, nullptr, this, nullptr);
            socket->setReadBufferSize(0);
            m_server->handOffWebSocket(socket, std::move(m_request), *route);
            finish();
            return false;
        }
    }

    m_socket->skip(parse.headSize);
    m_bodyRemaining = parse.contentLength;
    if (m_bodyRemaining == 0) {
        dispatch();
        return true;
    }
    if (parse.expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_request.body.reserve(m_bodyRemaining);
    m_state = State::ReadingBody;
    armTimer(tuning::kBodyIdleTimeout);
    return true;
}

bool HttpConnection::readBody()
{
    const QByteArray chunk = m_socket->read(m_bodyRemaining);
    if (chunk.isEmpty())
        return false;
    m_request.body += chunk;
    m_bodyRemaining -= chunk.size();
    if (m_bodyRemaining > 0) {
        armTimer(tuning::kBodyIdleTimeout);
        return false;
    }
    dispatch();
    return true;
}

void HttpConnection::dispatch()
{
    m_state = State::Handling;
    ++m_serial;
    armTimer(tuning::kResponseTimeout);
    m_keepAlive = m_request.isKeepAlive();
    m_headRequest = m_request.method == "HEAD";
    const HttpRequest request = std::move(m_request);
    m_request = HttpRequest();

    qCDebug(lcServerHttp).noquote() << request.peerAddress.toString() << request.method
                                    << request.target;

    const Router::Match match = m_server->router.match(request.method, request.path);
    if (!match.handler) {
        HttpResponse response;
        if (request.method == "OPTIONS" && (match.pathKnown || request.path == u"*")) {
            // CORS preflight, or a plain OPTIONS: what the path allows.
            QList<QByteArray> methods = match.allowedMethods;
            methods.append("OPTIONS");
            response.status = 204;
            response.headers.set("allow", joined(methods));
            if (request.headers.contains("origin")
                && request.headers.contains("access-control-request-method")) {
                response.headers.set("access-control-allow-methods", joined(methods));
                response.headers.set("access-control-allow-headers", kCorsAllowHeaders);
                response.headers.set("access-control-max-age",
                                     QByteArray::number(tuning::kCorsMaxAgeSeconds));
            }
        } else if (!match.pathKnown) {
            response = HttpResponse::error(404, errorTypeFor(404),
                                           u"No route for %1"_s.arg(request.path));
        } else if (match.webSocketPath && request.method == "GET") {
            response = HttpResponse::error(426, errorTypeFor(426),
                                           u"%1 is a WebSocket endpoint; upgrade to websocket"_s
                                               .arg(request.path));
            response.headers.set("upgrade", "websocket");
        } else {
            response = HttpResponse::error(405, errorTypeFor(405),
                                           u"%1 does not allow %2"_s.arg(
                                               request.path, QString::fromLatin1(request.method)));
            QList<QByteArray> methods = match.allowedMethods;
            methods.append("OPTIONS");
            response.headers.set("allow", joined(methods));
        }
        sendResponse(m_serial, std::move(response));
        return;
    }

    auto state = std::make_shared<detail::ResponderState>();
    state->connection = this;
    state->serial = m_serial;
    match.handler->handle(request, HttpResponder(std::move(state)));
}

void HttpConnection::sendResponse(quint64 serial, HttpResponse response)
{
    if (!m_socket || m_state != State::Handling || serial != m_serial) {
        qCDebug(lcServerHttp) << "answer to a request that is no longer open is dropped";
        return;
    }
    const bool close = !m_keepAlive || m_shuttingDown
        || response.headers.hasToken("connection", "close");
    writeResponse(response, close);
    if (close) {
        closeGracefully();
        return;
    }
    m_state = State::Idle;
    armTimer(tuning::kIdleTimeout);
    if (m_socket->bytesAvailable() > 0)
        scheduleProcess();
}

void HttpConnection::writeResponse(const HttpResponse &response, bool close)
{
    QByteArray out;
    out.reserve(256 + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' '
        + httpReasonPhrase(response.status) + "\r\n";
    out += "Server: datastore-server\r\nDate: " + httpDate() + "\r\n";
    const bool bodyless = response.status == 204 || response.status == 304
        || (response.status >= 100 && response.status < 200);
    if (!bodyless)
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += close ? QByteArrayView("Connection: close\r\n") : QByteArrayView("Connection: keep-alive\r\n");
    if (!response.headers.contains("access-control-allow-origin"))
        out += "Access-Control-Allow-Origin: *\r\n";
    for (const HttpHeader &h : response.headers) {
        if (h.name == "content-length" || h.name == "connection")
            continue;
        out += canonicalName(h.name) + ": " + h.value + "\r\n";
    }
    out += "\r\n";
    if (!bodyless && !m_headRequest)
        out += response.body;
    m_headRequest = false;
    m_socket->write(out);
}

void HttpConnection::fail(int status, const QString &message, bool linger)
{
    m_state = State::Handling;  // so that sendResponse's bookkeeping applies
    m_headRequest = false;
    m_keepAlive = false;
    m_request = HttpRequest();
    writeResponse(HttpResponse::error(status, errorTypeFor(status), message), true);
    m_socket->skip(m_socket->bytesAvailable());
    if (linger) {
        // The client may still be sending the body we refused; read and drop it
        // for a moment so that it gets our answer rather than a reset.
        m_state = State::Lingering;
        armTimer(tuning::kLingerTimeout);
        return;
    }
    closeGracefully();
}

void HttpConnection::closeGracefully()
{
    if (!m_socket)
        return;
    m_state = State::Closing;
    armTimer(tuning::kLingerTimeout * 5);  // a peer that never reads our answer
    m_socket->disconnectFromHost();
    if (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
        finish();
}

void HttpConnection::onTimeout()
{
    if (!m_socket)
        return;
    switch (m_state) {
    case State::Idle:
        qCDebug(lcServerHttp) << "closing idle connection";
        closeGracefully();
        break;
    case State::ReadingHead:
    case State::ReadingBody:
        fail(408, u"The request took too long to arrive"_s, false);
        break;
    case State::Handling:
        qCWarning(lcServerHttp) << "handler did not answer in time";
        m_keepAlive = false;
        sendResponse(m_serial, HttpResponse::error(503, errorTypeFor(503),
                                                   u"The request timed out"_s));
        break;
    case State::Lingering:
        closeGracefully();
        break;
    case State::Closing:
        abort();
        break;
    case State::HandedOff:
    case State::Done:
        break;
    }
}

void HttpConnection::beginShutdown()
{
    m_shuttingDown = true;
    if (m_state == State::Idle || m_state == State::ReadingHead || m_state == State::ReadingBody)
        closeGracefully();
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
    finish();
}

void HttpConnection::finish()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    m_timer.stop();
    Q_EMIT finished();
}

} // namespace ds::server
