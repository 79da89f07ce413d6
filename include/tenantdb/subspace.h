// A subspace: a raw key prefix under which keys are tuples (FoundationDB's Subspace). Used to give
// each tenant, record type or index its own contiguous key range:
//
//   Subspace users(Tuple::Of("users"));
//   std::string key = users.Pack(Tuple::Of(int64_t{42}));  // users.Key() + pack((42,))
//   auto [begin, end] = users.Range();                      // every tuple key under users
//
// A value type; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "tenantdb/status.h"
#include "tenantdb/tuple.h"

namespace tenantdb {

class Subspace {
 public:
  // The empty prefix: the whole keyspace.
  Subspace() = default;
  // raw_prefix + tuple.Pack(); raw_prefix is taken as bytes, not as a tuple.
  explicit Subspace(const Tuple& tuple, std::string_view raw_prefix = {});
  static Subspace FromRawPrefix(std::string raw_prefix);

  // The prefix bytes.
  const std::string& Key() const { return prefix_; }

  // Key() + tuple.Pack().
  std::string Pack(const Tuple& tuple) const;
  // Key() + tuple.Pack() + the 4-byte little-endian offset of the incomplete versionstamp, for
  // set_versionstamped_key. Errors: as Tuple::PackWithVersionstamp.
  Result<std::string> PackWithVersionstamp(const Tuple& tuple) const;

  // The tuple that follows Key() in `key`. Errors: kInvalidArgument if the key does not start
  // with Key(); kInvalidTuple if the rest is not a valid tuple encoding.
  Result<Tuple> Unpack(std::string_view key) const;

  // True if `key` starts with Key() (the prefix itself included).
  bool Contains(std::string_view key) const;

  // The keys of tuples under Pack(tuple): [Pack(tuple) + 0x00, Pack(tuple) + 0xFF), as
  // FoundationDB's Subspace.range(). With the default empty tuple this covers every key
  // Pack(t) with t non-empty; it excludes Key() itself, and keys under Key() + 0xFF (which are
  // never tuple encodings).
  std::pair<std::string, std::string> Range(const Tuple& tuple = Tuple()) const;

  // The subspace Key() + tuple.Pack().
  Subspace Sub(const Tuple& tuple) const;

  friend bool operator==(const Subspace&, const Subspace&) = default;

 private:
  std::string prefix_;
};

}  // namespace tenantdb
