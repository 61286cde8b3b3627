// RFC 4108 firmware packages: writing CMS (RFC 5652) with Crypto++'s DER encoders
// (fwpkg/der.hpp): attributes, ContentInfo, and SignedData with one SignerInfo identified by
// its subjectKeyIdentifier. Used for the module's signed receipts and error reports (§3.1.2,
// §4.1.2) and by the model's own package builder (fwpkg/builder.hpp, corpora only).
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/crypto/signature.hpp"
#include "lockref/fwpkg/der.hpp"
#include "lockref/fwpkg/names.hpp"
#include "lockref/fwpkg/types.hpp"
#include "lockref/fwpkg/verify.hpp"

namespace lockref::fwpkg {

/// PreferredOrLegacyPackageIdentifier (§2.2.3).
inline void put_name(der::Sink& s, const PackageName& n) {
  if (const auto* p = std::get_if<Preferred>(&n)) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_oid(q, p->oid);
      der::put_uint(q, p->version);
    });
  } else {
    der::put_octets(s, std::get<Legacy>(n).name);
  }
}
inline Bytes name_der(const PackageName& n) {
  return der::encode([&](der::Sink& s) { put_name(s, n); });
}

/// Attribute ::= SEQUENCE { attrType, attrValues SET OF AttributeValue } with one value.
inline Bytes attribute(std::string_view type, ByteView value_der) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_oid(q, type);
      der::constructed(q, der::SET, [&](der::Sink& v) { der::put_raw(v, value_der); });
    });
  });
}
inline Bytes oid_der(std::string_view o) {
  return der::encode([&](der::Sink& s) { der::put_oid(s, o); });
}
inline Bytes octets_der(ByteView v) {
  return der::encode([&](der::Sink& s) { der::put_octets(s, v); });
}
inline void put_algorithm(der::Sink& s, std::string_view o, std::optional<ByteView> params = std::nullopt) {
  der::sequence(s, [&](der::Sink& q) {
    der::put_oid(q, o);
    if (params) der::put_raw(q, *params);
  });
}

/// ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY }.
inline Bytes content_info(std::string_view content_type, ByteView content_der) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_oid(q, content_type);
      der::constructed(q, der::ctx(0, true), [&](der::Sink& c) { der::put_raw(c, content_der); });
    });
  });
}

/// Who signs: a subjectKeyIdentifier and a PKCS #8 private key, with the scheme and hash.
struct Signer {
  Bytes key_id;
  Bytes private_key;
  SigScheme scheme = SigScheme::rsa_pkcs1v15;
  SigHash hash = SigHash::sha256;
  std::vector<Bytes> certificates;  // DER certificates for SignedData.certificates
};

/// The signature AlgorithmIdentifier for a scheme (RSASSA-PSS with RFC 4055 parameters: the
/// hash, MGF1 with the same hash, a salt of the hash length).
inline Bytes signature_algorithm_der(SigScheme scheme, SigHash h) {
  return der::encode([&](der::Sink& s) {
    switch (scheme) {
      case SigScheme::rsa_pkcs1v15:
        der::sequence(s, [&](der::Sink& q) {
          der::put_oid(q, h == SigHash::sha256 ? oid::sha256_with_rsa : h == SigHash::sha384 ? oid::sha384_with_rsa : oid::sha512_with_rsa);
          der::put_null(q);
        });
        break;
      case SigScheme::ecdsa:
        der::sequence(s, [&](der::Sink& q) {
          der::put_oid(q, h == SigHash::sha256 ? oid::ecdsa_with_sha256 : h == SigHash::sha384 ? oid::ecdsa_with_sha384 : oid::ecdsa_with_sha512);
        });
        break;
      case SigScheme::rsa_pss:
        der::sequence(s, [&](der::Sink& q) {
          der::put_oid(q, oid::rsassa_pss);
          der::sequence(q, [&](der::Sink& p) {
            der::constructed(p, der::ctx(0, true), [&](der::Sink& x) { put_algorithm(x, digest_oid(h)); });
            der::constructed(p, der::ctx(1, true), [&](der::Sink& x) {
              der::sequence(x, [&](der::Sink& m) {
                der::put_oid(m, oid::mgf1);
                put_algorithm(m, digest_oid(h));
              });
            });
            der::constructed(p, der::ctx(2, true), [&](der::Sink& x) { der::put_uint(x, crypto::sig_hash_size(h)); });
          });
        });
        break;
    }
  });
}

