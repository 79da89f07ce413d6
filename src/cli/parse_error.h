// One clear line for a command-line parse error from CLI11.
#pragma once

#include <string>
#include <string_view>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace tenantdb::cli {

// Describes `error`, raised while `root` parsed, in one line naming what is wrong and the
// help to read, e.g. "unknown option '-x' (a key starting with '-' goes after '--'); see
// 'tenantdb kv get --help'". `program` begins the command named in the hint ("tenantdb" on
// the command line, "" in the shell).
std::string DescribeParseError(const CLI::ParseError& error, const CLI::App& root,
                               std::string_view program);

}  // namespace tenantdb::cli
