// A rocksdb::WalFilter that makes recovery stop at a hole in the write-ahead log.
//
// RocksDB's log reader skips a zero-filled block without reporting it (the record type
// reserved for preallocated files) and replays the records after it. After a power loss,
// a log page that never reached the disk reads as zeros — always so in the engine's
// zero-filled log space (LogSyncFs), and on devices that return zeros for discarded
// blocks — while a later page may have: replaying the records after the hole would recover
// commits without the earlier commits they depend on, a state that never existed.
//
// Every record of the log continues the sequence numbers of the one before it (a batch of n
// operations takes n), and the first record replayed is the first of its log file. A record
// that breaks either rule is reported as corrupted, which point-in-time recovery (the
// engine's mode, with paranoid checks: LocalRocksOptions) treats as the end of the log: it
// keeps the records before it, drops the rest, and goes on only with records that continue
// the recovered sequence (those written after an earlier recovery stopped at that point).
// The first-record rule reads the log's first header in the plain format: the store's logs
// are neither recycled nor compressed (LocalRocksOptions).
// Unacknowledged commits are the only ones lost: an acknowledged commit's record was fsynced,
// and so was everything before it.
#pragma once

#include <rocksdb/wal_filter.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <string>

namespace tenantdb::kv {

class WalGapFilter final : public rocksdb::WalFilter {
 public:
  const char* Name() const override { return "TenantdbWalGapFilter"; }

  WalProcessingOption LogRecordFound(unsigned long long log_number,
                                     const std::string& log_file_name,
                                     const rocksdb::WriteBatch& batch,
                                     rocksdb::WriteBatch* new_batch, bool* batch_changed) override;

  // Records reported as corrupted because they did not continue the sequence.
  int gaps() const { return gaps_; }

 private:
  uint64_t next_ = 0;  // the sequence the next record must start at; 0 before the first
  int gaps_ = 0;
};

}  // namespace tenantdb::kv
