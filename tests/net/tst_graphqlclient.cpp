// GraphQLClient: request shape and error classification against an in-process
// canned HTTP server; timeouts, TLS with a custom CA and GraphQL answers
// against the real datastore-server.
#include "netserver.h"

#include "net/graphqlclient.h"

#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::net;
using namespace std::chrono_literals;

namespace {

// A loopback URL nothing listens on (a port just given up): connections are refused.
QUrl refusingEndpoint()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return {};
    const quint16 port = probe.serverPort();
    probe.close();
    return QUrl(u"http://127.0.0.1:%1/graphql"_s.arg(port));
}

// Answers every request with one canned response and remembers the last request.
class CannedServer : public QTcpServer
{
public:
    QByteArray response;
    QByteArray lastRequest;

    CannedServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    m_buffers[s] += s->readAll();
                    const QByteArray &b = m_buffers[s];
                    const qsizetype end = b.indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    qsizetype length = 0;
                    for (const QByteArray &line : b.left(end).split('\n')) {
                        if (line.toLower().startsWith("content-length:"))
                            length = line.mid(15).trimmed().toLongLong();
                    }
                    if (b.size() < end + 4 + length)
                        return;
                    lastRequest = b;
                    m_buffers.remove(s);
                    s->write(response);
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/graphql"_s.arg(serverPort())); }

private:
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

QByteArray httpResponse(int status, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

GraphQLResponse wait(const QFuture<GraphQLResponse> &future)
{
    QDeadlineTimer deadline(20s);
    while (!future.isFinished() && !deadline.hasExpired())
        QTest::qWait(5);
    return future.isFinished() ? future.result() : GraphQLResponse{};
}

GraphQLRequest ping()
{
    return GraphQLRequest{u"query operation { __typename }"_s, QJsonObject{{u"a"_s, 1}}, u"__typename"_s};
}

} // namespace

class tst_GraphQLClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestShape();
    void jwtHeader();
    void classification_data();
    void classification();
    void errorShapes();
    void connectionRefused();
    void rawAnswerAndSent();
    void sentWhileServerThinks();
    void sentNeverWhenRefused();
    void timeoutAgainstPausedServer();
    void realServerAnswers();
    void realServerRejectsBadKey();
    void tlsWithCustomCa();
};

void tst_GraphQLClient::requestShape()
{
    CannedServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    server.response = httpResponse(200, R"({"data":{"__typename":"Query"}})");
    GraphQLClient client;
    client.setEndpoint(server.url());
    client.setAuthorization({AuthorizationType::ApiKey, u"da2-key"_s, {}});
    const GraphQLResponse r = wait(client.post(ping()));
    QVERIFY2(r.ok(), qPrintable(r.error.toString()));
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.field(u"__typename"_s).toString(), u"Query"_s);
    const QByteArray request = server.lastRequest;
    QVERIFY(request.startsWith("POST /graphql HTTP/1.1\r\n"));
    QVERIFY(request.toLower().contains("\r\nx-api-key: da2-key\r\n"));
    QVERIFY(request.toLower().contains("\r\ncontent-type: application/json; charset=utf-8\r\n"));
    QVERIFY(!request.toLower().contains("\r\nauthorization:"));
    const QJsonObject body = QJsonDocument::fromJson(request.mid(request.indexOf("\r\n\r\n") + 4)).object();
    QCOMPARE(body, ping().toJson());
}

void tst_GraphQLClient::jwtHeader()
{
    CannedServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    server.response = httpResponse(200, R"({"data":{}})");
    GraphQLClient client;
    client.setEndpoint(server.url());
    int calls = 0;
    client.setAuthorization({AuthorizationType::AmazonCognitoUserPools, {}, [&calls] {
        ++calls;
        return u"eyJ.token.%1"_s.arg(calls);
    }});
    QVERIFY(wait(client.post(ping())).ok());
    QVERIFY2(server.lastRequest.contains("\r\nAuthorization: eyJ.token.1\r\n"), server.lastRequest.constData());
    QVERIFY(wait(client.post(ping())).ok());   // the provider is asked per request (fresh tokens)
    QVERIFY(server.lastRequest.contains("\r\nAuthorization: eyJ.token.2\r\n"));
    QVERIFY(!server.lastRequest.toLower().contains("x-api-key"));
}

