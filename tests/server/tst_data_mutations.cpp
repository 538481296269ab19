// Versioned writes of the real datastore-server over HTTP: create / update /
// delete with _version, server timestamps, soft deletes, conflicts
// (AUTOMERGE, OPTIMISTIC_CONCURRENCY, a custom JavaScript resolver) and
// conditions (PROTOCOL.md sections 2.2, 3 and 4).
#include "tst_data_support.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using dstest::GraphQLReply;

class TestDataMutations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void createUpdateDelete();
    void createWithoutId();
    void createExisting_data();
    void createExisting();
    void automerge_data();
    void automerge();
    void staleDeleteIsConflict();
    void optimisticRejects();
    void updateOfTombstoneIsConflict();
    void updateMissing();
    void conditions_data();
    void conditions();
    void customResolver_data();
    void customResolver();

private:
    QJsonObject createPost(const QJsonObject &input);

    dstest::DataServer m_server;
    std::unique_ptr<dstest::DataServer> m_jsServer;   // --conflict custom:resolver.js
};

void TestDataMutations::initTestCase()
{
    const QString error = m_server.start({u"--conflict"_s, u"User=optimistic"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestDataMutations::cleanupTestCase()
{
    m_jsServer.reset();
    m_server.stop();
}

QJsonObject TestDataMutations::createPost(const QJsonObject &input)
{
    const GraphQLReply r = m_server.query(dstest::createPostDoc(), {{u"input"_s, input}});
    if (!r.errors().isEmpty())
        qWarning() << r.body;
    return r.data().value(u"createPost"_s).toObject();
}

void TestDataMutations::createUpdateDelete()
{
    const QJsonObject created = createPost({{u"id"_s, u"cud-1"_s}, {u"title"_s, u"Hello"_s},
                                            {u"content"_s, u"first"_s}, {u"rating"_s, 5},
                                            {u"status"_s, u"DRAFT"_s}, {u"tags"_s, QJsonArray{u"a"_s, u"b"_s}}});
    QCOMPARE(created.value(u"id"_s).toString(), u"cud-1"_s);
    QCOMPARE(created.value(u"_version"_s).toInt(), 1);
    QVERIFY(created.value(u"_deleted"_s).isNull());
    QVERIFY(created.value(u"_lastChangedAt"_s).toDouble() > 1.6e12);
    static const QRegularExpression iso(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s);
    QVERIFY2(iso.match(created.value(u"createdAt"_s).toString()).hasMatch(), qPrintable(created.value(u"createdAt"_s).toString()));
    QCOMPARE(created.value(u"updatedAt"_s), created.value(u"createdAt"_s));
    QCOMPARE(created.value(u"tags"_s).toArray(), (QJsonArray{u"a"_s, u"b"_s}));

    QTest::qWait(5);
    GraphQLReply r = m_server.query(dstest::updatePostDoc(),
                                    {{u"input"_s, QJsonObject{{u"id"_s, u"cud-1"_s}, {u"title"_s, u"Hello again"_s},
                                                              {u"_version"_s, 1}}},
                                     {u"condition"_s, QJsonValue::Null}});
    QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson());
    const QJsonObject updated = r.data().value(u"updatePost"_s).toObject();
    QCOMPARE(updated.value(u"_version"_s).toInt(), 2);
    QCOMPARE(updated.value(u"title"_s).toString(), u"Hello again"_s);
    QCOMPARE(updated.value(u"content"_s).toString(), u"first"_s);   // untouched
    QCOMPARE(updated.value(u"createdAt"_s), created.value(u"createdAt"_s));
    QVERIFY(updated.value(u"updatedAt"_s).toString() > created.value(u"updatedAt"_s).toString());
    QVERIFY(updated.value(u"_lastChangedAt"_s).toDouble() > created.value(u"_lastChangedAt"_s).toDouble());

    r = m_server.query(dstest::deletePostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"cud-1"_s}, {u"_version"_s, 2}}},
                                                {u"condition"_s, QJsonValue::Null}});
    QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson());
    const QJsonObject deleted = r.data().value(u"deletePost"_s).toObject();
    QCOMPARE(deleted.value(u"_version"_s).toInt(), 3);
    QCOMPARE(deleted.value(u"_deleted"_s).toBool(), true);
    QCOMPARE(deleted.value(u"title"_s).toString(), u"Hello again"_s);

    // get returns the tombstone.
    r = m_server.query(u"query { getPost(id: \"cud-1\") { id _version _deleted } }"_s);
    QCOMPARE(r.data().value(u"getPost"_s).toObject().value(u"_version"_s).toInt(), 3);
    QCOMPARE(r.data().value(u"getPost"_s).toObject().value(u"_deleted"_s).toBool(), true);
    r = m_server.query(u"query { getPost(id: \"nope\") { id } }"_s);
    QVERIFY(r.errors().isEmpty());
    QVERIFY(r.data().value(u"getPost"_s).isNull());
}

