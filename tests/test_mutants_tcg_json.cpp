// JSON form of TCG values, items and ComPackets (model/lockref/tcg/json.hpp) and the
// Security Protocol 0x02 codec (model/lockref/tcg/sp02.hpp): the refusals, defaults and
// round trips the other tests left open, written to kill the mutants tools/mutate.py found
// surviving. Expected values:
//   - the JSON format is the project's own; its reference is the comment at the top of
//     tcg/json.hpp (Value / Item / ComPacket grammar, "status" defaults to [0,0,0], UIDs
//     are names of tcg/uids.hpp or 16 hex digits) and the comments inside it;
//   - token bytes: TCG Core 2.01 §3.2.2.3.1 (tiny/short/medium/long atoms; F0 Start List,
//     F1 End List, F2 Start Name, F3 End Name, F8 Call, F9 End of Data), and seed 002
//     §3.3.16.2 Table 33 (the Enable Clear All MEKs ComPacket, byte for byte);
//   - Security Protocol 0x02: seed 002 Tables 31-35 (Clear Single MEK / Clear All MEKs
//     request and response) and Table 66 (Get Nonce), with the profile choices the header
//     names (E-KPIO-SP2-1, E-KPIO-SP2-2; TCG Core's ComID-then-ComIDExtension layout).
#include <doctest/doctest.h>

#include "lockref/tcg/json.hpp"
#include "lockref/tcg/sp02.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::tcg;

