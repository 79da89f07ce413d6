// The local engine: RocksDB underneath, on disk or in RocksDB's in-memory environment (one
// implementation for both).
//
// Versions: each commit gets a version max(previous + 1, clock microseconds); the newest is
// stored with every write batch (in the "meta" column family) so versions continue above it
// after a restart. A read view is a RocksDB snapshot taken right after the write batch of a
// commit group, shared by every transaction that starts while it is the newest.
//
// Group commit: a committing thread queues its request; the thread at the head of the queue
// (the leader) takes every queued request, resolves them in order (each against the writes
// of the ones before it), writes the survivors as one WriteBatch with one fsync, publishes
// the new read view, and wakes the others. No extra thread sits on the commit path.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "kv/engine/engine.h"
#include "kv/engine/resolver.h"
#include "kv/engine/watch.h"
#include "tenantdb/clock.h"

namespace tenantdb::kv {

struct LocalEngineOptions {
  // Directory of the store; ignored when in_memory.
  std::string path;
  // Keep the store in RocksDB's in-memory environment. Default: false.
  bool in_memory = false;
  Durability durability = Durability::kSync;
  std::shared_ptr<Clock> clock;  // Default: nullptr, meaning the system clock
  bool create_if_missing = true;
  // For tests: the filesystem RocksDB reads and writes through instead of the operating
  // system's, e.g. a FaultInjectionFs (fault_injection_fs.h). Ignored when in_memory.
  // Default: nullptr, meaning the operating system's.
  std::shared_ptr<rocksdb::FileSystem> file_system;
};

// The RocksDB options the local engine uses, so a benchmark can give RocksDB used directly
// the very same options.
rocksdb::Options LocalRocksOptions();

class LocalEngine final : public Engine {
 public:
  // Errors: store_locked, io_error, corruption, file_not_found.
  static Result<std::unique_ptr<LocalEngine>> Open(const LocalEngineOptions& options);
  ~LocalEngine() override;

  Result<std::shared_ptr<const ReadView>> BeginRead() override;
  Result<std::shared_ptr<const ReadView>> ReadAt(Version version) override;
  Result<CommitResult> Commit(CommitRequest request) override;
  Status AddWatch(WatchRequest request) override;
  Version NowVersion() override;
  Version CommittedVersion() const override { return committed_.load(std::memory_order_acquire); }

  // Commits queued or being written right now (for tests and metrics).
  size_t QueuedCommits();
  Result<int64_t> EstimateSize(std::string_view begin, std::string_view end) override;

  struct Store;  // the RocksDB instance and its environment; outlives every read view

 private:
  struct Writer;

  explicit LocalEngine(const LocalEngineOptions& options, std::shared_ptr<Store> store,
                       Version last_version);

  // Leader only: resolves, writes and publishes `group`, filling each writer's result.
  void CommitGroup(const std::vector<Writer*>& group);
  Status ApplyMutations(const CommitRequest& request, Version version, rocksdb::WriteBatch& batch,
                        class GroupOverlay* overlay);
  void FireWatches(const std::vector<Writer*>& group);
  void PublishView(Version version);
  // The newest published view, through this thread's slot when it has one.
  std::shared_ptr<const ReadView> NewestView();

  LocalEngineOptions options_;
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<Store> store_;
  rocksdb::WriteOptions write_options_;

  std::mutex queue_mu_;
  std::deque<Writer*> queue_;  // GUARDED_BY(queue_mu_)

  // Leader-only state (only the thread at the head of queue_ touches it).
  Resolver resolver_;
  Version last_version_;
  uint64_t commits_since_prune_ = 0;
  Version last_prune_version_ = 0;
  Status failed_;  // sticky: set when a write fails; the store must then be reopened

  // Per-thread copies of the newest view (see BeginRead), indexed by a small per-thread
  // number; each slot is touched only by its thread.
  struct alignas(64) ViewSlot {
    uint64_t seq = 0;
    std::shared_ptr<const ReadView> view;
  };
  static constexpr size_t kViewSlots = 64;
  std::unique_ptr<ViewSlot[]> view_slots_;
  std::atomic<uint64_t> view_seq_{0};  // bumped (under view_mu_) each time view_ changes

  mutable std::mutex view_mu_;
  std::shared_ptr<const ReadView> view_;                // GUARDED_BY(view_mu_)
  std::deque<std::shared_ptr<const ReadView>> recent_;  // GUARDED_BY(view_mu_), oldest first
  std::atomic<Version> committed_;

  WatchRegistry watches_;
};

}  // namespace tenantdb::kv
