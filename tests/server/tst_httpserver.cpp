// ds::server::HttpServer in-process: asynchronous responders, answers kept in
// order, dropped and doubled answers, WebSocket handoff to a route handler
// with the upgrade request's headers, shutdown.
#include "http/httpserver.h"

#include "serverprocess.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <memory>

using namespace Qt::StringLiterals;
using ds::server::HttpRequest;
using ds::server::HttpResponder;
using ds::server::HttpResponse;

class TestHttpServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void asyncResponder();
    void pipelinedAsyncAnswersInOrder();
    void droppedResponderGives500();
    void secondAnswerIgnored();
    void respondAfterClientLeft();
    void requestFields();
    void webSocketHandoff();
    void shutdownWaitsForRequestInFlight();
    void limitsApply();

private:
    std::unique_ptr<QTcpSocket> connectRaw();

    std::unique_ptr<ds::server::HttpServer> m_server;
    QList<HttpResponder> m_parked;
    HttpRequest m_lastRequest;
};

void TestHttpServer::init()
{
    m_server = std::make_unique<ds::server::HttpServer>();
    ds::server::Router &r = m_server->router();
    r.addRoute("GET", u"/sync"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.respond(HttpResponse(200, "sync", "text/plain"));
    });
    r.addRoute("GET", u"/later"_s, [](const HttpRequest &request, HttpResponder responder) {
        const int delay = request.query.queryItemValue(u"ms"_s).toInt();
        const QByteArray tag = request.query.queryItemValue(u"tag"_s).toLatin1();
        QTimer::singleShot(delay, [responder, tag]() mutable {
            responder.respond(HttpResponse(200, tag, "text/plain"));
        });
    });
    r.addRoute("GET", u"/drop"_s, [](const HttpRequest &, HttpResponder) {});
    r.addRoute("GET", u"/twice"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.respond(HttpResponse(200, "first", "text/plain"));
        responder.respond(HttpResponse(500, "second", "text/plain"));
    });
    r.addRoute("GET", u"/park"_s, [this](const HttpRequest &, HttpResponder responder) {
        m_parked.append(responder);
    });
    r.addRoute("POST", u"/echo path"_s, [this](const HttpRequest &request, HttpResponder responder) {
        m_lastRequest = request;
        responder.respond(HttpResponse(200, request.body, "application/octet-stream"));
    });
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    QVERIFY(m_server->serverPort() > 0);
    QCOMPARE(m_server->baseUrl().scheme(), u"http"_s);
}

void TestHttpServer::cleanup()
{
    m_parked.clear();
    m_server.reset();
}

std::unique_ptr<QTcpSocket> TestHttpServer::connectRaw()
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    return socket;
}

// Waits for a response without blocking the server (same thread).
static dstest::RawResponse response(QTcpSocket &socket)
{
    dstest::RawResponse r;
    QByteArray buffer;
    [[maybe_unused]] const bool ok = QTest::qWaitFor([&] {
        buffer += socket.readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        r.head = buffer.left(end + 4);
        const qsizetype length = r.header("content-length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return false;
        r.body = buffer.mid(end + 4, length);
        r.status = buffer.mid(9, 3).toInt();
        r.complete = true;
        // push back what belongs to the next response
        const QByteArray rest = buffer.mid(end + 4 + length);
        buffer.clear();
        if (!rest.isEmpty())
            socket.setProperty("rest", rest);
        return true;
    }, 5000);
    return r;
}

void TestHttpServer::asyncResponder()
{
    auto socket = connectRaw();
    socket->write("GET /later?ms=50&tag=late HTTP/1.1\r\nHost: x\r\n\r\n");
    const dstest::RawResponse r = response(*socket);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("late"));
}