namespace {
Bytes hx(std::string_view s) { return *from_hex(s); }

// The error message of a result, or "" when it succeeded.
template <class R>
std::string message_of(const R& r) {
  return r ? std::string() : r.error().message;
}

std::string value_message(std::string_view json) { return message_of(value_from_json(Json::parse(json))); }
std::string item_message(std::string_view json) { return message_of(item_from_json(Json::parse(json))); }
std::string compacket_message(std::string_view json) { return message_of(compacket_from_json(Json::parse(json))); }

bool starts(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// What value_from_json refuses a byte string or a value string with.
const std::string not_a_uid = " is neither a UID name of tcg/uids.hpp nor 8 bytes of hex";
const std::string unknown_string = " (byte strings are {\"bytes\":hex} or {\"str\":text})";

// Seed 002 §3.3.16.2 Table 33: the Set call's payload (36 bytes: F8, the KPIOPolicies row
// UID 00 00 12 03 00 00 00 01 and the Set method UID 00 00 00 06 00 00 00 17 as A8 short
// atoms, [ Values = [ 2 = 1 ] ], F9, status list F0 00 00 00 F1) and the whole ComPacket
// (ComID 0x0800, TPerSN 0x1001, HostSN 1, one data subpacket; Lengths 72, 48, 36).
const std::string table33_payload =
    "f8" "a80000120300000001" "a80000000600000017" "f0f201f0f20201f3f1f3f1" "f9" "f0000000f1";
const std::string table33_compacket =
    "00000000" "0800" "0000" "00000000" "00000000" "00000048"
    "00001001" "00000001" "00000000" "0000" "0000" "00000000" "00000030"
    "000000000000" "0000" "00000024" + table33_payload;
}  // namespace

// ---- values -----------------------------------------------------------------------

TEST_CASE("tcg json: integer values: bare numbers, negative sugar, unsigned beyond int64, {\"uint\"} and {\"int\"} checks") {
  // A bare number is an unsigned integer however the JSON was built: a non-negative number
  // made in C++ is signed to nlohmann, the same text parsed is unsigned (json.hpp comment).
  CHECK(*value_from_json(Json(std::int64_t{0})) == Value::of_uint(0));
  CHECK(*value_from_json(Json(std::int64_t{5})) == Value::of_uint(5));
  CHECK(*value_from_json(Json::parse("0")) == Value::of_uint(0));
  // one above INT64_MAX and the largest uint64: still unsigned, not a wrapped negative
  CHECK(*value_from_json(Json::parse("18446744073709551615")) == Value::of_uint(0xFFFFFFFFFFFFFFFFu));
  CHECK(*value_from_json(Json::parse("9223372036854775808")) == Value::of_uint(0x8000000000000000u));
  // "negative numbers (signed)" (input sugar of the header's grammar)
  CHECK(*value_from_json(Json::parse("-5")) == Value::of_int(-5));
  CHECK(*value_from_json(Json(std::int64_t{-1})) == Value::of_int(-1));
  // {"uint": n} takes an unsigned number only, {"int": n} an integer only
  CHECK(value_message(R"({"uint":-1})") == "uint: expected an unsigned integer");
  CHECK(value_message(R"({"uint":"7"})") == "uint: expected an unsigned integer");
  CHECK(value_message(R"({"int":"7"})") == "int: expected an integer");
  CHECK(value_message(R"({"int":1.5})") == "int: expected an integer");
  CHECK(*value_from_json(Json::parse(R"({"int":7})")) == Value::of_int(7));
  CHECK(*value_from_json(Json::parse(R"({"uint":7})")) == Value::of_uint(7));
}

TEST_CASE("tcg json: \"width\" must hold the value, and is kept only where it is not the minimal encoding") {
  // A short atom of w data bytes holds 8w bits (Core 2.01 §3.2.2.3.1): 2^56 needs 8 bytes.
  CHECK(value_message(R"({"uint":72057594037927936,"width":7})") == "width: the value does not fit 7 byte(s)");
  CHECK(value_message(R"({"uint":65536,"width":2})") == "width: the value does not fit 2 byte(s)");
  // signed, 7 bytes: -2^55 fits, -2^55-1 does not
  CHECK(value_message(R"({"int":-36028797018963968,"width":7})").empty());
  CHECK(value_message(R"({"int":-36028797018963969,"width":7})") == "width: the value does not fit 7 byte(s)");
  // 5 is a tiny atom when minimal, so 81 05 (width 1) is genuinely non-minimal: kept
  auto five = value_from_json(Json::parse(R"({"uint":5,"width":1})"));
  REQUIRE(five);
  CHECK(five->width == 1);
  // 255 is minimally the short atom 81 FF, one data byte: width 1 is the minimal form, dropped
  const auto ff = value_from_json(Json::parse(R"({"uint":255,"width":1})"));
  REQUIRE(ff);
  CHECK(*ff == Value::of_uint(255));
  CHECK(ff->width == 0);
  // -128 is minimally the signed short atom 91 80: width 1 dropped; width 2 (92 FF 80) kept
  CHECK(*value_from_json(Json::parse(R"({"int":-128,"width":1})")) == Value::of_int(-128));
  CHECK(value_from_json(Json::parse(R"({"int":-128,"width":2})"))->width == 2);
  // 2^56-1 is minimally 7 data bytes: width 7 dropped
  CHECK(value_from_json(Json::parse(R"({"uint":72057594037927935,"width":7})"))->width == 0);
  // and the encoded tokens are those the width names
  std::vector<Token> ts;
  append_value(ts, *five);
  append_value(ts, *ff);
  CHECK(to_hex(*encode_tokens(ts)) == "8105" "81ff");
}

TEST_CASE("tcg json: value_to_json writes \"width\", \"continued\" and \"form\" only when set, and reads back the same value") {
  Value w = Value::of_int(5);
  w.width = 2;
  CHECK(value_to_json(w) == Json::parse(R"({"int":5,"width":2})"));
  CHECK(value_to_json(Value::of_int(-5)) == Json::parse(R"({"int":-5})"));
  Value uw = Value::of_uint(5);
  uw.width = 3;
  CHECK(value_to_json(uw) == Json::parse(R"({"uint":5,"width":3})"));
  CHECK(value_to_json(Value::of_bytes({0xAB}, true)) == Json::parse(R"({"bytes":"ab","continued":true})"));
  CHECK(value_to_json(Value::of_bytes({0xAB})) == Json::parse(R"({"bytes":"ab"})"));
  Value m = Value::of_bytes({0xAB});
  m.form = AtomForm::medium;
  CHECK(value_to_json(m) == Json::parse(R"({"bytes":"ab","form":"medium"})"));
  Value l = Value::of_bytes({0xAB}, true);
  l.form = AtomForm::long_atom;
  CHECK(value_to_json(l) == Json::parse(R"({"bytes":"ab","continued":true,"form":"long"})"));
  for (const Value& v : {w, Value::of_int(-5), uw, Value::of_bytes({0xAB}, true), m, l}) {
    const auto back = value_from_json(value_to_json(v));
    REQUIRE(back);
    CHECK(*back == v);
  }
}

TEST_CASE("tcg json: value strings, names and uids: \"empty\" is Empty, anything else refused with the part that failed") {
  CHECK(*value_from_json(Json("empty")) == Value::of_empty());
  CHECK(value_message(R"("emptyx")") == "unknown value string \"emptyx\"" + unknown_string);
  CHECK(value_message(R"("ff")") == "unknown value string \"ff\"" + unknown_string);
  // {"name": V, "value": V}: a bad part is named
  CHECK(value_message(R"({"name":"n","value":1})") == "name: unknown value string \"n\"" + unknown_string);
  CHECK(value_message(R"({"name":1,"value":"v"})") == "value: unknown value string \"v\"" + unknown_string);
  CHECK(*value_from_json(Json::parse(R"({"name":1,"value":"empty"})")) == Value::of_name(Value::of_uint(1), Value::of_empty()));
  // {"uid": U}: a name of tcg/uids.hpp (SMUID = 00 00 00 00 00 00 00 FF, KPIO AN Table 3) or 8 bytes
  CHECK(*value_from_json(Json::parse(R"({"uid":"SMUID"})")) == Value::of_bytes(hx("00000000000000ff")));
  CHECK(*value_from_json(Json::parse(R"({"uid":"0000120300000001"})")) == Value::of_bytes(hx("0000120300000001")));
  CHECK(value_message(R"({"uid":"NoSuchUid"})") == "uid: \"NoSuchUid\"" + not_a_uid);
  CHECK(value_message(R"({"uid":"00000000000000"})") == "uid: \"00000000000000\"" + not_a_uid);  // 7 bytes
  CHECK(value_message(R"({"uid":7})") == "uid: expected a UID name or 16 hex digits, got number");
}

TEST_CASE("tcg json: byte strings: hex, \"continued\", and \"form\" within its atom's capacity (Core 2.01 §3.2.2.3.1)") {
  CHECK(value_message(R"({"bytes":5})") == "bytes: expected hex string");
  CHECK(starts(value_message(R"({"bytes":"zz"})"), "bytes: hex: "));
  const auto c = value_from_json(Json::parse(R"({"bytes":"00","continued":true})"));
  REQUIRE(c);
  CHECK(c->continued);
  CHECK(*c == Value::of_bytes({0x00}, true));
  // a short atom holds at most 15 data bytes, a medium one 2047
  const std::string b15 = std::string(30, '1'), b16 = std::string(32, '1');
  CHECK(value_message(R"({"bytes":")" + b16 + R"(","form":"short"})") == "form: short atoms hold at most 15 bytes");
  CHECK(value_message(R"({"bytes":")" + std::string(2 * 2048, 'a') + R"(","form":"medium"})") ==
        "form: medium atoms hold at most 2047 bytes");
  CHECK(value_message(R"({"bytes":")" + std::string(2 * 2047, 'a') + R"(","form":"medium"})").empty());
  // "short" for 0..15 bytes is the minimal form anyway: accepted, and no form is kept
  const auto s15 = value_from_json(Json::parse(R"({"bytes":")" + b15 + R"(","form":"short"})"));
  REQUIRE(s15);
  CHECK(*s15 == Value::of_bytes(hx(b15)));
  CHECK_FALSE(s15->form);
  CHECK(*value_from_json(Json::parse(R"({"bytes":"ab","form":"short"})")) == Value::of_bytes({0xAB}));
  // "medium" and "long" for one byte are non-minimal: kept, and encoded as such
  // (D0 01 AB: medium, B=1; E2 00 00 01 AB: long, B=1)
  const auto lg = value_from_json(Json::parse(R"({"bytes":"ab","form":"long"})"));
  REQUIRE(lg);
  CHECK(lg->form == AtomForm::long_atom);
  const auto md = value_from_json(Json::parse(R"({"bytes":"ab","form":"medium"})"));
  REQUIRE(md);
  std::vector<Token> ts;
  append_value(ts, *md);
  append_value(ts, *lg);
  CHECK(to_hex(*encode_tokens(ts)) == "d001ab" "e2000001ab");
  // a 16-byte string's minimal form is medium: "medium" is dropped there, "long" kept
  CHECK_FALSE(value_from_json(Json::parse(R"({"bytes":")" + b16 + R"(","form":"medium"})"))->form);
  CHECK(value_from_json(Json::parse(R"({"bytes":")" + b16 + R"(","form":"long"})"))->form == AtomForm::long_atom);
  CHECK(value_message(R"({"bytes":"ab","form":"tiny"})") == "form: expected short, medium or long");
  CHECK(value_message(R"({"bytes":"ab","form":"longer"})") == "form: expected short, medium or long");
}

// ---- items --------------------------------------------------------------------------

TEST_CASE("tcg json: an item is {\"call\"}, {\"result\"} or \"end_of_session\"; fields and parts are checked") {
  const std::string expected_item = "expected an item: {\"call\":...}, {\"result\":...} or \"end_of_session\"";
  CHECK(item_message("5") == expected_item);
  CHECK(item_message("[]") == expected_item);
  CHECK(item_message(R"({"result":[],"x":1})") == "unknown field \"x\"");
  CHECK(item_message(R"({"call":5})") == "call: expected object");
  CHECK(item_message(R"({"call":{"invoking":"SMUID","method":"StartSession","x":1}})") == "call: unknown field \"x\"");
  CHECK(item_message(R"({"call":{"invoking":5,"method":"Set"}})") ==
        "call.invoking: expected a UID name or 16 hex digits, got number");
  CHECK(item_message(R"({"call":{"invoking":"0102","method":"Set"}})") == "call.invoking: \"0102\"" + not_a_uid);
  CHECK(item_message(R"({"call":{"invoking":"zz","method":"Set"}})") == "call.invoking: \"zz\"" + not_a_uid);
  CHECK(item_message(R"({"call":{"invoking":"SMUID","method":"Sett"}})") == "call.method: \"Sett\"" + not_a_uid);
  CHECK(item_message(R"({"call":{"invoking":"SMUID","method":"Set","args":5}})") == "call.args: expected array");
  CHECK(item_message(R"({"call":{"invoking":"SMUID","method":"Set","args":[1,"x"]}})") ==
        "call.args[1]: unknown value string \"x\"" + unknown_string);
  CHECK(item_message(R"({"result":5})") == "result: expected array");
  CHECK(item_message(R"({"result":{}})") == "result: expected array");
  CHECK(item_message(R"({"result":["x"]})") == "result[0]: unknown value string \"x\"" + unknown_string);
  CHECK(item_message(R"({"status":[0,0,0]})") == "expected \"call\" or \"result\"");
  // items_from_json names the item that failed
  const auto items = items_from_json(Json::parse(R"(["end_of_session", 5])"));
  REQUIRE_FALSE(items);
  CHECK(items.error().message == "[1]: " + expected_item);
}

TEST_CASE("tcg json: an item's status defaults to [0,0,0] and a call keeps the status it is given") {
  const auto r = item_from_json(Json::parse(R"({"result":[]})"));
  REQUIRE(r);
  CHECK(std::get<MethodResult>(*r).status == StatusList{0, 0, 0});
  const auto c = item_from_json(Json::parse(R"({"call":{"invoking":"SMUID","method":"StartSession"}})"));
  REQUIRE(c);
  CHECK(std::get<MethodCall>(*c).status == StatusList{0, 0, 0});
  const auto c12 = item_from_json(Json::parse(R"({"call":{"invoking":"SMUID","method":"StartSession","args":[]},"status":[18,0,0]})"));
  REQUIRE(c12);
  CHECK(std::get<MethodCall>(*c12).status == StatusList{0x12, 0, 0});
  CHECK(item_to_json(*c12)["status"] == Json::parse("[18,0,0]"));
  const auto r1 = item_from_json(Json::parse(R"({"result":[1],"status":[1,0,0]})"));
  REQUIRE(r1);
  CHECK(std::get<MethodResult>(*r1).status == StatusList{1, 0, 0});
  // the defaulted status is F0 00 00 00 F1 on the wire (seed 002 Table 33's last rows)
  CHECK(to_hex(*encode_items({*r})) == "f0f1" "f9" "f0000000f1");
}

// ---- ComPackets ---------------------------------------------------------------------

TEST_CASE("tcg json: seed 002 Table 33's ComPacket from items and from payload_hex, byte for byte") {
  // The Set call of §3.3.16.2 in the JSON form: KPIOPolicies row UID as 16 hex digits,
  // "Set" by name, [ Values(1) = [ ClearAllMEKsAllowed(2) = TRUE(1) ] ], status defaulted.
  const Json items = Json::parse(R"({"comid":2048,"packets":[{"tsn":4097,"hsn":1,"subpackets":[{"kind":0,"payload":[
      {"call":{"invoking":"0000120300000001","method":"Set","args":[{"name":1,"value":[{"name":2,"value":1}]}]}}]}]}]})");
  const auto a = compacket_from_json(items);
  REQUIRE(a);
  REQUIRE(a->packets.size() == 1);
  REQUIRE(a->packets[0].subpackets.size() == 1);
  CHECK(to_hex(a->packets[0].subpackets[0].payload) == table33_payload);
  CHECK(to_hex(*encode_compacket(*a)) == table33_compacket);
  // the same subpacket given as raw bytes
  const Json raw = Json::parse(R"({"comid":2048,"packets":[{"tsn":4097,"hsn":1,"subpackets":[{"payload_hex":")" +
                               table33_payload + R"("}]}]})");
  const auto b = compacket_from_json(raw);
  REQUIRE(b);
  CHECK(*b == *a);
  CHECK(to_hex(*encode_compacket(*b)) == table33_compacket);
  // and back to the structured form
  const auto j = compacket_to_json(*b);
  REQUIRE(j);
  CHECK((*j)["packets"][0]["subpackets"][0]["payload"][0]["call"]["method"] == "0000000600000017");
  CHECK(*compacket_from_json(*j) == *a);
}

