// Scan plans (server/data/scanplan.h) and the SQL that follows them
// (SqliteStore): the decision for a matrix of filters, checked against
// SQLite's own EXPLAIN QUERY PLAN for the first and a later page; keyset
// paging in index order that returns every matching row exactly once, also
// with NULLs in the index's sort keys and descending; beginsWith as an index
// range; the filter limits.
#include "data/filterlimits.h"
#include "data/scanplan.h"
#include "data/sqlitestore.h"
#include "data/synctoken_p.h"
#include "data/values_p.h"

#include "predicate/evaluate.h"
#include "predicate/text.h"

#include <datastore/modelschema.h>

#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::server::data;

namespace {

const char kSchema[] = R"(
enum PostStatus { DRAFT PUBLISHED }
type Post @model { id: ID! title: String! rating: Int status: PostStatus tags: [String] }
type Comment @model { id: ID! postID: ID! @index(name: "byPost") content: String! }
type User @model {
  id: ID!
  firstName: String!
  lastName: String! @index(name: "byLastName", sortKeyFields: ["createdAt"])
  createdAt: AWSDateTime!
}
type Reading @model {
  id: ID!
  sensor: String @index(name: "bySensor", sortKeyFields: ["at", "value"])
  at: AWSTimestamp
  value: Float
}
type Order @model {
  customer: String! @primaryKey(sortKeyFields: ["number"])
  number: Int!
  state: String @index(name: "byState")
}
)";

QJsonObject item(const ModelSchema &model, QJsonObject values, qint64 version = 1)
{
    for (const FieldSchema *f : model.storedFields()) {
        if (!values.contains(f->name))
            values.insert(f->name, QJsonValue::Null);
    }
    values.insert(u"_version"_s, version);
    values.insert(u"_lastChangedAt"_s, 1000);
    values.insert(u"_deleted"_s, QJsonValue::Null);
    return values;
}

QJsonArray sampleKey(const ModelSchema &model, const QStringList &fields)
{
    QJsonArray key;
    for (const QString &f : fields) {
        const FieldSchema *field = model.field(f);
        const bool numeric = field->type.kind == FieldType::Kind::Scalar
            && (field->type.scalar == ScalarType::Int || field->type.scalar == ScalarType::AWSTimestamp
                || field->type.scalar == ScalarType::Float);
        key.append(numeric ? QJsonValue(1) : QJsonValue(u"m"_s));
    }
    return key;
}

} // namespace

class TestScanPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void decision_data();
    void decision();
    void pagingExactlyOnce_data();
    void pagingExactlyOnce();
    void oldTokenOrder();
    void tokenCarriesTheOrder();
    void deltaPages();
    void prefixUpperBound_data();
    void prefixUpperBound();
    void filterLimits();

private:
    Predicate parse(const QString &model, const QString &text);
    void put(const QString &model, const QJsonObject &values);

    std::optional<Schema> m_schema;
    QTemporaryDir m_dir;
    SqliteStore m_store;
};

void TestScanPlan::initTestCase()
{
    SourceError error;
    m_schema = Schema::fromGraphQL(kSchema, u"test.graphql"_s, &error);
    QVERIFY2(m_schema, qPrintable(error.toString()));
    QVERIFY(m_dir.isValid());
    QVERIFY(m_store.open(m_dir.filePath(u"plans.sqlite"_s)).ok());
    QVERIFY(m_store.prepareSchema(*m_schema).ok());
    // Some rows, so that SQLite's choices are made on real tables.
    QVERIFY(m_store.beginWrite().ok());
    const ModelSchema &users = *m_schema->model(u"User");
    for (int i = 0; i < 50; ++i) {
        QVERIFY(m_store.putBase(users, item(users, {{u"id"_s, u"u%1"_s.arg(i)}, {u"firstName"_s, u"F"_s},
                                                    {u"lastName"_s, i % 3 ? u"Doe"_s : u"Roe"_s},
                                                    {u"createdAt"_s, u"2020-%1-01"_s.arg(1 + i % 12, 2, 10, QLatin1Char('0'))}}))
                    .ok());
    }
    QVERIFY(m_store.commit().ok());
}

void TestScanPlan::cleanupTestCase()
{
    m_store.close();
}

