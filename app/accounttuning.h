// Tuning constants of the app's account handling (account.h, authclient.h,
// keychainstore.h, storeswitcher.h). Measure before you change: the
// defaults are set for a desktop app on a LAN or the internet.
#pragma once

#include <chrono>

namespace notes::account_tuning {

using namespace std::chrono_literals;

// One /auth request (sign up, sign in, refresh) gives up after this long.
inline constexpr std::chrono::milliseconds kAuthRequestTimeout = 15s;
// The ID token is refreshed when this share of its lifetime has passed...
inline constexpr double kRefreshAtLifetimeShare = 0.8;
// ...but never sooner than this after it was issued (a very short TTL).
inline constexpr std::chrono::milliseconds kMinRefreshDelay = 1s;
// A refresh that failed for a transient reason (offline) is retried after this.
inline constexpr std::chrono::milliseconds kRefreshRetryDelay = 15s;
// A keychain job that has not answered by then counts as "no keychain"
// (a locked or absent Secret Service can leave the D-Bus call hanging).
inline constexpr std::chrono::milliseconds kKeychainTimeout = 5s;
// Sign out / switch user: how long to wait for the outbox to drain while online.
inline constexpr std::chrono::milliseconds kFlushTimeout = 10s;

// The server's rules (server/data/auth_tuning_p.h), checked before sending.
inline constexpr int kMinPasswordLength = 8;
inline constexpr int kMaxPasswordLength = 256;
inline constexpr int kMaxUsernameLength = 128;

} // namespace notes::account_tuning
