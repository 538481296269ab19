// The route table: (method, path) -> HttpHandler, path -> WebSocket route.
// It only maps; handlers live elsewhere (STYLE rule 12). Paths match exactly
// after percent-decoding.
#pragma once

#include "http/httphandler.h"

#include <QHash>
#include <QStringList>

namespace ds::server {

struct WebSocketRoute
{
    QString path;
    // Offered by the server in this order of preference (e.g. {"graphql-ws"}).
    QStringList subprotocols;
    // Refuse (400) upgrade requests that offer none of subprotocols.
    bool subprotocolRequired = true;
    std::shared_ptr<WebSocketHandler> handler;
};

class Router
{
public:
    void addRoute(QByteArrayView method, const QString &path, std::shared_ptr<HttpHandler> handler);
    void addRoute(QByteArrayView method, const QString &path, HttpHandlerFunction function);
    void addWebSocketRoute(WebSocketRoute route);
    void addWebSocketRoute(const QString &path, const QStringList &subprotocols,
                           WebSocketHandlerFunction function);

    struct Match
    {
        HttpHandler *handler = nullptr;  // null: 404 or 405
        bool pathKnown = false;          // some route (HTTP or WebSocket) has this path
        bool webSocketPath = false;
        QList<QByteArray> allowedMethods;  // for Allow and CORS preflight answers
    };
    // HEAD falls back to GET (the body is dropped on the wire).
    Match match(QByteArrayView method, const QString &path) const;
    const WebSocketRoute *webSocketRoute(const QString &path) const;
    QList<WebSocketRoute> webSocketRoutes() const { return m_webSocketRoutes.values(); }

private:
    struct PathRoutes
    {
        QList<QPair<QByteArray, std::shared_ptr<HttpHandler>>> methods;
    };
    QHash<QString, PathRoutes> m_routes;
    QHash<QString, WebSocketRoute> m_webSocketRoutes;
};

} // namespace ds::server