TEST_CASE("tcg json: compacket_from_json refuses each malformed part, naming where") {
  CHECK(compacket_message("5") == "compacket: expected object");
  CHECK(compacket_message("[]") == "compacket: expected object");
  CHECK(compacket_message(R"({"comid":2048,"x":1})") == "compacket: unknown field \"x\"");
  CHECK(starts(compacket_message(R"({"comid":"x"})"), "compacket.comid: "));
  CHECK(starts(compacket_message(R"({"min_transfer":-1})"), "compacket.min_transfer: "));
  CHECK(compacket_message(R"({"packets":5})") == "compacket.packets: expected array");
  CHECK(compacket_message(R"({"packets":{}})") == "compacket.packets: expected array");
  CHECK(compacket_message(R"({"packets":[{},5]})") == "compacket.packets[1]: expected object");
  CHECK(compacket_message(R"({"packets":[{"tsn":1,"x":1}]})") == "compacket.packets[0]: unknown field \"x\"");
  CHECK(starts(compacket_message(R"({"packets":[{"tsn":"x"}]})"), "compacket.packets[0].tsn: "));
  CHECK(starts(compacket_message(R"({"packets":[{"ack_type":65536}]})"), "compacket.packets[0].ack_type: "));
  CHECK(compacket_message(R"({"packets":[{"subpackets":5}]})") == "compacket.packets[0].subpackets: expected array");
  CHECK(compacket_message(R"({"packets":[{"subpackets":[{},5]}]})") == "compacket.packets[0].subpackets[1]: expected object");
  CHECK(compacket_message(R"({"packets":[{"subpackets":[{"kind":0,"x":1}]}]})") ==
        "compacket.packets[0].subpackets[0]: unknown field \"x\"");
  CHECK(starts(compacket_message(R"({"packets":[{"subpackets":[{"kind":"x"}]}]})"), "compacket.packets[0].subpackets[0].kind: "));
  CHECK(starts(compacket_message(R"({"packets":[{"subpackets":[{"payload_hex":"zz"}]}]})"),
               "compacket.packets[0].subpackets[0].payload_hex: "));
  CHECK(starts(compacket_message(R"({"packets":[{"subpackets":[{"payload_hex":5}]}]})"),
               "compacket.packets[0].subpackets[0].payload_hex: "));
  // the defaults: no packets; a packet of no subpackets; a subpacket of no items
  CHECK(compacket_from_json(Json::parse("{}"))->packets.empty());
  const auto d = compacket_from_json(Json::parse(R"({"packets":[{"subpackets":[{}]}]})"));
  REQUIRE(d);
  CHECK(d->packets[0].subpackets[0].payload.empty());
  // payload_hex is taken as given, even bytes that are no items (Core reserved token FE)
  const auto fe = compacket_from_json(Json::parse(R"({"packets":[{"subpackets":[{"kind":0,"payload_hex":"fe"}]}]})"));
  REQUIRE(fe);
  CHECK(fe->packets[0].subpackets[0].payload == Bytes{0xFE});
}

