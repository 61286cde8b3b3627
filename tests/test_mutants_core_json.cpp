// core/json.hpp, the Hana-reflected JSON codec every eval request, profile, state and mailbox
// table goes through: its documented contract, path by path, for the whole-domain mutation run
// of core (Run BA, spec/mutation/report.md). The real models never take some of its paths (no
// member is named like an error message, few use signed integers or u32[N]), so these tests
// declare small reflected types of their own.
// Where the expected values come from:
//   - the header's comment: bool/integers as JSON booleans/numbers range-checked on decode,
//     NamedEnum as its name, Bytes and u8[N] as lowercase hex, vectors as arrays, an optional as
//     its value or absent/null, a struct as an object with one key per member, a variant as an
//     object with "type" first, strict decoding ("unknown keys, wrong types and out-of-range
//     numbers are errors naming the path"), absent members keep their default;
//   - struct_from_json's comment on paths ("hek_metadata.total_slots: ...", "slots[2]: ..."):
//     a nested member's error reads "outer.inner: ...", an element's "outer[i]: ...", any other
//     error of a nested value "outer: ...";
//   - the error texts the decoders spell out (range "unsigned integer 0..255", the JSON kind
//     names "number", "string", "array", "object", "boolean", "null" of nlohmann's type_name());
//   - parse_json's comment: "not valid JSON (byte N)", N the 1-based position where the text
//     stops being JSON (/usr/bin/python3: json.loads('[1,]') fails at char 3, 0-based, so byte 4;
//     json.loads('[] [[]]') "Extra data" at char 3, so byte 4), and nesting deeper than max_depth
//     refused before parsing at the byte that opens the level too many (counted by hand);
//     brackets inside JSON strings are text, not nesting (python3 json.loads('["\\"[[["]') ==
//     ['"[[[']);
//   - first_difference / json_at: their comments (paths "a.b", "[1]", "xs.length"; nullopt for a
//     side with no such key; left_subset lets the left leave keys out);
//   - hex texts: Python's bytes.hex() (bytes([0xab, 0x01]).hex() == "ab01"); compact JSON texts:
//     json.dumps(..., separators=(',', ':')) with the keys in declaration order.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/json.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {

enum class Color : std::uint8_t { red = 1, green = 2, blue = 3 };
constexpr auto enum_names(Color) {
  return std::array{EnumName{Color::red, "RED"}, EnumName{Color::green, "GREEN"}, EnumName{Color::blue, "BLUE"}};
}

/// A member named like the start of an error message ("unknown field ..."), and one 15 bytes
/// long (as long as `unknown field "`): a path prefix must be a whole member name followed by
/// ':', '.' or '['. x defaults to 9: an absent member keeps it.
struct Leaf {
  BOOST_HANA_DEFINE_STRUCT(Leaf, (std::uint8_t, x), (std::vector<std::uint16_t>, v), (std::uint8_t, unknown),
                           (std::uint8_t, a_long_member_x));
  Leaf() : x(9), v{}, unknown(0), a_long_member_x(0) {}
  friend bool operator==(const Leaf&, const Leaf&) = default;
};

struct Mid {
  BOOST_HANA_DEFINE_STRUCT(Mid, (Leaf, leaf), (std::optional<Leaf>, maybe));
  friend bool operator==(const Mid&, const Mid&) = default;
};

struct Top {
  BOOST_HANA_DEFINE_STRUCT(Top, (Mid, mid));
};

struct Signed {
  BOOST_HANA_DEFINE_STRUCT(Signed, (std::int8_t, a), (std::int16_t, b));
  friend bool operator==(const Signed&, const Signed&) = default;
};

// A variant: "ping" has no members, "set" and "put" have some.
struct Ping {
  static constexpr std::string_view tag = "ping";
};
struct Set {
  static constexpr std::string_view tag = "set";
  BOOST_HANA_DEFINE_STRUCT(Set, (std::uint8_t, slot), (Color, color));
};
struct Put {
  static constexpr std::string_view tag = "put";
  BOOST_HANA_DEFINE_STRUCT(Put, (Bytes, data), (std::optional<std::uint16_t>, len));
};
using Cmd = std::variant<Ping, Set, Put>;

Json J(const char* text) { return Json::parse(text); }

template <class T>
std::string error_of(const Json& j) {
  auto r = from_json<T>(j);
  return r ? std::string("(ok)") : r.error().message;
}

