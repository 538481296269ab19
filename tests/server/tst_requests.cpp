// The request path of POST /graphql in process (requestharness.h: the real
// engine, resolvers and SQLite store behind GraphQLEndpoint::answer()):
// every seed request (captured Amplify traffic and our own) and thousands of
// deterministic mutations of them answer valid JSON ({"data"} and/or
// {"errors"} with messages) and never crash; hostile bodies get clean errors;
// a sync query logs its plan on server.data.
#include "requestharness.h"
#include "requestmutator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace dstest;

namespace {

QMutex s_logMutex;
QStringList s_log;
QtMessageHandler s_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "server.data") == 0) {
        QMutexLocker lock(&s_logMutex);
        s_log.append(message);
        return;
    }
    if (s_previousHandler)
        s_previousHandler(type, context, message);
}

} // namespace

class TestRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void seeds();
    void syncLogsThePlan();
    void hostileBodies_data();
    void hostileBodies();
    void mutationFuzz();
    void explainFuzz();

private:
    dstest::RequestHarness m_harness;
    QList<QByteArray> m_seeds;
};

void TestRequests::initTestCase()
{
    const QString error = m_harness.open();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QDir dir(QStringLiteral(DS_TEST_DATA_DIR "/requests"));
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_seeds.append(f.readAll().trimmed());
    }
    QVERIFY(m_seeds.size() >= 20);
    // Rows for the queries to find.
    for (int i = 0; i < 10; ++i) {
        const QByteArray body = QJsonDocument(QJsonObject{
            {u"query"_s, u"mutation ($p: CreatePostInput!, $c: CreateCommentInput!, $u: CreateUserInput!) {"
                         " createPost(input: $p) { id } createComment(input: $c) { id } createUser(input: $u) { id } }"_s},
            {u"variables"_s,
             QJsonObject{{u"p"_s, QJsonObject{{u"id"_s, u"p%1"_s.arg(i)}, {u"title"_s, u"Post %1"_s.arg(i)},
                                              {u"rating"_s, i}, {u"tags"_s, QJsonArray{u"qt"_s}}}},
                         {u"c"_s, QJsonObject{{u"id"_s, u"c%1"_s.arg(i)}, {u"postID"_s, u"p%1"_s.arg(i % 3)},
                                              {u"content"_s, u"Comment %1"_s.arg(i)}}},
                         {u"u"_s, QJsonObject{{u"id"_s, u"u%1"_s.arg(i)}, {u"firstName"_s, u"F"_s},
                                              {u"lastName"_s, i % 2 ? u"Doe"_s : u"Roe"_s},
                                              {u"createdAt"_s, u"2020-%1-01T00:00:00.000Z"_s.arg(i + 1, 2, 10, QLatin1Char('0'))}}}}}})
                                     .toJson(QJsonDocument::Compact);
        const QByteArray answer = m_harness.answer(body);
        QVERIFY2(!answer.contains("\"errors\""), answer.constData());
    }
    s_previousHandler = qInstallMessageHandler(captureLog);
}

void TestRequests::cleanupTestCase()
{
    qInstallMessageHandler(s_previousHandler);
}

void TestRequests::seeds()
{
    int clean = 0;
    for (const QByteArray &seed : std::as_const(m_seeds)) {
        const QByteArray answer = m_harness.answer(seed);
        const QString why = checkAnswer(answer);
        QVERIFY2(why.isEmpty(), qPrintable(why + u"\n"_s + QString::fromUtf8(seed) + u"\n-> "_s + QString::fromUtf8(answer)));
        if (!answer.contains("\"errors\""))
            ++clean;
    }
    qInfo("%d of %d seed requests answer data without errors", clean, int(m_seeds.size()));
    QVERIFY(clean >= int(m_seeds.size()) / 2);
}

