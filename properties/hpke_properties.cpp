// Properties of HPKE (crypto/hpke.hpp) and the SealedAccessKey (lock/sealed_access_key.hpp)
// for every OCP L.O.C.K. 0.9 Table 3 suite. Each property is also run against a
// deliberately broken variant (a mutant) that it must catch.
#include <rapidcheck.h>

#include "lockref/crypto/hpke.hpp"
#include "lockref/lock/sealed_access_key.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace hpke = lockref::crypto::hpke;
namespace sealed = lockref::lock::sealed;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {

rc::Gen<Bytes> bytes(std::size_t lo, std::size_t hi) {
  return rc::gen::mapcat(rc::gen::inRange(lo, hi + 1),
                         [](std::size_t n) { return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>()); });
}
constexpr std::array<std::uint16_t, 3> table3_kems{hpke::kem_dhkem_p384, hpke::kem_ml_kem_1024, hpke::kem_lock_hybrid};
std::size_t randomness_size(std::uint16_t kem) { return kem == hpke::kem_dhkem_p384 ? 48 : hpke::kem_info(kem)->Nrandom; }

/// Encapsulation randomness for `kem`. The hybrid's last 48 bytes must be a valid P-384 scalar
/// (RandomScalar rejects 0 and values >= n; with real randomness that never happens, but the
/// generator's small sizes produce zeros): such a draw is repaired, and the rejection itself is
/// a unit test ("hpke: hybrid encapsulation rejects an invalid P-384 scalar seed").
Bytes gen_randomness(std::uint16_t kem) {
  const std::size_t n = randomness_size(kem);
  Bytes r = *bytes(n, n);
  if (kem != hpke::kem_dhkem_p384 && kem != hpke::kem_ml_kem_1024 && !crypto::p384::valid_scalar(ByteView(r).subspan(32)))
    r[32] = 1;
  return r;
}

Bytes flip_bit(Bytes b, std::size_t pos) {
  b[pos % b.size()] ^= static_cast<std::uint8_t>(1u << (pos % 8));
  return b;
}

/// The receiver under test: SetupBaseR + Open at `seq`. Mutants replace it.
using Receiver = std::function<Result<Bytes>(const hpke::Suite&, ByteView enc, ByteView skR, ByteView info,
                                             ByteView aad, ByteView ct, std::uint64_t seq)>;
Result<Bytes> real_receiver(const hpke::Suite& s, ByteView enc, ByteView skR, ByteView info, ByteView aad, ByteView ct,
                            std::uint64_t seq) {
  auto ctx = hpke::setup_base_r(s, enc, skR, info);
  if (!ctx) return ctx.error();
  auto c = ctx.value();
  c.seq = seq;
  return c.open(aad, ct);
}
/// Mutant: the key schedule ignores `info` (binds the context to nothing).
Result<Bytes> receiver_ignoring_info(const hpke::Suite& s, ByteView enc, ByteView skR, ByteView, ByteView aad,
                                     ByteView ct, std::uint64_t seq) {
  return real_receiver(s, enc, skR, {}, aad, ct, seq);
}
/// Mutant: the nonce does not depend on the sequence number (always base_nonce).
Result<Bytes> receiver_ignoring_seq(const hpke::Suite& s, ByteView enc, ByteView skR, ByteView info, ByteView aad,
                                    ByteView ct, std::uint64_t) {
  return real_receiver(s, enc, skR, info, aad, ct, 0);
}

struct Sealing {
  hpke::Suite suite;
  hpke::KeyPair kp;
  Bytes info, aad, pt, enc, ct;
  std::uint64_t seq;
};
Sealing gen_sealing() {
  const auto kem = *rc::gen::elementOf(table3_kems);
  Sealing s{{kem, 2, 2}, {}, *bytes(0, 40), *bytes(0, 24), *bytes(0, 48), {}, {}, *rc::gen::inRange<std::uint64_t>(0, 4)};
  s.kp = hpke::derive_key_pair(kem, *bytes(32, 48)).value();
  auto snd = hpke::setup_base_s(s.suite, s.kp.pk, s.info, gen_randomness(kem));
  RC_ASSERT(snd.ok());
  auto ctx = snd.value().ctx;
  ctx.seq = s.seq;
  s.enc = snd.value().enc;
  s.ct = ctx.seal(s.aad, s.pt).value();
  return s;
}

