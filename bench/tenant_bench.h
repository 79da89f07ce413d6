// The tenant directory workloads of `tenantdb bench`, on tenantdb alone (RocksDB has no
// tenants), each in a fresh file: store of its own:
//
// tenant_create: TenantDirectory::Create of `count` new tenants (no quota, no metadata) by
//   `threads` client threads, each create one transaction, timed one by one. Every create
//   reads and bumps the one id counter, so concurrent creates conflict: `retries` counts the
//   commits the engine refused (not_committed), which Database::Run retried with backoff.
//
// tenant_delete: TenantDirectory::Delete of a tenant holding `keys` keys (loaded by tenant
//   transactions of 10,000 keys, values of value_size bytes) against tenants holding 10 keys,
//   in three phases, each with tenants of its own:
//     after_load    right after the load;
//     after_window  once the MVCC window (kMaxReadVersionLag, 5 s) has passed, no other commit;
//     after_prune   the same wait, then enough small commits (2 x keys + 10,000, 64 threads)
//                   that the engine's resolver has pruned the load's write ranges.
//   The resolver keeps each recently written key as 2 boundaries and prunes once as many
//   commits as it holds boundaries have passed, so until then a range clear over the tenant
//   erases O(recent keys) boundaries; the phases show that cost and when it goes away.
//   Per phase: the big tenant's delete (1 sample) and the median of 5 small tenants' deletes
//   (4 before the big one, 1 after).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "bench/kv_bench.h"

namespace tenantdb::bench {

// Runs tenant_create in a fresh store under `dir`, once per options.threads entry, and
// reports each as a CellResult (system "tenantdb-tenant", workload tenant_create, ops =
// tenants created, ops_per_s = tenants/s, latency of one Create, retries as above).
Status RunTenantCreate(const std::string& dir, Durability durability, const BenchOptions& options,
                       const std::function<void(const CellResult&)>& on_cell);

// Runs tenant_delete in a fresh store under `dir`; reports two results per phase (the big
// tenant, then the small tenants' median).
Status RunTenantDelete(const std::string& dir, Durability durability, const BenchOptions& options,
                       const std::function<void(const DeleteResult&)>& on_delete);

}  // namespace tenantdb::bench
