// POST /admin/explain: how the server would read a sync of one model with
// one filter (DataResolver::explain), for the admin UI and for people.
//
//   request   {"model":"User","filter":{...AppSync filter JSON...}}
//             or {"model":"User","predicate":"lastName == \"Doe\" and createdAt > \"2020-10-10\""}
//             optional "lastSync" (ms): a recent one explains the delta-log read
//   answer    200 {"plan":"index","index":"byLastName","fields":[...],"fixed":[...],
//                  "range":"createdAt","order":[...],"reason":"...","sql":"...",
//                  "bindings":[...],"databasePlan":[...],"databaseIndex":"byLastName",
//                  "sorts":false,"nextPage":{...},"agrees":true,...}
//             or {"plan":"scan",...}
//   errors    AppSync shape {"errors":[{"errorType","message"}]}: 401
//             UnauthorizedException (no or unknown credentials), 403
//             AccessDeniedException (a valid API key or user that is not an
//             admin), 400 BadRequestException (body, model, filter: what and
//             where), 501 NotImplemented (a store that cannot explain).
//
// Admins: an x-api-key that is one of --admin-key, or a signed-in user of
// --admin-group (Authorization: JWT). --api-key keys are not admin keys:
// they ship inside every app. With neither configured, every request is 403.
//
// Threading: handle() runs on the HTTP server's thread and returns at once;
// the explanation runs on a DataService worker (its own SQLite connection).
#pragma once

#include "data/authservice.h"
#include "data/dataservice.h"
#include "http/httphandler.h"

#include <QStringList>

namespace ds::server::data {

class AdminEndpoint final : public HttpHandler
{
public:
    AdminEndpoint(DataService *service, QStringList adminKeys, QStringList apiKeys,
                  const AuthService *auth = nullptr);

    void handle(const HttpRequest &request, HttpResponder responder) override;

    // The path of the explain route.
    static QString explainPath() { return QStringLiteral("/admin/explain"); }

private:
    // 0 when the request is an admin's; else the HTTP status (401, 403) and *why.
    int authorize(const HttpRequest &request, QString *why) const;

    DataService *m_service;
    QList<QByteArray> m_adminKeys;
    QList<QByteArray> m_apiKeys;
    const AuthService *m_auth = nullptr;
};

} // namespace ds::server::data
