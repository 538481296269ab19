// POST /graphql of the real datastore-server: API-key auth (401 shapes),
// malformed bodies and GraphQL documents (clean errors, HTTP 200), and every
// HTTP request the real Amplify JS client sent in the captured session
// (tests/data/protocol/captured), replayed in order, answered without errors.
#include "tst_data_support.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using dstest::GraphQLReply;

class TestDataEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void unauthorized_data();
    void unauthorized();
    void noKeyConfigured();
    void malformed_data();
    void malformed();
    void capturedTranscript();

private:
    dstest::DataServer m_server;
};

void TestDataEndpoint::initTestCase()
{
    const QString error = m_server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestDataEndpoint::cleanupTestCase()
{
    m_server.stop();
}

void TestDataEndpoint::unauthorized_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("no credentials") << QByteArray() << QByteArray();
    QTest::newRow("wrong API key") << QByteArray("x-api-key") << QByteArray("da2-wrong");
    QTest::newRow("API key prefix") << QByteArray("x-api-key") << dstest::kApiKey.left(5);
    QTest::newRow("JWT (later step)") << QByteArray("authorization") << QByteArray("eyJhbGciOi.eyJzdWIiOi.sig");
}

void TestDataEndpoint::unauthorized()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!header.isEmpty())
        headers.append({header, value});
    const GraphQLReply r = m_server.post(R"({"query":"{ listPosts { items { id } } }"})", headers);
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorType(), u"UnauthorizedException"_s);
    QVERIFY(!r.firstError().value(u"message"_s).toString().isEmpty());
    QVERIFY(!r.body.contains(u"data"_s));
}

void TestDataEndpoint::noKeyConfigured()
{
    dstest::ServerProcess bare;   // no --api-key: every request is refused
    QTemporaryDir dir;
    QVERIFY2(bare.start({u"--db"_s, dir.filePath(u"d.sqlite"_s)}).isEmpty(), "server");
    QNetworkAccessManager nam;
    QNetworkRequest request(bare.url(u"/graphql"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("x-api-key", "anything");
    std::unique_ptr<QNetworkReply> reply(nam.post(request, QByteArray(R"({"query":"{ __typename }"})")));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    bare.stop();
}

void TestDataEndpoint::malformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorType");   // empty: a plain GraphQL error (message + locations)
    QTest::newRow("not JSON") << QByteArray("{\"query\": ") << u"MalformedHttpRequestException"_s;
    QTest::newRow("JSON array") << QByteArray("[1,2]") << u"MalformedHttpRequestException"_s;
    QTest::newRow("empty body") << QByteArray() << u"MalformedHttpRequestException"_s;
    QTest::newRow("no query") << QByteArray("{\"variables\":{}}") << u"MalformedHttpRequestException"_s;
    QTest::newRow("query not a string") << QByteArray("{\"query\":5}") << u"MalformedHttpRequestException"_s;
    QTest::newRow("variables not an object") << QByteArray("{\"query\":\"{ __typename }\",\"variables\":[1]}")
                                             << u"MalformedHttpRequestException"_s;
    QTest::newRow("GraphQL syntax error") << QByteArray("{\"query\":\"{ syncPosts( \"}") << QString();
    QTest::newRow("unknown field") << QByteArray("{\"query\":\"{ syncPostz { items { id } } }\"}") << QString();
    QTest::newRow("bad variable type")
        << QByteArray("{\"query\":\"query($l: Int) { syncPosts(limit: $l) { startedAt } }\",\"variables\":{\"l\":\"ten\"}}")
        << QString();
    QTest::newRow("unknown filter field")
        << QByteArray("{\"query\":\"query($f: ModelPostFilterInput) { syncPosts(filter: $f) { startedAt } }\","
                      "\"variables\":{\"f\":{\"ratng\":{\"gt\":1}}}}")
        << QString();
}

void TestDataEndpoint::malformed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorType);
    const GraphQLReply r = m_server.post(body, {{"x-api-key", dstest::kApiKey}});
    QCOMPARE(r.status, 200);
    QVERIFY2(!r.errors().isEmpty(), QJsonDocument(r.body).toJson());
    QVERIFY(!r.firstError().value(u"message"_s).toString().isEmpty());
    if (!errorType.isEmpty())
        QCOMPARE(r.errorType(), errorType);
    // Still serving.
    QVERIFY(m_server.query(u"{ __typename }"_s).errors().isEmpty());
}

void TestDataEndpoint::capturedTranscript()
{
    const QString captured = QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/captured/raw");
    const QString schemaPath = QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/reference/input-schema.graphql");
    QDir dir(captured);
    QVERIFY2(dir.exists() && QFile::exists(schemaPath), qPrintable(captured));
    QFile schemaFile(schemaPath);
    QVERIFY(schemaFile.open(QIODevice::ReadOnly));
    dstest::DataServer server;
    QVERIFY2(server.start({}, schemaFile.readAll()).isEmpty(), "server");

    const QStringList files = dir.entryList({u"*-http-request.json"_s}, QDir::Files, QDir::Name);
    QVERIFY(!files.isEmpty());
    int replayed = 0;
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject event = QJsonDocument::fromJson(file.readAll()).object();
        if (event.value(u"method"_s).toString() != u"POST" || !event.value(u"url"_s).toString().startsWith(u"/graphql"))
            continue;
        const QJsonObject body = event.value(u"body"_s).toObject();
        const GraphQLReply r = server.post(QJsonDocument(body).toJson(QJsonDocument::Compact),
                                           {{"x-api-key", dstest::kApiKey}});
        QVERIFY2(r.status == 200, qPrintable(name));
        QVERIFY2(r.errors().isEmpty(), qPrintable(name + u": "_s + QString::fromUtf8(QJsonDocument(r.body).toJson())));
        const QJsonObject data = r.data();
        QVERIFY2(data.size() == 1 && data.begin().value().isObject(), qPrintable(name));
        const QJsonObject value = data.begin().value().toObject();
        if (data.begin().key().startsWith(u"sync")) {
            QVERIFY(value.value(u"items"_s).isArray());
            QVERIFY(value.value(u"startedAt"_s).toDouble() > 0);
            QVERIFY(value.contains(u"nextToken"_s));
        } else {
            QVERIFY(value.value(u"_version"_s).toInt() >= 1);
            QVERIFY(value.contains(u"_lastChangedAt"_s));
        }
        ++replayed;
    }
    QVERIFY(replayed >= 10);
    server.stop();
}

QTEST_GUILESS_MAIN(TestDataEndpoint)
#include "tst_data_endpoint.moc"