std::string error_of_parse(std::string_view text, std::size_t max_depth = 256) {
  auto r = parse_json(text, max_depth);
  return r ? std::string("(ok)") : r.error().message;
}

}  // namespace

TEST_CASE("json: scalars decode strictly, with the range or kind in the error") {
  CHECK(from_json<bool>(J("true")).value() == true);
  CHECK(from_json<bool>(J("false")).value() == false);
  CHECK(error_of<bool>(J("1")) == "expected boolean, got number");

  CHECK(from_json<Color>(J(R"("GREEN")")).value() == Color::green);
  CHECK(error_of<Color>(J("2")) == "expected one of RED, GREEN or BLUE, got number");
  CHECK(error_of<Color>(J(R"("PURPLE")")) == "unknown value \"PURPLE\" (expected RED, GREEN or BLUE)");
  CHECK(to_json(Color::blue) == Json("BLUE"));

  CHECK(from_json<std::string>(J(R"("hi")")).value() == "hi");
  CHECK(error_of<std::string>(J("1")) == "expected string, got number");
  using S4 = InlineString<4>;
  CHECK(from_json<S4>(J(R"("abcd")")).value() == "abcd");  // exactly the capacity
  CHECK(error_of<S4>(J(R"("abcde")")) == "expected a string of at most 4 bytes, got 5");
  CHECK(error_of<S4>(J("[]")) == "expected string, got array");
}

TEST_CASE("json: unsigned integers: every value of the type, nothing outside it") {
  // Parsed non-negative numbers are JSON unsigned numbers; negative ones signed.
  CHECK(from_json<std::uint8_t>(J("0")).value() == 0);
  CHECK(from_json<std::uint8_t>(J("255")).value() == 255);
  CHECK(error_of<std::uint8_t>(J("256")) == "expected unsigned integer 0..255, got 256");
  CHECK(error_of<std::uint8_t>(J("-1")) == "expected unsigned integer 0..255, got -1");
  CHECK(error_of<std::uint8_t>(J("1.5")) == "expected unsigned integer 0..255, got number");
  CHECK(error_of<std::uint8_t>(J("true")) == "expected unsigned integer 0..255, got boolean");
  CHECK(from_json<std::uint64_t>(J("18446744073709551615")).value() == std::numeric_limits<std::uint64_t>::max());
  CHECK(from_json<std::uint32_t>(J("4294967295")).value() == 4294967295u);
  // A JSON value built in code from a signed C++ integer (what to_json gives for one) decodes too.
  CHECK(from_json<std::uint8_t>(Json(5)).value() == 5);
  CHECK(from_json<std::uint8_t>(Json(0)).value() == 0);
  CHECK(from_json<std::uint8_t>(Json(255)).value() == 255);
  CHECK(error_of<std::uint8_t>(Json(256)) == "expected unsigned integer 0..255, got 256");
  CHECK(error_of<std::uint8_t>(Json(-1)) == "expected unsigned integer 0..255, got -1");
}

TEST_CASE("json: signed integers: both ends of the range, from text and from to_json") {
  CHECK(from_json<std::int8_t>(J("-128")).value() == -128);
  CHECK(from_json<std::int8_t>(J("-5")).value() == -5);
  CHECK(from_json<std::int8_t>(J("127")).value() == 127);
  CHECK(error_of<std::int8_t>(J("-129")) == "expected integer -128..127, got -129");
  CHECK(error_of<std::int8_t>(J("128")) == "expected integer -128..127, got 128");
  CHECK(error_of<std::int8_t>(Json(200)) == "expected integer -128..127, got 200");
  CHECK(from_json<std::int64_t>(J("-9223372036854775808")).value() == std::numeric_limits<std::int64_t>::min());
  // to_json of a signed member gives a signed JSON number, whatever its sign: it reads back.
  for (const Signed s : {Signed{127, 0}, Signed{0, 32767}, Signed{-128, -32768}, Signed{5, 7}}) {
    INFO(int(s.a) << " " << s.b);
    const Json j = to_json(s);
    CHECK(j == Json::object({{"a", int(s.a)}, {"b", int(s.b)}}));
    auto back = from_json<Signed>(j);
    REQUIRE(back);
    CHECK(*back == s);
  }
}

