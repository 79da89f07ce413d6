// The local engine's RocksDB instance and its layout, shared by the engine, its opening and its
// read views (local_engine.cc, local_engine_open.cc, local_read_view.cc).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/local_engine.h"
#include "kv/engine/log_sync_fs.h"
#include "kv/engine/wal_gap_filter.h"

namespace tenantdb::kv {

// Store layout (RocksDB column families):
//   default  : user key -> value, exactly the bytes the transaction wrote
//   meta     : "version" -> 8-byte big-endian newest committed version
//   deferred : user key -> the newest value of a key deferred adds changed (Mutation::deferred),
//              when newer than or equal to the value in default; read back into default at
//              open. Meta and deferred keep their memtables as vectors (appends).
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kDeferredFamily[] = "deferred";
inline constexpr char kVersionKey[] = "version";

// The stored version's encoding: 8 bytes, big-endian.
inline std::string BigEndian64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}
inline uint64_t FromBigEndian64(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

struct LocalEngine::Store {
  ~Store() {
    if (db != nullptr) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
      db->Close().PermitUncheckedError();
    }
    db.reset();
    env.reset();
  }
  std::shared_ptr<LogSyncFs> log_fs;  // on disk: syncs the log (SyncGroups)
  WalGapFilter wal_filter;            // recovery stops at a hole in the log (Open)
  std::unique_ptr<rocksdb::Env> env;  // the in-memory environment, or one over log_fs
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // [0] default, [1] meta, [2] deferred
  rocksdb::ColumnFamilyHandle* data() const { return handles[0]; }
  rocksdb::ColumnFamilyHandle* meta() const { return handles[1]; }
  rocksdb::ColumnFamilyHandle* deferred() const { return handles[2]; }
};

}  // namespace tenantdb::kv
