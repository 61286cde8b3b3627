// Failure paths of the HPKE layer and the L.O.C.K. key hierarchy that the known-answer tests
// never take (they only feed valid keys): written to kill the mutants tools/mutate.py found
// surviving (spec/mutation/report.md). Each refusal is what the construction demands: an
// encapsulation to a public key that is not a curve point has no shared secret (RFC 9180
// §7.1.4, SP 800-56A partial public-key validation); a hybrid private key is a 32-byte seed
// (draft-ietf-hpke-pq, 0.9 Table 3's 0x0A25); a Locked MPK opens only with its access key
// (0.9 §4.6.2.2, Figure 13); the MDK is a 256-bit AES key (Figure 22).
#include <doctest/doctest.h>

#include <limits>
#include <new>
#include <string>

#include "lockref/crypto/hpke.hpp"
#include "lockref/crypto/rsa_oaep.hpp"
#include "lockref/crypto/signature.hpp"
#include "lockref/fwpkg/example_keys.hpp"
#include "lockref/kpio/pki_test_key.hpp"
#include "lockref/lock/keys.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace hpke = lockref::crypto::hpke;

namespace {
/// 2·G on P-384, uncompressed (python3-cryptography: derive_private_key(2).public_key()).
const Bytes two_g = from_hex(
                        "0408d999057ba3d2d969260045c55b97f089025959a6f434d651d207d19fb96e9e4fe0e86ebe0e64f85b96a9c75295df61"
                        "8e80f1fa5b1b3cedb7bfe8dffd6dba74b275d875bc6cc43e904e505f256ab4255ffd43e94d39e22d61501e700a940e80")
                        .value();
Bytes fill(std::uint8_t start, std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(start + i);
  return b;
}
template <class R>
std::string error_of(const R& r) {
  return r ? std::string() : r.error().message;
}
}  // namespace

TEST_CASE("hpke: SetupBaseS to a public key that is not a curve point fails, for the classical and the hybrid KEM") {
  // 0x04 || 96 zero bytes: the uncompressed encoding of (0, 0), not on P-384.
  Bytes not_a_point(97, 0x00);
  not_a_point[0] = 0x04;
  const hpke::Suite dh{hpke::kem_dhkem_p384, 2, 2}, hy{hpke::kem_lock_hybrid, 2, 2};
  auto s = hpke::setup_base_s(dh, not_a_point, to_bytes("info"), fill(1, 48));
  CHECK_FALSE(s);
  CHECK_FALSE(error_of(s).empty());
  // the hybrid public key is ek_PQ (1568) || a P-384 point (97): one byte short is refused
  auto h = hpke::setup_base_s(hy, fill(7, 1664), to_bytes("info"), fill(1, 80));
  CHECK_FALSE(h);
  CHECK(error_of(h).find("1665") != std::string::npos);
  // and a valid key of the hybrid KEM with a P-384 half that is not a point fails too
  auto kp = hpke::derive_key_pair(hpke::kem_lock_hybrid, fill(3, 32));
  REQUIRE(kp);
  Bytes broken = kp->pk;
  std::copy(not_a_point.begin(), not_a_point.end(), broken.end() - 97);
  CHECK_FALSE(hpke::setup_base_s(hy, broken, to_bytes("info"), fill(1, 80)));
  CHECK(hpke::setup_base_s(hy, kp->pk, to_bytes("info"), fill(1, 80)));
}

TEST_CASE("hpke: a hybrid private key is a 32-byte seed; Decap with any other length fails") {
  auto kp = hpke::derive_key_pair(hpke::kem_lock_hybrid, fill(3, 32));
  REQUIRE(kp);
  CHECK(kp->sk.size() == 32);
  auto e = hpke::encap(hpke::kem_lock_hybrid, kp->pk, fill(9, 80));
  REQUIRE(e);
  CHECK(hpke::decap(hpke::kem_lock_hybrid, e->enc, kp->sk).value() == e->shared_secret);
  for (std::size_t n : {std::size_t{0}, std::size_t{31}, std::size_t{33}, std::size_t{64}}) {
    Bytes sk = fill(3, n);
    auto d = hpke::decap(hpke::kem_lock_hybrid, e->enc, sk);
    CHECK_MESSAGE(!d, n);
    CHECK(error_of(d).find("32-byte seed") != std::string::npos);
    CHECK_FALSE(hpke::setup_base_r({hpke::kem_lock_hybrid, 2, 2}, e->enc, sk, to_bytes("info")));
    const auto pk = hpke::public_key(hpke::kem_lock_hybrid, sk);
    REQUIRE_FALSE(pk);
    CHECK(pk.error().message == "hybrid KEM private key: expected a 32-byte seed, got " + std::to_string(n));
  }
}

TEST_CASE("hpke: the hybrid KEM refuses an encapsulation of the wrong length, randomness of the wrong length, and an ML-KEM half that fails FIPS 203's modulus check") {
  namespace hy = crypto::hybrid;
  const auto kp = hy::derive_key_pair(hy::lock_0a25, fill(3, 32));
  REQUIRE(kp);
  // ct = ct_PQ (1568) || ct_T (97): 1665 bytes, neither half cut short.
  const auto e = hy::encap(hy::lock_0a25, kp->pk, fill(9, 80));
  REQUIRE(e);
  for (std::size_t n : {std::size_t{1664}, std::size_t{1666}}) {
    Bytes enc = e->enc;
    enc.resize(n, 0x04);
    const auto d = hy::decap(hy::lock_0a25, enc, kp->sk);
    REQUIRE_FALSE(d);
    CHECK(d.error().message == "hybrid KEM ciphertext: expected 1665 bytes, got " + std::to_string(n));
  }
  // EncapsDerand's randomness: ML-KEM's m (32) || the P-384 scalar seed (48).
  for (std::size_t n : {std::size_t{79}, std::size_t{81}, std::size_t{128}}) {
    const auto r = hy::encap(hy::lock_0a25, kp->pk, fill(9, n));
    REQUIRE_FALSE(r);
    CHECK(r.error().message ==
          "hybrid KEM randomness: expected 80 bytes (m || P-384 seed), got " + std::to_string(n));
  }
  // FIPS 203 §7.2: every 12-bit coefficient of ek_PQ is < q = 3329; 0xFFF is not.
  Bytes pk = kp->pk;
  std::fill(pk.begin(), pk.begin() + 384, 0xFF);
  const auto bad = hy::encap(hy::lock_0a25, pk, fill(9, 80));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "ML-KEM encapsulation key: coefficient >= q in polynomial 0 (FIPS 203 §7.2 modulus check)");
}

