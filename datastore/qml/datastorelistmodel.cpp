#include "qml/datastorelistmodel.h"

#include "qml/qmlutil_p.h"
#include "qml/tuning_p.h"

#include <QQmlEngine>
#include <QSet>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ds {

DataStoreListModel::DataStoreListModel(QObject *parent)
    : QAbstractListModel(parent), m_pageSize(qml::tuning::listModelPageSize)
{
}

DataStoreListModel::~DataStoreListModel() = default;

// ---- properties -----------------------------------------------------------------

void DataStoreListModel::setStore(QmlDataStore *store)
{
    m_storeSet = true;
    if (m_store == store)
        return;
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (store) {
        // Another DataStore behind the same QML object: reload.
        connect(store, &QmlDataStore::storeChanged, this, &DataStoreListModel::scheduleReload);
    }
    Q_EMIT storeChanged();
    scheduleReload();
}

void DataStoreListModel::setModelName(const QString &name)
{
    if (m_modelName == name)
        return;
    m_modelName = name;
    Q_EMIT modelNameChanged();
    scheduleReload();
}

void DataStoreListModel::setFilter(const QString &filter)
{
    if (m_filter == filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
    scheduleReload();
}

void DataStoreListModel::setSortBy(const QString &sortBy)
{
    if (m_sortBy == sortBy)
        return;
    m_sortBy = sortBy;
    Q_EMIT sortByChanged();
    scheduleReload();
}

void DataStoreListModel::setPageSize(int pageSize)
{
    pageSize = std::max(1, pageSize);
    if (m_pageSize == pageSize)
        return;
    m_pageSize = pageSize;
    Q_EMIT pageSizeChanged();
    scheduleReload();
}

void DataStoreListModel::classBegin()
{
    m_complete = false;
}

void DataStoreListModel::componentComplete()
{
    m_complete = true;
    // Without a `store:` binding, the engine's DataStore singleton.
    if (!m_storeSet) {
        if (QQmlEngine *engine = qmlEngine(this)) {
            const int type = qmlTypeId("QtDataStore", 1, 0, "DataStore");
            if (type >= 0) {
                if (auto *singleton = engine->singletonInstance<QmlDataStore *>(type))
                    setStore(singleton);   // its scheduled reload is the one below
            }
        }
    }
    reload();
}

void DataStoreListModel::scheduleReload()
{
    if (!m_complete || m_reloadScheduled)
        return;
    m_reloadScheduled = true;
    QMetaObject::invokeMethod(this, [this] {
        if (m_reloadScheduled)
            reload();
    }, Qt::QueuedConnection);
}

void DataStoreListModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

void DataStoreListModel::setTotalCount(int total)
{
    if (total >= 0)
        total = std::max(total, count());   // never fewer than the rows shown
    if (m_totalCount == total)
        return;
    m_totalCount = total;
    Q_EMIT totalCountChanged();
}

void DataStoreListModel::setError(const Error &error)
{
    const QmlError e(error);
    if (m_error == e)
        return;
    m_error = e;
    Q_EMIT errorChanged();
}

// ---- loading --------------------------------------------------------------------

void DataStoreListModel::connectStore()
{
    for (const auto &c : std::as_const(m_storeConnections))
        disconnect(c);
    m_storeConnections.clear();
    m_boundStore = m_store ? m_store->store() : nullptr;
    if (!m_boundStore)
        return;
    m_storeConnections = {
        connect(m_boundStore, &DataStore::changed, this, &DataStoreListModel::apply),
        connect(m_boundStore, &DataStore::cleared, this, &DataStoreListModel::scheduleReload),
        connect(m_boundStore, &DataStore::openChanged, this, &DataStoreListModel::onOpenChanged),
    };
}

void DataStoreListModel::onOpenChanged()
{
    // Loaded while the store was opening: those queries waited for the open
    // and read the database it opened, so the rows are current. Reloading
    // anyway would reset a view that may be creating delegates for them
    // (a sync filling the list right after the open).
    if (m_loadedBeforeOpen && m_boundStore && m_boundStore->isOpen() && !m_error.isValid()) {
        m_loadedBeforeOpen = false;
        return;
    }
    scheduleReload();
}

void DataStoreListModel::reload()
{
    m_reloadScheduled = false;
    m_loadedBeforeOpen = m_store && m_store->store() && !m_store->store()->isOpen();
    ++m_generation;
    m_fetching = false;
    m_counting = false;
    m_recountAgain = false;
    m_pageRetries = 0;

    const int oldCount = count();
    const QmlError oldFilterError = m_filterError;
    const QmlError oldSortError = m_sortError;

    connectStore();
    DataStore *store = m_boundStore;
    const ModelSchema *schema = store ? store->schema().model(m_modelName) : nullptr;
    Error error, filterError, sortError;
    Predicate predicate;
    QList<SortBy> sort;
    if (!store) {
        if (!m_modelName.isEmpty())
            error = Error(Error::Domain::Storage, u"NoStore"_s, u"the list model has no store"_s);
    } else if (!schema) {
        if (!m_modelName.isEmpty())
            error = Error::validation(u"UnknownModel"_s,
                                      u"the schema has no model '"_s + m_modelName + u"'"_s);
    } else {
        if (!m_filter.trimmed().isEmpty()) {
            Result<Predicate> parsed = store->parsePredicate(m_modelName, m_filter);
            if (parsed)
                predicate = *parsed;
            else
                filterError = parsed.error();
        }
        Result<QList<SortBy>> parsedSort = qml::parseSort(*store, m_modelName, m_sortBy);
        if (parsedSort)
            sort = qml::withKeyTieBreak(*schema, *parsedSort);
        else
            sortError = parsedSort.error();
    }

    beginResetModel();
    m_rows.clear();
    m_keys.clear();
    m_paged = 0;
    m_schema = schema;
    m_predicate = predicate;
    m_sort = sort;
    m_valid = schema && filterError.isNull() && sortError.isNull();
    m_allLoaded = !m_valid;
    m_fields.clear();
    m_roleNames.clear();
    if (schema) {
        int role = Qt::UserRole + 1;
        for (const FieldSchema *field : schema->storedFields()) {
            m_fields.append(field->name);
            m_roleNames.insert(role++, field->name.toUtf8());
        }
        const auto addRole = [&](const QByteArray &name) {
            for (const QByteArray &existing : std::as_const(m_roleNames)) {
                if (existing == name)
                    return -1;   // a field of that name wins
            }
            m_roleNames.insert(role, name);
            return role++;
        };
        m_elementRole = addRole(QByteArrayLiteral("element"));
        m_keyRole = addRole(QByteArrayLiteral("key"));
    } else {
        m_elementRole = m_keyRole = -1;
    }
    endResetModel();

    m_filterError = QmlError(filterError);
    m_sortError = QmlError(sortError);
    if (!(m_filterError == oldFilterError))
        Q_EMIT filterErrorChanged();
    if (!(m_sortError == oldSortError))
        Q_EMIT sortErrorChanged();
    setError(error);
    if (oldCount != 0)
        Q_EMIT countChanged();
    // Not known until the store has counted (the first page alone does not
    // tell: "100 of 100" until the count came); 0 when nothing can load.
    if (m_valid) {
        if (std::exchange(m_totalCount, -1) != -1)
            Q_EMIT totalCountChanged();
    } else {
        m_totalCount = -1;   // forces the signal
        setTotalCount(0);
    }
    // A view may have asked for the first page from its modelReset handler.
    setLoading(m_fetching);

    if (m_valid) {
        fetchPage();
        recount();
    }
}

Paging DataStoreListModel::pageWindow(int loaded, int pageSize)
{
    pageSize = std::max(1, pageSize);
    if (loaded <= 0)
        return {0, pageSize};
    // The anchor is row a = loaded - 1. A window (page, limit) covers rows
    // [page * limit, page * limit + limit); it must hold a and the pageSize
    // rows after it: a % limit <= limit - pageSize - 1. limit = a + pageSize + 1
    // (page 0) always fits, so the loop ends.
    const qint64 a = loaded - 1;
    for (qint64 limit = qint64(pageSize) + 1;; ++limit) {
        if (a % limit <= limit - pageSize - 1)
            return {int(a / limit), int(limit)};
    }
}

void DataStoreListModel::fetchPage()
{
    if (!m_valid || m_allLoaded || m_fetching || !m_boundStore)
        return;
    const Paging window = pageWindow(count(), m_pageSize);
    m_fetching = true;
    setLoading(true);
    const quint64 generation = m_generation;
    qml::continueLater(m_boundStore->query(m_modelName, m_predicate, m_sort, window), this,
        [this, generation, window](const Result<QList<QVariantMap>> &r) {
            if (generation == m_generation)
                onPage(window, r);
        });
}

void DataStoreListModel::onPage(Paging window, const Result<QList<QVariantMap>> &result)
{
    // m_fetching stays set until the rows are in, so a view asking for
    // more from rowsAboutToBeInserted does not query the same window again.
    if (!result) {
        m_fetching = false;
        // Stop paging (no retry loop against a broken store); reload() starts over.
        setError(result.error());
        m_allLoaded = true;
        setLoading(false);
        return;
    }
    const QList<QVariantMap> &rows = *result;
    const qint64 offset = qint64(window.page) * window.limit;
    const int loaded = count();
    qsizetype first = 0;   // the first row of the page after our last row
    if (loaded == 0) {
        if (offset != 0)
            return retryPage();   // every loaded row went away meanwhile
    } else {
        // The anchor: our last row must be in the page, where we expect it.
        const qint64 anchor = loaded - 1 - offset;
        if (anchor < 0 || anchor >= rows.size()
            || qml::recordKey(*m_schema, rows.at(anchor)) != m_keys.last()) {
            return retryPage();
        }
        first = anchor + 1;
    }

    QList<QVariantMap> added;
    QList<QString> addedKeys;
    const QSet<QString> present(m_keys.cbegin(), m_keys.cend());
    for (qsizetype i = first; i < rows.size(); ++i) {
        const QString key = qml::recordKey(*m_schema, rows.at(i));
        if (present.contains(key))
            continue;   // a change we applied before the query saw it
        const QVariantMap &last = !added.isEmpty() ? added.last()
                                  : (!m_rows.isEmpty() ? m_rows.last() : rows.at(i));
        if (&last != &rows.at(i) && !qml::recordLessThan(m_sort, last, rows.at(i)))
            return retryPage();   // out of order: the store changed under us
        added.append(rows.at(i));
        addedKeys.append(key);
    }
    m_pageRetries = 0;
    // Before the rows go in: a view may ask for more from its rowsInserted handler.
    m_allLoaded = rows.size() < window.limit;
    if (!added.isEmpty()) {
        beginInsertRows(QModelIndex(), loaded, int(loaded + added.size() - 1));
        m_rows.append(added);
        m_keys.append(addedKeys);
        m_fetching = false;   // from rowsInserted on, a view may ask for the next page
        endInsertRows();
        Q_EMIT countChanged();
    }
    if (added.isEmpty())
        m_fetching = false;
    m_paged = count();
    if (m_allLoaded)
        setTotalCount(count());
    else if (m_totalCount >= 0)
        setTotalCount(m_totalCount);
    setLoading(m_fetching);
}

void DataStoreListModel::retryPage()
{
    // Writes raced the query: let their change events arrive, then ask again.
    m_fetching = false;
    if (++m_pageRetries > qml::tuning::maxPageRetries) {
        qWarning("DataStoreListModel: the store keeps changing under the pages of %s; reloading",
                 qPrintable(m_modelName));
        return reload();
    }
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation] {
        if (generation == m_generation)
            fetchPage();
    });
}

