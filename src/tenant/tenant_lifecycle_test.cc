// A tenant transaction sees the tenant's state as of its read version: writers that started
// before a delete or lock fail to commit (not_committed, then tenant_not_found / tenant_locked
// on retry) instead of writing into a deleted or locked tenant. Checked by interleaving two
// transactions by hand, then with writer threads racing a delete and a lock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tenant/layout.h"
#include "tenant/tenant_test_util.h"

namespace tenantdb {
namespace {

using testing::Model;

class TenantLifecycleTest : public testing::TenantTest {};

enum class Change { kDelete, kLock };

// Where the writer's read version is taken relative to the directory change: at its first
// write (before the change), or at an earlier read (the write comes after the change).
enum class Start { kBlindWrite, kReadThenWrite };

void Apply(TenantDirectory& dir, Change change, std::string_view name) {
  Status s = change == Change::kDelete ? dir.Delete(name) : dir.Lock(name);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

ErrorCode AfterRetry(Change change) {
  return change == Change::kDelete ? ErrorCode::kTenantNotFound : ErrorCode::kTenantLocked;
}

TEST_P(TenantLifecycleTest, WriterStartedBeforeTheChangeFailsToCommit) {
  for (Change change : {Change::kDelete, Change::kLock}) {
    for (Start start : {Start::kBlindWrite, Start::kReadThenWrite}) {
      const std::string name =
          fmt::format("t{}{}", static_cast<int>(change), static_cast<int>(start));
      SCOPED_TRACE(name);
      TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make(name));
      TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get(name));
      TDB_ASSERT_OK(TenantPut(t, "existing", "1"));

      TenantTransaction writer = t.CreateTransaction();
      if (start == Start::kBlindWrite) {
        TDB_ASSERT_OK(writer.Set("k", "v"));  // reads the entry, then the change commits
        Apply(dir(), change, name);
      } else {
        TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> v, writer.Get("existing"));
        EXPECT_EQ(v, "1");
        Apply(dir(), change, name);           // commits after the writer's read version
        TDB_ASSERT_OK(writer.Set("k", "v"));  // sees the entry as of its read version
      }
      TDB_EXPECT_ERROR(writer.Commit(), ErrorCode::kNotCommitted);
      writer.Reset();
      TDB_EXPECT_ERROR(writer.Set("k", "v"), AfterRetry(change));
      // Through the retry loop the outcome is the same.
      TDB_EXPECT_ERROR(TenantPut(t, "k", "v"), AfterRetry(change));

      TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
      if (change == Change::kDelete) {
        EXPECT_TRUE(raw.empty());
      } else {
        EXPECT_EQ(raw, (Model{{"existing", "1"}}));
      }
    }
  }
}

// A write transaction relies on the entry this process read within the last second and only
// checks, at commit, that nobody wrote the entry since. Here the entry is rewritten behind the
// tenant layer's back (a raw system-key write, so nothing in this process is told): a writer
// on the cached entry must still fail to commit, and its retry must see the lock.
TEST_P(TenantLifecycleTest, AnEntryChangedBehindTheCacheStillStopsWriters) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("cached"));
  TDB_ASSERT_OK(TenantPut(t, "k", "1"));  // reads the entry: active, as of now
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("cached"));
  TenantTransaction writer = t.CreateTransaction();
  TDB_ASSERT_OK(writer.Set("k", "2"));  // relies on the cached entry: no read
  info.state = TenantState::kLocked;
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), tenant::EncodeEntry(info)));
  TDB_EXPECT_ERROR(writer.Commit(), ErrorCode::kNotCommitted);
  writer.Reset();
  TDB_EXPECT_ERROR(writer.Set("k", "3"), ErrorCode::kTenantLocked);
  TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> v, TenantGet(t, "k"));
  EXPECT_EQ(v, "1");
  // A write that began before the change, on a read version older than the cached entry's,
  // reads the entry itself and is stopped the same way.
  info.state = TenantState::kActive;
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), tenant::EncodeEntry(info)));
  TDB_ASSERT_OK(TenantPut(t, "k", "4"));
  TenantTransaction old_writer = t.CreateTransaction();
  TDB_ASSERT_OK(old_writer.Get("k").status());
  info.state = TenantState::kLocked;
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), tenant::EncodeEntry(info)));
  TDB_ASSERT_OK(old_writer.Set("k", "5"));  // the entry as of its read version: active
  TDB_EXPECT_ERROR(old_writer.Commit(), ErrorCode::kNotCommitted);
  TDB_ASSERT_OK_AND_ASSIGN(v, TenantGet(t, "k"));
  EXPECT_EQ(v, "4");
}

