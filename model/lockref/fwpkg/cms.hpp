// RFC 4108 firmware packages: the CMS layers (RFC 5652) as RFC 4108 §2 profiles them.
//
//   ContentInfo(id-signedData) -> SignedData -> EncapsulatedContentInfo
//     eContentType id-encryptedData      -> EncryptedData -> EncryptedContentInfo
//                                              contentType id-ct-compressedData | id-ct-firmwarePackage
//     eContentType id-ct-compressedData  -> CompressedData -> EncapsulatedContentInfo(id-ct-firmwarePackage)
//     eContentType id-ct-firmwarePackage -> FirmwarePkgData (the firmware octets)
//
// Every decoder reads in encoding order and stops at the first problem with the RFC 4108
// §4.1.3 FirmwarePackageLoadErrorCode of the structure it is in and the byte offset (from
// the start of the package) where it is. Inside the decoders a problem is thrown (Reject);
// fwpkg/loader.hpp catches it at the decision boundary. The outer SignedData is read as DER
// (§1.4 "digitally signed structures MUST be encoded with DER"); the structures inside
// eContent as BER with definite lengths (§2.1.2.2 "need not be DER"; §1.4 lets a loader omit
// indefinite lengths).
#pragma once
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "lockref/core/enum.hpp"
#include "lockref/fwpkg/der.hpp"
#include "lockref/fwpkg/names.hpp"
#include "lockref/fwpkg/types.hpp"

namespace lockref::fwpkg {

/// Why a package was refused: the §4.1.3 code, where, and what exactly.
struct Rejection {
  ErrorCode code = ErrorCode::otherError;
  std::size_t offset = 0;
  std::string detail;
  std::string rule;  // requirement id (spec/requirements/fwpkg.json)
};

/// Thrown inside the decoders and the decision stages; caught at the decision boundary.
struct Reject {
  Rejection r;
};

[[noreturn]] inline void reject(ErrorCode c, std::size_t offset, std::string detail, std::string rule) {
  throw Reject{Rejection{c, offset, std::move(detail), std::move(rule)}};
}

/// E-FWPKG-DER-CODE: the code for BER that is not DER inside the signed structures.
enum class DerViolation : std::uint8_t {
  structure_code,  // the code of the structure it is in (badSignedData, badSignerInfo, ...)
  decode_failure,  // decodeFailure (1), as for input that is not BER
};
constexpr auto enum_names(DerViolation) {
  return std::array{EnumName<DerViolation>{DerViolation::structure_code, "structure_code"},
                    EnumName<DerViolation>{DerViolation::decode_failure, "decode_failure"}};
}
/// E-FWPKG-SERIAL-BLOCK: how serial numbers compare in a block (§2.2.8).
enum class SerialOrder : std::uint8_t {
  unsigned_number,  // as unsigned big-endian numbers, leading zero octets ignored
  octets,           // as octet strings, lexicographically
};
constexpr auto enum_names(SerialOrder) {
  return std::array{EnumName<SerialOrder>{SerialOrder::unsigned_number, "unsigned_number"},
                    EnumName<SerialOrder>{SerialOrder::octets, "octets"}};
}

/// The codes RFC 4108 leaves open (spec/errata.md names each choice).
struct CodeChoices {
  DerViolation not_der = DerViolation::structure_code;              // E-FWPKG-DER-CODE
  ErrorCode compressed_syntax = ErrorCode::badEncapContent;          // E-FWPKG-COMPRESSED: or decompressFailure
  ErrorCode missing_decrypt_key_id = ErrorCode::badSignedAttrs;      // E-FWPKG-NO-KEYID: or noDecryptKey
  ErrorCode digest_mismatch = ErrorCode::badDigestAlgorithm;         // E-FWPKG-DIGEST-MISMATCH: or badSignerInfo
  bool unprotected_before_version = true;                            // E-FWPKG-UNPROTECTED: false reports version 2 first
  ErrorCode firmware_digest_mismatch = ErrorCode::badFirmware;       // E-FWPKG-FWDIGEST: or decryptFailure
  SerialOrder serial_order = SerialOrder::unsigned_number;          // E-FWPKG-SERIAL-BLOCK
  friend bool operator==(const CodeChoices&, const CodeChoices&) = default;
};

/// Runs f; a DER problem inside it becomes a rejection with code c (or decodeFailure for BER
/// that is not DER, when the profile says so).
template <class F>
auto as(const CodeChoices& cc, ErrorCode c, const char* rule, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const der::Fault& e) {
    if (e.der_only && cc.not_der == DerViolation::decode_failure)
      reject(ErrorCode::decodeFailure, e.offset, e.message + " (not DER; E-FWPKG-DER-CODE)", "FWPKG-1.4-1");
    reject(c, e.offset, e.message, rule);
  }
}
template <class F>
auto as(ErrorCode c, const char* rule, F&& f) -> decltype(f()) {
  return as(CodeChoices{}, c, rule, std::forward<F>(f));
}

