#include "bench/tenant_bench.h"

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <thread>

#include "bench/latency.h"
#include "kv/engine/local_engine.h"
#include "tenantdb/tenant.h"

namespace tenantdb::bench {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The local engine, counting the commits it refused for a conflict: the retries of the
// directory calls, which Database::Run hides.
class CountingEngine final : public kv::Engine {
 public:
  explicit CountingEngine(std::shared_ptr<kv::Engine> inner) : inner_(std::move(inner)) {}

  Result<std::shared_ptr<const kv::ReadView>> BeginRead() override { return inner_->BeginRead(); }
  Result<std::shared_ptr<const kv::ReadView>> ReadAt(Version version) override {
    return inner_->ReadAt(version);
  }
  Result<kv::CommitResult> Commit(kv::CommitRequest request) override {
    Result<kv::CommitResult> r = inner_->Commit(std::move(request));
    if (!r.ok() && r.status().code() == ErrorCode::kNotCommitted) {
      conflicts_.fetch_add(1, std::memory_order_relaxed);
    }
    return r;
  }
  Status AddWatch(kv::WatchRequest request) override {
    return inner_->AddWatch(std::move(request));
  }
  Version NowVersion() override { return inner_->NowVersion(); }
  Version CommittedVersion() const override { return inner_->CommittedVersion(); }
  Result<int64_t> EstimateSize(std::string_view begin, std::string_view end) override {
    return inner_->EstimateSize(begin, end);
  }

  int64_t conflicts() const { return conflicts_.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<kv::Engine> inner_;
  std::atomic<int64_t> conflicts_{0};
};

struct Store {
  std::shared_ptr<CountingEngine> engine;
  std::unique_ptr<Database> db;
};

Result<Store> OpenStore(const std::string& dir, Durability durability) {
  kv::LocalEngineOptions eo;
  eo.path = dir;
  eo.durability = durability;
  TDB_ASSIGN_OR_RETURN(std::unique_ptr<kv::LocalEngine> local, kv::LocalEngine::Open(eo));
  Store store;
  store.engine = std::make_shared<CountingEngine>(std::move(local));
  DatabaseOptions options;
  options.durability = durability;
  store.db = std::make_unique<Database>(store.engine, options);
  return store;
}

// Runs body(t) on `threads` threads started together; returns the wall seconds from the
// start to the last one's end.
template <typename Body>
double RunThreads(int threads, const char* name, Body&& body) {
  std::latch ready(threads);
  std::latch start(1);
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      pthread_setname_np(pthread_self(), name);
      ready.count_down();
      start.wait();
      body(t);
    });
  }
  ready.wait();
  const auto begin = Clock::now();
  start.count_down();
  for (std::thread& th : pool) th.join();
  return SecondsSince(begin);
}

