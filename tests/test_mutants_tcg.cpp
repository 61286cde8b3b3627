// TCG wire formats: byte positions the other tests left open (their examples are all zeros
// where a mutant moves a field), written to kill the mutants tools/mutate.py found surviving
// (spec/mutation/report.md). Layouts: seed 002 §3.3.15-§3.3.16 Tables 31-35.
#include <doctest/doctest.h>

#include "lockref/tcg/sp02.hpp"

using namespace lockref;
using namespace lockref::tcg;

TEST_CASE("sp02: the Status of a response is bytes 12 to 15 (Tables 32, 35)") {
  auto r = sp02::encode(sp02::Response{sp02::clear_single_mek, 0x0800, 0, 0x0A0B0C0D});
  REQUIRE(r);
  REQUIRE(r->size() == 512);
  CHECK(to_hex(ByteView(*r).subspan(0, 17)) == "000008000000000300000004" "0a0b0c0d" "00");
  CHECK(sp02::decode_response(*r)->status == 0x0A0B0C0Du);
  // a response by default reports Success (00 00 00 00)
  auto ok = sp02::encode(sp02::Response{});
  REQUIRE(ok);
  CHECK(sp02::decode_response(*ok)->status == 0u);
  CHECK(to_hex(ByteView(*ok).subspan(8, 8)) == "0000000400000000");
}

TEST_CASE("sp02: Reserved bytes of a Clear Single MEK request start right after its 00 04 (Table 31)") {
  auto q = sp02::encode(sp02::Request{sp02::clear_single_mek, 0x0800, 0, 1});
  REQUIRE(q);
  CHECK(to_hex(ByteView(*q).subspan(0, 13)) == "00000800" "00000003" "0001" "0004" "00");
  for (std::size_t off : {12u, 13u, 511u}) {
    Bytes bad = *q;
    bad[off] = 1;
    const auto d = sp02::decode_request(bad);
    REQUIRE_FALSE(d);
    CHECK(d.error().message.find("Reserved byte at offset " + std::to_string(off)) != std::string::npos);
  }
}
