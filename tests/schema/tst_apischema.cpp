// The generated AppSync API schema, compared with what the official Amplify
// transformer (2.5.1) generates for the same input (tests/data/protocol/reference/,
// a copy of shared/protocol/reference/), plus checks on the app's schema.
#include "schema/apischema.h"

#include "graphql/parser.h"
#include "graphql/printer.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
namespace gql = ds::graphql;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// type name -> "kind" / member -> description, order-independent.
using Shape = QMap<QString, QMap<QString, QString>>;

QString argsSpelling(const gql::List<gql::InputValueDefinition> &args)
{
    QStringList parts;
    for (const gql::InputValueDefinition &a : args)
        parts.append(a.name + u": "_s + gql::print(a.type));
    parts.sort();
    return parts.join(u", "_s);
}

// " @aws_subscribe(mutations: [\"createPost\"])": directives with their arguments.
QString directivesSpelling(const gql::List<gql::Directive> &directives)
{
    QString out;
    for (const gql::Directive &d : directives) {
        out += u" @"_s + d.name;
        QStringList args;
        for (const gql::Argument &a : d.arguments)
            args.append(a.name + u": "_s + gql::print(a.value));
        if (!args.isEmpty())
            out += u'(' + args.join(u", "_s) + u')';
    }
    return out;
}

Shape shapeOf(const gql::Document &doc)
{
    Shape shape;
    for (const gql::Definition &d : doc.definitions) {
        const auto *t = std::get_if<gql::TypeDefinition>(&d);
        if (!t || t->kind == gql::TypeDefinition::Kind::Scalar)
            continue;
        QMap<QString, QString> members;
        members.insert(u"<kind>"_s, QString::number(int(t->kind)) + directivesSpelling(t->directives));
        for (const gql::FieldDefinition &f : t->fields)
            members.insert(f.name, gql::print(f.type) + u" ("_s + argsSpelling(f.arguments) + u")"_s
                                       + directivesSpelling(f.directives));
        for (const gql::InputValueDefinition &f : t->inputFields)
            members.insert(f.name, gql::print(f.type));
        for (const gql::EnumValueDefinition &v : t->enumValues)
            members.insert(v.name, u"enum value"_s);
        shape.insert(t->name, members);
    }
    return shape;
}

QStringList differences(const Shape &expected, const Shape &actual)
{
    QStringList out;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        if (!actual.contains(it.key())) {
            out.append(u"missing type "_s + it.key());
            continue;
        }
        const auto &want = it.value();
        const auto &got = actual.value(it.key());
        for (auto m = want.cbegin(); m != want.cend(); ++m) {
            if (!got.contains(m.key()))
                out.append(it.key() + u": missing "_s + m.key() + u" "_s + m.value());
            else if (got.value(m.key()) != m.value())
                out.append(it.key() + u"."_s + m.key() + u": expected "_s + m.value() + u", got "_s
                           + got.value(m.key()));
        }
        for (auto m = got.cbegin(); m != got.cend(); ++m) {
            if (!want.contains(m.key()))
                out.append(it.key() + u": unexpected "_s + m.key() + u" "_s + m.value());
        }
    }
    for (auto it = actual.cbegin(); it != actual.cend(); ++it) {
        if (!expected.contains(it.key()))
            out.append(u"unexpected type "_s + it.key());
    }
    return out;
}

// Every named type a document references is defined in it (or built in).
QStringList undefinedReferences(const gql::Document &doc)
{
    QSet<QString> defined = {u"String"_s, u"Int"_s, u"Float"_s, u"Boolean"_s, u"ID"_s};
    for (const gql::Definition &d : doc.definitions) {
        if (const auto *t = std::get_if<gql::TypeDefinition>(&d))
            defined.insert(t->name);
    }
    QStringList out;
    auto check = [&](const QString &where, const gql::TypeRef &ref) {
        if (!defined.contains(ref.namedType()))
            out.append(where + u" references undefined type "_s + ref.namedType());
    };
    for (const gql::Definition &d : doc.definitions) {
        if (const auto *t = std::get_if<gql::TypeDefinition>(&d)) {
            for (const gql::FieldDefinition &f : t->fields) {
                check(t->name + u'.' + f.name, f.type);
                for (const gql::InputValueDefinition &a : f.arguments)
                    check(t->name + u'.' + f.name + u'(' + a.name + u')', a.type);
            }
            for (const gql::InputValueDefinition &f : t->inputFields)
                check(t->name + u'.' + f.name, f.type);
        } else if (const auto *dd = std::get_if<gql::DirectiveDefinition>(&d)) {
            for (const gql::InputValueDefinition &a : dd->arguments)
                check(u'@' + dd->name + u'(' + a.name + u')', a.type);
        }
    }
    return out;
}

