// TCG data stream tokens (model/lockref/tcg/token.hpp) and ComPacket framing
// (model/lockref/tcg/packet.hpp): the boundaries, bit positions and refusals the other
// tests left open, written to kill the mutants tools/mutate.py found surviving.
//
// Formats, TCG Storage Architecture Core Specification 2.01 (also laid out field by field in
// EDK2's MdePkg/Include/IndustryStandard/TcgStorageCore.h, an independent implementation):
//   §3.2.2.3.1 atoms: tiny 0SDDDDDD (signed -32..31, unsigned 0..63), short 10BSLLLL
//   (0..15 bytes), medium 110BSLLL LLLLLLLL (0..2047 bytes), long 111000BS + 3 length bytes
//   (0..2^24-1 bytes: E0 integer, E1 signed integer, E2 bytes, E3 continued bytes);
//   Table 04 Token Types: F0 Start List, F1 End List, F2 Start Name, F3 End Name, F8 Call,
//   F9 End of Data, FA End of Session, FB Start/FC End Transaction, FF Empty.
//   §3.2.3 Packet header: TSN(4) HSN(4) SeqNumber(4) Reserved(2) AckType(2)
//   Acknowledgement(4) Length(4); Subpacket header: Reserved(6) Kind(2) Length(4), the
//   payload padded to a 4-byte boundary (the pad counted in the Packet Length, seed 002
//   Table 5 "Included in ComPacket and Packet lengths").
// lockref emits integers in the fewest bytes (token.hpp header; README "TCG integer
// encodings"; every integer of seed 002's dumps, e.g. 4096 = 82 10 00).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/token.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::tcg;

