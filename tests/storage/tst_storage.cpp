// ds::Storage: create/update/delete round trips, exact decoding of every
// field type, conditional writes, transactions with savepoints, clear(),
// sync metadata and the outbox accessors.
#include "storagetest_p.h"

#include <QTemporaryDir>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using ds::Change;
using ds::MutationType;
using ds::OutboxEntry;
using ds::Predicate;
using ds::Storage;

class tst_Storage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void createUpdateDelete();
    void roundTripEveryType_data();
    void roundTripEveryType();
    void normalizesToWireForm();
    void defaultsOnCreate();
    void unchangedSaveQueuesNothing();
    void customPrimaryKey();
    void conditionalSave_data();
    void conditionalSave();
    void conditionalDelete_data();
    void conditionalDelete();
    void removeMissing();
    void removeWhere();
    void transactionCommitsAndRollsBack();
    void savepointIsolation();
    void nestedFailureRollsBackOnlyItself();
    void clearEmptiesEverything();
    void syncMetadata();
    void outboxAccessors();
    void keyOf();
    void fileBackedReopen();
    void notOpen();

private:
    ds::Schema m_app;
    ds::Schema m_kitchen;
    std::unique_ptr<Storage> m_app_store;
    std::unique_ptr<Storage> m_kitchen_store;
    const ds::ModelSchema *post() const { return m_app.model(u"Post"); }
    const ds::ModelSchema *everything() const { return m_kitchen.model(u"Everything"); }
    const ds::ModelSchema *order() const { return m_kitchen.model(u"Order"); }
};

void tst_Storage::initTestCase()
{
    m_app = storagetest::appSchema();
    m_kitchen = storagetest::kitchenSchema();
    QVERIFY(m_app.model(u"Post"));
    QVERIFY(m_kitchen.model(u"Everything"));
}

void tst_Storage::init()
{
    m_app_store = std::make_unique<Storage>(m_app);
    DS_VERIFY_OK(m_app_store->open(u":memory:"_s));
    m_kitchen_store = std::make_unique<Storage>(m_kitchen);
    DS_VERIFY_OK(m_kitchen_store->open(u":memory:"_s));
}

void tst_Storage::cleanup()
{
    m_app_store.reset();
    m_kitchen_store.reset();
}

void tst_Storage::createUpdateDelete()
{
    Storage &s = *m_app_store;
    const QVariantMap rec{{u"id"_s, u"p1"_s}, {u"title"_s, u"Hello"_s}, {u"content"_s, QVariant()},
                           {u"rating"_s, 4}, {u"status"_s, u"DRAFT"_s},
                           {u"tags"_s, QVariantList{u"a"_s, u"b"_s}}};
    auto created = s.save(*post(), rec);
    DS_VERIFY_OK(created);
    QCOMPARE(created->type, Change::Type::Created);
    QCOMPARE(created->model, u"Post"_s);
    QCOMPARE(created->element, rec);

    auto got = s.get(*post(), {{u"id"_s, u"p1"_s}});
    DS_VERIFY_OK(got);
    QVERIFY(got->has_value());
    QCOMPARE((*got)->fields, rec);
    QVERIFY(!(*got)->version);
    QVERIFY(!(*got)->deleted);

    // Update: only the changed field is queued, with the key.
    QVariantMap edited = rec;
    edited[u"rating"_s] = 5;
    auto updated = s.save(*post(), edited);
    DS_VERIFY_OK(updated);
    QCOMPARE(updated->type, Change::Type::Updated);
    QCOMPARE(updated->element, edited);
    QCOMPARE((*s.get(*post(), {{u"id"_s, u"p1"_s}}))->fields, edited);

    // The create is still queued, so the update folded into it.
    auto outbox = s.outbox();
    DS_VERIFY_OK(outbox);
    QCOMPARE(outbox->size(), 1);
    QCOMPARE(outbox->first().type, MutationType::Create);
    QCOMPARE(outbox->first().data, edited);
    QCOMPARE(outbox->first().recordId, u"p1"_s);
    QCOMPARE(outbox->first().model, u"Post"_s);

    auto removed = s.remove(*post(), {{u"id"_s, u"p1"_s}});
    DS_VERIFY_OK(removed);
    QCOMPARE(removed->type, Change::Type::Deleted);
    QCOMPARE(removed->element, edited);
    QVERIFY(!s.get(*post(), {{u"id"_s, u"p1"_s}})->has_value());
    // Create + delete: the server never hears of it.
    QCOMPARE(*s.pendingMutationCount(), 0);
}

