// ds::DataStoreListModel: roles, filter and sort, paging, incremental
// updates (exact row signals, never a reset for one change), errors with
// their column, reloads; a QAbstractItemModelTester watches every model.

#include "qml/datastorelistmodel.h"
#include "qml/qmldatastore.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using testsupport::await;

namespace {

QVariantMap post(const QString &id, const QString &title, const QVariant &rating)
{
    return {{u"id"_s, id}, {u"title"_s, title}, {u"rating"_s, rating}};
}

QString pid(int i)
{
    return u"p%1"_s.arg(i, 4, 10, QLatin1Char('0'));
}

// The ids of the model's rows, in order.
QStringList ids(const ds::DataStoreListModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.get(row).value(u"id"_s).toString());
    return out;
}

// QAbstractItemModelTester calls fetchMore() after every change it checks,
// so a model it watches ends up loading every page. Paging tests use this
// model, whose fetchMore() only works when the test itself asks.
class ManualFetchModel : public ds::DataStoreListModel
{
public:
    void fetchMore(const QModelIndex &parent) override
    {
        if (m_open)
            ds::DataStoreListModel::fetchMore(parent);
    }
    void fetchNext()
    {
        m_open = true;
        fetchMore({});
        m_open = false;
    }

private:
    bool m_open = false;
};

// All spies of the row signals of a model, to assert exactly what one change did.
struct Spies
{
    explicit Spies(ds::DataStoreListModel *model)
        : inserted(model, &QAbstractItemModel::rowsInserted)
        , removed(model, &QAbstractItemModel::rowsRemoved)
        , changed(model, &QAbstractItemModel::dataChanged)
        , moved(model, &QAbstractItemModel::rowsMoved)
        , reset(model, &QAbstractItemModel::modelReset)
        , layout(model, &QAbstractItemModel::layoutChanged)
    {
    }
    void clear()
    {
        for (QSignalSpy *s : {&inserted, &removed, &changed, &moved, &reset, &layout})
            s->clear();
    }
    int total() const
    {
        return int(inserted.size() + removed.size() + changed.size() + moved.size() + reset.size()
                   + layout.size());
    }
    QSignalSpy inserted, removed, changed, moved, reset, layout;
};

} // namespace

class TestListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void pageWindow_data();
    void pageWindow();
    void rolesAndGet();
    void filterAndSort();
    void sqliteOrderingRules();
    void pagingWithFetchMore();
    void insertAtSortedRow();
    void removeWhenNoLongerMatchingOrDeleted();
    void updateInPlaceIsOneDataChanged();
    void sortPositionChangeIsAMove();
    void changesBeyondTheLoadedPages();
    void viewsFetchingFromTheirHandlersLoadEverything();
    void aBurstIntoAnEmptyListStopsAtAPage();
    void totalFollowsCreatesWithoutCounting();
    void totalIsUnknownUntilCounted();
    void writesRacingThePagesKeepTheModelExact();
    void invalidFilterAndSort_data();
    void invalidFilterAndSort();
    void propertyChangesReloadOnce();
    void storeChangeAndClearReload();

private:
    // A model on m_qmlStore with a tester attached; loaded when it returns.
    // Paging only when the test calls fetchMore() unless manualFetch is false.
    ManualFetchModel *makeModel(const QString &filter = {}, const QString &sort = {},
                                int pageSize = 100);
    ds::DataStoreListModel *makeTesterPagedModel(const QString &filter, const QString &sort,
                                                 int pageSize);
    void waitLoaded(ds::DataStoreListModel *model);
    void fetchAll(ds::DataStoreListModel *model);
    void saveAll(const QList<QVariantMap> &records);
    void settle();
    // What the store says the model should show (everything, in order).
    QStringList expectedIds(const QString &filter, const QString &sort);

    std::unique_ptr<ds::DataStore> m_store;
    std::unique_ptr<ds::QmlDataStore> m_qmlStore;
    std::vector<std::unique_ptr<ds::DataStoreListModel>> m_models;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

void TestListModel::init()
{
    m_store = std::make_unique<ds::DataStore>(testsupport::appSchema());
    const auto opened = await(m_store->open(u":memory:"_s));
    QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
    m_qmlStore = std::make_unique<ds::QmlDataStore>(m_store.get());
}

void TestListModel::cleanup()
{
    m_testers.clear();
    m_models.clear();
    m_qmlStore.reset();
    m_store.reset();
}

