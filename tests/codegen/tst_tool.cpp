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
    const QString path = dir.path() + u"/syntax.graphql"_s;
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("type Post @model {\n  id: ID!\n  title String!\n}\n");
    f.close();
    const Run r = run({path, u"-o"_s, dir.path()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.stdErr.startsWith(path + u":3:9: expected ':'"_s), qPrintable(r.stdErr));
}

void TestCodegenTool::usageErrors()
{
    QCOMPARE(run({}).exitCode, 2);
    QCOMPARE(run({u"/nonexistent/schema.graphql"_s, u"-o"_s, u"/tmp"_s}).exitCode, 1);
}

QTEST_GUILESS_MAIN(TestCodegenTool)
#include "tst_tool.moc"
