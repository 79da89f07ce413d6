// Opening the local engine's store: RocksDB's options, the file system under it (LogSyncFs),
// recovery (WalGapFilter) and the version the store continues from.
#include <fmt/format.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <filesystem>

#include "kv/engine/local_engine.h"
#include "kv/engine/local_engine_store.h"
#include "kv/engine/log_sync_fs.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::kv {

namespace {

uint64_t FromBigEndian64(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

}  // namespace

rocksdb::Options LocalRocksOptions() {
  rocksdb::Options o;
  o.IncreaseParallelism(2);
  o.create_missing_column_families = true;
  o.max_background_jobs = 2;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // What WalGapFilter relies on to end recovery at a hole in the log (all RocksDB's defaults,
  // set so that nobody changes them without reading wal_gap_filter.h): point-in-time recovery
  // with paranoid checks, and logs that begin with a batch in the plain record format (no
  // recycled logs, whose headers are longer; no compressed logs, which begin with a
  // compression record).
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  o.paranoid_checks = true;
  o.recycle_log_file_num = 0;
  o.wal_compression = rocksdb::kNoCompression;
  return o;
}

Result<std::unique_ptr<LocalEngine>> LocalEngine::Open(const LocalEngineOptions& options) {
  auto store = std::make_shared<Store>();
  rocksdb::Options ro = LocalRocksOptions();
  ro.create_if_missing = options.create_if_missing || options.in_memory;
  std::string path = options.path;
  if (!options.in_memory && !options.create_if_missing &&
      !std::filesystem::exists(std::filesystem::path(path) / "CURRENT")) {
    // Checked here because RocksDB creates the directory before it finds no store in it.
    return Error(ErrorCode::kFileNotFound, fmt::format("store '{}' does not exist", path));
  }
  if (options.in_memory) {
    store->env.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    ro.env = store->env.get();
    path = "/tenantdb-memory";
  } else {
    // Zero-filled log space needs the files to be the local file system's (LogSyncFs).
    bool local_files = options.file_system == nullptr;
    store->log_fs = std::make_shared<LogSyncFs>(
        local_files ? rocksdb::FileSystem::Default() : options.file_system, local_files);
    store->env = rocksdb::NewCompositeEnv(store->log_fs);
    ro.env = store->env.get();
  }
  ro.wal_filter = &store->wal_filter;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(ro)},
      {kMetaFamily, rocksdb::ColumnFamilyOptions(ro)}};
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(rocksdb::DBOptions(ro), path, families, &store->handles, &db);
  if (!s.ok()) return FromRocks(s, fmt::format("opening store '{}'", path));
  store->db.reset(db);

  std::string stored;
  Version last = 0;
  s = db->Get(rocksdb::ReadOptions(), store->meta(), kVersionKey, &stored);
  if (s.ok()) {
    last = static_cast<Version>(FromBigEndian64(stored));
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the stored version");
  }
  return std::unique_ptr<LocalEngine>(new LocalEngine(options, std::move(store), last));
}

}  // namespace tenantdb::kv
