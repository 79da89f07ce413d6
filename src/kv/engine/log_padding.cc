#include "kv/engine/log_padding.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace tenantdb::kv {

namespace {

constexpr size_t kMinPad = 2;  // an empty LogData entry: its tag and its length

// The smallest number at least `m` with at most `bits` bits set: m's highest bits - 1 set
// bits kept, the rest rounded up to one power of two (which may carry into the kept ones).
constexpr uint64_t SmallestWithBits(uint64_t m, int bits) {
  uint64_t kept = 0;
  uint64_t rest = m;
  for (int i = 1; i < bits && rest != 0; ++i) {
    uint64_t top = std::bit_floor(rest);
    kept |= top;
    rest -= top;
  }
  return rest == 0 ? kept : kept + std::bit_ceil(rest);
}

// LogPadding for every length below kMaxPaddedRecord, computed by the compiler. The padded
// length's low two bits cost nothing, so the candidates are the shortest padded lengths whose
// quarter has 1, 2, ... bits set (a longer one with as many bits only costs more bytes;
// log_padding_test checks the choice against every padding).
constexpr std::array<uint8_t, kMaxPaddedRecord> PaddingTable() {
  std::array<uint8_t, kMaxPaddedRecord> table{};
  for (size_t n = 0; n < kMaxPaddedRecord; ++n) {
    size_t best_pad = 0;
    size_t best = LogRecordCost(n, 0);
    const uint64_t quarter = (n + kMinPad) / 4;
    for (int bits = 1; bits <= 12; ++bits) {
      size_t length = std::max<size_t>(n + kMinPad, SmallestWithBits(quarter, bits) * 4);
      size_t pad = length - n;
      if (pad <= kMaxLogPadding && LogRecordCost(length, pad) < best) {
        best = LogRecordCost(length, pad);
        best_pad = pad;
      }
    }
    table[n] = static_cast<uint8_t>(best_pad);
  }
  return table;
}

constexpr std::array<uint8_t, kMaxPaddedRecord> kPadding = PaddingTable();

}  // namespace

size_t LogPadding(size_t record_bytes) {
  return record_bytes < kMaxPaddedRecord ? kPadding[record_bytes] : 0;
}

void PadLogRecord(rocksdb::WriteBatch& batch) {
  size_t pad = LogPadding(batch.GetDataSize());
  if (pad == 0) return;
  static constexpr char kZeros[kMaxLogPadding - kMinPad] = {};
  // Cannot fail: the batch has no size limit.
  batch.PutLogData(rocksdb::Slice(kZeros, pad - kMinPad)).PermitUncheckedError();
}

}  // namespace tenantdb::kv
