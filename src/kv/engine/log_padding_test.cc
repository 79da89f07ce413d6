// LogPadding: the padding it picks is the cheapest possible by the checksum cost model (checked
// against every padding a LogData entry can make), never makes a record costlier, and
// PadLogRecord adds it as log data that leaves the batch's operations unchanged.
#include "kv/engine/log_padding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tenantdb::kv {
namespace {

TEST(LogPaddingTest, PicksTheCheapestPaddingALogDataEntryCanMake) {
  for (size_t n = 12; n < kMaxPaddedRecord; ++n) {
    size_t pad = LogPadding(n);
    ASSERT_TRUE(pad == 0 || (pad >= 2 && pad <= 129)) << n << " " << pad;
    size_t best = LogRecordCost(n, 0);
    for (size_t p = 2; p <= 129; ++p) best = std::min(best, LogRecordCost(n + p, p));
    ASSERT_EQ(LogRecordCost(n + pad, pad), best) << "record of " << n << " bytes padded by " << pad;
  }
}

TEST(LogPaddingTest, ClearsTheBitsOfATypicalSmallCommit) {
  // 100 bytes: the quarter 25 has 3 bits set; 128 (one bit) is 28 bytes away.
  EXPECT_EQ(LogPadding(100), 28u);
  // 2 bits: clearing one would cost more bytes than it saves.
  EXPECT_EQ(LogPadding(160), 0u);
  // 128 bytes: one bit already; nothing to gain.
  EXPECT_EQ(LogPadding(128), 0u);
  // 131: the low two bits cost nothing.
  EXPECT_EQ(LogPadding(131), 0u);
  // Long records are left alone.
  EXPECT_EQ(LogPadding(kMaxPaddedRecord + 100), 0u);
}

// Collects what a batch holds when iterated.
struct Seen : rocksdb::WriteBatch::Handler {
  std::vector<std::string> puts;
  std::vector<size_t> log_data;
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    puts.push_back(key.ToString() + "=" + value.ToString());
    return rocksdb::Status::OK();
  }
  void LogData(const rocksdb::Slice& blob) override { log_data.push_back(blob.size()); }
};

TEST(LogPaddingTest, PadLogRecordAddsOnlyLogData) {
  for (int value = 1; value < 300; value += 7) {
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(batch.Put("key", std::string(static_cast<size_t>(value), 'v')).ok());
    const size_t before = batch.GetDataSize();
    PadLogRecord(batch);
    EXPECT_EQ(batch.GetDataSize(), before + LogPadding(before)) << value;
    EXPECT_EQ(batch.Count(), 1u);
    Seen seen;
    ASSERT_TRUE(batch.Iterate(&seen).ok());
    ASSERT_EQ(seen.puts.size(), 1u);
    EXPECT_EQ(seen.puts[0], "key=" + std::string(static_cast<size_t>(value), 'v'));
    EXPECT_EQ(seen.log_data.size(), LogPadding(before) == 0 ? 0u : 1u) << value;
  }
}

}  // namespace
}  // namespace tenantdb::kv
