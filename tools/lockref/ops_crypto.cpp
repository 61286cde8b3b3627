// lockref eval ops for the cryptographic primitives (model/lockref/crypto/) and the
// OCP L.O.C.K. 0.8 "Cryptography helper commands" (seed 004 §"Cryptography helper
// commands": DRBG bytes, AES-256-GCM, AES-256 key wrap, HMAC-384 KDF per SP 800-108).
#include "hex_request.hpp"
#include "lockref/crypto/crypto.hpp"
#include "lockref/crypto/kdf.hpp"
#include "registry.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::crypto;

Result<Json> hash_op(const Json& j, Hash h) {
  return with_request(j, [&](HexRequest& r) -> Result<Json> {
    TRY_ASSIGN(data, r.bytes("data"));
    return Json{{"digest", to_hex(sha(h, data))}};
  });
}
Result<Json> hmac_op(const Json& j, Hash h) {
  return with_request(j, [&](HexRequest& r) -> Result<Json> {
    TRY_ASSIGN(key, r.bytes("key"));
    TRY_ASSIGN(data, r.bytes("data"));
    return Json{{"mac", to_hex(hmac(h, key, data))}};
  });
}

LOCKREF_REGISTER(EvalOp{"crypto.sha384", "SHA2-384 {data} -> {digest}", [](const Json& j) { return hash_op(j, Hash::sha384); }});
LOCKREF_REGISTER(EvalOp{"crypto.sha512", "SHA2-512 {data} -> {digest}", [](const Json& j) { return hash_op(j, Hash::sha512); }});
LOCKREF_REGISTER(EvalOp{"crypto.hmac_sha384", "HMAC-SHA384 {key,data} -> {mac}", [](const Json& j) { return hmac_op(j, Hash::sha384); }});
LOCKREF_REGISTER(EvalOp{"crypto.hmac_sha512", "HMAC-SHA512 {key,data} -> {mac}", [](const Json& j) { return hmac_op(j, Hash::sha512); }});

LOCKREF_REGISTER(EvalOp{"crypto.hkdf_sha384", "RFC 5869 HKDF-SHA384 {salt,ikm,info,length} -> {prk,okm}",
                        [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(salt, r.bytes_or("salt", {}));
                            TRY_ASSIGN(ikm, r.bytes("ikm"));
                            TRY_ASSIGN(info, r.bytes_or("info", {}));
                            TRY_ASSIGN(len, r.uint("length"));
                            const Bytes prk = hkdf_sha384_extract(salt, ikm);
                            TRY_ASSIGN(okm, hkdf_sha384_expand(prk, info, static_cast<std::size_t>(len)));
                            return Json{{"prk", to_hex(prk)}, {"okm", to_hex(okm)}};
                          });
                        }});

Result<Json> ecb_op(const Json& j, bool enc) {
  return with_request(j, [&](HexRequest& r) -> Result<Json> {
    TRY_ASSIGN(key, r.bytes("key"));
    TRY_ASSIGN(data, r.bytes("data"));
    TRY_ASSIGN(out, enc ? aes_ecb_encrypt(key, data) : aes_ecb_decrypt(key, data));
    return Json{{"data", to_hex(out)}};
  });
}
LOCKREF_REGISTER(EvalOp{"crypto.aes_ecb_encrypt", "AES-ECB encrypt whole blocks {key,data} -> {data}",
                        [](const Json& j) { return ecb_op(j, true); }});
LOCKREF_REGISTER(EvalOp{"crypto.aes_ecb_decrypt", "AES-ECB decrypt whole blocks {key,data} -> {data}",
                        [](const Json& j) { return ecb_op(j, false); }});
LOCKREF_REGISTER(EvalOp{"crypto.aes_cmac", "AES-CMAC (SP 800-38B) {key,data} -> {mac}", [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(key, r.bytes("key"));
                            TRY_ASSIGN(data, r.bytes("data"));
                            TRY_ASSIGN(mac, aes_cmac(key, data));
                            return Json{{"mac", to_hex(mac)}};
                          });
                        }});

