#include "data/authservice.h"
#include "http/constanttime.h"

#include "data/auth_tuning_p.h"
#include "data/tuning_p.h"

#include <QAtomicInt>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QMetaObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServerAuth, "server.auth", QtInfoMsg)

namespace ds::server::data {

namespace {

QAtomicInt s_connectionCounter;

const QString kUnauthorized = u"UnauthorizedException"_s;
const QString kBadRequest = u"BadRequestException"_s;

QJsonObject errorBody(const QString &errorType, const QString &message)
{
    return QJsonObject{{u"errors"_s, QJsonArray{QJsonObject{{u"errorType"_s, errorType}, {u"message"_s, message}}}}};
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator *rng = QRandomGenerator::system();
    for (int i = 0; i < count; ++i)
        bytes[i] = char(rng->bounded(256));
    return bytes;
}

// PBKDF2-HMAC-SHA256 (RFC 8018), one 32-byte block.
QByteArray pbkdf2(const QByteArray &password, const QByteArray &salt, int iterations)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, password);
    mac.addData(salt);
    mac.addData(QByteArray("\x00\x00\x00\x01", 4));
    QByteArray u = mac.result();
    QByteArray result = u;
    for (int i = 1; i < iterations; ++i) {
        mac.reset();
        mac.addData(u);
        u = mac.result();
        for (qsizetype j = 0; j < result.size(); ++j)
            result[j] = char(result[j] ^ u[j]);
    }
    return result;
}

QString sqlError(const QSqlQuery &q)
{
    return q.lastError().text();
}

} // namespace

struct AuthService::Connection
{
    QString name;
    ~Connection() { removeConnection(name); }
};

