// RFC 4108 firmware packages: the strict DER reader and the DER writer under every fwpkg
// decoder (fwpkg/der.hpp), held to the promises of its header comment on small hand-made
// byte strings, and the zlib wrappers of fwpkg/inflate.hpp.
// Where expected values come from:
//   - encodings and offsets: X.690 (definite lengths §8.1.3, minimal lengths §10.1, low tag
//     numbers §8.1.2, INTEGER §8.3.2, BOOLEAN §11.1, NULL §8.8, OBJECT IDENTIFIER §8.19,
//     SET OF order §11.6), worked by hand; every valid value was checked with
//     `openssl asn1parse -inform DER` (OID text, header lengths) and the writer's output
//     with python3-asn1crypto's DER (`Integer(v).dump()`, `ObjectIdentifier(s).dump()`);
//   - zlib streams: python3 `zlib.compress(data, 9)` (RFC 1950; header 78 DA = level 9);
//   - what counts as a fault, its offset (absolute: Input's base + local) and der_only:
//     the contract in the comments of fwpkg/der.hpp (Fault, Input, Reader, ber_check).
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "lockref/fwpkg/der.hpp"
#include "lockref/fwpkg/inflate.hpp"

namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {
Bytes hx(std::string_view s) {
  auto b = from_hex(s);
  REQUIRE(b.ok());
  return *b;
}
/// `n` copies of one hex byte, e.g. rep("41", 3) == "414141".
std::string rep(const char* byte, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += byte;
  return s;
}
/// One input and its top-level reader.
struct Doc {
  Bytes bytes;
  der::Input in;
  der::Reader r;
  explicit Doc(std::string_view hex, bool strict = true, std::size_t base = 0)
      : bytes(hx(hex)), in(bytes, base, strict), r(in) {}
};
/// The der::Fault that `f` throws (the test fails if it throws none).
template <class F>
der::Fault fault(F&& f) {
  try {
    f();
  } catch (const der::Fault& e) {
    return e;
  }
  FAIL("no der::Fault thrown");
  return {};
}
Bytes B(ByteView v) { return Bytes(v.begin(), v.end()); }
bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }
}  // namespace

// ---- names ------------------------------------------------------------------------------

TEST_CASE("der: hex_byte and tag_name name identifier octets (X.680 §8.4 universal names, [n] context tags)") {
  CHECK(der::hex_byte(0x00) == "0x00");
  CHECK(der::hex_byte(0xA5) == "0xa5");
  CHECK(der::hex_byte(0xFF) == "0xff");
  CHECK(der::hex_byte(0x5E) == "0x5e");
  const std::pair<std::uint8_t, const char*> names[] = {
      {0x01, "BOOLEAN"},         {0x02, "INTEGER"},     {0x03, "BIT STRING"},      {0x04, "OCTET STRING"},
      {0x05, "NULL"},            {0x06, "OBJECT IDENTIFIER"}, {0x0A, "ENUMERATED"}, {0x0C, "UTF8String"},
      {0x13, "PrintableString"}, {0x16, "IA5String"},   {0x17, "UTCTime"},         {0x18, "GeneralizedTime"},
      {0x30, "SEQUENCE"},        {0x31, "SET"},
      // context-specific class (bits 8-7 = 10), primitive or constructed: [number]
      {0x80, "[0]"}, {0x81, "[1]"}, {0xA0, "[0]"}, {0xA3, "[3]"}, {0xBE, "[30]"},
      // other classes and unnamed universal tags: the octet in hex
      {0x40, "tag 0x40"}, {0x61, "tag 0x61"}, {0xC0, "tag 0xc0"}, {0xE1, "tag 0xe1"}, {0x1E, "tag 0x1e"}};
  for (const auto& [t, n] : names) {
    CAPTURE(int(t));
    CHECK(der::tag_name(t) == n);
  }
}

// ---- OBJECT IDENTIFIER ------------------------------------------------------------------