namespace {
Bytes hx(std::string_view s) { return *from_hex(s); }

std::string enc(const Token& t) {
  auto b = encode_tokens({t});
  REQUIRE(b);
  return to_hex(*b);
}

std::string enc_error(const std::vector<Token>& ts) {
  auto b = encode_tokens(ts);
  REQUIRE_FALSE(b);
  return b.error().message;
}

Token dec_one(std::string_view h) {
  auto ts = decode_tokens(hx(h));
  REQUIRE(ts);
  REQUIRE(ts->size() == 1);
  return ts->front();
}

std::string items_error(std::string_view h) {
  auto r = decode_items(hx(h));
  REQUIRE_FALSE(r);
  return r.error().message;
}

std::string items_error(const std::vector<Token>& ts) {
  auto r = parse_items(ts);
  REQUIRE_FALSE(r);
  return r.error().message;
}

// A token vector of `live` tokens whose storage goes on with `stale` ones: resize() down
// keeps the capacity, so the elements past the end are what a reused buffer holds. The
// parser must stop at size(). (Stale tokens carry no data bytes: nothing of theirs is freed.)
std::vector<Token> with_stale_tail(std::vector<Token> live, const std::vector<Token>& stale) {
  const std::size_t n = live.size();
  live.insert(live.end(), stale.begin(), stale.end());
  live.resize(n);
  return live;
}

// A token as a host builds it by hand: only its type set, every other field defaulted.
Token bare(TokenType type) {
  Token t;
  t.type = type;
  return t;
}

Token atom_token(AtomForm f, bool byte_string, bool sign, Bytes data) {
  return Token{TokenType::atom, f, byte_string, sign, std::move(data)};
}

std::string rep(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const Bytes uid8{0, 0, 0, 0, 0, 0, 0, 0xFF};  // SMUID (seed 002 Table 3)
}  // namespace

// ---- token.hpp: atoms and control tokens -------------------------------------------------

TEST_CASE("tcg token: a control token is its one byte, with no B or S bit and no data (Core Table 04)") {
  // Table 04: the control tokens are single bytes, not atoms; decoded, each is the plain
  // Token of its type, equal to one a host builds by hand.
  const std::pair<const char*, TokenType> table[] = {
      {"f0", TokenType::start_list},   {"f1", TokenType::end_list},          {"f2", TokenType::start_name},
      {"f3", TokenType::end_name},     {"f8", TokenType::call},              {"f9", TokenType::end_of_data},
      {"fa", TokenType::end_of_session}, {"fb", TokenType::start_transaction}, {"fc", TokenType::end_transaction},
      {"ff", TokenType::empty}};
  for (const auto& [h, type] : table) {
    INFO(h);
    const Token t = dec_one(h);
    CHECK(t == bare(type));
    CHECK_FALSE(t.byte_string);
    CHECK_FALSE(t.sign);
    CHECK(t.data.empty());
    CHECK(control(type) == bare(type));
    CHECK(control_byte(type) == hx(h)[0]);
    CHECK(enc(bare(type)) == h);
  }
  // An atom has no control byte: control_byte answers 0, a value no control token has
  // (Table 04's control tokens are F0..FF).
  CHECK(control_byte(TokenType::atom) == 0);
}

TEST_CASE("tcg token: an unsigned integer takes the fewest data bytes of a short atom (Core §3.2.2.3.1)") {
  // 64..255 need one byte, 2^56-1 seven, 2^56 eight (short atom 80|n, big-endian data)
  CHECK(to_hex(*encode_tokens({uint_atom(127)})) == "817f");
  CHECK(to_hex(*encode_tokens({uint_atom(128)})) == "8180");
  CHECK(to_hex(*encode_tokens({uint_atom(200)})) == "81c8");
  CHECK(to_hex(*encode_tokens({uint_atom(255)})) == "81ff");
  CHECK(to_hex(*encode_tokens({uint_atom(256)})) == "820100");
  CHECK(to_hex(*encode_tokens({uint_atom(0x00FFFFFFFFFFFFFFull)})) == "87ffffffffffffff");
  CHECK(to_hex(*encode_tokens({uint_atom(0x0100000000000000ull)})) == "880100000000000000");
  CHECK(to_hex(*encode_tokens({uint_atom(0x8000000000000000ull)})) == "888000000000000000");
}

TEST_CASE("tcg token: a signed integer is tiny from -32 to 31, else the fewest two's complement bytes") {
  // Tiny atom 01dddddd: -32..31 (Core §3.2.2.3.1.1); short atom 90|n otherwise.
  CHECK(enc(int_atom(31)) == "5f");
  CHECK(enc(int_atom(32)) == "9120");
  CHECK(enc(int_atom(-32)) == "60");
  CHECK(enc(int_atom(-33)) == "91df");
  // one byte holds -128..127, two bytes -32768..32767: both ends of each width
  CHECK(enc(int_atom(127)) == "917f");
  CHECK(enc(int_atom(-128)) == "9180");
  CHECK(enc(int_atom(128)) == "920080");
  CHECK(enc(int_atom(-129)) == "92ff7f");
  CHECK(enc(int_atom(32767)) == "927fff");
  CHECK(enc(int_atom(-32768)) == "928000");
  CHECK(enc(int_atom(32768)) == "93008000");
  // the width itself, at the ends of each width (two's complement: n bytes hold
  // -2^(8n-1)..2^(8n-1)-1); 0 and -1 need one byte, for their sign bit
  CHECK(signed_width(0) == 1);
  CHECK(signed_width(-1) == 1);
  for (std::size_t n = 1; n < 8; ++n) {
    INFO(n);
    const std::int64_t top = (std::int64_t{1} << (8 * n - 1)) - 1;
    CHECK(signed_width(top) == n);
    CHECK(signed_width(-top - 1) == n);
    CHECK(signed_width(top + 1) == n + 1);
    CHECK(signed_width(-top - 2) == n + 1);
  }
  CHECK(signed_width(std::numeric_limits<std::int64_t>::max()) == 8);
  CHECK(signed_width(std::numeric_limits<std::int64_t>::min()) == 8);
  // seven bytes hold -2^55..2^55-1; the 64-bit ends need all eight
  CHECK(enc(int_atom((std::int64_t{1} << 55) - 1)) == "977fffffffffffff");
  CHECK(enc(int_atom(std::int64_t{1} << 55)) == "980080000000000000");
  CHECK(enc(int_atom(std::numeric_limits<std::int64_t>::max())) == "987fffffffffffffff");
  CHECK(enc(int_atom(std::numeric_limits<std::int64_t>::min())) == "988000000000000000");
  // and they read back as the same values
  for (const std::int64_t v : {std::int64_t{31}, std::int64_t{32}, std::int64_t{-128}, std::int64_t{127},
                               std::numeric_limits<std::int64_t>::min()}) {
    const auto x = atom_value(int_atom(v));
    REQUIRE(x);
    CHECK(*x == Value::of_int(v));
  }
}

TEST_CASE("tcg token: encode_tokens refuses a token its form cannot hold, naming the token") {
  // Core §3.2.2.3.1: a tiny atom is one byte holding a 6-bit integer (no byte sequence), a
  // short atom holds at most 15 data bytes, a medium one at most 2047.
  const Token sl = control(TokenType::start_list);
  const std::string tiny = "token 1: a tiny atom holds one 6-bit integer";
  CHECK(enc_error({sl, atom_token(AtomForm::tiny, true, false, {0x01})}) == tiny);  // a byte sequence
  CHECK(enc_error({sl, atom_token(AtomForm::tiny, false, false, {0x01, 0x02})}) == tiny);
  CHECK(enc_error({sl, atom_token(AtomForm::tiny, false, false, {})}) == tiny);
  CHECK(enc_error({sl, atom_token(AtomForm::tiny, false, false, {0x40})}) == tiny);  // 7 bits
  CHECK(enc(atom_token(AtomForm::tiny, false, false, {0x3F})) == "3f");
  CHECK(enc(atom_token(AtomForm::tiny, false, true, {0x3F})) == "7f");
  CHECK(enc_error({sl, sl, atom_token(AtomForm::short_atom, true, false, Bytes(16, 0x41))}) ==
        "token 2: short atom longer than 15 bytes");
  CHECK(enc(atom_token(AtomForm::short_atom, true, false, Bytes(15, 0x41))) == "af" + rep("41", 15));
  CHECK(enc_error({atom_token(AtomForm::medium, true, false, Bytes(2048, 0))}) == "token 0: medium atom longer than 2047 bytes");
  CHECK(enc(atom_token(AtomForm::medium, true, false, Bytes(2047, 0))).substr(0, 4) == "d7ff");
}

TEST_CASE("tcg token: header bytes E0 to E3 are long atoms, B is bit 1 and S bit 0 (Core §3.2.2.3.1.4)") {
  const Token e0 = dec_one("e0 000001 05");  // integer
  CHECK(e0 == atom_token(AtomForm::long_atom, false, false, {0x05}));
  const Token e1 = dec_one("e1 000001 ff");  // signed integer
  CHECK(e1 == atom_token(AtomForm::long_atom, false, true, {0xFF}));
  const Token e2 = dec_one("e2 000002 abcd");  // byte sequence
  CHECK(e2 == atom_token(AtomForm::long_atom, true, false, {0xAB, 0xCD}));
  const Token e3 = dec_one("e3 000000");  // continued byte sequence, empty
  CHECK(e3 == atom_token(AtomForm::long_atom, true, true, {}));
  // an integer in a long atom is still refused as a value (lockref keeps integers short)
  CHECK(items_error("f0 e0 000001 05 f1 f9 f0 f1") ==
        "token 1: integer in a medium or long atom (lockref keeps integers in tiny or short atoms)");
}

TEST_CASE("tcg token: a medium atom's B bit is bit 4, S bit 3, its length's high bits 2-0 (Core §3.2.2.3.1.3)") {
  // C1 00: an integer medium atom of 0x100 data bytes; D9 01: continued bytes, 0x101 bytes
  Bytes c1 = hx("c100");
  c1.insert(c1.end(), 256, 0x11);
  auto t = decode_tokens(c1);
  REQUIRE(t);
  REQUIRE(t->size() == 1);
  CHECK((*t)[0] == atom_token(AtomForm::medium, false, false, Bytes(256, 0x11)));
  Bytes d9 = hx("d901");
  d9.insert(d9.end(), 257, 0x22);
  t = decode_tokens(d9);
  REQUIRE(t);
  REQUIRE(t->size() == 1);
  CHECK((*t)[0] == atom_token(AtomForm::medium, true, true, Bytes(257, 0x22)));
}

TEST_CASE("tcg token: is_canonical is true exactly for the encoding lockref emits") {
  // A control token has one encoding, its byte: whatever its unused fields hold.
  const Token odd{TokenType::end_list, AtomForm::short_atom, false, false, {}};
  CHECK(is_canonical(odd));
  CHECK(enc(odd) == "f1");
  // tiny atoms are canonical, signed ones too: -1 is 7F, -32 is 60, 31 is 5F
  for (const char* h : {"7f", "60", "5f", "3f", "00"}) {
    INFO(h);
    CHECK(is_canonical(dec_one(h)));
  }
  // an integer atom with no data bytes, or more than 8, is no encoding lockref emits
  CHECK_FALSE(is_canonical(dec_one("80")));
  CHECK_FALSE(is_canonical(dec_one("90")));
  CHECK_FALSE(is_canonical(dec_one("89 000000000000000001")));
  CHECK_FALSE(is_canonical(dec_one("99 ffffffffffffffffff")));
  // short atoms: minimal ones are canonical, a leading 00 / FF byte is not
  CHECK(is_canonical(dec_one("8180")));
  CHECK(is_canonical(dec_one("9180")));
  CHECK_FALSE(is_canonical(dec_one("820080")));
  CHECK_FALSE(is_canonical(dec_one("92ff80")));
}

// ---- token.hpp: values, method calls and results ---------------------------------------

TEST_CASE("tcg token: values nest 64 lists deep and no deeper") {
  // parse_items reads the result list at depth 1: 64 nested lists are accepted, the 65th
  // (token 64) is refused.
  CHECK(decode_items(hx(rep("f0", 64) + rep("f1", 64) + "f9f0f1")));
  CHECK(items_error(rep("f0", 65) + rep("f1", 65) + "f9f0f1") == "token 64: nesting deeper than 64");
}

TEST_CASE("tcg token: a stream that ends early is refused at the token where it ends") {
  CHECK(items_error("f0") == "token 1: expected End List, stream ended");
  CHECK(items_error("f0 f0 f0") == "token 3: expected End List, stream ended");
  CHECK(items_error("f0 f1 f9") == "token 3: expected a value, stream ended");
  CHECK(items_error("f0 f1") == "token 2: expected End of Data after the parameter list");
  CHECK(items_error("f0 f2 00 01") == "token 4: expected End Name after a name and its value");
  CHECK(items_error("f8") == "token 1: expected a UID byte atom after Call");
  std::size_t i = 0;
  const auto none = tcg::detail::parse_value({}, i, 0);
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "token 0: expected a value, stream ended");
}

