// Request validation of the server's GraphQL engine against the API schema
// of models/schema.graphql: invalid documents with their exact messages and
// locations, and every document the real Amplify client sent (captured in
// tests/data/protocol/captured/transcript.md) validates and prepares.
#include "graphql/engine.h"
#include "graphql/parser.h"
#include "graphql/validation.h"
#include "schema/apischema.h"

#include <datastore/modelschema.h>

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds::server::graphql;

class TestGraphQLValidation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void invalid_data();
    void invalid();
    void valid_data();
    void valid();
    void limits_data();
    void limits();
    void variables_data();
    void variables();
    void operationSelection_data();
    void operationSelection();
    void transcript();
    void documentCache();

private:
    std::shared_ptr<const ExecutableSchema> m_schema;
};

void TestGraphQLValidation::initTestCase()
{
    QFile file(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    ds::SourceError error;
    const auto model = ds::Schema::fromGraphQL(file.readAll(), u"schema.graphql"_s, &error);
    QVERIFY2(model, qPrintable(error.toString()));
    QString message;
    m_schema = ExecutableSchema::build(ds::buildApiSchema(*model), &message);
    QVERIFY2(m_schema, qPrintable(message));
}

// Each row: document, the first error's message, line and column, and how
// many errors there are in all.
void TestGraphQLValidation::invalid_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("count");

    // Fields
    QTest::newRow("unknown field, suggestion")
        << u"{ getPost(id: \"1\") { id titel } }"_s
        << u"Cannot query field 'titel' on type 'Post'. Did you mean 'title'?"_s << 1 << 25 << 1;
    QTest::newRow("unknown field, no suggestion")
        << u"{ getPost(id: \"1\") { id zzzzzz } }"_s
        << u"Cannot query field 'zzzzzz' on type 'Post'."_s << 1 << 25 << 1;
    QTest::newRow("unknown root field")
        << u"query {\n  syncPost { items { id } }\n}"_s
        << u"Cannot query field 'syncPost' on type 'Query'. Did you mean 'syncPosts', 'getPost', or 'syncNotes'?"_s << 2 << 3 << 1;
    QTest::newRow("unknown field in connection")
        << u"{ syncPosts { item { id } } }"_s
        << u"Cannot query field 'item' on type 'ModelPostConnection'. Did you mean 'items'?"_s << 1 << 15 << 1;
    QTest::newRow("aliased unknown field")
        << u"{ getPost(id: \"1\") { t: titles } }"_s
        << u"Cannot query field 'titles' on type 'Post'. Did you mean 'title'?"_s << 1 << 22 << 1;
    QTest::newRow("mutation field on query")
        << u"{ createPost(input: {title: \"x\"}) { id } }"_s
        << u"Cannot query field 'createPost' on type 'Query'. Did you mean 'getPost'?"_s << 1 << 3 << 1;
    QTest::newRow("__schema on mutation")
        << u"mutation { __schema { types { name } } }"_s
        << u"Cannot query field '__schema' on type 'Mutation'."_s << 1 << 12 << 1;
    QTest::newRow("leaf with selection")
        << u"{ getPost(id: \"1\") { title { x } } }"_s
        << u"Field 'title' must not have a selection since type 'String!' has no subfields."_s << 1 << 22 << 1;
    QTest::newRow("enum with selection")
        << u"{ getPost(id: \"1\") { status { x } } }"_s
        << u"Field 'status' must not have a selection since type 'PostStatus' has no subfields."_s << 1 << 22 << 1;
    QTest::newRow("object without selection")
        << u"{ getPost(id: \"1\") }"_s
        << u"Field 'getPost' of type 'Post' must have a selection of subfields. Did you mean 'getPost { ... }'?"_s << 1 << 3 << 1;
    QTest::newRow("list without selection")
        << u"{ syncPosts { items } }"_s
        << u"Field 'items' of type '[Post]!' must have a selection of subfields. Did you mean 'items { ... }'?"_s << 1 << 15 << 1;

    // Arguments
    QTest::newRow("unknown argument")
        << u"{ syncPosts(lastsync: 0) { startedAt } }"_s
        << u"Unknown argument 'lastsync' on field 'Query.syncPosts'. Did you mean 'lastSync'?"_s << 1 << 13 << 1;
    QTest::newRow("duplicate argument")
        << u"{ syncPosts(limit: 1, limit: 2) { startedAt } }"_s
        << u"There can be only one argument named 'limit'."_s << 1 << 23 << 1;
    QTest::newRow("missing required argument")
        << u"{ getPost { id } }"_s
        << u"Field 'getPost' argument 'id' of type 'ID!' is required, but it was not provided."_s << 1 << 3 << 1;
    QTest::newRow("null for non-null argument")
        << u"{ getPost(id: null) { id } }"_s
        << u"Expected value of type 'ID!', found null."_s << 1 << 15 << 1;
    QTest::newRow("Int from string")
        << u"{ syncPosts(limit: \"10\") { startedAt } }"_s
        << u"Expected value of type 'Int', found \"10\"; Int cannot represent non-integer value: \"10\""_s << 1 << 20 << 1;
    QTest::newRow("Int from float")
        << u"{ syncPosts(limit: 1.5) { startedAt } }"_s
        << u"Expected value of type 'Int', found 1.5; Int cannot represent non-integer value: 1.5"_s << 1 << 20 << 1;
    QTest::newRow("Int out of 32-bit range")
        << u"{ syncPosts(limit: 3000000000) { startedAt } }"_s
        << u"Expected value of type 'Int', found 3000000000; Int cannot represent non 32-bit signed integer value: 3000000000"_s << 1 << 20 << 1;
    QTest::newRow("String from Int")
        << u"{ syncPosts(nextToken: 5) { startedAt } }"_s
        << u"Expected value of type 'String', found 5; String cannot represent a non string value: 5"_s << 1 << 24 << 1;
    QTest::newRow("ID from Float")
        << u"{ getPost(id: 1.5) { id } }"_s
        << u"Expected value of type 'ID!', found 1.5; ID cannot represent value: 1.5"_s << 1 << 15 << 1;
    QTest::newRow("ID from Boolean")
        << u"{ getPost(id: true) { id } }"_s
        << u"Expected value of type 'ID!', found true; ID cannot represent value: true"_s << 1 << 15 << 1;
    QTest::newRow("AWSTimestamp from string")
        << u"{ syncPosts(lastSync: \"0\") { startedAt } }"_s
        << u"Expected value of type 'AWSTimestamp', found \"0\"; AWSTimestamp cannot represent non-integer value: \"0\""_s << 1 << 23 << 1;
    QTest::newRow("enum from string")
        << u"mutation { createPost(input: {title: \"t\", status: \"DRAFT\"}) { id } }"_s
        << u"Expected value of type 'PostStatus', found \"DRAFT\"; Enum 'PostStatus' cannot represent non-enum value: \"DRAFT\"."_s << 1 << 51 << 1;
    QTest::newRow("unknown enum value")
        << u"mutation { createPost(input: {title: \"t\", status: DRAFTS}) { id } }"_s
        << u"Expected value of type 'PostStatus', found DRAFTS; Value 'DRAFTS' does not exist in 'PostStatus' enum."_s << 1 << 51 << 1;
    QTest::newRow("Boolean from Int")
        << u"mutation { createNote(input: {title: \"t\", pinned: 1}) { id } }"_s
        << u"Expected value of type 'Boolean', found 1; Boolean cannot represent a non boolean value: 1"_s << 1 << 51 << 1;
    QTest::newRow("input object from string")
        << u"mutation { createPost(input: \"x\") { id } }"_s
        << u"Expected value of type 'CreatePostInput!', found \"x\"."_s << 1 << 30 << 1;
    QTest::newRow("unknown input field")
        << u"mutation { createPost(input: {title: \"t\", titel: \"u\"}) { id } }"_s
        << u"Field 'titel' is not defined by type 'CreatePostInput'."_s << 1 << 43 << 1;
    QTest::newRow("missing required input field")
        << u"mutation { createPost(input: {content: \"c\"}) { id } }"_s
        << u"Field 'CreatePostInput.title' of required type 'String!' was not provided."_s << 1 << 30 << 1;
    QTest::newRow("duplicate input field is the last one, unknown input field nested")
        << u"{ syncPosts(filter: {rating: {gt: 5, great: 6}}) { startedAt } }"_s
        << u"Field 'great' is not defined by type 'ModelIntInput'."_s << 1 << 38 << 1;
    QTest::newRow("not in subscription filter")
        << u"subscription { onCreatePost(filter: {not: {rating: {gt: 5}}}) { id } }"_s
        << u"Field 'not' is not defined by type 'ModelSubscriptionPostFilterInput'."_s << 1 << 38 << 1;
    QTest::newRow("list item of wrong type")
        << u"{ syncPosts(filter: {rating: {between: [1, \"2\"]}}) { startedAt } }"_s
        << u"Expected value of type 'Int', found \"2\"; Int cannot represent non-integer value: \"2\""_s << 1 << 44 << 1;
    QTest::newRow("AWSDateTime literal")
        << u"mutation { createUser(input: {firstName: \"a\", lastName: \"b\", createdAt: \"2021-13-01T00:00:00Z\"}) { id } }"_s
        << u"Expected value of type 'AWSDateTime', found \"2021-13-01T00:00:00Z\"; AWSDateTime cannot represent the invalid value: \"2021-13-01T00:00:00Z\""_s << 1 << 73 << 1;

    // Variables
    QTest::newRow("undefined variable")
        << u"query Q { getPost(id: $id) { id } }"_s
        << u"Variable '$id' is not defined by operation 'Q'."_s << 1 << 23 << 1;
    QTest::newRow("undefined variable, anonymous")
        << u"{ getPost(id: $id) { id } }"_s
        << u"Variable '$id' is not defined."_s << 1 << 15 << 1;
    QTest::newRow("unused variable")
        << u"query Q($id: ID!, $x: Int) { getPost(id: $id) { id } }"_s
        << u"Variable '$x' is never used in operation 'Q'."_s << 1 << 19 << 1;
    QTest::newRow("duplicate variable")
        << u"query Q($id: ID!, $id: ID!) { getPost(id: $id) { id } }"_s
        << u"There can be only one variable named '$id'."_s << 1 << 9 << 1;
    QTest::newRow("variable of output type")
        << u"query Q($p: Post) { getPost(id: \"1\") { id } }"_s
        << u"Variable '$p' cannot be non-input type 'Post'."_s << 1 << 13 << 2;
    QTest::newRow("variable of unknown type")
        << u"query Q($p: Pots) { getPost(id: \"1\") { id } }"_s
        << u"Unknown type 'Pots'. Did you mean 'Note' or 'Post'?"_s << 1 << 13 << 2;
    QTest::newRow("nullable variable in non-null position")
        << u"query Q($id: ID) { getPost(id: $id) { id } }"_s
        << u"Variable '$id' of type 'ID' used in position expecting type 'ID!'."_s << 1 << 9 << 1;
    QTest::newRow("variable of other type")
        << u"query Q($limit: String) { syncPosts(limit: $limit) { startedAt } }"_s
        << u"Variable '$limit' of type 'String' used in position expecting type 'Int'."_s << 1 << 9 << 1;
    QTest::newRow("list variable in scalar position")
        << u"query Q($limit: [Int]) { syncPosts(limit: $limit) { startedAt } }"_s
        << u"Variable '$limit' of type '[Int]' used in position expecting type 'Int'."_s << 1 << 9 << 1;
    QTest::newRow("variable in input object field")
        << u"mutation M($t: Int) { createPost(input: {title: $t}) { id } }"_s
        << u"Variable '$t' of type 'Int' used in position expecting type 'String!'."_s << 1 << 12 << 1;
    QTest::newRow("wrong input type variable")
        << u"mutation M($input: UpdatePostInput!) { createPost(input: $input) { id } }"_s
        << u"Variable '$input' of type 'UpdatePostInput!' used in position expecting type 'CreatePostInput!'."_s << 1 << 12 << 1;
    QTest::newRow("bad variable default")
        << u"query Q($limit: Int = \"x\") { syncPosts(limit: $limit) { startedAt } }"_s
        << u"Expected value of type 'Int', found \"x\"; Int cannot represent non-integer value: \"x\""_s << 1 << 23 << 1;

    // Fragments
    QTest::newRow("unknown fragment")
        << u"{ getPost(id: \"1\") { ...PostFields } }"_s
        << u"Unknown fragment 'PostFields'."_s << 1 << 22 << 1;
    QTest::newRow("unused fragment")
        << u"{ getPost(id: \"1\") { id } }\nfragment F on Post { id }"_s
        << u"Fragment 'F' is never used."_s << 2 << 1 << 1;
    QTest::newRow("duplicate fragment")
        << u"{ getPost(id: \"1\") { ...F } }\nfragment F on Post { id }\nfragment F on Post { title }"_s
        << u"There can be only one fragment named 'F'."_s << 2 << 1 << 1;
    QTest::newRow("fragment on unknown type")
        << u"{ getPost(id: \"1\") { ...F } }\nfragment F on Posts { id }"_s
        << u"Unknown type 'Posts'. Did you mean 'Post' or 'Note'?"_s << 2 << 1 << 1;
    QTest::newRow("fragment on scalar")
        << u"{ getPost(id: \"1\") { ...F } }\nfragment F on String { id }"_s
        << u"Fragment 'F' cannot condition on non composite type 'String'."_s << 2 << 1 << 1;
    QTest::newRow("impossible spread")
        << u"{ getPost(id: \"1\") { ...F } }\nfragment F on User { id }"_s
        << u"Fragment 'F' cannot be spread here as objects of type 'Post' can never be of type 'User'."_s << 1 << 22 << 1;
    QTest::newRow("impossible inline fragment")
        << u"{ getPost(id: \"1\") { ... on Comment { id } } }"_s
        << u"Fragment cannot be spread here as objects of type 'Post' can never be of type 'Comment'."_s << 1 << 22 << 1;
    QTest::newRow("inline fragment on input type")
        << u"{ getPost(id: \"1\") { ... on CreatePostInput { id } } }"_s
        << u"Fragment cannot condition on non composite type 'CreatePostInput'."_s << 1 << 22 << 1;
    QTest::newRow("fragment cycle")
        << u"{ getPost(id: \"1\") { ...A } }\nfragment A on Post { id ...B }\nfragment B on Post { title ...A }"_s
        << u"Cannot spread fragment 'A' within itself via 'B'."_s << 2 << 25 << 1;
    QTest::newRow("fragment spreads itself")
        << u"{ getPost(id: \"1\") { ...A } }\nfragment A on Post { id ...A }"_s
        << u"Cannot spread fragment 'A' within itself."_s << 2 << 25 << 1;
    QTest::newRow("field unknown inside fragment")
        << u"{ getPost(id: \"1\") { ...F } }\nfragment F on Post { nme }"_s
        << u"Cannot query field 'nme' on type 'Post'."_s << 2 << 22 << 1;

    // Directives
    QTest::newRow("unknown directive")
        << u"{ getPost(id: \"1\") { id @hide } }"_s
        << u"Unknown directive '@hide'."_s << 1 << 25 << 1;
    QTest::newRow("directive in wrong place")
        << u"query Q @skip(if: true) { getPost(id: \"1\") { id } }"_s
        << u"Directive '@skip' may not be used on QUERY."_s << 1 << 9 << 1;
    QTest::newRow("directive twice")
        << u"{ getPost(id: \"1\") { id @skip(if: false) @skip(if: true) } }"_s
        << u"The directive '@skip' can only be used once at this location."_s << 1 << 42 << 1;
    QTest::newRow("directive without required argument")
        << u"{ getPost(id: \"1\") { id @include } }"_s
        << u"Directive '@include' argument 'if' of type 'Boolean!' is required, but it was not provided."_s << 1 << 25 << 1;
    QTest::newRow("directive argument type")
        << u"{ getPost(id: \"1\") { id @include(if: \"yes\") } }"_s
        << u"Expected value of type 'Boolean!', found \"yes\"; Boolean cannot represent a non boolean value: \"yes\""_s << 1 << 38 << 1;
    QTest::newRow("schema directive on a field")
        << u"{ getPost(id: \"1\") { id @aws_subscribe(mutations: []) } }"_s
        << u"Directive '@aws_subscribe' may not be used on FIELD."_s << 1 << 25 << 1;

    // Operations
    QTest::newRow("duplicate operation name")
        << u"query A { getPost(id: \"1\") { id } }\nquery A { getPost(id: \"2\") { id } }"_s
        << u"There can be only one operation named 'A'."_s << 1 << 1 << 1;
    QTest::newRow("anonymous operation not alone")
        << u"{ getPost(id: \"1\") { id } }\nquery A { getPost(id: \"2\") { id } }"_s
        << u"This anonymous operation must be the only defined operation."_s << 1 << 1 << 1;
    QTest::newRow("subscription with two root fields")
        << u"subscription S { onCreatePost { id } onUpdatePost { id } }"_s
        << u"Subscription 'S' must select only one top level field."_s << 1 << 38 << 1;
    QTest::newRow("anonymous subscription with two root fields")
        << u"subscription { onCreatePost { id } ...F }\nfragment F on Subscription { onDeletePost { id } }"_s
        << u"Anonymous Subscription must select only one top level field."_s << 2 << 30 << 1;
    QTest::newRow("type definition in a request")
        << u"type Foo { id: ID }\n{ getPost(id: \"1\") { id } }"_s
        << u"The 'Foo' definition is not executable."_s << 1 << 1 << 1;
    QTest::newRow("conflicting fields")
        << u"{ getPost(id: \"1\") { x: title x: content } }"_s
        << u"Fields 'x' conflict because 'title' and 'content' are different fields. Use different aliases on the fields to fetch both if this was intentional."_s
        << 1 << 22 << 1;
    QTest::newRow("conflicting arguments")
        << u"{ p: getPost(id: \"1\") { id } p: getPost(id: \"2\") { id } }"_s
        << u"Fields 'p' conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional."_s
        << 1 << 3 << 1;
    QTest::newRow("syntax error")
        << u"{ getPost(id: \"1\") { id }"_s
        << QString() << 1 << 26 << 1;
}

