// Tuning constants of user authentication (server/data/auth*.h).
#pragma once

#include <chrono>

namespace ds::server::data::auth_tuning {

using namespace std::chrono_literals;

// PBKDF2-HMAC-SHA256 work factor of stored password hashes. Each hash records
// its own count, so raising this only affects new passwords.
inline constexpr int kPbkdf2Iterations = 100000;
inline constexpr int kSaltBytes = 16;
inline constexpr int kHashBytes = 32;
// The HS256 token signing key (generated once, kept in _server_meta).
inline constexpr int kSigningKeyBytes = 32;

// Token lifetimes (--token-ttl, --refresh-ttl).
inline constexpr std::chrono::milliseconds kDefaultTokenTtl = 1h;
inline constexpr std::chrono::milliseconds kDefaultRefreshTtl = 24h * 30;

// Password rule: at least this many characters (UTF-16 code units), at most
// kMaxPasswordLength; nothing else (NIST SP 800-63B style).
inline constexpr int kMinPasswordLength = 8;
inline constexpr int kMaxPasswordLength = 256;
// Usernames: 1-128 characters of [A-Za-z0-9._@+-].
inline constexpr int kMaxUsernameLength = 128;

// Threads hashing passwords (signup/signin run PBKDF2 off the HTTP thread).
inline constexpr int kAuthWorkerThreads = 2;

// Largest token accepted in an Authorization header.
inline constexpr int kMaxTokenBytes = 8192;

} // namespace ds::server::data::auth_tuning
