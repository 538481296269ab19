// Schema::fromGraphQL(): the app's schema, hand-written schemas exercising
// every directive and option, version(), topological order, and located
// validation errors.
#include "schema/modelschema.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using ds::AuthRule;
using ds::FieldType;
using ds::RelationKind;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::optional<ds::Schema> build(const QByteArray &sdl)
{
    ds::SourceError error;
    auto schema = ds::Schema::fromGraphQL(sdl, u"test.graphql"_s, &error);
    if (!schema)
        qWarning().noquote() << error.toString();
    return schema;
}

QStringList fieldNames(const ds::ModelSchema &m)
{
    QStringList out;
    for (const ds::FieldSchema &f : m.fields)
        out.append(f.name);
    return out;
}

} // namespace

class tst_ModelSchema : public QObject
{
    Q_OBJECT

private slots:
    void appSchema();
    void derivedNames_data();
    void derivedNames();
    void modelOptions();
    void scalarsEnumsNonModels();
    void primaryKeyAndIndexes();
    void implicitRelationFields();
    void hasOneAndManyToMany();
    void authRules();
    void defaults();
    void version();
    void topologicalOrder();
    void sourceNameInErrors();
    void collectsAllErrors();
    void invalid_data();
    void invalid();
};

void tst_ModelSchema::appSchema()
{
    const auto schema = build(readFile(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql")));
    QVERIFY(schema);
    QCOMPARE(schema->models().size(), 4);
    QCOMPARE(schema->enums().size(), 1);
    QCOMPARE(schema->enumType(u"PostStatus")->values, (QStringList{u"DRAFT"_s, u"PUBLISHED"_s, u"ARCHIVED"_s}));

    const ds::ModelSchema *post = schema->model(u"Post");
    QVERIFY(post);
    QCOMPARE(post->pluralName, u"Posts"_s);
    QCOMPARE(post->syncQuery, u"syncPosts"_s);
    QCOMPARE(fieldNames(*post), (QStringList{u"id"_s, u"title"_s, u"content"_s, u"rating"_s, u"status"_s, u"tags"_s,
                                             u"comments"_s, u"createdAt"_s, u"updatedAt"_s}));
    QCOMPARE(post->primaryKey, QStringList{u"id"_s});
    QVERIFY(post->field(u"id")->isPrimaryKey);
    QCOMPARE(post->field(u"title")->type.toGraphQL(), u"String!"_s);
    QCOMPARE(post->field(u"status")->type.kind, FieldType::Kind::Enum);
    QCOMPARE(post->field(u"tags")->type.toGraphQL(), u"[String]"_s);
    QVERIFY(post->field(u"tags")->type.isList);
    const ds::FieldSchema *comments = post->field(u"comments");
    QCOMPARE(comments->relation.kind, RelationKind::HasMany);
    QCOMPARE(comments->relation.relatedModel, u"Comment"_s);
    QCOMPARE(comments->relation.indexName, u"byPost"_s);
    QCOMPARE(comments->relation.fields, QStringList{u"id"_s});
    QCOMPARE(comments->relation.associatedWith, QStringList{u"postID"_s});
    QVERIFY(!comments->isStored());
    QVERIFY(post->field(u"createdAt")->isImplicit);
    QVERIFY(post->field(u"createdAt")->isReadOnly);
    QCOMPARE(post->field(u"createdAt")->type.toGraphQL(), u"AWSDateTime!"_s);
    QCOMPARE(post->storedFields().size(), 8);
    QCOMPARE(post->authRules.size(), 2);
    QCOMPARE(post->authRules.at(0).allow, AuthRule::Strategy::Public);
    QCOMPARE(post->authRules.at(0).provider, AuthRule::Provider::ApiKey);
    QCOMPARE(post->authRules.at(1).allow, AuthRule::Strategy::Private);
    QCOMPARE(post->authRules.at(1).provider, AuthRule::Provider::UserPools);
    QVERIFY(!post->hasOwnerAuth());

    const ds::ModelSchema *comment = schema->model(u"Comment");
    QCOMPARE(comment->indexes.size(), 1);
    QCOMPARE(comment->indexes.at(0).name, u"byPost"_s);
    QCOMPARE(comment->indexes.at(0).fields, QStringList{u"postID"_s});
    QCOMPARE(comment->indexes.at(0).queryField, u"commentsByPostID"_s);
    QCOMPARE(comment->field(u"post")->relation.kind, RelationKind::BelongsTo);
    QCOMPARE(comment->field(u"post")->relation.fields, QStringList{u"postID"_s});
    QVERIFY(!comment->field(u"post")->relation.implicitFields);

    const ds::ModelSchema *user = schema->model(u"User");
    QCOMPARE(user->indexes.at(0).queryField, u"usersByLastNameAndCreatedAt"_s);
    QVERIFY(!user->field(u"createdAt")->isImplicit);
    QVERIFY(!user->field(u"createdAt")->isReadOnly);   // declared timestamps stay writable
    QVERIFY(user->field(u"updatedAt")->isImplicit);

    const ds::ModelSchema *note = schema->model(u"Note");
    QVERIFY(note->hasOwnerAuth());
    const AuthRule &owner = note->authRules.at(0);
    QCOMPARE(owner.allow, AuthRule::Strategy::Owner);
    QCOMPARE(owner.provider, AuthRule::Provider::UserPools);
    QCOMPARE(owner.ownerField, u"owner"_s);
    QCOMPARE(owner.identityClaim, u"sub::username"_s);
    QVERIFY(!owner.isOwnerFieldList);
    QCOMPARE(owner.operations, (QStringList{u"create"_s, u"update"_s, u"delete"_s, u"read"_s}));
    QVERIFY(owner.allows(u"sync"));
    QVERIFY(owner.allows(u"listen"));
    QVERIFY(!note->field(u"owner")->isImplicit);
    QCOMPARE(note->onCreateSubscription, u"onCreateNote"_s);
}

void tst_ModelSchema::derivedNames_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QStringList>("names");   // plural, get, list, sync, create, onCreate

    QTest::newRow("Post") << u"Post"_s
        << QStringList{u"Posts"_s, u"getPost"_s, u"listPosts"_s, u"syncPosts"_s, u"createPost"_s, u"onCreatePost"_s};
    QTest::newRow("Person") << u"Person"_s
        << QStringList{u"People"_s, u"getPerson"_s, u"listPeople"_s, u"syncPeople"_s, u"createPerson"_s,
                       u"onCreatePerson"_s};
    QTest::newRow("Status") << u"Status"_s
        << QStringList{u"Statuses"_s, u"getStatus"_s, u"listStatuses"_s, u"syncStatuses"_s, u"createStatus"_s,
                       u"onCreateStatus"_s};
    QTest::newRow("Category") << u"Category"_s
        << QStringList{u"Categories"_s, u"getCategory"_s, u"listCategories"_s, u"syncCategories"_s,
                       u"createCategory"_s, u"onCreateCategory"_s};
    QTest::newRow("Equipment") << u"Equipment"_s
        << QStringList{u"Equipment"_s, u"getEquipment"_s, u"listEquipment"_s, u"syncEquipment"_s,
                       u"createEquipment"_s, u"onCreateEquipment"_s};
    // 8 + 45 characters: truncated to 45 + the first 5 hex digits of the
    // MD5 of "onCreate" + the name.
    QTest::newRow("long") << u"AVeryLongModelNameThatGoesOnAndOnForeverMore"_s
        << QStringList{u"AVeryLongModelNameThatGoesOnAndOnForeverMores"_s,
                       u"getAVeryLongModelNameThatGoesOnAndOnForeverMore"_s,
                       u"listAVeryLongModelNameThatGoesOnAndOnForeverMores"_s,
                       u"syncAVeryLongModelNameThatGoesOnAndOnForeverMores"_s,
                       u"createAVeryLongModelNameThatGoesOnAndOnForeverMore"_s,
                       u"onCreateAVeryLongModelNameThatGoesOnAndOnFore"_s
                           + QString::fromLatin1(QCryptographicHash::hash(
                                 "onCreateAVeryLongModelNameThatGoesOnAndOnForeverMore",
                                 QCryptographicHash::Md5).toHex().left(5))};
}

void tst_ModelSchema::derivedNames()
{
    QFETCH(QString, model);
    QFETCH(QStringList, names);
    const auto schema = build(u"type %1 @model { id: ID! }"_s.arg(model).toUtf8());
    QVERIFY(schema);
    const ds::ModelSchema *m = schema->model(model);
    QVERIFY(m);
    QCOMPARE(m->pluralName, names.at(0));
    QCOMPARE(m->getQuery, names.at(1));
    QCOMPARE(m->listQuery, names.at(2));
    QCOMPARE(m->syncQuery, names.at(3));
    QCOMPARE(m->createMutation, names.at(4));
    QCOMPARE(m->onCreateSubscription, names.at(5));
    QVERIFY(m->onCreateSubscription.size() <= 50);
    QCOMPARE(m->updateMutation, u"update"_s + model);
    QCOMPARE(m->deleteMutation, u"delete"_s + model);
}

void tst_ModelSchema::modelOptions()
{
    const auto schema = build(R"(
type A @model(queries: {get: "fetchA", list: null}, mutations: null,
              subscriptions: {onCreate: ["aCreated"], onDelete: null},
              timestamps: {createdAt: "createdOn", updatedAt: null}) { id: ID! }
type B @model(subscriptions: {level: off}, timestamps: null) { id: ID! updatedAt: AWSDateTime }
)");
    QVERIFY(schema);
    const ds::ModelSchema *a = schema->model(u"A");
    QCOMPARE(a->getQuery, u"fetchA"_s);
    QVERIFY(a->listQuery.isEmpty());
    QCOMPARE(a->syncQuery, u"syncAS"_s);   // npm pluralize("A") == "AS" (case of the letter before)
    QVERIFY(a->createMutation.isEmpty() && a->updateMutation.isEmpty() && a->deleteMutation.isEmpty());
    QCOMPARE(a->onCreateSubscription, u"aCreated"_s);
    QCOMPARE(a->onUpdateSubscription, u"onUpdateA"_s);
    QVERIFY(a->onDeleteSubscription.isEmpty());
    QCOMPARE(a->createdAtField, u"createdOn"_s);
    QVERIFY(a->updatedAtField.isEmpty());
    QCOMPARE(fieldNames(*a), (QStringList{u"id"_s, u"createdOn"_s}));
    QVERIFY(a->field(u"createdOn")->isImplicit);

    const ds::ModelSchema *b = schema->model(u"B");
    QVERIFY(b->onCreateSubscription.isEmpty() && b->onUpdateSubscription.isEmpty());
    QVERIFY(b->createdAtField.isEmpty() && b->updatedAtField.isEmpty());
    QCOMPARE(fieldNames(*b), (QStringList{u"id"_s, u"updatedAt"_s}));
    QVERIFY(!b->field(u"updatedAt")->isReadOnly);   // not a timestamp any more
}

void tst_ModelSchema::scalarsEnumsNonModels()
{
    const auto schema = build(R"(
# every scalar
enum Color { RED GREEN }
type Address { street: String! city: String geo: Geo tags: [String!]! }
type Geo { lat: Float! lng: Float! }
type Thing @model {
  id: ID!
  s: String  i: Int!  f: Float  b: Boolean
  d: AWSDate  t: AWSTime  dt: AWSDateTime  ts: AWSTimestamp
  e: AWSEmail  j: AWSJSON  u: AWSURL  p: AWSPhone  ip: AWSIPAddress
  color: Color!  colors: [Color!]  address: Address  addresses: [Address]!
}
# custom operation types (no @model) are not part of the model schema
type Query { echo(text: String): String }
type Mutation { ping: Boolean }
)");
    QVERIFY(schema);
    const ds::ModelSchema *thing = schema->model(u"Thing");
    const QStringList scalars = {u"ID"_s, u"String"_s, u"Int"_s, u"Float"_s, u"Boolean"_s, u"AWSDate"_s,
                                 u"AWSTime"_s, u"AWSDateTime"_s, u"AWSTimestamp"_s, u"AWSEmail"_s, u"AWSJSON"_s,
                                 u"AWSURL"_s, u"AWSPhone"_s, u"AWSIPAddress"_s};
    for (int i = 0; i < scalars.size(); ++i) {
        const ds::FieldSchema &f = thing->fields.at(i);
        QCOMPARE(f.type.kind, FieldType::Kind::Scalar);
        QCOMPARE(ds::scalarTypeName(f.type.scalar), scalars.at(i));
        QCOMPARE(ds::scalarTypeFromName(scalars.at(i)), std::optional<ds::ScalarType>(f.type.scalar));
    }
    QCOMPARE(thing->field(u"i")->type.toGraphQL(), u"Int!"_s);
    QCOMPARE(thing->field(u"colors")->type.toGraphQL(), u"[Color!]"_s);
    QVERIFY(thing->field(u"colors")->type.isListElementRequired);
    QCOMPARE(thing->field(u"address")->type.kind, FieldType::Kind::NonModel);
    QVERIFY(thing->field(u"address")->isStored());
    QCOMPARE(thing->field(u"addresses")->type.toGraphQL(), u"[Address]!"_s);
    QCOMPARE(schema->nonModels().size(), 2);
    QCOMPARE(schema->nonModel(u"Address")->field(u"geo")->type.kind, FieldType::Kind::NonModel);
    QCOMPARE(schema->nonModel(u"Address")->field(u"tags")->type.toGraphQL(), u"[String!]!"_s);
    QVERIFY(!ds::scalarTypeFromName(u"Color"));
}

void tst_ModelSchema::primaryKeyAndIndexes()
{
    const auto schema = build(R"(
type Order @model {
  customerId: ID! @primaryKey(sortKeyFields: ["orderedAt"])
  orderedAt: AWSDateTime!
  status: String @index(name: "byStatus", queryField: "ordersByStatus") @index(sortKeyFields: ["total"], queryField: null)
  total: Float @index
})");
    QVERIFY(schema);
    const ds::ModelSchema *order = schema->model(u"Order");
    QCOMPARE(order->primaryKey, (QStringList{u"customerId"_s, u"orderedAt"_s}));
    QVERIFY(order->field(u"customerId")->isPrimaryKey);
    QVERIFY(order->field(u"orderedAt")->isPrimaryKey);
    QVERIFY(!order->hasField(u"id"));
    QCOMPARE(order->indexes.size(), 3);
    QCOMPARE(order->indexes.at(0), (ds::IndexSchema{u"byStatus"_s, {u"status"_s}, u"ordersByStatus"_s}));
    QCOMPARE(order->indexes.at(1), (ds::IndexSchema{u"ordersByStatusAndTotal"_s, {u"status"_s, u"total"_s}, {}}));
    QCOMPARE(order->indexes.at(2), (ds::IndexSchema{u"ordersByTotal"_s, {u"total"_s}, u"ordersByTotal"_s}));
}

void tst_ModelSchema::implicitRelationFields()
{
    const auto schema = build(R"(
type Blog @model { id: ID! name: String! posts: [Post] @hasMany }
type Post @model { id: ID! title: String! blog: Blog @belongsTo }
type Author @model { id: ID! name: String }
type Book @model { id: ID! author: Author @belongsTo }
)");
    QVERIFY(schema);
    const ds::ModelSchema *blog = schema->model(u"Blog");
    const ds::Relation &posts = blog->field(u"posts")->relation;
    QCOMPARE(posts.kind, RelationKind::HasMany);
    QVERIFY(posts.implicitFields);
    QCOMPARE(posts.fields, QStringList{u"id"_s});
    QCOMPARE(posts.associatedWith, QStringList{u"blogPostsId"_s});
    QCOMPARE(posts.indexName, u"gsi-Blog.posts"_s);

    const ds::ModelSchema *post = schema->model(u"Post");
    QCOMPARE(fieldNames(*post), (QStringList{u"id"_s, u"title"_s, u"blog"_s, u"createdAt"_s, u"updatedAt"_s,
                                             u"blogPostsId"_s}));
    const ds::FieldSchema *key = post->field(u"blogPostsId");
    QVERIFY(key->isImplicit);
    QCOMPARE(key->type.toGraphQL(), u"ID"_s);
    QCOMPARE(post->field(u"blog")->relation.fields, QStringList{u"blogPostsId"_s});
    QVERIFY(post->field(u"blog")->relation.implicitFields);
    QVERIFY(post->field(u"blog")->isReadOnly);
    QVERIFY(!post->field(u"blog")->isStored());
    QCOMPARE(post->indexes.at(0).name, u"gsi-Blog.posts"_s);

    // A @belongsTo without a @hasMany counterpart gets <model><Field>Id.
    const ds::ModelSchema *book = schema->model(u"Book");
    QVERIFY(book->hasField(u"bookAuthorId"));
    QCOMPARE(book->field(u"author")->relation.fields, QStringList{u"bookAuthorId"_s});
}

void tst_ModelSchema::hasOneAndManyToMany()
{
    const auto schema = build(R"(
type Project @model { id: ID! team: Team @hasOne  lead: Person @hasOne(fields: ["leadId"]) leadId: ID }
type Team @model { id: ID! name: String project: Project @belongsTo }
type Person @model { id: ID! }
type Post @model { id: ID! tags: [Tag] @manyToMany(relationName: "PostTags") }
type Tag @model { id: ID! posts: [Post] @manyToMany(relationName: "PostTags") }
)");
    QVERIFY(schema);
    const ds::ModelSchema *project = schema->model(u"Project");
    const ds::Relation &team = project->field(u"team")->relation;
    QCOMPARE(team.kind, RelationKind::HasOne);
    QCOMPARE(team.fields, QStringList{u"projectTeamId"_s});
    QVERIFY(team.implicitFields);
    QVERIFY(project->field(u"projectTeamId")->isImplicit);
    QCOMPARE(project->field(u"lead")->relation.fields, QStringList{u"leadId"_s});
    QCOMPARE(project->field(u"lead")->relation.associatedWith, QStringList{u"id"_s});
    QCOMPARE(schema->model(u"Team")->field(u"project")->relation.fields, QStringList{u"teamProjectId"_s});

    const ds::ModelSchema *join = schema->model(u"PostTags");
    QVERIFY(join);
    QVERIFY(join->isJoinModel);
    QCOMPARE(join->pluralName, u"PostTags"_s);
    QCOMPARE(fieldNames(*join), (QStringList{u"id"_s, u"postId"_s, u"tagId"_s, u"post"_s, u"tag"_s,
                                             u"createdAt"_s, u"updatedAt"_s}));
    QCOMPARE(join->field(u"post")->relation.kind, RelationKind::BelongsTo);
    QCOMPARE(join->field(u"post")->relation.fields, QStringList{u"postId"_s});
    QCOMPARE(join->indexes.at(0), (ds::IndexSchema{u"byPost"_s, {u"postId"_s}, u"postTagsByPostId"_s}));
    QCOMPARE(join->indexes.at(1), (ds::IndexSchema{u"byTag"_s, {u"tagId"_s}, u"postTagsByTagId"_s}));
    const ds::Relation &tags = schema->model(u"Post")->field(u"tags")->relation;
    QCOMPARE(tags.kind, RelationKind::ManyToMany);
    QCOMPARE(tags.relatedModel, u"Tag"_s);
    QCOMPARE(tags.relationName, u"PostTags"_s);
    QCOMPARE(tags.associatedWith, QStringList{u"postId"_s});
}

void tst_ModelSchema::authRules()
{
    const auto schema = build(R"(
type Doc @model @auth(rules: [
    { allow: owner, ownerField: "editors", identityClaim: "email", operations: [update, read] },
    { allow: owner, provider: oidc },
    { allow: groups, groups: ["Admin", "Ops"], groupClaim: "roles" },
    { allow: groups, groupsField: "teams", identityClaim: "cognito:username" },
    { allow: public, provider: iam, operations: [get, list] },
    { allow: private, provider: iam },
    { allow: custom }
  ]) {
  id: ID!
  editors: [String]
})");
    QVERIFY(schema);
    const ds::ModelSchema *doc = schema->model(u"Doc");
    QCOMPARE(doc->authRules.size(), 7);
    const AuthRule &editors = doc->authRules.at(0);
    QCOMPARE(editors.ownerField, u"editors"_s);
    QCOMPARE(editors.identityClaim, u"email"_s);
    QVERIFY(editors.isOwnerFieldList);
    QVERIFY(editors.allows(u"update"));
    QVERIFY(editors.allows(u"get"));
    QVERIFY(!editors.allows(u"create"));
    QCOMPARE(doc->authRules.at(1).provider, AuthRule::Provider::Oidc);
    QCOMPARE(doc->authRules.at(1).ownerField, u"owner"_s);
    QCOMPARE(doc->authRules.at(2).groups, (QStringList{u"Admin"_s, u"Ops"_s}));
    QCOMPARE(doc->authRules.at(2).groupClaim, u"roles"_s);
    QCOMPARE(doc->authRules.at(3).groupClaim, u"cognito:groups"_s);
    QCOMPARE(doc->authRules.at(4).provider, AuthRule::Provider::Iam);
    QVERIFY(doc->authRules.at(4).allows(u"list"));
    QVERIFY(!doc->authRules.at(4).allows(u"sync"));
    QVERIFY(!doc->authRules.at(4).allows(u"read"));
    QCOMPARE(doc->authRules.at(5).provider, AuthRule::Provider::Iam);
    QCOMPARE(doc->authRules.at(6).allow, AuthRule::Strategy::Custom);
    QCOMPARE(doc->authRules.at(6).provider, AuthRule::Provider::Function);
    // Implicit owner and groups fields, after the timestamps.
    QCOMPARE(fieldNames(*doc), (QStringList{u"id"_s, u"editors"_s, u"createdAt"_s, u"updatedAt"_s, u"owner"_s,
                                            u"teams"_s}));
    QVERIFY(doc->field(u"owner")->isImplicit);
    QCOMPARE(doc->field(u"owner")->type.toGraphQL(), u"String"_s);
}

void tst_ModelSchema::defaults()
{
    const auto schema = build(R"(
enum Color { RED GREEN }
type D @model {
  id: ID!
  s: String @default(value: "hi")
  i: Int @default(value: "42")
  f: Float @default(value: "1.5")
  b: Boolean @default(value: "true")
  c: Color @default(value: "GREEN")
})");
    QVERIFY(schema);
    const ds::ModelSchema *d = schema->model(u"D");
    QCOMPARE(d->field(u"s")->defaultValue, std::optional<QVariant>(QVariant(u"hi"_s)));
    QCOMPARE(d->field(u"i")->defaultValue->toLongLong(), 42);
    QCOMPARE(d->field(u"f")->defaultValue->toDouble(), 1.5);
    QCOMPARE(d->field(u"b")->defaultValue->toBool(), true);
    QCOMPARE(d->field(u"c")->defaultValue->toString(), u"GREEN"_s);
    QVERIFY(!d->field(u"id")->defaultValue);
}

void tst_ModelSchema::version()
{
    const QByteArray base = "type Post @model { id: ID! title: String! }";
    const auto a = build(base);
    const auto b = build("# a comment\ntype   Post\n  @model {\n  id: ID!,\n  title: String!  # trailing\n}\n");
    const auto c = build("type Post @model { id: ID! title: String }");
    const auto d = build("type Post @model { id: ID! name: String! }");
    QVERIFY(a && b && c && d);
    QCOMPARE(a->version().size(), 64);
    QCOMPARE(a->version(), b->version());
    QVERIFY(a->version() != c->version());
    QVERIFY(a->version() != d->version());
    QCOMPARE(a->source(), base);
}

void tst_ModelSchema::topologicalOrder()
{
    const auto schema = build(R"(
type Comment @model { id: ID! postID: ID! post: Post @belongsTo(fields: ["postID"]) authorID: ID author: User @belongsTo(fields: ["authorID"]) }
type Post @model { id: ID! blogID: ID blog: Blog @belongsTo(fields: ["blogID"]) }
type User @model { id: ID! }
type Blog @model { id: ID! }
type Node @model { id: ID! parentID: ID parent: Node @belongsTo(fields: ["parentID"]) }
type A @model { id: ID! bID: ID b: B @belongsTo(fields: ["bID"]) }
type B @model { id: ID! aID: ID a: A @belongsTo(fields: ["aID"]) }
)");
    QVERIFY(schema);
    QStringList order;
    for (const ds::ModelSchema *m : schema->topologicallySortedModels())
        order.append(m->name);
    QCOMPARE(order, (QStringList{u"Blog"_s, u"Post"_s, u"User"_s, u"Comment"_s, u"Node"_s, u"B"_s, u"A"_s}));
}

void tst_ModelSchema::sourceNameInErrors()
{
    ds::SourceError error;
    QVERIFY(!ds::Schema::fromGraphQL("type Post @model {\n  id: ID!\n  author: Author\n}", u"schema.graphql"_s,
                                     &error));
    QCOMPARE(error.toString(), u"schema.graphql:3:11: Post.author: unknown type 'Author'"_s);
    QCOMPARE(error.sourceName, u"schema.graphql"_s);

    // Parse errors come through located as well.
    QVERIFY(!ds::Schema::fromGraphQL("type Post @model {\n  id ID!\n}", u"schema.graphql"_s, &error));
    QCOMPARE(error.sourceName, u"schema.graphql"_s);
    QCOMPARE(error.location.line, 2);
}

void tst_ModelSchema::collectsAllErrors()
{
    QList<ds::SourceError> errors;
    QVERIFY(!ds::Schema::fromGraphQL("type A @model { id: ID! x: Nope }\ntype B @model { name: String }",
                                     QString(), &errors));
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(0).location.line, 1);
    QCOMPARE(errors.at(1).location.line, 2);
}

