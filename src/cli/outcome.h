// What a command reports: its exit code and, unless it succeeded, the one line explaining
// why, plus the helpers commands share to open the store and to print bytes.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/cli.h"
#include "tenantdb/database.h"
#include "tenantdb/status.h"

namespace tenantdb::cli {

struct Outcome {
  int code = kExitOk;
  // Without the "tenantdb: " prefix: "error: ..." for failures, or a notice such as
  // "key 'k' not found". Empty when code is kExitOk.
  std::string message;
  // A notice rather than a failure: a missing key (Outcome::NotFound). The shell reports a
  // notice and goes on without counting it as a failed command.
  bool notice = false;

  bool ok() const { return code == kExitOk; }
  static Outcome Ok() { return {}; }
  static Outcome Usage(std::string_view what);
  static Outcome NotFound(std::string_view what);
  // A tenantdb error: kExitUsage when the arguments caused it (invalid_argument,
  // invalid_store_url, inverted_range, key_outside_legal_range, key_too_large,
  // value_too_large, invalid_tenant_name), kExitNotFound for tenant_not_found, else
  // kExitFailed. Never a notice.
  static Outcome Failed(const Status& status);
};

// Options every command sees.
struct GlobalOptions {
  std::string store;  // store URL (see Database::Open)
  bool json = false;  // print results as JSON lines
  // --tenant as typed (escaped): kv commands and the shell run inside this tenant. Unset: they
  // run on the whole keyspace.
  std::optional<std::string> tenant;
};

// Opens the store at `url`, creating it only if `create` (read-only commands do not create a
// store, so a mistyped path is reported instead of turning into an empty store).
Result<std::unique_ptr<Database>> OpenStore(std::string_view url, bool create);

// `text` with every control byte (below 0x20, and 0x7f) as \xNN, so it prints as one line.
std::string OneLine(std::string_view text);

// The JSON string literal, quotes included, of `escaped` (text from EscapeBytes).
std::string JsonString(std::string_view escaped);

}  // namespace tenantdb::cli
