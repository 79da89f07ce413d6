// The local engine's commit pipeline (write and sync stages, group commit, watches). What a
// group writes: local_engine_apply.cc; opening the store: local_engine_open.cc; read views
// and size estimates: local_read_view.cc.
#include "kv/engine/local_engine.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "kv/engine/futex.h"
#include "kv/engine/local_engine_store.h"
#include "kv/engine/local_read_view.h"
#include "kv/engine/log_padding.h"
#include "kv/engine/log_sync_fs.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::kv {

namespace {

constexpr size_t kMaxGroupSize = 512;
constexpr uint64_t kPruneEvery = 1024;
// Boundaries of the resolver a commit group walks of a running prune pass: at most some tens of
// microseconds, however many boundaries a bulk load left.
constexpr size_t kPruneStep = 512;
// Groups a write leader writes, or fsyncs a sync leader makes, before handing its stage on
// (its own commit is done by then, and its client waits).
constexpr int kMaxLeadRounds = 16;
// Without fsyncs (durability async, memory stores) a commit waits a few microseconds for the
// leader writing its group, less than a futex sleep and wake-up cost in a VM. So a committer
// with at most one commit queued ahead of it spins up to this long before it sleeps; only as
// many at once as leave a CPU to the leader, and never behind a longer queue (many clients:
// the wait is long and the CPU is better spent on them). A committer keeps its spinner slot
// until it is woken, also after it gave up spinning and sleeps: freeing the slot as soon as
// the spin ended let more committers spin with 32 async clients (hot counter 100-110k -> 82-88k
// commits/s, p50 8 -> 94-312 us).
constexpr auto kSpinWait = std::chrono::microseconds(30);
constexpr size_t kSpinQueue = 2;

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// A sleeping writer wakes up at least this often to look at its state itself: a wake-up that
// went missing then costs this long instead of a stalled pipeline (counted: LostWakeups).
constexpr long kMaxSleepNanos = 50'000'000;
std::atomic<uint64_t> g_lost_wakeups{0};
std::atomic<int> g_drop_wakeups{0};            // DropWakeupsForTesting
std::atomic<bool> g_no_broadcast_acks{false};  // DisableBroadcastAcksForTesting

// False when a test asked for this wake-up to go missing.
bool MakeWakeup() {
  return g_drop_wakeups.load(std::memory_order_relaxed) <= 0 ||
         g_drop_wakeups.fetch_sub(1, std::memory_order_relaxed) <= 0;
}

}  // namespace

uint64_t LocalEngine::LostWakeups() { return g_lost_wakeups.load(std::memory_order_relaxed); }
void LocalEngine::DropWakeupsForTesting(int n) {
  g_drop_wakeups.store(n, std::memory_order_relaxed);
}
void LocalEngine::DisableBroadcastAcksForTesting(bool disable) {
  g_no_broadcast_acks.store(disable, std::memory_order_relaxed);
}

// One committing thread's request. The thread sleeps on its own futex (so waking one writer
// never contends with the others) until another thread gives it a stage to lead or its outcome.
struct LocalEngine::Writer {
  Writer(CommitRequest* r, LocalEngine* e, bool waits_for_fsync)
      : request(r), engine(e), fsync_wait(waits_for_fsync) {}

