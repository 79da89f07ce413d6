#include "cli/kv_commands.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <limits>
#include <optional>
#include <vector>

#include "cli/escape.h"

namespace tenantdb::cli {
namespace {

// Retries of a transaction failing with a retryable error (a conflict, transaction_too_old,
// storage_busy) before giving up with that error: about ten seconds at
// the default backoff, so a stuck store fails the command instead of hanging it.
constexpr int kMaxRetries = 100;

CLI::Validator PositiveInt() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        int n = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, n);
        if (ec != std::errc() || ptr != end || n < 1) {
          return fmt::format("expected an integer from 1 to {}, got '{}'",
                             std::numeric_limits<int>::max(), text);
        }
        return {};
      },
      "", "");
}

constexpr const char* kKeyHelp = "The key, escaped: \\xNN for any byte, \\\\ for a backslash";

void Decode(std::string& text, std::string_view name, Outcome& outcome) {
  if (!outcome.ok()) return;
  Result<std::string> bytes = UnescapeBytes(text);
  if (!bytes.ok()) {
    outcome = Outcome::Usage(fmt::format("{}: {}", name, bytes.status().message()));
    return;
  }
  text = std::move(bytes).value();
}

void PrintPair(std::ostream& out, std::string_view key, std::string_view value, bool json) {
  if (json) {
    out << fmt::format("{{\"key\":{},\"value\":{}}}\n", JsonString(EscapeBytes(key)),
                       JsonString(EscapeBytes(value)));
  } else {
    out << EscapeBytes(key) << '\t' << EscapeBytes(value) << '\n';
  }
}

RunOptions WriteRunOptions() {
  RunOptions options;
  options.max_retries = kMaxRetries;
  // Set, clear and clear-range have the same effect when applied twice.
  options.idempotent = true;
  return options;
}

RunOptions ReadRunOptions() {
  RunOptions options;
  options.max_retries = kMaxRetries;
  return options;
}

// The commands are templates over where they run: `Runner` is a Database (Run gives a
// Transaction) or a Tenant (Run gives a TenantTransaction with the same calls on relative keys).

template <typename Runner>
Outcome Get(Runner& runner, const KvCommand& c, const GlobalOptions& global, std::ostream& out) {
  std::optional<std::string> value;
  Status s = runner.Run(
      [&](auto& tr) -> Status {
        TDB_ASSIGN_OR_RETURN(value, tr.Get(c.key));
        return Status::OK();
      },
      ReadRunOptions());
  if (!s.ok()) return Outcome::Failed(s);
  if (!value) {
    if (global.json) {
      out << fmt::format("{{\"key\":{},\"value\":null}}\n", JsonString(EscapeBytes(c.key)));
    }
    return Outcome::NotFound(fmt::format("key '{}' not found", EscapeBytes(c.key)));
  }
  if (c.raw) {
    out << *value;
  } else if (global.json) {
    PrintPair(out, c.key, *value, /*json=*/true);
  } else {
    out << EscapeBytes(*value) << '\n';
  }
  return Outcome::Ok();
}

template <typename Runner>
Outcome Range(Runner& runner, const KvCommand& c, const GlobalOptions& global, std::ostream& out) {
  std::vector<KeyValue> pairs;
  Status s = runner.Run(
      [&](auto& tr) -> Status {
        pairs.clear();
        // A read may stop early (result.more); continue after the last pair returned.
        std::string begin = c.begin;
        std::string end = c.end;
        for (;;) {
          RangeOptions options;
          options.reverse = c.reverse ? Reverse::kYes : Reverse::kNo;
          if (c.limit > 0) options.limit = c.limit - static_cast<int>(pairs.size());
          TDB_ASSIGN_OR_RETURN(RangeResult result, tr.GetRange(begin, end, options));
          const bool more = result.more && !result.kvs.empty();
          for (KeyValue& kv : result.kvs) pairs.push_back(std::move(kv));
          if (!more || (c.limit > 0 && static_cast<int>(pairs.size()) >= c.limit)) break;
          if (c.reverse) {
            end = pairs.back().key;
          } else {
            begin = pairs.back().key + '\0';
          }
        }
        return Status::OK();
      },
      ReadRunOptions());
  if (!s.ok()) return Outcome::Failed(s);
  for (const KeyValue& kv : pairs) PrintPair(out, kv.key, kv.value, global.json);
  return Outcome::Ok();
}

