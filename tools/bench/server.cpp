// datastore-bench server --records N
//
// Starts the real datastore-server (next to this binary) on 127.0.0.1 with a
// throwaway SQLite database and measures, as one JSON object:
//   * seeding:   N posts through batched createPost mutations (many aliased
//                root fields per request, several requests in flight);
//   * base sync: syncPosts(limit: 1000) pages until nextToken is null, with
//                the JS client's document and selection set;
//   * mutations: 8 clients (one QNetworkAccessManager each, several requests
//                in flight) sending createPost / updatePost for a fixed count;
//   * fanout:    1,000 WebSocket clients subscribed to onCreatePost, then M
//                createPost mutations one at a time; latency from sending the
//                mutation to each client's data frame;
//   * idle:      the server's VmRSS before / after opening those connections.
// Targets are reported, never asserted. Every wait is bounded.

#include "server.h"

#include "benchsupport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

using namespace Qt::StringLiterals;

namespace {

constexpr int kMutationClients = 8;
constexpr int kMutationInFlight = 4;     // per client
constexpr int kMutationCount = 8000;     // creates + updates
constexpr int kFanoutClients = 1000;
constexpr int kFanoutMutations = 100;

using namespace dsbench;

// ---- base sync -------------------------------------------------------------------

QJsonObject baseSync(Bench &bench, QNetworkAccessManager &nam, int expected, QString *error)
{
    const QString doc = syncDocument();
    QElapsedTimer timer;
    timer.start();
    qint64 items = 0;
    int pages = 0;
    QJsonValue nextToken = QJsonValue::Null;
    const int maxPages = expected / 1000 + 100;   // bounded
    while (pages < maxPages) {
        const QJsonObject variables{{u"limit"_s, 1000}, {u"nextToken"_s, nextToken}, {u"lastSync"_s, 0},
                                    {u"filter"_s, QJsonValue::Null}};
        QNetworkReply *reply = nam.post(bench.graphqlRequest(), requestBody(doc, variables));
        if (!waitUntil([reply] { return reply->isFinished(); }, 60000)) {
            reply->abort();
            *error = u"base sync: a page timed out"_s;
        }
        QString e;
        const QJsonObject data = parseAnswer(reply, &e);
        reply->deleteLater();
        if (!error->isEmpty())
            break;
        if (!e.isEmpty()) {
            *error = u"base sync: "_s + e;
            break;
        }
        const QJsonObject page = data.value(u"syncPosts"_s).toObject();
        items += page.value(u"items"_s).toArray().size();
        ++pages;
        nextToken = page.value(u"nextToken"_s);
        if (nextToken.isNull() || nextToken.isUndefined())
            break;
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    return QJsonObject{{u"base_sync_records"_s, items},
                       {u"base_sync_pages"_s, pages},
                       {u"base_sync_seconds"_s, seconds},
                       {u"base_sync_records_per_s"_s, double(items) / seconds}};
}

// ---- mutations ---------------------------------------------------------------------

QJsonObject mutations(Bench &bench, QString *error)
{
    const QString createDoc = createDocument();
    const QString updateDoc = updateDocument();
    std::vector<std::unique_ptr<QNetworkAccessManager>> clients;
    for (int i = 0; i < kMutationClients; ++i)
        clients.push_back(std::make_unique<QNetworkAccessManager>());
    int started = 0;
    int done = 0;
    int failed = 0;
    int nextId = 0;
    QString firstError;
    // Each slot alternates: createPost(new id), then updatePost(that id, _version).
    std::function<void(QNetworkAccessManager *, const QString &, int)> step;
    step = [&](QNetworkAccessManager *nam, const QString &updateId, int version) {
        if (started >= kMutationCount)
            return;
        ++started;
        QByteArray body;
        QString id = updateId;
        if (id.isEmpty()) {
            id = u"mut-"_s + QString::number(nextId++);
            body = requestBody(createDoc, QJsonObject{{u"input"_s, QJsonObject{{u"id"_s, id},
                                                                                {u"title"_s, u"Created"_s},
                                                                                {u"content"_s, u"by 8 clients"_s},
                                                                                {u"rating"_s, 1},
                                                                                {u"status"_s, u"DRAFT"_s},
                                                                                {u"tags"_s, QJsonArray{u"x"_s}}}}});
        } else {
            body = requestBody(updateDoc, QJsonObject{{u"input"_s, QJsonObject{{u"id"_s, id},
                                                                                {u"title"_s, u"Updated"_s},
                                                                                {u"rating"_s, 2},
                                                                                {u"_version"_s, version}}},
                                                      {u"condition"_s, QJsonValue::Null}});
        }
        QNetworkReply *reply = nam->post(bench.graphqlRequest(), body);
        const bool isCreate = updateId.isEmpty();
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, nam, reply, id, isCreate] {
            reply->deleteLater();
            QString e;
            const QJsonObject data = parseAnswer(reply, &e);
            ++done;
            if (!e.isEmpty()) {
                ++failed;
                if (firstError.isEmpty())
                    firstError = e;
                step(nam, QString(), 0);
                return;
            }
            if (isCreate) {
                const int version = data.value(u"createPost"_s).toObject().value(u"_version"_s).toInt(1);
                step(nam, id, version);
            } else {
                step(nam, QString(), 0);
            }
        });
    };
    QElapsedTimer timer;
    timer.start();
    for (auto &nam : clients)
        for (int j = 0; j < kMutationInFlight; ++j)
            step(nam.get(), QString(), 0);
    if (!waitUntil([&] { return done >= started && started >= kMutationCount; }, 10 * 60 * 1000))
        *error = u"mutations timed out"_s;
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    QJsonObject out{{u"mutations"_s, done},
                    {u"mutation_errors"_s, failed},
                    {u"mutation_clients"_s, kMutationClients},
                    {u"mutation_in_flight_per_client"_s, kMutationInFlight},
                    {u"mutations_seconds"_s, seconds},
                    {u"mutations_per_s"_s, double(done - failed) / seconds}};
    if (!firstError.isEmpty())
        out.insert(u"mutation_first_error"_s, firstError);
    return out;
}

