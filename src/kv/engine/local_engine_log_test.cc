// The engine's write-ahead log on the real file system (issue 3): a store left with zeros
// written ahead of its log (LogSyncFs) recovers every commit, and recovery ends the log at a
// hole of zeros (WalGapFilter), made by hand in a copy of an open store.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kv/engine/local_engine.h"
#include "kv/engine/local_engine_test_util.h"
#include "kv/engine/log_sync_fs.h"
#include "tenantdb/database.h"
#include "testing/testing.h"

namespace tenantdb::kv {
namespace {

using tenantdb::testing::TempDir;
using testing::WaitUntil;

// On the real file system the engine keeps zeros written ahead of its log (LogSyncFs). A
// copy of an open store's files is what a crash leaves behind: the log with zeros after its
// last record. Opening the copy recovers every commit and reads past the zeros.
TEST(LocalEngineLogTest, AStoreLeftWithZerosAfterItsLogRecoversEveryCommit) {
  TempDir dir;
  TempDir copy;
  std::string store = (dir.path() / "store").string();
  auto db = Database::Open("file:" + store);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  constexpr int kCommits = 300;
  for (int i = 0; i < kCommits; ++i) {
    ASSERT_TRUE((*db)
                    ->Run([&](Transaction& tr) {
                      return tr.Set(fmt::format("key{:04}", i), std::string(100, 'a' + i % 26));
                    })
                    .ok());
  }
  auto log_with_zeros = [&]() -> std::filesystem::path {
    for (const auto& entry : std::filesystem::directory_iterator(store)) {
      if (entry.path().extension() == ".log" && entry.file_size() >= LogSyncFs::kFillRunway) {
        return entry.path();
      }
    }
    return {};
  };
  ASSERT_TRUE(WaitUntil([&] { return !log_with_zeros().empty(); }))
      << "the open store's log has no zeros written ahead of it";
  std::filesystem::copy(store, copy.path() / "store", std::filesystem::copy_options::recursive);
  std::filesystem::path copied_log = copy.path() / "store" / log_with_zeros().filename();
  {
    std::ifstream in(copied_log, std::ios::binary);
    in.seekg(-1, std::ios::end);
    EXPECT_EQ(in.get(), 0) << "the copied log does not end in zeros";
  }

  for (int round = 0; round < 2; ++round) {
    auto reopened = Database::Open("file:" + (copy.path() / "store").string());
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    Transaction tr = (*reopened)->CreateTransaction();
    for (int i = 0; i < kCommits; ++i) {
      auto v = tr.Get(fmt::format("key{:04}", i));
      ASSERT_TRUE(v.ok()) << v.status().ToString();
      ASSERT_EQ(v->value_or("<missing>"), std::string(100, 'a' + i % 26)) << "commit " << i;
    }
    auto more = tr.Get("after");
    ASSERT_TRUE(more.ok());
    EXPECT_EQ(more->has_value(), round == 1) << "round " << round;
    if (round == 0) {
      ASSERT_TRUE((*reopened)->Run([](Transaction& t) { return t.Set("after", "x"); }).ok());
    }
  }
}

// The records of a write-ahead log (RocksDB's format: 32 KiB blocks, 7-byte record headers,
// a block's last 6 bytes or fewer left as padding), up to the first zero header.
struct LogRecord {
  size_t offset;  // of the header
  size_t length;  // of the payload
  int type;       // 1 full, 2 first, 3 middle, 4 last
};
std::vector<LogRecord> LogRecords(const std::string& log) {
  constexpr size_t kBlock = 32768;
  std::vector<LogRecord> out;
  size_t pos = 0;
  while (pos + 7 <= log.size()) {
    size_t left = kBlock - pos % kBlock;
    if (left < 7) {
      pos += left;
      continue;
    }
    size_t length = static_cast<uint8_t>(log[pos + 4]) | static_cast<uint8_t>(log[pos + 5]) << 8;
    int type = static_cast<uint8_t>(log[pos + 6]);
    if (type == 0 && length == 0) break;
    out.push_back({pos, length, type});
    pos += 7 + length;
  }
  return out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::filesystem::path NewestLog(const std::filesystem::path& dir) {
  std::filesystem::path newest;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && (newest.empty() || e.path() > newest)) newest = e.path();
  }
  return newest;
}

// After a power loss a page of the log that never reached the disk can read as zeros (always
// so in zero-filled log space) while a later page did reach it. RocksDB's reader skips the
// zeros silently; recovery must still end the log at the hole, or it would recover commits
// without the earlier commits they may depend on. The holes are made by hand in a copy of an
// open store whose log has a commit's record ending exactly at a block's end, so that the
// reader, skipping the zeros, finds the next record at the start of the next block.
class LogHoleTest : public ::testing::Test {
 protected:
  static constexpr size_t kBlock = 32768;

