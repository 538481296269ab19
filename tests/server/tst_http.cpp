// End-to-end tests of datastore-server's HTTP layer against the real process.
#include "serverprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

class TestHttp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void healthz();
    void head();
    void notFound();
    void methodNotAllowed();
    void graphqlAnswers();
    void bodyTooLarge();
    void bodyTooLargeWithExpect();
    void headerTooLarge();
    void chunkedUploadRefused();
    void malformedRequest_data();
    void malformedRequest();
    void keepAlive();
    void pipelining();
    void connectionClose();
    void bodyInPieces();
    void corsPreflight();
    void corsOnResponses();
    void sigtermExitsCleanly();
    void badOptions_data();
    void badOptions();

private:
    std::unique_ptr<QNetworkReply> get(const QString &path);
    void checkAlive();
    std::unique_ptr<QTcpSocket> connectRaw();

    QTemporaryDir m_dbDir;
    dstest::ServerProcess m_server;
    QNetworkAccessManager m_nam;
};

void TestHttp::initTestCase()
{
    QVERIFY(m_dbDir.isValid());
    const QString error = m_server.start({u"--api-key"_s, u"k"_s, u"--db"_s, m_dbDir.filePath(u"data.sqlite"_s)});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!m_server.isSecure());
}

std::unique_ptr<QNetworkReply> TestHttp::get(const QString &path)
{
    std::unique_ptr<QNetworkReply> reply(m_nam.get(QNetworkRequest(m_server.url(path))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    return reply;
}

void TestHttp::checkAlive()
{
    const auto reply = get(u"/healthz"_s);
    QVERIFY(reply->isFinished());
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
}

std::unique_ptr<QTcpSocket> TestHttp::connectRaw()
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, m_server.port());
    if (!socket->waitForConnected(5000))
        return nullptr;
    return socket;
}

static QJsonObject firstError(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(u"errors"_s).toArray().at(0).toObject();
}

void TestHttp::healthz()
{
    const auto reply = get(u"/healthz"_s);
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(), u"application/json"_s);
    QCOMPARE(reply->readAll(), QByteArray(R"({"status":"ok"})"));
}

void TestHttp::head()
{
    std::unique_ptr<QNetworkReply> reply(m_nam.head(QNetworkRequest(m_server.url(u"/healthz"_s))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->header(QNetworkRequest::ContentLengthHeader).toInt(), 15);
    QVERIFY(reply->readAll().isEmpty());
}

void TestHttp::notFound()
{
    const auto reply = get(u"/no/such/path"_s);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
    QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(), u"application/json"_s);
    const QJsonObject error = firstError(reply->readAll());
    QCOMPARE(error.value(u"errorType"_s).toString(), u"NotFound"_s);
    QVERIFY(error.value(u"message"_s).toString().contains(u"/no/such/path"_s));
}

void TestHttp::methodNotAllowed()
{
    std::unique_ptr<QNetworkReply> reply(m_nam.deleteResource(QNetworkRequest(m_server.url(u"/healthz"_s))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 405);
    QVERIFY(reply->rawHeader("Allow").contains("GET"));
    QCOMPARE(firstError(reply->readAll()).value(u"errorType"_s).toString(), u"MethodNotAllowed"_s);
}

void TestHttp::graphqlAnswers()
{
    QNetworkRequest request(m_server.url(u"/graphql"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("x-api-key", "k");
    std::unique_ptr<QNetworkReply> reply(m_nam.post(request, QByteArray(R"({"query":"{ __typename }"})")));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    QCOMPARE(body.value(u"data"_s).toObject().value(u"__typename"_s).toString(), u"Query"_s);
}

void TestHttp::bodyTooLarge()
{
    // The client announces 2 MiB and starts sending; it gets 413 and a close,
    // not a reset, even though the body keeps coming for a while.
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  "Content-Length: 2097152\r\n\r\n");
    socket->write(QByteArray(256 * 1024, 'x'));
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QVERIFY(response.complete);
    QCOMPARE(response.status, 413);
    QCOMPARE(response.header("connection").toLower(), QByteArray("close"));
    QCOMPARE(firstError(response.body).value(u"errorType"_s).toString(), u"PayloadTooLarge"_s);
    QVERIFY(dstest::waitForClose(*socket));
    checkAlive();
}

void TestHttp::bodyTooLargeWithExpect()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\n"
                  "Expect: 100-continue\r\n\r\n");
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QCOMPARE(response.status, 413);
    QVERIFY(dstest::waitForClose(*socket));
}

