#include "bench/workload.h"

#include <fmt/format.h>

#include <array>

namespace tenantdb::bench {

namespace {

constexpr std::array<std::pair<Workload, std::string_view>, 5> kNames = {{
    {Workload::kPointGet, "point_get"},
    {Workload::kRangeRead, "range_read"},
    {Workload::kBlindWrite, "blind_write"},
    {Workload::kReadModifyWrite, "read_modify_write"},
    {Workload::kHotCounter, "hot_counter"},
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
    for (const auto& entry : kNames) v.push_back(entry.first);
    return v;
  }();
  return all;
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
