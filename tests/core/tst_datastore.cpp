// ds::DataStore, the facade: futures, group commit, typed and dynamic
// layers, observe and observeQuery, against a real SQLite file.

#include "CoreAppModels_models/models.h"

#include <datastore/datastore.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

template<typename T>
T await(QFuture<T> future)
{
    // Futures resolve on the worker thread; keep this thread's events moving
    // so queued signals arrive as they would in an app.
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return future.result();
}

app::Post post(const QString &id, const QString &title, std::optional<int> rating,
               std::optional<app::PostStatus> status = std::nullopt)
{
    app::Post p(id);
    p.setTitle(title);
    p.setRating(rating);
    p.setStatus(status);
    return p;
}

} // namespace

class TestDataStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void typedRoundTrip();
    void dynamicLayerAndErrors();
    void queryPredicateSortPaging();
    void conditionalSaveAndDelete();
    void removeWhere();
    void removeTakesChildrenAlong();
    void saveAllIsAllOrNothing();
    void groupCommitKeepsFailuresApart();
    void notOpenAndUnknownModel();
    void observeFiltersByModelAndId();
    void observeQueryStaysCurrent();
    void liveQueryDestroyedWhileLoading();
    void pendingMutationsAndClear();
    void destructorDrainsTheQueue();
    void idsOfCustomPrimaryKeys();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ds::DataStore> m_store;
    QString path() const { return m_dir->path() + u"/store.sqlite"_s; }
};

void TestDataStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<ds::DataStore>(app::ModelProvider::schema());
    const auto opened = await(m_store->open(path()));
    QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
    QVERIFY(m_store->isOpen());
}

void TestDataStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestDataStore::typedRoundTrip()
{
    const app::Post p = post(u"p1"_s, u"Hello"_s, 7, app::PostStatus::Published)
                            .withTags(QList<QString>{u"qt"_s, u"sync"_s});
    const auto saved = await(m_store->save(p));
    QVERIFY2(saved.ok(), qPrintable(saved.error().toString()));
    QCOMPARE(saved->title(), u"Hello"_s);

    const auto got = await(m_store->get<app::Post>(u"p1"_s));
    QVERIFY(got.ok());
    QVERIFY(got->has_value());
    QCOMPARE((*got)->tags(), p.tags());
    QCOMPARE((*got)->status(), p.status());
    QCOMPARE((*got)->rating(), std::optional<int>(7));

    // Update through withX().
    QVERIFY(await(m_store->save((*got)->withRating(9))).ok());
    QCOMPARE((*await(m_store->get<app::Post>(u"p1"_s)))->rating(), std::optional<int>(9));

    QVERIFY(await(m_store->remove(p)).ok());
    QVERIFY(!await(m_store->get<app::Post>(u"p1"_s))->has_value());
}

void TestDataStore::dynamicLayerAndErrors()
{
    const QVariantMap comment{{u"id"_s, u"c1"_s}, {u"postID"_s, u"p1"_s}, {u"content"_s, u"hi"_s}};
    QVERIFY(await(m_store->save(u"Comment"_s, comment)).ok());

    // Every error names the model and the field.
    const auto missing = await(m_store->save(u"Comment"_s, QVariantMap{{u"id"_s, u"c2"_s}, {u"postID"_s, u"p1"_s}}));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().domain(), ds::Error::Domain::Validation);
    QCOMPARE(missing.error().message(), u"Comment.content: a value is required (the field is non-null)"_s);

    const auto wrongType = await(m_store->save(u"Post"_s, QVariantMap{{u"id"_s, u"p9"_s}, {u"title"_s, u"t"_s}, {u"rating"_s, u"high"_s}}));
    QVERIFY(!wrongType.ok());
    QCOMPARE(wrongType.error().message(), u"Post.rating: expected an Int (a whole number in 32 bits), got \"high\""_s);

    const auto unknownField = await(m_store->save(u"Post"_s, QVariantMap{{u"id"_s, u"p9"_s}, {u"title"_s, u"t"_s}, {u"ratng"_s, 3}}));
    QVERIFY(!unknownField.ok());
    QCOMPARE(unknownField.error().message(), u"Post.ratng: unknown field (Post has no field 'ratng')"_s);

    const auto badId = await(m_store->save(u"Post"_s, QVariantMap{{u"id"_s, u""_s}, {u"title"_s, u"t"_s}}));
    QCOMPARE(badId.error().message(), u"Post.id: a key must not be empty"_s);
    const auto badRemove = await(m_store->remove(u"Comment"_s, QString()));
    QCOMPARE(badRemove.error().message(), u"Comment.id: a key must not be empty"_s);

    const auto unknownModel = await(m_store->save(u"Blog"_s, QVariantMap{{u"id"_s, u"b1"_s}}));
    QCOMPARE(unknownModel.error().code(), u"UnknownModel"_s);
    QVERIFY2(unknownModel.error().message().contains(u"'Blog'"_s), qPrintable(unknownModel.error().message()));

    // Nothing of the failed saves was written.
    QCOMPARE(*await(m_store->count(u"Comment"_s)), 1);
    QCOMPARE(*await(m_store->count(u"Post"_s)), 0);
}

