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
    // RocksDB's two messages for a held LOCK file (another process; this process). A bare
    // "lock" would also match an I/O error that mentions a disk block.
    const std::string text = s.ToString();
    if (text.find("While lock file") != std::string::npos ||
        text.find("lock hold by current process") != std::string::npos) {
      return Error(ErrorCode::kStoreLocked, msg);
    }
    return Error(ErrorCode::kIoError, msg);
  }
  if (s.IsInvalidArgument() && s.ToString().find("does not exist") != std::string::npos) {
    return Error(ErrorCode::kFileNotFound, msg);
  }
  if (s.IsInvalidArgument()) return Error(ErrorCode::kInvalidArgument, msg);
  return Error(ErrorCode::kInternalError, msg);
}

}  // namespace tenantdb::kv
