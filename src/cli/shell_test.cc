#include "cli/shell.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tenantdb::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Split(std::string_view line) {
  Result<std::vector<std::string>> args = SplitShellLine(line);
  EXPECT_TRUE(args.ok()) << args.status().ToString();
  return args.ok() ? *args : std::vector<std::string>{};
}

TEST(SplitShellLineTest, BlanksSeparate) {
  EXPECT_THAT(Split(""), IsEmpty());
  EXPECT_THAT(Split(" \t "), IsEmpty());
  EXPECT_THAT(Split("set  a\tb "), ElementsAre("set", "a", "b"));
}

TEST(SplitShellLineTest, QuotesGroupAndMayBeEmpty) {
  EXPECT_THAT(Split("set \"a b\" 'c d'"), ElementsAre("set", "a b", "c d"));
  EXPECT_THAT(Split("get \"\" ''"), ElementsAre("get", "", ""));
  EXPECT_THAT(Split("a\"b c\"d"), ElementsAre("ab cd"));
  EXPECT_THAT(Split("'say \"hi\"'"), ElementsAre("say \"hi\""));
}

TEST(SplitShellLineTest, BackslashesStayForTheEscapeDecoder) {
  EXPECT_THAT(Split("a\\x20b c"), ElementsAre("a\\x20b", "c"));
  EXPECT_THAT(Split("a\\ b"), ElementsAre("a\\ b"));
  EXPECT_THAT(Split("\"a\\\"b\""), ElementsAre("a\\\"b"));
  EXPECT_THAT(Split("'\\''"), ElementsAre("\\'"));
  EXPECT_THAT(Split("a\\"), ElementsAre("a\\"));
}

TEST(SplitShellLineTest, UnterminatedQuoteIsAnError) {
  Result<std::vector<std::string>> args = SplitShellLine("set \"abc");
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(args.status().message(), "unterminated \" quote at offset 4");
}

}  // namespace
}  // namespace tenantdb::cli
