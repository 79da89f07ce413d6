// The local engine: RocksDB underneath, on disk or in RocksDB's in-memory environment (one
// implementation for both).
//
// Versions: each commit gets a version max(previous + 1, clock microseconds); the newest is
// stored with every write batch (in the "meta" column family) so versions continue above it
// after a restart. A read view is a RocksDB snapshot taken right after the write batch of a
// commit group, shared by every transaction that starts while it is the newest.
//
// Group commit, in two pipelined stages; no extra thread sits on the commit path.
//  1. Write: a committing thread queues its request; the thread at the head of the queue (the
//     write leader) takes every queued request, resolves them in order (each against the
//     writes of the ones before it), writes the survivors as one WriteBatch to the
//     write-ahead log without syncing it and takes the group's read view (a snapshot). It
//     goes on with the requests queued meanwhile, up to kMaxLeadRounds groups, then hands the
//     stage to the next queued request.
//  2. Sync: written groups wait, in version order, for one fsync of the log. The sync leader
//     takes every group written so far, syncs the log once for all of them, publishes their
//     read views in version order and acknowledges their commits; it goes on while more
//     groups are written (up to kMaxLeadRounds fsyncs), then hands the stage to a waiting
//     writer or leaves it free. Acknowledging costs it one wake-up: the writers woken wake
//     the rest as a binary tree.
// A thread that already runs keeps its stage because waking another costs more than the work
// between two fsyncs on a small machine (about 60 us from a notify until the woken thread runs).
// So the next group is resolved and written while the previous one's fsync runs. Nothing is
// visible to a transaction (read views, watches, the committed version) before its fsync.
// A failed write or sync fails its commits with "outcome unknown" and every later commit with
// store_closed until the store is reopened.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/file_system.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

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

  // For tests and metrics: commits queued for the write stage or being written,
  size_t QueuedCommits();
  // and commits written and waiting for (or in) their fsync.
  size_t UnsyncedCommits();
  // For tests and metrics: entries (puts and deletes) in the active memtable of user data.
  uint64_t ActiveMemtableEntries();
  // Writes every memtable to table files and compacts the whole store, waiting for both: the
  // data is unchanged, and no flush or compaction is left pending. For benchmarks, so that
  // each measurement starts from the same state whatever ran before. Errors: io_error.
  Status Compact();
  // For metrics, process-wide: committers that found their state set when their 50 ms sleep
  // timed out, i.e. whose wake-up went missing (or came over 50 ms late).
  static uint64_t LostWakeups();
  // For tests: the next `n` wake-ups of a sleeping committer are not made (process-wide), so
  // the 50 ms recovery is exercised.
  static void DropWakeupsForTesting(int n);
  // For tests: engines opened from now on acknowledge durable commits by the tree of wake-ups
  // used where the kernel has no futex_waitv (process-wide).
  static void DisableBroadcastAcksForTesting(bool disable);
  // For tests: boundaries the conflict resolver holds (Resolver::size). REQUIRES: no commit in
  // flight (the resolver belongs to the write leader).
  size_t ResolverSizeForTesting() const { return resolver_.size(); }
  // For tests: whether this engine acknowledges durable commits by broadcast (see SyncRound).
  bool BroadcastAcks() const { return broadcast_acks_; }
  Result<int64_t> EstimateSize(std::string_view begin, std::string_view end) override;
  // Commits only when a deferred value may be unpublished or its publication not yet visible.
  Status PublishDeferred() override;

  struct Store;  // the RocksDB instance and its environment; outlives every read view

 private:
  struct Writer;
  struct WrittenGroup;
  // What a committing thread is asked to do next (see Writer).
  enum class Role : uint32_t { kWait, kLeadWrite, kLeadSync, kDone };

  explicit LocalEngine(const LocalEngineOptions& options, std::shared_ptr<Store> store,
                       Version last_version);

  // Write leader only: resolves `group` and writes its survivors to the log unsynced, filling
  // each writer's result. Returns the survivors as a written group, or null when none.
  std::unique_ptr<WrittenGroup> WriteGroup(const std::vector<Writer*>& group, Status failed);
  // Write leader: writes the queued commits as groups (at most kMaxLeadRounds), hands the write
  // stage on, and returns what `self` does next (kDone: its result is set, or kLeadSync).
  Role LeadWrites(Writer* self);
  // Sync leader: syncs, publishes and acknowledges the written groups, round after round while
  // more are written (at most kMaxLeadRounds), then hands the stage on or leaves it free.
  void SyncGroups(Writer* self);
  // One fsync for `groups` (or their failure); returns how many commits they hold.
  size_t SyncRound(Writer* self, std::vector<std::unique_ptr<WrittenGroup>>& groups, Status failed,
                   uint64_t sync_round);
  // What a group writes (local_engine_apply.cc), all write leader only. Tracks the value of
  // every key `request`'s atomic operations touch (read from the store when not tracked),
  // appending each one's entry to group_tracked_ in the order of the request's mutations.
  Status TrackAtomicKeys(const CommitRequest& request);
  // Applies `request`, whose atomic operations' entries start at group_tracked_[tracked_first].
  void ApplyMutations(const CommitRequest& request, Version version, size_t tracked_first,
                      rocksdb::WriteBatch& batch);
  // After the group's mutations: its atomic results, its deferred values, and publication
  // (the keys published are added to `published`).
  void WriteTrackedValues(Version version, bool publish, std::vector<std::string>& published,
                          rocksdb::WriteBatch& batch);
  // At a clean close (destructor): publishes what deferred adds left unpublished.
  void PublishAtClose();
  void FireWatches(const WrittenGroup& group);
  void PublishView(std::shared_ptr<const ReadView> view);
  // The newest published view, through this thread's slot when it has one.
  std::shared_ptr<const ReadView> NewestView();

  LocalEngineOptions options_;
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<Store> store_;
  rocksdb::WriteOptions write_options_;

  bool sync_wal_;  // fsync the log before acknowledging (durability sync, on disk)
  // Sync rounds acknowledge their writers with one wake-up of a word the writers also sleep
  // on (futex_waitv), instead of a tree of wake-ups; false without futex_waitv (Linux < 5.16)
  // or without fsyncs (the tree then).
  bool broadcast_acks_ = false;
  std::atomic<uint64_t> sync_rounds_{0};  // sync rounds started; only the sync leader writes it
  // The acknowledgement words, by round parity: round r's writers sleep on ack_words_[r % 2],
  // which its end bumps; the next round's do not wake with them.
  struct alignas(64) AckWord {
    std::atomic<uint32_t> value{0};
  };
  AckWord ack_words_[2];
  // Committers spinning before they sleep (Commit, kSpinWait), and how many may at once.
  std::atomic<int> spinners_{0};
  const int max_spinners_ = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);

  std::mutex queue_mu_;
  std::deque<Writer*> queue_;                          // GUARDED_BY(queue_mu_), write stage
  std::deque<std::unique_ptr<WrittenGroup>> written_;  // GUARDED_BY(queue_mu_), version order
  bool syncing_ = false;                               // GUARDED_BY(queue_mu_)
  size_t unsynced_ = 0;  // GUARDED_BY(queue_mu_): commits in written_ or being synced
  // Sticky: set when a write or sync fails; the store must then be reopened.
  Status failed_;  // GUARDED_BY(queue_mu_)

  // Write-leader-only state (only the thread leading the write stage touches it).
  Resolver resolver_;
  // A key atomic operations touched recently: its newest value, kept current by every write
  // of the write stage, so an atomic operation on a hot key (a counter, a tenant's usage)
  // does not read the store in the commit path; and where that value is stored.
  struct Tracked {
    std::optional<std::string> value;  // nullopt: absent
    // The deferred family holds `value` for the key (see local_engine_store.h), written by
    // each group's deferred adds;
    bool in_deferred = false;
    // or, instead, every version record carries it (listed in carried_);
    bool carried = false;
    // and only it: the user data holds an older value (not yet published).
    bool unpublished = false;
    // What the group being applied must still write for the key (see WriteTrackedValues).
    enum class Pending : uint8_t { kNone, kData, kDeferred } pending = Pending::kNone;
  };
  using TrackedMap = std::map<std::string, Tracked, std::less<>>;
  TrackedMap tracked_;
  // The key's value is now as new in the user data as anywhere: its deferred copy goes.
  void DropDeferredCopy(TrackedMap::iterator it, rocksdb::WriteBatch& batch);
  // Keys the group being applied changed by atomic operations: each gets its final value
  // written once, after the group's other writes, however many commits of the group added to
  // it (a hot counter, a tenant's usage key).
  std::vector<TrackedMap::iterator> group_atomics_;
  // The entry of each atomic operation of the group being applied (TrackAtomicKeys), so that
  // ApplyMutations does not look each key up again.
  std::vector<TrackedMap::iterator> group_tracked_;
  // Keys whose newest value is in the deferred family only (Tracked::unpublished; a key made
  // unpublished again after another write may be listed twice), and the version of the group
  // that made the first of them so.
  std::vector<TrackedMap::iterator> unpublished_;
  Version unpublished_since_ = 0;
  // Keys whose unpublished value the version records carry (Tracked::carried).
  std::vector<TrackedMap::iterator> carried_;
  // Writes the version record of a group at `version`: the version and the carried values.
  void PutVersionRecord(Version version, rocksdb::WriteBatch& batch);
  std::string version_record_;  // its buffer, reused: no allocation per group
  // For PublishDeferred without a commit: unpublished_ is empty, and every value published
  // so far is visible once CommittedVersion() reaches published_version_.
  std::atomic<bool> all_published_{true};
  std::atomic<Version> published_version_{0};
  Version last_version_;
  uint64_t commits_since_prune_ = 0;
  Version last_prune_version_ = 0;

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
