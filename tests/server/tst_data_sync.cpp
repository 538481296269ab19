// Sync queries of the real datastore-server over HTTP (PROTOCOL.md 2.3-2.5):
// base sync with keyset paging (also while others write), delta sync from
// the delta log, tombstones, filters, signed nextTokens, the delta TTL
// fallback to base, and the expiry sweep.
#include "tst_data_support.h"

#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using dstest::GraphQLReply;

class TestDataSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void basePaging_data();
    void basePaging();
    void writesBetweenPages();
    void deltaSync();
    void filter_data();
    void filter();
    void badToken_data();
    void badToken();
    void limitIsCapped();
    void expiry();
    void demoSeedReferences();

private:
    struct SyncResult
    {
        QList<QJsonObject> items;
        QList<qint64> startedAts;
        int pages = 0;
        QString error;
    };
    SyncResult syncAll(dstest::DataServer &server, qint64 lastSync, int limit, const QJsonValue &filter = QJsonValue::Null,
                       const std::function<void(int)> &betweenPages = {});
    QJsonObject write(dstest::DataServer &server, const QString &document, const QJsonObject &input);

    dstest::DataServer m_server;
};

void TestDataSync::initTestCase()
{
    const QString error = m_server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (int i = 0; i < 25; ++i) {
        const QJsonObject item = write(m_server, dstest::createPostDoc(),
                                       {{u"id"_s, u"p%1"_s.arg(i, 2, 10, QLatin1Char('0'))},
                                        {u"title"_s, u"Post %1"_s.arg(i)}, {u"rating"_s, 1 + i % 10},
                                        {u"status"_s, i % 2 ? u"DRAFT"_s : u"PUBLISHED"_s}});
        QCOMPARE(item.value(u"_version"_s).toInt(), 1);
    }
}

void TestDataSync::cleanupTestCase()
{
    m_server.stop();
}

QJsonObject TestDataSync::write(dstest::DataServer &server, const QString &document, const QJsonObject &input)
{
    const GraphQLReply r = server.query(document, {{u"input"_s, input}});
    if (!r.errors().isEmpty())
        qWarning() << r.body;
    const QJsonObject data = r.data();
    return data.isEmpty() ? QJsonObject() : data.begin().value().toObject();
}

TestDataSync::SyncResult TestDataSync::syncAll(dstest::DataServer &server, qint64 lastSync, int limit,
                                               const QJsonValue &filter, const std::function<void(int)> &betweenPages)
{
    SyncResult result;
    QJsonValue token = QJsonValue::Null;
    do {
        const GraphQLReply r = server.query(dstest::syncPostsDoc(), {{u"limit"_s, limit}, {u"nextToken"_s, token},
                                                                     {u"lastSync"_s, lastSync}, {u"filter"_s, filter}});
        if (!r.errors().isEmpty() || r.status != 200) {
            result.error = QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Compact));
            return result;
        }
        const QJsonObject page = r.data().value(u"syncPosts"_s).toObject();
        const QJsonArray items = page.value(u"items"_s).toArray();
        if (items.size() > limit) {
            result.error = u"page larger than the limit"_s;
            return result;
        }
        for (const QJsonValue &item : items)
            result.items.append(item.toObject());
        result.startedAts.append(qint64(page.value(u"startedAt"_s).toDouble()));
        token = page.value(u"nextToken"_s);
        if (betweenPages && !token.isNull())
            betweenPages(result.pages);
        ++result.pages;
    } while (!token.isNull() && result.pages < 1000);
    return result;
}

void TestDataSync::basePaging_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("pages");
    QTest::newRow("1") << 1 << 25;
    QTest::newRow("7") << 7 << 4;
    QTest::newRow("25") << 25 << 1;
    QTest::newRow("100 (default page)") << 100 << 1;
}

void TestDataSync::basePaging()
{
    QFETCH(int, limit);
    QFETCH(int, pages);
    const SyncResult r = syncAll(m_server, 0, limit, QJsonValue::Null);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QSet<QString> ids;
    for (const QJsonObject &item : r.items)
        ids.insert(item.value(u"id"_s).toString());
    QCOMPARE(ids.size(), r.items.size());   // no repeats
    QVERIFY(ids.size() >= 25);
    for (int i = 0; i < 25; ++i)
        QVERIFY(ids.contains(u"p%1"_s.arg(i, 2, 10, QLatin1Char('0'))));
    QCOMPARE(r.pages, pages + (ids.size() - 25 + limit - 1) / limit);
    for (qint64 startedAt : r.startedAts)
        QCOMPARE(startedAt, r.startedAts.constFirst());   // fixed at page 1
}

