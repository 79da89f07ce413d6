#include "cli/cli.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"
#include "cli/escape.h"
#include "testing/testing.h"

namespace tenantdb::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("TENANTDB_STORE"); }
  void TearDown() override { unsetenv("TENANTDB_STORE"); }

  std::filesystem::path StorePath(std::string_view name = "db") const { return dir_.path() / name; }
  std::string Store(std::string_view name = "db") const {
    return "file:" + StorePath(name).string();
  }
  // Runs `tenantdb --store <Store()> args...`.
  Ran Kv(std::vector<std::string> args, const std::string& store = {}) {
    args.insert(args.begin(), {"--store", store.empty() ? Store() : store, "kv"});
    return RunTool(args);
  }
  void MustSet(const std::string& key, const std::string& value) {
    const Ran ran = Kv({"set", key, value});
    ASSERT_EQ(ran.code, kExitOk) << ran.err;
    ASSERT_EQ(ran.out, "");
    ASSERT_EQ(ran.err, "");
  }

  tenantdb::testing::TempDir dir_;
};

TEST_F(CliTest, SetThenGetRoundTripsBinaryKeysAndValues) {
  std::string value;
  for (int b = 0; b < 256; ++b) value += static_cast<char>(b);
  const std::string key = std::string("k\0\n\t\\ \"'\x7f\x80\xfe", 11);
  MustSet(EscapeBytes(key), EscapeBytes(value));

  Ran got = Kv({"get", EscapeBytes(key)});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, EscapeBytes(value) + "\n");
  EXPECT_EQ(got.err, "");

  got = Kv({"get", EscapeBytes(key), "--raw"});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, value);

  got = RunTool({"--store", Store(), "--json", "kv", "get", EscapeBytes(key)});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(
      got.out, R"({"key":"k\\x00\\x0a\\x09\\\\ \"'\\x7f\\x80\\xfe","value":")" + [&] {
        std::string json;
        for (char c : EscapeBytes(value)) {
          if (c == '\\' || c == '"') json += '\\';
          json += c;
        }
        return json;
      }() + "\"}\n");
}

TEST_F(CliTest, LenientEscapesNameTheSameBytes) {
  MustSet("tab\\there\\xAB", "v\\x0A");
  const Ran got = Kv({"get", "tab\\x09here\\xab"});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, "v\\x0a\n");
}

TEST_F(CliTest, EmptyKeyAndValue) {
  MustSet("", "");
  const Ran got = Kv({"get", ""});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, "\n");
}

TEST_F(CliTest, MissingKeyExitsThreeWithOneLine) {
  MustSet("present", "1");
  Ran got = Kv({"get", "abs\\x00ent"});
  ExpectOneErrorLine(got, kExitNotFound, "tenantdb: key 'abs\\x00ent' not found");
  EXPECT_EQ(got.out, "");
  got = RunTool({"--store", Store(), "kv", "get", "absent", "--json"});
  EXPECT_EQ(got.code, kExitNotFound);
  EXPECT_EQ(got.out, "{\"key\":\"absent\",\"value\":null}\n");
}

TEST_F(CliTest, RangeOrderReverseAndLimit) {
  for (const char* key : {"b", "a\\x00", "c", "\\x00", "a", "d"}) MustSet(key, key);
  Ran got = Kv({"range", ""});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, "\\x00\t\\x00\na\ta\na\\x00\ta\\x00\nb\tb\nc\tc\nd\td\n");

  got = Kv({"range", "a", "c"});
  EXPECT_EQ(got.out, "a\ta\na\\x00\ta\\x00\nb\tb\n");  // END is exclusive
  got = Kv({"range", "a", "c", "--reverse"});
  EXPECT_EQ(got.out, "b\tb\na\\x00\ta\\x00\na\ta\n");
  got = Kv({"range", "", "--limit", "2"});
  EXPECT_EQ(got.out, "\\x00\t\\x00\na\ta\n");
  got = Kv({"range", "", "--limit", "2", "--reverse"});
  EXPECT_EQ(got.out, "d\td\nc\tc\n");
  got = Kv({"range", "x", "y"});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, "");
  got = RunTool({"--store", Store(), "kv", "range", "c", "--json"});
  EXPECT_EQ(got.out, "{\"key\":\"c\",\"value\":\"c\"}\n{\"key\":\"d\",\"value\":\"d\"}\n");
}

TEST_F(CliTest, ClearAndClearRange) {
  for (const char* key : {"a", "b", "b\\x00", "c", "d"}) MustSet(key, "v");
  Ran got = Kv({"clear", "a"});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  got = Kv({"clear", "never-set"});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  got = Kv({"clear-range", "b", "d"});
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, "");
  got = Kv({"range", ""});
  EXPECT_EQ(got.out, "d\tv\n");
}

TEST_F(CliTest, InvertedRangeIsAUsageError) {
  MustSet("a", "v");
  ExpectOneErrorLine(Kv({"range", "z", "a"}), kExitUsage, "inverted_range (2005)");
  ExpectOneErrorLine(Kv({"clear-range", "z", "a"}), kExitUsage, "inverted_range (2005)");
}