  // Sets the state and wakes the writer's thread. Once the state is kDone the writer's thread
  // may return and destroy it, so the caller must not touch it after this call.
  void Set(Role s) {
    // Lock-free, so the woken thread does not wake only to block on a mutex the waker still
    // holds. `waking` keeps the writer alive (see Await) until the wake call has returned.
    waking.store(true, std::memory_order_relaxed);
    // The state and `sleeping` are each stored, then the other read, sequentially consistent
    // on both sides (here and in Await): one of the two reads sees the other's store, so
    // either the writer does not sleep or this call wakes it. No system call when the writer
    // spins (most async commits).
    state.store(static_cast<uint32_t>(s), std::memory_order_seq_cst);
    if (sleeping.load(std::memory_order_seq_cst) && MakeWakeup()) FutexWakeOne(state);
    waking.store(false, std::memory_order_release);
  }
  // Waits until another thread sets a state, and returns it (leaving kWaiting behind); first
  // spins for up to `spin`.
  Role Await(std::chrono::microseconds spin = std::chrono::microseconds(0)) {
    constexpr auto kWaiting = static_cast<uint32_t>(Role::kWait);
    uint32_t s;
    if (spin.count() > 0) {
      auto until = std::chrono::steady_clock::now() + spin;
      for (int i = 1; state.load(std::memory_order_acquire) == kWaiting; ++i) {
        CpuRelax();
        if (i % 64 == 0 && std::chrono::steady_clock::now() > until) break;
      }
    }
    // As libstdc++'s atomic wait: a few relaxed and yielding looks before sleeping. Not the
    // yielding ones when the wait is for an fsync: with many clients every yield is a context
    // switch (4 per durable commit with 32 clients, for nothing: the wait is hundreds of us).
    const int looks = fsync_wait ? 12 : 16;
    for (int i = 0; i < looks && state.load(std::memory_order_acquire) == kWaiting; ++i) {
      if (i < 12) {
        CpuRelax();
      } else {
        std::this_thread::yield();
      }
    }
    const bool broadcast = fsync_wait && engine->broadcast_acks_;
    while ((s = state.load(std::memory_order_acquire)) == kWaiting) {
      // Waiting for an fsync, the writer also sleeps on the acknowledgement word of the sync
      // round that will take its group (see SyncRound): its own if a round took it already,
      // else the next round to start (one that ends without it wakes it to look again). The
      // round count is read before the writer's own round: SyncGroups sets that first.
      std::atomic<uint32_t>* ack = nullptr;
      uint32_t ack_seen = 0;
      while (broadcast) {
        uint64_t started = engine->sync_rounds_.load(std::memory_order_seq_cst);
        uint64_t taken = ack_round.load(std::memory_order_seq_cst);
        uint64_t round = taken != 0 ? taken : started + 1;
        ack = &engine->ack_words_[round % 2].value;
        ack_seen = ack->load(std::memory_order_seq_cst);
        // A guess holds only if that round had not started by the time the word was read (so
        // its bump is still to come); else look again. (Its own round bumps after setting the
        // state, which is checked below.)
        if (taken != 0 || engine->sync_rounds_.load(std::memory_order_seq_cst) == started) break;
      }
      sleeping.store(true, std::memory_order_seq_cst);
      if (state.load(std::memory_order_seq_cst) == kWaiting &&
          (ack != nullptr ? FutexSleepOnEither(state, kWaiting, *ack, ack_seen, kMaxSleepNanos)
                          : FutexSleep(state, kWaiting, kMaxSleepNanos)) &&
          state.load(std::memory_order_acquire) != kWaiting) {
        // Set before the timeout, and no wake-up came (or it came over 50 ms late).
        g_lost_wakeups.fetch_add(1, std::memory_order_relaxed);
      }
      sleeping.store(false, std::memory_order_relaxed);
    }
    // The waker may still be inside notify_one on this object: wait for it to leave.
    while (waking.load(std::memory_order_acquire)) std::this_thread::yield();
    state.store(kWaiting, std::memory_order_relaxed);
    return static_cast<Role>(s);
  }

  // Wakes the writers this one was asked to acknowledge (see SyncRound).
  void WakeNext() {
    for (Writer* w : wake_next) {
      if (w != nullptr) w->Set(Role::kDone);
    }
  }

  CommitRequest* request;
  LocalEngine* const engine;
  size_t tracked_first = 0;  // its atomic operations' entries in group_tracked_ (WriteGroup)
  const bool fsync_wait;     // its commit waits for an fsync (durability sync, on disk)
  Writer* wake_next[2] = {nullptr, nullptr};
  std::atomic<bool> leading{false};  // leading the write stage (not waiting: see SyncRound)
  Result<CommitResult> result = Error(ErrorCode::kInternalError, "commit not processed");
  std::atomic<uint32_t> state{static_cast<uint32_t>(Role::kWait)};
  std::atomic<bool> sleeping{false};  // in (or about to enter) its futex sleep: Set wakes it
  std::atomic<bool> waking{false};
  std::atomic<uint64_t> ack_round{0};  // the sync round that took its group (0: none yet)
};

// Commits written to the log (unsynced) as one batch, waiting for the fsync that makes them
// durable, visible and acknowledged.
struct LocalEngine::WrittenGroup {
  std::vector<Writer*> writers;          // the group's accepted commits, in version order
  Version version = 0;                   // the newest of their versions
  std::shared_ptr<const ReadView> view;  // the store right after the batch
  std::vector<std::string> published;    // keys whose deferred value the batch published
};

