// core/bytes.hpp: hex, fixed-width integers and the bounds-checked Reader every decoder of
// external bytes stands on. Written for the whole-domain mutation run of core (Run BA,
// spec/mutation/report.md): each function's documented contract, value by value.
// Where the expected values come from:
//   - hex and integer encodings: Python's bytes.hex(), bytes.fromhex() and int.to_bytes(n,
//     'little'|'big') (/usr/bin/python3), e.g. (0x0102030405060708).to_bytes(8, 'little')
//     .hex() == "0807060504030201"; each literal below was printed that way;
//   - from_hex's accepted forms and refusals: its comment ("upper or lower case, an optional
//     0x prefix, spaces, underscores and colons between byte pairs") and the error texts it
//     documents by construction (offset of the offending character, counted by hand);
//   - Reader: its comment ("every read says where it failed"; be_fields: "the first field that
//     does not fit is the one reported, at its own offset and width").
#include <doctest/doctest.h>

#include <array>
#include <string>

#include "lockref/core/bytes.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {
Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}
std::string error_of(const Result<Bytes>& r) { return r ? std::string("(ok)") : r.error().message; }
}  // namespace

TEST_CASE("bytes: to_hex is lowercase, two digits a byte, no separators") {
  // bytes([0x00, 0x0f, 0xf0, 0xa5, 0x5a, 0xff]).hex()
  CHECK(to_hex(B({0x00, 0x0f, 0xf0, 0xa5, 0x5a, 0xff})) == "000ff0a55aff");
  CHECK(to_hex(Bytes{}).empty());
}

TEST_CASE("bytes: from_hex accepts both cases, a 0x prefix and separators between pairs") {
  const Bytes want = B({0xde, 0xad, 0xbe, 0xef, 0x09});
  CHECK(*from_hex("deadbeef09") == want);
  CHECK(*from_hex("DEADBEEF09") == want);
  CHECK(*from_hex("0xdeadbeef09") == want);
  CHECK(*from_hex("0XdEaDbEeF09") == want);
  CHECK(*from_hex("de ad_be:ef\n09\t") == want);
  CHECK(*from_hex("af") == B({0xaf}));
  CHECK(*from_hex("AF") == B({0xaf}));
  CHECK(*from_hex("09") == B({0x09}));
  CHECK(from_hex("")->empty());
  CHECK(from_hex("0x")->empty());
  // a lone "0" is one digit, not a prefix: odd
  CHECK(error_of(from_hex("0")) == "hex: odd number of digits");
  // nor is a view that ends after its "0", whatever the byte after the view is
  CHECK(error_of(from_hex(std::string_view("0x", 1))) == "hex: odd number of digits");
}

TEST_CASE("bytes: from_hex refuses with the offending offset") {
  CHECK(error_of(from_hex("abc")) == "hex: odd number of digits");
  CHECK(error_of(from_hex("a b")) == "hex: separator inside a byte at offset 1");
  CHECK(error_of(from_hex("0 1")) == "hex: separator inside a byte at offset 1");  // high nibble 0
  CHECK(error_of(from_hex("ab c:d")) == "hex: separator inside a byte at offset 4");
  // the digits' neighbours in ASCII: '/' ':'... (':' is a separator), '`' 'g', '@' 'G'
  CHECK(error_of(from_hex("0/")) == "hex: invalid character '/' at offset 1");
  CHECK(error_of(from_hex("`0")) == "hex: invalid character '`' at offset 0");
  CHECK(error_of(from_hex("0g")) == "hex: invalid character 'g' at offset 1");
  CHECK(error_of(from_hex("@0")) == "hex: invalid character '@' at offset 0");
  CHECK(error_of(from_hex("0G")) == "hex: invalid character 'G' at offset 1");
  CHECK(error_of(from_hex("ab;")) == "hex: invalid character ';' at offset 2");
  // the offset counts after the prefix is removed ("0x" then 'z' first)
  CHECK(error_of(from_hex("0xz1")) == "hex: invalid character 'z' at offset 0");
  // bytes that are not printable ASCII are named by their value: 0x1f, 0x7f, 0xc3 (of "é")
  CHECK(error_of(from_hex(std::string("0\x1f", 2))) == "hex: non-hex byte 0x1f at offset 1");
  CHECK(error_of(from_hex("\x7f")) == "hex: non-hex byte 0x7f at offset 0");
  CHECK(error_of(from_hex("\xc3\xa9")) == "hex: non-hex byte 0xc3 at offset 0");
  CHECK(error_of(from_hex(" ~")) == "hex: invalid character '~' at offset 1");
}