void TestDataStore::queryPredicateSortPaging()
{
    QList<QFuture<ds::Result<app::Post>>> futures;
    for (int i = 0; i < 20; ++i)
        futures.append(m_store->save(post(u"p%1"_s.arg(i, 2, 10, QLatin1Char('0')),
                                          (i % 2 ? u"This "_s : u"That "_s) + QString::number(i), i % 10,
                                          i % 3 ? app::PostStatus::Draft : app::PostStatus::Published)));
    for (auto &f : futures)
        QVERIFY(await(f).ok());

    const auto high = await(m_store->query<app::Post>(
        app::Post::RATING.gt(5) && app::Post::TITLE.beginsWith(u"This"_s),
        {ds::SortBy::desc(u"rating"_s), ds::SortBy::asc(u"title"_s)}));
    QVERIFY2(high.ok(), qPrintable(high.error().toString()));
    QStringList titles;
    for (const app::Post &p : *high)
        titles.append(p.title());
    QCOMPARE(titles, (QStringList{u"This 19"_s, u"This 9"_s, u"This 17"_s, u"This 7"_s}));

    const auto page = await(m_store->query<app::Post>(ds::Predicate::all(), {ds::SortBy::asc(u"id"_s)}, {1, 5}));
    QCOMPARE(page->size(), 5);
    QCOMPARE(page->first().id(), u"p05"_s);

    QCOMPARE(*await(m_store->count<app::Post>(app::Post::STATUS.eq(app::PostStatus::Published))), 7);
}

void TestDataStore::conditionalSaveAndDelete()
{
    QVERIFY(await(m_store->save(post(u"p1"_s, u"[Amplify] hi"_s, 3))).ok());

    const auto refused = await(m_store->save(post(u"p1"_s, u"changed"_s, 4),
                                             app::Post::TITLE.beginsWith(u"[Other]"_s)));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code(), u"ConditionalCheckFailed"_s);
    QCOMPARE((*await(m_store->get<app::Post>(u"p1"_s)))->title(), u"[Amplify] hi"_s);

    const auto accepted = await(m_store->save(post(u"p1"_s, u"changed"_s, 4),
                                              app::Post::TITLE.beginsWith(u"[Amplify]"_s)));
    QVERIFY2(accepted.ok(), qPrintable(accepted.error().toString()));

    QVERIFY(!await(m_store->remove(post(u"p1"_s, u"changed"_s, 4), app::Post::RATING.gt(10))).ok());
    QVERIFY(await(m_store->remove(post(u"p1"_s, u"changed"_s, 4), app::Post::RATING.lt(10))).ok());
    QCOMPARE(*await(m_store->count<app::Post>()), 0);
}

