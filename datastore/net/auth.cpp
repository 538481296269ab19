#include "net/auth.h"

#include <QFile>
#include <QTimeZone>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace ds::net {

std::pair<QByteArray, QByteArray> Authorization::header() const
{
    if (type == AuthorizationType::ApiKey)
        return {QByteArrayLiteral("x-api-key"), apiKey.toUtf8()};
    return {QByteArrayLiteral("Authorization"), tokenProvider ? tokenProvider().toUtf8() : QByteArray()};
}

QJsonObject Authorization::realtimeObject(const QString &graphqlHost, const QDateTime &now) const
{
    if (type == AuthorizationType::ApiKey)
        return QJsonObject{{u"host"_s, graphqlHost}, {u"x-amz-date"_s, amzDate(now)}, {u"x-api-key"_s, apiKey}};
    return QJsonObject{{u"host"_s, graphqlHost},
                       {u"Authorization"_s, tokenProvider ? tokenProvider() : QString()}};
}

QString amzDate(const QDateTime &time)
{
    return time.toUTC().toString(u"yyyyMMdd'T'HHmmss'Z'"_s);
}

QString hostHeader(const QUrl &url)
{
    const int port = url.port();
    return port > 0 ? url.host() + u':' + QString::number(port) : url.host();
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QList<QSslCertificate> loadCaCertificates(const QString &pemFile, QString *error)
{
    QFile file(pemFile);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = pemFile + u": cannot read: "_s + file.errorString();
        return {};
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates.isEmpty())
        *error = pemFile + u": no PEM certificate in the file"_s;
    return certificates;
}

} // namespace ds::net