// ---- generic CMS pieces -------------------------------------------------------------------

/// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }.
struct AlgorithmId {
  std::string oid;
  std::optional<Bytes> params;  // the parameters' DER, when present
  std::size_t offset = 0;
  bool params_absent_or_null() const { return !params || *params == Bytes{0x05, 0x00}; }
};

inline AlgorithmId read_algorithm(der::Reader& r, const std::string& what) {
  AlgorithmId a;
  a.offset = r.offset();
  auto s = r.enter(der::SEQUENCE, what);
  a.oid = s.oid(what + ".algorithm");
  if (!s.at_end()) {
    auto p = s.element(what + ".parameters");
    a.params = Bytes(p.begin(), p.end());
  }
  s.finish();
  return a;
}

/// One Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue } with
/// exactly one value (RFC 4108 §2.2, §2.3, §3.2, §4.2: "There MUST be exactly one instance
/// of AttributeValue present").
struct Attribute {
  std::string type;
  Bytes value;  // the value's DER
  std::size_t offset = 0;
  std::size_t value_offset = 0;
};

/// SignedAttributes / UnsignedAttributes: [n] IMPLICIT SET OF Attribute, checked for DER order
/// (X.690 §11.6), one value each, and no attribute type twice ("MUST include only one
/// instance of any particular attribute"). `raw` receives the whole TLV.
inline std::vector<Attribute> read_attributes(der::Reader& r, std::uint8_t tag, const std::string& what, Bytes* raw) {
  const auto h = r.header(tag, what);
  if (raw) {
    const auto all = r.input().bytes().subspan(h.offset, h.end() - h.offset);
    raw->assign(all.begin(), all.end());
  }
  auto set = r.enter(tag, what);
  if (set.at_end()) set.fail(what + ": empty SET OF Attribute");
  std::vector<Attribute> out;
  std::set<std::string> seen;
  ByteView prev;
  while (!set.at_end()) {
    Attribute a;
    a.offset = set.offset();
    const auto local = a.offset - r.input().base();
    auto seq = set.enter(der::SEQUENCE, what + " Attribute");
    a.type = seq.oid(what + " attrType");
    auto vals = seq.enter(der::SET, what + " attrValues of " + a.type);
    if (vals.at_end()) vals.fail(what + ": attribute " + a.type + " has no AttributeValue (exactly one is required)");
    a.value_offset = vals.offset();
    auto v = vals.element(what + " AttributeValue of " + a.type);
    a.value.assign(v.begin(), v.end());
    if (!vals.at_end())
      vals.fail(what + ": attribute " + a.type + " has more than one AttributeValue (exactly one is required)");
    vals.finish();
    seq.finish();
    const auto enc = r.input().bytes().subspan(local, set.offset() - a.offset);
    if (!prev.empty() && !std::lexicographical_compare(prev.begin(), prev.end(), enc.begin(), enc.end()) &&
        !std::equal(prev.begin(), prev.end(), enc.begin(), enc.end()))
      throw der::Fault{a.offset, what + ": attributes not in DER SET OF order (X.690 §11.6)", true};
    prev = enc;
    if (!seen.insert(a.type).second)
      throw der::Fault{a.offset, what + ": attribute " + a.type + " appears twice (only one instance of any attribute)"};
    out.push_back(std::move(a));
  }
  set.finish();
  return out;
}

/// Parses `bytes` (the DER of one value at absolute `base`) with `f(Reader&)`; the value must
/// fill `bytes` exactly.
template <class F>
auto parse_value(ByteView bytes, std::size_t base, bool strict, const std::string& what, F&& f) {
  der::Input in(bytes, base, strict);
  der::Reader r(in, what);
  if constexpr (std::is_void_v<decltype(f(r))>) {
    f(r);
    return r.finish();
  } else {
    auto v = f(r);
    r.finish();
    return v;
  }
}

// ---- RFC 4108 attribute values (§2.2) -------------------------------------------------------

inline PackageName read_package_name(der::Reader& r, const std::string& what) {
  if (r.next_is(der::SEQUENCE)) {
    auto s = r.enter(der::SEQUENCE, what + " (preferred)");
    Preferred p;
    p.oid = s.oid(what + ".fwPkgID");
    p.version = s.uint(what + ".verNum");
    s.finish();
    return p;
  }
  if (!r.next_is(der::OCTET_STRING))
    r.fail(what + ": PreferredOrLegacyPackageIdentifier is a SEQUENCE (preferred) or an OCTET STRING (legacy)");
  return Legacy{r.octets(what + " (legacy)")};
}

inline std::vector<std::string> read_oid_list(der::Reader& r, const std::string& what) {
  auto s = r.enter(der::SEQUENCE, what);
  std::vector<std::string> out;
  while (!s.at_end()) out.push_back(s.oid(what + " entry"));
  s.finish();
  return out;
}

