#include "recordeditor.h"

#include "logging.h"

#include <datastore/datastore.h>

using namespace Qt::StringLiterals;

namespace notes {

namespace {
constexpr int defaultDebounceMs = 400;
}

namespace {
// Every live editor (GUI thread only), for flushAll().
QList<RecordEditor *> &liveEditors()
{
    static QList<RecordEditor *> editors;
    return editors;
}
} // namespace

void RecordEditor::flushAll()
{
    const QList<RecordEditor *> editors = liveEditors();
    for (RecordEditor *editor : editors)
        editor->flush();
}

RecordEditor::RecordEditor(QObject *parent) : QObject(parent)
{
    liveEditors().append(this);
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultDebounceMs);
    connect(&m_timer, &QTimer::timeout, this, &RecordEditor::flush);
}

RecordEditor::~RecordEditor()
{
    QObject::disconnect(m_changes);
    // The save is queued to the store's worker; it commits even though this
    // editor is gone (the store drains its queue before it closes).
    flush();
    liveEditors().removeOne(this);
}

ds::DataStore *RecordEditor::dataStore() const
{
    return m_store ? m_store->store() : nullptr;
}

void RecordEditor::setStore(ds::QmlDataStore *store)
{
    if (m_store == store)
        return;
    flush();
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (m_store)
        connect(m_store, &ds::QmlDataStore::openChanged, this, &RecordEditor::onDatabaseChanged);
    Q_EMIT storeChanged();
    load();
}

void RecordEditor::onDatabaseChanged()
{
    ds::DataStore *store = dataStore();
    const QString path = store && store->isOpen() ? store->databasePath() : QString();
    if (path.isEmpty() || path == m_databasePath)
        return;
    if (m_databasePath.isEmpty()) {
        // The first open (the record was asked for while it ran).
        m_databasePath = path;
        return;
    }
    // The store now holds another user's database: this record is not
    // theirs. Edits made after the switch are dropped (flushAll() saved the
    // ones made before it); the editor shows nothing until it gets a record.
    qCDebug(lcUi) << "database switched; the editor lets go of" << m_modelName << m_recordId;
    m_timer.stop();
    const bool wasDirty = isDirty();
    m_edits.clear();
    m_databasePath.clear();
    if (!m_recordId.isEmpty()) {
        m_recordId.clear();
        Q_EMIT recordIdChanged();
    }
    load();
    if (wasDirty != isDirty())
        Q_EMIT dirtyChanged();
}

void RecordEditor::setModelName(const QString &name)
{
    if (m_modelName == name)
        return;
    flush();
    m_modelName = name;
    Q_EMIT modelNameChanged();
    load();
}

void RecordEditor::setRecordId(const QString &id)
{
    if (m_recordId == id)
        return;
    flush();
    m_recordId = id;
    Q_EMIT recordIdChanged();
    load();
}

void RecordEditor::setDebounceMs(int ms)
{
    if (m_timer.interval() == ms)
        return;
    m_timer.setInterval(ms);
    Q_EMIT debounceMsChanged();
}

void RecordEditor::load()
{
    const quint64 generation = ++m_generation;
    m_values.clear();
    m_saving.clear();
    m_deleted = false;
    Q_EMIT valuesChanged();
    setLoaded(false);
    QObject::disconnect(m_changes);
    ds::DataStore *store = dataStore();
    if (!store || m_modelName.isEmpty() || m_recordId.isEmpty())
        return;
    m_databasePath = store->databasePath();
    m_changes = connect(store, &ds::DataStore::changed, this, &RecordEditor::onRecordChanged);
    // The store is the continuation's context, not this editor: Qt 6.4's
    // QFuture::then(context) asserts when its context died first.
    QPointer<RecordEditor> self(this);
    store->get(m_modelName, m_recordId)
        .then(store, [this, self, generation](const ds::Result<std::optional<QVariantMap>> &result) {
            if (!self || generation != m_generation)
                return;
            if (!result) {
                setLastError(result.error().message());
                return;
            }
            if (!result->has_value()) {
                setLastError(tr("This item no longer exists."));
                return;
            }
            QVariantMap values = **result;
            // Edits made while the record loaded win.
            for (auto it = m_edits.cbegin(); it != m_edits.cend(); ++it)
                values.insert(it.key(), it.value());
            m_values = values;
            Q_EMIT valuesChanged();
            setLoaded(true);
        });
}

