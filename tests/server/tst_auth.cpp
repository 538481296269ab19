// User authentication and @auth enforcement, end to end against the real
// datastore-server: /auth/signup, /auth/signin, /auth/refresh; JWTs on
// POST /graphql and on the realtime handshake; owner isolation of Notes on
// get, list, sync (base, delta, paged), update, delete and subscriptions.
#include "tst_data_support.h"

#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using namespace Qt::StringLiterals;

namespace {

// The notes app's schema (models/schema.graphql): Post public + private,
// Note owner-only.
const char kAuthSchema[] = R"(
type Post @model @auth(rules: [{ allow: public }, { allow: private }]) {
  id: ID!
  title: String!
  rating: Int
}
type Note @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String!
  body: String
  owner: String
}
)";

const QString kNoteFields = u"id title body owner _version _lastChangedAt _deleted"_s;

QString createNoteDoc()
{
    return u"mutation($input: CreateNoteInput!) { createNote(input: $input) { "_s + kNoteFields + u" } }"_s;
}
QString updateNoteDoc()
{
    return u"mutation($input: UpdateNoteInput!) { updateNote(input: $input) { "_s + kNoteFields + u" } }"_s;
}
QString deleteNoteDoc()
{
    return u"mutation($input: DeleteNoteInput!) { deleteNote(input: $input) { "_s + kNoteFields + u" } }"_s;
}
QString getNoteDoc()
{
    return u"query($id: ID!) { getNote(id: $id) { "_s + kNoteFields + u" } }"_s;
}
QString listNotesDoc()
{
    return u"query($limit: Int, $nextToken: String) { listNotes(limit: $limit, nextToken: $nextToken) { items { "_s
        + kNoteFields + u" } nextToken } }"_s;
}
QString syncNotesDoc()
{
    return u"query($limit: Int, $nextToken: String, $lastSync: AWSTimestamp) { syncNotes(limit: $limit,"
           " nextToken: $nextToken, lastSync: $lastSync) { items { "_s
        + kNoteFields + u" } nextToken startedAt } }"_s;
}

QByteArray dump(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject claimsOf(const QString &jwt)
{
    const QStringList parts = jwt.split(u'.');
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding))
        .object();
}

struct HttpReply
{
    int status = 0;
    QJsonObject body;
};

class AuthServer : public dstest::DataServer
{
public:
    QString startAuth(const QStringList &extra = {}) { return start(extra, kAuthSchema); }

    HttpReply postJson(const QString &path, const QJsonObject &body)
    {
        QNetworkRequest request(process().url(path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, dump(body)));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(30000);
        HttpReply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = QJsonDocument::fromJson(reply->readAll()).object();
        return r;
    }

    // Signs up (or in, when the user exists) and returns the token set.
    QJsonObject tokens(const QString &username, const QString &password = u"correct horse"_s)
    {
        HttpReply r = postJson(u"/auth/signup"_s, {{u"username"_s, username}, {u"password"_s, password}});
        if (r.status == 409)
            r = postJson(u"/auth/signin"_s, {{u"username"_s, username}, {u"password"_s, password}});
        return r.status == 200 ? r.body : QJsonObject();
    }

    dstest::GraphQLReply as(const QByteArray &authorization, const QString &document,
                            const QJsonObject &variables = {})
    {
        const QJsonObject body{{u"query"_s, document}, {u"variables"_s, variables}};
        return post(dump(body), {{"authorization", authorization}});
    }

private:
    QNetworkAccessManager m_nam;
};

QByteArray idToken(const QJsonObject &tokens)
{
    return tokens.value(u"idToken"_s).toString().toLatin1();
}

} // namespace

class TestAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signupSigninRefresh();
    void tokensOnGraphql();
    void ownerIsolation();
    void ownerSyncPagesAndDelta();
    void apiKeyGetsPublicRulesOnly();
    void expiredToken();
    void realtimeOwnerIsolation();

private:
    AuthServer m_server;
    QJsonObject m_alice;
    QJsonObject m_bob;
};

