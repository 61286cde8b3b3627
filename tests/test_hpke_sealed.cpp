// OCP L.O.C.K. 0.9 SealedAccessKey (model/lockref/lock/sealed_access_key.hpp): Table 54
// layout, Table 20 algorithm bits, Table 57 codes for each failure, the two-open rewrap
// flow (§4.6.2.2.3), Table 58 info, and the errata of the HPKE domain.
#include <doctest/doctest.h>

#include "lockref/crypto/hpke.hpp"
#include "lockref/lock/sealed_access_key.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace hpke = lockref::crypto::hpke;
namespace sealed = lockref::lock::sealed;

namespace {
Bytes filled(std::size_t n, std::uint8_t seed) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + 31 * i);
  return b;
}
std::size_t randomness_size(std::uint16_t kem) { return kem == hpke::kem_dhkem_p384 ? 48 : hpke::kem_info(kem)->Nrandom; }

struct Fixture {
  std::uint32_t bit;
  hpke::KeyPair kp;
  Bytes info = filled(16, 3);
  Bytes ak = filled(32, 9), new_ak = filled(32, 77);
  sealed::Sealed s;
  explicit Fixture(std::uint32_t b, const sealed::Profile& p = {}) : bit(b) {
    const auto kem = sealed::table20_hpke[static_cast<std::size_t>(std::countr_zero(b))].suite.kem_id;
    kp = hpke::derive_key_pair(kem, filled(32, static_cast<std::uint8_t>(b))).value();
    auto r = sealed::seal(p, 5, b, kp.pk, info, {ak, new_ak}, filled(randomness_size(kem), 1));
    REQUIRE(std::holds_alternative<sealed::Sealed>(r));
    s = std::get<sealed::Sealed>(r);
  }
  sealed::HpkeKeypair slot() const { return {5, bit, kp.sk}; }
};
template <class T>
std::string code_of(const sealed::Outcome<T>& o) {
  return std::holds_alternative<sealed::Failure>(o) ? std::get<sealed::Failure>(o).code : "ok";
}
}  // namespace

TEST_CASE("hpke sealed: Table 54 layout, Nenc and Nt per Table 20 algorithm, encode/decode round trip") {
  for (std::uint32_t bit : {1u, 2u, 4u}) {
    Fixture f(bit);
    const Bytes wire = sealed::encode(f.s.sealed);
    const auto kem = hpke::kem_info(sealed::table20_hpke[static_cast<std::size_t>(std::countr_zero(bit))].suite.kem_id).value();
    INFO("bit " << bit << " kem " << kem.name);
    // 4 u32 little-endian fields, info, kem_ciphertext u8[Nenc], ak_ciphertext u8[32 + Nt]
    CHECK(wire.size() == 16 + f.info.size() + kem.Nenc + 32 + 16);
    CHECK(wire[0] == 5);  // hpke_handle = 5, little-endian (§4.7.2.1)
    CHECK(wire[4] == bit);
    CHECK(wire[8] == 32);
    CHECK(wire[12] == f.info.size());
    auto d = sealed::decode({}, wire);
    REQUIRE(std::holds_alternative<sealed::SealedAccessKey>(d));
    CHECK(std::get<sealed::SealedAccessKey>(d) == f.s.sealed);
  }
  // §4.7.2.22.1 example: bit 0 -> kem 0x0011, aead 0x0002 -> Nenc 97, Nt 16.
  CHECK(hpke::kem_info(0x0011)->Nenc == 97);
  CHECK(hpke::Nt == 16);
}

