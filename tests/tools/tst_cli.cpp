// The admin CLI (tools/cli) run as a process on a local database with the
// app's schema: save, query (predicate, --sort, --limit/--page) as JSON
// lines, count, get, delete (by id, --if, --where), explain (predicate,
// AppSync filter JSON, SQL with bindings, SQLite's plan: index or scan),
// outbox; every error on stderr with a non-zero exit and nothing on stdout.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QString err;

    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> objects;
        for (const QByteArray &line : out.split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject())
                qWarning("not a JSON object line: %s", line.constData());
            objects.append(doc.object());
        }
        return objects;
    }
    QStringList ids() const
    {
        QStringList out;
        for (const QJsonObject &o : lines())
            out.append(o.value(u"id"_s).toString());
        return out;
    }
};

const QString kSchema = QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql");

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void saveQueryCountGet();
    void sortLimitPage();
    void deleteByIdConditionAndWhere();
    void explainShowsEveryFace();
    void outboxListsMergedMutations();
    void errors_data();
    void errors();
    void badInputWritesNothing();
    void readingAMissingFileCreatesNothing();
    void mismatchedSchemaChangesNothing();
    void corruptFileIsOneClearError();

private:
    Run run(const QStringList &arguments, const QString &db = {}, const QString &schema = kSchema);
    void seed(const QString &db);

    QTemporaryDir m_dir;
    int m_dbs = 0;
};

void tst_Cli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(CLI_EXECUTABLE)), CLI_EXECUTABLE);
}