TEST_CASE("der: oid_text decodes X.690 §8.19 contents, arcs up to 2^64-1, first subidentifier >= 80") {
  const std::pair<const char*, const char*> ok[] = {
      {"2a 86 48 86 f7 0d 01 07 02", "1.2.840.113549.1.7.2"},  // id-signedData (RFC 5652 §5.1)
      {"2a 81 ff ff ff ff ff ff ff ff 7f", "1.2.18446744073709551615"},
      {"88 37 03", "2.999.3"},  // X.690 §8.19.5 example
      {"81 ff ff ff ff ff ff ff ff 7f", "2.18446744073709551535"},  // first subidentifier 2^64-1
      {"2a 81 80 01", "1.2.16385"},  // 0x80 inside a subidentifier is fine
      {"2a 7f", "1.2.127"},
      {"4f", "1.39"},
      {"27", "0.39"},
      {"50", "2.0"},
      {"00", "0.0"},
  };
  for (const auto& [h, text] : ok) {
    CAPTURE(h);
    const auto t = der::oid_text(hx(h));
    REQUIRE(t.ok());
    CHECK(*t == text);
  }
  const char* bad[] = {
      "2a 86",                              // ends inside a subidentifier
      "2a 80 01",                           // second subidentifier starts with 0x80 (§8.19.2)
      "80 2a",                              // first subidentifier starts with 0x80
      "2a 86 48 80 86 f7 0d",               // a later one
      "2a 82 80 80 80 80 80 80 80 80 00",   // arc 2^64
      "82 80 80 80 80 80 80 80 80 00",      // first subidentifier 2^64
  };
  for (const char* h : bad) {
    CAPTURE(h);
    CHECK_FALSE(der::oid_text(hx(h)).ok());
  }
  CHECK_FALSE(der::oid_text(ByteView{}).ok());
}

TEST_CASE("der: Reader::oid faults at the OBJECT IDENTIFIER's identifier octet") {
  {
    Doc d("06 00 05 00", true, 40);  // empty OBJECT IDENTIFIER, then NULL
    CHECK(fault([&] { (void)d.r.oid("oid"); }).offset == 40);
  }
  {
    Doc d("05 00 06 03 2a 80 01");  // NULL, then OID with a leading 0x80 subidentifier octet
    d.r.null("n");
    CHECK(fault([&] { (void)d.r.oid("oid"); }).offset == 2);
  }
  {
    Doc d("06 03 88 37 03");
    CHECK(d.r.oid("oid") == "2.999.3");
    d.r.finish();
  }
}

TEST_CASE("der: oid_contents encodes dotted text (X.690 §8.19) and refuses malformed text") {
  const std::pair<const char*, const char*> ok[] = {
      {"1.2.840.113549.1.7.2", "2a 86 48 86 f7 0d 01 07 02"},
      {"0.9.2342", "09 92 26"},
      {"1.3.6.1", "2b 06 01"},
      {"1.39", "4f"},
      {"0.39", "27"},
      {"2.999.3", "88 37 03"},
      {"2.18446744073709551535", "81 ff ff ff ff ff ff ff ff 7f"},
      {"1.2.18446744073709551615", "2a 81 ff ff ff ff ff ff ff ff 7f"},
      {"1.2.16385", "2a 81 80 01"},
  };
  for (const auto& [text, h] : ok) {
    CAPTURE(text);
    const auto c = der::oid_contents(text);
    REQUIRE(c.ok());
    CHECK(*c == hx(h));
  }
  const char* bad[] = {"", "0", "1", "2", "1.", "1.2.", ".1.2", "1..2", "1.02", "01.2", "1.2x", "1.a", "3.1", "1.40", "0.40",
                       "2.18446744073709551536", "2.18446744073709551536.1", "1.2.18446744073709551616"};
  for (const char* t : bad) {
    CAPTURE(t);
    CHECK_FALSE(der::oid_contents(t).ok());
  }
  // put_oid: "Throws std::invalid_argument for a malformed OID text"
  CHECK_THROWS_AS(der::encode([](der::Sink& s) { der::put_oid(s, "1.40"); }), std::invalid_argument);
  CHECK(der::encode([](der::Sink& s) { der::put_oid(s, "2.999.3"); }) == hx("06 03 88 37 03"));
}