TEST_CASE("lock keys: each input of the wrong length is refused by name before any AES (Figures 4, 5, 12, 20, 22, 25; Table 56)") {
  // §4.6.1.4 and Figures 4-5: 96-bit salts and IVs, 128-bit tags; Table 56 key_len;
  // the DPK, access key (256 bits) and MEK (512 bits) of Figures 12, 20, 22; Figure 25's
  // 16-byte checksum. Each check answers before AES-GCM would refuse the same bytes with a
  // message of its own.
  using namespace lockref::lock;
  const auto p = rev09::profile();
  const Bytes key = fill(0x10, 64), salt = fill(1, 12), iv = fill(2, 12);
  auto msg = [](const auto& r) {
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK(msg(preconditioned_aes_encrypt(p, key, to_bytes("l"), salt, fill(2, 16), {}, fill(3, 32))) ==
        "iv (Figure 4: 96-bit IV): expected 12 bytes, got 16");
  CHECK(msg(preconditioned_aes_decrypt(p, key, to_bytes("l"), salt, fill(2, 8), {}, fill(3, 32), fill(4, 16))) ==
        "iv (Figure 5: 96-bit IV): expected 12 bytes, got 8");
  CHECK(msg(preconditioned_aes_decrypt(p, key, to_bytes("l"), salt, iv, {}, fill(3, 32), fill(4, 12))) ==
        "tag (Figure 5: 128-bit tag): expected 16 bytes, got 12");
  CHECK(msg(locked_mpk_key(p, key, fill(5, 16))) == "access_key: expected 32 bytes, got 16");
  CHECK(msg(wrap_key(p, WrappedKeyType::locked_mpk, key, to_bytes("l"), salt, iv, {}, fill(6, 16))) ==
        "key (Table 56 key_len): expected 32 bytes, got 16");
  CHECK(msg(wrap_key(p, WrappedKeyType::locked_mpk, key, to_bytes("l"), fill(1, 16), iv, {}, fill(6, 32))) ==
        "salt: expected 12 bytes, got 16");
  CHECK(msg(wrap_key(p, WrappedKeyType::locked_mpk, key, to_bytes("l"), salt, fill(2, 16), {}, fill(6, 32))) ==
        "iv: expected 12 bytes, got 16");
  CHECK(msg(mek_secret_seed(p, key, fill(7, 16))) == "dpk: expected 32 bytes, got 16");
  CHECK(msg(wrap_mek(p, key, key, fill(8, 32), salt, iv, {})) == "mek: expected 64 bytes, got 32");
  CHECK(msg(derive_mek_from_secret(p, key, fill(9, 8))) == "checksum: expected 16 bytes, got 8");
}

TEST_CASE("lock keys: enabling or rotating a Locked MPK with the wrong access key releases nothing (Figures 13, 14)") {
  using namespace lockref::lock;
  const auto p = rev09::profile();
  const Bytes hek = fill(0x10, 64), sek = fill(0x20, 32), ak = fill(0xC0, 32), wrong = fill(0xC1, 32), mpk = fill(0x50, 32);
  auto locked = lock_mpk(p, hek, sek, ak, mpk, fill(1, 12), fill(2, 12), to_bytes("meta"));
  REQUIRE(locked);
  CHECK(enable_mpk(p, hek, sek, ak, *locked, fill(0x77, 64), fill(3, 12), fill(4, 12)));
  CHECK_FALSE(enable_mpk(p, hek, sek, wrong, *locked, fill(0x77, 64), fill(3, 12), fill(4, 12)));
  CHECK(rotate_mpk_access_key(p, hek, sek, ak, wrong, *locked, fill(3, 12), fill(4, 12)));
  CHECK_FALSE(rotate_mpk_access_key(p, hek, sek, wrong, ak, *locked, fill(3, 12), fill(4, 12)));
  // a wrong SEK (another epoch) is as good as a wrong access key
  CHECK_FALSE(enable_mpk(p, hek, fill(0x21, 32), ak, *locked, fill(0x77, 64), fill(3, 12), fill(4, 12)));
}

TEST_CASE("lock keys: the MDK of Figure 22 is a 256-bit AES key; a shorter one wraps no MEK") {
  using namespace lockref::lock;
  const auto p = rev09::profile();
  const Bytes secret = fill(0x40, 64), mek = fill(0x60, 64);
  CHECK(wrap_mek(p, fill(0x30, 32), secret, mek, fill(1, 12), fill(2, 12), {}));
  CHECK(wrap_mek(p, fill(0x30, 64), secret, mek, fill(1, 12), fill(2, 12), {}));  // E-LOCK-AES-KEY-FROM-512
  for (std::size_t n : {std::size_t{0}, std::size_t{16}, std::size_t{31}}) {
    auto w = wrap_mek(p, fill(0x30, n), secret, mek, fill(1, 12), fill(2, 12), {});
    CHECK_MESSAGE(!w, n);
    CHECK(error_of(w).find("32 bytes") != std::string::npos);
  }
}

TEST_CASE("lock keys: a profile whose salt checksum key is no AES key size derives no MPK secret") {
  using namespace lockref::lock;
  auto p = rev09::profile();
  const std::vector<Bytes> mpks = {fill(0x50, 32)};
  CHECK(mpk_secret(p, mpks));
  p.salt_checksum_key_bytes = 20;  // Figure 3 keys AES with it: 16, 24 or 32 bytes only
  CHECK_FALSE(mpk_secret(p, mpks));
  CHECK(mpk_secret(p, {}));  // zero MPKs: the initial secret, no derivation (Figure 21)
}

TEST_CASE("hpke: LabeledExpand's L is two bytes, so 65535 fits and only HKDF's 255*Nh bound refuses it (RFC 9180 §4)") {
  const Bytes prk = fill(1, 48), suite = to_bytes("HPKE-suite");
  // I2OSP(L, 2) holds 65535; HKDF-SHA384 then refuses more than 255 * 48 = 12240 bytes
  const auto at_max = hpke::labeled_expand(suite, prk, "x", {}, 65535);
  REQUIRE_FALSE(at_max);
  CHECK(at_max.error().message.find("255*HashLen") != std::string::npos);
  const auto over = hpke::labeled_expand(suite, prk, "x", {}, 65536);
  REQUIRE_FALSE(over);
  CHECK(over.error().message.find("2 bytes") != std::string::npos);
  CHECK(hpke::labeled_expand(suite, prk, "x", {}, 12240));
}


TEST_CASE("hpke: Export takes L up to 255*Nh and no more (RFC 9180 §5.3)") {
  // RFC 9180 §5.3: Export(exporter_context, L) "MUST" fail with an error if L is larger than
  // 255*Nh; HKDF-SHA384 has Nh = 48, so L = 12240 is the largest allowed length.
  const hpke::Suite s{hpke::kem_dhkem_p384, 2, 2};
  const auto ctx = hpke::key_schedule_base(s, fill(5, 48), to_bytes("info"));
  REQUIRE(ctx);
  const auto at_max = ctx->export_secret(to_bytes("ctx"), 255 * 48);
  REQUIRE(at_max);
  CHECK(at_max->size() == 12240);
  const auto over = ctx->export_secret(to_bytes("ctx"), 255 * 48 + 1);
  REQUIRE_FALSE(over);
  CHECK(over.error().message == "HPKE Export: L exceeds 255*Nh");  // Export's own check, before HKDF's
}

TEST_CASE("hpke: an ML-KEM-1024 decapsulation key in FIPS 203 form yields its encapsulation key") {
  // FIPS 203 Algorithm 16 (ML-KEM.KeyGen_internal): dk = dk_PKE (384k = 1536 bytes) || ek
  // (1568 bytes) || H(ek) || z; the public key of a 3168-byte dk is the ek inside it, the
  // same one the 64-byte seed form (draft-ietf-hpke-pq) yields.
  const Bytes seed = fill(0x40, 64);
  const auto kp = crypto::mlkem::keygen_from_seed(crypto::mlkem::ml_kem_1024, seed);
  REQUIRE(kp);
  REQUIRE(kp->dk.size() == 3168);
  const auto from_dk = hpke::public_key(hpke::kem_ml_kem_1024, kp->dk);
  REQUIRE(from_dk);
  CHECK(*from_dk == Bytes(kp->dk.begin() + 1536, kp->dk.begin() + 1536 + 1568));
  CHECK(*from_dk == kp->ek);
  CHECK(*from_dk == hpke::public_key(hpke::kem_ml_kem_1024, seed).value());
}


TEST_CASE("ml-kem: SampleNTT stores 256 coefficients and not one more (FIPS 203 Algorithm 7)") {
  // FIPS 203 Algorithm 7: "if d2 < q and j < 256 then a[j] <- d2": when d1 fills the last
  // coefficient, d2 is dropped. The polynomial is built in place (the caller's object), so
  // a store past its end would reach the word that follows it here (AddressSanitizer's
  // stack-buffer-overflow without the sanitizer). With rho = 00..1f, half of the 16
  // (j, i) of a 4x4 matrix end on d1 with d2 < q (checked with Python's hashlib SHAKE128).
  struct Guarded {
    crypto::mlkem::Poly p;
    std::uint16_t canary;
  };
  const Bytes rho = fill(0, 32);
  for (std::uint8_t j = 0; j < 4; ++j)
    for (std::uint8_t i = 0; i < 4; ++i) {
      Guarded g{};
      g.canary = 0xBEEF;
      // placement with a prvalue: sample_ntt's result object is g.p itself (C++17 elision)
      ::new (static_cast<void*>(&g.p)) crypto::mlkem::Poly(crypto::mlkem::sample_ntt(rho, j, i));
      CHECK(g.canary == 0xBEEF);
      const crypto::mlkem::Poly h = crypto::mlkem::sample_ntt(rho, j, i);
      CHECK(g.p == h);
      for (auto c : h) CHECK(c < 3329);
    }
}

TEST_CASE("ml-kem: SampleNTT squeezes more of the same SHAKE128 stream when it runs out (FIPS 203 Algorithm 7)") {
  // Algorithm 7 reads one XOF stream until 256 coefficients are accepted. Started at one
  // 168-byte block (about 91 coefficients) sample_ntt must extend the stream twice and end
  // with the polynomial the default four blocks give, which the FIPS 203 known answers fix.
  const Bytes rho = fill(0, 32);
  for (std::uint8_t j = 0; j < 4; ++j)
    for (std::uint8_t i = 0; i < 4; ++i) {
      INFO("j " << int{j} << " i " << int{i});
      CHECK(crypto::mlkem::sample_ntt(rho, j, i, 1) == crypto::mlkem::sample_ntt(rho, j, i));
    }
}

TEST_CASE("ml-kem: KeyGen's d and z and Encaps' m are 32 bytes (FIPS 203 Algorithms 19, 20)") {
  namespace ml = crypto::mlkem;
  const Bytes b32 = fill(1, 32);
  for (std::size_t n : {std::size_t{31}, std::size_t{33}, std::size_t{0}}) {
    INFO(n << " bytes");
    CHECK(ml::keygen(ml::ml_kem_1024, Bytes(n, 1), b32).error().message ==
          "ML-KEM KeyGen: d and z must be 32 bytes each, got " + std::to_string(n) + " and 32");
    CHECK(ml::keygen(ml::ml_kem_1024, b32, Bytes(n, 1)).error().message ==
          "ML-KEM KeyGen: d and z must be 32 bytes each, got 32 and " + std::to_string(n));
  }
  const auto kp = ml::keygen(ml::ml_kem_1024, b32, b32);
  REQUIRE(kp);
  for (std::size_t n : {std::size_t{31}, std::size_t{33}}) {
    CHECK(ml::encaps(ml::ml_kem_1024, kp->ek, Bytes(n, 2)).error().message ==
          "ML-KEM Encaps: m must be 32 bytes, got " + std::to_string(n));
  }
  CHECK(ml::encaps(ml::ml_kem_1024, kp->ek, Bytes(32, 2)));
}

TEST_CASE("signature: RSASSA-PSS signing with each hash verifies, and a key that is not PKCS #8 RSA is refused (RFC 8017 §8.1)") {
  // The signer key is lockref's example firmware signer (RSA-2048, made by openssl). The
  // verifier (rsa_pss_verify) is the one the firmware-package vectors check against packages
  // signed by python3-cryptography; here its answer judges what rsa_pss_sign produced.
  namespace c = lockref::crypto;
  const Bytes priv = from_hex(fwpkg::example::signer_private_key).value();
  const Bytes pub = from_hex(fwpkg::example::signer_public_key).value();
  const Bytes msg = to_bytes("lockref firmware");
  for (c::SigHash h : {c::SigHash::sha256, c::SigHash::sha384, c::SigHash::sha512}) {
    const auto sig = c::rsa_pss_sign(h, priv, msg);
    REQUIRE_MESSAGE(sig, error_of(sig));
    CHECK(sig->size() == 256);
    const auto ok = c::rsa_pss_verify(h, pub, msg, *sig);
    REQUIRE(ok);
    CHECK(*ok);
    const auto other = c::rsa_pss_verify(h, pub, to_bytes("lockref firmwarf"), *sig);
    CHECK_FALSE((other && *other));
  }
  CHECK_FALSE(c::rsa_pss_sign(c::SigHash::sha256, pub, msg));  // an SPKI is no private key
  CHECK_FALSE(c::rsa_pss_sign(c::SigHash::sha256, Bytes{0x30, 0x00}, msg));
}

TEST_CASE("crypto: RSA-OAEP encryption with an explicit seed is RFC 8017 §7.1.1 with SHA-256(seed || counter) as its seed") {
  // rsa_oaep.hpp: OAEP's random seed is drawn from SHA-256(seed || 32-bit big-endian counter)
  // blocks. Expected values: Python hashlib (the byte stream) and RFC 8017 §7.1.1 EME-OAEP
  // written out in Python (SHA-256, MGF1-SHA-256, empty label, the first 32 stream bytes as
  // the OAEP seed) with RSAEP as pow(m, e, n) on the key of model/lockref/kpio/pki_test_key.hpp.
  const auto seed = to_bytes("oaep-seed");
  const Bytes stream = from_hex(
                           "d5dfcc667b6a32f0c7256496ebcdbca64a0418c9663f3c71b50088f08a4ec89854378a19f6f8ce43de6d6067668e51"
                           "707c49ed8a0760071fa337e2bde1471a522104d286f9353edc15e58504e3a0e0527551e2cdee4478aaec2d601c873e"
                           "06b199662d46")
                           .value();
  {  // one draw of 100 bytes spans four SHA-256 blocks
    crypto::detail::SeededRng rng(seed);
    Bytes out(100);
    rng.GenerateBlock(out.data(), out.size());
    CHECK(out == stream);
  }
  {  // the same stream drawn in pieces that straddle the block boundaries
    crypto::detail::SeededRng rng(seed);
    Bytes out(100);
    std::size_t at = 0;
    for (std::size_t n : {std::size_t{0}, std::size_t{10}, std::size_t{30}, std::size_t{1}, std::size_t{59}}) {
      rng.GenerateBlock(out.data() + at, n);
      at += n;
    }
    CHECK(out == stream);
  }
  const Bytes spki = from_hex(kpio::pki_test_public_key).value();
  const Bytes msg = from_hex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f").value();
  const auto ct = crypto::rsa_oaep_sha256_encrypt(spki, msg, seed);
  REQUIRE(ct);
  CHECK(to_hex(*ct) ==
        "3c809b4612a5770162301918c6c876fb381915e722499b92b92bf40c52dc9fd4811f2776dab528c97e9b7c80c15c90bb9e9d9de56f"
        "d40be9c09e8d0bf69fded79e6bc3d69b3e9817d869b16f799e6a805caf1bf69df679c2333c69f38b6dddad33882d2bba92e077c94d"
        "5f5fbd902db6803611d5b1d334a4cd749857635af9bad8ed75c1ca92c1454a13c861f2f96826996a5397d051ed9ff37f4f4d7063a3"
        "4b21482275ad6e182326a41936b3e737cf510ddc38283f334989c95bc016e65c1e4e5746b1fb5644065d97785e425d18d311266a07"
        "4f7b6fff78f6d794ec0fb20a30a6f3a44d760657130646557a628769c329deb68cb7b808005ca4b3b71a7c19");
}

TEST_CASE("crypto: RSA-OAEP refuses what RFC 8017 §7.1 refuses, and a key that is not one") {
  // RFC 8017 §7.1.1 step 1b: mLen > k - 2hLen - 2 is "message too long"; for the 2048-bit
  // test key (k = 256) and SHA-256 (hLen = 32) that bound is 190 bytes. §7.1.2 step 1b: a
  // ciphertext that is not k octets is a "decryption error".
  const Bytes spki = from_hex(kpio::pki_test_public_key).value();
  const Bytes pkcs8 = from_hex(kpio::pki_test_private_key).value();
  const auto seed = to_bytes("s");
  const Bytes longest(190, 0x61);
  const auto ct = crypto::rsa_oaep_sha256_encrypt(spki, longest, seed);
  REQUIRE(ct);
  CHECK(ct->size() == 256);
  CHECK(crypto::rsa_oaep_sha256_decrypt(pkcs8, *ct).value() == longest);
  const auto too_long = crypto::rsa_oaep_sha256_encrypt(spki, Bytes(191, 0x61), seed);
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message == "RSA-OAEP: message too long for the key");
  for (std::size_t n : {std::size_t{255}, std::size_t{257}, std::size_t{0}}) {
    Bytes c = *ct;
    c.resize(n, 0);
    const auto r = crypto::rsa_oaep_sha256_decrypt(pkcs8, c);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "RSA-OAEP: ciphertext length differs from the modulus");
  }
  // Keys: the other half of the pair, or no DER at all.
  const auto bad_pub = crypto::rsa_oaep_sha256_encrypt(pkcs8, longest, seed);
  REQUIRE_FALSE(bad_pub);
  CHECK(bad_pub.error().message.rfind("public key (SubjectPublicKeyInfo RSA): ", 0) == 0);
  const auto bad_priv = crypto::rsa_oaep_sha256_decrypt(spki, *ct);
  REQUIRE_FALSE(bad_priv);
  CHECK(bad_priv.error().message.rfind("private key (PKCS #8 RSA): ", 0) == 0);
  CHECK_FALSE(crypto::rsa_oaep_sha256_encrypt(Bytes{0x30, 0x00}, longest, seed));
  CHECK_FALSE(crypto::rsa_oaep_sha256_decrypt(Bytes{}, *ct));
}

