// Versionstamp: 10-byte transaction versionstamp + big-endian 2-byte user version.
//
//   versionstamp := tr_version:byte{10} be_2(user_version)    (tr_version ten 0xFF: incomplete)
#include "tenantdb/versionstamp.h"

#include <fmt/format.h>

#include <algorithm>

namespace tenantdb {

Versionstamp Versionstamp::Complete(const TrVersion& tr_version, uint16_t user_version) {
  return Versionstamp(tr_version, user_version);
}

Versionstamp Versionstamp::Incomplete(uint16_t user_version) {
  TrVersion placeholder;
  placeholder.fill(0xFF);
  return Versionstamp(placeholder, user_version);
}

Result<Versionstamp> Versionstamp::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSize) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("a versionstamp is {} bytes, got {}", kSize, bytes.size()));
  }
  TrVersion tr_version;
  for (size_t i = 0; i < kTrVersionSize; ++i) tr_version[i] = static_cast<uint8_t>(bytes[i]);
  auto user_version = static_cast<uint16_t>((static_cast<uint8_t>(bytes[10]) << 8) |
                                            static_cast<uint8_t>(bytes[11]));
  return Versionstamp(tr_version, user_version);
}

bool Versionstamp::IsComplete() const {
  return !std::all_of(tr_version_.begin(), tr_version_.end(), [](uint8_t b) { return b == 0xFF; });
}

std::string Versionstamp::ToBytes() const {
  std::string out(tr_version_.begin(), tr_version_.end());
  out.push_back(static_cast<char>(user_version_ >> 8));
  out.push_back(static_cast<char>(user_version_ & 0xFF));
  return out;
}

std::string Versionstamp::ToString() const {
  if (!IsComplete()) return fmt::format("Versionstamp(incomplete, {})", user_version_);
  std::string hex;
  for (uint8_t b : tr_version_) hex += fmt::format("{:02x}", b);
  return fmt::format("Versionstamp({}, {})", hex, user_version_);
}

}  // namespace tenantdb
