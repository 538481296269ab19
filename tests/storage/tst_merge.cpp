// Storage::mergeRemote(): the one ingestion path for remote records
// (PROTOCOL.md 6.6, amplify-js semantics): upserts with _version and
// _lastChangedAt, remote deletes, records with outbox entries untouched, the
// last occurrence of an id winning, nothing queued, one transaction.
#include "storagetest_p.h"

#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using ds::Change;
using ds::MergeResult;
using ds::Storage;

class tst_Merge : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void insertsWithMetadata();
    void updatesAndUnchanged();
    void remoteDeleteRemovesRow();
    void pendingOutboxWins_data();
    void pendingOutboxWins();
    void heldBackMergesAfterTheAnswer();
    void lastOccurrenceWins();
    void invalidItemsRejected();
    void rollsBackInsideTransaction();
    void queriesSeeMergedRows();
    void largeBatchAsOneByOne_data();
    void largeBatchAsOneByOne();

private:
    ds::Schema m_schema;
    const ds::ModelSchema *m_post = nullptr;
    QTemporaryDir m_dir;
    std::unique_ptr<Storage> m_store;
    int m_run = 0;
};

namespace {

QVariantMap post(const QString &id, const QString &title, int version, qint64 changedAt,
                 int rating = 1)
{
    return QVariantMap{{u"id"_s, id},
                       {u"title"_s, title},
                       {u"rating"_s, rating},
                       {u"content"_s, QVariant()},
                       {u"createdAt"_s, u"2024-05-06T10:00:00.000Z"_s},
                       {u"updatedAt"_s, u"2024-05-06T10:05:00.000Z"_s},
                       {u"_version"_s, version},
                       {u"_lastChangedAt"_s, changedAt},
                       {u"_deleted"_s, QVariant()},
                       // a relation object as the selection set carries it: ignored
                       {u"comments"_s, QVariantMap{{u"nextToken"_s, QVariant()}}}};
}

QVariantMap tombstone(const QString &id, int version, qint64 changedAt)
{
    QVariantMap p = post(id, u"gone"_s, version, changedAt);
    p.insert(u"_deleted"_s, true);
    return p;
}

} // namespace

void tst_Merge::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_schema = storagetest::appSchema();
    m_post = m_schema.model(u"Post");
    QVERIFY(m_post);
}

void tst_Merge::init()
{
    m_store = std::make_unique<Storage>(m_schema);
    DS_VERIFY_OK(m_store->open(m_dir.filePath(u"merge%1.db"_s.arg(++m_run))));
}

void tst_Merge::cleanup()
{
    m_store.reset();
}

void tst_Merge::insertsWithMetadata()
{
    const auto r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one"_s, 3, 1000),
                                                  post(u"p2"_s, u"two"_s, 1, 2000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->created, 2);
    QCOMPARE(r->updated, 0);
    QCOMPARE(r->changes.size(), 2);
    QCOMPARE(r->changes.at(0).type, Change::Type::Created);
    QCOMPARE(r->changes.at(0).element.value(u"title"_s).toString(), u"one"_s);
    QCOMPARE(r->changes.at(0).element.value(u"_version"_s).toInt(), 3);
    QVERIFY(!r->changes.at(0).element.contains(u"comments"_s));

    const auto got = m_store->get(*m_post, {{u"id"_s, u"p1"_s}});
    DS_VERIFY_OK(got);
    QVERIFY(got->has_value());
    QCOMPARE((*got)->version, std::optional<int>(3));
    QCOMPARE((*got)->lastChangedAt, std::optional<qint64>(1000));
    QCOMPARE((*got)->deleted, false);
    QCOMPARE((*got)->fields.value(u"title"_s).toString(), u"one"_s);
    QCOMPARE((*got)->fields.value(u"createdAt"_s).toString(), u"2024-05-06T10:00:00.000Z"_s);
    // Remote data is never queued.
    QCOMPARE(*m_store->pendingMutationCount(), 0);
}

