// kill -9 crash test (issue 3). A child process commits transactions that each write several
// keys that must agree, and reports every acknowledged commit to the parent through a pipe;
// the parent kills it with SIGKILL at a random moment, reopens the store and checks:
//   - every acknowledged commit is present,
//   - no transaction is partly visible, and the invariants below hold,
//   - the version continues above every version the child was handed, even though the parent
//     reopens with a clock far behind the child's.
// At least 20 kills per durability mode (TENANTDB_TEST_SCALE multiplies), seeded
// (TENANTDB_SEED). Under durability=async nothing acknowledged may be lost either: a process
// crash keeps the write-ahead log that is already in the OS page cache (power loss does not;
// see fault_injection_test.cc).
//
// The child is this test binary run again (testing::ChildProcess) with
// --gtest_filter=CrashChild.Run and TENANTDB_CRASH_* in the environment; without them that
// test is skipped.
//
// Each transaction, by writer thread t:
//   n = counter + 1, m = thread/<t> + 1
//   counter = n; log/<n> = "<t>:<m>:<filler>"; thread/<t> = m; tlog/<t>/<m> = n; adds += 1
// Invariants: log holds exactly log/1..log/<counter>; for every t, tlog/<t>/ holds exactly
// 1..thread/<t> and sum(thread/<t>) = counter; log/<n> = "t:m" iff tlog/<t>/<m> = n;
// adds = counter (an atomic add, applied at commit, agrees with the read-modify-writes).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kv/kv_test_util.h"
#include "tenantdb/database.h"
#include "testing/child_process.h"

