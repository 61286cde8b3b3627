// Opal drive state, events and outputs (seed 000, Seagate CC guide). The machine that
// steps them is drive.hpp; section tags ([SETUP], [TRY], [DATA], [SERVICES], [FW], ...) are
// explained there.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/json.hpp"

namespace lockref::opal {

// ---- state ---------------------------------------------------------------------------

/// One C_PIN row plus its Authority row's Enabled column (tcg_core.hpp c_pin_columns).
/// A C_PIN PIN value: [DATA] "Authentication PINs with length up to 32 bytes" (the profile's
/// max_pin_length is validated to 1..32). Held in place, not on the heap: a state is copied on
/// every step of an exploration (core/inline_string.hpp).
using Pin = InlineString<32>;

struct Credential {
  std::string authority;         // "SID", "PSID", "AdminSP.Admin1", "Admin1", "User1", ...
  Pin pin;
  std::uint32_t tries = 0;       // C_PIN Tries
  std::uint32_t try_limit = 0;   // C_PIN TryLimit (0 = no limit)
  bool persistent = false;       // C_PIN Persistence
  std::uint8_t min_pin_length = 0;  // Seagate _MinPINLength
  bool enabled = true;           // Authority Enabled
  bool set_pin_disabled = false; // [SERVICES] "Disable User Set PIN" (Users only)
  friend bool operator==(const Credential&, const Credential&) = default;
};

/// A Locking table row. Index 0 is the Global range.
struct Range {
  std::uint64_t start = 0;
  std::uint64_t length = 0;
  bool read_lock_enabled = false;
  bool write_lock_enabled = false;
  bool read_locked = false;
  bool write_locked = false;
  bool lock_on_reset = false;
  std::uint16_t user_access = 0;   // bit k-1: User k may lock/unlock and erase this range
  std::uint32_t mek = 1;           // MEK generation
  std::uint32_t data_mek = 0;      // generation the stored data was written under; 0 = none
  /// Single User Data Range (SUDR), classified by Reactivate ([SERVICES] "Enable/Disable Single
  /// User Data Range (SUDR)"). Its owner is User(k+1) for row k (Machine::sudr_owner).
  bool single_user = false;
  friend bool operator==(const Range&, const Range&) = default;
};

struct State {
  bool locking_sp_active = false;   // Locking SP Manufactured (true) / Manufactured-Inactive
  std::vector<Credential> credentials;
  bool makers_enabled = true;       // [SETUP] step 7 disables it
  bool fw_port_locked = false;      // [FW] "all ship with the firmware download port in the unlocked state"
  bool fw_port_lock_on_reset = false;
  std::uint8_t fw_security_version = 0;
  std::vector<Range> ranges;        // [0] = Global, [1..n] = Locking_Range1..n
  /// Security configuration changed since the last power-on reset ([SETUP] step 11
  /// "Power cycle the device." ends the setup). Errata E-OPAL-CC-STEP11.
  bool reset_pending = false;
  /// Reactivate's RangeStartRangeLengthPolicy for the SUDRs: [SERVICES] "Set Range Geometry for
  /// SUDR: User1-9 (if User Ownership), Locking SP Admin1-4 (if Admin Ownership)". false: User
  /// Ownership (policy 0), true: Admin Ownership (policy 1).
  bool sudr_geometry_by_admins = false;
  /// The Locking SP's DataStore byte table (TCG Opal SSC; not in the guide): its content up to
  /// the last non-zero byte written; the rest of the table reads as zeros (model choice for the
  /// factory content). No candidate event of `explore opal` writes it, so every scope's states
  /// keep it empty.
  Bytes datastore;
  friend bool operator==(const State&, const State&) = default;
};

// ---- events --------------------------------------------------------------------------

/// The authority a management event authenticates as, and the PIN it presents.
struct Auth {
  std::string authority;
  std::string pin;
  friend bool operator==(const Auth&, const Auth&) = default;
};

/// Authenticate (StartSession with a signing authority / ThisSP.Authenticate).
struct Authenticate {
  static constexpr std::string_view tag = "authenticate";
  std::string authority;
  std::string pin;
};
/// Power-on reset: [SERVICES] unauthenticated "Unblock PIN" and "Reset Module" (POR).
struct PowerCycle {
  static constexpr std::string_view tag = "power_cycle";
};
/// [SETUP] step 1: Locking SP Activate (invoked in the Admin SP as the Drive Owner).
struct Activate {
  static constexpr std::string_view tag = "activate";
  Auth as;
};
/// AdminSPObj.Revert(): Drive Owner, Admin SP Admin1-4, or PSID ([SERVICES] Exit CC Security Mode).
struct Revert {
  static constexpr std::string_view tag = "revert";
  Auth as;
};
/// Locking SP revert: LockingSP.RevertSP() by a Locking SP Admin, or LockingSPObj.Revert() by
/// the Drive Owner ([SERVICES] Exit CC Security Mode).
struct RevertSp {
  static constexpr std::string_view tag = "revert_sp";
  Auth as;
};
struct SetPin {
  static constexpr std::string_view tag = "set_pin";
  Auth as;
  std::string target;
  std::string pin;
};
struct SetMinPinLength {
  static constexpr std::string_view tag = "set_min_pin_length";
  Auth as;
  std::string target;
  std::uint8_t length = 0;
};
struct SetTryLimit {
  static constexpr std::string_view tag = "set_try_limit";
  Auth as;
  std::string target;
  std::uint32_t limit = 0;
};
/// Authority Enabled column: Admin SP Admins, Locking SP Admins, Users, and "Makers".
struct SetEnabled {
  static constexpr std::string_view tag = "set_enabled";
  Auth as;
  std::string target;
  bool enabled = true;
};
struct DisableUserSetPin {
  static constexpr std::string_view tag = "disable_user_set_pin";
  Auth as;
  std::string target;
  bool disabled = true;
};
/// _PortLocking FWDownload: PortLocked and LockOnReset ([SETUP] steps 8 and 9, [FW]).
struct SetFwPort {
  static constexpr std::string_view tag = "set_fw_port";
  Auth as;
  std::optional<bool> locked;
  std::optional<bool> lock_on_reset;
};
/// "Set Range Attributes for non-SUDR": location, size, locking and User access rights.
struct SetRange {
  static constexpr std::string_view tag = "set_range";
  Auth as;
  std::uint8_t range = 1;
  std::optional<std::uint64_t> start;
  std::optional<std::uint64_t> length;
  std::optional<bool> read_lock_enabled;
  std::optional<bool> write_lock_enabled;
  std::optional<bool> lock_on_reset;
  std::optional<std::uint16_t> user_access;
};
/// "Lock / Unlock User Data Range for Read and/or Write".
struct LockRange {
  static constexpr std::string_view tag = "lock_range";
  Auth as;
  std::uint8_t range = 1;
  std::optional<bool> read_locked;
  std::optional<bool> write_locked;
};
/// "Cryptographic Erase": TCG GenKey / Erase on the range's key ([GENKEY]).
struct GenKey {
  static constexpr std::string_view tag = "gen_key";
  Auth as;
  std::uint8_t range = 1;
};
/// "User Data Read / Write" (no operator: access control is the range lock).
struct WriteData {
  static constexpr std::string_view tag = "write";
  std::uint8_t range = 0;
};
struct ReadData {
  static constexpr std::string_view tag = "read";
  std::uint8_t range = 0;
};
/// [FW] FIRMWARE IMAGE DOWNLOAD + commit. signature_ok: the RSA-4096 PSS verdict against the
/// ROM key (explicit input). security_version: the image's security version number.
struct FirmwareDownload {
  static constexpr std::string_view tag = "firmware_download";
  bool signature_ok = true;
  std::uint8_t security_version = 0;
};
/// Get C_PIN_MSID.PIN (Admin SP, readable by Anybody): how a host learns the factory SID PIN
/// to take ownership ([DATA] "a fixed value ... used as the default PIN").
struct GetMsid {
  static constexpr std::string_view tag = "get_msid";
};
/// [SERVICES] "Enable/Disable Single User Data Range (SUDR) ... LockingSP Admin1-4 ... TCG
/// Reactivate Method": ThisSP.Reactivate in the Locking SP. `ranges` is the single-user selection
/// (Locking table rows, 0 = Global; empty = no SUDR), `geometry_by_admins` the
/// RangeStartRangeLengthPolicy, `admin1_pin` the optional Admin1PIN parameter.
struct Reactivate {
  static constexpr std::string_view tag = "reactivate";
  Auth as;
  std::vector<std::uint16_t> ranges;  // not Bytes: a JSON array of row numbers
  bool geometry_by_admins = false;
  std::optional<std::string> admin1_pin;
};
/// [SERVICES] "Cryptographic Erase of SUDR ... TCG Erase Method": Locking_Range<k>.Erase.
struct Erase {
  static constexpr std::string_view tag = "erase";
  Auth as;
  std::uint8_t range = 1;
};
/// Get on the Locking SP's LockingInfo table (readable by Anybody, model choice): how a host
/// sees which rows Reactivate made SUDRs and who owns their geometry.
struct GetLockingInfo {
  static constexpr std::string_view tag = "get_locking_info";
};
/// Activate of the Locking SP with a single-user selection (TCG Opal Feature Set: Single User
/// Mode, as sedutil DtaDevOpal::activateLockingSP_SUM sends it: LockingSP.Activate in the Admin
/// SP with SingleUserModeSelectionList 0x060000 and RangeStartRangeLengthPolicy 0x060001).
/// The guide lists only Reactivate for the classification (E-OPAL-SUM-ACTIVATE); `ranges` and
/// `geometry_by_admins` as in Reactivate.
struct ActivateSum {
  static constexpr std::string_view tag = "activate_sum";
  Auth as;
  std::vector<std::uint16_t> ranges;
  bool geometry_by_admins = false;
};
/// Set on the DataStore byte table: Set[Where = offset, Values = bytes] (linux sed-opal's
/// DataStore write; TCG Core Set on a byte table).
struct DataStoreWrite {
  static constexpr std::string_view tag = "datastore_write";
  Auth as;
  std::uint32_t offset = 0;
  Bytes data;
};
/// Get on the DataStore byte table: Cellblock startRow = offset, endRow = offset + length - 1.
struct DataStoreRead {
  static constexpr std::string_view tag = "datastore_read";
  Auth as;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};
/// [SERVICES] Show Status: Level 0 Discovery, CC mode indicator (byte 30 bit 0).
struct ShowStatus {
  static constexpr std::string_view tag = "show_status";
};

using Event = std::variant<Authenticate, PowerCycle, Activate, Revert, RevertSp, SetPin, SetMinPinLength, SetTryLimit,
                           SetEnabled, DisableUserSetPin, SetFwPort, SetRange, LockRange, GenKey, WriteData, ReadData,
                           FirmwareDownload, ShowStatus, GetMsid, Reactivate, Erase, GetLockingInfo,
                           ActivateSum, DataStoreWrite, DataStoreRead>;

/// The LockingInfo columns the model keeps: MaxRanges, and the Single User Mode columns
/// SingleUserModeRanges (the SUDRs' Locking rows) and RangeStartLengthPolicy.
struct LockingInfo {
  std::uint8_t max_ranges = 0;
  std::vector<std::uint16_t> single_user_ranges;
  bool geometry_by_admins = false;
  friend bool operator==(const LockingInfo&, const LockingInfo&) = default;
};

struct Output {
  std::string status = "ok";  // "ok" (SUCCESS) or a status name from tcg_core.hpp
  std::string rule;           // requirement id that decided the outcome
  /// The status' numeric value (Core method status, or NVMe StatusCode for firmware download).
  std::uint8_t status_code = 0;
  /// NVMe Status Code Type, on a rejected firmware image ([FW]: StatusType = 1h).
  std::optional<std::uint8_t> nvme_status_type;
  /// A failed authentication was counted (Tries incremented): the event is refused, but the
  /// C_PIN row changed (exploration follows every state change, refused or not).
  bool try_counted = false;
  std::optional<bool> data_readable;      // read: data decrypts under the current MEK
  std::optional<bool> cc_mode_indicator;  // show_status: Level 0 byte 30 bit 0
  std::optional<std::string> msid;        // get_msid: the MSID C_PIN value
  std::optional<LockingInfo> locking_info;  // get_locking_info
  std::optional<Bytes> data;                // datastore_read
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  bool cc_approved_mode = false;
  std::vector<std::string> cc_missing;  // ids of the CC conditions that do not hold
  bool cc_mode_indicator = false;
  std::vector<std::string> locked_out;  // authorities at their Try Limit
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::opal

BOOST_HANA_ADAPT_STRUCT(lockref::opal::Credential, authority, pin, tries, try_limit, persistent, min_pin_length, enabled,
                        set_pin_disabled);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Range, start, length, read_lock_enabled, write_lock_enabled, read_locked,
                        write_locked, lock_on_reset, user_access, mek, data_mek, single_user);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::State, locking_sp_active, credentials, makers_enabled, fw_port_locked,
                        fw_port_lock_on_reset, fw_security_version, ranges, reset_pending, sudr_geometry_by_admins,
                        datastore);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Auth, authority, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Authenticate, authority, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Activate, as);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Revert, as);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::RevertSp, as);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::SetPin, as, target, pin);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::SetMinPinLength, as, target, length);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::SetTryLimit, as, target, limit);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::SetEnabled, as, target, enabled);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::DisableUserSetPin, as, target, disabled);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::SetFwPort, as, locked, lock_on_reset);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::SetRange, as, range, start, length, read_lock_enabled, write_lock_enabled,
                        lock_on_reset, user_access);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::LockRange, as, range, read_locked, write_locked);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::GenKey, as, range);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::WriteData, range);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::ReadData, range);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::FirmwareDownload, signature_ok, security_version);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Reactivate, as, ranges, geometry_by_admins, admin1_pin);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Erase, as, range);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::ActivateSum, as, ranges, geometry_by_admins);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::DataStoreWrite, as, offset, data);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::DataStoreRead, as, offset, length);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::LockingInfo, max_ranges, single_user_ranges, geometry_by_admins);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Output, status, rule, status_code, nvme_status_type, try_counted, data_readable,
                        cc_mode_indicator, msid, locking_info, data);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::View, cc_approved_mode, cc_missing, cc_mode_indicator, locked_out);