TEST_CASE("crypto: P-384 private keys at the ends of [1, n-1] and of the wrong length (RFC 9180 §7.1.3, SEC 1 §3.2.1)") {
  // SEC 2 §2.5.1 secp384r1 order n; (n-1)·G = -G = (Gx, p - Gy). Expected points and the
  // ECDH value from python3-cryptography (derive_private_key(n - 1), exchange with 2·G).
  const Bytes n =
      from_hex("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973").value();
  Bytes n_minus_1 = n, n_plus_1 = n;
  n_minus_1.back() = 0x72;
  n_plus_1.back() = 0x74;
  const std::string range = "P-384 private key: scalar must be in [1, n-1] (RFC 9180 §7.1.3)";
  const auto minus_g = crypto::p384::public_key(n_minus_1);
  REQUIRE(minus_g);
  CHECK(to_hex(*minus_g) ==
        "04aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7"
        "c9e821b569d9d390a26167406d6d23d6070be242d765eb831625ceec4a0f473ef59f4e30e2817e6285bce2846f15f1a0");
  for (const Bytes& bad : {n, n_plus_1, Bytes(48, 0)}) {
    const auto r = crypto::p384::public_key(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == range);
  }
  for (std::size_t len : {std::size_t{47}, std::size_t{49}, std::size_t{0}}) {
    const auto r = crypto::p384::public_key(Bytes(len, 1));
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "P-384 private key: expected 48 bytes, got " + std::to_string(len));
  }
  const std::string shared = "08d999057ba3d2d969260045c55b97f089025959a6f434d651d207d19fb96e9e4fe0e86ebe0e64f85b96a9c75295df61";
  CHECK(to_hex(crypto::p384::ecdh(n_minus_1, two_g).value()) == shared);
  const auto short_key = crypto::p384::ecdh(Bytes(47, 1), two_g);
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().message == "P-384 private key: expected 48 bytes, got 47");
  // The integer form (Wycheproof private keys): leading zero bytes are allowed, the range is
  // checked on the integer before it is cut to 48 bytes.
  Bytes padded(2, 0);
  padded.insert(padded.end(), n_minus_1.begin(), n_minus_1.end());
  CHECK(to_hex(crypto::p384::ecdh_integer_key(padded, two_g).value()) == shared);
  Bytes two_384(49, 0);
  two_384[0] = 1;
  for (const Bytes& bad : {Bytes{0}, Bytes{}, n, n_plus_1, two_384}) {
    const auto r = crypto::p384::ecdh_integer_key(bad, two_g);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "P-384 private key out of range");
  }
}

