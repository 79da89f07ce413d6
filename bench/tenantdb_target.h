// tenantdb as a benchmark target: a file: store, each operation one transaction run with
// Database::Run (or Tenant::Run), retried on conflicts, the retries counted:
//   point_get          Get(key)
//   range_read         GetRange(begin, end, limit = count)
//   blind_write        Set(key, value)
//   read_modify_write  Get(key), then Set(key, value with its first 8 bytes incremented)
//   hot_counter        Add(key, 1): an atomic add, which never conflicts
//
// Two systems: "tenantdb" runs raw Transactions on the bench keys; "tenantdb-tenant" creates
// one tenant ("bench") and runs TenantTransactions through its Tenant handle on the very
// same keys, relative to the tenant (preloaded the same way), so the two differ only by the
// tenant layer: key checks and prefixing, the per-operation quota check, the directory entry
// read by a transaction's first write, and the usage counter added by each write commit.
#pragma once

#include <memory>
#include <string>

#include "bench/workload.h"

namespace tenantdb::bench {

// Opens (creating) the store in directory `dir` with `durability`.
// Errors: those of Database::Open.
Result<std::unique_ptr<Target>> OpenTenantdbTarget(const std::string& dir, Durability durability);

// As OpenTenantdbTarget, and creates the tenant "bench" (no quota) that every operation of
// the target runs in. Errors: those of Database::Open and TenantDirectory::Create.
Result<std::unique_ptr<Target>> OpenTenantTarget(const std::string& dir, Durability durability);

}  // namespace tenantdb::bench
