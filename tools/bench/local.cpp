// datastore-bench local --records N: the offline store's figures.
//
//   records                  N
//   sqlite_raw_insert_per_s  the same Post rows through one prepared INSERT in one
//                            transaction, straight QtSql: the physical limit here
//   save_batch_per_s         N records through saveAll(), 1,000 per call (one
//                            transaction each), submitted from the event loop
//   save_queued_per_s        N single save() calls, submitted as an app would (in
//                            slices, yielding to the event loop), group-committed
//   save_awaited_per_s       saves one at a time, each awaited
//   query_indexed_p50_ms     Comment by postID (the byPost index)
//   query_scan_p50_ms        Posts whose title contains a string (a full scan; a few rows)
//   observe_latency_p50_ms   save() of a changed record called -> Observation::changed delivered
//   max_event_loop_stall_ms  the longest the calling thread's event loop was
//                            blocked during the batch save

#include "local.h"

#include <datastore/datastore.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

// Waits as an app would: in the event loop, woken when the future finishes
// (no busy polling, which would take a core from the store's worker).
template<typename T>
T await(QFuture<T> future)
{
    if (!future.isFinished()) {
        QEventLoop loop;
        QFutureWatcher<T> watcher;
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        loop.exec();
    }
    return future.result();
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[qsizetype(p * double(values.size() - 1))];
}

QVariantMap postRecord(int i)
{
    return {
        {u"id"_s, u"post-%1"_s.arg(i, 7, 10, QLatin1Char('0'))},
        {u"title"_s, u"Post number %1"_s.arg(i)},
        {u"content"_s, u"Some content for the post, long enough to look like a real one."_s},
        {u"rating"_s, i % 10},
        {u"status"_s, i % 3 ? u"DRAFT"_s : u"PUBLISHED"_s},
        {u"tags"_s, QVariantList{u"qt"_s, u"tag%1"_s.arg(i % 50)}},
    };
}

double rawInsertPerSecond(const QString &path, int records)
{
    const QString name = u"bench-raw"_s;
    double perSecond = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (!db.open())
            return 0;
        QSqlQuery q(db);
        q.exec(u"PRAGMA journal_mode=WAL"_s);
        q.exec(u"PRAGMA synchronous=NORMAL"_s);
        q.exec(u"CREATE TABLE \"Post\" (\"id\" TEXT PRIMARY KEY NOT NULL, \"title\" TEXT, \"content\" TEXT, "
               "\"rating\" INTEGER, \"status\" TEXT, \"tags\" TEXT, \"createdAt\" TEXT, \"updatedAt\" TEXT, "
               "\"_version\" INTEGER, \"_lastChangedAt\" INTEGER, \"_deleted\" INTEGER NOT NULL DEFAULT 0)"_s);
        QElapsedTimer t;
        t.start();
        db.transaction();
        QSqlQuery insert(db);
        insert.prepare(u"INSERT INTO \"Post\" (\"id\", \"title\", \"content\", \"rating\", \"status\", \"tags\") "
                       "VALUES (?, ?, ?, ?, ?, ?)"_s);
        for (int i = 0; i < records; ++i) {
            const QVariantMap r = postRecord(i);
            insert.bindValue(0, r.value(u"id"_s));
            insert.bindValue(1, r.value(u"title"_s));
            insert.bindValue(2, r.value(u"content"_s));
            insert.bindValue(3, r.value(u"rating"_s));
            insert.bindValue(4, r.value(u"status"_s));
            insert.bindValue(5, u"[\"qt\",\"tag%1\"]"_s.arg(i % 50));
            insert.exec();
        }
        db.commit();
        perSecond = records / (double(t.nsecsElapsed()) / 1e9);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return perSecond;
}

} // namespace

