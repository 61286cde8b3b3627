// OCP L.O.C.K. 0.9 encryption-engine SFRs: the register map, the CTRL register fields,
// the CTRL command and error codes, and KMB's mapping of engine errors to Table 57.
//
// Sources (seed 001_30ed4cd62c635f55.txt):
//   §4.7.1.2    Table 5 (SFR map), the "unallocated" sentence (errata E-EE-T5-UNALLOCATED)
//   §4.7.1.2.1  Table 6 MEK (64 bytes, WO)
//   §4.7.1.2.2  Table 7 METD (20 bytes, RW)
//   §4.7.1.2.3  Table 8 AUX (32 bytes, RW)
//   §4.7.1.2.4  Table 9 CTRL, Table 10 error codes, Table 11 command codes
//   §4.7.2.23   Table 57 LOCK_ENGINE_CODE (errata E-LOCK-T57-ENGINE-CODE)
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lockref/core/enum.hpp"
#include "lockref/core/result.hpp"

namespace lockref::engine {

// ---- Table 5: the SFR map, offsets from OCP_LOCK_MEK_ADDRESS --------------------------

enum class Reg : std::uint8_t { mek, metd, aux, ctrl };
constexpr auto enum_names(Reg) {
  return std::array{EnumName{Reg::mek, "MEK"}, EnumName{Reg::metd, "METD"}, EnumName{Reg::aux, "AUX"},
                    EnumName{Reg::ctrl, "CTRL"}};
}

struct RegInfo {
  Reg reg;
  std::uint32_t offset;  // from OCP_LOCK_MEK_ADDRESS
  std::uint32_t size;    // bytes
  bool kmb_readable;     // Table 6-9 "Type" column: WO / RW
};

/// Table 5 (offsets and byte sizes), Tables 6-9 (types).
inline constexpr std::array<RegInfo, 4> register_map{{
    {Reg::mek, 0x00, 0x40, false},   // Table 6: MEK, WO
    {Reg::metd, 0x40, 0x14, true},   // Table 7: METD, RW
    {Reg::aux, 0x60, 0x20, true},    // Table 8: AUX, RW
    {Reg::ctrl, 0x80, 0x04, true},   // Table 9: CTRL
}};

constexpr RegInfo reg_info(Reg r) {
  for (const auto& i : register_map)
    if (i.reg == r) return i;
  return register_map[0];  // unreachable: every Reg is in the map
}

inline constexpr std::uint32_t mek_length = 0x40;  // OCP_LOCK_MEK_LENGTH, "shall be set to 40h" (§4.7.1.2)
inline constexpr std::size_t mek_size = 64, metd_size = 20, aux_size = 32;
static_assert(reg_info(Reg::mek).size == mek_size && reg_info(Reg::metd).size == metd_size &&
              reg_info(Reg::aux).size == aux_size);

/// The byte range §4.7.1.2 calls "intentionally unallocated", read literally:
/// OCP_LOCK_MEK_ADDRESS + OCP_LOCK_MEK_LENGTH + 14h .. 20h inclusive = 54h..60h inclusive.
struct ByteRange {
  std::uint32_t first, last;  // inclusive
};
inline constexpr ByteRange unallocated_literal{mek_length + 0x14, mek_length + 0x20};
/// The gap Table 5 actually leaves between METD (40h..53h) and AUX (60h..7Fh): 54h..5Fh.
inline constexpr ByteRange unallocated_table5{reg_info(Reg::metd).offset + reg_info(Reg::metd).size,
                                              reg_info(Reg::aux).offset - 1};

/// The register holding byte `offset`, if any (Table 5).
constexpr std::optional<Reg> reg_at(std::uint32_t offset) {
  for (const auto& i : register_map)
    if (offset >= i.offset && offset < i.offset + i.size) return i.reg;
  return std::nullopt;
}

// ---- Table 9: CTRL fields -------------------------------------------------------------

inline constexpr std::uint32_t rdy_bit = 1u << 31;       // 31     RO  Ready
inline constexpr std::uint32_t err_shift = 16;           // 19:16  RO  Error
inline constexpr std::uint32_t err_mask = 0xFu << 16;
inline constexpr std::uint32_t cmd_shift = 2;            // 5:2    RW  Command
inline constexpr std::uint32_t cmd_mask = 0xFu << 2;
inline constexpr std::uint32_t done_bit = 1u << 1;       // 1      RW  Done
inline constexpr std::uint32_t exe_bit = 1u << 0;        // 0      RW  Execute
/// 30:20 and 15:6: Reserved, RO, reset 0h ("reserved bits read as zero").
inline constexpr std::uint32_t reserved_mask = 0x7FF00000u | 0x0000FFC0u;
static_assert((reserved_mask & (rdy_bit | err_mask | cmd_mask | done_bit | exe_bit)) == 0);
static_assert((reserved_mask | rdy_bit | err_mask | cmd_mask | done_bit | exe_bit) == 0xFFFFFFFFu);

/// The CTRL register as fields. Reset value (Table 9): every field 0.
struct Ctrl {
  bool rdy = false;
  std::uint8_t err = 0;  // 4 bits
  std::uint8_t cmd = 0;  // 4 bits
  bool done = false;
  bool exe = false;
  friend bool operator==(const Ctrl&, const Ctrl&) = default;
};

constexpr std::uint32_t encode(const Ctrl& c) {
  return (c.rdy ? rdy_bit : 0u) | ((std::uint32_t{c.err} & 0xFu) << err_shift) |
         ((std::uint32_t{c.cmd} & 0xFu) << cmd_shift) | (c.done ? done_bit : 0u) | (c.exe ? exe_bit : 0u);
}

/// Fields of a 32-bit CTRL value. Reserved bits are ignored here; see reserved_bits().
constexpr Ctrl decode(std::uint32_t v) {
  return Ctrl{(v & rdy_bit) != 0, static_cast<std::uint8_t>((v & err_mask) >> err_shift),
              static_cast<std::uint8_t>((v & cmd_mask) >> cmd_shift), (v & done_bit) != 0, (v & exe_bit) != 0};
}
constexpr std::uint32_t reserved_bits(std::uint32_t v) { return v & reserved_mask; }

/// "0x80000002": how transcripts and reports write a CTRL value.
inline std::string ctrl_hex(std::uint32_t v) {
  static constexpr char d[] = "0123456789abcdef";
  std::string s = "0x";
  for (int i = 7; i >= 0; --i) s.push_back(d[(v >> (4 * i)) & 0xF]);
  return s;
}

/// Parses "0x80000002", "80000002" or "0x8000_0002" (at most 8 hex digits).
inline Result<std::uint32_t> parse_ctrl(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  std::uint32_t v = 0;
  int digits = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') continue;
    int n = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (n < 0) return make_error("CTRL value: invalid hex character '" + std::string(1, c) + "' at offset " + std::to_string(i));
    if (++digits > 8) return make_error("CTRL value: more than 8 hex digits (CTRL is 32 bits, Table 9)");
    v = (v << 4) | static_cast<std::uint32_t>(n);
  }
  if (digits == 0) return make_error("CTRL value: no hex digits");
  return v;
}

