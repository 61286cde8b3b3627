// lockref eval ops for the OCP L.O.C.K. 0.9 key hierarchy (model/lockref/lock/keys.hpp).
// Every op takes an optional "profile" object overriding fields of lock::rev09::Profile
// (labels, kdf_counter_bytes, ...), and the single-label ops an optional "label", so a
// vendor can plug in its own choices.
#include "hex_request.hpp"
#include "lockref/lock/keys.hpp"
#include "registry.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::lock;
using namespace lockref::lock::rev09;

/// "profile": {"epk_label": "...", "kdf_counter_bytes": 1, ...}
Result<Profile> read_profile(HexRequest& r) {
  Profile p = profile();
  if (!r.has("profile")) return p;
  TRY_ASSIGN(jp, r.raw("profile"));
  const Json& j = *jp;
  if (!j.is_object()) return make_error("profile: expected an object");
  std::pair<const char*, std::string*> labels[] = {
      {"hek_label", &p.hek_label},
      {"mdk_label", &p.mdk_label},
      {"vek_label", &p.vek_label},
      {"epk_label", &p.epk_label},
      {"locked_mpk_key_label", &p.locked_mpk_key_label},
      {"locked_mpk_aes_label", &p.locked_mpk_aes_label},
      {"enabled_mpk_aes_label", &p.enabled_mpk_aes_label},
      {"mpk_secret_label", &p.mpk_secret_label},
      {"mek_secret_seed_label", &p.mek_secret_seed_label},
      {"mek_secret_label", &p.mek_secret_label},
      {"wrapped_mek_label", &p.wrapped_mek_label},
      {"derived_mek_label", &p.derived_mek_label}};
  std::pair<const char*, std::size_t*> sizes[] = {{"kdf_counter_bytes", &p.kdf_counter_bytes},
                                                  {"salt_checksum_key_bytes", &p.salt_checksum_key_bytes},
                                                  {"initial_mpk_secret_bytes", &p.initial_mpk_secret_bytes},
                                                  {"aes_key_bytes", &p.aes_key_bytes}};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (auto& [k, dst] : labels)
      if (it.key() == k) {
        if (!it.value().is_string()) return make_error(std::string("profile.") + k + ": expected a string");
        *dst = it.value().get<std::string>();
        known = true;
      }
    for (auto& [k, dst] : sizes)
      if (it.key() == k) {
        if (!it.value().is_number_unsigned()) return make_error(std::string("profile.") + k + ": expected an unsigned integer");
        *dst = it.value().get<std::size_t>();
        known = true;
      }
    if (!known) return make_error("profile: unknown field \"" + it.key() + "\"");
  }
  if (p.kdf_counter_bytes != 1 && p.kdf_counter_bytes != 2 && p.kdf_counter_bytes != 4)
    return make_error("profile.kdf_counter_bytes: expected 1, 2 or 4");
  if (p.salt_checksum_key_bytes != 16 && p.salt_checksum_key_bytes != 24 && p.salt_checksum_key_bytes != 32)
    return make_error("profile.salt_checksum_key_bytes: expected an AES key size (16, 24, 32)");
  if (p.aes_key_bytes != 32) return make_error("profile.aes_key_bytes: only 32 (AES-256) is defined by 0.9");
  if (p.initial_mpk_secret_bytes > 1024) return make_error("profile.initial_mpk_secret_bytes: at most 1024");
  return p;
}

/// Decrypted MPKs ("mpks") or, as Figure 20 draws it, Enabled MPKs plus the VEK.
Result<std::vector<Bytes>> read_mpks(HexRequest& r, const Profile& p) {
  if (r.has("enabled_mpks")) {
    if (r.has("mpks")) return make_error("give either \"mpks\" or \"enabled_mpks\", not both");
    TRY_ASSIGN(blobs, r.bytes_list("enabled_mpks"));
    TRY_ASSIGN(v, r.bytes("vek"));
    std::vector<WrappedKey> enabled;
    for (std::size_t i = 0; i < blobs.size(); ++i) {
      auto w = decode_wrapped_key(blobs[i]);
      if (!w) return make_error("enabled_mpks[" + std::to_string(i) + "]: " + w.error().message);
      enabled.push_back(std::move(*w));
    }
    return decrypt_enabled_mpks(p, v, enabled);
  }
  return r.bytes_list("mpks");
}

