// kill -9 and metering (issue 4): a tenant's write usage is added in the same commit as the
// writes it counts, so no crash can keep one without the other. A child process's writer
// threads each run transactions through a tenant handle that write one new key of a fixed
// size and increment a shared count by read-modify-write (so they conflict, and are retried),
// and report every acknowledged commit; the parent kills the child with SIGKILL at a random
// moment (10 times per durability mode; TENANTDB_TEST_SCALE multiplies, TENANTDB_SEED seeds),
// reopens the store and checks:
//   - every acknowledged key is present, with its value, and the count equals the keys;
//   - the tenant holds nothing but keys the child wrote;
//   - the tenant's metered writes equal two per key present, and its bytes written their
//     sizes: no write usage lost, and none counted for an attempt that was retried, whatever
//     the moment of the kill.
// Under durability=async nothing acknowledged may be lost either: a process crash keeps the
// log already in the OS page cache.
//
// The child is this binary run again (testing::ChildProcess) with
// --gtest_filter=TenantCrashChild.Run and TENANTDB_TENANT_CRASH_* in the environment.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kv/kv_test_util.h"
#include "tenant/runtime.h"
#include "tenantdb/database.h"
#include "tenantdb/tenant.h"
#include "testing/child_process.h"
#include "testing/testing.h"

namespace tenantdb {
namespace {

using std::chrono::steady_clock;
using tenantdb::testing::FromLE;
using tenantdb::testing::LE64;

constexpr int kWriterThreads = 4;
constexpr auto kChildLifetime = std::chrono::seconds(60);
constexpr char kTenant[] = "metered";

// One acknowledged commit, as the child reports it.
struct Written {
  int64_t thread;
  int64_t i;
  int64_t attempts;  // 1 + the retries before it committed
};

// Fixed widths, so every transaction meters the same bytes. A round's keys are its own: no
// key is written twice.
std::string KeyOf(int64_t round, int64_t thread, int64_t i) {
  return fmt::format("k/{:04}/{}/{:08}", round, thread, i);
}
std::string ValueOf(int64_t i) { return fmt::format("{:08}:{}", i, std::string(40, 'v')); }
constexpr char kCount[] = "count";
// What one transaction meters: its key and value, and the count's key and 8-byte value.
const size_t kBytesPerCommit =
    KeyOf(0, 0, 0).size() + ValueOf(0).size() + std::string(kCount).size() + 8;

// ---- The child ---------------------------------------------------------------------------

TEST(TenantCrashChild, Run) {
  const char* dir = std::getenv("TENANTDB_TENANT_CRASH_DIR");
  const char* durability = std::getenv("TENANTDB_TENANT_CRASH_DURABILITY");
  const char* round_text = std::getenv("TENANTDB_TENANT_CRASH_ROUND");
  if (dir == nullptr || durability == nullptr || round_text == nullptr) {
    GTEST_SKIP() << "runs only as the child process of TenantCrashTest";
  }
  const int64_t round = std::atoll(round_text);
  auto db = Database::Open(fmt::format("file:{}?durability={}", dir, durability));
  if (!db.ok()) {
    fmt::print(stderr, "tenant crash child: {}\n", db.status().ToString());
    std::_Exit(2);
  }
  auto tenant = TenantDirectory(**db).Open(kTenant);
  if (!tenant.ok()) {
    fmt::print(stderr, "tenant crash child: {}\n", tenant.status().ToString());
    std::_Exit(2);
  }
  auto deadline = steady_clock::now() + kChildLifetime;
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriterThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int64_t i = 0; i < 10'000'000 && steady_clock::now() < deadline; ++i) {
        int64_t attempts = 0;
        Status s = tenant->Run([&](TenantTransaction& tr) -> Status {
          ++attempts;
          TDB_ASSIGN_OR_RETURN(std::optional<std::string> count, tr.Get(kCount));
          TDB_RETURN_IF_ERROR(tr.Set(kCount, LE64((count ? FromLE(*count) : 0) + 1)));
          return tr.Set(KeyOf(round, t, i), ValueOf(i));
        });
        if (!s.ok()) {
          fmt::print(stderr, "tenant crash child: writer {}: {}\n", t, s.ToString());
          std::_Exit(2);
        }
        if (!testing::ReportToParent(testing::kChildReportFd, Written{t, i, attempts}))
          std::_Exit(3);
      }
    });
  }
  for (auto& w : writers) w.join();
}

// ---- The parent --------------------------------------------------------------------------

