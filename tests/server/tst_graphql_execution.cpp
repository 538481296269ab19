// Execution of the server's GraphQL engine over a fake resolver returning
// canned data: projection onto the selection set (aliases, fragments,
// __typename, key order), null propagation, leaf serialisation, variable
// coercion errors, AppSync-style error objects, subscription events, and the
// time a 1,000-item sync page takes.
#include "graphql/engine.h"
#include "schema/apischema.h"

#include <datastore/modelschema.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;
using namespace ds::server::graphql;

namespace {

QJsonObject json(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad JSON in the test: %s", qPrintable(text));
    return doc.object();
}

QJsonObject post(int i)
{
    return QJsonObject{{u"id"_s, QString(u"p"_s + QString::number(i))},
                       {u"title"_s, QString(u"Post number "_s + QString::number(i))},
                       {u"content"_s, u"Some content with \"quotes\" and ünïcode"_s},
                       {u"rating"_s, i % 10},
                       {u"status"_s, u"PUBLISHED"_s},
                       {u"tags"_s, QJsonArray{u"a"_s, u"b"_s}},
                       {u"createdAt"_s, u"2024-05-06T10:00:00.000Z"_s},
                       {u"updatedAt"_s, u"2024-05-06T10:05:00.000Z"_s},
                       {u"_version"_s, 3},
                       {u"_lastChangedAt"_s, qint64(1714989900000) + i},
                       {u"_deleted"_s, QJsonValue(QJsonValue::Null)}};
}

} // namespace

class TestGraphQLExecution : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void execute_data();
    void execute();
    void arguments();
    void appSyncError();
    void errorDataFollowsSelection();
    void resolverThrows();
    void subscriptionEvent();
    void rootFields();
    void concurrentExecution();
    void syncPage1000();

private:
    std::unique_ptr<Engine> m_engine;
};