TEST_CASE("tcg token: the parser reads no token past the end of its vector") {
  // The same early ends as above, the vector's spare storage holding the token that would
  // have completed the stream: the answer does not change.
  const Token sl = control(TokenType::start_list), el = control(TokenType::end_list);
  const Token eod = control(TokenType::end_of_data);
  CHECK(items_error(with_stale_tail({sl, el, eod}, {control(TokenType::empty)})) ==
        "token 3: expected a value, stream ended");
  CHECK(items_error(with_stale_tail({sl, el}, {eod})) == "token 2: expected End of Data after the parameter list");
  CHECK(items_error(with_stale_tail({sl, control(TokenType::start_name), uint_atom(0), uint_atom(1)},
                                    {control(TokenType::end_name)})) ==
        "token 4: expected End Name after a name and its value");
  CHECK(items_error(with_stale_tail({control(TokenType::call)}, {atom_token(AtomForm::short_atom, true, false, {})})) ==
        "token 1: expected a UID byte atom after Call");
}

TEST_CASE("tcg token: a malformed atom inside a value is refused with its token number") {
  // 80: a short integer atom with no data bytes (token 1 of the result list)
  CHECK(items_error("f0 80 f1 f9 f0 f1") == "token 1: integer atom with no data bytes");
  // the same as the name of a named value (token 2), its value well formed
  CHECK(items_error("f0 f2 80 01 f3 f1 f9 f0 f1") == "token 2: integer atom with no data bytes");
}