TEST_CASE("bytes: from_hex_fixed wants exactly N bytes") {
  const auto ok = from_hex_fixed<3>("010203");
  REQUIRE(ok);
  CHECK(*ok == std::array<std::uint8_t, 3>{1, 2, 3});
  const auto shorter = from_hex_fixed<3>("0102");
  REQUIRE(!shorter);
  CHECK(shorter.error().message == "expected 3 bytes, got 2");
  const auto bad = from_hex_fixed<3>("01020");
  REQUIRE(!bad);
  CHECK(bad.error().message == "hex: odd number of digits");
}

TEST_CASE("bytes: concat, to_bytes, put_le and put_be") {
  CHECK(concat({B({1, 2}), Bytes{}, B({3})}) == B({1, 2, 3}));
  CHECK(to_bytes("AZ") == B({0x41, 0x5a}));
  Bytes le, be;
  // (0x0102030405060708).to_bytes(8, 'little' / 'big'); width 3 keeps the low 3 bytes
  put_le(le, 0x0102030405060708ull, 8);
  put_be(be, 0x0102030405060708ull, 8);
  CHECK(to_hex(le) == "0807060504030201");
  CHECK(to_hex(be) == "0102030405060708");
  le.clear(), be.clear();
  put_le(le, 0x0102030405060708ull, 3);
  put_be(be, 0x0102030405060708ull, 3);
  CHECK(to_hex(le) == "080706");
  CHECK(to_hex(be) == "060708");
}

TEST_CASE("bytes: Reader reads little- and big-endian integers and takes spans, bounds-checked") {
  const Bytes d = B({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a});
  Reader r(d, "frame");
  CHECK(r.offset() == 0);
  CHECK(r.remaining() == 10);
  CHECK(!r.empty());
  CHECK(*r.peek() == 0x01);
  CHECK(*r.le(2) == 0x0201);
  CHECK(r.offset() == 2);
  CHECK(*r.be(3) == 0x030405);
  CHECK(r.offset() == 5);
  const auto t = r.take(2);
  REQUIRE(t);
  CHECK(to_hex(*t) == "0607");
  CHECK(r.remaining() == 3);
  // int.from_bytes(bytes([8, 9, 10]), 'little')
  CHECK(*r.le(3) == 0x0a0908);
  CHECK(r.empty());
  CHECK(r.remaining() == 0);
  const auto p = r.peek();
  REQUIRE(!p);
  CHECK(p.error().message == "frame: truncated at offset 10: need 1 byte(s), 0 left");
  CHECK(r.take(0));
}

TEST_CASE("bytes: Reader refusals name the offset, the need and what is left, and read nothing") {
  const Bytes d = B({0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77});
  Reader r(d, "hdr");
  CHECK(r.take(6));
  const auto wide = r.le(4);
  REQUIRE(!wide);
  CHECK(wide.error().message == "hdr: truncated at offset 6: need 4 byte(s), 3 left");
  const auto big = r.be(4);
  REQUIRE(!big);
  CHECK(big.error().message == "hdr: truncated at offset 6: need 4 byte(s), 3 left");
  const auto tk = r.take(4);
  REQUIRE(!tk);
  CHECK(tk.error().message == "hdr: truncated at offset 6: need 4 byte(s), 3 left");
  CHECK(r.offset() == 6);
  CHECK(*r.be(3) == 0x998877);  // exactly what is left fits
  Reader w(d);
  const auto nine = w.le(9);
  REQUIRE(!nine);
  CHECK(nine.error().message == "input: integer wider than 8 bytes");
  CHECK(*w.be(8) == 0xffeeddccbbaa9988ull);
  Reader w2(d);
  CHECK(*w2.le(8) == 0x8899aabbccddeeffull);
}

TEST_CASE("bytes: be_fields reads a header, and reports the first field that does not fit at its own offset") {
  const Bytes d = B({0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x03});
  Reader r(d, "pkt");
  const auto f = r.be_fields<3>({2, 4, 1});
  REQUIRE(f);
  CHECK(*f == std::array<std::uint64_t, 3>{1, 2, 3});
  CHECK(r.empty());
  Reader s(d, "pkt");
  const auto g = s.be_fields<3>({2, 4, 2});
  REQUIRE(!g);
  CHECK(g.error().message == "pkt: truncated at offset 6: need 2 byte(s), 1 left");
}

}  // namespace LOCKREF_UNITY_ID
