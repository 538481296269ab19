// ds::SyncPageReader against the general path it replaces for successful
// pages (GraphQLClient::parseResponse(), QJsonDocument, then the map form of
// Storage::mergeRemote()): for tricky pages both must give the same page
// (token, startedAt, extensions, item count) and leave two fresh stores with
// the same rows and the same merge result, value types included; for pages
// the reader does not read exactly as QJsonDocument does, it must decline
// (the caller then takes the general path, with its error messages).
#include "net/graphqlclient.h"
#include "storage/storage.h"
#include "sync/syncpagereader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

const char kSchema[] = R"(
enum Priority {
  LOW
  HIGH
  IN_PROGRESS
}

type Address {
  street: String!
  city: String
  geo: Geo
  tags: [String!]
}

type Geo {
  lat: Float!
  lng: Float!
}

type Everything @model @auth(rules: [{ allow: public }]) {
  id: ID!
  name: String!
  count: Int
  ratio: Float
  done: Boolean
  day: AWSDate
  time: AWSTime
  when: AWSDateTime
  stamp: AWSTimestamp
  email: AWSEmail
  json: AWSJSON
  url: AWSURL
  phone: AWSPhone
  ip: AWSIPAddress
  priority: Priority
  priorities: [Priority]
  names: [String]
  numbers: [Int!]
  address: Address
  addresses: [Address]
  level: Int @default(value: "3")
  notes: [Note] @hasMany(indexName: "byOwner", fields: ["id"])
}

type Note @model @auth(rules: [{ allow: public }]) {
  id: ID!
  ownerId: ID! @index(name: "byOwner")
  owner: Everything @belongsTo(fields: ["ownerId"])
  text: String
}

type Order @model @auth(rules: [{ allow: public }]) {
  customerId: ID! @primaryKey(sortKeyFields: ["orderedAt"])
  orderedAt: AWSDateTime!
  total: Float
}
)";

// Values equal and of the same type, recursively.
bool sameVariant(const QVariant &a, const QVariant &b, QString *why, const QString &path)
{
    if (a.isValid() != b.isValid() || a.typeId() != b.typeId()) {
        *why = path + u": "_s + QString::fromLatin1(a.typeName()) + u" vs "_s + QString::fromLatin1(b.typeName());
        return false;
    }
    if (a.typeId() == QMetaType::QVariantList) {
        const QVariantList x = a.toList();
        const QVariantList y = b.toList();
        if (x.size() != y.size()) {
            *why = path + u": list sizes differ"_s;
            return false;
        }
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameVariant(x.at(i), y.at(i), why, path + u'[' + QString::number(i) + u']'))
                return false;
        }
        return true;
    }
    if (a.typeId() == QMetaType::QVariantMap) {
        const QVariantMap x = a.toMap();
        const QVariantMap y = b.toMap();
        if (x.keys() != y.keys()) {
            *why = path + u": keys "_s + x.keys().join(u',') + u" vs "_s + y.keys().join(u',');
            return false;
        }
        for (auto it = x.cbegin(); it != x.cend(); ++it) {
            if (!sameVariant(it.value(), y.value(it.key()), why, path + u'.' + it.key()))
                return false;
        }
        return true;
    }
    if (a.typeId() == QMetaType::Double) {
        // Bit for bit (a -0.0 that became 0 would be a difference).
        const double x = a.toDouble();
        const double y = b.toDouble();
        if (std::memcmp(&x, &y, sizeof x) != 0) {
            *why = path + u": "_s + QString::number(x, 'g', 17) + u" vs "_s + QString::number(y, 'g', 17);
            return false;
        }
        return true;
    }
    if (a != b) {
        *why = path + u": "_s + a.toString() + u" vs "_s + b.toString();
        return false;
    }
    return true;
}

QByteArray page(const QByteArray &root, const QByteArray &items, const QByteArray &tail = ",\"nextToken\":\"t1\",\"startedAt\":1700000000123")
{
    return "{\"data\":{\"" + root + "\":{\"items\":[" + items + "]" + tail + "}},\"extensions\":{\"syncTotal\":{\""
        + root + "\":42}}}";
}

} // namespace

class TestSyncPageReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameAsGeneralPath_data();
    void sameAsGeneralPath();
    void generatedPage();
    void declines_data();
    void declines();

private:
    // Both paths on one body: QVERIFYs that they agree.
    void compareBoth(const ds::ModelSchema &model, const QByteArray &body);

    std::optional<ds::Schema> m_schema;
};

void TestSyncPageReader::initTestCase()
{
    ds::SourceError error;
    m_schema = ds::Schema::fromGraphQL(QByteArray(kSchema), u"reader.graphql"_s, &error);
    QVERIFY2(m_schema, qPrintable(error.toString()));
}

void TestSyncPageReader::compareBoth(const ds::ModelSchema &model, const QByteArray &body)
{
    const QString root = model.syncQuery;
    const ds::SyncPageReader reader(model, root);
    std::optional<ds::SyncPage> fast = reader.read(body);
    QVERIFY2(fast, "the reader declined a page it should read");

    const ds::net::GraphQLResponse general = ds::net::GraphQLClient::parseResponse(200, body);
    QVERIFY2(general.ok(), qPrintable(general.error.message()));
    const QJsonObject connection = general.field(root).toObject();
    const QJsonArray array = connection.value(u"items"_s).toArray();
    const QJsonValue next = connection.value(u"nextToken"_s);
    QCOMPARE(fast->itemCount, array.size());
    QCOMPARE(fast->nextToken, next.isString() ? next.toString() : QString());
    QCOMPARE(fast->startedAt, qint64(connection.value(u"startedAt"_s).toDouble()));
    QCOMPARE(fast->extensions, general.extensions);

    const QList<QVariantMap> maps = ds::SyncPageReader::mapsFromJson(model, array);
    QCOMPARE(fast->records.size(), maps.size());

    ds::Storage viaMaps(*m_schema);
    ds::Storage viaRecords(*m_schema);
    QVERIFY(viaMaps.open(u":memory:"_s));
    QVERIFY(viaRecords.open(u":memory:"_s));
    // A row already there, at version 5, so that updates, stale versions and
    // deletes of existing rows are compared too.
    const QVariantMap seed = model.name == u"Order"
        ? QVariantMap{{u"customerId"_s, u"c1"_s}, {u"orderedAt"_s, u"2024-01-02T03:04:05.000Z"_s}, {u"_version"_s, 5}}
        : model.name == u"Note"
        ? QVariantMap{{u"id"_s, u"e1"_s}, {u"ownerId"_s, u"x"_s}, {u"_version"_s, 5}}
        : QVariantMap{{u"id"_s, u"e1"_s}, {u"name"_s, u"seed"_s}, {u"_version"_s, 5}};
    QVERIFY(viaMaps.mergeRemote(model, {seed}));
    QVERIFY(viaRecords.mergeRemote(model, {seed}));

    const ds::Result<ds::MergeResult> a = viaMaps.mergeRemote(model, maps);
    const ds::Result<ds::MergeResult> b = viaRecords.mergeRemote(model, std::move(fast->records));
    QVERIFY(a);
    QVERIFY(b);
    QCOMPARE(b->created, a->created);
    QCOMPARE(b->updated, a->updated);
    QCOMPARE(b->deleted, a->deleted);
    QCOMPARE(b->unchanged, a->unchanged);
    QCOMPARE(b->rejected, a->rejected);
    QCOMPARE(b->duplicates, a->duplicates);
    QCOMPARE(b->skippedPending, a->skippedPending);
    QCOMPARE(b->changes.size(), a->changes.size());
    QString why;
    for (qsizetype i = 0; i < a->changes.size(); ++i) {
        QCOMPARE(int(b->changes.at(i).type), int(a->changes.at(i).type));
        QVERIFY2(sameVariant(a->changes.at(i).element, b->changes.at(i).element, &why, u"change"_s),
                 qPrintable(why));
    }

    ds::QueryOptions all;
    all.includeDeleted = true;
    const auto rowsA = viaMaps.query(model, all);
    const auto rowsB = viaRecords.query(model, all);
    QVERIFY(rowsA);
    QVERIFY(rowsB);
    QCOMPARE(rowsB->size(), rowsA->size());
    for (qsizetype i = 0; i < rowsA->size(); ++i)
        QVERIFY2(sameVariant(rowsA->at(i), rowsB->at(i), &why, u"row"_s), qPrintable(why));
}