TEST_F(CliTest, SystemKeysAreRefused) {
  ExpectOneErrorLine(Kv({"set", "\\xff\\x01", "v"}), kExitUsage, "key_outside_legal_range");
}

TEST_F(CliTest, StoreFromEnvironmentAndFlagOverridesIt) {
  setenv("TENANTDB_STORE", Store("from-env").c_str(), 1);
  Ran got = RunTool({"kv", "set", "k", "env"});
  ASSERT_EQ(got.code, kExitOk) << got.err;
  EXPECT_TRUE(std::filesystem::exists(StorePath("from-env")));
  got = RunTool({"--store", Store("from-flag"), "kv", "set", "k", "flag"});
  ASSERT_EQ(got.code, kExitOk) << got.err;

  got = RunTool({"kv", "get", "k"});
  EXPECT_EQ(got.out, "env\n");
  got = RunTool({"kv", "get", "k", "--store", Store("from-flag")});  // options may follow
  EXPECT_EQ(got.out, "flag\n");
}

TEST_F(CliTest, DefaultStoreIsTenantdbDataInTheWorkingDirectory) {
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(dir_.path());
  const Ran set = RunTool({"kv", "set", "k", "v"});
  const Ran got = RunTool({"kv", "get", "k"});
  std::filesystem::current_path(before);
  EXPECT_EQ(set.code, kExitOk) << set.err;
  EXPECT_EQ(got.out, "v\n");
  EXPECT_TRUE(std::filesystem::is_directory(dir_.path() / "tenantdb-data"));
}

TEST_F(CliTest, MemoryStoreStartsEmptyEveryTime) {
  ASSERT_EQ(Kv({"set", "k", "v"}, "memory:").code, kExitOk);
  EXPECT_EQ(Kv({"get", "k"}, "memory:").code, kExitNotFound);
}

TEST_F(CliTest, BadArgumentsPrintOneLineAndExitTwo) {
  const std::string store = Store();
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{},
       "tenantdb: error: missing command (expected one of: kv, shell, tenant, bench); see "
       "'tenantdb --help'"},
      {{"kv"}, "missing command (expected one of: get, set, clear, range, clear-range)"},
      {{"nope"}, "unknown command 'nope'"},
      {{"kv", "nope"}, "unknown command 'kv nope'"},
      {{"--bogus"}, "--bogus"},
      {{"kv", "get"}, "key is required; see 'tenantdb kv get --help'"},
      {{"kv", "set", "k"}, "value is required; see 'tenantdb kv set --help'"},
      {{"kv", "get", "-x"}, "unknown option '-x'"},
      {{"kv", "get", "a", "b"}, "unexpected argument 'b'; see 'tenantdb kv get --help'"},
      {{"kv", "get", "a\\xZ"},
       "tenantdb: error: key: invalid escape '\\xZ' at offset 1 (\\x takes two hex digits)"},
      {{"kv", "set", "k", "v\\"}, "value: invalid escape '\\' at offset 1"},
      {{"kv", "range", "a", "b\\q"}, "end: invalid escape '\\q' at offset 1"},
      {{"kv", "clear-range", "\\x1", "b"}, "begin: invalid escape '\\x1' at offset 0"},
      {{"kv", "range", "a", "--limit", "0"}, "--limit: expected an integer from 1 to"},
      {{"kv", "range", "a", "--limit", "ten"}, "got 'ten'"},
      {{"kv", "get", "k", "--raw", "--json"}, "--raw cannot be used with --json"},
      {{"--store"}, "--store"},
      {{"--store", "", "kv", "get", "k"}, "--store: empty store URL"},
      {{"--store", "bogus:x", "kv", "get", "k"}, "invalid_store_url (3001)"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    // Point at the test store unless the case is about --store itself.
    if (std::find(args.begin(), args.end(), "--store") == args.end() && !args.empty()) {
      args.insert(args.begin(), {"--store", store});
    }
    SCOPED_TRACE(fmt::format("args: {}", fmt::join(args, " ")));
    const Ran ran = RunTool(args);
    ExpectOneErrorLine(ran, kExitUsage, c.message);
    EXPECT_THAT(ran.err, StartsWith("tenantdb: error: "));
    EXPECT_EQ(ran.out, "");
  }
  // Nothing was done: not even the store was created.
  EXPECT_FALSE(std::filesystem::exists(StorePath()));
}

TEST_F(CliTest, ReadingAStoreThatDoesNotExistFailsWithoutCreatingIt) {
  const Ran got = Kv({"get", "k"});
  ExpectOneErrorLine(
      got, kExitFailed,
      "file_not_found (1511): store '" + Store() + "' does not exist (a write creates it)");
  EXPECT_FALSE(std::filesystem::exists(StorePath()));
}

