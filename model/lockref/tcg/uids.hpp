// TCG Storage UIDs named in the Key Per I/O application note, as one table of data.
// Every row cites the table of seed 002 where the UID appears in a byte encoding.
// Names follow the note's "Value" column (SMUID, StartSession, ...).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lockref::tcg {

using Uid = std::array<std::uint8_t, 8>;

enum class UidKind : std::uint8_t { object, method };

struct NamedUid {
  std::string_view name;
  std::uint64_t value;
  UidKind kind;
  std::string_view source;  // where seed 002 encodes it
};

inline constexpr std::array named_uids{
    // Session manager and its methods (TCG Core; KPIO AN §3.3.2.3.1 Table 3, §3.3.3.1 Table 5)
    NamedUid{"SMUID", 0x00000000000000FFull, UidKind::object, "KPIO AN §3.3.2.3.1 Table 3"},
    NamedUid{"Properties", 0x000000000000FF01ull, UidKind::method, "KPIO AN §3.3.2.3.1 Table 3"},
    NamedUid{"StartSession", 0x000000000000FF02ull, UidKind::method, "KPIO AN §3.3.3.1 Table 5"},
    NamedUid{"SyncSession", 0x000000000000FF03ull, UidKind::method, "KPIO AN §3.3.3.2 Table 6"},
    // SP methods (Get/Set/Revert/Activate)
    NamedUid{"Get", 0x0000000600000016ull, UidKind::method, "KPIO AN §3.3.4.2 Table 11"},
    NamedUid{"Set", 0x0000000600000017ull, UidKind::method, "KPIO AN §3.3.4.5 Table 14"},
    NamedUid{"Revert", 0x0000000600000202ull, UidKind::method, "KPIO AN §3.3.17.2 Table 36"},
    NamedUid{"Activate", 0x0000000600000203ull, UidKind::method, "KPIO AN §3.3.5.3 Table 18"},
    // Methods seed 002 does not encode; TCG Core 2.01 §6.3 "Assigned UIDs" as transcribed in
    // linux block/sed-opal.c opalmethod[] (CloseSession: Core §5.2.3 SMUID methods).
    NamedUid{"CloseSession", 0x000000000000FF06ull, UidKind::method, "TCG Core §5.2.3 (not in seed 002)"},
    NamedUid{"GenKey", 0x0000000600000010ull, UidKind::method, "TCG Core §6.3 (not in seed 002)"},
    NamedUid{"RevertSP", 0x0000000600000011ull, UidKind::method, "TCG Core §6.3 (not in seed 002)"},
    NamedUid{"Authenticate", 0x000000060000001Cull, UidKind::method, "TCG Core §6.3 (not in seed 002)"},
    // Opal Feature Set: Single User Mode methods (not in seed 002), as transcribed in linux
    // block/sed-opal.c opalmethod[] (OPAL_REACTIVATE, OPAL_ERASE) and sedutil's method table.
    NamedUid{"Reactivate", 0x0000000600000801ull, UidKind::method, "TCG Opal SUM (not in seed 002)"},
    NamedUid{"Erase", 0x0000000600000803ull, UidKind::method, "TCG Opal SUM (not in seed 002)"},
    NamedUid{"ThisSP", 0x0000000000000001ull, UidKind::object, "TCG Core §6.3 (not in seed 002)"},
    NamedUid{"Anybody", 0x0000000900000001ull, UidKind::object, "TCG Core §6.3 (not in seed 002)"},
    // SPs
    NamedUid{"AdminSP", 0x0000020500000001ull, UidKind::object, "KPIO AN §3.3.4.1.1 Table 10"},
    NamedUid{"KeyPerIOSP", 0x0000020500000003ull, UidKind::object, "KPIO AN §3.3.3.1 Table 5"},
    // Authorities
    NamedUid{"SID", 0x0000000900000006ull, UidKind::object, "KPIO AN §3.3.4.4 Table 13"},
    NamedUid{"Admin1", 0x0000000900010001ull, UidKind::object, "KPIO AN §3.3.3.1 Table 5"},
    // C_PIN rows
    NamedUid{"C_PIN_SID", 0x0000000B00000001ull, UidKind::object, "KPIO AN §3.3.4.5 Table 14"},
    NamedUid{"C_PIN_MSID", 0x0000000B00008402ull, UidKind::object, "KPIO AN §3.3.4.2 Table 11"},
    NamedUid{"C_PIN_Admin1", 0x0000000B00010001ull, UidKind::object, "KPIO AN §3.3.6.2 Table 21"},
    // Key Per I/O SP tables
    NamedUid{"Certificate1", 0x0000000A00000001ull, UidKind::object, "KPIO AN §3.4.5.4 Table 53"},
    NamedUid{"KeyTagAllocation1", 0x0000120100000001ull, UidKind::object, "KPIO AN §3.3.7.2 Table 22"},
    NamedUid{"NULLKeyEncryptionKey", 0x0000120200000001ull, UidKind::object, "KPIO AN §3.3.12.2 Table 27"},
    NamedUid{"PKIPublicKeyEncryptionKey", 0x0000120200000002ull, UidKind::object, "KPIO AN §3.3.14.2 Table 29"},
    NamedUid{"KeyEncryptionKey1", 0x0000120200010001ull, UidKind::object, "KPIO AN §3.3.9.2 Table 24"},
    NamedUid{"KeyEncryptionKey2", 0x0000120200010002ull, UidKind::object, "KPIO AN §3.4.4.3 Table 48"},
    NamedUid{"KPIOPolicies", 0x0000120300000001ull, UidKind::object, "KPIO AN §3.3.8.2 Table 23"},
    NamedUid{"KeyPerIOPublicKeyCertificateData", 0x0000120400000000ull, UidKind::object, "KPIO AN §3.4.5.4.1 Table 54"},
};

constexpr Uid to_uid(std::uint64_t v) {
  Uid u{};
  for (std::size_t i = 0; i < 8; ++i) u[i] = static_cast<std::uint8_t>(v >> (8 * (7 - i)));
  return u;
}

constexpr std::uint64_t uid_value(const Uid& u) {
  std::uint64_t v = 0;
  for (auto b : u) v = (v << 8) | b;
  return v;
}

inline std::optional<NamedUid> uid_by_name(std::string_view name) {
  for (const auto& n : named_uids)
    if (n.name == name) return n;
  return std::nullopt;
}

/// The name of a UID; where an object and a method share a value, `kind` decides.
inline std::optional<std::string_view> uid_name(std::uint64_t v, std::optional<UidKind> kind = std::nullopt) {
  for (const auto& n : named_uids)
    if (n.value == v && (!kind || n.kind == *kind)) return n.name;
  return std::nullopt;
}

}  // namespace lockref::tcg
