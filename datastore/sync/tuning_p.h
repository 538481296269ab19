// Tuning constants of the sync engine (datastore/sync), in one place. Measure
// before you change one: tests/sync/tst_syncprocessor.cpp (benchmark case,
// DS_SYNC_BENCH_RECORDS) reports base-sync records/s end to end. The defaults
// follow the Amplify JS client (PROTOCOL.md 6.1).
#pragma once

#include <QtGlobal>

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

// A mutation that cannot reach the server is retried forever with the
// jittered backoff of net::Backoff::retryPolicy(); once that policy gives
// up, every this often (JS retries network errors every 5 minutes).
inline constexpr std::chrono::milliseconds maxMutationRetryDelay = 5min;

// How long start() waits for every subscription's start_ack before it syncs
// anyway (events of the missing ones are then only caught by the next delta
// sync). Android waits max(60 s, 20 s per model).
inline constexpr std::chrono::milliseconds subscriptionsEstablishTimeout = 30s;

// Subscription events are merged in batches: those arriving within one turn
// of the event loop go into one transaction (one signal to observers).
inline constexpr int maxSubscriptionBatch = 500;

// A received sync page is written once the next page's request is on the
// wire (so that the server works meanwhile: 58k -> 140k records/s,
// datastore-bench sync), or after this long if that takes longer (a
// connection that hangs in its handshake).
inline constexpr std::chrono::milliseconds maxPageWriteDelay = 100ms;

// SyncPageReader: bodies larger than this, or nested deeper, take the
// general GraphQL reading (QJsonDocument).
inline constexpr qsizetype maxFastPageBytes = 64 * 1024 * 1024;
inline constexpr int maxFastPageDepth = 64;

} // namespace ds::sync::tuning
