// Optimistic concurrency: which pairs of transactions conflict (FoundationDB's rules), the
// 5-second limit, and the retry loop.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "kv/kv_test_util.h"

namespace tenantdb {
namespace {

using ::testing::ElementsAre;
using testing::Keys;
using testing::LE64;

class KvConflictTest : public testing::KvTest {
 protected:
  void SetUp() override {
    testing::KvTest::SetUp();
    std::map<std::string, std::string> kvs;
    for (char c = 'a'; c <= 'j'; ++c) kvs[std::string(1, c)] = std::string(1, c - 'a' + 'A');
    TDB_ASSERT_OK(PutAll(kvs));
  }

  // Commits a one-key write in its own transaction.
  void Write(std::string_view key, std::string_view value = "other") {
    Transaction other = db().CreateTransaction();
    TDB_ASSERT_OK(other.Set(key, value));
    TDB_ASSERT_OK(other.Commit());
  }

  // Gives `tr` a write of its own so that its commit is checked, then commits it.
  static Status WriteAndCommit(Transaction& tr) {
    TDB_RETURN_IF_ERROR(tr.Set("zz-own-write", "x"));
    return tr.Commit();
  }
};

TEST_P(KvConflictTest, RangeReadConflictsWithAVersionstampedKeyLandingInIt) {
  // The written key is known only at commit: its conflict covers every key the stamp can make.
  const std::string stamped = "vs/" + std::string(10, '\0') + "/x" + testing::LE32(3);
  Transaction inside = db().CreateTransaction();
  TDB_ASSERT_OK(inside.GetRange("vs/", "vs0").status());
  Transaction outside = db().CreateTransaction();
  TDB_ASSERT_OK(outside.GetRange("vt/", "vt0").status());
  Transaction stamper = db().CreateTransaction();
  TDB_ASSERT_OK(stamper.SetVersionstampedKey(stamped, "v"));
  TDB_ASSERT_OK(stamper.Commit());
  TDB_EXPECT_ERROR(WriteAndCommit(inside), ErrorCode::kNotCommitted);
  TDB_EXPECT_OK(WriteAndCommit(outside));
}

TEST_P(KvConflictTest, PointReadThenOtherWriteConflicts) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("c"));
  EXPECT_EQ(v, std::optional<std::string>("C"));
  Write("c");
  Status s = WriteAndCommit(tr);
  TDB_EXPECT_ERROR(s, ErrorCode::kNotCommitted);
  EXPECT_EQ(s.number(), 1020);
  EXPECT_TRUE(s.retryable());
  TDB_ASSERT_OK_AND_ASSIGN(auto own, Read("zz-own-write"));
  EXPECT_EQ(own, std::nullopt) << "a conflicting transaction writes nothing";
}

TEST_P(KvConflictTest, ReadOfAMissingKeyConflictsWithItsInsertion) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("c5"));
  EXPECT_EQ(v, std::nullopt);
  Write("c5");
  TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
}

// Many point reads of long keys (past the transaction's inline key block and over several of
// its heap blocks, one key longer than a block): each is checked at commit, and after a Reset
// only the new reads count.
TEST_P(KvConflictTest, EveryPointReadOfLongKeysIsChecked) {
  auto key = [](int i) { return fmt::format("long/{:03}/{}", i, std::string(120, 'x')); };
  const std::string huge = "huge/" + std::string(kMaxKeySize - 5, 'y');
  for (int victim : {0, 150, 299, -1}) {
    Transaction tr = db().CreateTransaction();
    std::string k;  // one buffer, overwritten in place by each next key: reads keep copies
    for (int i = 0; i < 300; ++i) {
      const std::string next = key(i);
      k.assign(next.data(), next.size());
      TDB_ASSERT_OK(tr.Get(k).status());
    }
    TDB_ASSERT_OK(tr.Get(huge).status());
    Write(victim >= 0 ? key(victim) : huge);
    TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted) << victim;

    tr.Reset();  // the retry reads one other key only
    TDB_ASSERT_OK(tr.Get(key(1000)).status());
    Write(victim >= 0 ? key(victim) : huge);
    TDB_EXPECT_OK(WriteAndCommit(tr)) << victim;
  }
}

TEST_P(KvConflictTest, ReadOnlyTransactionCommitsDespiteAConflict) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("c"));
  Write("c");
  TDB_EXPECT_OK(tr.Commit());
}