Run tst_Cli::run(const QStringList &arguments, const QString &db, const QString &schema)
{
    QStringList all;
    if (!db.isEmpty())
        all << u"--db"_s << db;
    all << u"--schema"_s << schema << arguments;
    QProcess p;
    p.start(QStringLiteral(CLI_EXECUTABLE), all);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = u"timed out"_s;
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// Ten posts p0..p9: rating i, status PUBLISHED for even i, and one comment on p1.
void tst_Cli::seed(const QString &db)
{
    for (int i = 0; i < 10; ++i) {
        const QJsonObject post{{u"id"_s, u"p%1"_s.arg(i)},
                               {u"title"_s, QString((i % 2 ? u"This "_s : u"That "_s) + QString::number(i))},
                               {u"rating"_s, i},
                               {u"status"_s, i % 2 ? u"DRAFT"_s : u"PUBLISHED"_s},
                               {u"tags"_s, QJsonArray{u"qt"_s}}};
        const Run r = run({u"save"_s, u"Post"_s, QString::fromUtf8(QJsonDocument(post).toJson(QJsonDocument::Compact))}, db);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
    const Run c = run({u"save"_s, u"Comment"_s, uR"({"id":"c1","postID":"p1","content":"nice"})"_s}, db);
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
}

void tst_Cli::saveQueryCountGet()
{
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    const Run saved = run({u"save"_s, u"Post"_s, uR"({"id":"a","title":"Hello","rating":7,"status":"DRAFT"})"_s}, db);
    QCOMPARE(saved.exitCode, 0);
    QVERIFY(saved.err.isEmpty());
    QCOMPARE(saved.lines().size(), 1);
    const QJsonObject record = saved.lines().first();
    QCOMPARE(record.value(u"title"_s).toString(), u"Hello"_s);
    QCOMPARE(record.value(u"rating"_s).toInt(), 7);   // a JSON number stored as an Int
    QVERIFY(record.value(u"rating"_s).isDouble());

    const Run got = run({u"get"_s, u"Post"_s, u"a"_s}, db);
    QCOMPARE(got.exitCode, 0);
    QCOMPARE(got.lines().first().value(u"status"_s).toString(), u"DRAFT"_s);

    seed(db);
    const Run high = run({u"query"_s, u"Post"_s, u"rating > 5 and status == PUBLISHED"_s}, db);
    QCOMPARE(high.exitCode, 0);
    QCOMPARE(high.ids(), (QStringList{u"p6"_s, u"p8"_s}));   // by key when unsorted

    const Run all = run({u"query"_s, u"Post"_s}, db);
    QCOMPARE(all.lines().size(), 11);

    const Run n = run({u"count"_s, u"Post"_s, u"rating between 3 and 5 or tags contains \"none\""_s}, db);
    QCOMPARE(n.exitCode, 0);
    QCOMPARE(n.out, "3\n");
    QCOMPARE(run({u"count"_s, u"Comment"_s}, db).out, "1\n");
}

void tst_Cli::sortLimitPage()
{
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    seed(db);
    const Run top = run({u"query"_s, u"Post"_s, u"rating > 2"_s, u"--sort"_s, u"rating desc"_s,
                         u"--limit"_s, u"3"_s}, db);
    QCOMPARE(top.exitCode, 0);
    QCOMPARE(top.ids(), (QStringList{u"p9"_s, u"p8"_s, u"p7"_s}));

    // Two sort fields: status ascending, then rating descending.
    const Run two = run({u"query"_s, u"Post"_s, u"--sort"_s, u"status, rating desc"_s, u"--limit"_s, u"4"_s,
                         u"--page"_s, u"1"_s}, db);
    QCOMPARE(two.exitCode, 0);
    QCOMPARE(two.ids(), (QStringList{u"p1"_s, u"p8"_s, u"p6"_s, u"p4"_s}));

    const Run beyond = run({u"query"_s, u"Post"_s, u"--limit"_s, u"4"_s, u"--page"_s, u"9"_s}, db);
    QCOMPARE(beyond.exitCode, 0);
    QVERIFY(beyond.out.isEmpty());
}

void tst_Cli::deleteByIdConditionAndWhere()
{
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    seed(db);

    const Run refused = run({u"delete"_s, u"Post"_s, u"p3"_s, u"--if"_s, u"rating > 5"_s}, db);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.out.isEmpty());
    QVERIFY2(refused.err.startsWith(u"datastore: "_s), qPrintable(refused.err));
    QCOMPARE(run({u"count"_s, u"Post"_s}, db).out, "10\n");

    const Run removed = run({u"delete"_s, u"Post"_s, u"p1"_s, u"--if"_s, u"rating < 5"_s}, db);
    QCOMPARE(removed.exitCode, 0);
    QCOMPARE(removed.ids(), QStringList{u"p1"_s});
    const Run gone = run({u"get"_s, u"Post"_s, u"p1"_s}, db);
    QCOMPARE(gone.exitCode, 1);
    QVERIFY2(gone.err.contains(u"does not exist"_s), qPrintable(gone.err));
    // Its comment went with it, as a cascaded delete.
    QCOMPARE(run({u"count"_s, u"Comment"_s}, db).out, "0\n");

    const Run where = run({u"delete"_s, u"Post"_s, u"--where"_s, u"status == PUBLISHED and rating >= 4"_s}, db);
    QCOMPARE(where.exitCode, 0);
    QStringList ids = where.ids();
    ids.sort();
    QCOMPARE(ids, (QStringList{u"p4"_s, u"p6"_s, u"p8"_s}));
    QCOMPARE(run({u"count"_s, u"Post"_s}, db).out, "6\n");

    const Run conditionalSave = run({u"save"_s, u"Post"_s, uR"({"id":"p0","title":"x"})"_s, u"--if"_s,
                                     u"rating > 100"_s}, db);
    QCOMPARE(conditionalSave.exitCode, 1);
    QCOMPARE(run({u"get"_s, u"Post"_s, u"p0"_s}, db).lines().first().value(u"title"_s).toString(), u"That 0"_s);
}

void tst_Cli::explainShowsEveryFace()
{
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    seed(db);

    const Run scan = run({u"explain"_s, u"Post"_s, u"rating > 5 and (title beginsWith \"This\" or status == PUBLISHED)"_s}, db);
    QCOMPARE(scan.exitCode, 0);
    const QJsonObject s = QJsonDocument::fromJson(scan.out).object();
    QCOMPARE(s.value(u"predicate"_s).toString(), u"rating > 5 and (title beginsWith \"This\" or status == \"PUBLISHED\")"_s);
    const QJsonObject filter{{u"and"_s, QJsonArray{
        QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 5}}}},
        QJsonObject{{u"or"_s, QJsonArray{QJsonObject{{u"title"_s, QJsonObject{{u"beginsWith"_s, u"This"_s}}}},
                                         QJsonObject{{u"status"_s, QJsonObject{{u"eq"_s, u"PUBLISHED"_s}}}}}}}}}};
    QCOMPARE(s.value(u"filter"_s).toObject(), filter);
    const QString sql = s.value(u"sql"_s).toString();
    // Values are bound, never spliced into the text.
    QVERIFY2(!sql.contains(u"This"_s) && !sql.contains(u"PUBLISHED"_s), qPrintable(sql));
    QVERIFY2(sql.contains(u'?'), qPrintable(sql));
    QCOMPARE(s.value(u"bindings"_s).toArray().size(), 4);   // beginsWith binds its operand twice
    QVERIFY(s.value(u"bindings"_s).toArray().contains(u"PUBLISHED"_s));
    QVERIFY(!s.value(u"plan"_s).toArray().isEmpty());
    QCOMPARE(s.value(u"access"_s).toString(), u"scan"_s);

    // A lone comparison is wrapped in an "and", as the JS client sends it.
    const Run single = run({u"explain"_s, u"Post"_s, u"rating > 5"_s}, db);
    QCOMPARE(QJsonDocument::fromJson(single.out).object().value(u"filter"_s).toObject(),
             (QJsonObject{{u"and"_s, QJsonArray{QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 5}}}}}}}));

    const Run indexed = run({u"explain"_s, u"Comment"_s, u"postID == \"p1\""_s}, db);
    QCOMPARE(indexed.exitCode, 0);
    const QJsonObject i = QJsonDocument::fromJson(indexed.out).object();
    QCOMPARE(i.value(u"access"_s).toString(), u"index"_s);
    QVERIFY2(i.value(u"plan"_s).toArray().first().toString().contains(u"INDEX"_s),
             indexed.out.constData());
}

