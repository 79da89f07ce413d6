#include "kv/engine/resolver.h"

#include <iterator>

namespace tenantdb::kv {

Resolver::Resolver() { boundaries_.emplace(std::string(), 0); }

bool Resolver::Conflicts(Version read_version, const std::vector<KeyRange>& reads) const {
  for (const KeyRange& r : reads) {
    if (r.begin >= r.end) continue;
    auto it = std::prev(boundaries_.upper_bound(r.begin));
    for (; it != boundaries_.end() && it->first < r.end; ++it) {
      if (it->second > read_version) return true;
    }
  }
  return false;
}

void Resolver::Record(Version version, const std::vector<KeyRange>& writes) {
  for (const KeyRange& w : writes) {
    if (w.begin >= w.end) continue;
    // The version in force at w.end continues after the range.
    auto at_end = std::prev(boundaries_.upper_bound(w.end));
    Version end_version = at_end->second;
    auto first = boundaries_.lower_bound(w.begin);
    auto last = boundaries_.lower_bound(w.end);
    bool end_is_boundary = last != boundaries_.end() && last->first == w.end;
    boundaries_.erase(first, last);
    boundaries_.emplace(w.begin, version);
    if (!end_is_boundary) boundaries_.emplace(w.end, end_version);
  }
}

void Resolver::Prune(Version horizon) {
  auto it = boundaries_.begin();
  it->second = it->second <= horizon ? 0 : it->second;
  Version prev = it->second;
  for (++it; it != boundaries_.end();) {
    Version v = it->second <= horizon ? 0 : it->second;
    if (v == prev) {
      it = boundaries_.erase(it);
    } else {
      it->second = v;
      prev = v;
      ++it;
    }
  }
}

}  // namespace tenantdb::kv