void TestGraphQLValidation::invalid()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(int, count);

    const auto parsed = ds::graphql::parse(query.toUtf8());
    if (!parsed.ok()) {
        QVERIFY(message.isEmpty());   // a syntax error row: checked through the engine below
        Engine engine(m_schema);
        const PrepareResult r = engine.prepare(query.toUtf8(), {}, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QVERIFY2(r.errors.front().message.startsWith(u"Syntax Error: "_s), qPrintable(r.errors.front().message));
        QCOMPARE(r.errors.front().locations.value(0).line, line);
        QCOMPARE(r.errors.front().locations.value(0).column, column);
        return;
    }
    const QList<GraphQLError> errors = validate(*m_schema, parsed.document);
    QStringList all;
    for (const GraphQLError &e : errors)
        all.append(e.message);
    QVERIFY2(!errors.isEmpty(), "the document validated");
    QCOMPARE(errors.front().message, message);
    QVERIFY(!errors.front().locations.isEmpty());
    QCOMPARE(errors.front().locations.front().line, line);
    QCOMPARE(errors.front().locations.front().column, column);
    QVERIFY2(errors.size() == count, qPrintable(all.join(u" | "_s)));
}

void TestGraphQLValidation::valid_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("shorthand") << u"{ getPost(id: \"1\") { id title } }"_s;
    QTest::newRow("typename everywhere") << u"{ __typename syncPosts { __typename items { __typename id } } }"_s;
    QTest::newRow("aliases and fragments")
        << u"query Q($id: ID!) { a: getPost(id: $id) { ...F t: title } }\nfragment F on Post { id ... on Post { rating } }"_s;
    QTest::newRow("same field twice") << u"{ getPost(id: \"1\") { id id title t: title } }"_s;
    QTest::newRow("skip and include")
        << u"query Q($s: Boolean!) { getPost(id: \"1\") { id @skip(if: $s) title @include(if: true) } }"_s;
    QTest::newRow("int literal as ID and Float") << u"{ getPost(id: 5) { id } }"_s;
    QTest::newRow("single value for a list") << u"{ syncPosts(filter: {rating: {between: 5}}) { startedAt } }"_s;
    QTest::newRow("variable with default in non-null position")
        << u"query Q($id: ID = \"1\") { getPost(id: $id) { id } }"_s;
    QTest::newRow("non-null variable in nullable position") << u"query Q($l: Int!) { syncPosts(limit: $l) { startedAt } }"_s;
    QTest::newRow("variables nested in lists and objects")
        << u"query Q($v: Int, $t: String) { syncPosts(filter: {and: [{rating: {gt: $v}}, {title: {beginsWith: $t}}]}) { startedAt } }"_s;
    QTest::newRow("null literal for nullable") << u"{ syncPosts(filter: null, limit: null) { startedAt } }"_s;
    QTest::newRow("enum literal") << u"{ syncPosts(filter: {status: {eq: PUBLISHED}}) { startedAt } }"_s;
    QTest::newRow("AWSDateTime literal")
        << u"mutation { createUser(input: {firstName: \"a\", lastName: \"b\", createdAt: \"2021-01-01T00:00:00.000Z\"}) { id } }"_s;
    QTest::newRow("owner argument") << u"subscription S($o: String) { onCreateNote(owner: $o) { id owner } }"_s;
    QTest::newRow("introspection") << u"{ __schema { queryType { name } } __type(name: \"Post\") { name fields { name } } }"_s;
    QTest::newRow("several named operations")
        << u"query A { getPost(id: \"1\") { id } }\nmutation B { deletePost(input: {id: \"1\"}) { id } }"_s;
    QTest::newRow("block string") << u"{ getPost(id: \"\"\"1\"\"\") { id } }"_s;
}

