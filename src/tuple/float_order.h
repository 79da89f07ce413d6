// IEEE floats as unsigned integers that sort in IEEE total order: the transformation the tuple
// encoding applies before writing a float big-endian (flip every bit of a negative number, only
// the sign bit of a positive one). Internal to the tuple layer.
#pragma once

#include <bit>
#include <cstdint>

namespace tenantdb::tuple_internal {

inline uint32_t OrderedBits(float f) {
  uint32_t bits = std::bit_cast<uint32_t>(f);
  return (bits & 0x80000000u) ? ~bits : bits ^ 0x80000000u;
}

inline uint64_t OrderedBits(double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits & 0x8000000000000000u) ? ~bits : bits ^ 0x8000000000000000u;
}

inline float FloatFromOrderedBits(uint32_t ordered) {
  return std::bit_cast<float>((ordered & 0x80000000u) ? ordered ^ 0x80000000u : ~ordered);
}

inline double DoubleFromOrderedBits(uint64_t ordered) {
  return std::bit_cast<double>((ordered & 0x8000000000000000u) ? ordered ^ 0x8000000000000000u
                                                               : ~ordered);
}

}  // namespace tenantdb::tuple_internal
