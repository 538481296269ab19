// Jittered exponential backoff: a small pure class with an injected clock and
// an injected jitter source, so tests drive it without sleeping
// (tests/net/tst_backoff.cpp).
//
//   delay(n) = min(base x 2^n, maxDelay) + jitter(0..jitterBound)     (Limit::Cap)
//   delay(n) = base x 2^n + jitter, nullopt once that exceeds maxDelay (Limit::GiveUp,
//              the JS core jitteredBackoff: gives up after the 12th failure at 5 min)
//
// n counts the failures since the last reset(). With stableAfter set, a
// connection that stayed up at least that long (connected() ... the next
// nextDelay()) starts again from n = 0; a connection that drops at once keeps
// climbing, so a flapping server is not hammered.
//
// Threading: not thread-safe; use from one thread (the owner's).
#pragma once

#include <chrono>
#include <functional>
#include <optional>

namespace ds::net {

class Backoff
{
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    // Returns a value in [0, bound].
    using Jitter = std::function<std::chrono::milliseconds(std::chrono::milliseconds bound)>;

    enum class Limit { Cap, GiveUp };

    struct Policy
    {
        std::chrono::milliseconds baseDelay{100};
        std::chrono::milliseconds maxDelay{5000};
        std::chrono::milliseconds jitter{100};
        Limit limit = Limit::Cap;
        std::chrono::milliseconds stableAfter{0};   // 0: only reset() resets
    };

    // The realtime socket's reconnect policy and the operation retry policy (tuning_p.h).
    static Policy reconnectPolicy();
    static Policy retryPolicy();

    static std::chrono::steady_clock::time_point systemClock();
    static std::chrono::milliseconds randomJitter(std::chrono::milliseconds bound);

    explicit Backoff(Policy policy = reconnectPolicy(), Clock clock = &Backoff::systemClock,
                     Jitter jitter = &Backoff::randomJitter);

    // After a failure: how long to wait before the next attempt, or nullopt
    // when the policy gives up. Counts the failure.
    std::optional<std::chrono::milliseconds> nextDelay();
    // Same, as a point in time on the injected clock.
    std::optional<std::chrono::steady_clock::time_point> nextAttemptAt();

    // The attempt succeeded (e.g. connection_ack): remembered for stableAfter.
    void connected();
    // Start over from the first delay.
    void reset();

    int failures() const { return m_failures; }
    const Policy &policy() const { return m_policy; }

private:
    Policy m_policy;
    Clock m_clock;
    Jitter m_jitter;
    int m_failures = 0;
    std::optional<std::chrono::steady_clock::time_point> m_connectedAt;
};

} // namespace ds::net
