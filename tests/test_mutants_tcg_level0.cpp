// Level 0 Discovery codec (model/lockref/tcg/level0.hpp): the descriptor layouts, header
// framing and person-readable meanings the other tests left open, written to kill the
// mutants tools/mutate.py found surviving. Expected bytes and values come from seed 002
// §3.3.2.1.1 Table 1 (its Level 0 dump) and the TCG feature layouts the header cites:
// Opal SSC v2.30 §3.1.1 Tables 2-12, Enterprise SSC v1.01 §3.6.2, Pyrite SSC v2.00
// §3.1.1.4, Block SID Authentication v1.00 §4.1.1 (TCG Core §3.3.6 framing).
#include <doctest/doctest.h>

#include "lockref/tcg/level0.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::tcg;

namespace {
Bytes hx(std::string_view s) { return *from_hex(s); }

// Seed 002 §3.3.2.1.1 Table 1, the first 148 bytes of the dump (Length of Parameter Data
// 0x90 = 144 plus the 4-byte Length field): header at 0x00, TPer descriptor at 0x30,
// Key Per I/O SSC descriptor at 0x40, Supported Data Removal Mechanism at 0x70.
Bytes seed002_table1() {
  return hx("00000090" "00000001" "0000000000000000" + std::string(64, '0') +
            "0001100c" "110000000000000000000000"
            "0305102c" "0800000108010001000000011200000100070002000100030000000000000002000000020001100000000000"
            "04041020" "0000010000000000000000000000000000000000000000000000000000000000");
}

// A response: the 48-byte header (Length of Parameter Data, revision 1, Reserved, Vendor
// Specific all zero) and the given descriptors.
Bytes response(const Bytes& descriptors) {
  Bytes b(level0::header_size, 0);
  const std::size_t len = level0::header_size - 4 + descriptors.size();
  b[2] = static_cast<std::uint8_t>(len >> 8);
  b[3] = static_cast<std::uint8_t>(len);
  b[7] = 1;
  b.insert(b.end(), descriptors.begin(), descriptors.end());
  return b;
}

std::optional<std::uint64_t> value_of(const std::vector<level0::Field>& fs, std::string_view n) {
  for (const auto& f : fs)
    if (f.name == n) return f.value;
  return std::nullopt;
}

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
}  // namespace

TEST_CASE("tcg level0: Enterprise SSC and Opal SSC V1 descriptors: Base ComID bytes 4-5, Number of ComIDs bytes 6-7") {
  // Enterprise SSC v1.01 §3.6.2 (Feature Code 0x0100, Length 0x1C) and Opal SSC v1.00
  // §3.1.1.4 (0x0200, Length 0x0C): Base ComID bytes 4-5, Number of ComIDs bytes 6-7,
  // byte 8 bit 0 Range Crossing. Neighbouring bytes are non-zero so a moved or widened
  // field reads a different value.
  const Bytes ent = hx("0100101c" "07fe" "0001" "01" + std::string(2 * 23, '0'));
  const Bytes op1 = hx("0200100c" "1004" "0002" "01" + std::string(2 * 7, '0'));
  Bytes desc = ent;
  desc.insert(desc.end(), op1.begin(), op1.end());
  const auto d = level0::parse(response(desc));
  REQUIRE(d);
  REQUIRE(d->features.size() == 2);
  const auto e = level0::fields_of(d->features[0]);
  CHECK(value_of(e, "base_comid") == 0x07FEu);
  CHECK(value_of(e, "num_comids") == 1u);
  CHECK(value_of(level0::flags_of(d->features[0]), "range_crossing") == 1u);
  const auto o = level0::fields_of(d->features[1]);
  CHECK(value_of(o, "base_comid") == 0x1004u);
  CHECK(value_of(o, "num_comids") == 2u);
  // and set_field writes the same positions
  level0::Feature f{0x0100, 0x10, {}};
  REQUIRE(level0::set_field(f, "base_comid", 0x07FE));
  REQUIRE(level0::set_field(f, "num_comids", 1));
  REQUIRE(level0::set_field(f, "range_crossing", 1));
  CHECK(f.data == Bytes(ent.begin() + 4, ent.end()));
}

