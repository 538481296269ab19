#include "qml/qmldatastore.h"

#include "qml/qmlutil_p.h"

#include <QJSEngine>
#include <QQmlEngine>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

QPointer<DataStore> &defaultStoreRef()
{
    static QPointer<DataStore> store;
    return store;
}

Error noStore()
{
    return Error(Error::Domain::Storage, u"NoStore"_s,
                 u"no data store: call QmlDataStore::setDefaultStore() before loading QML"_s);
}

Error unknownModel(const QString &model)
{
    return Error::validation(u"UnknownModel"_s, u"the schema has no model '"_s + model + u"'"_s);
}

} // namespace

QmlDataStore::QmlDataStore(DataStore *store, QObject *parent) : QObject(parent)
{
    setStore(store);
}

QmlDataStore::~QmlDataStore() = default;

QmlDataStore *QmlDataStore::create(QQmlEngine *qmlEngine, QJSEngine *jsEngine)
{
    auto *self = new QmlDataStore(defaultStore());
    self->m_engine = jsEngine ? jsEngine : qmlEngine;
    return self;   // owned by the engine
}

void QmlDataStore::setDefaultStore(DataStore *store)
{
    defaultStoreRef() = store;
}

DataStore *QmlDataStore::defaultStore()
{
    return defaultStoreRef();
}

void QmlDataStore::setStore(DataStore *store)
{
    if (m_store == store)
        return;
    for (const auto &c : std::as_const(m_storeConnections))
        disconnect(c);
    m_storeConnections.clear();
    const bool wasOpen = isOpen();
    const qint64 oldPending = pendingMutations();
    m_store = store;
    if (store) {
        store->setAutoStart(m_autoStart);
        m_storeConnections = {
            connect(store, &DataStore::openChanged, this, &QmlDataStore::openChanged),
            connect(store, &DataStore::pendingMutationsChanged, this,
                    &QmlDataStore::pendingMutationsChanged),
            connect(store, &DataStore::errorOccurred, this,
                    [this](const ds::Error &error) { setLastError(error); }),
            connect(store, &QObject::destroyed, this, [this] {
                m_store = nullptr;
                Q_EMIT storeChanged();
                Q_EMIT openChanged();
                Q_EMIT syncStateChanged();
                Q_EMIT onlineChanged();
            }),
            // Sync state and hub events, forwarded.
            connect(store, &DataStore::syncStateChanged, this, &QmlDataStore::syncStateChanged),
            connect(store, &DataStore::onlineChanged, this, &QmlDataStore::onlineChanged),
            connect(store, &DataStore::lastSyncedAtChanged, this, &QmlDataStore::lastSyncedAtChanged),
            connect(store, &DataStore::syncProgressChanged, this, &QmlDataStore::syncProgressChanged),
            connect(store, &DataStore::networkStatus, this, &QmlDataStore::networkStatus),
            connect(store, &DataStore::subscriptionsEstablished, this, &QmlDataStore::subscriptionsEstablished),
            connect(store, &DataStore::syncQueriesStarted, this, &QmlDataStore::syncQueriesStarted),
            connect(store, &DataStore::modelSynced, this, &QmlDataStore::modelSynced),
            connect(store, &DataStore::syncQueriesReady, this, &QmlDataStore::syncQueriesReady),
            connect(store, &DataStore::ready, this, &QmlDataStore::ready),
            connect(store, &DataStore::outboxMutationEnqueued, this, &QmlDataStore::outboxMutationEnqueued),
            connect(store, &DataStore::outboxMutationProcessed, this, &QmlDataStore::outboxMutationProcessed),
            connect(store, &DataStore::outboxStatus, this, &QmlDataStore::outboxStatus),
            connect(store, &DataStore::conditionalSaveFailed, this,
                    [this](const QString &model, const QVariantMap &element, const ds::Error &error) {
                        Q_EMIT conditionalSaveFailed(model, element, QmlError(error));
                    }),
            connect(store, &DataStore::outboxMutationFailed, this,
                    [this](const QString &model, const QString &operation, const QVariantMap &element,
                           const ds::Error &error) {
                        Q_EMIT outboxMutationFailed(model, operation, element, QmlError(error));
                    }),
            connect(store, &DataStore::syncErrorOccurred, this,
                    [this](const QString &model, const ds::Error &error) {
                        Q_EMIT syncErrorOccurred(model, QmlError(error));
                    }),
            connect(store, &DataStore::cleared, this, &QmlDataStore::cleared),
        };
    }
    Q_EMIT storeChanged();
    if (wasOpen != isOpen())
        Q_EMIT openChanged();
    if (oldPending != pendingMutations())
        Q_EMIT pendingMutationsChanged();
    Q_EMIT syncStateChanged();
    Q_EMIT onlineChanged();
    Q_EMIT lastSyncedAtChanged();
    Q_EMIT syncProgressChanged();
}