TEST_P(KvConflictTest, RangeReadConflictsWithAPhantomInsert) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("b", "e"));
  EXPECT_THAT(Keys(r.kvs), ElementsAre("b", "c", "d"));
  Write("c5");  // a key that did not exist when the range was read
  TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
}

TEST_P(KvConflictTest, RangeReadConflictsWithAClearRangeInside) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("b", "e"));
  Transaction other = db().CreateTransaction();
  TDB_ASSERT_OK(other.ClearRange("d", "z"));
  TDB_ASSERT_OK(other.Commit());
  TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
}

TEST_P(KvConflictTest, WritesOutsideTheReadSetDoNotConflict) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("b", "e"));
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("g"));
  Write("e");   // the range end is exclusive
  Write("a");   // before the range
  Write("f");   // between the range and the point read
  Write("g0");  // just after the point read
  Transaction other = db().CreateTransaction();
  TDB_ASSERT_OK(other.ClearRange("h", "z"));
  TDB_ASSERT_OK(other.Commit());
  TDB_EXPECT_OK(WriteAndCommit(tr));
}

TEST_P(KvConflictTest, SnapshotReadsAddNoConflicts) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("c", Snapshot::kYes));
  TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("d", "f", {.snapshot = Snapshot::kYes}));
  TDB_ASSERT_OK_AND_ASSIGN(auto k, tr.GetKey(KeySelector::FirstGreaterThan("g"), Snapshot::kYes));
  EXPECT_EQ(k, "h");
  Write("c");
  Write("d5");
  Write("h");
  TDB_EXPECT_OK(WriteAndCommit(tr));
}

TEST_P(KvConflictTest, GetKeyConflictsOnlyWithTheKeysTheSelectorPassedOver) {
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto k, tr.GetKey(KeySelector::FirstGreaterOrEqual("c5")));
    EXPECT_EQ(k, "d");
    Write("c7");  // would change the answer
    TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
  }
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto k, tr.GetKey(KeySelector::FirstGreaterOrEqual("e5")));
    EXPECT_EQ(k, "f");
    Write("h");  // beyond the resolved key
    Write("b");  // before the selector's key
    TDB_EXPECT_OK(WriteAndCommit(tr));
  }
}

TEST_P(KvConflictTest, ExplicitReadConflictRangesConflict) {
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK(tr.AddReadConflictRange("m", "p"));
    TDB_ASSERT_OK(tr.GetReadVersion());
    Write("n");
    TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
  }
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK(tr.AddReadConflictKey("q"));
    TDB_ASSERT_OK(tr.GetReadVersion());
    Write("q");
    TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
  }
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK(tr.AddReadConflictKey("q"));
    TDB_ASSERT_OK(tr.GetReadVersion());
    Write("q0");  // a conflict key is that key only
    TDB_EXPECT_OK(WriteAndCommit(tr));
  }
  Transaction bad = db().CreateTransaction();
  TDB_EXPECT_ERROR(bad.AddReadConflictRange("p", "m"), ErrorCode::kInvertedRange);
}

TEST_P(KvConflictTest, ExplicitWriteConflictRangesMakeReadersConflict) {
  {
    Transaction reader = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto v, reader.Get("c"));
    Transaction marker = db().CreateTransaction();
    TDB_ASSERT_OK(marker.AddWriteConflictKey("c"));  // writes nothing, but claims c
    TDB_ASSERT_OK(marker.Commit());
    TDB_EXPECT_ERROR(WriteAndCommit(reader), ErrorCode::kNotCommitted);
    TDB_ASSERT_OK_AND_ASSIGN(auto still, Read("c"));
    EXPECT_EQ(still, std::optional<std::string>("C")) << "a write conflict range writes nothing";
  }
  {
    Transaction reader = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, reader.GetRange("f", "h"));
    Transaction marker = db().CreateTransaction();
    TDB_ASSERT_OK(marker.AddWriteConflictRange("a", "g"));
    TDB_ASSERT_OK(marker.Commit());
    TDB_EXPECT_ERROR(WriteAndCommit(reader), ErrorCode::kNotCommitted);
  }
  {
    Transaction reader = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, reader.GetRange("f", "h"));
    Transaction marker = db().CreateTransaction();
    TDB_ASSERT_OK(marker.AddWriteConflictRange("a", "f"));  // ends where the read begins
    TDB_ASSERT_OK(marker.Commit());
    TDB_EXPECT_OK(WriteAndCommit(reader));
  }
}