void tst_Storage::roundTripEveryType_data()
{
    QTest::addColumn<QVariantMap>("record");
    const QVariantMap base{{u"id"_s, u"e1"_s}, {u"name"_s, u"thing"_s}, {u"level"_s, 3}};
    auto with = [&base](const QVariantMap &fields) {
        QVariantMap m = base;
        m.insert(fields);
        return m;
    };
    QTest::newRow("minimal") << base;
    QTest::newRow("scalars") << with(QVariantMap{{u"count"_s, -42}, {u"ratio"_s, 2.5}, {u"done"_s, true},
                                      {u"day"_s, u"2024-05-06"_s}, {u"time"_s, u"10:20:30.456Z"_s},
                                      {u"when"_s, u"2024-05-06T10:00:00.000Z"_s},
                                      {u"stamp"_s, qint64(1714989600)},
                                      {u"email"_s, u"ann@example.com"_s},
                                      {u"url"_s, u"https://example.com/a?b=c"_s},
                                      {u"phone"_s, u"+1 555-0100"_s}, {u"ip"_s, u"2001:db8::1"_s},
                                      {u"priority"_s, u"IN_PROGRESS"_s}});
    QTest::newRow("false and zero") << with(QVariantMap{{u"done"_s, false}, {u"count"_s, 0}, {u"ratio"_s, 0.0}});
    QTest::newRow("json object") << with(QVariantMap{{u"json"_s, uR"({"a":[1,2,{"b":null}]})"_s}});
    QTest::newRow("json scalar") << with(QVariantMap{{u"json"_s, u"\"text\""_s}});
    QTest::newRow("lists") << with(QVariantMap{{u"priorities"_s, QVariantList{u"LOW"_s, QVariant(), u"HIGH"_s}},
                                    {u"numbers"_s, QVariantList{1, 2, 3}}});
    QTest::newRow("empty list") << with(QVariantMap{{u"numbers"_s, QVariantList{}}});
    QTest::newRow("non-model") << with(QVariantMap{{u"address"_s,
        QVariantMap{{u"street"_s, u"Main St 1"_s}, {u"city"_s, QVariant()},
                    {u"geo"_s, QVariantMap{{u"lat"_s, 1.5}, {u"lng"_s, -2.25}}},
                    {u"tags"_s, QVariantList{u"x"_s}}}}});
    QTest::newRow("list of non-model") << with(QVariantMap{{u"addresses"_s,
        QVariantList{QVariantMap{{u"street"_s, u"A"_s}}, QVariant(),
                     QVariantMap{{u"street"_s, u"B"_s}, {u"geo"_s, QVariantMap{{u"lat"_s, 0.0}, {u"lng"_s, 10.0}}}}}}});
    QTest::newRow("unicode") << with(QVariantMap{{u"name"_s, u"Grüße 👋 \"quoted\""_s}});
}

void tst_Storage::roundTripEveryType()
{
    QFETCH(QVariantMap, record);
    Storage &s = *m_kitchen_store;
    auto created = s.save(*everything(), record);
    DS_VERIFY_OK(created);
    auto got = s.get(*everything(), {{u"id"_s, u"e1"_s}});
    DS_VERIFY_OK(got);
    QVERIFY(got->has_value());
    // Every stored field comes back; the ones not given come back null.
    QVariantMap expected;
    for (const ds::FieldSchema *f : everything()->storedFields()) {
        if (f->isReadOnly && !record.contains(f->name))
            continue;
        expected.insert(f->name, record.value(f->name));
    }
    QCOMPARE((*got)->fields, expected);
    // Types survive, not just values.
    for (auto it = record.cbegin(); it != record.cend(); ++it) {
        const QVariant back = (*got)->fields.value(it.key());
        if (it->isNull())
            QVERIFY2(back.isNull(), qPrintable(it.key()));
        else if (it->typeId() != QMetaType::QVariantList && it->typeId() != QMetaType::QVariantMap)
            QCOMPARE(back.metaType(), it->metaType());
    }
    // And the query path decodes the same way.
    auto rows = s.query(*everything(), {});
    DS_VERIFY_OK(rows);
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->first(), expected);
    // The outbox holds the whole record as it was saved.
    QCOMPARE(s.outbox()->first().data, record);
}

