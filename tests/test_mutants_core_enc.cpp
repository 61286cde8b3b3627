// core/encode.hpp: the canonical binary encoding the explorer stores states in, and its
// strict decoder. Written for the whole-header mutation run of core (Run BA,
// spec/mutation/report.md): the format table at the top of the header, value by value, and
// every refusal the header promises ("strict: every byte consumed, bools 0/1, no overlong
// varints, integers in range; never reads out of bounds").
// Where the expected values come from:
//   - every expected byte string was computed independently of lockref by a few lines of
//     /usr/bin/python3 written from the header's format table: unsigned LEB128
//       def uv(n): out = b''; while True: b = n & 0x7f; n >>= 7; append b | 0x80 if n else b
//     zigzag zz(n) = uv(2n) if n >= 0 else uv(-2n - 1); a string is uv(len) + bytes; a vector
//     uv(count) + elements; an optional 00 or 01 + value; a variant uv(index) + alternative.
//     E.g. uv(300).hex() == "ac02", zz(-65).hex() == "8101", uv(2**64-1).hex() ==
//     "ffffffffffffffffff01"; each hex literal below was printed that way;
//   - the refusals and their offsets: the header's contract (decode is strict; "each read
//     returns false on malformed input and leaves the position where the problem is"; a
//     count the input cannot hold is malformed), offsets counted by hand;
//   - the helpers' contracts from their own comments (all_below_0x80: "whether every byte of
//     [p, p + n) is below 0x80"; is_small_unsigned: "unsigned one-byte integers and enums
//     over them"; raw_encoded: "byte arrays, and padding-free reflected structs of such").
//     Those are also checked at run time here: the schemata switch of tools/mutate.py is off
//     in constant evaluation, so only a run-time call reaches their mutants;
//   - reading into a value already holding data: the explorer decodes every stored state into
//     one reused State (core/explore.hpp, Decoder d(enc); d.read(s)), so a read must replace
//     the value, not add to it.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/encode.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {

/// Hex to a byte string (test-local: independent of core/bytes.hpp).
std::string X(std::string_view hex) {
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(nib(hex[i]) * 16 + nib(hex[i + 1])));
  return out;
}
template <class T>
std::string error_of(std::string_view in) {
  const auto r = decode<T>(in);
  return r ? std::string("(ok)") : r.error().message;
}
/// encode(v) is `hex` and decodes back to v.
template <class T>
void round_trip(const T& v, std::string_view hex) {
  const std::string e = encode(v);
  CHECK(e == X(hex));
  const auto back = decode<T>(e);
  REQUIRE(back);
  CHECK(*back == v);
}

enum class Slot : std::uint8_t {};  // a one-byte unsigned enum (epoch's fuse slots)
Slot S(int v) { return static_cast<Slot>(v); }
std::vector<Slot> slots(std::initializer_list<int> v) {
  std::vector<Slot> out;
  for (int x : v) out.push_back(S(x));
  return out;
}

struct Alt {
  BOOST_HANA_DEFINE_STRUCT(Alt, (std::uint32_t, x));
  friend bool operator==(const Alt&, const Alt&) = default;
};
struct Tag {  // a payload-free alternative (not reflected, as the models' event tags)
  friend bool operator==(const Tag&, const Tag&) = default;
};
using Var = std::variant<Alt, Tag>;

struct Plain {
  BOOST_HANA_DEFINE_STRUCT(Plain, (bool, f), (std::uint16_t, a), (std::string, s), (std::vector<std::uint32_t>, v),
                           (std::optional<std::int32_t>, o));
  friend bool operator==(const Plain&, const Plain&) = default;
};
/// A default value that holds data (as a reused explorer State does): reading must replace it.
struct Held {
  BOOST_HANA_DEFINE_STRUCT(Held, (std::vector<std::uint32_t>, v), (std::optional<std::uint32_t>, o), (std::string, s));
  Held() : v{7, 7}, o{5}, s{"old"} {}
};
/// Padding-free struct of byte arrays: its encoding is its object bytes.
struct Entry {
  BOOST_HANA_DEFINE_STRUCT(Entry, (std::array<std::uint8_t, 2>, a), (std::array<std::uint8_t, 2>, b));
  friend bool operator==(const Entry&, const Entry&) = default;
};
/// Padded (u8 then u32): not raw.
struct Padded {
  BOOST_HANA_DEFINE_STRUCT(Padded, (std::uint8_t, a), (std::uint32_t, b));
};
/// Prefixes that put an array / a vector of small enums at offset 1 or 2 of the input.
struct ArrAt1 {
  BOOST_HANA_DEFINE_STRUCT(ArrAt1, (std::uint8_t, a), (std::array<Slot, 4>, b));
};
struct ArrAt2 {
  BOOST_HANA_DEFINE_STRUCT(ArrAt2, (std::uint8_t, a), (std::uint8_t, b), (std::array<Slot, 2>, c));
};
struct VecAt2 {
  BOOST_HANA_DEFINE_STRUCT(VecAt2, (std::uint8_t, a), (std::uint8_t, b), (std::vector<Slot>, c));
};

}  // namespace

