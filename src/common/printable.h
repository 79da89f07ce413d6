// Bytes made printable for messages: printable ASCII as is, backslash as "\\", every other
// byte as "\xNN" — the same escaping the command line reads and writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tenantdb {

// Escapes all of `bytes`.
std::string EscapeBytes(std::string_view bytes);

// Escapes `bytes` for an error message, cut to about `max_chars` with "..." and the length.
std::string Printable(std::string_view bytes, size_t max_chars = 64);

}  // namespace tenantdb
