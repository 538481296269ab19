// ds::server::RealtimeHub: the AppSync realtime WebSocket endpoint
// (/graphql/realtime, subprotocol graphql-ws; PROTOCOL.md section 5) and the
// fan-out of committed changes to subscriptions (section 2.6).
//
//   auto hub = std::make_shared<RealtimeHub>(engine, modelSchema, &changeFeed,
//                                            RealtimeHub::apiKeyAuthenticator(keys));
//   router.addWebSocketRoute(hub->route());
//
// Handshake auth: the `header-<base64url JSON>` subprotocol entry (current
// amplify-js), `?header=<base64 JSON>&payload=e30=` (older amplify-js) or the
// upgrade request's own headers (amplify-android); each start message's
// payload.extensions.authorization is checked again. Subscriptions are
// indexed by the mutation fields of their @aws_subscribe; an event is
// filtered and serialized once per group of identical subscriptions (same
// document, variables and injected owner) and the frame is sent to each.
//
// Threading: lives on the HttpServer's thread; the ChangeFeed delivers there.
#pragma once

#include "http/httphandler.h"
#include "http/router.h"
#include "realtime/tuning_p.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace ds {
class Schema;
}

namespace ds::server {

struct ServerChange;
class ChangeFeed;

namespace graphql {
class Engine;
}

// The verdict on one set of auth headers ({"host","x-api-key"} or
// {"host","Authorization"}, as in the handshake and in start messages).
struct RealtimeAuthResult
{
    enum class Provider { ApiKey, UserPools, Oidc, Lambda, Iam };

    bool ok = false;
    Provider provider = Provider::ApiKey;
    // The caller's identity for owner rules (e.g. the username claim); empty for API keys.
    QString identity;
    // Other identity values an owner field may hold (e.g. sub, "sub::username").
    QStringList identityAliases;
    // The token's claims (groups rules read their groupClaim from them) and
    // whether the caller is an administrator (every rule passes).
    QJsonObject claims;
    bool admin = false;
    // On failure: AppSync's errorType and message, and the errorCode of connection_error.
    QString errorType = QStringLiteral("UnauthorizedException");
    QString message = QStringLiteral("You are not authorized to make this call.");
    int errorCode = 401;

    static RealtimeAuthResult allowed(Provider provider, QString identity = {})
    {
        RealtimeAuthResult r;
        r.ok = true;
        r.provider = provider;
        r.identity = std::move(identity);
        return r;
    }
    static RealtimeAuthResult denied() { return {}; }
};

using RealtimeAuthenticator = std::function<RealtimeAuthResult(const QJsonObject &authHeaders)>;

struct RealtimeOptions
{
    std::chrono::milliseconds keepAliveInterval = realtime::tuning::kKeepAliveInterval;
    std::chrono::milliseconds connectionInitTimeout = realtime::tuning::kConnectionInitTimeout;
    int maxSubscriptionsPerConnection = realtime::tuning::kMaxSubscriptionsPerConnection;
    int maxConnections = realtime::tuning::kMaxConnections;
    qsizetype maxMessageBytes = realtime::tuning::kMaxMessageBytes;
};

class RealtimeHubPrivate;

class RealtimeHub final : public QObject, public WebSocketHandler
{
    Q_OBJECT
public:
    // engine and modelSchema must outlive the hub; feed may be null (then
    // call deliver() directly).
    RealtimeHub(const graphql::Engine &engine, const ds::Schema &modelSchema, ChangeFeed *feed,
                RealtimeAuthenticator authenticator, RealtimeOptions options = {},
                QObject *parent = nullptr);
    ~RealtimeHub() override;

    // Accepts an API key listed in keys (x-api-key); anything else is refused.
    static RealtimeAuthenticator apiKeyAuthenticator(const QStringList &keys);

    // /graphql/realtime with graphql-ws, handled by this hub (which must be
    // owned by a shared_ptr, as the route keeps one).
    static WebSocketRoute route(const std::shared_ptr<RealtimeHub> &hub,
                                const QString &path = QStringLiteral("/graphql/realtime"));

    void handleWebSocket(QWebSocket *socket, const HttpRequest &upgradeRequest) override;

    // Fans one committed change out (connected to ChangeFeed::published).
    void deliver(const ds::server::ServerChange &change);

    // Closes every socket with 1001 going away (server shutdown).
    void closeAll();
    bool hasOpenSockets() const;
    int connectionCount() const;
    int subscriptionCount() const;

    struct Stats
    {
        quint64 changes = 0;     // changes delivered through deliver()
        quint64 frames = 0;      // data frames sent
        quint64 serializations = 0;  // executeEvent calls
    };
    Stats stats() const;

private:
    std::unique_ptr<RealtimeHubPrivate> d;
};

} // namespace ds::server
