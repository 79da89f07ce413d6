// The local engine's own promises (issue 3): fsync before acknowledging by default, group
// commit (one batch and one fsync for the commits queued behind a write, conflicts decided as
// if they had committed one by one), versions that continue above every version handed out
// after a restart whatever the clock does (clear_range's cost: clear_range_test.cc).
//
// Grouping is forced, not hoped for: a FaultInjectionFs holds the log append of a first commit
// (so it keeps the write stage) while the test queues more commits behind it
// (LocalEngine::QueuedCommits tells when they are queued).
#include "kv/engine/local_engine.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "kv/engine/fault_injection_fs.h"
#include "kv/engine/futex.h"
#include "kv/engine/local_engine_test_util.h"
#include "kv/engine/log_sync_fs.h"
#include "kv/kv_test_util.h"
#include "tenantdb/database.h"

namespace tenantdb::kv {
namespace {

using std::chrono::steady_clock;
using tenantdb::testing::TempDir;
using testing::Point;
using testing::SetMutation;
using testing::WaitUntil;

std::string Get(Engine& engine, const std::string& key) { return testing::ValueOf(engine, key); }
Mutation Add(const std::string& key, uint64_t n) {
  return Mutation{MutationType::kAdd, key, tenantdb::testing::LE64(n)};
}

// A store in a temporary directory, opened through a FaultInjectionFs.
class LocalEngineTest : public ::testing::Test {
 protected:
  LocalEngineOptions Options(Durability durability = Durability::kSync) {
    LocalEngineOptions o;
    o.path = dir_.path().string();
    o.durability = durability;
    o.file_system = fs_;
    o.clock = clock_;
    return o;
  }
  void Open(const LocalEngineOptions& options) {
    engine_.reset();
    auto e = LocalEngine::Open(options);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }
  Version ReadVersion() { return testing::ReadVersion(*engine_); }
  std::vector<Result<CommitResult>> CommitAsOneGroup(std::vector<CommitRequest> requests) {
    testing::GroupOutcome out = testing::CommitAsOneGroup(*engine_, *fs_, std::move(requests));
    EXPECT_TRUE(out.leader.ok()) << out.leader.status().ToString();
    syncs_before_group_ = out.wal_syncs_before;
    return std::move(out.results);
  }

