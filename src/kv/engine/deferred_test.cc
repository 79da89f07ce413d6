// Deferred adds (Mutation::deferred): the local engine writes them to its deferred family with
// their commit and publishes them into the user data later (after kMaxUnpublished keys or
// kMaxUnpublishedLag versions, when asked, before it forgets tracked keys, and at open). What
// must hold: a published value is exactly what the commits added, in commit order with every
// other write of the key; nothing is lost by a restart or a crash; a stale deferred value
// never overrides a later write; and the transaction call is blind.
#include <gtest/gtest.h>

#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kv/engine/fault_injection_fs.h"
#include "kv/engine/local_engine.h"
#include "kv/engine/local_engine_store.h"
#include "kv/engine/local_engine_test_util.h"
#include "kv/engine/watch.h"
#include "kv/kv_test_util.h"
#include "kv/transaction_impl.h"
#include "tenantdb/clock.h"

namespace tenantdb::kv {
namespace {

using tenantdb::testing::FromLE;
using tenantdb::testing::LE64;
using tenantdb::testing::TempDir;
// Prepended to every key the helpers below make (DeferredPlacementTest): long keys do not all
// fit in the version record, so some unpublished values go to the deferred family instead.
std::string g_pad;  // NOLINT: set per test by the fixture

Mutation Deferred(const std::string& key, uint64_t n) {
  Mutation m{MutationType::kAdd, g_pad + key, LE64(n)};
  m.deferred = true;
  return m;
}
Mutation Add(const std::string& key, uint64_t n) {
  return {MutationType::kAdd, g_pad + key, LE64(n)};
}
Mutation SetMutation(const std::string& key, std::string value) {
  return {MutationType::kSet, g_pad + key, std::move(value)};
}
Mutation Clear(const std::string& key) { return {MutationType::kClear, g_pad + key, ""}; }
Mutation ClearRange(const std::string& begin, const std::string& end) {
  return {MutationType::kClearRange, g_pad + begin, g_pad + end};
}

class DeferredTest : public ::testing::Test {
 protected:
  // Opens `path`, or again the store opened last (at first dir_).
  void Open(const std::filesystem::path& path = {}) {
    engine_.reset();
    if (!path.empty()) path_ = path;
    LocalEngineOptions o;
    o.path = path_.string();
    o.file_system = fs_;
    o.clock = clock_;  // still: publication by lag only where a test advances it
    auto e = LocalEngine::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }
  void Commit(std::vector<Mutation> mutations) {
    CommitRequest r;
    r.read_version = testing::ReadVersion(*engine_);
    r.mutations = std::move(mutations);
    auto result = engine_->Commit(std::move(r));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }
  void Publish() { ASSERT_TRUE(engine_->PublishDeferred().ok()); }
  // A copy of the open store's files: what a crash would leave (every commit synced).
  std::filesystem::path CrashImage() {
    images_.emplace_back();
    std::filesystem::path image = images_.back().path() / "store";
    std::filesystem::copy(path_, image, std::filesystem::copy_options::recursive);
    return image;
  }
  void OpenCrashImage() {
    std::filesystem::path image = CrashImage();
    engine_.reset();
    Open(image);
  }
  // The key's value as a number, or -1 when absent.
  int64_t Number(const std::string& key) {
    std::string v = testing::ValueOf(*engine_, g_pad + key);
    return v == "<missing>" ? -1 : static_cast<int64_t>(FromLE(v));
  }