TEST_CASE("hpke: a context's message limit, a ciphertext shorter than the tag, a key that is no AES-256 key (RFC 9180 §5.2)") {
  const hpke::Suite s{hpke::kem_dhkem_p384, hpke::kdf_hkdf_sha384, hpke::aead_aes_256_gcm};
  const auto base = hpke::key_schedule_base(s, fill(9, 48), to_bytes("info"));
  REQUIRE(base);
  // §5.2 Open: a ciphertext shorter than Nt = 16 bytes has no tag; the context is unchanged.
  auto c = *base;
  const auto short_ct = c.open({}, Bytes(15, 0));
  REQUIRE_FALSE(short_ct);
  CHECK(short_ct.error().message == "HPKE OpenError: ciphertext shorter than the 16-byte tag");
  CHECK(c.seq == 0);
  // §5.2 IncrementSeq: "if self.seq >= (1 << (8*Nn)) - 1: raise MessageLimitReachedError" —
  // the model's 64-bit counter stops at 2^64 - 1, for Seal and for Open of a ciphertext that
  // opens; neither returns what it computed.
  c.seq = std::numeric_limits<std::uint64_t>::max();
  const auto sealed_at_max = crypto::aes_gcm_encrypt(c.key, c.nonce(), {}, to_bytes("pt"));
  REQUIRE(sealed_at_max);
  const auto seal = c.seal({}, to_bytes("pt"));
  REQUIRE_FALSE(seal);
  CHECK(seal.error().message == "HPKE: MessageLimitReachedError");
  const auto open = c.open({}, concat({sealed_at_max->ciphertext, sealed_at_max->tag}));
  REQUIRE_FALSE(open);
  CHECK(open.error().message == "HPKE: MessageLimitReachedError");
  CHECK(c.seq == std::numeric_limits<std::uint64_t>::max());
  // The RFC's Open decrypts before IncrementSeq: a ciphertext that does not open is an
  // OpenError at the limit too.
  const auto wrong = c.open({}, Bytes(18, 0));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message.rfind("HPKE OpenError: ", 0) == 0);
  // One below the limit both still work (and open advances to the limit).
  c.seq = std::numeric_limits<std::uint64_t>::max() - 1;
  auto r = c;
  const auto ct = c.seal({}, to_bytes("pt"));
  REQUIRE(ct);
  CHECK(r.open({}, *ct).value() == to_bytes("pt"));
  CHECK(r.seq == std::numeric_limits<std::uint64_t>::max());
  // A context built by hand with a 5-byte key: AES-256-GCM refuses it and seq stays.
  hpke::Context bad{s, Bytes(5, 0), Bytes(12, 0), Bytes(48, 0), 3};
  CHECK_FALSE(bad.seal({}, to_bytes("pt")));
  CHECK(bad.seq == 3);
}