  TempDir dir_;
  std::shared_ptr<FaultInjectionFs> fs_ = std::make_shared<FaultInjectionFs>();
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<LocalEngine> engine_;
  uint64_t syncs_before_group_ = 0;
};

TEST_F(LocalEngineTest, SyncDurabilityIsTheDefaultAndAcknowledgesOnlyAfterFsync) {
  EXPECT_EQ(LocalEngineOptions().durability, Durability::kSync);
  EXPECT_EQ(DatabaseOptions().durability, Durability::kSync);
  LocalEngineOptions options = Options();
  options.durability = LocalEngineOptions().durability;
  Open(options);

  Version rv = ReadVersion();
  fs_->HoldWalSyncs(true);
  std::atomic<bool> returned{false};
  uint64_t syncs = fs_->WalSyncs();
  std::thread committer([&] {
    CommitRequest r;
    r.read_version = rv;
    r.mutations.push_back(SetMutation("k", "v"));
    EXPECT_TRUE(engine_->Commit(std::move(r)).ok());
    returned = true;
  });
  EXPECT_TRUE(WaitUntil([&] { return fs_->WaitingWalSyncs() == 1; }))
      << "a sync commit never fsynced the write-ahead log";
  EXPECT_FALSE(returned.load()) << "the commit was acknowledged before its fsync completed";
  fs_->HoldWalSyncs(false);
  committer.join();
  EXPECT_TRUE(returned.load());
  EXPECT_EQ(fs_->WalSyncs(), syncs + 1);
}

TEST_F(LocalEngineTest, AsyncDurabilityAcknowledgesWithoutFsync) {
  Open(Options(Durability::kAsync));
  Version rv = ReadVersion();
  fs_->HoldWalSyncs(true);
  uint64_t syncs = fs_->WalSyncs();
  auto done = std::async(std::launch::async, [&] {
    CommitRequest r;
    r.read_version = rv;
    r.mutations.push_back(SetMutation("k", "v"));
    return engine_->Commit(std::move(r)).status();
  });
  bool ready = done.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  fs_->HoldWalSyncs(false);
  EXPECT_TRUE(ready) << "an async commit waited for an fsync";
  TDB_EXPECT_OK(done.get());
  EXPECT_EQ(fs_->WalSyncs(), syncs);
  EXPECT_EQ(Get(*engine_, "k"), "v");
}

TEST_F(LocalEngineTest, ConflictsWithinOneGroupAreDecidedAsIfOneByOne) {
  Open(Options());
  constexpr int kWriters = 8;
  // Every request read "x" at the same version and writes it: one by one, the first to
  // commit wins and every later one conflicts with it.
  Version rv = ReadVersion();
  std::vector<CommitRequest> requests(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    requests[i].read_version = rv;
    requests[i].read_conflicts.push_back(Point("x"));
    requests[i].write_conflicts.push_back(Point("x"));
    requests[i].mutations.push_back(SetMutation("x", fmt::format("writer {}", i)));
  }
  auto results = CommitAsOneGroup(std::move(requests));
  EXPECT_LE(fs_->WalSyncs() - syncs_before_group_, 2u)
      << "the first commit and the queued group: one fsync each, or one for both";
  int winners = 0;
  std::string winner;
  for (int i = 0; i < kWriters; ++i) {
    if (results[i].ok()) {
      ++winners;
      winner = fmt::format("writer {}", i);
    } else {
      TDB_EXPECT_ERROR(results[i], ErrorCode::kNotCommitted) << "writer " << i;
    }
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(Get(*engine_, "x"), winner);
}

// Each commit's atomic operations apply to its own keys, also when a commit before it in the
// group was refused (the engine looks up each key once for the group, in order).
TEST_F(LocalEngineTest, ARefusedCommitsAtomicOperationsAreNotAppliedToTheNextOnes) {
  Open(Options());
  Version rv = ReadVersion();
  std::vector<CommitRequest> requests(4);
  for (auto& r : requests) r.read_version = rv;
  requests[0].mutations.push_back(SetMutation("x", "v"));
  // Read "x" at rv, which the first commit of the group writes: refused.
  requests[1].read_conflicts.push_back(Point("x"));
  requests[1].mutations.push_back(Add("a", 1));
  requests[1].mutations.push_back(Add("b", 10));
  requests[2].mutations.push_back(Add("b", 100));
  requests[3].mutations.push_back(Add("c", 1000));
  requests[3].mutations.push_back(Add("b", 1000));
  auto results = CommitAsOneGroup(std::move(requests));
  TDB_EXPECT_ERROR(results[1], ErrorCode::kNotCommitted);
  for (int i : {0, 2, 3})
    EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].status().ToString();
  EXPECT_EQ(Get(*engine_, "a"), "<missing>");
  EXPECT_EQ(tenantdb::testing::FromLE(Get(*engine_, "b")), 1100u);
  EXPECT_EQ(tenantdb::testing::FromLE(Get(*engine_, "c")), 1000u);
}

// A wake-up that goes missing (how the pipeline once stalled for ten minutes) costs a
// sleeping committer at most 50 ms: it looks at its state itself, and is counted.
TEST_F(LocalEngineTest, AMissingWakeUpIsRecoveredWithin50Ms) {
  Open(Options());
  uint64_t lost = LocalEngine::LostWakeups();
  std::vector<CommitRequest> requests(3);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].read_version = ReadVersion();
    requests[i].mutations.push_back(SetMutation(fmt::format("k{}", i), "v"));
  }
  auto start = steady_clock::now();
  testing::GroupOutcome out = testing::CommitAsOneGroup(*engine_, *fs_, std::move(requests), [] {
    // The queued committers are asleep by now; the next wake-up of one goes missing.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    LocalEngine::DropWakeupsForTesting(1);
  });
  auto took = steady_clock::now() - start;
  LocalEngine::DropWakeupsForTesting(0);
  TDB_ASSERT_OK(out.leader.status());
  for (const auto& result : out.results) TDB_ASSERT_OK(result.status());
  EXPECT_GE(LocalEngine::LostWakeups(), lost + 1);
  EXPECT_LT(took, std::chrono::seconds(5)) << "recovered by the 50 ms look, not stalled";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get(*engine_, fmt::format("k{}", i)), "v");
}

