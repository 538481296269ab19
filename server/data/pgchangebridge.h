// PgChangeBridge: the change feed across server instances that share one
// PostgreSQL database (LISTEN/NOTIFY, payload in pgnotify_p.h).
//
//   instance A: mutation -> PgStore::announce() = pg_notify inside the write
//               transaction (so it is sent exactly when, and only if, the
//               write commits; writes are serialized, so in commit order)
//   instance B: this bridge hears it -> ServerChange (origin = A's id)
//               -> ChangeFeed::publish -> B's realtime hub
//
// A change left without its item (too large for a payload) is read back
// from the delta log (PgStore::fetchChange). Every instance ignores its own
// notifications: its hub got the change from its own feed, and no change is
// delivered twice.
//
// The listening connection runs no other statement (libpq would swallow
// notifications that arrive during one); a second connection reads items and
// sends pings. The listener pings itself every kPgListenPing and reconnects
// both connections when a ping cannot be sent or kPgListenMissedPings pings
// in a row did not come back. Changes notified while it was disconnected are
// not replayed: clients catch up with their delta sync on reconnect, as after
// any dropped subscription.
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

    // Connects and LISTENs (blocking until then), then feeds other
    // instances' changes into the ChangeFeed.
    Result<void> start();
    void stop();

private:
    DatabaseSpec m_spec;
    std::shared_ptr<const Schema> m_schema;
    ChangeFeed *m_feed;
    QThread m_thread;
    PgChangeBridgeWorker *m_worker = nullptr;   // lives on m_thread
};

} // namespace ds::server::data