  void SetUp() override {
    store_ = (dir_.path() / "store").string();
    auto db = Database::Open("file:" + store_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    // One commit is one record whose payload grows byte for byte with the value (same key
    // length, values of 128..16383 bytes): measure it once, then size a commit so that its
    // record ends exactly at the first block's end.
    Commit(1000);
    std::vector<LogRecord> records = LogRecords(ReadFile(NewestLog(store_)));
    ASSERT_FALSE(records.empty());
    ASSERT_EQ(records.back().type, 1);
    const size_t payload_1000 = records.back().length;
    for (int i = 0; i < 100 && filling_ < 0; ++i) {
      const LogRecord& last = records.back();
      size_t room = kBlock - (last.offset + 7 + last.length) % kBlock;
      if (room >= 7 + payload_1000 - 1000 + 200 && room <= 7 + payload_1000 - 1000 + 16000) {
        filling_ = commits_;
        Commit(room - 7 - payload_1000 + 1000);
      } else {
        Commit(1000);
      }
      records = LogRecords(ReadFile(NewestLog(store_)));
    }
    ASSERT_GE(filling_, 0);
    filling_record_ = records.back();
    ASSERT_EQ(filling_record_.type, 1);
    ASSERT_EQ(filling_record_.offset + 7 + filling_record_.length, kBlock)
        << "the record does not end the first block";
    for (int i = 0; i < 3; ++i) Commit(1000);
    records = LogRecords(ReadFile(NewestLog(store_)));
    ASSERT_EQ(records[records.size() - 3].offset, kBlock);
    ASSERT_EQ(records[records.size() - 3].type, 1) << "the next commit does not start a block";
    std::filesystem::copy(store_, copy_.path() / "store", std::filesystem::copy_options::recursive);
  }

  void Commit(size_t value_size) {
    std::string key = fmt::format("c/{:05}", commits_++);
    Status s = db_->Run([&](Transaction& tr) { return tr.Set(key, std::string(value_size, 'x')); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // Zeroes [begin, end) of the copy's log.
  void Zero(size_t begin, size_t end) {
    std::fstream log(copy_.path() / "store" / NewestLog(store_).filename(),
                     std::ios::binary | std::ios::in | std::ios::out);
    log.seekp(static_cast<std::streamoff>(begin));
    std::string zeros(end - begin, '\0');
    log.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  // The commits the reopened copy holds: they must be exactly c/0 .. c/<expected - 1>.
  void ExpectRecovered(int expected) {
    auto reopened = Database::Open("file:" + (copy_.path() / "store").string());
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
    Transaction tr = (*reopened)->CreateTransaction();
    auto got = tr.GetRange("c/", "c0");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(static_cast<int>(got->kvs.size()), expected)
        << "recovery did not end at the hole (" << commits_ << " commits in the log)";
    for (int i = 0; i < expected; ++i) EXPECT_EQ(got->kvs[i].key, fmt::format("c/{:05}", i));
  }

  TempDir dir_;
  TempDir copy_;
  std::string store_;
  std::unique_ptr<Database> db_;
  int commits_ = 0;
  int filling_ = -1;  // the commit whose record ends the first block
  LogRecord filling_record_{};
};

TEST(LocalEngineLogTest, TheOptionsWalGapFilterReliesOnStaySet) {
  rocksdb::Options o = LocalRocksOptions();
  EXPECT_EQ(o.wal_recovery_mode, rocksdb::WALRecoveryMode::kPointInTimeRecovery);
  EXPECT_TRUE(o.paranoid_checks) << "a corrupted record would be replayed";
  EXPECT_EQ(o.recycle_log_file_num, 0u) << "recycled logs have longer record headers";
  EXPECT_EQ(o.wal_compression, rocksdb::kNoCompression) << "a compressed log begins otherwise";
}

TEST_F(LogHoleTest, RecoveryEndsTheLogAtAHoleOfZeros) {
  Zero(filling_record_.offset, kBlock);  // one commit's record: the last of its block
  ExpectRecovered(filling_);
}

TEST_F(LogHoleTest, RecoveryEndsTheLogAtAHoleAtItsStart) {
  Zero(0, kBlock);  // the whole first block: the log's first record is the next block's
  ExpectRecovered(0);
}

}  // namespace
}  // namespace tenantdb::kv
