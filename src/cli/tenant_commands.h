// The tenant commands: `tenantdb tenant create|list|show|rename|lock|unlock|delete|usage|quota`,
// each one TenantDirectory call (one transaction), and the `--tenant NAME` global option that
// runs kv commands and the shell inside one tenant. Tenant names are written and printed in
// the escaped text form of keys (escape.h). The grammar is in docs/CLI.md.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "cli/kv_commands.h"
#include "cli/outcome.h"
#include "tenantdb/database.h"
#include "tenantdb/tenant.h"

namespace CLI {
class App;
}  // namespace CLI

namespace tenantdb::cli {

enum class TenantOp {
  kNone,
  kCreate,
  kList,
  kShow,
  kRename,
  kLock,
  kUnlock,
  kDelete,
  kUsage,
  kQuota
};

// One parsed tenant command. Text fields hold the escaped text as typed until
// DecodeTenantCommand turns them into bytes; the numeric options are converted while parsing.
struct TenantCommand {
  TenantOp op = TenantOp::kNone;
  std::string name;      // every command but list; rename: the current name
  std::string new_name;  // rename
  // create: --storage-quota, --ops-quota; quota: --storage, --ops (set: given). 0: unlimited.
  std::optional<int64_t> storage_quota;
  std::optional<int64_t> ops_quota;
  std::string metadata;         // create
  std::string after;            // list: names after this one ("" from the first)
  int limit = 100;              // list: 1..10,000
  std::optional<int64_t> from;  // usage: first day, days since the Unix epoch (UTC)
  std::optional<int64_t> to;    // usage: last day
  bool yes = false;             // delete: confirmed

  // Whether the command may create a missing store (only create does).
  bool CreatesStore() const { return op == TenantOp::kCreate; }
};

// Adds `tenant` and its subcommands to `app`. Parsing one fills `command` (which must outlive
// `app`) and sets command.op.
void AddTenantCommands(CLI::App& app, TenantCommand& command);

// Decodes the escaped tenant name `text` in place and checks it (ValidateTenantName).
// Errors: kExitUsage naming `what`, e.g. "error: --tenant: invalid_tenant_name (2134): ...".
Outcome DecodeTenantName(std::string& text, std::string_view what);

// Decodes and checks the arguments of `command` before the store is opened. Errors:
// kExitUsage (a bad escape or name, --from after --to, delete without --yes).
Outcome DecodeTenantCommand(TenantCommand& command);

// Runs a decoded `command` on `db`, printing to `out` (JSON lines with global.json). A missing
// tenant is kExitNotFound (tenant_not_found); the other failures as Outcome::Failed.
Outcome RunTenantCommand(Database& db, const TenantCommand& command, const GlobalOptions& global,
                         std::ostream& out);

// Points `target` at `db`, inside the tenant `tenant` (a decoded name) if given. Errors:
// kExitNotFound when the tenant does not exist.
Outcome OpenKvTarget(Database& db, const std::optional<std::string>& tenant, KvTarget& target);

}  // namespace tenantdb::cli
