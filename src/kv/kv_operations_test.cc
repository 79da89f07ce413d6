// The kv operations through the public API, on every engine: point and range reads and
// writes, key selectors, versionstamps, versions and the system keyspace (atomic operations:
// kv_atomic_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using ::testing::ElementsAre;
using testing::EngineKind;
using testing::FromBE;
using ::testing::IsEmpty;
using testing::Keys;
using testing::LE;
using testing::LE32;
using testing::LE64;

class KvOperationsTest : public testing::KvTest {};

TEST_P(KvOperationsTest, SetGetClearRoundTrip) {
  const std::string binary_key("a\0b", 3);
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("a", "1"));
  TDB_ASSERT_OK(tr.Set(binary_key, "binary"));
  TDB_ASSERT_OK(tr.Set("empty", ""));
  TDB_ASSERT_OK(tr.Commit());

  TDB_ASSERT_OK_AND_ASSIGN(auto a, Read("a"));
  EXPECT_EQ(a, std::optional<std::string>("1"));
  TDB_ASSERT_OK_AND_ASSIGN(auto b, Read(binary_key));
  EXPECT_EQ(b, std::optional<std::string>("binary"));
  TDB_ASSERT_OK_AND_ASSIGN(auto empty, Read("empty"));
  EXPECT_EQ(empty, std::optional<std::string>(""));  // present with an empty value
  TDB_ASSERT_OK_AND_ASSIGN(auto missing, Read("a\x01"));
  EXPECT_EQ(missing, std::nullopt);

  TDB_ASSERT_OK(Put("a", "2"));
  TDB_ASSERT_OK_AND_ASSIGN(a, Read("a"));
  EXPECT_EQ(a, std::optional<std::string>("2"));

  TDB_ASSERT_OK(RunTx([](Transaction& t) { return t.Clear("a"); }));
  TDB_ASSERT_OK_AND_ASSIGN(a, Read("a"));
  EXPECT_EQ(a, std::nullopt);
  TDB_ASSERT_OK_AND_ASSIGN(b, Read(binary_key));
  EXPECT_EQ(b, std::optional<std::string>("binary"));  // "a\0b" is not "a"
}

TEST_P(KvOperationsTest, ClearRangeClearsHalfOpenRange) {
  TDB_ASSERT_OK(PutAll({{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}));
  TDB_ASSERT_OK(RunTx([](Transaction& tr) { return tr.ClearRange("b", "d"); }));
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("a", "d"));

  TDB_ASSERT_OK(RunTx([](Transaction& tr) { return tr.ClearRange("a", "a"); }));
  TDB_ASSERT_OK_AND_ASSIGN(all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("a", "d"));  // an empty range clears nothing

  Transaction tr = db().CreateTransaction();
  TDB_EXPECT_ERROR(tr.ClearRange("d", "a"), ErrorCode::kInvertedRange);
  TDB_ASSERT_OK_AND_ASSIGN(auto a, tr.Get("a"));
  EXPECT_EQ(a, std::optional<std::string>("1"));  // the failed call changed nothing
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("a", "d"));
}

TEST_P(KvOperationsTest, ReopenKeepsDataOnlyOnDisk) {
  TDB_ASSERT_OK(Put("durable", "yes"));
  Close();
  Open();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, Read("durable"));
  if (GetParam() == EngineKind::kFile) {
    EXPECT_EQ(v, std::optional<std::string>("yes"));
  } else {
    EXPECT_EQ(v, std::nullopt) << "memory: is a fresh empty store each time it is opened";
  }
}

class KvRangeTest : public KvOperationsTest {
 protected:
  void SetUp() override {
    KvOperationsTest::SetUp();
    std::map<std::string, std::string> kvs;
    for (int i = 0; i < 10; ++i) kvs[fmt::format("k{}", i)] = fmt::format("v{}", i);
    TDB_ASSERT_OK(PutAll(kvs));
  }
};

