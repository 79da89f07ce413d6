// tenantdb as a benchmark target: a file: store, each operation one Database::Run transaction
// (retried on conflicts; the retries are counted):
//   point_get          Get(key)
//   range_read         GetRange(begin, end, limit = count)
//   blind_write        Set(key, value)
//   read_modify_write  Get(key), then Set(key, value with its first 8 bytes incremented)
//   hot_counter        Add(key, 1): an atomic add, which never conflicts
#pragma once

#include <memory>
#include <string>

#include "bench/workload.h"

namespace tenantdb::bench {

// Opens (creating) the store in directory `dir` with `durability`.
// Errors: those of Database::Open.
Result<std::unique_ptr<Target>> OpenTenantdbTarget(const std::string& dir, Durability durability);

}  // namespace tenantdb::bench