void TestSyncPageReader::sameAsGeneralPath_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QByteArray>("body");

    const QByteArray everything = "syncEverythings";
    const QByteArray full = R"({"id":"a1","name":"Full","count":7,"ratio":1.5,"done":true,"day":"2024-02-29",)"
                            R"("time":"12:30:00.000Z","when":"2024-02-29T12:30:00.000Z","stamp":1700000000,)"
                            R"("email":"me@example.com","json":"{\"a\":[1,2]}","url":"https://example.com/x",)"
                            R"("phone":"+1 555-0100","ip":"10.0.0.1","priority":"HIGH","priorities":["LOW",null],)"
                            R"("names":["x","y"],"numbers":[1,2,3],"address":{"street":"Main","city":null,)"
                            R"("geo":{"lat":1.25,"lng":-2}},"addresses":[{"street":"S"},null],"level":null,)"
                            R"("_version":3,"_lastChangedAt":1700000000999,"_deleted":false})";
    QTest::newRow("every field kind") << u"Everything"_s << page(everything, full);
    QTest::newRow("members in another order, whitespace")
        << u"Everything"_s
        << QByteArray(" \n{ \"extensions\" : { } ,\t\"data\" : { \"other\" : [ 1 , { \"x\" : null } ] , "
                      "\"syncEverythings\" : { \"startedAt\" : 5 , \"items\" : [ { \"name\" : \"W\" , \"id\" : \"w\" , "
                      "\"_version\" : 1 } , null ] , \"nextToken\" : null } } , \"more\" : \"x\" }\r\n ");
    QTest::newRow("string escapes")
        << u"Everything"_s
        << page(everything, R"({"id":"e\"1\\","name":"q\" \\ \/ \b\f\n\r\t end","names":["\u00e9\u00E9","\ud83d\ude00",)"
                            R"("\ud800 lone","\udc00","\u0000nul"],"_version":1})");
    QTest::newRow("raw UTF-8")
        << u"Everything"_s
        << page(everything, "{\"id\":\"u\xc3\xa9\",\"name\":\"\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xef\xbf\xbe \xf4\x8f\xbf\xbf\","
                            "\"_version\":1}");
    QTest::newRow("numbers")
        << u"Everything"_s
        << page(everything, R"({"id":"n1","name":"a","count":1.0,"ratio":-0,"stamp":1e3,"_version":2.0},)"
                            R"({"id":"n2","name":"b","count":-0,"ratio":-0.0,"stamp":12345678901234,"level":1E0},)"
                            R"({"id":"n3","name":"c","count":2147483648,"_version":1},)"
                            R"({"id":"n4","name":"d","ratio":1e-7,"stamp":123456789012345678,"_lastChangedAt":1.7e12},)"
                            R"({"id":"n5","name":"e","ratio":12345678901234567890,"count":-2147483648},)"
                            R"({"id":"n6","name":"f","ratio":0.1,"count":1.5})");
    QTest::newRow("nulls, absent and invalid values")
        << u"Everything"_s
        << page(everything, R"({"id":"v1","name":null},{"id":"v2"},{"id":"v3","name":5},{"id":"v4","name":"x","priority":"NOPE"},)"
                            R"({"id":"v5","name":"x","numbers":[1,null]},{"id":"v6","name":"x","when":"yesterday"},)"
                            R"({"id":"","name":"x"},{"name":"no id"},{"id":null,"name":"x"},{"id":"v7","name":"x","json":"{bad"},)"
                            R"({"id":"v8","name":"x","json":{"object":true}},{"id":"v9","name":"x","done":"true"},)"
                            R"({"id":"v10","name":"x","address":{"city":"no street"}},{"id":"v11","name":"x","names":"one"},)"
                            R"({"id":7,"name":"x"},{"id":"v12","name":"x","priorities":[]},{"id":"v13","name":"x","address":{}})");
    QTest::newRow("deletes, versions, duplicates")
        << u"Everything"_s
        << page(everything, R"({"id":"e1","_deleted":true,"_version":6,"name":17},{"id":"gone","_deleted":true},)"
                            R"({"id":"d1","name":"first","_version":1},{"id":"d1","name":"second","_version":2},)"
                            R"({"id":"e1","name":"stale","_version":4},{"id":"d2","name":"x","_deleted":null,"_version":null},)"
                            R"({"id":"d3","name":"x","_deleted":1},{"id":"d4","name":"x","_version":"7"})");
    QTest::newRow("stale update of an existing row")
        << u"Everything"_s << page(everything, R"({"id":"e1","name":"older","_version":4},{"id":"e1","name":"same","_version":5})");
    QTest::newRow("metadata-like members are dropped")
        << u"Everything"_s
        << page(everything, R"({"id":"m1","name":"x","__typename":"Everything","_meta":{"deep":[1,{"a":null}]}})");
    QTest::newRow("relations are dropped")
        << u"Note"_s
        << page("syncNotes", R"({"id":"r1","ownerId":"o1","owner":{"id":"o1","_deleted":null},"text":"t"},)"
                             R"({"id":"r2","ownerId":"o1","owner":null})");
    QTest::newRow("composite key")
        << u"Order"_s
        << page("syncOrders", R"({"customerId":"c1","orderedAt":"2024-01-02T03:04:05.000Z","total":9.5,"_version":6},)"
                              R"({"customerId":"c1","orderedAt":"2024-01-02T03:04:05.000Z","_deleted":true,"_version":7},)"
                              R"({"customerId":"c2","orderedAt":"2024-01-02T03:04:05Z","total":1})");
    QTest::newRow("empty page") << u"Everything"_s << page(everything, "", ",\"nextToken\":null");
    QTest::newRow("no token, no startedAt") << u"Everything"_s << page(everything, R"({"id":"x","name":"y"})", "");
    QTest::newRow("big startedAt")
        << u"Everything"_s << page(everything, "", ",\"startedAt\":123456789012345678,\"nextToken\":\"\"");
    QTest::newRow("long id")
        << u"Everything"_s
        << page(everything, "{\"id\":\"" + QByteArray(1025, 'k') + "\",\"name\":\"x\"},{\"id\":\"" + QByteArray(1024, 'k')
                                + "\",\"name\":\"x\"}");
}

