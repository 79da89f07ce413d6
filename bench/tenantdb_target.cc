#include "bench/tenantdb_target.h"

#include <fmt/format.h>

#include "tenantdb/database.h"

namespace tenantdb::bench {

namespace {

Status Missing(std::string_view what, std::string_view key) {
  return Error(ErrorCode::kInternalError, fmt::format("{}: key '{}' not found", what, key));
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
  Status Attempt(Workload w, const Op& op, Transaction& tr) {
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
    }
    return Error(ErrorCode::kInvalidArgument, "unknown workload");
  }

  Database& db_;
};

class TenantdbTarget final : public Target {
 public:
  explicit TenantdbTarget(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  std::string_view name() const override { return "tenantdb"; }

  Status Preload(int64_t key_count, int value_size) override {
    constexpr int64_t kBatch = 1000;
    std::string value(static_cast<size_t>(value_size), 'v');
    char buf[kKeyBufferSize];
    for (int64_t first = 0; first < key_count; first += kBatch) {
      Status s = db_->Run([&](Transaction& tr) -> Status {
        for (int64_t i = first; i < std::min(key_count, first + kBatch); ++i) {
          TDB_RETURN_IF_ERROR(tr.Set(KeyOf(i, buf), value));
        }
        return Status::OK();
      });
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  std::unique_ptr<Client> NewClient() override { return std::make_unique<TenantdbClient>(*db_); }

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace

Result<std::unique_ptr<Target>> OpenTenantdbTarget(const std::string& dir, Durability durability) {
  DatabaseOptions options;
  options.durability = durability;
  TDB_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open("file:" + dir, options));
  return std::unique_ptr<Target>(std::make_unique<TenantdbTarget>(std::move(db)));
}

}  // namespace tenantdb::bench
