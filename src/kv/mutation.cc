// Atomic operations, with FoundationDB's semantics (API version >= 510): numeric operands are
// little-endian; the existing value is zero-padded or truncated to the operand's width; for
// bit_and, min and byte_min a missing value takes the operand.
#include <algorithm>
#include <bit>
#include <cstring>

#include "tenantdb/mutation.h"

namespace tenantdb {
namespace {

std::string Resized(const std::optional<std::string>& existing, size_t width) {
  std::string v = existing.value_or(std::string());
  v.resize(width, '\0');
  return v;
}

// out += param, both little-endian of the same width; the carry out of the top byte is lost.
void AddSameWidth(std::string& out, std::string_view param) {
  size_t i = 0;
  unsigned carry = 0;
  if constexpr (std::endian::native == std::endian::little) {
    // Eight bytes at a time: a usage record is four 8-byte lanes, added on every commit.
    for (; i + 8 <= param.size(); i += 8) {
      uint64_t a = 0;
      uint64_t b = 0;
      std::memcpy(&a, out.data() + i, 8);
      std::memcpy(&b, param.data() + i, 8);
      uint64_t sum = a + b;
      unsigned next = sum < a ? 1 : 0;
      sum += carry;
      next |= (sum < carry) ? 1 : 0;
      carry = next;
      std::memcpy(out.data() + i, &sum, 8);
    }
  }
  for (; i < param.size(); ++i) {
    unsigned sum = static_cast<uint8_t>(out[i]) + static_cast<uint8_t>(param[i]) + carry;
    out[i] = static_cast<char>(sum & 0xFF);
    carry = sum >> 8;
  }
}

std::string Add(const std::optional<std::string>& existing, std::string_view param) {
  std::string out = Resized(existing, param.size());
  AddSameWidth(out, param);
  return out;
}

// Compares little-endian unsigned integers of equal width.
int CompareLittleEndian(std::string_view a, std::string_view b) {
  for (size_t i = a.size(); i-- > 0;) {
    auto x = static_cast<uint8_t>(a[i]);
    auto y = static_cast<uint8_t>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

template <typename Op>
std::string Bitwise(const std::optional<std::string>& existing, std::string_view param, Op op) {
  std::string out = Resized(existing, param.size());
  for (size_t i = 0; i < param.size(); ++i) {
    out[i] = static_cast<char>(op(static_cast<uint8_t>(out[i]), static_cast<uint8_t>(param[i])));
  }
  return out;
}

}  // namespace

std::string LittleEndian64(int64_t delta) {
  std::string out(8, '\0');
  auto u = static_cast<uint64_t>(delta);
  for (int i = 0; i < 8; ++i, u >>= 8) out[i] = static_cast<char>(u & 0xFF);
  return out;
}

std::string_view MutationTypeName(MutationType t) {
  switch (t) {
    case MutationType::kSet:
      return "set";
    case MutationType::kClear:
      return "clear";
    case MutationType::kClearRange:
      return "clear_range";
    case MutationType::kAdd:
      return "add";
    case MutationType::kBitAnd:
      return "bit_and";
    case MutationType::kBitOr:
      return "bit_or";
    case MutationType::kBitXor:
      return "bit_xor";
    case MutationType::kMax:
      return "max";
    case MutationType::kMin:
      return "min";
    case MutationType::kByteMax:
      return "byte_max";
    case MutationType::kByteMin:
      return "byte_min";
    case MutationType::kCompareAndClear:
      return "compare_and_clear";
    case MutationType::kSetVersionstampedKey:
      return "set_versionstamped_key";
    case MutationType::kSetVersionstampedValue:
      return "set_versionstamped_value";
  }
  return "unknown";
}

void ApplyAtomicOpInPlace(MutationType op, std::optional<std::string>& value,
                          std::string_view param) {
  if (op == MutationType::kAdd && value) {
    value->resize(param.size(), '\0');
    AddSameWidth(*value, param);
    return;
  }
  value = ApplyAtomicOp(op, value, param);
}

std::optional<std::string> ApplyAtomicOp(MutationType op,
                                         const std::optional<std::string>& existing,
                                         std::string_view param) {
  switch (op) {
    case MutationType::kAdd:
      return Add(existing, param);
    case MutationType::kBitAnd:
      if (!existing) return std::string(param);
      return Bitwise(existing, param, [](uint8_t a, uint8_t b) { return a & b; });
    case MutationType::kBitOr:
      return Bitwise(existing, param, [](uint8_t a, uint8_t b) { return a | b; });
    case MutationType::kBitXor:
      return Bitwise(existing, param, [](uint8_t a, uint8_t b) { return a ^ b; });
    case MutationType::kMax: {
      std::string cur = Resized(existing, param.size());
      return CompareLittleEndian(cur, param) >= 0 ? cur : std::string(param);
    }
    case MutationType::kMin: {
      if (!existing) return std::string(param);
      std::string cur = Resized(existing, param.size());
      return CompareLittleEndian(cur, param) <= 0 ? cur : std::string(param);
    }
    case MutationType::kByteMax:
      if (!existing) return std::string(param);
      return std::max(*existing, std::string(param));
    case MutationType::kByteMin:
      if (!existing) return std::string(param);
      return std::min(*existing, std::string(param));
    case MutationType::kCompareAndClear:
      if (existing && *existing == param) return std::nullopt;
      return existing;
    default:
      return existing;
  }
}

}  // namespace tenantdb
