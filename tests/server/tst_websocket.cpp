// WebSocket upgrades on /graphql/realtime of the real datastore-server: the
// graphql-ws subprotocol is selected (which QHttpServer 6.4 cannot do), over
// ws:// and wss://, with the AppSync handshake variants.
#include "serverprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <memory>

using namespace Qt::StringLiterals;

class TestWebSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void subprotocolNegotiated_data();
    void subprotocolNegotiated();
    void connectionAck_data();
    void connectionAck();
    void keepAliveMessages_data();
    void keepAliveMessages();
    void queryStringVariant_data();
    void queryStringVariant();
    void rawHandshake();
    void upgradeAfterHttpRequest();
    void missingSubprotocolRefused();
    void badVersionRefused();
    void nonUpgradeGet();
    void oversizedMessageClosed();

private:
    void addSecureColumn();
    dstest::ServerProcess *server(bool secure);
    std::unique_ptr<QWebSocket> open(bool secure, const QStringList &subprotocols,
                                     const QString &query = {});

    QTemporaryDir m_dir;
    QSslCertificate m_certificate;
    bool m_tls = false;
    dstest::ServerProcess m_plain;
    dstest::ServerProcess m_secure;
};

static QString authHeaderProtocol()
{
    const QByteArray auth = R"({"host":"127.0.0.1","x-amz-date":"20240506T101500Z","x-api-key":"k"})";
    return u"header-"_s
        + QString::fromLatin1(auth.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void TestWebSocket::initTestCase()
{
    const QStringList ka{u"--ka-interval"_s, u"200ms"_s, u"--api-key"_s, u"k"_s};
    QString error = m_plain.start(ka);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    bool missing = false;
    if (QSslSocket::supportsSsl() && m_dir.isValid()
        && dstest::makeSelfSignedCertificate(m_dir.path(), &missing).isEmpty()) {
        m_certificate = QSslCertificate::fromPath(m_dir.filePath(u"cert.pem"_s)).value(0);
        error = m_secure.start(ka + QStringList{u"--tls-cert"_s, m_dir.filePath(u"cert.pem"_s),
                                                u"--tls-key"_s, m_dir.filePath(u"key.pem"_s)});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_tls = true;
    }
}

void TestWebSocket::addSecureColumn()
{
    QTest::addColumn<bool>("secure");
    QTest::newRow("ws") << false;
    QTest::newRow("wss") << true;
}

dstest::ServerProcess *TestWebSocket::server(bool secure)
{
    return secure ? &m_secure : &m_plain;
}

std::unique_ptr<QWebSocket> TestWebSocket::open(bool secure, const QStringList &subprotocols,
                                                const QString &query)
{
    auto socket = std::make_unique<QWebSocket>();
    if (secure) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({m_certificate});
        socket->setSslConfiguration(tls);
    }
    QUrl url = server(secure)->webSocketUrl(u"/graphql/realtime"_s);
    if (!query.isEmpty())
        url.setQuery(query);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(subprotocols);
    QSignalSpy connected(socket.get(), &QWebSocket::connected);
    QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
    socket->open(url, options);
    [[maybe_unused]] const bool settled = QTest::qWaitFor(
        [&] { return !connected.isEmpty() || !disconnected.isEmpty(); }, 10000);
    return socket;
}

#define SKIP_WITHOUT_TLS(secure) \
    if ((secure) && !m_tls) \
        QSKIP("openssl or a TLS backend is missing")

void TestWebSocket::subprotocolNegotiated_data()
{
    addSecureColumn();
}

void TestWebSocket::subprotocolNegotiated()
{
    QFETCH(bool, secure);
    SKIP_WITHOUT_TLS(secure);
    // What current amplify-js offers: graphql-ws plus the auth as a subprotocol.
    const auto socket = open(secure, {u"graphql-ws"_s, authHeaderProtocol()});
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(socket->subprotocol(), u"graphql-ws"_s);
}

void TestWebSocket::connectionAck_data()
{
    addSecureColumn();
}

void TestWebSocket::connectionAck()
{
    QFETCH(bool, secure);
    SKIP_WITHOUT_TLS(secure);
    const auto socket = open(secure, {u"graphql-ws"_s, authHeaderProtocol()});
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
    socket->sendTextMessage(u"{\"type\":\"connection_init\"}"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
    const QJsonObject ack = QJsonDocument::fromJson(messages.front().front().toString().toUtf8()).object();
    QCOMPARE(ack.value(u"type"_s).toString(), u"connection_ack"_s);
    QCOMPARE(ack.value(u"payload"_s).toObject().value(u"connectionTimeoutMs"_s).toInt(), 300000);
    // compact JSON: clients match substrings
    QVERIFY(!messages.front().front().toString().contains(u"\": "_s));
}

void TestWebSocket::keepAliveMessages_data()
{
    addSecureColumn();
}

void TestWebSocket::keepAliveMessages()
{
    QFETCH(bool, secure);
    SKIP_WITHOUT_TLS(secure);
    const auto socket = open(secure, {u"graphql-ws"_s, authHeaderProtocol()});
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QStringList types;
    connect(socket.get(), &QWebSocket::textMessageReceived, this, [&types](const QString &text) {
        types.append(QJsonDocument::fromJson(text.toUtf8()).object().value(u"type"_s).toString());
    });
    socket->sendTextMessage(u"{\"type\":\"connection_init\"}"_s);
    QTRY_VERIFY_WITH_TIMEOUT(types.count(u"ka"_s) >= 3, 5000);  // ka every 200 ms
    QCOMPARE(types.front(), u"connection_ack"_s);
}

void TestWebSocket::queryStringVariant_data()
{
    addSecureColumn();
}

void TestWebSocket::queryStringVariant()
{
    QFETCH(bool, secure);
    SKIP_WITHOUT_TLS(secure);
    // Older amplify-js: auth in ?header=<base64>&payload=e30=, subprotocol graphql-ws only.
    const QByteArray auth = R"({"host":"127.0.0.1","x-api-key":"k"})";
    const QString query = u"header="_s + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(auth.toBase64())))
        + u"&payload=e30="_s;
    const auto socket = open(secure, {u"graphql-ws"_s}, query);
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(socket->subprotocol(), u"graphql-ws"_s);
}

