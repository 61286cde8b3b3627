// KMIP items from their JSON form (the `kmip.encode` request of `lockref eval`): the input
// checks the other tests left open, written to kill the mutants tools/mutate.py found
// surviving (spec/mutation/report.md). The accepted forms are the README's ("tag": a name or
// "0x42xxxx"; Enumeration: a name or an unsigned number; nesting as deep as TTLV's 64).
#include <doctest/doctest.h>

#include <string>

#include "lockref/kmip/json.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::kmip;

namespace {
std::string error_of(const Json& j) {
  auto r = item_from_json(j);
  return r ? std::string() : r.error().message;
}
}  // namespace

TEST_CASE("kmip json: tags by name or as 0x42xxxx, six hex digits exactly") {
  CHECK(tag_from_string("0x42006A").value() == 0x42006Au);
  CHECK(tag_from_string("0X42006a").value() == 0x42006Au);
  CHECK(tag_from_string("0x420999").value() == 0x420999u);  // no name: the number
  CHECK(tag_from_string("ProtocolVersionMajor").value() == 0x42006Au);
  for (const char* bad : {"1x42006A", "0y42006A", "x042006A", "0x42006", "0x4200600", "0x42006G", ""})
    CHECK_MESSAGE(!tag_from_string(bad), bad);
}

TEST_CASE("kmip json: malformed items are refused with the reason") {
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "Enumeration"}}) == "Operation: missing \"value\"");
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "TextString"}, {"value", 5}}) ==
        "Operation: TextString value must be a string");
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "Boolean"}, {"value", 1}}) ==
        "Operation: Boolean value must be true or false");
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "Enumeration"}, {"value", 0x100000000ull}}) ==
        "Operation: Enumeration value must be at most 2^32-1");
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "Enumeration"}, {"value", -1}}) ==
        "Operation: Enumeration value must be a name or an unsigned number");
  // the tag is a string (a name or 0x42xxxx); a ByteString or BigInteger value is hex text
  CHECK(error_of(Json{{"type", "Integer"}, {"value", 1}}) == "missing \"tag\" string");
  CHECK(error_of(Json{{"tag", 0x42005C}, {"type", "Integer"}, {"value", 1}}) == "missing \"tag\" string");
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "ByteString"}, {"value", 5}}) ==
        "Operation: ByteString value must be a hex string");
  // a LongInteger is a signed 64-bit number (KMIP TTLV: eight bytes, two's complement): 2^63 does
  // not fit and is refused, not wrapped to -2^63; -2^63 itself is accepted
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "LongInteger"}, {"value", 9223372036854775808ull}}) ==
        "Operation: LongInteger value must be a 64-bit signed number");
  auto lmin = item_from_json(Json{{"tag", "Operation"}, {"type", "LongInteger"}, {"value", INT64_MIN}});
  REQUIRE(lmin);
  CHECK(lmin->num == INT64_MIN);
  const auto hex = error_of(Json{{"tag", "Operation"}, {"type", "ByteString"}, {"value", "0g"}});
  CHECK(hex.rfind("Operation: ", 0) == 0);
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", "ByteString"}, {"value", "0a0b"}}).empty());
  // an unsigned number held as a signed JSON integer is still an unsigned number
  auto e0 = item_from_json(Json{{"tag", "Operation"}, {"type", "Enumeration"}, {"value", std::int64_t{0}}});
  REQUIRE(e0);
  CHECK(e0->num == 0);
  auto e5 = item_from_json(Json{{"tag", "Operation"}, {"type", "Enumeration"}, {"value", std::int64_t{5}}});
  REQUIRE(e5);
  CHECK(e5->num == 5);
  CHECK(item_from_json(Json{{"tag", "Operation"}, {"type", "Enumeration"}, {"value", 0xFFFFFFFFu}}).value().num ==
        0xFFFFFFFF);
}

TEST_CASE("kmip json: structures nest as deep as TTLV allows and no deeper") {
  auto nested = [](std::size_t depth) {
    Json j{{"tag", "Operation"}, {"type", "Integer"}, {"value", 1}};
    for (std::size_t i = 0; i < depth; ++i) j = Json{{"tag", "RequestMessage"}, {"type", "Structure"}, {"value", Json::array({j})}};
    return j;
  };
  CHECK(item_from_json(nested(max_depth)));
  const auto deep = error_of(nested(max_depth + 1));
  CHECK(deep.find("nesting deeper than 64") != std::string::npos);
}


