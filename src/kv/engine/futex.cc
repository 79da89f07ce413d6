#include "kv/engine/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace tenantdb::kv {

bool FutexSleep(std::atomic<uint32_t>& word, uint32_t expected, long max_nanos) {
  timespec limit{max_nanos / 1'000'000'000, max_nanos % 1'000'000'000};
  long r = syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected,
                   &limit, nullptr, 0);
  return r != 0 && errno == ETIMEDOUT;
}

bool FutexSleepOnEither(std::atomic<uint32_t>& word, uint32_t expected,
                        std::atomic<uint32_t>& other, uint32_t other_expected, long max_nanos) {
  futex_waitv waiters[2] = {};
  waiters[0].val = expected;
  waiters[0].uaddr = reinterpret_cast<uintptr_t>(&word);
  waiters[0].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
  waiters[1].val = other_expected;
  waiters[1].uaddr = reinterpret_cast<uintptr_t>(&other);
  waiters[1].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
  // futex_waitv's limit is a point in time.
  timespec limit;
  clock_gettime(CLOCK_MONOTONIC, &limit);
  limit.tv_sec += max_nanos / 1'000'000'000;
  limit.tv_nsec += max_nanos % 1'000'000'000;
  if (limit.tv_nsec >= 1'000'000'000) {
    limit.tv_sec += 1;
    limit.tv_nsec -= 1'000'000'000;
  }
  long r = syscall(SYS_futex_waitv, waiters, 2, 0, &limit, CLOCK_MONOTONIC);
  return r < 0 && errno == ETIMEDOUT;
}

bool HaveFutexWaitv() {
  // No waiters: EINVAL where the call exists, ENOSYS where it does not (or EPERM where a
  // seccomp filter forbids it: then not used either).
  return syscall(SYS_futex_waitv, nullptr, 0, 0, nullptr, CLOCK_MONOTONIC) < 0 && errno == EINVAL;
}

void FutexWake(std::atomic<uint32_t>& word, int count) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, count, nullptr,
          nullptr, 0);
}

}  // namespace tenantdb::kv
