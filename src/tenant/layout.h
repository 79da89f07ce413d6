// Where the tenant layer keeps things. Grammar (tuple encoding, docs/TUPLE.md):
//
//   directory  = "\xff" pack(("tenant"))
//   name key   = directory pack(("name", name:unicode))        -> pack((id:int))
//   entry key  = directory pack(("id", id:int))                -> entry
//   entry      = pack((state:int, created_micros:int, quota_storage_bytes:int,
//                      quota_ops_per_second:int, metadata:bytes))
//   next id    = directory pack(("next_id",))                  -> pack((id:int))
//   usage key  = "\xff" pack(("usage", id:int, day:int))      -> usage lanes
//                (outside the directory: 13 bytes for ids up to 255, 14 up to 65,535, 15 up
//                 to 16,777,215, so the key a write commit sends fits std::string's inline
//                 buffer)
//   stored     = "\xff" pack(("usage", id:int, day:int, "stored")) -> bytes:i64le
//                (the day's stored-bytes sample, right after its counter)
//   usage lanes= reads:u64le writes:u64le bytes_read:u64le bytes_written:u64le
//                (32 bytes, kept by one atomic add: each lane is a counter that never comes
//                 near 2^64, so no carry crosses into the next lane)
//   data       = "\xfe" pack((id:int)) relative-key           (relative keys < "\xff")
//
// Ids are allocated from "next id" and never reused, so a deleted tenant's prefix is never
// handed to another tenant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tenantdb/status.h"
#include "tenantdb/tenant.h"

namespace tenantdb::tenant {

std::string NameKey(std::string_view name);
std::string NameRangeBegin();  // first name key
std::string NameRangeEnd();    // after the last name key
Result<std::string> NameFromKey(std::string_view key);
std::string EntryKey(int64_t id);
// Tenant ids are reserved from the counter at NextIdKey in blocks of at most this many (one
// short transaction per block) and handed out by the process that reserved them (directory.cc).
inline constexpr int64_t kIdBlock = 64;
std::string NextIdKey();
std::string UsageKey(int64_t id, int64_t day);
std::pair<std::string, std::string> UsageRange(int64_t id);
// The stored-bytes sample of tenant `id` on `day` (TenantUsage::bytes_stored): it sorts right
// after the day's counter, inside UsageRange(id), so a delete clears it with the counters.
std::string StoredSampleKey(int64_t id, int64_t day);
// A key of UsageRange: its day, and whether it is the day's stored-bytes sample rather than
// its counter.
struct UsageKeyParts {
  int64_t day = 0;
  bool stored_sample = false;
};
Result<UsageKeyParts> ParseUsageKey(std::string_view key);
std::string EncodeStoredSample(int64_t bytes);
int64_t DecodeStoredSample(std::string_view value);

std::string EncodeId(int64_t id);
Result<int64_t> DecodeId(std::string_view value);

// The absolute prefix of tenant `id`'s data.
std::string DataPrefix(int64_t id);

// Encodes the directory entry of `info` (name, id and prefix are not part of it).
std::string EncodeEntry(const TenantInfo& info);
// Fills state, created_micros, quota and metadata of `info` from an entry.
Status DecodeEntry(std::string_view value, TenantInfo& info);

struct UsageDelta {
  int64_t reads = 0;
  int64_t writes = 0;
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  bool empty() const { return reads == 0 && writes == 0 && bytes_read == 0 && bytes_written == 0; }
  UsageDelta& operator+=(const UsageDelta& o);
};
std::string EncodeUsage(const UsageDelta& delta);
TenantUsage DecodeUsage(int64_t day, std::string_view value);

}  // namespace tenantdb::tenant