void TestSyncPageReader::sameAsGeneralPath()
{
    QFETCH(QString, model);
    QFETCH(QByteArray, body);
    const ds::ModelSchema *m = m_schema->model(model);
    QVERIFY(m);
    compareBoth(*m, body);
}

void TestSyncPageReader::generatedPage()
{
    // A page of 400 records drawn at random (fixed seed) from tricky pieces.
    QRandomGenerator random(20261206);
    const QList<QByteArray> strings = {"plain", "", "\\\"q\\\"", "tab\\tand\\nnewline", "\\u00e9t\\u00e9",
                                       "\xc3\xa9t\xc3\xa9", "\\ud83d\\ude00", "\xf0\x9f\x98\x80", "\\/slash",
                                       "a\\\\b", "\\u0041\\u0042"};
    const QList<QByteArray> numbers = {"0", "-0", "1", "-17", "2147483647", "2147483648", "1.5", "-0.0", "1e2",
                                       "3.0", "9007199254740993", "1E-3"};
    auto pick = [&random](const QList<QByteArray> &from) { return from.at(random.bounded(int(from.size()))); };
    QByteArray items;
    for (int i = 0; i < 400; ++i) {
        if (i)
            items += ',';
        QByteArray item = "{\"id\":\"g" + QByteArray::number(i % 350) + pick(strings) + '"';
        if (random.bounded(10))
            item += ",\"name\":\"" + pick(strings) + '"';
        if (random.bounded(2))
            item += ",\"count\":" + pick(numbers);
        if (random.bounded(2))
            item += ",\"ratio\":" + pick(numbers);
        if (random.bounded(2))
            item += ",\"names\":[\"" + pick(strings) + "\",null,\"" + pick(strings) + "\"]";
        if (random.bounded(3) == 0)
            item += ",\"priority\":\"" + QByteArray(random.bounded(2) ? "LOW" : "low") + '"';
        if (random.bounded(3) == 0)
            item += ",\"address\":{\"street\":\"" + pick(strings) + "\",\"geo\":{\"lat\":" + pick(numbers)
                + ",\"lng\":" + pick(numbers) + "}}";
        item += ",\"_version\":" + QByteArray::number(random.bounded(1, 9));
        if (random.bounded(8) == 0)
            item += ",\"_deleted\":true";
        item += '}';
        items += item;
    }
    compareBoth(*m_schema->model(u"Everything"_s), page("syncEverythings", items));
}

