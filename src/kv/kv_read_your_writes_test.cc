// Read-your-writes: every read of a transaction reflects its own earlier writes, in key order,
// merged with the database as of its read version. Deterministic cases, then a seeded model
// test that checks every read of random transactions against a std::map.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Keys;
using testing::LE32;
using testing::LE64;

class KvReadYourWritesTest : public testing::KvTest {
 protected:
  void SetUp() override {
    testing::KvTest::SetUp();
    // Committed base data the transactions below build on without having read it.
    TDB_ASSERT_OK(PutAll({{"a", "A"}, {"c", "C"}, {"e", "E"}, {"g", "G"}, {"n", LE64(5)}}));
  }
};

TEST_P(KvReadYourWritesTest, GetSeesSetsAndClears) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("b", "B1"));
  TDB_ASSERT_OK(tr.Set("a", "A1"));
  TDB_ASSERT_OK(tr.Clear("c"));
  TDB_ASSERT_OK_AND_ASSIGN(auto a, tr.Get("a"));
  EXPECT_EQ(a, std::optional<std::string>("A1"));
  TDB_ASSERT_OK_AND_ASSIGN(auto b, tr.Get("b"));
  EXPECT_EQ(b, std::optional<std::string>("B1"));
  TDB_ASSERT_OK_AND_ASSIGN(auto c, tr.Get("c"));
  EXPECT_EQ(c, std::nullopt);
  TDB_ASSERT_OK_AND_ASSIGN(auto e, tr.Get("e", Snapshot::kYes));
  EXPECT_EQ(e, std::optional<std::string>("E"));
  TDB_ASSERT_OK(tr.Set("c", "C2"));  // set after clear
  TDB_ASSERT_OK_AND_ASSIGN(c, tr.Get("c", Snapshot::kYes));
  EXPECT_EQ(c, std::optional<std::string>("C2")) << "snapshot reads see own writes too";
}

TEST_P(KvReadYourWritesTest, RangesMergeWritesWithTheDatabaseInKeyOrder) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("d", "D"));
  TDB_ASSERT_OK(tr.Set("0", "zero"));
  TDB_ASSERT_OK(tr.Clear("e"));
  TDB_ASSERT_OK(tr.Set("a", "A1"));
  TDB_ASSERT_OK_AND_ASSIGN(auto fwd, tr.GetRange("", "\xff"));
  EXPECT_THAT(Keys(fwd.kvs), ElementsAre("0", "a", "c", "d", "g", "n"));
  EXPECT_EQ(fwd.kvs[1].value, "A1");
  TDB_ASSERT_OK_AND_ASSIGN(auto rev, tr.GetRange("", "\xff", {.reverse = Reverse::kYes}));
  EXPECT_THAT(Keys(rev.kvs), ElementsAre("n", "g", "d", "c", "a", "0"));

  TDB_ASSERT_OK_AND_ASSIGN(auto lim, tr.GetRange("b", "z", {.limit = 2}));
  EXPECT_THAT(Keys(lim.kvs), ElementsAre("c", "d"));
  EXPECT_TRUE(lim.more);
  TDB_ASSERT_OK_AND_ASSIGN(auto rlim,
                           tr.GetRange("a", "h", {.limit = 3, .reverse = Reverse::kYes}));
  EXPECT_THAT(Keys(rlim.kvs), ElementsAre("g", "d", "c")) << "the cleared e is not counted";
  EXPECT_TRUE(rlim.more);
}

TEST_P(KvReadYourWritesTest, ClearRangeOverSetsAndSetsAfterClearRange) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("b", "B"));
  TDB_ASSERT_OK(tr.Set("d", "D"));
  TDB_ASSERT_OK(tr.ClearRange("b", "f"));  // clears own b, d and the database's c, e
  TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("", "\xff"));
  EXPECT_THAT(Keys(r.kvs), ElementsAre("a", "g", "n"));
  TDB_ASSERT_OK(tr.Set("c", "C2"));  // set after clear_range
  TDB_ASSERT_OK_AND_ASSIGN(auto r2, tr.GetRange("b", "f"));
  EXPECT_THAT(Keys(r2.kvs), ElementsAre("c"));
  EXPECT_EQ(r2.kvs[0].value, "C2");
  TDB_ASSERT_OK_AND_ASSIGN(auto e, tr.Get("e"));
  EXPECT_EQ(e, std::nullopt);
  TDB_ASSERT_OK(tr.Commit());

  TDB_ASSERT_OK_AND_ASSIGN(auto after, ReadAll());
  EXPECT_THAT(Keys(after), ElementsAre("a", "c", "g", "n"));
}

