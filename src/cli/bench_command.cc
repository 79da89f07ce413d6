#include "cli/bench_command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/kv_bench.h"
#include "bench/report.h"

namespace tenantdb::cli {

void AddBenchCommand(CLI::App& app, BenchCommand& command) {
  std::vector<std::string> names;
  for (bench::Workload w : bench::AllWorkloads()) names.emplace_back(bench::WorkloadName(w));
  CLI::App* b = app.add_subcommand(
      "bench",
      "Run the key-value workloads against tenantdb and RocksDB used directly (same options)");
  b->add_option("--workload", command.workloads,
                fmt::format("Workloads to run, comma-separated or repeated (default: all): {}",
                            fmt::join(names, ", ")))
      ->delimiter(',')
      ->check(CLI::IsMember(names))
      ->type_name("NAME");
  b->add_option("--threads", command.threads, "Client thread counts, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024))
      ->capture_default_str()
      ->type_name("N,...");
  b->add_option("--durability", command.durabilities,
                "sync (fsync before a commit is acknowledged), async, or both")
      ->delimiter(',')
      ->check(CLI::IsMember({"sync", "async"}))
      ->capture_default_str()
      ->type_name("D,...");
  b->add_option("--seconds", command.seconds, "Seconds per cell and system")
      ->check(CLI::Range(0.001, 3600.0))
      ->capture_default_str()
      ->type_name("S");
  b->add_option("--dir", command.dir,
                "Directory for the temporary stores (default: the system temp directory); "
                "a fresh subdirectory is made there and removed afterwards")
      ->type_name("PATH");
  b->add_option("--keys", command.keys, "Keys loaded before the first cell (100-byte values)")
      ->check(CLI::Range(int64_t{100}, int64_t{100'000'000}))
      ->capture_default_str()
      ->type_name("N");
  b->footer(
      "Each cell (workload x threads x durability) runs tenantdb and RocksDB (with\n"
      "kv::LocalRocksOptions()) in turns, 4 each; ratio = tenantdb ops/s / RocksDB ops/s.\n"
      "The disk's fsync latency (4 KiB append + fdatasync) is measured in the same\n"
      "directory, right before the first durable write cell.\n"
      "--json prints one object per line: {\"workload\",\"system\",\"threads\",\"durability\",\n"
      "\"ops\",\"seconds\",\"ops_per_s\",\"p50_us\",\"p99_us\",\"retries\"}. See "
      "docs/BENCHMARKS.md.");
  b->callback([&command] { command.requested = true; });
}

Outcome RunBenchCommand(const BenchCommand& command, const GlobalOptions& global,
                        std::ostream& out) {
  bench::BenchOptions options;
  if (!command.workloads.empty()) {
    options.workloads.clear();
    for (const std::string& name : command.workloads) {
      std::optional<bench::Workload> w = bench::ParseWorkload(name);
      if (!w) return Outcome::Usage(fmt::format("--workload: unknown workload '{}'", name));
      options.workloads.push_back(*w);
    }
  }
  options.threads = command.threads;
  options.durabilities.clear();
  for (const std::string& d : command.durabilities) {
    options.durabilities.push_back(d == "async" ? Durability::kAsync : Durability::kSync);
  }
  options.seconds = command.seconds;
  options.dir = command.dir;
  options.key_count = command.keys;
  if (Status s = bench::ValidateOptions(options); !s.ok()) return Outcome::Failed(s);

  std::vector<bench::CellResult> cells;
  std::optional<bench::FsyncProbeResult> fsync;
  bench::TablePrinter table(out);
  bench::BenchSink sink;
  sink.on_fsync = [&](const bench::FsyncProbeResult& f) {
    fsync = f;
    if (global.json) {
      out << bench::FsyncJsonLine(f) << '\n';
    } else {
      table.OnFsync(f);
    }
  };
  sink.on_cell = [&](const bench::CellResult& c) {
    cells.push_back(c);
    if (global.json) {
      out << bench::JsonLine(c) << std::endl;
    } else {
      table.OnCell(c);
    }
  };
  Status s = bench::RunBench(options, sink);
  if (!s.ok()) return Outcome::Failed(s);
  if (!global.json) bench::PrintTargets(bench::CheckTargets(cells, fsync), out);
  return Outcome::Ok();
}

}  // namespace tenantdb::cli