// Here, where Writer and WrittenGroup are complete.
LocalEngine::LocalEngine(const LocalEngineOptions& options, std::shared_ptr<Store> store,
                         Version last_version)
    : options_(options),
      clock_(options.clock ? options.clock : std::make_shared<SystemClock>()),
      store_(std::move(store)),
      last_version_(last_version),
      committed_(last_version) {
  view_slots_ = std::make_unique<ViewSlot[]>(kViewSlots);
  sync_wal_ = options.durability == Durability::kSync && !options.in_memory;
  broadcast_acks_ =
      sync_wal_ && !g_no_broadcast_acks.load(std::memory_order_relaxed) && HaveFutexWaitv();
  write_options_.sync = false;  // the sync stage syncs the log once for every written group
  PublishView(LocalReadView::Take(store_, last_version));
}

LocalEngine::~LocalEngine() { PublishAtClose(); }

Version LocalEngine::NowVersion() {
  return std::max(CommittedVersion(), static_cast<Version>(clock_->NowMicros()));
}

size_t LocalEngine::QueuedCommits() {
  std::lock_guard<std::mutex> l(queue_mu_);
  return queue_.size();
}

uint64_t LocalEngine::ActiveMemtableEntries() {
  uint64_t entries = 0;
  store_->db->GetIntProperty(store_->data(), rocksdb::DB::Properties::kNumEntriesActiveMemTable,
                             &entries);
  return entries;
}

size_t LocalEngine::UnsyncedCommits() {
  std::lock_guard<std::mutex> l(queue_mu_);
  return unsynced_;
}

Result<CommitResult> LocalEngine::Commit(CommitRequest request) {
  Writer w(&request, this, sync_wal_);
  bool lead;
  bool spin;
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    queue_.push_back(&w);
    lead = queue_.size() == 1;  // else a write leader is at the head and hands on to us
    spin = !sync_wal_ && queue_.size() <= kSpinQueue;
  }
  Role state = Role::kLeadWrite;
  if (!lead) {
    if (spin && spinners_.fetch_add(1, std::memory_order_acq_rel) >= max_spinners_) {
      spinners_.fetch_sub(1, std::memory_order_acq_rel);  // enough spinners already
      spin = false;
    }
    state = w.Await(spin ? kSpinWait : std::chrono::microseconds(0));
    if (spin) spinners_.fetch_sub(1, std::memory_order_acq_rel);
  }
  if (state == Role::kLeadWrite) state = LeadWrites(&w);
  if (state == Role::kLeadSync) {
    SyncGroups(&w);
  } else {
    w.WakeNext();
  }
  return std::move(w.result);
}

LocalEngine::Role LocalEngine::LeadWrites(Writer* self) {
  self->leading.store(true, std::memory_order_relaxed);
  bool mine_finished = false;
  bool lead_sync = false;
  for (int round = 1;; ++round) {
    // Take everything queued so far.
    std::vector<Writer*> group;
    Status failed;
    {
      std::lock_guard<std::mutex> l(queue_mu_);
      for (auto it = queue_.begin(); it != queue_.end() && group.size() < kMaxGroupSize; ++it) {
        group.push_back(*it);
      }
      failed = failed_;
    }
    std::unique_ptr<WrittenGroup> written = WriteGroup(group, failed);
    // Commits not written (conflicts, errors) are finished now; the written ones wait for
    // their fsync. Decided before the group is handed to the sync stage, which may finish and
    // free its writers at once.
    std::vector<Writer*> finished;
    for (size_t i = 0, j = 0; i < group.size(); ++i) {
      if (written != nullptr && j < written->writers.size() && written->writers[j] == group[i]) {
        ++j;
      } else {
        finished.push_back(group[i]);
      }
    }
    Writer* next_writer = nullptr;
    Writer* sync_leader = nullptr;
    bool more = false;
    {
      std::lock_guard<std::mutex> l(queue_mu_);
      for (size_t i = 0; i < group.size(); ++i) queue_.pop_front();
      if (written != nullptr) {
        unsynced_ += written->writers.size();
        if (!syncing_) {
          // Nobody leads the sync stage: a writer of this group that is waiting does, or this
          // thread when the group is its commit alone.
          syncing_ = true;
          for (Writer* c : written->writers) {
            if (c != self) {
              sync_leader = c;
              break;
            }
          }
          if (sync_leader == nullptr) lead_sync = true;
        }
        written_.push_back(std::move(written));
      }
      more = !lead_sync && !queue_.empty() && round < kMaxLeadRounds;
      if (!more && !queue_.empty()) next_writer = queue_.front();
    }
    if (sync_leader != nullptr) sync_leader->Set(Role::kLeadSync);
    for (Writer* f : finished) {
      if (f == self) {
        mine_finished = true;
      } else {
        f->Set(Role::kDone);
      }
    }
    if (!more) {
      self->leading.store(false, std::memory_order_release);
      if (next_writer != nullptr) next_writer->Set(Role::kLeadWrite);
      break;
    }
  }
  if (mine_finished) return Role::kDone;
  return lead_sync ? Role::kLeadSync : self->Await();
}

