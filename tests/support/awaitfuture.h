// Test helper: waits for a QFuture while this thread's events keep moving
// (futures resolve on the store's worker thread; queued signals arrive here
// as they would in an app). Fails the process after a bound, so a hang is a
// clear failure rather than a CTest timeout.
#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFuture>

namespace dstest {

template<typename T>
T await(QFuture<T> future, int timeoutMs = 30000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!future.isFinished())
        qFatal("a future did not finish within %d ms", timeoutMs);
    return future.result();
}

} // namespace dstest