ManualFetchModel *TestListModel::makeModel(const QString &filter, const QString &sort, int pageSize)
{
    auto model = std::make_unique<ManualFetchModel>();
    auto *raw = model.get();
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
        raw, QAbstractItemModelTester::FailureReportingMode::Fatal));
    raw->setStore(m_qmlStore.get());
    raw->setModelName(u"Post"_s);
    raw->setFilter(filter);
    raw->setSortBy(sort);
    raw->setPageSize(pageSize);
    m_models.push_back(std::move(model));
    waitLoaded(raw);
    return raw;
}

ds::DataStoreListModel *TestListModel::makeTesterPagedModel(const QString &filter,
                                                            const QString &sort, int pageSize)
{
    auto model = std::make_unique<ds::DataStoreListModel>();
    auto *raw = model.get();
    m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
        raw, QAbstractItemModelTester::FailureReportingMode::Fatal));
    raw->setStore(m_qmlStore.get());
    raw->setModelName(u"Post"_s);
    raw->setFilter(filter);
    raw->setSortBy(sort);
    raw->setPageSize(pageSize);
    m_models.push_back(std::move(model));
    return raw;
}

void TestListModel::waitLoaded(ds::DataStoreListModel *model)
{
    model->reload();
    QTRY_VERIFY(!model->isLoading());
    settle();   // the total count too
}

void TestListModel::fetchAll(ds::DataStoreListModel *model)
{
    for (int guard = 0; model->canFetchMore({}) && guard < 100000; ++guard) {
        if (auto *manual = dynamic_cast<ManualFetchModel *>(model))
            manual->fetchNext();
        else
            model->fetchMore({});
        QTRY_VERIFY(!model->isLoading());
    }
    QVERIFY(!model->canFetchMore({}));
}

void TestListModel::saveAll(const QList<QVariantMap> &records)
{
    QList<QFuture<ds::Result<QVariantMap>>> futures;
    for (const QVariantMap &r : records)
        futures.append(m_store->save(u"Post"_s, r));
    for (auto &f : futures) {
        const auto saved = await(f);
        QVERIFY2(saved.ok(), qPrintable(saved.error().toString()));
    }
    settle();
}

void TestListModel::settle()
{
    // The change events of committed writes are queued before a later
    // operation resolves; the list model handles results a turn later.
    await(m_store->count(u"Post"_s));
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
}

QStringList TestListModel::expectedIds(const QString &filter, const QString &sort)
{
    ds::Predicate predicate;
    if (!filter.isEmpty())
        predicate = *m_store->parsePredicate(u"Post"_s, filter);
    QList<ds::SortBy> sortBy = *m_store->parseSort(u"Post"_s, sort);
    if (std::none_of(sortBy.cbegin(), sortBy.cend(), [](const ds::SortBy &s) { return s.field == u"id"_s; }))
        sortBy.append(ds::SortBy::asc(u"id"_s));
    const auto rows = await(m_store->query(u"Post"_s, predicate, sortBy));
    QStringList out;
    for (const QVariantMap &r : *rows)
        out.append(r.value(u"id"_s).toString());
    return out;
}

// ---- tests -----------------------------------------------------------------------

void TestListModel::pageWindow_data()
{
    QTest::addColumn<int>("pageSize");
    for (int pageSize : {1, 7, 50, 100})
        QTest::addRow("page size %d", pageSize) << pageSize;
}

void TestListModel::pageWindow()
{
    QFETCH(int, pageSize);
    for (int loaded = 0; loaded < 2500; ++loaded) {
        const ds::Paging w = ds::DataStoreListModel::pageWindow(loaded, pageSize);
        const qint64 offset = qint64(w.page) * w.limit;
        QVERIFY(w.page >= 0);
        if (loaded == 0) {
            QCOMPARE(offset, 0);
            QCOMPARE(w.limit, pageSize);
            continue;
        }
        // Holds the anchor (the last loaded row) and pageSize rows after it.
        QVERIFY2(offset <= loaded - 1, qPrintable(u"loaded %1"_s.arg(loaded)));
        QVERIFY2(offset + w.limit >= loaded + pageSize, qPrintable(u"loaded %1"_s.arg(loaded)));
    }
    // Usually it costs little more than the page itself.
    QCOMPARE(ds::DataStoreListModel::pageWindow(100, 100).limit, 200);   // the worst case
    QCOMPARE(ds::DataStoreListModel::pageWindow(100, 100).page, 0);
    QVERIFY(ds::DataStoreListModel::pageWindow(1000, 100).limit <= 120);
}

