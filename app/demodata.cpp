#include "demodata.h"

#include "logging.h"

#include <QPromise>
#include <QPointer>
#include <QTimer>

#include <functional>

#include <memory>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

const QStringList adjectives{u"Quiet"_s, u"Fast"_s, u"Offline"_s, u"Curious"_s, u"Tiny"_s,
                             u"Brave"_s, u"Patient"_s, u"Shared"_s, u"Hidden"_s, u"Early"_s};
const QStringList subjects{u"sync"_s, u"notes"_s, u"garden"_s, u"trains"_s, u"coffee"_s,
                           u"databases"_s, u"mountains"_s, u"Qt Quick"_s, u"recipes"_s, u"backups"_s};
const QStringList tagPool{u"qt"_s, u"offline"_s, u"travel"_s, u"food"_s, u"tech"_s, u"ideas"_s, u"demo"_s};
const QStringList statuses{u"DRAFT"_s, u"PUBLISHED"_s, u"ARCHIVED"_s};

// Slices of writes queued per turn of the event loop.
constexpr int seedSlice = 500;

// A cheap deterministic mix of an index (no global random state).
quint32 mix(quint32 x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

QString postId(int i)
{
    // Every fifth post's id begins with "This" (the Comment sync preset).
    return i % 5 == 0 ? u"This-post-%1"_s.arg(i, 6, 10, QLatin1Char('0'))
                      : u"post-%1"_s.arg(i, 6, 10, QLatin1Char('0'));
}

} // namespace

QVariantMap DemoData::post(int i)
{
    const quint32 h = mix(quint32(i) + 1);
    const QString adjective = adjectives.at(h % adjectives.size());
    const QString subject = subjects.at((h >> 8) % subjects.size());
    QString title = i % 7 == 0 ? u"This %1 post about %2"_s.arg(adjective.toLower(), subject)
                               : u"%1 %2 #%3"_s.arg(adjective, subject).arg(i + 1);
    QStringList tags{tagPool.at((h >> 4) % tagPool.size())};
    const QString second = tagPool.at((h >> 12) % tagPool.size());
    if (second != tags.first())
        tags.append(second);
    return {
        {u"id"_s, postId(i)},
        {u"title"_s, title},
        {u"content"_s, u"Demo post %1: some words about %2, written while offline."_s.arg(i + 1).arg(subject)},
        {u"rating"_s, int(h % 10) + 1},
        {u"status"_s, statuses.at((h >> 20) % statuses.size())},
        {u"tags"_s, tags},
    };
}

QList<QVariantMap> DemoData::commentsOf(int postIndex)
{
    // Comments on the first 200 posts: 0-3 each.
    if (postIndex >= 200)
        return {};
    const int n = int(mix(quint32(postIndex) + 77) % 4);
    QList<QVariantMap> out;
    for (int c = 0; c < n; ++c) {
        out.append({{u"id"_s, u"comment-%1-%2"_s.arg(postIndex).arg(c)},
                    {u"postID"_s, postId(postIndex)},
                    {u"content"_s, u"Comment %1 on post %2"_s.arg(c + 1).arg(postIndex + 1)}});
    }
    return out;
}

QList<QVariantMap> DemoData::users()
{
    return {
        {{u"id"_s, u"user-1"_s}, {u"firstName"_s, u"Jane"_s}, {u"lastName"_s, u"Doe"_s},
         {u"createdAt"_s, u"2020-11-02T10:00:00.000Z"_s}},
        {{u"id"_s, u"user-2"_s}, {u"firstName"_s, u"John"_s}, {u"lastName"_s, u"Doe"_s},
         {u"createdAt"_s, u"2019-05-17T08:30:00.000Z"_s}},
        {{u"id"_s, u"user-3"_s}, {u"firstName"_s, u"Ada"_s}, {u"lastName"_s, u"Lovelace"_s},
         {u"createdAt"_s, u"2021-01-20T12:00:00.000Z"_s}},
        {{u"id"_s, u"user-4"_s}, {u"firstName"_s, u"Alan"_s}, {u"lastName"_s, u"Turing"_s},
         {u"createdAt"_s, u"2020-12-24T18:45:00.000Z"_s}},
    };
}

