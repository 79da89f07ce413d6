// Helpers shared by the kv tests: a fixture parameterized over the engines, status assertions,
// little-endian integers, and a reference model of FoundationDB's atomic operations that is
// written independently of the code under test.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenantdb/clock.h"
#include "tenantdb/database.h"
#include "tenantdb/key_selector.h"
#include "tenantdb/mutation.h"
#include "tenantdb/options.h"
#include "tenantdb/status.h"
#include "tenantdb/transaction.h"
#include "testing/testing.h"

namespace tenantdb {

// Readable bytes: printable ASCII as is, everything else as \xNN.
inline std::string Escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

// gtest printers, found by argument-dependent lookup.
inline void PrintTo(const KeyValue& kv, std::ostream* os) {
  *os << "{" << Escape(kv.key) << " = " << Escape(kv.value) << "}";
}
inline void PrintTo(const KeySelector& s, std::ostream* os) {
  *os << "KeySelector{" << Escape(s.key) << ", or_equal=" << s.or_equal << ", offset=" << s.offset
      << "}";
}
inline void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }

namespace testing {

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace testing
}  // namespace tenantdb

namespace tenantdb::testing {

template <typename T>
::testing::AssertionResult IsOk(const T& status_or_result) {
  const Status& s = StatusOf(status_or_result);
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "returned " << s.ToString();
}

template <typename T>
::testing::AssertionResult HasError(const T& status_or_result, ErrorCode code) {
  const Status& s = StatusOf(status_or_result);
  if (s.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "returned " << s.ToString() << ", want "
                                       << ErrorName(code) << " (" << static_cast<int>(code) << ")";
}

}  // namespace tenantdb::testing

// Assertions on a Status or Result; each can be streamed into like gtest's own.
#define TDB_ASSERT_OK(expr) ASSERT_TRUE(::tenantdb::testing::IsOk(expr)) << #expr << " "
#define TDB_EXPECT_OK(expr) EXPECT_TRUE(::tenantdb::testing::IsOk(expr)) << #expr << " "
#define TDB_EXPECT_ERROR(expr, code) \
  EXPECT_TRUE(::tenantdb::testing::HasError((expr), (code))) << #expr << " "
#define TDB_ASSERT_ERROR(expr, code) \
  ASSERT_TRUE(::tenantdb::testing::HasError((expr), (code))) << #expr << " "

// Evaluates `expr` (a Result<T>), asserts it is OK and moves its value into `lhs`.
#define TDB_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  TDB_ASSERT_OK_AND_ASSIGN_IMPL_(TDB_CONCAT_(tdb_aoa_, __LINE__), lhs, expr)
#define TDB_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)                 \
  auto tmp = (expr);                                                   \
  ASSERT_TRUE(tmp.ok()) << #expr << " -> " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()

namespace tenantdb::testing {

enum class EngineKind { kMemory, kFile };

inline void PrintTo(EngineKind kind, std::ostream* os) {
  *os << (kind == EngineKind::kMemory ? "memory:" : "file:");
}

inline std::string EngineKindName(const ::testing::TestParamInfo<EngineKind>& info) {
  return info.param == EngineKind::kMemory ? "Memory" : "File";
}

// The engines every kv suite runs on.
inline auto AllEngines() { return ::testing::Values(EngineKind::kMemory, EngineKind::kFile); }

// A database on the engine of the test parameter. By default its versions advance with a
// ManualClock that only moves when the test says so; a suite that wants the system clock
// overrides UseManualClock.
class KvTest : public ::testing::TestWithParam<EngineKind> {
 protected:
  void SetUp() override {
    if (GetParam() == EngineKind::kFile) dir_ = std::make_unique<TempDir>();
    Open();
  }

  virtual bool UseManualClock() const { return true; }

  std::string Url() const {
    return GetParam() == EngineKind::kMemory ? std::string("memory:")
                                             : "file:" + dir_->path().string();
  }

  // Opens the database (again, after Close for file: stores).
  void Open() {
    DatabaseOptions options;
    if (UseManualClock()) options.clock = clock_;
    auto db = Database::Open(Url(), options);
    ASSERT_TRUE(db.ok()) << Url() << ": " << db.status().ToString();
    db_ = std::move(db).value();
  }
  void Close() { db_.reset(); }

  Database& db() { return *db_; }
  ManualClock& clock() { return *clock_; }

  // The retry loop, bounded so that a broken implementation fails a test instead of hanging.
  static RunOptions Bounded(const TransactionOptions& transaction = {}) {
    RunOptions options;
    options.transaction = transaction;
    options.max_retries = 100;
    return options;
  }
  template <typename Fn>
  Status RunTx(Fn&& fn) {
    return db().Run(std::forward<Fn>(fn), Bounded());
  }