TEST_CASE("kmip ttlv: an Item Tag is three bytes in the KMIP or extension range: 0x54FFFF encodes, 0xFFFFFF does not") {
  // KMIP 1.4 §9.1.1.1 / Table 184: "Item Tag: 3 bytes"; tags of the specification have 0x42 in
  // the first byte and extensions 0x54. The decoder refuses any other (test_kmip.cpp).
  Item it;
  it.tag = 0x54FFFF;
  it.type = ItemType::integer;
  it.num = 1;
  const auto b = encode(it);
  REQUIRE(b);
  CHECK(*b == Bytes{0x54, 0xFF, 0xFF, 0x02, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0});
  CHECK(decode(*b));
  for (std::uint32_t bad : {0xFFFFFFu, 0x1000000u, 0x1420000u}) {
    it.tag = bad;
    CHECK_FALSE(encode(it));
  }
}

TEST_CASE("kmip ttlv: a Text String is UTF-8 without surrogates, U+D800 to U+DFFF (RFC 3629 §3)") {
  // RFC 3629 §3: "The definition of UTF-8 prohibits encoding character numbers between
  // U+D800 and U+DFFF". KMIP 1.4 §9.1.1.4: a Text String is a sequence of UTF-8 bytes.
  auto text = [](Bytes utf8) {
    Bytes b = {0x42, 0x00, 0x55, 0x07, 0, 0, 0, static_cast<std::uint8_t>(utf8.size())};
    b.insert(b.end(), utf8.begin(), utf8.end());
    b.resize(8 + (utf8.size() + 7) / 8 * 8, 0);
    return decode(b);
  };
  CHECK(text({0xED, 0x9F, 0xBF}));         // U+D7FF
  CHECK_FALSE(text({0xED, 0xA0, 0x80}));   // U+D800
  CHECK_FALSE(text({0xED, 0xBF, 0xBF}));   // U+DFFF
  CHECK(text({0xEE, 0x80, 0x80}));         // U+E000
}

TEST_CASE("kmip ttlv: a Text String's UTF-8, every sequence length and its bounds (RFC 3629 §3-§4)") {
  // RFC 3629 §4's syntax: UTF8-2 = %xC2-DF UTF8-tail, UTF8-3 from E0 A0-BF, UTF8-4 up to
  // F4 80-8F (U+10FFFF); overlong forms, lone or missing continuation bytes, and lead
  // bytes F5-FF are not UTF-8. Each expectation was checked against Python's strict UTF-8
  // decoder (bytes.fromhex(h).decode("utf-8")), not derived from lockref.
  auto text = [](const std::string& h) {
    const Bytes utf8 = from_hex(h).value();
    Bytes b = {0x42, 0x00, 0x55, 0x07, 0, 0, 0, static_cast<std::uint8_t>(utf8.size())};
    b.insert(b.end(), utf8.begin(), utf8.end());
    b.resize(8 + (utf8.size() + 7) / 8 * 8, 0);
    return static_cast<bool>(decode(b));
  };
  for (const char* ok : {"7f", "c280", "dfbf", "e0a080", "efbfbf", "f0908080", "f1808080", "f48fbfbf",
                         "61c3a9e282acf09f9880"})  // U+007F U+0080 U+07FF U+0800 U+FFFF U+10000 U+40000 U+10FFFF, "aé€😀"
    CHECK_MESSAGE(text(ok), ok);
  for (const char* bad : {"c1bf", "e09fbf", "f08fbfbf",  // overlong U+007F, U+07FF, U+FFFF
                          "f4908080", "f888808080", "ff",  // U+110000, a 5-byte form, FF
                          "80", "c2", "e282", "f09f98", "61c2", "c241"})  // continuation missing or alone
    CHECK_MESSAGE(!text(bad), bad);
  // A sequence cut by the end of the value: the check must not look past it. Here the byte
  // after the view is a continuation byte, so reading it would complete U+0080.
  const Bytes c2_80 = {0xC2, 0x80};
  CHECK(kmip::detail::valid_utf8(ByteView(c2_80)));
  CHECK_FALSE(kmip::detail::valid_utf8(ByteView(c2_80).first(1)));
  const Bytes e2_82_ac = {0xE2, 0x82, 0xAC};  // U+20AC
  CHECK_FALSE(kmip::detail::valid_utf8(ByteView(e2_82_ac).first(2)));
}