TEST_CASE("encode: integers are LEB128, signed ones zigzag first") {
  round_trip(std::uint32_t{0}, "00");
  round_trip(std::uint32_t{127}, "7f");
  round_trip(std::uint32_t{128}, "8001");
  round_trip(std::uint32_t{300}, "ac02");
  round_trip(std::uint32_t{16384}, "808001");
  round_trip(std::numeric_limits<std::uint64_t>::max(), "ffffffffffffffffff01");
  round_trip(std::uint64_t{1} << 63, "80808080808080808001");
  round_trip(std::int32_t{0}, "00");
  round_trip(std::int32_t{-1}, "01");
  round_trip(std::int32_t{1}, "02");
  round_trip(std::int32_t{-64}, "7f");
  round_trip(std::int32_t{63}, "7e");
  round_trip(std::int32_t{64}, "8001");
  round_trip(std::int32_t{-65}, "8101");
  round_trip(std::numeric_limits<std::int64_t>::min(), "ffffffffffffffffff01");
  round_trip(std::numeric_limits<std::int64_t>::max(), "feffffffffffffffff01");
  round_trip(std::int8_t{-128}, "ff01");
  round_trip(std::int8_t{127}, "fe01");
  round_trip(std::uint8_t{255}, "ff01");
  round_trip(S(200), "c801");  // an enum: its underlying integer
  round_trip(true, "01");
  round_trip(false, "00");
}

TEST_CASE("encode: decode refuses out-of-range, overlong, oversized and truncated varints") {
  CHECK(error_of<std::uint8_t>(X("8002")) == "encoding: malformed at offset 2");  // 256
  CHECK(error_of<std::int8_t>(X("8002")) == "encoding: malformed at offset 2");   // zz 128
  CHECK(error_of<std::int8_t>(X("8102")) == "encoding: malformed at offset 2");   // zz -129
  CHECK(error_of<std::uint32_t>(X("8000")) == "encoding: malformed at offset 2");  // overlong 0
  CHECK(error_of<std::uint32_t>(X("8100")) == "encoding: malformed at offset 2");  // overlong 1
  CHECK(error_of<std::uint64_t>(X("ffffffffffffffffff02")) == "encoding: malformed at offset 10");  // 2^64 + ...
  CHECK(error_of<std::uint64_t>(X("ffffffffffffffffff81")) == "encoding: malformed at offset 10");
  CHECK(error_of<std::uint64_t>(X("ffffffffffffffffff8001")) == "encoding: malformed at offset 10");
  CHECK(error_of<std::uint32_t>("") == "encoding: malformed at offset 0");
  CHECK(error_of<std::uint32_t>(X("80")) == "encoding: malformed at offset 1");
  CHECK(error_of<Slot>("") == "encoding: malformed at offset 0");
  CHECK(error_of<std::int32_t>("") == "encoding: malformed at offset 0");
  CHECK(error_of<std::uint32_t>(X("0500")) == "encoding: 1 trailing byte(s)");
  CHECK(error_of<std::uint32_t>(X("05")) == "(ok)");
}

TEST_CASE("encode: Decoder::varint sets the value and stops at the end of its view") {
  std::uint64_t v = 0xdead;
  const std::string five = X("05");
  Decoder d(five);
  CHECK(d.varint(v));
  CHECK(v == 5);
  CHECK(d.at_end());
  // A view that ends inside a varint whose continuation sits in memory right after it.
  const std::string buf = X("8001");
  Decoder cut(std::string_view(buf.data(), 1));
  CHECK_FALSE(cut.varint(v));
  CHECK(cut.offset() == 1);
  const std::string one = X("01");
  bool b = false;
  Decoder none(std::string_view(one.data(), 0));
  CHECK_FALSE(none.read(b));
  CHECK(none.offset() == 0);
}

TEST_CASE("encode: bools are one byte, 0 or 1") {
  CHECK(*decode<bool>(X("01")) == true);
  CHECK(*decode<bool>(X("00")) == false);
  CHECK(error_of<bool>(X("02")) == "encoding: malformed at offset 1");
  CHECK(error_of<bool>(X("ff")) == "encoding: malformed at offset 1");
  CHECK(error_of<bool>("") == "encoding: malformed at offset 0");
}

