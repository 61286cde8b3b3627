// RFC 4108 firmware packages: object identifiers (with the names the RFC and CMS give them)
// and the FirmwarePackageLoadErrorCode values.
//
// Sources: RFC 4108 Appendix A and §2.2 (seed 003 covers §1–§1.5; the whole RFC and an
// extract with the DER of every OID are in ../shared/external-vectors/rfc4108/), RFC 5652
// (CMS content types and attributes), RFC 3274 §2 (zlib), RFC 3370/5754 (digests, RSA),
// RFC 4055 (RSASSA-PSS), RFC 5758 (ECDSA), RFC 3565 (AES-CBC, AES key wrap),
// RFC 2634 (ESS content-hints, signing-certificate).
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "lockref/core/enum.hpp"

namespace lockref::fwpkg {

namespace oid {
// content types
inline constexpr std::string_view data = "1.2.840.113549.1.7.1";
inline constexpr std::string_view signed_data = "1.2.840.113549.1.7.2";
inline constexpr std::string_view enveloped_data = "1.2.840.113549.1.7.3";
inline constexpr std::string_view encrypted_data = "1.2.840.113549.1.7.6";
inline constexpr std::string_view compressed_data = "1.2.840.113549.1.9.16.1.9";
inline constexpr std::string_view firmware_package = "1.2.840.113549.1.9.16.1.16";
inline constexpr std::string_view firmware_load_receipt = "1.2.840.113549.1.9.16.1.17";
inline constexpr std::string_view firmware_load_error = "1.2.840.113549.1.9.16.1.18";
// attributes
inline constexpr std::string_view content_type = "1.2.840.113549.1.9.3";
inline constexpr std::string_view message_digest = "1.2.840.113549.1.9.4";
inline constexpr std::string_view signing_time = "1.2.840.113549.1.9.5";
inline constexpr std::string_view content_hints = "1.2.840.113549.1.9.16.2.4";
inline constexpr std::string_view signing_certificate = "1.2.840.113549.1.9.16.2.12";
inline constexpr std::string_view firmware_package_id = "1.2.840.113549.1.9.16.2.35";
inline constexpr std::string_view target_hardware_ids = "1.2.840.113549.1.9.16.2.36";
inline constexpr std::string_view decrypt_key_id = "1.2.840.113549.1.9.16.2.37";
inline constexpr std::string_view impl_crypto_algs = "1.2.840.113549.1.9.16.2.38";
inline constexpr std::string_view wrapped_firmware_key = "1.2.840.113549.1.9.16.2.39";
inline constexpr std::string_view community_identifiers = "1.2.840.113549.1.9.16.2.40";
inline constexpr std::string_view fw_pkg_message_digest = "1.2.840.113549.1.9.16.2.41";
inline constexpr std::string_view firmware_package_info = "1.2.840.113549.1.9.16.2.42";
inline constexpr std::string_view impl_compress_algs = "1.2.840.113549.1.9.16.2.43";
inline constexpr std::string_view hardware_module_name = "1.3.6.1.5.5.7.8.4";
// algorithms
inline constexpr std::string_view sha1 = "1.3.14.3.2.26";
inline constexpr std::string_view sha256 = "2.16.840.1.101.3.4.2.1";
inline constexpr std::string_view sha384 = "2.16.840.1.101.3.4.2.2";
inline constexpr std::string_view sha512 = "2.16.840.1.101.3.4.2.3";
inline constexpr std::string_view rsa_encryption = "1.2.840.113549.1.1.1";
inline constexpr std::string_view mgf1 = "1.2.840.113549.1.1.8";
inline constexpr std::string_view rsassa_pss = "1.2.840.113549.1.1.10";
inline constexpr std::string_view sha256_with_rsa = "1.2.840.113549.1.1.11";
inline constexpr std::string_view sha384_with_rsa = "1.2.840.113549.1.1.12";
inline constexpr std::string_view sha512_with_rsa = "1.2.840.113549.1.1.13";
inline constexpr std::string_view sha1_with_rsa = "1.2.840.113549.1.1.5";
inline constexpr std::string_view ec_public_key = "1.2.840.10045.2.1";
inline constexpr std::string_view ecdsa_with_sha256 = "1.2.840.10045.4.3.2";
inline constexpr std::string_view ecdsa_with_sha384 = "1.2.840.10045.4.3.3";
inline constexpr std::string_view ecdsa_with_sha512 = "1.2.840.10045.4.3.4";
inline constexpr std::string_view secp256r1 = "1.2.840.10045.3.1.7";
inline constexpr std::string_view secp384r1 = "1.3.132.0.34";
inline constexpr std::string_view aes128_cbc = "2.16.840.1.101.3.4.1.2";
inline constexpr std::string_view aes192_cbc = "2.16.840.1.101.3.4.1.22";
inline constexpr std::string_view aes256_cbc = "2.16.840.1.101.3.4.1.42";
inline constexpr std::string_view aes128_wrap = "2.16.840.1.101.3.4.1.5";
inline constexpr std::string_view aes192_wrap = "2.16.840.1.101.3.4.1.25";
inline constexpr std::string_view aes256_wrap = "2.16.840.1.101.3.4.1.45";
inline constexpr std::string_view zlib_compress = "1.2.840.113549.1.9.16.3.8";
inline constexpr std::string_view cms_algorithm_protection = "1.2.840.113549.1.9.52";
inline constexpr std::string_view smime_capabilities = "1.2.840.113549.1.9.15";

/// The name RFC 4108 / CMS give an OID, for printing; empty when unknown.
constexpr std::string_view name(std::string_view o) {
  constexpr std::array<std::pair<std::string_view, std::string_view>, 57> names{{
      {data, "id-data"},
      {signed_data, "id-signedData"},
      {enveloped_data, "id-envelopedData"},
      {encrypted_data, "id-encryptedData"},
      {compressed_data, "id-ct-compressedData"},
      {firmware_package, "id-ct-firmwarePackage"},
      {firmware_load_receipt, "id-ct-firmwareLoadReceipt"},
      {firmware_load_error, "id-ct-firmwareLoadError"},
      {content_type, "id-contentType"},
      {message_digest, "id-messageDigest"},
      {signing_time, "id-signingTime"},
      {content_hints, "id-aa-contentHint"},
      {signing_certificate, "id-aa-signingCertificate"},
      {firmware_package_id, "id-aa-firmwarePackageID"},
      {target_hardware_ids, "id-aa-targetHardwareIDs"},
      {decrypt_key_id, "id-aa-decryptKeyID"},
      {impl_crypto_algs, "id-aa-implCryptoAlgs"},
      {wrapped_firmware_key, "id-aa-wrappedFirmwareKey"},
      {community_identifiers, "id-aa-communityIdentifiers"},
      {fw_pkg_message_digest, "id-aa-fwPkgMessageDigest"},
      {firmware_package_info, "id-aa-firmwarePackageInfo"},
      {impl_compress_algs, "id-aa-implCompressAlgs"},
      {hardware_module_name, "id-on-hardwareModuleName"},
      {sha1, "id-sha1"},
      {sha256, "id-sha256"},
      {sha384, "id-sha384"},
      {sha512, "id-sha512"},
      {rsa_encryption, "rsaEncryption"},
      {mgf1, "id-mgf1"},
      {rsassa_pss, "id-RSASSA-PSS"},
      {sha256_with_rsa, "sha256WithRSAEncryption"},
      {sha384_with_rsa, "sha384WithRSAEncryption"},
      {sha512_with_rsa, "sha512WithRSAEncryption"},
      {sha1_with_rsa, "sha1WithRSAEncryption"},
      {ec_public_key, "id-ecPublicKey"},
      {ecdsa_with_sha256, "ecdsa-with-SHA256"},
      {ecdsa_with_sha384, "ecdsa-with-SHA384"},
      {ecdsa_with_sha512, "ecdsa-with-SHA512"},
      {secp256r1, "secp256r1"},
      {secp384r1, "secp384r1"},
      {aes128_cbc, "id-aes128-CBC"},
      {aes192_cbc, "id-aes192-CBC"},
      {aes256_cbc, "id-aes256-CBC"},
      {aes128_wrap, "id-aes128-wrap"},
      {aes192_wrap, "id-aes192-wrap"},
      {aes256_wrap, "id-aes256-wrap"},
      {zlib_compress, "id-alg-zlibCompress"},
      {cms_algorithm_protection, "id-aa-CMSAlgorithmProtection"},
      {smime_capabilities, "smimeCapabilities"},
      {"2.5.4.3", "id-at-commonName"},
      {"2.5.4.6", "id-at-countryName"},
      {"2.5.4.10", "id-at-organizationName"},
      {"2.5.29.14", "id-ce-subjectKeyIdentifier"},
      {"2.5.29.15", "id-ce-keyUsage"},
      {"2.5.29.19", "id-ce-basicConstraints"},
      {"2.5.29.35", "id-ce-authorityKeyIdentifier"},
      {"2.5.29.17", "id-ce-subjectAltName"},
  }};
  for (const auto& [k, v] : names)
    if (k == o) return v;
  return {};
}
}  // namespace oid

/// RFC 4108 §4.1.3 FirmwarePackageLoadErrorCode (ENUMERATED).
enum class ErrorCode : std::uint8_t {
  decodeFailure = 1,
  badContentInfo = 2,
  badSignedData = 3,
  badEncapContent = 4,
  badCertificate = 5,
  badSignerInfo = 6,
  badSignedAttrs = 7,
  badUnsignedAttrs = 8,
  missingContent = 9,
  noTrustAnchor = 10,
  notAuthorized = 11,
  badDigestAlgorithm = 12,
  badSignatureAlgorithm = 13,
  unsupportedKeySize = 14,
  signatureFailure = 15,
  contentTypeMismatch = 16,
  badEncryptedData = 17,
  unprotectedAttrsPresent = 18,
  badEncryptContent = 19,
  badEncryptAlgorithm = 20,
  missingCiphertext = 21,
  noDecryptKey = 22,
  decryptFailure = 23,
  badCompressAlgorithm = 24,
  missingCompressedContent = 25,
  decompressFailure = 26,
  wrongHardware = 27,
  stalePackage = 28,
  notInCommunity = 29,
  unsupportedPackageType = 30,
  missingDependency = 31,
  wrongDependencyVersion = 32,
  insufficientMemory = 33,
  badFirmware = 34,
  unsupportedParameters = 35,
  breaksDependency = 36,
  otherError = 99,
};
constexpr auto enum_names(ErrorCode) {
  using E = ErrorCode;
  return std::array{
      EnumName<ErrorCode>{E::decodeFailure, "decodeFailure"},
      EnumName<ErrorCode>{E::badContentInfo, "badContentInfo"},
      EnumName<ErrorCode>{E::badSignedData, "badSignedData"},
      EnumName<ErrorCode>{E::badEncapContent, "badEncapContent"},
      EnumName<ErrorCode>{E::badCertificate, "badCertificate"},
      EnumName<ErrorCode>{E::badSignerInfo, "badSignerInfo"},
      EnumName<ErrorCode>{E::badSignedAttrs, "badSignedAttrs"},
      EnumName<ErrorCode>{E::badUnsignedAttrs, "badUnsignedAttrs"},
      EnumName<ErrorCode>{E::missingContent, "missingContent"},
      EnumName<ErrorCode>{E::noTrustAnchor, "noTrustAnchor"},
      EnumName<ErrorCode>{E::notAuthorized, "notAuthorized"},
      EnumName<ErrorCode>{E::badDigestAlgorithm, "badDigestAlgorithm"},
      EnumName<ErrorCode>{E::badSignatureAlgorithm, "badSignatureAlgorithm"},
      EnumName<ErrorCode>{E::unsupportedKeySize, "unsupportedKeySize"},
      EnumName<ErrorCode>{E::signatureFailure, "signatureFailure"},
      EnumName<ErrorCode>{E::contentTypeMismatch, "contentTypeMismatch"},
      EnumName<ErrorCode>{E::badEncryptedData, "badEncryptedData"},
      EnumName<ErrorCode>{E::unprotectedAttrsPresent, "unprotectedAttrsPresent"},
      EnumName<ErrorCode>{E::badEncryptContent, "badEncryptContent"},
      EnumName<ErrorCode>{E::badEncryptAlgorithm, "badEncryptAlgorithm"},
      EnumName<ErrorCode>{E::missingCiphertext, "missingCiphertext"},
      EnumName<ErrorCode>{E::noDecryptKey, "noDecryptKey"},
      EnumName<ErrorCode>{E::decryptFailure, "decryptFailure"},
      EnumName<ErrorCode>{E::badCompressAlgorithm, "badCompressAlgorithm"},
      EnumName<ErrorCode>{E::missingCompressedContent, "missingCompressedContent"},
      EnumName<ErrorCode>{E::decompressFailure, "decompressFailure"},
      EnumName<ErrorCode>{E::wrongHardware, "wrongHardware"},
      EnumName<ErrorCode>{E::stalePackage, "stalePackage"},
      EnumName<ErrorCode>{E::notInCommunity, "notInCommunity"},
      EnumName<ErrorCode>{E::unsupportedPackageType, "unsupportedPackageType"},
      EnumName<ErrorCode>{E::missingDependency, "missingDependency"},
      EnumName<ErrorCode>{E::wrongDependencyVersion, "wrongDependencyVersion"},
      EnumName<ErrorCode>{E::insufficientMemory, "insufficientMemory"},
      EnumName<ErrorCode>{E::badFirmware, "badFirmware"},
      EnumName<ErrorCode>{E::unsupportedParameters, "unsupportedParameters"},
      EnumName<ErrorCode>{E::breaksDependency, "breaksDependency"},
      EnumName<ErrorCode>{E::otherError, "otherError"},
  };
}
constexpr std::uint8_t code_value(ErrorCode c) { return static_cast<std::uint8_t>(c); }

}  // namespace lockref::fwpkg
