// POST /admin/explain and index-served sync queries of the real
// datastore-server over HTTP: admin authorization (401/403), the plan of the
// AppSync shape (User: lastName == "Doe" and createdAt > ... -> byLastName)
// agreeing with SQLite's EXPLAIN QUERY PLAN, scans, clear errors; paging an
// index-served base sync while others write (every record exactly once, a
// moved record in the next delta); the request limits of POST /graphql.
#include "requestmutator.h"
#include "tst_data_support.h"

#include <QDateTime>
#include <QDir>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using dstest::GraphQLReply;

namespace {

const QByteArray kAdminKey = "admin-secret-key-1";

const QString kCreateUser = u"mutation ($input: CreateUserInput!) { createUser(input: $input) {"
                            " id firstName lastName createdAt _version _deleted } }"_s;
const QString kUpdateUser = u"mutation ($input: UpdateUserInput!, $condition: ModelUserConditionInput) {"
                            " updateUser(input: $input, condition: $condition) { id firstName lastName createdAt"
                            " _version _deleted } }"_s;
const QString kDeleteUser = u"mutation ($input: DeleteUserInput!) { deleteUser(input: $input) {"
                            " id lastName createdAt _version _deleted } }"_s;
const QString kSyncUsers = u"query ($limit: Int, $nextToken: String, $lastSync: AWSTimestamp,"
                           " $filter: ModelUserFilterInput) { syncUsers(limit: $limit, nextToken: $nextToken,"
                           " lastSync: $lastSync, filter: $filter) { items { id firstName lastName createdAt"
                           " _version _deleted } nextToken startedAt } }"_s;

QString createdAt(int i)
{
    // 2020-01 .. 2021-12, several users per month.
    return u"%1-%2-%3T00:00:00.000Z"_s.arg(2020 + (i / 12) % 2).arg(1 + i % 12, 2, 10, QLatin1Char('0'))
        .arg(1 + i % 28, 2, 10, QLatin1Char('0'));
}

} // namespace

class TestDataExplain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void authorization_data();
    void authorization();
    void adminKeyOption();
    void adminGroupUser();
    void explainIndex_data();
    void explainIndex();
    void explainScan_data();
    void explainScan();
    void explainDelta();
    void explainErrors_data();
    void explainErrors();
    void pagingWithWrites();
    void listFollowsThePlan();
    void requestLimits_data();
    void requestLimits();
    void bodyLimit();
    void mutatedRequestsOverHttp();

private:
    struct Reply
    {
        int status = 0;
        QJsonObject body;
    };
    Reply explain(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers = {{"x-api-key", kAdminKey}});
    Reply postTo(dstest::DataServer &server, const QString &path, const QByteArray &body,
                 const QList<QPair<QByteArray, QByteArray>> &headers);
    QJsonObject write(const QString &document, const QJsonObject &input);

    dstest::DataServer m_server;
    QNetworkAccessManager m_nam;
    QSet<QString> m_matching;   // Doe, createdAt > 2020-10-10 at the start
};

void TestDataExplain::initTestCase()
{
    const QString error = m_server.start({u"--admin-key"_s, QString::fromLatin1(kAdminKey)});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int i = 0; i < 60; ++i) {
        const QString lastName = i % 3 == 2 ? u"Roe"_s : u"Doe"_s;
        const QJsonObject user = write(kCreateUser, {{u"id"_s, u"u%1"_s.arg(i, 2, 10, QLatin1Char('0'))},
                                                     {u"firstName"_s, u"F%1"_s.arg(i)}, {u"lastName"_s, lastName},
                                                     {u"createdAt"_s, createdAt(i)}});
        QCOMPARE(user.value(u"_version"_s).toInt(), 1);
        if (lastName == u"Doe" && createdAt(i) > u"2020-10-10")
            m_matching.insert(user.value(u"id"_s).toString());
    }
    QVERIFY(m_matching.size() >= 15);
}

