// OCP L.O.C.K. 0.9 KMB: one handler per mailbox command (§4.7.2.4 - §4.7.2.21).
// Included by kmb.hpp. Each handler is a pure function of (profile, state, decoded request);
// DRBG draws happen in the order the Appendix C sequence diagrams draw them.
#pragma once

namespace lockref::lock::kmb {

// §4.7.2.4 REPORT_HEK_METADATA (Tables 13-16; Figure 37 [031]-[037]).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const ReportHekMetadataReq& r) {
  if (r.seed_state > 4)
    return fail(s, p.malformed_code, "KMB-4.7.2.4-T14", "seed_state " + std::to_string(r.seed_state) + " is reserved (Table 14: 5h to FFFFh)");
  if (r.total_slots < epoch::min_slots || r.total_slots > epoch::max_slots || r.active_slot >= r.total_slots)
    return fail(s, p.malformed_code, "KMB-4.7.2.4-T13",
                "total_slots " + std::to_string(r.total_slots) + ", active_slot " + std::to_string(r.active_slot) +
                    ": §4.6.4.1 requires 4 <= n <= 16 slots and a zero-indexed active slot below n");
  State n = s;
  n.hek_metadata = epoch::HekMetadata{static_cast<epoch::SeedState>(r.seed_state), r.active_slot, r.total_slots};
  // Figure 37 [032]-[036]: the HEK stays in the Key Vault if the lifecycle is pre-production,
  // or in production the seed is randomized or the mode permanent; otherwise it is zeroized.
  if (!epoch::is_available(epoch::table53(s.fuses.lifecycle, n.hek_metadata->seed_state))) n.kv.hek.reset();
  ReportHekMetadataResp resp{};
  return done(std::move(n), resp, "KMB-4.7.2.4-ONCE", p);
}

// §4.7.2.5 GET_STATUS (Tables 17-18): the CTRL register of the SFR interface (Figure 38).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const GET_STATUS&, const ChecksumOnly&) {
  GetStatusResp resp{};
  resp.ctrl_register = engine::encode(s.engine.engine.ctrl);
  return done(s, resp, "KMB-4.7.2.5-1", p);
}

// §4.7.2.6 GET_ALGORITHMS (Tables 19-20); every field non-zero (Machine::validate).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const GET_ALGORITHMS&, const ChecksumOnly&) {
  GetAlgorithmsResp resp{};
  resp.endorsement_algorithms = p.endorsement_algorithms;
  resp.hpke_algorithms = p.hpke.hpke_algorithms;
  resp.access_key_sizes = p.hpke.access_key_sizes;
  return done(s, resp, "KMB-4.7.2.6-NONZERO", p);
}

// §4.7.2.7 CLEAR_KEY_CACHE (Tables 21-22): the engine's zeroize command (Figure 53).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const ClearKeyCacheReq& r) {
  auto h = done(s, ResponseHeader{}, "KMB-4.7.2.7-1", p);
  h.engine = engine::kmb::clear_key_cache(r.cmd_timeout);
  return h;
}

// §4.7.2.8 ENUMERATE_HPKE_HANDLES (Tables 23-25).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const ENUMERATE_HPKE_HANDLES&,
                                        const RequestHeader&) {
  EnumerateHpkeHandlesResp resp{};
  for (const auto& k : s.hpke) resp.hpke_handles.push_back(HpkeHandle{k.handle, k.hpke_algorithm});
  resp.hpke_handle_count = static_cast<u32>(resp.hpke_handles.size());
  return done(s, resp, "KMB-4.7.2.8-1", p);
}

// §4.7.2.9 ENDORSE_HPKE_PUB_KEY (Tables 26-27; §4.6.2.1.2, Figure 11).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const EndorseHpkePubKeyReq& r) {
  const Keypair* kp = keypair(s, r.hpke_handle);
  if (!kp) return fail(s, "LOCK_BAD_HANDLE", "KMB-4.7.2.9-1", "hpke_handle " + std::to_string(r.hpke_handle) + " is not an active handle");
  EndorseHpkePubKeyResp resp{};
  resp.pub_key = kp->pk;
  if (r.endorsement_algorithm != 0) {
    const auto a = r.endorsement_algorithm;
    if ((a & (a - 1)) != 0 || (a & p.endorsement_algorithms) == 0)
      return fail(s, "LOCK_BAD_ALGORITHM", "KMB-4.7.2.9-2",
                  "endorsement_algorithm " + hex32(a) + " is not a single bit reported in Table 20 endorsement_algorithms " +
                      hex32(p.endorsement_algorithms));
    auto cert = endorse::certificate(endorse::alias_key(p.seed), *kp, s.drbg.v);
    if (!cert) return fail(s, p.malformed_code, "KMB-4.7.2.9-2", cert.error().message);
    resp.endorsement = std::move(*cert);
  }
  resp.pub_key_len = static_cast<u32>(resp.pub_key.size());
  resp.endorsement_len = static_cast<u32>(resp.endorsement.size());
  return done(s, resp, r.endorsement_algorithm ? "KMB-4.7.2.9-2" : "KMB-4.7.2.9-1", p);
}

