// PgChangeBridge: the change feed across server instances that share one
// PostgreSQL database (LISTEN/NOTIFY on channel "datastore_changes").
//
//   this instance: ChangeFeed::published (origin empty) -> NOTIFY payload
//   other instance: notification -> ServerChange (origin = sender's id)
//                   -> ChangeFeed::publish -> its realtime hub
//
// Payload (JSON, < tuning::kPgNotifyMaxPayload bytes): {"o": instance id,
// "m": model, "op": "c"|"u"|"d", "f": mutation field, "s": selected fields,
// "a": actor, "k": primary key, "v": _version, "i": item}. "i" is left out
// when the payload would be too large; the receiver then reads the item back
// from the delta log (PgStore::fetchChange). A change is sent after its
// transaction committed, so a receiver always finds it. The sender ignores
// its own notifications: no change is delivered twice on one instance.
//
// The listening connection runs no other statement (libpq would swallow
// notifications that arrive during one); a second connection sends and reads.
// The listener pings itself every kPgListenPing and reconnects both
// connections when kPgListenMissedPings pings in a row did not come back
// (changes notified while disconnected are not replayed: clients catch up
// with their delta sync on reconnect, as after any dropped subscription).
//
// Threading: create, start and destroy on the ChangeFeed's thread; the
// connections live on the bridge's own thread.
#pragma once

#include "data/database.h"

#include <datastore/modelschema.h>
#include <datastore/result.h>

#include <QObject>
#include <QThread>

#include <memory>

namespace ds::server {
class ChangeFeed;
}

namespace ds::server::data {

class PgChangeBridgeWorker;

class PgChangeBridge final : public QObject
{
    Q_OBJECT

public:
    PgChangeBridge(DatabaseSpec spec, std::shared_ptr<const Schema> schema, ChangeFeed *feed,
                   QObject *parent = nullptr);
    ~PgChangeBridge() override;

    // Connects and LISTENs (blocking until then), then carries changes both ways.
    Result<void> start();
    void stop();

    QString instanceId() const { return m_instanceId; }

    static QString channel();

private:
    DatabaseSpec m_spec;
    std::shared_ptr<const Schema> m_schema;
    ChangeFeed *m_feed;
    QString m_instanceId;
    QThread m_thread;
    PgChangeBridgeWorker *m_worker = nullptr;   // lives on m_thread
};

} // namespace ds::server::data
