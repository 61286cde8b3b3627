// OCP L.O.C.K. key management block: what the other tests left open, written to kill the
// mutants tools/mutate.py found surviving (spec/mutation/report.md). Field names and
// orders: seed 001 §4.7.2 (the command tables).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "kmb_fixture.hpp"
#include "lockref/lock/kmb/decode.hpp"
#include "lockref/lock/kmb/endorse.hpp"
#include "lockref/lock/kmb/kmb.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

TEST_CASE("kmb decode: a GET_ALGORITHMS response prints every field of Table 20, in order") {
  // Table 20: chksum u32, fips_status u32, reserved u32[4], endorsement_algorithms u32,
  // hpke_algorithms u32, access_key_sizes u32: 36 bytes ("GALG", §4.7.2.6)
  Bytes out(36, 0);
  out[24] = 0x01;  // endorsement_algorithms: byte 0 bit 0
  out[28] = 0x07;  // hpke_algorithms: bits 0-2
  out[32] = 0x01;  // access_key_sizes: 256 bits
  const auto code = lock::kmb::parse_command("GALG");
  REQUIRE(code);
  const auto d = lock::kmb::decode_mailbox(*code, lock::kmb::Direction::response, out);
  REQUIRE(d);
  CHECK(d->command == "GET_ALGORITHMS");
  CHECK(d->table.find("20") != std::string::npos);  // the output table
  REQUIRE_FALSE(d->error);
  REQUIRE(d->fields);
  std::size_t at = 0;
  for (const char* field : {"chksum", "fips_status", "reserved", "endorsement_algorithms", "hpke_algorithms",
                            "access_key_sizes"}) {
    const auto p = d->pretty.find(field, at);
    CHECK_MESSAGE(p != std::string::npos, field << " is not printed after offset " << at << ":\n" << d->pretty);
    if (p != std::string::npos) at = p;
  }
}


namespace {
namespace kmb = lockref::lock::kmb;
bool contains(const Bytes& hay, const Bytes& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}
}  // namespace

TEST_CASE("kmb endorse: a P-384 key is certified as id-ecPublicKey on secp384r1 (RFC 5480)") {
  // RFC 5480 §2.1.1: id-ecPublicKey = 1.2.840.10045.2.1, secp384r1 = 1.3.132.0.34; X.690 DER:
  // AlgorithmIdentifier 30 10 | 06 07 2A 86 48 CE 3D 02 01 | 06 05 2B 81 04 00 22, then the
  // subjectPublicKey BIT STRING 03 62 00 || the 97-byte uncompressed point (RFC 5480 §2.2).
  // Seed 001 §4.7.2.9 Table 27: "endorsement: DER-encoded X.509 certificate".
  const Bytes alg = {0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
                     0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
  auto spki = [&](const Bytes& pk) {
    Bytes b = alg;
    b.insert(b.end(), {0x03, 0x62, 0x00});
    b.insert(b.end(), pk.begin(), pk.end());
    return b;
  };
  const auto dh = crypto::hpke::derive_key_pair(crypto::hpke::kem_dhkem_p384, Bytes(48, 0x11)).value();
  const kmb::Keypair kp{7, 1, dh.sk, dh.pk};
  const auto cert = kmb::endorse::certificate(kmb::endorse::alias_key(1), kp);
  REQUIRE(cert);
  CHECK(contains(*cert, spki(kp.pk)));
  const auto alias = kmb::endorse::alias_certificate(1);
  REQUIRE(alias);
  CHECK(contains(*alias, spki(crypto::p384::public_key(kmb::endorse::alias_key(1)).value())));
  // ecdsa-with-SHA384 = 1.2.840.10045.4.3.3 (RFC 5758 §3.2) signs both
  const Bytes sig = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};
  CHECK(contains(*cert, sig));
  CHECK(contains(*alias, sig));
}

TEST_CASE("kmb: ENDORSE_HPKE_PUB_KEY of a keypair with no certificate form is refused under §4.7.2.9") {
  // A state given from outside (`lockref eval kmb.step`) may hold a keypair whose algorithm is
  // no Table 20 bit; the endorsement (§4.7.2.9 Table 27, KMB-4.7.2.9-2 "DER-encoded X.509
  // certificate") cannot be made, and the refusal names that requirement.
  kmb::Profile p;
  auto s = kmb::Machine::initial(p);
  s.hpke = {kmb::Keypair{9, 8, Bytes(48, 1), Bytes(97, 4)}};
  const auto h = kmb::Machine::handle(p, s, kmb::EndorseHpkePubKeyReq{0, 0, 9, 1});
  CHECK(h.status == p.malformed_code);
  CHECK(h.rule == "KMB-4.7.2.9-2");
}

TEST_CASE("kmb: a KMB view field names the requirement that governs it") {
  // spec/requirements/kmb.json: KMB-4.7.2.18-1 "The decrypted MEK ... [is] loaded into the
  // encryption engine key cache" (key_cache_entries); KMB-4.6.2.1-HANDLES "KMB maintains a set
  // of HPKE keypairs ... mapped to unique handles" (handles); KMB-4.7.2.14-1 (the MEK secret).
  CHECK(kmb::Machine::view_requirement("key_cache_entries") == "KMB-4.7.2.18-1");
  CHECK(kmb::Machine::view_requirement("handles") == "KMB-4.6.2.1-HANDLES");
  CHECK(kmb::Machine::view_requirement("mek_secret_initialized") == "KMB-4.7.2.14-1");
}

TEST_CASE("kmb host: REPORT_EPOCH_KEY_STATE is laid out as Table 50, reserved fields zero") {
  // seed 001 §4.7.2.21 Table 50: chksum u32, reserved u32, sek_state u16, padding u16
  // ("Reserved."), nonce u8[16]; integers little-endian (§4.7.2.1).
  kmb::U8<16> nonce{};
  for (std::size_t i = 0; i < 16; ++i) nonce[i] = static_cast<std::uint8_t>(0xA0 + i);
  const auto m = kmb::host::report_epoch_key_state(1, nonce);
  CHECK(m.cmd == 0x52454B53u);  // "REKS"
  REQUIRE(m.payload.size() == 28);
  Bytes want = {0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00};  // reserved, sek_state = 1, padding
  want.insert(want.end(), nonce.begin(), nonce.end());
  CHECK(Bytes(m.payload.begin() + 4, m.payload.end()) == want);
}

TEST_CASE("kmb: no TRNG sample seeds the DRBG twice (power-on instantiate, then the cold-reset reseed)") {
  // seed 001 §4.6.6: the DRBG "is seeded from a TRNG"; NIST SP 800-90A §9.2: a reseed
  // combines the state with new entropy input. The sample the next reseed draws
  // (trng_samples counts those drawn) must not be the one the power-on instantiation used.
  kmb::Profile p;
  const auto s = kmb::Machine::initial(p);
  REQUIRE(s.trng_samples == 1);
  const auto pers = to_bytes(kmb::drbg_personalization);
  CHECK(s.drbg != crypto::drbg_instantiate(kmb::trng_sample(p.seed, s.trng_samples), {}, pers).value());
  // the reseed changes the state
  const auto r = kmb::Machine::step(p, s, kmb::Event{kmb::ColdReset{}});
  CHECK(r.next.trng_samples == 2);
  CHECK(r.next.drbg != s.drbg);
}


TEST_CASE("kmb decode: an hpke_algorithm that is no Table 20 bit is named in full, most significant byte first") {
  // seed 001 Table 20 hpke_algorithms bits 0..2; a SealedAccessKey's hpke_algorithm (u32,
  // §4.7.2.1 little-endian on the wire) outside them is refused as LOCK_BAD_ALGORITHM, and
  // the detail spells the value as a 32-bit hex number.
  for (const std::uint32_t a : {0x00010000u, 0x80000000u, 0x00000300u, 0x12345678u}) {
    const auto n = kmb::nenc_of(a);
    REQUIRE(std::holds_alternative<wire::Issue>(n));
    const auto& i = std::get<wire::Issue>(n);
    CHECK(i.code == "LOCK_BAD_ALGORITHM");
    char want[16];
    std::snprintf(want, sizeof want, "0x%08x", a);
    CHECK_MESSAGE(i.message.find(want) != std::string::npos, i.message);
  }
}


// ---- Run V (lock/kmb, whole domain): the refusals and answers the handlers give ---------------
// Each command's answers are checked against the requirement whose quoted seed text governs it
// (spec/requirements/kmb.json):
//   KMB-4.7.2.4-T14  Table 14 "5h to FFFFh: Reserved" (seed_state)
//   KMB-4.7.2.4-T13  Table 13 total_slots / active_slot "Zero-indexed"; §4.6.4.1 4..16 slots
//   KMB-4.7.2.4-ONCE §4.7.2.4 "must be called exactly once after each cold reset"
//   KMB-4.7.2.5-1 .. KMB-4.7.2.21-1: the section of each command; KMB-4.7.2.21-HEK-OPS
//   "Operations that use the HEK are disallowed in all HEK_UNAVAIL_* states"; KMB-4.6.2.2.x-1
//   the MPK operations of §4.6.2.2 (Figures 12-15); KMB-4.6.5.3-1 Figure 25 (derive checksum).
namespace {
using lockref::test::kmb_fixture::Runtime;
using lockref::test::kmb_fixture::decoded;
using lockref::test::kmb_fixture::kSek;
using lockref::test::kmb_fixture::kDpk;
using lockref::test::kmb_fixture::kMetd;
using lockref::test::kmb_fixture::kAux;
template <class Req>
void refused(const kmb::Profile& p, const kmb::State& s, const Req& r, const std::string& code, const std::string& rule) {
  const auto h = kmb::Machine::handle(p, s, r);
  CHECK_MESSAGE(h.status == code, h.status << " / " << h.rule << ": " << h.detail);
  CHECK_MESSAGE(h.rule == rule, h.status << " / " << h.rule << ": " << h.detail);
}
template <class Req>
kmb::Machine::Handled accepted(const kmb::Profile& p, const kmb::State& s, const Req& r, const std::string& rule) {
  auto h = kmb::Machine::handle(p, s, r);
  CHECK_MESSAGE(h.status == "ok", h.status << " / " << h.rule << ": " << h.detail);
  CHECK(h.rule == rule);
  return h;
}
}  // namespace