inline std::vector<Community> read_communities(der::Reader& r) {
  auto s = r.enter(der::SEQUENCE, "CommunityIdentifiers");
  std::vector<Community> out;
  while (!s.at_end()) {
    Community c;
    if (s.next_is(der::OBJECT_ID)) {
      c.oid = s.oid("communityOID");
    } else {
      auto hm = s.enter(der::SEQUENCE, "hwModuleList");
      c.hw_type = hm.oid("hwModuleList.hwType");
      auto es = hm.enter(der::SEQUENCE, "hwSerialEntries");
      while (!es.at_end()) {
        SerialEntry e;
        if (es.next_is(der::NULL_TAG)) {
          es.null("HardwareSerialEntry all");
          e.kind = SerialKind::all;
        } else if (es.next_is(der::OCTET_STRING)) {
          e.kind = SerialKind::single;
          e.low = es.octets("HardwareSerialEntry single");
        } else {
          auto b = es.enter(der::SEQUENCE, "HardwareSerialEntry block");
          e.kind = SerialKind::block;
          e.low = b.octets("block.low");
          e.high = b.octets("block.high");
          b.finish();
        }
        c.serials.push_back(std::move(e));
      }
      es.finish();
      hm.finish();
    }
    out.push_back(std::move(c));
  }
  s.finish();
  return out;
}

/// What the signed attributes of a firmware package say (§2.2), after their syntax checks.
struct PackageAttributes {
  std::string content_type;                      // §2.2.1
  Bytes message_digest;                          // §2.2.2
  PackageName name;                              // §2.2.3
  std::optional<Stale> stale;                    // §2.2.3
  std::vector<std::string> targets;              // §2.2.4
  std::optional<Bytes> decrypt_key_id;           // §2.2.5
  std::optional<std::vector<std::string>> crypto_algs;    // §2.2.6
  std::optional<std::vector<std::string>> compress_algs;  // §2.2.7
  std::optional<std::vector<Community>> communities;      // §2.2.8
  std::optional<std::int64_t> package_type;                // §2.2.9 fwPkgType
  std::optional<std::vector<PackageName>> dependencies;    // §2.2.9
  std::optional<AlgorithmId> fw_digest_algorithm;          // §2.2.10
  Bytes fw_digest;
  std::optional<std::string> description;                  // §2.2.12 contentDescription
  std::vector<std::string> ignored;                        // unrecognised types (§2.1.2.1: ignored)
};