  TempDir dir_;
  std::shared_ptr<FaultInjectionFs> fs_ = std::make_shared<FaultInjectionFs>();
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<LocalEngine> engine_;
  std::filesystem::path path_ = dir_.path();
  std::list<TempDir> images_;  // OpenCrashImage's copies
};

// The same tests with keys of 0 bytes of padding (every unpublished value small enough for the
// version record) and of 120 (one fits, the rest go to the deferred family).
class DeferredPlacementTest : public DeferredTest, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override { g_pad = std::string(static_cast<size_t>(GetParam()), 'p'); }
  void TearDown() override { g_pad.clear(); }
};
INSTANTIATE_TEST_SUITE_P(KeySizes, DeferredPlacementTest, ::testing::Values(0, 120),
                         [](const auto& param_info) {
                           return param_info.param == 0 ? std::string("Carried")
                                                        : std::string("CarriedAndFamily");
                         });

TEST_F(DeferredTest, ReadableOncePublishedAndNotAnEntryOfTheUserDataPerCommit) {
  Open();
  uint64_t entries = engine_->ActiveMemtableEntries();
  for (int i = 0; i < 10; ++i)
    Commit({SetMutation("k" + std::to_string(i), "v"), Deferred("u", 3)});
  EXPECT_EQ(Number("u"), -1) << "not published yet";
  EXPECT_EQ(engine_->ActiveMemtableEntries() - entries, 10u) << "the ten sets only";
  Publish();
  EXPECT_EQ(Number("u"), 30);
  EXPECT_EQ(engine_->ActiveMemtableEntries() - entries, 11u) << "and 'u' once";
  Commit({Deferred("u", 1)});
  Publish();
  EXPECT_EQ(Number("u"), 31);
}

TEST_P(DeferredPlacementTest, PublishedAfterTheLagOrTheKeyLimit) {
  Open();
  Commit({Deferred("u", 1)});
  clock_->Advance(1'000);
  Commit({SetMutation("other", "x")});
  EXPECT_EQ(Number("u"), -1) << "1 ms old";
  clock_->Advance(1'100);
  Commit({SetMutation("other", "y")});
  EXPECT_EQ(Number("u"), 1) << "2.1 ms old: published by the next commit";

  // 256 keys with unpublished values: the commit that makes the 256th publishes them all.
  for (int i = 0; i < 255; ++i) Commit({Deferred("n" + std::to_string(i), 2)});
  EXPECT_EQ(Number("n0"), -1);
  Commit({Deferred("n255", 2)});
  for (int i = 0; i < 256; ++i) EXPECT_EQ(Number("n" + std::to_string(i)), 2) << i;
}

// Compact (for benchmarks) writes every memtable out and changes no value: unpublished
// deferred values stay unpublished and exact, and later adds, publication, a crash image and
// a clean restart all see the same sums.
TEST_P(DeferredPlacementTest, CompactKeepsEveryValueAndEmptiesTheMemtables) {
  Open();
  for (int i = 0; i < 20; ++i) Commit({SetMutation("k" + std::to_string(i), "v"), Add("c", 1)});
  Commit({Deferred("u", 3), Deferred("w", 1)});
  ASSERT_GT(engine_->ActiveMemtableEntries(), 0u);
  ASSERT_TRUE(engine_->Compact().ok());
  EXPECT_EQ(engine_->ActiveMemtableEntries(), 0u);
  EXPECT_EQ(Number("c"), 20);
  EXPECT_EQ(Number("u"), -1) << "not published by compacting";
  EXPECT_EQ(testing::ValueOf(*engine_, g_pad + "k7"), "v");

  Commit({Deferred("u", 4), Add("c", 2)});
  EXPECT_EQ(Number("c"), 22);
  ASSERT_TRUE(engine_->Compact().ok());
  OpenCrashImage();
  EXPECT_EQ(Number("u"), 7) << "published by the open";
  EXPECT_EQ(Number("w"), 1);
  Commit({Deferred("u", 1)});
  Publish();
  EXPECT_EQ(Number("u"), 8);
  Open();
  EXPECT_EQ(Number("u"), 8);
  EXPECT_EQ(Number("c"), 22);
}

// Mixed with every other kind of write of the same key, in separate commits and within one
// group; checked from a crash image (nothing published but by the open), at once (after
// publishing), after a restart (a clean close publishes), and after a second restart (a stale
// copy in the deferred family would come back then).
TEST_P(DeferredPlacementTest, OtherWritesOfTheKeyKeepTheirOrder) {
  Open();
  auto check = [&](const std::map<std::string, int64_t>& want, const char* when) {
    for (const auto& [key, value] : want) EXPECT_EQ(Number(key), value) << key << " " << when;
  };
  Commit({Deferred("a", 1)});
  Commit({Deferred("a", 1)});
  Commit({SetMutation("a", LE64(100))});  // a: the set wins
  Commit({Deferred("b", 5)});
  Commit({ClearRange("b", "b\xff")});  // b: cleared
  Commit({SetMutation("c", LE64(7))});
  Commit({Deferred("c", 1)});  // c: 7 + 1, published later
  Commit({Deferred("d", 1)});
  Commit({Add("d", 2)});  // d: readable at once, with the deferred 1
  EXPECT_EQ(Number("d"), 3) << "a plain add publishes the key's deferred adds before it";
  Commit({Deferred("e", 1)});
  Commit({Clear("e")});                                                      // e: cleared
  Commit({Deferred("f", 4), SetMutation("f", LE64(10)), Deferred("f", 1)});  // f: 11
  Commit({Deferred("g", 4), Add("g", 1), Deferred("g", 1)});                 // g: 6 at once
  EXPECT_EQ(Number("g"), 6);
  std::map<std::string, int64_t> want = {{"a", 100}, {"b", -1}, {"c", 8}, {"d", 3},
                                         {"e", -1},  {"f", 11}, {"g", 6}};
  OpenCrashImage();
  check(want, "from a crash image");
  Commit({Deferred("a", 1), Deferred("c", 1)});
  Commit({SetMutation("a", LE64(100)), SetMutation("c", LE64(8))});
  OpenCrashImage();
  check(want, "from a second crash image");
  Publish();
  check(want, "published");
  Commit({Deferred("c", 1)});  // unpublished until the close
  want["c"] = 9;
  Open();
  check(want, "after a restart");
  Commit({SetMutation("c", LE64(1))});
  want["c"] = 1;
  Open();
  check(want, "after a second restart");
}

TEST_P(DeferredPlacementTest, OneGroupKeepsVersionOrder) {
  Open();
  Commit({SetMutation("h", LE64(50))});
  std::vector<CommitRequest> requests(3);
  Version rv = testing::ReadVersion(*engine_);
  requests[0].mutations = {Deferred("h", 1), Deferred("i", 1)};
  requests[1].mutations = {SetMutation("h", LE64(7)), Deferred("j", 2)};
  requests[2].mutations = {Deferred("h", 3), Clear("j")};
  for (auto& r : requests) r.read_version = rv;
  std::vector<CommitRequest> copies = requests;
  testing::GroupOutcome out = testing::CommitAsOneGroup(*engine_, *fs_, std::move(requests));
  ASSERT_TRUE(out.leader.ok()) << out.leader.status().ToString();
  std::vector<std::pair<Version, size_t>> order;
  for (size_t i = 0; i < out.results.size(); ++i) {
    ASSERT_TRUE(out.results[i].ok()) << out.results[i].status().ToString();
    order.emplace_back(out.results[i]->version, i);
  }
  std::sort(order.begin(), order.end());
  std::map<std::string, int64_t> model = {{"h", 50}, {"i", -1}, {"j", -1}};
  for (const auto& [version, i] : order) {
    for (const Mutation& m : copies[i].mutations) {
      std::string key = m.key.substr(g_pad.size());
      if (m.type == MutationType::kAdd) {
        model[key] = std::max<int64_t>(model[key], 0) + static_cast<int64_t>(FromLE(m.param));
      } else if (m.type == MutationType::kSet) {
        model[key] = static_cast<int64_t>(FromLE(m.param));
      } else {
        model[key] = -1;
      }
    }
  }
  Publish();
  for (const auto& [key, value] : model) EXPECT_EQ(Number(key), value) << key;
  Open();
  for (const auto& [key, value] : model) EXPECT_EQ(Number(key), value) << key << " reopened";
}

// A copy of the open store's files is what a crash leaves: the deferred value is in the log
// only (with every commit synced), and opening the copy publishes it.
TEST_P(DeferredPlacementTest, ACrashImageKeepsEveryAcknowledgedDeferredAdd) {
  Open();
  for (int i = 0; i < 20; ++i) {
    Commit({SetMutation("k" + std::to_string(i), "v"), Deferred("u", 1), Deferred("v", 2),
            Deferred("w", 3)});
  }
  OpenCrashImage();
  EXPECT_EQ(Number("u"), 20);
  EXPECT_EQ(Number("v"), 40);
  EXPECT_EQ(Number("w"), 60);
  EXPECT_EQ(testing::ValueOf(*engine_, g_pad + "k19"), "v");
}

// The RocksDB instance of a closed store, every family open, for a test to read or write.
struct RawStore {
  explicit RawStore(const std::filesystem::path& path) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {kMetaFamily, rocksdb::ColumnFamilyOptions()},
        {kDeferredFamily, rocksdb::ColumnFamilyOptions()}};
    rocksdb::DB* raw = nullptr;
    status = rocksdb::DB::Open(LocalRocksOptions(), path.string(), families, &handles, &raw);
    db.reset(raw);
  }
  ~RawStore() {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  }
  rocksdb::Status status;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // default, meta, deferred
};

// A small unpublished value costs no entry of its own: the version record every group writes
// carries it (a crash image shows it there, and the deferred family empty).
TEST_F(DeferredTest, ASmallUnpublishedValueRidesInTheVersionRecord) {
  Open();
  for (int i = 0; i < 3; ++i) Commit({SetMutation("k", "v"), Deferred("usage", 1)});
  std::filesystem::path image = CrashImage();
  {
    RawStore raw(image);
    ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db->NewIterator(rocksdb::ReadOptions(), raw.handles[2]));
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid()) << "an entry in the deferred family";
    std::string record;
    ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.handles[1], kVersionKey, &record).ok());
    EXPECT_EQ(record.size(), 8u + 4 + 5 + 4 + 8) << "the version, then 'usage' and its value";
    EXPECT_NE(record.find("usage"), std::string::npos);
  }
  Open(image);
  EXPECT_EQ(Number("usage"), 3);
}

