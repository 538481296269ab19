// The AppSync realtime protocol of RealtimeHub, in process: the three
// handshake auth styles and their refusals (connection_error + close),
// connection_ack / ka / init timeout, start_ack, stop/complete, errors for bad
// documents, `not` filters, auth per start, duplicate ids, limits, and garbage
// (non-JSON, binary, unknown types, oversized messages) that must never hurt.
#include "tst_realtime_util.h"

#include <QSignalSpy>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using rttest::Client;

class TestRealtimeProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handshakeStyles_data();
    void handshakeStyles();
    void refusedHandshake_data();
    void refusedHandshake();
    void keepAlive();
    void initTimeout();
    void startWithoutInit();
    void startAckAndStop();
    void badDocuments_data();
    void badDocuments();
    void notFilterRejected();
    void badFilterField();
    void filterLimits();
    void startAuth();
    void ownerOnlyModel();
    void duplicateId();
    void subscriptionLimit();
    void garbage();
    void disconnectCleansUp();

private:
    static QString firstErrorType(const QJsonObject &frame)
    {
        return frame.value(u"payload"_s).toObject().value(u"errors"_s).toArray().at(0).toObject()
            .value(u"errorType"_s).toString();
    }
    static QString firstErrorMessage(const QJsonObject &frame)
    {
        return frame.value(u"payload"_s).toObject().value(u"errors"_s).toArray().at(0).toObject()
            .value(u"message"_s).toString();
    }
};

void TestRealtimeProtocol::handshakeStyles_data()
{
    QTest::addColumn<QStringList>("protocols");
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("rawHeaders");
    const QByteArray auth = rttest::compact(rttest::apiKeyAuth());
    QTest::newRow("subprotocol header-<base64url> (amplify-js 6)")
        << QStringList{rttest::headerProtocol(rttest::apiKeyAuth())} << QString() << false;
    QTest::newRow("?header=<base64>&payload=e30= (older amplify-js)")
        << QStringList{}
        << (u"header="_s + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(auth.toBase64())))
            + u"&payload=e30="_s)
        << false;
    QTest::newRow("plain upgrade headers (amplify-android)") << QStringList{} << QString() << true;
}

void TestRealtimeProtocol::handshakeStyles()
{
    QFETCH(QStringList, protocols);
    QFETCH(QString, query);
    QFETCH(bool, rawHeaders);
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (rawHeaders)
        headers = {{"x-api-key", rttest::kApiKey}, {"x-amz-date", "20261124T212254Z"}};
    QVERIFY(c.open(f, protocols, query, headers));
    QCOMPARE(c.socket.subprotocol(), u"graphql-ws"_s);
    c.sendText(u"{\"type\":\"connection_init\"}"_s);
    QVERIFY(c.waitFor(u"ka"_s));
    // Exactly the frames AppSync (and the capture) sends, compact.
    QCOMPARE(c.frames.value(0), u"{\"type\":\"connection_ack\",\"payload\":{\"connectionTimeoutMs\":300000}}"_s);
    QCOMPARE(c.frames.value(1), u"{\"type\":\"ka\"}"_s);
    QCOMPARE(f.hub->connectionCount(), 1);
}

void TestRealtimeProtocol::refusedHandshake_data()
{
    QTest::addColumn<QStringList>("protocols");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<int>("errorCode");
    QTest::newRow("wrong key, subprotocol")
        << QStringList{rttest::headerProtocol(rttest::apiKeyAuth("da2-wrong"))} << QString()
        << u"UnauthorizedException"_s << 401;
    QTest::newRow("wrong key, query string")
        << QStringList{}
        << (u"header="_s + QString::fromLatin1(rttest::compact(rttest::apiKeyAuth("nope")).toBase64().toPercentEncoding())
            + u"&payload=e30="_s)
        << u"UnauthorizedException"_s << 401;
    QTest::newRow("no auth at all") << QStringList{} << QString() << u"UnauthorizedException"_s << 401;
    QTest::newRow("JWT while only API keys are configured")
        << QStringList{rttest::headerProtocol(QJsonObject{{u"host"_s, u"h"_s}, {u"Authorization"_s, u"eyJ.x.y"_s}})}
        << QString() << u"UnauthorizedException"_s << 401;
    QTest::newRow("header- not base64 JSON") << QStringList{u"header-!!!!"_s} << QString()
                                               << u"BadRequestException"_s << 400;
    QTest::newRow("header= not base64 JSON") << QStringList{} << u"header=bm90IGpzb24&payload=e30="_s
                                               << u"BadRequestException"_s << 400;
}

