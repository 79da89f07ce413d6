// The tenantdb command-line tool: `tenantdb [--store URL] [--json] <command> ...`. The
// commands, the escaped text form of keys and values, and the exit codes are documented in
// docs/CLI.md and by `tenantdb --help`.
#pragma once

#include <istream>
#include <ostream>

namespace tenantdb::cli {

// Exit codes of the tool.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,    // the operation failed: a tenantdb error, e.g. io_error, store_locked
  kExitUsage = 2,     // a bad argument, escape, option or store URL; nothing was done
  kExitNotFound = 3,  // `kv get`: the key has no value
};

// Where the tool reads and writes.
struct CliIo {
  std::istream& in;   // commands for `shell`
  std::ostream& out;  // results
  std::ostream& err;  // one line per error
  // Whether `in` is a terminal: the shell then prints a banner and prompts. Default: false.
  bool interactive = false;
};

// Runs the tool on argv[1..argc) and returns its exit code. Every error is reported as one
// line on io.err; results go to io.out. The store is opened by the command that needs it and
// closed before returning. Environment: TENANTDB_STORE (the store when --store is absent).
int RunCli(int argc, const char* const* argv, const CliIo& io);

}  // namespace tenantdb::cli