// ---- headers ----------------------------------------------------------------------------

TEST_CASE("der: a missing value faults where it should start; peek_tag sees nothing past the end") {
  {
    Doc d("30 00 02 01 05");  // empty SEQUENCE, then INTEGER 5 outside it
    auto s = d.r.enter(der::SEQUENCE, "seq");
    CHECK_FALSE(s.peek_tag().has_value());
    const auto f = fault([&] { (void)s.uint("n"); });
    CHECK(f.offset == 2);
    CHECK(has(f.message, "missing"));
  }
  {
    Doc d("30 03 02 01 05 02 01 06");  // SEQUENCE { INTEGER 5 }, INTEGER 6
    auto s = d.r.enter(der::SEQUENCE, "seq");
    CHECK(s.next_is(der::INTEGER));
    CHECK(s.uint("n") == 5);
    CHECK_FALSE(s.peek_tag().has_value());
    CHECK_FALSE(s.next_is(der::INTEGER));
    CHECK(s.at_end());
    s.finish();
    CHECK(d.r.peek_tag() == std::optional<std::uint8_t>(der::INTEGER));
    CHECK(d.r.uint("n") == 6);
    d.r.finish();
  }
}

TEST_CASE("der: high tag numbers are refused (X.690 §8.1.2.4); tag 30 and constructed tags are low-form") {
  CHECK(fault([] { Doc d("1f 01 00"); (void)d.r.element("x"); }).offset == 0);
  CHECK(fault([] { Doc d("05 00 3f 01 00", true, 7); d.r.null("n"); (void)d.r.element("x"); }).offset == 9);
  {
    Doc d("1e 02 00 41 30 00");  // BMPString "A" (tag 30), empty SEQUENCE
    CHECK(B(d.r.element("x")) == hx("1e 02 00 41"));
    CHECK(B(d.r.element("y")) == hx("30 00"));
    d.r.finish();
  }
  {
    Doc d("1e 02 00 41");
    CHECK(B(d.r.primitive(0x1E, "x")) == hx("00 41"));
  }
}

TEST_CASE("der: a value with another tag than expected faults at its identifier") {
  Doc d("05 00 04 01 05", true, 3);
  d.r.null("n");
  CHECK(fault([&] { (void)d.r.primitive(der::INTEGER, "n"); }).offset == 5);
}

TEST_CASE("der: no length octet / a truncated length field fault at the length octet (X.690 §8.1.3)") {
  CHECK(fault([] { Doc d("02"); (void)d.r.element("x"); }).offset == 1);
  {
    Doc d("30 01 02 01 05");  // SEQUENCE of length 1 holding just an identifier octet
    auto s = d.r.enter(der::SEQUENCE, "seq");
    const auto f = fault([&] { (void)s.element("x"); });
    CHECK(f.offset == 3);
    CHECK(has(f.message, "length"));
  }
  CHECK(fault([] { Doc d("04 82 01"); (void)d.r.element("x"); }).offset == 1);
  {
    Doc d("30 03 04 82 01 00 00");  // SEQUENCE of length 3: 04 82 01 -- the length field runs out
    auto s = d.r.enter(der::SEQUENCE, "seq");
    CHECK(fault([&] { (void)s.element("x"); }).offset == 3);
  }
  {
    Doc d("04 81 00", false);  // BER: long-form length 0 ending exactly at the end of the input
    CHECK(d.r.primitive(der::OCTET_STRING, "x").empty());
    d.r.finish();
  }
}