void tst_Storage::normalizesToWireForm()
{
    Storage &s = *m_kitchen_store;
    const QVariantMap in{{u"id"_s, u"n1"_s}, {u"name"_s, u"x"_s},
                         {u"count"_s, 7.0},                                      // double -> int
                         {u"ratio"_s, 3},                                        // int -> double
                         {u"stamp"_s, 1.7e9},                                    // double -> qint64
                         {u"day"_s, QDate(2024, 2, 29)},                         // QDate -> text
                         {u"time"_s, QTime(8, 5, 3, 7)},                         // QTime -> text
                         {u"when"_s, QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC)},
                         {u"json"_s, QVariantMap{{u"k"_s, 1}}},                  // map -> JSON text
                         {u"numbers"_s, QVariantList{1.0, 2}},
                         {u"priorities"_s, QStringList{u"LOW"_s}},
                         {u"_version"_s, 9}, {u"__typename"_s, u"Everything"_s}};   // metadata ignored
    auto created = s.save(*everything(), in);
    DS_VERIFY_OK(created);
    const QVariantMap f = (*s.get(*everything(), {{u"id"_s, u"n1"_s}}))->fields;
    QCOMPARE(f.value(u"count"_s).typeId(), QMetaType::Int);
    QCOMPARE(f.value(u"count"_s).toInt(), 7);
    QCOMPARE(f.value(u"ratio"_s).typeId(), QMetaType::Double);
    QCOMPARE(f.value(u"stamp"_s).typeId(), QMetaType::LongLong);
    QCOMPARE(f.value(u"stamp"_s).toLongLong(), qint64(1700000000));
    QCOMPARE(f.value(u"day"_s), QVariant(u"2024-02-29"_s));
    QCOMPARE(f.value(u"time"_s), QVariant(u"08:05:03.007"_s));
    QCOMPARE(f.value(u"when"_s), QVariant(u"2024-01-02T03:04:05.000Z"_s));
    QCOMPARE(f.value(u"json"_s), QVariant(uR"({"k":1})"_s));
    QCOMPARE(f.value(u"numbers"_s), QVariant(QVariantList{1, 2}));
    QCOMPARE(f.value(u"numbers"_s).toList().first().typeId(), QMetaType::Int);
    QCOMPARE(f.value(u"priorities"_s), QVariant(QVariantList{u"LOW"_s}));
    QVERIFY(!f.contains(u"_version"_s));
    QVERIFY(!(*s.get(*everything(), {{u"id"_s, u"n1"_s}}))->version);
    QCOMPARE(created->element.value(u"count"_s).typeId(), QMetaType::Int);
}

void tst_Storage::defaultsOnCreate()
{
    Storage &s = *m_kitchen_store;
    DS_VERIFY_OK(s.save(*everything(), {{u"id"_s, u"d1"_s}, {u"name"_s, u"x"_s}}));
    QCOMPARE((*s.get(*everything(), {{u"id"_s, u"d1"_s}}))->fields.value(u"level"_s), QVariant(3));
    QCOMPARE(s.outbox()->first().data.value(u"level"_s).toInt(), 3);
    // An explicit value wins; an update never re-applies the default.
    DS_VERIFY_OK(s.save(*everything(), {{u"id"_s, u"d2"_s}, {u"name"_s, u"x"_s}, {u"level"_s, 9}}));
    QCOMPARE((*s.get(*everything(), {{u"id"_s, u"d2"_s}}))->fields.value(u"level"_s), QVariant(9));
    DS_VERIFY_OK(s.save(*everything(), {{u"id"_s, u"d2"_s}, {u"name"_s, u"x"_s}, {u"level"_s, QVariant()}}));
    QVERIFY((*s.get(*everything(), {{u"id"_s, u"d2"_s}}))->fields.value(u"level"_s).isNull());
}

