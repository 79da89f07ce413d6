#include "bench/group_commit_model.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "kv/engine/futex.h"

namespace tenantdb::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kRecord = 512;
constexpr long kSleepBoundNanos = 10'000'000;  // a sleeper looks at `stop` this often

std::atomic<uint64_t> spin_result{0};

// Busy for `nanos` of wall time (the clock read is a vDSO call, no system call).
void Spin(int64_t nanos) {
  const auto end = Clock::now() + std::chrono::nanoseconds(nanos);
  uint64_t x = 1;
  while (Clock::now() < end) {
    for (int i = 0; i < 32; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
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
  std::atomic<bool> stop{false};
  std::atomic<int> failed_errno{0};
  std::string failed_call;

  std::thread syncer([&] {
    const std::vector<char> record(kRecord, 'm');
    uint64_t taken = 0;
    while (!stop.load()) {
      if (submitted.load() == taken) {
        std::this_thread::yield();
        continue;
      }
      // A client reads `started` after adding itself to `submitted`: if it read the count
      // before this store, this round's read of `submitted` below sees it (both seq_cst).
      const uint32_t round = started.load(std::memory_order_relaxed) + 1;
      started.store(round);
      taken = submitted.load();
      const char* call = nullptr;
      if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
        call = "write";
      } else if (::fdatasync(fd) != 0) {
        call = "fdatasync";
      }
      if (call != nullptr) {
        failed_call = call;
        failed_errno.store(errno != 0 ? errno : EIO);
        stop.store(true);
        break;
      }
      done.store(round);
      kv::FutexWake(done, INT_MAX);
    }
  });

  const int64_t work_nanos = static_cast<int64_t>(options.work_us * 1000);
  std::vector<int64_t> commits(static_cast<size_t>(options.threads), 0);
  std::vector<std::thread> clients;
  const auto t0 = Clock::now();
  for (int i = 0; i < options.threads; ++i) {
    clients.emplace_back([&, i] {
      while (!stop.load(std::memory_order_relaxed)) {
        if (work_nanos > 0) Spin(work_nanos);
        submitted.fetch_add(1);
        const uint32_t need = started.load() + 1;  // the first round that includes this one
        uint32_t seen;
        while ((seen = done.load()) < need && !stop.load()) {
          kv::FutexSleep(done, seen, kSleepBoundNanos);
        }
        if (seen >= need) ++commits[static_cast<size_t>(i)];
      }
    });
  }
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(options.seconds));
  while (!stop.load() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  stop.store(true);
  const auto t1 = Clock::now();
  for (std::thread& t : clients) t.join();
  syncer.join();
  // Each client's commits each need a later round than its last (it reads `started` after
  // that round began), so commits <= threads x rounds.
  const uint32_t rounds = done.load();
  ::close(fd);
  ::unlink(path.c_str());
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
