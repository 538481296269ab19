// `datastore sync` (tools/cli) run as a process against the real
// datastore-server on 127.0.0.1: a --once base sync brings every record and
// drains the outbox, a sync expression filters what is fetched, bad
// expressions and configurations exit 2 before touching the database, an
// unreachable server exits 1 after --timeout, and --watch stops cleanly on
// SIGTERM.
#include "serverprocess.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace Qt::StringLiterals;

namespace {

const QString kApiKey = u"da2-clisynctestkey"_s;

struct Run
{
    int exitCode = -1;
    QList<QJsonObject> events;   // stdout, one JSON object per line
    QString errorText;           // stderr
    bool badLine = false;

    QList<QJsonObject> named(const QString &event) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &o : events) {
            if (o.value(u"event"_s).toString() == event)
                out.append(o);
        }
        return out;
    }
};

QList<QJsonObject> parseLines(const QByteArray &text, bool *bad)
{
    QList<QJsonObject> out;
    for (const QByteArray &line : text.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject() || !doc.object().contains(u"event"_s) || !doc.object().contains(u"ts"_s))
            *bad = true;
        out.append(doc.object());
    }
    return out;
}

} // namespace

class tst_CliSync : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void onceBaseSyncAndOutbox();
    void syncExpressionFilters();
    void badExpressionFails_data();
    void badExpressionFails();
    void badConfigurationFails();
    void unreachableServerTimesOut();
    void watchStopsOnSigterm();

private:
    Run run(const QStringList &arguments, int timeoutMs = 60000);
    QStringList syncArguments(const QString &db) const;
    QString writeConfig(const QUrl &endpoint, const QString &name);
    bool seed(int count);

    QTemporaryDir m_dir;
    std::unique_ptr<dstest::ServerProcess> m_server;
    QString m_config;
    int m_dbs = 0;
};

void tst_CliSync::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(CLI_EXECUTABLE)), CLI_EXECUTABLE);
}

void tst_CliSync::init()
{
    m_server = std::make_unique<dstest::ServerProcess>();
    const QString error = m_server->start({u"--api-key"_s, kApiKey});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_config = writeConfig(m_server->graphqlUrl(), u"amplifyconfiguration.json"_s);
}

void tst_CliSync::cleanup()
{
    m_server.reset();
}

QString tst_CliSync::writeConfig(const QUrl &endpoint, const QString &name)
{
    const QJsonObject api{{u"endpointType"_s, u"GraphQL"_s},
                          {u"endpoint"_s, endpoint.toString()},
                          {u"region"_s, u"local"_s},
                          {u"authorizationType"_s, u"API_KEY"_s},
                          {u"apiKey"_s, kApiKey}};
    const QJsonObject config{
        {u"api"_s, QJsonObject{{u"plugins"_s, QJsonObject{{u"awsAPIPlugin"_s, QJsonObject{{u"local"_s, api}}}}}}},
        {u"dataStore"_s, QJsonObject{{u"plugins"_s, QJsonObject{{u"awsDataStorePlugin"_s,
                                                                  QJsonObject{{u"syncPageSize"_s, 20}}}}}}}};
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(QJsonDocument(config).toJson());
    return path;
}

QStringList tst_CliSync::syncArguments(const QString &db) const
{
    return {u"sync"_s, u"--config"_s, m_config, u"--db"_s, db, u"--schema"_s, dstest::ServerProcess::schema()};
}

Run tst_CliSync::run(const QStringList &arguments, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(CLI_EXECUTABLE), arguments);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.errorText = u"timed out; stdout:\n"_s + QString::fromUtf8(p.readAllStandardOutput()) + u"stderr:\n"_s
            + QString::fromUtf8(p.readAllStandardError());
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.events = parseLines(p.readAllStandardOutput(), &r.badLine);
    r.errorText = QString::fromUtf8(p.readAllStandardError());
    if (p.exitStatus() != QProcess::NormalExit)
        r.errorText += u"\ncrashed; last event: "_s + QString::fromUtf8(QJsonDocument(r.events.value(r.events.size() - 1)).toJson(QJsonDocument::Compact));
    return r;
}

// `count` posts p0..p<count-1> with rating i % 10, in one request of aliased mutations.
bool tst_CliSync::seed(int count)
{
    QString document = u"mutation seed {\n"_s;
    for (int i = 0; i < count; ++i) {
        document += u"  m%1: createPost(input: {id: \"p%1\", title: \"Post %1\", rating: %2, status: PUBLISHED}) { id }\n"_s
                        .arg(i)
                        .arg(i % 10);
    }
    document += u"}\n"_s;
    QNetworkAccessManager nam;
    QNetworkRequest request(m_server->graphqlUrl());
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("x-api-key", kApiKey.toUtf8());
    QNetworkReply *reply = nam.post(request, QJsonDocument(QJsonObject{{u"query"_s, document}}).toJson());
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    if (reply->error() != QNetworkReply::NoError || answer.contains(u"errors"_s)) {
        qWarning().noquote() << "seeding failed:" << reply->errorString() << answer;
        return false;
    }
    return true;
}