void tst_Merge::updatesAndUnchanged()
{
    DS_VERIFY_OK(m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one"_s, 1, 1000)}));
    auto r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one v2"_s, 2, 2000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->updated, 1);
    QCOMPARE(r->created, 0);
    QCOMPARE(r->changes.size(), 1);
    QCOMPARE(r->changes.first().type, Change::Type::Updated);
    const auto got = m_store->get(*m_post, {{u"id"_s, u"p1"_s}});
    QCOMPARE((*got)->fields.value(u"title"_s).toString(), u"one v2"_s);
    QCOMPARE((*got)->version, std::optional<int>(2));

    // The same version again (a delta re-delivering it): nothing changes.
    r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one v2"_s, 2, 2000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->unchanged, 1);
    QCOMPARE(r->updated, 0);
    QVERIFY(r->changes.isEmpty());

    // An OLDER version (a subscription event held during a sync round that
    // already brought a later one) never rolls the row back.
    r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one v1, late"_s, 1, 1500)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->unchanged, 1);
    QCOMPARE(r->updated, 0);
    QCOMPARE((*m_store->get(*m_post, {{u"id"_s, u"p1"_s}}))->fields.value(u"title"_s).toString(), u"one v2"_s);
    // A newer one does apply.
    r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one v3"_s, 3, 3000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->updated, 1);
    QCOMPARE((*m_store->get(*m_post, {{u"id"_s, u"p1"_s}}))->version, std::optional<int>(3));
}

void tst_Merge::remoteDeleteRemovesRow()
{
    DS_VERIFY_OK(m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one"_s, 1, 1000),
                                                post(u"p2"_s, u"two"_s, 1, 1000)}));
    const auto r = m_store->mergeRemote(*m_post, {tombstone(u"p1"_s, 2, 3000),
                                                  tombstone(u"nope"_s, 2, 3000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->deleted, 1);
    QCOMPARE(r->unchanged, 1);   // a tombstone of a record we never had
    QCOMPARE(r->changes.size(), 1);
    QCOMPARE(r->changes.first().type, Change::Type::Deleted);
    QCOMPARE(r->changes.first().element.value(u"title"_s).toString(), u"one"_s);
    QCOMPARE(r->changes.first().element.value(u"_deleted"_s).toBool(), true);
    QCOMPARE(r->changes.first().element.value(u"_version"_s).toInt(), 2);
    const auto got = m_store->get(*m_post, {{u"id"_s, u"p1"_s}});
    DS_VERIFY_OK(got);
    QVERIFY(!got->has_value());
    QCOMPARE(*m_store->count(*m_post, ds::Predicate::all()), 1);
}

void tst_Merge::pendingOutboxWins_data()
{
    QTest::addColumn<QString>("local");   // what the local write was
    QTest::newRow("created locally") << u"create"_s;
    QTest::newRow("updated locally") << u"update"_s;
    QTest::newRow("deleted locally") << u"delete"_s;
    QTest::newRow("update in flight") << u"inflight"_s;
}

void tst_Merge::pendingOutboxWins()
{
    QFETCH(QString, local);
    const QVariantMap key{{u"id"_s, u"p1"_s}};
    if (local == u"create") {
        DS_VERIFY_OK(m_store->save(*m_post, {{u"id"_s, u"p1"_s}, {u"title"_s, u"mine"_s}}));
    } else {
        DS_VERIFY_OK(m_store->mergeRemote(*m_post, {post(u"p1"_s, u"theirs v1"_s, 1, 1000)}));
        if (local == u"delete") {
            DS_VERIFY_OK(m_store->remove(*m_post, key));
        } else {
            DS_VERIFY_OK(m_store->save(*m_post, {{u"id"_s, u"p1"_s}, {u"title"_s, u"mine"_s}}));
            if (local == u"inflight") {
                auto head = m_store->peekOutbox();
                DS_VERIFY_OK(head);
                ds::OutboxEntry entry = **head;
                entry.state = ds::OutboxEntry::State::InFlight;
                DS_VERIFY_OK(m_store->updateOutboxEntry(entry));
            }
        }
    }
    const qint64 queued = *m_store->pendingMutationCount();
    QVERIFY(queued > 0);

    for (const QVariantMap &remote : {post(u"p1"_s, u"theirs v5"_s, 5, 5000), tombstone(u"p1"_s, 6, 6000)}) {
        const auto r = m_store->mergeRemote(*m_post, {remote, post(u"p2"_s, u"other"_s, 1, 1000)});
        DS_VERIFY_OK(r);
        QCOMPARE(r->skippedPending, 1);
        for (const Change &c : r->changes)
            QCOMPARE(c.element.value(u"id"_s).toString(), u"p2"_s);
    }
    const auto got = m_store->get(*m_post, key);
    DS_VERIFY_OK(got);
    if (local == u"delete") {
        QVERIFY(!got->has_value());
    } else {
        QVERIFY(got->has_value());
        QCOMPARE((*got)->fields.value(u"title"_s).toString(), u"mine"_s);
        QVERIFY((*got)->version.value_or(0) < 5);
    }
    QCOMPARE(*m_store->pendingMutationCount(), queued);

    // Once the outbox entry is gone (the mutation processed), the response merges.
    const auto entries = m_store->outbox();
    for (const ds::OutboxEntry &e : *entries)
        DS_VERIFY_OK(m_store->removeOutboxEntry(e.id));
    const auto r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"server v7"_s, 7, 7000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->skippedPending, 0);
    const auto after = m_store->get(*m_post, key);
    QCOMPARE((*after)->fields.value(u"title"_s).toString(), u"server v7"_s);
    QCOMPARE((*after)->version, std::optional<int>(7));
}

