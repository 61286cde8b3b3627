// TCG wire formats: byte positions the other tests left open (their examples are all zeros
// where a mutant moves a field), written to kill the mutants tools/mutate.py found surviving
// (spec/mutation/report.md). Layouts: seed 002 §3.3.15-§3.3.16 Tables 31-35.
#include <doctest/doctest.h>

#include "lockref/opal/wire.hpp"
#include "lockref/tcg/credential.hpp"
#include "lockref/tcg/method_status.hpp"
#include "lockref/tcg/sp02.hpp"
#include "lockref/tcg/json.hpp"
#include "lockref/tcg/level0.hpp"
#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/token.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::tcg;

TEST_CASE("sp02: the Status of a response is bytes 12 to 15 (Tables 32, 35)") {
  auto r = sp02::encode(sp02::Response{sp02::clear_single_mek, 0x0800, 0, 0x0A0B0C0D});
  REQUIRE(r);
  REQUIRE(r->size() == 512);
  CHECK(to_hex(ByteView(*r).subspan(0, 17)) == "000008000000000300000004" "0a0b0c0d" "00");
  CHECK(sp02::decode_response(*r)->status == 0x0A0B0C0Du);
  // a response by default reports Success (00 00 00 00)
  auto ok = sp02::encode(sp02::Response{});
  REQUIRE(ok);
  CHECK(sp02::decode_response(*ok)->status == 0u);
  CHECK(to_hex(ByteView(*ok).subspan(8, 8)) == "0000000400000000");
}

TEST_CASE("sp02: Reserved bytes of a Clear Single MEK request start right after its 00 04 (Table 31)") {
  auto q = sp02::encode(sp02::Request{sp02::clear_single_mek, 0x0800, 0, 1});
  REQUIRE(q);
  CHECK(to_hex(ByteView(*q).subspan(0, 13)) == "00000800" "00000003" "0001" "0004" "00");
  for (std::size_t off : {12u, 13u, 511u}) {
    Bytes bad = *q;
    bad[off] = 1;
    const auto d = sp02::decode_request(bad);
    REQUIRE_FALSE(d);
    CHECK(d.error().message.find("Reserved byte at offset " + std::to_string(off)) != std::string::npos);
  }
}


namespace {
std::string value_error(const Json& j) {
  auto r = tcg::value_from_json(j);
  return r ? std::string() : r.error().message;
}
}  // namespace

TEST_CASE("tcg json: values nest 64 deep and no deeper") {
  auto nested = [](std::size_t depth) {
    Json j = 1;
    for (std::size_t i = 0; i < depth; ++i) j = Json::array({j});
    return j;
  };
  CHECK(tcg::value_from_json(nested(64)));
  CHECK(value_error(nested(65)).find("nesting deeper than 64") != std::string::npos);
}