void tst_Cli::outboxListsMergedMutations()
{
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    QCOMPARE(run({u"save"_s, u"Post"_s, uR"({"id":"a","title":"one"})"_s}, db).exitCode, 0);
    QCOMPARE(run({u"save"_s, u"Post"_s, uR"({"id":"b","title":"two"})"_s}, db).exitCode, 0);
    // An update of a queued create folds into it (PROTOCOL.md 6.5).
    QCOMPARE(run({u"save"_s, u"Post"_s, uR"({"id":"a","title":"one, edited","rating":3})"_s}, db).exitCode, 0);
    // A delete of a queued create drops it: the server never hears of b.
    QCOMPARE(run({u"delete"_s, u"Post"_s, u"b"_s}, db).exitCode, 0);

    const Run outbox = run({u"outbox"_s}, db);
    QCOMPARE(outbox.exitCode, 0);
    const QList<QJsonObject> entries = outbox.lines();
    QCOMPARE(entries.size(), 1);
    const QJsonObject e = entries.first();
    QCOMPARE(e.value(u"model"_s).toString(), u"Post"_s);
    QCOMPARE(e.value(u"recordId"_s).toString(), u"a"_s);
    QCOMPARE(e.value(u"type"_s).toString(), u"create"_s);
    QCOMPARE(e.value(u"data"_s).toObject().value(u"title"_s).toString(), u"one, edited"_s);
    QCOMPARE(e.value(u"data"_s).toObject().value(u"rating"_s).toInt(), 3);
    QCOMPARE(e.value(u"attempts"_s).toInt(), 0);
}

