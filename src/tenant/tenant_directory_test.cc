// The tenant directory: name validation, create/open/get, listing with paging, rename, lock,
// unlock and delete, on every engine.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tenant/layout.h"
#include "tenant/tenant_test_util.h"
#include "tenantdb/tuple.h"

namespace tenantdb {
namespace {

using testing::Model;

class TenantDirectoryTest : public testing::TenantTest {};

const std::vector<std::string>& InvalidNames() {
  static const std::vector<std::string> names = {
      "",
      std::string(256, 'x'),
      std::string(254, 'x') + "\xe2\x82\xac",  // 257 bytes, valid UTF-8
      std::string(1, '\0'),
      std::string("a\0b", 3),
      "a\nb",
      "\t",
      "\x1f",
      "\x7f",                  // DEL
      "\xc2\x80",              // U+0080, a C1 control
      "\xc2\x9f",              // U+009F, the last C1 control
      "\xff",                  // never valid in UTF-8
      "a\xfe",                 // never valid in UTF-8
      "\x80",                  // a lone continuation byte
      "\xe2\x82",              // truncated 3-byte sequence
      "\xe2\x28\xa1",          // bad continuation byte
      "\xc0\x80",              // overlong NUL
      "\xc1\xbf",              // overlong 'DEL'
      "\xe0\x80\xaf",          // overlong '/'
      "\xf0\x82\x82\xac",      // overlong euro sign
      "\xed\xa0\x80",          // surrogate U+D800
      "\xed\xbf\xbf",          // surrogate U+DFFF
      "\xf4\x90\x80\x80",      // U+110000, past the last code point
      "\xf8\x88\x80\x80\x80",  // 5-byte form
      "ok\xc3",                // truncated at the end
  };
  return names;
}

const std::vector<std::string>& ValidNames() {
  static const std::vector<std::string> names = {
      "a",
      " ",
      "~",
      "a/b",
      "\xc2\xa0",                              // U+00A0, just past the C1 controls
      "\xe2\x82\xac",                          // euro sign
      "\xed\x9f\xbf",                          // U+D7FF, just below the surrogates
      "\xee\x80\x80",                          // U+E000, just above them
      "\xf0\x9f\x98\x80",                      // emoji
      "\xf4\x8f\xbf\xbf",                      // U+10FFFF
      std::string(255, 'x'),                   // the longest name
      std::string(252, 'y') + "\xe2\x82\xac",  // 255 bytes ending in a 3-byte character
      "a\\x00",
  };
  return names;
}

TEST(TenantNameTest, ValidatesUtf8WithoutControls) {
  for (const std::string& name : InvalidNames()) {
    Status s = ValidateTenantName(name);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidTenantName) << Escape(name) << ": " << s.ToString();
  }
  for (const std::string& name : ValidNames()) {
    TDB_EXPECT_OK(ValidateTenantName(name)) << Escape(name);
  }
  // The message says what was wrong and where.
  EXPECT_NE(ValidateTenantName("ab\ncd").message().find("control character at byte 2"),
            std::string::npos)
      << ValidateTenantName("ab\ncd").message();
  EXPECT_NE(ValidateTenantName("ab\xc0\x80").message().find("invalid UTF-8 at byte 2"),
            std::string::npos);
  EXPECT_NE(ValidateTenantName(std::string(300, 'x')).message().find("300 bytes"),
            std::string::npos);
  EXPECT_EQ(TenantStateName(TenantState::kActive), "active");
  EXPECT_EQ(TenantStateName(TenantState::kLocked), "locked");
  EXPECT_EQ(TenantStateName(static_cast<TenantState>(7)), "unknown");
}

TEST_P(TenantDirectoryTest, EveryCallRejectsInvalidNames) {
  TDB_ASSERT_OK(dir().Create("good").status());
  for (const std::string& bad : InvalidNames()) {
    SCOPED_TRACE(Escape(bad));
    const ErrorCode want = ErrorCode::kInvalidTenantName;
    TDB_EXPECT_ERROR(dir().Create(bad), want);
    TDB_EXPECT_ERROR(dir().Get(bad), want);
    TDB_EXPECT_ERROR(dir().Open(bad), want);
    TDB_EXPECT_ERROR(dir().Rename(bad, "other"), want);
    TDB_EXPECT_ERROR(dir().Rename("good", bad), want);
    TDB_EXPECT_ERROR(dir().Lock(bad), want);
    TDB_EXPECT_ERROR(dir().Unlock(bad), want);
    TDB_EXPECT_ERROR(dir().Delete(bad), want);
    TDB_EXPECT_ERROR(dir().SetQuota(bad, {}), want);
    TDB_EXPECT_ERROR(dir().Usage(bad, 0, 1'000'000), want);
    TDB_EXPECT_ERROR(dir().StoredBytes(bad), want);
  }
  // Nothing was created and "good" is untouched.
  TDB_ASSERT_OK_AND_ASSIGN(TenantPage page, dir().List());
  ASSERT_EQ(page.tenants.size(), 1u);
  EXPECT_EQ(page.tenants[0].name, "good");
  EXPECT_EQ(page.tenants[0].state, TenantState::kActive);
}

TEST_P(TenantDirectoryTest, CreateGetOpen) {
  std::set<int64_t> ids;
  std::set<std::string> prefixes;
  for (const std::string& name : ValidNames()) {
    SCOPED_TRACE(Escape(name));
    TenantCreateOptions options;
    options.metadata = std::string("meta\0\xff", 6) + name;
    options.quota = {.storage_bytes = 123, .ops_per_second = 456};
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo created, dir().Create(name, options));
    EXPECT_EQ(created.name, name);
    EXPECT_TRUE(ids.insert(created.id).second);
    EXPECT_TRUE(prefixes.insert(created.prefix).second);
    EXPECT_EQ(created.state, TenantState::kActive);
    EXPECT_EQ(created.quota, options.quota);
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo got, dir().Get(name));
    EXPECT_EQ(got.name, name);
    EXPECT_EQ(got.id, created.id);
    EXPECT_EQ(got.prefix, created.prefix);
    EXPECT_EQ(got.metadata, options.metadata);
    EXPECT_EQ(got.quota, options.quota);
    EXPECT_EQ(got.created_micros, created.created_micros);
    EXPECT_GE(got.created_micros, clock().NowMicros());
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, dir().Open(name));
    EXPECT_EQ(t.name(), name);
    EXPECT_EQ(t.id(), created.id);
    // The prefix is not derived from the name.
    EXPECT_EQ(created.prefix.find(name), std::string::npos);
    TDB_EXPECT_ERROR(dir().Create(name), ErrorCode::kTenantAlreadyExists);
  }
  // No two prefixes nest.
  for (const std::string& a : prefixes) {
    for (const std::string& b : prefixes) {
      if (a != b) {
        EXPECT_NE(b.rfind(a, 0), 0u) << Escape(a) << " is a prefix of " << Escape(b);
      }
    }
  }
  TDB_EXPECT_ERROR(dir().Get("missing"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Open("missing"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Lock("missing"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Unlock("missing"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Delete("missing"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Rename("missing", "x"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().SetQuota("missing", {}), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Usage("missing", 0, 1), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().StoredBytes("missing"), ErrorCode::kTenantNotFound);
  // The directory survives a reopen of a file: store.
  if (GetParam() == testing::EngineKind::kFile) {
    Reopen();
    for (const std::string& name : ValidNames()) {
      TDB_EXPECT_OK(dir().Get(name)) << Escape(name);
    }
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo next, dir().Create("after-reopen"));
    EXPECT_EQ(ids.count(next.id), 0u) << "an id was reused after reopening";
  }
}

TEST_P(TenantDirectoryTest, ListPagesInNameOrder) {
  std::mt19937_64 rng(testing::TestSeed());
  std::set<std::string> names = {
      "a", "a/", "a/b", "ab", "b", "\xc2\xa0", "\xf4\x8f\xbf\xbf", std::string(255, 'z')};
  while (names.size() < 40) {
    std::string n;
    int len = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < len; ++i) n.push_back(static_cast<char>('a' + rng() % 4));
    names.insert(n);
  }
  for (const std::string& n : names) TDB_ASSERT_OK(dir().Create(n).status());
  const std::vector<std::string> want(names.begin(), names.end());  // byte order

  TDB_ASSERT_OK_AND_ASSIGN(TenantPage all, dir().List({}, 10'000));
  EXPECT_TRUE(all.next.empty());
  std::vector<std::string> got;
  for (const TenantInfo& info : all.tenants) got.push_back(info.name);
  EXPECT_EQ(got, want);

  for (int limit : {1, 3, 7, 40, 41}) {
    SCOPED_TRACE(limit);
    std::vector<std::string> paged;
    std::string after;
    for (int pages = 0; pages < 100; ++pages) {
      TDB_ASSERT_OK_AND_ASSIGN(TenantPage page, dir().List(after, limit));
      EXPECT_LE(static_cast<int>(page.tenants.size()), limit);
      for (const TenantInfo& info : page.tenants) {
        paged.push_back(info.name);
        TDB_ASSERT_OK_AND_ASSIGN(TenantInfo direct, dir().Get(info.name));
        EXPECT_EQ(direct.id, info.id);
        EXPECT_EQ(direct.prefix, info.prefix);
      }
      if (page.next.empty()) break;
      EXPECT_EQ(page.next, page.tenants.back().name);
      after = page.next;
    }
    EXPECT_EQ(paged, want);
  }
  // `after` need not be a tenant; the page starts at the next name.
  TDB_ASSERT_OK_AND_ASSIGN(TenantPage from_a0, dir().List("a/a", 2));
  ASSERT_EQ(from_a0.tenants.size(), 2u);
  EXPECT_EQ(from_a0.tenants[0].name, "a/b");
  TDB_ASSERT_OK_AND_ASSIGN(TenantPage past_end, dir().List(want.back(), 5));
  EXPECT_TRUE(past_end.tenants.empty());
  EXPECT_TRUE(past_end.next.empty());

  TDB_EXPECT_ERROR(dir().List({}, 0), ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(dir().List({}, -1), ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(dir().List({}, 10'001), ErrorCode::kInvalidArgument);
}

TEST_P(TenantDirectoryTest, ListOfAnEmptyDirectory) {
  TDB_ASSERT_OK_AND_ASSIGN(TenantPage page, dir().List());
  EXPECT_TRUE(page.tenants.empty());
  EXPECT_TRUE(page.next.empty());
}

TEST_P(TenantDirectoryTest, RenameKeepsIdPrefixDataAndHandles) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("old"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo before, dir().Get("old"));
  TDB_ASSERT_OK(TenantPut(t, "k", "v"));
  TDB_ASSERT_OK(dir().Create("taken").status());

  TDB_EXPECT_ERROR(dir().Rename("old", "taken"), ErrorCode::kTenantAlreadyExists);
  TDB_EXPECT_OK(dir().Rename("old", "old"));  // a no-op
  TDB_ASSERT_OK(dir().Rename("old", "new"));

  TDB_EXPECT_ERROR(dir().Get("old"), ErrorCode::kTenantNotFound);
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo after, dir().Get("new"));
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.prefix, before.prefix);
  EXPECT_EQ(after.created_micros, before.created_micros);
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(before.prefix));
  EXPECT_EQ(raw, (Model{{"k", "v"}}));

  // The handle opened under the old name keeps working, and a new one sees the same data.
  TDB_EXPECT_OK(TenantPut(t, "k2", "v2"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant renamed, dir().Open("new"));
  EXPECT_EQ(renamed.id(), t.id());
  TDB_ASSERT_OK_AND_ASSIGN(Model seen, TenantScan(renamed));
  EXPECT_EQ(seen, (Model{{"k", "v"}, {"k2", "v2"}}));

  // The old name is free, and a tenant created under it is a different, empty tenant.
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo reused, dir().Create("old"));
  EXPECT_NE(reused.id, before.id);
  EXPECT_NE(reused.prefix, before.prefix);
  TDB_ASSERT_OK_AND_ASSIGN(Tenant fresh, dir().Open("old"));
  TDB_ASSERT_OK_AND_ASSIGN(Model empty, TenantScan(fresh));
  EXPECT_TRUE(empty.empty());

  TDB_ASSERT_OK_AND_ASSIGN(TenantPage page, dir().List());
  std::vector<std::string> names;
  for (const TenantInfo& info : page.tenants) names.push_back(info.name);
  EXPECT_EQ(names, (std::vector<std::string>{"new", "old", "taken"}));
}

TEST_P(TenantDirectoryTest, LockRefusesEveryWriteButNotReads) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK(TenantPut(t, "k", "v"));
  TDB_ASSERT_OK(dir().Lock("t"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  EXPECT_EQ(info.state, TenantState::kLocked);
  TDB_ASSERT_OK(dir().Lock("t"));  // idempotent

  const std::string stamped_key = std::string(10, '\0') + testing::LE32(0);
  const std::string stamped_value = std::string(10, '\0') + testing::LE32(0);
  {
    TenantTransaction tr = t.CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> v, tr.Get("k"));
    EXPECT_EQ(v, "v");
    TDB_EXPECT_OK(tr.GetRange("", "\xff"));
    TDB_EXPECT_OK(tr.GetKey(KeySelector::FirstGreaterOrEqual("")));
    TDB_EXPECT_OK(tr.WatchKey("k"));
    const ErrorCode locked = ErrorCode::kTenantLocked;
    TDB_EXPECT_ERROR(tr.Set("k", "x"), locked);
    TDB_EXPECT_ERROR(tr.Clear("k"), locked);
    TDB_EXPECT_ERROR(tr.ClearRange("", "\xff"), locked);
    TDB_EXPECT_ERROR(tr.Add("n", 1), locked);
    TDB_EXPECT_ERROR(tr.Atomic(MutationType::kByteMax, "k", "z"), locked);
    TDB_EXPECT_ERROR(tr.SetVersionstampedKey(stamped_key, "v"), locked);
    TDB_EXPECT_ERROR(tr.SetVersionstampedValue("k", stamped_value), locked);
    TDB_EXPECT_OK(tr.Commit());  // read-only: nothing to refuse
  }
  TDB_EXPECT_ERROR(TenantPut(t, "k", "x"), ErrorCode::kTenantLocked);
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{"k", "v"}}));

  TDB_ASSERT_OK(dir().Unlock("t"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo unlocked, dir().Get("t"));
  EXPECT_EQ(unlocked.state, TenantState::kActive);
  TDB_EXPECT_OK(TenantPut(t, "k", "x"));
  TDB_ASSERT_OK_AND_ASSIGN(Model after, RawUnder(info.prefix));
  EXPECT_EQ(after, (Model{{"k", "x"}}));
}

TEST_P(TenantDirectoryTest, DeleteRemovesDataAndFreesTheName) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant other, Make("other"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo old_info, dir().Get("t"));
  TDB_ASSERT_OK(t.Run([](TenantTransaction& tr) {
    for (int i = 0; i < 100; ++i) TDB_RETURN_IF_ERROR(tr.Set(fmt::format("k{:03}", i), "v"));
    return tr.Set(std::string(1, '\0'), "low");
  }));
  TDB_ASSERT_OK(TenantPut(other, "k000", "other"));
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> usage, dir().Usage("t", 0, 1'000'000));
  ASSERT_FALSE(usage.empty());
  auto [usage_begin, usage_end] = tenant::UsageRange(old_info.id);
  TDB_ASSERT_OK_AND_ASSIGN(Model usage_before, RawScan(usage_begin, usage_end));
  ASSERT_FALSE(usage_before.empty()) << "Usage() published the counter into its range";

  TDB_ASSERT_OK(dir().Delete("t"));
  TDB_EXPECT_ERROR(dir().Get("t"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_ERROR(dir().Delete("t"), ErrorCode::kTenantNotFound);
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(old_info.prefix));
  EXPECT_TRUE(raw.empty()) << raw.size() << " keys left";
  // The directory keeps nothing of it: no name, no entry, no usage counters.
  TDB_ASSERT_OK_AND_ASSIGN(
      Model entry, RawScan(tenant::EntryKey(old_info.id), tenant::EntryKey(old_info.id) + '\0'));
  EXPECT_TRUE(entry.empty());
  TDB_ASSERT_OK_AND_ASSIGN(Model usage_keys, RawScan(usage_begin, usage_end));
  EXPECT_TRUE(usage_keys.empty());
  // The other tenant is untouched.
  TDB_ASSERT_OK_AND_ASSIGN(Model other_seen, TenantScan(other));
  EXPECT_EQ(other_seen, (Model{{"k000", "other"}}));

  // The old handle reads nothing and cannot write.
  TDB_ASSERT_OK_AND_ASSIGN(Model old_seen, TenantScan(t));
  EXPECT_TRUE(old_seen.empty());
  TDB_EXPECT_ERROR(TenantPut(t, "k", "v"), ErrorCode::kTenantNotFound);
  TDB_ASSERT_OK_AND_ASSIGN(Model still_empty, RawUnder(old_info.prefix));
  EXPECT_TRUE(still_empty.empty());

  // The name is reusable at once; the new tenant is empty and has a new id and prefix.
  TDB_ASSERT_OK_AND_ASSIGN(Tenant again, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo new_info, dir().Get("t"));
  EXPECT_NE(new_info.id, old_info.id);
  EXPECT_NE(new_info.prefix, old_info.prefix);
  TDB_ASSERT_OK_AND_ASSIGN(Model fresh, TenantScan(again));
  EXPECT_TRUE(fresh.empty());
  TDB_ASSERT_OK_AND_ASSIGN(std::vector<TenantUsage> new_usage, dir().Usage("t", 0, 1'000'000));
  EXPECT_TRUE(new_usage.empty());
  // ... and the old handle still does not reach it.
  TDB_EXPECT_ERROR(TenantPut(t, "k", "v"), ErrorCode::kTenantNotFound);
  TDB_EXPECT_OK(TenantPut(again, "k", "new"));
  TDB_ASSERT_OK_AND_ASSIGN(Model old_view, TenantScan(t));
  EXPECT_TRUE(old_view.empty());
  // The old handle's committed reads are metered in memory; flushing them (due a second
  // later) writes no usage counter for the deleted tenant.
  auto read_all = [](TenantTransaction& tr) { return tr.GetRange("", "\xff").status(); };
  TDB_ASSERT_OK(t.Run(read_all));
  clock().Advance(2'000'000);
  TDB_ASSERT_OK(t.Run(read_all));
  TDB_ASSERT_OK_AND_ASSIGN(Model usage_after, RawScan(usage_begin, usage_end));
  EXPECT_TRUE(usage_after.empty()) << usage_after.size() << " usage counters of a deleted tenant";
}

// Tenant 255's prefix ends in 0xff, so the end of its range is computed by carrying, and
// tenant 256 is the first with a longer prefix; the tenants around that boundary stay apart.
TEST_P(TenantDirectoryTest, PrefixesAcrossTheOneByteIdBoundary) {
  std::map<int64_t, TenantInfo> infos;  // by id
  for (int i = 0; i < 257; ++i) {
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Create(fmt::format("t{:03}", i)));
    infos[info.id] = info;
  }
  ASSERT_TRUE(infos.count(255) && infos.count(256));
  EXPECT_EQ(static_cast<uint8_t>(infos[255].prefix.back()), 0xFF);
  EXPECT_GT(infos[256].prefix.size(), infos[255].prefix.size());
  std::map<int64_t, Tenant> handles;
  for (int64_t id = 253; id <= 257; ++id) {
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, dir().Open(infos[id].name));
    handles.emplace(id, t);
    // The relative key limit shrinks with the prefix.
    const size_t limit = kMaxKeySize - infos[id].prefix.size();
    TDB_EXPECT_OK(TenantPut(t, std::string(limit, '\xfe'), "long"));
    TDB_EXPECT_ERROR(TenantPut(t, std::string(limit + 1, 'a'), "x"), ErrorCode::kKeyTooLarge);
    TDB_EXPECT_OK(TenantPut(t, "", fmt::format("{}", id)));
  }
  auto expect_sizes = [&](const std::set<int64_t>& emptied) {
    for (int64_t id = 253; id <= 257; ++id) {
      TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(infos[id].prefix));
      EXPECT_EQ(raw.size(), emptied.count(id) ? 0u : 2u) << "tenant " << id;
    }
  };
  TDB_ASSERT_OK(
      handles.at(255).Run([](TenantTransaction& tr) { return tr.ClearRange("", "\xff"); }));
  expect_sizes({255});
  TDB_ASSERT_OK(TenantPut(handles.at(255), "x", "y"));
  TDB_ASSERT_OK(dir().Delete(infos[255].name));
  expect_sizes({255});
  TDB_ASSERT_OK(dir().Delete(infos[256].name));
  expect_sizes({255, 256});
  TDB_ASSERT_OK(
      handles.at(254).Run([](TenantTransaction& tr) { return tr.ClearRange("", "\xff"); }));
  expect_sizes({254, 255, 256});
}

