#include "bench/kv_bench.h"

#include <fmt/format.h>
#include <pthread.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <optional>
#include <thread>

#include "bench/latency.h"
#include "bench/rocksdb_peer.h"
#include "bench/tenant_bench.h"
#include "bench/tenantdb_target.h"

namespace tenantdb::bench {

namespace {

using Clock = std::chrono::steady_clock;

// splitmix64: a fast, well-mixed per-thread generator.
uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct ThreadState {
  LatencySamples samples;
  int64_t ops = 0;
  int64_t retries = 0;
  Status status;
};

// Everything one client thread needs to make operations of one workload.
class OpMaker {
 public:
  OpMaker(Workload w, const BenchOptions& o, uint64_t seed)
      : workload_(w), options_(o), rng_(seed), value_(static_cast<size_t>(o.value_size), 'w') {}

  Op Next() {
    Op op;
    uint64_t r = NextRandom(rng_);
    switch (workload_) {
      case Workload::kRangeRead: {
        int64_t first = static_cast<int64_t>(
            r % static_cast<uint64_t>(options_.key_count - options_.range_size + 1));
        op.key = KeyOf(first, key_);
        op.end = KeyOf(first + options_.range_size, end_);
        op.count = options_.range_size;
        break;
      }
      case Workload::kHotCounter:
        op.key = CounterKeyOf(static_cast<int>(r % static_cast<uint64_t>(options_.hot_keys)), key_);
        break;
      case Workload::kBlindWrite:
        IncrementPrefix(value_);
        op.value = value_;
        [[fallthrough]];
      default:
        op.key = KeyOf(static_cast<int64_t>(r % static_cast<uint64_t>(options_.key_count)), key_);
    }
    return op;
  }

 private:
  Workload workload_;
  const BenchOptions& options_;
  uint64_t rng_;
  char key_[kKeyBufferSize];
  char end_[kKeyBufferSize];
  std::string value_;
};

// A directory removed, with everything in it, when this goes out of scope.
class ScratchDir {
 public:
  static Result<ScratchDir> Create(const std::string& parent) {
    std::error_code ec;
    std::filesystem::path base =
        parent.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent);
    if (ec) return Error(ErrorCode::kIoError, "no system temp directory: " + ec.message());
    std::string pattern = (base / "tenantdb-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Error(ErrorCode::kIoError,
                   fmt::format("creating a directory under '{}': {}", base.string(),
                               std::error_code(errno, std::generic_category()).message()));
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace

Status ValidateOptions(const BenchOptions& o) {
  auto bad = [](std::string what) { return Error(ErrorCode::kInvalidArgument, std::move(what)); };
  if (o.workloads.empty()) return bad("no workload to run");
  if (o.threads.empty()) return bad("no thread count given");
  for (int t : o.threads) {
    if (t < 1 || t > 1024) return bad(fmt::format("threads: {} is not in 1..1024", t));
  }
  if (o.durabilities.empty()) return bad("no durability given");
  if (!(o.seconds > 0 && o.seconds <= 3600)) {
    return bad(fmt::format("seconds: {} is not in (0, 3600]", o.seconds));
  }
  if (o.range_size < 1 || o.key_count < o.range_size || o.key_count > 100'000'000) {
    return bad(fmt::format("keys: {} must be at least the range size {} and at most 10^8",
                           o.key_count, o.range_size));
  }
  if (o.value_size < 8 || o.value_size > 100'000) {
    return bad(fmt::format("value size: {} is not in 8..100000", o.value_size));
  }
  if (o.hot_keys < 1 || o.hot_keys > 100) {
    return bad(fmt::format("hot keys: {} is not in 1..100", o.hot_keys));
  }
  if (o.max_ops_per_cell < 1) return bad("max_ops_per_cell must be positive");
  if (o.turns < 1 || o.turns > 1000)
    return bad(fmt::format("turns: {} is not in 1..1000", o.turns));
  bool kv = false;
  for (Workload w : o.workloads) kv = kv || IsKvWorkload(w);
  if (kv && o.systems.empty()) return bad("no system to run the key-value workloads against");
  for (size_t i = 0; i < o.systems.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (o.systems[i] == o.systems[j]) {
        return bad(fmt::format("system {} given twice", SystemName(o.systems[i])));
      }
    }
  }
  if (o.tenant_creates < 1 || o.tenant_creates > 10'000'000) {
    return bad(fmt::format("tenants: {} is not in 1..10^7", o.tenant_creates));
  }
  if (o.tenant_delete_keys < 10 || o.tenant_delete_keys > 100'000'000) {
    return bad(fmt::format("delete keys: {} is not in 10..10^8", o.tenant_delete_keys));
  }
  if (!(o.tenant_delete_wait_s >= 0 && o.tenant_delete_wait_s <= 3600)) {
    return bad(fmt::format("delete wait: {} s is not in [0, 3600]", o.tenant_delete_wait_s));
  }
  return Status::OK();
}

namespace {

// What one run of a system's client threads measured.
struct Slice {
  int64_t ops = 0;
  int64_t retries = 0;
  double seconds = 0;  // wall time from the start of the threads to the last one's end
  LatencySamples samples;