TEST_CASE("tcg token: the method status after End of Data is a list of integers") {
  // Core §3.2.4: [results] EndOfData [status list]
  CHECK(items_error("f0 f1 f9 f3") == "token 3: expected a value, got End Name");
  CHECK(items_error("f0 f1 f9 00") == "token 3: expected the method status list");
  CHECK(items_error("f0 f1 f9 f2 00 01 f3") == "token 3: expected the method status list");
  auto ok = decode_items(hx("f0 f1 f9 f0 01 02 03 f1"));
  REQUIRE(ok);
  CHECK(std::get<MethodResult>((*ok)[0]).status == StatusList{1, 2, 3});
}

TEST_CASE("tcg token: Call takes two UID byte atoms, not integers or control tokens") {
  // Core §3.2.4.1: Call InvokingID MethodID: both are UIDs, 8-byte byte sequences
  CHECK(items_error("f8 01") == "token 1: expected a UID byte atom after Call");
  CHECK(items_error("f8 a800000000000000ff 01") == "token 2: expected a UID byte atom after Call");
  // a control token is no UID, whatever its unused B field holds
  const Token stray_b{TokenType::start_list, AtomForm::tiny, true, false, {}};
  CHECK(items_error({control(TokenType::call), stray_b}) == "token 1: expected a UID byte atom after Call");
  CHECK(items_error({control(TokenType::call), bytes_atom(uid8), stray_b}) == "token 2: expected a UID byte atom after Call");
}

