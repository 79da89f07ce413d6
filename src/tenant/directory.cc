// The tenant directory operations. Each runs as one kv transaction with system access through
// Database::Run, so concurrent directory changes serialize by conflict and retry.
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "common/printable.h"
#include "kv/engine/engine.h"
#include "tenant/layout.h"
#include "tenant/runtime.h"
#include "tenantdb/tenant.h"

namespace tenantdb {

using tenant::DecodeEntry;
using tenant::DecodeId;
using tenant::EncodeEntry;
using tenant::EncodeId;
using tenant::EntryKey;
using tenant::NameKey;

namespace {

RunOptions SystemRun() {
  RunOptions o;
  o.transaction.system_access = true;
  return o;
}

// The block of tenant ids this process reserved and has not handed out yet: creates running
// at once conflict only on their names, never on the id counter. Blocks start at one id and
// double up to kIdBlock, so a short-lived process (one command line call) leaves no gap in
// the ids; ids of a block left unused when the process ends are never handed out (ids are
// allocated once, never reused).
struct IdBlock {
  std::mutex mu;
  int64_t next = 0;  // GUARDED_BY(mu)
  int64_t end = 0;   // GUARDED_BY(mu)
  int64_t size = 1;  // GUARDED_BY(mu): of the next block reserved
};

Result<int64_t> NextTenantId(Database& db) {
  auto block = std::static_pointer_cast<IdBlock>(
      db.Attachment("tenant.id_block", [] { return std::make_shared<IdBlock>(); }));
  std::lock_guard<std::mutex> l(block->mu);
  if (block->next == block->end) {
    int64_t start = 1;
    TDB_RETURN_IF_ERROR(db.Run(
        [&](Transaction& tr) -> Status {
          TDB_ASSIGN_OR_RETURN(std::optional<std::string> next, tr.Get(tenant::NextIdKey()));
          start = 1;
          if (next) {
            TDB_ASSIGN_OR_RETURN(start, DecodeId(*next));
          }
          return tr.Set(tenant::NextIdKey(), EncodeId(start + block->size));
        },
        SystemRun()));
    block->next = start;
    block->end = start + block->size;
    block->size = std::min(2 * block->size, tenant::kIdBlock);
  }
  return block->next++;
}

Status NotFound(std::string_view name) {
  return Error(ErrorCode::kTenantNotFound,
               fmt::format("tenant {} does not exist", Printable(name)));
}

// Reads the tenant called `name` in `tr`: its id, prefix and entry.
Result<TenantInfo> ReadTenant(Transaction& tr, std::string_view name) {
  TDB_ASSIGN_OR_RETURN(std::optional<std::string> id_value, tr.Get(NameKey(name)));
  if (!id_value) return NotFound(name);
  TenantInfo info;
  info.name = std::string(name);
  TDB_ASSIGN_OR_RETURN(info.id, DecodeId(*id_value));
  info.prefix = tenant::DataPrefix(info.id);
  TDB_ASSIGN_OR_RETURN(std::optional<std::string> entry, tr.Get(EntryKey(info.id)));
  if (!entry) {
    return Error(ErrorCode::kCorruption,
                 fmt::format("tenant {} names id {} which has no entry", Printable(name), info.id));
  }
  TDB_RETURN_IF_ERROR(DecodeEntry(*entry, info));
  return info;
}

// This process's write transactions on tenant `id` read its entry again from now on (they
// would fail to commit on the stale one anyway; this spares them the retry).
void ForgetEntry(Database& db, int64_t id) {
  if (id < 0) return;
  if (auto rt = tenant::ExistingRuntime(db, id)) rt->ForgetEntry(tenant::NowMicros(db));
}

// Runs `change(info)` on the tenant's entry and writes it back.
template <typename Change>
Status UpdateEntry(Database& db, std::string_view name, Change&& change) {
  TDB_RETURN_IF_ERROR(ValidateTenantName(name));
  int64_t id = -1;
  Status s = db.Run(
      [&](Transaction& tr) -> Status {
        TDB_ASSIGN_OR_RETURN(TenantInfo info, ReadTenant(tr, name));
        change(info);
        id = info.id;
        return tr.Set(EntryKey(info.id), EncodeEntry(info));
      },
      SystemRun());
  ForgetEntry(db, id);
  return s;
}

// The engine's estimate of the bytes tenant `info` stores (StoredBytes).
Result<int64_t> EstimateStored(Database& db, const TenantInfo& info) {
  tenant::TenantRuntime rt(info.id, info.name);
  return db.engine().EstimateSize(rt.prefix, rt.clear_end);
}

}  // namespace

Result<TenantInfo> TenantDirectory::Create(std::string_view name,
                                           const TenantCreateOptions& options) {
  TDB_RETURN_IF_ERROR(ValidateTenantName(name));
  if (options.quota.storage_bytes < 0 || options.quota.ops_per_second < 0) {
    return Error(ErrorCode::kInvalidArgument, "tenant quotas must not be negative");
  }
  TenantInfo info;
  int64_t id = 0;
  Status s = db_->Run(
      [&](Transaction& tr) -> Status {
        TDB_ASSIGN_OR_RETURN(std::optional<std::string> existing, tr.Get(NameKey(name)));
        if (existing) {
          return Error(ErrorCode::kTenantAlreadyExists,
                       fmt::format("tenant {} already exists", Printable(name)));
        }
        if (id == 0) {
          TDB_ASSIGN_OR_RETURN(id, NextTenantId(*db_));  // kept if this transaction retries
        }
        info = TenantInfo{};
        info.name = std::string(name);
        info.id = id;
        info.prefix = tenant::DataPrefix(id);
        info.created_micros = tenant::NowMicros(*db_);
        info.quota = options.quota;
        info.metadata = options.metadata;
        TDB_RETURN_IF_ERROR(tr.Set(NameKey(name), EncodeId(id)));
        return tr.Set(EntryKey(id), EncodeEntry(info));
      },
      SystemRun());
  if (!s.ok()) return s;
  return info;
}

Result<TenantInfo> TenantDirectory::Get(std::string_view name) {
  TDB_RETURN_IF_ERROR(ValidateTenantName(name));
  TenantInfo info;
  TDB_RETURN_IF_ERROR(db_->Run(
      [&](Transaction& tr) -> Status {
        TDB_ASSIGN_OR_RETURN(info, ReadTenant(tr, name));
        return Status::OK();
      },
      SystemRun()));
  return info;
}

Result<Tenant> TenantDirectory::Open(std::string_view name) {
  TDB_ASSIGN_OR_RETURN(TenantInfo info, Get(name));
  auto rt = tenant::RuntimeFor(*db_, info.id, info.name);
  rt->SetQuota(info.quota, tenant::NowMicros(*db_));
  return Tenant(db_, std::move(rt), info.name);
}

Result<TenantPage> TenantDirectory::List(std::string_view after, int limit) {
  if (limit < 1 || limit > 10'000) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("list limit {} is not between 1 and 10000", limit));
  }
  TenantPage page;
  TDB_RETURN_IF_ERROR(db_->Run(
      [&](Transaction& tr) -> Status {
        page = TenantPage{};
        std::string begin = tenant::NameRangeBegin();
        if (!after.empty()) begin = NameKey(after) + std::string(1, '\0');
        RangeOptions ro;
        ro.limit = limit;
        TDB_ASSIGN_OR_RETURN(RangeResult names, tr.GetRange(begin, tenant::NameRangeEnd(), ro));
        for (const KeyValue& kv : names.kvs) {
          TDB_ASSIGN_OR_RETURN(std::string name, tenant::NameFromKey(kv.key));
          TDB_ASSIGN_OR_RETURN(TenantInfo info, ReadTenant(tr, name));
          page.tenants.push_back(std::move(info));
        }
        if (names.more) page.next = page.tenants.back().name;
        return Status::OK();
      },
      SystemRun()));
  return page;
}

Status TenantDirectory::Rename(std::string_view from, std::string_view to) {
  TDB_RETURN_IF_ERROR(ValidateTenantName(from));
  TDB_RETURN_IF_ERROR(ValidateTenantName(to));
  return db_->Run(
      [&](Transaction& tr) -> Status {
        TDB_ASSIGN_OR_RETURN(std::optional<std::string> id, tr.Get(NameKey(from)));
        if (!id) return NotFound(from);
        if (from == to) return Status::OK();
        TDB_ASSIGN_OR_RETURN(std::optional<std::string> taken, tr.Get(NameKey(to)));
        if (taken) {
          return Error(ErrorCode::kTenantAlreadyExists,
                       fmt::format("cannot rename {} to {}: that tenant already exists",
                                   Printable(from), Printable(to)));
        }
        TDB_RETURN_IF_ERROR(tr.Clear(NameKey(from)));
        return tr.Set(NameKey(to), *id);
      },
      SystemRun());
}

Status TenantDirectory::Lock(std::string_view name) {
  return UpdateEntry(*db_, name, [](TenantInfo& info) { info.state = TenantState::kLocked; });
}

Status TenantDirectory::Unlock(std::string_view name) {
  return UpdateEntry(*db_, name, [](TenantInfo& info) { info.state = TenantState::kActive; });
}

Status TenantDirectory::SetQuota(std::string_view name, const TenantQuota& quota) {
  if (quota.storage_bytes < 0 || quota.ops_per_second < 0) {
    return Error(ErrorCode::kInvalidArgument, "tenant quotas must not be negative");
  }
  int64_t id = 0;
  TDB_RETURN_IF_ERROR(UpdateEntry(*db_, name, [&](TenantInfo& info) {
    info.quota = quota;
    id = info.id;
  }));
  // This process's handles see the new quota from their next operation, not after the
  // once-a-second refresh.
  if (auto rt = tenant::ExistingRuntime(*db_, id)) rt->SetQuota(quota, tenant::NowMicros(*db_));
  return Status::OK();
}

Status TenantDirectory::Delete(std::string_view name) {
  TDB_RETURN_IF_ERROR(ValidateTenantName(name));
  int64_t id = -1;
  Status s = db_->Run(
      [&](Transaction& tr) -> Status {
        TDB_ASSIGN_OR_RETURN(TenantInfo info, ReadTenant(tr, name));
        id = info.id;
        TDB_RETURN_IF_ERROR(tr.Clear(NameKey(name)));
        TDB_RETURN_IF_ERROR(tr.Clear(EntryKey(info.id)));
        auto [usage_begin, usage_end] = tenant::UsageRange(info.id);
        TDB_RETURN_IF_ERROR(tr.ClearRange(usage_begin, usage_end));
        tenant::TenantRuntime rt(info.id, info.name);
        return tr.ClearRange(rt.prefix, rt.clear_end);
      },
      SystemRun());
  ForgetEntry(*db_, id);
  return s;
}

Result<std::vector<TenantUsage>> TenantDirectory::Usage(std::string_view name, int64_t from_day,
                                                        int64_t to_day) {
  TDB_ASSIGN_OR_RETURN(TenantInfo info, Get(name));
  if (auto rt = tenant::ExistingRuntime(*db_, info.id)) {
    TDB_RETURN_IF_ERROR(tenant::FlushPending(*db_, *rt));
  }
  // Usage is added by deferred adds (tenant_transaction.cc): make every acknowledged one
  // readable first.
  TDB_RETURN_IF_ERROR(db_->engine().PublishDeferred());
  std::vector<TenantUsage> out;
  // Each day's counter, then its stored-bytes sample.
  const std::string end = to_day == INT64_MAX ? tenant::UsageRange(info.id).second
                                              : tenant::UsageKey(info.id, to_day + 1);
  TDB_RETURN_IF_ERROR(db_->Run(
      [&](Transaction& tr) -> Status {
        out.clear();
        TDB_ASSIGN_OR_RETURN(RangeResult r, tr.GetRange(tenant::UsageKey(info.id, from_day), end));
        for (const KeyValue& kv : r.kvs) {
          TDB_ASSIGN_OR_RETURN(tenant::UsageKeyParts key, tenant::ParseUsageKey(kv.key));
          if (!key.stored_sample) {
            out.push_back(tenant::DecodeUsage(key.day, kv.value));
            continue;
          }
          if (out.empty() || out.back().day != key.day) out.push_back(TenantUsage{.day = key.day});
          out.back().bytes_stored = tenant::DecodeStoredSample(kv.value);
        }
        return Status::OK();
      },
      SystemRun()));
  // Today's row, if there is one, gets the estimate as of now rather than its last sample.
  const int64_t today = tenant::DayOf(tenant::NowMicros(*db_));
  if (!out.empty() && out.back().day == today) {
    TDB_ASSIGN_OR_RETURN(out.back().bytes_stored, EstimateStored(*db_, info));
  }
  return out;
}

Result<int64_t> TenantDirectory::StoredBytes(std::string_view name) {
  TDB_ASSIGN_OR_RETURN(TenantInfo info, Get(name));
  return EstimateStored(*db_, info);
}

}  // namespace tenantdb
