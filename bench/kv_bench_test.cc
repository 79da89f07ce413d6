#include "bench/kv_bench.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "bench/latency.h"
#include "bench/report.h"
#include "bench/rocksdb_peer.h"
#include "bench/tenantdb_target.h"
#include "testing/testing.h"

namespace tenantdb::bench {
namespace {

TEST(LatencySamples, NearestRankPercentiles) {
  LatencySamples s;
  EXPECT_EQ(s.PercentileMicros(50), 0);
  // 100 samples, 1..100 us, added out of order.
  for (int i = 100; i >= 1; --i) s.Add(int64_t{i} * 1000);
  EXPECT_EQ(s.size(), 100u);
  EXPECT_DOUBLE_EQ(s.PercentileMicros(50), 50);
  EXPECT_DOUBLE_EQ(s.PercentileMicros(99), 99);
  EXPECT_DOUBLE_EQ(s.PercentileMicros(100), 100);
  EXPECT_DOUBLE_EQ(s.PercentileMicros(0.001), 1);
}

TEST(LatencySamples, MergeKeepsEverySampleAndClamps) {
  LatencySamples a, b;
  a.Add(3000);
  b.Add(1000);
  b.Add(2000);
  b.Add(-5);                // clamped to 0
  b.Add(int64_t{1} << 40);  // clamped to 2^32-1 ns
  a.Merge(std::move(b));
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(b.size(), 0u);
  EXPECT_DOUBLE_EQ(a.PercentileMicros(20), 0);
  EXPECT_DOUBLE_EQ(a.PercentileMicros(60), 2);
  EXPECT_DOUBLE_EQ(a.PercentileMicros(100), 4294967.295);
}

TEST(Workload, NamesRoundTripAndKeysSortByIndex) {
  for (Workload w : AllWorkloads()) {
    EXPECT_EQ(ParseWorkload(WorkloadName(w)), w);
    EXPECT_TRUE(IsKvWorkload(w));
  }
  for (Workload w : TenantWorkloads()) {
    EXPECT_EQ(ParseWorkload(WorkloadName(w)), w);
    EXPECT_FALSE(IsKvWorkload(w));
  }
  EXPECT_EQ(ParseWorkload("tenant_create"), Workload::kTenantCreate);
  EXPECT_EQ(ParseWorkload("tenant_delete"), Workload::kTenantDelete);
  EXPECT_FALSE(ParseWorkload("nope"));
  for (System sys : {System::kTenantdb, System::kTenant, System::kRocksdb}) {
    EXPECT_EQ(ParseSystem(SystemName(sys)), sys);
  }
  EXPECT_EQ(SystemName(System::kTenant), "tenantdb-tenant");
  EXPECT_EQ(ParseSystem("tenant"), System::kTenant);
  EXPECT_EQ(ParseSystem("raw"), System::kTenantdb);
  EXPECT_FALSE(ParseSystem("nope"));
  char a[kKeyBufferSize], b[kKeyBufferSize];
  EXPECT_EQ(KeyOf(42, a), "bench/k00000042");
  EXPECT_LT(KeyOf(99, a), KeyOf(100, b));
  std::string v;
  IncrementPrefix(v);
  IncrementPrefix(v);
  EXPECT_EQ(v, std::string("\x02\0\0\0\0\0\0\0", 8));
}

TEST(Options, RejectsBadValues) {
  BenchOptions o;
  EXPECT_TRUE(ValidateOptions(o).ok());
  o.threads = {0};
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o = BenchOptions();
  o.seconds = 0;
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o = BenchOptions();
  o.key_count = 50;  // fewer than one range
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o = BenchOptions();
  o.systems = {System::kTenant, System::kTenant};
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o.systems = {};
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o.workloads = {Workload::kTenantCreate};  // no key-value workload: no system needed
  EXPECT_TRUE(ValidateOptions(o).ok());
  o.tenant_creates = 0;
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o = BenchOptions();
  o.tenant_delete_keys = 5;
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  o = BenchOptions();
  o.turns = 0;
  EXPECT_EQ(ValidateOptions(o).code(), ErrorCode::kInvalidArgument);
  // The default runs every key-value workload and tenant_create, not tenant_delete.
  o = BenchOptions();
  EXPECT_EQ(o.workloads.size(), AllWorkloads().size() + 1);
  EXPECT_EQ(o.workloads.back(), Workload::kTenantCreate);
  EXPECT_EQ(o.systems.size(), 3u);
}

CellResult Cell(Workload w, std::string system, int threads, double rate, int64_t retries = 0) {
  CellResult c;
  c.workload = w;
  c.system = std::move(system);
  c.threads = threads;
  c.ops_per_s = rate;
  c.p50_us = 1e6 / rate * threads;
  c.retries = retries;
  return c;
}

TEST(Targets, JudgedOnTheFiguresGiven) {
  std::vector<CellResult> cells = {
      Cell(Workload::kPointGet, "tenantdb", 1, 80),
      Cell(Workload::kPointGet, "rocksdb", 1, 100),
      Cell(Workload::kPointGet, "tenantdb", 2, 60),
      Cell(Workload::kPointGet, "rocksdb", 2, 100),
      Cell(Workload::kBlindWrite, "tenantdb", 1, 5000),
      Cell(Workload::kBlindWrite, "tenantdb", 32, 60000),
      Cell(Workload::kHotCounter, "tenantdb", 1, 4900),
      Cell(Workload::kHotCounter, "tenantdb", 32, 30000, 3),
  };
  FsyncProbeResult fsync{100, 100, 400};
  std::vector<TargetCheck> checks = CheckTargets(cells, fsync);
  ASSERT_EQ(checks.size(), 15u);
  EXPECT_EQ(checks[0].met, false);  // point_get: 0.80 at 1 thread, 0.60 at 2
  EXPECT_NE(checks[0].detail.find("lowest 0.60"), std::string::npos) << checks[0].detail;
  EXPECT_EQ(checks[1].met, std::nullopt);  // range_read not run
  EXPECT_EQ(checks[2].met, true);          // 12x
  EXPECT_EQ(checks[3].met, true);          // 60,000/s
  EXPECT_EQ(checks[4].met, false);         // p50 200 us vs fsync 100 us: 2.0x
  EXPECT_EQ(checks[5].met, false);         // 3 retries
  EXPECT_EQ(checks[6].met, false);         // 30,000 / 60,000 = 0.5 at 32 threads
  for (size_t i = 7; i < checks.size(); ++i) EXPECT_EQ(checks[i].met, std::nullopt) << i;
}

DeleteResult Delete(std::string phase, int64_t keys, double ms) {
  DeleteResult r;
  r.phase = std::move(phase);
  r.keys = keys;
  r.samples = keys == 10 ? 5 : 1;
  r.seconds = ms / 1e3;
  return r;
}

TEST(Targets, TenantRatiosAndDeletes) {
  std::vector<CellResult> cells = {
      Cell(Workload::kPointGet, "tenantdb", 1, 100),
      Cell(Workload::kPointGet, "tenantdb-tenant", 1, 95),
      Cell(Workload::kBlindWrite, "tenantdb", 1, 100),
      Cell(Workload::kBlindWrite, "tenantdb-tenant", 1, 80),
      Cell(Workload::kBlindWrite, "tenantdb", 2, 100),
      Cell(Workload::kBlindWrite, "tenantdb-tenant", 2, 95),
  };
  std::vector<DeleteResult> deletes = {
      Delete("after_load", 1'000'000, 300),   Delete("after_load", 10, 2),
      Delete("after_window", 1'000'000, 2.5), Delete("after_window", 10, 2),  // 1.25x
      Delete("after_prune", 1'000'000, 2.9),  Delete("after_prune", 10, 1),   // +1.9 ms, 2.9x
  };
  std::vector<TargetCheck> checks = CheckTargets(cells, std::nullopt, deletes);
  ASSERT_EQ(checks.size(), 15u);
  EXPECT_EQ(checks[7].met, true) << checks[7].detail;   // point_get 0.95
  EXPECT_EQ(checks[8].met, std::nullopt);               // range_read not run
  EXPECT_EQ(checks[9].met, false) << checks[9].detail;  // blind_write 0.80 at 1 thread
  EXPECT_NE(checks[9].detail.find("lowest 0.80"), std::string::npos) << checks[9].detail;
  EXPECT_EQ(checks[12].met, false) << checks[12].detail;  // 150x
  EXPECT_EQ(checks[13].met, true) << checks[13].detail;
  EXPECT_EQ(checks[14].met, false) << checks[14].detail;

  // Just under the bound: shown rounded down, so it does not read as the bound it missed.
  cells = {Cell(Workload::kHotCounter, "tenantdb", 2, 100'000),
           Cell(Workload::kHotCounter, "tenantdb-tenant", 2, 89'996)};
  checks = CheckTargets(cells, std::nullopt);
  EXPECT_EQ(checks[11].met, false) << checks[11].detail;
  EXPECT_NE(checks[11].detail.find("2t 0.899 (lowest 0.899)"), std::string::npos)
      << checks[11].detail;
}

TEST(TablePrinter, OneRowPerCellWithEverySystemAndBothRatios) {
  std::ostringstream out;
  TablePrinter table(out, {System::kTenantdb, System::kTenant, System::kRocksdb});
  table.OnCell(Cell(Workload::kPointGet, "tenantdb", 1, 800));
  table.OnCell(Cell(Workload::kPointGet, "tenantdb-tenant", 1, 760));
  EXPECT_EQ(out.str().find("point_get"), std::string::npos) << "row printed before rocksdb";
  table.OnCell(Cell(Workload::kPointGet, "rocksdb", 1, 1000));
  CellResult create = Cell(Workload::kTenantCreate, "tenantdb-tenant", 2, 3000, 17);
  create.ops = 10'000;
  table.OnCell(create);
  table.OnDelete(Delete("after_prune", 1'000'000, 1.5));
  const std::string text = out.str();
  EXPECT_NE(text.find("ten/raw"), std::string::npos) << text;
  EXPECT_NE(text.find("|  0.80 |    0.95"), std::string::npos) << text;
  EXPECT_NE(text.find("tenant_create"), std::string::npos) << text;
  EXPECT_NE(text.find("3,000 tenants/s"), std::string::npos) << text;
  EXPECT_NE(text.find("17 retries"), std::string::npos) << text;
  EXPECT_NE(text.find("1,000,000 keys:      1.50 ms"), std::string::npos) << text;
}

// Table files (.sst) under `dir`.
int TableFiles(const std::filesystem::path& dir) {
  int n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() == ".sst") ++n;
  }
  return n;
}

// Settle (run before every cell) writes what a system's memtables hold to table files and
// leaves the data readable, for every system.
TEST(Targets, SettleWritesTheMemtablesOutForEverySystem) {
  using Opener = Result<std::unique_ptr<Target>> (*)(const std::string&, Durability);
  for (Opener open : {&OpenTenantdbTarget, &OpenTenantTarget, &OpenRocksdbPeer}) {
    testing::TempDir dir;
    auto target = open(dir.path().string(), Durability::kAsync);
    ASSERT_TRUE(target.ok()) << target.status().ToString();
    ASSERT_TRUE((*target)->Preload(500, 100).ok());
    ASSERT_EQ(TableFiles(dir.path()), 0) << (*target)->name() << ": a fresh store";
    Status s = (*target)->Settle();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_GE(TableFiles(dir.path()), 1) << (*target)->name();
    auto client = (*target)->NewClient();
    char buf[kKeyBufferSize];
    Op op;
    op.key = KeyOf(499, buf);
    int64_t retries = 0;
    s = client->Do(Workload::kPointGet, op, &retries);
    EXPECT_TRUE(s.ok()) << (*target)->name() << ": " << s.ToString();
  }
}

TEST(RunBench, SmokeRunPrintsOneJsonObjectPerCell) {
  BenchOptions o;
  o.threads = {1, 2};
  o.durabilities = {Durability::kSync, Durability::kAsync};
  o.seconds = 0.1;
  o.key_count = 2000;
  o.tenant_creates = 40;
  std::vector<std::string> lines;
  int fsyncs = 0;
  int creates = 0;
  std::map<std::string, int> systems;
  BenchSink sink;
  sink.on_fsync = [&](const FsyncProbeResult& f) {
    ++fsyncs;
    EXPECT_GT(f.samples, 0);
    lines.push_back(FsyncJsonLine(f));
  };
  sink.on_cell = [&](const CellResult& c) {
    EXPECT_GT(c.ops, 0) << JsonLine(c);
    EXPECT_GT(c.p99_us, 0) << JsonLine(c);
    EXPECT_GE(c.p99_us, c.p50_us) << JsonLine(c);
    if (c.workload == Workload::kHotCounter && c.system != "rocksdb") {
      EXPECT_EQ(c.retries, 0);
    }
    if (c.workload == Workload::kTenantCreate) {
      EXPECT_EQ(c.system, "tenantdb-tenant");
      EXPECT_EQ(c.ops, 40);
      ++creates;
    }
    ++systems[c.system];
    lines.push_back(JsonLine(c));
  };
  std::vector<GroupCommitModelResult> models;
  sink.on_model = [&](const GroupCommitModelResult& m) { models.push_back(m); };
  Status s = RunBench(o, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fsyncs, 1);
  // Durable blind writes ran with 2 threads: the model runs with 2, with no work per commit
  // and then with tenantdb's async 1-thread time per blind write.
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].threads, 2);
  EXPECT_EQ(models[0].work_us, 0);
  EXPECT_GT(models[1].work_us, 0);
  for (const GroupCommitModelResult& m : models) EXPECT_GT(m.commits, 0);
  // 5 workloads x 2 thread counts x 2 durabilities x 3 systems, tenant_create per thread
  // count and durability, plus the disk.
  ASSERT_EQ(lines.size(), 5u * 2 * 2 * 3 + 2 * 2 + 1);
  EXPECT_EQ(creates, 4);
  EXPECT_EQ(systems["tenantdb"], 20);
  EXPECT_EQ(systems["tenantdb-tenant"], 24);
  EXPECT_EQ(systems["rocksdb"], 20);
  const std::regex object(
      R"re(^\{"workload":"[a-z_]+","system":"(tenantdb|tenantdb-tenant|rocksdb|disk)",)re"
      R"re("threads":[0-9]+,)re"
      R"re("durability":"(sync|async)","ops":[0-9]+,"seconds":[0-9.]+,"ops_per_s":[0-9.]+,)re"
      R"re("p50_us":[0-9.]+,"p99_us":[0-9.]+,"retries":[0-9]+\}$)re");
  for (const std::string& line : lines) EXPECT_TRUE(std::regex_match(line, object)) << line;
}

TEST(GroupCommitModel, EveryCommitWaitsForARoundBegunAfterIt) {
  const std::string dir = ::testing::TempDir();
  GroupCommitModelOptions o;
  o.threads = 4;
  o.seconds = 0.2;
  Result<GroupCommitModelResult> r = RunGroupCommitModel(dir, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->threads, 4);
  EXPECT_GT(r->commits, 0);
  EXPECT_GT(r->rounds, 0);
  // A thread's next commit needs a round begun after its last was acknowledged: at most one
  // commit per thread per round (a client that did not wait would make thousands).
  EXPECT_LE(r->commits, 4 * r->rounds);
  EXPECT_GE(r->seconds, 0.2);
  EXPECT_NEAR(r->ops_per_s, static_cast<double>(r->commits) / r->seconds, 1e-6);
  EXPECT_NEAR(r->commits_per_round,
              static_cast<double>(r->commits) / static_cast<double>(r->rounds), 1e-9);

  // 5 ms of CPU per commit: at most 0.2 s / 5 ms = 40 commits per thread (plus the one under
  // way when the time is up).
  o.work_us = 5000;
  r = RunGroupCommitModel(dir, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->commits, 0);
  EXPECT_LE(r->commits, 4 * 41);
  EXPECT_LE(r->commits, 4 * r->rounds);
  EXPECT_EQ(r->work_us, 5000);

  const std::regex object(
      R"re(^\{"workload":"group_commit_model","system":"model","threads":4,"durability":"sync",)re"
      R"re("work_us":5000\.000,"ops":[0-9]+,"rounds":[0-9]+,"seconds":[0-9.]+,)re"
      R"re("ops_per_s":[0-9.]+,"commits_per_round":[0-9.]+\}$)re");
  EXPECT_TRUE(std::regex_match(ModelJsonLine(*r), object)) << ModelJsonLine(*r);
}

TEST(GroupCommitModel, AClientCountedByARoundBegunBeforeItLookedIsStillAcknowledged) {
  // One client pauses 2 ms between submitting and reading the round count: the syncer, which
  // looks for submissions continuously, has begun a round that counts it by then, so the
  // client waits for the round after. Nobody else submits: that round must run all the same
  // (else the client sleeps until the time is up and makes no commit).
  GroupCommitModelOptions o;
  o.threads = 1;
  o.seconds = 0.2;
  o.pause_after_submit_us = 2000;
  Result<GroupCommitModelResult> r = RunGroupCommitModel(::testing::TempDir(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->commits, 10);  // ~2 ms + two fsyncs each
  EXPECT_LE(r->commits, r->rounds);
}

TEST(GroupCommitModel, EachCommitCostsItsCpuTimeHoweverTheThreadsAreScheduled) {
  // Four threads per core, 5 ms of CPU per commit, 0.3 s: the cores give at most
  // cores x 0.3 s / 5 ms commits (plus one under way per thread). A spin by the wall clock
  // would let every thread finish ~0.3 s / 5 ms of them, four times as many.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  GroupCommitModelOptions o;
  o.threads = std::min(4 * cores, 256);
  o.work_us = 5000;
  o.seconds = 0.3;
  Result<GroupCommitModelResult> r = RunGroupCommitModel(::testing::TempDir(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->commits, 0);
  EXPECT_LE(r->commits, cores * 60 + o.threads) << cores << " cores";
}

TEST(GroupCommitModel, BadOptionsAreNamed) {
  const std::string dir = ::testing::TempDir();
  struct Case {
    GroupCommitModelOptions options;
    std::string names;
  };
  std::vector<Case> cases(5);
  cases[0].options.threads = 0;
  cases[0].names = "threads 0";
  cases[1].options.threads = 1025;
  cases[1].names = "threads 1025";
  cases[2].options.work_us = -1;
  cases[2].names = "work_us -1";
  cases[3].options.seconds = 0;
  cases[3].names = "seconds 0";
  cases[4].options.seconds = 1;
  cases[4].names = "group-commit-model";  // a directory that does not exist
  for (size_t i = 0; i < cases.size(); ++i) {
    Result<GroupCommitModelResult> r =
        RunGroupCommitModel(i == 4 ? dir + "/no/such/dir" : dir, cases[i].options);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.status().code(), i == 4 ? ErrorCode::kIoError : ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(cases[i].names), std::string::npos)
        << r.status().ToString();
  }
}

TEST(Targets, TheModelIsShownBesideTheScalingTarget) {
  std::vector<CellResult> cells = {
      Cell(Workload::kBlindWrite, "tenantdb", 1, 5000),
      Cell(Workload::kBlindWrite, "tenantdb", 32, 40000),
  };
  GroupCommitModelResult model;
  model.work_us = 12.5;
  model.ops_per_s = 45000;
  std::vector<TargetCheck> checks = CheckTargets(cells, std::nullopt, {}, {model});
  EXPECT_EQ(checks[2].met, false);  // 8x, whatever the model says
  EXPECT_NE(checks[2].detail.find("40,000/s vs 5,000/s = 8.0x; model at 12.5 us/commit "
                                  "45,000/s = 9.0x"),
            std::string::npos)
      << checks[2].detail;
  std::ostringstream out;
  TablePrinter table(out, {System::kTenantdb});
  model.threads = 32;
  model.commits_per_round = 19.3;
  table.OnModel(model);
  EXPECT_NE(out.str().find("32 threads, 12.5 us of CPU per commit"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("45,000 commits/s, 19.3 per round"), std::string::npos) << out.str();
}

TEST(RunBench, TenantDeleteReportsEveryPhase) {
  BenchOptions o;
  o.workloads = {Workload::kTenantDelete};
  o.systems = {};  // not needed without a key-value workload
  o.durabilities = {Durability::kAsync};
  o.tenant_delete_keys = 2000;
  o.tenant_delete_wait_s = 0.1;
  std::vector<DeleteResult> results;
  std::vector<std::string> lines;
  BenchSink sink;
  sink.on_cell = [&](const CellResult& c) { ADD_FAILURE() << JsonLine(c); };
  sink.on_delete = [&](const DeleteResult& r) {
    results.push_back(r);
    lines.push_back(DeleteJsonLine(r));
  };
  Status s = RunBench(o, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(results.size(), 6u);
  const char* phases[] = {"after_load", "after_window", "after_prune"};
  for (size_t i = 0; i < results.size(); ++i) {
    const DeleteResult& r = results[i];
    EXPECT_EQ(r.phase, phases[i / 2]);
    EXPECT_EQ(r.keys, i % 2 == 0 ? 2000 : 10);
    EXPECT_EQ(r.samples, i % 2 == 0 ? 1 : 5);
    EXPECT_GT(r.seconds, 0);
    EXPECT_EQ(r.filler_commits, i / 2 == 2 ? 2 * (2000 + 50) + 10'000 : 0);
    if (i / 2 > 0) {
      EXPECT_GE(r.since_load_s, 0.1);
    }
  }
  const std::regex object(
      R"re(^\{"workload":"tenant_delete","system":"tenantdb-tenant","durability":"async",)re"
      R"re("phase":"after_(load|window|prune)","keys":[0-9]+,"samples":[0-9]+,)re"
      R"re("seconds":[0-9.]+,"since_load_s":[0-9.]+,"filler_commits":[0-9]+\}$)re");
  for (const std::string& line : lines) EXPECT_TRUE(std::regex_match(line, object)) << line;
  std::vector<TargetCheck> checks = CheckTargets({}, std::nullopt, results);
  for (size_t i = 12; i < 15; ++i) {
    EXPECT_NE(checks[i].met, std::nullopt) << checks[i].name;
    EXPECT_NE(checks[i].detail.find("2,000 keys"), std::string::npos) << checks[i].detail;
  }
}

}  // namespace
}  // namespace tenantdb::bench