void TestDataExplain::cleanupTestCase()
{
    m_server.stop();
}

TestDataExplain::Reply TestDataExplain::explain(const QByteArray &body,
                                                const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return postTo(m_server, u"/admin/explain"_s, body, headers);
}

TestDataExplain::Reply TestDataExplain::postTo(dstest::DataServer &server, const QString &path, const QByteArray &body,
                                               const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(server.process().url(path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(20000);
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray text = reply->readAll();
    QJsonParseError parseError;
    result.body = QJsonDocument::fromJson(text, &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << text.left(200);
    return result;
}

QJsonObject TestDataExplain::write(const QString &document, const QJsonObject &input)
{
    const GraphQLReply r = m_server.query(document, {{u"input"_s, input}});
    if (!r.errors().isEmpty())
        qWarning() << r.body;
    const QJsonObject data = r.data();
    return data.isEmpty() ? QJsonObject() : data.begin().value().toObject();
}

void TestDataExplain::authorization_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorType");
    QTest::newRow("admin key") << QByteArray("x-api-key") << kAdminKey << 200 << QString();
    QTest::newRow("no credentials") << QByteArray() << QByteArray() << 401 << u"UnauthorizedException"_s;
    QTest::newRow("unknown key") << QByteArray("x-api-key") << QByteArray("nope-nope-nope") << 401
                                 << u"UnauthorizedException"_s;
    QTest::newRow("API key") << QByteArray("x-api-key") << dstest::kApiKey << 403 << u"AccessDeniedException"_s;
    QTest::newRow("bad JWT") << QByteArray("authorization") << QByteArray("Bearer abc.def.ghi") << 401
                             << u"UnauthorizedException"_s;
}

void TestDataExplain::authorization()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(int, status);
    QFETCH(QString, errorType);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!header.isEmpty())
        headers.append({header, value});
    const Reply r = explain(R"({"model":"User","predicate":"lastName == \"Doe\""})", headers);
    QCOMPARE(r.status, status);
    if (status == 200) {
        QCOMPARE(r.body.value(u"plan"_s).toString(), u"index"_s);
        return;
    }
    const QJsonObject error = r.body.value(u"errors"_s).toArray().at(0).toObject();
    QCOMPARE(error.value(u"errorType"_s).toString(), errorType);
    QVERIFY(!error.value(u"message"_s).toString().isEmpty());
    QVERIFY(!r.body.contains(u"sql"_s));
}

void TestDataExplain::adminKeyOption()
{
    // An admin key that is also an API key, or a short one, is refused at start.
    for (const QString &key : {QString::fromLatin1(dstest::kApiKey), u"short"_s}) {
        dstest::DataServer server;
        const QString error = server.start({u"--admin-key"_s, key});
        QVERIFY2(!error.isEmpty(), qPrintable(key));
        server.stop();
    }
}

