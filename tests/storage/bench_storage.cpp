// Yardstick for datastore/storage/tuning_p.h: N saves of Post records inside
// one Storage::transaction() versus N raw prepared INSERTs of the same rows
// into a table of the same shape, in one transaction, same pragmas.
//   bench_storage [N]        (default 100000; build type Release for figures)
#include "storagetest_p.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

QVariantMap record(int i)
{
    return {{u"id"_s, QString(u"post-"_s + QString::number(i))},
            {u"title"_s, QString(u"Title "_s + QString::number(i))},
            {u"content"_s, u"Some content of a typical length for a post in the app."_s},
            {u"rating"_s, i % 10},
            {u"status"_s, i % 2 ? u"DRAFT"_s : u"PUBLISHED"_s},
            {u"tags"_s, QVariantList{u"qt"_s, u"sqlite"_s}}};
}

double rawInserts(const QString &path, int n, bool withOutbox)
{
    double ms = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(path);
        db.open();
        QSqlQuery q(db);
        for (const char *sql : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                                "CREATE TABLE \"Post\" (\"id\" TEXT, \"title\" TEXT, \"content\" TEXT, "
                                "\"rating\" INTEGER, \"status\" TEXT, \"tags\" TEXT, \"createdAt\" TEXT, "
                                "\"updatedAt\" TEXT, \"_version\" INTEGER, \"_lastChangedAt\" INTEGER, "
                                "\"_deleted\" INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (\"id\"))",
                                "CREATE TABLE _outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT, "
                                "recordId TEXT, type TEXT, data TEXT, createdAt INTEGER)"})
            q.exec(QString::fromLatin1(sql));
        QSqlQuery insert(db);
        insert.prepare(u"INSERT INTO \"Post\" (\"id\", \"title\", \"content\", \"rating\", \"status\", "
                       "\"tags\", \"createdAt\", \"updatedAt\") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s);
        QSqlQuery outbox(db);
        outbox.prepare(u"INSERT INTO _outbox (model, recordId, type, data, createdAt) VALUES (?, ?, 'Create', ?, ?)"_s);
        QList<QVariantMap> records;
        records.reserve(n);
        for (int i = 0; i < n; ++i)
            records.append(record(i));
        QElapsedTimer t;
        t.start();
        q.exec(u"BEGIN IMMEDIATE"_s);
        for (const QVariantMap &r : std::as_const(records)) {
            insert.bindValue(0, r.value(u"id"_s));
            insert.bindValue(1, r.value(u"title"_s));
            insert.bindValue(2, r.value(u"content"_s));
            insert.bindValue(3, r.value(u"rating"_s));
            insert.bindValue(4, r.value(u"status"_s));
            insert.bindValue(5, u"[\"qt\",\"sqlite\"]"_s);
            insert.bindValue(6, QVariant(QMetaType::fromType<QString>()));
            insert.bindValue(7, QVariant(QMetaType::fromType<QString>()));
            if (!insert.exec())
                qFatal("raw insert failed: %s", qPrintable(insert.lastError().text()));
            if (withOutbox) {
                outbox.bindValue(0, u"Post"_s);
                outbox.bindValue(1, r.value(u"id"_s));
                outbox.bindValue(2, u"{\"id\":\"x\"}"_s);
                outbox.bindValue(3, qint64(1));
                outbox.exec();
            }
        }
        q.exec(u"COMMIT"_s);
        ms = double(t.nsecsElapsed()) / 1e6;
    }
    QSqlDatabase::removeDatabase(u"raw"_s);
    return ms;
}

double storageSaves(const QString &path, int n)
{
    const ds::Schema schema = storagetest::appSchema();
    ds::Storage s(schema);
    if (auto r = s.open(path); !r)
        qFatal("open failed: %s", qPrintable(r.error().message()));
    const ds::ModelSchema &post = *schema.model(u"Post");
    QList<QVariantMap> records;
    records.reserve(n);
    for (int i = 0; i < n; ++i)
        records.append(record(i));
    QElapsedTimer t;
    t.start();
    auto r = s.transaction([&]() -> ds::Result<void> {
        for (const QVariantMap &rec : std::as_const(records))
            DS_TRY(s.save(post, rec));
        return {};
    });
    if (!r)
        qFatal("saves failed: %s", qPrintable(r.error().message()));
    const double ms = double(t.nsecsElapsed()) / 1e6;
    if (*s.pendingMutationCount() != n)
        qFatal("outbox has the wrong size");
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 100000;
    QTemporaryDir dir;
    const double raw = rawInserts(dir.filePath(u"raw.db"_s), n, false);
    const double raw2 = rawInserts(dir.filePath(u"raw2.db"_s), n, true);
    const double saves = storageSaves(dir.filePath(u"store.db"_s), n);
    std::printf("%d rows\n", n);
    std::printf("raw prepared INSERTs, one transaction: %8.1f ms  (%7.0f rows/s)\n", raw, n / raw * 1000);
    std::printf("raw INSERT + outbox INSERT (the floor): %7.1f ms  (%7.0f rows/s)\n", raw2, n / raw2 * 1000);
    std::printf("Storage::save() in one transaction(): %8.1f ms  (%7.0f rows/s)\n", saves, n / saves * 1000);
    std::printf("save throughput / raw insert throughput: %.2f\n", raw / saves);
    return 0;
}