void TestRealtimeProtocol::refusedHandshake()
{
    QFETCH(QStringList, protocols);
    QFETCH(QString, query);
    QFETCH(QString, errorType);
    QFETCH(int, errorCode);
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    c.open(f, protocols, query);
    c.sendText(u"{\"type\":\"connection_init\"}"_s);
    const auto error = c.waitFor(u"connection_error"_s);
    QVERIFY(error);
    const QJsonObject e = error->value(u"payload"_s).toObject().value(u"errors"_s).toArray().at(0).toObject();
    QCOMPARE(e.value(u"errorType"_s).toString(), errorType);
    QCOMPARE(e.value(u"errorCode"_s).toInt(), errorCode);
    QVERIFY(!e.value(u"message"_s).toString().isEmpty());
    QVERIFY(!c.frames.front().contains(u"\": "_s));   // compact: clients match substrings
    QTRY_VERIFY_WITH_TIMEOUT(c.closed, 5000);
    QVERIFY(!c.waitFor(u"connection_ack"_s, {}, 50));
    QTRY_COMPARE_WITH_TIMEOUT(f.hub->connectionCount(), 0, 5000);
}

void TestRealtimeProtocol::keepAlive()
{
    rttest::Fixture f;
    ds::server::RealtimeOptions options;
    options.keepAliveInterval = 100ms;
    QVERIFY2(f.start(options).isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    QTRY_VERIFY_WITH_TIMEOUT(c.frames.count(u"{\"type\":\"ka\"}"_s) >= 4, 5000);
    QVERIFY(c.frames.front().startsWith(u"{\"type\":\"connection_ack\""_s));
}

void TestRealtimeProtocol::initTimeout()
{
    rttest::Fixture f;
    ds::server::RealtimeOptions options;
    options.connectionInitTimeout = 200ms;
    QVERIFY2(f.start(options).isEmpty(), "fixture");
    Client silent;
    QVERIFY(silent.openWithApiKey(f));
    Client polite;
    QVERIFY(polite.openWithApiKey(f));
    QVERIFY(polite.init());
    QTRY_VERIFY_WITH_TIMEOUT(silent.closed, 5000);
    QCOMPARE(silent.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QTest::qWait(300);
    QVERIFY(!polite.closed);
}

void TestRealtimeProtocol::startWithoutInit()
{
    // connection_init is optional per the AppSync guide: start alone works.
    rttest::Fixture f;
    ds::server::RealtimeOptions options;
    options.connectionInitTimeout = 300ms;
    QVERIFY2(f.start(options).isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QCOMPARE(c.subscribe(u"s1"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
    QTest::qWait(500);
    QVERIFY(!c.closed);
}

void TestRealtimeProtocol::startAckAndStop()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QString id = u"8a1f2b3c-0000-4000-8000-000000000001"_s;
    const QJsonObject ack = c.subscribe(id, rttest::postSubscription(u"onCreatePost"_s));
    QCOMPARE(ack.value(u"type"_s).toString(), u"start_ack"_s);
    QVERIFY(c.frames.contains(u"{\"type\":\"start_ack\",\"id\":\"8a1f2b3c-0000-4000-8000-000000000001\"}"_s));
    QCOMPARE(f.hub->subscriptionCount(), 1);

    c.send(QJsonObject{{u"id"_s, id}, {u"type"_s, u"stop"_s}});
    QVERIFY(c.waitFor(u"complete"_s, id));
    QVERIFY(c.frames.contains(u"{\"type\":\"complete\",\"id\":\"8a1f2b3c-0000-4000-8000-000000000001\"}"_s));
    QCOMPARE(f.hub->subscriptionCount(), 0);
    // No more events for it.
    f.feed->publish(rttest::change(u"createPost"_s, rttest::post(u"p1"_s, u"t"_s, 1)));
    QTest::qWait(100);
    QVERIFY(c.dataFrames(id).isEmpty());
    // A stop for an id that is not (or no longer) there still completes.
    c.markSeen();
    c.send(QJsonObject{{u"id"_s, u"unknown"_s}, {u"type"_s, u"stop"_s}});
    QVERIFY(c.waitFor(u"complete"_s, u"unknown"_s));
    // The id can be reused after stop.
    QCOMPARE(c.subscribe(id, rttest::postSubscription(u"onUpdatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
}

void TestRealtimeProtocol::badDocuments_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("syntax error") << u"subscription { onCreatePost { id "_s << QString() << QString();
    QTest::newRow("unknown field") << u"subscription { onCreatePost { id nope } }"_s << QString() << u"nope"_s;
    QTest::newRow("unknown root field") << u"subscription { onCreateBlog { id } }"_s << QString()
                                         << u"onCreateBlog"_s;
    QTest::newRow("query") << u"query { getPost(id: \"1\") { id } }"_s << u"UnsupportedOperation"_s
                           << u"query not supported through the realtime channel"_s;
    QTest::newRow("mutation") << u"mutation { deletePost(input: {id: \"1\"}) { id } }"_s
                              << u"UnsupportedOperation"_s
                              << u"mutation not supported through the realtime channel"_s;
    QTest::newRow("empty query") << QString() << u"UnsupportedOperation"_s << u"not supported"_s;
    QTest::newRow("two root fields") << u"subscription { onCreatePost { id } onUpdatePost { id } }"_s
                                     << QString() << QString();
}

void TestRealtimeProtocol::badDocuments()
{
    QFETCH(QString, query);
    QFETCH(QString, errorType);
    QFETCH(QString, messagePart);
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QJsonObject answer = c.subscribe(u"bad"_s, query);
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(answer.value(u"id"_s).toString(), u"bad"_s);
    if (!errorType.isEmpty())
        QCOMPARE(firstErrorType(answer), errorType);
    QVERIFY(!firstErrorMessage(answer).isEmpty());
    QVERIFY2(firstErrorMessage(answer).contains(messagePart), qPrintable(firstErrorMessage(answer)));
    QCOMPARE(f.hub->subscriptionCount(), 0);
    // The connection stays usable.
    QCOMPARE(c.subscribe(u"good"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
}

void TestRealtimeProtocol::notFilterRejected()
{
    // amplify-js recognises this message and falls back to client-side filtering.
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QJsonObject filter{{u"not"_s, QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 5}}}}}};
    QJsonObject answer = c.subscribe(u"n1"_s, rttest::postSubscription(u"onCreatePost"_s, true),
                                     QJsonObject{{u"filter"_s, filter}});
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QString message = firstErrorMessage(answer);
    QVERIFY2(message.contains(u"The variables input contains a field name 'not'"_s), qPrintable(message));
    QVERIFY(message.contains(u"ModelSubscriptionPostFilterInput"_s));
    // Not mistaken for the other RTF error JS matches.
    QVERIFY(!message.contains(u"The variables input contains a field that is not defined"_s));

    // Nested inside and/or too.
    const QJsonObject nested{{u"and"_s, QJsonArray{QJsonObject{{u"not"_s, QJsonObject{{u"rating"_s, QJsonObject{{u"eq"_s, 1}}}}}}}}};
    answer = c.subscribe(u"n2"_s, rttest::postSubscription(u"onCreatePost"_s, true), QJsonObject{{u"filter"_s, nested}});
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    message = firstErrorMessage(answer);
    QVERIFY2(message.contains(u"The variables input contains a field name 'not'"_s), qPrintable(message));
    QCOMPARE(f.hub->subscriptionCount(), 0);
}

void TestRealtimeProtocol::badFilterField()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QJsonObject filter{{u"ratng"_s, QJsonObject{{u"gt"_s, 5}}}};
    const QJsonObject answer = c.subscribe(u"f1"_s, rttest::postSubscription(u"onCreatePost"_s, true),
                                           QJsonObject{{u"filter"_s, filter}});
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QVERIFY2(firstErrorMessage(answer).contains(u"field name 'ratng'"_s), qPrintable(firstErrorMessage(answer)));
}

void TestRealtimeProtocol::filterLimits()
{
    // Subscription filters have `in`; a list past the limit, or too many
    // conditions, is refused with the limit named.
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    QJsonArray values;
    for (int i = 0; i < 150; ++i)
        values.append(i);
    QJsonObject answer = c.subscribe(u"l1"_s, rttest::postSubscription(u"onCreatePost"_s, true),
                                     QJsonObject{{u"filter"_s, QJsonObject{{u"rating"_s, QJsonObject{{u"in"_s, values}}}}}});
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QVERIFY2(firstErrorMessage(answer).contains(u"filter.rating.in: 150 values; the maximum is 100"_s),
             qPrintable(firstErrorMessage(answer)));
    QJsonArray many;
    for (int i = 0; i < 600; ++i)
        many.append(QJsonObject{{u"rating"_s, QJsonObject{{u"eq"_s, i}}}});
    answer = c.subscribe(u"l2"_s, rttest::postSubscription(u"onCreatePost"_s, true),
                         QJsonObject{{u"filter"_s, QJsonObject{{u"or"_s, many}}}});
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QVERIFY2(firstErrorMessage(answer).contains(u"more than 500 conditions"_s), qPrintable(firstErrorMessage(answer)));
}

void TestRealtimeProtocol::startAuth()
{
    // The start's own authorization is checked again.
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    c.send(Client::startMessage(u"s1"_s, rttest::postSubscription(u"onCreatePost"_s), {},
                                rttest::apiKeyAuth("da2-wrong")));
    const auto error = c.waitFor(u"error"_s, u"s1"_s);
    QVERIFY(error);
    QCOMPARE(firstErrorType(*error), u"UnauthorizedException"_s);
    QCOMPARE(f.hub->subscriptionCount(), 0);
    QVERIFY(!c.closed);
}

void TestRealtimeProtocol::ownerOnlyModel()
{
    // Note allows only its owner (user pools): an API key may not listen.
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QJsonObject answer = c.subscribe(u"n"_s, u"subscription { onCreateNote { id title } }"_s);
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(firstErrorType(answer), u"Unauthorized"_s);
    QCOMPARE(firstErrorMessage(answer), u"Not Authorized to access onCreateNote on type Subscription"_s);
}

void TestRealtimeProtocol::duplicateId()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    QCOMPARE(c.subscribe(u"dup"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
    c.markSeen();
    c.send(Client::startMessage(u"dup"_s, rttest::postSubscription(u"onUpdatePost"_s)));
    const auto error = c.waitFor(u"error"_s, u"dup"_s);
    QVERIFY(error);
    QCOMPARE(firstErrorType(*error), u"DuplicatedOperationError"_s);
    QCOMPARE(f.hub->subscriptionCount(), 1);
}

void TestRealtimeProtocol::subscriptionLimit()
{
    rttest::Fixture f;
    ds::server::RealtimeOptions options;
    options.maxSubscriptionsPerConnection = 3;
    QVERIFY2(f.start(options).isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(c.subscribe(u"s"_s + QString::number(i), rttest::postSubscription(u"onCreatePost"_s))
                     .value(u"type"_s).toString(), u"start_ack"_s);
    }
    const QJsonObject answer = c.subscribe(u"s3"_s, rttest::postSubscription(u"onCreatePost"_s));
    QCOMPARE(answer.value(u"type"_s).toString(), u"error"_s);
    QCOMPARE(firstErrorType(answer), u"MaxSubscriptionsReachedError"_s);
    // Stopping one frees a slot.
    c.send(QJsonObject{{u"id"_s, u"s0"_s}, {u"type"_s, u"stop"_s}});
    QVERIFY(c.waitFor(u"complete"_s, u"s0"_s));
    QCOMPARE(c.subscribe(u"s4"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
}

void TestRealtimeProtocol::garbage()
{
    rttest::Fixture f;
    ds::server::RealtimeOptions options;
    options.maxMessageBytes = 4096;
    QVERIFY2(f.start(options).isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());

    const auto expectError = [&](const QString &errorType) {
        c.markSeen();
        const auto error = c.waitFor(u"error"_s);
        if (!error)
            return false;
        c.markSeen();
        return firstErrorType(*error) == errorType;
    };
    c.markSeen();
    c.sendText(u"this is not JSON"_s);
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"[1,2,3]"_s);
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"{\"type\":42}"_s);
    QVERIFY(expectError(u"UnsupportedOperation"_s));
    c.sendText(u"{\"type\":\"subscribe\",\"id\":\"x\"}"_s);
    QVERIFY(expectError(u"UnsupportedOperation"_s));
    c.socket.sendBinaryMessage(QByteArray("\x00\x01\x02", 3));
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"{\"type\":\"start\",\"id\":\"big\",\"payload\":{\"data\":\""_s + QString(8000, u'x') + u"\"}}"_s);
    QVERIFY(expectError(u"LimitExceededError"_s));
    // start with broken payloads
    c.sendText(u"{\"type\":\"start\"}"_s);
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"{\"type\":\"start\",\"id\":\"p\",\"payload\":{\"data\":{\"query\":1}}}"_s);
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"{\"type\":\"start\",\"id\":\"q\",\"payload\":{\"data\":\"{not json\"}}"_s);
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"{\"type\":\"start\",\"id\":\"r\",\"payload\":null}"_s);
    QVERIFY(expectError(u"BadRequestException"_s));
    c.sendText(u"{\"type\":\"stop\"}"_s);
    QVERIFY(c.waitFor(u"complete"_s));

    // Still alive and serving.
    QVERIFY(!c.closed);
    QCOMPARE(c.subscribe(u"ok"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
}

void TestRealtimeProtocol::disconnectCleansUp()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    {
        Client c;
        QVERIFY(c.openWithApiKey(f));
        QVERIFY(c.init());
        QCOMPARE(c.subscribe(u"a"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
                 u"start_ack"_s);
        QCOMPARE(c.subscribe(u"b"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
                 u"start_ack"_s);
        QCOMPARE(f.hub->subscriptionCount(), 2);
        c.socket.close();
        QTRY_VERIFY_WITH_TIMEOUT(c.closed, 5000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(f.hub->connectionCount(), 0, 5000);
    QCOMPARE(f.hub->subscriptionCount(), 0);
    // Delivering afterwards touches nothing that is gone.
    f.hub->deliver(rttest::change(u"createPost"_s, rttest::post(u"p"_s, u"t"_s, 1)));
    QCOMPARE(f.hub->stats().frames, quint64(0));
    // closeAll on a hub with live sockets.
    Client d;
    QVERIFY(d.openWithApiKey(f));
    QVERIFY(f.hub->hasOpenSockets());
    f.hub->closeAll();
    QTRY_VERIFY_WITH_TIMEOUT(d.closed, 5000);
    QCOMPARE(d.socket.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QTRY_VERIFY_WITH_TIMEOUT(!f.hub->hasOpenSockets(), 5000);
}

QTEST_MAIN(TestRealtimeProtocol)
#include "tst_realtime_protocol.moc"