template <class F>
EvalOp op(std::string name, std::string summary, F f) {
  return EvalOp{std::move(name), std::move(summary), [f](const Json& j) {
                  return with_request(j, [&](HexRequest& r) -> Result<Json> {
                    TRY_ASSIGN(p, read_profile(r));
                    return f(r, p);
                  });
                }};
}

Json wrapped_json(const WrappedKey& w) {
  return Json{{"wrapped_key", to_hex(encode(w))}, {"salt", to_hex(w.salt)},  {"iv", to_hex(w.iv)},
              {"metadata", to_hex(w.metadata)},   {"ciphertext", to_hex(w.ciphertext)}, {"tag", to_hex(w.tag)},
              {"aad", to_hex(wrapped_key_aad(w.key_type, w.salt, w.metadata))}};
}

LOCKREF_REGISTER(op("lock.sp800_108", "0.9 §4.6.1.2 KDF: HMAC512(key, [1] || label [|| 00 || context]) {key,label,context?} -> {key_out}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(key, r.bytes("key"));
                      TRY_ASSIGN(label, r.label("label", ""));
                      TRY_ASSIGN(ctx, r.opt_bytes("context"));
                      return Json{{"key_out", to_hex(sp800_108(p, key, label, ctx ? std::optional<ByteView>(*ctx) : std::nullopt))}};
                    }));

LOCKREF_REGISTER(op("lock.preconditioned_key_extract",
                    "0.9 Figure 3 {salt,key,label} -> {checksum,preconditioned_key,output}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(key, r.bytes("key"));
                      TRY_ASSIGN(label, r.label("label", ""));
                      TRY_ASSIGN(x, preconditioned_key_extract_steps(p, salt, key, label));
                      return Json{{"checksum", to_hex(x.checksum)},
                                  {"preconditioned_key", to_hex(x.preconditioned)},
                                  {"output", to_hex(x.output)}};
                    }));

LOCKREF_REGISTER(op("lock.preconditioned_aes_encrypt",
                    "0.9 Figure 4 {key,label,salt,iv,aad?,plaintext} -> {subkey,ciphertext,tag}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(key, r.bytes("key"));
                      TRY_ASSIGN(label, r.label("label", ""));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(iv, r.bytes("iv"));
                      TRY_ASSIGN(aad, r.bytes_or("aad", {}));
                      TRY_ASSIGN(pt, r.bytes("plaintext"));
                      TRY_ASSIGN(sk, preconditioned_aes_subkey(p, key, label, salt));
                      TRY_ASSIGN(s, preconditioned_aes_encrypt(p, key, label, salt, iv, aad, pt));
                      return Json{{"subkey", to_hex(sk)}, {"ciphertext", to_hex(s.ciphertext)}, {"tag", to_hex(s.tag)}};
                    }));

LOCKREF_REGISTER(op("lock.preconditioned_aes_decrypt",
                    "0.9 Figure 5 {key,label,salt,iv,aad?,ciphertext,tag} -> {plaintext}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(key, r.bytes("key"));
                      TRY_ASSIGN(label, r.label("label", ""));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(iv, r.bytes("iv"));
                      TRY_ASSIGN(aad, r.bytes_or("aad", {}));
                      TRY_ASSIGN(ct, r.bytes("ciphertext"));
                      TRY_ASSIGN(tag, r.bytes("tag"));
                      TRY_ASSIGN(pt, preconditioned_aes_decrypt(p, key, label, salt, iv, aad, ct, tag));
                      return Json{{"plaintext", to_hex(pt)}};
                    }));

LOCKREF_REGISTER(op("lock.hek", "0.9 Figure 18 HEK {idevid_cdi,hek_seed} -> {hek}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(cdi, r.bytes("idevid_cdi"));
                      TRY_ASSIGN(seed, r.bytes("hek_seed"));
                      if (auto s = check_len(seed, 32, "hek_seed (§4.6.4.1: 256-bit HEK slots)"); !s) return s.error();
                      return Json{{"hek", to_hex(hek(p, cdi, seed))}};
                    }));
