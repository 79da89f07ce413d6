#include "tenantdb/subspace.h"

#include <gtest/gtest.h>

#include <string>

namespace tenantdb {
namespace {

TEST(SubspaceTest, PacksUnderItsPrefix) {
  Subspace users(Tuple::Of("users"));
  EXPECT_EQ(users.Key(), std::string("\x02users\x00", 7));
  std::string key = users.Pack(Tuple::Of(42));
  EXPECT_EQ(key, std::string("\x02users\x00\x15\x2a", 9));
  EXPECT_EQ(key, Tuple::Of("users", 42).Pack());
  EXPECT_TRUE(users.Contains(key));
  EXPECT_TRUE(users.Contains(users.Key()));
  EXPECT_FALSE(users.Contains(Tuple::Of("user").Pack()));
  EXPECT_FALSE(users.Contains(Tuple::Of("usersx").Pack()));

  Result<Tuple> t = users.Unpack(key);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, Tuple::Of(42));
  EXPECT_EQ(*users.Unpack(users.Key()), Tuple());
}

TEST(SubspaceTest, RawPrefixAndTuple) {
  Subspace tenant = Subspace::FromRawPrefix(std::string("\x01\x00\xfe", 3));
  Subspace records(Tuple::Of("records"), tenant.Key());
  EXPECT_EQ(records.Key(), std::string("\x01\x00\xfe", 3) + Tuple::Of("records").Pack());
  EXPECT_EQ(records, tenant.Sub(Tuple::Of("records")));
  EXPECT_EQ(records.Sub(Tuple::Of(7)).Key(), records.Pack(Tuple::Of(7)));
  EXPECT_EQ(Subspace().Pack(Tuple::Of(1)), Tuple::Of(1).Pack());
}

TEST(SubspaceTest, UnpackRefusesForeignOrCorruptKeys) {
  Subspace users(Tuple::Of("users"));
  Result<Tuple> outside = users.Unpack(Tuple::Of("orders", 1).Pack());
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(outside.status().message().find("not in subspace"), std::string::npos);

  Result<Tuple> corrupt = users.Unpack(users.Key() + "\x16\x01");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), ErrorCode::kInvalidTuple);
  EXPECT_NE(corrupt.status().message().find("after 7 prefix bytes"), std::string::npos)
      << corrupt.status().message();
  EXPECT_NE(corrupt.status().message().find("byte 0: truncated integer"), std::string::npos)
      << corrupt.status().message();
}

TEST(SubspaceTest, RangeHoldsExactlyTheTuplesBelow) {
  Subspace users(Tuple::Of("users"));
  auto [begin, end] = users.Range();
  EXPECT_EQ(begin, users.Key() + std::string(1, '\0'));
  EXPECT_EQ(end, users.Key() + "\xff");
  for (const Tuple& t :
       {Tuple::Of(nullptr), Tuple::Of(Bytes{""}), Tuple::Of(-1), Tuple::Of(1), Tuple::Of(Tuple()),
        Tuple::Of(Versionstamp::Incomplete()), Tuple::Of("z", "z")}) {
    std::string key = users.Pack(t);
    EXPECT_TRUE(begin <= key && key < end) << t.ToString();
  }
  // The prefix itself and keys of neighbouring subspaces are outside.
  for (const std::string& key :
       {users.Key(), Tuple::Of("users\x01").Pack(), Tuple::Of(std::string("users\0", 6)).Pack()}) {
    EXPECT_FALSE(begin <= key && key < end);
  }

  auto [sub_begin, sub_end] = users.Range(Tuple::Of(42));
  EXPECT_EQ(sub_begin, users.Pack(Tuple::Of(42)) + std::string(1, '\0'));
  EXPECT_EQ(sub_end, users.Pack(Tuple::Of(42)) + "\xff");
  EXPECT_EQ(users.Range(Tuple::Of(42)), users.Sub(Tuple::Of(42)).Range());
}

TEST(SubspaceTest, PackWithVersionstampCountsThePrefix) {
  Subspace log(Tuple::Of("log"));  // 02 'log' 00: 5 bytes
  Result<std::string> key = log.PackWithVersionstamp(Tuple::Of(Versionstamp::Incomplete(2)));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::string packed = log.Pack(Tuple::Of(Versionstamp::Incomplete(2)));
  EXPECT_EQ(*key, packed + std::string("\x06\x00\x00\x00", 4));  // after 5 bytes and 0x33
  EXPECT_FALSE(log.PackWithVersionstamp(Tuple::Of(1)).ok());
}

}  // namespace
}  // namespace tenantdb
