// Fan-out of ChangeFeed changes by RealtimeHub, in process: the exact data
// frame amplify-js expects, the @aws_subscribe index (createPost reaches
// onCreatePost only), enhanced filters (eq, in, notIn, and, or, beginsWith,
// contains), the mutation's selection restricting the payload, one
// serialization per group of identical subscriptions, and many clients
// receiving one change (200 always; the time for 1,000 is printed).
#include "tst_realtime_util.h"

#include <QElapsedTimer>

using namespace Qt::StringLiterals;
using rttest::Client;

class TestRealtimeFanout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dataFrameShape();
    void mutationIndex();
    void filters_data();
    void filters();
    void mutationSelectionRestrictsPayload();
    void aliasesAndTypename();
    void filterPerSubscription();
    void ownerArgumentAndInjectedOwner();
    void oneSerializationPerGroup();
    void manyClients_data();
    void manyClients();
};

static QJsonObject parse(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

void TestRealtimeFanout::dataFrameShape()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QString id = u"3f0c9a52-7d1e-4c3b-9d55-5b0c1a2e7f10"_s;
    QCOMPARE(c.subscribe(id, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
             u"start_ack"_s);
    f.feed->publish(rttest::change(u"createPost"_s, rttest::post(u"p1"_s, u"[Amplify] Hello"_s, 7)));
    QTRY_COMPARE_WITH_TIMEOUT(c.dataFrames(id).size(), 1, 5000);
    // Compact, keys in selection order, as AppSync sends it to amplify-js.
    QCOMPARE(c.dataFrames(id).front(),
             u"{\"type\":\"data\",\"id\":\"3f0c9a52-7d1e-4c3b-9d55-5b0c1a2e7f10\",\"payload\":{\"data\":{\"onCreatePost\":"
             "{\"id\":\"p1\",\"title\":\"[Amplify] Hello\",\"content\":\"first content\",\"rating\":7,"
             "\"status\":\"DRAFT\",\"tags\":[\"a\",\"b\"],\"createdAt\":\"2026-11-24T21:22:58.200Z\","
             "\"updatedAt\":\"2026-11-24T21:22:58.200Z\",\"_version\":1,\"_lastChangedAt\":1795555378200,"
             "\"_deleted\":false}}}}"_s);
}

void TestRealtimeFanout::mutationIndex()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    for (const QString &field : {u"onCreatePost"_s, u"onUpdatePost"_s, u"onDeletePost"_s})
        QCOMPARE(c.subscribe(field, rttest::postSubscription(field)).value(u"type"_s).toString(), u"start_ack"_s);
    QCOMPARE(f.hub->subscriptionCount(), 3);

    QJsonObject updated = rttest::post(u"p1"_s, u"edited"_s, 8);
    updated[u"_version"_s] = 2;
    f.feed->publish(rttest::change(u"updatePost"_s, updated));
    QJsonObject deleted = updated;
    deleted[u"_version"_s] = 3;
    deleted[u"_deleted"_s] = true;
    f.feed->publish(rttest::change(u"deletePost"_s, deleted));
    QTRY_COMPARE_WITH_TIMEOUT(c.dataFrames(u"onDeletePost"_s).size(), 1, 5000);
    QTest::qWait(50);
    QCOMPARE(c.dataFrames(u"onCreatePost"_s).size(), 0);
    QCOMPARE(c.dataFrames(u"onUpdatePost"_s).size(), 1);
    const QJsonObject del = parse(c.dataFrames(u"onDeletePost"_s).front())
        .value(u"payload"_s).toObject().value(u"data"_s).toObject().value(u"onDeletePost"_s).toObject();
    QCOMPARE(del.value(u"_deleted"_s).toBool(), true);
    QCOMPARE(del.value(u"_version"_s).toInt(), 3);
    // Nobody subscribed to createComment: nothing happens.
    f.hub->deliver(rttest::change(u"createComment"_s, QJsonObject{{u"id"_s, u"c1"_s}}));
}