// ---- fanout + idle connections ----------------------------------------------------------

struct FanoutClient
{
    std::unique_ptr<QWebSocket> socket;
    bool acked = false;        // start_ack received
    bool failed = false;
    int received = 0;          // data frames
};

QJsonObject fanout(Bench &bench, QNetworkAccessManager &nam, QStringList *notes, QString *error)
{
    QJsonObject out;
    // File descriptors: 1,000 sockets here, and as many in the server (which
    // inherits this process's limit).
#if defined(Q_OS_UNIX)
    {
        rlimit limit{};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
            const rlim_t wanted = 4096;
            if (limit.rlim_cur < wanted) {
                rlimit raised = limit;
                raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
                if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
                    limit = raised;
                if (limit.rlim_cur < wanted)
                    notes->append(u"could not raise RLIMIT_NOFILE to 4096 (now "_s
                                  + QString::number(qulonglong(limit.rlim_cur)) + u")"_s);
            }
            out.insert(u"fd_limit"_s, double(limit.rlim_cur));
        }
    }
#else
    notes->append(u"fd limit not checked on this platform"_s);
#endif

    const std::optional<qint64> rssBefore = residentKiB(bench.pid());

    const QJsonObject auth{{u"host"_s, bench.authority()}, {u"x-amz-date"_s, u"20261124T212254Z"_s},
                           {u"x-api-key"_s, QString::fromLatin1(kApiKey)}};
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({u"graphql-ws"_s,
                             u"header-"_s + QString::fromLatin1(compact(auth).toBase64(
                                                QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))});
    const QString subscription = u"subscription operation {\n  onCreatePost "_s + kFields + u"\n}\n"_s;
    const QString startMessage = QString::fromUtf8(compact(QJsonObject{
        {u"id"_s, u"sub-create"_s},
        {u"type"_s, u"start"_s},
        {u"payload"_s,
         QJsonObject{{u"data"_s, QString::fromUtf8(compact(QJsonObject{{u"query"_s, subscription},
                                                                       {u"variables"_s, QJsonObject{}}}))},
                     {u"extensions"_s, QJsonObject{{u"authorization"_s, auth}}}}}}));

    QElapsedTimer clock;
    clock.start();
    qint64 sentAt = 0;   // ns on clock of the mutation being measured
    std::vector<double> latencies;
    latencies.reserve(size_t(kFanoutClients) * kFanoutMutations);
    int acked = 0;
    int failed = 0;
    QString firstFailure;

    std::vector<FanoutClient> clients(kFanoutClients);
    const QNetworkRequest wsRequest(bench.realtimeUrl());
    constexpr int kOpenBatch = 100;
    for (int first = 0; first < kFanoutClients; first += kOpenBatch) {
        const int last = std::min(kFanoutClients, first + kOpenBatch);
        for (int i = first; i < last; ++i) {
            FanoutClient &c = clients[size_t(i)];
            c.socket = std::make_unique<QWebSocket>();
            QWebSocket *s = c.socket.get();
            QObject::connect(s, &QWebSocket::connected, s,
                             [s] { s->sendTextMessage(u"{\"type\":\"connection_init\"}"_s); });
            QObject::connect(s, &QWebSocket::disconnected, s, [&c, &failed, &firstFailure, s] {
                if (!c.failed) {
                    c.failed = true;
                    ++failed;
                    if (firstFailure.isEmpty())
                        firstFailure = u"disconnected: "_s + s->closeReason() + u" "_s + s->errorString();
                }
            });
            QObject::connect(s, &QWebSocket::textMessageReceived, s, [&, s, i](const QString &text) {
                const qint64 now = clock.nsecsElapsed();
                FanoutClient &me = clients[size_t(i)];
                // Fast path for data frames: no full parse needed to time them.
                if (text.contains(u"\"type\":\"data\""_s)) {
                    ++me.received;
                    latencies.push_back(double(now - sentAt) / 1e6);
                    return;
                }
                const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
                const QString type = o.value(u"type"_s).toString();
                if (type == u"connection_ack") {
                    s->sendTextMessage(startMessage);
                } else if (type == u"start_ack") {
                    if (!me.acked) {
                        me.acked = true;
                        ++acked;
                    }
                } else if (type == u"error" || type == u"connection_error") {
                    if (!me.failed) {
                        me.failed = true;
                        ++failed;
                        if (firstFailure.isEmpty())
                            firstFailure = text;
                    }
                }
            });
            s->open(wsRequest, options);
        }
        waitUntil([&] { return acked + failed >= last; }, 30000);
    }
    waitUntil([&] { return acked + failed >= kFanoutClients; }, 30000);
    out.insert(u"fanout_clients"_s, acked);
    if (acked < kFanoutClients) {
        notes->append(QString::number(kFanoutClients - acked) + u" of "_s + QString::number(kFanoutClients)
                      + u" WebSocket clients did not subscribe"_s
                      + (firstFailure.isEmpty() ? QString() : u" (first: "_s + firstFailure + u")"_s));
    }
    // Let the server settle before reading its RSS.
    waitUntil([] { return false; }, 1000);
    const std::optional<qint64> rssAfter = residentKiB(bench.pid());
    if (rssBefore && rssAfter && acked > 0) {
        out.insert(u"idle_rss_before_kib"_s, double(*rssBefore));
        out.insert(u"idle_rss_after_kib"_s, double(*rssAfter));
        out.insert(u"idle_connection_kib"_s, double(*rssAfter - *rssBefore) / double(acked));
    } else {
        out.insert(u"idle_connection_kib"_s, QJsonValue::Null);
        if (!rssBefore || !rssAfter)
            notes->append(u"no /proc/<pid>/status: idle_connection_kib is null"_s);
    }

    // M createPost mutations, one at a time.
    const QString createDoc = createDocument();
    int mutationsSent = 0;
    int incomplete = 0;
    for (int m = 0; m < kFanoutMutations && acked > 0 && error->isEmpty(); ++m) {
        const qsizetype before = qsizetype(latencies.size());
        const QByteArray body = requestBody(
            createDoc, QJsonObject{{u"input"_s, QJsonObject{{u"id"_s, QString(u"fan-"_s + QString::number(m))},
                                                            {u"title"_s, u"Fanout"_s},
                                                            {u"rating"_s, m}}}});
        sentAt = clock.nsecsElapsed();
        QNetworkReply *reply = nam.post(bench.graphqlRequest(), body);
        ++mutationsSent;
        const qsizetype target = before + acked;
        const bool all = waitUntil([&] { return qsizetype(latencies.size()) >= target && reply->isFinished(); },
                                   10000);
        if (!reply->isFinished())
            reply->abort();
        QString e;
        parseAnswer(reply, &e);
        reply->deleteLater();
        if (!e.isEmpty())
            *error = u"fanout mutation: "_s + e;
        if (!all && ++incomplete >= 3)
            break;   // clients are gone: do not wait 10 s per mutation
    }
    const qsizetype expected = qsizetype(mutationsSent) * acked;
    out.insert(u"fanout_mutations"_s, mutationsSent);
    out.insert(u"fanout_deliveries"_s, qint64(latencies.size()));
    out.insert(u"fanout_missed"_s, qint64(expected - qsizetype(latencies.size())));
    if (incomplete > 0)
        notes->append(QString::number(incomplete) + u" fanout mutations were not delivered to every client in 10 s"_s);
    std::sort(latencies.begin(), latencies.end());
    out.insert(u"fanout_p50_ms"_s, latencies.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(percentile(latencies, 0.50)));
    out.insert(u"fanout_p99_ms"_s, latencies.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(percentile(latencies, 0.99)));
    out.insert(u"fanout_max_ms"_s, latencies.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(latencies.back()));

    for (FanoutClient &c : clients) {
        if (c.socket) {
            c.socket->disconnect();
            c.socket->abort();
        }
    }
    clients.clear();
    return out;
}