void TestDataMutations::createWithoutId()
{
    const QJsonObject created = createPost({{u"title"_s, u"No id"_s}});
    QCOMPARE(created.value(u"id"_s).toString().size(), 36);   // a UUID
    QCOMPARE(created.value(u"_version"_s).toInt(), 1);
}

void TestDataMutations::createExisting_data()
{
    QTest::addColumn<QJsonObject>("second");
    QTest::addColumn<QString>("errorType");
    QTest::newRow("same values (retry)") << QJsonObject{{u"title"_s, u"Twice"_s}, {u"rating"_s, 3}} << QString();
    QTest::newRow("other values") << QJsonObject{{u"title"_s, u"Other"_s}} << u"ConditionalCheckFailedException"_s;
}

void TestDataMutations::createExisting()
{
    QFETCH(QJsonObject, second);
    QFETCH(QString, errorType);
    const QString id = u"twice-"_s + QString::fromLatin1(QTest::currentDataTag()).left(4);
    QVERIFY(!createPost({{u"id"_s, id}, {u"title"_s, u"Twice"_s}, {u"rating"_s, 3}}).isEmpty());
    second.insert(u"id"_s, id);
    const GraphQLReply r = m_server.query(dstest::createPostDoc(), {{u"input"_s, second}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.errorType(), errorType);
    if (errorType.isEmpty()) {
        QCOMPARE(r.data().value(u"createPost"_s).toObject().value(u"_version"_s).toInt(), 1);
    } else {
        const QJsonObject data = r.firstError().value(u"data"_s).toObject();
        QCOMPARE(data.value(u"title"_s).toString(), u"Twice"_s);
        QCOMPARE(r.firstError().value(u"path"_s).toArray(), QJsonArray{u"createPost"_s});
    }
}

void TestDataMutations::automerge_data()
{
    QTest::addColumn<QJsonObject>("stored");    // created, then updated once (v2)
    QTest::addColumn<QJsonObject>("stale");     // sent with _version 1
    QTest::addColumn<QJsonObject>("expected");  // fields of the answer
    QTest::newRow("scalar conflict keeps the server value")
        << QJsonObject{{u"title"_s, u"A"_s}} << QJsonObject{{u"title"_s, u"B"_s}}
        << QJsonObject{{u"title"_s, u"A"_s}, {u"_version"_s, 3}};
    QTest::newRow("server null takes the incoming value")
        << QJsonObject{{u"title"_s, u"A"_s}} << QJsonObject{{u"content"_s, u"new"_s}}
        << QJsonObject{{u"title"_s, u"A"_s}, {u"content"_s, u"new"_s}, {u"_version"_s, 3}};
    QTest::newRow("lists are appended")
        << QJsonObject{{u"title"_s, u"A"_s}, {u"tags"_s, QJsonArray{u"x"_s}}}
        << QJsonObject{{u"tags"_s, QJsonArray{u"x"_s, u"y"_s}}}
        << QJsonObject{{u"tags"_s, QJsonArray{u"x"_s, u"x"_s, u"y"_s}}, {u"_version"_s, 3}};
}

void TestDataMutations::automerge()
{
    QFETCH(QJsonObject, stored);
    QFETCH(QJsonObject, stale);
    QFETCH(QJsonObject, expected);
    const QString id = u"merge-"_s + QString::number(qHash(QString::fromLatin1(QTest::currentDataTag())));
    QJsonObject input = stored;
    input.insert(u"id"_s, id);
    input.insert(u"title"_s, u"A"_s);
    QVERIFY(!createPost(input).isEmpty());
    // Someone else's update: v1 -> v2.
    GraphQLReply r = m_server.query(dstest::updatePostDoc(),
                                    {{u"input"_s, QJsonObject{{u"id"_s, id}, {u"rating"_s, 9}, {u"_version"_s, 1}}}});
    QVERIFY(r.errors().isEmpty());
    stale.insert(u"id"_s, id);
    stale.insert(u"_version"_s, 1);
    r = m_server.query(dstest::updatePostDoc(), {{u"input"_s, stale}, {u"condition"_s, QJsonValue::Null}});
    QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson());
    const QJsonObject merged = r.data().value(u"updatePost"_s).toObject();
    for (auto it = expected.begin(); it != expected.end(); ++it)
        QCOMPARE(merged.value(it.key()), it.value());
    QCOMPARE(merged.value(u"rating"_s).toInt(), 9);
}