TEST_CASE("hpke: ML-KEM-1024 public key and Encap of malformed keys fail (FIPS 203 §7.2, 0.9 Table 3's 0x0042)") {
  // A private key is the 64-byte seed d || z or the 3168-byte FIPS 203 dk; an encapsulation
  // key is 1568 bytes (FIPS 203 §8 Table 3).
  for (std::size_t len : {std::size_t{63}, std::size_t{0}, std::size_t{3167}}) {
    INFO("sk of " << len << " bytes");
    CHECK_FALSE(hpke::public_key(hpke::kem_ml_kem_1024, Bytes(len, 1)));
  }
  CHECK_FALSE(hpke::encap(hpke::kem_ml_kem_1024, Bytes(10, 1), Bytes(32, 1)));
  CHECK_FALSE(hpke::encap(hpke::kem_ml_kem_1024, Bytes(1567, 0), Bytes(32, 1)));
  const auto kp = hpke::derive_key_pair(hpke::kem_ml_kem_1024, fill(1, 32));
  REQUIRE(kp);
  CHECK(hpke::public_key(hpke::kem_ml_kem_1024, kp->sk).value() == kp->pk);
  CHECK(hpke::encap(hpke::kem_ml_kem_1024, kp->pk, Bytes(32, 1)));
}

