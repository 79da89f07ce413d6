#include "kv/engine/resolver.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

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
//
// How it prunes: whole passes every 97 versions, or (`prune_step` > 0) a pass started every 97
// versions and walked `prune_step` boundaries per version, interleaved with the writes.
// `wide_after`: write ranges over more boundaries go to the resolver's map of wide ranges.
void CheckAgainstBruteForce(const std::vector<std::string>& keys, int hot_share,
                            size_t wide_after = Resolver::kWideAfter, size_t prune_step = 0) {
  std::mt19937_64 rng(tenantdb::testing::TestSeed());
  auto key = [&] { return keys[rng() % keys.size()]; };
  Resolver r(wide_after);
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
    // Reads are at most 50 versions old, so forgetting versions <= v - 50 changes no outcome.
    if (prune_step > 0) {
      if (v % 97 == 0) r.StartPrune();
      r.PruneSome(v - 50, prune_step);
    } else if (v % 97 == 0) {
      Version horizon = v - 50;
      r.Prune(horizon);
      std::erase_if(model, [&](const auto& m) { return m.first <= horizon; });
    }
    std::string rb = key(), re = key();
    if (rb > re) std::swap(rb, re);
    // Down to the horizon itself.
    Version rv = std::max<Version>(0, v - static_cast<Version>(rng() % 51));
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

// Many keys, so write ranges cover many boundaries: with `wide_after` 2 most ranges go to the map
// of wide ranges while the point writes inside them stay in the main map.
std::vector<std::string> ManyKeys() {
  std::vector<std::string> keys = {"", "\xff", "\xff\xff"};
  for (int i = 0; i < 40; ++i) keys.push_back(fmt::format("k{:02}", i));
  return keys;
}

TEST(ResolverTest, WideRangesMatchBruteForceModel) {
  CheckAgainstBruteForce(ManyKeys(), 30, /*wide_after=*/2);
  CheckAgainstBruteForce(ManyKeys(), 0, /*wide_after=*/0);  // every range wide
}

TEST(ResolverTest, PruningInStepsMatchesBruteForceModel) {
  CheckAgainstBruteForce(ManyKeys(), 30, Resolver::kWideAfter, /*prune_step=*/1);
  CheckAgainstBruteForce(ManyKeys(), 30, /*wide_after=*/3, /*prune_step=*/2);
}

// 1000 point writes, "p0000".."p0999", at versions 1..1000.
void WritePoints(Resolver& r) {
  for (int i = 0; i < 1000; ++i) {
    std::string k = fmt::format("p{:04}", i);
    r.Record(i + 1, {{k, k + std::string(1, '\0')}});
  }
}

TEST(ResolverTest, ARangeOverManyBoundariesLeavesThemAndStillConflicts) {
  Resolver r(/*wide_after=*/100);
  WritePoints(r);
  const size_t points = r.size();
  ASSERT_EQ(points, 2001u);  // "" and each key's two edges
  // Over 100 boundaries: kept in place; the range is two boundaries in the wide map.
  r.Record(2000, {{"p0100", "p0500"}});
  EXPECT_EQ(r.size(), points + 2);
  EXPECT_EQ(r.wide_size(), 2u);
  EXPECT_TRUE(r.ConflictsWith(1500, {"p0200", "p0201"}));
  EXPECT_TRUE(r.ConflictsAt(1500, {"p0499\xff"}));
  EXPECT_TRUE(r.ConflictsAt(1500, {"p0100"}));
  EXPECT_FALSE(r.ConflictsAt(1500, {"p0500"}));
  EXPECT_FALSE(r.ConflictsWith(1500, {"p0500", "p0999"}));
  EXPECT_FALSE(r.ConflictsWith(1500, {"a", "p0100"}));
  EXPECT_TRUE(r.ConflictsAt(998, {"p0998"}));  // the point writes outside it still count
  EXPECT_FALSE(r.ConflictsAt(2000, {"p0200"}));
  // At most 100 boundaries: erased, as a narrow write always is.
  r.Record(2001, {{"p0600", "p0640"}});
  EXPECT_EQ(r.size(), points + 2 - 79);  // 80 boundaries inside, 1 left at the range's start
  EXPECT_EQ(r.wide_size(), 2u);
  EXPECT_TRUE(r.ConflictsWith(2000, {"p0620", "p0621"}));
  // A wide range over older wide ranges replaces them.
  r.Record(2002, {{"p0000", "p0999"}});
  EXPECT_EQ(r.wide_size(), 2u);
  EXPECT_TRUE(r.ConflictsAt(2001, {"p0300"}));
  // Pruning forgets them all: nothing written after 2002 remains.
  r.Prune(2002);
  EXPECT_EQ(r.size(), 1u);
  EXPECT_FALSE(r.ConflictsWith(2002, {"", "\xff"}));
}

TEST(ResolverTest, PruningInStepsWalksABoundedPartAndEndsWhereAWholePassDoes) {
  Resolver whole(/*wide_after=*/10), steps(/*wide_after=*/10);
  for (Resolver* r : {&whole, &steps}) {
    WritePoints(*r);
    r->Record(1001, {{"p0500", "p0600"}});  // wide: 200 boundaries inside
    r->Record(1002, {{"p0700", "p0800"}});
  }
  whole.Prune(1001);
  EXPECT_FALSE(whole.pruning());
  EXPECT_EQ(whole.size(), 3u);  // "", and the wide map's 1002 range
  steps.StartPrune();
  size_t calls = 0;
  while (steps.pruning()) {
    const size_t before = steps.size();
    steps.PruneSome(1001, 16);
    // Each step merges at most the 16 boundaries it walks.
    EXPECT_GE(steps.size() + 16, before);
    ++calls;
    ASSERT_LT(calls, 1000u);
  }
  // 2000 + 2 + 4 boundaries, 16 at a time: one call per 16 at least.
  EXPECT_GE(calls, 2006u / 16);
  EXPECT_EQ(steps.size(), whole.size());
  for (Version rv : {1000, 1001, 1002}) {
    for (const char* k : {"p0000", "p0550", "p0750", "p0999"}) {
      EXPECT_EQ(steps.ConflictsAt(rv, {k}), whole.ConflictsAt(rv, {k})) << k << " at " << rv;
    }
  }
  EXPECT_TRUE(steps.ConflictsAt(1001, {"p0750"}));
  // A pass over boundaries rewritten while it runs: each step resumes at its key, and what was
  // written after the horizon stays.
  Resolver r;
  WritePoints(r);
  r.StartPrune();
  std::set<std::string> rewritten;
  for (int i = 0; r.pruning(); ++i) {
    ASSERT_LT(i, 10'000);
    std::string k = fmt::format("p{:04}", (i * 37) % 1000);
    r.Record(2000 + i, {{k, k + std::string(1, '\0')}});
    rewritten.insert(k);
    r.PruneSome(1999, 3);
  }
  EXPECT_EQ(r.size(), 1 + 2 * rewritten.size());
  for (const std::string& k : rewritten) EXPECT_TRUE(r.ConflictsAt(1999, {k})) << k;
  r.Prune(1999 + 10'000);
  EXPECT_EQ(r.size(), 1u);
}

TEST(ResolverTest, BoundariesUnderAWideRangeAreForgottenInStepsAndReadsStayExact) {
  Resolver r(/*wide_after=*/100);
  WritePoints(r);
  r.Record(2000, {{"p0100", "p0900"}});  // wide: 1,600 boundaries inside
  std::string p500 = "p0500";
  r.Record(2001, {{p500, p500 + std::string(1, '\0')}});  // written after it, inside it
  ASSERT_EQ(r.size(), 2003u);
  ASSERT_TRUE(r.pending());
  ASSERT_FALSE(r.pruning());
  // Horizon 0: nothing is forgotten for its age, only what the wide range dominates.
  int calls = 0;
  while (r.pending()) {
    r.PruneSome(0, 64);
    ASSERT_LT(++calls, 1000);
  }
  EXPECT_GE(calls, 1600 / 64);
  // The region keeps only the write made after the wide range (its 2 edges).
  EXPECT_EQ(r.size(), 2003u - 1600 + 2);
  EXPECT_TRUE(r.ConflictsAt(1999, {"p0300"}));
  EXPECT_FALSE(r.ConflictsAt(2000, {"p0300"}));
  EXPECT_TRUE(r.ConflictsAt(2000, {p500}));
  EXPECT_FALSE(r.ConflictsWith(2001, {"p0100", "p0900"}));
  EXPECT_TRUE(r.ConflictsAt(950, {"p0950"}));  // outside: untouched
  EXPECT_TRUE(r.ConflictsAt(50, {"p0050"}));

  // A covered step reaching past the wide range's end keeps its version there.
  Resolver s(/*wide_after=*/4);
  s.Record(5, {{"q", "r"}});  // one step over every key starting with "q"
  for (int i = 0; i < 10; ++i) {
    std::string k = fmt::format("p{:04}", i);
    s.Record(10 + i, {{k, k + std::string(1, '\0')}});
  }
  s.Record(100, {{"p", "qm"}});  // wide, ending inside the "q" step
  for (int i = 0; s.pending(); ++i) {
    ASSERT_LT(i, 1000);
    s.PruneSome(0, 3);
  }
  EXPECT_TRUE(s.ConflictsAt(4, {"qz"}));
  EXPECT_TRUE(s.ConflictsAt(99, {"q"}));
  EXPECT_FALSE(s.ConflictsAt(100, {"qa"}));
  EXPECT_FALSE(s.ConflictsWith(5, {"qm", "r"}));
}

TEST(ResolverTest, ForgettingUnderAWideRangeResumesWhereItStopped) {
  // The region starts with 300 boundaries written after the wide range: with a budget of 1 per
  // step, forgetting must resume past them rather than walk them again each time.
  Resolver r(/*wide_after=*/10);
  WritePoints(r);
  r.Record(2000, {{"p0000", "p0999"}});
  for (int i = 0; i < 150; ++i) {
    std::string k = fmt::format("p{:04}", i);
    r.Record(2001, {{k, k + std::string(1, '\0')}});
  }
  int calls = 0;
  while (r.pending()) {
    r.PruneSome(0, 1);
    ASSERT_LT(++calls, 2 * 2000 + 10) << "forgetting does not progress";
  }
  EXPECT_EQ(r.size(), 1u + 2 * 150 + 2 + 2);  // "", the rewritten keys, p0999, the wide range
  EXPECT_TRUE(r.ConflictsAt(2000, {"p0149"}));
  EXPECT_FALSE(r.ConflictsAt(2000, {"p0150"}));
  EXPECT_TRUE(r.ConflictsAt(1999, {"p0150"}));
}

TEST(ResolverTest, WritesInTheSameCommitAsAWideRangeAreForgottenUnderIt) {
  // A commit that clears a range and sets keys in it: the sets (recorded after the clear, at the
  // same version) are dominated by the clear's wide range.
  Resolver r(/*wide_after=*/10);
  WritePoints(r);
  r.Record(2000, {{"p0000", "p0999"}});
  for (int i = 0; i < 100; ++i) {
    std::string k = fmt::format("p{:04}", i * 3);
    r.Record(2000, {{k, k + std::string(1, '\0')}});
  }
  for (int i = 0; r.pending(); ++i) {
    ASSERT_LT(i, 1000);
    r.PruneSome(0, 64);
  }
  EXPECT_EQ(r.size(), 1u + 2 + 2);  // "", p0999 and its edge, the wide range
  EXPECT_TRUE(r.ConflictsAt(1999, {"p0297"}));
  EXPECT_FALSE(r.ConflictsAt(2000, {"p0297"}));
}

// Random histories: keys around the edges ("", 0x00, 0xff), ranges wide from 0 to 5 boundaries
// on, passes started, walked in random steps or whole, with a horizon that grows between them;
// every read, at versions down to the newest horizon, against the brute-force model.
TEST(ResolverTest, RandomOperationMixesMatchBruteForceModel) {
  using namespace std::string_literals;
  const uint64_t seed = tenantdb::testing::TestSeed();
  for (int round = 0; round < 40 * tenantdb::testing::TestScale(); ++round) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(round));
    std::vector<std::string> keys = {"", "\x00"s, "\x00\x00"s, "\xff", "\xff\xff"};
    for (int i = 0; i < 20; ++i) {
      std::string k;
      for (int j = static_cast<int>(rng() % 3); j > 0; --j) k.push_back("ab\x00\xff"[rng() % 4]);
      keys.push_back(k);
      keys.push_back("k" + std::to_string(rng() % 50));
    }
    auto key = [&] { return keys[rng() % keys.size()]; };
    auto range = [&](bool point) {
      std::string b = key(), e = key();
      if (point) e = b + "\x00"s;
      if (b > e) std::swap(b, e);
      return KeyRange{b, e};
    };
    Resolver r(/*wide_after=*/rng() % 6);
    std::vector<std::pair<Version, KeyRange>> model;
    Version newest_horizon = 0;
    const Version lag = 1 + static_cast<Version>(rng() % 20);
    for (Version v = 1; v <= 300; ++v) {
      for (int w = static_cast<int>(rng() % 3); w > 0; --w) {
        KeyRange kr = range(rng() % 3 == 0);
        r.Record(v, {kr});
        model.push_back({v, kr});
      }
      const Version horizon = v - lag;
      switch (rng() % 10) {
        case 0:
          r.StartPrune();
          break;
        case 9:
          r.Prune(horizon);
          newest_horizon = std::max(newest_horizon, horizon);
          break;
        default:
          r.PruneSome(horizon, 1 + rng() % 4);
          newest_horizon = std::max(newest_horizon, horizon);
      }
      for (int q = 0; q < 10; ++q) {
        const bool point = rng() % 2 == 0;
        KeyRange read = range(point);
        Version rv = std::max<Version>(
            0, newest_horizon +
                   static_cast<Version>(rng() % static_cast<uint64_t>(v - newest_horizon + 1)));
        bool expected = false;
        for (const auto& [mv, w] : model) {
          expected = expected || (mv > rv && w.begin < read.end && read.begin < w.end &&
                                  w.begin < w.end && read.begin < read.end);
        }
        bool got = point ? r.ConflictsAt(rv, {read.begin}) : r.ConflictsWith(rv, read);
        ASSERT_EQ(got, expected) << "round " << round << " version " << v << " read ["
                                 << Printable(read.begin) << ", " << Printable(read.end) << ") at "
                                 << rv << (point ? " (point)" : "");
      }
    }
    r.Prune(1000);
    EXPECT_EQ(r.size(), 1u) << "round " << round;
    EXPECT_FALSE(r.pending());
  }
}

}  // namespace
}  // namespace tenantdb::kv