TEST_P(KvConflictTest, ConcurrentAtomicAddsBothCommit) {
  TDB_ASSERT_OK(Put("counter", LE64(100)));
  Transaction t1 = db().CreateTransaction();
  Transaction t2 = db().CreateTransaction();
  TDB_ASSERT_OK(t1.GetReadVersion());
  TDB_ASSERT_OK(t2.GetReadVersion());
  TDB_ASSERT_OK_AND_ASSIGN(auto other1, t1.Get("a"));  // unrelated reads
  TDB_ASSERT_OK_AND_ASSIGN(auto other2, t2.Get("b"));
  TDB_ASSERT_OK(t1.Add("counter", 5));
  TDB_ASSERT_OK(t2.Add("counter", 7));
  TDB_ASSERT_OK(t1.Atomic(MutationType::kMax, "max", LE64(3)));
  TDB_ASSERT_OK(t2.Atomic(MutationType::kMax, "max", LE64(9)));
  TDB_ASSERT_OK(t1.Commit());
  Status second = t2.Commit();
  ASSERT_TRUE(second.ok()) << "atomic operations do not conflict: " << second.ToString();
  TDB_ASSERT_OK_AND_ASSIGN(auto sum, Read("counter"));
  EXPECT_EQ(sum, std::optional<std::string>(LE64(112)));
  TDB_ASSERT_OK_AND_ASSIGN(auto max, Read("max"));
  EXPECT_EQ(max, std::optional<std::string>(LE64(9)));
}

TEST_P(KvConflictTest, BlindWritesDoNotConflict) {
  Transaction t1 = db().CreateTransaction();
  Transaction t2 = db().CreateTransaction();
  TDB_ASSERT_OK(t1.GetReadVersion());
  TDB_ASSERT_OK(t2.GetReadVersion());
  TDB_ASSERT_OK(t1.Set("c", "one"));
  TDB_ASSERT_OK(t2.Set("c", "two"));
  TDB_ASSERT_OK(t1.ClearRange("d", "f"));
  TDB_ASSERT_OK(t2.ClearRange("e", "g"));
  TDB_ASSERT_OK(t1.Commit());
  TDB_ASSERT_OK(t2.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(auto c, Read("c"));
  EXPECT_EQ(c, std::optional<std::string>("two")) << "the later commit wins";
  TDB_ASSERT_OK_AND_ASSIGN(auto all, ReadAll());
  EXPECT_THAT(Keys(all), ElementsAre("a", "b", "c", "g", "h", "i", "j"));
}

TEST_P(KvConflictTest, ReadingAfterAnotherTransactionsAtomicOpConflicts) {
  TDB_ASSERT_OK(Put("counter", LE64(1)));
  Transaction reader = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, reader.Get("counter"));
  Transaction adder = db().CreateTransaction();
  TDB_ASSERT_OK(adder.Add("counter", 1));
  TDB_ASSERT_OK(adder.Commit());
  TDB_EXPECT_ERROR(WriteAndCommit(reader), ErrorCode::kNotCommitted);
}

TEST_P(KvConflictTest, ReadingOwnAtomicOpAddsAReadConflict) {
  TDB_ASSERT_OK(Put("counter", LE64(1)));
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Add("counter", 1));
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("counter"));  // depends on the database's value
  Transaction adder = db().CreateTransaction();
  TDB_ASSERT_OK(adder.Add("counter", 10));
  TDB_ASSERT_OK(adder.Commit());
  TDB_EXPECT_ERROR(tr.Commit(), ErrorCode::kNotCommitted);
}

