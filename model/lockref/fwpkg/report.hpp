// RFC 4108 §3 firmware package load receipts and §4 load error reports, as DER.
//
//   FirmwarePackageLoadReceipt ::= SEQUENCE {
//     version FWReceiptVersion DEFAULT v1, hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING,
//     fwPkgName PreferredOrLegacyPackageIdentifier, trustAnchorKeyID OCTET STRING OPTIONAL,
//     decryptKeyID [1] OCTET STRING OPTIONAL }
//   FirmwarePackageLoadError ::= SEQUENCE {
//     version FWErrorVersion DEFAULT v1, hwType, hwSerialNum, errorCode FirmwarePackageLoadErrorCode,
//     vendorErrorCode VendorLoadErrorCode OPTIONAL, fwPkgName PreferredOrLegacyPackageIdentifier
//     OPTIONAL, config [1] SEQUENCE OF CurrentFWConfig OPTIONAL }
//   CurrentFWConfig ::= SEQUENCE { fwPkgType INTEGER OPTIONAL, fwPkgName PreferredOrLegacyPackageIdentifier }
// (Appendix A, DEFINITIONS IMPLICIT TAGS.) The version is v1 and DEFAULT, so DER leaves it
// out (§3.1.3 "MUST set the version to the default value"). Unsigned: ContentInfo with
// id-ct-firmwareLoadReceipt / id-ct-firmwareLoadError (§3.1.1, §4.1.1). Signed: ContentInfo
// (id-signedData) -> SignedData version 3, one digest algorithm, one SignerInfo version 3
// (subjectKeyIdentifier, RECOMMENDED), signedAttrs content-type and message-digest, no
// unsignedAttrs (§3.1.2, §3.2, §4.1.2, §4.2); no signing-time: the model has no clock
// (§3.2.3 "If the hardware module includes a real-time clock").
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lockref/fwpkg/cms_write.hpp"

namespace lockref::fwpkg {

struct ReceiptFields {
  std::string hw_type;
  Bytes serial;
  PackageName name;
  std::optional<Bytes> trust_anchor_key_id;  // §3.1.3: SHOULD
  std::optional<Bytes> decrypt_key_id;       // §3.1.3: only when the package was decrypted
};

struct ErrorFields {
  std::string hw_type;
  Bytes serial;
  ErrorCode code = ErrorCode::otherError;
  std::optional<std::int64_t> vendor_code;  // §4.1.3: MUST be present for otherError
  std::optional<PackageName> name;
  std::optional<std::vector<Installed>> config;
};

inline Bytes receipt_content(const ReceiptFields& f) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_oid(q, f.hw_type);
      der::put_octets(q, f.serial);
      put_name(q, f.name);
      if (f.trust_anchor_key_id) der::put_octets(q, *f.trust_anchor_key_id);
      if (f.decrypt_key_id) der::put_octets(q, *f.decrypt_key_id, der::ctx(1, false));
    });
  });
}

inline Bytes error_content(const ErrorFields& f) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_oid(q, f.hw_type);
      der::put_octets(q, f.serial);
      der::put_uint(q, code_value(f.code), der::ENUMERATED);
      if (f.vendor_code) der::put_int64(q, *f.vendor_code);
      if (f.name) put_name(q, *f.name);
      if (f.config) {
        der::constructed(q, der::ctx(1, true), [&](der::Sink& c) {
          for (const auto& i : *f.config)
            der::sequence(c, [&](der::Sink& e) {
              if (i.type) der::put_int64(e, *i.type);
              put_name(e, i.name);
            });
        });
      }
    });
  });
}

/// The report as the module emits it: signed with the module key when it has one (§3, §4:
/// "Use of the signed ... is RECOMMENDED"), else unsigned.
inline Result<Bytes> wrap_report(std::string_view content_type, ByteView content, const std::optional<ModuleKey>& key) {
  if (!key) return content_info(content_type, content);
  auto who = signer_for(*key);
  if (!who) return who.error();
  return signed_data(content_type, content, *who);
}

}  // namespace lockref::fwpkg
