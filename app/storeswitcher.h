// notes::StoreSwitcher: moves the app's one ds::DataStore from a user's
// database to another's. The QML singleton and every list model stay bound
// to the same DataStore object; they reload when it opens the other file.
//
//   flushAndStop(timeout)   the leaving user's outbox: when the store is
//                           connected (or connecting), wait (bounded) until
//                           it is empty, then stop sync. Resolves to the
//                           changes still waiting (0: everything was sent).
//                           Never clears or deletes anything.
//   switchTo(path, config)  closes the current database, opens `path`,
//                           configures sync with `config` and starts it
//                           when it has an endpoint.
//   pause()                 stops sync until it is configured again.
//
// While switching, sync is configured off so that a query of a list model
// cannot auto-start the engine with the leaving user's credentials.
//
// Threading: GUI thread (the thread of the store).
#pragma once

#include <datastore/datastore.h>
#include <datastore/syncconfiguration.h>

#include <QFuture>
#include <QObject>
#include <QPointer>

#include <chrono>

namespace notes {

class StoreSwitcher : public QObject
{
    Q_OBJECT

public:
    explicit StoreSwitcher(ds::DataStore *store, QObject *parent = nullptr);

    ds::DataStore *store() const { return m_store; }

    QFuture<qint64> flushAndStop(std::chrono::milliseconds timeout);
    QFuture<ds::Result<void>> switchTo(const QString &databasePath, const ds::SyncConfiguration &config);
    // Stops sync and keeps it from auto-starting (no usable credentials);
    // the database, its data and its outbox stay. configureSync() + start()
    // resume it.
    void pause();

private:
    QPointer<ds::DataStore> m_store;
};

} // namespace notes
