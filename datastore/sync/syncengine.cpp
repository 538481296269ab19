#include "sync/syncengine.h"

#include "common/logging_p.h"
#include "net/auth.h"
#include "net/configuration.h"
#include "predicate/text.h"
#include "sync/mutationprocessor.h"
#include "sync/subscriptionprocessor.h"
#include "sync/tuning_p.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

net::AuthorizationType netAuthType(SyncConfiguration::AuthorizationType type)
{
    switch (type) {
    case SyncConfiguration::AuthorizationType::ApiKey:
        return net::AuthorizationType::ApiKey;
    case SyncConfiguration::AuthorizationType::UserPools:
        return net::AuthorizationType::AmazonCognitoUserPools;
    case SyncConfiguration::AuthorizationType::OpenIdConnect:
        return net::AuthorizationType::OpenIdConnect;
    case SyncConfiguration::AuthorizationType::Lambda:
        return net::AuthorizationType::AwsLambda;
    }
    return net::AuthorizationType::ApiKey;
}

// The payload of a JWT (its middle part), unverified: only used to fill in
// the owner argument of subscriptions, which the server checks anyway.
QJsonObject jwtClaims(const QString &token)
{
    const QStringList parts = token.split(u'.');
    if (parts.size() != 3)
        return {};
    const QByteArray payload = QByteArray::fromBase64(parts.at(1).toLatin1(),
                                                      QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return QJsonDocument::fromJson(payload).object();
}

} // namespace

Result<std::unique_ptr<SyncEngine>> SyncEngine::create(Storage &storage, const SyncConfiguration &config)
{
    if (!config.isEnabled())
        return Error::validation(u"SyncNotConfigured"_s, u"the sync configuration has no endpoint"_s);
    std::unique_ptr<SyncEngine> engine(new SyncEngine(storage, config));
    if (Result<void> r = engine->configure(); !r)
        return r.error();
    return engine;
}

SyncEngine::SyncEngine(Storage &storage, const SyncConfiguration &config)
    : m_storage(storage),
      m_config(config),
      m_client(new net::GraphQLClient(this)),
      m_realtime(new net::RealtimeClient(this)),
      m_sync(new SyncProcessor(storage, *m_client, this)),
      m_mutations(new MutationProcessor(storage, *m_client, this)),
      m_subscriptions(new SubscriptionProcessor(storage, *m_realtime, this)),
      m_roundTimer(new QTimer(this)),
      m_roundBackoff(net::Backoff::retryPolicy()),
      m_reopenTimer(new QTimer(this)),
      m_reopenBackoff(net::Backoff::retryPolicy())
{
    m_roundTimer->setSingleShot(true);
    connect(m_roundTimer, &QTimer::timeout, this, &SyncEngine::runRound);
    m_reopenTimer->setSingleShot(true);
    connect(m_reopenTimer, &QTimer::timeout, this, [this] {
        if (m_started)
            m_realtime->open();
    });
}

SyncEngine::~SyncEngine()
{
    stop();
}

