// Golden test: every GraphQL document and variables object the real Amplify JS
// client sent for the shared Post/Comment/User schema (captured/raw/*.json and
// captured/transcript.md) must be what net/documents.h builds, compared as
// parsed ASTs (whitespace aside) and as JSON values (key order aside).
#include "graphql/parser.h"
#include "graphql/printer.h"
#include "net/auth.h"
#include "net/documents.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::net;

namespace {

const QString kCaptured = QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/captured");
const QString kSchema = QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/reference/input-schema.graphql");

std::optional<Schema> loadSchema(const QByteArray &sdl, QString *error)
{
    SourceError e;
    std::optional<Schema> schema = Schema::fromGraphQL(sdl, u"schema.graphql"_s, &e);
    if (!schema)
        *error = e.toString();
    return schema;
}

graphql::Document parseDocument(const QString &text)
{
    const graphql::ParseResult r = graphql::parse(text.toUtf8(), u"<doc>"_s, graphql::DocumentKind::Executable);
    if (!r.ok())
        qWarning().noquote() << "parse error:" << r.error.toString() << "\n" << text;
    return r.document;
}

const graphql::OperationDefinition *operationOf(const graphql::Document &doc)
{
    return doc.definitions.size() == 1 ? std::get_if<graphql::OperationDefinition>(&doc.definitions.front())
                                       : nullptr;
}

QString compact(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact));
}

// What the client sent: the document and its variables.
struct Sent
{
    QString source;      // file name, for messages
    QString query;
    QJsonObject variables;
};

} // namespace

class tst_Documents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rawEvents();
    void transcriptDocuments();
    void startMessage();
    void handshakeHeader();
    void selectionSetRules();
    void ownerArgument();
    void mutationInputs();

private:
    // Builds our request for what was sent; empty query when the root field is unknown.
    GraphQLRequest ours(const Sent &sent, QString *why) const;
    void compare(const Sent &sent);

    std::optional<Schema> m_schema;
    int m_compared = 0;
};

void tst_Documents::initTestCase()
{
    QFile file(kSchema);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(kSchema));
    QString error;
    m_schema = loadSchema(file.readAll(), &error);
    QVERIFY2(m_schema, qPrintable(error));
}

GraphQLRequest tst_Documents::ours(const Sent &sent, QString *why) const
{
    const graphql::Document theirs = parseDocument(sent.query);
    const graphql::OperationDefinition *op = operationOf(theirs);
    if (!op || op->selectionSet.size() != 1) {
        *why = u"not a single-operation, single-field document"_s;
        return {};
    }
    const QString root = op->selectionSet.front().name;
    const QJsonObject vars = sent.variables;
    for (const ModelSchema &model : m_schema->models()) {
        if (root == model.syncQuery) {
            SyncQueryArguments args;
            args.limit = vars.value(u"limit"_s).toInt();
            args.nextToken = vars.value(u"nextToken"_s).toString();
            args.lastSync = vars.value(u"lastSync"_s).toInteger();
            args.filter = vars.value(u"filter"_s);
            return syncQuery(*m_schema, model, args);
        }
        const QJsonObject input = vars.value(u"input"_s).toObject();
        const QJsonObject key{{u"id"_s, input.value(u"id"_s)}};
        const std::optional<int> version = input.contains(u"_version"_s)
            ? std::optional<int>(input.value(u"_version"_s).toInt()) : std::nullopt;
        if (root == model.createMutation) {
            // The saved instance carries more than the input: read-only and
            // relation fields and metadata, which createInput() must drop.
            QJsonObject record = input;
            record.insert(u"updatedAt"_s, u"2026-01-01T00:00:00.000Z"_s);
            if (const FieldSchema *created = model.field(u"createdAt"); created && created->isReadOnly)
                record.insert(u"createdAt"_s, u"2026-01-01T00:00:00.000Z"_s);
            record.insert(u"_version"_s, 7);
            record.insert(u"_lastChangedAt"_s, 1795555374817.0);
            record.insert(u"_deleted"_s, QJsonValue::Null);
            record.insert(u"post"_s, QJsonObject{{u"id"_s, u"x"_s}});
            record.insert(u"comments"_s, QJsonArray{});
            return mutation(*m_schema, model, MutationType::Create, createInput(model, record));
        }
        if (root == model.updateMutation) {
            QJsonObject changed = input;
            changed.remove(u"id"_s);
            changed.remove(u"_version"_s);
            return mutation(*m_schema, model, MutationType::Update, updateInput(model, key, changed, version),
                            vars.value(u"condition"_s));
        }
        if (root == model.deleteMutation) {
            return mutation(*m_schema, model, MutationType::Delete, deleteInput(model, key, version),
                            vars.value(u"condition"_s));
        }
        if (root == model.getQuery)
            return getQuery(*m_schema, model, vars.value(u"id"_s).toString());
        const std::pair<QString, SubscriptionType> subs[] = {
            {model.onCreateSubscription, SubscriptionType::OnCreate},
            {model.onUpdateSubscription, SubscriptionType::OnUpdate},
            {model.onDeleteSubscription, SubscriptionType::OnDelete},
        };
        for (const auto &[name, type] : subs) {
            if (root == name) {
                SubscriptionArguments args;
                args.filter = vars.value(u"filter"_s).toObject();
                return subscription(*m_schema, model, type, args);
            }
        }
    }
    *why = u"no model has the root field "_s + root;
    return {};
}