QJsonObject runLocalBenchmark(const ds::Schema &schema, int records)
{
    QTemporaryDir dir;
    QJsonObject out{{u"records"_s, records}};

    out.insert(u"sqlite_raw_insert_per_s"_s, rawInsertPerSecond(dir.path() + u"/raw.sqlite"_s, records));

    ds::DataStore store(schema);
    if (const auto opened = await(store.open(dir.path() + u"/store.sqlite"_s)); !opened) {
        out.insert(u"error"_s, opened.error().toString());
        return out;
    }

    // Batch save, submitted in slices from the event loop, while a 1 ms timer
    // watches for stalls of this thread.
    {
        QElapsedTimer sinceTick;
        sinceTick.start();
        qint64 maxStallNs = 0;
        QTimer ticker;
        ticker.setInterval(1);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            maxStallNs = std::max(maxStallNs, sinceTick.nsecsElapsed());
            sinceTick.restart();
        });
        ticker.start();

        constexpr int slice = 500;
        int submitted = 0;
        int failures = 0;
        QList<QFuture<ds::Result<QVariantMap>>> last;
        QElapsedTimer t;
        t.start();
        QFuture<ds::Result<QVariantMap>> lastFuture;
        QEventLoop loop;
        QFutureWatcher<ds::Result<QVariantMap>> done;
        QObject::connect(&done, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        std::function<void()> submit = [&] {
            const int end = std::min(records, submitted + slice);
            for (; submitted < end; ++submitted) {
                lastFuture = store.save(u"Post"_s, postRecord(submitted));
                if (submitted % 1000 == 0)
                    last.append(lastFuture);
            }
            if (submitted < records)
                QTimer::singleShot(0, submit);
            else
                done.setFuture(lastFuture);
        };
        sinceTick.restart();
        QTimer::singleShot(0, submit);
        loop.exec();
        const double seconds = double(t.nsecsElapsed()) / 1e9;
        ticker.stop();
        for (auto &f : last)
            failures += f.result().ok() ? 0 : 1;
        failures += lastFuture.result().ok() ? 0 : 1;
        out.insert(u"save_queued_per_s"_s, records / seconds);
        out.insert(u"max_event_loop_stall_ms"_s, double(maxStallNs) / 1e6);
        out.insert(u"stall_during_queued_saves_ms"_s, double(maxStallNs) / 1e6);
        if (failures)
            out.insert(u"save_queued_failures"_s, failures);
    }

    // Batch save through saveAll(): slices of records, each one call and one
    // transaction, submitted from the event loop as above (new ids).
    {
        QElapsedTimer sinceTick;
        qint64 maxStallNs = 0;
        QTimer ticker;
        ticker.setInterval(1);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            maxStallNs = std::max(maxStallNs, sinceTick.nsecsElapsed());
            sinceTick.restart();
        });
        ticker.start();

        constexpr int slice = 1000;
        constexpr int firstId = 10'000'000;
        int submitted = 0;
        QList<QFuture<ds::Result<QList<QVariantMap>>>> futures;
        QElapsedTimer t;
        t.start();
        QEventLoop loop;
        QFutureWatcher<ds::Result<QList<QVariantMap>>> done;
        QObject::connect(&done, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        std::function<void()> submit = [&] {
            const int end = std::min(records, submitted + slice);
            QList<QVariantMap> batch;
            batch.reserve(end - submitted);
            for (; submitted < end; ++submitted)
                batch.append(postRecord(firstId + submitted));
            futures.append(store.saveAll(u"Post"_s, batch));
            if (submitted < records)
                QTimer::singleShot(0, submit);
            else
                done.setFuture(futures.last());
        };
        sinceTick.start();
        QTimer::singleShot(0, submit);
        loop.exec();
        const double seconds = double(t.nsecsElapsed()) / 1e9;
        ticker.stop();
        int failures = 0;
        for (auto &f : futures) {
            f.waitForFinished();
            failures += f.result().ok() ? 0 : 1;
        }
        out.insert(u"save_batch_per_s"_s, records / seconds);
        out.insert(u"stall_during_batch_saves_ms"_s, double(maxStallNs) / 1e6);
        out.insert(u"max_event_loop_stall_ms"_s,
                   std::max(out.value(u"max_event_loop_stall_ms"_s).toDouble(), double(maxStallNs) / 1e6));
        if (failures)
            out.insert(u"save_batch_failures"_s, failures);
    }

    // Awaited saves: one at a time, each a new record (a create and its outbox entry).
    {
        const int n = std::min(records, 5000);
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < n; ++i) {
            QVariantMap r = postRecord(records + i);
            await(store.save(u"Post"_s, r));
        }
        out.insert(u"save_awaited_per_s"_s, n / (double(t.nsecsElapsed()) / 1e9));
    }

    // Comments for the indexed query: 10 per post for the first records/10 posts.
    {
        QFuture<ds::Result<QVariantMap>> lastFuture;
        const int comments = std::max(10, records / 10);
        for (int i = 0; i < comments; ++i) {
            lastFuture = store.save(u"Comment"_s, {{u"id"_s, u"c%1"_s.arg(i)},
                                                   {u"postID"_s, postRecord(i / 10).value(u"id"_s)},
                                                   {u"content"_s, u"comment %1"_s.arg(i)}});
        }
        await(lastFuture);
        QList<double> samples;
        auto *rng = QRandomGenerator::global();
        for (int i = 0; i < 200; ++i) {
            const QString postId = postRecord(int(rng->bounded(comments / 10))).value(u"id"_s).toString();
            const auto p = store.parsePredicate(u"Comment"_s, u"postID == \""_s + postId + u"\""_s);
            QElapsedTimer t;
            t.start();
            const auto r = await(store.query(u"Comment"_s, *p));
            samples.append(double(t.nsecsElapsed()) / 1e6);
            if (!r || r->size() != 10) {
                out.insert(u"query_indexed_error"_s, r ? u"expected 10 comments, got %1"_s.arg(r->size())
                                                       : r.error().toString());
                break;
            }
        }
        out.insert(u"query_indexed_p50_ms"_s, percentile(samples, 0.5));
        out.insert(u"query_indexed_p99_ms"_s, percentile(samples, 0.99));
        const auto plan = await(store.explain(u"Comment"_s, *store.parsePredicate(u"Comment"_s, u"postID == \"x\""_s)));
        if (plan)
            out.insert(u"query_indexed_uses_index"_s, plan->usesIndex);
    }

    // Full scans.
    {
        QList<double> samples;
        for (int i = 0; i < 20; ++i) {
            const auto p = store.parsePredicate(u"Post"_s, u"title contains \"%1\""_s.arg(1000 + i * 37));
            QElapsedTimer t;
            t.start();
            const auto r = await(store.query(u"Post"_s, *p));
            samples.append(double(t.nsecsElapsed()) / 1e6);
            if (!r) {
                out.insert(u"query_scan_error"_s, r.error().toString());
                break;
            }
        }
        out.insert(u"query_scan_p50_ms"_s, percentile(samples, 0.5));
    }

    // Observe latency: save() called -> changed delivered on this thread.
    {
        std::unique_ptr<ds::Observation> observation(store.observe(u"Post"_s));
        QElapsedTimer t;
        bool seen = false;
        QObject::connect(observation.get(), &ds::Observation::changed, [&] { seen = true; });
        QList<double> samples;
        for (int i = 0; i < 200; ++i) {
            // A real change (a new title), so the write and its commit are timed.
            QVariantMap changed = postRecord(i);
            changed.insert(u"title"_s, u"Observed %1"_s.arg(i));
            seen = false;
            t.start();
            store.save(u"Post"_s, changed);
            while (!seen)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            samples.append(double(t.nsecsElapsed()) / 1e6);
        }
        out.insert(u"observe_latency_p50_ms"_s, percentile(samples, 0.5));
    }

    const double raw = out.value(u"sqlite_raw_insert_per_s"_s).toDouble();
    out.insert(u"targets"_s, QJsonObject{
        {u"save_batch_at_least_half_raw"_s, out.value(u"save_batch_per_s"_s).toDouble() >= raw / 2},
        {u"save_awaited_at_least_5000"_s, out.value(u"save_awaited_per_s"_s).toDouble() >= 5000},
        {u"query_indexed_p50_at_most_1ms"_s, out.value(u"query_indexed_p50_ms"_s).toDouble() <= 1.0},
        {u"max_stall_at_most_16ms"_s, out.value(u"max_event_loop_stall_ms"_s).toDouble() <= 16.0},
    });
    return out;
}
