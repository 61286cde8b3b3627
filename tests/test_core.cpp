// Core utilities: hex, bounds-checked reader, reflection-driven JSON.
#include <doctest/doctest.h>

#include "lockref/core/bytes.hpp"
#include "lockref/core/encode.hpp"
#include "lockref/core/json.hpp"
#include "lockref/lock/epoch.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

TEST_CASE("core: hex round trip and precise errors") {
  auto b = from_hex("0x00 1f:A0_ff");
  REQUIRE(b.ok());
  CHECK(*b == Bytes{0x00, 0x1f, 0xa0, 0xff});
  CHECK(to_hex(*b) == "001fa0ff");
  CHECK(from_hex("abc").error().message == "hex: odd number of digits");
  CHECK(from_hex("zz").error().message.find("invalid character 'z' at offset 0") != std::string::npos);
  CHECK(!from_hex_fixed<4>("0102").ok());
}

TEST_CASE("core: reader never reads past the end") {
  const Bytes d{1, 2, 3};
  Reader r(d, "mailbox");
  CHECK(*r.le(2) == 0x0201);
  auto bad = r.be(2);
  REQUIRE(!bad.ok());
  CHECK(bad.error().message == "mailbox: truncated at offset 2: need 2 byte(s), 1 left");
  CHECK(*r.be(1) == 3);
  CHECK(r.empty());
  CHECK(!r.take(1).ok());
  // peek looks at the next byte without taking it, the last one too
  Reader q(d, "mailbox");
  REQUIRE(q.take(2).ok());
  REQUIRE(q.peek().ok());
  CHECK(*q.peek() == 3);
  CHECK(*q.be(1) == 3);
  CHECK(q.peek().error().message == "mailbox: truncated at offset 3: need 1 byte(s), 0 left");
}

TEST_CASE("core: json codec is strict and names the path") {
  using namespace lockref::lock::epoch;
  auto e = from_json<Event>(Json::parse(R"({"type":"program_next_hek","slot":2})"));
  REQUIRE(e.ok());
  REQUIRE(std::holds_alternative<ProgramNextHek>(*e));
  CHECK(std::get<ProgramNextHek>(*e).slot == std::optional<std::uint16_t>(2));
  CHECK(!std::get<ProgramNextHek>(*e).interrupted);
  CHECK(from_json<Event>(Json::parse(R"({"type":"program_next_hek","slto":2})")).error().message ==
        "unknown field \"slto\"");
  CHECK(from_json<Event>(Json::parse(R"({"type":"program_next_hek","slot":70000})")).error().message ==
        "slot: expected unsigned integer 0..65535, got 70000");
  CHECK(from_json<Event>(Json::parse(R"({"type":"cold_reset","x":1})")).error().message == "cold_reset takes no fields");
  CHECK(from_json<Event>(Json::parse(R"({"type":"reboot"})")).error().message.starts_with("type: unknown \"reboot\""));
  auto st = from_json<State>(Json::parse(R"({"slots":["blank","bogus"]})"));
  CHECK(st.error().message.starts_with("slots[1]: unknown value \"bogus\""));
  // round trip
  State s{Lifecycle::production, {Slot::zeroized, Slot::randomized, Slot::blank, Slot::blank}, PermaHek::unset,
          Sek::programmed};
  CHECK(to_json(s).dump() ==
        R"({"lifecycle":"production","slots":["zeroized","randomized","blank","blank"],"perma_hek":"unset","sek":"SEK_PROGRAMMED"})");
  CHECK(*from_json<State>(to_json(s)) == s);
  // a struct is a JSON object: an empty array or a number is not a profile with every default
  CHECK(from_json<Profile>(Json::array()).error().message == "expected object, got array");
  CHECK(from_json<Profile>(Json(4)).error().message == "expected object, got number");
  CHECK(from_json<Profile>(Json::object()).value() == Profile{});
  // json_at: the value at a first_difference path; a path the value does not have is no
  // value (a divergence's before_value stays empty)
  const Json m = Json::parse(R"({"credentials":[{"name":"SID","tries":2},{"name":"PSID","tries":0}],"locked":false})");
  CHECK(json_at(m, "credentials[1].tries") == Json(0));
  CHECK(json_at(m, "locked") == Json(false));
  CHECK_FALSE(json_at(m, "credentials[2].tries"));
  CHECK_FALSE(json_at(m, "credentials[7]"));
  CHECK_FALSE(json_at(m, "locked[0]"));
  CHECK_FALSE(json_at(m, "credentials.name"));
  CHECK_FALSE(json_at(m, "missing"));
}


TEST_CASE("core: InlineString reads as a string: value equality, std::string order, JSON and encoding") {
  using S = lockref::InlineString<8>;
  S a = "abcdefgh";
  a = "ab";  // shorter after longer: the stale bytes past the length must not count
  CHECK(a == S("ab"));
  CHECK(a == std::string("ab"));
  CHECK(a == std::string_view("ab"));
  CHECK(a.size() == 2);
  const std::vector<std::string> words{"", "a", "ab", "abc", "b", "ba", "zzzzzzzz"};
  for (const auto& x : words)
    for (const auto& y : words) {
      INFO(x << " vs " << y);
      CHECK(((S(x) <=> S(y)) == (x <=> y)));
      CHECK((S(x) == S(y)) == (x == y));
      CHECK(lockref::encode(S(x)) == lockref::encode(x));  // same bytes as std::string's encoding
    }
  CHECK_THROWS_AS(S("123456789"), std::length_error);
  CHECK(lockref::to_json(S("pin")) == lockref::Json("pin"));
  CHECK(*lockref::from_json<S>(lockref::Json("12345678")) == "12345678");
  const auto too_long = lockref::from_json<S>(lockref::Json("123456789"));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message == "expected a string of at most 8 bytes, got 9");
  CHECK_FALSE(lockref::from_json<S>(lockref::Json(7)));
  CHECK(*lockref::decode<S>(lockref::encode(std::string("abc"))) == "abc");
  CHECK_FALSE(lockref::decode<S>(lockref::encode(std::string("123456789"))));  // longer than 8: malformed
}

TEST_CASE("core: the canonical encoding of vectors and optionals, and every truncation refused") {
  // The format of core/encode.hpp's header: a vector is a varint count, then its elements; an
  // optional is 0, or 1 then the value; integers are LEB128 (300 = 0xac 0x02).
  using V = std::vector<std::optional<std::uint32_t>>;
  const V v{1u, std::nullopt, 300u, 0u};
  const std::string e = lockref::encode(v);
  CHECK(e == std::string("\x04\x01\x01\x00\x01\xac\x02\x01\x00", 9));
  const auto back = lockref::decode<V>(e);
  REQUIRE(back);
  CHECK(*back == v);
  for (std::size_t cut = 0; cut < e.size(); ++cut) CHECK_MESSAGE(!lockref::decode<V>(e.substr(0, cut)), "prefix of " << cut);
  CHECK_FALSE(lockref::decode<std::optional<std::uint32_t>>(""));  // the flag is missing
  CHECK_FALSE(lockref::decode<std::optional<std::uint32_t>>(std::string("\x02\x01", 2)));  // a flag is 0 or 1
  const auto trailing = lockref::decode<V>(e + '\0');
  REQUIRE_FALSE(trailing);
  CHECK(trailing.error().message == "encoding: 1 trailing byte(s)");
}

}  // namespace LOCKREF_UNITY_ID