TEST_CASE("hpke sealed: unwrap for every Table 20 algorithm; rewrap opens twice from one context") {
  for (std::uint32_t bit : {1u, 2u, 4u}) {
    INFO("bit " << bit);
    Fixture f(bit);
    auto one = sealed::unseal({}, f.s.sealed, f.slot());
    REQUIRE(std::holds_alternative<Bytes>(one));
    CHECK(std::get<Bytes>(one) == f.ak);
    // §4.6.2.2.3: current access key at seq 0, new access key at seq 1.
    auto two = sealed::unseal_all({}, f.s.sealed, f.slot(), {ByteView(f.s.extra_ciphertexts.at(0))});
    REQUIRE(std::holds_alternative<std::vector<Bytes>>(two));
    CHECK(std::get<std::vector<Bytes>>(two) == std::vector<Bytes>{f.ak, f.new_ak});
    // The new access key's ciphertext alone (at seq 0) does not open.
    sealed::SealedAccessKey swapped = f.s.sealed;
    swapped.ak_ciphertext = f.s.extra_ciphertexts.at(0);
    CHECK(code_of(sealed::unseal({}, swapped, f.slot())) == "LOCK_ACCESS_KEY_UNWRAP");
  }
}

TEST_CASE("hpke sealed: each failure has its Table 57 code") {
  Fixture f(1);
  const Bytes wire = sealed::encode(f.s.sealed);
  auto with = [&](auto mutate) {
    sealed::SealedAccessKey s = f.s.sealed;
    mutate(s);
    return code_of(sealed::unseal({}, s, f.slot()));
  };
  CHECK(with([](auto& s) { s.hpke_algorithm = 0; }) == "LOCK_BAD_ALGORITHM");
  CHECK(with([](auto& s) { s.hpke_algorithm = 3; }) == "LOCK_BAD_ALGORITHM");   // two bits
  CHECK(with([](auto& s) { s.hpke_algorithm = 8; }) == "LOCK_BAD_ALGORITHM");   // undefined bit
  CHECK(with([](auto& s) { s.hpke_algorithm = 2; }) == "LOCK_BAD_ALGORITHM");   // not the handle's algorithm
  CHECK(with([](auto& s) { s.access_key_len = 16; }) == "LOCK_BAD_ALGORITHM");  // Table 20 access_key_sizes
  CHECK(with([](auto& s) { s.hpke_handle = 6; }) == "LOCK_BAD_HANDLE");
  CHECK(with([](auto& s) { s.kem_ciphertext.pop_back(); }) == "LOCK_KEM_DECAPSULATION");
  CHECK(with([](auto& s) { s.kem_ciphertext[0] = 0x02; }) == "LOCK_KEM_DECAPSULATION");  // compressed-point prefix
  CHECK(with([](auto& s) { s.kem_ciphertext[96] ^= 1; }) == "LOCK_KEM_DECAPSULATION");   // off the curve
  CHECK(with([](auto& s) { s.ak_ciphertext[0] ^= 1; }) == "LOCK_ACCESS_KEY_UNWRAP");
  CHECK(with([](auto& s) { s.ak_ciphertext.back() ^= 1; }) == "LOCK_ACCESS_KEY_UNWRAP");  // tag
  CHECK(with([](auto& s) { s.info.push_back(0); }) == "LOCK_ACCESS_KEY_UNWRAP");
  CHECK(with([](auto& s) { s.ak_ciphertext.pop_back(); }) == "LOCK_ACCESS_KEY_UNWRAP");
  // A profile that does not report bit 0 supported.
  sealed::Profile no_p384;
  no_p384.hpke_algorithms = 0b110;
  CHECK(code_of(sealed::unseal(no_p384, f.s.sealed, f.slot())) == "LOCK_BAD_ALGORITHM");
  // Decoding: every prefix of the wire form fails with a code and never reads out of bounds.
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto d = sealed::decode({}, ByteView(wire).first(n));
    REQUIRE(std::holds_alternative<sealed::Failure>(d));
    const auto& fl = std::get<sealed::Failure>(d);
    const std::string want = n < 16 + f.info.size()           ? "LOCK_ACCESS_KEY_UNWRAP"  // profile malformed_code
                             : n < 16 + f.info.size() + 97 ? "LOCK_KEM_DECAPSULATION"
                                                           : "LOCK_ACCESS_KEY_UNWRAP";
    INFO("prefix " << n << ": " << fl.detail);
    CHECK(fl.code == want);
  }
}

