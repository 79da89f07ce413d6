// The key-value commands: get, set, clear, range and clear-range. They are registered under
// `tenantdb kv` and, with the same grammar, as the commands of `tenantdb shell`. Each runs as
// one transaction, on the whole keyspace or, with --tenant, inside one tenant.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "cli/outcome.h"
#include "tenantdb/database.h"
#include "tenantdb/tenant.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tenantdb::cli {

enum class KvOp { kNone, kGet, kSet, kClear, kRange, kClearRange };

// One parsed key-value command. Keys and values hold the escaped text as typed.
struct KvCommand {
  KvOp op = KvOp::kNone;
  std::string key;
  std::string value;
  std::string begin;
  std::string end = "\\xff";  // range: the end of the ordinary keyspace unless given
  int limit = 0;              // range: at most this many pairs; 0 means all
  bool reverse = false;       // range: descending key order
  bool raw = false;           // get: print the value's bytes as they are, with no newline

  // Whether the command writes (and so may create the store).
  bool Writes() const { return op == KvOp::kSet || op == KvOp::kClear || op == KvOp::kClearRange; }
};

// Adds the subcommands get, set, clear, range and clear-range to `parent`. Parsing one of them
// fills `command` (which must outlive `parent`) and sets command.op.
void AddKvCommands(CLI::App& parent, KvCommand& command);

// Where key-value commands run: the database's whole keyspace (tenant unset: keys are
// absolute, and tenants' data shows under \xfe), or one tenant's keyspace (keys relative to
// the tenant, run through Tenant::Run). OpenKvTarget (tenant_commands.h) makes one.
struct KvTarget {
  Database* db = nullptr;
  std::optional<Tenant> tenant;
};

// Unescapes the arguments of `command`. Errors: a kExitUsage outcome naming the argument,
// e.g. "error: key: invalid escape '\xZ' at offset 3 (...)". On success `command` holds bytes.
Outcome DecodeKvCommand(KvCommand& command, const GlobalOptions& global);

// Runs a decoded `command` on `target` in one transaction (retried on conflicts) and prints its
// result to `out`: get prints the value, range one "key<TAB>value" line per pair, both in the
// escaped text form, or as JSON lines with --json. Writes print nothing. A missing key is a
// kExitNotFound outcome (JSON mode also prints {"key":...,"value":null}).
Outcome RunKvCommand(KvTarget& target, const KvCommand& command, const GlobalOptions& global,
                     std::ostream& out);

}  // namespace tenantdb::cli
