// The SQL face: exact WHERE text and bindings for SQLite and PostgreSQL, and
// values only ever as bindings.
#include "predicate/sql.h"
#include "predicate/text.h"

#include "testschema.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace predicatetest;
using ds::Predicate;
using ds::predicate::SqlDialect;

Q_DECLARE_METATYPE(ds::predicate::SqlDialect)

namespace {

Predicate parsed(const QString &text)
{
    const auto p = ds::predicate::parse(text, model(u"Post"), schema());
    if (!p.ok())
        qFatal("%s: %s", qPrintable(text), qPrintable(p.error().message()));
    return *p;
}

} // namespace

class tst_Sql : public QObject
{
    Q_OBJECT

private slots:
    void where_data();
    void where();
    void firstParameter();
    void customColumn();
    void injectionIsOnlyABinding();
};

void tst_Sql::where_data()
{
    QTest::addColumn<QString>("predicate");
    QTest::addColumn<SqlDialect>("dialect");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("bindings");

    const SqlDialect L = SqlDialect::SQLite;
    const SqlDialect P = SqlDialect::PostgreSQL;
    QTest::newRow("all sqlite") << u"all"_s << L << u"1"_s << QVariantList{};
    QTest::newRow("all pg") << u"all"_s << P << u"TRUE"_s << QVariantList{};
    QTest::newRow("none") << u"none"_s << L << u"0"_s << QVariantList{};
    QTest::newRow("gt") << u"rating > 5"_s << L << uR"(("rating" IS NOT NULL AND "rating" > ?))"_s << QVariantList{5LL};
    QTest::newRow("gt pg") << u"rating > 5"_s << P << uR"(("rating" IS NOT NULL AND "rating" > $1))"_s
                           << QVariantList{5LL};
    QTest::newRow("string order pg") << u"title < \"b\""_s << P
                                     << uR"(("title" IS NOT NULL AND "title" COLLATE "C" < $1))"_s
                                     << QVariantList{u"b"_s};
    QTest::newRow("ne") << u"rating != 5"_s << L << uR"(("rating" IS NULL OR "rating" <> ?))"_s << QVariantList{5LL};
    QTest::newRow("boolean sqlite") << u"published == true"_s << L
                                    << uR"(("published" IS NOT NULL AND "published" = ?))"_s << QVariantList{1};
    QTest::newRow("boolean pg") << u"published == true"_s << P
                                << uR"(("published" IS NOT NULL AND "published" = $1))"_s << QVariantList{true};
    QTest::newRow("between") << u"rating between 1 and 5"_s << L
                             << uR"(("rating" IS NOT NULL AND "rating" >= ? AND "rating" <= ?))"_s
                             << QVariantList{1LL, 5LL};
    QTest::newRow("beginsWith sqlite") << u"title beginsWith \"Th\""_s << L
                                       << uR"(("title" IS NOT NULL AND substr("title", 1, length(?)) = ?))"_s
                                       << QVariantList{u"Th"_s, u"Th"_s};
    QTest::newRow("beginsWith pg") << u"title beginsWith \"Th\""_s << P
                                   << uR"(("title" IS NOT NULL AND starts_with("title", CAST($1 AS text))))"_s
                                   << QVariantList{u"Th"_s};
    QTest::newRow("contains sqlite") << u"title contains \"x\""_s << L
                                     << uR"(("title" IS NOT NULL AND instr("title", ?) > 0))"_s << QVariantList{u"x"_s};
    QTest::newRow("notContains pg") << u"title notContains \"x\""_s << P
                                    << uR"(("title" IS NULL OR NOT (strpos("title", CAST($1 AS text)) > 0)))"_s
                                    << QVariantList{u"x"_s};
    QTest::newRow("list contains sqlite")
        << u"tags contains \"qt\""_s << L
        << uR"(("tags" IS NOT NULL AND EXISTS (SELECT 1 FROM json_each("tags") AS je WHERE je.value = ?)))"_s
        << QVariantList{u"qt"_s};
    QTest::newRow("list contains pg")
        << u"tags contains \"qt\""_s << P
        << uR"(("tags" IS NOT NULL AND COALESCE(CAST("tags" AS jsonb) @> jsonb_build_array(CAST($1 AS text)), FALSE)))"_s
        << QVariantList{u"qt"_s};
    QTest::newRow("in") << u"status in [DRAFT, PUBLISHED]"_s << L << uR"(("status" IS NOT NULL AND "status" IN (?, ?)))"_s
                        << QVariantList{u"DRAFT"_s, u"PUBLISHED"_s};
    QTest::newRow("notIn pg") << u"rating notIn [1, 2]"_s << P
                              << uR"(("rating" IS NULL OR "rating" NOT IN ($1, $2)))"_s << QVariantList{1LL, 2LL};
    QTest::newRow("in empty") << u"rating in []"_s << L << u"0"_s << QVariantList{};
    QTest::newRow("exists") << u"content exists"_s << L << uR"(("content" IS NOT NULL))"_s << QVariantList{};
    QTest::newRow("missing") << u"content attributeExists false"_s << L << uR"(("content" IS NULL))"_s
                             << QVariantList{};
    QTest::newRow("not") << u"not rating > 5"_s << L << uR"(NOT (("rating" IS NOT NULL AND "rating" > ?)))"_s
                         << QVariantList{5LL};
    QTest::newRow("design example pg")
        << u"rating > 5 and (title beginsWith \"This\" or status == PUBLISHED)"_s << P
        << uR"((("rating" IS NOT NULL AND "rating" > $1) AND (("title" IS NOT NULL AND starts_with("title", CAST($2 AS text))) OR ("status" IS NOT NULL AND "status" COLLATE "C" = $3))))"_s
        << QVariantList{5LL, u"This"_s, u"PUBLISHED"_s};
}

