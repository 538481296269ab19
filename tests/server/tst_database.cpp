// The --db value (server/data/database.h DatabaseSpec) and the statements of
// the PostgreSQL store (pgstore.h), in process: URL forms and errors; scans
// number their placeholders $1..$n in binding order, type their delta
// filters, and carry no value in their text; and the NOTIFY payload of a
// change between instances (pgnotify_p.h), with and without its item.
#include "data/database.h"
#include "data/pgnotify_p.h"
#include "data/pgstore.h"

#include <datastore/modelschema.h>

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using ds::server::data::BaseScan;
using ds::server::data::DatabaseSpec;
using ds::server::data::DeltaScan;
using ds::server::data::PgStatement;
using ds::server::data::PgStore;

namespace {

const char kSchema[] = R"(
type Post @model {
  id: ID!
  title: String!
  rating: Int
  done: Boolean
  tags: [String]
}
)";

// Every $n of the text, in order of first appearance: 1..bindings, each once or more.
bool placeholdersMatch(const PgStatement &s)
{
    static const QRegularExpression re(u"\\$(\\d+)"_s);
    QSet<int> seen;
    for (auto it = re.globalMatch(s.sql); it.hasNext();)
        seen.insert(it.next().captured(1).toInt());
    for (int i = 1; i <= s.bindings.size(); ++i) {
        if (!seen.remove(i))
            return false;
    }
    return seen.isEmpty();
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void scanStatements();
    void notificationPayload();
};

void TestDatabase::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("display");
    QTest::newRow("file") << u"/tmp/a.sqlite"_s << true << false << u"sqlite:/tmp/a.sqlite"_s;
    QTest::newRow("sqlite:") << u"sqlite:rel.db"_s << true << false << u"sqlite:rel.db"_s;
    QTest::newRow("sqlite: empty") << u"sqlite:"_s << false << false << QString();
    QTest::newRow("postgres") << u"postgres://me@db.example:5433/notes"_s << true << true
                              << u"postgres://me@db.example:5433/notes"_s;
    QTest::newRow("postgresql, password hidden") << u"postgresql://me:s%40cret@127.0.0.1/notes?sslmode=require"_s
                                                 << true << true << u"postgres://me@127.0.0.1/notes"_s;
    QTest::newRow("socket directory") << u"postgres:///notes?host=/run/postgresql"_s << true << true
                                      << u"postgres:///notes?host=/run/postgresql"_s;
    QTest::newRow("no database") << u"postgres://me@localhost:5432/"_s << false << true << QString();
    QTest::newRow("bad option") << u"postgres://me@localhost/db?a;b=c"_s << false << true << QString();
}

void TestDatabase::parse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(bool, postgres);
    QFETCH(QString, display);
    QString error;
    const std::optional<DatabaseSpec> spec = DatabaseSpec::parse(text, &error);
    QCOMPARE(spec.has_value(), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QCOMPARE(spec->isPostgres(), postgres);
    QCOMPARE(spec->displayName(), display);
    if (text.contains(u"s%40cret"_s)) {
        QCOMPARE(spec->password, u"s@cret"_s);
        QCOMPARE(spec->connectOptions, u"sslmode=require"_s);
    }
}