void tst_Merge::heldBackMergesAfterTheAnswer()
{
    // Our update of p1 is in flight (answer: v3) when another client's change
    // (v4) arrives: it is held back, then merged once our answer is in.
    // p2: the held change is older than our answer (already in it): dropped.
    // p3: we deleted it; an older change must not bring it back.
    for (const char *id : {"p1", "p2", "p3"})
        DS_VERIFY_OK(m_store->mergeRemote(*m_post, {post(QString::fromLatin1(id), u"v2"_s, 2, 2000)}));
    DS_VERIFY_OK(m_store->save(*m_post, {{u"id"_s, u"p1"_s}, {u"title"_s, u"mine"_s}}));
    DS_VERIFY_OK(m_store->save(*m_post, {{u"id"_s, u"p2"_s}, {u"title"_s, u"mine"_s}}));
    DS_VERIFY_OK(m_store->remove(*m_post, {{u"id"_s, u"p3"_s}}));
    const auto held = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"theirs v4"_s, 4, 4000, 8),
                                                     post(u"p2"_s, u"theirs v3"_s, 3, 3000),
                                                     post(u"p3"_s, u"theirs v3"_s, 3, 3000)});
    DS_VERIFY_OK(held);
    QCOMPARE(held->skippedPending, 3);

    // A second entry for p1 still queued: the held change waits.
    const auto entries = m_store->outbox();
    DS_VERIFY_OK(entries);
    QCOMPARE(entries->size(), 3);
    DS_VERIFY_OK(m_store->save(*m_post, {{u"id"_s, u"p1"_s}, {u"title"_s, u"mine again"_s}}));
    auto waiting = m_store->mergeHeldBack(*m_post, u"p1"_s, 3);
    DS_VERIFY_OK(waiting);
    QVERIFY(waiting->changes.isEmpty());

    const QHash<QString, int> answered{{u"p1"_s, 3}, {u"p2"_s, 4}, {u"p3"_s, 4}};
    for (const ds::OutboxEntry &e : *m_store->outbox()) {
        DS_VERIFY_OK(m_store->removeOutboxEntry(e.id));
        const int version = answered.value(e.recordId);
        if (e.recordId == u"p3"_s)
            DS_VERIFY_OK(m_store->mergeRemote(*m_post, {tombstone(e.recordId, version, 5000)}));
        else
            DS_VERIFY_OK(m_store->mergeRemote(*m_post, {post(e.recordId, u"mine"_s, version, 5000)}));
        const auto r = m_store->mergeHeldBack(*m_post, e.recordId, version);
        DS_VERIFY_OK(r);
        if (e.recordId == u"p1"_s && m_store->outboxFor(u"Post"_s, u"p1"_s)->isEmpty()) {
            QCOMPARE(r->changes.size(), 1);
            QCOMPARE(r->changes.constFirst().element.value(u"title"_s).toString(), u"theirs v4"_s);
        } else {
            QVERIFY(r->changes.isEmpty());
        }
    }
    const auto p1 = m_store->get(*m_post, {{u"id"_s, u"p1"_s}});
    QCOMPARE((*p1)->version, std::optional<int>(4));
    QCOMPARE((*p1)->fields.value(u"rating"_s).toInt(), 8);
    const auto p2 = m_store->get(*m_post, {{u"id"_s, u"p2"_s}});
    QCOMPARE((*p2)->version, std::optional<int>(4));
    QCOMPARE((*p2)->fields.value(u"title"_s).toString(), u"mine"_s);
    const auto p3 = m_store->get(*m_post, {{u"id"_s, u"p3"_s}});
    QVERIFY(!p3->has_value());
    // Nothing is held any more.
    const auto again = m_store->mergeHeldBack(*m_post, u"p1"_s, 0);
    DS_VERIFY_OK(again);
    QVERIFY(again->changes.isEmpty());
}