std::unique_ptr<LocalEngine::WrittenGroup> LocalEngine::WriteGroup(
    const std::vector<Writer*>& group, Status failed) {
  if (!failed.ok()) {
    for (Writer* w : group) {
      w->result = Error(ErrorCode::kStoreClosed, failed.ToString())
                      .WithContext("the store failed earlier and must be reopened");
    }
    return nullptr;
  }
  // Every key an atomic operation of the group touches gets its base value tracked before
  // any of the group is applied; from then on each write of the group keeps it current.
  group_tracked_.clear();
  // The batch's size, about (each record: a tag, a family and two lengths), so that it is
  // allocated once rather than grown by doubling: the header, the log padding, the version
  // record and its carried values, the mutations.
  size_t batch_bytes = 32 + kMaxLogPadding + version_record_.size();
  for (Writer* w : group) {
    for (const Mutation& m : w->request->mutations)
      batch_bytes += m.key.size() + m.param.size() + 8;
    w->tracked_first = group_tracked_.size();
    Status tracked = TrackAtomicKeys(*w->request);
    if (!tracked.ok()) {
      Status none = tracked.WithContext("not committed (nothing of the commit group was written)");
      for (Writer* g : group) g->result = none;
      return nullptr;
    }
  }
  rocksdb::WriteBatch batch(batch_bytes);
  auto written = std::make_unique<WrittenGroup>();
  Version version = last_version_;
  bool publish = false;
  size_t recorded = 0;  // write ranges given to the resolver, each adding at most 2 boundaries
  for (Writer* w : group) {
    const CommitRequest& r = *w->request;
    Version v = std::max(version + 1, static_cast<Version>(clock_->NowMicros()));
    bool empty = r.mutations.empty() && r.read_conflicts.empty() && r.read_points.empty() &&
                 r.write_conflicts.empty();
    if (!empty && v - r.read_version > kMaxReadVersionLag) {
      w->result = Error(ErrorCode::kTransactionTooOld,
                        fmt::format("read version {} is {} versions behind commit version {}",
                                    r.read_version, v - r.read_version, v));
      continue;
    }
    bool early_conflict = false;
    for (const ReadSince& e : r.read_conflicts_since) {
      early_conflict = early_conflict || v - e.since > kMaxReadVersionLag ||
                       resolver_.ConflictsWith(e.since, *e.range);
    }
    if (early_conflict || resolver_.ConflictsAt(r.read_version, r.read_points) ||
        resolver_.Conflicts(r.read_version, r.read_conflicts)) {
      w->result = Error(ErrorCode::kNotCommitted, "a key read was written by a newer commit");
      continue;
    }
    ApplyMutations(r, v, w->tracked_first, batch);
    publish = publish || r.publish_deferred;
    // The explicit ranges last: one covering many written keys (a bulk load's) then replaces
    // their boundaries instead of leaving two per key for a later clear_range to erase.
    for (const Mutation& m : r.mutations) resolver_.RecordImplied(v, m);
    resolver_.Record(v, r.write_conflicts);
    recorded += r.mutations.size() + r.write_conflicts.size();
    version = v;
    w->result = CommitResult{v, 0};
    written->writers.push_back(w);
  }
  if (written->writers.empty()) return nullptr;
  WriteTrackedValues(version, publish, written->published, batch);
  last_version_ = version;
  PutVersionRecord(version, batch);
  PadLogRecord(batch);  // last: it pads the record's final length
  rocksdb::Status ws = store_->db->Write(write_options_, &batch);
  if (!ws.ok()) {
    // The write-ahead log may or may not hold the batch (a failed write can leave part of it
    // in the file, and RocksDB's recovery then keeps or drops it whole), so these commits'
    // outcome is unknown until the store is reopened. The code stays the cause (io_error,
    // no_space, ...), and the store writes nothing more: a later batch synced behind this one
    // would make it durable after it was reported failed.
    Status cause = FromRocks(ws, fmt::format("writing commit versions {}..{}",
                                             written->writers.front()->result->version, version));
    {
      std::lock_guard<std::mutex> l(queue_mu_);
      if (failed_.ok()) failed_ = cause;
    }
    tracked_.clear();  // holds this group's values, which may not be in the store
    unpublished_.clear();
    carried_.clear();
    Status unknown = cause.WithContext(
        "commit outcome unknown until the store is reopened (then wholly present or wholly "
        "absent)");
    for (Writer* w : written->writers) w->result = unknown;
    return nullptr;
  }
  // The group's read view, taken before the next group writes; published after the fsync.
  written->version = version;
  written->view = LocalReadView::Take(store_, version);
  commits_since_prune_ += written->writers.size();
  // Forget write versions older than any read version that may still commit. A pass over every
  // boundary starts once as many commits as there are boundaries have passed (amortized O(1)
  // work per commit), and at least once per MVCC window: after a bulk load the resolver would
  // otherwise hold every loaded key until as many commits again had passed. Each group walks a
  // bounded part (first of the boundaries wide ranges cover, then of the pass), and more than
  // twice the boundaries it may have added, so that pruning outruns any stream of writes:
  // under steady writes the resolver holds about the last 5-10 s of them. A bulk load followed
  // by few commits is forgotten over the next groups, kPruneStep per group (2,000,000
  // boundaries: ~3,900 groups), not in one stall. Decided by versions and counts only, like
  // every resolver decision.
  if (!resolver_.pruning() && resolver_.size() > 1 &&
      (commits_since_prune_ >= std::max<uint64_t>(kPruneEvery, resolver_.size()) ||
       version - last_prune_version_ > kMaxReadVersionLag)) {
    resolver_.StartPrune();
    last_prune_version_ = version;
    commits_since_prune_ = 0;
  }
  if (resolver_.pending()) {
    resolver_.PruneSome(version - kMaxReadVersionLag, kPruneStep + 4 * recorded);
  }
  return written;
}