void tst_Sql::where()
{
    QFETCH(QString, predicate);
    QFETCH(SqlDialect, dialect);
    QFETCH(QString, sql);
    QFETCH(QVariantList, bindings);
    ds::predicate::SqlOptions options;
    options.dialect = dialect;
    const auto fragment = ds::predicate::toSql(parsed(predicate), model(u"Post"), options);
    QCOMPARE(fragment.sql, sql);
    QCOMPARE(fragment.bindings.size(), bindings.size());
    for (qsizetype i = 0; i < bindings.size(); ++i) {
        QCOMPARE(fragment.bindings.at(i).typeId(), bindings.at(i).typeId());
        QCOMPARE(fragment.bindings.at(i), bindings.at(i));
    }
}

void tst_Sql::firstParameter()
{
    ds::predicate::SqlOptions options;
    options.dialect = SqlDialect::PostgreSQL;
    options.firstParameter = 4;
    const auto fragment = ds::predicate::toSql(parsed(u"rating between 1 and 5"_s), model(u"Post"), options);
    QCOMPARE(fragment.sql, uR"(("rating" IS NOT NULL AND "rating" >= $4 AND "rating" <= $5))"_s);
}

void tst_Sql::customColumn()
{
    ds::predicate::SqlOptions options;
    // "-> QString": a lambda returning a QStringBuilder expression would dangle.
    options.column = [](const ds::FieldSchema &f) -> QString { return u"t.\"f_"_s + f.name + u"\""_s; };
    const auto fragment = ds::predicate::toSql(parsed(u"rating > 1"_s), model(u"Post"), options);
    QCOMPARE(fragment.sql, uR"((t."f_rating" IS NOT NULL AND t."f_rating" > ?))"_s);
}

void tst_Sql::injectionIsOnlyABinding()
{
    const QString evil = u"'; DROP TABLE \"Post\"; --"_s;
    const Predicate p = Predicate::compare(u"title"_s, Predicate::Op::Eq, evil)
                        || Predicate::compare(u"title"_s, Predicate::Op::Contains, evil)
                        || Predicate::compare(u"title"_s, Predicate::Op::BeginsWith, evil)
                        || Predicate::compare(u"tags"_s, Predicate::Op::Contains, evil)
                        || Predicate::compare(u"title"_s, Predicate::Op::In, QVariantList{evil});
    for (const SqlDialect dialect : {SqlDialect::SQLite, SqlDialect::PostgreSQL}) {
        ds::predicate::SqlOptions options;
        options.dialect = dialect;
        const auto fragment = ds::predicate::toSql(p, model(u"Post"), options);
        QVERIFY(!fragment.sql.contains(u"DROP"_s));
        QVERIFY(!fragment.sql.contains(u'\''));
        QVERIFY(fragment.bindings.contains(QVariant(evil)));
    }

    // And it stays a value against a real table.
    const QString name = u"tst_predicate_sql_"_s + QString::number(QCoreApplication::applicationPid());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(u":memory:"_s);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"CREATE TABLE \"Post\" (\"id\" TEXT, \"title\" TEXT, \"tags\" TEXT)"_s));
        QVERIFY(q.exec(u"INSERT INTO \"Post\" VALUES ('1', 'x', '[]')"_s));
        const auto fragment = ds::predicate::toSql(p, model(u"Post"));
        QVERIFY(q.prepare(u"SELECT count(*) FROM \"Post\" WHERE "_s + fragment.sql));
        for (const QVariant &b : fragment.bindings)
            q.addBindValue(b);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec(u"SELECT count(*) FROM \"Post\""_s));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
    QSqlDatabase::removeDatabase(name);
}

QTEST_GUILESS_MAIN(tst_Sql)
#include "tst_sql.moc"