void TestGraphQLExecution::initTestCase()
{
    QFile file(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    ds::SourceError error;
    const auto model = ds::Schema::fromGraphQL(file.readAll(), u"schema.graphql"_s, &error);
    QVERIFY2(model, qPrintable(error.toString()));
    auto schema = ExecutableSchema::build(ds::buildApiSchema(*model));
    QVERIFY(schema);
    m_engine = std::make_unique<Engine>(schema);
}

// Each row: document, variables, what the resolver returns for the (only)
// root field, and the exact response text.
void TestGraphQLExecution::execute_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("variables");
    QTest::addColumn<QString>("resolved");
    QTest::addColumn<QString>("response");

    const QString item = u"{\"id\":\"p1\",\"title\":\"Hi\",\"rating\":7,\"status\":\"DRAFT\",\"tags\":[\"a\"],\"_version\":3,\"_deleted\":null,\"extra\":1}"_s;

    QTest::newRow("projection keeps selection order")
        << u"{ getPost(id: \"p1\") { title id _version } }"_s << u"{}"_s << item
        << u"{\"data\":{\"getPost\":{\"title\":\"Hi\",\"id\":\"p1\",\"_version\":3}}}"_s;
    QTest::newRow("aliases")
        << u"{ post: getPost(id: \"p1\") { key: id heading: title } }"_s << u"{}"_s << item
        << u"{\"data\":{\"post\":{\"key\":\"p1\",\"heading\":\"Hi\"}}}"_s;
    QTest::newRow("typename")
        << u"{ __typename getPost(id: \"p1\") { __typename id } }"_s << u"{}"_s << item
        << u"{\"data\":{\"__typename\":\"Query\",\"getPost\":{\"__typename\":\"Post\",\"id\":\"p1\"}}}"_s;
    QTest::newRow("fragments merge")
        << u"query Q { getPost(id: \"p1\") { id ...F ... on Post { rating id } } }\nfragment F on Post { title tags }"_s
        << u"{}"_s << item
        << u"{\"data\":{\"getPost\":{\"id\":\"p1\",\"title\":\"Hi\",\"tags\":[\"a\"],\"rating\":7}}}"_s;
    QTest::newRow("skip and include")
        << u"query Q($yes: Boolean!) { getPost(id: \"p1\") { id @skip(if: $yes) title @include(if: $yes) rating @include(if: false) } }"_s
        << u"{\"yes\":true}"_s << item << u"{\"data\":{\"getPost\":{\"title\":\"Hi\"}}}"_s;
    QTest::newRow("missing nullable fields are null")
        << u"{ getPost(id: \"p1\") { id content _deleted } }"_s << u"{}"_s << item
        << u"{\"data\":{\"getPost\":{\"id\":\"p1\",\"content\":null,\"_deleted\":null}}}"_s;
    QTest::newRow("null root value")
        << u"{ getPost(id: \"p1\") { id } }"_s << u"{}"_s << u"null"_s << u"{\"data\":{\"getPost\":null}}"_s;
    QTest::newRow("non-null field null: the object becomes null")
        << u"{ getPost(id: \"p1\") { id title } }"_s << u"{}"_s << u"{\"id\":\"p1\",\"title\":null}"_s
        << u"{\"data\":{\"getPost\":null},\"errors\":[{\"message\":\"Cannot return null for non-nullable field Post.title.\",\"locations\":[{\"line\":1,\"column\":26}],\"path\":[\"getPost\",\"title\"]}]}"_s;
    QTest::newRow("null item in [Post]! stays null")
        << u"{ syncPosts { items { id } startedAt } }"_s << u"{}"_s
        << u"{\"items\":[{\"id\":\"a\"},null,{\"id\":\"c\"}],\"startedAt\":1714990123456}"_s
        << u"{\"data\":{\"syncPosts\":{\"items\":[{\"id\":\"a\"},null,{\"id\":\"c\"}],\"startedAt\":1714990123456}}}"_s;
    QTest::newRow("bad item becomes null, the rest stays")
        << u"{ syncPosts { items { id title } nextToken } }"_s << u"{}"_s
        << u"{\"items\":[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"b\"}],\"nextToken\":\"t\"}"_s
        << u"{\"data\":{\"syncPosts\":{\"items\":[{\"id\":\"a\",\"title\":\"A\"},null],\"nextToken\":\"t\"}},\"errors\":[{\"message\":\"Cannot return null for non-nullable field Post.title.\",\"locations\":[{\"line\":1,\"column\":26}],\"path\":[\"syncPosts\",\"items\",1,\"title\"]}]}"_s;
    QTest::newRow("null for [Post]! propagates to the connection")
        << u"{ syncPosts { nextToken items { id } } }"_s << u"{}"_s << u"{\"items\":null,\"nextToken\":\"t\"}"_s
        << u"{\"data\":{\"syncPosts\":null},\"errors\":[{\"message\":\"Cannot return null for non-nullable field ModelPostConnection.items.\",\"locations\":[{\"line\":1,\"column\":25}],\"path\":[\"syncPosts\",\"items\"]}]}"_s;
    QTest::newRow("Int that is not an Int")
        << u"{ getPost(id: \"p1\") { id rating } }"_s << u"{}"_s << u"{\"id\":\"p1\",\"rating\":2.5}"_s
        << u"{\"data\":{\"getPost\":{\"id\":\"p1\",\"rating\":null}},\"errors\":[{\"message\":\"Int cannot represent non-integer value: 2.5\",\"locations\":[{\"line\":1,\"column\":26}],\"path\":[\"getPost\",\"rating\"]}]}"_s;
    QTest::newRow("unknown enum value")
        << u"{ getPost(id: \"p1\") { status } }"_s << u"{}"_s << u"{\"status\":\"GONE\"}"_s
        << u"{\"data\":{\"getPost\":{\"status\":null}},\"errors\":[{\"message\":\"Enum 'PostStatus' cannot represent value: \\\"GONE\\\"\",\"locations\":[{\"line\":1,\"column\":23}],\"path\":[\"getPost\",\"status\"]}]}"_s;
    QTest::newRow("non-null Int from a string")
        << u"{ getPost(id: \"p1\") { _version } }"_s << u"{}"_s << u"{\"_version\":\"3\"}"_s
        << u"{\"data\":{\"getPost\":null},\"errors\":[{\"message\":\"Int cannot represent non-integer value: \\\"3\\\"\",\"locations\":[{\"line\":1,\"column\":23}],\"path\":[\"getPost\",\"_version\"]}]}"_s;
    QTest::newRow("single value where a list is expected")
        << u"{ getPost(id: \"p1\") { tags } }"_s << u"{}"_s << u"{\"tags\":\"a\"}"_s
        << u"{\"data\":{\"getPost\":{\"tags\":null}},\"errors\":[{\"message\":\"Expected a list for field 'tags', got \\\"a\\\".\",\"locations\":[{\"line\":1,\"column\":23}],\"path\":[\"getPost\",\"tags\"]}]}"_s;
    QTest::newRow("ID from a number, timestamps stay integers")
        << u"{ getPost(id: \"p1\") { id _lastChangedAt } }"_s << u"{}"_s << u"{\"id\":42,\"_lastChangedAt\":1714989900000}"_s
        << u"{\"data\":{\"getPost\":{\"id\":\"42\",\"_lastChangedAt\":1714989900000}}}"_s;
    QTest::newRow("escaping")
        << u"{ getPost(id: \"p1\") { title } }"_s << u"{}"_s << u"{\"title\":\"a\\\"b\\\\c\\nd\\u0001é😀\"}"_s
        << u"{\"data\":{\"getPost\":{\"title\":\"a\\\"b\\\\c\\nd\\u0001é😀\"}}}"_s;
    QTest::newRow("nested object")
        << u"{ getComment(id: \"c1\") { id post { id _deleted } } }"_s << u"{}"_s
        << u"{\"id\":\"c1\",\"post\":{\"id\":\"p1\",\"_deleted\":true,\"title\":\"x\"}}"_s
        << u"{\"data\":{\"getComment\":{\"id\":\"c1\",\"post\":{\"id\":\"p1\",\"_deleted\":true}}}}"_s;
    QTest::newRow("variable coercion error: no data")
        << u"mutation M($input: CreatePostInput!) { createPost(input: $input) { id } }"_s
        << u"{\"input\":{\"id\":\"p1\"}}"_s << u"null"_s
        << u"{\"errors\":[{\"message\":\"Variable '$input' got invalid value {\\\"id\\\":\\\"p1\\\"}; Field 'title' of required type 'String!' was not provided.\",\"locations\":[{\"line\":1,\"column\":12}]}]}"_s;
    QTest::newRow("validation error: no data")
        << u"{ getPost(id: \"p1\") { titel } }"_s << u"{}"_s << u"null"_s
        << u"{\"errors\":[{\"message\":\"Cannot query field 'titel' on type 'Post'. Did you mean 'title'?\",\"locations\":[{\"line\":1,\"column\":23}]}]}"_s;
}

