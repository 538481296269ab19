#include "http/router.h"

namespace ds::server {

void Router::addRoute(QByteArrayView method, const QString &path, std::shared_ptr<HttpHandler> handler)
{
    PathRoutes &routes = m_routes[path];
    for (auto &entry : routes.methods) {
        if (entry.first == method) {
            entry.second = std::move(handler);
            return;
        }
    }
    routes.methods.append({method.toByteArray(), std::move(handler)});
}

void Router::addRoute(QByteArrayView method, const QString &path, HttpHandlerFunction function)
{
    addRoute(method, path, std::make_shared<FunctionHttpHandler>(std::move(function)));
}

void Router::addWebSocketRoute(WebSocketRoute route)
{
    const QString path = route.path;
    m_webSocketRoutes.insert(path, std::move(route));
}

void Router::addWebSocketRoute(const QString &path, const QStringList &subprotocols,
                               WebSocketHandlerFunction function)
{
    WebSocketRoute route;
    route.path = path;
    route.subprotocols = subprotocols;
    route.subprotocolRequired = !subprotocols.isEmpty();
    route.handler = std::make_shared<FunctionWebSocketHandler>(std::move(function));
    addWebSocketRoute(std::move(route));
}

Router::Match Router::match(QByteArrayView method, const QString &path) const
{
    Match result;
    result.webSocketPath = m_webSocketRoutes.contains(path);
    const auto it = m_routes.constFind(path);
    if (it == m_routes.cend()) {
        result.pathKnown = result.webSocketPath;
        if (result.webSocketPath)
            result.allowedMethods = {QByteArray("GET")};
        return result;
    }
    result.pathKnown = true;
    HttpHandler *get = nullptr;
    for (const auto &entry : it->methods) {
        result.allowedMethods.append(entry.first);
        if (entry.first == method)
            result.handler = entry.second.get();
        if (entry.first == "GET")
            get = entry.second.get();
    }
    if (get && !result.allowedMethods.contains("HEAD"))
        result.allowedMethods.append("HEAD");
    if (!result.handler && method == "HEAD")
        result.handler = get;
    return result;
}

const WebSocketRoute *Router::webSocketRoute(const QString &path) const
{
    const auto it = m_webSocketRoutes.constFind(path);
    return it == m_webSocketRoutes.cend() ? nullptr : &it.value();
}

} // namespace ds::server
