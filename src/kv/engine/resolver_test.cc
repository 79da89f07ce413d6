#include "kv/engine/resolver.h"

#include <gtest/gtest.h>

#include <random>

#include "common/printable.h"
#include "testing/testing.h"

namespace tenantdb::kv {
namespace {

TEST(ResolverTest, PointAndRangeConflicts) {
  Resolver r;
  r.Record(10, {{"b", std::string("b\0", 2)}});
  EXPECT_TRUE(r.Conflicts(5, {{"b", std::string("b\0", 2)}}));
  EXPECT_FALSE(r.Conflicts(10, {{"b", std::string("b\0", 2)}}));  // committed at or before rv
  EXPECT_TRUE(r.Conflicts(9, {{"a", "c"}}));                      // range covering a write
  EXPECT_FALSE(r.Conflicts(9, {{"c", "z"}}));
  EXPECT_FALSE(r.Conflicts(9, {{"a", "b"}}));  // end is exclusive
  EXPECT_FALSE(r.Conflicts(9, {{"c", "a"}}));  // empty range reads nothing
}

TEST(ResolverTest, NewerWriteOverwritesOlderInsideAndKeepsOutside) {
  Resolver r;
  r.Record(10, {{"a", "z"}});
  r.Record(20, {{"m", "n"}});
  EXPECT_TRUE(r.Conflicts(15, {{"m", "m\x01"}}));
  EXPECT_FALSE(r.Conflicts(15, {{"a", "m"}}));
  EXPECT_FALSE(r.Conflicts(15, {{"n", "z"}}));
  EXPECT_TRUE(r.Conflicts(9, {{"n", "o"}}));  // the 10 write still covers [n, z)
  EXPECT_FALSE(r.Conflicts(9, {{"z", "zz"}}));
}

TEST(ResolverTest, PruneForgetsOnlyOldVersions) {
  Resolver r;
  for (int i = 0; i < 100; ++i) {
    std::string k = "k" + std::to_string(i);
    r.Record(i + 1, {{k, k + std::string(1, '\0')}});
  }
  size_t before = r.size();
  r.Prune(50);
  EXPECT_LT(r.size(), before);
  EXPECT_TRUE(r.Conflicts(60, {{"k70", "k71"}}));
  EXPECT_FALSE(r.Conflicts(60, {{"k50", "k51"}}));
}

// Against a brute-force model: a list of (version, range) writes.
// Records 2000 versions of writes (`hot_share` % of them point writes of one key, "a\x01", so
// the parts of the keyspace under other first bytes stay quiet, as the system keys do) and
// checks every read against a brute-force model of the recorded history.
void CheckAgainstBruteForce(const std::vector<std::string>& keys, int hot_share) {
  std::mt19937_64 rng(tenantdb::testing::TestSeed());
  auto key = [&] { return keys[rng() % keys.size()]; };
  Resolver r;
  std::vector<std::pair<Version, KeyRange>> model;
  for (Version v = 1; v <= 2000; ++v) {
    std::string b = key(), e = key();
    if (b > e) std::swap(b, e);
    if (static_cast<int>(rng() % 100) < hot_share) {
      b = "a\x01";
      e = std::string("a\x01\x00", 3);
    }
    r.Record(v, {{b, e}});
    model.push_back({v, {b, e}});
    if (v % 97 == 0) {
      Version horizon = v - 50;
      r.Prune(horizon);
      std::erase_if(model, [&](const auto& m) { return m.first <= horizon; });
    }
    std::string rb = key(), re = key();
    if (rb > re) std::swap(rb, re);
    Version rv = std::max<Version>(0, v - static_cast<Version>(rng() % 40));
    bool expected = false;
    for (const auto& [mv, mr] : model) {
      if (mv > rv && rb < re && mr.begin < re && rb < mr.end && mr.begin < mr.end) expected = true;
    }
    ASSERT_EQ(r.Conflicts(rv, {{rb, re}}), expected)
        << "version " << v << " read [" << Printable(rb) << ", " << Printable(re) << ") at " << rv;
    // A point read of `rb`: the range [rb, rb + "\0").
    std::string point_end = rb + std::string(1, '\0');
    bool point_expected = false;
    for (const auto& [mv, mr] : model) {
      if (mv > rv && mr.begin < point_end && rb < mr.end && mr.begin < mr.end)
        point_expected = true;
    }
    ASSERT_EQ(r.ConflictsAt(rv, {rb}), point_expected)
        << "version " << v << " point read " << Printable(rb) << " at " << rv;
  }
}

TEST(ResolverTest, MatchesBruteForceModel) {
  // Keys on both sides of the split between user and system keys ("\xff"), and at it.
  CheckAgainstBruteForce(
      {"", "a", "b", "c", "d", "e", "f", "\xfe", "\xfe\xff", "\xff", std::string("\xff\x00", 2),
       "\xff\x01", "\xff\x02", "\xff\xff", "\xff\xff\xff"},
      0);
}

TEST(ResolverTest, EmptyKeyAndOneByteEndsAreEdgesOfTheirFirstByte) {
  using namespace std::string_literals;
  Resolver r;
  r.Record(5, {{"", "\x00"s}});  // the empty key only
  EXPECT_TRUE(r.ConflictsWith(4, {"", "\x00\x00"s}));
  EXPECT_FALSE(r.ConflictsWith(4, {"\x00"s, "\x00\x01"s}));
  r.Record(6, {{"a", "b"}});  // every key starting with 'a', none starting with 'b'
  EXPECT_TRUE(r.ConflictsWith(5, {"a\xff", "a\xff\xff"}));
  EXPECT_FALSE(r.ConflictsWith(5, {"b", "b\x00"s}));
  r.Record(7, {{"c", "d\x00"s}});  // and the key "d"
  EXPECT_TRUE(r.ConflictsWith(6, {"d", "d\x00"s}));
  EXPECT_FALSE(r.ConflictsWith(6, {"d\x00"s, "d\x01"}));
  // The same as point reads.
  EXPECT_TRUE(r.ConflictsAt(4, {""}));
  EXPECT_FALSE(r.ConflictsAt(4, {"\x00"s}));
  EXPECT_TRUE(r.ConflictsAt(5, {"b", "a\xff"}));
  EXPECT_FALSE(r.ConflictsAt(5, {"b"}));
  EXPECT_TRUE(r.ConflictsAt(6, {"d"}));
  EXPECT_FALSE(r.ConflictsAt(6, {"d\x00"s, "e"}));
  EXPECT_FALSE(r.ConflictsAt(7, {"", "a", "d"}));
}

TEST(ResolverTest, QuietFirstBytesMatchBruteForceModel) {
  // Mostly writes of one key, so reads elsewhere are decided by the newest version under
  // their first byte; ends of one byte, and the empty key, are the edges of that summary.
  using namespace std::string_literals;
  CheckAgainstBruteForce({"", "\x00"s, "\x00\x00"s, "\x01", "a", "a\x00"s, "a\x01", "a\xff", "b",
                          "b\x00"s, "\xfe", "\xff", "\xff\x00"s, "\xff\xff"},
                         85);
}

}  // namespace
}  // namespace tenantdb::kv