void TestListModel::rolesAndGet()
{
    saveAll({post(u"a"_s, u"Alpha"_s, 3), post(u"b"_s, u"Beta"_s, QVariant())});
    auto *model = makeModel();
    const QHash<int, QByteArray> roles = model->roleNames();
    const QList<QByteArray> names = roles.values();
    for (const char *name : {"id", "title", "content", "rating", "status", "tags", "createdAt",
                             "updatedAt", "element", "key"})
        QVERIFY2(names.contains(QByteArray(name)), name);
    QVERIFY(!names.contains("comments"));   // a connection, not a stored field
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->count(), 2);
    QCOMPARE(model->totalCount(), 2);
    QVERIFY(!model->canFetchMore({}));

    const int titleRole = roles.key("title"), ratingRole = roles.key("rating");
    QCOMPARE(model->data(model->index(0), titleRole).toString(), u"Alpha"_s);
    QCOMPARE(model->data(model->index(0), ratingRole).toInt(), 3);
    QVERIFY(model->data(model->index(1), ratingRole).isNull());
    QCOMPARE(model->data(model->index(1), roles.key("key")).toString(), u"b"_s);
    const QVariantMap element = model->data(model->index(1), roles.key("element")).toMap();
    QCOMPARE(element.value(u"title"_s).toString(), u"Beta"_s);
    QCOMPARE(model->get(0).value(u"id"_s).toString(), u"a"_s);
    QVERIFY(model->get(2).isEmpty());
    QVERIFY(model->get(-1).isEmpty());
    QVERIFY(!model->filterError().isValid());
    QVERIFY(!model->error().isValid());
}

void TestListModel::filterAndSort()
{
    QList<QVariantMap> records;
    for (int i = 0; i < 40; ++i)
        records.append(post(pid(i), (i % 2 ? u"This "_s : u"That "_s) + QString::number(i), i % 10));
    saveAll(records);

    const QString filter = u"rating > 5 and title beginsWith \"This\""_s;
    auto *model = makeModel(filter, u"rating desc, title"_s);
    QCOMPARE(ids(*model), expectedIds(filter, u"rating desc, title"_s));
    QCOMPARE(model->rowCount(), 8);
    QCOMPARE(model->get(0).value(u"title"_s).toString(), u"This 19"_s);
    QCOMPARE(model->get(1).value(u"title"_s).toString(), u"This 29"_s);

    auto *byTitle = makeModel({}, u"title asc"_s);
    QCOMPARE(ids(*byTitle), expectedIds({}, u"title"_s));
    QCOMPARE(byTitle->totalCount(), 40);
}

void TestListModel::sqliteOrderingRules()
{
    // NULL first ascending (last descending), numbers numerically, text by
    // UTF-8 bytes ("Z" < "a" < "é"), then the key: what SQLite does.
    saveAll({post(u"n1"_s, u"é"_s, QVariant()), post(u"n2"_s, u"a"_s, 10), post(u"n3"_s, u"Z"_s, 9),
             post(u"n4"_s, u"b"_s, 10), post(u"n0"_s, u"a"_s, QVariant())});
    for (const QString &sort : {u"rating"_s, u"rating desc"_s, u"title"_s, u"title desc, rating"_s}) {
        auto *model = makeModel({}, sort);
        QCOMPARE(ids(*model), expectedIds({}, sort));
        // The in-memory order agrees: re-save every record and nothing moves.
        Spies spies(model);
        for (int row = 0; row < model->rowCount(); ++row) {
            QVariantMap r = model->get(row);
            r.insert(u"content"_s, QString(u"touched for "_s + sort));
            saveAll({r});
        }
        QCOMPARE(spies.moved.size(), 0);
        QCOMPARE(spies.changed.size(), model->rowCount());
        QCOMPARE(ids(*model), expectedIds({}, sort));
    }
}

