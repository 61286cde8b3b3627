// OCP L.O.C.K. 0.9 WrappedKey (§4.7.2.22.2, Tables 55-56): codec and the AES-GCM AAD.
// Multi-byte fields are little-endian (§4.7.2.1 note).
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::lock {

/// Table 55 key_type.
enum class WrappedKeyType : std::uint16_t { reserved = 0, locked_mpk = 1, enabled_mpk = 2, wrapped_mek = 3 };

inline Result<WrappedKeyType> wrapped_key_type(std::uint64_t v) {
  if (v >= 1 && v <= 3) return static_cast<WrappedKeyType>(v);
  return make_error("key_type " + std::to_string(v) + " is reserved (Table 55: 1h..3h defined)");
}
inline Result<WrappedKeyType> wrapped_key_type(std::string_view s) {
  if (s == "LOCKED_MPK") return WrappedKeyType::locked_mpk;
  if (s == "ENABLED_MPK") return WrappedKeyType::enabled_mpk;
  if (s == "WRAPPED_MEK") return WrappedKeyType::wrapped_mek;
  return make_error("key_type \"" + std::string(s) + "\": expected LOCKED_MPK, ENABLED_MPK or WRAPPED_MEK");
}

/// Table 56: key_len of each variant.
constexpr std::uint32_t variant_key_len(WrappedKeyType t) {
  return t == WrappedKeyType::wrapped_mek ? 64 : 32;
}

struct WrappedKey {
  WrappedKeyType key_type = WrappedKeyType::locked_mpk;
  std::uint16_t reserved = 0;
  std::array<std::uint8_t, 12> salt{};
  std::array<std::uint8_t, 12> iv{};
  Bytes metadata;
  Bytes ciphertext;  // key ciphertext (key_len bytes)
  std::array<std::uint8_t, 16> tag{};
  friend bool operator==(const WrappedKey&, const WrappedKey&) = default;
};

/// §4.7.2.22.2: AAD = key_type || salt || metadata_len || metadata (u16 LE, u8[12], u32 LE).
inline Bytes wrapped_key_aad(WrappedKeyType type, ByteView salt, ByteView metadata) {
  Bytes aad;
  // Sized once up front: appending to an empty vector made GCC 12 at -O3 report a false
  // -Warray-bounds in the reallocation path (GCC PR 107852).
  aad.reserve(2 + salt.size() + 4 + metadata.size());
  put_le(aad, static_cast<std::uint16_t>(type), 2);
  aad.insert(aad.end(), salt.begin(), salt.end());
  put_le(aad, metadata.size(), 4);
  aad.insert(aad.end(), metadata.begin(), metadata.end());
  return aad;
}

/// Table 55 wire layout: key_type u16, reserved u16, salt u8[12], metadata_len u32,
/// key_len u32, iv u8[12], metadata, ciphertext u8[key_len+16] (tag last).
inline Bytes encode(const WrappedKey& w) {
  Bytes out;
  put_le(out, static_cast<std::uint16_t>(w.key_type), 2);
  put_le(out, w.reserved, 2);
  out.insert(out.end(), w.salt.begin(), w.salt.end());
  put_le(out, w.metadata.size(), 4);
  put_le(out, w.ciphertext.size(), 4);
  out.insert(out.end(), w.iv.begin(), w.iv.end());
  out.insert(out.end(), w.metadata.begin(), w.metadata.end());
  out.insert(out.end(), w.ciphertext.begin(), w.ciphertext.end());
  out.insert(out.end(), w.tag.begin(), w.tag.end());
  return out;
}

/// Decodes one WrappedKey; rejects reserved key types, a key_len that does not match the
/// Table 56 variant, truncation and trailing bytes. max_metadata bounds metadata_len
/// (0.9 gives no bound: model choice, default 1024).
inline Result<WrappedKey> decode_wrapped_key(ByteView bytes, std::size_t max_metadata = 1024) {
  Reader r(bytes, "WrappedKey");
  WrappedKey w;
  auto kt = r.le(2);
  if (!kt) return kt.error();
  auto t = wrapped_key_type(*kt);
  if (!t) return make_error("WrappedKey: offset 0: " + t.error().message);
  w.key_type = *t;
  auto res = r.le(2);
  if (!res) return res.error();
  w.reserved = static_cast<std::uint16_t>(*res);
  auto salt = r.take(12);
  if (!salt) return salt.error();
  std::copy(salt->begin(), salt->end(), w.salt.begin());
  auto mlen = r.le(4);
  if (!mlen) return mlen.error();
  if (*mlen > max_metadata)
    return make_error("WrappedKey: offset 16: metadata_len " + std::to_string(*mlen) + " exceeds " +
                      std::to_string(max_metadata));
  const std::size_t klen_off = r.offset();
  auto klen = r.le(4);
  if (!klen) return klen.error();
  if (*klen != variant_key_len(w.key_type))
    return make_error("WrappedKey: offset " + std::to_string(klen_off) + ": key_len " + std::to_string(*klen) +
                      " but Table 56 requires " + std::to_string(variant_key_len(w.key_type)) + " for this key_type");
  auto iv = r.take(12);
  if (!iv) return iv.error();
  std::copy(iv->begin(), iv->end(), w.iv.begin());
  auto md = r.take(static_cast<std::size_t>(*mlen));
  if (!md) return md.error();
  w.metadata.assign(md->begin(), md->end());
  auto ct = r.take(static_cast<std::size_t>(*klen));
  if (!ct) return ct.error();
  w.ciphertext.assign(ct->begin(), ct->end());
  auto tag = r.take(16);
  if (!tag) return tag.error();
  std::copy(tag->begin(), tag->end(), w.tag.begin());
  if (!r.empty())
    return make_error("WrappedKey: " + std::to_string(r.remaining()) + " trailing byte(s) at offset " +
                      std::to_string(r.offset()));
  return w;
}

}  // namespace lockref::lock
