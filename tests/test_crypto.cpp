// Known answers for the primitives in model/lockref/crypto/. Expected values are from
// the cited RFC/FIPS documents or were computed with Debian python3-cryptography 48
// (OpenSSL), an implementation independent of Crypto++ and of lockref.
#include <doctest/doctest.h>
#include <cryptopp/drbg.h>

#include "lockref/crypto/crypto.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::crypto;

namespace {
Bytes hx(std::string_view s) { return from_hex(s).value(); }
}  // namespace

TEST_CASE("crypto: SHA2-384/512 of \"abc\" (FIPS 180-4 examples)") {
  const std::string want384 =
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
  const std::string want512 =
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643c"
      "e80e2a9ac94fa54ca49f";
  CHECK(to_hex(sha384(to_bytes("abc"))) == want384);
  CHECK(to_hex(sha512(to_bytes("abc"))) == want512);
  // sha(Hash, ...) picks the function by name (the KMB's and the DRBG's selector).
  CHECK(to_hex(sha(Hash::sha384, to_bytes("abc"))) == want384);
  CHECK(to_hex(sha(Hash::sha512, to_bytes("abc"))) == want512);
  CHECK(sha384({}).size() == 48);
}

TEST_CASE("crypto: HMAC-SHA384/512 RFC 4231 test case 1") {
  const Bytes key(20, 0x0b);
  CHECK(to_hex(hmac_sha384(key, to_bytes("Hi There"))) ==
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6");
  CHECK(to_hex(hmac_sha512(key, to_bytes("Hi There"))) ==
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1"
        "702e696c203a126854");
}

TEST_CASE("crypto: AES-KW RFC 3394 §4.6 (256-bit KEK, 256-bit key)") {
  const Bytes kek = hx("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
  const Bytes key = hx("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
  const Bytes wrapped = hx("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
  CHECK(aes_kw_wrap(kek, key).value() == wrapped);
  CHECK(aes_kw_unwrap(kek, wrapped).value() == key);
  Bytes bad = wrapped;
  bad[0] ^= 1;
  CHECK_FALSE(aes_kw_unwrap(kek, bad));
  CHECK_FALSE(aes_kw_wrap(kek, {}));                  // n = 0
  CHECK_FALSE(aes_kw_wrap(kek, Bytes(8)));            // n = 1
  CHECK_FALSE(aes_kw_wrap(kek, Bytes(20)));           // not a multiple of 8
  CHECK_FALSE(aes_kw_unwrap(kek, Bytes(16)));         // too short
  CHECK_FALSE(aes_kw_wrap(Bytes(31), Bytes(16)));     // bad KEK size
  // RFC 3394 §4.1 (128-bit KEK, 128-bit data) and §4.4 (192-bit KEK, 192-bit data), checked
  // with python3-cryptography's aes_key_wrap.
  const Bytes data = hx("00112233445566778899AABBCCDDEEFF0001020304050607");
  CHECK(to_hex(aes_kw_wrap(ByteView(kek).first(16), ByteView(data).first(16)).value()) ==
        "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
  CHECK(to_hex(aes_kw_wrap(ByteView(kek).first(24), data).value()) ==
        "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2");
  CHECK(aes_kw_unwrap(ByteView(kek).first(24), hx("031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2"))
            .value() == data);
  // the refusals, each with its message
  CHECK(aes_kw_wrap(Bytes(31), Bytes(16)).error().message == "aes_kw_wrap: KEK must be 16, 24 or 32 bytes, got 31");
  CHECK(aes_kw_unwrap(Bytes(33), Bytes(24)).error().message == "aes_kw_unwrap: KEK must be 16, 24 or 32 bytes, got 33");
  CHECK(aes_kw_wrap(kek, Bytes(8)).error().message ==
        "aes_kw_wrap: key data must be a multiple of 8 bytes and at least 16 (RFC 3394 §2), got 8");
  CHECK(aes_kw_wrap(kek, Bytes(20)).error().message ==
        "aes_kw_wrap: key data must be a multiple of 8 bytes and at least 16 (RFC 3394 §2), got 20");
  CHECK(aes_kw_unwrap(kek, Bytes(16)).error().message ==
        "aes_kw_unwrap: wrapped data must be a multiple of 8 bytes and at least 24 (RFC 3394 §2), got 16");
  CHECK(aes_kw_unwrap(kek, Bytes(25)).error().message ==
        "aes_kw_unwrap: wrapped data must be a multiple of 8 bytes and at least 24 (RFC 3394 §2), got 25");
  CHECK(aes_kw_unwrap(kek, bad).error().message == "aes_kw_unwrap: integrity check failed (RFC 3394 §2.2.3)");
  CHECK(aes_kw_wrap(kek, Bytes(16)));
}

TEST_CASE("crypto: AES-256-ECB, AES-256-GCM, AES-256-CMAC known answers (python3-cryptography)") {
  Bytes k(32);
  for (std::size_t i = 0; i < 32; ++i) k[i] = static_cast<std::uint8_t>(i);
  CHECK(to_hex(aes256_ecb_encrypt(k, Bytes(16)).value()) == "f29000b62a499fd0a9f39a6add2e7780");
  CHECK(aes256_ecb_decrypt(k, hx("f29000b62a499fd0a9f39a6add2e7780")).value() == Bytes(16));
  CHECK_FALSE(aes256_ecb_encrypt(k, Bytes(15)));
  CHECK_FALSE(aes256_ecb_encrypt(Bytes(16), Bytes(16)));
  CHECK(to_hex(aes_cmac(k, to_bytes("lockref cmac")).value()) == "611d3bfd52d84d997aed5e2fd4d98017");

  const Bytes iv = hx("000102030405060708090a0b");
  auto s = aes_gcm_encrypt(k, iv, to_bytes("aad"), to_bytes("lockref gcm plaintext"));
  REQUIRE(s);
  CHECK(to_hex(s->ciphertext) == "2b6db570b780a43bea22faabc1851904eda2e24c84");
  CHECK(to_hex(s->tag) == "f1b38cc228411e8a6442f0bee6b327c4");
  CHECK(aes_gcm_decrypt(k, iv, to_bytes("aad"), s->ciphertext, s->tag).value() == to_bytes("lockref gcm plaintext"));
  CHECK_FALSE(aes_gcm_decrypt(k, iv, to_bytes("aaD"), s->ciphertext, s->tag));
  CHECK_FALSE(aes_gcm_encrypt(k, Bytes(16), {}, {}));  // the L.O.C.K. form insists on 96-bit IVs
  CHECK_FALSE(aes_gcm_decrypt(k, iv, {}, s->ciphertext, ByteView(s->tag).first(12)));
}

TEST_CASE("crypto: constant-time comparison") {
  CHECK(ct_equal(hx("0102"), hx("0102")));
  CHECK_FALSE(ct_equal(hx("0102"), hx("0103")));
  CHECK_FALSE(ct_equal(hx("0102"), hx("010200")));
  CHECK(ct_equal({}, {}));
  CHECK(ct_is_zero(Bytes(16)));
  CHECK_FALSE(ct_is_zero(hx("00000000000000000000000000000080")));
}

TEST_CASE("crypto: HMAC_DRBG value state agrees with Crypto++ HMAC_DRBG (SP 800-90A §10.1.2)") {
  // Crypto++'s HMAC_DRBG is an independent implementation of the same algorithm.
  const Bytes entropy = hx("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627");
  const Bytes nonce = hx("2021222324252627");
  const Bytes pers = to_bytes("lockref");
  auto s = drbg_instantiate(entropy, nonce, pers, Hash::sha384);
  REQUIRE(s);
  CryptoPP::HMAC_DRBG<CryptoPP::SHA384, 32, 111> ref(entropy.data(), entropy.size(), nonce.data(), nonce.size(),
                                                      pers.data(), pers.size());
  HmacDrbg st = *s;
  for (std::size_t n : {1u, 48u, 100u, 7u}) {
    auto out = drbg_generate(st, n);
    REQUIRE(out);
    Bytes want(n);
    ref.GenerateBlock(want.data(), want.size());
    CHECK(out->bytes == want);
    st = out->next;
  }
  // with additional input and a reseed
  const Bytes add = to_bytes("additional");
  auto r = drbg_reseed(st, entropy, add);
  REQUIRE(r);
  ref.IncorporateEntropy(entropy.data(), entropy.size(), add.data(), add.size());
  auto out = drbg_generate(*r, 64, add);
  REQUIRE(out);
  Bytes want(64);
  ref.GenerateBlock(add.data(), add.size(), want.data(), want.size());
  CHECK(out->bytes == want);
  // the same state generates the same bytes (no hidden state)
  CHECK(drbg_generate(*r, 64, add)->bytes == out->bytes);
  CHECK_FALSE(drbg_instantiate(Bytes(31), {}, {}));
  CHECK_FALSE(drbg_generate(HmacDrbg{}, 1));
  CHECK_FALSE(drbg_generate(*r, 65537));
}

TEST_CASE("crypto: AES-CBC with RFC 5652 §6.3 padding, known answers (python3-cryptography)") {
  // Ciphertexts from python3-cryptography (Cipher(AES(key), CBC(iv)) after PKCS7(128) padding).
  const Bytes key256 = hx("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Bytes key128 = hx("000102030405060708090a0b0c0d0e0f");
  const Bytes iv = hx("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  const Bytes two = to_bytes("lockref firmware cbc");   // 20 octets: 12 octets of padding, two blocks
  const Bytes full = to_bytes("sixteen octets!!");      // one block: a whole block of padding
  CHECK(to_hex(aes_cbc_encrypt(key256, iv, two).value()) == "bf10b1104f6542aad510892d52178a0c6d80f81b3798685b9db7d424103cb5d5");
  CHECK(to_hex(aes_cbc_encrypt(key256, iv, full).value()) == "7b776cde1d867c32a2876cd9419a16ec3e8f54c04e85755651cf227fd25f5bc3");
  CHECK(to_hex(aes_cbc_encrypt(key128, iv, two).value()) == "f6d8e8f7e0c4cb8bcdb3072dc07f836d21bffdaad89c1f0a718646f3bdcd3852");
  CHECK(aes_cbc_decrypt(key256, iv, hx("bf10b1104f6542aad510892d52178a0c6d80f81b3798685b9db7d424103cb5d5")).value() == two);
  CHECK(aes_cbc_decrypt(key256, iv, hx("7b776cde1d867c32a2876cd9419a16ec3e8f54c04e85755651cf227fd25f5bc3")).value() == full);
  // RFC 3565 §2.3.2: the AES-CBC IV is 16 octets
  for (std::size_t n : {0u, 12u, 15u, 17u}) {
    CHECK_FALSE(aes_cbc_encrypt(key256, Bytes(n, 0), two));
    CHECK_FALSE(aes_cbc_decrypt(key256, Bytes(n, 0), Bytes(32, 0)));
  }
}

TEST_CASE("crypto: AES's refusals — key sizes, whole blocks, RFC 5652 §6.3 padding, SP 800-38D IV and tag lengths") {
  // Ciphertexts from python3-cryptography: raw AES-256-CBC (no padding added) of one block
  // whose last bytes are the padding under test, with the key and IV of the test above.
  const Bytes key256 = hx("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Bytes iv = hx("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  const std::string bad_pad = "aes_cbc_decrypt: bad padding";
  for (const char* ct : {"f14fc1f2d0595865fbba9dc45270cfea",  // ... 00: no padding byte is 0
                         "85f58c0c28a9f357d694068776d2f2ba",  // ... 11: 17 > the block size
                         "674eddbe0a98b99ba7bec5c878a40f50",  // ... 03 02 03: the bytes disagree
                         "c501ad8302875b026229ee5d63cdc0c5eff3e964945918619e0ba9ee966c077c"}) {  // two blocks, ... 11
    INFO(ct);
    const auto r = aes_cbc_decrypt(key256, iv, hx(ct));
    REQUIRE_FALSE(r);
    CHECK(r.error().message == bad_pad);
  }
  CHECK(aes_cbc_decrypt(key256, iv, hx("c3997021f7003caf0fe849b72ae155ef")).value() == Bytes(14, 'A'));  // ... 02 02
  CHECK(aes_cbc_decrypt(key256, iv, hx("600d07a3b9b2c4e4082153d6d1707aa6")).value().empty());  // a block of 10s
  for (std::size_t n : {std::size_t{0}, std::size_t{15}, std::size_t{17}}) {
    const auto r = aes_cbc_decrypt(key256, iv, Bytes(n, 0));
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "aes_cbc_decrypt: ciphertext of " + std::to_string(n) + " bytes is not whole blocks");
  }
  // FIPS 197: 128-, 192- and 256-bit keys only.
  for (std::size_t n : {std::size_t{0}, std::size_t{15}, std::size_t{20}, std::size_t{33}}) {
    INFO("key of " << n << " bytes");
    const std::string got = "AES key must be 16, 24 or 32 bytes, got " + std::to_string(n);
    const Bytes k(n, 1);
    CHECK(aes_ecb_encrypt(k, Bytes(16)).error().message == "aes_ecb_encrypt: " + got);
    CHECK(aes_ecb_decrypt(k, Bytes(16)).error().message == "aes_ecb_decrypt: " + got);
    CHECK(aes_cbc_encrypt(k, iv, {}).error().message == "aes_cbc_encrypt: " + got);
    CHECK(aes_cbc_decrypt(k, iv, Bytes(16)).error().message == "aes_cbc_decrypt: " + got);
    CHECK(aes_gcm_seal(k, Bytes(12), {}, {}).error().message == "aes_gcm: " + got);
    CHECK(aes_gcm_open(k, Bytes(12), {}, {}, Bytes(16)).error().message == "aes_gcm: " + got);
    CHECK(aes_cmac(k, {}).error().message == "aes_cmac: " + got);
  }
  for (std::size_t n : {std::size_t{16}, std::size_t{24}, std::size_t{32}}) CHECK(aes_ecb_encrypt(Bytes(n, 1), Bytes(32)));
  CHECK(aes_ecb_decrypt(key256, Bytes(17)).error().message == "aes_ecb_decrypt: input length 17 is not a multiple of 16");
  CHECK(aes256_ecb_decrypt(Bytes(16, 1), Bytes(16)).error().message == "aes256_ecb_decrypt: key must be 32 bytes, got 16");
  // SP 800-38D §5.2.1.1: the IV is not empty; §5.2.1.2: tags of 4, 8 or 12..16 bytes.
  CHECK(aes_gcm_seal(key256, {}, {}, {}).error().message == "aes_gcm: IV must not be empty (SP 800-38D §5.2.1.1)");
  CHECK(aes_gcm_open(key256, {}, {}, {}, Bytes(16)).error().message == "aes_gcm: IV must not be empty (SP 800-38D §5.2.1.1)");
  // Both paths: the 96-bit IV (Crypto++'s GCM) and any other (gcm_generic, SP 800-38D §7.1
  // written out): a truncated tag has the length asked for, and a wrong one does not open.
  for (const Bytes& gcm_iv : {Bytes(12, 2), Bytes(8, 2)}) {
    for (std::size_t t = 0; t <= 17; ++t) {
      INFO("IV of " << gcm_iv.size() << " bytes, tag of " << t << " bytes");
      const bool allowed = t == 4 || t == 8 || (t >= 12 && t <= 16);
      const auto s = aes_gcm_seal(key256, gcm_iv, {}, to_bytes("m"), t);
      CHECK(s.ok() == allowed);
      const auto o = aes_gcm_open(key256, gcm_iv, {}, {}, Bytes(t, 0));
      if (allowed) {
        CHECK(s->tag.size() == t);
        CHECK(aes_gcm_open(key256, gcm_iv, {}, s->ciphertext, s->tag).value() == to_bytes("m"));
        CHECK(o.error().message == "aes_gcm: authentication failed");
      } else {
        CHECK(s.error().message == "aes_gcm: tag length " + std::to_string(t) + " not allowed by SP 800-38D §5.2.1.2");
        CHECK(o.error().message == "aes_gcm: tag length " + std::to_string(t) + " not allowed by SP 800-38D §5.2.1.2");
      }
    }
  }
  // A 64-bit IV, truncated to a 96-bit tag: python3-cryptography's AES-GCM (Cipher(AES(key),
  // GCM(iv))) gives ciphertext a4bd18b3... and tag e746ae5f22902feb38feb2cb43eb9b59, whose
  // first 12 bytes are the truncated tag (SP 800-38D §7.1 step 6: MSB_t).
  const Bytes k16 = from_hex("000102030405060708090a0b0c0d0e0f").value(), iv8 = from_hex("cafebabefacedbad").value();
  const auto kat = aes_gcm_seal(k16, iv8, to_bytes("aad"), to_bytes("sixteen byte msg+3"), 12).value();
  CHECK(to_hex(kat.ciphertext) == "a4bd18b35045318d3a20969d142fe5aed87a");
  CHECK(to_hex(kat.tag) == "e746ae5f22902feb38feb2cb");
  Bytes bad_tag = kat.tag;
  bad_tag[11] ^= 1;
  CHECK(aes_gcm_open(k16, iv8, to_bytes("aad"), kat.ciphertext, bad_tag).error().message == "aes_gcm: authentication failed");
  CHECK(aes_gcm_open(k16, iv8, to_bytes("aad"), kat.ciphertext, kat.tag).value() == to_bytes("sixteen byte msg+3"));
  // The L.O.C.K. profile (AES-256, 96-bit IV, 128-bit tag).
  CHECK(aes_gcm_encrypt(Bytes(16), Bytes(12), {}, {}).error().message == "aes_gcm_encrypt: key must be 32 bytes, got 16");
  CHECK(aes_gcm_encrypt(key256, Bytes(16), {}, {}).error().message == "aes_gcm_encrypt: IV must be 12 bytes, got 16");
  CHECK(aes_gcm_decrypt(Bytes(24), Bytes(12), {}, {}, Bytes(16)).error().message == "aes_gcm_decrypt: key must be 32 bytes, got 24");
  CHECK(aes_gcm_decrypt(key256, Bytes(8), {}, {}, Bytes(16)).error().message == "aes_gcm_decrypt: IV must be 12 bytes, got 8");
  CHECK(aes_gcm_decrypt(key256, Bytes(12), {}, {}, Bytes(12)).error().message == "aes_gcm_decrypt: tag must be 16 bytes, got 12");
}

TEST_CASE("crypto: HMAC_DRBG's counters and limits (SP 800-90A §10.1.2.3-§10.1.2.5, Table 2)") {
  const Bytes entropy(32, 7);  // exactly the 256-bit minimum
  const auto s = drbg_instantiate(entropy, {}, {});
  REQUIRE(s);
  CHECK(s->reseed_counter == 1);  // §10.1.2.3 step 5
  CHECK(s->key.size() == 48);
  const auto s512 = drbg_instantiate(entropy, {}, {}, Hash::sha512);
  REQUIRE(s512);
  CHECK(s512->key.size() == 64);
  CHECK(s512->v.size() == 64);
  CHECK(drbg_instantiate(Bytes(31, 7), {}, {}).error().message ==
        "hmac_drbg: entropy input must be at least 32 bytes (256-bit strength), got 31");
  // §10.1.2.5: each request advances reseed_counter (step 7), even one of no bytes.
  const auto g = drbg_generate(*s, 0);
  REQUIRE(g);
  CHECK(g->bytes.empty());
  CHECK(g->next.reseed_counter == 2);
  // Table 2: at most 2^19 bits = 65536 bytes per request.
  CHECK(drbg_generate(*s, 65536).value().bytes.size() == 65536);
  CHECK(drbg_generate(*s, 65537).error().message == "hmac_drbg: request of 65537 bytes exceeds 65536");
  // §10.1.2.4: reseed sets the counter back to 1, needs the same 32 bytes of entropy.
  CHECK(drbg_reseed(g->next, entropy).value().reseed_counter == 1);
  CHECK(drbg_reseed(*s, Bytes(31, 7)).error().message == "hmac_drbg: entropy input must be at least 32 bytes, got 31");
  CHECK(drbg_reseed(HmacDrbg{}, entropy).error().message == "hmac_drbg: not instantiated");
  CHECK(drbg_generate(HmacDrbg{}, 1).error().message == "hmac_drbg: not instantiated");
  // Table 2 reseed_interval = 2^48: a request is served while reseed_counter <= 2^48.
  HmacDrbg at_limit = *s;
  at_limit.reseed_counter = std::uint64_t{1} << 48;
  const auto last = drbg_generate(at_limit, 16);
  REQUIRE(last);
  CHECK(last->next.reseed_counter == (std::uint64_t{1} << 48) + 1);
  CHECK(drbg_generate(last->next, 16).error().message == "hmac_drbg: reseed required");
  CHECK(drbg_generate(drbg_reseed(last->next, entropy).value(), 16));
}

TEST_CASE("crypto: SP 800-108r1 counter-mode KDF, one block, with and without a context (Python hmac known answers)") {
  // PRF(K, [1]_c || Label [|| 0x00 || Context]) (SP 800-108r1 §4.1 with the fixed-input
  // layout kdf.hpp documents: no separator without a context, no [L]_2 field; errata
  // E-LOCK-KDF-COUNTER). Expected: Python hmac.new(K, ..., sha512 / sha384).
  Bytes k(64);
  for (std::size_t i = 0; i < 64; ++i) k[i] = static_cast<std::uint8_t>(i);
  const Bytes label = to_bytes("lockref label"), ctx = to_bytes("ctx");
  CHECK(to_hex(sp800_108_counter(Hash::sha512, k, label, ByteView(ctx))) ==
        "a066c3aab27dca79c265cdf48075b2c664856a2a2eb03baddf4875024fa2acdfd048bbbb2453b70dc2e5530571b2a4c3"
        "1356920f87e836650ae46d59cd0ba366");
  CHECK(to_hex(sp800_108_counter(Hash::sha512, k, label, std::nullopt)) ==
        "b1a1991154387858c454de7c55748df021907a41e392810641c12cbd69529cd65f8daa7f9bf08eba6680ade2947dccc8"
        "aa61585adb39c2a8f776095a0d9900b1");
  // a 1-byte counter, an empty context (the separator alone), HMAC-SHA384
  CHECK(to_hex(sp800_108_counter(Hash::sha384, k, label, ByteView{}, 1)) ==
        "374bec16c9df179d72b304234b44f7ab60db106ee0a3f72cc1c454274ae5aab39606a8f5569c773ce5e9eb24727e4531");
}

TEST_CASE("crypto: HKDF-SHA512 and HKDF-SHA384 over several blocks, an empty salt, the 255*HashLen bound (RFC 5869, python3-cryptography)") {
  Bytes ikm(22);
  for (std::size_t i = 0; i < 22; ++i) ikm[i] = static_cast<std::uint8_t>(i);
  const Bytes info = to_bytes("lockref info");
  // RFC 5869 §2.2: no salt is HashLen zero bytes; 130 bytes are three SHA-512 blocks.
  CHECK(to_hex(hkdf(Hash::sha512, {}, ikm, info, 130).value()) ==
        "f58b1aa52dd7fe1175716ee97c487de5e592ff3120f76c4d626908386625a5fe8ae7861e96df3a4643a7af9127764c38af01aa8777eafb5ce"
        "d712f423133609f5f94a9c80ae1c6f3a43a877218126a20f5b188efa3ec1f4f55163c1317d4223ebcbf7672ce6d094d749a6728d49d16371"
        "fdfc4e2203eb2a5e0bc5b7d24a220c14a1a");
  CHECK(to_hex(hkdf_sha384(to_bytes("salt"), ikm, info, 100).value()) ==
        "89aef191e1edb25e2188830ddc0eaed6b34d0890a2ea06c626061ad1ab81620ba58af3462038e918f183c45256dc9a97ad3582514f0e74e3"
        "8ffdaaedff4acba3592c513b8c988cc869cf1153d99fcc9a380e94ca9d2d813408ec42c0ed67586b0b426836");
  CHECK(hkdf_expand(Hash::sha384, Bytes(48, 1), {}, 0).value().empty());
  CHECK(hkdf_expand(Hash::sha512, Bytes(64, 1), {}, 255 * 64).value().size() == 255 * 64);
  CHECK(hkdf_expand(Hash::sha512, Bytes(64, 1), {}, 255 * 64 + 1).error().message ==
        "hkdf: output length 16321 exceeds 255*HashLen = 16320");
  CHECK(digest_size(Hash::sha384) == 48);
  CHECK(digest_size(Hash::sha512) == 64);
  // ct_equal: lengths first, then every byte; ct_is_zero
  CHECK(ct_equal(Bytes{1, 2, 3}, Bytes{1, 2, 3}));
  CHECK_FALSE(ct_equal(Bytes{1, 2, 3}, Bytes{1, 2}));
  CHECK_FALSE(ct_equal(Bytes{1, 2, 3}, Bytes{1, 2, 4}));
  CHECK_FALSE(ct_equal(Bytes{0, 2, 3}, Bytes{1, 2, 3}));
  CHECK(ct_is_zero(Bytes(5, 0)));
  CHECK_FALSE(ct_is_zero(Bytes{0, 0, 0x80}));
}

}  // namespace LOCKREF_UNITY_ID
