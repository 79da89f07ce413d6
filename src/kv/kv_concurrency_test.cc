// Randomized concurrent histories through the retry loop, each checked against an invariant
// that any isolation anomaly would break (FoundationDB's workload style). Seeded: the seed is
// printed, and TENANTDB_SEED=<seed> replays each thread's choices (thread timing still varies).
// TENANTDB_TEST_SCALE multiplies the number of transactions.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using testing::FromBE;
using testing::IsOk;
using testing::LE64;

constexpr int kThreads = 4;
// Every workload stops at its transaction count or after this long, whichever comes first.
constexpr auto kTimeBudget = std::chrono::seconds(15);
// The retry loop, bounded so that a livelock or a broken implementation fails instead of hanging.
const RunOptions kRun = {.transaction = {}, .max_retries = 500, .max_backoff_micros = 10'000};

class KvConcurrencyTest : public testing::KvTest {
 protected:
  bool UseManualClock() const override { return false; }

  // Runs body(thread_index, rng) on kThreads threads, each with its own seeded generator.
  template <typename Body>
  void RunThreads(uint64_t seed, Body&& body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&body, seed, t] {
        std::mt19937_64 rng(seed * 1'000'003 + static_cast<uint64_t>(t));
        body(t, rng);
      });
    }
    for (auto& th : threads) th.join();
  }
};

std::chrono::steady_clock::time_point Deadline() {
  return std::chrono::steady_clock::now() + kTimeBudget;
}
bool Before(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::steady_clock::now() < deadline;
}

// Sometimes holds a transaction open between its reads and its writes for up to 100 µs, so that
// transactions overlap (and conflict) even on a fast engine.
void MaybePause(std::mt19937_64& rng) {
  if (rng() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 100));
}

// Parses a decimal integer value; nullopt when the value is not one.
std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// (a) Bank transfers among accounts: the total never changes, in any snapshot.
TEST_P(KvConcurrencyTest, BankTransfersPreserveTheTotal) {
  const uint64_t seed = testing::TestSeed();
  constexpr int kAccounts = 20;
  constexpr int64_t kInitial = 1000;
  constexpr int64_t kTotal = kAccounts * kInitial;
  auto account = [](int i) { return fmt::format("acct/{:02}", i); };
  std::map<std::string, std::string> init;
  for (int i = 0; i < kAccounts; ++i) init[account(i)] = std::to_string(kInitial);
  TDB_ASSERT_OK(PutAll(init));

  const int planned = 2000 * testing::TestScale();
  const auto deadline = Deadline();
  std::atomic<int> next{0}, transfers{0}, audits{0}, bad_audits{0}, attempts{0};
  RunThreads(seed, [&](int, std::mt19937_64& rng) {
    while (next.fetch_add(1) < planned && Before(deadline)) {
      const int kind = static_cast<int>(rng() % 10);
      if (kind < 2) {
        // An auditor: the sum of all balances at one read version, by a range read or by
        // point reads.
        const bool by_range = kind == 0;
        int64_t seen = -1;
        Status s = db().Run(
            [&](Transaction& tr) -> Status {
              ++attempts;
              int64_t sum = 0;
              if (by_range) {
                TDB_ASSIGN_OR_RETURN(auto r, tr.GetRange("acct/", "acct0"));
                if (r.kvs.size() != kAccounts) {
                  return Error(ErrorCode::kInternalError, fmt::format("{} accounts", r.kvs.size()));
                }
                for (const auto& kv : r.kvs) sum += ParseInt(kv.value).value_or(-1'000'000);
              } else {
                for (int i = 0; i < kAccounts; ++i) {
                  TDB_ASSIGN_OR_RETURN(auto v, tr.Get(account(i)));
                  sum += v ? ParseInt(*v).value_or(-1'000'000) : -1'000'000;
                }
              }
              seen = sum;
              return Status::OK();
            },
            kRun);
        EXPECT_TRUE(IsOk(s)) << "auditor, seed " << seed;
        if (seen != kTotal && bad_audits++ < 3) {  // report the first few only
          ADD_FAILURE() << (by_range ? "range" : "point") << " auditor saw a total of " << seen
                        << ", want " << kTotal << ", seed " << seed;
        }
        ++audits;
      } else {
        const int from = static_cast<int>(rng() % kAccounts);
        const int to = (from + 1 + static_cast<int>(rng() % (kAccounts - 1))) % kAccounts;
        const int64_t amount = 1 + static_cast<int64_t>(rng() % 100);
        Status s = db().Run(
            [&](Transaction& tr) -> Status {
              ++attempts;
              TDB_ASSIGN_OR_RETURN(auto a, tr.Get(account(from)));
              TDB_ASSIGN_OR_RETURN(auto b, tr.Get(account(to)));
              auto va = a ? ParseInt(*a) : std::nullopt;
              auto vb = b ? ParseInt(*b) : std::nullopt;
              if (!va || !vb)
                return Error(ErrorCode::kInternalError, "account value is not a number");
              TDB_RETURN_IF_ERROR(tr.Set(account(from), std::to_string(*va - amount)));
              return tr.Set(account(to), std::to_string(*vb + amount));
            },
            kRun);
        EXPECT_TRUE(IsOk(s)) << "transfer, seed " << seed;
        if (s.ok()) ++transfers;
      }
    }
  });

  TDB_ASSERT_OK_AND_ASSIGN(auto final_state, ReadAll("acct/", "acct0"));
  ASSERT_EQ(final_state.size(), static_cast<size_t>(kAccounts));
  int64_t sum = 0;
  for (const auto& kv : final_state) sum += ParseInt(kv.value).value_or(-1'000'000);
  EXPECT_EQ(sum, kTotal) << "seed " << seed;
  EXPECT_EQ(bad_audits.load(), 0) << "auditors that saw a wrong total, seed " << seed;
  fmt::print("bank: {} transfers, {} audits, {} attempts (seed {})\n", transfers.load(),
             audits.load(), attempts.load(), seed);
  EXPECT_GE(transfers.load(), 100) << "too few transfers committed to mean anything";
}

