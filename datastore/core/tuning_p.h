// Tuning constants of the DataStore facade. Measure (datastore-bench) before
// you change one.
#pragma once

namespace ds::tuning {

// Most queued operations one worker turn runs in one SQLite transaction.
// Bigger batches amortize the commit; smaller ones resolve futures sooner.
inline constexpr int maxOperationsPerTransaction = 2000;

// clear(ClearMode::FlushFirst) waits at most this long for the outbox to be
// sent before it clears anyway.
inline constexpr int clearFlushTimeout = 10000;   // ms

} // namespace ds::tuning
