// amplifyconfiguration.json: good and bad files with their exact messages,
// and the realtime endpoint derivation matrix (PROTOCOL.md 5.1, 9).
#include "net/configuration.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds::net;

namespace {

QByteArray config(const QByteArray &api, const QByteArray &dataStore = {})
{
    QByteArray json = R"({"UserAgent":"aws-amplify-cli/2.0","Version":"1.0","api":{"plugins":{"awsAPIPlugin":)" + api
        + "}}";
    if (!dataStore.isEmpty())
        json += R"(,"dataStore":{"plugins":{"awsDataStorePlugin":)" + dataStore + "}}";
    return json + "}";
}

const QByteArray kGoodApi = R"({"myApi":{"endpointType":"GraphQL",
    "endpoint":"https:\/\/abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql",
    "region":"us-east-1","authorizationType":"API_KEY","apiKey":"da2-xyz"}})";

} // namespace

// (The raw JSON strings spell "://" as ":\/\/", a JSON escape: moc reads "//" in a raw
// string as a comment.)
class tst_Configuration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void good();
    void userPoolsAndDefaults();
    void firstGraphQLApi();
    void fromFile();
    void bad_data();
    void bad();
    void realtimeEndpoint_data();
    void realtimeEndpoint();
    void explicitRealtimeEndpoint();
};

void tst_Configuration::good()
{
    const auto result = Configuration::fromJson(
        config(kGoodApi, R"({"syncIntervalInMinutes":60,"syncMaxRecords":500,"syncPageSize":100})"));
    QVERIFY2(result.ok(), qPrintable(result.error().message()));
    const Configuration &c = *result;
    QCOMPARE(c.api().name, u"myApi"_s);
    QCOMPARE(c.api().endpoint,
             QUrl(u"https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"_s));
    QCOMPARE(c.api().region, u"us-east-1"_s);
    QCOMPARE(c.api().authorizationType, AuthorizationType::ApiKey);
    QCOMPARE(c.api().apiKey, u"da2-xyz"_s);
    QCOMPARE(c.sync().syncIntervalInMinutes, 60);
    QCOMPARE(c.sync().syncMaxRecords, 500);
    QCOMPARE(c.sync().syncPageSize, 100);
    QCOMPARE(c.realtimeEndpoint(),
             QUrl(u"wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.us-east-1.amazonaws.com/graphql"_s));
}

void tst_Configuration::userPoolsAndDefaults()
{
    const auto result = Configuration::fromJson(config(
        R"({"local":{"endpoint":"http:\/\/127.0.0.1:8080/graphql","authorizationType":"AMAZON_COGNITO_USER_POOLS"}})"));
    QVERIFY2(result.ok(), qPrintable(result.error().message()));
    QCOMPARE(result->api().authorizationType, AuthorizationType::AmazonCognitoUserPools);
    QVERIFY(result->api().apiKey.isEmpty());
    QVERIFY(result->api().region.isEmpty());
    // No dataStore plugin: the Amplify defaults.
    QCOMPARE(result->sync().syncIntervalInMinutes, 1440);
    QCOMPARE(result->sync().syncMaxRecords, 10000);
    QCOMPARE(result->sync().syncPageSize, 1000);
    QCOMPARE(result->realtimeEndpoint(), QUrl(u"ws://127.0.0.1:8080/graphql/realtime"_s));

    const auto oidc = Configuration::fromJson(
        config(R"({"a":{"endpoint":"https:\/\/x.example/graphql","authorizationType":"OPENID_CONNECT"}})"));
    QVERIFY(oidc.ok());
    QCOMPARE(oidc->api().authorizationType, AuthorizationType::OpenIdConnect);
    QCOMPARE(authorizationTypeName(AuthorizationType::OpenIdConnect), u"OPENID_CONNECT"_s);
}

