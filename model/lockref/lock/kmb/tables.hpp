// OCP L.O.C.K. 0.9 KMB mailbox: one declaration per table (§4.7.2, Tables 12-57).
//
// Each struct is one table of seed 001, its members in the table's order with the table's
// types (u16/u32 little-endian, §4.7.2.1 note; u8[N] as std::array; variable fields as
// Bytes or vectors whose count the table names). core/wire.hpp encodes, decodes and
// pretty-prints all of them; core/json.hpp turns them into JSON. No command has its own
// encoder or decoder.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "lockref/core/wire.hpp"
#include "lockref/lock/wrapped_key.hpp"

namespace lockref::lock::kmb {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
template <std::size_t N>
using U8 = std::array<u8, N>;
using U32x4 = std::array<u32, 4>;

/// Table 54 Nenc of the KEM a Table 20 hpke_algorithm bit names, or an issue: the
/// decoder cannot find the next field without it (LOCK_BAD_ALGORITHM).
inline wire::Checked<std::size_t> nenc_of(u32 hpke_algorithm) {
  switch (hpke_algorithm) {
    case 1u << 0: return std::size_t{97};    // 0x0011 DHKEM(P-384): RFC 9180 §7.1 Nenc 97
    case 1u << 1: return std::size_t{1568};  // 0x0042 ML-KEM-1024 ciphertext
    case 1u << 2: return std::size_t{1665};  // 0x0a25 hybrid: 1568 + 97 (Figure 9)
    default: break;
  }
  return wire::Issue{"LOCK_BAD_ALGORITHM", "hpke_algorithm 0x" + to_hex(Bytes{u8(hpke_algorithm >> 24), u8(hpke_algorithm >> 16),
                                                                              u8(hpke_algorithm >> 8), u8(hpke_algorithm)}) +
                                               " is not a single Table 20 bit (bits 0..2)"};
}
inline constexpr std::size_t Nt = 16;  // AES-256-GCM tag, the only AEAD of Table 20

// ---- common types (§4.7.2.22) -----------------------------------------------------------

/// Table 54: SealedAccessKey. kem_ciphertext is u8[Nenc], ak_ciphertext u8[access_key_len+Nt].
struct SealedAccessKey {
  BOOST_HANA_DEFINE_STRUCT(SealedAccessKey, (u32, hpke_handle), (u32, hpke_algorithm), (u32, access_key_len),
                           (u32, info_len), (Bytes, info), (Bytes, kem_ciphertext), (Bytes, ak_ciphertext));
  friend bool operator==(const SealedAccessKey&, const SealedAccessKey&) = default;
  static wire::Checked<std::size_t> wire_count(std::string_view f, const SealedAccessKey& s) {
    if (f == "info") return std::size_t{s.info_len};
    if (f == "kem_ciphertext") return nenc_of(s.hpke_algorithm);
    return std::size_t{s.access_key_len} + Nt;  // ak_ciphertext
  }
  static std::optional<wire::Issue> wire_check(std::string_view f, const SealedAccessKey& s) {
    if (f == "hpke_algorithm")
      if (auto n = nenc_of(s.hpke_algorithm); std::holds_alternative<wire::Issue>(n)) return std::get<wire::Issue>(n);
    // Table 54: "Must be the scalar value associated with a bit value indicated as supported
    // in Table 20" — the only access_key_sizes bit is 256 bits.
    if (f == "access_key_len" && s.access_key_len != 32)
      return wire::Issue{"LOCK_BAD_ALGORITHM", "access_key_len " + std::to_string(s.access_key_len) +
                                                   " is not a Table 20 access key size (32)"};
    return std::nullopt;
  }
};

/// Table 55 WrappedKey as it is on the wire (ciphertext u8[key_len+16]: tag included), and
/// its Table 56 variants: LockedMpk (LOCKED_MPK, 32), EnabledMpk (ENABLED_MPK, 32),
/// WrappedMek (WRAPPED_MEK, 64). A wrong key_type or key_len is refused with the
/// decryption code of the object (Table 57 "Error during MPK/MEK decryption").
template <WrappedKeyType Type>
struct WrappedKeyT {
  BOOST_HANA_DEFINE_STRUCT(WrappedKeyT, (u16, key_type), (u16, reserved), (U8<12>, salt), (u32, metadata_len),
                           (u32, key_len), (U8<12>, iv), (Bytes, metadata), (Bytes, ciphertext));
  friend bool operator==(const WrappedKeyT&, const WrappedKeyT&) = default;
  static constexpr WrappedKeyType type = Type;
  static constexpr std::string_view decrypt_code =
      Type == WrappedKeyType::wrapped_mek ? "LOCK_MEK_DECRYPT" : "LOCK_MPK_DECRYPT";
  static wire::Checked<std::size_t> wire_count(std::string_view f, const WrappedKeyT& w) {
    if (f == "metadata") return std::size_t{w.metadata_len};
    return std::size_t{w.key_len} + 16;
  }
  static std::optional<wire::Issue> wire_check(std::string_view f, const WrappedKeyT& w) {
    if (f == "key_type" && w.key_type != static_cast<u16>(Type))
      return wire::Issue{std::string(decrypt_code), "key_type " + std::to_string(w.key_type) + " where Table 56 requires " +
                                                        std::to_string(static_cast<u16>(Type))};
    if (f == "key_len" && w.key_len != variant_key_len(Type))
      return wire::Issue{std::string(decrypt_code), "key_len " + std::to_string(w.key_len) + " where Table 56 requires " +
                                                        std::to_string(variant_key_len(Type))};
    return std::nullopt;
  }
  /// To and from the key-hierarchy value (lock/wrapped_key.hpp, tag separate).
  lock::WrappedKey to_key() const {
    lock::WrappedKey k;
    k.key_type = Type;
    k.reserved = reserved;
    k.salt = salt;
    k.iv = iv;
    k.metadata = metadata;
    k.ciphertext.assign(ciphertext.begin(), ciphertext.end() - 16);
    std::copy(ciphertext.end() - 16, ciphertext.end(), k.tag.begin());
    return k;
  }
  static WrappedKeyT from_key(const lock::WrappedKey& k) {
    WrappedKeyT w;
    w.key_type = static_cast<u16>(k.key_type);
    w.reserved = k.reserved;
    w.salt = k.salt;
    w.metadata_len = static_cast<u32>(k.metadata.size());
    w.key_len = static_cast<u32>(k.ciphertext.size());
    w.iv = k.iv;
    w.metadata = k.metadata;
    w.ciphertext = concat({k.ciphertext, k.tag});
    return w;
  }
};
using LockedMpk = WrappedKeyT<WrappedKeyType::locked_mpk>;
using EnabledMpk = WrappedKeyT<WrappedKeyType::enabled_mpk>;
using WrappedMek = WrappedKeyT<WrappedKeyType::wrapped_mek>;

/// Table 25.
struct HpkeHandle {
  BOOST_HANA_DEFINE_STRUCT(HpkeHandle, (u32, handle), (u32, hpke_algorithm));
  friend bool operator==(const HpkeHandle&, const HpkeHandle&) = default;
};

// ---- the commands (§4.7.2.4 - §4.7.2.21) --------------------------------------------------
// Every request starts with chksum; every response with chksum and fips_status (§4.7.2.1).

/// A response that carries nothing but the common header (Tables 22, 37, 39, 45, 49).
struct ResponseHeader {
  BOOST_HANA_DEFINE_STRUCT(ResponseHeader, (u32, chksum), (u32, fips_status), (u32, reserved));
  friend bool operator==(const ResponseHeader&, const ResponseHeader&) = default;
};
/// A request that carries nothing but chksum and reserved (Tables 23, 36).
struct RequestHeader {
  BOOST_HANA_DEFINE_STRUCT(RequestHeader, (u32, chksum), (u32, reserved));
  friend bool operator==(const RequestHeader&, const RequestHeader&) = default;
};
/// Tables 17, 19: chksum only.
struct ChecksumOnly {
  BOOST_HANA_DEFINE_STRUCT(ChecksumOnly, (u32, chksum));
  friend bool operator==(const ChecksumOnly&, const ChecksumOnly&) = default;
};

struct ReportHekMetadataReq {  // Table 13
  BOOST_HANA_DEFINE_STRUCT(ReportHekMetadataReq, (u32, chksum), (u32, reserved), (u16, total_slots),
                           (u16, active_slot), (u16, seed_state), (u16, padding));
  friend bool operator==(const ReportHekMetadataReq&, const ReportHekMetadataReq&) = default;
};
struct ReportHekMetadataResp {  // Table 16
  BOOST_HANA_DEFINE_STRUCT(ReportHekMetadataResp, (u32, chksum), (u32, fips_status), (U32x4, reserved));
  friend bool operator==(const ReportHekMetadataResp&, const ReportHekMetadataResp&) = default;
};
struct GetStatusResp {  // Table 18
  BOOST_HANA_DEFINE_STRUCT(GetStatusResp, (u32, chksum), (u32, fips_status), (U32x4, reserved), (u32, ctrl_register));
  friend bool operator==(const GetStatusResp&, const GetStatusResp&) = default;
};
struct GetAlgorithmsResp {  // Table 20
  BOOST_HANA_DEFINE_STRUCT(GetAlgorithmsResp, (u32, chksum), (u32, fips_status), (U32x4, reserved),
                           (u32, endorsement_algorithms), (u32, hpke_algorithms), (u32, access_key_sizes));
  friend bool operator==(const GetAlgorithmsResp&, const GetAlgorithmsResp&) = default;
};
struct ClearKeyCacheReq {  // Table 21
  BOOST_HANA_DEFINE_STRUCT(ClearKeyCacheReq, (u32, chksum), (u32, reserved), (u32, cmd_timeout));
  friend bool operator==(const ClearKeyCacheReq&, const ClearKeyCacheReq&) = default;
};
struct EnumerateHpkeHandlesResp {  // Table 24
  BOOST_HANA_DEFINE_STRUCT(EnumerateHpkeHandlesResp, (u32, chksum), (u32, fips_status), (u32, reserved),
                           (u32, hpke_handle_count), (std::vector<HpkeHandle>, hpke_handles));
  friend bool operator==(const EnumerateHpkeHandlesResp&, const EnumerateHpkeHandlesResp&) = default;
  static wire::Checked<std::size_t> wire_count(std::string_view, const EnumerateHpkeHandlesResp& r) {
    return std::size_t{r.hpke_handle_count};
  }
};
struct EndorseHpkePubKeyReq {  // Table 26
  BOOST_HANA_DEFINE_STRUCT(EndorseHpkePubKeyReq, (u32, chksum), (u32, reserved), (u32, hpke_handle),
                           (u32, endorsement_algorithm));
  friend bool operator==(const EndorseHpkePubKeyReq&, const EndorseHpkePubKeyReq&) = default;
};
struct EndorseHpkePubKeyResp {  // Table 27
  BOOST_HANA_DEFINE_STRUCT(EndorseHpkePubKeyResp, (u32, chksum), (u32, fips_status), (u32, reserved),
                           (u32, pub_key_len), (u32, endorsement_len), (Bytes, pub_key), (Bytes, endorsement));
  friend bool operator==(const EndorseHpkePubKeyResp&, const EndorseHpkePubKeyResp&) = default;
  static wire::Checked<std::size_t> wire_count(std::string_view f, const EndorseHpkePubKeyResp& r) {
    return std::size_t{f == "pub_key" ? r.pub_key_len : r.endorsement_len};
  }
};
struct RotateHpkeKeyReq {  // Table 28
  BOOST_HANA_DEFINE_STRUCT(RotateHpkeKeyReq, (u32, chksum), (u32, reserved), (u32, hpke_handle));
  friend bool operator==(const RotateHpkeKeyReq&, const RotateHpkeKeyReq&) = default;
};
struct RotateHpkeKeyResp {  // Table 29
  BOOST_HANA_DEFINE_STRUCT(RotateHpkeKeyResp, (u32, chksum), (u32, fips_status), (u32, reserved), (u32, hpke_handle));
  friend bool operator==(const RotateHpkeKeyResp&, const RotateHpkeKeyResp&) = default;
};
struct GenerateMpkReq {  // Table 30
  BOOST_HANA_DEFINE_STRUCT(GenerateMpkReq, (u32, chksum), (u32, reserved), (U8<32>, sek), (u32, metadata_len),
                           (Bytes, metadata), (SealedAccessKey, sealed_access_key));
  friend bool operator==(const GenerateMpkReq&, const GenerateMpkReq&) = default;
  static wire::Checked<std::size_t> wire_count(std::string_view, const GenerateMpkReq& r) {
    return std::size_t{r.metadata_len};
  }
};
struct GenerateMpkResp {  // Table 31
  BOOST_HANA_DEFINE_STRUCT(GenerateMpkResp, (u32, chksum), (u32, fips_status), (u32, reserved), (LockedMpk, encrypted_mpk));
  friend bool operator==(const GenerateMpkResp&, const GenerateMpkResp&) = default;
};
struct RewrapMpkReq {  // Table 32
  BOOST_HANA_DEFINE_STRUCT(RewrapMpkReq, (u32, chksum), (u32, reserved), (U8<32>, sek), (LockedMpk, current_locked_mpk),
                           (SealedAccessKey, sealed_access_key), (Bytes, new_ak_ciphertext));
  friend bool operator==(const RewrapMpkReq&, const RewrapMpkReq&) = default;
  static wire::Checked<std::size_t> wire_count(std::string_view, const RewrapMpkReq& r) {
    return std::size_t{r.sealed_access_key.access_key_len} + Nt;  // u8[access_key_len+Nt]
  }
};
struct RewrapMpkResp {  // Table 33
  BOOST_HANA_DEFINE_STRUCT(RewrapMpkResp, (u32, chksum), (u32, fips_status), (u32, reserved), (LockedMpk, new_locked_mpk));
  friend bool operator==(const RewrapMpkResp&, const RewrapMpkResp&) = default;
};
struct EnableMpkReq {  // Table 34
  BOOST_HANA_DEFINE_STRUCT(EnableMpkReq, (u32, chksum), (u32, reserved), (U8<32>, sek),
                           (SealedAccessKey, sealed_access_key), (LockedMpk, locked_mpk));
  friend bool operator==(const EnableMpkReq&, const EnableMpkReq&) = default;
};
struct EnableMpkResp {  // Table 35
  BOOST_HANA_DEFINE_STRUCT(EnableMpkResp, (u32, chksum), (u32, fips_status), (u32, reserved), (EnabledMpk, enabled_mpk));
  friend bool operator==(const EnableMpkResp&, const EnableMpkResp&) = default;
};
struct MixMpkReq {  // Table 38
  BOOST_HANA_DEFINE_STRUCT(MixMpkReq, (u32, chksum), (u32, reserved), (EnabledMpk, enabled_mpk));
  friend bool operator==(const MixMpkReq&, const MixMpkReq&) = default;
};
struct TestAccessKeyReq {  // Table 40
  BOOST_HANA_DEFINE_STRUCT(TestAccessKeyReq, (u32, chksum), (u32, reserved), (U8<32>, sek), (U8<32>, nonce),
                           (LockedMpk, locked_mpk), (SealedAccessKey, sealed_access_key));
  friend bool operator==(const TestAccessKeyReq&, const TestAccessKeyReq&) = default;
};
struct TestAccessKeyResp {  // Table 41 (no reserved field)
  BOOST_HANA_DEFINE_STRUCT(TestAccessKeyResp, (u32, chksum), (u32, fips_status), (U8<48>, digest));
  friend bool operator==(const TestAccessKeyResp&, const TestAccessKeyResp&) = default;
};
struct GenerateMekReq {  // Table 42
  BOOST_HANA_DEFINE_STRUCT(GenerateMekReq, (u32, chksum), (u32, reserved), (U8<32>, sek), (U8<32>, dpk));
  friend bool operator==(const GenerateMekReq&, const GenerateMekReq&) = default;
};
struct GenerateMekResp {  // Table 43
  BOOST_HANA_DEFINE_STRUCT(GenerateMekResp, (u32, chksum), (u32, fips_status), (u32, reserved), (WrappedMek, wrapped_mek));
  friend bool operator==(const GenerateMekResp&, const GenerateMekResp&) = default;
};
struct LoadMekReq {  // Table 44
  BOOST_HANA_DEFINE_STRUCT(LoadMekReq, (u32, chksum), (u32, reserved), (U8<32>, sek), (U8<32>, dpk), (U8<20>, metadata),
                           (U8<32>, aux_metadata), (WrappedMek, wrapped_mek), (u32, cmd_timeout));
  friend bool operator==(const LoadMekReq&, const LoadMekReq&) = default;
};
struct DeriveMekReq {  // Table 46
  BOOST_HANA_DEFINE_STRUCT(DeriveMekReq, (u32, chksum), (u32, reserved), (U8<32>, sek), (U8<32>, dpk),
                           (U8<16>, mek_checksum), (U8<20>, metadata), (U8<32>, aux_metadata), (u32, cmd_timeout));
  friend bool operator==(const DeriveMekReq&, const DeriveMekReq&) = default;
};
struct DeriveMekResp {  // Table 47
  BOOST_HANA_DEFINE_STRUCT(DeriveMekResp, (u32, chksum), (u32, fips_status), (u32, reserved), (U8<16>, mek_checksum));
  friend bool operator==(const DeriveMekResp&, const DeriveMekResp&) = default;
};
struct UnloadMekReq {  // Table 48
  BOOST_HANA_DEFINE_STRUCT(UnloadMekReq, (u32, chksum), (u32, reserved), (U8<20>, metadata), (u32, cmd_timeout));
  friend bool operator==(const UnloadMekReq&, const UnloadMekReq&) = default;
};
struct ReportEpochKeyStateReq {  // Table 50
  BOOST_HANA_DEFINE_STRUCT(ReportEpochKeyStateReq, (u32, chksum), (u32, reserved), (u16, sek_state), (u16, padding),
                           (U8<16>, nonce));
  friend bool operator==(const ReportEpochKeyStateReq&, const ReportEpochKeyStateReq&) = default;
};
struct ReportEpochKeyStateResp {  // Table 51
  BOOST_HANA_DEFINE_STRUCT(ReportEpochKeyStateResp, (u32, chksum), (u32, fips_status), (u32, reserved),
                           (u16, hek_erasures_remaining), (u16, hek_state), (u16, sek_state), (u16, eat_len),
                           (U8<16>, nonce), (Bytes, eat));
  friend bool operator==(const ReportEpochKeyStateResp&, const ReportEpochKeyStateResp&) = default;
  static wire::Checked<std::size_t> wire_count(std::string_view, const ReportEpochKeyStateResp& r) {
    return std::size_t{r.eat_len};
  }
};

// ---- the command catalogue ----------------------------------------------------------------

/// One mailbox command: its code as the seed prints it, the tables of its request and
/// response, and its section.
template <u32 Code, class Req, class Resp>
struct Command {
  static constexpr u32 code = Code;
  using Request = Req;
  using Response = Resp;
};

#define LOCKREF_KMB_COMMAND(Name, Code, Mnemonic, Req, Resp, Sect, Tables) \
  struct Name : Command<Code, Req, Resp> {                                \
    static constexpr std::string_view name = #Name;                       \
    static constexpr std::string_view mnemonic = Mnemonic;                \
    static constexpr std::string_view section = Sect;                     \
    static constexpr std::string_view tables = Tables;                    \
  }

// Command codes are the four ASCII characters of the mnemonic, big-endian, as every code in
// §4.7.2 prints it — except INITIALIZE_MEK_SECRET, printed 0x494D_0B53 for "IMKS" (0x494D_4B53):
// see errata E-KMB-IMKS-CODE and Profile::imks_code.
LOCKREF_KMB_COMMAND(REPORT_HEK_METADATA, 0x52484D54, "RHMT", ReportHekMetadataReq, ReportHekMetadataResp, "§4.7.2.4", "Tables 13-16");
LOCKREF_KMB_COMMAND(GET_STATUS, 0x47535441, "GSTA", ChecksumOnly, GetStatusResp, "§4.7.2.5", "Tables 17-18");
LOCKREF_KMB_COMMAND(GET_ALGORITHMS, 0x47414C47, "GALG", ChecksumOnly, GetAlgorithmsResp, "§4.7.2.6", "Tables 19-20");
LOCKREF_KMB_COMMAND(CLEAR_KEY_CACHE, 0x434C4B43, "CLKC", ClearKeyCacheReq, ResponseHeader, "§4.7.2.7", "Tables 21-22");
LOCKREF_KMB_COMMAND(ENUMERATE_HPKE_HANDLES, 0x4548444C, "EHDL", RequestHeader, EnumerateHpkeHandlesResp, "§4.7.2.8", "Tables 23-25");
LOCKREF_KMB_COMMAND(ENDORSE_HPKE_PUB_KEY, 0x4548504B, "EHPK", EndorseHpkePubKeyReq, EndorseHpkePubKeyResp, "§4.7.2.9", "Tables 26-27");
LOCKREF_KMB_COMMAND(ROTATE_HPKE_KEY, 0x5248504B, "RHPK", RotateHpkeKeyReq, RotateHpkeKeyResp, "§4.7.2.10", "Tables 28-29");
LOCKREF_KMB_COMMAND(GENERATE_MPK, 0x474D504B, "GMPK", GenerateMpkReq, GenerateMpkResp, "§4.7.2.11", "Tables 30-31");
LOCKREF_KMB_COMMAND(REWRAP_MPK, 0x52455750, "REWP", RewrapMpkReq, RewrapMpkResp, "§4.7.2.12", "Tables 32-33");
LOCKREF_KMB_COMMAND(ENABLE_MPK, 0x524D504B, "RMPK", EnableMpkReq, EnableMpkResp, "§4.7.2.13", "Tables 34-35");
LOCKREF_KMB_COMMAND(INITIALIZE_MEK_SECRET, 0x494D4B53, "IMKS", RequestHeader, ResponseHeader, "§4.7.2.14", "Tables 36-37");
LOCKREF_KMB_COMMAND(MIX_MPK, 0x4D4D504B, "MMPK", MixMpkReq, ResponseHeader, "§4.7.2.15", "Tables 38-39");
LOCKREF_KMB_COMMAND(TEST_ACCESS_KEY, 0x5441434B, "TACK", TestAccessKeyReq, TestAccessKeyResp, "§4.7.2.16", "Tables 40-41");
LOCKREF_KMB_COMMAND(GENERATE_MEK, 0x474D454B, "GMEK", GenerateMekReq, GenerateMekResp, "§4.7.2.17", "Tables 42-43");
LOCKREF_KMB_COMMAND(LOAD_MEK, 0x4C4D454B, "LMEK", LoadMekReq, ResponseHeader, "§4.7.2.18", "Tables 44-45");
LOCKREF_KMB_COMMAND(DERIVE_MEK, 0x444D454B, "DMEK", DeriveMekReq, DeriveMekResp, "§4.7.2.19", "Tables 46-47");
LOCKREF_KMB_COMMAND(UNLOAD_MEK, 0x554D454B, "UMEK", UnloadMekReq, ResponseHeader, "§4.7.2.20", "Tables 48-49");
LOCKREF_KMB_COMMAND(REPORT_EPOCH_KEY_STATE, 0x52454B53, "REKS", ReportEpochKeyStateReq, ReportEpochKeyStateResp, "§4.7.2.21", "Tables 50-53");
#undef LOCKREF_KMB_COMMAND

/// The code 0.9 prints for INITIALIZE_MEK_SECRET (§4.7.2.14): "0X494D 0B53", whose third
/// byte 0x0B is not the 'K' (0x4B) of its own mnemonic "IMKS".
inline constexpr u32 imks_printed_code = 0x494D0B53;

using Commands = std::tuple<REPORT_HEK_METADATA, GET_STATUS, GET_ALGORITHMS, CLEAR_KEY_CACHE, ENUMERATE_HPKE_HANDLES,
                            ENDORSE_HPKE_PUB_KEY, ROTATE_HPKE_KEY, GENERATE_MPK, REWRAP_MPK, ENABLE_MPK,
                            INITIALIZE_MEK_SECRET, MIX_MPK, TEST_ACCESS_KEY, GENERATE_MEK, LOAD_MEK, DERIVE_MEK,
                            UNLOAD_MEK, REPORT_EPOCH_KEY_STATE>;

/// Calls f(Cmd{}) for every command in catalogue order.
template <class F>
void for_each_command(F&& f) {
  std::apply([&](auto... c) { (f(c), ...); }, Commands{});
}

// ---- checksum -----------------------------------------------------------------------------

/// The mailbox checksum (model choice, external dependency: 0.9 does not define `chksum`;
/// this is the Caliptra mailbox rule, errata E-KMB-CHECKSUM): the 32-bit two's-complement
/// negation of the byte sum of the command code (4 bytes, little-endian) and every byte
/// after the checksum field. Responses use command code 0.
inline u32 checksum(u32 cmd, ByteView after_chksum) {
  u32 sum = 0;
  for (int i = 0; i < 4; ++i) sum += (cmd >> (8 * i)) & 0xFF;
  for (auto b : after_chksum) sum += b;
  return 0u - sum;
}
/// True iff the first 4 bytes (little-endian) are the checksum of the rest.
inline bool checksum_ok(u32 cmd, ByteView payload) {
  if (payload.size() < 4) return false;
  const u32 got = u32{payload[0]} | u32{payload[1]} << 8 | u32{payload[2]} << 16 | u32{payload[3]} << 24;
  return got == checksum(cmd, payload.subspan(4));
}
/// Writes the checksum into the first 4 bytes of an encoded request or response.
inline void seal_checksum(u32 cmd, Bytes& payload) {
  if (payload.size() < 4) return;
  const u32 c = checksum(cmd, ByteView(payload).subspan(4));
  for (int i = 0; i < 4; ++i) payload[static_cast<std::size_t>(i)] = static_cast<u8>(c >> (8 * i));
}

}  // namespace lockref::lock::kmb