void TestDataSync::writesBetweenPages()
{
    // Rows that exist when the sync starts come exactly once, whatever is
    // written between the pages.
    dstest::DataServer server;
    QVERIFY2(server.start().isEmpty(), "server");
    QStringList initial;
    for (int i = 0; i < 20; ++i) {
        initial.append(u"w%1"_s.arg(i, 2, 10, QLatin1Char('0')));
        QVERIFY(!write(server, dstest::createPostDoc(), {{u"id"_s, initial.constLast()}, {u"title"_s, u"T"_s}}).isEmpty());
    }
    int created = 0;
    const SyncResult r = syncAll(server, 0, 3, QJsonValue::Null, [&](int page) {
        // Before the cursor, after it, an update of a row already sent and of one to come.
        write(server, dstest::createPostDoc(), {{u"id"_s, u"a-new-%1"_s.arg(page)}, {u"title"_s, u"N"_s}});
        write(server, dstest::createPostDoc(), {{u"id"_s, u"z-new-%1"_s.arg(page)}, {u"title"_s, u"N"_s}});
        created += 2;
        const QString sent = initial.at(qMin(19, page * 3));
        const QString later = initial.at(qMin(19, page * 3 + 5));
        for (const QString &id : {sent, later}) {
            const GraphQLReply get = server.query(u"query($id: ID!) { getPost(id: $id) { _version } }"_s, {{u"id"_s, id}});
            const int version = get.data().value(u"getPost"_s).toObject().value(u"_version"_s).toInt();
            write(server, dstest::updatePostDoc(), {{u"id"_s, id}, {u"rating"_s, page}, {u"_version"_s, version}});
        }
    });
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QHash<QString, int> seen;
    for (const QJsonObject &item : r.items)
        ++seen[item.value(u"id"_s).toString()];
    for (const QString &id : std::as_const(initial))
        QCOMPARE(seen.value(id), 1);
    for (auto it = seen.cbegin(); it != seen.cend(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(it.key()));
    QVERIFY(created > 0);

    // What was written during the sync comes with the next delta sync.
    const SyncResult delta = syncAll(server, r.startedAts.constFirst(), 1000);
    QVERIFY2(delta.error.isEmpty(), qPrintable(delta.error));
    QSet<QString> changed;
    for (const QJsonObject &item : delta.items)
        changed.insert(item.value(u"id"_s).toString());
    QVERIFY(changed.contains(u"a-new-0"_s));
    QVERIFY(changed.contains(u"z-new-0"_s));
    QVERIFY(changed.contains(initial.at(0)));
}

void TestDataSync::deltaSync()
{
    const SyncResult base = syncAll(m_server, 0, 1000);
    QVERIFY2(base.error.isEmpty(), qPrintable(base.error));
    const qint64 lastSync = base.startedAts.constFirst();
    QTest::qWait(2);

    // Nothing changed yet.
    SyncResult delta = syncAll(m_server, lastSync, 100);
    QVERIFY2(delta.error.isEmpty(), qPrintable(delta.error));
    QCOMPARE(delta.items.size(), 0);

    const QJsonObject updated = write(m_server, dstest::updatePostDoc(), {{u"id"_s, u"p03"_s}, {u"title"_s, u"changed"_s}, {u"_version"_s, 1}});
    QCOMPARE(updated.value(u"_version"_s).toInt(), 2);
    const QJsonObject deleted = write(m_server, dstest::deletePostDoc(), {{u"id"_s, u"p04"_s}, {u"_version"_s, 1}});
    QCOMPARE(deleted.value(u"_deleted"_s).toBool(), true);
    QVERIFY(!write(m_server, dstest::createPostDoc(), {{u"id"_s, u"p99"_s}, {u"title"_s, u"new"_s}}).isEmpty());

    delta = syncAll(m_server, lastSync, 2);   // paged delta
    QVERIFY2(delta.error.isEmpty(), qPrintable(delta.error));
    QCOMPARE(delta.items.size(), 3);
    QCOMPARE(delta.pages, 2);
    QCOMPARE(delta.items.at(0).value(u"id"_s).toString(), u"p03"_s);
    QCOMPARE(delta.items.at(0).value(u"title"_s).toString(), u"changed"_s);
    QCOMPARE(delta.items.at(1).value(u"id"_s).toString(), u"p04"_s);
    QCOMPARE(delta.items.at(1).value(u"_deleted"_s).toBool(), true);
    QCOMPARE(delta.items.at(1).value(u"_version"_s).toInt(), 2);
    QCOMPARE(delta.items.at(2).value(u"id"_s).toString(), u"p99"_s);
    QVERIFY(delta.startedAts.constFirst() >= lastSync);

    // A base sync keeps the tombstone.
    const SyncResult again = syncAll(m_server, 0, 1000);
    bool tombstone = false;
    for (const QJsonObject &item : again.items)
        tombstone = tombstone || (item.value(u"id"_s) == u"p04"_s && item.value(u"_deleted"_s).toBool());
    QVERIFY(tombstone);
}

void TestDataSync::filter_data()
{
    QTest::addColumn<QJsonObject>("filter");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("op");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("rating gt 5 (JS shape)")
        << QJsonObject{{u"and"_s, QJsonArray{QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 5}}}}}}}
        << u"rating"_s << u"gt"_s << QJsonValue(5);
    QTest::newRow("status eq DRAFT") << QJsonObject{{u"status"_s, QJsonObject{{u"eq"_s, u"DRAFT"_s}}}}
                                     << u"status"_s << u"eq"_s << QJsonValue(u"DRAFT"_s);
    QTest::newRow("live only") << QJsonObject{{u"_deleted"_s, QJsonObject{{u"ne"_s, true}}}}
                               << u"_deleted"_s << u"ne"_s << QJsonValue(true);
}

