#include "bench/tenantdb_target.h"

#include <fmt/format.h>

#include "kv/engine/local_engine.h"
#include "tenantdb/database.h"
#include "tenantdb/tenant.h"

namespace tenantdb::bench {

namespace {

Status Missing(std::string_view what, std::string_view key) {
  return Error(ErrorCode::kInternalError, fmt::format("{}: key '{}' not found", what, key));
}

// One attempt of workload `w` in `tr`: a Transaction or a TenantTransaction (same calls).
template <typename Tr>
Status Attempt(Workload w, const Op& op, Tr& tr) {
  switch (w) {
    case Workload::kPointGet: {
      TDB_ASSIGN_OR_RETURN(std::optional<std::string> v, tr.Get(op.key));
      if (!v) return Missing("point_get", op.key);
      return Status::OK();
    }
    case Workload::kRangeRead: {
      RangeOptions ro;
      ro.limit = op.count;
      TDB_ASSIGN_OR_RETURN(RangeResult r, tr.GetRange(op.key, op.end, ro));
      if (static_cast<int>(r.kvs.size()) != op.count) return Missing("range_read", op.key);
      return Status::OK();
    }
    case Workload::kBlindWrite:
      return tr.Set(op.key, op.value);
    case Workload::kReadModifyWrite: {
      TDB_ASSIGN_OR_RETURN(std::optional<std::string> v, tr.Get(op.key));
      if (!v) return Missing("read_modify_write", op.key);
      IncrementPrefix(*v);
      return tr.Set(op.key, *v);
    }
    case Workload::kHotCounter:
      return tr.Add(op.key, 1);
    case Workload::kTenantCreate:
    case Workload::kTenantDelete:
      break;
  }
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("{} is not a key-value workload", WorkloadName(w)));
}

// Writes keys [0, key_count) in transactions of 1,000 keys run by `run` (Database::Run or
// Tenant::Run).
template <typename Runner>
Status PreloadWith(Runner& runner, int64_t key_count, int value_size) {
  constexpr int64_t kBatch = 1000;
  std::string value(static_cast<size_t>(value_size), 'v');
  char buf[kKeyBufferSize];
  for (int64_t first = 0; first < key_count; first += kBatch) {
    Status s = runner.Run([&](auto& tr) -> Status {
      for (int64_t i = first; i < std::min(key_count, first + kBatch); ++i) {
        TDB_RETURN_IF_ERROR(tr.Set(KeyOf(i, buf), value));
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status SettleStore(Database& db) {
  auto* local = dynamic_cast<kv::LocalEngine*>(&db.engine());
  if (local == nullptr) return Status::OK();  // another engine: nothing of RocksDB's to settle
  return local->Compact();
}

class TenantdbClient final : public Client {
 public:
  explicit TenantdbClient(Database& db) : db_(db) {}

  Status Do(Workload w, const Op& op, int64_t* retries) override {
    int attempts = 0;
    Status s = db_.Run([&](Transaction& tr) -> Status {
      ++attempts;
      return Attempt(w, op, tr);
    });
    *retries += attempts - 1;
    return s;
  }

 private:
  Database& db_;
};

class TenantdbTarget final : public Target {
 public:
  explicit TenantdbTarget(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  std::string_view name() const override { return SystemName(System::kTenantdb); }

  Status Preload(int64_t key_count, int value_size) override {
    return PreloadWith(*db_, key_count, value_size);
  }

  Status Settle() override { return SettleStore(*db_); }

  std::unique_ptr<Client> NewClient() override { return std::make_unique<TenantdbClient>(*db_); }

 private:
  std::unique_ptr<Database> db_;
};

class TenantClient final : public Client {
 public:
  explicit TenantClient(Tenant tenant) : tenant_(std::move(tenant)) {}

  Status Do(Workload w, const Op& op, int64_t* retries) override {
    int attempts = 0;
    Status s = tenant_.Run([&](TenantTransaction& tr) -> Status {
      ++attempts;
      return Attempt(w, op, tr);
    });
    *retries += attempts - 1;
    return s;
  }

 private:
  Tenant tenant_;  // a copy per client thread: the handle is cheap and thread-safe
};

class TenantTarget final : public Target {
 public:
  TenantTarget(std::unique_ptr<Database> db, Tenant tenant)
      : db_(std::move(db)), tenant_(std::move(tenant)) {}

  std::string_view name() const override { return SystemName(System::kTenant); }

  Status Preload(int64_t key_count, int value_size) override {
    return PreloadWith(tenant_, key_count, value_size);
  }

  Status Settle() override { return SettleStore(*db_); }

  std::unique_ptr<Client> NewClient() override { return std::make_unique<TenantClient>(tenant_); }

 private:
  std::unique_ptr<Database> db_;
  Tenant tenant_;
};

Result<std::unique_ptr<Database>> OpenStore(const std::string& dir, Durability durability) {
  DatabaseOptions options;
  options.durability = durability;
  return Database::Open("file:" + dir, options);
}

}  // namespace

Result<std::unique_ptr<Target>> OpenTenantdbTarget(const std::string& dir, Durability durability) {
  TDB_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenStore(dir, durability));
  return std::unique_ptr<Target>(std::make_unique<TenantdbTarget>(std::move(db)));
}

Result<std::unique_ptr<Target>> OpenTenantTarget(const std::string& dir, Durability durability) {
  TDB_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenStore(dir, durability));
  TenantDirectory tenants(*db);
  TDB_RETURN_IF_ERROR(tenants.Create("bench").status().WithContext("creating tenant 'bench'"));
  TDB_ASSIGN_OR_RETURN(Tenant tenant, tenants.Open("bench"));
  return std::unique_ptr<Target>(std::make_unique<TenantTarget>(std::move(db), std::move(tenant)));
}

}  // namespace tenantdb::bench
