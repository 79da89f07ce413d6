// The limits of the kv contract (key 10,000 bytes, value 100,000 bytes, transaction 10,000,000
// bytes) and the errors that report them: each a clear error, and a failed call changes
// nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Keys;

class KvLimitsTest : public testing::KvTest {};

const std::string kMaxKey(kMaxKeySize, 'k');
const std::string kBigKey(kMaxKeySize + 1, 'k');

TEST_P(KvLimitsTest, KeysUpTo10000BytesAreAccepted) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set(kMaxKey, "v"));
  TDB_ASSERT_OK(tr.Get(kMaxKey));
  TDB_ASSERT_OK(tr.Atomic(MutationType::kByteMax, kMaxKey, "w"));
  TDB_ASSERT_OK(tr.AddReadConflictKey(kMaxKey));
  TDB_ASSERT_OK(tr.AddWriteConflictKey(kMaxKey));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto v, Read(kMaxKey));
  EXPECT_EQ(v, std::optional<std::string>("w"));
  TDB_ASSERT_OK(RunTx([](Transaction& t) { return t.Clear(kMaxKey); }));
  TDB_ASSERT_OK_AND_ASSIGN(v, Read(kMaxKey));
  EXPECT_EQ(v, std::nullopt);
}

TEST_P(KvLimitsTest, KeysOver10000BytesAreRefusedEverywhere) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("before", "1"));
  Status set = tr.Set(kBigKey, "v");
  TDB_EXPECT_ERROR(set, ErrorCode::kKeyTooLarge);
  EXPECT_EQ(set.number(), 2102);
  EXPECT_EQ(set.name(), "key_too_large");
  EXPECT_FALSE(set.retryable());
  EXPECT_FALSE(set.message().empty()) << "the error should say what was too large";
  TDB_EXPECT_ERROR(tr.Get(kBigKey), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.Clear(kBigKey), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.Add(kBigKey, 1), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.Atomic(MutationType::kBitOr, kBigKey, "x"), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.AddReadConflictKey(kBigKey), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.AddWriteConflictKey(kBigKey), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.WatchKey(kBigKey), ErrorCode::kKeyTooLarge);
  TDB_EXPECT_ERROR(tr.SetVersionstampedValue(kBigKey, std::string(10, '\0') + testing::LE32(0)),
                   ErrorCode::kKeyTooLarge);
  TDB_ASSERT_OK_AND_ASSIGN(auto before, tr.Get("before"));
  EXPECT_EQ(before, std::optional<std::string>("1")) << "earlier writes survive a failed call";
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("before"));
}

TEST_P(KvLimitsTest, ValuesUpTo100000BytesAreAccepted) {
  const std::string max_value(kMaxValueSize, 'v');
  TDB_ASSERT_OK(Put("k", max_value));
  TDB_ASSERT_OK_AND_ASSIGN(auto v, Read("k"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->size(), static_cast<size_t>(kMaxValueSize));
  EXPECT_EQ(*v, max_value);
  TDB_ASSERT_OK(
      RunTx([&](Transaction& tr) { return tr.Atomic(MutationType::kByteMax, "m", max_value); }));
}

TEST_P(KvLimitsTest, ValuesOver100000BytesAreRefused) {
  const std::string big_value(kMaxValueSize + 1, 'v');
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("k", "small"));
  Status s = tr.Set("k", big_value);
  TDB_EXPECT_ERROR(s, ErrorCode::kValueTooLarge);
  EXPECT_EQ(s.number(), 2103);
  EXPECT_FALSE(s.retryable());
  TDB_EXPECT_ERROR(tr.Atomic(MutationType::kByteMax, "k", big_value), ErrorCode::kValueTooLarge);
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("k"));
  EXPECT_EQ(v, std::optional<std::string>("small"));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(v, Read("k"));
  EXPECT_EQ(v, std::optional<std::string>("small"));
}

