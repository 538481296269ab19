// Request authorization shared by the HTTP and realtime clients (PROTOCOL.md
// 1.7, 5.2): API key -> x-api-key; user pools / OIDC / Lambda -> Authorization
// with the raw token (no "Bearer").
//
// Threading: a plain value; the token provider is called on the thread of the
// client that uses it and must return quickly (a cached token).
#pragma once

#include "net/configuration.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <functional>

namespace ds::net {

// Returns the current JWT (or Lambda token); empty when there is none.
using TokenProvider = std::function<QString()>;

struct Authorization
{
    AuthorizationType type = AuthorizationType::ApiKey;
    QString apiKey;
    TokenProvider tokenProvider;

    // The header name and value to send: {"x-api-key", key} or {"Authorization", jwt}.
    std::pair<QByteArray, QByteArray> header() const;
    // The realtime auth object: {"host","x-amz-date","x-api-key"} or {"host","Authorization"}.
    // host is the GraphQL (HTTP) host[:port], not the realtime host.
    QJsonObject realtimeObject(const QString &graphqlHost, const QDateTime &now) const;
};

// "20240506T101500Z"
QString amzDate(const QDateTime &utc);
// host[:port] of a URL as the auth object and the Host header carry it.
QString hostHeader(const QUrl &url);
// base64url, no padding.
QByteArray base64Url(const QByteArray &data);

// Reads PEM certificates (a CA bundle); an error message when there are none.
QList<QSslCertificate> loadCaCertificates(const QString &pemFile, QString *error);

} // namespace ds::net