// (b) FoundationDB's Cycle workload: node i points to the next node of a ring. A transaction
// reads i -> j -> k -> l and rotates it to i -> k -> j -> l. Any lost update, dirty or stale
// read breaks the ring into several cycles or repeats a node.
TEST_P(KvConcurrencyTest, CycleStaysOneRing) {
  const uint64_t seed = testing::TestSeed();
  constexpr int kNodes = 50;
  auto node = [](int64_t i) { return fmt::format("node/{:03}", i); };
  std::map<std::string, std::string> init;
  for (int i = 0; i < kNodes; ++i) init[node(i)] = std::to_string((i + 1) % kNodes);
  TDB_ASSERT_OK(PutAll(init));

  // Empty when the pairs form one cycle through every node; else what is wrong.
  auto check_ring = [&](const std::vector<KeyValue>& kvs) -> std::string {
    if (kvs.size() != kNodes) return fmt::format("{} nodes", kvs.size());
    std::vector<int64_t> next(kNodes);
    for (int i = 0; i < kNodes; ++i) {
      if (kvs[i].key != node(i)) return "unexpected key " + Escape(kvs[i].key);
      auto v = ParseInt(kvs[i].value);
      if (!v || *v < 0 || *v >= kNodes) return "bad pointer " + Escape(kvs[i].value);
      next[i] = *v;
    }
    int64_t at = 0;
    for (int step = 1; step <= kNodes; ++step) {
      at = next[at];
      if (at == 0 && step != kNodes) return fmt::format("a cycle of length {}", step);
    }
    if (at != 0) return "node 0 is not on a cycle";
    return "";
  };

  const int planned = 2000 * testing::TestScale();
  const auto deadline = Deadline();
  std::atomic<int> next_txn{0}, rotations{0}, checks{0}, bad_checks{0}, attempts{0};
  RunThreads(seed, [&](int, std::mt19937_64& rng) {
    while (next_txn.fetch_add(1) < planned && Before(deadline)) {
      if (rng() % 20 == 0) {
        std::string problem;
        Status s = db().Run(
            [&](Transaction& tr) -> Status {
              ++attempts;
              TDB_ASSIGN_OR_RETURN(auto r, tr.GetRange("node/", "node0"));
              problem = check_ring(r.kvs);
              return Status::OK();
            },
            kRun);
        EXPECT_TRUE(IsOk(s)) << "checker, seed " << seed;
        if (!problem.empty() && bad_checks++ < 3) {  // report the first few only
          ADD_FAILURE() << "a checker saw a broken ring: " << problem << ", seed " << seed;
        }
        ++checks;
        continue;
      }
      const int64_t i = static_cast<int64_t>(rng() % kNodes);
      Status s = db().Run(
          [&](Transaction& tr) -> Status {
            ++attempts;
            auto read = [&](int64_t n) -> Result<int64_t> {
              TDB_ASSIGN_OR_RETURN(auto v, tr.Get(node(n)));
              auto parsed = v ? ParseInt(*v) : std::nullopt;
              if (!parsed || *parsed < 0 || *parsed >= kNodes) {
                return Error(ErrorCode::kInternalError, "bad pointer at " + node(n));
              }
              return *parsed;
            };
            TDB_ASSIGN_OR_RETURN(int64_t j, read(i));
            TDB_ASSIGN_OR_RETURN(int64_t k, read(j));
            TDB_ASSIGN_OR_RETURN(int64_t l, read(k));
            MaybePause(rng);
            TDB_RETURN_IF_ERROR(tr.Set(node(i), std::to_string(k)));
            TDB_RETURN_IF_ERROR(tr.Set(node(k), std::to_string(j)));
            return tr.Set(node(j), std::to_string(l));
          },
          kRun);
      EXPECT_TRUE(IsOk(s)) << "rotation, seed " << seed;
      if (s.ok()) ++rotations;
    }
  });

  TDB_ASSERT_OK_AND_ASSIGN(auto final_ring, ReadAll("node/", "node0"));
  EXPECT_EQ(check_ring(final_ring), "") << "seed " << seed;
  EXPECT_EQ(bad_checks.load(), 0) << "checkers that saw a broken ring, seed " << seed;
  fmt::print("cycle: {} rotations, {} checks, {} attempts (seed {})\n", rotations.load(),
             checks.load(), attempts.load(), seed);
  EXPECT_GE(rotations.load(), 100) << "too few rotations committed to mean anything";
}