void TestDataStore::removeTakesChildrenAlong()
{
    // As Amplify's delete: a post's comments go with it (hasMany).
    QVERIFY(await(m_store->save(post(u"parent"_s, u"t"_s, 1))).ok());
    QVERIFY(await(m_store->save(post(u"other"_s, u"t"_s, 1))).ok());
    for (int i = 0; i < 3; ++i) {
        QVERIFY(await(m_store->save(u"Comment"_s, {{u"id"_s, u"c%1"_s.arg(i)}, {u"postID"_s, u"parent"_s},
                                                   {u"content"_s, u"x"_s}})).ok());
    }
    QVERIFY(await(m_store->save(u"Comment"_s, {{u"id"_s, u"keep"_s}, {u"postID"_s, u"other"_s}, {u"content"_s, u"y"_s}})).ok());
    QSignalSpy changed(m_store.get(), &ds::DataStore::changed);
    const auto removed = await(m_store->remove(u"Post"_s, u"parent"_s));
    QVERIFY2(removed, qPrintable(removed.error().toString()));
    QCOMPARE(*await(m_store->count(u"Comment"_s)), 1);
    QVERIFY((*await(m_store->get(u"Comment"_s, u"keep"_s))).has_value());
    auto deletions = [&changed] {
        int n = 0;
        for (const QList<QVariant> &args : std::as_const(changed))
            n += args.at(0).value<ds::ChangeEvent>().type == ds::ChangeEvent::Type::Deleted ? 1 : 0;
        return n;
    };
    QTRY_COMPARE(deletions(), 4);   // the post and its three comments
    // A failing condition removes nothing, children included.
    QVERIFY(await(m_store->save(u"Comment"_s, {{u"id"_s, u"c9"_s}, {u"postID"_s, u"other"_s}, {u"content"_s, u"z"_s}})).ok());
    const auto refused = await(m_store->remove(u"Post"_s, u"other"_s, app::Post::RATING.gt(5)));
    QVERIFY(!refused);
    QCOMPARE(*await(m_store->count(u"Comment"_s)), 2);
}

void TestDataStore::removeWhere()
{
    for (int i = 0; i < 10; ++i)
        m_store->save(post(u"p%1"_s.arg(i), u"t"_s, i));
    QSignalSpy changed(m_store.get(), &ds::DataStore::changed);
    const auto removed = await(m_store->removeWhere(u"Post"_s, app::Post::RATING.ge(5)));
    QVERIFY2(removed.ok(), qPrintable(removed.error().toString()));
    QCOMPARE(removed->size(), 5);
    QCOMPARE(*await(m_store->count<app::Post>()), 5);

    // Typed, and like remove() it takes the children along, in one transaction.
    for (int i = 0; i < 5; ++i) {
        QVERIFY(await(m_store->save(u"Comment"_s, {{u"id"_s, u"c%1"_s.arg(i)}, {u"postID"_s, u"p%1"_s.arg(i)},
                                                   {u"content"_s, u"x"_s}})).ok());
    }
    const auto typed = await(m_store->removeWhere<app::Post>(app::Post::RATING.lt(2)));
    QVERIFY2(typed.ok(), qPrintable(typed.error().toString()));
    QStringList ids;
    for (const app::Post &p : *typed)
        ids.append(p.id());
    ids.sort();
    QCOMPARE(ids, (QStringList{u"p0"_s, u"p1"_s}));
    QCOMPARE(*await(m_store->count<app::Post>()), 3);
    QCOMPARE(*await(m_store->count(u"Comment"_s)), 3);
    QVERIFY(!(*await(m_store->get(u"Comment"_s, u"c1"_s))).has_value());
    auto deletions = [&changed] {
        QStringList keys;
        for (const QList<QVariant> &args : std::as_const(changed)) {
            const auto e = args.at(0).value<ds::ChangeEvent>();
            if (e.type == ds::ChangeEvent::Type::Deleted)
                keys.append(e.model + u':' + e.key);
        }
        keys.sort();
        return keys;
    };
    // The events arrive after the futures; these are of both removeWhere() calls.
    QTRY_COMPARE(deletions(), (QStringList{u"Comment:c0"_s, u"Comment:c1"_s, u"Post:p0"_s, u"Post:p1"_s,
                                           u"Post:p5"_s, u"Post:p6"_s, u"Post:p7"_s, u"Post:p8"_s, u"Post:p9"_s}));

    const auto unknownField = await(m_store->removeWhere(u"Post"_s, ds::Predicate::compare(u"nope"_s, ds::Predicate::Op::Eq, 1)));
    QVERIFY(!unknownField.ok());
    QCOMPARE(*await(m_store->count<app::Post>()), 3);
}

