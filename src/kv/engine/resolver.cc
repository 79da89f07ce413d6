#include "kv/engine/resolver.h"

#include <algorithm>
#include <cstdint>
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

Resolver::Resolver(size_t wide_after) : wide_after_(wide_after) {
  main_.emplace(std::string(), 0);
  wide_.emplace(std::string(), 0);
}

bool Resolver::Conflicts(Version read_version, const std::vector<KeyRange>& reads) const {
  for (const KeyRange& r : reads) {
    if (ConflictsWith(read_version, r)) return true;
  }
  return false;
}

bool Resolver::AboveIn(const StepMap& steps, Version read_version, std::string_view begin,
                       std::string_view end) {
  for (auto it = std::prev(steps.upper_bound(begin)); it != steps.end() && it->first < end; ++it) {
    if (it->second > read_version) return true;
  }
  return false;
}

bool Resolver::AboveAt(const StepMap& steps, Version read_version, std::string_view key) {
  // No key lies strictly between `key` and key + "\0": the step in force at `key` is the only
  // one the point meets.
  return std::prev(steps.upper_bound(key))->second > read_version;
}

bool Resolver::ConflictsWith(Version read_version, const KeyRange& r) const {
  if (r.begin >= r.end) return false;
  auto [first, last] = FirstBytes(r.begin, r.end);
  if (first == last && newest_by_first_byte_[first] <= read_version) return false;
  // The wide ranges first: few, and over boundaries of the main map not yet forgotten.
  return (wide_newest_ > read_version && AboveIn(wide_, read_version, r.begin, r.end)) ||
         AboveIn(main_, read_version, r.begin, r.end);
}

bool Resolver::ConflictsAt(Version read_version, const CommitRequest::ReadPoints& keys) const {
  for (std::string_view key : keys) {
    int first = key.empty() ? 0 : static_cast<uint8_t>(key[0]);  // FirstBytes of the point
    if (newest_by_first_byte_[first] <= read_version) continue;
    if ((wide_newest_ > read_version && AboveAt(wide_, read_version, key)) ||
        AboveAt(main_, read_version, key)) {
      return true;
    }
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
  if (Assign(main_, version, begin, end, wide_after_)) return;
  Assign(wide_, version, begin, end, SIZE_MAX);
  wide_newest_ = version;
  covered_.push_back({std::string(begin), std::string(end), version});
}

bool Resolver::Assign(StepMap& steps, Version version, std::string_view begin, std::string_view end,
                      size_t max_inside) {
  // One search: the boundaries inside [begin, end) follow `first` (a point write has at most
  // one), and `last` is the first boundary at or after end.
  auto first = steps.lower_bound(begin);
  auto last = first;
  for (size_t inside = 0; last != steps.end() && last->first < end; ++last) {
    if (++inside > max_inside) return false;
  }
  // The version in force at end continues after the range. prev(last) exists: the boundary ""
  // is always held and "" < end.
  const bool end_is_boundary = last != steps.end() && last->first == end;
  const bool begin_is_boundary = first != last && first->first == begin;
  auto end_it =
      end_is_boundary ? last : steps.emplace_hint(last, std::string(end), std::prev(last)->second);
  if (begin_is_boundary) {
    first->second = version;
    steps.erase(std::next(first), end_it);
  } else {
    if (first != last) steps.erase(first, end_it);
    steps.emplace_hint(end_it, std::string(begin), version);
  }
  return true;
}

void Resolver::StartPrune() {
  prune_map_ = &main_;
  prune_cursor_.clear();
}

void Resolver::PruneSome(Version horizon, size_t budget) {
  ForgetCovered(budget);
  while (prune_map_ != nullptr && budget > 0) {
    if (!PruneSteps(*prune_map_, prune_cursor_, horizon, budget)) return;
    prune_map_ = prune_map_ == &main_ ? &wide_ : nullptr;
    prune_cursor_.clear();
  }
}

void Resolver::Prune(Version horizon) {
  StartPrune();
  PruneSome(horizon, SIZE_MAX);
}

bool Resolver::PruneSteps(StepMap& steps, std::string& cursor, Version horizon, size_t& budget) {
  auto forgotten = [horizon](Version v) { return v <= horizon ? 0 : v; };
  auto it = steps.lower_bound(cursor);
  if (it == steps.begin()) {  // "": no step before it to merge with
    it->second = forgotten(it->second);
    ++it;
    --budget;
  }
  // A boundary whose version equals the step before it is no boundary: merged.
  Version prev = std::prev(it)->second;
  for (; it != steps.end() && budget > 0; --budget) {
    Version v = forgotten(it->second);
    if (v == prev) {
      it = steps.erase(it);
    } else {
      it->second = v;
      prev = v;
      ++it;
    }
  }
  if (it == steps.end()) return true;
  cursor.assign(it->first);
  return false;
}

void Resolver::ForgetCovered(size_t& budget) {
  while (!covered_.empty() && budget > 0) {
    const Covered& c = covered_.front();
    auto it = main_.lower_bound(covered_cursor_.empty() ? c.begin : covered_cursor_);
    // A boundary whose version equals the step before it is no boundary: merged.
    Version prev = it == main_.begin() ? -1 : std::prev(it)->second;
    for (; it != main_.end() && it->first < c.end && budget > 0; --budget) {
      auto next = std::next(it);
      if (it->second > c.version) {  // written after the wide range
        prev = it->second;
        it = next;
        continue;
      }
      // Its step [it, next) may reach past the range: split it at the range's end first.
      if (next == main_.end() || next->first > c.end) {
        next = main_.emplace_hint(next, c.end, it->second);
      }
      if (prev == 0) {
        main_.erase(it);
      } else {
        it->second = 0;
        prev = 0;
      }
      it = next;
    }
    if (it != main_.end() && it->first < c.end) {
      covered_cursor_.assign(it->first);
      return;
    }
    covered_.pop_front();
    covered_cursor_.clear();
  }
}

}  // namespace tenantdb::kv
