// datastore-bench sync --records N
//
// Starts the real datastore-server (next to this binary) on 127.0.0.1 with a
// throwaway SQLite database, seeds N posts over HTTP, then measures the
// client (ds::DataStore with sync configured, page size 1000, maxRecords
// above N), as one JSON object:
//   initial_sync_records_per_s  fresh client: configureSync + start() until
//                               syncQueriesReady; records in the local store
//                               divided by the seconds, end to end
//   initial_sync_peak_rss_mib   this process's peak RSS (VmHWM, reset before the
//                               sync where the kernel allows it)
//   max_event_loop_stall_ms     the largest gap of a 1 ms timer on this (GUI)
//                               thread during the initial sync (and, for
//                               comparison, idle_event_loop_stall_ms: 2 s
//                               before it, nothing syncing)
//   delta_sync_ms_1000_changes  client stopped, 1,000 posts updated on the
//                               server over HTTP, then start() until
//                               syncQueriesReady
//   replication_p50/p99_ms      two started clients: save() on A until B's
//                               changed signal for that record; 1,000
//                               samples, one at a time
// Targets are reported, never asserted. Every wait is bounded.

#include "sync.h"

#include "benchsupport.h"

#include <datastore/datastore.h>

#include "qml/datastorelistmodel.h"
#include "qml/qmldatastore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#if defined(Q_OS_LINUX)
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;
using namespace dsbench;

namespace {

constexpr int kReplicationSamples = 1000;
constexpr int kDeltaChanges = 1000;
constexpr int kUpdateBatch = 50;        // updatePost fields per request (the server allows 50)
constexpr int kSyncTimeoutMs = 30 * 60 * 1000;
constexpr int kSampleTimeoutMs = 10000;

// ---- platform seam: this process's peak resident set ------------------------------

// Resets the peak (Linux: "5" to /proc/self/clear_refs); false where it cannot.
bool resetPeakResident()
{
#if defined(Q_OS_LINUX)
    QFile f(u"/proc/self/clear_refs"_s);
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
#else
    return false;
#endif
}

// The peak resident set in KiB (Linux: VmHWM); nullopt where unknown.
std::optional<qint64> peakResidentKiB()
{
#if defined(Q_OS_LINUX)
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmHWM:")) {
            bool ok = false;
            const qint64 kib = line.mid(6).simplified().split(' ').value(0).toLongLong(&ok);
            if (ok)
                return kib;
        }
    }
#endif
    return std::nullopt;
}

// CPU seconds used by process pid so far (Linux: utime + stime of
// /proc/<pid>/stat); nullopt elsewhere.
std::optional<double> processCpuSeconds(qint64 pid)
{
#if defined(Q_OS_LINUX)
    QFile f(u"/proc/"_s + QString::number(pid) + u"/stat"_s);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray stat = f.readAll();
    // Fields after the command name (which may contain spaces) in parentheses.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return std::nullopt;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return (fields.at(11).toDouble() + fields.at(12).toDouble()) / ticks;
#else
    Q_UNUSED(pid);
    return std::nullopt;
#endif
}

// ---- helpers ---------------------------------------------------------------------------

// Waits in the event loop (never busy: the store's worker needs the core).
template<typename T>
std::optional<T> await(QFuture<T> future, int timeoutMs = 60000)
{
    if (!waitUntil([&] { return future.isFinished(); }, timeoutMs))
        return std::nullopt;
    return future.result();
}

// The largest gap between ticks of a 1 ms timer on this thread.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_maxGapNs = std::max(m_maxGapNs, now - m_lastNs);
            m_lastNs = now;
        });
    }
    void start()
    {
        m_maxGapNs = 0;
        m_clock.start();
        m_lastNs = 0;
        m_timer.start();
    }
    double stopMs()
    {
        m_timer.stop();
        m_maxGapNs = std::max(m_maxGapNs, m_clock.nsecsElapsed() - m_lastNs);
        return double(m_maxGapNs) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_maxGapNs = 0;
};