void TestDataExplain::adminGroupUser()
{
    // Signed-in members of --admin-group are admins too; other users are not.
    dstest::DataServer server;
    const QString error = server.start({u"--admin-group"_s, u"admins"_s, u"--user-group"_s, u"alice=admins"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QHash<QString, QByteArray> tokens;
    for (const QString &user : {u"alice"_s, u"bob"_s}) {
        const Reply r = postTo(server, u"/auth/signup"_s,
                               QJsonDocument(QJsonObject{{u"username"_s, user}, {u"password"_s, u"correct horse battery"_s}})
                                   .toJson(QJsonDocument::Compact),
                               {});
        QCOMPARE(r.status, 200);
        tokens.insert(user, r.body.value(u"idToken"_s).toString().toLatin1());
        QVERIFY(!tokens.value(user).isEmpty());
    }
    const QByteArray body = R"({"model":"User","predicate":"lastName == \"Doe\""})";
    Reply r = postTo(server, u"/admin/explain"_s, body, {{"authorization", tokens.value(u"alice"_s)}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.value(u"index"_s).toString(), u"byLastName"_s);
    r = postTo(server, u"/admin/explain"_s, body, {{"authorization", "Bearer " + tokens.value(u"bob"_s)}});
    QCOMPARE(r.status, 403);
    QCOMPARE(r.body.value(u"errors"_s).toArray().at(0).toObject().value(u"errorType"_s).toString(),
             u"AccessDeniedException"_s);
    // No admin key configured: API keys get 403 and a hint.
    r = postTo(server, u"/admin/explain"_s, body, {{"x-api-key", dstest::kApiKey}});
    QCOMPARE(r.status, 403);
    QVERIFY(r.body.value(u"errors"_s).toArray().at(0).toObject().value(u"message"_s).toString().contains(u"--admin-key"_s));
    server.stop();
}

void TestDataExplain::explainIndex_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addRow("text predicate") << QByteArray(
        R"({"model":"User","predicate":"lastName == \"Doe\" and createdAt > \"2020-10-10\""})");
    QTest::addRow("AppSync filter") << QByteArray(
        R"({"model":"User","filter":{"lastName":{"eq":"Doe"},"createdAt":{"gt":"2020-10-10"}}})");
    QTest::addRow("AppSync filter, and") << QByteArray(
        R"({"model":"User","filter":{"and":[{"createdAt":{"gt":"2020-10-10"}},{"lastName":{"eq":"Doe"}},{"_deleted":{"ne":true}}]}})");
}

void TestDataExplain::explainIndex()
{
    QFETCH(QByteArray, body);
    const Reply r = explain(body);
    QCOMPARE(r.status, 200);
    const QJsonObject &o = r.body;
    QCOMPARE(o.value(u"plan"_s).toString(), u"index"_s);
    QCOMPARE(o.value(u"index"_s).toString(), u"byLastName"_s);
    QCOMPARE(o.value(u"fields"_s).toArray(), (QJsonArray{u"lastName"_s, u"createdAt"_s}));
    QCOMPARE(o.value(u"fixed"_s).toArray(), (QJsonArray{u"lastName"_s}));
    QCOMPARE(o.value(u"range"_s).toString(), u"createdAt"_s);
    QCOMPARE(o.value(u"order"_s).toArray(), (QJsonArray{u"lastName"_s, u"createdAt"_s, u"id"_s}));
    QCOMPARE(o.value(u"model"_s).toString(), u"User"_s);
    QCOMPARE(o.value(u"query"_s).toString(), u"syncUsers"_s);
    QCOMPARE(o.value(u"sync"_s).toString(), u"base"_s);
    QVERIFY(o.value(u"sql"_s).toString().contains(u"INDEXED BY \"idx_User_byLastName\""));
    QVERIFY(o.value(u"bindings"_s).toArray().contains(u"Doe"_s));
    // SQLite's own plan: the first page by lastName= and createdAt>, a later
    // one by the keyset within lastName=; neither sorts.
    const QString first = o.value(u"databasePlan"_s).toArray().at(0).toString();
    QVERIFY2(first.contains(u"SEARCH User USING INDEX idx_User_byLastName (lastName=? AND createdAt>?)"), qPrintable(first));
    const QJsonObject next = o.value(u"nextPage"_s).toObject();
    const QString later = next.value(u"databasePlan"_s).toArray().at(0).toString();
    QVERIFY2(later.contains(u"USING INDEX idx_User_byLastName (lastName=? AND (createdAt,id)>(?,?))"), qPrintable(later));
    QCOMPARE(o.value(u"databaseIndex"_s).toString(), u"byLastName"_s);
    QCOMPARE(o.value(u"sorts"_s).toBool(), false);
    QCOMPARE(next.value(u"sorts"_s).toBool(), false);
    QCOMPARE(o.value(u"agrees"_s).toBool(), true);
    // The filter as understood, in the text syntax.
    const QString predicate = o.value(u"predicate"_s).toString();
    QVERIFY2(predicate.contains(u"lastName == \"Doe\""_s) && predicate.contains(u"createdAt > \"2020-10-10\""_s)
                 && predicate.contains(u" and "_s),
             qPrintable(predicate));
}