void TestGraphQLExecution::execute()
{
    QFETCH(QString, query);
    QFETCH(QString, variables);
    QFETCH(QString, resolved);
    QFETCH(QString, response);

    const QJsonValue value = resolved == u"null"_s ? QJsonValue() : QJsonValue(json(resolved));
    FunctionResolver resolver([&](const FieldRequest &) { return FieldResult::fromValue(value); });
    const QByteArray body = m_engine->execute(query.toUtf8(), {}, json(variables), resolver);
    QCOMPARE(QString::fromUtf8(body), response);
    // Whatever the engine writes is valid JSON.
    QJsonParseError error;
    QJsonDocument::fromJson(body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
}

void TestGraphQLExecution::arguments()
{
    // The transcript's sync query, with the variables the JS client sends.
    const QByteArray query =
        "query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, $filter: ModelPostFilterInput) {"
        " syncPosts(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter) { items { id } nextToken startedAt } }";
    QJsonObject seen;
    QString field;
    FunctionResolver resolver([&](const FieldRequest &r) {
        seen = r.arguments;
        field = r.fieldName;
        return FieldResult::fromValue(QJsonObject{{u"items"_s, QJsonArray()}, {u"startedAt"_s, 5}});
    });
    const QByteArray body = m_engine->execute(
        query, {}, json(u"{\"limit\":1000,\"nextToken\":null,\"lastSync\":1795555374881,\"filter\":{\"and\":[{\"rating\":{\"gt\":5}}]}}"_s),
        resolver);
    QCOMPARE(body, QByteArray("{\"data\":{\"syncPosts\":{\"items\":[],\"nextToken\":null,\"startedAt\":5}}}"));
    QCOMPARE(field, u"syncPosts"_s);
    QCOMPARE(seen.value(u"limit"_s).toInt(), 1000);
    QVERIFY(seen.contains(u"nextToken"_s) && seen.value(u"nextToken"_s).isNull());
    QCOMPARE(seen.value(u"lastSync"_s).toInteger(), qint64(1795555374881));
    QCOMPARE(seen.value(u"filter"_s).toObject(), json(u"{\"and\":[{\"rating\":{\"gt\":5}}]}"_s));

    // Absent variables leave the argument out; literals and defaults coerce.
    m_engine->execute("query Q($limit: Int) { syncPosts(limit: $limit, filter: {rating: {between: 5}}) { startedAt } }", {}, {},
                      resolver);
    QVERIFY(!seen.contains(u"limit"_s));
    QCOMPARE(seen.value(u"filter"_s).toObject(), json(u"{\"rating\":{\"between\":[5]}}"_s));
    m_engine->execute("query Q($limit: Int = 7) { syncPosts(limit: $limit) { startedAt } }", {}, {}, resolver);
    QCOMPARE(seen.value(u"limit"_s).toInt(), 7);
    // Int literal as an ID becomes a string.
    m_engine->execute("{ getPost(id: 12) { id } }", {}, {}, resolver);
    QCOMPARE(seen.value(u"id"_s), QJsonValue(u"12"_s));
}

void TestGraphQLExecution::appSyncError()
{
    const QJsonObject current = json(u"{\"id\":\"p1\",\"title\":\"server\",\"_version\":4}"_s);
    FunctionResolver resolver([&](const FieldRequest &r) {
        if (r.fieldName == u"updatePost")
            return FieldResult::error(u"ConflictUnhandled"_s, u"Conflict resolver rejects mutation."_s, current);
        return FieldResult::fromValue(QJsonObject{{u"id"_s, u"p2"_s}});
    });
    const QByteArray body = m_engine->execute(
        "mutation operation($input: UpdatePostInput!, $condition: ModelPostConditionInput) {\n"
        "  updatePost(input: $input, condition: $condition) { id _version }\n"
        "  deletePost(input: {id: \"p2\"}) { id }\n}",
        {}, json(u"{\"input\":{\"id\":\"p1\",\"title\":\"t\",\"_version\":3},\"condition\":null}"_s), resolver);
    QCOMPARE(QString::fromUtf8(body),
             u"{\"data\":{\"updatePost\":null,\"deletePost\":{\"id\":\"p2\"}},\"errors\":[{\"message\":\"Conflict resolver rejects mutation.\","
             "\"locations\":[{\"line\":2,\"column\":3}],\"path\":[\"updatePost\"],\"errorType\":\"ConflictUnhandled\","
             "\"data\":{\"_version\":4,\"id\":\"p1\"},\"errorInfo\":null}]}"_s);
}

// AppSync filters an error's data by the selection set, nested items too:
// Amplify JS rejects a nested item that carries _version (its conflict
// handler never ran against a server that sent the whole related Post).
void TestGraphQLExecution::errorDataFollowsSelection()
{
    QJsonObject stored = json(u"{\"id\":\"c1\",\"postID\":\"p1\",\"content\":\"server\",\"_version\":2,"
                              "\"_lastChangedAt\":1714989900000,\"_deleted\":null,\"_ttl\":null}"_s);
    stored.insert(u"post"_s, post(1));
    FunctionResolver resolver([&](const FieldRequest &) {
        return FieldResult::error(u"ConflictUnhandled"_s, u"Conflict resolver rejects mutation."_s, stored);
    });
    const QByteArray body = m_engine->execute(
        "mutation operation($input: UpdateCommentInput!) {\n"
        "  updateComment(input: $input) { id content _version me: _deleted post { id _deleted } }\n}",
        {}, json(u"{\"input\":{\"id\":\"c1\",\"content\":\"x\",\"_version\":1}}"_s), resolver);
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"errors"_s)[0].toObject();
    QCOMPARE(error.value(u"errorType"_s).toString(), u"ConflictUnhandled"_s);
    QCOMPARE(error.value(u"data"_s).toObject(),
             json(u"{\"id\":\"c1\",\"content\":\"server\",\"_version\":2,\"me\":null,"
                  "\"post\":{\"id\":\"p1\",\"_deleted\":null}}"_s));

    // Data that does not fit the selection (a non-null field missing) stays as it is.
    const QJsonObject partial = json(u"{\"id\":\"c1\"}"_s);
    FunctionResolver partialResolver([&](const FieldRequest &) {
        return FieldResult::error(u"ConflictUnhandled"_s, u"Conflict resolver rejects mutation."_s, partial);
    });
    const QByteArray partialBody = m_engine->execute(
        "mutation { updateComment(input: {id: \"c1\"}) { id content } }", {}, {}, partialResolver);
    QCOMPARE(QJsonDocument::fromJson(partialBody).object().value(u"errors"_s)[0][u"data"_s].toObject(), partial);
}

