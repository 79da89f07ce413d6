#include "bench/rocksdb_peer.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <utility>
#include <vector>

#include "kv/engine/local_engine.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::bench {

namespace {

using kv::FromRocks;

rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

Status Missing(std::string_view what, std::string_view key) {
  return Error(ErrorCode::kInternalError, fmt::format("{}: key '{}' not found", what, key));
}

class RocksdbClient final : public Client {
 public:
  RocksdbClient(rocksdb::DB& db, const rocksdb::WriteOptions& write_options)
      : db_(db), write_options_(write_options) {}

  Status Do(Workload w, const Op& op, int64_t* /*retries*/) override {
    switch (w) {
      case Workload::kPointGet: {
        rocksdb::Status s = db_.Get(rocksdb::ReadOptions(), ToSlice(op.key), &value_);
        if (s.IsNotFound()) return Missing("point_get", op.key);
        return FromRocks(s, "point_get");
      }
      case Workload::kRangeRead:
        return RangeRead(op);
      case Workload::kBlindWrite:
        return Put(op.key, op.value);
      case Workload::kReadModifyWrite: {
        rocksdb::Status s = db_.Get(rocksdb::ReadOptions(), ToSlice(op.key), &value_);
        if (s.IsNotFound()) return Missing("read_modify_write", op.key);
        if (!s.ok()) return FromRocks(s, "read_modify_write");
        IncrementPrefix(value_);
        return Put(op.key, value_);
      }
      case Workload::kHotCounter: {
        rocksdb::Status s = db_.Get(rocksdb::ReadOptions(), ToSlice(op.key), &value_);
        if (s.IsNotFound()) {
          value_.clear();
        } else if (!s.ok()) {
          return FromRocks(s, "hot_counter");
        }
        IncrementPrefix(value_);
        return Put(op.key, value_);
      }
      case Workload::kTenantCreate:
      case Workload::kTenantDelete:
        break;
    }
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{} is not a key-value workload", WorkloadName(w)));
  }

 private:
  Status Put(std::string_view key, std::string_view value) {
    rocksdb::WriteBatch batch;
    rocksdb::Status s = batch.Put(ToSlice(key), ToSlice(value));
    if (s.ok()) s = db_.Write(write_options_, &batch);
    return FromRocks(s, "writing");
  }

  Status RangeRead(const Op& op) {
    rocksdb::Slice upper = ToSlice(op.end);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(ro));
    std::vector<std::pair<std::string, std::string>> out;
    for (it->Seek(ToSlice(op.key)); it->Valid() && static_cast<int>(out.size()) < op.count;
         it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    if (!it->status().ok()) return FromRocks(it->status(), "range_read");
    if (static_cast<int>(out.size()) != op.count) return Missing("range_read", op.key);
    return Status::OK();
  }

  rocksdb::DB& db_;
  const rocksdb::WriteOptions& write_options_;
  std::string value_;
};

class RocksdbPeer final : public Target {
 public:
  RocksdbPeer(std::unique_ptr<rocksdb::DB> db, Durability durability) : db_(std::move(db)) {
    write_options_.sync = durability == Durability::kSync;
  }
  ~RocksdbPeer() override { db_->Close().PermitUncheckedError(); }

  std::string_view name() const override { return "rocksdb"; }

  Status Preload(int64_t key_count, int value_size) override {
    constexpr int64_t kBatch = 1000;
    std::string value(static_cast<size_t>(value_size), 'v');
    char buf[kKeyBufferSize];
    for (int64_t first = 0; first < key_count; first += kBatch) {
      rocksdb::WriteBatch batch;
      for (int64_t i = first; i < std::min(key_count, first + kBatch); ++i) {
        rocksdb::Status s = batch.Put(ToSlice(KeyOf(i, buf)), ToSlice(value));
        if (!s.ok()) return FromRocks(s, "preloading");
      }
      rocksdb::Status s = db_->Write(write_options_, &batch);
      if (!s.ok()) return FromRocks(s, "preloading");
    }
    return Status::OK();
  }

  Status Settle() override {
    rocksdb::FlushOptions flush;
    flush.wait = true;
    rocksdb::Status s = db_->Flush(flush);
    if (s.ok()) s = db_->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
    return s.ok() ? Status::OK() : FromRocks(s, "settling the store");
  }

  std::unique_ptr<Client> NewClient() override {
    return std::make_unique<RocksdbClient>(*db_, write_options_);
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

Result<std::unique_ptr<Target>> OpenRocksdbPeer(const std::string& dir, Durability durability) {
  rocksdb::Options options = kv::LocalRocksOptions();
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) return FromRocks(s, fmt::format("opening RocksDB store '{}'", dir));
  return std::unique_ptr<Target>(
      std::make_unique<RocksdbPeer>(std::unique_ptr<rocksdb::DB>(db), durability));
}

}  // namespace tenantdb::bench