// Creates tenant `name` and writes keys [0, keys) into it, 10,000 per tenant transaction.
Status LoadTenant(TenantDirectory& dir, const std::string& name, int64_t keys, int value_size) {
  TDB_RETURN_IF_ERROR(dir.Create(name).status());
  TDB_ASSIGN_OR_RETURN(Tenant tenant, dir.Open(name));
  constexpr int64_t kBatch = 10'000;
  const std::string value(static_cast<size_t>(value_size), 'v');
  char buf[kKeyBufferSize];
  for (int64_t first = 0; first < keys; first += kBatch) {
    Status s = tenant.Run([&](TenantTransaction& tr) -> Status {
      for (int64_t i = first; i < std::min(keys, first + kBatch); ++i) {
        TDB_RETURN_IF_ERROR(tr.Set(KeyOf(i, buf), value));
      }
      return Status::OK();
    });
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Result<double> TimeDelete(TenantDirectory& dir, const std::string& name) {
  const auto t0 = Clock::now();
  TDB_RETURN_IF_ERROR(dir.Delete(name).WithContext(fmt::format("deleting tenant '{}'", name)));
  return SecondsSince(t0);
}

// `count` small commits (one Set each) by 64 threads, on 64 keys.
Status RunFillers(Database& db, int64_t count) {
  constexpr int kThreads = 64;
  std::vector<Status> errors(kThreads);
  const std::string value(8, 'f');
  RunThreads(kThreads, "tenantdb-filler", [&](int t) {
    const std::string key = fmt::format("bench/filler/{:02d}", t);
    for (int64_t i = t; i < count; i += kThreads) {
      Status s = db.Run([&](Transaction& tr) { return tr.Set(key, value); });
      if (!s.ok()) {
        errors[static_cast<size_t>(t)] = s;
        return;
      }
    }
  });
  for (const Status& s : errors) TDB_RETURN_IF_ERROR(s.WithContext("filler commits"));
  return Status::OK();
}

}  // namespace

Status RunTenantCreate(const std::string& dir, Durability durability, const BenchOptions& options,
                       const std::function<void(const CellResult&)>& on_cell) {
  TDB_ASSIGN_OR_RETURN(Store store, OpenStore(dir, durability));
  TenantDirectory tenants(*store.db);
  for (int threads : options.threads) {
    std::vector<LatencySamples> samples(static_cast<size_t>(threads));
    std::vector<Status> errors(static_cast<size_t>(threads));
    const int64_t conflicts_before = store.engine->conflicts();
    const double seconds = RunThreads(threads, "tenantdb-create", [&](int t) {
      LatencySamples& mine = samples[static_cast<size_t>(t)];
      mine.Reserve(static_cast<size_t>(options.tenant_creates / threads + 1));
      for (int64_t i = t; i < options.tenant_creates; i += threads) {
        const std::string name = fmt::format("create-{}t-{:08d}", threads, i);
        const auto t0 = Clock::now();
        Result<TenantInfo> info = tenants.Create(name);
        const auto t1 = Clock::now();
        if (!info.ok()) {
          errors[static_cast<size_t>(t)] =
              info.status().WithContext(fmt::format("creating tenant '{}'", name));
          return;
        }
        mine.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      }
    });
    for (const Status& s : errors) TDB_RETURN_IF_ERROR(s);
    LatencySamples all;
    for (LatencySamples& s : samples) all.Merge(std::move(s));
    CellResult cell;
    cell.workload = Workload::kTenantCreate;
    cell.system = std::string(SystemName(System::kTenant));
    cell.threads = threads;
    cell.durability = durability;
    cell.ops = static_cast<int64_t>(all.size());
    cell.seconds = seconds;
    cell.ops_per_s = seconds > 0 ? static_cast<double>(cell.ops) / seconds : 0;
    cell.p50_us = all.PercentileMicros(50);
    cell.p99_us = all.PercentileMicros(99);
    cell.retries = store.engine->conflicts() - conflicts_before;
    if (on_cell) on_cell(cell);
  }
  return Status::OK();
}

Status RunTenantDelete(const std::string& dir, Durability durability, const BenchOptions& options,
                       const std::function<void(const DeleteResult&)>& on_delete) {
  TDB_ASSIGN_OR_RETURN(Store store, OpenStore(dir, durability));
  Database& db = *store.db;
  TenantDirectory tenants(db);
  constexpr int kSmall = 5;
  constexpr int64_t kSmallKeys = 10;
  for (std::string_view phase : {"after_load", "after_window", "after_prune"}) {
    const std::string big = fmt::format("{}-big", phase);
    std::vector<std::string> small;
    for (int i = 0; i < kSmall; ++i) small.push_back(fmt::format("{}-small{}", phase, i));
    TDB_RETURN_IF_ERROR(LoadTenant(tenants, big, options.tenant_delete_keys, options.value_size)
                            .WithContext(fmt::format("loading {} keys into '{}'",
                                                     options.tenant_delete_keys, big)));
    for (const std::string& name : small) {
      TDB_RETURN_IF_ERROR(LoadTenant(tenants, name, kSmallKeys, options.value_size));
    }
    const auto loaded = Clock::now();
    int64_t fillers = 0;
    if (phase != "after_load") {
      std::this_thread::sleep_for(std::chrono::duration<double>(options.tenant_delete_wait_s));
    }
    if (phase == "after_prune") {
      // The resolver's prune pass after the window walks at least 512 boundaries (2 per loaded
      // key) per commit group: this many commits walk them all, however they are grouped.
      fillers = 2 * (options.tenant_delete_keys + kSmall * kSmallKeys) + 10'000;
      TDB_RETURN_IF_ERROR(RunFillers(db, fillers));
    }
    const double since_load = SecondsSince(loaded);
    std::vector<double> small_times;
    for (int i = 0; i + 1 < kSmall; ++i) {
      TDB_ASSIGN_OR_RETURN(double s, TimeDelete(tenants, small[static_cast<size_t>(i)]));
      small_times.push_back(s);
    }
    TDB_ASSIGN_OR_RETURN(double big_time, TimeDelete(tenants, big));
    TDB_ASSIGN_OR_RETURN(double last, TimeDelete(tenants, small.back()));
    small_times.push_back(last);
    std::sort(small_times.begin(), small_times.end());

    DeleteResult r;
    r.phase = std::string(phase);
    r.durability = durability;
    r.since_load_s = since_load;
    r.filler_commits = fillers;
    r.keys = options.tenant_delete_keys;
    r.samples = 1;
    r.seconds = big_time;
    if (on_delete) on_delete(r);
    r.keys = kSmallKeys;
    r.samples = kSmall;
    r.seconds = small_times[small_times.size() / 2];
    if (on_delete) on_delete(r);
  }
  return Status::OK();
}

}  // namespace tenantdb::bench
