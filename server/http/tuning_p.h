// Tuning constants of the HTTP layer of datastore-server.
//
// Measure before you change: these bound the memory and the time one client can
// hold. Limits that an operator may want to change per deployment are copied
// into ds::server::HttpLimits (httplimits.h) and can be overridden there.
#pragma once

#include <QtGlobal>

#include <chrono>

namespace ds::server::tuning {

using namespace std::chrono_literals;

// Request line plus all header lines, CRLFs included. Cognito JWTs in
// Authorization are a few KiB; 32 KiB leaves room without inviting abuse.
inline constexpr qsizetype kMaxHeaderBytes = 32 * 1024;
// Header lines per request (request line not counted).
inline constexpr int kMaxHeaderCount = 100;
// Request body (Content-Length). A GraphQL mutation is rarely above a few KiB.
inline constexpr qint64 kMaxBodyBytes = 1024 * 1024;
// Open connections (HTTP and upgrading), not counting established WebSockets.
inline constexpr int kMaxConnections = 1024;

// A keep-alive connection with no request in progress is closed after this.
inline constexpr std::chrono::milliseconds kIdleTimeout = 30s;
// From the first byte of a request until its header is complete (slowloris).
inline constexpr std::chrono::milliseconds kHeaderTimeout = 10s;
// Longest pause between two pieces of a request body.
inline constexpr std::chrono::milliseconds kBodyIdleTimeout = 15s;
// A handler that has not answered by then gets a 503 written for it.
inline constexpr std::chrono::milliseconds kResponseTimeout = 120s;
// After an error response that leaves unread request bytes, keep reading and
// discarding for this long before closing, so that the client sees the
// response instead of a TCP reset.
inline constexpr std::chrono::milliseconds kLingerTimeout = 1s;
// Graceful shutdown: requests in flight get this long to finish.
inline constexpr std::chrono::milliseconds kShutdownGrace = 5s;

// WebSocket: largest message and frame a client may send. Realtime clients send
// small JSON (connection_init, start with a query, stop).
inline constexpr quint64 kMaxWebSocketMessageBytes = 256 * 1024;
inline constexpr quint64 kMaxWebSocketFrameBytes = 256 * 1024;
// Upgraded sockets the QWebSocketServer may hold before the route takes them.
inline constexpr int kMaxPendingWebSockets = 128;

// CORS preflight answers may be cached by the browser for this many seconds.
inline constexpr int kCorsMaxAgeSeconds = 600;

} // namespace ds::server::tuning
