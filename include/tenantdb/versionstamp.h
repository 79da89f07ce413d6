// A 96-bit versionstamp: the 10-byte transaction versionstamp that a commit assigns (8-byte
// big-endian commit version + 2-byte batch order) followed by a 2-byte user version that orders
// writes within one transaction. Before commit the transaction part is not known; such an
// "incomplete" versionstamp holds ten 0xFF bytes as a placeholder, which set_versionstamped_key
// and set_versionstamped_value overwrite at commit (FoundationDB's convention).
//
// A value type; thread-compatible.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tenantdb/status.h"

namespace tenantdb {

class Versionstamp {
 public:
  static constexpr size_t kTrVersionSize = 10;
  static constexpr size_t kSize = 12;
  using TrVersion = std::array<uint8_t, kTrVersionSize>;

  // A versionstamp whose transaction part is known. A tr_version of ten 0xFF bytes is the
  // placeholder, so the result is then incomplete.
  static Versionstamp Complete(const TrVersion& tr_version, uint16_t user_version = 0);
  // A placeholder to be filled in at commit.
  static Versionstamp Incomplete(uint16_t user_version = 0);
  // From the 12-byte form produced by ToBytes(). Errors: kInvalidArgument if the size is not 12.
  static Result<Versionstamp> FromBytes(std::string_view bytes);

  bool IsComplete() const;
  const TrVersion& tr_version() const { return tr_version_; }
  uint16_t user_version() const { return user_version_; }

  // tr_version followed by user_version big-endian: 12 bytes, ordered like the versionstamps.
  std::string ToBytes() const;
  // "Versionstamp(00112233445566778899, 7)" or "Versionstamp(incomplete, 7)".
  std::string ToString() const;

  // Order of the 12-byte form: by tr_version bytes, then user_version.
  friend auto operator<=>(const Versionstamp&, const Versionstamp&) = default;
  friend bool operator==(const Versionstamp&, const Versionstamp&) = default;

 private:
  Versionstamp(const TrVersion& tr_version, uint16_t user_version)
      : tr_version_(tr_version), user_version_(user_version) {}

  TrVersion tr_version_;
  uint16_t user_version_;
};

}  // namespace tenantdb
