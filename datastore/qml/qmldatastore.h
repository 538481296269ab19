// ds::QmlDataStore: the DataStore facade as QML sees it (`import QtDataStore`,
// the singleton `DataStore`).
//
// How QML gets its store: the app (or test) creates and opens a
// ds::DataStore in C++ and calls QmlDataStore::setDefaultStore(&store) before
// it loads any QML; the singleton each QML engine creates wraps that store.
// C++ may also construct a QmlDataStore around any store (setStore()), e.g.
// to hand a second store to a DataStoreListModel.
//
// How results reach JavaScript: every operation takes an optional callback
// `function(result, error)` as its last argument, called once, later, on the
// GUI thread (never synchronously from the call): on success with the result
// and null, on failure with null and an error object {domain, code, message,
// line, column, transient}. Failures are also reported through the
// errorOccurred(code, message) signal and the lastError property.
//
//   DataStore.save("Post", { id: "p1", title: "Hello", rating: 7 },
//                  function(post, error) { ... })
//   DataStore.save("Post", post, "rating < 7", callback)    // conditional save
//   DataStore.query("Post", "rating > 5", "rating desc, title", 0, 20, callback)
//
// Cloud sync, when the app configured it (DataStore::configureSync): the
// state as properties (online, syncState, pendingMutations, lastSyncedAt,
// syncedRecords, syncProgress), start()/stop()/clear() with the same
// optional callback, the sync expressions of the admin view
// (syncExpression(), setSyncExpression(), checkPredicate() for validation as
// you type), and the facade's hub signals forwarded as they are (errors as
// dataStoreError values):
//
//   DataStore.stop(); DataStore.setSyncExpression("Post", "rating > 5"); DataStore.start()
//   Connections { target: DataStore; function onModelSynced(model, isFull, isDelta,
//                                                          created, updated, deleted, evicted) {} }
//
// Threading: GUI thread only (the thread of the store); nothing blocks.
#pragma once

#include "qmlerror.h"

#include <datastore/datastore.h>

#include <QDateTime>
#include <QHash>
#include <QJSValue>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QQmlEngine;
class QJSEngine;
QT_END_NAMESPACE