void TestAuth::initTestCase()
{
    const QString error = m_server.startAuth();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_alice = m_server.tokens(u"alice"_s);
    m_bob = m_server.tokens(u"bob"_s);
    QVERIFY(!m_alice.isEmpty());
    QVERIFY(!m_bob.isEmpty());
}

void TestAuth::signupSigninRefresh()
{
    HttpReply r = m_server.postJson(u"/auth/signup"_s, {{u"username"_s, u"carol"_s}, {u"password"_s, u"s3cret-pass"_s},
                                                        {u"email"_s, u"carol@example.com"_s}});
    QCOMPARE(r.status, 200);
    for (const char *key : {"idToken", "accessToken", "refreshToken"})
        QVERIFY2(r.body.value(QLatin1StringView(key)).toString().count(u'.') == 2, key);
    QCOMPARE(r.body.value(u"expiresIn"_s).toInt(), 3600);
    const QJsonObject id = claimsOf(r.body.value(u"idToken"_s).toString());
    QCOMPARE(id.value(u"cognito:username"_s).toString(), u"carol"_s);
    QCOMPARE(id.value(u"username"_s).toString(), u"carol"_s);
    QCOMPARE(id.value(u"token_use"_s).toString(), u"id"_s);
    QCOMPARE(id.value(u"email"_s).toString(), u"carol@example.com"_s);
    QVERIFY(id.value(u"cognito:groups"_s).isArray());
    QVERIFY(!id.value(u"sub"_s).toString().isEmpty());
    QCOMPARE(id.value(u"exp"_s).toInteger() - id.value(u"iat"_s).toInteger(), 3600);
    QCOMPARE(claimsOf(r.body.value(u"accessToken"_s).toString()).value(u"token_use"_s).toString(), u"access"_s);
    const QString sub = id.value(u"sub"_s).toString();

    // Duplicate user, weak password, malformed bodies.
    r = m_server.postJson(u"/auth/signup"_s, {{u"username"_s, u"carol"_s}, {u"password"_s, u"another-pass"_s}});
    QCOMPARE(r.status, 409);
    QCOMPARE(r.body.value(u"errors"_s)[0][u"errorType"_s].toString(), u"UsernameExistsException"_s);
    r = m_server.postJson(u"/auth/signup"_s, {{u"username"_s, u"dave"_s}, {u"password"_s, u"short"_s}});
    QCOMPARE(r.status, 400);
    QVERIFY(r.body.value(u"errors"_s)[0][u"message"_s].toString().contains(u"8"_s));
    r = m_server.postJson(u"/auth/signup"_s, {{u"username"_s, u"bad name"_s}, {u"password"_s, u"long enough"_s}});
    QCOMPARE(r.status, 400);

    // Sign in: right, wrong password, unknown user.
    r = m_server.postJson(u"/auth/signin"_s, {{u"username"_s, u"carol"_s}, {u"password"_s, u"s3cret-pass"_s}});
    QCOMPARE(r.status, 200);
    QCOMPARE(claimsOf(r.body.value(u"idToken"_s).toString()).value(u"sub"_s).toString(), sub);
    const QString refreshToken = r.body.value(u"refreshToken"_s).toString();
    r = m_server.postJson(u"/auth/signin"_s, {{u"username"_s, u"carol"_s}, {u"password"_s, u"s3cret-pasS"_s}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.value(u"errors"_s)[0][u"errorType"_s].toString(), u"UnauthorizedException"_s);
    QVERIFY(!r.body.value(u"errors"_s)[0][u"message"_s].toString().isEmpty());
    r = m_server.postJson(u"/auth/signin"_s, {{u"username"_s, u"nobody"_s}, {u"password"_s, u"s3cret-pass"_s}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.value(u"errors"_s)[0][u"errorType"_s].toString(), u"UnauthorizedException"_s);

    // Refresh: new id/access tokens for the same user; other tokens refused.
    r = m_server.postJson(u"/auth/refresh"_s, {{u"refreshToken"_s, refreshToken}});
    QCOMPARE(r.status, 200);
    QCOMPARE(claimsOf(r.body.value(u"idToken"_s).toString()).value(u"sub"_s).toString(), sub);
    QVERIFY(m_server.as(idToken(r.body), u"query { listPosts { items { id } } }"_s).errors().isEmpty());
    r = m_server.postJson(u"/auth/refresh"_s, {{u"refreshToken"_s, m_alice.value(u"idToken"_s)}});
    QCOMPARE(r.status, 401);
    QString tampered = refreshToken;
    tampered[tampered.size() - 2] = tampered.at(tampered.size() - 2) == u'A' ? u'B' : u'A';
    r = m_server.postJson(u"/auth/refresh"_s, {{u"refreshToken"_s, tampered}});
    QCOMPARE(r.status, 401);
    QCOMPARE(r.body.value(u"errors"_s)[0][u"errorType"_s].toString(), u"UnauthorizedException"_s);

    // A refresh token is not an access token.
    QCOMPARE(m_server.as(refreshToken.toLatin1(), u"query { listPosts { items { id } } }"_s).status, 401);
}

void TestAuth::tokensOnGraphql()
{
    const QString list = u"query { listPosts { items { id } } }"_s;
    // Raw JWT (Amplify), Bearer, access token.
    dstest::GraphQLReply r = m_server.as(idToken(m_alice), list);
    QCOMPARE(r.status, 200);
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QCOMPARE(m_server.as("Bearer " + idToken(m_alice), list).status, 200);
    QCOMPARE(m_server.as(m_alice.value(u"accessToken"_s).toString().toLatin1(), list).status, 200);

    // Tampered: another payload with the old signature, a changed signature, garbage.
    const QByteArray token = idToken(m_alice);
    const QList<QByteArray> parts = token.split('.');
    QJsonObject claims = claimsOf(QString::fromLatin1(token));
    claims.insert(u"cognito:username"_s, u"bob"_s);
    const QByteArray forged = parts.at(0) + '.'
        + dump(claims).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) + '.' + parts.at(2);
    QByteArray badSignature = token;
    badSignature[badSignature.size() - 3] = badSignature.at(badSignature.size() - 3) == 'x' ? 'y' : 'x';
    const QByteArray noneAlg = "eyJhbGciOiJub25lIn0." + parts.at(1) + '.';
    for (const QByteArray &bad : {forged, badSignature, noneAlg, QByteArray("not-a-jwt"), QByteArray("Bearer ")}) {
        r = m_server.as(bad, list);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorType(), u"UnauthorizedException"_s);
    }
}

