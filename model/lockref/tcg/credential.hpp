// TCG C_PIN credentials: PIN, Tries, TryLimit, Persistence (TCG Core 2.01 C_PIN table),
// and the authentication rule every SP applies to them. Opal (seed 000) and the Key Per
// I/O SP (seed 002) share this code; each keeps its own row type (Opal adds Seagate
// columns), so the rules are written over any row that has the four Core columns.
//
// Column semantics [CORE-C_PIN] (as recorded in opal/tcg_core.hpp c_pin_columns):
//   TryLimit 0 = no limit; Tries counts failed authentications and is reset to 0 by a
//   successful one; Persistence FALSE = Tries is reset to 0 by a power cycle.
#pragma once
#include <cstdint>
#include <string>

#include "lockref/core/json.hpp"

namespace lockref::tcg {

/// Anything with the four Core C_PIN columns.
template <class C>
concept CPinRow = requires(C c) {
  { c.pin } -> std::convertible_to<std::string>;
  { c.tries } -> std::convertible_to<std::uint32_t>;
  { c.try_limit } -> std::convertible_to<std::uint32_t>;
  { c.persistent } -> std::convertible_to<bool>;
};

/// The Core C_PIN row itself (the Key Per I/O SP's rows use it as is).
struct CPin {
  std::string pin;
  std::uint32_t tries = 0;
  std::uint32_t try_limit = 0;
  bool persistent = false;
  friend bool operator==(const CPin&, const CPin&) = default;
};

/// At the limit: TryLimit non-zero and Tries has reached it.
template <CPinRow C>
bool locked_out(const C& c) {
  return c.try_limit != 0 && c.tries >= c.try_limit;
}

enum class PinCheck : std::uint8_t {
  ok,           // the PIN matched; Tries reset to 0
  wrong,        // the PIN did not match; Tries counted (NOT_AUTHORIZED)
  locked_out,   // at the limit; nothing counted (AUTHORITY_LOCKED_OUT)
};

/// Presents `pin` to the row and updates Tries. `refuse_correct_at_limit`: whether a correct
/// PIN is refused once the limit is reached (seed 000 [TRY]; errata E-OPAL-AT-LIMIT).
template <CPinRow C>
PinCheck present_pin(C& c, const std::string& pin, bool refuse_correct_at_limit = true) {
  if (locked_out(c) && (refuse_correct_at_limit || c.pin != pin)) return PinCheck::locked_out;
  if (c.pin == pin) {
    c.tries = 0;
    return PinCheck::ok;
  }
  if (c.tries < UINT32_MAX) ++c.tries;
  return PinCheck::wrong;
}

/// The status a PinCheck reports ([CORE-5.1.5]).
inline std::string_view pin_check_status(PinCheck r) {
  switch (r) {
    case PinCheck::ok: return "ok";
    case PinCheck::wrong: return "NOT_AUTHORIZED";
    case PinCheck::locked_out: return "AUTHORITY_LOCKED_OUT";
  }
  return "FAIL";
}

/// Power cycle: Tries of a non-persistent row is reset to 0.
template <CPinRow C>
void on_power_cycle(C& c) {
  if (!c.persistent) c.tries = 0;
}

/// A new TryLimit: Tries never stays above it.
template <CPinRow C>
void set_try_limit(C& c, std::uint32_t limit) {
  c.try_limit = limit;
  if (c.try_limit != 0 && c.tries > c.try_limit) c.tries = c.try_limit;
}

}  // namespace lockref::tcg

BOOST_HANA_ADAPT_STRUCT(lockref::tcg::CPin, pin, tries, try_limit, persistent);
