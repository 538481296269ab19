// `datastore-bench local --records N` (tools/bench) run as a process with a
// small N: one JSON object on stdout carrying every figure issue 4 asks for,
// each a positive number, and the indexed query served by an index. Only the
// report's shape is checked here; the figures themselves are read off a run
// with N = 100000 on a quiet machine, never asserted in tests.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_BenchLocal : public QObject
{
    Q_OBJECT

private slots:
    void reportsEveryFigure();
    void badRecordCountFails();
};

void tst_BenchLocal::reportsEveryFigure()
{
    QProcess p;
    p.start(QStringLiteral(BENCH_EXECUTABLE), {u"local"_s, u"--records"_s, u"300"_s});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(p.readAllStandardOutput(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(doc.isObject());
    const QJsonObject report = doc.object();
    QVERIFY2(!report.contains(u"error"_s), qPrintable(report.value(u"error"_s).toString()));
    QCOMPARE(report.value(u"records"_s).toInt(), 300);
    for (const QString &key : {u"save_awaited_per_s"_s, u"save_batch_per_s"_s, u"sqlite_raw_insert_per_s"_s,
                               u"query_indexed_p50_ms"_s, u"query_scan_p50_ms"_s, u"observe_latency_p50_ms"_s,
                               u"max_event_loop_stall_ms"_s}) {
        QVERIFY2(report.value(key).isDouble(), qPrintable(key + u" is missing"_s));
        QVERIFY2(report.value(key).toDouble() > 0, qPrintable(key));
    }
    QCOMPARE(report.value(u"query_indexed_uses_index"_s).toBool(), true);
    for (const QString &key : {u"query_indexed_error"_s, u"query_scan_error"_s, u"save_queued_failures"_s,
                               u"save_batch_failures"_s})
        QVERIFY2(!report.contains(key), qPrintable(key + u": "_s + report.value(key).toVariant().toString()));
    QVERIFY(report.value(u"targets"_s).isObject());
}

void tst_BenchLocal::badRecordCountFails()
{
    QProcess p;
    p.start(QStringLiteral(BENCH_EXECUTABLE), {u"local"_s, u"--records"_s, u"many"_s});
    QVERIFY(p.waitForFinished(30000));
    QVERIFY(p.exitCode() != 0);
    QVERIFY(p.readAllStandardOutput().isEmpty());
    QVERIFY(!p.readAllStandardError().isEmpty());
}

QTEST_GUILESS_MAIN(tst_BenchLocal)
#include "tst_bench_local.moc"
