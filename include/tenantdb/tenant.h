// Tenants: isolation by construction.
//
// A tenant is a name in the tenant directory (in the system keyspace) mapped to a short
// binary prefix allocated once from a counter — never derived from the name. A Tenant handle
// gives TenantTransactions whose keys are relative to that prefix: every key, range, selector,
// conflict range and versionstamp offset a caller passes is relative, and the transaction
// confines all of them to the tenant. No function here accepts an absolute key.
//
//   tenantdb::TenantDirectory tenants(*db);
//   TDB_RETURN_IF_ERROR(tenants.Create("acme").status());
//   TDB_ASSIGN_OR_RETURN(tenantdb::Tenant acme, tenants.Open("acme"));
//   Status s = acme.Run([](tenantdb::TenantTransaction& tr) { return tr.Set("k", "v"); });
//
// Thread safety: TenantDirectory and Tenant are thread-safe; a TenantTransaction is used by
// one thread at a time, like a Transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tenantdb/database.h"
#include "tenantdb/key_selector.h"
#include "tenantdb/options.h"
#include "tenantdb/status.h"
#include "tenantdb/transaction.h"

namespace tenantdb {

namespace tenant {
struct TenantRuntime;
class TenantTransactionImpl;
}  // namespace tenant

enum class TenantState : int {
  kActive = 0,
  kLocked = 1,  // reads work; writes fail with tenant_locked
};

std::string_view TenantStateName(TenantState state);  // "active", "locked"

// Limits on a tenant; 0 means unlimited.
struct TenantQuota {
  // Estimated bytes stored (keys and values, after compression). Default: 0.
  int64_t storage_bytes = 0;
  // Reads and writes (each get, get_key, get_range, set, clear, clear_range, atomic op) per
  // second, across every transaction of this process on the tenant. Default: 0.
  int64_t ops_per_second = 0;
  friend bool operator==(const TenantQuota&, const TenantQuota&) = default;
};

struct TenantInfo {
  std::string name;
  int64_t id = 0;      // allocated once, never reused
  std::string prefix;  // the absolute key prefix of the tenant's data
  TenantState state = TenantState::kActive;
  int64_t created_micros = 0;  // database clock at creation
  TenantQuota quota;
  std::string metadata;  // opaque bytes for the application
};

// One day (UTC, days since the Unix epoch) of a tenant's metered work.
struct TenantUsage {
  int64_t day = 0;
  int64_t reads = 0;
  int64_t writes = 0;
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  // The estimate of the tenant's stored bytes (StoredBytes) last sampled that day, or -1 when
  // none was: sampled by the tenant's first write commit of the day, then by a write commit
  // at most once a minute, each time before that commit's own writes; today's row has the
  // estimate as of the Usage() call. So a past day's sample lags its writes of the last
  // minute before its last sample (a day whose only write was a load shows the size before
  // it); the next day's first sample includes them.
  int64_t bytes_stored = -1;
};

struct TenantPage {
  std::vector<TenantInfo> tenants;
  // Pass as `after` to List for the next page; empty when there are no more tenants.
  std::string next;
};

struct TenantCreateOptions {
  TenantQuota quota;
  std::string metadata;
};

class TenantTransaction {
 public:
  explicit TenantTransaction(std::unique_ptr<tenant::TenantTransactionImpl> impl);
  ~TenantTransaction();
  TenantTransaction(TenantTransaction&&) noexcept;
  TenantTransaction& operator=(TenantTransaction&&) noexcept;

