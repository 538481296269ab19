#include "authclient.h"

#include "accounttuning.h"
#include "logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPromise>
#include <QSslCertificate>

#include <memory>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

ds::Result<AuthTokens> parseReply(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (status == 0) {
        // No HTTP answer at all: refused, unreachable, timed out, TLS failure.
        return ds::Error(ds::Error::Domain::Network, u"NetworkError"_s,
                         u"The server cannot be reached (%1)"_s.arg(reply->errorString()), true);
    }
    if (status != 200) {
        const QJsonObject error = json.value(u"errors"_s).toArray().at(0).toObject();
        const QString type = error.value(u"errorType"_s).toString(u"HttpError"_s);
        const QString message = error.value(u"message"_s).toString(u"The server answered HTTP %1"_s.arg(status));
        // 5xx: the server is there but cannot help now; retrying may work.
        const bool transient = status >= 500;
        return ds::Error(transient ? ds::Error::Domain::Network : ds::Error::Domain::Auth, type, message, transient);
    }
    AuthTokens tokens;
    tokens.username = json.value(u"username"_s).toString();
    tokens.sub = json.value(u"sub"_s).toString();
    tokens.idToken = json.value(u"idToken"_s).toString();
    tokens.accessToken = json.value(u"accessToken"_s).toString();
    tokens.refreshToken = json.value(u"refreshToken"_s).toString();
    tokens.expiresIn = std::chrono::seconds(json.value(u"expiresIn"_s).toInteger());
    if (tokens.idToken.isEmpty() || tokens.refreshToken.isEmpty() || tokens.username.isEmpty())
        return ds::Error(ds::Error::Domain::Auth, u"BadResponse"_s, u"The server's answer has no tokens"_s);
    return tokens;
}

} // namespace

AuthClient::AuthClient(QObject *parent) : QObject(parent), m_ssl(QSslConfiguration::defaultConfiguration())
{
}

QUrl AuthClient::baseUrlFor(const QUrl &graphqlEndpoint)
{
    QUrl base = graphqlEndpoint.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    QString path = base.path();
    if (path.endsWith(u"/graphql"))
        path.chop(int(qstrlen("/graphql")));
    base.setPath(path);
    return base;
}

void AuthClient::setCaCertificateFile(const QString &file)
{
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (file.isEmpty())
        return;
    const QList<QSslCertificate> extra = QSslCertificate::fromPath(file, QSsl::Pem);
    if (extra.isEmpty())
        qCWarning(lcAccount).noquote() << "no certificate in" << file;
    m_ssl.addCaCertificates(extra);
}

QFuture<ds::Result<AuthTokens>> AuthClient::signUp(const QString &username, const QString &password,
                                                   const QString &email)
{
    QJsonObject body{{u"username"_s, username}, {u"password"_s, password}};
    if (!email.isEmpty())
        body.insert(u"email"_s, email);
    return post(u"/auth/signup"_s, body);
}

QFuture<ds::Result<AuthTokens>> AuthClient::signIn(const QString &username, const QString &password)
{
    return post(u"/auth/signin"_s, {{u"username"_s, username}, {u"password"_s, password}});
}

QFuture<ds::Result<AuthTokens>> AuthClient::refresh(const QString &refreshToken)
{
    return post(u"/auth/refresh"_s, {{u"refreshToken"_s, refreshToken}});
}

QFuture<ds::Result<AuthTokens>> AuthClient::post(const QString &path, const QJsonObject &body)
{
    auto promise = std::make_shared<QPromise<ds::Result<AuthTokens>>>();
    promise->start();
    QFuture<ds::Result<AuthTokens>> future = promise->future();
    if (!m_baseUrl.isValid() || m_baseUrl.isEmpty()) {
        promise->addResult(ds::Error(ds::Error::Domain::Validation, u"NoServer"_s,
                                     u"No cloud is configured to sign in to"_s));
        promise->finish();
        return future;
    }
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(int(account_tuning::kAuthRequestTimeout.count()));
    if (url.scheme() == u"https")
        request.setSslConfiguration(m_ssl);
    QNetworkReply *reply = m_network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [reply, promise, path] {
        ds::Result<AuthTokens> result = parseReply(reply);
        if (!result)
            qCInfo(lcAccount).noquote() << path << "failed:" << result.error().code() << result.error().message();
        promise->addResult(std::move(result));
        promise->finish();
        reply->deleteLater();
    });
    return future;
}

} // namespace notes