void TestHttp::headerTooLarge()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + QByteArray(64 * 1024, 'a')
                  + "\r\n\r\n");
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QCOMPARE(response.status, 431);
    QVERIFY(dstest::waitForClose(*socket));
    checkAlive();
}

void TestHttp::chunkedUploadRefused()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "2\r\n{}\r\n0\r\n\r\n");
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QCOMPARE(response.status, 411);
    QCOMPARE(firstError(response.body).value(u"errorType"_s).toString(), u"LengthRequired"_s);
    QVERIFY(dstest::waitForClose(*socket));
}

void TestHttp::malformedRequest_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::newRow("garbage") << QByteArray("garbage\r\n\r\n") << 400;
    QTest::newRow("binary") << QByteArray("\x01\x02\x03\xff\xfe\n\n", 7) << 400;
    QTest::newRow("no-colon") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n") << 400;
    QTest::newRow("space-before-colon") << QByteArray("GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
    QTest::newRow("folding") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n") << 400;
    QTest::newRow("nul") << QByteArray("GET /hea\0lthz HTTP/1.1\r\nHost: x\r\n\r\n", 35) << 400;
    QTest::newRow("no-host") << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two-hosts") << QByteArray("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("bad-target") << QByteArray("GET healthz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("extra-space") << QByteArray("GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("bad-version") << QByteArray("GET /healthz HTTP/x.y\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("http2") << QByteArray("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
    QTest::newRow("bad-length") << QByteArray("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") << 400;
    QTest::newRow("two-lengths") << QByteArray("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                               "Content-Length: 2\r\n\r\nab") << 400;
    QTest::newRow("length-and-chunked") << QByteArray("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                                                      "Transfer-Encoding: chunked\r\n\r\n") << 400;
    QTest::newRow("gzip-upload") << QByteArray("POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") << 501;
    QTest::newRow("expect-other") << QByteArray("POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n"
                                                "Content-Length: 0\r\n\r\n") << 417;
}

void TestHttp::malformedRequest()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write(bytes);
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QVERIFY2(response.complete, response.head.constData());
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("content-type"), QByteArray("application/json"));
    QVERIFY(!firstError(response.body).value(u"errorType"_s).toString().isEmpty());
    QVERIFY(dstest::waitForClose(*socket));
    checkAlive();
}

void TestHttp::keepAlive()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    for (int i = 0; i < 3; ++i) {
        socket->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const dstest::RawResponse response = dstest::readRawResponse(*socket);
        QVERIFY(response.complete);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("connection").toLower(), QByteArray("keep-alive"));
        QCOMPARE(response.body, QByteArray(R"({"status":"ok"})"));
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    }
    // HTTP/1.0 without keep-alive closes.
    socket->write("GET /healthz HTTP/1.0\r\n\r\n");
    QCOMPARE(dstest::readRawResponse(*socket).status, 200);
    QVERIFY(dstest::waitForClose(*socket));
}

void TestHttp::pipelining()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                  "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(dstest::readRawResponse(*socket).status, 200);
    const dstest::RawResponse graphql = dstest::readRawResponse(*socket);
    QCOMPARE(graphql.status, 401);   // no x-api-key
    QCOMPARE(firstError(graphql.body).value(u"errorType"_s).toString(), u"UnauthorizedException"_s);
    QCOMPARE(dstest::readRawResponse(*socket).status, 404);
    QCOMPARE(dstest::readRawResponse(*socket).status, 200);
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
}

void TestHttp::connectionClose()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("connection").toLower(), QByteArray("close"));
    QVERIFY(dstest::waitForClose(*socket));
}

