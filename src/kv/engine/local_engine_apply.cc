// What a commit group writes: its mutations (ApplyMutations), the values of the keys atomic
// operations touch (tracked by the write leader, so a hot counter costs no store read), and
// deferred adds (Mutation::deferred) with their publication into the user data. Only the
// write leader runs this, except PublishDeferred (any thread) and the destructor.
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <functional>

#include "kv/engine/local_engine.h"
#include "kv/engine/local_engine_store.h"
#include "kv/engine/rocks_status.h"

namespace tenantdb::kv {

namespace {

// Keys whose newest value the write leader tracks for atomic operations, at most.
constexpr size_t kMaxTracked = 4096;
// Deferred results (Mutation::deferred) are published into the user data when this many keys
// hold unpublished ones, when the oldest is this many versions (microseconds) old, when a
// commit asks for it, and before the tracked keys are forgotten.
constexpr size_t kMaxUnpublished = 256;
constexpr Version kMaxUnpublishedLag = 2000;
// Unpublished values the version record carries, at most (keys and values): every group
// rewrites them, so only a few small ones (a tenant's usage is ~60 bytes).
constexpr size_t kMaxCarriedBytes = 256;

std::string Versionstamp(Version version, uint16_t order) {
  std::string out = BigEndian64(static_cast<uint64_t>(version));
  out.push_back(static_cast<char>(order >> 8));
  out.push_back(static_cast<char>(order & 0xFF));
  return out;
}

}  // namespace

Status LocalEngine::TrackAtomicKeys(const CommitRequest& request) {
  // Read from the store only when not tracked already.
  for (const Mutation& m : request.mutations) {
    if (!IsAtomicOp(m.type)) continue;
    auto it = tracked_.lower_bound(m.key);
    if (it == tracked_.end() || it->first != m.key) {
      std::string v;
      rocksdb::Status s = store_->db->Get(rocksdb::ReadOptions(), store_->data(), m.key, &v);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading a key for an atomic operation");
      it = tracked_.emplace_hint(
          it, m.key, Tracked{s.ok() ? std::optional<std::string>(std::move(v)) : std::nullopt});
    }
    group_tracked_.push_back(it);
  }
  return Status::OK();
}

void LocalEngine::PutVersionRecord(Version version, rocksdb::WriteBatch& batch) {
  size_t size = 8;
  for (TrackedMap::iterator it : carried_) size += CarriedSize(it->first, *it->second.value);
  version_record_.resize(size);
  char* out = version_record_.data();
  PutBigEndian64(out, static_cast<uint64_t>(version));
  out += 8;
  for (TrackedMap::iterator it : carried_) out = PutCarried(out, it->first, *it->second.value);
  batch.Put(store_->meta(), kVersionKey, version_record_);
}

void LocalEngine::DropDeferredCopy(TrackedMap::iterator it, rocksdb::WriteBatch& batch) {
  it->second.unpublished = false;
  if (it->second.carried) {
    // The version record of this group no longer carries it.
    it->second.carried = false;
    std::erase(carried_, it);
  }
  if (it->second.in_deferred) {
    batch.Delete(store_->deferred(), it->first);
    it->second.in_deferred = false;
  }
}

void LocalEngine::ApplyMutations(const CommitRequest& request, Version version,
                                 size_t tracked_first, rocksdb::WriteBatch& batch) {
  size_t next_tracked = tracked_first;
  // A write other than an atomic operation: the tracked value follows it, and a copy in the
  // deferred family goes (the user data is now the newest).
  auto untrack = [&](TrackedMap::iterator it, std::optional<std::string> value) {
    it->second.value = std::move(value);
    it->second.pending = Tracked::Pending::kNone;  // this write is in the batch already
    DropDeferredCopy(it, batch);
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
        key.replace(m.stamp_offset, kStampSize, Versionstamp(version, 0));
        put(key, m.param);
        break;
      }
      case MutationType::kSetVersionstampedValue: {
        std::string value = m.param;
        value.replace(m.stamp_offset, kStampSize, Versionstamp(version, 0));
        put(m.key, value);
        break;
      }
      default: {
        // Tracked by WriteGroup before the group was applied.
        auto it = group_tracked_[next_tracked++];
        Tracked& t = it->second;
        ApplyAtomicOpInPlace(m.type, t.value, m.param);
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

void LocalEngine::WriteTrackedValues(Version version, bool publish,
                                     std::vector<std::string>& published,
                                     rocksdb::WriteBatch& batch) {
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
      // Only deferred adds since the group's last other write of the key: the version record
      // or the deferred family gets the value, the user data keeps its older one until
      // published. A key stays where it went until published or replaced.
      if (!t.in_deferred) {
        // Carried while the record's values, this one's new value included, stay within the
        // bound (a value can grow: an add of a wider operand). A key of carried_ without a
        // value is being cleared by this group and leaves it below.
        size_t bytes = it->first.size() + t.value->size();
        for (TrackedMap::iterator c : carried_) {
          if (c != it && c->second.value) bytes += c->first.size() + c->second.value->size();
        }
        if (bytes <= kMaxCarriedBytes && !t.carried) {
          t.carried = true;
          carried_.push_back(it);
        } else if (bytes > kMaxCarriedBytes && t.carried) {
          t.carried = false;  // to the deferred family, in this batch, from this record
          std::erase(carried_, it);
        }
      }
      if (!t.carried) {
        batch.Put(store_->deferred(), it->first, *t.value);
        t.in_deferred = true;
      }
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
      DropDeferredCopy(it, batch);  // now older than the user data's value
    }
    t.pending = Tracked::Pending::kNone;
  }
  group_atomics_.clear();
  bool forget = tracked_.size() > kMaxTracked;
  if (!unpublished_.empty() && (publish || forget || unpublished_.size() >= kMaxUnpublished ||
                                version - unpublished_since_ >= kMaxUnpublishedLag)) {
    for (TrackedMap::iterator it : unpublished_) {
      if (!it->second.unpublished) continue;  // written since by another kind of write
      it->second.unpublished = false;
      it->second.carried = false;
      batch.Put(store_->data(), it->first, *it->second.value);
      published.push_back(it->first);
    }
    unpublished_.clear();
    carried_.clear();
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

void LocalEngine::PublishAtClose() {
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

}  // namespace tenantdb::kv
