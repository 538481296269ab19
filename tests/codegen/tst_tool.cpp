// datastore-codegen as a program: outputs, determinism, --api-schema, and the
// error contract for bad schemas (exit 1, "file:line:column: message").

#include "graphql/parser.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestCodegenTool : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int exitCode = -1;
        QString stdErr;
    };

    static Run run(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(DS_BINARY_DIR "/bin/datastore-codegen"), args);
        if (!p.waitForFinished(60000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardError())};
    }

    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static QString appSchema() { return QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"); }

private Q_SLOTS:
    void generatesDeterministicFiles();
    void writesApiSchema();
    void badSchemaFailsWithLocation();
    void writesErrorsForEveryProblem();
    void nameClashesFailWithLocation();
    void nonModelHoldingItselfFails();
    void usageErrors();
};

void TestCodegenTool::generatesDeterministicFiles()
{
    QTemporaryDir a, b;
    QCOMPARE(run({appSchema(), u"-o"_s, a.path()}).exitCode, 0);
    QCOMPARE(run({appSchema(), u"-o"_s, b.path(), u"--namespace"_s, u"x"_s}).exitCode, 0);
    const QByteArray header = read(a.path() + u"/models.h"_s);
    QVERIFY(header.contains("class Post\n"));
    QVERIFY(header.contains("static constexpr ds::QueryField<int> RATING{u\"Post\", u\"rating\"};"));
    QVERIFY(header.contains("enum class PostStatus {"));
    QVERIFY(!header.contains("namespace x"));
    QVERIFY(read(b.path() + u"/models.h"_s).contains("namespace x {"));

    // Same input, same bytes; and an unchanged file is not rewritten.
    const QDateTime before = QFileInfo(a.path() + u"/models.cpp"_s).lastModified();
    QTest::qWait(20);
    QCOMPARE(run({appSchema(), u"-o"_s, a.path()}).exitCode, 0);
    QCOMPARE(QFileInfo(a.path() + u"/models.cpp"_s).lastModified(), before);
    QCOMPARE(read(a.path() + u"/models.h"_s), header);
}

void TestCodegenTool::writesApiSchema()
{
    QTemporaryDir dir;
    const QString out = dir.path() + u"/api.graphql"_s;
    QCOMPARE(run({appSchema(), u"--api-schema"_s, out}).exitCode, 0);
    const QByteArray sdl = read(out);
    const auto parsed = ds::graphql::parse(sdl, out, ds::graphql::DocumentKind::TypeSystem);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    const auto *query = parsed.document.typeDefinition(u"Query");
    QVERIFY(query);
    QVERIFY(query->field(u"syncPosts"));
    QVERIFY(query->field(u"syncNotes"));
    QVERIFY(parsed.document.typeDefinition(u"ModelNoteConnection"));
}

void TestCodegenTool::badSchemaFailsWithLocation()
{
    QTemporaryDir dir;
    const QString bad = QStringLiteral(DS_TEST_DATA_DIR "/bad.graphql");
    const Run r = run({bad, u"-o"_s, dir.path()});
    QCOMPARE(r.exitCode, 1);
    // "…/bad.graphql:4:11: … Writer …": the unknown type is named at its place.
    QVERIFY2(r.stdErr.startsWith(bad + u":4:11: "_s), qPrintable(r.stdErr));
    QVERIFY2(r.stdErr.contains(u"Writer"_s), qPrintable(r.stdErr));
    QVERIFY(!QFile::exists(dir.path() + u"/models.h"_s));
}

void TestCodegenTool::writesErrorsForEveryProblem()
{
    QTemporaryDir dir;
    const auto write = [&](const QString &name, const QByteArray &text) {
        const QString path = dir.path() + u'/' + name;
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
            return QString();
        return path;
    };

    // A syntax error: the parse stops at the first one.
    const QString syntax = write(u"syntax.graphql"_s, "type Post @model {\n  id: ID!\n  title String!\n}\n");
    QVERIFY(!syntax.isEmpty());
    Run r = run({syntax, u"-o"_s, dir.path()});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.stdErr, syntax + u":3:9: expected ':' after field name 'title', found name 'String'\n"_s);

    // Validation errors: one line each, in source order, and nothing written.
    const QString invalid = write(u"invalid.graphql"_s,
                                  "type Post @model {\n  id: ID!\n  author: Writer\n}\n"
                                  "type Comment @model {\n  id: ID!\n  post: Post @belongsTo(fields: [\"postId\"])\n}\n");
    QVERIFY(!invalid.isEmpty());
    const QString out = dir.path() + u"/out"_s;
    r = run({invalid, u"-o"_s, out, u"--api-schema"_s, dir.path() + u"/api.graphql"_s});
    QCOMPARE(r.exitCode, 1);
    const QStringList lines = r.stdErr.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines.at(0).startsWith(invalid + u":3:11: Post.author: unknown type 'Writer'"_s), qPrintable(r.stdErr));
    QVERIFY2(lines.at(1).startsWith(invalid + u":7:33: Comment.post: @belongsTo(fields:) names field 'postId'"_s),
             qPrintable(r.stdErr));
    QVERIFY(!QFile::exists(out + u"/models.h"_s));
    QVERIFY(!QFile::exists(dir.path() + u"/api.graphql"_s));
}

