// Storage::query()/count()/explain(): predicates through the SQL face,
// multi-key sorts, paging, deleted rows, and the indexes the plans use.
#include "storagetest_p.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using ds::Predicate;
using ds::Storage;

class tst_StorageQuery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void filter_data();
    void filter();
    void sort_data();
    void sort();
    void paging_data();
    void paging();
    void deletedRows();
    void agreesWithEvaluate_data();
    void agreesWithEvaluate();
    void plansUseIndexes();
    void listFieldsNamedLikeJsonEachColumns();

private:
    QStringList ids(const QList<QVariantMap> &rows) const;
    ds::Schema m_schema;
    std::unique_ptr<Storage> m_store;
    QTemporaryDir m_dir;
};

QStringList tst_StorageQuery::ids(const QList<QVariantMap> &rows) const
{
    QStringList out;
    for (const QVariantMap &r : rows)
        out.append(r.value(u"id"_s).toString() + r.value(u"customerId"_s).toString());
    return out;
}

void tst_StorageQuery::initTestCase()
{
    m_schema = storagetest::kitchenSchema();
    m_store = std::make_unique<Storage>(m_schema);
    DS_VERIFY_OK(m_store->open(m_dir.filePath(u"query.db"_s)));
    const ds::ModelSchema &e = *m_schema.model(u"Everything");
    struct Row { const char *id; const char *name; QVariant count; QVariant ratio; QVariant done; QVariant priority; QVariantList numbers; };
    const QList<Row> rows = {
        {"a", "apple", 3, 1.5, true, u"LOW"_s, {1, 2}},
        {"b", "banana", 1, 2.5, false, u"HIGH"_s, {3}},
        {"c", "cherry", 3, 0.5, QVariant(), u"HIGH"_s, {}},
        {"d", "date", QVariant(), 9.0, true, QVariant(), {2}},
        {"e", "elder", 2, QVariant(), false, u"LOW"_s, {}},
        {"f", "fig", 1, 1.5, true, u"IN_PROGRESS"_s, {5, 6}},
    };
    DS_VERIFY_OK(m_store->transaction([&]() -> ds::Result<void> {
        for (const Row &r : rows) {
            QVariantMap m{{u"id"_s, QString::fromLatin1(r.id)}, {u"name"_s, QString::fromLatin1(r.name)},
                          {u"count"_s, r.count}, {u"ratio"_s, r.ratio}, {u"done"_s, r.done},
                          {u"priority"_s, r.priority}, {u"numbers"_s, r.numbers}};
            DS_TRY(m_store->save(e, m));
        }
        const ds::ModelSchema &o = *m_schema.model(u"Order");
        for (int i = 0; i < 6; ++i) {
            DS_TRY(m_store->save(o, {{u"customerId"_s, i % 2 ? u"c1"_s : u"c2"_s},
                                     {u"orderedAt"_s, QString(u"2024-01-0"_s + QString::number(i + 1) + u"T00:00:00.000Z"_s)},
                                     {u"total"_s, 10.0 * (i % 3)},
                                     {u"status"_s, i < 3 ? u"LOW"_s : u"HIGH"_s}}));
        }
        return {};
    }));
}

void tst_StorageQuery::filter_data()
{
    QTest::addColumn<QString>("predicate");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("all") << u"all"_s << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s, u"f"_s};
    QTest::newRow("eq int") << u"count == 3"_s << QStringList{u"a"_s, u"c"_s};
    QTest::newRow("gt float") << u"ratio > 1.5"_s << QStringList{u"b"_s, u"d"_s};
    QTest::newRow("bool true") << u"done == true"_s << QStringList{u"a"_s, u"d"_s, u"f"_s};
    QTest::newRow("bool false") << u"done == false"_s << QStringList{u"b"_s, u"e"_s};
    QTest::newRow("enum") << u"priority == HIGH"_s << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("beginsWith") << u"name beginsWith \"b\""_s << QStringList{u"b"_s};
    QTest::newRow("contains") << u"name contains \"e\""_s << QStringList{u"a"_s, u"c"_s, u"d"_s, u"e"_s};
    QTest::newRow("between") << u"count between 2 and 3"_s << QStringList{u"a"_s, u"c"_s, u"e"_s};
    QTest::newRow("in") << u"priority in [LOW, IN_PROGRESS]"_s << QStringList{u"a"_s, u"e"_s, u"f"_s};
    QTest::newRow("or + not") << u"count == 1 or not (ratio >= 1)"_s
                              << QStringList{u"b"_s, u"c"_s, u"e"_s, u"f"_s};   // e: ratio unset
    QTest::newRow("missing attribute") << u"count attributeExists false"_s << QStringList{u"d"_s};
    QTest::newRow("list contains") << u"numbers contains 2"_s << QStringList{u"a"_s, u"d"_s};
}