void TestGraphQLExecution::resolverThrows()
{
    FunctionResolver resolver([](const FieldRequest &) -> FieldResult { throw std::runtime_error("boom"); });
    QTest::ignoreMessage(QtWarningMsg, "resolver for getPost threw: boom");
    const QByteArray body = m_engine->execute("{ getPost(id: \"1\") { id } }", {}, {}, resolver);
    QCOMPARE(body, QByteArray("{\"data\":{\"getPost\":null},\"errors\":[{\"message\":\"An internal error occurred.\","
                              "\"locations\":[{\"line\":1,\"column\":3}],\"path\":[\"getPost\"],\"errorType\":\"InternalFailure\","
                              "\"data\":null,\"errorInfo\":null}]}"));
}

void TestGraphQLExecution::subscriptionEvent()
{
    // AppSync pushes only the fields selected by both the mutation and the subscription.
    const PrepareResult mutation = m_engine->prepare(
        "mutation M($input: CreatePostInput!) { p: createPost(input: $input) { id title __typename blog: rating } }", {},
        json(u"{\"input\":{\"title\":\"t\"}}"_s));
    QVERIFY(mutation.ok());
    const QJsonValue projected = mutation.operation->project(u"p"_s, post(1));
    QCOMPARE(projected.toObject(), json(u"{\"id\":\"p1\",\"title\":\"Post number 1\",\"rating\":1}"_s));
    QCOMPARE(mutation.operation->selectedFieldNames(u"p"_s), (QStringList{u"id"_s, u"title"_s, u"__typename"_s, u"rating"_s}));

    const PrepareResult subscription = m_engine->prepare(
        "subscription S { onCreatePost { id title content __typename } }", {}, {});
    QVERIFY(subscription.ok());
    QCOMPARE(subscription.operation->type(), ds::graphql::OperationType::Subscription);
    QCOMPARE(m_engine->executeEvent(*subscription.operation, projected),
             QByteArray("{\"data\":{\"onCreatePost\":{\"id\":\"p1\",\"title\":\"Post number 1\",\"content\":null,\"__typename\":\"Post\"}}}"));
}