TEST_P(KvRangeTest, ForwardAndReverseWithLimits) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto all, tr.GetRange("k2", "k7"));
  EXPECT_THAT(Keys(all.kvs), ElementsAre("k2", "k3", "k4", "k5", "k6"));
  EXPECT_EQ(all.kvs[0].value, "v2");
  EXPECT_FALSE(all.more);

  TDB_ASSERT_OK_AND_ASSIGN(auto rev, tr.GetRange("k2", "k7", {.reverse = Reverse::kYes}));
  EXPECT_THAT(Keys(rev.kvs), ElementsAre("k6", "k5", "k4", "k3", "k2"));
  EXPECT_FALSE(rev.more);

  TDB_ASSERT_OK_AND_ASSIGN(auto first3, tr.GetRange("k2", "k7", {.limit = 3}));
  EXPECT_THAT(Keys(first3.kvs), ElementsAre("k2", "k3", "k4"));
  EXPECT_TRUE(first3.more);

  TDB_ASSERT_OK_AND_ASSIGN(auto last3,
                           tr.GetRange("k2", "k7", {.limit = 3, .reverse = Reverse::kYes}));
  EXPECT_THAT(Keys(last3.kvs), ElementsAre("k6", "k5", "k4"));
  EXPECT_TRUE(last3.more);

  TDB_ASSERT_OK_AND_ASSIGN(auto exact, tr.GetRange("k2", "k7", {.limit = 5}));
  EXPECT_EQ(exact.kvs.size(), 5u);
  EXPECT_FALSE(exact.more) << "the range holds exactly `limit` pairs: nothing more";

  TDB_ASSERT_OK_AND_ASSIGN(auto generous, tr.GetRange("k2", "k7", {.limit = 100}));
  EXPECT_EQ(generous.kvs.size(), 5u);
  EXPECT_FALSE(generous.more);

  TDB_ASSERT_OK_AND_ASSIGN(auto everything, tr.GetRange("", "\xff"));
  EXPECT_EQ(everything.kvs.size(), 10u);
}

TEST_P(KvRangeTest, EmptyAndInvertedRanges) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto same, tr.GetRange("k3", "k3"));
  EXPECT_THAT(same.kvs, IsEmpty());
  EXPECT_FALSE(same.more);
  TDB_ASSERT_OK_AND_ASSIGN(auto gap, tr.GetRange("a", "b"));
  EXPECT_THAT(gap.kvs, IsEmpty());
  TDB_ASSERT_OK_AND_ASSIGN(auto between, tr.GetRange("k3\x01", "k4"));
  EXPECT_THAT(between.kvs, IsEmpty());
  TDB_ASSERT_OK_AND_ASSIGN(auto after, tr.GetRange("l", "\xff", {.limit = 1}));
  EXPECT_THAT(after.kvs, IsEmpty());
  EXPECT_FALSE(after.more);

  TDB_EXPECT_ERROR(tr.GetRange("k7", "k2"), ErrorCode::kInvertedRange);
  TDB_EXPECT_ERROR(tr.GetRange("k7", "k2", {.reverse = Reverse::kYes}), ErrorCode::kInvertedRange);
}

TEST_P(KvRangeTest, TargetBytesReturnsAtLeastOnePairAndStopsOnceReached) {
  Transaction tr = db().CreateTransaction();
  for (Reverse reverse : {Reverse::kNo, Reverse::kYes}) {
    TDB_ASSERT_OK_AND_ASSIGN(auto one,
                             tr.GetRange("k0", "k9", {.target_bytes = 1, .reverse = reverse}));
    ASSERT_EQ(one.kvs.size(), 1u);
    EXPECT_EQ(one.kvs[0].key, reverse == Reverse::kYes ? "k8" : "k0");
    EXPECT_TRUE(one.more);

    // Every pair here is 4 bytes ("kN" + "vN"): the read stops at the pair that reaches the
    // target.
    for (int64_t target = 1; target <= 40; ++target) {
      TDB_ASSERT_OK_AND_ASSIGN(
          auto r, tr.GetRange("k0", "k9", {.target_bytes = target, .reverse = reverse}));
      size_t want = std::min<size_t>(9, static_cast<size_t>((target + 3) / 4));
      EXPECT_EQ(r.kvs.size(), want) << "target_bytes " << target;
      EXPECT_EQ(r.more, want < 9) << "target_bytes " << target;
    }
    // limit and target_bytes together: whichever stops first.
    TDB_ASSERT_OK_AND_ASSIGN(
        auto both, tr.GetRange("k0", "k9", {.limit = 2, .target_bytes = 100, .reverse = reverse}));
    EXPECT_EQ(both.kvs.size(), 2u);
    EXPECT_TRUE(both.more);
  }
}

