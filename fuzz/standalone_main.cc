// Runs the fuzz target without libFuzzer, as a seeded ctest smoke test (TENANTDB_SEED=<seed>
// reproduces a run): random valid encodings, mutations of them (bit flips, truncation, byte
// insertion and deletion, splices) and random bytes, about 20,000 inputs times TestScale().
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tenantdb/tuple.h"
#include "testing/testing.h"
#include "tuple/random_tuple.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace tenantdb {
namespace {

void FuzzOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Mutate(std::string s, tuple_testing::RandomTupleGenerator& gen) {
  static constexpr uint8_t kInteresting[] = {0x00, 0xff, 0x01, 0x02, 0x05, 0x0c, 0x13,
                                             0x14, 0x15, 0x1c, 0x20, 0x21, 0x33, 0x80};
  int mutations = 1 + static_cast<int>(gen.Uniform(4));
  for (int m = 0; m < mutations; ++m) {
    size_t pos = s.empty() ? 0 : gen.Uniform(s.size());
    switch (gen.Uniform(5)) {
      case 0:
        if (!s.empty()) s[pos] = static_cast<char>(s[pos] ^ (1 << gen.Uniform(8)));
        break;
      case 1:
        s.resize(gen.Uniform(s.size() + 1));
        break;
      case 2:
        s.insert(pos, 1, static_cast<char>(kInteresting[gen.Uniform(sizeof(kInteresting))]));
        break;
      case 3:
        if (!s.empty()) s.erase(pos, 1);
        break;
      default:
        s.insert(pos, gen.NewTuple(2, 2).Pack());
        break;
    }
  }
  return s;
}

TEST(TupleUnpackFuzzSmoke, RandomAndMutatedInputs) {
  tuple_testing::RandomTupleGenerator gen(testing::TestSeed());
  const int n = 20000 * testing::TestScale();
  for (int i = 0; i < n; ++i) {
    switch (i % 4) {
      case 0:
        FuzzOne(gen.NewTuple().Pack());
        break;
      case 1:
      case 2:
        FuzzOne(Mutate(gen.NewTuple().Pack(), gen));
        break;
      default: {
        std::string random(gen.Uniform(24), '\0');
        for (char& c : random) c = static_cast<char>(gen.Uniform(256));
        FuzzOne(random);
        break;
      }
    }
  }
}

}  // namespace
}  // namespace tenantdb