auto roundtrip_and_tamper(Receiver open) {
  return [open] {
    const Sealing s = gen_sealing();
    auto pt = open(s.suite, s.enc, s.kp.sk, s.info, s.aad, s.ct, s.seq);
    RC_ASSERT(pt.ok());
    RC_ASSERT(*pt == s.pt);
    const auto pos = *rc::gen::arbitrary<std::size_t>();
    const int what = *rc::gen::inRange(0, 6);
    Result<Bytes> bad = make_error("unset");
    switch (what) {
      case 0: bad = open(s.suite, flip_bit(s.enc, pos), s.kp.sk, s.info, s.aad, s.ct, s.seq); break;
      case 1: bad = open(s.suite, s.enc, s.kp.sk, s.info, s.aad, flip_bit(s.ct, pos), s.seq); break;  // ct or tag
      case 2: bad = open(s.suite, s.enc, s.kp.sk, concat({s.info, Bytes{0}}), s.aad, s.ct, s.seq); break;
      case 3: bad = open(s.suite, s.enc, s.kp.sk, s.info, concat({s.aad, Bytes{0}}), s.ct, s.seq); break;
      case 4: bad = open(s.suite, s.enc, s.kp.sk, s.info, s.aad, s.ct, s.seq + 1); break;
      default: bad = open(s.suite, s.enc, s.kp.sk, s.info.empty() ? Bytes{1} : flip_bit(s.info, pos), s.aad, s.ct, s.seq); break;
    }
    RC_ASSERT_FALSE(bad.ok());
  };
}

auto sequence_selects_nonce(Receiver open) {
  return [open] {
    const auto kem = *rc::gen::elementOf(table3_kems);
    const hpke::Suite suite{kem, 2, 2};
    const auto kp = hpke::derive_key_pair(kem, *bytes(32, 32)).value();
    const Bytes info = *bytes(0, 16), aad = *bytes(0, 8);
    auto snd = hpke::setup_base_s(suite, kp.pk, info, gen_randomness(kem)).value();
    std::vector<Bytes> cts, pts;
    for (int i = 0; i < 3; ++i) {
      pts.push_back(*bytes(1, 32));
      cts.push_back(snd.ctx.seal(aad, pts.back()).value());
    }
    for (std::uint64_t i = 0; i < 3; ++i)
      for (std::uint64_t at = 0; at < 3; ++at) {
        auto r = open(suite, snd.enc, kp.sk, info, aad, cts[i], at);
        RC_ASSERT(r.ok() == (i == at));
        if (r.ok()) RC_ASSERT(*r == pts[i]);
      }
  };
}

/// The decoder under test (mutants replace it).
using Decoder = std::function<sealed::Outcome<sealed::SealedAccessKey>(ByteView)>;
sealed::Outcome<sealed::SealedAccessKey> real_decode(ByteView b) { return sealed::decode(sealed::Profile{}, b); }
/// Mutant: hpke_handle read big-endian (§4.7.2.1 says little-endian).
sealed::Outcome<sealed::SealedAccessKey> decode_handle_big_endian(ByteView b) {
  Bytes c(b.begin(), b.end());
  if (c.size() >= 4) std::reverse(c.begin(), c.begin() + 4);
  return sealed::decode(sealed::Profile{}, c);
}

auto codec_roundtrip(Decoder decode) {
  return [decode] {
    const auto bit = *rc::gen::elementOf(std::array<std::uint32_t, 3>{1, 2, 4});
    const auto kem = hpke::kem_info(sealed::table20_hpke[static_cast<std::size_t>(std::countr_zero(bit))].suite.kem_id).value();
    sealed::SealedAccessKey s{*rc::gen::arbitrary<std::uint32_t>(), bit, 32, *bytes(0, 64), *bytes(kem.Nenc, kem.Nenc),
                              *bytes(48, 48)};
    auto d = decode(sealed::encode(s));
    RC_ASSERT(std::holds_alternative<sealed::SealedAccessKey>(d));
    RC_ASSERT(std::get<sealed::SealedAccessKey>(d) == s);
    // Totality: arbitrary bytes (a random header, random lengths) decode to a value that
    // re-encodes to exactly the input, or to a Failure with a Table 57 / profile code.
    Bytes junk = *bytes(0, 64);
    if (*rc::gen::arbitrary<bool>()) junk = concat({ByteView(sealed::encode(s)).first(*rc::gen::inRange<std::size_t>(0, 20)), junk});
    auto j = decode(junk);
    if (auto* v = std::get_if<sealed::SealedAccessKey>(&j)) RC_ASSERT(sealed::encode(*v) == junk);
    else RC_ASSERT(std::get<sealed::Failure>(j).code.rfind("LOCK_", 0) == 0);
  };
}