void TestDataExplain::explainScan_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("reason");
    QTest::addRow("unindexed field") << QByteArray(R"({"model":"Post","predicate":"rating > 5"})") << u"Post"_s
                                     << u"no top-level eq or range"_s;
    QTest::addRow("unindexed field, filter") << QByteArray(R"({"model":"Post","filter":{"rating":{"gt":5}}})")
                                             << u"Post"_s << u"no top-level eq or range"_s;
    QTest::addRow("or at the top level")
        << QByteArray(R"({"model":"User","filter":{"or":[{"lastName":{"eq":"Doe"}},{"lastName":{"eq":"Roe"}}]}})")
        << u"User"_s << u"`or`"_s;
    QTest::addRow("sort key alone") << QByteArray(R"({"model":"User","predicate":"createdAt > \"2020\""})")
                                    << u"User"_s << u"first field of an index"_s;
    QTest::addRow("no filter") << QByteArray(R"({"model":"User"})") << u"User"_s << u"no filter"_s;
    QTest::addRow("empty predicate") << QByteArray(R"({"model":"User","predicate":"  "})") << u"User"_s << u"no filter"_s;
    QTest::addRow("empty filter") << QByteArray(R"({"model":"User","filter":{}})") << u"User"_s << u"no filter"_s;
}

void TestDataExplain::explainScan()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, table);
    QFETCH(QString, reason);
    const Reply r = explain(body);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.value(u"plan"_s).toString(), u"scan"_s);
    QVERIFY(!r.body.contains(u"index"_s));
    QVERIFY2(r.body.value(u"reason"_s).toString().contains(reason), qPrintable(r.body.value(u"reason"_s).toString()));
    QCOMPARE(r.body.value(u"databasePlan"_s).toArray().at(0).toString(), u"SCAN "_s + table);
    QVERIFY(r.body.value(u"databaseIndex"_s).isNull());
    QVERIFY(!r.body.value(u"sql"_s).toString().contains(u"INDEXED BY"));
    // A later page seeks the primary key instead of scanning again.
    const QString later = r.body.value(u"nextPage"_s).toObject().value(u"databasePlan"_s).toArray().at(0).toString();
    QVERIFY2(later.contains(u"USING PRIMARY KEY (id>?)"), qPrintable(later));
    QCOMPARE(r.body.value(u"agrees"_s).toBool(), true);
}

void TestDataExplain::explainDelta()
{
    const qint64 recent = QDateTime::currentMSecsSinceEpoch() - 60000;
    const Reply r = explain(u"{\"model\":\"User\",\"predicate\":\"lastName == \\\"Doe\\\"\",\"lastSync\":%1}"_s
                                .arg(recent).toUtf8());
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.value(u"sync"_s).toString(), u"delta"_s);
    QCOMPARE(r.body.value(u"plan"_s).toString(), u"deltaLog"_s);
    QVERIFY(r.body.value(u"sql"_s).toString().contains(u"\"_delta\""));
    const QString plan = r.body.value(u"databasePlan"_s).toArray().at(0).toString();
    QVERIFY2(plan.contains(u"USING INDEX _delta_model_seq (model=? AND"_s), qPrintable(plan));
    QCOMPARE(r.body.value(u"sorts"_s).toBool(), false);
    // An old lastSync is a base sync again.
    const Reply old = explain(R"({"model":"User","lastSync":1000})");
    QCOMPARE(old.body.value(u"sync"_s).toString(), u"base"_s);
}

