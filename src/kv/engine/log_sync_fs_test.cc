// LogSyncFs: SyncLogs makes every append to an open log file durable (positioned appends are
// direct I/O only, which the POSIX file system asserts, so they are not exercised here), syncs only
// the logs appended to since their last sync, and leaves other files alone. A FaultInjectionFs
// underneath counts the syncs and models power loss.
#include "kv/engine/log_sync_fs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "kv/engine/fault_injection_fs.h"
#include "testing/testing.h"

namespace tenantdb::kv {
namespace {

using rocksdb::FileOptions;
using rocksdb::FSWritableFile;
using rocksdb::IOOptions;

class LogSyncFsTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) { return (dir_.path() / name).string(); }
  std::unique_ptr<FSWritableFile> Create(const std::string& name) {
    std::unique_ptr<FSWritableFile> f;
    EXPECT_TRUE(fs_->NewWritableFile(Path(name), FileOptions(), &f, nullptr).ok());
    return f;
  }
  void FailSyncs() {
    FaultInjectionFs::Fault fault;
    fault.error = rocksdb::IOStatus::IOError("injected");
    fault.on_append = false;
    faults_->InjectFault(fault);
  }
  uint64_t SizeOnDisk(const std::string& name) {
    return std::filesystem::file_size(dir_.path() / name);
  }

  tenantdb::testing::TempDir dir_;
  std::shared_ptr<FaultInjectionFs> faults_ = std::make_shared<FaultInjectionFs>();
  std::shared_ptr<LogSyncFs> fs_ = std::make_shared<LogSyncFs>(faults_);
};

TEST_F(LogSyncFsTest, SyncsEveryAppendedLogAndOnlyThose) {
  auto log = Create("000001.log");
  auto other = Create("000002.sst");
  ASSERT_TRUE(log->Append("abc", IOOptions(), nullptr).ok());
  rocksdb::DataVerificationInfo info;
  ASSERT_TRUE(log->Append("def", IOOptions(), info, nullptr).ok());
  ASSERT_TRUE(other->Append("not a log", IOOptions(), nullptr).ok());
  uint64_t before = faults_->WalSyncs();
  ASSERT_TRUE(fs_->SyncLogs().ok());
  EXPECT_EQ(faults_->WalSyncs(), before + 1);
  ASSERT_TRUE(fs_->SyncLogs().ok());
  EXPECT_EQ(faults_->WalSyncs(), before + 1) << "nothing appended since: no sync";
  // Power loss keeps exactly what was synced: all of the log, none of the other file.
  ASSERT_TRUE(log->Close(IOOptions(), nullptr).ok());
  ASSERT_TRUE(other->Close(IOOptions(), nullptr).ok());
  ASSERT_TRUE(faults_->DropUnsyncedData().ok());
  EXPECT_EQ(SizeOnDisk("000001.log"), 6u);
  EXPECT_EQ(SizeOnDisk("000002.sst"), 0u);
}

TEST_F(LogSyncFsTest, TracksReopenedAndReusedLogsAndForgetsClosedOnes) {
  auto first = Create("000003.log");
  ASSERT_TRUE(first->Append("x", IOOptions(), nullptr).ok());
  ASSERT_TRUE(first->Close(IOOptions(), nullptr).ok());
  uint64_t before = faults_->WalSyncs();
  ASSERT_TRUE(fs_->SyncLogs().ok());
  EXPECT_EQ(faults_->WalSyncs(), before) << "a closed log is no longer synced by SyncLogs";

  std::unique_ptr<FSWritableFile> reopened;
  ASSERT_TRUE(fs_->ReopenWritableFile(Path("000003.log"), FileOptions(), &reopened, nullptr).ok());
  ASSERT_TRUE(reopened->Append("y", IOOptions(), nullptr).ok());
  std::unique_ptr<FSWritableFile> reused;
  ASSERT_TRUE(fs_->ReuseWritableFile(Path("000004.log"), Path("000003.log"), FileOptions(), &reused,
                                     nullptr)
                  .ok());
  ASSERT_TRUE(reused->Append("z", IOOptions(), nullptr).ok());
  ASSERT_TRUE(fs_->SyncLogs().ok());
  EXPECT_EQ(faults_->WalSyncs(), before + 2) << "both open logs were appended to";
}

TEST_F(LogSyncFsTest, AFailedSyncIsReported) {
  auto log = Create("000005.log");
  ASSERT_TRUE(log->Append("abc", IOOptions(), nullptr).ok());
  FailSyncs();
  EXPECT_TRUE(fs_->SyncLogs().IsIOError());
}

TEST_F(LogSyncFsTest, AFailedSyncByRocksDbItselfFailsEveryLaterSyncLogs) {
  // RocksDB syncs logs itself too (closed logs before a flush). The kernel reports a writeback
  // error to one fsync caller only, so SyncLogs must not answer OK after that call failed,
  // even when its own fsync succeeds and even once the log is closed.
  auto log = Create("000007.log");
  ASSERT_TRUE(log->Append("abc", IOOptions(), nullptr).ok());
  ASSERT_TRUE(log->Fsync(IOOptions(), nullptr).ok());
  ASSERT_TRUE(log->RangeSync(0, 3, IOOptions(), nullptr).ok());
  ASSERT_TRUE(fs_->SyncLogs().ok()) << "successful syncs leave no error behind";
  FailSyncs();
  EXPECT_TRUE(log->Sync(IOOptions(), nullptr).IsIOError());
  faults_->ClearFault();
  ASSERT_TRUE(log->Append("def", IOOptions(), nullptr).ok());
  uint64_t before = faults_->WalSyncs();
  EXPECT_TRUE(fs_->SyncLogs().IsIOError());
  EXPECT_EQ(faults_->WalSyncs(), before + 1) << "its own fsync ran and succeeded";
  ASSERT_TRUE(log->Close(IOOptions(), nullptr).ok());
  EXPECT_TRUE(fs_->SyncLogs().IsIOError()) << "forgotten once the log was closed";
}

}  // namespace
}  // namespace tenantdb::kv
