// The sync engine through the public facade (ds::DataStore with a
// SyncConfiguration), end to end against the real datastore-server on
// 127.0.0.1 with real SQLite files on both sides: two clients replicating
// creates, updates and deletes through subscriptions; offline edits queued
// while the server is down and replayed after it is back; a conditional
// save accepted locally and rejected by the server; concurrent edits of one
// record converging (automerge); selective sync narrowing (eviction) and
// widening (fetching only what is added); clear() and re-sync; stop/start.
#include "syncserver.h"

#include <datastore/datastore.h>

#include "awaitfuture.h"

#include <QJsonDocument>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds;
using dstest::await;
using synctest::SyncServer;

namespace {

QVariantMap post(const QString &id, const QString &title, int rating)
{
    return {{u"id"_s, id}, {u"title"_s, title}, {u"rating"_s, rating}, {u"status"_s, u"DRAFT"_s}};
}

} // namespace

class tst_SyncEngine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void twoClientsReplicate();
    void offlineEditsReplayAfterReconnect();
    void conditionalSaveRejectedByServer();
    void concurrentEditsConverge();
    void selectiveSyncNarrowAndWiden();
    void subscriptionRespectsSyncExpression();
    void secondExpressionIgnored();
    void clearDiscardsAndResyncs();
    void clearFlushFirstSendsTheOutbox();
    void flushOutboxRightAfterSaves();
    void replayedMutationsAreReconciled();
    void conflictHandlerDecides();
    void conflictRetriesExhaustedAreReported();
    void tlsWithCustomCa();
    void userExpressionUsesTheServersIndex();
    void baseSyncResumesAfterServerRestart();
    void progressKnowsTheTotal();
    void badConfigurationIsAnError();
    void operationsStartSyncUnlessAutoStartIsOff();
    void localOnlyModelsStayOnTheDevice();

private:
    std::unique_ptr<DataStore> client(const QString &name, const QStringList &expressions = {});
    bool waitReady(DataStore &store, int timeoutMs = 20000);
    std::optional<QVariantMap> localGet(DataStore &store, const QString &model, const QString &id);
    QJsonObject serverGet(const QString &id);
    QList<QJsonObject> seed(int count, const QString &prefix);
    bool serverMutate(net::MutationType type, const QJsonObject &input);
    // Stops the server, runs `offline` (local changes that cannot be sent),
    // restarts it on the same port with `extra` arguments and runs `before`
    // at once (before the client can reconnect, sync and drain).
    void withServerDown(const std::function<void()> &offline, const std::function<void()> &before,
                        const QStringList &extra = {});
    // Replaces this case's server by one started with `extra` arguments (a
    // fresh database of the case; any port); m_http follows it.
    QString restartServer(const QStringList &extra);

    QTemporaryDir m_dir;
    Schema m_schema;
    std::unique_ptr<SyncServer> m_server;
    std::unique_ptr<net::GraphQLClient> m_http;
    int m_stores = 0;
};