Result<void> SyncEngine::configure()
{
    net::Authorization auth;
    auth.type = netAuthType(m_config.authorizationType);
    auth.apiKey = m_config.apiKey;
    auth.tokenProvider = m_config.tokenProvider;
    m_client->setEndpoint(m_config.endpoint);
    m_client->setAuthorization(auth);
    m_realtime->setUrl(m_config.realtimeEndpoint.isValid() && !m_config.realtimeEndpoint.isEmpty()
                           ? m_config.realtimeEndpoint
                           : net::realtimeEndpointFor(m_config.endpoint));
    m_realtime->setGraphQLEndpoint(m_config.endpoint);
    m_realtime->setAuthorization(auth);
    if (!m_config.caCertificateFile.isEmpty()) {
        QString error;
        const QList<QSslCertificate> certificates = net::loadCaCertificates(m_config.caCertificateFile, &error);
        if (certificates.isEmpty())
            return Error::validation(u"BadCaFile"_s, m_config.caCertificateFile + u": "_s + error);
        m_client->setCaCertificates(certificates);
        m_realtime->setCaCertificates(certificates);
    }

    SyncOptions options;
    options.pageSize = qBound(1, m_config.pageSize, 1000);
    options.maxRecords = qMax(1, m_config.maxRecords);
    options.fullSyncInterval = m_config.fullSyncInterval;
    m_sync->setOptions(options);

    const Schema &schema = m_storage.schema();
    for (const QString &name : m_config.localOnlyModels()) {
        if (!schema.model(name))
            return Error::validation(u"UnknownModel"_s, u"local-only model '"_s + name
                                                            + u"': the schema has no such model"_s);
    }
    for (const SyncConfiguration::Expression &e : m_config.syncExpressions()) {
        const ModelSchema *model = schema.model(e.model);
        if (!model)
            return Error::validation(u"UnknownModel"_s, u"sync expression for '"_s + e.model
                                                            + u"': the schema has no such model"_s);
        Predicate predicate;
        if (e.predicate) {
            predicate = *e.predicate;
        } else {
            Result<Predicate> parsed = predicate::parse(e.text, *model, schema);
            if (!parsed) {
                Error error = parsed.error();
                return Error(error.domain(), error.code(),
                             u"sync expression for "_s + e.model + u": "_s + error.message());
            }
            predicate = *parsed;
        }
        if (Result<void> r = m_sync->setSyncExpression(e.model, predicate); !r)
            return r;
        m_subscriptions->setExpression(e.model, predicate);
    }
    m_mutations->setConflictHandler(m_config.conflictHandler);

    // Processors -> engine.
    connect(m_realtime, &net::RealtimeClient::connected, this, &SyncEngine::onRealtimeConnected);
    connect(m_realtime, &net::RealtimeClient::disconnected, this, &SyncEngine::onRealtimeDisconnected);
    connect(m_realtime, &net::RealtimeClient::stateChanged, this, [this](net::RealtimeClient::State state) {
        if (!m_started || state != net::RealtimeClient::State::Disconnected || m_reopenTimer->isActive())
            return;
        const std::chrono::milliseconds delay =
            m_reopenBackoff.nextDelay().value_or(sync::tuning::maxMutationRetryDelay);
        qCInfo(lcSync) << "realtime connection refused; trying again in" << delay.count() << "ms";
        m_reopenTimer->start(delay);
    });
    connect(m_realtime, &net::RealtimeClient::errorOccurred, this, [this](const Error &error) {
        reportError(SyncError{SyncError::Process::Subscribe, {}, {}, error, {}, {}});
    });
    connect(m_subscriptions, &SubscriptionProcessor::established, this, &SyncEngine::onEstablished);
    connect(m_subscriptions, &SubscriptionProcessor::changesApplied, this, &SyncEngine::changesApplied);
    connect(m_subscriptions, &SubscriptionProcessor::failed, this, &SyncEngine::reportError);

    connect(m_sync, &SyncProcessor::syncQueriesStarted, this, &SyncEngine::syncQueriesStarted);
    connect(m_sync, &SyncProcessor::modelSynced, this,
            [this](const QString &model, bool full, bool delta, int created, int updated, int deleted) {
                Q_EMIT modelSynced(model, full, delta, created, updated, deleted, m_sync->lastEvicted(model));
            });
    connect(m_sync, &SyncProcessor::changesApplied, this, &SyncEngine::changesApplied);
    connect(m_sync, &SyncProcessor::progressChanged, this, &SyncEngine::progress);
    connect(m_sync, &SyncProcessor::errorOccurred, this, [this](const QString &model, const Error &error) {
        if (!error.isTransient())
            reportError(SyncError{SyncError::Process::Sync, model, {}, error, {}, {}});
    });
    connect(m_sync, &SyncProcessor::finished, this, &SyncEngine::onRoundFinished);

    connect(m_mutations, &MutationProcessor::processed, this, &SyncEngine::outboxMutationProcessed);
    connect(m_mutations, &MutationProcessor::outboxStatus, this, &SyncEngine::outboxStatus);
    connect(m_mutations, &MutationProcessor::changesApplied, this, &SyncEngine::changesApplied);
    connect(m_mutations, &MutationProcessor::conditionalSaveFailed, this, &SyncEngine::conditionalSaveFailed);
    connect(m_mutations, &MutationProcessor::failed, this, [this](const SyncError &error) {
        Q_EMIT outboxMutationFailed(error);
        reportError(error);
    });
    connect(m_mutations, &MutationProcessor::credentialsRefused, this, &SyncEngine::reportError);
    return {};
}

void SyncEngine::start()
{
    if (m_started)
        return;
    m_started = true;
    qCInfo(lcSync).noquote() << "sync engine starting:" << m_config.endpoint.toDisplayString();

    // Owner arguments come from the ID token's claims (PROTOCOL.md 1.6).
    const net::SubscriptionAuthMode mode =
        m_config.authorizationType == SyncConfiguration::AuthorizationType::UserPools ? net::SubscriptionAuthMode::UserPools
        : m_config.authorizationType == SyncConfiguration::AuthorizationType::OpenIdConnect ? net::SubscriptionAuthMode::Oidc
        : m_config.authorizationType == SyncConfiguration::AuthorizationType::Lambda ? net::SubscriptionAuthMode::Lambda
                                                                                      : net::SubscriptionAuthMode::ApiKey;
    const QJsonObject claims = m_config.tokenProvider ? jwtClaims(m_config.tokenProvider()) : QJsonObject();
    for (const ModelSchema &model : m_storage.schema().models())
        m_subscriptions->setOwnerArgument(model.name, net::subscriptionOwnerArgument(model, mode, claims));

    if (const Result<qint64> pending = m_storage.pendingMutationCount())
        Q_EMIT outboxStatus(*pending == 0, *pending);
    m_subscriptions->hold();
    m_subscriptions->subscribe();
    m_realtime->open();
}

