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
    Q_EMIT valuesChanged();
    setLoaded(false);
    ds::DataStore *store = dataStore();
    if (!store || m_modelName.isEmpty() || m_recordId.isEmpty())
        return;
    m_databasePath = store->databasePath();
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

void RecordEditor::setField(const QString &field, const QVariant &value)
{
    if (m_recordId.isEmpty())
        return;
    const bool wasDirty = isDirty();
    const QVariant plain = value.metaType() == QMetaType::fromType<QJSValue>()
        ? value.value<QJSValue>().toVariant() : value;
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
    if (m_edits.isEmpty() || !store)
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
    m_edits.clear();
    ++m_inFlight;
    qCDebug(lcUi) << "saving" << m_modelName << m_recordId;
    QPointer<RecordEditor> self(this);
    store->save(m_modelName, record).then(store, [self](const ds::Result<QVariantMap> &result) {
        if (!self)
            return;
        --self->m_inFlight;
        if (result) {
            self->setLastError(QString());
            Q_EMIT self->saved();
        } else {
            qCWarning(lcUi) << "save failed:" << result.error().message();
            self->setLastError(result.error().message());
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
