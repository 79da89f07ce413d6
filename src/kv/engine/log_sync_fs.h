// A rocksdb::FileSystem wrapper that lets the local engine fsync the write-ahead log itself,
// while RocksDB appends the next commit group to it.
//
// Why not DB::SyncWAL: RocksDB 7.8 (Debian's build keeps its assertions) aborts the process
// when SyncWAL runs after an append to the log failed, and with the sync pipelined behind the
// next group's append an append can fail while a sync is already under way. Here the engine
// syncs the log files directly (FSWritableFile::Sync, thread-safe for the POSIX file system:
// an fdatasync of the file), so an I/O error is only ever an error.
//
// It tracks every open log file (*.log) and whether it was appended to since its last sync;
// SyncLogs syncs each such file and, when a log file was created since the last call, the
// directory holding it. Thread-safe.
//
// Zero-filled log space (`zero_fill_logs`, for files of the local POSIX file system only): a
// background thread keeps about 1 MiB of zeros written ahead of each open log's end, so that
// an append overwrites blocks the file already has and the fdatasync after it writes only
// data: an append that grows the file also makes fdatasync write the inode (its size), a
// second synchronous I/O (PostgreSQL zero-fills its WAL segments for the same reason). The
// zeros are invisible to RocksDB: a log reader skips zero-filled blocks (the record type
// reserved for preallocated files), a crash leaves at most the zeros behind the last record,
// and closing a log cuts the file back to what was appended.
#pragma once

#include <rocksdb/file_system.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tenantdb::kv {

struct LogFill;

class LogSyncFs final : public rocksdb::FileSystemWrapper {
 public:
  // Zero-filled space ahead of each log's end (see above) and how it is kept.
  static constexpr uint64_t kFillRunway = 1 << 20;  // zeros kept ahead of the end, at most
  static constexpr uint64_t kFillBelow = 1 << 19;   // refilled when fewer are left
  static constexpr uint64_t kFillPiece = 1 << 16;   // written and flushed at a time

  explicit LogSyncFs(std::shared_ptr<rocksdb::FileSystem> base, bool zero_fill_logs = false);
  ~LogSyncFs() override;

  const char* Name() const override { return "TenantdbLogSyncFs"; }

  // Makes every append to a log file made before this call durable. After any log sync
  // failed (this one's, an earlier one's, or one RocksDB made itself), returns that error,
  // always: a later successful fsync does not bring back pages the kernel dropped.
  rocksdb::IOStatus SyncLogs();

  // For tests: waits until no top-up of zeros is queued or running (one that is running keeps
  // topping up while appends use its zeros, so a test measuring the file waits for this).
  void WaitForFillsForTesting();

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

 private:
  friend class TrackedLogFile;

  rocksdb::IOStatus Track(const std::string& name, rocksdb::IOStatus s, bool created,
                          std::unique_ptr<rocksdb::FSWritableFile>* result);
  void Untrack(class TrackedLogFile* file);
  // Runs a sync of a log file, remembering its error (sticky) for every later SyncLogs.
  rocksdb::IOStatus CountSync(const std::function<rocksdb::IOStatus()>& sync);
  rocksdb::IOStatus SyncOpenLogs();
  // Asks the fill thread to top up `fill`'s zeros.
  void RequestFill(std::shared_ptr<LogFill> fill);
  void FillLoop();

  std::mutex error_mu_;
  std::condition_variable syncs_done_;  // syncs_running_ dropped to 0
  int syncs_running_ = 0;               // GUARDED_BY(error_mu_)
  rocksdb::IOStatus sync_error_;        // GUARDED_BY(error_mu_): the first failed log sync's

  // Held while syncing, so a log file cannot be closed under a sync.
  std::mutex mu_;
  std::map<TrackedLogFile*, std::string> files_;  // GUARDED_BY(mu_): open log files
  std::map<std::string, bool> dirs_;              // GUARDED_BY(mu_): directory -> needs fsync

  const bool zero_fill_;
  std::mutex fill_mu_;
  std::condition_variable fill_cv_;
  std::vector<std::shared_ptr<LogFill>> fill_queue_;  // GUARDED_BY(fill_mu_)
  bool stop_fill_ = false;                            // GUARDED_BY(fill_mu_)
  bool filling_ = false;                              // GUARDED_BY(fill_mu_): FillLoop at work
  std::condition_variable fills_done_;                // queue empty and filling_ false
  std::thread filler_;                                // runs FillLoop when zero_fill_
};

}  // namespace tenantdb::kv
