#include "cli/bench_command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/kv_bench.h"
#include "bench/report.h"
#include "kv/engine/local_engine.h"

namespace tenantdb::cli {

void AddBenchCommand(CLI::App& app, BenchCommand& command) {
  std::vector<std::string> names;
  for (bench::Workload w : bench::AllWorkloads()) names.emplace_back(bench::WorkloadName(w));
  for (bench::Workload w : bench::TenantWorkloads()) names.emplace_back(bench::WorkloadName(w));
  CLI::App* b = app.add_subcommand(
      "bench",
      "Run the key-value workloads against tenantdb (raw and through a tenant) and RocksDB "
      "used directly (same options), and the tenant directory workloads");
  b->add_option("--workload", command.workloads,
                fmt::format("Workloads to run, comma-separated or repeated (default: all but "
                            "tenant_delete): {}",
                            fmt::join(names, ", ")))
      ->delimiter(',')
      ->check(CLI::IsMember(names))
      ->type_name("NAME");
  b->add_option("--systems", command.systems,
                "Systems the key-value workloads run against: tenantdb (raw transactions), "
                "tenant (through a tenant handle), rocksdb")
      ->delimiter(',')
      ->check(CLI::IsMember({"tenantdb", "raw", "tenant", "tenantdb-tenant", "rocksdb"}))
      ->capture_default_str()
      ->type_name("S,...");
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
  b->add_option("--turns", command.turns,
                "Turns each system takes per cell, alternating with the others (seconds/turns "
                "each)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str()
      ->type_name("N");
  b->add_option("--dir", command.dir,
                "Directory for the temporary stores (default: the system temp directory); "
                "a fresh subdirectory is made there and removed afterwards")
      ->type_name("PATH");
  b->add_option("--keys", command.keys, "Keys loaded before the first cell (100-byte values)")
      ->check(CLI::Range(int64_t{100}, int64_t{100'000'000}))
      ->capture_default_str()
      ->type_name("N");
  b->add_option("--tenants", command.tenants, "tenant_create: tenants created per thread count")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}))
      ->capture_default_str()
      ->type_name("N");
  b->add_option("--delete-keys", command.delete_keys,
                "tenant_delete: keys in the big tenant (deleted vs tenants of 10 keys)")
      ->check(CLI::Range(int64_t{10}, int64_t{100'000'000}))
      ->capture_default_str()
      ->type_name("N");
  b->footer(
      "Each key-value cell (workload x threads x durability) runs the systems in turns\n"
      "(--turns each): tenantdb (raw), tenantdb-tenant (the same keys in one tenant,\n"
      "through a Tenant handle) and RocksDB (with kv::LocalRocksOptions()), each system\n"
      "starting it from a settled store (memtables flushed, store compacted, waited for);\n"
      "ratio = tenantdb / RocksDB ops/s, ten/raw = tenantdb-tenant / tenantdb ops/s.\n"
      "tenant_create creates --tenants tenants per thread count; tenant_delete (not run by\n"
      "default: it loads --delete-keys keys three times and waits past the 5 s MVCC window)\n"
      "times deleting that tenant vs tenants of 10 keys.\n"
      "The disk's fsync latency (4 KiB append + fdatasync) is measured in the same\n"
      "directory, right before the first durable write cell. If a commit's wake-up went\n"
      "missing (recovered after 50 ms), the table ends with their count.\n"
      "After durable blind writes with several threads, a group commit model runs with\n"
      "as many threads and no engine (each round one fdatasync and one FUTEX_WAKE; 0 us\n"
      "of CPU per commit, then tenantdb's own async 1-thread time per commit): what\n"
      "this machine allows a group commit, shown beside the durable scaling target.\n"
      "A cell's ratio is one sample (it moves by up to +-0.1 between runs on a busy\n"
      "machine): scripts/bench-ratios.sh repeats the run and averages the ratios.\n"
      "--json prints one object per line: {\"workload\",\"system\",\"threads\",\"durability\",\n"
      "\"ops\",\"seconds\",\"ops_per_s\",\"p50_us\",\"p99_us\",\"retries\"}; tenant_delete:\n"
      "{\"workload\",\"system\",\"durability\",\"phase\",\"keys\",\"samples\",\"seconds\",\n"
      "\"since_load_s\",\"filler_commits\"}; the model: {\"workload\":\"group_commit_model\",\n"
      "\"system\":\"model\",\"threads\",\"durability\",\"work_us\",\"ops\",\"rounds\",\n"
      "\"seconds\",\"ops_per_s\",\"commits_per_round\"}. See docs/BENCHMARKS.md.");
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
  options.systems.clear();
  for (const std::string& name : command.systems) {
    std::optional<bench::System> system = bench::ParseSystem(name);
    if (!system) return Outcome::Usage(fmt::format("--systems: unknown system '{}'", name));
    for (bench::System seen : options.systems) {
      if (seen == *system) {
        return Outcome::Usage(fmt::format("--systems: {} given twice", name));
      }
    }
    options.systems.push_back(*system);
  }
  options.threads = command.threads;
  options.durabilities.clear();
  for (const std::string& d : command.durabilities) {
    options.durabilities.push_back(d == "async" ? Durability::kAsync : Durability::kSync);
  }
  options.seconds = command.seconds;
  options.turns = command.turns;
  options.dir = command.dir;
  options.key_count = command.keys;
  options.tenant_creates = command.tenants;
  options.tenant_delete_keys = command.delete_keys;
  if (Status s = bench::ValidateOptions(options); !s.ok()) return Outcome::Failed(s);

  std::vector<bench::CellResult> cells;
  std::vector<bench::DeleteResult> deletes;
  std::optional<bench::FsyncProbeResult> fsync;
  std::vector<bench::GroupCommitModelResult> models;
  bench::TablePrinter table(out, options.systems);
  bench::BenchSink sink;
  // Each result is printed as it arrives: its JSON line, or its line of the table.
  auto print = [&](const auto& result, auto json_line, auto table_line) {
    if (global.json) {
      out << json_line(result) << std::endl;
    } else {
      (table.*table_line)(result);
    }
  };
  sink.on_fsync = [&](const bench::FsyncProbeResult& f) {
    fsync = f;
    print(f, bench::FsyncJsonLine, &bench::TablePrinter::OnFsync);
  };
  sink.on_cell = [&](const bench::CellResult& c) {
    cells.push_back(c);
    print(c, bench::JsonLine, &bench::TablePrinter::OnCell);
  };
  sink.on_delete = [&](const bench::DeleteResult& r) {
    deletes.push_back(r);
    print(r, bench::DeleteJsonLine, &bench::TablePrinter::OnDelete);
  };
  sink.on_model = [&](const bench::GroupCommitModelResult& m) {
    models.push_back(m);
    print(m, bench::ModelJsonLine, &bench::TablePrinter::OnModel);
  };
  Status s = bench::RunBench(options, sink);
  if (!s.ok()) return Outcome::Failed(s);
  if (!global.json) {
    bench::PrintTargets(bench::CheckTargets(cells, fsync, deletes, models), out);
    // Commit-pipeline wake-ups that went missing and were recovered by the 50 ms sleep bound
    // (each one a stall of up to 50 ms in its cell's figures); shown only when it happened.
    if (uint64_t lost = kv::LocalEngine::LostWakeups(); lost > 0) {
      out << fmt::format("-- lost commit wake-ups recovered after 50 ms: {}\n", lost);
    }
  }
  return Outcome::Ok();
}

}  // namespace tenantdb::cli
