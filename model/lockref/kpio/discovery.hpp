// The Key Per I/O profile as a host discovers it (seed 002 §3.2.1.1, §3.3.2.1 Table 1): the
// Level 0 Discovery response a Key Per I/O SSC compliant Storage Device returns carries the
// TPer and the Key Per I/O SSC feature descriptors, and the latter's values are the TPer's
// constants of kpio::Profile. `lockref ... kpio --level0 HEX` builds the profile from a
// device's own response, so a capture is checked against the device it came from.
//
// Bit assignments inside the Key Per I/O SSC descriptor are not given by the note, only one
// value with its meaning in words (Table 1); lockref reads them in the order the words list
// them (model choice, errata E-KPIO-L0-BITS):
//   Key Per IO Features 0x12 "Key Per I/O Disabled; Key Per I/O Scope applies to all
//     Namespaces; Replay Protection Supported": bit 0 enabled, bit 1 scope = all namespaces
//     (KPIOSC = 1), bit 4 replay protection supported;
//   KEK Provisioning Models 0x0300 "Plaintext KEK Provisioning Supported, PKI-based KEK
//     Transport Supported": 0x0100 plaintext, 0x0200 PKI.
#pragma once
#include "lockref/kpio/state.hpp"
#include "lockref/tcg/level0.hpp"

namespace lockref::kpio {

inline constexpr std::uint64_t l0_features_scope_all = 0x02, l0_features_replay_supported = 0x10;
inline constexpr std::uint64_t l0_kek_plaintext = 0x0100, l0_kek_pki = 0x0200;

/// `base` with the TPer constants of a Level 0 Discovery response. Fails, naming what is
/// missing, when the response lacks a descriptor §3.2.1.1.1 lists as returned.
inline Result<Profile> profile_from_level0(Profile base, ByteView response) {
  auto d = tcg::level0::parse(response);
  if (!d) return d.error();
  const tcg::level0::Feature* tper = nullptr;
  const tcg::level0::Feature* kpio = nullptr;
  for (const auto& f : d->features) {
    if (f.code == 0x0001) tper = &f;
    if (f.code == 0x0305) kpio = &f;
  }
  // §3.2.1.1.1: "... will return ... TPer Feature Descriptor, Key Per I/O SSC Feature Descriptor".
  if (!tper) return make_error("Level 0 Discovery: no TPer Feature Descriptor (0x0001), which a Key Per I/O device returns (§3.2.1.1.1)");
  if (!kpio) return make_error("Level 0 Discovery: no Key Per I/O SSC Feature Descriptor (0x0305), which a Key Per I/O device returns (§3.2.1.1.1)");
  const auto fields = tcg::level0::fields_of(*kpio);
  if (fields.empty())
    return make_error("Level 0 Discovery: the Key Per I/O SSC Feature Descriptor is " + std::to_string(kpio->data.size()) +
                      " bytes, shorter than Table 1's 44");
  auto get = [&](std::string_view n) -> std::uint64_t {
    for (const auto& f : fields)
      if (f.name == n) return f.value;
    return 0;
  };
  Profile p = std::move(base);
  p.keks = static_cast<std::uint32_t>(get("num_keks"));
  p.total_key_tags = static_cast<std::uint32_t>(get("total_key_tags"));
  p.max_key_tags_per_namespace = static_cast<std::uint16_t>(get("max_key_tags_per_namespace"));
  p.default_key_tags = std::min(p.default_key_tags, p.max_key_tags_per_namespace);
  if (p.default_key_tags == 0) p.default_key_tags = 1;
  if (const auto n = get("get_nonce_length")) p.nonce_length = static_cast<std::uint16_t>(n);
  const auto features = get("kpio_features");
  p.kpiosc = (features & l0_features_scope_all) ? 1 : 0;
  p.replay_supported = (features & l0_features_replay_supported) != 0;
  const auto models = get("kek_provisioning_models");
  p.plaintext_supported = (models & l0_kek_plaintext) != 0;
  p.pki_supported = (models & l0_kek_pki) != 0;
  return p;
}

}  // namespace lockref::kpio
