// The whole app with accounts against the real datastore-server, end to end
// (offscreen): datastore-notes' NotesApp starts with --config (no --db, so
// the account picks the per-user database under AppDataLocation), and the
// test drives its window only: alice creates an account on the Account
// page and writes a private note on the Notes page; bob creates an account
// and sees none of it, writes his own; switching back to alice from the
// known-users list shows her note and not his. Then the local files: each
// user's database holds their own note only, the anonymous one neither.
// Any warning fails the test,
// except the sync engine's report that the API key (anonymous use, before
// the first sign-in) may not sync the owner-only Note model.
#include "appitems.h"
#include "appwarnings.h"

#include "apppaths.h"
#include "notesapp.h"
#include "serverprocess.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(QtDataStorePlugin)
Q_IMPORT_QML_PLUGIN(QtDataStoreNotesPlugin)

using namespace Qt::StringLiterals;

namespace {

const QString apiKey = u"da2-appuserstest"_s;
const QString password = u"correct horse battery"_s;
const QString aliceSecret = u"alice diary 5b1e"_s;
const QString bobSecret = u"bob list 9c2d"_s;

bool fileContains(const QString &path, const QString &needle)
{
    for (const QString &suffix : {u""_s, u"-wal"_s}) {
        QFile f(path + suffix);
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle.toUtf8()))
            return true;
    }
    return false;
}

} // namespace

class TestAppUsers : public QObject
{
    Q_OBJECT

private:
    QQuickItem *item(const QString &name) { return apptest::namedItem(m_app->window(), name); }

    void showPage(const QString &page)
    {
        auto *tabs = m_app->window()->findChild<QObject *>(u"pageTabs"_s);
        QVERIFY(tabs);
        tabs->setProperty("currentIndex", notes::AppController::pageNames().indexOf(page));
        QCOMPARE(m_app->settings()->currentPage(), page);
    }

    void type(const QString &text)
    {
        for (const QChar c : text)
            QTest::keyClick(m_app->window(), c.toLatin1());
    }

    // Fills in the Account page's form, as a user would, and submits it.
    void signUpInTheUi(const QString &user)
    {
        showPage(u"account"_s);
        QQuickItem *mode = item(u"signUpMode"_s);
        QVERIFY(mode);
        if (!mode->property("checked").toBool()) {   // a click, as the user would
            const QPointF centre = mode->mapToScene(QPointF(mode->width() / 2, mode->height() / 2));
            QTest::mouseClick(m_app->window(), Qt::LeftButton, {}, centre.toPoint());
        }
        QTRY_VERIFY(mode->property("checked").toBool());
        QQuickItem *name = item(u"usernameField"_s);
        QQuickItem *pass = item(u"passwordField"_s);
        QQuickItem *confirm = item(u"confirmField"_s);
        QVERIFY(name && pass && confirm);
        QTRY_VERIFY(confirm->isVisible());
        name->forceActiveFocus();
        QVERIFY(name->hasActiveFocus());
        QMetaObject::invokeMethod(name, "selectAll");
        type(user);
        pass->setProperty("text", password);
        confirm->setProperty("text", password);
        QQuickItem *submit = item(u"submitButton"_s);
        QVERIFY(submit);
        QTRY_VERIFY(submit->property("enabled").toBool());
        QSignalSpy signedIn(m_app->account(), &notes::Account::signedIn);
        QVERIFY(QMetaObject::invokeMethod(submit, "clicked"));
        QTRY_VERIFY_WITH_TIMEOUT(!signedIn.isEmpty() || !m_app->account()->errorString().isEmpty(), 20000);
        QVERIFY2(m_app->account()->errorString().isEmpty(), qPrintable(m_app->account()->errorString()));
        QCOMPARE(m_app->account()->username(), user);
        QTRY_VERIFY(!m_app->account()->isBusy());
    }

