#include "data/pgchangebridge.h"

#include "data/changefeed.h"
#include "data/logging_p.h"
#include "data/pgstore.h"
#include "data/tuning_p.h"
#include "data/values_p.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDriver>
#include <QSqlError>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

QString operationCode(ServerChange::Operation op)
{
    switch (op) {
    case ServerChange::Operation::Create:
        return u"c"_s;
    case ServerChange::Operation::Update:
        return u"u"_s;
    case ServerChange::Operation::Delete:
        return u"d"_s;
    }
    return u"u"_s;
}

std::optional<ServerChange::Operation> operationFromCode(const QString &code)
{
    if (code == u"c")
        return ServerChange::Operation::Create;
    if (code == u"u")
        return ServerChange::Operation::Update;
    if (code == u"d")
        return ServerChange::Operation::Delete;
    return std::nullopt;
}

} // namespace

// The bridge's half on its own thread: both connections.
class PgChangeBridgeWorker final : public QObject
{
    Q_OBJECT

public:
    PgChangeBridgeWorker(DatabaseSpec spec, std::shared_ptr<const Schema> schema, ChangeFeed *feed,
                         QString instanceId)
        : m_spec(std::move(spec)), m_schema(std::move(schema)), m_feed(feed), m_instanceId(std::move(instanceId)),
          m_listenName(u"server.pg.listen."_s % m_instanceId)
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
        if (!driver->subscribeToNotification(PgChangeBridge::channel()))
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

    // A change made on this instance: tell the others.
    void send(const ServerChange &change)
    {
        const ModelSchema *model = m_schema->model(change.model);
        if (!model)
            return;
        QJsonObject payload{{u"o"_s, m_instanceId},
                            {u"m"_s, change.model},
                            {u"op"_s, operationCode(change.operation)},
                            {u"f"_s, change.mutationField},
                            {u"k"_s, keyOf(*model, change.item)},
                            {u"v"_s, change.item.value(u"_version"_s)}};
        if (!change.selectedFields.isEmpty())
            payload.insert(u"s"_s, QJsonArray::fromStringList(change.selectedFields));
        if (!change.actor.isEmpty())
            payload.insert(u"a"_s, change.actor);
        QJsonObject withItem = payload;
        withItem.insert(u"i"_s, change.item);
        QByteArray text = QJsonDocument(withItem).toJson(QJsonDocument::Compact);
        if (text.size() > tuning::kPgNotifyMaxPayload)
            text = QJsonDocument(payload).toJson(QJsonDocument::Compact);
        if (text.size() > tuning::kPgNotifyMaxPayload) {
            qCWarning(lcServerData).noquote() << "change of" << change.model << "too large to notify";
            return;
        }
        Result<void> r = m_store.notify(PgChangeBridge::channel(), QString::fromUtf8(text));
        if (!r) {
            // One retry on a fresh connection (the store reconnects when broken).
            r = m_store.notify(PgChangeBridge::channel(), QString::fromUtf8(text));
        }
        if (!r)
            qCWarning(lcServerData).noquote() << "cannot notify other instances:" << r.error().message();
        else
            qCDebug(lcServerData).noquote() << "notified" << change.mutationField << text.size() << "bytes";
    }

private:
    void received(const QString &name, QSqlDriver::NotificationSource, const QVariant &payloadValue)
    {
        if (name != PgChangeBridge::channel())
            return;
        m_lastHeard.restart();
        const QJsonObject payload = QJsonDocument::fromJson(payloadValue.toString().toUtf8()).object();
        const QString origin = payload.value(u"o"_s).toString();
        if (origin.isEmpty() || origin == m_instanceId || payload.contains(u"ping"_s))
            return;
        const ModelSchema *model = m_schema->model(payload.value(u"m"_s).toString());
        const std::optional<ServerChange::Operation> op = operationFromCode(payload.value(u"op"_s).toString());
        if (!model || !op) {
            qCWarning(lcServerData).noquote() << "ignoring a change notification:" << payloadValue.toString().left(200);
            return;
        }
        ServerChange change;
        change.model = model->name;
        change.operation = *op;
        change.mutationField = payload.value(u"f"_s).toString();
        for (const QJsonValue &f : payload.value(u"s"_s).toArray())
            change.selectedFields.append(f.toString());
        change.actor = payload.value(u"a"_s).toString();
        change.origin = origin;
        if (payload.value(u"i"_s).isObject()) {
            change.item = payload.value(u"i"_s).toObject();
        } else {
            const Result<std::optional<QJsonObject>> item =
                m_store.fetchChange(*model, payload.value(u"k"_s).toArray(), payload.value(u"v"_s).toInteger());
            if (!item || !item->has_value()) {
                qCWarning(lcServerData).noquote() << "a change of" << model->name << "from" << origin
                                                  << "could not be read back"
                                                  << (item ? QString() : item.error().message());
                return;
            }
            change.item = **item;
        }
        qCDebug(lcServerData).noquote() << "change from" << origin << change.mutationField;
        m_feed->publish(change);
    }

