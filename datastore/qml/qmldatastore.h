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
// Threading: GUI thread only (the thread of the store); nothing blocks.
#pragma once

#include "qmlerror.h"

#include <datastore/datastore.h>

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

public:
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

Q_SIGNALS:
    void storeChanged();
    void openChanged();
    void pendingMutationsChanged();
    void lastErrorChanged();
    void errorOccurred(const QString &code, const QString &message);

private:
    quint64 addCallback(const QJSValue &callback);
    // Resolves request `id`: reports an error, then calls its callback.
    void finish(quint64 id, const QVariant &result, const Error &error);
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
