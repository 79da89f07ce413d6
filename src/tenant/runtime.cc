#include "tenant/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "kv/engine/engine.h"

namespace tenantdb::tenant {

namespace {

constexpr int64_t kRefreshMicros = 1'000'000;

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

struct Registry {
  std::mutex mu;
  std::map<int64_t, std::shared_ptr<TenantRuntime>> runtimes;  // GUARDED_BY(mu)
};

std::shared_ptr<Registry> RegistryOf(Database& db) {
  return std::static_pointer_cast<Registry>(db.Attachment("tenant.runtimes", [&db] {
    auto registry = std::make_shared<Registry>();
    // Read-only usage still in memory is written when the database closes. The hook holds the
    // registry weakly: attachments are destroyed after the hooks run, never before.
    db.OnClose([weak = std::weak_ptr<Registry>(registry)](Database& closing) {
      auto reg = weak.lock();
      if (reg == nullptr) return;
      std::lock_guard<std::mutex> l(reg->mu);
      for (auto& [id, rt] : reg->runtimes) FlushPending(closing, *rt).IgnoreError();
    });
    return registry;
  }));
}

}  // namespace

int64_t NowMicros(Database& db) { return db.engine().NowVersion(); }

TenantRuntime::TenantRuntime(int64_t tenant_id, std::string tenant_name)
    : id(tenant_id),
      name(std::move(tenant_name)),
      prefix(DataPrefix(tenant_id)),
      end(prefix + "\xff"),
      clear_end(PrefixEnd(prefix)),
      entry_key(EntryKey(tenant_id)),
      entry_range{entry_key, entry_key + std::string(1, '\0')} {}

int64_t TenantRuntime::ActiveSince() const {
  int64_t v = active_since_.load(std::memory_order_acquire);
  return v >= 0 ? v : -1;
}

void TenantRuntime::SetActiveSince(int64_t version) {
  int64_t cur = active_since_.load(std::memory_order_acquire);
  while (true) {
    int64_t floor = cur >= 0 ? cur + 1 : -(cur + 1);
    if (version < floor) return;
    if (active_since_.compare_exchange_weak(cur, version, std::memory_order_acq_rel)) return;
  }
}

void TenantRuntime::ForgetEntry(int64_t version) {
  active_since_.store(-(version + 1), std::memory_order_release);
}

Status TenantRuntime::TakeOps(int64_t n, int64_t now) {
  if (ops_limit_.load(std::memory_order_relaxed) <= 0) return Status::OK();
  std::lock_guard<std::mutex> l(mu_);
  if (quota_.ops_per_second <= 0) return Status::OK();
  auto rate = static_cast<double>(quota_.ops_per_second);
  if (now > refilled_at_) {  // not back in time: a transaction's time may be older (Now)
    tokens_ = std::min(rate, tokens_ + rate * static_cast<double>(now - refilled_at_) / 1e6);
    refilled_at_ = now;
  }
  if (tokens_ < static_cast<double>(n)) {
    return Error(ErrorCode::kQuotaExceeded,
                 fmt::format("tenant '{}': operations-per-second quota of {} exceeded", name,
                             quota_.ops_per_second));
  }
  tokens_ -= static_cast<double>(n);
  return Status::OK();
}

void TenantRuntime::SetQuota(const TenantQuota& quota, int64_t now) {
  std::lock_guard<std::mutex> l(mu_);
  if (quota.ops_per_second != quota_.ops_per_second) {
    // A new rate starts with a full second of budget.
    tokens_ = static_cast<double>(quota.ops_per_second);
    refilled_at_ = now;
  }
  quota_ = quota;
  ops_limit_.store(quota.ops_per_second, std::memory_order_relaxed);
  storage_limit_.store(quota.storage_bytes, std::memory_order_relaxed);
  quota_read_at_.store(now, std::memory_order_relaxed);
}

bool TenantRuntime::QuotaStale(int64_t now) {
  int64_t read_at = quota_read_at_.load(std::memory_order_relaxed);
  return read_at < 0 || now - read_at > kRefreshMicros;
}

TenantQuota TenantRuntime::quota() {
  std::lock_guard<std::mutex> l(mu_);
  return quota_;
}

Result<int64_t> TenantRuntime::StoredEstimate(Database& db, int64_t now) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stored_at_ >= 0 && now - stored_at_ <= kRefreshMicros) return stored_estimate_;
    // One thread refreshes a stale estimate (it reads the tenant's memtable entries); the
    // others go on with the stale one meanwhile.
    if (stored_at_ >= 0 && estimating_) return stored_estimate_;
    estimating_ = true;
  }
  Result<int64_t> estimate = db.engine().EstimateSize(prefix, clear_end);
  std::lock_guard<std::mutex> l(mu_);
  estimating_ = false;
  if (!estimate.ok()) return estimate.status();
  stored_estimate_ = *estimate;
  stored_at_ = now;
  return *estimate;
}

