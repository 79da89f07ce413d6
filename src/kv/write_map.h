// A transaction's own writes, as its reads must see them (read-your-writes).
//
// Point entries hold either a known value (set, clear, or an atomic op whose base is known
// because the key was set or cleared earlier in the transaction) or a chain of atomic
// operations over the unknown stored value. Cleared ranges are kept disjoint and coalesced;
// a point entry always takes precedence over a cleared range (clear_range erases the point
// entries inside it, and later writes add new ones).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenantdb/mutation.h"

namespace tenantdb::kv {

struct WriteEntry {
  // True when `value` is the key's value as the transaction sees it, whatever is stored.
  bool known = true;
  std::optional<std::string> value;                       // when known; nullopt = cleared
  std::vector<std::pair<MutationType, std::string>> ops;  // when !known, applied in order

  // The value the transaction sees given the stored value.
  std::optional<std::string> Resolve(const std::optional<std::string>& stored) const;
};

class WriteMap {
 public:
  using Points = std::map<std::string, WriteEntry, std::less<>>;

  void Set(std::string_view key, std::string_view value);
  void Clear(std::string_view key);
  void ClearRange(std::string_view begin, std::string_view end);
  void Atomic(MutationType op, std::string_view key, std::string_view param);

  // The point entry for key, or nullptr.
  const WriteEntry* Find(std::string_view key) const;
  // True if key lies in a cleared range (and so reads as absent unless it has a point entry).
  bool IsCleared(std::string_view key) const;
  // If key lies in a cleared range, that range's end; else nullopt.
  std::optional<std::string_view> ClearedUntil(std::string_view key) const;
  // If key lies in a cleared range, that range's begin; else nullopt.
  std::optional<std::string_view> ClearedFrom(std::string_view key) const;

  const Points& points() const { return points_; }
  bool empty() const { return points_.empty() && cleared_.empty(); }
  void Reset();

 private:
  Points points_;
  std::map<std::string, std::string, std::less<>> cleared_;  // begin -> end, disjoint
};

}  // namespace tenantdb::kv
