// ds::DataStoreListModel: the records of one model that match a filter, in
// sort order, as a list model for QML views, loaded page by page and kept up
// to date incrementally as the store changes.
//
//   DataStoreListModel {
//       store: DataStore                  // the default: the engine's DataStore singleton
//       modelName: "Post"
//       filter: "rating > 5"              // predicate text syntax; "" for all
//       sortBy: "rating desc, title"      // "field [asc|desc], ..."; "" for the key
//   }
//
// Roles: one per stored field (the role name is the field name), plus
// `element` (the whole record as a map) and `key` (its serialized primary
// key). Records are in their wire form (enums as names, dates as ISO text).
//
// Paging: the first page (pageSize rows) is queried when the model (re)loads;
// canFetchMore()/fetchMore() load the next pages (at least pageSize rows
// each; the window a page is queried with may hold a few more, kept). `count` is the number of
// rows loaded, `totalCount` the number of matching records in the store: -1
// ("not counted yet") from a (re)load until the store's count answers or the
// last page is in, never fewer than `count` after that.
// Every page after the first is queried with one loaded row of overlap (the
// anchor) so that a write that raced the query is detected: the page is then
// queried again instead of leaving a gap or a duplicate.
//
// Updates: every committed change of the model (DataStore::changed) is
// applied to the loaded rows: a record that starts matching is inserted at
// its sorted position, one that stops matching or is deleted is removed, an
// update in place is a dataChanged of its row, a change of sort position a
// row move. Beyond the loaded range nothing is inserted (the row arrives with
// a later page) and totalCount is recounted. Changing store, modelName,
// filter, sortBy or pageSize, or clearing the store, reloads (a model reset).
//
// The row order is the store's ORDER BY with the primary key as the last
// tie-break, reproduced in memory with SQLite's rules (NULL first ascending,
// numbers numerically, text by UTF-8 bytes).
//
// Threading: GUI thread only; nothing blocks (futures continue on this
// object's thread).
#pragma once

#include "qmldatastore.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

namespace ds {

class DataStoreListModel : public QAbstractListModel, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_ELEMENT
    Q_PROPERTY(ds::QmlDataStore *store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(QString modelName READ modelName WRITE setModelName NOTIFY modelNameChanged)
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(QString sortBy READ sortBy WRITE setSortBy NOTIFY sortByChanged)
    Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize NOTIFY pageSizeChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int totalCount READ totalCount NOTIFY totalCountChanged)
    Q_PROPERTY(ds::QmlError filterError READ filterError NOTIFY filterErrorChanged)
    Q_PROPERTY(ds::QmlError sortError READ sortError NOTIFY sortErrorChanged)
    // The last failure to load (no store, unknown model, a failed query).
    Q_PROPERTY(ds::QmlError error READ error NOTIFY errorChanged)

public:
    explicit DataStoreListModel(QObject *parent = nullptr);
    ~DataStoreListModel() override;

    QmlDataStore *store() const { return m_store; }
    void setStore(QmlDataStore *store);
    QString modelName() const { return m_modelName; }
    void setModelName(const QString &name);
    QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    QString sortBy() const { return m_sortBy; }
    void setSortBy(const QString &sortBy);
    int pageSize() const { return m_pageSize; }
    void setPageSize(int pageSize);

    bool isLoading() const { return m_loading; }
    int count() const { return int(m_rows.size()); }
    int totalCount() const { return m_totalCount; }
    QmlError filterError() const { return m_filterError; }
    QmlError sortError() const { return m_sortError; }
    QmlError error() const { return m_error; }

    // The record at row, as a map; an empty map when row is out of range.
    Q_INVOKABLE QVariantMap get(int row) const;
    // Reloads now (property changes reload on the next turn of the event
    // loop, once, however many properties changed).
    Q_INVOKABLE void reload();

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void classBegin() override;
    void componentComplete() override;

    // The window the next page is queried with when `loaded` rows are
    // loaded: the facade pages by (page, limit) with offset page * limit, so
    // this picks the smallest limit > pageSize whose page holds the last
    // loaded row (the anchor) and pageSize rows after it. Exposed for tests.
    static Paging pageWindow(int loaded, int pageSize);

Q_SIGNALS:
    void storeChanged();
    void modelNameChanged();
    void filterChanged();
    void sortByChanged();
    void pageSizeChanged();
    void loadingChanged();
    void countChanged();
    void totalCountChanged();
    void filterErrorChanged();
    void sortErrorChanged();
    void errorChanged();

private:
    void scheduleReload();
    void onOpenChanged();
    void connectStore();
    void fetchPage();
    void onPage(Paging window, const Result<QList<QVariantMap>> &result);
    void retryPage();
    void recount();
    void apply(const ChangeEvent &event);
    void updateTotal();
    int insertionRow(const QVariantMap &element, int skip = -1) const;
    void setLoading(bool loading);
    void setTotalCount(int total);
    void setError(const Error &error);

    QPointer<QmlDataStore> m_store;
    bool m_storeSet = false;            // `store` was given (else the DataStore singleton)
    QPointer<DataStore> m_boundStore;   // the DataStore the rows came from
    QList<QMetaObject::Connection> m_storeConnections;
    QString m_modelName;
    QString m_filter;
    QString m_sortBy;
    int m_pageSize;

    // State of the current load; m_generation tells stale futures apart.
    quint64 m_generation = 0;
    const ModelSchema *m_schema = nullptr;
    Predicate m_predicate;
    QList<SortBy> m_sort;               // with the primary key tie-break
    bool m_valid = false;               // store, model, filter and sort are usable
    bool m_allLoaded = true;            // the rows are every matching record
    bool m_fetching = false;
    bool m_counting = false;
    bool m_recountAgain = false;
    int m_pageRetries = 0;

    QList<QVariantMap> m_rows;
    QList<QString> m_keys;              // m_keys[i] is the key of m_rows[i]
    QList<QString> m_fields;            // role Qt::UserRole + 1 + i is m_fields[i]
    QHash<int, QByteArray> m_roleNames;
    int m_elementRole = -1;
    int m_keyRole = -1;

    int m_totalCount = 0;
    bool m_loading = false;
    bool m_complete = true;
    bool m_reloadScheduled = false;
    // Rows loaded when the last page came in: inserts may grow the list at
    // most a page past it (or past the first page).
    int m_paged = 0;
    // The last reload ran before the store was open (its queries wait for the open).
    bool m_loadedBeforeOpen = false;
    QmlError m_filterError;
    QmlError m_sortError;
    QmlError m_error;
};

} // namespace ds
