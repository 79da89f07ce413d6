// End-to-end tests of `tenantdb tenant ...` and `tenantdb --tenant NAME kv|shell` on a file
// store in a temporary directory.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/cli_test_util.h"
#include "testing/testing.h"

namespace tenantdb::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using JsonObject = std::map<std::string, std::string>;

// Parses one flat JSON object (values: strings, integers, null, true, false) strictly; string
// values are unescaped, the others kept as text. nullopt if `text` is not exactly that.
std::optional<JsonObject> ParseFlatJson(std::string_view text) {
  size_t i = 0;
  auto string = [&]() -> std::optional<std::string> {
    if (i >= text.size() || text[i] != '"') return std::nullopt;
    std::string out;
    for (++i; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') {
        ++i;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (++i >= text.size()) return std::nullopt;
      switch (text[i]) {
        case '"':
        case '\\':
        case '/':
          out += text[i];
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        default:
          return std::nullopt;  // \u is never produced for escaped text
      }
    }
    return std::nullopt;
  };
  auto scalar = [&]() -> std::optional<std::string> {
    if (i < text.size() && text[i] == '"') return string();
    const size_t start = i;
    if (i < text.size() && text[i] == '-') ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start && text[i - 1] != '-') return std::string(text.substr(start, i - start));
    for (std::string_view word : {"null", "true", "false"}) {
      if (text.substr(start, word.size()) == word) {
        i = start + word.size();
        return std::string(word);
      }
    }
    return std::nullopt;
  };
  JsonObject object;
  if (text.empty() || text[i++] != '{') return std::nullopt;
  if (i < text.size() && text[i] == '}')
    return ++i == text.size() ? std::optional(object) : std::nullopt;
  for (;;) {
    std::optional<std::string> key = string();
    if (!key || i >= text.size() || text[i++] != ':') return std::nullopt;
    std::optional<std::string> value = scalar();
    if (!value || object.count(*key) > 0) return std::nullopt;
    object[*key] = *value;
    if (i >= text.size()) return std::nullopt;
    if (text[i] == '}') return ++i == text.size() ? std::optional(object) : std::nullopt;
    if (text[i++] != ',') return std::nullopt;
  }
}

std::vector<std::string> Lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every line of `out` as a JSON object; fails the test for a line that is not one.
std::vector<JsonObject> JsonLines(const std::string& out) {
  std::vector<JsonObject> objects;
  for (const std::string& line : Lines(out)) {
    std::optional<JsonObject> object = ParseFlatJson(line);
    EXPECT_TRUE(object.has_value()) << "not one JSON object: " << line;
    if (object) objects.push_back(*object);
  }
  EXPECT_TRUE(out.empty() || out.back() == '\n') << out;
  return objects;
}

class TenantCliTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("TENANTDB_STORE"); }

  std::string Store() const { return "file:" + (dir_.path() / "db").string(); }

  // Runs `tenantdb --store <Store()> args...`.
  Ran Run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--store", Store()});
    return RunTool(args, input);
  }
  // Runs `tenantdb --store <Store()> --tenant <tenant> kv args...`.
  Ran TenantKv(const std::string& tenant, std::vector<std::string> args) {
    args.insert(args.begin(), {"--tenant", tenant, "kv"});
    return Run(args);
  }
  // Runs a command that must succeed and returns its output.
  std::string Must(const std::vector<std::string>& args) {
    const Ran ran = Run(args);
    EXPECT_EQ(ran.code, kExitOk) << fmt::format("{}: {}", fmt::join(args, " "), ran.err);
    EXPECT_EQ(ran.err, "");
    return ran.out;
  }

  tenantdb::testing::TempDir dir_;
};

