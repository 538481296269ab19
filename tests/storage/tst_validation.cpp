// Storage::save() validation: every rejected record gives a Validation error
// with a stable code and a message naming model and field, and writes nothing.
#include "storagetest_p.h"

using namespace Qt::StringLiterals;
using ds::Storage;

class tst_StorageValidation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rejected_data();
    void rejected();
    void accepted_data();
    void accepted();
    void badKeys_data();
    void badKeys();
    void sortAndFilterFields();
    void relatedRecordGivesItsKey();

private:
    ds::Schema m_schema;
    std::unique_ptr<Storage> m_store;
};

void tst_StorageValidation::initTestCase()
{
    m_schema = storagetest::kitchenSchema();
    m_store = std::make_unique<Storage>(m_schema);
    DS_VERIFY_OK(m_store->open(u":memory:"_s));
}

static QVariantMap base(const QVariantMap &extra = {})
{
    QVariantMap m{{u"id"_s, u"v1"_s}, {u"name"_s, u"n"_s}};
    m.insert(extra);
    return m;
}

void tst_StorageValidation::rejected_data()
{
    QTest::addColumn<QVariantMap>("record");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown field") << base({{u"nmae"_s, u"x"_s}}) << u"UnknownField"_s
        << u"Everything.nmae: unknown field (Everything has no field 'nmae')"_s;
    QTest::newRow("missing required") << QVariantMap{{u"id"_s, u"v1"_s}} << u"MissingField"_s
        << u"Everything.name: a value is required (the field is non-null)"_s;
    QTest::newRow("null required") << base({{u"name"_s, QVariant()}}) << u"MissingField"_s
        << u"Everything.name: a value is required (the field is non-null)"_s;
    QTest::newRow("missing id") << QVariantMap{{u"name"_s, u"n"_s}} << u"MissingField"_s
        << u"Everything.id: a value is required (the field is non-null)"_s;
    QTest::newRow("empty id") << QVariantMap{{u"id"_s, u""_s}, {u"name"_s, u"n"_s}} << u"InvalidId"_s
        << u"Everything.id: a key must not be empty"_s;
    QTest::newRow("long id") << QVariantMap{{u"id"_s, QString(1025, u'x')}, {u"name"_s, u"n"_s}}
        << u"InvalidId"_s << u"Everything.id: a key must be at most 1024 characters long (got 1025)"_s;
    QTest::newRow("numeric id") << QVariantMap{{u"id"_s, 5}, {u"name"_s, u"n"_s}} << u"InvalidType"_s
        << u"Everything.id: expected an ID (a string), got 5"_s;
    QTest::newRow("string for String") << base({{u"name"_s, 5}}) << u"InvalidType"_s
        << u"Everything.name: expected a String, got 5"_s;
    QTest::newRow("text for Int") << base({{u"count"_s, u"five"_s}}) << u"InvalidType"_s
        << u"Everything.count: expected an Int (a whole number in 32 bits), got \"five\""_s;
    QTest::newRow("fraction for Int") << base({{u"count"_s, 1.5}}) << u"InvalidType"_s
        << u"Everything.count: expected an Int (a whole number in 32 bits), got 1.5"_s;
    QTest::newRow("Int overflow") << base({{u"count"_s, qint64(1) << 40}}) << u"InvalidType"_s
        << u"Everything.count: expected an Int (a whole number in 32 bits), got 1099511627776"_s;
    QTest::newRow("text for Float") << base({{u"ratio"_s, u"1.0"_s}}) << u"InvalidType"_s
        << u"Everything.ratio: expected a Float (a finite number), got \"1.0\""_s;
    QTest::newRow("NaN Float") << base({{u"ratio"_s, qQNaN()}}) << u"InvalidType"_s
        << u"Everything.ratio: expected a Float (a finite number), got nan"_s;
    QTest::newRow("int for Boolean") << base({{u"done"_s, 1}}) << u"InvalidType"_s
        << u"Everything.done: expected a Boolean, got 1"_s;
    QTest::newRow("bad AWSDate") << base({{u"day"_s, u"2024-13-01"_s}}) << u"InvalidFormat"_s
        << u"Everything.day: expected an AWSDate (YYYY-MM-DD), got \"2024-13-01\""_s;
    QTest::newRow("number for AWSDate") << base({{u"day"_s, 20240101}}) << u"InvalidType"_s
        << u"Everything.day: expected an AWSDate (YYYY-MM-DD), got 20240101"_s;
    QTest::newRow("bad AWSTime") << base({{u"time"_s, u"25:00"_s}}) << u"InvalidFormat"_s
        << u"Everything.time: expected an AWSTime (hh:mm:ss.sss), got \"25:00\""_s;
    QTest::newRow("AWSDateTime without zone") << base({{u"when"_s, u"2024-01-01T10:00:00"_s}})
        << u"InvalidFormat"_s
        << u"Everything.when: expected an AWSDateTime (YYYY-MM-DDThh:mm:ss.sssZ), got \"2024-01-01T10:00:00\""_s;
    QTest::newRow("text for AWSTimestamp") << base({{u"stamp"_s, u"now"_s}}) << u"InvalidType"_s
        << u"Everything.stamp: expected an AWSTimestamp (whole seconds since the epoch), got \"now\""_s;
    QTest::newRow("bad AWSEmail") << base({{u"email"_s, u"ann@"_s}}) << u"InvalidFormat"_s
        << u"Everything.email: expected an AWSEmail (name@example.com), got \"ann@\""_s;
    QTest::newRow("bad AWSURL") << base({{u"url"_s, u"example.com/x"_s}}) << u"InvalidFormat"_s
        << u"Everything.url: expected an AWSURL (scheme://host/path), got \"example.com/x\""_s;
    QTest::newRow("bad AWSPhone") << base({{u"phone"_s, u"call me"_s}}) << u"InvalidFormat"_s
        << u"Everything.phone: expected an AWSPhone (+1 555-0100), got \"call me\""_s;
    QTest::newRow("bad AWSIPAddress v4") << base({{u"ip"_s, u"256.1.1.1"_s}}) << u"InvalidFormat"_s
        << u"Everything.ip: expected an AWSIPAddress (IPv4 or IPv6), got \"256.1.1.1\""_s;
    QTest::newRow("bad AWSIPAddress v6") << base({{u"ip"_s, u"1::2::3"_s}}) << u"InvalidFormat"_s
        << u"Everything.ip: expected an AWSIPAddress (IPv4 or IPv6), got \"1::2::3\""_s;
    QTest::newRow("bad AWSJSON") << base({{u"json"_s, u"{oops"_s}}) << u"InvalidFormat"_s
        << u"Everything.json: expected AWSJSON (valid JSON text), got \"{oops\""_s;
    QTest::newRow("unknown enum value") << base({{u"priority"_s, u"MEDIUM"_s}}) << u"InvalidEnumValue"_s
        << u"Everything.priority: \"MEDIUM\" is not a value of Priority (LOW, HIGH, IN_PROGRESS)"_s;
    QTest::newRow("number for enum") << base({{u"priority"_s, 1}}) << u"InvalidType"_s
        << u"Everything.priority: expected a value of the enum Priority, got 1"_s;
    QTest::newRow("enum in list") << base({{u"priorities"_s, QVariantList{u"LOW"_s, u"low"_s}}})
        << u"InvalidEnumValue"_s
        << u"Everything.priorities[1]: \"low\" is not a value of Priority (LOW, HIGH, IN_PROGRESS)"_s;
    QTest::newRow("scalar for list") << base({{u"numbers"_s, 5}}) << u"InvalidType"_s
        << u"Everything.numbers: expected a list ([Int!]), got 5"_s;
    QTest::newRow("null in [Int!]") << base({{u"numbers"_s, QVariantList{1, QVariant()}}})
        << u"MissingField"_s << u"Everything.numbers[1]: a value is required (the field is non-null)"_s;
    QTest::newRow("text in [Int!]") << base({{u"numbers"_s, QVariantList{1, u"2"_s}}})
        << u"InvalidType"_s
        << u"Everything.numbers[1]: expected an Int (a whole number in 32 bits), got \"2\""_s;
    QTest::newRow("list for non-model") << base({{u"address"_s, QVariantList{}}}) << u"InvalidType"_s
        << u"Everything.address: expected an object of type Address, got a list"_s;
    QTest::newRow("unknown non-model field")
        << base({{u"address"_s, QVariantMap{{u"street"_s, u"s"_s}, {u"zip"_s, u"1"_s}}}})
        << u"UnknownField"_s << u"Everything.address.zip: unknown field (Address has no field 'zip')"_s;
    QTest::newRow("missing non-model field") << base({{u"address"_s, QVariantMap{{u"city"_s, u"c"_s}}}})
        << u"MissingField"_s << u"Everything.address.street: a value is required (the field is non-null)"_s;
    QTest::newRow("nested non-model type")
        << base({{u"address"_s, QVariantMap{{u"street"_s, u"s"_s},
                                            {u"geo"_s, QVariantMap{{u"lat"_s, u"north"_s}, {u"lng"_s, 1}}}}}})
        << u"InvalidType"_s
        << u"Everything.address.geo.lat: expected a Float (a finite number), got \"north\""_s;
    QTest::newRow("non-model in list")
        << base({{u"addresses"_s, QVariantList{QVariantMap{{u"street"_s, u"s"_s}}, QVariantMap{}}}})
        << u"MissingField"_s
        << u"Everything.addresses[1].street: a value is required (the field is non-null)"_s;
}

