#include "cli/parse_error.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <vector>

#include "cli/outcome.h"

namespace tenantdb::cli {
namespace {

// The chain of subcommands that were parsed, root excluded.
std::vector<const CLI::App*> ParsedPath(const CLI::App& root) {
  std::vector<const CLI::App*> path;
  const CLI::App* app = &root;
  for (;;) {
    const std::vector<const CLI::App*> chosen =
        app->get_subcommands([](const CLI::App* sub) { return sub->parsed(); });
    if (chosen.empty()) return path;
    app = chosen.front();
    path.push_back(app);
  }
}

std::string Join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

bool LooksLikeOption(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

}  // namespace

std::string DescribeParseError(const CLI::ParseError& error, const CLI::App& root,
                               std::string_view program) {
  const std::vector<const CLI::App*> path = ParsedPath(root);
  const CLI::App& leaf = path.empty() ? root : *path.back();
  std::vector<std::string> names;
  for (const CLI::App* app : path) names.push_back(app->get_name());
  const std::string command = Join(names, " ");
  // Unmatched arguments collect at the root (the subcommands fall through to it).
  std::vector<std::string> extras = root.remaining();
  for (const CLI::App* app : path) {
    for (const std::string& arg : app->remaining()) extras.push_back(arg);
  }

  std::string what = error.what();
  const bool required = dynamic_cast<const CLI::RequiredError*>(&error) != nullptr;
  const bool extra = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr;
  const bool wants_subcommand =
      leaf.get_require_subcommand_min() > 0 && leaf.get_subcommands().empty();
  if (required && wants_subcommand) {
    std::vector<std::string> known;
    for (const CLI::App* sub : leaf.get_subcommands([](const CLI::App*) { return true; })) {
      known.push_back(sub->get_name());
    }
    const std::string choices = Join(known, ", ");
    if (extras.empty()) {
      what = fmt::format("missing command (expected one of: {})", choices);
    } else if (LooksLikeOption(extras.front())) {
      what = fmt::format("unknown option '{}'", extras.front());
    } else {
      what = fmt::format("unknown command '{}' (expected one of: {})",
                         Join({command, extras.front()}, command.empty() ? "" : " "), choices);
    }
  } else if ((required || extra) && !extras.empty() && LooksLikeOption(extras.front())) {
    // CLI11 reports "-x" before a missing positional as the positional being missing.
    what = fmt::format(
        "unknown option '{}' (an argument starting with '-' goes after '--', or write '-' as "
        "\\x2d)",
        extras.front());
  } else if (extra && !extras.empty()) {
    what = fmt::format("unexpected argument{} '{}'", extras.size() > 1 ? "s" : "",
                       Join(extras, "' '"));
  }
  std::vector<std::string> help;
  for (std::string_view part : {program, std::string_view(command), std::string_view("--help")}) {
    if (!part.empty()) help.emplace_back(part);
  }
  return OneLine(fmt::format("{}; see '{}'", what, Join(help, " ")));
}

}  // namespace tenantdb::cli
