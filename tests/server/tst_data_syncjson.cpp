// Sync pages are written from JSON text read straight from storage
// (server/data/jsonrows.h), get answers from wire items: both must give the
// same record, for every kind of field and value, relations and aliases
// included, end to end against the real datastore-server.

#include "tst_data_support.h"

#include <QTest>

using namespace Qt::StringLiterals;
using dstest::GraphQLReply;

namespace {

const QByteArray kSchema = R"(
enum Priority { LOW HIGH IN_PROGRESS }
type Geo { lat: Float! lng: Float! }
type Address { street: String! city: String geo: Geo tags: [String!] }
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
  numbers: [Int!]
  ratios: [Float]
  words: [String]
  flags: [Boolean]
  blobs: [AWSJSON]
  address: Address
  addresses: [Address]
  children: [Child] @hasMany(indexName: "byParent", fields: ["id"])
}
type Child @model @auth(rules: [{ allow: public }]) {
  id: ID!
  parentID: ID! @index(name: "byParent")
  parent: Everything @belongsTo(fields: ["parentID"])
  label: String
}
)";

// Aliases, a field twice, __typename and nested selections on non-model values.
const QString kEverythingFields = u"__typename id name count ratio done day time when stamp email json url phone ip "
                                  "priority priorities numbers ratios words flags blobs "
                                  "address { street city geo { lat lng } tags } "
                                  "addresses { __typename street geo { lat } } "
                                  "alsoName: name n2: count _version _lastChangedAt _deleted"_s;
const QString kChildFields = u"id parentID label parent { id name count priority _version } "
                             "_version _lastChangedAt _deleted"_s;

QString syncDoc(const QString &plural, const QString &fields)
{
    return u"query q($limit: Int, $nextToken: String, $lastSync: AWSTimestamp) { sync%1(limit: $limit, "
           "nextToken: $nextToken, lastSync: $lastSync) { items { %2 } nextToken startedAt } }"_s.arg(plural, fields);
}

QString getDoc(const QString &model, const QString &fields)
{
    return u"query q($id: ID!) { get%1(id: $id) { %2 } }"_s.arg(model, fields);
}

// Strings every escaping rule applies to.
const QStringList kTrickyStrings{
    u"plain"_s,
    u"quote \" backslash \\ slash /"_s,
    u"line\nbreak\r\ttab\bback\fform"_s,
    QString::fromUtf16(u"control \u0001\u001f and DEL \u007f"),
    QString::fromUtf16(u"caf\u00e9 \u4e2d\u6587 \U0001F600 emoji"),
    u""_s,
    u"</script><!-- \u2028 \u2029"_s,
};

} // namespace

class TestDataSyncJson : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyFieldMatchesGet();
    void deltaMatchesGet();
    void relationsMatchGet();
    void pagingKeepsEveryRecordOnce();
    void enumValueNoLongerInSchema();

private:
    QJsonObject create(const QString &model, const QJsonObject &input);
    QList<QJsonObject> syncAll(const QString &plural, const QString &fields, qint64 lastSync, int limit,
                               QString *error);
    void compareWithGet(const QString &model, const QString &fields, const QList<QJsonObject> &items);

    dstest::DataServer m_server;
    QStringList m_ids;
};

