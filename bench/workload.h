// The workloads of `tenantdb bench`, and the interface each system under test implements to
// run the key-value ones (tenantdb raw, tenantdb through a tenant handle, and RocksDB used
// directly as the peer).
//
// Data: keys "bench/k" + 8 decimal digits for 0 <= i < key_count, each with a value of
// value_size bytes, loaded before the first cell; hot counters "bench/counter/" + 2 digits.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tenantdb/options.h"
#include "tenantdb/status.h"

namespace tenantdb::bench {

enum class Workload {
  kPointGet,         // read one random existing key
  kRangeRead,        // read range_size consecutive keys from a random start, in key order
  kBlindWrite,       // write one random key (no read), durably per the cell's durability
  kReadModifyWrite,  // read one random key and write it back changed, in one transaction
  kHotCounter,       // increment one of hot_keys counters (tenantdb: atomic add)
  // Tenant directory workloads (bench/tenant_bench.h), run on tenantdb alone:
  kTenantCreate,  // TenantDirectory::Create of tenant_creates new tenants
  kTenantDelete,  // TenantDirectory::Delete of a tenant of tenant_delete_keys keys vs 10 keys
};

// Names as written on the command line and in the output: point_get, range_read,
// blind_write, read_modify_write, hot_counter, tenant_create, tenant_delete.
std::string_view WorkloadName(Workload w);
std::optional<Workload> ParseWorkload(std::string_view name);
// The five key-value workloads, in order (the ones a Target runs).
const std::vector<Workload>& AllWorkloads();
// The tenant directory workloads: tenant_create, tenant_delete.
const std::vector<Workload>& TenantWorkloads();
bool IsKvWorkload(Workload w);
std::string_view DurabilityName(Durability d);  // "sync" | "async"

// One operation's arguments. Views into the calling thread's buffers, valid for the call.
struct Op {
  std::string_view key;    // the key read or written (range: the first key)
  std::string_view end;    // range: the key after the last one expected
  int count = 0;           // range: the number of keys expected in [key, end)
  std::string_view value;  // blind write: the value
};

// One client thread's connection to a system. Not thread-safe: one per client thread.
class Client {
 public:
  virtual ~Client() = default;
  // Runs one operation of workload `w`; adds the retries it needed (conflicts) to *retries.
  // Errors: the system's error, or internal_error when a read does not find the data loaded.
  virtual Status Do(Workload w, const Op& op, int64_t* retries) = 0;
};

// The systems the key-value workloads run against.
enum class System {
  kTenantdb,  // "tenantdb": raw Database transactions (no tenant)
  kTenant,    // "tenantdb-tenant": TenantTransactions through a Tenant handle of one tenant
  kRocksdb,   // "rocksdb": RocksDB used directly
};
// "tenantdb", "tenantdb-tenant", "rocksdb" (the names in the output).
std::string_view SystemName(System s);
// Accepts the names above and the short forms "raw" (tenantdb) and "tenant".
std::optional<System> ParseSystem(std::string_view name);

// A system under test, open on a store of its own. Thread-safe: NewClient from any thread.
class Target {
 public:
  virtual ~Target() = default;
  virtual std::string_view name() const = 0;
  // Writes keys [0, key_count) with values of value_size bytes, in batches.
  virtual Status Preload(int64_t key_count, int value_size) = 0;
  // Writes the memtables out and compacts the store, waiting for both: run before every cell,
  // so that each system starts it from the same state whatever the cells before it wrote (a
  // system that ran faster wrote more) and no flush or compaction of one system's store is
  // left to run during another system's turns.
  virtual Status Settle() = 0;
  virtual std::unique_ptr<Client> NewClient() = 0;
};

// The key of index i: "bench/k" + 8 digits, written into buf (at least kKeyBufferSize bytes).
inline constexpr size_t kKeyBufferSize = 32;
std::string_view KeyOf(int64_t i, char* buf);
std::string_view CounterKeyOf(int i, char* buf);

// Reads the little-endian uint64 in the first 8 bytes of `value` (0 if shorter), adds one
// and writes it back: the change read_modify_write makes, and the peer's counter increment.
void IncrementPrefix(std::string& value);

}  // namespace tenantdb::bench
