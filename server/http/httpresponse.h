// An HTTP response as a value: status, header fields and body.
#pragma once

#include "http/httprequest.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ds::server {

struct HttpResponse
{
    int status = 200;
    HttpHeaders headers;  // Content-Length, Connection and Date are added on the wire
    QByteArray body;

    HttpResponse() = default;
    HttpResponse(int status, QByteArray body, QByteArrayView contentType);

    // Compact JSON (clients match substrings such as "errorType":"Unauthorized").
    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse json(int status, const QJsonDocument &document);
    // {"errors":[{"errorType":errorType,"message":message}]}, the AppSync error shape.
    static HttpResponse error(int status, const QString &errorType, const QString &message);
};

} // namespace ds::server
