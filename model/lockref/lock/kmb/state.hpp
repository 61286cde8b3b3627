// OCP L.O.C.K. 0.9 KMB: where every CSP lives (Tables 1 and 2), the DRBG (§4.6.6) and the
// platform KMB runs on. Pure values.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockref/core/json.hpp"
#include "lockref/crypto/drbg.hpp"
#include "lockref/engine/system.hpp"
#include "lockref/lock/epoch.hpp"

namespace lockref::lock::kmb {

/// The secrets of the device below KMB (never visible to a mailbox user): the IDevID CDI
/// Caliptra ROM derives from the DICE UDS (Figure 37 [012]-[015]) and the 256-bit HEK seed of
/// every fuse slot (§4.6.4.1). In the model they derive from the run's seed.
struct Platform {
  Bytes idevid_cdi;              // 64 bytes (HMAC512 output)
  std::vector<Bytes> hek_seeds;  // one 32-byte seed per slot
  friend bool operator==(const Platform&, const Platform&) = default;
};

/// Caliptra Key Vault slots 16-23, reserved for OCP L.O.C.K. (§4.6.1, Table 1). Slots that
/// Table 1 zeroizes "after each use" (17 EPK, 19 Locked MPK encryption key, 21 MEK secret,
/// 23 MEK) are empty between commands (invariant kmb.kv_transients_empty).
struct KeyVault {
  std::optional<Bytes> mdk;         // 16: derived at cold reset, lost on cold reset
  std::optional<Bytes> epk;         // 17: zeroized after each use
  std::optional<Bytes> vek;         // 18: generated on first use, lost on cold reset (§4.6.1.5)
  std::optional<Bytes> locked_mpk_key;  // 19: zeroized after each use
  std::optional<Bytes> mpk_secret;  // 20: INITIALIZE_MEK_SECRET / MIX_MPK (Figures 43, 47)
  std::optional<Bytes> mek_secret;  // 21: zeroized after each use
  std::optional<Bytes> hek;         // 22: derived at cold reset; zeroized if unavailable (Figure 37 [036])
  std::optional<Bytes> mek;         // 23: zeroized after programming the engine
  friend bool operator==(const KeyVault&, const KeyVault&) = default;
};

/// One HPKE keypair in KMB firmware memory (Table 2: HPKE private keys are firmware-managed).
struct Keypair {
  std::uint32_t handle = 0;
  std::uint32_t hpke_algorithm = 0;  // Table 20 bit
  Bytes sk, pk;
  friend bool operator==(const Keypair&, const Keypair&) = default;
};

/// REPORT_HEK_METADATA's arguments once reported (an optional that is always present in the
/// state's JSON, so a transcript may state "not reported").
struct HekReport {
  bool reported = false;
  epoch::HekMetadata value;
  explicit operator bool() const { return reported; }
  const epoch::HekMetadata* operator->() const { return &value; }
  const epoch::HekMetadata& operator*() const { return value; }
  HekReport& operator=(const epoch::HekMetadata& m) {
    reported = true;
    value = m;
    return *this;
  }
  void reset() { *this = HekReport{}; }
  friend bool operator==(const HekReport&, const HekReport&) = default;
};

/// Where KMB is since the last cold reset: Caliptra ROM (only REPORT_HEK_METADATA is
/// exposed, §4.7.2.4) or runtime firmware.
enum class Boot : std::uint8_t { rom, runtime };
constexpr auto enum_names(Boot) { return std::array{EnumName{Boot::rom, "rom"}, EnumName{Boot::runtime, "runtime"}}; }

struct State {
  epoch::State fuses;        // the device's HEK fuse bank, lifecycle and SEK (lock/epoch.hpp)
  Platform platform;
  Boot boot = Boot::rom;
  /// REPORT_HEK_METADATA as MCU ROM reported it this cold boot (none: never reported).
  HekReport hek_metadata;
  KeyVault kv;
  std::vector<Keypair> hpke;       // one per supported algorithm, in Table 20 bit order
  std::uint32_t next_handle = 1;
  crypto::HmacDrbg drbg;           // §4.6.6, seeded from the TRNG
  std::uint64_t trng_samples = 0;  // TRNG samples drawn so far (one per instantiate/reseed)
  bool fatal = false;              // a fatal error happened (§4.7.2.23.1); cleared by cold reset
  engine::sys::State engine;       // the encryption engine behind the SFRs, and KMB's driver
  friend bool operator==(const State&, const State&) = default;
};

}  // namespace lockref::lock::kmb

BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::Platform, idevid_cdi, hek_seeds);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::KeyVault, mdk, epk, vek, locked_mpk_key, mpk_secret, mek_secret, hek, mek);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::HekReport, reported, value);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::Keypair, handle, hpke_algorithm, sk, pk);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::State, fuses, platform, boot, hek_metadata, kv, hpke, next_handle, drbg,
                        trng_samples, fatal, engine);
