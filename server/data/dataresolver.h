// The GraphQL resolvers of every model (names from ModelSchema): getX,
// listXs, syncXs, index queries (commentsByPostID), createX, updateX,
// deleteX, over one ServerStore.
//
//   mutation: begin write -> read the stored item -> condition (section 4)
//             -> version check -> conflict policy (section 3) -> write row +
//             delta row -> announce (other instances) -> commit -> publish a
//             ServerChange to the ChangeFeed
//   sync:     lastSync null/0/older than the delta TTL -> base (model table,
//             tombstones included), else delta (the delta log); keyset pages,
//             signed nextToken (synctoken_p.h), startedAt fixed at page 1
//
// @auth: execute()'s context may hold a Caller (auth.h); the resolvers then
// enforce the model's rules for it (owner rows filtered in SQL). Without one
// (in-process callers) nothing is checked.
//
// Threading: DataConfig is immutable and shared by every worker; a
// DataResolver belongs to one worker thread, with that thread's store.
#pragma once

#include "data/auth.h"
#include "data/clock.h"
#include "data/conflict.h"
#include "data/serverstore.h"
#include "data/synctoken_p.h"
#include "graphql/engine.h"

#include <QHash>

#include <chrono>
#include <memory>

namespace ds::server {
class ChangeFeed;
}

namespace ds::server::data {

struct RootOperation
{
    enum class Kind { Get, List, Sync, IndexQuery, Create, Update, Delete };
    Kind kind = Kind::Get;
    const ModelSchema *model = nullptr;
    const IndexSchema *index = nullptr;   // IndexQuery
};

// An answer of POST /admin/explain: the HTTP status and the JSON body.
struct ExplainAnswer
{
    int status = 200;
    QJsonObject body;
};

struct DataConfig
{
    std::shared_ptr<const Schema> schema;
    std::shared_ptr<const Clock> clock;
    std::chrono::milliseconds deltaTtl{0};
    std::chrono::milliseconds tombstoneTtl{0};
    ConflictConfig conflict;
    ChangeFeed *changeFeed = nullptr;    // may be null
    QByteArray tokenKey;
    QHash<QString, RootOperation> operations;   // by root field name

    // Fills `operations` from the schema.
    void indexOperations();
};

class DataResolver final : public graphql::Resolver
{
public:
    DataResolver(std::shared_ptr<const DataConfig> config, ServerStore &store);
    ~DataResolver() override;

    graphql::FieldResult resolve(const graphql::FieldRequest &request) override;

    // POST /admin/explain (adminendpoint.h): how a sync of request["model"]
    // with request["filter"] (AppSync filter JSON) or request["predicate"]
    // (text syntax, docs/predicates.md) would read: the store's ScanPlan,
    // the SQL of the first and of a later page and the engine's own plan of
    // each ("agrees": the engine reads as planned). With a recent
    // request["lastSync"], the delta-log read instead. As the system: no
    // owner rows are added. Bad input: status 400 and an AppSync error body.
    ExplainAnswer explain(const QJsonObject &request);

private:
    using FieldResult = graphql::FieldResult;
    struct Embedder;

    FieldResult get(const graphql::FieldRequest &request, const RootOperation &op);
    FieldResult list(const graphql::FieldRequest &request, const RootOperation &op);
    FieldResult sync(const graphql::FieldRequest &request, const RootOperation &op);
    FieldResult create(const graphql::FieldRequest &request, const RootOperation &op);
    FieldResult update(const graphql::FieldRequest &request, const RootOperation &op, bool isDelete);

    // Writes `item` (its metadata already set), commits, publishes.
    FieldResult commitWrite(const graphql::FieldRequest &request, const ModelSchema &model,
                            QJsonObject item, int operation);
    QJsonObject withRelations(const ModelSchema &model, QJsonObject item,
                              QHash<QString, QJsonValue> *cache);
    FieldResult storageFailure(const Error &error);
    // @auth (auth.h) of the caller for one operation; an Unauthorized error
    // when denied. ownerFilter: the owner constraints as a predicate.
    AccessDecision access(const ModelSchema &model, QStringView operation) const;
    FieldResult unauthorized(const graphql::FieldRequest &request, const RootOperation &op) const;
    Result<Predicate> ownerFilter(const ModelSchema &model, const AccessDecision &decision) const;

    std::shared_ptr<const DataConfig> m_config;
    ServerStore &m_store;
    SyncTokenCodec m_tokens;
    std::unique_ptr<JsConflictResolver> m_js;
    const Caller *m_caller = nullptr;   // of the request being resolved
};

} // namespace ds::server::data
