// Helpers shared by tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace tenantdb::testing {

// Seed for randomized tests: TENANTDB_SEED from the environment if set, else a fresh random
// one. The seed is printed so a failing run can be reproduced with TENANTDB_SEED=<seed>.
uint64_t TestSeed();

// A scale factor for long randomized suites: TENANTDB_TEST_SCALE (default 1). CI runs the
// default; run with a larger scale before resolving an issue.
int TestScale();

// A fresh empty directory under the system temp dir, removed when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tenantdb::testing