void LocalEngine::SyncGroups(Writer* self) {
  std::unique_lock<std::mutex> l(queue_mu_);
  for (int round = 1;; ++round) {
    std::vector<std::unique_ptr<WrittenGroup>> groups;
    // Each writer learns its round before the round count moves on (see Writer::Await).
    const uint64_t sync_round = sync_rounds_.load(std::memory_order_relaxed) + 1;
    for (auto& g : written_) {
      for (Writer* w : g->writers) w->ack_round.store(sync_round, std::memory_order_seq_cst);
      groups.push_back(std::move(g));
    }
    sync_rounds_.store(sync_round, std::memory_order_seq_cst);
    written_.clear();
    Status failed = failed_;
    l.unlock();
    size_t commits = SyncRound(self, groups, failed, sync_round);
    l.lock();
    unsynced_ -= commits;
    if (written_.empty()) break;  // the next write leader to write a group finds a sync leader
    if (round < kMaxLeadRounds) continue;
    // Hand the stage on to a writer that waits for its fsync (not the write leader: busy).
    for (const auto& g : written_) {
      for (Writer* c : g->writers) {
        if (!c->leading.load(std::memory_order_acquire)) {
          l.unlock();
          c->Set(Role::kLeadSync);
          return;
        }
      }
    }
  }
  syncing_ = false;
}

