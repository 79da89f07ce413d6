#include "cli/cli.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/kv_commands.h"
#include "cli/outcome.h"
#include "cli/parse_error.h"
#include "cli/shell.h"

#ifndef TENANTDB_VERSION
#define TENANTDB_VERSION "unknown"
#endif

namespace tenantdb::cli {
namespace {

constexpr const char* kDefaultStore = "file:./tenantdb-data";

constexpr const char* kFooter = R"(Commands:
  kv get KEY [--raw]            Print the value of KEY; exit status 3 if it is unset
  kv set KEY VALUE              Set KEY to VALUE
  kv clear KEY                  Remove KEY
  kv range BEGIN [END] [--limit N] [--reverse]
                                Print pairs with BEGIN <= key < END as 'key<TAB>value'
                                lines (END defaults to \xff, the end of the keyspace)
  kv clear-range BEGIN END      Remove every key with BEGIN <= key < END
  shell [--bail]                Run commands read from stdin (get, set, clear, range,
                                clear-range, help, quit), one transaction each
Each kv command runs as one transaction. 'tenantdb COMMAND --help' describes one command.

Keys and values are bytes, written and printed in an escaped form: printable ASCII is
itself, a backslash is \\, and any byte is \xNN (two hex digits). Input also accepts \n,
\r, \t, \" and \'. Output escapes every byte outside printable ASCII, so each pair is one
line. Quote escapes from your shell with single quotes:
  tenantdb kv set 'user\x0042' 'Ada Lovelace'      key: "user", byte 0x00, "42"
  tenantdb kv get 'user\x0042'                     prints: Ada Lovelace
  tenantdb kv set 'C:\\temp' '\xff\xfe'            a backslash, and two non-ASCII bytes
  tenantdb kv range 'user\x00' 'user\x01' --limit 10 --reverse
  tenantdb kv get -- -flag                         a key starting with '-' goes after --
  printf 'set a 1\nrange a b\n' | tenantdb --store memory: shell

Store: --store URL, else $TENANTDB_STORE, else file:./tenantdb-data. URLs: file:PATH
(a directory, created by the first write) and memory: (empty at every start).
Exit status: 0 success, 1 operation failed, 2 bad usage (nothing done), 3 key not found.
Errors are one line on stderr: 'tenantdb: error: ...'. Full reference: docs/CLI.md.)";

constexpr const char* kKvFooter =
    R"(Keys and values are escaped: printable ASCII is itself, \\ is a backslash and
\xNN any byte; input also accepts \n, \r, \t, \" and \'. Quote them with single quotes:
  tenantdb kv set 'user\x0042' 'Ada Lovelace'      key: "user", byte 0x00, "42"
  tenantdb kv get 'user\x0042'                     prints: Ada Lovelace
  tenantdb kv range 'user\x00' 'user\x01'          keys starting with "user", 0x00
  tenantdb kv range '' --limit 10 --reverse        the last ten pairs
  tenantdb kv get -- -flag                         a key starting with '-'
Output is escaped the same way (range: one 'key<TAB>value' line per pair). Exit status:
0 success, 1 operation failed, 2 bad usage, 3 get: key not found. See docs/CLI.md.)";

// What the parsed command line asks for.
struct Invocation {
  GlobalOptions global;
  KvCommand kv;
  bool shell = false;
  ShellOptions shell_options;
};

// Builds the command tree. Command groups plug in here, each registering its subcommands
// and the fields of `invocation` they fill: kv and shell today; tenant, bench and serve next.
void AddCommands(CLI::App& app, Invocation& invocation) {
  app.fallthrough();  // global options may follow the subcommand: tenantdb kv get k --json
  app.require_subcommand(1);
  app.set_version_flag("--version", TENANTDB_VERSION);
  app.add_option("--store", invocation.global.store,
                 "Store URL: file:PATH or memory:, with an optional ?durability=sync|async")
      ->envname("TENANTDB_STORE")
      ->capture_default_str();
  app.add_flag("--json", invocation.global.json,
               "Print results as JSON lines: {\"key\":K,\"value\":V} with K and V escaped");

  CLI::App* kv = app.add_subcommand("kv",
                                    "Read and write keys (get, set, clear, range, "
                                    "clear-range), one transaction per command");
  kv->require_subcommand(1);
  kv->footer(kKvFooter);  // inherited by the kv subcommands added next
  AddKvCommands(*kv, invocation.kv);

  CLI::App* shell = app.add_subcommand(
      "shell", "Run kv commands read from stdin, one per line, each as one transaction");
  shell->add_flag("--bail", invocation.shell_options.bail,
                  "Stop at the first command that fails (default: report it and go on)");
  shell->callback([&invocation] { invocation.shell = true; });

  // Set last: a footer set earlier would be inherited by every subcommand.
  app.footer(kFooter);
}

Outcome Execute(Invocation& invocation, const CliIo& io) {
  const GlobalOptions& global = invocation.global;
  if (global.store.empty()) {
    return Outcome::Usage("--store: empty store URL (use file:PATH or memory:)");
  }
  if (invocation.kv.op != KvOp::kNone) {
    // Arguments are checked before the store is touched.
    if (Outcome decoded = DecodeKvCommand(invocation.kv, global); !decoded.ok()) return decoded;
  }
  const bool create = invocation.shell || invocation.kv.Writes();
  Result<std::unique_ptr<Database>> db = OpenStore(global.store, create);
  if (!db.ok()) {
    if (!create && db.status().code() == ErrorCode::kFileNotFound) {
      return Outcome::Failed(
          Error(ErrorCode::kFileNotFound,
                fmt::format("store '{}' does not exist (a write creates it)", global.store)));
    }
    return Outcome::Failed(db.status());
  }
  if (invocation.shell) {
    return {RunShell(**db, global.store, invocation.shell_options, global, io), ""};
  }
  return RunKvCommand(**db, invocation.kv, global, io.out);
}

}  // namespace

int RunCli(int argc, const char* const* argv, const CliIo& io) {
  CLI::App app("tenantdb: a transactional, ordered key-value store with tenants", "tenantdb");
  Invocation invocation;
  invocation.global.store = kDefaultStore;
  AddCommands(app, invocation);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {  // --help, --version
    return app.exit(done, io.out, io.err);
  } catch (const CLI::ParseError& error) {
    io.err << "tenantdb: error: " << DescribeParseError(error, app, "tenantdb") << std::endl;
    return kExitUsage;
  }
  Outcome outcome = Execute(invocation, io);
  io.out << std::flush;
  if (!io.out && outcome.code != kExitUsage) {
    outcome = {kExitFailed, "error: writing the output failed"};
  }
  if (!outcome.message.empty()) io.err << "tenantdb: " << OneLine(outcome.message) << std::endl;
  return outcome.code;
}

}  // namespace tenantdb::cli
