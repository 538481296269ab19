#include "data/adminendpoint.h"

#include "data/logging_p.h"
#include "http/constanttime.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

bool anyEqual(const QByteArray &key, const QList<QByteArray> &accepted)
{
    bool match = false;
    for (const QByteArray &a : accepted)
        match = equalConstantTime(key, a) || match;
    return match;
}

} // namespace

AdminEndpoint::AdminEndpoint(DataService *service, QStringList adminKeys, QStringList apiKeys,
                             const AuthService *auth)
    : m_service(service), m_auth(auth)
{
    for (const QString &key : adminKeys)
        m_adminKeys.append(key.toUtf8());
    for (const QString &key : apiKeys)
        m_apiKeys.append(key.toUtf8());
}

int AdminEndpoint::authorize(const HttpRequest &request, QString *why) const
{
    if (request.headers.contains("x-api-key")) {
        const QByteArray key = request.headers.value("x-api-key");
        if (anyEqual(key, m_adminKeys))
            return 0;
        if (anyEqual(key, m_apiKeys)) {
            *why = m_adminKeys.isEmpty()
                ? u"This API key is not an admin key, and the server has none (start it with --admin-key KEY)"_s
                : u"This API key is not an admin key"_s;
            return 403;
        }
        *why = u"You are not authorized to make this call: invalid API key"_s;
        return 401;
    }
    const QByteArray authorization = request.headers.value("authorization");
    if (!authorization.isEmpty()) {
        if (!m_auth) {
            *why = u"You are not authorized to make this call: Authorization (JWT) is not supported here"_s;
            return 401;
        }
        QString reason;
        const std::optional<Caller> user = m_auth->authenticate(authorization, &reason);
        if (!user) {
            *why = u"You are not authorized to make this call: "_s % reason;
            return 401;
        }
        if (!user->admin) {
            *why = u"User '"_s % user->username % u"' is not an admin (a member of --admin-group)"_s;
            return 403;
        }
        return 0;
    }
    *why = u"You are not authorized to make this call: missing x-api-key (an --admin-key)"_s;
    return 401;
}

void AdminEndpoint::handle(const HttpRequest &request, HttpResponder responder)
{
    QString why;
    if (const int status = authorize(request, &why); status != 0) {
        qCInfo(lcServerData).noquote() << "admin request refused:" << status << why;
        responder.respondError(status, status == 401 ? u"UnauthorizedException"_s : u"AccessDeniedException"_s, why);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        responder.respondError(
            400, u"BadRequestException"_s,
            parseError.error != QJsonParseError::NoError
                ? u"Invalid JSON in the request body at offset %1: %2"_s.arg(parseError.offset).arg(parseError.errorString())
                : u"The request body must be a JSON object {\"model\", \"filter\" or \"predicate\"}"_s);
        return;
    }
    auto status = std::make_shared<std::atomic<int>>(500);
    m_service->execute(
        [status, body = document.object()](DataResolver &resolver) {
            ExplainAnswer answer = resolver.explain(body);
            status->store(answer.status);
            return QJsonDocument(answer.body).toJson(QJsonDocument::Compact);
        },
        [responder, status](QByteArray answer) mutable {
            responder.respond(HttpResponse(status->load(), std::move(answer), "application/json"));
        });
}

} // namespace ds::server::data
