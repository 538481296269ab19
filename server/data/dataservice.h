// DataService: the data plane's thread pool. Each worker thread owns one
// ServerStore (SqliteStore or PgStore, one connection, STYLE.md rule 9) and
// one DataResolver; a GraphQL request runs entirely on a worker (engine +
// database) and its answer
// comes back on the service's thread, where the HttpResponder lives.
//
// It also prepares the database at start (tables, indexes, the token key,
// the optional demo seed) and sweeps expired delta rows and tombstones
// periodically.
//
// Threading: create, start and destroy on the HTTP server's thread.
#pragma once

#include "data/dataresolver.h"
#include "data/database.h"

#include <QObject>
#include <QThreadPool>
#include <QThreadStorage>
#include <QTimer>

#include <functional>

namespace ds::server::data {

struct DataServiceOptions
{
    DatabaseSpec database;                 // --db: a SQLite file or a PostgreSQL database
    std::chrono::milliseconds sweepInterval{60000};
    int workers = 4;
    QString seed;                          // "" or "demo"
};

class DataService final : public QObject
{
    Q_OBJECT

public:
    DataService(std::shared_ptr<DataConfig> config, DataServiceOptions options, QObject *parent = nullptr);
    ~DataService() override;

    // Opens the database on this thread, creates or migrates the tables,
    // reads (or makes) the token key, seeds, starts the sweep timer.
    Result<void> start();

    // Runs job on a worker with that thread's resolver, then done(result) on
    // this object's thread.
    void execute(std::function<QByteArray(DataResolver &)> job, std::function<void(QByteArray)> done);

    // One sweep now, on a worker (also what the timer does).
    void sweep();

    std::shared_ptr<const DataConfig> config() const { return m_config; }

Q_SIGNALS:
    void swept(int deltaRows, int tombstones);

private:
    struct Worker;
    Worker *worker();

    std::shared_ptr<DataConfig> m_config;
    DataServiceOptions m_options;
    QThreadStorage<Worker *> m_workers;   // before m_pool: outlives the pool's threads
    QThreadPool m_pool;
    QTimer m_sweepTimer;
};

// Fills an empty database with demo data for the reference schema (Post,
// Comment, User): about 5,000 posts, their comments, users.
Result<void> seedDemo(ServerStore &store, const Schema &schema, qint64 nowMs);

} // namespace ds::server::data
