// notes::Account: who uses the app, exposed to QML (`account`). Sign up,
// sign in, token refresh, sign out and switching between the users known on
// this device, against the server's user pool (authclient.h), each user
// with their own local database (AppPaths) and sync credentials.
//
//   Account account(&store);                 // the app's one DataStore
//   account.setCloud(config);                // the GraphQL endpoint (+ API key)
//   account.restoreSession(settingsUserId);  // at start: resumes or signs out
//   account.signIn(u"alice"_s, password);
//
// Sessions: a signed-in user's ID token feeds the store's
// SyncConfiguration::tokenProvider (authorizationType UserPools) through a
// thread-safe TokenCache, refreshed (/auth/refresh) before it expires.
// Anonymous use syncs with the configuration as given (API key), or stays
// local-only when that needs a user.
//
// Secrets: only the refresh token is kept, in the platform keychain
// (keychainstore.h), never the password. Without a keychain the token is
// kept for this session only and `keychainMessage` says so.
//
// Switching (sign in, sign up, switchTo, sign out): aboutToSwitchStore() is
// emitted first (flush the editors: RecordEditor::flushAll), the leaving
// user's outbox is flushed when online (bounded) and sync stops; then the
// store closes and opens the other user's database. Nothing is deleted:
// changes that could not be sent stay in the leaving user's database and
// `notice` tells how many wait for that user's next sign-in.
//
// Threading: GUI thread.
#pragma once

#include "authclient.h"
#include "keychainstore.h"
#include "storeswitcher.h"

#include <datastore/datastore.h>
#include <datastore/syncconfiguration.h>

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>

namespace notes {

class AppSettings;

class Account : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Account belongs to the app")
    // Someone is signed in (their store is open).
    Q_PROPERTY(bool signedIn READ isSignedIn NOTIFY userChanged)
    // The signed-in user's name; "" when anonymous.
    Q_PROPERTY(QString username READ username NOTIFY userChanged)
    // The database the store has open for the current user.
    Q_PROPERTY(QString databasePath READ databasePath NOTIFY databasePathChanged)
    // A cloud is configured: signing in is possible.
    Q_PROPERTY(bool cloudAvailable READ isCloudAvailable NOTIFY cloudChanged)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY cloudChanged)
    // An operation (sign in, sign out, switch) is running.
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    // Why the last operation failed, in words for the user; "" when it did not.
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    // What the user should know after the last operation ("3 changes of
    // alice are waiting..."); "" when nothing.
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    // The platform keychain keeps sessions between runs.
    Q_PROPERTY(bool keychainAvailable READ isKeychainAvailable NOTIFY keychainChanged)
    // "No keychain available: ..." when it does not; "" otherwise.
    Q_PROPERTY(QString keychainMessage READ keychainMessage NOTIFY keychainChanged)
    // Users who signed in on this device (for this cloud), sorted.
    Q_PROPERTY(QStringList knownUsers READ knownUsers NOTIFY knownUsersChanged)
    // A user the app needs a password for (switching without a saved
    // session, an expired session); the form prefills it. "" when none.
    Q_PROPERTY(QString passwordNeededFor READ passwordNeededFor NOTIFY passwordNeededForChanged)