    QStringList noteTitlesInTheList()
    {
        auto *notes = m_app->window()->findChild<QAbstractItemModel *>(u"notesModel"_s);
        if (!notes || notes->property("loading").toBool())
            return {u"<loading>"_s};
        QStringList titles;
        for (int row = 0; row < notes->rowCount(); ++row) {
            QVariantMap record;
            QMetaObject::invokeMethod(notes, "get", Q_RETURN_ARG(QVariantMap, record), Q_ARG(int, row));
            titles.append(record.value(u"title"_s).toString());
        }
        return titles;
    }

    // New note on the Notes page, its title typed in the editor.
    void writeNoteInTheUi(const QString &title)
    {
        showPage(u"notes"_s);
        QQuickItem *button = item(u"newNoteButton"_s);
        QVERIFY(button);
        QVERIFY(QMetaObject::invokeMethod(button, "clicked"));
        QQuickItem *field = item(u"noteTitleField"_s);
        QVERIFY(field);
        QTRY_VERIFY(field->hasActiveFocus());
        QTRY_COMPARE(field->property("text").toString(), u"New note"_s);
        QMetaObject::invokeMethod(field, "selectAll");
        type(title);
        QTRY_VERIFY_WITH_TIMEOUT(noteTitlesInTheList().contains(title), 10000);
        // Saved (debounce) and sent: nothing waits in the outbox.
        QTRY_COMPARE_WITH_TIMEOUT(m_app->store()->pendingMutations(), 0, 10000);
    }

    bool waitSynced()
    {
        QDeadlineTimer deadline(30000);
        while (m_app->store()->syncState() != ds::DataStore::SyncState::Ready && !deadline.hasExpired())
            QTest::qWait(10);
        return m_app->store()->syncState() == ds::DataStore::SyncState::Ready;
    }

    QTemporaryDir m_dir;
    dstest::ServerProcess m_server;
    std::unique_ptr<notes::NotesApp> m_app;
    QString m_anonymousFile;
    QString m_aliceFile;
    QString m_bobFile;

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(u"QtDataStoreTest"_s);
        QCoreApplication::setApplicationName(u"tst_appusers"_s);
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QDir(notes::AppPaths::databaseDirectory()).removeRecursively();
        apptest::installWarningCounter();
        QVERIFY(m_dir.isValid());

        const QString error = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonObject api{{u"endpointType"_s, u"GraphQL"_s},
                              {u"endpoint"_s, m_server.graphqlUrl().toString()},
                              {u"authorizationType"_s, u"API_KEY"_s},
                              {u"apiKey"_s, apiKey}};
        const QJsonObject root{{u"api"_s, QJsonObject{{u"plugins"_s, QJsonObject{{u"awsAPIPlugin"_s,
                                                                                  QJsonObject{{u"test"_s, api}}}}}}}};
        QFile config(m_dir.filePath(u"amplifyconfiguration.json"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QJsonDocument(root).toJson());
        config.close();

        // As the app runs from the command line: --config, nothing else.
        notes::AppOptions options;
        options.configFile = config.fileName();
        m_app = std::make_unique<notes::NotesApp>();
        QSignalSpy ready(m_app.get(), &notes::NotesApp::ready);
        QVERIFY2(m_app->start(options), qPrintable(m_app->errorString()));
        apptest::countQmlWarnings(m_app->engine(), this);
        QVERIFY(QTest::qWaitForWindowExposed(m_app->window()));
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);

        // Anonymous: the per-cloud anonymous file under AppDataLocation.
        const QString scope = notes::AppPaths::scopeOf(m_server.graphqlUrl());
        m_anonymousFile = notes::AppPaths::databaseFile(QString(), scope);
        m_aliceFile = notes::AppPaths::databaseFile(u"alice"_s, scope);
        m_bobFile = notes::AppPaths::databaseFile(u"bob"_s, scope);
        QVERIFY(m_anonymousFile.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
        QCOMPARE(m_app->store()->databasePath(), m_anonymousFile);
        QVERIFY(!m_app->account()->isSignedIn());
    }

