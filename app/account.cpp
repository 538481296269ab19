#include "account.h"

#include "accounttuning.h"
#include "apppaths.h"
#include "appsettings.h"
#include "logging.h"

#include <QCryptographicHash>
#include <algorithm>
#include <QRegularExpression>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// The keychain's service name: the entries of this app.
const QString keychainService = u"datastore-notes"_s;

} // namespace

Account::Account(ds::DataStore *store, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_switcher(store)
    , m_ownedSecrets(secrets ? nullptr : std::make_unique<KeychainStore>(keychainService))
    , m_secrets(secrets ? secrets : m_ownedSecrets.get())
    , m_pathOf([](const QString &user) { return AppPaths::databaseFile(user); })
    , m_refreshRetryDelay(account_tuning::kRefreshRetryDelay)
{
    m_refreshTimer.setSingleShot(true);
    if (store)
        connect(store, &ds::DataStore::openChanged, this, &Account::databasePathChanged);
    connect(&m_refreshTimer, &QTimer::timeout, this, &Account::refreshNow);
}

Account::~Account()
{
    if (m_tokens)
        m_tokens->setToken(QString());
}

// ---- configuration ---------------------------------------------------------

void Account::setCloud(const ds::SyncConfiguration &config)
{
    m_cloud = config;
    m_auth.setBaseUrl(config.isEnabled() ? AuthClient::baseUrlFor(config.endpoint) : QUrl());
    m_auth.setCaCertificateFile(config.caCertificateFile);
    Q_EMIT cloudChanged();
    Q_EMIT knownUsersChanged();
}

void Account::setDatabasePathFunction(std::function<QString(const QString &)> pathOf)
{
    m_pathOf = std::move(pathOf);
}

QString Account::pathOf(const QString &username) const
{
    return m_pathOf(username);
}

QString Account::databasePath() const
{
    return m_switcher.store() ? m_switcher.store()->databasePath() : QString();
}

void Account::keepUnsyncableModelsLocal(ds::SyncConfiguration &config, const ds::Schema &schema)
{
    if (config.authorizationType != ds::SyncConfiguration::AuthorizationType::ApiKey)
        return;
    for (const ds::ModelSchema &model : schema.models()) {
        // No @auth: the API's default mode (the key) covers the model.
        const bool keyMaySync = model.authRules.isEmpty()
            || std::any_of(model.authRules.cbegin(), model.authRules.cend(), [](const ds::AuthRule &rule) {
                   return rule.provider == ds::AuthRule::Provider::ApiKey && rule.allows(u"sync");
               });
        config.setLocalOnly(model.name, !keyMaySync);
    }
}

ds::SyncConfiguration Account::anonymousConfiguration() const
{
    ds::SyncConfiguration config = m_cloud;
    config.tokenProvider = nullptr;
    // A cloud that only takes signed-in users: anonymous use stays local.
    if (config.authorizationType != ds::SyncConfiguration::AuthorizationType::ApiKey)
        config.endpoint = QUrl();
    if (const ds::DataStore *store = m_switcher.store())
        keepUnsyncableModelsLocal(config, store->schema());
    return config;
}

ds::SyncConfiguration Account::userConfiguration() const
{
    ds::SyncConfiguration config = m_cloud;
    config.authorizationType = ds::SyncConfiguration::AuthorizationType::UserPools;
    config.apiKey.clear();
    config.tokenProvider = TokenCache::providerOf(m_tokens);
    return config;
}

ds::SyncConfiguration Account::currentSyncConfiguration() const
{
    if (!isSignedIn())
        return anonymousConfiguration();
    if (idToken().isEmpty()) {
        // Signed in offline: no token yet, so no sync (an engine without a
        // token is refused); refreshNow() starts it once there is one.
        ds::SyncConfiguration waiting = userConfiguration();
        waiting.endpoint = QUrl();
        return waiting;
    }
    return userConfiguration();
}

// ---- state -----------------------------------------------------------------

QString Account::keychainMessage() const
{
    return m_keychainAvailable ? QString()
                               : tr("No keychain available: you will have to sign in again next time.");
}

bool Account::begin()
{
    if (m_busy) {
        fail(tr("Please wait: the previous request is still running."));
        return false;
    }
    m_busy = true;
    Q_EMIT busyChanged();
    if (!m_errorString.isEmpty()) {
        m_errorString.clear();
        Q_EMIT errorStringChanged();
    }
    return true;
}

void Account::finish()
{
    if (!m_busy)
        return;
    m_busy = false;
    Q_EMIT busyChanged();
}

void Account::fail(const QString &message)
{
    qCInfo(lcAccount).noquote() << "failed:" << message;
    m_errorString = message;
    Q_EMIT errorStringChanged();
    Q_EMIT errorOccurred(message);
}

void Account::setNotice(const QString &notice)
{
    if (m_notice == notice)
        return;
    m_notice = notice;
    Q_EMIT noticeChanged();
}

void Account::setPasswordNeededFor(const QString &username)
{
    if (m_passwordNeededFor == username)
        return;
    m_passwordNeededFor = username;
    Q_EMIT passwordNeededForChanged();
}

void Account::setKeychainAvailable(bool available)
{
    if (m_keychainAvailable == available)
        return;
    m_keychainAvailable = available;
    if (!available)
        qCInfo(lcAccount) << "no keychain: sessions are kept for this run only";
    Q_EMIT keychainChanged();
}

void Account::clearMessages()
{
    if (!m_errorString.isEmpty()) {
        m_errorString.clear();
        Q_EMIT errorStringChanged();
    }
    setNotice(QString());
}

QString Account::waitingNotice(const QString &username, qint64 pending) const
{
    const QString changes = pending == 1 ? tr("1 change") : tr("%1 changes").arg(pending);
    if (username.isEmpty()) {
        return tr("%1 made without signing in waiting on this device; they will be sent the next time "
                  "you use the app without signing in, online.").arg(changes);
    }
    return tr("%1 of %2 waiting on this device; they will be sent when %2 signs in again.").arg(changes, username);
}

// ---- known users -----------------------------------------------------------

QString Account::knownUsersKey() const
{
    // Per cloud: users of one server are not users of another.
    const QByteArray hash = QCryptographicHash::hash(m_auth.baseUrl().toString().toUtf8(), QCryptographicHash::Sha256);
    return u"account/knownUsers-"_s + QString::fromLatin1(hash.toHex().left(12));
}

QStringList Account::knownUsers() const
{
    if (!isCloudAvailable())
        return {};
    QStringList users = QSettings().value(knownUsersKey()).toStringList();
    users.sort(Qt::CaseInsensitive);
    return users;
}

void Account::rememberUser(const QString &username)
{
    QStringList users = QSettings().value(knownUsersKey()).toStringList();
    if (users.contains(username))
        return;
    users.append(username);
    QSettings().setValue(knownUsersKey(), users);
    Q_EMIT knownUsersChanged();
}

// ---- validation ------------------------------------------------------------

QString Account::usernameProblem(const QString &username) const
{
    static const QRegularExpression allowed(u"^[A-Za-z0-9._@+-]+$"_s);
    if (username.isEmpty())
        return tr("Enter a user name.");
    if (username.size() > account_tuning::kMaxUsernameLength)
        return tr("A user name has at most %1 characters.").arg(account_tuning::kMaxUsernameLength);
    if (!allowed.match(username).hasMatch())
        return tr("Use letters, digits and . _ @ + - only (no spaces).");
    return {};
}

QString Account::passwordProblem(const QString &password, Purpose purpose) const
{
    if (password.isEmpty())
        return tr("Enter a password.");
    if (purpose == Purpose::SignUp) {
        if (password.size() < account_tuning::kMinPasswordLength)
            return tr("Use at least %1 characters.").arg(account_tuning::kMinPasswordLength);
        if (password.size() > account_tuning::kMaxPasswordLength)
            return tr("Use at most %1 characters.").arg(account_tuning::kMaxPasswordLength);
    }
    return {};
}

QString Account::confirmationProblem(const QString &password, const QString &confirmation) const
{
    return password == confirmation ? QString() : tr("The two passwords differ.");
}

QString Account::emailProblem(const QString &email) const
{
    static const QRegularExpression shape(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    if (email.isEmpty() || shape.match(email).hasMatch())
        return {};
    return tr("This is not an e-mail address (optional: leave it empty).");
}

// ---- secrets ---------------------------------------------------------------

QString Account::secretKey(const QString &username) const
{
    return u"refresh-token %1 %2"_s.arg(m_auth.baseUrl().toString(), username);
}

void Account::saveSecret(const QString &username, const QString &refreshToken)
{
    m_sessionSecrets.insert(username, refreshToken);
    m_secrets->write(secretKey(username), refreshToken).then(this, [this](const SecretStore::Reply &reply) {
        setKeychainAvailable(reply.status != SecretStore::Status::Unavailable);
    });
}

void Account::forgetSecret(const QString &username)
{
    m_sessionSecrets.remove(username);
    m_secrets->remove(secretKey(username)).then(this, [](const SecretStore::Reply &) {});
}

QFuture<QString> Account::loadSecret(const QString &username)
{
    if (const auto it = m_sessionSecrets.constFind(username); it != m_sessionSecrets.cend())
        return QtFuture::makeReadyFuture(*it);
    return m_secrets->read(secretKey(username)).then(this, [this](const SecretStore::Reply &reply) {
        if (reply.status == SecretStore::Status::Unavailable) {
            setKeychainAvailable(false);
            return QString();
        }
        return reply.status == SecretStore::Status::Ok ? reply.secret : QString();
    });
}

// ---- sessions --------------------------------------------------------------

void Account::startSession(const AuthTokens &tokens)
{
    ++m_session;
    if (!m_tokens || m_username != tokens.username) {
        if (m_tokens)
            m_tokens->setToken(QString());   // the old provider (if still held) hands out nothing
        m_tokens = std::make_shared<TokenCache>();
    }
    m_tokens->setToken(tokens.idToken);
    m_refreshToken = tokens.refreshToken;
    m_username = tokens.username;
    saveSecret(tokens.username, tokens.refreshToken);
    rememberUser(tokens.username);
    setPasswordNeededFor(QString());
    if (m_settings)
        m_settings->setUserId(tokens.username);
    if (tokens.idToken.isEmpty()) {
        scheduleRefresh(m_refreshRetryDelay);
    } else {
        const auto lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(tokens.expiresIn);
        const auto delay = std::chrono::milliseconds(qint64(double(lifetime.count()) * account_tuning::kRefreshAtLifetimeShare));
        scheduleRefresh(std::max(delay, account_tuning::kMinRefreshDelay));
    }
}

void Account::scheduleRefresh(std::chrono::milliseconds delay)
{
    m_refreshTimer.start(delay);
}

void Account::refreshNow()
{
    if (!isSignedIn() || m_refreshToken.isEmpty())
        return;
    const quint64 session = m_session;
    const bool hadToken = !idToken().isEmpty();
    m_auth.refresh(m_refreshToken).then(this, [this, session, hadToken](const ds::Result<AuthTokens> &result) {
        if (session != m_session)
            return;   // signed out or switched meanwhile
        if (!result) {
            if (result.error().isTransient()) {
                scheduleRefresh(m_refreshRetryDelay);
                return;
            }
            // The refresh token expired or the user is gone: the data stays,
            // sync waits (its changes stay queued) until the user signs in.
            fail(tr("Your session has expired: enter your password to keep syncing."));
            forgetSecret(m_username);
            setPasswordNeededFor(m_username);
            m_tokens->setToken(QString());
            m_switcher.pause();
            return;
        }
        m_tokens->setToken(result->idToken);
        const auto lifetime = std::chrono::duration_cast<std::chrono::milliseconds>(result->expiresIn);
        scheduleRefresh(std::max(std::chrono::milliseconds(qint64(double(lifetime.count())
                                                                  * account_tuning::kRefreshAtLifetimeShare)),
                                 account_tuning::kMinRefreshDelay));
        qCDebug(lcAccount) << "token refreshed for" << m_username;
        Q_EMIT tokenRefreshed();
        // Signed in offline: sync waited for a token; start it now.
        if (!hadToken && m_switcher.store()) {
            m_switcher.store()->configureSync(userConfiguration());
            m_switcher.store()->start();
        }
    });
}

void Account::switchStore(const QString &username, std::function<void(bool ok)> done)
{
    const QString path = pathOf(username);
    m_switcher.switchTo(path, currentSyncConfiguration())
        .then(this, [this, path, done = std::move(done)](const ds::Result<void> &result) {
            if (!result) {
                fail(tr("Cannot open the local database: %1").arg(result.error().message()));
                done(false);
                return;
            }
            Q_EMIT storeSwitched(path);
            done(true);
        });
}

void Account::enter(const AuthTokens &tokens)
{
    const QString leaving = m_username;
    const bool sameUser = isSignedIn() && leaving == tokens.username;
    if (sameUser) {
        // A new sign-in of the same user (an expired session): same store, new token.
        startSession(tokens);
        if (ds::DataStore *store = m_switcher.store()) {
            store->configureSync(userConfiguration());
            store->start();
        }
        finish();
        Q_EMIT signedIn(m_username);
        return;
    }
    Q_EMIT aboutToSwitchStore();
    m_switcher.flushAndStop(account_tuning::kFlushTimeout).then(this, [this, tokens, leaving](qint64 pending) {
        setNotice(pending > 0 ? waitingNotice(leaving, pending) : QString());
        startSession(tokens);
        // username and the store change together: userChanged once the other database is open.
        switchStore(tokens.username, [this](bool ok) {
            Q_EMIT userChanged();
            finish();
            if (ok)
                Q_EMIT signedIn(m_username);
        });
    });
}

// ---- operations ------------------------------------------------------------

// Starts an operation that needs the server, unless the input has a
// problem, there is no cloud, or another operation runs (each said to the user).
bool Account::beginWithServer(const QString &inputProblem)
{
    if (!inputProblem.isEmpty()) {
        fail(inputProblem);
        return false;
    }
    if (!isCloudAvailable()) {
        fail(tr("No cloud is configured: this app runs on this device only."));
        return false;
    }
    return begin();
}

void Account::signUp(const QString &username, const QString &password, const QString &email)
{
    const QString problem = !usernameProblem(username).isEmpty() ? usernameProblem(username)
                          : !passwordProblem(password, Purpose::SignUp).isEmpty() ? passwordProblem(password, Purpose::SignUp)
                                                                                  : emailProblem(email);
    if (!beginWithServer(problem))
        return;
    m_auth.signUp(username, password, email).then(this, [this](const ds::Result<AuthTokens> &result) {
        if (!result) {
            const QString code = result.error().code();
            fail(code == u"UsernameExistsException" ? tr("This user name is taken: choose another, or sign in.")
                                                    : result.error().message());
            finish();
            return;
        }
        qCInfo(lcAccount).noquote() << "signed up" << result->username;
        enter(*result);
    });
}

void Account::signIn(const QString &username, const QString &password)
{
    const QString problem = !usernameProblem(username).isEmpty() ? usernameProblem(username)
                                                                 : passwordProblem(password, Purpose::SignIn);
    if (!beginWithServer(problem))
        return;
    m_auth.signIn(username, password).then(this, [this](const ds::Result<AuthTokens> &result) {
        if (!result) {
            fail(result.error().domain() == ds::Error::Domain::Network
                     ? tr("The server cannot be reached; try again when online. (%1)").arg(result.error().message())
                     : result.error().message());
            finish();
            return;
        }
        qCInfo(lcAccount).noquote() << "signed in" << result->username;
        enter(*result);
    });
}

void Account::signOut()
{
    if (!isSignedIn() || !begin())
        return;
    const QString leaving = m_username;
    Q_EMIT aboutToSwitchStore();
    m_switcher.flushAndStop(account_tuning::kFlushTimeout).then(this, [this, leaving](qint64 pending) {
        ++m_session;
        m_refreshTimer.stop();
        if (m_tokens)
            m_tokens->setToken(QString());
        m_tokens.reset();
        m_refreshToken.clear();
        forgetSecret(leaving);
        m_username.clear();
        if (m_settings)
            m_settings->setUserId(QString());
        setNotice(pending > 0 ? waitingNotice(leaving, pending)
                              : tr("%1 signed out; every change was sent.").arg(leaving));
        qCInfo(lcAccount).noquote() << leaving << "signed out," << pending << "change(s) waiting";
        switchStore(QString(), [this, leaving, pending](bool) {
            Q_EMIT userChanged();
            finish();
            Q_EMIT signedOut(leaving, pending);
        });
    });
}

void Account::switchTo(const QString &username)
{
    if (username.isEmpty() || username == m_username)
        return;
    if (!begin())
        return;
    loadSecret(username).then(this, [this, username](const QString &refreshToken) {
        if (refreshToken.isEmpty()) {
            setPasswordNeededFor(username);
            fail(tr("Enter the password of %1 to switch to them.").arg(username));
            finish();
            return;
        }
        resumeSession(username, refreshToken, [this, username] {
            fail(tr("The session of %1 has expired: enter their password.").arg(username));
            finish();
        });
    });
}

void Account::resumeSession(const QString &username, const QString &refreshToken,
                            const std::function<void()> &expired)
{
    m_auth.refresh(refreshToken).then(this, [this, username, refreshToken, expired](const ds::Result<AuthTokens> &result) {
        if (result) {
            enter(*result);
            return;
        }
        if (result.error().isTransient()) {
            // Offline: open their store now; the token comes when the server answers.
            AuthTokens offline;
            offline.username = username;
            offline.refreshToken = refreshToken;
            enter(offline);
            return;
        }
        forgetSecret(username);
        setPasswordNeededFor(username);
        expired();
    });
}

void Account::restoreSession(const QString &username)
{
    // Local-only: no accounts; the store the app opened stays as it is.
    if (!isCloudAvailable())
        return;
    if (username.isEmpty()) {
        if (!begin())
            return;
        switchStore(QString(), [this](bool) { finish(); });
        return;
    }
    if (!begin())
        return;
    loadSecret(username).then(this, [this, username](const QString &refreshToken) {
        if (refreshToken.isEmpty()) {
            // No saved session: nobody is signed in; their data stays closed.
            setPasswordNeededFor(username);
            setNotice(tr("Sign in again as %1: no saved session on this device.").arg(username));
            if (m_settings)
                m_settings->setUserId(QString());
            Q_EMIT aboutToSwitchStore();
            switchStore(QString(), [this](bool) { finish(); });
            return;
        }
        resumeSession(username, refreshToken, [this, username] {
            setNotice(tr("The session of %1 has expired: sign in again.").arg(username));
            if (m_settings)
                m_settings->setUserId(QString());
            Q_EMIT aboutToSwitchStore();
            switchStore(QString(), [this](bool) { finish(); });
        });
    });
}

} // namespace notes
