// The tenantdb command-line tool; see docs/CLI.md.
#include <unistd.h>

#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const tenantdb::cli::CliIo io{std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) == 1};
  return tenantdb::cli::RunCli(argc, argv, io);
}