LOCKREF_REGISTER(op("lock.mdk", "0.9 Figure 24 MDK {idevid_cdi} -> {mdk}", [](HexRequest& r, const Profile& p) -> Result<Json> {
  TRY_ASSIGN(cdi, r.bytes("idevid_cdi"));
  return Json{{"mdk", to_hex(mdk(p, cdi))}};
}));
LOCKREF_REGISTER(op("lock.vek", "0.9 Figure 6 VEK {hek,seed} -> {vek}", [](HexRequest& r, const Profile& p) -> Result<Json> {
  TRY_ASSIGN(h, r.bytes("hek"));
  TRY_ASSIGN(seed, r.bytes("seed"));
  TRY_ASSIGN(v, vek(p, h, seed));
  return Json{{"vek", to_hex(v)}};
}));
LOCKREF_REGISTER(op("lock.epk", "EPK = Preconditioned Key Extract(salt SEK, key HEK) {hek,sek} -> {epk}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(e, epk(p, h, sek));
                      return Json{{"epk", to_hex(e)}};
                    }));
LOCKREF_REGISTER(op("lock.locked_mpk_key", "0.9 Figure 12 Locked MPK encryption key {hek,sek,access_key} -> {epk,locked_mpk_key}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(ak, r.bytes("access_key"));
                      TRY_ASSIGN(e, epk(p, h, sek));
                      TRY_ASSIGN(k, locked_mpk_key(p, e, ak));
                      return Json{{"epk", to_hex(e)}, {"locked_mpk_key", to_hex(k)}};
                    }));

LOCKREF_REGISTER(op("lock.mek_secret",
                    "0.9 Figures 20/21 {hek,sek,dpk,mpks:[...] | enabled_mpks:[WrappedKey...],vek} -> "
                    "{epk,mek_secret_seed,mpk_secret,mek_secret}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(dpk, r.bytes("dpk"));
                      TRY_ASSIGN(mpks, read_mpks(r, p));
                      TRY_ASSIGN(m, mek_secret_steps(p, h, sek, dpk, mpks));
                      return Json{{"epk", to_hex(m.epk)},
                                  {"mek_secret_seed", to_hex(m.mek_secret_seed)},
                                  {"mpk_secret", to_hex(m.mpk_secret)},
                                  {"mek_secret", to_hex(m.mek_secret)}};
                    }));

LOCKREF_REGISTER(op("lock.derive_mek",
                    "0.9 Figure 25 {hek,sek,dpk,mpks:[...] | enabled_mpks:[...],vek, checksum?} -> {mek,checksum} "
                    "(non-zero mismatching checksum: error)",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(dpk, r.bytes("dpk"));
                      TRY_ASSIGN(mpks, read_mpks(r, p));
                      TRY_ASSIGN(want, r.bytes_or("checksum", {}));
                      TRY_ASSIGN(d, derive_mek(p, h, sek, dpk, mpks, want));
                      return Json{{"mek", to_hex(d.mek)}, {"checksum", to_hex(d.checksum)}};
                    }));

LOCKREF_REGISTER(op("lock.wrap_mek",
                    "0.9 Figure 22 random-MEK double encryption {mdk,mek_secret,mek,salt,iv,metadata?} -> "
                    "{single_encrypted,wrapped_key,ciphertext,tag,aad,...}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(m, r.bytes("mdk"));
                      TRY_ASSIGN(ms, r.bytes("mek_secret"));
                      TRY_ASSIGN(mek, r.bytes("mek"));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(iv, r.bytes("iv"));
                      TRY_ASSIGN(md, r.bytes_or("metadata", {}));
                      TRY_ASSIGN(w, wrap_mek(p, m, ms, mek, salt, iv, md));
                      Json out = wrapped_json(w);
                      if (mek.size() == mek_bytes) {
                        TRY_ASSIGN(inner, crypto::aes256_ecb_encrypt(aes_key_of(p, m), mek));
                        out["single_encrypted"] = to_hex(inner);
                      }
                      return out;
                    }));

LOCKREF_REGISTER(op("lock.unwrap_mek", "0.9 Figure 23 {mdk,mek_secret,wrapped_key} -> {mek}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(m, r.bytes("mdk"));
                      TRY_ASSIGN(ms, r.bytes("mek_secret"));
                      TRY_ASSIGN(wb, r.bytes("wrapped_key"));
                      TRY_ASSIGN(w, decode_wrapped_key(wb));
                      TRY_ASSIGN(mek, unwrap_mek(p, m, ms, w));
                      return Json{{"mek", to_hex(mek)}};
                    }));

LOCKREF_REGISTER(op("lock.lock_mpk", "0.9 Figure 12 Locked MPK {hek,sek,access_key,mpk,salt,iv,metadata?} -> {wrapped_key,...}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(ak, r.bytes("access_key"));
                      TRY_ASSIGN(mpk, r.bytes("mpk"));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(iv, r.bytes("iv"));
                      TRY_ASSIGN(md, r.bytes_or("metadata", {}));
                      TRY_ASSIGN(w, lock_mpk(p, h, sek, ak, mpk, salt, iv, md));
                      return wrapped_json(w);
                    }));

