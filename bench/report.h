// Printing `tenantdb bench` results: JSON lines, the side-by-side table, and the check of the
// targets of docs/BENCHMARKS.md against the figures of the same run.
//
// JSON: one object per line, per system and cell:
//   {"workload":W,"system":"tenantdb"|"rocksdb","threads":N,"durability":"sync"|"async",
//    "ops":N,"seconds":S,"ops_per_s":X,"p50_us":X,"p99_us":X,"retries":N}
// and one for the disk, with workload "fsync", system "disk" and threads 1 (its ops_per_s is
// one over the median latency).
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

// Prints the table as results arrive: a row once both systems of a cell are in.
class TablePrinter {
 public:
  explicit TablePrinter(std::ostream& out) : out_(out) {}
  void OnFsync(const FsyncProbeResult& fsync);
  void OnCell(const CellResult& cell);

 private:
  std::ostream& out_;
  bool header_ = false;
  std::optional<CellResult> pending_;  // the first system of the current cell
};

struct TargetCheck {
  std::string name;    // e.g. "point_get >= 0.70 x rocksdb Get"
  std::string detail;  // the figures it was judged on
  std::optional<bool> met;  // nullopt when the run lacks the cells the target needs
};

// The targets, judged on `cells` and `fsync` of one run.
std::vector<TargetCheck> CheckTargets(const std::vector<CellResult>& cells,
                                      const std::optional<FsyncProbeResult>& fsync);
void PrintTargets(const std::vector<TargetCheck>& checks, std::ostream& out);

}  // namespace tenantdb::bench
