// Text form of bytes. Grammar (ABNF; a "byte" is any octet):
//
//   text    = *( literal / escape )
//   literal = <any byte except "\">         ; taken as itself
//   escape  = "\" ( "\" / "x" HEXDIG HEXDIG / "n" / "r" / "t" / DQUOTE / "'" / SP )
//
// EscapeBytes produces the canonical subset: literals only in 0x20-0x7e, escapes only "\\"
// and "\x" with lowercase hex digits.
#include "cli/escape.h"

#include "common/printable.h"

#include <fmt/format.h>

#include <algorithm>

namespace tenantdb::cli {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status BadEscape(std::string_view text, size_t offset, size_t length, std::string_view why) {
  // The offending text is shown in its own escaped form so the message stays one printable
  // line even when the escape swallowed a control byte.
  std::string shown = "\\";
  shown += EscapeBytes(text.substr(offset + 1, length - 1));
  return Error(ErrorCode::kInvalidArgument,
               fmt::format("invalid escape '{}' at offset {} ({})", shown, offset, why));
}

}  // namespace

std::string EscapeBytes(std::string_view bytes) { return ::tenantdb::EscapeBytes(bytes); }

Result<std::string> UnescapeBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 == text.size()) {
      return BadEscape(text, i, 1, "a lone backslash at the end; write \\\\ for a backslash");
    }
    switch (const char kind = text[i + 1]) {
      case '\\':
      case '"':
      case '\'':
      case ' ':
        out += kind;
        ++i;
        break;
      case 'n':
        out += '\n';
        ++i;
        break;
      case 'r':
        out += '\r';
        ++i;
        break;
      case 't':
        out += '\t';
        ++i;
        break;
      case 'x': {
        const size_t available = std::min<size_t>(text.size() - i, 4);
        const int high = available > 2 ? HexValue(text[i + 2]) : -1;
        const int low = available > 3 ? HexValue(text[i + 3]) : -1;
        if (high < 0 || low < 0) {
          // Show the escape up to and including the first character that is not a hex digit.
          const size_t shown = high < 0 ? std::min<size_t>(available, 3) : available;
          return BadEscape(text, i, shown, "\\x takes two hex digits");
        }
        out += static_cast<char>(high << 4 | low);
        i += 3;
        break;
      }
      default:
        return BadEscape(text, i, 2,
                         "valid escapes are \\\\ \\xNN \\n \\r \\t \\\" \\' and \\ (space)");
    }
  }
  return out;
}

}  // namespace tenantdb::cli
