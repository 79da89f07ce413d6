#include "kv/engine/fault_injection_fs.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <utility>

namespace tenantdb::kv {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

namespace {

// A hold never outlasts this, so a test that forgets to release it fails instead of hanging.
constexpr auto kMaxHold = std::chrono::seconds(60);

bool IsWal(const std::string& name) { return name.ends_with(".log"); }

}  // namespace

// A file being written: reports appends and syncs to the FileSystem and fails them on its say.
class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(FaultInjectionFs* fs, std::string name,
                    std::unique_ptr<rocksdb::FSWritableFile> target, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(target)),
        fs_(fs),
        name_(std::move(name)),
        size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return DoAppend(data, [&](const Slice& d) { return target()->Append(d, options, dbg); });
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    return DoAppend(data, [&](const Slice& d) {
      // A torn append writes part of the data, which the checksum of the whole cannot verify.
      if (d.size() != data.size()) return target()->Append(d, options, dbg);
      return target()->Append(d, options, info, dbg);
    });
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    size_ = offset;
    return DoAppend(
        data, [&](const Slice& d) { return target()->PositionedAppend(d, offset, options, dbg); });
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    size_ = offset;
    return DoAppend(data, [&](const Slice& d) {
      if (d.size() != data.size()) return target()->PositionedAppend(d, offset, options, dbg);
      return target()->PositionedAppend(d, offset, options, info, dbg);
    });
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Inactive(); !s.ok()) return s;
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) {
      size_ = size;
      fs_->Truncated(name_, size);
    }
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return DoSync([&] { return target()->Sync(options, dbg); });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return DoSync([&] { return target()->Fsync(options, dbg); });
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (IOStatus s = fs_->Inactive(); !s.ok()) return s;
    return target()->RangeSync(offset, nbytes, options, dbg);
  }

 private:
  IOStatus DoAppend(const Slice& data, const std::function<IOStatus(const Slice&)>& append) {
    bool torn = false;
    IOStatus injected = fs_->Check(name_, FaultInjectionFs::Op::kAppend, &torn);
    if (!injected.ok()) {
      if (torn && data.size() > 1) {
        Slice half(data.data(), data.size() / 2);
        if (append(half).ok()) {
          size_ += half.size();
          fs_->Appended(name_, size_);
        }
      }
      return injected;
    }
    fs_->WaitAtHold(name_, fs_->hold_appends_, fs_->waiting_appends_);
    IOStatus s = append(data);
    if (s.ok()) {
      size_ += data.size();
      fs_->Appended(name_, size_);
    }
    return s;
  }

  IOStatus DoSync(const std::function<IOStatus()>& sync) {
    fs_->WaitAtHold(name_, fs_->hold_syncs_, fs_->waiting_syncs_);
    IOStatus injected = fs_->Check(name_, FaultInjectionFs::Op::kSync, nullptr);
    if (!injected.ok()) return injected;
    uint64_t size = size_;  // what this sync covers
    IOStatus s = sync();
    if (s.ok()) fs_->Synced(name_, size);
    return s;
  }

  FaultInjectionFs* fs_;
  std::string name_;
  // Atomic: RocksDB syncs the log (SyncWAL) while the next commit group appends to it.
  std::atomic<uint64_t> size_;
};

FaultInjectionFs::FaultInjectionFs(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

void FaultInjectionFs::InjectFault(const Fault& fault) {
  std::lock_guard<std::mutex> l(mu_);
  fault_ = fault;
  has_fault_ = true;
}

void FaultInjectionFs::ClearFault() {
  std::lock_guard<std::mutex> l(mu_);
  has_fault_ = false;
}

int FaultInjectionFs::InjectedFailures() const {
  std::lock_guard<std::mutex> l(mu_);
  return injected_;
}

void FaultInjectionFs::SetActive(bool active) { active_.store(active); }

IOStatus FaultInjectionFs::DropUnsyncedData() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [name, state] : files_) {
    if (state.size <= state.synced) continue;
    IOStatus s = TruncateTarget(name, state.synced);
    if (!s.ok() && !s.IsNotFound() && !s.IsPathNotFound()) return s;
    state.size = state.synced;
  }
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::ZeroUnsyncedLogPages(std::mt19937_64& rng) {
  constexpr uint64_t kPage = 4096;
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [name, state] : files_) {
    if (state.size <= state.synced) continue;
    if (!name.ends_with(".log")) {
      IOStatus s = TruncateTarget(name, state.synced);
      if (!s.ok() && !s.IsNotFound() && !s.IsPathNotFound()) return s;
      state.size = state.synced;
      continue;
    }
    std::fstream file(name, std::ios::binary | std::ios::in | std::ios::out);
    if (!file) return IOStatus::IOError("cannot open " + name + " to zero its unsynced pages");
    for (uint64_t at = state.synced; at < state.size;) {
      uint64_t end = std::min(state.size, (at / kPage + 1) * kPage);
      if (std::bernoulli_distribution(0.5)(rng)) {
        std::string zeros(end - at, '\0');
        file.seekp(static_cast<std::streamoff>(at));
        file.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
      }
      at = end;
    }
    if (!file.flush()) return IOStatus::IOError("cannot zero the unsynced pages of " + name);
    state.synced = state.size;
  }
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::TruncateTarget(const std::string& name, uint64_t size) {
  IOStatus s = target()->Truncate(name, size, IOOptions(), nullptr);
  if (!s.IsNotSupported()) return s;
  // The POSIX FileSystem truncates only through an open file.
  std::unique_ptr<rocksdb::FSWritableFile> file;
  s = target()->ReopenWritableFile(name, rocksdb::FileOptions(), &file, nullptr);
  if (s.ok()) s = file->Truncate(size, IOOptions(), nullptr);
  if (file != nullptr) {
    IOStatus closed = file->Close(IOOptions(), nullptr);
    if (s.ok()) s = closed;
  }
  return s;
}

