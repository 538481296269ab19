// Nothing acknowledged is lost, nothing is applied twice: a client process
// (sync_child) exits right after the server answered a mutation (fault
// injection), another is killed with SIGKILL while it drains its outbox,
// then a third runs to the end on the same database. The server must end with every record exactly
// once, with the last title, at exactly the version one application of each
// mutation gives (a replayed update that the server had already applied is
// reconciled, not applied again).
#include "syncserver.h"

#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace ds;
using synctest::SyncServer;

class tst_SyncCrash : public QObject
{
    Q_OBJECT

private slots:
    void killDuringDrainLosesAndDuplicatesNothing();

private:
    QStringList childArgs(const QString &db) const;
    QString runToEnd(const QStringList &args, int timeoutMs = 60000);

    QTemporaryDir m_dir;
    std::unique_ptr<SyncServer> m_server;
};

QStringList tst_SyncCrash::childArgs(const QString &db) const
{
    return {db, synctest::schemaFile(), m_server->graphqlUrl().toString(), synctest::apiKey()};
}

QString tst_SyncCrash::runToEnd(const QStringList &args, int timeoutMs)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QStringLiteral(DS_BINARY_DIR "/bin/sync_child"), args);
    if (!child.waitForFinished(timeoutMs)) {
        child.kill();
        child.waitForFinished();
        return u"timeout"_s;
    }
    return QString::fromUtf8(child.readAllStandardOutput());
}

void tst_SyncCrash::killDuringDrainLosesAndDuplicatesNothing()
{
    constexpr int kPosts = 300;
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<SyncServer>(m_dir.filePath(u"server.sqlite"_s));
    QVERIFY(m_server->start().isEmpty());
    const QString db = m_dir.filePath(u"client.sqlite"_s);

    // Round 1: creates. Round 2: an update of every record. Each round is
    // queued offline, then drained by a process killed half-way, then by a
    // second process that finishes.
    const QStringList titles{u"first"_s, u"second"_s};
    for (int round = 0; round < 2; ++round) {
        const QString queued = runToEnd(childArgs(db) << u"enqueue"_s << QString::number(kPosts) << titles.at(round));
        QVERIFY2(queued.contains(u"queued %1"_s.arg(kPosts)), qPrintable(queued));

        // A process that dies right after the server answered its 50th
        // mutation, before it applied the answer (the entry stays InFlight).
        {
            QProcess crasher;
            crasher.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"DS_FAULT_CRASH_AFTER_MUTATIONS"_s, u"50"_s);
            crasher.setProcessEnvironment(env);
            crasher.start(QStringLiteral(DS_BINARY_DIR "/bin/sync_child"), childArgs(db) << u"drain"_s);
            QVERIFY(crasher.waitForFinished(60000));
            QCOMPARE(crasher.exitCode(), 86);
        }

        QProcess victim;
        victim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        victim.start(QStringLiteral(DS_BINARY_DIR "/bin/sync_child"), childArgs(db) << u"drain"_s);
        QVERIFY(victim.waitForStarted());
        int processed = 0;
        QDeadlineTimer deadline(60000);
        while (processed < kPosts / 3 && !deadline.hasExpired()) {
            if (!victim.canReadLine())
                victim.waitForReadyRead(100);
            while (victim.canReadLine()) {
                if (victim.readLine().startsWith("processed"))
                    ++processed;
            }
            QVERIFY2(victim.state() == QProcess::Running, "the client finished before it was killed");
        }
        QVERIFY(processed >= kPosts / 3);
        ::kill(pid_t(victim.processId()), SIGKILL);   // in the middle of draining
        QVERIFY(victim.waitForFinished());
        QCOMPARE(victim.exitStatus(), QProcess::CrashExit);

        const QString finished = runToEnd(childArgs(db) << u"drain"_s);
        QVERIFY2(finished.contains(u"empty"_s), qPrintable(finished.right(500)));
    }

    // Every record once, with the last title, at version 2 (create + update).
    net::GraphQLClient http;
    synctest::configure(http, m_server->graphqlUrl());
    Schema schema;
    {
        QFile file(synctest::schemaFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        SourceError error;
        schema = *Schema::fromGraphQL(file.readAll(), u"schema.graphql"_s, &error);
    }
    net::SyncQueryArguments args;
    args.limit = 1000;
    const QList<QJsonObject> page = synctest::sendAll(http, {net::syncQuery(schema, *schema.model(u"Post"_s), args)});
    QCOMPARE(page.size(), 1);
    const QJsonArray items = page.constFirst().value(u"items"_s).toArray();
    QCOMPARE(items.size(), kPosts);
    QSet<QString> ids;
    for (const QJsonValue &v : items) {
        const QJsonObject item = v.toObject();
        ids.insert(item.value(u"id"_s).toString());
        QCOMPARE(item.value(u"title"_s).toString(), u"second"_s);
        QCOMPARE(item.value(u"_version"_s).toInt(), 2);
    }
    QCOMPARE(ids.size(), kPosts);
}

QTEST_GUILESS_MAIN(tst_SyncCrash)
#include "tst_synccrash.moc"