void tst_Storage::unchangedSaveQueuesNothing()
{
    Storage &s = *m_app_store;
    const QVariantMap p{{u"id"_s, u"u1"_s}, {u"title"_s, u"T"_s}};
    DS_VERIFY_OK(s.save(*post(), p));
    // Pretend the create was sent and acknowledged.
    DS_VERIFY_OK(s.removeOutboxEntry(s.outbox()->first().id));
    auto again = s.save(*post(), p);
    DS_VERIFY_OK(again);
    QCOMPARE(again->type, Change::Type::Updated);
    QCOMPARE(*s.pendingMutationCount(), 0);
    // A field left out stays as it is (createdAt/updatedAt the same way).
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"u1"_s}, {u"title"_s, u"T"_s}, {u"rating"_s, 2}}));
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"u1"_s}, {u"title"_s, u"T2"_s}}));
    QCOMPARE((*s.get(*post(), {{u"id"_s, u"u1"_s}}))->fields.value(u"rating"_s), QVariant(2));
}

void tst_Storage::customPrimaryKey()
{
    Storage &s = *m_kitchen_store;
    const QVariantMap a{{u"customerId"_s, u"c1"_s}, {u"orderedAt"_s, u"2024-01-01T00:00:00.000Z"_s},
                        {u"total"_s, 10.5}, {u"status"_s, u"LOW"_s}};
    QVariantMap b = a;
    b[u"orderedAt"_s] = u"2024-01-02T00:00:00.000Z"_s;
    DS_VERIFY_OK(s.save(*order(), a));
    DS_VERIFY_OK(s.save(*order(), b));
    QCOMPARE(*s.count(*order(), Predicate::all()), 2);
    QCOMPARE(Storage::keyOf(*order(), a), u"c1#2024-01-01T00:00:00.000Z"_s);
    auto outbox = s.outbox();
    QCOMPARE(outbox->size(), 2);
    QCOMPARE(outbox->at(1).recordId, u"c1#2024-01-02T00:00:00.000Z"_s);

    auto got = s.get(*order(), {{u"customerId"_s, u"c1"_s}, {u"orderedAt"_s, u"2024-01-02T00:00:00.000Z"_s}});
    DS_VERIFY_OK(got);
    QCOMPARE((*got)->fields.value(u"orderedAt"_s), b.value(u"orderedAt"_s));
    auto missingSortKey = s.get(*order(), {{u"customerId"_s, u"c1"_s}});
    QVERIFY(!missingSortKey);
    QCOMPARE(missingSortKey.error().code(), u"MissingField"_s);

    // The update patch carries both key fields.
    DS_VERIFY_OK(s.removeOutboxEntry(outbox->at(0).id));
    QVariantMap a2 = a;
    a2[u"total"_s] = 11.0;
    DS_VERIFY_OK(s.save(*order(), a2));
    const OutboxEntry last = s.outbox()->last();
    QCOMPARE(last.type, MutationType::Update);
    QCOMPARE(last.data, (QVariantMap{{u"customerId"_s, u"c1"_s},
                                     {u"orderedAt"_s, u"2024-01-01T00:00:00.000Z"_s},
                                     {u"total"_s, 11.0}}));
    DS_VERIFY_OK(s.remove(*order(), b));
}

