// The access-control matrix of the guide's "TCG Opal Security Mode Services" as data
// (seed 000, "TCG Opal Security Mode Authenticated Services" and "... Unauthenticated
// Services"), plus the rows the setup steps imply for services the tables do not list.
// The machine (drive.hpp) asks matrix_allows(); the properties check the model against
// this table, so a wrong cell is one edit here and every consequence follows.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lockref/core/enum.hpp"
#include "lockref/opal/profile.hpp"

namespace lockref::opal {

/// Operator roles of the matrix. "Drive Owner" is the SID authority.
enum class Role : std::uint8_t { anybody, sid, psid, admin_sp_admin, locking_admin, user };
constexpr auto enum_names(Role) {
  return std::array{EnumName{Role::anybody, "None"}, EnumName{Role::sid, "Drive Owner"},
                    EnumName{Role::psid, "PSID"}, EnumName{Role::admin_sp_admin, "Admin SP Admin1-4"},
                    EnumName{Role::locking_admin, "LockingSP Admin1-4"}, EnumName{Role::user, "User1-9"}};
}
constexpr std::uint8_t bit(Role r) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(r)); }

enum class Sp : std::uint8_t { admin, locking };

inline Role role_of(std::string_view authority) {
  if (authority == "SID") return Role::sid;
  if (authority == "PSID") return Role::psid;
  if (authority.starts_with("AdminSP.Admin") && authority.size() == 14) return Role::admin_sp_admin;
  if (authority.starts_with("Admin") && authority.size() == 6) return Role::locking_admin;
  if (authority.starts_with("User") && authority.size() == 5) return Role::user;
  return Role::anybody;
}
inline Sp sp_of(Role r) { return r == Role::locking_admin || r == Role::user ? Sp::locking : Sp::admin; }
inline std::optional<CredClass> class_of(Role r) {
  switch (r) {
    case Role::sid: return CredClass::sid;
    case Role::psid: return CredClass::psid;
    case Role::admin_sp_admin: return CredClass::admin_sp_admin;
    case Role::locking_admin: return CredClass::locking_admin;
    case Role::user: return CredClass::user;
    case Role::anybody: break;
  }
  return std::nullopt;
}

enum class Service : std::uint8_t {
  set_pin,
  disable_user_set_pin,
  fw_port,
  firmware_download,
  enable_admin_sp_admin,
  enable_locking_authority,
  set_range_attributes,
  lock_unlock_range,
  user_data,
  crypto_erase,
  revert_admin_sp,
  revert_locking_sp,
  unblock_pin,
  show_status,
  activate,
  makers,
  set_try_limit,
  // Single User Mode rows ([SERVICES]; drive.hpp "Single User Mode")
  sudr_classify,
  sudr_geometry,
  sudr_erase,
  // Not in the guide (TCG Opal SSC): the Locking SP's DataStore table
  datastore,
};

struct AclRow {
  Service service;
  std::string_view name;       // the guide's service name
  std::uint8_t operators;      // bit(Role) set
  std::string_view operators_text;  // as printed
  std::string_view method;     // TCG method / command
  std::string_view source;
  std::string_view rule;       // requirement id (spec/requirements/)
};