void tst_ModelSchema::invalid_data()
{
    QTest::addColumn<QByteArray>("sdl");
    QTest::addColumn<QString>("error");

    QTest::newRow("unknown type")
        << QByteArray("type Post @model {\n  id: ID!\n  author: [Author!]\n}")
        << u"3:12: Post.author: unknown type 'Author'"_s;
    QTest::newRow("duplicate field")
        << QByteArray("type Post @model {\n  id: ID!\n  title: String\n  title: String!\n}")
        << u"4:3: Post: duplicate field 'title'"_s;
    QTest::newRow("duplicate type")
        << QByteArray("type Post @model { id: ID! }\nenum Post { A }")
        << u"2:1: duplicate type 'Post'"_s;
    QTest::newRow("index sort key missing")
        << QByteArray("type Comment @model {\n  id: ID!\n  postID: ID! @index(name: \"byPost\", sortKeyFields: [\"date\"])\n}")
        << u"3:53: Comment.postID: @index(sortKeyFields:) names field 'date', which Comment does not have"_s;
    QTest::newRow("primaryKey sort key missing")
        << QByteArray("type Order @model {\n  key: ID! @primaryKey(sortKeyFields: [\"at\"])\n}")
        << u"2:39: Order.key: @primaryKey(sortKeyFields:) names field 'at', which Order does not have"_s;
    QTest::newRow("primaryKey nullable")
        << QByteArray("type Order @model {\n  key: ID @primaryKey\n}")
        << u"2:3: Order.key: a primary key field must be non-null (ID!)"_s;
    QTest::newRow("belongsTo fields missing")
        << QByteArray("type Post @model { id: ID! }\ntype Comment @model {\n  id: ID!\n  post: Post @belongsTo(fields: [\"postId\"])\n}")
        << u"4:33: Comment.post: @belongsTo(fields:) names field 'postId', which Comment does not have"_s;
    QTest::newRow("relation to non-model")
        << QByteArray("type Address { street: String }\ntype User @model {\n  id: ID!\n  address: Address @hasOne\n}")
        << u"4:20: User.address: @hasOne needs a field of @model type, but 'Address' is not a model"_s;
    QTest::newRow("hasMany not a list")
        << QByteArray("type Comment @model { id: ID! }\ntype Post @model {\n  id: ID!\n  comments: Comment @hasMany\n}")
        << u"4:3: Post.comments: @hasMany field must be a list, like [Comment]"_s;
    QTest::newRow("hasMany unknown index")
        << QByteArray("type Comment @model { id: ID! postID: ID }\ntype Post @model {\n  id: ID!\n  comments: [Comment] @hasMany(indexName: \"byPost\", fields: [\"id\"])\n}")
        << u"4:43: Post.comments: @hasMany(indexName:) names index 'byPost', which Comment does not have"_s;
    QTest::newRow("no primary key")
        << QByteArray("type Post @model {\n  title: String\n}")
        << u"1:1: Post: a @model needs a primary key: declare 'id: ID!' or use @primaryKey"_s;
    QTest::newRow("unknown allow")
        << QByteArray("type Post @model @auth(rules: [{ allow: admins }]) { id: ID! }")
        << u"1:41: Post: unknown @auth strategy 'admins' (expected public, private, owner, groups or custom)"_s;
    QTest::newRow("owner with groups")
        << QByteArray("type Post @model @auth(rules: [{ allow: owner, groups: [\"A\"] }]) { id: ID! }")
        << u"1:48: Post: an owner @auth rule cannot have groups or groupsField"_s;
    QTest::newRow("groups without groups")
        << QByteArray("type Post @model @auth(rules: [{ allow: groups }]) { id: ID! }")
        << u"1:32: Post: a groups @auth rule needs 'groups' or 'groupsField'"_s;
    QTest::newRow("ownerField not a String")
        << QByteArray("type Post @model @auth(rules: [{ allow: owner, ownerField: \"rank\" }]) {\n  id: ID!\n  rank: Int\n}")
        << u"1:32: Post: @auth ownerField 'rank' must be a String or [String], not Int"_s;
    QTest::newRow("unknown operation")
        << QByteArray("type Post @model @auth(rules: [{ allow: public, operations: [read, erase] }]) { id: ID! }")
        << u"1:68: Post: unknown @auth operation 'erase' (expected create, update, delete, read, get, list, sync, listen or search)"_s;
    QTest::newRow("provider not valid")
        << QByteArray("type Post @model @auth(rules: [{ allow: public, provider: userPools }]) { id: ID! }")
        << u"1:59: Post: @auth provider 'userPools' is not valid for 'public' rules (use apiKey or iam)"_s;
    QTest::newRow("unknown provider")
        << QByteArray("type Post @model @auth(rules: [{ allow: private, provider: ldap }]) { id: ID! }")
        << u"1:60: Post: unknown @auth provider 'ldap' (expected apiKey, iam, userPools, oidc or function)"_s;
    QTest::newRow("argument of wrong type")
        << QByteArray("type Post @model {\n  id: ID!\n  title: String @index(name: 5)\n}")
        << u"3:30: Post.title: @index(name:) must be a String, not an Int"_s;
    QTest::newRow("unknown directive argument")
        << QByteArray("type Post @model {\n  id: ID!\n  title: String @index(nom: \"x\")\n}")
        << u"3:24: Post.title: @index has no argument 'nom'"_s;
    QTest::newRow("unknown field directive")
        << QByteArray("type Post @model {\n  id: ID!\n  title: String @searchable\n}")
        << u"3:17: Post.title: unknown directive @searchable"_s;
    QTest::newRow("model field without relation")
        << QByteArray("type User @model { id: ID! }\ntype Post @model {\n  id: ID!\n  author: User\n}")
        << u"4:3: Post.author: field of model type 'User' needs @hasMany, @hasOne, @belongsTo or @manyToMany"_s;
    QTest::newRow("default of wrong type")
        << QByteArray("type Post @model {\n  id: ID!\n  rating: Int @default(value: \"five\")\n}")
        << u"3:31: Post.rating: @default value 'five' is not a valid Int"_s;
    QTest::newRow("default not a string")
        << QByteArray("type Post @model {\n  id: ID!\n  rating: Int @default(value: 5)\n}")
        << u"3:31: Post.rating: @default(value:) must be a String, not an Int"_s;
    QTest::newRow("default not an enum value")
        << QByteArray("enum E { A B }\ntype Post @model {\n  id: ID!\n  e: E @default(value: \"C\")\n}")
        << u"4:24: Post.e: @default value 'C' is not a valid E"_s;
    QTest::newRow("duplicate enum value")
        << QByteArray("enum Color {\n  RED\n  RED\n}")
        << u"3:3: Color: duplicate enum value 'RED'"_s;
    QTest::newRow("duplicate index name")
        << QByteArray("type Post @model {\n  id: ID!\n  a: String @index(name: \"byX\")\n  b: String @index(name: \"byX\")\n}")
        << u"4:13: Post.b: Post already has an index named 'byX'"_s;
    QTest::newRow("index on a list")
        << QByteArray("type Post @model {\n  id: ID!\n  tags: [String] @index\n}")
        << u"3:18: Post.tags: @index field must be a scalar or enum, not [String]"_s;
    QTest::newRow("manyToMany without partner")
        << QByteArray("type Tag @model { id: ID! }\ntype Post @model {\n  id: ID!\n  tags: [Tag] @manyToMany(relationName: \"PostTags\")\n}")
        << u"4:41: Post.tags: @manyToMany(relationName: \"PostTags\") needs a matching @manyToMany field on the related model"_s;
    QTest::newRow("manyToMany without relationName")
        << QByteArray("type Tag @model { id: ID! posts: [Post] @manyToMany(relationName: \"T\") }\ntype Post @model {\n  id: ID!\n  tags: [Tag] @manyToMany\n}")
        << u"1:67: Tag.posts: @manyToMany(relationName: \"T\") needs a matching @manyToMany field on the related model"_s;
    QTest::newRow("model options wrong type")
        << QByteArray("type Post @model(queries: \"none\") { id: ID! }")
        << u"1:27: Post: @model(queries:) must be an object or null, not a String"_s;
    QTest::newRow("model options unknown key")
        << QByteArray("type Post @model(mutations: { upsert: \"x\" }) { id: ID! }")
        << u"1:31: Post: @model(mutations:) has no field 'upsert'"_s;
    QTest::newRow("reserved field name")
        << QByteArray("type Post @model {\n  id: ID!\n  _version: Int\n}")
        << u"3:3: Post._version: the field name '_version' is reserved for sync metadata"_s;
    QTest::newRow("two primary keys")
        << QByteArray("type Post @model {\n  a: ID! @primaryKey\n  b: ID! @primaryKey\n}")
        << u"3:10: Post.b: Post already has a @primaryKey on 'a'"_s;
    QTest::newRow("belongsTo key count")
        << QByteArray("type Post @model { id: ID! }\ntype Comment @model {\n  id: ID!\n  a: ID\n  b: ID\n  post: Post @belongsTo(fields: [\"a\", \"b\"])\n}")
        << u"6:14: Comment.post: @belongsTo(fields:) has 2 fields but the primary key of Post has 1"_s;
    QTest::newRow("non-model type with a model field")
        << QByteArray("type User @model { id: ID! }\ntype Box {\n  owner: User\n}")
        << u"3:10: Box.owner: non-model type 'Box' cannot have a field of model type 'User'"_s;
    QTest::newRow("auth empty operations")
        << QByteArray("type Post @model @auth(rules: [{ allow: public, operations: [] }]) { id: ID! }")
        << u"1:61: Post: an @auth rule with no operations allows nothing (leave 'operations' out to allow all of them)"_s;
    QTest::newRow("groups and groupsField")
        << QByteArray("type Post @model @auth(rules: [{ allow: groups, groups: [\"A\"], groupsField: \"g\" }]) {\n  id: ID!\n  g: String\n}")
        << u"1:49: Post: a groups @auth rule has either static 'groups' or a dynamic 'groupsField', not both"_s;
    QTest::newRow("groups with ownerField")
        << QByteArray("type Post @model @auth(rules: [{ allow: groups, groups: [\"A\"], ownerField: \"o\" }]) { id: ID! }")
        << u"1:32: Post: a groups @auth rule cannot have ownerField"_s;
    QTest::newRow("groups with identityClaim")
        << QByteArray("type Post @model @auth(rules: [{ allow: groups, groups: [\"A\"], identityClaim: \"sub\" }]) { id: ID! }")
        << u"1:32: Post: identityClaim is for owner @auth rules"_s;
    QTest::newRow("owner with groupClaim")
        << QByteArray("type Post @model @auth(rules: [{ allow: owner, groupClaim: \"roles\" }]) { id: ID! }")
        << u"1:32: Post: an owner @auth rule cannot have groupClaim (it is for groups rules)"_s;
    QTest::newRow("public with identityClaim")
        << QByteArray("type Post @model @auth(rules: [{ allow: public, identityClaim: \"sub\" }]) { id: ID! }")
        << u"1:32: Post: a public @auth rule cannot have identityClaim or groupClaim"_s;
    QTest::newRow("model twice")
        << QByteArray("type Post @model @model(subscriptions: null) { id: ID! }")
        << u"1:18: Post: @model can be used only once here"_s;
    QTest::newRow("default twice")
        << QByteArray("type Post @model {\n  id: ID!\n  n: Int @default(value: \"1\") @default(value: \"2\")\n}")
        << u"3:31: Post.n: @default can be used only once here"_s;
    QTest::newRow("model named Query")
        << QByteArray("type Post @model { id: ID! }\ntype Query @model { id: ID! }")
        << u"2:1: Query: a @model cannot be named like a root operation type (Query, Mutation, Subscription)"_s;
    QTest::newRow("generated connection name")
        << QByteArray("type Post @model { id: ID! }\ntype ModelPostConnection @model { id: ID! }")
        << u"2:1: ModelPostConnection: the generated AppSync API schema has a type of its own by this name "
           "(a connection, input or filter type); rename this one"_s;
    QTest::newRow("generated scalar filter name")
        << QByteArray("enum ModelSortDirection { UP DOWN }\ntype Post @model { id: ID! }")
        << u"1:1: ModelSortDirection: the generated AppSync API schema has a type of its own by this name "
           "(a connection, input or filter type); rename this one"_s;
    QTest::newRow("generated non-model input name")
        << QByteArray("type Address { a: String }\ntype AddressInput { b: Int }\ntype Post @model { id: ID! a: Address b: AddressInput }")
        << u"2:1: AddressInput: the generated AppSync API schema has a type of its own by this name "
           "(a connection, input or filter type); rename this one"_s;
    QTest::newRow("createdAt not a date-time")
        << QByteArray("type Post @model {\n  id: ID!\n  createdAt: String\n}")
        << u"3:3: Post.createdAt: the createdAt timestamp field must be an AWSDateTime, not String"_s;
    QTest::newRow("renamed updatedAt not a date-time")
        << QByteArray("type Post @model(timestamps: {updatedAt: \"changed\"}) {\n  id: ID!\n  changed: [AWSDateTime]\n}")
        << u"3:3: Post.changed: the updatedAt timestamp field must be an AWSDateTime, not [AWSDateTime]"_s;
    QTest::newRow("introspection type name")
        << QByteArray("type Post @model { id: ID! }\ntype __Meta { a: String }")
        << u"2:1: __Meta: names beginning with '__' are reserved for GraphQL introspection"_s;
    QTest::newRow("introspection field name")
        << QByteArray("type Post @model {\n  id: ID!\n  __typename: String\n}")
        << u"3:3: Post.__typename: names beginning with '__' are reserved for GraphQL introspection"_s;
    QTest::newRow("introspection enum value")
        << QByteArray("enum E {\n  A\n  __B\n}")
        << u"3:3: E.__B: names beginning with '__' are reserved for GraphQL introspection"_s;
    QTest::newRow("custom scalar")
        << QByteArray("scalar Money\ntype Post @model { id: ID! }")
        << u"1:1: custom scalar 'Money' is not supported"_s;
}

void tst_ModelSchema::invalid()
{
    QFETCH(QByteArray, sdl);
    QFETCH(QString, error);
    ds::SourceError actual;
    const auto schema = ds::Schema::fromGraphQL(sdl, QString(), &actual);
    QVERIFY(!schema);
    QCOMPARE(actual.toString(), error);
}

QTEST_APPLESS_MAIN(tst_ModelSchema)
#include "tst_modelschema.moc"
