// lockref eval ops for HPKE (RFC 9180 base mode with the 0.9 Table 3 suites) and the
// OCP L.O.C.K. 0.9 SealedAccessKey (Table 54).
//
//   hpke.keygen {suite, ikm}                                           -> {sk, pk}
//   hpke.seal   {suite, pkR, info, aad, pt, ikmE|randomness, seq?}     -> {enc, ct}
//   hpke.open   {suite, skR, enc, info, aad, ct, seq?}                 -> {pt}   (ok:false on any failure)
//   lock.sealed_access_key.decode {bytes, profile?}                    -> Table 54 fields | {status, detail}
//   lock.sealed_access_key.seal   {handle, hpke_algorithm, pkR, info, access_keys, randomness, profile?}
//   lock.sealed_access_key.unseal {bytes, handle, hpke_algorithm, sk, new_ak_ciphertext?, profile?}
//   lock.mek_mpa_info {method_uid, access_condition_uid, profile?}     -> {info}   (Table 58)
// `suite` is {"kem_id":17,"kdf_id":2,"aead_id":2} (IANA numbers).
#include <optional>

#include "lockref/crypto/hpke.hpp"
#include "lockref/lock/sealed_access_key.hpp"
#include "registry.hpp"

BOOST_HANA_ADAPT_STRUCT(lockref::crypto::hpke::Suite, kem_id, kdf_id, aead_id);

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {

struct KeygenRequest {
  std::string op;
  crypto::hpke::Suite suite;
  Bytes ikm;
};
struct SealRequest {
  std::string op;
  crypto::hpke::Suite suite;
  Bytes pkR, info, aad, pt;
  std::optional<Bytes> ikmE, randomness;
  std::optional<std::uint64_t> seq;
};
struct OpenRequest {
  std::string op;
  crypto::hpke::Suite suite;
  Bytes skR, enc, info, aad, ct;
  std::optional<std::uint64_t> seq;
};
struct SakDecodeRequest {
  std::string op;
  Bytes bytes;
  std::optional<lock::sealed::Profile> profile;
};
struct SakSealRequest {
  std::string op;
  std::uint32_t handle = 0;
  std::uint32_t hpke_algorithm = 0;
  Bytes pkR, info;
  std::vector<Bytes> access_keys;
  Bytes randomness;
  std::optional<lock::sealed::Profile> profile;
};
struct SakUnsealRequest {
  std::string op;
  Bytes bytes;
  std::uint32_t handle = 0;
  std::uint32_t hpke_algorithm = 0;
  Bytes sk;
  std::optional<Bytes> new_ak_ciphertext;
  std::optional<lock::sealed::Profile> profile;
};
struct InfoRequest {
  std::string op;
  Bytes method_uid, access_condition_uid;
  std::optional<lock::sealed::Profile> profile;
};

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli

BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::KeygenRequest, op, suite, ikm);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::SealRequest, op, suite, pkR, info, aad, pt, ikmE, randomness, seq);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::OpenRequest, op, suite, skR, enc, info, aad, ct, seq);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::SakDecodeRequest, op, bytes, profile);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::SakSealRequest, op, handle, hpke_algorithm, pkR, info, access_keys, randomness,
                        profile);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::SakUnsealRequest, op, bytes, handle, hpke_algorithm, sk, new_ak_ciphertext,
                        profile);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::LOCKREF_UNITY_ID::InfoRequest, op, method_uid, access_condition_uid, profile);

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
namespace hpke = crypto::hpke;
namespace sealed = lock::sealed;

/// Strict request parsing: every listed field must be present (absent members would
/// otherwise silently take their defaults).
template <class T>
Result<T> parse(const Json& j, std::initializer_list<const char*> required) {
  for (const char* k : required)
    if (!j.contains(k)) return make_error(std::string("missing field \"") + k + "\"");
  return from_json<T>(j);
}

Result<Json> keygen_op(const Json& j) {
  auto r = parse<KeygenRequest>(j, {"suite", "ikm"});
  if (!r) return r.error();
  if (auto s = hpke::check_suite(r->suite); !s) return s.error();
  auto kp = hpke::derive_key_pair(r->suite.kem_id, r->ikm);
  if (!kp) return kp.error();
  return Json{{"sk", to_hex(kp->sk)}, {"pk", to_hex(kp->pk)}};
}

Result<Json> seal_op(const Json& j) {
  auto r = parse<SealRequest>(j, {"suite", "pkR", "info", "aad", "pt"});
  if (!r) return r.error();
  if (r->ikmE.has_value() == r->randomness.has_value())
    return make_error("give exactly one of \"ikmE\" (DHKEM DeriveKeyPair input) or \"randomness\" (the KEM's encapsulation randomness)");
  const Bytes& rnd = r->ikmE ? *r->ikmE : *r->randomness;
  auto snd = hpke::setup_base_s(r->suite, r->pkR, r->info, rnd);
  if (!snd) return snd.error();
  auto ctx = snd.value().ctx;
  ctx.seq = r->seq.value_or(0);
  auto ct = ctx.seal(r->aad, r->pt);
  if (!ct) return ct.error();
  return Json{{"enc", to_hex(snd->enc)}, {"ct", to_hex(*ct)}};
}