TEST_P(KvConflictTest, LimitedRangeReadConflictsOnlyWhereItRead) {
  // Forward: a, b, c are returned; writes after c do not matter.
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("a", "z", {.limit = 3}));
    EXPECT_THAT(Keys(r.kvs), ElementsAre("a", "b", "c"));
    Write("h");
    Write("d");
    Write("j");
    TDB_EXPECT_OK(WriteAndCommit(tr));
  }
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("a", "z", {.limit = 3}));
    Write("b");
    TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
  }
  // Reverse: j, i, h are returned; writes before h do not matter.
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("a", "z", {.limit = 3, .reverse = Reverse::kYes}));
    EXPECT_THAT(Keys(r.kvs), ElementsAre("j", "i", "h"));
    Write("b");
    Write("g");
    TDB_EXPECT_OK(WriteAndCommit(tr));
  }
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("a", "z", {.limit = 3, .reverse = Reverse::kYes}));
    Write("x");  // after j, still inside what the reverse read covered
    TDB_EXPECT_ERROR(WriteAndCommit(tr), ErrorCode::kNotCommitted);
  }
  // Stopped by target_bytes after one pair.
  {
    Transaction tr = db().CreateTransaction();
    TDB_ASSERT_OK_AND_ASSIGN(auto r, tr.GetRange("a", "z", {.target_bytes = 1}));
    EXPECT_THAT(Keys(r.kvs), ElementsAre("a"));
    Write("e");
    TDB_EXPECT_OK(WriteAndCommit(tr));
  }
}

TEST_P(KvConflictTest, ConflictsComeOnlyFromCommitsAfterTheReadVersion) {
  Write("c", "before");  // committed before tr's read version
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("c"));
  EXPECT_EQ(v, std::optional<std::string>("before"));
  TDB_EXPECT_OK(WriteAndCommit(tr));
}

TEST_P(KvConflictTest, TooOldCommitFailsRetryably) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("a"));
  clock().Advance(kMaxReadVersionLag + 1'000'000);  // 6 seconds, in microseconds
  Write("unrelated");  // the newest version is now > 5 s past tr's read version
  Status s = WriteAndCommit(tr);
  TDB_EXPECT_ERROR(s, ErrorCode::kTransactionTooOld);
  EXPECT_EQ(s.number(), 1007);
  EXPECT_TRUE(s.retryable());
  TDB_ASSERT_OK_AND_ASSIGN(auto own, Read("zz-own-write"));
  EXPECT_EQ(own, std::nullopt);

  TDB_ASSERT_OK(tr.OnError(s));  // resets; the retry reads at a new version
  TDB_ASSERT_OK_AND_ASSIGN(auto v2, tr.Get("a"));
  TDB_EXPECT_OK(WriteAndCommit(tr));
}

TEST_P(KvConflictTest, TooOldReadsFail) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("a"));
  clock().Advance(kMaxReadVersionLag + 1'000'000);
  Write("unrelated");
  TDB_EXPECT_ERROR(tr.Get("b"), ErrorCode::kTransactionTooOld);
  TDB_EXPECT_ERROR(tr.GetRange("a", "z"), ErrorCode::kTransactionTooOld);
}

TEST_P(KvConflictTest, TransactionsWithinFiveSecondsAreNotTooOld) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(auto v, tr.Get("a"));
  clock().Advance(4'000'000);
  Write("unrelated");
  TDB_ASSERT_OK_AND_ASSIGN(auto b, tr.Get("b"));
  EXPECT_EQ(b, std::optional<std::string>("B"));
  TDB_EXPECT_OK(WriteAndCommit(tr));
}

TEST_P(KvConflictTest, OnErrorResetsOnRetryableAndPassesOthersThrough) {
  Transaction tr = db().CreateTransaction();
  TDB_ASSERT_OK(tr.Set("pending", "1"));
  TDB_ASSERT_OK(tr.OnError(Error(ErrorCode::kNotCommitted)));
  TDB_ASSERT_OK_AND_ASSIGN(auto pending, tr.Get("pending"));
  EXPECT_EQ(pending, std::nullopt) << "OnError resets the transaction";
  TDB_EXPECT_ERROR(tr.OnError(Error(ErrorCode::kInvalidArgument, "bad")),
                   ErrorCode::kInvalidArgument);
}

// The retry loop.

TEST_P(KvConflictTest, RunRetriesAConflictUntilItCommits) {
  int attempts = 0;
  Status s = db().Run(
      [&](Transaction& tr) -> Status {
        ++attempts;
        TDB_ASSIGN_OR_RETURN(auto c, tr.Get("c"));
        if (attempts == 1) {
          Transaction other = db().CreateTransaction();
          TDB_RETURN_IF_ERROR(other.Set("c", "interloper"));
          TDB_RETURN_IF_ERROR(other.Commit());
        }
        return tr.Set("c", c.value_or("") + "+run");
      },
      Bounded());
  TDB_ASSERT_OK(s);
  EXPECT_EQ(attempts, 2);
  TDB_ASSERT_OK_AND_ASSIGN(auto c, Read("c"));
  EXPECT_EQ(c, std::optional<std::string>("interloper+run"));
}