void TestListModel::pagingWithFetchMore()
{
    QList<QVariantMap> records;
    for (int i = 0; i < 1000; ++i)
        records.append(post(pid(i), u"t"_s, (i * 37) % 101));
    saveAll(records);

    auto *model = makeModel(u"rating >= 10"_s, u"rating desc"_s, 50);
    const QStringList expected = expectedIds(u"rating >= 10"_s, u"rating desc"_s);
    QCOMPARE(model->rowCount(), 50);
    QCOMPARE(model->count(), 50);
    QTRY_COMPARE(model->totalCount(), int(expected.size()));
    QVERIFY(model->canFetchMore({}));

    Spies spies(model);
    QSignalSpy loading(model, &ds::DataStoreListModel::loadingChanged);
    model->fetchNext();
    QVERIFY(model->isLoading());
    model->fetchNext();   // one page at a time
    QTRY_VERIFY(!model->isLoading());
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(spies.inserted.at(0).at(1).toInt(), 50);
    QCOMPARE(spies.inserted.at(0).at(2).toInt(), 99);
    QCOMPARE(spies.reset.size(), 0);
    QCOMPARE(loading.size(), 2);

    fetchAll(model);
    QCOMPARE(ids(*model), expected);
    QCOMPARE(model->totalCount(), int(expected.size()));
    QCOMPARE(spies.reset.size(), 0);
}

void TestListModel::insertAtSortedRow()
{
    saveAll({post(u"a"_s, u"A"_s, 1), post(u"c"_s, u"C"_s, 5), post(u"e"_s, u"E"_s, 9)});
    auto *model = makeModel(u"rating > 0"_s, u"rating"_s);
    Spies spies(model);

    saveAll({post(u"d"_s, u"D"_s, 7)});
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(spies.inserted.at(0).at(1).toInt(), 2);
    QCOMPARE(spies.inserted.at(0).at(2).toInt(), 2);
    QCOMPARE(spies.total(), 1);   // exactly one insert: no reset, no dataChanged
    QCOMPARE(ids(*model), (QStringList{u"a"_s, u"c"_s, u"d"_s, u"e"_s}));
    QCOMPARE(model->totalCount(), 4);

    // Not matching: nothing at all.
    spies.clear();
    saveAll({post(u"z"_s, u"Z"_s, 0)});
    QCOMPARE(spies.total(), 0);
    QCOMPARE(model->totalCount(), 4);

    // Another model's change: nothing.
    QVERIFY(await(m_store->save(u"Note"_s, QVariantMap{{u"id"_s, u"n"_s}, {u"title"_s, u"x"_s}})).ok());
    settle();
    QCOMPARE(spies.total(), 0);

    // Starts matching: inserted at its row.
    saveAll({post(u"z"_s, u"Z"_s, 6)});
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(spies.inserted.at(0).at(1).toInt(), 2);
    QCOMPARE(spies.total(), 1);
    QCOMPARE(ids(*model), expectedIds(u"rating > 0"_s, u"rating"_s));
}

void TestListModel::removeWhenNoLongerMatchingOrDeleted()
{
    saveAll({post(u"a"_s, u"A"_s, 1), post(u"b"_s, u"B"_s, 5), post(u"c"_s, u"C"_s, 9)});
    auto *model = makeModel(u"rating > 0"_s, u"rating"_s);
    Spies spies(model);

    saveAll({post(u"b"_s, u"B"_s, 0)});   // stops matching
    QCOMPARE(spies.removed.size(), 1);
    QCOMPARE(spies.removed.at(0).at(1).toInt(), 1);
    QCOMPARE(spies.total(), 1);
    QCOMPARE(model->totalCount(), 2);

    spies.clear();
    const auto removed = await(m_store->remove(u"Post"_s, u"c"_s));
    QVERIFY(removed.ok());
    settle();
    QCOMPARE(spies.removed.size(), 1);
    QCOMPARE(spies.removed.at(0).at(1).toInt(), 1);
    QCOMPARE(spies.total(), 1);
    QCOMPARE(ids(*model), QStringList{u"a"_s});
    QCOMPARE(model->totalCount(), 1);
    QCOMPARE(model->count(), 1);
}

