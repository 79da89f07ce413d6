#include "bench/workload.h"

#include <fmt/format.h>

#include <array>

namespace tenantdb::bench {

namespace {

constexpr std::array<std::pair<Workload, std::string_view>, 7> kNames = {{
    {Workload::kPointGet, "point_get"},
    {Workload::kRangeRead, "range_read"},
    {Workload::kBlindWrite, "blind_write"},
    {Workload::kReadModifyWrite, "read_modify_write"},
    {Workload::kHotCounter, "hot_counter"},
    {Workload::kTenantCreate, "tenant_create"},
    {Workload::kTenantDelete, "tenant_delete"},
}};

}  // namespace

std::string_view WorkloadName(Workload w) {
  for (const auto& [workload, name] : kNames) {
    if (workload == w) return name;
  }
  return "unknown";
}

std::optional<Workload> ParseWorkload(std::string_view name) {
  for (const auto& [workload, n] : kNames) {
    if (n == name) return workload;
  }
  return std::nullopt;
}

const std::vector<Workload>& AllWorkloads() {
  static const std::vector<Workload> all = [] {
    std::vector<Workload> v;
    for (const auto& entry : kNames) {
      if (IsKvWorkload(entry.first)) v.push_back(entry.first);
    }
    return v;
  }();
  return all;
}

const std::vector<Workload>& TenantWorkloads() {
  static const std::vector<Workload> all = {Workload::kTenantCreate, Workload::kTenantDelete};
  return all;
}

bool IsKvWorkload(Workload w) {
  return w != Workload::kTenantCreate && w != Workload::kTenantDelete;
}

std::string_view SystemName(System s) {
  switch (s) {
    case System::kTenantdb:
      return "tenantdb";
    case System::kTenant:
      return "tenantdb-tenant";
    case System::kRocksdb:
      return "rocksdb";
  }
  return "unknown";
}

std::optional<System> ParseSystem(std::string_view name) {
  if (name == "tenantdb" || name == "raw") return System::kTenantdb;
  if (name == "tenantdb-tenant" || name == "tenant") return System::kTenant;
  if (name == "rocksdb") return System::kRocksdb;
  return std::nullopt;
}

std::string_view DurabilityName(Durability d) { return d == Durability::kSync ? "sync" : "async"; }

std::string_view KeyOf(int64_t i, char* buf) {
  auto r = fmt::format_to_n(buf, kKeyBufferSize, "bench/k{:08d}", i);
  return {buf, r.size};
}

std::string_view CounterKeyOf(int i, char* buf) {
  auto r = fmt::format_to_n(buf, kKeyBufferSize, "bench/counter/{:02d}", i);
  return {buf, r.size};
}

void IncrementPrefix(std::string& value) {
  uint64_t v = 0;
  if (value.size() >= 8) {
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(value[i]);
  } else {
    value.resize(8, '\0');
  }
  ++v;
  for (int i = 0; i < 8; ++i, v >>= 8) value[i] = static_cast<char>(v & 0xFF);
}

}  // namespace tenantdb::bench