TEST_P(KvRangeTest, RangeReadsAreOneSnapshot) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto before, tr.Get("k1"));
  TDB_ASSERT_OK(Put("k1", "changed"));
  TDB_ASSERT_OK(Put("k15", "new"));
  TDB_ASSERT_OK_AND_ASSIGN(auto again, tr.Get("k1"));
  EXPECT_EQ(again, before);
  TDB_ASSERT_OK_AND_ASSIGN(auto range, tr.GetRange("k1", "k2"));
  EXPECT_THAT(Keys(range.kvs), ElementsAre("k1")) << "k15 committed after the read version";
  EXPECT_EQ(range.kvs[0].value, "v1");
}

// Keys b, d, f, h, so every selector has keys between and around it.
class KvSelectorTest : public KvOperationsTest {
 protected:
  void SetUp() override {
    KvOperationsTest::SetUp();
    TDB_ASSERT_OK(PutAll({{"b", "B"}, {"d", "D"}, {"f", "F"}, {"h", "H"}}));
  }
};

TEST_P(KvSelectorTest, GetKeyResolvesSelectorsWithOffsets) {
  using KS = KeySelector;
  const std::vector<std::pair<KeySelector, std::string>> cases = {
      {KS::FirstGreaterOrEqual("d"), "d"},
      {KS::FirstGreaterOrEqual("c"), "d"},
      {KS::FirstGreaterOrEqual(""), "b"},
      {KS::FirstGreaterThan("d"), "f"},
      {KS::FirstGreaterThan("c"), "d"},
      {KS::LastLessThan("d"), "b"},
      {KS::LastLessThan("e"), "d"},
      {KS::LastLessOrEqual("d"), "d"},
      {KS::LastLessOrEqual("e"), "d"},
      {KS::LastLessThan("\xff"), "h"},
      {KS::LastLessOrEqual("zzz"), "h"},
      {KS::FirstGreaterOrEqual("d") + 1, "f"},
      {KS::FirstGreaterOrEqual("d") + 2, "h"},
      {KS::FirstGreaterThan("b") + 1, "f"},
      {KS::LastLessOrEqual("d") + 1, "f"},
      {KS::LastLessThan("d") + 2, "f"},
      {KS::FirstGreaterOrEqual("d") - 1, "b"},
      {KS::FirstGreaterThan("b") - 1, "b"},
      {KS::LastLessOrEqual("h") - 3, "b"},
      {KS::LastLessThan("h") - 1, "d"},
      // Clamped before the first key: "".
      {KS::FirstGreaterOrEqual("d") - 2, ""},
      {KS::LastLessOrEqual("h") - 4, ""},
      {KS::LastLessThan("b"), ""},
      {KS::LastLessOrEqual("a"), ""},
      {KS::FirstGreaterOrEqual("b") - 100, ""},
      // Clamped past the last key: "\xff".
      {KS::FirstGreaterOrEqual("d") + 3, "\xff"},
      {KS::FirstGreaterOrEqual("d") + 100, "\xff"},
      {KS::FirstGreaterThan("h"), "\xff"},
      {KS::FirstGreaterOrEqual("i"), "\xff"},
      {KS::FirstGreaterOrEqual("\xff"), "\xff"},
  };
  for (Snapshot snapshot : {Snapshot::kNo, Snapshot::kYes}) {
    Transaction tr = db().CreateTransaction();
    for (const auto& [selector, want] : cases) {
      auto got = tr.GetKey(selector, snapshot);
      ASSERT_TRUE(got.ok()) << ::testing::PrintToString(selector) << ": "
                            << got.status().ToString();
      EXPECT_EQ(Escape(*got), Escape(want)) << ::testing::PrintToString(selector);
    }
  }
}

