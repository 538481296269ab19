// notes::DemoData: the demo content of a fresh local store.
//
// seedIfEmpty() fills a store that holds no posts with `posts` posts
// (ratings 1-10, every status, tags), comments on some of them (the posts
// whose id begins with "This" have some, for the selective-sync preset
// `Comment: postID beginsWith "This"`), a few users (some named Doe) and a
// few notes. The content is deterministic: the same count gives the same
// records. Writes are queued in slices so the event loop keeps running; the
// store commits them in a few transactions.
#pragma once

#include <datastore/datastore.h>

#include <QFuture>

namespace notes {

struct DemoCounts
{
    int posts = 0;
    int comments = 0;
    int users = 0;
    int notes = 0;
};

class DemoData
{
public:
    static constexpr int defaultPosts = 500;

    // Resolves to what was written (all zero when the store already had posts).
    static QFuture<ds::Result<DemoCounts>> seedIfEmpty(ds::DataStore *store, int posts = defaultPosts,
                                                      const QString &owner = {});

    // The records themselves (exposed for tests).
    static QVariantMap post(int i);
    static QList<QVariantMap> commentsOf(int postIndex);
    static QList<QVariantMap> users();
    static QList<QVariantMap> notes(const QString &owner);
};

} // namespace notes
