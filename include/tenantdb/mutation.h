// The kinds of mutation a transaction can make. Atomic operations are applied at commit to
// whatever value the key holds then, and do not conflict with each other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenantdb {

enum class MutationType : uint8_t {
  kSet = 0,
  kClear = 1,
  kClearRange = 2,  // key = begin, param = end
  // Atomic operations (semantics as FoundationDB's, operands little-endian where numeric):
  kAdd = 10,              // little-endian integer addition, wrapping, width of the operand
  kBitAnd = 11,           // bytewise AND; a missing value acts as the operand
  kBitOr = 12,            // bytewise OR
  kBitXor = 13,           // bytewise XOR
  kMax = 14,              // little-endian unsigned maximum
  kMin = 15,              // little-endian unsigned minimum; a missing value acts as the operand
  kByteMax = 16,          // lexicographic maximum of byte strings
  kByteMin = 17,          // lexicographic minimum; a missing value acts as the operand
  kCompareAndClear = 18,  // clear the key if its value equals the operand
  kSetVersionstampedKey = 20,    // key holds a 10-byte placeholder at the offset in its last
                                 // 4 bytes (uint32 little-endian), filled in at commit
  kSetVersionstampedValue = 21,  // the same, in the value
};

// True for the atomic read-modify-write kinds (kAdd .. kCompareAndClear).
inline bool IsAtomicOp(MutationType t) {
  return t >= MutationType::kAdd && t <= MutationType::kCompareAndClear;
}

// Printable name, e.g. "add", "compare_and_clear".
std::string_view MutationTypeName(MutationType t);

// The 8-byte little-endian two's-complement operand of an atomic add of `delta`.
std::string LittleEndian64(int64_t delta);

// Applies atomic operation `op` with operand `param` to `existing` (nullopt: key absent).
// Returns the new value, or nullopt when the result is that the key is cleared.
// REQUIRES: IsAtomicOp(op).
std::optional<std::string> ApplyAtomicOp(MutationType op,
                                         const std::optional<std::string>& existing,
                                         std::string_view param);
// The same, replacing `value` (the existing value) by the result; an add reuses its storage.
void ApplyAtomicOpInPlace(MutationType op, std::optional<std::string>& value,
                          std::string_view param);

}  // namespace tenantdb
