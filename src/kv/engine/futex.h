// The futex calls the commit pipeline sleeps and wakes with (Linux; private futexes).
#pragma once

#include <atomic>
#include <cstdint>

namespace tenantdb::kv {

// Sleeps while word == expected, for at most `max_nanos`; true if the sleep timed out.
bool FutexSleep(std::atomic<uint32_t>& word, uint32_t expected, long max_nanos);
// Sleeps while word == expected and other == other_expected, for at most `max_nanos` (one
// futex_waitv call: a wake-up of either word ends it); true if the sleep timed out.
bool FutexSleepOnEither(std::atomic<uint32_t>& word, uint32_t expected,
                        std::atomic<uint32_t>& other, uint32_t other_expected, long max_nanos);
// True when the kernel has futex_waitv (Linux 5.16 and later) and it may be called.
bool HaveFutexWaitv();
// Wakes up to `count` threads sleeping on `word`.
void FutexWake(std::atomic<uint32_t>& word, int count);
inline void FutexWakeOne(std::atomic<uint32_t>& word) { FutexWake(word, 1); }

}  // namespace tenantdb::kv