void TestDataExplain::explainErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("not JSON") << QByteArray("{model: User") << u"Invalid JSON in the request body at offset"_s;
    QTest::addRow("empty") << QByteArray() << u"Invalid JSON"_s;
    QTest::addRow("an array") << QByteArray("[]") << u"must be a JSON object"_s;
    QTest::addRow("no model") << QByteArray("{}") << u"\"model\": expected the name of a model"_s;
    QTest::addRow("model not a string") << QByteArray(R"({"model":5})") << u"\"model\": expected"_s;
    QTest::addRow("unknown model") << QByteArray(R"({"model":"Usr"})")
                                   << u"\"model\": unknown model 'Usr'. Did you mean 'User'?"_s;
    QTest::addRow("unknown field") << QByteArray(R"({"model":"User","filter":{"lastNme":{"eq":"Doe"}}})")
                                   << u"filter.lastNme: User has no field 'lastNme'; did you mean 'lastName'?"_s;
    QTest::addRow("unknown field in and") << QByteArray(R"({"model":"User","filter":{"and":[{"lastName":{"eq":"Doe"}},{"ratng":{"gt":1}}]}})")
                                          << u"filter.and[1].ratng"_s;
    QTest::addRow("unknown operator") << QByteArray(R"({"model":"User","filter":{"lastName":{"eqq":"Doe"}}})")
                                      << u"filter.lastName"_s;
    QTest::addRow("filter not an object") << QByteArray(R"({"model":"User","filter":"lastName"})")
                                          << u"filter: expected an AppSync filter object"_s;
    QTest::addRow("predicate syntax") << QByteArray(R"({"model":"User","predicate":"lastName == = \"Doe\""})")
                                      << u"predicate 1:"_s;
    QTest::addRow("predicate type") << QByteArray(R"({"model":"User","predicate":"lastName > 5"})")
                                    << u"predicate 1:"_s;
    QTest::addRow("predicate not text") << QByteArray(R"({"model":"User","predicate":["a"]})")
                                        << u"predicate: expected text"_s;
    QTest::addRow("both") << QByteArray(R"({"model":"User","predicate":"all","filter":{}})") << u"not both"_s;
    QTest::addRow("lastSync") << QByteArray(R"({"model":"User","lastSync":"yesterday"})") << u"lastSync"_s;
    QByteArray deep = R"({"lastName":{"eq":"Doe"}})";
    for (int i = 0; i < 20; ++i)
        deep = (i % 2 ? R"({"or":[)" : R"({"and":[)") + deep + "]}";
    QTest::addRow("filter too deep") << (R"({"model":"User","filter":)" + deep + "}")
                                     << u"nesting depth exceeds the maximum of 16"_s;
    QByteArray longText = R"({"model":"User","predicate":")";
    for (int i = 0; i < 3000; ++i)
        longText += R"(lastName == \"Doe\" or )";
    QTest::addRow("predicate too long") << (longText + R"(all"})") << u"characters (the maximum)"_s;
}

void TestDataExplain::explainErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const Reply r = explain(body);
    QCOMPARE(r.status, 400);
    const QJsonObject error = r.body.value(u"errors"_s).toArray().at(0).toObject();
    QCOMPARE(error.value(u"errorType"_s).toString(), u"BadRequestException"_s);
    QVERIFY2(error.value(u"message"_s).toString().contains(message), qPrintable(error.value(u"message"_s).toString()));
    if (QByteArray(QTest::currentDataTag()).startsWith("predicate syntax")) {
        const QJsonObject at = error.value(u"locations"_s).toArray().at(0).toObject();
        QCOMPARE(at.value(u"line"_s).toInt(), 1);
        QVERIFY(at.value(u"column"_s).toInt() > 1);
    }
    // The server is fine afterwards.
    QCOMPARE(explain(R"({"model":"User"})").status, 200);
}

