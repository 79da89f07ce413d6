#include "kv/engine/wal_gap_filter.h"

namespace tenantdb::kv {

rocksdb::WalFilter::WalProcessingOption WalGapFilter::LogRecordFound(
    unsigned long long /*log_number*/, const std::string& /*log_file_name*/,
    const rocksdb::WriteBatch& batch, rocksdb::WriteBatch* /*new_batch*/, bool* /*batch_changed*/) {
  // A batch starts with its first sequence number, 8 bytes little-endian (RocksDB's
  // documented WriteBatch layout: sequence, count, records).
  const std::string& rep = batch.Data();
  if (rep.size() < 12) return WalProcessingOption::kCorruptedRecord;
  uint64_t sequence = 0;
  for (int i = 7; i >= 0; --i) sequence = (sequence << 8) | static_cast<uint8_t>(rep[i]);
  if (next_ != 0 && sequence != next_) {
    // Recovery stops here; a later record continuing the sequence at `next_` is replayed.
    ++gaps_;
    return WalProcessingOption::kCorruptedRecord;
  }
  next_ = sequence + batch.Count();
  return WalProcessingOption::kContinueProcessing;
}

}  // namespace tenantdb::kv