Predicate TestScanPlan::parse(const QString &model, const QString &text)
{
    const Result<Predicate> p = predicate::parse(text, *m_schema->model(model), *m_schema);
    if (!p)
        qWarning() << p.error().message();
    return p ? *p : Predicate::none();
}

void TestScanPlan::put(const QString &modelName, const QJsonObject &values)
{
    const ModelSchema &model = *m_schema->model(modelName);
    QVERIFY(m_store.beginWrite().ok());
    QVERIFY(m_store.putBase(model, item(model, values)).ok());
    QVERIFY(m_store.commit().ok());
}

void TestScanPlan::decision_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("index");     // "" for a scan
    QTest::addColumn<QStringList>("fixed");
    QTest::addColumn<QString>("range");

    const QString pk = ScanPlan::kPrimaryKey.toString();
    QTest::newRow("eq + range on the sort key (the AppSync shape)")
        << u"User"_s << u"lastName == \"Doe\" and createdAt > \"2020-10-10\""_s << u"byLastName"_s
        << QStringList{u"lastName"_s} << u"createdAt"_s;
    QTest::newRow("range first, eq second") << u"User"_s << u"createdAt <= \"2020-10-10\" and lastName == \"Doe\""_s
                                            << u"byLastName"_s << QStringList{u"lastName"_s} << u"createdAt"_s;
    QTest::newRow("eq on the partition key") << u"User"_s << u"lastName == \"Doe\""_s << u"byLastName"_s
                                             << QStringList{u"lastName"_s} << QString();
    QTest::newRow("eq + between") << u"User"_s << u"lastName == \"Doe\" and createdAt between \"2020-01\" and \"2020-06\""_s
                                  << u"byLastName"_s << QStringList{u"lastName"_s} << u"createdAt"_s;
    QTest::newRow("eq + beginsWith") << u"User"_s << u"lastName == \"Doe\" and createdAt beginsWith \"2020-0\""_s
                                     << u"byLastName"_s << QStringList{u"lastName"_s} << u"createdAt"_s;
    QTest::newRow("range on the partition key") << u"User"_s << u"lastName > \"M\""_s << u"byLastName"_s
                                                << QStringList() << u"lastName"_s;
    QTest::newRow("beginsWith on the partition key") << u"User"_s << u"lastName beginsWith \"Do\""_s
                                                     << u"byLastName"_s << QStringList() << u"lastName"_s;
    QTest::newRow("eq + unindexed condition") << u"User"_s << u"lastName == \"Doe\" and firstName contains \"x\""_s
                                              << u"byLastName"_s << QStringList{u"lastName"_s} << QString();
    QTest::newRow("eq + nested or") << u"User"_s << u"lastName == \"Doe\" and (firstName == \"a\" or firstName == \"b\")"_s
                                    << u"byLastName"_s << QStringList{u"lastName"_s} << QString();
    QTest::newRow("sort key alone") << u"User"_s << u"createdAt > \"2020-10-10\""_s << QString() << QStringList() << QString();
    QTest::newRow("or at the top level") << u"User"_s << u"lastName == \"Doe\" or lastName == \"Roe\""_s << QString()
                                         << QStringList() << QString();
    QTest::newRow("not at the top level") << u"User"_s << u"not (lastName == \"Doe\")"_s << QString() << QStringList()
                                          << QString();
    QTest::newRow("ne") << u"User"_s << u"lastName != \"Doe\""_s << QString() << QStringList() << QString();
    QTest::newRow("in") << u"User"_s << u"lastName in [\"Doe\", \"Roe\"]"_s << QString() << QStringList() << QString();
    QTest::newRow("no filter") << u"User"_s << u"all"_s << QString() << QStringList() << QString();
    QTest::newRow("primary key eq") << u"User"_s << u"id == \"u7\""_s << pk << QStringList{u"id"_s} << QString();
    QTest::newRow("primary key wins a tie") << u"User"_s << u"lastName == \"Doe\" and id == \"u7\""_s << pk
                                            << QStringList{u"id"_s} << QString();
    QTest::newRow("primary key range") << u"User"_s << u"id >= \"u3\""_s << pk << QStringList() << u"id"_s;
    QTest::newRow("unindexed field") << u"Post"_s << u"rating > 5"_s << QString() << QStringList() << QString();
    QTest::newRow("unindexed fields") << u"Post"_s << u"rating > 5 and title beginsWith \"T\""_s << QString()
                                      << QStringList() << QString();
    QTest::newRow("@index without sort key") << u"Comment"_s << u"postID == \"p1\" and content contains \"x\""_s
                                             << u"byPost"_s << QStringList{u"postID"_s} << QString();
    QTest::newRow("two eq + range") << u"Reading"_s << u"sensor == \"s\" and at == 5 and value > 1.5"_s << u"bySensor"_s
                                    << QStringList{u"sensor"_s, u"at"_s} << u"value"_s;
    QTest::newRow("gap in the index fields") << u"Reading"_s << u"sensor == \"s\" and value > 1.5"_s << u"bySensor"_s
                                             << QStringList{u"sensor"_s} << QString();
    QTest::newRow("composite primary key") << u"Order"_s << u"customer == \"c\" and number between 1 and 5"_s << pk
                                           << QStringList{u"customer"_s} << u"number"_s;
    QTest::newRow("more fixed fields win") << u"Order"_s << u"state == \"open\" and customer == \"c\" and number == 3"_s
                                           << pk << QStringList{u"customer"_s, u"number"_s} << QString();
    QTest::newRow("@index over a composite key") << u"Order"_s << u"state == \"open\""_s << u"byState"_s
                                                 << QStringList{u"state"_s} << QString();
}