TEST_F(CliTest, UnopenableStoreFailsWithOneLine) {
  std::filesystem::create_directories(dir_.path() / "file");
  const std::string under_a_file = "file:" + (dir_.path() / "file" / "x" / "y").string();
  { std::ofstream(dir_.path() / "file" / "x") << "not a directory"; }
  const Ran got = Kv({"set", "k", "v"}, under_a_file);
  EXPECT_NE(got.code, kExitOk);
  EXPECT_EQ(std::count(got.err.begin(), got.err.end(), '\n'), 1) << got.err;
  EXPECT_THAT(got.err, StartsWith("tenantdb: error: "));
}

TEST_F(CliTest, HelpDescribesEveryCommandAndExitsZero) {
  Ran got = RunTool({"--help"});
  EXPECT_EQ(got.code, kExitOk);
  EXPECT_EQ(got.err, "");
  for (const char* text : {"kv get KEY", "kv set KEY VALUE", "kv clear KEY", "kv range BEGIN",
                           "kv clear-range BEGIN END", "shell", "--store", "TENANTDB_STORE",
                           "--json", "\\xNN", "'user\\x0042'", "Exit status"}) {
    EXPECT_THAT(got.out, HasSubstr(text));
  }
  got = RunTool({"kv", "--help"});
  EXPECT_EQ(got.code, kExitOk);
  for (const char* text : {"get", "set", "clear", "range", "clear-range"}) {
    EXPECT_THAT(got.out, HasSubstr(text));
  }
  got = RunTool({"kv", "range", "--help"});
  EXPECT_EQ(got.code, kExitOk);
  EXPECT_THAT(got.out, HasSubstr("--limit"));
  EXPECT_THAT(got.out, HasSubstr("--reverse"));
  got = RunTool({"--version"});
  EXPECT_EQ(got.code, kExitOk);
  EXPECT_FALSE(got.out.empty());
}

TEST_F(CliTest, ShellRunsPipedCommandsWithoutPrompt) {
  const std::string script =
      "# a comment, then a blank line\n"
      "\n"
      "set a 1\n"
      "set \"b c\" 'two words'\n"
      "kv set d\\x00 x\\ty\n"
      "get a\n"
      "get missing\n"
      "range \"\"\n"
      "range '' --reverse --limit 1\n"
      "frobnicate\n"
      "get 'bad\\xZ'\n"
      "clear-range a c\n"
      "range ''\n";
  const Ran got = RunTool({"--store", Store(), "shell"}, script);
  EXPECT_EQ(got.out,
            "1\n"
            "a\t1\nb c\ttwo words\nd\\x00\tx\\x09y\n"
            "d\\x00\tx\\x09y\n"
            "d\\x00\tx\\x09y\n");
  EXPECT_EQ(got.err,
            "tenantdb: line 7: key 'missing' not found\n"
            "tenantdb: line 10: error: unknown command 'frobnicate'; type 'help'\n"
            "tenantdb: line 11: error: key: invalid escape '\\xZ' at offset 3 (\\x takes two "
            "hex digits)\n");
  EXPECT_EQ(got.code, kExitUsage);  // the first failure; the missing key is not one
}

TEST_F(CliTest, ShellBailStopsAtTheFirstFailure) {
  const Ran got = RunTool({"--store", Store(), "shell", "--bail"}, "set a 1\nrange z a\nset b 2\n");
  EXPECT_EQ(got.code, kExitUsage);
  EXPECT_THAT(got.err, HasSubstr("line 2: error: inverted_range"));
  EXPECT_EQ(RunTool({"--store", Store(), "kv", "get", "b"}).code, kExitNotFound);
}

TEST_F(CliTest, ShellQuitAndHelp) {
  const Ran got = RunTool({"--store", Store(), "shell"}, "help\nquit\nset a 1\n");
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_THAT(got.out, HasSubstr("clear-range BEGIN END"));
  EXPECT_EQ(RunTool({"--store", Store(), "kv", "get", "a"}).code, kExitNotFound);

  const Ran usage = RunTool({"--store", Store(), "shell"}, "range --help\nset k\n");
  EXPECT_THAT(usage.out, HasSubstr("--limit"));
  EXPECT_EQ(usage.err, "tenantdb: line 2: error: value is required; see 'set --help'\n");
}

TEST_F(CliTest, InteractiveShellPromptsAndReportsErrorsPlainly) {
  const Ran got = RunTool({"--store", Store(), "--json", "shell"},
                          "set k v\nget k\nget nope\nget 'x\n", /*interactive=*/true);
  EXPECT_EQ(got.out, "tenantdb shell on " + Store() +
                         ". Type 'help' for commands, 'quit' to leave.\n"
                         "tenantdb> tenantdb> {\"key\":\"k\",\"value\":\"v\"}\n"
                         "tenantdb> {\"key\":\"nope\",\"value\":null}\n"
                         "tenantdb> tenantdb> \n");
  EXPECT_EQ(got.err,
            "key 'nope' not found\n"
            "error: unterminated ' quote at offset 4\n");
}

}  // namespace
}  // namespace tenantdb::cli
