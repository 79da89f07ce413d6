// Conflict resolution for optimistic concurrency: remembers, for the MVCC window, the newest
// version at which each part of the keyspace was written, and answers whether a transaction's
// read ranges were written after its read version.
//
// A deterministic function of the ordered stream of (read version, read ranges, write ranges,
// commit version): no clock and no thread timing, so a recorded stream replays to the same
// outcomes and the same resolver can run on every replica fed by a replicated log.
//
// Representation: a step function over keys. `boundaries_` maps a key b to the newest write
// version of [b, next boundary). Versions are recorded in increasing order, so recording a
// write range overwrites the step function there. Beside it, `newest_by_first_byte_` bounds
// from above the newest version written anywhere among the keys starting with each byte, so a
// read inside a part of the keyspace written rarely (the system keys: a tenant's directory
// entry, checked by nearly every tenant commit) is decided without searching the map.
//
// Thread safety: none; the engine calls it from the one thread that resolves a commit group.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "kv/engine/engine.h"

namespace tenantdb::kv {

class Resolver {
 public:
  Resolver();

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

  // Forgets the detail of versions <= horizon: no transaction with a read version below the
  // horizon can commit (it is too old), so they can no longer decide a conflict.
  void Prune(Version horizon);

  // Number of step boundaries held (for tests and metrics).
  size_t size() const { return boundaries_.size(); }

 private:
  void RecordRange(Version version, std::string_view begin, std::string_view end);

  std::map<std::string, Version, std::less<>> boundaries_;
  std::string scratch_begin_;  // RecordImplied's range, reused: no allocation per commit
  std::string scratch_end_;
  // [i]: >= every version recorded for a key whose first byte is i (the empty key counts as
  // byte 0). Never lowered, Prune included: only an upper bound is needed.
  std::array<Version, 256> newest_by_first_byte_{};
};

}  // namespace tenantdb::kv