void TestDataMutations::staleDeleteIsConflict()
{
    QVERIFY(!createPost({{u"id"_s, u"stale-del"_s}, {u"title"_s, u"T"_s}}).isEmpty());
    QVERIFY(m_server.query(dstest::updatePostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"stale-del"_s},
                                                                           {u"rating"_s, 1}, {u"_version"_s, 1}}}})
                .errors().isEmpty());
    const GraphQLReply r = m_server.query(dstest::deletePostDoc(),
                                          {{u"input"_s, QJsonObject{{u"id"_s, u"stale-del"_s}, {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), u"ConflictUnhandled"_s);
    const QJsonObject error = r.firstError();
    QCOMPARE(error.value(u"message"_s).toString(), u"Conflict resolver rejects mutation."_s);
    QCOMPARE(error.value(u"data"_s).toObject().value(u"_version"_s).toInt(), 2);
    QVERIFY(error.contains(u"errorInfo"_s));
    QCOMPARE(error.value(u"path"_s).toArray(), QJsonArray{u"deletePost"_s});
    QVERIFY(!error.value(u"locations"_s).toArray().isEmpty());
    QVERIFY(r.data().value(u"deletePost"_s).isNull());
}

void TestDataMutations::optimisticRejects()
{
    const QString create = u"mutation($input: CreateUserInput!) { createUser(input: $input) { id _version } }"_s;
    const QString update = u"mutation($input: UpdateUserInput!) { updateUser(input: $input) { id firstName _version } }"_s;
    GraphQLReply r = m_server.query(create, {{u"input"_s, QJsonObject{{u"id"_s, u"u1"_s}, {u"firstName"_s, u"Ann"_s},
                                                                     {u"lastName"_s, u"Doe"_s},
                                                                     {u"createdAt"_s, u"2021-01-01T00:00:00.000Z"_s}}}});
    QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson());
    r = m_server.query(update, {{u"input"_s, QJsonObject{{u"id"_s, u"u1"_s}, {u"firstName"_s, u"Bea"_s}, {u"_version"_s, 1}}}});
    QCOMPARE(r.data().value(u"updateUser"_s).toObject().value(u"_version"_s).toInt(), 2);
    r = m_server.query(update, {{u"input"_s, QJsonObject{{u"id"_s, u"u1"_s}, {u"firstName"_s, u"Cid"_s}, {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), u"ConflictUnhandled"_s);
    QCOMPARE(r.firstError().value(u"data"_s).toObject().value(u"firstName"_s).toString(), u"Bea"_s);
    // The JS default handler retries with the server's version: that succeeds.
    r = m_server.query(update, {{u"input"_s, QJsonObject{{u"id"_s, u"u1"_s}, {u"firstName"_s, u"Cid"_s}, {u"_version"_s, 2}}}});
    QCOMPARE(r.data().value(u"updateUser"_s).toObject().value(u"firstName"_s).toString(), u"Cid"_s);
    QCOMPARE(r.data().value(u"updateUser"_s).toObject().value(u"_version"_s).toInt(), 3);
}

void TestDataMutations::updateOfTombstoneIsConflict()
{
    QVERIFY(!createPost({{u"id"_s, u"tomb"_s}, {u"title"_s, u"T"_s}}).isEmpty());
    QVERIFY(m_server.query(dstest::deletePostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"tomb"_s}, {u"_version"_s, 1}}}})
                .errors().isEmpty());
    const GraphQLReply r = m_server.query(dstest::updatePostDoc(),
                                          {{u"input"_s, QJsonObject{{u"id"_s, u"tomb"_s}, {u"title"_s, u"X"_s},
                                                                    {u"_version"_s, 2}}}});
    QCOMPARE(r.errorType(), u"ConflictUnhandled"_s);
    QCOMPARE(r.firstError().value(u"data"_s).toObject().value(u"_deleted"_s).toBool(), true);
    // Re-creating a deleted id fails while the tombstone lives.
    const GraphQLReply again = m_server.query(dstest::createPostDoc(),
                                              {{u"input"_s, QJsonObject{{u"id"_s, u"tomb"_s}, {u"title"_s, u"T"_s}}}});
    QCOMPARE(again.errorType(), u"ConditionalCheckFailedException"_s);
}

