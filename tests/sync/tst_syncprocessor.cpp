// SyncProcessor end to end: the real datastore-server on 127.0.0.1 (its own
// SQLite file), seeded through HTTP mutations, and a fresh local Storage file
// per case. Base sync in pages, delta sync after server-side changes and
// deletes, pending outbox entries winning, a sync expression, max records,
// and a base sync interrupted by killing the server, resumed after restart.
//
// DS_SYNC_BENCH_RECORDS=N runs benchmarkBaseSync with N posts (skipped
// otherwise) and prints base-sync records/s end to end.
#include "syncserver.h"

#include "predicate/text.h"
#include "storage/storage.h"
#include "sync/syncprocessor.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds;
using synctest::SyncServer;

class tst_SyncProcessor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void baseSyncMatchesServer();
    void changeRecordsOnlyWhenWanted();
    void deltaSyncBringsChangesAndDeletes();
    void pendingOutboxEntryNotOverwritten();
    void syncExpressionFilters();
    void changedExpressionRefilters();
    void maxRecordsRespected();
    void interruptedBaseSyncResumes();
    void networkErrorEndsRound();
    void benchmarkBaseSync();

private:
    struct Round
    {
        Error error;
        QList<QList<QVariant>> synced;     // modelSynced arguments
        QHash<QString, QList<int>> pages;  // items per applied page, per model
        QStringList errors;                // "Model: message" per errorOccurred
    };
    Round runRound(Storage &storage, const std::function<void(SyncProcessor &)> &setup = {});
    std::unique_ptr<Storage> freshStorage();
    QList<QJsonObject> seedPosts(net::GraphQLClient &client, int count, const QString &prefix,
                                 int firstRating = 0);
    void verifyMatches(Storage &storage, const QList<QJsonObject> &server);

    QTemporaryDir m_dir;
    Schema m_schema;
    const ModelSchema *m_post = nullptr;
    const ModelSchema *m_comment = nullptr;
    std::unique_ptr<SyncServer> m_server;
    std::unique_ptr<net::GraphQLClient> m_client;
    QHash<QString, QJsonObject> m_posts;    // the server's posts as mutations returned them
    QHash<QString, QJsonObject> m_comments;
    int m_stores = 0;
};

namespace {

constexpr int kPosts = 2500;
constexpr int kComments = 300;

QJsonObject postInput(const QString &id, int rating)
{
    return QJsonObject{{u"id"_s, id},
                       {u"title"_s, QString(u"Post "_s + id)},
                       {u"content"_s, QString(u"content of "_s + id)},
                       {u"rating"_s, rating},
                       {u"status"_s, rating % 2 ? u"PUBLISHED"_s : u"DRAFT"_s},
                       {u"tags"_s, QJsonArray{u"a"_s, id}}};
}

} // namespace

std::unique_ptr<Storage> tst_SyncProcessor::freshStorage()
{
    auto storage = std::make_unique<Storage>(m_schema);
    const Result<void> r = storage->open(m_dir.filePath(u"client%1.db"_s.arg(++m_stores)));
    if (!r)
        qWarning().noquote() << r.error().message();
    return storage;
}

QList<QJsonObject> tst_SyncProcessor::seedPosts(net::GraphQLClient &client, int count,
                                                const QString &prefix, int firstRating)
{
    QList<net::GraphQLRequest> requests;
    for (int i = 0; i < count; ++i) {
        const QString id = prefix + u"%1"_s.arg(i, 6, 10, QChar(u'0'));
        requests.append(net::mutation(m_schema, *m_post, net::MutationType::Create,
                                      postInput(id, (firstRating + i) % 10)));
    }
    return synctest::sendAll(client, requests);
}

