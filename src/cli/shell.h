// `tenantdb shell`: key-value commands read line by line, each run as one transaction on a
// store opened once, on the whole keyspace or, with --tenant, inside one tenant. The line
// grammar is the `tenantdb kv` grammar without the "kv".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/cli.h"
#include "cli/kv_commands.h"
#include "cli/outcome.h"
#include "tenantdb/database.h"
#include "tenantdb/status.h"

namespace tenantdb::cli {

struct ShellOptions {
  // Stop at the first command that fails. Default: false (report it and go on).
  bool bail = false;
};

// Splits a shell line into arguments. Blanks (spaces, tabs) separate arguments; "..." and
// '...' group text holding blanks and may abut other text (a"b c" is one argument); "" is
// an empty argument. A backslash keeps the character after it, neither splitting nor
// quoting, and both stay in the argument to be decoded as an escape later, so "a\"b" is
// the argument a\"b. Errors: invalid_argument for an unterminated quote.
Result<std::vector<std::string>> SplitShellLine(std::string_view line);

// Reads commands from io.in until its end or `quit`, runs each on `target`, prints results to
// io.out and one line per error or missing key to io.err (prefixed "tenantdb: line N: " when
// not interactive). Returns kExitOk if no command failed, else the exit code of the first
// that failed. A missing key is reported but is not a failure here.
int RunShell(KvTarget& target, std::string_view store, const ShellOptions& options,
             const GlobalOptions& global, const CliIo& io);

}  // namespace tenantdb::cli