TEST_CASE("encode: strings, Bytes and InlineStrings are a varint length, then the bytes") {
  round_trip(std::string("abc"), "03616263");
  round_trip(std::string(), "00");
  round_trip(Bytes{0x00, 0xff}, "0200ff");
  CHECK(encode(std::string(200, 'x')).substr(0, 3) == X("c80178"));
  CHECK(encode(std::string(200, 'x')).size() == 202);
  using I4 = InlineString<4>;
  CHECK(encode(I4("ab")) == X("026162"));
  CHECK(*decode<I4>(X("0461626364")) == "abcd");  // exactly the capacity
  CHECK(*decode<I4>(X("03616263")) == "abc");
  CHECK(error_of<I4>(X("056162636465")) == "encoding: malformed at offset 1");  // longer than 4
  CHECK(error_of<I4>(X("036162")) == "encoding: malformed at offset 1");        // the input ends first
  CHECK(error_of<I4>("") == "encoding: malformed at offset 0");
  CHECK(*decode<std::string>(X("026162")) == "ab");  // the count exactly fills the input
  CHECK(error_of<std::string>(X("036162")) == "encoding: malformed at offset 1");
  CHECK(error_of<std::string>("") == "encoding: malformed at offset 0");
  CHECK(error_of<Bytes>(X("0200")) == "encoding: malformed at offset 1");
  // A count of 2^63 - 1: refused, not allocated.
  CHECK(error_of<std::string>(X("ffffffffffffffff7f61")) == "encoding: malformed at offset 9");
  CHECK(error_of<Bytes>(X("ffffffffffffffff7f61")) == "encoding: malformed at offset 9");
}

TEST_CASE("encode: Decoder::length refuses a count the rest of the input cannot hold") {
  auto length = [](std::string_view in, std::size_t min_bytes) -> std::optional<std::size_t> {
    Decoder d(in);
    std::size_t n = 77;
    if (!d.length(n, min_bytes)) return std::nullopt;
    return n;
  };
  CHECK(length(X("03616263"), 1) == 3u);
  CHECK(length(X("036162"), 1) == std::nullopt);  // 3 bytes, 2 left
  CHECK(length(X("0261626364"), 2) == 2u);        // 2 elements of >= 2 bytes in 4
  CHECK(length(X("0361626364"), 2) == std::nullopt);
  // Elements that may take no byte: at most 1024 beyond the rest of the input.
  CHECK(length(X("8008"), 0) == 1024u);
  CHECK(length(X("8108"), 0) == std::nullopt);
  CHECK(length(X("0500"), 0) == 5u);
  CHECK(length("", 0) == std::nullopt);
  CHECK(length("", 1) == std::nullopt);
  CHECK(length(X("80"), 1) == std::nullopt);
  // The string's own count is refused before the string is touched (memory stays linear in
  // the input: a 5-byte count with 2 bytes left is malformed as a count).
  const std::string in = X("056162");
  Decoder d(in);
  std::string s = "xy";
  CHECK_FALSE(d.read(s));
  CHECK(d.offset() == 1);
  CHECK(s == "xy");
  // Likewise a vector's count of 1025 elements with nothing after it (1024 is the slack).
  const std::string big = X("8108");
  Decoder dv(big);
  std::vector<std::uint32_t> v{9, 9};
  CHECK_FALSE(dv.read(v));
  CHECK(dv.offset() == 2);
  CHECK(v == std::vector<std::uint32_t>{9, 9});
}

TEST_CASE("encode: Decoder::raw copies exactly what is left, never more") {
  const std::string buf = "abcd";
  char dst[4] = {'-', '-', '-', '-'};
  Decoder d(std::string_view(buf.data(), 2));
  CHECK_FALSE(d.raw(dst, 3));
  CHECK(d.offset() == 0);
  CHECK(d.raw(dst, 0));
  CHECK(d.offset() == 0);
  CHECK(d.raw(dst, 2));
  CHECK(d.offset() == 2);
  CHECK(std::string(dst, 4) == "ab--");
  CHECK_FALSE(d.raw(dst, 1));
  CHECK(d.at_end());
}