TEST_F(TenantCliTest, CreateShowListRenameDelete) {
  EXPECT_EQ(Must({"tenant", "create", "acme", "--storage-quota", "10GiB", "--ops-quota", "500",
                  "--metadata", "plan=pro\\x00"}),
            "");
  EXPECT_EQ(Must({"tenant", "create", "beta"}), "");

  const std::string show = Must({"tenant", "show", "acme"});
  EXPECT_THAT(show, HasSubstr("name:           acme\n"));
  EXPECT_THAT(show, HasSubstr("id:             1\n"));
  EXPECT_THAT(show, HasSubstr("state:          active\n"));
  EXPECT_THAT(show, ::testing::ContainsRegex("created: +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
                                             "[0-9]{2}:[0-9]{2}Z\n"));
  EXPECT_THAT(show, HasSubstr("prefix:         \\xfe"));
  EXPECT_THAT(show, HasSubstr("storage quota:  10 GiB (10737418240 bytes)\n"));
  EXPECT_THAT(show, HasSubstr("ops quota:      500/s\n"));
  EXPECT_THAT(show, HasSubstr("stored bytes:   "));
  EXPECT_THAT(show, HasSubstr("metadata:       plan=pro\\x00\n"));

  const std::string list = Must({"tenant", "list"});
  const std::vector<std::string> lines = Lines(list);
  ASSERT_EQ(lines.size(), 3u) << list;
  EXPECT_THAT(lines[0],
              ::testing::MatchesRegex("NAME +ID +STATE +CREATED +STORAGE QUOTA +OPS QUOTA"));
  EXPECT_THAT(lines[1],
              ::testing::MatchesRegex("acme +1 +active +[0-9-]+T[0-9:]+Z +10 GiB +500/s"));
  EXPECT_THAT(lines[2],
              ::testing::MatchesRegex("beta +2 +active +[0-9-]+T[0-9:]+Z +unlimited +unlimited"));

  EXPECT_EQ(Must({"tenant", "rename", "acme", "zeta"}), "");
  ExpectOneErrorLine(Run({"tenant", "show", "acme"}), kExitNotFound,
                     "tenantdb: error: tenant_not_found (2131): tenant 'acme' does not exist");
  EXPECT_THAT(Must({"tenant", "show", "zeta"}), HasSubstr("id:             1\n"));
  ExpectOneErrorLine(Run({"tenant", "rename", "zeta", "beta"}), kExitFailed,
                     "tenant_already_exists");
  ExpectOneErrorLine(Run({"tenant", "create", "beta"}), kExitFailed, "tenant_already_exists");

  EXPECT_EQ(Must({"tenant", "delete", "zeta", "--yes"}), "");
  ExpectOneErrorLine(Run({"tenant", "show", "zeta"}), kExitNotFound, "tenant_not_found");
  ExpectOneErrorLine(Run({"tenant", "delete", "zeta", "--yes"}), kExitNotFound, "tenant_not_found");
  EXPECT_THAT(Must({"tenant", "list"}), HasSubstr("beta"));
  EXPECT_THAT(Must({"tenant", "list"}), ::testing::Not(HasSubstr("zeta")));
}

TEST_F(TenantCliTest, DeleteNeedsYesAndRemovesAllData) {
  Must({"tenant", "create", "acme"});
  ASSERT_EQ(TenantKv("acme", {"set", "k", "v"}).code, kExitOk);
  const Ran refused = Run({"tenant", "delete", "acme"});
  ExpectOneErrorLine(refused, kExitUsage,
                     "tenant delete removes tenant 'acme' and all its data at once and cannot "
                     "be undone; add --yes to confirm");
  EXPECT_EQ(TenantKv("acme", {"get", "k"}).out, "v\n");  // nothing was done

  Must({"tenant", "delete", "acme", "--yes"});
  ExpectOneErrorLine(TenantKv("acme", {"get", "k"}), kExitNotFound, "tenant_not_found");
  EXPECT_EQ(Must({"kv", "range", ""}), "");  // the data is gone from the raw keyspace too
  Must({"tenant", "create", "acme"});        // the name can be reused, and starts empty
  EXPECT_EQ(TenantKv("acme", {"range", ""}).out, "");
}

