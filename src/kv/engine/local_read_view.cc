#include "kv/engine/local_read_view.h"

#include <fmt/format.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include <mutex>
#include <utility>
#include <vector>

#include "kv/engine/local_engine_store.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::kv {

namespace {

// A read view older than this (in versions) is advanced before a transaction starts on it.
constexpr Version kViewRefresh = 250'000;
// Read views kept for SetReadVersion into the recent past.
constexpr size_t kRecentViews = 16;

class LocalIterator final : public EngineIterator {
 public:
  LocalIterator(std::shared_ptr<LocalEngine::Store> store, const rocksdb::Snapshot* snapshot,
                std::string_view lower, std::string_view upper)
      : store_(std::move(store)), lower_(lower), upper_(upper) {
    lower_slice_ = rocksdb::Slice(lower_);
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    it_.reset(store_->db->NewIterator(ro, store_->data()));
  }
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  void SeekForPrev(std::string_view key) override {
    it_->SeekForPrev(rocksdb::Slice(key.data(), key.size()));
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override { return it_->value().ToStringView(); }
  Status status() const override { return FromRocks(it_->status(), "iterating the store"); }

 private:
  std::shared_ptr<LocalEngine::Store> store_;
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

std::shared_ptr<const LocalReadView> LocalReadView::Take(std::shared_ptr<LocalEngine::Store> store,
                                                         Version version) {
  SnapshotPtr snapshot(store->db->GetSnapshot(),
                       [store](const rocksdb::Snapshot* s) { store->db->ReleaseSnapshot(s); });
  return std::make_shared<LocalReadView>(std::move(store), std::move(snapshot), version);
}

Result<std::optional<std::string>> LocalReadView::Get(std::string_view key) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_.get();
  // Straight into the string returned: a value in the memtable is copied once, not into a
  // PinnableSlice's buffer first.
  std::optional<std::string> value(std::in_place);
  rocksdb::Status s =
      store_->db->Get(ro, store_->data(), rocksdb::Slice(key.data(), key.size()), &*value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading a key");
  return value;
}

std::unique_ptr<EngineIterator> LocalReadView::NewIterator(std::string_view lower,
                                                           std::string_view upper) const {
  return std::make_unique<LocalIterator>(store_, snapshot_.get(), lower, upper);
}

void LocalEngine::PublishView(std::shared_ptr<const ReadView> view) {
  std::lock_guard<std::mutex> l(view_mu_);
  view_ = view;
  view_seq_.fetch_add(1, std::memory_order_release);
  recent_.push_back(std::move(view));
  if (recent_.size() > kRecentViews) recent_.pop_front();
}

namespace {

// A small number for each live thread, reused after the thread exits, so per-thread slots
// stay few however many threads come and go.
class ThreadIndex {
 public:
  ThreadIndex() {
    std::lock_guard<std::mutex> l(Mu());
    if (!Free().empty()) {
      value_ = Free().back();
      Free().pop_back();
    } else {
      value_ = Next()++;
    }
  }
  ~ThreadIndex() {
    std::lock_guard<std::mutex> l(Mu());
    Free().push_back(value_);
  }
  size_t value() const { return value_; }

 private:
  static std::mutex& Mu() {
    static std::mutex mu;
    return mu;
  }
  static std::vector<size_t>& Free() {
    static std::vector<size_t> free;
    return free;
  }
  static size_t& Next() {
    static size_t next = 0;
    return next;
  }
  size_t value_;
};

size_t ThisThreadIndex() {
  thread_local ThreadIndex index;
  return index.value();
}

}  // namespace

std::shared_ptr<const ReadView> LocalEngine::NewestView() {
  // Starting a transaction must not bounce a shared cache line between cores (the view's
  // reference count, the view mutex) when nothing was committed. Each thread keeps its own
  // reference to the newest view with its own reference count, refreshed when view_seq_ says
  // a commit published a newer one.
  size_t index = ThisThreadIndex();
  uint64_t seq = view_seq_.load(std::memory_order_acquire);
  if (index < kViewSlots) {
    ViewSlot& slot = view_slots_[index];
    if (slot.view != nullptr && slot.seq == seq) return slot.view;
  }
  std::shared_ptr<const ReadView> view;
  {
    std::lock_guard<std::mutex> l(view_mu_);
    view = view_;
    seq = view_seq_.load(std::memory_order_relaxed);
  }
  if (index >= kViewSlots) return view;
  auto holder = std::make_shared<std::shared_ptr<const ReadView>>(view);
  ViewSlot& slot = view_slots_[index];
  slot.view = std::shared_ptr<const ReadView>(holder, view.get());
  slot.seq = seq;
  return slot.view;
}

Result<std::shared_ptr<const ReadView>> LocalEngine::BeginRead() {
  std::shared_ptr<const ReadView> view = NewestView();
  if (clock_->NowMicros() - view->version() < kViewRefresh) return view;
  // Nothing committed for a while: advance the version with an empty commit so the read
  // version is current and the transaction gets its full 5 seconds.
  CommitRequest advance;
  advance.read_version = view->version();
  Result<CommitResult> r = Commit(std::move(advance));
  if (!r.ok()) return r.status();
  std::lock_guard<std::mutex> l(view_mu_);
  return view_;
}

Result<std::shared_ptr<const ReadView>> LocalEngine::ReadAt(Version version) {
  std::lock_guard<std::mutex> l(view_mu_);
  if (version > view_->version()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("read version {} is newer than the newest committed version {}",
                             version, view_->version()));
  }
  // The newest recent view at or before `version` holds the state at `version`.
  for (auto it = recent_.rbegin(); it != recent_.rend(); ++it) {
    if ((*it)->version() <= version) {
      return static_cast<const LocalReadView&>(**it).At(version);
    }
  }
  return Error(ErrorCode::kTransactionTooOld,
               fmt::format("read version {} is no longer readable (oldest kept {})", version,
                           recent_.front()->version()));
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