TEST_CASE("kmip json: an item is an object with a string type, a known tag, and a value of its type") {
  // the README's `kmip.encode` form: {"tag": name or "0x42xxxx", "type": a TTLV type name,
  // "value": ...}; a Structure's value is an array of such items
  CHECK(error_of(Json::array({1, 2})) == "expected {\"tag\",\"type\",\"value\"}");
  CHECK(error_of(Json("Operation")) == "expected {\"tag\",\"type\",\"value\"}");
  CHECK(error_of(Json{{"tag", "Operation"}, {"value", 1}}) == "missing \"type\" string");
  CHECK(error_of(Json{{"tag", "Operation"}, {"type", 2}, {"value", 1}}) == "missing \"type\" string");
  CHECK(error_of(Json{{"tag", "NoSuchTag"}, {"type", "Integer"}, {"value", 1}}) ==
        "unknown tag \"NoSuchTag\" (a name of kmip/tags.hpp or 0x42xxxx)");
  CHECK(error_of(Json{{"tag", "RequestMessage"}, {"type", "Structure"}, {"value", 1}}) ==
        "RequestMessage: Structure value must be an array of items");
  CHECK(error_of(Json{{"tag", "RequestMessage"}, {"type", "Structure"}, {"value", Json::object()}}) ==
        "RequestMessage: Structure value must be an array of items");
  // a Long Integer's largest value, 2^63-1, is a 64-bit signed number (KMIP 1.4 §9.1.1.4)
  auto lmax = item_from_json(Json{{"tag", "Operation"}, {"type", "LongInteger"}, {"value", 9223372036854775807ull}});
  REQUIRE(lmax);
  CHECK(lmax->num == INT64_MAX);
}

namespace {
Item number(ItemType t, std::int64_t v) {
  Item it;
  it.tag = 0x42005C;  // Operation
  it.type = t;
  it.num = v;
  return it;
}
/// TTLV from its definition (KMIP 1.4 §9.1.1: 3-byte tag, 1-byte type, 4-byte big-endian
/// length, value padded with zeros to a multiple of 8), written out here, not by the encoder.
Bytes ttlv(std::uint32_t tag, std::uint8_t type, const Bytes& value) {
  Bytes b = {static_cast<std::uint8_t>(tag >> 16), static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag),
             type,
             static_cast<std::uint8_t>(value.size() >> 24), static_cast<std::uint8_t>(value.size() >> 16),
             static_cast<std::uint8_t>(value.size() >> 8), static_cast<std::uint8_t>(value.size())};
  b.insert(b.end(), value.begin(), value.end());
  b.resize(8 + (value.size() + 7) / 8 * 8, 0);
  return b;
}
/// An Integer inside `depth` Structures: the Integer sits at nesting depth `depth`.
Bytes nested_ttlv(std::size_t depth) {
  Bytes b = ttlv(0x42005C, 0x02, {0, 0, 0, 1});
  for (std::size_t i = 0; i < depth; ++i) b = ttlv(0x420078, 0x01, b);
  return b;
}
Item nested_item(std::size_t depth) {
  Item it = number(ItemType::integer, 1);
  for (std::size_t i = 0; i < depth; ++i) {
    Item s;
    s.tag = 0x420078;  // RequestMessage
    s.type = ItemType::structure;
    s.children.push_back(std::move(it));
    it = std::move(s);
  }
  return it;
}
}  // namespace

