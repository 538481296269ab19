// Tuning constants of the local store (datastore/storage). Measure before you
// change one: tests/storage/bench_storage.cpp (batch save vs raw insert) and
// tst_durability are the yardsticks.
#pragma once

namespace ds::storage::tuning {

// How long a statement waits for another connection's lock before failing
// with DatabaseLocked (PRAGMA busy_timeout). Storage::setBusyTimeout()
// overrides it per store.
inline constexpr int busyTimeoutMs = 5000;

// SQLite page cache per connection, in KiB (PRAGMA cache_size = -N).
inline constexpr int pageCacheKiB = 8192;

// Pages after which the WAL is checkpointed into the database file
// (PRAGMA wal_autocheckpoint); SQLite's default.
inline constexpr int walAutoCheckpointPages = 1000;

// Prepared statements kept for query()/count()/removeWhere(), whose SQL
// depends on the predicate and the sort order. The per-model statements of
// save/remove/get and the outbox statements are always kept.
inline constexpr int maxCachedQueries = 64;

} // namespace ds::storage::tuning
