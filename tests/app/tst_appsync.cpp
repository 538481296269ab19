// The app against the real datastore-server, end to end (offscreen): the
// server runs on 127.0.0.1 with the app's schema and the demo data; the app
// starts with --config pointing at it (an amplifyconfiguration.json written
// here), driven through its window. A post created in the app arrives on a
// second DataStore client and one created there appears in the app's list;
// a sync expression changed on the Settings page (typed, Apply) narrows the
// list, evicting what no longer matches, and "all" brings it back; the
// status bar and the Sync page say what happens (a stop, the server going
// away and back, a conditional save it refuses); every page is rendered
// while syncing. Any warning fails the test, except the second client's
// report that the API key may not sync the owner-only Note model (the
// app's schema: notes are private; the app itself keeps them local-only).
#include "appitems.h"
#include "appwarnings.h"

#include "notesapp.h"
#include "serverprocess.h"

#include <QAbstractItemModel>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(QtDataStorePlugin)
Q_IMPORT_QML_PLUGIN(QtDataStoreNotesPlugin)

using namespace Qt::StringLiterals;

namespace {

template<typename T>
T await(QFuture<T> future)
{
    QDeadlineTimer deadline(30000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!future.isFinished())
        qFatal("a future did not finish within 30 s");
    return future.result();
}

QString apiKey()
{
    return u"da2-appsynctest"_s;
}

QString adminKey()
{
    return u"admin-appsynctest"_s;
}

} // namespace

class TestAppSync : public QObject
{
    Q_OBJECT

private:
    QQuickItem *item(const QString &name) { return apptest::namedItem(m_app->window(), name); }

    QString text(const QString &name)
    {
        QQuickItem *i = item(name);
        return i ? i->property("text").toString() : QString();
    }

    void click(const QString &name)
    {
        QQuickItem *button = item(name);
        QVERIFY(button);
        QVERIFY(button->property("enabled").toBool());
        QVERIFY(QMetaObject::invokeMethod(button, "clicked"));
    }

    void type(const char *text)
    {
        for (const char *c = text; *c; ++c)
            QTest::keyClick(m_app->window(), *c);
    }

    void showPage(int index)
    {
        auto *tabs = m_app->window()->findChild<QObject *>(u"pageTabs"_s);
        QVERIFY(tabs);
        tabs->setProperty("currentIndex", index);
    }

    qint64 postsInList()
    {
        auto *posts = m_app->window()->findChild<QAbstractItemModel *>(u"postsModel"_s);
        return posts && !posts->property("loading").toBool() ? posts->property("totalCount").toLongLong() : -1;
    }

    qint64 localCount(ds::DataStore &store, const QString &model, const QString &filter = QString())
    {
        const ds::Predicate predicate = filter.isEmpty() ? ds::Predicate::all() : *store.parsePredicate(model, filter);
        const ds::Result<qint64> n = await(store.count(model, predicate));
        return n ? *n : -1;
    }

    QTemporaryDir m_dir;
    dstest::ServerProcess m_server;
    std::unique_ptr<notes::NotesApp> m_app;
    std::unique_ptr<ds::DataStore> m_other;

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(u"QtDataStoreTest"_s);
        QCoreApplication::setApplicationName(u"tst_appsync"_s);
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        apptest::installWarningCounter(true);   // m_other syncs notes with the API key
        QVERIFY(m_dir.isValid());