TEST_CASE("encode: arrays are their elements, with no count") {
  round_trip(std::array<std::uint8_t, 3>{1, 2, 0xff}, "0102ff");
  CHECK(error_of<std::array<std::uint8_t, 3>>(X("0102")) == "encoding: malformed at offset 0");
  round_trip(std::array<std::uint32_t, 3>{1, 300, 0}, "01ac0200");
  CHECK(error_of<std::array<std::uint32_t, 2>>(X("01")) == "encoding: malformed at offset 1");
  CHECK(error_of<std::array<std::uint32_t, 2>>(X("0180")) == "encoding: malformed at offset 2");
  round_trip(std::array<Slot, 2>{S(0x80), S(5)}, "800105");
  round_trip(std::array<Slot, 4>{S(1), S(2), S(3), S(4)}, "01020304");
  // One-byte enums at offset 2: the bytes checked for the one-byte form are the array's own.
  const auto at2 = decode<ArrAt2>(X("0102800103"));
  REQUIRE(at2);
  CHECK(at2->c == std::array<Slot, 2>{S(0x80), S(3)});
  // The input ends inside the array (at offset 3): that is where the problem is.
  CHECK(error_of<ArrAt1>(X("000102")) == "encoding: malformed at offset 3");
}

TEST_CASE("encode: vectors are a varint count, then the elements") {
  round_trip(slots({1, 2, 3}), "03010203");
  round_trip(slots({0x80, 5}), "02800105");
  round_trip(slots({0, 1, 2, 0xff, 4, 5, 6, 7}), "08000102ff0104050607");
  round_trip(slots({1, 2, 3, 4, 5, 6, 7, 8, 9, 0x90, 11, 12, 13, 14, 15, 16}), "1001020304050607080990010b0c0d0e0f10");
  round_trip(slots({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}), "100102030405060708090a0b0c0d0e0f10");
  round_trip(std::vector<std::int8_t>{1, -1, -128}, "030201ff01");
  round_trip(std::vector<std::uint32_t>{5, 200}, "0205c801");
  round_trip(std::vector<std::uint32_t>{}, "00");
  // Elements of no byte: a count with nothing after it.
  round_trip(std::vector<std::array<std::uint32_t, 0>>(5), "05");
  CHECK(error_of<std::vector<std::uint32_t>>(X("0201")) == "encoding: malformed at offset 2");
  CHECK(error_of<std::vector<std::uint32_t>>("") == "encoding: malformed at offset 0");
  CHECK(error_of<std::vector<std::uint32_t>>(X("8108")) == "encoding: malformed at offset 2");
  CHECK(error_of<std::vector<Slot>>(X("0301")) == "encoding: malformed at offset 2");
  CHECK(error_of<std::vector<Slot>>("") == "encoding: malformed at offset 0");
  const auto at2 = decode<VecAt2>(X("010102800105"));
  REQUIRE(at2);
  CHECK(at2->c == slots({0x80, 5}));
}

TEST_CASE("encode: vectors of byte arrays and of padding-free structs of them are their bytes") {
  using A4 = std::array<std::uint8_t, 4>;
  round_trip(std::vector<A4>{{1, 2, 3, 4}, {0xff, 0x80, 0, 9}}, "0201020304ff800009");
  round_trip(std::vector<Entry>{{{1, 2}, {3, 4}}}, "0101020304");
  // 2 elements of 4 bytes with 6 left: the first is read, the second ends the input (an
  // array at offset 5; an Entry's second array at offset 7).
  CHECK(error_of<std::vector<A4>>(X("02010203040506")) == "encoding: malformed at offset 5");
  CHECK(error_of<std::vector<Entry>>(X("02010203040506")) == "encoding: malformed at offset 7");
}

TEST_CASE("encode: optionals, variants and reflected structs") {
  round_trip(std::optional<std::uint32_t>{}, "00");
  round_trip(std::optional<std::uint32_t>{300}, "01ac02");
  CHECK(error_of<std::optional<std::uint32_t>>(X("01")) == "encoding: malformed at offset 1");
  CHECK(error_of<std::optional<std::uint32_t>>("") == "encoding: malformed at offset 0");      // no flag
  CHECK(error_of<std::optional<std::uint32_t>>(X("0201")) == "encoding: malformed at offset 1");  // flag 2
  round_trip(Var{Alt{300}}, "00ac02");
  round_trip(Var{Tag{}}, "01");
  CHECK(error_of<Var>(X("02")) == "encoding: malformed at offset 1");
  CHECK(error_of<Var>("") == "encoding: malformed at offset 0");
  CHECK(error_of<Var>(X("00")) == "encoding: malformed at offset 1");  // Alt's x is missing
  CHECK(error_of<std::variant<Tag, Alt>>(X("00")) == "(ok)");
  CHECK(error_of<std::variant<Tag, Alt>>("") == "encoding: malformed at offset 0");  // no index, not alternative 0
  CHECK(decode<std::variant<Tag, Alt>>(X("00"))->index() == 0);
  // an alternative that is not a bare tag is encoded after its index, even when it is not a
  // reflected struct: 7 and 8 differ (before, both encoded as the index alone, "00")
  using Scalar = std::variant<std::uint32_t, Tag>;
  round_trip(Scalar{std::uint32_t{7}}, "0007");
  round_trip(Scalar{std::uint32_t{300}}, "00ac02");
  round_trip(Scalar{Tag{}}, "01");
  CHECK(error_of<Scalar>(X("00")) == "encoding: malformed at offset 1");  // the uint32 is missing
  round_trip(Plain{true, 0x1234, "hi", {5, 200}, -3}, "01b4240268690205c8010105");
  CHECK(error_of<Plain>(X("01b4240268690205c80101")) == "encoding: malformed at offset 11");
  CHECK(error_of<Plain>(X("02")) == "encoding: malformed at offset 1");
}

