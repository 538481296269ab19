#include "http/httpresponse.h"

#include "http/httpconnection_p.h"
#include "http/logging_p.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace ds::server {

HttpResponse::HttpResponse(int status, QByteArray body, QByteArrayView contentType)
    : status(status), body(std::move(body))
{
    if (!contentType.isEmpty())
        headers.set("content-type", contentType);
}

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    return json(status, QJsonDocument(object));
}

HttpResponse HttpResponse::json(int status, const QJsonDocument &document)
{
    return HttpResponse(status, document.toJson(QJsonDocument::Compact), "application/json");
}

HttpResponse HttpResponse::error(int status, const QString &errorType, const QString &message)
{
    const QJsonObject error{{u"errorType"_s, errorType}, {u"message"_s, message}};
    return json(status, QJsonObject{{u"errors"_s, QJsonArray{error}}});
}

HttpResponder::HttpResponder(std::shared_ptr<detail::ResponderState> state) : d(std::move(state)) {}

void HttpResponder::respond(HttpResponse response)
{
    if (!d) {
        qCWarning(lcServerHttp) << "respond() on an empty HttpResponder";
        return;
    }
    if (d->done) {
        qCWarning(lcServerHttp) << "request answered twice; the second answer is dropped";
        return;
    }
    d->done = true;
    if (HttpConnection *connection = d->connection.data())
        connection->sendResponse(d->serial, std::move(response));
}

void HttpResponder::respond(int status, const QJsonObject &json)
{
    respond(HttpResponse::json(status, json));
}

void HttpResponder::respondError(int status, const QString &errorType, const QString &message)
{
    respond(HttpResponse::error(status, errorType, message));
}

bool HttpResponder::isPending() const
{
    return d && !d->done;
}

bool HttpResponder::isConnected() const
{
    return d && d->connection && d->connection->isConnected();
}

detail::ResponderState::~ResponderState()
{
    if (done || !connection)
        return;
    qCWarning(lcServerHttp) << "a handler dropped its request without answering";
    connection->sendResponse(serial, HttpResponse::error(500, u"InternalFailure"_s,
                                                         u"The request was not answered"_s));
}

} // namespace ds::server