TEST_CASE("kmb handlers: REPORT_HEK_METADATA's bounds (Tables 13-14, §4.6.4.1)") {
  kmb::Profile p;
  const auto s = kmb::Machine::initial(p);
  auto req = [](std::uint16_t seed_state, std::uint16_t active, std::uint16_t total) {
    kmb::ReportHekMetadataReq r{};
    r.seed_state = seed_state;
    r.active_slot = active;
    r.total_slots = total;
    return r;
  };
  // Table 14: 0h..4h are seed states, 5h..FFFFh reserved.
  accepted(p, s, req(4, 0, 4), "KMB-4.7.2.4-ONCE");
  refused(p, s, req(5, 0, 4), p.malformed_code, "KMB-4.7.2.4-T14");
  refused(p, s, req(0xFFFF, 0, 4), p.malformed_code, "KMB-4.7.2.4-T14");
  // §4.6.4.1: 4 <= total_slots <= 16; active_slot zero-indexed, below total_slots.
  accepted(p, s, req(0, 0, 16), "KMB-4.7.2.4-ONCE");
  accepted(p, s, req(0, 15, 16), "KMB-4.7.2.4-ONCE");
  accepted(p, s, req(0, 3, 4), "KMB-4.7.2.4-ONCE");
  refused(p, s, req(0, 0, 3), p.malformed_code, "KMB-4.7.2.4-T13");
  refused(p, s, req(0, 0, 17), p.malformed_code, "KMB-4.7.2.4-T13");
  refused(p, s, req(0, 4, 4), p.malformed_code, "KMB-4.7.2.4-T13");
  refused(p, s, req(0, 16, 16), p.malformed_code, "KMB-4.7.2.4-T13");
}

TEST_CASE("kmb handlers: the status commands answer with their tables (§4.7.2.5-§4.7.2.8, §4.7.2.14, §4.7.2.20)") {
  Runtime k;
  // §4.7.2.5 Table 18 ctrl_register: the CTRL register (Table 9: RDY 31, ERR 19:16, CMD 5:2,
  // DONE 1, EXE 0). RDY with ERR 3h, CMD 2h, DONE: 0x80030000 | 0x8 | 0x2.
  auto s = k.s;
  s.engine.engine.ctrl = engine::Ctrl{true, 3, 2, true, false};
  const auto st = kmb::Machine::handle(k.p, s, kmb::GET_STATUS{}, kmb::ChecksumOnly{});
  CHECK(st.rule == "KMB-4.7.2.5-1");
  CHECK(decoded<kmb::GetStatusResp>(kmb::Mailbox{0, st.response}).ctrl_register == 0x8003000Au);
  // §4.7.2.6 Table 20: the profile's three non-zero fields.
  kmb::Profile p = k.p;
  p.endorsement_algorithms = 0b10;
  p.hpke.hpke_algorithms = 0b101;
  p.hpke.access_key_sizes = 0b1;
  const auto gh = kmb::Machine::handle(p, k.s, kmb::GET_ALGORITHMS{}, kmb::ChecksumOnly{});
  CHECK(gh.rule == "KMB-4.7.2.6-NONZERO");
  const auto ga = decoded<kmb::GetAlgorithmsResp>(kmb::Mailbox{0, gh.response});
  CHECK(ga.endorsement_algorithms == 0b10);
  CHECK(ga.hpke_algorithms == 0b101);
  CHECK(ga.access_key_sizes == 0b1);
  CHECK(kmb::Machine::handle(k.p, k.s, kmb::ENUMERATE_HPKE_HANDLES{}, kmb::RequestHeader{}).rule == "KMB-4.7.2.8-1");
  CHECK(kmb::Machine::handle(k.p, k.s, kmb::INITIALIZE_MEK_SECRET{}, kmb::RequestHeader{}).rule == "KMB-4.7.2.14-1");
  accepted(k.p, k.s, decoded<kmb::ClearKeyCacheReq>(kmb::host::clear_key_cache(9)), "KMB-4.7.2.7-1");
  accepted(k.p, k.s, decoded<kmb::UnloadMekReq>(kmb::host::unload_mek(kMetd, 9)), "KMB-4.7.2.20-1");
}

TEST_CASE("kmb handlers: ENDORSE_HPKE_PUB_KEY and ROTATE_HPKE_KEY refusals (§4.7.2.9-§4.7.2.10)") {
  Runtime k;
  const auto h0 = k.s.hpke.at(0).handle;
  // Table 26: endorsement_algorithm 0h returns the public key only; otherwise one Table 20 bit
  // that GET_ALGORITHMS reports (the default profile: bit 0 only).
  accepted(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, h0, 0}, "KMB-4.7.2.9-1");
  accepted(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, h0, 1}, "KMB-4.7.2.9-2");
  refused(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, 999, 0}, "LOCK_BAD_HANDLE", "KMB-4.7.2.9-1");
  refused(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, h0, 0b11}, "LOCK_BAD_ALGORITHM", "KMB-4.7.2.9-2");
  refused(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, h0, 0b10}, "LOCK_BAD_ALGORITHM", "KMB-4.7.2.9-2");
  refused(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, h0, 0x80000000u}, "LOCK_BAD_ALGORITHM", "KMB-4.7.2.9-2");
  // A profile that reports bit 1 as well accepts bit 1 alone, not both together.
  kmb::Profile both = k.p;
  both.endorsement_algorithms = 0b11;
  refused(both, k.s, kmb::EndorseHpkePubKeyReq{0, 0, h0, 0b11}, "LOCK_BAD_ALGORITHM", "KMB-4.7.2.9-2");
  // §4.7.2.10: the new keypair's handle is returned and is the one KMB now holds.
  refused(k.p, k.s, kmb::RotateHpkeKeyReq{0, 0, 999}, "LOCK_BAD_HANDLE", "KMB-4.7.2.10-1");
  const auto r = accepted(k.p, k.s, kmb::RotateHpkeKeyReq{0, 0, h0}, "KMB-4.7.2.10-1");
  const auto rr = decoded<kmb::RotateHpkeKeyResp>(kmb::Mailbox{0, r.response});
  CHECK(rr.hpke_handle != h0);
  CHECK(rr.hpke_handle == r.next.hpke.at(0).handle);
}

TEST_CASE("kmb handlers: every HEK operation is refused without the HEK, under KMB-4.7.2.21-HEK-OPS") {
  Runtime k;
  const auto no = k.without_hek();
  const auto sealed = k.seal({Bytes(32, 0x41)});
  const std::string code = "LOCK_HEK_NOT_AVAILABLE", rule = "KMB-4.7.2.21-HEK-OPS";
  refused(k.p, no, decoded<kmb::GenerateMpkReq>(kmb::host::generate_mpk(kSek, {}, sealed)), code, rule);
  refused(k.p, no, kmb::RewrapMpkReq{0, 0, kSek, {}, sealed, {}}, code, rule);
  refused(k.p, no, kmb::EnableMpkReq{0, 0, kSek, sealed, {}}, code, rule);
  refused(k.p, no, kmb::MixMpkReq{}, code, rule);
  refused(k.p, no, kmb::TestAccessKeyReq{0, 0, kSek, {}, {}, sealed}, code, rule);
  refused(k.p, no, kmb::GenerateMekReq{0, 0, kSek, kDpk}, code, rule);
  refused(k.p, no, kmb::LoadMekReq{0, 0, kSek, kDpk, kMetd, kAux, {}, 9}, code, rule);
  refused(k.p, no, kmb::DeriveMekReq{0, 0, kSek, kDpk, {}, kMetd, kAux, 9}, code, rule);
}

TEST_CASE("kmb handlers: the MPK commands name their §4.6.2.2 operation, refused or done") {
  Runtime k;
  const Bytes ak(32, 0x41), ak2(32, 0x42), wrong(32, 0x43);
  kmb::SealedAccessKey bad_handle = k.seal({ak});
  bad_handle.hpke_handle = 999;
  // GENERATE_MPK (§4.6.2.2.1)
  const auto g = accepted(k.p, k.s, decoded<kmb::GenerateMpkReq>(kmb::host::generate_mpk(kSek, to_bytes("m"), k.seal({ak}))),
                          "KMB-4.6.2.2.1-1");
  refused(k.p, k.s, decoded<kmb::GenerateMpkReq>(kmb::host::generate_mpk(kSek, {}, bad_handle)), "LOCK_BAD_HANDLE",
          "KMB-4.6.2.2.1-1");
  const auto locked = decoded<kmb::GenerateMpkResp>(kmb::Mailbox{0, g.response}).encrypted_mpk;
  k.s = g.next;
  // ENABLE_MPK (§4.6.2.2.2)
  const auto e = accepted(k.p, k.s, kmb::EnableMpkReq{0, 0, kSek, k.seal({ak}), locked}, "KMB-4.6.2.2.2-1");
  refused(k.p, k.s, kmb::EnableMpkReq{0, 0, kSek, bad_handle, locked}, "LOCK_BAD_HANDLE", "KMB-4.6.2.2.2-1");
  refused(k.p, k.s, kmb::EnableMpkReq{0, 0, kSek, k.seal({wrong}), locked}, "LOCK_MPK_DECRYPT", "KMB-4.6.2.2.2-1");
  const auto enabled = decoded<kmb::EnableMpkResp>(kmb::Mailbox{0, e.response}).enabled_mpk;
  // TEST_ACCESS_KEY (§4.6.2.2.4)
  accepted(k.p, k.s, kmb::TestAccessKeyReq{0, 0, kSek, {}, locked, k.seal({ak})}, "KMB-4.6.2.2.4-1");
  refused(k.p, k.s, kmb::TestAccessKeyReq{0, 0, kSek, {}, locked, bad_handle}, "LOCK_BAD_HANDLE", "KMB-4.6.2.2.4-1");
  refused(k.p, k.s, kmb::TestAccessKeyReq{0, 0, kSek, {}, locked, k.seal({wrong})}, "LOCK_MPK_DECRYPT",
          "KMB-4.6.2.2.4-1");
  // REWRAP_MPK (§4.6.2.2.3): both keys sealed in one context
  Bytes second;
  const auto two = k.seal({ak, ak2}, &second);
  accepted(k.p, k.s, kmb::RewrapMpkReq{0, 0, kSek, locked, two, second}, "KMB-4.6.2.2.3-1");
  auto two_bad = two;
  two_bad.hpke_handle = 999;
  refused(k.p, k.s, kmb::RewrapMpkReq{0, 0, kSek, locked, two_bad, second}, "LOCK_BAD_HANDLE", "KMB-4.6.2.2.3-1");
  Bytes second_wrong;
  const auto two_wrong = k.seal({wrong, ak2}, &second_wrong);
  refused(k.p, k.s, kmb::RewrapMpkReq{0, 0, kSek, locked, two_wrong, second_wrong}, "LOCK_MPK_DECRYPT",
          "KMB-4.6.2.2.3-1");
  // MIX_MPK (§4.7.2.15): before INITIALIZE_MEK_SECRET, then with an Enabled MPK that fails.
  refused(k.p, k.s, kmb::MixMpkReq{0, 0, enabled}, "LOCK_MEK_NOT_INITIALIZED", "KMB-4.7.2.15-1");
  auto init = k.s;
  init.kv.mpk_secret = Bytes(64, 0);
  accepted(k.p, init, kmb::MixMpkReq{0, 0, enabled}, "KMB-4.7.2.15-2");
  auto spoiled = enabled;
  spoiled.ciphertext.back() ^= 1;
  refused(k.p, init, kmb::MixMpkReq{0, 0, spoiled}, "LOCK_MPK_DECRYPT", "KMB-4.7.2.15-2");
}

