#include "tenantdb/status.h"

#include <fmt/format.h>

namespace tenantdb {
namespace {

struct ErrorInfo {
  std::string_view name;
  std::string_view description;
  bool retryable;
};

ErrorInfo Lookup(ErrorCode code) {
  switch (code) {
#define TENANTDB_ERROR(enumerator, number, name, retryable, description) \
  case ErrorCode::enumerator:                                            \
    return {name, description, retryable};
#include "tenantdb/error_codes.h"
#undef TENANTDB_ERROR
  }
  return {"unknown_error", "An unknown error occurred", false};
}

}  // namespace

std::string_view ErrorName(ErrorCode code) { return Lookup(code).name; }
std::string_view ErrorDescription(ErrorCode code) { return Lookup(code).description; }
bool IsRetryable(ErrorCode code) { return Lookup(code).retryable; }

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  if (message_.empty()) return Status(code_, std::string(context));
  return Status(code_, fmt::format("{}: {}", context, message_));
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return fmt::format("{} ({}): {}", name(), number(),
                     message_.empty() ? ErrorDescription(code_) : std::string_view(message_));
}

}  // namespace tenantdb
