// A transaction on a tenantdb database: FoundationDB's semantics.
//
// A transaction reads at one read version (taken at its first read, or by GetReadVersion),
// sees its own writes, and commits only if nothing it read without Snapshot::kYes was written
// by a transaction that committed after its read version (strict serializability). Atomic
// operations and versionstamped writes are blind: they add write conflicts only.
//
// Thread safety: a Transaction is used by one thread at a time. Different transactions may
// be used concurrently from any threads.
//
// Errors: every call returns its error as a value and changes nothing when it fails:
//   key_too_large, value_too_large, transaction_too_large  a limit of options.h was exceeded
//   key_outside_legal_range  a key begins with 0xFF and the transaction has no system access
//   inverted_range           a range's begin is after its end
//   transaction_too_old      the read version is more than 5 seconds behind (retryable)
//   not_committed            a conflict (retryable)
//   io_error, no_space, corruption, storage_busy ...  from the engine, kept distinct
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tenantdb/key_selector.h"
#include "tenantdb/mutation.h"
#include "tenantdb/options.h"
#include "tenantdb/status.h"

namespace tenantdb {

namespace kv {
class TransactionImpl;
struct WatchState;
}  // namespace kv

struct KeyValue {
  std::string key;
  std::string value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

struct RangeResult {
  std::vector<KeyValue> kvs;
  // True when the range holds more pairs than were returned (a limit or byte target stopped
  // the read); continue from after the last key returned.
  bool more = false;
};

// Fires once, when the value of the watched key differs from the value the transaction that
// set it saw (its own writes included). A write of the same value does not fire it.
// Copyable; copies share the state. Thread-safe.
class Watch {
 public:
  Watch() = default;
  explicit Watch(std::shared_ptr<kv::WatchState> state) : state_(std::move(state)) {}

  // True once the watch fired or failed.
  bool IsReady() const;
  // Blocks until the watch fires (OK), fails (watch_cancelled when the transaction did not
  // commit, was reset, or the database closed), or `timeout` passes (timed_out).
  Status Wait(std::chrono::milliseconds timeout) const;
  // Stops watching; waiters get watch_cancelled.
  void Cancel();

 private:
  std::shared_ptr<kv::WatchState> state_;
};

class Transaction {
 public:
  explicit Transaction(std::unique_ptr<kv::TransactionImpl> impl);
  ~Transaction();
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;

  // Reads. Non-snapshot reads add a read conflict range covering what they read: the key, the
  // range up to where the read stopped, or the keys a selector passed over.
  Result<std::optional<std::string>> Get(std::string_view key, Snapshot snapshot = Snapshot::kNo);
  // Resolves a key selector to a key. Past the end of the legal keyspace it resolves to "\xff"
  // ("\xff\xff" with system access); before the start, to "".
  Result<std::string> GetKey(const KeySelector& selector, Snapshot snapshot = Snapshot::kNo);
  // Pairs with keys in [resolve(begin), resolve(end)).
  Result<RangeResult> GetRange(const KeySelector& begin, const KeySelector& end,
                               const RangeOptions& options = {});
  // Pairs with keys in [begin, end).
  Result<RangeResult> GetRange(std::string_view begin, std::string_view end,
                               const RangeOptions& options = {});

  // Writes, buffered until Commit and visible to this transaction's later reads.
  Status Set(std::string_view key, std::string_view value);
  Status Clear(std::string_view key);
  // Clears keys in [begin, end).
  Status ClearRange(std::string_view begin, std::string_view end);
  // An atomic operation (IsAtomicOp(op)) with operand `param`, applied at commit.
  Status Atomic(MutationType op, std::string_view key, std::string_view param);
  // Atomic add of a signed 64-bit little-endian delta.
  Status Add(std::string_view key, int64_t delta);
  // `key` ends with a 4-byte little-endian offset of a 10-byte placeholder within the rest of
  // it; at commit the placeholder becomes the transaction's versionstamp and the offset bytes
  // are dropped. Likewise for the value in SetVersionstampedValue. Neither key is readable
  // by this transaction.
  Status SetVersionstampedKey(std::string_view key, std::string_view value);
  Status SetVersionstampedValue(std::string_view key, std::string_view value);

  // Watches `key` from the value this transaction sees; active once the transaction commits.
  Result<Watch> WatchKey(std::string_view key);

  // Explicit conflict ranges.
  Status AddReadConflictRange(std::string_view begin, std::string_view end);
  Status AddReadConflictKey(std::string_view key);
  Status AddWriteConflictRange(std::string_view begin, std::string_view end);
  Status AddWriteConflictKey(std::string_view key);

  // The version this transaction reads at, taken now if no read has happened yet.
  Result<Version> GetReadVersion();
  // Makes the read version `version` (must be a version this database committed at or after
  // the oldest version still readable). For tests and for consistent multi-transaction reads.
  Status SetReadVersion(Version version);

  // Commits. A transaction with no writes and no write conflict ranges commits trivially.
  // After success the transaction must be Reset before reuse.
  Status Commit();
  // After a successful Commit: the commit version (no_commit_version for a read-only
  // transaction), and the 10-byte versionstamp (8-byte big-endian version, 2-byte order).
  Result<Version> GetCommittedVersion() const;
  Result<std::string> GetVersionstamp() const;

  // Bytes this transaction would commit (mutations and conflict ranges).
  int64_t ApproximateSize() const;

  // Forgets all reads and writes; the next read takes a new read version.
  void Reset();
  // The retry step of a hand-written retry loop: for a retryable `error` resets and returns
  // OK; otherwise returns `error` unchanged. It does not sleep: Database::Run (and
  // Database::RetryStep) add the exponential backoff.
  Status OnError(const Status& error);

 private:
  std::unique_ptr<kv::TransactionImpl> impl_;
};

}  // namespace tenantdb