TEST_CASE("tcg json: compacket_to_json refuses a payload that does not structure as items, naming the subpacket") {
  // FE is a reserved token (Core 2.01 §3.2.2.3.1 Table 04): not a token stream of items
  ComPacket c;
  c.packets.resize(2);
  c.packets[1].subpackets.push_back(Subpacket{0, hx("f0f1" "f9" "f0000000f1")});
  c.packets[1].subpackets.push_back(Subpacket{0, Bytes{0xFE}});
  const auto j = compacket_to_json(c);
  REQUIRE_FALSE(j);
  CHECK(starts(j.error().message, "packets[1].subpackets[1].payload: "));
  c.packets[1].subpackets.pop_back();
  CHECK(compacket_to_json(c));
}

// ---- Security Protocol 0x02 -----------------------------------------------------------

TEST_CASE("tcg sp02: only request codes 3 and 4 are encoded (Tables 31, 34)") {
  const auto bad = sp02::encode(sp02::Request{5, 0x0800, 0, 0});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "request code 5 is neither Clear Single MEK (3) nor Clear All MEKs (4)");
  CHECK_FALSE(sp02::encode(sp02::Request{0, 0x0800, 0, 0}));
  CHECK(sp02::encode(sp02::Request{sp02::clear_all_meks, 0x0800, 0, 0}));
}

