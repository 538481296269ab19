// The QML module's sync bindings against the real datastore-server (on
// 127.0.0.1, the app's schema, demo data): QmlDataStore forwards the
// facade's sync state as properties and its hub events as signals, with
// errors as dataStoreError values; start()/stop() and setSyncExpression()
// drive the engine.
#include "qml/qmldatastore.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_QmlSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey(), u"--seed"_s, u"demo"_s});
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void propertiesAndSignalsForwarded()
    {
        ds::DataStore store(testsupport::appSchema());
        QVERIFY(testsupport::await(store.open(m_dir.filePath(u"a.sqlite"_s))).ok());
        ds::QmlDataStore qml(&store);
        QCOMPARE(qml.syncState(), ds::QmlDataStore::LocalOnly);
        QCOMPARE(qml.isSyncEnabled(), false);

        QSignalSpy state(&qml, &ds::QmlDataStore::syncStateChanged);
        QSignalSpy online(&qml, &ds::QmlDataStore::onlineChanged);
        QSignalSpy network(&qml, &ds::QmlDataStore::networkStatus);
        QSignalSpy established(&qml, &ds::QmlDataStore::subscriptionsEstablished);
        QSignalSpy started(&qml, &ds::QmlDataStore::syncQueriesStarted);
        QSignalSpy synced(&qml, &ds::QmlDataStore::modelSynced);
        QSignalSpy queriesReady(&qml, &ds::QmlDataStore::syncQueriesReady);
        QSignalSpy ready(&qml, &ds::QmlDataStore::ready);
        QSignalSpy lastSynced(&qml, &ds::QmlDataStore::lastSyncedAtChanged);
        QSignalSpy progress(&qml, &ds::QmlDataStore::syncProgressChanged);
        QSignalSpy syncErrors(&qml, &ds::QmlDataStore::syncErrorOccurred);

        ds::SyncConfiguration config;
        config.endpoint = m_server.graphqlUrl();
        config.apiKey = apiKey();
        config.errorHandler = [](const ds::SyncError &) {};
        store.configureSync(config);
        QVERIFY(qml.isSyncEnabled());
        QCOMPARE(qml.syncState(), ds::QmlDataStore::Stopped);
        QCOMPARE(qml.syncStateName(), u"stopped"_s);
        QVERIFY(!qml.setSyncExpression(u"Post"_s, u"rating > 8"_s).isValid());
        QCOMPARE(qml.syncExpression(u"Post"_s), u"rating > 8"_s);

        qml.start();
        QVERIFY(ready.wait(30000));
        QCOMPARE(qml.syncState(), ds::QmlDataStore::Ready);
        QCOMPARE(qml.syncStateName(), u"ready"_s);
        QVERIFY(qml.isOnline());
        QVERIFY(state.size() >= 2);   // stopped -> starting -> syncing -> ready
        QVERIFY(online.size() >= 1);
        QVERIFY(network.size() >= 1 && network.constFirst().at(0).toBool());
        QCOMPARE(established.size(), 1);
        QCOMPARE(started.size(), 1);
        QVERIFY(started.constFirst().at(0).toStringList().contains(u"Post"_s));
        QCOMPARE(queriesReady.size(), 1);
        QVERIFY(lastSynced.size() >= 1);
        QVERIFY(qml.lastSyncedAt().isValid());
        QVERIFY(progress.size() >= 1);
        QVERIFY(qml.syncedRecords() > 0);
        QVERIFY(qml.isModelSynced(u"Post"_s));

        // Only the posts the expression selects arrived, all in one full sync.
        const qint64 local = *testsupport::await(store.count(u"Post"_s));
        QVERIFY(local > 0);
        bool postSynced = false;
        for (const QList<QVariant> &args : std::as_const(synced)) {
            if (args.at(0).toString() != u"Post")
                continue;
            postSynced = true;
            QCOMPARE(args.at(1).toBool(), true);    // isFullSync
            QCOMPARE(args.at(3).toInt(), local);    // newCount
        }
        QVERIFY(postSynced);
        const qint64 above = *testsupport::await(store.count(u"Post"_s, *store.parsePredicate(u"Post"_s, u"rating > 8"_s)));
        QCOMPARE(above, local);

        // Notes are private to their owner: the API key may not sync them;
        // the error arrives as a dataStoreError value.
        QTRY_VERIFY(!syncErrors.isEmpty());
        bool noteRefused = false;
        for (const QList<QVariant> &args : std::as_const(syncErrors)) {
            const auto error = args.at(1).value<ds::QmlError>();
            QVERIFY(error.isValid());
            if (args.at(0).toString() == u"Note" && error.domain() == u"Auth")
                noteRefused = true;
        }
        QVERIFY(noteRefused);

        // A local change goes out: enqueued, then processed.
        QSignalSpy enqueued(&qml, &ds::QmlDataStore::outboxMutationEnqueued);
        QSignalSpy processed(&qml, &ds::QmlDataStore::outboxMutationProcessed);
        QSignalSpy outbox(&qml, &ds::QmlDataStore::outboxStatus);
        QVERIFY(testsupport::await(store.save(u"Post"_s, {{u"id"_s, u"qml-1"_s}, {u"title"_s, u"From QML"_s},
                                                          {u"rating"_s, 9}})).ok());
        QTRY_COMPARE(enqueued.size(), 1);
        QCOMPARE(enqueued.constFirst().at(0).toString(), u"Post"_s);
        QTRY_COMPARE_WITH_TIMEOUT(processed.size(), 1, 10000);
        QCOMPARE(processed.constFirst().at(1).toMap().value(u"id"_s).toString(), u"qml-1"_s);
        QTRY_COMPARE(qml.pendingMutations(), 0);
        QVERIFY(!outbox.isEmpty());

        qml.stop();
        QTRY_COMPARE(qml.syncState(), ds::QmlDataStore::Stopped);
        QCOMPARE(qml.isOnline(), false);
    }

private:
    static QString apiKey() { return u"da2-qmlsynctest"_s; }

    QTemporaryDir m_dir;
    dstest::ServerProcess m_server;
};

QTEST_GUILESS_MAIN(tst_QmlSync)

#include "tst_qmlsync.moc"
