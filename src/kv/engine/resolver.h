// Conflict resolution for optimistic concurrency: remembers, for the MVCC window, the newest
// version at which each part of the keyspace was written, and answers whether a transaction's
// read ranges were written after its read version.
//
// A deterministic function of the ordered stream of (read version, read ranges, write ranges,
// commit version): no clock and no thread timing, so a recorded stream replays to the same
// outcomes and the same resolver can run on every replica fed by a replicated log.
//
// Representation: step functions over keys. A step map maps a key b to the newest write
// version of [b, next boundary). Versions are recorded in increasing order, so recording a
// write range overwrites the step function there. Beside it, `newest_by_first_byte_` bounds
// from above the newest version written anywhere among the keys starting with each byte, so a
// read inside a part of the keyspace written rarely (the system keys: a tenant's directory
// entry, checked by nearly every tenant commit) is decided without searching the map.
//
// Work per commit bounded by the commit's own writes, not by what other commits wrote (which
// would stall the commit pipeline behind it):
// - A write range over many boundaries (a clear_range over a bulk load: a tenant delete)
//   would erase them one by one. A range over more than `wide_after` boundaries of the main
//   map is recorded in a second step map of its own (`wide_`) instead, leaving the boundaries
//   it covers in place (their versions are older, so they cannot hide it). A read conflicts
//   if either map has a newer version in its range: the newest write there is in one of them.
//   The covered boundaries are then forgotten in steps (below): until they are, a read over
//   them walks them. (Recording a wide range erases the wide ranges it covers at once; there
//   are few, and each was a write of its own.)
// - Forgetting old versions walks every boundary. It is done in steps (PruneSome) of a
//   bounded number of boundaries, resuming at a key, so each commit group pays a bounded part:
//   first of forgetting what wide ranges cover, then of the running pass.
//
// Thread safety: none; the engine calls it from the one thread that resolves a commit group.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/engine.h"

namespace tenantdb::kv {

class Resolver {
 public:
  // Write ranges over more boundaries than this are recorded apart from the point writes.
  static constexpr size_t kWideAfter = 256;

  explicit Resolver(size_t wide_after = kWideAfter);
  Resolver(const Resolver&) = delete;  // the prune pass points into the object
  Resolver& operator=(const Resolver&) = delete;

  // True if a range in `reads` intersects a range recorded at a version > read_version.
  bool Conflicts(Version read_version, const std::vector<KeyRange>& reads) const;
  bool ConflictsWith(Version read_version, const KeyRange& read) const;
  // True if a key in `keys` (each the range [key, key + "\0")) was recorded at a version
  // > read_version: one search each, no range built.
  bool ConflictsAt(Version read_version, const CommitRequest::ReadPoints& keys) const;

  // Records `writes` at `version`. REQUIRES: version >= every version recorded before.
  void Record(Version version, const std::vector<KeyRange>& writes);
  // Records at `version` the write conflict range mutation `m` implies: [key, key + "\0") for
  // a set, clear, atomic operation or versionstamped value; [key, param) for a clear_range;
  // every key the stamp can produce for a versionstamped key; nothing for a deferred add.
  void RecordImplied(Version version, const Mutation& m);

  // Forgetting the detail of versions <= a horizon: no transaction with a read version below
  // the horizon can commit (it is too old), so they can no longer decide a conflict. Pruning
  // never changes an outcome, only what is held.
  //
  // StartPrune begins a pass over every boundary (again from the first, if one is running).
  // PruneSome spends at most `budget` boundary visits: first forgetting the main map's
  // boundaries that wide ranges cover (oldest range first), then continuing the running pass
  // with the horizon given then. pruning() is false once the pass has covered the whole
  // keyspace; pending() also while covered boundaries are left.
  void StartPrune();
  void PruneSome(Version horizon, size_t budget);
  bool pruning() const { return prune_map_ != nullptr; }
  bool pending() const { return pruning() || !covered_.empty(); }
  // A whole pass at once.
  void Prune(Version horizon);

  // Number of step boundaries held (for tests and metrics): 1 when nothing is recorded.
  size_t size() const { return main_.size() + wide_.size() - 1; }
  // Of which in the map of wide ranges.
  size_t wide_size() const { return wide_.size() - 1; }

 private:
  // A step function: key -> the newest version written in [key, next key). Always holds "".
  using StepMap = std::map<std::string, Version, std::less<>>;

  static bool AboveIn(const StepMap& steps, Version read_version, std::string_view begin,
                      std::string_view end);
  static bool AboveAt(const StepMap& steps, Version read_version, std::string_view key);
  // Sets [begin, end) to `version` in `steps`, unless more than `max_inside` boundaries lie
  // inside the range: then changes nothing and returns false.
  static bool Assign(StepMap& steps, Version version, std::string_view begin, std::string_view end,
                     size_t max_inside);
  // Prunes `steps` from the boundary at or after `cursor`, over at most `budget` boundaries
  // (lowered by those visited). Returns true at the end of the map; otherwise `cursor` is the
  // next boundary to visit.
  static bool PruneSteps(StepMap& steps, std::string& cursor, Version horizon, size_t& budget);
  // Forgets, over at most `budget` boundary visits, the versions of the main map that the
  // oldest covered wide ranges dominate.
  void ForgetCovered(size_t& budget);

  void RecordRange(Version version, std::string_view begin, std::string_view end);

  size_t wide_after_;
  StepMap main_;
  StepMap wide_;
  Version wide_newest_ = 0;    // >= every version in wide_: reads after it skip the map
  std::string scratch_begin_;  // RecordImplied's range, reused: no allocation per commit
  std::string scratch_end_;
  // [i]: >= every version recorded for a key whose first byte is i (the empty key counts as
  // byte 0). Never lowered, Prune included: only an upper bound is needed.
  std::array<Version, 256> newest_by_first_byte_{};
  // The running prune pass: the map it is in (main_, then wide_; null when none) and the key
  // it resumes at.
  StepMap* prune_map_ = nullptr;
  std::string prune_cursor_;
  // Wide ranges recorded, oldest first, whose covered boundaries of the main map are left to
  // forget: within [begin, end) a main version <= `version` is dominated by the wide range's.
  // The first resumes at `covered_cursor_` (empty: at its begin).
  struct Covered {
    std::string begin, end;
    Version version;
  };
  std::deque<Covered> covered_;
  std::string covered_cursor_;
};

}  // namespace tenantdb::kv