// The record carries at most 256 bytes of keys and values (every group rewrites it): of three
// 129-byte ones, one rides in it and the others go to the deferred family.
TEST_F(DeferredTest, ValuesPastTheRecordsBoundGoToTheDeferredFamily) {
  Open();
  const std::string pad(120, 'p');
  Commit({Deferred(pad + "a", 1), Deferred(pad + "b", 1), Deferred(pad + "c", 1)});
  std::filesystem::path image = CrashImage();
  {
    RawStore raw(image);
    ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db->NewIterator(rocksdb::ReadOptions(), raw.handles[2]));
    std::vector<std::string> in_family;
    for (it->SeekToFirst(); it->Valid(); it->Next()) in_family.push_back(it->key().ToString());
    std::string record;
    ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.handles[1], kVersionKey, &record).ok());
    ASSERT_EQ(record.size(), 8u + 4 + 121 + 4 + 8);
    std::string carried = record.substr(12, 121);
    EXPECT_EQ(in_family.size(), 2u);
    EXPECT_EQ(std::count(in_family.begin(), in_family.end(), carried), 0) << "in both places";
  }
  Open(image);
  for (const char* key : {"a", "b", "c"}) EXPECT_EQ(Number(pad + key), 1) << key;
}

// A carried value that grows past the bound (an add of a wider operand) moves to the family.
TEST_F(DeferredTest, ACarriedValueThatOutgrowsTheRecordMovesToTheFamily) {
  Open();
  Commit({Deferred("u", 1)});
  Mutation wide{MutationType::kAdd, "u", std::string(300, '\0')};
  wide.param[0] = 2;
  wide.deferred = true;
  Commit({wide});
  std::filesystem::path image = CrashImage();
  {
    RawStore raw(image);
    ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
    std::string in_family;
    ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.handles[2], "u", &in_family).ok());
    EXPECT_EQ(in_family.size(), 300u);
    std::string record;
    ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), raw.handles[1], kVersionKey, &record).ok());
    EXPECT_EQ(record.size(), 8u) << "the record carries nothing";
  }
  Open(image);
  std::string u = testing::ValueOf(*engine_, "u");
  ASSERT_EQ(u.size(), 300u);
  EXPECT_EQ(static_cast<uint8_t>(u[0]), 3);
}