TEST_CASE("hpke: the hybrid KEM's implicit rejection uses z = SHAKE256(seed)[32:64] (FIPS 203 Algorithm 18, Figure 9)") {
  // A 1568-byte ML-KEM half that is no encapsulation decapsulates to K' = J(z || c) =
  // SHAKE256(z || c, 32) (FIPS 203 Algorithm 18 step 7), z being bytes 32..63 of the seed's
  // SHAKE256 expansion (the key's "d || z || P-384 seed", hybrid_kem.hpp expand_key). The
  // P-384 half is 2·G; the P-384 scalar is bytes 64..111. Expected values computed with
  // Python hashlib (SHAKE256, SHA3-256) and python3-cryptography (P-384 public key, ECDH):
  // SHA3-256(K' || ECDH || ct_T || ek_T || Label) for both labels.
  Bytes seed(32);
  for (std::size_t i = 0; i < 32; ++i) seed[i] = static_cast<std::uint8_t>(i);
  const Bytes enc = concat({Bytes(1568, 0x5a), two_g});
  const auto pk = crypto::hybrid::public_key(seed);
  REQUIRE(pk);
  CHECK(to_hex(ByteView(*pk).last(97)) ==
        "047f4375b1e55fb3eb93cc6f94b71b885fde891d342d404d0baacbce42737e5633c4da7dfed28e94abf62220922df8f104"
        "6521b7eb98bb2fd94c1d93df99c5b96e06175b973913a139a4f6ebd9922afeaf17223b63cef99976992257653b376f3e");
  CHECK(to_hex(crypto::hybrid::decap(crypto::hybrid::lock_0a25, enc, seed).value()) ==
        "610e34d0b96b38d8f7ba51fbf32d8dc4e62aef18dd1221382458b396f7fb42e4");
  CHECK(to_hex(crypto::hybrid::decap(crypto::hybrid::mlkem1024_p384, enc, seed).value()) ==
        "ed07033bd5d5768a160a5eb71b9d6adad570ba648024cdbc0b32d1d0f588af46");
}

