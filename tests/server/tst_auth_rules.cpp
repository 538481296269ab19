// @auth decisions (server/data/auth.h decideAccess) for every rule kind, in
// process: public/private/owner/groups, operations lists, admin group, API
// keys; and the token codec (signature, alg, expiry).
#include "data/auth.h"

#include <datastore/modelschema.h>

#include <QTest>

using namespace Qt::StringLiterals;
using ds::server::data::AccessDecision;
using ds::server::data::Caller;
using ds::server::data::decideAccess;
using ds::server::data::TokenCodec;

namespace {

const char kSchema[] = R"(
type Post @model @auth(rules: [{ allow: public, operations: [read] }, { allow: private }]) {
  id: ID!
  title: String!
}
type Note @model @auth(rules: [{ allow: owner }, { allow: groups, groups: ["Editors"], operations: [read] }]) {
  id: ID!
  title: String!
  owner: String
}
type Doc @model @auth(rules: [{ allow: owner, ownerField: "author", identityClaim: "sub" }]) {
  id: ID!
  author: String
}
type Open @model {
  id: ID!
}
)";

Caller user(const QString &name, const QStringList &groups = {}, bool admin = false)
{
    Caller c;
    c.kind = Caller::Kind::User;
    c.username = name;
    c.sub = u"sub-"_s + name;
    c.groups = groups;
    c.admin = admin;
    return c;
}

} // namespace

class TestAuthRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        ds::SourceError error;
        std::optional<ds::Schema> s = ds::Schema::fromGraphQL(QByteArray(kSchema), u"schema.graphql"_s, &error);
        QVERIFY2(s.has_value(), qPrintable(error.toString()));
        m_schema = std::move(*s);
    }

    void publicAndPrivate()
    {
        const ds::ModelSchema &post = *m_schema.model(u"Post"_s);
        QVERIFY(decideAccess(post, u"list", Caller::apiKey()).allowed);
        QVERIFY(decideAccess(post, u"get", Caller::apiKey()).allowed);
        QVERIFY(!decideAccess(post, u"create", Caller::apiKey()).allowed);   // public: read only
        QVERIFY(decideAccess(post, u"create", user(u"a"_s)).allowed);
        QVERIFY(!decideAccess(post, u"create", user(u"a"_s)).restricted());
        const ds::ModelSchema &open = *m_schema.model(u"Open"_s);   // no @auth: the API default
        QVERIFY(decideAccess(open, u"delete", Caller::apiKey()).allowed);
        QVERIFY(decideAccess(post, u"delete", Caller()).allowed);      // in-process callers
    }

    void ownerAndGroups()
    {
        const ds::ModelSchema &note = *m_schema.model(u"Note"_s);
        QVERIFY(!decideAccess(note, u"list", Caller::apiKey()).allowed);
        const AccessDecision alice = decideAccess(note, u"update", user(u"alice"_s));
        QVERIFY(alice.restricted());
        QCOMPARE(alice.owners.size(), 1);
        QCOMPARE(alice.owners[0].field, u"owner"_s);
        QCOMPARE(alice.owners[0].values.constFirst(), u"alice"_s);   // what a create writes
        QVERIFY(alice.owns(QJsonObject{{u"owner"_s, u"alice"_s}}));
        QVERIFY(alice.owns(QJsonObject{{u"owner"_s, u"sub-alice::alice"_s}}));   // transformer's form
        QVERIFY(alice.owns(QJsonObject{{u"owner"_s, u"sub-alice"_s}}));
        QVERIFY(!alice.owns(QJsonObject{{u"owner"_s, u"bob"_s}}));
        QVERIFY(!alice.owns(QJsonObject{{u"owner"_s, QJsonValue::Null}}));
        // Editors read everything, but write only their own.
        const AccessDecision editorRead = decideAccess(note, u"sync", user(u"ed"_s, {u"Editors"_s}));
        QVERIFY(editorRead.allowed && !editorRead.restricted());
        QVERIFY(decideAccess(note, u"delete", user(u"ed"_s, {u"Editors"_s})).restricted());
        QVERIFY(decideAccess(note, u"sync", user(u"x"_s, {u"Readers"_s})).restricted());
        // --admin-group
        QVERIFY(!decideAccess(note, u"delete", user(u"root"_s, {u"Admins"_s}, true)).restricted());
    }

    void ownerFieldAndClaim()
    {
        const ds::ModelSchema &doc = *m_schema.model(u"Doc"_s);
        const AccessDecision d = decideAccess(doc, u"create", user(u"alice"_s));
        QVERIFY(d.restricted());
        QCOMPARE(d.owners[0].field, u"author"_s);
        QCOMPARE(d.owners[0].values.constFirst(), u"sub-alice"_s);
    }

    void tokens()
    {
        const TokenCodec codec(QByteArray(32, 'k'));
        const QByteArray token = codec.sign(QJsonObject{{u"sub"_s, u"s"_s}, {u"exp"_s, 2000}});
        QString why;
        QVERIFY(codec.verify(token, 1999, &why).has_value());
        QVERIFY(!codec.verify(token, 2000, &why).has_value());
        QVERIFY(why.contains(u"expired"_s));
        QVERIFY(!TokenCodec(QByteArray(32, 'o')).verify(token, 1, &why).has_value());
        QByteArray flipped = token;
        flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
        QVERIFY(!codec.verify(flipped, 1, &why).has_value());
        QVERIFY(!codec.verify(QByteArray(token + ".x"), 1, &why).has_value());
        QVERIFY(!codec.verify("a.b", 1, &why).has_value());
        QCOMPARE(ds::server::data::tokenFromAuthorization("Bearer abc.def.ghi "), QByteArray("abc.def.ghi"));
        QCOMPARE(ds::server::data::tokenFromAuthorization("abc.def.ghi"), QByteArray("abc.def.ghi"));
    }

private:
    ds::Schema m_schema;
};

QTEST_MAIN(TestAuthRules)
#include "tst_auth_rules.moc"