static QByteArray upgradeRequest(const QByteArray &protocols, const QByteArray &version = "13")
{
    QByteArray request = "GET /graphql/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: " + version + "\r\n";
    if (!protocols.isEmpty())
        request += "Sec-WebSocket-Protocol: " + protocols + "\r\n";
    return request + "\r\n";
}

void TestWebSocket::rawHandshake()
{
    // Byte-level check independent of QWebSocket: 101 with graphql-ws selected.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_plain.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(upgradeRequest("graphql-ws, " + authHeaderProtocol().toLatin1()));
    const dstest::RawResponse response = dstest::readRawResponse(socket);
    QCOMPARE(response.status, 101);
    QCOMPARE(response.header("sec-websocket-protocol"), QByteArray("graphql-ws"));
    QCOMPARE(response.header("sec-websocket-accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestWebSocket::upgradeAfterHttpRequest()
{
    // The upgrade need not be the first request of a keep-alive connection.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_plain.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(dstest::readRawResponse(socket).status, 200);
    socket.write(upgradeRequest("graphql-ws"));
    const dstest::RawResponse response = dstest::readRawResponse(socket);
    QCOMPARE(response.status, 101);
    QCOMPARE(response.header("sec-websocket-protocol"), QByteArray("graphql-ws"));
}

void TestWebSocket::missingSubprotocolRefused()
{
    for (const QByteArray &protocols : {QByteArray(), QByteArray("graphql-transport-ws")}) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_plain.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(upgradeRequest(protocols));
        const dstest::RawResponse response = dstest::readRawResponse(socket);
        QCOMPARE(response.status, 400);
        QVERIFY(response.body.contains("graphql-ws"));
        QVERIFY(dstest::waitForClose(socket));
    }
}

void TestWebSocket::badVersionRefused()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_plain.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(upgradeRequest("graphql-ws", "8"));
    const dstest::RawResponse response = dstest::readRawResponse(socket);
    QCOMPARE(response.status, 426);
    QCOMPARE(response.header("sec-websocket-version"), QByteArray("13"));
}

void TestWebSocket::nonUpgradeGet()
{
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(m_plain.url(u"/graphql/realtime"_s))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 426);
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    QVERIFY(body.contains(u"errors"_s));
}

void TestWebSocket::oversizedMessageClosed()
{
    const auto socket = open(false, {u"graphql-ws"_s, authHeaderProtocol()});
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
    socket->sendTextMessage(QString(512 * 1024, u'x'));
    QVERIFY(disconnected.wait(10000));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
}

QTEST_GUILESS_MAIN(TestWebSocket)
#include "tst_websocket.moc"