TEST_F(DeferredTest, ACorruptVersionRecordFailsTheOpen) {
  Open();
  Commit({Deferred("u", 1)});
  engine_.reset();
  {
    RawStore raw(dir_.path());
    ASSERT_TRUE(raw.status.ok()) << raw.status.ToString();
    std::string cut = std::string(8, '\0') + std::string(
                                                 "\x05\x00\x00\x00"
                                                 "ab",
                                                 6);
    ASSERT_TRUE(raw.db->Put(rocksdb::WriteOptions(), raw.handles[1], kVersionKey, cut).ok());
  }
  LocalEngineOptions o;
  o.path = dir_.path().string();
  auto opened = LocalEngine::Open(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kCorruption) << opened.status().ToString();
  EXPECT_NE(opened.status().ToString().find("version record"), std::string::npos);
}

// A power loss while a group that replaces deferred values (and adds more) waits for its
// fsync: after it, the store holds the last synced state (or, when the unsynced log pages
// happened to reach the disk, the group's too), whole — never the unsynced group's set
// without its adds, or its deferred values without the set.
TEST_P(DeferredPlacementTest, APowerLossKeepsTheLastSyncedStateWhole) {
  for (bool holes : {false, true}) {
    SCOPED_TRACE(holes ? "unsynced log pages zeroed at random" : "unsynced data cut off");
    TempDir dir;
    Open(dir.path());
    Commit({Deferred("u", 5), Deferred("v", 1)});
    fs_->HoldWalSyncs(true);
    Result<CommitResult> late = Error(ErrorCode::kInternalError, "not run");
    std::thread t([&] {
      CommitRequest r;
      r.read_version = testing::ReadVersion(*engine_);
      r.mutations = {SetMutation("u", LE64(100)), Deferred("v", 1), Deferred("w", 1)};
      late = engine_->Commit(std::move(r));
    });
    ASSERT_TRUE(testing::WaitUntil([&] { return fs_->WaitingWalSyncs() == 1; }));
    fs_->SetActive(false);
    fs_->HoldWalSyncs(false);
    t.join();
    EXPECT_FALSE(late.ok()) << "its fsync failed";
    engine_.reset();
    std::mt19937_64 rng(7);
    rocksdb::IOStatus lost = holes ? fs_->ZeroUnsyncedLogPages(rng) : fs_->DropUnsyncedData();
    fs_->SetActive(true);
    ASSERT_TRUE(lost.ok()) << lost.ToString();
    Open(dir.path());
    std::vector<int64_t> got = {Number("u"), Number("v"), Number("w")};
    if (holes && got[0] == 100) {
      EXPECT_EQ(got, (std::vector<int64_t>{100, 2, 1})) << "the unsynced group came back whole";
    } else {
      EXPECT_EQ(got, (std::vector<int64_t>{5, 1, -1})) << "the last synced state";
    }
  }
}