  void Add(Slice&& other) {
    ops += other.ops;
    retries += other.retries;
    seconds += other.seconds;
    samples.Merge(std::move(other.samples));
  }
};

// Runs `threads` clients of `target` for `seconds` (or max_ops operations in all).
Result<Slice> RunSlice(Target& target, Workload workload, int threads, double seconds,
                       int64_t max_ops, const BenchOptions& options, uint64_t seed) {
  std::vector<ThreadState> states(static_cast<size_t>(threads));
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < threads; ++t) clients.push_back(target.NewClient());
  const int64_t per_thread = std::max<int64_t>(1, max_ops / threads);
  std::latch ready(threads);
  std::latch start(1);
  Clock::time_point deadline;  // written before `start` opens, read after

  // "tenantdb-client" / "tenantdb-tenant" / "rocksdb-client": tells the systems apart in a
  // profile (thread names are at most 15 characters).
  const std::string thread_name = fmt::format("{}-client", target.name()).substr(0, 15);
  auto body = [&](int t) {
    pthread_setname_np(pthread_self(), thread_name.c_str());
    ThreadState& st = states[static_cast<size_t>(t)];
    Client& client = *clients[static_cast<size_t>(t)];
    OpMaker maker(workload, options,
                  seed * 1'000'003 + static_cast<uint64_t>(t) * 7919 +
                      static_cast<uint64_t>(workload) * 104729);
    st.samples.Reserve(static_cast<size_t>(std::min<int64_t>(per_thread, 1 << 16)));
    ready.count_down();
    start.wait();
    while (st.ops < per_thread) {
      Op op = maker.Next();
      auto t0 = Clock::now();
      Status s = client.Do(workload, op, &st.retries);
      auto t1 = Clock::now();
      if (!s.ok()) {
        st.status = s;
        break;
      }
      st.samples.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      ++st.ops;
      if (t1 >= deadline) break;
    }
  };

  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
  ready.wait();
  const auto begin = Clock::now();
  deadline =
      begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  start.count_down();
  for (std::thread& th : pool) th.join();
  const auto end = Clock::now();