// A damaged directory is reported as corruption, never as a crash or a wrong tenant.
TEST_P(TenantDirectoryTest, DamagedDirectoryIsCorruption) {
  TDB_ASSERT_OK(dir().Create("ok").status());
  TDB_ASSERT_OK(RawPut(tenant::NameKey("dangling"), tenant::EncodeId(999)));
  TDB_EXPECT_ERROR(dir().Get("dangling"), ErrorCode::kCorruption);
  TDB_EXPECT_ERROR(dir().Open("dangling"), ErrorCode::kCorruption);
  TDB_EXPECT_ERROR(dir().List(), ErrorCode::kCorruption);
  TDB_ASSERT_OK(RawPut(tenant::NameKey("dangling"), "not a tuple"));
  TDB_EXPECT_ERROR(dir().Get("dangling"), ErrorCode::kCorruption);
  TDB_ASSERT_OK(RawPut(tenant::NameKey("dangling"), Tuple::Of(std::string("id")).Pack()));
  TDB_EXPECT_ERROR(dir().Get("dangling"), ErrorCode::kCorruption);

  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("ok"));
  TenantInfo bad_state = info;
  bad_state.state = static_cast<TenantState>(9);
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), tenant::EncodeEntry(bad_state)));
  TDB_EXPECT_ERROR(dir().Get("ok"), ErrorCode::kCorruption);
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), Tuple::Of(int64_t{0}).Pack()));
  TDB_EXPECT_ERROR(dir().Get("ok"), ErrorCode::kCorruption);
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), "\x01garbage"));
  TDB_EXPECT_ERROR(dir().Get("ok"), ErrorCode::kCorruption);
  // A name key that is not a tuple of the expected shape.
  TDB_ASSERT_OK(RawPut(tenant::EntryKey(info.id), tenant::EncodeEntry(info)));
  TDB_ASSERT_OK(RawPut(tenant::NameKey("dangling"), tenant::EncodeId(info.id)));
  TDB_ASSERT_OK(RawPut(tenant::NameRangeBegin() + "\x15", "x"));
  TDB_EXPECT_ERROR(dir().List(), ErrorCode::kCorruption);
  // A garbage id counter fails the create that must reserve the next block of ids (the
  // current block, reserved by the create of "ok", may still have ids left).
  TDB_ASSERT_OK(RawPut(tenant::NextIdKey(), "garbage"));
  Status failed;
  int created = 0;
  for (; created <= tenant::kIdBlock && failed.ok(); ++created) {
    failed = dir().Create(fmt::format("new{}", created)).status();
  }
  EXPECT_EQ(failed.code(), ErrorCode::kCorruption) << failed.ToString();
  EXPECT_LE(created, tenant::kIdBlock);
  TDB_EXPECT_ERROR(dir().Get(fmt::format("new{}", created - 1)), ErrorCode::kTenantNotFound);
}

