#include "net/graphqlclient.h"

#include "common/logging_p.h"
#include "net/tuning_p.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPromise>
#include <QSslConfiguration>
#include <QTimer>

#include <memory>
#include <utility>

using namespace Qt::StringLiterals;

namespace ds::net {

namespace {

const char kTimedOutProperty[] = "_ds_timedOut";
const char kAbortedProperty[] = "_ds_aborted";

QJsonValue topOrExtension(const QJsonObject &object, const QJsonObject &extensions, const QString &key)
{
    const QJsonValue top = object.value(key);
    return top.isUndefined() ? extensions.value(key) : top;
}

} // namespace

GraphQLError GraphQLError::fromJson(const QJsonObject &object)
{
    GraphQLError e;
    e.extensions = object.value(u"extensions"_s).toObject();
    e.message = object.value(u"message"_s).toString();
    e.errorType = topOrExtension(object, e.extensions, u"errorType"_s).toString();
    e.data = topOrExtension(object, e.extensions, u"data"_s);
    if (e.data.isUndefined())
        e.data = QJsonValue::Null;
    e.errorInfo = topOrExtension(object, e.extensions, u"errorInfo"_s);
    if (e.errorInfo.isUndefined())
        e.errorInfo = QJsonValue::Null;
    e.path = object.value(u"path"_s).toArray();
    e.locations = object.value(u"locations"_s).toArray();
    return e;
}

Error errorFromGraphQLErrors(const QList<GraphQLError> &errors)
{
    if (errors.isEmpty())
        return {};
    const GraphQLError &first = errors.constFirst();
    const QString code = first.errorType.isEmpty() ? u"GraphQLError"_s : first.errorType;
    QString message = first.message.isEmpty() ? code : first.message;
    if (errors.size() > 1)
        message += u" (and %1 more error(s))"_s.arg(errors.size() - 1);
    const bool auth = code == u"Unauthorized" || code == u"UnauthorizedException";
    return Error(auth ? Error::Domain::Auth : Error::Domain::GraphQL, code, message, false);
}

GraphQLResponse GraphQLClient::parseResponse(int httpStatus, const QByteArray &body)
{
    GraphQLResponse r;
    r.httpStatus = httpStatus;
    r.data = QJsonValue::Null;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject object = doc.object();
    if (doc.isObject()) {
        r.data = object.value(u"data"_s);
        if (r.data.isUndefined())
            r.data = QJsonValue::Null;
        const QJsonArray errors = object.value(u"errors"_s).toArray();
        for (const QJsonValue &e : errors)
            r.errors.append(GraphQLError::fromJson(e.toObject()));
        r.extensions = object.value(u"extensions"_s).toObject();
    }
    const QString detail = r.errors.isEmpty() ? QString() : u": "_s + errorFromGraphQLErrors(r.errors).message();

    if (httpStatus == 401 || httpStatus == 403) {
        const QString code = r.errors.isEmpty() || r.errors.constFirst().errorType.isEmpty()
            ? u"Unauthorized"_s : r.errors.constFirst().errorType;
        r.error = Error(Error::Domain::Auth, code, u"HTTP %1%2"_s.arg(httpStatus).arg(detail), false);
    } else if (httpStatus >= 500 || httpStatus == 429) {
        r.error = Error(Error::Domain::Network, u"ServerError"_s, u"HTTP %1%2"_s.arg(httpStatus).arg(detail), true);
    } else if (httpStatus < 200 || httpStatus >= 300) {
        r.error = Error(Error::Domain::Network, u"HttpError"_s, u"HTTP %1%2"_s.arg(httpStatus).arg(detail), false);
    } else if (!doc.isObject() || (!object.contains(u"data"_s) && !object.contains(u"errors"_s))) {
        r.error = Error(Error::Domain::Network, u"BadResponse"_s,
                        parseError.error != QJsonParseError::NoError
                            ? u"the response is not JSON: "_s + parseError.errorString()
                            : u"the response is not a GraphQL response object"_s,
                        false);
    } else if (!r.errors.isEmpty()) {
        r.error = errorFromGraphQLErrors(r.errors);
    }
    return r;
}

GraphQLClient::GraphQLClient(QObject *parent)
    : QObject(parent), m_manager(new QNetworkAccessManager(this)), m_timeout(tuning::kHttpTimeout)
{
    qRegisterMetaType<GraphQLResponse>();
}

void GraphQLClient::setCaCertificates(const QList<QSslCertificate> &certificates)
{
    m_caCertificates = certificates;
    // Built once: QSslConfiguration::systemCaCertificates() reads the system
    // bundle every call (measured 130-250 ms for 288 certificates).
    m_tls = QSslConfiguration::defaultConfiguration();
    if (!certificates.isEmpty())
        m_tls.setCaCertificates(QSslConfiguration::systemCaCertificates() + certificates);
    // Connections (and TLS sessions) made under the old trust must not be reused.
    m_manager->clearConnectionCache();
}

GraphQLClient::~GraphQLClient()
{
    abortAll();
}

bool GraphQLClient::addCaCertificateFile(const QString &pemFile, QString *error)
{
    QString message;
    const QList<QSslCertificate> certificates = loadCaCertificates(pemFile, &message);
    if (certificates.isEmpty()) {
        if (error)
            *error = message;
        return false;
    }
    setCaCertificates(m_caCertificates + certificates);
    return true;
}

QFuture<GraphQLResponse> GraphQLClient::post(const GraphQLRequest &request)
{
    auto promise = std::make_shared<QPromise<GraphQLResponse>>();
    QFuture<GraphQLResponse> future = promise->future();
    promise->start();
    post(request, [promise](const GraphQLResponse &response) {
        promise->addResult(response);
        promise->finish();
    });
    return future;
}

void GraphQLClient::post(const GraphQLRequest &request, std::function<void(const GraphQLResponse &)> done)
{
    startRequest(request, [done = std::move(done), rootField = request.rootField](const RawResponse &raw) {
        GraphQLResponse response;
        if (raw.error.isNull())
            response = parseResponse(raw.httpStatus, raw.body);
        else
            response.error = raw.error;
        if (!response.ok())
            qCDebug(lcNet).noquote() << rootField << "failed:" << response.error.code()
                                     << response.error.message();
        done(response);
    });
}

void GraphQLClient::postRaw(const GraphQLRequest &request, std::function<void(const RawResponse &)> done,
                            std::function<void()> sent)
{
    startRequest(request, std::move(done), std::move(sent));
}

void GraphQLClient::abortAll()
{
    const QList<QNetworkReply *> pending = m_pending;
    for (QNetworkReply *reply : pending) {
        reply->setProperty(kAbortedProperty, true);
        reply->abort();
    }
}

void GraphQLClient::startRequest(const GraphQLRequest &request, std::function<void(const RawResponse &)> done,
                                 std::function<void()> sent)
{
    QNetworkRequest http(m_endpoint);
    http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json; charset=UTF-8"));
    http.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    const auto [name, value] = m_auth.header();
    if (!value.isEmpty())
        http.setRawHeader(name, value);
    if (m_endpoint.scheme() == u"https" && !m_caCertificates.isEmpty()) {
        // The system CAs plus ours, on this request only (never the global default).
        http.setSslConfiguration(m_tls);
    }

    const QByteArray body = request.toJsonBytes();
    qCDebug(lcNet).noquote() << "POST" << m_endpoint.toDisplayString() << request.rootField;
    QNetworkReply *reply = m_manager->post(http, body);
    m_pending.append(reply);

    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);   // a coarse timer may fire up to 5% early
    connect(timer, &QTimer::timeout, reply, [reply] {
        reply->setProperty(kTimedOutProperty, true);
        reply->abort();
    });
    timer->start(m_timeout);