TEST_F(TenantCliTest, TenantKvIsIsolatedAndRawKvSeesThePrefixedKeys) {
  Must({"tenant", "create", "a"});
  Must({"tenant", "create", "b"});
  ASSERT_EQ(TenantKv("a", {"set", "k", "from a"}).code, kExitOk);
  ASSERT_EQ(TenantKv("b", {"set", "k", "from b"}).code, kExitOk);
  ASSERT_EQ(TenantKv("b", {"set", "only-b", "1"}).code, kExitOk);
  Must({"kv", "set", "k", "raw"});

  EXPECT_EQ(TenantKv("a", {"get", "k"}).out, "from a\n");
  EXPECT_EQ(TenantKv("b", {"get", "k"}).out, "from b\n");
  EXPECT_EQ(Must({"kv", "get", "k"}), "raw\n");
  EXPECT_EQ(TenantKv("a", {"range", ""}).out, "k\tfrom a\n");
  EXPECT_EQ(TenantKv("b", {"range", "", "--reverse", "--limit", "1"}).out, "only-b\t1\n");
  ExpectOneErrorLine(TenantKv("a", {"get", "only-b"}), kExitNotFound, "key 'only-b' not found");

  // The raw keyspace holds every tenant's data under its \xfe prefix.
  const std::string prefix_a = [&] {
    const std::string show = Must({"tenant", "show", "a"});
    const size_t at = show.find("prefix:");
    const size_t begin = show.find_first_not_of(' ', at + 7);
    return show.substr(begin, show.find('\n', begin) - begin);
  }();
  ASSERT_THAT(prefix_a, StartsWith("\\xfe"));
  const std::string raw = Must({"kv", "range", ""});
  EXPECT_THAT(raw, StartsWith("k\traw\n"));
  EXPECT_THAT(raw, HasSubstr(prefix_a + "k\tfrom a\n"));
  EXPECT_THAT(raw, HasSubstr("only-b\t1\n"));

  // Clears stay inside the tenant.
  ASSERT_EQ(TenantKv("a", {"clear-range", "", "\\xff"}).code, kExitOk);
  EXPECT_EQ(TenantKv("a", {"range", ""}).out, "");
  EXPECT_EQ(TenantKv("b", {"get", "k"}).out, "from b\n");
  EXPECT_EQ(Must({"kv", "get", "k"}), "raw\n");

  // JSON output inside a tenant is the kv JSON.
  const Ran json = RunTool({"--store", Store(), "--json", "--tenant", "b", "kv", "range", ""});
  EXPECT_EQ(json.out,
            "{\"key\":\"k\",\"value\":\"from b\"}\n{\"key\":\"only-b\",\"value\":\"1\"}\n");
  // Options may follow the command.
  EXPECT_EQ(RunTool({"kv", "get", "k", "--tenant", "a", "--store", Store()}).code, kExitNotFound);
}

TEST_F(TenantCliTest, TenantKeysCannotReachTheSystemKeyspace) {
  Must({"tenant", "create", "a"});
  ExpectOneErrorLine(TenantKv("a", {"set", "\\xff", "v"}), kExitUsage, "key_outside_legal_range");
}

TEST_F(TenantCliTest, ShellRunsInsideTheTenant) {
  Must({"tenant", "create", "a"});
  Must({"kv", "set", "x", "raw"});
  const Ran got = Run({"--tenant", "a", "shell"}, "set x 1\nget x\nrange ''\nget nope\n");
  EXPECT_EQ(got.code, kExitOk) << got.err;
  EXPECT_EQ(got.out, "1\nx\t1\n");
  EXPECT_EQ(got.err, "tenantdb: line 4: key 'nope' not found\n");
  EXPECT_EQ(Must({"kv", "get", "x"}), "raw\n");

  const Ran interactive = RunTool({"--store", Store(), "--tenant", "a", "shell"}, "quit\n",
                                  /*interactive=*/true);
  EXPECT_THAT(interactive.out, HasSubstr(", tenant 'a'. Type 'help'"));

  // A tenant locked while the shell runs: its writes fail, and count as failures.
  Must({"tenant", "lock", "a"});
  const Ran locked = Run({"--tenant", "a", "shell"}, "get x\nset x 2\n");
  EXPECT_EQ(locked.code, kExitFailed);
  EXPECT_EQ(locked.out, "1\n");
  EXPECT_THAT(locked.err, HasSubstr("line 2: error: tenant_locked"));
}

