#include "data/dataservice.h"

#include "data/logging_p.h"
#include "data/tuning_p.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace ds::server::data {

struct DataService::Worker
{
    std::unique_ptr<ServerStore> store;
    std::unique_ptr<DataResolver> resolver;
    Error openError;
};

DataService::DataService(std::shared_ptr<DataConfig> config, DataServiceOptions options, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_options(std::move(options))
{
    m_pool.setMaxThreadCount(qMax(1, m_options.workers));
    m_pool.setExpiryTimeout(-1);   // threads (and their connections) live as long as the pool
    m_sweepTimer.setInterval(m_options.sweepInterval);
    connect(&m_sweepTimer, &QTimer::timeout, this, &DataService::sweep);
}

DataService::~DataService()
{
    m_sweepTimer.stop();
    m_pool.waitForDone();
}

Result<void> DataService::start()
{
    Result<std::unique_ptr<ServerStore>> opened = openStore(m_options.database);
    if (!opened)
        return opened.error();
    ServerStore &store = **opened;
    if (Result<void> r = store.prepareSchema(*m_config->schema); !r)
        return r;
    const Result<QByteArray> key = store.tokenSecret();
    if (!key)
        return key.error();
    m_config->tokenKey = *key;
    m_config->indexOperations();
    if (m_options.seed == u"demo") {
        if (Result<void> r = seedDemo(store, *m_config->schema, m_config->clock->nowMs()); !r)
            return r;
    } else if (!m_options.seed.isEmpty()) {
        return Error(Error::Domain::Validation, u"UnknownSeed"_s, u"unknown seed '"_s % m_options.seed % u"' (demo)"_s);
    }
    opened->reset();
    m_sweepTimer.start();
    return {};
}

DataService::Worker *DataService::worker()
{
    if (!m_workers.hasLocalData())
        m_workers.setLocalData(new Worker);
    Worker *w = m_workers.localData();
    // Opened on first use, and again while it fails (a database server that
    // was down when this thread started).
    if (!w->resolver) {
        if (Result<std::unique_ptr<ServerStore>> store = openStore(m_options.database); !store) {
            w->openError = store.error();
        } else {
            w->store = std::move(*store);
            w->resolver = std::make_unique<DataResolver>(m_config, *w->store);
        }
    }
    return w;
}

void DataService::execute(std::function<QByteArray(DataResolver &)> job, std::function<void(QByteArray)> done)
{
    m_pool.start([this, job = std::move(job), done = std::move(done)]() mutable {
        Worker *w = worker();
        QByteArray body;
        if (!w->resolver) {
            qCWarning(lcServerData).noquote() << "worker has no database:" << w->openError.message();
            body = R"({"errors":[{"message":"The database is not available","errorType":"InternalFailure"}]})";
        } else {
            body = job(*w->resolver);
        }
        QMetaObject::invokeMethod(this, [done = std::move(done), body = std::move(body)] { done(body); },
                                  Qt::QueuedConnection);
    });
}

void DataService::sweep()
{
    m_pool.start([this] {
        Worker *w = worker();
        if (!w->resolver)
            return;
        const Result<SweepResult> r = w->store->sweep(*m_config->schema, m_config->clock->nowMs() / 1000);
        if (!r) {
            qCWarning(lcServerData).noquote() << "sweep failed:" << r.error().message();
            return;
        }
        if (r->deltaRows || r->tombstones)
            qCInfo(lcServerData) << "swept" << r->deltaRows << "delta rows," << r->tombstones << "tombstones";
        const SweepResult result = *r;
        QMetaObject::invokeMethod(this, [this, result] { Q_EMIT swept(result.deltaRows, result.tombstones); },
                                  Qt::QueuedConnection);
    });
}

} // namespace ds::server::data
