// Latency samples of one benchmark cell and their summary (count, p50, p99).
//
// Each client thread records into its own LatencySamples (no sharing on the hot path); the
// runner merges them once the cell ends. Samples are kept exactly (nanoseconds, clamped to
// 2^32-1 ns ~ 4.3 s) and sorted for percentiles, so the figures carry no histogram error; the
// runner bounds the count of samples per cell.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tenantdb::bench {

class LatencySamples {
 public:
  void Reserve(size_t n) { nanos_.reserve(n); }
  void Add(int64_t nanos);
  // Moves the samples of `other` into this one.
  void Merge(LatencySamples&& other);
  size_t size() const { return nanos_.size(); }

  // The nearest-rank percentile (p in (0, 100]) in microseconds: the smallest sample with at
  // least p% of the samples at or below it. 0 when there are no samples. Sorts the samples.
  double PercentileMicros(double p);

 private:
  std::vector<uint32_t> nanos_;
  bool sorted_ = true;
};

}  // namespace tenantdb::bench
