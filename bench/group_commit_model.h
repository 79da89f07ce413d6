// What this machine allows a group commit: a model with no engine at all, to read the
// durable tenantdb figures against. `threads` clients each spend `work_us` of CPU on a
// "commit", then sleep until a sync round that began after their submission has returned
// from its fsync; one syncer thread runs the rounds back to back, each a 512-byte append plus
// fdatasync of a file and one FUTEX_WAKE of every sleeper (the way the local engine
// acknowledges a round: docs/KV.md, Engine). No store, no log format, no conflict check: an
// engine that spends that CPU per commit and acknowledges rounds this way can hardly do better
// here. (The model pays two small costs an engine need not: its syncer yields when idle
// instead of sleeping, and each commit's spin ends with a read of the thread's CPU clock, a
// system call of ~0.5 us on the machine of docs/BENCHMARKS.md.)
#pragma once

#include <cstdint>
#include <string>

#include "tenantdb/status.h"

namespace tenantdb::bench {

struct GroupCommitModelOptions {
  int threads = 32;      // 1..1024
  double work_us = 0;    // thread CPU time spent per commit before it is submitted, 0..100,000
  double seconds = 1.0;  // (0, 3600]
  // Tests: each client sleeps this long between its submission and reading the round count,
  // so that a round can begin in between (and count it) while the client waits for the next.
  int pause_after_submit_us = 0;
};

struct GroupCommitModelResult {
  int threads = 0;
  double work_us = 0;
  int64_t commits = 0;  // acknowledged: each after the fsync of a round begun after it
  int64_t rounds = 0;   // fsyncs
  double seconds = 0;
  double ops_per_s = 0;
  double commits_per_round = 0;
};

// Runs the model in `dir` (a file made there and removed). Errors: invalid_argument naming a
// bad option; io_error with the failing call and errno text; operation_failed when the
// threads cannot be started.
Result<GroupCommitModelResult> RunGroupCommitModel(const std::string& dir,
                                                   const GroupCommitModelOptions& options);

}  // namespace tenantdb::bench
