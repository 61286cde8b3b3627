// Wycheproof (C2SP/wycheproof testvectors_v1, Apache-2.0) runs for the primitives:
// every "valid" case must pass, every "invalid" case must be rejected, and an
// "acceptable" case may go either way but, if accepted, must give the listed output.
// Files: ../shared/external-vectors/wycheproof/ (see its README).
#include <doctest/doctest.h>

#include "external_vectors.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lockref/core/json.hpp"
#include "lockref/crypto/crypto.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::crypto;
namespace fs = std::filesystem;

namespace {
Json load_wycheproof(const char* name) { return lockref::testing::load_external(std::string("wycheproof/") + name); }
Bytes hx(const Json& j) { return from_hex(j.get<std::string>()).value(); }

struct Tally {
  int valid = 0, invalid = 0, acceptable = 0;
};

template <class F>
Tally each_test(const Json& file, F&& f) {
  Tally t;
  for (const auto& g : file["testGroups"])
    for (const auto& tc : g["tests"]) {
      const std::string res = tc["result"];
      INFO("tcId " << tc["tcId"].get<int>() << " " << tc["comment"].get<std::string>() << " (" << res << ")");
      f(g, tc, res);
      (res == "valid" ? t.valid : res == "invalid" ? t.invalid : t.acceptable)++;
    }
  return t;
}
}  // namespace

TEST_CASE("wycheproof: AES-KW (RFC 3394) aes_wrap_test.json") {
  const Json file = load_wycheproof("aes_wrap_test.json");
  int empty_rejected = 0;
  auto t = each_test(file, [&](const Json&, const Json& tc, const std::string& res) {
    const Bytes kek = hx(tc["key"]), msg = hx(tc["msg"]), ct = hx(tc["ct"]);
    auto w = aes_kw_wrap(kek, msg);
    auto u = aes_kw_unwrap(kek, ct);
    if (res == "valid") {
      REQUIRE(w);
      CHECK(*w == ct);
      REQUIRE(u);
      CHECK(*u == msg);
    } else if (res == "invalid") {
      // Invalid: the ciphertext must not unwrap; and if msg itself is unwrappable the
      // wrap must not reproduce ct (empty/short inputs must be refused outright).
      CHECK_FALSE(u);
      if (w) CHECK(*w != ct);
      if (tc["flags"][0] == "EmptyKey") {
        CHECK_FALSE(w);
        ++empty_rejected;
      }
    } else {
      if (w) CHECK(*w == ct);
      if (u) CHECK(*u == msg);
    }
  });
  CHECK(t.valid == 36);
  CHECK(t.invalid == 126);
  CHECK(empty_rejected == 3);
}

TEST_CASE("wycheproof: AES-GCM aes_gcm_test.json") {
  const Json file = load_wycheproof("aes_gcm_test.json");
  auto t = each_test(file, [&](const Json&, const Json& tc, const std::string& res) {
    const Bytes key = hx(tc["key"]), iv = hx(tc["iv"]), aad = hx(tc["aad"]), msg = hx(tc["msg"]),
                ct = hx(tc["ct"]), tag = hx(tc["tag"]);
    auto d = aes_gcm_open(key, iv, aad, ct, tag);
    if (res == "valid") {
      REQUIRE(d);
      CHECK(*d == msg);
      auto e = aes_gcm_seal(key, iv, aad, msg, tag.size());
      REQUIRE(e);
      CHECK(e->ciphertext == ct);
      CHECK(e->tag == tag);
      if (key.size() == 32 && iv.size() == 12) {  // the L.O.C.K./KPIO form
        CHECK(aes_gcm_decrypt(key, iv, aad, ct, tag).value() == msg);
        CHECK(aes_gcm_encrypt(key, iv, aad, msg)->tag == tag);
      }
    } else {
      CHECK_FALSE(d);
      if (key.size() == 32 && iv.size() == 12) CHECK_FALSE(aes_gcm_decrypt(key, iv, aad, ct, tag));
    }
  });
  CHECK(t.valid == 229);
  CHECK(t.invalid == 87);
}

namespace {
void run_hmac(const char* name, Hash h, int valid, int invalid) {
  const Json file = load_wycheproof(name);
  auto t = each_test(file, [&](const Json& g, const Json& tc, const std::string& res) {
    const std::size_t tag_bytes = g["tagSize"].get<std::size_t>() / 8;
    const Bytes mac = hmac(h, hx(tc["key"]), hx(tc["msg"]));
    const Bytes tag = hx(tc["tag"]);
    const bool ok = tag.size() == tag_bytes && ct_equal(ByteView(mac).first(tag_bytes), tag);
    CHECK(ok == (res == "valid"));
  });
  CHECK(t.valid == valid);
  CHECK(t.invalid == invalid);
}
}  // namespace

TEST_CASE("wycheproof: HMAC-SHA384 hmac_sha384_test.json") { run_hmac("hmac_sha384_test.json", Hash::sha384, 66, 108); }
TEST_CASE("wycheproof: HMAC-SHA512 hmac_sha512_test.json") {
  const Json file = load_wycheproof("hmac_sha512_test.json");
  int v = 0, iv = 0;
  for (const auto& g : file["testGroups"])
    for (const auto& tc : g["tests"]) (tc["result"] == "valid" ? v : iv)++;
  CHECK(v > 0);
  run_hmac("hmac_sha512_test.json", Hash::sha512, v, iv);
}

TEST_CASE("wycheproof: HKDF-SHA384 hkdf_sha384_test.json") {
  const Json file = load_wycheproof("hkdf_sha384_test.json");
  auto t = each_test(file, [&](const Json&, const Json& tc, const std::string& res) {
    auto okm = hkdf_sha384(hx(tc["salt"]), hx(tc["ikm"]), hx(tc["info"]), tc["size"].get<std::size_t>());
    if (res == "valid") {
      REQUIRE(okm);
      CHECK(*okm == hx(tc["okm"]));
      // extract/expand separately give the same
      auto prk = hkdf_sha384_extract(hx(tc["salt"]), hx(tc["ikm"]));
      CHECK(hkdf_sha384_expand(prk, hx(tc["info"]), tc["size"].get<std::size_t>()).value() == *okm);
    } else {
      CHECK_FALSE(okm);
    }
  });
  CHECK(t.valid == 80);
  CHECK(t.invalid == 3);
}

}  // namespace LOCKREF_UNITY_ID
