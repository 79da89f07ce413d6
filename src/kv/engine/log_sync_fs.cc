#include "kv/engine/log_sync_fs.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <utility>

namespace tenantdb::kv {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

namespace {

bool IsLog(const std::string& name) { return name.ends_with(".log"); }

}  // namespace

// An open log file: counts its appends and which of them a finished sync covers.
class TrackedLogFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedLogFile(LogSyncFs* fs, std::unique_ptr<rocksdb::FSWritableFile> target)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs) {}
  ~TrackedLogFile() override { fs_->Untrack(this); }

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return Appended(target()->Append(data, options, dbg));
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    return Appended(target()->Append(data, options, info, dbg));
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    return Appended(target()->PositionedAppend(data, offset, options, dbg));
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    return Appended(target()->PositionedAppend(data, offset, options, info, dbg));
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    fs_->Untrack(this);  // waits for a sync in progress
    return target()->Close(options, dbg);
  }

  // Makes every append made before this call durable. Returns once a sync that started after
  // them has finished (this call's own, or one already running that covers them) and every
  // sync of this file started before has finished too, with the first error any sync of this
  // file met: after a failed fdatasync the kernel may have dropped pages that a later,
  // successful one does not write again, so no later success may hide it.
  IOStatus SyncAppended() {
    const uint64_t wanted = appended_.load(std::memory_order_acquire);
    std::unique_lock<std::mutex> l(mu_);
    if (error_.ok() && synced_ < wanted && covering_ < wanted) {
      const uint64_t covers = appended_.load(std::memory_order_acquire);
      covering_ = covers;
      const uint64_t id = ++started_;
      running_.insert(id);
      l.unlock();
      IOStatus s = target()->Sync(IOOptions(), nullptr);
      l.lock();
      running_.erase(id);
      if (s.ok()) {
        synced_ = std::max(synced_, covers);
      } else if (error_.ok()) {
        error_ = s;
      }
      cv_.notify_all();
    }
    const uint64_t seen = started_;
    cv_.wait(l, [&] { return running_.empty() || *running_.begin() > seen; });
    return error_;
  }

 private:
  IOStatus Appended(IOStatus s) {
    // Also after a failed append: part of it may have reached the file.
    appended_.fetch_add(1, std::memory_order_acq_rel);
    return s;
  }

  LogSyncFs* fs_;
  std::atomic<uint64_t> appended_{0};  // appends so far: each sync covers a prefix of them
  std::mutex mu_;
  std::condition_variable cv_;  // a sync finished
  uint64_t synced_ = 0;         // GUARDED_BY(mu_): appends covered by a finished sync
  uint64_t covering_ = 0;       // GUARDED_BY(mu_): appends covered by a started sync
  uint64_t started_ = 0;        // GUARDED_BY(mu_): syncs started (their ids)
  std::set<uint64_t> running_;  // GUARDED_BY(mu_): ids of the syncs running
  IOStatus error_;              // GUARDED_BY(mu_): sticky, the first failed sync's error
};

LogSyncFs::LogSyncFs(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

IOStatus LogSyncFs::SyncLogs() {
  std::shared_lock<std::shared_mutex> l(mu_);
  for (auto& [file, name] : files_) {
    IOStatus s = file->SyncAppended();
    if (!s.ok()) return s;
  }
  // A log file created since the last sync is durable only once its directory entry is.
  std::lock_guard<std::mutex> dirs_lock(dirs_mu_);
  for (auto& [dir, needs_sync] : dirs_) {
    if (!needs_sync) continue;
    std::unique_ptr<rocksdb::FSDirectory> d;
    IOStatus s = target()->NewDirectory(dir, IOOptions(), &d, nullptr);
    if (s.ok()) s = d->Fsync(IOOptions(), nullptr);
    if (d != nullptr) d->Close(IOOptions(), nullptr).PermitUncheckedError();
    if (!s.ok()) return s;
    needs_sync = false;
  }
  return IOStatus::OK();
}

IOStatus LogSyncFs::Track(const std::string& name, IOStatus s, bool created,
                          std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (!s.ok() || !IsLog(name)) return s;
  auto file = std::make_unique<TrackedLogFile>(this, std::move(*result));
  if (created) {
    std::lock_guard<std::mutex> d(dirs_mu_);
    dirs_[std::filesystem::path(name).parent_path().string()] = true;
  }
  std::unique_lock<std::shared_mutex> l(mu_);
  files_.emplace(file.get(), name);
  *result = std::move(file);
  return s;
}

void LogSyncFs::Untrack(TrackedLogFile* file) {
  std::unique_lock<std::shared_mutex> l(mu_);
  files_.erase(file);
}

IOStatus LogSyncFs::NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    IODebugContext* dbg) {
  return Track(name, target()->NewWritableFile(name, options, result, dbg), true, result);
}

IOStatus LogSyncFs::ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       IODebugContext* dbg) {
  return Track(name, target()->ReopenWritableFile(name, options, result, dbg), false, result);
}

IOStatus LogSyncFs::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      IODebugContext* dbg) {
  return Track(name, target()->ReuseWritableFile(name, old_name, options, result, dbg), true,
               result);
}

}  // namespace tenantdb::kv