void TestRealtimeFanout::filters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("expected");   // ids of the items below that pass
    // Items: a (rating 7, DRAFT, "[Amplify] Hello"), b (rating 3, PUBLISHED, "Other"),
    // c (rating 9, ARCHIVED, "[Amplify] Bye"), d (rating null, DRAFT, "x").
    QTest::newRow("eq") << u"{\"rating\":{\"eq\":7}}"_s << QStringList{u"a"_s};
    QTest::newRow("ne") << u"{\"status\":{\"ne\":\"DRAFT\"}}"_s << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("in") << u"{\"status\":{\"in\":[\"PUBLISHED\",\"ARCHIVED\"]}}"_s << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("notIn") << u"{\"rating\":{\"notIn\":[3,9]}}"_s << QStringList{u"a"_s, u"d"_s};
    QTest::newRow("and of one (JS sync expression)") << u"{\"and\":[{\"rating\":{\"gt\":5}}]}"_s
                                                     << QStringList{u"a"_s, u"c"_s};
    QTest::newRow("and") << u"{\"and\":[{\"rating\":{\"gt\":5}},{\"title\":{\"beginsWith\":\"[Amplify] H\"}}]}"_s
                         << QStringList{u"a"_s};
    QTest::newRow("or") << u"{\"or\":[{\"rating\":{\"lt\":5}},{\"status\":{\"eq\":\"ARCHIVED\"}}]}"_s
                        << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("and inside or")
        << u"{\"or\":[{\"and\":[{\"rating\":{\"ge\":7}},{\"status\":{\"eq\":\"DRAFT\"}}]},{\"title\":{\"eq\":\"x\"}}]}"_s
        << QStringList{u"a"_s, u"d"_s};
    QTest::newRow("between") << u"{\"rating\":{\"between\":[3,7]}}"_s << QStringList{u"a"_s, u"b"_s};
    QTest::newRow("contains on a list") << u"{\"tags\":{\"contains\":\"z\"}}"_s << QStringList{u"c"_s};
    QTest::newRow("no filter object") << u"{}"_s << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s};
}

void TestRealtimeFanout::filters()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, expected);
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    const QJsonObject answer = c.subscribe(u"s"_s, rttest::postSubscription(u"onCreatePost"_s, true),
                                           QJsonObject{{u"filter"_s, parse(filter)}});
    QCOMPARE(answer.value(u"type"_s).toString(), u"start_ack"_s);

    QJsonObject a = rttest::post(u"a"_s, u"[Amplify] Hello"_s, 7, u"DRAFT"_s);
    QJsonObject b = rttest::post(u"b"_s, u"Other"_s, 3, u"PUBLISHED"_s);
    QJsonObject cc = rttest::post(u"c"_s, u"[Amplify] Bye"_s, 9, u"ARCHIVED"_s);
    cc[u"tags"_s] = QJsonArray{u"y"_s, u"z"_s};
    QJsonObject d = rttest::post(u"d"_s, u"x"_s, 0, u"DRAFT"_s);
    d[u"rating"_s] = QJsonValue::Null;
    for (const QJsonObject &item : {a, b, cc, d})
        f.feed->publish(rttest::change(u"createPost"_s, item));
    // A marker that always passes the "no filter" row, and shows that all the others were processed.
    QTest::qWait(200);
    QStringList received;
    for (const QString &text : c.dataFrames(u"s"_s)) {
        received.append(parse(text).value(u"payload"_s).toObject().value(u"data"_s).toObject()
                            .value(u"onCreatePost"_s).toObject().value(u"id"_s).toString());
    }
    QCOMPARE(received, expected);
}