void TestGraphQLValidation::valid()
{
    QFETCH(QString, query);
    const auto parsed = ds::graphql::parse(query.toUtf8());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    const QList<GraphQLError> errors = validate(*m_schema, parsed.document);
    QStringList all;
    for (const GraphQLError &e : errors)
        all.append(e.message);
    QVERIFY2(errors.isEmpty(), qPrintable(all.join(u" | "_s)));
}

void TestGraphQLValidation::limits_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");

    QTest::newRow("depth")
        << u"{ getPost(id: \"1\") { comments { items { post { comments { items { post { id } } } } } } } }"_s
        << u"Query depth 8 exceeds the maximum allowed depth of 6."_s;
    // Each fragment spreads the next one three times: getPost + (3^11 - 1) / 2 fields.
    QString bomb = u"{ getPost(id: \"1\") { ...F0 } }\n"_s;
    for (int i = 0; i < 10; ++i)
        bomb += u"fragment F%1 on Post { id ...F%2 ...F%2 ...F%2 }\n"_s.arg(i).arg(i + 1);
    bomb += u"fragment F10 on Post { id }\n"_s;
    QTest::newRow("fragment fan-out") << bomb << u"Query selects 88574 fields, more than the maximum of 1000."_s;
    QString roots = u"{ "_s;
    for (int i = 0; i < 12; ++i)
        roots += u"a%1: syncPosts(limit: 1) { startedAt } "_s.arg(i);
    QTest::newRow("root fields") << roots + u"}"_s
                                 << u"Query selects 12 root fields, more than the maximum of 10 per request."_s;
    // Root fields through fragments: R3 has 1, R2 1 + 2, R1 1 + 6, R0 1 + 14.
    QString rootBomb = u"{ ...R0 }\n"_s;
    for (int i = 0; i < 3; ++i)
        rootBomb += u"fragment R%1 on Query { syncPosts { startedAt } ...R%2 ...R%2 }\n"_s.arg(i).arg(i + 1);
    rootBomb += u"fragment R3 on Query { syncPosts { startedAt } }\n"_s;
    QTest::newRow("root fields through fragments")
        << rootBomb << u"Query selects 15 root fields, more than the maximum of 10 per request."_s;
}

