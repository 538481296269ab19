// The client's cloud configuration, read from Amplify's amplifyconfiguration.json
// (PROTOCOL.md 9):
//
//   { "api": { "plugins": { "awsAPIPlugin": { "<name>": {
//         "endpointType": "GraphQL", "endpoint": "https://.../graphql", "region": "us-east-1",
//         "authorizationType": "API_KEY", "apiKey": "da2-..." } } } },
//     "dataStore": { "plugins": { "awsDataStorePlugin": {
//         "syncIntervalInMinutes": 1440, "syncMaxRecords": 10000, "syncPageSize": 1000 } } } }
//
// Errors name the file and the JSON path: "amplifyconfiguration.json:
// api.plugins.awsAPIPlugin.myApi.endpoint: expected an http:// or https:// URL".
//
// Threading: plain values; safe to copy between threads.
#pragma once

#include <datastore/result.h>

#include <QString>
#include <QUrl>

namespace ds::net {

enum class AuthorizationType { ApiKey, AmazonCognitoUserPools, OpenIdConnect, AwsLambda };

// "API_KEY" <-> AuthorizationType::ApiKey ...
QString authorizationTypeName(AuthorizationType type);

// Realtime URL for a GraphQL endpoint (PROTOCOL 5.1): an AppSync domain
// (<26 chars>.appsync-api.<region>.amazonaws.com/graphql) becomes
// wss://<id>.appsync-realtime-api.<region>.amazonaws.com/graphql; any other
// ("custom") domain gets "/realtime" appended to its path. http -> ws,
// https -> wss. An invalid URL for an invalid endpoint.
QUrl realtimeEndpointFor(const QUrl &graphqlEndpoint);
bool isAppSyncDomain(const QUrl &graphqlEndpoint);

struct ApiConfiguration
{
    QString name;                  // the key under awsAPIPlugin
    QUrl endpoint;                 // https://.../graphql
    QString region;                // may be empty for our own server
    AuthorizationType authorizationType = AuthorizationType::ApiKey;
    QString apiKey;                // API_KEY only
};

// DataStore plugin settings, with the Amplify defaults (PROTOCOL 6.1).
struct SyncSettings
{
    int syncIntervalInMinutes = 1440;   // base (full) sync interval
    int syncMaxRecords = 10000;         // per model per sync
    int syncPageSize = 1000;            // limit of one sync page
};

class Configuration
{
public:
    // Parses amplifyconfiguration.json text; sourceName prefixes error messages.
    static Result<Configuration> fromJson(const QByteArray &json,
                                          const QString &sourceName = QStringLiteral("amplifyconfiguration.json"));
    static Result<Configuration> fromFile(const QString &path);

    const ApiConfiguration &api() const { return m_api; }
    void setApi(const ApiConfiguration &api) { m_api = api; }
    const SyncSettings &sync() const { return m_sync; }
    void setSync(const SyncSettings &sync) { m_sync = sync; }

    // The realtime URL: the explicit one when set, else derived from the endpoint.
    QUrl realtimeEndpoint() const;
    void setRealtimeEndpoint(const QUrl &url) { m_realtimeEndpoint = url; }
    bool hasExplicitRealtimeEndpoint() const { return m_realtimeEndpoint.isValid(); }

private:
    ApiConfiguration m_api;
    SyncSettings m_sync;
    QUrl m_realtimeEndpoint;
};

} // namespace ds::net
