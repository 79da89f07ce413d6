// Atomic operations (FoundationDB's semantics): every kind through a transaction, chained
// within one, checked against a bytewise reference on random operands, and refused for
// non-atomic mutation types.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using ::testing::IsEmpty;
using testing::LE;
using testing::LE32;
using testing::LE64;

class KvAtomicTest : public testing::KvTest {};

// One atomic operation applied by a committed transaction to a committed value.
struct AtomicCase {
  MutationType op;
  std::optional<std::string> existing;
  std::string param;
  std::optional<std::string> want;
};

TEST_P(KvAtomicTest, EveryAtomicOpAsFoundationDB) {
  using M = MutationType;
  const std::optional<std::string> missing;
  const std::vector<AtomicCase> cases = {
      // add: little-endian, wrapping, at the operand's width; missing acts as zero.
      {M::kAdd, missing, LE64(5), LE64(5)},
      {M::kAdd, LE64(5), LE64(7), LE64(12)},
      {M::kAdd, LE64(~uint64_t{0}), LE64(1), LE64(0)},
      {M::kAdd, LE64(10), LE64(static_cast<uint64_t>(-3)), LE64(7)},
      {M::kAdd, std::string("\xff"), std::string("\x01"), std::string("\x00", 1)},
      {M::kAdd, std::string("\xff\x00", 2), std::string("\x01\x00", 2), std::string("\x00\x01", 2)},
      {M::kAdd, LE(1, 2), LE32(2), LE32(3)},              // shorter value: zero-extended
      {M::kAdd, LE64(0x100000001ull), LE32(1), LE32(2)},  // longer value: truncated
      // bit_and: missing acts as the operand.
      {M::kBitAnd, missing, std::string("\x0f\xf0"), std::string("\x0f\xf0")},
      {M::kBitAnd, std::string("\xff\x0f"), std::string("\x0f\xff"), std::string("\x0f\x0f")},
      {M::kBitAnd, std::string("\xff"), std::string("\xff\xff"), std::string("\xff\x00", 2)},
      {M::kBitAnd, std::string("\xff\xff\xff"), std::string("\x0f"), std::string("\x0f")},
      // bit_or, bit_xor.
      {M::kBitOr, missing, std::string("\x01"), std::string("\x01")},
      {M::kBitOr, std::string("\x01\x02"), std::string("\x10\x20"), std::string("\x11\x22")},
      {M::kBitOr, std::string("\x01"), std::string("\x10\x20"), std::string("\x11\x20")},
      {M::kBitOr, std::string("\x01\x02\x03"), std::string("\x10"), std::string("\x11")},
      {M::kBitXor, missing, std::string("\x0f"), std::string("\x0f")},
      {M::kBitXor, std::string("\xff\x00", 2), std::string("\x0f\x0f"), std::string("\xf0\x0f")},
      {M::kBitXor, std::string("\xff"), std::string("\x0f\x0f"), std::string("\xf0\x0f")},
      {M::kBitXor, std::string("\x0f"), std::string("\x0f"), std::string("\x00", 1)},
      // max/min: little-endian unsigned at the operand's width.
      {M::kMax, missing, LE32(5), LE32(5)},
      {M::kMax, LE32(5), LE32(7), LE32(7)},
      {M::kMax, LE32(7), LE32(5), LE32(7)},
      {M::kMax, LE32(256), LE32(255), LE32(256)},  // not a bytewise comparison
      {M::kMax, LE64(1ull << 40), LE32(3), LE32(3)},
      {M::kMax, std::string("\x05"), LE32(4), LE32(5)},
      {M::kMin, missing, LE32(5), LE32(5)},
      {M::kMin, LE32(5), LE32(7), LE32(5)},
      {M::kMin, LE32(7), LE32(5), LE32(5)},
      {M::kMin, LE32(256), LE32(255), LE32(255)},
      {M::kMin, std::string("\x05"), LE32(4), LE32(4)},
      {M::kMin, std::string("\x05"), LE32(6), LE32(5)},
      {M::kMin, LE64(1ull << 40), LE32(3), LE32(0)},
      // byte_max/byte_min: lexicographic; a missing value acts as the operand.
      {M::kByteMax, missing, "abc", "abc"},
      {M::kByteMax, std::string("abc"), "abd", "abd"},
      {M::kByteMax, std::string("b"), "abc", "b"},
      {M::kByteMax, std::string("ab"), "abc", "abc"},
      {M::kByteMax, std::string("\x80"), "\x7f", "\x80"},  // bytes are unsigned
      {M::kByteMin, missing, "abc", "abc"},
      {M::kByteMin, std::string("abc"), "abd", "abc"},
      {M::kByteMin, std::string("abc"), "ab", "ab"},
      {M::kByteMin, std::string("\x80"), "\x7f", "\x7f"},
      // compare_and_clear.
      {M::kCompareAndClear, std::string("x"), "x", missing},
      {M::kCompareAndClear, std::string("x"), "y", std::string("x")},
      {M::kCompareAndClear, missing, "x", missing},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const AtomicCase& c = cases[i];
    const std::string key = fmt::format("atomic/{:03}", i);
    if (c.existing) {
      TDB_ASSERT_OK(Put(key, *c.existing));
    }
    TDB_ASSERT_OK(RunTx([&](Transaction& tr) { return tr.Atomic(c.op, key, c.param); }));
    TDB_ASSERT_OK_AND_ASSIGN(auto got, Read(key));
    const std::string what =
        fmt::format("case {}: {}({}, {})", i, MutationTypeName(c.op),
                    c.existing ? Escape(*c.existing) : "<missing>", Escape(c.param));
    ASSERT_EQ(got.has_value(), c.want.has_value()) << what;
    if (got) {
      EXPECT_EQ(Escape(*got), Escape(*c.want)) << what;
    }
    // The reference model agrees with the table, so the random tests can rely on it.
    auto ref = testing::ReferenceAtomic(c.op, c.existing, c.param);
    EXPECT_EQ(ref, c.want) << "reference model, " << what;
  }
}

