#include "net/configuration.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::StringLiterals;

namespace ds::net {

namespace {

struct Reader
{
    QString source;

    Error fail(const QString &path, const QString &what) const
    {
        const QString where = path.isEmpty() ? source : QString(source + u": "_s + path);
        return Error::validation(u"InvalidConfiguration"_s, where + u": "_s + what);
    }
};

QString describe(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return u"null"_s;
    case QJsonValue::Bool: return v.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double: return QString::number(v.toDouble(), 'g', 17);
    case QJsonValue::String: return u'"' + v.toString() + u'"';
    case QJsonValue::Array: return u"an array"_s;
    case QJsonValue::Object: return u"an object"_s;
    case QJsonValue::Undefined: break;
    }
    return u"nothing"_s;
}

// Follows keys from root; the object at the end, or an error naming the path.
Result<QJsonObject> objectAt(const Reader &r, const QJsonObject &root, const QStringList &keys)
{
    QJsonObject current = root;
    QString path;
    for (const QString &key : keys) {
        path += (path.isEmpty() ? QString() : u"."_s) + key;
        const QJsonValue v = current.value(key);
        if (v.isUndefined())
            return r.fail(path, u"missing"_s);
        if (!v.isObject())
            return r.fail(path, u"expected an object, got "_s + describe(v));
        current = v.toObject();
    }
    return current;
}

const QList<std::pair<QString, AuthorizationType>> &authNames()
{
    static const QList<std::pair<QString, AuthorizationType>> names{
        {u"API_KEY"_s, AuthorizationType::ApiKey},
        {u"AMAZON_COGNITO_USER_POOLS"_s, AuthorizationType::AmazonCognitoUserPools},
        {u"OPENID_CONNECT"_s, AuthorizationType::OpenIdConnect},
        {u"AWS_LAMBDA"_s, AuthorizationType::AwsLambda},
    };
    return names;
}

Result<ApiConfiguration> readApi(const Reader &r, const QString &path, const QString &name, const QJsonObject &o)
{
    ApiConfiguration api;
    api.name = name;
    const QJsonValue endpoint = o.value(u"endpoint"_s);
    if (endpoint.isUndefined())
        return r.fail(path + u".endpoint"_s, u"missing"_s);
    if (!endpoint.isString())
        return r.fail(path + u".endpoint"_s, u"expected a string, got "_s + describe(endpoint));
    api.endpoint = QUrl(endpoint.toString(), QUrl::StrictMode);
    const QString scheme = api.endpoint.scheme();
    if (!api.endpoint.isValid() || (scheme != u"http" && scheme != u"https") || api.endpoint.host().isEmpty())
        return r.fail(path + u".endpoint"_s, u"expected an http:// or https:// URL, got "_s + describe(endpoint));

    const QJsonValue region = o.value(u"region"_s);
    if (!region.isUndefined() && !region.isNull() && !region.isString())
        return r.fail(path + u".region"_s, u"expected a string, got "_s + describe(region));
    api.region = region.toString();

    const QJsonValue auth = o.value(u"authorizationType"_s);
    if (auth.isUndefined())
        return r.fail(path + u".authorizationType"_s, u"missing"_s);
    const QString authName = auth.toString();
    bool found = false;
    for (const auto &[text, type] : authNames()) {
        if (text == authName) {
            api.authorizationType = type;
            found = true;
        }
    }
    if (!found) {
        if (auth.isString() && (authName == u"AWS_IAM" || authName == u"NONE"))
            return r.fail(path + u".authorizationType"_s, authName + u" is not supported by this client"_s);
        QStringList known;
        for (const auto &entry : authNames())
            known.append(entry.first);
        return r.fail(path + u".authorizationType"_s,
                      u"expected one of "_s + known.join(u", "_s) + u", got "_s + describe(auth));
    }

    const QJsonValue key = o.value(u"apiKey"_s);
    if (!key.isUndefined() && !key.isNull() && !key.isString())
        return r.fail(path + u".apiKey"_s, u"expected a string, got "_s + describe(key));
    api.apiKey = key.toString();
    if (api.authorizationType == AuthorizationType::ApiKey && api.apiKey.isEmpty())
        return r.fail(path + u".apiKey"_s, u"missing (authorizationType API_KEY needs one)"_s);
    return api;
}

Result<SyncSettings> readSync(const Reader &r, const QString &path, const QJsonObject &o)
{
    SyncSettings s;
    const std::pair<QString, int *> keys[] = {
        {u"syncIntervalInMinutes"_s, &s.syncIntervalInMinutes},
        {u"syncMaxRecords"_s, &s.syncMaxRecords},
        {u"syncPageSize"_s, &s.syncPageSize},
    };
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const QString keyPath = path + u'.' + it.key();
        int *target = nullptr;
        for (const auto &[name, field] : keys) {
            if (name == it.key())
                target = field;
        }
        if (!target)
            return r.fail(keyPath, u"unknown setting (known: syncIntervalInMinutes, syncMaxRecords, syncPageSize)"_s);
        const double v = it.value().toDouble(-1);
        if (!it.value().isDouble() || v < 1 || v > 2147483647.0 || std::floor(v) != v)
            return r.fail(keyPath, u"expected a positive integer, got "_s + describe(it.value()));
        *target = int(v);
    }
    return s;
}

} // namespace