// ---- Table 11: CTRL command codes -----------------------------------------------------

enum class Command : std::uint8_t { load_mek = 1, unload_mek = 2, zeroize = 3 };
constexpr auto enum_names(Command) {
  return std::array{EnumName{Command::load_mek, "load_mek"}, EnumName{Command::unload_mek, "unload_mek"},
                    EnumName{Command::zeroize, "zeroize"}};
}
/// Table 11: 0h and 4h..Fh are reserved.
constexpr bool is_defined_command(std::uint8_t code) { return code >= 1 && code <= 3; }

// ---- Table 10: CTRL error codes -------------------------------------------------------

enum class ErrClass : std::uint8_t { success, reserved, vendor };
constexpr auto enum_names(ErrClass) {
  return std::array{EnumName{ErrClass::success, "success"}, EnumName{ErrClass::reserved, "reserved"},
                    EnumName{ErrClass::vendor, "vendor_specific"}};
}
/// Table 10: 0h command successful; 1h..3h reserved; 4h..Fh vendor specific.
constexpr ErrClass err_class(std::uint8_t err) {
  if (err == 0) return ErrClass::success;
  if (err <= 3) return ErrClass::reserved;
  return ErrClass::vendor;
}
constexpr bool is_vendor_error(std::uint8_t err) { return err >= 4 && err <= 0xF; }

// ---- Table 57: what KMB reports for an engine error -----------------------------------

/// LOCK_ENGINE_CODE + u16 (Table 57): 0x4443_0000 | code. The value is as Table 57 prints
/// it; its mnemonic "ECxx" does not match (errata E-LOCK-T57-ENGINE-CODE).
inline constexpr std::uint32_t lock_engine_code_base = 0x44430000u;
constexpr std::uint32_t lock_engine_code(std::uint16_t vendor_code) { return lock_engine_code_base | vendor_code; }

}  // namespace lockref::engine
