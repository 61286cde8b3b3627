// Core utilities: hex, bounds-checked reader, reflection-driven JSON.
#include <doctest/doctest.h>

#include "lockref/core/bytes.hpp"
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
}

}  // namespace LOCKREF_UNITY_ID