TEST_CASE("tcg level0: Opal SSC V2 and Pyrite descriptors: Initial C_PIN_SID PIN Indicator byte 13, revert behaviour byte 14") {
  // Opal SSC v2.30 §3.1.1.5 Table 6 (0x0203) and Pyrite SSC v2.00 §3.1.1.4 (0x0303), both
  // Length 0x10: byte 13 Initial C_PIN_SID PIN Indicator, byte 14 Behavior of C_PIN_SID PIN
  // upon TPer Revert, bytes 15-19 Reserved. Indicator 0x00 (SID = MSID) beside revert 0xFF
  // (vendor unique) tells the two bytes apart.
  const std::string tail = "00" "ff" "0000000000";  // bytes 13, 14, 15-19
  const Bytes opal2 = hx("02031010" "1004" "0001" "00" "0004" "0009" + tail);
  const Bytes pyrite2 = hx("03031010" "07fe" "0001" "0000000000" + tail);
  Bytes desc = opal2;
  desc.insert(desc.end(), pyrite2.begin(), pyrite2.end());
  const auto d = level0::parse(response(desc));
  REQUIRE(d);
  REQUIRE(d->features.size() == 2);
  for (const auto& f : d->features) {
    INFO("feature " << f.code);
    const auto fs = level0::fields_of(f);
    CHECK(value_of(fs, "initial_cpin_sid_indicator") == 0x00u);
    CHECK(value_of(fs, "cpin_sid_revert_behavior") == 0xFFu);
  }
  CHECK(value_of(level0::fields_of(d->features[0]), "num_locking_user_authorities") == 9u);
  // set_field puts 0xFF in byte 14 alone
  for (const std::uint16_t code : {std::uint16_t{0x0203}, std::uint16_t{0x0303}}) {
    level0::Feature f{code, 0x10, {}};
    REQUIRE(level0::set_field(f, "cpin_sid_revert_behavior", 0xFF));
    CHECK(to_hex(f.data) == "000000000000000000" "00" "ff" "0000000000");
  }
}

TEST_CASE("tcg level0: seed 002 Table 1 decoded: descriptor offsets, TPer flag bits at byte 4, the cut descriptor's Length") {
  const Bytes t1 = seed002_table1();
  const auto p = level0::parse_partial(t1);
  REQUIRE(p.problems.empty());
  // dump rows 0030, 0040, 0070 start the three descriptors
  CHECK(p.offsets == std::vector<std::size_t>{0x30, 0x40, 0x70});
  REQUIRE(p.d.features.size() == 3);
  // TPer Feature Supported (byte 4) = 0x11: Sync Supported and Streaming Supported
  const auto tper = level0::flags_of(p.d.features[0]);
  CHECK(value_of(tper, "sync_supported") == 1u);
  CHECK(value_of(tper, "streaming_supported") == 1u);
  CHECK(value_of(tper, "async_supported") == 0u);
  // Key Per I/O SSC: Protocol 0x01 Base ComID (bytes 4-5) = 0x0800
  CHECK(value_of(level0::fields_within(p.d.features[1]), "base_comid_protocol1") == 0x0800u);
  // cut inside the Key Per I/O descriptor (Length 0x2C): the Length it declares is kept
  const auto cut = level0::parse_partial(ByteView(t1).first(100));
  REQUIRE(cut.cut);
  CHECK(*cut.cut == 1u);
  CHECK(cut.declared_length == 0x2Cu);
  CHECK(cut.offsets == std::vector<std::size_t>{0x30, 0x40});
  // cut after byte 8 of that descriptor: Protocol 0x03 Base ComID (bytes 8-9) has one of
  // its two bytes, so only the two Protocol 0x01 fields (bytes 4-7) are decoded
  const auto nine = level0::parse_partial(ByteView(t1).first(0x40 + 9));
  REQUIRE(nine.cut);
  const auto within = level0::fields_within(nine.d.features[*nine.cut]);
  REQUIRE(within.size() == 2u);
  CHECK(within[1].name == "num_comids_protocol1");
  CHECK(within[1].value == 1u);
}