void tst_Storage::conditionalSave_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("exists");
    QTest::addColumn<bool>("passes");
    QTest::newRow("matching") << u"rating > 3"_s << true << true;
    QTest::newRow("not matching") << u"rating > 4"_s << true << false;
    QTest::newRow("compound matching") << u"rating == 4 and title beginsWith \"He\""_s << true << true;
    QTest::newRow("compound failing") << u"rating == 4 and not (title beginsWith \"He\")"_s << true << false;
    QTest::newRow("unset field") << u"content attributeExists false"_s << true << true;
    QTest::newRow("set field") << u"title attributeExists false"_s << true << false;
    QTest::newRow("missing record") << u"rating > 0"_s << false << false;
    QTest::newRow("all on missing record") << u"all"_s << false << true;
}

void tst_Storage::conditionalSave()
{
    QFETCH(QString, condition);
    QFETCH(bool, exists);
    QFETCH(bool, passes);
    Storage &s = *m_app_store;
    const QVariantMap p{{u"id"_s, u"c1"_s}, {u"title"_s, u"Hello"_s}, {u"rating"_s, 4}};
    if (exists) {
        DS_VERIFY_OK(s.save(*post(), p));
        DS_VERIFY_OK(s.removeOutboxEntry(s.outbox()->first().id));
    }
    const Predicate predicate = storagetest::parse(m_app, u"Post"_s, condition);
    QVariantMap edited = p;
    edited[u"rating"_s] = 1;
    auto result = s.save(*post(), edited, predicate);
    QCOMPARE(bool(result), passes);
    auto row = s.get(*post(), {{u"id"_s, u"c1"_s}});
    if (passes) {
        QCOMPARE((*row)->fields.value(u"rating"_s), QVariant(1));
        QCOMPARE(*s.pendingMutationCount(), 1);
        const OutboxEntry e = s.outbox()->first();
        if (exists && !predicate.isAll()) {
            QVERIFY(!e.condition.isEmpty());
            QCOMPARE(e.condition, ds::predicate::toJson(predicate, *post(), ds::predicate::JsonKind::Condition));
        } else {
            QVERIFY(e.condition.isEmpty());
        }
    } else {
        QCOMPARE(result.error().domain(), ds::Error::Domain::Validation);
        QCOMPARE(result.error().code(), u"ConditionalCheckFailed"_s);
        QVERIFY2(result.error().message().startsWith(u"Post 'c1': conditional save failed"_s),
                 qPrintable(result.error().message()));
        // Nothing changed.
        QCOMPARE(*s.pendingMutationCount(), 0);
        if (exists)
            QCOMPARE((*row)->fields.value(u"rating"_s), QVariant(4));
        else
            QVERIFY(!row->has_value());
    }
}

void tst_Storage::conditionalDelete_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("passes");
    QTest::newRow("matching") << u"rating >= 4"_s << true;
    QTest::newRow("not matching") << u"rating < 4"_s << false;
    QTest::newRow("in") << u"status in [DRAFT, PUBLISHED]"_s << true;
}

void tst_Storage::conditionalDelete()
{
    QFETCH(QString, condition);
    QFETCH(bool, passes);
    Storage &s = *m_app_store;
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"d1"_s}, {u"title"_s, u"T"_s}, {u"rating"_s, 4},
                                  {u"status"_s, u"DRAFT"_s}}));
    DS_VERIFY_OK(s.removeOutboxEntry(s.outbox()->first().id));
    auto result = s.remove(*post(), {{u"id"_s, u"d1"_s}},
                           storagetest::parse(m_app, u"Post"_s, condition));
    QCOMPARE(bool(result), passes);
    QCOMPARE(s.get(*post(), {{u"id"_s, u"d1"_s}})->has_value(), !passes);
    QCOMPARE(*s.pendingMutationCount(), passes ? 1 : 0);
    if (passes) {
        const OutboxEntry e = s.outbox()->first();
        QCOMPARE(e.type, MutationType::Delete);
        QCOMPARE(e.data, (QVariantMap{{u"id"_s, u"d1"_s}}));
        QVERIFY(!e.condition.isEmpty());
    } else {
        QCOMPARE(result.error().code(), u"ConditionalCheckFailed"_s);
        QCOMPARE(result.error().message(),
                 u"Post 'd1': conditional delete failed: the local record does not match the condition"_s);
    }
}