void tst_Merge::lastOccurrenceWins()
{
    // A delta page may carry several versions of one record.
    auto r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"v1"_s, 1, 1000),
                                            post(u"p2"_s, u"x"_s, 1, 1000),
                                            post(u"p1"_s, u"v2"_s, 2, 2000),
                                            post(u"p1"_s, u"v3"_s, 3, 3000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->created, 2);
    QCOMPARE(r->duplicates, 2);
    auto got = m_store->get(*m_post, {{u"id"_s, u"p1"_s}});
    QCOMPARE((*got)->fields.value(u"title"_s).toString(), u"v3"_s);
    QCOMPARE((*got)->version, std::optional<int>(3));

    // Update then delete in one batch: deleted. Delete then re-create: present.
    r = m_store->mergeRemote(*m_post, {post(u"p1"_s, u"v4"_s, 4, 4000), tombstone(u"p1"_s, 5, 5000),
                                       tombstone(u"p2"_s, 2, 2000), post(u"p2"_s, u"back"_s, 3, 3000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->deleted, 1);
    QCOMPARE(r->updated, 1);
    got = m_store->get(*m_post, {{u"id"_s, u"p1"_s}});
    QVERIFY(!got->has_value());
    got = m_store->get(*m_post, {{u"id"_s, u"p2"_s}});
    QCOMPARE((*got)->fields.value(u"title"_s).toString(), u"back"_s);
}

void tst_Merge::invalidItemsRejected()
{
    QVariantMap bad = post(u"p1"_s, u"x"_s, 1, 1000);
    bad.remove(u"title"_s);                       // required
    QVariantMap worse = post(u"p2"_s, u"x"_s, 1, 1000);
    worse.insert(u"rating"_s, u"high"_s);         // wrong type
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"remote record ignored"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"remote record ignored"_s));
    const auto r = m_store->mergeRemote(*m_post, {bad, worse, post(u"p3"_s, u"ok"_s, 1, 1000)});
    DS_VERIFY_OK(r);
    QCOMPARE(r->rejected, 2);
    QCOMPARE(r->created, 1);
}

void tst_Merge::rollsBackInsideTransaction()
{
    const auto t = m_store->transaction([&]() -> ds::Result<void> {
        DS_TRY(m_store->mergeRemote(*m_post, {post(u"p1"_s, u"one"_s, 1, 1000)}));
        ds::SyncMetadata meta;
        meta.model = u"Post"_s;
        meta.resumeToken = u"token"_s;
        DS_TRY(m_store->setSyncMetadata(meta));
        return ds::Error(ds::Error::Domain::Storage, u"Test"_s, u"abort"_s);
    });
    QVERIFY(!t);
    QCOMPARE(*m_store->count(*m_post, ds::Predicate::all()), 0);
    QVERIFY(m_store->syncMetadata(u"Post"_s)->resumeToken.isEmpty());
}

void tst_Merge::queriesSeeMergedRows()
{
    QList<QVariantMap> items;
    for (int i = 0; i < 500; ++i)
        items.append(post(u"p%1"_s.arg(i, 4, 10, QChar(u'0')), u"t"_s, 1, 1000, i % 10));
    const auto r = m_store->mergeRemote(*m_post, items);
    DS_VERIFY_OK(r);
    QCOMPARE(r->created, 500);
    const auto n = m_store->count(*m_post, storagetest::parse(m_schema, u"Post"_s, u"rating > 5"_s));
    DS_VERIFY_OK(n);
    QCOMPARE(*n, 200);
    // A local save of a merged record updates it and queues an Update with
    // the merged _version.
    DS_VERIFY_OK(m_store->save(*m_post, {{u"id"_s, u"p0001"_s}, {u"title"_s, u"edited"_s}}));
    const auto head = m_store->peekOutbox();
    DS_VERIFY_OK(head);
    QCOMPARE((*head)->type, ds::MutationType::Update);
    QCOMPARE((*head)->version, std::optional<int>(1));
}