TEST_CASE("kmb handlers: the MEK commands before and after INITIALIZE_MEK_SECRET (§4.7.2.17-§4.7.2.19)") {
  Runtime k;
  refused(k.p, k.s, kmb::GenerateMekReq{0, 0, kSek, kDpk}, "LOCK_MEK_NOT_INITIALIZED", "KMB-4.7.2.17-1");
  refused(k.p, k.s, kmb::LoadMekReq{0, 0, kSek, kDpk, kMetd, kAux, {}, 9}, "LOCK_MEK_NOT_INITIALIZED",
          "KMB-4.7.2.18-1");
  refused(k.p, k.s, kmb::DeriveMekReq{0, 0, kSek, kDpk, {}, kMetd, kAux, 9}, "LOCK_MEK_NOT_INITIALIZED",
          "KMB-4.7.2.19-1");
  auto init = k.s;
  init.kv.mpk_secret = Bytes(64, 0);
  const auto g = accepted(k.p, init, kmb::GenerateMekReq{0, 0, kSek, kDpk}, "KMB-4.7.2.17-1");
  const auto wrapped = decoded<kmb::GenerateMekResp>(kmb::Mailbox{0, g.response}).wrapped_mek;
  // LOAD_MEK: the decrypted MEK sits in Key Vault slot 23 until the engine has it (Figure 50
  // [069]; Table 1); it is the MEK handed to the engine.
  const auto l = accepted(k.p, init, kmb::LoadMekReq{0, 0, kSek, kDpk, kMetd, kAux, wrapped, 9},
                          "KMB-4.7.2.18-1");
  REQUIRE(l.next.kv.mek);
  REQUIRE(l.engine);
  CHECK(l.next.kv.mek->size() == 64);
  auto spoiled = wrapped;
  spoiled.ciphertext.back() ^= 1;
  refused(k.p, init, kmb::LoadMekReq{0, 0, kSek, kDpk, kMetd, kAux, spoiled, 9}, "LOCK_MEK_DECRYPT",
          "KMB-4.7.2.18-1");
  // DERIVE_MEK (Figure 25): checksum zero accepted; the returned checksum accepted again; any
  // other non-zero checksum fails with the profile's code.
  const auto d = accepted(k.p, init, kmb::DeriveMekReq{0, 0, kSek, kDpk, {}, kMetd, kAux, 9}, "KMB-4.6.5.3-1");
  REQUIRE(d.next.kv.mek);
  CHECK(d.next.kv.mek->size() == 64);
  const auto sum = decoded<kmb::DeriveMekResp>(kmb::Mailbox{0, d.response}).mek_checksum;
  accepted(k.p, init, kmb::DeriveMekReq{0, 0, kSek, kDpk, sum, kMetd, kAux, 9}, "KMB-4.6.5.3-1");
  auto other = sum;
  other[0] ^= 1;
  refused(k.p, init, kmb::DeriveMekReq{0, 0, kSek, kDpk, other, kMetd, kAux, 9}, k.p.derive_checksum_code,
          "KMB-4.6.5.3-1");
}

TEST_CASE("kmb handlers: REPORT_EPOCH_KEY_STATE's reserved sek_state and its erasure count (Tables 51-52, §4.7.2.21.1)") {
  Runtime k;
  accepted(k.p, k.s, kmb::ReportEpochKeyStateReq{0, 0, 1, 0, {}}, "KMB-4.7.2.21-1");
  refused(k.p, k.s, kmb::ReportEpochKeyStateReq{0, 0, 2, 0, {}}, k.p.malformed_code, "KMB-4.7.2.21-T52");
  // A given state whose metadata counts below zero (active slot past the last, seed zeroized)
  // reports 0 erasures remaining, not a wrapped-around u16.
  auto s = k.s;
  s.hek_metadata = lock::epoch::HekMetadata{lock::epoch::SeedState::zeroized, 4, 4};
  const auto h = accepted(k.p, s, kmb::ReportEpochKeyStateReq{0, 0, 1, 0, {}}, "KMB-4.7.2.21-1");
  CHECK(decoded<kmb::ReportEpochKeyStateResp>(kmb::Mailbox{0, h.response}).hek_erasures_remaining == 0);
}

TEST_CASE("kmb invariants: one keypair per algorithm with unique handles, a HEK only if reported (§4.6.2.1, §4.6.4.1)") {
  Runtime k;
  CHECK(kmb::inv::one_keypair_per_algorithm(k.p, k.s));
  CHECK(kmb::inv::hek_only_if_reported(k.p, k.s));
  auto dup_alg = k.s;
  dup_alg.hpke.at(1).hpke_algorithm = dup_alg.hpke.at(0).hpke_algorithm;
  CHECK_FALSE(kmb::inv::one_keypair_per_algorithm(k.p, dup_alg));
  auto dup_handle = k.s;
  dup_handle.hpke.at(2).handle = dup_handle.hpke.at(0).handle;
  CHECK_FALSE(kmb::inv::one_keypair_per_algorithm(k.p, dup_handle));
  auto missing = k.s;
  missing.hpke.pop_back();
  CHECK_FALSE(kmb::inv::one_keypair_per_algorithm(k.p, missing));
  // In ROM no keypair exists yet, and a HEK in the Key Vault needs no report yet (Figure 37).
  auto rom = kmb::Machine::initial(k.p);
  CHECK(kmb::inv::one_keypair_per_algorithm(k.p, rom));
  rom.kv.hek = Bytes(32, 7);
  CHECK(kmb::inv::hek_only_if_reported(k.p, rom));
  // Four keypairs whose algorithms still cover Table 20's three: the repeated one is refused.
  auto four = k.s;
  auto extra = four.hpke.at(0);
  extra.handle = 99;
  four.hpke.push_back(extra);
  CHECK_FALSE(kmb::inv::one_keypair_per_algorithm(k.p, four));
  // Reported, but a zeroized seed in production (Table 53 HEK_UNAVAIL_ZEROIZED): no HEK allowed.
  auto zeroized = k.s;
  zeroized.hek_metadata = lock::epoch::HekMetadata{lock::epoch::SeedState::zeroized, 0, 4};
  CHECK_FALSE(kmb::inv::hek_only_if_reported(k.p, zeroized));
  auto unreported = k.s;
  unreported.hek_metadata = kmb::HekReport{};
  CHECK_FALSE(kmb::inv::hek_only_if_reported(k.p, unreported));
  unreported.kv.hek.reset();
  CHECK(kmb::inv::hek_only_if_reported(k.p, unreported));
}


TEST_CASE("kmb decode: a command is named by mnemonic, name or a number that fits 32 bits") {
  // §4.7.2.6: GET_ALGORITHMS, code "GALG" = 0x47414C47.
  CHECK(kmb::parse_command("GALG").value() == 0x47414C47u);
  CHECK(kmb::parse_command("GET_ALGORITHMS").value() == 0x47414C47u);
  CHECK(kmb::parse_command("0xFFFFFFFF").value() == 0xFFFFFFFFu);
  CHECK(kmb::parse_command("4294967295").value() == 0xFFFFFFFFu);
  CHECK(kmb::parse_command("0xFFFFFFFE").value() == 0xFFFFFFFEu);
  CHECK_FALSE(kmb::parse_command("0x100000000"));
  CHECK_FALSE(kmb::parse_command("4294967296"));
  CHECK_FALSE(kmb::parse_command("12x"));  // a number with text after it
  CHECK_FALSE(kmb::parse_command("galg"));
}

namespace {
bool same_keys(const Json& a, const Json& b) {
  if (!a.is_object() || !b.is_object() || a.size() != b.size()) return false;
  for (auto it = a.begin(); it != a.end(); ++it)
    if (!b.contains(it.key())) return false;
  return true;
}
}  // namespace

TEST_CASE("kmb decode: every command code decodes as its own command, either direction") {
  std::size_t n = 0;
  kmb::for_each_command([&](auto c) {
    using C = decltype(c);
    ++n;
    // Each table's fields, whatever their values (a zero request can be malformed, e.g. a
    // SealedAccessKey of no algorithm: then decoding stops inside it). Responses are summed
    // without a command code.
    auto both = [&](kmb::Direction dir, const Json& table, Bytes bytes) {
      kmb::seal_checksum(dir == kmb::Direction::request ? C::code : 0, bytes);
      const auto d = kmb::decode_mailbox(C::code, dir, bytes);
      REQUIRE(d);
      CHECK(d->command == C::name);
      CHECK(d->table == std::string(C::tables) + (dir == kmb::Direction::request ? " (input)" : " (output)"));
      CHECK_MESSAGE(d->checksum_ok, C::name);
      if (d->fields) CHECK(same_keys(*d->fields, table));
      else CHECK(d->error);
    };
    both(kmb::Direction::request, to_json(typename C::Request{}), wire::encode(typename C::Request{}));
    both(kmb::Direction::response, to_json(typename C::Response{}), wire::encode(typename C::Response{}));
  });
  CHECK(n == 18);  // §4.7.2.4 - §4.7.2.21
  // errata E-KMB-IMKS-CODE: the printed INITIALIZE_MEK_SECRET code decodes as that command.
  const auto imks = kmb::decode_mailbox(0x494D0B53u, kmb::Direction::request, Bytes(8, 0));
  REQUIRE(imks);
  CHECK(imks->command == "INITIALIZE_MEK_SECRET");
  const auto none = kmb::decode_mailbox(0x12345678u, kmb::Direction::request, Bytes(8, 0));
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("12345678") != std::string::npos);
}

