// Key Per I/O TPer: profile, state, events and outputs (seed 002, the TCG Key Per I/O
// application note). The machine that steps them is kpio/sp.hpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/tcg/credential.hpp"
#include "lockref/tcg/session.hpp"

namespace lockref::kpio {

/// Reset types of a KeyEncryptionKey row's LockOnReset column (§4.3.4–§4.3.6: "Power Cycle",
/// "Hardware Reset", "Programmatic" = TPER_RESET). Wire values: TCG Core reset types
/// (Power Cycle 0, Hardware Reset 1, Programmatic 3).
enum class ResetType : std::uint8_t { power_cycle = 0, hardware_reset = 1, programmatic = 3 };
constexpr auto enum_names(ResetType) {
  return std::array{EnumName{ResetType::power_cycle, "PowerCycle"}, EnumName{ResetType::hardware_reset, "HardwareReset"},
                    EnumName{ResetType::programmatic, "Programmatic"}};
}

// ---- profile ---------------------------------------------------------------------------

/// Which events candidate_events offers (exploration, corpora and the property walks only;
/// step() accepts every event in every scope). Each scope is a bounded alphabet over one area
/// of the note, so `lockref explore kpio --scope S` visits every reachable state in seconds;
/// `all` is their union (large: use it for corpora and properties, not exhaustive exploration).
///   lifecycle  ownership, Activate (right and wrong PIN), Admin1 PIN, Revert SP / TPer,
///              Properties, the three resets, one KEK and one MEK to show what Revert removes
///   policies   the KPIOPolicies columns that gate KEK injection (Key Injection Interface lock,
///              plaintext, PKI, replay protection; both values), NULL / PKI in KEK1's
///              AllowedKeyEncryptionKeys, plaintext / RSA-OAEP / AES-GCM-with-nonce KEK imports
///   keks       KEK imports wrapped by a KEK (plaintext first, AES-KW into its own row and another
///              row, AES-GCM with a nonce), AllowedKeyEncryptionKeys, the access lock and
///              LockOnReset, replay protection, Get Nonce (two nonces), the three resets
///   meks       Managed, NumberOfKeyTags, the namespace's AllowedKeyEncryptionKeys, MEK imports
///              (AES-KW, AES-GCM), access lock, ClearSingle/ClearAllMEKsAllowed, Clear Single /
///              Clear All (one namespace, FFFFFFFFh), power cycle, hardware reset
enum class Scope : std::uint8_t { all, lifecycle, policies, keks, meks };
constexpr auto enum_names(Scope) {
  return std::array{EnumName{Scope::all, "all"}, EnumName{Scope::lifecycle, "lifecycle"},
                    EnumName{Scope::policies, "policies"}, EnumName{Scope::keks, "keks"}, EnumName{Scope::meks, "meks"}};
}

/// Constants the note leaves to the TPer. Defaults: the Level 0 Discovery response of
/// §3.3.2.1 Table 1 (2 KEKs, 2 key tags in total, 1 per namespace, AES-KW/GCM/RSA-OAEP,
/// plaintext and PKI provisioning) with 2 namespaces; the §4 examples use profile_section4().
struct Profile {
  /// KPIOSC (§4.2.1, §4.2.2; spelled KPIOSC, KPIOOSC, KPIOISC and "KPIO SC" by the note,
  /// errata E-KPIO-KPIOSC): 1 = Key Per I/O applies to every namespace of the NVM subsystem.
  std::uint8_t kpiosc = 0;
  std::uint32_t namespaces = 2;                 // NSIDs 1..namespaces
  std::uint32_t keks = 2;                       // Table 1 "Number of Key Encryption Keys Supported"
  std::uint32_t total_key_tags = 2;             // Table 1 "Total Number of Key Tags Supported"
  std::uint16_t max_key_tags_per_namespace = 1; // Table 1 "Maximum Number of Key Tags Supported Per Namespace"
  /// NumberOfKeyTags of a namespace when it becomes managed. Model choice: the note's §4
  /// examples start every managed namespace with 3 (KT0 KT1 KT2); Table 1's TPer with 1.
  std::uint16_t default_key_tags = 1;
  bool plaintext_supported = true;              // Table 1 "KEK Provisioning Models": Plaintext
  bool pki_supported = true;                    // Table 1 "KEK Provisioning Models": PKI-based
  bool replay_supported = true;                 // Level 0 "Replay Protection Supported" (§3.2.18)
  std::uint16_t nonce_length = 16;              // Level 0 "Get Nonce Command Nonce Length" (Table 66: 16)
  std::uint8_t max_outstanding_nonces = 1;      // model choice: a Get Nonce replaces an unused nonce
  std::string msid = "MSID_password";           // Table 12 C_PIN_MSID PIN
  std::uint32_t try_limit = 0;                  // C_PIN TryLimit of SID and Admin1 (0 = none)
  bool tries_persistent = false;                // C_PIN Persistence
  /// Protocol3MaxKmipBatchItems before the host sets it (model choice; Table 3's note: the host
  /// sets it "to two to support the MEK injection").
  std::uint32_t default_kmip_batch_items = 1;
  /// E-KPIO-CLEAR-POLARITY: the clear commands are enabled when ClearSingleMEKAllowed /
  /// ClearAllMEKsAllowed is TRUE (Tables 30, 33) — not FALSE as §3.2.19/§3.2.20 say.
  bool clear_enabled_when_allowed_true = true;
  /// E-KPIO-MEK-VOLATILE: a TCG Power Cycle clears the injected MEKs (Table 98), whatever
  /// "stored in non-volatile media" of §4.3.1 means.
  bool power_cycle_clears_meks = true;
  /// E-KPIO-PLAINTEXT-C: condition (c) of §3.2.11 (empty Key column) also needs plaintext
  /// provisioning to be supported.
  bool plaintext_empty_row_needs_support = true;
  std::int64_t kmip_timestamp = 0;              // the responses' TimeStamp (every example: 0)
  /// E-TCG-START-REFUSED: the form of the answer to a refused StartSession.
  tcg::StartRefusal start_refusal = tcg::StartRefusal::sync_session;
  /// E-TCG-ACTIVATE-ACTIVE: Activate of an SP already Manufactured. "ok": success, no effect
  /// (nothing of the SP is reset); otherwise the Core status it fails with (lockref's Opal
  /// model answers INVALID_PARAMETER).
  std::string activate_when_active = "ok";
  // ---- bounds for candidate_events only (exploration, corpora, properties) ----
  Scope scope = Scope::meks;
  /// Wrong-PIN events are offered while the credential's Tries is below this bound: with
  /// TryLimit 0 ("no limit", TCG Core C_PIN) Tries would otherwise grow without end.
  std::uint32_t max_failed_tries = 2;
  friend bool operator==(const Profile&, const Profile&) = default;
};

/// The TPer of the §4 examples: 7 namespaces, 3 key tags each (4 supported per namespace,
/// Table 79), 5 KEKs (KEK1–KEK5 appear in Table 93), a key cache big enough for all.
inline Profile profile_section4(std::uint8_t kpiosc) {
  Profile p;
  p.kpiosc = kpiosc;
  p.namespaces = 7;
  p.keks = 5;
  p.total_key_tags = 28;
  p.max_key_tags_per_namespace = 4;
  p.default_key_tags = 3;
  return p;
}

// ---- state -----------------------------------------------------------------------------

/// A KeyEncryptionKey row (§3.2.7, §3.2.10–§3.2.13, §4.3.4–§4.3.6).
struct Kek {
  bool key_set = false;                  // Key column: "empty for each KEK by default" (§3.2.11)
  Bytes key;
  /// The KMIP Key UID the row's key was imported with: what EncryptionKeyInformation names
  /// when the host wraps with it (§3.4.2.3 "the host will need to track the mapping").
  std::string kmip_uid;
  bool access_lock_enabled = false;
  bool access_locked = false;            // "all KEKs are in an access unlocked state by default"
  std::vector<ResetType> lock_on_reset{ResetType::power_cycle};  // §4.3.4 "must contain ... Power Cycle"
  std::vector<tcg::Uid> allowed;         // AllowedKeyEncryptionKeys: own UID by default (§3.2.12)
  friend bool operator==(const Kek&, const Kek&) = default;
};

/// A KeyTagAllocation row, one per namespace (§3.2.5, §3.2.8, §4.2.3–§4.2.6).
struct Allocation {
  std::uint32_t nsid = 0;
  bool managed = false;
  std::uint16_t number_of_key_tags = 0;
  std::vector<tcg::Uid> allowed;         // AllowedKeyEncryptionKeys: "empty for each Namespace"
  friend bool operator==(const Allocation&, const Allocation&) = default;
};

/// A TPer key cache slot: an XTS-AES-256 MEK as two keys (Table 62), or a factory MEK of an
/// unmanaged namespace (§4.1 "Factory-MEKn ... out of scope"; key_tag 0).
struct CacheEntry {
  std::uint32_t nsid = 0;
  std::uint16_t key_tag = 0;
  bool factory = false;
  Bytes key1, key2;
  /// The key cache's canonical order (namespace, factory, key tag): import_mek sorts by it and
  /// validate_state requires it, so that equal caches are equal states.
  auto order() const { return std::tie(nsid, factory, key_tag); }
  friend bool operator==(const CacheEntry&, const CacheEntry&) = default;
};

struct Policies {  // the KPIOPolicies single row
  bool clear_single_mek_allowed = false;
  bool clear_all_meks_allowed = false;
  bool replay_protection_enabled = false;
  bool pki_kek_programming_enabled = false;
  bool plaintext_kek_programming_enabled = false;
  bool kii_lock_enabled = false;
  bool kii_locked = false;
  friend bool operator==(const Policies&, const Policies&) = default;
};

struct State {
  tcg::SessionManager sm;
  tcg::CPin sid;                     // Admin SP C_PIN_SID (factory value: MSID)
  bool kpio_active = false;          // Key Per I/O SP: Manufactured (true) / Manufactured-Inactive
  tcg::CPin admin1;                  // Key Per I/O SP C_PIN_Admin1
  Policies policies;
  std::vector<Kek> keks;             // KeyEncryptionKey1..n
  std::vector<Allocation> allocations;  // KeyTagAllocation1..n (namespace 1..n)
  std::vector<CacheEntry> cache;
  std::vector<Bytes> nonces;         // issued by Get Nonce, not used yet
  friend bool operator==(const State&, const State&) = default;
};

// ---- events ----------------------------------------------------------------------------

/// One host item in Packet tsn:hsn, in the JSON form of tcg/json.hpp (`{"call": {...}}` or
/// "end_of_session"), e.g. a step of a bus capture already decoded.
struct Call {
  static constexpr std::string_view tag = "call";
  std::uint32_t tsn = 0;
  std::uint32_t hsn = 0;
  Json item;
  std::uint16_t comid = 0x0800;
};
/// Raw bytes of a bus capture: IF-SEND payload of Security Protocol 1 (method ComPacket),
/// 2 (Clear Single / Clear All MEKs, with the NVMe command's NSID) or 3 (KMIP ComPacket).
struct Send {
  static constexpr std::string_view tag = "send";
  std::uint8_t protocol = 1;
  Bytes bytes;
  std::uint32_t nsid = 0;  // protocol 2: the command's Namespace ID
};
/// The abstract events (each is run as the method calls / messages it stands for):
/// §3.2.2 take ownership: Get MSID as Anybody, then Set C_PIN_SID as SID.
struct TakeOwnership {
  static constexpr std::string_view tag = "take_ownership";
  std::string new_sid = "new_SID_password";
};
/// §3.2.3 Activate the Key Per I/O SP (session to the Admin SP as SID, current SID PIN unless `pin`).
struct ActivateSp {
  static constexpr std::string_view tag = "activate";
  std::optional<std::string> pin;
};
/// Set one column of a Key Per I/O SP row in a session as Admin1 (§3.2.4–§3.2.10, §3.2.14,
/// §3.2.15, §3.2.18–§3.2.20). object: "KPIOPolicies", "KeyEncryptionKey<n>",
/// "KeyTagAllocation<n>", "C_PIN_Admin1"; value: a TCG value in JSON (true/false are 1/0).
struct SetColumn {
  static constexpr std::string_view tag = "set";
  std::string object;
  std::string column;
  Json value;
  std::optional<std::string> pin;
};
/// §3.2.21 Revert the Key Per I/O SP (KeyPerIOSP.Revert in an Admin SP session as SID, Table 36).
struct RevertSp {
  static constexpr std::string_view tag = "revert_sp";
  std::optional<std::string> pin;
};
/// §3.2.22 Revert the TPer (AdminSP.Revert as SID, Table 38).
struct RevertTper {
  static constexpr std::string_view tag = "revert_tper";
  std::optional<std::string> pin;
};
/// KMIP Import of a KEK into row `row` (§3.2.11–§3.2.13, §3.2.16, §3.2.18). wrap: "plaintext",
/// "aes_kw" or "aes_gcm" (under row `wrapping_row`; GCM uses the TPer's last nonce unless
/// `nonce` is given) or "rsa_oaep" (under the PKI public key, OAEP seed `seed`).
struct ImportKek {
  static constexpr std::string_view tag = "import_kek";
  std::uint32_t row = 1;
  Bytes key;
  std::string kmip_uid;
  std::string wrap = "plaintext";
  std::uint32_t wrapping_row = 0;
  std::optional<Bytes> nonce;
  Bytes iv = Bytes(12, 0x01);
  Bytes seed;
};
/// KMIP Import of an XTS-AES-256 MEK (both halves, one request; §3.2.17, Table 62), wrapped
/// by row `wrapping_row` with AES-KW, or AES-GCM with the TPer's nonce when `with_nonce`.
struct ImportMek {
  static constexpr std::string_view tag = "import_mek";
  std::uint32_t nsid = 1;
  std::uint16_t key_tag = 0;
  Bytes key1, key2;
  std::uint32_t wrapping_row = 1;
  bool with_nonce = false;
  std::optional<Bytes> nonce;
  Bytes iv = Bytes(12, 0x01);
};
/// §3.2.1.3 Properties with Table 3's host properties (Protocol3MaxKmipBatchItems given).
struct ExchangeProperties {
  static constexpr std::string_view tag = "properties";
  std::uint32_t max_kmip_batch_items = 2;
};
/// Security Protocol 0x02 (§3.3.15, §3.3.16): Clear Single MEK, Clear All MEKs (FFFFFFFFh = all).
struct ClearSingleMek {
  static constexpr std::string_view tag = "clear_single_mek";
  std::uint32_t nsid = 1;
  std::uint16_t key_tag = 0;
};
struct ClearAllMeks {
  static constexpr std::string_view tag = "clear_all_meks";
  std::uint32_t nsid = 0xFFFFFFFF;
};
/// Get Nonce (§3.4.7.6): the TPer's random nonce is an explicit input.
struct GetNonce {
  static constexpr std::string_view tag = "get_nonce";
  Bytes nonce;
};
struct PowerCycle {
  static constexpr std::string_view tag = "power_cycle";
};
struct HardwareReset {
  static constexpr std::string_view tag = "hardware_reset";
};
struct TperReset {
  static constexpr std::string_view tag = "tper_reset";
};

using Event = std::variant<Call, Send, TakeOwnership, ActivateSp, SetColumn, RevertSp, RevertTper, ImportKek, ImportMek,
                           ExchangeProperties, ClearSingleMek, ClearAllMeks, GetNonce, PowerCycle, HardwareReset,
                           TperReset>;

struct Output {
  /// "ok", a TCG Core method status mnemonic, a KMIP ResultReason name (Security Protocol 3),
  /// or a Security Protocol 2 outcome ("CLEAR_NOT_ALLOWED", "INVALID_NAMESPACE", ...).
  std::string status = "ok";
  std::string rule;
  std::vector<std::string> methods;            // the TCG methods handled ("StartSession", "Set", ...)
  std::optional<std::uint32_t> kmip_result_status;  // 0 Success, 1 OperationFailed
  std::optional<std::string> kmip_result_reason;
  std::optional<std::uint32_t> sp2_status;     // Tables 32, 35 Status
  Bytes response;                              // the TPer's answer on the wire (ComPacket / SP2 block)
  std::optional<Json> results;                 // the last method result list (tcg/json.hpp form)
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

/// What a device reports: the Key Per I/O SP life cycle, ownership, the key cache by slot,
/// the KEKs locked and set, and the Level 0 KPIO values that change.
struct View {
  std::string kpio_life_cycle;                 // "Manufactured-Inactive" / "Manufactured"
  bool owned = false;                          // SID PIN differs from MSID
  bool session_open = false;
  std::vector<std::string> key_cache;          // "NS2:KT0", "NS5:factory"
  std::vector<std::uint32_t> locked_keks;      // rows access-locked (AccessLockEnabled and AccessLocked)
  std::vector<std::uint32_t> set_keks;         // rows whose Key column is set
  bool key_injection_locked = false;
  bool replay_protection_enabled = false;      // Level 0 KPIO feature (§3.2.18 note)
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::kpio

BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Profile, kpiosc, namespaces, keks, total_key_tags, max_key_tags_per_namespace,
                        default_key_tags, plaintext_supported, pki_supported, replay_supported, nonce_length,
                        max_outstanding_nonces, msid, try_limit, tries_persistent, default_kmip_batch_items,
                        clear_enabled_when_allowed_true, power_cycle_clears_meks, plaintext_empty_row_needs_support,
                        kmip_timestamp, start_refusal, activate_when_active, scope, max_failed_tries);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Kek, key_set, key, kmip_uid, access_lock_enabled, access_locked, lock_on_reset,
                        allowed);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Allocation, nsid, managed, number_of_key_tags, allowed);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::CacheEntry, nsid, key_tag, factory, key1, key2);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Policies, clear_single_mek_allowed, clear_all_meks_allowed,
                        replay_protection_enabled, pki_kek_programming_enabled, plaintext_kek_programming_enabled,
                        kii_lock_enabled, kii_locked);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::State, sm, sid, kpio_active, admin1, policies, keks, allocations, cache, nonces);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Call, tsn, hsn, item, comid);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Send, protocol, bytes, nsid);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::TakeOwnership, new_sid);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::ActivateSp, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::SetColumn, object, column, value, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::RevertSp, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::RevertTper, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::ImportKek, row, key, kmip_uid, wrap, wrapping_row, nonce, iv, seed);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::ImportMek, nsid, key_tag, key1, key2, wrapping_row, with_nonce, nonce, iv);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::ExchangeProperties, max_kmip_batch_items);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::ClearSingleMek, nsid, key_tag);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::ClearAllMeks, nsid);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::GetNonce, nonce);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::Output, status, rule, methods, kmip_result_status, kmip_result_reason, sp2_status,
                        response, results);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::View, kpio_life_cycle, owned, session_open, key_cache, locked_keks, set_keks,
                        key_injection_locked, replay_protection_enabled);
