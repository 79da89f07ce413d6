// The local engine's RocksDB instance and its layout, shared by the engine, its opening and its
// read views (local_engine.cc, local_engine_open.cc, local_read_view.cc).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <cstdint>
#include <cstring>
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
//   meta     : "version" -> version record (below): the newest committed version, and the
//              unpublished values the group that wrote it carries
//   deferred : user key -> the newest value of a key deferred adds changed (Mutation::deferred),
//              when newer than or equal to the value in default; read back into default at
//              open. Meta and deferred keep their memtables as vectors (appends).
//
// Version record = version:8-byte big-endian, then per carried value
//                  key_size:4-byte little-endian key value_size:4-byte little-endian value.
// A deferred add's unpublished value lives in exactly one place: carried by every version
// record from the group that made it so until it is published or replaced (for a few small
// values: a tenant's usage, rewritten by every commit, then costs no entry of its own), or in
// the deferred family. At open both are read back into default; they never hold the same key.
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kDeferredFamily[] = "deferred";
inline constexpr char kVersionKey[] = "version";

// The stored version's encoding: 8 bytes, big-endian.
inline void PutBigEndian64(char* out, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
}
inline std::string BigEndian64(uint64_t v) {
  std::string out(8, '\0');
  PutBigEndian64(out.data(), v);
  return out;
}
inline uint64_t FromBigEndian64(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

// A carried value in a version record: its size there, and writing it at `out` (returns the
// end of what was written).
inline size_t CarriedSize(std::string_view key, std::string_view value) {
  return 8 + key.size() + value.size();
}
inline char* PutCarried(char* out, std::string_view key, std::string_view value) {
  for (std::string_view part : {key, value}) {
    auto n = static_cast<uint32_t>(part.size());
    for (int i = 0; i < 4; ++i, n >>= 8) *out++ = static_cast<char>(n & 0xFF);
    std::memcpy(out, part.data(), part.size());
    out += part.size();
  }
  return out;
}

struct VersionRecord {
  uint64_t version = 0;
  std::vector<std::pair<std::string, std::string>> carried;  // key, value
};
// Errors: corruption (a record cut short or with bytes past its last value).
Result<VersionRecord> DecodeVersionRecord(std::string_view record);

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