void TestDataSyncJson::initTestCase()
{
    const QString error = m_server.start({}, kSchema);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (qsizetype i = 0; i < kTrickyStrings.size(); ++i) {
        const QString s = kTrickyStrings.at(i);
        const QJsonObject input{
            {u"id"_s, u"every-%1"_s.arg(i)},
            {u"name"_s, s},
            {u"count"_s, i % 2 ? -2147483647 - 1 : int(i) * 1000},
            {u"ratio"_s, i % 3 == 0 ? 0.1 : i % 3 == 1 ? -2.5e-7 : 3.0},
            {u"done"_s, i % 2 == 0},
            {u"day"_s, u"2024-02-29"_s},
            {u"time"_s, u"23:59:59.999Z"_s},
            {u"when"_s, u"2024-02-29T12:00:00.000Z"_s},
            {u"stamp"_s, 1700000000 + i},
            {u"email"_s, u"a%1@example.com"_s.arg(i)},
            {u"json"_s, u"{\"k\":[1,2,{\"s\":\"%1\"}],\"n\":null}"_s.arg(i)},
            {u"url"_s, u"https://example.com/%1?q=x&y=%C3%A9"_s.arg(i)},
            {u"phone"_s, u"+1 555 0100"_s},
            {u"ip"_s, u"127.0.0.1"_s},
            {u"priority"_s, i % 2 ? u"HIGH"_s : u"IN_PROGRESS"_s},
            {u"priorities"_s, QJsonArray{u"LOW"_s, QJsonValue::Null, u"HIGH"_s}},
            {u"numbers"_s, QJsonArray{1, -2, 2147483647}},
            {u"ratios"_s, QJsonArray{0.5, 1e21, QJsonValue::Null, -0.0001}},
            {u"words"_s, QJsonArray{s, u"x"_s, QJsonValue::Null}},
            {u"flags"_s, QJsonArray{true, false}},
            {u"blobs"_s, QJsonArray{u"{\"a\":1}"_s, u"[true]"_s}},
            {u"address"_s, QJsonObject{{u"street"_s, s}, {u"city"_s, QJsonValue::Null},
                                       {u"geo"_s, QJsonObject{{u"lat"_s, 48.8566}, {u"lng"_s, 2.3522}}},
                                       {u"tags"_s, QJsonArray{u"home"_s, s}}}},
            {u"addresses"_s, QJsonArray{QJsonObject{{u"street"_s, u"one"_s}},
                                        QJsonObject{{u"street"_s, u"two"_s},
                                                    {u"geo"_s, QJsonObject{{u"lat"_s, -1.5}, {u"lng"_s, 0}}}}}},
        };
        QVERIFY(!create(u"Everything"_s, input).isEmpty());
        m_ids.append(input.value(u"id"_s).toString());
    }
    // One with every optional field null.
    QVERIFY(!create(u"Everything"_s, {{u"id"_s, u"every-nulls"_s}, {u"name"_s, u"nulls"_s}}).isEmpty());
    m_ids.append(u"every-nulls"_s);
    // One deleted: a tombstone in sync, _deleted true.
    QVERIFY(!create(u"Everything"_s, {{u"id"_s, u"every-gone"_s}, {u"name"_s, u"gone"_s}}).isEmpty());
    const GraphQLReply gone = m_server.query(
        u"mutation d($input: DeleteEverythingInput!) { deleteEverything(input: $input) { id _deleted } }"_s,
        {{u"input"_s, QJsonObject{{u"id"_s, u"every-gone"_s}, {u"_version"_s, 1}}}});
    QVERIFY2(gone.errors().isEmpty(), QJsonDocument(gone.body).toJson().constData());
    m_ids.append(u"every-gone"_s);
    for (int i = 0; i < 3; ++i) {
        QVERIFY(!create(u"Child"_s, {{u"id"_s, u"child-%1"_s.arg(i)}, {u"parentID"_s, m_ids.at(i % 2)},
                                     {u"label"_s, kTrickyStrings.at(i)}}).isEmpty());
    }
    QVERIFY(!create(u"Child"_s, {{u"id"_s, u"orphan"_s}, {u"parentID"_s, u"no-such-parent"_s}}).isEmpty());
}

void TestDataSyncJson::cleanupTestCase()
{
    m_server.stop();
}

QJsonObject TestDataSyncJson::create(const QString &model, const QJsonObject &input)
{
    const GraphQLReply r = m_server.query(
        u"mutation c($input: Create%1Input!) { create%1(input: $input) { id _version } }"_s.arg(model),
        {{u"input"_s, input}});
    if (!r.errors().isEmpty())
        qWarning().noquote() << QJsonDocument(r.body).toJson(QJsonDocument::Compact);
    return r.data().value(u"create"_s + model).toObject();
}