// (c) A serializability checker: random transactions read a few keys and a range and write a
// few keys; each committed one records what it read and wrote. Replaying the committed
// transactions in commit order (versionstamp order) must reproduce every value each one read,
// and each read must equal the state as of its read version.
struct TxnRecord {
  Version read_version = 0;
  Version commit_version = 0;
  std::string stamp;
  std::vector<std::pair<std::string, std::optional<std::string>>> point_reads;
  struct RangeRead {
    std::string begin, end;
    std::vector<KeyValue> kvs;
  };
  std::vector<RangeRead> range_reads;
  std::vector<std::pair<std::string, std::optional<std::string>>> writes;  // nullopt: clear
};

// Empty when `rec`'s reads match `state`; else the first difference.
std::string CheckReads(const TxnRecord& rec, const std::map<std::string, std::string>& state) {
  for (const auto& [k, v] : rec.point_reads) {
    auto it = state.find(k);
    std::optional<std::string> want;
    if (it != state.end()) want = it->second;
    if (v != want) {
      return fmt::format("get {} read {} but the state holds {}", k, v.value_or("<absent>"),
                         want.value_or("<absent>"));
    }
  }
  for (const auto& rr : rec.range_reads) {
    std::vector<KeyValue> want;
    for (auto it = state.lower_bound(rr.begin); it != state.end() && it->first < rr.end; ++it) {
      want.push_back({it->first, it->second});
    }
    if (rr.kvs != want) {
      return fmt::format("get_range [{}, {}) read {} pairs but the state holds {}", rr.begin,
                         rr.end, rr.kvs.size(), want.size());
    }
  }
  return "";
}