TEST_CASE("hpke sealed: ML-KEM implicit rejection: a wrong private key or kem_ciphertext opens nothing") {
  Fixture f(2);
  sealed::HpkeKeypair other = f.slot();
  other.sk = hpke::derive_key_pair(hpke::kem_ml_kem_1024, filled(32, 200)).value().sk;
  CHECK(code_of(sealed::unseal({}, f.s.sealed, other)) == "LOCK_ACCESS_KEY_UNWRAP");
  // Same for the hybrid with a wrong key (its ML-KEM half rejects implicitly, its P-384 half differs).
  Fixture h(4);
  sealed::HpkeKeypair other_h = h.slot();
  other_h.sk = hpke::derive_key_pair(hpke::kem_lock_hybrid, filled(32, 201)).value().sk;
  CHECK(code_of(sealed::unseal({}, h.s.sealed, other_h)) == "LOCK_ACCESS_KEY_UNWRAP");
}

TEST_CASE("errata: E-LOCK-MLKEM-DECAPS-CODE LOCK_KEM_DECAPSULATION is unreachable for a well-formed ML-KEM ciphertext") {
  Fixture f(2);
  sealed::SealedAccessKey s = f.s.sealed;
  s.kem_ciphertext[10] ^= 0x40;
  auto r = sealed::unseal({}, s, f.slot());
  // FIPS 203 Alg 18: decapsulation "succeeds" with J(z || c); only the AEAD notices.
  CHECK(code_of(r) == "LOCK_ACCESS_KEY_UNWRAP");
  s.kem_ciphertext.resize(1567);
  CHECK(code_of(sealed::unseal({}, s, f.slot())) == "LOCK_KEM_DECAPSULATION");
}

TEST_CASE("errata: E-LOCK-HYBRID-KEM-DETAILS 0x0a25 is MLKEM1024-P384 with Figure 9's label and kem_id") {
  const Bytes ikm = filled(32, 42), rnd = filled(80, 17);
  const auto a = hpke::derive_key_pair(hpke::kem_lock_hybrid, ikm).value();
  const auto b = hpke::derive_key_pair(hpke::kem_mlkem1024_p384, ikm).value();
  // DeriveKeyPair's SHAKE256.LabeledDerive binds kem_id: different seeds.
  CHECK(a.sk != b.sk);
  // Same seed, same expansion: identical public keys.
  CHECK(hpke::public_key(hpke::kem_lock_hybrid, b.sk).value() == b.pk);
  const auto ea = hpke::encap(hpke::kem_lock_hybrid, b.pk, rnd).value();
  const auto eb = hpke::encap(hpke::kem_mlkem1024_p384, b.pk, rnd).value();
  CHECK(ea.enc == eb.enc);  // ct_PQ || ct_T: the label is not part of the ciphertext
  CHECK(ea.shared_secret != eb.shared_secret);
  // Figure 9 by hand: SHA3-256(ss_PQ || ss_T || ct_T || ek_T || Label).
  const ByteView ct_pq = ByteView(ea.enc).first(1568), ct_t = ByteView(ea.enc).subspan(1568);
  const auto full = crypto::shake256({b.sk}, 112);
  const auto pq = crypto::mlkem::keygen_internal(crypto::mlkem::ml_kem_1024, ByteView(full).first(32), ByteView(full).subspan(32, 32));
  const Bytes ss_pq = crypto::mlkem::decaps(crypto::mlkem::ml_kem_1024, pq.dk, ct_pq).value();
  const Bytes sk_t(full.begin() + 64, full.end());
  const Bytes ss_t = crypto::p384::ecdh(sk_t, ct_t).value();
  const ByteView ek_t = ByteView(b.pk).subspan(1568);
  CHECK(ea.shared_secret ==
        crypto::sha3_256({ss_pq, ss_t, ct_t, ek_t, to_bytes("QSF-KEM(ML-KEM-1024,P-384)-XOF(SHAKE256)-KDF(SHA3-256)")}));
  CHECK(hpke::decap(hpke::kem_lock_hybrid, ea.enc, b.sk).value() == ea.shared_secret);
}

