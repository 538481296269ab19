// Durability through the facade: a record is on disk once its save()
// future has resolved. A child process (this executable, run with
// "child <db> <mode>") saves posts through ds::DataStore and prints each id
// as soon as its future resolves successfully; the parent SIGKILLs it after
// N acknowledgements, reopens the file and checks that every acknowledged
// record and its outbox entry are there.
//
// Modes: "awaited" (one save at a time, each awaited), "queued" (up to 200
// saves outstanding, group-committed by the worker several to a
// transaction, as an app's burst of writes is), "batch" (saveAll() of 25).
#include "CoreAppModels_models/models.h"
#include "awaitfuture.h"
#include "killedchild.h"

#include <datastore/datastore.h>

#include <QCoreApplication>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <deque>

using namespace Qt::StringLiterals;

namespace {

using dstest::await;

QVariantMap postRecord(const QString &id, int i)
{
    return {{u"id"_s, id}, {u"title"_s, QString(u"title "_s + id)}, {u"rating"_s, i % 100},
            {u"tags"_s, QVariantList{u"a"_s, id}}};
}

void acknowledge(const QString &id)
{
    std::printf("%s\n", qPrintable(id));
    std::fflush(stdout);
}

int runChild(const QString &path, const QString &mode)
{
    ds::DataStore store(app::ModelProvider::schema());
    if (const auto opened = await(store.open(path)); !opened) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error().toString()));
        return 2;
    }
    // Ids go on where an earlier child (of the same file) stopped.
    const qint64 start = *await(store.count(u"Post"_s));
    if (mode == u"awaited") {
        for (qint64 i = start;; ++i) {
            const QString id = u"rec-"_s + QString::number(i);
            const auto saved = await(store.save(u"Post"_s, postRecord(id, int(i))));
            if (!saved) {
                std::fprintf(stderr, "save failed: %s\n", qPrintable(saved.error().toString()));
                return 3;
            }
            acknowledge(id);
        }
    }
    if (mode == u"queued") {
        std::deque<std::pair<QString, QFuture<ds::Result<QVariantMap>>>> inflight;
        for (qint64 i = start;;) {
            while (inflight.size() < 200) {
                const QString id = u"rec-"_s + QString::number(i);
                inflight.emplace_back(id, store.save(u"Post"_s, postRecord(id, int(i))));
                ++i;
            }
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            while (!inflight.empty() && inflight.front().second.isFinished()) {
                const auto saved = inflight.front().second.result();
                if (!saved) {
                    std::fprintf(stderr, "save failed: %s\n", qPrintable(saved.error().toString()));
                    return 3;
                }
                acknowledge(inflight.front().first);
                inflight.pop_front();
            }
        }
    }
    if (mode == u"batch") {
        for (qint64 i = start;; i += 25) {
            QList<QVariantMap> records;
            QStringList ids;
            for (qint64 j = i; j < i + 25; ++j) {
                ids.append(u"rec-"_s + QString::number(j));
                records.append(postRecord(ids.last(), int(j)));
            }
            const auto saved = await(store.saveAll(u"Post"_s, records));
            if (!saved) {
                std::fprintf(stderr, "saveAll failed: %s\n", qPrintable(saved.error().toString()));
                return 3;
            }
            for (const QString &id : std::as_const(ids))
                acknowledge(id);
        }
    }
    std::fprintf(stderr, "unknown mode %s\n", qPrintable(mode));
    return 4;
}

} // namespace

class tst_DataStoreDurability : public QObject
{
    Q_OBJECT

private slots:
    void killNine_data();
    void killNine();
};

void tst_DataStoreDurability::killNine_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("acknowledged");
    QTest::newRow("awaited, after 1") << u"awaited"_s << 1;
    QTest::newRow("awaited, after 300") << u"awaited"_s << 300;
    QTest::newRow("queued, after 1000") << u"queued"_s << 1000;
    QTest::newRow("batch, after 500") << u"batch"_s << 500;
}

void tst_DataStoreDurability::killNine()
{
    QFETCH(QString, mode);
    QFETCH(int, acknowledged);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"durable.sqlite"_s);

    QSet<QString> acked;
    for (int round = 0; round < 2; ++round) {
        // Round 2 kills a child that went on with the file the first one left.
        const QString killed =
            dstest::runAndKill({u"child"_s, path, mode}, acked.size() + acknowledged, acked);
        QVERIFY2(killed.isEmpty(), qPrintable(killed));

        ds::DataStore store(app::ModelProvider::schema());
        const auto opened = await(store.open(path));
        QVERIFY2(opened, qPrintable(opened.error().toString()));
        const auto outbox = await(store.pendingMutationList());
        QVERIFY(outbox);
        QSet<QString> queued;
        for (const ds::PendingMutation &m : *outbox) {
            QCOMPARE(m.type, u"create"_s);
            queued.insert(m.recordId);
        }
        for (const QString &id : std::as_const(acked)) {
            const auto row = await(store.get(u"Post"_s, id));
            QVERIFY(row);
            QVERIFY2(row->has_value(), qPrintable(u"lost acknowledged record "_s + id));
            QCOMPARE((*row)->value(u"title"_s).toString(), QString(u"title "_s + id));
            QVERIFY2(queued.contains(id), qPrintable(u"lost the outbox entry of "_s + id));
        }
        // Rows and outbox entries only ever exist together.
        QCOMPARE(*await(store.count(u"Post"_s)), qint64(queued.size()));
        QVERIFY(queued.size() >= acked.size());
        // The next child starts after the records this one found, acknowledged or not.
        for (const QString &id : std::as_const(queued))
            acked.insert(id);
    }
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "child") == 0)
        return runChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    tst_DataStoreDurability test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_datastore_durability.moc"
