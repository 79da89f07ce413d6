// The tuple encoding, byte-compatible with FoundationDB (design/tuple.md in apple/foundationdb).
//
//   tuple        := element*                      (top level: no terminator)
//   element      := null | bytes | string | nested | integer | float | double
//                 | false | true | uuid | versionstamp
//   null         := 0x00                          (at the top level)
//   bytes        := 0x01 escaped 0x00
//   string       := 0x02 escaped 0x00             (the UTF-8 bytes of the string)
//   escaped      := ( byte other than 0x00 | 0x00 0xFF )*
//                                                 (each 0x00 of the value is written 0x00 0xFF)
//   nested       := 0x05 nested_item* 0x00
//   nested_item  := 0x00 0xFF                     (a null inside a nested tuple)
//                 | element other than null
//   integer      := 0x14                          (zero)
//                 | (0x14 + n) be_n(v)            (0 < v < 2^64, n = minimal byte count)
//                 | (0x14 - n) be_n(2^(8n) - 1 - |v|)
//                                                 (-2^64 < v < 0: one's complement of |v|)
//   float        := 0x20 ordered(be_4(IEEE bits))
//   double       := 0x21 ordered(be_8(IEEE bits))
//   ordered(x)   := x with every bit flipped if its sign bit is set, else only the sign bit
//   false        := 0x26
//   true         := 0x27
//   uuid         := 0x30 byte{16}                 (RFC 4122 network byte order)
//   versionstamp := 0x33 tr_version:byte{10} be_2(user_version)
//                                                 (tr_version ten 0xFF: incomplete)
//
// be_n(x) is x as n big-endian bytes, 1 <= n <= 8. With minimal integers every value has one
// encoding, and the encoding is a bijection onto what Unpack accepts. Unpack refuses, with
// kInvalidTuple: non-minimal integers (a leading 0x00 byte for positive, 0xFF for negative),
// negative integers below INT64_MIN (no C++ type holds them), the reserved or deprecated codes
// (0x03/0x04 old nested, 0x0a/0x0b/0x1d/0x1e arbitrary-precision integers, 0x22 long double,
// 0x23/0x24 decimal, 0x25 old true, 0x31, 0x32, 0x40-0x4f user types, 0xff) and unknown codes.
#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include "tenantdb/tuple.h"
#include "tuple/float_order.h"

namespace tenantdb {
namespace {

using tuple_internal::DoubleFromOrderedBits;
using tuple_internal::FloatFromOrderedBits;
using tuple_internal::OrderedBits;

constexpr uint8_t kNullCode = 0x00;
constexpr uint8_t kBytesCode = 0x01;
constexpr uint8_t kStringCode = 0x02;
constexpr uint8_t kNestedCode = 0x05;
constexpr uint8_t kIntZeroCode = 0x14;
constexpr uint8_t kIntMinCode = kIntZeroCode - 8;  // 0x0c: 8-byte negative
constexpr uint8_t kIntMaxCode = kIntZeroCode + 8;  // 0x1c: 8-byte positive
constexpr uint8_t kFloatCode = 0x20;
constexpr uint8_t kDoubleCode = 0x21;
constexpr uint8_t kFalseCode = 0x26;
constexpr uint8_t kTrueCode = 0x27;
constexpr uint8_t kUuidCode = 0x30;
constexpr uint8_t kVersionstampCode = 0x33;
constexpr uint8_t kEscape = 0xFF;

// Bytes needed for a nonzero magnitude.
int ByteCount(uint64_t magnitude) { return (64 - std::countl_zero(magnitude) + 7) / 8; }

class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  void EncodeElements(const Tuple& tuple, bool nested) {
    for (const TupleElement& element : tuple) {
      std::visit([&](const auto& value) { Encode(value, nested); }, element);
    }
  }

  int incomplete_versionstamps() const { return incomplete_versionstamps_; }
  // Offset in the output of the first incomplete versionstamp's 10-byte placeholder.
  size_t versionstamp_offset() const { return versionstamp_offset_; }

 private:
  void Put(uint8_t byte) { out_->push_back(static_cast<char>(byte)); }
  void PutBigEndian(uint64_t value, int n) {
    for (int i = n - 1; i >= 0; --i) Put(static_cast<uint8_t>(value >> (8 * i)));
  }
  void PutEscaped(std::string_view value) {
    for (char c : value) {
      out_->push_back(c);
      if (c == '\0') Put(kEscape);
    }
    Put(0x00);
  }
  void PutInteger(bool negative, uint64_t magnitude) {
    if (magnitude == 0) return Put(kIntZeroCode);
    int n = ByteCount(magnitude);
    if (negative) {
      Put(static_cast<uint8_t>(kIntZeroCode - n));
      PutBigEndian(~magnitude, n);  // low n bytes of ~m == 2^(8n) - 1 - m
    } else {
      Put(static_cast<uint8_t>(kIntZeroCode + n));
      PutBigEndian(magnitude, n);
    }
  }