tst_SyncProcessor::Round tst_SyncProcessor::runRound(Storage &storage,
                                                     const std::function<void(SyncProcessor &)> &setup)
{
    Round round;
    SyncProcessor sync(storage, *m_client);
    SyncOptions options;
    options.pageSize = 1000;
    sync.setOptions(options);
    if (setup)
        setup(sync);
    connect(&sync, &SyncProcessor::modelSynced, this,
            [&round](const QString &model, bool full, bool delta, int created, int updated, int deleted) {
                round.synced.append({model, full, delta, created, updated, deleted});
            });
    connect(&sync, &SyncProcessor::pageApplied, this,
            [&round](const QString &model, int items, bool) { round.pages[model].append(items); });
    connect(&sync, &SyncProcessor::errorOccurred, this, [&round](const QString &model, const Error &e) {
        round.errors.append(model + u": "_s + e.message());
    });
    bool done = false;
    connect(&sync, &SyncProcessor::finished, this, [&](const Error &e) {
        round.error = e;
        done = true;
    });
    sync.start();
    if (!QTest::qWaitFor([&] { return done; }, 60000))
        qWarning("the sync round did not finish");
    return round;
}

void tst_SyncProcessor::verifyMatches(Storage &storage, const QList<QJsonObject> &server)
{
    for (const QJsonObject &item : server) {
        const QString id = item.value(u"id"_s).toString();
        const auto got = storage.get(*m_post, {{u"id"_s, id}});
        QVERIFY(got);
        if (item.value(u"_deleted"_s).toBool()) {
            QVERIFY2(!got->has_value(), qPrintable(id));
            continue;
        }
        QVERIFY2(got->has_value(), qPrintable(id));
        const Record &r = **got;
        QCOMPARE(r.version, std::optional<int>(item.value(u"_version"_s).toInt()));
        QCOMPARE(r.lastChangedAt, std::optional<qint64>(qint64(item.value(u"_lastChangedAt"_s).toDouble())));
        QCOMPARE(r.fields.value(u"title"_s).toString(), item.value(u"title"_s).toString());
        QCOMPARE(r.fields.value(u"content"_s).toString(), item.value(u"content"_s).toString());
        QCOMPARE(r.fields.value(u"rating"_s).toInt(), item.value(u"rating"_s).toInt());
        QCOMPARE(r.fields.value(u"status"_s).toString(), item.value(u"status"_s).toString());
        QCOMPARE(r.fields.value(u"tags"_s).toStringList(), item.value(u"tags"_s).toVariant().toStringList());
        QCOMPARE(r.fields.value(u"createdAt"_s).toString(), item.value(u"createdAt"_s).toString());
        QCOMPARE(r.fields.value(u"updatedAt"_s).toString(), item.value(u"updatedAt"_s).toString());
    }
}