inline Result<Bytes> sign_bytes(const Signer& who, ByteView msg) {
  switch (who.scheme) {
    case SigScheme::rsa_pkcs1v15: return crypto::rsa_pkcs1v15_sign(who.hash, who.private_key, msg);
    case SigScheme::rsa_pss: return crypto::rsa_pss_sign(who.hash, who.private_key, msg);
    case SigScheme::ecdsa: {
      auto rs = crypto::ecdsa_sign(who.hash, who.private_key, msg);
      if (!rs) return rs.error();
      return ecdsa_p1363_to_der(*rs);
    }
  }
  return make_error("sign: scheme");
}

/// ContentInfo(id-signedData) with SignedData version 3 around `econtent`; signed attributes:
/// content-type, message-digest, then `extra_attrs` (each a whole Attribute); unsigned
/// attributes as given. RFC 4108 §2.1.2 (packages), §3.1.2 and §4.1.2 (receipts, errors).
inline Result<Bytes> signed_data(std::string_view econtent_type, ByteView econtent, const Signer& who,
                                 std::vector<Bytes> extra_attrs = {}, std::vector<Bytes> unsigned_attrs = {}) {
  std::vector<Bytes> attrs = std::move(extra_attrs);
  attrs.push_back(attribute(oid::content_type, oid_der(econtent_type)));
  attrs.push_back(attribute(oid::message_digest, octets_der(crypto::digest(who.hash, econtent))));
  const Bytes signed_set = der::encode([&](der::Sink& s) { der::set_of(s, attrs); });
  auto sig = sign_bytes(who, signed_set);
  if (!sig) return sig.error();
  Bytes signed_implicit = signed_set;
  signed_implicit[0] = der::ctx(0, true);
  const Bytes sd = der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_uint(q, 3);
      der::constructed(q, der::SET, [&](der::Sink& d) { put_algorithm(d, digest_oid(who.hash)); });
      der::sequence(q, [&](der::Sink& e) {
        der::put_oid(e, econtent_type);
        der::constructed(e, der::ctx(0, true), [&](der::Sink& c) { der::put_octets(c, econtent); });
      });
      if (!who.certificates.empty()) der::set_of(q, who.certificates, der::ctx(0, true));
      der::constructed(q, der::SET, [&](der::Sink& set) {
        der::sequence(set, [&](der::Sink& si) {
          der::put_uint(si, 3);
          der::put_octets(si, who.key_id, der::ctx(0, false));
          put_algorithm(si, digest_oid(who.hash));
          der::put_raw(si, signed_implicit);
          der::put_raw(si, signature_algorithm_der(who.scheme, who.hash));
          der::put_octets(si, *sig);
          if (!unsigned_attrs.empty()) der::set_of(si, unsigned_attrs, der::ctx(1, true));
        });
      });
    });
  });
  return content_info(oid::signed_data, sd);
}

/// The scheme and hash for a module's own signing key: RSA -> PKCS #1 v1.5 with SHA-256,
/// P-256 -> ECDSA with SHA-256, P-384 -> ECDSA with SHA-384 (model choice).
inline Result<Signer> signer_for(const ModuleKey& k) {
  auto pub = crypto::public_key_of(k.private_key);
  if (!pub) return pub.error();
  auto info = key_info(*pub);
  if (!info) return info.error();
  Signer s;
  s.key_id = k.key_id;
  s.private_key = k.private_key;
  if (info->rsa) {
    s.scheme = SigScheme::rsa_pkcs1v15;
    s.hash = SigHash::sha256;
  } else if (info->curve) {
    s.scheme = SigScheme::ecdsa;
    s.hash = *info->curve == Curve::p256 ? SigHash::sha256 : SigHash::sha384;
  } else {
    return make_error("module key: curve " + info->curve_oid + " not supported");
  }
  if (k.certificate) s.certificates.push_back(*k.certificate);
  return s;
}

}  // namespace lockref::fwpkg