void tst_Storage::removeMissing()
{
    Storage &s = *m_app_store;
    auto plain = s.remove(*post(), {{u"id"_s, u"nope"_s}});
    QVERIFY(!plain);
    QCOMPARE(plain.error().code(), u"NotFound"_s);
    QCOMPARE(plain.error().message(), u"Post 'nope': no such record to delete"_s);
    auto conditional = s.remove(*post(), {{u"id"_s, u"nope"_s}},
                                storagetest::parse(m_app, u"Post"_s, u"rating > 1"_s));
    QCOMPARE(conditional.error().code(), u"ConditionalCheckFailed"_s);
    QCOMPARE(*s.pendingMutationCount(), 0);
}

void tst_Storage::removeWhere()
{
    Storage &s = *m_app_store;
    for (int i = 0; i < 10; ++i)
        DS_VERIFY_OK(s.save(*post(), {{u"id"_s, QString(u"r"_s + QString::number(i))}, {u"title"_s, u"T"_s},
                                      {u"rating"_s, i}}));
    // Pretend everything was synced.
    const QList<OutboxEntry> synced = *s.outbox();
    for (const OutboxEntry &e : synced)
        DS_VERIFY_OK(s.removeOutboxEntry(e.id));
    auto removed = s.removeWhere(*post(), storagetest::parse(m_app, u"Post"_s, u"rating >= 7"_s));
    DS_VERIFY_OK(removed);
    QCOMPARE(removed->size(), 3);
    for (const Change &c : *removed)
        QCOMPARE(c.type, Change::Type::Deleted);
    QCOMPARE(*s.count(*post(), Predicate::all()), 7);
    auto outbox = s.outbox();
    QCOMPARE(outbox->size(), 3);
    for (const OutboxEntry &e : *outbox)
        QCOMPARE(e.type, MutationType::Delete);
    // An unknown field is an error, and nothing is removed.
    auto bad = s.removeWhere(*post(), Predicate::compare(u"nope"_s, Predicate::Op::Eq, 1));
    QVERIFY(!bad);
    QCOMPARE(bad.error().code(), u"UnknownField"_s);
    QCOMPARE(*s.count(*post(), Predicate::all()), 7);
}

void tst_Storage::transactionCommitsAndRollsBack()
{
    Storage &s = *m_app_store;
    DS_VERIFY_OK(s.transaction([&]() -> ds::Result<void> {
        for (int i = 0; i < 3; ++i) {
            if (auto r = s.save(*post(), {{u"id"_s, QString(u"t"_s + QString::number(i))}, {u"title"_s, u"T"_s}}); !r)
                return r.error();
        }
        return {};
    }));
    QCOMPARE(*s.count(*post(), Predicate::all()), 3);

    auto failed = s.transaction([&]() -> ds::Result<void> {
        DS_TRY(s.save(*post(), {{u"id"_s, u"t9"_s}, {u"title"_s, u"T"_s}}));
        return ds::Error(ds::Error::Domain::Storage, u"Boom"_s, u"boom"_s);
    });
    QVERIFY(!failed);
    QCOMPARE(failed.error().code(), u"Boom"_s);
    QCOMPARE(*s.count(*post(), Predicate::all()), 3);
    QCOMPARE(*s.pendingMutationCount(), 3);
}

void tst_Storage::savepointIsolation()
{
    // As the facade batches: many writes in one transaction, one of them bad.
    Storage &s = *m_app_store;
    QList<bool> results;
    DS_VERIFY_OK(s.transaction([&]() -> ds::Result<void> {
        results.append(bool(s.save(*post(), {{u"id"_s, u"a"_s}, {u"title"_s, u"A"_s}})));
        results.append(bool(s.save(*post(), {{u"id"_s, u"b"_s}, {u"title"_s, 5}})));   // invalid
        results.append(bool(s.save(*post(), {{u"id"_s, u"a"_s}, {u"title"_s, u"A2"_s}},
                                   storagetest::parse(m_app, u"Post"_s, u"title == \"nope\""_s))));
        results.append(bool(s.remove(*post(), {{u"id"_s, u"zzz"_s}})));
        results.append(bool(s.save(*post(), {{u"id"_s, u"c"_s}, {u"title"_s, u"C"_s}})));
        return {};
    }));
    QCOMPARE(results, (QList<bool>{true, false, false, false, true}));
    QCOMPARE(*s.count(*post(), Predicate::all()), 2);
    QCOMPARE((*s.get(*post(), {{u"id"_s, u"a"_s}}))->fields.value(u"title"_s), QVariant(u"A"_s));
    QCOMPARE(*s.pendingMutationCount(), 2);
}