// Bursts of threads commit durably at once; every commit is acknowledged by its sync round,
// none only at the 50 ms look (which counts it as lost). A burst's last commits make rounds
// of every size, down to a sync leader's own commit alone, with nobody left to wake a writer
// that slept on the wrong round's word.
void CommitConcurrentlyWithoutLostWakeups(Engine& engine) {
  const uint64_t lost = LocalEngine::LostWakeups();
  const int bursts = 20 * tenantdb::testing::TestScale();
  const int threads = 8;
  const int per_thread = 4;
  std::atomic<int> failures{0};
  for (int b = 0; b < bursts; ++b) {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, b, t] {
        for (int i = 0; i < per_thread; ++i) {
          CommitRequest r;
          r.read_version = testing::ReadVersion(engine);
          r.mutations.push_back(SetMutation(fmt::format("b{}/t{}/{}", b, t, i), "v"));
          if (t % 2 == 1) r.mutations.push_back(Add(fmt::format("hot{}", i % 2), 1));
          if (!engine.Commit(std::move(r)).ok()) ++failures;
        }
      });
    }
    for (auto& w : workers) w.join();
  }
  EXPECT_EQ(failures.load(), 0);
  // A few could be honest: a sleep that timed out just as a very slow fsync ended. A wrong
  // word strands one or more writers per burst.
  EXPECT_LE(LocalEngine::LostWakeups() - lost, 2u) << "committers slept through their round";
  EXPECT_EQ(Get(engine, fmt::format("b{}/t{}/{}", bursts - 1, threads - 1, per_thread - 1)), "v");
}

TEST_F(LocalEngineTest, ManyDurableCommittersAreAllWokenByTheirSyncRound) {
  // Each sync round wakes its writers with one broadcast on its round's word (futex_waitv); a
  // writer sleeping on the wrong word would wake only at the 50 ms look. (A round of the sync
  // leader's own commit alone once skipped its broadcast, and a writer that had guessed that
  // round slept through its own: 30-500 lost wake-ups per benchmark run.)
  Open(Options());
  EXPECT_EQ(engine_->BroadcastAcks(), HaveFutexWaitv());
  CommitConcurrentlyWithoutLostWakeups(*engine_);
  // Without futex_waitv (Linux < 5.16): the tree of wake-ups.
  engine_.reset();
  LocalEngine::DisableBroadcastAcksForTesting(true);
  auto e = LocalEngine::Open(Options());
  LocalEngine::DisableBroadcastAcksForTesting(false);
  TDB_ASSERT_OK(e.status());
  engine_ = std::move(e).value();
  EXPECT_FALSE(engine_->BroadcastAcks());
  CommitConcurrentlyWithoutLostWakeups(*engine_);
}

TEST_F(LocalEngineTest, AGroupWritesEachAtomicKeyOnceWithItsFinalValue) {
  Open(Options());
  Version rv = ReadVersion();
  // Sixteen commits add to one hot key: the group's batch holds one entry for it.
  std::vector<CommitRequest> requests(16);
  for (auto& r : requests) {
    r.read_version = rv;
    r.mutations.push_back(Add("hot", 1));
    r.write_conflicts.push_back(Point("hot"));
  }
  uint64_t entries = engine_->ActiveMemtableEntries();
  for (const auto& result : CommitAsOneGroup(std::move(requests))) {
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }
  EXPECT_EQ(engine_->ActiveMemtableEntries() - entries, 2u) << "the blocker's key and 'hot' once";
  EXPECT_EQ(tenantdb::testing::FromLE(Get(*engine_, "hot")), 16u);

  // Atomic operations between other writes of the same keys, in one group: each key ends as
  // if the commits had been applied one by one, in version order (the threads queue in any
  // order, so the expected values come from a model applied in that order).
  auto commit = [&](std::vector<Mutation> mutations) {
    CommitRequest r;
    r.read_version = rv;
    r.mutations = std::move(mutations);
    return r;
  };
  requests.clear();
  requests.push_back(commit({Add("k", 1), Add("r/1", 3)}));
  requests.push_back(commit({SetMutation("k", tenantdb::testing::LE64(100)), Add("k", 2)}));
  requests.push_back(commit({Mutation{MutationType::kClear, "k", ""}}));
  requests.push_back(commit({Add("k", 5), Mutation{MutationType::kClearRange, "r/", "r0"}}));
  requests.push_back(commit({Add("r/2", 7), Add("hot", 4)}));
  requests.push_back(commit({SetMutation("hot", tenantdb::testing::LE64(50)), Add("r/1", 1)}));
  std::vector<CommitRequest> copies = requests;
  auto results = CommitAsOneGroup(std::move(requests));
  std::vector<std::pair<Version, size_t>> order;
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    order.emplace_back(results[i]->version, i);
  }
  std::sort(order.begin(), order.end());
  std::map<std::string, uint64_t> model = {{"hot", 16}};
  for (const auto& [version, i] : order) {
    for (const Mutation& m : copies[i].mutations) {
      if (m.type == MutationType::kAdd) {
        model[m.key] += tenantdb::testing::FromLE(m.param);
      } else if (m.type == MutationType::kSet) {
        model[m.key] = tenantdb::testing::FromLE(m.param);
      } else if (m.type == MutationType::kClear) {
        model.erase(m.key);
      } else {
        model.erase(model.lower_bound(m.key), model.lower_bound(m.param));
      }
    }
  }
  auto expect_model = [&] {
    for (const std::string key : {"hot", "k", "r/1", "r/2"}) {
      auto it = model.find(key);
      std::string got = Get(*engine_, key);
      if (it == model.end()) {
        EXPECT_EQ(got, "<missing>") << key;
      } else {
        EXPECT_EQ(tenantdb::testing::FromLE(got), it->second) << key;
      }
    }
  };
  expect_model();
  // And so they stay after a restart (the group's batch is what the log holds).
  Open(Options());
  expect_model();
}