void TestRequests::syncLogsThePlan()
{
    QLoggingCategory::setFilterRules(u"server.data.debug=true"_s);
    {
        QMutexLocker lock(&s_logMutex);
        s_log.clear();
    }
    const QByteArray body = R"({"query":"query ($f: ModelUserFilterInput) { syncUsers(filter: $f, limit: 2) { items { id } nextToken } }","variables":{"f":{"lastName":{"eq":"Doe"},"createdAt":{"gt":"2020-02-10"}}}})";
    QVERIFY(checkAnswer(m_harness.answer(body)).isEmpty());
    const QByteArray scanBody = R"({"query":"{ syncPosts(filter: {rating: {gt: 5}}) { items { id } } }"})";
    QVERIFY(checkAnswer(m_harness.answer(scanBody)).isEmpty());
    QLoggingCategory::setFilterRules(u"server.data.debug=false"_s);
    QMutexLocker lock(&s_logMutex);
    const QString log = s_log.join(u'\n');
    QVERIFY2(log.contains(u"syncUsers User base first page: index byLastName (lastName eq, createdAt range) | order "
                          "lastName, createdAt, id"_s),
             qPrintable(log));
    QVERIFY2(log.contains(u"syncPosts Post base first page: scan (no top-level eq or range on the first field of an index (id))"_s),
             qPrintable(log));
}

void TestRequests::hostileBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("empty") << QByteArray() << u"Invalid JSON"_s;
    QTest::addRow("NUL bytes") << QByteArray("{\"query\":\"{ syncPosts \0 }\"}", 26) << QString();
    QTest::addRow("invalid UTF-8 in the query") << QByteArray("{\"query\":\"{ \xff\xfe syncPosts }\"}") << QString();
    QTest::addRow("deep JSON") << (QByteArray(5000, '[') + QByteArray(5000, ']')) << u"Invalid JSON"_s;
    QByteArray deepVariables = "{\"query\":\"query ($f: ModelPostFilterInput) { syncPosts(filter: $f) { nextToken } }\","
                               "\"variables\":{\"f\":";
    for (int i = 0; i < 500; ++i)
        deepVariables += "{\"not\":";
    deepVariables += "{\"rating\":{\"gt\":1}}" + QByteArray(500, '}') + "}}";
    QTest::addRow("deep filter variable") << deepVariables << QString();
    QTest::addRow("variables as broken text") << QByteArray(R"({"query":"{ syncPosts { nextToken } }","variables":"{oops"})")
                                              << QString();
    QTest::addRow("variables not an object") << QByteArray(R"({"query":"{ __typename }","variables":[1]})")
                                             << u"\"variables\" must be an object"_s;
    QTest::addRow("operationName a number") << QByteArray(R"({"query":"{ __typename }","operationName":5})")
                                            << u"\"operationName\" must be a string"_s;
    QTest::addRow("no query") << QByteArray(R"({"variables":{}})") << u"no \"query\" string"_s;
    QTest::addRow("huge limit") << QByteArray(R"({"query":"{ syncPosts(limit: 2147483647) { nextToken } }"})") << QString();
    QTest::addRow("negative limit") << QByteArray(R"({"query":"{ syncPosts(limit: -5) { nextToken } }"})") << QString();
    QTest::addRow("forged nextToken") << QByteArray(R"({"query":"{ syncPosts(nextToken: \"eyJ2IjoxfQ.AAAA\") { nextToken } }"})")
                                      << u"Invalid nextToken"_s;
}

void TestRequests::hostileBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const QByteArray answer = m_harness.answer(body);
    const QString why = checkAnswer(answer);
    QVERIFY2(why.isEmpty(), qPrintable(why + u": "_s + QString::fromUtf8(answer.left(300))));
    if (!message.isEmpty()) {
        const QString first = QJsonDocument::fromJson(answer).object().value(u"errors"_s).toArray().at(0).toObject()
                                  .value(u"message"_s).toString();
        QVERIFY2(first.contains(message), qPrintable(first));
    }
}

