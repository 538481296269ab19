#include "data/pgchangebridge.h"

#include "data/changefeed.h"
#include "data/logging_p.h"
#include "data/pgnotify_p.h"
#include "data/pgstore.h"
#include "data/tuning_p.h"

#include <QElapsedTimer>
#include <QSqlDriver>
#include <QSqlError>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ds::server::data {

// The bridge's half on its own thread: both connections.
class PgChangeBridgeWorker final : public QObject
{
    Q_OBJECT

public:
    PgChangeBridgeWorker(DatabaseSpec spec, std::shared_ptr<const Schema> schema, ChangeFeed *feed)
        : m_spec(std::move(spec)), m_schema(std::move(schema)), m_feed(feed),
          m_listenName(u"server.pg.listen."_s % pgnotify::instanceId())
    {
    }

    ~PgChangeBridgeWorker() override { closeAll(); }

    Result<void> open()
    {
        closeAll();
        if (Result<void> r = m_store.open(m_spec); !r)
            return r;
        QSqlDatabase db = m_spec.openConnection(m_listenName);
        if (!db.isOpen())
            return Error(Error::Domain::Storage, u"StorageError"_s,
                         u"cannot connect to "_s % m_spec.displayName() % u": "_s % db.lastError().text(), true);
        QSqlDriver *driver = db.driver();
        connect(driver, &QSqlDriver::notification, this, &PgChangeBridgeWorker::received);
        if (!driver->subscribeToNotification(pgnotify::channel()))
            return Error(Error::Domain::Storage, u"StorageError"_s,
                         u"LISTEN failed: "_s % driver->lastError().text(), true);
        m_lastHeard.start();
        if (!m_ping) {
            m_ping = new QTimer(this);
            m_ping->setInterval(tuning::kPgListenPing);
            connect(m_ping, &QTimer::timeout, this, &PgChangeBridgeWorker::ping);
        }
        m_ping->start();
        return {};
    }

private:
    void closeAll()
    {
        if (m_ping)
            m_ping->stop();
        if (QSqlDatabase::contains(m_listenName)) {
            {
                QSqlDatabase db = QSqlDatabase::database(m_listenName, false);
                if (db.driver())
                    db.driver()->disconnect(this);
            }
            removeConnection(m_listenName);
        }
        m_store.close();
    }

    void received(const QString &name, QSqlDriver::NotificationSource, const QVariant &payload)
    {
        if (name != pgnotify::channel())
            return;
        m_lastHeard.restart();
        std::optional<pgnotify::Notification> n = pgnotify::decode(*m_schema, payload.toString().toUtf8());
        if (!n) {
            qCWarning(lcServerData).noquote() << "ignoring a change notification:" << payload.toString().left(200);
            return;
        }
        if (n->isPing || n->origin == pgnotify::instanceId())
            return;
        if (!n->hasItem) {
            const ModelSchema *model = m_schema->model(n->change.model);
            const Result<std::optional<QJsonObject>> item = m_store.fetchChange(*model, n->key, n->version);
            if (!item || !item->has_value()) {
                qCWarning(lcServerData).noquote() << "a change of" << model->name << "from" << n->origin
                                                  << "could not be read back"
                                                  << (item ? QString() : item.error().message());
                return;
            }
            n->change.item = **item;
        }
        qCDebug(lcServerData).noquote() << "change from" << n->origin << n->change.mutationField;
        m_feed->publish(n->change);
    }

    void ping()
    {
        const bool silent = m_lastHeard.elapsed() > tuning::kPgListenPing.count() * tuning::kPgListenMissedPings;
        if (!silent && m_store.notify(pgnotify::channel(), QString::fromUtf8(pgnotify::ping())))
            return;
        qCWarning(lcServerData).noquote() << "change notifications"
                                          << (silent ? "stopped" : "cannot be sent") << "- reconnecting to"
                                          << m_spec.displayName();
        if (Result<void> r = open(); !r) {
            qCWarning(lcServerData).noquote() << "reconnect failed:" << r.error().message();
            m_lastHeard.start();   // the next try after kPgListenMissedPings pings
            if (m_ping)
                m_ping->start();
        }
    }

    DatabaseSpec m_spec;
    std::shared_ptr<const Schema> m_schema;
    ChangeFeed *m_feed;
    QString m_listenName;
    PgStore m_store;
    QTimer *m_ping = nullptr;
    QElapsedTimer m_lastHeard;
};

PgChangeBridge::PgChangeBridge(DatabaseSpec spec, std::shared_ptr<const Schema> schema, ChangeFeed *feed,
                               QObject *parent)
    : QObject(parent), m_spec(std::move(spec)), m_schema(std::move(schema)), m_feed(feed)
{
    m_thread.setObjectName(u"pg-changes"_s);
}

PgChangeBridge::~PgChangeBridge()
{
    stop();
}

Result<void> PgChangeBridge::start()
{
    stop();
    m_worker = new PgChangeBridgeWorker(m_spec, m_schema, m_feed);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    Result<void> opened;
    PgChangeBridgeWorker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, &opened] { opened = worker->open(); },
                              Qt::BlockingQueuedConnection);
    if (!opened) {
        stop();
        return opened;
    }
    qCInfo(lcServerData).noquote() << "sharing changes with other instances on" << m_spec.displayName()
                                   << "as" << pgnotify::instanceId();
    return {};
}

void PgChangeBridge::stop()
{
    if (!m_worker)
        return;
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr;   // deleted on the thread's finish (deleteLater)
}

} // namespace ds::server::data

#include "pgchangebridge.moc"
