// datastore-server over TLS (https) with a throwaway self-signed certificate.
#include "serverprocess.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

class TestTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void healthzOverHttps();
    void keepAliveOverTls();
    void untrustedCertificateIsRefused();
    void plainHttpOnTlsPort();
    void badKeyFile();

private:
    std::unique_ptr<QNetworkReply> get(const QUrl &url, bool trust);

    QTemporaryDir m_dir;
    QSslCertificate m_certificate;
    dstest::ServerProcess m_server;
    QNetworkAccessManager m_nam;
};

void TestTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    QVERIFY(m_dir.isValid());
    bool missing = false;
    const QString error = dstest::makeSelfSignedCertificate(m_dir.path(), &missing);
    if (missing)
        QSKIP("openssl is not installed");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_dir.filePath(u"cert.pem"_s));
    QCOMPARE(certs.size(), 1);
    m_certificate = certs.front();
    const QString started = m_server.start({u"--tls-cert"_s, m_dir.filePath(u"cert.pem"_s),
                                            u"--tls-key"_s, m_dir.filePath(u"key.pem"_s)});
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QVERIFY(m_server.isSecure());
}

std::unique_ptr<QNetworkReply> TestTls::get(const QUrl &url, bool trust)
{
    QNetworkRequest request(url);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (trust)
        tls.setCaCertificates({m_certificate});  // trust exactly this certificate
    request.setSslConfiguration(tls);
    // A cached connection would skip the handshake (and its verification).
    m_nam.clearConnectionCache();
    m_nam.clearAccessCache();
    std::unique_ptr<QNetworkReply> reply(m_nam.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    return reply;
}

void TestTls::healthzOverHttps()
{
    const auto reply = get(m_server.url(u"/healthz"_s), true);
    QVERIFY(reply->isFinished());
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->readAll(), QByteArray(R"({"status":"ok"})"));
    QCOMPARE(reply->sslConfiguration().peerCertificate(), m_certificate);
}

void TestTls::keepAliveOverTls()
{
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({m_certificate});
    socket.setSslConfiguration(tls);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, m_server.port());
    QVERIFY2(socket.waitForEncrypted(10000), qPrintable(socket.errorString()));
    for (int i = 0; i < 2; ++i) {
        socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const dstest::RawResponse response = dstest::readRawResponse(socket);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray(R"({"status":"ok"})"));
    }
    socket.write("garbage\r\n\r\n");
    QCOMPARE(dstest::readRawResponse(socket).status, 400);
    QVERIFY(dstest::waitForClose(socket));
}

void TestTls::untrustedCertificateIsRefused()
{
    // Verification stays on: without the CA the handshake must fail.
    const auto reply = get(m_server.url(u"/healthz"_s), false);
    QVERIFY(reply->isFinished());
    QCOMPARE(reply->error(), QNetworkReply::SslHandshakeFailedError);
}

void TestTls::plainHttpOnTlsPort()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(dstest::waitForClose(socket));
    // and the server is still fine
    const auto reply = get(m_server.url(u"/healthz"_s), true);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
}

void TestTls::badKeyFile()
{
    QProcess p;
    p.start(dstest::ServerProcess::binary(),
            {u"--schema"_s, dstest::ServerProcess::schema(), u"--port"_s, u"0"_s, u"--tls-cert"_s,
             m_dir.filePath(u"cert.pem"_s), u"--tls-key"_s, m_dir.filePath(u"cert.pem"_s),
             u"--db"_s, m_dir.filePath(u"bad-key.sqlite"_s)});
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("private key"));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
