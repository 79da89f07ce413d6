// Test vectors for every type, from FoundationDB's design/tuple.md ("spec") and its Java
// bindings' TupleSerializationTest ("java"), plus tenantdb's decisions on what Unpack refuses.
#include "tenantdb/tuple.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>

namespace tenantdb {
namespace {

constexpr int FF = 0xff;
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

std::string Raw(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Hex(std::string_view s) {
  std::string out;
  for (char c : s) {
    static constexpr char kDigits[] = "0123456789abcdef";
    auto u = static_cast<unsigned char>(c);
    out += kDigits[u >> 4];
    out += kDigits[u & 15];
    out += ' ';
  }
  return out;
}

struct Vector {
  const char* source;
  Tuple tuple;
  std::string bytes;
};

std::vector<Vector> Vectors() {
  Uuid uuid;
  for (size_t i = 0; i < 16; ++i) {
    uuid.bytes[i] = static_cast<uint8_t>(
        Raw({FF, FF, FF, FF, 0xba, 0x5e, 0xba, 0x11, 0, 0, 0, 0, 0x5c, 0xa1, 0xab, 0x1e})[i]);
  }
  return {
      // Null, byte and unicode strings.
      {"spec", Tuple::Of(nullptr), Raw({0x00})},
      {"spec", Tuple::Of(Bytes{std::string("foo\0bar", 7)}),
       Raw({0x01, 'f', 'o', 'o', 0x00, FF, 'b', 'a', 'r', 0x00})},
      {"java", Tuple::Of(Bytes{""}), Raw({0x01, 0x00})},
      {"java", Tuple::Of(Bytes{Raw({1, 2, 3})}), Raw({0x01, 1, 2, 3, 0x00})},
      {"java", Tuple::Of(Bytes{Raw({0, 0, 0, 4})}), Raw({0x01, 0, FF, 0, FF, 0, FF, 4, 0x00})},
      {"spec", Tuple::Of(std::string("F\xc3\x94O\0bar", 8)),
       Raw({0x02, 'F', 0xc3, 0x94, 'O', 0x00, FF, 'b', 'a', 'r', 0x00})},
      {"java", Tuple::Of(""), Raw({0x02, 0x00})},
      {"java", Tuple::Of("hello"), Raw({0x02, 'h', 'e', 'l', 'l', 'o', 0x00})},
      {"java", Tuple::Of("\xe4\xb8\xad\xe6\x96\x87"),  // two CJK code points
       Raw({0x02, 0xe4, 0xb8, 0xad, 0xe6, 0x96, 0x87, 0x00})},
      {"java", Tuple::Of("\xf0\x9f\x94\xa5"), Raw({0x02, 0xf0, 0x9f, 0x94, 0xa5, 0x00})},
      {"java", Tuple::Of("\xf4\x8f\xbf\xbf"),  // U+10FFFF
       Raw({0x02, 0xf4, 0x8f, 0xbf, 0xbf, 0x00})},
      // Nested tuples.
      {"spec", Tuple::Of(Tuple::Of(Bytes{std::string("foo\0bar", 7)}, nullptr, Tuple())),
       Raw({0x05, 0x01, 'f', 'o', 'o', 0x00, FF, 'b', 'a', 'r', 0x00, 0x00, FF, 0x05, 0x00, 0x00})},
      {"spec", Tuple::Of(Tuple()), Raw({0x05, 0x00})},
      {"java", Tuple::Of(Tuple::Of(nullptr)), Raw({0x05, 0x00, FF, 0x00})},
      {"java", Tuple::Of(Tuple::Of(nullptr, "hello")),
       Raw({0x05, 0x00, FF, 0x02, 'h', 'e', 'l', 'l', 'o', 0x00, 0x00})},
      {"java", Tuple::Of(Tuple::Of(nullptr, std::string("hell\0", 5))),
       Raw({0x05, 0x00, FF, 0x02, 'h', 'e', 'l', 'l', 0x00, FF, 0x00, 0x00})},
      {"java", Tuple::Of(Tuple::Of(nullptr), "hello", Bytes{Raw({1, 0})}, Bytes{""}),
       Raw({0x05, 0x00, FF, 0x00, 0x02, 'h', 'e', 'l', 'l', 'o', 0x00, 0x01, 0x01, 0x00, FF, 0x00,
            0x01, 0x00})},
      // Integers.
      {"spec", Tuple::Of(-5551212), Raw({0x11, 0xab, 'K', 0x93})},
      {"spec", Tuple::Of(-1), Raw({0x13, 0xfe})},
      {"java", Tuple::Of(0), Raw({0x14})},
      {"java", Tuple::Of(1), Raw({0x15, 0x01})},
      {"java", Tuple::Of(255), Raw({0x15, FF})},
      {"java", Tuple::Of(-255), Raw({0x13, 0x00})},
      {"java", Tuple::Of(256), Raw({0x16, 0x01, 0x00})},
      {"java", Tuple::Of(-256), Raw({0x12, 0xfe, FF})},
      {"java", Tuple::Of(0x3019), Raw({0x16, 0x30, 0x19})},
      {"java", Tuple::Of(65536), Raw({0x17, 0x01, 0x00, 0x00})},
      {"java", Tuple::Of(-65536), Raw({0x11, 0xfe, FF, FF})},
      {"java", Tuple::Of(-((int64_t{1} << 32) - 1)), Raw({0x10, 0x00, 0x00, 0x00, 0x00})},
      {"java", Tuple::Of(kInt64Max), Raw({0x1c, 0x7f, FF, FF, FF, FF, FF, FF, FF})},
      {"java", Tuple::Of(uint64_t{1} << 63), Raw({0x1c, 0x80, 0, 0, 0, 0, 0, 0, 0})},
      {"java", Tuple::Of(std::numeric_limits<uint64_t>::max()),
       Raw({0x1c, FF, FF, FF, FF, FF, FF, FF, FF})},
      {"java", Tuple::Of(kInt64Min + 2), Raw({0x0c, 0x80, 0, 0, 0, 0, 0, 0, 0x01})},
      {"java", Tuple::Of(kInt64Min + 1), Raw({0x0c, 0x80, 0, 0, 0, 0, 0, 0, 0})},
      {"java", Tuple::Of(kInt64Min), Raw({0x0c, 0x7f, FF, FF, FF, FF, FF, FF, FF})},
      // Floats and doubles.
      {"spec", Tuple::Of(-42.0f), Raw({0x20, 0x3d, 0xd7, FF, FF})},
      {"java", Tuple::Of(3.14f), Raw({0x20, 0xc0, 0x48, 0xf5, 0xc3})},
      {"java", Tuple::Of(-3.14f), Raw({0x20, 0x3f, 0xb7, 0x0a, 0x3c})},
      {"java", Tuple::Of(3.14), Raw({0x21, 0xc0, 0x09, 0x1e, 0xb8, 0x51, 0xeb, 0x85, 0x1f})},
      {"java", Tuple::Of(-3.14), Raw({0x21, 0x3f, 0xf6, 0xe1, 0x47, 0xae, 0x14, 0x7a, 0xe0})},
      {"java", Tuple::Of(0.0f), Raw({0x20, 0x80, 0, 0, 0})},
      {"java", Tuple::Of(-0.0f), Raw({0x20, 0x7f, FF, FF, FF})},
      {"java", Tuple::Of(0.0), Raw({0x21, 0x80, 0, 0, 0, 0, 0, 0, 0})},
      {"java", Tuple::Of(-0.0), Raw({0x21, 0x7f, FF, FF, FF, FF, FF, FF, FF})},
      {"java", Tuple::Of(std::numeric_limits<float>::infinity()), Raw({0x20, FF, 0x80, 0, 0})},
      {"java", Tuple::Of(-std::numeric_limits<float>::infinity()), Raw({0x20, 0, 0x7f, FF, FF})},
      {"java", Tuple::Of(std::numeric_limits<double>::infinity()),
       Raw({0x21, FF, 0xf0, 0, 0, 0, 0, 0, 0})},
      {"java", Tuple::Of(-std::numeric_limits<double>::infinity()),
       Raw({0x21, 0x00, 0x0f, FF, FF, FF, FF, FF, FF})},
      {"java", Tuple::Of(std::bit_cast<float>(uint32_t{0x7fffffff})), Raw({0x20, FF, FF, FF, FF})},
      {"java", Tuple::Of(std::bit_cast<double>(uint64_t{0x7fffffffffffffff})),
       Raw({0x21, FF, FF, FF, FF, FF, FF, FF, FF})},
      {"java", Tuple::Of(std::bit_cast<float>(~uint32_t{0})), Raw({0x20, 0, 0, 0, 0})},
      {"java", Tuple::Of(std::bit_cast<double>(~uint64_t{0})), Raw({0x21, 0, 0, 0, 0, 0, 0, 0, 0})},
      // Booleans, UUID, versionstamps.
      {"java", Tuple::Of(false), Raw({0x26})},
      {"java", Tuple::Of(true), Raw({0x27})},
      {"java", Tuple::Of(uuid),  // new UUID(0xba5eba11, 0x5ca1ab1e), msb sign-extended
       Raw({0x30, FF, FF, FF, FF, 0xba, 0x5e, 0xba, 0x11, 0, 0, 0, 0, 0x5c, 0xa1, 0xab, 0x1e})},
      {"java",
       Tuple::Of(
           Versionstamp::Complete({0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03})),
       Raw({0x33, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, FF, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00})},
      {"java", Tuple::Of(Versionstamp::Complete({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 657)),
       Raw({0x33, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x02, 0x91})},
      {"tenantdb", Tuple::Of(Versionstamp::Incomplete(1)),
       Raw({0x33, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x00, 0x01})},
      // Several elements; the empty tuple.
      {"java", Tuple(), ""},
      {"tenantdb", Tuple::Of("a", nullptr, 1, true),
       Raw({0x02, 'a', 0x00, 0x00, 0x15, 0x01, 0x27})},
  };
}

TEST(TupleTest, PacksAndUnpacksTestVectors) {
  for (const Vector& v : Vectors()) {
    SCOPED_TRACE(fmt::format("{} vector {}", v.source, v.tuple.ToString()));
    EXPECT_EQ(Hex(v.tuple.Pack()), Hex(v.bytes));
    Result<Tuple> unpacked = Tuple::Unpack(v.bytes);
    ASSERT_TRUE(unpacked.ok()) << unpacked.status().ToString();
    EXPECT_EQ(*unpacked, v.tuple) << unpacked->ToString();
    EXPECT_EQ(unpacked->elements().size(), v.tuple.size());
    for (size_t i = 0; i < v.tuple.size(); ++i) {
      EXPECT_EQ((*unpacked)[i].index(), v.tuple[i].index()) << "element " << i;
    }
  }
}

TEST(TupleTest, BuildsByChaining) {
  Tuple t = Tuple().Append("users").Append(42).Append(nullptr);
  Tuple u;
  u.Append("users").Append(42).Append(nullptr);
  EXPECT_EQ(t, u);
  EXPECT_EQ(t, Tuple::Of("users", 42, nullptr));
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(std::get<std::string>(t[0]), "users");
  EXPECT_EQ(std::get<int64_t>(t[1]), 42);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(t[2]));
}

TEST(TupleTest, IntegersDecodeToInt64WhenTheyFit) {
  Tuple t = *Tuple::Unpack(Raw({0x1c, 0x7f, FF, FF, FF,   FF,   FF, FF, FF, 0x1c, 0x80, 0,  0, 0,
                                0,    0,    0,  0,  0x0c, 0x7f, FF, FF, FF, FF,   FF,   FF, FF}));
  EXPECT_EQ(std::get<int64_t>(t[0]), kInt64Max);
  EXPECT_EQ(std::get<uint64_t>(t[1]), uint64_t{1} << 63);
  EXPECT_EQ(std::get<int64_t>(t[2]), kInt64Min);
  // Append keeps small unsigned values canonical.
  EXPECT_TRUE(std::holds_alternative<int64_t>(Tuple::Of(uint64_t{7})[0]));
  EXPECT_EQ(Tuple::Of(uint64_t{7}), Tuple::Of(7));
}

TEST(TupleTest, FloatsKeepTheirBits) {
  float nan = std::bit_cast<float>(uint32_t{0xffc00001});  // a negative NaN with a payload
  Tuple t = *Tuple::Unpack(Tuple::Of(nan, -0.0).Pack());
  EXPECT_EQ(std::bit_cast<uint32_t>(std::get<float>(t[0])), 0xffc00001u);
  EXPECT_TRUE(std::signbit(std::get<double>(t[1])));
  EXPECT_NE(Tuple::Of(0.0), Tuple::Of(-0.0));
  EXPECT_EQ(Tuple::Of(nan), Tuple::Of(nan));  // equality is by encoding, not IEEE ==
}

struct BadInput {
  std::string bytes;
  std::string message;  // a substring of the error message
};

TEST(TupleTest, UnpackRefusesCorruptOrUnsupportedInput) {
  std::string deep(Tuple::kMaxNestingDepth + 1, '\x05');
  const BadInput cases[] = {
      {Raw({0x15}), "byte 0: truncated integer: needs 1 bytes after type code 0x15, 0 left"},
      {Raw({0x02, 'a', 0x00, 0x1c, 0x01}), "byte 3: truncated integer"},
      {Raw({0x01, 'a', 'b'}), "byte 0: unterminated string"},
      {Raw({0x02, 'a', 0x00, FF}), "byte 0: unterminated string"},
      {Raw({0x05, 0x15, 0x01}), "byte 0: unterminated nested tuple"},
      {Raw({0x05, 0x00, FF}), "byte 0: unterminated nested tuple"},
      {Raw({0x00, FF}), "byte 1: unknown type code 0xff"},
      {Raw({0x20, 0x00}), "byte 0: truncated float"},
      {Raw({0x21, 0, 0, 0, 0, 0, 0, 0}), "byte 0: truncated double"},
      {Raw({0x30, 1, 2}), "byte 0: truncated uuid"},
      {Raw({0x33, FF, FF}), "byte 0: truncated versionstamp"},
      {Raw({0x15, 0x00}), "byte 0: non-minimal integer"},
      {Raw({0x16, 0x00, 0x05}), "non-minimal integer"},
      {Raw({0x13, FF}), "non-minimal integer"},
      {Raw({0x0c, 0x7f, FF, FF, FF, FF, FF, FF, 0xfe}), "below INT64_MIN"},      // INT64_MIN - 1
      {Raw({0x0c, 0, 0, 0, 0, 0, 0, 0, 0}), "below INT64_MIN"},                  // -(2^64 - 1)
      {Raw({0x1d, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0}), "arbitrary-precision"},  // 2^64
      {Raw({0x0b, 0xf6}), "arbitrary-precision"},
      {Raw({0x03, 0x04}), "deprecated nested tuple type code 0x03"},
      {Raw({0x25}), "deprecated true"},
      {Raw({0x22}), "long double"},
      {Raw({0x23}), "decimal"},
      {Raw({0x31}), "reserved type code"},
      {Raw({0x32}), "reserved type code"},
      {Raw({0x40}), "user type code"},
      {Raw({0x14, 0x06}), "byte 1: unknown type code 0x06"},
      {deep, fmt::format("byte {}: nested tuples deeper than", Tuple::kMaxNestingDepth)},
  };
  for (const BadInput& c : cases) {
    Result<Tuple> r = Tuple::Unpack(c.bytes);
    ASSERT_FALSE(r.ok()) << Hex(c.bytes) << " -> " << r->ToString();
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidTuple);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << Hex(c.bytes) << ": " << r.status().message();
  }
}

TEST(TupleTest, NestingUpToTheLimitIsAccepted) {
  Tuple t;
  for (int i = 0; i < Tuple::kMaxNestingDepth; ++i) t = Tuple::Of(std::move(t));
  Result<Tuple> r = Tuple::Unpack(t.Pack());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, t);
}

TEST(TupleTest, PackWithVersionstampAppendsPlaceholderOffset) {
  Tuple t = Tuple::Of("foo", Versionstamp::Incomplete(5));
  std::string packed = t.Pack();  // 02 'foo' 00 | 33 | ff x10 | 00 05
  EXPECT_EQ(*t.PackWithVersionstamp(), packed + Raw({6, 0, 0, 0}));
  EXPECT_EQ(*t.PackWithVersionstamp("prefix"), "prefix" + packed + Raw({12, 0, 0, 0}));

  // Nested incomplete versionstamps count; complete ones do not.
  Versionstamp done = Versionstamp::Complete({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  Tuple nested = Tuple::Of(done, Tuple::Of(1, Versionstamp::Incomplete()));
  // 33 <12> | 05 | 15 01 | 33 <placeholder at 17>
  EXPECT_EQ(nested.PackWithVersionstamp()->substr(nested.Pack().size()), Raw({17, 0, 0, 0}));
  EXPECT_TRUE(nested.HasIncompleteVersionstamp());

  for (const Tuple& bad :
       {Tuple::Of("foo", done),
        Tuple::Of(Versionstamp::Incomplete(), Tuple::Of(Versionstamp::Incomplete()))}) {
    Result<std::string> r = bad.PackWithVersionstamp();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(TupleTest, RangeCoversLongerTuplesOnly) {
  auto [begin, end] = Tuple::Of("a").Range();
  EXPECT_EQ(begin, Raw({0x02, 'a', 0x00, 0x00}));
  EXPECT_EQ(end, Raw({0x02, 'a', 0x00, FF}));
  for (const Tuple& inside : {Tuple::Of("a", nullptr), Tuple::Of("a", "b"), Tuple::Of("a", 5),
                              Tuple::Of("a", Versionstamp::Incomplete())}) {
    std::string key = inside.Pack();
    EXPECT_TRUE(begin <= key && key < end) << inside.ToString();
  }
  for (const Tuple& outside : {Tuple::Of("a"), Tuple::Of(std::string("a\0", 2)), Tuple::Of("b")}) {
    std::string key = outside.Pack();
    EXPECT_FALSE(begin <= key && key < end) << outside.ToString();
  }
}

TEST(TupleTest, ComparesByTypeThenValue) {
  // Each tuple sorts strictly before the next, by Compare and by packed bytes.
  const Tuple ordered[] = {
      Tuple(),
      Tuple::Of(nullptr),
      Tuple::Of(Bytes{""}),
      Tuple::Of(Bytes{std::string("\0", 1)}),
      Tuple::Of(Bytes{"a"}),
      Tuple::Of(""),
      Tuple::Of("a"),
      Tuple::Of("a", nullptr),
      Tuple::Of(std::string("a\0", 2)),
      Tuple::Of("\xc3\xa9"),
      Tuple::Of(Tuple()),
      Tuple::Of(Tuple::Of(nullptr)),
      Tuple::Of(Tuple::Of(1)),
      Tuple::Of(kInt64Min),
      Tuple::Of(-256),
      Tuple::Of(-1),
      Tuple::Of(0),
      Tuple::Of(1),
      Tuple::Of(kInt64Max),
      Tuple::Of(uint64_t{1} << 63),
      Tuple::Of(std::numeric_limits<uint64_t>::max()),
      Tuple::Of(-std::numeric_limits<float>::quiet_NaN()),
      Tuple::Of(-std::numeric_limits<float>::infinity()),
      Tuple::Of(-1.0f),
      Tuple::Of(-0.0f),
      Tuple::Of(0.0f),
      Tuple::Of(std::numeric_limits<float>::denorm_min()),
      Tuple::Of(std::numeric_limits<float>::infinity()),
      Tuple::Of(std::numeric_limits<float>::quiet_NaN()),
      Tuple::Of(-1.0),
      Tuple::Of(false),
      Tuple::Of(true),
      Tuple::Of(Uuid{}),
      Tuple::Of(Versionstamp::Complete({})),
      Tuple::Of(Versionstamp::Incomplete()),
  };
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    const Tuple& a = ordered[i];
    const Tuple& b = ordered[i + 1];
    EXPECT_LT(Compare(a, b), 0) << a.ToString() << " vs " << b.ToString();
    EXPECT_GT(Compare(b, a), 0) << a.ToString() << " vs " << b.ToString();
    EXPECT_LT(a.Pack(), b.Pack()) << a.ToString() << " vs " << b.ToString();
    EXPECT_TRUE(a < b);
  }
}

TEST(TupleTest, ToStringIsReadable) {
  Tuple t = Tuple::Of(nullptr, Bytes{Raw({'a', 0, FF, '"'})}, "h\xc3\xa9\n", 42,
                      std::numeric_limits<uint64_t>::max(), 1.0f, -2.5, true, Tuple::Of(Tuple()),
                      Versionstamp::Incomplete(3),
                      Versionstamp::Complete({0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff}, 1));
  EXPECT_EQ(t.ToString(),
            "(null, b\"a\\x00\\xff\\\"\", \"h\xc3\xa9\\x0a\", 42, 18446744073709551615, 1.0f, "
            "-2.5, true, (()), Versionstamp(incomplete, 3), "
            "Versionstamp(000102030405060708ff, 1))");
  Uuid uuid;
  for (size_t i = 0; i < 16; ++i) uuid.bytes[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Tuple::Of(uuid).ToString(), "(UUID(00010203-0405-0607-0809-0a0b0c0d0e0f))");
}

TEST(VersionstampTest, CompleteIncompleteAndBytes) {
  Versionstamp incomplete = Versionstamp::Incomplete(7);
  EXPECT_FALSE(incomplete.IsComplete());
  EXPECT_EQ(incomplete.user_version(), 7);
  Versionstamp complete = Versionstamp::Complete({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0x0102);
  EXPECT_TRUE(complete.IsComplete());
  EXPECT_EQ(complete.ToBytes(), Raw({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2}));
  EXPECT_EQ(*Versionstamp::FromBytes(complete.ToBytes()), complete);
  EXPECT_EQ(Versionstamp::FromBytes("short").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_LT(complete, incomplete);
}

}  // namespace
}  // namespace tenantdb