void tst_SyncEngine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile file(synctest::schemaFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    SourceError error;
    std::optional<Schema> schema = Schema::fromGraphQL(file.readAll(), u"schema.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.message));
    m_schema = std::move(*schema);
}

void tst_SyncEngine::init()
{
    // Every case gets a fresh server database.
    m_server = std::make_unique<SyncServer>(m_dir.filePath(u"server-%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentTestFunction()))));
    const QString error = m_server->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_http = std::make_unique<net::GraphQLClient>();
    synctest::configure(*m_http, m_server->graphqlUrl());
}

void tst_SyncEngine::cleanup()
{
    m_http.reset();
    m_server.reset();
}

std::unique_ptr<DataStore> tst_SyncEngine::client(const QString &name, const QStringList &expressions)
{
    auto store = std::make_unique<DataStore>(m_schema);
    const Result<void> opened = await(store->open(m_dir.filePath(u"%1-%2-%3.sqlite"_s.arg(
        QString::fromLatin1(QTest::currentTestFunction()), name).arg(++m_stores))));
    if (!opened)
        qWarning().noquote() << opened.error().message();
    SyncConfiguration config;
    config.endpoint = m_server->graphqlUrl();
    config.apiKey = synctest::apiKey();
    for (const QString &e : expressions) {
        const qsizetype colon = e.indexOf(u':');
        config.addSyncExpression(e.left(colon).trimmed(), e.mid(colon + 1).trimmed());
    }
    store->configureSync(config);
    return store;
}

bool tst_SyncEngine::waitReady(DataStore &store, int timeoutMs)
{
    if (store.syncState() == DataStore::SyncState::Ready)
        return true;
    QSignalSpy ready(&store, &DataStore::syncQueriesReady);
    if (store.syncState() == DataStore::SyncState::Stopped)
        store.start();
    return ready.wait(timeoutMs) || store.syncState() == DataStore::SyncState::Ready;
}

std::optional<QVariantMap> tst_SyncEngine::localGet(DataStore &store, const QString &model, const QString &id)
{
    const Result<std::optional<QVariantMap>> r = await(store.get(model, id));
    return r ? *r : std::nullopt;
}

QJsonObject tst_SyncEngine::serverGet(const QString &id)
{
    const net::GraphQLRequest request = net::getQuery(m_schema, *m_schema.model(u"Post"_s), id);
    QList<QJsonObject> r = synctest::sendAll(*m_http, {request});
    return r.isEmpty() ? QJsonObject() : r.constFirst();
}

QList<QJsonObject> tst_SyncEngine::seed(int count, const QString &prefix)
{
    QList<net::GraphQLRequest> requests;
    for (int i = 0; i < count; ++i) {
        const QJsonObject input{{u"id"_s, QString(prefix + QString::number(i))},
                                {u"title"_s, u"Seeded %1"_s.arg(i)},
                                {u"rating"_s, i % 10},
                                {u"status"_s, u"PUBLISHED"_s}};
        requests.append(net::mutation(m_schema, *m_schema.model(u"Post"_s), net::MutationType::Create, input));
    }
    return synctest::sendAll(*m_http, requests);
}

void tst_SyncEngine::twoClientsReplicate()
{
    QCOMPARE(seed(50, u"s"_s).size(), 50);
    auto a = client(u"a"_s);
    auto b = client(u"b"_s);
    QSignalSpy aEvents(a.get(), &DataStore::syncQueriesStarted);
    QSignalSpy aSynced(a.get(), &DataStore::modelSynced);
    QSignalSpy aEstablished(a.get(), &DataStore::subscriptionsEstablished);
    QVERIFY(waitReady(*a));
    QVERIFY(waitReady(*b));
    QCOMPARE(aEstablished.size(), 1);
    QCOMPARE(aEvents.size(), 1);
    QVERIFY(a->isOnline());
    // Parents before children; the seeded posts arrived in a full sync.
    QCOMPARE(aSynced.constFirst().at(0).toString(), u"Post"_s);
    QCOMPARE(aSynced.constFirst().at(1).toBool(), true);
    QCOMPARE(aSynced.constFirst().at(3).toInt(), 50);
    QCOMPARE(*await(b->count(u"Post"_s)), 50);

    // Create on A -> the server -> B's observer.
    QSignalSpy bChanges(b.get(), &DataStore::changed);
    QSignalSpy aProcessed(a.get(), &DataStore::outboxMutationProcessed);
    QVERIFY(await(a->save(u"Post"_s, post(u"p1"_s, u"Hello"_s, 7))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*b, u"Post"_s, u"p1"_s).has_value(), 10000);
    QCOMPARE(localGet(*b, u"Post"_s, u"p1"_s)->value(u"title"_s).toString(), u"Hello"_s);
    QTRY_COMPARE_WITH_TIMEOUT(aProcessed.size(), 1, 10000);
    QCOMPARE(serverGet(u"p1"_s).value(u"_version"_s).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);

    // Update on B -> A, with the version increasing.
    QVariantMap changed = *localGet(*b, u"Post"_s, u"p1"_s);
    changed.insert(u"title"_s, u"Hello again"_s);
    QVERIFY(await(b->save(u"Post"_s, changed)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(localGet(*a, u"Post"_s, u"p1"_s)->value(u"title"_s).toString(), u"Hello again"_s, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"p1"_s).value(u"_version"_s).toInt(), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT((*await(a->metadata(u"Post"_s, u"p1"_s)))->version.value_or(0), 2, 5000);
    QCOMPARE((*await(b->metadata(u"Post"_s, u"p1"_s)))->pendingMutations, 0);

    // Delete on A -> gone on B; a tombstone on the server.
    QVERIFY(await(a->remove(u"Post"_s, u"p1"_s)).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!localGet(*b, u"Post"_s, u"p1"_s).has_value(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(serverGet(u"p1"_s).value(u"_deleted"_s).toBool(), 5000);
    QCOMPARE(*await(a->count(u"Post"_s)), 50);
    QCOMPARE(*await(b->count(u"Post"_s)), 50);
}

void tst_SyncEngine::offlineEditsReplayAfterReconnect()
{
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    const quint16 port = m_server->port();
    QSignalSpy network(a.get(), &DataStore::networkStatus);
    m_server->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!a->isOnline(), 15000);
    QCOMPARE(a->syncState(), DataStore::SyncState::Offline);

    // Offline: writes succeed locally and queue.
    for (int i = 0; i < 5; ++i)
        QVERIFY(await(a->save(u"Post"_s, post(u"off%1"_s.arg(i), u"Offline %1"_s.arg(i), i))).ok());
    QVariantMap edited = post(u"off0"_s, u"Offline 0, edited"_s, 9);
    QVERIFY(await(a->save(u"Post"_s, edited)).ok());
    QVERIFY(await(a->remove(u"Post"_s, u"off4"_s)).ok());   // cancels its queued create
    QTRY_COMPARE(a->pendingMutations(), 4);

    QVERIFY(m_server->start(port).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(a->isOnline(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 20000);
    for (int i = 0; i < 4; ++i) {
        const QJsonObject item = serverGet(u"off%1"_s.arg(i));
        QCOMPARE(item.value(u"_version"_s).toInt(), 1);   // create folded with the edit: one mutation
    }
    QCOMPARE(serverGet(u"off0"_s).value(u"title"_s).toString(), u"Offline 0, edited"_s);
    QVERIFY(serverGet(u"off4"_s).isEmpty());               // the server never heard of it
    QVERIFY(network.size() >= 2);
}

void tst_SyncEngine::conditionalSaveRejectedByServer()
{
    // The seed's example: save only if the title still begins with "[Amplify]".
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    QVERIFY(await(a->save(u"Post"_s, post(u"c1"_s, u"[Amplify] original"_s, 3))).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"c1"_s).value(u"_version"_s).toInt(), 1, 10000);
    QVERIFY(await(a->stop()).ok());

    // Someone else changes the title on the server meanwhile.
    const int version = serverGet(u"c1"_s).value(u"_version"_s).toInt();
    const QJsonObject update{{u"id"_s, u"c1"_s}, {u"title"_s, u"Renamed elsewhere"_s}, {u"_version"_s, version}};
    QCOMPARE(synctest::sendAll(*m_http, {net::mutation(m_schema, *m_schema.model(u"Post"_s),
                                                        net::MutationType::Update, update)}).size(), 1);

    // Locally the condition holds (the local copy is stale), so it queues;
    // the save starts sync again (as Amplify's does), and the server refuses
    // it: signal, entry dropped, local record = the server's copy.
    QSignalSpy rejected(a.get(), &DataStore::conditionalSaveFailed);
    const Result<Predicate> condition = a->parsePredicate(u"Post"_s, u"title beginsWith \"[Amplify]\""_s);
    QVERIFY(condition);
    const Result<QVariantMap> queued = await(a->save(u"Post"_s, post(u"c1"_s, u"[Amplify] original"_s, 10), *condition));
    QVERIFY2(queued, qPrintable(queued.error().toString()));
    // A condition that fails locally is refused at once.
    const Result<Predicate> never = a->parsePredicate(u"Post"_s, u"title beginsWith \"nope\""_s);
    const Result<QVariantMap> refused = await(a->save(u"Post"_s, post(u"c1"_s, u"x"_s, 1), *never));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code(), u"ConditionalCheckFailed"_s);

    QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 1, 15000);
    QCOMPARE(rejected.constFirst().at(0).toString(), u"Post"_s);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(localGet(*a, u"Post"_s, u"c1"_s)->value(u"title"_s).toString(), u"Renamed elsewhere"_s,
                              5000);
    QCOMPARE(localGet(*a, u"Post"_s, u"c1"_s)->value(u"rating"_s).toInt(), 3);
    QCOMPARE(serverGet(u"c1"_s).value(u"rating"_s).toInt(), 3);
}

void tst_SyncEngine::concurrentEditsConverge()
{
    // A edits a record while another writer changed it on the server: A's
    // mutation carries a stale _version and the server automerges it
    // (PROTOCOL.md 3.3: scalars keep the server's value, lists append).
    auto a = client(u"a"_s);
    auto b = client(u"b"_s);
    QVERIFY(waitReady(*a));
    QVERIFY(waitReady(*b));
    QVariantMap created = post(u"m1"_s, u"Title"_s, 1);
    created.insert(u"tags"_s, QVariantList{u"x"_s});
    QVERIFY(await(a->save(u"Post"_s, created)).ok());
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*b, u"Post"_s, u"m1"_s).has_value(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"m1"_s).value(u"_version"_s).toInt(), 1, 5000);
    QVariantMap edit = *localGet(*a, u"Post"_s, u"m1"_s);   // read before stopping: get() starts sync again
    QVERIFY(await(a->stop()).ok());

    // The other writer: rating 5, on version 1.
    const QJsonObject other{{u"id"_s, u"m1"_s}, {u"rating"_s, 5}, {u"_version"_s, 1}};
    QCOMPARE(synctest::sendAll(*m_http, {net::mutation(m_schema, *m_schema.model(u"Post"_s),
                                                        net::MutationType::Update, other)}).size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(localGet(*b, u"Post"_s, u"m1"_s)->value(u"rating"_s).toInt(), 5, 10000);

    // A, still on version 1, changes the title and adds a tag (this save
    // also starts A's sync again, as Amplify's save does).
    QCOMPARE(edit.value(u"rating"_s).toInt(), 1);
    edit.insert(u"title"_s, u"Title from A"_s);
    edit.insert(u"tags"_s, QVariantList{u"x"_s, u"a"_s});
    QVERIFY(await(a->save(u"Post"_s, edit)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"m1"_s).value(u"_version"_s).toInt(), 3, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);

    const QJsonObject server = serverGet(u"m1"_s);
    QCOMPARE(server.value(u"title"_s).toString(), u"Title"_s);   // scalar conflict: the server's value
    QCOMPARE(server.value(u"rating"_s).toInt(), 5);
    QCOMPARE(server.value(u"tags"_s).toArray(), (QJsonArray{u"x"_s, u"x"_s, u"a"_s}));   // lists append
    // Both clients converge to the server's copy, field by field.
    for (DataStore *store : {a.get(), b.get()}) {
        QTRY_COMPARE_WITH_TIMEOUT(localGet(*store, u"Post"_s, u"m1"_s)->value(u"tags"_s).toList().size(), 3, 10000);
        const QVariantMap local = *localGet(*store, u"Post"_s, u"m1"_s);
        QCOMPARE(local.value(u"title"_s).toString(), u"Title"_s);
        QCOMPARE(local.value(u"rating"_s).toInt(), 5);
    }
}

void tst_SyncEngine::selectiveSyncNarrowAndWiden()
{
    QCOMPARE(seed(100, u"r"_s).size(), 100);   // ratings 0..9, ten of each
    auto a = client(u"a"_s, {u"Post: rating > 5"_s});
    QVERIFY(waitReady(*a));
    QCOMPARE(*await(a->count(u"Post"_s)), 40);

    // Narrower: rows with rating 6 and 7 are evicted, nothing is fetched.
    QVERIFY(await(a->stop()).ok());
    QVERIFY(a->setSyncExpression(u"Post"_s, u"rating > 7"_s));
    QSignalSpy synced(a.get(), &DataStore::modelSynced);
    QSignalSpy ready(a.get(), &DataStore::syncQueriesReady);
    qsizetype readyBefore = ready.size();
    QVERIFY(await(a->start()).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(ready.size() > readyBefore, qPrintable(u"state %1"_s.arg(int(a->syncState()))), 30000);
    QCOMPARE(*await(a->count(u"Post"_s)), 20);
    QVariantList postSync;
    for (const QVariantList &args : std::as_const(synced)) {
        if (args.at(0).toString() == u"Post")
            postSync = args;
    }
    QCOMPARE(postSync.at(2).toBool(), true);   // a delta sync, not a full one
    QCOMPARE(postSync.at(3).toInt(), 0);       // nothing new
    QCOMPARE(postSync.at(6).toInt(), 20);      // evicted

    // Wider: only ratings 4..7 are fetched.
    QVERIFY(await(a->stop()).ok());
    QVERIFY(a->setSyncExpression(u"Post"_s, u"rating > 3"_s));
    synced.clear();
    readyBefore = ready.size();
    QVERIFY(await(a->start()).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(ready.size() > readyBefore, qPrintable(u"state %1"_s.arg(int(a->syncState()))), 30000);
    QCOMPARE(*await(a->count(u"Post"_s)), 60);
    for (const QVariantList &args : std::as_const(synced)) {
        if (args.at(0).toString() == u"Post")
            postSync = args;
    }
    QCOMPARE(postSync.at(3).toInt(), 40);      // fetched: the added rows only
    QCOMPARE(postSync.at(6).toInt(), 0);

    // all removes the filter.
    QVERIFY(await(a->stop()).ok());
    QVERIFY(a->setSyncExpression(u"Post"_s, u"all"_s));
    readyBefore = ready.size();
    QVERIFY(await(a->start()).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(ready.size() > readyBefore, qPrintable(u"state %1"_s.arg(int(a->syncState()))), 30000);
    QCOMPARE(*await(a->count(u"Post"_s)), 100);
}

void tst_SyncEngine::subscriptionRespectsSyncExpression()
{
    auto a = client(u"a"_s, {u"Post: rating > 5"_s});
    auto b = client(u"b"_s);
    QVERIFY(waitReady(*a));
    QVERIFY(waitReady(*b));
    QVERIFY(await(b->save(u"Post"_s, post(u"low"_s, u"Low"_s, 2))).ok());
    QVERIFY(await(b->save(u"Post"_s, post(u"high"_s, u"High"_s, 9))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*a, u"Post"_s, u"high"_s).has_value(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(b->pendingMutations(), 0, 5000);
    QTest::qWait(300);
    QVERIFY(!localGet(*a, u"Post"_s, u"low"_s).has_value());
}

void tst_SyncEngine::secondExpressionIgnored()
{
    SyncConfiguration config;
    QVERIFY(config.addSyncExpression(u"Post"_s, u"rating > 5"_s));
    QTest::ignoreMessage(QtWarningMsg, "Post: a second sync expression is ignored (one per model)");
    QVERIFY(!config.addSyncExpression(u"Post"_s, u"rating > 1"_s));
    QCOMPARE(config.syncExpressions().size(), 1);
    QCOMPARE(config.syncExpressions().constFirst().text, u"rating > 5"_s);
}

void tst_SyncEngine::clearDiscardsAndResyncs()
{
    QCOMPARE(seed(30, u"k"_s).size(), 30);
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    QCOMPARE(*await(a->count(u"Post"_s)), 30);
    // A change that cannot be sent (the server is down; the save restarts
    // sync, as Amplify's does, but nothing answers)...
    const quint16 port = m_server->port();
    m_server->stop();
    QVERIFY(await(a->save(u"Post"_s, post(u"pending"_s, u"Never sent"_s, 1))).ok());
    QSignalSpy cleared(a.get(), &DataStore::cleared);
    const Result<qint64> discarded = await(a->clear());
    QVERIFY(discarded);
    QCOMPARE(*discarded, 1);
    QCOMPARE(cleared.size(), 1);
    QCOMPARE(a->syncState(), DataStore::SyncState::Stopped);
    QCOMPARE(*await(a->count(u"Post"_s)), 0);
    QVERIFY(m_server->start(port).isEmpty());
    QSignalSpy synced(a.get(), &DataStore::modelSynced);
    QVERIFY(waitReady(*a));
    QCOMPARE(*await(a->count(u"Post"_s)), 30);
    QVERIFY(!synced.isEmpty());
    QCOMPARE(synced.constFirst().at(1).toBool(), true);   // a full sync again
    QVERIFY(serverGet(u"pending"_s).isEmpty());
}

void tst_SyncEngine::clearFlushFirstSendsTheOutbox()
{
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    QList<QVariantMap> posts;
    for (int i = 0; i < 200; ++i)
        posts.append(post(u"f%1"_s.arg(i), u"Flush me"_s, i % 10));
    QVERIFY(await(a->saveAll(u"Post"_s, posts)).ok());
    QTRY_VERIFY(a->pendingMutations() > 0);
    const Result<qint64> discarded = await(a->clear(DataStore::ClearMode::FlushFirst));
    QVERIFY(discarded);
    QCOMPARE(*discarded, 0);
    QCOMPARE(*await(a->count(u"Post"_s)), 0);
    net::SyncQueryArguments args;
    args.limit = 1000;
    const QList<QJsonObject> page = synctest::sendAll(*m_http, {net::syncQuery(m_schema, *m_schema.model(u"Post"_s), args)});
    QCOMPARE(page.constFirst().value(u"items"_s).toArray().size(), 200);
}

void tst_SyncEngine::flushOutboxRightAfterSaves()
{
    // The saves have resolved but their pending count has not reached this
    // thread yet (no event processed since): flushOutbox() must still wait
    // for them to be sent (an app signing out right after typing).
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    QCOMPARE(a->pendingMutations(), 0);
    QFuture<Result<QVariantMap>> last;
    for (int i = 0; i < 20; ++i)
        last = a->save(u"Post"_s, post(u"flush-now-%1"_s.arg(i), u"Sent before sign-out"_s, i % 10));
    last.waitForFinished();   // blocks: the queued count update stays queued
    QVERIFY(last.result().ok());
    QCOMPARE(a->pendingMutations(), 0);   // stale, as an app sees it at that moment
    QCOMPARE(await(a->flushOutbox(std::chrono::seconds(20)), 25000), 0);
    for (int i = 0; i < 20; ++i)
        QVERIFY2(!serverGet(u"flush-now-%1"_s.arg(i)).isEmpty(), qPrintable(u"flush-now-%1"_s.arg(i)));
}

bool tst_SyncEngine::serverMutate(net::MutationType type, const QJsonObject &input)
{
    return synctest::sendAll(*m_http, {net::mutation(m_schema, *m_schema.model(u"Post"_s), type, input)}).size() == 1;
}

void tst_SyncEngine::withServerDown(const std::function<void()> &offline, const std::function<void()> &before,
                                    const QStringList &extra)
{
    const quint16 port = m_server->port();
    m_server->stop();
    offline();
    const QString db = m_dir.filePath(u"server-%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentTestFunction())));
    QVERIFY(static_cast<dstest::ServerProcess &>(*m_server)
                .start(QStringList{u"--api-key"_s, synctest::apiKey(), u"--db"_s, db} + extra, port)
                .isEmpty());
    before();
}

QString tst_SyncEngine::restartServer(const QStringList &extra)
{
    m_server->stop();
    const QString db = m_dir.filePath(u"server-%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentTestFunction())));
    const QString error = static_cast<dstest::ServerProcess &>(*m_server)
                              .start(QStringList{u"--api-key"_s, synctest::apiKey(), u"--db"_s, db} + extra);
    if (error.isEmpty())
        synctest::configure(*m_http, m_server->graphqlUrl());
    return error;
}

void tst_SyncEngine::replayedMutationsAreReconciled()
{
    // A process that dies after the server applied its mutation but before
    // the outbox entry was removed sends it again on restart. Here the
    // "first delivery" is made over HTTP while the client cannot reach the
    // server; the client's replay must neither fail nor apply twice.
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    QVERIFY(await(a->save(u"Post"_s, post(u"d1"_s, u"Doomed"_s, 1))).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"d1"_s).value(u"_version"_s).toInt(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);
    QSignalSpy failed(a.get(), &DataStore::outboxMutationFailed);
    QSignalSpy conditional(a.get(), &DataStore::conditionalSaveFailed);

    withServerDown([&] {
        QTRY_VERIFY_WITH_TIMEOUT(!a->isOnline(), 15000);
        QVERIFY(await(a->save(u"Post"_s, post(u"c1"_s, u"Created offline"_s, 4))).ok());
        QVERIFY(await(a->remove(u"Post"_s, u"d1"_s)).ok());
        QTRY_COMPARE(a->pendingMutations(), 2);
    }, [&] {
        // The same mutations, already applied by the server. (Updates that
        // were in flight are checked against the server before they are
        // sent again: tst_sync_crash.)
        QVERIFY(serverMutate(net::MutationType::Create, QJsonObject{{u"id"_s, u"c1"_s}, {u"title"_s, u"Created offline"_s},
                                                                     {u"rating"_s, 4}, {u"status"_s, u"DRAFT"_s}}));
        QVERIFY(serverMutate(net::MutationType::Delete, QJsonObject{{u"id"_s, u"d1"_s}, {u"_version"_s, 1}}));
    });
    QTRY_VERIFY_WITH_TIMEOUT(a->isOnline(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 20000);
    QCOMPARE(serverGet(u"c1"_s).value(u"_version"_s).toInt(), 1);
    QCOMPARE(serverGet(u"d1"_s).value(u"_version"_s).toInt(), 2);
    QVERIFY(serverGet(u"d1"_s).value(u"_deleted"_s).toBool());
    QCOMPARE(failed.size(), 0);
    QCOMPARE(conditional.size(), 0);
    QVERIFY(!localGet(*a, u"Post"_s, u"d1"_s).has_value());
}

void tst_SyncEngine::conflictHandlerDecides()
{
    // Optimistic concurrency on the server: every stale update is a
    // ConflictUnhandled, and the client's handler decides.
    const QString restarted = restartServer({u"--conflict"_s, u"optimistic"_s});
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));

    auto a = client(u"a"_s);
    QList<ConflictData> seen;
    QMutex mutex;
    SyncConfiguration config = a->syncConfiguration();
    config.conflictHandler = [&](const ConflictData &c) {
        QMutexLocker lock(&mutex);
        seen.append(c);
        const QString id = c.localModel.value(u"id"_s).toString();
        if (id == u"custom")
            return ConflictResolution::custom({{u"title"_s, u"Merged by the handler"_s}});
        if (id == u"discard")
            return ConflictResolution::discard();
        return ConflictResolution::retry();
    };
    a->configureSync(config);
    QVERIFY(waitReady(*a));
    for (const QString &id : {u"custom"_s, u"discard"_s, u"retry"_s})
        QVERIFY(await(a->save(u"Post"_s, post(id, u"Original"_s, 1))).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"retry"_s).value(u"_version"_s).toInt(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);

    withServerDown([&] {
        QTRY_VERIFY_WITH_TIMEOUT(!a->isOnline(), 15000);
        for (const QString &id : {u"custom"_s, u"discard"_s, u"retry"_s})
            QVERIFY(await(a->save(u"Post"_s, post(id, u"Local edit"_s, 2))).ok());
    }, [&] {
        for (const QString &id : {u"custom"_s, u"discard"_s, u"retry"_s}) {
            QVERIFY(serverMutate(net::MutationType::Update, QJsonObject{{u"id"_s, id}, {u"rating"_s, 9},
                                                                         {u"_version"_s, 1}}));
        }
    }, {u"--conflict"_s, u"optimistic"_s});
    synctest::configure(*m_http, m_server->graphqlUrl());
    QTRY_VERIFY_WITH_TIMEOUT(a->isOnline(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 20000);

    {
        QMutexLocker lock(&mutex);
        QCOMPARE(seen.size(), 3);
        for (const ConflictData &c : std::as_const(seen)) {
            QCOMPARE(c.model, u"Post"_s);
            QCOMPARE(c.operation, ConflictData::Operation::Update);
            QCOMPARE(c.attempts, 1);
            QCOMPARE(c.localModel.value(u"title"_s).toString(), u"Local edit"_s);
            QCOMPARE(c.remoteModel.value(u"rating"_s).toInt(), 9);
            QCOMPARE(c.remoteModel.value(u"_version"_s).toInt(), 2);
        }
    }
    // custom: the handler's fields, on top of the server's version.
    QCOMPARE(serverGet(u"custom"_s).value(u"title"_s).toString(), u"Merged by the handler"_s);
    QCOMPARE(serverGet(u"custom"_s).value(u"_version"_s).toInt(), 3);
    // discard: the server's copy everywhere.
    QCOMPARE(serverGet(u"discard"_s).value(u"_version"_s).toInt(), 2);
    QCOMPARE(localGet(*a, u"Post"_s, u"discard"_s)->value(u"title"_s).toString(), u"Original"_s);
    QCOMPARE(localGet(*a, u"Post"_s, u"discard"_s)->value(u"rating"_s).toInt(), 9);
    // retry (the default): the local change wins with the server's version.
    QCOMPARE(serverGet(u"retry"_s).value(u"title"_s).toString(), u"Local edit"_s);
    QCOMPARE(serverGet(u"retry"_s).value(u"_version"_s).toInt(), 3);
    QCOMPARE(localGet(*a, u"Post"_s, u"retry"_s)->value(u"title"_s).toString(), u"Local edit"_s);
}

void tst_SyncEngine::conflictRetriesExhaustedAreReported()
{
    // Another writer changes the record every time the client retries: after
    // maxConflictAttempts the client gives up, keeps the server's copy and
    // says so (outboxMutationFailed), instead of dropping the change silently.
    const QString restarted = restartServer({u"--conflict"_s, u"optimistic"_s});
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    const QUrl endpoint = m_server->graphqlUrl();

    auto a = client(u"a"_s);
    std::atomic<int> calls = 0;
    std::atomic<int> bumped = 0;
    SyncConfiguration config = a->syncConfiguration();
    config.conflictHandler = [&](const ConflictData &c) {
        ++calls;
        // The other writer moves the server past the version this retry will
        // carry (on a thread of its own: no event loop nested in the store's).
        const QJsonObject input{{u"id"_s, c.localModel.value(u"id"_s).toString()},
                                {u"rating"_s, 100 + calls.load()},
                                {u"_version"_s, c.remoteModel.value(u"_version"_s).toInt()}};
        std::unique_ptr<QThread> writer(QThread::create([&] {
            net::GraphQLClient other;
            synctest::configure(other, endpoint);
            const net::GraphQLRequest update =
                net::mutation(m_schema, *m_schema.model(u"Post"_s), net::MutationType::Update, input);
            if (synctest::sendAll(other, {update}).size() == 1)
                ++bumped;
        }));
        writer->start();
        writer->wait();
        return ConflictResolution::retry();
    };
    a->configureSync(config);
    QVERIFY(waitReady(*a));
    QVERIFY(await(a->save(u"Post"_s, post(u"contested"_s, u"Original"_s, 1))).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"contested"_s).value(u"_version"_s).toInt(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);

    QSignalSpy failed(a.get(), &DataStore::outboxMutationFailed);
    withServerDown([&] {
        QTRY_VERIFY_WITH_TIMEOUT(!a->isOnline(), 15000);
        QVERIFY(await(a->save(u"Post"_s, post(u"contested"_s, u"Local edit"_s, 2))).ok());
    }, [&] {
        QVERIFY(serverMutate(net::MutationType::Update, QJsonObject{{u"id"_s, u"contested"_s}, {u"rating"_s, 9},
                                                                     {u"_version"_s, 1}}));
    }, {u"--conflict"_s, u"optimistic"_s});
    synctest::configure(*m_http, m_server->graphqlUrl());
    QTRY_VERIFY_WITH_TIMEOUT(a->isOnline(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 10000);

    const QList<QVariant> report = failed.constFirst();
    QCOMPARE(report.at(0).toString(), u"Post"_s);
    QCOMPARE(report.at(1).toString(), u"Update"_s);
    QCOMPARE(report.at(2).toMap().value(u"title"_s).toString(), u"Local edit"_s);
    const auto error = report.at(3).value<Error>();
    QCOMPARE(error.code(), u"ConflictRetriesExhausted"_s);
    QCOMPARE(error.domain(), Error::Domain::Conflict);
    QVERIFY2(error.message().contains(u"contested"_s) && error.message().contains(u"10 attempts"_s),
             qPrintable(error.message()));
    // The handler was asked for each attempt, then no more; every attempt
    // met a newer version.
    QCOMPARE(calls.load(), 10);
    QCOMPARE(bumped.load(), 10);
    // The server's copy everywhere: the last writer's rating, not our title.
    const QJsonObject server = serverGet(u"contested"_s);
    QCOMPARE(server.value(u"title"_s).toString(), u"Original"_s);
    QCOMPARE(server.value(u"rating"_s).toInt(), 110);
    QTRY_COMPARE_WITH_TIMEOUT(localGet(*a, u"Post"_s, u"contested"_s)->value(u"rating"_s).toInt(), 110, 5000);
    QCOMPARE(localGet(*a, u"Post"_s, u"contested"_s)->value(u"title"_s).toString(), u"Original"_s);
}

void tst_SyncEngine::operationsStartSyncUnlessAutoStartIsOff()
{
    auto a = client(u"a"_s);
    QVERIFY(waitReady(*a));
    QVERIFY(a->autoStart());

    // Amplify's rule (the default): after stop(), an operation starts sync.
    QVERIFY(await(a->stop()).ok());
    QCOMPARE(a->syncState(), DataStore::SyncState::Stopped);
    QVERIFY(await(a->save(u"Post"_s, post(u"auto1"_s, u"Starts sync"_s, 1))).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"auto1"_s).value(u"_version"_s).toInt(), 1, 10000);
    QVERIFY(a->syncState() != DataStore::SyncState::Stopped);

    // Paused: reads and writes leave it stopped; the outbox waits for start().
    a->setAutoStart(false);
    QVERIFY(await(a->stop()).ok());
    QVERIFY(await(a->save(u"Post"_s, post(u"auto2"_s, u"Waits"_s, 2))).ok());
    QVERIFY(await(a->count(u"Post"_s)).ok());
    QVERIFY(await(a->query(u"Post"_s)).ok());
    QTest::qWait(500);
    QCOMPARE(a->syncState(), DataStore::SyncState::Stopped);
    QCOMPARE(a->pendingMutations(), 1);
    QVERIFY(serverGet(u"auto2"_s).isEmpty());
    QVERIFY(await(a->start()).ok());
    QTRY_COMPARE_WITH_TIMEOUT(serverGet(u"auto2"_s).value(u"_version"_s).toInt(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 5000);
}

void tst_SyncEngine::localOnlyModelsStayOnTheDevice()
{
    // Comment is kept local on A: no sync query, no subscription, and its
    // writes queue nothing; Post syncs as usual. B syncs everything.
    const QJsonObject seeded{{u"id"_s, u"c-seeded"_s}, {u"postID"_s, u"p"_s}, {u"content"_s, u"on the server"_s}};
    QCOMPARE(synctest::sendAll(*m_http, {net::mutation(m_schema, *m_schema.model(u"Comment"_s),
                                                       net::MutationType::Create, seeded)}).size(), 1);
    auto a = client(u"a"_s);
    SyncConfiguration config = a->syncConfiguration();
    config.setLocalOnly(u"Comment"_s);
    a->configureSync(config);
    auto b = client(u"b"_s);
    QSignalSpy started(a.get(), &DataStore::syncQueriesStarted);
    QVERIFY(waitReady(*a));
    QVERIFY(waitReady(*b));
    QCOMPARE(started.size(), 1);
    QVERIFY(!started.constFirst().at(0).toStringList().contains(u"Comment"_s));
    QVERIFY(started.constFirst().at(0).toStringList().contains(u"Post"_s));
    QCOMPARE(*await(a->count(u"Comment"_s)), 0);
    QCOMPARE(*await(b->count(u"Comment"_s)), 1);

    // A's comment is written locally only; its post goes to the server.
    QVERIFY(await(a->save(u"Comment"_s, {{u"id"_s, u"c-local"_s}, {u"postID"_s, u"p"_s},
                                          {u"content"_s, u"mine only"_s}})).ok());
    QCOMPARE(a->pendingMutations(), 0);
    QVERIFY(await(a->save(u"Post"_s, post(u"p-a"_s, u"From A"_s, 3))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*b, u"Post"_s, u"p-a"_s).has_value(), 10000);
    QVERIFY(!localGet(*b, u"Comment"_s, u"c-local"_s).has_value());
    QCOMPARE(*await(a->count(u"Comment"_s)), 1);
    QVERIFY(await(a->remove(u"Comment"_s, u"c-local"_s)).ok());
    QList<QVariantMap> batch;   // the batch path (entries deferred per rowid range) too
    for (int i = 0; i < 3; ++i)
        batch.append({{u"id"_s, u"c-batch%1"_s.arg(i)}, {u"postID"_s, u"p"_s}, {u"content"_s, u"batch"_s}});
    QVERIFY(await(a->saveAll(u"Comment"_s, batch)).ok());
    QVERIFY(await(a->save(u"Post"_s, post(u"p-a2"_s, u"After the batch"_s, 3))).ok());
    QCOMPARE(*await(a->count(u"Comment"_s)), 3);
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*b, u"Post"_s, u"p-a2"_s).has_value(), 10000);   // sent after the batch
    QCOMPARE(a->pendingMutations(), 0);
    QVERIFY(!localGet(*b, u"Comment"_s, u"c-batch0"_s).has_value());
    QVERIFY(await(a->removeWhere(u"Comment"_s, Predicate::all())).ok());
    QCOMPARE(a->pendingMutations(), 0);

    // B's comment, then B's post: the post reaches A, the comment does not.
    QVERIFY(await(b->save(u"Comment"_s, {{u"id"_s, u"c-b"_s}, {u"postID"_s, u"p"_s}, {u"content"_s, u"B"_s}})).ok());
    QVERIFY(await(b->save(u"Post"_s, post(u"p-b"_s, u"From B"_s, 4))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*a, u"Post"_s, u"p-b"_s).has_value(), 10000);
    QTest::qWait(200);
    QVERIFY(!localGet(*a, u"Comment"_s, u"c-b"_s).has_value());
    QCOMPARE(*await(a->count(u"Comment"_s)), 0);

    // A model the schema lacks is a configuration error at start().
    SyncConfiguration bad = config;
    bad.setLocalOnly(u"Nope"_s);
    auto c = client(u"c"_s);
    c->configureSync(bad);
    const Result<void> refused = await(c->start());
    QVERIFY(!refused);
    QCOMPARE(refused.error().code(), u"UnknownModel"_s);
    QVERIFY2(refused.error().message().contains(u"'Nope'"_s), qPrintable(refused.error().message()));
}

void tst_SyncEngine::tlsWithCustomCa()
{
    // https:// and wss:// on one port, a throwaway self-signed certificate
    // trusted through caCertificateFile (verification stays on).
    bool missing = false;
    const QString certError = dstest::makeSelfSignedCertificate(m_dir.path(), &missing);
    QVERIFY2(certError.isEmpty(), qPrintable(certError));
    const QString restarted =
        restartServer({u"--tls-cert"_s, m_dir.filePath(u"cert.pem"_s), u"--tls-key"_s, m_dir.filePath(u"key.pem"_s)});
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    QVERIFY(m_server->isSecure());

    auto trusting = client(u"trusting"_s);
    SyncConfiguration config = trusting->syncConfiguration();
    QCOMPARE(config.endpoint.scheme(), u"https"_s);
    config.caCertificateFile = m_dir.filePath(u"cert.pem"_s);
    trusting->configureSync(config);
    auto other = client(u"other"_s);
    other->configureSync(config);
    QVERIFY(waitReady(*trusting));
    QVERIFY(waitReady(*other));
    QVERIFY(await(trusting->save(u"Post"_s, post(u"tls1"_s, u"Over TLS"_s, 5))).ok());
    QTRY_VERIFY_WITH_TIMEOUT(localGet(*other, u"Post"_s, u"tls1"_s).has_value(), 10000);   // via wss://

    // Without the CA the certificate is refused: the store stays offline.
    auto refusing = client(u"refusing"_s);
    QSignalSpy network(refusing.get(), &DataStore::networkStatus);
    QVERIFY(await(refusing->start()).ok());
    QTest::qWait(1500);
    QVERIFY(!refusing->isOnline());
    QCOMPARE(refusing->syncState(), DataStore::SyncState::Offline);
    QCOMPARE(*await(refusing->count(u"Post"_s)), 0);

    // A CA file that holds no certificate is a configuration error.
    config.caCertificateFile = m_dir.filePath(u"key.pem"_s);
    auto broken = client(u"broken"_s);
    broken->configureSync(config);
    const Result<void> started = await(broken->start());
    QVERIFY(!started);
    QCOMPARE(started.error().code(), u"BadCaFile"_s);
}

void tst_SyncEngine::baseSyncResumesAfterServerRestart()
{
    constexpr int kPosts = 3000;
    QCOMPARE(seed(kPosts, u"big"_s).size(), kPosts);
    auto a = client(u"a"_s);
    SyncConfiguration config = a->syncConfiguration();
    config.pageSize = 100;
    a->configureSync(config);
    QSignalSpy synced(a.get(), &DataStore::modelSynced);
    const quint16 port = m_server->port();
    bool killed = false;
    connect(a.get(), &DataStore::syncProgressChanged, this, [&] {
        if (!killed && a->syncedRecords() >= 500) {
            killed = true;
            m_server->stop();   // SIGKILL in the middle of the base sync
        }
    });
    QVERIFY(await(a->start()).ok());
    QTRY_VERIFY_WITH_TIMEOUT(killed, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!a->isOnline(), 20000);
    const qint64 before = *await(a->count(u"Post"_s));
    QVERIFY(before >= 500 && before < kPosts);
    QVERIFY(m_server->start(port).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(a->syncState(), DataStore::SyncState::Ready, 30000);
    QCOMPARE(*await(a->count(u"Post"_s)), kPosts);
    // The resumed round fetched only what the first one had not applied.
    QVariantList last;
    for (const QVariantList &args : std::as_const(synced)) {
        if (args.at(0).toString() == u"Post")
            last = args;
    }
    QCOMPARE(last.at(1).toBool(), true);
    QVERIFY2(last.at(3).toInt() <= kPosts - before, qPrintable(u"%1 new after %2 applied"_s.arg(last.at(3).toInt()).arg(before)));
}

void tst_SyncEngine::userExpressionUsesTheServersIndex()
{
    // The seed's query-instead-of-scan case: this User expression is served
    // by the server's byLastName index, which POST /admin/explain shows.
    const QString adminKey = u"admin-key-for-tests"_s;
    const QString restarted = restartServer({u"--admin-key"_s, adminKey});
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    const ModelSchema &user = *m_schema.model(u"User"_s);
    QList<net::GraphQLRequest> requests;
    const QStringList lastNames{u"Doe"_s, u"Roe"_s, u"Doe"_s, u"Smith"_s};
    for (int i = 0; i < 40; ++i) {
        const QJsonObject input{{u"id"_s, u"u%1"_s.arg(i)},
                                {u"firstName"_s, u"F%1"_s.arg(i)},
                                {u"lastName"_s, lastNames.at(i % 4)},
                                {u"createdAt"_s, QDateTime(QDate(2020, 10, 1).addDays(i), QTime(12, 0), Qt::UTC)
                                                     .toString(Qt::ISODateWithMs)}};
        requests.append(net::mutation(m_schema, user, net::MutationType::Create, input));
    }
    QCOMPARE(synctest::sendAll(*m_http, requests).size(), 40);

    const QString expression = u"lastName == \"Doe\" and createdAt > \"2020-10-10\""_s;
    auto a = client(u"a"_s, {u"User: "_s + expression});
    QVERIFY(waitReady(*a));
    // Doe users are i % 4 in {0, 2}; created after Oct 10: i >= 10 (Oct 11 on).
    int expected = 0;
    for (int i = 10; i < 40; ++i)
        expected += (i % 4 == 0 || i % 4 == 2) ? 1 : 0;
    QCOMPARE(*await(a->count(u"User"_s)), expected);

    // The filter the client sent, as the server plans it.
    const Result<QueryPlan> local = await(a->explain(u"User"_s, *a->parsePredicate(u"User"_s, expression)));
    QVERIFY(local);
    QNetworkAccessManager manager;
    QNetworkRequest request(m_server->url(u"/admin/explain"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("x-api-key", adminKey.toUtf8());
    const QJsonObject body{{u"model"_s, u"User"_s},
                           {u"filter"_s, QJsonDocument::fromJson(local->filterJson.toUtf8()).object()}};
    QNetworkReply *reply = manager.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    const QJsonObject plan = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    QCOMPARE(plan.value(u"plan"_s).toString(), u"index"_s);
    QCOMPARE(plan.value(u"index"_s).toString(), u"byLastName"_s);
    QVERIFY2(QJsonDocument(plan.value(u"databasePlan"_s).toArray()).toJson().contains("byLastName"),
             QJsonDocument(plan).toJson().constData());
}

void tst_SyncEngine::progressKnowsTheTotal()
{
    QCOMPARE(seed(1200, u"pr"_s).size(), 1200);
    auto a = client(u"a"_s);
    SyncConfiguration config = a->syncConfiguration();
    config.pageSize = 100;
    a->configureSync(config);
    QList<double> progress;
    connect(a.get(), &DataStore::syncProgressChanged, this, [&] { progress.append(a->syncProgress()); });
    QVERIFY(waitReady(*a));
    QCOMPARE(a->syncedRecords(), 1200);
    // 12 pages of 100: the bar moves in steps of 1/12 from the first page on.
    QVERIFY2(progress.contains(100.0 / 1200.0), qPrintable(QString::number(progress.value(1))));
    QVERIFY(progress.contains(1.0));
    for (qsizetype i = 1; i < progress.size(); ++i) {
        if (progress.at(i) >= 0 && progress.at(i - 1) >= 0)
            QVERIFY(progress.at(i) >= progress.at(i - 1));
    }
    QCOMPARE(a->syncProgress(), -1.0);   // not syncing any more
}

void tst_SyncEngine::badConfigurationIsAnError()
{
    auto a = client(u"a"_s);
    SyncConfiguration config = a->syncConfiguration();
    config.setSyncExpression(u"Post"_s, u"ratng > 5"_s);
    a->configureSync(config);
    const Result<void> started = await(a->start());
    QVERIFY(!started);
    QVERIFY2(started.error().message().contains(u"did you mean 'rating'"_s), qPrintable(started.error().message()));
    QCOMPARE(a->syncState(), DataStore::SyncState::Stopped);

    DataStore local(m_schema);
    QVERIFY(!await(local.start()));   // not configured
    QCOMPARE(local.syncState(), DataStore::SyncState::LocalOnly);
}

QTEST_GUILESS_MAIN(tst_SyncEngine)
#include "tst_syncengine.moc"