void TestRealtimeFanout::mutationSelectionRestrictsPayload()
{
    // AppSync: fields selected by the subscription but not by the mutation come out null.
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    QCOMPARE(c.subscribe(u"s"_s, u"subscription { onUpdatePost { id title rating content } }"_s)
                 .value(u"type"_s).toString(), u"start_ack"_s);
    QCOMPARE(c.subscribe(u"meta"_s, u"subscription { onUpdatePost { id _version } }"_s)
                 .value(u"type"_s).toString(), u"start_ack"_s);
    f.feed->publish(rttest::change(u"updatePost"_s, rttest::post(u"p1"_s, u"t"_s, 4),
                                   {u"id"_s, u"title"_s, u"content"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(c.dataFrames(u"s"_s).size(), 1, 5000);
    QCOMPARE(c.dataFrames(u"s"_s).front(),
             u"{\"type\":\"data\",\"id\":\"s\",\"payload\":{\"data\":{\"onUpdatePost\":"
             "{\"id\":\"p1\",\"title\":\"t\",\"rating\":null,\"content\":\"first content\"}}}}"_s);
    // A non-null field the mutation did not select nulls the whole event, with
    // an error, as on AppSync (hence "select _version _lastChangedAt _deleted").
    QTRY_COMPARE_WITH_TIMEOUT(c.dataFrames(u"meta"_s).size(), 1, 5000);
    const QJsonObject payload = parse(c.dataFrames(u"meta"_s).front()).value(u"payload"_s).toObject();
    QVERIFY(payload.value(u"data"_s).toObject().value(u"onUpdatePost"_s).isNull());
    QVERIFY(payload.value(u"errors"_s).toArray().at(0).toObject().value(u"message"_s).toString().contains(u"_version"_s));
}

void TestRealtimeFanout::aliasesAndTypename()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    QCOMPARE(c.subscribe(u"s"_s, u"subscription S { post: onCreatePost { __typename id heading: title } }"_s)
                 .value(u"type"_s).toString(), u"start_ack"_s);
    f.feed->publish(rttest::change(u"createPost"_s, rttest::post(u"p1"_s, u"t"_s, 4)));
    QTRY_COMPARE_WITH_TIMEOUT(c.dataFrames(u"s"_s).size(), 1, 5000);
    QCOMPARE(c.dataFrames(u"s"_s).front(),
             u"{\"type\":\"data\",\"id\":\"s\",\"payload\":{\"data\":{\"post\":"
             "{\"__typename\":\"Post\",\"id\":\"p1\",\"heading\":\"t\"}}}}"_s);
}

void TestRealtimeFanout::filterPerSubscription()
{
    // Two subscriptions on one mutation, one filtered: evaluated separately.
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    Client c;
    QVERIFY(c.openWithApiKey(f));
    QVERIFY(c.init());
    QCOMPARE(c.subscribe(u"mine"_s, u"subscription($f: ModelSubscriptionCommentFilterInput) { onCreateComment(filter: $f) { id postID } }"_s,
                         QJsonObject{{u"f"_s, QJsonObject{{u"postID"_s, QJsonObject{{u"eq"_s, u"p1"_s}}}}}})
                 .value(u"type"_s).toString(), u"start_ack"_s);
    QCOMPARE(c.subscribe(u"all"_s, u"subscription { onCreateComment { id postID } }"_s).value(u"type"_s).toString(),
             u"start_ack"_s);
    auto comment = [](const QString &id, const QString &postID) {
        ds::server::ServerChange ch;
        ch.model = u"Comment"_s;
        ch.mutationField = u"createComment"_s;
        ch.item = QJsonObject{{u"id"_s, id}, {u"postID"_s, postID}, {u"content"_s, u"x"_s}};
        return ch;
    };
    f.feed->publish(comment(u"c1"_s, u"p1"_s));
    f.feed->publish(comment(u"c2"_s, u"p2"_s));
    QTRY_COMPARE_WITH_TIMEOUT(c.dataFrames(u"all"_s).size(), 2, 5000);
    QTest::qWait(50);
    QCOMPARE(c.dataFrames(u"mine"_s).size(), 1);
    QVERIFY(c.dataFrames(u"mine"_s).front().contains(u"\"id\":\"c1\""_s));
}

void TestRealtimeFanout::ownerArgumentAndInjectedOwner()
{
    // Note allows only its owner (user pools). A stand-in authenticator maps
    // tokens to users. The owner argument must be the caller; without it the
    // caller still sees only its own notes (the runtime owner filter).
    rttest::Fixture f;
    f.authenticator = [](const QJsonObject &headers) {
        const QString token = headers.value(u"Authorization"_s).toString();
        if (token == u"token-alice" || token == u"token-bob")
            return ds::server::RealtimeAuthResult::allowed(ds::server::RealtimeAuthResult::Provider::UserPools,
                                                           token.mid(6));
        return ds::server::RealtimeAuthResult::denied();
    };
    QVERIFY2(f.start().isEmpty(), "fixture");
    const auto jwt = [](const QString &token) {
        return QJsonObject{{u"host"_s, u"127.0.0.1"_s}, {u"Authorization"_s, token}};
    };
    Client alice;
    QVERIFY(alice.open(f, {rttest::headerProtocol(jwt(u"token-alice"_s))}));
    QVERIFY(alice.init());
    const QString byOwner = u"subscription($owner: String) { onCreateNote(owner: $owner) { id title owner } }"_s;
    const auto start = [&](Client &c, const QString &id, const QJsonObject &variables, const QString &token) {
        const qsizetype before = c.frames.size();
        c.send(Client::startMessage(id, byOwner, variables, jwt(token)));
        (void)QTest::qWaitFor([&] { return c.frames.size() > before; }, 5000);
        return parse(c.frames.value(before));
    };
    QCOMPARE(start(alice, u"arg"_s, {{u"owner"_s, u"alice"_s}}, u"token-alice"_s).value(u"type"_s).toString(),
             u"start_ack"_s);
    QCOMPARE(start(alice, u"implicit"_s, {}, u"token-alice"_s).value(u"type"_s).toString(), u"start_ack"_s);
    const QJsonObject refused = start(alice, u"spy"_s, {{u"owner"_s, u"bob"_s}}, u"token-alice"_s);
    QCOMPARE(refused.value(u"type"_s).toString(), u"error"_s);
    QVERIFY(rttest::compact(refused).contains("\"errorType\":\"Unauthorized\""));

    auto note = [](const QString &id, const QString &owner) {
        ds::server::ServerChange ch;
        ch.model = u"Note"_s;
        ch.mutationField = u"createNote"_s;
        ch.item = QJsonObject{{u"id"_s, id}, {u"title"_s, u"t"_s}, {u"owner"_s, owner}};
        ch.actor = owner;
        return ch;
    };
    f.feed->publish(note(u"n1"_s, u"bob"_s));
    f.feed->publish(note(u"n2"_s, u"alice"_s));
    QTRY_COMPARE_WITH_TIMEOUT(alice.dataFrames(u"arg"_s).size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(alice.dataFrames(u"implicit"_s).size(), 1, 5000);
    QTest::qWait(50);
    QCOMPARE(alice.dataFrames(u"arg"_s).size(), 1);
    QCOMPARE(alice.dataFrames(u"implicit"_s).size(), 1);
    QVERIFY(alice.dataFrames(u"arg"_s).front().contains(u"\"id\":\"n2\""_s));
    QVERIFY(alice.dataFrames(u"implicit"_s).front().contains(u"\"id\":\"n2\""_s));
}

void TestRealtimeFanout::oneSerializationPerGroup()
{
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<Client>());
        QVERIFY(clients.back()->openWithApiKey(f));
        QVERIFY(clients.back()->init());
        // Same document and variables everywhere (what DataStore clients send).
        QCOMPARE(clients.back()->subscribe(u"s"_s, rttest::postSubscription(u"onCreatePost"_s)).value(u"type"_s).toString(),
                 u"start_ack"_s);
    }
    // One with another filter: a second group.
    QCOMPARE(clients.front()->subscribe(u"f"_s, rttest::postSubscription(u"onCreatePost"_s, true),
                                        QJsonObject{{u"filter"_s, parse(u"{\"rating\":{\"gt\":100}}"_s)}})
                 .value(u"type"_s).toString(), u"start_ack"_s);
    f.hub->deliver(rttest::change(u"createPost"_s, rttest::post(u"p1"_s, u"t"_s, 4)));
    QCOMPARE(f.hub->stats().serializations, quint64(1));   // the filtered group did not match
    QCOMPARE(f.hub->stats().frames, quint64(5));
    for (const auto &c : clients)
        QTRY_COMPARE_WITH_TIMEOUT(c->dataFrames(u"s"_s).size(), 1, 5000);
    QCOMPARE(clients.front()->dataFrames(u"f"_s).size(), 0);
}

void TestRealtimeFanout::manyClients_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("200") << 200;
    QTest::newRow("1000") << 1000;
}

