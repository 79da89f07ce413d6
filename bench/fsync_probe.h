// The disk's own durable-write latency, which bounds one client's durable commit rate: a
// 4 KiB append to a fresh file followed by fdatasync, as a write-ahead log does, measured in
// the directory that holds the benchmark's stores.
#pragma once

#include <string>

#include "tenantdb/status.h"

namespace tenantdb::bench {

struct FsyncProbeOptions {
  // Stop after this many appends... Default: 2000.
  int max_samples = 2000;
  // ...or this many seconds, whichever comes first (at least 10 samples). Default: 0.5.
  double seconds = 0.5;
};

struct FsyncProbeResult {
  int samples = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// Appends 4 KiB blocks to a new file in `dir`, each followed by fdatasync, and removes the
// file. Errors: io_error (with the failing call and errno text).
Result<FsyncProbeResult> ProbeFsync(const std::string& dir, const FsyncProbeOptions& options = {});

}  // namespace tenantdb::bench
