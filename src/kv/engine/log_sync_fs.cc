#include "kv/engine/log_sync_fs.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <utility>

namespace tenantdb::kv {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

namespace {

bool IsLog(const std::string& name) { return name.ends_with(".log"); }

}  // namespace

// An open log file: remembers whether it was appended to since LogSyncFs last synced it.
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
  // RocksDB's own syncs of a log (e.g. of closed logs before a flush) go through the same
  // accounting as SyncLogs's: the kernel reports a writeback error to one fsync caller only.
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->CountSync([&] { return target()->Sync(options, dbg); });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return fs_->CountSync([&] { return target()->Fsync(options, dbg); });
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    return fs_->CountSync([&] { return target()->RangeSync(offset, nbytes, options, dbg); });
  }

  // True (and cleared) when appended to since the last call.
  bool TakeDirty() { return dirty_.exchange(false, std::memory_order_acq_rel); }
  IOStatus SyncData() {
    return fs_->CountSync([&] { return target()->Sync(IOOptions(), nullptr); });
  }

 private:
  IOStatus Appended(IOStatus s) {
    // Also after a failed append: part of it may have reached the file.
    dirty_.store(true, std::memory_order_release);
    return s;
  }

  LogSyncFs* fs_;
  std::atomic<bool> dirty_{false};
};

LogSyncFs::LogSyncFs(std::shared_ptr<rocksdb::FileSystem> base)
    : FileSystemWrapper(std::move(base)) {}

IOStatus LogSyncFs::CountSync(const std::function<IOStatus()>& sync) {
  {
    std::lock_guard<std::mutex> l(error_mu_);
    ++syncs_running_;
  }
  IOStatus s = sync();
  std::lock_guard<std::mutex> l(error_mu_);
  if (!s.ok() && sync_error_.ok()) sync_error_ = s;
  if (--syncs_running_ == 0) syncs_done_.notify_all();
  return s;
}

IOStatus LogSyncFs::SyncLogs() {
  IOStatus s = SyncOpenLogs();
  // A log sync failed anywhere (this call's, or RocksDB's own, even of a log closed since):
  // its error may have been the only report of pages lost, which a later successful fsync
  // does not rewrite. Syncs still running may be about to record one: wait for them.
  std::unique_lock<std::mutex> l(error_mu_);
  syncs_done_.wait(l, [&] { return syncs_running_ == 0; });
  if (!sync_error_.ok()) return sync_error_;
  return s;
}

IOStatus LogSyncFs::SyncOpenLogs() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [file, name] : files_) {
    if (!file->TakeDirty()) continue;
    IOStatus s = file->SyncData();
    if (!s.ok()) return s;
  }
  // A log file created since the last sync is durable only once its directory entry is.
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
  std::lock_guard<std::mutex> l(mu_);
  files_.emplace(file.get(), name);
  if (created) dirs_[std::filesystem::path(name).parent_path().string()] = true;
  *result = std::move(file);
  return s;
}

void LogSyncFs::Untrack(TrackedLogFile* file) {
  std::lock_guard<std::mutex> l(mu_);
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
