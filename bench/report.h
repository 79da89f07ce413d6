// Printing `tenantdb bench` results: JSON lines, the side-by-side table, and the check of the
// targets of docs/BENCHMARKS.md against the figures of the same run.
//
// JSON: one object per line, per system and cell (tenant_create too, as system
// "tenantdb-tenant": ops = tenants created, ops_per_s = tenants/s):
//   {"workload":W,"system":"tenantdb"|"tenantdb-tenant"|"rocksdb","threads":N,
//    "durability":"sync"|"async","ops":N,"seconds":S,"ops_per_s":X,"p50_us":X,"p99_us":X,
//    "retries":N}
// one for the disk, with workload "fsync", system "disk" and threads 1 (its ops_per_s is
// one over the median latency), and per tenant_delete figure:
//   {"workload":"tenant_delete","system":"tenantdb-tenant","durability":D,"phase":P,
//    "keys":N,"samples":N,"seconds":S,"since_load_s":S,"filler_commits":N}
// and per run of the group commit model (bench/group_commit_model.h):
//   {"workload":"group_commit_model","system":"model","threads":N,"durability":"sync",
//    "work_us":X,"ops":N,"rounds":N,"seconds":S,"ops_per_s":X,"commits_per_round":X}
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bench/fsync_probe.h"
#include "bench/kv_bench.h"

namespace tenantdb::bench {

std::string JsonLine(const CellResult& cell);
std::string FsyncJsonLine(const FsyncProbeResult& fsync);
std::string DeleteJsonLine(const DeleteResult& r);
std::string ModelJsonLine(const GroupCommitModelResult& m);

// Prints the table as results arrive: a key-value row once every system of its cell is in
// (with the ratios tenantdb / rocksdb and tenantdb-tenant / tenantdb when those ran), a line
// per tenant_create cell and per tenant_delete figure.
class TablePrinter {
 public:
  TablePrinter(std::ostream& out, std::vector<System> systems);
  void OnFsync(const FsyncProbeResult& fsync);
  void OnCell(const CellResult& cell);
  void OnDelete(const DeleteResult& r);
  void OnModel(const GroupCommitModelResult& m);

 private:
  int IndexOf(std::string_view system) const;  // -1 when not in systems_

  std::ostream& out_;
  std::vector<System> systems_;
  bool header_ = false;
  std::vector<std::optional<CellResult>> pending_;  // per system, the current cell
};

struct TargetCheck {
  std::string name;         // e.g. "point_get >= 0.70 x rocksdb Get"
  std::string detail;       // the figures it was judged on
  std::optional<bool> met;  // nullopt when the run lacks the cells the target needs
};

// The targets, judged on `cells`, `fsync` and `deletes` of one run; `models` (the group
// commit model's runs) are shown beside the durable scaling target, not judged.
std::vector<TargetCheck> CheckTargets(const std::vector<CellResult>& cells,
                                      const std::optional<FsyncProbeResult>& fsync,
                                      const std::vector<DeleteResult>& deletes = {},
                                      const std::vector<GroupCommitModelResult>& models = {});
void PrintTargets(const std::vector<TargetCheck>& checks, std::ostream& out);

}  // namespace tenantdb::bench
