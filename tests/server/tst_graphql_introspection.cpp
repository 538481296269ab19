// Introspection of the server's GraphQL engine: the full standard
// introspection query (as graphql-js's getIntrospectionQuery() builds it with
// descriptions, specifiedByURL, isRepeatable, schema description and
// deprecated input values) against the API schema of models/schema.graphql.
#include "graphql/engine.h"
#include "schema/apischema.h"

#include <datastore/modelschema.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds::server::graphql;

namespace {

constexpr char kIntrospectionQuery[] = R"(
    query IntrospectionQuery {
      __schema {
        description
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
          ...FullType
        }
        directives {
          name
          description
          isRepeatable
          locations
          args(includeDeprecated: true) {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      specifiedByURL
      fields(includeDeprecated: true) {
        name
        description
        args(includeDeprecated: true) {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields(includeDeprecated: true) {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
      isDeprecated
      deprecationReason
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
)";

QJsonObject byName(const QJsonArray &list, const QString &name)
{
    for (const QJsonValue &v : list)
        if (v[u"name"_s].toString() == name)
            return v.toObject();
    return {};
}

// "[Post]!" from an introspected type reference.
QString spell(const QJsonValue &type)
{
    const QString kind = type[u"kind"_s].toString();
    if (kind == u"NON_NULL")
        return spell(type[u"ofType"_s]) + u'!';
    if (kind == u"LIST")
        return u'[' + spell(type[u"ofType"_s]) + u']';
    return type[u"name"_s].toString();
}

} // namespace

class TestGraphQLIntrospection : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void fullQuery();
    void fieldTypes_data();
    void fieldTypes();
    void typeByName_data();
    void typeByName();
    void deprecation();

private:
    std::unique_ptr<Engine> m_engine;
    QJsonObject m_schemaJson;   // data.__schema of the full query
};

void TestGraphQLIntrospection::initTestCase()
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

void TestGraphQLIntrospection::fullQuery()
{
    FunctionResolver resolver([](const FieldRequest &) { return FieldResult::fromValue(QJsonValue()); });
    const QByteArray body = m_engine->execute(kIntrospectionQuery, {}, {}, resolver);
    QJsonParseError error;
    const QJsonObject response = QJsonDocument::fromJson(body, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY2(!response.contains(u"errors"_s), body.left(600).constData());
    m_schemaJson = response[u"data"_s][u"__schema"_s].toObject();

    QCOMPARE(m_schemaJson[u"queryType"_s][u"name"_s].toString(), u"Query"_s);
    QCOMPARE(m_schemaJson[u"mutationType"_s][u"name"_s].toString(), u"Mutation"_s);
    QCOMPARE(m_schemaJson[u"subscriptionType"_s][u"name"_s].toString(), u"Subscription"_s);
    QVERIFY(m_schemaJson[u"description"_s].isNull());

    const QJsonArray types = m_schemaJson[u"types"_s].toArray();
    QStringList names;
    for (const QJsonValue &t : types)
        names.append(t[u"name"_s].toString());
    for (const QString &n : {u"Post"_s, u"ModelPostConnection"_s, u"AWSTimestamp"_s, u"AWSDateTime"_s, u"AWSJSON"_s,
                             u"String"_s, u"Boolean"_s, u"__Schema"_s, u"__Type"_s, u"__TypeKind"_s, u"__Directive"_s,
                             u"ModelSubscriptionPostFilterInput"_s, u"PostStatus"_s})
        QVERIFY2(names.contains(n), qPrintable(n));
    QCOMPARE(names.removeDuplicates(), 0);

    // syncPosts has a lastSync: AWSTimestamp argument.
    const QJsonObject query = byName(types, u"Query"_s);
    QCOMPARE(query[u"kind"_s].toString(), u"OBJECT"_s);
    const QJsonObject syncPosts = byName(query[u"fields"_s].toArray(), u"syncPosts"_s);
    QCOMPARE(spell(syncPosts[u"type"_s]), u"ModelPostConnection"_s);
    const QJsonObject lastSync = byName(syncPosts[u"args"_s].toArray(), u"lastSync"_s);
    QCOMPARE(spell(lastSync[u"type"_s]), u"AWSTimestamp"_s);
    QVERIFY(lastSync[u"defaultValue"_s].isNull());
    QCOMPARE(lastSync[u"isDeprecated"_s].toBool(true), false);
    QStringList args;
    for (const QJsonValue &a : syncPosts[u"args"_s].toArray())
        args.append(a[u"name"_s].toString());
    QCOMPARE(args, (QStringList{u"filter"_s, u"limit"_s, u"nextToken"_s, u"lastSync"_s}));

    // The subscription filter has and/or but no not; the model filter has all three.
    const QJsonObject subFilter = byName(types, u"ModelSubscriptionPostFilterInput"_s);
    QCOMPARE(subFilter[u"kind"_s].toString(), u"INPUT_OBJECT"_s);
    QVERIFY(subFilter[u"fields"_s].isNull());
    QVERIFY(!byName(subFilter[u"inputFields"_s].toArray(), u"and"_s).isEmpty());
    QVERIFY(byName(subFilter[u"inputFields"_s].toArray(), u"not"_s).isEmpty());
    QCOMPARE(spell(byName(subFilter[u"inputFields"_s].toArray(), u"or"_s)[u"type"_s]), u"[ModelSubscriptionPostFilterInput]"_s);
    QVERIFY(!byName(byName(types, u"ModelPostFilterInput"_s)[u"inputFields"_s].toArray(), u"not"_s).isEmpty());

    // Scalars, enums, wrappers.
    const QJsonObject timestamp = byName(types, u"AWSTimestamp"_s);
    QCOMPARE(timestamp[u"kind"_s].toString(), u"SCALAR"_s);
    QVERIFY(timestamp[u"specifiedByURL"_s].isNull());
    QVERIFY(timestamp[u"fields"_s].isNull() && timestamp[u"enumValues"_s].isNull() && timestamp[u"inputFields"_s].isNull());
    const QJsonObject status = byName(types, u"PostStatus"_s);
    QCOMPARE(status[u"kind"_s].toString(), u"ENUM"_s);
    QCOMPARE(status[u"enumValues"_s].toArray().size(), 3);
    QCOMPARE(status[u"enumValues"_s][0][u"name"_s].toString(), u"DRAFT"_s);
    const QJsonObject connection = byName(types, u"ModelPostConnection"_s);
    QCOMPARE(spell(byName(connection[u"fields"_s].toArray(), u"items"_s)[u"type"_s]), u"[Post]!"_s);
    QCOMPARE(connection[u"interfaces"_s].toArray().size(), 0);
    QVERIFY(connection[u"possibleTypes"_s].isNull());

    // Directives: the standard ones and the AppSync ones.
    const QJsonArray directives = m_schemaJson[u"directives"_s].toArray();
    const QJsonObject skip = byName(directives, u"skip"_s);
    QCOMPARE(skip[u"locations"_s].toArray(), (QJsonArray{u"FIELD"_s, u"FRAGMENT_SPREAD"_s, u"INLINE_FRAGMENT"_s}));
    QCOMPARE(skip[u"isRepeatable"_s].toBool(true), false);
    QCOMPARE(spell(byName(skip[u"args"_s].toArray(), u"if"_s)[u"type"_s]), u"Boolean!"_s);
    const QJsonObject deprecated = byName(directives, u"deprecated"_s);
    QCOMPARE(byName(deprecated[u"args"_s].toArray(), u"reason"_s)[u"defaultValue"_s].toString(), u"\"No longer supported\""_s);
    QVERIFY(!byName(directives, u"specifiedBy"_s).isEmpty());
    QVERIFY(!byName(directives, u"include"_s).isEmpty());
    const QJsonObject subscribe = byName(directives, u"aws_subscribe"_s);
    QCOMPARE(subscribe[u"locations"_s].toArray(), QJsonArray{u"FIELD_DEFINITION"_s});
    QCOMPARE(spell(byName(subscribe[u"args"_s].toArray(), u"mutations"_s)[u"type"_s]), u"[String]"_s);

    // Introspection types describe themselves.
    const QJsonObject typeType = byName(types, u"__Type"_s);
    const QJsonObject fieldsField = byName(typeType[u"fields"_s].toArray(), u"fields"_s);
    QCOMPARE(byName(fieldsField[u"args"_s].toArray(), u"includeDeprecated"_s)[u"defaultValue"_s].toString(), u"false"_s);
    QVERIFY(!byName(typeType[u"fields"_s].toArray(), u"specifiedByURL"_s).isEmpty());
    QCOMPARE(byName(types, u"__TypeKind"_s)[u"enumValues"_s].toArray().size(), 8);
    QVERIFY(!byName(types, u"__Schema"_s)[u"description"_s].toString().isEmpty());
}

void TestGraphQLIntrospection::fieldTypes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("spelling");
    QTest::newRow("Post.id") << u"Post"_s << u"id"_s << u"ID!"_s;
    QTest::newRow("Post.tags") << u"Post"_s << u"tags"_s << u"[String]"_s;
    QTest::newRow("Post._version") << u"Post"_s << u"_version"_s << u"Int!"_s;
    QTest::newRow("Post._lastChangedAt") << u"Post"_s << u"_lastChangedAt"_s << u"AWSTimestamp!"_s;
    QTest::newRow("Post.comments") << u"Post"_s << u"comments"_s << u"ModelCommentConnection"_s;
    QTest::newRow("Comment.post") << u"Comment"_s << u"post"_s << u"Post"_s;
    QTest::newRow("Mutation.createPost") << u"Mutation"_s << u"createPost"_s << u"Post"_s;
    QTest::newRow("Subscription.onCreateNote") << u"Subscription"_s << u"onCreateNote"_s << u"Note"_s;
    QTest::newRow("__Schema.types") << u"__Schema"_s << u"types"_s << u"[__Type!]!"_s;
}

void TestGraphQLIntrospection::fieldTypes()
{
    QFETCH(QString, type);
    QFETCH(QString, field);
    QFETCH(QString, spelling);
    if (m_schemaJson.isEmpty())
        QSKIP("fullQuery() failed");
    const QJsonObject t = byName(m_schemaJson[u"types"_s].toArray(), type);
    QVERIFY(!t.isEmpty());
    const QJsonObject f = byName(t[u"fields"_s].toArray(), field);
    QVERIFY(!f.isEmpty());
    QCOMPARE(spell(f[u"type"_s]), spelling);
}

void TestGraphQLIntrospection::typeByName_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("response");
    QTest::newRow("object")
        << u"{ __type(name: \"DeletePostInput\") { kind name inputFields { name type { kind name ofType { name } } defaultValue } } }"_s
        << u"{\"data\":{\"__type\":{\"kind\":\"INPUT_OBJECT\",\"name\":\"DeletePostInput\",\"inputFields\":["
           "{\"name\":\"id\",\"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":{\"name\":\"ID\"}},\"defaultValue\":null},"
           "{\"name\":\"_version\",\"type\":{\"kind\":\"SCALAR\",\"name\":\"Int\",\"ofType\":null},\"defaultValue\":null}]}}}"_s;
    QTest::newRow("unknown type") << u"{ __type(name: \"Nope\") { name } }"_s << u"{\"data\":{\"__type\":null}}"_s;
    QTest::newRow("with variables and aliases")
        << u"query Q($n: String! = \"PostStatus\") { t: __type(name: $n) { k: kind values: enumValues { name } } }"_s
        << u"{\"data\":{\"t\":{\"k\":\"ENUM\",\"values\":[{\"name\":\"DRAFT\"},{\"name\":\"PUBLISHED\"},{\"name\":\"ARCHIVED\"}]}}}"_s;
    QTest::newRow("typename on introspection types")
        << u"{ __schema { __typename queryType { __typename name } } }"_s
        << u"{\"data\":{\"__schema\":{\"__typename\":\"__Schema\",\"queryType\":{\"__typename\":\"__Type\",\"name\":\"Query\"}}}}"_s;
    QTest::newRow("subscription field directives are not exposed, its arguments are")
        << u"{ __type(name: \"Subscription\") { fields { name args { name } } } }"_s
        << QString();
}

void TestGraphQLIntrospection::typeByName()
{
    QFETCH(QString, query);
    QFETCH(QString, response);
    FunctionResolver resolver([](const FieldRequest &) { return FieldResult::fromValue(QJsonValue()); });
    const QByteArray body = m_engine->execute(query.toUtf8(), {}, {}, resolver);
    if (response.isEmpty()) {
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        const QJsonArray fields = o[u"data"_s][u"__type"_s][u"fields"_s].toArray();
        QCOMPARE(fields.size(), 12);
        QCOMPARE(byName(fields, u"onCreateNote"_s)[u"args"_s].toArray().size(), 2);
        return;
    }
    QCOMPARE(QString::fromUtf8(body), response);
}

void TestGraphQLIntrospection::deprecation()
{
    // A schema of its own with deprecated members and a @specifiedBy scalar.
    const auto parsed = ds::graphql::parse(R"(
        "The schema" schema { query: Q }
        scalar Url @specifiedBy(url: "https://url.spec.whatwg.org/")
        enum E { A B @deprecated(reason: "use A") }
        input In { a: Int = 3 b: String @deprecated }
        type Q { f(x: In, y: Int @deprecated): Url old: E @deprecated(reason: "gone") }
    )", {}, ds::graphql::DocumentKind::TypeSystem);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    QString error;
    auto schema = ExecutableSchema::build(parsed.document, &error);
    QVERIFY2(schema, qPrintable(error));
    Engine engine(schema);
    FunctionResolver resolver([](const FieldRequest &) { return FieldResult::fromValue(QJsonValue()); });
    auto run = [&](const char *query) {
        return QString::fromUtf8(engine.execute(query, {}, {}, resolver));
    };
    QCOMPARE(run("{ __schema { description } }"), u"{\"data\":{\"__schema\":{\"description\":\"The schema\"}}}"_s);
    QCOMPARE(run("{ __type(name: \"Url\") { specifiedByURL } }"),
             u"{\"data\":{\"__type\":{\"specifiedByURL\":\"https://url.spec.whatwg.org/\"}}}"_s);
    QCOMPARE(run("{ __type(name: \"Q\") { fields { name } all: fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }"),
             u"{\"data\":{\"__type\":{\"fields\":[{\"name\":\"f\"}],\"all\":[{\"name\":\"f\",\"isDeprecated\":false,\"deprecationReason\":null},"
             "{\"name\":\"old\",\"isDeprecated\":true,\"deprecationReason\":\"gone\"}]}}}"_s);
    QCOMPARE(run("{ __type(name: \"E\") { enumValues { name } all: enumValues(includeDeprecated: true) { name deprecationReason } } }"),
             u"{\"data\":{\"__type\":{\"enumValues\":[{\"name\":\"A\"}],\"all\":[{\"name\":\"A\",\"deprecationReason\":null},"
             "{\"name\":\"B\",\"deprecationReason\":\"use A\"}]}}}"_s);
    QCOMPARE(run("{ __type(name: \"In\") { inputFields { name defaultValue } all: inputFields(includeDeprecated: true) { name deprecationReason } } }"),
             u"{\"data\":{\"__type\":{\"inputFields\":[{\"name\":\"a\",\"defaultValue\":\"3\"}],\"all\":[{\"name\":\"a\",\"deprecationReason\":null},"
             "{\"name\":\"b\",\"deprecationReason\":\"No longer supported\"}]}}}"_s);
    QCOMPARE(run("{ __type(name: \"Q\") { fields { args { name } all: args(includeDeprecated: true) { name } } } }"),
             u"{\"data\":{\"__type\":{\"fields\":[{\"args\":[{\"name\":\"x\"}],\"all\":[{\"name\":\"x\"},{\"name\":\"y\"}]}]}}}"_s);
    QCOMPARE(run("{ __schema { mutationType { name } subscriptionType { name } } }"),
             u"{\"data\":{\"__schema\":{\"mutationType\":null,\"subscriptionType\":null}}}"_s);
}

QTEST_GUILESS_MAIN(TestGraphQLIntrospection)
#include "tst_graphql_introspection.moc"