/// ML-KEM Decaps under test (mutants replace it).
using MlkemDecaps = std::function<Bytes(ByteView dk, ByteView c)>;
Bytes real_decaps(ByteView dk, ByteView c) {
  return crypto::mlkem::decaps_internal(crypto::mlkem::ml_kem_1024, dk, c);
}
/// Mutant: FIPS 203 Alg 18 without the re-encryption check (no implicit rejection).
Bytes decaps_without_rejection(ByteView dk, ByteView c) {
  namespace m = crypto::mlkem;
  const auto& p = m::ml_kem_1024;
  const Bytes m_prime = m::kpke_decrypt(p, dk.first(384 * p.k), c);
  return m::G(concat({m_prime, dk.subspan(768 * p.k + 32, 32)})).first;
}

auto wrong_key(MlkemDecaps decaps) {
  return [decaps] {
    const auto kem = *rc::gen::elementOf(table3_kems);
    const hpke::Suite suite{kem, 2, 2};
    const Bytes ikm1 = *bytes(32, 32);
    Bytes ikm2 = ikm1;
    ikm2[0] ^= 1;
    const auto kp1 = hpke::derive_key_pair(kem, ikm1).value(), kp2 = hpke::derive_key_pair(kem, ikm2).value();
    const Bytes rnd = gen_randomness(kem);
    const auto e = hpke::encap(kem, kp1.pk, rnd).value();
    if (kem == hpke::kem_ml_kem_1024) {
      // FIPS 203 Alg 18: with the wrong key the re-encryption differs, K = J(z2 || c).
      const auto dk2 = crypto::mlkem::keygen_from_seed(crypto::mlkem::ml_kem_1024, kp2.sk).value().dk;
      RC_ASSERT(decaps(dk2, e.enc) == crypto::shake256({ByteView(kp2.sk).subspan(32, 32), e.enc}, 32));
    } else {
      auto ss2 = hpke::decap(kem, e.enc, kp2.sk);  // a valid point: decapsulation "works"
      RC_ASSERT(ss2.ok());
      RC_ASSERT(*ss2 != e.shared_secret);
    }
    // No suite releases the plaintext to the wrong key.
    auto snd = hpke::setup_base_s(suite, kp1.pk, {}, rnd).value();
    const Bytes ct = snd.ctx.seal({}, Bytes(32, 7)).value();
    RC_ASSERT_FALSE(real_receiver(suite, snd.enc, kp2.sk, {}, {}, ct, 0).ok());
  };
}

}  // namespace

TEST_CASE("hpke: property open(seal(m)) == m and tampering fails, every Table 3 suite") {
  holds("open(seal(m)) == m; a changed enc, ciphertext, tag, info, aad or seq fails", roundtrip_and_tamper(real_receiver), 60);
  fails("mutant: key schedule ignores info", roundtrip_and_tamper(receiver_ignoring_info));
}

TEST_CASE("hpke: property the sequence number selects the nonce: each message opens only at its own seq") {
  holds("message i of a context opens at seq i and only there", sequence_selects_nonce(real_receiver), 20);
  fails("mutant: nonce ignores the sequence number", sequence_selects_nonce(receiver_ignoring_seq));
}

TEST_CASE("hpke: property SealedAccessKey decode(encode(s)) == s and every decode is total") {
  holds("Table 54 round trip; arbitrary bytes decode or fail with a code", codec_roundtrip(real_decode), 200);
  fails("mutant: hpke_handle decoded big-endian", codec_roundtrip(decode_handle_big_endian));
}

TEST_CASE("hpke: property decapsulation with the wrong private key: implicit rejection for ML-KEM, no plaintext for any suite") {
  holds("wrong key: ML-KEM yields J(z || c), DH-based KEMs a different secret, Open fails", wrong_key(real_decaps), 30);
  fails("mutant: ML-KEM Decaps without the re-encryption check", wrong_key(decaps_without_rejection));
}

}  // namespace LOCKREF_UNITY_ID
