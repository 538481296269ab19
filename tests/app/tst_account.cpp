// notes::Account against the real datastore-server (loopback, ephemeral
// port, the app's schema): sign up, sign in, the store's token provider,
// per-user databases when switching (a user's notes never reach another
// user's store or file), sign out flushing while online, sign out offline
// keeping the store and counting what waits, sessions kept in a keychain
// across runs, the no-keychain fallback, token refresh, and AccountPage
// without QML warnings.
#include "account.h"
#include "appwarnings.h"
#include "apppaths.h"
#include "appsettings.h"
#include "keychainstore.h"
#include "models.h"
#include "recordeditor.h"

#include "qml/qmldatastore.h"

#include "awaitfuture.h"
#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QThread>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(QtDataStorePlugin)
Q_IMPORT_QML_PLUGIN(QtDataStoreNotesPlugin)

using namespace Qt::StringLiterals;
using dstest::await;
using notes::Account;
using notes::SecretStore;

namespace {

const QString password = u"correct horse battery"_s;
const QString apiKey = u"test-api-key-1"_s;

// A keychain that works, in memory: what a desktop with Secret Service does.
class MemorySecrets : public SecretStore
{
public:
    QFuture<Reply> read(const QString &key) override
    {
        if (!entries.contains(key))
            return QtFuture::makeReadyFuture(Reply{Status::NotFound, {}, {}});
        return QtFuture::makeReadyFuture(Reply{Status::Ok, entries.value(key), {}});
    }
    QFuture<Reply> write(const QString &key, const QString &secret) override
    {
        entries.insert(key, secret);
        return QtFuture::makeReadyFuture(Reply{});
    }
    QFuture<Reply> remove(const QString &key) override
    {
        entries.remove(key);
        return QtFuture::makeReadyFuture(Reply{});
    }
    QHash<QString, QString> entries;
};

// A machine without a keychain service (headless CI): every job fails.
class NoKeychain : public SecretStore
{
public:
    QFuture<Reply> read(const QString &) override { return unavailable(); }
    QFuture<Reply> write(const QString &, const QString &) override { return unavailable(); }
    QFuture<Reply> remove(const QString &) override { return unavailable(); }

private:
    static QFuture<Reply> unavailable()
    {
        return QtFuture::makeReadyFuture(Reply{Status::Unavailable, {}, u"The name org.freedesktop.secrets was not provided"_s});
    }
};

QJsonObject jwtPayload(const QString &token)
{
    const QList<QString> parts = token.split(u'.');
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding)).object();
}

bool fileContains(const QString &path, const QByteArray &needle)
{
    for (const QString &suffix : {u""_s, u"-wal"_s}) {
        QFile f(path + suffix);
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}

} // namespace

class TestAccount : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void baseUrl();
    void validation();
    void signUpGivesAUserStoreAndToken();
    void wrongPasswordKeepsTheSession();
    void notesStayWithTheirUser();
    void notesListFollowsTheUser();
    void sessionSurvivesARestartWithAKeychain();
    void offlineStartResumesWhenTheServerAnswers();
    void noKeychainKeepsTheSessionForThisRunOnly();
    void signOutFlushesWhenOnline();
    void signOutOfflineKeepsTheStore();
    void tokenIsRefreshedBeforeExpiry();
    void refusedRefreshKeepsTheStoreAndAsksForThePassword();
    void realKeychainAnswers();
    void accountPageSignsIn();

private:
    std::unique_ptr<Account> makeAccount(SecretStore *secrets);
    bool signUp(Account &account, const QString &user);
    bool waitSignedIn(Account &account, QSignalSpy &spy);
    bool waitSynced();
    QStringList serverNoteTitles(const QString &user);
    QString freshToken(const QString &user);
    ds::SyncConfiguration cloud(const dstest::ServerProcess &server) const;

    dstest::ServerProcess m_server;
    std::unique_ptr<ds::DataStore> m_store;
    std::unique_ptr<notes::AppSettings> m_settings;
    MemorySecrets m_keychain;   // "this device's" keychain across the tests
    QNetworkAccessManager m_network;
};

void TestAccount::initTestCase()
{
    QCoreApplication::setOrganizationName(u"QtDataStoreTest"_s);
    QCoreApplication::setApplicationName(u"tst_account"_s);
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QDir(notes::AppPaths::databaseDirectory()).removeRecursively();
    const QString started = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                            u"--api-key"_s, apiKey});
    QVERIFY2(started.isEmpty(), qPrintable(started));
    apptest::installWarningCounter();
}