void tst_Documents::compare(const Sent &sent)
{
    QString why;
    const GraphQLRequest request = ours(sent, &why);
    QVERIFY2(!request.query.isEmpty(), qPrintable(sent.source + u": "_s + why));
    const graphql::Document expected = parseDocument(sent.query);
    const graphql::Document actual = parseDocument(request.query);
    QVERIFY2(operationOf(actual), qPrintable(sent.source + u": ours does not parse:\n"_s + request.query));
    if (!(actual == expected)) {
        QFAIL(qPrintable(sent.source + u": documents differ\n--- sent:\n"_s + graphql::print(expected)
                         + u"\n--- ours:\n"_s + graphql::print(actual)));
    }
    QVERIFY2(request.variables == sent.variables,
             qPrintable(sent.source + u": variables differ\n sent: "_s + compact(sent.variables) + u"\n ours: "_s
                        + compact(request.variables)));
    ++m_compared;
}

void tst_Documents::rawEvents()
{
    QDir dir(kCaptured + u"/raw"_s);
    QVERIFY2(dir.exists(), qPrintable(dir.path()));
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    int http = 0, starts = 0;
    m_compared = 0;
    for (const QString &name : files) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject event = QJsonDocument::fromJson(f.readAll()).object();
        const QString kind = event.value(u"kind"_s).toString();
        if (kind == u"http-request") {
            const QJsonObject body = event.value(u"body"_s).toObject();
            compare(Sent{name, body.value(u"query"_s).toString(), body.value(u"variables"_s).toObject()});
            if (QTest::currentTestFailed())
                return;
            ++http;
        } else if (kind == u"ws-in" && event.value(u"message"_s).toObject().value(u"type"_s).toString() == u"start") {
            const QJsonObject payload = event.value(u"message"_s).toObject().value(u"payload"_s).toObject();
            const QJsonObject data = QJsonDocument::fromJson(payload.value(u"data"_s).toString().toUtf8()).object();
            compare(Sent{name, data.value(u"query"_s).toString(), data.value(u"variables"_s).toObject()});
            if (QTest::currentTestFailed())
                return;
            ++starts;
        }
    }
    qInfo("raw events: %d HTTP requests and %d subscription starts matched", http, starts);
    QCOMPARE(m_compared, http + starts);
    QCOMPARE(http, 16);   // 9 sync queries and 7 mutations
    QCOMPARE(starts, 27);
}