void SyncEngine::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_roundTimer->stop();
    m_reopenTimer->stop();
    m_mutations->pause();
    m_sync->cancel();
    m_subscriptions->unsubscribeAll();
    m_realtime->close();
    m_client->abortAll();
    setOnline(false);
    qCInfo(lcSync) << "sync engine stopped";
}

void SyncEngine::outboxChanged()
{
    if (m_started && m_online)
        m_mutations->kick();
}

void SyncEngine::setNetworkReachable(bool reachable)
{
    if (!m_started)
        return;
    qCInfo(lcSync) << "network reachability:" << (reachable ? "reachable" : "unreachable");
    if (reachable) {
        m_realtime->reconnectNow();
        return;
    }
    m_mutations->pause();
    setOnline(false);
}

void SyncEngine::onRealtimeConnected()
{
    // established() follows once every subscription has its start_ack.
    qCDebug(lcSync) << "realtime connected";
}

void SyncEngine::onRealtimeDisconnected(const Error &reason)
{
    if (!m_started)
        return;
    qCInfo(lcSync).noquote() << "realtime connection lost:" << reason.message();
    m_subscriptions->hold();
    m_subscriptions->expectRestart();
    m_mutations->pause();
    m_roundTimer->stop();
    if (m_sync->isRunning())
        m_sync->cancel();
    setOnline(false);
    if (!m_readyEmitted) {
        // Offline at start: the store is usable, changes queue (PROTOCOL.md 6.3).
        m_readyEmitted = true;
        Q_EMIT ready();
    }
}

void SyncEngine::onEstablished()
{
    if (!m_started)
        return;
    qCInfo(lcSync) << "subscriptions established";
    m_reopenBackoff.reset();
    setOnline(true);
    Q_EMIT subscriptionsEstablished();
    m_roundBackoff.reset();
    runRound();
}

void SyncEngine::runRound()
{
    if (!m_started || !m_online)
        return;
    if (m_sync->isRunning()) {
        m_roundPending = true;
        return;
    }
    m_roundTimer->stop();
    m_subscriptions->hold();
    m_sync->start();
}

void SyncEngine::onRoundFinished(const Error &error)
{
    if (!m_started)
        return;
    if (!error.isNull()) {
        if (error.code() == u"Cancelled")
            return;
        const std::chrono::milliseconds delay = m_roundBackoff.nextDelay().value_or(sync::tuning::maxMutationRetryDelay);
        qCWarning(lcSync).noquote() << "sync round failed:" << error.message() << "- retrying in" << delay.count() << "ms";
        if (!error.isTransient())
            reportError(SyncError{SyncError::Process::Sync, {}, {}, error, {}, {}});
        m_roundTimer->start(delay);
        return;
    }
    m_roundBackoff.reset();
    qint64 lastSync = 0;
    for (const ModelSchema &model : m_storage.schema().models()) {
        if (const Result<SyncMetadata> meta = m_storage.syncMetadata(model.name); meta && meta->lastSync)
            lastSync = qMax(lastSync, *meta->lastSync);
    }
    Q_EMIT syncQueriesReady(lastSync);
    m_mutations->start();
    m_subscriptions->release();
    if (!m_readyEmitted) {
        m_readyEmitted = true;
        Q_EMIT ready();
    }
    if (m_roundPending) {
        m_roundPending = false;
        runRound();
        return;
    }
    // The next full sync when it is due (PROTOCOL.md 6.4).
    const qint64 interval = qint64(m_config.fullSyncInterval.count());
    if (interval > 0)
        m_roundTimer->start(std::chrono::milliseconds(qMin<qint64>(interval, std::numeric_limits<int>::max())));
}

void SyncEngine::setOnline(bool online)
{
    if (m_online == online && m_statusReported)
        return;
    m_statusReported = true;   // the first status is reported even when offline
    m_online = online;
    Q_EMIT networkStatus(online);
}

void SyncEngine::reportError(const SyncError &error)
{
    if (m_config.errorHandler)
        m_config.errorHandler(error);
    else
        qCWarning(lcSync).noquote() << "sync error:" << error.model << error.operation << error.error.message();
    Q_EMIT syncErrorOccurred(error);
}

} // namespace ds
