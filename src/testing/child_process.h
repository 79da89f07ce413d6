// kill -9 tests: the test binary run again as a child process that reports fixed-size records
// (e.g. one per acknowledged commit) to the parent through a pipe, and is killed at a moment
// the parent picks.
//
// The child is /proc/self/exe run with --gtest_filter=<one test> and extra environment
// variables; that test skips itself when they are missing. Exec rather than a bare fork: the
// parent has RocksDB's background threads, which a forked child would inherit as locks and
// thread pools without threads. Everything exec needs is prepared before fork, so the child
// calls only async-signal-safe functions before exec.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

extern char** environ;

namespace tenantdb::testing {

// The descriptor a child writes its records to.
inline constexpr int kChildReportFd = 100;

// In the child: writes one record to the parent. Atomic (a record is at most PIPE_BUF bytes),
// so a kill never leaves half a record behind.
template <typename Record>
bool ReportToParent(int fd, const Record& r) {
  return write(fd, &r, sizeof r) == static_cast<ssize_t>(sizeof r);
}

template <typename Record>
class ChildProcess {
  static_assert(std::is_trivially_copyable_v<Record> && sizeof(Record) <= PIPE_BUF);

 public:
  // Starts `/proc/self/exe --gtest_filter=<test>` with `env` ("NAME=value") added to this
  // process's environment and the pipe's write end as kChildReportFd. Its stdout is discarded.
  ChildProcess(const std::string& test, const std::vector<std::string>& env) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    read_fd_ = fds[0];
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    env_strings.insert(env_strings.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string exe = "/proc/self/exe";
    std::string filter = "--gtest_filter=" + test;
    char* argv[] = {exe.data(), filter.data(), nullptr};
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

    pid_ = fork();
    if (pid_ == 0) {
      if (dup2(fds[1], kChildReportFd) < 0) _exit(120);
      if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
      execve(exe.c_str(), argv, envp.data());
      _exit(121);
    }
    close(fds[1]);
    if (devnull >= 0) close(devnull);
  }
  ~ChildProcess() {
    Kill();
    if (read_fd_ >= 0) close(read_fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }

  // Reads records for up to `limit` (or until the pipe closes); returns false on EOF.
  bool Drain(std::chrono::milliseconds limit, std::vector<Record>* out) {
    using std::chrono::steady_clock;
    auto deadline = steady_clock::now() + limit;
    for (;;) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now());
      if (left.count() <= 0) return true;
      pollfd p{read_fd_, POLLIN, 0};
      int ready = poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return true;
      char buf[4096];
      ssize_t got = read(read_fd_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      pending_.append(buf, static_cast<size_t>(got));
      while (pending_.size() >= sizeof(Record)) {
        Record r;
        std::memcpy(&r, pending_.data(), sizeof r);
        pending_.erase(0, sizeof r);
        out->push_back(r);
      }
    }
  }

  // Drains for at most 30 s until at least one record arrived; false if none did.
  bool WaitForFirst(std::vector<Record>* out) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (out->empty() && std::chrono::steady_clock::now() < deadline) {
      if (!Drain(std::chrono::milliseconds(50), out)) break;
    }
    return !out->empty();
  }

  // SIGKILL, then the exit status (-1 if already reaped).
  int Kill() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  std::string pending_;
};

// Names the instances of a kill -9 suite run once per durability mode ("sync", "async").
inline std::string DurabilityName(const ::testing::TestParamInfo<const char*>& p) {
  return p.param;
}

// Kills `child` at a random moment of round `round`: in one round in five anywhere in its
// first 50 ms (while it opens or recovers the store), otherwise 5-100 ms after its first
// record (`after_first`, if given, runs right after that record arrived); then collects what
// it wrote before it died. Returns what went wrong, or "" when the child died by SIGKILL.
template <typename Record>
std::string KillAtARandomMoment(ChildProcess<Record>& child, int round, std::mt19937_64& rng,
                                std::vector<Record>* out,
                                const std::function<void()>& after_first = nullptr) {
  using std::chrono::milliseconds;
  if (!child.started()) return "the child did not start";
  if (round % 5 == 4) {
    child.Drain(milliseconds(std::uniform_int_distribution<int>(0, 50)(rng)), out);
  } else {
    if (!child.WaitForFirst(out)) return "the child never reported";
    if (after_first) after_first();
    child.Drain(milliseconds(std::uniform_int_distribution<int>(5, 100)(rng)), out);
  }
  int status = child.Kill();
  child.Drain(milliseconds(5'000), out);  // what it wrote before it died
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    return "the child exited by itself, status " + std::to_string(status);
  }
  return "";
}

}  // namespace tenantdb::testing
