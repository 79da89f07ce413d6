// A rocksdb::FileSystem for tests that fails the way a disk fails: it injects I/O errors and
// "no space left" into writes and syncs, models power loss by dropping every byte that was
// not synced, and can hold appends and syncs of the write-ahead log so a test controls when a
// commit group is written and when its fsync completes. Wraps another FileSystem (the operating
// system's by default); pass it as LocalEngineOptions::file_system.
//
// Model of power loss: each file written through this FileSystem has a size and a synced size
// (its size at its last successful Sync/Fsync). SetActive(false) makes every later write,
// sync, create, rename and delete fail, as if the machine had stopped; DropUnsyncedData then
// cuts every file back to its synced size. Directory fsyncs are not modelled: a created or
// renamed file counts as present once its own data is synced (RocksDB syncs the directory
// right after such a sync anyway). RangeSync does not count as a sync.
//
// Thread-safe.
#pragma once

#include <rocksdb/file_system.h>
#include <rocksdb/io_status.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace tenantdb::kv {

class FaultInjectionFs final : public rocksdb::FileSystemWrapper {
 public:
  // An error to inject into the writes and syncs of files.
  struct Fault {
    rocksdb::IOStatus error;  // e.g. IOStatus::IOError("..."), IOStatus::NoSpace("...")
    bool on_append = true;    // fail appends
    bool on_sync = true;      // fail syncs
    bool wal_only = true;     // only the write-ahead log (*.log); else every file
    bool torn = false;        // a failing append first writes the first half of its data
    int skip = 0;             // let this many matching operations succeed first
  };

  explicit FaultInjectionFs(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());

  const char* Name() const override { return "TenantdbFaultInjectionFs"; }

  // Every matching write or sync from now on fails with fault.error, until ClearFault.
  void InjectFault(const Fault& fault);
  void ClearFault();
  // Operations that failed because of an injected fault.
  int InjectedFailures() const;

  // Simulated power loss. While inactive every write, sync, create, rename and delete fails
  // with an I/O error. Default: active.
  void SetActive(bool active);
  // Cuts every file written through this FileSystem back to its last synced size.
  // REQUIRES: no file is open for writing (the store is closed).
  rocksdb::IOStatus DropUnsyncedData();
  // The other way a power loss can leave a log (*.log): its size stays, and each 4 KiB page
  // (or part of one) written since its last sync either reached the disk or reads as zeros,
  // in any combination (`rng` picks) — how a log in zero-filled space comes back (LogSyncFs),
  // and a file whose new size reached the disk before its data. Other files are cut back as
  // by DropUnsyncedData. REQUIRES: as DropUnsyncedData.
  rocksdb::IOStatus ZeroUnsyncedLogPages(std::mt19937_64& rng);

  // While held, a sync of the write-ahead log waits (before syncing) until released.
  void HoldWalSyncs(bool hold);
  // Syncs waiting at the hold now.
  int WaitingWalSyncs() const;
  // Successful syncs of the write-ahead log so far.
  uint64_t WalSyncs() const;
  // While held, an append to the write-ahead log waits until released (after it was checked
  // against the injected fault, before writing).
  void HoldWalAppends(bool hold);
  // Appends waiting at the hold now.
  int WaitingWalAppends() const;

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
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& name, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

 private:
  friend class FaultWritableFile;
  enum class Op { kAppend, kSync };
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
  };

  // The error `op` on `name` must fail with, or OK. Sets *torn when a failing append should
  // first write half its data.
  rocksdb::IOStatus Check(const std::string& name, Op op, bool* torn);
  rocksdb::IOStatus Inactive() const;
  rocksdb::IOStatus TruncateTarget(const std::string& name, uint64_t size);
  // Waits while `hold` (a hold_*_ member) is set, counting itself in `waiting`; WAL only.
  void WaitAtHold(const std::string& name, const bool& hold, int& waiting);
  void Appended(const std::string& name, uint64_t end);
  void Synced(const std::string& name, uint64_t size);
  void Truncated(const std::string& name, uint64_t size);
  rocksdb::IOStatus Wrap(const std::string& name, rocksdb::IOStatus s,
                         std::unique_ptr<rocksdb::FSWritableFile>* result, uint64_t size);

  mutable std::mutex mu_;
  std::condition_variable hold_cv_;
  std::atomic<bool> active_{true};
  bool has_fault_ = false;                  // GUARDED_BY(mu_)
  Fault fault_;                             // GUARDED_BY(mu_)
  int injected_ = 0;                        // GUARDED_BY(mu_)
  bool hold_syncs_ = false;                 // GUARDED_BY(mu_)
  int waiting_syncs_ = 0;                   // GUARDED_BY(mu_)
  bool hold_appends_ = false;               // GUARDED_BY(mu_)
  int waiting_appends_ = 0;                 // GUARDED_BY(mu_)
  uint64_t wal_syncs_ = 0;                  // GUARDED_BY(mu_)
  std::map<std::string, FileState> files_;  // GUARDED_BY(mu_)
};

}  // namespace tenantdb::kv