TEST_CASE("der: length forms -- short form up to 127, long form of at most 4 octets, minimal in DER (X.690 §10.1)") {
  {
    Doc d("04 7f" + rep("41", 127));
    CHECK(d.r.primitive(der::OCTET_STRING, "x").size() == 127);
  }
  {
    Doc d("04 81 80" + rep("41", 128));
    CHECK(d.r.octets("x").size() == 128);
    d.r.finish();
  }
  {  // a long form where the short form would do: DER refuses it at the length octet, BER takes it
    const std::string h = "04 81 7f" + rep("41", 127);
    const auto f = fault([&] { Doc d(h, true, 100); (void)d.r.primitive(der::OCTET_STRING, "x"); });
    CHECK(f.offset == 101);
    CHECK(f.der_only);
    Doc b(h, false);
    CHECK(b.r.primitive(der::OCTET_STRING, "x").size() == 127);
  }
  {  // a leading zero octet in the length
    const std::string h = "04 82 00 80" + rep("41", 128);
    const auto f = fault([&] { Doc d(h); (void)d.r.primitive(der::OCTET_STRING, "x"); });
    CHECK(f.offset == 1);
    CHECK(f.der_only);
  }
  {  // BER: 4 length octets accepted, 5 refused
    Doc d("04 84 00 00 00 01 41", false);
    CHECK(B(d.r.primitive(der::OCTET_STRING, "x")) == hx("41"));
    d.r.finish();
    CHECK(fault([] { Doc e("04 85 00 00 00 00 01 41", false); (void)e.r.primitive(der::OCTET_STRING, "x"); }).offset == 1);
  }
  {  // indefinite length: refused (RFC 4108 §1.4), der_only in strict mode
    const auto f = fault([] { Doc d("30 80 00 00"); (void)d.r.element("x"); });
    CHECK(f.offset == 1);
    CHECK(f.der_only);
  }
}

TEST_CASE("der: a length beyond what is left faults at the value's identifier") {
  CHECK(fault([] { Doc d("04 02 41"); (void)d.r.element("x"); }).offset == 0);
  {
    Doc d("05 00 04 02 41");
    d.r.null("n");
    const auto f = fault([&] { (void)d.r.primitive(der::OCTET_STRING, "x"); });
    CHECK(f.offset == 2);
    CHECK(has(f.message, "exceeds"));
  }
  {
    Doc d("30 02 04 01 41 41");  // SEQUENCE of length 2 around an OCTET STRING that needs 3
    auto s = d.r.enter(der::SEQUENCE, "seq");
    CHECK(fault([&] { (void)s.octets("x"); }).offset == 2);
  }
}

// ---- constructed values -----------------------------------------------------------------

TEST_CASE("der: enter() opens only constructed values; finish() wants nothing left over") {
  CHECK(fault([] { Doc d("02 01 05"); (void)d.r.enter(der::INTEGER, "x"); }).offset == 0);
  {
    Doc d("02 01 05 00", true, 20);
    CHECK(d.r.uint("n") == 5);
    CHECK(d.r.remaining() == 1);
    CHECK(fault([&] { d.r.finish(); }).offset == 23);
  }
  {
    Doc d("30 06 02 01 05 02 01 06");
    auto s = d.r.enter(der::SEQUENCE, "seq");
    CHECK(s.uint("n") == 5);
    CHECK(s.offset() == 5);
    CHECK(s.remaining() == 3);
    const auto f = fault([&] { s.finish(); });
    CHECK(f.offset == 5);
    CHECK(has(f.message, "3 unexpected"));
  }
  {
    Doc d("02 01 05 02 01 06");
    (void)d.r.uint("n");
    CHECK(d.r.remaining() == 3);
    (void)d.r.uint("n");
    CHECK(d.r.remaining() == 0);
    d.r.finish();
  }
}

TEST_CASE("der: primitive() / octets() refuse the constructed form of a string (X.690 §10.2)") {
  {
    const auto f = fault([] { Doc d("24 03 04 01 41"); (void)d.r.primitive(0x24, "x"); });
    CHECK(f.offset == 0);
    CHECK(f.der_only);
    const auto g = fault([] { Doc d("24 03 04 01 41", false); (void)d.r.primitive(0x24, "x"); });
    CHECK_FALSE(g.der_only);
  }
  CHECK(fault([] { Doc d("a0 03 04 01 41"); (void)d.r.octets("x", der::ctx(0, true)); }).offset == 0);
  {
    Doc d("80 02 41 42 04 02 43 44");
    CHECK(d.r.octets("x", der::ctx(0, false)) == hx("41 42"));
    CHECK(d.r.octets("y") == hx("43 44"));
    d.r.finish();
  }
}