void TestDataStore::saveAllIsAllOrNothing()
{
    std::unique_ptr<ds::Observation> observation(m_store->observe(u"Post"_s));
    QSignalSpy events(observation.get(), &ds::Observation::changed);

    QList<app::Post> posts;
    for (int i = 0; i < 50; ++i)
        posts.append(post(u"p%1"_s.arg(i), u"t%1"_s.arg(i), i % 10));
    const auto saved = await(m_store->saveAll(posts));
    QVERIFY2(saved.ok(), qPrintable(saved.error().toString()));
    QCOMPARE(saved->size(), 50);
    QCOMPARE(saved->at(7).title(), u"t7"_s);
    QCOMPARE(*await(m_store->count<app::Post>()), 50);
    QTRY_COMPARE(events.count(), 50);
    QTRY_COMPARE(m_store->pendingMutations(), 50);

    // One bad record: nothing of the batch is written, and the error says which.
    QList<QVariantMap> batch;
    for (int i = 50; i < 60; ++i)
        batch.append({{u"id"_s, u"p%1"_s.arg(i)}, {u"title"_s, u"t"_s}});
    batch[4].insert(u"rating"_s, u"high"_s);
    const auto refused = await(m_store->saveAll(u"Post"_s, batch));
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message().startsWith(u"record 4: "_s), qPrintable(refused.error().message()));
    QCOMPARE(*await(m_store->count<app::Post>()), 50);
    QCOMPARE(m_store->pendingMutations(), 50);

    // Updates and creates mixed in one batch; the outbox merges as for save().
    QList<QVariantMap> mixed{{{u"id"_s, u"p1"_s}, {u"title"_s, u"changed"_s}},
                             {{u"id"_s, u"p99"_s}, {u"title"_s, u"new"_s}}};
    QVERIFY(await(m_store->saveAll(u"Post"_s, mixed)).ok());
    QCOMPARE((*await(m_store->get<app::Post>(u"p1"_s)))->title(), u"changed"_s);
    QTRY_COMPARE(m_store->pendingMutations(), 51);

    const auto unknown = await(m_store->saveAll(u"Blog"_s, {}));
    QCOMPARE(unknown.error().code(), u"UnknownModel"_s);
}

void TestDataStore::groupCommitKeepsFailuresApart()
{
    // Queued together, committed together; the bad one fails alone.
    QList<QFuture<ds::Result<QVariantMap>>> futures;
    for (int i = 0; i < 300; ++i) {
        QVariantMap record{{u"id"_s, u"p%1"_s.arg(i)}, {u"title"_s, u"t"_s}};
        if (i == 150)
            record.insert(u"rating"_s, u"not a number"_s);
        futures.append(m_store->save(u"Post"_s, record));
    }
    int failed = 0;
    for (auto &f : futures)
        failed += await(f).ok() ? 0 : 1;
    QCOMPARE(failed, 1);
    QCOMPARE(*await(m_store->count<app::Post>()), 299);
}

void TestDataStore::notOpenAndUnknownModel()
{
    const auto unknown = await(m_store->query(u"Blog"_s));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code(), u"UnknownModel"_s);

    ds::DataStore closed(app::ModelProvider::schema());
    const auto r = await(closed.save(post(u"p1"_s, u"t"_s, 1)));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code(), u"NotOpen"_s);
    // save() validates on the caller's thread, but "not open" and an unknown
    // model still come first, as the operation reports them.
    const auto invalid = await(closed.save(u"Post"_s, QVariantMap{{u"id"_s, u"p1"_s}, {u"rating"_s, u"high"_s}}));
    QCOMPARE(invalid.error().code(), u"NotOpen"_s);
    const auto unknownSave = await(m_store->save(u"Blog"_s, QVariantMap{{u"id"_s, u"b1"_s}}));
    QCOMPARE(unknownSave.error().code(), u"UnknownModel"_s);

    // A file that is not a database is a clean error.
    const QString garbage = m_dir->path() + u"/garbage.sqlite"_s;
    QFile f(garbage);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'x'));
    f.close();
    const auto opened = await(closed.open(garbage));
    QVERIFY(!opened.ok());
    QVERIFY(!closed.isOpen());
}