void TestListModel::updateInPlaceIsOneDataChanged()
{
    saveAll({post(u"a"_s, u"A"_s, 1), post(u"b"_s, u"B"_s, 5), post(u"c"_s, u"C"_s, 9)});
    auto *model = makeModel({}, u"rating"_s);
    Spies spies(model);

    QVariantMap b = model->get(1);
    b.insert(u"title"_s, u"B2"_s);
    saveAll({b});
    QCOMPARE(spies.changed.size(), 1);
    QCOMPARE(spies.changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(spies.changed.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(spies.total(), 1);
    const int titleRole = model->roleNames().key("title");
    QCOMPARE(model->data(model->index(1), titleRole).toString(), u"B2"_s);
    QCOMPARE(model->get(1).value(u"title"_s).toString(), u"B2"_s);
}

void TestListModel::sortPositionChangeIsAMove()
{
    saveAll({post(u"a"_s, u"A"_s, 1), post(u"b"_s, u"B"_s, 5), post(u"c"_s, u"C"_s, 9),
             post(u"d"_s, u"D"_s, 12)});
    auto *model = makeModel({}, u"rating"_s);
    Spies spies(model);

    saveAll({post(u"a"_s, u"A"_s, 10)});   // row 0 -> row 2
    QCOMPARE(spies.moved.size(), 1);
    QCOMPARE(spies.moved.at(0).at(1).toInt(), 0);
    QCOMPARE(spies.moved.at(0).at(2).toInt(), 0);
    QCOMPARE(spies.moved.at(0).at(4).toInt(), 3);   // Qt's destination: before old row 3
    QCOMPARE(spies.inserted.size() + spies.removed.size() + spies.reset.size(), 0);
    QCOMPARE(ids(*model), (QStringList{u"b"_s, u"c"_s, u"a"_s, u"d"_s}));
    // The moved row shows its new values.
    QCOMPARE(model->get(2).value(u"rating"_s).toInt(), 10);

    spies.clear();
    saveAll({post(u"d"_s, u"D"_s, 0)});   // row 3 -> row 0
    QCOMPARE(spies.moved.size(), 1);
    QCOMPARE(spies.moved.at(0).at(1).toInt(), 3);
    QCOMPARE(spies.moved.at(0).at(4).toInt(), 0);
    QCOMPARE(ids(*model), expectedIds({}, u"rating"_s));
    QCOMPARE(spies.reset.size(), 0);
}

void TestListModel::changesBeyondTheLoadedPages()
{
    QList<QVariantMap> records;
    for (int i = 0; i < 300; ++i)
        records.append(post(pid(i * 2), u"t"_s, i));   // even ids p0000..p0598, rating = i
    saveAll(records);
    auto *model = makeModel({}, u"rating"_s, 50);
    QCOMPARE(model->rowCount(), 50);
    QTRY_COMPARE(model->totalCount(), 300);
    Spies spies(model);

    // Sorts after the loaded rows: not inserted; the total grows.
    saveAll({post(u"x1"_s, u"t"_s, 200)});
    QCOMPARE(spies.total(), 0);
    QTRY_COMPARE(model->totalCount(), 301);

    // Sorts inside: inserted at its row.
    saveAll({post(u"x2"_s, u"t"_s, 10)});
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(spies.inserted.at(0).at(1).toInt(), 11);   // after rating 10 (p0020 < x2)
    QCOMPARE(spies.inserted.at(0).at(2).toInt(), 11);
    QCOMPARE(spies.total(), 1);
    QCOMPARE(model->count(), 51);
    QTRY_COMPARE(model->totalCount(), 302);

    // A loaded row moves beyond the loaded range: it leaves (a later page brings it back).
    spies.clear();
    saveAll({post(pid(0), u"t"_s, 250)});
    QCOMPARE(spies.removed.size(), 1);
    QCOMPARE(spies.removed.at(0).at(1).toInt(), 0);
    QCOMPARE(spies.total(), 1);
    QCOMPARE(model->count(), 50);
    QCOMPARE(model->totalCount(), 302);

    // The last loaded row moves up: it stays, in its new place.
    spies.clear();
    const QString last = model->get(49).value(u"id"_s).toString();
    saveAll({post(last, u"t"_s, 0)});
    QCOMPARE(spies.moved.size(), 1);
    QCOMPARE(spies.moved.at(0).at(1).toInt(), 49);
    QCOMPARE(spies.moved.at(0).at(4).toInt(), 0);
    QCOMPARE(spies.removed.size() + spies.inserted.size(), 0);

    // An unloaded record is deleted: only the total changes.
    spies.clear();
    QVERIFY(await(m_store->remove(u"Post"_s, pid(500))).ok());
    settle();
    QCOMPARE(spies.total(), 0);
    QTRY_COMPARE(model->totalCount(), 301);

    QCOMPARE(ids(*model), expectedIds({}, u"rating"_s).mid(0, model->count()));
    fetchAll(model);
    QCOMPARE(ids(*model), expectedIds({}, u"rating"_s));
    QCOMPARE(model->totalCount(), 301);
    QCOMPARE(spies.reset.size(), 0);

    // Fully loaded: now a record sorting last is inserted at the end.
    spies.clear();
    saveAll({post(u"x3"_s, u"t"_s, 1000)});
    QCOMPARE(spies.inserted.size(), 1);
    QCOMPARE(spies.inserted.at(0).at(1).toInt(), 301);
    QCOMPARE(model->totalCount(), 302);
}

void TestListModel::viewsFetchingFromTheirHandlersLoadEverything()
{
    // The tester calls fetchMore() from its rowsInserted handler, as a view
    // may: page after page arrives, appended, never a reset.
    QList<QVariantMap> records;
    for (int i = 0; i < 1000; ++i)
        records.append(post(pid(i), u"t"_s, (i * 13) % 50));
    saveAll(records);
    auto *model = makeTesterPagedModel(u"rating < 40"_s, u"rating, title"_s, 64);
    QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    model->reload();
    QTRY_VERIFY(!model->canFetchMore({}));
    QTRY_VERIFY(!model->isLoading());
    const QStringList expected = expectedIds(u"rating < 40"_s, u"rating, title"_s);
    QCOMPARE(ids(*model), expected);
    QCOMPARE(model->totalCount(), int(expected.size()));
    QCOMPARE(reset.size(), 1);   // the reload
    // At least a page each time (a window may hold a few rows more).
    QVERIFY(inserted.size() <= (expected.size() + 63) / 64);
    for (qsizetype i = 0; i + 1 < inserted.size(); ++i)
        QVERIFY(inserted.at(i).at(2).toInt() - inserted.at(i).at(1).toInt() + 1 >= 64);
}

void TestListModel::aBurstIntoAnEmptyListStopsAtAPage()
{
    // An empty list (fully loaded), then records arrive by the hundred (a
    // base sync): appends stop once a page is shown; the rest is there for
    // fetchMore(), in order.
    auto *model = makeModel({}, u"rating"_s, 50);
    QCOMPARE(model->count(), 0);
    QVERIFY(!model->canFetchMore({}));
    QList<QVariantMap> records;
    for (int i = 0; i < 400; ++i)
        records.append(post(pid(i), u"t"_s, i));   // each sorts after the ones before
    saveAll(records);
    QCOMPARE(model->count(), 50);
    QTRY_COMPARE(model->totalCount(), 400);
    QVERIFY(model->canFetchMore({}));
    // Records that sort first (a sync in the opposite order) grow it at most
    // a page more: the last rows go back to the store.
    records.clear();
    for (int i = 0; i < 300; ++i)
        records.append(post(pid(1000 + i), u"t"_s, -1 - i));
    saveAll(records);
    QCOMPARE(model->count(), 100);
    QCOMPARE(ids(*model), expectedIds({}, u"rating"_s).mid(0, 100));
    QTRY_COMPARE(model->totalCount(), 700);
    fetchAll(model);
    QCOMPARE(ids(*model), expectedIds({}, u"rating"_s));
}

void TestListModel::totalFollowsCreatesWithoutCounting()
{
    // A partly loaded, filtered list: records new to the store count into
    // totalCount as their events arrive (a sync brings thousands; a count
    // query each would read the table each time); updates moving records
    // in and out of the filter and deletes are counted by the store.
    auto *model = makeModel(u"rating >= 5"_s, u"rating"_s, 20);
    QList<QVariantMap> records;
    for (int i = 0; i < 100; ++i)
        records.append(post(pid(i), u"t"_s, i % 10));   // half of them match
    saveAll(records);
    QTRY_COMPARE(model->totalCount(), 50);
    QVERIFY(model->canFetchMore({}));
    records.clear();
    for (int i = 100; i < 400; ++i)
        records.append(post(pid(i), u"t"_s, i % 10));
    saveAll(records);
    QCOMPARE(model->totalCount(), 200);   // at once: no count query was needed
    // Updates: ten matching ones drop out, twenty others come in.
    records.clear();
    for (int i = 0; i < 10; ++i)
        records.append(post(pid(i * 10 + 5), u"t"_s, 1));
    for (int i = 0; i < 20; ++i)
        records.append(post(pid(i * 10 + 1), u"t"_s, 9));
    saveAll(records);
    QTRY_COMPARE(model->totalCount(), 210);
    for (int i = 0; i < 5; ++i)
        QVERIFY(await(m_store->remove(u"Post"_s, pid(i * 10 + 7))).ok());
    settle();
    QTRY_COMPARE(model->totalCount(), 205);
    const auto counted = await(m_store->count(u"Post"_s, *m_store->parsePredicate(u"Post"_s, u"rating >= 5"_s)));
    QVERIFY(counted.ok());
    QCOMPARE(model->totalCount(), int(*counted));
    fetchAll(model);
    QCOMPARE(model->count(), 205);
    QCOMPARE(ids(*model), expectedIds(u"rating >= 5"_s, u"rating"_s));
}

void TestListModel::totalIsUnknownUntilCounted()
{
    // The first page alone does not tell how many records match: totalCount
    // is -1 until the store's count answers (it read "20 of 20" before), and
    // the exact count after; a list loaded to its end needs no count.
    QList<QVariantMap> records;
    for (int i = 0; i < 300; ++i)
        records.append(post(pid(i), u"t"_s, i % 10));
    saveAll(records);

    ds::DataStoreListModel model;
    QList<int> totalsAtFirstRows;
    QList<int> totals;
    connect(&model, &QAbstractItemModel::rowsInserted, this, [&] { totalsAtFirstRows.append(model.totalCount()); });
    connect(&model, &ds::DataStoreListModel::totalCountChanged, this, [&] { totals.append(model.totalCount()); });
    model.setStore(m_qmlStore.get());
    model.setPageSize(20);
    model.setFilter(u"rating >= 5"_s);
    model.setModelName(u"Post"_s);
    QTRY_COMPARE(model.totalCount(), 150);
    QCOMPARE(model.count(), 20);
    QVERIFY(!totalsAtFirstRows.isEmpty());
    QCOMPARE(totalsAtFirstRows.constFirst(), -1);
    QVERIFY2(!totals.contains(20), "the loaded rows were shown as the total");
    QCOMPARE(totals.constLast(), 150);

    // A filter change reloads: unknown again, then the new count.
    totals.clear();
    model.setFilter(u"rating >= 8"_s);   // reloads from the event loop (once for several changes)
    QTRY_VERIFY(!totals.isEmpty());
    QCOMPARE(totals.constFirst(), -1);
    QTRY_COMPARE(model.totalCount(), 60);

    // An invalid filter loads nothing: 0, not unknown.
    model.setFilter(u"ratng > 1"_s);
    QTRY_VERIFY(model.filterError().isValid());
    QCOMPARE(model.totalCount(), 0);
}

void TestListModel::writesRacingThePagesKeepTheModelExact()
{
    QList<QVariantMap> records;
    for (int i = 0; i < 600; ++i)
        records.append(post(pid(i), u"t"_s, i % 97));
    saveAll(records);
    auto *model = makeModel(u"rating >= 3"_s, u"rating desc"_s, 40);
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);

    // Writes queued together with each page query (one worker batch):
    // inserts, deletes and sort changes before, inside and after the loaded
    // rows, whose events arrive after the page.
    QRandomGenerator random(42);
    int next = 1000;
    for (int pages = 0; model->canFetchMore({}); ++pages) {
        QVERIFY2(pages < 100, "the pages never reach the end");
        model->fetchNext();
        for (int k = 0; k < 6; ++k) {
            const int i = int(random.bounded(600));
            switch (random.bounded(3)) {
            case 0:
                m_store->save(u"Post"_s, post(pid(next++), u"new"_s, int(random.bounded(100))));
                break;
            case 1:
                m_store->remove(u"Post"_s, pid(i));
                break;
            default:
                m_store->save(u"Post"_s, post(pid(i), u"moved"_s, int(random.bounded(100))));
                break;
            }
        }
        QTRY_VERIFY(!model->isLoading());
    }
    settle();   // the last events
    QCOMPARE(ids(*model), expectedIds(u"rating >= 3"_s, u"rating desc"_s));
    QTRY_COMPARE(model->totalCount(), model->count());
    QCOMPARE(reset.size(), 0);
}

void TestListModel::invalidFilterAndSort_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("sort");
    QTest::addColumn<bool>("filterBad");
    QTest::addColumn<int>("column");

    QTest::newRow("unknown field") << u"ratng > 5"_s << QString() << true << 1;
    QTest::newRow("missing value") << u"rating > "_s << QString() << true << 10;
    QTest::newRow("wrong type") << u"title == \"a\" and rating > \"x\""_s << QString() << true << 0;
    QTest::newRow("unknown sort field") << QString() << u"rating, titel"_s << false << 9;
    QTest::newRow("bad order") << QString() << u"rating sideways"_s << false << 1;
    QTest::newRow("list field") << QString() << u"title, tags"_s << false << 8;
}