TEST_CASE("kmb decode: the checksum is summed with the code for a request, with none for a response") {
  // Caliptra mailbox checksum (errata E-KMB-CHECKSUM): 0 - (code bytes + bytes after chksum).
  // GET_ALGORITHMS "GALG": 0x47 + 0x41 + 0x4C + 0x47 = 0x11B, so chksum = 0xFFFFFEE5.
  const Bytes req = {0xE5, 0xFE, 0xFF, 0xFF};
  const auto ok = kmb::decode_mailbox(0x47414C47u, kmb::Direction::request, req);
  REQUIRE(ok);
  CHECK(ok->checksum_ok);
  const auto bad = kmb::decode_mailbox(0x47414C47u, kmb::Direction::request, Bytes{0xE6, 0xFE, 0xFF, 0xFF});
  REQUIRE(bad);
  CHECK_FALSE(bad->checksum_ok);
  // Table 20 response of zeros: its checksum is 0; summed with the code it would not be.
  const auto resp = kmb::decode_mailbox(0x47414C47u, kmb::Direction::response, Bytes(36, 0));
  REQUIRE(resp);
  CHECK(resp->checksum_ok);
  CHECK_FALSE(kmb::decode_mailbox(0x47414C47u, kmb::Direction::request, Bytes(4, 0))->checksum_ok);
  // The 4-byte request read as a Table 20 response stops at fips_status, offset 4.
  const auto short_resp = kmb::decode_mailbox(0x47414C47u, kmb::Direction::response, req);
  REQUIRE(short_resp);
  REQUIRE(short_resp->error);
  CHECK(short_resp->error->offset == 4);
  CHECK(short_resp->error->field == "fips_status");
  CHECK_FALSE(short_resp->fields);
}


TEST_CASE("kmb platform: the model's TRNG, platform secrets and alias key are the constructions documented") {
  // Known answers computed with Python's hashlib/hmac (not lockref) from the constructions the
  // headers document: le64 = 8-byte little-endian.
  //   trng_sample(seed, n) = SHA-384("lockref-kmb-trng" || le64 seed || le64 n)
  //   idevid_cdi           = SHA-512("lockref-idevid-cdi" || le64 seed)
  //   hek_seeds[i]         = SHA-384("lockref-hek-seed" || le64 seed || le64 i)[0:32]
  //   randomness_for(a, n) = SHA-512("lockref-host-encap" || le64 n), cut to 48/32 bytes
  //   alias_key(seed)      = RFC 9180 §7.1.3 DeriveKeyPair(DHKEM(P-384), SHA-384("lockref-dice-alias" || le64 seed))
  CHECK(to_hex(kmb::trng_sample(1, 2)) ==
        "edef85eac1228036e57ee1a3ef92af62ea5eb30524acb883716b18addc66045a6d59e6d4968dfd0701a5a9a7e55e3228");
  CHECK(to_hex(kmb::trng_sample(0x1122334455667788ull, 3)) ==
        "c3d68bf0b57e1fa9ff51fad096805bfb6991a381c4942398ede3b547af907cf736ec2d1e57695ec2dc46ac81dfcd2513");
  const auto pl = kmb::platform_of(5, 2);
  CHECK(to_hex(pl.idevid_cdi) ==
        "584e4b90708cc8e203bf2f89e6f364b3c9471b115075a2c1576465e38fd783a6e59c0158cbf3d60760b045e431dc68b863b3126a42c3d5afa1929a3ae74052c4");
  REQUIRE(pl.hek_seeds.size() == 2);
  CHECK(to_hex(pl.hek_seeds[1]) == "aa97b6a6b7531e04797a24b5baf6e02bd15d32e9853ee16f0b1373ccf08232fd");
  // RFC 9180 §7.1 Nsk 48 (P-384) and FIPS 203 ML-KEM.Encaps's 32-byte m; the hybrid takes both.
  const std::string sha512_encap_7 =
      "7e280972054f2e2b89f93eeb648bbf88dde7acd779266e3d9ef1e51b19e364f519e95efd8da44524310d790c246f781e";
  CHECK(to_hex(kmb::host::randomness_for(1, 7)) == sha512_encap_7);
  CHECK(to_hex(kmb::host::randomness_for(2, 7)) == sha512_encap_7.substr(0, 64));
  CHECK(kmb::host::randomness_for(4, 7).size() == 80);
  CHECK(to_hex(kmb::endorse::alias_key(1)) ==
        "0a4e763408466813a323c1bea8cd89357cbb2144d1565f82d1173e46ea60f0a4545ced5cca14bb4a82fc5eac42e40347");
}

TEST_CASE("kmb host: every request builder leaves the reserved field zero and seals the checksum") {
  // §4.7.2 Tables 21-50: every request is chksum u32, reserved u32, then its fields.
  namespace h = kmb::host;
  const kmb::SealedAccessKey sk{};
  const kmb::LockedMpk lm{};
  const std::vector<kmb::Mailbox> all = {
      h::clear_key_cache(9),
      h::endorse_pub_key(1, 1),
      h::rotate(1),
      h::generate_mpk(kSek, Bytes{1}, sk),
      h::rewrap_mpk(kSek, lm, sk, Bytes{}),
      h::enable_mpk(kSek, sk, lm),
      h::mix_mpk(kmb::EnabledMpk{}),
      h::test_access_key(kSek, kSek, lm, sk),
      h::generate_mek(kSek, kDpk),
      h::load_mek(kSek, kDpk, kMetd, kAux, kmb::WrappedMek{}, 9),
      h::derive_mek(kSek, kDpk, {}, kMetd, kAux, 9),
      h::unload_mek(kMetd, 9),
      h::report_epoch_key_state(1, {}),
  };
  for (const auto& m : all) {
    REQUIRE(m.payload.size() >= 8);
    CHECK_MESSAGE(Bytes(m.payload.begin() + 4, m.payload.begin() + 8) == Bytes(4, 0), std::hex << m.cmd);
    CHECK(kmb::checksum_ok(m.cmd, m.payload));
  }
}


// ---- the endorsement certificate, read back by a DER reader of this test's own -----------------
// X.690 §8.1: tag, length (short form, or 0x81/0x82 + 1/2 bytes), contents. The expected
// contents are the model choices errata E-KMB-ENDORSE-CERT and endorse.hpp's header list, in
// RFC 5280 §4.1's order; OID encodings written out by hand (X.690 §8.19).
namespace {
struct Der {
  std::uint8_t tag = 0;
  Bytes value;  // contents
  Bytes whole;  // tag, length and contents
};
std::vector<Der> der_items(const Bytes& b) {
  std::vector<Der> out;
  std::size_t i = 0;
  while (i < b.size()) {
    REQUIRE(i + 2 <= b.size());
    const std::size_t start = i;
    Der d;
    d.tag = b[i++];
    std::size_t len = b[i++];
    if (len == 0x81 || len == 0x82) {
      const std::size_t n = len - 0x80;
      REQUIRE(i + n <= b.size());
      len = 0;
      for (std::size_t k = 0; k < n; ++k) len = len << 8 | b[i++];
    }
    REQUIRE(len <= b.size() - i);
    d.value.assign(b.begin() + static_cast<std::ptrdiff_t>(i), b.begin() + static_cast<std::ptrdiff_t>(i + len));
    d.whole.assign(b.begin() + static_cast<std::ptrdiff_t>(start), b.begin() + static_cast<std::ptrdiff_t>(i + len));
    out.push_back(std::move(d));
    i += len;
  }
  return out;
}
/// The one item `b` holds, with tag `tag`.
Der der_one(const Bytes& b, std::uint8_t tag) {
  const auto v = der_items(b);
  REQUIRE(v.size() == 1);
  CHECK(v[0].tag == tag);
  return v[0];
}
Bytes der(std::uint8_t tag, const Bytes& contents) {
  REQUIRE(contents.size() < 128);
  Bytes b{tag, static_cast<std::uint8_t>(contents.size())};
  b.insert(b.end(), contents.begin(), contents.end());
  return b;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes b;
  for (const auto& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}
const Bytes kOidEcdsaSha384 = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};  // 1.2.840.10045.4.3.3
const Bytes kOidEcPublicKey = {0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};        // 1.2.840.10045.2.1
const Bytes kOidSecp384r1 = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};                      // 1.3.132.0.34
const Bytes kOidMlKem1024 = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x03};  // 2.16.840.1.101.3.4.4.3
const Bytes kOidModelHybrid = {0x06, 0x07, 0x2B, 0x06, 0x01, 0x03, 0x87, 0x72, 0x01};  // 1.3.6.1.3.1010.1
const Bytes kOidModelSuite = {0x06, 0x07, 0x2B, 0x06, 0x01, 0x03, 0x87, 0x72, 0x02};   // 1.3.6.1.3.1010.2
const Bytes kOidBasicConstraints = {0x06, 0x03, 0x55, 0x1D, 0x13};                       // 2.5.29.19
const Bytes kOidKeyUsage = {0x06, 0x03, 0x55, 0x1D, 0x0F};                               // 2.5.29.15
Bytes rdn(const Bytes& oid, std::uint8_t string_tag, const std::string& text) {
  return der(0x31, der(0x30, cat({oid, der(string_tag, to_bytes(text))})));
}
const std::string kIssuerCn = "OCP L.O.C.K. KMB DICE alias (lockref model)";
const Bytes kOidCn = {0x06, 0x03, 0x55, 0x04, 0x03}, kOidSerialNumber = {0x06, 0x03, 0x55, 0x04, 0x05};

