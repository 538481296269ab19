// GraphQL over HTTP (PROTOCOL.md 1.7): POST {"query","variables"} to the
// endpoint with the auth header, answer parsed into data + errors, and every
// failure classified into one ds::Error:
//
//   network error, timeout, HTTP 5xx/429   -> Domain::Network, transient
//   HTTP 401/403                           -> Domain::Auth, not transient
//   other HTTP errors, a body that is not GraphQL JSON -> Domain::Network, not transient
//   HTTP 200 with "errors"                 -> Domain::GraphQL (code = errorType), not
//                                             transient; data (possibly partial) kept
//
// AppSync puts errorType/data/errorInfo at the top level of each error;
// Android/Swift-style servers put them in "extensions": both are read.
// TLS: a custom CA (self-signed dev server) is added to the requests' own
// QSslConfiguration; verification is never turned off.
//
// Threading: a QObject with thread affinity; call it from its thread only.
// The futures it returns finish on that thread.
#pragma once

#include "net/auth.h"
#include "net/documents.h"

#include <datastore/error.h>

#include <QFuture>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrl>

#include <chrono>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace ds::net {

struct GraphQLError
{
    QString message;
    QString errorType;          // "ConflictUnhandled", "Unauthorized", ...; may be empty
    QJsonValue data;            // the server's item for conflicts/condition failures
    QJsonValue errorInfo;
    QJsonArray path;
    QJsonArray locations;
    QJsonObject extensions;

    static GraphQLError fromJson(const QJsonObject &object);
};

struct GraphQLResponse
{
    int httpStatus = 0;         // 0 when no HTTP response arrived
    QJsonValue data;            // the "data" member (null when absent)
    QList<GraphQLError> errors;
    Error error;                // null when the request succeeded without errors
    // The response's top-level "extensions" (datastore-server reports
    // {"syncTotal": {"syncPosts": N}} on the first page of a base sync).
    QJsonObject extensions;

    bool ok() const { return error.isNull(); }
    bool hasData() const { return data.isObject(); }
    // data[rootField], e.g. the syncPosts connection.
    QJsonValue field(const QString &rootField) const { return data.toObject().value(rootField); }
};

// An answer before it is read as GraphQL: the HTTP status and body, or a
// transport failure (timeout, abort, network or TLS error; httpStatus 0) as
// the classified error. GraphQLClient::parseResponse() makes the
// GraphQLResponse of it.
struct RawResponse
{
    int httpStatus = 0;
    QByteArray body;
    Error error;                // null when an HTTP answer arrived
};

class GraphQLClient : public QObject
{
    Q_OBJECT
public:
    explicit GraphQLClient(QObject *parent = nullptr);
    ~GraphQLClient() override;

    QUrl endpoint() const { return m_endpoint; }
    void setEndpoint(const QUrl &endpoint) { m_endpoint = endpoint; }

    const Authorization &authorization() const { return m_auth; }
    void setAuthorization(const Authorization &auth) { m_auth = auth; }

    // Extra trusted CAs (added to the system ones) for https endpoints.
    void setCaCertificates(const QList<QSslCertificate> &certificates);
    bool addCaCertificateFile(const QString &pemFile, QString *error);

    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // Sends request; the future always finishes (never cancelled by the client),
    // with the error classified as above.
    QFuture<GraphQLResponse> post(const GraphQLRequest &request);
    // Same, with a callback run on this object's thread.
    void post(const GraphQLRequest &request, std::function<void(const GraphQLResponse &)> done);

    // Same, with the answer unread: for a caller that reads a known answer
    // shape faster than parseResponse() does (sync pages) and falls back to
    // parseResponse() otherwise.
    // `sent`, if given, runs once the whole request is on the wire (before
    // `done`; not at all when it fails first): QNetworkAccessManager feeds
    // the request body from this thread's event loop, so a caller about to
    // keep this thread busy waits for `sent` to let the server work meanwhile.
    void postRaw(const GraphQLRequest &request, std::function<void(const RawResponse &)> done,
                 std::function<void()> sent = {});

    // Requests in flight; abortAll() finishes them with a transient "Aborted" error.
    int pendingCount() const { return int(m_pending.size()); }
    void abortAll();

    // Parses a raw answer (for tests and the realtime client's error payloads).
    static GraphQLResponse parseResponse(int httpStatus, const QByteArray &body);

private:
    void startRequest(const GraphQLRequest &request, std::function<void(const RawResponse &)> done,
                      std::function<void()> sent = {});

    QNetworkAccessManager *m_manager;
    QUrl m_endpoint;
    Authorization m_auth;
    QList<QSslCertificate> m_caCertificates;
    QSslConfiguration m_tls;            // the system CAs plus m_caCertificates
    std::chrono::milliseconds m_timeout;
    QList<QNetworkReply *> m_pending;
};

// The ds::Error for a list of GraphQL errors (the first one's errorType).
Error errorFromGraphQLErrors(const QList<GraphQLError> &errors);

} // namespace ds::net

Q_DECLARE_METATYPE(ds::net::GraphQLResponse)