  // One-shot helpers, each in its own transaction through the retry loop.
  Status Put(std::string_view key, std::string_view value) {
    return RunTx([&](Transaction& tr) { return tr.Set(key, value); });
  }
  Status PutAll(const std::map<std::string, std::string>& kvs) {
    return RunTx([&](Transaction& tr) {
      for (const auto& [k, v] : kvs) TDB_RETURN_IF_ERROR(tr.Set(k, v));
      return Status::OK();
    });
  }
  Result<std::optional<std::string>> Read(std::string_view key) {
    Transaction tr = db().CreateTransaction();
    return tr.Get(key);
  }
  // Every pair in [begin, end) as a fresh transaction sees it.
  Result<std::vector<KeyValue>> ReadAll(std::string_view begin = "",
                                        std::string_view end = "\xff") {
    Transaction tr = db().CreateTransaction();
    auto r = tr.GetRange(begin, end);
    if (!r.ok()) return r.status();
    if (r->more) return Error(ErrorCode::kInternalError, "unlimited range read reported more");
    return std::move(r->kvs);
  }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<TempDir> dir_;  // destroyed after db_
  std::unique_ptr<Database> db_;
};

// Fixed-width little-endian unsigned integer.
inline std::string LE(uint64_t v, int width) {
  std::string s(static_cast<size_t>(width), '\0');
  for (int i = 0; i < width; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
inline std::string LE64(uint64_t v) { return LE(v, 8); }
inline std::string LE32(uint32_t v) { return LE(v, 4); }
inline uint64_t FromLE(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.size() && i < 8; ++i)
    v |= uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
  return v;
}
inline uint64_t FromBE(std::string_view s) {
  uint64_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

inline std::vector<std::string> Keys(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> keys;
  for (const auto& kv : kvs) keys.push_back(kv.key);
  return keys;
}

// FoundationDB's atomic operations (fdbclient/Atomic.h, API version >= 510), written out
// bytewise so the tests do not trust the implementation's ApplyAtomicOp. Numeric operations
// work at the operand's width: the existing value is zero-extended or truncated to it.
inline std::optional<std::string> ReferenceAtomic(MutationType op,
                                                  const std::optional<std::string>& existing,
                                                  std::string_view param) {
  const std::string p(param);
  auto at_width = [&](const std::string& v) {
    std::string r = v.substr(0, std::min(v.size(), p.size()));
    r.resize(p.size(), '\0');
    return r;
  };
  auto byte = [](const std::string& s, size_t i) { return static_cast<unsigned char>(s[i]); };
  switch (op) {
    case MutationType::kAdd: {
      if (!existing || existing->empty() || p.empty()) return p;
      std::string e = at_width(*existing);
      std::string r(p.size(), '\0');
      unsigned carry = 0;
      for (size_t i = 0; i < p.size(); ++i) {
        unsigned sum = byte(e, i) + byte(p, i) + carry;
        r[i] = static_cast<char>(sum & 0xff);
        carry = sum >> 8;
      }
      return r;
    }
    case MutationType::kBitAnd:
    case MutationType::kBitOr:
    case MutationType::kBitXor: {
      if (!existing) return p;
      if (op != MutationType::kBitAnd && existing->empty()) return p;
      std::string e = at_width(*existing);
      std::string r(p.size(), '\0');
      for (size_t i = 0; i < p.size(); ++i) {
        unsigned a = byte(e, i), b = byte(p, i);
        unsigned v = op == MutationType::kBitAnd  ? (a & b)
                     : op == MutationType::kBitOr ? (a | b)
                                                  : (a ^ b);
        r[i] = static_cast<char>(v);
      }
      return r;
    }
    case MutationType::kMax:
    case MutationType::kMin: {
      if (!existing || p.empty()) return p;
      std::string e = at_width(*existing);
      int cmp = 0;  // compare e with p as little-endian unsigned numbers
      for (size_t i = p.size(); i-- > 0;) {
        if (byte(e, i) != byte(p, i)) {
          cmp = byte(e, i) < byte(p, i) ? -1 : 1;
          break;
        }
      }
      if (op == MutationType::kMax) return cmp > 0 ? e : p;
      return cmp < 0 ? e : p;
    }
    case MutationType::kByteMax:
      if (!existing) return p;
      return std::max(*existing, p);
    case MutationType::kByteMin:
      if (!existing) return p;
      return std::min(*existing, p);
    case MutationType::kCompareAndClear:
      if (!existing || *existing == p) return std::nullopt;
      return existing;
    default:
      ADD_FAILURE() << "not an atomic op: " << static_cast<int>(op);
      return std::nullopt;
  }
}

inline const std::vector<MutationType>& AllAtomicOps() {
  static const std::vector<MutationType> ops = {
      MutationType::kAdd,     MutationType::kBitAnd,  MutationType::kBitOr,
      MutationType::kBitXor,  MutationType::kMax,     MutationType::kMin,
      MutationType::kByteMax, MutationType::kByteMin, MutationType::kCompareAndClear};
  return ops;
}

// Resolves `sel` against the sorted keys of a model the way FoundationDB does: the last key
// less than (or equal to) sel.key, then sel.offset keys forward; clamped to [first, last].
inline std::string ResolveInModel(const std::map<std::string, std::string>& model,
                                  const KeySelector& sel, std::string_view end_of_keys = "\xff") {
  std::vector<std::string> keys;
  for (const auto& [k, v] : model) {
    if (k < end_of_keys) keys.push_back(k);
  }
  auto it = sel.or_equal ? std::upper_bound(keys.begin(), keys.end(), sel.key)
                         : std::lower_bound(keys.begin(), keys.end(), sel.key);
  int64_t index = (it - keys.begin()) - 1 + sel.offset;
  if (index < 0) return "";
  if (index >= static_cast<int64_t>(keys.size())) return std::string(end_of_keys);
  return keys[static_cast<size_t>(index)];
}

}  // namespace tenantdb::testing
