// core/wire.hpp, the one little-endian codec of the KMB mailbox tables: what Run AZ of
// tools/mutate.py left surviving (spec/mutation/report.md). The mailbox tables themselves
// never take some of the codec's paths (no table's wire_count refuses a count, none has a
// packed array shorter than the input, `lockref decode` shows the layout only as text), so
// these tests declare small tables of their own and check the codec's documented contract
// (the comment at the top of core/wire.hpp and the comments on decode, layout and pretty):
//   - fields in member order, little-endian, u32[N] packed, vectors counted by wire_count;
//   - a refused count or value is a DecodeError with the field's path, the byte offset where
//     that field starts, and the hook's code; a short field is "truncated: needs N byte(s),
//     M left" at the field's own offset;
//   - layout lists every field with its offset and size in encode(v): integers as
//     "decimal (0x + 2*width hex digits)", bytes in hex or "(empty)", an empty vector as one
//     "(none)" line, a nested table as a header line (its encoded size, no value) followed by
//     its fields one level deeper; the root table has no header line and offsets start at 0.
// Every expected offset and size below is counted by hand from the declared member widths.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "lockref/core/wire.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {

struct Pair {
  BOOST_HANA_DEFINE_STRUCT(Pair, (std::uint16_t, a), (std::uint8_t, b));
  friend bool operator==(const Pair&, const Pair&) = default;
};

/// u8 tag, u32[2] words: a packed array of wider integers.
struct Packed {
  BOOST_HANA_DEFINE_STRUCT(Packed, (std::uint8_t, tag), (std::array<std::uint32_t, 2>, words));
};

/// n, Pair[n] (n == 0xff refused by wire_count with a code), m, u8[m], then a nested Pair.
/// Its default value carries one item, as a table with a non-empty default would.
struct Counted {
  BOOST_HANA_DEFINE_STRUCT(Counted, (std::uint8_t, n), (std::vector<Pair>, items), (std::uint8_t, m), (Bytes, data),
                           (Pair, tail));
  Counted() : n(0), items{Pair{0x0707, 7}}, m(0), data{}, tail{} {}
  static wire::Checked<std::size_t> wire_count(std::string_view f, const Counted& c) {
    if (f == "items") {
      if (c.n == 0xff) return wire::Issue{"TEST_RESERVED", "n 255 is reserved"};
      return std::size_t{c.n};
    }
    return std::size_t{c.m};
  }
};

std::vector<std::string> lines(const std::vector<wire::FieldLine>& l) {
  std::vector<std::string> out;
  for (const auto& f : l)
    out.push_back(f.path + " @" + std::to_string(f.offset) + " +" + std::to_string(f.size) + " d" +
                  std::to_string(f.depth) + " " + f.value);
  return out;
}

}  // namespace

TEST_CASE("wire: a packed u32[2] needs all 8 bytes; short input is refused at the array's own offset") {
  // tag 0x01, words {0x04030201, 0x08070605}: exactly 1 + 8 bytes decode.
  const Bytes exact{0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  const auto ok = wire::decode<Packed>(exact);
  REQUIRE(std::holds_alternative<Packed>(ok));
  CHECK(std::get<Packed>(ok).words == std::array<std::uint32_t, 2>{0x04030201u, 0x08070605u});
  // one byte short: the array starts at offset 1 and needs 8 bytes, 7 are left.
  const auto bad = wire::decode<Packed>(ByteView(exact).first(8));
  REQUIRE(std::holds_alternative<wire::DecodeError>(bad));
  CHECK(std::get<wire::DecodeError>(bad) ==
        wire::DecodeError{"words", 1, "", "truncated: needs 8 byte(s), 7 left"});
}

TEST_CASE("wire: a count the table's wire_count refuses is a DecodeError with its code, at the field") {
  // n = 0xff: refused before anything of items is read; items would start at offset 1.
  const auto r = wire::decode<Counted>(Bytes{0xff, 0x00, 0x00});
  REQUIRE(std::holds_alternative<wire::DecodeError>(r));
  CHECK(std::get<wire::DecodeError>(r) == wire::DecodeError{"items", 1, "TEST_RESERVED", "n 255 is reserved"});
}

TEST_CASE("wire: a decoded vector holds exactly the counted elements, whatever the table's default holds") {
  // n = 1: one Pair {0x0201, 0x03}; m = 0; tail {0x0504, 0x06}.
  const auto r = wire::decode<Counted>(Bytes{0x01, 0x01, 0x02, 0x03, 0x00, 0x04, 0x05, 0x06});
  REQUIRE(std::holds_alternative<Counted>(r));
  const auto& c = std::get<Counted>(r);
  CHECK(c.items == std::vector<Pair>{Pair{0x0201, 0x03}});
  CHECK(c.tail == Pair{0x0504, 0x06});
  // n = 0: no element, although Counted{} starts with one.
  const auto z = wire::decode<Counted>(Bytes{0x00, 0x00, 0x04, 0x05, 0x06});
  REQUIRE(std::holds_alternative<Counted>(z));
  CHECK(std::get<Counted>(z).items.empty());
}

TEST_CASE("wire: layout lists every field with its offset, size, depth and value") {
  Counted c;
  c.n = 2;
  c.items = {Pair{0x1234, 0x05}, Pair{0x0001, 0xff}};
  c.m = 2;
  c.data = {0xab, 0xcd};
  c.tail = Pair{0x00a0, 0x10};
  // n @0 (1), items[0] @1 (Pair: a @1 +2, b @3 +1), items[1] @4, m @7, data @8 +2,
  // tail @10 (header, 3 bytes; its fields one level deeper).
  const std::vector<std::string> want{
      "n @0 +1 d0 2 (0x02)",
      "items[0] @1 +3 d0 ",
      "items[0].a @1 +2 d1 4660 (0x1234)",
      "items[0].b @3 +1 d1 5 (0x05)",
      "items[1] @4 +3 d0 ",
      "items[1].a @4 +2 d1 1 (0x0001)",
      "items[1].b @6 +1 d1 255 (0xff)",
      "m @7 +1 d0 2 (0x02)",
      "data @8 +2 d0 abcd",
      "tail @10 +3 d0 ",
      "tail.a @10 +2 d1 160 (0x00a0)",
      "tail.b @12 +1 d1 16 (0x10)",
  };
  CHECK(lines(wire::layout(c)) == want);
  CHECK(wire::encode(c).size() == 13);
}

TEST_CASE("wire: layout shows an empty vector as one (none) line and empty bytes as (empty)") {
  Counted c;
  c.items.clear();
  const std::vector<std::string> want{
      "n @0 +1 d0 0 (0x00)", "items @1 +0 d0 (none)", "m @1 +1 d0 0 (0x00)", "data @2 +0 d0 (empty)",
      "tail @2 +3 d0 ",      "tail.a @2 +2 d1 0 (0x0000)", "tail.b @4 +1 d1 0 (0x00)",
  };
  CHECK(lines(wire::layout(c)) == want);
}

TEST_CASE("wire: pretty prints offset (6 hex digits), indented name, size and value, one field a line") {
  Pair p{0x0102, 0x03};
  // "%06zx  %-26s %5zu  " then the value: the root table has no header line.
  const std::string want = std::string("000010  a") + std::string(25, ' ') + "     2  258 (0x0102)\n" +
                           "000012  b" + std::string(25, ' ') + "     1  3 (0x03)\n";
  CHECK(wire::pretty(p, 0x10) == want);
}

}  // namespace LOCKREF_UNITY_ID
