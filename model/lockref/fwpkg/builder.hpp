// RFC 4108 firmware packages: lockref's own package builder, for the example packages that
// `lockref explore|corpus fwpkg` and the property walks load. It writes §2's structures with
// the same DER writer as the receipts (fwpkg/cms_write.hpp). Test vectors never come from
// here: tests/oracle/fwpkg_builder.py builds them independently.
#pragma once
#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/keywrap.hpp"
#include "lockref/fwpkg/cms_write.hpp"
#include "lockref/fwpkg/example_keys.hpp"
#include "lockref/fwpkg/inflate.hpp"
#include "lockref/fwpkg/loader.hpp"

namespace lockref::fwpkg {

/// What a package says and holds.
struct PackageSpec {
  PackageName name;
  std::optional<Stale> stale;
  std::vector<std::string> targets;
  std::optional<std::vector<Community>> communities;
  std::optional<std::int64_t> type;
  std::optional<std::vector<PackageName>> dependencies;
  Bytes firmware;
  bool compress = false;
  std::optional<DecryptKey> encrypt;  // AES-CBC under this key (id -> decrypt-key-identifier)
  bool firmware_digest = true;        // §2.2.10 firmware-package-message-digest (SHA-256)
};

inline Bytes package_id_value(const PackageName& n, const std::optional<Stale>& st) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      put_name(q, n);
      if (st) {
        if (const auto* v = std::get_if<StaleVersion>(&*st)) der::put_uint(q, v->version);
        else der::put_octets(q, std::get<StaleLegacy>(*st).name);
      }
    });
  });
}

inline Bytes communities_value(const std::vector<Community>& cs) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      for (const auto& c : cs) {
        if (c.oid) {
          der::put_oid(q, *c.oid);
          continue;
        }
        der::sequence(q, [&](der::Sink& h) {
          der::put_oid(h, c.hw_type);
          der::sequence(h, [&](der::Sink& e) {
            for (const auto& x : c.serials) {
              if (x.kind == SerialKind::all) der::put_null(e);
              else if (x.kind == SerialKind::single) der::put_octets(e, x.low);
              else
                der::sequence(e, [&](der::Sink& b) {
                  der::put_octets(b, x.low);
                  der::put_octets(b, x.high);
                });
            }
          });
        });
      }
    });
  });
}