void TestGraphQLValidation::limits()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const auto parsed = ds::graphql::parse(query.toUtf8());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    ValidationLimits limits;
    limits.maxDepth = 6;
    limits.maxFields = 1000;
    limits.maxRootFields = 10;
    const QList<GraphQLError> errors = validate(*m_schema, parsed.document, limits);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.front().message, message);
    QCOMPARE(errors.front().locations.value(0).line, 1);
}

void TestGraphQLValidation::variables_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("variables");
    QTest::addColumn<QString>("message");

    const QString create = u"mutation M($input: CreatePostInput!) { createPost(input: $input) { id } }"_s;
    QTest::newRow("missing required input field") << create << u"{\"input\":{\"id\":\"1\"}}"_s
        << u"Variable '$input' got invalid value {\"id\":\"1\"}; Field 'title' of required type 'String!' was not provided."_s;
    QTest::newRow("unknown input field") << create << u"{\"input\":{\"title\":\"t\",\"titel\":\"u\"}}"_s
        << u"Variable '$input' got invalid value {\"titel\":\"u\",\"title\":\"t\"}; Field 'titel' is not defined by type 'CreatePostInput'."_s;
    QTest::newRow("wrong scalar inside") << create << u"{\"input\":{\"title\":5}}"_s
        << u"Variable '$input' got invalid value 5 at 'input.title'; String cannot represent a non string value: 5"_s;
    QTest::newRow("wrong list item") << create << u"{\"input\":{\"title\":\"t\",\"tags\":[\"a\",1]}}"_s
        << u"Variable '$input' got invalid value 1 at 'input.tags[1]'; String cannot represent a non string value: 1"_s;
    QTest::newRow("bad enum") << create << u"{\"input\":{\"title\":\"t\",\"status\":\"GONE\"}}"_s
        << u"Variable '$input' got invalid value \"GONE\" at 'input.status'; Value \"GONE\" does not exist in 'PostStatus' enum."_s;
    QTest::newRow("not provided") << create << u"{}"_s
        << u"Variable '$input' of required type 'CreatePostInput!' was not provided."_s;
    QTest::newRow("null") << create << u"{\"input\":null}"_s
        << u"Variable '$input' of non-null type 'CreatePostInput!' must not be null."_s;
    QTest::newRow("not an object") << create << u"{\"input\":[1]}"_s
        << u"Variable '$input' got invalid value [1]; Expected type 'CreatePostInput' to be an object."_s;
    QTest::newRow("null for non-null field") << create << u"{\"input\":{\"title\":null}}"_s
        << u"Variable '$input' got invalid value null at 'input.title'; Expected non-nullable type 'String!' not to be null."_s;
    const QString sync = u"query Q($limit: Int, $lastSync: AWSTimestamp) { syncPosts(limit: $limit, lastSync: $lastSync) { startedAt } }"_s;
    QTest::newRow("Int fraction") << sync << u"{\"limit\":1.5}"_s
        << u"Variable '$limit' got invalid value 1.5; Int cannot represent non-integer value: 1.5"_s;
    QTest::newRow("Int range") << sync << u"{\"limit\":4294967296}"_s
        << u"Variable '$limit' got invalid value 4294967296; Int cannot represent non 32-bit signed integer value: 4294967296"_s;
    QTest::newRow("AWSTimestamp string") << sync << u"{\"lastSync\":\"1715000000000\"}"_s
        << u"Variable '$lastSync' got invalid value \"1715000000000\"; AWSTimestamp cannot represent non-integer value: \"1715000000000\""_s;
    const QString user = u"mutation M($input: CreateUserInput!) { createUser(input: $input) { id } }"_s;
    QTest::newRow("AWSDateTime without zone") << user
        << u"{\"input\":{\"firstName\":\"a\",\"lastName\":\"b\",\"createdAt\":\"2021-01-01T00:00:00\"}}"_s
        << u"Variable '$input' got invalid value \"2021-01-01T00:00:00\" at 'input.createdAt'; AWSDateTime cannot represent the invalid value: \"2021-01-01T00:00:00\""_s;
    QTest::newRow("AWSDateTime Feb 30") << user
        << u"{\"input\":{\"firstName\":\"a\",\"lastName\":\"b\",\"createdAt\":\"2021-02-30T00:00:00Z\"}}"_s
        << u"Variable '$input' got invalid value \"2021-02-30T00:00:00Z\" at 'input.createdAt'; AWSDateTime cannot represent the invalid value: \"2021-02-30T00:00:00Z\""_s;
}