// ---- packet.hpp: ComPacket / Packet / Subpacket framing -----------------------------------

namespace {
// ComPacket: Reserved 0, ComID 07FE, ComIDExtension 0001, OutstandingData 0x10,
// MinTransfer 0x200, Length 40; Packet: TSN 0x1001, HSN 2, SeqNumber 3, Reserved 0,
// AckType 1, Acknowledgement 0x0A, Length 16; Subpacket: Reserved 0, Kind 0, Length 1,
// payload FA (End of Session), 3 pad bytes.
const std::string framed =
    "00000000" "07fe" "0001" "00000010" "00000200" "00000028"
    "00001001" "00000002" "00000003" "0000" "0001" "0000000a" "00000010"
    "000000000000" "0000" "00000001" "fa000000";

std::string packet_error(const Bytes& b) {
  auto r = decode_compacket(b);
  REQUIRE_FALSE(r);
  return r.error().message;
}
}  // namespace

TEST_CASE("tcg packet: every header field is read from its place (Core §3.2.3)") {
  const auto c = decode_compacket(hx(framed));
  REQUIRE(c);
  CHECK(c->comid == 0x07FE);
  CHECK(c->comid_ext == 0x0001);
  CHECK(c->outstanding == 0x10u);
  CHECK(c->min_transfer == 0x200u);
  REQUIRE(c->packets.size() == 1);
  const Packet& p = c->packets[0];
  CHECK(p.tsn == 0x1001u);
  CHECK(p.hsn == 2u);
  CHECK(p.seq == 3u);
  CHECK(p.ack_type == 1u);
  CHECK(p.ack == 0x0Au);
  REQUIRE(p.subpackets.size() == 1);
  CHECK(p.subpackets[0] == Subpacket{0, Bytes{0xFA}});
  CHECK(to_hex(*encode_compacket(*c)) == framed);
  const auto raw = decode_raw_compacket(hx(framed));
  REQUIRE(raw);
  CHECK(raw->min_transfer == 0x200u);
  CHECK(raw->outstanding == 0x10u);
}

TEST_CASE("tcg packet: a non-zero Packet or Subpacket Reserved byte is refused at its offset") {
  // Packet Reserved: bytes 12-13 of the Packet at offset 20, i.e. 32-33
  Bytes b = hx(framed);
  b[33] = 0x01;
  CHECK(packet_error(b) == "Packet Reserved: non-zero byte 0x01 at offset 33 (must be zero)");
  // Subpacket Reserved: bytes 0-5 of the Subpacket at offset 44
  b = hx(framed);
  b[46] = 0x80;
  CHECK(packet_error(b) == "Subpacket Reserved: non-zero byte 0x80 at offset 46 (must be zero)");
}