void TestDataSync::filter()
{
    QFETCH(QJsonObject, filter);
    QFETCH(QString, field);
    QFETCH(QString, op);
    QFETCH(QJsonValue, value);
    const SyncResult r = syncAll(m_server, 0, 4, filter);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY(!r.items.isEmpty());
    for (const QJsonObject &item : r.items) {
        const QJsonValue v = item.value(field);
        if (op == u"gt")
            QVERIFY(v.toDouble() > value.toDouble());
        else if (op == u"eq")
            QCOMPARE(v, value);
        else
            QVERIFY(v != value);
    }
    const SyncResult all = syncAll(m_server, 0, 1000);
    QVERIFY(r.items.size() < all.items.size());
}

void TestDataSync::badToken_data()
{
    QTest::addColumn<int>("kind");   // 0 tampered payload, 1 tampered signature, 2 garbage, 3 other filter, 4 other query
    QTest::newRow("tampered payload") << 0;
    QTest::newRow("tampered signature") << 1;
    QTest::newRow("garbage") << 2;
    QTest::newRow("token of another filter") << 3;
    QTest::newRow("token of another query") << 4;
}

void TestDataSync::badToken()
{
    QFETCH(int, kind);
    const GraphQLReply first = m_server.query(dstest::syncPostsDoc(), {{u"limit"_s, 2}, {u"lastSync"_s, 0}});
    QString token = first.data().value(u"syncPosts"_s).toObject().value(u"nextToken"_s).toString();
    QVERIFY(!token.isEmpty());
    QJsonValue filter = QJsonValue::Null;
    QString document = dstest::syncPostsDoc();
    QJsonObject variables{{u"limit"_s, 2}, {u"lastSync"_s, 0}};
    switch (kind) {
    case 0: {
        const qsizetype dot = token.indexOf(u'.');
        QByteArray payload = QByteArray::fromBase64(token.left(dot).toLatin1(), QByteArray::Base64UrlEncoding);
        payload.replace("\"c\":[", "\"c\":[\"'; DROP TABLE Post; --\",");
        token = QString::fromLatin1(payload.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                + token.mid(dot);
        break;
    }
    case 1:
        token[token.size() - 2] = token.at(token.size() - 2) == u'A' ? u'B' : u'A';
        break;
    case 2:
        token = u"not a token at all"_s;
        break;
    case 3:
        filter = QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 1}}}};
        break;
    case 4:
        document = u"query($nextToken: String) { listPosts(nextToken: $nextToken) { items { id } nextToken } }"_s;
        break;
    }
    variables.insert(u"nextToken"_s, token);
    variables.insert(u"filter"_s, filter);
    const GraphQLReply r = m_server.query(document, variables);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.errorType(), u"BadRequestException"_s);
    QVERIFY(r.firstError().value(u"message"_s).toString().contains(u"nextToken"_s));
    QVERIFY(!r.firstError().value(u"message"_s).toString().contains(u"SQL"_s, Qt::CaseInsensitive));
    // The table is still there.
    QVERIFY(syncAll(m_server, 0, 1000).error.isEmpty());
}

void TestDataSync::limitIsCapped()
{
    const GraphQLReply r = m_server.query(dstest::syncPostsDoc(), {{u"limit"_s, 5000}, {u"lastSync"_s, 0}});
    QVERIFY(r.errors().isEmpty());
    QVERIFY(r.data().value(u"syncPosts"_s).toObject().value(u"nextToken"_s).isNull());
    const GraphQLReply none = m_server.query(u"query { syncPosts { items { id } nextToken startedAt } }"_s);
    QVERIFY(none.errors().isEmpty());   // limit and lastSync absent: base, 100 per page
}