  void Encode(std::nullptr_t, bool nested) {
    Put(kNullCode);
    if (nested) Put(kEscape);
  }
  void Encode(const Bytes& value, bool) {
    Put(kBytesCode);
    PutEscaped(value.value);
  }
  void Encode(const std::string& value, bool) {
    Put(kStringCode);
    PutEscaped(value);
  }
  void Encode(const Tuple& value, bool) {
    Put(kNestedCode);
    EncodeElements(value, /*nested=*/true);
    Put(0x00);
  }
  void Encode(int64_t value, bool) {
    // 0 - (uint64)v is |v| for every int64, INT64_MIN included.
    PutInteger(value < 0,
               value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
  }
  void Encode(uint64_t value, bool) { PutInteger(false, value); }
  void Encode(float value, bool) {
    Put(kFloatCode);
    PutBigEndian(OrderedBits(value), 4);
  }
  void Encode(double value, bool) {
    Put(kDoubleCode);
    PutBigEndian(OrderedBits(value), 8);
  }
  void Encode(bool value, bool) { Put(value ? kTrueCode : kFalseCode); }
  void Encode(const Uuid& value, bool) {
    Put(kUuidCode);
    for (uint8_t b : value.bytes) Put(b);
  }
  void Encode(const Versionstamp& value, bool) {
    Put(kVersionstampCode);
    if (!value.IsComplete() && incomplete_versionstamps_++ == 0) {
      versionstamp_offset_ = out_->size();
    }
    out_->append(value.ToBytes());
  }

  std::string* out_;
  int incomplete_versionstamps_ = 0;
  size_t versionstamp_offset_ = 0;
};

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  Result<Tuple> DecodeTopLevel() {
    Tuple tuple;
    while (pos_ < in_.size()) {
      TDB_ASSIGN_OR_RETURN(TupleElement element, DecodeElement(/*depth=*/0));
      tuple.Append(std::move(element));
    }
    return tuple;
  }

 private:
  uint8_t At(size_t i) const { return static_cast<uint8_t>(in_[i]); }

  Status Fail(size_t offset, std::string_view what) const {
    return Error(ErrorCode::kInvalidTuple, fmt::format("byte {}: {}", offset, what));
  }

  // Checks that n more bytes follow the type code at `start`.
  Status Need(size_t start, size_t n, std::string_view type) const {
    if (in_.size() - pos_ >= n) return Status::OK();
    return Fail(start, fmt::format("truncated {}: needs {} bytes after type code 0x{:02x}, {} left",
                                   type, n, At(start), in_.size() - pos_));
  }

  uint64_t ReadBigEndian(size_t n) {
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) value = (value << 8) | At(pos_++);
    return value;
  }

  Result<std::string> ReadEscaped(size_t start) {
    std::string value;
    while (pos_ < in_.size()) {
      uint8_t b = At(pos_++);
      if (b != 0x00) {
        value.push_back(static_cast<char>(b));
      } else if (pos_ < in_.size() && At(pos_) == kEscape) {
        value.push_back('\0');
        ++pos_;
      } else {
        return value;
      }
    }
    return Fail(start, "unterminated string: no 0x00 terminator");
  }

  Result<TupleElement> DecodeNested(size_t start, int depth) {
    if (depth >= Tuple::kMaxNestingDepth) {
      return Fail(start, fmt::format("nested tuples deeper than {}", Tuple::kMaxNestingDepth));
    }
    Tuple tuple;
    while (pos_ < in_.size()) {
      if (At(pos_) == 0x00) {
        if (pos_ + 1 < in_.size() && At(pos_ + 1) == kEscape) {
          tuple.Append(nullptr);
          pos_ += 2;
          continue;
        }
        ++pos_;
        return TupleElement(std::move(tuple));
      }
      TDB_ASSIGN_OR_RETURN(TupleElement element, DecodeElement(depth + 1));
      tuple.Append(std::move(element));
    }
    return Fail(start, "unterminated nested tuple: no 0x00 terminator");
  }

