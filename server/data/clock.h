// The data plane's clock: every timestamp the server writes (_lastChangedAt,
// createdAt/updatedAt, _ttl, startedAt) and every expiry decision reads it,
// so tests can move time (--clock-offset, or a ManualClock in-process).
//
// Threading: now() is called from the worker threads; implementations must
// be thread-safe.
#pragma once

#include <QDateTime>

#include <atomic>

namespace ds::server::data {

class Clock
{
public:
    virtual ~Clock() = default;
    // Milliseconds since the epoch.
    virtual qint64 nowMs() const = 0;
};

// The system clock plus a fixed offset (--clock-offset).
class SystemClock final : public Clock
{
public:
    explicit SystemClock(qint64 offsetMs = 0) : m_offsetMs(offsetMs) {}
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch() + m_offsetMs; }

private:
    qint64 m_offsetMs;
};

// A clock that moves only when told to (in-process tests).
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs) : m_now(startMs) {}
    qint64 nowMs() const override { return m_now.load(); }
    void setNowMs(qint64 ms) { m_now.store(ms); }
    void advanceMs(qint64 ms) { m_now.fetch_add(ms); }

private:
    std::atomic<qint64> m_now;
};

} // namespace ds::server::data
