// RFC 4108 firmware packages: the values the loader keeps and the package says, as
// Hana-reflected structs (JSON through core/json.hpp; bytes as lowercase hex).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/json.hpp"
#include "lockref/fwpkg/names.hpp"

namespace lockref::fwpkg {

// ---- names (§2.2.3) ---------------------------------------------------------------------

/// PreferredPackageIdentifier: "a combination of an object identifier and a version number".
/// verNum is INTEGER (0..MAX); the model holds versions up to 2^64-1.
struct Preferred {
  static constexpr std::string_view tag = "preferred";
  std::string oid;
  std::uint64_t version = 0;
  friend bool operator==(const Preferred&, const Preferred&) = default;
};
/// "A legacy firmware package name is an octet string, and no structure within the octet
/// string is assumed."
struct Legacy {
  static constexpr std::string_view tag = "legacy";
  Bytes name;
  friend bool operator==(const Legacy&, const Legacy&) = default;
};
/// PreferredOrLegacyPackageIdentifier.
using PackageName = std::variant<Preferred, Legacy>;

/// PreferredOrLegacyStalePackageIdentifier.
struct StaleVersion {
  static constexpr std::string_view tag = "preferred_stale";
  std::uint64_t version = 0;
  friend bool operator==(const StaleVersion&, const StaleVersion&) = default;
};
struct StaleLegacy {
  static constexpr std::string_view tag = "legacy_stale";
  Bytes name;
  friend bool operator==(const StaleLegacy&, const StaleLegacy&) = default;
};
using Stale = std::variant<StaleVersion, StaleLegacy>;

// ---- community identifiers (§2.2.8) -------------------------------------------------------

enum class SerialKind : std::uint8_t { all, single, block };
constexpr auto enum_names(SerialKind) {
  return std::array{EnumName<SerialKind>{SerialKind::all, "all"}, EnumName<SerialKind>{SerialKind::single, "single"},
                    EnumName<SerialKind>{SerialKind::block, "block"}};
}
/// HardwareSerialEntry: all NULL | single OCTET STRING | block {low, high}.
struct SerialEntry {
  SerialKind kind = SerialKind::all;
  Bytes low;   // single: the serial number; block: the lowest
  Bytes high;  // block: the highest
  friend bool operator==(const SerialEntry&, const SerialEntry&) = default;
};
/// CommunityIdentifier: communityOID | hwModuleList {hwType, hwSerialEntries}.
struct Community {
  std::optional<std::string> oid;  // communityOID
  std::string hw_type;             // hwModuleList.hwType (when oid is absent)
  std::vector<SerialEntry> serials;
  friend bool operator==(const Community&, const Community&) = default;
};

// ---- the loader's persistent state ---------------------------------------------------------

/// §1.2.4: "A trust anchor MUST consist of a public key signature algorithm and an associated
/// public key ... MUST also include a public key identifier ... MAY also include an X.500
/// distinguished name." The algorithm and key are the DER SubjectPublicKeyInfo.
struct TrustAnchor {
  Bytes key_id;                  // public key identifier (matched against the SignerInfo sid)
  Bytes public_key;              // DER SubjectPublicKeyInfo (RSA or EC P-256/P-384)
  std::optional<Bytes> dn;       // DER Name; kept, but certification paths are out of the model's reach
  bool firmware_signer = true;   // §4.1.3 notAuthorized: "not an authorized firmware package signer"
  friend bool operator==(const TrustAnchor&, const TrustAnchor&) = default;
};

/// An installed firmware package: its name, type and the dependencies it declared (§2.2.9).
struct Installed {
  PackageName name;
  std::optional<std::int64_t> type;
  std::vector<PackageName> dependencies;
  friend bool operator==(const Installed&, const Installed&) = default;
};

/// §1.2.3.2: "the object identifier of the firmware package and the stale version number".
struct StaleEntry {
  std::string oid;
  std::uint64_t version = 0;
  friend bool operator==(const StaleEntry&, const StaleEntry&) = default;
};

/// A firmware-decryption key (§2.2.5) or a key-encryption key for the wrapped-firmware-
/// decryption-key attribute (§2.3.1, KEKRecipientInfo with AES key wrap), by identifier.
struct DecryptKey {
  Bytes id;
  Bytes key;  // AES key: 16, 24 or 32 bytes
  friend bool operator==(const DecryptKey&, const DecryptKey&) = default;
};

/// §3, §4: the module's own signing key for signed receipts and error reports, and the
/// designator of its certificate (the public key identifier, SignerInfo version 3).
struct ModuleKey {
  Bytes key_id;
  Bytes private_key;                 // DER PKCS #8 PrivateKeyInfo (RSA or EC P-256/P-384)
  std::optional<Bytes> certificate;  // DER X.509 certificate, included in signed reports when present
  friend bool operator==(const ModuleKey&, const ModuleKey&) = default;
};

}  // namespace lockref::fwpkg

BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Preferred, oid, version);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Legacy, name);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::StaleVersion, version);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::StaleLegacy, name);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::SerialEntry, kind, low, high);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Community, oid, hw_type, serials);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::TrustAnchor, key_id, public_key, dn, firmware_signer);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Installed, name, type, dependencies);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::StaleEntry, oid, version);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::DecryptKey, id, key);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::ModuleKey, key_id, private_key, certificate);
