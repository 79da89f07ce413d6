#include "kv/engine/resolver.h"

#include <algorithm>
#include <iterator>

namespace tenantdb::kv {

namespace {

// The first bytes of the keys in [begin, end), as [first, last]; first > last if none.
std::pair<int, int> FirstBytes(const KeyRange& r) {
  int first = r.begin.empty() ? 0 : static_cast<uint8_t>(r.begin[0]);
  if (r.end.empty()) return {first, -1};
  // A key starting with end[0] is below `end` only if `end` has more bytes.
  int last = static_cast<uint8_t>(r.end[0]) - (r.end.size() == 1 ? 1 : 0);
  // The empty key (in byte 0's part) is below every non-empty end.
  if (r.begin.empty()) last = std::max(last, 0);
  return {first, last};
}

}  // namespace

Resolver::Resolver() { boundaries_.emplace(std::string(), 0); }

bool Resolver::Conflicts(Version read_version, const std::vector<KeyRange>& reads) const {
  for (const KeyRange& r : reads) {
    if (ConflictsWith(read_version, r)) return true;
  }
  return false;
}

bool Resolver::ConflictsWith(Version read_version, const KeyRange& r) const {
  if (r.begin >= r.end) return false;
  auto [first, last] = FirstBytes(r);
  if (first == last && newest_by_first_byte_[first] <= read_version) return false;
  auto it = std::prev(boundaries_.upper_bound(r.begin));
  for (; it != boundaries_.end() && it->first < r.end; ++it) {
    if (it->second > read_version) return true;
  }
  return false;
}

void Resolver::Record(Version version, const std::vector<KeyRange>& writes) {
  for (const KeyRange& w : writes) {
    if (w.begin >= w.end) continue;
    auto [first_byte, last_byte] = FirstBytes(w);
    for (int b = first_byte; b <= last_byte; ++b) newest_by_first_byte_[b] = version;
    // One search: the boundaries inside [w.begin, w.end) follow `first` (a point write has
    // at most one), and `last` is the first boundary at or after w.end.
    auto first = boundaries_.lower_bound(w.begin);
    auto last = first;
    while (last != boundaries_.end() && last->first < w.end) ++last;
    // The version in force at w.end continues after the range. prev(last) exists: the
    // boundary "" is always held and "" < w.end.
    const bool end_is_boundary = last != boundaries_.end() && last->first == w.end;
    const bool begin_is_boundary = first != last && first->first == w.begin;
    auto end_it =
        end_is_boundary ? last : boundaries_.emplace_hint(last, w.end, std::prev(last)->second);
    if (begin_is_boundary) {
      first->second = version;
      boundaries_.erase(std::next(first), end_it);
    } else {
      if (first != last) boundaries_.erase(first, end_it);
      boundaries_.emplace_hint(end_it, w.begin, version);
    }
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