void tst_Documents::transcriptDocuments()
{
    QFile file(kCaptured + u"/transcript.md"_s);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QString text = QString::fromUtf8(file.readAll());
    const qsizetype section = text.indexOf(u"## 4. GraphQL documents"_s);
    QVERIFY(section >= 0);
    const qsizetype end = text.indexOf(u"\n## 5."_s, section);
    const QString body = text.mid(section, end < 0 ? -1 : end - section);

    // ### `query syncPosts` ... ```graphql <doc> ``` variables: ```json <one object a line> ```
    static const QRegularExpression entry(
        u"### `(\\w+) (\\w+)`[^\\n]*\\n+```graphql\\n(.*?)```\\s*variables:\\s*```json\\n(.*?)```"_s,
        QRegularExpression::DotMatchesEverythingOption);
    int documents = 0, variableObjects = 0;
    m_compared = 0;
    for (auto it = entry.globalMatch(body); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QStringList lines = m.captured(4).split(u'\n', Qt::SkipEmptyParts);
        ++documents;
        for (const QString &line : lines) {
            const QJsonObject vars = QJsonDocument::fromJson(line.toUtf8()).object();
            compare(Sent{u"transcript.md "_s + m.captured(2), m.captured(3), vars});
            if (QTest::currentTestFailed())
                return;
            ++variableObjects;
        }
    }
    qInfo("transcript.md: %d documents, %d variables objects matched", documents, variableObjects);
    QCOMPARE(documents, 27);   // deduplicated: 3 sync, 7 mutations, 9 + 9 subscriptions minus 1 (same text)
    QCOMPARE(variableObjects, 43);
    QCOMPARE(m_compared, variableObjects);
}

void tst_Documents::startMessage()
{
    QDir dir(kCaptured + u"/raw"_s);
    QVERIFY2(dir.exists(), qPrintable(dir.path()));
    QFile f(dir.filePath(u"0009-ws-in.json"_s));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject sent = QJsonDocument::fromJson(f.readAll()).object().value(u"message"_s).toObject();
    QCOMPARE(sent.value(u"type"_s).toString(), u"start"_s);
    const QJsonObject sentAuth =
        sent.value(u"payload"_s).toObject().value(u"extensions"_s).toObject().value(u"authorization"_s).toObject();

    Authorization auth;
    auth.type = AuthorizationType::ApiKey;
    auth.apiKey = sentAuth.value(u"x-api-key"_s).toString();
    const QDateTime when = QDateTime::fromString(sentAuth.value(u"x-amz-date"_s).toString(), u"yyyyMMdd'T'HHmmss'Z'"_s);
    QVERIFY(when.isValid());
    QDateTime utc = when;
    utc.setTimeSpec(Qt::UTC);
    const QJsonObject authorization = auth.realtimeObject(sentAuth.value(u"host"_s).toString(), utc);

    const ModelSchema *post = m_schema->model(u"Post");
    QVERIFY(post);
    const QString id = sent.value(u"id"_s).toString();
    const QJsonObject ours = net::startMessage(id, subscription(*m_schema, *post, SubscriptionType::OnCreate),
                                               authorization);
    // Same keys at every level; payload.data a JSON string of {query, variables}.
    QCOMPARE(ours.keys(), sent.keys());
    QCOMPARE(ours.value(u"id"_s), sent.value(u"id"_s));
    const QJsonObject ourPayload = ours.value(u"payload"_s).toObject();
    const QJsonObject sentPayload = sent.value(u"payload"_s).toObject();
    QCOMPARE(ourPayload.keys(), sentPayload.keys());
    QVERIFY(ourPayload.value(u"data"_s).isString());
    const QJsonObject ourData = QJsonDocument::fromJson(ourPayload.value(u"data"_s).toString().toUtf8()).object();
    const QJsonObject sentData = QJsonDocument::fromJson(sentPayload.value(u"data"_s).toString().toUtf8()).object();
    QCOMPARE(ourData.keys(), sentData.keys());
    QVERIFY(parseDocument(ourData.value(u"query"_s).toString())
            == parseDocument(sentData.value(u"query"_s).toString()));
    QCOMPARE(ourData.value(u"variables"_s), sentData.value(u"variables"_s));
    // The auth object: the JS one minus its user agent, value for value.
    QJsonObject expectedAuth = sentAuth;
    expectedAuth.remove(u"x-amz-user-agent"_s);
    QCOMPARE(ourPayload.value(u"extensions"_s).toObject().value(u"authorization"_s).toObject(), expectedAuth);
    // JS serializes query before variables; so does QJsonDocument (sorted keys).
    QVERIFY(ourPayload.value(u"data"_s).toString().startsWith(u"{\"query\":"_s));
}