void tst_StorageQuery::filter()
{
    QFETCH(QString, predicate);
    QFETCH(QStringList, expected);
    const ds::ModelSchema &e = *m_schema.model(u"Everything");
    ds::QueryOptions options;
    options.predicate = storagetest::parse(m_schema, u"Everything"_s, predicate);
    auto rows = m_store->query(e, options);
    DS_VERIFY_OK(rows);
    QCOMPARE(ids(*rows), expected);
    QCOMPARE(*m_store->count(e, options.predicate), qint64(expected.size()));
}

void tst_StorageQuery::sort_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QList<ds::SortKey>>("sort");
    QTest::addColumn<QStringList>("expected");
    using K = ds::SortKey;
    QTest::newRow("default: key") << u"Everything"_s << QList<K>{}
        << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s, u"f"_s};
    QTest::newRow("count asc, then key") << u"Everything"_s << QList<K>{{u"count"_s, false}}
        << QStringList{u"d"_s, u"b"_s, u"f"_s, u"e"_s, u"a"_s, u"c"_s};
    QTest::newRow("count desc, then key") << u"Everything"_s << QList<K>{{u"count"_s, true}}
        << QStringList{u"a"_s, u"c"_s, u"e"_s, u"b"_s, u"f"_s, u"d"_s};
    QTest::newRow("count desc, ratio asc") << u"Everything"_s
        << QList<K>{{u"count"_s, true}, {u"ratio"_s, false}}
        << QStringList{u"c"_s, u"a"_s, u"e"_s, u"f"_s, u"b"_s, u"d"_s};
    QTest::newRow("name desc") << u"Everything"_s << QList<K>{{u"name"_s, true}}
        << QStringList{u"f"_s, u"e"_s, u"d"_s, u"c"_s, u"b"_s, u"a"_s};
    QTest::newRow("id desc") << u"Everything"_s << QList<K>{{u"id"_s, true}}
        << QStringList{u"f"_s, u"e"_s, u"d"_s, u"c"_s, u"b"_s, u"a"_s};
    QTest::newRow("composite key default") << u"Order"_s << QList<K>{}
        << QStringList{u"c1"_s, u"c1"_s, u"c1"_s, u"c2"_s, u"c2"_s, u"c2"_s};
    QTest::newRow("total desc, orderedAt desc") << u"Order"_s
        << QList<K>{{u"total"_s, true}, {u"orderedAt"_s, true}}
        << QStringList{u"c1"_s, u"c2"_s, u"c2"_s, u"c1"_s, u"c1"_s, u"c2"_s};
}

void tst_StorageQuery::sort()
{
    QFETCH(QString, model);
    QFETCH(QList<ds::SortKey>, sort);
    QFETCH(QStringList, expected);
    ds::QueryOptions options;
    options.sort = sort;
    auto rows = m_store->query(*m_schema.model(model), options);
    DS_VERIFY_OK(rows);
    QCOMPARE(ids(*rows), expected);
    if (model == u"Order" && sort.size() == 2) {
        // total 20 (c1 on the 6th, c2 on the 3rd): newest first.
        QCOMPARE(rows->at(0).value(u"orderedAt"_s).toString(), u"2024-01-06T00:00:00.000Z"_s);
        QCOMPARE(rows->at(1).value(u"orderedAt"_s).toString(), u"2024-01-03T00:00:00.000Z"_s);
    }
}

void tst_StorageQuery::paging_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("offset");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("first page") << 2 << 0 << QStringList{u"a"_s, u"b"_s};
    QTest::newRow("second page") << 2 << 2 << QStringList{u"c"_s, u"d"_s};
    QTest::newRow("last partial page") << 4 << 4 << QStringList{u"e"_s, u"f"_s};
    QTest::newRow("past the end") << 2 << 10 << QStringList{};
    QTest::newRow("offset only") << -1 << 5 << QStringList{u"f"_s};
    QTest::newRow("limit zero") << 0 << 0 << QStringList{};
}

void tst_StorageQuery::paging()
{
    QFETCH(int, limit);
    QFETCH(int, offset);
    QFETCH(QStringList, expected);
    ds::QueryOptions options;
    options.limit = limit;
    options.offset = offset;
    auto rows = m_store->query(*m_schema.model(u"Everything"), options);
    DS_VERIFY_OK(rows);
    QCOMPARE(ids(*rows), expected);
}

void tst_StorageQuery::deletedRows()
{
    // A tombstone written by the sync engine (_deleted = 1) is hidden unless asked for.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"tomb.db"_s);
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(path));
    const ds::ModelSchema &e = *m_schema.model(u"Everything");
    DS_VERIFY_OK(s.save(e, {{u"id"_s, u"x"_s}, {u"name"_s, u"X"_s}}));
    DS_VERIFY_OK(s.save(e, {{u"id"_s, u"y"_s}, {u"name"_s, u"Y"_s}}));
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw-tomb"_s);
        raw.setDatabaseName(path);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        QVERIFY(q.exec(u"UPDATE \"Everything\" SET _deleted = 1, _version = 4 WHERE id = 'x'"_s));
    }
    QSqlDatabase::removeDatabase(u"raw-tomb"_s);
    ds::QueryOptions options;
    QCOMPARE(ids(*s.query(e, options)), QStringList{u"y"_s});
    QCOMPARE(*s.count(e, Predicate::all()), 1);
    options.includeDeleted = true;
    auto all = s.query(e, options);
    QCOMPARE(ids(*all), (QStringList{u"x"_s, u"y"_s}));
    QCOMPARE(all->first().value(u"_deleted"_s), QVariant(true));
    QCOMPARE(all->first().value(u"_version"_s), QVariant(4));
    auto got = s.get(e, {{u"id"_s, u"x"_s}});
    QVERIFY((*got)->deleted);
    QCOMPARE((*got)->version, std::optional<int>(4));
}

