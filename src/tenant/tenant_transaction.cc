#include "tenant/tenant_transaction.h"

#include <fmt/format.h>

#include "common/printable.h"

namespace tenantdb::tenant {

namespace {

TransactionOptions SystemAccess() {
  TransactionOptions o;
  o.system_access = true;
  return o;
}

constexpr std::string_view kTenantEnd("\xff", 1);
// How long a write transaction may rely on the tenant's entry as last read (CheckWritable);
// well inside the 5 s window in which the engine can check a read from an earlier version.
constexpr int64_t kEntryFreshMicros = 1'000'000;

// The usage key of tenant `id` on `day`, a function of the two only: cached for the thread's
// last tenant and day, so a commit does not pack the tuple again.
const std::string& CachedUsageKey(int64_t id, int64_t day) {
  thread_local int64_t cached_id = -1;
  thread_local int64_t cached_day = -1;
  thread_local std::string key;
  if (id != cached_id || day != cached_day) {
    key = UsageKey(id, day);
    cached_id = id;
    cached_day = day;
  }
  return key;
}

}  // namespace

std::string_view TenantTransactionImpl::AbsKey(std::string_view key) const {
  thread_local std::string buffer;
  buffer.assign(rt_->prefix).append(key);
  return buffer;
}

TenantTransactionImpl::TenantTransactionImpl(Database& db, TenantRuntime* runtime)
    : db_(db), rt_(runtime), tr_(&db.engine(), SystemAccess()) {}

Status TenantTransactionImpl::CheckKey(std::string_view key) const {
  int64_t limit = kMaxKeySize - static_cast<int64_t>(rt_->prefix.size());
  if (static_cast<int64_t>(key.size()) > limit) {
    return Error(ErrorCode::kKeyTooLarge,
                 fmt::format("key of {} bytes (limit {} in a tenant: {} minus the tenant prefix)",
                             key.size(), limit, kMaxKeySize));
  }
  if (key >= kTenantEnd) {
    return Error(
        ErrorCode::kKeyOutsideLegalRange,
        fmt::format("key {} begins with 0xff; tenant keys are below \\xff", Printable(key)));
  }
  return Status::OK();
}

Status TenantTransactionImpl::CheckBound(std::string_view key, std::string_view what) const {
  int64_t limit = kMaxKeySize + 1 - static_cast<int64_t>(rt_->prefix.size());
  if (static_cast<int64_t>(key.size()) > limit) {
    return Error(ErrorCode::kKeyTooLarge,
                 fmt::format("{} of {} bytes (limit {} in a tenant)", what, key.size(), limit));
  }
  if (key > kTenantEnd) {
    return Error(
        ErrorCode::kKeyOutsideLegalRange,
        fmt::format("{} {} is past the end of the tenant's keys '\\xff'", what, Printable(key)));
  }
  return Status::OK();
}

Status TenantTransactionImpl::CheckRange(std::string_view begin, std::string_view end) const {
  TDB_RETURN_IF_ERROR(CheckBound(begin, "range begin"));
  TDB_RETURN_IF_ERROR(CheckBound(end, "range end"));
  if (begin > end) {
    return Error(ErrorCode::kInvertedRange, fmt::format("range begin {} is after its end {}",
                                                        Printable(begin), Printable(end)));
  }
  return Status::OK();
}

std::string TenantTransactionImpl::Rel(std::string_view abs) const {
  // Bounded reads only return keys in [prefix, prefix + "\xff"]; the end itself means "past
  // the last key".
  if (abs.size() < rt_->prefix.size()) return std::string();
  return std::string(abs.substr(rt_->prefix.size()));
}

int64_t TenantTransactionImpl::Now() {
  if (now_ < 0) now_ = NowMicros(db_);
  return now_;
}

Status TenantTransactionImpl::CountOp() {
  if (!poisoned_.ok()) return poisoned_;
  int64_t now = Now();
  if (rt_->QuotaStale(now)) {
    // A snapshot read: refreshing the quota must not make this transaction conflict.
    auto entry = tr_.Get(rt_->entry_key, Snapshot::kYes);
    if (entry.ok() && entry->has_value()) {
      TenantInfo info;
      if (DecodeEntry(**entry, info).ok()) rt_->SetQuota(info.quota, now);
    }
  }
  Status s = rt_->TakeOps(1, now);
  if (!s.ok()) {
    // The budget refills with time: a long transaction's operation is refused only if it is
    // over the budget at the time it runs, not at the time the clock was last read.
    now_ = NowMicros(db_);
    if (now_ > now) s = rt_->TakeOps(1, now_);
  }
  if (!s.ok()) poisoned_ = s;
  return s;
}

Status TenantTransactionImpl::CheckWritable() {
  if (write_checked_) return writable_;
  // Fast path: this process found the tenant active at version `since`, within the last
  // second, and this transaction reads at or after it. Instead of reading the entry again,
  // the commit checks that nobody wrote it after `since`: a concurrent delete, lock or quota
  // change then fails this commit (not_committed, and the retry reads the entry).
  // The time now, not the transaction's first: its first write may come seconds after its
  // first read, and the commit must still be within the window of `since`.
  now_ = NowMicros(db_);
  int64_t since = rt_->ActiveSince();
  if (since >= 0) {
    std::optional<Version> rv = tr_.ReadVersionIfSet();
    if (now_ - since <= kEntryFreshMicros && (!rv || *rv >= since)) {
      tr_.AddReadConflictSince(&rt_->entry_range, since);
      used_cached_entry_ = true;
      write_checked_ = true;
      writable_ = Status::OK();
      return writable_;
    }
  }
  auto entry = tr_.Get(rt_->entry_key, Snapshot::kNo);
  if (!entry.ok()) return entry.status();  // not cached: a retry may succeed
  write_checked_ = true;
  if (!entry->has_value()) {
    writable_ = Error(ErrorCode::kTenantNotFound,
                      fmt::format("tenant '{}' (id {}) was deleted", rt_->name, rt_->id));
    return writable_;
  }
  TenantInfo info;
  writable_ = DecodeEntry(**entry, info);
  if (!writable_.ok()) return writable_;
  rt_->SetQuota(info.quota, now_);
  if (info.state == TenantState::kLocked) {
    writable_ = Error(ErrorCode::kTenantLocked,
                      fmt::format("tenant '{}' is locked: writes are refused", rt_->name));
  } else if (std::optional<Version> rv = tr_.ReadVersionIfSet()) {
    rt_->SetActiveSince(*rv);
  }
  return writable_;
}

void TenantTransactionImpl::CountRead(const RangeResult& r) {
  usage_.reads += 1;
  for (const KeyValue& kv : r.kvs) {
    usage_.bytes_read += static_cast<int64_t>(kv.key.size() + kv.value.size());
  }
}

Result<std::optional<std::string>> TenantTransactionImpl::Get(std::string_view key,
                                                              Snapshot snapshot) {
  TDB_RETURN_IF_ERROR(CheckKey(key));
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_ASSIGN_OR_RETURN(std::optional<std::string> v, tr_.Get(AbsKey(key), snapshot));
  usage_.reads += 1;
  usage_.bytes_read += static_cast<int64_t>(key.size() + (v ? v->size() : 0));
  return v;
}

Result<std::string> TenantTransactionImpl::GetKey(const KeySelector& selector, Snapshot snapshot) {
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_ASSIGN_OR_RETURN(std::string k,
                       tr_.ResolveWithin(AbsSelector(selector), snapshot, rt_->prefix, rt_->end));
  usage_.reads += 1;
  return Rel(k);
}

Result<RangeResult> TenantTransactionImpl::GetRange(const KeySelector& begin,
                                                    const KeySelector& end,
                                                    const RangeOptions& options) {
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_ASSIGN_OR_RETURN(
      RangeResult r, tr_.GetRangeWithin(AbsSelector(begin), AbsSelector(end), options, rt_->prefix,
                                        rt_->end, rt_->prefix.size()));
  CountRead(r);
  return r;
}

Result<RangeResult> TenantTransactionImpl::GetRange(std::string_view begin, std::string_view end,
                                                    const RangeOptions& options) {
  TDB_RETURN_IF_ERROR(CheckRange(begin, end));
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_ASSIGN_OR_RETURN(RangeResult r,
                       tr_.GetRange(Abs(begin), Abs(end), options, rt_->prefix.size()));
  CountRead(r);
  return r;
}

Status TenantTransactionImpl::Set(std::string_view key, std::string_view value) {
  TDB_RETURN_IF_ERROR(CheckKey(key));
  TDB_RETURN_IF_ERROR(CheckWritable());
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_RETURN_IF_ERROR(tr_.Set(AbsKey(key), value));
  wrote_ = true;
  usage_.writes += 1;
  usage_.bytes_written += static_cast<int64_t>(key.size() + value.size());
  bytes_added_ += static_cast<int64_t>(key.size() + value.size());
  return Status::OK();
}

Status TenantTransactionImpl::Clear(std::string_view key) {
  TDB_RETURN_IF_ERROR(CheckKey(key));
  TDB_RETURN_IF_ERROR(CheckWritable());
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_RETURN_IF_ERROR(tr_.Clear(AbsKey(key)));
  wrote_ = true;
  usage_.writes += 1;
  usage_.bytes_written += static_cast<int64_t>(key.size());
  return Status::OK();
}

Status TenantTransactionImpl::ClearRange(std::string_view begin, std::string_view end) {
  TDB_RETURN_IF_ERROR(CheckRange(begin, end));
  TDB_RETURN_IF_ERROR(CheckWritable());
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_RETURN_IF_ERROR(tr_.ClearRange(Abs(begin), Abs(end)));
  wrote_ = true;
  usage_.writes += 1;
  usage_.bytes_written += static_cast<int64_t>(begin.size() + end.size());
  return Status::OK();
}

Status TenantTransactionImpl::Atomic(MutationType op, std::string_view key,
                                     std::string_view param) {
  TDB_RETURN_IF_ERROR(CheckKey(key));
  TDB_RETURN_IF_ERROR(CheckWritable());
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_RETURN_IF_ERROR(tr_.Atomic(op, AbsKey(key), param));
  wrote_ = true;
  usage_.writes += 1;
  usage_.bytes_written += static_cast<int64_t>(key.size() + param.size());
  // compare_and_clear can only remove: like a clear, not checked against the storage quota.
  if (op != MutationType::kCompareAndClear) {
    bytes_added_ += static_cast<int64_t>(key.size() + param.size());
  }
  return Status::OK();
}

Status TenantTransactionImpl::SetVersionstampedKey(std::string_view key, std::string_view value) {
  if (key.size() < 4) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("versionstamped key of {} bytes has no 4-byte placeholder offset", key.size()));
  }
  std::string_view body = key.substr(0, key.size() - 4);
  uint32_t offset = 0;
  for (int i = 3; i >= 0; --i) offset = (offset << 8) | static_cast<uint8_t>(key[body.size() + i]);
  if (static_cast<uint64_t>(offset) + 10 > body.size()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("versionstamped key: placeholder at offset {} does not fit in its {} "
                             "bytes",
                             offset, body.size()));
  }
  TDB_RETURN_IF_ERROR(CheckKey(body));
  TDB_RETURN_IF_ERROR(CheckWritable());
  TDB_RETURN_IF_ERROR(CountOp());
  std::string abs = Abs(body);
  uint32_t abs_offset = offset + static_cast<uint32_t>(rt_->prefix.size());
  for (int i = 0; i < 4; ++i, abs_offset >>= 8) abs.push_back(static_cast<char>(abs_offset & 0xFF));
  TDB_RETURN_IF_ERROR(tr_.SetVersionstamped(MutationType::kSetVersionstampedKey, abs, value));
  wrote_ = true;
  usage_.writes += 1;
  usage_.bytes_written += static_cast<int64_t>(body.size() + value.size());
  bytes_added_ += static_cast<int64_t>(body.size() + value.size());
  return Status::OK();
}