// Every key of the tenant, read in pages.
std::vector<KeyValue> AllKeys(Tenant& tenant, const std::string& where) {
  std::vector<KeyValue> out;
  std::string begin;
  for (;;) {
    RangeResult page;
    Status s = tenant.Run([&](TenantTransaction& tr) -> Status {
      RangeOptions ro;
      ro.limit = 10'000;
      TDB_ASSIGN_OR_RETURN(page, tr.GetRange(begin, "\xff", ro));
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << where << ": " << s.ToString();
    if (!s.ok() || page.kvs.empty()) return out;
    begin = page.kvs.back().key + std::string(1, '\0');
    out.insert(out.end(), page.kvs.begin(), page.kvs.end());
    if (!page.more) return out;
  }
}

TenantUsage UsageSum(Database& db, const std::string& where) {
  int64_t today = tenant::DayOf(tenant::NowMicros(db));
  auto days = TenantDirectory(db).Usage(kTenant, today - 2, today + 1);
  EXPECT_TRUE(days.ok()) << where << ": " << days.status().ToString();
  TenantUsage sum;
  if (!days.ok()) return sum;
  for (const TenantUsage& d : *days) {
    sum.writes += d.writes;
    sum.bytes_written += d.bytes_written;
  }
  return sum;
}

class TenantCrashTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TenantCrashTest, KillNineKeepsWriteUsageExactlyWithTheWrites) {
  const std::string durability = GetParam();
  const int kills = 10 * testing::TestScale();
  std::mt19937_64 rng(testing::TestSeed());
  testing::TempDir dir;
  const std::string store = dir.path().string();
  TenantUsage before;
  {
    auto db = Database::Open("file:" + store);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(TenantDirectory(**db).Create(kTenant).ok());
    before = UsageSum(**db, "before the first round");
  }
  std::set<std::string> acknowledged;
  size_t present = 0;
  int64_t retries = 0;
  auto started = steady_clock::now();
  for (int round = 0; round < kills; ++round) {
    const std::string where = fmt::format("{} round {}", durability, round);
    std::vector<Written> reports;
    {
      testing::ChildProcess<Written> child(
          "TenantCrashChild.Run",
          {"TENANTDB_TENANT_CRASH_DIR=" + store, "TENANTDB_TENANT_CRASH_DURABILITY=" + durability,
           fmt::format("TENANTDB_TENANT_CRASH_ROUND={}", round)});
      ASSERT_EQ(testing::KillAtARandomMoment(child, round, rng, &reports), "") << where;
    }
    for (const Written& w : reports) {
      acknowledged.insert(KeyOf(round, w.thread, w.i));
      retries += w.attempts - 1;
    }

    auto db = Database::Open("file:" + store);
    ASSERT_TRUE(db.ok()) << where << ": " << db.status().ToString();
    auto tenant = TenantDirectory(**db).Open(kTenant);
    ASSERT_TRUE(tenant.ok()) << where << ": " << tenant.status().ToString();
    std::vector<KeyValue> keys = AllKeys(*tenant, where);
    std::set<std::string> found;
    uint64_t count = 0;
    for (const KeyValue& kv : keys) {
      if (kv.key == kCount) {
        count = FromLE(kv.value);
        continue;
      }
      int64_t r = -1, t = -1, i = -1;
      if (std::sscanf(kv.key.c_str(), "k/%ld/%ld/%ld", &r, &t, &i) != 3 ||
          kv.key != KeyOf(r, t, i) || kv.value != ValueOf(i)) {
        ADD_FAILURE() << where << ": a key the child never wrote: " << kv.key;
        break;
      }
      found.insert(kv.key);
    }
    for (const std::string& k : acknowledged) {
      if (!found.contains(k)) {
        ADD_FAILURE() << where << ": acknowledged write " << k << " lost";
        break;
      }
    }
    EXPECT_EQ(count, found.size()) << where << ": the count disagrees with the keys";
    EXPECT_GE(found.size(), present) << where << ": keys went missing";
    present = found.size();
    TenantUsage usage = UsageSum(**db, where);
    EXPECT_EQ(usage.writes - before.writes, static_cast<int64_t>(2 * found.size()))
        << where << ": metered writes vs keys present";
    EXPECT_EQ(usage.bytes_written - before.bytes_written,
              static_cast<int64_t>(found.size() * kBytesPerCommit))
        << where << ": metered bytes written vs keys present";
    if (HasFailure()) break;
  }
  double seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
  fmt::print("{}: {} kills, {} acknowledged writes ({} retries), {} keys, {:.1f} s\n", durability,
             kills, acknowledged.size(), retries, present, seconds);
  EXPECT_GT(acknowledged.size(), 0u);
  EXPECT_GT(retries, 0) << "no transaction was retried: the count's conflicts were not tested";
}

INSTANTIATE_TEST_SUITE_P(Durability, TenantCrashTest, ::testing::Values("sync", "async"),
                         tenantdb::testing::DurabilityName);

}  // namespace
}  // namespace tenantdb
