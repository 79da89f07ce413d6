// Tuple values: building, the tuple order, ranges and the readable form. The byte encoding is in
// tuple_codec.cc.
#include "tenantdb/tuple.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "tuple/float_order.h"

namespace tenantdb {
namespace {

using tuple_internal::OrderedBits;

// Types in the order of their type codes; both integer alternatives share one rank.
int TypeRank(const TupleElement& e) {
  struct Visitor {
    int operator()(std::nullptr_t) const { return 0; }
    int operator()(const Bytes&) const { return 1; }
    int operator()(const std::string&) const { return 2; }
    int operator()(const Tuple&) const { return 3; }
    int operator()(int64_t) const { return 4; }
    int operator()(uint64_t) const { return 4; }
    int operator()(float) const { return 5; }
    int operator()(double) const { return 6; }
    int operator()(bool) const { return 7; }
    int operator()(const Uuid&) const { return 8; }
    int operator()(const Versionstamp&) const { return 9; }
  };
  return std::visit(Visitor{}, e);
}

template <typename T>
int ThreeWay(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Integers as (is_negative, value) so int64_t and uint64_t compare numerically.
int CompareIntegers(const TupleElement& a, const TupleElement& b) {
  auto key = [](const TupleElement& e) -> std::pair<int, uint64_t> {
    if (const auto* u = std::get_if<uint64_t>(&e)) return {1, *u};
    int64_t v = std::get<int64_t>(e);
    // Negative values map to their two's complement bits, which order correctly among negatives.
    return {v < 0 ? 0 : 1, static_cast<uint64_t>(v)};
  };
  return ThreeWay(key(a), key(b));
}

int CompareElements(const TupleElement& a, const TupleElement& b) {
  int rank_a = TypeRank(a);
  int rank_b = TypeRank(b);
  if (rank_a != rank_b) return rank_a < rank_b ? -1 : 1;
  if (rank_a == 4) return CompareIntegers(a, b);
  return std::visit(
      [&](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);  // same rank and not an integer: same alternative
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return 0;
        } else if constexpr (std::is_same_v<T, Bytes>) {
          return ThreeWay(x.value, y.value);
        } else if constexpr (std::is_same_v<T, Tuple>) {
          return Compare(x, y);
        } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          return ThreeWay(OrderedBits(x), OrderedBits(y));
        } else {
          return ThreeWay(x, y);
        }
      },
      a);
}

// Quotes s, escaping '"', '\\', control bytes and, if escape_high, every byte >= 0x80 as \xNN.
void AppendQuoted(std::string_view s, bool escape_high, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20 || u == 0x7f || (escape_high && u >= 0x80)) {
      out->append(fmt::format("\\x{:02x}", u));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// Shortest round-trip form, always distinguishable from an integer: 1.0, 1.5, 1e+20, nan, -inf.
template <typename F>
std::string FormatFloat(F value) {
  std::string s = fmt::format("{}", value);
  if (std::isfinite(value) && s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

void AppendElement(const TupleElement& element, std::string* out) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out->append("null");
        } else if constexpr (std::is_same_v<T, Bytes>) {
          out->push_back('b');
          AppendQuoted(x.value, /*escape_high=*/true, out);
        } else if constexpr (std::is_same_v<T, std::string>) {
          AppendQuoted(x, /*escape_high=*/false, out);  // keeps UTF-8 readable
        } else if constexpr (std::is_same_v<T, Tuple>) {
          out->append(x.ToString());
        } else if constexpr (std::is_same_v<T, bool>) {
          out->append(x ? "true" : "false");
        } else if constexpr (std::is_same_v<T, float>) {
          out->append(FormatFloat(x) + "f");
        } else if constexpr (std::is_same_v<T, double>) {
          out->append(FormatFloat(x));
        } else if constexpr (std::is_same_v<T, Uuid>) {
          const auto& b = x.bytes;
          out->append(fmt::format(
              "UUID({:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}"
              "{:02x}{:02x}{:02x}{:02x})",
              b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
              b[13], b[14], b[15]));
        } else if constexpr (std::is_same_v<T, Versionstamp>) {
          out->append(x.ToString());
        } else {
          out->append(fmt::format("{}", x));  // int64_t, uint64_t
        }
      },
      element);
}

bool HasIncomplete(const TupleElement& element) {
  if (const auto* stamp = std::get_if<Versionstamp>(&element)) return !stamp->IsComplete();
  if (const auto* nested = std::get_if<Tuple>(&element)) return nested->HasIncompleteVersionstamp();
  return false;
}

}  // namespace

Tuple& Tuple::Append(TupleElement element) & {
  // Keep integers canonical: uint64_t only for values int64_t cannot hold.
  if (const auto* u = std::get_if<uint64_t>(&element);
      u != nullptr && *u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    element = static_cast<int64_t>(*u);
  }
  elements_.push_back(std::move(element));
  return *this;
}

std::pair<std::string, std::string> Tuple::Range() const {
  std::string packed = Pack();
  return {packed + '\x00', packed + '\xff'};
}

bool Tuple::HasIncompleteVersionstamp() const {
  for (const TupleElement& element : elements_) {
    if (HasIncomplete(element)) return true;
  }
  return false;
}

std::string Tuple::ToString() const {
  std::string out = "(";
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (i > 0) out.append(", ");
    AppendElement(elements_[i], &out);
  }
  out.push_back(')');
  return out;
}

int Compare(const Tuple& a, const Tuple& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareElements(a[i], b[i]); c != 0) return c;
  }
  return ThreeWay(a.size(), b.size());
}

}  // namespace tenantdb