// Opening a crash image publishes what waits (the deferred family, the values the version
// record carries) in one write; when that write fails the open fails, and the next open
// publishes the same values (absolute values: not added twice).
TEST_P(DeferredPlacementTest, AFailedPublicationAtOpenIsRepeatedByTheNextOpen) {
  Open();
  Commit({Deferred("u", 3), Deferred("v", 1), Deferred("w", 2)});
  std::filesystem::path image = CrashImage();
  engine_.reset();
  FaultInjectionFs::Fault fault;
  fault.error = rocksdb::IOStatus::IOError("injected");
  fs_->InjectFault(fault);
  LocalEngineOptions o;
  o.path = image.string();
  o.file_system = fs_;
  auto failed = LocalEngine::Open(o);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().ToString().find("publishing deferred values"), std::string::npos)
      << failed.status().ToString();
  failed = Error(ErrorCode::kInternalError, "closed");
  fs_->ClearFault();
  Open(image);
  EXPECT_EQ(Number("u"), 3);
  EXPECT_EQ(Number("v"), 1);
  EXPECT_EQ(Number("w"), 2);
  Commit({Deferred("u", 1)});
  Publish();
  EXPECT_EQ(Number("u"), 4);
  Open();
  EXPECT_EQ(Number("u"), 4) << "reopened: published once";
  EXPECT_EQ(Number("w"), 2);
}

TEST_F(DeferredTest, PublishingCommitsOnlyWhenAValueWaits) {
  Open();
  Commit({SetMutation("k", "v")});
  Version before = engine_->CommittedVersion();
  Publish();
  EXPECT_EQ(engine_->CommittedVersion(), before) << "nothing to publish: no commit";
  Commit({Deferred("u", 2)});
  before = engine_->CommittedVersion();
  Publish();
  EXPECT_GT(engine_->CommittedVersion(), before);
  EXPECT_EQ(Number("u"), 2);
  before = engine_->CommittedVersion();
  Publish();
  EXPECT_EQ(engine_->CommittedVersion(), before);
}

TEST_F(DeferredTest, OnlyAnAddIsDeferred) {
  Open();
  Mutation max{MutationType::kMax, "m", LE64(7)};
  max.deferred = true;
  Commit({max});
  EXPECT_EQ(Number("m"), 7) << "readable at once";
}

