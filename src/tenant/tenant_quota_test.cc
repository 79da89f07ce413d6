// Quotas (operations per second, stored bytes) and metering (usage per tenant per day, stored
// bytes). Time is a ManualClock, so the ops/s budget and the once-a-second refreshes are
// deterministic.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kv/engine/engine.h"
#include "tenant/layout.h"
#include "tenant/tenant_test_util.h"

namespace tenantdb {
namespace {

using testing::Model;

class TenantQuotaTest : public testing::TenantTest {
 protected:
  // Usage of `name` today, or all zero.
  TenantUsage UsageToday(std::string_view name) {
    auto r = dir().Usage(name, Today(), Today());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->empty()) return TenantUsage{Today()};
    EXPECT_EQ(r->size(), 1u);
    return r->front();
  }
  // The usage counter as stored (its deferred adds published), without flushing pending
  // read-only usage first.
  TenantUsage StoredUsage(int64_t id) {
    EXPECT_TRUE(db().engine().PublishDeferred().ok());
    Transaction tr = db().CreateTransaction({.system_access = true});
    auto v = tr.Get(tenant::UsageKey(id, Today()));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (!v.ok() || !v->has_value()) return TenantUsage{Today()};
    return tenant::DecodeUsage(Today(), **v);
  }
  static std::string RandomBytes(std::mt19937_64& rng, size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  }
};

TenantCreateOptions WithQuota(const TenantQuota& quota) {
  TenantCreateOptions o;
  o.quota = quota;
  return o;
}

void ExpectUsage(const TenantUsage& u, int64_t reads, int64_t writes, int64_t bytes_read,
                 int64_t bytes_written) {
  EXPECT_EQ(u.reads, reads);
  EXPECT_EQ(u.writes, writes);
  EXPECT_EQ(u.bytes_read, bytes_read);
  EXPECT_EQ(u.bytes_written, bytes_written);
}

TEST_P(TenantQuotaTest, NegativeQuotasAreRejected) {
  TDB_EXPECT_ERROR(dir().Create("t", WithQuota({.storage_bytes = -1})),
                   ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(dir().Create("t", WithQuota({.ops_per_second = -5})),
                   ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(dir().Get("t"), ErrorCode::kTenantNotFound);
  TDB_ASSERT_OK(dir().Create("t", WithQuota({.storage_bytes = 7, .ops_per_second = 8})).status());
  TDB_EXPECT_ERROR(dir().SetQuota("t", {.storage_bytes = -1}), ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(dir().SetQuota("t", {.ops_per_second = INT64_MIN}), ErrorCode::kInvalidArgument);
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  EXPECT_EQ(info.quota, (TenantQuota{.storage_bytes = 7, .ops_per_second = 8}));
  TDB_ASSERT_OK(dir().SetQuota("t", {.storage_bytes = 0, .ops_per_second = 9}));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo changed, dir().Get("t"));
  EXPECT_EQ(changed.quota, (TenantQuota{.storage_bytes = 0, .ops_per_second = 9}));
}

TEST_P(TenantQuotaTest, OpsPerSecondBudgetAndRefill) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t", WithQuota({.ops_per_second = 10})));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant unlimited, Make("free"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  {
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 10; ++i) TDB_ASSERT_OK(tr.Get(fmt::format("k{}", i)).status()) << i;
    Status over = tr.Get("one too many").status();
    TDB_ASSERT_ERROR(over, ErrorCode::kQuotaExceeded);
    EXPECT_NE(over.message().find("operations-per-second quota of 10"), std::string::npos)
        << over.message();
    TDB_EXPECT_ERROR(tr.Commit(), ErrorCode::kQuotaExceeded);  // the commit fails too
  }
  // Every kind of operation draws on the same budget, from any handle on the tenant.
  TDB_ASSERT_OK_AND_ASSIGN(Tenant second, dir().Open("t"));
  {
    TenantTransaction tr = second.CreateTransaction();
    TDB_EXPECT_ERROR(tr.Get("k"), ErrorCode::kQuotaExceeded);
    TDB_EXPECT_ERROR(tr.GetKey(KeySelector::FirstGreaterOrEqual("")), ErrorCode::kQuotaExceeded);
    TDB_EXPECT_ERROR(tr.Set("k", "v"), ErrorCode::kQuotaExceeded);
  }
  TDB_EXPECT_ERROR(TenantPut(t, "k", "v"), ErrorCode::kQuotaExceeded);
  // Other tenants are not affected.
  for (int i = 0; i < 50; ++i) TDB_ASSERT_OK(TenantPut(unlimited, "k", "v"));