TEST_CASE("json: bytes are lowercase hex, u32[N] a JSON array of exactly N numbers") {
  CHECK(to_json(Bytes{0xab, 0x01}) == Json("ab01"));  // bytes([0xab, 0x01]).hex()
  CHECK(from_json<Bytes>(J(R"("00FF")")).value() == Bytes{0x00, 0xff});
  CHECK(error_of<Bytes>(J("1")) == "expected hex string, got number");
  using A2 = std::array<std::uint8_t, 2>;
  CHECK(from_json<A2>(J(R"("0a0b")")).value() == A2{0x0a, 0x0b});
  CHECK(to_json(A2{0xc0, 0xde}) == Json("c0de"));
  CHECK(error_of<A2>(J("1")) == "expected hex string, got number");
  CHECK(error_of<A2>(J(R"("0a")")) == "expected 2 bytes, got 1");

  using W2 = std::array<std::uint32_t, 2>;
  CHECK(from_json<W2>(J("[1,4294967295]")).value() == W2{1, 4294967295u});
  CHECK(to_json(W2{1, 4294967295u}) == J("[1,4294967295]"));
  CHECK(error_of<W2>(J("[1]")) == "expected array of 2 integers");
  CHECK(error_of<W2>(J("[1,2,3]")) == "expected array of 2 integers");
  CHECK(error_of<W2>(J(R"("12")")) == "expected array of 2 integers");
  CHECK(error_of<W2>(J(R"({"a":1,"b":2})")) == "expected array of 2 integers");
  CHECK(error_of<W2>(J("[1,-1]")) == "[1]: expected unsigned integer 0..4294967295, got -1");
}

TEST_CASE("json: vectors and optionals") {
  using V = std::vector<std::uint16_t>;
  CHECK(from_json<V>(J("[1,2,65535]")).value() == V{1, 2, 65535});
  CHECK(from_json<V>(J("[]")).value().empty());
  CHECK(error_of<V>(J("{}")) == "expected array, got object");
  CHECK(error_of<V>(J("5")) == "expected array, got number");
  CHECK(error_of<V>(J(R"([1,"a"])")) == "[1]: expected unsigned integer 0..65535, got string");
  CHECK(to_json(V{3, 4}) == J("[3,4]"));

  using O = std::optional<std::uint16_t>;
  CHECK(from_json<O>(J("null")).value() == std::nullopt);
  CHECK(from_json<O>(J("5")).value() == O(5));
  CHECK(error_of<O>(J(R"("x")")) == "expected unsigned integer 0..65535, got string");
  CHECK(error_of<O>(J("70000")) == "expected unsigned integer 0..65535, got 70000");
  CHECK(to_json(O{}) == Json(nullptr));
  CHECK(to_json(O(6)) == Json(6));
}

TEST_CASE("json: a struct is an object: members by name, absent ones keep their default") {
  Leaf l;
  l.x = 1;
  l.v = {2, 3};
  l.unknown = 4;
  l.a_long_member_x = 5;
  const Json j = to_json(l);
  CHECK(j.dump() == R"({"x":1,"v":[2,3],"unknown":4,"a_long_member_x":5})");
  auto back = from_json<Leaf>(j);
  REQUIRE(back);
  CHECK(*back == l);
  // Key order in the text does not matter; absent members keep the default (x is 9).
  auto partial = from_json<Leaf>(J(R"({"a_long_member_x":7,"unknown":6})"));
  REQUIRE(partial);
  CHECK(partial->x == 9);
  CHECK(partial->v.empty());
  CHECK(partial->unknown == 6);
  CHECK(partial->a_long_member_x == 7);
  CHECK(from_json<Leaf>(J("{}")).value() == Leaf{});
  // Not an object: refused, not read as every default.
  CHECK(error_of<Leaf>(J("[]")) == "expected object, got array");
  CHECK(error_of<Leaf>(J("3")) == "expected object, got number");
  // Unknown keys are refused; "type" is only a key of variant alternatives.
  CHECK(error_of<Leaf>(J(R"({"x":1,"xx":2})")) == "unknown field \"xx\"");
  CHECK(error_of<Leaf>(J(R"({"type":"leaf"})")) == "unknown field \"type\"");
  // The first member (declaration order) that does not decode is the one reported.
  CHECK(error_of<Leaf>(J(R"({"unknown":300,"x":256})")) == "x: expected unsigned integer 0..255, got 256");
  CHECK(error_of<Leaf>(J(R"({"x":"a"})")) == "x: expected unsigned integer 0..255, got string");
  // An optional member that is empty is left out; null reads as empty.
  Mid m;
  m.leaf.x = 2;
  CHECK(to_json(m).dump() == R"({"leaf":{"x":2,"v":[],"unknown":0,"a_long_member_x":0}})");
  m.maybe = Leaf{};
  CHECK(to_json(m).dump() ==
        R"({"leaf":{"x":2,"v":[],"unknown":0,"a_long_member_x":0},"maybe":{"x":9,"v":[],"unknown":0,"a_long_member_x":0}})");
  CHECK(*from_json<Mid>(to_json(m)) == m);
  auto none = from_json<Mid>(J(R"({"maybe":null})"));
  REQUIRE(none);
  CHECK_FALSE(none->maybe.has_value());
  CHECK(member_names<Leaf>() == std::vector<std::string>{"x", "v", "unknown", "a_long_member_x"});
  CHECK(member_names<Mid>() == std::vector<std::string>{"leaf", "maybe"});
}

