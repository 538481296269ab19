// Test helper (not a test class): the real datastore-server on 127.0.0.1
// with its own SQLite file (kept across stop()/start(), so a restarted
// server has the same data and token key), and a GraphQLClient-based seeder
// that sends createX/updateX/deleteX mutations over HTTP, many in flight.
#pragma once

#include "net/documents.h"
#include "net/graphqlclient.h"
#include "serverprocess.h"

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

// The real datastore-server with its own SQLite file (kept across
// stop()/start(), so a restarted server has the same data and token key).
class SyncServer : public dstest::ServerProcess
{
public:
    explicit SyncServer(QString dbFile) : m_db(std::move(dbFile)) {}

    // Starts on any free port (a restart may get another one). Returns an
    // error message, empty on success.
    QString start(quint16 port = 0)
    {
        return ServerProcess::start({QStringLiteral("--api-key"), apiKey(), QStringLiteral("--db"), m_db}, port);
    }

private:
    QString m_db;
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
