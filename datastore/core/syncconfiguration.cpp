#include <datastore/syncconfiguration.h>

#include "common/logging_p.h"
#include "net/configuration.h"

using namespace Qt::StringLiterals;

namespace ds {

namespace {

Result<SyncConfiguration> fromNet(const Result<net::Configuration> &parsed)
{
    if (!parsed)
        return parsed.error();
    SyncConfiguration config;
    const net::ApiConfiguration &api = parsed->api();
    config.endpoint = api.endpoint;
    if (parsed->hasExplicitRealtimeEndpoint())
        config.realtimeEndpoint = parsed->realtimeEndpoint();
    switch (api.authorizationType) {
    case net::AuthorizationType::ApiKey:
        config.authorizationType = SyncConfiguration::AuthorizationType::ApiKey;
        break;
    case net::AuthorizationType::AmazonCognitoUserPools:
        config.authorizationType = SyncConfiguration::AuthorizationType::UserPools;
        break;
    case net::AuthorizationType::OpenIdConnect:
        config.authorizationType = SyncConfiguration::AuthorizationType::OpenIdConnect;
        break;
    case net::AuthorizationType::AwsLambda:
        config.authorizationType = SyncConfiguration::AuthorizationType::Lambda;
        break;
    }
    config.apiKey = api.apiKey;
    config.pageSize = parsed->sync().syncPageSize;
    config.maxRecords = parsed->sync().syncMaxRecords;
    config.fullSyncInterval = std::chrono::minutes(parsed->sync().syncIntervalInMinutes);
    return config;
}

} // namespace

Result<SyncConfiguration> SyncConfiguration::fromFile(const QString &path)
{
    return fromNet(net::Configuration::fromFile(path));
}

Result<SyncConfiguration> SyncConfiguration::fromJson(const QByteArray &json, const QString &sourceName)
{
    return fromNet(net::Configuration::fromJson(json, sourceName));
}

bool SyncConfiguration::addSyncExpression(const QString &model, const Predicate &predicate)
{
    for (const Expression &e : std::as_const(m_expressions)) {
        if (e.model == model) {
            qCWarning(lcSync).noquote() << QString(model + u": a second sync expression is ignored (one per model)"_s);
            return false;
        }
    }
    m_expressions.append(Expression{model, predicate, {}});
    return true;
}

bool SyncConfiguration::addSyncExpression(const QString &model, const QString &text)
{
    for (const Expression &e : std::as_const(m_expressions)) {
        if (e.model == model) {
            qCWarning(lcSync).noquote() << QString(model + u": a second sync expression is ignored (one per model)"_s);
            return false;
        }
    }
    m_expressions.append(Expression{model, std::nullopt, text});
    return true;
}

void SyncConfiguration::setSyncExpression(const QString &model, const Predicate &predicate)
{
    removeSyncExpression(model);
    m_expressions.append(Expression{model, predicate, {}});
}

void SyncConfiguration::setSyncExpression(const QString &model, const QString &text)
{
    removeSyncExpression(model);
    m_expressions.append(Expression{model, std::nullopt, text});
}

void SyncConfiguration::setLocalOnly(const QString &model, bool localOnly)
{
    if (localOnly)
        m_localOnly.insert(model);
    else
        m_localOnly.remove(model);
}

void SyncConfiguration::removeSyncExpression(const QString &model)
{
    m_expressions.removeIf([&model](const Expression &e) { return e.model == model; });
}

} // namespace ds