void TestGraphQLValidation::variables()
{
    QFETCH(QString, query);
    QFETCH(QString, variables);
    QFETCH(QString, message);
    Engine engine(m_schema);
    const PrepareResult r = engine.prepare(query.toUtf8(), {}, QJsonDocument::fromJson(variables.toUtf8()).object());
    QVERIFY(!r.ok());
    QCOMPARE(r.errors.size(), 1);
    QCOMPARE(r.errors.front().message, message);
    QCOMPARE(r.errors.front().locations.value(0).line, 1);
}

void TestGraphQLValidation::operationSelection_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("message");
    QTest::newRow("no name, two operations") << QString() << u"Must provide operation name if query contains multiple operations."_s;
    QTest::newRow("unknown name") << u"C"_s << u"Unknown operation named 'C'."_s;
    QTest::newRow("A") << u"A"_s << QString();
    QTest::newRow("B") << u"B"_s << QString();
}

void TestGraphQLValidation::operationSelection()
{
    QFETCH(QString, name);
    QFETCH(QString, message);
    Engine engine(m_schema);
    const QByteArray doc = "query A { getPost(id: \"1\") { id } }\nmutation B { deletePost(input: {id: \"1\"}) { id } }";
    const PrepareResult r = engine.prepare(doc, name, {});
    if (message.isEmpty()) {
        QVERIFY(r.ok());
        QCOMPARE(r.operation->name(), name);
    } else {
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.value(0).message, message);
    }
}