void tst_GraphQLClient::classification_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("domain");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("transient");
    using D = Error::Domain;
    QTest::newRow("401") << 401 << QByteArray(R"({"errors":[{"errorType":"UnauthorizedException","message":"bad key"}]})")
                         << int(D::Auth) << u"UnauthorizedException"_s << false;
    QTest::newRow("403 no body") << 403 << QByteArray() << int(D::Auth) << u"Unauthorized"_s << false;
    QTest::newRow("500") << 500 << QByteArray("oops") << int(D::Network) << u"ServerError"_s << true;
    QTest::newRow("503") << 503 << QByteArray() << int(D::Network) << u"ServerError"_s << true;
    QTest::newRow("429") << 429 << QByteArray() << int(D::Network) << u"ServerError"_s << true;
    QTest::newRow("400") << 400 << QByteArray(R"({"errors":[{"message":"bad"}]})") << int(D::Network)
                         << u"HttpError"_s << false;
    QTest::newRow("not json") << 200 << QByteArray("<html>") << int(D::Network) << u"BadResponse"_s << false;
    QTest::newRow("not graphql") << 200 << QByteArray("{\"x\":1}") << int(D::Network) << u"BadResponse"_s << false;
    QTest::newRow("conflict") << 200
        << QByteArray(R"({"data":{"updatePost":null},"errors":[{"path":["updatePost"],"data":{"id":"p1","_version":4},"errorType":"ConflictUnhandled","errorInfo":null,"message":"Conflict resolver rejects mutation."}]})")
        << int(D::GraphQL) << u"ConflictUnhandled"_s << false;
    QTest::newRow("unauthorized 200") << 200 << QByteArray(R"({"data":null,"errors":[{"errorType":"Unauthorized","message":"no"}]})")
                                      << int(D::Auth) << u"Unauthorized"_s << false;
    QTest::newRow("ok") << 200 << QByteArray(R"({"data":{"a":1}})") << int(D::None) << QString() << false;
}

void tst_GraphQLClient::classification()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(int, domain);
    QFETCH(QString, code);
    QFETCH(bool, transient);
    CannedServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    server.response = httpResponse(status, body);
    GraphQLClient client;
    client.setEndpoint(server.url());
    client.setAuthorization({AuthorizationType::ApiKey, u"k"_s, {}});
    const GraphQLResponse r = wait(client.post(ping()));
    QCOMPARE(r.httpStatus, status);
    QCOMPARE(int(r.error.domain()), domain);
    QCOMPARE(r.error.code(), code);
    QCOMPARE(r.error.isTransient(), transient);
}

void tst_GraphQLClient::errorShapes()
{
    // AppSync: non-standard keys at the top level of the error.
    GraphQLResponse r = GraphQLClient::parseResponse(200, R"({"data":{"updatePost":null},"errors":[
        {"path":["updatePost"],"data":{"id":"p1","_version":4},"errorType":"ConflictUnhandled","errorInfo":{"k":1},
         "locations":[{"line":2,"column":3,"sourceName":null}],"message":"Conflict resolver rejects mutation."}]})");
    QCOMPARE(r.errors.size(), 1);
    GraphQLError e = r.errors.constFirst();
    QCOMPARE(e.errorType, u"ConflictUnhandled"_s);
    QCOMPARE(e.data.toObject().value(u"_version"_s).toInt(), 4);
    QCOMPARE(e.errorInfo.toObject().value(u"k"_s).toInt(), 1);
    QCOMPARE(e.path.at(0).toString(), u"updatePost"_s);
    QCOMPARE(e.locations.size(), 1);
    QCOMPARE(r.error.message(), u"Conflict resolver rejects mutation."_s);
    QVERIFY(r.data.isObject());   // partial data kept
    // Android/Swift style: the same keys under extensions.
    r = GraphQLClient::parseResponse(200, R"({"data":null,"errors":[{"message":"failed",
        "extensions":{"errorType":"ConditionalCheckFailedException","data":{"id":"p1"}}},{"message":"second"}]})");
    QCOMPARE(r.errors.size(), 2);
    e = r.errors.constFirst();
    QCOMPARE(e.errorType, u"ConditionalCheckFailedException"_s);
    QCOMPARE(e.data.toObject().value(u"id"_s).toString(), u"p1"_s);
    QVERIFY(e.errorInfo.isNull());
    QCOMPARE(r.error.code(), u"ConditionalCheckFailedException"_s);
    QCOMPARE(r.error.message(), u"failed (and 1 more error(s))"_s);
}