TEST_CASE("kmip ttlv: the encoder refuses values outside their type's range, and takes its bounds") {
  // KMIP 1.4 §9.1.1.4: an Integer is 4 bytes two's complement; an Enumeration and an
  // Interval are 4-byte unsigned numbers
  for (std::int64_t v : {std::int64_t{INT32_MIN}, std::int64_t{-1}, std::int64_t{0}, std::int64_t{INT32_MAX}})
    CHECK_MESSAGE(encode(number(ItemType::integer, v)), v);
  for (std::int64_t v : {std::int64_t{INT32_MIN} - 1, std::int64_t{INT32_MAX} + 1}) {
    const auto r = encode(number(ItemType::integer, v));
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "Integer out of 32-bit range");
  }
  for (ItemType t : {ItemType::enumeration, ItemType::interval}) {
    CHECK(encode(number(t, 0)));
    CHECK(encode(number(t, 0xFFFFFFFF)));
    for (std::int64_t v : {std::int64_t{-1}, std::int64_t{0x100000000}}) {
      const auto r = encode(number(t, v));
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "Enumeration/Interval out of 0..2^32-1");
    }
  }
  // the 4-byte value of Enumeration 0xFFFFFFFF, padded to 8
  CHECK(encode(number(ItemType::enumeration, 0xFFFFFFFF)).value() == ttlv(0x42005C, 0x05, {0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST_CASE("kmip ttlv: the encoder and the decoder take 64 nested Structures and refuse 65") {
  // the model's bound on Structure nesting (kmip::max_depth, README "KMIP"): an Integer 64
  // Structures deep encodes and decodes, 65 deep neither
  const auto deep = nested_item(max_depth);
  const auto enc = encode(deep);
  REQUIRE(enc);
  CHECK(*enc == nested_ttlv(max_depth));
  const auto dec = decode(nested_ttlv(max_depth));
  REQUIRE(dec);
  CHECK(*dec == deep);
  const auto too_deep = encode(nested_item(max_depth + 1));
  REQUIRE_FALSE(too_deep);
  CHECK(too_deep.error().message == "structure nesting deeper than 64");
  const auto dec65 = decode(nested_ttlv(max_depth + 1));
  REQUIRE_FALSE(dec65);
  // the innermost Integer starts 65 headers of 8 bytes in
  CHECK(dec65.error().message == "TTLV item at offset 520: structure nesting deeper than 64");
}

TEST_CASE("kmip ttlv: a Big Integer's Length is a non-zero multiple of 8 (KMIP 1.4 §9.1.1.4)") {
  // "Big Integers are padded with leading sign-extended bytes (which are included in the length)"
  // so the Length is a multiple of eight; there is no zero-length one
  CHECK(decode(ttlv(0x42005C, 0x04, Bytes(8, 0x01))));
  CHECK(decode(ttlv(0x42005C, 0x04, Bytes(16, 0xFF))));
  for (std::size_t n : {0, 1, 7, 9, 12}) {
    const auto r = decode(ttlv(0x42005C, 0x04, Bytes(n, 0x01)));
    REQUIRE_MESSAGE(!r, n);
    CHECK(r.error().message ==
          "TTLV item at offset 0: BigInteger Length must be a non-zero multiple of 8, got " + std::to_string(n));
  }
}

TEST_CASE("kmip ttlv: Long Integer, Date-Time and Boolean items have Length 8, Integer, Enumeration and Interval 4 (KMIP 1.4 §9.1.1.4)") {
  // type bytes: 02 Integer, 03 Long Integer, 05 Enumeration, 06 Boolean, 09 Date-Time, 0A Interval
  for (const int t : {0x03, 0x06, 0x09}) {
    CHECK(decode(ttlv(0x42005C, static_cast<std::uint8_t>(t), Bytes(8, 0))));
    for (std::size_t n : {4, 16}) {
      const auto r = decode(ttlv(0x42005C, static_cast<std::uint8_t>(t), Bytes(n, 0)));
      REQUIRE_FALSE(r);
      CHECK(r.error().message.find(" must have Length 8, got " + std::to_string(n)) != std::string::npos);
    }
  }
  for (const int t : {0x02, 0x05, 0x0A}) {
    CHECK(decode(ttlv(0x42005C, static_cast<std::uint8_t>(t), Bytes(4, 0))));
    const auto r = decode(ttlv(0x42005C, static_cast<std::uint8_t>(t), Bytes(8, 0)));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(" must have Length 4, got 8") != std::string::npos);
  }
}

TEST_CASE("kmip ttlv: the decoder's refusals name the offending tag and value in full") {
  // an Item Tag is 3 bytes (six hex digits); a Boolean's value is 8 bytes (sixteen)
  const auto tag = decode(ttlv(0x123456, 0x02, {0, 0, 0, 1}));
  REQUIRE_FALSE(tag);
  CHECK(tag.error().message ==
        "TTLV item at offset 0: tag 0x123456 is outside the KMIP (0x42xxxx) and extension (0x54xxxx) ranges");
  const auto boolean = decode(ttlv(0x420008, 0x06, {0, 0, 0, 0, 0, 0, 0, 2}));
  REQUIRE_FALSE(boolean);
  CHECK(boolean.error().message == "TTLV item at offset 0: Boolean value must be 0 or 1, got 0x0000000000000002");
}

TEST_CASE("kmip ttlv: a sequence of items stops at the first malformed one") {
  // libkmip's Query function list is items back to back (decode_sequence); a bad second item
  // is refused with its own offset, not skipped or half-read
  const Bytes one = ttlv(0x42005C, 0x05, {0, 0, 0, 1});
  Bytes two = one;
  const Bytes bad = ttlv(0x42005C, 0x05, {0, 0, 1});  // an Enumeration of Length 3
  two.insert(two.end(), bad.begin(), bad.end());
  const auto r = decode_sequence(two);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "TTLV item at offset 16: Enumeration must have Length 4, got 3");
  Bytes cut = one;
  cut.insert(cut.end(), {0x42, 0x00});
  const auto c = decode_sequence(cut);
  REQUIRE_FALSE(c);
  CHECK(c.error().message.find("TTLV item at offset 16") != std::string::npos);
  CHECK(decode_sequence(one).value().size() == 1);
}

}  // namespace LOCKREF_UNITY_ID