TEST_F(LocalEngineTest, OneGroupIsOneBatchWithOneFsyncAndOwnVersions) {
  Open(Options());
  constexpr int kWriters = 16;
  Version rv = ReadVersion();
  std::vector<CommitRequest> requests(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    requests[i].read_version = rv;
    requests[i].mutations.push_back(SetMutation(fmt::format("key/{:02}", i), "v"));
    requests[i].mutations.push_back(
        Mutation{MutationType::kAdd, "sum", tenantdb::testing::LE64(uint64_t(i) + 1)});
    requests[i].write_conflicts.push_back(Point(fmt::format("key/{:02}", i)));
    requests[i].write_conflicts.push_back(Point("sum"));
  }
  auto results = CommitAsOneGroup(std::move(requests));
  EXPECT_LE(fs_->WalSyncs() - syncs_before_group_, 2u);
  std::set<Version> versions;
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    versions.insert(results[i]->version);
  }
  EXPECT_EQ(versions.size(), size_t{kWriters}) << "each commit of a group has its own version";
  EXPECT_EQ(engine_->CommittedVersion(), *versions.rbegin());
  // Each add saw the ones before it in the group.
  EXPECT_EQ(tenantdb::testing::FromLE(Get(*engine_, "sum")),
            uint64_t{kWriters * (kWriters + 1) / 2});
  for (int i = 0; i < kWriters; ++i) EXPECT_EQ(Get(*engine_, fmt::format("key/{:02}", i)), "v");
}