void TestDataExplain::pagingWithWrites()
{
    const QJsonObject filter{{u"lastName"_s, QJsonObject{{u"eq"_s, u"Doe"_s}}},
                             {u"createdAt"_s, QJsonObject{{u"gt"_s, u"2020-10-10"_s}}}};
    // The plan this sync gets.
    const Reply plan = explain(QJsonDocument(QJsonObject{{u"model"_s, u"User"_s}, {u"filter"_s, filter}})
                                   .toJson(QJsonDocument::Compact));
    QCOMPARE(plan.body.value(u"index"_s).toString(), u"byLastName"_s);

    QStringList seen;
    QSet<QString> touched;   // written between pages
    QString moved;
    qint64 startedAt = 0;
    QJsonValue token = QJsonValue::Null;
    int counter = 0;
    for (int page = 0; page < 100; ++page) {
        const GraphQLReply r = m_server.query(kSyncUsers, {{u"limit"_s, 4}, {u"nextToken"_s, token},
                                                           {u"lastSync"_s, QJsonValue::Null}, {u"filter"_s, filter}});
        QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson().constData());
        const QJsonObject sync = r.data().value(u"syncUsers"_s).toObject();
        if (page == 0)
            startedAt = sync.value(u"startedAt"_s).toInteger();
        QCOMPARE(sync.value(u"startedAt"_s).toInteger(), startedAt);
        const QJsonArray items = sync.value(u"items"_s).toArray();
        for (const QJsonValue &v : items) {
            const QJsonObject item = v.toObject();
            QCOMPARE(item.value(u"lastName"_s).toString(), u"Doe"_s);
            QVERIFY(item.value(u"createdAt"_s).toString() > u"2020-10-10");
            seen.append(item.value(u"id"_s).toString());
        }
        token = sync.value(u"nextToken"_s);
        if (token.isNull())
            break;
        // Others write between the pages: new matching users before and
        // after the position, an edit of one already seen and of one not yet
        // seen, a delete, and (once) a move of an unseen one behind the position.
        const QString n = u"n%1"_s.arg(++counter);
        write(kCreateUser, {{u"id"_s, QString(n + u"a"_s)}, {u"firstName"_s, u"New"_s}, {u"lastName"_s, u"Doe"_s},
                            {u"createdAt"_s, u"2021-12-31T23:59:59.000Z"_s}});
        write(kCreateUser, {{u"id"_s, QString(n + u"b"_s)}, {u"firstName"_s, u"New"_s}, {u"lastName"_s, u"Doe"_s},
                            {u"createdAt"_s, u"2020-10-11T00:00:00.000Z"_s}});
        const QString seenId = seen.constLast();
        if (!touched.contains(seenId)) {
            QVERIFY(!write(kUpdateUser, {{u"id"_s, seenId}, {u"firstName"_s, u"Edited"_s}, {u"_version"_s, 1}}).isEmpty());
            touched.insert(seenId);
        }
        QStringList unseen;
        for (const QString &id : std::as_const(m_matching)) {
            if (!seen.contains(id) && !touched.contains(id))
                unseen.append(id);
        }
        std::sort(unseen.begin(), unseen.end());
        if (unseen.size() > 3) {
            const QString later = unseen.constLast();
            QVERIFY(!write(kUpdateUser, {{u"id"_s, later}, {u"firstName"_s, u"Edited"_s}, {u"_version"_s, 1}}).isEmpty());
            touched.insert(later);
            const QString gone = unseen.at(unseen.size() - 2);
            QVERIFY(!write(kDeleteUser, {{u"id"_s, gone}, {u"_version"_s, 1}}).isEmpty());
            touched.insert(gone);
            if (moved.isEmpty()) {
                moved = unseen.at(unseen.size() - 3);
                QVERIFY(!write(kUpdateUser, {{u"id"_s, moved}, {u"createdAt"_s, u"2020-10-10T00:00:01.000Z"_s},
                                             {u"_version"_s, 1}})
                             .isEmpty());
                touched.insert(moved);
            }
        }
    }
    QVERIFY(token.isNull());
    QVERIFY(!moved.isEmpty());
    // Exactly once: no record twice, and every record that matched at the
    // start is there, except the one moved behind the position.
    const QSet<QString> seenSet(seen.cbegin(), seen.cend());
    QCOMPARE(seenSet.size(), seen.size());
    for (const QString &id : std::as_const(m_matching)) {
        if (id != moved)
            QVERIFY2(seenSet.contains(id), qPrintable(id));
    }
    // The next delta sync (from startedAt) has every change, the moved one too.
    const GraphQLReply delta = m_server.query(kSyncUsers, {{u"limit"_s, 1000}, {u"lastSync"_s, startedAt},
                                                           {u"filter"_s, filter}});
    QVERIFY(delta.errors().isEmpty());
    QSet<QString> changed;
    const QJsonArray items = delta.data().value(u"syncUsers"_s).toObject().value(u"items"_s).toArray();
    for (const QJsonValue &v : items)
        changed.insert(v.toObject().value(u"id"_s).toString());
    for (const QString &id : std::as_const(touched))
        QVERIFY2(changed.contains(id), qPrintable(id));
}

