// Deleting a tenant is one range clear: it takes about as long for a tenant of 200,000 keys
// as for one of 10, removes all of the data, and frees the name for an empty new tenant.
// The delete comes right after the load, while the conflict resolver still holds every loaded
// key. (The 1,000,000-key figure is a benchmark, not a test.)
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "tenant/tenant_test_util.h"

namespace tenantdb {
namespace {

using testing::Model;

class TenantDeleteScaleTest : public testing::TenantTest {
 protected:
  // Fills tenant `t` with `n` keys in transactions of up to 20,000 keys.
  static void Fill(Tenant& t, int n) {
    for (int start = 0; start < n; start += 20'000) {
      Status s = t.Run([&](TenantTransaction& tr) {
        for (int i = start; i < std::min(n, start + 20'000); ++i) {
          TDB_RETURN_IF_ERROR(tr.Set(fmt::format("key{:08}", i), "value-of-16-byte"));
        }
        // Each key its own write conflict range, as any load: the delete below comes while the
        // resolver still holds them all.
        return Status::OK();
      });
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  // Seconds that Delete(name) takes.
  double TimeDelete(const std::string& name) {
    auto start = std::chrono::steady_clock::now();
    Status s = dir().Delete(name);
    auto end = std::chrono::steady_clock::now();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::chrono::duration<double>(end - start).count();
  }
};

TEST_P(TenantDeleteScaleTest, DeleteCostDoesNotGrowWithTheTenant) {
  const int big_keys = 200'000 * testing::TestScale();
  TDB_ASSERT_OK_AND_ASSIGN(Tenant big, Make("big"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo big_info, dir().Get("big"));
  Fill(big, big_keys);
  TDB_ASSERT_OK_AND_ASSIGN(Tenant neighbour, Make("neighbour"));
  Fill(neighbour, 10);
  std::vector<std::string> small;
  for (int i = 0; i < 5; ++i) {
    small.push_back(fmt::format("small{}", i));
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make(small.back()));
    Fill(t, 10);
  }
  {
    TenantTransaction tr = big.CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult last,
                             tr.GetRange("", "\xff", {.limit = 1, .reverse = Reverse::kYes}));
    ASSERT_EQ(last.kvs.size(), 1u);
    EXPECT_EQ(last.kvs[0].key, fmt::format("key{:08}", big_keys - 1));
  }

  std::vector<double> small_times;
  for (size_t i = 0; i + 1 < small.size(); ++i) small_times.push_back(TimeDelete(small[i]));
  const double big_time = TimeDelete("big");
  small_times.push_back(TimeDelete(small.back()));
  std::sort(small_times.begin(), small_times.end());
  const double small_time = small_times[small_times.size() / 2];
  RecordProperty("big_delete_ms", static_cast<int>(big_time * 1000));
  RecordProperty("small_delete_ms", static_cast<int>(small_time * 1000));
  fmt::print("delete of {} keys: {:.2f} ms; of 10 keys (median): {:.2f} ms\n", big_keys,
             big_time * 1e3, small_time * 1e3);
  // Generous: a delete that touched each key, or the resolver's boundaries of each (as before
  // wide ranges), takes over 20 ms here.
  EXPECT_LT(big_time, std::max(10 * small_time, 0.01))
      << "deleting " << big_keys << " keys took " << big_time * 1e3 << " ms, 10 keys "
      << small_time * 1e3 << " ms";

  // The data is gone, the neighbour is intact, the name is free and the new tenant empty.
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(big_info.prefix));
  EXPECT_TRUE(raw.empty()) << raw.size() << " keys left";
  TDB_ASSERT_OK_AND_ASSIGN(Model n, TenantScan(neighbour));
  EXPECT_EQ(n.size(), 10u);
  TDB_ASSERT_OK_AND_ASSIGN(Tenant again, Make("big"));
  EXPECT_NE(again.id(), big.id());
  TDB_ASSERT_OK_AND_ASSIGN(Model fresh, TenantScan(again));
  EXPECT_TRUE(fresh.empty());
  TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> old_key, TenantGet(big, "key00000000"));
  EXPECT_FALSE(old_key.has_value());
  TDB_EXPECT_ERROR(TenantPut(big, "k", "v"), ErrorCode::kTenantNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantDeleteScaleTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