void TestDatabase::scanStatements()
{
    ds::SourceError error;
    const std::optional<ds::Schema> schema = ds::Schema::fromGraphQL(kSchema, u"schema.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.toString()));
    const ds::ModelSchema &post = *schema->model(u"Post");
    const ds::Predicate filter = ds::Predicate::andOf(
        {ds::Predicate::compare(u"title"_s, ds::Predicate::Op::BeginsWith, u"it's $1"_s),
         ds::Predicate::compare(u"rating"_s, ds::Predicate::Op::Gt, 3),
         ds::Predicate::compare(u"done"_s, ds::Predicate::Op::Eq, true),
         ds::Predicate::compare(u"tags"_s, ds::Predicate::Op::Contains, u"x"_s)});

    BaseScan base;
    base.filter = filter;
    base.orderFields = {u"id"_s};
    base.after = QJsonArray{u"p-7"_s};
    base.limit = 10;
    base.nowSeconds = 1000;
    const PgStatement b = PgStore::baseScanSql(post, base);
    QVERIFY2(placeholdersMatch(b), qPrintable(b.sql));
    QVERIFY(!b.sql.contains(u"it's"_s));
    QVERIFY(!b.sql.contains(u"p-7"_s));
    QVERIFY(b.bindings.contains(QVariant(u"p-7"_s)));
    QVERIFY2(b.sql.contains(u"(\"id\") > ("_s), qPrintable(b.sql));
    QVERIFY(b.sql.endsWith(u"LIMIT 11"_s));

    DeltaScan delta;
    delta.filter = filter;
    delta.sinceMs = 5;
    delta.afterSeq = 1;
    delta.maxSeq = 9;
    delta.limit = 10;
    const PgStatement d = PgStore::deltaScanSql(post, delta);
    QVERIFY2(placeholdersMatch(d), qPrintable(d.sql));
    QCOMPARE(d.bindings.value(0).toString(), u"Post"_s);
    QVERIFY2(d.sql.contains(u"CAST((\"item\"->>'rating') AS bigint)"_s), qPrintable(d.sql));
    QVERIFY2(d.sql.contains(u"CAST((\"item\"->>'done') AS boolean)"_s), qPrintable(d.sql));
    QVERIFY(!d.sql.contains(u"it's"_s));

    // Booleans bind as booleans (PostgreSQL has no 0/1 for them).
    QCOMPARE(PgStore::toPgColumn(*post.field(u"done"), QJsonValue(true)).typeId(), QMetaType::Bool);
    QCOMPARE(PgStore::pgType(*post.field(u"title")), u"text COLLATE \"C\""_s);
}

void TestDatabase::notificationPayload()
{
    namespace pgnotify = ds::server::data::pgnotify;
    ds::SourceError error;
    const std::optional<ds::Schema> schema = ds::Schema::fromGraphQL(kSchema, u"schema.graphql"_s, &error);
    QVERIFY(schema);
    const ds::ModelSchema &post = *schema->model(u"Post");
    ds::server::ServerChange change;
    change.model = u"Post"_s;
    change.operation = ds::server::ServerChange::Operation::Update;
    change.mutationField = u"updatePost"_s;
    change.selectedFields = {u"id"_s, u"title"_s};
    change.item = QJsonObject{{u"id"_s, u"p1"_s}, {u"title"_s, u"small"_s}, {u"_version"_s, 3}};
    QByteArray payload = pgnotify::encode(post, change);
    std::optional<pgnotify::Notification> n = pgnotify::decode(*schema, payload);
    QVERIFY(n);
    QCOMPARE(n->origin, pgnotify::instanceId());
    QVERIFY(n->hasItem);
    QCOMPARE(n->change.item, change.item);
    QCOMPARE(n->change.mutationField, u"updatePost"_s);
    QCOMPARE(n->change.selectedFields, change.selectedFields);
    QCOMPARE(n->change.operation, ds::server::ServerChange::Operation::Update);
    QCOMPARE(n->change.origin, pgnotify::instanceId());

    // Over NOTIFY's limit with the item: key and version only.
    change.item.insert(u"title"_s, QString(9000, u'\u00fc'));
    payload = pgnotify::encode(post, change);
    QVERIFY(!payload.isEmpty());
    QVERIFY(payload.size() < 8000);
    n = pgnotify::decode(*schema, payload);
    QVERIFY(n);
    QVERIFY(!n->hasItem);
    QCOMPARE(n->key, QJsonArray{u"p1"_s});
    QCOMPARE(n->version, 3);

    n = pgnotify::decode(*schema, pgnotify::ping());
    QVERIFY(n && n->isPing);
    QVERIFY(!pgnotify::decode(*schema, R"({"o":"x","m":"Nope","op":"c"})"));
    QVERIFY(!pgnotify::decode(*schema, "not json"));
}

QTEST_MAIN(TestDatabase)
#include "tst_database.moc"