void tst_StorageValidation::rejected()
{
    QFETCH(QVariantMap, record);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const ds::ModelSchema &model = *m_schema.model(u"Everything");
    auto result = m_store->save(model, record);
    QVERIFY(!result);
    QCOMPARE(result.error().domain(), ds::Error::Domain::Validation);
    QCOMPARE(result.error().code(), code);
    QCOMPARE(result.error().message(), message);
    QCOMPARE(*m_store->count(model, ds::Predicate::all()), 0);
    QCOMPARE(*m_store->pendingMutationCount(), 0);
}

void tst_StorageValidation::accepted_data()
{
    QTest::addColumn<QVariantMap>("record");
    QTest::newRow("AWSDate with zone") << base({{u"day"_s, u"2024-05-06Z"_s}});
    QTest::newRow("AWSTime short") << base({{u"time"_s, u"10:20"_s}});
    QTest::newRow("AWSTime with offset") << base({{u"time"_s, u"10:20:30+05:30"_s}});
    QTest::newRow("AWSDateTime offset") << base({{u"when"_s, u"2024-01-01T10:00:00+02:00"_s}});
    QTest::newRow("AWSIPAddress v4 cidr") << base({{u"ip"_s, u"10.0.0.0/8"_s}});
    QTest::newRow("AWSIPAddress v6 mapped") << base({{u"ip"_s, u"::ffff:192.0.2.1"_s}});
    QTest::newRow("AWSIPAddress v6 full") << base({{u"ip"_s, u"2001:0db8:0000:0000:0000:ff00:0042:8329"_s}});
    QTest::newRow("AWSURL mailto") << base({{u"url"_s, u"mailto:ann@example.com"_s}});
    QTest::newRow("AWSPhone plain") << base({{u"phone"_s, u"5550100"_s}});
    QTest::newRow("AWSJSON array") << base({{u"json"_s, u"[1, 2]"_s}});
    QTest::newRow("AWSJSON null text") << base({{u"json"_s, u"null"_s}});
    QTest::newRow("Int from whole double") << base({{u"count"_s, 3.0}});
    QTest::newRow("required fields only") << base({});
    QTest::newRow("typename ignored") << base({{u"__typename"_s, u"Everything"_s}});
}

