// The GraphQL documents and variables a DataStore client sends, built from a
// ModelSchema exactly as the Amplify JS client builds them (PROTOCOL.md 1.2-1.6;
// checked against captured/transcript.md by tests/net/tst_documents.cpp):
//
//   query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp,
//                   $filter: ModelPostFilterInput) {
//     syncPosts(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter) {
//       items { <selection set> } nextToken startedAt } }
//   mutation operation($input: CreatePostInput!) { createPost(input: $input) { <selection set> } }
//   mutation operation($input: UpdatePostInput!, $condition: ModelPostConditionInput) { ... }
//   query operation($id: ID!) { getPost(id: $id) { <selection set> } }
//   subscription operation[($filter: ModelSubscriptionPostFilterInput, $owner: String!)] {
//     onCreatePost[(filter: $filter, owner: $owner)] { <selection set> } }
//
// Filters and conditions arrive here already converted to AppSync filter JSON
// (predicate/appsync.h does that; net/ does not depend on predicate/).
//
// Threading: free functions over immutable values; safe from any thread.
#pragma once

#include "graphql/ast.h"

#include <datastore/modelschema.h>

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <vector>

namespace ds::net {

// One GraphQL request: the body {"query","variables"} of an HTTP POST or the
// data string of a realtime start message.
struct GraphQLRequest
{
    QString query;             // the document, printed
    QJsonObject variables;     // exactly the keys the JS client sends
    QString rootField;         // the field whose value the response carries: "syncPosts"

    // {"query": ..., "variables": ...}
    QJsonObject toJson() const;
    QByteArray toJsonBytes() const;   // compact
};

enum class MutationType { Create, Update, Delete };
enum class SubscriptionType { OnCreate, OnUpdate, OnDelete };

// The selection set of PROTOCOL 1.2, in the JS client's order: scalar and enum
// fields in schema order (id, FKs, createdAt/updatedAt), the implicit owner
// field, non-model fields with their nested selections, then
// `_version _lastChangedAt _deleted`, then `belongsToField { <key> _deleted }`.
graphql::List<graphql::Selection> modelSelectionSet(const Schema &schema, const ModelSchema &model);

// ---- sync query (1.3) -------------------------------------------------------

struct SyncQueryArguments
{
    int limit = 1000;
    QString nextToken;          // null when empty (first page)
    qint64 lastSync = 0;        // 0: base sync (JS sends 0, not null)
    QJsonValue filter = QJsonValue::Null;   // AppSync filter JSON or null
};

graphql::Document syncQueryDocument(const Schema &schema, const ModelSchema &model);
// Variables are always {"limit","nextToken","lastSync","filter"}, as JS sends them.
GraphQLRequest syncQuery(const Schema &schema, const ModelSchema &model, const SyncQueryArguments &args);

// ---- mutations (1.4) ----------------------------------------------------------

graphql::Document mutationDocument(const Schema &schema, const ModelSchema &model, MutationType type);
// Create sends {"input"} only (no condition variable at all); update and delete
// always send "condition", null when there is none.
GraphQLRequest mutation(const Schema &schema, const ModelSchema &model, MutationType type,
                        const QJsonObject &input, const QJsonValue &condition = QJsonValue::Null);

// Input helpers, as JS MutationProcessor.createQueryVariables builds them.
// create: every field of record that is sent over the wire (no read-only
// fields, no relation objects, no metadata), the owner field dropped when null.
QJsonObject createInput(const ModelSchema &model, const QJsonObject &record);
// update: the changed fields plus the primary key and _version.
QJsonObject updateInput(const ModelSchema &model, const QJsonObject &key,
                        const QJsonObject &changedFields, std::optional<int> version);
// delete: the primary key and _version.
QJsonObject deleteInput(const ModelSchema &model, const QJsonObject &key, std::optional<int> version);

// ---- get query (1.5) -------------------------------------------------------------

graphql::Document getQueryDocument(const Schema &schema, const ModelSchema &model);
GraphQLRequest getQuery(const Schema &schema, const ModelSchema &model, const QString &id);

// ---- subscriptions (1.6) ---------------------------------------------------------

// The $owner argument of an owner-protected subscription: argument name (the
// rule's ownerField) and value (the identity claim from the ID token).
struct OwnerArgument
{
    QString field;
    QString value;
    friend bool operator==(const OwnerArgument &, const OwnerArgument &) = default;
};

// The auth modes a subscription can run under (the provider of an owner rule).
enum class SubscriptionAuthMode { ApiKey, UserPools, Oidc, Iam, Lambda };

// Whether and how the subscriptions of model need $owner (PROTOCOL 1.6): only
// for userPools/oidc, an owner rule of that provider that includes read, a
// single-valued owner field, and a user in none of the model's static groups.
// claims: the ID token's payload. identityClaim "sub::username" gives
// "<sub>::<cognito:username>", the transformer's stored owner form.
std::optional<OwnerArgument> subscriptionOwnerArgument(const ModelSchema &model, SubscriptionAuthMode mode,
                                                       const QJsonObject &claims);

struct SubscriptionArguments
{
    QJsonObject filter;                 // empty: no sync expression, no $filter
    std::optional<OwnerArgument> owner;
};

graphql::Document subscriptionDocument(const Schema &schema, const ModelSchema &model,
                                       SubscriptionType type, const SubscriptionArguments &args = {});
// Variables hold "filter" and/or the owner field, or are {} with neither.
GraphQLRequest subscription(const Schema &schema, const ModelSchema &model, SubscriptionType type,
                            const SubscriptionArguments &args = {});

// ---- realtime messages (5.3) -----------------------------------------------------

// {"id","type":"start","payload":{"data":"<compact JSON {query,variables}>",
//  "extensions":{"authorization":{...}}}}
QJsonObject startMessage(const QString &id, const GraphQLRequest &subscription,
                         const QJsonObject &authorization);
QJsonObject stopMessage(const QString &id);
QJsonObject connectionInitMessage();

// The operation name of a model for type: createPost, onDeletePost...
QString operationName(const ModelSchema &model, MutationType type);
QString operationName(const ModelSchema &model, SubscriptionType type);

} // namespace ds::net