void tst_Storage::nestedFailureRollsBackOnlyItself()
{
    Storage &s = *m_app_store;
    DS_VERIFY_OK(s.transaction([&]() -> ds::Result<void> {
        DS_TRY(s.save(*post(), {{u"id"_s, u"keep"_s}, {u"title"_s, u"K"_s}}));
        auto inner = s.transaction([&]() -> ds::Result<void> {
            DS_TRY(s.save(*post(), {{u"id"_s, u"drop1"_s}, {u"title"_s, u"D"_s}}));
            auto innermost = s.transaction([&]() -> ds::Result<void> {
                DS_TRY(s.save(*post(), {{u"id"_s, u"drop2"_s}, {u"title"_s, u"D"_s}}));
                return {};
            });
            DS_TRY(innermost);
            return ds::Error(ds::Error::Domain::Storage, u"Inner"_s, u"inner failed"_s);
        });
        if (inner)
            return ds::Error(ds::Error::Domain::Storage, u"Unexpected"_s, u"inner succeeded"_s);
        DS_TRY(s.save(*post(), {{u"id"_s, u"keep2"_s}, {u"title"_s, u"K"_s}}));
        return {};
    }));
    auto rows = s.query(*post(), {});
    QStringList ids;
    for (const QVariantMap &r : *rows)
        ids.append(r.value(u"id"_s).toString());
    QCOMPARE(ids, (QStringList{u"keep"_s, u"keep2"_s}));
    QCOMPARE(*s.pendingMutationCount(), 2);
}

void tst_Storage::clearEmptiesEverything()
{
    Storage &s = *m_app_store;
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"x"_s}, {u"title"_s, u"X"_s}}));
    ds::SyncMetadata meta;
    meta.model = u"Post"_s;
    meta.lastSync = 5;
    DS_VERIFY_OK(s.setSyncMetadata(meta));
    DS_VERIFY_OK(s.clear());
    QCOMPARE(*s.count(*post(), Predicate::all()), 0);
    QCOMPARE(*s.pendingMutationCount(), 0);
    QVERIFY(!s.syncMetadata(u"Post"_s)->lastSync);
    // Outbox ids keep growing after clear(): FIFO order stays monotonic.
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"y"_s}, {u"title"_s, u"Y"_s}}));
    QVERIFY(s.outbox()->first().id > 1);
}

void tst_Storage::syncMetadata()
{
    Storage &s = *m_app_store;
    auto none = s.syncMetadata(u"Post"_s);
    DS_VERIFY_OK(none);
    QCOMPARE(none->model, u"Post"_s);
    QVERIFY(!none->lastSync && !none->lastFullSync && !none->resumeStartedAt);
    ds::SyncMetadata m{u"Post"_s, 1000, 900, u"rating > 3"_s, u"token"_s, 950};
    DS_VERIFY_OK(s.setSyncMetadata(m));
    auto back = s.syncMetadata(u"Post"_s);
    QCOMPARE(back->lastSync, std::optional<qint64>(1000));
    QCOMPARE(back->lastFullSync, std::optional<qint64>(900));
    QCOMPARE(back->syncPredicate, u"rating > 3"_s);
    QCOMPARE(back->resumeToken, u"token"_s);
    QCOMPARE(back->resumeStartedAt, std::optional<qint64>(950));
    m.resumeToken.clear();
    m.resumeStartedAt.reset();
    DS_VERIFY_OK(s.setSyncMetadata(m));
    QVERIFY(s.syncMetadata(u"Post"_s)->resumeToken.isEmpty());
    QVERIFY(!s.syncMetadata(u"Post"_s)->resumeStartedAt);
}