void TestListModel::invalidFilterAndSort()
{
    QFETCH(QString, filter);
    QFETCH(QString, sort);
    QFETCH(bool, filterBad);
    QFETCH(int, column);
    saveAll({post(u"a"_s, u"A"_s, 7)});

    auto *model = makeModel(filter, sort);
    const ds::QmlError error = filterBad ? model->filterError() : model->sortError();
    QVERIFY(error.isValid());
    QVERIFY(!(filterBad ? model->sortError() : model->filterError()).isValid());
    QVERIFY(!error.message().isEmpty());
    if (column > 0)
        QCOMPARE(error.column(), column);
    else
        QVERIFY2(error.column() > 0, qPrintable(error.message()));
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(!model->canFetchMore({}));
    QVERIFY(!model->isLoading());

    // Changes to the store do not bring rows into an invalid model.
    saveAll({post(u"b"_s, u"B"_s, 8)});
    QCOMPARE(model->rowCount(), 0);

    // Fixed: the error goes, the rows come.
    QSignalSpy errorChanged(model, filterBad ? &ds::DataStoreListModel::filterErrorChanged
                                             : &ds::DataStoreListModel::sortErrorChanged);
    if (filterBad)
        model->setFilter(u"rating > 5"_s);
    else
        model->setSortBy(u"rating desc"_s);
    QTRY_COMPARE(model->rowCount(), 2);
    QCOMPARE(errorChanged.size(), 1);
    QVERIFY(!model->filterError().isValid());
    QVERIFY(!model->sortError().isValid());
}

