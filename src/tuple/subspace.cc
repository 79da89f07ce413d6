// Subspace: keys are prefix + tuple encoding (see tuple_codec.cc).
//
//   key := prefix tuple
#include "tenantdb/subspace.h"

#include <fmt/format.h>

#include <cctype>

namespace tenantdb {
namespace {

// The prefix in printable form for error messages: hex if it holds anything unprintable.
std::string Printable(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f && c != '\\') ? std::string(1, c) : fmt::format("\\x{:02x}", u);
  }
  return out;
}

}  // namespace

Subspace::Subspace(const Tuple& tuple, std::string_view raw_prefix)
    : prefix_(std::string(raw_prefix) + tuple.Pack()) {}

Subspace Subspace::FromRawPrefix(std::string raw_prefix) {
  Subspace s;
  s.prefix_ = std::move(raw_prefix);
  return s;
}

std::string Subspace::Pack(const Tuple& tuple) const { return prefix_ + tuple.Pack(); }

Result<std::string> Subspace::PackWithVersionstamp(const Tuple& tuple) const {
  return tuple.PackWithVersionstamp(prefix_);
}

Result<Tuple> Subspace::Unpack(std::string_view key) const {
  if (!Contains(key)) {
    return Error(ErrorCode::kInvalidArgument, fmt::format("key \"{}\" is not in subspace \"{}\"",
                                                          Printable(key), Printable(prefix_)));
  }
  Result<Tuple> tuple = Tuple::Unpack(key.substr(prefix_.size()));
  if (!tuple.ok()) {
    return tuple.status().WithContext(fmt::format("key in subspace \"{}\" after {} prefix bytes",
                                                  Printable(prefix_), prefix_.size()));
  }
  return tuple;
}

bool Subspace::Contains(std::string_view key) const { return key.starts_with(prefix_); }

std::pair<std::string, std::string> Subspace::Range(const Tuple& tuple) const {
  std::string packed = Pack(tuple);
  return {packed + '\x00', packed + '\xff'};
}

Subspace Subspace::Sub(const Tuple& tuple) const { return FromRawPrefix(Pack(tuple)); }

}  // namespace tenantdb