TEST_CASE("signature: RSASSA-PSS signatures are RFC 8017 §9.1.1 with the salt lockref's HMAC_DRBG draws (Python known answers)") {
  // signature.hpp: the salt (as long as the digest) is the first output of HMAC_DRBG-SHA384
  // instantiated with entropy SHA-384(PKCS #8 key || message), a 16-byte zero nonce and the
  // personalization "lockref signature nonce" (SP 800-90A §10.1.2). Expected signatures:
  // that DRBG and EMSA-PSS-ENCODE (MGF1 with the same hash) written out in Python
  // (hashlib, hmac), then pow(EM, d, n) with the key's numbers from python3-cryptography.
  namespace c = lockref::crypto;
  const Bytes priv = from_hex(fwpkg::example::signer_private_key).value();
  const Bytes msg = to_bytes("lockref pss");
  const std::pair<c::SigHash, const char*> want[] = {
      {c::SigHash::sha256,
       "4dc9fe0f3d968d2b9ef72460eace9b2557d6f18757860bbf315a755de4d584ad3a90ebde1ad67fcbfc283ea52c8c5621f42f8520cc25e4d8"
       "d9d2877968d575789a331c6a93a0a0c75ded3f4d8b9f22d09c09d98718b2a484b88a72a0ea8398daab26dc770e143a2e6c2d525fed295ea8"
       "7ed4b12cabef6ec14c7e6a2a80d99c29d11312b4604c4685a74c77a24a701d6dcb603b01116bbbb5ac4b00cc1d3955fc609eeca944b0e4b4"
       "32b658d439ccf14444e9067f0ed45d520ac79e48aac12328159b600dd3468593e2e9c7853ecddccdd95a30185b60da4012cd35ddf15fe729"
       "8308f20c1ec4154339fa0625e9ab1ee8b0891712788bb5c14ed3883cd6a91b6d"},
      {c::SigHash::sha384,
       "05d93c81edef1b0d2060fbfd74f271e957d9508ddad944d11a8661255f4bb04d2adcb9ce57d310173c06ccdb8219f87b80d0c36df34f5d05"
       "69b7fca6a8a945a4c1f00889dd212585a19ac157f351d37da97ea4ca966835ca0c38ff9f83bf4020e584adb00197a7e51d62e5bf88d7706e"
       "a0ac7a50f0f54bcdca07acf56ed7c86ce3fdf1a4715a3cafcd103ed6c32613deaaad492f9cb74bc3711001d4b5028009c9eb89e422a52e54"
       "1ceb1dccefd8935907c089596961c04ab43a48fe457224c810d8f4038ee25c5b08288075038601c6e89f043af6799c61f233157f3541d7ef"
       "017c2688b00950ef5f20ff0ffad1d3e5332322fab49b5308401d42f83061da8b"},
      {c::SigHash::sha512,
       "5aaf02b7631fcda06018092c545a151fbd67f7188b3b612550857e608ea148367f1fc3e45dff7c8cb9282123f63feaf89800597d99fb03ed"
       "1e69d9caf5685fb5df7d639f08bab518c413b88ec44665c3f04f88ae08cb9cfe1e2346cd8a4abaf16322d3ee289f2ab24a3919bc3704e849"
       "30a4ff140fa9057af281a5bf86d4f022146822204761c6bc272ce9fec52ef1f9bcc30f55bdec5f956e939dd8c21398e3905fff78ff5fd74b"
       "20c584077699c8bc1f5c5001412fae66ec3b7f85bfbb02d2548d9a2e91b2a4d8f230eb5fdc8351d44b0d31387955fc515b10dbd6e06f399d"
       "cd96680669e5a13794ef7f9f287158927f6bd47589e535210883fe638104cefc"}};
  for (const auto& [h, sig] : want) CHECK(to_hex(c::rsa_pss_sign(h, priv, msg).value()) == sig);
}

