// RocksDB used directly as the benchmark's peer: the ceiling for the local engine. It opens
// its own store with kv::LocalRocksOptions() (the very options tenantdb's engine uses) and
// runs each workload the way an application using RocksDB alone would, without isolation:
//   point_get          DB::Get into a std::string
//   range_read         an Iterator with iterate_upper_bound = end: Seek(begin), then `count`
//                      pairs copied into a vector of (key, value) strings, as tenantdb returns
//   blind_write        a WriteBatch with one Put, WriteOptions::sync = (durability == sync)
//   read_modify_write  DB::Get, then a WriteBatch with the changed value (no isolation: a
//                      concurrent writer's update can be lost)
//   hot_counter        DB::Get + Put of an 8-byte little-endian count (no Merge operator, so
//                      the options stay identical to tenantdb's; concurrent increments of
//                      one counter can be lost, which tenantdb's atomic add never does)
// The peer never retries.
#pragma once

#include <memory>
#include <string>

#include "bench/workload.h"

namespace tenantdb::bench {

// Opens (creating) a RocksDB store in directory `dir`. Errors: io_error, store_locked, ...
Result<std::unique_ptr<Target>> OpenRocksdbPeer(const std::string& dir, Durability durability);

}  // namespace tenantdb::bench
