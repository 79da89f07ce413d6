// Tenant isolation at the edges, focused cases beside the randomized property test
// (tenant_isolation_test.cc): selectors and ranges at the tenant's ends with data right next
// to them, hostile keys with their errors and messages, versionstamps, watches and conflict
// ranges, each confined to the tenant.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tenant/tenant_test_util.h"
#include "tenantdb/tuple.h"

namespace tenantdb {
namespace {

using testing::Model;

class TenantEdgesTest : public testing::TenantTest {};

// Selectors and ranges resolve within the tenant, even with data right next to it: raw keys
// just past the tenant's legal end (prefix + "\xff...") and neighbouring tenants on both sides.
TEST_P(TenantEdgesTest, SelectorsAndRangesStopAtTheTenantsEnds) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant before, Make("before"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant after, Make("after"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  TDB_ASSERT_OK(TenantPut(before, "\xfe\xfe", "before"));
  TDB_ASSERT_OK(TenantPut(after, "", "after"));

  // An empty tenant: everything resolves to its ends.
  {
    TenantTransaction tr = t.CreateTransaction();
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessOrEqual("\xff")), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessThan("zzz") - 1000), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterThan("") + 1000), "\xff");
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult r, tr.GetRange(KeySelector::LastLessOrEqual("") - 5,
                                                        KeySelector::FirstGreaterThan("\xff") + 5));
    EXPECT_TRUE(r.kvs.empty());
  }
  // Raw keys inside the tenant's prefix but past its legal end are invisible to it.
  const std::string past_end = info.prefix + "\xff";
  TDB_ASSERT_OK(RawPut(past_end, "hidden"));
  TDB_ASSERT_OK(RawPut(past_end + "\xff\xff", "hidden"));
  TDB_ASSERT_OK(TenantPut(t, "m", "1"));
  TDB_ASSERT_OK(TenantPut(t, "\xfe\xff\xff", "2"));
  {
    TenantTransaction tr = t.CreateTransaction();
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterThan("\xfe\xff\xff")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("\xff")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("\xff\xff\xff")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessOrEqual("\xff\xff")), "\xfe\xff\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector{"", false, INT_MAX}), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector{"\xff\xff", true, INT_MIN}), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessThan("m")), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessThan("m") - 1), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("") + 1), "\xfe\xff\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("") + 2), "\xff");
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult all,
                             tr.GetRange(KeySelector::FirstGreaterOrEqual("") - 100,
                                         KeySelector::FirstGreaterThan("\xff\xff") + 100));
    EXPECT_EQ(all.kvs, (std::vector<KeyValue>{{"m", "1"}, {"\xfe\xff\xff", "2"}}));
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult rev, tr.GetRange(KeySelector::LastLessThan("") - 7,
                                                          KeySelector{"\xff", true, 9},
                                                          {.limit = 0, .reverse = Reverse::kYes}));
    EXPECT_EQ(rev.kvs, (std::vector<KeyValue>{{"\xfe\xff\xff", "2"}, {"m", "1"}}));
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult one,
                             tr.GetRange("", "\xff", {.limit = 1, .reverse = Reverse::kYes}));
    EXPECT_EQ(one.kvs, (std::vector<KeyValue>{{"\xfe\xff\xff", "2"}}));
    EXPECT_TRUE(one.more);
    TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> gone, tr.Get("\xfe\xff\xff\xff"));
    EXPECT_FALSE(gone.has_value());
  }
  // Clearing everything clears the tenant's keys and nothing else.
  TDB_ASSERT_OK(t.Run([](TenantTransaction& tr) { return tr.ClearRange("", "\xff"); }));
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{"\xff", "hidden"}, {"\xff\xff\xff", "hidden"}}));
  TDB_ASSERT_OK_AND_ASSIGN(Model b, TenantScan(before));
  EXPECT_EQ(b, (Model{{"\xfe\xfe", "before"}}));
  TDB_ASSERT_OK_AND_ASSIGN(Model a, TenantScan(after));
  EXPECT_EQ(a, (Model{{"", "after"}}));
}

