// Tuples: typed, ordered key components, encoded byte-compatibly with FoundationDB's tuple layer
// (design/tuple.md in apple/foundationdb), so that the packed bytes of tuples sort in the same
// order as the tuples themselves and every tuple prefix names a contiguous key range. The
// encoding grammar is written down at the top of src/tuple/tuple_codec.cc; docs/TUPLE.md
// summarises the types, the order and the decisions taken where the spec leaves room.
//
//   std::string key = Tuple().Append("users").Append(int64_t{42}).Pack();
//   TDB_ASSIGN_OR_RETURN(Tuple t, Tuple::Unpack(key));
//
// Tuple is a value type; thread-compatible (const methods may be called concurrently).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tenantdb/status.h"
#include "tenantdb/versionstamp.h"

namespace tenantdb {

// A byte string (type code 0x01). A distinct type so that arbitrary bytes are never confused
// with a unicode string (std::string, type code 0x02), which encodes differently.
struct Bytes {
  std::string value;
  friend auto operator<=>(const Bytes&, const Bytes&) = default;
};

// An RFC 4122 UUID in network byte order (type code 0x30).
struct Uuid {
  std::array<uint8_t, 16> bytes{};
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

class Tuple;

// One element of a tuple. Integers are int64_t, or uint64_t for values above INT64_MAX only
// (Tuple::Append and Tuple::Unpack keep them in that canonical form). std::string is a unicode
// string and should hold UTF-8; it is not validated (see docs/TUPLE.md). float and double keep
// their exact bit pattern, including -0.0 and NaN payloads.
using TupleElement = std::variant<std::nullptr_t,  // null, 0x00
                                  Bytes,           // byte string, 0x01
                                  std::string,     // unicode string, 0x02
                                  Tuple,           // nested tuple, 0x05
                                  int64_t,         // integer, 0x0c..0x1c
                                  uint64_t,        // integer above INT64_MAX, 0x1c
                                  float,           // 0x20
                                  double,          // 0x21
                                  bool,            // false 0x26, true 0x27
                                  Uuid,            // 0x30
                                  Versionstamp>;   // 0x33

class Tuple {
 public:
  Tuple() = default;

  // Tuple::Of("users", int64_t{42}, nullptr) == Tuple().Append("users").Append(...)...
  template <typename... Ts>
  static Tuple Of(Ts&&... elements) {
    Tuple t;
    (t.Append(std::forward<Ts>(elements)), ...);
    return t;
  }

  // Appends one element and returns *this for chaining. Integer literals become int64_t; pass
  // uint64_t explicitly for unsigned values (a uint64_t <= INT64_MAX is stored as int64_t).
  Tuple& Append(TupleElement element) &;
  // On a temporary, returns the result by value so `auto&& t = Tuple().Append(1)` cannot dangle.
  Tuple Append(TupleElement element) && { return std::move(Append(std::move(element))); }

  size_t size() const { return elements_.size(); }
  bool empty() const { return elements_.empty(); }
  // REQUIRES: i < size().
  const TupleElement& operator[](size_t i) const { return elements_[i]; }
  const std::vector<TupleElement>& elements() const { return elements_; }
  auto begin() const { return elements_.begin(); }
  auto end() const { return elements_.end(); }

  // The order-preserving encoding. An incomplete versionstamp is written with its placeholder
  // bytes (ten 0xFF); use PackWithVersionstamp for a key that the commit should stamp.
  std::string Pack() const;

  // prefix + Pack() + the 4-byte little-endian offset of the incomplete versionstamp's
  // placeholder within that key, the operand of set_versionstamped_key (FoundationDB API >= 520).
  // Errors: kInvalidArgument unless the tuple (nested tuples included) holds exactly one
  // incomplete versionstamp, or if the offset does not fit in 32 bits.
  Result<std::string> PackWithVersionstamp(std::string_view prefix = {}) const;

  // Decodes a whole key produced by Pack(). Decoding is strict: it accepts exactly the bytes
  // that Pack() produces, so Unpack(b).ok() implies Unpack(b)->Pack() == b.
  // Errors: kInvalidTuple for truncated or corrupt input, unknown or unsupported type codes,
  // non-minimal integers, integers below INT64_MIN, nesting deeper than kMaxNestingDepth;
  // the message names the byte offset and what was wrong.
  static Result<Tuple> Unpack(std::string_view bytes);

  // Nested tuples deeper than this are refused by Unpack (bounds recursion on hostile input).
  static constexpr int kMaxNestingDepth = 256;

  // The keys strictly inside this tuple as a prefix: [Pack() + 0x00, Pack() + 0xFF). Every
  // longer tuple that starts with this one packs into the range; Pack() itself does not.
  std::pair<std::string, std::string> Range() const;

  // True if some element, nested tuples included, is an incomplete versionstamp.
  bool HasIncompleteVersionstamp() const;

  // A readable form for debugging and the CLI, e.g. ("users", 42, b"\x00\xff", null, 1.5f).
  std::string ToString() const;

 private:
  std::vector<TupleElement> elements_;
};

// The tuple order: element by element, a proper prefix first. Elements of different types order
// by type code (null < bytes < string < nested < integer < float < double < false < true < uuid
// < versionstamp); integers numerically (int64_t and uint64_t alike); floats and doubles by
// IEEE total order (-NaN < -inf < ... < -0.0 < 0.0 < ... < inf < NaN); strings and bytes
// bytewise. Returns <0, 0 or >0. Compare(a, b) < 0 exactly when a.Pack() < b.Pack().
int Compare(const Tuple& a, const Tuple& b);

inline bool operator==(const Tuple& a, const Tuple& b) { return Compare(a, b) == 0; }
inline std::strong_ordering operator<=>(const Tuple& a, const Tuple& b) {
  return Compare(a, b) <=> 0;
}

}  // namespace tenantdb
