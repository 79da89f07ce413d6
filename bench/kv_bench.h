// The runner of `tenantdb bench`: every cell of workloads x client threads x durability, run
// against tenantdb and, right after it with the same RocksDB options and data, against RocksDB
// used directly (bench/rocksdb_peer.h), plus the disk's fsync latency (bench/fsync_probe.h).
//
// Per durability, both stores are created in a fresh temporary directory under
// BenchOptions::dir, preloaded with key_count keys and removed afterwards. In a cell the two
// systems take turns, 4 times each in A B B A order for seconds/4 each, so that a change in
// the machine's background load falls on both alike; a turn starts all its client threads
// together and runs each until the turn's time has passed or it has done its share of
// max_ops_per_cell operations. Every operation's latency is kept.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/fsync_probe.h"
#include "bench/workload.h"

namespace tenantdb::bench {

struct BenchOptions {
  // Default: every workload, in the order of AllWorkloads().
  std::vector<Workload> workloads = AllWorkloads();
  // Client thread counts. Default: 1, 2, 32.
  std::vector<int> threads = {1, 2, 32};
  // Default: sync, then async.
  std::vector<Durability> durabilities = {Durability::kSync, Durability::kAsync};
  // Length of each cell (each system). Default: 1.
  double seconds = 1.0;
  // Where the temporary stores go. Default: empty, meaning the system temp directory.
  std::string dir;
  // Keys loaded before the first cell; values of value_size bytes. Defaults: 100,000, 100.
  int64_t key_count = 100'000;
  int value_size = 100;
  // Keys per range_read; counters hot_counter spreads over. Defaults: 100, 10.
  int range_size = 100;
  int hot_keys = 10;
  // Operations per cell at most, across its threads. Default: 5,000,000.
  int64_t max_ops_per_cell = 5'000'000;
};

// Errors: invalid_argument naming the bad option.
Status ValidateOptions(const BenchOptions& options);

struct CellResult {
  Workload workload = Workload::kPointGet;
  std::string system;  // "tenantdb" | "rocksdb"
  int threads = 1;
  Durability durability = Durability::kSync;
  int64_t ops = 0;
  double seconds = 0;  // wall time of its turns, each from the start of the threads to the end
  double ops_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  int64_t retries = 0;  // transactions re-run after a conflict
};

// What the run produces, in order; each callback is called as soon as its result exists.
struct BenchSink {
  std::function<void(const FsyncProbeResult&)> on_fsync;
  std::function<void(const CellResult&)> on_cell;
};

// Runs one cell of `target` alone, in one turn of options.seconds. Errors: the first operation error of any thread, with context.
Result<CellResult> RunCell(Target& target, Workload workload, int threads, Durability durability,
                           const BenchOptions& options);

// Runs the whole matrix; the fsync probe runs right before the first durable write cell (at
// the end when there is none). Errors: invalid_argument for bad options, io_error for the
// directory, or the first error of a store or an operation (the run stops there).
Status RunBench(const BenchOptions& options, const BenchSink& sink);

}  // namespace tenantdb::bench