// A writer whose first write comes seconds after its first read checks the entry at the time
// of that write: the cached entry (found active 0.9 s before the read) is 5.4 s old by then,
// too old to lean on, and the writer commits (4.5 s after its read: inside the window).
TEST_P(TenantLifecycleTest, ALateFirstWriteChecksTheEntryAtItsOwnTime) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("late"));
  TDB_ASSERT_OK(TenantPut(t, "k", "1"));  // reads the entry: active, as of now
  clock().Advance(900'000);
  TenantTransaction writer = t.CreateTransaction();
  TDB_ASSERT_OK(writer.Get("k").status());
  clock().Advance(4'500'000);
  TDB_ASSERT_OK(writer.Set("k", "2"));
  TDB_ASSERT_OK(writer.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> v, TenantGet(t, "k"));
  EXPECT_EQ(v, "2");
}

// A read-only transaction is not disturbed by a lock: reads keep working at its version.
TEST_P(TenantLifecycleTest, ReadersAreNotAffectedByALock) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK(TenantPut(t, "k", "v"));
  TenantTransaction reader = t.CreateTransaction();
  TDB_ASSERT_OK(reader.Get("k").status());
  TDB_ASSERT_OK(dir().Lock("t"));
  TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> v, reader.Get("k"));
  EXPECT_EQ(v, "v");
  TDB_EXPECT_OK(reader.Commit());
  // A reader of a deleted tenant sees its data as of its read version, then nothing.
  TDB_ASSERT_OK(dir().Unlock("t"));
  TenantTransaction old_reader = t.CreateTransaction();
  TDB_ASSERT_OK(old_reader.GetReadVersion().status());
  TDB_ASSERT_OK(dir().Delete("t"));
  TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> before, old_reader.Get("k"));
  EXPECT_EQ(before, "v");
  TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> after, TenantGet(t, "k"));
  EXPECT_FALSE(after.has_value());
}

// Writer threads race a delete: every write either committed before the delete (and was then
// removed with the tenant) or failed with tenant_not_found; nothing is ever left under the old
// prefix, and the writers' errors are nothing else.
TEST_P(TenantLifecycleTest, ConcurrentWritersAndDelete) {
  const int rounds = 3 * testing::TestScale();
  for (int round = 0; round < rounds; ++round) {
    const std::string name = fmt::format("victim{}", round);
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make(name));
    TDB_ASSERT_OK_AND_ASSIGN(Tenant bystander, Make(name + "-bystander"));
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get(name));
    std::atomic<int> committed{0};
    std::vector<std::thread> writers;
    std::vector<Status> final_status(4);
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        RunOptions o;
        o.max_retries = 1000;
        for (int i = 0; i < 100'000 && std::chrono::steady_clock::now() < deadline; ++i) {
          Status s = t.Run(
              [&](TenantTransaction& tr) {
                TDB_RETURN_IF_ERROR(tr.Get("counter").status());
                TDB_RETURN_IF_ERROR(tr.Add("counter", 1));
                return tr.Set(fmt::format("w{}/{:06}", w, i), "x");
              },
              o);
          if (!s.ok()) {
            final_status[w] = s;
            return;
          }
          committed.fetch_add(1);
        }
        final_status[w] = Error(ErrorCode::kTimedOut, "the writer never saw the delete");
      });
    }
    // Let the writers get going, then delete.
    const auto wait_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (committed.load() < 20 && std::chrono::steady_clock::now() < wait_until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    TDB_EXPECT_OK(dir().Delete(name));
    for (auto& th : writers) th.join();
    for (const Status& s : final_status) {
      EXPECT_EQ(s.code(), ErrorCode::kTenantNotFound) << s.ToString();
    }
    EXPECT_GT(committed.load(), 0);
    TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
    EXPECT_TRUE(raw.empty()) << raw.size() << " keys written into a deleted tenant";
    TDB_ASSERT_OK_AND_ASSIGN(Model other, TenantScan(bystander));
    EXPECT_TRUE(other.empty());
    // The name is reusable and the new tenant is empty.
    TDB_ASSERT_OK_AND_ASSIGN(Tenant again, Make(name));
    EXPECT_NE(again.id(), t.id());
    TDB_ASSERT_OK_AND_ASSIGN(Model fresh, TenantScan(again));
    EXPECT_TRUE(fresh.empty());
  }
}