void tst_StorageValidation::accepted()
{
    QFETCH(QVariantMap, record);
    const ds::ModelSchema &model = *m_schema.model(u"Everything");
    DS_VERIFY_OK(m_store->save(model, record));
    DS_VERIFY_OK(m_store->clear());
}

void tst_StorageValidation::badKeys_data()
{
    QTest::addColumn<QVariantMap>("key");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("no id") << QVariantMap{} << u"MissingField"_s
        << u"Everything.id: a value is required (the field is non-null)"_s;
    QTest::newRow("empty id") << QVariantMap{{u"id"_s, u""_s}} << u"InvalidId"_s
        << u"Everything.id: a key must not be empty"_s;
    QTest::newRow("bool id") << QVariantMap{{u"id"_s, true}} << u"InvalidType"_s
        << u"Everything.id: expected an ID (a string), got true"_s;
}

void tst_StorageValidation::badKeys()
{
    QFETCH(QVariantMap, key);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const ds::ModelSchema &model = *m_schema.model(u"Everything");
    for (const ds::Error &e : {m_store->get(model, key).error(), m_store->remove(model, key).error()}) {
        QCOMPARE(e.code(), code);
        QCOMPARE(e.message(), message);
    }
}

void tst_StorageValidation::sortAndFilterFields()
{
    const ds::ModelSchema &model = *m_schema.model(u"Everything");
    ds::QueryOptions options;
    options.sort = {{u"nope"_s, false}};
    auto sorted = m_store->query(model, options);
    QCOMPARE(sorted.error().code(), u"UnknownField"_s);
    QCOMPARE(sorted.error().message(), u"Everything.nope: cannot sort by a field Everything does not store"_s);
    options.sort.clear();
    options.predicate = ds::Predicate::compare(u"nope"_s, ds::Predicate::Op::Eq, 1);
    QCOMPARE(m_store->query(model, options).error().code(), u"UnknownField"_s);
    QCOMPARE(m_store->count(model, options.predicate).error().code(), u"UnknownField"_s);
    auto conditional = m_store->save(model, base(), options.predicate);
    QCOMPARE(conditional.error().code(), u"UnknownField"_s);
    options.predicate = ds::Predicate::all();
    options.limit = -5;
    QCOMPARE(m_store->query(model, options).error().code(), u"InvalidPaging"_s);
}