void tst_GraphQLClient::connectionRefused()
{
    const QUrl endpoint = refusingEndpoint();
    QVERIFY(endpoint.isValid());
    GraphQLClient client;
    client.setEndpoint(endpoint);
    const GraphQLResponse r = wait(client.post(ping()));
    QCOMPARE(r.httpStatus, 0);
    QCOMPARE(r.error.domain(), Error::Domain::Network);
    QCOMPARE(r.error.code(), u"NetworkError"_s);
    QVERIFY(r.error.isTransient());
}

void tst_GraphQLClient::rawAnswerAndSent()
{
    CannedServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QByteArray body = R"({"data":{"__typename":"Query"}, "extra" : [1, "\u00e9"]})";
    server.response = httpResponse(200, body);
    GraphQLClient client;
    client.setEndpoint(server.url());
    QStringList order;
    RawResponse answer;
    client.postRaw(ping(), [&](const RawResponse &raw) {
        order.append(u"done"_s);
        answer = raw;
    }, [&] { order.append(u"sent"_s); });
    QTRY_COMPARE(order.size(), 2);
    QCOMPARE(order, (QStringList{u"sent"_s, u"done"_s}));
    QVERIFY(answer.error.isNull());
    QCOMPARE(answer.httpStatus, 200);
    QCOMPARE(answer.body, body);   // unread: exactly what the server sent
    QTest::qWait(50);
    QCOMPARE(order.size(), 2);     // once each
}

void tst_GraphQLClient::sentWhileServerThinks()
{
    // A server that reads the request and never answers: `sent` comes
    // anyway (the request is on the wire), the answer does not.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QByteArray received;
    connect(&server, &QTcpServer::newConnection, &server, [&] {
        while (QTcpSocket *s = server.nextPendingConnection())
            connect(s, &QTcpSocket::readyRead, s, [&received, s] { received += s->readAll(); });
    });
    GraphQLClient client;
    client.setEndpoint(QUrl(u"http://127.0.0.1:%1/graphql"_s.arg(server.serverPort())));
    bool sent = false;
    std::optional<RawResponse> answer;
    client.postRaw(ping(), [&](const RawResponse &raw) { answer = raw; }, [&] { sent = true; });
    QTRY_VERIFY(sent);
    QVERIFY(!answer);
    QTRY_VERIFY(received.endsWith(ping().toJsonBytes()));
    client.abortAll();
    QTRY_VERIFY(answer.has_value());
    QCOMPARE(answer->error.code(), u"Aborted"_s);
}

void tst_GraphQLClient::sentNeverWhenRefused()
{
    const QUrl endpoint = refusingEndpoint();
    QVERIFY(endpoint.isValid());
    GraphQLClient client;
    client.setEndpoint(endpoint);
    bool sent = false;
    std::optional<RawResponse> answer;
    client.postRaw(ping(), [&](const RawResponse &raw) { answer = raw; }, [&] { sent = true; });
    QTRY_VERIFY(answer.has_value());
    QCOMPARE(answer->httpStatus, 0);
    QCOMPARE(answer->error.code(), u"NetworkError"_s);
    QVERIFY(answer->body.isEmpty());
    QVERIFY(!sent);
}

void tst_GraphQLClient::timeoutAgainstPausedServer()
{
    nettest::NetServer server;
    const QString error = server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    server.pause();
    GraphQLClient client;
    client.setEndpoint(server.graphqlUrl());
    client.setAuthorization({AuthorizationType::ApiKey, nettest::NetServer::apiKey(), {}});
    client.setTimeout(300ms);
    QElapsedTimer timer;
    timer.start();
    const GraphQLResponse r = wait(client.post(ping()));
    QCOMPARE(r.error.code(), u"Timeout"_s);
    QVERIFY(r.error.isTransient());
    QVERIFY(timer.elapsed() >= 290 && timer.elapsed() < 5000);
    QCOMPARE(client.pendingCount(), 0);
    server.resume();
}