bool QmlDataStore::isOpen() const
{
    return m_store && m_store->isOpen();
}

qint64 QmlDataStore::pendingMutations() const
{
    return m_store ? m_store->pendingMutations() : 0;
}

QStringList QmlDataStore::modelNames() const
{
    QStringList names;
    if (m_store) {
        for (const ModelSchema &model : m_store->schema().models())
            names.append(model.name);
    }
    return names;
}

bool QmlDataStore::isSyncEnabled() const
{
    return m_store && m_store->isSyncEnabled();
}

QmlDataStore::SyncState QmlDataStore::syncState() const
{
    if (!m_store)
        return LocalOnly;
    switch (m_store->syncState()) {
    case DataStore::SyncState::LocalOnly: return LocalOnly;
    case DataStore::SyncState::Stopped: return Stopped;
    case DataStore::SyncState::Starting: return Starting;
    case DataStore::SyncState::Syncing: return Syncing;
    case DataStore::SyncState::Ready: return Ready;
    case DataStore::SyncState::Offline: return Offline;
    }
    return LocalOnly;
}

QString QmlDataStore::syncStateName() const
{
    switch (syncState()) {
    case LocalOnly: return u"localOnly"_s;
    case Stopped: return u"stopped"_s;
    case Starting: return u"starting"_s;
    case Syncing: return u"syncing"_s;
    case Ready: return u"ready"_s;
    case Offline: return u"offline"_s;
    }
    return {};
}

bool QmlDataStore::isOnline() const
{
    return m_store && m_store->isOnline();
}

QDateTime QmlDataStore::lastSyncedAt() const
{
    return m_store ? m_store->lastSyncedAt() : QDateTime();
}

qint64 QmlDataStore::syncedRecords() const
{
    return m_store ? m_store->syncedRecords() : 0;
}

double QmlDataStore::syncProgress() const
{
    return m_store ? m_store->syncProgress() : -1.0;
}

QJSEngine *QmlDataStore::engine() const
{
    if (m_engine)
        return m_engine;
    return qjsEngine(this);
}

quint64 QmlDataStore::addCallback(const QJSValue &callback)
{
    const quint64 id = m_nextCallback++;
    if (callback.isCallable())
        m_callbacks.insert(id, callback);
    return id;
}

void QmlDataStore::setLastError(const Error &error)
{
    m_lastError = QmlError(error);
    Q_EMIT lastErrorChanged();
    Q_EMIT errorOccurred(error.code(), error.message());
}

void QmlDataStore::finish(quint64 id, const QVariant &result, const Error &error)
{
    const QJSValue callback = m_callbacks.take(id);
    if (!error.isNull())
        setLastError(error);
    if (!callback.isCallable())
        return;
    QJSEngine *js = engine();
    if (!js) {
        qWarning("DataStore: cannot call back into JavaScript: the object has no engine");
        return;
    }
    const QJSValue value = error.isNull() ? js->toScriptValue(result) : QJSValue(QJSValue::NullValue);
    const QJSValue errorValue = error.isNull() ? QJSValue(QJSValue::NullValue)
                                               : js->toScriptValue(qml::errorToMap(error));
    const QJSValue r = callback.call({value, errorValue});
    if (r.isError()) {
        qWarning("DataStore: a callback threw %s at %s:%d",
                 qPrintable(r.toString()), qPrintable(r.property(u"fileName"_s).toString()),
                 r.property(u"lineNumber"_s).toInt());
    }
}

void QmlDataStore::finishLater(quint64 id, const Error &error)
{
    QTimer::singleShot(0, this, [this, id, error] { finish(id, QVariant(), error); });
}

namespace {

// The condition argument, if it is one (a string), and the callback.
struct Trailing
{
    QString condition;
    QJSValue callback;
};

Trailing trailing(const QJSValue &conditionOrCallback, const QJSValue &callback)
{
    if (conditionOrCallback.isCallable())
        return {QString(), conditionOrCallback};
    if (conditionOrCallback.isString())
        return {conditionOrCallback.toString(), callback};
    return {QString(), callback};
}

} // namespace