    if (sent) {
        auto once = std::make_shared<std::function<void()>>(std::move(sent));
        connect(reply, &QNetworkReply::uploadProgress, this, [once](qint64 bytesSent, qint64 bytesTotal) {
            if (*once && bytesTotal > 0 && bytesSent >= bytesTotal)
                std::exchange(*once, {})();
        });
    }
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, done = std::move(done), timer] {
        timer->stop();
        m_pending.removeOne(reply);
        reply->deleteLater();
        const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
        RawResponse response;
        if (reply->property(kTimedOutProperty).toBool()) {
            response.error = Error(Error::Domain::Network, u"Timeout"_s,
                                   u"no answer from %1 within %2 ms"_s.arg(m_endpoint.toDisplayString())
                                       .arg(m_timeout.count()), true);
        } else if (reply->property(kAbortedProperty).toBool()) {
            response.error = Error(Error::Domain::Network, u"Aborted"_s, u"the request was aborted"_s, true);
        } else if (status == 0) {
            const QNetworkReply::NetworkError code = reply->error();
            const bool tls = code == QNetworkReply::SslHandshakeFailedError;
            response.error = Error(Error::Domain::Network, tls ? u"TlsError"_s : u"NetworkError"_s,
                                   reply->errorString(), !tls);
        } else {
            response.httpStatus = status;
            response.body = reply->readAll();
        }
        done(response);
    });
}

} // namespace ds::net