size_t LocalEngine::SyncRound(Writer* self, std::vector<std::unique_ptr<WrittenGroup>>& groups,
                              Status failed, uint64_t sync_round) {
  // Every group taken was written before this sync starts, so one fsync covers them all. After
  // a failed sync nothing behind it may be acknowledged (the kernel may have dropped pages of
  // the log that a later sync would not bring back); after a failed write the log may hold
  // part of what was written. Either way the groups still waiting have an unknown outcome.
  Status s = failed;
  if (s.ok() && sync_wal_) {
    // Not DB::SyncWAL: see log_sync_fs.h.
    s = FromRocks(
        store_->log_fs->SyncLogs(),
        fmt::format("syncing the log for commit versions {}..{}",
                    groups.front()->writers.front()->result->version, groups.back()->version));
    if (!s.ok()) {
      // Sticky before anyone hears of it: no commit written from now on may be acknowledged.
      std::lock_guard<std::mutex> l(queue_mu_);
      if (failed_.ok()) failed_ = s;
    }
  }
  size_t commits = 0;
  for (const auto& g : groups) commits += g->writers.size();

  if (s.ok()) {
    for (const auto& g : groups) PublishView(g->view);
    committed_.store(groups.back()->version, std::memory_order_release);
    for (const auto& g : groups) FireWatches(*g);
  } else {
    // A failed fsync can still leave the batches in the log, and a later write was already
    // appended behind them: every commit here is unknown until the store is reopened.
    Status unknown = s.WithContext(
        "commit outcome unknown until the store is reopened (then wholly present or wholly "
        "absent)");
    for (const auto& g : groups) {
      for (Writer* w : g->writers) w->result = unknown;
    }
  }
  // Writers leading the write stage are awake: each is told at once (it must not hold others
  // up). The others are acknowledged either
  // - by broadcast: every waiter of the round sleeps on its acknowledgement word too, so the
  //   outcomes are set, then one system call wakes them all. (A wake-up costs ~30-90 us on a
  //   VM: a tree of them took ~300 us to reach the last of 12 writers, which then missed the
  //   next fsync.) After its state is set a writer may return and free itself, so it is not
  //   touched again. The wake-up is made even when no writer of the round sleeps: a writer
  //   whose group was not written in time for this round may sleep on its word, guessing, and
  //   must wake to look again (its own round bumps the other word);
  // - or as a binary tree (each writer wakes two more on its way out), so this thread makes
  //   one wake-up and goes on to the next fsync.
  std::vector<Writer*> acks;  // the tree's
  for (const auto& g : groups) {
    for (Writer* w : g->writers) {
      if (w == self) continue;
      if (w->leading.load(std::memory_order_acquire)) {
        w->Set(Role::kDone);
      } else if (broadcast_acks_) {
        w->state.store(static_cast<uint32_t>(Role::kDone), std::memory_order_seq_cst);
      } else {
        acks.push_back(w);
      }
    }
  }
  if (broadcast_acks_) {
    std::atomic<uint32_t>& ack = ack_words_[sync_round % 2].value;
    ack.fetch_add(1, std::memory_order_seq_cst);
    if (MakeWakeup()) FutexWake(ack, INT_MAX);
    return commits;
  }
  for (size_t i = 0; i < acks.size(); ++i) {
    for (size_t j = 0; j < 2 && 2 * i + 1 + j < acks.size(); ++j) {
      acks[i]->wake_next[j] = acks[2 * i + 1 + j];
    }
  }
  if (!acks.empty()) acks[0]->Set(Role::kDone);
  return commits;
}

void LocalEngine::FireWatches(const WrittenGroup& group) {
  if (watches_.size() == 0) return;
  // Read at the group's own view: a later group may already be written but not yet durable.
  auto latest = [&](std::string_view key) -> std::optional<std::string> {
    Result<std::optional<std::string>> v = group.view->Get(key);
    if (!v.ok()) return std::nullopt;
    return std::move(*v);
  };
  for (const std::string& key : group.published) {
    watches_.Check(key, key + std::string(1, '\0'), latest);
  }
  for (Writer* w : group.writers) {
    for (const Mutation& m : w->request->mutations) {
      if (m.type == MutationType::kClearRange) {
        watches_.Check(m.key, m.param, latest);
      } else if (m.type != MutationType::kSetVersionstampedKey) {
        watches_.Check(m.key, m.key + std::string(1, '\0'), latest);
      }
    }
  }
}

Status LocalEngine::AddWatch(WatchRequest request) {
  // The newest published value: a written commit is not visible until its fsync.
  return watches_.Add(std::move(request),
                      [&](std::string_view key) { return NewestView()->Get(key); });
}

}  // namespace tenantdb::kv
