// Test helper (not a test class), shared by every suite that talks to the
// real datastore-server: runs it on 127.0.0.1 (--port 0, or a given port to
// restart on the same one), each run with a throwaway database unless the
// test names one, reads the port from its "listening on" line, pauses it
// (SIGSTOP) to fake a dead peer, and kills it when done; also makes throwaway
// self-signed certificates with openssl.
//
// DS_TEST_DB=postgres runs every server on PostgreSQL instead (pgcluster.h):
// each SQLite file a test names becomes its own database of one cluster per
// test process (the same file again: the same database, as for a restart).
#pragma once

#include "pgcluster.h"

#include <QHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTcpSocket>
#include <QUrl>

#include <chrono>

#include <signal.h>

namespace dstest {

class ServerProcess
{
public:
    ServerProcess() = default;
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;
    ~ServerProcess() { stop(); }

    static QString binary() { return QStringLiteral(DS_BINARY_DIR "/bin/datastore-server"); }
    static QString schema() { return QStringLiteral(DS_TEST_DATA_DIR "/schema.graphql"); }

    // DS_TEST_DB=postgres: servers run on PostgreSQL.
    static bool usesPostgres() { return qEnvironmentVariable("DS_TEST_DB") == QStringLiteral("postgres"); }

    // The PostgreSQL database standing in for a --db value (a SQLite file).
    static QString postgresFor(const QString &db, QString *error)
    {
        if (db.startsWith(QStringLiteral("postgres")))
            return db;
        static QHash<QString, QString> databases;   // SQLite file -> URL
        const QString file = db.startsWith(QStringLiteral("sqlite:")) ? db.mid(7) : db;
        QString &url = databases[file];
        if (url.isEmpty())
            *error = PgCluster::shared().createDatabase(&url);
        return url;
    }

    // Returns an error message, empty on success.
    QString start(const QStringList &extraArguments = {}, quint16 port = 0)
    {
        stop();
        QStringList arguments{QStringLiteral("--schema"), schema(), QStringLiteral("--host"),
                              QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QString::number(port)};
        arguments += extraArguments;
        // Every server gets its own throwaway database unless the test names one.
        if (!extraArguments.contains(QStringLiteral("--db")))
            arguments << QStringLiteral("--db") << m_dataDir.filePath(QStringLiteral("server.sqlite"));
        if (usesPostgres()) {
            const qsizetype db = arguments.lastIndexOf(QStringLiteral("--db"));
            if (db >= 0 && db + 1 < arguments.size()) {
                QString error;
                arguments[db + 1] = postgresFor(arguments.at(db + 1), &error);
                if (!error.isEmpty())
                    return QStringLiteral("PostgreSQL for the test: ") + error;
            }
        }
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
        return QStringLiteral("no \"listening on\" line; stdout: ") + QString::fromUtf8(output);
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
    void pause() { sendSignal(SIGSTOP); }
    void resume() { sendSignal(SIGCONT); }
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    QProcess &process() { return m_process; }
    quint16 port() const { return quint16(m_url.port()); }
    bool isSecure() const { return m_url.scheme() == QStringLiteral("https"); }
    // http(s)://127.0.0.1:port<path>
    QUrl url(const QString &path) const
    {
        QUrl u = m_url;
        u.setPath(path);
        return u;
    }
    // ws(s)://127.0.0.1:port<path>
    QUrl webSocketUrl(const QString &path) const
    {
        QUrl u = url(path);
        u.setScheme(isSecure() ? QStringLiteral("wss") : QStringLiteral("ws"));
        return u;
    }

    QUrl graphqlUrl() const { return url(QStringLiteral("/graphql")); }

private:
    void sendSignal(int sig)
    {
        if (m_process.state() == QProcess::Running && m_process.processId() > 0)
            ::kill(pid_t(m_process.processId()), sig);
    }

    QTemporaryDir m_dataDir;
    QProcess m_process;
    QUrl m_url;
};

// Makes cert.pem and key.pem (CN and IP SAN 127.0.0.1, one day) in dir.
// Returns an error message; empty on success. *missing is set when openssl is absent.
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

struct RawResponse
{
    int status = 0;
    QByteArray head;  // status line and headers
    QByteArray body;
    bool complete = false;

    QByteArray header(const QByteArray &name) const
    {
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

// Reads one response (Content-Length framed, or up to the close) from socket.
inline RawResponse readRawResponse(QTcpSocket &socket, int timeoutMs = 5000)
{
    RawResponse r;
    QByteArray buffer;
    QDeadlineTimer deadline(timeoutMs);
    qsizetype headEnd = -1;
    qint64 length = -1;
    while (!deadline.hasExpired()) {
        if (headEnd < 0) {
            // peek-free: read what is there, keep the rest for the next response
            buffer += socket.read(1);
            while (socket.bytesAvailable() > 0 && !buffer.endsWith("\r\n\r\n"))
                buffer += socket.read(1);
            if (buffer.endsWith("\r\n\r\n")) {
                headEnd = buffer.size();
                r.head = buffer;
                const QList<QByteArray> parts = buffer.left(buffer.indexOf('\r')).split(' ');
                r.status = parts.size() > 1 ? parts.at(1).toInt() : 0;
                const QByteArray cl = r.header("content-length");
                length = cl.isEmpty() ? (r.status == 204 || r.status == 101 ? 0 : -1) : cl.toLongLong();
                if (length == 0) {
                    r.complete = true;
                    return r;
                }
                continue;
            }
        } else {
            r.body += socket.read(length < 0 ? socket.bytesAvailable() : length - r.body.size());
            if (length >= 0 && r.body.size() >= length) {
                r.complete = true;
                return r;
            }
        }
        if (socket.bytesAvailable() == 0) {
            if (socket.state() != QAbstractSocket::ConnectedState) {
                r.complete = length < 0 && headEnd >= 0;
                return r;
            }
            socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }
    return r;
}

// Waits until the peer closes socket; false on timeout.
inline bool waitForClose(QTcpSocket &socket, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        socket.readAll();
        socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    return socket.state() != QAbstractSocket::ConnectedState;
}

} // namespace dstest