void QmlDataStore::save(const QString &modelName, const QJSValue &record,
                        const QJSValue &conditionOrCallback, const QJSValue &callback)
{
    const Trailing t = trailing(conditionOrCallback, callback);
    const quint64 id = addCallback(t.callback);
    if (!m_store)
        return finishLater(id, noStore());
    const ModelSchema *model = m_store->schema().model(modelName);
    if (!model)
        return finishLater(id, unknownModel(modelName));
    if (!record.isObject() || record.isArray() || record.isCallable()) {
        return finishLater(id, Error::validation(u"InvalidRecord"_s,
                                                 u"save() takes a record object, not '"_s
                                                     + record.toString() + u"'"_s));
    }
    Predicate condition;
    if (!t.condition.trimmed().isEmpty()) {
        Result<Predicate> parsed = m_store->parsePredicate(modelName, t.condition);
        if (!parsed)
            return finishLater(id, parsed.error());
        condition = *parsed;
    }
    const QVariantMap map = qml::normalizeRecord(*model, record.toVariant().toMap());
    qml::continueLater(m_store->save(modelName, map, condition), this, [this, id](const Result<QVariantMap> &r) {
            finish(id, r ? QVariant(*r) : QVariant(), r ? Error() : r.error());
        });
}

void QmlDataStore::remove(const QString &modelName, const QJSValue &idOrRecord,
                          const QJSValue &conditionOrCallback, const QJSValue &callback)
{
    const Trailing t = trailing(conditionOrCallback, callback);
    const quint64 id = addCallback(t.callback);
    if (!m_store)
        return finishLater(id, noStore());
    const ModelSchema *model = m_store->schema().model(modelName);
    if (!model)
        return finishLater(id, unknownModel(modelName));
    QVariantMap key;
    if (idOrRecord.isString()) {
        if (model->primaryKey.size() != 1) {
            return finishLater(id, Error::validation(u"InvalidId"_s,
                modelName + u": the primary key has several fields ("_s + model->primaryKey.join(u", "_s)
                    + u"); give them as a record, not an id"_s));
        }
        key.insert(model->primaryKey.first(), idOrRecord.toString());
    } else if (idOrRecord.isObject() && !idOrRecord.isArray()) {
        key = qml::normalizeRecord(*model, idOrRecord.toVariant().toMap());
    } else {
        return finishLater(id, Error::validation(u"InvalidRecord"_s,
                                                 u"remove() takes an id or a record, not '"_s
                                                     + idOrRecord.toString() + u"'"_s));
    }
    Predicate condition;
    if (!t.condition.trimmed().isEmpty()) {
        Result<Predicate> parsed = m_store->parsePredicate(modelName, t.condition);
        if (!parsed)
            return finishLater(id, parsed.error());
        condition = *parsed;
    }
    qml::continueLater(m_store->remove(modelName, key, condition), this, [this, id](const Result<QVariantMap> &r) {
            finish(id, r ? QVariant(*r) : QVariant(), r ? Error() : r.error());
        });
}

void QmlDataStore::removeWhere(const QString &modelName, const QString &filterText, const QJSValue &callback)
{
    const quint64 id = addCallback(callback);
    if (!m_store)
        return finishLater(id, noStore());
    if (!m_store->schema().model(modelName))
        return finishLater(id, unknownModel(modelName));
    if (filterText.trimmed().isEmpty()) {
        return finishLater(id, Error::validation(u"PredicateSyntax"_s,
            u"removeWhere() needs a filter; write \"all\" to delete every "_s + modelName));
    }
    Result<Predicate> predicate = m_store->parsePredicate(modelName, filterText);
    if (!predicate)
        return finishLater(id, predicate.error());
    qml::continueLater(m_store->removeWhere(modelName, *predicate), this,
                       [this, id](const Result<QList<QVariantMap>> &r) { finishList(id, r); });
}

void QmlDataStore::finishList(quint64 id, const Result<QList<QVariantMap>> &records)
{
    QVariantList list;
    if (records) {
        list.reserve(records->size());
        for (const QVariantMap &record : *records)
            list.append(record);
    }
    finish(id, list, records ? Error() : records.error());
}

void QmlDataStore::query(const QString &modelName, const QString &filterText,
                         const QString &sortText, int page, int limit, const QJSValue &callback)
{
    const quint64 id = addCallback(callback);
    if (!m_store)
        return finishLater(id, noStore());
    const ModelSchema *model = m_store->schema().model(modelName);
    if (!model)
        return finishLater(id, unknownModel(modelName));
    Predicate predicate;
    if (!filterText.trimmed().isEmpty()) {
        Result<Predicate> parsed = m_store->parsePredicate(modelName, filterText);
        if (!parsed)
            return finishLater(id, parsed.error());
        predicate = *parsed;
    }
    Result<QList<SortBy>> sort = qml::parseSort(*m_store, modelName, sortText);
    if (!sort)
        return finishLater(id, sort.error());
    qml::continueLater(m_store->query(modelName, predicate, qml::withKeyTieBreak(*model, *sort),
                                      Paging{std::max(0, page), limit < 0 ? -1 : limit}),
                       this, [this, id](const Result<QList<QVariantMap>> &r) { finishList(id, r); });
}