TEST_P(KvSelectorTest, SystemAccessMovesTheEndOfKeysToFFFF) {
  Transaction sys = db().CreateTransaction({.system_access = true});
  TDB_ASSERT_OK_AND_ASSIGN(auto end, sys.GetKey(KeySelector::FirstGreaterThan("h")));
  EXPECT_EQ(Escape(end), Escape("\xff\xff"));

  TDB_ASSERT_OK(db().Run([](Transaction& tr) { return tr.Set("\xff/sys", "1"); },
                         Bounded({.system_access = true})));
  Transaction sys2 = db().CreateTransaction({.system_access = true});
  TDB_ASSERT_OK_AND_ASSIGN(auto next, sys2.GetKey(KeySelector::FirstGreaterThan("h")));
  EXPECT_EQ(Escape(next), Escape("\xff/sys"));

  Transaction user = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto clamped, user.GetKey(KeySelector::FirstGreaterThan("h")));
  EXPECT_EQ(Escape(clamped), Escape("\xff")) << "system keys are invisible to user selectors";
  TDB_ASSERT_OK_AND_ASSIGN(auto clamped2, user.GetKey(KeySelector::FirstGreaterThan("h") + 5));
  EXPECT_EQ(Escape(clamped2), Escape("\xff"));
}

TEST_P(KvSelectorTest, GetRangeWithSelectors) {
  using KS = KeySelector;
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto r1,
                           tr.GetRange(KS::FirstGreaterThan("b"), KS::FirstGreaterOrEqual("h")));
  EXPECT_THAT(Keys(r1.kvs), ElementsAre("d", "f"));

  TDB_ASSERT_OK_AND_ASSIGN(auto r2,
                           tr.GetRange(KS::FirstGreaterOrEqual("c") + 1, KS::LastLessOrEqual("h")));
  EXPECT_THAT(Keys(r2.kvs), ElementsAre("f"));

  TDB_ASSERT_OK_AND_ASSIGN(auto r3, tr.GetRange(KS::LastLessThan("a"), KS::FirstGreaterThan("h")));
  EXPECT_THAT(Keys(r3.kvs), ElementsAre("b", "d", "f", "h"));

  TDB_ASSERT_OK_AND_ASSIGN(auto r4,
                           tr.GetRange(KS::FirstGreaterOrEqual("a"), KS::FirstGreaterOrEqual("z"),
                                       {.limit = 2, .reverse = Reverse::kYes}));
  EXPECT_THAT(Keys(r4.kvs), ElementsAre("h", "f"));
  EXPECT_TRUE(r4.more);

  TDB_ASSERT_OK_AND_ASSIGN(
      auto r5, tr.GetRange(KS::FirstGreaterOrEqual("b") + 1, KS::FirstGreaterOrEqual("h") - 1));
  EXPECT_THAT(Keys(r5.kvs), ElementsAre("d"));

  // Selectors that resolve to begin >= end name an empty range (FoundationDB): not an error.
  TDB_ASSERT_OK_AND_ASSIGN(auto empty,
                           tr.GetRange(KS::FirstGreaterOrEqual("f"), KS::FirstGreaterOrEqual("c")));
  EXPECT_THAT(empty.kvs, IsEmpty());
  EXPECT_FALSE(empty.more);
}

std::string Placeholder() { return std::string(10, '\0'); }