TEST_P(TenantDirectoryTest, TwoDatabasesOnOneStoreNeverHandOutTheSameId) {
  // Two processes on one store, as far as ids go: each reserves its own blocks.
  Database other(std::shared_ptr<kv::Engine>(&db().engine(), [](kv::Engine*) {}),
                 DatabaseOptions{});
  TenantDirectory other_dir(other);
  std::map<int64_t, std::string> owner;
  for (int i = 0; i < 3 * tenant::kIdBlock; ++i) {
    std::string name = fmt::format("t{:03}", i);
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, (i % 3 == 0 ? other_dir : dir()).Create(name));
    auto [it, fresh] = owner.emplace(info.id, name);
    EXPECT_TRUE(fresh) << name << " got id " << info.id << ", already " << it->second << "'s";
  }
  // Every tenant keeps its own id and data, whichever handle reads it.
  for (const auto& [id, name] : owner) {
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, other_dir.Get(name));
    EXPECT_EQ(info.id, id) << name;
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, dir().Open(name));
    TDB_ASSERT_OK(TenantPut(t, "k", name));
  }
  for (const auto& [id, name] : owner) {
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, other_dir.Open(name));
    TDB_ASSERT_OK_AND_ASSIGN(Model m, TenantScan(t));
    EXPECT_EQ(m, (Model{{"k", name}})) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantDirectoryTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