namespace tenantdb {
namespace {

using std::chrono::steady_clock;
using tenantdb::testing::FromLE;
using tenantdb::testing::LE64;

constexpr int kWriterThreads = 4;
// A child that is never killed stops by itself after this long.
constexpr auto kChildLifetime = std::chrono::seconds(60);

// One acknowledged commit, as the child reports it. Fixed size, well under PIPE_BUF, so each
// write to the pipe is atomic.
struct Report {
  int64_t n;        // the counter value the transaction wrote
  int64_t m;        // its writer thread's own count
  int64_t thread;   // the writer thread
  int64_t version;  // its commit version
};

std::string LogKey(int64_t n) { return fmt::format("log/{:08}", n); }
std::string ThreadKey(int64_t t) { return fmt::format("thread/{}", t); }
std::string ThreadLogKey(int64_t t, int64_t m) { return fmt::format("tlog/{}/{:08}", t, m); }
std::string LogValue(int64_t t, int64_t m) {
  return fmt::format("{}:{}:{}", t, m, std::string(100, 'f'));
}

uint64_t Number(const std::optional<std::string>& v) { return v ? FromLE(*v) : 0; }

// ---- The child ---------------------------------------------------------------------------

void WriterLoop(Database& db, int t, int fd, steady_clock::time_point deadline) {
  Transaction tr = db.CreateTransaction();
  for (int i = 0; i < 10'000'000 && steady_clock::now() < deadline; ++i) {
    Report r{0, 0, t, 0};
    Status s = [&]() -> Status {
      TDB_ASSIGN_OR_RETURN(auto counter, tr.Get("counter"));
      TDB_ASSIGN_OR_RETURN(auto mine, tr.Get(ThreadKey(t)));
      r.n = static_cast<int64_t>(Number(counter)) + 1;
      r.m = static_cast<int64_t>(Number(mine)) + 1;
      TDB_RETURN_IF_ERROR(tr.Set("counter", LE64(r.n)));
      TDB_RETURN_IF_ERROR(tr.Set(LogKey(r.n), LogValue(t, r.m)));
      TDB_RETURN_IF_ERROR(tr.Set(ThreadKey(t), LE64(r.m)));
      TDB_RETURN_IF_ERROR(tr.Set(ThreadLogKey(t, r.m), LE64(r.n)));
      TDB_RETURN_IF_ERROR(tr.Add("adds", 1));
      TDB_RETURN_IF_ERROR(tr.Commit());
      TDB_ASSIGN_OR_RETURN(r.version, tr.GetCommittedVersion());
      return Status::OK();
    }();
    if (s.ok()) {
      if (!tenantdb::testing::ReportToParent(fd, r)) std::_Exit(3);
      tr.Reset();
      continue;
    }
    if (!tr.OnError(s).ok()) {
      fmt::print(stderr, "crash child: writer {}: {}\n", t, s.ToString());
      std::_Exit(2);
    }
  }
}

TEST(CrashChild, Run) {
  const char* dir = std::getenv("TENANTDB_CRASH_DIR");
  const char* fd_text = std::getenv("TENANTDB_CRASH_FD");
  const char* durability = std::getenv("TENANTDB_CRASH_DURABILITY");
  if (dir == nullptr || fd_text == nullptr || durability == nullptr) {
    GTEST_SKIP() << "runs only as the child process of CrashTest";
  }
  int fd = std::atoi(fd_text);
  auto db = Database::Open(fmt::format("file:{}?durability={}", dir, durability));
  if (!db.ok()) {
    fmt::print(stderr, "crash child: {}\n", db.status().ToString());
    std::_Exit(2);
  }
  auto deadline = steady_clock::now() + kChildLifetime;
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriterThreads; ++t) {
    writers.emplace_back([&, t] { WriterLoop(**db, t, fd, deadline); });
  }
  for (auto& w : writers) w.join();
}

// ---- The parent --------------------------------------------------------------------------

// Checks the invariants of the store at `dir` and that every report is in it; returns the
// counter.
int64_t CheckStore(Database& db, const std::vector<Report>& reports, const std::string& where) {
  Transaction tr = db.CreateTransaction();
  auto counter = tr.Get("counter");
  auto adds = tr.Get("adds");
  auto log = tr.GetRange("log/", "log0");
  auto tlog = tr.GetRange("tlog/", "tlog0");
  auto threads = tr.GetRange("thread/", "thread0");
  EXPECT_TRUE(counter.ok() && adds.ok() && log.ok() && tlog.ok() && threads.ok()) << where;
  if (!counter.ok() || !adds.ok() || !log.ok() || !tlog.ok() || !threads.ok()) return -1;
  const int64_t c = static_cast<int64_t>(Number(*counter));
  EXPECT_EQ(static_cast<int64_t>(Number(*adds)), c) << where << ": the atomic adds disagree";
  EXPECT_EQ(static_cast<int64_t>(log->kvs.size()), c) << where << ": log entries vs counter";
  std::map<std::string, std::string> tlog_map;
  for (const KeyValue& kv : tlog->kvs) tlog_map[kv.key] = kv.value;
  for (size_t i = 0; i < log->kvs.size(); ++i) {
    const KeyValue& kv = log->kvs[i];
    const int64_t n = static_cast<int64_t>(i) + 1;
    if (kv.key != LogKey(n)) {
      ADD_FAILURE() << where << ": log gap: entry " << n << " is " << kv.key;
      return c;
    }
    int64_t t = 0, m = 0;
    if (std::sscanf(kv.value.c_str(), "%ld:%ld:", &t, &m) != 2 || kv.value != LogValue(t, m)) {
      ADD_FAILURE() << where << ": bad log value at " << n;
      return c;
    }
    auto it = tlog_map.find(ThreadLogKey(t, m));
    if (it == tlog_map.end() || static_cast<int64_t>(FromLE(it->second)) != n) {
      ADD_FAILURE() << where << ": log/" << n << " has no matching " << ThreadLogKey(t, m);
      return c;
    }
  }
  int64_t sum = 0;
  for (const KeyValue& kv : threads->kvs) {
    int64_t t = std::stoll(kv.key.substr(7));
    int64_t m = static_cast<int64_t>(FromLE(kv.value));
    sum += m;
    for (int64_t j = 1; j <= m; ++j) {
      if (!tlog_map.contains(ThreadLogKey(t, j))) {
        ADD_FAILURE() << where << ": " << ThreadLogKey(t, j) << " missing";
        return c;
      }
    }
  }
  EXPECT_EQ(sum, c) << where << ": per-thread counts vs counter";
  EXPECT_EQ(static_cast<int64_t>(tlog_map.size()), c) << where;
  for (const Report& r : reports) {
    if (r.n > c || r.n > static_cast<int64_t>(log->kvs.size())) {
      ADD_FAILURE() << where << ": acknowledged commit n=" << r.n << " lost (counter " << c << ")";
      return c;
    }
    if (log->kvs[static_cast<size_t>(r.n - 1)].value != LogValue(r.thread, r.m)) {
      ADD_FAILURE() << where << ": acknowledged commit n=" << r.n << " was replaced";
      return c;
    }
  }
  return c;
}

class CrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CrashTest, KillNineLosesNoAcknowledgedCommitAndNothingIsPartial) {
  const std::string durability = GetParam();
  const int kills = 20 * tenantdb::testing::TestScale();
  std::mt19937_64 rng(tenantdb::testing::TestSeed());
  tenantdb::testing::TempDir dir;
  std::vector<Report> all;
  Version highest = 0;
  int64_t counter = 0;
  int early_kills = 0;
  auto started = steady_clock::now();