void TestGraphQLExecution::rootFields()
{
    const PrepareResult r = m_engine->prepare(
        "subscription S($f: ModelSubscriptionNoteFilterInput, $o: String) { n: onCreateNote(filter: $f, owner: $o) { id } }", {},
        json(u"{\"f\":{\"pinned\":{\"eq\":true}},\"o\":\"alice\"}"_s));
    QVERIFY(r.ok());
    const QList<RootField> fields = r.operation->rootFields();
    QCOMPARE(fields.size(), 1);
    QCOMPARE(fields.front().name, u"onCreateNote"_s);
    QCOMPARE(fields.front().responseKey, u"n"_s);
    QCOMPARE(fields.front().arguments.value(u"owner"_s).toString(), u"alice"_s);
    QCOMPARE(fields.front().arguments.value(u"filter"_s).toObject(), json(u"{\"pinned\":{\"eq\":true}}"_s));
    QVERIFY(fields.front().field);
    const auto *subscribe = fields.front().field->directive(u"aws_subscribe");
    QVERIFY(subscribe);
    QCOMPARE(subscribe->argument(u"mutations")->value.list.front().text, u"createNote"_s);
}

void TestGraphQLExecution::concurrentExecution()
{
    // One engine, several threads: the document cache is shared.
    QJsonArray items;
    for (int i = 0; i < 50; ++i)
        items.append(post(i));
    const QJsonObject page{{u"items"_s, items}, {u"startedAt"_s, 1}};
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            FunctionResolver resolver([&](const FieldRequest &) { return FieldResult::fromValue(page); });
            for (int k = 0; k < 50; ++k) {
                const QByteArray body = m_engine->execute("{ syncPosts { items { id title } startedAt } }", {}, {}, resolver);
                if (!body.startsWith("{\"data\":{\"syncPosts\":{\"items\":[{\"id\":\"p0\"") || body.contains("errors"))
                    ++bad;
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(bad.load(), 0);
}

void TestGraphQLExecution::syncPage1000()
{
    // The JS client's sync query over a 1,000-item page.
    const QByteArray query =
        "query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, $filter: ModelPostFilterInput) {\n"
        "  syncPosts(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter) {\n"
        "    items { id title content rating status tags createdAt updatedAt _version _lastChangedAt _deleted }\n"
        "    nextToken\n    startedAt\n  }\n}\n";
    const QJsonObject variables = json(u"{\"limit\":1000,\"nextToken\":null,\"lastSync\":0,\"filter\":null}"_s);

    QElapsedTimer build;
    build.start();
    QJsonArray items;
    for (int i = 0; i < 1000; ++i)
        items.append(post(i));
    const QJsonObject page{{u"items"_s, items}, {u"nextToken"_s, u"next"_s}, {u"startedAt"_s, qint64(1714990123456)}};
    const qint64 buildNs = build.nsecsElapsed();

    FunctionResolver resolver([&](const FieldRequest &) { return FieldResult::fromValue(page); });
    QByteArray body = m_engine->execute(query, {}, variables, resolver);
    const QJsonObject parsed = QJsonDocument::fromJson(body).object();
    QCOMPARE(parsed.value(u"data"_s)[u"syncPosts"_s][u"items"_s].toArray().size(), 1000);
    QCOMPARE(parsed.value(u"data"_s)[u"syncPosts"_s][u"items"_s][999][u"_lastChangedAt"_s].toInteger(), qint64(1714989900999));
    QVERIFY(!body.contains("errors"));

    const int rounds = 30;
    QElapsedTimer timer;
    timer.start();
    for (int r = 0; r < rounds; ++r)
        body = m_engine->execute(query, {}, variables, resolver);
    const double msPerPage = timer.nsecsElapsed() / 1e6 / rounds;

    // For comparison: the same page turned into text by QJsonDocument.
    timer.restart();
    for (int r = 0; r < rounds; ++r)
        body = QJsonDocument(QJsonObject{{u"data"_s, QJsonObject{{u"syncPosts"_s, page}}}}).toJson(QJsonDocument::Compact);
    const double msQJson = timer.nsecsElapsed() / 1e6 / rounds;

    qInfo("1,000-item sync page: validate+execute %.2f ms (%.0f records/s); QJsonDocument::toJson of the same page %.2f ms; "
          "building the page as QJsonObjects %.2f ms; %lld bytes",
          msPerPage, 1000.0 / msPerPage * 1000.0, msQJson, buildNs / 1e6, qint64(body.size()));
#ifdef NDEBUG
    QVERIFY2(msPerPage < 10.0, "base sync must serve at least 100,000 records/s");
#else
    QVERIFY2(msPerPage < 50.0, "too slow even for a debug build");
#endif
}

QTEST_GUILESS_MAIN(TestGraphQLExecution)
#include "tst_graphql_execution.moc"