void TestAuth::ownerIsolation()
{
    const QByteArray alice = idToken(m_alice);
    const QByteArray bob = idToken(m_bob);

    // The owner is set from the token; another owner is refused.
    dstest::GraphQLReply r = m_server.as(alice, createNoteDoc(),
                                         {{u"input"_s, QJsonObject{{u"id"_s, u"a-1"_s}, {u"title"_s, u"alice 1"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QCOMPARE(r.data()[u"createNote"_s][u"owner"_s].toString(), u"alice"_s);
    r = m_server.as(alice, createNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"a-2"_s}, {u"title"_s, u"alice 2"_s}, {u"owner"_s, u"alice"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    r = m_server.as(bob, createNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"b-x"_s}, {u"title"_s, u"for alice"_s}, {u"owner"_s, u"alice"_s}}}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    QCOMPARE(r.firstError()[u"message"_s].toString(), u"Not Authorized to access createNote on type Mutation"_s);
    r = m_server.as(bob, createNoteDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"b-1"_s}, {u"title"_s, u"bob 1"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QCOMPARE(r.data()[u"createNote"_s][u"owner"_s].toString(), u"bob"_s);

    // get
    r = m_server.as(alice, getNoteDoc(), {{u"id"_s, u"a-1"_s}});
    QCOMPARE(r.data()[u"getNote"_s][u"title"_s].toString(), u"alice 1"_s);
    r = m_server.as(bob, getNoteDoc(), {{u"id"_s, u"a-1"_s}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    QCOMPARE(r.firstError()[u"message"_s].toString(), u"Not Authorized to access getNote on type Query"_s);
    QVERIFY(r.data()[u"getNote"_s].isNull());

    // list: each sees only their own.
    r = m_server.as(bob, listNotesDoc());
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QJsonArray items = r.data()[u"listNotes"_s][u"items"_s].toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0][u"id"_s].toString(), u"b-1"_s);
    r = m_server.as(alice, listNotesDoc());
    QCOMPARE(r.data()[u"listNotes"_s][u"items"_s].toArray().size(), 2);

    // sync
    r = m_server.as(bob, syncNotesDoc());
    items = r.data()[u"syncNotes"_s][u"items"_s].toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0][u"owner"_s].toString(), u"bob"_s);

    // update / delete of another's item; taking an item over.
    r = m_server.as(bob, updateNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"a-1"_s}, {u"title"_s, u"hacked"_s}, {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    QCOMPARE(r.firstError()[u"message"_s].toString(), u"Not Authorized to access updateNote on type Mutation"_s);
    r = m_server.as(bob, deleteNoteDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"a-1"_s}, {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    r = m_server.as(alice, updateNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"a-1"_s}, {u"owner"_s, u"bob"_s}, {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    r = m_server.as(alice, getNoteDoc(), {{u"id"_s, u"a-1"_s}});
    QCOMPARE(r.data()[u"getNote"_s][u"title"_s].toString(), u"alice 1"_s);
    QCOMPARE(r.data()[u"getNote"_s][u"_version"_s].toInt(), 1);

    // The owner may.
    r = m_server.as(alice, updateNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"a-1"_s}, {u"title"_s, u"edited"_s}, {u"_version"_s, 1}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QCOMPARE(r.data()[u"updateNote"_s][u"_version"_s].toInt(), 2);
    r = m_server.as(alice, deleteNoteDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"a-2"_s}, {u"_version"_s, 1}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QVERIFY(r.data()[u"deleteNote"_s][u"_deleted"_s].toBool());
}

void TestAuth::ownerSyncPagesAndDelta()
{
    // dan and erin interleave notes; dan pages with limit 1: every page holds
    // one of his rows (filtered in SQL, not after paging).
    const QJsonObject danTokens = m_server.tokens(u"dan"_s);
    const QJsonObject erinTokens = m_server.tokens(u"erin"_s);
    const QByteArray dan = idToken(danTokens);
    const QByteArray erin = idToken(erinTokens);
    for (int i = 0; i < 4; ++i) {
        for (const auto &[who, token] : {std::pair{u"dan"_s, dan}, std::pair{u"erin"_s, erin}}) {
            const dstest::GraphQLReply r = m_server.as(
                token, createNoteDoc(),
                {{u"input"_s, QJsonObject{{u"id"_s, u"p-%1-%2"_s.arg(i).arg(who)}, {u"title"_s, who}}}});
            QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
        }
    }
    // The sync starts in a later millisecond than the last create, or that
    // create is (rightly) part of the delta since startedAt.
    QTest::qWait(5);
    QStringList seen;
    QJsonValue next = QJsonValue::Null;
    qint64 startedAt = 0;
    int pages = 0;
    do {
        QJsonObject vars{{u"limit"_s, 1}};
        if (next.isString())
            vars.insert(u"nextToken"_s, next);
        const dstest::GraphQLReply r = m_server.as(dan, syncNotesDoc(), vars);
        QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
        const QJsonObject page = r.data()[u"syncNotes"_s].toObject();
        const QJsonArray items = page[u"items"_s].toArray();
        startedAt = page[u"startedAt"_s].toInteger();
        next = page[u"nextToken"_s];
        ++pages;
        if (next.isString())
            QCOMPARE(items.size(), 1);
        for (const QJsonValue &item : items) {
            QCOMPARE(item[u"owner"_s].toString(), u"dan"_s);
            seen.append(item[u"id"_s].toString());
        }
    } while (next.isString() && pages < 20);
    QCOMPARE(seen.size(), 4);

    // Delta: erin's later change is not in dan's delta; dan's is.
    QTest::qWait(5);
    dstest::GraphQLReply r = m_server.as(
        erin, updateNoteDoc(),
        {{u"input"_s, QJsonObject{{u"id"_s, u"p-0-erin"_s}, {u"title"_s, u"erin again"_s}, {u"_version"_s, 1}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    r = m_server.as(dan, updateNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"p-1-dan"_s}, {u"title"_s, u"dan again"_s}, {u"_version"_s, 1}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    r = m_server.as(dan, syncNotesDoc(), {{u"lastSync"_s, startedAt}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    const QJsonArray delta = r.data()[u"syncNotes"_s][u"items"_s].toArray();
    QCOMPARE(delta.size(), 1);
    QCOMPARE(delta[0][u"id"_s].toString(), u"p-1-dan"_s);
}

void TestAuth::apiKeyGetsPublicRulesOnly()
{
    // Post: public (API key) and private (any user). Note: owner only.
    dstest::GraphQLReply r = m_server.query(
        u"mutation($input: CreatePostInput!) { createPost(input: $input) { id } }"_s,
        {{u"input"_s, QJsonObject{{u"id"_s, u"post-k"_s}, {u"title"_s, u"by key"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    r = m_server.as(idToken(m_bob), u"mutation($input: CreatePostInput!) { createPost(input: $input) { id } }"_s,
                    {{u"input"_s, QJsonObject{{u"id"_s, u"post-b"_s}, {u"title"_s, u"by bob"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    r = m_server.query(u"query { listPosts { items { id } } }"_s);
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QVERIFY(r.data()[u"listPosts"_s][u"items"_s].toArray().size() >= 2);

    r = m_server.query(listNotesDoc());
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    QCOMPARE(r.firstError()[u"message"_s].toString(), u"Not Authorized to access listNotes on type Query"_s);
    r = m_server.query(syncNotesDoc());
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    r = m_server.query(getNoteDoc(), {{u"id"_s, u"a-1"_s}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
    r = m_server.query(createNoteDoc(), {{u"input"_s, QJsonObject{{u"title"_s, u"anonymous"_s}}}});
    QCOMPARE(r.errorType(), u"Unauthorized"_s);
}

void TestAuth::expiredToken()
{
    AuthServer server;
    const QString error = server.startAuth({u"--token-ttl"_s, u"1s"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject tokens = server.tokens(u"frank"_s);
    QCOMPARE(tokens.value(u"expiresIn"_s).toInt(), 1);
    const QString list = u"query { listPosts { items { id } } }"_s;
    QTRY_COMPARE_WITH_TIMEOUT(server.as(idToken(tokens), list).status, 401, 5000);
    const dstest::GraphQLReply r = server.as(idToken(tokens), list);
    QCOMPARE(r.errorType(), u"UnauthorizedException"_s);
    QVERIFY2(r.firstError()[u"message"_s].toString().contains(u"expired"_s), dump(r.body).constData());
    // The refresh token still works and gives a fresh id token.
    const HttpReply refreshed = server.postJson(u"/auth/refresh"_s, {{u"refreshToken"_s, tokens.value(u"refreshToken"_s)}});
    QCOMPARE(refreshed.status, 200);
    QCOMPARE(server.as(idToken(refreshed.body), list).status, 200);
}

namespace {

struct RealtimeClient
{
    QWebSocket socket;
    QList<QJsonObject> frames;
    QJsonObject auth;

    bool open(AuthServer &server, const QByteArray &jwt)
    {
        auth = QJsonObject{{u"host"_s, server.process().url(u"/graphql"_s).authority()},
                           {u"Authorization"_s, QString::fromLatin1(jwt)}};
        QWebSocketHandshakeOptions options;
        options.setSubprotocols({u"graphql-ws"_s, u"header-"_s + QString::fromLatin1(dump(auth).toBase64(
                                                       QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))});
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &text) {
            frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        socket.open(QNetworkRequest(server.process().webSocketUrl(u"/graphql/realtime"_s)), options);
        QSignalSpy connected(&socket, &QWebSocket::connected);
        if (!connected.wait(10000))
            return false;
        socket.sendTextMessage(u"{\"type\":\"connection_init\"}"_s);
        return true;
    }
    bool has(const QString &type, const QString &id = {}) const
    {
        for (const QJsonObject &f : frames) {
            if (f.value(u"type"_s).toString() == type && (id.isEmpty() || f.value(u"id"_s).toString() == id))
                return true;
        }
        return false;
    }
    QList<QJsonObject> data(const QString &id) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &f : frames) {
            if (f.value(u"type"_s).toString() == u"data" && f.value(u"id"_s).toString() == id)
                out.append(f);
        }
        return out;
    }
    void start(const QString &id, const QString &query, const QJsonObject &variables = {})
    {
        const QJsonObject data{{u"query"_s, query}, {u"variables"_s, variables}};
        const QJsonObject message{
            {u"id"_s, id}, {u"type"_s, u"start"_s},
            {u"payload"_s, QJsonObject{{u"data"_s, QString::fromUtf8(dump(data))},
                                       {u"extensions"_s, QJsonObject{{u"authorization"_s, auth}}}}}};
        socket.sendTextMessage(QString::fromUtf8(dump(message)));
    }
};

} // namespace

void TestAuth::realtimeOwnerIsolation()
{
    RealtimeClient bob;
    QVERIFY(bob.open(m_server, idToken(m_bob)));
    QTRY_VERIFY_WITH_TIMEOUT(bob.has(u"connection_ack"_s), 5000);
    // As amplify-js subscribes (owner argument) and without an argument (the
    // server restricts to bob's items); claiming alice's identity is refused.
    const QString byOwner = u"subscription($owner: String) { onCreateNote(owner: $owner) { id title owner } }"_s;
    bob.start(u"own"_s, byOwner, {{u"owner"_s, u"bob"_s}});
    bob.start(u"plain"_s, u"subscription { onCreateNote { id title owner } }"_s);
    bob.start(u"spy"_s, byOwner, {{u"owner"_s, u"alice"_s}});
    QTRY_VERIFY_WITH_TIMEOUT(bob.has(u"start_ack"_s, u"own"_s) && bob.has(u"start_ack"_s, u"plain"_s)
                                 && bob.has(u"error"_s, u"spy"_s), 5000);

    dstest::GraphQLReply r = m_server.as(idToken(m_alice), createNoteDoc(),
                                         {{u"input"_s, QJsonObject{{u"id"_s, u"rt-a"_s}, {u"title"_s, u"secret"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    r = m_server.as(idToken(m_bob), createNoteDoc(),
                    {{u"input"_s, QJsonObject{{u"id"_s, u"rt-b"_s}, {u"title"_s, u"mine"_s}}}});
    QVERIFY2(r.errors().isEmpty(), dump(r.body).constData());
    QTRY_COMPARE_WITH_TIMEOUT(bob.data(u"own"_s).size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(bob.data(u"plain"_s).size(), 1, 5000);
    QTest::qWait(200);
    for (const QString &id : {u"own"_s, u"plain"_s}) {
        const QList<QJsonObject> events = bob.data(id);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0][u"payload"_s][u"data"_s][u"onCreateNote"_s][u"id"_s].toString(), u"rt-b"_s);
    }
    QVERIFY(bob.data(u"spy"_s).isEmpty());

    // A bad token at the handshake: connection_error.
    RealtimeClient forger;
    QVERIFY(forger.open(m_server, idToken(m_bob) + "x"));
    QTRY_VERIFY_WITH_TIMEOUT(forger.has(u"connection_error"_s), 5000);
}

QTEST_MAIN(TestAuth)
#include "tst_auth.moc"
