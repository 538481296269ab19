// Test helper (not a test class): runs the real datastore-server on 127.0.0.1
// (--port 0 first, then the same port again after a restart), reads the port
// from its "listening on" line, pauses it (SIGSTOP) to fake a dead peer, and
// kills it when done.
#pragma once

#include <QDeadlineTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>

#include <signal.h>

namespace nettest {

class NetServer
{
public:
    NetServer() = default;
    NetServer(const NetServer &) = delete;
    NetServer &operator=(const NetServer &) = delete;
    ~NetServer() { stop(); }

    static QString binary() { return QStringLiteral(DS_BINARY_DIR "/bin/datastore-server"); }
    static QString schema() { return QStringLiteral(DS_TEST_DATA_DIR "/schema.graphql"); }
    static QString apiKey() { return QStringLiteral("da2-nettestkey"); }

    // Starts on port (0: any free one). Returns an error message, empty on success.
    QString start(quint16 port = 0, const QStringList &extraArguments = {})
    {
        stop();
        QStringList arguments{QStringLiteral("--schema"), schema(), QStringLiteral("--host"),
                              QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QString::number(port),
                              QStringLiteral("--api-key"), apiKey()};
        arguments += extraArguments;
        m_process.setProgram(binary());
        m_process.setArguments(arguments);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return QStringLiteral("cannot start ") + binary() + QStringLiteral(": ") + m_process.errorString();
        const QByteArray prefix = "listening on ";
        QDeadlineTimer deadline(std::chrono::seconds(10));
        QByteArray output;
        while (!deadline.hasExpired()) {
            if (!m_process.canReadLine() && !m_process.waitForReadyRead(int(deadline.remainingTime())))
                break;
            while (m_process.canReadLine()) {
                const QByteArray line = m_process.readLine().trimmed();
                output += line + '\n';
                if (line.startsWith(prefix)) {
                    m_url = QUrl(QString::fromUtf8(line.mid(prefix.size())));
                    return m_url.port() > 0 ? QString() : QStringLiteral("bad line: ") + QString::fromUtf8(line);
                }
            }
        }
        return QStringLiteral("no \"listening on\" line; output: ") + QString::fromUtf8(output);
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            resume();
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // SIGSTOP / SIGCONT: the sockets stay open but nothing answers.
    void pause() { signal(SIGSTOP); }
    void resume() { signal(SIGCONT); }

    bool isRunning() const { return m_process.state() == QProcess::Running; }
    quint16 port() const { return quint16(m_url.port()); }
    bool isSecure() const { return m_url.scheme() == QStringLiteral("https"); }
    QUrl graphqlUrl() const
    {
        QUrl u = m_url;
        u.setPath(QStringLiteral("/graphql"));
        return u;
    }

private:
    void signal(int sig)
    {
        if (m_process.state() == QProcess::Running && m_process.processId() > 0)
            ::kill(pid_t(m_process.processId()), sig);
    }

    QProcess m_process;
    QUrl m_url;
};

// cert.pem + key.pem (CN and IP SAN 127.0.0.1) in dir; an error message, empty on success.
inline QString makeSelfSignedCertificate(const QString &dir, bool *missing)
{
    *missing = false;
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        *missing = true;
        return QStringLiteral("openssl is not installed");
    }
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                      QStringLiteral("key.pem"), QStringLiteral("-out"), QStringLiteral("cert.pem"),
                      QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                      QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                      QStringLiteral("subjectAltName=IP:127.0.0.1")});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("openssl failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
    return {};
}

} // namespace nettest
