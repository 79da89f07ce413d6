// `tenantdb bench`: the key-value workloads against tenantdb (raw, and through a tenant
// handle) and, in the same run with the same RocksDB options, against RocksDB used directly
// (bench/kv_bench.h), and the tenant directory workloads (bench/tenant_bench.h). Prints a
// table with the ratios and the targets of docs/BENCHMARKS.md, or with --json one object per
// line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/outcome.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tenantdb::cli {

// The parsed `bench` command line.
struct BenchCommand {
  bool requested = false;              // `bench` was given
  std::vector<std::string> workloads;  // names; empty means the default set
  std::vector<std::string> systems = {"tenantdb", "tenant", "rocksdb"};
  std::vector<int> threads = {1, 2, 32};
  std::vector<std::string> durabilities = {"sync", "async"};
  double seconds = 1.0;
  int turns = 10;
  std::string dir;  // empty: the system temp directory
  int64_t keys = 100'000;
  int64_t tenants = 10'000;         // tenant_create
  int64_t delete_keys = 1'000'000;  // tenant_delete
};

// Adds the `bench` subcommand to `app`; parsing it fills `command` (which must outlive app).
void AddBenchCommand(CLI::App& app, BenchCommand& command);

// Runs the benchmark and prints its results to `out` (JSON lines with global.json).
Outcome RunBenchCommand(const BenchCommand& command, const GlobalOptions& global,
                        std::ostream& out);

}  // namespace tenantdb::cli