void TestDataStore::observeFiltersByModelAndId()
{
    std::unique_ptr<ds::Observation> all(m_store->observe());
    std::unique_ptr<ds::Observation> posts(m_store->observe<app::Post>());
    std::unique_ptr<ds::Observation> one(m_store->observe<app::Post>(u"p2"_s));
    QSignalSpy allSpy(all.get(), &ds::Observation::changed);
    QSignalSpy postSpy(posts.get(), &ds::Observation::changed);
    QSignalSpy oneSpy(one.get(), &ds::Observation::changed);

    QVERIFY(await(m_store->save(post(u"p1"_s, u"a"_s, 1))).ok());
    QVERIFY(await(m_store->save(post(u"p2"_s, u"b"_s, 2))).ok());
    QVERIFY(await(m_store->save(post(u"p2"_s, u"b2"_s, 2))).ok());
    QVERIFY(await(m_store->save(u"Comment"_s, {{u"id"_s, u"c1"_s}, {u"postID"_s, u"p1"_s}, {u"content"_s, u"x"_s}})).ok());
    QVERIFY(await(m_store->remove(u"Post"_s, u"p2"_s)).ok());

    QTRY_COMPARE(allSpy.count(), 5);
    QCOMPARE(postSpy.count(), 4);
    QCOMPARE(oneSpy.count(), 3);
    const auto first = oneSpy.at(0).at(0).value<ds::ChangeEvent>();
    QCOMPARE(first.type, ds::ChangeEvent::Type::Created);
    QCOMPARE(first.element.value(u"title"_s), QVariant(u"b"_s));
    QCOMPARE(oneSpy.at(1).at(0).value<ds::ChangeEvent>().type, ds::ChangeEvent::Type::Updated);
    const auto last = oneSpy.at(2).at(0).value<ds::ChangeEvent>();
    QCOMPARE(last.type, ds::ChangeEvent::Type::Deleted);
    QCOMPARE(last.key, u"p2"_s);

    // An unknown model is an error, not a stream that stays silent.
    std::unique_ptr<ds::Observation> typo(m_store->observe(u"Pots"_s));
    QSignalSpy typoError(typo.get(), &ds::Observation::errorOccurred);
    QCOMPARE(typo->error().code(), u"UnknownModel"_s);
    QVERIFY(typo->error().message().contains(u"'Pots'"_s));
    QTRY_COMPARE(typoError.count(), 1);
    QVERIFY(posts->error().isNull());
}

void TestDataStore::observeQueryStaysCurrent()
{
    QVERIFY(await(m_store->save(post(u"a"_s, u"A"_s, 6))).ok());
    QVERIFY(await(m_store->save(post(u"b"_s, u"B"_s, 2))).ok());
    QVERIFY(await(m_store->save(post(u"c"_s, u"C"_s, 9))).ok());

    std::unique_ptr<ds::LiveQuery> live(m_store->observeQuery<app::Post>(
        app::Post::RATING.gt(5), {ds::SortBy::desc(u"rating"_s)}));
    QSignalSpy loaded(live.get(), &ds::LiveQuery::loaded);
    QTRY_COMPARE(loaded.count(), 1);
    auto ids = [&] {
        QStringList out;
        for (const QVariantMap &m : live->items())
            out.append(m.value(u"id"_s).toString());
        return out;
    };
    QCOMPARE(ids(), (QStringList{u"c"_s, u"a"_s}));

    QSignalSpy inserted(live.get(), &ds::LiveQuery::inserted);
    QSignalSpy removed(live.get(), &ds::LiveQuery::removed);
    QSignalSpy moved(live.get(), &ds::LiveQuery::moved);
    QSignalSpy updated(live.get(), &ds::LiveQuery::updated);

    QVERIFY(await(m_store->save(post(u"b"_s, u"B"_s, 7))).ok());      // now matches: between c and a
    QTRY_COMPARE(ids(), (QStringList{u"c"_s, u"b"_s, u"a"_s}));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(0).toInt(), 1);

    QVERIFY(await(m_store->save(post(u"a"_s, u"A"_s, 10))).ok());     // moves to the top
    QTRY_COMPARE(ids(), (QStringList{u"a"_s, u"c"_s, u"b"_s}));
    QCOMPARE(moved.count(), 1);

    QVERIFY(await(m_store->save(post(u"c"_s, u"C2"_s, 9))).ok());     // same place
    QTRY_COMPARE(updated.count(), 1);

    QVERIFY(await(m_store->save(post(u"c"_s, u"C"_s, 1))).ok());      // no longer matches
    QTRY_COMPARE(ids(), (QStringList{u"a"_s, u"b"_s}));
    QVERIFY(await(m_store->remove(u"Post"_s, u"a"_s)).ok());
    QTRY_COMPARE(ids(), (QStringList{u"b"_s}));
    QCOMPARE(removed.count(), 2);
}