std::optional<ds::Schema> load(const QString &path)
{
    const QByteArray sdl = readFile(path);
    ds::SourceError error;
    auto schema = ds::Schema::fromGraphQL(sdl, path, &error);
    if (!schema)
        qWarning().noquote() << error.toString();
    return schema;
}

const gql::FieldDefinition *rootField(const gql::Document &doc, const QString &root, const QString &name)
{
    const gql::TypeDefinition *t = doc.typeDefinition(root);
    return t ? t->field(name) : nullptr;
}

} // namespace

class tst_ApiSchema : public QObject
{
    Q_OBJECT

private slots:
    void matchesTransformerReference();
    void referenceCopyIsCurrent();
    void appSchemaParsesBack();
    void ownerAuthNote();
    void hasManyConnectionField();
    void modelOptions();
    void customPrimaryKeyAndCompositeIndex();
    void manyToManyJoinModel();
};

void tst_ApiSchema::matchesTransformerReference()
{
    const QString dir = QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/reference/");
    QVERIFY(QFile::exists(dir + u"appsync-schema.graphql"_s));
    const auto schema = load(dir + u"input-schema.graphql"_s);
    QVERIFY(schema);

    const gql::ParseResult reference = gql::parse(readFile(dir + u"appsync-schema.graphql"_s), u"reference"_s,
                                                  gql::DocumentKind::TypeSystem);
    QVERIFY2(reference.ok(), qPrintable(reference.error.toString()));
    const QString sdl = ds::apiSchemaSdl(*schema);
    const gql::ParseResult generated = gql::parse(sdl.toUtf8(), u"generated"_s, gql::DocumentKind::TypeSystem);
    QVERIFY2(generated.ok(), qPrintable(generated.error.toString()));

    const QStringList diff = differences(shapeOf(reference.document), shapeOf(generated.document));
    if (!diff.isEmpty()) {
        qWarning().noquote() << "generated schema:\n" << sdl;
        QFAIL(qPrintable(u"API schema differs from the transformer's:\n  "_s + diff.join(u"\n  "_s)));
    }
    QCOMPARE(generated.document, ds::buildApiSchema(*schema));
}

// The copies in tests/data/protocol/ equal the protocol notes' originals.
void tst_ApiSchema::referenceCopyIsCurrent()
{
    const QString shared = QStringLiteral(DS_SOURCE_DIR "/../shared/protocol/");
    if (!QFile::exists(shared + u"reference/appsync-schema.graphql"_s))
        QSKIP("shared/protocol is not beside the checkout");
    const QString copies = QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/");
    QStringList names{u"reference/input-schema.graphql"_s, u"reference/appsync-schema.graphql"_s,
                      u"captured/transcript.md"_s};
    const QStringList raw = QDir(shared + u"captured/raw"_s).entryList(QDir::Files, QDir::Name);
    QVERIFY(!raw.isEmpty());
    QCOMPARE(QDir(copies + u"captured/raw"_s).entryList(QDir::Files, QDir::Name), raw);
    for (const QString &file : raw)
        names.append(u"captured/raw/"_s + file);
    for (const QString &name : std::as_const(names)) {
        const QByteArray copy = readFile(copies + name);
        QVERIFY2(!copy.isEmpty(), qPrintable(name));
        QVERIFY2(copy == readFile(shared + name), qPrintable(name + u" differs from shared/protocol"_s));
    }
}