void TestAccount::init()
{
    apptest::warningState().count = 0;
    apptest::expectWarning({});
    m_settings = std::make_unique<notes::AppSettings>();
    m_store = std::make_unique<ds::DataStore>(::ModelProvider::schema());
    const QString anonymous = notes::AppPaths::databaseFile(QString());
    QVERIFY(notes::AppPaths::ensureParentDirectory(anonymous));
    QVERIFY(await(m_store->open(anonymous)).ok());
}

void TestAccount::cleanup()
{
    if (m_store)
        await(m_store->close());
    m_store.reset();
    QCOMPARE(apptest::warnings(), 0);
}

ds::SyncConfiguration TestAccount::cloud(const dstest::ServerProcess &server) const
{
    ds::SyncConfiguration config;
    config.endpoint = server.graphqlUrl();
    config.apiKey = apiKey;
    config.authorizationType = ds::SyncConfiguration::AuthorizationType::ApiKey;
    config.errorHandler = [](const ds::SyncError &) {};
    return config;
}

std::unique_ptr<Account> TestAccount::makeAccount(SecretStore *secrets)
{
    auto account = std::make_unique<Account>(m_store.get(), secrets);
    account->setCloud(cloud(m_server));
    account->setSettings(m_settings.get());
    QObject::connect(account.get(), &Account::aboutToSwitchStore, &notes::RecordEditor::flushAll);
    return account;
}

bool TestAccount::waitSignedIn(Account &account, QSignalSpy &spy)
{
    QSignalSpy errors(&account, &Account::errorOccurred);
    QDeadlineTimer deadline(20000);
    while (spy.isEmpty() && errors.isEmpty() && !deadline.hasExpired())
        QTest::qWait(10);
    if (!errors.isEmpty())
        qInfo().noquote() << "account error:" << errors.constFirst().constFirst().toString();
    return !spy.isEmpty() && !account.isBusy();
}

bool TestAccount::signUp(Account &account, const QString &user)
{
    QSignalSpy signedIn(&account, &Account::signedIn);
    account.signUp(user, password);
    return waitSignedIn(account, signedIn) && account.username() == user;
}

bool TestAccount::waitSynced()
{
    QDeadlineTimer deadline(20000);
    while (m_store->syncState() != ds::DataStore::SyncState::Ready && !deadline.hasExpired())
        QTest::qWait(10);
    return m_store->syncState() == ds::DataStore::SyncState::Ready;
}

QString TestAccount::freshToken(const QString &user)
{
    notes::AuthClient auth;
    auth.setBaseUrl(notes::AuthClient::baseUrlFor(m_server.graphqlUrl()));
    const ds::Result<notes::AuthTokens> tokens = await(auth.signIn(user, password));
    return tokens ? tokens->idToken : QString();
}