/// Checks the RFC 5280 frame every lockref certificate shares and returns the TBS items; the
/// signature verifies under the P-384 public key `signer_pk` (uncompressed point).
std::vector<Der> check_certificate(const Bytes& cert, const Bytes& signer_pk, const Bytes& subject_pk) {
  const auto top = der_one(cert, 0x30);
  const auto parts = der_items(top.value);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].tag == 0x30);
  CHECK(parts[1].whole == der(0x30, kOidEcdsaSha384));
  REQUIRE(parts[2].tag == 0x03);
  REQUIRE(!parts[2].value.empty());
  CHECK(parts[2].value[0] == 0x00);  // no unused bits
  // ECDSA-Sig-Value (RFC 3279 §2.2.3): SEQUENCE { r, s } over the TBS bytes.
  using namespace CryptoPP;
  ECDSA<ECP, SHA384>::PublicKey pub;
  ECP::Point q;
  REQUIRE(signer_pk.size() == 97);
  q.identity = false;
  q.x.Decode(signer_pk.data() + 1, 48);
  q.y.Decode(signer_pk.data() + 49, 48);
  pub.Initialize(ASN1::secp384r1(), q);
  ECDSA<ECP, SHA384>::Verifier verifier(pub);
  const Bytes sig_der(parts[2].value.begin() + 1, parts[2].value.end());
  Bytes p1363(96);
  p1363.resize(DSAConvertSignatureFormat(p1363.data(), p1363.size(), DSA_P1363, sig_der.data(), sig_der.size(), DSA_DER));
  CHECK(verifier.VerifyMessage(parts[0].whole.data(), parts[0].whole.size(), p1363.data(), p1363.size()));
  const auto tbs = der_items(parts[0].value);
  REQUIRE(tbs.size() == 8);
  CHECK(tbs[0].whole == der(0xA0, Bytes{0x02, 0x01, 0x02}));  // [0] version v3
  // serialNumber: 01 || the first 8 bytes of SHA-384(subject public key)
  Bytes h(48);
  SHA384().CalculateDigest(h.data(), subject_pk.data(), subject_pk.size());
  Bytes serial{0x01};
  serial.insert(serial.end(), h.begin(), h.begin() + 8);
  CHECK(tbs[1].whole == der(0x02, serial));
  CHECK(tbs[2].whole == der(0x30, kOidEcdsaSha384));
  CHECK(tbs[3].whole == der(0x30, rdn(kOidCn, 0x0C, kIssuerCn)));
  CHECK(tbs[4].whole == der(0x30, cat({der(0x18, to_bytes("20250101000000Z")), der(0x18, to_bytes("99991231235959Z"))})));
  return tbs;
}
Bytes bit_string(const Bytes& pk) {
  Bytes b{0x00};
  b.insert(b.end(), pk.begin(), pk.end());
  return b;
}
}  // namespace

TEST_CASE("kmb endorse: every endorsement certificate, field by field, signed by the alias key (§4.6.2.1.2, §4.7.2.9)") {
  Runtime k;
  const Bytes alias_pk = crypto::p384::public_key(kmb::endorse::alias_key(k.p.seed)).value();
  REQUIRE(k.s.hpke.size() == 3);
  for (const auto& kp : k.s.hpke) {
    CAPTURE(kp.hpke_algorithm);
    // through the mailbox handler (Table 27), as drive firmware gets it
    const auto hnd = accepted(k.p, k.s, kmb::EndorseHpkePubKeyReq{0, 0, kp.handle, 1}, "KMB-4.7.2.9-2");
    const auto resp = decoded<kmb::EndorseHpkePubKeyResp>(kmb::Mailbox{0, hnd.response});
    CHECK(resp.pub_key == kp.pk);
    CHECK(resp.endorsement_len == resp.endorsement.size());
    const auto tbs = check_certificate(resp.endorsement, alias_pk, kp.pk);
    CHECK(tbs[5].whole == der(0x30, cat({rdn(kOidCn, 0x0C, "OCP L.O.C.K. KMB HPKE key"),
                                         rdn(kOidSerialNumber, 0x13, std::to_string(kp.handle))})));
    // SubjectPublicKeyInfo and the HPKE suite (RFC 9180 §7: KEM 0x0011 DHKEM(P-384, HKDF-SHA384),
    // 0x0042 ML-KEM-1024, 0x0a25 the hybrid; KDF 0x0002 HKDF-SHA384; AEAD 0x0002 AES-256-GCM)
    Bytes alg;
    Bytes kem;
    switch (kp.hpke_algorithm) {
      case 1: alg = cat({kOidEcPublicKey, kOidSecp384r1}); kem = {0x02, 0x01, 0x11}; break;
      case 2: alg = kOidMlKem1024; kem = {0x02, 0x01, 0x42}; break;
      case 4: alg = kOidModelHybrid; kem = {0x02, 0x02, 0x0A, 0x25}; break;
      default: FAIL("no Table 20 algorithm");
    }
    const auto spki = der_items(tbs[6].whole);
    REQUIRE(spki.size() == 1);
    const auto spki_items = der_items(spki[0].value);
    REQUIRE(spki_items.size() == 2);
    CHECK(spki_items[0].whole == der(0x30, alg));
    CHECK(spki_items[1].tag == 0x03);
    CHECK(spki_items[1].value == bit_string(kp.pk));
    const Bytes suite = der(0x30, cat({kem, Bytes{0x02, 0x01, 0x02, 0x02, 0x01, 0x02}}));
    const Bytes exts = der(0x30, cat({der(0x30, cat({kOidBasicConstraints, Bytes{0x01, 0x01, 0xFF}, der(0x04, Bytes{0x30, 0x00})})),
                                      der(0x30, cat({kOidModelSuite, der(0x04, suite)}))}));
    CHECK(tbs[7].whole == der(0xA3, exts));
  }
}

TEST_CASE("kmb endorse: the alias certificate is self-signed, a CA, with keyCertSign") {
  const std::uint64_t seed = 3;
  const Bytes sk = kmb::endorse::alias_key(seed);
  const Bytes pk = crypto::p384::public_key(sk).value();
  const auto cert = kmb::endorse::alias_certificate(seed);
  REQUIRE(cert);
  const auto tbs = check_certificate(*cert, pk, pk);
  CHECK(tbs[5].whole == der(0x30, rdn(kOidCn, 0x0C, kIssuerCn)));
  CHECK(tbs[6].whole == der(0x30, cat({der(0x30, cat({kOidEcPublicKey, kOidSecp384r1})), Bytes{0x03, 0x62},
                                       bit_string(pk)})));
  // basicConstraints critical CA:TRUE; keyUsage critical digitalSignature + keyCertSign (RFC 5280
  // §4.2.1.3: bits 0 and 5 = 0x84 with 2 unused bits); no HPKE suite.
  const Bytes exts = der(0x30, cat({der(0x30, cat({kOidBasicConstraints, Bytes{0x01, 0x01, 0xFF},
                                                   der(0x04, Bytes{0x30, 0x03, 0x01, 0x01, 0xFF})})),
                                    der(0x30, cat({kOidKeyUsage, Bytes{0x01, 0x01, 0xFF}, der(0x04, Bytes{0x03, 0x02, 0x02, 0x84})}))}));
  CHECK(tbs[7].whole == der(0xA3, exts));
}


TEST_CASE("kmb handlers: what an MEK command consumes under each MPK-secret reading (Table 1, E-KMB-MPK-SECRET-USE)") {
  // Table 1: the MPK secret "is zeroized after an MEK secret is derived". consumed: by every
  // MEK command; consumed_on_success: only by one that succeeds; kept: never.
  Runtime k;
  auto init = k.s;
  init.kv.mpk_secret = Bytes(64, 0);
  const kmb::DeriveMekReq derive{0, 0, kSek, kDpk, {}, kMetd, kAux, 9};
  const kmb::GenerateMekReq generate{0, 0, kSek, kDpk};
  CHECK_FALSE(accepted(k.p, init, derive, "KMB-4.6.5.3-1").next.kv.mpk_secret);
  CHECK_FALSE(accepted(k.p, init, generate, "KMB-4.7.2.17-1").next.kv.mpk_secret);
  kmb::Profile on_success = k.p;
  on_success.mpk_secret_use = kmb::MpkSecretUse::consumed_on_success;
  CHECK_FALSE(accepted(on_success, init, derive, "KMB-4.6.5.3-1").next.kv.mpk_secret);
  CHECK_FALSE(accepted(on_success, init, generate, "KMB-4.7.2.17-1").next.kv.mpk_secret);
  kmb::Profile kept = k.p;
  kept.mpk_secret_use = kmb::MpkSecretUse::kept;
  CHECK(accepted(kept, init, derive, "KMB-4.6.5.3-1").next.kv.mpk_secret);
  CHECK(accepted(kept, init, generate, "KMB-4.7.2.17-1").next.kv.mpk_secret);
  // A given state whose MDK is no AES-256 key: GENERATE_MEK cannot wrap (Figure 22's inner
  // AES-ECB) and says so under its own section.
  auto bad_mdk = init;
  bad_mdk.kv.mdk = Bytes(5, 1);
  refused(k.p, bad_mdk, generate, k.p.malformed_code, "KMB-4.7.2.17-1");
}

TEST_CASE("kmb: HPKE keygen draws the seed sizes of Figure 37 and FIPS 203 (E-KMB-HPKE-KEYGEN)") {
  // Figure 37: "random 384-bit private key seed" (P-384: 48 bytes); FIPS 203 ML-KEM.KeyGen's
  // d || z (64 bytes); the hybrid both, ECDH first.
  CHECK(kmb::keygen_ikm_bytes(1) == 48);
  CHECK(kmb::keygen_ikm_bytes(2) == 64);
  CHECK(kmb::keygen_ikm_bytes(4) == 112);
}