void TestDataExplain::listFollowsThePlan()
{
    // A list query reads by the plan too (byLastName here): every Roe once.
    const QString document = u"query ($f: ModelUserFilterInput, $n: String) { listUsers(filter: $f, limit: 3,"
                             " nextToken: $n) { items { id lastName createdAt } nextToken } }"_s;
    const QJsonObject filter{{u"lastName"_s, QJsonObject{{u"eq"_s, u"Roe"_s}}}};
    QStringList ids;
    QStringList createdAts;
    QJsonValue token = QJsonValue::Null;
    for (int page = 0; page < 50; ++page) {
        const GraphQLReply r = m_server.query(document, {{u"f"_s, filter}, {u"n"_s, token}});
        QVERIFY(r.errors().isEmpty());
        const QJsonObject list = r.data().value(u"listUsers"_s).toObject();
        const QJsonArray items = list.value(u"items"_s).toArray();
        for (const QJsonValue &v : items) {
            QCOMPARE(v.toObject().value(u"lastName"_s).toString(), u"Roe"_s);
            ids.append(v.toObject().value(u"id"_s).toString());
            createdAts.append(v.toObject().value(u"createdAt"_s).toString());
        }
        token = list.value(u"nextToken"_s);
        if (token.isNull())
            break;
    }
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), ids.size());
    QCOMPARE(ids.size(), 20);   // i % 3 == 2 of 60
    // In the index's order: by createdAt within lastName.
    QStringList sorted = createdAts;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(createdAts, sorted);
}

void TestDataExplain::requestLimits_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QJsonObject>("variables");
    QTest::addColumn<QString>("message");

    QString deepSelection = u"id"_s;
    for (int i = 0; i < 12; ++i)
        deepSelection = u"comments { items { post { "_s + deepSelection + u" } } }"_s;
    QTest::addRow("selection depth") << u"{ getPost(id: \"x\") { "_s + deepSelection + u" } }"_s << QJsonObject()
                                     << u"exceeds the maximum allowed depth of 32"_s;
    QString roots;
    for (int i = 0; i < 60; ++i)
        roots += u"a%1: syncPosts(limit: 1) { nextToken } "_s.arg(i);
    QTest::addRow("root fields") << u"{ "_s + roots + u"}"_s << QJsonObject()
                                 << u"root fields, more than the maximum of 50"_s;
    QTest::addRow("tokens") << u"{ "_s + QString(u"a "_s).repeated(110000) + u"}"_s << QJsonObject()
                            << u"more than 100000 tokens"_s;
    QString nesting = u"1"_s;
    for (int i = 0; i < 70; ++i)
        nesting = u"["_s + nesting + u"]"_s;
    QTest::addRow("literal nesting") << u"{ syncPosts(limit: "_s + nesting + u") { nextToken } }"_s << QJsonObject()
                                     << u"nesting deeper than 64 levels"_s;

    QJsonObject deep{{u"rating"_s, QJsonObject{{u"gt"_s, 1}}}};
    for (int i = 0; i < 20; ++i)
        deep = QJsonObject{{i % 2 ? u"or"_s : u"and"_s, QJsonArray{deep}}};
    const QString syncPosts = dstest::syncPostsDoc();
    QTest::addRow("filter depth") << syncPosts << QJsonObject{{u"filter"_s, deep}}
                                  << u"nesting depth exceeds the maximum of 16"_s;
    QJsonArray many;
    for (int i = 0; i < 600; ++i)
        many.append(QJsonObject{{u"rating"_s, QJsonObject{{u"eq"_s, i}}}});
    QTest::addRow("filter conditions") << syncPosts << QJsonObject{{u"filter"_s, QJsonObject{{u"or"_s, many}}}}
                                       << u"more than 500 conditions"_s;
    QTest::addRow("list filter depth")
        << u"query ($f: ModelPostFilterInput) { listPosts(filter: $f) { items { id } } }"_s
        << QJsonObject{{u"f"_s, deep}} << u"nesting depth exceeds the maximum of 16"_s;
    QTest::addRow("condition depth") << dstest::updatePostDoc()
                                     << QJsonObject{{u"input"_s, QJsonObject{{u"id"_s, u"nope"_s}}}, {u"condition"_s, deep}}
                                     << u"condition."_s;
}

