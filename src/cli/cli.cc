#include "cli/cli.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/bench_command.h"
#include "cli/escape.h"
#include "cli/kv_commands.h"
#include "cli/outcome.h"
#include "cli/parse_error.h"
#include "cli/shell.h"
#include "cli/tenant_commands.h"

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
  tenant create NAME [--storage-quota BYTES] [--ops-quota N] [--metadata TEXT]
  tenant list [--after NAME] [--limit N]     Table: name, id, state, created, quotas
  tenant show NAME              Every field, the key prefix and the stored bytes estimate
  tenant rename FROM TO         tenant lock NAME         tenant unlock NAME
  tenant delete NAME --yes      Delete the tenant AND ALL ITS DATA at once (no undo)
  tenant usage NAME [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                                Reads, writes, bytes and stored bytes per day (default: the
                                last 30)
  tenant quota NAME [--storage BYTES] [--ops N]
                                Print the quotas, or set them (0 is unlimited)
  bench [--workload NAME,...] [--threads 1,2,32] [--durability sync,async]
        [--seconds S] [--dir PATH] [--keys N]
                                Benchmark tenantdb against RocksDB used directly
Each kv command runs as one transaction. 'tenantdb COMMAND --help' describes one command.
--tenant NAME runs kv and shell inside that tenant: keys are relative to it, and other
tenants' keys cannot be reached. Without it kv sees the whole keyspace, tenants' data
included (under \xfe). Tenant names are escaped like keys.

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
Exit status: 0 success, 1 operation failed, 2 bad usage (nothing done), 3 not found (kv get:
the key; or the tenant: tenant_not_found).
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
  TenantCommand tenant;
  BenchCommand bench;
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
               "Print results as JSON lines, one object per line (kv: {\"key\":K,\"value\":V} "
               "with K and V escaped)");
  app.add_option_function<std::string>(
         "--tenant", [&invocation](const std::string& name) { invocation.global.tenant = name; },
         "Run kv commands and the shell inside tenant NAME (escaped), with keys relative to it")
      ->type_name("NAME");

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

  AddTenantCommands(app, invocation.tenant);
  AddBenchCommand(app, invocation.bench);

  // Set last: a footer set earlier would be inherited by every subcommand.
  app.footer(kFooter);
}

Outcome Execute(Invocation& invocation, const CliIo& io) {
  const GlobalOptions& global = invocation.global;
  // --tenant: the decoded name. Checked, like every argument, before the store is touched.
  std::optional<std::string> tenant = global.tenant;
  if (tenant) {
    if (invocation.kv.op == KvOp::kNone && !invocation.shell) {
      return Outcome::Usage(
          "--tenant applies to kv and shell only (tenant commands take the name as an "
          "argument); see 'tenantdb --help'");
    }
    if (Outcome decoded = DecodeTenantName(*tenant, "--tenant"); !decoded.ok()) return decoded;
  }
  if (invocation.bench.requested) return RunBenchCommand(invocation.bench, global, io.out);
  if (global.store.empty()) {
    return Outcome::Usage("--store: empty store URL (use file:PATH or memory:)");
  }
  if (invocation.kv.op != KvOp::kNone) {
    // Arguments are checked before the store is touched.
    if (Outcome decoded = DecodeKvCommand(invocation.kv, global); !decoded.ok()) return decoded;
  }
  if (invocation.tenant.op != TenantOp::kNone) {
    if (Outcome decoded = DecodeTenantCommand(invocation.tenant); !decoded.ok()) return decoded;
  }
  // A tenant lives in an existing store: --tenant never creates one.
  const bool create =
      invocation.tenant.CreatesStore() || (!tenant && (invocation.shell || invocation.kv.Writes()));
  Result<std::unique_ptr<Database>> db = OpenStore(global.store, create);
  if (!db.ok()) {
    if (!create && db.status().code() == ErrorCode::kFileNotFound && tenant) {
      return Outcome::Failed(Error(
          ErrorCode::kFileNotFound,
          fmt::format("store '{}' does not exist, so neither does tenant '{}' ('tenant create' "
                      "creates both)",
                      global.store, EscapeBytes(*tenant))));
    }
    if (!create && db.status().code() == ErrorCode::kFileNotFound) {
      return Outcome::Failed(
          Error(ErrorCode::kFileNotFound,
                fmt::format("store '{}' does not exist (a write creates it)", global.store)));
    }
    return Outcome::Failed(db.status());
  }
  if (invocation.tenant.op != TenantOp::kNone) {
    return RunTenantCommand(**db, invocation.tenant, global, io.out);
  }
  KvTarget target;
  if (Outcome opened = OpenKvTarget(**db, tenant, target); !opened.ok()) return opened;
  Outcome outcome =
      invocation.shell
          ? Outcome{RunShell(target, global.store, invocation.shell_options, global, io), ""}
          : RunKvCommand(target, invocation.kv, global, io.out);
  return outcome;
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