void TestSyncPageReader::declines_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("generalOk");   // what the general path then makes of it

    const QByteArray root = "syncEverythings";
    QTest::newRow("errors") << QByteArray(R"({"data":{"syncEverythings":null},"errors":[{"message":"no"}]})") << false;
    QTest::newRow("empty errors") << QByteArray(R"({"data":{"syncEverythings":{"items":[]}},"errors":[]})") << true;
    QTest::newRow("null data") << QByteArray(R"({"data":null})") << true;
    QTest::newRow("null connection") << QByteArray(R"({"data":{"syncEverythings":null}})") << true;
    QTest::newRow("no data") << QByteArray(R"({"extensions":{}})") << false;
    QTest::newRow("not an object") << QByteArray("[1,2]") << false;
    QTest::newRow("truncated") << page(root, R"({"id":"a","name":"b"})").chopped(3) << false;
    QTest::newRow("trailing garbage") << page(root, R"({"id":"a","name":"b"})") + "x" << false;
    QTest::newRow("invalid UTF-8") << page(root, "{\"id\":\"a\",\"name\":\"\xc0\x80\"}") << false;
    QTest::newRow("encoded surrogate") << page(root, "{\"id\":\"a\",\"name\":\"\xed\xa0\x80\"}") << false;
    QTest::newRow("not a JSON escape") << page(root, R"({"id":"a","name":"\x"})") << true;
    QTest::newRow("raw control character") << page(root, "{\"id\":\"a\",\"name\":\"a\tb\"}") << true;
    QTest::newRow("short \\u escape") << page(root, R"({"id":"a","name":"\u12"})") << false;
    QTest::newRow("duplicate member") << page(root, R"({"id":"a","name":"b","name":"c"})") << true;
    QTest::newRow("unknown field") << page(root, R"({"id":"a","name":"b","bogus":1})") << true;
    QTest::newRow("escaped member name") << page(root, R"({"id":"a","n\u0061me":"b"})") << true;
    QTest::newRow("number out of range") << page(root, R"({"id":"a","name":"b","ratio":1e400})") << false;
    QTest::newRow("number out of range in a skipped member")
        << page(root, R"({"id":"a","name":"b","_meta":{"x":[1e400]}})") << false;
    QTest::newRow("number out of range elsewhere") << QByteArray(R"({"data":{"syncEverythings":{"items":[]}},"x":-1e999})")
                                                   << false;
    QTest::newRow("leading zero") << page(root, R"({"id":"a","name":"b","count":01})") << false;
    QTest::newRow("item not an object") << page(root, R"({"id":"a","name":"b"},5)") << true;
    QTest::newRow("items not a list") << QByteArray(R"({"data":{"syncEverythings":{"items":{}}}})") << true;
    QByteArray deep = "{\"id\":\"a\",\"name\":\"b\",\"json\":";
    for (int i = 0; i < 100; ++i)
        deep += '[';
    for (int i = 0; i < 100; ++i)
        deep += ']';
    QTest::newRow("deep nesting") << page(root, deep + '}') << true;
    QTest::newRow("duplicate data") << QByteArray(R"({"data":{"syncEverythings":{"items":[]}},"data":null})") << true;
}

void TestSyncPageReader::declines()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, generalOk);
    const ds::ModelSchema &model = *m_schema->model(u"Everything"_s);
    const ds::SyncPageReader reader(model, model.syncQuery);
    QVERIFY(!reader.read(body));
    const ds::net::GraphQLResponse general = ds::net::GraphQLClient::parseResponse(200, body);
    QCOMPARE(general.ok(), generalOk);
    if (!generalOk)
        QVERIFY(!general.error.message().isEmpty());
}

QTEST_GUILESS_MAIN(TestSyncPageReader)
#include "tst_syncpagereader.moc"