TEST_P(KvOperationsTest, VersionstampedKeyAndValueHoldTheCommitVersionstamp) {
  Transaction tr = db().CreateTransaction();
  const std::string key_template = "vs/" + Placeholder() + "/suffix" + LE32(3);
  TDB_ASSERT_OK(tr.SetVersionstampedKey(key_template, "value"));
  const std::string value_template = "pre" + Placeholder() + "post" + LE32(3);
  TDB_ASSERT_OK(tr.SetVersionstampedValue("vsvalue", value_template));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(std::string stamp, tr.GetVersionstamp());
  TDB_ASSERT_OK_AND_ASSIGN(Version version, tr.GetCommittedVersion());
  ASSERT_EQ(stamp.size(), 10u);
  EXPECT_EQ(FromBE(stamp.substr(0, 8)), static_cast<uint64_t>(version))
      << "the first 8 bytes are the big-endian commit version";

  TDB_ASSERT_OK_AND_ASSIGN(auto keys, ReadAll("vs/", "vs0"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Escape(keys[0].key), Escape("vs/" + stamp + "/suffix"));
  EXPECT_EQ(keys[0].value, "value");
  TDB_ASSERT_OK_AND_ASSIGN(auto value, Read("vsvalue"));
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(Escape(*value), Escape("pre" + stamp + "post"));
}

TEST_P(KvOperationsTest, VersionstampsIncreaseWithCommitOrder) {
  std::vector<std::string> stamps;
  for (int i = 0; i < 5; ++i) {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK(tr.SetVersionstampedKey("log/" + Placeholder() + LE32(4), fmt::format("{}", i)));
    TDB_ASSERT_OK(tr.SetVersionstampedKey("log2/" + Placeholder() + LE32(5), "same txn"));
    TDB_ASSERT_OK(tr.Commit());
    TDB_ASSERT_OK_AND_ASSIGN(std::string stamp, tr.GetVersionstamp());
    if (!stamps.empty()) {
      EXPECT_GT(stamp, stamps.back()) << "commit " << i;
    }
    stamps.push_back(stamp);
  }
  TDB_ASSERT_OK_AND_ASSIGN(auto log, ReadAll("log/", "log0"));
  ASSERT_EQ(log.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Escape(log[i].key), Escape("log/" + stamps[i]));
    EXPECT_EQ(log[i].value, fmt::format("{}", i)) << "keys sort in commit order";
  }
  TDB_ASSERT_OK_AND_ASSIGN(auto log2, ReadAll("log2/", "log20"));
  ASSERT_EQ(log2.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Escape(log2[i].key), Escape("log2/" + stamps[i]))
        << "one transaction's versionstamped keys share its versionstamp";
  }
}

TEST_P(KvOperationsTest, MalformedVersionstampOffsetsAreRefused) {
  Transaction tr = db().CreateTransaction();
  // Placeholder would run past the end of the key (offset 3 + 10 > 8 bytes).
  EXPECT_FALSE(tr.SetVersionstampedKey("vs/short" + LE32(3), "v").ok());
  EXPECT_FALSE(tr.SetVersionstampedKey("abc", "v").ok());  // shorter than the offset itself
  EXPECT_FALSE(tr.SetVersionstampedValue("k", "short" + LE32(1)).ok());
  TDB_ASSERT_OK(tr.Set("ok", "1"));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("ok")) << "the refused calls wrote nothing";
}

TEST_P(KvOperationsTest, CommittedVersionsIncreaseAndReadVersionsFollowThem) {
  std::vector<Version> versions;
  for (int i = 0; i < 5; ++i) {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK(tr.Set("k", fmt::format("{}", i)));
    TDB_ASSERT_OK(tr.Commit());
    TDB_ASSERT_OK_AND_ASSIGN(Version v, tr.GetCommittedVersion());
    if (!versions.empty()) {
      EXPECT_GT(v, versions.back());
    }
    versions.push_back(v);
    // Strict serializability: a transaction started after a commit reads at or after it.
    Transaction next = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(Version rv, next.GetReadVersion());
    EXPECT_GE(rv, v);
    TDB_ASSERT_OK_AND_ASSIGN(auto value, next.Get("k"));
    EXPECT_EQ(value, std::optional<std::string>(fmt::format("{}", i)));
  }
  EXPECT_GE(db().CurrentVersion(), versions.back());

  // With the (manual) clock moving, versions advance about 1,000,000 per second.
  clock().Advance(2'000'000);  // microseconds
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("k", "later"));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(Version later, tr.GetCommittedVersion());
  EXPECT_GE(later - versions.back(), kVersionsPerSecond)
      << "two seconds of clock should advance versions by about 2,000,000";
}