// §4.7.2.10 ROTATE_HPKE_KEY (Tables 28-29; Figure 42): a new keypair of the same algorithm
// under a new handle; the old handle is invalid from now on.
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const RotateHpkeKeyReq& r) {
  if (!keypair(s, r.hpke_handle))
    return fail(s, "LOCK_BAD_HANDLE", "KMB-4.7.2.10-1", "hpke_handle " + std::to_string(r.hpke_handle) + " is not an active handle");
  State n = s;
  auto it = std::find_if(n.hpke.begin(), n.hpke.end(), [&](const Keypair& k) { return k.handle == r.hpke_handle; });
  *it = make_keypair(n, it->hpke_algorithm);
  RotateHpkeKeyResp resp{};
  resp.hpke_handle = it->handle;
  return done(std::move(n), resp, "KMB-4.7.2.10-1", p);
}

// §4.7.2.11 GENERATE_MPK (Tables 30-31; §4.6.2.2.1, Figures 12, 44).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const GenerateMpkReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  auto ak = unwrap(p, s, r.sealed_access_key);
  if (auto* f = std::get_if<sealed::Failure>(&ak)) return fail(s, f->code, "KMB-4.6.2.2.1-1", f->detail);
  State n = s;
  // Figure 44 [042] MPK, [043] IV, [044] salt.
  auto mpk = draw(n, rev09::mpk_bytes);
  auto iv = draw(n, rev09::iv_bytes);
  auto salt = draw(n, rev09::salt_bytes);
  auto locked = rev09::lock_mpk(rev09::Profile{}, *n.kv.hek, r.sek, std::get<std::vector<Bytes>>(ak).front(), mpk, salt,
                                iv, r.metadata);
  if (!locked) return fail(s, p.malformed_code, "KMB-4.6.2.2.1-1", locked.error().message);
  GenerateMpkResp resp{};
  resp.encrypted_mpk = LockedMpk::from_key(*locked);
  return done(std::move(n), resp, "KMB-4.6.2.2.1-1", p);
}

// §4.7.2.12 REWRAP_MPK (Tables 32-33; §4.6.2.2.3, Figures 14, 46; errata E-KMB-REWRAP).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const RewrapMpkReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  auto aks = unwrap(p, s, r.sealed_access_key, {ByteView(r.new_ak_ciphertext)});
  if (auto* f = std::get_if<sealed::Failure>(&aks)) return fail(s, f->code, "KMB-4.6.2.2.3-1", f->detail);
  const Bytes& current = std::get<std::vector<Bytes>>(aks)[0];
  Bytes fresh = std::get<std::vector<Bytes>>(aks)[1];
  if (p.rewrap == RewrapReading::inner_decrypt) {
    auto inner = crypto::aes256_ecb_decrypt(current, fresh);
    if (!inner) return fail(s, "LOCK_ACCESS_KEY_UNWRAP", "KMB-4.7.2.12-1", inner.error().message);
    fresh = std::move(*inner);
  }
  const rev09::Profile kp;
  auto mpk = rev09::unlock_mpk(kp, *s.kv.hek, r.sek, current, r.current_locked_mpk.to_key());
  if (!mpk) return fail(s, "LOCK_MPK_DECRYPT", "KMB-4.6.2.2.3-1", "current_locked_mpk: " + mpk.error().message);
  State n = s;
  auto iv = draw(n, rev09::iv_bytes);  // Figure 46 [074] IV, [075] salt
  auto salt = draw(n, rev09::salt_bytes);
  auto locked = rev09::lock_mpk(kp, *n.kv.hek, r.sek, fresh, *mpk, salt, iv, r.current_locked_mpk.metadata);
  if (!locked) return fail(s, p.malformed_code, "KMB-4.6.2.2.3-1", locked.error().message);
  RewrapMpkResp resp{};
  resp.new_locked_mpk = LockedMpk::from_key(*locked);
  return done(std::move(n), resp, "KMB-4.6.2.2.3-1", p);
}