// ---- INTEGER / ENUMERATED / BOOLEAN / NULL ----------------------------------------------

TEST_CASE("der: uint() -- non-negative, minimal, up to 2^64-1 (X.690 §8.3)") {
  CHECK(Doc("02 09 00 ff ff ff ff ff ff ff ff").r.uint("n") == UINT64_MAX);
  CHECK(Doc("02 08 7f ff ff ff ff ff ff ff").r.uint("n") == 0x7fffffffffffffffULL);
  CHECK(Doc("02 02 00 80").r.uint("n") == 128);
  CHECK(Doc("02 01 00").r.uint("n") == 0);
  CHECK(Doc("0a 01 03").r.uint("e", der::ENUMERATED) == 3);
  CHECK(Doc("02 02 00 05", false).r.uint("n") == 5);  // BER: non-minimal is fine
  CHECK(fault([] { Doc d("02 09 01 00 00 00 00 00 00 00 00"); (void)d.r.uint("n"); }).offset == 0);  // 2^64
  CHECK(fault([] { Doc d("05 00 02 01 ff", true, 9); d.r.null("x"); (void)d.r.uint("n"); }).offset == 11);  // -1
  const auto f = fault([] { Doc d("02 02 00 05"); (void)d.r.uint("n"); });
  CHECK(f.offset == 0);
  CHECK(f.der_only);
  CHECK(fault([] { Doc d("02 00 02 01 05"); (void)d.r.uint("n"); }).offset == 0);
}

TEST_CASE("der: int64() -- two's complement in at most 8 octets, minimal (X.690 §8.3)") {
  CHECK(Doc("02 08 80 00 00 00 00 00 00 00").r.int64("n") == INT64_MIN);
  CHECK(Doc("02 08 7f ff ff ff ff ff ff ff").r.int64("n") == INT64_MAX);
  CHECK(Doc("02 01 ff").r.int64("n") == -1);
  CHECK(Doc("02 02 ff 7f").r.int64("n") == -129);
  CHECK(Doc("02 02 00 80").r.int64("n") == 128);
  CHECK(fault([] { Doc d("02 09 00 80 00 00 00 00 00 00 00"); (void)d.r.int64("n"); }).offset == 0);  // 2^63
  CHECK(fault([] { Doc d("02 09 ff 7f ff ff ff ff ff ff ff"); (void)d.r.int64("n"); }).offset == 0);  // -2^63-1
  const auto f = fault([] { Doc d("02 02 00 05"); (void)d.r.int64("n"); });
  CHECK(f.der_only);
  CHECK(fault([] { Doc d("02 02 ff 85"); (void)d.r.int64("n"); }).der_only);
}

TEST_CASE("der: integer_bytes() -- the minimal two's complement form (X.690 §8.3.2)") {
  // Each INTEGER is followed by NULL (05 00) so that nothing past its contents decides.
  auto ok = [](const char* h, const char* want) {
    CAPTURE(h);
    Doc d(h);
    CHECK(B(d.r.integer_bytes("n")) == hx(want));
    d.r.null("x");
    d.r.finish();
  };
  ok("02 02 00 80 05 00", "00 80");
  ok("02 02 ff 7f 05 00", "ff 7f");
  ok("02 01 00 05 00", "00");
  ok("02 01 ff 05 00", "ff");
  ok("02 01 80 05 00", "80");
  ok("02 03 00 ff 00 05 00", "00 ff 00");
  auto bad = [](const char* h) {
    CAPTURE(h);
    const auto f = fault([&] { Doc d(h, true, 3); (void)d.r.integer_bytes("n"); });
    CHECK(f.offset == 3);
    CHECK(f.der_only);
  };
  bad("02 02 00 7f 05 00");
  bad("02 02 00 00 05 00");
  bad("02 02 ff 80 05 00");
  bad("02 02 ff ff 05 00");
  CHECK(B(Doc("02 02 00 7f", false).r.integer_bytes("n")) == hx("00 7f"));
  CHECK(B(Doc("02 02 ff 80", false).r.integer_bytes("n")) == hx("ff 80"));
  CHECK(fault([] { Doc d("02 00 05 00"); (void)d.r.integer_bytes("n"); }).offset == 0);
}