TEST_CASE("errata: E-LOCK-T20-ID-ORDER Table 20's {kem/aead/kdf}_id order does not change suite_id") {
  for (const auto& a : sealed::table20_hpke) {
    const Bytes sid = hpke::hpke_suite_id(a.suite.kem_id, a.suite.kdf_id, a.suite.aead_id);
    const Bytes swapped = hpke::hpke_suite_id(a.suite.kem_id, a.suite.aead_id, a.suite.kdf_id);
    CHECK(sid == swapped);  // both 0x0002
    CHECK(to_hex(ByteView(sid).last(4)) == "00020002");
  }
}

TEST_CASE("errata: E-LOCK-T57-SEALED-MALFORMED a truncated header or info has no Table 57 code") {
  const Bytes header_only = {1, 0, 0, 0, 1, 0, 0};  // 7 bytes: hpke_algorithm cut short
  auto d = sealed::decode({}, header_only);
  REQUIRE(std::holds_alternative<sealed::Failure>(d));
  CHECK(std::get<sealed::Failure>(d).code == "LOCK_ACCESS_KEY_UNWRAP");
  CHECK(std::get<sealed::Failure>(d).detail.find("hpke_algorithm") != std::string::npos);
  CHECK(std::get<sealed::Failure>(d).detail.find("offset 4") != std::string::npos);
  sealed::Profile p;
  p.malformed_code = "LOCK_MALFORMED_REQUEST";
  CHECK(std::get<sealed::Failure>(sealed::decode(p, header_only)).code == "LOCK_MALFORMED_REQUEST");
  // Trailing bytes after a complete SealedAccessKey: the same profile code.
  Fixture f(1);
  Bytes wire = sealed::encode(f.s.sealed);
  wire.push_back(0);
  CHECK(std::get<sealed::Failure>(sealed::decode(p, wire)).code == "LOCK_MALFORMED_REQUEST");
}

TEST_CASE("errata: E-LOCK-HPKE-AAD 0.9 names no AAD for the access-key Open") {
  sealed::Profile with_aad;
  with_aad.aad = to_bytes("OCP-LOCK");
  Fixture f(1, with_aad);
  CHECK(code_of(sealed::unseal({}, f.s.sealed, f.slot())) == "LOCK_ACCESS_KEY_UNWRAP");  // default: empty AAD
  CHECK(code_of(sealed::unseal(with_aad, f.s.sealed, f.slot())) == "ok");
}

TEST_CASE("errata: E-LOCK-T58-INFO-HEX the spelling of the hex value of the UIDs") {
  const Bytes method = from_hex("0000000600000001").value(), ac = from_hex("0000000B00000A01").value();
  sealed::Profile p;
  CHECK(to_hex(sealed::mek_mpa_info(p, method, ac).value()) == "00000006000000010000000b00000a01");
  p.info_encoding = sealed::InfoEncoding::ascii_hex_upper;
  CHECK(sealed::mek_mpa_info(p, method, ac).value() == to_bytes("00000006000000010000000B00000A01"));
  p.info_encoding = sealed::InfoEncoding::ascii_hex_lower;
  CHECK(sealed::mek_mpa_info(p, method, ac).value() == to_bytes("00000006000000010000000b00000a01"));
  CHECK_FALSE(sealed::mek_mpa_info(p, ByteView(method).first(7), ac));
}

