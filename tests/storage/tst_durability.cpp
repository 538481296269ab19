// Durability: a child process (this executable, run with "child <db> <mode>")
// saves records and prints each id once save() (or the batch's transaction())
// has returned; the parent SIGKILLs it after N acknowledgements, reopens the
// file and checks that every acknowledged record and its outbox entry are
// there. WAL with synchronous=NORMAL survives a process crash: a commit has
// been written to the WAL (the OS's page cache) when it returns.
#include "killedchild.h"
#include "storagetest_p.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

#include <cstdio>

using namespace Qt::StringLiterals;
using ds::Storage;

namespace {

int runChild(const QString &path, const QString &mode)
{
    const ds::Schema schema = storagetest::appSchema();
    Storage s(schema);
    if (auto r = s.open(path); !r) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(r.error().message()));
        return 2;
    }
    const ds::ModelSchema &post = *schema.model(u"Post");
    const int batch = mode == u"batched" ? 10 : 1;
    for (int i = 0;; i += batch) {
        QStringList ids;
        auto body = [&]() -> ds::Result<void> {
            for (int j = i; j < i + batch; ++j) {
                const QString id = u"rec-"_s + QString::number(j);
                DS_TRY(s.save(post, {{u"id"_s, id}, {u"title"_s, QString(u"title "_s + id)},
                                     {u"rating"_s, j}, {u"tags"_s, QVariantList{u"a"_s, id}}}));
                ids.append(id);
            }
            return {};
        };
        const ds::Result<void> r = batch == 1 ? body() : s.transaction(body);
        if (!r) {
            std::fprintf(stderr, "save failed: %s\n", qPrintable(r.error().message()));
            return 3;
        }
        for (const QString &id : std::as_const(ids))
            std::printf("%s\n", qPrintable(id));
        std::fflush(stdout);
    }
}

} // namespace

class tst_StorageDurability : public QObject
{
    Q_OBJECT

private slots:
    void killNine_data();
    void killNine();
};

void tst_StorageDurability::killNine_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("acknowledged");
    QTest::newRow("single, after 1") << u"single"_s << 1;
    QTest::newRow("single, after 150") << u"single"_s << 150;
    QTest::newRow("single, after 1500") << u"single"_s << 1500;
    QTest::newRow("batched, after 400") << u"batched"_s << 400;
}

void tst_StorageDurability::killNine()
{
    QFETCH(QString, mode);
    QFETCH(int, acknowledged);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"durable.db"_s);

    for (int round = 0; round < 2; ++round) {
        // Round 2 kills a child that appends to a file the first one left behind.
        QSet<QString> acked;
        const QString killed = dstest::runAndKill({u"child"_s, path, mode}, acknowledged, acked);
        QVERIFY2(killed.isEmpty(), qPrintable(killed));

        const ds::Schema schema = storagetest::appSchema();
        Storage s(schema);
        DS_VERIFY_OK(s.open(path));
        const ds::ModelSchema &post = *schema.model(u"Post");
        const QList<ds::OutboxEntry> outbox = *s.outbox();
        QSet<QString> queued;
        for (const ds::OutboxEntry &e : outbox) {
            QCOMPARE(e.type, ds::MutationType::Create);
            queued.insert(e.recordId);
        }
        for (const QString &id : std::as_const(acked)) {
            auto row = s.get(post, {{u"id"_s, id}});
            DS_VERIFY_OK(row);
            QVERIFY2(row->has_value(), qPrintable(u"lost acknowledged record "_s + id));
            QCOMPARE((*row)->fields.value(u"title"_s).toString(), QString(u"title "_s + id));
            QVERIFY2(queued.contains(id), qPrintable(u"lost the outbox entry of "_s + id));
        }
        // Rows and outbox entries only ever exist together.
        QCOMPARE(*s.count(post, ds::Predicate::all()), qint64(queued.size()));
        QVERIFY(queued.size() >= acked.size());
        if (round == 0)
            DS_VERIFY_OK(s.clear());
    }
}

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "child") == 0) {
        QCoreApplication app(argc, argv);
        return runChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    tst_StorageDurability test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_durability.moc"