/// RFC 4108 §2.2: interprets the signed attributes. `econtent_type` is the package's
/// eContentType (a decrypt-key-identifier is required when it is id-encryptedData).
/// Plain CMS (rfc4108 = false): only content-type and message-digest (RFC 5652 §5.3) are
/// required and read; the rest is ignored.
inline PackageAttributes read_package_attributes(const std::vector<Attribute>& attrs, const std::string& econtent_type,
                                                 std::size_t set_offset, bool rfc4108 = true, bool require_key_id = true) {
  PackageAttributes a;
  bool have_ct = false, have_md = false, have_id = false, have_hw = false;
  for (const auto& at : attrs) {
    auto value = [&](const std::string& what, auto&& f) {
      return parse_value(at.value, at.value_offset, true, what, f);
    };
    if (at.type == oid::content_type) {
      a.content_type = value("content-type", [](der::Reader& r) { return r.oid("content-type value"); });
      have_ct = true;
    } else if (at.type == oid::message_digest) {
      a.message_digest = value("message-digest", [](der::Reader& r) { return r.octets("message-digest value"); });
      have_md = true;
    } else if (!rfc4108) {
      a.ignored.push_back(at.type);
    } else if (at.type == oid::firmware_package_id) {
      value("firmware-package-identifier", [&](der::Reader& r) {
        auto s = r.enter(der::SEQUENCE, "FirmwarePackageIdentifier");
        a.name = read_package_name(s, "FirmwarePackageIdentifier.name");
        if (!s.at_end()) {
          const bool pref = std::holds_alternative<Preferred>(a.name);
          if (s.next_is(der::INTEGER)) {
            if (!pref) s.fail("stale: a preferredStaleVerNum with a legacy name (§2.2.3: the stale form follows the name form)");
            a.stale = StaleVersion{s.uint("preferredStaleVerNum")};
          } else if (s.next_is(der::OCTET_STRING)) {
            if (pref) s.fail("stale: a legacyStaleVersion with a preferred name (§2.2.3: the stale form follows the name form)");
            a.stale = StaleLegacy{s.octets("legacyStaleVersion")};
          } else {
            s.fail("stale: PreferredOrLegacyStalePackageIdentifier is an INTEGER or an OCTET STRING");
          }
        }
        s.finish();
      });
      have_id = true;
    } else if (at.type == oid::target_hardware_ids) {
      a.targets = value("target-hardware-module-identifiers",
                        [](der::Reader& r) { return read_oid_list(r, "TargetHardwareIdentifiers"); });
      have_hw = true;
    } else if (at.type == oid::decrypt_key_id) {
      a.decrypt_key_id = value("decrypt-key-identifier", [](der::Reader& r) { return r.octets("DecryptKeyIdentifier"); });
    } else if (at.type == oid::impl_crypto_algs) {
      a.crypto_algs = value("implemented-crypto-algorithms",
                            [](der::Reader& r) { return read_oid_list(r, "ImplementedCryptoAlgorithms"); });
    } else if (at.type == oid::impl_compress_algs) {
      a.compress_algs = value("implemented-compress-algorithms",
                              [](der::Reader& r) { return read_oid_list(r, "ImplementedCompressAlgorithms"); });
    } else if (at.type == oid::community_identifiers) {
      a.communities = value("community-identifiers", [](der::Reader& r) { return read_communities(r); });
    } else if (at.type == oid::firmware_package_info) {
      value("firmware-package-info", [&](der::Reader& r) {
        auto s = r.enter(der::SEQUENCE, "FirmwarePackageInfo");
        if (s.next_is(der::INTEGER)) a.package_type = s.int64("fwPkgType");
        if (!s.at_end()) {
          auto d = s.enter(der::SEQUENCE, "FirmwarePackageInfo.dependencies");
          std::vector<PackageName> deps;
          while (!d.at_end()) deps.push_back(read_package_name(d, "dependency"));
          d.finish();
          a.dependencies = std::move(deps);
        }
        s.finish();
      });
    } else if (at.type == oid::fw_pkg_message_digest) {
      value("firmware-package-message-digest", [&](der::Reader& r) {
        auto s = r.enter(der::SEQUENCE, "FirmwarePackageMessageDigest");
        a.fw_digest_algorithm = read_algorithm(s, "FirmwarePackageMessageDigest.algorithm");
        a.fw_digest = s.octets("FirmwarePackageMessageDigest.msgDigest");
        s.finish();
      });
    } else if (at.type == oid::content_hints) {
      // §2.2.12: "both fields MUST be present"; contentType "MUST be id-ct-firmwarePackage".
      a.description = value("content-hints", [](der::Reader& r) {
        auto s = r.enter(der::SEQUENCE, "ContentHints");
        if (!s.next_is(der::UTF8_STRING)) s.fail("ContentHints.contentDescription: absent (§2.2.12: both fields MUST be present)");
        const auto d = s.primitive(der::UTF8_STRING, "ContentHints.contentDescription");
        const std::size_t ct_at = s.offset();
        if (s.oid("ContentHints.contentType") != oid::firmware_package)
          throw der::Fault{ct_at, "ContentHints.contentType: not id-ct-firmwarePackage (§2.2.12)"};
        s.finish();
        return std::string(d.begin(), d.end());
      });
    } else if (at.type == oid::signing_time) {
      value("signing-time", [](der::Reader& r) {
        if (r.next_is(der::UTC_TIME)) r.primitive(der::UTC_TIME, "signing-time");
        else r.primitive(der::GENERALIZED_TIME, "signing-time");
      });
    } else {
      a.ignored.push_back(at.type);  // §2.1.2.1 "implementations MUST ignore unrecognized signed attributes"
    }
  }
  auto missing = [&](const char* name) {
    throw der::Fault{set_offset, std::string("signedAttrs: no ") + name + " attribute (§2.2: the signer MUST include it)"};
  };
  if (!have_ct) missing("content-type");
  if (!have_md) missing("message-digest");
  if (!rfc4108) return a;
  if (!have_id) missing("firmware-package-identifier");
  if (!have_hw) missing("target-hardware-module-identifiers");
  if (require_key_id && econtent_type == oid::encrypted_data && !a.decrypt_key_id)
    throw der::Fault{set_offset, "signedAttrs: the package is encrypted but has no decrypt-key-identifier (§2.2: MUST)"};
  return a;
}

// ---- the wrapped-firmware-decryption-key attribute (§2.3.1) ---------------------------------

/// A KEKRecipientInfo (RFC 5652 §6.2.3) of the EnvelopedData: a key-encryption key identifier
/// and the content-encryption key wrapped under it.
struct KekRecipient {
  Bytes kek_id;
  AlgorithmId wrap_algorithm;
  Bytes wrapped_key;
};
struct WrappedKey {
  std::vector<KekRecipient> recipients;  // other RecipientInfo kinds are skipped (out of the model's reach)
  std::string content_type;
  AlgorithmId content_algorithm;
};