void TestHttp::bodyInPieces()
{
    auto socket = connectRaw();
    QVERIFY(socket);
    const QByteArray body = R"({"query":"{ __typename }"})";
    const QByteArray all = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    for (qsizetype i = 0; i < all.size(); i += 7) {
        socket->write(all.mid(i, 7));
        socket->flush();
        QTest::qWait(2);
    }
    const dstest::RawResponse response = dstest::readRawResponse(*socket);
    QCOMPARE(response.status, 401);   // no x-api-key
    QCOMPARE(firstError(response.body).value(u"errorType"_s).toString(), u"UnauthorizedException"_s);
}

void TestHttp::corsPreflight()
{
    QNetworkRequest request(m_server.url(u"/graphql"_s));
    request.setRawHeader("Origin", "http://localhost:3000");
    request.setRawHeader("Access-Control-Request-Method", "POST");
    request.setRawHeader("Access-Control-Request-Headers",
                         "content-type,x-api-key,x-amz-user-agent,x-amz-date");
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, "OPTIONS"));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 204);
    QCOMPARE(reply->rawHeader("Access-Control-Allow-Origin"), QByteArray("*"));
    QVERIFY(reply->rawHeader("Access-Control-Allow-Methods").contains("POST"));
    const QByteArray allowed = reply->rawHeader("Access-Control-Allow-Headers").toLower();
    for (const char *header : {"x-api-key", "authorization", "content-type", "x-amz-user-agent",
                               "x-amz-date", "x-amz-security-token"}) {
        QVERIFY2(allowed.contains(header), header);
    }
    QVERIFY(!reply->rawHeader("Access-Control-Max-Age").isEmpty());

    // Preflight for an unknown path is a 404.
    request.setUrl(m_server.url(u"/nope"_s));
    std::unique_ptr<QNetworkReply> missing(m_nam.sendCustomRequest(request, "OPTIONS"));
    QSignalSpy finished2(missing.get(), &QNetworkReply::finished);
    QVERIFY(finished2.wait(10000));
    QCOMPARE(missing->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
}

void TestHttp::corsOnResponses()
{
    QNetworkRequest request(m_server.url(u"/graphql"_s));
    request.setRawHeader("Origin", "http://localhost:3000");
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    std::unique_ptr<QNetworkReply> reply(m_nam.post(request, QByteArray("{}")));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->rawHeader("Access-Control-Allow-Origin"), QByteArray("*"));
}

void TestHttp::sigtermExitsCleanly()
{
#ifndef Q_OS_UNIX
    QSKIP("SIGTERM is POSIX");
#else
    dstest::ServerProcess server;
    const QString error = server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // An idle keep-alive connection must not hold the shutdown up.
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(idle.waitForConnected(5000));
    idle.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(dstest::readRawResponse(idle).status, 200);

    QElapsedTimer timer;
    timer.start();
    server.process().terminate();  // SIGTERM
    QVERIFY(server.process().waitForFinished(1000));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.process().exitCode(), 0);
    QVERIFY(dstest::waitForClose(idle, 1000));
#endif
}

void TestHttp::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no-schema") << QStringList{u"--port"_s, u"0"_s};
    QTest::newRow("missing-schema") << QStringList{u"--schema"_s, u"/nonexistent.graphql"_s};
    QTest::newRow("bad-port") << QStringList{u"--schema"_s, dstest::ServerProcess::schema(), u"--port"_s, u"x"_s};
    QTest::newRow("bad-ka") << QStringList{u"--schema"_s, dstest::ServerProcess::schema(), u"--ka-interval"_s, u"soon"_s};
    QTest::newRow("cert-without-key")
        << QStringList{u"--schema"_s, dstest::ServerProcess::schema(), u"--tls-cert"_s, u"c.pem"_s};
}

void TestHttp::badOptions()
{
    QFETCH(QStringList, arguments);
    QProcess p;
    p.start(dstest::ServerProcess::binary(), arguments);
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardOutput().isEmpty());
    QVERIFY(p.readAllStandardError().contains("datastore-server:"));
}

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
