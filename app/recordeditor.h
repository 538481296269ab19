// notes::RecordEditor: edits one record of the store field by field and
// saves as the user types, after a short quiet period (debounce).
//
//   RecordEditor { id: editor; store: DataStore; modelName: "Post"; recordId: postId }
//   TextField { text: editor.values.title ?? ""; onTextEdited: editor.setField("title", text) }
//
// Never loses text: an edit is kept in `values` at once (so bindings show it)
// and written by the next save; flush() writes at once, and the editor
// flushes when its record changes and when it is destroyed. A save that
// fails keeps the edits and reports lastError; the next edit or flush()
// tries again. Values loaded from the store never overwrite edits not yet
// saved.
//
// The editor follows its record: a change committed by someone else (a sync
// from another device, another view) updates `values` at once, except the
// fields with edits not yet saved or being saved, so what the user types
// is never replaced and a later save does not write back the old values of
// fields the user left alone. When the record leaves the store (deleted
// elsewhere, or evicted by a narrower sync expression), edits not yet
// saved are no longer written (saving would bring it back), stay visible
// in `values`, and lastError says so. Setting a field to the value it has
// is no edit.
//
// When the store opens another database (a user switch), the editor lets
// go of its record (recordId becomes empty): nothing of one user's record
// is ever written into another user's database.
//
// Threading: GUI thread; saves are asynchronous (store futures).
#pragma once

#include "qml/qmldatastore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace notes {

class RecordEditor : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ds::QmlDataStore *store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(QString modelName READ modelName WRITE setModelName NOTIFY modelNameChanged)
    Q_PROPERTY(QString recordId READ recordId WRITE setRecordId NOTIFY recordIdChanged)
    // The record as the user sees it: as loaded, with the edits applied.
    Q_PROPERTY(QVariantMap values READ values NOTIFY valuesChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    // Edits not yet committed to the store.
    Q_PROPERTY(bool dirty READ isDirty NOTIFY dirtyChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(int debounceMs READ debounceMs WRITE setDebounceMs NOTIFY debounceMsChanged)

public:
    explicit RecordEditor(QObject *parent = nullptr);
    ~RecordEditor() override;

    ds::QmlDataStore *store() const { return m_store; }
    void setStore(ds::QmlDataStore *store);
    QString modelName() const { return m_modelName; }
    void setModelName(const QString &name);
    QString recordId() const { return m_recordId; }
    void setRecordId(const QString &id);
    QVariantMap values() const { return m_values; }
    bool isLoaded() const { return m_loaded; }
    bool isDirty() const { return !m_edits.isEmpty() || m_inFlight > 0; }
    QString lastError() const { return m_lastError; }
    int debounceMs() const { return m_timer.interval(); }
    void setDebounceMs(int ms);

    // Sets one field; saved after the debounce interval.
    Q_INVOKABLE void setField(const QString &field, const QVariant &value);
    // Saves the edits now (nothing when there are none).
    Q_INVOKABLE void flush();
    // Saves the edits of every editor now: before the store switches to
    // another user's database (Account::aboutToSwitchStore), so no edit
    // lands in the wrong one.
    static void flushAll();
    // Drops the edits not yet saved (the record is being deleted: a later
    // flush must not bring it back).
    Q_INVOKABLE void discard();

Q_SIGNALS:
    void storeChanged();
    void modelNameChanged();
    void recordIdChanged();
    void valuesChanged();
    void loadedChanged();
    void dirtyChanged();
    void lastErrorChanged();
    void debounceMsChanged();
    // A save of this editor committed.
    void saved();

private:
    ds::DataStore *dataStore() const;
    void load();
    void onDatabaseChanged();
    void onRecordChanged(const ds::ChangeEvent &event);
    void setLoaded(bool loaded);
    void setLastError(const QString &error);

    QPointer<ds::QmlDataStore> m_store;
    QString m_modelName;
    QString m_recordId;
    QString m_databasePath;   // the database the record was loaded from
    QVariantMap m_values;   // loaded record + edits
    QVariantMap m_edits;    // fields edited since the last save was queued
    bool m_loaded = false;
    int m_inFlight = 0;
    QHash<QString, int> m_saving;   // field -> saves in flight that write it
    bool m_deleted = false;         // deleted elsewhere while open
    QMetaObject::Connection m_changes;
    quint64 m_generation = 0;
    QString m_lastError;
    QTimer m_timer;
};

} // namespace notes
