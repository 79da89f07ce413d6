// The tenant directory workloads of `tenantdb bench`, on tenantdb alone (RocksDB has no
// tenants), each in a fresh file: store of its own:
//
// tenant_create: TenantDirectory::Create of `count` new tenants (no quota, no metadata) by
//   `threads` client threads, each create one transaction, timed one by one. Creates of
//   different names do not conflict (ids come from per-process blocks); `retries` counts the
//   commits the engine refused (not_committed), which Database::Run retried with backoff.
//
// tenant_delete: TenantDirectory::Delete of a tenant holding `keys` keys (loaded by tenant
//   transactions of 10,000 keys, values of value_size bytes) against tenants holding 10 keys,
//   in three phases, each with tenants of its own:
//     after_load    right after the load, while the engine's resolver holds every loaded key;
//     after_window  once the MVCC window (kMaxReadVersionLag, 5 s) has passed, no other commit:
//                   the delete's commit group begins the prune pass over the load's keys;
//     after_prune   the same wait, then enough small commits (2 x keys + 10,000, 64 threads)
//                   that the resolver has pruned the load's write ranges.
//   The resolver records a range clear over many boundaries apart and prunes in bounded steps
//   (src/kv/engine/resolver.h), so all three should cost about what a small delete does; the
//   phases show it (before that, the first two cost O(recent keys)).
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