LOCKREF_REGISTER(EvalOp{"crypto.aes_gcm_encrypt",
                        "AES-256-GCM, 96-bit IV, 128-bit tag {key,iv,aad?,plaintext} -> {ciphertext,tag}",
                        [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(key, r.bytes("key"));
                            TRY_ASSIGN(iv, r.bytes("iv"));
                            TRY_ASSIGN(aad, r.bytes_or("aad", {}));
                            TRY_ASSIGN(pt, r.bytes("plaintext"));
                            TRY_ASSIGN(s, aes_gcm_encrypt(key, iv, aad, pt));
                            return Json{{"ciphertext", to_hex(s.ciphertext)}, {"tag", to_hex(s.tag)}};
                          });
                        }});
LOCKREF_REGISTER(EvalOp{"crypto.aes_gcm_decrypt",
                        "AES-256-GCM decrypt and verify {key,iv,aad?,ciphertext,tag} -> {plaintext}",
                        [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(key, r.bytes("key"));
                            TRY_ASSIGN(iv, r.bytes("iv"));
                            TRY_ASSIGN(aad, r.bytes_or("aad", {}));
                            TRY_ASSIGN(ct, r.bytes("ciphertext"));
                            TRY_ASSIGN(tag, r.bytes("tag"));
                            TRY_ASSIGN(pt, aes_gcm_decrypt(key, iv, aad, ct, tag));
                            return Json{{"plaintext", to_hex(pt)}};
                          });
                        }});

LOCKREF_REGISTER(EvalOp{"crypto.aes_kw_wrap", "RFC 3394 AES key wrap {kek,key} -> {wrapped}", [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(kek, r.bytes("kek"));
                            TRY_ASSIGN(key, r.bytes("key"));
                            TRY_ASSIGN(w, aes_kw_wrap(kek, key));
                            return Json{{"wrapped", to_hex(w)}};
                          });
                        }});
LOCKREF_REGISTER(EvalOp{"crypto.aes_kw_unwrap", "RFC 3394 AES key unwrap with integrity check {kek,wrapped} -> {key}",
                        [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(kek, r.bytes("kek"));
                            TRY_ASSIGN(w, r.bytes("wrapped"));
                            TRY_ASSIGN(k, aes_kw_unwrap(kek, w));
                            return Json{{"key", to_hex(k)}};
                          });
                        }});

/// SP 800-108 counter-mode KDF, one block. prf: hmac_sha512 (L.O.C.K. 0.9 §4.6.1.2,
/// default) or hmac_sha384 (0.8 helper "HMAC-384 KDF"); counter_bytes: 4 (default) or 1.
LOCKREF_REGISTER(EvalOp{
    "crypto.sp800_108",
    "SP 800-108 KDF, one PRF block: PRF(key, [1] || label [|| 00 || context]) "
    "{key,label|label_hex,context?,prf?:hmac_sha512|hmac_sha384,counter_bytes?:4|1} -> {key_out}",
    [](const Json& j) {
      return with_request(j, [&](HexRequest& r) -> Result<Json> {
        TRY_ASSIGN(key, r.bytes("key"));
        TRY_ASSIGN(label, r.label("label", ""));
        TRY_ASSIGN(ctx, r.opt_bytes("context"));
        TRY_ASSIGN(width, r.uint("counter_bytes", 4));
        if (width != 1 && width != 2 && width != 4) return make_error("counter_bytes: expected 1, 2 or 4");
        std::string prf = "hmac_sha512";
        if (r.has("prf")) {
          TRY_ASSIGN(p, r.string("prf"));
          prf = p;
        }
        if (prf != "hmac_sha512" && prf != "hmac_sha384") return make_error("prf: expected hmac_sha512 or hmac_sha384");
        const Bytes out = sp800_108_counter(prf == "hmac_sha512" ? Hash::sha512 : Hash::sha384, key, label,
                                            ctx ? std::optional<ByteView>(*ctx) : std::nullopt,
                                            static_cast<std::size_t>(width));
        return Json{{"key_out", to_hex(out)}};
      });
    }});