    void ping()
    {
        if (m_lastHeard.elapsed() > tuning::kPgListenPing.count() * tuning::kPgListenMissedPings) {
            qCWarning(lcServerData).noquote() << "change notifications stopped; reconnecting to"
                                              << m_spec.displayName();
            if (Result<void> r = open(); !r) {
                qCWarning(lcServerData).noquote() << "reconnect failed:" << r.error().message();
                m_lastHeard.restart();   // next try after kPgListenMissedPings more pings
                if (m_ping)
                    m_ping->start();
            }
            return;
        }
        const QJsonObject ping{{u"o"_s, m_instanceId}, {u"ping"_s, true}};
        const QString text = QString::fromUtf8(QJsonDocument(ping).toJson(QJsonDocument::Compact));
        if (m_store.notify(PgChangeBridge::channel(), text))
            return;
        // The sending connection broke (and reconnected in notify()): the
        // listening one most likely broke with it; renew it now.
        qCWarning(lcServerData).noquote() << "database connection lost; listening again on" << m_spec.displayName();
        if (Result<void> r = open(); !r) {
            qCWarning(lcServerData).noquote() << "reconnect failed:" << r.error().message();
            m_lastHeard.restart();
            if (m_ping)
                m_ping->start();
        }
    }

    DatabaseSpec m_spec;
    std::shared_ptr<const Schema> m_schema;
    ChangeFeed *m_feed;
    QString m_instanceId;
    QString m_listenName;
    PgStore m_store;
    QTimer *m_ping = nullptr;
    QElapsedTimer m_lastHeard;
};

PgChangeBridge::PgChangeBridge(DatabaseSpec spec, std::shared_ptr<const Schema> schema, ChangeFeed *feed,
                               QObject *parent)
    : QObject(parent), m_spec(std::move(spec)), m_schema(std::move(schema)), m_feed(feed),
      m_instanceId(QUuid::createUuid().toString(QUuid::Id128))
{
    m_thread.setObjectName(u"pg-changes"_s);
}

PgChangeBridge::~PgChangeBridge()
{
    stop();
}

QString PgChangeBridge::channel()
{
    return u"datastore_changes"_s;
}

Result<void> PgChangeBridge::start()
{
    stop();
    m_worker = new PgChangeBridgeWorker(m_spec, m_schema, m_feed, m_instanceId);
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
    // Local changes (origin empty) go out; remote ones came in and stay.
    connect(m_feed, &ChangeFeed::published, this, [worker](const ServerChange &change) {
        if (!change.origin.isEmpty())
            return;
        QMetaObject::invokeMethod(worker, [worker, change] { worker->send(change); }, Qt::QueuedConnection);
    });
    qCInfo(lcServerData).noquote() << "sharing changes with other instances on" << m_spec.displayName()
                                   << "as" << m_instanceId;
    return {};
}

void PgChangeBridge::stop()
{
    if (!m_worker)
        return;
    disconnect(m_feed, nullptr, this, nullptr);
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr;   // deleted on the thread's finish (deleteLater)
}

} // namespace ds::server::data

#include "pgchangebridge.moc"