void tst_Storage::outboxAccessors()
{
    Storage &s = *m_app_store;
    QVERIFY(!s.peekOutbox()->has_value());
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"o1"_s}, {u"title"_s, u"A"_s}}));
    DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"o2"_s}, {u"title"_s, u"B"_s}}));
    auto head = s.peekOutbox();
    DS_VERIFY_OK(head);
    QCOMPARE((*head)->recordId, u"o1"_s);
    QCOMPARE((*head)->state, OutboxEntry::State::Pending);
    QVERIFY((*head)->createdAt > 0);

    OutboxEntry e = **head;
    e.state = OutboxEntry::State::Failed;
    e.attempts = 2;
    e.lastError = u"Network Error"_s;
    e.version = 3;
    DS_VERIFY_OK(s.updateOutboxEntry(e));
    const OutboxEntry back = **s.peekOutbox();
    QCOMPARE(back.state, OutboxEntry::State::Failed);
    QCOMPARE(back.attempts, 2);
    QCOMPARE(back.lastError, u"Network Error"_s);
    QCOMPARE(back.version, std::optional<int>(3));

    OutboxEntry ghost = e;
    ghost.id = 9999;
    QCOMPARE(s.updateOutboxEntry(ghost).error().code(), u"NotFound"_s);
    DS_VERIFY_OK(s.removeOutboxEntry(e.id));
    DS_VERIFY_OK(s.removeOutboxEntry(e.id));   // idempotent
    QCOMPARE((*s.peekOutbox())->recordId, u"o2"_s);
    QCOMPARE(*s.pendingMutationCount(), 1);
}

void tst_Storage::keyOf()
{
    QCOMPARE(Storage::keyOf(*post(), {{u"id"_s, u"abc"_s}, {u"title"_s, u"x"_s}}), u"abc"_s);
    QCOMPARE(Storage::keyOf(*order(), {{u"customerId"_s, u"c"_s}, {u"orderedAt"_s, u"t"_s}}), u"c#t"_s);
}

void tst_Storage::fileBackedReopen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"store.db"_s);
    {
        Storage s(m_app);
        DS_VERIFY_OK(s.open(path));
        QCOMPARE(s.migrationNotes().size(), 4);   // one table per model
        DS_VERIFY_OK(s.save(*post(), {{u"id"_s, u"f1"_s}, {u"title"_s, u"F"_s}, {u"tags"_s, QVariantList{u"q"_s}}}));
    }
    Storage s(m_app);
    DS_VERIFY_OK(s.open(path));
    QVERIFY(s.migrationNotes().isEmpty());
    QCOMPARE((*s.get(*post(), {{u"id"_s, u"f1"_s}}))->fields.value(u"tags"_s), QVariant(QVariantList{u"q"_s}));
    QCOMPARE(*s.pendingMutationCount(), 1);
    // Two stores in one thread each have their own connection.
    Storage other(m_app);
    DS_VERIFY_OK(other.open(path));
    QVERIFY(other.connectionName() != s.connectionName());
    QCOMPARE(*other.count(*post(), Predicate::all()), 1);
}

void tst_Storage::notOpen()
{
    Storage s(m_app);
    QVERIFY(!s.isOpen());
    QCOMPARE(s.save(*post(), {{u"id"_s, u"x"_s}, {u"title"_s, u"X"_s}}).error().code(), u"NotOpen"_s);
    QCOMPARE(s.query(*post(), {}).error().code(), u"NotOpen"_s);
    QCOMPARE(s.outbox().error().code(), u"NotOpen"_s);
    QCOMPARE(s.transaction([]() -> ds::Result<void> { return {}; }).error().code(), u"NotOpen"_s);
    // A model of another schema.
    QCOMPARE(m_app_store->save(*everything(), {{u"id"_s, u"x"_s}}).error().code(), u"UnknownModel"_s);
}

QTEST_GUILESS_MAIN(tst_Storage)
#include "tst_storage.moc"