QList<QJsonObject> TestDataSyncJson::syncAll(const QString &plural, const QString &fields, qint64 lastSync, int limit,
                                             QString *error)
{
    QList<QJsonObject> items;
    QJsonValue token = QJsonValue::Null;
    int pages = 0;
    do {
        const GraphQLReply r = m_server.query(syncDoc(plural, fields), {{u"limit"_s, limit}, {u"nextToken"_s, token},
                                                                        {u"lastSync"_s, lastSync}});
        if (r.status != 200 || !r.errors().isEmpty() || r.body.isEmpty()) {
            *error = QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Compact));
            return items;
        }
        const QJsonObject page = r.data().value(u"sync"_s + plural).toObject();
        for (const QJsonValue &item : page.value(u"items"_s).toArray())
            items.append(item.toObject());
        token = page.value(u"nextToken"_s);
    } while (!token.isNull() && ++pages < 100);
    return items;
}

void TestDataSyncJson::compareWithGet(const QString &model, const QString &fields, const QList<QJsonObject> &items)
{
    for (const QJsonObject &item : items) {
        const QString id = item.value(u"id"_s).toString();
        const GraphQLReply r = m_server.query(getDoc(model, fields), {{u"id"_s, id}});
        QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson().constData());
        const QJsonObject got = r.data().value(u"get"_s + model).toObject();
        if (got != item) {
            qWarning().noquote() << "sync:" << QJsonDocument(item).toJson(QJsonDocument::Compact);
            qWarning().noquote() << "get: " << QJsonDocument(got).toJson(QJsonDocument::Compact);
        }
        QCOMPARE(got, item);
    }
}

