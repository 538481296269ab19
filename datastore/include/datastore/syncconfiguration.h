// ds::SyncConfiguration: how a DataStore syncs with an AppSync-compatible
// cloud (AWS AppSync or datastore-server). Without an endpoint the store
// stays local-only.
//
//   auto config = ds::SyncConfiguration::fromFile(u"amplifyconfiguration.json"_s);
//   config->addSyncExpression(u"Post"_s, Post::RATING.gt(5));
//   config->conflictHandler = [](const ds::ConflictData &c) { return ds::ConflictResolution::retry(); };
//   store.configureSync(*config);
//   store.start();
//
// Threading: a plain value. The handlers it carries are called on the
// store's worker thread, never the GUI thread: they must be thread-safe and
// quick (no waiting on the GUI).
#pragma once

#include <datastore/error.h>
#include <datastore/global.h>
#include <datastore/predicate.h>
#include <datastore/result.h>

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QUrl>
#include <QVariantMap>

#include <chrono>
#include <functional>
#include <utility>

namespace ds {

// What the conflict handler sees when the server rejects a mutation for a
// stale _version (errorType ConflictUnhandled).
struct ConflictData
{
    enum class Operation { Create, Update, Delete };
    QString model;
    QVariantMap localModel;    // what was sent (the outbox entry's fields)
    QVariantMap remoteModel;   // the server's item, with _version/_lastChangedAt/_deleted
    Operation operation = Operation::Update;
    int attempts = 1;          // 1 for the first conflict of this mutation
};

// The conflict handler's answer.
struct ConflictResolution
{
    enum class Kind {
        Retry,     // send the local change again with the server's _version (the default)
        Discard,   // drop the local change; the server's copy is fetched and applied
        Custom,    // send `model` (the fields to write) with the server's _version
    };
    Kind kind = Kind::Retry;
    QVariantMap model;

    static ConflictResolution retry() { return {Kind::Retry, {}}; }
    static ConflictResolution discard() { return {Kind::Discard, {}}; }
    static ConflictResolution custom(QVariantMap fields) { return {Kind::Custom, std::move(fields)}; }
};

using ConflictHandler = std::function<ConflictResolution(const ConflictData &)>;

// An error the sync engine could not handle by retrying: a rejected
// mutation, an unauthorized sync query, a failed subscription.
struct SyncError
{
    enum class Process { Mutate, Sync, Subscribe };
    Process process = Process::Mutate;
    QString model;
    QString operation;         // "Create", "Update", "Delete" for mutations
    Error error;
    QVariantMap localModel;
    QVariantMap remoteModel;   // the server's item when the error carried one
};

using SyncErrorHandler = std::function<void(const SyncError &)>;

class DATASTORE_EXPORT SyncConfiguration
{
public:
    enum class AuthorizationType { ApiKey, UserPools, OpenIdConnect, Lambda };

    // Reads Amplify's amplifyconfiguration.json: the api plugin (endpoint,
    // authorizationType, apiKey) and the dataStore plugin (syncIntervalInMinutes,
    // syncMaxRecords, syncPageSize). Errors name the file and the JSON path.
    // A file without an api section gives a configuration that is not enabled.
    static Result<SyncConfiguration> fromFile(const QString &path);
    static Result<SyncConfiguration> fromJson(const QByteArray &json,
                                              const QString &sourceName = QStringLiteral("amplifyconfiguration.json"));

    // Whether there is a cloud to sync with.
    bool isEnabled() const { return endpoint.isValid() && !endpoint.isEmpty(); }

    QUrl endpoint;                  // https://host/graphql
    QUrl realtimeEndpoint;          // empty: derived from the endpoint (PROTOCOL.md 5.1)
    AuthorizationType authorizationType = AuthorizationType::ApiKey;
    QString apiKey;
    // The current JWT for UserPools/OpenIdConnect/Lambda (called on the
    // worker thread; return a cached token).
    std::function<QString()> tokenProvider;
    // Extra trusted CA certificates (PEM file) for a self-signed server;
    // verification is never turned off.
    QString caCertificateFile;

    int pageSize = 1000;
    int maxRecords = 10000;         // per model per sync round
    std::chrono::milliseconds fullSyncInterval = std::chrono::hours(24);

    ConflictHandler conflictHandler;   // empty: retry with the server's _version
    SyncErrorHandler errorHandler;     // empty: logged

    // One sync expression per model: a second one for the same model is
    // ignored with a warning (returns false), as Amplify does.
    bool addSyncExpression(const QString &model, const Predicate &predicate);
    // The text syntax of docs/predicates.md; checked against the schema at
    // start(). Predicate text "all" removes the filter.
    bool addSyncExpression(const QString &model, const QString &text);
    // Replaces the expression of a model (the admin view changing it).
    void setSyncExpression(const QString &model, const Predicate &predicate);
    void setSyncExpression(const QString &model, const QString &text);
    void removeSyncExpression(const QString &model);

    struct Expression
    {
        QString model;
        std::optional<Predicate> predicate;   // set, or...
        QString text;                         // ...parsed at start()
    };
    const QList<Expression> &syncExpressions() const { return m_expressions; }

    // A model kept on this device: no sync queries, no subscriptions, and
    // its saves and deletes queue no mutations (e.g. a model the
    // credentials may not sync, such as owner-only notes under an API key).
    // Entries queued before stay queued. Takes effect at configureSync()
    // for writes and at the next start() for sync; an unknown model name is
    // an error at start().
    void setLocalOnly(const QString &model, bool localOnly = true);
    const QSet<QString> &localOnlyModels() const { return m_localOnly; }

private:
    QList<Expression> m_expressions;
    QSet<QString> m_localOnly;
};

} // namespace ds