void TestScanPlan::decision()
{
    QFETCH(QString, model);
    QFETCH(QString, filter);
    QFETCH(QString, index);
    QFETCH(QStringList, fixed);
    QFETCH(QString, range);
    const ModelSchema &m = *m_schema->model(model);
    const Predicate predicate = parse(model, filter);
    QVERIFY(!predicate.isNone());

    // The decision.
    const ScanPlan plan = m_store.planScan(m, predicate);
    QCOMPARE(plan.usesIndex(), !index.isEmpty());
    QCOMPARE(plan.index, index);
    QCOMPARE(plan.fixedFields, fixed);
    QCOMPARE(plan.rangeField, range);
    QVERIFY(!plan.reason.isEmpty());
    for (const QString &k : m.primaryKey)
        QVERIFY(plan.orderFields.contains(k));
    if (plan.usesIndex())
        QCOMPARE(plan.orderFields.mid(0, plan.indexFields.size()), plan.indexFields);
    else
        QCOMPARE(plan.orderFields, m.primaryKey);

    // SQLite's own plan of the statements a sync runs, first and later pages,
    // ascending and descending (list queries).
    for (const bool descending : {false, true}) {
        BaseScan scan;
        scan.filter = predicate;
        scan.orderFields = plan.orderFields;
        scan.plan = plan;
        scan.descending = descending;
        scan.nowSeconds = 1000;
        for (const bool later : {false, true}) {
            scan.after = later ? sampleKey(m, plan.orderFields) : QJsonArray();
            const Result<ScanExplanation> e = m_store.explainBase(m, scan);
            QVERIFY2(e.ok(), qPrintable(e.error().message()));
            const QString where = (later ? u"later page"_s : u"first page"_s) % (descending ? u" desc"_s : u""_s)
                % u": "_s % e->databasePlan.join(u" | "_s) % u" -- "_s % e->sql;
            QVERIFY2(!e->sorts, qPrintable(where));
            if (plan.usesIndex()) {
                QVERIFY2(e->databaseIndex == plan.index, qPrintable(where));
                QVERIFY2(e->databasePlan.join(u' ').contains(u"SEARCH"), qPrintable(where));
                // The lookup is by the planned fields (a later page by the keyset).
                if (!later && !plan.fixedFields.isEmpty())
                    QVERIFY2(e->databasePlan.join(u' ').contains(plan.fixedFields.constFirst() % u"=?"_s), qPrintable(where));
                if (!later && !plan.rangeField.isEmpty())
                    QVERIFY2(e->databasePlan.join(u' ').contains(plan.rangeField % u'>')
                                 || e->databasePlan.join(u' ').contains(plan.rangeField % u'<'),
                             qPrintable(where));
                if (plan.index != ScanPlan::kPrimaryKey)
                    QVERIFY2(e->sql.contains(u"INDEXED BY"), qPrintable(where));
            } else {
                QVERIFY2(e->databaseIndex.isEmpty() || e->databaseIndex == ScanPlan::kPrimaryKey, qPrintable(where));
                if (!later)
                    QVERIFY2(e->databasePlan.join(u' ').contains(u"SCAN " % model), qPrintable(where));
                else   // keyset pages seek the primary key, never rescan
                    QVERIFY2(e->databasePlan.join(u' ').contains(u"USING PRIMARY KEY"), qPrintable(where));
            }
        }
    }
}

