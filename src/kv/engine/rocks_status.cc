#include "kv/engine/rocks_status.h"

#include <fmt/format.h>

namespace tenantdb::kv {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string msg = fmt::format("{}: {}", context, s.ToString());
  if (s.IsBusy() || s.IsTryAgain()) return Error(ErrorCode::kStorageBusy, msg);
  if (s.IsTimedOut()) return Error(ErrorCode::kStorageTimedOut, msg);
  if (s.IsCorruption()) return Error(ErrorCode::kCorruption, msg);
  if (s.IsNoSpace()) return Error(ErrorCode::kNoSpace, msg);
  if (s.IsPathNotFound()) return Error(ErrorCode::kFileNotFound, msg);
  if (s.IsNotSupported()) return Error(ErrorCode::kNotSupported, msg);
  if (s.IsIOError()) {
    if (s.ToString().find("lock") != std::string::npos) return Error(ErrorCode::kStoreLocked, msg);
    return Error(ErrorCode::kIoError, msg);
  }
  if (s.IsInvalidArgument() && s.ToString().find("does not exist") != std::string::npos) {
    return Error(ErrorCode::kFileNotFound, msg);
  }
  if (s.IsInvalidArgument()) return Error(ErrorCode::kInvalidArgument, msg);
  return Error(ErrorCode::kInternalError, msg);
}

}  // namespace tenantdb::kv