void tst_SyncProcessor::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile file(synctest::schemaFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    SourceError error;
    auto schema = Schema::fromGraphQL(file.readAll(), u"schema.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.toString()));
    m_schema = std::move(*schema);
    m_post = m_schema.model(u"Post");
    m_comment = m_schema.model(u"Comment");
    QVERIFY(m_post && m_comment);

    m_server = std::make_unique<SyncServer>(m_dir.filePath(u"server.sqlite"_s));
    const QString started = m_server->start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    m_client = std::make_unique<net::GraphQLClient>();
    synctest::configure(*m_client, m_server->graphqlUrl());

    const QList<QJsonObject> posts = seedPosts(*m_client, kPosts, u"post-"_s);
    QCOMPARE(posts.size(), kPosts);
    for (const QJsonObject &p : posts)
        m_posts.insert(p.value(u"id"_s).toString(), p);
    QList<net::GraphQLRequest> comments;
    for (int i = 0; i < kComments; ++i) {
        comments.append(net::mutation(
            m_schema, *m_comment, net::MutationType::Create,
            QJsonObject{{u"id"_s, u"comment-%1"_s.arg(i, 4, 10, QChar(u'0'))},
                        {u"postID"_s, u"post-%1"_s.arg(i % 100, 6, 10, QChar(u'0'))},
                        {u"content"_s, u"comment %1"_s.arg(i)}}));
    }
    const QList<QJsonObject> created = synctest::sendAll(*m_client, comments);
    QCOMPARE(created.size(), kComments);
    for (const QJsonObject &c : created)
        m_comments.insert(c.value(u"id"_s).toString(), c);
}

void tst_SyncProcessor::cleanupTestCase()
{
    m_client.reset();
    m_server.reset();
}

void tst_SyncProcessor::baseSyncMatchesServer()
{
    auto storage = freshStorage();
    QVERIFY(storage->isOpen());
    SyncProcessor probe(*storage, *m_client);
    QCOMPARE(*probe.plannedSyncType(*m_post), SyncProcessor::SyncType::Base);

    QStringList started;
    bool ready = false;
    const Round round = runRound(*storage, [&](SyncProcessor &sync) {
        connect(&sync, &SyncProcessor::syncQueriesStarted, this,
                [&](const QStringList &models) { started = models; });
        connect(&sync, &SyncProcessor::syncQueriesReady, this, [&] { ready = true; });
    });
    QVERIFY2(round.error.isNull(), qPrintable(round.error.message()));
    QCOMPARE(round.errors, QStringList());
    QVERIFY(ready);
    QCOMPARE(started, (QStringList{u"Post"_s, u"Comment"_s, u"User"_s}));   // parents first
    QCOMPARE(round.pages.value(u"Post"_s), (QList<int>{1000, 1000, 500}));
    QCOMPARE(round.synced.size(), 3);
    QCOMPARE(round.synced.at(0), (QList<QVariant>{u"Post"_s, true, false, kPosts, 0, 0}));
    QCOMPARE(round.synced.at(1), (QList<QVariant>{u"Comment"_s, true, false, kComments, 0, 0}));
    QCOMPARE(round.synced.at(2), (QList<QVariant>{u"User"_s, true, false, 0, 0, 0}));

    QCOMPARE(*storage->count(*m_post, Predicate::all()), kPosts);
    QCOMPARE(*storage->count(*m_comment, Predicate::all()), kComments);
    verifyMatches(*storage, m_posts.values());
    for (const QJsonObject &c : std::as_const(m_comments)) {
        const auto got = storage->get(*m_comment, {{u"id"_s, c.value(u"id"_s).toString()}});
        QVERIFY(got && got->has_value());
        QCOMPARE((*got)->version, std::optional<int>(c.value(u"_version"_s).toInt()));
        QCOMPARE((*got)->fields.value(u"postID"_s).toString(), c.value(u"postID"_s).toString());
    }
    QCOMPARE(*storage->pendingMutationCount(), 0);

    const auto meta = storage->syncMetadata(u"Post"_s);
    QVERIFY(meta->lastSync && meta->lastFullSync);
    QCOMPARE(*meta->lastSync, *meta->lastFullSync);
    QVERIFY(meta->resumeToken.isEmpty());
    QCOMPARE(*probe.plannedSyncType(*m_post), SyncProcessor::SyncType::Delta);
    // Past the full-sync interval, a base sync is due again.
    const qint64 last = *meta->lastFullSync;
    probe.setClock([last] { return last + 25 * 3600 * 1000LL; });
    QCOMPARE(*probe.plannedSyncType(*m_post), SyncProcessor::SyncType::Base);
}

void tst_SyncProcessor::changeRecordsOnlyWhenWanted()
{
    // With nobody observing record by record, pages build no change records
    // (changesApplied is not emitted) but write and count the same.
    QList<Round> rounds;
    QList<qsizetype> changes;
    for (const bool wanted : {true, false}) {
        auto storage = freshStorage();
        qsizetype seen = 0;
        int asked = 0;
        rounds.append(runRound(*storage, [&](SyncProcessor &sync) {
            sync.setRecordChangesWanted([&asked, wanted] {
                ++asked;
                return wanted;
            });
            connect(&sync, &SyncProcessor::changesApplied, this, [&seen](const QList<ds::Change> &c) {
                for (const ds::Change &change : c)
                    QCOMPARE(change.type, ds::Change::Type::Created);
                seen += c.size();
            });
        }));
        QVERIFY2(rounds.last().error.isNull(), qPrintable(rounds.last().error.message()));
        QCOMPARE(*storage->count(*m_post, Predicate::all()), kPosts);
        QCOMPARE(*storage->count(*m_comment, Predicate::all()), kComments);
        QVERIFY(asked >= 3);   // once per page
        changes.append(seen);
    }
    QCOMPARE(changes.at(0), qsizetype(kPosts + kComments));
    QCOMPARE(changes.at(1), qsizetype(0));
    QCOMPARE(rounds.at(1).synced, rounds.at(0).synced);
    QCOMPARE(rounds.at(1).pages, rounds.at(0).pages);
}

void tst_SyncProcessor::deltaSyncBringsChangesAndDeletes()
{
    auto storage = freshStorage();
    Round round = runRound(*storage);
    QVERIFY(round.error.isNull());
    const qint64 baseLastSync = *storage->syncMetadata(u"Post"_s)->lastSync;

    // On the server: 20 updates, 7 deletes, 3 new posts.
    QList<net::GraphQLRequest> requests;
    QStringList updated, deleted;
    for (int i = 0; i < 20; ++i) {
        const QString id = u"post-%1"_s.arg(1000 + i * 17, 6, 10, QChar(u'0'));
        updated.append(id);
        requests.append(net::mutation(
            m_schema, *m_post, net::MutationType::Update,
            net::updateInput(*m_post, {{u"id"_s, id}}, {{u"title"_s, QString(u"changed "_s + id)}},
                             m_posts.value(id).value(u"_version"_s).toInt())));
    }
    for (int i = 0; i < 7; ++i) {
        const QString id = u"post-%1"_s.arg(2000 + i * 31, 6, 10, QChar(u'0'));
        deleted.append(id);
        requests.append(net::mutation(
            m_schema, *m_post, net::MutationType::Delete,
            net::deleteInput(*m_post, {{u"id"_s, id}}, m_posts.value(id).value(u"_version"_s).toInt())));
    }
    const QList<QJsonObject> changed = synctest::sendAll(*m_client, requests);
    QCOMPARE(changed.size(), requests.size());
    const QList<QJsonObject> added = seedPosts(*m_client, 3, u"new-"_s);
    QCOMPARE(added.size(), 3);
    QList<QJsonObject> expected = changed + added;
    for (const QJsonObject &p : std::as_const(expected))
        m_posts.insert(p.value(u"id"_s).toString(), p);
    QVERIFY(expected.at(0).value(u"_version"_s).toInt() >= 2);
    QVERIFY(expected.at(20).value(u"_deleted"_s).toBool());

    round = runRound(*storage);
    QVERIFY2(round.error.isNull(), qPrintable(round.error.message()));
    QCOMPARE(round.synced.at(0), (QList<QVariant>{u"Post"_s, false, true, 3, 20, 7}));
    QCOMPARE(round.synced.at(1), (QList<QVariant>{u"Comment"_s, false, true, 0, 0, 0}));
    QCOMPARE(round.pages.value(u"Post"_s), QList<int>{30});   // exactly the changes
    verifyMatches(*storage, expected);
    QCOMPARE(*storage->count(*m_post, Predicate::all()), kPosts - 7 + 3);
    QVERIFY(*storage->syncMetadata(u"Post"_s)->lastSync > baseLastSync);
    // The next delta finds nothing.
    round = runRound(*storage);
    QCOMPARE(round.pages.value(u"Post"_s), QList<int>{0});
    // Every other post is still as the base sync brought it.
    verifyMatches(*storage, m_posts.values());
}

void tst_SyncProcessor::pendingOutboxEntryNotOverwritten()
{
    auto storage = freshStorage();
    QVERIFY(runRound(*storage).error.isNull());
    const QString id = u"post-000042"_s;
    const QString other = u"post-000043"_s;
    QVERIFY(storage->save(*m_post, {{u"id"_s, id}, {u"title"_s, u"local edit"_s}}));
    QVERIFY(storage->remove(*m_post, {{u"id"_s, other}}));
    QCOMPARE(*storage->pendingMutationCount(), 2);

    QList<net::GraphQLRequest> requests;
    for (const QString &key : {id, other}) {
        requests.append(net::mutation(
            m_schema, *m_post, net::MutationType::Update,
            net::updateInput(*m_post, {{u"id"_s, key}}, {{u"title"_s, u"server edit"_s}},
                             m_posts.value(key).value(u"_version"_s).toInt())));
    }
    const QList<QJsonObject> changed = synctest::sendAll(*m_client, requests);
    QCOMPARE(changed.size(), 2);
    for (const QJsonObject &p : changed)
        m_posts.insert(p.value(u"id"_s).toString(), p);

    const Round round = runRound(*storage);
    QVERIFY(round.error.isNull());
    QCOMPARE(round.synced.at(0), (QList<QVariant>{u"Post"_s, false, true, 0, 0, 0}));
    const auto got = storage->get(*m_post, {{u"id"_s, id}});
    QCOMPARE((*got)->fields.value(u"title"_s).toString(), u"local edit"_s);
    QVERIFY(!storage->get(*m_post, {{u"id"_s, other}})->has_value());   // still deleted locally
    QCOMPARE(*storage->pendingMutationCount(), 2);
}

void tst_SyncProcessor::syncExpressionFilters()
{
    auto storage = freshStorage();
    const Round round = runRound(*storage, [](SyncProcessor &sync) {
        QVERIFY(sync.setSyncExpression(u"Post"_s, u"rating > 5"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"second sync expression"_s));
        QVERIFY(sync.setSyncExpression(u"Post"_s, u"rating < 2"_s));   // ignored
    });
    QVERIFY2(round.error.isNull(), qPrintable(round.error.message()));
    int expected = 0;
    for (const QJsonObject &p : std::as_const(m_posts)) {
        if (!p.value(u"_deleted"_s).toBool() && p.value(u"rating"_s).toInt() > 5)
            ++expected;
    }
    QVERIFY(expected > 0);
    const Predicate below = *predicate::parse(u"rating <= 5", *m_post, m_schema);
    QCOMPARE(*storage->count(*m_post, Predicate::all()), expected);
    QCOMPARE(*storage->count(*m_post, below), 0);
    QCOMPARE(storage->syncMetadata(u"Post"_s)->syncPredicate, u"rating > 5"_s);
    QCOMPARE(*storage->count(*m_comment, Predicate::all()), kComments);   // no expression
}

void tst_SyncProcessor::changedExpressionRefilters()
{
    auto storage = freshStorage();
    auto narrow = [](SyncProcessor &sync) { QVERIFY(sync.setSyncExpression(u"Post"_s, u"rating > 7"_s)); };
    QVERIFY(runRound(*storage, narrow).error.isNull());
    const Round delta = runRound(*storage, narrow);
    QVERIFY(delta.error.isNull());
    QCOMPARE(delta.errors, QStringList());
    QCOMPARE(delta.synced.at(0), (QList<QVariant>{u"Post"_s, false, true, 0, 0, 0}));
    QCOMPARE(storage->syncMetadata(u"Post"_s)->syncPredicate, u"rating > 7"_s);
    const Predicate outside = *predicate::parse(u"rating <= 7", *m_post, m_schema);
    QCOMPARE(*storage->count(*m_post, outside), 0);
    const qint64 inside = *storage->count(*m_post, Predicate::all());

    // Expression removed (wider): no full sync, only the rows it adds are
    // fetched (a base sync of `not (rating > 7)`), then a delta of everything.
    int expectedAdded = 0;
    for (const QJsonObject &p : std::as_const(m_posts)) {
        if (!p.value(u"_deleted"_s).toBool() && p.value(u"rating"_s).toInt() <= 7)
            ++expectedAdded;
    }
    Round round = runRound(*storage);
    QVERIFY(round.error.isNull());
    QCOMPARE(round.synced.at(0).at(1).toBool(), false);    // not a full sync
    QCOMPARE(round.synced.at(0).at(2).toBool(), true);
    QCOMPARE(round.synced.at(0).at(3).toInt(), expectedAdded);
    QVERIFY(storage->syncMetadata(u"Post"_s)->syncPredicate.isEmpty());
    QCOMPARE(*storage->count(*m_post, outside), expectedAdded);
    QCOMPARE(*storage->count(*m_post, Predicate::all()), inside + expectedAdded);

    // Narrower again: the rows outside are evicted, nothing is fetched.
    round = runRound(*storage, narrow);
    QVERIFY(round.error.isNull());
    QCOMPARE(round.synced.at(0).at(3).toInt(), 0);
    QCOMPARE(*storage->count(*m_post, outside), 0);
    QCOMPARE(*storage->count(*m_post, Predicate::all()), inside);
}

void tst_SyncProcessor::maxRecordsRespected()
{
    auto storage = freshStorage();
    const Round round = runRound(*storage, [](SyncProcessor &sync) {
        SyncOptions options;
        options.pageSize = 500;
        options.maxRecords = 1200;
        sync.setOptions(options);
    });
    QVERIFY(round.error.isNull());
    QCOMPARE(round.pages.value(u"Post"_s), (QList<int>{500, 500, 200}));
    QCOMPARE(*storage->count(*m_post, Predicate::all()), 1200);
    QCOMPARE(round.synced.at(0).at(3).toInt(), 1200);
    QVERIFY(storage->syncMetadata(u"Post"_s)->lastFullSync.has_value());
}

void tst_SyncProcessor::interruptedBaseSyncResumes()
{
    // A server of its own, killed in the middle of a base sync.
    SyncServer server(m_dir.filePath(u"resume.sqlite"_s));
    QString started = server.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    net::GraphQLClient client;
    synctest::configure(client, server.graphqlUrl());
    const QList<QJsonObject> posts = seedPosts(client, 230, u"r-"_s);
    QCOMPARE(posts.size(), 230);

    auto storage = freshStorage();
    SyncOptions options;
    options.pageSize = 50;
    Error error;
    int applied = 0;
    {
        SyncProcessor sync(*storage, client);
        sync.setOptions(options);
        bool done = false;
        connect(&sync, &SyncProcessor::pageApplied, this, [&](const QString &model, int items, bool) {
            applied += items;
            if (model == u"Post" && applied == 100)
                server.stop();   // after the second page is committed (the third may
                                 // still arrive: it was requested before the second
                                 // was applied)
        });
        connect(&sync, &SyncProcessor::finished, this, [&](const Error &e) {
            error = e;
            done = true;
        });
        sync.start();
        QVERIFY(QTest::qWaitFor([&] { return done; }, 30000));
    }
    QVERIFY(!error.isNull());
    QCOMPARE(error.domain(), Error::Domain::Network);
    QVERIFY(error.isTransient());
    QVERIFY2(applied == 100 || applied == 150, qPrintable(QString::number(applied)));
    QCOMPARE(*storage->count(*m_post, Predicate::all()), applied);
    const SyncMetadata meta = *storage->syncMetadata(u"Post"_s);
    QVERIFY(!meta.resumeToken.isEmpty());
    QVERIFY(meta.resumeStartedAt.has_value());
    QVERIFY(!meta.lastSync.has_value());

    // Restart on the same database (maybe another port) and resume.
    started = server.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    synctest::configure(client, server.graphqlUrl());
    QList<int> pages;
    QList<QVariant> synced;
    {
        SyncProcessor sync(*storage, client);
        sync.setOptions(options);
        QCOMPARE(*sync.plannedSyncType(*m_post), SyncProcessor::SyncType::Base);
        bool done = false;
        connect(&sync, &SyncProcessor::pageApplied, this, [&](const QString &model, int items, bool) {
            if (model == u"Post")
                pages.append(items);
        });
        connect(&sync, &SyncProcessor::modelSynced, this,
                [&](const QString &model, bool full, bool delta, int n, int u, int d) {
                    if (model == u"Post")
                        synced = {full, delta, n, u, d};
                });
        connect(&sync, &SyncProcessor::finished, this, [&](const Error &e) {
            error = e;
            done = true;
        });
        sync.start();
        QVERIFY(QTest::qWaitFor([&] { return done; }, 30000));
    }
    QVERIFY2(error.isNull(), qPrintable(error.message()));
    // From the page after the last applied one: nothing fetched twice.
    const QList<int> rest = applied == 100 ? QList<int>{50, 50, 30} : QList<int>{50, 30};
    QCOMPARE(pages, rest);
    QCOMPARE(synced, (QList<QVariant>{true, false, 230 - applied, 0, 0}));
    QCOMPARE(*storage->count(*m_post, Predicate::all()), 230);
    for (const QJsonObject &p : posts) {
        const auto got = storage->get(*m_post, {{u"id"_s, p.value(u"id"_s).toString()}});
        QVERIFY(got && got->has_value());
        QCOMPARE((*got)->version, std::optional<int>(p.value(u"_version"_s).toInt()));
    }
    const SyncMetadata after = *storage->syncMetadata(u"Post"_s);
    QVERIFY(after.resumeToken.isEmpty());
    QCOMPARE(after.lastSync, meta.resumeStartedAt);   // the startedAt of the interrupted round
    QCOMPARE(after.lastFullSync, meta.resumeStartedAt);
}

void tst_SyncProcessor::networkErrorEndsRound()
{
    auto storage = freshStorage();
    net::GraphQLClient client;
    synctest::configure(client, QUrl(u"http://127.0.0.1:1/graphql"_s));
    SyncProcessor sync(*storage, client);
    QSignalSpy errors(&sync, &SyncProcessor::errorOccurred);
    QSignalSpy finished(&sync, &SyncProcessor::finished);
    QSignalSpy ready(&sync, &SyncProcessor::syncQueriesReady);
    sync.start();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().first().toString(), u"Post"_s);
    QCOMPARE(ready.size(), 0);
    QVERIFY(finished.first().first().value<Error>().isTransient());
    QVERIFY(!storage->syncMetadata(u"Post"_s)->lastSync.has_value());
}