void TestScanPlan::pagingExactlyOnce_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<int>("limit");
    for (const bool descending : {false, true}) {
        const QString d = descending ? u" desc"_s : u""_s;
        for (const QString &f : {u"sensor == \"s1\""_s, u"sensor == \"s1\" and at == 3"_s, u"sensor == \"s1\" and at > 2"_s,
                                 u"sensor >= \"s1\""_s, u"sensor beginsWith \"s\""_s, u"sensor beginsWith \"s1\""_s,
                                 u"value > 0.5"_s, u"sensor == \"s1\" or at == 3"_s, u"all"_s}) {
            for (const int limit : {1, 3, 7}) {
                QTest::addRow("%s%s limit %d", qPrintable(f), qPrintable(d), limit) << f << descending << limit;
            }
        }
    }
}

void TestScanPlan::pagingExactlyOnce()
{
    QFETCH(QString, filter);
    QFETCH(bool, descending);
    QFETCH(int, limit);
    const ModelSchema &readings = *m_schema->model(u"Reading");
    if (const Result<qint64> n = m_store.count(readings); n.ok() && *n == 0) {
        // NULLs in every index field, duplicates in the sort keys, strings
        // that share and extend prefixes.
        QRandomGenerator random(7);
        const QStringList sensors{u"s1"_s, u"s1"_s, u"s10"_s, u"s2"_s, u"s"_s, u"t"_s, u"r"_s, QString()};
        QVERIFY(m_store.beginWrite().ok());
        for (int i = 0; i < 60; ++i) {
            const QString sensor = sensors.at(random.bounded(int(sensors.size())));
            const int at = random.bounded(6);
            const int value = random.bounded(4);
            QJsonObject v{{u"id"_s, u"r%1"_s.arg(i, 2, 10, QLatin1Char('0'))}};
            v.insert(u"sensor"_s, sensor.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(sensor));
            v.insert(u"at"_s, at == 5 ? QJsonValue(QJsonValue::Null) : QJsonValue(at));
            v.insert(u"value"_s, value == 3 ? QJsonValue(QJsonValue::Null) : QJsonValue(value * 0.5));
            QVERIFY(m_store.putBase(readings, item(readings, v)).ok());
        }
        QVERIFY(m_store.commit().ok());
    }
    const Predicate predicate = parse(u"Reading"_s, filter);
    const ScanPlan plan = m_store.planScan(readings, predicate);

    // What should come back: every row the filter matches.
    BaseScan all;
    all.orderFields = readings.primaryKey;
    all.limit = 1000;
    const Result<Page> everything = m_store.scanBase(readings, all);
    QVERIFY(everything.ok());
    QSet<QString> expected;
    for (const QJsonObject &row : everything->items) {
        if (predicate::evaluate(predicate, toRecord(readings, row), readings))
            expected.insert(row.value(u"id"_s).toString());
    }

    BaseScan scan;
    scan.filter = predicate;
    scan.orderFields = plan.orderFields;
    scan.plan = plan;
    scan.descending = descending;
    scan.limit = limit;
    QStringList seen;
    for (int pages = 0; pages < 200; ++pages) {
        const Result<Page> page = m_store.scanBase(readings, scan);
        QVERIFY2(page.ok(), qPrintable(page.error().message()));
        for (const QJsonObject &row : page->items) {
            seen.append(row.value(u"id"_s).toString());
        }
        if (!page->hasMore)
            break;
        scan.after = page->lastKey;
    }
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), seen.size());   // none twice
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()), expected);            // none missing
}

void TestScanPlan::oldTokenOrder()
{
    // A scan without a plan (a token from before plans, or a plan that
    // changed): the keyset in its own order, the engine chooses.
    const ModelSchema &users = *m_schema->model(u"User");
    BaseScan scan;
    scan.filter = parse(u"User"_s, u"lastName == \"Doe\""_s);
    scan.orderFields = users.primaryKey;
    scan.limit = 4;
    QSet<QString> seen;
    int rows = 0;
    for (int i = 0; i < 100; ++i) {
        const Result<Page> page = m_store.scanBase(users, scan);
        QVERIFY(page.ok());
        for (const QJsonObject &row : page->items) {
            seen.insert(row.value(u"id"_s).toString());
            ++rows;
        }
        if (!page->hasMore)
            break;
        scan.after = page->lastKey;
    }
    QCOMPARE(rows, seen.size());
    QCOMPARE(rows, 33);   // i % 3 != 0 of 50
}

