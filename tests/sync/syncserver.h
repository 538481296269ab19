// Test helper (not a test class): the real datastore-server on 127.0.0.1
// with its own SQLite file (kept across stop()/start(), so a restarted
// server has the same data and token key), and a GraphQLClient-based seeder
// that sends createX/updateX/deleteX mutations over HTTP, many in flight.
#pragma once

#include "net/documents.h"
#include "net/graphqlclient.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>
#include <QUrl>

#include <chrono>
#include <functional>

namespace synctest {

inline QString apiKey() { return QStringLiteral("da2-synctestkey"); }
inline QString schemaFile() { return QStringLiteral(DS_TEST_DATA_DIR "/schema.graphql"); }

class SyncServer
{
public:
    explicit SyncServer(QString dbFile) : m_db(std::move(dbFile)) {}
    SyncServer(const SyncServer &) = delete;
    SyncServer &operator=(const SyncServer &) = delete;
    ~SyncServer() { stop(); }

    // Starts on any free port (a restart may get another one). Returns an
    // error message, empty on success.
    QString start()
    {
        stop();
        m_process.setProgram(QStringLiteral(DS_BINARY_DIR "/bin/datastore-server"));
        m_process.setArguments({QStringLiteral("--schema"), schemaFile(), QStringLiteral("--host"),
                                QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QStringLiteral("0"),
                                QStringLiteral("--api-key"), apiKey(), QStringLiteral("--db"), m_db});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return QStringLiteral("cannot start the server: ") + m_process.errorString();
        const QByteArray prefix = "listening on ";
        QDeadlineTimer deadline(std::chrono::seconds(15));
        while (!deadline.hasExpired()) {
            if (!m_process.canReadLine() && !m_process.waitForReadyRead(int(deadline.remainingTime())))
                break;
            while (m_process.canReadLine()) {
                const QByteArray line = m_process.readLine().trimmed();
                if (line.startsWith(prefix)) {
                    m_url = QUrl(QString::fromUtf8(line.mid(prefix.size())));
                    m_url.setPath(QStringLiteral("/graphql"));
                    return {};
                }
            }
        }
        return QStringLiteral("the server printed no \"listening on\" line");
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    QUrl graphqlUrl() const { return m_url; }

private:
    QString m_db;
    QProcess m_process;
    QUrl m_url;
};

inline void configure(ds::net::GraphQLClient &client, const QUrl &url)
{
    client.setEndpoint(url);
    ds::net::Authorization auth;
    auth.apiKey = apiKey();
    client.setAuthorization(auth);
}

// Sends every request, at most `inFlight` at a time; returns the responses
// in request order. Fails (empty list) if any response is an error.
inline QList<QJsonObject> sendAll(ds::net::GraphQLClient &client,
                                  const QList<ds::net::GraphQLRequest> &requests, int inFlight = 32)
{
    QList<QJsonObject> results(requests.size());
    qsizetype next = 0;
    qsizetype done = 0;
    bool failed = false;
    QEventLoop loop;
    std::function<void()> sendNext = [&] {
        if (next >= requests.size())
            return;
        const qsizetype i = next++;
        client.post(requests.at(i), [&, i](const ds::net::GraphQLResponse &r) {
            if (!r.ok()) {
                qWarning().noquote() << "seed request failed:" << r.error.message();
                failed = true;
            } else {
                results[i] = r.field(requests.at(i).rootField).toObject();
            }
            if (++done == requests.size())
                loop.quit();
            else
                sendNext();
        });
    };
    for (int k = 0; k < inFlight; ++k)
        sendNext();
    if (!requests.isEmpty())
        loop.exec();
    return failed ? QList<QJsonObject>() : results;
}

} // namespace synctest
