// Random tuples for property tests and the fuzz driver (test-only, header-only so it stays out of
// the tenantdb_tuple library). Values are drawn from small alphabets and edge cases, so that two
// random tuples often share prefixes and every ordering rule gets exercised.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "tenantdb/tuple.h"

namespace tenantdb::tuple_testing {

class RandomTupleGenerator {
 public:
  explicit RandomTupleGenerator(uint64_t seed) : rng_(seed) {}

  std::mt19937_64& rng() { return rng_; }
  uint64_t Uniform(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }

  // A tuple of up to max_size elements, nested up to max_depth levels.
  Tuple NewTuple(int max_depth = 3, size_t max_size = 5) {
    Tuple t;
    size_t n = Uniform(max_size + 1);
    for (size_t i = 0; i < n; ++i) t.Append(NewElement(max_depth));
    return t;
  }

  TupleElement NewElement(int max_depth) {
    switch (Uniform(max_depth > 0 ? 11 : 10)) {
      case 0:
        return nullptr;
      case 1:
        return Bytes{NewString()};
      case 2:
        return NewString();
      case 3:
      case 4:
        return NewInteger();
      case 5:
        return std::bit_cast<float>(static_cast<uint32_t>(NewFloatBits(32)));
      case 6:
        return std::bit_cast<double>(NewFloatBits(64));
      case 7:
        return Uniform(2) == 0;
      case 8: {
        Uuid uuid;
        for (uint8_t& b : uuid.bytes) b = Pick<uint8_t>({0x00, 0x01, 0x7f, 0x80, 0xff});
        return uuid;
      }
      case 9: {
        auto user = static_cast<uint16_t>(Pick<int>({0, 1, 0xff, 0x100, 0xffff}));
        if (Uniform(3) == 0) return Versionstamp::Incomplete(user);
        Versionstamp::TrVersion tr;
        for (uint8_t& b : tr) b = Pick<uint8_t>({0x00, 0x01, 0xfe, 0xff});
        return Versionstamp::Complete(tr, user);
      }
      default:
        return NewTuple(max_depth - 1, 3);
    }
  }

  // Bytes from a small alphabet that includes 0x00 (escaped), 0xff and a UTF-8 sequence.
  std::string NewString() {
    static constexpr const char* kPieces[] = {"\x00", "\x01", "a", "b", "\xff", "\xc3\xa9"};
    std::string s;
    size_t n = Uniform(5);
    for (size_t i = 0; i < n; ++i) {
      const char* piece = kPieces[Uniform(6)];
      s += piece[0] == '\0' ? std::string(1, '\0') : std::string(piece);
    }
    return s;
  }

  TupleElement NewInteger() {
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    switch (Uniform(4)) {
      case 0:
        return Pick<int64_t>(
            {0, 1, -1, 255, 256, -255, -256, 65535, -65536, kMin, kMin + 1, kMax, kMax - 1});
      case 1:
        return Pick<uint64_t>(
            {uint64_t{1} << 63, (uint64_t{1} << 63) + 1, std::numeric_limits<uint64_t>::max()});
      default: {
        // A random magnitude of random bit length, then a random sign.
        int bits = static_cast<int>(Uniform(64));
        uint64_t v = bits == 0 ? 0 : rng_() >> (64 - bits);
        if (Uniform(2) == 0) return static_cast<int64_t>(v);
        return -static_cast<int64_t>(v);
      }
    }
  }

  // IEEE bits: edge cases (zeros, infinities, NaNs of both signs, extremes) or random.
  uint64_t NewFloatBits(int width) {
    const uint64_t sign = Uniform(2) == 0 ? 0 : uint64_t{1} << (width - 1);
    const uint64_t exp_mask = width == 32 ? 0x7f800000u : 0x7ff0000000000000u;
    const uint64_t frac_mask = width == 32 ? 0x007fffffu : 0x000fffffffffffffu;
    switch (Uniform(6)) {
      case 0:
        return sign;  // +-0.0
      case 1:
        return sign | exp_mask;  // +-inf
      case 2:
        return sign | exp_mask | ((rng_() & frac_mask) | 1);  // NaN, any payload
      case 3:
        return sign | Pick<uint64_t>({1, frac_mask, exp_mask - 1});  // denormals, max finite
      default: {
        uint64_t bits = rng_();
        return width == 32 ? bits & 0xffffffffu : bits;
      }
    }
  }

 private:
  template <typename T>
  T Pick(std::initializer_list<T> values) {
    return *(values.begin() + Uniform(values.size()));
  }

  std::mt19937_64 rng_;
};

}  // namespace tenantdb::tuple_testing