void tst_StorageQuery::agreesWithEvaluate_data()
{
    QTest::addColumn<QString>("predicate");
    for (const char *p : {"count > 1", "ratio <= 1.5", "done != true", "priority != LOW",
                          "name contains \"an\"", "not (count == 3 and done == true)",
                          "count in [1, 2]", "ratio attributeExists true", "numbers contains 5"})
        QTest::newRow(p) << QString::fromLatin1(p);
}

void tst_StorageQuery::agreesWithEvaluate()
{
    // What the local store returns is what the in-memory face says, row by row.
    QFETCH(QString, predicate);
    const ds::ModelSchema &e = *m_schema.model(u"Everything");
    const Predicate p = storagetest::parse(m_schema, u"Everything"_s, predicate);
    QStringList expected;
    const QList<QVariantMap> all = *m_store->query(e, {});
    for (const QVariantMap &row : all) {
        if (ds::predicate::evaluate(p, row, e))
            expected.append(row.value(u"id"_s).toString());
    }
    ds::QueryOptions options;
    options.predicate = p;
    QCOMPARE(ids(*m_store->query(e, options)), expected);
}

void tst_StorageQuery::plansUseIndexes()
{
    const ds::ModelSchema &o = *m_schema.model(u"Order");
    auto byStatus = m_store->explain(o, storagetest::parse(m_schema, u"Order"_s, u"status == HIGH"_s));
    DS_VERIFY_OK(byStatus);
    QVERIFY2(byStatus->usesIndex, qPrintable(byStatus->plan.join(u"; "_s)));
    QVERIFY(byStatus->plan.join(u' ').contains(u"idx_Order_byStatus"_s));
    auto byKey = m_store->explain(o, storagetest::parse(m_schema, u"Order"_s, u"customerId == \"c1\""_s));
    QVERIFY2(byKey->usesIndex, qPrintable(byKey->plan.join(u"; "_s)));
    auto scan = m_store->explain(o, storagetest::parse(m_schema, u"Order"_s, u"total > 5"_s));
    QVERIFY(!scan->usesIndex);
    QCOMPARE(scan->bindings.size(), 1);
}

void tst_StorageQuery::listFieldsNamedLikeJsonEachColumns()
{
    // json_each() has columns key, value, type, atom, id, parent, fullpath,
    // path, json and root: a list field of the same name must still mean the
    // model's column inside the membership subquery of `contains`.
    const auto schema = storagetest::schemaFrom(QByteArrayLiteral(
        "type Thing @model { id: ID! value: [String] path: [String] key: [Int] type: [String] root: [String] }"));
    QVERIFY(schema);
    Storage s(*schema);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &thing = *schema->model(u"Thing");
    DS_VERIFY_OK(s.save(thing, {{u"id"_s, u"t1"_s}, {u"value"_s, QVariantList{u"x"_s, u"y"_s}},
                                {u"path"_s, QVariantList{u"p"_s}}, {u"key"_s, QVariantList{7}},
                                {u"type"_s, QVariantList{u"a"_s}}, {u"root"_s, QVariantList{u"r"_s}}}));
    DS_VERIFY_OK(s.save(thing, {{u"id"_s, u"t2"_s}, {u"value"_s, QVariantList{u"z"_s}}}));
    const QList<std::pair<QString, QStringList>> cases{
        {u"value contains \"x\""_s, {u"t1"_s}},
        {u"value contains \"z\""_s, {u"t2"_s}},
        {u"value notContains \"x\""_s, {u"t2"_s}},
        {u"path contains \"p\""_s, {u"t1"_s}},
        {u"key contains 7"_s, {u"t1"_s}},
        {u"type contains \"a\""_s, {u"t1"_s}},
        {u"root contains \"r\""_s, {u"t1"_s}},
        {u"root notContains \"r\""_s, {u"t2"_s}},
    };
    for (const auto &[text, expected] : cases) {
        ds::QueryOptions options;
        options.predicate = storagetest::parse(*schema, u"Thing"_s, text);
        const auto rows = s.query(thing, options);
        DS_VERIFY_OK(rows);
        QStringList got;
        for (const QVariantMap &r : *rows)
            got.append(r.value(u"id"_s).toString());
        QVERIFY2(got == expected, qPrintable(text + u": got "_s + got.join(u", "_s)));
        QCOMPARE(*s.count(thing, options.predicate), qint64(expected.size()));
    }
}

QTEST_GUILESS_MAIN(tst_StorageQuery)
#include "tst_query.moc"