/// Reads the EnvelopedData value of the wrapped-firmware-decryption-key attribute. Throws
/// der::Fault (the caller maps it to badUnsignedAttrs).
inline WrappedKey read_wrapped_key(const Attribute& a) {
  return parse_value(a.value, a.value_offset, true, "wrapped-firmware-decryption-key", [](der::Reader& r) {
    WrappedKey w;
    auto env = r.enter(der::SEQUENCE, "EnvelopedData");
    env.uint("EnvelopedData.version");
    if (env.next_is(der::ctx(0, true))) {
      auto oi = env.enter(der::ctx(0, true), "originatorInfo");
      while (!oi.at_end()) {
        if (oi.next_is(der::ctx(0, true))) {
          auto certs = oi.enter(der::ctx(0, true), "originatorInfo.certs");
          while (!certs.at_end()) {
            const auto t = *certs.peek_tag();
            if (t == der::ctx(0, true) || t == der::ctx(1, true) || t == der::ctx(2, true))
              certs.fail("originatorInfo: extended or attribute certificate (§2.3.1: MUST NOT)");
            certs.element("certificate");
          }
          certs.finish();
        } else {
          oi.element("originatorInfo.crls");
        }
      }
      oi.finish();
    }
    auto ris = env.enter(der::SET, "recipientInfos");
    if (ris.at_end()) ris.fail("recipientInfos is empty");
    while (!ris.at_end()) {
      if (!ris.next_is(der::ctx(2, true))) {
        ris.element("RecipientInfo (not KEKRecipientInfo)");
        continue;
      }
      auto k = ris.enter(der::ctx(2, true), "KEKRecipientInfo");
      KekRecipient kr;
      const std::size_t at = k.offset();
      if (k.uint("KEKRecipientInfo.version") != 4) throw der::Fault{at, "KEKRecipientInfo.version is not 4 (RFC 5652 §6.2.3)"};
      auto kid = k.enter(der::SEQUENCE, "KEKIdentifier");
      kr.kek_id = kid.octets("KEKIdentifier.keyIdentifier");
      while (!kid.at_end()) kid.element("KEKIdentifier optional field");
      kid.finish();
      kr.wrap_algorithm = read_algorithm(k, "keyEncryptionAlgorithm");
      kr.wrapped_key = k.octets("encryptedKey");
      k.finish();
      w.recipients.push_back(std::move(kr));
    }
    ris.finish();
    auto eci = env.enter(der::SEQUENCE, "EncryptedContentInfo");
    w.content_type = eci.oid("EncryptedContentInfo.contentType");
    w.content_algorithm = read_algorithm(eci, "contentEncryptionAlgorithm");
    if (!eci.at_end()) eci.fail("EncryptedContentInfo.encryptedContent present (§2.3.1: MUST NOT be present)");
    eci.finish();
    if (!env.at_end()) env.fail("EnvelopedData carries unprotectedAttrs (§2.3.1: MUST NOT be present)");
    env.finish();
    return w;
  });
}

// ---- SignedData (§2.1.1, §2.1.2) -------------------------------------------------------------

/// The outer layers of a firmware package, as read.
struct SignedPackage {
  std::uint64_t version = 0;
  AlgorithmId digest_algorithm;  // SignedData.digestAlgorithms (exactly one)
  std::string econtent_type;
  Bytes econtent;
  std::size_t econtent_offset = 0;  // offset of the eContent octets
  std::size_t certificates = 0;
  std::uint64_t signer_version = 0;
  Bytes sid;  // subjectKeyIdentifier
  std::size_t sid_offset = 0;
  AlgorithmId signer_digest;
  Bytes signed_attrs;  // DER of the signedAttrs with the SET OF tag, as signed (RFC 5652 §5.4)
  std::size_t signed_attrs_offset = 0;
  PackageAttributes attrs;
  AlgorithmId signature_algorithm;
  Bytes signature;
  std::size_t signature_offset = 0;
  std::optional<Attribute> wrapped_key;  // §2.3.1, the only unsigned attribute allowed
};

/// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm AlgorithmIdentifier,
/// signatureValue BIT STRING } (RFC 5280 §4.1); only its shape is checked (certification
/// paths are out of the model's reach).
inline void read_certificate_set(der::Reader& r) {
  auto set = r.enter(der::ctx(0, true), "certificates");
  while (!set.at_end()) {
    const auto t = *set.peek_tag();
    if (t == der::SEQUENCE) {
      auto c = set.enter(der::SEQUENCE, "Certificate");
      auto tbs = c.enter(der::SEQUENCE, "Certificate.tbsCertificate");
      while (!tbs.at_end()) tbs.element("tbsCertificate field");
      tbs.finish();
      read_algorithm(c, "Certificate.signatureAlgorithm");
      c.primitive(der::BIT_STRING, "Certificate.signatureValue");
      c.finish();
    } else if (t == der::ctx(0, true) || t == der::ctx(1, true) || t == der::ctx(2, true)) {
      set.fail(std::string(t == der::ctx(0, true) ? "PKCS #6 extended certificate" : "attribute certificate") +
               " in certificates (§2.1.2: MUST NOT be included)");
    } else if (t == der::ctx(3, true)) {
      set.element("OtherCertificateFormat");  // not used by the model
    } else {
      set.fail("certificates: unknown CertificateChoices tag " + der::hex_byte(t));
    }
  }
  set.finish();
}