void tst_SyncProcessor::benchmarkBaseSync()
{
    const int records = qEnvironmentVariableIntValue("DS_SYNC_BENCH_RECORDS");
    if (records <= 0)
        QSKIP("set DS_SYNC_BENCH_RECORDS=N to measure a base sync of N posts");
    SyncServer server(m_dir.filePath(u"bench.sqlite"_s));
    const QString started = server.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    net::GraphQLClient client;
    synctest::configure(client, server.graphqlUrl());
    QElapsedTimer seedTimer;
    seedTimer.start();
    QCOMPARE(seedPosts(client, records, u"b-"_s).size(), records);
    qInfo("seeded %d posts in %lld ms", records, seedTimer.elapsed());

    auto storage = freshStorage();
    SyncProcessor sync(*storage, client);
    SyncOptions options;
    options.maxRecords = records;
    sync.setOptions(options);
    bool done = false;
    Error error;
    connect(&sync, &SyncProcessor::finished, this, [&](const Error &e) {
        error = e;
        done = true;
    });
    QElapsedTimer timer;
    timer.start();
    sync.start();
    QVERIFY(QTest::qWaitFor([&] { return done; }, 300000));
    const qint64 ms = qMax<qint64>(1, timer.elapsed());
    QVERIFY2(error.isNull(), qPrintable(error.message()));
    QCOMPARE(*storage->count(*m_post, Predicate::all()), records);
    qInfo("base sync of %d posts: %lld ms, %.0f records/s", records, ms, records * 1000.0 / double(ms));
}

QTEST_GUILESS_MAIN(tst_SyncProcessor)
#include "tst_syncprocessor.moc"