TEST_P(KvReadYourWritesTest, AtomicOpsOnUnreadValuesAreVisible) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Add("n", 3));  // base LE64(5), never read by this transaction
  TDB_ASSERT_OK_AND_ASSIGN(auto n, tr.Get("n"));
  EXPECT_EQ(n, std::optional<std::string>(LE64(8)));
  TDB_ASSERT_OK(tr.Add("n", 1));
  TDB_ASSERT_OK_AND_ASSIGN(n, tr.Get("n"));
  EXPECT_EQ(n, std::optional<std::string>(LE64(9)));

  TDB_ASSERT_OK(tr.Atomic(MutationType::kMax, "missing", LE32(7)));  // absent base
  TDB_ASSERT_OK(tr.Atomic(MutationType::kByteMin, "a", "0"));        // "0" < "A"
  TDB_ASSERT_OK(tr.Atomic(MutationType::kCompareAndClear, "g", "G"));
  TDB_ASSERT_OK(tr.Clear("c"));
  TDB_ASSERT_OK(tr.Atomic(MutationType::kBitOr, "c", "\x01"));  // atomic after clear
  TDB_ASSERT_OK_AND_ASSIGN(auto range, tr.GetRange("", "\xff"));
  ASSERT_THAT(Keys(range.kvs), ElementsAre("a", "c", "e", "missing", "n"));
  EXPECT_EQ(range.kvs[0].value, "0");
  EXPECT_EQ(range.kvs[1].value, "\x01");
  EXPECT_EQ(range.kvs[3].value, LE32(7));
  EXPECT_EQ(range.kvs[4].value, LE64(9));
  TDB_ASSERT_OK_AND_ASSIGN(auto key, tr.GetKey(KeySelector::FirstGreaterThan("e")));
  EXPECT_EQ(key, "missing") << "g was compare_and_cleared";
  TDB_ASSERT_OK(tr.Commit());

  TDB_ASSERT_OK_AND_ASSIGN(auto after, ReadAll());
  EXPECT_EQ(after, range.kvs);
}

TEST_P(KvReadYourWritesTest, GetKeySeesWritesAndClears) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("b", "B"));
  TDB_ASSERT_OK(tr.Clear("c"));
  TDB_ASSERT_OK(tr.ClearRange("e", "h"));
  using KS = KeySelector;
  TDB_ASSERT_OK_AND_ASSIGN(auto k1, tr.GetKey(KS::FirstGreaterThan("a")));
  EXPECT_EQ(k1, "b");
  TDB_ASSERT_OK_AND_ASSIGN(auto k2, tr.GetKey(KS::FirstGreaterThan("b")));
  EXPECT_EQ(k2, "n");
  TDB_ASSERT_OK_AND_ASSIGN(auto k3, tr.GetKey(KS::LastLessThan("n")));
  EXPECT_EQ(k3, "b");
  TDB_ASSERT_OK_AND_ASSIGN(auto k4, tr.GetKey(KS::FirstGreaterOrEqual("a") + 2));
  EXPECT_EQ(k4, "n");
  TDB_ASSERT_OK_AND_ASSIGN(auto k5, tr.GetKey(KS::LastLessOrEqual("n") - 2));
  EXPECT_EQ(k5, "a");
  TDB_ASSERT_OK_AND_ASSIGN(auto k6, tr.GetKey(KS::FirstGreaterOrEqual("a") + 3));
  EXPECT_EQ(k6, "\xff");
}

// Reads see the writes made since the previous read, and a reset transaction sees only its
// new writes, however many the first use had made before its last read.
TEST_P(KvReadYourWritesTest, ReadsAfterMoreWritesAndAfterReset) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("b", "B"));
  TDB_ASSERT_OK(tr.Set("d", "D"));
  TDB_ASSERT_OK(tr.Set("f", "F"));
  TDB_ASSERT_OK_AND_ASSIGN(auto b, tr.Get("b"));
  EXPECT_EQ(b, std::optional<std::string>("B"));
  TDB_ASSERT_OK(tr.Clear("b"));
  TDB_ASSERT_OK(tr.Add("n", 2));
  TDB_ASSERT_OK_AND_ASSIGN(auto cleared, tr.Get("b"));
  EXPECT_EQ(cleared, std::nullopt);
  TDB_ASSERT_OK_AND_ASSIGN(auto n, tr.Get("n"));
  EXPECT_EQ(n, std::optional<std::string>(LE64(7)));

  // Versionstamped writes are not readable by the transaction; the writes after them are.
  TDB_ASSERT_OK(tr.SetVersionstampedValue("c", "pre" + std::string(10, '\0') + LE32(3)));
  TDB_ASSERT_OK(tr.SetVersionstampedKey("v" + std::string(10, '\0') + LE32(1), "V"));
  TDB_ASSERT_OK(tr.Set("d", "D2"));
  TDB_ASSERT_OK_AND_ASSIGN(auto c, tr.Get("c"));
  EXPECT_EQ(c, std::optional<std::string>("C")) << "the stored value, not the stamped one";
  TDB_ASSERT_OK_AND_ASSIGN(auto d2, tr.Get("d"));
  EXPECT_EQ(d2, std::optional<std::string>("D2"));
  TDB_ASSERT_OK_AND_ASSIGN(RangeResult uv, tr.GetRange("u", "w"));
  EXPECT_THAT(uv.kvs, IsEmpty()) << "no stamped key";

  tr.Reset();
  TDB_ASSERT_OK(tr.Set("x", "X"));
  TDB_ASSERT_OK_AND_ASSIGN(auto x, tr.Get("x"));
  EXPECT_EQ(x, std::optional<std::string>("X"));
  TDB_ASSERT_OK_AND_ASSIGN(auto d, tr.Get("d"));
  EXPECT_EQ(d, std::nullopt);  // the first use's write is gone
  TDB_ASSERT_OK_AND_ASSIGN(RangeResult r, tr.GetRange("a", "z"));
  EXPECT_THAT(Keys(r.kvs), ElementsAre("a", "c", "e", "g", "n", "x"));
}