void tst_StorageValidation::relatedRecordGivesItsKey()
{
    // As in Amplify, a comment may name its post as an object: postID follows.
    const ds::Schema app = storagetest::appSchema();
    Storage s(app);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &comment = *app.model(u"Comment");
    const QVariantMap post{{u"id"_s, u"p1"_s}, {u"title"_s, u"t"_s}};
    const auto saved = s.save(comment, {{u"id"_s, u"c1"_s}, {u"content"_s, u"x"_s}, {u"post"_s, post}});
    DS_VERIFY_OK(saved);
    QCOMPARE(saved->element.value(u"postID"_s), QVariant(u"p1"_s));
    QVERIFY(!saved->element.contains(u"post"_s));
    QCOMPARE((*s.get(comment, {{u"id"_s, u"c1"_s}}))->fields.value(u"postID"_s), QVariant(u"p1"_s));

    // The same key twice is fine; two different keys are an error, and nothing is written.
    DS_VERIFY_OK(s.save(comment, {{u"id"_s, u"c2"_s}, {u"content"_s, u"x"_s}, {u"postID"_s, u"p1"_s}, {u"post"_s, post}}));
    const auto conflict = s.save(comment, {{u"id"_s, u"c3"_s}, {u"content"_s, u"x"_s}, {u"postID"_s, u"p2"_s},
                                           {u"post"_s, post}});
    QVERIFY(!conflict);
    QCOMPARE(conflict.error().code(), u"InvalidRelation"_s);
    QCOMPARE(conflict.error().message(), u"Comment.post: the related record's id 'p1' differs from postID 'p2'"_s);
    QCOMPARE(*s.count(comment, ds::Predicate::all()), 2);

    // A related object without its key adds nothing: postID is still required.
    const auto keyless = s.save(comment, {{u"id"_s, u"c4"_s}, {u"content"_s, u"x"_s},
                                          {u"post"_s, QVariantMap{{u"title"_s, u"t"_s}}}});
    QCOMPARE(keyless.error().message(), u"Comment.postID: a value is required (the field is non-null)"_s);
}

QTEST_GUILESS_MAIN(tst_StorageValidation)
#include "tst_validation.moc"
