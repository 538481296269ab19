// Backoff: pure, with an injected clock and jitter source; nothing sleeps.
#include "net/backoff.h"

#include <QTest>

using namespace ds::net;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

class tst_Backoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void exponentialCapped();
    void giveUpLikeJs();
    void jitterBounded();
    void stableConnectionResets();
    void flappingConnectionKeepsClimbing();
    void nextAttemptAtUsesClock();
    void resetStartsOver();
    void defaultPolicies();

private:
    Backoff make(Backoff::Policy policy)
    {
        return Backoff(policy, [this] { return m_now; }, [this](milliseconds bound) {
            return std::min(m_jitter, bound);
        });
    }

    TimePoint m_now;
    milliseconds m_jitter{0};
};

void tst_Backoff::init()
{
    m_now = TimePoint(1000h);
    m_jitter = 0ms;
}

void tst_Backoff::exponentialCapped()
{
    Backoff b = make({100ms, 5000ms, 100ms, Backoff::Limit::Cap, 0ms});
    const qint64 expected[] = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
    for (qint64 e : expected)
        QCOMPARE(b.nextDelay(), std::optional<milliseconds>(e));
    QCOMPARE(b.failures(), 9);
    for (int i = 0; i < 2000; ++i)   // no overflow however long it fails
        QCOMPARE(b.nextDelay(), std::optional<milliseconds>(5000ms));
}

void tst_Backoff::giveUpLikeJs()
{
    // JS core jitteredBackoff: 2^n x 100 ms + jitter; gives up when a delay
    // would exceed 5 minutes: 12 delays, ~6.8 minutes in total.
    m_jitter = 100ms;
    Backoff b = make(Backoff::retryPolicy());
    milliseconds total{0};
    int delays = 0;
    while (const std::optional<milliseconds> d = b.nextDelay()) {
        QCOMPARE(*d, milliseconds((100LL << delays) + 100));
        total += *d;
        ++delays;
        QVERIFY(delays < 100);
    }
    QCOMPARE(delays, 12);
    QCOMPARE(total, milliseconds(409500 + 1200));
    QVERIFY(!b.nextDelay());   // stays given up
}

void tst_Backoff::jitterBounded()
{
    Backoff b = make({100ms, 5000ms, 100ms, Backoff::Limit::Cap, 0ms});
    m_jitter = 250ms;   // a misbehaving source is clamped to the policy's bound
    QCOMPARE(b.nextDelay(), std::optional<milliseconds>(200ms));
    // The real random source stays within [0, bound].
    for (int i = 0; i < 1000; ++i) {
        const milliseconds j = Backoff::randomJitter(100ms);
        QVERIFY(j >= 0ms && j <= 100ms);
    }
    QCOMPARE(Backoff::randomJitter(0ms), 0ms);
}

void tst_Backoff::stableConnectionResets()
{
    Backoff b = make({100ms, 5000ms, 0ms, Backoff::Limit::Cap, 10s});
    for (int i = 0; i < 5; ++i)
        b.nextDelay();
    QCOMPARE(b.failures(), 5);
    b.connected();
    m_now += 10s;   // stayed up long enough
    QCOMPARE(b.nextDelay(), std::optional<milliseconds>(100ms));
    QCOMPARE(b.failures(), 1);
}

void tst_Backoff::flappingConnectionKeepsClimbing()
{
    Backoff b = make({100ms, 5000ms, 0ms, Backoff::Limit::Cap, 10s});
    b.nextDelay();
    b.nextDelay();
    b.connected();
    m_now += 9999ms;   // dropped just before the stability window
    QCOMPARE(b.nextDelay(), std::optional<milliseconds>(400ms));
    // connected() is consumed by one nextDelay(): time passing later does not reset.
    m_now += 1h;
    QCOMPARE(b.nextDelay(), std::optional<milliseconds>(800ms));
}

void tst_Backoff::nextAttemptAtUsesClock()
{
    Backoff b = make({100ms, 5000ms, 0ms, Backoff::Limit::Cap, 0ms});
    QCOMPARE(b.nextAttemptAt(), std::optional<TimePoint>(m_now + 100ms));
    m_now += 1s;
    QCOMPARE(b.nextAttemptAt(), std::optional<TimePoint>(m_now + 200ms));
    Backoff g = make({100ms, 150ms, 0ms, Backoff::Limit::GiveUp, 0ms});
    QVERIFY(g.nextAttemptAt());
    QVERIFY(!g.nextAttemptAt());
}

void tst_Backoff::resetStartsOver()
{
    Backoff b = make({100ms, 5000ms, 0ms, Backoff::Limit::Cap, 0ms});
    b.nextDelay();
    b.nextDelay();
    b.reset();
    QCOMPARE(b.failures(), 0);
    QCOMPARE(b.nextDelay(), std::optional<milliseconds>(100ms));
}

void tst_Backoff::defaultPolicies()
{
    const Backoff::Policy reconnect = Backoff::reconnectPolicy();
    QCOMPARE(reconnect.maxDelay, 5000ms);   // JS caps connection retries at 5 s
    QCOMPARE(reconnect.limit, Backoff::Limit::Cap);
    const Backoff::Policy retry = Backoff::retryPolicy();
    QCOMPARE(retry.maxDelay, milliseconds(5min));
    QCOMPARE(retry.limit, Backoff::Limit::GiveUp);
}

QTEST_GUILESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"
