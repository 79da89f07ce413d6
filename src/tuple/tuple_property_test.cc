// Seeded property tests over random tuples (reproduce a failure with TENANTDB_SEED=<seed>):
//   - Unpack(Pack(t)) == t, element types included;
//   - Compare(a, b) orders like the packed bytes;
//   - every prefix and every bit flip of a valid encoding either fails with kInvalidTuple or
//     decodes to a tuple that packs back to exactly those bytes (Unpack is strict).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tenantdb/tuple.h"
#include "testing/testing.h"
#include "tuple/random_tuple.h"

namespace tenantdb {
namespace {

using tuple_testing::RandomTupleGenerator;

int Sign(int c) { return (c > 0) - (c < 0); }

// Checks exact element types recursively (operator== treats int64_t and uint64_t alike).
void ExpectSameShape(const Tuple& a, const Tuple& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].index(), b[i].index()) << "element " << i;
    if (const auto* nested = std::get_if<Tuple>(&a[i])) {
      ExpectSameShape(*nested, std::get<Tuple>(b[i]));
    }
  }
}

// The contract Unpack keeps on arbitrary bytes.
void ExpectStrictDecode(const std::string& bytes) {
  Result<Tuple> r = Tuple::Unpack(bytes);
  if (r.ok()) {
    EXPECT_EQ(r->Pack(), bytes) << r->ToString();
  } else {
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidTuple);
    EXPECT_NE(r.status().message().find("byte "), std::string::npos) << r.status().message();
  }
}

// A tuple that shares a prefix with `a` and then differs a little, so comparisons reach deep.
Tuple Neighbour(const Tuple& a, RandomTupleGenerator& gen) {
  Tuple b;
  size_t keep = a.empty() ? 0 : gen.Uniform(a.size() + 1);
  for (size_t i = 0; i < keep; ++i) b.Append(a[i]);
  if (gen.Uniform(2) == 0) {
    b.Append(gen.NewElement(2));
  } else if (keep < a.size()) {
    const TupleElement& e = a[keep];
    if (const auto* nested = std::get_if<Tuple>(&e)) b.Append(Neighbour(*nested, gen));
  }
  return b;
}

TEST(TuplePropertyTest, RoundTrips) {
  RandomTupleGenerator gen(testing::TestSeed());
  const int n = 20000 * testing::TestScale();
  for (int i = 0; i < n; ++i) {
    Tuple t = gen.NewTuple();
    std::string packed = t.Pack();
    Result<Tuple> r = Tuple::Unpack(packed);
    ASSERT_TRUE(r.ok()) << t.ToString() << ": " << r.status().ToString();
    ASSERT_EQ(*r, t) << t.ToString() << " came back as " << r->ToString();
    ExpectSameShape(*r, t);
    ASSERT_EQ(r->Pack(), packed);
  }
}

TEST(TuplePropertyTest, CompareMatchesByteOrder) {
  RandomTupleGenerator gen(testing::TestSeed() + 1);
  const int n = 20000 * testing::TestScale();
  for (int i = 0; i < n; ++i) {
    Tuple a = gen.NewTuple();
    Tuple b = gen.Uniform(4) == 0 ? gen.NewTuple() : Neighbour(a, gen);
    int semantic = Sign(Compare(a, b));
    int bytes = Sign(a.Pack().compare(b.Pack()));
    ASSERT_EQ(semantic, bytes) << a.ToString() << " vs " << b.ToString();
    ASSERT_EQ(Sign(Compare(b, a)), -semantic);
  }
}

TEST(TuplePropertyTest, SortedTuplesHaveSortedKeys) {
  RandomTupleGenerator gen(testing::TestSeed() + 2);
  std::vector<Tuple> tuples;
  for (int i = 0; i < 2000 * testing::TestScale(); ++i) {
    tuples.push_back(i % 2 == 0 || tuples.empty() ? gen.NewTuple(2, 3)
                                                  : Neighbour(tuples[gen.Uniform(i)], gen));
  }
  std::sort(tuples.begin(), tuples.end(), [](const Tuple& a, const Tuple& b) { return a < b; });
  for (size_t i = 0; i + 1 < tuples.size(); ++i) {
    std::string a = tuples[i].Pack();
    std::string b = tuples[i + 1].Pack();
    ASSERT_LE(a, b) << tuples[i].ToString() << " vs " << tuples[i + 1].ToString();
    ASSERT_EQ(a == b, tuples[i] == tuples[i + 1]);
  }
}

TEST(TuplePropertyTest, EveryPrefixIsRefusedOrCanonical) {
  RandomTupleGenerator gen(testing::TestSeed() + 3);
  for (int i = 0; i < 2000 * testing::TestScale(); ++i) {
    std::string packed = gen.NewTuple().Pack();
    for (size_t len = 0; len < packed.size(); ++len) ExpectStrictDecode(packed.substr(0, len));
  }
}

TEST(TuplePropertyTest, BitFlipsAreRefusedOrCanonical) {
  RandomTupleGenerator gen(testing::TestSeed() + 4);
  for (int i = 0; i < 20000 * testing::TestScale(); ++i) {
    std::string packed = gen.NewTuple().Pack();
    if (packed.empty()) continue;
    int flips = 1 + static_cast<int>(gen.Uniform(3));
    for (int f = 0; f < flips; ++f) {
      size_t bit = gen.Uniform(packed.size() * 8);
      packed[bit / 8] = static_cast<char>(packed[bit / 8] ^ (1 << (bit % 8)));
    }
    ExpectStrictDecode(packed);
  }
}

}  // namespace
}  // namespace tenantdb