TEST_CASE("json: errors in nested values read as paths") {
  // A member of a member: "leaf.x"; two levels: "mid.leaf.x"; an element: "leaf.v[1]".
  CHECK(error_of<Mid>(J(R"({"leaf":{"x":300}})")) == "leaf.x: expected unsigned integer 0..255, got 300");
  CHECK(error_of<Mid>(J(R"({"maybe":{"x":300}})")) == "maybe.x: expected unsigned integer 0..255, got 300");
  CHECK(error_of<Top>(J(R"({"mid":{"leaf":{"x":300}}})")) == "mid.leaf.x: expected unsigned integer 0..255, got 300");
  CHECK(error_of<Mid>(J(R"({"leaf":{"v":[1,70000]}})")) == "leaf.v[1]: expected unsigned integer 0..65535, got 70000");
  CHECK(error_of<Top>(J(R"({"mid":{"leaf":{"v":[1,70000]}}})")) ==
        "mid.leaf.v[1]: expected unsigned integer 0..65535, got 70000");
  // Any other error of the nested value is "member: message", even when the message starts
  // with a member's name ("unknown") or has ':' where a 15-byte member name would end.
  CHECK(error_of<Mid>(J(R"({"leaf":{"zz":1}})")) == "leaf: unknown field \"zz\"");
  CHECK(error_of<Mid>(J(R"({"leaf":{":z":1}})")) == "leaf: unknown field \":z\"");
  CHECK(error_of<Mid>(J(R"({"leaf":{".z":1}})")) == "leaf: unknown field \".z\"");
  CHECK(error_of<Mid>(J(R"({"leaf":{"[z":1}})")) == "leaf: unknown field \"[z\"");
  CHECK(error_of<Mid>(J(R"({"leaf":[]})")) == "leaf: expected object, got array");
  CHECK(error_of<Top>(J(R"({"mid":{"leaf":5}})")) == "mid.leaf: expected object, got number");
  // The member that decodes is kept, the path names the one that does not.
  CHECK(error_of<Mid>(J(R"({"leaf":{"x":1},"maybe":{"unknown":256}})")) ==
        "maybe.unknown: expected unsigned integer 0..255, got 256");
  CHECK(error_of<Mid>(J(R"({"leaf":{"a_long_member_x":-1}})")) ==
        "leaf.a_long_member_x: expected unsigned integer 0..255, got -1");
}

TEST_CASE("json: a variant is an object with \"type\" and that alternative's members") {
  CHECK(to_json(Cmd{Set{3, Color::blue}}).dump() == R"({"type":"set","slot":3,"color":"BLUE"})");
  CHECK(to_json(Cmd{Ping{}}).dump() == R"({"type":"ping"})");
  CHECK(to_json(Cmd{Put{Bytes{0xab}, std::nullopt}}).dump() == R"({"type":"put","data":"ab"})");
  CHECK(to_json(Cmd{Put{Bytes{0xab}, 7}}).dump() == R"({"type":"put","data":"ab","len":7})");

  auto set = from_json<Cmd>(J(R"({"type":"set","slot":3,"color":"GREEN"})"));
  REQUIRE(set);
  REQUIRE(std::holds_alternative<Set>(*set));
  CHECK(std::get<Set>(*set).slot == 3);
  CHECK(std::get<Set>(*set).color == Color::green);
  auto put = from_json<Cmd>(J(R"({"data":"0001","len":null,"type":"put"})"));
  REQUIRE(put);
  REQUIRE(std::holds_alternative<Put>(*put));
  CHECK(std::get<Put>(*put).data == Bytes{0x00, 0x01});
  CHECK_FALSE(std::get<Put>(*put).len.has_value());
  auto put2 = from_json<Cmd>(J(R"({"type":"put","len":2})"));
  REQUIRE(put2);
  REQUIRE(std::holds_alternative<Put>(*put2));
  CHECK(std::get<Put>(*put2).len == std::optional<std::uint16_t>(2));
  auto ping = from_json<Cmd>(J(R"({"type":"ping"})"));
  REQUIRE(ping);
  CHECK(std::holds_alternative<Ping>(*ping));

  CHECK(error_of<Cmd>(J(R"({"type":"ping","x":1})")) == "ping takes no fields");
  CHECK(error_of<Cmd>(J(R"({"type":"set","slot":3,"bogus":1})")) == "unknown field \"bogus\"");
  CHECK(error_of<Cmd>(J(R"({"type":"set","slot":300})")) == "slot: expected unsigned integer 0..255, got 300");
  CHECK(error_of<Cmd>(J(R"({"type":"put","len":"x"})")) == "len: expected unsigned integer 0..65535, got string");
  CHECK(error_of<Cmd>(J(R"({"type":"pong"})")) == "type: unknown \"pong\" (expected one of: ping, set, put)");
  CHECK(error_of<Cmd>(J("[1]")) == "expected object with \"type\", got array");
  CHECK(error_of<Cmd>(J(R"({"slot":1})")) == "missing \"type\" string");
  CHECK(error_of<Cmd>(J(R"({"type":5})")) == "missing \"type\" string");
}

TEST_CASE("json: field reads one key with a message naming it") {
  CHECK(field<std::uint8_t>(J(R"({"a":7,"b":8})"), "b").value() == 8);
  auto err = [](const Json& j, const char* key) {
    auto r = field<std::uint8_t>(j, key);
    return r ? std::string("(ok)") : r.error().message;
  };
  CHECK(err(J("[]"), "a") == "expected object, got array");
  CHECK(err(J(R"({"b":1})"), "a") == "missing field \"a\"");
  CHECK(err(J(R"({"a":300})"), "a") == "a: expected unsigned integer 0..255, got 300");
}

TEST_CASE("json: parse_json refuses bad text by byte and deep nesting before parsing") {
  auto ok = parse_json(R"({"a":[1,2]})");
  REQUIRE(ok);
  CHECK(*ok == Json::object({{"a", Json::array({1, 2})}}));
  CHECK(error_of_parse("[1,]") == "not valid JSON (byte 4)");     // python: char 3 (0-based)
  CHECK(error_of_parse("[] [[]]", 2) == "not valid JSON (byte 4)");  // python: Extra data, char 3
  // Exactly max_depth levels are fine, one more is refused at the byte that opens it.
  CHECK(parse_json("[[1]]", 2));
  CHECK(error_of_parse("[[[1]]]", 2) == "nested deeper than 2 levels (byte 3)");
  CHECK(error_of_parse(R"({"a":{"b":{}}})", 2) == "nested deeper than 2 levels (byte 11)");
  CHECK(error_of_parse(R"(["a",[[1]]])", 2) == "nested deeper than 2 levels (byte 7)");
  // Closing a level frees it: siblings do not add up.
  CHECK(parse_json("[[],[],{},{}]", 2));
  CHECK(parse_json(R"({"a":[],"b":{},"c":[[]]})", 3));
  // Closers with nothing open do not count (the text is refused later, or for nesting).
  CHECK(error_of_parse("]][[[", 2) == "nested deeper than 2 levels (byte 5)");
  CHECK(error_of_parse("}}{{{", 2) == "nested deeper than 2 levels (byte 5)");
  // Brackets inside strings are text, escaped quotes included.
  auto s = parse_json(R"(["[[[{{{"])", 1);
  REQUIRE(s);
  CHECK(*s == Json::array({"[[[{{{"}));
  auto q = parse_json(R"(["\"[[["])", 1);
  REQUIRE(q);
  CHECK(*q == Json::array({"\"[[["}));
  CHECK(error_of_parse(R"(["\\",[1]])", 1) == "nested deeper than 1 levels (byte 7)");
  // The default bound: 256 levels.
  CHECK(parse_json(std::string(256, '[') + std::string(256, ']')));
  CHECK(error_of_parse(std::string(257, '[') + std::string(257, ']')) == "nested deeper than 256 levels (byte 257)");
}

TEST_CASE("json: first_difference walks objects by key and arrays by index") {
  const Json a = J(R"({"a":1,"b":[1,2]})");
  CHECK_FALSE(first_difference(a, a));
  CHECK_FALSE(first_difference(J("3"), J("3")));
  auto is = [](const std::optional<JsonDifference>& d, const std::string& path, const std::optional<Json>& l,
               const std::optional<Json>& r) {
    REQUIRE(d);
    CHECK(d->path == path);
    CHECK(d->left == l);
    CHECK(d->right == r);
  };
  is(first_difference(J(R"({"a":{"b":1}})"), J(R"({"a":{"b":2}})")), "a.b", Json(1), Json(2));
  is(first_difference(J(R"({"a":{"b":1}})"), J(R"({"a":{"b":2}})"), "root"), "root.a.b", Json(1), Json(2));
  is(first_difference(J(R"({"a":1})"), J(R"({"a":1,"b":2})")), "b", std::nullopt, Json(2));
  CHECK_FALSE(first_difference(J(R"({"a":1})"), J(R"({"a":1,"b":2})"), "", true));
  is(first_difference(J(R"({"b":3})"), J(R"({"a":1,"b":2})"), "", true), "b", Json(3), Json(2));
  is(first_difference(J(R"({"a":1,"c":3})"), J(R"({"a":1})")), "c", Json(3), std::nullopt);
  is(first_difference(J(R"({"a":1,"c":3})"), J(R"({"a":1})"), "", true), "c", Json(3), std::nullopt);
  is(first_difference(J("[1,2,3]"), J("[1,5,3]")), "[1]", Json(2), Json(5));
  is(first_difference(J(R"({"xs":[1,2]})"), J(R"({"xs":[1,2,3]})")), "xs.length", Json(2), Json(3));
  is(first_difference(J("[1]"), J("[1,2]")), "length", Json(1), Json(2));
  is(first_difference(J(R"({"a":1})"), J("5")), "", J(R"({"a":1})"), Json(5));
  is(first_difference(J("5"), J(R"({"a":1})")), "", Json(5), J(R"({"a":1})"));
  is(first_difference(J("[1]"), J("1")), "", J("[1]"), Json(1));
  is(first_difference(J("1"), J("[1]")), "", Json(1), J("[1]"));
  is(first_difference(J(R"("x")"), J(R"("y")")), "", Json("x"), Json("y"));
}

TEST_CASE("json: json_at follows a first_difference path") {
  const Json m = J(R"({"credentials":[{"name":"SID","tries":2},{"name":"PSID","tries":0}],"locked":false,"a":{"b":{"c":4}}})");
  CHECK(json_at(m, "") == m);
  CHECK(json_at(m, "locked") == Json(false));
  CHECK(json_at(m, "credentials[1].tries") == Json(0));
  CHECK(json_at(m, "credentials[0]") == J(R"({"name":"SID","tries":2})"));
  CHECK(json_at(m, "a.b.c") == Json(4));
  CHECK(json_at(m, "a.b") == J(R"({"c":4})"));
  CHECK(json_at(J("[[1,2],[3]]"), "[1][0]") == Json(3));
  CHECK(json_at(J("[[1,2],[3]]"), "[0][1]") == Json(2));
  CHECK_FALSE(json_at(m, "credentials[2]"));
  CHECK_FALSE(json_at(m, "credentials[2].tries"));
  CHECK_FALSE(json_at(m, "credentials[1"));
  CHECK_FALSE(json_at(m, "locked[0]"));
  CHECK_FALSE(json_at(m, "credentials.name"));
  CHECK_FALSE(json_at(m, "missing"));
  CHECK_FALSE(json_at(m, "a.x"));
  CHECK_FALSE(json_at(m, "locked.x"));
}

}  // namespace LOCKREF_UNITY_ID
