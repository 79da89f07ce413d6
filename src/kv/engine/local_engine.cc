// The local engine's commit pipeline (write and sync stages, group commit, watches). Opening
// the store: local_engine_open.cc; read views: local_read_view.cc.
#include "kv/engine/local_engine.h"

#include <fmt/format.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <functional>
#include <thread>
#include <vector>

#include "kv/engine/local_engine_store.h"
#include "kv/engine/local_read_view.h"
#include "kv/engine/log_sync_fs.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::kv {

namespace {

constexpr size_t kMaxGroupSize = 512;
constexpr uint64_t kPruneEvery = 1024;
// Groups a write leader writes, or fsyncs a sync leader makes, before handing its stage on
// (its own commit is done by then, and its client waits).
constexpr int kMaxLeadRounds = 16;
// Keys whose newest value the write leader tracks for atomic operations, at most.
constexpr size_t kMaxTracked = 4096;
// Deferred results (Mutation::deferred) are published into the user data when this many keys
// hold unpublished ones, when the oldest is this many versions (microseconds) old, when a
// commit asks for it, and before the tracked keys are forgotten.
constexpr size_t kMaxUnpublished = 256;
constexpr Version kMaxUnpublishedLag = 2000;
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

std::string BigEndian64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}

std::string Versionstamp(Version version, uint16_t order) {
  std::string out = BigEndian64(static_cast<uint64_t>(version));
  out.push_back(static_cast<char>(order >> 8));
  out.push_back(static_cast<char>(order & 0xFF));
  return out;
}

}  // namespace

// One committing thread's request. The thread sleeps on its own futex (so waking one writer
// never contends with the others) until another thread gives it a stage to lead or its outcome.
struct LocalEngine::Writer {
  explicit Writer(CommitRequest* r) : request(r) {}

