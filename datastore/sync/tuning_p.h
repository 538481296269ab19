// Tuning constants of the sync engine (datastore/sync), in one place. Measure
// before you change one: tests/sync/tst_syncprocessor.cpp (benchmark case,
// DS_SYNC_BENCH_RECORDS) reports base-sync records/s end to end. The defaults
// follow the Amplify JS client (PROTOCOL.md 6.1).
#pragma once

#include <chrono>

namespace ds::sync::tuning {

using namespace std::chrono_literals;

// Records asked for per sync page (the `limit` variable). AppSync caps it at
// 1000; JS and Android default to 1000.
inline constexpr int defaultPageSize = 1000;

// Records per model per sync round (JS maxRecordsToSync, Android
// syncMaxRecords). The last page asks for the remainder only.
inline constexpr int defaultMaxRecords = 10000;

// A base (full) sync is due when the last one is older than this (JS
// fullSyncInterval 1440 min); otherwise a delta sync runs.
inline constexpr std::chrono::milliseconds defaultFullSyncInterval = 24h;

} // namespace ds::sync::tuning