        // The server with the app's schema (the last --schema wins) and the demo data.
        const QString error = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey(), u"--admin-key"_s, adminKey(),
                                              u"--seed"_s, u"demo"_s,
                                              // Comments conflict instead of merging (conflictIsExplained).
                                              u"--conflict"_s, u"Comment=optimistic"_s});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonObject api{{u"endpointType"_s, u"GraphQL"_s},
                              {u"endpoint"_s, m_server.graphqlUrl().toString()},
                              {u"authorizationType"_s, u"API_KEY"_s},
                              {u"apiKey"_s, apiKey()}};
        const QJsonObject root{{u"api"_s, QJsonObject{{u"plugins"_s, QJsonObject{{u"awsAPIPlugin"_s,
                                                                                  QJsonObject{{u"test"_s, api}}}}}}}};
        QFile config(m_dir.filePath(u"amplifyconfiguration.json"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QJsonDocument(root).toJson());
        config.close();

        notes::AppOptions options;
        options.configFile = config.fileName();
        options.databaseFile = m_dir.filePath(u"app.sqlite"_s);
        options.adminKey = adminKey();
        m_app = std::make_unique<notes::NotesApp>();
        QSignalSpy ready(m_app.get(), &notes::NotesApp::ready);
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(m_app->start(options), qPrintable(m_app->errorString()));
        apptest::countQmlWarnings(m_app->engine(), this);
        // The status bar's progress bar shows during the base sync, with
        // the records coming in.
        QQuickItem *progressBar = item(u"syncProgressBar"_s);
        QVERIFY(progressBar);
        bool barShown = false;
        qint64 recordsWhileShown = 0;
        double progressWhileShown = -1;
        connect(m_app->store(), &ds::DataStore::syncProgressChanged, this, [&] {
            if (!progressBar->isVisible())
                return;
            barShown = true;
            recordsWhileShown = std::max(recordsWhileShown, m_app->store()->syncedRecords());
            progressWhileShown = std::max(progressWhileShown, progressBar->property("value").toDouble());
        });
        QVERIFY(QTest::qWaitForWindowExposed(m_app->window()));
        // Ready: synced (the base sync of the demo data) and the list loaded.
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);
        disconnect(m_app->store(), &ds::DataStore::syncProgressChanged, this, nullptr);
        QVERIFY(barShown);
        QVERIFY2(recordsWhileShown > 0, qPrintable(QString::number(recordsWhileShown)));
        qInfo("progress bar shown during the base sync: up to %lld records, value up to %.2f",
              recordsWhileShown, progressWhileShown);
        QCOMPARE(m_app->store()->syncState(), ds::DataStore::SyncState::Ready);
        qInfo("synced and shown after %lld ms", clock.elapsed());
        // No demo data of the app's own: the cloud has it.
        QCOMPARE(localCount(*m_app->store(), u"Note"_s), 0);
        QTRY_COMPARE(postsInList(), localCount(*m_app->store(), u"Post"_s));
        QVERIFY(postsInList() >= 5000);

        // A second device.
        m_other = std::make_unique<ds::DataStore>(m_app->store()->schema());
        QVERIFY(await(m_other->open(m_dir.filePath(u"other.sqlite"_s))).ok());
        ds::SyncConfiguration otherConfig;
        otherConfig.endpoint = m_server.graphqlUrl();
        otherConfig.apiKey = apiKey();
        otherConfig.errorHandler = [](const ds::SyncError &) {};
        m_other->configureSync(otherConfig);
        QSignalSpy otherReady(m_other.get(), &ds::DataStore::syncQueriesReady);
        m_other->start();
        QVERIFY(otherReady.wait(60000));
    }

    void statusBarSaysSynced()
    {
        QCOMPARE(text(u"onlineLabel"_s), u"Online"_s);
        QVERIFY2(text(u"syncStatusLabel"_s).startsWith(u"synced with 127.0.0.1:"_s), qPrintable(text(u"syncStatusLabel"_s)));
        QVERIFY(text(u"lastSyncLabel"_s).startsWith(u"Last sync "_s));
        QTRY_VERIFY(!item(u"syncProgressBar"_s)->isVisible());
        QCOMPARE(text(u"pendingLabel"_s), u"Pending changes: 0"_s);
    }

    void postCreatedInAppArrivesOnSecondClient()
    {
        showPage(0);
        const qint64 before = postsInList();
        click(u"newPostButton"_s);
        QTRY_COMPARE(postsInList(), before + 1);
        auto *title = item(u"postTitleField"_s);
        QVERIFY(title);
        QTRY_VERIFY(title->hasActiveFocus());
        QMetaObject::invokeMethod(title, "selectAll");
        type("Hello from the app");
        auto *editor = m_app->window()->findChild<QObject *>(u"postEditor"_s);
        QVERIFY(editor);
        const QString id = editor->property("recordId").toString();
        QVERIFY(!id.isEmpty());

        // Saved locally after the debounce, sent, and on the other device.
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const auto r = await(m_other->get(u"Post"_s, id));
            return r && r->has_value() && (*r)->value(u"title"_s).toString() == u"Hello from the app";
        }(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->store()->pendingMutations(), 0, 10000);
        QTRY_COMPARE(text(u"pendingLabel"_s), u"Pending changes: 0"_s);
        // The Sync page says the change was sent.
        auto *activity = m_app->controller()->syncActivity();
        bool sent = false;
        for (int i = 0; i < activity->rowCount(); ++i) {
            const QString t = activity->data(activity->index(i), notes::SyncActivity::TitleRole).toString();
            sent = sent || t.contains(u"sent"_s, Qt::CaseInsensitive);
        }
        QVERIFY(sent);
    }

    // The post stays open in the editor; the other device changes its rating
    // and tags: the editor's fields show them, and the title typed here next
    // is saved without writing the old rating back.
    void openPostFollowsTheOtherDevice()
    {
        auto *editor = m_app->window()->findChild<QObject *>(u"postEditor"_s);
        QVERIFY(editor);
        const QString id = editor->property("recordId").toString();
        QVERIFY(!id.isEmpty());
        auto theirs = *await(m_other->get(u"Post"_s, id));
        QVERIFY(theirs.has_value());
        QVariantMap changed = *theirs;
        changed.insert(u"rating"_s, 8);
        changed.insert(u"tags"_s, QStringList{u"remote"_s, u"edit"_s});
        QVERIFY(await(m_other->save(u"Post"_s, changed)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(item(u"postRatingBox"_s)->property("value").toInt(), 8, 15000);
        QTRY_COMPARE(item(u"postTagsField"_s)->property("text").toString(), u"remote, edit"_s);

        auto *title = item(u"postTitleField"_s);
        title->forceActiveFocus();
        QTRY_VERIFY(title->hasActiveFocus());
        QTest::keyClick(m_app->window(), Qt::Key_End);
        type("!");
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            const auto r = await(m_other->get(u"Post"_s, id));
            return r && r->has_value() && (*r)->value(u"title"_s).toString() == u"Hello from the app!";
        }(), 15000);
        const auto after = *await(m_other->get(u"Post"_s, id));
        QCOMPARE(after->value(u"rating"_s).toInt(), 8);
        QCOMPARE(after->value(u"tags"_s).toStringList(), (QStringList{u"remote"_s, u"edit"_s}));
    }

    void postCreatedElsewhereAppearsInList()
    {
        auto *search = item(u"postSearchField"_s);
        QVERIFY(search);
        search->setProperty("text", u"From the other device"_s);
        QTRY_COMPARE(postsInList(), 0);
        QVERIFY(await(m_other->save(u"Post"_s, {{u"id"_s, u"other-1"_s}, {u"title"_s, u"From the other device"_s},
                                               {u"rating"_s, 9}, {u"status"_s, u"PUBLISHED"_s}})).ok());
        QTRY_COMPARE_WITH_TIMEOUT(postsInList(), 1, 15000);
        search->setProperty("text", QString());
    }

    void syncExpressionNarrowsAndWidensTheList()
    {
        showPage(3);
        const qint64 all = localCount(*m_app->store(), u"Post"_s);
        QTRY_COMPARE(postsInList(), all);
        auto *field = item(u"syncExpressionFieldPost"_s);
        QVERIFY(field);
        field->forceActiveFocus();
        QMetaObject::invokeMethod(field, "selectAll");
        type("rating > 5");
        QTRY_VERIFY(item(u"applySyncExpressions"_s)->property("enabled").toBool());
        // The live preview counts the local records the draft matches.
        const qint64 matching = localCount(*m_app->store(), u"Post"_s, u"rating > 5"_s);
        QVERIFY(matching > 0 && matching < all);
        QTRY_VERIFY2(text(u"syncExpressionPreviewPost"_s).contains(QLocale().toString(matching) + u" of "_s),
                     qPrintable(text(u"syncExpressionPreviewPost"_s)));
        // The server's plan (POST /admin/explain with the admin key): no index on rating.
        QTRY_VERIFY2(text(u"syncExpressionPreviewPost"_s).contains(u"server: the server scans every record"_s),
                     qPrintable(text(u"syncExpressionPreviewPost"_s)));
        // The User preset reads the byLastName index (then back to the expression in force).
        QVERIFY(QMetaObject::invokeMethod(item(u"syncPreset2"_s), "clicked"));
        QCOMPARE(item(u"syncExpressionFieldUser"_s)->property("text").toString(),
                 u"lastName == \"Doe\" and createdAt > \"2020-10-10\""_s);
        QTRY_VERIFY2(text(u"syncExpressionPreviewUser"_s).contains(u"server: the server reads the index byLastName"_s),
                     qPrintable(text(u"syncExpressionPreviewUser"_s)));
        m_app->controller()->syncExpressions()->setDraft(m_app->controller()->syncExpressions()->rowOf(u"User"_s), u"all"_s);

        QSignalSpy synced(m_app->store(), &ds::DataStore::modelSynced);
        click(u"applySyncExpressions"_s);
        QTRY_VERIFY_WITH_TIMEOUT(text(u"applyStatusLabel"_s).startsWith(u"Applied"_s), 30000);
        QVERIFY(!synced.isEmpty());
        // Evicted: the list holds exactly the posts the expression selects
        // (the app's own post is rated 5 and synced, so it went too).
        QTRY_COMPARE(localCount(*m_app->store(), u"Post"_s), matching);
        QTRY_COMPARE(postsInList(), matching);
        const QString result = text(u"syncExpressionResultPost"_s);
        QVERIFY2(result.contains(QLocale().toString(all - matching) + u" removed"_s), qPrintable(result));
        QCOMPARE(m_app->settings()->syncExpression(u"cloud"_s, u"Post"_s), QString());   // another scope
        QCOMPARE(m_app->store()->syncConfiguration().syncExpressions().size(), 1);

        // A new post outside the expression stays on the server.
        QVERIFY(await(m_other->save(u"Post"_s, {{u"id"_s, u"other-low"_s}, {u"title"_s, u"Low"_s}, {u"rating"_s, 1}})).ok());
        QVERIFY(await(m_other->save(u"Post"_s, {{u"id"_s, u"other-high"_s}, {u"title"_s, u"High"_s}, {u"rating"_s, 10}})).ok());
        QTRY_COMPARE_WITH_TIMEOUT(postsInList(), matching + 1, 15000);
        QVERIFY(!await(m_other->get(u"Post"_s, u"other-low"_s))->value().isEmpty());
        QVERIFY(!(*await(m_app->store()->get(u"Post"_s, u"other-low"_s))).has_value());

        // "all" again: the rest is fetched back.
        QVERIFY(QMetaObject::invokeMethod(item(u"syncPreset3"_s), "clicked"));
        click(u"applySyncExpressions"_s);
        QTRY_VERIFY_WITH_TIMEOUT(text(u"applyStatusLabel"_s).startsWith(u"Applied"_s)
                                     && !item(u"applySyncExpressions"_s)->property("enabled").toBool(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(postsInList(), localCount(*m_other, u"Post"_s), 30000);
        QVERIFY((*await(m_app->store()->get(u"Post"_s, u"other-low"_s))).has_value());
    }

    // Stop on the Sync page; meanwhile someone renames a post; a save here
    // under a condition the stale local copy meets is refused by the
    // server: the Sync page explains it and the post shows the server's copy.
    void conditionalSaveRejectedIsExplained()
    {
        QVERIFY(await(m_other->save(u"Post"_s, {{u"id"_s, u"cond-1"_s}, {u"title"_s, u"[Amplify] original"_s},
                                               {u"rating"_s, 3}})).ok());
        QTRY_VERIFY_WITH_TIMEOUT((*await(m_app->store()->get(u"Post"_s, u"cond-1"_s))).has_value(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_other->pendingMutations(), 0, 10000);

        // Stop sync pauses it: the views' recounts (the posts list at most
        // every 100 ms, Settings after 250 ms) and saves, which would start
        // a stopped sync again (Amplify's rule), leave it stopped.
        showPage(2);
        click(u"stopSyncButton"_s);
        QTRY_COMPARE(m_app->store()->syncState(), ds::DataStore::SyncState::Stopped);
        QVERIFY(!m_app->store()->autoStart());
        QTRY_COMPARE(text(u"onlineLabel"_s), u"Offline"_s);
        QVERIFY2(text(u"syncStatusLabel"_s).startsWith(u"sync paused"_s), qPrintable(text(u"syncStatusLabel"_s)));
        QVERIFY(item(u"startSyncButton"_s)->property("enabled").toBool());

        QVariantMap renamed = **await(m_other->get(u"Post"_s, u"cond-1"_s));
        renamed.insert(u"title"_s, u"Renamed elsewhere"_s);
        QVERIFY(await(m_other->save(u"Post"_s, renamed)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_other->pendingMutations(), 0, 10000);

        const auto condition = m_app->store()->parsePredicate(u"Post"_s, u"title beginsWith \"[Amplify]\""_s);
        QVERIFY(condition);
        QVERIFY(await(m_app->store()->save(u"Post"_s, {{u"id"_s, u"cond-1"_s}, {u"title"_s, u"[Amplify] mine"_s},
                                                        {u"rating"_s, 10}}, *condition)).ok());
        QTest::qWait(400);   // longer than the views' recount delays
        QCOMPARE(m_app->store()->syncState(), ds::DataStore::SyncState::Stopped);
        QCOMPARE(m_app->store()->pendingMutations(), 1);
        click(u"startSyncButton"_s);
        QVERIFY(m_app->store()->autoStart());
        auto *activity = m_app->controller()->syncActivity();
        auto titles = [activity] {
            QStringList t;
            for (int i = 0; i < activity->rowCount(); ++i)
                t.append(activity->data(activity->index(i), notes::SyncActivity::TitleRole).toString());
            return t.join(u" | "_s);
        };
        QVERIFY(!item(u"syncProblemsButton"_s)->isVisible());
        QTRY_VERIFY2_WITH_TIMEOUT(activity->problemCount() == 1,
                                  qPrintable(titles() + u" state "_s + QString::number(int(m_app->store()->syncState()))), 15000);
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (int i = 0; i < activity->rowCount(); ++i) {
                if (activity->data(activity->index(i), notes::SyncActivity::TitleRole).toString()
                    == u"Your change to post “[Amplify] mine” was not applied")
                    return activity->data(activity->index(i), notes::SyncActivity::KindRole).toString() == u"warning";
            }
            return false;
        }(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT((**await(m_app->store()->get(u"Post"_s, u"cond-1"_s))).value(u"title"_s).toString(),
                                  u"Renamed elsewhere"_s, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->store()->syncState(), ds::DataStore::SyncState::Ready, 15000);
        QCOMPARE(text(u"onlineLabel"_s), u"Online"_s);
    }

    // A comment edited here while sync is stopped, and meanwhile elsewhere:
    // the server (optimistic concurrency for comments) refuses our stale
    // version; the app sends ours again on the server's version, and the
    // Sync page says what happened in words.
    void conflictIsExplained()
    {
        QVERIFY(await(m_other->save(u"Comment"_s, {{u"id"_s, u"conf-1"_s}, {u"postID"_s, u"This-conflict"_s},
                                                  {u"content"_s, u"original"_s}})).ok());
        QTRY_VERIFY_WITH_TIMEOUT((*await(m_app->store()->get(u"Comment"_s, u"conf-1"_s))).has_value(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_other->pendingMutations(), 0, 10000);
        showPage(2);
        click(u"stopSyncButton"_s);
        QTRY_COMPARE(m_app->store()->syncState(), ds::DataStore::SyncState::Stopped);

        QVariantMap theirs = **await(m_other->get(u"Comment"_s, u"conf-1"_s));
        theirs.insert(u"content"_s, u"theirs"_s);
        QVERIFY(await(m_other->save(u"Comment"_s, theirs)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_other->pendingMutations(), 0, 10000);

        auto *activity = m_app->controller()->syncActivity();
        const int problemsBefore = activity->problemCount();
        QVERIFY(await(m_app->store()->save(u"Comment"_s, {{u"id"_s, u"conf-1"_s}, {u"postID"_s, u"This-conflict"_s},
                                                           {u"content"_s, u"mine"_s}})).ok());
        click(u"startSyncButton"_s);
        const QString title = u"Your change to comment “mine” crossed a change made elsewhere"_s;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (int i = 0; i < activity->rowCount(); ++i) {
                if (activity->data(activity->index(i), notes::SyncActivity::TitleRole).toString() == title)
                    return activity->data(activity->index(i), notes::SyncActivity::KindRole).toString() == u"warning"
                           && activity->data(activity->index(i), notes::SyncActivity::DetailRole)
                                  .toString().contains(u"the latest change wins"_s);
            }
            return false;
        }(), 15000);
        QCOMPARE(activity->problemCount(), problemsBefore + 1);
        // The status bar counts them, and takes the user to the Sync page.
        QVERIFY(item(u"syncProblemsButton"_s)->isVisible());
        QCOMPARE(text(u"syncProblemsButton"_s), u"⚠ %1 changes met a conflict or were refused"_s.arg(problemsBefore + 1));
        showPage(0);
        click(u"syncProblemsButton"_s);
        QCOMPARE(m_app->window()->findChild<QObject *>(u"pageTabs"_s)->property("currentIndex").toInt(), 2);
        // Ours won, on both devices.
        QTRY_COMPARE_WITH_TIMEOUT(m_app->store()->pendingMutations(), 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT((**await(m_other->get(u"Comment"_s, u"conf-1"_s))).value(u"content"_s).toString()
                                     == u"mine"_s, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->store()->syncState(), ds::DataStore::SyncState::Ready, 15000);
    }

    // The server goes away: the status bar says offline, a change waits in
    // the outbox (counted), and it is sent once the server is back.
    void offlineAndBack()
    {
        showPage(0);
        const quint16 port = m_server.port();
        m_server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(text(u"onlineLabel"_s), u"Offline"_s, 15000);
        QVERIFY2(text(u"syncStatusLabel"_s).startsWith(u"cannot reach 127.0.0.1:"_s), qPrintable(text(u"syncStatusLabel"_s)));

        QVERIFY(await(m_app->store()->save(u"Post"_s, {{u"id"_s, u"offline-1"_s}, {u"title"_s, u"Written offline"_s},
                                                        {u"rating"_s, 7}})).ok());
        QTRY_COMPARE(text(u"pendingLabel"_s), u"Pending changes: 1"_s);
        // A sync expression applied while offline applies once the server is back.
        auto *expressions = m_app->controller()->syncExpressions();
        expressions->applyPreset(1);   // Comment: postID beginsWith "This"
        QVERIFY(expressions->apply());
        QVERIFY2(expressions->applyStatus().startsWith(u"Saved. The server cannot be reached"_s),
                 qPrintable(expressions->applyStatus()));
        QVERIFY(!expressions->isApplying());

        const QString error = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey(), u"--admin-key"_s, adminKey(),
                                              u"--seed"_s, u"demo"_s}, port);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE_WITH_TIMEOUT(text(u"onlineLabel"_s), u"Online"_s, 90000);
        QTRY_COMPARE_WITH_TIMEOUT(text(u"pendingLabel"_s), u"Pending changes: 0"_s, 30000);
        qInfo("back online and drained %lld ms after the server restarted", clock.elapsed());
        QTRY_VERIFY_WITH_TIMEOUT((*await(m_other->get(u"Post"_s, u"offline-1"_s))).has_value(), 30000);
        const qint64 thisComments = localCount(*m_other, u"Comment"_s, u"postID beginsWith \"This\""_s);
        QVERIFY(thisComments > 0);
        QTRY_COMPARE_WITH_TIMEOUT(localCount(*m_app->store(), u"Comment"_s), thisComments, 15000);
        auto *activity = m_app->controller()->syncActivity();
        QStringList titles;
        for (int i = 0; i < activity->rowCount(); ++i)
            titles.append(activity->data(activity->index(i), notes::SyncActivity::TitleRole).toString());
        QVERIFY2(titles.contains(u"Offline: the server cannot be reached"_s), qPrintable(titles.join(u" | "_s)));
    }

    // Under an API key the server keeps no notes: the Notes page says so,
    // and notes are kept on this device (local-only): nothing is sent, so
    // nothing is refused (it was one refusal per edit).
    void noteStaysLocal()
    {
        QVERIFY(m_app->store()->syncConfiguration().localOnlyModels().contains(u"Note"_s));
        QVERIFY(!m_app->store()->syncConfiguration().localOnlyModels().contains(u"Post"_s));
        showPage(1);
        QVERIFY(item(u"notesNotice"_s)->isVisible());
        QVERIFY(text(u"notesNotice"_s).startsWith(u"Notes stay on this device"_s));
        auto *activity = m_app->controller()->syncActivity();
        const int problems = activity->problemCount();
        const int events = activity->rowCount();
        click(u"newNoteButton"_s);
        QTRY_COMPARE(localCount(*m_app->store(), u"Note"_s), 1);
        QCOMPARE(m_app->store()->pendingMutations(), 0);
        type(" edited");
        QTest::qWait(800);   // past the editor's debounce: saved, and would have been sent
        QCOMPARE(m_app->store()->pendingMutations(), 0);
        QCOMPARE(activity->problemCount(), problems);
        QCOMPARE(activity->rowCount(), events);
        QCOMPARE(localCount(*m_app->store(), u"Note"_s), 1);
    }

    void syncPageListsEvents()
    {
        showPage(2);
        auto *list = item(u"syncEventList"_s);
        QVERIFY(list);
        QTRY_VERIFY(list->property("count").toInt() >= 5);
        auto *activity = m_app->controller()->syncActivity();
        QStringList titles;
        for (int i = 0; i < activity->rowCount(); ++i)
            titles.append(activity->data(activity->index(i), notes::SyncActivity::TitleRole).toString());
        const QString all = titles.join(u'\n');
        QVERIFY2(all.contains(u"Downloaded posts (full sync)"_s), qPrintable(all));
        QVERIFY2(all.contains(u"Everything is up to date"_s), qPrintable(all));
        QVERIFY2(all.contains(u"Notes stay on this device"_s), qPrintable(all));
        QCOMPARE(all.count(u"Notes stay on this device"_s), 1);   // said once
        QVERIFY(text(u"syncTargetLabel"_s).contains(m_server.graphqlUrl().toDisplayString()));
    }

    void screenshotsWhileSyncing()
    {
        const QString dir = QString::fromLocal8Bit(qgetenv("DS_SCREENSHOT_DIR"));
        for (int page = 0; page < 4; ++page) {
            showPage(page);
            QTest::qWait(100);
            const QImage image = m_app->window()->grabWindow();
            QVERIFY(!image.isNull());
            QSet<QRgb> colours;
            for (int y = 0; y < image.height(); y += 7) {
                for (int x = 0; x < image.width(); x += 7)
                    colours.insert(image.pixel(x, y));
            }
            QVERIFY2(colours.size() > 8, qPrintable(u"page %1: only %2 colours"_s.arg(page).arg(colours.size())));
            const QString file = (dir.isEmpty() ? m_dir.path() : dir)
                                 + u"/sync-%1.png"_s.arg(notes::AppController::pageNames().at(page));
            QVERIFY(image.save(file));
            qInfo("%s", qPrintable(file));
        }
    }

    void cleanupTestCase()
    {
        m_other.reset();
        m_app.reset();
        m_server.stop();
        QCOMPARE(apptest::warnings(), 0);
    }
};

QTEST_MAIN(TestAppSync)

#include "tst_appsync.moc"
