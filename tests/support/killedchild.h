// Test helper for durability tests: runs this test binary again as a child
// (`args`, e.g. {"child", path, mode}) that prints one line per write it saw
// acknowledged, waits until `acked` holds `target` lines, kills the child
// with SIGKILL (no destructors, no close(), no checkpoint) and adds every
// whole line it printed before dying. Returns what went wrong, or nothing.
#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSet>
#include <QString>
#include <QStringList>

namespace dstest {

inline QString runAndKill(const QStringList &args, qsizetype target, QSet<QString> &acked)
{
    QProcess child;
    child.setProgram(QCoreApplication::applicationFilePath());
    child.setArguments(args);
    child.setProcessChannelMode(QProcess::SeparateChannels);
    child.start();
    if (!child.waitForStarted())
        return QStringLiteral("the child did not start: ") + child.errorString();

    QByteArray buffer;
    auto takeLines = [&buffer, &acked] {
        qsizetype nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            acked.insert(QString::fromUtf8(buffer.left(nl)));
            buffer.remove(0, nl + 1);
        }
    };
    QElapsedTimer timer;
    timer.start();
    while (acked.size() < target) {
        if (timer.elapsed() >= 60000)
            return QStringLiteral("the child was too slow");
        if (child.state() != QProcess::Running)
            return QStringLiteral("the child ended: ") + QString::fromLocal8Bit(child.readAllStandardError());
        child.waitForReadyRead(100);
        buffer += child.readAllStandardOutput();
        takeLines();
    }
    child.kill();
    if (!child.waitForFinished(10000))
        return QStringLiteral("the killed child did not end");
    if (child.exitStatus() != QProcess::CrashExit)
        return QStringLiteral("the child was not killed");
    // Whole lines printed before it died are acknowledgements too; a line
    // cut short by the kill is not.
    buffer += child.readAllStandardOutput();
    takeLines();
    return {};
}

} // namespace dstest
