#include "bench/kv_bench.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "bench/latency.h"
#include "bench/report.h"

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
  b.Add(-5);                   // clamped to 0
  b.Add(int64_t{1} << 40);     // clamped to 2^32-1 ns
  a.Merge(std::move(b));
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(b.size(), 0u);
  EXPECT_DOUBLE_EQ(a.PercentileMicros(20), 0);
  EXPECT_DOUBLE_EQ(a.PercentileMicros(60), 2);
  EXPECT_DOUBLE_EQ(a.PercentileMicros(100), 4294967.295);
}

TEST(Workload, NamesRoundTripAndKeysSortByIndex) {
  for (Workload w : AllWorkloads()) EXPECT_EQ(ParseWorkload(WorkloadName(w)), w);
  EXPECT_FALSE(ParseWorkload("nope"));
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
      Cell(Workload::kPointGet, "tenantdb", 1, 80), Cell(Workload::kPointGet, "rocksdb", 1, 100),
      Cell(Workload::kPointGet, "tenantdb", 2, 60), Cell(Workload::kPointGet, "rocksdb", 2, 100),
      Cell(Workload::kBlindWrite, "tenantdb", 1, 5000),
      Cell(Workload::kBlindWrite, "tenantdb", 32, 60000),
      Cell(Workload::kHotCounter, "tenantdb", 1, 4900),
      Cell(Workload::kHotCounter, "tenantdb", 32, 30000, 3),
  };
  FsyncProbeResult fsync{100, 100, 400};
  std::vector<TargetCheck> checks = CheckTargets(cells, fsync);
  ASSERT_EQ(checks.size(), 7u);
  EXPECT_EQ(checks[0].met, false);  // point_get: 0.80 at 1 thread, 0.60 at 2
  EXPECT_NE(checks[0].detail.find("lowest 0.60"), std::string::npos) << checks[0].detail;
  EXPECT_EQ(checks[1].met, std::nullopt);  // range_read not run
  EXPECT_EQ(checks[2].met, true);          // 12x
  EXPECT_EQ(checks[3].met, true);          // 60,000/s
  EXPECT_EQ(checks[4].met, false);         // p50 200 us vs fsync 100 us: 2.0x
  EXPECT_EQ(checks[5].met, false);         // 3 retries
  EXPECT_EQ(checks[6].met, false);         // 30,000 / 60,000 = 0.5 at 32 threads
}

TEST(RunBench, SmokeRunPrintsOneJsonObjectPerCell) {
  BenchOptions o;
  o.threads = {1, 2};
  o.durabilities = {Durability::kSync, Durability::kAsync};
  o.seconds = 0.1;
  o.key_count = 2000;
  std::vector<std::string> lines;
  int fsyncs = 0;
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
    if (c.workload == Workload::kHotCounter && c.system == "tenantdb") {
      EXPECT_EQ(c.retries, 0);
    }
    lines.push_back(JsonLine(c));
  };
  Status s = RunBench(o, sink);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(fsyncs, 1);
  // 5 workloads x 2 thread counts x 2 durabilities x 2 systems, plus the disk.
  ASSERT_EQ(lines.size(), 5u * 2 * 2 * 2 + 1);
  const std::regex object(
      R"re(^\{"workload":"[a-z_]+","system":"(tenantdb|rocksdb|disk)","threads":[0-9]+,)re"
      R"re("durability":"(sync|async)","ops":[0-9]+,"seconds":[0-9.]+,"ops_per_s":[0-9.]+,)re"
      R"re("p50_us":[0-9.]+,"p99_us":[0-9.]+,"retries":[0-9]+\}$)re");
  for (const std::string& line : lines) EXPECT_TRUE(std::regex_match(line, object)) << line;
}

}  // namespace
}  // namespace tenantdb::bench
