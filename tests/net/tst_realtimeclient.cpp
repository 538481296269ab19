// RealtimeClient against the real datastore-server (graphql-ws handshake with
// the header- subprotocol, connection_ack, ka, dead-connection detection by
// pausing the server, reconnect with backoff after a restart on the same
// port), plus an in-process QWebSocketServer for the frames the server does
// not produce yet (data, complete, connection_error).
#include "netserver.h"

#include "net/realtimeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::net;
using namespace std::chrono_literals;

namespace {

GraphQLRequest onCreatePost()
{
    return GraphQLRequest{u"subscription operation { onCreatePost { id title _version _lastChangedAt _deleted } }"_s,
                          QJsonObject{}, u"onCreatePost"_s};
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

class tst_RealtimeClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handshakeAckAndKeepAlive();
    void subscriptionAnswerRouted();
    void deadConnectionDetected();
    void reconnectsAfterRestart();
    void closeStopsReconnecting();
    void fakeServerFrames();
    void connectionErrorIsFinal();

private:
    void configure(RealtimeClient &client, const nettest::NetServer &server)
    {
        QUrl url = server.graphqlUrl();
        client.setGraphQLEndpoint(url);
        client.setUrl(realtimeEndpointFor(url));
        client.setAuthorization({AuthorizationType::ApiKey, nettest::NetServer::apiKey(), {}});
        Backoff::Policy fast{50ms, 400ms, 20ms, Backoff::Limit::Cap, 0ms};
        client.setReconnectPolicy(fast);
        client.setConnectionAckTimeout(1500ms);
    }
};

void tst_RealtimeClient::handshakeAckAndKeepAlive()
{
    nettest::NetServer server;
    const QString error = server.start(0, {u"--ka-interval"_s, u"200ms"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    RealtimeClient client;
    configure(client, server);
    QCOMPARE(client.url().toString(), u"ws://127.0.0.1:%1/graphql/realtime"_s.arg(server.port()));

    // graphql-ws + header-<base64url of the auth object>, as amplify-js sends it.
    const QStringList protocols = client.handshakeSubprotocols();
    QCOMPARE(protocols.size(), 2);
    QCOMPARE(protocols.at(0), u"graphql-ws"_s);
    QVERIFY(protocols.at(1).startsWith(u"header-"_s));
    const QJsonObject auth = QJsonDocument::fromJson(QByteArray::fromBase64(
        protocols.at(1).mid(7).toLatin1(), QByteArray::Base64UrlEncoding)).object();
    QCOMPARE(auth.value(u"host"_s).toString(), u"127.0.0.1:%1"_s.arg(server.port()));
    QCOMPARE(auth.value(u"x-api-key"_s).toString(), nettest::NetServer::apiKey());
    QVERIFY(auth.value(u"x-amz-date"_s).toString().endsWith(u'Z'));

    QSignalSpy connected(&client, &RealtimeClient::connected);
    QSignalSpy ka(&client, &RealtimeClient::keepAliveReceived);
    client.open();
    QCOMPARE(client.state(), RealtimeClient::State::Connecting);
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
    QCOMPARE(client.state(), RealtimeClient::State::Connected);
    QCOMPARE(client.keepAliveTimeout(), 300000ms);   // connectionTimeoutMs of the ack
    QTRY_VERIFY_WITH_TIMEOUT(ka.size() >= 3, 5000);   // one at once, then every 200 ms
    client.close();
    QCOMPARE(client.state(), RealtimeClient::State::Disconnected);
}

void tst_RealtimeClient::subscriptionAnswerRouted()
{
    nettest::NetServer server;
    const QString error = server.start(0, {u"--ka-interval"_s, u"200ms"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    RealtimeClient client;
    configure(client, server);
    bool started = false;
    Error failure;
    // Subscribing before the connection: started after the ack.
    const QString id = client.subscribe(onCreatePost(), {[&] { started = true; }, {},
                                                         [&](const Error &e) { failure = e; }, {}});
    QVERIFY(!id.isEmpty());
    client.open();
    QTRY_VERIFY_WITH_TIMEOUT(started || !failure.isNull(), 5000);
    if (started) {
        QVERIFY(client.isSubscriptionStarted(id));
        QSignalSpy completed(&client, &RealtimeClient::subscriptionCompleted);
        client.unsubscribe(id);
        QTRY_COMPARE(completed.size(), 1);
        QCOMPARE(completed.at(0).at(0).toString(), id);
    } else {
        // Today's server refuses subscriptions: the error reaches this id's callback.
        qInfo().noquote() << "server refused the subscription:" << failure.toString();
        QVERIFY(!client.subscriptionIds().contains(id));
        QVERIFY(client.isConnected());   // a subscription error leaves the connection up
    }
}

void tst_RealtimeClient::deadConnectionDetected()
{
    nettest::NetServer server;
    const QString error = server.start(0, {u"--ka-interval"_s, u"200ms"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    RealtimeClient client;
    configure(client, server);
    client.setMaxKeepAliveTimeout(800ms);
    QSignalSpy connected(&client, &RealtimeClient::connected);
    QSignalSpy disconnected(&client, &RealtimeClient::disconnected);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
    QCOMPARE(client.keepAliveTimeout(), 800ms);
    QTest::qWait(1000);   // ka every 200 ms keeps it alive past the window
    QCOMPARE(disconnected.size(), 0);

    // The peer hangs: the socket stays open, nothing arrives.
    server.pause();
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
    QVERIFY(timer.elapsed() >= 500);
    QCOMPARE(disconnected.at(0).at(0).value<Error>().code(), u"KeepAliveTimeout"_s);
    QVERIFY(disconnected.at(0).at(0).value<Error>().isTransient());
    QVERIFY(client.state() != RealtimeClient::State::Connected);

    // It answers again: the client reconnects by itself.
    server.resume();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, 10000);
    QCOMPARE(client.state(), RealtimeClient::State::Connected);
}

void tst_RealtimeClient::reconnectsAfterRestart()
{
    nettest::NetServer server;
    QString error = server.start(0, {u"--ka-interval"_s, u"200ms"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const quint16 port = server.port();
    RealtimeClient client;
    configure(client, server);
    int answers = 0;   // start_ack or error: the start reached the server
    int acks = 0;
    client.subscribe(onCreatePost(), {[&] { ++answers; ++acks; }, {}, [&](const Error &) { ++answers; }, {}});
    QSignalSpy connected(&client, &RealtimeClient::connected);
    QSignalSpy disconnected(&client, &RealtimeClient::disconnected);
    QSignalSpy scheduled(&client, &RealtimeClient::reconnectScheduled);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
    QTRY_COMPARE(answers, 1);

    server.stop();   // SIGKILL: the kernel closes the socket
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
    QCOMPARE(disconnected.at(0).at(0).value<Error>().code(), u"ConnectionClosed"_s);
    // While it is down, attempts fail and the delays grow (capped at 400 ms here).
    QTRY_VERIFY_WITH_TIMEOUT(scheduled.size() >= 4, 5000);
    QVERIFY(client.reconnectFailures() >= 4);
    for (const QList<QVariant> &s : std::as_const(scheduled))
        QVERIFY(s.at(0).toLongLong() >= 50 && s.at(0).toLongLong() <= 420);
    QVERIFY(scheduled.last().at(0).toLongLong() >= scheduled.first().at(0).toLongLong());

    error = server.start(port, {u"--ka-interval"_s, u"200ms"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, 10000);
    if (acks == 1) {
        // A started subscription is started again on the new connection.
        QTRY_COMPARE_WITH_TIMEOUT(answers, 2, 5000);
    } else {
        // Today's server refuses subscriptions (which ends them); a new one
        // still reaches the restarted server.
        client.subscribe(onCreatePost(), {[&] { ++answers; }, {}, [&](const Error &) { ++answers; }, {}});
        QTRY_COMPARE_WITH_TIMEOUT(answers, 2, 5000);
    }
}

void tst_RealtimeClient::closeStopsReconnecting()
{
    nettest::NetServer server;
    const QString error = server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    RealtimeClient client;
    configure(client, server);
    QSignalSpy connected(&client, &RealtimeClient::connected);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
    server.stop();
    QTRY_VERIFY_WITH_TIMEOUT(client.state() == RealtimeClient::State::Reconnecting, 5000);
    client.close();
    QCOMPARE(client.state(), RealtimeClient::State::Disconnected);
    QTest::qWait(600);
    QCOMPARE(client.state(), RealtimeClient::State::Disconnected);
}

void tst_RealtimeClient::fakeServerFrames()
{
    QWebSocketServer fake(u"fake"_s, QWebSocketServer::NonSecureMode);
    fake.setSupportedSubprotocols({u"graphql-ws"_s});
    QVERIFY(fake.listen(QHostAddress::LocalHost));
    QList<QJsonObject> received;
    QWebSocket *peer = nullptr;
    connect(&fake, &QWebSocketServer::newConnection, this, [&] {
        peer = fake.nextPendingConnection();
        connect(peer, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            received.append(m);
            const QString type = m.value(u"type"_s).toString();
            if (type == u"connection_init")
                peer->sendTextMessage(u"{\"type\":\"connection_ack\",\"payload\":{\"connectionTimeoutMs\":60000}}"_s);
            else if (type == u"start")
                peer->sendTextMessage(compact({{u"type"_s, u"start_ack"_s}, {u"id"_s, m.value(u"id"_s)}}));
            else if (type == u"stop")
                peer->sendTextMessage(compact({{u"type"_s, u"complete"_s}, {u"id"_s, m.value(u"id"_s)}}));
        });
    });
    RealtimeClient client;
    client.setUrl(QUrl(u"ws://127.0.0.1:%1/graphql/realtime"_s.arg(fake.serverPort())));
    client.setGraphQLEndpoint(QUrl(u"http://api.example:8080/graphql"_s));
    client.setAuthorization({AuthorizationType::AmazonCognitoUserPools, {}, [] { return u"jwt-1"_s; }});
    QList<QJsonObject> dataA, dataB;
    const QString a = client.subscribe(onCreatePost(), {{}, [&](const QJsonObject &d) { dataA.append(d); }, {}, {}});
    const QString b = client.subscribe(onCreatePost(), {{}, [&](const QJsonObject &d) { dataB.append(d); }, {}, {}});
    QSignalSpy started(&client, &RealtimeClient::subscriptionStarted);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(started.size(), 2, 5000);
    QCOMPARE(client.keepAliveTimeout(), 60000ms);
    QVERIFY(peer);
    QCOMPARE(peer->subprotocol(), u"graphql-ws"_s);

    // The start frame: payload.data is a JSON string; extensions carry the JWT auth object.
    QCOMPARE(received.at(0), (QJsonObject{{u"type"_s, u"connection_init"_s}}));
    const QJsonObject start = received.at(1);
    QCOMPARE(start.value(u"type"_s).toString(), u"start"_s);
    const QJsonObject payload = start.value(u"payload"_s).toObject();
    QCOMPARE(QJsonDocument::fromJson(payload.value(u"data"_s).toString().toUtf8()).object(), onCreatePost().toJson());
    QCOMPARE(payload.value(u"extensions"_s).toObject().value(u"authorization"_s).toObject(),
             (QJsonObject{{u"host"_s, u"api.example:8080"_s}, {u"Authorization"_s, u"jwt-1"_s}}));

    // data frames go to their own subscription only.
    const QJsonObject item{{u"onCreatePost"_s, QJsonObject{{u"id"_s, u"p1"_s}}}};
    peer->sendTextMessage(compact({{u"type"_s, u"data"_s}, {u"id"_s, b}, {u"payload"_s, QJsonObject{{u"data"_s, item}}}}));
    QTRY_COMPARE(dataB.size(), 1);
    QCOMPARE(dataB.at(0), item);
    QCOMPARE(dataA.size(), 0);
    // stop -> complete.
    QSignalSpy completed(&client, &RealtimeClient::subscriptionCompleted);
    client.unsubscribe(a);
    QTRY_COMPARE(completed.size(), 1);
    QCOMPARE(completed.at(0).at(0).toString(), a);
    QCOMPARE(received.last(), (QJsonObject{{u"id"_s, a}, {u"type"_s, u"stop"_s}}));
    QCOMPARE(client.subscriptionIds(), QStringList{b});
    // An error frame ends that subscription.
    QSignalSpy failed(&client, &RealtimeClient::subscriptionFailed);
    peer->sendTextMessage(compact({{u"type"_s, u"error"_s}, {u"id"_s, b}, {u"payload"_s,
        QJsonObject{{u"errors"_s, QJsonArray{QJsonObject{{u"errorType"_s, u"Unauthorized"_s},
                                                          {u"message"_s, u"Not Authorized"_s}}}}}}}));
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(1).value<Error>().code(), u"Unauthorized"_s);
    QCOMPARE(failed.at(0).at(1).value<Error>().domain(), Error::Domain::Auth);
    QVERIFY(client.subscriptionIds().isEmpty());
    client.close();
}

void tst_RealtimeClient::connectionErrorIsFinal()
{
    QWebSocketServer fake(u"fake"_s, QWebSocketServer::NonSecureMode);
    fake.setSupportedSubprotocols({u"graphql-ws"_s});
    QVERIFY(fake.listen(QHostAddress::LocalHost));
    connect(&fake, &QWebSocketServer::newConnection, this, [&] {
        QWebSocket *peer = fake.nextPendingConnection();
        connect(peer, &QWebSocket::textMessageReceived, peer, [peer] {
            peer->sendTextMessage(u"{\"type\":\"connection_error\",\"payload\":{\"errors\":[{\"errorType\":"
                                  "\"UnauthorizedException\",\"message\":\"bad key\",\"errorCode\":401}]}}"_s);
        });
    });
    RealtimeClient client;
    client.setUrl(QUrl(u"ws://127.0.0.1:%1/graphql/realtime"_s.arg(fake.serverPort())));
    client.setAuthorization({AuthorizationType::ApiKey, u"wrong"_s, {}});
    QSignalSpy errors(&client, &RealtimeClient::errorOccurred);
    QSignalSpy scheduled(&client, &RealtimeClient::reconnectScheduled);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 5000);
    const Error e = errors.at(0).at(0).value<Error>();
    QCOMPARE(e.domain(), Error::Domain::Auth);
    QCOMPARE(e.code(), u"UnauthorizedException"_s);
    QVERIFY(!e.isTransient());
    QCOMPARE(client.state(), RealtimeClient::State::Disconnected);
    QTest::qWait(300);
    QCOMPARE(scheduled.size(), 0);   // 401 is not retried
}

QTEST_GUILESS_MAIN(tst_RealtimeClient)
#include "tst_realtimeclient.moc"
