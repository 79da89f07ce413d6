#include "tenantdb/status.h"

#include <gtest/gtest.h>

namespace tenantdb {
namespace {

TEST(StatusTest, CodesCarryStableNumberNameAndRetryability) {
  Status s = Error(ErrorCode::kNotCommitted, "conflict on key 'a'");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.number(), 1020);
  EXPECT_EQ(s.name(), "not_committed");
  EXPECT_TRUE(s.retryable());
  EXPECT_EQ(s.ToString(), "not_committed (1020): conflict on key 'a'");

  Status k = Error(ErrorCode::kKeyTooLarge);
  EXPECT_EQ(k.number(), 2102);
  EXPECT_FALSE(k.retryable());
  EXPECT_EQ(k.ToString(), "key_too_large (2102): Key length exceeds limit");
  EXPECT_TRUE(IsRetryable(ErrorCode::kTransactionTooOld));
  EXPECT_EQ(ErrorName(static_cast<ErrorCode>(99999)), "unknown_error");
}

TEST(StatusTest, ContextIsPrefixed) {
  Status s = Error(ErrorCode::kValueTooLarge, "value of 100001 bytes").WithContext("key 'x'");
  EXPECT_EQ(s.message(), "key 'x': value of 100001 bytes");
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
  EXPECT_EQ(Status::OK().ToString(), "ok");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Error(ErrorCode::kInvalidArgument, "odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  TDB_ASSIGN_OR_RETURN(int h, Half(x));
  TDB_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, ResultPropagatesErrors) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace tenantdb