TEST_F(TenantCliTest, LockMakesWritesFailAndUnlockRestoresThem) {
  Must({"tenant", "create", "acme"});
  ASSERT_EQ(TenantKv("acme", {"set", "k", "v1"}).code, kExitOk);
  Must({"tenant", "lock", "acme"});
  EXPECT_THAT(Must({"tenant", "show", "acme"}), HasSubstr("state:          locked\n"));
  EXPECT_THAT(Must({"tenant", "list"}), HasSubstr(" locked "));

  const Ran write = TenantKv("acme", {"set", "k", "v2"});
  ExpectOneErrorLine(write, kExitFailed, "tenantdb: error: tenant_locked (2144)");
  ExpectOneErrorLine(TenantKv("acme", {"clear", "k"}), kExitFailed, "tenant_locked");
  EXPECT_EQ(TenantKv("acme", {"get", "k"}).out, "v1\n");  // reads work

  Must({"tenant", "lock", "acme"});  // locking twice is fine
  Must({"tenant", "unlock", "acme"});
  ASSERT_EQ(TenantKv("acme", {"set", "k", "v2"}).code, kExitOk);
  EXPECT_EQ(TenantKv("acme", {"get", "k"}).out, "v2\n");
  ExpectOneErrorLine(Run({"tenant", "lock", "nope"}), kExitNotFound, "tenant_not_found");
}

TEST_F(TenantCliTest, QuotaShowsAndSetsEachLimit) {
  Must({"tenant", "create", "acme"});
  EXPECT_EQ(Must({"tenant", "quota", "acme"}),
            "storage quota:  unlimited\nops quota:      unlimited\n");
  EXPECT_EQ(Must({"tenant", "quota", "acme", "--storage", "500MB"}), "");
  EXPECT_EQ(Must({"tenant", "quota", "acme"}),
            "storage quota:  500 MB\nops quota:      unlimited\n");
  EXPECT_EQ(Must({"tenant", "quota", "acme", "--ops", "20"}), "");  // storage is kept
  EXPECT_EQ(Must({"tenant", "quota", "acme"}), "storage quota:  500 MB\nops quota:      20/s\n");
  Must({"tenant", "quota", "acme", "--storage", "1234", "--ops", "0"});
  EXPECT_EQ(Must({"--json", "tenant", "quota", "acme"}),
            "{\"name\":\"acme\",\"storage_quota\":1234,\"ops_quota\":0}\n");
  Must({"tenant", "quota", "acme", "--storage", "2 kib"});
  EXPECT_EQ(Must({"tenant", "quota", "acme"}),
            "storage quota:  2 KiB\nops quota:      unlimited\n");

  // A storage quota smaller than what a transaction writes fails it with quota_exceeded.
  Must({"tenant", "quota", "acme", "--storage", "1"});
  ExpectOneErrorLine(TenantKv("acme", {"set", "key", std::string(100, 'v')}), kExitFailed,
                     "quota_exceeded");
  ExpectOneErrorLine(Run({"tenant", "quota", "nope"}), kExitNotFound, "tenant_not_found");
}