// What the server holds of `user`'s notes, asked with their own token.
QStringList TestAccount::serverNoteTitles(const QString &user)
{
    QNetworkRequest request(m_server.graphqlUrl());
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("Authorization", freshToken(user).toLatin1());
    const QByteArray body = QJsonDocument(QJsonObject{{u"query"_s, u"{ syncNotes(limit: 1000) { items { title _deleted } } }"_s}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {u"<no answer>"_s};
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    if (answer.contains(u"errors"_s))
        return {u"<error>"_s};
    QStringList titles;
    const QJsonArray items = answer[u"data"_s][u"syncNotes"_s][u"items"_s].toArray();
    for (const QJsonValue &item : items) {
        if (!item[u"_deleted"_s].toBool())
            titles.append(item[u"title"_s].toString());
    }
    titles.sort();
    return titles;
}

void TestAccount::baseUrl()
{
    using notes::AuthClient;
    QCOMPARE(AuthClient::baseUrlFor(QUrl(u"http://127.0.0.1:4000/graphql"_s)), QUrl(u"http://127.0.0.1:4000"_s));
    QCOMPARE(AuthClient::baseUrlFor(QUrl(u"https://example.test/api/graphql/"_s)), QUrl(u"https://example.test/api"_s));
    QCOMPARE(AuthClient::baseUrlFor(QUrl(u"https://example.test/graphql?x=1"_s)), QUrl(u"https://example.test"_s));
}

void TestAccount::validation()
{
    Account account(m_store.get(), &m_keychain);
    QVERIFY(!account.usernameProblem(QString()).isEmpty());
    QVERIFY(!account.usernameProblem(u"has space"_s).isEmpty());
    QVERIFY(!account.usernameProblem(QString(129, u'a')).isEmpty());
    QVERIFY(account.usernameProblem(u"alice.b@example+1"_s).isEmpty());
    QVERIFY(!account.passwordProblem(u"short"_s, Account::Purpose::SignUp).isEmpty());
    QVERIFY(account.passwordProblem(u"short"_s, Account::Purpose::SignIn).isEmpty());
    QVERIFY(!account.passwordProblem(QString(), Account::Purpose::SignIn).isEmpty());
    QVERIFY(!account.confirmationProblem(u"abcdefgh"_s, u"abcdefgx"_s).isEmpty());
    QVERIFY(account.emailProblem(QString()).isEmpty());
    QVERIFY(account.emailProblem(u"a@b.example"_s).isEmpty());
    QVERIFY(!account.emailProblem(u"not an address"_s).isEmpty());
    // Without a cloud nobody can sign in; the reason is given.
    QSignalSpy errors(&account, &Account::errorOccurred);
    account.signIn(u"alice"_s, password);
    QCOMPARE(errors.size(), 1);
    QVERIFY(!account.isCloudAvailable());
}

void TestAccount::signUpGivesAUserStoreAndToken()
{
    auto account = makeAccount(&m_keychain);
    QSignalSpy switched(account.get(), &Account::storeSwitched);
    QVERIFY(signUp(*account, u"alice"_s));
    QVERIFY(account->isSignedIn());
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(u"alice"_s));
    QCOMPARE(account->databasePath(), notes::AppPaths::databaseFile(u"alice"_s));
    QCOMPARE(switched.size(), 1);
    QCOMPARE(m_settings->userId(), u"alice"_s);
    QCOMPARE(account->knownUsers(), QStringList{u"alice"_s});

    // The store syncs as alice: UserPools with a provider handing out her ID token.
    const ds::SyncConfiguration config = m_store->syncConfiguration();
    QCOMPARE(config.authorizationType, ds::SyncConfiguration::AuthorizationType::UserPools);
    QVERIFY(config.tokenProvider);
    const QString token = config.tokenProvider();
    QCOMPARE(token, account->idToken());
    const QJsonObject claims = jwtPayload(token);
    QCOMPARE(claims[u"cognito:username"_s].toString(), u"alice"_s);
    QCOMPARE(claims[u"token_use"_s].toString(), u"id"_s);
    QVERIFY(claims[u"exp"_s].toInteger() > QDateTime::currentSecsSinceEpoch());
    QVERIFY(waitSynced());

    // The provider is called on the store's worker thread: ask it from another thread.
    QString fromThread;
    std::unique_ptr<QThread> thread(QThread::create([&] { fromThread = config.tokenProvider(); }));
    thread->start();
    QVERIFY(thread->wait(5000));
    QCOMPARE(fromThread, token);

    // The keychain holds her refresh token, never her password.
    QCOMPARE(m_keychain.entries.size(), 1);
    const QString secret = m_keychain.entries.cbegin().value();
    QCOMPARE(jwtPayload(secret)[u"token_use"_s].toString(), u"refresh"_s);
    QVERIFY(!secret.contains(password));
    QVERIFY(account->isKeychainAvailable());
    QVERIFY(account->keychainMessage().isEmpty());

    // Signing up the same name again is refused in words.
    Account other(m_store.get(), &m_keychain);
    other.setCloud(cloud(m_server));
    QSignalSpy errors(&other, &Account::errorOccurred);
    other.signUp(u"alice"_s, password);
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 10000);
    QVERIFY(other.errorString().contains(u"taken"_s));
    QVERIFY(!other.isSignedIn());
}

void TestAccount::wrongPasswordKeepsTheSession()
{
    auto account = makeAccount(&m_keychain);
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->signIn(u"alice"_s, password);
    QVERIFY(waitSignedIn(*account, signedIn));
    QSignalSpy errors(account.get(), &Account::errorOccurred);
    account->signIn(u"alice"_s, u"wrong password"_s);
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 10000);
    QVERIFY(!account->errorString().isEmpty());
    QTRY_VERIFY(!account->isBusy());
    QCOMPARE(account->username(), u"alice"_s);
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(u"alice"_s));
}

