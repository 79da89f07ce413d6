// WalGapFilter: records that continue the sequence are replayed, a record after a hole is
// reported as corrupted (so point-in-time recovery ends the log there), a record that
// continues the sequence recovered so far is replayed again, and the first record replayed
// must be the first of its log file.
#include "kv/engine/wal_gap_filter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "testing/testing.h"

namespace tenantdb::kv {
namespace {

using Option = rocksdb::WalFilter::WalProcessingOption;

// A batch of `ops` puts whose first sequence number is `sequence`.
rocksdb::WriteBatch Batch(uint64_t sequence, int ops) {
  rocksdb::WriteBatch b;
  for (int i = 0; i < ops; ++i) EXPECT_TRUE(b.Put("k" + std::to_string(i), "v").ok());
  std::string rep = b.Data();
  for (int i = 0; i < 8; ++i, sequence >>= 8) rep[i] = static_cast<char>(sequence & 0xFF);
  return rocksdb::WriteBatch(rep);
}

Option Feed(WalGapFilter& f, uint64_t sequence, int ops) {
  rocksdb::WriteBatch out;
  bool changed = false;
  Option o = f.LogRecordFound(7, "000007.log", Batch(sequence, ops), &out, &changed);
  EXPECT_FALSE(changed);
  return o;
}

TEST(WalGapFilterTest, AcceptsContinuingRecordsAndStopsAtAHole) {
  WalGapFilter f;
  EXPECT_EQ(Feed(f, 100, 2), Option::kContinueProcessing) << "the first record sets the start";
  EXPECT_EQ(Feed(f, 102, 1), Option::kContinueProcessing);
  EXPECT_EQ(Feed(f, 103, 3), Option::kContinueProcessing);
  EXPECT_EQ(Feed(f, 110, 1), Option::kCorruptedRecord) << "106..109 are missing";
  EXPECT_EQ(f.gaps(), 1);
  // Recovery stopped at 106: a record written after that recovery continues from there.
  EXPECT_EQ(Feed(f, 106, 2), Option::kContinueProcessing);
  EXPECT_EQ(Feed(f, 107, 1), Option::kCorruptedRecord) << "a record going backwards";
  EXPECT_EQ(f.gaps(), 2);
  EXPECT_EQ(Feed(f, 108, 1), Option::kContinueProcessing);
}

TEST(WalGapFilterTest, ARecordTooShortForABatchHeaderIsCorrupted) {
  WalGapFilter f;
  rocksdb::WriteBatch out;
  bool changed = false;
  rocksdb::WriteBatch truncated(std::string(5, '\1'));
  EXPECT_EQ(f.LogRecordFound(1, "000001.log", truncated, &out, &changed), Option::kCorruptedRecord);
}

TEST(WalGapFilterTest, TheFirstRecordReplayedMustBeTheFirstOfItsLog) {
  tenantdb::testing::TempDir dir;
  std::string log = (dir.path() / "000009.log").string();
  rocksdb::WriteBatch first = Batch(500, 1);
  auto write_log = [&](const std::string& bytes) {
    std::ofstream out(log, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  std::string header("\0\0\0\0\0\0\x01", 7);  // checksum, length (not checked), full record
  rocksdb::WriteBatch out;
  bool changed = false;

  write_log(header + first.Data());
  WalGapFilter starts;
  EXPECT_EQ(starts.LogRecordFound(9, log, first, &out, &changed), Option::kContinueProcessing);

  write_log(std::string(7 + first.Data().size(), '\0'));  // the log's first page was lost
  WalGapFilter lost;
  EXPECT_EQ(lost.LogRecordFound(9, log, first, &out, &changed), Option::kCorruptedRecord);
  EXPECT_EQ(lost.gaps(), 1);

  write_log(header + Batch(490, 10).Data());  // another record comes first
  WalGapFilter later;
  EXPECT_EQ(later.LogRecordFound(9, log, first, &out, &changed), Option::kCorruptedRecord);
}

}  // namespace
}  // namespace tenantdb::kv