void RecordEditor::onRecordChanged(const ds::ChangeEvent &event)
{
    if (!m_loaded || event.model != m_modelName || event.key != m_recordId)
        return;
    if (event.type == ds::ChangeEvent::Type::Deleted) {
        qCDebug(lcUi) << m_modelName << m_recordId << "was deleted while open";
        const bool wasDirty = isDirty();
        m_timer.stop();
        m_edits.clear();
        m_deleted = true;
        setLastError(tr("This item is gone from this device (deleted, or no longer selected by the sync "
                         "expression); changes to it are no longer saved."));
        if (wasDirty != isDirty())
            Q_EMIT dirtyChanged();
        return;
    }
    // Someone else's change (or our own save coming back): take every field
    // the user is not editing right now.
    bool changed = false;
    for (auto it = event.element.cbegin(); it != event.element.cend(); ++it) {
        if (m_edits.contains(it.key()) || m_saving.contains(it.key()))
            continue;
        if (m_values.value(it.key()) != it.value()) {
            m_values.insert(it.key(), it.value());
            changed = true;
        }
    }
    if (changed)
        Q_EMIT valuesChanged();
}

void RecordEditor::setField(const QString &field, const QVariant &value)
{
    if (m_recordId.isEmpty() || m_deleted)
        return;
    const QVariant plain = value.metaType() == QMetaType::fromType<QJSValue>()
        ? value.value<QJSValue>().toVariant() : value;
    // A view writing back the value it was given (a bound field updated by
    // a change from elsewhere) is no edit.
    if (m_loaded && !m_edits.contains(field) && m_values.value(field) == plain)
        return;
    const bool wasDirty = isDirty();
    m_edits.insert(field, plain);
    if (m_values.value(field) != plain) {
        m_values.insert(field, plain);
        Q_EMIT valuesChanged();
    }
    m_timer.start();
    if (!wasDirty)
        Q_EMIT dirtyChanged();
}

void RecordEditor::flush()
{
    m_timer.stop();
    ds::DataStore *store = dataStore();
    if (m_edits.isEmpty() || !store || m_deleted)
        return;
    // Only the model's own fields: the stored form also carries timestamps
    // and sync metadata the store maintains itself.
    const ds::ModelSchema *schema = store->schema().model(m_modelName);
    QVariantMap record;
    if (schema) {
        for (const ds::FieldSchema &field : schema->fields) {
            if (field.isReadOnly || !field.isStored() || !m_values.contains(field.name))
                continue;
            record.insert(field.name, m_values.value(field.name));
        }
    } else {
        record = m_values;
    }
    record.insert(u"id"_s, m_recordId);
    const QStringList fields = m_edits.keys();
    for (const QString &field : fields)
        ++m_saving[field];
    m_edits.clear();
    ++m_inFlight;
    qCDebug(lcUi) << "saving" << m_modelName << m_recordId;
    QPointer<RecordEditor> self(this);
    const quint64 generation = m_generation;
    store->save(m_modelName, record).then(store, [self, fields, generation](const ds::Result<QVariantMap> &result) {
        if (!self)
            return;
        --self->m_inFlight;
        if (generation == self->m_generation) {
            for (const QString &field : fields) {
                if (--self->m_saving[field] <= 0)
                    self->m_saving.remove(field);
            }
        }
        if (result) {
            self->setLastError(QString());
            Q_EMIT self->saved();
        } else {
            qCWarning(lcUi) << "save failed:" << result.error().message();
            self->setLastError(result.error().message());
            // Still edits: shown, protected from changes made elsewhere, and
            // written by the next flush.
            if (generation == self->m_generation && !self->m_deleted) {
                for (const QString &field : fields) {
                    if (!self->m_edits.contains(field))
                        self->m_edits.insert(field, self->m_values.value(field));
                }
            }
        }
        if (!self->isDirty())
            Q_EMIT self->dirtyChanged();
    });
}

void RecordEditor::discard()
{
    m_timer.stop();
    if (m_edits.isEmpty())
        return;
    m_edits.clear();
    if (!isDirty())
        Q_EMIT dirtyChanged();
}

void RecordEditor::setLoaded(bool loaded)
{
    if (m_loaded == loaded)
        return;
    m_loaded = loaded;
    Q_EMIT loadedChanged();
}

void RecordEditor::setLastError(const QString &error)
{
    if (m_lastError == error)
        return;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}

} // namespace notes