// The write leader keeps the newest value of keys atomic operations touch, so a hot counter
// costs no store read per commit. Every other kind of write to such a key, in a later group
// or in the same one, must reach that value.
TEST_F(LocalEngineTest, AtomicOperationsSeeEveryEarlierWriteOfTheirKey) {
  Open(Options(Durability::kAsync));
  using tenantdb::testing::FromLE;
  using tenantdb::testing::LE64;
  auto commit = [&](std::vector<Mutation> mutations) {
    CommitRequest r;
    r.read_version = ReadVersion();
    r.mutations = std::move(mutations);
    auto result = engine_->Commit(std::move(r));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  };
  commit({Add("c", 1)});
  commit({Add("c", 1)});
  EXPECT_EQ(FromLE(Get(*engine_, "c")), 2u);
  commit({SetMutation("c", LE64(100))});
  commit({Add("c", 1)});
  EXPECT_EQ(FromLE(Get(*engine_, "c")), 101u) << "a set between two adds";
  commit({Mutation{MutationType::kClear, "c", ""}});
  commit({Add("c", 5)});
  EXPECT_EQ(FromLE(Get(*engine_, "c")), 5u) << "a clear between two adds";
  commit({Mutation{MutationType::kClearRange, "a", "d"}});
  commit({Add("c", 7)});
  EXPECT_EQ(FromLE(Get(*engine_, "c")), 7u) << "a clear_range between two adds";
  commit({SetMutation("c", LE64(1000)), Add("c", 1), Mutation{MutationType::kClearRange, "c", "c0"},
          Add("c", 3)});
  EXPECT_EQ(FromLE(Get(*engine_, "c")), 3u) << "all in one commit";
  // A versionstamped key that lands on a tracked key. The manual clock stands still, so
  // each commit's version is the previous one + 1 and the stamped key is known in advance.
  Version next = engine_->CommittedVersion();
  std::string stamp_key = "vs/" + std::string(10, '\0');
  for (int i = 0; i < 8; ++i) {
    stamp_key[3 + i] = static_cast<char>(static_cast<uint64_t>(next + 2) >> (8 * (7 - i)));
  }
  commit({Add(stamp_key, 1)});
  CommitRequest stamped;
  stamped.read_version = ReadVersion();
  Mutation m{MutationType::kSetVersionstampedKey, "vs/0123456789", LE64(40)};
  m.stamp_offset = 3;
  stamped.mutations.push_back(m);
  auto stamped_result = engine_->Commit(std::move(stamped));
  ASSERT_TRUE(stamped_result.ok());
  ASSERT_EQ(stamped_result->version, next + 2);
  commit({Add(stamp_key, 2)});
  EXPECT_EQ(FromLE(Get(*engine_, stamp_key)), 42u) << "a versionstamped key landing on the key";
  // After the leader forgot everything (more keys than it tracks), values come from the store.
  std::vector<Mutation> many;
  for (int i = 0; i < 5000; ++i) many.push_back(Add(fmt::format("many/{:05}", i), 1));
  commit(many);
  commit({Add("c", 1)});
  EXPECT_EQ(FromLE(Get(*engine_, "c")), 4u);
}

// A read from an earlier version than the transaction's (a layer's cache): checked against
// writes after its own version, and never trusted beyond the MVCC window.
TEST_F(LocalEngineTest, ReadConflictsSinceAnEarlierVersion) {
  Open(Options(Durability::kAsync));
  auto write = [&](const std::string& key) {
    CommitRequest r;
    r.read_version = ReadVersion();
    r.mutations.push_back(SetMutation(key, "v"));
    r.write_conflicts.push_back(Point(key));
    auto result = engine_->Commit(std::move(r));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->version : 0;
  };
  const KeyRange entry = Point("entry");
  auto commit_since = [&](Version since) {
    CommitRequest r;
    r.read_version = ReadVersion();
    r.read_conflicts_since.push_back({since, &entry});
    r.mutations.push_back(SetMutation("data", "x"));
    return engine_->Commit(std::move(r)).status();
  };
  Version before = ReadVersion();
  Version written = write("entry");
  write("other");
  TDB_EXPECT_ERROR(commit_since(before), ErrorCode::kNotCommitted)
      << "written after `since`, before the read version: a conflict";
  TDB_EXPECT_OK(commit_since(written));
  clock_->Advance(kMaxReadVersionLag + 1);
  TDB_EXPECT_ERROR(commit_since(written), ErrorCode::kNotCommitted)
      << "older than the window: never trusted";
}

