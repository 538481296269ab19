// notes::AuthClient: the server's user pool over HTTP (datastore-server's
// POST /auth/signup, /auth/signin and /auth/refresh, Cognito-like JWTs).
// The base URL derives from the GraphQL endpoint the app syncs with:
// https://host:port/graphql -> https://host:port/auth/...
//
// notes::TokenCache holds the current ID token for the store's
// SyncConfiguration::tokenProvider, which runs on the store's worker thread.
//
// Threading: AuthClient on the GUI thread (its futures resolve there);
// TokenCache from any thread.
#pragma once

#include <datastore/result.h>

#include <QFuture>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

namespace notes {

// What a successful sign up, sign in or refresh gives.
struct AuthTokens
{
    QString username;
    QString sub;
    QString idToken;
    QString accessToken;
    QString refreshToken;
    std::chrono::seconds expiresIn{0};   // lifetime of the ID and access tokens
};

class AuthClient : public QObject
{
    Q_OBJECT

public:
    explicit AuthClient(QObject *parent = nullptr);

    // The server's root (scheme, host, port and any path prefix before /graphql).
    static QUrl baseUrlFor(const QUrl &graphqlEndpoint);

    void setBaseUrl(const QUrl &url) { m_baseUrl = url; }
    QUrl baseUrl() const { return m_baseUrl; }
    // Extra trusted CA certificates (PEM) for a self-signed server.
    void setCaCertificateFile(const QString &file);

    // Errors: Domain::Auth with the server's errorType as code
    // (UsernameExistsException, InvalidPasswordException,
    // UnauthorizedException, BadRequestException), or Domain::Network
    // (transient) when the server cannot be reached.
    QFuture<ds::Result<AuthTokens>> signUp(const QString &username, const QString &password,
                                           const QString &email = QString());
    QFuture<ds::Result<AuthTokens>> signIn(const QString &username, const QString &password);
    QFuture<ds::Result<AuthTokens>> refresh(const QString &refreshToken);

private:
    QFuture<ds::Result<AuthTokens>> post(const QString &path, const QJsonObject &body);

    QNetworkAccessManager m_network;
    QUrl m_baseUrl;
    QSslConfiguration m_ssl;
};

// The ID token the sync engine sends; empty when nobody is signed in.
class TokenCache
{
public:
    QString token() const
    {
        QMutexLocker lock(&m_mutex);
        return m_token;
    }
    void setToken(const QString &token)
    {
        QMutexLocker lock(&m_mutex);
        m_token = token;
    }
    // A provider for SyncConfiguration::tokenProvider; it keeps the cache alive.
    static std::function<QString()> providerOf(const std::shared_ptr<TokenCache> &cache)
    {
        return [cache] { return cache->token(); };
    }

private:
    mutable QMutex m_mutex;
    QString m_token;
};

} // namespace notes