  // A second refills the budget; half a second refills half of it.
  clock().Advance(1'000'000);
  TDB_ASSERT_OK(TenantPut(t, "k", "v"));
  clock().Advance(1'000'000);
  {
    // A writer that runs over the budget commits nothing, not even its earlier writes.
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 10; ++i) TDB_ASSERT_OK(tr.Set(fmt::format("w{}", i), "v")) << i;
    TDB_EXPECT_ERROR(tr.Set("w10", "v"), ErrorCode::kQuotaExceeded);
    TDB_EXPECT_ERROR(tr.Commit(), ErrorCode::kQuotaExceeded);
  }
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{"k", "v"}}));
  clock().Advance(500'000);
  {
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 5; ++i) TDB_ASSERT_OK(tr.Get("k").status()) << i;
    TDB_EXPECT_ERROR(tr.Get("k"), ErrorCode::kQuotaExceeded);
    tr.Reset();  // a reset transaction starts clean, but the budget is still spent
    TDB_EXPECT_ERROR(tr.Get("k"), ErrorCode::kQuotaExceeded);
  }
  // The budget never exceeds one second of operations, however long the tenant was idle.
  clock().Advance(60'000'000);
  {
    TenantTransaction tr = t.CreateTransaction();
    int ok = 0;
    for (int i = 0; i < 30; ++i) ok += tr.Get("k").ok() ? 1 : 0;
    EXPECT_EQ(ok, 10);
  }
}

// A transaction reads the clock once and reuses it; the ops budget must still refill by the
// time that passes while it runs, and an older transaction's time must not drain the budget.
TEST_P(TenantQuotaTest, OpsBudgetRefillsDuringALongTransaction) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t", WithQuota({.ops_per_second = 10})));
  {
    // One operation per 100 ms is exactly the rate: never refused, however many.
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 40; ++i) {
      TDB_ASSERT_OK(tr.Set(fmt::format("k{}", i), "v")) << i;
      clock().Advance(100'000);
    }
    TDB_ASSERT_OK(tr.Commit());
  }
  clock().Advance(1'000'000);
  TenantTransaction old = t.CreateTransaction();
  TDB_ASSERT_OK(old.Get("k0").status());  // reads the clock now
  clock().Advance(1'000'000);
  {
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 5; ++i) TDB_ASSERT_OK(tr.Get("k1").status()) << i;
  }
  // `old` still holds the earlier time: its operations take the 5 left, no more, no fewer.
  int ok = 0;
  for (int i = 0; i < 10; ++i) ok += old.Get("k2").ok() ? 1 : 0;
  EXPECT_EQ(ok, 5);
}

