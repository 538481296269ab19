// Local schema migrations: additive model changes migrate in place and keep
// the rows; incompatible ones rebuild that model's table and drop its queued
// changes; our bookkeeping tables step through PRAGMA user_version.
#include "storagetest_p.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using ds::Storage;

namespace {

const QByteArray baseSdl = R"(
type Item @model { id: ID! title: String! size: Int tags: [String] }
type Other @model { id: ID! name: String }
)";

// Runs one statement on the file through a connection of its own.
QVariant rawQuery(const QString &path, const QString &sql)
{
    QVariant result;
    const QString name = u"raw-migration"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                result = q.value(0);
            else if (q.lastError().isValid())
                qWarning().noquote() << q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

} // namespace

class tst_StorageMigration : public QObject
{
    Q_OBJECT

private slots:
    void modelChanges_data();
    void modelChanges();
    void reopenWithoutChangesDoesNothing();
    void bookkeepingSteps();
    void outboxDataMadeOptional();
    void newerVersionRefused();
    void requireMatchingSchema();

private:
    QTemporaryDir m_dir;
};

void tst_StorageMigration::modelChanges_data()
{
    QTest::addColumn<QByteArray>("sdl");
    QTest::addColumn<bool>("itemKept");
    QTest::addColumn<bool>("otherKept");
    QTest::addColumn<QString>("note");

    QTest::newRow("new model") << QByteArray(baseSdl + "type Third @model { id: ID! }")
        << true << true << u"Third: created table"_s;
    QTest::newRow("new optional field")
        << QByteArray("type Item @model { id: ID! title: String! size: Int tags: [String] color: String }\n"
                      "type Other @model { id: ID! name: String }")
        << true << true << u"Item: added column \"color\" (String)"_s;
    QTest::newRow("new optional list field")
        << QByteArray("type Item @model { id: ID! title: String! size: Int tags: [String] sizes: [Int!] }\n"
                      "type Other @model { id: ID! name: String }")
        << true << true << u"Item: added column \"sizes\" ([Int!])"_s;
    QTest::newRow("new index")
        << QByteArray("type Item @model { id: ID! title: String! @index(name: \"byTitle\", sortKeyFields: [\"size\"]) size: Int tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << true << true << u"Item: created index byTitle (title, size)"_s;
    QTest::newRow("required becomes optional")
        << QByteArray("type Item @model { id: ID! title: String size: Int tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << true << true << QString();
    QTest::newRow("new required field")
        << QByteArray("type Item @model { id: ID! title: String! size: Int tags: [String] owner2: String! }\n"
                      "type Other @model { id: ID! name: String }")
        << false << true << u"Item: rebuilt: new required field 'owner2'"_s;
    QTest::newRow("removed field")
        << QByteArray("type Item @model { id: ID! title: String! tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << false << true << u"Item: rebuilt: field 'size' was removed"_s;
    QTest::newRow("retyped field")
        << QByteArray("type Item @model { id: ID! title: String! size: Float tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << false << true << u"Item: rebuilt: field 'size' changed type Int -> Float"_s;
    QTest::newRow("scalar becomes list")
        << QByteArray("type Item @model { id: ID! title: String! size: [Int] tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << false << true << u"Item: rebuilt: field 'size' changed type Int -> [Int]"_s;
    QTest::newRow("optional becomes required")
        << QByteArray("type Item @model { id: ID! title: String! size: Int! tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << false << true << u"Item: rebuilt: field 'size' changed type Int -> Int!"_s;
    QTest::newRow("changed key")
        << QByteArray("type Item @model { id: ID! title: String! @primaryKey size: Int tags: [String] }\n"
                      "type Other @model { id: ID! name: String }")
        << false << true << u"Item: rebuilt: "_s;
    QTest::newRow("removed model")
        << QByteArray("type Item @model { id: ID! title: String! size: Int tags: [String] }")
        << true << false << u"Other: dropped table (the model left the schema)"_s;
}

void tst_StorageMigration::modelChanges()
{
    QFETCH(QByteArray, sdl);
    QFETCH(bool, itemKept);
    QFETCH(bool, otherKept);
    QFETCH(QString, note);
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_')
                                        + u".db"_s);
    {
        const ds::Schema v1 = *storagetest::schemaFrom(baseSdl);
        Storage s(v1);
        DS_VERIFY_OK(s.open(path));
        DS_VERIFY_OK(s.save(*v1.model(u"Item"), {{u"id"_s, u"i1"_s}, {u"title"_s, u"T"_s}, {u"size"_s, 1},
                                                 {u"tags"_s, QVariantList{u"x"_s}}}));
        DS_VERIFY_OK(s.save(*v1.model(u"Other"), {{u"id"_s, u"o1"_s}, {u"name"_s, u"N"_s}}));
    }
    const auto v2 = storagetest::schemaFrom(sdl);
    QVERIFY(v2);
    Storage s(*v2);
    DS_VERIFY_OK(s.open(path));
    const QStringList notes = s.migrationNotes();
    if (note.isEmpty())
        QVERIFY2(notes.isEmpty(), qPrintable(notes.join(u"; "_s)));
    else
        QVERIFY2(notes.join(u'\n').contains(note), qPrintable(notes.join(u"; "_s)));

    const QList<ds::OutboxEntry> outbox = *s.outbox();
    QStringList queued;
    for (const ds::OutboxEntry &e : outbox)
        queued.append(e.model);
    QCOMPARE(queued.contains(u"Item"_s), itemKept);
    QCOMPARE(queued.contains(u"Other"_s), otherKept);

    const ds::ModelSchema &item = *v2->model(u"Item");
    auto row = s.get(item, item.primaryKey == QStringList{u"title"_s} ? QVariantMap{{u"title"_s, u"T"_s}}
                                                                       : QVariantMap{{u"id"_s, u"i1"_s}});
    DS_VERIFY_OK(row);
    QCOMPARE(row->has_value(), itemKept);
    if (itemKept) {
        QCOMPARE((*row)->fields.value(u"title"_s), QVariant(u"T"_s));
        QCOMPARE((*row)->fields.value(u"size"_s), QVariant(1));
        // The migrated table takes new rows with the new fields.
        QVariantMap next{{u"id"_s, u"i2"_s}, {u"title"_s, u"U"_s}};
        if (item.hasField(u"color"))
            next.insert(u"color"_s, u"red"_s);
        DS_VERIFY_OK(s.save(item, next));
        QCOMPARE((*s.get(item, {{u"id"_s, u"i2"_s}}))->fields.value(u"color"_s),
                 item.hasField(u"color") ? QVariant(u"red"_s) : QVariant());
    }
    if (const ds::ModelSchema *other = v2->model(u"Other"))
        QCOMPARE(s.get(*other, {{u"id"_s, u"o1"_s}})->has_value(), otherKept);
    else
        QVERIFY(rawQuery(path, u"SELECT COUNT(*) FROM sqlite_master WHERE name = 'Other'"_s).toInt() == 0);

    // Migrated once: opening again changes nothing.
    s.close();
    Storage again(*v2);
    DS_VERIFY_OK(again.open(path));
    QVERIFY2(again.migrationNotes().isEmpty(), qPrintable(again.migrationNotes().join(u"; "_s)));
}

void tst_StorageMigration::reopenWithoutChangesDoesNothing()
{
    const QString path = m_dir.filePath(u"same.db"_s);
    const ds::Schema v1 = *storagetest::schemaFrom(baseSdl);
    {
        Storage s(v1);
        DS_VERIFY_OK(s.open(path));
        QCOMPARE(s.migrationNotes(), (QStringList{u"Item: created table"_s, u"Other: created table"_s}));
    }
    Storage s(v1);
    DS_VERIFY_OK(s.open(path));
    QVERIFY(s.migrationNotes().isEmpty());
    QCOMPARE(rawQuery(path, u"PRAGMA user_version"_s).toInt(), 3);
    QCOMPARE(rawQuery(path, u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
}

void tst_StorageMigration::bookkeepingSteps()
{
    // A file at bookkeeping version 1 (no outbox index) steps to version 2.
    const QString path = m_dir.filePath(u"v1.db"_s);
    const ds::Schema v1 = *storagetest::schemaFrom(baseSdl);
    {
        Storage s(v1);
        DS_VERIFY_OK(s.open(path));
        DS_VERIFY_OK(s.save(*v1.model(u"Other"), {{u"id"_s, u"o1"_s}}));
    }
    rawQuery(path, u"DROP INDEX _outbox_record"_s);
    rawQuery(path, u"PRAGMA user_version = 1"_s);
    QCOMPARE(rawQuery(path, u"SELECT COUNT(*) FROM sqlite_master WHERE name = '_outbox_record'"_s).toInt(), 0);
    Storage s(v1);
    DS_VERIFY_OK(s.open(path));
    QCOMPARE(s.migrationNotes(), (QStringList{u"bookkeeping tables migrated to version 2"_s,
                                              u"bookkeeping tables migrated to version 3"_s}));
    QCOMPARE(rawQuery(path, u"SELECT COUNT(*) FROM sqlite_master WHERE name = '_outbox_record'"_s).toInt(), 1);
    QCOMPARE(*s.pendingMutationCount(), 1);
}

void tst_StorageMigration::outboxDataMadeOptional()
{
    // A version 2 file (outbox data NOT NULL) steps to version 3 keeping its
    // entries, their ids and the id sequence.
    const QString path = m_dir.filePath(u"v2.db"_s);
    const ds::Schema v1 = *storagetest::schemaFrom(baseSdl);
    {
        Storage s(v1);
        DS_VERIFY_OK(s.open(path));
        DS_VERIFY_OK(s.save(*v1.model(u"Item"), {{u"id"_s, u"i1"_s}, {u"title"_s, u"A"_s}}));
        DS_VERIFY_OK(s.save(*v1.model(u"Item"), {{u"id"_s, u"i2"_s}, {u"title"_s, u"B"_s}}));
        DS_VERIFY_OK(s.removeOutboxEntry((*s.outbox()).last().id));
    }
    for (const QString &sql : {
             u"CREATE TABLE _outbox_v2 (id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, "
             "recordId TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, condition TEXT, "
             "version INTEGER, createdAt INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'Pending', "
             "attempts INTEGER NOT NULL DEFAULT 0, lastError TEXT)"_s,
             u"INSERT INTO _outbox_v2 SELECT id, model, recordId, type, coalesce(data, "
             "'{\"id\":\"i1\",\"title\":\"A\"}'), condition, version, createdAt, state, attempts, "
             "lastError FROM _outbox"_s,
             u"UPDATE sqlite_sequence SET seq = 2 WHERE name = '_outbox_v2'"_s,
             u"DROP TABLE _outbox"_s,
             u"ALTER TABLE _outbox_v2 RENAME TO _outbox"_s,
             u"CREATE INDEX _outbox_record ON _outbox (model, recordId)"_s,
             u"PRAGMA user_version = 2"_s}) {
        rawQuery(path, sql);
    }
    QCOMPARE(rawQuery(path, u"SELECT \"notnull\" FROM pragma_table_info('_outbox') WHERE name = 'data'"_s).toInt(), 1);
    Storage s(v1);
    DS_VERIFY_OK(s.open(path));
    QCOMPARE(s.migrationNotes(), QStringList{u"bookkeeping tables migrated to version 3"_s});
    QCOMPARE(rawQuery(path, u"SELECT \"notnull\" FROM pragma_table_info('_outbox') WHERE name = 'data'"_s).toInt(), 0);
    QCOMPARE(rawQuery(path, u"SELECT COUNT(*) FROM sqlite_master WHERE name = '_outbox_record'"_s).toInt(), 1);
    const QList<ds::OutboxEntry> entries = *s.outbox();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().id, 1);
    QCOMPARE(entries.first().data, (QVariantMap{{u"id"_s, u"i1"_s}, {u"title"_s, u"A"_s}}));
    // Ids are never reused: the removed entry 2 stays taken.
    DS_VERIFY_OK(s.save(*v1.model(u"Item"), {{u"id"_s, u"i3"_s}, {u"title"_s, u"C"_s}}));
    QCOMPARE((*s.outbox()).last().id, 3);
}

void tst_StorageMigration::newerVersionRefused()
{
    const QString path = m_dir.filePath(u"newer.db"_s);
    const ds::Schema v1 = *storagetest::schemaFrom(baseSdl);
    {
        Storage s(v1);
        DS_VERIFY_OK(s.open(path));
    }
    rawQuery(path, u"PRAGMA user_version = 7"_s);
    Storage s(v1);
    auto opened = s.open(path);
    QVERIFY(!opened);
    QCOMPARE(opened.error().domain(), ds::Error::Domain::Storage);
    QCOMPARE(opened.error().code(), u"NewerVersion"_s);
    QCOMPARE(opened.error().message(),
             path + u": the local store was written by a newer version of Qt DataStore (schema version 7, "
                    "this version reads up to 3)"_s);
    QVERIFY(!s.isOpen());
    // Untouched.
    QCOMPARE(rawQuery(path, u"PRAGMA user_version"_s).toInt(), 7);
}

void tst_StorageMigration::requireMatchingSchema()
{
    // Tools refuse a file made for another schema instead of migrating it.
    const QString path = m_dir.filePath(u"match.db"_s);
    const ds::Schema v1 = *storagetest::schemaFrom(baseSdl);
    {
        Storage s(v1);
        s.setRequireMatchingSchema(true);
        DS_VERIFY_OK(s.open(path));   // a new file is created
        QCOMPARE(s.migrationNotes(), (QStringList{u"Item: created table"_s, u"Other: created table"_s}));
        DS_VERIFY_OK(s.save(*v1.model(u"Item"), {{u"id"_s, u"i1"_s}, {u"title"_s, u"A"_s}}));
    }
    {
        Storage s(v1);
        s.setRequireMatchingSchema(true);
        DS_VERIFY_OK(s.open(path));   // the same schema opens
        QVERIFY(s.migrationNotes().isEmpty());
    }
    const QList<std::pair<QByteArray, QString>> others{
        // Additive (an app would migrate in place), incompatible (an app would rebuild), gone, new.
        {baseSdl + QByteArray("type Extra @model { id: ID! }"), u"the store has no table for the model Extra"_s},
        {QByteArray(baseSdl).replace("size: Int", "size: Int color: String"), u"the fields of Item differ"_s},
        {QByteArray(baseSdl).replace("size: Int", "size: Float"), u"the fields of Item differ"_s},
        {QByteArray("type Item @model { id: ID! title: String! size: Int tags: [String] }"),
         u"the store has a table for Other, a model the schema lacks"_s},
    };
    for (const auto &[sdl, what] : others) {
        const auto schema = storagetest::schemaFrom(sdl);
        QVERIFY(schema);
        Storage s(*schema);
        s.setRequireMatchingSchema(true);
        const auto opened = s.open(path);
        QVERIFY(!opened);
        QCOMPARE(opened.error().code(), u"SchemaMismatch"_s);
        QCOMPARE(opened.error().message(),
                 path + u": the schema does not match the local store: "_s + what + u"; nothing was changed"_s);
        QVERIFY(!s.isOpen());
    }
    // Untouched: the first schema finds its row, with no migration step.
    Storage s(v1);
    DS_VERIFY_OK(s.open(path));
    QVERIFY2(s.migrationNotes().isEmpty(), qPrintable(s.migrationNotes().join(u"; "_s)));
    QCOMPARE(*s.count(*v1.model(u"Item"), ds::Predicate::all()), 1);
    QCOMPARE(*s.pendingMutationCount(), 1);
    s.close();

    // An older bookkeeping version is not stepped up either.
    rawQuery(path, u"PRAGMA user_version = 2"_s);
    Storage old(v1);
    old.setRequireMatchingSchema(true);
    const auto refused = old.open(path);
    QCOMPARE(refused.error().code(), u"SchemaMismatch"_s);
    QCOMPARE(rawQuery(path, u"PRAGMA user_version"_s).toInt(), 2);
}

QTEST_GUILESS_MAIN(tst_StorageMigration)
#include "tst_migration.moc"