TEST_CASE("tcg json: integer widths, names, byte strings and statuses are checked") {
  // {"uint"|"int": n, "width": w}: a short atom of exactly w data bytes (1..8), the value must fit
  CHECK(value_error(Json::parse(R"({"uint":5,"width":0})")) == "width: expected 1..8 data bytes");
  CHECK(value_error(Json::parse(R"({"uint":5,"width":9})")) == "width: expected 1..8 data bytes");
  CHECK(value_error(Json::parse(R"({"uint":256,"width":1})")) == "width: the value does not fit 1 byte(s)");
  CHECK(value_error(Json::parse(R"({"uint":255,"width":1})")).empty());
  CHECK(value_error(Json{{"int", -129}, {"width", 1}}) == "width: the value does not fit 1 byte(s)");
  CHECK(value_error(Json{{"int", -128}, {"width", 1}}).empty());
  CHECK(value_error(Json::parse(R"({"uint":18446744073709551615,"width":8})")).empty());  // 8 bytes hold any value
  CHECK(value_error(Json{{"int", -1}, {"width", 8}}).empty());
  CHECK(value_error(Json::parse(R"({"uint":5,"x":1})")) == "unknown field \"x\"");
  CHECK(value_error(Json{{"int", 5}, {"width", 2}}).empty());
  // a name is exactly {"name": V, "value": V}
  CHECK(value_error(Json{{"name", 1}, {"x", 2}}) == "a name is {\"name\": V, \"value\": V}");
  CHECK(value_error(Json{{"name", 1}}) == "a name is {\"name\": V, \"value\": V}");
  CHECK(value_error(Json{{"name", 1}, {"value", 2}}).empty());
  // "continued" is a boolean
  CHECK(value_error(Json{{"bytes", "00"}, {"continued", 1}}) == "continued: expected boolean");
  auto cont = tcg::value_from_json(Json{{"bytes", "00"}, {"continued", true}});
  REQUIRE(cont);
  // a byte string is {"bytes", "continued"?, "form"?}: "form" asks for a non-minimal atom
  // (Core 2.01 §3.2.2.3.1: a short atom holds 0-15 bytes, a medium one up to 2047), and a
  // field outside those three is refused like any other
  const auto medium = tcg::value_from_json(Json{{"bytes", "00"}, {"form", "medium"}});
  REQUIRE(medium);
  CHECK(medium->form == tcg::AtomForm::medium);
  CHECK(value_error(Json{{"bytes", "00"}, {"x", 1}}) == "unknown field \"x\"");
  // an item's status is a list of numbers
  const auto st = tcg::item_from_json(Json{{"result", Json::array()}, {"status", "x"}});
  REQUIRE_FALSE(st);
  CHECK(st.error().message.rfind("status: ", 0) == 0);
  // a subpacket payload that is not a list of items
  const auto cp = tcg::compacket_from_json(Json{{"packets", Json::array({Json{{"subpackets", Json::array({Json{{"payload", 7}}})}}})}});
  REQUIRE_FALSE(cp);
  CHECK(cp.error().message == "compacket.packets[0].subpackets[0].payload: expected an array of items");
}


TEST_CASE("level0: a descriptor header cut short by the Length is refused") {
  // header (48 bytes, Length = 44 + 6) + one descriptor 0x0001 v1 length 0 + 2 stray bytes
  Bytes b(48, 0);
  b[3] = 44 + 6;
  Bytes tail = {0x00, 0x01, 0x10, 0x00, 0xAB, 0xCD};
  b.insert(b.end(), tail.begin(), tail.end());
  const auto r = tcg::level0::parse(b);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "feature descriptor at offset 52: needs a 4-byte header, 2 byte(s) left within Length");
}


TEST_CASE("level0: an 8-byte field takes every 64-bit value (Geometry Reporting, Opal SSC v2.30 Table 5)") {
  // No seed has an 8-byte Level 0 field (seed 002 Tables 1-2 are at most 4 bytes wide); the
  // Geometry Reporting descriptor (0x0003) of Opal SSC v2.30 §3.1.1.4 Table 5, the source
  // model/lockref/tcg/level0.hpp cites, has two: Alignment Granularity (bytes 16-23) and
  // Lowest Aligned LBA (bytes 24-31), each a full uint64. The width check must not refuse
  // a value just because it needs all eight bytes, nor let a wider one through elsewhere.
  level0::Feature g{0x0003, 0x10, {}};
  REQUIRE(level0::set_field(g, "alignment_granularity", 0x0102030405060708u));
  REQUIRE(level0::set_field(g, "lowest_aligned_lba", 0xFFFFFFFFFFFFFFFFu));
  REQUIRE(g.data.size() >= 28u);
  CHECK(to_hex(Bytes(g.data.begin() + 12, g.data.begin() + 20)) == "0102030405060708");
  CHECK(to_hex(Bytes(g.data.begin() + 20, g.data.begin() + 28)) == "ffffffffffffffff");
  // Logical Block Size (bytes 12-15) is four bytes: 2^32 does not fit
  CHECK_FALSE(level0::set_field(g, "logical_block_size", 0x100000000u));
  CHECK(level0::set_field(g, "logical_block_size", 0xFFFFFFFFu));
}