void TestDataExplain::requestLimits()
{
    QFETCH(QString, document);
    QFETCH(QJsonObject, variables);
    QFETCH(QString, message);
    const GraphQLReply r = m_server.query(document, variables);
    QCOMPARE(r.status, 200);
    QVERIFY2(!r.errors().isEmpty(), QJsonDocument(r.body).toJson().left(400).constData());
    const QString text = r.firstError().value(u"message"_s).toString();
    QVERIFY2(text.contains(message), qPrintable(text));
    // The server is fine afterwards.
    QVERIFY(m_server.query(u"{ syncPosts(limit: 1) { nextToken } }"_s).errors().isEmpty());
}

void TestDataExplain::bodyLimit()
{
    // Bodies past --max-body-size (1 MiB) are refused before any parsing.
    const QByteArray body = "{\"query\":\"{ " + QByteArray(1100 * 1024, ' ') + "__typename }\"}";
    const GraphQLReply r = m_server.post(body, {{"x-api-key", dstest::kApiKey}});
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorType(), u"PayloadTooLarge"_s);
}

void TestDataExplain::mutatedRequestsOverHttp()
{
    // The seeds of tst_server_requests, mutated, through the real server's
    // HTTP layer and worker threads: every answer a valid GraphQL response.
    const QDir dir(QStringLiteral(DS_TEST_DATA_DIR "/requests"));
    QList<QByteArray> seeds;
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        seeds.append(f.readAll().trimmed());
    }
    QVERIFY(seeds.size() >= 20);
    QRandomGenerator rng(7777);
    QNetworkRequest request(m_server.process().url(u"/graphql"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("x-api-key", dstest::kApiKey);
    for (int i = 0; i < 600; ++i) {
        QByteArray body = seeds.at(rng.bounded(int(seeds.size())));
        for (int m = 0, n = 1 + int(rng.bounded(3)); m < n; ++m)
            body = dstest::mutate(body, seeds, rng);
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            QVERIFY(finished.wait(20000));
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->readAll();
        QVERIFY2(status == 200, qPrintable(QString::number(status) + u' ' + QString::fromUtf8(body.left(300))));
        const QString why = dstest::checkAnswer(answer);
        QVERIFY2(why.isEmpty(), qPrintable(why + u": "_s + QString::fromUtf8(body.left(300))));
    }
    QVERIFY(m_server.query(u"{ syncPosts(limit: 1) { nextToken } }"_s).errors().isEmpty());
}

QTEST_GUILESS_MAIN(TestDataExplain)
#include "tst_data_explain.moc"