void tst_Cli::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");   // a part of stderr

    QTest::newRow("unknown model") << QStringList{u"query"_s, u"Pots"_s} << 1 << u"no model 'Pots'"_s;
    QTest::newRow("unknown field, with a hint")
        << QStringList{u"query"_s, u"Post"_s, u"ratng > 5"_s} << 1
        << u"predicate: column 1: Post has no field 'ratng'; did you mean 'rating'?"_s;
    QTest::newRow("literal of the wrong type")
        << QStringList{u"count"_s, u"Post"_s, u"rating > \"high\""_s} << 1 << u"column 10"_s;
    QTest::newRow("enum value not in the enum")
        << QStringList{u"query"_s, u"Post"_s, u"status == PUBLISH"_s} << 1 << u"PUBLISH"_s;
    QTest::newRow("bad sort") << QStringList{u"query"_s, u"Post"_s, u"--sort"_s, u"ratng desc"_s} << 1
                              << u"--sort: "_s;
    QTest::newRow("bad --if") << QStringList{u"delete"_s, u"Post"_s, u"p1"_s, u"--if"_s, u"rating >"_s} << 1
                              << u"--if: column"_s;
    QTest::newRow("bad limit") << QStringList{u"query"_s, u"Post"_s, u"--limit"_s, u"ten"_s} << 2 << u"--limit"_s;
    QTest::newRow("negative page") << QStringList{u"query"_s, u"Post"_s, u"--limit"_s, u"2"_s, u"--page"_s, u"-1"_s}
                                   << 2 << u"--page"_s;
    QTest::newRow("page without limit") << QStringList{u"query"_s, u"Post"_s, u"--page"_s, u"2"_s} << 2
                                        << u"--page needs --limit"_s;
    QTest::newRow("unquoted predicate") << QStringList{u"count"_s, u"Post"_s, u"rating"_s, u">"_s, u"5"_s} << 2
                                        << u"unexpected argument '>'"_s;
    QTest::newRow("JSON syntax") << QStringList{u"save"_s, u"Post"_s, u"{\"id\":"_s} << 1 << u"JSON at offset"_s;
    QTest::newRow("JSON not an object") << QStringList{u"save"_s, u"Post"_s, u"[1]"_s} << 1 << u"JSON object"_s;
    QTest::newRow("missing required field") << QStringList{u"save"_s, u"Post"_s, uR"({"id":"z"})"_s} << 1
                                            << u"Post.title: a value is required"_s;
    QTest::newRow("wrong type") << QStringList{u"save"_s, u"Post"_s, uR"({"id":"z","title":"t","rating":"high"})"_s}
                                << 1 << u"Post.rating: expected an Int"_s;
    QTest::newRow("unknown field") << QStringList{u"save"_s, u"Post"_s, uR"({"id":"z","title":"t","ratng":1})"_s}
                                   << 1 << u"Post.ratng: unknown field"_s;
    QTest::newRow("malformed id") << QStringList{u"save"_s, u"Post"_s, uR"({"id":"","title":"t"})"_s} << 1
                                  << u"Post.id: a key must not be empty"_s;
    QTest::newRow("option the command does not take")
        << QStringList{u"count"_s, u"Post"_s, u"--limit"_s, u"3"_s} << 2 << u"count does not take --limit"_s;
    QTest::newRow("sync option on a local command")
        << QStringList{u"query"_s, u"Post"_s, u"--once"_s} << 2 << u"query does not take --once"_s;
    QTest::newRow("usage: delete with an id and --where")
        << QStringList{u"delete"_s, u"Post"_s, u"p1"_s, u"--where"_s, u"rating > 1"_s} << 2 << u"no ID, no --if"_s;
    QTest::newRow("usage: delete without id") << QStringList{u"delete"_s, u"Post"_s} << 2 << u"usage: delete"_s;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << 2 << u"unknown command 'frobnicate'"_s;
    QTest::newRow("no command") << QStringList{} << 2 << u"no command"_s;
}

