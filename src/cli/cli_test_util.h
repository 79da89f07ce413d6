// Helpers for the tests that run the tool in-process (cli_test.cc, tenant_cli_test.cc).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli.h"

namespace tenantdb::cli {

// What one run of the tool did.
struct Ran {
  int code;
  std::string out;
  std::string err;
};

// Runs `tenantdb args...` with `input` as stdin.
inline Ran RunTool(const std::vector<std::string>& args, const std::string& input = "",
                   bool interactive = false) {
  std::vector<const char*> argv = {"tenantdb"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const int code =
      RunCli(static_cast<int>(argv.size()), argv.data(), CliIo{in, out, err, interactive});
  return {code, out.str(), err.str()};
}

// Exactly one line on stderr: the one-line rule for every error.
inline void ExpectOneErrorLine(const Ran& ran, int code, std::string_view fragment) {
  EXPECT_EQ(ran.code, code) << ran.err;
  EXPECT_EQ(std::count(ran.err.begin(), ran.err.end(), '\n'), 1) << ran.err;
  EXPECT_TRUE(!ran.err.empty() && ran.err.back() == '\n') << ran.err;
  EXPECT_THAT(ran.err, ::testing::HasSubstr(std::string(fragment)));
}

}  // namespace tenantdb::cli