// Writes `count` values of `value_size` bytes under distinct keys in `tr`, then commits.
// Returns the first error, from a write or from the commit, and how many writes succeeded.
struct BulkOutcome {
  Status error;
  int writes_ok = 0;
  bool failed_at_commit = false;
};
BulkOutcome WriteBulk(Transaction& tr, int count, size_t value_size) {
  BulkOutcome out;
  const std::string value(value_size, 'x');
  for (int i = 0; i < count; ++i) {
    Status s = tr.Set(fmt::format("bulk/{:05}", i), value);
    if (!s.ok()) {
      out.error = s;
      return out;
    }
    ++out.writes_ok;
  }
  out.error = tr.Commit();
  out.failed_at_commit = !out.error.ok();
  return out;
}

TEST_P(KvLimitsTest, TransactionsUnderTheLimitCommit) {
  Transaction tr = db().CreateTransaction();
  BulkOutcome out = WriteBulk(tr, 90, 100'000);  // 9,000,000 bytes of values
  TDB_ASSERT_OK(out.error);
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll("bulk/", "bulk0"));
  EXPECT_EQ(all.size(), 90u);
}

TEST_P(KvLimitsTest, TransactionsOverTheLimitAreRefusedAndWriteNothing) {
  Transaction tr = db().CreateTransaction();
  BulkOutcome out = WriteBulk(tr, 120, 99'000);  // 11,880,000 bytes of values
  TDB_ASSERT_ERROR(out.error, ErrorCode::kTransactionTooLarge);
  EXPECT_EQ(out.error.number(), 2101);
  EXPECT_FALSE(out.error.retryable());
  if (out.failed_at_commit) {
    TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
    EXPECT_THAT(all, IsEmpty()) << "a refused commit writes nothing";
  } else {
    // Refused at the write that crossed the limit: the transaction stays within it and keeps
    // its earlier writes.
    EXPECT_GE(out.writes_ok, 100);
    EXPECT_LE(tr.ApproximateSize(), kMaxTransactionSize);
    TDB_ASSERT_OK_AND_ASSIGN(auto last, tr.Get(fmt::format("bulk/{:05}", out.writes_ok - 1)));
    EXPECT_TRUE(last.has_value());
    TDB_ASSERT_OK_AND_ASSIGN(auto refused, tr.Get(fmt::format("bulk/{:05}", out.writes_ok)));
    EXPECT_EQ(refused, std::nullopt);
    tr.Reset();
    TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
    EXPECT_THAT(all, IsEmpty());
  }
}

TEST_P(KvLimitsTest, ConflictRangesCountTowardsTheLimit) {
  Transaction tr = db().CreateTransaction();
  Status error;
  bool at_commit = false;
  for (int i = 0; i < 1200 && error.ok(); ++i) {  // ~2 x 9,990 bytes per range
    std::string begin = fmt::format("{:05}", i) + std::string(9'985, 'c');
    error = tr.AddWriteConflictRange(begin, begin + "\xfe");
  }
  if (error.ok()) {
    error = tr.Commit();
    at_commit = true;
  }
  TDB_EXPECT_ERROR(error, ErrorCode::kTransactionTooLarge) << (at_commit ? "at commit" : "");
}

TEST_P(KvLimitsTest, LowerSizeLimitIsHonoured) {
  {
    Transaction tr = db().CreateTransaction({.size_limit = 1000});
    BulkOutcome out = WriteBulk(tr, 2, 600);
    TDB_EXPECT_ERROR(out.error, ErrorCode::kTransactionTooLarge);
  }
  {
    Transaction tr = db().CreateTransaction({.size_limit = 1000});
    BulkOutcome out = WriteBulk(tr, 1, 500);
    TDB_EXPECT_OK(out.error);
  }
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_EQ(all.size(), 1u) << "only the transaction within its limit wrote";
}

TEST_P(KvLimitsTest, SizeLimitCannotBeRaisedAboveTheMaximum) {
  Transaction tr = db().CreateTransaction({.size_limit = 2 * kMaxTransactionSize});
  BulkOutcome out = WriteBulk(tr, 120, 99'000);
  EXPECT_FALSE(out.error.ok()) << "a transaction of ~11.9 MB must not commit";
  EXPECT_TRUE(out.error.code() == ErrorCode::kTransactionTooLarge ||
              out.error.code() == ErrorCode::kInvalidOptionValue)
      << out.error.ToString();
  tr.Reset();
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  if (out.failed_at_commit) {
    EXPECT_THAT(all, IsEmpty());
  }
}

TEST_P(KvLimitsTest, ApproximateSizeCountsMutations) {
  Transaction tr = db().CreateTransaction();
  const int64_t empty = tr.ApproximateSize();
  TDB_ASSERT_OK(tr.Set("0123456789", std::string(100, 'v')));
  const int64_t one = tr.ApproximateSize();
  EXPECT_GE(one - empty, 110) << "key and value bytes";
  TDB_ASSERT_OK(tr.Set("another", std::string(1000, 'v')));
  EXPECT_GE(tr.ApproximateSize() - one, 1007);
  tr.Reset();
  EXPECT_LT(tr.ApproximateSize(), one);
}

TEST_P(KvLimitsTest, FailedCallsLeaveEarlierWritesIntact) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("a", "1"));
  TDB_ASSERT_OK(tr.Set("b", "2"));
  EXPECT_FALSE(tr.Set(kBigKey, "x").ok());
  EXPECT_FALSE(tr.Set("b", std::string(kMaxValueSize + 1, 'x')).ok());
  EXPECT_FALSE(tr.ClearRange("z", "a").ok());
  EXPECT_FALSE(tr.Clear("\xff/system").ok());
  EXPECT_FALSE(tr.GetRange("z", "a").ok());
  TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("", "\xff"));
  EXPECT_THAT(Keys(r.kvs), ElementsAre("a", "b"));
  EXPECT_EQ(r.kvs[1].value, "2");
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_EQ(all, r.kvs);
}