QString authorizationTypeName(AuthorizationType type)
{
    for (const auto &[text, t] : authNames()) {
        if (t == type)
            return text;
    }
    return {};
}

bool isAppSyncDomain(const QUrl &endpoint)
{
    // As amplify-js tests the endpoint: anything else is a custom domain.
    static const QRegularExpression re(
        u"^https://\\w{26}\\.appsync-api\\.\\w{2}(?:(?:-\\w{2,})+)-\\d\\.amazonaws\\.com(?:\\.cn)?/graphql$"_s);
    return re.match(endpoint.toString()).hasMatch();
}

QUrl realtimeEndpointFor(const QUrl &endpoint)
{
    const QString scheme = endpoint.scheme();
    if (!endpoint.isValid() || (scheme != u"http" && scheme != u"https"))
        return {};
    QUrl url = endpoint;
    url.setScheme(scheme == u"https" ? u"wss"_s : u"ws"_s);
    if (isAppSyncDomain(endpoint)) {
        url.setHost(endpoint.host().replace(u".appsync-api."_s, u".appsync-realtime-api."_s));
    } else {
        QString path = url.path();
        while (path.endsWith(u'/'))
            path.chop(1);
        url.setPath(path + u"/realtime"_s);
    }
    return url;
}

Result<Configuration> Configuration::fromJson(const QByteArray &json, const QString &sourceName)
{
    const Reader r{sourceName};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return r.fail({}, u"not valid JSON: "_s + parseError.errorString() + u" at offset "_s
                              + QString::number(parseError.offset));
    if (!doc.isObject())
        return r.fail({}, u"expected a JSON object at the top level"_s);
    const QJsonObject root = doc.object();

    Configuration config;
    const QStringList apiKeys{u"api"_s, u"plugins"_s, u"awsAPIPlugin"_s};
    const Result<QJsonObject> apis = objectAt(r, root, apiKeys);
    if (!apis)
        return apis.error();
    const QString apisPath = apiKeys.join(u'.');
    if (apis->isEmpty())
        return r.fail(apisPath, u"no API configured"_s);
    // The first GraphQL API (the plugin holds REST APIs too).
    bool found = false;
    for (auto it = apis->constBegin(); it != apis->constEnd() && !found; ++it) {
        const QString path = apisPath + u'.' + it.key();
        if (!it.value().isObject())
            return r.fail(path, u"expected an object, got "_s + describe(it.value()));
        const QJsonObject api = it.value().toObject();
        const QJsonValue type = api.value(u"endpointType"_s);
        if (!type.isUndefined() && type.toString() != u"GraphQL")
            continue;
        Result<ApiConfiguration> parsed = readApi(r, path, it.key(), api);
        if (!parsed)
            return parsed.error();
        config.m_api = *std::move(parsed);
        found = true;
    }
    if (!found)
        return r.fail(apisPath, u"no API with endpointType \"GraphQL\""_s);

    // The DataStore plugin is optional: the defaults apply without it.
    const QStringList syncKeys{u"dataStore"_s, u"plugins"_s, u"awsDataStorePlugin"_s};
    if (root.contains(u"dataStore"_s)) {
        const Result<QJsonObject> sync = objectAt(r, root, syncKeys);
        if (!sync)
            return sync.error();
        Result<SyncSettings> settings = readSync(r, syncKeys.join(u'.'), *sync);
        if (!settings)
            return settings.error();
        config.m_sync = *settings;
    }
    return config;
}

Result<Configuration> Configuration::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::validation(u"InvalidConfiguration"_s, path + u": cannot read: "_s + file.errorString());
    return fromJson(file.readAll(), path);
}

QUrl Configuration::realtimeEndpoint() const
{
    return m_realtimeEndpoint.isValid() ? m_realtimeEndpoint : realtimeEndpointFor(m_api.endpoint);
}

} // namespace ds::net