void TestListModel::propertyChangesReloadOnce()
{
    saveAll({post(u"a"_s, u"A"_s, 1), post(u"b"_s, u"B"_s, 5), post(u"c"_s, u"C"_s, 9)});
    auto *model = makeModel();
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    model->setFilter(u"rating > 2"_s);
    model->setSortBy(u"rating desc"_s);
    QTRY_COMPARE(model->rowCount(), 2);
    QTRY_VERIFY(!model->isLoading());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(ids(*model), (QStringList{u"c"_s, u"b"_s}));

    // An unknown model: an error, no rows, no crash.
    model->setModelName(u"Blog"_s);
    QTRY_VERIFY(model->error().isValid());
    QCOMPARE(model->error().code(), u"UnknownModel"_s);
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(model->roleNames().isEmpty());
}

void TestListModel::storeChangeAndClearReload()
{
    saveAll({post(u"a"_s, u"A"_s, 1)});
    auto *model = makeModel();
    QCOMPARE(ids(*model), QStringList{u"a"_s});

    // Another DataStore behind the QML object.
    ds::DataStore other(testsupport::appSchema());
    QVERIFY(await(other.open(u":memory:"_s)).ok());
    QVERIFY(await(other.save(u"Post"_s, post(u"x"_s, u"X"_s, 2))).ok());
    QVERIFY(await(other.save(u"Post"_s, post(u"y"_s, u"Y"_s, 3))).ok());
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    m_qmlStore->setStore(&other);
    QTRY_COMPARE(ids(*model), (QStringList{u"x"_s, u"y"_s}));
    QCOMPARE(reset.size(), 1);

    // Changes of the old store no longer reach the model; the new one's do.
    saveAll({post(u"b"_s, u"B"_s, 1)});
    QCOMPARE(model->rowCount(), 2);
    QVERIFY(await(other.save(u"Post"_s, post(u"z"_s, u"Z"_s, 4))).ok());
    QTRY_COMPARE(model->rowCount(), 3);

    // Another QML store object.
    ds::QmlDataStore second(m_store.get());
    model->setStore(&second);
    QTRY_COMPARE(ids(*model), (QStringList{u"a"_s, u"b"_s}));

    // clear() empties the store: the model reloads empty.
    QVERIFY(await(m_store->clear()).ok());
    QTRY_COMPARE(model->rowCount(), 0);
    QTRY_VERIFY(!model->isLoading());
    QCOMPARE(model->totalCount(), 0);

    model->setStore(nullptr);
    QTRY_VERIFY(model->error().isValid());
    QCOMPARE(model->rowCount(), 0);
    m_qmlStore->setStore(m_store.get());
}

QTEST_MAIN(TestListModel)
#include "tst_listmodel.moc"
