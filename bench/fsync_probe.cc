#include "bench/fsync_probe.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <vector>

#include "bench/latency.h"

namespace tenantdb::bench {

namespace {

constexpr size_t kBlock = 4096;
constexpr int kMinSamples = 10;

Status Errno(std::string_view call, const std::string& path) {
  return Error(ErrorCode::kIoError,
               fmt::format("fsync probe: {} '{}': {}", call, path, std::strerror(errno)));
}

}  // namespace

Result<FsyncProbeResult> ProbeFsync(const std::string& dir, const FsyncProbeOptions& options) {
  using Clock = std::chrono::steady_clock;
  const std::string path = (std::filesystem::path(dir) / "fsync-probe").string();
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("open", path);
  std::vector<char> block(kBlock, 'f');
  LatencySamples samples;
  Status status;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options.seconds));
  for (int i = 0; i < options.max_samples; ++i) {
    auto t0 = Clock::now();
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) {
      status = Errno("write", path);
      break;
    }
    if (::fdatasync(fd) != 0) {
      status = Errno("fdatasync", path);
      break;
    }
    auto t1 = Clock::now();
    samples.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    if (i + 1 >= kMinSamples && t1 >= deadline) break;
  }
  ::close(fd);
  ::unlink(path.c_str());
  if (!status.ok()) return status;
  FsyncProbeResult r;
  r.samples = static_cast<int>(samples.size());
  r.p50_us = samples.PercentileMicros(50);
  r.p99_us = samples.PercentileMicros(99);
  return r;
}

}  // namespace tenantdb::bench