/// Reads a firmware package's ContentInfo and SignedData down to the eContent (§2.1.1–§2.1.2.2,
/// §2.2, §2.3). Throws Reject. rfc4108 = false reads any CMS SignedData with one SignerInfo
/// identified by subjectKeyIdentifier (plain CMS, e.g. `openssl cms -sign -keyid`): any
/// eContentType, and only RFC 5652's signed attributes.
inline SignedPackage read_signed_package(ByteView bytes, bool rfc4108 = true, const CodeChoices& cc = {}) {
  if (auto f = der::ber_check(bytes))
    reject(ErrorCode::decodeFailure, f->offset, f->message, "FWPKG-4.1.3-DECODE");
  der::Input in(bytes, 0, true);
  der::Reader top(in, "package");
  SignedPackage p;
  const char* R_CI = "FWPKG-2.1.1-1";
  const char* R_SD = "FWPKG-2.1.2-1";
  auto ci = as(cc, ErrorCode::badContentInfo, R_CI, [&] { return top.enter(der::SEQUENCE, "ContentInfo"); });
  const std::size_t ct_at = ci.offset();
  const auto ct = as(cc, ErrorCode::badContentInfo, R_CI, [&] { return ci.oid("ContentInfo.contentType"); });
  if (ct != oid::signed_data)
    reject(ErrorCode::badContentInfo, ct_at, "ContentInfo.contentType " + ct + " is not id-signedData (§2.1.1)", R_CI);
  auto content = as(cc, ErrorCode::badContentInfo, R_CI, [&] { return ci.enter(der::ctx(0, true), "ContentInfo.content"); });
  auto sd = as(cc, ErrorCode::badSignedData, R_SD, [&] { return content.enter(der::SEQUENCE, "SignedData"); });
  const std::size_t v_at = sd.offset();
  p.version = as(cc, ErrorCode::badSignedData, R_SD, [&] { return sd.uint("SignedData.version"); });
  if (p.version != 3)
    reject(ErrorCode::badSignedData, v_at,
           "SignedData.version " + std::to_string(p.version) +
               (rfc4108 ? " (§2.1.2: MUST be set to 3)" : " (RFC 5652 §5.1: 3 when the signer is named by subjectKeyIdentifier)"),
           R_SD);
  as(cc, ErrorCode::badSignedData, R_SD, [&] {
    const std::size_t at = sd.offset();
    auto set = sd.enter(der::SET, "SignedData.digestAlgorithms");
    std::size_t n = 0;
    while (!set.at_end()) {
      auto a = read_algorithm(set, "digestAlgorithms entry");
      if (n++ == 0) p.digest_algorithm = a;
    }
    set.finish();
    if (n != 1)
      throw der::Fault{at, "SignedData.digestAlgorithms has " + std::to_string(n) +
                               " entries (§2.1.2: a single message digest algorithm identifier)"};
  });
  // encapContentInfo (§2.1.2.2)
  const char* R_EC = "FWPKG-2.1.2.2-1";
  bool has_econtent = false;
  std::size_t encap_at = sd.offset();
  as(cc, ErrorCode::badEncapContent, R_EC, [&] {
    auto e = sd.enter(der::SEQUENCE, "EncapsulatedContentInfo");
    const std::size_t at = e.offset();
    p.econtent_type = e.oid("eContentType");
    if (rfc4108 && p.econtent_type != oid::encrypted_data && p.econtent_type != oid::compressed_data &&
        p.econtent_type != oid::firmware_package)
      throw der::Fault{at, "eContentType " + p.econtent_type +
                               " is not id-encryptedData, id-ct-compressedData or id-ct-firmwarePackage (§2.1.2.2)"};
    if (!e.at_end()) {
      auto x = e.enter(der::ctx(0, true), "eContent");
      const auto h = x.header(der::OCTET_STRING, "eContent OCTET STRING");
      p.econtent_offset = in.base() + h.contents();
      p.econtent = x.octets("eContent OCTET STRING");
      x.finish();
      has_econtent = true;
    }
    e.finish();
  });
  if (!has_econtent)
    reject(ErrorCode::missingContent, encap_at, "EncapsulatedContentInfo has no eContent (§4.1.3 missingContent)",
           "FWPKG-2.1.2.2-2");
  if (sd.next_is(der::ctx(0, true))) {
    as(cc, ErrorCode::badCertificate, "FWPKG-2.1.2-2", [&] {
      read_certificate_set(sd);
    });
  }
  if (sd.next_is(der::ctx(1, true)))
    as(cc, ErrorCode::badSignedData, R_SD, [&] { return sd.element("crls"); });  // not covered by the signature; unused
  // signerInfos: exactly one (§2.1.2)
  std::vector<std::pair<ByteView, std::size_t>> signers;
  as(cc, ErrorCode::badSignedData, R_SD, [&] {
    const std::size_t at = sd.offset();
    auto set = sd.enter(der::SET, "SignedData.signerInfos");
    while (!set.at_end()) {
      const std::size_t o = set.offset();
      signers.emplace_back(set.element("SignerInfo"), o);
    }
    set.finish();
    if (signers.size() != 1)
      throw der::Fault{at, "SignedData.signerInfos has " + std::to_string(signers.size()) +
                               " SignerInfo (§2.1.2: exactly one)"};
    sd.finish();
  });
  as(cc, ErrorCode::badContentInfo, R_CI, [&] {
    content.finish();
    ci.finish();
  });
  // SignerInfo (§2.1.2.1), read from its own bytes
  const char* R_SI = "FWPKG-2.1.2.1-1";
  der::Input sin(signers[0].first, signers[0].second, true);
  der::Reader sr(sin, "SignerInfo");
  auto si = as(cc, ErrorCode::badSignerInfo, R_SI, [&] { return sr.enter(der::SEQUENCE, "SignerInfo"); });
  const std::size_t sv_at = si.offset();
  p.signer_version = as(cc, ErrorCode::badSignerInfo, R_SI, [&] { return si.uint("SignerInfo.version"); });
  if (p.signer_version != 3)
    reject(ErrorCode::badSignerInfo, sv_at,
           "SignerInfo.version " + std::to_string(p.signer_version) + " (§2.1.2.1: MUST be 3)", R_SI);
  p.sid_offset = si.offset();
  as(cc, ErrorCode::badSignerInfo, R_SI, [&] {
    if (si.next_is(der::SEQUENCE))
      si.fail("sid is issuerAndSerialNumber with SignerInfo version 3 (RFC 5652 §5.3: version 3 goes with subjectKeyIdentifier)");
    p.sid = si.octets("sid subjectKeyIdentifier", der::ctx(0, false));
    p.signer_digest = read_algorithm(si, "SignerInfo.digestAlgorithm");
  });
  if (!si.next_is(der::ctx(0, true)))
    reject(ErrorCode::badSignedAttrs, si.offset(), "SignerInfo has no signedAttrs (§2.1.2.1: REQUIRED)", "FWPKG-2.1.2.1-2");
  p.signed_attrs_offset = si.offset();
  as(cc, ErrorCode::badSignedAttrs, "FWPKG-2.2-1", [&] {
    auto attrs = read_attributes(si, der::ctx(0, true), "signedAttrs", &p.signed_attrs);
    p.signed_attrs[0] = der::SET;  // RFC 5652 §5.4: the signature covers the SET OF encoding
    p.attrs = read_package_attributes(attrs, p.econtent_type, p.signed_attrs_offset, rfc4108,
                                      cc.missing_decrypt_key_id == ErrorCode::badSignedAttrs);
  });
  as(cc, ErrorCode::badSignerInfo, R_SI, [&] {
    p.signature_algorithm = read_algorithm(si, "SignerInfo.signatureAlgorithm");
    p.signature_offset = si.offset();
    p.signature = si.octets("SignerInfo.signature");
  });
  if (si.next_is(der::ctx(1, true))) {
    as(cc, ErrorCode::badUnsignedAttrs, "FWPKG-2.3-1", [&] {
      auto un = read_attributes(si, der::ctx(1, true), "unsignedAttrs", nullptr);
      if (!rfc4108) return;
      for (const auto& a : un)
        if (a.type != oid::wrapped_firmware_key)
          throw der::Fault{a.offset, "unsignedAttrs holds " + a.type +
                                         "; only the wrapped-firmware-decryption-key attribute is allowed (§2.3)"};
      p.wrapped_key = un.front();
      read_wrapped_key(*p.wrapped_key);  // its syntax, §2.3.1 (used when the package is decrypted)
    });
  }
  as(cc, ErrorCode::badSignerInfo, R_SI, [&] {
    si.finish();
    sr.finish();
  });
  return p;
}