template <typename Runner>
Outcome Write(Runner& runner, const KvCommand& c) {
  Status s = runner.Run(
      [&](auto& tr) -> Status {
        switch (c.op) {
          case KvOp::kSet:
            return tr.Set(c.key, c.value);
          case KvOp::kClear:
            return tr.Clear(c.key);
          case KvOp::kClearRange:
            return tr.ClearRange(c.begin, c.end);
          default:
            return Error(ErrorCode::kInternalError, "not a write command");
        }
      },
      WriteRunOptions());
  return s.ok() ? Outcome::Ok() : Outcome::Failed(s);
}

template <typename Runner>
Outcome Dispatch(Runner& runner, const KvCommand& command, const GlobalOptions& global,
                 std::ostream& out) {
  switch (command.op) {
    case KvOp::kGet:
      return Get(runner, command, global, out);
    case KvOp::kRange:
      return Range(runner, command, global, out);
    case KvOp::kSet:
    case KvOp::kClear:
    case KvOp::kClearRange:
      return Write(runner, command);
    case KvOp::kNone:
      break;
  }
  return Outcome::Usage("no key-value command given");
}

}  // namespace

void AddKvCommands(CLI::App& parent, KvCommand& command) {
  auto chosen = [&command](KvOp op) { return [&command, op] { command.op = op; }; };

  CLI::App* get = parent.add_subcommand("get", "Print the value of KEY (exit status 3 if unset)");
  get->add_option("key", command.key, kKeyHelp)->required();
  get->add_flag("--raw", command.raw,
                "Print the value's bytes unescaped and without a newline (not with --json)");
  get->callback(chosen(KvOp::kGet));

  CLI::App* set = parent.add_subcommand("set", "Set KEY to VALUE");
  set->add_option("key", command.key, kKeyHelp)->required();
  set->add_option("value", command.value, "The value, escaped like the key")->required();
  set->callback(chosen(KvOp::kSet));

  CLI::App* clear = parent.add_subcommand("clear", "Remove KEY (no error if it is unset)");
  clear->add_option("key", command.key, kKeyHelp)->required();
  clear->callback(chosen(KvOp::kClear));

  CLI::App* range = parent.add_subcommand(
      "range", "Print the pairs with BEGIN <= key < END, one 'key<TAB>value' line each");
  range->add_option("begin", command.begin, "First key of the range (escaped; '' for the start)")
      ->required();
  range->add_option("end", command.end, "Key after the range (escaped)")->capture_default_str();
  range->add_option("--limit", command.limit, "Print at most N pairs")
      ->check(PositiveInt())
      ->type_name("N");
  range->add_flag("--reverse", command.reverse, "Descending key order (with --limit: the last N)");
  range->callback(chosen(KvOp::kRange));

  CLI::App* clear_range =
      parent.add_subcommand("clear-range", "Remove every key with BEGIN <= key < END");
  clear_range->add_option("begin", command.begin, "First key removed (escaped)")->required();
  clear_range->add_option("end", command.end, "Key after the last one removed (escaped)")
      ->required();
  clear_range->callback(chosen(KvOp::kClearRange));
}

Outcome DecodeKvCommand(KvCommand& command, const GlobalOptions& global) {
  Outcome outcome;
  switch (command.op) {
    case KvOp::kGet:
      if (command.raw && global.json) return Outcome::Usage("--raw cannot be used with --json");
      [[fallthrough]];
    case KvOp::kClear:
      Decode(command.key, "key", outcome);
      break;
    case KvOp::kSet:
      Decode(command.key, "key", outcome);
      Decode(command.value, "value", outcome);
      break;
    case KvOp::kRange:
    case KvOp::kClearRange:
      Decode(command.begin, "begin", outcome);
      Decode(command.end, "end", outcome);
      break;
    case KvOp::kNone:
      return Outcome::Usage("no key-value command given");
  }
  return outcome;
}

Outcome RunKvCommand(KvTarget& target, const KvCommand& command, const GlobalOptions& global,
                     std::ostream& out) {
  if (target.tenant) return Dispatch(*target.tenant, command, global, out);
  return Dispatch(*target.db, command, global, out);
}

}  // namespace tenantdb::cli