struct Client
{
    std::unique_ptr<ds::DataStore> store;
    int syncErrors = 0;
    QString firstSyncError;
};

ds::SyncConfiguration clientConfiguration(const Bench &bench, int records)
{
    ds::SyncConfiguration config;
    config.endpoint = bench.graphqlRequest().url();
    config.apiKey = QString::fromLatin1(kApiKey);
    config.pageSize = 1000;
    config.maxRecords = records + 10000;
    return config;
}

std::unique_ptr<Client> makeClient(const ds::Schema &schema, const QString &path, const Bench &bench, int records,
                                   QString *error)
{
    auto client = std::make_unique<Client>();
    client->store = std::make_unique<ds::DataStore>(schema);
    const auto opened = await(client->store->open(path));
    if (!opened || !*opened) {
        *error = u"cannot open "_s + path + (opened ? u": "_s + opened->error().message() : QString());
        return nullptr;
    }
    Client *c = client.get();
    QObject::connect(c->store.get(), &ds::DataStore::syncErrorOccurred, c->store.get(),
                     [c](const QString &model, const ds::Error &e) {
                         if (c->syncErrors++ == 0)
                             c->firstSyncError = model + u": "_s + e.message();
                     });
    client->store->configureSync(clientConfiguration(bench, records));
    return client;
}

// start() until syncQueriesReady; the seconds, or nullopt (error set).
std::optional<double> syncUntilReady(Client &client, QString *error, std::function<void(const QString &, bool, int)>
                                                                          onModel = {})
{
    bool ready = false;
    QMetaObject::Connection readyConnection =
        QObject::connect(client.store.get(), &ds::DataStore::syncQueriesReady, client.store.get(), [&ready] { ready = true; });
    QMetaObject::Connection modelConnection = QObject::connect(
        client.store.get(), &ds::DataStore::modelSynced, client.store.get(),
        [&onModel](const QString &model, bool, bool isDelta, int created, int updated, int deleted, int) {
            if (onModel)
                onModel(model, isDelta, created + updated + deleted);
        });
    QElapsedTimer timer;
    timer.start();
    client.store->start();
    const bool done = waitUntil([&ready] { return ready; }, kSyncTimeoutMs);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    QObject::disconnect(readyConnection);
    QObject::disconnect(modelConnection);
    if (!done) {
        *error = u"no syncQueriesReady within "_s + QString::number(kSyncTimeoutMs / 1000) + u" s"_s;
        return std::nullopt;
    }
    return seconds;
}

// Updates posts postId(0..count-1) on the server (title changed, _version 1).
bool updateOnServer(Bench &bench, QNetworkAccessManager &nam, int count, QString *error)
{
    for (int first = 0; first < count; first += kUpdateBatch) {
        QString doc = u"mutation change {\n"_s;
        const int last = std::min(count, first + kUpdateBatch);
        for (int i = first; i < last; ++i) {
            doc += u"  m"_s + QString::number(i - first) + u": updatePost(input: {id: \""_s + postId(i)
                + u"\", title: \"Changed "_s + QString::number(i) + u"\", _version: 1}) { id _version }\n"_s;
        }
        doc += u"}\n"_s;
        QNetworkReply *reply = nam.post(bench.graphqlRequest(), requestBody(doc, {}));
        if (!waitUntil([reply] { return reply->isFinished(); }, 60000))
            reply->abort();
        QString e;
        parseAnswer(reply, &e);
        reply->deleteLater();
        if (!e.isEmpty()) {
            *error = u"updating posts on the server: "_s + e;
            return false;
        }
    }
    return true;
}

void noteSyncErrors(const Client &client, const QString &name, QStringList *notes)
{
    if (client.syncErrors > 0) {
        notes->append(name + u": "_s + QString::number(client.syncErrors) + u" sync error(s), first: "_s
                      + client.firstSyncError);
    }
}

