#include "kv/engine/log_sync_fs.h"

#include <fcntl.h>
#include <unistd.h>

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

// The zero-filled space ahead of an open log's end (LogSyncFs, "Zero-filled log space"),
// shared by the log file and the fill thread. Zeros are only ever written at or after `end`
// with `mu` held, and appends update `end` with `mu` held, so a zero never lands on data.
struct LogFill {
  explicit LogFill(int descriptor) : fd(descriptor) {}
  ~LogFill() { ::close(fd); }
  LogFill(const LogFill&) = delete;
  LogFill& operator=(const LogFill&) = delete;

  // After an append of `n` bytes: true when the zeros ahead of `end` ran low and no top-up
  // was asked for yet.
  bool Advance(uint64_t n) {  // REQUIRES(mu)
    end += n;
    if (filled < end) filled = end;
    if (!on || requested || filled - end >= LogSyncFs::kFillBelow) return false;
    requested = true;
    return true;
  }
  // After an append that failed, or one at an offset: where the log's data ends is no longer
  // known, so no zeros are written and none are cut off.
  void LoseEnd() {  // REQUIRES(mu)
    on = false;
    end_known = false;
  }
  // Writes zeros until kFillRunway lie ahead of `end`, a piece at a time, each pushed to the
  // disk before the next so that a concurrent fdatasync of the log finds few dirty zeros.
  void TopUp() {
    static const std::string zeros(LogSyncFs::kFillPiece, '\0');
    {
      std::lock_guard<std::mutex> l(mu);
      requested = false;
    }
    bool grew = false;
    while (true) {
      uint64_t at;
      {
        std::lock_guard<std::mutex> l(mu);
        if (!on || filled - end >= LogSyncFs::kFillRunway) break;
        at = filled;
        ssize_t n = ::pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(at));
        if (n > 0) {
          filled = at + static_cast<uint64_t>(n);
          grew = true;
        }
        if (n != static_cast<ssize_t>(zeros.size())) {
          on = false;  // e.g. no space left: the log's own appends report it if it matters
          break;
        }
      }
      // Outside the lock: appends may already be overwriting these zeros, which is fine.
      ::sync_file_range(
          fd, static_cast<off_t>(at), static_cast<off_t>(zeros.size()),
          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    }
    // The new size once, here, rather than by the next fsync of the log. An error is the
    // log's to report: every descriptor of the file sees a writeback error once.
    if (grew) ::fdatasync(fd);
  }
  // Stops filling for good; `cut` (the log is closing) also cuts the file back to what was
  // appended, when that is known.
  void Stop(bool cut) {
    std::lock_guard<std::mutex> l(mu);
    on = false;
    if (cut && end_known && filled > end) {
      if (::ftruncate(fd, static_cast<off_t>(end)) == 0) filled = end;
    }
  }

  const int fd;  // a descriptor of our own for the zeros, closed with the last reference
  std::mutex mu;
  uint64_t end = 0;        // GUARDED_BY(mu): bytes appended to the log
  uint64_t filled = 0;     // GUARDED_BY(mu): the file's size: `end`, then zeros
  bool on = true;          // GUARDED_BY(mu): topping up
  bool end_known = true;   // GUARDED_BY(mu)
  bool requested = false;  // GUARDED_BY(mu): a TopUp is queued
};

// An open log file: remembers whether it was appended to since LogSyncFs last synced it.
class TrackedLogFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedLogFile(LogSyncFs* fs, std::unique_ptr<rocksdb::FSWritableFile> target,
                 std::shared_ptr<LogFill> fill)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), fill_(std::move(fill)) {}
  ~TrackedLogFile() override {
    if (fill_ != nullptr) fill_->Stop(/*cut=*/true);
    fs_->Untrack(this);
  }

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    return AppendFilled(data.size(), [&] { return target()->Append(data, options, dbg); });
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    return AppendFilled(data.size(), [&] { return target()->Append(data, options, info, dbg); });
  }
  // Direct I/O only (not used for logs): no zero filling beside it.
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    LoseEnd();
    return Appended(target()->PositionedAppend(data, offset, options, dbg));
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    LoseEnd();
    return Appended(target()->PositionedAppend(data, offset, options, info, dbg));
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    if (fill_ != nullptr) fill_->Stop(/*cut=*/true);
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
  void LoseEnd() {
    if (fill_ == nullptr) return;
    std::lock_guard<std::mutex> l(fill_->mu);
    fill_->LoseEnd();
  }
  // Appends with the fill's lock held, so no zeros are written where the data goes. (A
  // template, not std::function: this runs for every commit group.)
  template <typename AppendFn>
  IOStatus AppendFilled(size_t n, AppendFn&& append) {
    if (fill_ == nullptr) return Appended(append());
    bool refill = false;
    IOStatus s;
    {
      std::lock_guard<std::mutex> l(fill_->mu);
      s = append();
      if (s.ok()) {
        refill = fill_->Advance(n);
      } else {
        fill_->LoseEnd();  // part of it may have reached the file
      }
    }
    if (refill) fs_->RequestFill(fill_);
    return Appended(s);
  }

  LogSyncFs* fs_;
  std::shared_ptr<LogFill> fill_;  // null: no zero filling
  std::atomic<bool> dirty_{false};
};

LogSyncFs::LogSyncFs(std::shared_ptr<rocksdb::FileSystem> base, bool zero_fill_logs)
    : FileSystemWrapper(std::move(base)), zero_fill_(zero_fill_logs) {
  if (zero_fill_) filler_ = std::thread([this] { FillLoop(); });
}

LogSyncFs::~LogSyncFs() {
  if (!filler_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(fill_mu_);
    stop_fill_ = true;
  }
  fill_cv_.notify_one();
  filler_.join();
}

void LogSyncFs::RequestFill(std::shared_ptr<LogFill> fill) {
  {
    std::lock_guard<std::mutex> l(fill_mu_);
    fill_queue_.push_back(std::move(fill));
  }
  fill_cv_.notify_one();
}

void LogSyncFs::FillLoop() {
  std::unique_lock<std::mutex> l(fill_mu_);
  while (true) {
    fill_cv_.wait(l, [&] { return stop_fill_ || !fill_queue_.empty(); });
    if (stop_fill_) return;
    std::vector<std::shared_ptr<LogFill>> work;
    work.swap(fill_queue_);
    filling_ = true;
    l.unlock();
    for (const std::shared_ptr<LogFill>& fill : work) fill->TopUp();
    work.clear();  // the last reference to a closed log's fill closes its descriptor
    l.lock();
    filling_ = false;
    if (fill_queue_.empty()) fills_done_.notify_all();
  }
}

void LogSyncFs::WaitForFillsForTesting() {
  std::unique_lock<std::mutex> l(fill_mu_);
  fills_done_.wait(l, [&] { return stop_fill_ || (!filling_ && fill_queue_.empty()); });
}

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
  std::shared_ptr<LogFill> fill;
  if (zero_fill_ && created) {
    int fd = ::open(name.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) fill = std::make_shared<LogFill>(fd);  // else: the log works, unfilled
  }
  auto file = std::make_unique<TrackedLogFile>(this, std::move(*result), fill);
  if (fill != nullptr) RequestFill(fill);
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