/// Builds and signs a package (§2.1): FirmwarePkgData, optionally CompressedData (zlib),
/// optionally EncryptedData (AES-CBC), in SignedData with the §2.2 signed attributes.
inline Result<Bytes> build_package(const PackageSpec& spec, const Signer& who) {
  std::string type = std::string(oid::firmware_package);
  Bytes content = spec.firmware;
  if (spec.compress) {
    const Bytes z = zlib_deflate(content);
    content = der::encode([&](der::Sink& s) {
      der::sequence(s, [&](der::Sink& q) {
        der::put_uint(q, 0);
        put_algorithm(q, oid::zlib_compress);
        der::sequence(q, [&](der::Sink& e) {
          der::put_oid(e, oid::firmware_package);
          der::constructed(e, der::ctx(0, true), [&](der::Sink& c) { der::put_octets(c, z); });
        });
      });
    });
    type = std::string(oid::compressed_data);
  }
  if (spec.encrypt) {
    const auto& k = *spec.encrypt;
    const Bytes h = crypto::sha256(k.id);
    const Bytes iv(h.begin(), h.begin() + 16);  // deterministic (corpora only)
    auto ct = crypto::aes_cbc_encrypt(k.key, iv, content);
    if (!ct) return ct.error();
    const std::string_view alg = k.key.size() == 16 ? oid::aes128_cbc : k.key.size() == 24 ? oid::aes192_cbc : oid::aes256_cbc;
    const std::string inner = type;
    content = der::encode([&](der::Sink& s) {
      der::sequence(s, [&](der::Sink& q) {
        der::put_uint(q, 0);
        der::sequence(q, [&](der::Sink& e) {
          der::put_oid(e, inner);
          put_algorithm(e, alg, octets_der(iv));
          der::put_octets(e, *ct, der::ctx(0, false));
        });
      });
    });
    type = std::string(oid::encrypted_data);
  }
  std::vector<Bytes> attrs;
  attrs.push_back(attribute(oid::firmware_package_id, package_id_value(spec.name, spec.stale)));
  attrs.push_back(attribute(oid::target_hardware_ids, der::encode([&](der::Sink& s) {
                              der::sequence(s, [&](der::Sink& q) {
                                for (const auto& t : spec.targets) der::put_oid(q, t);
                              });
                            })));
  if (spec.encrypt) attrs.push_back(attribute(oid::decrypt_key_id, octets_der(spec.encrypt->id)));
  if (spec.communities) attrs.push_back(attribute(oid::community_identifiers, communities_value(*spec.communities)));
  if (spec.type || spec.dependencies)
    attrs.push_back(attribute(oid::firmware_package_info, der::encode([&](der::Sink& s) {
                                der::sequence(s, [&](der::Sink& q) {
                                  if (spec.type) der::put_int64(q, *spec.type);
                                  if (spec.dependencies)
                                    der::sequence(q, [&](der::Sink& d) {
                                      for (const auto& n : *spec.dependencies) put_name(d, n);
                                    });
                                });
                              })));
  if (spec.firmware_digest)
    attrs.push_back(attribute(oid::fw_pkg_message_digest, der::encode([&](der::Sink& s) {
                                der::sequence(s, [&](der::Sink& q) {
                                  put_algorithm(q, oid::sha256);
                                  der::put_octets(q, crypto::sha256(spec.firmware));
                                });
                              })));
  return signed_data(type, content, who, std::move(attrs));
}

// ---- lockref's example module and its packages ------------------------------------------------