void tst_CliSync::onceBaseSyncAndOutbox()
{
    QVERIFY(seed(50));
    const QString db = m_dir.filePath(u"once-%1.sqlite"_s.arg(++m_dbs));
    const QString schema = dstest::ServerProcess::schema();
    // A local change made offline, before the first sync: it waits in the outbox.
    const Run saved = run({u"--db"_s, db, u"--schema"_s, schema, u"save"_s, u"Post"_s,
                           u"{\"id\":\"local-1\",\"title\":\"Written offline\",\"rating\":3}"_s});
    QVERIFY2(saved.exitCode == 0, qPrintable(saved.errorText));

    const Run r = run(syncArguments(db) << u"--once"_s);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errorText));
    QVERIFY(!r.badLine);
    QCOMPARE(r.named(u"subscriptionsEstablished"_s).size(), 1);
    QCOMPARE(r.named(u"syncQueriesStarted"_s).size(), 1);
    QCOMPARE(r.named(u"syncQueriesReady"_s).size(), 1);
    QCOMPARE(r.named(u"networkStatus"_s).constFirst().value(u"active"_s).toBool(), true);
    const QList<QJsonObject> synced = r.named(u"modelSynced"_s);
    QCOMPARE(synced.size(), 2);   // parents first
    QCOMPARE(synced.at(0).value(u"model"_s).toString(), u"Post"_s);
    QCOMPARE(synced.at(0).value(u"isFullSync"_s).toBool(), true);
    QCOMPARE(synced.at(0).value(u"isDeltaSync"_s).toBool(), false);
    QCOMPARE(synced.at(0).value(u"new"_s).toInt(), 50);
    QCOMPARE(synced.at(1).value(u"model"_s).toString(), u"Comment"_s);
    // The outbox was drained before the command finished.
    const QList<QJsonObject> processed = r.named(u"outboxMutationProcessed"_s);
    QCOMPARE(processed.size(), 1);
    QCOMPARE(processed.constFirst().value(u"element"_s).toObject().value(u"id"_s).toString(), u"local-1"_s);
    const QJsonObject done = r.events.constLast();
    QCOMPARE(done.value(u"event"_s).toString(), u"done"_s);
    QCOMPARE(done.value(u"records"_s).toObject().value(u"Post"_s).toInt(), 51);
    QCOMPARE(done.value(u"errors"_s).toInt(), 0);

    const Run count = run({u"--db"_s, db, u"--schema"_s, schema, u"count"_s, u"Post"_s});
    QVERIFY2(count.exitCode == 0, qPrintable(count.errorText));
    const Run outbox = run({u"--db"_s, db, u"--schema"_s, schema, u"outbox"_s});
    QCOMPARE(outbox.exitCode, 0);
    QVERIFY(outbox.events.isEmpty());

    // Again: a delta sync with nothing new.
    const Run again = run(syncArguments(db) << u"--once"_s);
    QVERIFY2(again.exitCode == 0, qPrintable(again.errorText));
    const QList<QJsonObject> delta = again.named(u"modelSynced"_s);
    QCOMPARE(delta.size(), 2);
    QCOMPARE(delta.at(0).value(u"isDeltaSync"_s).toBool(), true);
    QCOMPARE(delta.at(0).value(u"new"_s).toInt(), 0);
    QCOMPARE(again.events.constLast().value(u"records"_s).toObject().value(u"Post"_s).toInt(), 51);
}

void tst_CliSync::syncExpressionFilters()
{
    QVERIFY(seed(50));   // ratings 0..9, five each
    const QString db = m_dir.filePath(u"filtered-%1.sqlite"_s.arg(++m_dbs));
    const Run r = run(syncArguments(db) << u"--sync-expression"_s << u"Post: rating > 5"_s);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errorText));
    const QList<QJsonObject> synced = r.named(u"modelSynced"_s);
    QVERIFY(!synced.isEmpty());
    QCOMPARE(synced.constFirst().value(u"new"_s).toInt(), 20);
    QCOMPARE(r.events.constLast().value(u"records"_s).toObject().value(u"Post"_s).toInt(), 20);

    QProcess query;
    query.start(QStringLiteral(CLI_EXECUTABLE), {u"--db"_s, db, u"--schema"_s, dstest::ServerProcess::schema(),
                                                 u"query"_s, u"Post"_s, u"rating <= 5"_s});
    QVERIFY(query.waitForFinished(30000));
    QCOMPARE(query.exitCode(), 0);
    QCOMPARE(query.readAllStandardOutput().trimmed(), QByteArray());
}

void tst_CliSync::badExpressionFails_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("message");
    QTest::newRow("syntax") << u"Post: rating >> 5"_s << u"'Post: rating >> 5': 1:9: "_s;
    QTest::newRow("field") << u"Post: ratng > 5"_s << u"1:1: Post has no field 'ratng'; did you mean 'rating'?"_s;
    QTest::newRow("type") << u"Post: rating > \"high\""_s << u"1:"_s;
    QTest::newRow("second line") << u"Post: rating > 5 and\n  title startsWith \"A\""_s << u"2:"_s;
    QTest::newRow("model") << u"Blog: rating > 5"_s << u"the schema has no model 'Blog'"_s;
    QTest::newRow("no model") << u"rating > 5"_s << u"expected 'Model: expression'"_s;
}