void tst_Configuration::firstGraphQLApi()
{
    const auto result = Configuration::fromJson(config(
        R"({"rest":{"endpointType":"REST","endpoint":"https:\/\/r.example/"},
            "gql":{"endpointType":"GraphQL","endpoint":"https:\/\/g.example/graphql","authorizationType":"API_KEY","apiKey":"k"}})"));
    QVERIFY2(result.ok(), qPrintable(result.error().message()));
    QCOMPARE(result->api().name, u"gql"_s);
}

void tst_Configuration::fromFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"amplifyconfiguration.json"_s);
    const auto missing = Configuration::fromFile(path);
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().message().startsWith(path + u": cannot read: "_s),
             qPrintable(missing.error().message()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(config(kGoodApi));
    f.close();
    const auto result = Configuration::fromFile(path);
    QVERIFY(result.ok());
    QCOMPARE(result->api().apiKey, u"da2-xyz"_s);
}

void tst_Configuration::bad_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    const QString f = u"amplifyconfiguration.json: "_s;
    const QString api = f + u"api.plugins.awsAPIPlugin"_s;

    QTest::newRow("not json") << QByteArray("{\"api\": ") << f + u"not valid JSON: unterminated object at offset 8"_s;
    QTest::newRow("array") << QByteArray("[]") << f + u"expected a JSON object at the top level"_s;
    QTest::newRow("no api") << QByteArray("{}") << f + u"api: missing"_s;
    QTest::newRow("plugins not object") << QByteArray(R"({"api":{"plugins":[]}})")
                                        << f + u"api.plugins: expected an object, got an array"_s;
    QTest::newRow("no plugin") << QByteArray(R"({"api":{"plugins":{}}})") << api + u": missing"_s;
    QTest::newRow("no apis") << config("{}") << api + u": no API configured"_s;
    QTest::newRow("only rest") << config(R"({"r":{"endpointType":"REST","endpoint":"https:\/\/r/"}})")
                               << api + u": no API with endpointType \"GraphQL\""_s;
    QTest::newRow("api not object") << config(R"({"a":3})") << api + u".a: expected an object, got 3"_s;
    QTest::newRow("no endpoint") << config(R"({"a":{"authorizationType":"API_KEY","apiKey":"k"}})")
                                 << api + u".a.endpoint: missing"_s;
    QTest::newRow("endpoint number") << config(R"({"a":{"endpoint":1}})")
                                     << api + u".a.endpoint: expected a string, got 1"_s;
    QTest::newRow("endpoint ftp") << config(R"({"a":{"endpoint":"ftp:\/\/x/graphql"}})")
                                  << api + u".a.endpoint: expected an http:// or https:// URL, got \"ftp://x/graphql\""_s;
    QTest::newRow("endpoint relative") << config(R"({"a":{"endpoint":"/graphql"}})")
                                       << api + u".a.endpoint: expected an http:// or https:// URL, got \"/graphql\""_s;
    QTest::newRow("no auth") << config(R"({"a":{"endpoint":"https:\/\/x/graphql"}})")
                             << api + u".a.authorizationType: missing"_s;
    QTest::newRow("unknown auth")
        << config(R"({"a":{"endpoint":"https:\/\/x/graphql","authorizationType":"PASSWORD"}})")
        << api + u".a.authorizationType: expected one of API_KEY, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, "
                 "AWS_LAMBDA, got \"PASSWORD\""_s;
    QTest::newRow("iam") << config(R"({"a":{"endpoint":"https:\/\/x/graphql","authorizationType":"AWS_IAM"}})")
                         << api + u".a.authorizationType: AWS_IAM is not supported by this client"_s;
    QTest::newRow("api key missing")
        << config(R"({"a":{"endpoint":"https:\/\/x/graphql","authorizationType":"API_KEY"}})")
        << api + u".a.apiKey: missing (authorizationType API_KEY needs one)"_s;
    QTest::newRow("region number")
        << config(R"({"a":{"endpoint":"https:\/\/x/graphql","region":5,"authorizationType":"API_KEY","apiKey":"k"}})")
        << api + u".a.region: expected a string, got 5"_s;
    const QString ds = f + u"dataStore.plugins.awsDataStorePlugin"_s;
    QTest::newRow("datastore plugin missing") << (config(kGoodApi).chopped(1) + R"(,"dataStore":{"plugins":{}}})")
                                              << ds + u": missing"_s;
    QTest::newRow("unknown setting") << config(kGoodApi, R"({"syncPageSize":10,"conflictHandler":"x"})")
                                     << ds + u".conflictHandler: unknown setting (known: syncIntervalInMinutes, "
                                             "syncMaxRecords, syncPageSize)"_s;
    QTest::newRow("negative") << config(kGoodApi, R"({"syncPageSize":-5})")
                              << ds + u".syncPageSize: expected a positive integer, got -5"_s;
    QTest::newRow("fraction") << config(kGoodApi, R"({"syncMaxRecords":1.5})")
                              << ds + u".syncMaxRecords: expected a positive integer, got 1.5"_s;
    QTest::newRow("string") << config(kGoodApi, R"({"syncIntervalInMinutes":"60"})")
                            << ds + u".syncIntervalInMinutes: expected a positive integer, got \"60\""_s;
}