// ---- EncryptedData (§2.1.3) ---------------------------------------------------------------

struct EncryptedContent {
  std::string content_type;  // id-ct-compressedData | id-ct-firmwarePackage
  AlgorithmId algorithm;
  Bytes ciphertext;
  std::size_t ciphertext_offset = 0;
};

/// Reads EncryptedData from the eContent (BER, definite lengths). Throws Reject with codes
/// 17 badEncryptedData, 18 unprotectedAttrsPresent, 19 badEncryptContent, 21 missingCiphertext.
inline EncryptedContent read_encrypted_data(ByteView bytes, std::size_t base, const CodeChoices& cc = {}) {
  der::Input in(bytes, base, false);
  der::Reader top(in, "eContent");
  const char* R = "FWPKG-2.1.3-1";
  EncryptedContent out;
  auto ed = as(ErrorCode::badEncryptedData, R, [&] { return top.enter(der::SEQUENCE, "EncryptedData"); });
  const std::size_t v_at = ed.offset();
  const auto version = as(ErrorCode::badEncryptedData, R, [&] { return ed.uint("EncryptedData.version"); });
  // RFC 5652 §8 sets version 2 when unprotectedAttrs are present; RFC 4108 §2.1.3 wants 0 and
  // no unprotectedAttrs. Either value is syntactically CMS; the attributes are reported first
  // (errata E-FWPKG-UNPROTECTED).
  if (version != 0 && (version != 2 || !cc.unprotected_before_version))
    reject(ErrorCode::badEncryptedData, v_at, "EncryptedData.version " + std::to_string(version) + " (§2.1.3: MUST be 0)", R);
  bool has_ct = false;
  std::size_t eci_at = ed.offset();
  as(ErrorCode::badEncryptContent, "FWPKG-2.1.3.1-1", [&] {
    auto e = ed.enter(der::SEQUENCE, "EncryptedContentInfo");
    const std::size_t at = e.offset();
    out.content_type = e.oid("EncryptedContentInfo.contentType");
    if (out.content_type != oid::compressed_data && out.content_type != oid::firmware_package)
      throw der::Fault{at, "EncryptedContentInfo.contentType " + out.content_type +
                               " is not id-ct-compressedData or id-ct-firmwarePackage (§2.1.3.1)"};
    out.algorithm = read_algorithm(e, "contentEncryptionAlgorithm");
    if (!e.at_end()) {
      const auto h = e.header(der::ctx(0, false), "encryptedContent");
      out.ciphertext_offset = base + h.contents();
      out.ciphertext = e.octets("encryptedContent", der::ctx(0, false));
      has_ct = true;
    }
    e.finish();
  });
  if (ed.next_is(der::ctx(1, true)))
    reject(ErrorCode::unprotectedAttrsPresent, ed.offset(), "EncryptedData carries unprotectedAttrs (§2.1.3: MUST NOT be present)",
           "FWPKG-2.1.3-2");
  if (version != 0)
    reject(ErrorCode::badEncryptedData, v_at, "EncryptedData.version " + std::to_string(version) + " (§2.1.3: MUST be 0)", R);
  as(ErrorCode::badEncryptedData, R, [&] {
    ed.finish();
    top.finish();
  });
  if (!has_ct)
    reject(ErrorCode::missingCiphertext, eci_at, "EncryptedContentInfo has no encryptedContent (§2.1.3.1: MUST be present)",
           "FWPKG-2.1.3.1-2");
  return out;
}

