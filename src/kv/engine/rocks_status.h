// The one place a rocksdb::Status becomes a tenantdb Status. Busy, TimedOut, Corruption,
// IOError, NoSpace and a held lock stay distinct errors.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "tenantdb/status.h"

namespace tenantdb::kv {

Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace tenantdb::kv
