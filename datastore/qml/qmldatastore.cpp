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
            }),
        };
    }
    Q_EMIT storeChanged();
    if (wasOpen != isOpen())
        Q_EMIT openChanged();
    if (oldPending != pendingMutations())
        Q_EMIT pendingMutationsChanged();
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
        key.insert(u"id"_s, idOrRecord.toString());
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
                       this, [this, id](const Result<QList<QVariantMap>> &r) {
            QVariantList list;
            if (r) {
                list.reserve(r->size());
                for (const QVariantMap &record : *r)
                    list.append(record);
            }
            finish(id, list, r ? Error() : r.error());
        });
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

} // namespace ds