void TestDataStore::liveQueryDestroyedWhileLoading()
{
    for (int i = 0; i < 200; ++i)
        m_store->save(post(u"p%1"_s.arg(i), u"t"_s, i % 10));
    // Created and destroyed while their queries are still queued or running:
    // nothing may call back into them.
    for (int i = 0; i < 50; ++i)
        delete m_store->observeQuery(u"Post"_s, app::Post::RATING.gt(i % 10));
    std::unique_ptr<ds::LiveQuery> survivor(m_store->observeQuery(u"Post"_s));
    QSignalSpy loaded(survivor.get(), &ds::LiveQuery::loaded);
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(survivor->count(), 200);
}

void TestDataStore::pendingMutationsAndClear()
{
    QSignalSpy spy(m_store.get(), &ds::DataStore::pendingMutationsChanged);
    QVERIFY(await(m_store->save(post(u"p1"_s, u"a"_s, 1))).ok());
    QVERIFY(await(m_store->save(post(u"p2"_s, u"b"_s, 2))).ok());
    QTRY_COMPARE(m_store->pendingMutations(), 2);
    QVERIFY(await(m_store->save(post(u"p2"_s, u"b2"_s, 2))).ok());   // merged into the queued create
    QTRY_COMPARE(m_store->pendingMutations(), 2);

    QSignalSpy cleared(m_store.get(), &ds::DataStore::cleared);
    QVERIFY(await(m_store->clear()).ok());
    QTRY_COMPARE(cleared.count(), 1);
    QCOMPARE(*await(m_store->count<app::Post>()), 0);
    QTRY_COMPARE(m_store->pendingMutations(), 0);
}

void TestDataStore::destructorDrainsTheQueue()
{
    for (int i = 0; i < 500; ++i)
        m_store->save(post(u"p%1"_s.arg(i), u"t"_s, i));   // never awaited
    m_store.reset();

    ds::DataStore reopened(app::ModelProvider::schema());
    QVERIFY(await(reopened.open(path())).ok());
    QCOMPARE(*await(reopened.count(u"Post"_s)), 500);
    QTRY_COMPARE(reopened.pendingMutations(), 500);
}

void TestDataStore::idsOfCustomPrimaryKeys()
{
    // get/remove/metadata by id use the model's one key field, whatever its
    // name; a composite key asks for a record.
    ds::SourceError error;
    auto schema = ds::Schema::fromGraphQL(
        "type Product @model { sku: String! @primaryKey name: String }\n"
        "type Stock @model { warehouse: ID! @primaryKey(sortKeyFields: [\"sku\"]) sku: String! count: Int }\n",
        u"custom.graphql"_s, &error);
    QVERIFY2(schema, qPrintable(error.toString()));
    ds::DataStore store(*schema);
    QVERIFY(await(store.open(u":memory:"_s)).ok());
    QVERIFY(await(store.save(u"Product"_s, {{u"sku"_s, u"A-1"_s}, {u"name"_s, u"anvil"_s}})).ok());
    const auto got = await(store.get(u"Product"_s, u"A-1"_s));
    QVERIFY2(got.ok(), qPrintable(got.error().toString()));
    QVERIFY(got->has_value());
    QCOMPARE((*got)->value(u"name"_s).toString(), u"anvil"_s);
    const auto meta = await(store.metadata(u"Product"_s, u"A-1"_s));
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    QCOMPARE((*meta)->pendingMutations, 1);
    const auto removed = await(store.remove(u"Product"_s, u"A-1"_s));
    QVERIFY2(removed.ok(), qPrintable(removed.error().toString()));
    QCOMPARE(*await(store.count(u"Product"_s)), 0);

    const QVariantMap stock{{u"warehouse"_s, u"w1"_s}, {u"sku"_s, u"A-1"_s}, {u"count"_s, 3}};
    QVERIFY(await(store.save(u"Stock"_s, stock)).ok());
    const auto byId = await(store.remove(u"Stock"_s, u"w1"_s));
    QCOMPARE(byId.error().code(), u"InvalidId"_s);
    QCOMPARE(byId.error().message(),
             u"Stock: the primary key has several fields (warehouse, sku); give them as a record, not the id 'w1'"_s);
    QCOMPARE(await(store.get(u"Stock"_s, u"w1"_s)).error().code(), u"InvalidId"_s);
    QCOMPARE(*await(store.count(u"Stock"_s)), 1);
    QVERIFY(await(store.remove(u"Stock"_s, stock)).ok());
    QCOMPARE(*await(store.count(u"Stock"_s)), 0);
}

QTEST_GUILESS_MAIN(TestDataStore)
#include "tst_datastore.moc"
