#include "http/httprequest.h"

#include "http/tuning_p.h"

using namespace Qt::StringLiterals;

namespace ds::server {

HttpLimits::HttpLimits()
    : maxHeaderBytes(tuning::kMaxHeaderBytes)
    , maxHeaderCount(tuning::kMaxHeaderCount)
    , maxBodyBytes(tuning::kMaxBodyBytes)
{
}

namespace {

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

QByteArray lower(QByteArrayView name)
{
    return name.toByteArray().toLower();
}

// RFC 9110 tchar
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView s)
{
    while (!s.isEmpty() && isWhitespace(s.front()))
        s = s.sliced(1);
    while (!s.isEmpty() && isWhitespace(s.back()))
        s.chop(1);
    return s;
}

// field-value: visible ASCII, SP, HTAB, obs-text; no other control characters.
bool isFieldValue(QByteArrayView s)
{
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0x7f || (c < 0x20 && c != '\t'))
            return false;
    }
    return true;
}

// request-target: visible ASCII only.
bool isTargetChars(QByteArrayView s)
{
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f)
            return false;
    }
    return true;
}

HttpHeadParse failed(int status, QString message)
{
    HttpHeadParse r;
    r.status = HttpHeadParse::Failed;
    r.errorStatus = status;
    r.errorMessage = std::move(message);
    return r;
}

bool parseDecimal(QByteArrayView s, qint64 *value)
{
    if (s.isEmpty() || s.size() > 18)
        return false;
    qint64 v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *value = v;
    return true;
}

// Calls f on each comma-separated element of s, untrimmed.
template <typename F>
void forEachListElement(QByteArrayView s, F f)
{
    qsizetype start = 0;
    while (start <= s.size()) {
        qsizetype comma = s.indexOf(',', start);
        if (comma < 0)
            comma = s.size();
        f(s.sliced(start, comma - start));
        start = comma + 1;
    }
}

} // namespace

void HttpHeaders::append(QByteArrayView name, QByteArrayView value)
{
    m_fields.append(HttpHeader{lower(name), value.toByteArray()});
}

void HttpHeaders::set(QByteArrayView name, QByteArrayView value)
{
    remove(name);
    append(name, value);
}

void HttpHeaders::remove(QByteArrayView name)
{
    m_fields.removeIf([name](const HttpHeader &h) { return sameName(h.name, name); });
}

bool HttpHeaders::contains(QByteArrayView name) const
{
    for (const HttpHeader &h : m_fields) {
        if (sameName(h.name, name))
            return true;
    }
    return false;
}

QByteArray HttpHeaders::value(QByteArrayView name, const QByteArray &defaultValue) const
{
    for (const HttpHeader &h : m_fields) {
        if (sameName(h.name, name))
            return h.value;
    }
    return defaultValue;
}

QList<QByteArray> HttpHeaders::values(QByteArrayView name) const
{
    QList<QByteArray> result;
    for (const HttpHeader &h : m_fields) {
        if (sameName(h.name, name))
            result.append(h.value);
    }
    return result;
}

QList<QByteArray> HttpHeaders::listValues(QByteArrayView name) const
{
    QList<QByteArray> result;
    for (const HttpHeader &h : m_fields) {
        if (!sameName(h.name, name))
            continue;
        forEachListElement(h.value, [&result](QByteArrayView part) {
            part = trimmed(part);
            if (!part.isEmpty())
                result.append(part.toByteArray());
        });
    }
    return result;
}

bool HttpHeaders::hasToken(QByteArrayView name, QByteArrayView token) const
{
    const QList<QByteArray> list = listValues(name);
    for (const QByteArray &v : list) {
        if (sameName(v, token))
            return true;
    }
    return false;
}

bool HttpRequest::isKeepAlive() const
{
    if (headers.hasToken("connection", "close"))
        return false;
    if (versionMinor == 0)
        return headers.hasToken("connection", "keep-alive");
    return true;
}

bool HttpRequest::isWebSocketUpgrade() const
{
    return method == "GET" && headers.hasToken("connection", "upgrade")
        && headers.hasToken("upgrade", "websocket");
}

QUrl HttpRequest::url() const
{
    const QString base = (secure ? u"https://"_s : u"http://"_s)
        + QString::fromLatin1(headers.value("host", "localhost"));
    QUrl url(base + QString::fromLatin1(target.startsWith('/') ? target : QByteArray("/")),
             QUrl::TolerantMode);
    return url;
}