Status TenantTransactionImpl::SetVersionstampedValue(std::string_view key, std::string_view value) {
  TDB_RETURN_IF_ERROR(CheckKey(key));
  TDB_RETURN_IF_ERROR(CheckWritable());
  TDB_RETURN_IF_ERROR(CountOp());
  TDB_RETURN_IF_ERROR(
      tr_.SetVersionstamped(MutationType::kSetVersionstampedValue, Abs(key), value));
  wrote_ = true;
  usage_.writes += 1;
  usage_.bytes_written += static_cast<int64_t>(key.size() + value.size());
  bytes_added_ += static_cast<int64_t>(key.size() + value.size());
  return Status::OK();
}

Result<Watch> TenantTransactionImpl::WatchKey(std::string_view key) {
  TDB_RETURN_IF_ERROR(CheckKey(key));
  TDB_RETURN_IF_ERROR(CountOp());
  return tr_.WatchKey(AbsKey(key));
}

Status TenantTransactionImpl::AddConflictRange(std::string_view begin, std::string_view end,
                                               bool write) {
  TDB_RETURN_IF_ERROR(CheckRange(begin, end));
  if (write) return tr_.AddWriteConflictRange(Abs(begin), Abs(end));
  return tr_.AddReadConflictRange(Abs(begin), Abs(end));
}