TEST_CASE("der: boolean() -- one octet, TRUE is FF in DER (X.690 §11.1); null() is empty (§8.8)") {
  {
    Doc d("01 01 00 02 01 05");
    CHECK_FALSE(d.r.boolean("b"));
    CHECK(d.r.uint("n") == 5);
    d.r.finish();
  }
  {
    Doc d("01 01 ff 02 01 05");
    CHECK(d.r.boolean("b"));
    CHECK(d.r.uint("n") == 5);
    d.r.finish();
  }
  {
    const auto f = fault([] { Doc d("01 01 01 00 00", true, 5); (void)d.r.boolean("b"); });
    CHECK(f.offset == 5);
    CHECK(f.der_only);
    CHECK(Doc("01 01 01", false).r.boolean("b"));
    CHECK_FALSE(Doc("01 01 00", false).r.boolean("b"));
  }
  CHECK(fault([] { Doc d("01 02 ff ff"); (void)d.r.boolean("b"); }).offset == 0);
  CHECK(fault([] { Doc d("01 00 ff"); (void)d.r.boolean("b"); }).offset == 0);
  {
    Doc d("05 00");
    d.r.null("n");
    d.r.finish();
  }
  CHECK(fault([] { Doc d("05 01 00"); d.r.null("n"); }).offset == 0);
}

// ---- ber_check --------------------------------------------------------------------------

TEST_CASE("der: ber_check accepts BER (X.690 §8) and names the offset of what is wrong") {
  auto okay = [](const std::string& h, int depth = 64) {
    CAPTURE(h);
    const auto f = der::ber_check(hx(h), depth);
    CHECK_FALSE(f.has_value());
  };
  okay("30 00");
  okay("30 80 02 01 05 00 00");  // indefinite length, constructed
  okay("1e 02 00 41");           // universal tag 30
  okay("04 84 00 00 00 01 41");  // non-minimal length is BER
  okay("04 81 05 41 41 41 41 41");
  okay("04 7f" + rep("41", 127));
  okay("30 00", 1);
  okay("30 02 30 00", 2);
  auto at = [](const std::string& h, std::size_t off, const char* part = "", int depth = 64) {
    CAPTURE(h);
    const auto f = der::ber_check(hx(h), depth);
    REQUIRE(f.has_value());
    CHECK(f->offset == off);
    CHECK(has(f->message, part));
  };
  at("30 02 30 00", 2, "", 1);  // nested deeper than 1
  at("1f 01 00", 0);            // high tag number
  at("30 03 05 00 3f", 4);
  at("02", 0);                  // no length octet
  at("30 01 02 00", 2);
  at("04 ff 00", 1, "reserved");  // X.690 §8.1.3.5 c)
  at("04 85 00 00 00 00 01 41", 1);
  at("04 80 41 00 00", 1);        // indefinite length on a primitive value (§8.1.3.2 a)
  at("04 82 01", 1);              // truncated length field
  at("30 03 04 82 01 00", 3);
  at("30 02 04 05 41 41 41 41 41", 2, "exceeds");
  at("30 02 04 01 41 41", 2, "exceeds");
  at("30 00 00", 2);
  at("30 80 02 01 05", 5);        // indefinite value without end-of-contents
}

// ---- writing ----------------------------------------------------------------------------

TEST_CASE("der: put_int64 writes the minimal two's complement (as asn1crypto's Integer(v).dump())") {
  const std::pair<std::int64_t, const char*> cases[] = {
      {0, "020100"},           {1, "020101"},           {127, "02017f"},
      {128, "02020080"},       {255, "020200ff"},       {256, "02020100"},
      {-1, "0201ff"},          {-128, "020180"},        {-129, "0202ff7f"},
      {-256, "0202ff00"},      {-32768, "02028000"},    {-32769, "0203ff7fff"},
      {INT64_MAX, "02087fffffffffffffff"}, {INT64_MIN, "02088000000000000000"},
      {2147483647, "02047fffffff"},        {-2147483648LL, "020480000000"},
  };
  for (const auto& [v, h] : cases) {
    CAPTURE(v);
    CHECK(der::encode([&](der::Sink& s) { der::put_int64(s, v); }) == hx(h));
  }
}