TEST_CASE("signature: keys — trailing bytes, the wrong kind, public_key_of for RSA and EC, the digest sizes") {
  namespace c = lockref::crypto;
  namespace ex = fwpkg::example;
  const Bytes rsa_priv = from_hex(ex::signer_private_key).value(), rsa_pub = from_hex(ex::signer_public_key).value();
  const Bytes ec_priv = from_hex(ex::module_private_key).value(), ec_pub = from_hex(ex::module_public_key).value();
  // The SubjectPublicKeyInfo openssl wrote for each private key (`openssl pkey -pubout`).
  CHECK(c::public_key_of(rsa_priv).value() == rsa_pub);
  CHECK(c::public_key_of(ec_priv).value() == ec_pub);
  CHECK(c::public_key_of(rsa_pub).error().message == "private key: neither an RSA nor an EC PKCS #8 PrivateKeyInfo");
  // The same EC key with its curve written out (explicit ECParameters: `openssl ec -param_enc
  // explicit`, then `openssl pkcs8 -topk8 -nocrypt`; its public key `openssl pkey -pubout`).
  // RFC 5480 §2.1.1: "implicitCurve and specifiedCurve MUST NOT be used in PKIX"; RFC 5915 §3:
  // "only the namedCurve CHOICE is permitted". Refused as a private key (signing, public_key_of,
  // which would otherwise give a SubjectPublicKeyInfo with the parameters written out) and as
  // a public key (verifying), with the reason.
  const Bytes ec_priv_explicit = from_hex(
      "308201790201003082010306072a8648ce3d02013081f7020101302c06072a8648ce3d0101022100ffffffff000000010000000000000000"
      "00000000ffffffffffffffffffffffff305b0420ffffffff00000001000000000000000000000000fffffffffffffffffffffffc04205ac6"
      "35d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b031500c49d360886e704936a6678e1139d26b7819f7e90044104"
      "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ece"
      "cbb6406837bf51f5022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551020101046d306b0201010420e3"
      "5bc39ea2890d661cbec78316cbaca363bfa255553c8cfdef7648fba8aa39fca14403420004d3700bdd5d4f2781e1ffba02699e3b1f68fd4c"
      "98c62c5a9ad7ac459fabf072c6499596f191495025721cd90df21e208f4acbd0fe103a2770230974a27ee878ee").value();
  const Bytes ec_pub_explicit = from_hex(
      "3082014b3082010306072a8648ce3d02013081f7020101302c06072a8648ce3d0101022100ffffffff000000010000000000000000000000"
      "00ffffffffffffffffffffffff305b0420ffffffff00000001000000000000000000000000fffffffffffffffffffffffc04205ac635d8aa"
      "3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b031500c49d360886e704936a6678e1139d26b7819f7e900441046b17d1"
      "f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb640"
      "6837bf51f5022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63255102010103420004d3700bdd5d4f2781e1"
      "ffba02699e3b1f68fd4c98c62c5a9ad7ac459fabf072c6499596f191495025721cd90df21e208f4acbd0fe103a2770230974a27ee878ee").value();
  const std::string named_only = ": explicit curve parameters; RFC 5480 §2.1.1 and RFC 5915 §3 permit a named curve only";
  CHECK(c::public_key_of(ec_priv_explicit).error().message == "EC private key" + named_only);
  CHECK(c::ecdsa_sign(c::SigHash::sha256, ec_priv_explicit, to_bytes("m")).error().message == "EC private key" + named_only);
  const Bytes good = c::ecdsa_sign(c::SigHash::sha256, ec_priv, to_bytes("m")).value();
  CHECK(c::ecdsa_verify(c::SigHash::sha256, ec_pub, to_bytes("m"), good).value());
  CHECK(c::ecdsa_verify(c::SigHash::sha256, ec_pub_explicit, to_bytes("m"), good).error().message == "EC public key" + named_only);
  CHECK(c::rsa_modulus_bits(rsa_pub).value() == 2048);
  // One byte after the DER structure is refused, not ignored.
  Bytes trailing = rsa_pub;
  trailing.push_back(0);
  CHECK(c::rsa_modulus_bits(trailing).error().message == "RSA public key: trailing bytes");
  CHECK(c::rsa_modulus_bits(ec_pub).error().message.rfind("RSA public key: ", 0) == 0);
  const Bytes msg = to_bytes("m"), sig(256, 1);
  for (c::SigHash h : {c::SigHash::sha256, c::SigHash::sha384, c::SigHash::sha512}) {
    CHECK(c::rsa_pkcs1v15_verify(h, ec_pub, msg, sig).error().message.rfind("RSA public key: ", 0) == 0);
    CHECK(c::rsa_pss_verify(h, ec_pub, msg, sig).error().message.rfind("RSA public key: ", 0) == 0);
    CHECK(c::ecdsa_verify(h, rsa_pub, msg, Bytes(64, 1)).error().message.rfind("EC public key: ", 0) == 0);
    CHECK(c::rsa_pkcs1v15_sign(h, ec_priv, msg).error().message.rfind("RSA private key: ", 0) == 0);
    CHECK(c::ecdsa_sign(h, rsa_priv, msg).error().message.rfind("EC private key: ", 0) == 0);
    // A signature one byte short is false, not an error, for each scheme.
    const auto pk = c::rsa_pkcs1v15_sign(h, rsa_priv, msg).value();
    CHECK(c::rsa_pkcs1v15_verify(h, rsa_pub, msg, pk).value());
    CHECK_FALSE(c::rsa_pkcs1v15_verify(h, rsa_pub, msg, ByteView(pk).first(255)).value());
    const auto ec = c::ecdsa_sign(h, ec_priv, msg).value();
    CHECK(ec.size() == 64);  // P-256: r || s, 32 bytes each (IEEE P1363)
    CHECK(c::ecdsa_verify(h, ec_pub, msg, ec).value());
    CHECK_FALSE(c::ecdsa_verify(h, ec_pub, msg, ByteView(ec).first(63)).value());
  }
  // FIPS 180-4: SHA-256, SHA-384 and SHA-512 digests are 32, 48 and 64 bytes.
  CHECK(c::sig_hash_size(c::SigHash::sha256) == 32);
  CHECK(c::sig_hash_size(c::SigHash::sha384) == 48);
  CHECK(c::sig_hash_size(c::SigHash::sha512) == 64);
  CHECK(c::curve_bytes(c::Curve::p256) == 32);
  CHECK(c::curve_bytes(c::Curve::p384) == 48);
  CHECK(to_hex(c::digest(c::SigHash::sha256, to_bytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-4 example
}

TEST_CASE("signature: an RSA key too short for the hash's encoding verifies no signature (RFC 8017 §8.1.2, §8.2.2)") {
  namespace c = lockref::crypto;
  // A 512-bit RSA key (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512`, then
  // `openssl pkey -pubout`): emLen = 64 bytes. With SHA-512, EMSA-PSS-VERIFY (§9.1.2 step 3:
  // emLen < hLen + sLen + 2 = 130) answers "inconsistent" and EMSA-PKCS1-v1_5 (§9.2 step 3:
  // emLen < tLen + 11 = 94) "intended encoded message length too short": both signature
  // verifications output "invalid signature", whatever the 64 signature bytes are.
  const Bytes spki = from_hex(
      "305c300d06092a864886f70d0101010500034b003048024100d4a8445cf523055e5bf4e31e08e9ff593c94617759aa48a6ed7cf137887889"
      "277317962717c31abf03243fcc19c874ce37872bcd4a2e1c7e38ec220e33f473550203010001").value();
  REQUIRE(c::rsa_modulus_bits(spki).value() == 512);
  for (int fill : {0x00, 0x01, 0x7f}) {
    const Bytes sig(64, static_cast<std::uint8_t>(fill));
    CHECK(c::rsa_pss_verify(c::SigHash::sha512, spki, to_bytes("m"), sig).value() == false);
    CHECK(c::rsa_pkcs1v15_verify(c::SigHash::sha512, spki, to_bytes("m"), sig).value() == false);
  }
}

}  // namespace LOCKREF_UNITY_ID