TEST_CASE("kmb profile: validate refuses what Table 20 and Table 57 do not define") {
  auto refuses = [](auto change) {
    kmb::Profile p;
    change(p);
    return !kmb::Machine::validate(p);
  };
  CHECK_FALSE(refuses([](kmb::Profile&) {}));
  // §4.7.2.6 Table 20 hpke_algorithms: bits 0..2, reported non-zero.
  CHECK(refuses([](kmb::Profile& p) { p.hpke.hpke_algorithms = 0; }));
  CHECK(refuses([](kmb::Profile& p) { p.hpke.hpke_algorithms = 0b1000; }));
  CHECK(refuses([](kmb::Profile& p) { p.hpke.hpke_algorithms = 0b1001; }));
  CHECK_FALSE(refuses([](kmb::Profile& p) { p.hpke.hpke_algorithms = 0b001; }));
  CHECK_FALSE(refuses([](kmb::Profile& p) { p.hpke.hpke_algorithms = 0b110; }));
  // endorsement_algorithms: non-zero; the model signs with bit 0 (ecdsa_secp384r1_sha384) only.
  CHECK(refuses([](kmb::Profile& p) { p.endorsement_algorithms = 0; }));
  CHECK(refuses([](kmb::Profile& p) { p.endorsement_algorithms = 0b10; }));
  CHECK(refuses([](kmb::Profile& p) { p.endorsement_algorithms = 0b11; }));
  // access_key_sizes: Table 20 defines bit 0 (256-bit keys) only.
  CHECK(refuses([](kmb::Profile& p) { p.hpke.access_key_sizes = 0; }));
  CHECK(refuses([](kmb::Profile& p) { p.hpke.access_key_sizes = 0b10; }));
  CHECK(refuses([](kmb::Profile& p) { p.hpke.access_key_sizes = 0b11; }));
  // every code is Table 57's or a profile code
  CHECK(refuses([](kmb::Profile& p) { p.malformed_code = "LOCK_NOT_A_CODE"; }));
  CHECK(refuses([](kmb::Profile& p) { p.derive_checksum_code = "ok!"; }));
  CHECK_FALSE(refuses([](kmb::Profile& p) { p.derive_checksum_code = "LOCK_MALFORMED_REQUEST"; }));
  // The parts it holds: the fuses (§4.6.4.1's 4..16 slots, a reachable image) and the
  // encryption engine (Figure 34: RDY=0 after power-on, so init_ticks >= 1); each refusal
  // names the part.
  auto message = [](auto change) {
    kmb::Profile p;
    change(p);
    const auto v = kmb::Machine::validate(p);
    REQUIRE_FALSE(v);
    return v.error().message;
  };
  CHECK(message([](kmb::Profile& p) { p.fuses.slots.resize(3); }) == "fuses.slots: 3 slots; §4.6.4.1 requires 4 <= n <= 16");
  CHECK(message([](kmb::Profile& p) { p.fuses.slots.assign(17, lock::epoch::Slot::blank); }) ==
        "fuses.slots: 17 slots; §4.6.4.1 requires 4 <= n <= 16");
  CHECK(message([](kmb::Profile& p) { p.fuses.perma_hek = lock::epoch::PermaHek::set; }).rfind("fuses.perma_hek is set", 0) == 0);
  CHECK(message([](kmb::Profile& p) { p.engine.engine.init_ticks = 0; }) ==
        "engine.engine.init_ticks: must be at least 1 (Figure 34: RDY=0 after power-on)");
}

TEST_CASE("kmb: the view, its requirements and Table 53 as KMB reports it") {
  Runtime k;
  auto s = k.s;
  s.kv.mpk_secret = Bytes(64, 0);
  const auto v = kmb::Machine::observe(k.p, s);
  CHECK(v.hek_state == "HEK_AVAIL_PROGRAMMED");
  CHECK(v.hek_available);
  CHECK(v.mek_secret_initialized);
  CHECK(v.key_cache_entries == 0);
  CHECK(v.handles == std::vector<std::uint32_t>{1, 2, 3});
  const auto none = kmb::Machine::observe(k.p, k.without_hek());
  CHECK_FALSE(none.hek_available);
  CHECK_FALSE(none.mek_secret_initialized);
  // spec/requirements/kmb.json: the HEK fields are governed by REPORT_HEK_METADATA (§4.6.4.1).
  CHECK(kmb::Machine::view_requirement("hek_state") == "KMB-4.6.4.1-RHMT-ONCE");
  CHECK(kmb::Machine::view_requirement("hek_available") == "KMB-4.6.4.1-RHMT-ONCE");
  CHECK(kmb::Machine::view_requirement("something_else") == "KMB-4.7.2");
  // In ROM, before the report, KMB senses the fuses (Table 15 -> Table 53); once runtime has
  // booted without a report, the HEK is zeroized (§4.6.4.1, E-KMB-NO-RHMT).
  const auto rom = kmb::Machine::initial(k.p);
  CHECK(kmb::Machine::hek_state(k.p, rom) == lock::epoch::HekState::avail_programmed);
  auto booted_unreported = rom;
  booted_unreported.boot = kmb::Boot::runtime;
  CHECK(kmb::Machine::hek_state(k.p, booted_unreported) == lock::epoch::HekState::unavail_zeroized);
}

TEST_CASE("kmb: a failed command's response is Table 12's header, or nothing (E-KMB-ERROR-RESPONSE)") {
  kmb::Profile p;
  p.fips_status = 0x01020304;
  // chksum = 0 - (1 + 2 + 3 + 4) = 0xFFFFFFF6, then fips_status, little-endian (§4.7.2.1)
  CHECK(kmb::Machine::error_response(p) == Bytes{0xF6, 0xFF, 0xFF, 0xFF, 0x04, 0x03, 0x02, 0x01});
  p.error_response = kmb::ErrorResponse::empty;
  CHECK(kmb::Machine::error_response(p).empty());
  // Every response carries the profile's fips_status (Table 12).
  kmb::Profile q;
  q.fips_status = 7;
  Runtime k(q);
  const auto o = k.send(kmb::host::simple<kmb::GET_ALGORITHMS>());
  REQUIRE(o.status == "ok");
  CHECK(decoded<kmb::GetAlgorithmsResp>(kmb::Mailbox{0, o.response}).fips_status == 7);
  const auto bad = k.send(kmb::host::endorse_pub_key(999, 0));
  CHECK(bad.status == "LOCK_BAD_HANDLE");
  CHECK(bad.response == Bytes{0xF9, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00});
  // the detail spells a 32-bit value in full
  const auto alg = k.send(kmb::host::endorse_pub_key(k.s.hpke.at(0).handle, 3));
  CHECK(alg.detail.find("endorsement_algorithm 0x00000003") != std::string::npos);
}

TEST_CASE("kmb: ROM's HEK seed register and the resets (Figure 37 [004]-[005], §4.6.8)") {
  const lock::rev09::Profile kp;
  auto hek_of = [&](const kmb::State& s, const Bytes& seed) { return lock::rev09::hek(kp, s.platform.idevid_cdi, seed); };
  // production with a programmed seed: the randomized seed of the active slot ([004])
  kmb::Profile p;
  p.fuses.slots = {lock::epoch::Slot::zeroized, lock::epoch::Slot::randomized, lock::epoch::Slot::blank,
                   lock::epoch::Slot::blank};
  const auto prod = kmb::Machine::initial(p);
  REQUIRE(prod.kv.hek);
  CHECK(*prod.kv.hek == hek_of(prod, prod.platform.hek_seeds.at(1)));
  // otherwise all zeroes ([005]): not production, or production with no programmed seed
  kmb::Profile manuf = p;
  manuf.fuses.lifecycle = lock::epoch::Lifecycle::manufacturing;
  const auto m = kmb::Machine::initial(manuf);
  CHECK(*m.kv.hek == hek_of(m, Bytes(32, 0)));
  kmb::Profile empty = p;
  empty.fuses.slots = {lock::epoch::Slot::blank, lock::epoch::Slot::blank, lock::epoch::Slot::blank,
                       lock::epoch::Slot::blank};
  const auto e = kmb::Machine::initial(empty);
  CHECK(*e.kv.hek == hek_of(e, Bytes(32, 0)));
  // Handles start at the profile's first handle after every cold reset; the reset outputs name
  // §4.6.8's paragraphs and carry no result code.
  kmb::Profile h;
  h.first_handle = 100;
  Runtime k(h);
  CHECK(kmb::Machine::observe(h, k.s).handles == std::vector<std::uint32_t>{100, 101, 102});
  k.send(kmb::host::rotate(100));
  const auto cold = kmb::Machine::step(h, k.s, kmb::Event{kmb::ColdReset{}});
  CHECK(cold.out.rule == "KMB-4.6.8-COLD");
  CHECK(cold.out.result_code == 0);
  CHECK(kmb::Machine::step(h, k.s, kmb::Event{kmb::WarmReset{}}).out.rule == "KMB-4.6.8-WARM");
  CHECK(kmb::Machine::step(h, k.s, kmb::Event{kmb::FirmwareUpdateReset{}}).out.rule == "KMB-4.6.8-FWUPDATE");
  k.s = cold.next;
  k.send(kmb::host::report_hek_metadata(k.epoch_table15()));
  k.send(kmb::host::simple<kmb::GET_STATUS>());
  CHECK(kmb::Machine::observe(h, k.s).handles == std::vector<std::uint32_t>{100, 101, 102});
}

TEST_CASE("kmb: a cold reset powers the engine up again with an empty key cache (Table 60 item 4)") {
  Runtime k;
  auto init = k.s;
  init.kv.mpk_secret = Bytes(64, 0);
  k.s = init;
  const auto o = k.send(kmb::host::derive_mek(kSek, kDpk, {}, kMetd, kAux, 100));
  REQUIRE(o.status == "ok");
  REQUIRE(k.s.engine.engine.cache.size() == 1);
  CHECK(kmb::Machine::observe(k.p, k.s).key_cache_entries == 1);
  const auto cold = kmb::Machine::step(k.p, k.s, kmb::Event{kmb::ColdReset{}});
  CHECK(cold.next.engine.engine.cache.empty());
  CHECK(cold.next.engine == kmb::Machine::initial(k.p).engine);
}