TEST_P(KvConflictTest, RunRetriesTransactionTooOld) {
  int attempts = 0;
  Status s = db().Run(
      [&](Transaction& tr) -> Status {
        ++attempts;
        TDB_ASSIGN_OR_RETURN(auto c, tr.Get("c"));
        if (attempts == 1) {
          clock().Advance(kMaxReadVersionLag + 1'000'000);
          Write("unrelated");
        }
        return tr.Set("d", "done");
      },
      Bounded());
  TDB_ASSERT_OK(s);
  EXPECT_EQ(attempts, 2);
}

TEST_P(KvConflictTest, RunReturnsNonRetryableErrorsAtOnce) {
  int attempts = 0;
  Status s = db().Run(
      [&](Transaction& tr) -> Status {
        ++attempts;
        TDB_RETURN_IF_ERROR(tr.Set("written", "no"));
        return Error(ErrorCode::kInvalidArgument, "the function refused");
      },
      Bounded());
  TDB_EXPECT_ERROR(s, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "the function refused") << "returned unchanged";
  EXPECT_EQ(attempts, 1);
  TDB_ASSERT_OK_AND_ASSIGN(auto w, Read("written"));
  EXPECT_EQ(w, std::nullopt);

  attempts = 0;
  s = db().Run(
      [&](Transaction& tr) -> Status {
        ++attempts;
        return tr.Set(std::string(kMaxKeySize + 1, 'k'), "v");
      },
      Bounded());
  TDB_EXPECT_ERROR(s, ErrorCode::kKeyTooLarge);
  EXPECT_EQ(attempts, 1);
}

TEST_P(KvConflictTest, RunMaxRetriesBoundsRetries) {
  for (int max_retries : {0, 3}) {
    int attempts = 0;
    Status s = db().Run(
        [&](Transaction& tr) -> Status {
          ++attempts;
          TDB_ASSIGN_OR_RETURN(auto c, tr.Get("c"));
          Transaction other = db().CreateTransaction();  // conflicts every time
          TDB_RETURN_IF_ERROR(other.Set("c", fmt::format("{}", attempts)));
          TDB_RETURN_IF_ERROR(other.Commit());
          return tr.Set("c", "never");
        },
        {.transaction = {},
         .max_retries = max_retries,
         .initial_backoff_micros = 1,
         .max_backoff_micros = 100});
    TDB_EXPECT_ERROR(s, ErrorCode::kNotCommitted);
    EXPECT_EQ(attempts, max_retries + 1) << "max_retries " << max_retries;
  }
  TDB_ASSERT_OK_AND_ASSIGN(auto c, Read("c"));
  EXPECT_NE(c, std::optional<std::string>("never"));
}

TEST_P(KvConflictTest, RunRetriesCommitUnknownResultOnlyWhenIdempotent) {
  int attempts = 0;
  auto fn = [&](Transaction&) -> Status {
    ++attempts;
    return Error(ErrorCode::kCommitUnknownResult, "simulated");
  };
  Status s = db().Run(fn, {.transaction = {}, .max_retries = 2, .initial_backoff_micros = 1});
  TDB_EXPECT_ERROR(s, ErrorCode::kCommitUnknownResult);
  EXPECT_EQ(attempts, 1);

  attempts = 0;
  s = db().Run(
      fn, {.transaction = {}, .idempotent = true, .max_retries = 2, .initial_backoff_micros = 1});
  TDB_EXPECT_ERROR(s, ErrorCode::kCommitUnknownResult);
  EXPECT_EQ(attempts, 3);

  attempts = 0;
  s = db().Run(
      [&](Transaction&) -> Status {
        ++attempts;
        return attempts < 3 ? Error(ErrorCode::kStorageBusy) : Status::OK();
      },
      {.transaction = {}, .max_retries = 10, .initial_backoff_micros = 1});
  TDB_EXPECT_OK(s);
  EXPECT_EQ(attempts, 3) << "storage_busy is retried";
}

INSTANTIATE_TEST_SUITE_P(Engines, KvConflictTest, testing::AllEngines(), testing::EngineKindName);

}  // namespace
}  // namespace tenantdb