AuthService::AuthService(AuthOptions options, std::shared_ptr<const Clock> clock, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_clock(std::move(clock))
{
    m_pool.setMaxThreadCount(auth_tuning::kAuthWorkerThreads);
    m_pool.setExpiryTimeout(-1);
}

AuthService::~AuthService()
{
    m_pool.waitForDone();
}

QString AuthService::connection()
{
    if (!m_connections.hasLocalData()) {
        auto *c = new Connection;
        c->name = u"server.auth."_s % QString::number(s_connectionCounter.fetchAndAddRelaxed(1));
        const QSqlDatabase db = m_options.database.openConnection(c->name);
        if (!db.isOpen())
            qCWarning(lcServerAuth).noquote() << "cannot open" << m_options.database.displayName()
                                              << db.lastError().text();
        m_connections.setLocalData(c);
    }
    return m_connections.localData()->name;
}

QSqlQuery AuthService::execute(const QString &sql, const QVariantList &values, bool *ok)
{
    for (int attempt = 0;; ++attempt) {
        QSqlQuery q(QSqlDatabase::database(connection(), false));
        q.prepare(sql);
        for (const QVariant &v : values)
            q.addBindValue(v);
        *ok = q.exec();
        // 08xxx connection exceptions, 57Pxx shutdown, no state: libpq lost it.
        const QString state = q.lastError().nativeErrorCode();
        const bool lost = state.isEmpty() || state.startsWith(u"08") || state.startsWith(u"57P");
        if (*ok || attempt > 0 || !m_options.database.isPostgres() || !lost)
            return q;
        qCWarning(lcServerAuth).noquote() << "user store connection lost, reconnecting:" << sqlError(q);
        q = QSqlQuery();                       // before its connection goes
        m_connections.setLocalData(nullptr);   // closes it; connection() opens a new one
    }
}

Result<void> AuthService::start()
{
    auto failure = [](const QString &message) {
        return Error(Error::Domain::Storage, u"AuthStorage"_s, message);
    };
    Connection c;
    c.name = u"server.auth.start"_s;
    QSqlDatabase db = m_options.database.openConnection(c.name);
    if (!db.isOpen())
        return failure(db.lastError().text());
    QSqlQuery q(db);
    // PostgreSQL: bytea for blobs, bigint for milliseconds; instances that
    // start together create the tables one after the other.
    const bool pg = m_options.database.isPostgres();
    const QString blob = pg ? u"BYTEA"_s : u"BLOB"_s;
    QStringList statements;
    if (pg)
        statements << u"BEGIN"_s << u"SELECT pg_advisory_xact_lock(%1)"_s.arg(tuning::kPgWriteLockKey);
    statements << u"CREATE TABLE IF NOT EXISTS \"_server_meta\" (\"key\" TEXT PRIMARY KEY, \"value\" "_s % blob % u')'
               << u"CREATE TABLE IF NOT EXISTS \"_users\" (\"username\" TEXT PRIMARY KEY, \"sub\" TEXT NOT NULL UNIQUE,"
                  " \"email\" TEXT, \"salt\" "_s % blob % u" NOT NULL, \"hash\" "_s % blob
                      % u" NOT NULL, \"iterations\" INTEGER NOT NULL, \"groups\" TEXT NOT NULL DEFAULT '[]',"
                        " \"createdAt\" "_s % (pg ? u"BIGINT"_s : u"INTEGER"_s) % u" NOT NULL)"_s;
    for (const QString &sql : std::as_const(statements)) {
        if (!q.exec(sql))
            return failure(sqlError(q));
    }
    q.prepare(u"INSERT INTO \"_server_meta\" (\"key\", \"value\") VALUES ('authSigningKey', ?)"
              " ON CONFLICT DO NOTHING"_s);
    q.addBindValue(randomBytes(auth_tuning::kSigningKeyBytes));
    if (!q.exec())
        return failure(sqlError(q));
    if (pg && !q.exec(u"COMMIT"_s))
        return failure(sqlError(q));
    if (!q.exec(u"SELECT \"value\" FROM \"_server_meta\" WHERE \"key\" = 'authSigningKey'"_s) || !q.next())
        return failure(sqlError(q));
    const QByteArray key = q.value(0).toByteArray();
    if (key.size() < auth_tuning::kSigningKeyBytes)
        return failure(u"the stored token signing key is too short"_s);
    m_tokens = TokenCodec(key);
    q.finish();
    q = QSqlQuery();
    db = QSqlDatabase();
    return {};
}

std::optional<Caller> AuthService::authenticate(QByteArrayView authorization, QString *why) const
{
    const QByteArray token = tokenFromAuthorization(authorization);
    const std::optional<QJsonObject> claims = m_tokens.verify(token, m_clock->nowMs() / 1000, why);
    if (!claims)
        return std::nullopt;
    const QString use = claims->value(u"token_use"_s).toString();
    if (use != u"id" && use != u"access") {
        if (why)
            *why = u"Invalid token: not an id or access token"_s;
        return std::nullopt;
    }
    Caller caller;
    caller.kind = Caller::Kind::User;
    caller.claims = *claims;
    caller.sub = claims->value(u"sub"_s).toString();
    caller.username = claims->value(u"cognito:username"_s).toString(claims->value(u"username"_s).toString());
    const QJsonArray groups = claims->value(u"cognito:groups"_s).toArray();
    for (const QJsonValue &g : groups)
        caller.groups.append(g.toString());
    caller.admin = !m_options.adminGroup.isEmpty() && caller.groups.contains(m_options.adminGroup);
    if (caller.username.isEmpty() || caller.sub.isEmpty()) {
        if (why)
            *why = u"Invalid token: no subject"_s;
        return std::nullopt;
    }
    return caller;
}

void AuthService::addRoutes(Router &router)
{
    router.addRoute("POST", u"/auth/signup"_s, [this](const HttpRequest &request, HttpResponder responder) {
        run(request, std::move(responder), &AuthService::signup);
    });
    router.addRoute("POST", u"/auth/signin"_s, [this](const HttpRequest &request, HttpResponder responder) {
        run(request, std::move(responder), &AuthService::signin);
    });
    router.addRoute("POST", u"/auth/refresh"_s, [this](const HttpRequest &request, HttpResponder responder) {
        run(request, std::move(responder), &AuthService::refresh);
    });
}

void AuthService::run(const HttpRequest &request, HttpResponder responder,
                      Reply (AuthService::*method)(const QJsonObject &))
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        responder.respond(400, errorBody(kBadRequest, u"The request body must be a JSON object"_s));
        return;
    }
    m_pool.start([this, method, body = document.object(), responder]() mutable {
        Reply reply = (this->*method)(body);
        QMetaObject::invokeMethod(
            this, [responder, reply = std::move(reply)]() mutable { responder.respond(reply.status, reply.body); },
            Qt::QueuedConnection);
    });
}