TEST_CASE("tcg level0: the header's Length (bytes 0-3) and revision (bytes 4-7) are read once their bytes are present") {
  // Seed 002 Table 1: Length Of Parameter Data 144, Data Structure Revision 1; the response
  // is the Length field's 4 bytes plus 144 (TCG Core §3.3.6.3).
  const Bytes t1 = seed002_table1();
  CHECK_FALSE(level0::parse_partial(ByteView(t1).first(3)).length_field);
  const auto four = level0::parse_partial(ByteView(t1).first(4));
  CHECK(four.length_field == 144u);
  CHECK_FALSE(four.revision);
  CHECK_FALSE(level0::parse_partial(ByteView(t1).first(7)).revision);
  const auto eight = level0::parse_partial(ByteView(t1).first(8));
  CHECK(eight.length_field == 144u);
  CHECK(eight.revision == 1u);
  const auto twenty = level0::parse_partial(ByteView(t1).first(20));
  REQUIRE(twenty.problems.size() == 1);
  CHECK(has(twenty.problems[0].message, "Length of Parameter Data 144 declares 148"));
}

TEST_CASE("tcg level0: the header's Reserved bytes 8-15 are kept as received") {
  // Opal SSC v2.30 Table 2: bytes 8-15 Reserved. The codec keeps every byte it does not
  // type, so a response re-emits identically.
  Bytes b = seed002_table1();
  for (std::size_t i = 8; i < 16; ++i) b[i] = static_cast<std::uint8_t>(0xA0 + i);
  const auto d = level0::parse(b);
  REQUIRE(d);
  CHECK(to_hex(d->reserved) == "a8a9aaabacadaeaf");
  CHECK(*level0::emit(*d) == b);
}

TEST_CASE("tcg level0: a Length of Parameter Data below the 44 header bytes is refused at offset 0") {
  // TCG Core §3.3.6.3: the Length counts the 44 header bytes after it; 40 cannot hold them.
  Bytes b(level0::header_size, 0);
  b[3] = 40;
  b[7] = 1;
  const auto p = level0::parse_partial(b);
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0].offset == 0u);
  CHECK(has(p.problems[0].message, "Length of Parameter Data (offset 0) is 40"));
  CHECK_FALSE(level0::parse(b));
}

TEST_CASE("tcg level0: a descriptor header needs 4 bytes: 3 left within Length is refused") {
  // TCG Core §3.3.6: Feature Code (2), Version (1), Length (1). The transfer is padded with
  // zeros to 512 bytes as seed 002's dump is.
  Bytes b = response(hx("000110"));
  b.resize(512, 0);
  const auto r = level0::parse(b);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "feature descriptor at offset 48: needs a 4-byte header, 3 byte(s) left within Length");
}

TEST_CASE("tcg level0: emit refuses a header of the wrong size and a descriptor longer than its 1-byte Length") {
  // Opal SSC v2.30 Table 2: Reserved is 8 bytes, Vendor Specific 32.
  level0::Discovery d;
  d.reserved = Bytes(7, 0);
  CHECK_FALSE(level0::emit(d));
  d = level0::Discovery{};
  d.vendor = Bytes(31, 0);
  CHECK_FALSE(level0::emit(d));
  // The descriptor Length is one byte: 255 data bytes is the most (a vendor-unique feature
  // code, TCG Core 0xC000-0xFFFF).
  d = level0::Discovery{};
  d.features.push_back(level0::Feature{0xC000, 0x10, Bytes(255, 0x5A)});
  const auto b = level0::emit(d);
  REQUIRE(b);
  CHECK(b->size() == 48u + 4u + 255u);
  CHECK(to_hex(ByteView(*b).subspan(48, 4)) == "c00010ff");
  const auto back = level0::parse(*b);
  REQUIRE(back);
  CHECK(*back == d);
  d.features[0].data.push_back(0x5A);
  CHECK_FALSE(level0::emit(d));
}