void DataStoreListModel::recount()
{
    if (!m_valid || !m_boundStore)
        return;
    if (m_allLoaded) {
        setTotalCount(count());
        return;
    }
    if (m_counting) {
        m_recountAgain = true;
        return;
    }
    m_counting = true;
    const quint64 generation = m_generation;
    qml::continueLater(m_boundStore->count(m_modelName, m_predicate), this,
                       [this, generation](const Result<qint64> &r) {
        if (generation != m_generation)
            return;
        m_counting = false;
        if (!r)
            setError(r.error());
        else if (!m_allLoaded)
            setTotalCount(int(std::min<qint64>(*r, std::numeric_limits<int>::max())));
        if (std::exchange(m_recountAgain, false)) {
            // Changes kept coming while counting: count again, but not back
            // to back (each count reads the whole table).
            m_counting = true;
            QTimer::singleShot(qml::tuning::recountInterval, this, [this, generation] {
                if (generation != m_generation)
                    return;
                m_counting = false;
                m_recountAgain = false;   // this count comes after those changes
                recount();
            });
        } else if (m_allLoaded)
            setTotalCount(count());
    });
}

// ---- incremental updates ----------------------------------------------------------

int DataStoreListModel::insertionRow(const QVariantMap &element, int skip) const
{
    // upper_bound over the rows without row `skip`.
    const int n = count() - (skip >= 0 ? 1 : 0);
    const auto at = [&](int i) -> const QVariantMap & {
        return m_rows.at(skip >= 0 && i >= skip ? i + 1 : i);
    };
    int lo = 0, hi = n;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (qml::recordLessThan(m_sort, element, at(mid)))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void DataStoreListModel::updateTotal()
{
    if (m_allLoaded)
        setTotalCount(count());
    else
        recount();
}

void DataStoreListModel::apply(const ChangeEvent &event)
{
    if (!m_valid || event.model != m_modelName)
        return;
    const QString key = qml::recordKey(*m_schema, event.element);
    const int row = int(m_keys.indexOf(key));
    const bool matches = event.type != ChangeEvent::Type::Deleted
        && m_boundStore && m_boundStore->matches(m_modelName, m_predicate, event.element);

    if (!matches) {
        if (row >= 0) {
            beginRemoveRows(QModelIndex(), row, row);
            m_rows.removeAt(row);
            m_keys.removeAt(row);
            endRemoveRows();
            Q_EMIT countChanged();
        }
        updateTotal();
        return;
    }

    if (row < 0) {
        const int at = insertionRow(event.element);
        // At the end of a partly loaded list the record may belong after rows
        // not loaded yet: a later page brings it.
        if (at == count() && m_allLoaded && count() >= m_pageSize && count() < 2 * m_pageSize) {
            // The list holds about the one page the view asked for and the
            // record belongs after it (a sync filling a store by the
            // thousand): leave it to fetchMore() rather than growing the list
            // by every record that arrives. A list the view paged through
            // further keeps growing at its end.
            m_allLoaded = false;
        } else if (at < count() || m_allLoaded) {
            beginInsertRows(QModelIndex(), at, at);
            m_rows.insert(at, event.element);
            m_keys.insert(at, key);
            endInsertRows();
            if (count() > std::max(m_paged, m_pageSize) + m_pageSize) {
                // Inserts (a sync) grew the list a page past what the view
                // paged in: the last row goes back to the store; fetchMore()
                // brings it when the view scrolls there.
                const int last = count() - 1;
                beginRemoveRows(QModelIndex(), last, last);
                m_rows.removeLast();
                m_keys.removeLast();
                m_allLoaded = false;
                endRemoveRows();
            }
            Q_EMIT countChanged();
        }
        if (!m_allLoaded && event.type == ChangeEvent::Type::Created && m_totalCount >= 0)
            setTotalCount(m_totalCount + 1);   // a record new to the store: no count query (a sync brings thousands)
        else
            updateTotal();
        return;
    }

    if (m_rows.at(row) == event.element)
        return;   // a change the loaded rows already show
    const int at = insertionRow(event.element, row);
    const bool stillBeforeUnloaded = row == count() - 1
        && !qml::recordLessThan(m_sort, m_rows.at(row), event.element);
    if (at == count() - 1 && !m_allLoaded && !stillBeforeUnloaded) {
        // Moved to the end of a partly loaded list: it may belong further
        // down, among rows not loaded yet (a later page brings it back).
        beginRemoveRows(QModelIndex(), row, row);
        m_rows.removeAt(row);
        m_keys.removeAt(row);
        endRemoveRows();
        Q_EMIT countChanged();
        return;
    }
    if (at == row) {
        m_rows[row] = event.element;
        const QModelIndex changed = index(row);
        Q_EMIT dataChanged(changed, changed);
        return;
    }
    beginMoveRows(QModelIndex(), row, row, QModelIndex(), at > row ? at + 1 : at);
    m_rows.move(row, at);
    m_keys.move(row, at);
    m_rows[at] = event.element;
    endMoveRows();
    const QModelIndex moved = index(at);
    Q_EMIT dataChanged(moved, moved);
}

// ---- QAbstractItemModel -------------------------------------------------------------

QVariantMap DataStoreListModel::get(int row) const
{
    if (row < 0 || row >= count())
        return {};
    return m_rows.at(row);
}

int DataStoreListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant DataStoreListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVariantMap &record = m_rows.at(index.row());
    const int field = role - (Qt::UserRole + 1);
    if (field >= 0 && field < m_fields.size())
        return record.value(m_fields.at(field));
    if (role == m_elementRole)
        return record;
    if (role == m_keyRole)
        return m_keys.at(index.row());
    return {};
}

QHash<int, QByteArray> DataStoreListModel::roleNames() const
{
    return m_roleNames;
}

bool DataStoreListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_valid && !m_allLoaded;
}

void DataStoreListModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        fetchPage();
}

} // namespace ds
