// A transaction confined to one tenant. Every key the caller passes is checked as a relative
// key and only then prefixed; ranges and selectors are bounded to [prefix, prefix + "\xff");
// results are stripped of the prefix. The underlying kv transaction has system access only
// to read the tenant's directory entry and add its usage counter — never on behalf of a
// caller's key.
#pragma once

#include <memory>
#include <string>

#include "kv/transaction_impl.h"
#include "tenant/runtime.h"
#include "tenantdb/tenant.h"

namespace tenantdb::tenant {

class TenantTransactionImpl {
 public:
  // REQUIRES: `db` outlives the transaction (as for any transaction); `runtime` is owned by
  // db's tenant registry, which keeps every runtime until the database closes.
  TenantTransactionImpl(Database& db, TenantRuntime* runtime);

  Result<std::optional<std::string>> Get(std::string_view key, Snapshot snapshot);
  Result<std::string> GetKey(const KeySelector& selector, Snapshot snapshot);
  Result<RangeResult> GetRange(const KeySelector& begin, const KeySelector& end,
                               const RangeOptions& options);
  Result<RangeResult> GetRange(std::string_view begin, std::string_view end,
                               const RangeOptions& options);
  Status Set(std::string_view key, std::string_view value);
  Status Clear(std::string_view key);
  Status ClearRange(std::string_view begin, std::string_view end);
  Status Atomic(MutationType op, std::string_view key, std::string_view param);
  Status SetVersionstampedKey(std::string_view key, std::string_view value);
  Status SetVersionstampedValue(std::string_view key, std::string_view value);
  Result<Watch> WatchKey(std::string_view key);
  Status AddConflictRange(std::string_view begin, std::string_view end, bool write);
  Result<Version> GetReadVersion() { return tr_.GetReadVersion(); }
  Status Commit();
  Result<Version> GetCommittedVersion() const { return tr_.GetCommittedVersion(); }
  Result<std::string> GetVersionstamp() const { return tr_.GetVersionstamp(); }
  void Reset();

 private:
  Status CheckKey(std::string_view key) const;
  Status CheckBound(std::string_view key, std::string_view what) const;
  Status CheckRange(std::string_view begin, std::string_view end) const;
  // Counts an operation against the ops/s quota (reading the quota when stale).
  Status CountOp();
  // Before the first write: reads the tenant's entry (a read conflict, so a concurrent
  // delete, lock or quota change makes this transaction retry) and checks its state; or,
  // when this process read it recently, only checks at commit that it did not change since.
  Status CheckWritable();
  std::string Abs(std::string_view key) const {
    std::string abs;
    abs.reserve(rt_->prefix.size() + key.size());
    abs.append(rt_->prefix).append(key);
    return abs;
  }
  // The same in the thread's buffer, for a key the callee copies (no allocation per
  // operation); valid until the thread's next call.
  std::string_view AbsKey(std::string_view key) const;
  KeySelector AbsSelector(const KeySelector& s) const { return {Abs(s.key), s.or_equal, s.offset}; }
  std::string Rel(std::string_view abs) const;
  void CountRead(const RangeResult& r);
  // The time (microseconds, NowMicros) for this transaction's operations: read once and reused
  // by CountOp (read again when an operation would exceed the ops quota), so a transaction
  // does not read the clock at every step. The entry check and a write commit read it afresh.
  int64_t Now();

  Database& db_;
  TenantRuntime* rt_;
  kv::TransactionImpl tr_;
  Status writable_;  // the outcome of CheckWritable, once checked
  bool write_checked_ = false;
  bool used_cached_entry_ = false;  // CheckWritable relied on the runtime's ActiveSince
  bool wrote_ = false;
  // Bytes this transaction's sets and atomic operations (but compare_and_clear) write: what the
  // storage quota checks. A transaction that only clears is never refused for storage (it is
  // how a tenant over its quota frees space; its tombstones are bounded by the ops quota).
  int64_t bytes_added_ = 0;
  Status poisoned_;  // quota_exceeded: the commit must fail too
  UsageDelta usage_;
  int64_t now_ = -1;  // as last read (Now), or -1
};

}  // namespace tenantdb::tenant
