// FIPS 203 ML-KEM-1024 (model/lockref/crypto/mlkem.hpp) against third-party known answers:
// every case of the Wycheproof ML-KEM-1024 files (keygen from seed, encaps incl. modulus
// and length failures, semi-expanded decaps incl. malformed keys/ciphertexts), read from
// ../shared/external-vectors/wycheproof/ (C2SP/wycheproof testvectors_v1, Apache-2.0).
#include <doctest/doctest.h>

#include "external_vectors.hpp"
#include "lockref/core/json.hpp"
#include "lockref/crypto/mlkem.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace mlkem = lockref::crypto::mlkem;

namespace {
using lockref::testing::load_external;
Bytes hex(const Json& j) { return lockref::testing::unhex(j); }
}  // namespace

TEST_CASE("mlkem: FIPS 203 Appendix A constants and compression rounding") {
  // Compress_1 maps [833, 2496] to 1 (round(2x/q) mod 2); Decompress_1(1) = round(q/2) = 1665.
  CHECK(mlkem::compress(832, 1) == 0);
  CHECK(mlkem::compress(833, 1) == 1);
  CHECK(mlkem::compress(2496, 1) == 1);
  CHECK(mlkem::compress(2497, 1) == 0);
  CHECK(mlkem::decompress(1, 1) == 1665);
  CHECK(mlkem::compress(3328, 1) == 0);      // round(2·3328/q) = 2 wraps mod 2^1
  CHECK(mlkem::compress(3328, 11) == 2047);  // round(2048·3328/q) = 2047
  // NTT^-1(NTT(f)) = f for a non-trivial f.
  mlkem::Poly f{};
  for (std::size_t i = 0; i < mlkem::n; ++i) f[i] = static_cast<std::uint16_t>((i * 97 + 5) % mlkem::q);
  CHECK(mlkem::ntt_inverse(mlkem::ntt(f)) == f);
}

TEST_CASE("mlkem: Wycheproof ML-KEM-1024 keygen from seed (all cases)") {
  const Json j = load_external("wycheproof/mlkem_1024_keygen_seed_test.json");
  int n = 0;
  for (const auto& g : j["testGroups"]) {
    REQUIRE(g["parameterSet"] == "ML-KEM-1024");
    for (const auto& t : g["tests"]) {
      INFO("tcId " << t["tcId"]);
      auto kp = mlkem::keygen_from_seed(mlkem::ml_kem_1024, hex(t["seed"]));
      REQUIRE(t["result"] == "valid");
      REQUIRE(kp);
      CHECK(to_hex(kp->ek) == t["ek"].get<std::string>());
      CHECK(to_hex(kp->dk) == t["dk"].get<std::string>());
      ++n;
    }
  }
  CHECK(n == j["numberOfTests"].get<int>());
}

TEST_CASE("mlkem: Wycheproof ML-KEM-1024 encaps, modulus and length checks (all cases)") {
  const Json j = load_external("wycheproof/mlkem_1024_encaps_test.json");
  int n = 0, valid = 0, invalid = 0;
  for (const auto& g : j["testGroups"]) {
    for (const auto& t : g["tests"]) {
      INFO("tcId " << t["tcId"] << " " << t.value("comment", ""));
      auto e = mlkem::encaps(mlkem::ml_kem_1024, hex(t["ek"]), hex(t["m"]));
      if (t["result"] == "valid") {
        REQUIRE(e);
        CHECK(to_hex(e->ciphertext) == t["c"].get<std::string>());
        CHECK(to_hex(e->shared_secret) == t["K"].get<std::string>());
        ++valid;
      } else {
        CHECK_FALSE(e);
        ++invalid;
      }
      ++n;
    }
  }
  CHECK(n == j["numberOfTests"].get<int>());
  CHECK(valid > 100);
  CHECK(invalid > 100);
}

TEST_CASE("mlkem: Wycheproof ML-KEM-1024 semi-expanded decaps, malformed keys and ciphertexts (all cases)") {
  const Json j = load_external("wycheproof/mlkem_1024_semi_expanded_decaps_test.json");
  int n = 0;
  for (const auto& g : j["testGroups"]) {
    for (const auto& t : g["tests"]) {
      INFO("tcId " << t["tcId"] << " " << t.value("comment", ""));
      auto k = mlkem::decaps(mlkem::ml_kem_1024, hex(t["dk"]), hex(t["c"]));
      if (t["result"] == "valid") {
        REQUIRE(k);
        CHECK(to_hex(*k) == t["K"].get<std::string>());
      } else {
        CHECK_FALSE(k);
      }
      ++n;
    }
  }
  CHECK(n == j["numberOfTests"].get<int>());
}

TEST_CASE("mlkem: decaps with a tampered ciphertext returns the implicit-rejection key J(z || c)") {
  Bytes d(32), z(32), m(32);
  for (std::size_t i = 0; i < 32; ++i) {
    d[i] = static_cast<std::uint8_t>(i);
    z[i] = static_cast<std::uint8_t>(0xA0 + i);
    m[i] = static_cast<std::uint8_t>(0x55 ^ i);
  }
  const auto kp = mlkem::keygen(mlkem::ml_kem_1024, d, z).value();
  const auto e = mlkem::encaps(mlkem::ml_kem_1024, kp.ek, m).value();
  CHECK(mlkem::decaps(mlkem::ml_kem_1024, kp.dk, e.ciphertext).value() == e.shared_secret);
  Bytes bad = e.ciphertext;
  bad[100] ^= 1;
  const Bytes k = mlkem::decaps(mlkem::ml_kem_1024, kp.dk, bad).value();
  CHECK(k != e.shared_secret);
  CHECK(k == crypto::shake256({z, bad}, 32));  // FIPS 203 Alg 18 line 7: K_bar = J(z || c)
}

}  // namespace LOCKREF_UNITY_ID
