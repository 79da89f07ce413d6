#include "kv/engine/resolver.h"

#include <algorithm>
#include <iterator>

namespace tenantdb::kv {

namespace {

// The first bytes of the keys in [begin, end), as [first, last]; first > last if none.
std::pair<int, int> FirstBytes(std::string_view begin, std::string_view end) {
  int first = begin.empty() ? 0 : static_cast<uint8_t>(begin[0]);
  if (end.empty()) return {first, -1};
  // A key starting with end[0] is below `end` only if `end` has more bytes.
  int last = static_cast<uint8_t>(end[0]) - (end.size() == 1 ? 1 : 0);
  // The empty key (in byte 0's part) is below every non-empty end.
  if (begin.empty()) last = std::max(last, 0);
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
  auto [first, last] = FirstBytes(r.begin, r.end);
  if (first == last && newest_by_first_byte_[first] <= read_version) return false;
  auto it = std::prev(boundaries_.upper_bound(r.begin));
  for (; it != boundaries_.end() && it->first < r.end; ++it) {
    if (it->second > read_version) return true;
  }
  return false;
}

bool Resolver::ConflictsAt(Version read_version, const CommitRequest::ReadPoints& keys) const {
  for (std::string_view key : keys) {
    int first = key.empty() ? 0 : static_cast<uint8_t>(key[0]);  // FirstBytes of the point
    if (newest_by_first_byte_[first] <= read_version) continue;
    // No key lies strictly between `key` and key + "\0": the step in force at `key` is the
    // only one the point meets.
    if (std::prev(boundaries_.upper_bound(key))->second > read_version) return true;
  }
  return false;
}

void Resolver::Record(Version version, const std::vector<KeyRange>& writes) {
  for (const KeyRange& w : writes) RecordRange(version, w.begin, w.end);
}

void Resolver::RecordImplied(Version version, const Mutation& m) {
  switch (m.type) {
    case MutationType::kClearRange:
      RecordRange(version, m.key, m.param);
      return;
    case MutationType::kSetVersionstampedKey:
      // Placeholder bytes from all 0x00 to all 0xff.
      scratch_begin_.assign(m.key).replace(m.stamp_offset, kStampSize, kStampSize, '\0');
      scratch_end_.assign(m.key).replace(m.stamp_offset, kStampSize, kStampSize, '\xff');
      scratch_end_.push_back('\0');
      RecordRange(version, scratch_begin_, scratch_end_);
      return;
    case MutationType::kAdd:
      if (m.deferred) return;
      break;
    default:
      break;
  }
  scratch_end_.assign(m.key).push_back('\0');
  RecordRange(version, m.key, scratch_end_);
}

void Resolver::RecordRange(Version version, std::string_view begin, std::string_view end) {
  if (begin >= end) return;
  auto [first_byte, last_byte] = FirstBytes(begin, end);
  for (int b = first_byte; b <= last_byte; ++b) newest_by_first_byte_[b] = version;
  // One search: the boundaries inside [begin, end) follow `first` (a point write has at most
  // one), and `last` is the first boundary at or after end.
  auto first = boundaries_.lower_bound(begin);
  auto last = first;
  while (last != boundaries_.end() && last->first < end) ++last;
  // The version in force at end continues after the range. prev(last) exists: the boundary ""
  // is always held and "" < end.
  const bool end_is_boundary = last != boundaries_.end() && last->first == end;
  const bool begin_is_boundary = first != last && first->first == begin;
  auto end_it = end_is_boundary
                    ? last
                    : boundaries_.emplace_hint(last, std::string(end), std::prev(last)->second);
  if (begin_is_boundary) {
    first->second = version;
    boundaries_.erase(std::next(first), end_it);
  } else {
    if (first != last) boundaries_.erase(first, end_it);
    boundaries_.emplace_hint(end_it, std::string(begin), version);
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
