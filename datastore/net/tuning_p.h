// Tuning constants of the network layer, in one place. Measure before you
// change one: the defaults follow the Amplify JS client (PROTOCOL.md 5.4, 6.7).
#pragma once

#include <chrono>

namespace ds::net::tuning {

using namespace std::chrono_literals;

// GraphQL over HTTP: a request that has not finished by then fails as a
// transient "Timeout" error.
inline constexpr std::chrono::milliseconds kHttpTimeout = 30s;

// Realtime: how long to wait for connection_ack after connection_init (JS: 15 s).
inline constexpr std::chrono::milliseconds kConnectionAckTimeout = 15s;
// Keep-alive window when connection_ack carries no connectionTimeoutMs (AppSync: 300000).
inline constexpr std::chrono::milliseconds kDefaultConnectionTimeout = 300s;
// How long a start may wait for start_ack (JS: 15 s).
inline constexpr std::chrono::milliseconds kStartAckTimeout = 15s;

// Reconnect backoff of the realtime socket: 2^attempt x base + random(0..jitter),
// each delay capped at kReconnectMaxDelay (JS caps connection retries at 5 s).
inline constexpr std::chrono::milliseconds kReconnectBaseDelay = 100ms;
inline constexpr std::chrono::milliseconds kReconnectMaxDelay = 5s;
inline constexpr std::chrono::milliseconds kReconnectJitter = 100ms;
// A connection that stayed up this long resets the attempt count.
inline constexpr std::chrono::milliseconds kReconnectStableAfter = 10s;

// Operation retry (sync queries, mutations; used by sync/): the JS core
// jitteredBackoff, giving up once a delay would exceed kRetryMaxDelay.
inline constexpr std::chrono::milliseconds kRetryBaseDelay = 100ms;
inline constexpr std::chrono::milliseconds kRetryMaxDelay = 5min;
inline constexpr std::chrono::milliseconds kRetryJitter = 100ms;

} // namespace ds::net::tuning
