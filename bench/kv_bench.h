// The runner of `tenantdb bench`: every cell of key-value workloads x client threads x
// durability, run against each system of BenchOptions::systems in turn (tenantdb raw,
// tenantdb through a tenant handle, and RocksDB used directly with the same options and
// data: bench/tenantdb_target.h, bench/rocksdb_peer.h), then the tenant directory workloads
// (bench/tenant_bench.h), plus the disk's fsync latency (bench/fsync_probe.h).
//
// Per durability, every system's store is created in a fresh temporary directory under
// BenchOptions::dir, preloaded with key_count keys and removed afterwards. In a cell the
// systems take turns, BenchOptions::turns times each in A B C, C B A, A B C, ... order for
// seconds/turns each, so that a change in the machine's background load falls on all alike;
// a turn starts all its client threads together and runs each until the turn's time has
// passed or it has done its share of max_ops_per_cell operations. Every operation's latency is
// kept.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/fsync_probe.h"
#include "bench/group_commit_model.h"
#include "bench/workload.h"

namespace tenantdb::bench {

struct BenchOptions {
  // Default: every key-value workload, in the order of AllWorkloads(), then tenant_create
  // (tenant_delete, which loads tenant_delete_keys keys three times, only when asked for).
  std::vector<Workload> workloads = DefaultWorkloads();
  // The systems the key-value workloads run against, in turn order. Default: all three.
  std::vector<System> systems = {System::kTenantdb, System::kTenant, System::kRocksdb};
  // Client thread counts. Default: 1, 2, 32.
  std::vector<int> threads = {1, 2, 32};
  // Default: sync, then async.
  std::vector<Durability> durabilities = {Durability::kSync, Durability::kAsync};
  // Length of each cell (each system). Default: 1.
  double seconds = 1.0;
  // Turns each system takes in a cell, alternating with the others. Default: 10 (a VM's
  // background load changes within a second; with 4 turns of 0.25 s one system's ratio to
  // another moved by 0.1-0.3 from run to run).
  int turns = 10;
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
  // tenant_create: tenants created per thread count. Default: 10,000.
  int64_t tenant_creates = 10'000;
  // tenant_delete: keys of the big tenant. Default: 1,000,000.
  int64_t tenant_delete_keys = 1'000'000;
  // tenant_delete: seconds waited after a load for the after_window and after_prune phases.
  // Default: the MVCC window (5 s) plus 1 s.
  double tenant_delete_wait_s = 6.0;

  static std::vector<Workload> DefaultWorkloads() {
    std::vector<Workload> w = AllWorkloads();
    w.push_back(Workload::kTenantCreate);
    return w;
  }
};

// Errors: invalid_argument naming the bad option.
Status ValidateOptions(const BenchOptions& options);

struct CellResult {
  Workload workload = Workload::kPointGet;
  std::string system;  // "tenantdb" | "tenantdb-tenant" | "rocksdb"
  int threads = 1;
  Durability durability = Durability::kSync;
  int64_t ops = 0;
  double seconds = 0;  // wall time of its turns, each from the start of the threads to the end
  double ops_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  int64_t retries = 0;  // transactions re-run after a conflict
};

// One tenant_delete figure (bench/tenant_bench.h).
struct DeleteResult {
  std::string phase;  // "after_load" | "after_window" | "after_prune"
  Durability durability = Durability::kSync;
  int64_t keys = 0;            // keys the deleted tenant held
  int samples = 1;             // deletes measured; `seconds` is their median
  double seconds = 0;          // one TenantDirectory::Delete, call to acknowledged commit
  double since_load_s = 0;     // from the end of the phase's load to the delete's start
  int64_t filler_commits = 0;  // commits run between the load and the delete
};

// What the run produces, in order; each callback is called as soon as its result exists.
struct BenchSink {
  std::function<void(const FsyncProbeResult&)> on_fsync;
  std::function<void(const CellResult&)> on_cell;
  std::function<void(const DeleteResult&)> on_delete;
  std::function<void(const GroupCommitModelResult&)> on_model;
};

// Runs one cell of `target` alone, in one turn of options.seconds. Errors: the first operation
// error of any thread, with context.
Result<CellResult> RunCell(Target& target, Workload workload, int threads, Durability durability,
                           const BenchOptions& options);

// Runs the whole matrix; the fsync probe runs right before the first durable write cell (at
// the end when there is none). When tenantdb's durable blind writes ran with more than one
// thread, the group commit model (bench/group_commit_model.h) runs last, with the largest
// thread count, for min(seconds, 1) each: with no work per commit, and with tenantdb's own
// time per commit (one over its async 1-thread blind write rate) when that cell ran. Errors:
// invalid_argument for bad options, io_error for the directory, or the first error of a store or an
// operation (the run stops there).
Status RunBench(const BenchOptions& options, const BenchSink& sink);

}  // namespace tenantdb::bench