TEST_CASE("tcg tokens: Start and End Transaction are 0xFB and 0xFC (TCG Core 2.01 Table 04)") {
  // Core spec Table 04, Token Types: F0 Start List ... FA End of Session, FB Start
  // Transaction, FC End Transaction, FF Empty. The other tests never emit the transaction
  // tokens, so a moved constant went unseen.
  const auto e = tcg::encode_tokens({tcg::control(tcg::TokenType::start_transaction), tcg::control(tcg::TokenType::end_transaction),
                                     tcg::control(tcg::TokenType::end_of_session)});
  REQUIRE(e);
  CHECK(to_hex(*e) == "fbfcfa");
  const auto d = tcg::decode_tokens(*e);
  REQUIRE(d);
  REQUIRE(d->size() == 3);
  CHECK((*d)[0].type == tcg::TokenType::start_transaction);
  CHECK((*d)[1].type == tcg::TokenType::end_transaction);
}

TEST_CASE("tcg tokens: an integer is a tiny or short atom with 1 to 8 data bytes") {
  auto value_of = [](const char* hex_bytes) {
    const auto ts = tcg::decode_tokens(from_hex(hex_bytes).value());
    REQUIRE(ts);
    REQUIRE(ts->size() == 1);
    return tcg::atom_value(ts->front());
  };
  // 0x80: a short atom, integer, unsigned, length 0 (Core §3.2.2.3.1.2): no value at all
  auto none = value_of("80");
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "integer atom with no data bytes");
  // 0xC0 0x01 0x05: a medium atom holding the integer 5; lockref keeps integers short
  auto medium = value_of("c00105");
  REQUIRE_FALSE(medium);
  CHECK(medium.error().message.find("medium or long atom") != std::string::npos);
  // the short form of the same integer is accepted
  auto shrt = value_of("8105");
  REQUIRE(shrt);
  CHECK(shrt->u == 5u);
}

TEST_CASE("tcg packet: a Packet header cut short after its Reserved field is refused") {
  // ComPacket header (20 bytes, Length 16), then a Packet of 16 bytes: TSN, HSN, SeqNumber,
  // Reserved (2) and AckType (2); AckType is there, Acknowledgement and Length are not
  // (Core §3.2.3.2: the Packet header is 24 bytes).
  Bytes b(20, 0);
  b[19] = 16;
  Bytes pkt(16, 0);
  pkt[3] = 1;  // TSN 1
  b.insert(b.end(), pkt.begin(), pkt.end());
  const auto r = tcg::decode_compacket(b);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("Packet at offset 20") != std::string::npos);
}

// ---- the session layer (tcg/session.hpp), on the Opal TPer of opal/wire.hpp ----------------

namespace {
namespace ow = lockref::opal::wire;
MethodCall invoke(std::uint64_t obj, std::string_view method, std::vector<Value> args) {
  return MethodCall{uid_bytes(obj), uid_bytes(uid_of(method)), std::move(args), {0, 0, 0}};
}
Value uid_value(std::uint64_t u) { return Value::of_bytes(uid_bytes(u)); }
}  // namespace

