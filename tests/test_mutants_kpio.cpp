// Key Per I/O key transport with the TPer nonce (seed 002 §3.4.7): the refusals the vector
// replay could not tell apart (through eval, an exception and a refusal both read
// {"ok":false}), written to kill the mutants tools/mutate.py found surviving
// (spec/mutation/report.md). Known answer: seed 002 §3.4.7.7 Table 68 with the nonce of
// §3.4.7.6 Table 66 (vectors/kpio-key-wrap.json). And the requirement a divergence in each
// reported field names (Machine::view_requirement), from spec/requirements/kpio.json.
#include <doctest/doctest.h>

#include "lockref/kpio/key_wrap.hpp"
#include "lockref/kpio/sp.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {
Bytes hex(const char* s) { return from_hex(s).value(); }
const Bytes KEK = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes IV = hex("010203040506070809101112");
const Bytes KEY = hex("def102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes NONCE = hex("01020304050607080910111213141516");
const Bytes VALUE = hex("e7e8c7b2c99265a05dee8d31ab8f899be9ae84815fcd2df526a7b17488306b402ccdc44f5d2ce4bdb943a37daa0a1ec6");
const Bytes TAG = hex("e2e35ac98e18f3002951f21f1c1cb52e");
}  // namespace

TEST_CASE("kpio: a key wrapped with the TPer nonce unwraps only with that nonce (Table 68)") {
  auto k = kpio::unwrap_key_with_nonce(KEK, IV, VALUE, TAG, NONCE);
  REQUIRE(k);
  CHECK(*k == KEY);
  // §3.4.7.6: a nonce the TPer did not issue, or none at all
  Bytes other = NONCE;
  other.back() ^= 1;
  CHECK_FALSE(kpio::unwrap_key_with_nonce(KEK, IV, VALUE, TAG, other));
  const auto empty = kpio::unwrap_key_with_nonce(KEK, IV, VALUE, TAG, {});
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("nonce: must not be empty") != std::string::npos);
  // a tampered tag: refused by authentication, not by an exception
  Bytes tag = TAG;
  tag.back() ^= 1;
  const auto bad = kpio::unwrap_key_with_nonce(KEK, IV, VALUE, tag, NONCE);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("nonce") == std::string::npos);
  // wrapping needs a nonce too
  CHECK_FALSE(kpio::wrap_key_with_nonce(KEK, IV, KEY, {}));
  auto w = kpio::wrap_key_with_nonce(KEK, IV, KEY, NONCE);
  REQUIRE(w);
  CHECK(w->ciphertext == VALUE);
  CHECK(w->tag == TAG);
}

TEST_CASE("kpio: a plaintext that is only the nonce carries no key and is refused") {
  // GCM over the nonce alone: authentic, and it ends with the nonce, but holds no key
  auto w = crypto::aes_gcm_encrypt(KEK, IV, {}, NONCE);
  REQUIRE(w);
  const auto r = kpio::unwrap_key_with_nonce(KEK, IV, w->ciphertext, w->tag, NONCE);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("not longer than the nonce") != std::string::npos);
  // one key byte is enough
  auto one = crypto::aes_gcm_encrypt(KEK, IV, {}, concat({Bytes{0x42}, NONCE}));
  REQUIRE(one);
  CHECK(kpio::unwrap_key_with_nonce(KEK, IV, one->ciphertext, one->tag, NONCE).value() == Bytes{0x42});
}

TEST_CASE("kpio: a divergence in each reported field names the seed 002 section that governs it") {
  // what `lockref check` prints as "violates ..." when a device's field differs; each id is
  // the requirement of spec/requirements/kpio.json whose quoted seed text covers the field
  namespace kp = lockref::kpio;
  // §3.2.3 Tables 15-19: "Determines the life cycle state of the Key Per I/O SP ... Activates"
  CHECK(kp::Machine::view_requirement("kpio_life_cycle") == "KPIO-3.2.3-1");
  CHECK(kp::Machine::view_requirement("kpio_active") == "KPIO-3.2.3-1");
  // §3.2.2 Tables 10-14: taking ownership (MSID, SID)
  CHECK(kp::Machine::view_requirement("owned") == "KPIO-3.2.2-1");
  // §3.2.5: "Configures Namespace to be managed by Key Per I/O by setting the Managed column
  // in the KeyTagAllocation Table to TRUE"
  CHECK(kp::Machine::view_requirement("allocations") == "KPIO-3.2.5-1");
  // §3.2.6: the Key Injection Interface after activation
  CHECK(kp::Machine::view_requirement("key_injection_locked") == "KPIO-3.2.6-1");
  // §3.4.7.3: "When replay protection is enabled, all MEKs and KEKs ... must be encrypted with a Nonce"
  CHECK(kp::Machine::view_requirement("nonces") == "KPIO-3.4.7-1");
  CHECK(kp::Machine::view_requirement("no_such_field").empty());
}

}  // namespace LOCKREF_UNITY_ID