// A clean close publishes: RocksDB's user-data family holds the value, read directly.
TEST_F(DeferredTest, ACleanCloseLeavesTheUserDataWhole) {
  Open();
  Commit({Deferred("u", 4), Deferred("v", 1)});
  EXPECT_EQ(Number("u"), -1);
  engine_.reset();
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kMetaFamily, rocksdb::ColumnFamilyOptions()},
      {kDeferredFamily, rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Options options = LocalRocksOptions();
  ASSERT_TRUE(
      rocksdb::DB::OpenForReadOnly(options, dir_.path().string(), families, &handles, &raw).ok());
  std::string u;
  std::string v;
  rocksdb::Status got_u = raw->Get(rocksdb::ReadOptions(), handles[0], "u", &u);
  rocksdb::Status got_v = raw->Get(rocksdb::ReadOptions(), handles[0], "v", &v);
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  delete raw;
  ASSERT_TRUE(got_u.ok()) << got_u.ToString();
  ASSERT_TRUE(got_v.ok()) << got_v.ToString();
  EXPECT_EQ(FromLE(u), 4u);
  EXPECT_EQ(FromLE(v), 1u);
}

// Past kMaxTracked keys the engine forgets what it tracks; the deferred family must forget
// them too, or a later set of the key would lose to the old deferred value at the next open.
TEST_P(DeferredPlacementTest, ForgettingTrackedKeysDropsTheirDeferredCopies) {
  Open();
  Commit({Deferred("u", 1)});
  std::vector<Mutation> adds;
  for (int i = 0; i < 4100; ++i) adds.push_back(Add("c" + std::to_string(i), 1));
  Commit(std::move(adds));
  EXPECT_EQ(Number("u"), 1) << "published before forgetting";
  Commit({SetMutation("u", LE64(50))});
  Open();
  EXPECT_EQ(Number("u"), 50);
}

TEST_F(DeferredTest, AWatchFiresWhenTheValueIsPublished) {
  Open();
  WatchRequest w{"u", std::nullopt, std::make_shared<WatchState>()};
  std::shared_ptr<WatchState> state = w.state;
  ASSERT_TRUE(engine_->AddWatch(std::move(w)).ok());
  Commit({Deferred("u", 1)});
  EXPECT_FALSE(state->done());
  Publish();
  EXPECT_TRUE(testing::WaitUntil([&] { return state->done(); }));
}

// Through a transaction: blind (no write conflict, not seen by the transaction's own reads),
// checked like any write, and counted in the transaction's size.
TEST_F(DeferredTest, TheTransactionCallIsBlindAndChecked) {
  Open();
  TransactionOptions system;
  system.system_access = true;
  TransactionImpl reader(engine_.get(), system);
  ASSERT_TRUE(reader.Get("u", Snapshot::kNo).ok());  // reads 'u' (a read conflict on it)

  TransactionImpl adder(engine_.get(), system);
  ASSERT_TRUE(adder.AddDeferred("u", LE64(5)).ok());
  EXPECT_GT(adder.ApproximateSize(), 0);
  auto own = adder.Get("u", Snapshot::kNo);
  ASSERT_TRUE(own.ok());
  EXPECT_FALSE(own->has_value()) << "not read back by its own transaction";
  ASSERT_TRUE(adder.Commit().ok());

  ASSERT_TRUE(reader.Set("x", "1").ok());
  EXPECT_TRUE(reader.Commit().ok()) << "no conflict with the reader of 'u'";
  Publish();
  EXPECT_EQ(Number("u"), 5);

  TransactionImpl user(engine_.get(), TransactionOptions{});
  Status s = user.AddDeferred("\xff/usage", LE64(1));
  EXPECT_EQ(s.code(), ErrorCode::kKeyOutsideLegalRange) << s.ToString();
  s = user.AddDeferred(std::string(20'000, 'k'), LE64(1));
  EXPECT_EQ(s.code(), ErrorCode::kKeyTooLarge) << s.ToString();
  s = user.AddDeferred("k", std::string(200'000, 'v'));
  EXPECT_EQ(s.code(), ErrorCode::kValueTooLarge) << s.ToString();
}

}  // namespace
}  // namespace tenantdb::kv
