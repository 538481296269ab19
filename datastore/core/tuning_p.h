// Tuning constants of the DataStore facade. Measure (datastore-bench) before
// you change one.
#pragma once

namespace ds::tuning {

// Most queued operations one worker turn runs in one SQLite transaction.
// Bigger batches amortize the commit; smaller ones resolve futures sooner.
inline constexpr int maxOperationsPerTransaction = 2000;

} // namespace ds::tuning
