#include "kv/engine/wal_gap_filter.h"

#include <fstream>

namespace tenantdb::kv {

namespace {

// The first sequence number of a batch: its first 8 bytes, little-endian (RocksDB's
// documented WriteBatch layout: sequence, count, records).
uint64_t SequenceOf(std::string_view rep) {
  uint64_t sequence = 0;
  for (int i = 7; i >= 0; --i) sequence = (sequence << 8) | static_cast<uint8_t>(rep[i]);
  return sequence;
}

// False when the log file `name` does not begin with the batch `rep`: its first record
// header (7 bytes: checksum, length, type) is not a whole or first fragment, or the record
// starts with another sequence number. True also when the file cannot be read (a store in
// RocksDB's in-memory environment, which never recovers from a crash).
bool LogBeginsWith(const std::string& name, std::string_view rep) {
  std::ifstream in(name, std::ios::binary);
  char head[15];
  if (!in.read(head, sizeof head)) return true;
  int type = static_cast<uint8_t>(head[6]);
  constexpr int kFullType = 1;
  constexpr int kFirstType = 2;
  return (type == kFullType || type == kFirstType) &&
         std::string_view(head + 7, 8) == rep.substr(0, 8);
}

}  // namespace

rocksdb::WalFilter::WalProcessingOption WalGapFilter::LogRecordFound(
    unsigned long long /*log_number*/, const std::string& log_file_name,
    const rocksdb::WriteBatch& batch, rocksdb::WriteBatch* /*new_batch*/, bool* /*batch_changed*/) {
  const std::string& rep = batch.Data();
  if (rep.size() < 12) return WalProcessingOption::kCorruptedRecord;
  uint64_t sequence = SequenceOf(rep);
  // The first record replayed has no predecessor to continue: it must be its log's first.
  // (Recovery replays from the oldest log still needed, from its start; the log an Open
  // creates begins with an empty batch at the recovered sequence.)
  bool gap = next_ != 0 ? sequence != next_ : !LogBeginsWith(log_file_name, rep);
  if (gap) {
    // Recovery stops here; a later record continuing the sequence at `next_` is replayed.
    ++gaps_;
    return WalProcessingOption::kCorruptedRecord;
  }
  next_ = sequence + batch.Count();
  return WalProcessingOption::kContinueProcessing;
}

}  // namespace tenantdb::kv
