// RFC 4108 bootstrap loader as a pure state machine (seed 003 §1.2–§1.5; the whole RFC in
// ../shared/external-vectors/rfc4108/rfc4108.txt for §2–§6).
//
// State: what the hardware module keeps in non-volatile memory (§1.2, §1.2.1, §1.2.3, §1.2.4):
// hardware module type and serial number, trust anchors, community memberships, installed
// packages with their dependencies, the stale-version lists (§1.2.3.1 legacy names, §1.2.3.2
// preferred OID + version), firmware-decryption keys, and the module's signing key.
// Event: load a package given as DER bytes (§1.5: "Section 2 ... defines the format that MUST
// be presented to the hardware module").
// Decision (the order of §1.2.3's paragraphs; errata E-FWPKG-ORDER), first failure wins:
//   structure      ContentInfo, SignedData, EncapsulatedContentInfo, certificates, SignerInfo,
//                  signed and unsigned attributes (codes 1–9)             fwpkg/cms.hpp
//   signature      trust anchor, algorithms, key size, parameters, signature (10–15, 35)
//                                                                          fwpkg/verify.hpp
//   content type   eContentType = the content-type attribute (16)
//   hardware       the module's type is a target (27)                      §1.2.3, §2.2.4
//   community      a member of a listed community (29)                     §1.2.3, §2.2.8
//   package type   fwPkgType supported (30)                                §2.2.9
//   decrypt        EncryptedData, key, decryption (17–23)                  §1.2.3, §2.1.3
//   decompress     CompressedData, zlib (4, 24–26), size bound (33)        §2.1.4
//   firmware       firmware-package-message-digest (34)                    §2.2.10
//   stale          §1.2.3.1/§1.2.3.2 stale lists (28)
//   dependencies   missing (31), too old (32), breaks another package (36) §1.3, §2.2.9
//   memory         room for one more package (33)
// Profile::order = cheap_first moves decryption and decompression after the stale,
// dependency and memory checks. Accepted: the package replaces the installed package of the
// same identity (same fwPkgID, or the same legacy family) or is added; a stale version it
// designates is recorded; a warning when an earlier version replaces a later one (§1.2.3);
// a load receipt (§3). Rejected: nothing changes; a load error report (§4).
#pragma once
#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/machine.hpp"
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/keywrap.hpp"
#include "lockref/fwpkg/cms.hpp"
#include "lockref/fwpkg/inflate.hpp"
#include "lockref/fwpkg/report.hpp"
#include "lockref/fwpkg/verify.hpp"