void TestRequests::mutationFuzz()
{
    QRandomGenerator rng(20261206);
    constexpr int kRequests = 10000;
    QElapsedTimer timer;
    timer.start();
    int withData = 0;
    int withErrors = 0;
    QHash<QString, int> errorTypes;
    // Callers as the endpoint makes them: API keys (public rules), signed-in
    // users (private and owner rules: owner rows in SQL), an admin.
    using ds::server::data::Caller;
    QList<Caller> callers{Caller::apiKey()};
    for (const QString &name : {u"alice"_s, u"bob"_s}) {
        Caller user;
        user.kind = Caller::Kind::User;
        user.username = name;
        user.sub = u"sub-"_s + name;
        user.admin = name == u"bob";
        callers.append(user);
    }
    for (int i = 0; i < kRequests; ++i) {
        QByteArray body = m_seeds.at(rng.bounded(int(m_seeds.size())));
        for (int m = 0, n = 1 + int(rng.bounded(3)); m < n; ++m)
            body = mutate(body, m_seeds, rng);
        const QByteArray answer = m_harness.answer(body, callers.at(i % callers.size()));
        const QString why = checkAnswer(answer);
        if (!why.isEmpty()) {
            qWarning().noquote() << "request" << i << ":" << QString::fromUtf8(body.left(2000));
            QFAIL(qPrintable(why + u": "_s + QString::fromUtf8(answer.left(500))));
        }
        if (answer.contains("\"errors\"")) {
            ++withErrors;
            const QJsonObject e = QJsonDocument::fromJson(answer).object().value(u"errors"_s).toArray().at(0).toObject();
            ++errorTypes[e.value(u"errorType"_s).toString()];
        }
        if (answer.startsWith("{\"data\":{\"") || answer.contains(",\"data\":{\""))
            ++withData;
    }
    QStringList types;
    for (auto it = errorTypes.cbegin(); it != errorTypes.cend(); ++it)
        types.append((it.key().isEmpty() ? u"(GraphQL)"_s : it.key()) % u' ' % QString::number(it.value()));
    types.sort();
    qInfo("%d mutated requests in %lld ms: %d with data, %d with errors (%s)", kRequests, qint64(timer.elapsed()),
          withData, withErrors, qPrintable(types.join(u", "_s)));
    // Still serving.
    QVERIFY(!m_harness.answer(R"({"query":"{ syncPosts(limit: 1) { items { id } } }"})").contains("\"errors\""));
}

void TestRequests::explainFuzz()
{
    // POST /admin/explain's body, mutated: always a plan or a clean error.
    const QList<QByteArray> seeds{
        R"({"model":"User","predicate":"lastName == \"Doe\" and createdAt > \"2020-10-10\""})",
        R"({"model":"User","filter":{"and":[{"lastName":{"beginsWith":"D"}},{"createdAt":{"between":["2020","2021"]}}]}})",
        R"({"model":"Post","filter":{"or":[{"rating":{"gt":5}},{"not":{"status":{"eq":"DRAFT"}}}]}})",
        R"({"model":"Comment","predicate":"postID == \"p1\" and content contains \"x\"","lastSync":1})",
        R"({"model":"Note","filter":{"owner":{"eq":"alice"},"_deleted":{"ne":true}}})",
        R"json({"model":"User","predicate":"id in [\"u1\", \"u2\"] or not (firstName exists)"})json",
    };
    QRandomGenerator rng(424242);
    constexpr int kRequests = 3000;
    int plans = 0;
    int errors = 0;
    for (int i = 0; i < kRequests; ++i) {
        QByteArray body = seeds.at(rng.bounded(int(seeds.size())));
        for (int m = 0, n = 1 + int(rng.bounded(3)); m < n; ++m) {
            if (rng.bounded(3) == 0)
                body = mutateBytes(body, rng);
            else
                body = QJsonDocument(mutateJson(QJsonDocument::fromJson(body).object(), rng).toObject())
                           .toJson(QJsonDocument::Compact);
        }
        const QJsonObject request = QJsonDocument::fromJson(body).object();
        const ds::server::data::ExplainAnswer answer = m_harness.resolver().explain(request);
        if (answer.status == 200) {
            QVERIFY2(answer.body.value(u"plan"_s).isString() && answer.body.value(u"sql"_s).isString(), body.constData());
            ++plans;
        } else {
            QVERIFY2(answer.status == 400, qPrintable(QString::number(answer.status) + u' ' + QString::fromUtf8(body)));
            const QJsonObject e = answer.body.value(u"errors"_s).toArray().at(0).toObject();
            QVERIFY2(e.value(u"errorType"_s).toString() == u"BadRequestException" && !e.value(u"message"_s).toString().isEmpty(),
                     body.constData());
            ++errors;
        }
    }
    qInfo("%d mutated explain requests: %d plans, %d errors", kRequests, plans, errors);
}

QTEST_GUILESS_MAIN(TestRequests)
#include "tst_requests.moc"
