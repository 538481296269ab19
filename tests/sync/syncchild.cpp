// A DataStore client in its own process, for tests that kill it (kill -9)
// while it drains its outbox (tests/sync/tst_synccrash.cpp).
//
//   sync_child DB SCHEMA ENDPOINT APIKEY enqueue N TITLE
//       local-only: saves posts p0..p(N-1) with TITLE (creates or updates),
//       prints "queued <pending>" and exits 0.
//   sync_child DB SCHEMA ENDPOINT APIKEY drain
//       syncs; prints "processed <model> <id>" per answered mutation and
//       "empty" once the outbox is empty after the sync queries, then exits 0.
#include <datastore/datastore.h>

#include "awaitfuture.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;
using dstest::await;

namespace {

void say(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 6) {
        say(u"usage: sync_child DB SCHEMA ENDPOINT APIKEY enqueue N TITLE | drain"_s);
        return 2;
    }
    QFile file(args.at(2));
    if (!file.open(QIODevice::ReadOnly))
        return 2;
    ds::SourceError error;
    std::optional<ds::Schema> schema = ds::Schema::fromGraphQL(file.readAll(), args.at(2), &error);
    if (!schema) {
        say(error.message);
        return 2;
    }
    ds::DataStore store(*schema);
    if (const auto opened = await(store.open(args.at(1))); !opened) {
        say(opened.error().message());
        return 2;
    }
    if (args.at(5) == u"enqueue") {
        const int n = args.value(6).toInt();
        const QString title = args.value(7);
        QList<QVariantMap> posts;
        for (int i = 0; i < n; ++i)
            posts.append({{u"id"_s, u"p%1"_s.arg(i)}, {u"title"_s, title}, {u"rating"_s, i % 10}});
        if (const auto saved = await(store.saveAll(u"Post"_s, posts)); !saved) {
            say(saved.error().message());
            return 1;
        }
        const auto pending = await(store.pendingMutationList());
        say(u"queued %1"_s.arg(pending ? pending->size() : -1));
        return 0;
    }

    ds::SyncConfiguration config;
    config.endpoint = QUrl(args.at(3));
    config.apiKey = args.at(4);
    store.configureSync(config);
    bool synced = false;
    auto maybeDone = [&] {
        if (synced && store.pendingMutations() == 0) {
            say(u"empty"_s);
            QTimer::singleShot(0, &app, &QCoreApplication::quit);
        }
    };
    QObject::connect(&store, &ds::DataStore::outboxMutationProcessed, &app,
                     [](const QString &model, const QVariantMap &element) {
                         say(u"processed "_s + model + u' ' + element.value(u"id"_s).toString());
                     });
    QObject::connect(&store, &ds::DataStore::syncQueriesReady, &app, [&] {
        synced = true;
        maybeDone();
    });
    QObject::connect(&store, &ds::DataStore::outboxStatus, &app, [&](bool) { maybeDone(); });
    store.start();
    return app.exec();
}