void TestGraphQLValidation::transcript()
{
    QFile file(QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/captured/transcript.md"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QString text = QString::fromUtf8(file.readAll());
    // Each ```graphql block, then the ```json block of its variables (one object a line).
    static const QRegularExpression block(uR"(```graphql\n(.*?)```(?:\s*variables:\s*```json\n(.*?)```)?)"_s,
                                          QRegularExpression::DotMatchesEverythingOption);
    Engine engine(m_schema);
    int documents = 0, requests = 0;
    for (auto it = block.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        const QString query = match.captured(1);
        ++documents;
        const auto parsed = ds::graphql::parse(query.toUtf8());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString() + u"\n"_s + query));
        const QList<GraphQLError> errors = validate(*m_schema, parsed.document);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).message + u"\n"_s + query));
        const QStringList lines = match.captured(2).split(u'\n', Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            QJsonParseError jsonError;
            const QJsonDocument variables = QJsonDocument::fromJson(line.toUtf8(), &jsonError);
            QVERIFY2(jsonError.error == QJsonParseError::NoError, qPrintable(line));
            const PrepareResult r = engine.prepare(query.toUtf8(), {}, variables.object());
            QVERIFY2(r.ok(), qPrintable(r.errors.value(0).message + u"\n"_s + line));
            ++requests;
        }
    }
    QVERIFY2(documents >= 10, qPrintable(QString::number(documents)));
    QVERIFY(requests >= documents);
    qInfo("%d documents, %d requests with variables", documents, requests);
}

void TestGraphQLValidation::documentCache()
{
    EngineLimits limits;
    limits.documentCacheSize = 2;
    Engine engine(m_schema, limits);
    QVERIFY(engine.prepare("{ getPost(id: \"1\") { id } }", {}, {}).ok());
    QVERIFY(engine.prepare("{ getPost(id: \"1\") { id } }", {}, {}).ok());
    QCOMPARE(engine.cachedDocuments(), 1);
    QVERIFY(!engine.prepare("{ getPost(id: \"1\") { nope } }", {}, {}).ok());
    QCOMPARE(engine.cachedDocuments(), 1);   // invalid documents are not kept
    QVERIFY(engine.prepare("{ getPost(id: \"2\") { id } }", {}, {}).ok());
    QVERIFY(engine.prepare("{ getPost(id: \"3\") { id } }", {}, {}).ok());
    QCOMPARE(engine.cachedDocuments(), 2);
}

QTEST_GUILESS_MAIN(TestGraphQLValidation)
#include "tst_graphql_validation.moc"
