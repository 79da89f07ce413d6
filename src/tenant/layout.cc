#include "tenant/layout.h"

#include <fmt/format.h>

#include "tenantdb/subspace.h"
#include "tenantdb/tuple.h"

namespace tenantdb::tenant {

namespace {

const Subspace& Directory() {
  static const Subspace dir(Tuple::Of(std::string("tenant")), "\xff");
  return dir;
}

// Usage counters have a subspace of their own, short enough that a counter's key (13 to 15
// bytes for the first 16,777,215 tenants) stays in std::string's inline buffer: every write
// commit sends one.
const Subspace& UsageSpace() {
  static const Subspace usage(Tuple::Of(std::string("usage")), "\xff");
  return usage;
}

// Directory keys and values that do not decode are corruption, not a caller's bad input.
Result<Tuple> Stored(Result<Tuple> t, std::string_view what) {
  if (t.ok()) return t;
  return Error(ErrorCode::kCorruption,
               fmt::format("tenant directory: bad {}: {}", what, t.status().message()));
}

template <typename T>
Result<T> Element(const Tuple& t, size_t i, std::string_view what) {
  if (i >= t.size() || !std::holds_alternative<T>(t[i])) {
    return Error(ErrorCode::kCorruption, fmt::format("tenant directory: bad {}", what));
  }
  return std::get<T>(t[i]);
}

void PutLane(char* out, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i, u >>= 8) out[i] = static_cast<char>(u & 0xFF);
}

int64_t GetLane(std::string_view in, size_t lane) {
  uint64_t u = 0;
  if (in.size() < (lane + 1) * 8) return 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<uint8_t>(in[lane * 8 + i]);
  return static_cast<int64_t>(u);
}

}  // namespace

std::string NameKey(std::string_view name) {
  return Directory().Pack(Tuple::Of(std::string("name"), std::string(name)));
}
std::string NameRangeBegin() { return Directory().Range(Tuple::Of(std::string("name"))).first; }
std::string NameRangeEnd() { return Directory().Range(Tuple::Of(std::string("name"))).second; }

Result<std::string> NameFromKey(std::string_view key) {
  TDB_ASSIGN_OR_RETURN(Tuple t, Stored(Directory().Unpack(key), "name key"));
  return Element<std::string>(t, 1, "name key");
}

std::string EntryKey(int64_t id) { return Directory().Pack(Tuple::Of(std::string("id"), id)); }
std::string NextIdKey() { return Directory().Pack(Tuple::Of(std::string("next_id"))); }
std::string UsageKey(int64_t id, int64_t day) { return UsageSpace().Pack(Tuple::Of(id, day)); }
std::pair<std::string, std::string> UsageRange(int64_t id) {
  return UsageSpace().Range(Tuple::Of(id));
}
std::string StoredSampleKey(int64_t id, int64_t day) {
  return UsageSpace().Pack(Tuple::Of(id, day, std::string("stored")));
}
Result<UsageKeyParts> ParseUsageKey(std::string_view key) {
  TDB_ASSIGN_OR_RETURN(Tuple t, Stored(UsageSpace().Unpack(key), "usage key"));
  UsageKeyParts parts;
  TDB_ASSIGN_OR_RETURN(parts.day, Element<int64_t>(t, 1, "usage key"));
  if (t.size() == 3) {
    TDB_ASSIGN_OR_RETURN(std::string tag, Element<std::string>(t, 2, "usage key"));
    if (tag != "stored") return Error(ErrorCode::kCorruption, "tenant directory: bad usage key");
    parts.stored_sample = true;
  } else if (t.size() != 2) {
    return Error(ErrorCode::kCorruption, "tenant directory: bad usage key");
  }
  return parts;
}

std::string EncodeId(int64_t id) { return Tuple::Of(id).Pack(); }
Result<int64_t> DecodeId(std::string_view value) {
  TDB_ASSIGN_OR_RETURN(Tuple t, Stored(Tuple::Unpack(value), "tenant id"));
  return Element<int64_t>(t, 0, "tenant id");
}

std::string DataPrefix(int64_t id) {
  std::string prefix(1, '\xfe');
  prefix += Tuple::Of(id).Pack();
  return prefix;
}

std::string EncodeEntry(const TenantInfo& info) {
  return Tuple::Of(static_cast<int64_t>(info.state), info.created_micros, info.quota.storage_bytes,
                   info.quota.ops_per_second, Bytes{info.metadata})
      .Pack();
}

Status DecodeEntry(std::string_view value, TenantInfo& info) {
  TDB_ASSIGN_OR_RETURN(Tuple t, Stored(Tuple::Unpack(value), "tenant entry"));
  TDB_ASSIGN_OR_RETURN(int64_t state, Element<int64_t>(t, 0, "tenant state"));
  TDB_ASSIGN_OR_RETURN(info.created_micros, Element<int64_t>(t, 1, "creation time"));
  TDB_ASSIGN_OR_RETURN(info.quota.storage_bytes, Element<int64_t>(t, 2, "storage quota"));
  TDB_ASSIGN_OR_RETURN(info.quota.ops_per_second, Element<int64_t>(t, 3, "ops quota"));
  TDB_ASSIGN_OR_RETURN(Bytes metadata, Element<Bytes>(t, 4, "metadata"));
  info.metadata = std::move(metadata.value);
  if (state != static_cast<int64_t>(TenantState::kActive) &&
      state != static_cast<int64_t>(TenantState::kLocked)) {
    return Error(ErrorCode::kCorruption, fmt::format("tenant directory: unknown state {}", state));
  }
  info.state = static_cast<TenantState>(state);
  return Status::OK();
}

UsageDelta& UsageDelta::operator+=(const UsageDelta& o) {
  reads += o.reads;
  writes += o.writes;
  bytes_read += o.bytes_read;
  bytes_written += o.bytes_written;
  return *this;
}

std::string EncodeUsage(const UsageDelta& d) {
  std::string out(32, '\0');
  PutLane(out.data(), d.reads);
  PutLane(out.data() + 8, d.writes);
  PutLane(out.data() + 16, d.bytes_read);
  PutLane(out.data() + 24, d.bytes_written);
  return out;
}

TenantUsage DecodeUsage(int64_t day, std::string_view value) {
  return {day, GetLane(value, 0), GetLane(value, 1), GetLane(value, 2), GetLane(value, 3)};
}

std::string EncodeStoredSample(int64_t bytes) {
  std::string out(8, '\0');
  PutLane(out.data(), bytes);
  return out;
}

int64_t DecodeStoredSample(std::string_view value) { return GetLane(value, 0); }

}  // namespace tenantdb::tenant
