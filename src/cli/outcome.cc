#include "cli/outcome.h"

#include <fmt/format.h>

namespace tenantdb::cli {

Outcome Outcome::Usage(std::string_view what) {
  return {kExitUsage, fmt::format("error: {}", what)};
}

Outcome Outcome::NotFound(std::string_view what) {
  return {kExitNotFound, std::string(what), /*notice=*/true};
}

Outcome Outcome::Failed(const Status& status) {
  int code = kExitFailed;
  switch (status.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kInvalidStoreUrl:
    case ErrorCode::kInvertedRange:
    case ErrorCode::kKeyOutsideLegalRange:
    case ErrorCode::kKeyTooLarge:
    case ErrorCode::kValueTooLarge:
    case ErrorCode::kInvalidTenantName:
      code = kExitUsage;
      break;
    case ErrorCode::kTenantNotFound:
      code = kExitNotFound;
      break;
    default:
      break;
  }
  return {code, fmt::format("error: {}", status.ToString())};
}

Result<std::unique_ptr<Database>> OpenStore(std::string_view url, bool create) {
  DatabaseOptions options;
  options.create_if_missing = create;
  return Database::Open(url, options);
}

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) {
      out += fmt::format("\\x{:02x}", b);
    } else {
      out += c;
    }
  }
  return out;
}

std::string JsonString(std::string_view escaped) {
  std::string out = "\"";
  for (char c : escaped) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20 || b == 0x7f) {
      out += fmt::format("\\u{:04x}", b);  // not expected from EscapeBytes, but stays JSON
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace tenantdb::cli