TEST_CASE("tcg level0: set_field on a feature with no known layout is refused") {
  level0::Feature f{0xC000, 0x10, Bytes(12, 0)};  // vendor unique (TCG Core 0xC000-0xFFFF)
  const auto s = level0::set_field(f, "base_comid", 1);
  REQUIRE_FALSE(s);
  CHECK(has(s.error().message, "c000"));
  CHECK(f.data == Bytes(12, 0));
}

TEST_CASE("tcg level0: minor version names are Opal SSC V2's alone (Opal SSC v2.30 Table 7)") {
  CHECK(level0::minor_version_name(0x0203, 0x13) == "Opal SSC v2.30");
  // Seed 002 Table 1: the TPer descriptor's version byte 0x10, bits 3:0 Reserved
  CHECK(level0::minor_version_name(0x0001, 0x10).empty());
  CHECK(level0::minor_version_name(0x0304, 0x10).empty());
}

TEST_CASE("tcg level0: meanings of the enumerated fields (Opal SSC v2.30 Tables 6, 11, 12; Block SID Authentication §4.1.1)") {
  // Behavior of C_PIN_SID PIN upon TPer Revert: 0x00 the SID PIN becomes the MSID PIN,
  // 0xFF vendor unique, other values reserved.
  CHECK(has(level0::meaning(0x0203, "cpin_sid_revert_behavior", 0x00), "becomes the C_PIN_MSID PIN"));
  CHECK(has(level0::meaning(0x0203, "cpin_sid_revert_behavior", 0xFF), "vendor unique"));
  CHECK(level0::meaning(0x0203, "cpin_sid_revert_behavior", 0x01) == "reserved value");
  // Range Crossing (Enterprise, Opal V1) / Range Crossing Behavior (Opal V2): 1 = commands
  // crossing Locking range boundaries are not supported (refused), 0 = they may cross.
  for (const std::string_view f : {"range_crossing_behavior", "range_crossing"}) {
    INFO(f);
    CHECK(has(level0::meaning(0x0203, f, 1), "refuses"));
    CHECK(has(level0::meaning(0x0203, f, 0), "may cross"));
  }
  // Data Removal Time Format bits: 0 = units of 2 seconds, 1 = units of 2 minutes.
  CHECK(has(level0::meaning(0x0404, "time_format_bit0_minutes", 1), "2 minutes"));
  CHECK(has(level0::meaning(0x0404, "time_format_bit5_minutes", 0), "2 seconds"));
  // Block SID: SID Value State 0 = C_PIN_SID PIN equals C_PIN_MSID PIN, 1 = differs;
  // SID Authentication Blocked State 1 = blocked until the next power cycle/reset.
  CHECK(has(level0::meaning(0x0402, "sid_value_state", 0), "equals"));
  CHECK(has(level0::meaning(0x0402, "sid_value_state", 1), "differs"));
  CHECK(has(level0::meaning(0x0402, "sid_authentication_blocked_state", 1), "blocked until"));
  CHECK(has(level0::meaning(0x0402, "sid_authentication_blocked_state", 0), "not blocked"));
  // a field with no enumerated values has no meaning
  CHECK(level0::meaning(0x0001, "tper_features", 0x11).empty());
  CHECK(level0::meaning(0x0404, "data_removal_time_bit0", 1).empty());
}

}  // namespace LOCKREF_UNITY_ID