TEST_P(KvOperationsTest, ReadVersionIsStableAndSetReadVersionReadsThePast) {
  Transaction w1 = db().CreateTransaction();
  TDB_ASSERT_OK(w1.Set("k", "old"));
  TDB_ASSERT_OK(w1.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(Version v1, w1.GetCommittedVersion());

  Transaction holder = db().CreateTransaction();  // keeps a reader at v1
  TDB_ASSERT_OK_AND_ASSIGN(Version rv, holder.GetReadVersion());
  EXPECT_EQ(rv, v1);
  TDB_ASSERT_OK_AND_ASSIGN(auto held, holder.Get("k"));

  TDB_ASSERT_OK(Put("k", "new"));
  TDB_ASSERT_OK_AND_ASSIGN(Version rv_again, holder.GetReadVersion());
  EXPECT_EQ(rv_again, rv);

  Transaction past = db().CreateTransaction();
  TDB_ASSERT_OK(past.SetReadVersion(v1));
  TDB_ASSERT_OK_AND_ASSIGN(auto old, past.Get("k"));
  EXPECT_EQ(old, std::optional<std::string>("old"));
  TDB_ASSERT_OK_AND_ASSIGN(auto now, Read("k"));
  EXPECT_EQ(now, std::optional<std::string>("new"));
}

TEST_P(KvOperationsTest, ReadOnlyCommitHasNoCommitVersion) {
  TDB_ASSERT_OK(Put("k", "v"));
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("k"));
  TDB_ASSERT_OK(tr.Commit());
  TDB_EXPECT_ERROR(tr.GetCommittedVersion(), ErrorCode::kNoCommitVersion);
  EXPECT_FALSE(tr.GetVersionstamp().ok());

  // A write conflict range alone is a write: it commits at a version.
  Transaction wc = db().CreateTransaction();
  TDB_ASSERT_OK(wc.AddWriteConflictKey("k"));
  TDB_ASSERT_OK(wc.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(Version version, wc.GetCommittedVersion());
  EXPECT_GT(version, 0);
}

TEST_P(KvOperationsTest, ResetForgetsWritesAndTransactionIsReusable) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("forgotten", "1"));
  tr.Reset();
  TDB_ASSERT_OK_AND_ASSIGN(auto gone, tr.Get("forgotten"));
  EXPECT_EQ(gone, std::nullopt);
  TDB_ASSERT_OK(tr.Set("kept", "2"));
  TDB_ASSERT_OK(tr.Commit());
  tr.Reset();
  TDB_ASSERT_OK(tr.Set("kept2", "3"));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("kept", "kept2"));
}

TEST_P(KvOperationsTest, SystemKeysNeedSystemAccess) {
  const std::string sys_key = "\xff/config";
  Transaction tr = db().CreateTransaction();
  TDB_EXPECT_ERROR(tr.Set(sys_key, "v"), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.Set("\xff", "v"), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.Get(sys_key), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.Clear(sys_key), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.Add(sys_key, 1), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.ClearRange("a", "\xff\x01"), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.GetRange("a", "\xff\x01"), ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_ERROR(tr.SetVersionstampedKey("\xff/vs" + Placeholder() + LE32(3), "v"),
                   ErrorCode::kKeyOutsideLegalRange);
  TDB_EXPECT_OK(tr.GetRange("a", "\xff"));  // "\xff" is the end of the user keyspace
  TDB_ASSERT_OK(tr.Commit());

  Transaction sys = db().CreateTransaction({.system_access = true});
  TDB_ASSERT_OK(sys.Set(sys_key, "v"));
  TDB_ASSERT_OK(sys.Set("user", "u"));
  TDB_ASSERT_OK(sys.Commit());

  Transaction user = db().CreateTransaction();
  TDB_ASSERT_OK(user.ClearRange("", "\xff"));
  TDB_ASSERT_OK(user.Commit());

  Transaction sys2 = db().CreateTransaction({.system_access = true});
  TDB_ASSERT_OK_AND_ASSIGN(auto v, sys2.Get(sys_key));
  EXPECT_EQ(v, std::optional<std::string>("v")) << "a user clear_range cannot reach system keys";
  TDB_ASSERT_OK_AND_ASSIGN(auto all, sys2.GetRange("", "\xff\xff"));
  EXPECT_THAT(Keys(all.kvs), ElementsAre(sys_key));
}

INSTANTIATE_TEST_SUITE_P(Engines, KvOperationsTest, testing::AllEngines(), testing::EngineKindName);
INSTANTIATE_TEST_SUITE_P(Engines, KvRangeTest, testing::AllEngines(), testing::EngineKindName);
INSTANTIATE_TEST_SUITE_P(Engines, KvSelectorTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
