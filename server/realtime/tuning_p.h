// Tuning constants of the realtime hub (AppSync's published quotas where
// there is one).
#pragma once

#include <QtGlobal>

#include <chrono>

namespace ds::server::realtime::tuning {

using namespace std::chrono_literals;

// Sent in connection_ack; the client closes the socket when it hears nothing
// (ka or data) for this long. AppSync sends 300000.
inline constexpr int kConnectionTimeoutMs = 300000;
// Default keep-alive period (AppSync: about once a minute; JS flags a
// connection after 65 s without one).
inline constexpr std::chrono::milliseconds kKeepAliveInterval = 60s;
// A socket that neither sends connection_init nor start within this time is closed.
inline constexpr std::chrono::milliseconds kConnectionInitTimeout = 30s;
// Subscriptions on one WebSocket (AppSync: 100).
inline constexpr int kMaxSubscriptionsPerConnection = 100;
// Open realtime connections per hub; more are refused with connection_error.
inline constexpr int kMaxConnections = 50000;
// Largest client message, UTF-8 bytes (the HTTP layer closes sockets with 1009
// well above this; within it we answer with an error and keep the socket).
inline constexpr qsizetype kMaxMessageBytes = 128 * 1024;
// Longest subscription id (Amplify sends UUIDs).
inline constexpr qsizetype kMaxIdLength = 256;

} // namespace ds::server::realtime::tuning