TEST_P(TenantQuotaTest, QuotaChangesApplyToTheNextTransaction) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t", WithQuota({.ops_per_second = 5})));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  {
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 5; ++i) TDB_ASSERT_OK(tr.Get("k").status());
    TDB_ASSERT_ERROR(tr.Get("k"), ErrorCode::kQuotaExceeded);
  }
  // Lifting the quota lets the next transaction, a reader, through at once.
  TDB_ASSERT_OK(dir().SetQuota("t", {.ops_per_second = 0}));
  {
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 20; ++i) TDB_ASSERT_OK(tr.Get("k").status()) << i;
  }
  // A new rate applies at once, with a full second of budget.
  TDB_ASSERT_OK(dir().SetQuota("t", {.ops_per_second = 3}));
  {
    TenantTransaction tr = t.CreateTransaction();
    for (int i = 0; i < 3; ++i) TDB_ASSERT_OK(tr.Get("k").status()) << i;
    TDB_EXPECT_ERROR(tr.Get("k"), ErrorCode::kQuotaExceeded);
  }
  TDB_ASSERT_OK(dir().SetQuota("t", {.storage_bytes = 100}));
  const std::string big(1000, 'v');
  TDB_EXPECT_ERROR(TenantPut(t, "k", big), ErrorCode::kQuotaExceeded);
  TDB_ASSERT_OK(dir().SetQuota("t", {}));
  TDB_EXPECT_OK(TenantPut(t, "k", big));

  // A writer in flight when the quota changes fails to commit (it conflicts on the entry, or
  // meets the new quota at commit), writes nothing, and its retry runs under the new quota.
  TenantTransaction writer = t.CreateTransaction();
  TDB_ASSERT_OK(writer.Set("k2", big));
  TDB_ASSERT_OK(dir().SetQuota("t", {.storage_bytes = 100}));
  Status first = writer.Commit();
  EXPECT_TRUE(first.code() == ErrorCode::kNotCommitted || first.code() == ErrorCode::kQuotaExceeded)
      << first.ToString();
  writer.Reset();
  TDB_ASSERT_OK(writer.Set("k2", big));
  TDB_EXPECT_ERROR(writer.Commit(), ErrorCode::kQuotaExceeded);
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{"k", big}}));
}

TEST_P(TenantQuotaTest, StorageQuotaRefusesTheWriteThatGoesOver) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t", WithQuota({.storage_bytes = 100'000})));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  const std::string chunk(40'000, 'x');
  Status s = t.Run([&](TenantTransaction& tr) {
    for (int i = 0; i < 3; ++i) TDB_RETURN_IF_ERROR(tr.Set(fmt::format("c{}", i), chunk));
    return Status::OK();
  });
  TDB_ASSERT_ERROR(s, ErrorCode::kQuotaExceeded);
  EXPECT_NE(s.message().find("storage quota of 100000 bytes"), std::string::npos) << s.message();
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_TRUE(raw.empty()) << "a refused transaction wrote " << raw.size() << " keys";
  TDB_EXPECT_OK(TenantPut(t, "small", "v"));
  // Clears and reads are not refused for what they write.
  TDB_EXPECT_OK(t.Run([](TenantTransaction& tr) { return tr.ClearRange("", "\xff"); }));
}

// A tenant over its storage quota (here: lowered below what it holds) can still free space:
// a transaction that only clears adds nothing and is never refused for storage, while any set
// or atomic operation in a transaction is.
TEST_P(TenantQuotaTest, ATenantOverItsStorageQuotaCanClear) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  const std::string long_key = "a-key-longer-than-the-quota";
  TDB_ASSERT_OK(TenantPut(t, long_key, std::string(1000, 'v')));
  TDB_ASSERT_OK(TenantPut(t, "keep", "v"));
  TDB_ASSERT_OK(dir().SetQuota("t", {.storage_bytes = 1}));
  TDB_EXPECT_ERROR(TenantPut(t, "new", "v"), ErrorCode::kQuotaExceeded);
  TDB_EXPECT_ERROR(t.Run([](TenantTransaction& tr) { return tr.Add("n", 1); }),
                   ErrorCode::kQuotaExceeded);
  TDB_EXPECT_OK(t.Run([&](TenantTransaction& tr) { return tr.Clear(long_key); }));
  TDB_EXPECT_OK(t.Run([](TenantTransaction& tr) { return tr.ClearRange("a", "b"); }));
  TDB_ASSERT_OK(dir().SetQuota("t", {}));
  TDB_ASSERT_OK(TenantPut(t, "cac", "value-to-compare"));
  TDB_ASSERT_OK(dir().SetQuota("t", {.storage_bytes = 1}));
  TDB_EXPECT_OK(t.Run([](TenantTransaction& tr) {
    return tr.Atomic(MutationType::kCompareAndClear, "cac", "value-to-compare");
  }));
  // A clear with a set is checked for the set's bytes.
  TDB_EXPECT_ERROR(t.Run([](TenantTransaction& tr) {
    TDB_RETURN_IF_ERROR(tr.Clear("keep"));
    return tr.Set("k", "v");
  }),
                   ErrorCode::kQuotaExceeded);
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{"keep", "v"}}));
}

