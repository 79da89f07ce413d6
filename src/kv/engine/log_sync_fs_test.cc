// LogSyncFs: SyncLogs makes every append to an open log file durable (positioned appends are
// direct I/O only, which the POSIX file system asserts, so they are not exercised here), syncs only
// the logs appended to since their last sync, and leaves other files alone. A FaultInjectionFs
// underneath counts the syncs and models power loss.
#include "kv/engine/log_sync_fs.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "kv/engine/fault_injection_fs.h"
#include "kv/engine/local_engine_test_util.h"
#include "testing/testing.h"

namespace tenantdb::kv {
namespace {

using rocksdb::FileOptions;
using rocksdb::FSWritableFile;
using rocksdb::IOOptions;
using testing::WaitUntil;

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

// Zero-filled log space, on the real file system (the engine's default).
class ZeroFilledLogTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) { return (dir_.path() / name).string(); }
  uint64_t SizeOnDisk(const std::string& name) {
    return std::filesystem::file_size(dir_.path() / name);
  }
  std::string Contents(const std::string& name) {
    std::ifstream in(Path(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Appends `n` bytes that are never zero (so a zero where data belongs shows), recording them.
  void AppendData(FSWritableFile& f, size_t n) {
    std::string data;
    for (size_t i = 0; i < n; ++i)
      data.push_back(static_cast<char>(1 + (written_.size() + i) % 251));
    ASSERT_TRUE(f.Append(data, IOOptions(), nullptr).ok());
    written_ += data;
  }
  // The file holds exactly what was appended, then only zeros.
  void ExpectDataThenZeros(const std::string& name) {
    std::string on_disk = Contents(name);
    ASSERT_GE(on_disk.size(), written_.size());
    EXPECT_TRUE(on_disk.compare(0, written_.size(), written_) == 0) << "appended data changed";
    EXPECT_EQ(on_disk.find_first_not_of('\0', written_.size()), std::string::npos)
        << "something other than zeros after the appended data";
  }

  tenantdb::testing::TempDir dir_;
  std::shared_ptr<LogSyncFs> fs_ =
      std::make_shared<LogSyncFs>(rocksdb::FileSystem::Default(), /*zero_fill_logs=*/true);
  std::string written_;
};

TEST_F(ZeroFilledLogTest, AppendsOverwriteZerosWrittenAheadAndCloseCutsThemOff) {
  std::unique_ptr<FSWritableFile> log;
  ASSERT_TRUE(fs_->NewWritableFile(Path("000001.log"), FileOptions(), &log, nullptr).ok());
  AppendData(*log, 100);
  ASSERT_TRUE(WaitUntil([&] { return SizeOnDisk("000001.log") >= LogSyncFs::kFillRunway; }))
      << "no zeros were written ahead of a new log; size " << SizeOnDisk("000001.log");
  // A top-up still running (a slow machine) would go on filling behind the appends below.
  fs_->WaitForFillsForTesting();
  ExpectDataThenZeros("000001.log");

  // Appends and syncs inside the zeroed space leave the file's size alone: fdatasync then has
  // no size to write.
  uint64_t size = SizeOnDisk("000001.log");
  for (int i = 0; i < 100; ++i) {
    AppendData(*log, 1000);
    ASSERT_TRUE(fs_->SyncLogs().ok());
  }
  EXPECT_EQ(SizeOnDisk("000001.log"), size) << "appends grew a zero-filled log";

  // Running low, the zeros are topped up ahead of the appends, never over them.
  while (size - written_.size() >= LogSyncFs::kFillBelow) AppendData(*log, 4096);
  ASSERT_TRUE(WaitUntil([&] {
    return SizeOnDisk("000001.log") >= written_.size() + LogSyncFs::kFillRunway;
  })) << "zeros not topped up: size "
      << SizeOnDisk("000001.log") << ", data " << written_.size();
  ExpectDataThenZeros("000001.log");

  ASSERT_TRUE(log->Close(IOOptions(), nullptr).ok());
  EXPECT_EQ(SizeOnDisk("000001.log"), written_.size()) << "closing left zeros behind";
  EXPECT_EQ(Contents("000001.log"), written_);
}

TEST_F(ZeroFilledLogTest, OnlyNewLogsAreFilled) {
  std::unique_ptr<FSWritableFile> table;
  ASSERT_TRUE(fs_->NewWritableFile(Path("000002.sst"), FileOptions(), &table, nullptr).ok());
  std::unique_ptr<FSWritableFile> log;
  ASSERT_TRUE(fs_->NewWritableFile(Path("000003.log"), FileOptions(), &log, nullptr).ok());
  ASSERT_TRUE(log->Append("x", IOOptions(), nullptr).ok());
  ASSERT_TRUE(log->Close(IOOptions(), nullptr).ok());
  std::unique_ptr<FSWritableFile> reopened;
  ASSERT_TRUE(fs_->ReopenWritableFile(Path("000003.log"), FileOptions(), &reopened, nullptr).ok());
  ASSERT_TRUE(table->Append("t", IOOptions(), nullptr).ok());
  ASSERT_TRUE(reopened->Append("y", IOOptions(), nullptr).ok());
  ASSERT_TRUE(WaitUntil([&] { return SizeOnDisk("000002.sst") == 1; }));
  // A new log gets its zeros within milliseconds (above); give these the same chance.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(SizeOnDisk("000002.sst"), 1u) << "a table file was zero-filled";
  EXPECT_EQ(SizeOnDisk("000003.log"), 2u) << "a reopened log was zero-filled";
}

TEST_F(ZeroFilledLogTest, AfterAFailedAppendNoZerosAreWrittenOrCutOff) {
  // A torn append leaves part of its data in the file: where the log ends is unknown, so the
  // zeros must neither be topped up over that part nor cut back to the last known end.
  auto faults = std::make_shared<FaultInjectionFs>();
  fs_ = std::make_shared<LogSyncFs>(faults, /*zero_fill_logs=*/true);
  std::unique_ptr<FSWritableFile> log;
  ASSERT_TRUE(fs_->NewWritableFile(Path("000004.log"), FileOptions(), &log, nullptr).ok());
  AppendData(*log, 100);
  ASSERT_TRUE(WaitUntil([&] { return SizeOnDisk("000004.log") >= LogSyncFs::kFillRunway; }));
  fs_->WaitForFillsForTesting();
  FaultInjectionFs::Fault fault;
  fault.error = rocksdb::IOStatus::IOError("injected");
  fault.torn = true;
  faults->InjectFault(fault);
  std::string torn(2000, 'x');
  EXPECT_FALSE(log->Append(torn, IOOptions(), nullptr).ok());
  faults->ClearFault();
  // Appends that would have asked for more zeros: none come.
  uint64_t size = SizeOnDisk("000004.log");
  while (size - written_.size() - torn.size() >= LogSyncFs::kFillBelow) AppendData(*log, 4096);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(SizeOnDisk("000004.log"), size) << "zeros written after a failed append";
  ASSERT_TRUE(log->Close(IOOptions(), nullptr).ok());
  EXPECT_EQ(SizeOnDisk("000004.log"), size) << "cut back to an end that is not known";
  EXPECT_EQ(Contents("000004.log").compare(100, 1000, torn, 0, 1000), 0)
      << "the torn append's first half is gone";
}

}  // namespace
}  // namespace tenantdb::kv
