// The text form of keys and values on the command line: printable ASCII as is, every other
// byte as a \xNN escape. The grammar is at the top of escape.cc and in docs/CLI.md.
#pragma once

#include <string>
#include <string_view>

#include "tenantdb/status.h"

namespace tenantdb::cli {

// The canonical text form of `bytes`: bytes 0x20-0x7e as themselves except the backslash,
// which becomes "\\"; every other byte "\xNN" with two lowercase hex digits. The result is
// printable ASCII, holds no tab or newline, and UnescapeBytes(EscapeBytes(b)) == b.
std::string EscapeBytes(std::string_view bytes);

// The bytes named by the text form `text`. Accepts what EscapeBytes produces and also:
// "\xNN" with either case of hex digit, "\n", "\r", "\t", "\"", "\'", "\ " (a space), and
// any byte other than a backslash as itself (so raw UTF-8 is taken as is).
// Errors: invalid_argument naming the escape and its byte offset in `text`, e.g.
// "invalid escape '\xZ1' at offset 3 (\x takes two hex digits)".
Result<std::string> UnescapeBytes(std::string_view text);

}  // namespace tenantdb::cli