// Writer threads race a lock: once Lock returns, the tenant's data never changes again, and
// every writer ends with tenant_locked. The counter each writer increments agrees with the
// number of rows written (each commit is all or nothing).
TEST_P(TenantLifecycleTest, ConcurrentWritersAndLock) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  std::atomic<int> committed{0};
  std::vector<std::thread> writers;
  std::vector<Status> final_status(4);
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      RunOptions o;
      o.max_retries = 1000;
      for (int i = 0; i < 100'000 && std::chrono::steady_clock::now() < deadline; ++i) {
        Status s = t.Run(
            [&](TenantTransaction& tr) {
              TDB_RETURN_IF_ERROR(tr.Add("counter", 1));
              return tr.Set(fmt::format("w{}/{:06}", w, i), "x");
            },
            o);
        if (!s.ok()) {
          final_status[w] = s;
          return;
        }
        committed.fetch_add(1);
      }
      final_status[w] = Error(ErrorCode::kTimedOut, "the writer never saw the lock");
    });
  }
  const auto wait_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (committed.load() < 20 && std::chrono::steady_clock::now() < wait_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  TDB_ASSERT_OK(dir().Lock("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Model at_lock, RawUnder(info.prefix));
  for (auto& th : writers) th.join();
  for (const Status& s : final_status) {
    EXPECT_EQ(s.code(), ErrorCode::kTenantLocked) << s.ToString();
  }
  TDB_ASSERT_OK_AND_ASSIGN(Model after, RawUnder(info.prefix));
  EXPECT_EQ(after.size(), at_lock.size());
  EXPECT_TRUE(after == at_lock) << "data changed after Lock returned";
  ASSERT_TRUE(after.count("counter"));
  EXPECT_EQ(testing::FromLE(after["counter"]), after.size() - 1);
  EXPECT_EQ(static_cast<size_t>(committed.load()), after.size() - 1);

  TDB_ASSERT_OK(dir().Unlock("t"));
  TDB_EXPECT_OK(TenantPut(t, "after-unlock", "1"));
}

// Directory changes racing each other serialize: of many concurrent creates of one name
// exactly one wins, and ids are never handed out twice.
TEST_P(TenantLifecycleTest, ConcurrentCreatesAllocateDistinctIds) {
  std::vector<std::thread> threads;
  std::vector<std::vector<TenantInfo>> made(4);
  std::atomic<int> same_name_wins{0};
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 15; ++i) {
        auto r = dir().Create(fmt::format("c{}-{}", w, i));
        if (r.ok()) made[w].push_back(*r);
        auto shared = dir().Create("shared");
        if (shared.ok()) {
          same_name_wins.fetch_add(1);
        } else {
          EXPECT_EQ(shared.status().code(), ErrorCode::kTenantAlreadyExists);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(same_name_wins.load(), 1);
  std::map<int64_t, std::string> ids;
  for (const auto& list : made) {
    EXPECT_EQ(list.size(), 15u);
    for (const TenantInfo& info : list) {
      EXPECT_TRUE(ids.emplace(info.id, info.name).second) << "id " << info.id << " twice";
    }
  }
  TDB_ASSERT_OK_AND_ASSIGN(TenantPage page, dir().List({}, 1000));
  EXPECT_EQ(page.tenants.size(), 61u);
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantLifecycleTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