AuthService::Reply AuthService::issue(const QString &username, const QString &sub, const QString &email,
                                      const QStringList &storedGroups, const QByteArray &refreshToken)
{
    QStringList groups = storedGroups;
    groups += m_options.extraGroups.value(username);
    groups.removeDuplicates();
    const qint64 now = m_clock->nowMs() / 1000;
    const qint64 ttl = qMax<qint64>(1, m_options.tokenTtl.count() / 1000);
    QJsonObject claims{{u"sub"_s, sub},
                       {u"cognito:username"_s, username},
                       {u"username"_s, username},
                       {u"cognito:groups"_s, QJsonArray::fromStringList(groups)},
                       {u"iss"_s, u"datastore-server"_s},
                       {u"iat"_s, now},
                       {u"auth_time"_s, now},
                       {u"exp"_s, now + ttl}};
    QJsonObject idClaims = claims;
    idClaims.insert(u"token_use"_s, u"id"_s);
    if (!email.isEmpty())
        idClaims.insert(u"email"_s, email);
    QJsonObject accessClaims = claims;
    accessClaims.insert(u"token_use"_s, u"access"_s);
    QByteArray refresh = refreshToken;
    if (refresh.isEmpty()) {
        const qint64 refreshTtl = qMax<qint64>(1, m_options.refreshTtl.count() / 1000);
        refresh = m_tokens.sign(QJsonObject{{u"sub"_s, sub}, {u"username"_s, username},
                                            {u"token_use"_s, u"refresh"_s}, {u"iss"_s, u"datastore-server"_s},
                                            {u"iat"_s, now}, {u"exp"_s, now + refreshTtl},
                                            {u"jti"_s, QUuid::createUuid().toString(QUuid::WithoutBraces)}});
    }
    Reply reply;
    reply.body = QJsonObject{{u"idToken"_s, QString::fromLatin1(m_tokens.sign(idClaims))},
                             {u"accessToken"_s, QString::fromLatin1(m_tokens.sign(accessClaims))},
                             {u"refreshToken"_s, QString::fromLatin1(refresh)},
                             {u"expiresIn"_s, ttl},
                             {u"tokenType"_s, u"Bearer"_s},
                             {u"username"_s, username},
                             {u"sub"_s, sub}};
    return reply;
}

AuthService::Reply AuthService::signup(const QJsonObject &request)
{
    static const QRegularExpression usernameRe(u"^[A-Za-z0-9._@+-]+$"_s);
    const QString username = request.value(u"username"_s).toString();
    const QString password = request.value(u"password"_s).toString();
    const QString email = request.value(u"email"_s).toString();
    if (username.isEmpty() || username.size() > auth_tuning::kMaxUsernameLength || !usernameRe.match(username).hasMatch())
        return {400, errorBody(kBadRequest, u"username must be 1-%1 characters of A-Z a-z 0-9 . _ @ + -"_s
                                                .arg(auth_tuning::kMaxUsernameLength))};
    if (password.size() < auth_tuning::kMinPasswordLength || password.size() > auth_tuning::kMaxPasswordLength)
        return {400, errorBody(u"InvalidPasswordException"_s,
                               u"Password must have %1 to %2 characters"_s.arg(auth_tuning::kMinPasswordLength)
                                   .arg(auth_tuning::kMaxPasswordLength))};
    const QByteArray salt = randomBytes(auth_tuning::kSaltBytes);
    const int iterations = m_options.pbkdf2Iterations;
    const QByteArray hash = pbkdf2(password.toUtf8(), salt, iterations);
    const QString sub = QUuid::createUuid().toString(QUuid::WithoutBraces);
    bool ok = false;
    QSqlQuery q = execute(u"INSERT INTO \"_users\" (\"username\", \"sub\", \"email\", \"salt\", \"hash\","
                          " \"iterations\", \"groups\", \"createdAt\") VALUES (?, ?, ?, ?, ?, ?, '[]', ?)"
                          " ON CONFLICT DO NOTHING"_s,
                          {username, sub, email.isEmpty() ? QVariant() : QVariant(email), salt, hash, iterations,
                           m_clock->nowMs()},
                          &ok);
    if (!ok) {
        qCWarning(lcServerAuth).noquote() << "signup:" << sqlError(q);
        return {503, errorBody(u"ServiceUnavailable"_s, u"The user could not be stored; retry"_s)};
    }
    if (q.numRowsAffected() != 1)
        return {409, errorBody(u"UsernameExistsException"_s, u"User already exists"_s)};
    qCInfo(lcServerAuth).noquote() << "signed up" << username;
    return issue(username, sub, email, {});
}

