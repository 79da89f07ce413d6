// Opening the local engine's store: RocksDB's options, the file system under it (LogSyncFs),
// recovery (WalGapFilter) and the version the store continues from; and compacting it.
#include <fmt/format.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "kv/engine/local_engine.h"
#include "kv/engine/local_engine_store.h"
#include "kv/engine/log_sync_fs.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::kv {

namespace {

// Reads every unpublished deferred value (the deferred family's and those the version record
// carries) into the user data, in one synced batch that also empties both. Returns the stored
// version (0 for a new store).
Result<Version> PublishDeferredAtOpen(const LocalEngine::Store& store) {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      store.db->NewIterator(rocksdb::ReadOptions(), store.deferred()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    batch.Put(store.data(), it->key(), it->value());
    batch.Delete(store.deferred(), it->key());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the deferred family");
  std::string stored;
  rocksdb::Status s = store.db->Get(rocksdb::ReadOptions(), store.meta(), kVersionKey, &stored);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the stored version");
  VersionRecord record;
  if (s.ok()) {
    TDB_ASSIGN_OR_RETURN(record, DecodeVersionRecord(stored));
    for (const auto& [key, value] : record.carried) batch.Put(store.data(), key, value);
    if (!record.carried.empty()) batch.Put(store.meta(), kVersionKey, BigEndian64(record.version));
  }
  auto version = static_cast<Version>(record.version);
  if (batch.Count() == 0) return version;
  rocksdb::WriteOptions w;
  w.sync = true;
  s = store.db->Write(w, &batch);
  if (!s.ok()) return FromRocks(s, "publishing deferred values");
  return version;
}

constexpr size_t kSmallFamilyMemtableBytes = 16 << 20;

}  // namespace

Result<VersionRecord> DecodeVersionRecord(std::string_view record) {
  const size_t total = record.size();
  auto bad = [total](std::string_view what) {
    return Error(ErrorCode::kCorruption,
                 fmt::format("stored version record of {} bytes: {}", total, what));
  };
  if (record.size() < 8) return bad("shorter than a version");
  VersionRecord out;
  out.version = FromBigEndian64(record.substr(0, 8));
  record.remove_prefix(8);
  auto part = [&](std::string& into) {
    if (record.size() < 4) return false;
    uint32_t n = 0;
    for (int i = 3; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(record[i]);
    record.remove_prefix(4);
    if (record.size() < n) return false;
    into.assign(record.substr(0, n));
    record.remove_prefix(n);
    return true;
  };
  while (!record.empty()) {
    auto& [key, value] = out.carried.emplace_back();
    if (!part(key) || !part(value)) return bad("a carried value cut short");
  }
  return out;
}

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

Status LocalEngine::Compact() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  rocksdb::Status s = store_->db->Flush(flush, store_->handles);
  if (!s.ok()) return FromRocks(s, "flushing the memtables");
  for (rocksdb::ColumnFamilyHandle* family : store_->handles) {
    s = store_->db->CompactRange(rocksdb::CompactRangeOptions(), family, nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, fmt::format("compacting family '{}'", family->GetName()));
  }
  return Status::OK();
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
      {kMetaFamily, rocksdb::ColumnFamilyOptions(ro)},
      {kDeferredFamily, rocksdb::ColumnFamilyOptions(ro)}};
  // The meta family's one key is rewritten by every commit group, and a deferred key (a
  // tenant's usage) by nearly every commit: their memtables are vectors, sorted only when read
  // (here, at open) or flushed, so each write is an append instead of a skip list insert
  // (meta: 1-thread async commits +4-5 %). In-place updates would keep them smaller but turn
  // off snapshots for the whole store. A vector takes memtable writes from one thread at a
  // time: the write stage is one thread anyway (RocksDB used directly in the benchmark keeps
  // its default). 16 MiB memtables (~500,000 entries of ~33 bytes) flush every few seconds
  // at the fastest commit rates, so the log they keep for recovery stays short; the vector is
  // sized for them up front, so no commit waits while it grows (a copy of megabytes).
  for (size_t i : {1, 2}) {
    families[i].options.write_buffer_size = kSmallFamilyMemtableBytes;
    families[i].options.memtable_factory =
        std::make_shared<rocksdb::VectorRepFactory>(kSmallFamilyMemtableBytes / 24);
  }
  rocksdb::DBOptions db_options(ro);
  db_options.allow_concurrent_memtable_write = false;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, families, &store->handles, &db);
  if (!s.ok()) return FromRocks(s, fmt::format("opening store '{}'", path));
  store->db.reset(db);

  TDB_ASSIGN_OR_RETURN(Version last, PublishDeferredAtOpen(*store));
  return std::unique_ptr<LocalEngine>(new LocalEngine(options, std::move(store), last));
}

}  // namespace tenantdb::kv
