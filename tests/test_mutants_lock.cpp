// OCP L.O.C.K. key management block: what the other tests left open, written to kill the
// mutants tools/mutate.py found surviving (spec/mutation/report.md). Field names and
// orders: seed 001 §4.7.2 (the command tables).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

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

}  // namespace LOCKREF_UNITY_ID
