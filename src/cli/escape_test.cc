#include "cli/escape.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "testing/testing.h"

namespace tenantdb::cli {
namespace {

std::string Byte(int b) { return std::string(1, static_cast<char>(b)); }

std::string MustUnescape(std::string_view text) {
  Result<std::string> r = UnescapeBytes(text);
  EXPECT_TRUE(r.ok()) << "text '" << text << "': " << r.status().ToString();
  return r.ok() ? *r : std::string();
}

std::string ErrorOf(std::string_view text) {
  Result<std::string> r = UnescapeBytes(text);
  EXPECT_FALSE(r.ok()) << "text '" << text << "' unescaped to '" << EscapeBytes(*r) << "'";
  if (r.ok()) return {};
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  return r.status().message();
}

TEST(EscapeTest, EveryByteHasItsCanonicalForm) {
  for (int b = 0; b < 256; ++b) {
    const std::string escaped = EscapeBytes(Byte(b));
    if (b == '\\') {
      EXPECT_EQ(escaped, "\\\\");
    } else if (b >= 0x20 && b <= 0x7e) {
      EXPECT_EQ(escaped, Byte(b));
    } else {
      EXPECT_EQ(escaped, fmt::format("\\x{:02x}", b));
    }
    EXPECT_EQ(MustUnescape(escaped), Byte(b)) << "byte " << b;
  }
}

TEST(EscapeTest, AllBytesInOneStringRoundTrip) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string escaped = EscapeBytes(all);
  for (char c : escaped) {
    ASSERT_GE(static_cast<unsigned char>(c), 0x20);
    ASSERT_LE(static_cast<unsigned char>(c), 0x7e);
  }
  EXPECT_EQ(MustUnescape(escaped), all);
}

TEST(EscapeTest, EveryPairOfBytesRoundTrips) {
  // Pairs catch escapes that swallow or misread the byte after them (e.g. "\" then "x").
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string bytes = Byte(a) + Byte(b);
      ASSERT_EQ(MustUnescape(EscapeBytes(bytes)), bytes) << a << " " << b;
    }
  }
}

TEST(EscapeTest, RandomStringsRoundTrip) {
  std::mt19937_64 rng(tenantdb::testing::TestSeed());
  const int rounds = 20'000 * tenantdb::testing::TestScale();
  // Mostly a small alphabet rich in the troublesome bytes, sometimes any byte.
  const std::string tricky = std::string("\\x0aF\n\t\"' ") + Byte(0) + Byte(0xff) + Byte(0x7f);
  for (int round = 0; round < rounds; ++round) {
    const size_t length = rng() % 40;
    std::string bytes;
    for (size_t i = 0; i < length; ++i) {
      bytes += rng() % 2 ? tricky[rng() % tricky.size()] : static_cast<char>(rng() % 256);
    }
    const std::string escaped = EscapeBytes(bytes);
    ASSERT_EQ(MustUnescape(escaped), bytes) << "escaped: " << escaped;
    ASSERT_EQ(EscapeBytes(MustUnescape(escaped)), escaped);
  }
}

TEST(EscapeTest, RandomTextEitherFailsOrHasOneMeaning) {
  // Text not produced by EscapeBytes: whatever it decodes to must re-encode to text that
  // decodes to the same bytes.
  std::mt19937_64 rng(tenantdb::testing::TestSeed() + 1);
  const std::string alphabet = "\\\\x0aFg nrt\"'";
  const int rounds = 20'000 * tenantdb::testing::TestScale();
  for (int round = 0; round < rounds; ++round) {
    std::string text;
    for (size_t i = rng() % 12; i > 0; --i) text += alphabet[rng() % alphabet.size()];
    Result<std::string> bytes = UnescapeBytes(text);
    if (!bytes.ok()) {
      ASSERT_EQ(bytes.status().code(), ErrorCode::kInvalidArgument) << text;
      continue;
    }
    ASSERT_EQ(MustUnescape(EscapeBytes(*bytes)), *bytes) << text;
  }
}

TEST(EscapeTest, AcceptsTheLenientForms) {
  EXPECT_EQ(MustUnescape(""), "");
  EXPECT_EQ(MustUnescape("\\xFF\\xAb\\x0A"), "\xff\xab\n");
  EXPECT_EQ(MustUnescape("\\n\\r\\t"), "\n\r\t");
  EXPECT_EQ(MustUnescape("\\\"\\'\\ "), "\"' ");
  EXPECT_EQ(MustUnescape("a\\\\b"), "a\\b");
  EXPECT_EQ(MustUnescape("\\x001"), std::string("\0"
                                                "1",
                                                2));
  // Bytes other than the backslash are taken as they are: raw UTF-8, controls, even 0xff.
  EXPECT_EQ(MustUnescape("caf\xc3\xa9\t\xff"), "caf\xc3\xa9\t\xff");
  EXPECT_EQ(EscapeBytes("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

TEST(EscapeTest, ErrorsNameTheEscapeAndItsOffset) {
  EXPECT_EQ(ErrorOf("abc\\xZ1"), "invalid escape '\\xZ' at offset 3 (\\x takes two hex digits)");
  EXPECT_EQ(ErrorOf("\\x4g"), "invalid escape '\\x4g' at offset 0 (\\x takes two hex digits)");
  EXPECT_EQ(ErrorOf("ab\\x4"), "invalid escape '\\x4' at offset 2 (\\x takes two hex digits)");
  EXPECT_EQ(ErrorOf("ab\\x"), "invalid escape '\\x' at offset 2 (\\x takes two hex digits)");
  EXPECT_EQ(ErrorOf("ab\\"),
            "invalid escape '\\' at offset 2 (a lone backslash at the end; write \\\\ for a "
            "backslash)");
  EXPECT_EQ(ErrorOf("\\q"),
            "invalid escape '\\q' at offset 0 (valid escapes are \\\\ \\xNN \\n \\r \\t \\\" \\' "
            "and \\ (space))");
  // Octal is not an escape: \0 would read ambiguously before a digit.
  EXPECT_NE(ErrorOf("\\0").find("'\\0' at offset 0"), std::string::npos);
  // A control byte inside a bad escape is shown escaped, keeping the message one line.
  EXPECT_NE(ErrorOf("\\x\n").find("'\\x\\x0a' at offset 0"), std::string::npos);
  EXPECT_NE(ErrorOf("\\\n").find("'\\\\x0a' at offset 0"), std::string::npos);
  // The first bad escape is the one reported.
  EXPECT_NE(ErrorOf("ok\\x41\\y\\z").find("'\\y' at offset 6"), std::string::npos);
}

}  // namespace
}  // namespace tenantdb::cli