void TestScanPlan::tokenCarriesTheOrder()
{
    const SyncTokenCodec codec("0123456789abcdef0123456789abcdef");
    SyncCursor cursor;
    cursor.kind = SyncCursor::Kind::Base;
    cursor.queryField = u"syncUsers"_s;
    cursor.lastKey = QJsonArray{u"Doe"_s, u"2020-11-01"_s, u"u7"_s};
    cursor.orderFields = QStringList{u"lastName"_s, u"createdAt"_s, u"id"_s};
    const std::optional<SyncCursor> back = codec.decode(codec.encode(cursor));
    QVERIFY(back);
    QCOMPARE(back->orderFields, cursor.orderFields);
    QCOMPARE(back->lastKey, cursor.lastKey);
    // Tokens without an order (from before scan plans) decode with none.
    cursor.orderFields.clear();
    cursor.lastKey = QJsonArray{u"u7"_s};
    const std::optional<SyncCursor> legacy = codec.decode(codec.encode(cursor));
    QVERIFY(legacy);
    QVERIFY(legacy->orderFields.isEmpty());
    // Another key's token is refused.
    QVERIFY(!SyncTokenCodec("another key, another key, another").decode(codec.encode(cursor)));
}

void TestScanPlan::deltaPages()
{
    // Changes of two models interleaved, times not monotonic (a clock that
    // stepped back): a delta read from sinceMs returns exactly the changes
    // with _lastChangedAt >= sinceMs and seq <= maxSeq, in commit order, each
    // once, reading by (model, seq) without sorting.
    const ModelSchema &comments = *m_schema->model(u"Comment");
    const ModelSchema &posts = *m_schema->model(u"Post");
    const QList<qint64> times{100, 200, 150, 300, 250, 400, 120, 500, 450, 600, 90, 700};
    QVERIFY(m_store.beginWrite().ok());
    for (int i = 0; i < times.size(); ++i) {
        for (const ModelSchema *m : {&comments, &posts}) {
            QJsonObject values = m == &comments
                ? QJsonObject{{u"id"_s, u"dc%1"_s.arg(i)}, {u"postID"_s, u"p"_s}, {u"content"_s, u"c"_s}}
                : QJsonObject{{u"id"_s, u"dp%1"_s.arg(i)}, {u"title"_s, u"t"_s}};
            QJsonObject row = item(*m, values, 1);
            row.insert(u"_lastChangedAt"_s, times.at(i) + (m == &posts ? 1 : 0));
            QVERIFY(m_store.put(*m, row, WriteMeta{0, 4000000000}).ok());
        }
    }
    QVERIFY(m_store.commit().ok());
    const Result<qint64> end = m_store.lastDeltaSeq();
    QVERIFY(end.ok());
    for (const qint64 since : {0, 150, 401, 650, 800}) {
        for (const int limit : {1, 2, 5}) {
            DeltaScan scan;
            scan.sinceMs = since;
            scan.maxSeq = *end - 2;   // the last change of each model came after the sync started
            scan.limit = limit;
            scan.nowSeconds = 1000;
            QStringList ids;
            qint64 lastSeq = 0;
            for (int pages = 0; pages < 100; ++pages) {
                const Result<Page> page = m_store.scanDelta(comments, scan);
                QVERIFY(page.ok());
                for (const QJsonObject &row : page->items)
                    ids.append(row.value(u"id"_s).toString());
                if (!page->items.isEmpty()) {
                    QVERIFY(page->lastSeq > lastSeq);
                    lastSeq = page->lastSeq;
                }
                if (!page->hasMore)
                    break;
                scan.afterSeq = page->lastSeq;
            }
            QStringList expected;
            for (int i = 0; i < times.size() - 1; ++i) {
                if (times.at(i) >= since)
                    expected.append(u"dc%1"_s.arg(i));
            }
            QCOMPARE(ids, expected);
        }
    }
    DeltaScan scan;
    scan.sinceMs = 300;
    scan.maxSeq = *end;
    const Result<ScanExplanation> e = m_store.explainDelta(comments, scan);
    QVERIFY(e.ok());
    QVERIFY2(e->databasePlan.join(u' ').contains(u"USING INDEX _delta_model_seq"), qPrintable(e->databasePlan.join(u" | "_s)));
    QVERIFY(!e->sorts);
}