// Hostile keys get the documented error from every call, the error never shows the tenant's
// absolute prefix, and the failed call changes nothing.
TEST_P(TenantEdgesTest, HostileKeysAreRefusedWithRelativeMessages) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("acme"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("acme"));
  const size_t limit = kMaxKeySize - info.prefix.size();
  TDB_ASSERT_OK(TenantPut(t, std::string(limit, 'k'), "max"));
  TDB_ASSERT_OK(TenantPut(t, "", "empty key"));
  TDB_ASSERT_OK(TenantPut(t, info.prefix, "looks like my prefix"));

  auto check = [&](const Status& s, ErrorCode want, const std::string& what) {
    EXPECT_EQ(s.code(), want) << what << ": " << s.ToString();
    EXPECT_FALSE(testing::MentionsPrefix(s.message(), info.prefix)) << what << ": " << s.message();
    EXPECT_FALSE(testing::MentionsPrefix(s.ToString(), info.prefix)) << what;
  };
  const std::vector<std::string> outside = {"\xff", "\xff\xff", std::string("\xff\x00", 2),
                                            std::string(20, '\xff')};
  const std::string stamp_body = std::string(10, '\0');
  for (const std::string& k : outside) {
    TenantTransaction tr = t.CreateTransaction();
    const ErrorCode o = ErrorCode::kKeyOutsideLegalRange;
    check(tr.Get(k).status(), o, "Get " + Escape(k));
    check(tr.Set(k, "v"), o, "Set " + Escape(k));
    check(tr.Clear(k), o, "Clear " + Escape(k));
    check(tr.Add(k, 1), o, "Add " + Escape(k));
    check(tr.Atomic(MutationType::kBitOr, k, "x"), o, "Atomic " + Escape(k));
    check(tr.SetVersionstampedValue(k, stamp_body + testing::LE32(0)), o, "SVV " + Escape(k));
    check(tr.SetVersionstampedKey(k + stamp_body + testing::LE32(static_cast<uint32_t>(k.size())),
                                  "v"),
          o, "SVK " + Escape(k));
    check(tr.WatchKey(k).status(), o, "WatchKey " + Escape(k));
    if (k != "\xff") {  // "\xff" is the legal end of a range
      check(tr.ClearRange("", k), o, "ClearRange end " + Escape(k));
      check(tr.GetRange("", k).status(), o, "GetRange end " + Escape(k));
      check(tr.AddReadConflictRange("", k), o, "AddReadConflictRange " + Escape(k));
      check(tr.AddWriteConflictRange("", k), o, "AddWriteConflictRange " + Escape(k));
      check(tr.ClearRange(k, k), o, "ClearRange begin " + Escape(k));
    }
    TDB_EXPECT_OK(tr.Commit());
  }
  for (const std::string& k : {std::string(limit + 1, 'k'), std::string(kMaxKeySize + 5, 'k')}) {
    TenantTransaction tr = t.CreateTransaction();
    const ErrorCode big = ErrorCode::kKeyTooLarge;
    check(tr.Get(k).status(), big, "Get long");
    check(tr.Set(k, "v"), big, "Set long");
    check(tr.Clear(k), big, "Clear long");
    check(tr.Add(k, 1), big, "Add long");
    check(tr.WatchKey(k).status(), big, "WatchKey long");
    check(tr.SetVersionstampedValue(k, stamp_body + testing::LE32(0)), big, "SVV long");
    check(tr.SetVersionstampedKey(k + testing::LE32(0), "v"), big, "SVK long");
    check(tr.ClearRange("", k + "kk"), big, "ClearRange long");
    check(tr.GetRange(k + "kk", k + "kk").status(), big, "GetRange long");
    check(tr.AddReadConflictRange("", k + "kk"), big, "AddReadConflictRange long");
    TDB_EXPECT_OK(tr.Commit());
  }
  {
    TenantTransaction tr = t.CreateTransaction();
    check(tr.ClearRange("b", "a"), ErrorCode::kInvertedRange, "inverted ClearRange");
    check(tr.GetRange("b", "a").status(), ErrorCode::kInvertedRange, "inverted GetRange");
    check(tr.AddWriteConflictRange("\xff", "a"), ErrorCode::kInvertedRange, "inverted conflict");
    // A range bound one byte longer than the key limit is allowed: the end of [k, k + "\0").
    TDB_EXPECT_OK(tr.GetRange(std::string(limit, 'k'), std::string(limit, 'k') + '\0'));
    TDB_EXPECT_OK(tr.ClearRange("\xff", "\xff"));
    TDB_EXPECT_OK(tr.Commit());
  }
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{std::string(limit, 'k'), "max"},
                        {"", "empty key"},
                        {info.prefix, "looks like my prefix"}}));
}