  // As Transaction's, with keys relative to the tenant. Keys are 0 to 10,000 - prefix bytes
  // and must not begin with 0xff (key_outside_legal_range). Selectors resolve within the
  // tenant: past its end to "\xff", before its start to "".
  // Writes fail with tenant_locked in a locked tenant and tenant_not_found once it is deleted.
  // A call over the operations-per-second quota fails with quota_exceeded, and so does the
  // commit of that transaction.
  Result<std::optional<std::string>> Get(std::string_view key, Snapshot snapshot = Snapshot::kNo);
  Result<std::string> GetKey(const KeySelector& selector, Snapshot snapshot = Snapshot::kNo);
  Result<RangeResult> GetRange(const KeySelector& begin, const KeySelector& end,
                               const RangeOptions& options = {});
  Result<RangeResult> GetRange(std::string_view begin, std::string_view end,
                               const RangeOptions& options = {});
  Status Set(std::string_view key, std::string_view value);
  Status Clear(std::string_view key);
  Status ClearRange(std::string_view begin, std::string_view end);
  Status Atomic(MutationType op, std::string_view key, std::string_view param);
  Status Add(std::string_view key, int64_t delta);
  // The placeholder offset in the last 4 bytes is relative to the tenant key.
  Status SetVersionstampedKey(std::string_view key, std::string_view value);
  Status SetVersionstampedValue(std::string_view key, std::string_view value);
  Result<Watch> WatchKey(std::string_view key);
  Status AddReadConflictRange(std::string_view begin, std::string_view end);
  Status AddWriteConflictRange(std::string_view begin, std::string_view end);
  Result<Version> GetReadVersion();
  // Commits, with the transaction's metered usage added to the tenant's counters in the same
  // commit. Fails with quota_exceeded (writing nothing) when the tenant's estimated stored
  // bytes plus what this transaction's sets and atomic operations write exceed its storage
  // quota (a transaction that only clears is never refused for storage).
  Status Commit();
  Result<Version> GetCommittedVersion() const;
  Result<std::string> GetVersionstamp() const;
  void Reset();

 private:
  std::unique_ptr<tenant::TenantTransactionImpl> impl_;
};

// A handle on one tenant, bound to its id: renaming the tenant does not affect it; after the
// tenant is deleted its writes fail with tenant_not_found. Cheap to copy.
class Tenant {
 public:
  const std::string& name() const { return name_; }
  int64_t id() const;

  TenantTransaction CreateTransaction();

  // As Database::Run, with a TenantTransaction.
  template <typename Fn>
  Status Run(Fn&& fn, const RunOptions& options = {}) {
    TenantTransaction tr = CreateTransaction();
    for (int attempt = 0;; ++attempt) {
      Status s = fn(tr);
      if (s.ok()) s = tr.Commit();
      if (s.ok()) return s;
      if (!Database::RetryStep(s, options, attempt)) return s;
      tr.Reset();
    }
  }

 private:
  friend class TenantDirectory;
  Tenant(Database* db, std::shared_ptr<tenant::TenantRuntime> runtime, std::string name)
      : db_(db), runtime_(std::move(runtime)), name_(std::move(name)) {}

  Database* db_;
  std::shared_ptr<tenant::TenantRuntime> runtime_;
  std::string name_;
};

// The tenant directory: create, open, list, rename, lock, unlock, delete, quotas and usage.
// Each call is one transaction (retried on conflicts). Thread-safe.
// Errors: invalid_tenant_name, tenant_not_found, tenant_already_exists, and the kv errors.
class TenantDirectory {
 public:
  explicit TenantDirectory(Database& db) : db_(&db) {}

  Result<TenantInfo> Create(std::string_view name, const TenantCreateOptions& options = {});
  Result<TenantInfo> Get(std::string_view name);
  Result<Tenant> Open(std::string_view name);
  // Up to `limit` tenants (1..10,000) with names after `after`, in name order.
  Result<TenantPage> List(std::string_view after = {}, int limit = 100);
  // Changes the name; the prefix and data are untouched, open handles keep working.
  Status Rename(std::string_view from, std::string_view to);
  Status Lock(std::string_view name);
  Status Unlock(std::string_view name);
  // Removes the tenant and all its data in one transaction: one range clear, O(1) in the
  // tenant's size. The name can be reused at once; a new tenant of that name is empty.
  Status Delete(std::string_view name);
  Status SetQuota(std::string_view name, const TenantQuota& quota);
  // Metered usage for days [from_day, to_day] (days since the Unix epoch, UTC); days with no
  // usage are omitted.
  Result<std::vector<TenantUsage>> Usage(std::string_view name, int64_t from_day, int64_t to_day);
  // The engine's estimate of the bytes the tenant's data occupies.
  Result<int64_t> StoredBytes(std::string_view name);

 private:
  Database* db_;
};

// Validates a tenant name: 1-255 bytes of UTF-8 without control characters.
Status ValidateTenantName(std::string_view name);

}  // namespace tenantdb