namespace ds {

class QmlDataStore : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(DataStore)
    QML_SINGLETON
    Q_PROPERTY(bool isOpen READ isOpen NOTIFY openChanged)
    Q_PROPERTY(qint64 pendingMutations READ pendingMutations NOTIFY pendingMutationsChanged)
    Q_PROPERTY(ds::QmlError lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(QStringList modelNames READ modelNames NOTIFY storeChanged)
    // Cloud sync (DataStore::syncState() and friends).
    Q_PROPERTY(bool isSyncEnabled READ isSyncEnabled NOTIFY syncStateChanged)
    // DataStore::setAutoStart for this store and the stores set after it:
    // false keeps a stopped sync stopped until start() (a user's pause).
    Q_PROPERTY(bool autoStart READ autoStart WRITE setAutoStart NOTIFY autoStartChanged)
    Q_PROPERTY(SyncState syncState READ syncState NOTIFY syncStateChanged)
    // "localOnly", "stopped", "starting", "syncing", "ready" or "offline".
    Q_PROPERTY(QString syncStateName READ syncStateName NOTIFY syncStateChanged)
    Q_PROPERTY(bool online READ isOnline NOTIFY onlineChanged)
    // When the last sync round finished (invalid before the first).
    Q_PROPERTY(QDateTime lastSyncedAt READ lastSyncedAt NOTIFY lastSyncedAtChanged)
    // Records applied by the current (or last) sync round.
    Q_PROPERTY(qint64 syncedRecords READ syncedRecords NOTIFY syncProgressChanged)
    // 0..1 during a round when the total is known, -1 otherwise.
    Q_PROPERTY(double syncProgress READ syncProgress NOTIFY syncProgressChanged)

public:
    // DataStore::SyncState, for QML (DataStore.Ready).
    enum SyncState { LocalOnly, Stopped, Starting, Syncing, Ready, Offline };
    Q_ENUM(SyncState)
    // DataStore::ClearMode, for clear().
    enum ClearMode { DiscardPending, FlushFirst };
    Q_ENUM(ClearMode)

    // Not default-constructible on purpose: Qt 6.4 prefers a default
    // constructor over create() for singletons.
    explicit QmlDataStore(DataStore *store, QObject *parent = nullptr);
    ~QmlDataStore() override;

    // The factory QML calls once per engine: wraps defaultStore().
    static QmlDataStore *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    // The store the QML singleton wraps; set it before loading QML. The
    // caller keeps ownership (and keeps the store alive while QML runs).
    static void setDefaultStore(DataStore *store);
    static DataStore *defaultStore();

    DataStore *store() const { return m_store; }
    void setStore(DataStore *store);

    bool isOpen() const;
    qint64 pendingMutations() const;
    QmlError lastError() const { return m_lastError; }
    QStringList modelNames() const;
    bool isSyncEnabled() const;
    bool autoStart() const { return m_autoStart; }
    void setAutoStart(bool enabled);
    SyncState syncState() const;
    QString syncStateName() const;
    bool isOnline() const;
    QDateTime lastSyncedAt() const;
    qint64 syncedRecords() const;
    double syncProgress() const;

    // Creates or updates a record; the optional condition is a predicate in
    // the text syntax the current record must satisfy. Result: the record as
    // stored.
    Q_INVOKABLE void save(const QString &modelName, const QJSValue &record,
                          const QJSValue &conditionOrCallback = QJSValue(),
                          const QJSValue &callback = QJSValue());
    // Deletes by id (a string) or by a record (its primary key fields).
    // Result: the deleted record.
    Q_INVOKABLE void remove(const QString &modelName, const QJSValue &idOrRecord,
                            const QJSValue &conditionOrCallback = QJSValue(),
                            const QJSValue &callback = QJSValue());
    // Deletes every record that matches filterText (each with its children,
    // as remove() does); "all" must be written out to delete everything.
    // Result: an array of the deleted records.
    Q_INVOKABLE void removeWhere(const QString &modelName, const QString &filterText,
                                 const QJSValue &callback = QJSValue());
    // Result: an array of records. sortText: "field [asc|desc], ..."; limit
    // -1 for everything.
    Q_INVOKABLE void query(const QString &modelName, const QString &filterText = QString(),
                           const QString &sortText = QString(), int page = 0, int limit = -1,
                           const QJSValue &callback = QJSValue());
    // Result: the number of matching records.
    Q_INVOKABLE void count(const QString &modelName, const QString &filterText = QString(),
                           const QJSValue &callback = QJSValue());
    // Result: the record, or null when there is none.
    Q_INVOKABLE void get(const QString &modelName, const QString &id,
                         const QJSValue &callback = QJSValue());

    // ---- cloud sync ------------------------------------------------------

    // Starts / stops syncing; the callback gets (true, null) or (null, error).
    Q_INVOKABLE void start(const QJSValue &callback = QJSValue());
    Q_INVOKABLE void stop(const QJSValue &callback = QJSValue());
    // Stops sync and deletes every local record, the outbox and the sync
    // state (optional mode first: DataStore.FlushFirst sends pending changes
    // before, when online). Result: the number of discarded pending changes.
    Q_INVOKABLE void clear(const QJSValue &modeOrCallback = QJSValue(),
                           const QJSValue &callback = QJSValue());
    // The model's sync expression in the text syntax; "all" when it has none.
    Q_INVOKABLE QString syncExpression(const QString &modelName) const;
    // Replaces the model's sync expression for the next start() (stop() +
    // start() applies it). Returns an invalid error when accepted, else the
    // error (message, column) and nothing changes.
    Q_INVOKABLE ds::QmlError setSyncExpression(const QString &modelName, const QString &text);
    // Parses and type-checks a predicate for model, as a filter or a sync
    // expression would be: an invalid error when it is fine.
    Q_INVOKABLE ds::QmlError checkPredicate(const QString &modelName, const QString &text) const;
    // Whether a sync round has completed for the model since start.
    Q_INVOKABLE bool isModelSynced(const QString &modelName) const;

Q_SIGNALS:
    void storeChanged();
    void autoStartChanged();
    void openChanged();
    void pendingMutationsChanged();
    void lastErrorChanged();
    void errorOccurred(const QString &code, const QString &message);

    // Sync state (the NOTIFY signals of the properties above).
    void syncStateChanged();
    void onlineChanged();
    void lastSyncedAtChanged();
    void syncProgressChanged();
    // The facade's hub events (DataStore), forwarded as they come.
    void networkStatus(bool active);
    void subscriptionsEstablished();
    void syncQueriesStarted(const QStringList &models);
    void modelSynced(const QString &model, bool isFullSync, bool isDeltaSync, int newCount,
                     int updatedCount, int deletedCount, int evictedCount);
    void syncQueriesReady();
    void ready();
    void outboxMutationEnqueued(const QString &model, const QVariantMap &element);
    void outboxMutationProcessed(const QString &model, const QVariantMap &element);
    void outboxStatus(bool isEmpty);
    void conditionalSaveFailed(const QString &model, const QVariantMap &element, const ds::QmlError &error);
    void outboxMutationFailed(const QString &model, const QString &operation, const QVariantMap &element,
                              const ds::QmlError &error);
    void syncErrorOccurred(const QString &model, const ds::QmlError &error);
    void cleared();

private:
    bool m_autoStart = true;
    quint64 addCallback(const QJSValue &callback);
    // Resolves request `id`: reports an error, then calls its callback.
    void finish(quint64 id, const QVariant &result, const Error &error);
    // finish() with a list of records (JavaScript objects), or the error.
    void finishList(quint64 id, const Result<QList<QVariantMap>> &records);
    // finish() on a later turn of the event loop (errors found before any
    // store call, so callbacks are never synchronous).
    void finishLater(quint64 id, const Error &error);
    void setLastError(const Error &error);
    QJSEngine *engine() const;

    QPointer<DataStore> m_store;
    QList<QMetaObject::Connection> m_storeConnections;
    QPointer<QJSEngine> m_engine;
    QHash<quint64, QJSValue> m_callbacks;
    quint64 m_nextCallback = 1;
    QmlError m_lastError;
};

} // namespace ds
