// --seed demo: data for the reference schema (Post, Comment, User) that the
// demos and the selective-sync examples query: ratings 1-10, statuses, tags,
// comments (some with postIDs beginning with "This"), users incl. several
// Does with varied createdAt. Only fills an empty database.
#include "data/dataservice.h"

#include "data/logging_p.h"
#include "data/tuning_p.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

constexpr int kPosts = 5000;
constexpr int kUsers = 200;

QJsonObject blank(const ModelSchema &model, qint64 nowMs, qint64 createdMs)
{
    QJsonObject item;
    for (const FieldSchema *field : model.storedFields())
        item.insert(field->name, QJsonValue::Null);
    const QString created = QDateTime::fromMSecsSinceEpoch(createdMs, QTimeZone::utc()).toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"_s);
    if (!model.createdAtField.isEmpty())
        item.insert(model.createdAtField, created);
    if (!model.updatedAtField.isEmpty())
        item.insert(model.updatedAtField, created);
    item.insert(u"_version"_s, 1);
    item.insert(u"_lastChangedAt"_s, nowMs);
    item.insert(u"_deleted"_s, QJsonValue::Null);
    return item;
}

void setIf(const ModelSchema &model, QJsonObject &item, const QString &field, const QJsonValue &value)
{
    if (model.hasField(field))
        item.insert(field, value);
}

} // namespace

Result<void> seedDemo(ServerStore &store, const Schema &schema, qint64 nowMs)
{
    const ModelSchema *post = schema.model(u"Post");
    if (!post)
        return Error(Error::Domain::Validation, u"SeedSchema"_s, u"--seed demo needs a Post model"_s);
    const Result<qint64> existing = store.count(*post);
    if (!existing)
        return existing.error();
    if (*existing > 0) {
        qCInfo(lcServerData) << "seed: the database has posts already; not seeding";
        return {};
    }
    const ModelSchema *comment = schema.model(u"Comment");
    const ModelSchema *user = schema.model(u"User");
    QRandomGenerator random(20240506);
    static const QStringList words{u"This"_s, u"That"_s, u"Qt"_s, u"Sync"_s, u"Offline"_s, u"Delta"_s,
                                   u"Amplify"_s, u"Store"_s, u"Conflict"_s, u"Merge"_s};
    static const QStringList tags{u"qt"_s, u"sync"_s, u"news"_s, u"howto"_s, u"release"_s};
    static const QStringList firstNames{u"John"_s, u"Jane"_s, u"Alex"_s, u"Sam"_s, u"Kim"_s};
    static const QStringList lastNames{u"Doe"_s, u"Smith"_s, u"Bobby"_s, u"Miller"_s, u"Lee"_s};
    const qint64 day = 24 * 3600 * 1000LL;

    auto batch = [&](auto &&body) -> Result<void> {
        if (Result<void> r = store.beginWrite(); !r)
            return r;
        if (Result<void> r = body(); !r) {
            store.rollback();
            return r;
        }
        return store.commit();
    };

    // Every tenth post's id begins with "This" (the selective-sync example of
    // the comments below), as in the app's demo data.
    QStringList postIds;
    QStringList thisPostIds;
    for (int start = 0; start < kPosts; start += tuning::kSeedBatch) {
        Result<void> r = batch([&]() -> Result<void> {
            for (int i = start; i < qMin(kPosts, start + tuning::kSeedBatch); ++i) {
                QJsonObject item = blank(*post, nowMs, nowMs - random.bounded(400) * day);
                const QString id = (i % 10 == 0 ? u"This-post-%1"_s : u"post-%1"_s).arg(i, 5, 10, QLatin1Char('0'));
                postIds.append(id);
                if (i % 10 == 0)
                    thisPostIds.append(id);
                item.insert(u"id"_s, id);
                setIf(*post, item, u"title"_s,
                      QString(words.at(random.bounded(words.size())) % u' ' % words.at(random.bounded(words.size()))
                              % u" #"_s % QString::number(i)));
                setIf(*post, item, u"content"_s, QString(u"Demo post number "_s % QString::number(i)));
                setIf(*post, item, u"rating"_s, 1 + random.bounded(10));
                setIf(*post, item, u"status"_s, random.bounded(3) == 0 ? u"DRAFT"_s : u"PUBLISHED"_s);
                QJsonArray t;
                for (int k = random.bounded(3); k >= 0; --k)
                    t.append(tags.at(random.bounded(tags.size())));
                setIf(*post, item, u"tags"_s, t);
                if (Result<void> w = store.putBase(*post, item); !w)
                    return w;
            }
            return {};
        });
        if (!r)
            return r;
    }
    if (comment && comment->hasField(u"postID")) {
        Result<void> r = batch([&]() -> Result<void> {
            for (int i = 0; i < kPosts / 2; ++i) {
                QJsonObject item = blank(*comment, nowMs, nowMs - random.bounded(400) * day);
                item.insert(u"id"_s, u"comment-%1"_s.arg(i, 5, 10, QLatin1Char('0')));
                // Some comments point at ids beginning with "This" (a selective-sync
                // example); every postID names a seeded post (a dangling one makes
                // Amplify JS fail the whole Comment sync: "Field postID is required").
                const QStringList &targets = i % 10 == 0 && !thisPostIds.isEmpty() ? thisPostIds : postIds;
                item.insert(u"postID"_s, targets.isEmpty() ? u"This-post-%1"_s.arg(i)
                                                          : targets.at(random.bounded(targets.size())));
                setIf(*comment, item, u"content"_s, QString(u"Comment "_s % QString::number(i)));
                if (Result<void> w = store.putBase(*comment, item); !w)
                    return w;
            }
            return {};
        });
        if (!r)
            return r;
    }
    if (user) {
        Result<void> r = batch([&]() -> Result<void> {
            for (int i = 0; i < kUsers; ++i) {
                // createdAt between 2019 and 2023, so "createdAt gt 2020-10-10" splits them.
                const qint64 created = QDateTime(QDate(2019, 1, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch()
                                       + random.bounded(5 * 365) * day;
                QJsonObject item = blank(*user, nowMs, created);
                item.insert(u"id"_s, u"user-%1"_s.arg(i, 4, 10, QLatin1Char('0')));
                setIf(*user, item, u"firstName"_s, firstNames.at(random.bounded(firstNames.size())));
                setIf(*user, item, u"lastName"_s, i % 8 == 0 ? u"Doe"_s : lastNames.at(random.bounded(lastNames.size())));
                if (Result<void> w = store.putBase(*user, item); !w)
                    return w;
            }
            return {};
        });
        if (!r)
            return r;
    }
    qCInfo(lcServerData) << "seed: demo data written";
    return {};
}

} // namespace ds::server::data
