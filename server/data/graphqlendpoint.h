// POST /graphql: authorization, the request body, then the GraphQL engine
// on a DataService worker; the answer goes back through the HttpResponder.
//
//   auth      x-api-key must be one of --api-key (constant-time compare); with
//             no key configured every request is refused (401), so a server
//             never runs open by accident. Authorization: <JWT> (or Bearer
//             <JWT>) -> the signed-in user (AuthService) when one is given;
//             the resolvers then enforce @auth for that caller.
//             401 body: {"errors":[{"errorType":"UnauthorizedException","message":...}]}
//   body      {"query", "variables", "operationName"}; malformed JSON or a
//             missing query -> HTTP 200 with a GraphQL error
//             (errorType MalformedHttpRequestException)
//   answer    HTTP 200 with the engine's response, always.
//
// Threading: handle() runs on the HTTP server's thread and returns at once.
#pragma once

#include "data/authservice.h"
#include "data/dataservice.h"
#include "graphql/engine.h"
#include "http/httphandler.h"

#include <QStringList>

#include <memory>

namespace ds::server::data {

class GraphQLEndpoint final : public HttpHandler
{
public:
    GraphQLEndpoint(std::shared_ptr<const graphql::Engine> engine, DataService *service, QStringList apiKeys,
                    const AuthService *auth = nullptr);

    void handle(const HttpRequest &request, HttpResponder responder) override;

    // A request body read: the query, or the error answer (HTTP 200 GraphQL
    // error body) when the body is not a GraphQL request.
    struct Body
    {
        QByteArray query;
        QString operationName;
        QJsonObject variables;
        QByteArray errorAnswer;   // non-empty: answer this instead
    };
    static Body readBody(const QByteArray &body);
    // What handle() answers an authorized caller, synchronously on the
    // calling thread: readBody() + Engine::execute() over resolver. For
    // in-process tests and the request fuzzer.
    static QByteArray answer(const graphql::Engine &engine, graphql::Resolver &resolver, const QByteArray &body,
                             const Caller &caller);

private:
    // An empty string when authorized (and *caller set), else the 401 message.
    QString authorize(const HttpRequest &request, Caller *caller) const;

    std::shared_ptr<const graphql::Engine> m_engine;
    DataService *m_service;
    QList<QByteArray> m_apiKeys;
    const AuthService *m_auth = nullptr;
};

} // namespace ds::server::data
