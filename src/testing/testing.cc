#include "testing/testing.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

namespace tenantdb::testing {

uint64_t TestSeed() {
  static const uint64_t seed = [] {
    uint64_t s;
    if (const char* env = std::getenv("TENANTDB_SEED")) {
      s = std::strtoull(env, nullptr, 10);
    } else {
      s = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
    }
    fmt::print("TENANTDB_SEED={}\n", s);
    return s;
  }();
  return seed;
}

int TestScale() {
  const char* env = std::getenv("TENANTDB_TEST_SCALE");
  int scale = env ? std::atoi(env) : 1;
  return scale < 1 ? 1 : scale;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "tenantdb-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace tenantdb::testing