HttpHeadParse parseRequestHead(QByteArrayView data, const HttpLimits &limits, HttpRequest *request)
{
    // RFC 9112 2.2: ignore at least one empty line before the request line.
    qsizetype pos = 0;
    while (pos < data.size() && pos < 4 && (data[pos] == '\r' || data[pos] == '\n'))
        ++pos;

    // Split into lines (CRLF, or bare LF as RFC 9112 allows) up to the blank line.
    QList<QByteArrayView> lines;
    qsizetype headEnd = -1;
    while (true) {
        const qsizetype nl = data.indexOf('\n', pos);
        if (nl < 0) {
            if (data.size() > limits.maxHeaderBytes)
                return failed(431, u"Request header is too large"_s);
            return {};
        }
        if (nl + 1 > limits.maxHeaderBytes)
            return failed(431, u"Request header is too large"_s);
        QByteArrayView line = data.sliced(pos, nl - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        pos = nl + 1;
        if (line.isEmpty()) {
            headEnd = pos;
            break;
        }
        if (line.contains('\r') || line.contains('\0'))
            return failed(400, u"Malformed request: stray control character"_s);
        if (lines.size() > limits.maxHeaderCount)
            return failed(431, u"Too many request header fields"_s);
        lines.append(line);
    }
    if (lines.isEmpty())
        return failed(400, u"Malformed request: no request line"_s);

    // request-line = method SP request-target SP HTTP-version
    const QByteArrayView requestLine = lines.front();
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0)
        return failed(400, u"Malformed request line"_s);
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method))
        return failed(400, u"Malformed request method"_s);
    if (target.isEmpty() || !isTargetChars(target))
        return failed(400, u"Malformed request target"_s);
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.'
        || version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
        return failed(400, u"Malformed HTTP version"_s);
    }
    if (version[5] != '1')
        return failed(505, u"Only HTTP/1.0 and HTTP/1.1 are supported"_s);

    HttpRequest &req = *request;
    req.method = method.toByteArray();
    req.target = target.toByteArray();
    req.versionMinor = version[7] == '0' ? 0 : 1;
    req.headers = {};

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArrayView line = lines.at(i);
        if (isWhitespace(line.front()))
            return failed(400, u"Malformed header: obsolete line folding"_s);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return failed(400, u"Malformed header line"_s);
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        if (!isToken(name))
            return failed(400, u"Malformed header name"_s);
        if (!isFieldValue(value))
            return failed(400, u"Malformed header value"_s);
        req.headers.append(name, value);
    }

    // Target forms: origin-form "/p?q", absolute-form "http://h/p?q", asterisk "*".
    QByteArrayView pathAndQuery = target;
    if (target == "*") {
        if (method != "OPTIONS")
            return failed(400, u"Malformed request target"_s);
    } else if (!target.startsWith('/')) {
        const qsizetype scheme = target.indexOf("://");
        if (scheme <= 0)
            return failed(400, u"Malformed request target"_s);
        const qsizetype slash = target.indexOf('/', scheme + 3);
        pathAndQuery = slash < 0 ? QByteArrayView("/") : target.sliced(slash);
    }
    const qsizetype hash = pathAndQuery.indexOf('#');
    if (hash >= 0)
        pathAndQuery = pathAndQuery.first(hash);
    const qsizetype question = pathAndQuery.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? pathAndQuery : pathAndQuery.first(question);
    req.path = QString::fromUtf8(QByteArray::fromPercentEncoding(rawPath.toByteArray()));
    req.query = QUrlQuery();
    if (question >= 0)
        req.query.setQuery(QString::fromLatin1(pathAndQuery.sliced(question + 1)));

    const QList<QByteArray> hosts = req.headers.values("host");
    if (hosts.size() > 1 || (req.versionMinor == 1 && hosts.isEmpty()))
        return failed(400, u"An HTTP/1.1 request needs exactly one Host header"_s);

    HttpHeadParse result;
    result.status = HttpHeadParse::Complete;
    result.headSize = headEnd;

    // Message body length (RFC 9112 6.3): no chunked uploads here.
    const bool hasTransferEncoding = req.headers.contains("transfer-encoding");
    const QList<QByteArray> lengths = req.headers.values("content-length");
    if (hasTransferEncoding) {
        if (!lengths.isEmpty())
            return failed(400, u"Both Transfer-Encoding and Content-Length"_s);
        if (req.headers.hasToken("transfer-encoding", "chunked"))
            return failed(411, u"Chunked request bodies are not supported; send Content-Length"_s);
        return failed(501, u"Unsupported Transfer-Encoding"_s);
    }
    if (!lengths.isEmpty()) {
        qint64 length = -1;
        bool valid = true;
        for (const QByteArray &value : lengths) {
            // A repeated header or a list of identical values is tolerated.
            forEachListElement(value, [&](QByteArrayView part) {
                qint64 v = 0;
                if (!parseDecimal(trimmed(part), &v) || (length >= 0 && v != length))
                    valid = false;
                length = v;
            });
        }
        if (!valid || length < 0)
            return failed(400, u"Malformed Content-Length"_s);
        if (length > limits.maxBodyBytes) {
            return failed(413, u"Request body of %1 bytes exceeds the limit of %2 bytes"_s
                                   .arg(length).arg(limits.maxBodyBytes));
        }
        result.contentLength = length;
    }

    if (req.headers.contains("expect")) {
        const QByteArray expect = req.headers.value("expect");
        if (!sameName(expect, "100-continue"))
            return failed(417, u"Unsupported expectation"_s);
        result.expectContinue = req.versionMinor == 1;
    }
    return result;
}

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return {};
    }
}

} // namespace ds::server
