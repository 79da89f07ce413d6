#include "bench/latency.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tenantdb::bench {

void LatencySamples::Add(int64_t nanos) {
  constexpr int64_t kMax = std::numeric_limits<uint32_t>::max();
  nanos_.push_back(static_cast<uint32_t>(std::clamp<int64_t>(nanos, 0, kMax)));
  sorted_ = false;
}

void LatencySamples::Merge(LatencySamples&& other) {
  if (nanos_.empty()) {
    nanos_ = std::move(other.nanos_);
  } else {
    nanos_.insert(nanos_.end(), other.nanos_.begin(), other.nanos_.end());
  }
  other.nanos_.clear();
  sorted_ = false;
}

double LatencySamples::PercentileMicros(double p) {
  if (nanos_.empty()) return 0;
  if (!sorted_) {
    std::sort(nanos_.begin(), nanos_.end());
    sorted_ = true;
  }
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(nanos_.size())));
  rank = std::clamp<size_t>(rank, 1, nanos_.size());
  return static_cast<double>(nanos_[rank - 1]) / 1000.0;
}

}  // namespace tenantdb::bench