void TestDataSyncJson::everyFieldMatchesGet()
{
    QString error;
    const QList<QJsonObject> items = syncAll(u"Everythings"_s, kEverythingFields, 0, 1000, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(items.size(), m_ids.size());
    compareWithGet(u"Everything"_s, kEverythingFields, items);

    // Spot checks on what the comparison rests on.
    QJsonObject quoted;
    for (const QJsonObject &item : items) {
        if (item.value(u"id"_s) == u"every-1"_s)
            quoted = item;
        if (item.value(u"id"_s) == u"every-gone"_s)
            QCOMPARE(item.value(u"_deleted"_s), QJsonValue(true));
        if (item.value(u"id"_s) == u"every-nulls"_s) {
            QCOMPARE(item.value(u"_deleted"_s), QJsonValue(QJsonValue::Null));
            QCOMPARE(item.value(u"numbers"_s), QJsonValue(QJsonValue::Null));
            QCOMPARE(item.value(u"address"_s), QJsonValue(QJsonValue::Null));
        }
    }
    QCOMPARE(quoted.value(u"name"_s).toString(), kTrickyStrings.at(1));
    QCOMPARE(quoted.value(u"alsoName"_s).toString(), kTrickyStrings.at(1));
    QCOMPARE(quoted.value(u"__typename"_s).toString(), u"Everything"_s);
    QCOMPARE(quoted.value(u"count"_s).toInteger(), qint64(-2147483647) - 1);
    QCOMPARE(quoted.value(u"ratio"_s).toDouble(), -2.5e-7);
    QCOMPARE(quoted.value(u"json"_s).toString(), u"{\"k\":[1,2,{\"s\":\"1\"}],\"n\":null}"_s);
    QCOMPARE(quoted.value(u"ratios"_s).toArray().at(1).toDouble(), 1e21);
    QCOMPARE(quoted.value(u"address"_s).toObject().value(u"geo"_s).toObject().value(u"lat"_s).toDouble(), 48.8566);
    QCOMPARE(quoted.value(u"addresses"_s).toArray().at(1).toObject(),
             QJsonObject({{u"__typename"_s, u"Address"_s}, {u"street"_s, u"two"_s},
                          {u"geo"_s, QJsonObject{{u"lat"_s, -1.5}}}}));
    for (qsizetype i = 0; i < kTrickyStrings.size(); ++i) {
        const auto it = std::find_if(items.begin(), items.end(),
                                     [&](const QJsonObject &o) { return o.value(u"id"_s) == u"every-%1"_s.arg(i); });
        QVERIFY(it != items.end());
        QCOMPARE(it->value(u"name"_s).toString(), kTrickyStrings.at(i));
        QCOMPARE(it->value(u"words"_s).toArray().at(0).toString(), kTrickyStrings.at(i));
    }
}

void TestDataSyncJson::deltaMatchesGet()
{
    const GraphQLReply r = m_server.query(
        u"mutation u($input: UpdateEverythingInput!) { updateEverything(input: $input) { id _version } }"_s,
        {{u"input"_s, QJsonObject{{u"id"_s, u"every-2"_s}, {u"_version"_s, 1}, {u"count"_s, 7},
                                  {u"words"_s, QJsonArray{u"after \"update\""_s}}}}});
    QVERIFY2(r.errors().isEmpty(), QJsonDocument(r.body).toJson().constData());
    QString error;
    // lastSync far enough back to take the delta log, not a base scan.
    const qint64 lastSync = QDateTime::currentMSecsSinceEpoch() - 60 * 1000;
    const QList<QJsonObject> items = syncAll(u"Everythings"_s, kEverythingFields, lastSync, 4, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(items.size(), m_ids.size() + 2);   // every write since: the creates, the delete, the update
    QJsonObject updated = items.constLast();
    QCOMPARE(updated.value(u"id"_s).toString(), u"every-2"_s);
    QCOMPARE(updated.value(u"count"_s).toInt(), 7);
    compareWithGet(u"Everything"_s, kEverythingFields, {updated});
}

void TestDataSyncJson::relationsMatchGet()
{
    QString error;
    const QList<QJsonObject> items = syncAll(u"Children"_s, kChildFields, 0, 2, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(items.size(), 4);
    compareWithGet(u"Child"_s, kChildFields, items);
    for (const QJsonObject &item : items) {
        if (item.value(u"id"_s) == u"orphan"_s) {
            QCOMPARE(item.value(u"parent"_s), QJsonValue(QJsonValue::Null));
        } else {
            QCOMPARE(item.value(u"parent"_s).toObject().value(u"id"_s), item.value(u"parentID"_s));
            QVERIFY(!item.value(u"parent"_s).toObject().value(u"name"_s).toString().isNull());
        }
    }
}

void TestDataSyncJson::pagingKeepsEveryRecordOnce()
{
    for (int limit : {1, 3, 1000}) {
        QString error;
        const QList<QJsonObject> items = syncAll(u"Everythings"_s, u"id name"_s, 0, limit, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList ids;
        for (const QJsonObject &item : items)
            ids.append(item.value(u"id"_s).toString());
        QStringList expected = m_ids;
        expected.sort();
        QCOMPARE(ids, expected);   // in key order, each once
    }
}

// A stored enum value the schema dropped since: null, as a get gives it.
void TestDataSyncJson::enumValueNoLongerInSchema()
{
    m_server.stop();
    QByteArray narrowed = kSchema;
    narrowed.replace("enum Priority { LOW HIGH IN_PROGRESS }", "enum Priority { LOW HIGH }");
    const QString error = m_server.start({}, narrowed);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QString syncError;
    const QList<QJsonObject> items = syncAll(u"Everythings"_s, u"id priority"_s, 0, 1000, &syncError);
    QVERIFY2(syncError.isEmpty(), qPrintable(syncError));
    int dropped = 0;
    for (const QJsonObject &item : items) {
        if (item.value(u"id"_s) == u"every-0"_s) {
            QCOMPARE(item.value(u"priority"_s), QJsonValue(QJsonValue::Null));   // was IN_PROGRESS
            ++dropped;
        }
        if (item.value(u"id"_s) == u"every-1"_s)
            QCOMPARE(item.value(u"priority"_s).toString(), u"HIGH"_s);
    }
    QCOMPARE(dropped, 1);
    const GraphQLReply got = m_server.query(getDoc(u"Everything"_s, u"id priority"_s), {{u"id"_s, u"every-0"_s}});
    QCOMPARE(got.data().value(u"getEverything"_s).toObject().value(u"priority"_s), QJsonValue(QJsonValue::Null));
}

QTEST_GUILESS_MAIN(TestDataSyncJson)
#include "tst_data_syncjson.moc"