  // Sets the state and wakes the writer's thread. Once the state is kDone the writer's thread
  // may return and destroy it, so the caller must not touch it after this call.
  void Set(Role s) {
    // Lock-free, so the woken thread does not wake only to block on a mutex the waker still
    // holds. `waking` keeps the writer alive (see Await) until notify_one has returned.
    waking.store(true, std::memory_order_relaxed);
    state.store(static_cast<uint32_t>(s), std::memory_order_release);
    state.notify_one();
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
    while ((s = state.load(std::memory_order_acquire)) == kWaiting) state.wait(kWaiting);
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
  Writer* wake_next[2] = {nullptr, nullptr};
  std::atomic<bool> leading{false};  // leading the write stage (not waiting: see SyncRound)
  Result<CommitResult> result = Error(ErrorCode::kInternalError, "commit not processed");
  std::atomic<uint32_t> state{static_cast<uint32_t>(Role::kWait)};
  std::atomic<bool> waking{false};
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
  write_options_.sync = false;  // the sync stage syncs the log once for every written group
  PublishView(LocalReadView::Take(store_, last_version));
}

LocalEngine::~LocalEngine() {
  // A clean close publishes what deferred adds left unpublished, so the user data is whole
  // for whoever reads the store next (the next open would publish it too, but a tool reading
  // RocksDB directly would not). Nothing is written after a failure.
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    if (!failed_.ok()) return;
  }
  rocksdb::WriteBatch batch;
  for (TrackedMap::iterator it : unpublished_) {
    if (!it->second.unpublished) continue;
    batch.Put(store_->data(), it->first, *it->second.value);
  }
  if (batch.Count() == 0) return;
  rocksdb::WriteOptions w;
  w.sync = sync_wal_;
  store_->db->Write(w, &batch).PermitUncheckedError();  // else published at the next open
}

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
  Writer w(&request);
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
  // any of the group is applied (read from the store only when not tracked already); from then
  // on each write of the group keeps it current (ApplyMutations).
  for (Writer* w : group) {
    for (const Mutation& m : w->request->mutations) {
      if (!IsAtomicOp(m.type) || tracked_.find(m.key) != tracked_.end()) continue;
      std::string v;
      rocksdb::Status s = store_->db->Get(rocksdb::ReadOptions(), store_->data(), m.key, &v);
      if (!s.ok() && !s.IsNotFound()) {
        Status none = FromRocks(s, "reading a key for an atomic operation")
                          .WithContext("not committed (nothing of the commit group was written)");
        for (Writer* g : group) g->result = none;
        return nullptr;
      }
      tracked_.emplace(m.key,
                       Tracked{s.ok() ? std::optional<std::string>(std::move(v)) : std::nullopt});
    }
  }
  // Forget write versions older than any read version that may still commit, at least once per
  // MVCC window: after a bulk load the resolver would otherwise hold every loaded key until as
  // many commits again had passed, and a clear_range over them (a tenant delete) would pay to
  // erase them. Decided by versions only, like every resolver decision.
  Version first = std::max(last_version_ + 1, static_cast<Version>(clock_->NowMicros()));
  if (first - last_prune_version_ > kMaxReadVersionLag && resolver_.size() > 1) {
    resolver_.Prune(first - kMaxReadVersionLag);
    last_prune_version_ = first;
    commits_since_prune_ = 0;
  }
  rocksdb::WriteBatch batch;
  auto written = std::make_unique<WrittenGroup>();
  Version version = last_version_;
  bool publish = false;
  for (Writer* w : group) {
    const CommitRequest& r = *w->request;
    Version v = std::max(version + 1, static_cast<Version>(clock_->NowMicros()));
    bool empty = r.mutations.empty() && r.read_conflicts.empty() && r.write_conflicts.empty();
    if (!empty && v - r.read_version > kMaxReadVersionLag) {
      w->result = Error(ErrorCode::kTransactionTooOld,
                        fmt::format("read version {} is {} versions behind commit version {}",
                                    r.read_version, v - r.read_version, v));
      continue;
    }
    bool early_conflict = false;
    for (const ReadSince& e : r.read_conflicts_since) {
      early_conflict = early_conflict || v - e.since > kMaxReadVersionLag ||
                       resolver_.ConflictsWith(e.since, e.range);
    }
    if (early_conflict || resolver_.Conflicts(r.read_version, r.read_conflicts)) {
      w->result = Error(ErrorCode::kNotCommitted, "a key read was written by a newer commit");
      continue;
    }
    ApplyMutations(r, v, batch);
    publish = publish || r.publish_deferred;
    resolver_.Record(v, r.write_conflicts);
    version = v;
    w->result = CommitResult{v, 0};
    written->writers.push_back(w);
  }
  // The group's atomic results, after everything else it wrote: the tracker holds each key's
  // value after the group's last write to it, atomic or not.
  std::sort(group_atomics_.begin(), group_atomics_.end(),
            [](TrackedMap::iterator a, TrackedMap::iterator b) {
              return std::less<const void*>()(&*a, &*b);  // a total order of addresses
            });
  group_atomics_.erase(std::unique(group_atomics_.begin(), group_atomics_.end()),
                       group_atomics_.end());
  for (TrackedMap::iterator it : group_atomics_) {
    Tracked& t = it->second;
    if (t.pending == Tracked::Pending::kDeferred) {
      // Only deferred adds since the group's last other write of the key: the deferred family
      // gets the value, the user data keeps its older one until published.
      batch.Put(store_->deferred(), it->first, *t.value);
      t.in_deferred = true;
      if (!t.unpublished) {
        t.unpublished = true;
        if (unpublished_.empty()) unpublished_since_ = version;
        unpublished_.push_back(it);
      }
    } else if (t.pending == Tracked::Pending::kData) {
      if (t.value) {
        batch.Put(store_->data(), it->first, *t.value);
      } else {
        batch.Delete(store_->data(), it->first);
      }
      t.unpublished = false;
      if (t.in_deferred) {  // now older than the user data's value
        batch.Delete(store_->deferred(), it->first);
        t.in_deferred = false;
      }
    }
    t.pending = Tracked::Pending::kNone;
  }
  group_atomics_.clear();
  if (written->writers.empty()) return nullptr;
  bool forget = tracked_.size() > kMaxTracked;
  if (!unpublished_.empty() && (publish || forget || unpublished_.size() >= kMaxUnpublished ||
                                version - unpublished_since_ >= kMaxUnpublishedLag)) {
    for (TrackedMap::iterator it : unpublished_) {
      if (!it->second.unpublished) continue;  // written since by another kind of write
      it->second.unpublished = false;
      batch.Put(store_->data(), it->first, *it->second.value);
      written->published.push_back(it->first);
    }
    unpublished_.clear();
    published_version_.store(version, std::memory_order_relaxed);
  }
  all_published_.store(unpublished_.empty(), std::memory_order_release);
  if (forget) {
    // Bounded; refilled as needed. The deferred family must not keep a copy of a key nobody
    // tracks: a later write of the key would not replace it.
    for (auto& [key, t] : tracked_) {
      if (t.in_deferred) batch.Delete(store_->deferred(), key);
    }
    tracked_.clear();
  }
  last_version_ = version;
  batch.Put(store_->meta(), kVersionKey, BigEndian64(static_cast<uint64_t>(version)));
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
  // Pruning walks every boundary, so it waits for as many commits as there are boundaries:
  // amortized O(1) work per commit, holding between 5 and about 10 s of writes.
  if (commits_since_prune_ >= std::max<uint64_t>(kPruneEvery, resolver_.size())) {
    resolver_.Prune(version - kMaxReadVersionLag);
    last_prune_version_ = version;
    commits_since_prune_ = 0;
  }
  return written;
}

