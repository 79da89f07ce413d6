#include "bench/group_commit_model.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>
#include <vector>

#include "kv/engine/futex.h"

namespace tenantdb::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kRecord = 512;
constexpr long kSleepBoundNanos = 10'000'000;  // a sleeper looks at `stop` this often

std::atomic<uint64_t> spin_result{0};

int64_t ThreadCpuNanos() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

// Spends `nanos` of this thread's CPU time. It spins by the wall clock (a vDSO call) for what
// is left and then reads the thread's CPU clock (a system call, ~0.5 us on the machine of
// docs/BENCHMARKS.md): a thread preempted mid-spin spins again for the CPU time it did not
// get, so every commit costs its CPU time however the threads are scheduled.
void Spin(int64_t nanos) {
  const int64_t cpu_end = ThreadCpuNanos() + nanos;
  uint64_t x = 1;
  for (int64_t left = nanos; left > 0; left = cpu_end - ThreadCpuNanos()) {
    const auto wall_end = Clock::now() + std::chrono::nanoseconds(left);
    while (Clock::now() < wall_end) {
      for (int i = 0; i < 32; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    }
  }
  spin_result.store(x, std::memory_order_relaxed);  // so the loop is not optimised away
}

}  // namespace

Result<GroupCommitModelResult> RunGroupCommitModel(const std::string& dir,
                                                   const GroupCommitModelOptions& options) {
  if (options.threads < 1 || options.threads > 1024) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("group commit model: threads {} is not in 1..1024", options.threads));
  }
  if (!(options.work_us >= 0 && options.work_us <= 100'000)) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("group commit model: work_us {} is not in 0..100000", options.work_us));
  }
  if (!(options.seconds > 0 && options.seconds <= 3600)) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("group commit model: seconds {} is not in (0, 3600]", options.seconds));
  }
  const std::string path = (std::filesystem::path(dir) / "group-commit-model").string();
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error(ErrorCode::kIoError,
                 fmt::format("group commit model: open '{}': {}", path, std::strerror(errno)));
  }

  std::atomic<uint64_t> submitted{0};
  std::atomic<uint32_t> started{0};  // rounds begun
  std::atomic<uint32_t> done{0};     // rounds whose fsync returned
  // The latest round a client waits for. A client counted in round s may read `started`
  // after round s stored it and so wait for s + 1: the syncer runs that round even when
  // nobody submitted after s.
  std::atomic<uint32_t> wanted{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<int> failed_errno{0};
  std::string failed_call;  // written by the syncer, read after it is joined

  auto sync_rounds = [&] {
    const std::vector<char> record(kRecord, 'm');
    uint64_t taken = 0;
    while (!stop.load()) {
      if (submitted.load() == taken && wanted.load() <= started.load(std::memory_order_relaxed)) {
        std::this_thread::yield();  // idle: a client is working (its CPU time) or none is left
        continue;
      }
      // A client reads `started` after adding itself to `submitted`: if it read the count
      // before this store, this round's read of `submitted` below sees it (both seq_cst).
      const uint32_t round = started.load(std::memory_order_relaxed) + 1;
      started.store(round);
      taken = submitted.load();
      const char* call = nullptr;
      int error = 0;
      ssize_t n = ::write(fd, record.data(), record.size());
      if (n != static_cast<ssize_t>(record.size())) {
        call = n < 0 ? "write" : "write (short)";
        error = n < 0 ? errno : EIO;
      } else if (::fdatasync(fd) != 0) {
        call = "fdatasync";
        error = errno;
      }
      if (call != nullptr) {
        failed_call = call;
        failed_errno.store(error != 0 ? error : EIO);
        stop.store(true);
        break;
      }
      done.store(round);
      kv::FutexWake(done, INT_MAX);
    }
  };
  const int64_t work_nanos = static_cast<int64_t>(options.work_us * 1000);
  std::vector<int64_t> commits(static_cast<size_t>(options.threads), 0);
  auto run_client = [&](size_t i) {
    while (!go.load()) std::this_thread::yield();
    while (!stop.load(std::memory_order_relaxed)) {
      if (work_nanos > 0) Spin(work_nanos);
      submitted.fetch_add(1);
      if (options.pause_after_submit_us > 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(options.pause_after_submit_us));
      }
      // Round started + 1 begins after this load, so its read of `submitted` counts this one.
      const uint32_t need = started.load() + 1;
      uint32_t w = wanted.load();
      while (w < need && !wanted.compare_exchange_weak(w, need)) {
      }
      uint32_t seen;
      while ((seen = done.load()) < need && !stop.load()) {
        kv::FutexSleep(done, seen, kSleepBoundNanos);
      }
      if (seen >= need) ++commits[i];
    }
  };

  std::thread syncer;
  std::vector<std::thread> clients;
  std::string spawn_error;
  try {
    syncer = std::thread(sync_rounds);
    for (int i = 0; i < options.threads; ++i) {
      clients.emplace_back(run_client, static_cast<size_t>(i));
    }
  } catch (const std::system_error& e) {
    spawn_error = e.what();
    stop.store(true);
  }
  const auto t0 = Clock::now();
  go.store(true);
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(options.seconds));
  while (!stop.load() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stop.store(true);
  const auto t1 = Clock::now();
  for (std::thread& t : clients) t.join();
  if (syncer.joinable()) syncer.join();
  // Each client's commits each need a later round than its last (it reads `started` after
  // that round began), so commits <= threads x rounds.
  const uint32_t rounds = done.load();
  ::close(fd);
  ::unlink(path.c_str());
  if (!spawn_error.empty()) {
    return Error(
        ErrorCode::kOperationFailed,
        fmt::format("group commit model: starting {} threads: {}", options.threads, spawn_error));
  }
  if (int e = failed_errno.load(); e != 0) {
    return Error(ErrorCode::kIoError, fmt::format("group commit model: {} '{}': {}", failed_call,
                                                  path, std::strerror(e)));
  }

  GroupCommitModelResult r;
  r.threads = options.threads;
  r.work_us = options.work_us;
  for (int64_t c : commits) r.commits += c;
  // A round under way at t1 may still acknowledge a commit: at most one per thread.
  r.rounds = rounds;
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.ops_per_s = r.seconds > 0 ? static_cast<double>(r.commits) / r.seconds : 0;
  r.commits_per_round =
      r.rounds > 0 ? static_cast<double>(r.commits) / static_cast<double>(r.rounds) : 0;
  return r;
}

}  // namespace tenantdb::bench