  for (int round = 0; round < kills; ++round) {
    const std::string where = fmt::format("{} round {}", durability, round);
    std::vector<Report> reports;
    {
      tenantdb::testing::ChildProcess<Report> child(
          "CrashChild.Run", {"TENANTDB_CRASH_DIR=" + dir.path().string(),
                             fmt::format("TENANTDB_CRASH_FD={}", tenantdb::testing::kChildReportFd),
                             "TENANTDB_CRASH_DURABILITY=" + durability});
      bool early = round % 5 == 4;
      early_kills += early ? 1 : 0;
      std::string died = tenantdb::testing::KillAtARandomMoment(child, round, rng, &reports, [&] {
        if (round == 0) {
          // The child holds the store: another process cannot open it.
          auto locked = Database::Open("file:" + dir.path().string());
          TDB_EXPECT_ERROR(locked, ErrorCode::kStoreLocked) << where;
        }
      });
      ASSERT_EQ(died, "") << where;
    }
    for (const Report& r : reports) highest = std::max(highest, r.version);
    all.insert(all.end(), reports.begin(), reports.end());

    // Reopen with a clock far behind the child's: versions must still continue above.
    DatabaseOptions options;
    options.clock = std::make_shared<ManualClock>(1'000);
    auto db = Database::Open("file:" + dir.path().string(), options);
    ASSERT_TRUE(db.ok()) << where << ": " << db.status().ToString();
    int64_t c = CheckStore(**db, all, where);
    EXPECT_GE(c, counter) << where << ": the counter went back";
    counter = c;
    EXPECT_GE((*db)->CurrentVersion(), highest) << where;
    Transaction probe = (*db)->CreateTransaction();
    TDB_ASSERT_OK(probe.Set("probe", fmt::format("{}", round)));
    TDB_ASSERT_OK(probe.Commit());
    auto v = probe.GetCommittedVersion();
    ASSERT_TRUE(v.ok());
    EXPECT_GT(*v, highest) << where << ": a version was handed out twice";
    highest = *v;
    if (HasFailure()) break;
  }
  double seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
  fmt::print("{}: {} kills ({} early), {} acknowledged commits, counter {}, {:.1f} s\n", durability,
             kills, early_kills, all.size(), counter, seconds);
  EXPECT_GT(all.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Durability, CrashTest, ::testing::Values("sync", "async"),
                         tenantdb::testing::DurabilityName);

}  // namespace
}  // namespace tenantdb