AuthService::Reply AuthService::signin(const QJsonObject &request)
{
    const QString username = request.value(u"username"_s).toString();
    const QString password = request.value(u"password"_s).toString();
    if (username.isEmpty() || password.isEmpty())
        return {400, errorBody(kBadRequest, u"username and password are required"_s)};
    bool ok = false;
    QSqlQuery q = execute(u"SELECT \"sub\", \"email\", \"salt\", \"hash\", \"iterations\", \"groups\" FROM \"_users\""
                          " WHERE \"username\" = ?"_s,
                          {username}, &ok);
    if (!ok) {
        qCWarning(lcServerAuth).noquote() << "signin:" << sqlError(q);
        return {503, errorBody(u"ServiceUnavailable"_s, u"The user store is not available; retry"_s)};
    }
    const QString denied = u"Incorrect username or password."_s;
    if (!q.next()) {
        // The same work as a real check, so timing does not reveal usernames.
        pbkdf2(password.toUtf8(), QByteArray(auth_tuning::kSaltBytes, '\0'), m_options.pbkdf2Iterations);
        qCInfo(lcServerAuth).noquote() << "signin refused: unknown user";
        return {401, errorBody(kUnauthorized, denied)};
    }
    const QString sub = q.value(0).toString();
    const QString email = q.value(1).toString();
    const QByteArray salt = q.value(2).toByteArray();
    const QByteArray hash = q.value(3).toByteArray();
    const int iterations = q.value(4).toInt();
    const QJsonArray groupsJson = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).array();
    q.finish();
    if (iterations < 1 || !equalConstantTime(pbkdf2(password.toUtf8(), salt, iterations), hash)) {
        qCInfo(lcServerAuth).noquote() << "signin refused for" << username;
        return {401, errorBody(kUnauthorized, denied)};
    }
    QStringList groups;
    for (const QJsonValue &g : groupsJson)
        groups.append(g.toString());
    return issue(username, sub, email, groups);
}

AuthService::Reply AuthService::refresh(const QJsonObject &request)
{
    const QByteArray token = request.value(u"refreshToken"_s).toString().toUtf8();
    if (token.isEmpty())
        return {400, errorBody(kBadRequest, u"refreshToken is required"_s)};
    QString why;
    const std::optional<QJsonObject> claims = m_tokens.verify(token, m_clock->nowMs() / 1000, &why);
    if (!claims || claims->value(u"token_use"_s).toString() != u"refresh")
        return {401, errorBody(kUnauthorized, claims ? u"Invalid Refresh Token"_s : why)};
    bool ok = false;
    QSqlQuery q = execute(u"SELECT \"username\", \"email\", \"groups\" FROM \"_users\" WHERE \"sub\" = ?"_s,
                          {claims->value(u"sub"_s).toString()}, &ok);
    if (!ok)
        return {503, errorBody(u"ServiceUnavailable"_s, u"The user store is not available; retry"_s)};
    if (!q.next())
        return {401, errorBody(kUnauthorized, u"User does not exist."_s)};
    const QString username = q.value(0).toString();
    const QString email = q.value(1).toString();
    const QJsonArray groupsJson = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).array();
    q.finish();
    QStringList groups;
    for (const QJsonValue &g : groupsJson)
        groups.append(g.toString());
    return issue(username, claims->value(u"sub"_s).toString(), email, groups, token);
}

} // namespace ds::server::data
