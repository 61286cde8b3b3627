// Firmware trusted update: the signature check behind FirmwareDownload::signature_ok
// (seed 000 "Firmware Access Control and Firmware Trusted Update": "The signature is verified
// using PKCS #PSS, v2.1 RSA signature algorithm and public key in ROM. ... The RSA key/modulus
// size for all current generation Seagate products is 4096 bits.").
// Kept out of drive.hpp so the machine stays independent of Crypto++: the machine takes the
// verdict as an input, this computes it.
#pragma once
#include <array>
#include <cstdint>

#include "lockref/core/bytes.hpp"
#include "lockref/core/enum.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/rsa_pss.hpp"

namespace lockref::opal {

/// The PSS hash. The guide names none (errata E-OPAL-FW-PSS-PARAMS); SHA-256 is the model's
/// default, MGF1 with the same hash, salt length = digest length.
enum class FwHash : std::uint8_t { sha256, sha384, sha512 };
constexpr auto enum_names(FwHash) {
  return std::array{EnumName{FwHash::sha256, "SHA-256"}, EnumName{FwHash::sha384, "SHA-384"},
                    EnumName{FwHash::sha512, "SHA-512"}};
}

/// [FW] "key size (modulus) of 4096 bits".
inline constexpr unsigned rom_key_bits = 4096;

/// Does `signature` verify `image` under the ROM public key (DER SubjectPublicKeyInfo)?
/// Error when the key is unusable or not a 4096-bit RSA key.
inline Result<bool> firmware_signature_ok(ByteView rom_key_spki, ByteView image, ByteView signature,
                                          FwHash h = FwHash::sha256) {
  auto info = crypto::rsa_public_key_info(rom_key_spki);
  if (!info) return info.error();
  if (info->modulus_bits != rom_key_bits)
    return make_error("public key: " + std::to_string(info->modulus_bits) + "-bit modulus; the guide's ROM key is " +
                      std::to_string(rom_key_bits) + " bits");
  const auto ph = h == FwHash::sha256   ? crypto::PssHash::sha256
                  : h == FwHash::sha384 ? crypto::PssHash::sha384
                                        : crypto::PssHash::sha512;
  return crypto::rsa_pss_verify(ph, rom_key_spki, image, signature);
}

}  // namespace lockref::opal