public:
    // Under an API key, the models whose @auth rules give the key no sync
    // access (owner-only notes) stay on the device: their changes would only
    // be refused, one warning per edit. Other authorization types: unchanged.
    static void keepUnsyncableModelsLocal(ds::SyncConfiguration &config, const ds::Schema &schema);

    enum class Purpose { SignIn, SignUp };
    Q_ENUM(Purpose)

    // secrets: null for the platform keychain (QtKeychain); tests pass their own.
    explicit Account(ds::DataStore *store, SecretStore *secrets = nullptr, QObject *parent = nullptr);
    ~Account() override;

    // The cloud to sign in to and sync with: its endpoint (the auth base URL
    // derives from it), API key, sync expressions, handlers. Without an
    // endpoint the app is local-only and signing in is not possible.
    void setCloud(const ds::SyncConfiguration &config);
    // Where a user's database lives; default AppPaths::databaseFile(user).
    void setDatabasePathFunction(std::function<QString(const QString &username)> pathOf);
    // After a refresh that failed for a transient reason (tests shorten it).
    void setRefreshRetryDelay(std::chrono::milliseconds delay) { m_refreshRetryDelay = delay; }
    // Persists the signed-in user (AppSettings::userId) for the next start.
    void setSettings(AppSettings *settings) { m_settings = settings; }

    // At start: resumes `username`'s session from the saved refresh token
    // (opening their store, syncing with their token; offline: their store
    // opens and the token refreshes once the server answers). Without a
    // saved session it falls back to anonymous and asks for the password.
    // An empty username: anonymous, the store syncs with the API key.
    // Without a cloud (local-only) it does nothing: the app's store stays.
    void restoreSession(const QString &username);

    bool isSignedIn() const { return !m_username.isEmpty(); }
    QString username() const { return m_username; }
    QString databasePath() const;
    bool isCloudAvailable() const { return m_cloud.isEnabled(); }
    QString serverUrl() const { return m_auth.baseUrl().toDisplayString(); }
    bool isBusy() const { return m_busy; }
    QString errorString() const { return m_errorString; }
    QString notice() const { return m_notice; }
    bool isKeychainAvailable() const { return m_keychainAvailable; }
    QString keychainMessage() const;
    QStringList knownUsers() const;
    QString passwordNeededFor() const { return m_passwordNeededFor; }

    // The current ID token ("" when anonymous); what the store's token provider returns.
    QString idToken() const { return m_tokens ? m_tokens->token() : QString(); }
    // The sync configuration for the current user (tests, diagnostics).
    ds::SyncConfiguration currentSyncConfiguration() const;

    // Validation for the form: "" when fine, else a sentence.
    Q_INVOKABLE QString usernameProblem(const QString &username) const;
    Q_INVOKABLE QString passwordProblem(const QString &password, notes::Account::Purpose purpose) const;
    Q_INVOKABLE QString confirmationProblem(const QString &password, const QString &confirmation) const;
    Q_INVOKABLE QString emailProblem(const QString &email) const;

    Q_INVOKABLE void signUp(const QString &username, const QString &password, const QString &email = QString());
    Q_INVOKABLE void signIn(const QString &username, const QString &password);
    // Flushes (online, bounded), stops sync, forgets the saved session and
    // opens the anonymous store. The user's database stays.
    Q_INVOKABLE void signOut();
    // To a known user: their saved session if any, else passwordNeededFor.
    Q_INVOKABLE void switchTo(const QString &username);
    Q_INVOKABLE void clearMessages();

Q_SIGNALS:
    void userChanged();
    void databasePathChanged();
    void cloudChanged();
    void busyChanged();
    void errorStringChanged();
    void noticeChanged();
    void keychainChanged();
    void knownUsersChanged();
    void passwordNeededForChanged();

    // Events.
    void aboutToSwitchStore();            // before the store leaves its database
    void storeSwitched(const QString &databasePath);
    void signedIn(const QString &username);
    void signedOut(const QString &username, qint64 pendingChanges);
    void tokenRefreshed();
    void errorOccurred(const QString &message);

private:
    // Signs username in again with a saved refresh token: entered on
    // success, entered offline when the server cannot be reached; otherwise
    // the secret is forgotten, the password asked for, and `expired` runs.
    void resumeSession(const QString &username, const QString &refreshToken, const std::function<void()> &expired);

    bool begin();
    bool beginWithServer(const QString &inputProblem);
    void finish();
    void fail(const QString &message);
    void setNotice(const QString &notice);
    void setPasswordNeededFor(const QString &username);
    void setKeychainAvailable(bool available);

    QString secretKey(const QString &username) const;
    QString knownUsersKey() const;
    void rememberUser(const QString &username);
    ds::SyncConfiguration anonymousConfiguration() const;
    ds::SyncConfiguration userConfiguration() const;
    QString pathOf(const QString &username) const;
    QString waitingNotice(const QString &username, qint64 pending) const;

    // Leaves the current user (or anonymous) and opens `username`'s store
    // with `tokens` (idToken may be empty offline: refreshed later).
    void enter(const AuthTokens &tokens);
    void startSession(const AuthTokens &tokens);
    void saveSecret(const QString &username, const QString &refreshToken);
    void forgetSecret(const QString &username);
    QFuture<QString> loadSecret(const QString &username);
    void scheduleRefresh(std::chrono::milliseconds delay);
    void refreshNow();
    void switchStore(const QString &username, std::function<void(bool ok)> done);

    StoreSwitcher m_switcher;
    std::unique_ptr<SecretStore> m_ownedSecrets;
    SecretStore *m_secrets;
    AuthClient m_auth;
    AppSettings *m_settings = nullptr;
    ds::SyncConfiguration m_cloud;
    std::function<QString(const QString &)> m_pathOf;

    QString m_username;
    QString m_refreshToken;
    std::shared_ptr<TokenCache> m_tokens;
    quint64 m_session = 0;          // bumped per session: late replies of an old one are ignored
    QTimer m_refreshTimer;
    std::chrono::milliseconds m_refreshRetryDelay;
    QHash<QString, QString> m_sessionSecrets;   // username -> refresh token, this run only

    bool m_busy = false;
    QString m_errorString;
    QString m_notice;
    bool m_keychainAvailable = true;
    QString m_passwordNeededFor;
};

} // namespace notes
