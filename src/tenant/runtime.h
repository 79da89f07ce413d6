// What a process keeps in memory per tenant, shared by every handle on it (one per database,
// through Database::Attachment): the ops-per-second token bucket, the quota as last read, the
// cached estimate of stored bytes, and the usage of read-only transactions not yet written.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kv/engine/engine.h"
#include "tenant/layout.h"
#include "tenantdb/database.h"
#include "tenantdb/tenant.h"

namespace tenantdb::tenant {

// Micros of the database clock (the engine's version clock).
int64_t NowMicros(Database& db);
inline constexpr int64_t kMicrosPerDay = 86'400'000'000;
inline int64_t DayOf(int64_t micros) { return micros / kMicrosPerDay; }

struct TenantRuntime {
  TenantRuntime(int64_t tenant_id, std::string tenant_name);

  const int64_t id;
  const std::string name;       // the name the tenant was first opened under, for messages
  const std::string prefix;     // data prefix
  const std::string end;        // prefix + "\xff": the end of the tenant's legal keys
  const std::string clear_end;  // the end of everything under prefix
  const std::string entry_key;  // the directory entry
  // [entry_key, entry_key + "\0"), named by the commits that check the entry from a version
  // (a runtime outlives its tenant's transactions).
  const kv::KeyRange entry_range;

  // The version at which this process last read the entry and found the tenant active, or
  // -1. A write transaction that starts within a second of it checks the entry by a read
  // conflict from that version instead of reading it (TenantTransactionImpl::CheckWritable).
  int64_t ActiveSince() const;
  // Records a read at `version` that found the tenant active, unless a newer one is recorded
  // or the entry was forgotten at a later version.
  void SetActiveSince(int64_t version);
  // After the entry changed (or a commit relying on it failed) at or before `version`: reads
  // at older versions are not recorded from now on.
  void ForgetEntry(int64_t version);

  // Takes `n` operations from the ops/s budget. Errors: quota_exceeded.
  Status TakeOps(int64_t n, int64_t now_micros);
  // Records the quota read from the directory at `now_micros`.
  void SetQuota(const TenantQuota& quota, int64_t now_micros);
  // True when the quota was never read or was read over a second ago.
  bool QuotaStale(int64_t now_micros);
  TenantQuota quota();
  bool HasStorageQuota() const { return storage_limit_.load(std::memory_order_relaxed) > 0; }

  // The stored-bytes estimate, refreshed from the engine when over a second old.
  Result<int64_t> StoredEstimate(Database& db, int64_t now_micros);
  // Whether a write commit at `now_micros` should carry a stored-bytes sample for its day: none
  // was carried that day yet, or the last is a minute old. SampleCarried records one.
  bool SampleDue(int64_t now_micros) const;
  void SampleCarried(int64_t now_micros);

  // Usage of read-only transactions waiting to be written by the next write transaction or
  // by a flush. Add returns true when the oldest pending usage is over a second old.
  // Lock-free: every read-only transaction adds to it; usage taken and not written goes back.
  bool AddPending(const UsageDelta& delta, int64_t now_micros);
  UsageDelta TakePending();

 private:
  std::mutex mu_;
  TenantQuota quota_;  // GUARDED_BY(mu_)
  // Read without the mutex on every operation, so a tenant without an ops quota costs no
  // shared lock: mirrors of quota_.ops_per_second and of when the quota was read.
  // >= 0: ActiveSince; < 0: forgotten at version -(value + 1).
  std::atomic<int64_t> active_since_{-1};
  std::atomic<int64_t> ops_limit_{0};
  std::atomic<int64_t> storage_limit_{0};
  std::atomic<int64_t> quota_read_at_{-1};
  // When the next write commit is to carry a stored sample (SampleDue).
  std::atomic<int64_t> sample_due_{0};
  double tokens_ = 0;            // GUARDED_BY(mu_)
  int64_t refilled_at_ = 0;      // GUARDED_BY(mu_)
  int64_t stored_estimate_ = 0;  // GUARDED_BY(mu_)
  int64_t stored_at_ = -1;       // GUARDED_BY(mu_)
  bool estimating_ = false;      // GUARDED_BY(mu_): a thread is refreshing stored_estimate_
  // Pending usage (see AddPending), in slots picked by thread so concurrent readers do not
  // write one shared cache line, and since when (-1: none).
  struct alignas(64) PendingSlot {
    std::atomic<int64_t> reads{0};
    std::atomic<int64_t> writes{0};
    std::atomic<int64_t> bytes_read{0};
    std::atomic<int64_t> bytes_written{0};
  };
  static constexpr size_t kPendingSlots = 8;
  PendingSlot pending_[kPendingSlots];
  std::atomic<int64_t> pending_since_{-1};
};

// The runtime of tenant `id` in `db`, made on first use.
std::shared_ptr<TenantRuntime> RuntimeFor(Database& db, int64_t id, std::string_view name);
// The runtime of tenant `id` if this process has one.
std::shared_ptr<TenantRuntime> ExistingRuntime(Database& db, int64_t id);

// Writes pending read-only usage of `rt` in its own transaction.
Status FlushPending(Database& db, TenantRuntime& rt);

}  // namespace tenantdb::tenant