void tst_Documents::handshakeHeader()
{
    QFile f(kCaptured + u"/raw/0001-ws-connect.json"_s);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    const QJsonObject event = QJsonDocument::fromJson(f.readAll()).object();
    const QString text = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
    static const QRegularExpression header(u"header-([A-Za-z0-9_-]+)"_s);
    const QRegularExpressionMatch m = header.match(text);
    QVERIFY2(m.hasMatch(), "no header- subprotocol in the connect event");
    const QJsonObject sent = QJsonDocument::fromJson(
        QByteArray::fromBase64(m.captured(1).toLatin1(), QByteArray::Base64UrlEncoding)).object();
    QVERIFY(!sent.isEmpty());

    Authorization auth;
    auth.apiKey = sent.value(u"x-api-key"_s).toString();
    QDateTime utc = QDateTime::fromString(sent.value(u"x-amz-date"_s).toString(), u"yyyyMMdd'T'HHmmss'Z'"_s);
    utc.setTimeSpec(Qt::UTC);
    const QJsonObject ours = auth.realtimeObject(sent.value(u"host"_s).toString(), utc);
    QCOMPARE(ours, sent);
    // base64url without padding, as JS encodes it.
    const QByteArray encoded = base64Url(QJsonDocument(ours).toJson(QJsonDocument::Compact));
    QVERIFY(!encoded.contains('=') && !encoded.contains('+') && !encoded.contains('/'));
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromBase64(encoded, QByteArray::Base64UrlEncoding)).object(), sent);
}

static const char kRichSchema[] = R"(
enum Mood { HAPPY SAD }
type Address { street: String city: String geo: Geo }
type Geo { lat: Float lng: Float }
type Blog @model @auth(rules: [{ allow: public }]) {
  id: ID!
  name: String!
  posts: [Note] @hasMany(indexName: "byBlog", fields: ["id"])
}
type Note @model @auth(rules: [{ allow: owner }, { allow: groups, groups: ["Admin"] }]) {
  id: ID!
  text: String!
  mood: Mood
  address: Address
  blogID: ID! @index(name: "byBlog")
  blog: Blog @belongsTo(fields: ["blogID"])
}
type Order @model @auth(rules: [{ allow: public }]) {
  customerId: ID! @primaryKey(sortKeyFields: ["orderedAt"])
  orderedAt: AWSDateTime!
  total: Float
}
type Line @model @auth(rules: [{ allow: public }]) {
  id: ID!
  orderCustomerId: ID!
  orderOrderedAt: AWSDateTime!
  order: Order @belongsTo(fields: ["orderCustomerId", "orderOrderedAt"])
}
)";

void tst_Documents::selectionSetRules()
{
    QString error;
    const std::optional<Schema> schema = loadSchema(kRichSchema, &error);
    QVERIFY2(schema, qPrintable(error));
    const ModelSchema *note = schema->model(u"Note");
    QVERIFY(note);
    // Scalars and enums in schema order (FK, timestamps), the implicit owner,
    // non-model fields nested, metadata, belongsTo with the parent's key.
    QCOMPARE(graphql::print(modelSelectionSet(*schema, *note)).simplified(),
             u"{ id text mood blogID createdAt updatedAt owner address { street city geo { lat lng } } "
             "_version _lastChangedAt _deleted blog { id _deleted } }"_s);
    const ModelSchema *line = schema->model(u"Line");
    QCOMPARE(graphql::print(modelSelectionSet(*schema, *line)).simplified(),
             u"{ id orderCustomerId orderOrderedAt createdAt updatedAt _version _lastChangedAt _deleted "
             "order { customerId orderedAt _deleted } }"_s);
    // get query.
    const GraphQLRequest get = getQuery(*schema, *note, u"n1"_s);
    QCOMPARE(get.variables, (QJsonObject{{u"id"_s, u"n1"_s}}));
    QVERIFY(get.query.startsWith(u"query operation($id: ID!)"_s));
    QCOMPARE(get.rootField, u"getNote"_s);
    QVERIFY(get.query.contains(u"getNote(id: $id)"_s));
}

