// The Seagate Common Criteria guide's firmware download (seed 000 "Firmware Access Control and
// Firmware Trusted Update", "Firmware Rollback Protection") as a profile of the RFC 4108
// loader, and the image decision the opal machine's firmware download takes from it.
//
//   guide                                                         loader
//   "RSA digital signature algorithm ... key size (modulus) of    algorithms: RSASSA-PSS only,
//    4096 bits", "verified using PKCS #PSS, v2.1"                  RSA keys of exactly 4096 bits
//   "public key in ROM", "the authorized source that signs the    the one trust anchor, an
//    firmware updates is Seagate"                                  authorised firmware signer
//   "downgrading to a lower security version number is not        rollback_floor: an accepted
//    possible ... FW 1 will no longer be compatible"                version v makes v-1 stale
//   "Load complete firmware image"                                max_installed 1: the image
//                                                                  replaces the one installed
// The port ("FW Download Port has to be Unlocked", unlocked by SID) is the opal machine's
// (opal/drive.hpp): it is a precondition of the download service, not a property of the image.
// The guide names no object identifiers: the drive type and the firmware package identifier
// below are model placeholders under the arc the RFC 4108 test data uses.
#pragma once
#include <cstdint>
#include <optional>

#include "lockref/fwpkg/loader.hpp"

namespace lockref::fwpkg::seagate {

inline constexpr std::string_view hw_type = "1.3.6.1.4.1.221121.9.1";      // model placeholder
inline constexpr std::string_view firmware_id = "1.3.6.1.4.1.221121.9.2";  // model placeholder
inline constexpr unsigned rom_key_bits = 4096;

inline Profile profile() {
  Profile p;
  p.name = "seagate";
  p.algorithms.schemes = {SigScheme::rsa_pss};
  p.algorithms.min_rsa_bits = rom_key_bits;
  p.algorithms.max_rsa_bits = rom_key_bits;
  p.rollback_floor = true;
  p.max_installed = 1;
  p.receipts = false;       // the guide reports "an error code" (NVMe status), no RFC 4108 receipts
  p.error_reports = false;
  return p;
}

/// A drive running firmware of this security version, trusting `rom` (the ROM key).
inline State drive_state(std::uint64_t security_version, std::optional<TrustAnchor> rom = std::nullopt) {
  State s;
  s.hw_type = std::string(hw_type);
  s.serial.reset();
  if (rom) s.trust_anchors.push_back(*rom);
  s.installed.emplace_back();  // filled in place: GCC 12 -O3 misreads a moved-in variant (-Wmaybe-uninitialized)
  s.installed.back().name = Preferred{std::string(firmware_id), security_version};
  if (security_version > 0) s.stale.push_back(StaleEntry{std::string(firmware_id), security_version - 1});
  return s;
}

struct ImageDecision {
  bool accepted = false;
  std::optional<ErrorCode> code;
  std::string rule;
  std::uint64_t security_version = 0;  // installed afterwards
};

/// The image decision of opal's FirmwareDownload: the signature verdict (RSA-4096 PSS with the
/// ROM key, opal/firmware.hpp) and the image's security version, decided by the loader with
/// this profile: a failing signature is signatureFailure, a lower version stalePackage.
inline ImageDecision image_decision(std::uint64_t installed, bool signature_ok, std::uint64_t version) {
  const Profile p = profile();
  const State s = drive_state(installed);
  try {
    require_valid_signature(signature_ok, 0, "the image signature does not verify with the ROM key");
    PackageAttributes a;
    a.content_type = std::string(oid::firmware_package);
    a.name = Preferred{std::string(firmware_id), version};
    a.targets = {std::string(hw_type)};
    auto acc = decide_verified(p, s, a, 0, [] { return std::optional<Bytes>{}; });
    return {true, std::nullopt, "FWPKG-ACCEPT-1", std::get<Preferred>(acc.next.installed.front().name).version};
  } catch (const Reject& r) {
    return {false, r.r.code, r.r.rule, installed};
  }
}

}  // namespace lockref::fwpkg::seagate
