// Watches: fire once when the watched key's value differs from what the watching transaction
// saw; never for a write of the same value; cancelled when the transaction does not commit.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using namespace std::chrono_literals;
using testing::LE64;

// Long enough that a watch that should fire does so on a loaded machine, short enough that a
// watch that must not fire costs little.
constexpr auto kFires = 10s;
constexpr auto kQuiet = 200ms;

class KvWatchTest : public testing::KvTest {
 protected:
  void SetUp() override {
    testing::KvTest::SetUp();
    TDB_ASSERT_OK(PutAll({{"w", "initial"}, {"n", LE64(1)}, {"other", "x"}}));
  }

  // A committed watch on `key`, not yet fired.
  Watch Committed(std::string_view key) {
    Transaction tr = db().CreateTransaction();
    auto w = tr.WatchKey(key);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    if (!w.ok()) return Watch();
    Status s = tr.Commit();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return *w;
  }

  template <typename Fn>
  void Commit(Fn&& fn) {
    TDB_ASSERT_OK(RunTx(std::forward<Fn>(fn)));
  }
};

TEST_P(KvWatchTest, FiresWhenAnotherTransactionChangesTheValue) {
  Watch w = Committed("w");
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut);
  EXPECT_FALSE(w.IsReady());
  Commit([](Transaction& tr) { return tr.Set("other", "y"); });  // a different key
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut);
  Commit([](Transaction& tr) { return tr.Set("w", "changed"); });
  TDB_EXPECT_OK(w.Wait(kFires));
  EXPECT_TRUE(w.IsReady());
  Watch copy = w;
  TDB_EXPECT_OK(copy.Wait(0ms)) << "copies share the state";
}

TEST_P(KvWatchTest, FiresWhenTheKeyIsCleared) {
  Watch w = Committed("w");
  Commit([](Transaction& tr) { return tr.Clear("w"); });
  TDB_EXPECT_OK(w.Wait(kFires));
}

TEST_P(KvWatchTest, FiresWhenAClearRangeCoversTheKey) {
  Watch w = Committed("w");
  Watch outside = Committed("other");
  Commit([](Transaction& tr) { return tr.ClearRange("v", "x"); });
  TDB_EXPECT_OK(w.Wait(kFires));
  TDB_EXPECT_ERROR(outside.Wait(kQuiet), ErrorCode::kTimedOut);
}

TEST_P(KvWatchTest, FiresWhenAnAtomicOpChangesTheValue) {
  Watch w = Committed("n");
  Commit([](Transaction& tr) { return tr.Add("n", 0); });  // same value: no change
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut);
  Commit([](Transaction& tr) { return tr.Add("n", 1); });
  TDB_EXPECT_OK(w.Wait(kFires));
}

TEST_P(KvWatchTest, FiresWhenAMissingKeyIsCreated) {
  Watch w = Committed("absent");
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut);
  Commit([](Transaction& tr) { return tr.Set("absent", ""); });
  TDB_EXPECT_OK(w.Wait(kFires));
}

TEST_P(KvWatchTest, DoesNotFireWhenTheSameValueIsWritten) {
  Watch w = Committed("w");
  Commit([](Transaction& tr) { return tr.Set("w", "initial"); });
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut);
  EXPECT_FALSE(w.IsReady());
  // Changed and changed back within one transaction: the value is the same.
  Commit([](Transaction& tr) {
    TDB_RETURN_IF_ERROR(tr.Set("w", "temporary"));
    return tr.Set("w", "initial");
  });
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut);
  // The watch is live: a real change fires it.
  Commit([](Transaction& tr) { return tr.Set("w", "different"); });
  TDB_EXPECT_OK(w.Wait(kFires));
}

TEST_P(KvWatchTest, WatchesFromTheValueTheTransactionSawIncludingItsOwnWrite) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("w", "mine"));
  TDB_ASSERT_OK_AND_ASSIGN(Watch w, tr.WatchKey("w"));
  TDB_ASSERT_OK(tr.Commit());
  TDB_EXPECT_ERROR(w.Wait(kQuiet), ErrorCode::kTimedOut)
      << "the committed value is the one the transaction saw";
  Commit([](Transaction& t) { return t.Set("w", "theirs"); });
  TDB_EXPECT_OK(w.Wait(kFires));
}

TEST_P(KvWatchTest, FiresPromptlyIfTheValueChangedBeforeTheCommit) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.GetReadVersion());
  TDB_ASSERT_OK_AND_ASSIGN(Watch w, tr.WatchKey("w"));  // sees "initial"
  Commit([](Transaction& t) { return t.Set("w", "changed meanwhile"); });
  TDB_ASSERT_OK(tr.Commit());
  auto start = std::chrono::steady_clock::now();
  TDB_EXPECT_OK(w.Wait(kFires));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "no further change is needed";
}

TEST_P(KvWatchTest, CancelledWhenTheTransactionDoesNotCommit) {
  {  // reset
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(Watch w, tr.WatchKey("w"));
    tr.Reset();
    TDB_EXPECT_ERROR(w.Wait(kFires), ErrorCode::kWatchCancelled);
    EXPECT_TRUE(w.IsReady());
  }
  {  // destroyed without committing
    Watch w;
    {
      Transaction tr = db().CreateTransaction();
      TDB_ASSERT_OK_AND_ASSIGN(w, tr.WatchKey("w"));
    }
    TDB_EXPECT_ERROR(w.Wait(kFires), ErrorCode::kWatchCancelled);
  }
  {  // commit failed with a conflict
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("other"));
    TDB_ASSERT_OK(tr.Set("other", "mine"));
    TDB_ASSERT_OK_AND_ASSIGN(Watch w, tr.WatchKey("w"));
    Commit([](Transaction& t) { return t.Set("other", "theirs"); });
    TDB_ASSERT_ERROR(tr.Commit(), ErrorCode::kNotCommitted);
    Commit([](Transaction& t) { return t.Set("w", "changed"); });
    TDB_EXPECT_ERROR(w.Wait(kFires), ErrorCode::kWatchCancelled);
  }
}

TEST_P(KvWatchTest, CancelStopsWaiters) {
  Watch w = Committed("w");
  Watch copy = w;
  w.Cancel();
  TDB_EXPECT_ERROR(copy.Wait(kFires), ErrorCode::kWatchCancelled);
  Commit([](Transaction& tr) { return tr.Set("w", "changed"); });
  TDB_EXPECT_ERROR(w.Wait(0ms), ErrorCode::kWatchCancelled) << "a finished watch stays finished";
}

TEST_P(KvWatchTest, ClosingTheDatabaseCancelsWatches) {
  Watch w = Committed("w");
  Close();
  TDB_EXPECT_ERROR(w.Wait(kFires), ErrorCode::kWatchCancelled);
}

TEST_P(KvWatchTest, ManyWatchersOnOneKeyAllFire) {
  std::vector<Watch> watches;
  for (int i = 0; i < 20; ++i) watches.push_back(Committed("w"));
  Commit([](Transaction& tr) { return tr.Set("w", "changed"); });
  for (auto& w : watches) TDB_EXPECT_OK(w.Wait(kFires));
}

INSTANTIATE_TEST_SUITE_P(Engines, KvWatchTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