// ---- CompressedData (§2.1.4, RFC 3274) --------------------------------------------------------

struct CompressedContent {
  AlgorithmId algorithm;
  Bytes compressed;
  std::size_t offset = 0;
};

/// Reads CompressedData (BER, definite lengths). Codes: its syntax and version get
/// CodeChoices::compressed_syntax (RFC 4108 has no badCompressedData: errata
/// E-FWPKG-COMPRESSED), its eContentType badEncapContent, 25 missingCompressedContent.
inline CompressedContent read_compressed_data(ByteView bytes, std::size_t base, const CodeChoices& cc = {}) {
  der::Input in(bytes, base, false);
  der::Reader top(in, "content");
  const char* R = "FWPKG-2.1.4-1";
  CompressedContent out;
  bool has = false;
  std::size_t encap_at = 0;
  auto cd = as(cc.compressed_syntax, R, [&] { return top.enter(der::SEQUENCE, "CompressedData"); });
  as(cc.compressed_syntax, R, [&] {
    const std::size_t v_at = cd.offset();
    const auto v = cd.uint("CompressedData.version");
    if (v != 0) throw der::Fault{v_at, "CompressedData.version " + std::to_string(v) + " (§2.1.4: MUST be 0)"};
    out.algorithm = read_algorithm(cd, "compressionAlgorithm");
  });
  encap_at = cd.offset();
  as(ErrorCode::badEncapContent, "FWPKG-2.1.4.1-1", [&] {
    auto e = cd.enter(der::SEQUENCE, "EncapsulatedContentInfo");
    const std::size_t at = e.offset();
    const auto t = e.oid("eContentType");
    if (t != oid::firmware_package)
      throw der::Fault{at, "CompressedData eContentType " + t + " is not id-ct-firmwarePackage (§2.1.4.1)"};
    if (!e.at_end()) {
      auto x = e.enter(der::ctx(0, true), "eContent");
      out.offset = base + x.header(der::OCTET_STRING, "eContent OCTET STRING").contents();
      out.compressed = x.octets("eContent OCTET STRING");
      x.finish();
      has = true;
    }
    e.finish();
  });
  as(cc.compressed_syntax, R, [&] {
    cd.finish();
    top.finish();
  });
  if (!has)
    reject(ErrorCode::missingCompressedContent, encap_at, "CompressedData has no eContent (§4.1.3 missingCompressedContent)",
           "FWPKG-2.1.4-2");
  return out;
}

}  // namespace lockref::fwpkg

BOOST_HANA_ADAPT_STRUCT(lockref::fwpkg::CodeChoices, not_der, compressed_syntax, missing_decrypt_key_id, digest_mismatch,
                        unprotected_before_version, firmware_digest_mismatch, serial_order);
