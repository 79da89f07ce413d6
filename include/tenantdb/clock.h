// The clock that commit versions advance with. Injectable so tests control time.
#pragma once

#include <atomic>
#include <cstdint>

namespace tenantdb {

// Thread-safe. NowMicros need not be monotonic; the database never lets versions go back.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMicros() = 0;
};

// Wall-clock microseconds since the Unix epoch.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() override;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros = 1'000'000'000'000) : now_(start_micros) {}
  int64_t NowMicros() override { return now_.load(std::memory_order_relaxed); }
  void Advance(int64_t micros) { now_.fetch_add(micros, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace tenantdb