TEST_F(TenantCliTest, UsageCountsReadsAndWritesPerDay) {
  Must({"tenant", "create", "acme"});
  ASSERT_EQ(TenantKv("acme", {"set", "k", "value"}).code, kExitOk);
  ASSERT_EQ(TenantKv("acme", {"get", "k"}).code, kExitOk);

  const std::string table = Must({"tenant", "usage", "acme"});
  const std::vector<std::string> lines = Lines(table);
  ASSERT_EQ(lines.size(), 3u) << table;
  EXPECT_THAT(lines[0], ::testing::MatchesRegex(
                            "DAY +READS +WRITES +BYTES READ +BYTES WRITTEN +BYTES STORED"));
  // Today's stored bytes: the estimate as of the call (a number); the total has none.
  EXPECT_THAT(lines[1], ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2} +[1-9][0-9]* "
                                                "+[1-9][0-9]* +[0-9]+ +[1-9][0-9]* +[0-9]+"));
  EXPECT_THAT(lines[2], ::testing::MatchesRegex("total +[1-9][0-9]* +[1-9][0-9]* +[0-9]+ "
                                                "+[1-9][0-9]* +-"));

  const std::vector<JsonObject> days = JsonLines(Must({"--json", "tenant", "usage", "acme"}));
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].at("day"), lines[1].substr(0, 10));
  EXPECT_NE(days[0].at("writes"), "0");
  EXPECT_NE(days[0].at("reads"), "0");
  for (const char* field : {"bytes_read", "bytes_written"}) EXPECT_EQ(days[0].count(field), 1u);
  ASSERT_EQ(days[0].count("bytes_stored"), 1u);
  EXPECT_THAT(days[0].at("bytes_stored"), ::testing::MatchesRegex("[0-9]+"));

  // A window in the past has no usage: the table has only the header and the total.
  EXPECT_EQ(Must({"tenant", "usage", "acme", "--from", "2000-01-01", "--to", "2000-12-31"}),
            "DAY    READS  WRITES  BYTES READ  BYTES WRITTEN  BYTES STORED\n"
            "total      0       0           0              0             -\n");
  EXPECT_EQ(Must({"--json", "tenant", "usage", "acme", "--to", "2000-01-30"}), "");
}

TEST_F(TenantCliTest, ListPagesWithAHint) {
  for (const char* name : {"c", "a", "b", "d"}) Must({"tenant", "create", name});
  std::string page = Must({"tenant", "list", "--limit", "2"});
  EXPECT_THAT(page, HasSubstr("\na "));
  EXPECT_THAT(page, HasSubstr("\nb "));
  EXPECT_THAT(page,
              ::testing::EndsWith("(more tenants: tenantdb tenant list --after 'b' --limit 2)\n"));
  page = Must({"tenant", "list", "--limit", "2", "--after", "b"});
  EXPECT_THAT(page, HasSubstr("\nc "));
  EXPECT_THAT(page, HasSubstr("\nd "));
  EXPECT_THAT(page, ::testing::Not(HasSubstr("more tenants")));

  const std::vector<JsonObject> json =
      JsonLines(Must({"--json", "tenant", "list", "--limit", "3"}));
  ASSERT_EQ(json.size(), 4u);
  EXPECT_EQ(json[0].at("name"), "a");
  EXPECT_EQ(json[0].at("id"), "2");
  EXPECT_EQ(json[0].at("state"), "active");
  EXPECT_EQ(json[0].at("storage_quota"), "0");
  EXPECT_EQ(json[0].at("ops_quota"), "0");
  EXPECT_THAT(json[0].at("created"), ::testing::MatchesRegex("[0-9-]+T[0-9:]+Z"));
  EXPECT_THAT(json[0].at("prefix"), StartsWith("\\xfe"));
  EXPECT_EQ(json[2].at("name"), "c");
  EXPECT_EQ(json[3], (JsonObject{{"next", "c"}}));
}

TEST_F(TenantCliTest, HostileNamesAreTypedAndPrintedEscaped) {
  // "café", a quote, a backslash, a leading dash: all valid names.
  Must({"tenant", "create", "caf\\xc3\\xa9"});
  Must({"tenant", "create", "it's\\\\"});
  Must({"tenant", "create", "--", "-rf"});
  Must({"tenant", "create", "caf\xc3\xa9 2"});  // raw UTF-8 is taken as itself
  ASSERT_EQ(TenantKv("caf\\xc3\\xa9", {"set", "k", "v"}).code, kExitOk);
  ASSERT_EQ(TenantKv("-rf", {"set", "k", "dash"}).code, kExitOk);
  EXPECT_EQ(TenantKv("-rf", {"get", "k"}).out, "dash\n");

  const std::string list = Must({"tenant", "list"});
  EXPECT_THAT(list, HasSubstr("\n-rf "));
  EXPECT_THAT(list, HasSubstr("\ncaf\\xc3\\xa9 "));
  EXPECT_THAT(list, HasSubstr("\ncaf\\xc3\\xa9 2 "));
  EXPECT_THAT(list, HasSubstr("\nit's\\\\ "));
  const std::vector<JsonObject> json = JsonLines(Must({"--json", "tenant", "list"}));
  ASSERT_EQ(json.size(), 4u);
  EXPECT_EQ(json[3].at("name"), "it's\\\\");  // JSON of the escaped text

  // The paging hint quotes the name for a POSIX shell.
  EXPECT_THAT(Must({"tenant", "list", "--limit", "3"}),
              HasSubstr("--after 'caf\\xc3\\xa9 2' --limit 3)"));
  const std::string last = Must({"tenant", "list", "--after", "caf\\xc3\\xa9 2"});
  EXPECT_THAT(last, HasSubstr("\nit's\\\\ "));
  EXPECT_THAT(last, ::testing::Not(HasSubstr("caf")));
  EXPECT_THAT(last, ::testing::Not(HasSubstr("more tenants")));
  Must({"tenant", "rename", "it's\\\\", "it\\x27s"});
  EXPECT_THAT(Must({"tenant", "show", "it's"}), HasSubstr("name:           it's\n"));
}

