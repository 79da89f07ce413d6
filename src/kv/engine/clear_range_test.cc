// clear_range is one RocksDB range deletion (issue 3): clearing 1,000,000 keys costs about
// what clearing 10 does, also right after they were written (a tenant deleted after its bulk
// load), when the conflict resolver still holds every loaded key; and the commit that begins
// forgetting them, once the MVCC window has passed, walks a bounded part of them. And under a
// steady bulk load the resolver, pruning in steps, still forgets what is older than the window.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kv/engine/local_engine.h"
#include "kv/engine/local_engine_test_util.h"
#include "kv/kv_test_util.h"
#include "tenantdb/database.h"

namespace tenantdb::kv {
namespace {

using std::chrono::steady_clock;
using testing::SetMutation;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kBigRange = 100'000;  // sanitizers slow the load about tenfold
#else
constexpr int kBigRange = 1'000'000;
#endif

// An in-memory engine whose versions come from `clock`.
std::unique_ptr<LocalEngine> OpenInMemory(std::shared_ptr<ManualClock> clock) {
  LocalEngineOptions options;
  options.in_memory = true;
  options.clock = std::move(clock);
  auto opened = LocalEngine::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

TEST(LocalEngineClearRangeTest, ClearingAMillionKeysCostsAboutWhatClearingTenDoes) {
  auto clock = std::make_shared<ManualClock>();
  std::unique_ptr<LocalEngine> opened = OpenInMemory(clock);
  ASSERT_NE(opened, nullptr);
  Database db(std::shared_ptr<Engine>(std::move(opened)), DatabaseOptions{});
  Engine& engine = db.engine();
  // Load through the engine in batches of 50,000 keys (about 1.5 MB each).
  const std::string value(8, 'v');
  for (int first = 0; first < kBigRange; first += 50'000) {
    CommitRequest r;
    r.read_version = engine.NowVersion();
    for (int i = first; i < std::min(first + 50'000, kBigRange); ++i) {
      r.mutations.push_back(SetMutation(fmt::format("big/{:08}", i), value));
    }
    ASSERT_TRUE(engine.Commit(std::move(r)).ok());
  }
  constexpr int kSmallRanges = 7;
  {
    CommitRequest r;
    r.read_version = engine.NowVersion();
    for (int s = 0; s < kSmallRanges; ++s) {
      for (int i = 0; i < 10; ++i) {
        r.mutations.push_back(SetMutation(fmt::format("small{}/{}", s, i), value));
      }
    }
    r.mutations.push_back(SetMutation("big0", "after the big range"));
    ASSERT_TRUE(engine.Commit(std::move(r)).ok());
  }
  auto timed_clear = [&](const std::string& begin, const std::string& end) {
    auto start = steady_clock::now();
    Status s = db.Run([&](Transaction& tr) { return tr.ClearRange(begin, end); });
    auto took = steady_clock::now() - start;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::chrono::duration<double, std::micro>(took).count();
  };
  std::vector<double> small;
  for (int s = 0; s < kSmallRanges; ++s) {
    small.push_back(timed_clear(fmt::format("small{}/", s), fmt::format("small{}0", s)));
  }
  std::sort(small.begin(), small.end());
  double ten = small[kSmallRanges / 2];
  double million = timed_clear("big/", "big0");
  RecordProperty("clear_10_micros", static_cast<int>(ten));
  RecordProperty("clear_big_micros", static_cast<int>(million));
  fmt::print("clear_range: 10 keys {:.0f} us (median of {}), {} keys {:.0f} us\n", ten,
             kSmallRanges, kBigRange, million);
  EXPECT_LT(million, 1'000'000) << "clearing " << kBigRange << " keys took over a second";
  // 20 times the small clear, with a floor of 20 ms for a busy machine: clearing the keys one
  // by one takes several hundred milliseconds.
  EXPECT_LT(million, std::max(20 * ten, 20'000.0));
  // The next commit groups forget the boundaries the clear covers, 512 or more each, before
  // any prune pass (none has begun: the window has not passed).
  auto& local = static_cast<LocalEngine&>(engine);
  const size_t covered = local.ResolverSizeForTesting();
  EXPECT_GT(covered, static_cast<size_t>(2 * kBigRange - 1000));  // the clear's group: 512
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(db.Run([](Transaction& tr) { return tr.Set("other", "x"); }).ok());
  }
  EXPECT_LE(local.ResolverSizeForTesting() + 50 * 512, covered);
  // The window passes: the next commit begins a prune pass over the boundaries the load left
  // in the resolver, and walks a bounded part of it, not all of them.
  clock->Advance(2 * kMaxReadVersionLag);
  auto start = steady_clock::now();
  ASSERT_TRUE(db.Run([](Transaction& tr) { return tr.Set("other", "x"); }).ok());
  double pruning = std::chrono::duration<double, std::micro>(steady_clock::now() - start).count();
  fmt::print("first commit after the window: {:.0f} us\n", pruning);
  EXPECT_LT(pruning, std::max(20 * ten, 20'000.0));

  Transaction tr = db.CreateTransaction();
  auto rest = tr.GetRange("big/", "big0", RangeOptions{.limit = 1});
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->kvs.empty()) << "a cleared key is still visible";
  auto first = tr.Get("big/00000000");
  auto last = tr.Get(fmt::format("big/{:08}", kBigRange - 1));
  auto after = tr.Get("big0");
  ASSERT_TRUE(first.ok() && last.ok() && after.ok());
  EXPECT_FALSE(first->has_value());
  EXPECT_FALSE(last->has_value());
  EXPECT_EQ(after->value_or("<missing>"), "after the big range");
  auto small_rest = tr.GetRange("small", "small\xff");
  ASSERT_TRUE(small_rest.ok());
  EXPECT_TRUE(small_rest->kvs.empty());
}

TEST(LocalEngineClearRangeTest, ResolverForgetsOldWritesUnderASteadyBulkLoad) {
  auto clock = std::make_shared<ManualClock>();
  std::unique_ptr<LocalEngine> opened = OpenInMemory(clock);
  ASSERT_NE(opened, nullptr);
  LocalEngine& engine = *opened;
  // Each round: 10 commits of 1,000 new keys (20,000 new boundaries), then half a window
  // passes. A commit group walks more of a prune pass than it can add, so the resolver holds
  // about the last window's rounds; walking a fixed amount per group instead, it would fall
  // further behind every round (about 15,000 boundaries more per round here).
  constexpr int kRounds = 16, kCommits = 10, kKeys = 1'000;
  size_t largest = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int c = 0; c < kCommits; ++c) {
      CommitRequest r;
      r.read_version = engine.NowVersion();
      for (int i = 0; i < kKeys; ++i) {
        r.mutations.push_back(SetMutation(fmt::format("r{:02}/c{}/k{:04}", round, c, i), "v"));
      }
      auto committed = engine.Commit(std::move(r));
      ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    }
    clock->Advance(kMaxReadVersionLag / 2);
    largest = std::max(largest, engine.ResolverSizeForTesting());
  }
  const size_t per_round = 2 * kCommits * kKeys;
  fmt::print("resolver: at most {} boundaries held, {} written per round\n", largest, per_round);
  // The window spans 2 rounds; a pass begun once per window finishes within the next round.
  EXPECT_LE(largest, 5 * per_round + 1);
}

}  // namespace
}  // namespace tenantdb::kv
