#include "cli/shell.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>

#include "cli/escape.h"
#include "cli/kv_commands.h"
#include "cli/parse_error.h"

namespace tenantdb::cli {
namespace {

constexpr std::string_view kShellHelp = R"(Commands, each run as one transaction:
  get KEY [--raw]                              print the value of KEY
  set KEY VALUE                                set KEY to VALUE
  clear KEY                                    remove KEY
  range BEGIN [END] [--limit N] [--reverse]    print pairs with BEGIN <= key < END
  clear-range BEGIN END                        remove keys with BEGIN <= key < END
  help                                         this text; COMMAND --help for one command
  quit, exit                                   leave (as does the end of input)
Keys and values are escaped: \xNN is any byte, \\ a backslash, \n \r \t as in C.
Quote arguments holding blanks: set "hello world" 'a b'. Lines starting with # are skipped.
)";

constexpr std::string_view kPrompt = "tenantdb> ";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Runs one line; sets *quit when the line asks to leave.
Outcome RunLine(KvTarget& target, const GlobalOptions& global, std::string_view line,
                const CliIo& io, bool* quit) {
  const size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || line[first] == '#') return Outcome::Ok();
  Result<std::vector<std::string>> split = SplitShellLine(line);
  if (!split.ok()) return Outcome::Usage(split.status().message());
  std::vector<std::string> args = std::move(split).value();
  if (args.empty()) return Outcome::Ok();
  // Accept the command-line spelling too: "kv get k".
  if (args.front() == "kv") args.erase(args.begin());
  if (args.empty()) return Outcome::Usage("missing command after 'kv'; type 'help'");
  const std::string& name = args.front();
  if (args.size() == 1 && (name == "quit" || name == "exit")) {
    *quit = true;
    return Outcome::Ok();
  }
  if (args.size() == 1 && name == "help") {
    io.out << kShellHelp;
    return Outcome::Ok();
  }

  CLI::App app("", "");
  app.set_help_flag("-h,--help", "Print this help");
  app.require_subcommand(1);
  KvCommand command;
  AddKvCommands(app, command);
  const CLI::App& commands = app;
  if (commands.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == name; })
          .empty()) {
    return Outcome::Usage(fmt::format("unknown command '{}'; type 'help'", OneLine(name)));
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& help) {
    app.exit(help, io.out, io.err);
    return Outcome::Ok();
  } catch (const CLI::ParseError& error) {
    return Outcome::Usage(DescribeParseError(error, app, ""));
  }
  if (Outcome decoded = DecodeKvCommand(command, global); !decoded.ok()) return decoded;
  return RunKvCommand(target, command, global, io.out);
}

}  // namespace

Result<std::vector<std::string>> SplitShellLine(std::string_view line) {
  std::vector<std::string> args;
  std::string arg;
  bool in_arg = false;  // an argument has started, possibly empty ("")
  char quote = 0;       // the open quote character, or 0
  size_t quote_offset = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\') {
      arg += c;
      if (i + 1 < line.size()) arg += line[++i];
      in_arg = true;
    } else if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        arg += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      quote_offset = i;
      in_arg = true;
    } else if (IsBlank(c)) {
      if (in_arg) args.push_back(std::move(arg));
      arg.clear();
      in_arg = false;
    } else {
      arg += c;
      in_arg = true;
    }
  }
  if (quote != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("unterminated {} quote at offset {}", quote, quote_offset));
  }
  if (in_arg) args.push_back(std::move(arg));
  return args;
}

int RunShell(KvTarget& target, std::string_view store, const ShellOptions& options,
             const GlobalOptions& global, const CliIo& io) {
  if (io.interactive) {
    const std::string where = target.tenant ? fmt::format("{}, tenant '{}'", OneLine(store),
                                                          EscapeBytes(target.tenant->name()))
                                            : OneLine(store);
    io.out << fmt::format("tenantdb shell on {}. Type 'help' for commands, 'quit' to leave.\n",
                          where);
  }
  int status = kExitOk;
  bool quit = false;
  std::string line;
  for (int number = 1; !quit; ++number) {
    if (io.interactive) io.out << kPrompt << std::flush;
    if (!std::getline(io.in, line)) {
      if (io.interactive) io.out << '\n';
      break;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const Outcome outcome = RunLine(target, global, line, io, &quit);
    io.out << std::flush;
    if (outcome.ok()) continue;
    if (io.interactive) {
      io.err << OneLine(outcome.message) << std::endl;
    } else {
      io.err << fmt::format("tenantdb: line {}: {}", number, OneLine(outcome.message)) << std::endl;
    }
    if (outcome.notice) continue;
    if (status == kExitOk) status = outcome.code;
    if (options.bail) break;
  }
  return status;
}

}  // namespace tenantdb::cli