TEST_F(TenantCliTest, MissingTenantOrStore) {
  // No store yet: nothing but `tenant create` creates one.
  ExpectOneErrorLine(Run({"tenant", "list"}), kExitFailed, "file_not_found");
  ExpectOneErrorLine(TenantKv("acme", {"set", "k", "v"}), kExitFailed,
                     "does not exist, so neither does tenant 'acme'");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "db"));
  Must({"tenant", "create", "acme"});
  ExpectOneErrorLine(TenantKv("nope", {"get", "k"}), kExitNotFound,
                     "tenantdb: error: tenant_not_found (2131): tenant 'nope' does not exist");
  ExpectOneErrorLine(TenantKv("nope", {"set", "k", "v"}), kExitNotFound, "tenant_not_found");
  ExpectOneErrorLine(Run({"--tenant", "nope", "shell"}, "set k v\n"), kExitNotFound,
                     "tenant_not_found");
  ExpectOneErrorLine(Run({"tenant", "usage", "nope"}), kExitNotFound, "tenant_not_found");
  EXPECT_EQ(Must({"kv", "range", ""}), "");
}

TEST_F(TenantCliTest, BadArgumentsPrintOneLineAndExitTwo) {
  const struct {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"tenant"},
       "missing command (expected one of: create, list, show, rename, lock, unlock, "
       "delete, usage, quota)"},
      {{"tenant", "nope"}, "unknown command 'tenant nope'"},
      {{"tenant", "create"}, "name is required; see 'tenantdb tenant create --help'"},
      {{"tenant", "create", ""}, "name: invalid_tenant_name (2134)"},
      {{"tenant", "create", "a\\x01b"},
       "name: invalid_tenant_name (2134): tenant name "
       "'a\\x01b': control character at byte 1"},
      {{"tenant", "create", "\\xff"}, "invalid UTF-8 at byte 0"},
      {{"tenant", "create", std::string(256, 'n')}, "is 256 bytes (limit 255)"},
      {{"tenant", "create", "a\\xZ1"}, "name: invalid escape '\\xZ' at offset 1"},
      {{"tenant", "create", "a", "--storage-quota", "lots"},
       "--storage-quota: expected a number of bytes such as 1000000, 500MB or 10GiB"},
      {{"tenant", "create", "a", "--storage-quota", "-1"}, "--storage-quota"},
      {{"tenant", "create", "a", "--storage-quota", "99999999999TiB"}, "got '99999999999TiB'"},
      {{"tenant", "create", "a", "--ops-quota", "1.5"}, "--ops-quota: expected an integer"},
      {{"tenant", "create", "a", "--metadata", "\\q"}, "--metadata: invalid escape '\\q'"},
      {{"tenant", "create", "-x"}, "unknown option '-x'"},
      {{"tenant", "list", "--limit", "0"}, "--limit: expected an integer from 1 to 10000, got '0'"},
      {{"tenant", "list", "--limit", "10001"}, "got '10001'"},
      {{"tenant", "list", "--after", "\\x7f"}, "--after: invalid_tenant_name"},
      {{"tenant", "show", "a", "b"}, "unexpected argument 'b'; see 'tenantdb tenant show --help'"},
      {{"tenant", "rename", "a"}, "to is required"},
      {{"tenant", "rename", "a", ""}, "to: invalid_tenant_name"},
      {{"tenant", "delete", "a"}, "add --yes to confirm"},
      {{"tenant", "usage", "a", "--from", "2024-02-30"},
       "--from: expected a date YYYY-MM-DD (UTC), got '2024-02-30'"},
      {{"tenant", "usage", "a", "--to", "yesterday"}, "--to: expected a date YYYY-MM-DD"},
      {{"tenant", "usage", "a", "--from", "2024-05-02", "--to", "2024-05-01"},
       "--from 2024-05-02 is after --to 2024-05-01"},
      {{"tenant", "quota", "a", "--ops", "-3"}, "--ops"},
      {{"tenant", "quota", "a", "--storage", "5 parsecs"}, "--storage: expected a number of bytes"},
      {{"--tenant", "a", "tenant", "list"}, "--tenant applies to kv and shell only"},
      {{"--tenant", "", "kv", "get", "k"}, "--tenant: invalid_tenant_name (2134)"},
      {{"--tenant", "a\\x0a", "kv", "get", "k"}, "--tenant: invalid_tenant_name"},
      {{"--tenant", "a\\", "kv", "get", "k"}, "--tenant: invalid escape '\\' at offset 1"},
      {{"--tenant"}, "--tenant"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(fmt::format("args: {}", fmt::join(c.args, " ")));
    const Ran ran = Run(c.args);
    ExpectOneErrorLine(ran, kExitUsage, c.message);
    EXPECT_THAT(ran.err, StartsWith("tenantdb: error: "));
    EXPECT_EQ(ran.out, "");
  }
  // Nothing was done: not even the store was created.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "db"));
}