/// HMAC_DRBG (SP 800-90A §10.1.2): instantiate, then each request generates bytes (with
/// optional additional input and an optional reseed first). The 0.8 "DRBG bytes" helper.
LOCKREF_REGISTER(EvalOp{
    "crypto.hmac_drbg",
    "HMAC_DRBG (SP 800-90A) {entropy,nonce?,personalization?,hash?:sha384|sha512,"
    "requests:[{bytes,additional?,reseed_entropy?}]} -> {outputs:[hex]}",
    [](const Json& j) {
      return with_request(j, [&](HexRequest& r) -> Result<Json> {
        TRY_ASSIGN(entropy, r.bytes("entropy"));
        TRY_ASSIGN(nonce, r.bytes_or("nonce", {}));
        TRY_ASSIGN(pers, r.bytes_or("personalization", {}));
        Hash h = Hash::sha384;
        if (r.has("hash")) {
          TRY_ASSIGN(hs, r.string("hash"));
          if (hs == "sha512") h = Hash::sha512;
          else if (hs != "sha384") return make_error("hash: expected sha384 or sha512");
        }
        TRY_ASSIGN(state, drbg_instantiate(entropy, nonce, pers, h));
        TRY_ASSIGN(reqs_p, r.raw("requests"));
        const Json& reqs = *reqs_p;
        if (!reqs.is_array()) return make_error("requests: expected an array");
        Json outs = Json::array();
        for (std::size_t i = 0; i < reqs.size(); ++i) {
          const std::string where = "requests[" + std::to_string(i) + "]";
          auto one = with_request(reqs[i], [&](HexRequest& q) -> Result<Json> {
            TRY_ASSIGN(n, q.uint("bytes"));
            TRY_ASSIGN(add, q.bytes_or("additional", {}));
            TRY_ASSIGN(re, q.opt_bytes("reseed_entropy"));
            if (re) {
              TRY_ASSIGN(s2, drbg_reseed(state, *re, add));
              state = s2;
              add.clear();  // SP 800-90A: additional input consumed by the reseed
            }
            TRY_ASSIGN(g, drbg_generate(state, static_cast<std::size_t>(n), add));
            state = g.next;
            return Json(to_hex(g.bytes));
          });
          if (!one) return make_error(where + ": " + one.error().message);
          outs.push_back(*one);
        }
        return Json{{"outputs", outs}};
      });
    }});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli

// ---- TCG Key Per I/O key transport (seed 002 §3.4.3-§3.4.7) ---------------------------
#include "lockref/kpio/key_wrap.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {

LOCKREF_REGISTER(EvalOp{"kpio.wrap_key_with_nonce",
                        "KPIO AN §3.4.7: AES-256-GCM(kek, iv=IVCounterNonce, no AAD, key || nonce) "
                        "{kek,iv,key,nonce} -> {key_value,tag}",
                        [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(kek, r.bytes("kek"));
                            TRY_ASSIGN(iv, r.bytes("iv"));
                            TRY_ASSIGN(key, r.bytes("key"));
                            TRY_ASSIGN(nonce, r.bytes("nonce"));
                            TRY_ASSIGN(s, kpio::wrap_key_with_nonce(kek, iv, key, nonce));
                            return Json{{"key_value", to_hex(s.ciphertext)}, {"tag", to_hex(s.tag)}};
                          });
                        }});
LOCKREF_REGISTER(EvalOp{"kpio.unwrap_key_with_nonce",
                        "KPIO AN §3.4.7 TPer side: authenticate and check the nonce {kek,iv,key_value,tag,nonce} -> {key}",
                        [](const Json& j) {
                          return with_request(j, [&](HexRequest& r) -> Result<Json> {
                            TRY_ASSIGN(kek, r.bytes("kek"));
                            TRY_ASSIGN(iv, r.bytes("iv"));
                            TRY_ASSIGN(kv, r.bytes("key_value"));
                            TRY_ASSIGN(tag, r.bytes("tag"));
                            TRY_ASSIGN(nonce, r.bytes("nonce"));
                            TRY_ASSIGN(k, kpio::unwrap_key_with_nonce(kek, iv, kv, tag, nonce));
                            return Json{{"key", to_hex(k)}};
                          });
                        }});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
