// Test helper (not a test class): the request path of POST /graphql in
// process, as datastore-server wires it (main.cpp, DataService): the app's
// schema (models/schema.graphql, inlined), its AppSync API schema and
// engine, a SqliteStore on a temporary file and a DataResolver; answer()
// is GraphQLEndpoint::answer(), what the endpoint answers an authorized
// caller. Used by tst_server_requests (mutation fuzzing in CTest) and
// fuzz_server_request (libFuzzer).
#pragma once

#include "data/dataresolver.h"
#include "data/graphqlendpoint.h"
#include "data/sqlitestore.h"
#include "data/tuning_p.h"
#include "graphql/engine.h"
#include "schema/apischema.h"

#include <datastore/modelschema.h>

#include <QTemporaryDir>

#include <memory>

namespace dstest {

inline const char kAppSchema[] = R"(
enum PostStatus { DRAFT PUBLISHED ARCHIVED }
type Post @model @auth(rules: [{ allow: public }, { allow: private }]) {
  id: ID!
  title: String!
  content: String
  rating: Int
  status: PostStatus
  tags: [String]
  comments: [Comment] @hasMany(indexName: "byPost", fields: ["id"])
}
type Comment @model @auth(rules: [{ allow: public }, { allow: private }]) {
  id: ID!
  postID: ID! @index(name: "byPost", queryField: "commentsByPostID")
  post: Post @belongsTo(fields: ["postID"])
  content: String!
}
type User @model @auth(rules: [{ allow: public }, { allow: private }]) {
  id: ID!
  firstName: String!
  lastName: String! @index(name: "byLastName", sortKeyFields: ["createdAt"], queryField: "usersByLastName")
  createdAt: AWSDateTime!
}
type Note @model @auth(rules: [{ allow: owner }]) {
  id: ID!
  title: String!
  body: String
  pinned: Boolean
  color: String
  owner: String
}
)";

class RequestHarness
{
public:
    // An empty string when ready, else what went wrong.
    QString open()
    {
        using namespace ds::server;
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        ds::SourceError schemaError;
        std::optional<ds::Schema> schema = ds::Schema::fromGraphQL(kAppSchema, QStringLiteral("schema.graphql"), &schemaError);
        if (!schema)
            return schemaError.toString();
        QString apiError;
        auto api = graphql::ExecutableSchema::build(ds::buildApiSchema(*schema), &apiError);
        if (!api)
            return QStringLiteral("API schema: ") + apiError;
        m_engine = std::make_shared<const graphql::Engine>(api);
        if (ds::Result<void> r = m_store.open(m_dir.filePath(QStringLiteral("requests.sqlite"))); !r)
            return r.error().message();
        if (ds::Result<void> r = m_store.prepareSchema(*schema); !r)
            return r.error().message();
        const ds::Result<QByteArray> key = m_store.tokenSecret();
        if (!key)
            return key.error().message();
        auto config = std::make_shared<data::DataConfig>();
        config->schema = std::make_shared<const ds::Schema>(std::move(*schema));
        config->clock = std::make_shared<data::SystemClock>();
        config->deltaTtl = data::tuning::kDefaultDeltaTtl;
        config->tombstoneTtl = data::tuning::kDefaultTombstoneTtl;
        config->tokenKey = *key;
        config->indexOperations();
        m_resolver = std::make_unique<data::DataResolver>(config, m_store);
        return {};
    }

    // What POST /graphql answers this body (an API-key caller by default).
    QByteArray answer(const QByteArray &body,
                      const ds::server::data::Caller &caller = ds::server::data::Caller::apiKey())
    {
        return ds::server::data::GraphQLEndpoint::answer(*m_engine, *m_resolver, body, caller);
    }

    ds::server::data::DataResolver &resolver() { return *m_resolver; }

private:
    QTemporaryDir m_dir;
    ds::server::data::SqliteStore m_store;
    std::shared_ptr<const ds::server::graphql::Engine> m_engine;
    std::unique_ptr<ds::server::data::DataResolver> m_resolver;
};

} // namespace dstest