void tst_Configuration::bad()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const auto result = Configuration::fromJson(json);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().message(), message);
    QCOMPARE(result.error().code(), u"InvalidConfiguration"_s);
    QCOMPARE(result.error().domain(), ds::Error::Domain::Validation);
    QVERIFY(!result.error().isTransient());
}

void tst_Configuration::realtimeEndpoint_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<QString>("realtime");
    QTest::newRow("appsync") << u"https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"_s
                             << u"wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.us-east-1.amazonaws.com/graphql"_s;
    QTest::newRow("appsync china") << u"https://abcdefghijklmnopqrstuvwxyz.appsync-api.cn-north-1.amazonaws.com.cn/graphql"_s
                                   << u"wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.cn-north-1.amazonaws.com.cn/graphql"_s;
    QTest::newRow("appsync gov") << u"https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-gov-west-1.amazonaws.com/graphql"_s
                                 << u"wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.us-gov-west-1.amazonaws.com/graphql"_s;
    // Not 26 characters: a custom domain as far as the client can tell.
    QTest::newRow("short id") << u"https://abc.appsync-api.us-east-1.amazonaws.com/graphql"_s
                              << u"wss://abc.appsync-api.us-east-1.amazonaws.com/graphql/realtime"_s;
    QTest::newRow("custom https") << u"https://api.example.com/graphql"_s << u"wss://api.example.com/graphql/realtime"_s;
    QTest::newRow("custom http port") << u"http://127.0.0.1:8080/graphql"_s << u"ws://127.0.0.1:8080/graphql/realtime"_s;
    QTest::newRow("trailing slash") << u"https://api.example.com/graphql/"_s << u"wss://api.example.com/graphql/realtime"_s;
    QTest::newRow("custom path") << u"https://h.example:8443/v1/graphql"_s << u"wss://h.example:8443/v1/graphql/realtime"_s;
    QTest::newRow("not http") << u"ftp://x/graphql"_s << QString();
}

void tst_Configuration::realtimeEndpoint()
{
    QFETCH(QString, endpoint);
    QFETCH(QString, realtime);
    QCOMPARE(realtimeEndpointFor(QUrl(endpoint)).toString(), realtime);
}

void tst_Configuration::explicitRealtimeEndpoint()
{
    auto result = Configuration::fromJson(config(kGoodApi));
    QVERIFY(result.ok());
    Configuration c = *result;
    QVERIFY(!c.hasExplicitRealtimeEndpoint());
    c.setRealtimeEndpoint(QUrl(u"wss://rt.example/socket"_s));
    QVERIFY(c.hasExplicitRealtimeEndpoint());
    QCOMPARE(c.realtimeEndpoint(), QUrl(u"wss://rt.example/socket"_s));
}

QTEST_GUILESS_MAIN(tst_Configuration)
#include "tst_configuration.moc"