// A valid schema whose C++ would not compile is refused before anything is
// written, each clash at its place; --api-schema alone still works.
void TestCodegenTool::nameClashesFailWithLocation()
{
    QTemporaryDir dir;
    const QString path = dir.path() + u"/clash.graphql"_s;
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("enum Mode {\n  a_b\n  A_B\n}\n"
            "type Post @model {\n  id: ID!\n  rating: Int\n  RATING: Int\n  x: String\n  X: String\n}\n"
            "type ModelProvider {\n  name: String\n}\n");
    f.close();
    const QString out = dir.path() + u"/out"_s;
    const Run r = run({path, u"-o"_s, out});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.stdErr.split(u'\n', Qt::SkipEmptyParts),
             (QStringList{
                 path + u":1:1: Mode: the values 'a_b' and 'A_B' would both be the C++ enumerator AB"_s,
                 path + u":8:3: Post.RATING: its C++ query-field constant RATING is already that of field 'rating'; rename one of the two fields"_s,
                 path + u":10:3: Post.X: its C++ query-field constant X is already that of field 'x'; rename one of the two fields"_s,
                 path + u":12:1: ModelProvider: the type name 'ModelProvider' cannot name a generated C++ class (a C++ keyword or a name the generated code uses)"_s,
             }));
    QVERIFY(!QFile::exists(out + u"/models.h"_s));
    QCOMPARE(run({path, u"--api-schema"_s, dir.path() + u"/api.graphql"_s}).exitCode, 0);
}

// Non-model types that hold each other by value cannot be C++ values.
void TestCodegenTool::nonModelHoldingItselfFails()
{
    QTemporaryDir dir;
    const QString path = dir.path() + u"/cycle.graphql"_s;
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("type A { b: B }\ntype B { a: A, list: [A] }\ntype S { s: S! }\ntype T { ts: [T] }\n"
            "type M @model { id: ID! a: A s: S t: T }\n");
    f.close();
    const Run r = run({path, u"-o"_s, dir.path()});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.stdErr.split(u'\n', Qt::SkipEmptyParts),
             (QStringList{
                 path + u":2:10: B.a: the non-model type A would contain itself (A.b -> B.a -> A); a C++ value cannot, make one of the fields a list"_s,
                 path + u":3:10: S.s: the non-model type S would contain itself (S.s -> S); a C++ value cannot, make one of the fields a list"_s,
             }));
    QVERIFY(!QFile::exists(dir.path() + u"/models.h"_s));
}

void TestCodegenTool::usageErrors()
{
    Run r = run({});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.stdErr.startsWith(u"usage: datastore-codegen SCHEMA -o OUTDIR"_s), qPrintable(r.stdErr));
    QCOMPARE(run({appSchema()}).exitCode, 2);   // nothing to write
    for (const QString &bad : {u"a b"_s, u"1x"_s, u"class"_s, u"a::"_s, u"::a"_s, u"a:b"_s, u""_s}) {
        r = run({appSchema(), u"-o"_s, u"/tmp"_s, u"--namespace"_s, bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.stdErr.contains(u"is not a C++ namespace name"_s), qPrintable(bad + u": "_s + r.stdErr));
    }
    QTemporaryDir dir;
    QCOMPARE(run({appSchema(), u"-o"_s, dir.path(), u"--namespace"_s, u"my::models_2"_s}).exitCode, 0);
    QVERIFY(read(dir.path() + u"/models.h"_s).contains("namespace my::models_2 {"));
    r = run({u"/nonexistent/schema.graphql"_s, u"-o"_s, u"/tmp"_s});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.stdErr.startsWith(u"/nonexistent/schema.graphql: cannot read"_s), qPrintable(r.stdErr));
}

QTEST_GUILESS_MAIN(TestCodegenTool)
#include "tst_tool.moc"