// §4.7.2.13 ENABLE_MPK (Tables 34-35; §4.6.2.2.2, Figures 13, 45).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const EnableMpkReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  State n = s;
  ensure_vek(n);  // Figure 45 [002]-[018]: before anything else
  auto ak = unwrap(p, n, r.sealed_access_key);
  if (auto* f = std::get_if<sealed::Failure>(&ak)) return fail(n, f->code, "KMB-4.6.2.2.2-1", f->detail);
  const rev09::Profile kp;
  auto mpk = rev09::unlock_mpk(kp, *n.kv.hek, r.sek, std::get<std::vector<Bytes>>(ak).front(), r.locked_mpk.to_key());
  if (!mpk) return fail(n, "LOCK_MPK_DECRYPT", "KMB-4.6.2.2.2-1", "locked_mpk: " + mpk.error().message);
  auto iv = draw(n, rev09::iv_bytes);  // Figure 45 [071] IV, [072] salt
  auto salt = draw(n, rev09::salt_bytes);
  auto enabled = rev09::wrap_key(kp, WrappedKeyType::enabled_mpk, *n.kv.vek, to_bytes(kp.enabled_mpk_aes_label), salt, iv,
                                 r.locked_mpk.metadata, *mpk);
  if (!enabled) return fail(s, p.malformed_code, "KMB-4.6.2.2.2-1", enabled.error().message);
  EnableMpkResp resp{};
  resp.enabled_mpk = EnabledMpk::from_key(*enabled);
  return done(std::move(n), resp, "KMB-4.6.2.2.2-1", p);
}

// §4.7.2.14 INITIALIZE_MEK_SECRET (Tables 36-37; Figure 43: the MPK secret is zeroized, i.e.
// set to Figure 20's "Initial MPK secret (0x0000...)").
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const INITIALIZE_MEK_SECRET&,
                                        const RequestHeader&) {
  State n = s;
  n.kv.mpk_secret = Bytes(rev09::Profile{}.initial_mpk_secret_bytes, 0x00);
  return done(std::move(n), ResponseHeader{}, "KMB-4.7.2.14-1", p);
}

// §4.7.2.15 MIX_MPK (Tables 38-39; Figures 20, 47).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const MixMpkReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  if (!s.kv.mpk_secret)
    return fail(s, "LOCK_MEK_NOT_INITIALIZED", "KMB-4.7.2.15-1", "MIX_MPK before INITIALIZE_MEK_SECRET");
  State n = s;
  ensure_vek(n);
  const rev09::Profile kp;
  auto mpk = rev09::unwrap_key(kp, r.enabled_mpk.to_key(), WrappedKeyType::enabled_mpk, *n.kv.vek,
                               to_bytes(kp.enabled_mpk_aes_label));
  if (!mpk) return fail(n, "LOCK_MPK_DECRYPT", "KMB-4.7.2.15-2", "enabled_mpk: " + mpk.error().message);
  n.kv.mpk_secret = rev09::preconditioned_key_extract(kp, *n.kv.mpk_secret, *mpk, to_bytes(kp.mpk_secret_label)).value();
  return done(std::move(n), ResponseHeader{}, "KMB-4.7.2.15-2", p);
}

// §4.7.2.16 TEST_ACCESS_KEY (Tables 40-41; §4.6.2.2.4, Figures 15, 48).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const TestAccessKeyReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  auto ak = unwrap(p, s, r.sealed_access_key);
  if (auto* f = std::get_if<sealed::Failure>(&ak)) return fail(s, f->code, "KMB-4.6.2.2.4-1", f->detail);
  const Bytes& key = std::get<std::vector<Bytes>>(ak).front();
  auto mpk = rev09::unlock_mpk(rev09::Profile{}, *s.kv.hek, r.sek, key, r.locked_mpk.to_key());
  if (!mpk) return fail(s, "LOCK_MPK_DECRYPT", "KMB-4.6.2.2.4-1", "locked_mpk: " + mpk.error().message);
  TestAccessKeyResp resp{};
  const auto d = rev09::test_access_key_digest(r.locked_mpk.metadata, key, r.nonce);
  std::copy(d.begin(), d.end(), resp.digest.begin());
  return done(s, resp, "KMB-4.6.2.2.4-1", p);
}

// §4.7.2.17 GENERATE_MEK (Tables 42-43; Figures 20, 22, 49).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const GenerateMekReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  if (!s.kv.mpk_secret)
    return fail(s, "LOCK_MEK_NOT_INITIALIZED", "KMB-4.7.2.17-1", "GENERATE_MEK before INITIALIZE_MEK_SECRET");
  State n = s;
  const Bytes secret = mek_secret(n, r.sek, r.dpk);
  consume_mpk_secret(p, n, true);
  // Figure 49 [054] MEK, [060] IV, [061] salt. The random MEK is in firmware memory only
  // until it is encrypted (Table 2 "Random MEKs (upon initial generation)").
  auto mek = draw(n, rev09::mek_bytes);
  auto iv = draw(n, rev09::iv_bytes);
  auto salt = draw(n, rev09::salt_bytes);
  auto w = rev09::wrap_mek(rev09::Profile{}, *n.kv.mdk, secret, mek, salt, iv, {});
  if (!w) return fail(s, p.malformed_code, "KMB-4.7.2.17-1", w.error().message);
  GenerateMekResp resp{};
  resp.wrapped_mek = WrappedMek::from_key(*w);
  return done(std::move(n), resp, "KMB-4.7.2.17-1", p);
}