namespace lockref::fwpkg {

// ---- profile --------------------------------------------------------------------------------

/// E-FWPKG-ORDER: RFC 4108 lists the error codes but no order among the checks.
enum class DecisionOrder : std::uint8_t {
  rfc_text,     // §1.2.3's paragraphs: signature, hardware, community, decrypt; then stale (§1.2.3), dependencies (§1.3)
  cheap_first,  // the checks on signed attributes (stale, dependencies, memory) before decrypting and decompressing
};
constexpr auto enum_names(DecisionOrder) {
  return std::array{EnumName<DecisionOrder>{DecisionOrder::rfc_text, "rfc_text"}, EnumName<DecisionOrder>{DecisionOrder::cheap_first, "cheap_first"}};
}

/// E-FWPKG-LEGACY: how two legacy names compare (§1.2.2: "we assume that the firmware signer
/// and the bootstrap loader will be able to determine which one represents the newer
/// version"). natural: names are of one family when they are equal after every run of ASCII
/// digits is replaced by one placeholder ("fw-1.2.3" and "fw-1.10.0" are; "fw-1.2" is not);
/// within a family the digit runs compare as numbers, left to right.
enum class LegacyOrder : std::uint8_t { natural };
constexpr auto enum_names(LegacyOrder) { return std::array{EnumName<LegacyOrder>{LegacyOrder::natural, "natural"}}; }

struct Profile {
  std::string name = "rfc4108";
  AlgorithmPolicy algorithms;
  DecisionOrder order = DecisionOrder::rfc_text;
  LegacyOrder legacy_order = LegacyOrder::natural;
  /// Seagate rollback protection (seed 000 "Firmware Rollback Protection": "downgrading to a
  /// lower security version number is not possible"): an accepted preferred package (P, v)
  /// also makes (P, v-1) stale, as if it carried that stale version number.
  bool rollback_floor = false;
  /// Entries per stale list (§1.2.3.1/§1.2.3.2 "depends on the amount of storage"); 0 =
  /// unbounded. When full, the oldest entry makes room (§6.3's example).
  std::uint32_t stale_capacity = 0;
  /// Packages the module holds at once; one more is insufficientMemory (§4.1.3, 33).
  std::uint32_t max_installed = 8;
  /// Largest firmware (after decryption and decompression), bytes; larger is insufficientMemory.
  std::uint64_t max_firmware_size = std::uint64_t{16} << 20;
  /// fwPkgType values this module and loader support (§4.1.3 unsupportedPackageType); empty: any.
  std::vector<std::int64_t> package_types;
  /// §2.2.10: "The bootstrap loader MAY use this message digest to confirm that the intended
  /// firmware package has been recovered"; a mismatch is badFirmware (E-FWPKG-FWDIGEST).
  bool check_firmware_digest = true;
  /// §3 and §4: receipt and error report generation are OPTIONAL; they need a serial number.
  bool receipts = true;
  bool error_reports = true;
  /// §4.1.3 config: "RECOMMENDED for hardware modules that permit the loading of more than one".
  bool report_config = true;
  /// The codes and orders RFC 4108 leaves open (spec/errata.md E-FWPKG-*).
  CodeChoices codes;
  /// Candidate events (explore, corpus): versions 0..explore_versions of the example packages.
  std::uint8_t explore_versions = 2;
  friend bool operator==(const Profile&, const Profile&) = default;
};

// ---- state, event, output ----------------------------------------------------------------

struct State {
  std::string hw_type = "1.3.6.1.4.1.221121.1.1.42";  // §1.2.1 "A unique object identifier MUST name each hardware module type"
  std::optional<Bytes> serial;                         // §1.2.1 "SHOULD have a unique permanent serial number"
  std::vector<TrustAnchor> trust_anchors;              // §1.2.3 "One or more trust anchors MUST be installed"
  std::vector<std::string> communities;                // §2.2.8 community OIDs the module is a member of
  std::vector<Installed> installed;
  std::vector<Bytes> stale_legacy;                     // §1.2.3.1
  std::vector<StaleEntry> stale;                       // §1.2.3.2
  std::vector<DecryptKey> decrypt_keys;
  std::optional<ModuleKey> module_key;
  friend bool operator==(const State&, const State&) = default;
};

/// Load a firmware package (DER).
struct Load {
  static constexpr std::string_view tag = "load";
  Bytes package;
};
using Event = std::variant<Load>;

struct Output {
  std::string status = "ok";          // "ok" or the §4.1.3 error code name
  std::string rule;                   // requirement id (spec/requirements/fwpkg.json)
  std::string decision = "accept";    // accept | reject
  std::optional<std::uint8_t> error_code;  // §4.1.3 FirmwarePackageLoadErrorCode value
  std::optional<std::uint64_t> offset;     // where in the package the problem is
  std::string detail;
  std::optional<PackageName> package;      // the package's name, once its signature verified
  std::optional<std::string> warning;      // §1.2.3 earlier version replaces a later one
  std::optional<Bytes> receipt;            // §3 load receipt (DER)
  std::optional<Bytes> error_report;       // §4 load error report (DER)
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  std::vector<std::string> configuration;  // installed packages, "oid v7" / "legacy:<hex>"
  friend bool operator==(const View&, const View&) = default;
};

// ---- names: identity, order, satisfaction ---------------------------------------------------

inline std::string describe(const PackageName& n) {
  if (const auto* p = std::get_if<Preferred>(&n)) return p->oid + " v" + std::to_string(p->version);
  return "legacy:" + to_hex(std::get<Legacy>(n).name);
}

namespace legacy {
/// The family of a legacy name: each digit run replaced by the two placeholder octets FF FE
/// (0xff never occurs in the textual names §2.2.12 shows; a name holding them still has a
/// family, the same as its digit-run twin's).
inline Bytes family(ByteView n) {
  Bytes f;
  for (std::size_t i = 0; i < n.size();) {
    if (n[i] >= '0' && n[i] <= '9') {
      while (i < n.size() && n[i] >= '0' && n[i] <= '9') ++i;
      f.push_back(0xFF);
      f.push_back(0xFE);
    } else {
      f.push_back(n[i++]);
    }
  }
  return f;
}
/// Natural comparison of two names of one family: <0, 0, >0.
inline int compare(ByteView a, ByteView b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = a[i] >= '0' && a[i] <= '9', db = b[j] >= '0' && b[j] <= '9';
    if (da && db) {
      std::size_t i2 = i, j2 = j;
      while (i2 < a.size() && a[i2] >= '0' && a[i2] <= '9') ++i2;
      while (j2 < b.size() && b[j2] >= '0' && b[j2] <= '9') ++j2;
      while (i < i2 - 1 && a[i] == '0') ++i;
      while (j < j2 - 1 && b[j] == '0') ++j;
      if (i2 - i != j2 - j) return (i2 - i) < (j2 - j) ? -1 : 1;
      for (; i < i2; ++i, ++j)
        if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
    ++i;
    ++j;
  }
  return (a.size() - i) == (b.size() - j) ? 0 : (a.size() - i) < (b.size() - j) ? -1 : 1;
}
}  // namespace legacy

/// Two names denote the same firmware package (possibly in other versions): the same fwPkgID,
/// or legacy names of one family. Model choice: the RFC leaves "the disposition of a previously
/// loaded firmware package" open (§1); a package replaces the one with its identity.
inline bool same_package(const PackageName& a, const PackageName& b) {
  const auto* pa = std::get_if<Preferred>(&a);
  const auto* pb = std::get_if<Preferred>(&b);
  if (pa && pb) return pa->oid == pb->oid;
  if (!pa && !pb) return legacy::family(std::get<Legacy>(a).name) == legacy::family(std::get<Legacy>(b).name);
  return false;
}
/// a's version is below b's (same package).
inline bool older(const PackageName& a, const PackageName& b) {
  if (const auto* pa = std::get_if<Preferred>(&a)) return pa->version < std::get<Preferred>(b).version;
  return legacy::compare(std::get<Legacy>(a).name, std::get<Legacy>(b).name) < 0;
}

enum class DepResult : std::uint8_t { met, missing, too_old };
/// §2.2.9: "The object identifier MUST exactly match the object identifier portion of a
/// preferred firmware package name associated with a firmware package that is already loaded,
/// and the integer MUST be less than or equal to the integer portion"; legacy dependencies are
/// met by the named version or a newer one of the same family.
inline DepResult dependency(const std::vector<const PackageName*>& config, const PackageName& dep) {
  bool found = false;
  for (const auto* n : config) {
    if (!same_package(*n, dep)) continue;
    found = true;
    if (!older(*n, dep)) return DepResult::met;
  }
  return found ? DepResult::too_old : DepResult::missing;
}

/// Comparison of serial numbers (E-FWPKG-SERIAL-BLOCK): as unsigned big-endian numbers, or as
/// octet strings.
inline int serial_compare(ByteView a, ByteView b, SerialOrder order = SerialOrder::unsigned_number) {
  if (order == SerialOrder::octets) {
    if (std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end())) return -1;
    return std::equal(a.begin(), a.end(), b.begin(), b.end()) ? 0 : 1;
  }
  while (!a.empty() && a[0] == 0) a = a.subspan(1);
  while (!b.empty() && b[0] == 0) b = b.subspan(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/// §2.2.8: is the module a member of one of the listed communities?
inline bool in_community(const State& s, const std::vector<Community>& list, SerialOrder order = SerialOrder::unsigned_number) {
  for (const auto& c : list) {
    if (c.oid) {
      if (std::find(s.communities.begin(), s.communities.end(), *c.oid) != s.communities.end()) return true;
      continue;
    }
    // "if the bootstrap loader does not have access to the hardware module serial number,
    // then the bootstrap loader MUST behave as though the hardware module is not included".
    if (c.hw_type != s.hw_type || !s.serial) continue;
    for (const auto& e : c.serials) {
      if (e.kind == SerialKind::all) return true;
      if (e.kind == SerialKind::single && serial_compare(e.low, *s.serial, order) == 0) return true;
      if (e.kind == SerialKind::block && serial_compare(e.low, *s.serial, order) <= 0 &&
          serial_compare(*s.serial, e.high, order) <= 0)
        return true;
    }
  }
  return false;
}

/// §1.2.3.1 / §1.2.3.2: is this name stale?
inline bool is_stale(const State& s, const PackageName& n) {
  if (const auto* p = std::get_if<Preferred>(&n)) {
    for (const auto& e : s.stale)
      if (e.oid == p->oid && p->version <= e.version) return true;
    return false;
  }
  const auto& l = std::get<Legacy>(n).name;
  const auto fam = legacy::family(l);
  for (const auto& e : s.stale_legacy)
    if (legacy::family(e) == fam && legacy::compare(l, e) <= 0) return true;
  return false;
}

/// Records a stale version: one entry per package, never lowered; when the list is full the
/// oldest entry leaves (§6.3). An updated entry counts as the newest.
inline void record_stale(const Profile& p, State& s, const PackageName& name, const Stale& st) {
  auto room = [&](auto& list) {
    if (p.stale_capacity && list.size() >= p.stale_capacity) list.erase(list.begin());
  };
  if (const auto* v = std::get_if<StaleVersion>(&st)) {
    const auto& oid = std::get<Preferred>(name).oid;
    std::uint64_t ver = v->version;
    auto it = std::find_if(s.stale.begin(), s.stale.end(), [&](const StaleEntry& e) { return e.oid == oid; });
    if (it != s.stale.end()) {
      ver = std::max(ver, it->version);
      s.stale.erase(it);
    } else {
      room(s.stale);
    }
    s.stale.push_back({oid, ver});
  } else {
    Bytes l = std::get<StaleLegacy>(st).name;
    const auto fam = legacy::family(l);
    auto it = std::find_if(s.stale_legacy.begin(), s.stale_legacy.end(), [&](const Bytes& e) { return legacy::family(e) == fam; });
    if (it != s.stale_legacy.end()) {
      if (legacy::compare(*it, l) > 0) l = *it;
      s.stale_legacy.erase(it);
    } else {
      room(s.stale_legacy);
    }
    s.stale_legacy.push_back(std::move(l));
  }
}

/// Every installed package's dependencies hold in the configuration (§1.3).
inline std::optional<std::string> unmet_dependency(const std::vector<Installed>& config) {
  for (const auto& q : config) {
    std::vector<const PackageName*> others;
    for (const auto& o : config)
      if (&o != &q) others.push_back(&o.name);
    for (const auto& d : q.dependencies)
      if (dependency(others, d) != DepResult::met) return describe(q.name) + " needs " + describe(d);
  }
  return std::nullopt;
}

// ---- the decision after the signature ----------------------------------------------------------

/// What an accepted package does to the state.
struct Acceptance {
  State next;
  std::optional<std::string> warning;
  std::optional<Bytes> decrypt_key_id;  // the key that decrypted it (for the receipt)
};

/// The checks on what the verified signed attributes say, in the profile's order, and the new
/// state. `unwrap()` decrypts and decompresses (the bytes path) and returns the decrypt key id
/// it used. Throws Reject. Both the loader and the opal machine's firmware download (through
/// fwpkg/seagate.hpp) decide here.
template <class Unwrap>
Acceptance decide_verified(const Profile& p, const State& s, const PackageAttributes& a, std::size_t at, Unwrap&& unwrap) {
  Acceptance out;
  auto hardware = [&] {
    if (std::find(a.targets.begin(), a.targets.end(), s.hw_type) == a.targets.end())
      reject(ErrorCode::wrongHardware, at, "hardware module type " + s.hw_type + " is not in target-hardware-module-identifiers",
             "FWPKG-1.2.3-HW");
  };
  auto community = [&] {
    if (a.communities && !in_community(s, *a.communities, p.codes.serial_order))
      reject(ErrorCode::notInCommunity, at, "the module is not a member of a community the package lists", "FWPKG-1.2.3-COMM");
  };
  auto package_type = [&] {
    if (a.package_type && !p.package_types.empty() &&
        std::find(p.package_types.begin(), p.package_types.end(), *a.package_type) == p.package_types.end())
      reject(ErrorCode::unsupportedPackageType, at, "fwPkgType " + std::to_string(*a.package_type) + " is not supported",
             "FWPKG-2.2.9-TYPE");
  };
  auto stale = [&] {
    if (is_stale(s, a.name))
      reject(ErrorCode::stalePackage, at, describe(a.name) + " is stale", "FWPKG-1.2.3-STALE");
  };
  // The configuration after the load: the others, and the new package.
  std::vector<Installed> config;
  std::optional<std::size_t> replaces;
  for (std::size_t i = 0; i < s.installed.size(); ++i) {
    if (same_package(s.installed[i].name, a.name)) replaces = i;
    else config.push_back(s.installed[i]);
  }
  auto dependencies = [&] {
    std::vector<const PackageName*> others;
    for (const auto& o : config) others.push_back(&o.name);
    for (const auto& d : a.dependencies.value_or(std::vector<PackageName>{})) {
      const auto r = dependency(others, d);
      if (r == DepResult::missing)
        reject(ErrorCode::missingDependency, at, "depends on " + describe(d) + ", which is not loaded", "FWPKG-1.3-1");
      if (r == DepResult::too_old)
        reject(ErrorCode::wrongDependencyVersion, at, "depends on " + describe(d) + "; the loaded version is older",
               "FWPKG-1.3-1");
    }
    auto after = config;
    after.push_back(Installed{a.name, a.package_type, a.dependencies.value_or(std::vector<PackageName>{})});
    if (auto why = unmet_dependency(after))
      reject(ErrorCode::breaksDependency, at, "loading it leaves a dependency unmet: " + *why, "FWPKG-1.3-2");
  };
  auto memory = [&] {
    if (!replaces && s.installed.size() >= p.max_installed)
      reject(ErrorCode::insufficientMemory, at,
             "the module holds " + std::to_string(s.installed.size()) + " packages (profile max_installed)", "FWPKG-4.1.3-MEM");
  };
  auto decrypt = [&] { out.decrypt_key_id = unwrap(); };
  hardware();
  community();
  package_type();
  if (p.order == DecisionOrder::rfc_text) decrypt();
  stale();
  dependencies();
  memory();
  if (p.order == DecisionOrder::cheap_first) decrypt();
  // Accepted.
  State n = s;
  Installed inst{a.name, a.package_type, a.dependencies.value_or(std::vector<PackageName>{})};
  if (replaces) {
    if (older(a.name, s.installed[*replaces].name))
      out.warning = "an earlier version (" + describe(a.name) + ") replaces a later one (" +
                    describe(s.installed[*replaces].name) + ") (§1.2.3)";
    n.installed[*replaces] = std::move(inst);
  } else {
    n.installed.push_back(std::move(inst));
  }
  if (a.stale) record_stale(p, n, a.name, *a.stale);
  if (p.rollback_floor)
    if (const auto* pref = std::get_if<Preferred>(&a.name); pref && pref->version > 0)
      record_stale(p, n, a.name, StaleVersion{pref->version - 1});
  out.next = std::move(n);
  return out;
}

// ---- decrypting and decompressing (§2.1.3, §2.1.4) -------------------------------------------

inline std::optional<std::size_t> aes_cbc_key_size(std::string_view o) {
  if (o == oid::aes128_cbc) return 16;
  if (o == oid::aes192_cbc) return 24;
  if (o == oid::aes256_cbc) return 32;
  return std::nullopt;
}
inline std::optional<std::size_t> aes_wrap_key_size(std::string_view o) {
  if (o == oid::aes128_wrap) return 16;
  if (o == oid::aes192_wrap) return 24;
  if (o == oid::aes256_wrap) return 32;
  return std::nullopt;
}

/// The firmware inside the package; returns the decrypt key id used (if encrypted).
inline std::optional<Bytes> unwrap_package(const Profile& p, const State& s, const SignedPackage& pkg, Bytes& firmware) {
  std::string type = pkg.econtent_type;
  Bytes content = pkg.econtent;
  std::size_t off = pkg.econtent_offset;
  std::optional<Bytes> used;
  if (type == oid::encrypted_data) {
    const auto ed = read_encrypted_data(content, off, p.codes);
    const char* R = "FWPKG-1.2.3-DECRYPT";
    const auto ksize = aes_cbc_key_size(ed.algorithm.oid);
    if (!ksize)
      reject(ErrorCode::badEncryptAlgorithm, ed.algorithm.offset,
             "contentEncryptionAlgorithm " + ed.algorithm.oid + " is not supported (AES-CBC only)", R);
    Bytes iv;
    try {
      if (!ed.algorithm.params) throw der::Fault{ed.algorithm.offset, "no IV"};
      iv = parse_value(*ed.algorithm.params, ed.algorithm.offset, false, "AES-IV", [](der::Reader& r) { return r.octets("AES-IV"); });
      if (iv.size() != 16) throw der::Fault{ed.algorithm.offset, "IV of " + std::to_string(iv.size()) + " octets"};
    } catch (const der::Fault& f) {
      reject(ErrorCode::badEncryptAlgorithm, ed.algorithm.offset, "AES-CBC parameters: " + f.message + " (RFC 3565: a 16-octet IV)", R);
    }
    if (!pkg.attrs.decrypt_key_id)  // E-FWPKG-NO-KEYID with codes.missing_decrypt_key_id = noDecryptKey
      reject(ErrorCode::noDecryptKey, pkg.signed_attrs_offset,
             "the package is encrypted but names no firmware-decryption key (no decrypt-key-identifier)", "FWPKG-1.2.3-DECRYPT");
    const Bytes& kid = *pkg.attrs.decrypt_key_id;
    std::optional<Bytes> cek;
    for (const auto& k : s.decrypt_keys)
      if (k.id == kid) cek = k.key;
    if (!cek && pkg.wrapped_key) {
      // §2.3.1: the firmware-decryption key wrapped for this link of the distribution chain.
      WrappedKey w;
      try {
        w = read_wrapped_key(*pkg.wrapped_key);
      } catch (const der::Fault& f) {
        reject(ErrorCode::badUnsignedAttrs, f.offset, f.message, "FWPKG-2.3-1");
      }
      if (w.content_type != ed.content_type || w.content_algorithm.oid != ed.algorithm.oid ||
          w.content_algorithm.params != ed.algorithm.params)
        reject(ErrorCode::badUnsignedAttrs, pkg.wrapped_key->value_offset,
               "wrapped-firmware-decryption-key: EncryptedContentInfo does not match the EncryptedData (§2.3.1: MUST match)",
               "FWPKG-2.3-1");
      for (const auto& r : w.recipients) {
        const DecryptKey* kek = nullptr;
        for (const auto& k : s.decrypt_keys)
          if (k.id == r.kek_id) kek = &k;
        if (!kek) continue;
        const auto wsize = aes_wrap_key_size(r.wrap_algorithm.oid);
        if (!wsize || *wsize != kek->key.size())
          reject(ErrorCode::decryptFailure, pkg.wrapped_key->value_offset,
                 "key-encryption algorithm " + r.wrap_algorithm.oid + " does not fit the key-encryption key", R);
        auto k = crypto::aes_kw_unwrap(kek->key, r.wrapped_key);
        if (!k) reject(ErrorCode::decryptFailure, pkg.wrapped_key->value_offset, "wrapped firmware key: " + k.error().message, R);
        cek = *k;
        break;
      }
    }
    if (!cek)
      reject(ErrorCode::noDecryptKey, pkg.signed_attrs_offset,
             "the module has no firmware-decryption key " + to_hex(kid) + " (decrypt-key-identifier)", "FWPKG-1.2.3-DECRYPT");
    if (cek->size() != *ksize)
      reject(ErrorCode::decryptFailure, ed.ciphertext_offset,
             "key " + to_hex(kid) + " is " + std::to_string(cek->size()) + " octets; " + ed.algorithm.oid + " needs " +
                 std::to_string(*ksize),
             R);
    auto pt = crypto::aes_cbc_decrypt(*cek, iv, ed.ciphertext);
    if (!pt) reject(ErrorCode::decryptFailure, ed.ciphertext_offset, pt.error().message, R);
    used = kid;
    type = ed.content_type;
    content = std::move(*pt);
    off = ed.ciphertext_offset;  // offsets inside decrypted content count from the ciphertext
  }
  if (type == oid::compressed_data) {
    const auto cd = read_compressed_data(content, off, p.codes);
    if (cd.algorithm.oid != oid::zlib_compress || !cd.algorithm.params_absent_or_null())
      reject(ErrorCode::badCompressAlgorithm, cd.algorithm.offset,
             "compressionAlgorithm " + cd.algorithm.oid + " is not supported (id-alg-zlibCompress only)", "FWPKG-2.1.4-1");
    auto z = zlib_inflate(cd.compressed, p.max_firmware_size);
    if (z.status == Inflated::Status::too_large) reject(ErrorCode::insufficientMemory, cd.offset, z.detail, "FWPKG-4.1.3-MEM");
    if (z.status != Inflated::Status::ok) reject(ErrorCode::decompressFailure, cd.offset, z.detail, "FWPKG-1.2.3-DECOMPRESS");
    content = std::move(z.data);
  }
  if (content.size() > p.max_firmware_size)
    reject(ErrorCode::insufficientMemory, off,
           "firmware of " + std::to_string(content.size()) + " bytes exceeds profile max_firmware_size", "FWPKG-4.1.3-MEM");
  if (p.check_firmware_digest && pkg.attrs.fw_digest_algorithm) {
    if (const auto h = digest_of(pkg.attrs.fw_digest_algorithm->oid))
      if (crypto::digest(*h, content) != pkg.attrs.fw_digest)
        reject(p.codes.firmware_digest_mismatch, pkg.signed_attrs_offset,
               "firmware-package-message-digest does not match the recovered firmware (§2.2.10)", "FWPKG-2.2.10-1");
  }
  firmware = std::move(content);
  return used;
}

// ---- the machine -----------------------------------------------------------------------------

struct Machine {
  static constexpr std::string_view name = "fwpkg";
  using Profile = fwpkg::Profile;
  using State = fwpkg::State;
  using Event = fwpkg::Event;
  using Output = fwpkg::Output;
  using View = fwpkg::View;
  using R = Step<State, Output>;

  static Status validate(const Profile& p) {
    if (p.algorithms.digests.empty() || p.algorithms.schemes.empty()) return make_error("algorithms: none supported");
    if (p.algorithms.min_rsa_bits > p.algorithms.max_rsa_bits) return make_error("algorithms: min_rsa_bits above max_rsa_bits");
    if (p.max_installed < 1) return make_error("max_installed: at least 1");
    if (p.max_firmware_size < 1 || p.max_firmware_size > (std::uint64_t{1} << 30))
      return make_error("max_firmware_size: 1..2^30 bytes");
    if (p.explore_versions > 4) return make_error("explore_versions: 0..4");
    auto one_of = [](ErrorCode c, std::initializer_list<ErrorCode> ok) {
      return std::find(ok.begin(), ok.end(), c) != ok.end();
    };
    using E = ErrorCode;
    if (!one_of(p.codes.compressed_syntax, {E::badEncapContent, E::decompressFailure}))
      return make_error("codes.compressed_syntax: badEncapContent or decompressFailure");
    if (!one_of(p.codes.missing_decrypt_key_id, {E::badSignedAttrs, E::noDecryptKey}))
      return make_error("codes.missing_decrypt_key_id: badSignedAttrs or noDecryptKey");
    if (!one_of(p.codes.digest_mismatch, {E::badDigestAlgorithm, E::badSignerInfo}))
      return make_error("codes.digest_mismatch: badDigestAlgorithm or badSignerInfo");
    if (!one_of(p.codes.firmware_digest_mismatch, {E::badFirmware, E::decryptFailure, E::decompressFailure}))
      return make_error("codes.firmware_digest_mismatch: badFirmware, decryptFailure or decompressFailure");
    return ok_status();
  }

  /// Is a state given from outside (eval, transcripts) well-formed and one a loader can be in?
  static Status validate_state(const Profile& p, const State& s) {
    if (!der::oid_contents(s.hw_type)) return make_error("hw_type: not an OID");
    for (std::size_t i = 0; i < s.trust_anchors.size(); ++i) {
      const auto& t = s.trust_anchors[i];
      if (auto k = key_info(t.public_key); !k) return make_error("trust_anchors[" + std::to_string(i) + "].public_key: " + k.error().message);
      if (t.key_id.empty()) return make_error("trust_anchors[" + std::to_string(i) + "].key_id: empty (§1.2.4: MUST include a public key identifier)");
      for (std::size_t j = 0; j < i; ++j)
        if (s.trust_anchors[j].key_id == t.key_id) return make_error("trust_anchors: key_id " + to_hex(t.key_id) + " twice");
    }
    for (const auto& c : s.communities)
      if (!der::oid_contents(c)) return make_error("communities: \"" + c + "\" is not an OID");
    for (std::size_t i = 0; i < s.decrypt_keys.size(); ++i) {
      if (!crypto::aes_key_size_ok(s.decrypt_keys[i].key.size()))
        return make_error("decrypt_keys[" + std::to_string(i) + "].key: AES keys are 16, 24 or 32 bytes");
      for (std::size_t j = 0; j < i; ++j)
        if (s.decrypt_keys[j].id == s.decrypt_keys[i].id) return make_error("decrypt_keys: id " + to_hex(s.decrypt_keys[i].id) + " twice");
    }
    if (s.module_key) {
      if (auto k = signer_for(*s.module_key); !k) return make_error("module_key: " + k.error().message);
      if (s.module_key->key_id.empty()) return make_error("module_key.key_id: empty");
    }
    for (std::size_t i = 0; i < s.installed.size(); ++i) {
      if (const auto* pr = std::get_if<Preferred>(&s.installed[i].name); pr && !der::oid_contents(pr->oid))
        return make_error("installed[" + std::to_string(i) + "].name.oid: not an OID");
      for (std::size_t j = 0; j < i; ++j)
        if (same_package(s.installed[i].name, s.installed[j].name))
          return make_error("installed: " + describe(s.installed[i].name) + " and " + describe(s.installed[j].name) + " are one package");
    }
    if (s.installed.size() > p.max_installed) return make_error("installed: more than max_installed packages");
    if (auto why = unmet_dependency(s.installed)) return make_error("installed: a dependency is unmet (" + *why + ")");
    for (std::size_t i = 0; i < s.stale.size(); ++i) {
      if (!der::oid_contents(s.stale[i].oid)) return make_error("stale[" + std::to_string(i) + "].oid: not an OID");
      for (std::size_t j = 0; j < i; ++j)
        if (s.stale[j].oid == s.stale[i].oid) return make_error("stale: " + s.stale[i].oid + " twice (one entry per package)");
    }
    if (p.stale_capacity && (s.stale.size() > p.stale_capacity || s.stale_legacy.size() > p.stale_capacity))
      return make_error("stale lists longer than stale_capacity");
    return ok_status();
  }

  /// lockref's example module: its trust anchor is the example signer of fwpkg/example_keys.hpp.
  static State initial(const Profile&);

  static R step(const Profile& p, const State& s, const Event& e);

  static View observe(const Profile&, const State& s) {
    View v;
    for (const auto& i : s.installed) v.configuration.push_back(describe(i.name));
    return v;
  }
  /// The example packages of fwpkg/builder.hpp (defined in fwpkg/machine.hpp).
  static std::vector<Event> candidate_events(const Profile& p, const State&);
  static std::span<const Invariant<Machine>> invariants();
  static std::string_view view_requirement(std::string_view f) {
    if (f == "stale" || f == "stale_legacy") return "FWPKG-1.2.3-STALE";
    if (f == "installed" || f == "configuration") return "FWPKG-ACCEPT-1";
    return "FWPKG-REJECT-1";
  }
  static std::string label(const Profile&, const State& s) {
    std::string l;
    for (const auto& i : s.installed) {
      if (!l.empty()) l += '\n';
      l.append(describe(i.name));
    }
    if (l.empty()) l = "(nothing installed)";
    for (const auto& e : s.stale) l.append("\nstale ").append(e.oid).append(" <= ").append(std::to_string(e.version));
    for (const auto& e : s.stale_legacy) l.append("\nstale legacy <= ").append(to_hex(e));
    return l;
  }
};

/// A receipt or error report, or none when the state cannot make one (a state that
/// Machine::validate_state refuses: an hw_type or package name that is no OID, an unusable key).
template <class Content>
std::optional<Bytes> make_report(std::string_view type, Content&& content, const std::optional<ModuleKey>& key) {
  try {
    auto r = wrap_report(type, content(), key);
    if (r) return std::move(*r);
  } catch (const std::invalid_argument&) {
  }
  return std::nullopt;
}

/// The whole decision for one package (the event `load`).
inline Machine::R decide(const Profile& p, const State& s, ByteView bytes) {
  Output out;
  State next = s;
  std::optional<PackageName> name;  // known once the signature verified
  std::optional<Bytes> anchor_id;
  try {
    const SignedPackage pkg = read_signed_package(bytes, true, p.codes);
    const auto signer = verify_signature(p.algorithms, s.trust_anchors, pkg, p.codes.digest_mismatch);
    anchor_id = s.trust_anchors[signer.anchor].key_id;
    name = pkg.attrs.name;
    if (pkg.attrs.content_type != pkg.econtent_type)
      reject(ErrorCode::contentTypeMismatch, pkg.signed_attrs_offset,
             "eContentType " + pkg.econtent_type + " differs from the content-type attribute " + pkg.attrs.content_type,
             "FWPKG-2.2.1-1");
    Bytes firmware;
    auto acc = decide_verified(p, s, pkg.attrs, pkg.signed_attrs_offset, [&] { return unwrap_package(p, s, pkg, firmware); });
    next = std::move(acc.next);
    out.rule = "FWPKG-ACCEPT-1";
    out.package = name;
    out.warning = acc.warning;
    if (p.receipts && s.serial) {
      ReceiptFields f{s.hw_type, *s.serial, *name, anchor_id, acc.decrypt_key_id};
      out.receipt = make_report(oid::firmware_load_receipt, [&] { return receipt_content(f); }, s.module_key);
    }
    return {std::move(next), std::move(out)};
  } catch (const Reject& r) {
    out.status = std::string(enum_name(r.r.code));
    out.rule = r.r.rule;
    out.decision = "reject";
    out.error_code = code_value(r.r.code);
    out.offset = r.r.offset;
    out.detail = r.r.detail;
    out.package = name;
    if (p.error_reports && s.serial) {
      ErrorFields f{s.hw_type, *s.serial, r.r.code, std::nullopt, name, std::nullopt};
      if (p.report_config && !s.installed.empty()) f.config = s.installed;
      out.error_report = make_report(oid::firmware_load_error, [&] { return error_content(f); }, s.module_key);
    }
    return {s, std::move(out)};
  }
}

inline Machine::R Machine::step(const Profile& p, const State& s, const Event& e) {
  return decide(p, s, std::get<Load>(e).package);
}

// ---- invariants ---------------------------------------------------------------------------

namespace inv {
inline bool dependencies_hold(const Profile&, const State& s) { return !unmet_dependency(s.installed); }
inline bool one_entry_per_package(const Profile&, const State& s) {
  for (std::size_t i = 0; i < s.installed.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (same_package(s.installed[i].name, s.installed[j].name)) return false;
  return true;
}
inline bool within_memory(const Profile& p, const State& s) {
  return s.installed.size() <= p.max_installed &&
         (!p.stale_capacity || (s.stale.size() <= p.stale_capacity && s.stale_legacy.size() <= p.stale_capacity));
}
}  // namespace inv

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static constexpr Invariant<Machine> list[] = {
      {"invariant:fwpkg.dependencies_hold", "FWPKG-1.3-2", inv::dependencies_hold},
      {"invariant:fwpkg.one_entry_per_package", "FWPKG-ACCEPT-1", inv::one_entry_per_package},
      {"invariant:fwpkg.within_memory", "FWPKG-4.1.3-MEM", inv::within_memory},
  };
  return list;
}

}  // namespace lockref::fwpkg

BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Profile, name, algorithms, order, legacy_order, rollback_floor, stale_capacity,
                        max_installed, max_firmware_size, package_types, check_firmware_digest, receipts, error_reports,
                        report_config, codes, explore_versions);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::State, hw_type, serial, trust_anchors, communities, installed, stale_legacy, stale,
                        decrypt_keys, module_key);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Load, package);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::Output, status, rule, decision, error_code, offset, detail, package, warning,
                        receipt, error_report);
BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::View, configuration);