TEST_CASE("encode: a read replaces a value that already holds data (the explorer reuses its State)") {
  Held h;
  h.v.clear();
  h.o.reset();
  h.s = "z";
  const std::string e = encode(h);
  CHECK(e == X("0000017a"));
  const auto back = decode<Held>(e);  // its default value holds {7, 7}, 5, "old"
  REQUIRE(back);
  CHECK(back->v.empty());
  CHECK(back->o == std::nullopt);
  CHECK(back->s == "z");
  const std::string in = X("0203ac02");
  Decoder d(in);
  std::vector<std::uint32_t> v{9, 9, 9};
  CHECK(d.read(v));
  CHECK(v == std::vector<std::uint32_t>{3, 300});
}

TEST_CASE("encode: encode_into appends, encode_over replaces") {
  std::string out = "xy";
  encode_into(out, std::uint32_t{300});
  CHECK(out == "xy" + X("ac02"));
  encode_into(out, std::string("abc"));
  CHECK(out == "xy" + X("ac0203616263"));
  std::string over;
  encode_over(over, std::string("abc"));
  CHECK(over == X("03616263"));
  over = "a much longer buffer than the encoding";
  encode_over(over, std::uint32_t{300});
  CHECK(over == X("ac02"));
  encode_over(over, std::uint32_t{1});
  CHECK(over == X("01"));
  CHECK(encode(std::uint32_t{300}) == X("ac02"));
}

TEST_CASE("encode: the one-byte fast paths' helpers keep their documented contracts") {
  using codec_detail::all_below_0x80;
  // Whether every byte of [p, p + n) is below 0x80: words of 8, then the tail.
  std::array<unsigned char, 32> buf{};
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<unsigned char>(i % 0x80);
  CHECK(all_below_0x80(buf.data(), 32));
  CHECK(all_below_0x80(buf.data() + 8, 16));
  CHECK(all_below_0x80(buf.data() + 1, 8));  // odd bytes (bit 0 set) in every lane: still below
  CHECK(all_below_0x80(buf.data() + 1, 1));
  buf[8 + 9] = 0x80;  // in the second word of [8, 24)
  CHECK_FALSE(all_below_0x80(buf.data() + 8, 16));
  CHECK(all_below_0x80(buf.data() + 8, 9));  // not in [8, 17)
  CHECK_FALSE(all_below_0x80(buf.data() + 8, 10));
  buf[8 + 9] = 0x10;
  buf[2] = 0xff;  // in the first word
  CHECK_FALSE(all_below_0x80(buf.data(), 8));
  CHECK_FALSE(all_below_0x80(buf.data(), 16));
  CHECK(all_below_0x80(buf.data() + 3, 8));
  buf[11] = 0x80;  // just past an 8-byte range
  CHECK(all_below_0x80(buf.data() + 3, 8));
  CHECK(all_below_0x80(buf.data(), 0));
  // Unsigned one-byte integers and enums over them; not bool, signed or wider types.
  CHECK(codec_detail::is_small_unsigned<Slot>());
  CHECK(codec_detail::is_small_unsigned<std::uint8_t>());
  CHECK_FALSE(codec_detail::is_small_unsigned<std::int8_t>());
  CHECK_FALSE(codec_detail::is_small_unsigned<bool>());
  CHECK_FALSE(codec_detail::is_small_unsigned<std::uint16_t>());
  // Byte arrays and padding-free reflected structs of them encode as their object bytes.
  CHECK(codec_detail::raw_encoded<std::array<std::uint8_t, 4>>());
  CHECK(codec_detail::raw_encoded<Entry>());
  CHECK_FALSE(codec_detail::raw_encoded<Padded>());
  CHECK_FALSE(codec_detail::raw_encoded<std::uint32_t>());
}

}  // namespace LOCKREF_UNITY_ID