void Apply(const TxnRecord& rec, std::map<std::string, std::string>& state) {
  for (const auto& [k, v] : rec.writes) {
    if (v) {
      state[k] = *v;
    } else {
      state.erase(k);
    }
  }
}

TEST_P(KvConcurrencyTest, CommittedHistoryIsSerializable) {
  const uint64_t seed = testing::TestSeed();
  constexpr int kKeys = 16;
  auto key = [](int i) { return fmt::format("s/{:02}", i); };
  std::map<std::string, std::string> initial;
  for (int i = 0; i < kKeys; ++i) initial[key(i)] = fmt::format("init{}", i);
  TDB_ASSERT_OK(PutAll(initial));

  const int planned = 2000 * testing::TestScale();
  const auto deadline = Deadline();
  std::atomic<int> next{0}, attempts{0};
  std::mutex mu;
  std::vector<TxnRecord> committed;  // GUARDED_BY(mu)
  RunThreads(seed, [&](int thread, std::mt19937_64& rng) {
    Transaction tr = db().CreateTransaction();
    int n;
    while ((n = next.fetch_add(1)) < planned && Before(deadline)) {
      for (int attempt = 0; attempt < 10'000 && Before(deadline); ++attempt) {
        ++attempts;
        TxnRecord rec;
        auto body = [&]() -> Status {
          TDB_ASSIGN_OR_RETURN(rec.read_version, tr.GetReadVersion());
          for (int r = 0; r < 3; ++r) {
            std::string k = key(static_cast<int>(rng() % kKeys));
            TDB_ASSIGN_OR_RETURN(auto v, tr.Get(k));
            rec.point_reads.emplace_back(k, v);
          }
          int a = static_cast<int>(rng() % kKeys), b = static_cast<int>(rng() % (kKeys + 1));
          if (a > b) std::swap(a, b);
          TxnRecord::RangeRead rr{key(a), b == kKeys ? "s0" : key(b), {}};
          TDB_ASSIGN_OR_RETURN(auto range, tr.GetRange(rr.begin, rr.end));
          rr.kvs = std::move(range.kvs);
          rec.range_reads.push_back(std::move(rr));
          MaybePause(rng);
          for (int w = 0; w < 2; ++w) {
            std::string k = key(static_cast<int>(rng() % kKeys));
            if (rng() % 4 == 0) {
              TDB_RETURN_IF_ERROR(tr.Clear(k));
              rec.writes.emplace_back(k, std::nullopt);
            } else {
              std::string v = fmt::format("t{}-{}-{}", thread, n, w);
              TDB_RETURN_IF_ERROR(tr.Set(k, v));
              rec.writes.emplace_back(k, v);
            }
          }
          return tr.Commit();
        };
        Status s = body();
        if (s.ok()) {
          auto cv = tr.GetCommittedVersion();
          auto stamp = tr.GetVersionstamp();
          EXPECT_TRUE(IsOk(cv));
          EXPECT_TRUE(IsOk(stamp));
          if (cv.ok() && stamp.ok()) {
            rec.commit_version = *cv;
            rec.stamp = *stamp;
            std::lock_guard<std::mutex> l(mu);
            committed.push_back(std::move(rec));
          }
          tr.Reset();
          break;
        }
        Status retry = tr.OnError(s);
        if (!retry.ok()) {
          ADD_FAILURE() << "non-retryable error " << s.ToString() << ", seed " << seed;
          tr.Reset();
          break;
        }
      }
    }
  });

  ASSERT_GE(committed.size(), 100u) << "too few transactions committed to mean anything";
  std::sort(committed.begin(), committed.end(),
            [](const TxnRecord& a, const TxnRecord& b) { return a.stamp < b.stamp; });
  for (size_t i = 0; i < committed.size(); ++i) {
    const TxnRecord& rec = committed[i];
    ASSERT_EQ(rec.stamp.size(), 10u);
    EXPECT_EQ(FromBE(rec.stamp.substr(0, 8)), static_cast<uint64_t>(rec.commit_version));
    EXPECT_LT(rec.read_version, rec.commit_version);
    if (i > 0) {
      ASSERT_NE(committed[i - 1].stamp, rec.stamp) << "two commits share a versionstamp";
    }
  }

  // Serializability: in commit order, each transaction read what the ones before it wrote.
  std::map<std::string, std::string> state = initial;
  for (size_t i = 0; i < committed.size(); ++i) {
    std::string problem = CheckReads(committed[i], state);
    ASSERT_EQ(problem, "") << "transaction " << i << " of " << committed.size()
                           << " in commit order (read version " << committed[i].read_version
                           << ", commit version " << committed[i].commit_version << "), seed "
                           << seed;
    Apply(committed[i], state);
  }
  TDB_ASSERT_OK_AND_ASSIGN(auto stored, ReadAll("s/", "s0"));
  std::vector<KeyValue> want;
  for (const auto& [k, v] : state) want.push_back({k, v});
  EXPECT_EQ(stored, want) << "the database differs from the replayed history, seed " << seed;

  // Snapshot reads: each transaction saw exactly the commits at or before its read version.
  std::vector<const TxnRecord*> by_read_version;
  for (const auto& rec : committed) by_read_version.push_back(&rec);
  std::stable_sort(
      by_read_version.begin(), by_read_version.end(),
      [](const TxnRecord* a, const TxnRecord* b) { return a->read_version < b->read_version; });
  state = initial;
  size_t applied = 0;
  for (const TxnRecord* rec : by_read_version) {
    while (applied < committed.size() && committed[applied].commit_version <= rec->read_version) {
      Apply(committed[applied++], state);
    }
    std::string problem = CheckReads(*rec, state);
    ASSERT_EQ(problem, "") << "read version " << rec->read_version << " does not show the state "
                           << "as of that version, seed " << seed;
  }
  fmt::print("serializability: {} committed of {} attempts (seed {})\n", committed.size(),
             attempts.load(), seed);
}

