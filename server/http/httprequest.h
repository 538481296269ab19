// HTTP/1.1 request values of datastore-server: headers, the parsed request and
// the limits that bound it, and the pure parser of a request head.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace ds::server {

// Limits of one request; defaults from tuning_p.h.
struct HttpLimits
{
    qsizetype maxHeaderBytes;  // request line + headers
    int maxHeaderCount;        // header lines
    qint64 maxBodyBytes;       // Content-Length

    HttpLimits();
};

struct HttpHeader
{
    QByteArray name;   // lower case
    QByteArray value;  // surrounding whitespace removed
};

// Header fields in arrival order; names compare case-insensitively.
class HttpHeaders
{
public:
    void append(QByteArrayView name, QByteArrayView value);
    // Replaces every field called name by one.
    void set(QByteArrayView name, QByteArrayView value);
    void remove(QByteArrayView name);

    bool contains(QByteArrayView name) const;
    // First value, or defaultValue.
    QByteArray value(QByteArrayView name, const QByteArray &defaultValue = {}) const;
    QList<QByteArray> values(QByteArrayView name) const;
    // Every element of every field called name, split at commas, trimmed
    // (e.g. Connection, Sec-WebSocket-Protocol).
    QList<QByteArray> listValues(QByteArrayView name) const;
    // Whether listValues(name) holds token, case-insensitively.
    bool hasToken(QByteArrayView name, QByteArrayView token) const;

    qsizetype size() const { return m_fields.size(); }
    bool isEmpty() const { return m_fields.isEmpty(); }
    const QList<HttpHeader> &fields() const { return m_fields; }
    QList<HttpHeader>::const_iterator begin() const { return m_fields.cbegin(); }
    QList<HttpHeader>::const_iterator end() const { return m_fields.cend(); }

private:
    QList<HttpHeader> m_fields;
};

struct HttpRequest
{
    QByteArray method;      // "GET", case-sensitive as sent
    QByteArray target;      // request-target as sent: "/graphql/realtime?header=..."
    QString path;           // percent-decoded path of target: "/graphql/realtime"
    QUrlQuery query;        // query of target, still percent-encoded
    int versionMinor = 1;   // HTTP/1.<versionMinor>
    HttpHeaders headers;
    QByteArray body;
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool secure = false;    // arrived over TLS

    // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
    bool isKeepAlive() const;
    // GET with "Connection: upgrade" and "Upgrade: websocket".
    bool isWebSocketUpgrade() const;
    // http(s)://<Host header><target>
    QUrl url() const;
};

// Result of parseRequestHead().
struct HttpHeadParse
{
    enum Status { Incomplete, Complete, Failed };
    Status status = Incomplete;
    qsizetype headSize = 0;     // bytes of the head, blank line included (Complete)
    qint64 contentLength = 0;   // body bytes that follow (Complete)
    bool expectContinue = false;
    int errorStatus = 0;        // HTTP status to answer with (Failed)
    QString errorMessage;       // (Failed)
};

// Parses the request line and header fields at the start of data (which may
// hold less or more than one head) into *request; body and peer fields are left
// alone. Never reads past data; reports Failed with a status for bad input:
// 400 malformed, 431 head too large, 413 body too large, 411 chunked upload,
// 501 other transfer codings, 417 unknown expectation, 505 other HTTP versions.
HttpHeadParse parseRequestHead(QByteArrayView data, const HttpLimits &limits,
                               HttpRequest *request);

// "Not Found" for 404, "" for unknown codes.
QByteArray httpReasonPhrase(int status);

} // namespace ds::server
