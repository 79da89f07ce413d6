#include "common/printable.h"

#include <fmt/format.h>

namespace tenantdb {

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    if (b == '\\') {
      out += "\\\\";
    } else if (b >= 0x20 && b < 0x7f) {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", b);
    }
  }
  return out;
}

std::string Printable(std::string_view bytes, size_t max_chars) {
  std::string out = EscapeBytes(bytes.substr(0, max_chars));
  if (bytes.size() > max_chars) out += fmt::format("...({} bytes)", bytes.size());
  return "'" + out + "'";
}

}  // namespace tenantdb
