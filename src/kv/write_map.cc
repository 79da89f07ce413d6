#include "kv/write_map.h"

#include <iterator>

namespace tenantdb::kv {

std::optional<std::string> WriteEntry::Resolve(const std::optional<std::string>& stored) const {
  if (known) return value;
  std::optional<std::string> v = stored;
  for (const auto& [op, param] : ops) v = ApplyAtomicOp(op, v, param);
  return v;
}

void WriteMap::Set(std::string_view key, std::string_view value) {
  WriteEntry& e = points_[std::string(key)];
  e.known = true;
  e.value = std::string(value);
  e.ops.clear();
}

void WriteMap::Clear(std::string_view key) {
  WriteEntry& e = points_[std::string(key)];
  e.known = true;
  e.value.reset();
  e.ops.clear();
}

void WriteMap::ClearRange(std::string_view begin, std::string_view end) {
  if (begin >= end) return;
  points_.erase(points_.lower_bound(begin), points_.lower_bound(end));
  std::string b(begin), e(end);
  // Merge with every range that overlaps or touches [b, e).
  auto it = cleared_.upper_bound(b);
  if (it != cleared_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= b) it = prev;
  }
  while (it != cleared_.end() && it->first <= e) {
    if (it->first < b) b = it->first;
    if (it->second > e) e = it->second;
    it = cleared_.erase(it);
  }
  cleared_.emplace(std::move(b), std::move(e));
}

void WriteMap::Atomic(MutationType op, std::string_view key, std::string_view param) {
  auto it = points_.find(key);
  if (it == points_.end()) {
    WriteEntry e;
    if (IsCleared(key)) {
      e.value = ApplyAtomicOp(op, std::nullopt, param);
    } else {
      e.known = false;
      e.ops.emplace_back(op, std::string(param));
    }
    points_.emplace(std::string(key), std::move(e));
    return;
  }
  WriteEntry& e = it->second;
  if (e.known) {
    e.value = ApplyAtomicOp(op, e.value, param);
  } else {
    e.ops.emplace_back(op, std::string(param));
  }
}

const WriteEntry* WriteMap::Find(std::string_view key) const {
  auto it = points_.find(key);
  return it == points_.end() ? nullptr : &it->second;
}

bool WriteMap::IsCleared(std::string_view key) const { return ClearedUntil(key).has_value(); }

std::optional<std::string_view> WriteMap::ClearedUntil(std::string_view key) const {
  auto it = cleared_.upper_bound(key);
  if (it == cleared_.begin()) return std::nullopt;
  --it;
  if (key < it->second) return std::string_view(it->second);
  return std::nullopt;
}

std::optional<std::string_view> WriteMap::ClearedFrom(std::string_view key) const {
  auto it = cleared_.upper_bound(key);
  if (it == cleared_.begin()) return std::nullopt;
  --it;
  if (key < it->second) return std::string_view(it->first);
  return std::nullopt;
}

void WriteMap::Reset() {
  points_.clear();
  cleared_.clear();
}

}  // namespace tenantdb::kv
