// A DataStore client in its own process, for tests that kill it (kill -9)
// while it drains its outbox (tests/sync/tst_synccrash.cpp).
//
//   sync_child DB SCHEMA ENDPOINT APIKEY enqueue N TITLE
//       local-only: saves posts p0..p(N-1) with TITLE (creates or updates),
//       prints "queued <pending>" and exits 0.
//   sync_child DB SCHEMA ENDPOINT APIKEY drain
//       syncs; prints "processed <model> <id>" per answered mutation and
//       "empty" once the outbox is empty after the sync queries, then exits 0.
//   sync_child DB SCHEMA ENDPOINT APIKEY serve [CAFILE]
//       syncs and takes JSON commands, one per stdin line, answering one JSON
//       line each (for peers in other languages: tests/compat):
//         {"op":"save","model":"Post","record":{...}}  -> {"ok":true,"record":{...}}
//         {"op":"get","model":"Post","id":"p1"}        -> {"ok":true,"record":{...,"_version":3}|null}
//         {"op":"status"}                               -> {"ok":true,"ready":true,"pending":0,"online":true}
//       and prints {"event":"ready"} once synced, {"event":"changed",...} per change.
#include <datastore/datastore.h>

#include "awaitfuture.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSocketNotifier>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <functional>

#include <unistd.h>

using namespace Qt::StringLiterals;
using dstest::await;

namespace {

void say(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

} // namespace

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

int serve(QCoreApplication &app, ds::DataStore &store)
{
    bool ready = false;
    QObject::connect(&store, &ds::DataStore::syncQueriesReady, &app, [&] {
        if (!ready)
            say(json({{u"event"_s, u"ready"_s}}));
        ready = true;
    });
    QObject::connect(&store, &ds::DataStore::changed, &app, [](const ds::ChangeEvent &e) {
        say(json({{u"event"_s, u"changed"_s}, {u"model"_s, e.model}, {u"key"_s, e.key},
                  {u"record"_s, QJsonObject::fromVariantMap(e.element)}}));
    });
    auto *input = new QSocketNotifier(0, QSocketNotifier::Read, &app);
    QByteArray pending;   // stdin bytes not yet a whole line (raw reads: no stdio buffering)
    std::function<void(const QJsonObject &)> handle;
    QObject::connect(input, &QSocketNotifier::activated, &app, [&, input] {
        char buffer[65536];
        const ssize_t n = ::read(0, buffer, sizeof buffer);
        if (n <= 0) {
            input->setEnabled(false);
            QCoreApplication::quit();   // stdin closed: the peer is done
            return;
        }
        pending.append(buffer, qsizetype(n));
        // One command at a time: the awaits below run the event loop.
        input->setEnabled(false);
        const auto reenable = qScopeGuard([input] { input->setEnabled(true); });
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(newline);
            pending.remove(0, newline + 1);
            handle(QJsonDocument::fromJson(line).object());
        }
    });
    handle = [&](const QJsonObject &command) {
        const QString op = command.value(u"op"_s).toString();
        const QString model = command.value(u"model"_s).toString();
        if (op == u"save") {
            const auto saved = await(store.save(model, command.value(u"record"_s).toObject().toVariantMap()));
            say(saved ? json({{u"ok"_s, true}, {u"record"_s, QJsonObject::fromVariantMap(*saved)}})
                      : json({{u"ok"_s, false}, {u"error"_s, saved.error().toString()}}));
        } else if (op == u"get") {
            const QString id = command.value(u"id"_s).toString();
            const auto got = await(store.get(model, id));
            const auto meta = await(store.metadata(model, id));
            if (!got || !meta) {
                say(json({{u"ok"_s, false}, {u"error"_s, (!got ? got.error() : meta.error()).toString()}}));
                return;
            }
            QJsonValue record = QJsonValue::Null;
            if (got->has_value()) {
                QJsonObject o = QJsonObject::fromVariantMap(**got);
                if (meta->has_value() && (*meta)->version)
                    o.insert(u"_version"_s, *(*meta)->version);
                record = o;
            }
            say(json({{u"ok"_s, true}, {u"record"_s, record}}));
        } else if (op == u"status") {
            say(json({{u"ok"_s, true}, {u"ready"_s, ready}, {u"pending"_s, store.pendingMutations()},
                      {u"online"_s, store.isOnline()}}));
        } else {
            say(json({{u"ok"_s, false}, {u"error"_s, QString(u"unknown op: "_s + op)}}));
        }
    };
    store.start();
    return app.exec();
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 6) {
        say(u"usage: sync_child DB SCHEMA ENDPOINT APIKEY enqueue N TITLE | drain | serve [CAFILE]"_s);
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
    if (args.at(5) == u"serve" && args.size() > 6)
        config.caCertificateFile = args.at(6);
    store.configureSync(config);
    if (args.at(5) == u"serve")
        return serve(app, store);
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
