// Shared by the benchmarks that drive a real datastore-server (server.cpp,
// sync.cpp): the server process on 127.0.0.1 with a throwaway SQLite file,
// the Post documents of the JS client, bounded waits, and seeding N posts
// through batched createPost mutations.
#pragma once

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <functional>
#include <optional>
#include <vector>

#if defined(Q_OS_LINUX)
#include <csignal>
#include <sys/prctl.h>
#endif

class QNetworkAccessManager;
class QNetworkReply;

namespace dsbench {

using namespace Qt::StringLiterals;

inline constexpr char kApiKey[] = "da2-benchmarkkey00000000000000";

// The JS client's selection set for Post (PROTOCOL 1.2; tst_realtime_endtoend).
extern const QString kFields;
QString syncDocument();
QString createDocument();
QString updateDocument();
QByteArray compact(const QJsonObject &o);
QByteArray requestBody(const QString &query, const QJsonObject &variables);

// Processes events until pred() or timeoutMs; false on timeout.
bool waitUntil(const std::function<bool()> &pred, int timeoutMs);
// VmRSS of pid in KiB; nullopt where /proc is not available.
std::optional<qint64> residentKiB(qint64 pid);
// Nearest-rank percentile (p in 0..1) of the values.
double percentile(std::vector<double> values, double p);
// The id of the i-th seeded post: bench-00000042.
QString postId(int i);

// The datastore-server process.
class Bench
{
public:
    QString start(const QString &binary, const QString &schema)
    {
        if (!m_dir.isValid())
            return u"cannot create a temporary directory"_s;
        m_process.setProgram(binary);
        m_process.setArguments({u"--schema"_s, schema, u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s,
                                u"--api-key"_s, QString::fromLatin1(kApiKey), u"--db"_s,
                                m_dir.filePath(u"server.sqlite"_s)});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
#if defined(Q_OS_LINUX)
        // The server goes when the bench goes, even killed (^C, a profiler).
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return u"cannot start "_s + binary + u": "_s + m_process.errorString();
        const QByteArray prefix = "listening on ";
        QDeadlineTimer deadline(15000);
        while (!deadline.hasExpired()) {
            if (!m_process.canReadLine() && !m_process.waitForReadyRead(int(deadline.remainingTime())))
                break;
            while (m_process.canReadLine()) {
                const QByteArray line = m_process.readLine().trimmed();
                if (line.startsWith(prefix)) {
                    m_base = QUrl(QString::fromUtf8(line.mid(prefix.size())));
                    if (m_base.port() <= 0)
                        return u"bad line: "_s + QString::fromUtf8(line);
                    // Keep draining stdout so the server never blocks on a full pipe.
                    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                                     [this] { m_process.readAllStandardOutput(); });
                    return {};
                }
            }
        }
        return u"datastore-server printed no \"listening on\" line"_s;
    }

    ~Bench() { stop(); }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    qint64 pid() const { return m_process.processId(); }

    QNetworkRequest graphqlRequest() const
    {
        QUrl url = m_base;
        url.setPath(u"/graphql"_s);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        request.setRawHeader("x-api-key", kApiKey);
        return request;
    }

    QUrl realtimeUrl() const
    {
        QUrl url = m_base;
        url.setScheme(u"ws"_s);
        url.setPath(u"/graphql/realtime"_s);
        return url;
    }

    QString authority() const { return m_base.authority(); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QUrl m_base;
};

// Parses a GraphQL answer; sets *error to the first error message if any.
QJsonObject parseAnswer(QNetworkReply *reply, QString *error);

// Seeds `records` posts postId(0..records-1) (rating i % 10, PUBLISHED)
// through batched createPost mutations; returns the seed_* figures.
QJsonObject seed(Bench &bench, QNetworkAccessManager &nam, int records, QString *error);

} // namespace dsbench