void TestDataSync::expiry()
{
    // Short TTLs: a lastSync older than the delta TTL gets a base sync, and
    // tombstones disappear after the tombstone TTL.
    dstest::DataServer server;
    // TTLs of a few seconds so that a loaded CI machine still does the
    // "within the TTL" steps in time.
    QVERIFY2(server.start({u"--delta-ttl"_s, u"3s"_s, u"--tombstone-ttl"_s, u"3s"_s,
                           u"--sweep-interval"_s, u"200ms"_s}).isEmpty(), "server");
    QVERIFY(!write(server, dstest::createPostDoc(), {{u"id"_s, u"old"_s}, {u"title"_s, u"T"_s}}).isEmpty());
    QVERIFY(!write(server, dstest::createPostDoc(), {{u"id"_s, u"gone"_s}, {u"title"_s, u"T"_s}}).isEmpty());
    // A delta sync returns changes at or after lastSync (ms): let the clock
    // move past the creates so that only the delete is "after".
    QTest::qWait(5);
    const SyncResult base = syncAll(server, 0, 100);
    const qint64 lastSync = base.startedAts.constFirst();
    QVERIFY(!write(server, dstest::deletePostDoc(), {{u"id"_s, u"gone"_s}, {u"_version"_s, 1}}).isEmpty());
    // Within the delta TTL: delta, the tombstone only.
    SyncResult delta = syncAll(server, lastSync, 100);
    QCOMPARE(delta.items.size(), 1);
    QCOMPARE(delta.items.at(0).value(u"_deleted"_s).toBool(), true);
    QTest::qWait(3600);
    // Older than the delta TTL: base (every live item), and the tombstone has expired.
    delta = syncAll(server, lastSync, 100);
    QVERIFY2(delta.error.isEmpty(), qPrintable(delta.error));
    QCOMPARE(delta.items.size(), 1);
    QCOMPARE(delta.items.at(0).value(u"id"_s).toString(), u"old"_s);
    // The sweep removed the tombstone: the id can be created again.
    QTRY_VERIFY_WITH_TIMEOUT(!write(server, dstest::createPostDoc(), {{u"id"_s, u"gone"_s}, {u"title"_s, u"again"_s}}).isEmpty(), 5000);
}

QTEST_GUILESS_MAIN(TestDataSync)
// --seed demo: every comment's postID names a seeded post (Amplify JS fails
// the whole Comment base sync on one whose `post` resolves to null), and some
// begin with "This" (the selective-sync example).
void TestDataSync::demoSeedReferences()
{
    dstest::DataServer server;
    const QString error = server.start({u"--seed"_s, u"demo"_s});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto all = [&](const QString &field, const QString &fields) {
        QList<QJsonObject> items;
        QJsonValue token = QJsonValue::Null;
        do {
            const GraphQLReply r = server.query(u"query ($t: String) { %1(limit: 1000, nextToken: $t) { items { %2 } nextToken } }"_s
                                                    .arg(field, fields),
                                                {{u"t"_s, token}});
            if (!r.errors().isEmpty())
                return QList<QJsonObject>();
            const QJsonObject page = r.data().value(field).toObject();
            for (const QJsonValue &item : page.value(u"items"_s).toArray())
                items.append(item.toObject());
            token = page.value(u"nextToken"_s);
        } while (!token.isNull());
        return items;
    };
    QSet<QString> postIds;
    for (const QJsonObject &p : all(u"syncPosts"_s, u"id"_s))
        postIds.insert(p.value(u"id"_s).toString());
    QCOMPARE(postIds.size(), 5000);
    const QList<QJsonObject> comments = all(u"syncComments"_s, u"id postID post { id }"_s);
    QCOMPARE(comments.size(), 2500);
    int beginsWithThis = 0;
    for (const QJsonObject &c : comments) {
        const QString postID = c.value(u"postID"_s).toString();
        QVERIFY2(postIds.contains(postID), qPrintable(u"comment %1 points at no post: %2"_s.arg(c.value(u"id"_s).toString(), postID)));
        QCOMPARE(c.value(u"post"_s).toObject().value(u"id"_s).toString(), postID);
        beginsWithThis += postID.startsWith(u"This") ? 1 : 0;
    }
    QVERIFY(beginsWithThis >= 250);
    server.stop();
}

#include "tst_data_sync.moc"