void TestDataMutations::updateMissing()
{
    const GraphQLReply r = m_server.query(dstest::updatePostDoc(),
                                          {{u"input"_s, QJsonObject{{u"id"_s, u"missing"_s}, {u"title"_s, u"X"_s},
                                                                    {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), u"ConditionalCheckFailedException"_s);
    QVERIFY(r.firstError().value(u"data"_s).isNull());
}

void TestDataMutations::conditions_data()
{
    QTest::addColumn<bool>("isDelete");
    QTest::addColumn<QJsonObject>("condition");
    QTest::addColumn<bool>("holds");
    const QJsonObject beginsWith{{u"and"_s, QJsonArray{QJsonObject{{u"title"_s, QJsonObject{{u"beginsWith"_s, u"[Amplify]"_s}}}}}}};
    const QJsonObject ratingHigh{{u"rating"_s, QJsonObject{{u"gt"_s, 8}}}};
    QTest::newRow("update, condition holds") << false << beginsWith << true;
    QTest::newRow("update, condition fails") << false << ratingHigh << false;
    QTest::newRow("delete, condition holds") << true << beginsWith << true;
    QTest::newRow("delete, condition fails") << true << ratingHigh << false;
    QTest::newRow("update, not") << false << QJsonObject{{u"not"_s, ratingHigh}} << true;
}

void TestDataMutations::conditions()
{
    QFETCH(bool, isDelete);
    QFETCH(QJsonObject, condition);
    QFETCH(bool, holds);
    const QString id = u"cond-"_s + QString::number(qHash(QString::fromLatin1(QTest::currentDataTag())));
    QVERIFY(!createPost({{u"id"_s, id}, {u"title"_s, u"[Amplify] Hi"_s}, {u"rating"_s, 5}}).isEmpty());
    QJsonObject input{{u"id"_s, id}, {u"_version"_s, 1}};
    if (!isDelete)
        input.insert(u"content"_s, u"conditional content"_s);
    const GraphQLReply r = m_server.query(isDelete ? dstest::deletePostDoc() : dstest::updatePostDoc(),
                                          {{u"input"_s, input}, {u"condition"_s, condition}});
    const QString field = isDelete ? u"deletePost"_s : u"updatePost"_s;
    if (holds) {
        QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson());
        QCOMPARE(r.data().value(field).toObject().value(u"_version"_s).toInt(), 2);
    } else {
        QCOMPARE(r.errorType(), u"ConditionalCheckFailedException"_s);
        const QJsonObject current = r.firstError().value(u"data"_s).toObject();
        QCOMPARE(current.value(u"id"_s).toString(), id);
        QCOMPARE(current.value(u"_version"_s).toInt(), 1);
        QCOMPARE(current.value(u"rating"_s).toInt(), 5);
        // Nothing was written.
        const GraphQLReply get = m_server.query(u"query($id: ID!) { getPost(id: $id) { _version } }"_s, {{u"id"_s, id}});
        QCOMPARE(get.data().value(u"getPost"_s).toObject().value(u"_version"_s).toInt(), 1);
    }
}

void TestDataMutations::customResolver_data()
{
    QTest::addColumn<QString>("title");        // of the stale update
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("resultTitle");
    QTest::addColumn<bool>("deleted");
    QTest::newRow("RESOLVE") << u"mine"_s << QString() << u"resolved: mine"_s << false;
    QTest::newRow("REJECT") << u"reject"_s << u"ConflictUnhandled"_s << QString() << false;
    QTest::newRow("REMOVE") << u"remove"_s << QString() << u"server"_s << true;
    QTest::newRow("throws") << u"throw"_s << u"ConflictUnhandled"_s << QString() << false;
    QTest::newRow("never returns") << u"loop"_s << u"ConflictUnhandled"_s << QString() << false;
}

void TestDataMutations::customResolver()
{
    QFETCH(QString, title);
    QFETCH(QString, errorType);
    QFETCH(QString, resultTitle);
    QFETCH(bool, deleted);
    std::unique_ptr<dstest::DataServer> &server = m_jsServer;
    if (!server) {
        server = std::make_unique<dstest::DataServer>();
        QFile script(server->dir() + u"/resolver.js"_s);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write(R"(
function resolveConflict(event) {
    var title = event.arguments.input.title;
    if (title === "reject") return { action: "REJECT" };
    if (title === "remove") return { action: "REMOVE" };
    if (title === "throw") throw new Error("boom");
    if (title === "loop") for (;;) {}
    if (event.existingItem.title !== "server") return { action: "REJECT" };
    return { action: "RESOLVE", item: { title: "resolved: " + title } };
}
)");
        script.close();
        const QString error = server->start({u"--conflict"_s, u"custom:"_s + script.fileName()});
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    const QString id = u"js-"_s + title;
    GraphQLReply r = server->query(dstest::createPostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, id}, {u"title"_s, u"server"_s}}}});
    QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson());
    r = server->query(dstest::updatePostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, id}, {u"rating"_s, 1}, {u"_version"_s, 1}}}});
    QVERIFY(r.errors().isEmpty());
    r = server->query(dstest::updatePostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, id}, {u"title"_s, title}, {u"_version"_s, 1}}}});
    QCOMPARE(r.errorType(), errorType);
    if (title == u"loop") {
        // Interrupted after the time limit; the server goes on serving.
        QVERIFY2(QJsonDocument(r.body).toJson().contains("ran longer than"), QJsonDocument(r.body).toJson().constData());
        QVERIFY(server->query(dstest::createPostDoc(), {{u"input"_s, QJsonObject{{u"id"_s, u"after-loop"_s},
                                                                                 {u"title"_s, u"ok"_s}}}})
                    .errors().isEmpty());
    }
    if (errorType.isEmpty()) {
        const QJsonObject item = r.data().value(u"updatePost"_s).toObject();
        QCOMPARE(item.value(u"title"_s).toString(), resultTitle);
        QCOMPARE(item.value(u"_version"_s).toInt(), 3);
        QCOMPARE(item.value(u"_deleted"_s).toBool(), deleted);
    } else {
        QCOMPARE(r.firstError().value(u"data"_s).toObject().value(u"_version"_s).toInt(), 2);
    }
}

QTEST_GUILESS_MAIN(TestDataMutations)
#include "tst_data_mutations.moc"