void tst_CliSync::badExpressionFails()
{
    QFETCH(QString, expression);
    QFETCH(QString, message);
    const QString db = m_dir.filePath(u"bad-%1.sqlite"_s.arg(++m_dbs));
    const Run r = run(syncArguments(db) << u"--sync-expression"_s << expression);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errorText.contains(message), qPrintable(r.errorText));
    QVERIFY(r.errorText.startsWith(u"datastore sync: --sync-expression"_s));
    QVERIFY(r.events.isEmpty());
    QVERIFY(!QFile::exists(db));   // nothing was opened

    // A second expression for the same model is refused too.
    const Run twice = run(syncArguments(db) << u"--sync-expression"_s << u"Post: rating > 5"_s
                                             << u"--sync-expression"_s << u"Post: rating < 2"_s);
    QCOMPARE(twice.exitCode, 2);
    QVERIFY2(twice.errorText.contains(u"a second expression for Post"_s), qPrintable(twice.errorText));
}

void tst_CliSync::badConfigurationFails()
{
    const QString db = m_dir.filePath(u"badconfig-%1.sqlite"_s.arg(++m_dbs));
    const QString schema = dstest::ServerProcess::schema();
    const QString bad = m_dir.filePath(u"bad.json"_s);
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(R"({"api":{"plugins":{"awsAPIPlugin":{"x":{"endpoint":"ftp://h/graphql","authorizationType":"API_KEY"}}}}})");
    }
    Run r = run({u"sync"_s, u"--config"_s, bad, u"--db"_s, db, u"--schema"_s, schema});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errorText.contains(u"bad.json: api.plugins.awsAPIPlugin.x.endpoint"_s), qPrintable(r.errorText));

    r = run({u"sync"_s, u"--config"_s, m_dir.filePath(u"missing.json"_s), u"--db"_s, db, u"--schema"_s, schema});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errorText.contains(u"missing.json"_s), qPrintable(r.errorText));

    r = run({u"sync"_s, u"--config"_s, m_config, u"--db"_s, db, u"--schema"_s, schema, u"--ca-file"_s,
             m_dir.filePath(u"nope.pem"_s)});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errorText.contains(u"nope.pem"_s), qPrintable(r.errorText));

    r = run(syncArguments(db) << u"--once"_s << u"--watch"_s);
    QCOMPARE(r.exitCode, 2);
    // No schema given and none beside the configuration file.
    r = run({u"sync"_s, u"--config"_s, m_config, u"--db"_s, db});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errorText.contains(u"--schema"_s), qPrintable(r.errorText));
    QVERIFY(!QFile::exists(db));
}

void tst_CliSync::unreachableServerTimesOut()
{
    // A port nobody listens on: the server we had is stopped.
    const QUrl endpoint = m_server->graphqlUrl();
    m_server->stop();
    m_config = writeConfig(endpoint, u"dead.json"_s);
    const QString db = m_dir.filePath(u"dead-%1.sqlite"_s.arg(++m_dbs));
    QElapsedTimer timer;
    timer.start();
    const Run r = run(syncArguments(db) << u"--once"_s << u"--timeout"_s << u"2"_s, 30000);
    QCOMPARE(r.exitCode, 1);
    QVERIFY(timer.elapsed() < 15000);
    QVERIFY(!r.events.isEmpty());
    const QJsonObject last = r.events.constLast();
    QCOMPARE(last.value(u"event"_s).toString(), u"error"_s);
    QCOMPARE(last.value(u"code"_s).toString(), u"Timeout"_s);
    QVERIFY2(r.errorText.contains(u"cannot reach "_s + endpoint.toString()), qPrintable(r.errorText));
}

void tst_CliSync::watchStopsOnSigterm()
{
    QVERIFY(seed(10));
    const QString db = m_dir.filePath(u"watch-%1.sqlite"_s.arg(++m_dbs));
    QProcess p;
    p.start(QStringLiteral(CLI_EXECUTABLE), syncArguments(db) << u"--watch"_s);
    QVERIFY(p.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += p.readAllStandardOutput()).contains("\"event\":\"ready\""), 20000);
    QVERIFY(output.contains("\"new\":10"));
    // Still running well after it synced.
    QTest::qWait(300);
    QCOMPARE(p.state(), QProcess::Running);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    output += p.readAllStandardOutput();
    bool bad = false;
    const QList<QJsonObject> events = parseLines(output, &bad);
    QVERIFY(!bad);
    QCOMPARE(events.constLast().value(u"event"_s).toString(), u"stopped"_s);
    QCOMPARE(events.constLast().value(u"signal"_s).toString(), u"SIGTERM"_s);
}

QTEST_GUILESS_MAIN(tst_CliSync)
#include "tst_cli_sync.moc"