TEST_CASE("errata: E-LOCK-MLKEM-KEY-FORMAT ML-KEM-1024 private keys are 64-byte seeds; expanded keys also accepted") {
  const auto kp = hpke::derive_key_pair(hpke::kem_ml_kem_1024, filled(64, 5)).value();
  CHECK(kp.sk.size() == 64);
  const auto expanded = crypto::mlkem::keygen_from_seed(crypto::mlkem::ml_kem_1024, kp.sk).value();
  const auto e = hpke::encap(hpke::kem_ml_kem_1024, kp.pk, filled(32, 8)).value();
  CHECK(hpke::decap(hpke::kem_ml_kem_1024, e.enc, kp.sk).value() == e.shared_secret);
  CHECK(hpke::decap(hpke::kem_ml_kem_1024, e.enc, expanded.dk).value() == e.shared_secret);
  CHECK_FALSE(hpke::decap(hpke::kem_ml_kem_1024, e.enc, ByteView(kp.sk).first(63)));
  // An expanded key whose embedded H(ek) is wrong fails the FIPS 203 §7.3 hash check.
  Bytes bad = expanded.dk;
  bad[3168 - 40] ^= 1;
  CHECK_FALSE(hpke::decap(hpke::kem_ml_kem_1024, e.enc, bad));
}

TEST_CASE("hpke: context sequence numbers, nonces and the message limit (RFC 9180 §5.2, 0.9 Figure 10)") {
  auto ctx = hpke::key_schedule_base({0x0011, 2, 2}, filled(48, 1), filled(5, 2)).value();
  const Bytes n0 = ctx.nonce();
  CHECK(n0 == ctx.base_nonce);
  ctx.seq = 0x0102;
  Bytes n = ctx.nonce();
  CHECK((n[11] ^ n0[11]) == 0x02);
  CHECK((n[10] ^ n0[10]) == 0x01);
  CHECK(n[0] == n0[0]);
  // Open failure leaves seq unchanged; success advances it.
  auto snd = hpke::key_schedule_base({0x0011, 2, 2}, filled(48, 1), filled(5, 2)).value();
  auto ct = snd.seal({}, filled(32, 0)).value();
  auto rcv = hpke::key_schedule_base({0x0011, 2, 2}, filled(48, 1), filled(5, 2)).value();
  Bytes bad = ct;
  bad[0] ^= 1;
  CHECK_FALSE(rcv.open({}, bad));
  CHECK(rcv.seq == 0);
  CHECK(rcv.open({}, ct));
  CHECK(rcv.seq == 1);
  CHECK_FALSE(rcv.open({}, ct));  // replay at seq 1
  rcv.seq = std::numeric_limits<std::uint64_t>::max();
  CHECK_FALSE(rcv.open({}, ct));
  CHECK_FALSE(rcv.seal({}, ct));
}

TEST_CASE("hpke: hybrid encapsulation rejects an invalid P-384 scalar seed") {
  // Group.RandomScalar (draft-irtf-cfrg-concrete-hybrid-kems): 0 and values >= n are rejected;
  // with only one 48-byte window in the 80-byte randomness there is nothing to fall back on.
  const auto kp = hpke::derive_key_pair(hpke::kem_lock_hybrid, filled(32, 1)).value();
  Bytes rnd(80, 0);
  CHECK_FALSE(hpke::encap(hpke::kem_lock_hybrid, kp.pk, rnd));
  std::fill(rnd.begin() + 32, rnd.end(), 0xFF);  // > n
  CHECK_FALSE(hpke::encap(hpke::kem_lock_hybrid, kp.pk, rnd));
  rnd[32] = 0x7F;
  CHECK(hpke::encap(hpke::kem_lock_hybrid, kp.pk, rnd));
  CHECK_FALSE(hpke::encap(hpke::kem_lock_hybrid, kp.pk, ByteView(rnd).first(79)));  // Nrandom = 80
}

}  // namespace LOCKREF_UNITY_ID
