// The other side of the KMB mailbox: building requests as drive firmware (and a remote key
// management service sealing access keys) would. Used by tests, vectors, candidate events,
// properties and benchmarks; nothing here is part of KMB.
#pragma once
#include <string>
#include <vector>

#include "lockref/lock/kmb/kmb.hpp"

namespace lockref::lock::kmb::host {

/// Encodes a request table of Cmd and sets its checksum.
template <class Cmd>
Mailbox request(typename Cmd::Request r) {
  Bytes b = wire::encode(r);
  seal_checksum(Cmd::code, b);
  return Mailbox{Cmd::code, std::move(b)};
}
/// Requests without fields beyond chksum/reserved.
template <class Cmd>
Mailbox simple() {
  return request<Cmd>(typename Cmd::Request{});
}

/// A key-management service seals access keys to the KMB public key of `kp` (one HPKE
/// context; the second key, if any, is REWRAP_MPK's new_ak_ciphertext at sequence 1).
/// `randomness`: the KEM's encapsulation randomness (crypto/hpke.hpp).
struct SealedKeys {
  SealedAccessKey sealed;
  Bytes second;  // new_ak_ciphertext, when two keys were sealed
};
inline Result<SealedKeys> seal(const Profile& p, const Keypair& kp, ByteView info, const std::vector<Bytes>& keys,
                               ByteView randomness) {
  auto s = sealed::seal(p.hpke, kp.handle, kp.hpke_algorithm, kp.pk, info, keys, randomness);
  if (auto* f = std::get_if<sealed::Failure>(&s)) return make_error(f->code + ": " + f->detail);
  const auto& x = std::get<sealed::Sealed>(s);
  SealedKeys out;
  out.sealed = SealedAccessKey{x.sealed.hpke_handle, x.sealed.hpke_algorithm, x.sealed.access_key_len,
                               static_cast<u32>(x.sealed.info.size()), x.sealed.info, x.sealed.kem_ciphertext,
                               x.sealed.ak_ciphertext};
  if (!x.extra_ciphertexts.empty()) out.second = x.extra_ciphertexts.front();
  return out;
}
/// Encapsulation randomness of the right size for an algorithm, from a counter.
inline Bytes randomness_for(std::uint32_t alg, std::uint64_t n) {
  Bytes m = to_bytes("lockref-host-encap");
  put_le(m, n, 8);
  Bytes r = crypto::sha512(m);
  r.resize(alg == 1 ? 48 : alg == 2 ? 32 : 80);
  return r;
}

template <std::size_t N>
std::array<std::uint8_t, N> filled(std::uint8_t start) {
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<std::uint8_t>(start + i);
  return a;
}

inline Mailbox report_hek_metadata(const epoch::HekMetadata& m) {
  ReportHekMetadataReq r{};
  r.total_slots = m.total_slots;
  r.active_slot = m.active_slot;
  r.seed_state = static_cast<u16>(m.seed_state);
  return request<REPORT_HEK_METADATA>(r);
}
inline Mailbox clear_key_cache(u32 timeout) { return request<CLEAR_KEY_CACHE>(ClearKeyCacheReq{0, 0, timeout}); }
inline Mailbox endorse_pub_key(u32 handle, u32 alg) { return request<ENDORSE_HPKE_PUB_KEY>(EndorseHpkePubKeyReq{0, 0, handle, alg}); }
inline Mailbox rotate(u32 handle) { return request<ROTATE_HPKE_KEY>(RotateHpkeKeyReq{0, 0, handle}); }
inline Mailbox generate_mpk(const U8<32>& sek, const Bytes& metadata, const SealedAccessKey& s) {
  return request<GENERATE_MPK>(GenerateMpkReq{0, 0, sek, static_cast<u32>(metadata.size()), metadata, s});
}
inline Mailbox rewrap_mpk(const U8<32>& sek, const LockedMpk& cur, const SealedAccessKey& s, const Bytes& new_ct) {
  return request<REWRAP_MPK>(RewrapMpkReq{0, 0, sek, cur, s, new_ct});
}
inline Mailbox enable_mpk(const U8<32>& sek, const SealedAccessKey& s, const LockedMpk& locked) {
  return request<ENABLE_MPK>(EnableMpkReq{0, 0, sek, s, locked});
}
inline Mailbox mix_mpk(const EnabledMpk& e) { return request<MIX_MPK>(MixMpkReq{0, 0, e}); }
inline Mailbox test_access_key(const U8<32>& sek, const U8<32>& nonce, const LockedMpk& locked, const SealedAccessKey& s) {
  return request<TEST_ACCESS_KEY>(TestAccessKeyReq{0, 0, sek, nonce, locked, s});
}
inline Mailbox generate_mek(const U8<32>& sek, const U8<32>& dpk) {
  return request<GENERATE_MEK>(GenerateMekReq{0, 0, sek, dpk});
}
inline Mailbox load_mek(const U8<32>& sek, const U8<32>& dpk, const U8<20>& metadata, const U8<32>& aux,
                        const WrappedMek& w, u32 timeout) {
  return request<LOAD_MEK>(LoadMekReq{0, 0, sek, dpk, metadata, aux, w, timeout});
}
inline Mailbox derive_mek(const U8<32>& sek, const U8<32>& dpk, const U8<16>& checksum, const U8<20>& metadata,
                          const U8<32>& aux, u32 timeout) {
  return request<DERIVE_MEK>(DeriveMekReq{0, 0, sek, dpk, checksum, metadata, aux, timeout});
}
inline Mailbox unload_mek(const U8<20>& metadata, u32 timeout) {
  return request<UNLOAD_MEK>(UnloadMekReq{0, 0, metadata, timeout});
}
inline Mailbox report_epoch_key_state(u16 sek_state, const U8<16>& nonce) {
  return request<REPORT_EPOCH_KEY_STATE>(ReportEpochKeyStateReq{0, 0, sek_state, 0, nonce});
}

/// Decodes a successful response of Cmd (tests and harnesses).
template <class Cmd>
wire::Decoded<typename Cmd::Response> response(const Output& o) {
  return wire::decode<typename Cmd::Response>(o.response);
}

}  // namespace lockref::lock::kmb::host