// (d) A hot counter: atomic adds from every thread never conflict, and none is lost.
TEST_P(KvConcurrencyTest, HotCounterAddsNeverRetryAndNoneIsLost) {
  const int per_thread = 250 * testing::TestScale();
  std::atomic<int> attempts{0}, commits{0};
  std::atomic<int64_t> added{0};
  const auto deadline = Deadline();
  RunThreads(testing::TestSeed(), [&](int, std::mt19937_64& rng) {
    for (int i = 0; i < per_thread && Before(deadline); ++i) {
      const int64_t delta = 1 + static_cast<int64_t>(rng() % 3);
      Status s = db().Run(
          [&](Transaction& tr) -> Status {
            ++attempts;
            TDB_RETURN_IF_ERROR(tr.Add("counter", delta));
            return tr.Add("total", 1);
          },
          kRun);
      EXPECT_TRUE(IsOk(s));
      if (s.ok()) {
        ++commits;
        added += delta;
      }
    }
  });
  TDB_ASSERT_OK_AND_ASSIGN(auto counter, Read("counter"));
  EXPECT_EQ(counter, std::optional<std::string>(LE64(static_cast<uint64_t>(added.load()))));
  TDB_ASSERT_OK_AND_ASSIGN(auto total, Read("total"));
  EXPECT_EQ(total, std::optional<std::string>(LE64(static_cast<uint64_t>(commits.load()))));
  EXPECT_EQ(attempts.load(), commits.load()) << "an atomic add retried: it conflicted";
  EXPECT_GE(commits.load(), 100);
}

INSTANTIATE_TEST_SUITE_P(Engines, KvConcurrencyTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