TEST_CASE("der: SET OF is written in X.690 §11.6 order; encoding_less is that strict order") {
  const Bytes a = hx("02 01 05"), b = hx("02 01 03"), c = hx("04 02 41 42");
  CHECK(der::encode([&](der::Sink& s) { der::set_of(s, {a, c, b}); }) == hx("31 0a 02 01 03 02 01 05 04 02 41 42"));
  CHECK(der::encoding_less(b, a));
  CHECK_FALSE(der::encoding_less(a, b));
  CHECK_FALSE(der::encoding_less(a, a));  // irreflexive (std::sort needs a strict weak order)
  CHECK(der::encoding_less(hx("02"), hx("02 00")));  // a prefix sorts first
  CHECK_FALSE(der::encoding_less(hx("02 00"), hx("02")));
  // many equal elements (SET OF may repeat a value): sorted without harm
  std::vector<Bytes> same(40, a);
  Bytes want = hx("31 78");
  for (int i = 0; i < 40; ++i) want.insert(want.end(), a.begin(), a.end());
  CHECK(der::encode([&](der::Sink& s) { der::set_of(s, same); }) == want);
}

// ---- zlib -------------------------------------------------------------------------------

namespace {
// python3: zlib.compress(b'A' * 100, 9)
const char* const z_a100 = "78da7374a43d000002e91965";
#if defined(__GLIBC__)
std::size_t heap_in_use() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;
}
#endif
}  // namespace

TEST_CASE("fwpkg zlib_inflate: the bound is on the output -- exactly max_out bytes pass (RFC 1950)") {
  const Bytes z = hx(z_a100);
  const auto full = fwpkg::zlib_inflate(z, 100);
  REQUIRE(full.status == fwpkg::Inflated::Status::ok);
  CHECK(full.data == Bytes(100, 'A'));
  CHECK(fwpkg::zlib_inflate(z, 99).status == fwpkg::Inflated::Status::too_large);
}

TEST_CASE("fwpkg zlib_deflate: an RFC 1950 level-9 stream that inflates back to the input") {
  for (const Bytes& in : {Bytes{}, Bytes{'a', 'b', 'c'}, Bytes(100, 'A'), Bytes(5000, 0x5A)}) {
    CAPTURE(in.size());
    const Bytes z = fwpkg::zlib_deflate(in);
    REQUIRE(z.size() >= 6);
    CHECK(z[0] == 0x78);             // CM 8 (deflate), CINFO 7 (32K window)
    CHECK((z[1] >> 6) == 3);         // FLEVEL 3: maximum compression (level 9)
    CHECK((z[0] * 256 + z[1]) % 31 == 0);  // FCHECK
    const auto back = fwpkg::zlib_inflate(z, in.size());
    CHECK(back.status == fwpkg::Inflated::Status::ok);
    CHECK(back.data == in);
  }
  CHECK(fwpkg::zlib_deflate(Bytes(100, 'A')).size() == hx(z_a100).size());
}

#if defined(__GLIBC__)
TEST_CASE("fwpkg zlib_inflate: zlib's state is released on every path (no memory kept per call)") {
  const Bytes z = hx(z_a100);
  (void)fwpkg::zlib_inflate(z, 100);
  (void)fwpkg::zlib_inflate(z, 10);
  const std::size_t before = heap_in_use();
  for (int i = 0; i < 256; ++i) {
    (void)fwpkg::zlib_inflate(z, 100);  // ok
    (void)fwpkg::zlib_inflate(z, 10);   // too large
  }
  // zlib's inflate state alone is ~7 KiB: 256 calls on one path would keep ~1.8 MiB
  CHECK(heap_in_use() < before + (512u << 10));
}
#endif

}  // namespace LOCKREF_UNITY_ID
