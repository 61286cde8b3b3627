// OCP L.O.C.K. 0.9 key-hierarchy profile: every label and construction choice the
// derivations of §4.6.1–§4.6.5 need, each with where it comes from.
//
// Source: seed 001_30ed4cd62c635f55.txt (OCP L.O.C.K. 0.9) and its figures
// (../shared/seeds/ocp-lock-0.9-figures/). 0.9 names only two KDF labels ("wrapped_mek",
// "derived_mek"); where the Caliptra reference test ladder (chipsalliance/caliptra-sw
// test/src/derive.rs) uses a label for the same role, lockref uses that spelling, and
// says so. A vendor plugs in its own labels by building another Rev09 value (the eval
// ops take every label as an optional argument).
#pragma once
#include <cstddef>
#include <string>

namespace lockref::lock::rev09 {

struct Profile {
  // ---- SP 800-108 KDF (§4.6.1.2) -------------------------------------------------
  /// Width of the counter [i] in bytes, big-endian. 0.9 §4.6.1.2 prints "0x01"; SP 800-108
  /// §4.1 with r = 32 and the Caliptra firmware use 00000001. Issue 3 profile decision:
  /// 4 (errata E-LOCK-KDF-COUNTER). 1 reproduces the literal 0.9 text.
  std::size_t kdf_counter_bytes = 4;

  // ---- Preconditioned Key Extract (§4.6.1.3, Figure 3) ----------------------------
  /// "Truncate or pad to 256 bits": model choice, unspecified in 0.9 — keep the first
  /// 32 bytes of a longer salt, append zero bytes to a shorter one (errata E-LOCK-SALT-FIT).
  std::size_t salt_checksum_key_bytes = 32;

  // ---- labels ----------------------------------------------------------------------
  /// Figure 18: HEK = SP 800-108 KDF(IDevID CDI, label, context = HEK seed). Label not
  /// named in 0.9; caliptra-sw test/src/derive.rs uses "ocp_lock_hek".
  std::string hek_label = "ocp_lock_hek";
  /// Figure 24: MDK = SP 800-108 KDF(IDevID CDI, label). Label not named in 0.9;
  /// caliptra-sw uses "ocp_lock_mdk".
  std::string mdk_label = "ocp_lock_mdk";
  /// Figure 6: VEK = Preconditioned Key Extract(salt = DRBG seed, key = HEK, "Derivation
  /// constant KDF label"). Unspecified in 0.9: model choice.
  std::string vek_label = "ocp_lock_vek";
  /// Figures 12-15, 20, 21: EPK = Preconditioned Key Extract(salt = SEK, key = HEK).
  /// Label unspecified in 0.9; caliptra-sw uses "ocp_lock_epk" for the EPK KDF.
  std::string epk_label = "ocp_lock_epk";
  /// Figure 12: Locked MPK encryption key = PKE(salt = access key, key = EPK). Label
  /// unspecified in 0.9; caliptra-sw uses "ocp_lock_locked_mpk_encryption_key".
  std::string locked_mpk_key_label = "ocp_lock_locked_mpk_encryption_key";
  /// Figure 12: Preconditioned AES-Encrypt of the MPK under the Locked MPK encryption key.
  /// Label unspecified in 0.9; caliptra-sw uses "ocp_lock_locked_mpk".
  std::string locked_mpk_aes_label = "ocp_lock_locked_mpk";
  /// Figure 13/20: Preconditioned AES of an Enabled MPK under the VEK. Unspecified in 0.9:
  /// model choice.
  std::string enabled_mpk_aes_label = "ocp_lock_enabled_mpk";
  /// Figure 20: MPK secret_i = PKE(salt = MPK secret_{i-1}, key = MPK_i). Unspecified in
  /// 0.9: model choice.
  std::string mpk_secret_label = "ocp_lock_mpk_secret";
  /// Figure 20/21: MEK secret seed = PKE(salt = DPK, key = EPK). Unspecified in 0.9: model
  /// choice (caliptra-sw calls the value "intermediate MEK secret").
  std::string mek_secret_seed_label = "ocp_lock_mek_secret_seed";
  /// Figure 20/21: MEK secret = PKE(salt = MPK secret, key = MEK secret seed). Unspecified
  /// in 0.9: model choice.
  std::string mek_secret_label = "ocp_lock_mek_secret";
  /// Figures 22-23: the outer layer of a random MEK. Named by 0.9.
  std::string wrapped_mek_label = "wrapped_mek";
  /// Figure 25: derived MEK = SP 800-108 KDF(MEK secret, "derived_mek"). Named by 0.9.
  std::string derived_mek_label = "derived_mek";

  // ---- sizes -----------------------------------------------------------------------
  /// Figure 20/21 "Initial MPK secret (0x0000...)": its width is unspecified in 0.9;
  /// model choice: 64 bytes, the width of every other MPK secret (HMAC512 output).
  std::size_t initial_mpk_secret_bytes = 64;
  /// 512-bit keys (HMAC512 outputs: MDK, MEK secret) used as AES-256 keys (Figure 22
  /// MDK, Figure 25 MEK-secret checksum): model choice, first 32 bytes (E-LOCK-AES-KEY-FROM-512).
  std::size_t aes_key_bytes = 32;
};

/// The profile as issue 3 decided it (counter 32-bit big-endian).
inline Profile profile() { return {}; }

}  // namespace lockref::lock::rev09