void tst_ApiSchema::appSchemaParsesBack()
{
    const auto schema = load(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    QVERIFY(schema);
    const QString sdl = ds::apiSchemaSdl(*schema);
    const gql::ParseResult parsed = gql::parse(sdl.toUtf8(), u"api"_s, gql::DocumentKind::TypeSystem);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    const QStringList undefined = undefinedReferences(parsed.document);
    QVERIFY2(undefined.isEmpty(), qPrintable(undefined.join(u"\n"_s)));
    QVERIFY(parsed.document.typeDefinition(u"AWSDateTime"));   // scalars declared
    // The generated schema is part of the printer's round-trip corpus:
    // build -> print -> parse gives the built document, and prints the same.
    QVERIFY(parsed.document == ds::buildApiSchema(*schema));
    QCOMPARE(gql::print(parsed.document), sdl);
}

void tst_ApiSchema::ownerAuthNote()
{
    const auto schema = load(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    QVERIFY(schema);
    const gql::Document doc = ds::buildApiSchema(*schema);

    const gql::TypeDefinition *note = doc.typeDefinition(u"Note");
    QVERIFY(note);
    QVERIFY(note->field(u"owner"));
    QCOMPARE(gql::print(note->field(u"owner")->type), u"String"_s);
    QVERIFY(note->field(u"_version"));

    for (const QString &name : {u"onCreateNote"_s, u"onUpdateNote"_s, u"onDeleteNote"_s}) {
        const gql::FieldDefinition *f = rootField(doc, u"Subscription"_s, name);
        QVERIFY2(f, qPrintable(name));
        QVERIFY(f->argument(u"owner"));
        QCOMPARE(gql::print(f->argument(u"owner")->type), u"String"_s);
        QCOMPARE(gql::print(f->argument(u"filter")->type), u"ModelSubscriptionNoteFilterInput"_s);
        QVERIFY(f->directive(u"aws_subscribe"));
    }
    // Public models have no owner argument.
    const gql::FieldDefinition *onPost = rootField(doc, u"Subscription"_s, u"onCreatePost"_s);
    QVERIFY(onPost);
    QCOMPARE(onPost->arguments.size(), size_t(1));

    // The owner field is not a subscription filter (the owner argument is).
    const gql::TypeDefinition *subFilter = doc.typeDefinition(u"ModelSubscriptionNoteFilterInput");
    QVERIFY(subFilter);
    QVERIFY(!subFilter->inputField(u"owner"));
    QVERIFY(subFilter->inputField(u"title"));
    // Declared owner fields can be written and filtered on.
    QVERIFY(doc.typeDefinition(u"CreateNoteInput")->inputField(u"owner"));
    QVERIFY(doc.typeDefinition(u"ModelNoteFilterInput")->inputField(u"owner"));
    // The PostStatus enum with ARCHIVED.
    const gql::TypeDefinition *status = doc.typeDefinition(u"PostStatus");
    QVERIFY(status);
    QCOMPARE(status->enumValues.size(), size_t(3));
}

void tst_ApiSchema::hasManyConnectionField()
{
    const auto schema = load(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    QVERIFY(schema);
    const gql::Document doc = ds::buildApiSchema(*schema);
    const gql::FieldDefinition *comments = doc.typeDefinition(u"Post")->field(u"comments");
    QVERIFY(comments);
    QCOMPARE(gql::print(comments->type), u"ModelCommentConnection"_s);
    QCOMPARE(argsSpelling(comments->arguments),
             u"filter: ModelCommentFilterInput, limit: Int, nextToken: String, sortDirection: ModelSortDirection"_s);
    const gql::FieldDefinition *sync = rootField(doc, u"Query"_s, u"syncComments"_s);
    QVERIFY(sync);
    QCOMPARE(argsSpelling(sync->arguments),
             u"filter: ModelCommentFilterInput, lastSync: AWSTimestamp, limit: Int, nextToken: String"_s);
}

void tst_ApiSchema::modelOptions()
{
    const QByteArray sdl = R"(
type Log @model(queries: {get: "fetchLog", list: null}, mutations: {update: null, delete: null},
                subscriptions: null, timestamps: {createdAt: "loggedAt", updatedAt: null}) {
  id: ID!
  message: String!
})";
    ds::SourceError error;
    const auto schema = ds::Schema::fromGraphQL(sdl, u"log.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.toString()));
    const gql::Document doc = ds::buildApiSchema(*schema);
    QVERIFY(rootField(doc, u"Query"_s, u"fetchLog"_s));
    QVERIFY(!rootField(doc, u"Query"_s, u"listLogs"_s));
    QVERIFY(rootField(doc, u"Query"_s, u"syncLogs"_s));
    QVERIFY(rootField(doc, u"Mutation"_s, u"createLog"_s));
    QVERIFY(!rootField(doc, u"Mutation"_s, u"updateLog"_s));
    QVERIFY(!doc.typeDefinition(u"UpdateLogInput"));
    QVERIFY(!doc.typeDefinition(u"Subscription"));
    const gql::TypeDefinition *log = doc.typeDefinition(u"Log");
    QVERIFY(log->field(u"loggedAt"));
    QVERIFY(!log->field(u"createdAt"));
    QVERIFY(!log->field(u"updatedAt"));
    QVERIFY(undefinedReferences(doc).isEmpty());
}

void tst_ApiSchema::customPrimaryKeyAndCompositeIndex()
{
    const QByteArray sdl = R"(
enum Level { LOW HIGH }
type Order @model {
  customerId: ID! @primaryKey(sortKeyFields: ["orderedAt"])
  orderedAt: AWSDateTime!
  level: Level @index(name: "byLevel", sortKeyFields: ["total", "orderedAt"])
  levels: [Level]
  total: Float
})";
    ds::SourceError error;
    const auto schema = ds::Schema::fromGraphQL(sdl, u"order.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.toString()));
    const gql::Document doc = ds::buildApiSchema(*schema);
    const QStringList undefined = undefinedReferences(doc);
    QVERIFY2(undefined.isEmpty(), qPrintable(undefined.join(u"\n"_s)));

    const gql::FieldDefinition *get = rootField(doc, u"Query"_s, u"getOrder"_s);
    QVERIFY(get);
    QCOMPARE(argsSpelling(get->arguments), u"customerId: ID!, orderedAt: AWSDateTime!"_s);
    const gql::FieldDefinition *list = rootField(doc, u"Query"_s, u"listOrders"_s);
    QCOMPARE(argsSpelling(list->arguments),
             u"customerId: ID, filter: ModelOrderFilterInput, limit: Int, nextToken: String, "
             "orderedAt: ModelStringKeyConditionInput, sortDirection: ModelSortDirection"_s);
    const gql::FieldDefinition *byLevel = rootField(doc, u"Query"_s, u"ordersByLevelAndTotalAndOrderedAt"_s);
    QVERIFY(byLevel);
    QCOMPARE(argsSpelling(byLevel->arguments),
             u"filter: ModelOrderFilterInput, level: Level!, limit: Int, nextToken: String, "
             "sortDirection: ModelSortDirection, totalOrderedAt: ModelOrderByLevelCompositeKeyConditionInput"_s);
    QVERIFY(doc.typeDefinition(u"ModelOrderByLevelCompositeKeyInput"));

    const gql::TypeDefinition *del = doc.typeDefinition(u"DeleteOrderInput");
    QCOMPARE(argsSpelling(del->inputFields), u"_version: Int, customerId: ID!, orderedAt: AWSDateTime!"_s);
    const gql::TypeDefinition *condition = doc.typeDefinition(u"ModelOrderConditionInput");
    QVERIFY(!condition->inputField(u"customerId"));
    QVERIFY(!condition->inputField(u"orderedAt"));
    QCOMPARE(gql::print(condition->inputField(u"level")->type), u"ModelLevelInput"_s);
    QCOMPARE(gql::print(condition->inputField(u"levels")->type), u"ModelLevelListInput"_s);
    const gql::TypeDefinition *subFilter = doc.typeDefinition(u"ModelSubscriptionOrderFilterInput");
    QCOMPARE(gql::print(subFilter->inputField(u"level")->type), u"ModelSubscriptionStringInput"_s);
    QVERIFY(!subFilter->inputField(u"not"));
    QVERIFY(doc.typeDefinition(u"ModelFloatInput"));
}

void tst_ApiSchema::manyToManyJoinModel()
{
    const QByteArray sdl = R"(
type Post @model { id: ID! title: String! tags: [Tag] @manyToMany(relationName: "PostTags") }
type Tag @model { id: ID! label: String! posts: [Post] @manyToMany(relationName: "PostTags") }
)";
    ds::SourceError error;
    const auto schema = ds::Schema::fromGraphQL(sdl, u"m2m.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.toString()));
    const gql::Document doc = ds::buildApiSchema(*schema);
    QVERIFY(undefinedReferences(doc).isEmpty());
    const gql::TypeDefinition *join = doc.typeDefinition(u"PostTags");
    QVERIFY(join);
    QVERIFY(join->field(u"postId"));
    QVERIFY(join->field(u"tagId"));
    QCOMPARE(gql::print(join->field(u"post")->type), u"Post!"_s);
    QCOMPARE(gql::print(doc.typeDefinition(u"Post")->field(u"tags")->type), u"ModelPostTagsConnection"_s);
    QVERIFY(rootField(doc, u"Query"_s, u"syncPostTags"_s));
    QVERIFY(rootField(doc, u"Query"_s, u"postTagsByPostId"_s));
    QVERIFY(rootField(doc, u"Mutation"_s, u"createPostTags"_s));
}

QTEST_APPLESS_MAIN(tst_ApiSchema)
#include "tst_apischema.moc"