Status TenantTransactionImpl::Commit() {
  if (!poisoned_.ok()) return poisoned_;
  // A write commit reads the clock again: its storage check and usage day are at commit time.
  int64_t now = wrote_ ? (now_ = NowMicros(db_)) : Now();
  if (!wrote_) {
    TDB_RETURN_IF_ERROR(tr_.Commit());
    if (rt_->AddPending(usage_, now)) FlushPending(db_, *rt_).IgnoreError();
    usage_ = {};
    return Status::OK();
  }
  if (bytes_added_ > 0 && rt_->HasStorageQuota()) {
    TenantQuota quota = rt_->quota();
    TDB_ASSIGN_OR_RETURN(int64_t stored, rt_->StoredEstimate(db_, now));
    if (stored + bytes_added_ > quota.storage_bytes) {
      return Error(ErrorCode::kQuotaExceeded,
                   fmt::format("tenant '{}': storage quota of {} bytes exceeded ({} bytes "
                               "stored, estimated, and {} written by this transaction)",
                               rt_->name, quota.storage_bytes, stored, bytes_added_));
    }
  }
  // The day's stored-bytes sample: at the first write commit of the day, then once a minute (an
  // estimate that fails to refresh is left for a later commit, not failing this one). Before
  // the pending usage is taken, so a failure here loses none of it.
  bool sampled = false;
  if (rt_->SampleDue(now)) {
    Result<int64_t> stored = rt_->StoredEstimate(db_, now);
    if (stored.ok()) {
      TDB_RETURN_IF_ERROR(
          tr_.Set(StoredSampleKey(rt_->id, DayOf(now)), EncodeStoredSample(*stored)));
      sampled = true;
    }
  }
  UsageDelta total = usage_;
  UsageDelta pending = rt_->TakePending();
  total += pending;
  // Deferred: written with the commit, readable once published (TenantDirectory::Usage
  // publishes first), so the usage key is not a new entry of the ordered store per commit.
  Status s = tr_.AddDeferred(CachedUsageKey(rt_->id, DayOf(now)), EncodeUsage(total));
  if (s.ok()) s = tr_.Commit();
  if (s.ok() && sampled) rt_->SampleCarried(now);
  if (!s.ok()) {
    rt_->AddPending(pending, now);     // put back for a later write or flush
    rt_->ForgetEntry(NowMicros(db_));  // the entry may have changed: read it again
  }
  return s;
}

void TenantTransactionImpl::Reset() {
  tr_.Reset();
  writable_ = Status::OK();
  write_checked_ = false;
  used_cached_entry_ = false;
  wrote_ = false;
  bytes_added_ = 0;
  poisoned_ = Status::OK();
  usage_ = {};
  now_ = -1;
}

}  // namespace tenantdb::tenant