// Stored bytes come from the engine's estimate, refreshed at most once a second.
TEST_P(TenantQuotaTest, StoredBytesGrowAndDriveTheStorageQuota) {
  std::mt19937_64 rng(testing::TestSeed());
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant other, Make("other"));
  TDB_ASSERT_OK_AND_ASSIGN(int64_t empty, dir().StoredBytes("t"));
  EXPECT_GE(empty, 0);
  for (int batch = 0; batch < 10; ++batch) {
    TDB_ASSERT_OK(t.Run([&](TenantTransaction& tr) {
      for (int i = 0; i < 10; ++i) {
        TDB_RETURN_IF_ERROR(
            tr.Set(fmt::format("b{:02}/{:02}", batch, i), RandomBytes(rng, 10'000)));
      }
      return Status::OK();
    }));
  }
  TDB_ASSERT_OK_AND_ASSIGN(int64_t stored, dir().StoredBytes("t"));
  EXPECT_GT(stored, empty);
  EXPECT_GT(stored, 0);
  TDB_ASSERT_OK_AND_ASSIGN(int64_t others, dir().StoredBytes("other"));
  EXPECT_LT(others, stored / 10) << "another tenant's estimate counts this tenant's data";
  if (stored < 100'000) GTEST_SKIP() << "the engine estimates only " << stored << " bytes";

  // A quota 50 KB above the estimate: a 270 KB write goes over it, a 40 KB one does not. (Far
  // over, so the test does not depend on how exact the estimate is: RocksDB's own memtable
  // estimate moved by tens of KB here when other keys were written.)
  TDB_ASSERT_OK(dir().SetQuota("t", {.storage_bytes = stored + 50'000}));
  clock().Advance(2'000'000);
  TDB_EXPECT_ERROR(t.Run([](TenantTransaction& tr) {
    for (const char* key : {"big1", "big2", "big3"}) {
      TDB_RETURN_IF_ERROR(tr.Set(key, std::string(90'000, 'x')));
    }
    return Status::OK();
  }),
                   ErrorCode::kQuotaExceeded);
  TDB_EXPECT_OK(TenantPut(t, "fits", RandomBytes(rng, 40'000)));
  // Once the estimate is refreshed it includes that write, and the next 40 KB goes over.
  clock().Advance(2'000'000);
  TDB_ASSERT_OK_AND_ASSIGN(int64_t grown, dir().StoredBytes("t"));
  if (grown <= stored + 10'000) GTEST_SKIP() << "the estimate did not grow: " << grown;
  TDB_EXPECT_ERROR(TenantPut(t, "more", RandomBytes(rng, 40'000)), ErrorCode::kQuotaExceeded);
}

// Stored bytes per day: a write commit samples the estimate (before its own writes) at the
// tenant's first write of a day and then at most once a minute; today's row has the estimate
// as of the Usage() call.
TEST_P(TenantQuotaTest, UsageSamplesStoredBytesPerDay) {
  std::mt19937_64 rng(testing::TestSeed());
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  auto load = [&](std::string_view tag, int kib) {
    for (int i = 0; i < kib / 10; ++i) {
      TDB_ASSERT_OK(TenantPut(t, fmt::format("{}/{:03}", tag, i), RandomBytes(rng, 10'240)));
    }
  };
  constexpr int64_t kDay = 86'400'000'000;
  load("d0", 200);  // day 0: its first commit samples the empty tenant
  TDB_ASSERT_OK_AND_ASSIGN(int64_t after_day0, dir().StoredBytes("t"));
  if (after_day0 < 150'000) GTEST_SKIP() << "the engine estimates only " << after_day0;
  clock().Advance(kDay);
  load("d1a", 10);  // day 1: the first commit samples the 200 KiB
  clock().Advance(120'000'000);
  load("d1b", 400);  // two minutes later: sampled again, before these 400 KiB
  clock().Advance(120'000'000);
  load("d1c", 10);  // and again: with them
  clock().Advance(kDay);
  load("d2", 10);
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> days, dir().Usage("t", 0, INT64_MAX / 2));
  ASSERT_EQ(days.size(), 3u);
  EXPECT_GE(days[0].bytes_stored, 0);
  EXPECT_LT(days[0].bytes_stored, 100'000) << "day 0's sample is of the empty tenant";
  EXPECT_GT(days[1].bytes_stored, 450'000) << "day 1's last sample is from after its 400 KiB";
  TDB_ASSERT_OK_AND_ASSIGN(int64_t now, dir().StoredBytes("t"));
  EXPECT_EQ(days[2].bytes_stored, now) << "today's row has the estimate as of the call";
  EXPECT_EQ(days[2].day, days[1].day + 1);
}

TEST_P(TenantQuotaTest, UsageCountsReadsAndWritesPerDay) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant other, Make("other"));
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> none, dir().Usage("t", 0, INT64_MAX / 2));
  EXPECT_TRUE(none.empty());

  // Writes: Set counts key + value, Clear the key, ClearRange both bounds, atomics key + operand.
  TDB_ASSERT_OK(t.Run([](TenantTransaction& tr) {
    TDB_RETURN_IF_ERROR(tr.Set("ab", "cde"));      // 5
    TDB_RETURN_IF_ERROR(tr.Set("x", ""));          // 1
    TDB_RETURN_IF_ERROR(tr.Clear("gone"));         // 4
    TDB_RETURN_IF_ERROR(tr.ClearRange("p", "q"));  // 2
    return tr.Add("n", 1);                         // 1 + 8
  }));
  ExpectUsage(UsageToday("t"), 0, 5, 0, 21);

  // Reads, in a read-only transaction: Get counts key + value, ranges the pairs returned.
  TDB_ASSERT_OK(t.Run([](TenantTransaction& tr) {
    TDB_RETURN_IF_ERROR(tr.Get("ab").status());           // 2 + 3
    TDB_RETURN_IF_ERROR(tr.Get("missing").status());      // 7
    TDB_RETURN_IF_ERROR(tr.GetRange("a", "b").status());  // "ab" "cde": 5
    TDB_RETURN_IF_ERROR(tr.GetRange(KeySelector::FirstGreaterOrEqual("x"),
                                    KeySelector::FirstGreaterOrEqual("y"))
                            .status());                               // "x" "": 1
    return tr.GetKey(KeySelector::FirstGreaterOrEqual("")).status();  // a read, no bytes
  }));
  ExpectUsage(UsageToday("t"), 5, 5, 18, 21);
  ExpectUsage(UsageToday("other"), 0, 0, 0, 0);

  // Another day has its own counter.
  const int64_t day0 = Today();
  clock().Advance(86'400'000'000);
  TDB_ASSERT_OK(TenantPut(t, "k", "v"));
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> both, dir().Usage("t", day0, day0 + 1));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].day, day0);
  EXPECT_EQ(both[1].day, day0 + 1);
  ExpectUsage(both[1], 0, 1, 0, 2);
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> first, dir().Usage("t", day0, day0));
  ASSERT_EQ(first.size(), 1u);
  ExpectUsage(first[0], 5, 5, 18, 21);
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> later, dir().Usage("t", day0 + 2, day0 + 9));
  EXPECT_TRUE(later.empty());
  {
    // A write begun 1 ms before midnight and committed 1 ms after counts on the day it commits.
    clock().Advance((Today() + 1) * 86'400'000'000 - clock().NowMicros() - 1000);
    TenantTransaction tr = t.CreateTransaction();
    TDB_ASSERT_OK(tr.Set("late", "v"));
    clock().Advance(2000);
    TDB_ASSERT_OK(tr.Commit());
    TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> next, dir().Usage("t", day0 + 1, day0 + 2));
    ASSERT_EQ(next.size(), 2u);
    ExpectUsage(next[0], 0, 1, 0, 2);
    EXPECT_EQ(next[1].day, day0 + 2);
    ExpectUsage(next[1], 0, 1, 0, 5);
  }
  // A failed transaction counts nothing.
  EXPECT_FALSE(t.Run([](TenantTransaction& tr) {
                  TDB_RETURN_IF_ERROR(tr.Set("k", "v"));
                  return Error(ErrorCode::kInvalidArgument, "the application gave up");
                }).ok());
  ExpectUsage(UsageToday("t"), 0, 1, 0, 5);  // as the late write left it
}

// Two writers of one tenant that overlap in time both commit: the usage counter is an atomic
// add, not a read-modify-write.
TEST_P(TenantQuotaTest, ConcurrentWritersDoNotConflictOnUsage) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TenantTransaction a = t.CreateTransaction();
  TenantTransaction b = t.CreateTransaction();
  TDB_ASSERT_OK(a.Get("a").status());
  TDB_ASSERT_OK(b.Get("b").status());
  TDB_ASSERT_OK(a.Set("a", "1"));
  TDB_ASSERT_OK(b.Set("b", "2"));
  TDB_EXPECT_OK(a.Commit());
  TDB_EXPECT_OK(b.Commit());
  ExpectUsage(UsageToday("t"), 2, 2, 2, 4);
}

// Read-only transactions have no commit of their own to carry their usage: it reaches the
// counter with the tenant's next write, after a second, or when Usage() is asked.
TEST_P(TenantQuotaTest, ReadOnlyUsageIsWrittenLater) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  auto read_once = [&] {
    TDB_ASSERT_OK(t.Run([](TenantTransaction& tr) { return tr.Get("key").status(); }));
  };
  read_once();
  ExpectUsage(StoredUsage(info.id), 0, 0, 0, 0);
  TDB_ASSERT_OK(TenantPut(t, "w", "v"));  // carries the pending read
  ExpectUsage(StoredUsage(info.id), 1, 1, 3, 2);

  read_once();
  clock().Advance(1'500'000);
  read_once();  // the pending usage is over a second old: flushed by itself
  ExpectUsage(StoredUsage(info.id), 3, 1, 9, 2);

  read_once();
  ExpectUsage(StoredUsage(info.id), 3, 1, 9, 2);
  ExpectUsage(UsageToday("t"), 4, 1, 12, 2);  // Usage() flushes first
  ExpectUsage(StoredUsage(info.id), 4, 1, 12, 2);

  // A writer that fails to commit does not lose the pending reads it carried.
  read_once();
  TenantTransaction loser = t.CreateTransaction();
  TDB_ASSERT_OK(loser.Get("w").status());  // 1 read, 2 bytes (lost with the loser)
  TDB_ASSERT_OK(loser.Set("w", "x"));
  TDB_ASSERT_OK(RawPut(info.prefix + "w", "y"));  // a conflicting write that is not metered
  TDB_EXPECT_ERROR(loser.Commit(), ErrorCode::kNotCommitted);
  ExpectUsage(StoredUsage(info.id), 4, 1, 12, 2);
  ExpectUsage(UsageToday("t"), 5, 1, 15, 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantQuotaTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