void tst_Documents::ownerArgument()
{
    QString error;
    const std::optional<Schema> schema = loadSchema(kRichSchema, &error);
    QVERIFY2(schema, qPrintable(error));
    const ModelSchema *note = schema->model(u"Note");
    const QJsonObject alice{{u"sub"_s, u"s-1"_s}, {u"cognito:username"_s, u"alice"_s}};

    // The transformer v2 default identity claim is "sub::username".
    const std::optional<OwnerArgument> owner =
        subscriptionOwnerArgument(*note, SubscriptionAuthMode::UserPools, alice);
    QVERIFY(owner);
    QCOMPARE(*owner, (OwnerArgument{u"owner"_s, u"s-1::alice"_s}));
    // Not for API key or IAM; not for a member of a static group that reads all.
    QVERIFY(!subscriptionOwnerArgument(*note, SubscriptionAuthMode::ApiKey, alice));
    QJsonObject admin = alice;
    admin.insert(u"cognito:groups"_s, QJsonArray{u"Admin"_s});
    QVERIFY(!subscriptionOwnerArgument(*note, SubscriptionAuthMode::UserPools, admin));
    // Public models never need it.
    QVERIFY(!subscriptionOwnerArgument(*schema->model(u"Blog"), SubscriptionAuthMode::UserPools, alice));

    SubscriptionArguments args;
    args.owner = owner;
    GraphQLRequest sub = subscription(*schema, *note, SubscriptionType::OnUpdate, args);
    QCOMPARE(sub.variables, (QJsonObject{{u"owner"_s, u"s-1::alice"_s}}));
    const graphql::Document parsed = parseDocument(sub.query);
    const graphql::OperationDefinition *op = operationOf(parsed);
    QVERIFY(op);
    QCOMPARE(op->variables.size(), size_t(1));
    QCOMPARE(graphql::print(op->variables.front().type), u"String!"_s);
    QCOMPARE(op->selectionSet.front().arguments.front().name, u"owner"_s);

    args.filter = QJsonObject{{u"and"_s, QJsonArray{QJsonObject{{u"mood"_s, QJsonObject{{u"eq"_s, u"HAPPY"_s}}}}}}};
    sub = subscription(*schema, *note, SubscriptionType::OnDelete, args);
    QVERIFY(sub.query.startsWith(
        u"subscription operation($filter: ModelSubscriptionNoteFilterInput, $owner: String!)"_s));
    QCOMPARE(sub.variables.keys(), (QStringList{u"filter"_s, u"owner"_s}));
}

void tst_Documents::mutationInputs()
{
    QString error;
    const std::optional<Schema> schema = loadSchema(kRichSchema, &error);
    QVERIFY2(schema, qPrintable(error));
    const ModelSchema *note = schema->model(u"Note");
    // create: owner dropped when null (the server fills it), kept when set.
    QJsonObject record{{u"id"_s, u"n1"_s}, {u"text"_s, u"t"_s}, {u"owner"_s, QJsonValue::Null},
                       {u"blogID"_s, u"b1"_s}, {u"createdAt"_s, u"x"_s}};
    QCOMPARE(createInput(*note, record),
             (QJsonObject{{u"id"_s, u"n1"_s}, {u"text"_s, u"t"_s}, {u"blogID"_s, u"b1"_s}}));
    record.insert(u"owner"_s, u"alice"_s);
    QVERIFY(createInput(*note, record).contains(u"owner"_s));
    // create has no condition variable at all; update/delete always carry one.
    const GraphQLRequest create = mutation(*schema, *note, MutationType::Create, createInput(*note, record));
    QCOMPARE(create.variables.keys(), QStringList{u"input"_s});
    const GraphQLRequest del = mutation(*schema, *note, MutationType::Delete,
                                        deleteInput(*note, {{u"id"_s, u"n1"_s}}, 3));
    QCOMPARE(del.variables, (QJsonObject{{u"input"_s, QJsonObject{{u"id"_s, u"n1"_s}, {u"_version"_s, 3}}},
                                         {u"condition"_s, QJsonValue::Null}}));
    // Composite keys go into update/delete inputs whole.
    const ModelSchema *order = schema->model(u"Order");
    const QJsonObject key{{u"customerId"_s, u"c"_s}, {u"orderedAt"_s, u"t"_s}};
    QCOMPARE(updateInput(*order, key, {{u"total"_s, 2.5}}, 1),
             (QJsonObject{{u"customerId"_s, u"c"_s}, {u"orderedAt"_s, u"t"_s}, {u"total"_s, 2.5},
                          {u"_version"_s, 1}}));
}

QTEST_GUILESS_MAIN(tst_Documents)
#include "tst_documents.moc"