TEST_CASE("tcg packet: Packet and Subpacket headers cut short are refused") {
  // a Packet of 12 bytes: TSN, HSN, SeqNumber, then the ComPacket ends (Reserved missing)
  CHECK(packet_error(hx("00000000" "07fe0000" "00000000" "00000000" "0000000c" "00001001" "00000002" "00000003")) ==
        "Packet at offset 20: truncated at offset 12: need 2 byte(s), 0 left");
  // a Packet Length of 4: the Subpacket's 6 Reserved bytes do not fit
  CHECK(packet_error(hx("00000000" "07fe0000" "00000000" "00000000" "0000001c"
                        "00001001" "00000002" "00000003" "0000" "0000" "00000000" "00000004" "00000000")) ==
        "Subpacket at offset 44: truncated at offset 0: need 6 byte(s), 4 left");
  // a Packet Length of 8: Reserved and Kind, no Length
  CHECK(packet_error(hx("00000000" "07fe0000" "00000000" "00000000" "00000020"
                        "00001001" "00000002" "00000003" "0000" "0000" "00000000" "00000008" "000000000000" "0000")) ==
        "Subpacket at offset 44: truncated at offset 8: need 4 byte(s), 0 left");
}

TEST_CASE("tcg packet: a header cut inside a field is reported at that field, with its width") {
  // Core 2.01 3.2.3: ComPacket header Reserved(4) ComID(2) ComID Extension(2) Outstanding(4)
  // MinTransfer(4) Length(4); Packet header TSN(4) HSN(4) SeqNumber(4) Reserved(2) AckType(2)
  // Acknowledgement(4) Length(4); Subpacket header Reserved(6) Kind(2) Length(4). The field
  // that does not fit is named by its own offset and width, not by a later field's.
  // 7 bytes: the ComID Extension (offset 6, 2 bytes) has 1
  CHECK(packet_error(hx("00000000" "07fe00")) == "ComPacket: truncated at offset 6: need 2 byte(s), 1 left");
  // a Packet of 11 bytes: SeqNumber (Packet offset 8, 4 bytes) has 3
  CHECK(packet_error(hx("00000000" "07fe0000" "00000000" "00000000" "0000000b" "00001001" "00000002" "000000")) ==
        "Packet at offset 20: truncated at offset 8: need 4 byte(s), 3 left");
  // a Packet of 15 bytes: AckType (Packet offset 14, 2 bytes) has 1
  CHECK(packet_error(hx("00000000" "07fe0000" "00000000" "00000000" "0000000f"
                        "00001001" "00000002" "00000003" "0000" "00")) ==
        "Packet at offset 20: truncated at offset 14: need 2 byte(s), 1 left");
  // a Packet Length of 7: the Subpacket's Kind (offset 6, 2 bytes) has 1
  CHECK(packet_error(hx("00000000" "07fe0000" "00000000" "00000000" "0000001f"
                        "00001001" "00000002" "00000003" "0000" "0000" "00000000" "00000007" "000000000000" "00")) ==
        "Subpacket at offset 44: truncated at offset 6: need 2 byte(s), 1 left");
}

TEST_CASE("tcg packet: a Subpacket's pad to 4 bytes lies inside the Packet Length") {
  // Subpacket Length 1 (payload FA) needs 3 pad bytes counted in the Packet Length (seed 002
  // Table 5): Packet Length 13 (no pad) and 15 (two of three) are refused.
  for (const std::size_t plen : {13u, 15u}) {
    INFO(plen);
    Bytes b = hx("00000000" "07fe0000" "00000000" "00000000" "00000000"
                 "00001001" "00000002" "00000003" "0000" "0000" "00000000" "00000000"
                 "000000000000" "0000" "00000001" "fa");
    b.insert(b.end(), plen - 13, 0);
    b[19] = static_cast<std::uint8_t>(24 + plen);  // ComPacket Length
    b[43] = static_cast<std::uint8_t>(plen);       // Packet Length
    CHECK(packet_error(b) ==
          "Subpacket at offset 44: payload of 1 byte(s) must be followed by 3 pad byte(s) inside the Packet Length");
  }
}

}  // namespace LOCKREF_UNITY_ID