TEST_P(KvLimitsTest, ErrorsCarryTheirCodeNameAndRetryability) {
  struct Expect {
    Status got;
    int number;
    std::string_view name;
    bool retryable;
  };
  Transaction tr = db().CreateTransaction();
  std::vector<Expect> cases;
  cases.push_back({tr.Set(kBigKey, ""), 2102, "key_too_large", false});
  cases.push_back(
      {tr.Set("k", std::string(kMaxValueSize + 1, 'v')), 2103, "value_too_large", false});
  cases.push_back({tr.Set("\xff", ""), 2004, "key_outside_legal_range", false});
  cases.push_back({tr.ClearRange("b", "a"), 2005, "inverted_range", false});

  TDB_ASSERT_OK(Put("c", "1"));
  Transaction conflicted = db().CreateTransaction();
  TDB_ASSERT_OK(conflicted.Get("c"));
  TDB_ASSERT_OK(Put("c", "2"));
  TDB_ASSERT_OK(conflicted.Set("d", "x"));
  cases.push_back({conflicted.Commit(), 1020, "not_committed", true});

  Transaction old = db().CreateTransaction();
  TDB_ASSERT_OK(old.Get("c"));
  clock().Advance(kMaxReadVersionLag + 1'000'000);
  TDB_ASSERT_OK(Put("e", "1"));
  TDB_ASSERT_OK(old.Set("f", "x"));
  cases.push_back({old.Commit(), 1007, "transaction_too_old", true});

  Transaction read_only = db().CreateTransaction();
  TDB_ASSERT_OK(read_only.Commit());
  cases.push_back({read_only.GetCommittedVersion().status(), 2021, "no_commit_version", false});

  for (const auto& c : cases) {
    EXPECT_EQ(c.got.number(), c.number) << c.got.ToString();
    EXPECT_EQ(c.got.name(), c.name) << c.got.ToString();
    EXPECT_EQ(c.got.retryable(), c.retryable) << c.got.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, KvLimitsTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