void LocalEngine::SyncGroups(Writer* self) {
  std::unique_lock<std::mutex> l(queue_mu_);
  for (int round = 1;; ++round) {
    std::vector<std::unique_ptr<WrittenGroup>> groups;
    for (auto& g : written_) groups.push_back(std::move(g));
    written_.clear();
    Status failed = failed_;
    l.unlock();
    size_t commits = SyncRound(self, groups, failed);
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
                              Status failed) {
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
  // Acknowledged as a binary tree (each writer wakes two more on its way out), so this thread
  // makes one wake-up and goes on to the next fsync.
  std::vector<Writer*> acks;
  acks.reserve(commits);
  for (const auto& g : groups) {
    for (Writer* w : g->writers) {
      if (w == self) continue;
      if (w->leading.load(std::memory_order_acquire)) {
        w->Set(Role::kDone);  // busy leading the write stage: must not hold others up
      } else {
        acks.push_back(w);
      }
    }
  }
  for (size_t i = 0; i < acks.size(); ++i) {
    for (size_t j = 0; j < 2 && 2 * i + 1 + j < acks.size(); ++j) {
      acks[i]->wake_next[j] = acks[2 * i + 1 + j];
    }
  }
  if (!acks.empty()) acks[0]->Set(Role::kDone);
  return commits;
}

void LocalEngine::ApplyMutations(const CommitRequest& request, Version version,
                                 rocksdb::WriteBatch& batch) {
  // A write other than an atomic operation: the tracked value follows it, and a copy in the
  // deferred family goes (the user data is now the newest).
  auto untrack = [&](TrackedMap::iterator it, std::optional<std::string> value) {
    Tracked& t = it->second;
    t.value = std::move(value);
    t.pending = Tracked::Pending::kNone;  // this write is in the batch already
    t.unpublished = false;
    if (t.in_deferred) {
      batch.Delete(store_->deferred(), it->first);
      t.in_deferred = false;
    }
  };
  auto track = [&](std::string_view key, std::optional<std::string> value) {
    if (tracked_.empty()) return;
    if (auto it = tracked_.find(key); it != tracked_.end()) untrack(it, std::move(value));
  };
  auto put = [&](std::string_view key, std::string_view value) {
    batch.Put(store_->data(), rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()));
    track(key, std::string(value));
  };
  auto del = [&](std::string_view key) {
    batch.Delete(store_->data(), rocksdb::Slice(key.data(), key.size()));
    track(key, std::nullopt);
  };
  for (const Mutation& m : request.mutations) {
    switch (m.type) {
      case MutationType::kSet:
        put(m.key, m.param);
        break;
      case MutationType::kClear:
        del(m.key);
        break;
      case MutationType::kClearRange:
        batch.DeleteRange(store_->data(), m.key, m.param);
        for (auto it = tracked_.lower_bound(m.key); it != tracked_.end() && it->first < m.param;
             ++it) {
          untrack(it, std::nullopt);
        }
        break;
      case MutationType::kSetVersionstampedKey: {
        std::string key = m.key;
        key.replace(m.stamp_offset, 10, Versionstamp(version, 0));
        put(key, m.param);
        break;
      }
      case MutationType::kSetVersionstampedValue: {
        std::string value = m.param;
        value.replace(m.stamp_offset, 10, Versionstamp(version, 0));
        put(m.key, value);
        break;
      }
      default: {
        // Tracked by WriteGroup before the group was applied.
        auto it = tracked_.find(m.key);
        Tracked& t = it->second;
        t.value = ApplyAtomicOp(m.type, t.value, m.param);
        // The user data gets the group's final value if any atomic operation since the
        // group's last other write of the key was not deferred (or the key is now absent);
        // else only the deferred family does.
        if (!m.deferred || m.type != MutationType::kAdd || !t.value) {
          t.pending = Tracked::Pending::kData;
        } else if (t.pending == Tracked::Pending::kNone) {
          t.pending = Tracked::Pending::kDeferred;
        }
        group_atomics_.push_back(it);  // written by WriteGroup
      }
    }
  }
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

Status LocalEngine::PublishDeferred() {
  // A deferred add acknowledged before this call was written by a group before it; that group
  // or a later one left it unpublished (all_published_ false) or published it, at a version
  // at most published_version_ (written before all_published_ was set).
  if (all_published_.load(std::memory_order_acquire) &&
      published_version_.load(std::memory_order_relaxed) <= CommittedVersion()) {
    return Status::OK();
  }
  return Engine::PublishDeferred();
}

Result<int64_t> LocalEngine::EstimateSize(std::string_view begin, std::string_view end) {
  if (begin >= end) return int64_t{0};
  rocksdb::Slice lower(begin.data(), begin.size());
  rocksdb::Slice upper(end.data(), end.size());
  rocksdb::Range range(lower, upper);
  // Table files: RocksDB's estimate from their indexes.
  rocksdb::SizeApproximationOptions o;
  o.include_memtables = false;
  o.include_files = true;
  uint64_t files = 0;
  rocksdb::Status s = store_->db->GetApproximateSizes(o, store_->data(), &range, 1, &files);
  if (!s.ok()) return FromRocks(s, "estimating stored bytes");
  // Memtables: RocksDB's own estimate is the range's entry count times the average entry of
  // the whole memtable, which for a range of small values next to large ones (a tenant beside
  // another) was 165 times its size. So the range's own live entries are read, memtables
  // only: all of them when at most kExact (a few milliseconds), else the first kExact, whose
  // average size stands for each of the range's memtable entries (RocksDB's count, an
  // estimate), scaled by the share of them that was live (overwritten and deleted versions
  // are counted by RocksDB but skipped by the read). The read skips at most kMaxSkipped
  // hidden entries (a cleared range still in the memtable), then extrapolates the same way.
  constexpr int kExact = 100'000;
  constexpr uint64_t kMaxSkipped = 200'000;
  rocksdb::ReadOptions ro;
  ro.read_tier = rocksdb::kMemtableTier;
  ro.iterate_upper_bound = &upper;
  ro.max_skippable_internal_keys = kMaxSkipped;
  rocksdb::PerfLevel level = rocksdb::GetPerfLevel();
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  std::unique_ptr<rocksdb::Iterator> it(store_->db->NewIterator(ro, store_->data()));
  uint64_t bytes = 0;
  uint64_t seen = 0;
  for (it->Seek(lower); it->Valid() && seen < kExact; it->Next(), ++seen) {
    bytes += it->key().size() + it->value().size();
  }
  const rocksdb::PerfContext& perf = *rocksdb::get_perf_context();
  uint64_t skipped = perf.internal_key_skipped_count + perf.internal_delete_skipped_count;
  rocksdb::SetPerfLevel(level);
  bool partial = it->Valid() || it->status().IsIncomplete();
  if (!partial && !it->status().ok()) return FromRocks(it->status(), "estimating stored bytes");
  if (partial && seen > 0) {
    uint64_t count = 0;
    uint64_t ignored = 0;
    store_->db->GetApproximateMemTableStats(store_->data(), range, &count, &ignored);
    double per_entry = static_cast<double>(bytes) / static_cast<double>(seen + skipped);
    bytes = std::max(bytes, static_cast<uint64_t>(per_entry * static_cast<double>(count)));
  }
  return static_cast<int64_t>(files + bytes);
}

}  // namespace tenantdb::kv
