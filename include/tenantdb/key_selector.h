// Key selectors, as FoundationDB defines them: a base key, whether the base key itself
// counts, and an offset. The selector names "the last key less than (or_equal: less than or
// equal to) `key`, then `offset` keys forward" — offset 1 is the key after that one.
#pragma once

#include <string>
#include <string_view>

namespace tenantdb {

struct KeySelector {
  std::string key;
  bool or_equal = false;
  int offset = 1;

  static KeySelector FirstGreaterOrEqual(std::string_view k) { return {std::string(k), false, 1}; }
  static KeySelector FirstGreaterThan(std::string_view k) { return {std::string(k), true, 1}; }
  static KeySelector LastLessOrEqual(std::string_view k) { return {std::string(k), true, 0}; }
  static KeySelector LastLessThan(std::string_view k) { return {std::string(k), false, 0}; }

  KeySelector operator+(int delta) const { return {key, or_equal, offset + delta}; }
  KeySelector operator-(int delta) const { return {key, or_equal, offset - delta}; }
  friend bool operator==(const KeySelector&, const KeySelector&) = default;
};

}  // namespace tenantdb
