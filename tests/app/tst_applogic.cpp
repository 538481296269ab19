// The app's logic, headless: per-user database paths, settings persistence,
// demo data, the Posts filter text, the debounced record editor, the sync
// expressions model (validation, counts, the server's plan from a fake
// POST /admin/explain, apply without sync) and the sync event texts.
#include "appcontroller.h"
#include "apppaths.h"
#include "appsettings.h"
#include "demodata.h"
#include "models.h"
#include "postfilter.h"
#include "recordeditor.h"
#include "syncactivity.h"
#include "syncexpressionmodel.h"

#include "qml/qmldatastore.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

template<typename T>
T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return future.result();
}

qint64 countOf(ds::DataStore &store, const QString &model, const QString &filter = {})
{
    ds::Predicate predicate = ds::Predicate::all();
    if (!filter.isEmpty()) {
        auto parsed = store.parsePredicate(model, filter);
        if (!parsed)
            qFatal("bad filter %s: %s", qPrintable(filter), qPrintable(parsed.error().message()));
        predicate = *parsed;
    }
    const auto result = await(store.count(model, predicate));
    return result ? *result : -1;
}

} // namespace

class TestAppLogic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(u"QtDataStoreTest"_s);
        QCoreApplication::setApplicationName(u"tst_applogic"_s);
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void databasePaths()
    {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QVERIFY(dir.contains(u".qttest"_s));   // test mode: never the user's real folder
        const QString anonymous = notes::AppPaths::databaseFile(QString());
        QCOMPARE(QFileInfo(anonymous).fileName(), u"anonymous.sqlite"_s);
        QVERIFY(anonymous.startsWith(dir + u'/'));

        const QString alice = notes::AppPaths::databaseFile(u"alice"_s);
        const QString bob = notes::AppPaths::databaseFile(u"bob"_s);
        QCOMPARE(notes::AppPaths::databaseFile(u"alice"_s), alice);
        QVERIFY(alice != bob);
        QVERIFY(alice != anonymous);
        // Ids that look like paths stay in the databases folder.
        const QString evil = notes::AppPaths::databaseFile(u"../../etc/passwd"_s);
        QCOMPARE(QFileInfo(evil).absolutePath(), QFileInfo(anonymous).absolutePath());
        QVERIFY(!QFileInfo(evil).fileName().contains(u"passwd"_s));

        QVERIFY(notes::AppPaths::ensureParentDirectory(alice));
        QVERIFY(QFileInfo(QFileInfo(alice).absolutePath()).isDir());

        // Each cloud has its own files; a scope cannot leave the folder either.
        const QString local = notes::AppPaths::databaseFile(QString(), u"local-server"_s);
        QCOMPARE(QFileInfo(local).fileName(), u"local-server-anonymous.sqlite"_s);
        const QString cloudA = notes::AppPaths::databaseFile(u"alice"_s, notes::AppPaths::scopeOf(QUrl(u"https://a.example/graphql"_s)));
        const QString cloudB = notes::AppPaths::databaseFile(u"alice"_s, notes::AppPaths::scopeOf(QUrl(u"https://b.example/graphql"_s)));
        QVERIFY(cloudA != cloudB && cloudA != alice);
        QVERIFY(QFileInfo(cloudA).fileName().startsWith(u"cloud-"_s));
        const QString evilScope = notes::AppPaths::databaseFile(QString(), u"../../x"_s);
        QCOMPARE(QFileInfo(evilScope).absolutePath(), QFileInfo(anonymous).absolutePath());
    }

    void settingsPersist()
    {
        {
            notes::AppSettings settings;
            QCOMPARE(settings.currentPage(), u"posts"_s);   // the default
            QSignalSpy pageSpy(&settings, &notes::AppSettings::currentPageChanged);
            settings.setCurrentPage(u"notes"_s);
            settings.setCurrentPage(u"notes"_s);             // no change, no signal
            settings.setCurrentPage(u"nowhere"_s);           // not a page: ignored
            QCOMPARE(pageSpy.count(), 1);
            settings.setUserId(u"alice"_s);
            settings.setPostsSortIndex(2);
            settings.setPostsStatusIndex(1);
            settings.setPostsMinRating(7);
            settings.sync();
        }
        notes::AppSettings again;
        QCOMPARE(again.currentPage(), u"notes"_s);
        QCOMPARE(again.userId(), u"alice"_s);
        QCOMPARE(again.postsSortIndex(), 2);
        QCOMPARE(again.postsStatusIndex(), 1);
        QCOMPARE(again.postsMinRating(), 7);
    }

    void seedDemoData()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ds::DataStore store(::ModelProvider::schema());
        QVERIFY(await(store.open(dir.filePath(u"demo.sqlite"_s))).ok());

        const auto seeded = await(notes::DemoData::seedIfEmpty(&store));
        QVERIFY2(seeded.ok(), qPrintable(seeded.error().message()));
        QCOMPARE(seeded->posts, 500);
        QVERIFY(seeded->comments > 0);
        QCOMPARE(seeded->notes, 3);
        QCOMPARE(seeded->users, 4);

        QCOMPARE(countOf(store, u"Post"_s), 500);
        QCOMPARE(countOf(store, u"Comment"_s), seeded->comments);
        QCOMPARE(countOf(store, u"Note"_s), 3);
        QCOMPARE(countOf(store, u"User"_s), 4);
        QCOMPARE(countOf(store, u"Post"_s, u"rating < 1 or rating > 10"_s), 0);
        for (int r = 1; r <= 10; ++r)
            QVERIFY2(countOf(store, u"Post"_s, u"rating == %1"_s.arg(r)) > 0, qPrintable(QString::number(r)));
        for (const QString &status : notes::AppController::postStatuses())
            QVERIFY(countOf(store, u"Post"_s, u"status == "_s + status) > 0);
        QVERIFY(countOf(store, u"Post"_s, u"tags contains \"qt\""_s) > 0);
        // The selective-sync presets of the demo select something, not everything.
        const qint64 thisComments = countOf(store, u"Comment"_s, u"postID beginsWith \"This\""_s);
        QVERIFY(thisComments > 0);
        QVERIFY(thisComments < seeded->comments);
        QVERIFY(countOf(store, u"User"_s, u"lastName == \"Doe\" and createdAt > \"2020-10-10\""_s) > 0);

        // A store with posts is left alone.
        const auto again = await(notes::DemoData::seedIfEmpty(&store));
        QVERIFY(again.ok());
        QCOMPARE(again->posts, 0);
        QCOMPARE(countOf(store, u"Post"_s), 500);
    }

    void postFilterText_data()
    {
        QTest::addColumn<QString>("search");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("minRating");
        QTest::addColumn<QString>("filter");
        QTest::newRow("nothing") << QString() << 0 << 0 << QString();
        QTest::newRow("blank search") << u"   "_s << 0 << 0 << QString();
        QTest::newRow("search") << u"sync"_s << 0 << 0 << u"title contains \"sync\""_s;
        QTest::newRow("quotes") << u"say \"hi\" \\o/"_s << 0 << 0
                                << u"title contains \"say \\\"hi\\\" \\\\o/\""_s;
        QTest::newRow("status") << QString() << 2 << 0 << u"status == PUBLISHED"_s;
        QTest::newRow("all") << u"a"_s << 3 << 6
                             << u"title contains \"a\" and status == ARCHIVED and rating >= 6"_s;
    }

    void postFilterText()
    {
        QFETCH(QString, search);
        QFETCH(int, status);
        QFETCH(int, minRating);
        QFETCH(QString, filter);
        notes::PostFilter f;
        f.setSearchText(search);
        f.setStatusIndex(status);
        f.setMinRating(minRating);
        QCOMPARE(f.filter(), filter);
        ds::DataStore store(::ModelProvider::schema());
        if (!filter.isEmpty()) {
            const auto parsed = store.parsePredicate(u"Post"_s, f.filter());
            QVERIFY2(parsed.ok(), qPrintable(parsed.error().message()));
        }
        for (int i = 0; i < notes::PostFilter::sortNames().size(); ++i) {
            f.setSortIndex(i);
            QVERIFY2(store.parseSort(u"Post"_s, f.sortBy()).ok(), qPrintable(f.sortBy()));
        }
        QVERIFY(store.parsePredicate(u"Comment"_s, notes::PostFilter::commentsOf(u"x\"y"_s)).ok());
    }

    void tags()
    {
        QCOMPARE(notes::AppController::splitTags(u" qt, ,offline,qt , food"_s),
                 (QStringList{u"qt"_s, u"offline"_s, u"food"_s}));
        QCOMPARE(notes::AppController::joinTags(QStringList{u"a"_s, u"b"_s}), u"a, b"_s);
        QCOMPARE(notes::AppController::joinTags(QVariant()), QString());
    }

    void editorSavesAfterDebounceAndOnDestruction()
    {
        ds::DataStore store(::ModelProvider::schema());
        QVERIFY(await(store.open(u":memory:"_s)).ok());
        ds::QmlDataStore qmlStore(&store);
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"p1"_s}, {u"title"_s, u"Before"_s}, {u"rating"_s, 3}})).ok());

        auto *editor = new notes::RecordEditor;
        editor->setDebounceMs(50);
        editor->setStore(&qmlStore);
        editor->setModelName(u"Post"_s);
        editor->setRecordId(u"p1"_s);
        QTRY_VERIFY(editor->isLoaded());
        QCOMPARE(editor->values().value(u"title"_s).toString(), u"Before"_s);

        QSignalSpy saved(editor, &notes::RecordEditor::saved);
        editor->setField(u"title"_s, u"A"_s);
        editor->setField(u"title"_s, u"Af"_s);
        editor->setField(u"title"_s, u"After"_s);
        QVERIFY(editor->isDirty());
        QCOMPARE(editor->values().value(u"title"_s).toString(), u"After"_s);   // shown at once
        QTRY_COMPARE(saved.count(), 1);                                         // one save for three edits
        QVERIFY(!editor->isDirty());
        auto stored = await(store.get(u"Post"_s, u"p1"_s));
        QCOMPARE((*stored)->value(u"title"_s).toString(), u"After"_s);
        QCOMPARE((*stored)->value(u"rating"_s).toInt(), 3);                     // untouched fields kept

        // Closing the editor right after typing loses nothing.
        editor->setDebounceMs(60000);
        editor->setField(u"content"_s, u"typed just before closing"_s);
        delete editor;
        QTRY_COMPARE((*await(store.get(u"Post"_s, u"p1"_s)))->value(u"content"_s).toString(),
                     u"typed just before closing"_s);

        // Switching to another record flushes the first.
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"p2"_s}, {u"title"_s, u"Two"_s}})).ok());
        notes::RecordEditor second;
        second.setDebounceMs(60000);
        second.setStore(&qmlStore);
        second.setModelName(u"Post"_s);
        second.setRecordId(u"p1"_s);
        QTRY_VERIFY(second.isLoaded());
        second.setField(u"title"_s, u"Switched"_s);
        second.setRecordId(u"p2"_s);
        QTRY_COMPARE((*await(store.get(u"Post"_s, u"p1"_s)))->value(u"title"_s).toString(), u"Switched"_s);
        QTRY_VERIFY(second.isLoaded());
        QCOMPARE(second.values().value(u"title"_s).toString(), u"Two"_s);

        // Discarded edits (the record is being deleted) are never written.
        second.setField(u"title"_s, u"Resurrected"_s);
        second.discard();
        QVERIFY(!second.isDirty());
        QVERIFY(await(store.remove(u"Post"_s, u"p2"_s)).ok());
        second.flush();
        second.setRecordId(QString());
        QTest::qWait(50);
        QVERIFY(!(*await(store.get(u"Post"_s, u"p2"_s))).has_value());
    }

    // The open record follows changes made elsewhere (another device's sync,
    // another view): fields the user is not editing take the new values at
    // once, the user's typing is never replaced, a later save does not write
    // back the old value of a field the user left alone, and a record deleted
    // elsewhere is not brought back by pending edits.
    void editorFollowsChangesMadeElsewhere()
    {
        ds::DataStore store(::ModelProvider::schema());
        QVERIFY(await(store.open(u":memory:"_s)).ok());
        ds::QmlDataStore qmlStore(&store);
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"p1"_s}, {u"title"_s, u"Mine"_s}, {u"rating"_s, 3},
                                              {u"content"_s, u"Body"_s}})).ok());
        notes::RecordEditor editor;
        editor.setDebounceMs(60000);
        editor.setStore(&qmlStore);
        editor.setModelName(u"Post"_s);
        editor.setRecordId(u"p1"_s);
        QTRY_VERIFY(editor.isLoaded());

        // The user types a title; meanwhile another device changes the rating and the title.
        editor.setField(u"title"_s, u"Mine, typed"_s);
        QSignalSpy valuesChanged(&editor, &notes::RecordEditor::valuesChanged);
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"p1"_s}, {u"title"_s, u"Theirs"_s}, {u"rating"_s, 9},
                                              {u"content"_s, u"Body"_s}})).ok());
        QTRY_COMPARE(editor.values().value(u"rating"_s).toInt(), 9);                    // shown at once
        QCOMPARE(editor.values().value(u"title"_s).toString(), u"Mine, typed"_s);      // typing kept
        QVERIFY(valuesChanged.count() >= 1);

        // Saving the title keeps their rating (no stale 3 written back).
        editor.flush();
        QTRY_VERIFY(!editor.isDirty());
        auto stored = *await(store.get(u"Post"_s, u"p1"_s));
        QCOMPARE(stored->value(u"title"_s).toString(), u"Mine, typed"_s);
        QCOMPARE(stored->value(u"rating"_s).toInt(), 9);

        // A view writing back the value it shows is no edit.
        editor.setField(u"rating"_s, 9);
        QVERIFY(!editor.isDirty());

        // Once saved, the title follows changes from elsewhere again.
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"p1"_s}, {u"title"_s, u"Theirs again"_s}, {u"rating"_s, 9}})).ok());
        QTRY_COMPARE(editor.values().value(u"title"_s).toString(), u"Theirs again"_s);

        // Another record's change is not this editor's.
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"p2"_s}, {u"title"_s, u"Other"_s}, {u"rating"_s, 1}})).ok());
        QTest::qWait(20);
        QCOMPARE(editor.values().value(u"title"_s).toString(), u"Theirs again"_s);

        // Deleted elsewhere while the user types: the edit is not saved (no resurrection) and the editor says so.
        editor.setField(u"content"_s, u"typed into a deleted post"_s);
        QVERIFY(await(store.remove(u"Post"_s, u"p1"_s)).ok());
        QTRY_VERIFY(editor.lastError().contains(u"gone from this device"_s));
        QVERIFY(!editor.isDirty());
        QCOMPARE(editor.values().value(u"content"_s).toString(), u"typed into a deleted post"_s);   // still shown
        editor.setField(u"content"_s, u"and more"_s);
        editor.flush();
        QTest::qWait(50);
        QVERIFY(!(*await(store.get(u"Post"_s, u"p1"_s))).has_value());
    }

    // The Settings page's model: drafts validated as typed (column, length of
    // the bad token), live counts, the server's plan from POST /admin/explain
    // (a fake server here: an index for User, a scan for Post, 404 for
    // Comment), presets, and apply without sync (saved for later).
    void syncExpressionModel()
    {
        ds::DataStore store(::ModelProvider::schema());
        QVERIFY(await(store.open(u":memory:"_s)).ok());
        QVERIFY(await(store.saveAll(u"Post"_s, {{{u"id"_s, u"a"_s}, {u"title"_s, u"A"_s}, {u"rating"_s, 3}},
                                                {{u"id"_s, u"b"_s}, {u"title"_s, u"B"_s}, {u"rating"_s, 7}},
                                                {{u"id"_s, u"c"_s}, {u"title"_s, u"C"_s}, {u"rating"_s, 9}}})).ok());

        // The fake explain endpoint.
        QTcpServer http;
        QVERIFY(http.listen(QHostAddress::LocalHost));
        QList<QJsonObject> bodies;
        QList<QByteArray> keys;
        connect(&http, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *socket = http.nextPendingConnection();
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket, buffer] {
                *buffer += socket->readAll();
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray head = buffer->left(end).toLower();
                const qsizetype at = head.indexOf("content-length:");
                const qsizetype length = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
                if (buffer->size() < end + 4 + length)
                    return;
                const QJsonObject body = QJsonDocument::fromJson(buffer->mid(end + 4, length)).object();
                bodies.append(body);
                const qsizetype k = head.indexOf("x-api-key:");
                keys.append(k < 0 ? QByteArray() : buffer->mid(k + 10, head.indexOf('\r', k) - k - 10).trimmed());
                QByteArray status = "200 OK";
                QByteArray answer;
                if (body.value(u"model"_s).toString() == u"User")
                    answer = R"({"plan":"index","index":"byLastName"})";
                else if (body.value(u"model"_s).toString() == u"Post")
                    answer = R"({"plan":"scan"})";
                else
                    status = "404 Not Found";
                socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                              + QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" + answer);
                socket->disconnectFromHost();
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        });

        notes::AppSettings settings;
        notes::SyncExpressionModel model(&store, &settings, u"test-scope"_s);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 4);
        const int post = model.rowOf(u"Post"_s);
        const int user = model.rowOf(u"User"_s);
        const int comment = model.rowOf(u"Comment"_s);
        auto value = [&](int row, int role) { return model.data(model.index(row), role); };
        QCOMPARE(value(post, notes::SyncExpressionModel::AppliedRole).toString(), u"all"_s);
        QTRY_COMPARE(value(post, notes::SyncExpressionModel::TotalCountRole).toInt(), 3);
        QTRY_VERIFY(value(post, notes::SyncExpressionModel::PlanRole).toString().contains(u"no server"_s));

        model.setExplainService(QUrl(u"http://127.0.0.1:%1/graphql"_s.arg(http.serverPort())), u"admin-key-1"_s);
        model.setDraft(post, u"rating >"_s);
        QVERIFY(!value(post, notes::SyncExpressionModel::ValidRole).toBool());
        QCOMPARE(value(post, notes::SyncExpressionModel::ErrorColumnRole).toInt(), 9);
        QVERIFY(!model.canApply());
        model.setDraft(post, u"ratin > 5"_s);
        QCOMPARE(value(post, notes::SyncExpressionModel::ErrorColumnRole).toInt(), 1);
        QCOMPARE(value(post, notes::SyncExpressionModel::ErrorLengthRole).toInt(), 5);
        QVERIFY(value(post, notes::SyncExpressionModel::ErrorMessageRole).toString().contains(u"ratin"_s));
        model.setDraft(post, u"rating > 5"_s);
        QVERIFY(value(post, notes::SyncExpressionModel::ValidRole).toBool());
        QVERIFY(value(post, notes::SyncExpressionModel::ModifiedRole).toBool());
        QVERIFY(model.canApply());
        QTRY_COMPARE(value(post, notes::SyncExpressionModel::MatchCountRole).toInt(), 2);
        QTRY_COMPARE(value(post, notes::SyncExpressionModel::PlanRole).toString(),
                     u"the server scans every record (no index fits)"_s);

        model.applyPreset(2);   // User: lastName == "Doe" and createdAt > "2020-10-10"
        QCOMPARE(value(user, notes::SyncExpressionModel::DraftRole).toString(),
                 u"lastName == \"Doe\" and createdAt > \"2020-10-10\""_s);
        QTRY_COMPARE(value(user, notes::SyncExpressionModel::PlanRole).toString(), u"the server reads the index byLastName"_s);
        QTRY_VERIFY(value(comment, notes::SyncExpressionModel::PlanRole).toString().contains(u"404"_s));
        bool askedForUser = false;
        for (qsizetype i = 0; i < bodies.size(); ++i) {
            QCOMPARE(keys.at(i), QByteArray("admin-key-1"));
            // "all" is asked without a predicate.
            if (bodies.at(i).value(u"model"_s).toString() == u"User"
                && bodies.at(i).value(u"predicate"_s).toString() == u"lastName == \"Doe\" and createdAt > \"2020-10-10\"")
                askedForUser = true;
        }
        QVERIFY(askedForUser);

        // Without sync, Apply saves the expressions for this cloud.
        QVERIFY(model.apply());
        QVERIFY(!model.isModified());
        QCOMPARE(settings.syncExpression(u"test-scope"_s, u"Post"_s), u"rating > 5"_s);
        QCOMPARE(value(post, notes::SyncExpressionModel::AppliedRole).toString(), u"rating > 5"_s);
        QVERIFY(model.applyStatus().startsWith(u"Saved"_s));
        QCOMPARE(store.syncConfiguration().syncExpressions().size(), 2);
        model.applyPreset(3);   // all
        QVERIFY(model.apply());
        QCOMPARE(settings.syncExpression(u"test-scope"_s, u"Post"_s), QString());

        // Local counts follow the store.
        QVERIFY(await(store.save(u"Post"_s, {{u"id"_s, u"d"_s}, {u"title"_s, u"D"_s}, {u"rating"_s, 8}})).ok());
        QTRY_COMPARE(value(post, notes::SyncExpressionModel::TotalCountRole).toInt(), 4);
    }

    void syncEventTexts()
    {
        QCOMPARE(notes::SyncActivity::describe(u"Post"_s, {{u"title"_s, u"Hello"_s}}), u"post “Hello”"_s);
        QCOMPARE(notes::SyncActivity::describe(u"User"_s, {{u"firstName"_s, u"Jane"_s}, {u"lastName"_s, u"Doe"_s}}),
                 u"user Jane Doe"_s);
        const QString longTitle = QString(60, u'x');
        QVERIFY(notes::SyncActivity::describe(u"Note"_s, {{u"title"_s, longTitle}}).endsWith(u"…”"_s));
        QVERIFY(notes::SyncActivity::explain(ds::Error(ds::Error::Domain::Network, u"Timeout"_s, u"timed out"_s, true))
                    .startsWith(u"The server could not be reached"_s));

        // Conflicts, in words: what crossed, and what became of ours.
        notes::SyncActivity activity(nullptr);
        ds::ConflictData conflict;
        conflict.model = u"Post"_s;
        conflict.localModel = {{u"title"_s, u"Mine"_s}};
        conflict.remoteModel = {{u"title"_s, u"Theirs"_s}, {u"_version"_s, 3}};
        activity.addConflict(conflict);
        auto row = [&activity](int role) { return activity.data(activity.index(0), role).toString(); };
        QCOMPARE(row(notes::SyncActivity::TitleRole), u"Your change to post “Mine” crossed a change made elsewhere"_s);
        QVERIFY(row(notes::SyncActivity::DetailRole).contains(u"Yours is sent again on top of theirs"_s));
        QCOMPARE(row(notes::SyncActivity::KindRole), u"warning"_s);
        conflict.operation = ds::ConflictData::Operation::Delete;
        conflict.localModel = {{u"id"_s, u"p9"_s}};   // a delete sends the key only: the server's copy names it
        activity.addConflict(conflict);
        QCOMPARE(row(notes::SyncActivity::TitleRole), u"Your deletion of post “Theirs” crossed a change made elsewhere"_s);
        QVERIFY(row(notes::SyncActivity::DetailRole).contains(u"Your deletion is sent again"_s));
        QCOMPARE(activity.problemCount(), 2);

        // A change given up after repeated conflicts is not "refused", and
        // does not stay on the device: the server's version is shown.
        activity.addFailure(u"Post"_s, u"Update"_s, {{u"title"_s, u"Mine"_s}},
                            ds::Error(ds::Error::Domain::Conflict, u"ConflictRetriesExhausted"_s,
                                      u"Post p1: still in conflict after 10 attempts"_s));
        QCOMPARE(row(notes::SyncActivity::TitleRole), u"Your change to post “Mine” was not applied"_s);
        QVERIFY(row(notes::SyncActivity::DetailRole).contains(u"shows the server's version again"_s));
        activity.addFailure(u"Post"_s, u"Create"_s, {{u"title"_s, u"New"_s}},
                            ds::Error(ds::Error::Domain::Validation, u"BadValue"_s, u"rating: not an Int"_s));
        QCOMPARE(row(notes::SyncActivity::TitleRole), u"The server refused your new post “New”"_s);
        QVERIFY(row(notes::SyncActivity::DetailRole).endsWith(u"The change stays on this device only."_s));
        QCOMPARE(activity.problemCount(), 4);
    }
};

QTEST_GUILESS_MAIN(TestAppLogic)

#include "tst_applogic.moc"