void TestAccount::notesStayWithTheirUser()
{
    auto account = makeAccount(&m_keychain);
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->signIn(u"alice"_s, password);
    QVERIFY(waitSignedIn(*account, signedIn));
    QVERIFY(waitSynced());

    // Alice writes a private note; it reaches the server.
    const QString secret = u"alice's diary 5b1e"_s;
    QVERIFY(await(m_store->save(u"Note"_s, {{u"id"_s, u"n-alice-1"_s}, {u"title"_s, secret}, {u"owner"_s, u"alice"_s}})).ok());
    QTRY_COMPARE_WITH_TIMEOUT(m_store->pendingMutations(), 0, 10000);
    const QString aliceFile = m_store->databasePath();

    // Bob signs up on the same device: his own store, without her note.
    QVERIFY(signUp(*account, u"bob"_s));
    const QString bobFile = notes::AppPaths::databaseFile(u"bob"_s);
    QCOMPARE(m_store->databasePath(), bobFile);
    QVERIFY(bobFile != aliceFile);
    QVERIFY(waitSynced());
    QVERIFY(await(m_store->save(u"Note"_s, {{u"id"_s, u"n-bob-1"_s}, {u"title"_s, u"bob's list"_s}, {u"owner"_s, u"bob"_s}})).ok());
    QTRY_COMPARE_WITH_TIMEOUT(m_store->pendingMutations(), 0, 10000);
    QTest::qWait(300);   // any subscription event would have arrived by now
    QCOMPARE(*await(m_store->count(u"Note"_s)), 1);
    QVERIFY(!(*await(m_store->get(u"Note"_s, u"n-alice-1"_s))).has_value());
    QCOMPARE(account->knownUsers(), (QStringList{u"alice"_s, u"bob"_s}));

    // Back to alice from the list: her saved session, no password; her note is there, bob's is not.
    QSignalSpy switchedBack(account.get(), &Account::signedIn);
    account->switchTo(u"alice"_s);
    QVERIFY(waitSignedIn(*account, switchedBack));
    QCOMPARE(account->username(), u"alice"_s);
    QCOMPARE(m_store->databasePath(), aliceFile);
    QVERIFY(waitSynced());
    QTest::qWait(300);
    QCOMPARE(*await(m_store->count(u"Note"_s)), 1);
    QVERIFY((*await(m_store->get(u"Note"_s, u"n-alice-1"_s))).has_value());

    // Neither file holds the other's note.
    QVERIFY(await(m_store->close()).ok());
    QVERIFY(!fileContains(bobFile, secret.toUtf8()));
    QVERIFY(fileContains(aliceFile, secret.toUtf8()));
    QVERIFY(!fileContains(aliceFile, "bob's list"));
    QCOMPARE(serverNoteTitles(u"bob"_s), QStringList{u"bob's list"_s});
}