// §4.7.2.18 LOAD_MEK (Tables 44-45; Figures 23, 50).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const LoadMekReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  if (!s.kv.mpk_secret)
    return fail(s, "LOCK_MEK_NOT_INITIALIZED", "KMB-4.7.2.18-1", "LOAD_MEK before INITIALIZE_MEK_SECRET");
  State n = s;
  const Bytes secret = mek_secret(n, r.sek, r.dpk);
  auto mek = rev09::unwrap_mek(rev09::Profile{}, *n.kv.mdk, secret, r.wrapped_mek.to_key());
  consume_mpk_secret(p, n, mek.ok());
  if (!mek) return fail(n, "LOCK_MEK_DECRYPT", "KMB-4.7.2.18-1", "wrapped_mek: " + mek.error().message);
  n.kv.mek = *mek;  // Key Vault slot 23 until the engine has it (Figure 50 [069])
  auto h = done(std::move(n), ResponseHeader{}, "KMB-4.7.2.18-1", p);
  engine::Mek k{};
  std::copy(mek->begin(), mek->end(), k.begin());
  h.engine = engine::kmb::load_mek(r.metadata, r.aux_metadata, k, r.cmd_timeout);
  return h;
}

// §4.7.2.19 DERIVE_MEK (Tables 46-47; Figures 25, 51).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const DeriveMekReq& r) {
  if (auto e = need_hek(s)) return fail(s, "LOCK_HEK_NOT_AVAILABLE", "KMB-4.7.2.21-HEK-OPS", *e);
  if (!s.kv.mpk_secret)
    return fail(s, "LOCK_MEK_NOT_INITIALIZED", "KMB-4.7.2.19-1", "DERIVE_MEK before INITIALIZE_MEK_SECRET");
  State n = s;
  const Bytes secret = mek_secret(n, r.sek, r.dpk);
  auto d = rev09::derive_mek_from_secret(rev09::Profile{}, secret, r.mek_checksum);
  consume_mpk_secret(p, n, d.ok());
  if (!d) return fail(n, p.derive_checksum_code, "KMB-4.6.5.3-1", d.error().message);
  n.kv.mek = d->mek;
  DeriveMekResp resp{};
  std::copy(d->checksum.begin(), d->checksum.end(), resp.mek_checksum.begin());
  auto h = done(std::move(n), resp, "KMB-4.6.5.3-1", p);
  engine::Mek k{};
  std::copy(d->mek.begin(), d->mek.end(), k.begin());
  h.engine = engine::kmb::load_mek(r.metadata, r.aux_metadata, k, r.cmd_timeout);
  return h;
}

// §4.7.2.20 UNLOAD_MEK (Tables 48-49; Figure 52).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const UnloadMekReq& r) {
  auto h = done(s, ResponseHeader{}, "KMB-4.7.2.20-1", p);
  h.engine = engine::kmb::unload_mek(r.metadata, r.cmd_timeout);
  return h;
}

// §4.7.2.21 REPORT_EPOCH_KEY_STATE (Tables 50-53, §4.7.2.21.1; Appendix B is empty in 0.9:
// the model returns eat_len 0 and no EAT, errata E-KMB-EAT-EMPTY).
inline Machine::Handled Machine::handle(const Profile& p, const State& s, const ReportEpochKeyStateReq& r) {
  if (r.sek_state > 1)
    return fail(s, p.malformed_code, "KMB-4.7.2.21-T52", "sek_state " + std::to_string(r.sek_state) + " is reserved (Table 52: 2h to FFFFh)");
  ReportEpochKeyStateResp resp{};
  resp.hek_state = static_cast<u16>(hek_state(p, s));
  if (s.hek_metadata) {
    const int left = epoch::erasures_remaining_signed(*s.hek_metadata);
    resp.hek_erasures_remaining = static_cast<u16>(left < 0 ? 0 : left);
  }
  resp.sek_state = r.sek_state;
  resp.nonce = r.nonce;
  resp.eat_len = 0;
  return done(s, resp, "KMB-4.7.2.21-1", p);
}

}  // namespace lockref::lock::kmb