  Slice slice;
  slice.seconds = std::chrono::duration<double>(end - begin).count();
  for (ThreadState& st : states) {
    if (!st.status.ok()) {
      return st.status.WithContext(
          fmt::format("{} {} with {} threads", target.name(), WorkloadName(workload), threads));
    }
    slice.ops += st.ops;
    slice.retries += st.retries;
    slice.samples.Merge(std::move(st.samples));
  }
  return slice;
}

CellResult Summarize(const Target& target, Workload workload, int threads, Durability durability,
                     Slice& slice) {
  CellResult r;
  r.workload = workload;
  r.system = std::string(target.name());
  r.threads = threads;
  r.durability = durability;
  r.ops = slice.ops;
  r.retries = slice.retries;
  r.seconds = slice.seconds;
  r.ops_per_s = r.seconds > 0 ? static_cast<double>(r.ops) / r.seconds : 0;
  r.p50_us = slice.samples.PercentileMicros(50);
  r.p99_us = slice.samples.PercentileMicros(99);
  return r;
}

}  // namespace

Result<CellResult> RunCell(Target& target, Workload workload, int threads, Durability durability,
                           const BenchOptions& options) {
  TDB_ASSIGN_OR_RETURN(Slice slice, RunSlice(target, workload, threads, options.seconds,
                                             options.max_ops_per_cell, options, 0));
  return Summarize(target, workload, threads, durability, slice);
}

Status RunBench(const BenchOptions& options, const BenchSink& sink) {
  TDB_RETURN_IF_ERROR(ValidateOptions(options));
  TDB_ASSIGN_OR_RETURN(ScratchDir root, ScratchDir::Create(options.dir));
  // The disk is probed right before the first durable write cell (or at the end if there is
  // none), so the two are measured under the same conditions.
  bool probed = false;
  // For the group commit model: the most threads of tenantdb's durable blind writes, and its
  // time per async blind write with one thread.
  int model_threads = 0;
  std::optional<double> commit_us;
  auto probe = [&]() -> Status {
    probed = true;
    TDB_ASSIGN_OR_RETURN(FsyncProbeResult fsync, ProbeFsync(root.path()));
    if (sink.on_fsync) sink.on_fsync(fsync);
    return Status::OK();
  };
  for (Durability d : options.durabilities) {
    const std::string suffix(DurabilityName(d));
    std::vector<Workload> kv_workloads;
    for (Workload w : options.workloads) {
      if (IsKvWorkload(w)) kv_workloads.push_back(w);
    }
    std::vector<std::unique_ptr<Target>> targets;
    if (!kv_workloads.empty()) {
      for (System system : options.systems) {
        const std::string dir = fmt::format("{}/{}-{}", root.path(), SystemName(system), suffix);
        Result<std::unique_ptr<Target>> target =
            system == System::kTenantdb ? OpenTenantdbTarget(dir, d)
            : system == System::kTenant ? OpenTenantTarget(dir, d)
                                        : OpenRocksdbPeer(dir, d);
        if (!target.ok()) return target.status();
        targets.push_back(std::move(*target));
      }
    }
    for (std::unique_ptr<Target>& target : targets) {
      TDB_RETURN_IF_ERROR(target->Preload(options.key_count, options.value_size)
                              .WithContext(fmt::format("preloading {}", target->name())));
    }
    const size_t n = targets.size();
    for (Workload w : options.workloads) {
      const bool writes = w != Workload::kPointGet && w != Workload::kRangeRead;
      if (!probed && writes && d == Durability::kSync) TDB_RETURN_IF_ERROR(probe());
      if (w == Workload::kTenantCreate) {
        TDB_RETURN_IF_ERROR(RunTenantCreate(root.path() + "/create-" + suffix, d, options,
                                            [&](const CellResult& c) {
                                              if (sink.on_cell) sink.on_cell(c);
                                            }));
        continue;
      }
      if (w == Workload::kTenantDelete) {
        TDB_RETURN_IF_ERROR(RunTenantDelete(root.path() + "/delete-" + suffix, d, options,
                                            [&](const DeleteResult& r) {
                                              if (sink.on_delete) sink.on_delete(r);
                                            }));
        continue;
      }
      for (int threads : options.threads) {
        for (std::unique_ptr<Target>& target : targets) {
          TDB_RETURN_IF_ERROR(
              target->Settle().WithContext(fmt::format("settling {}", target->name())));
        }
        // The systems take turns, options.turns times each, in order then in reverse order
        // (A B C, C B A, ...), so a change in the machine's background load during the cell
        // falls on all alike.
        std::vector<Slice> totals(n);
        for (int i = 0; i < options.turns; ++i) {
          for (size_t k = 0; k < n; ++k) {
            const size_t which = i % 2 == 0 ? k : n - 1 - k;
            TDB_ASSIGN_OR_RETURN(
                Slice slice, RunSlice(*targets[which], w, threads, options.seconds / options.turns,
                                      options.max_ops_per_cell / options.turns, options,
                                      static_cast<uint64_t>(i)));
            totals[which].Add(std::move(slice));
          }
        }
        for (size_t k = 0; k < n; ++k) {
          CellResult cell = Summarize(*targets[k], w, threads, d, totals[k]);
          if (cell.workload == Workload::kBlindWrite &&
              cell.system == SystemName(System::kTenantdb)) {
            if (d == Durability::kSync && threads > 1)
              model_threads = std::max(model_threads, threads);
            if (d == Durability::kAsync && threads == 1 && cell.ops_per_s > 0) {
              commit_us = 1e6 / cell.ops_per_s;
            }
          }
          if (sink.on_cell) sink.on_cell(cell);
        }
      }
    }
  }
  if (!probed) TDB_RETURN_IF_ERROR(probe());
  if (model_threads > 0) {
    std::vector<double> works = {0};
    // (A 1-thread rate under 10/s would ask for more CPU per commit than the model takes.)
    if (commit_us && *commit_us <= 100'000) works.push_back(*commit_us);
    for (double work : works) {
      GroupCommitModelOptions model;
      model.threads = model_threads;
      model.work_us = work;
      model.seconds = std::min(options.seconds, 1.0);
      TDB_ASSIGN_OR_RETURN(GroupCommitModelResult r, RunGroupCommitModel(root.path(), model));
      if (sink.on_model) sink.on_model(r);
    }
  }
  return Status::OK();
}

}  // namespace tenantdb::bench