namespace example {
inline constexpr std::string_view hw_type = "1.3.6.1.4.1.221121.1.1.42";
inline constexpr std::string_view other_hw_type = "1.3.6.1.4.1.221121.1.1.99";
inline constexpr std::string_view community = "1.3.6.1.4.1.221121.3.1";
inline constexpr std::string_view other_community = "1.3.6.1.4.1.221121.3.2";
inline constexpr std::string_view package_a = "1.3.6.1.4.1.221121.2.1";  // an application
inline constexpr std::string_view package_b = "1.3.6.1.4.1.221121.2.2";  // depends on A >= 1
inline Bytes hex(std::string_view h) { return from_hex(h).value(); }
inline Signer signer() {
  Signer s;
  s.key_id = hex(signer_key_id);
  s.private_key = hex(signer_private_key);
  return s;
}
inline DecryptKey decrypt_key() {
  const Bytes k = crypto::sha256(to_bytes("lockref example firmware-decryption key"));
  return DecryptKey{to_bytes("example-fw-key-1"), Bytes(k.begin(), k.begin() + 16)};
}
/// The example hardware module (state after manufacture).
inline State module() {
  State s;
  s.hw_type = std::string(hw_type);
  s.serial = Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  s.trust_anchors.push_back(TrustAnchor{hex(signer_key_id), hex(signer_public_key), std::nullopt, true});
  s.communities.push_back(std::string(community));
  s.decrypt_keys.push_back(decrypt_key());
  s.module_key = ModuleKey{hex(module_key_id), hex(module_private_key), std::nullopt};
  return s;
}

/// The candidate packages for walks: A and B in versions 0..V (B depends on A >= 1), A with
/// stale versions, two legacy-named packages, one compressed-and-encrypted package, and
/// packages every loader refuses (wrong hardware, wrong community, bad signature, unknown
/// signer, not DER at all). Built once per V (a pure function of V, memoised: signing is slow).
/// The corpus, in this order (corpora and walks depend on it; tests pin it):
///  - for v = 0..V: A v (fwPkgType 1); for v >= 1, A v with stale version v - 1; B v (fwPkgType
///    2), CompressedData (zlib) exactly when v is odd, so that a walk meets both forms;
///  - A V, compressed then encrypted under decrypt_key(), for the example community only;
///  - legacy-named "boot-1.0", then "boot-2.0" with stale legacy name "boot-1.0" (fwPkgType 0),
///    neither compressed; every package so far is for hw_type and carries the firmware digest;
///  - refused by every loader, each A V uncompressed: for other_hw_type; for other_community;
///    with its last octet (inside the signature) XOR 01; signed under the 20-octet key
///    identifier 5A..5A no trust anchor holds; then the 6 octets 30 80 02 01 03 00 (BER: a
///    SEQUENCE of indefinite length holding INTEGER 3 and a lone 00, never ended).
inline std::vector<Bytes> packages(std::uint8_t versions) {
  static std::mutex m;
  static std::array<std::vector<Bytes>, 5> cache;
  std::lock_guard<std::mutex> lock(m);
  auto& out = cache[std::min<std::size_t>(versions, 4)];
  if (!out.empty()) return out;
  const Signer who = signer();
  auto fw = [](const std::string& label) { return to_bytes("firmware image " + label); };
  auto add = [&](PackageSpec spec, const Signer& by = signer()) { out.push_back(build_package(spec, by).value()); };
  auto pref = [](std::string_view o, std::uint64_t v) { return PackageName{Preferred{std::string(o), v}}; };
  const std::vector<std::string> here{std::string(hw_type)};
  for (std::uint64_t v = 0; v <= versions; ++v) {
    add({pref(package_a, v), std::nullopt, here, std::nullopt, 1, std::nullopt, fw("A" + std::to_string(v)), false, std::nullopt, true});
    if (v >= 1)
      add({pref(package_a, v), StaleVersion{v - 1}, here, std::nullopt, 1, std::nullopt, fw("A" + std::to_string(v) + "s"), false,
           std::nullopt, true});
    add({pref(package_b, v), std::nullopt, here, std::nullopt, 2, std::vector<PackageName>{pref(package_a, 1)},
         fw("B" + std::to_string(v)), v % 2 == 1, std::nullopt, true});
  }
  add({pref(package_a, versions), std::nullopt, here, std::vector<Community>{{std::string(community), "", {}}}, 1, std::nullopt,
       fw("A-enc"), true, decrypt_key(), true});
  add({PackageName{Legacy{to_bytes("boot-1.0")}}, std::nullopt, here, std::nullopt, 0, std::nullopt, fw("boot-1.0"), false,
       std::nullopt, true});
  add({PackageName{Legacy{to_bytes("boot-2.0")}}, StaleLegacy{to_bytes("boot-1.0")}, here, std::nullopt, 0, std::nullopt,
       fw("boot-2.0"), false, std::nullopt, true});
  // refused by every loader
  add({pref(package_a, versions), std::nullopt, {std::string(other_hw_type)}, std::nullopt, 1, std::nullopt, fw("A-wrong-hw"),
       false, std::nullopt, true});
  add({pref(package_a, versions), std::nullopt, here, std::vector<Community>{{std::string(other_community), "", {}}}, 1,
       std::nullopt, fw("A-other-community"), false, std::nullopt, true});
  Bytes bad = build_package({pref(package_a, versions), std::nullopt, here, std::nullopt, 1, std::nullopt, fw("A-badsig"), false,
                             std::nullopt, true},
                            who)
                  .value();
  bad[bad.size() - 1] ^= 0x01;  // the last octet is inside the signature
  out.push_back(std::move(bad));
  Signer stranger = who;
  stranger.key_id = Bytes(20, 0x5A);
  add({pref(package_a, versions), std::nullopt, here, std::nullopt, 1, std::nullopt, fw("A-stranger"), false, std::nullopt, true},
      stranger);
  out.push_back(Bytes{0x30, 0x80, 0x02, 0x01, 0x03, 0x00});  // BER, but no ContentInfo ends
  return out;
}
}  // namespace example

}  // namespace lockref::fwpkg