LOCKREF_REGISTER(op("lock.enable_mpk",
                    "0.9 Figure 13 Locked MPK -> Enabled MPK {hek,sek,access_key,locked_mpk,vek,salt,iv} -> {wrapped_key,...}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(ak, r.bytes("access_key"));
                      TRY_ASSIGN(lb, r.bytes("locked_mpk"));
                      TRY_ASSIGN(v, r.bytes("vek"));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(iv, r.bytes("iv"));
                      TRY_ASSIGN(locked, decode_wrapped_key(lb));
                      TRY_ASSIGN(w, enable_mpk(p, h, sek, ak, locked, v, salt, iv));
                      return wrapped_json(w);
                    }));

LOCKREF_REGISTER(op("lock.rotate_mpk_access_key",
                    "0.9 Figure 14 {hek,sek,access_key,new_access_key,locked_mpk,salt,iv} -> {wrapped_key,...}",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(ak, r.bytes("access_key"));
                      TRY_ASSIGN(nak, r.bytes("new_access_key"));
                      TRY_ASSIGN(lb, r.bytes("locked_mpk"));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      TRY_ASSIGN(iv, r.bytes("iv"));
                      TRY_ASSIGN(locked, decode_wrapped_key(lb));
                      TRY_ASSIGN(w, rotate_mpk_access_key(p, h, sek, ak, nak, locked, salt, iv));
                      return wrapped_json(w);
                    }));

LOCKREF_REGISTER(op("lock.test_access_key",
                    "0.9 §4.7.2.16 / Figure 15 {hek,sek,access_key,locked_mpk,nonce} -> {digest} (MPK integrity verified first)",
                    [](HexRequest& r, const Profile& p) -> Result<Json> {
                      TRY_ASSIGN(h, r.bytes("hek"));
                      TRY_ASSIGN(sek, r.bytes("sek"));
                      TRY_ASSIGN(ak, r.bytes("access_key"));
                      TRY_ASSIGN(lb, r.bytes("locked_mpk"));
                      TRY_ASSIGN(nonce, r.bytes("nonce"));
                      if (auto s = check_len(nonce, 32, "nonce (Table 40 u8[32])"); !s) return s.error();
                      TRY_ASSIGN(locked, decode_wrapped_key(lb));
                      TRY_ASSIGN(mpk, unlock_mpk(p, h, sek, ak, locked));  // step 3: verify, discard
                      (void)mpk;
                      return Json{{"digest", to_hex(test_access_key_digest(locked.metadata, ak, nonce))}};
                    }));

LOCKREF_REGISTER(op("lock.wrapped_key_aad",
                    "§4.7.2.22.2 AAD = key_type(u16 LE) || salt || metadata_len(u32 LE) || metadata {key_type,salt,metadata?} -> {aad}",
                    [](HexRequest& r, const Profile&) -> Result<Json> {
                      TRY_ASSIGN(kts, r.string("key_type"));
                      TRY_ASSIGN(kt, wrapped_key_type(kts));
                      TRY_ASSIGN(salt, r.bytes("salt"));
                      if (auto s = check_len(salt, salt_bytes, "salt (Table 55 u8[12])"); !s) return s.error();
                      TRY_ASSIGN(md, r.bytes_or("metadata", {}));
                      return Json{{"aad", to_hex(wrapped_key_aad(kt, salt, md))}};
                    }));

LOCKREF_REGISTER(op("lock.decode_wrapped_key", "Table 55 WrappedKey bytes -> fields {bytes} -> {key_type,salt,iv,metadata,ciphertext,tag,aad}",
                    [](HexRequest& r, const Profile&) -> Result<Json> {
                      TRY_ASSIGN(b, r.bytes("bytes"));
                      TRY_ASSIGN(w, decode_wrapped_key(b));
                      static constexpr const char* names[] = {"RESERVED", "LOCKED_MPK", "ENABLED_MPK", "WRAPPED_MEK"};
                      Json out{{"key_type", names[static_cast<int>(w.key_type)]}, {"reserved", w.reserved}};
                      const Json fields = wrapped_json(w);
                      for (auto it = fields.begin(); it != fields.end(); ++it)
                        if (it.key() != "wrapped_key") out[it.key()] = it.value();
                      return out;
                    }));

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