  Result<TupleElement> DecodeInteger(size_t start, uint8_t code) {
    if (code == kIntZeroCode) return TupleElement(int64_t{0});
    bool negative = code < kIntZeroCode;
    size_t n = negative ? kIntZeroCode - code : code - kIntZeroCode;
    TDB_RETURN_IF_ERROR(Need(start, n, "integer"));
    if (At(pos_) == (negative ? 0xFF : 0x00)) {
      return Fail(start, "non-minimal integer encoding (leading byte adds no value)");
    }
    uint64_t raw = ReadBigEndian(n);
    if (!negative) {
      if (raw <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return TupleElement(static_cast<int64_t>(raw));
      }
      return TupleElement(raw);
    }
    uint64_t mask = n == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
    uint64_t magnitude = ~raw & mask;  // >= 1: the leading byte is not 0xFF
    if (magnitude > uint64_t{1} << 63) {
      return Fail(start, "negative integer below INT64_MIN is not supported");
    }
    // -(magnitude) without overflow: magnitude - 1 <= INT64_MAX.
    return TupleElement(-static_cast<int64_t>(magnitude - 1) - 1);
  }

  Result<TupleElement> DecodeElement(int depth) {
    const size_t start = pos_;
    const uint8_t code = At(pos_++);
    switch (code) {
      case kNullCode:
        return TupleElement(nullptr);
      case kBytesCode: {
        TDB_ASSIGN_OR_RETURN(std::string value, ReadEscaped(start));
        return TupleElement(Bytes{std::move(value)});
      }
      case kStringCode: {
        TDB_ASSIGN_OR_RETURN(std::string value, ReadEscaped(start));
        return TupleElement(std::move(value));
      }
      case kNestedCode:
        return DecodeNested(start, depth);
      case kFloatCode:
        TDB_RETURN_IF_ERROR(Need(start, 4, "float"));
        return TupleElement(FloatFromOrderedBits(static_cast<uint32_t>(ReadBigEndian(4))));
      case kDoubleCode:
        TDB_RETURN_IF_ERROR(Need(start, 8, "double"));
        return TupleElement(DoubleFromOrderedBits(ReadBigEndian(8)));
      case kFalseCode:
        return TupleElement(false);
      case kTrueCode:
        return TupleElement(true);
      case kUuidCode: {
        TDB_RETURN_IF_ERROR(Need(start, 16, "uuid"));
        Uuid uuid;
        for (uint8_t& b : uuid.bytes) b = At(pos_++);
        return TupleElement(uuid);
      }
      case kVersionstampCode: {
        TDB_RETURN_IF_ERROR(Need(start, Versionstamp::kSize, "versionstamp"));
        TDB_ASSIGN_OR_RETURN(Versionstamp stamp,
                             Versionstamp::FromBytes(in_.substr(pos_, Versionstamp::kSize)));
        pos_ += Versionstamp::kSize;
        return TupleElement(stamp);
      }
      default:
        if (code >= kIntMinCode && code <= kIntMaxCode) return DecodeInteger(start, code);
        return Fail(start, UnsupportedCode(code));
    }
  }

  static std::string UnsupportedCode(uint8_t code) {
    std::string_view why = "unknown type code";
    if (code == 0x03 || code == 0x04) why = "deprecated nested tuple type code";
    if (code == 0x0a || code == 0x0b || code == 0x1d || code == 0x1e) {
      why = "arbitrary-precision integer (over 8 bytes) type code, not supported";
    }
    if (code == 0x22) why = "long double type code, not supported";
    if (code == 0x23 || code == 0x24) why = "decimal type code, not supported";
    if (code == 0x25) why = "deprecated true type code";
    if (code == 0x31 || code == 0x32) why = "reserved type code, not supported";
    if (code >= 0x40 && code <= 0x4f) why = "user type code, not supported";
    return fmt::format("{} 0x{:02x}", why, code);
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string Tuple::Pack() const {
  std::string out;
  Encoder(&out).EncodeElements(*this, /*nested=*/false);
  return out;
}

Result<std::string> Tuple::PackWithVersionstamp(std::string_view prefix) const {
  std::string out(prefix);
  Encoder encoder(&out);
  encoder.EncodeElements(*this, /*nested=*/false);
  if (encoder.incomplete_versionstamps() != 1) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("PackWithVersionstamp needs exactly one incomplete versionstamp, "
                             "the tuple has {}",
                             encoder.incomplete_versionstamps()));
  }
  size_t offset = encoder.versionstamp_offset();
  if (offset > std::numeric_limits<uint32_t>::max()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("versionstamp offset {} does not fit in 32 bits", offset));
  }
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(offset >> (8 * i)));
  return out;
}

Result<Tuple> Tuple::Unpack(std::string_view bytes) { return Decoder(bytes).DecodeTopLevel(); }

}  // namespace tenantdb