TEST_CASE("tcg sp02: a response takes 16 bytes: a transfer length of 16 holds it, 15 is refused (Tables 32, 35)") {
  sp02::Profile p;
  p.transfer_length = 16;
  const auto r = sp02::encode(sp02::Response{sp02::clear_all_meks, 0x0800, 0, 0}, p);
  REQUIRE(r);
  CHECK(to_hex(*r) == "00000800" "00000004" "0000" "0004" "00000000");
  p.transfer_length = 15;
  const auto cut = sp02::encode(sp02::Response{sp02::clear_all_meks, 0x0800, 0, 0}, p);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().message == "transfer length shorter than the response");
}

TEST_CASE("tcg sp02: a ComID Extension is read back in either Extended ComID layout (E-KPIO-SP2-2)") {
  // seed tables: bytes 0-3 = ComIDExtension<<16 | ComID; TCG Core: ComID then ComIDExtension
  const sp02::Request q{sp02::clear_all_meks, 0x0800, 0x0001, 0};
  sp02::Profile core;
  core.ext_comid = sp02::ExtComIdLayout::tcg_core;
  const auto seed_bytes = sp02::encode(q);
  const auto core_bytes = sp02::encode(q, core);
  REQUIRE(seed_bytes);
  REQUIRE(core_bytes);
  CHECK(to_hex(ByteView(*seed_bytes).first(8)) == "00010800" "00000004");
  CHECK(to_hex(ByteView(*core_bytes).first(8)) == "08000001" "00000004");
  CHECK(*sp02::decode_request(*seed_bytes) == q);
  CHECK(*sp02::decode_request(*core_bytes, core) == q);
  const sp02::Response s{sp02::clear_single_mek, 0x0801, 0x0002, 0};
  CHECK(*sp02::decode_response(*sp02::encode(s)) == s);
  CHECK(*sp02::decode_response(*sp02::encode(s, core), core) == s);
}

