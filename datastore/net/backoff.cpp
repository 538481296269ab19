#include "net/backoff.h"

#include "net/tuning_p.h"

#include <QRandomGenerator>

#include <algorithm>

namespace ds::net {

using std::chrono::milliseconds;

Backoff::Policy Backoff::reconnectPolicy()
{
    return Policy{tuning::kReconnectBaseDelay, tuning::kReconnectMaxDelay, tuning::kReconnectJitter, Limit::Cap,
                  tuning::kReconnectStableAfter};
}

Backoff::Policy Backoff::retryPolicy()
{
    return Policy{tuning::kRetryBaseDelay, tuning::kRetryMaxDelay, tuning::kRetryJitter, Limit::GiveUp,
                  milliseconds(0)};
}

std::chrono::steady_clock::time_point Backoff::systemClock()
{
    return std::chrono::steady_clock::now();
}

milliseconds Backoff::randomJitter(milliseconds bound)
{
    if (bound.count() <= 0)
        return milliseconds(0);
    return milliseconds(QRandomGenerator::global()->bounded(qint64(bound.count()) + 1));
}

Backoff::Backoff(Policy policy, Clock clock, Jitter jitter)
    : m_policy(policy), m_clock(std::move(clock)), m_jitter(std::move(jitter))
{
}

std::optional<milliseconds> Backoff::nextDelay()
{
    if (m_connectedAt) {
        if (m_policy.stableAfter.count() > 0 && m_clock() - *m_connectedAt >= m_policy.stableAfter)
            m_failures = 0;
        m_connectedAt.reset();
    }
    // base x 2^n without overflow: stop doubling once past maxDelay.
    const qint64 base = std::max<qint64>(1, m_policy.baseDelay.count());
    const qint64 max = m_policy.maxDelay.count();
    qint64 exponential = base;
    for (int i = 0; i < m_failures && exponential <= max; ++i)
        exponential *= 2;
    const milliseconds jitter =
        std::clamp(m_jitter ? m_jitter(m_policy.jitter) : milliseconds(0), milliseconds(0), m_policy.jitter);

    if (m_policy.limit == Limit::GiveUp) {
        const qint64 delay = exponential + jitter.count();
        if (delay > max)
            return std::nullopt;
        ++m_failures;
        return milliseconds(delay);
    }
    if (m_failures < 1000)
        ++m_failures;
    return milliseconds(std::min(exponential, max)) + jitter;
}

std::optional<std::chrono::steady_clock::time_point> Backoff::nextAttemptAt()
{
    const std::optional<milliseconds> delay = nextDelay();
    if (!delay)
        return std::nullopt;
    return m_clock() + *delay;
}

void Backoff::connected()
{
    m_connectedAt = m_clock();
}

void Backoff::reset()
{
    m_failures = 0;
    m_connectedAt.reset();
}

} // namespace ds::net