QJsonValue orNull(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject runSyncBenchmark(const QString &serverBinary, const QString &schemaFile, int records)
{
    QJsonObject machine{{u"cpu"_s, QSysInfo::currentCpuArchitecture()},
                        {u"cores"_s, QThread::idealThreadCount()},
                        {u"qt"_s, QString::fromLatin1(qVersion())}};
    // How busy the machine was: the wall-clock figures depend on it.
    if (QFile load(u"/proc/loadavg"_s); load.open(QIODevice::ReadOnly))
        machine.insert(u"load_average_1m"_s, load.readAll().split(' ').value(0).toDouble());
    QJsonObject result{{u"suite"_s, u"sync"_s}, {u"records"_s, records}, {u"machine"_s, machine}};
    result.insert(u"targets"_s, QJsonObject{{u"initial_sync_records_per_s"_s, u">= 100000"_s},
                                            {u"replication_p99_ms"_s, u"<= 20"_s},
                                            {u"max_event_loop_stall_ms"_s, u"<= 16"_s}});
    QStringList notes;
    auto finish = [&](const QString &error) {
        if (!notes.isEmpty())
            result.insert(u"notes"_s, QJsonArray::fromStringList(notes));
        if (!error.isEmpty())
            result.insert(u"error"_s, error);
        return result;
    };

    QFile file(schemaFile);
    if (!file.open(QIODevice::ReadOnly))
        return finish(u"cannot read "_s + schemaFile);
    ds::SourceError schemaError;
    const std::optional<ds::Schema> schema = ds::Schema::fromGraphQL(file.readAll(), schemaFile, &schemaError);
    if (!schema)
        return finish(schemaError.toString());
    if (!schema->model(u"Post"_s))
        return finish(schemaFile + u": the sync benchmark needs a Post model"_s);

    QTemporaryDir dir;
    if (!dir.isValid())
        return finish(u"cannot create a temporary directory"_s);
    Bench bench;
    if (const QString e = bench.start(serverBinary, schemaFile); !e.isEmpty())
        return finish(e);
    QNetworkAccessManager nam;
    QString error;
    const QJsonObject seeded = seed(bench, nam, records, &error);
    result.insert(u"seed_seconds"_s, seeded.value(u"seed_seconds"_s));
    if (!error.isEmpty())
        return finish(error);

    // Progress on stderr, for people (and profilers attaching at the right phase).
    auto phase = [](const QString &text) {
        std::fprintf(stderr, "datastore-bench sync: %s\n", qUtf8Printable(text));
        std::fflush(stderr);
    };
    phase(u"seeded "_s + QString::number(records) + u" posts; initial sync"_s);

    // ---- initial sync: a fresh client, end to end -----------------------------------
    std::unique_ptr<Client> a = makeClient(*schema, dir.filePath(u"a.sqlite"_s), bench, records, &error);
    if (!a)
        return finish(error);
    const bool peakReset = resetPeakResident();
    if (!peakReset)
        notes.append(u"could not reset the peak RSS: initial_sync_peak_rss_mib includes seeding"_s);
    StallMeter stalls;
    // The same meter for 2 s with nothing syncing: what the machine alone
    // costs a 1 ms timer (a busy machine delays any thread now and then).
    stalls.start();
    waitUntil([] { return false; }, 2000);
    result.insert(u"idle_event_loop_stall_ms"_s, stalls.stopMs());
    const std::clock_t clientCpu0 = std::clock();
    const std::optional<double> serverCpu0 = processCpuSeconds(bench.pid());
    stalls.start();
    const std::optional<double> initialSeconds = syncUntilReady(*a, &error);
    const double stallMs = stalls.stopMs();
    const double clientCpu = double(std::clock() - clientCpu0) / CLOCKS_PER_SEC;
    const std::optional<double> serverCpu1 = processCpuSeconds(bench.pid());
    const std::optional<qint64> peak = peakResidentKiB();
    if (!initialSeconds)
        return finish(u"initial sync: "_s + error);
    const auto localCount = await(a->store->count(u"Post"_s));
    const qint64 local = localCount && *localCount ? **localCount : -1;
    if (local != records)
        notes.append(u"the client has "_s + QString::number(local) + u" posts after the initial sync, expected "_s
                     + QString::number(records));
    result.insert(u"initial_sync_records"_s, double(local));
    result.insert(u"initial_sync_seconds"_s, *initialSeconds);
    result.insert(u"initial_sync_records_per_s"_s, double(local) / *initialSeconds);
    result.insert(u"initial_sync_peak_rss_mib"_s,
                  peak ? QJsonValue(double(*peak) / 1024.0) : QJsonValue(QJsonValue::Null));
    result.insert(u"max_event_loop_stall_ms"_s, stallMs);
    // Where the time went: CPU seconds of this process (all its threads) and
    // of the server during the initial sync; on a busy machine the wall time
    // also includes waiting for a core.
    result.insert(u"initial_sync_client_cpu_s"_s, clientCpu);
    result.insert(u"initial_sync_server_cpu_s"_s,
                  serverCpu0 && serverCpu1 ? QJsonValue(*serverCpu1 - *serverCpu0) : QJsonValue(QJsonValue::Null));

    phase(u"initial sync done; delta sync"_s);
    // ---- delta sync: stopped, 1,000 server-side changes, start() ------------------------
    if (!await(a->store->stop()))
        return finish(u"stop() did not finish"_s);
    const int changes = std::min(kDeltaChanges, records);
    if (!updateOnServer(bench, nam, changes, &error))
        return finish(error);
    bool wasDelta = false;
    int deltaRecords = 0;
    const std::optional<double> deltaSeconds =
        syncUntilReady(*a, &error, [&](const QString &model, bool isDelta, int n) {
            if (model == u"Post"_s) {
                wasDelta = isDelta;
                deltaRecords = n;
            }
        });
    if (!deltaSeconds)
        return finish(u"delta sync: "_s + error);
    result.insert(changes == kDeltaChanges ? u"delta_sync_ms_1000_changes"_s
                                           : u"delta_sync_ms_"_s + QString::number(changes) + u"_changes"_s,
                  *deltaSeconds * 1000.0);
    result.insert(u"delta_sync_records"_s, deltaRecords);
    if (!wasDelta)
        notes.append(u"the second sync of Post was not a delta sync"_s);

    phase(u"delta sync done; replication"_s);
    // ---- replication: save on A until B's changed ------------------------------------
    std::unique_ptr<Client> b = makeClient(*schema, dir.filePath(u"b.sqlite"_s), bench, records, &error);
    if (!b)
        return finish(error);
    const std::optional<double> bSeconds = syncUntilReady(*b, &error);
    if (!bSeconds)
        return finish(u"second client: "_s + error);
    result.insert(u"second_client_sync_seconds"_s, *bSeconds);
    // Both idle: nothing pending on A.
    waitUntil([&] { return a->store->pendingMutations() == 0; }, 30000);

    QElapsedTimer clock;
    clock.start();
    QString waitingFor;
    qint64 arrivedNs = -1;
    QObject::connect(b->store.get(), &ds::DataStore::changed, b->store.get(), [&](const ds::ChangeEvent &e) {
        if (!waitingFor.isEmpty() && e.key == waitingFor) {
            arrivedNs = clock.nsecsElapsed();
            waitingFor.clear();
        }
    });
    std::vector<double> latencies;
    latencies.reserve(kReplicationSamples);
    int missed = 0;
    for (int i = 0; i < kReplicationSamples && missed < 3; ++i) {
        const QString id = u"replicated-"_s + QString::number(i);
        waitingFor = id;
        arrivedNs = -1;
        const qint64 sentNs = clock.nsecsElapsed();
        a->store->save(u"Post"_s, QVariantMap{{u"id"_s, id},
                                              {u"title"_s, QString(u"Replicated "_s + QString::number(i))},
                                              {u"content"_s, u"from A to B"_s},
                                              {u"rating"_s, i % 10},
                                              {u"status"_s, u"DRAFT"_s}});
        if (!waitUntil([&] { return arrivedNs >= 0; }, kSampleTimeoutMs)) {
            ++missed;
            continue;
        }
        latencies.push_back(double(arrivedNs - sentNs) / 1e6);
    }
    waitingFor.clear();
    if (missed > 0)
        notes.append(QString::number(missed) + u" replication sample(s) did not reach B within "_s
                     + QString::number(kSampleTimeoutMs / 1000) + u" s"_s);
    result.insert(u"replication_samples"_s, qint64(latencies.size()));
    result.insert(u"replication_p50_ms"_s,
                  orNull(latencies.empty() ? std::nullopt : std::optional<double>(percentile(latencies, 0.50))));
    result.insert(u"replication_p99_ms"_s,
                  orNull(latencies.empty() ? std::nullopt : std::optional<double>(percentile(latencies, 0.99))));
    result.insert(u"replication_max_ms"_s,
                  orNull(latencies.empty() ? std::nullopt : std::optional<double>(percentile(latencies, 1.0))));

    noteSyncErrors(*a, u"client A"_s, &notes);
    noteSyncErrors(*b, u"client B"_s, &notes);
    await(a->store->stop());
    await(b->store->stop());

    phase(u"replication done; initial sync with a bound list model"_s);
    // ---- the initial sync again, as an app sees it: a fresh client with the
    // app's list model (DataStoreListModel, pages of 50 by title) bound to
    // Post, so every synced record reaches the GUI thread as a change event.
    std::unique_ptr<Client> c = makeClient(*schema, dir.filePath(u"c.sqlite"_s), bench, records, &error);
    if (!c)
        return finish(error);
    qint64 observedEvents = 0;
    QObject::connect(c->store.get(), &ds::DataStore::changed, c->store.get(),
                     [&observedEvents](const ds::ChangeEvent &e) { observedEvents += e.model == u"Post"_s; });
    ds::QmlDataStore qmlStore(c->store.get());
    ds::DataStoreListModel list;
    list.classBegin();
    list.setStore(&qmlStore);
    list.setModelName(u"Post"_s);
    list.setSortBy(u"title"_s);
    list.setPageSize(50);
    list.componentComplete();
    stalls.start();
    const std::optional<double> observedSeconds = syncUntilReady(*c, &error);
    const double observedStallMs = stalls.stopMs();
    if (!observedSeconds)
        return finish(u"initial sync with a list model: "_s + error);
    // Client C syncs A's replicated posts too.
    const auto observedCount = await(c->store->count(u"Post"_s));
    const qint64 observedRecords = observedCount && *observedCount ? **observedCount : 0;
    waitUntil([&] { return list.totalCount() >= observedRecords; }, 10000);
    result.insert(u"observed_initial_sync_records"_s, double(observedRecords));
    result.insert(u"observed_initial_sync_records_per_s"_s, double(observedRecords) / *observedSeconds);
    result.insert(u"observed_max_event_loop_stall_ms"_s, observedStallMs);
    result.insert(u"observed_change_events"_s, double(observedEvents));
    result.insert(u"observed_list_total"_s, list.totalCount());
    if (observedEvents < observedRecords)
        notes.append(u"the bound client saw "_s + QString::number(observedEvents) + u" Post change events, expected "_s
                     + QString::number(observedRecords));
    noteSyncErrors(*c, u"client C"_s, &notes);
    await(c->store->stop());
    c.reset();
    b.reset();
    a.reset();
    bench.stop();
    if (missed >= 3)
        error = u"replication stalled: 3 samples never reached B"_s;
    return finish(error);
}