TEST_CASE("tcg session: a StartSession without HostSessionID, SPID and Write is INVALID_PARAMETER under TCG-SESSION-4") {
  // TCG-SESSION-4 (Core StartSession; seed 002 Tables 5, 10, 13): "StartSession[HostSessionID
  // (non-zero), SPID (an SP the TPer has), Write (0 or 1), HostChallenge = 0,
  // HostSigningAuthority = 3]: anything else is INVALID_PARAMETER." No session is open, so
  // MaxSessions (TCG-SESSION-5) has nothing to say.
  const auto p = lockref::opal::seagate_se4sa530();
  const auto s = ow::initial(p);
  const auto smuid = uid_of("SMUID");
  for (const auto& args : {std::vector<Value>{Value::of_uint(1), uid_value(ow::admin_sp)},
                           std::vector<Value>{Value::of_uint(1), Value::of_uint(ow::admin_sp), Value::of_uint(1)},
                           std::vector<Value>{uid_value(1), uid_value(ow::admin_sp), Value::of_uint(1)}}) {
    const auto o = ow::Layer::on_item(p, s, 0, 0, invoke(smuid, "StartSession", args));
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-SESSION-4");
    CHECK_FALSE(o.next.sm.session);
  }
  CHECK(ow::Layer::on_item(p, s, 0, 0, invoke(smuid, "StartSession", {Value::of_uint(1), uid_value(ow::admin_sp), Value::of_uint(1)})).status ==
        "ok");
}

TEST_CASE("tcg session: Authenticate is a method of ThisSP and names its authority by UID (TCG-AUTH-4)") {
  // TCG-AUTH-4 (Core ThisSP.Authenticate): "Authenticate is invoked on ThisSP with an authority
  // that has a credential in the session's SP and a Proof; otherwise INVALID_PARAMETER." The
  // right proof does not make another invoking object, or an authority that is no UID, valid.
  const auto p = lockref::opal::seagate_se4sa530();
  auto s = ow::initial(p);
  auto o = ow::Layer::on_item(p, s, 0, 0, invoke(uid_of("SMUID"), "StartSession", {Value::of_uint(1), uid_value(ow::admin_sp), Value::of_uint(1)}));
  REQUIRE(o.status == "ok");
  s = o.next;
  const auto ses = *s.sm.session;
  const Value proof = Value::of_name(Value::of_uint(0), Value::of_bytes(Bytes(p.msid.begin(), p.msid.end())));
  for (const auto& c : {invoke(ow::admin_sp, "Authenticate", {uid_value(ow::sid), proof}),
                        invoke(ow::c_pin_sid, "Authenticate", {uid_value(ow::sid), proof}),
                        invoke(ow::this_sp, "Authenticate", {Value::of_uint(ow::sid), proof}),
                        invoke(ow::this_sp, "Authenticate", {Value::of_bytes(Bytes{0x00, 0x09}), proof})}) {
    const auto r = ow::Layer::on_item(p, s, ses.tsn, ses.hsn, c);
    CHECK(r.status == "INVALID_PARAMETER");
    CHECK(r.rule == "TCG-AUTH-4");
    CHECK(r.next.sm.session->authorities.empty());
  }
  // ThisSP.Authenticate[SID, Proof = MSID] (seed 000: SID's initial PIN is the MSID) authenticates
  const auto good = ow::Layer::on_item(p, s, ses.tsn, ses.hsn, invoke(ow::this_sp, "Authenticate", {uid_value(ow::sid), proof}));
  CHECK(good.status == "ok");
  CHECK(good.next.sm.session->authorities == std::vector<std::uint64_t>{ow::sid});
}

TEST_CASE("level0: the Initial C_PIN_SID PIN Indicator values and their meanings") {
  // TCG Storage Opal SSC v2.30 §3.1.1.5 (Opal SSC V2 Feature Descriptor), also the Key Per I/O
  // SSC descriptor (seed 002 §3.x, "Initial C_PIN_SID PIN Indicator"): 0x00 the initial
  // C_PIN_SID PIN value equals the C_PIN_MSID PIN value, 0xFF it is vendor unique, others reserved.
  CHECK(level0::meaning(0x0203, "initial_cpin_sid_indicator", 0x00) == "initial C_PIN_SID PIN is the C_PIN_MSID PIN");
  CHECK(level0::meaning(0x0203, "initial_cpin_sid_indicator", 0xFF) == "initial C_PIN_SID PIN is vendor unique");
  CHECK(level0::meaning(0x0203, "initial_cpin_sid_indicator", 0x01) == "reserved value");
}