void merge(QJsonObject &into, const QJsonObject &from)
{
    for (auto it = from.begin(); it != from.end(); ++it)
        into.insert(it.key(), it.value());
}

} // namespace

QJsonObject runServerBenchmark(const QString &serverBinary, const QString &schemaFile, int records)
{
    QJsonObject result{{u"suite"_s, u"server"_s}, {u"records"_s, records}};
    QStringList notes;
    // Raise the fd limit first so the server process inherits it too.
#if defined(Q_OS_UNIX)
    {
        rlimit limit{};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 4096) {
            rlimit raised = limit;
            raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 4096 : std::min<rlim_t>(4096, limit.rlim_max);
            setrlimit(RLIMIT_NOFILE, &raised);
        }
    }
#endif
    Bench bench;
    const QString startError = bench.start(serverBinary, schemaFile);
    if (!startError.isEmpty()) {
        result.insert(u"error"_s, startError);
        return result;
    }
    QNetworkAccessManager nam;
    QString error;
    merge(result, seed(bench, nam, records, &error));
    if (error.isEmpty())
        merge(result, baseSync(bench, nam, records, &error));
    if (error.isEmpty())
        merge(result, mutations(bench, &error));
    if (error.isEmpty())
        merge(result, fanout(bench, nam, &notes, &error));
    bench.stop();

    result.insert(u"targets"_s, QJsonObject{{u"base_sync_records_per_s"_s, u">= 100000"_s},
                                            {u"mutations_per_s"_s, u">= 2000"_s},
                                            {u"fanout_p99_ms"_s, u"<= 100"_s},
                                            {u"idle_connection_kib"_s, u"<= 64"_s}});
    if (!notes.isEmpty())
        result.insert(u"notes"_s, QJsonArray::fromStringList(notes));
    if (!error.isEmpty())
        result.insert(u"error"_s, error);
    return result;
}
