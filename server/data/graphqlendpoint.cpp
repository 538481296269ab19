#include "data/graphqlendpoint.h"
#include "http/constanttime.h"

#include "data/logging_p.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

HttpResponse graphqlError(const QString &errorType, const QString &message)
{
    return HttpResponse::json(200, QJsonObject{{u"errors"_s, QJsonArray{QJsonObject{
                                                   {u"message"_s, message}, {u"errorType"_s, errorType}}}}});
}

} // namespace

GraphQLEndpoint::GraphQLEndpoint(std::shared_ptr<const graphql::Engine> engine, DataService *service,
                                 QStringList apiKeys, const AuthService *auth)
    : m_engine(std::move(engine)), m_service(service), m_auth(auth)
{
    for (const QString &key : apiKeys)
        m_apiKeys.append(key.toUtf8());
}

QString GraphQLEndpoint::authorize(const HttpRequest &request, Caller *caller) const
{
    *caller = Caller::apiKey();
    if (request.headers.contains("x-api-key")) {
        const QByteArray key = request.headers.value("x-api-key");
        bool match = false;
        for (const QByteArray &accepted : m_apiKeys)
            match = equalConstantTime(key, accepted) || match;
        if (match)
            return {};
        return m_apiKeys.isEmpty()
            ? u"This server accepts no API key (start it with --api-key KEY)"_s
            : u"You are not authorized to make this call: invalid API key"_s;
    }
    if (m_auth && !request.headers.value("authorization").isEmpty()) {
        QString why;
        std::optional<Caller> user = m_auth->authenticate(request.headers.value("authorization"), &why);
        if (!user)
            return u"You are not authorized to make this call: "_s % why;
        *caller = std::move(*user);
        return {};
    }
    if (!request.headers.value("authorization").isEmpty())
        return u"You are not authorized to make this call: Authorization (JWT) is not supported yet; use x-api-key"_s;
    return u"You are not authorized to make this call: missing x-api-key"_s;
}

void GraphQLEndpoint::handle(const HttpRequest &request, HttpResponder responder)
{
    Caller caller;
    if (const QString denied = authorize(request, &caller); !denied.isEmpty()) {
        responder.respondError(401, u"UnauthorizedException"_s, denied);
        return;
    }
    Body parsed = readBody(request.body);
    if (!parsed.errorAnswer.isEmpty()) {
        responder.respond(HttpResponse(200, std::move(parsed.errorAnswer), "application/json"));
        return;
    }
    std::shared_ptr<const graphql::Engine> engine = m_engine;
    m_service->execute(
        [engine, parsed = std::move(parsed), context = std::any(std::move(caller))](DataResolver &resolver) {
            return engine->execute(parsed.query, parsed.operationName, parsed.variables, resolver, context);
        },
        [responder](QByteArray answer) mutable {
            responder.respond(HttpResponse(200, std::move(answer), "application/json"));
        });
}

GraphQLEndpoint::Body GraphQLEndpoint::readBody(const QByteArray &body)
{
    Body out;
    auto fail = [&out](const QString &message) {
        out.errorAnswer = graphqlError(u"MalformedHttpRequestException"_s, message).body;
        return out;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return fail(parseError.error != QJsonParseError::NoError
                        ? u"Invalid JSON in the request body at offset %1: %2"_s.arg(parseError.offset).arg(parseError.errorString())
                        : u"The request body must be a JSON object {\"query\", \"variables\", \"operationName\"}"_s);
    }
    const QJsonObject object = document.object();
    const QJsonValue query = object.value(u"query"_s);
    if (!query.isString() || query.toString().trimmed().isEmpty())
        return fail(u"The request body has no \"query\" string"_s);
    QJsonValue variables = object.value(u"variables"_s);
    if (variables.isString())   // some clients send the variables as JSON text
        variables = QJsonDocument::fromJson(variables.toString().toUtf8()).object();
    if (!variables.isObject() && !variables.isNull() && !variables.isUndefined())
        return fail(u"\"variables\" must be an object"_s);
    const QJsonValue operationName = object.value(u"operationName"_s);
    if (!operationName.isString() && !operationName.isNull() && !operationName.isUndefined())
        return fail(u"\"operationName\" must be a string"_s);
    out.query = query.toString().toUtf8();
    out.operationName = operationName.toString();
    out.variables = variables.toObject();
    return out;
}

QByteArray GraphQLEndpoint::answer(const graphql::Engine &engine, graphql::Resolver &resolver, const QByteArray &body,
                                   const Caller &caller)
{
    Body parsed = readBody(body);
    if (!parsed.errorAnswer.isEmpty())
        return parsed.errorAnswer;
    return engine.execute(parsed.query, parsed.operationName, parsed.variables, resolver, std::any(caller));
}

} // namespace ds::server::data