inline constexpr std::array<AclRow, 21> access_matrix{{
    {Service::set_pin, "Set PIN", bit(Role::locking_admin) | bit(Role::user) | bit(Role::sid),
     "LockingSP Admin1-4, User1-9 (unless previously disabled by \"Disable User Set PIN\"), Drive Owner",
     "TCG Set Method", "Authenticated Services", "OPAL-ACL-SETPIN"},
    {Service::disable_user_set_pin, "Disable User Set PIN", bit(Role::locking_admin), "LockingSP Admin1-4",
     "TCG Set Method", "Authenticated Services", "OPAL-ACL-DUSP"},
    {Service::fw_port, "Lock/Unlock FW Download", bit(Role::sid), "Drive Owner", "TCG Set Method",
     "Authenticated Services; Firmware Access Control", "OPAL-FW-2"},
    {Service::firmware_download, "Firmware Download", bit(Role::anybody), "None** (port has to be Unlocked)",
     "FIRMWARE IMAGE DOWNLOAD Command", "Authenticated Services", "OPAL-FW-1"},
    {Service::enable_admin_sp_admin, "Enable/Disable Admin SP Admin(s)", bit(Role::sid), "Drive Owner",
     "TCG Set Method", "Authenticated Services", "OPAL-ACL-ENABLE"},
    {Service::enable_locking_authority, "Enable/Disable LockingSP Admin(s), non-SUDR User(s)",
     bit(Role::locking_admin), "LockingSP Admin1-4", "TCG Set Method", "Authenticated Services", "OPAL-ACL-2"},
    {Service::set_range_attributes, "Set Range Attributes for non-SUDR", bit(Role::locking_admin),
     "LockingSP Admin1-4", "TCG Set Method", "Authenticated Services", "OPAL-RANGE-1"},
    {Service::lock_unlock_range, "Lock / Unlock User Data Range for Read and/or Write",
     bit(Role::user) | bit(Role::locking_admin), "User1-9, Locking SP Admin1-4 (for non-SUDRs)", "TCG Set Method",
     "Authenticated Services", "OPAL-RANGE-2"},
    {Service::user_data, "User Data Read / Write", bit(Role::anybody), "None* (Data Range has to be Unlocked)",
     "Read / Write Commands", "Authenticated Services", "OPAL-RANGE-4"},
    {Service::crypto_erase, "Cryptographic Erase of non-SUDR", bit(Role::user) | bit(Role::locking_admin),
     "User1-9, Locking SP Admin1-4", "TCG GenKey Method", "Authenticated Services", "OPAL-RANGE-3"},
    {Service::revert_admin_sp, "Exit CC Security Mode (AdminSPObj.Revert)",
     bit(Role::sid) | bit(Role::admin_sp_admin) | bit(Role::psid), "Drive Owner; Admin SP Admin1-4; None (using PSID)",
     "TCG AdminSPObj.Revert()", "Authenticated Services; Unauthenticated Services", "OPAL-SP-2"},
    {Service::revert_locking_sp, "Exit CC Security Mode (Locking SP)", bit(Role::sid) | bit(Role::locking_admin),
     "Drive Owner (LockingSPObj.Revert()); Locking SP Admin1-4 (LockingSP.RevertSP())",
     "TCG LockingSPObj.Revert(), LockingSP.RevertSP()", "Authenticated Services", "OPAL-SP-3"},
    {Service::unblock_pin, "Unblock PIN / Reset Module", bit(Role::anybody), "None", "POR",
     "Unauthenticated Services", "OPAL-TRY-4"},
    {Service::show_status, "Show Status", bit(Role::anybody), "None",
     "TCG Level 0 Discovery: CC Security Mode Operating Mode Indicator (Byte 30, Bit 0)", "Unauthenticated Services",
     "OPAL-CC-IND"},
    // Not rows of the guide's tables; the setup steps show who performs them.
    {Service::activate, "Activate Locking SP", bit(Role::sid), "Drive Owner (model: Opal Activate in the Admin SP)",
     "TCG Activate Method", "Setup step 1", "OPAL-SP-1"},
    {Service::makers, "Enable/Disable Makers", bit(Role::sid), "Drive Owner", "TCG Set Method", "Setup step 7",
     "OPAL-ACL-MAKERS"},
    {Service::set_try_limit, "Set TryLimit", bit(Role::locking_admin) | bit(Role::user) | bit(Role::sid),
     "as Set PIN (E-OPAL-SETTABLE)", "TCG Set Method", "TCG Opal Setting Try Limits", "OPAL-TRY-5"},
    // Single User Mode. The row grants the operator column; which User (the SUDR's owner only)
    // and which Admin rights the SUDR removes are drive.hpp's (OPAL-SUM-2).
    {Service::sudr_classify, "Enable/Disable Single User Data Range (SUDR)", bit(Role::locking_admin),
     "LockingSP Admin1-4", "TCG Reactivate Method", "Authenticated Services", "OPAL-SUM-1"},
    {Service::sudr_geometry, "Set Range Geometry for SUDR", bit(Role::user) | bit(Role::locking_admin),
     "User1-9 (if User Ownership) , Locking SP Admin1-4 (if Admin Ownership)", "TCG Set Method",
     "Authenticated Services", "OPAL-SUM-3"},
    {Service::sudr_erase, "Cryptographic Erase of SUDR", bit(Role::locking_admin) | bit(Role::user),
     "Locking SP Admin1-4, User1-9", "TCG Erase Method TCG GenKey Method, TCG Erase Method",
     "Authenticated Services", "OPAL-SUM-4"},
    // Not a row of the guide: the DataStore table of the TCG Opal SSC. Model choice: its
    // factory ACL as the model reads it (Get and Set: the Admins class); see OPAL-DS-1.
    {Service::datastore, "DataStore read / write (not in the guide)", bit(Role::locking_admin), "LockingSP Admin1-4 (model)",
     "TCG Get / Set Method on the DataStore byte table", "TCG Opal SSC (model choice)", "OPAL-DS-1"},
}};

inline const AclRow& matrix_row(Service s) {
  for (const auto& r : access_matrix)
    if (r.service == s) return r;
  return access_matrix[0];  // unreachable: every Service has a row (checked by a test)
}
inline bool matrix_allows(Service s, Role r) { return (matrix_row(s).operators & (bit(r) | bit(Role::anybody))) != 0; }
inline std::string_view service_rule(Service s) { return matrix_row(s).rule; }

}  // namespace lockref::opal
