// Options for opening a database, running transactions and reading ranges. Defaults are
// written inline; every option struct is passed by const reference and may be reused.
#pragma once

#include <cstdint>
#include <memory>

#include "tenantdb/clock.h"

namespace tenantdb {

// A commit version. Versions increase by about 1,000,000 per second of the database clock.
using Version = int64_t;

// Strong types for the flags of read calls (no bare bools at call sites).
enum class Snapshot : bool { kNo = false, kYes = true };
enum class Reverse : bool { kNo = false, kYes = true };

// When a commit is acknowledged.
enum class Durability {
  kSync,   // after its data is on disk (fsync of the write-ahead log). Survives power loss.
  kAsync,  // after it is in the write-ahead log in the OS page cache. Survives a process
           // crash (kill -9) but the newest commits may be lost if the machine loses power.
};

// The limits of the key-value contract (FoundationDB's). Exceeding one is a clear error.
inline constexpr int64_t kMaxKeySize = 10'000;
inline constexpr int64_t kMaxValueSize = 100'000;
inline constexpr int64_t kMaxTransactionSize = 10'000'000;
// Versions per second, and how far (in versions) a read version may lag the newest version
// before the transaction fails with transaction_too_old: 5 seconds.
inline constexpr Version kVersionsPerSecond = 1'000'000;
inline constexpr Version kMaxReadVersionLag = 5 * kVersionsPerSecond;

struct DatabaseOptions {
  // Default: kSync. Overridden by a "durability=async" parameter in the store URL.
  Durability durability = Durability::kSync;
  // The clock that versions advance with. Default: nullptr, meaning the system clock. Tests
  // pass a ManualClock so the 5-second transaction limit needs no sleeping.
  std::shared_ptr<Clock> clock;
  // Create the store if it does not exist. Default: true.
  bool create_if_missing = true;
};

struct TransactionOptions {
  // Allow keys beginning with 0xFF (the system keyspace). Default: false.
  bool system_access = false;
  // Bytes of mutations and conflict ranges allowed in the transaction. Default: 10,000,000.
  // May be lowered, never raised above kMaxTransactionSize.
  int64_t size_limit = kMaxTransactionSize;
};

struct RangeOptions {
  // Maximum number of key-value pairs returned; 0 means no limit. Default: 0.
  int limit = 0;
  // Stop after at least this many bytes of keys and values (at least one pair is returned);
  // 0 means no byte target. Default: 0.
  int64_t target_bytes = 0;
  // Return pairs in descending key order. Default: kNo.
  Reverse reverse = Reverse::kNo;
  // Read without adding a read conflict range. Default: kNo.
  Snapshot snapshot = Snapshot::kNo;
};

struct RunOptions {
  TransactionOptions transaction;
  // Retry commit_unknown_result too: set only when the function is idempotent (running it
  // twice has the effect of running it once). Default: false.
  bool idempotent = false;
  // Give up after this many retries and return the last error; -1 means no limit.
  // Default: -1, as FoundationDB's retry loop.
  int max_retries = -1;
  // Backoff before the first retry; doubles each retry up to max_backoff_micros, with jitter.
  int64_t initial_backoff_micros = 10;
  int64_t max_backoff_micros = 100'000;
};

}  // namespace tenantdb