// A seeded model test: random writes and reads in one transaction, each read compared with a
// std::map that applies the same writes; after commit the database must equal the model.
class RywModel {
 public:
  explicit RywModel(uint64_t seed) : rng_(seed) {}

  std::string RandomKey() { return fmt::format("k{:02}", rng_() % 40); }
  // A probe: a key, something between keys, or the edges.
  std::string RandomProbe() {
    switch (rng_() % 8) {
      case 0:
        return "";
      case 1:
        return "k";
      case 2:
        return RandomKey() + "m";
      case 3:
        return "l";
      default:
        return RandomKey();
    }
  }
  std::string RandomValue() {
    std::string v(rng_() % 6, '\0');
    for (auto& c : v) c = static_cast<char>(rng_() % 4 == 0 ? rng_() % 256 : 'a' + rng_() % 26);
    return v;
  }
  std::string RandomOperand(MutationType op) {
    static const size_t kWidths[] = {1, 2, 4, 8};
    size_t n = op == MutationType::kByteMax || op == MutationType::kByteMin ||
                       op == MutationType::kCompareAndClear
                   ? rng_() % 4
                   : kWidths[rng_() % 4];
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng_() % 3 == 0 ? 0xff : rng_() % 256);
    return s;
  }
  KeySelector RandomSelector() {
    KeySelector s{RandomProbe(), rng_() % 2 == 0, static_cast<int>(rng_() % 7) - 3};
    return s;
  }
  std::pair<std::string, std::string> RandomRange() {
    std::string a = RandomProbe(), b = RandomProbe();
    if (b.empty() && rng_() % 2 == 0) b = "\xff";
    if (a > b) std::swap(a, b);
    return {a, b};
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

std::vector<KeyValue> ModelRange(const std::map<std::string, std::string>& model,
                                 std::string_view begin, std::string_view end, int limit,
                                 Reverse reverse, bool* more) {
  std::vector<KeyValue> all;
  if (begin < end) {
    for (auto it = model.lower_bound(std::string(begin)); it != model.end() && it->first < end;
         ++it) {
      all.push_back({it->first, it->second});
    }
  }
  if (reverse == Reverse::kYes) std::reverse(all.begin(), all.end());
  *more = limit > 0 && static_cast<int>(all.size()) > limit;
  if (*more) all.resize(static_cast<size_t>(limit));
  return all;
}

TEST_P(KvReadYourWritesTest, RandomTransactionsMatchAModel) {
  const uint64_t seed = testing::TestSeed();
  RywModel gen(seed);
  std::map<std::string, std::string> committed;
  TDB_ASSERT_OK_AND_ASSIGN(auto base, ReadAll());
  for (const auto& kv : base) committed[kv.key] = kv.value;

  const int transactions = 60 * testing::TestScale();
  const int ops_per_transaction = 150;
  for (int t = 0; t < transactions; ++t) {
    std::map<std::string, std::string> model = committed;
    Transaction tr = db().CreateTransaction();
    std::deque<std::string> log;  // the recent operations, for a failure message
    auto note = [&](std::string s) {
      log.push_back(std::move(s));
      if (log.size() > 30) log.pop_front();
    };
    auto history = [&] {
      std::string h = fmt::format("seed {} transaction {}; recent operations:\n", seed, t);
      for (const auto& s : log) h += "  " + s + "\n";
      return h;
    };
    for (int i = 0; i < ops_per_transaction; ++i) {
      const Snapshot snapshot = gen.rng()() % 2 == 0 ? Snapshot::kYes : Snapshot::kNo;
      const int pick = static_cast<int>(gen.rng()() % 100);
      if (pick < 22) {
        std::string k = gen.RandomKey(), v = gen.RandomValue();
        note(fmt::format("set {} = {}", k, Escape(v)));
        TDB_ASSERT_OK(tr.Set(k, v));
        model[k] = v;
      } else if (pick < 30) {
        std::string k = gen.RandomKey();
        note(fmt::format("clear {}", k));
        TDB_ASSERT_OK(tr.Clear(k));
        model.erase(k);
      } else if (pick < 34) {
        auto [b, e] = gen.RandomRange();
        note(fmt::format("clear_range [{}, {})", Escape(b), Escape(e)));
        TDB_ASSERT_OK(tr.ClearRange(b, e));
        model.erase(model.lower_bound(b), model.lower_bound(e));
      } else if (pick < 50) {
        MutationType op = testing::AllAtomicOps()[gen.rng()() % testing::AllAtomicOps().size()];
        std::string k = gen.RandomKey(), p = gen.RandomOperand(op);
        note(fmt::format("{} {} {}", MutationTypeName(op), k, Escape(p)));
        TDB_ASSERT_OK(tr.Atomic(op, k, p));
        auto it = model.find(k);
        std::optional<std::string> existing;
        if (it != model.end()) existing = it->second;
        auto result = testing::ReferenceAtomic(op, existing, p);
        if (result) {
          model[k] = *result;
        } else {
          model.erase(k);
        }
      } else if (pick < 62) {
        std::string k = gen.RandomKey();
        note(fmt::format("get {}", k));
        TDB_ASSERT_OK_AND_ASSIGN(auto got, tr.Get(k, snapshot));
        auto it = model.find(k);
        std::optional<std::string> want;
        if (it != model.end()) want = it->second;
        ASSERT_EQ(got, want) << history();
      } else if (pick < 72) {
        KeySelector sel = gen.RandomSelector();
        note(fmt::format("get_key {}", ::testing::PrintToString(sel)));
        TDB_ASSERT_OK_AND_ASSIGN(auto got, tr.GetKey(sel, snapshot));
        ASSERT_EQ(Escape(got), Escape(testing::ResolveInModel(model, sel))) << history();
      } else if (pick < 88) {
        auto [b, e] = gen.RandomRange();
        int limit = static_cast<int>(gen.rng()() % 6);
        Reverse reverse = gen.rng()() % 2 == 0 ? Reverse::kYes : Reverse::kNo;
        note(fmt::format("get_range [{}, {}) limit {} reverse {}", Escape(b), Escape(e), limit,
                         reverse == Reverse::kYes));
        TDB_ASSERT_OK_AND_ASSIGN(
            auto got,
            tr.GetRange(b, e, {.limit = limit, .reverse = reverse, .snapshot = snapshot}));
        bool more = false;
        auto want = ModelRange(model, b, e, limit, reverse, &more);
        ASSERT_EQ(got.kvs, want) << history();
        ASSERT_EQ(got.more, more) << history();
      } else {
        KeySelector bs = gen.RandomSelector(), es = gen.RandomSelector();
        int limit = static_cast<int>(gen.rng()() % 6);
        Reverse reverse = gen.rng()() % 2 == 0 ? Reverse::kYes : Reverse::kNo;
        note(fmt::format("get_range {} .. {} limit {} reverse {}", ::testing::PrintToString(bs),
                         ::testing::PrintToString(es), limit, reverse == Reverse::kYes));
        TDB_ASSERT_OK_AND_ASSIGN(
            auto got,
            tr.GetRange(bs, es, {.limit = limit, .reverse = reverse, .snapshot = snapshot}));
        bool more = false;
        auto want = ModelRange(model, testing::ResolveInModel(model, bs),
                               testing::ResolveInModel(model, es), limit, reverse, &more);
        ASSERT_EQ(got.kvs, want) << history();
        ASSERT_EQ(got.more, more) << history();
      }
    }
    if (gen.rng()() % 5 == 0) {
      tr.Reset();  // abandoned: nothing of it may reach the database
    } else {
      Status commit = tr.Commit();
      ASSERT_TRUE(commit.ok()) << commit.ToString() << "\n" << history();
      committed = model;
    }
    TDB_ASSERT_OK_AND_ASSIGN(auto stored, ReadAll());
    std::vector<KeyValue> want;
    for (const auto& [k, v] : committed) want.push_back({k, v});
    ASSERT_EQ(stored, want) << "after " << history();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, KvReadYourWritesTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
