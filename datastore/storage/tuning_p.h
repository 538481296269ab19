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
// (PRAGMA wal_autocheckpoint). SQLite's default is 1000 (4 MiB): a batch of
// 100,000 saves then runs ~15 checkpoints inside commits on the worker, each
// copying pages and, with synchronous=NORMAL, fsyncing WAL and database.
// 10000 pages (~40 MiB of WAL) measured +20-25% save_batch_per_s in
// datastore-bench local (1000: 75-90k/s, 10000: 102-114k/s, idle and
// loaded). Costs: the WAL file grows to ~40 MiB, and a power loss (not a
// process crash) may lose up to that much of the latest commits, as the WAL
// is fsynced only at checkpoints (docs/storage.md, Durability).
inline constexpr int walAutoCheckpointPages = 10000;

// Prepared statements kept for query()/count()/removeWhere(), whose SQL
// depends on the predicate and the sort order. The per-model statements of
// save/remove/get and the outbox statements are always kept.
inline constexpr int maxCachedQueries = 64;

// The most values one statement binds: SQLite before 3.32 allows 999
// (SQLITE_MAX_VARIABLE_NUMBER). mergeRemote() writes a run of new records
// with one multi-row INSERT of this many values at most (99 posts of the
// app's schema): measured with datastore-bench sync.
inline constexpr int maxBoundValues = 999;

} // namespace ds::storage::tuning
