// Fuzz target for Tuple::Unpack. What it checks on arbitrary bytes:
//   - Unpack never crashes or reads out of bounds (run under ASan/UBSan);
//   - a failure is kInvalidTuple with a message naming a byte offset;
//   - a success is canonical: the tuple packs back to exactly the input bytes (Unpack is strict,
//     see src/tuple/tuple_codec.cc), and compares equal to itself unpacked again.
// Built as a libFuzzer binary with TENANTDB_FUZZ=ON, else driven by standalone_main.cc.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tenantdb/tuple.h"

namespace {

[[noreturn]] void Fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr, "tuple_unpack_fuzzer: %s\ninput (%zu bytes):", what.c_str(), input.size());
  for (char c : input) std::fprintf(stderr, " %02x", static_cast<unsigned char>(c));
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tenantdb::Tuple;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  tenantdb::Result<Tuple> tuple = Tuple::Unpack(input);
  if (!tuple.ok()) {
    if (tuple.status().code() != tenantdb::ErrorCode::kInvalidTuple ||
        tuple.status().message().find("byte ") == std::string::npos) {
      Fail(input, "unexpected error " + tuple.status().ToString());
    }
    return 0;
  }
  std::string packed = tuple->Pack();
  if (packed != input) Fail(input, "not canonical: " + tuple->ToString() + " packs differently");
  tenantdb::Result<Tuple> again = Tuple::Unpack(packed);
  if (!again.ok() || !(*again == *tuple) || tenantdb::Compare(*tuple, *again) != 0) {
    Fail(input, "does not round-trip: " + tuple->ToString());
  }
  auto [begin, end] = tuple->Range();
  if (!(begin < end) || begin.compare(0, packed.size(), packed) != 0) {
    Fail(input, "bad range for " + tuple->ToString());
  }
  (void)tuple->ToString();
  return 0;
}