void tst_GraphQLClient::realServerAnswers()
{
    nettest::NetServer server;
    const QString error = server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    GraphQLClient client;
    client.setEndpoint(server.graphqlUrl());
    client.setAuthorization({AuthorizationType::ApiKey, nettest::NetServer::apiKey(), {}});

    QFile file(nettest::NetServer::schema());
    QVERIFY(file.open(QIODevice::ReadOnly));
    SourceError schemaError;
    const std::optional<Schema> schema = Schema::fromGraphQL(file.readAll(), u"schema.graphql"_s, &schemaError);
    QVERIFY2(schema, qPrintable(schemaError.toString()));
    const ModelSchema *post = schema->model(u"Post");

    // The document the JS client sends, answered by the real resolvers.
    const GraphQLResponse sync = wait(client.post(syncQuery(*schema, *post, {})));
    QCOMPARE(sync.httpStatus, 200);
    QVERIFY2(sync.ok(), qPrintable(sync.error.toString()));
    const QJsonObject page = sync.field(post->syncQuery).toObject();
    QVERIFY(page.value(u"items"_s).isArray());
    QVERIFY(page.value(u"startedAt"_s).isDouble());

    const QJsonObject record{{u"id"_s, u"net-p1"_s}, {u"title"_s, u"Hello"_s}, {u"rating"_s, 7},
                             {u"status"_s, u"DRAFT"_s}, {u"tags"_s, QJsonArray{u"a"_s}}};
    const GraphQLResponse created =
        wait(client.post(mutation(*schema, *post, MutationType::Create, createInput(*post, record))));
    QVERIFY2(created.ok(), qPrintable(created.error.toString()));
    const QJsonObject item = created.field(post->createMutation).toObject();
    QCOMPARE(item.value(u"title"_s).toString(), u"Hello"_s);
    QCOMPARE(item.value(u"_version"_s).toInt(), 1);

    // A stale _version: the server's error shape reaches the caller intact.
    const GraphQLResponse stale = wait(client.post(mutation(
        *schema, *post, MutationType::Delete, deleteInput(*post, {{u"id"_s, u"net-p1"_s}}, 0))));
    QVERIFY(!stale.ok());
    QCOMPARE(stale.httpStatus, 200);
    QCOMPARE(stale.error.domain(), Error::Domain::GraphQL);
    QVERIFY(!stale.errors.isEmpty());
    qInfo().noquote() << "stale delete:" << stale.error.toString();

    const GraphQLResponse again = wait(client.post(syncQuery(*schema, *post, {})));
    QVERIFY2(again.ok(), qPrintable(again.error.toString()));
    QCOMPARE(again.field(post->syncQuery).toObject().value(u"items"_s).toArray().size(), 1);
}

void tst_GraphQLClient::realServerRejectsBadKey()
{
    nettest::NetServer server;
    const QString error = server.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    GraphQLClient client;
    client.setEndpoint(server.graphqlUrl());
    client.setAuthorization({AuthorizationType::ApiKey, u"da2-wrong"_s, {}});
    const GraphQLResponse r = wait(client.post(ping()));
    QCOMPARE(r.httpStatus, 401);
    QCOMPARE(r.error.domain(), Error::Domain::Auth);
    QVERIFY(!r.error.isTransient());
}

void tst_GraphQLClient::tlsWithCustomCa()
{
    QTemporaryDir dir;
    bool missing = false;
    const QString certError = nettest::makeSelfSignedCertificate(dir.path(), &missing);
    if (missing)
        QSKIP("openssl is not installed");
    QVERIFY2(certError.isEmpty(), qPrintable(certError));
    nettest::NetServer server;
    const QString error = server.start(0, {u"--tls-cert"_s, dir.filePath(u"cert.pem"_s), u"--tls-key"_s,
                                           dir.filePath(u"key.pem"_s)});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(server.isSecure());

    GraphQLClient client;
    client.setEndpoint(server.graphqlUrl());
    client.setAuthorization({AuthorizationType::ApiKey, nettest::NetServer::apiKey(), {}});
    // Unknown CA: refused, and not worth retrying.
    GraphQLResponse r = wait(client.post(ping()));
    QCOMPARE(r.error.code(), u"TlsError"_s);
    QVERIFY(!r.error.isTransient());
    QCOMPARE(r.httpStatus, 0);
    // With the CA file: verified and answered (whatever the resolvers say).
    QString caError;
    QVERIFY(!client.addCaCertificateFile(dir.filePath(u"missing.pem"_s), &caError));
    QVERIFY(caError.contains(u"cannot read"_s));
    QVERIFY2(client.addCaCertificateFile(dir.filePath(u"cert.pem"_s), &caError), qPrintable(caError));
    r = wait(client.post(ping()));
    QVERIFY2(r.httpStatus == 200, qPrintable(r.error.toString()));
    QVERIFY(r.error.code() != u"TlsError");
    // The global default stays strict.
    QVERIFY(!QSslConfiguration::defaultConfiguration().caCertificates().contains(
        QSslCertificate::fromPath(dir.filePath(u"cert.pem"_s)).value(0)));
}

QTEST_GUILESS_MAIN(tst_GraphQLClient)
#include "tst_graphqlclient.moc"