void TestRealtimeFanout::manyClients()
{
    QFETCH(int, count);
    rttest::Fixture f;
    QVERIFY2(f.start().isEmpty(), "fixture");
    std::vector<std::unique_ptr<Client>> clients;
    clients.reserve(count);
    // Open in batches (the HTTP layer bounds upgrades in flight).
    for (int batch = 0; batch < count; batch += 100) {
        const int end = std::min(count, batch + 100);
        for (int i = batch; i < end; ++i) {
            clients.push_back(std::make_unique<Client>());
            QWebSocketHandshakeOptions options;
            options.setSubprotocols({u"graphql-ws"_s, rttest::headerProtocol(rttest::apiKeyAuth())});
            clients.back()->socket.open(QNetworkRequest(f.url()), options);
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(clients.begin() + batch, clients.end(), [](const auto &c) {
            return c->socket.state() == QAbstractSocket::ConnectedState;
        }), 20000);
        for (int i = batch; i < end; ++i) {
            clients[i]->send(QJsonObject{{u"type"_s, u"connection_init"_s}});
            clients[i]->send(Client::startMessage(u"sub"_s, rttest::postSubscription(u"onCreatePost"_s)));
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(f.hub->subscriptionCount() == count, 30000);

    QElapsedTimer timer;
    timer.start();
    f.hub->deliver(rttest::change(u"createPost"_s, rttest::post(u"p1"_s, u"[Amplify] Hello"_s, 7)));
    const qint64 deliverUs = timer.nsecsElapsed() / 1000;
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(clients.begin(), clients.end(), [](const auto &c) {
        return !c->dataFrames(u"sub"_s).isEmpty();
    }), 30000);
    const qint64 allReceivedUs = timer.nsecsElapsed() / 1000;
    qInfo("fan-out to %d connections: hub deliver() %.2f ms, all clients received after %.2f ms "
          "(clients in the same process)", count, deliverUs / 1000.0, allReceivedUs / 1000.0);
    QCOMPARE(f.hub->stats().serializations, quint64(1));
    QCOMPARE(f.hub->stats().frames, quint64(count));
    const QString expected = clients.front()->dataFrames(u"sub"_s).front();
    for (const auto &c : clients)
        QCOMPARE(c->dataFrames(u"sub"_s), QStringList{expected});
#ifdef NDEBUG
    QVERIFY2(deliverUs < 100000, "one mutation to the subscribers should take well under 100 ms");
#endif
}

QTEST_MAIN(TestRealtimeFanout)
#include "tst_realtime_fanout.moc"