void TestAccount::notesListFollowsTheUser()
{
    // The UI's list of notes (DataStoreListModel on the DataStore singleton)
    // shows the signed-in user's notes only, and follows a switch.
    ds::QmlDataStore::setDefaultStore(m_store.get());
    auto account = makeAccount(&m_keychain);
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->signIn(u"alice"_s, password);
    QVERIFY(waitSignedIn(*account, signedIn));
    QVERIFY(waitSynced());

    QQmlApplicationEngine engine;
    engine.loadData(R"(
        import QtQuick
        import QtDataStore
        ListView {
            width: 300; height: 300
            model: DataStoreListModel { objectName: "notes"; store: DataStore; modelName: "Note"; sortBy: "title" }
            delegate: Text { required property string title; text: title }
        })");
    QCOMPARE(engine.rootObjects().size(), 1);
    auto *notes = engine.rootObjects().constFirst()->findChild<QObject *>(u"notes"_s);
    QVERIFY(notes);
    auto titles = [notes] {
        QStringList list;
        const int count = notes->property("count").toInt();
        for (int row = 0; row < count; ++row) {
            QVariantMap record;
            QMetaObject::invokeMethod(notes, "get", Q_RETURN_ARG(QVariantMap, record), Q_ARG(int, row));
            list.append(record.value(u"title"_s).toString());
        }
        return list;
    };
    QTRY_COMPARE_WITH_TIMEOUT(titles(), QStringList{u"alice's diary 5b1e"_s}, 10000);

    // Her note is open in an editor, a word typed a moment before the switch.
    ds::QmlDataStore qmlStore(m_store.get());
    notes::RecordEditor editor;
    editor.setStore(&qmlStore);
    editor.setModelName(u"Note"_s);
    editor.setRecordId(u"n-alice-1"_s);
    QTRY_VERIFY(editor.isLoaded());
    editor.setField(u"body"_s, u"typed just before the switch"_s);

    QSignalSpy toBob(account.get(), &Account::signedIn);
    account->switchTo(u"bob"_s);
    QVERIFY(waitSignedIn(*account, toBob));
    QTRY_COMPARE_WITH_TIMEOUT(titles(), QStringList{u"bob's list"_s}, 10000);
    // The editor let go of her note: typing now writes nothing into bob's store.
    QTRY_VERIFY(editor.recordId().isEmpty());
    editor.setField(u"body"_s, u"typed after the switch"_s);
    editor.flush();
    QVERIFY(!(*await(m_store->get(u"Note"_s, u"n-alice-1"_s))).has_value());
    QVERIFY(waitSynced());
    QTest::qWait(300);
    QCOMPARE(titles(), QStringList{u"bob's list"_s});

    QSignalSpy toAlice(account.get(), &Account::signedIn);
    account->switchTo(u"alice"_s);
    QVERIFY(waitSignedIn(*account, toAlice));
    QTRY_COMPARE_WITH_TIMEOUT(titles(), QStringList{u"alice's diary 5b1e"_s}, 10000);
    // What she typed before the switch was saved into her own store.
    QCOMPARE((*await(m_store->get(u"Note"_s, u"n-alice-1"_s)))->value(u"body"_s).toString(),
             u"typed just before the switch"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->pendingMutations(), 0, 10000);
    ds::QmlDataStore::setDefaultStore(nullptr);
}

void TestAccount::sessionSurvivesARestartWithAKeychain()
{
    // The last run left alice signed in (the settings) and her refresh token in the keychain.
    QVERIFY(m_keychain.entries.size() >= 1);
    auto account = makeAccount(&m_keychain);
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->restoreSession(u"alice"_s);
    QVERIFY(waitSignedIn(*account, signedIn));
    QCOMPARE(account->username(), u"alice"_s);
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(u"alice"_s));
    QVERIFY(!account->idToken().isEmpty());
    QVERIFY(waitSynced());
    QVERIFY((*await(m_store->get(u"Note"_s, u"n-alice-1"_s))).has_value());
}

void TestAccount::offlineStartResumesWhenTheServerAnswers()
{
    // The app starts while the server is down: alice's saved session opens
    // her store at once; sync resumes once a token can be had.
    const quint16 port = m_server.port();
    m_server.stop();
    auto account = makeAccount(&m_keychain);
    account->setRefreshRetryDelay(std::chrono::milliseconds(200));
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->restoreSession(u"alice"_s);
    QVERIFY(waitSignedIn(*account, signedIn));
    QCOMPARE(account->username(), u"alice"_s);
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(u"alice"_s));
    QVERIFY(account->idToken().isEmpty());
    QCOMPARE(m_store->syncState(), ds::DataStore::SyncState::LocalOnly);   // no token, no sync yet
    QVERIFY((*await(m_store->get(u"Note"_s, u"n-alice-1"_s))).has_value());
    QVERIFY(await(m_store->save(u"Note"_s, {{u"id"_s, u"n-alice-offline"_s}, {u"title"_s, u"written offline"_s}, {u"owner"_s, u"alice"_s}})).ok());

    QSignalSpy refreshed(account.get(), &Account::tokenRefreshed);
    const QString restarted = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey},
                                             port);
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    QVERIFY(refreshed.wait(10000));
    QVERIFY(!account->idToken().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_store->pendingMutations(), 0, 20000);
    QVERIFY(serverNoteTitles(u"alice"_s).contains(u"written offline"_s));
}