TEST_CASE("level0: the 48-byte Discovery header is complete at 48 bytes and not before") {
  // Opal SSC v2.30 §3.1.1.1 Table 2 / TCG Core §3.3.6.3: the Level 0 Discovery header is 48
  // bytes (Length of Parameter Data, Data structure revision, Reserved, Vendor Specific).
  Bytes h(48, 0);
  h[3] = 44;  // Length of Parameter Data: the 44 header bytes after it, no descriptor
  h[7] = 1;
  const auto whole = level0::parse_partial(h);
  CHECK(whole.header_complete);
  CHECK(whole.problems.empty());
  h.pop_back();
  const auto cut = level0::parse_partial(h);
  CHECK_FALSE(cut.header_complete);
  CHECK_FALSE(cut.problems.empty());
}


TEST_CASE("sp02: a request longer than the transfer length is refused, not cut") {
  // KPIO AN Tables 31, 34: a request occupies bytes 0 to TRNSFLEN-1; a Clear Single MEK
  // request needs 12 bytes before its Reserved ones (Extended ComID, Request Code, Key Tag,
  // 00 04), so a transfer of 11 bytes cannot carry it (cutting it would drop the 00 04).
  sp02::Profile p;
  p.transfer_length = 11;
  CHECK_FALSE(sp02::encode(sp02::Request{sp02::clear_single_mek, 0x0800, 0, 1}, p));
  p.transfer_length = 12;
  const auto q = sp02::encode(sp02::Request{sp02::clear_single_mek, 0x0800, 0, 1}, p);
  REQUIRE(q);
  CHECK(to_hex(*q) == "00000800" "00000003" "0001" "0004");
}

TEST_CASE("sp02: a Clear Single MEK request carries the four bytes its 00 04 announces (Table 31)") {
  // KPIO AN Table 31: bytes 10-11 "00 04 four Bytes of Data" (E-KPIO-SP2-1 default reading),
  // so bytes 12-15 belong to the request: 16 bytes is the least, 15 is short.
  auto q = sp02::encode(sp02::Request{sp02::clear_single_mek, 0x0800, 0, 1});
  REQUIRE(q);
  CHECK(sp02::decode_request(ByteView(*q).first(16)));
  CHECK_FALSE(sp02::decode_request(ByteView(*q).first(15)));
}

TEST_CASE("tcg: status names by value, and a C_PIN row's Tries at its bounds (Core §5.1.5, C_PIN table)") {
  // "ok" stands for SUCCESS (0x00); 0x01 is NOT_AUTHORIZED, 0x12 AUTHORITY_LOCKED_OUT
  CHECK(method_status_name(0) == std::optional<std::string_view>("ok"));
  CHECK(method_status_name(1) == std::optional<std::string_view>("NOT_AUTHORIZED"));
  CHECK(method_status_name(0x12) == std::optional<std::string_view>("AUTHORITY_LOCKED_OUT"));
  // Tries is a uint32 column: with no TryLimit it counts up to its maximum and stays there
  CPin c{"right", UINT32_MAX - 1, 0, false};
  CHECK(present_pin(c, "wrong") == PinCheck::wrong);
  CHECK(c.tries == UINT32_MAX);
  CHECK(present_pin(c, "wrong") == PinCheck::wrong);
  CHECK(c.tries == UINT32_MAX);
  // a new TryLimit of 1 below Tries: Tries comes down to it (and the row is at its limit)
  CPin d{"right", 3, 5, false};
  set_try_limit(d, 1);
  CHECK(d.tries == 1);
  CHECK(locked_out(d));
  set_try_limit(d, 0);  // no limit: Tries stays
  CHECK(d.tries == 1);
  // a PinCheck value outside the enumeration has no status of its own: FAIL
  CHECK(pin_check_status(static_cast<PinCheck>(7)) == "FAIL");
  CHECK(pin_check_status(PinCheck::wrong) == "NOT_AUTHORIZED");
}

}  // namespace LOCKREF_UNITY_ID