void tst_Cli::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QString db = m_dir.filePath(u"errors.sqlite"_s);
    if (!QFile::exists(db))
        seed(db);
    const Run r = run(arguments, db);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    QVERIFY2(r.err.startsWith(u"datastore: "_s), qPrintable(r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void tst_Cli::badInputWritesNothing()
{
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    seed(db);
    const QByteArray before = run({u"query"_s, u"Post"_s}, db).out;
    const QByteArray outboxBefore = run({u"outbox"_s}, db).out;
    for (const QString &json : {uR"({"id":"p2","title":"t","rating":"x"})"_s, uR"({"id":"p2","title":null})"_s,
                                uR"({"id":"p2","title":"t","nope":1})"_s, uR"({"id":5,"title":"t"})"_s}) {
        const Run r = run({u"save"_s, u"Post"_s, json}, db);
        QVERIFY2(r.exitCode == 1, qPrintable(json));
    }
    QCOMPARE(run({u"query"_s, u"Post"_s}, db).out, before);
    QCOMPARE(run({u"outbox"_s}, db).out, outboxBefore);
}

void tst_Cli::readingAMissingFileCreatesNothing()
{
    const QString db = m_dir.filePath(u"typo.sqlite"_s);
    for (const QStringList &args : {QStringList{u"query"_s, u"Post"_s}, QStringList{u"count"_s, u"Post"_s},
                                    QStringList{u"outbox"_s}, QStringList{u"delete"_s, u"Post"_s, u"p1"_s}}) {
        const Run r = run(args, db);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"no such database"_s), qPrintable(r.err));
        QVERIFY(!QFile::exists(db));
    }
    QCOMPARE(run({u"save"_s, u"Post"_s, uR"({"id":"a","title":"t"})"_s}, db).exitCode, 0);
    QVERIFY(QFile::exists(db));
}

void tst_Cli::mismatchedSchemaChangesNothing()
{
    // The app's file opened with another schema (Comment.text instead of
    // Comment.content, no User or Note): an error, never a migration that
    // would rebuild Comment and drop User and Note.
    const QString db = m_dir.filePath(u"db%1.sqlite"_s.arg(++m_dbs));
    seed(db);
    QCOMPARE(run({u"save"_s, u"User"_s, uR"({"id":"u1","firstName":"Ann","lastName":"Lee","createdAt":"2024-01-01T00:00:00.000Z"})"_s}, db).exitCode, 0);
    const QString other = QStringLiteral(DS_TEST_DATA_DIR "/schema.graphql");
    for (const QStringList &args : {QStringList{u"count"_s, u"Post"_s}, QStringList{u"outbox"_s},
                                    QStringList{u"save"_s, u"Post"_s, uR"({"id":"x","title":"t"})"_s}}) {
        const Run r = run(args, db, other);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(u"the schema does not match the local store"_s), qPrintable(r.err));
    }
    QCOMPARE(run({u"count"_s, u"Comment"_s}, db).out, "1\n");
    QCOMPARE(run({u"count"_s, u"User"_s}, db).out, "1\n");
    QCOMPARE(run({u"count"_s, u"Post"_s}, db).out, "10\n");
    QCOMPARE(run({u"outbox"_s}, db).lines().size(), 12);
}

void tst_Cli::corruptFileIsOneClearError()
{
    const QString db = m_dir.filePath(u"garbage.sqlite"_s);
    QFile f(db);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'x'));
    f.close();
    const Run r = run({u"count"_s, u"Post"_s}, db);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    // One line, naming the file once.
    QCOMPARE(r.err.count(u'\n'), 1);
    QVERIFY2(r.err.startsWith(u"datastore: "_s + db + u": "_s), qPrintable(r.err));
    QCOMPARE(r.err.count(db), 1);
    QVERIFY2(r.err.contains(u"not a SQLite database"_s), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