TEST_P(KvAtomicTest, AtomicOpsChainWithinATransaction) {
  TDB_ASSERT_OK(RunTx([](Transaction& tr) {
    TDB_RETURN_IF_ERROR(tr.Add("n", 5));
    TDB_RETURN_IF_ERROR(tr.Add("n", -2));
    TDB_RETURN_IF_ERROR(tr.Set("s", LE64(40)));
    TDB_RETURN_IF_ERROR(tr.Add("s", 2));
    TDB_RETURN_IF_ERROR(tr.Add("t", 2));
    TDB_RETURN_IF_ERROR(tr.Set("t", "set wins"));
    TDB_RETURN_IF_ERROR(tr.Atomic(MutationType::kMax, "m", LE32(3)));
    TDB_RETURN_IF_ERROR(tr.Atomic(MutationType::kMax, "m", LE32(9)));
    return tr.Atomic(MutationType::kMax, "m", LE32(4));
  }));
  TDB_ASSERT_OK_AND_ASSIGN(auto n, Read("n"));
  EXPECT_EQ(n, std::optional<std::string>(LE64(3)));
  TDB_ASSERT_OK_AND_ASSIGN(auto s, Read("s"));
  EXPECT_EQ(s, std::optional<std::string>(LE64(42)));
  TDB_ASSERT_OK_AND_ASSIGN(auto t, Read("t"));
  EXPECT_EQ(t, std::optional<std::string>("set wins"));
  TDB_ASSERT_OK_AND_ASSIGN(auto m, Read("m"));
  EXPECT_EQ(m, std::optional<std::string>(LE32(9)));
}

TEST(ApplyAtomicOpTest, MatchesReferenceOnRandomOperands) {
  std::mt19937_64 rng(testing::TestSeed());
  auto random_bytes = [&](size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) {
      // Mostly extreme bytes so carries and comparisons are exercised.
      int pick = static_cast<int>(rng() % 4);
      c = static_cast<char>(pick == 0 ? 0 : pick == 1 ? 0xff : static_cast<int>(rng() % 256));
    }
    return s;
  };
  for (int i = 0; i < 20'000 * testing::TestScale(); ++i) {
    MutationType op = testing::AllAtomicOps()[rng() % testing::AllAtomicOps().size()];
    std::optional<std::string> existing;
    // Widths past 8 bytes take the word-at-a-time add, with carries across words.
    if (rng() % 5 != 0) existing = random_bytes(rng() % 44);
    std::string param = random_bytes(1 + rng() % 40);
    if (existing && rng() % 4 == 0) {
      // The complement of the existing value, plus one or not: a carry runs across every
      // byte (and every 8-byte word) of the operand's width.
      for (size_t j = 0; j < param.size(); ++j) {
        param[j] = static_cast<char>(j < existing->size() ? ~(*existing)[j] : 0xff);
      }
      if (rng() % 2 == 0) param[0] = static_cast<char>(static_cast<uint8_t>(param[0]) + 1);
    }
    auto want = testing::ReferenceAtomic(op, existing, param);
    auto got = ApplyAtomicOp(op, existing, param);
    ASSERT_EQ(got, want) << MutationTypeName(op) << "("
                         << (existing ? Escape(*existing) : "<missing>") << ", " << Escape(param)
                         << ") gave " << (got ? Escape(*got) : "<cleared>") << ", want "
                         << (want ? Escape(*want) : "<cleared>");
    std::optional<std::string> in_place = existing;
    ApplyAtomicOpInPlace(op, in_place, param);
    ASSERT_EQ(in_place, want) << MutationTypeName(op) << " in place";
  }
}

TEST(MutationTypeTest, NamesAndAtomicity) {
  EXPECT_EQ(MutationTypeName(MutationType::kAdd), "add");
  EXPECT_EQ(MutationTypeName(MutationType::kCompareAndClear), "compare_and_clear");
  EXPECT_EQ(MutationTypeName(MutationType::kByteMin), "byte_min");
  EXPECT_TRUE(IsAtomicOp(MutationType::kAdd));
  EXPECT_TRUE(IsAtomicOp(MutationType::kCompareAndClear));
  EXPECT_FALSE(IsAtomicOp(MutationType::kSet));
  EXPECT_FALSE(IsAtomicOp(MutationType::kSetVersionstampedKey));
}

TEST_P(KvAtomicTest, AtomicRefusesNonAtomicMutationTypes) {
  Transaction tr = db().CreateTransaction();
  EXPECT_FALSE(tr.Atomic(MutationType::kSet, "k", "v").ok());
  EXPECT_FALSE(tr.Atomic(MutationType::kClearRange, "k", "z").ok());
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_THAT(all, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Engines, KvAtomicTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