Result<Json> open_op(const Json& j) {
  auto r = parse<OpenRequest>(j, {"suite", "skR", "enc", "info", "aad", "ct"});
  if (!r) return r.error();
  auto ctx = hpke::setup_base_r(r->suite, r->enc, r->skR, r->info);
  if (!ctx) return ctx.error();
  auto c = ctx.value();
  c.seq = r->seq.value_or(0);
  auto pt = c.open(r->aad, r->ct);
  if (!pt) return pt.error();
  return Json{{"pt", to_hex(*pt)}};
}

Json failure_json(const sealed::Failure& f) { return Json{{"status", f.code}, {"detail", f.detail}}; }

Result<Json> sak_decode_op(const Json& j) {
  auto r = parse<SakDecodeRequest>(j, {"bytes"});
  if (!r) return r.error();
  auto d = sealed::decode(r->profile.value_or(sealed::Profile{}), r->bytes);
  if (auto* f = std::get_if<sealed::Failure>(&d)) return failure_json(*f);
  Json out{{"status", "ok"}};
  const Json fields = to_json(std::get<sealed::SealedAccessKey>(d));
  for (auto& [k, v] : fields.items()) out[k] = v;
  return out;
}

Result<Json> sak_seal_op(const Json& j) {
  auto r = parse<SakSealRequest>(j, {"handle", "hpke_algorithm", "pkR", "info", "access_keys", "randomness"});
  if (!r) return r.error();
  auto s = sealed::seal(r->profile.value_or(sealed::Profile{}), r->handle, r->hpke_algorithm, r->pkR, r->info,
                        r->access_keys, r->randomness);
  if (auto* f = std::get_if<sealed::Failure>(&s)) return failure_json(*f);
  const auto& v = std::get<sealed::Sealed>(s);
  Json extra = Json::array();
  for (const auto& c : v.extra_ciphertexts) extra.push_back(to_hex(c));
  return Json{{"status", "ok"}, {"bytes", to_hex(sealed::encode(v.sealed))}, {"new_ak_ciphertexts", extra}};
}

Result<Json> sak_unseal_op(const Json& j) {
  auto r = parse<SakUnsealRequest>(j, {"bytes", "handle", "hpke_algorithm", "sk"});
  if (!r) return r.error();
  const auto p = r->profile.value_or(sealed::Profile{});
  auto d = sealed::decode(p, r->bytes);
  if (auto* f = std::get_if<sealed::Failure>(&d)) return failure_json(*f);
  std::vector<ByteView> extra;
  if (r->new_ak_ciphertext) extra.emplace_back(*r->new_ak_ciphertext);
  auto u = sealed::unseal_all(p, std::get<sealed::SealedAccessKey>(d), {r->handle, r->hpke_algorithm, r->sk}, extra);
  if (auto* f = std::get_if<sealed::Failure>(&u)) return failure_json(*f);
  Json keys = Json::array();
  for (const auto& k : std::get<std::vector<Bytes>>(u)) keys.push_back(to_hex(k));
  return Json{{"status", "ok"}, {"access_keys", keys}};
}

Result<Json> info_op(const Json& j) {
  auto r = parse<InfoRequest>(j, {"method_uid", "access_condition_uid"});
  if (!r) return r.error();
  auto info = sealed::mek_mpa_info(r->profile.value_or(sealed::Profile{}), r->method_uid, r->access_condition_uid);
  if (!info) return info.error();
  return Json{{"info", to_hex(*info)}};
}

LOCKREF_REGISTER(EvalOp{"hpke.keygen", "RFC 9180 DeriveKeyPair {suite, ikm} -> {sk, pk}", keygen_op});
LOCKREF_REGISTER(EvalOp{"hpke.seal",
                        "RFC 9180 SetupBaseS + Seal {suite, pkR, info, aad, pt, ikmE|randomness, seq?} -> {enc, ct}",
                        seal_op});
LOCKREF_REGISTER(EvalOp{"hpke.open", "RFC 9180 SetupBaseR + Open {suite, skR, enc, info, aad, ct, seq?} -> {pt}",
                        open_op});
LOCKREF_REGISTER(EvalOp{"lock.sealed_access_key.decode",
                        "0.9 Table 54 SealedAccessKey decode {bytes, profile?} -> fields or {status: LOCK_*, detail}",
                        sak_decode_op});
LOCKREF_REGISTER(EvalOp{"lock.sealed_access_key.seal",
                        "host side: seal access keys {handle, hpke_algorithm, pkR, info, access_keys[], randomness, "
                        "profile?} -> {bytes, new_ak_ciphertexts}",
                        sak_seal_op});
LOCKREF_REGISTER(EvalOp{"lock.sealed_access_key.unseal",
                        "KMB side: unwrap {bytes, handle, hpke_algorithm, sk, new_ak_ciphertext?, profile?} -> "
                        "{status, access_keys} (Table 57 code on failure)",
                        sak_unseal_op});
LOCKREF_REGISTER(EvalOp{"lock.mek_mpa_info",
                        "0.9 Table 58 info {method_uid, access_condition_uid, profile?} -> {info}", info_op});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
