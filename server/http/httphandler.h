// What routes point at: HTTP handlers answering through an HttpResponder, and
// WebSocket handlers taking upgraded sockets.
//
// Threading: everything here lives on the HttpServer's thread. A responder may
// be stored and completed later (asynchronously), but only on that thread.
#pragma once

#include "http/httpresponse.h"

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace ds::server {

namespace detail {
struct ResponderState;
}

// The one way to answer a request. Copies share one state: the first respond()
// wins, later ones are ignored with a warning. If every copy is dropped without
// an answer, a 500 is sent so that the client never hangs. Responding after the
// client went away is harmless (isConnected() tells).
class HttpResponder
{
public:
    HttpResponder() = default;
    explicit HttpResponder(std::shared_ptr<detail::ResponderState> state);

    void respond(HttpResponse response);
    void respond(int status, const QJsonObject &json);
    void respondError(int status, const QString &errorType, const QString &message);

    // Not answered yet.
    bool isPending() const;
    // The connection the request came in on is still open.
    bool isConnected() const;

private:
    std::shared_ptr<detail::ResponderState> d;
};

class HttpHandler
{
public:
    virtual ~HttpHandler() = default;
    virtual void handle(const HttpRequest &request, HttpResponder responder) = 0;
};

using HttpHandlerFunction = std::function<void(const HttpRequest &, HttpResponder)>;

// Adapts a function to HttpHandler.
class FunctionHttpHandler final : public HttpHandler
{
public:
    explicit FunctionHttpHandler(HttpHandlerFunction function) : m_function(std::move(function)) {}
    void handle(const HttpRequest &request, HttpResponder responder) override
    {
        m_function(request, std::move(responder));
    }

private:
    HttpHandlerFunction m_function;
};

// Takes a WebSocket that completed its opening handshake on a registered path.
// socket->request() holds the upgrade request's URL and headers (for example the
// offered Sec-WebSocket-Protocol values such as header-<base64url auth>),
// socket->subprotocol() the one selected. upgradeRequest is our own parse of the
// same request (peer, secure). The socket is a child of the HttpServer's
// internals: reparent it or deleteLater() it when done with it.
class WebSocketHandler
{
public:
    virtual ~WebSocketHandler() = default;
    virtual void handleWebSocket(QWebSocket *socket, const HttpRequest &upgradeRequest) = 0;
};

using WebSocketHandlerFunction = std::function<void(QWebSocket *, const HttpRequest &)>;

class FunctionWebSocketHandler final : public WebSocketHandler
{
public:
    explicit FunctionWebSocketHandler(WebSocketHandlerFunction function)
        : m_function(std::move(function)) {}
    void handleWebSocket(QWebSocket *socket, const HttpRequest &upgradeRequest) override
    {
        m_function(socket, upgradeRequest);
    }

private:
    WebSocketHandlerFunction m_function;
};

} // namespace ds::server