void TestAccount::noKeychainKeepsTheSessionForThisRunOnly()
{
    NoKeychain noKeychain;
    {
        auto account = makeAccount(&noKeychain);
        QVERIFY(signUp(*account, u"dave"_s));
        QTRY_VERIFY(!account->isKeychainAvailable());
        QCOMPARE(account->keychainMessage(), u"No keychain available: you will have to sign in again next time."_s);
        QVERIFY(waitSynced());
        // Switching within this run still works: the session is kept in memory.
        QVERIFY(signUp(*account, u"erin"_s));
        QSignalSpy back(account.get(), &Account::signedIn);
        account->switchTo(u"dave"_s);
        QVERIFY(waitSignedIn(*account, back));
        QCOMPARE(account->username(), u"dave"_s);
        QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(u"dave"_s));
    }
    // The next run: no saved session, so nobody is signed in and dave's data stays closed.
    auto next = makeAccount(&noKeychain);
    QSignalSpy switched(next.get(), &Account::storeSwitched);
    next->restoreSession(u"dave"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!switched.isEmpty() && !next->isBusy(), 10000);
    QVERIFY(!next->isSignedIn());
    QCOMPARE(next->passwordNeededFor(), u"dave"_s);
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(QString()));
    QVERIFY(!next->isKeychainAvailable());
    QVERIFY(!next->notice().isEmpty());
    QCOMPARE(m_settings->userId(), QString());
}

void TestAccount::signOutFlushesWhenOnline()
{
    auto account = makeAccount(&m_keychain);
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->signIn(u"bob"_s, password);
    QVERIFY(waitSignedIn(*account, signedIn));
    QVERIFY(waitSynced());
    const QString bobFile = m_store->databasePath();
    const int flushed = 20;
    QFuture<ds::Result<QVariantMap>> last;
    for (int i = 0; i < flushed; ++i)
        last = m_store->save(u"Note"_s, {{u"id"_s, u"n-bob-flush-%1"_s.arg(i)}, {u"title"_s, u"flush %1"_s.arg(i)}, {u"owner"_s, u"bob"_s}});
    QVERIFY(await(last).ok());
    qInfo() << "pending at sign-out:" << m_store->pendingMutations();

    // Sign out at once: the changes are sent first.
    QSignalSpy signedOut(account.get(), &Account::signedOut);
    account->signOut();
    QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, 20000);
    QCOMPARE(signedOut.constFirst().at(0).toString(), u"bob"_s);
    QCOMPARE(signedOut.constFirst().at(1).toLongLong(), 0);
    QVERIFY(!account->isSignedIn());
    QVERIFY(account->idToken().isEmpty());
    QVERIFY(account->notice().contains(u"every change was sent"_s));
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(QString()));
    QCOMPARE(m_settings->userId(), QString());
    // Anonymous use syncs with the API key; bob's session is forgotten, his data is not.
    QCOMPARE(m_store->syncConfiguration().authorizationType, ds::SyncConfiguration::AuthorizationType::ApiKey);
    QVERIFY(QFile::exists(bobFile));
    const QStringList titles = serverNoteTitles(u"bob"_s);
    for (int i = 0; i < flushed; ++i)
        QVERIFY2(titles.contains(u"flush %1"_s.arg(i)), qPrintable(titles.join(u", "_s)));
    // Switching back needs his password now.
    account->switchTo(u"bob"_s);
    QTRY_COMPARE_WITH_TIMEOUT(account->passwordNeededFor(), u"bob"_s, 5000);
    QVERIFY(!account->isSignedIn());
}