void QmlDataStore::count(const QString &modelName, const QString &filterText,
                         const QJSValue &callback)
{
    const quint64 id = addCallback(callback);
    if (!m_store)
        return finishLater(id, noStore());
    Predicate predicate;
    if (!filterText.trimmed().isEmpty()) {
        Result<Predicate> parsed = m_store->parsePredicate(modelName, filterText);
        if (!parsed)
            return finishLater(id, parsed.error());
        predicate = *parsed;
    }
    qml::continueLater(m_store->count(modelName, predicate), this, [this, id](const Result<qint64> &r) {
        finish(id, r ? QVariant(double(*r)) : QVariant(), r ? Error() : r.error());
    });
}

void QmlDataStore::get(const QString &modelName, const QString &id, const QJSValue &callback)
{
    const quint64 request = addCallback(callback);
    if (!m_store)
        return finishLater(request, noStore());
    qml::continueLater(m_store->get(modelName, id), this, [this, request](const Result<std::optional<QVariantMap>> &r) {
            QVariant value = QVariant::fromValue(nullptr);
            if (r && r->has_value())
                value = **r;
            finish(request, value, r ? Error() : r.error());
        });
}

// ---- cloud sync ------------------------------------------------------------

void QmlDataStore::start(const QJSValue &callback)
{
    const quint64 id = addCallback(callback);
    if (!m_store)
        return finishLater(id, noStore());
    qml::continueLater(m_store->start(), this, [this, id](const Result<void> &r) {
        finish(id, r ? QVariant(true) : QVariant(), r ? Error() : r.error());
    });
}

void QmlDataStore::setAutoStart(bool enabled)
{
    if (m_store)
        m_store->setAutoStart(enabled);
    if (std::exchange(m_autoStart, enabled) != enabled)
        Q_EMIT autoStartChanged();
}

void QmlDataStore::stop(const QJSValue &callback)
{
    const quint64 id = addCallback(callback);
    if (!m_store)
        return finishLater(id, noStore());
    qml::continueLater(m_store->stop(), this, [this, id](const Result<void> &r) {
        finish(id, r ? QVariant(true) : QVariant(), r ? Error() : r.error());
    });
}

void QmlDataStore::clear(const QJSValue &modeOrCallback, const QJSValue &callback)
{
    DataStore::ClearMode mode = DataStore::ClearMode::DiscardPending;
    QJSValue cb = callback;
    if (modeOrCallback.isCallable()) {
        cb = modeOrCallback;
    } else if (modeOrCallback.isNumber() && modeOrCallback.toInt() == FlushFirst) {
        mode = DataStore::ClearMode::FlushFirst;
    }
    const quint64 id = addCallback(cb);
    if (!m_store)
        return finishLater(id, noStore());
    qml::continueLater(m_store->clear(mode), this, [this, id](const Result<qint64> &r) {
        finish(id, r ? QVariant(double(*r)) : QVariant(), r ? Error() : r.error());
    });
}

QString QmlDataStore::syncExpression(const QString &modelName) const
{
    if (!m_store)
        return u"all"_s;
    const QList<SyncConfiguration::Expression> expressions = m_store->syncConfiguration().syncExpressions();
    for (const SyncConfiguration::Expression &e : expressions) {
        if (e.model != modelName)
            continue;
        if (e.predicate)
            return e.predicate->isAll() ? u"all"_s : DataStore::printPredicate(*e.predicate);
        return e.text.trimmed().isEmpty() ? u"all"_s : e.text;
    }
    return u"all"_s;
}

QmlError QmlDataStore::setSyncExpression(const QString &modelName, const QString &text)
{
    if (!m_store)
        return QmlError(noStore());
    const QString trimmed = text.trimmed();
    const Result<void> r = m_store->setSyncExpression(modelName, trimmed.isEmpty() ? u"all"_s : trimmed);
    return r ? QmlError() : QmlError(r.error());
}

QmlError QmlDataStore::checkPredicate(const QString &modelName, const QString &text) const
{
    if (!m_store)
        return QmlError(noStore());
    if (!m_store->schema().model(modelName))
        return QmlError(unknownModel(modelName));
    if (text.trimmed().isEmpty())
        return {};
    const Result<Predicate> r = m_store->parsePredicate(modelName, text);
    return r ? QmlError() : QmlError(r.error());
}

bool QmlDataStore::isModelSynced(const QString &modelName) const
{
    return m_store && m_store->isModelSynced(modelName);
}

} // namespace ds