TEST_CASE("kmb tables: KEM ciphertext sizes and a WrappedKey's key_len (Tables 54-56)") {
  // RFC 9180 §7.1 DHKEM(P-384) Nenc 97; FIPS 203 Table 3 ML-KEM-1024 ciphertext 1568 bytes;
  // the hybrid carries both (Figure 9): 1665.
  CHECK(std::get<std::size_t>(kmb::nenc_of(1)) == 97);
  CHECK(std::get<std::size_t>(kmb::nenc_of(2)) == 1568);
  CHECK(std::get<std::size_t>(kmb::nenc_of(4)) == 1665);
  // Table 56: a WrappedMek's key_len is 64; 63 or 32 is refused with LOCK_MEK_DECRYPT, at key_len.
  for (const std::uint32_t len : {63u, 32u}) {
    kmb::WrappedMek w{};
    w.key_type = static_cast<std::uint16_t>(lock::WrappedKeyType::wrapped_mek);
    w.key_len = len;
    w.ciphertext = Bytes(len + 16, 0);
    const Bytes b = wire::encode(w);
    const auto d = wire::decode<kmb::WrappedMek>(b);
    REQUIRE(std::holds_alternative<wire::DecodeError>(d));
    const auto& e = std::get<wire::DecodeError>(d);
    CHECK(e.code == "LOCK_MEK_DECRYPT");
    CHECK(e.field == "key_len");
    CHECK(e.offset == 20);  // key_type u16, reserved u16, salt u8[12], metadata_len u32
  }
  CHECK(kmb::code_value("ok") == 0u);
}


TEST_CASE("kmb events: what the resets, entropy and faults change, and the rule each names (§4.6.6, §4.6.8, §4.7.2.23)") {
  Runtime k;
  auto s = k.s;
  s.kv.mpk_secret = Bytes(64, 0);
  s.kv.vek = Bytes(32, 9);
  s.engine.kmb.phase = engine::kmb::Phase::check_ready;  // the driver mid-command
  auto ev = [&](const kmb::Event& e) { return kmb::Machine::step(k.p, s, e); };
  // Warm and firmware-update resets: the MPK secret is lost (E-KMB-WARM-MPK-SECRET), the
  // driver starts afresh, the VEK stays (§4.6.8).
  for (const auto& e : {kmb::Event{kmb::WarmReset{}}, kmb::Event{kmb::FirmwareUpdateReset{}}}) {
    const auto r = ev(e);
    CHECK_FALSE(r.next.kv.mpk_secret);
    CHECK(r.next.kv.vek == s.kv.vek);
    CHECK(r.next.engine.kmb == engine::kmb::State{});
    CHECK(r.out.result_code == 0);
  }
  // A fatal error: VEK and MPK secret zeroized (E-KMB-FAULTS), named by §4.7.2.23's rule.
  const auto f = ev(kmb::FatalError{});
  CHECK(f.next.fatal);
  CHECK_FALSE(f.next.kv.vek);
  CHECK_FALSE(f.next.kv.mpk_secret);
  CHECK(f.out.rule == "KMB-4.7.2.23-FATAL");
  // Then every command answers the profile's fatal code, with its value and the error header.
  const auto after = kmb::Machine::step(k.p, f.next, kmb::Event{kmb::host::simple<kmb::GET_STATUS>()});
  CHECK(after.out.status == "LOCK_FATAL");
  CHECK(after.out.rule == "KMB-4.7.2.23-FATAL");
  CHECK(after.out.result_code == 0x4C464154u);  // "LFAT"
  CHECK(after.out.command == "GET_STATUS");
  CHECK(after.out.response == kmb::Machine::error_response(k.p));
  // The engine's fatal error: RDY drops, named by §4.7.2.2's not-ready rule.
  CHECK(ev(kmb::EngineFatal{}).out.rule == "EE-4.7.2.2-NOT-READY");
  // Host entropy changes the DRBG, under §4.6.6; a DRBG that cannot take it refuses.
  const auto st = ev(kmb::StirEntropy{Bytes(32, 0x5A)});
  CHECK(st.out.status == "ok");
  CHECK(st.out.rule == "KMB-4.6.6-1");
  CHECK(st.next.drbg != s.drbg);
  auto dead = s;
  dead.drbg.reseed_counter = 0;  // not instantiated (SP 800-90A §9.3.1)
  const auto bad = kmb::Machine::step(k.p, dead, kmb::Event{kmb::StirEntropy{Bytes(32, 0x5A)}});
  CHECK(bad.out.status == k.p.malformed_code);
  CHECK(bad.out.rule == "KMB-4.6.6-1");
  CHECK(bad.out.result_code == 0x4C4D414Cu);  // "LMAL"
  CHECK(bad.next == dead);
}

TEST_CASE("kmb mailbox: what a command's output carries, refused or done (§4.7.2, Table 57)") {
  Runtime k;
  // done: status, rule, command name, response sealed with a zero code (Table 12 chksum)
  const auto ok = k.send(kmb::host::simple<kmb::GET_ALGORITHMS>());
  CHECK(ok.status == "ok");
  CHECK(ok.rule == "KMB-4.7.2.6-NONZERO");
  CHECK(ok.command == "GET_ALGORITHMS");
  CHECK(ok.result_code == 0);
  CHECK(kmb::checksum_ok(0, ok.response));
  CHECK_FALSE(kmb::checksum_ok(kmb::GET_ALGORITHMS::code, ok.response));
  // refused by the handler: its code's value
  const auto h = k.send(kmb::host::endorse_pub_key(999, 0));
  CHECK(h.command == "ENDORSE_HPKE_PUB_KEY");
  CHECK(h.result_code == kmb::code_value("LOCK_BAD_HANDLE").value());
  CHECK(h.result_code != 0);
  // a request with no chksum field, and a wrong chksum (whose detail spells the little-endian
  // value, 0x04030201, and the right one)
  const auto none = k.send(kmb::Mailbox{kmb::GET_ALGORITHMS::code, Bytes{1, 2, 3}});
  CHECK(none.status == "LOCK_MALFORMED_REQUEST");
  CHECK(none.rule == "KMB-4.7.2-CHKSUM");
  const auto wrong = k.send(kmb::Mailbox{kmb::GET_ALGORITHMS::code, Bytes{1, 2, 3, 4}});
  CHECK(wrong.status == "LOCK_BAD_CHECKSUM");
  CHECK(wrong.rule == "KMB-4.7.2-CHKSUM");
  CHECK(wrong.detail.find("chksum 0x04030201") != std::string::npos);
  CHECK(wrong.detail.find("0xfffffee5") != std::string::npos);  // 0 - 0x11B ("GALG")
  // a request that does not decode: §4.7.2's decode rule
  auto trunc = kmb::host::simple<kmb::ENUMERATE_HPKE_HANDLES>();
  trunc.payload.pop_back();
  kmb::seal_checksum(trunc.cmd, trunc.payload);
  CHECK(k.send(trunc).rule == "KMB-4.7.2-DECODE");
  // an unknown code: the error header as response
  const auto u = k.send(kmb::Mailbox{0x12345678, Bytes(4, 0)});
  CHECK(u.rule == "KMB-4.7.2-UNKNOWN");
  CHECK(u.response == kmb::Machine::error_response(k.p));
}

TEST_CASE("kmb mailbox: an engine failure carries the engine's result code (§4.7.2.2, §4.7.2.23)") {
  Runtime k;
  // the engine not ready: EngineFatal drops RDY, then UNLOAD_MEK reaches the driver
  k.s = kmb::Machine::step(k.p, k.s, kmb::Event{kmb::EngineFatal{}}).next;
  const auto o = k.send(kmb::host::unload_mek(kMetd, 100));
  CHECK(o.status == "LOCK_EE_NOT_READY");
  CHECK(o.rule == "KMB-4.7.2.2-NOT-READY");
  REQUIRE(o.engine);
  CHECK(o.result_code == o.engine->result_code);
  CHECK(o.result_code == kmb::code_value("LOCK_EE_NOT_READY").value());
}

TEST_CASE("kmb tables: seal_checksum and checksum_ok on a payload too short for chksum; WrappedKey keeps reserved") {
  Bytes three{1, 2, 3};
  kmb::seal_checksum(0x47414C47u, three);
  CHECK(three == Bytes{1, 2, 3});
  Bytes four{0, 0, 0, 0};
  kmb::seal_checksum(0x47414C47u, four);
  CHECK(four == Bytes{0xE5, 0xFE, 0xFF, 0xFF});
  // checksum_ok: fewer than four bytes hold no chksum field, whatever follows them in memory
  const Bytes galg{0xE5, 0xFE, 0xFF, 0xFF};
  CHECK(kmb::checksum_ok(0x47414C47u, galg));
  CHECK_FALSE(kmb::checksum_ok(0x47414C47u, ByteView(galg).first(3)));
  CHECK_FALSE(kmb::checksum_ok(0, ByteView{}));
  // Table 55 reserved u16: carried through to the key hierarchy's WrappedKey and back.
  kmb::LockedMpk w{};
  w.key_type = static_cast<std::uint16_t>(lock::WrappedKeyType::locked_mpk);
  w.reserved = 0xBEEF;
  w.key_len = 32;
  w.ciphertext = Bytes(48, 7);
  const auto key = w.to_key();
  CHECK(key.reserved == 0xBEEF);
  CHECK(kmb::LockedMpk::from_key(key).reserved == 0xBEEF);
}