void TestScanPlan::prefixUpperBound_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("upper");
    QTest::newRow("ascii") << u"Do"_s << u"Dp"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("last code point") << (u"a"_s + QString::fromUcs4(U"\U0010FFFF")) << u"b"_s;
    QTest::newRow("only the last code point") << QString::fromUcs4(U"\U0010FFFF") << QString();
    QTest::newRow("before the surrogates") << QString(QChar(0xD7FF)) << QString(QChar(0xE000));
    QTest::newRow("astral") << QString::fromUcs4(U"x\U0001F600") << QString::fromUcs4(U"x\U0001F601");
}

void TestScanPlan::prefixUpperBound()
{
    QFETCH(QString, prefix);
    QFETCH(QString, upper);
    QCOMPARE(ds::server::data::prefixUpperBound(prefix), upper);
    if (upper.isEmpty())
        return;
    // Every string with the prefix sorts (by UTF-8 bytes) below the bound.
    for (const QString &tail : {QString(), u"zzz"_s, QString::fromUcs4(U"\U0010FFFF\U0010FFFF"), QString(QChar(0xFFFF))})
        QVERIFY((prefix + tail).toUtf8() < upper.toUtf8());
}

void TestScanPlan::filterLimits()
{
    const FilterLimits limits = FilterLimits::defaults();
    QJsonObject deep{{u"rating"_s, QJsonObject{{u"gt"_s, 1}}}};
    for (int i = 0; i < limits.maxDepth + 1; ++i)
        deep = QJsonObject{{i % 2 ? u"or"_s : u"and"_s, QJsonArray{deep}}};
    QString e = checkFilterLimits(deep, u"filter"_s, limits);
    QVERIFY2(e.contains(u"nesting depth exceeds the maximum of "_s % QString::number(limits.maxDepth)), qPrintable(e));
    QVERIFY2(e.startsWith(u"filter."), qPrintable(e));

    QJsonObject shallow{{u"rating"_s, QJsonObject{{u"gt"_s, 1}}}};
    for (int i = 0; i < limits.maxDepth; ++i)
        shallow = QJsonObject{{u"not"_s, shallow}};
    QCOMPARE(checkFilterLimits(shallow, u"filter"_s, limits), QString());

    QJsonArray many;
    for (int i = 0; i < limits.maxConditions + 1; ++i)
        many.append(QJsonObject{{u"rating"_s, QJsonObject{{u"eq"_s, i}}}});
    e = checkFilterLimits(QJsonObject{{u"or"_s, many}}, u"filter"_s, limits);
    QVERIFY2(e.contains(u"more than "_s % QString::number(limits.maxConditions) % u" conditions"_s), qPrintable(e));

    QJsonArray values;
    for (int i = 0; i < limits.maxListValues + 1; ++i)
        values.append(i);
    e = checkFilterLimits(QJsonObject{{u"rating"_s, QJsonObject{{u"in"_s, values}}}}, u"filter"_s, limits);
    QVERIFY2(e.startsWith(u"filter.rating.in: "_s) && e.contains(u"the maximum is "_s), qPrintable(e));

    // The text face.
    QString text = u"rating in ["_s;
    for (int i = 0; i < limits.maxListValues + 1; ++i)
        text += (i ? u", "_s : u""_s) % QString::number(i);
    text += u']';
    e = checkPredicateLimits(parse(u"Post"_s, text), limits);
    QVERIFY2(e.contains(u"the maximum is "_s), qPrintable(e));
    QString nested = u"rating > 1"_s;
    for (int i = 0; i < limits.maxDepth + 1; ++i)
        nested = u"not ("_s % nested % (i % 2 ? u" or title == \"x\")"_s : u" and title == \"y\")"_s);
    e = checkPredicateLimits(parse(u"Post"_s, nested), limits);
    QVERIFY2(e.contains(u"nesting depth"_s), qPrintable(e));
}

QTEST_GUILESS_MAIN(TestScanPlan)
#include "tst_scanplan.moc"
