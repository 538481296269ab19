// Tuning constants of the data plane of datastore-server (server/data).
//
// Measure before you change: page sizes bound the memory and the time one
// sync request holds a worker; the sweep interval bounds how long expired
// delta rows and tombstones linger (queries ignore expired rows anyway).
#pragma once

#include <QtGlobal>

#include <chrono>

namespace ds::server::data::tuning {

using namespace std::chrono_literals;

// Sync and list pages: AppSync's default and cap (PROTOCOL.md 1.3).
inline constexpr int kDefaultPageLimit = 100;
inline constexpr int kMaxPageLimit = 1000;

// Retention defaults, as the Amplify transformer provisions them (2.3).
inline constexpr std::chrono::milliseconds kDefaultDeltaTtl = 30min;
inline constexpr std::chrono::milliseconds kDefaultTombstoneTtl = 30 * 24h;
// How often expired delta rows and tombstones are deleted.
inline constexpr std::chrono::milliseconds kDefaultSweepInterval = 60s;

// Worker threads running the engine and SQLite; each owns one connection.
// SQLite serializes writers anyway; more threads only help readers.
inline constexpr int kWorkerThreads = 4;
// How long a connection waits for another connection's write lock.
inline constexpr int kBusyTimeoutMs = 5000;

// Filters and conditions (filterlimits.h): and/or/not groups inside one
// another, field conditions in all, values of one in/notIn/between list.
// AppSync documents no such limits for queries; these keep one request's SQL
// far below SQLite's expression depth (1000) and its work bounded.
inline constexpr int kMaxFilterDepth = 16;
inline constexpr int kMaxFilterConditions = 500;
inline constexpr int kMaxFilterListValues = 100;
// POST /admin/explain: the longest text predicate accepted.
inline constexpr int kMaxPredicateTextBytes = 16 * 1024;

// The demo seed: rows per transaction.
inline constexpr int kSeedBatch = 1000;

} // namespace ds::server::data::tuning

namespace ds::server::data::tuning {

// PostgreSQL (pgstore.h): how long a connection attempt may take, and the key
// of the transaction-level advisory lock that serializes writers of every
// server instance on one database (any constant; it only has to be the same).
inline constexpr int kPgConnectTimeoutSeconds = 10;
inline constexpr qint64 kPgWriteLockKey = 0x44537772;   // "DSwr"
// Cross-instance change notifications (pgchangebridge.h): NOTIFY payloads
// stay below PostgreSQL's 8000-byte limit (larger items are read back from
// the delta log); the listener pings itself this often and reconnects when
// its own pings stop arriving.
inline constexpr int kPgNotifyMaxPayload = 7900;
inline constexpr std::chrono::milliseconds kPgListenPing = 5s;
inline constexpr int kPgListenMissedPings = 3;

} // namespace ds::server::data::tuning