TEST_F(LocalEngineTest, ConcurrentReadModifyWriteThroughRunIsExact) {
  Open(Options());
  Database db(std::shared_ptr<Engine>(std::move(engine_)), DatabaseOptions{});
  const int threads = 4;
  const int per_thread = 40 * tenantdb::testing::TestScale();
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      RunOptions run;
      run.max_retries = 10'000;
      run.max_backoff_micros = 2'000;
      for (int i = 0; i < per_thread; ++i) {
        Status s = db.Run(
            [&](Transaction& tr) -> Status {
              TDB_ASSIGN_OR_RETURN(auto v, tr.Get("counter"));
              uint64_t n = v ? tenantdb::testing::FromLE(*v) : 0;
              return tr.Set("counter", tenantdb::testing::LE64(n + 1));
            },
            run);
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  Transaction tr = db.CreateTransaction();
  auto v = tr.Get("counter");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(tenantdb::testing::FromLE(**v), uint64_t(threads * per_thread))
      << "an update was lost or applied twice";
}

TEST_F(LocalEngineTest, VersionsContinueAboveEveryHandedOutVersionAfterReopen) {
  // The clock jumps around between (and during) opens, backwards included; versions must
  // still only grow, for sync and async stores alike (a clean close loses nothing).
  const int64_t starts[] = {5'000'000'000, 1'000, 9'000'000'000, 0, 7'000'000'000, 2'000};
  Version highest = 0;
  int round = 0;
  for (int64_t start : starts) {
    auto clock = std::make_shared<ManualClock>(start);
    LocalEngineOptions options = Options(round % 2 == 0 ? Durability::kSync : Durability::kAsync);
    options.clock = clock;
    Open(options);
    EXPECT_GE(engine_->CommittedVersion(), highest) << "round " << round;
    auto view = engine_->BeginRead();
    ASSERT_TRUE(view.ok());
    EXPECT_GE((*view)->version(), highest);
    highest = std::max(highest, (*view)->version());
    for (int i = 0; i < 5; ++i) {
      CommitRequest r;
      r.read_version = ReadVersion();
      r.mutations.push_back(SetMutation("k", fmt::format("{}/{}", round, i)));
      auto result = engine_->Commit(std::move(r));
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      EXPECT_GT(result->version, highest) << "round " << round << " commit " << i;
      highest = result->version;
      clock->Advance(i % 2 == 0 ? 3 : -2'000'000);
    }
    // When the clock is well ahead, a transaction on an idle store first makes an empty
    // commit, which hands out a version too.
    clock->Advance(10'000'000);
    bool idle = clock->NowMicros() - highest >= 250'000;
    auto fresh = engine_->BeginRead();
    ASSERT_TRUE(fresh.ok());
    if (idle) {
      EXPECT_GT((*fresh)->version(), highest) << "round " << round;
    } else {
      EXPECT_EQ((*fresh)->version(), highest) << "round " << round;
    }
    highest = std::max(highest, (*fresh)->version());
    engine_.reset();
    ++round;
  }
  Open(Options());
  EXPECT_EQ(Get(*engine_, "k"), fmt::format("{}/4", round - 1));
}

// The estimate of a range's stored bytes follows the range's own entries, also while they are
// in the memtable next to much larger (or smaller) entries of other ranges: a tenant's storage
// quota depends on it.
TEST_F(LocalEngineTest, EstimateSizeFollowsTheRangesOwnEntries) {
  Open(Options(Durability::kAsync));
  auto load = [&](const std::string& prefix, int n, size_t value_size) {
    for (int i = 0; i < n; ++i) {
      CommitRequest r;
      r.read_version = ReadVersion();
      r.mutations.push_back(
          SetMutation(fmt::format("{}{:04}", prefix, i), std::string(value_size, 'v')));
      ASSERT_TRUE(engine_->Commit(std::move(r)).ok());
    }
  };
  load("big/", 200, 20'000);  // ~4 MB
  load("small/", 200, 100);   // ~22 KB, read whole
  load("many/", 3000, 50);    // ~190 KB, more entries than are read: extrapolated
  auto expect_near = [&](const std::string& b, const std::string& e, int64_t bytes) {
    auto estimate = engine_->EstimateSize(b, e);
    ASSERT_TRUE(estimate.ok()) << estimate.status().ToString();
    EXPECT_GT(*estimate, bytes / 2) << b;
    EXPECT_LT(*estimate, bytes * 2) << b;
  };
  expect_near("big/", "big0", 200 * (8 + 20'000));
  expect_near("small/", "small0", 200 * (10 + 100));
  expect_near("many/", "many0", 3000 * (9 + 50));
  expect_near("small/0100", "small/0150", 50 * (10 + 100));
  auto none = engine_->EstimateSize("none/", "none0");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  // Overwritten versions and cleared keys in the memtable are not stored bytes (RocksDB
  // counts their entries).
  for (int round = 0; round < 30; ++round) load("hot/", 300, 100);
  expect_near("hot/", "hot0", 300 * (8 + 100));
  load("gone/", 2000, 100);
  CommitRequest clear;
  clear.read_version = ReadVersion();
  clear.mutations.push_back(Mutation{MutationType::kClearRange, "gone/", "gone0"});
  ASSERT_TRUE(engine_->Commit(std::move(clear)).ok());
  auto gone = engine_->EstimateSize("gone/", "gone0");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, 0);
}

TEST_F(LocalEngineTest, OpeningAStoreThatIsOpenIsStoreLocked) {
  Open(Options());
  auto again = LocalEngine::Open(Options());
  TDB_EXPECT_ERROR(again, ErrorCode::kStoreLocked);
}

}  // namespace
}  // namespace tenantdb::kv