TEST_CASE("lock keys: Table 55 key_type by number and by name; unwrap refuses another variant; Figure 25 needs an AES key") {
  // Table 55 key_type: 1h LOCKED_MPK, 2h ENABLED_MPK, 3h WRAPPED_MEK; 0h and 4h.. reserved.
  CHECK(lock::wrapped_key_type(std::uint64_t{1}).value() == lock::WrappedKeyType::locked_mpk);
  CHECK(lock::wrapped_key_type(std::uint64_t{3}).value() == lock::WrappedKeyType::wrapped_mek);
  CHECK_FALSE(lock::wrapped_key_type(std::uint64_t{0}));
  CHECK_FALSE(lock::wrapped_key_type(std::uint64_t{4}));
  CHECK(lock::wrapped_key_type("LOCKED_MPK").value() == lock::WrappedKeyType::locked_mpk);
  CHECK(lock::wrapped_key_type("ENABLED_MPK").value() == lock::WrappedKeyType::enabled_mpk);
  CHECK(lock::wrapped_key_type("WRAPPED_MEK").value() == lock::WrappedKeyType::wrapped_mek);
  CHECK_FALSE(lock::wrapped_key_type("enabled_mpk"));
  // A Locked MPK handed to an unwrap that expects an Enabled MPK is refused before decryption,
  // even under the key and label that would open it.
  const lock::rev09::Profile kp;
  const Bytes key(64, 0x11), label = to_bytes(kp.locked_mpk_aes_label);
  auto w = lock::rev09::wrap_key(kp, lock::WrappedKeyType::locked_mpk, key, label, Bytes(12, 1), Bytes(12, 2),
                                 to_bytes("m"), Bytes(32, 0x33));
  REQUIRE(w);
  CHECK(lock::rev09::unwrap_key(kp, *w, lock::WrappedKeyType::locked_mpk, key, label).value() == Bytes(32, 0x33));
  const auto other = lock::rev09::unwrap_key(kp, *w, lock::WrappedKeyType::enabled_mpk, key, label);
  REQUIRE_FALSE(other);
  CHECK(other.error().message.find("key_type") != std::string::npos);
  // The decoder's metadata bound: metadata_len equal to it is accepted, one more refused at
  // the metadata_len field (offset 16: key_type u16, reserved u16, salt u8[12]).
  const Bytes wire = lock::encode(*w);
  CHECK(lock::decode_wrapped_key(wire, 1).value() == *w);
  const auto over = lock::decode_wrapped_key(wire, 0);
  REQUIRE_FALSE(over);
  CHECK(over.error().message.find("offset 16") != std::string::npos);
  // Figure 25's checksum is AES-ECB under the MEK secret: a 5-byte secret is no AES key.
  CHECK_FALSE(lock::rev09::derive_mek_from_secret(kp, Bytes(5, 1)));
  CHECK(lock::rev09::derive_mek_from_secret(kp, Bytes(64, 1)));
}


TEST_CASE("lock sealed: algorithm, size and seal refusals with their codes and messages (Tables 54, 57; §4.6.2.1)") {
  namespace sealed = lock::sealed;
  const sealed::Profile p;
  auto failure = [](const auto& outcome) {
    REQUIRE(std::holds_alternative<sealed::Failure>(outcome));
    return std::get<sealed::Failure>(outcome);
  };
  // Table 54 "a bit value": zero and two bits are refused, spelled most significant byte first
  for (const std::uint32_t a : {0u, 3u, 0x01020304u}) {
    const auto f = failure(sealed::algorithm(p, a));
    CHECK(f.code == "LOCK_BAD_ALGORITHM");
    char want[16];
    std::snprintf(want, sizeof want, "0x%08x", a);
    CHECK_MESSAGE(f.detail.find(std::string(want) + " is not a single bit value") != std::string::npos, f.detail);
  }
  CHECK(std::holds_alternative<sealed::HpkeAlgorithm>(sealed::algorithm(p, 1)));
  // A real keypair and a sealed key to it (P-384)
  const auto dh = crypto::hpke::derive_key_pair(crypto::hpke::kem_dhkem_p384, Bytes(48, 0x11)).value();
  const sealed::HpkeKeypair kp{5, 1, dh.sk};
  const Bytes ak(32, 0x41);
  auto made = sealed::seal(p, 5, 1, dh.pk, {}, {ak, ak}, Bytes(48, 0x22));
  REQUIRE(std::holds_alternative<sealed::Sealed>(made));
  const auto good = std::get<sealed::Sealed>(made);
  REQUIRE(std::holds_alternative<std::vector<Bytes>>(sealed::unseal_all(p, good.sealed, kp, {good.extra_ciphertexts[0]})));
  // Nenc of DHKEM(P-384) is 97 (RFC 9180 §7.1): 96 bytes are refused before decapsulation
  auto short_enc = good.sealed;
  short_enc.kem_ciphertext.pop_back();
  auto f = failure(sealed::unseal_all(p, short_enc, kp));
  CHECK(f.code == "LOCK_KEM_DECAPSULATION");
  CHECK(f.detail.find("expected Nenc = 97") != std::string::npos);
  // a ciphertext not access_key_len + Nt long, first or second
  auto short_ct = good.sealed;
  short_ct.ak_ciphertext.pop_back();
  f = failure(sealed::unseal_all(p, short_ct, kp));
  CHECK(f.code == "LOCK_ACCESS_KEY_UNWRAP");
  CHECK(f.detail.find("ciphertext 0: expected access_key_len + Nt = 48") != std::string::npos);
  const Bytes second_short(good.extra_ciphertexts[0].begin(), good.extra_ciphertexts[0].end() - 1);
  f = failure(sealed::unseal_all(p, good.sealed, kp, {ByteView(second_short)}));
  CHECK(f.detail.find("ciphertext 1: expected") != std::string::npos);
  // Table 54 access_key_len on the wire: 16 is no Table 20 access_key_sizes size; the decoder
  // refuses it before reading info, whose bytes it would otherwise take as Nenc's.
  Bytes wire = sealed::encode(good.sealed);
  REQUIRE(sealed::decode(p, wire).index() == 0);
  wire[8] = 16;  // hpke_handle u32, hpke_algorithm u32, then access_key_len u32 (little-endian)
  f = failure(sealed::decode(p, wire));
  CHECK(f.code == "LOCK_BAD_ALGORITHM");
  CHECK(f.detail == "access_key_len 16 is not a size reported in Table 20 access_key_sizes (32)");
  // seal: no key, keys of two lengths, a public key that is no P-384 point
  f = failure(sealed::seal(p, 5, 1, dh.pk, {}, {}, Bytes(48, 0x22)));
  CHECK(f.code == p.malformed_code);
  f = failure(sealed::seal(p, 5, 1, dh.pk, {}, {ak, Bytes(16, 1)}, Bytes(48, 0x22)));
  CHECK(f.code == p.malformed_code);
  CHECK(f.detail.find("differ in length") != std::string::npos);
  // Table 20 access_key_sizes: bit 0, 256-bit keys, only; a 16-byte key is refused before
  // any encapsulation, as the decoder refuses its access_key_len.
  f = failure(sealed::seal(p, 5, 1, dh.pk, {}, {Bytes(16, 1)}, Bytes(48, 0x22)));
  CHECK(f.code == "LOCK_BAD_ALGORITHM");
  CHECK(f.detail == "access_key_len 16 is not a size reported in Table 20 access_key_sizes (32)");
  Bytes not_a_point(97, 0);
  not_a_point[0] = 0x04;
  f = failure(sealed::seal(p, 5, 1, not_a_point, {}, {ak}, Bytes(48, 0x22)));
  CHECK(f.code == "LOCK_KEM_DECAPSULATION");
  CHECK(f.detail.rfind("seal: ", 0) == 0);
}


TEST_CASE("lock epoch: the Table 14, 52 and 53 names, the view's requirements and Figure 19's labels") {
  namespace ep = lock::epoch;
  // Table 52; Table 14; Table 53 (its spelling of PROGRAMMED, errata E-LOCK-T4-SPELLING)
  CHECK(enum_name(ep::Sek::zeroized) == "SEK_ZEROIZED");
  CHECK(enum_name(ep::Sek::programmed) == "SEK_PROGRAMMED");
  CHECK(enum_name(ep::SeedState::empty) == "HEK_SEED_UNAVAIL_EMPTY");
  CHECK(enum_name(ep::SeedState::zeroized) == "HEK_SEED_UNAVAIL_ZEROIZED");
  CHECK(enum_name(ep::SeedState::corrupted) == "HEK_SEED_UNAVAIL_CORRUPTED");
  CHECK(enum_name(ep::SeedState::programmed) == "HEK_SEED_AVAIL_PROGRAMMED");
  CHECK(enum_name(ep::SeedState::permanent) == "HEK_SEED_AVAIL_PERMANENT");
  CHECK(enum_name(ep::HekState::unavail_empty) == "HEK_UNAVAIL_EMPTY");
  CHECK(enum_name(ep::HekState::unavail_zeroized) == "HEK_UNAVAIL_ZEROIZED");
  CHECK(enum_name(ep::HekState::unavail_corrupted) == "HEK_UNAVAIL_CORRUPTED");
  CHECK(enum_name(ep::HekState::avail_programmed) == "HEK_AVAIL_PROGRAMMED");
  CHECK(enum_name(ep::HekState::avail_unerasable) == "HEK_AVAIL_UNERASABLE");
  // spec/requirements/lock.json: the requirement whose quoted text governs each view field
  const std::pair<const char*, const char*> fields[] = {
      {"hek_metadata", "LOCK-4.7.2.4-T15"},      {"hek_state", "LOCK-4.7.2.21-T53"},
      {"hek_erasures_remaining", "LOCK-4.7.2.21.1"}, {"hek_available", "LOCK-4.6.4.1-T4"},
      {"mek_load_allowed", "LOCK-4.6.4-1"},      {"shippable", "LOCK-T60-5"},
      {"slots", "LOCK-4.6.4.1-2"},               {"perma_hek", "LOCK-4.6.4.2-5"},
      {"sek", "LOCK-4.6.4.2-1"},                 {"lifecycle", "LOCK-4.7.2.21-ONEWAY"}};
  for (const auto& [f, id] : fields) CHECK_MESSAGE(ep::Machine::view_requirement(f) == id, f);
  CHECK(ep::Machine::view_requirement("nothing").empty());
  // Figure 19's words
  const ep::Profile p;
  ep::State s{ep::Lifecycle::manufacturing,
              {ep::Slot::randomized, ep::Slot::blank, ep::Slot::blank, ep::Slot::blank},
              ep::PermaHek::unset,
              ep::Sek::programmed};
  CHECK(ep::Machine::label(p, s) == "Pre-production HEK (manufacturing)\nSEK programmed");
  s.lifecycle = ep::Lifecycle::production;
  CHECK(ep::Machine::label(p, s) == "HEK0 programmed\nSEK programmed");
  s.perma_hek = ep::PermaHek::set;
  CHECK(ep::Machine::label(p, s) == "Perma-HEK enabled\nSEK programmed");
  s.perma_hek = ep::PermaHek::invalid;
  s.sek = ep::Sek::zeroized;
  CHECK(ep::Machine::label(p, s) == "Perma-HEK bit invalid\nSEK zeroized");
}

}  // namespace LOCKREF_UNITY_ID