void TestAccount::signOutOfflineKeepsTheStore()
{
    auto account = makeAccount(&m_keychain);
    QVERIFY(signUp(*account, u"carol"_s));
    QVERIFY(waitSynced());
    const QString carolFile = m_store->databasePath();

    // The server goes away; carol keeps writing.
    const quint16 port = m_server.port();
    m_server.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!m_store->isOnline(), 15000);
    QVERIFY(await(m_store->save(u"Note"_s, {{u"id"_s, u"n-carol-1"_s}, {u"title"_s, u"offline one"_s}, {u"owner"_s, u"carol"_s}})).ok());
    QVERIFY(await(m_store->save(u"Note"_s, {{u"id"_s, u"n-carol-2"_s}, {u"title"_s, u"offline two"_s}, {u"owner"_s, u"carol"_s}})).ok());

    QSignalSpy signedOut(account.get(), &Account::signedOut);
    account->signOut();
    QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, 20000);
    QCOMPARE(signedOut.constFirst().at(1).toLongLong(), 2);
    QVERIFY2(account->notice().contains(u"2 changes of carol waiting"_s), qPrintable(account->notice()));
    QCOMPARE(m_store->databasePath(), notes::AppPaths::databaseFile(QString()));

    // Her store is kept, with both changes still queued.
    QVERIFY(QFile::exists(carolFile));
    {
        ds::DataStore kept(::ModelProvider::schema());
        QVERIFY(await(kept.open(carolFile)).ok());
        QCOMPARE(await(kept.pendingMutationList())->size(), 2);
        QCOMPARE(*await(kept.count(u"Note"_s)), 2);
        QVERIFY(await(kept.close()).ok());
    }

    // The server is back; carol signs in again and her changes are sent.
    const QString restarted = m_server.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey},
                                             port);
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    account->signIn(u"carol"_s, password);
    QVERIFY(waitSignedIn(*account, signedIn));
    QCOMPARE(m_store->databasePath(), carolFile);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->pendingMutations(), 0, 20000);
    QCOMPARE(serverNoteTitles(u"carol"_s), (QStringList{u"offline one"_s, u"offline two"_s}));
}

void TestAccount::tokenIsRefreshedBeforeExpiry()
{
    dstest::ServerProcess shortLived;
    const QString started = shortLived.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                              u"--api-key"_s, apiKey, u"--token-ttl"_s, u"3s"_s});
    QVERIFY2(started.isEmpty(), qPrintable(started));
    Account account(m_store.get(), &m_keychain);
    account.setCloud(cloud(shortLived));
    QVERIFY(signUp(account, u"frank"_s));
    const QString first = account.idToken();
    const qint64 firstExpiry = jwtPayload(first)[u"exp"_s].toInteger();
    QSignalSpy refreshed(&account, &Account::tokenRefreshed);
    // Refreshed at 80% of its 3 s life, before it expires.
    QVERIFY(refreshed.wait(5000));
    QVERIFY(QDateTime::currentSecsSinceEpoch() <= firstExpiry);
    const QString second = account.idToken();
    QVERIFY(second != first);
    QVERIFY(jwtPayload(second)[u"exp"_s].toInteger() > firstExpiry);
    QCOMPARE(m_store->syncConfiguration().tokenProvider(), second);
    // And again: it keeps the session alive.
    QVERIFY(refreshed.wait(5000));
    QVERIFY(account.isSignedIn());
    QSignalSpy signedOut(&account, &Account::signedOut);
    account.signOut();
    QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, 20000);
}

void TestAccount::refusedRefreshKeepsTheStoreAndAsksForThePassword()
{
    // The server forgets the session (a new user store and signing key on
    // the same address): the refresh is refused; the user's store and
    // outbox stay, and the page asks for the password.
    dstest::ServerProcess first;
    QString started = first.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"),
                                   u"--api-key"_s, apiKey, u"--token-ttl"_s, u"3s"_s});
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const quint16 port = first.port();
    // The engine's reconnect with gina's old token is refused until the refresh is.
    apptest::expectWarning(u"Invalid token: bad signature"_s);
    Account account(m_store.get(), &m_keychain);
    account.setCloud(cloud(first));
    QVERIFY(signUp(account, u"gina"_s));
    const QString ginaFile = m_store->databasePath();
    first.stop();
    QVERIFY(await(m_store->save(u"Note"_s, {{u"id"_s, u"n-gina"_s}, {u"title"_s, u"kept"_s}, {u"owner"_s, u"gina"_s}})).ok());
    dstest::ServerProcess second;
    started = second.start({u"--schema"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"), u"--api-key"_s, apiKey},
                           port);
    QVERIFY2(started.isEmpty(), qPrintable(started));

    QSignalSpy errors(&account, &Account::errorOccurred);
    QVERIFY(errors.wait(10000));
    QVERIFY(account.errorString().contains(u"expired"_s));
    QCOMPARE(account.passwordNeededFor(), u"gina"_s);
    QVERIFY(account.isSignedIn());
    QCOMPARE(m_store->databasePath(), ginaFile);
    QCOMPARE(await(m_store->pendingMutationList())->size(), 1);
    QTRY_COMPARE(m_store->syncState(), ds::DataStore::SyncState::LocalOnly);   // paused, not retrying a dead token
    QVERIFY(!m_keychain.entries.contains(u"refresh-token %1 gina"_s.arg(account.serverUrl())));
    QSignalSpy signedOut(&account, &Account::signedOut);
    account.signOut();
    QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, 20000);
    QCOMPARE(signedOut.constFirst().at(1).toLongLong(), 1);
}