bool TenantRuntime::SampleDue(int64_t now) const {
  return now >= sample_due_.load(std::memory_order_relaxed);
}

void TenantRuntime::SampleCarried(int64_t now) {
  constexpr int64_t kSampleEvery = 60'000'000;
  // A minute on, or the start of the next day if that comes first.
  sample_due_.store(std::min(now + kSampleEvery, (DayOf(now) + 1) * kMicrosPerDay),
                    std::memory_order_relaxed);
}

namespace {

// This thread's pending-usage slot: threads are spread over the slots round-robin.
size_t ThisThreadSlot() {
  static std::atomic<size_t> next{0};
  thread_local size_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

void AddTo(std::atomic<int64_t>& a, int64_t v) {
  if (v != 0) a.fetch_add(v, std::memory_order_relaxed);
}

}  // namespace

bool TenantRuntime::AddPending(const UsageDelta& delta, int64_t now) {
  if (delta.empty()) return false;
  PendingSlot& slot = pending_[ThisThreadSlot() % kPendingSlots];
  AddTo(slot.reads, delta.reads);
  AddTo(slot.writes, delta.writes);
  AddTo(slot.bytes_read, delta.bytes_read);
  AddTo(slot.bytes_written, delta.bytes_written);
  int64_t since = pending_since_.load(std::memory_order_relaxed);
  if (since < 0 && pending_since_.compare_exchange_strong(since, now)) since = now;
  return now - since > kRefreshMicros;
}

UsageDelta TenantRuntime::TakePending() {
  UsageDelta out;
  if (pending_since_.load(std::memory_order_relaxed) < 0) return out;  // nothing since the last
  pending_since_.store(-1, std::memory_order_relaxed);
  for (PendingSlot& slot : pending_) {
    out.reads += slot.reads.exchange(0, std::memory_order_relaxed);
    out.writes += slot.writes.exchange(0, std::memory_order_relaxed);
    out.bytes_read += slot.bytes_read.exchange(0, std::memory_order_relaxed);
    out.bytes_written += slot.bytes_written.exchange(0, std::memory_order_relaxed);
  }
  return out;
}

std::shared_ptr<TenantRuntime> RuntimeFor(Database& db, int64_t id, std::string_view name) {
  auto reg = RegistryOf(db);
  std::lock_guard<std::mutex> l(reg->mu);
  auto& slot = reg->runtimes[id];
  if (slot == nullptr) slot = std::make_shared<TenantRuntime>(id, std::string(name));
  return slot;
}

std::shared_ptr<TenantRuntime> ExistingRuntime(Database& db, int64_t id) {
  auto reg = RegistryOf(db);
  std::lock_guard<std::mutex> l(reg->mu);
  auto it = reg->runtimes.find(id);
  return it == reg->runtimes.end() ? nullptr : it->second;
}

Status FlushPending(Database& db, TenantRuntime& rt) {
  UsageDelta pending = rt.TakePending();
  if (pending.empty()) return Status::OK();
  RunOptions options;
  options.transaction.system_access = true;
  Status s = db.Run(
      [&](Transaction& tr) -> Status {
        // A deleted tenant's usage is dropped: its counters went with it, and a key written
        // now would stay forever (ids are never reused). Reading the entry puts it in the read
        // set, so a delete committing meanwhile makes this retry and drop it.
        TDB_ASSIGN_OR_RETURN(std::optional<std::string> entry, tr.Get(rt.entry_key));
        if (!entry.has_value()) return Status::OK();
        return tr.Atomic(MutationType::kAdd, UsageKey(rt.id, DayOf(NowMicros(db))),
                         EncodeUsage(pending));
      },
      options);
  if (!s.ok()) rt.AddPending(pending, NowMicros(db));  // put back for a later flush
  return s;
}

}  // namespace tenantdb::tenant
