// End to end through the real datastore-server: a graphql-ws client
// subscribed the way amplify-js subscribes receives the createPost sent over
// HTTP POST /graphql, exactly as the mutation returned it; an update whose
// mutation selects fewer fields arrives with those fields null, and a filter
// keeps a non-matching update away.
#include "tst_data_support.h"

#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using namespace Qt::StringLiterals;

class TestRealtimeEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void subscriptionReceivesHttpMutation();
};

static QJsonObject parse(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

void TestRealtimeEndToEnd::subscriptionReceivesHttpMutation()
{
    dstest::DataServer server;
    const QString error = server.start({u"--ka-interval"_s, u"60s"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // The handshake of amplify-js 6: graphql-ws + header-<base64url auth>.
    const QString host = server.process().url(u"/graphql"_s).authority();
    const QJsonObject auth{{u"host"_s, host}, {u"x-amz-date"_s, u"20261124T212254Z"_s},
                           {u"x-api-key"_s, QString::fromLatin1(dstest::kApiKey)}};
    const QByteArray authJson = QJsonDocument(auth).toJson(QJsonDocument::Compact);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({u"graphql-ws"_s, u"header-"_s + QString::fromLatin1(authJson.toBase64(
                                                   QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))});
    QWebSocket socket;
    QStringList frames;
    connect(&socket, &QWebSocket::textMessageReceived, this, [&frames](const QString &text) { frames.append(text); });
    QUrl url = server.process().url(u"/graphql/realtime"_s);
    url.setScheme(u"ws"_s);
    socket.open(QNetworkRequest(url), options);
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::ConnectedState, 10000);
    QCOMPARE(socket.subprotocol(), u"graphql-ws"_s);
    socket.sendTextMessage(u"{\"type\":\"connection_init\"}"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty(), 5000);
    QCOMPARE(frames.front(), u"{\"type\":\"connection_ack\",\"payload\":{\"connectionTimeoutMs\":300000}}"_s);

    const auto start = [&](const QString &id, const QString &query, const QJsonObject &variables) {
        const QJsonObject data{{u"query"_s, query}, {u"variables"_s, variables}};
        const QJsonObject message{
            {u"id"_s, id}, {u"type"_s, u"start"_s},
            {u"payload"_s, QJsonObject{{u"data"_s, QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact))},
                                       {u"extensions"_s, QJsonObject{{u"authorization"_s, auth}}}}}};
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    };
    const QString fields = u"{\n    id\n    title\n    content\n    rating\n    status\n    tags\n    createdAt\n"
                           "    updatedAt\n    _version\n    _lastChangedAt\n    _deleted\n  }"_s;
    start(u"sub-create"_s, u"subscription operation {\n  onCreatePost "_s + fields + u"\n}\n"_s, {});
    start(u"sub-update"_s,
          u"subscription operation($filter: ModelSubscriptionPostFilterInput) {\n  onUpdatePost(filter: $filter) "_s
              + fields + u"\n}\n"_s,
          QJsonObject{{u"filter"_s, QJsonObject{{u"and"_s, QJsonArray{QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 5}}}}}}}}});
    QTRY_VERIFY_WITH_TIMEOUT(frames.contains(u"{\"type\":\"start_ack\",\"id\":\"sub-create\"}"_s)
                                 && frames.contains(u"{\"type\":\"start_ack\",\"id\":\"sub-update\"}"_s), 5000);

    const auto dataFor = [&](const QString &id) {
        QList<QJsonObject> out;
        for (const QString &text : std::as_const(frames)) {
            const QJsonObject o = parse(text);
            if (o.value(u"type"_s).toString() == u"data" && o.value(u"id"_s).toString() == id)
                out.append(o.value(u"payload"_s).toObject().value(u"data"_s).toObject());
        }
        return out;
    };

    // createPost over HTTP, as amplify-js sends it.
    const QJsonObject input{{u"id"_s, u"e2e-post-1"_s}, {u"title"_s, u"[Amplify] Hello"_s},
                            {u"content"_s, u"first content"_s}, {u"rating"_s, 7}, {u"status"_s, u"DRAFT"_s},
                            {u"tags"_s, QJsonArray{u"a"_s, u"b"_s}}};
    const dstest::GraphQLReply created = server.query(dstest::createPostDoc(), {{u"input"_s, input}});
    QCOMPARE(created.status, 200);
    QVERIFY2(created.errors().isEmpty(), QJsonDocument(created.body).toJson().constData());
    const QJsonObject createdPost = created.data().value(u"createPost"_s).toObject();
    QCOMPARE(createdPost.value(u"_version"_s).toInt(), 1);

    QTRY_COMPARE_WITH_TIMEOUT(dataFor(u"sub-create"_s).size(), 1, 5000);
    QCOMPARE(dataFor(u"sub-create"_s).front().value(u"onCreatePost"_s).toObject(), createdPost);

    // An update selecting fewer fields (but every non-null one): the rest
    // arrive null (AppSync semantics).
    const QString slimUpdate = u"mutation operation($input: UpdatePostInput!) { updatePost(input: $input) "
                               "{ id title rating createdAt updatedAt _version _lastChangedAt _deleted } }"_s;
    dstest::GraphQLReply updated = server.query(
        slimUpdate, {{u"input"_s, QJsonObject{{u"id"_s, u"e2e-post-1"_s}, {u"title"_s, u"edited"_s}, {u"rating"_s, 8},
                                              {u"_version"_s, 1}}}});
    QVERIFY2(updated.errors().isEmpty(), QJsonDocument(updated.body).toJson().constData());
    QTRY_COMPARE_WITH_TIMEOUT(dataFor(u"sub-update"_s).size(), 1, 5000);
    const QJsonObject event = dataFor(u"sub-update"_s).front().value(u"onUpdatePost"_s).toObject();
    QCOMPARE(event.value(u"title"_s).toString(), u"edited"_s);
    QCOMPARE(event.value(u"rating"_s).toInt(), 8);
    QCOMPARE(event.value(u"_version"_s).toInt(), 2);
    QVERIFY(event.contains(u"content"_s));
    QVERIFY(event.value(u"content"_s).isNull());   // not selected by the mutation
    QVERIFY(event.value(u"tags"_s).isNull());

    // rating 3 fails the subscription's filter: no event.
    updated = server.query(slimUpdate, {{u"input"_s, QJsonObject{{u"id"_s, u"e2e-post-1"_s}, {u"rating"_s, 3},
                                                                 {u"_version"_s, 2}}}});
    QVERIFY2(updated.errors().isEmpty(), QJsonDocument(updated.body).toJson().constData());
    QTest::qWait(300);
    QCOMPARE(dataFor(u"sub-update"_s).size(), 1);
    QCOMPARE(dataFor(u"sub-create"_s).size(), 1);

    socket.sendTextMessage(u"{\"id\":\"sub-create\",\"type\":\"stop\"}"_s);
    QTRY_VERIFY_WITH_TIMEOUT(frames.contains(u"{\"type\":\"complete\",\"id\":\"sub-create\"}"_s), 5000);
    socket.close();
}

QTEST_MAIN(TestRealtimeEndToEnd)
#include "tst_realtime_endtoend.moc"