void tst_Merge::largeBatchAsOneByOne_data()
{
    // Existing rows (id -> version) before the batch; which ids have a local
    // outbox entry; the batch: ids with their version, '-' for a tombstone.
    QTest::addColumn<QList<int>>("existing");
    QTest::addColumn<QList<int>>("local");
    QTest::addColumn<QStringList>("batch");
    QStringList fresh;
    for (int i = 0; i < 250; ++i)
        fresh.append(QString::number(i) + u":1"_s);
    QTest::newRow("all new (a base sync)") << QList<int>{} << QList<int>{} << fresh;
    QTest::newRow("existing rows inside runs") << QList<int>{5, 120, 121, 249} << QList<int>{} << fresh;
    QStringList mixed = fresh;
    mixed[10] = u"10:-"_s;            // tombstone of a row that exists
    mixed[150] = u"150:-"_s;          // tombstone of a row that does not
    mixed[200] = u"7:3"_s;            // an earlier id again: the last one wins
    mixed.append(u"3:1"_s);           // a stale version of a row at version 2
    QTest::newRow("pending, deletes, duplicates, stale")
        << QList<int>{3, 10, 60} << QList<int>{60, 61, 248} << mixed;
}

void tst_Merge::largeBatchAsOneByOne()
{
    // One call over the whole batch (runs of new records take one multi-row
    // INSERT) and one call per record (never batched) must leave the same
    // rows and report the same.
    QFETCH(QList<int>, existing);
    QFETCH(QList<int>, local);
    QFETCH(QStringList, batch);
    auto id = [](int i) -> QString { return u"big-"_s + QString::number(i); };
    QList<QVariantMap> items;
    for (const QString &entry : std::as_const(batch)) {
        const QStringList parts = entry.split(u':');
        const int i = parts.at(0).toInt();
        items.append(parts.at(1) == u"-" ? tombstone(id(i), 9, 9000)
                                         : post(id(i), u"title "_s + entry, parts.at(1).toInt(), 1000 + i, i % 7));
    }
    Storage other(m_schema);
    DS_VERIFY_OK(other.open(m_dir.filePath(u"merge-one-by-one%1.db"_s.arg(m_run))));
    for (Storage *store : {m_store.get(), &other}) {
        for (int i : std::as_const(existing))
            DS_VERIFY_OK(store->mergeRemote(*m_post, {post(id(i), u"old"_s, 2, 500)}));
        for (int i : std::as_const(local))
            DS_VERIFY_OK(store->save(*m_post, {{u"id"_s, id(i)}, {u"title"_s, u"mine"_s}}));
    }

    const auto whole = m_store->mergeRemote(*m_post, items);
    DS_VERIFY_OK(whole);
    MergeResult sum;
    for (qsizetype k = 0; k < items.size(); ++k) {
        const QString key = items.at(k).value(u"id"_s).toString();
        bool later = false;
        for (qsizetype j = k + 1; j < items.size() && !later; ++j)
            later = items.at(j).value(u"id"_s).toString() == key;
        if (later) {
            ++sum.duplicates;
            continue;
        }
        const auto one = other.mergeRemote(*m_post, {items.at(k)});
        DS_VERIFY_OK(one);
        sum.created += one->created;
        sum.updated += one->updated;
        sum.deleted += one->deleted;
        sum.unchanged += one->unchanged;
        sum.skippedPending += one->skippedPending;
        sum.changes += one->changes;
    }
    QCOMPARE(whole->created, sum.created);
    QCOMPARE(whole->updated, sum.updated);
    QCOMPARE(whole->deleted, sum.deleted);
    QCOMPARE(whole->unchanged, sum.unchanged);
    QCOMPARE(whole->skippedPending, sum.skippedPending);
    QCOMPARE(whole->duplicates, sum.duplicates);
    QCOMPARE(whole->changes.size(), sum.changes.size());
    for (qsizetype k = 0; k < sum.changes.size(); ++k) {
        QCOMPARE(int(whole->changes.at(k).type), int(sum.changes.at(k).type));
        QCOMPARE(whole->changes.at(k).element, sum.changes.at(k).element);
    }
    QVERIFY(whole->created > 0);
    ds::QueryOptions all;
    all.includeDeleted = true;
    const auto rowsWhole = m_store->query(*m_post, all);
    const auto rowsOne = other.query(*m_post, all);
    DS_VERIFY_OK(rowsWhole);
    DS_VERIFY_OK(rowsOne);
    QCOMPARE(*rowsWhole, *rowsOne);
    QCOMPARE(*m_store->pendingMutationCount(), *other.pendingMutationCount());
}

QTEST_GUILESS_MAIN(tst_Merge)

#include "tst_merge.moc"