void TestHttpServer::pipelinedAsyncAnswersInOrder()
{
    // The first answer comes last in time, yet goes out first on the wire.
    auto socket = connectRaw();
    socket->write("GET /later?ms=150&tag=a HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /later?ms=0&tag=b HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /sync HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray all;
    QVERIFY(QTest::qWaitFor([&] {
        all += socket->readAll();
        return all.count("HTTP/1.1 200") == 3 && all.endsWith("sync");
    }, 5000));
    const qsizetype a = all.indexOf("\r\n\r\na");
    const qsizetype b = all.indexOf("\r\n\r\nb");
    const qsizetype s = all.indexOf("\r\n\r\nsync");
    QVERIFY(a > 0 && b > a && s > b);
}

void TestHttpServer::droppedResponderGives500()
{
    auto socket = connectRaw();
    socket->write("GET /drop HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::ignoreMessage(QtWarningMsg, "a handler dropped its request without answering");
    const dstest::RawResponse r = response(*socket);
    QCOMPARE(r.status, 500);
    QVERIFY(r.body.contains("InternalFailure"));
}

void TestHttpServer::secondAnswerIgnored()
{
    auto socket = connectRaw();
    QTest::ignoreMessage(QtWarningMsg, "request answered twice; the second answer is dropped");
    socket->write("GET /twice HTTP/1.1\r\nHost: x\r\n\r\nGET /sync HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray all;
    QVERIFY(QTest::qWaitFor([&] {
        all += socket->readAll();
        return all.endsWith("sync");
    }, 5000));
    QCOMPARE(all.count("HTTP/1.1 "), 2);
    QVERIFY(all.contains("first"));
    QVERIFY(!all.contains("second"));
}

void TestHttpServer::respondAfterClientLeft()
{
    auto socket = connectRaw();
    socket->write("GET /park HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE(m_parked.size(), 1);
    QVERIFY(m_parked.front().isConnected());
    socket->abort();
    QTRY_VERIFY(!m_parked.front().isConnected());
    QTRY_COMPARE(m_server->connectionCount(), 0);
    m_parked.front().respond(HttpResponse(200, "nobody", "text/plain"));  // harmless
    QVERIFY(!m_parked.front().isPending());
}

void TestHttpServer::requestFields()
{
    auto socket = connectRaw();
    socket->write("POST /echo%20path?a=1&b=two HTTP/1.1\r\nHost: example.com:99\r\nX-Multi: a\r\n"
                  "x-multi: b, c\r\nContent-Length: 5\r\n\r\nhello");
    const dstest::RawResponse r = response(*socket);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("hello"));
    QCOMPARE(m_lastRequest.method, QByteArray("POST"));
    QCOMPARE(m_lastRequest.path, u"/echo path"_s);
    QCOMPARE(m_lastRequest.target, QByteArray("/echo%20path?a=1&b=two"));
    QCOMPARE(m_lastRequest.query.queryItemValue(u"b"_s), u"two"_s);
    QCOMPARE(m_lastRequest.headers.values("X-MULTI"), (QList<QByteArray>{"a", "b, c"}));
    QCOMPARE(m_lastRequest.headers.listValues("x-multi"), (QList<QByteArray>{"a", "b", "c"}));
    QCOMPARE(m_lastRequest.url(), QUrl(u"http://example.com:99/echo%20path?a=1&b=two"_s));
    QCOMPARE(m_lastRequest.peerAddress, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(!m_lastRequest.secure);
}

void TestHttpServer::webSocketHandoff()
{
    QList<QPointer<QWebSocket>> accepted;
    HttpRequest upgrade;
    ds::server::WebSocketRoute route;
    route.path = u"/graphql/realtime"_s;
    route.subprotocols = {u"graphql-ws"_s};
    route.handler = std::make_shared<ds::server::FunctionWebSocketHandler>(
        [&](QWebSocket *socket, const HttpRequest &request) {
            accepted.append(socket);
            upgrade = request;
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                             [socket](const QString &text) { socket->sendTextMessage(text); });
        });
    m_server->router().addWebSocketRoute(route);
    QSignalSpy acceptedSpy(m_server.get(), &ds::server::HttpServer::webSocketAccepted);

    const QString auth = u"header-eyJob3N0IjoieCJ9"_s;
    QWebSocket client;
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({u"graphql-ws"_s, auth});
    QUrl url = m_server->baseUrl();
    url.setScheme(u"ws"_s);
    url.setPath(u"/graphql/realtime"_s);
    url.setQuery(u"header=e30%3D&payload=e30="_s);
    client.open(url, options);
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(client.subprotocol(), u"graphql-ws"_s);
    QTRY_COMPARE(accepted.size(), 1);
    QCOMPARE(acceptedSpy.size(), 1);
    QCOMPARE(acceptedSpy.front().front().toString(), u"/graphql/realtime"_s);

    // What the realtime hub will look at: offered subprotocols, query, peer.
    QWebSocket *server = accepted.front();
    QCOMPARE(server->subprotocol(), u"graphql-ws"_s);
    QVERIFY(server->request().rawHeader("Sec-WebSocket-Protocol").contains(auth.toLatin1()));
    QCOMPARE(upgrade.headers.listValues("sec-websocket-protocol"),
             (QList<QByteArray>{"graphql-ws", auth.toLatin1()}));
    QCOMPARE(upgrade.query.queryItemValue(u"payload"_s), u"e30="_s);
    QCOMPARE(upgrade.path, u"/graphql/realtime"_s);
    QCOMPARE(upgrade.peerPort, client.localPort());
    QCOMPARE(m_server->connectionCount(), 0);  // no longer an HTTP connection

    QSignalSpy echoed(&client, &QWebSocket::textMessageReceived);
    client.sendTextMessage(u"ping"_s);
    QVERIFY(echoed.wait(5000));
    QCOMPARE(echoed.front().front().toString(), u"ping"_s);

    // Destroying the server with the WebSocket open must be clean.
    QSignalSpy closed(&client, &QWebSocket::disconnected);
    m_server.reset();
    QVERIFY(accepted.front().isNull());
    QVERIFY(closed.wait(5000));
}

void TestHttpServer::shutdownWaitsForRequestInFlight()
{
    auto idle = connectRaw();
    QVERIFY(idle->waitForConnected(5000));
    auto busy = connectRaw();
    busy->write("GET /park HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE(m_parked.size(), 1);
    QTRY_COMPARE(m_server->connectionCount(), 2);

    QSignalSpy drained(m_server.get(), &ds::server::HttpServer::drained);
    QSignalSpy idleClosed(idle.get(), &QTcpSocket::disconnected);
    m_server->shutdown(std::chrono::seconds(5));
    QVERIFY(!m_server->isListening());
    QVERIFY(idleClosed.wait(5000));
    QCOMPARE(drained.size(), 0);

    m_parked.front().respond(HttpResponse(200, "done", "text/plain"));
    const dstest::RawResponse r = response(*busy);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("connection"), QByteArray("close"));
    QTRY_COMPARE(drained.size(), 1);
}

void TestHttpServer::limitsApply()
{
    ds::server::HttpLimits limits;
    limits.maxBodyBytes = 4;
    m_server->setLimits(limits);
    auto socket = connectRaw();
    socket->write("POST /echo%20path HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    QCOMPARE(response(*socket).status, 413);
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
