#include <fmt/format.h>

#include "common/printable.h"
#include "tenantdb/tenant.h"

namespace tenantdb {

std::string_view TenantStateName(TenantState state) {
  switch (state) {
    case TenantState::kActive:
      return "active";
    case TenantState::kLocked:
      return "locked";
  }
  return "unknown";
}

Status ValidateTenantName(std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Error(ErrorCode::kInvalidTenantName,
                 fmt::format("tenant name {}: {}", Printable(name), why));
  };
  if (name.empty()) return bad("is empty (names are 1-255 bytes)");
  if (name.size() > 255) return bad(fmt::format("is {} bytes (limit 255)", name.size()));
  for (size_t i = 0; i < name.size();) {
    auto b = static_cast<unsigned char>(name[i]);
    size_t len = b < 0x80           ? 1
                 : (b >> 5) == 0x6  ? 2
                 : (b >> 4) == 0xE  ? 3
                 : (b >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > name.size()) return bad(fmt::format("invalid UTF-8 at byte {}", i));
    uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (size_t j = 1; j < len; ++j) {
      auto c = static_cast<unsigned char>(name[i + j]);
      if ((c & 0xC0) != 0x80) return bad(fmt::format("invalid UTF-8 at byte {}", i));
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return bad(fmt::format("invalid UTF-8 at byte {}", i));
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      return bad(fmt::format("control character at byte {}", i));
    }
    i += len;
  }
  return Status::OK();
}

}  // namespace tenantdb