    void aliceSignsUpAndWritesANote()
    {
        signUpInTheUi(u"alice"_s);
        QCOMPARE(m_app->store()->databasePath(), m_aliceFile);
        QCOMPARE(m_app->controller()->databasePath(), m_aliceFile);
        QTRY_VERIFY(item(u"currentUserLabel"_s)->property("text").toString().contains(u"alice"_s));
        // The password never stays in the form.
        QCOMPARE(item(u"passwordField"_s)->property("text").toString(), QString());
        // Without a keychain service (CI) the page says the session lasts this run only.
        if (!m_app->account()->isKeychainAvailable())
            QVERIFY(!item(u"keychainLabel"_s)->property("text").toString().isEmpty());
        QVERIFY(waitSynced());

        writeNoteInTheUi(aliceSecret);
        QCOMPARE(noteTitlesInTheList(), QStringList{aliceSecret});
        QCOMPARE(m_app->settings()->userId(), u"alice"_s);
    }

    void bobSeesNoneOfIt()
    {
        signUpInTheUi(u"bob"_s);
        QCOMPARE(m_app->store()->databasePath(), m_bobFile);
        QVERIFY(waitSynced());
        showPage(u"notes"_s);
        QTRY_COMPARE(noteTitlesInTheList(), QStringList());
        QTest::qWait(300);   // a subscription event of alice's would have arrived by now
        QCOMPARE(noteTitlesInTheList(), QStringList());

        writeNoteInTheUi(bobSecret);
        QCOMPARE(noteTitlesInTheList(), QStringList{bobSecret});
        // Settings names who is signed in and which database is open.
        const QString device = item(u"deviceLabel"_s)->property("text").toString();
        QVERIFY2(device.contains(u"bob"_s) && device.contains(m_bobFile), qPrintable(device));
    }

    void switchingBackShowsAliceHerNote()
    {
        showPage(u"account"_s);
        QCOMPARE(m_app->account()->knownUsers(), (QStringList{u"alice"_s, u"bob"_s}));
        QQuickItem *alice = item(u"knownUser-alice"_s);
        QVERIFY(alice);
        QTRY_VERIFY(alice->property("enabled").toBool());
        QSignalSpy signedIn(m_app->account(), &notes::Account::signedIn);
        QVERIFY(QMetaObject::invokeMethod(alice, "clicked"));
        QTRY_VERIFY_WITH_TIMEOUT(!signedIn.isEmpty(), 20000);
        QCOMPARE(m_app->account()->username(), u"alice"_s);
        QCOMPARE(m_app->store()->databasePath(), m_aliceFile);
        QVERIFY(waitSynced());

        showPage(u"notes"_s);
        QTRY_COMPARE(noteTitlesInTheList(), QStringList{aliceSecret});
        QTest::qWait(300);
        QCOMPARE(noteTitlesInTheList(), QStringList{aliceSecret});
    }

    void localFilesKeepUsersApart()
    {
        // Closing the app closes the store (and flushes it).
        m_app.reset();
        QVERIFY(QFileInfo::exists(m_aliceFile) && QFileInfo::exists(m_bobFile) && QFileInfo::exists(m_anonymousFile));
        QVERIFY(fileContains(m_aliceFile, aliceSecret));
        QVERIFY(!fileContains(m_aliceFile, bobSecret));
        QVERIFY(fileContains(m_bobFile, bobSecret));
        QVERIFY(!fileContains(m_bobFile, aliceSecret));
        QVERIFY(!fileContains(m_anonymousFile, aliceSecret));
        QVERIFY(!fileContains(m_anonymousFile, bobSecret));
        // The next start opens the last user's store.
        QCOMPARE(QSettings().value(u"account/userId"_s).toString(), u"alice"_s);
    }

    void cleanupTestCase()
    {
        m_app.reset();
        apptest::removeWarningCounter();
        QCOMPARE(apptest::warnings(), 0);
    }
};

QTEST_MAIN(TestAppUsers)
#include "tst_appusers.moc"
