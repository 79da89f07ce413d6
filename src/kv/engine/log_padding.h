// Padding that makes RocksDB's checksum of a commit group's log record cheap.
//
// RocksDB checksums each log record as the CRC-32C of its type combined with the CRC-32C of
// its payload (log::Writer::EmitPhysicalRecord, Crc32cCombine). The combination runs in
// software at ~460 instructions per bit set in (length / 4), whatever the bits' places, and
// Debian's RocksDB (built for any x86-64, without SSE 4.2) computes the payload's CRC in
// software too, at ~3.6 instructions per byte (both measured with callgrind against
// librocksdb 7.8.3). A commit of one small key is a record of ~150 bytes whose combination
// costs as much as its payload's CRC or more: 1,421 instructions for a length of 100, whose
// quarter 25 has 3 bits set. A few bytes of log data that nothing reads (a WriteBatch LogData
// entry: not replayed into the store, not counted in the batch's sequence numbers) can clear
// most of those bits.
#pragma once

#include <rocksdb/write_batch.h>

#include <cstddef>

namespace tenantdb::kv {

// The most LogPadding adds: a LogData entry's tag and one-byte length, and a 127-byte blob.
inline constexpr size_t kMaxLogPadding = 129;
// Records this long or longer are left alone: their payload's CRC outweighs the combination.
inline constexpr size_t kMaxPaddedRecord = 4096;
// The costs of the checksum model, in instructions per byte of payload CRC (~3.6): one bit
// set in (length / 4) costs ~460, and a padding entry ~340 (adding it to the batch, and
// skipping it when the batch is applied to the memtable), plus its bytes.
inline constexpr size_t kCombineBitCost = 128;
inline constexpr size_t kPadEntryCost = 96;

// The cost of a record of `length` bytes that holds a padding entry of `pad` bytes (0: none).
constexpr size_t LogRecordCost(size_t length, size_t pad) {
  size_t bits = 0;
  for (size_t q = length >> 2; q != 0; q &= q - 1) ++bits;
  return kCombineBitCost * bits + (pad == 0 ? 0 : kPadEntryCost + pad);
}

// The bytes to add to a log record of `record_bytes` bytes: 0, or 2..129 (a LogData entry is
// a tag and a one-byte length before its blob), whichever makes LogRecordCost least.
size_t LogPadding(size_t record_bytes);

// Appends the LogPadding of the batch's current size to it, as a LogData entry.
void PadLogRecord(rocksdb::WriteBatch& batch);

}  // namespace tenantdb::kv