void TestAccount::realKeychainAnswers()
{
    // The production backend either keeps a secret or says it cannot, in
    // bounded time (headless CI has no Secret Service): never a hang.
    notes::KeychainStore keychain(u"tst_account"_s);
    const SecretStore::Reply written = await(keychain.write(u"probe"_s, u"value"_s), 20000);
    if (written.status == SecretStore::Status::Unavailable) {
        qInfo().noquote() << "no keychain here:" << written.message;
        QCOMPARE(await(keychain.read(u"probe"_s), 20000).status, SecretStore::Status::Unavailable);
        return;
    }
    QCOMPARE(written.status, SecretStore::Status::Ok);
    const SecretStore::Reply read = await(keychain.read(u"probe"_s), 20000);
    QCOMPARE(read.status, SecretStore::Status::Ok);
    QCOMPARE(read.secret, u"value"_s);
    QCOMPARE(await(keychain.remove(u"probe"_s), 20000).status, SecretStore::Status::Ok);
    QCOMPARE(await(keychain.read(u"probe"_s), 20000).status, SecretStore::Status::NotFound);
}

void TestAccount::accountPageSignsIn()
{
    auto account = makeAccount(&m_keychain);
    QQmlApplicationEngine engine;
    engine.setInitialProperties({{u"account"_s, QVariant::fromValue(account.get())}});
    engine.loadData(R"(
        import QtQuick
        import QtQuick.Controls
        import QtDataStore.Notes
        ApplicationWindow {
            id: root
            required property Account account
            width: 800; height: 700; visible: true
            AccountPage { objectName: "accountPage"; anchors.fill: parent; account: root.account }
        })");
    QCOMPARE(engine.rootObjects().size(), 1);
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    auto find = [window](const char *name) { return window->findChild<QObject *>(QString::fromLatin1(name)); };
    QObject *page = find("accountPage");
    QVERIFY(page);
    QVERIFY(find("knownUsersList"));

    // Type a bad user name: the page shows why, and the button stays off.
    QObject *username = find("usernameField");
    QObject *passwordField = find("passwordField");
    QObject *submit = find("submitButton");
    QVERIFY(username && passwordField && submit);
    username->setProperty("text", u"has space"_s);
    username->setProperty("touched", true);
    QVERIFY(find("usernameProblem")->property("visible").toBool());
    QVERIFY(!submit->property("enabled").toBool());

    // Keyboard: the user name field takes focus, Tab moves on to the password.
    QMetaObject::invokeMethod(username, "forceActiveFocus");
    QTRY_VERIFY(username->property("activeFocus").toBool());
    QTest::keyClick(window, Qt::Key_Tab);
    QTRY_VERIFY(passwordField->property("activeFocus").toBool());

    username->setProperty("text", u"alice"_s);
    passwordField->setProperty("text", password);
    QVERIFY(!find("usernameProblem")->property("visible").toBool());
    QVERIFY(submit->property("enabled").toBool());
    QSignalSpy signedIn(account.get(), &Account::signedIn);
    QTest::keyClick(window, Qt::Key_Return);   // Enter in the password field submits
    QVERIFY(waitSignedIn(*account, signedIn));
    QCOMPARE(passwordField->property("text").toString(), QString());   // never kept
    QTRY_VERIFY(find("currentUserLabel")->property("text").toString().contains(u"alice"_s));
    QTRY_VERIFY(find("databaseLabel")->property("text").toString().contains(notes::AppPaths::databaseFile(u"alice"_s)));
    QVERIFY(find("signOutButton")->property("visible").toBool());

    QSignalSpy signedOut(account.get(), &Account::signedOut);
    QVERIFY(QMetaObject::invokeMethod(find("signOutButton"), "clicked"));
    QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, 20000);
    QTRY_VERIFY(!find("signOutButton")->property("visible").toBool());
    QTRY_VERIFY(find("databaseLabel")->property("text").toString().contains(u"anonymous"_s));
}

QTEST_MAIN(TestAccount)
#include "tst_account.moc"
