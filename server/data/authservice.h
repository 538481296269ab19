// AuthService: the server's own user pool.
//
//   POST /auth/signup   {"username","password","email"?}  -> 200 tokens (signed in at once)
//   POST /auth/signin   {"username","password"}           -> 200 tokens
//   POST /auth/refresh  {"refreshToken"}                  -> 200 tokens (new id/access; same refresh)
//   tokens: {"idToken","accessToken","refreshToken","expiresIn" (s),"tokenType":"Bearer","username","sub"}
//
// Errors: 400 BadRequestException (malformed body, username not 1-128 of
// [A-Za-z0-9._@+-]), 400 InvalidPasswordException (password rule: 8-256
// characters, nothing else), 409 UsernameExistsException,
// 401 UnauthorizedException (bad credentials, bad or expired token), all as
// {"errors":[{"errorType","message"}]}.
//
// Storage: the server database (the data plane's SQLite file or PostgreSQL
// database, so every instance on one PostgreSQL database knows every user
// and signs with the same key). "_users"
// (username PRIMARY KEY, sub, email, salt, hash, iterations, groups JSON,
// createdAt); the signing key is "authSigningKey" in "_server_meta".
// Passwords: PBKDF2-HMAC-SHA256, kPbkdf2Iterations, 16-byte random salt.
// Tokens: HS256 JWTs (auth.h) with sub, cognito:username, username,
// cognito:groups, token_use (id / access / refresh), iat, exp, iss.
//
// Threading: create, start and use on the HTTP server's thread; password
// hashing and the user table run on the service's own worker threads (one
// connection each). authenticate() only checks a signature: call it anywhere.
#pragma once

#include "data/auth.h"
#include "data/clock.h"
#include "data/database.h"
#include "http/router.h"

#include <datastore/result.h>

#include <QObject>
#include <QSqlQuery>
#include <QThreadPool>
#include <QThreadStorage>

#include <chrono>
#include <functional>
#include <memory>

namespace ds::server::data {

struct AuthOptions
{
    DatabaseSpec database;
    std::chrono::milliseconds tokenTtl{3600000};
    std::chrono::milliseconds refreshTtl{std::chrono::hours(24 * 30)};
    QString adminGroup;                      // --admin-group: members pass every @auth rule
    QHash<QString, QStringList> extraGroups; // --user-group USER=GROUP
    int pbkdf2Iterations = 100000;           // auth_tuning::kPbkdf2Iterations
};

class AuthService final : public QObject
{
    Q_OBJECT
public:
    AuthService(AuthOptions options, std::shared_ptr<const Clock> clock, QObject *parent = nullptr);
    ~AuthService() override;

    // Creates "_users", reads (or makes) the signing key.
    Result<void> start();

    // /auth/signup, /auth/signin, /auth/refresh.
    void addRoutes(Router &router);

    // An Authorization header value ("<jwt>" or "Bearer <jwt>") -> the user,
    // or nullopt with the 401 message in *why. Accepts id and access tokens.
    std::optional<Caller> authenticate(QByteArrayView authorization, QString *why) const;

    const AuthOptions &options() const { return m_options; }

private:
    struct Reply
    {
        int status = 200;
        QJsonObject body;
    };
    struct Connection;
    QString connection();
    // Runs sql with values on this thread's connection; when the connection
    // broke (PostgreSQL restarted), reconnects and runs it once more.
    QSqlQuery execute(const QString &sql, const QVariantList &values, bool *ok);
    Reply signup(const QJsonObject &request);
    Reply signin(const QJsonObject &request);
    Reply refresh(const QJsonObject &request);
    Reply issue(const QString &username, const QString &sub, const QString &email, const QStringList &groups,
                const QByteArray &refreshToken = {});
    void run(const HttpRequest &request, HttpResponder responder, Reply (AuthService::*method)(const QJsonObject &));

    AuthOptions m_options;
    std::shared_ptr<const Clock> m_clock;
    TokenCodec m_tokens;
    QThreadStorage<Connection *> m_connections;   // before m_pool: outlives its threads
    QThreadPool m_pool;
};

} // namespace ds::server::data