void FaultInjectionFs::HoldWalSyncs(bool hold) {
  std::lock_guard<std::mutex> l(mu_);
  hold_syncs_ = hold;
  if (!hold) hold_cv_.notify_all();
}

int FaultInjectionFs::WaitingWalSyncs() const {
  std::lock_guard<std::mutex> l(mu_);
  return waiting_syncs_;
}

uint64_t FaultInjectionFs::WalSyncs() const {
  std::lock_guard<std::mutex> l(mu_);
  return wal_syncs_;
}

IOStatus FaultInjectionFs::Check(const std::string& name, Op op, bool* torn) {
  if (!active_.load()) return Inactive();
  std::lock_guard<std::mutex> l(mu_);
  if (!has_fault_ || (fault_.wal_only && !IsWal(name))) return IOStatus::OK();
  if ((op == Op::kAppend && !fault_.on_append) || (op == Op::kSync && !fault_.on_sync)) {
    return IOStatus::OK();
  }
  if (fault_.skip > 0) {
    --fault_.skip;
    return IOStatus::OK();
  }
  ++injected_;
  if (torn != nullptr) *torn = fault_.torn && op == Op::kAppend;
  return fault_.error;
}

IOStatus FaultInjectionFs::Inactive() const {
  if (active_.load()) return IOStatus::OK();
  return IOStatus::IOError("simulated power loss: the filesystem is inactive");
}

void FaultInjectionFs::WaitAtHold(const std::string& name, const bool& hold, int& waiting) {
  if (!IsWal(name)) return;
  std::unique_lock<std::mutex> l(mu_);
  if (!hold) return;
  ++waiting;
  hold_cv_.wait_for(l, kMaxHold, [&] { return !hold; });
  --waiting;
}

void FaultInjectionFs::HoldWalAppends(bool hold) {
  std::lock_guard<std::mutex> l(mu_);
  hold_appends_ = hold;
  if (!hold) hold_cv_.notify_all();
}

int FaultInjectionFs::WaitingWalAppends() const {
  std::lock_guard<std::mutex> l(mu_);
  return waiting_appends_;
}

void FaultInjectionFs::Appended(const std::string& name, uint64_t end) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[name];
  f.size = std::max(f.size, end);
}

void FaultInjectionFs::Synced(const std::string& name, uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[name];
  f.synced = std::max(f.synced, std::min(size, f.size));
  if (IsWal(name)) ++wal_syncs_;
}

void FaultInjectionFs::Truncated(const std::string& name, uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[name];
  f.size = size;
  f.synced = std::min(f.synced, size);
}

IOStatus FaultInjectionFs::Wrap(const std::string& name, IOStatus s,
                                std::unique_ptr<rocksdb::FSWritableFile>* result, uint64_t size) {
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> l(mu_);
    FileState& f = files_[name];
    f.size = size;
    f.synced = std::min(f.synced, size);
    if (size == 0) f.synced = 0;
  }
  *result = std::make_unique<FaultWritableFile>(this, name, std::move(*result), size);
  return s;
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& name,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  return Wrap(name, target()->NewWritableFile(name, options, result, dbg), result, 0);
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& name,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                                              IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  uint64_t size = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (auto it = files_.find(name); it != files_.end()) {
      size = it->second.size;
    } else {
      // Written before this FileSystem saw it: all of it counts as synced.
      IOStatus s = target()->GetFileSize(name, IOOptions(), &size, dbg);
      if (!s.ok()) size = 0;
      files_[name] = FileState{size, size};
    }
  }
  return Wrap(name, target()->ReopenWritableFile(name, options, result, dbg), result, size);
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                             const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                                             IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  IOStatus s = target()->ReuseWritableFile(name, old_name, options, result, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    files_.erase(old_name);
  }
  return Wrap(name, std::move(s), result, 0);
}

IOStatus FaultInjectionFs::RenameFile(const std::string& from, const std::string& to,
                                      const IOOptions& options, IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    if (auto it = files_.find(from); it != files_.end()) {
      files_[to] = it->second;
      files_.erase(it);
    } else {
      files_.erase(to);
    }
  }
  return s;
}

IOStatus FaultInjectionFs::LinkFile(const std::string& from, const std::string& to,
                                    const IOOptions& options, IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    if (auto it = files_.find(from); it != files_.end()) files_[to] = it->second;
  }
  return s;
}

IOStatus FaultInjectionFs::DeleteFile(const std::string& name, const IOOptions& options,
                                      IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  IOStatus s = target()->DeleteFile(name, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    files_.erase(name);
  }
  return s;
}

IOStatus FaultInjectionFs::Truncate(const std::string& name, size_t size, const IOOptions& options,
                                    IODebugContext* dbg) {
  if (IOStatus s = Inactive(); !s.ok()) return s;
  IOStatus s = target()->Truncate(name, size, options, dbg);
  if (s.ok()) Truncated(name, size);
  return s;
}

}  // namespace tenantdb::kv