TEST_F(TenantCliTest, ShowJsonIsOneObjectWithEveryField) {
  Must({"tenant", "create", "acme", "--metadata", "m\\x00", "--ops-quota", "7"});
  const std::vector<JsonObject> shown = JsonLines(Must({"--json", "tenant", "show", "acme"}));
  ASSERT_EQ(shown.size(), 1u);
  const JsonObject& o = shown[0];
  EXPECT_EQ(o.at("name"), "acme");
  EXPECT_EQ(o.at("id"), "1");
  EXPECT_EQ(o.at("state"), "active");
  EXPECT_EQ(o.at("ops_quota"), "7");
  EXPECT_EQ(o.at("storage_quota"), "0");
  EXPECT_EQ(o.at("metadata"), "m\\x00");
  EXPECT_THAT(o.at("prefix"), StartsWith("\\xfe"));
  EXPECT_THAT(o.at("created"), ::testing::MatchesRegex("[0-9-]+T[0-9:]+Z"));
  EXPECT_THAT(o.at("created_micros"), ::testing::MatchesRegex("[0-9]+"));
  EXPECT_THAT(o.at("stored_bytes"), ::testing::MatchesRegex("[0-9]+"));
}

TEST_F(TenantCliTest, HelpDescribesTheTenantCommands) {
  Ran got = RunTool({"--help"});
  EXPECT_EQ(got.code, kExitOk);
  for (const char* text :
       {"--tenant", "tenant create NAME", "tenant list", "tenant delete NAME --yes", "ALL ITS DATA",
        "tenant usage NAME", "tenant quota NAME", "\\xfe"}) {
    EXPECT_THAT(got.out, HasSubstr(text));
  }
  got = RunTool({"tenant", "--help"});
  EXPECT_EQ(got.code, kExitOk);
  for (const char* text : {"create", "list", "show", "rename", "lock", "unlock", "delete", "usage",
                           "quota", "tenant_not_found"}) {
    EXPECT_THAT(got.out, HasSubstr(text));
  }
  got = RunTool({"tenant", "delete", "--help"});
  EXPECT_THAT(got.out, HasSubstr("ALL ITS DATA"));
  EXPECT_THAT(got.out, HasSubstr("--yes"));
  got = RunTool({"tenant", "create", "--help"});
  EXPECT_THAT(got.out, HasSubstr("--storage-quota"));
}

}  // namespace
}  // namespace tenantdb::cli