QList<QVariantMap> DemoData::notes(const QString &owner)
{
    QList<QVariantMap> out{
        {{u"id"_s, u"note-welcome"_s}, {u"title"_s, u"Welcome"_s},
         {u"body"_s, u"Notes are private to you. Pin the ones you need most."_s},
         {u"pinned"_s, true}, {u"color"_s, u"#fff2a8"_s}},
        {{u"id"_s, u"note-shopping"_s}, {u"title"_s, u"Shopping"_s},
         {u"body"_s, u"Milk, bread, coffee beans"_s}, {u"pinned"_s, false}, {u"color"_s, u"#c8f0c8"_s}},
        {{u"id"_s, u"note-ideas"_s}, {u"title"_s, u"Ideas"_s},
         {u"body"_s, u"Try selective sync with rating > 5"_s}, {u"pinned"_s, false}, {u"color"_s, u"#cfe3ff"_s}},
    };
    if (!owner.isEmpty()) {
        for (QVariantMap &note : out)
            note.insert(u"owner"_s, owner);
    }
    return out;
}

QFuture<ds::Result<DemoCounts>> DemoData::seedIfEmpty(ds::DataStore *store, int posts, const QString &owner)
{
    auto promise = std::make_shared<QPromise<ds::Result<DemoCounts>>>();
    QFuture<ds::Result<DemoCounts>> future = promise->future();
    promise->start();
    QPointer<ds::DataStore> guard(store);

    store->count(u"Post"_s).then(store, [guard, promise, posts, owner](const ds::Result<qint64> &count) {
        if (!count) {
            promise->addResult(ds::Result<DemoCounts>(count.error()));
            promise->finish();
            return;
        }
        if (*count > 0 || !guard) {
            promise->addResult(ds::Result<DemoCounts>(DemoCounts{}));
            promise->finish();
            return;
        }
        qCInfo(lcUi) << "seeding the local store with" << posts << "demo posts";
        auto counts = std::make_shared<DemoCounts>();
        auto next = std::make_shared<int>(0);
        auto last = std::make_shared<QFuture<ds::Result<QVariantMap>>>();
        // Queues one slice per turn of the event loop; the last write's
        // future resolves once everything before it is committed.
        auto step = std::make_shared<std::function<void()>>();
        *step = [guard, promise, posts, owner, counts, next, last, step] {
            if (!guard) {
                promise->addResult(ds::Result<DemoCounts>(ds::Error(ds::Error::Domain::Storage,
                    u"StoreClosed"_s, u"the store went away while seeding"_s)));
                promise->finish();
                return;
            }
            auto save = [&](const QString &model, const QVariantMap &record) {
                *last = guard->save(model, record);
            };
            if (*next == 0) {
                for (const QVariantMap &user : users()) {
                    save(u"User"_s, user);
                    ++counts->users;
                }
                for (const QVariantMap &note : notes(owner)) {
                    save(u"Note"_s, note);
                    ++counts->notes;
                }
            }
            const int end = std::min(posts, *next + seedSlice);
            for (; *next < end; ++*next) {
                save(u"Post"_s, post(*next));
                ++counts->posts;
                for (const QVariantMap &comment : commentsOf(*next)) {
                    save(u"Comment"_s, comment);
                    ++counts->comments;
                }
            }
            if (*next < posts) {
                QTimer::singleShot(0, guard, *step);
                return;
            }
            last->then(guard, [promise, counts, step](const ds::Result<QVariantMap> &result) {
                if (result)
                    promise->addResult(ds::Result<DemoCounts>(*counts));
                else
                    promise->addResult(ds::Result<DemoCounts>(result.error()));
                promise->finish();
                *step = nullptr;
            });
        };
        (*step)();
    });
    return future;
}

} // namespace notes