TEST_CASE("tcg sp02: Reserved bytes of a Clear All MEKs request start at byte 8 (Table 34)") {
  Bytes b = *sp02::encode(sp02::Request{sp02::clear_all_meks, 0x0800, 0, 0});
  b[8] = 1;
  const auto d = sp02::decode_request(b);
  REQUIRE_FALSE(d);
  CHECK(d.error().message == "Clear All MEKs request (Table 34): Reserved byte at offset 8 is not zero");
}

TEST_CASE("tcg sp02: a response is checked: 16 bytes at least, request code, length 4, Reserved from byte 16 (Tables 32, 35)") {
  // Table 35 bytes 0-15 alone: a whole response
  const Bytes t35 = hx("00000800" "00000004" "0000" "0004" "00000000");
  CHECK(*sp02::decode_response(t35) == sp02::Response{sp02::clear_all_meks, 0x0800, 0, 0});
  const auto short15 = sp02::decode_response(ByteView(t35).first(15));
  REQUIRE_FALSE(short15);
  CHECK(short15.error().message == "Security Protocol 0x02 response: need at least 16 bytes, got 15");
  const auto code5 = sp02::decode_response(hx("00000800" "00000005" "0000" "0004" "00000000"));
  REQUIRE_FALSE(code5);
  CHECK(code5.error().message == "offset 4: Request Code 5 is neither 3 nor 4");
  const auto len5 = sp02::decode_response(hx("00000800" "00000003" "0000" "0005" "00000000"));
  REQUIRE_FALSE(len5);
  CHECK(len5.error().message == "offset 10: data length must be 4 (Tables 32, 35), got 5");
  const auto tail = sp02::decode_response(hx("00000800" "00000004" "0000" "0004" "00000000" "0100"));
  REQUIRE_FALSE(tail);
  CHECK(tail.error().message == "SP 0x02 response: Reserved byte at offset 16 is not zero");
}

TEST_CASE("tcg sp02: Get Nonce takes exactly the nonce length Level 0 reports, zeros after it (Table 66, Table 1)") {
  const Bytes t66 = hx("01020304050607080910111213141516");
  CHECK(*sp02::decode_nonce(t66, 16) == t66);  // exactly 16 bytes
  CHECK(*sp02::decode_nonce(hx("ab00"), 1) == Bytes{0xAB});
  const auto zero = sp02::decode_nonce(Bytes(16, 0), 0);
  REQUIRE_FALSE(zero);
  CHECK(zero.error().message == "Get Nonce: Level 0 reports a nonce length of 0");
  const auto junk = sp02::decode_nonce(hx("0102030405060708091011121314151600000001"), 16);
  REQUIRE_FALSE(junk);
  CHECK(junk.error().message == "Get Nonce response: Reserved byte at offset 19 is not zero");
}

}  // namespace LOCKREF_UNITY_ID