TEST_P(TenantEdgesTest, VersionstampsLandAtTheRelativeKey) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant neighbour, Make("neighbour"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  const std::string placeholder(10, '\0');
  TenantTransaction tr = t.CreateTransaction();
  // Placeholder at offset 3 of the relative key, and at offset 0.
  TDB_ASSERT_OK(tr.SetVersionstampedKey("ts/" + placeholder + "!" + testing::LE32(3), "v1"));
  TDB_ASSERT_OK(tr.SetVersionstampedKey(placeholder + testing::LE32(0), "v0"));
  TDB_ASSERT_OK(tr.SetVersionstampedValue("val", "<" + placeholder + ">" + testing::LE32(1)));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(std::string stamp, tr.GetVersionstamp());
  ASSERT_EQ(stamp.size(), 10u);

  TDB_ASSERT_OK_AND_ASSIGN(Model seen, TenantScan(t));
  EXPECT_EQ(seen, (Model{{"ts/" + stamp + "!", "v1"}, {stamp, "v0"}, {"val", "<" + stamp + ">"}}));
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, seen);
  TDB_ASSERT_OK_AND_ASSIGN(Model other, TenantScan(neighbour));
  EXPECT_TRUE(other.empty());

  TenantTransaction bad = t.CreateTransaction();
  TDB_EXPECT_ERROR(bad.SetVersionstampedKey("abc", "v"), ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(bad.SetVersionstampedKey("ts/" + placeholder + testing::LE32(4), "v"),
                   ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(bad.SetVersionstampedKey(placeholder + testing::LE32(0xFFFFFFFF), "v"),
                   ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(bad.SetVersionstampedValue("k", "abc"), ErrorCode::kInvalidArgument);
  TDB_EXPECT_OK(bad.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(Model unchanged, RawUnder(info.prefix));
  EXPECT_EQ(unchanged, seen);
}

TEST_P(TenantEdgesTest, WatchesFireOnlyForTheTenantsOwnKey) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant other, Make("other"));
  TDB_ASSERT_OK(TenantPut(t, "w", "0"));
  TenantTransaction tr = t.CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(Watch watch, tr.WatchKey("w"));
  TDB_ASSERT_OK(tr.Commit());
  // The same relative key in another tenant, and a same-value write, do not fire it.
  TDB_ASSERT_OK(TenantPut(other, "w", "1"));
  TDB_ASSERT_OK(TenantPut(t, "w", "0"));
  TDB_ASSERT_OK(TenantPut(t, "w2", "1"));
  TDB_EXPECT_ERROR(watch.Wait(std::chrono::milliseconds(50)), ErrorCode::kTimedOut);
  EXPECT_FALSE(watch.IsReady());
  TDB_ASSERT_OK(TenantPut(t, "w", "changed"));
  TDB_EXPECT_OK(watch.Wait(std::chrono::seconds(10)));

  // A watch on a missing key fires when the key appears.
  TenantTransaction tr2 = t.CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(Watch missing, tr2.WatchKey("new"));
  TDB_ASSERT_OK(tr2.Commit());
  TDB_ASSERT_OK(TenantPut(other, "new", "x"));
  TDB_EXPECT_ERROR(missing.Wait(std::chrono::milliseconds(50)), ErrorCode::kTimedOut);
  TDB_ASSERT_OK(TenantPut(t, "new", "x"));
  TDB_EXPECT_OK(missing.Wait(std::chrono::seconds(10)));
}

// Conflict ranges a tenant transaction adds, explicitly or by reading, stay inside the tenant:
// writes in another tenant never make it conflict, writes in the same tenant do.
TEST_P(TenantEdgesTest, ConflictRangesStayInsideTheTenant) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant a, Make("a"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant b, Make("b"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant c, Make("c"));
  auto reader = [&](Tenant& t) {
    TenantTransaction tr = t.CreateTransaction();
    EXPECT_TRUE(testing::IsOk(tr.GetRange(KeySelector::FirstGreaterOrEqual("") - 1000,
                                          KeySelector::FirstGreaterOrEqual("\xff") + 1000)));
    EXPECT_TRUE(testing::IsOk(tr.GetKey(KeySelector::LastLessThan("") - 5)));
    EXPECT_TRUE(testing::IsOk(tr.GetKey(KeySelector::FirstGreaterThan("\xff\xff") + 5)));
    EXPECT_TRUE(testing::IsOk(tr.AddReadConflictRange("", "\xff")));
    EXPECT_TRUE(testing::IsOk(tr.Set("mine", "x")));
    return tr;
  };
  TenantTransaction tr = reader(b);
  TDB_ASSERT_OK(TenantPut(a, "\xfe\xff", "x"));
  TDB_ASSERT_OK(TenantPut(c, "", "x"));
  TDB_EXPECT_OK(tr.Commit());

  TenantTransaction tr2 = reader(b);
  TDB_ASSERT_OK(TenantPut(b, "\xfe\xff", "x"));
  TDB_EXPECT_ERROR(tr2.Commit(), ErrorCode::kNotCommitted);

  // An explicit write conflict range makes a reader of the same tenant conflict.
  TenantTransaction reading = a.CreateTransaction();
  TDB_ASSERT_OK(reading.Get("q").status());
  TDB_ASSERT_OK(reading.Set("other", "1"));
  TenantTransaction writer = a.CreateTransaction();
  TDB_ASSERT_OK(writer.AddWriteConflictRange("p", "r"));
  TDB_ASSERT_OK(writer.Set("unrelated", "1"));
  TDB_ASSERT_OK(writer.Commit());
  TDB_EXPECT_ERROR(reading.Commit(), ErrorCode::kNotCommitted);
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantEdgesTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
