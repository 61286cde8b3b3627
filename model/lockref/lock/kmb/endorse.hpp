// OCP L.O.C.K. 0.9 §4.6.2.1.2 / §4.7.2.9: HPKE public key endorsement (Figure 11) as a DER
// X.509 v3 certificate signed with ecdsa_secp384r1_sha384 by a model of Caliptra runtime
// firmware's DICE alias key.
//
// Built with Crypto++'s ASN.1 DER encoders (<cryptopp/asn.h>) and its RFC 6979 deterministic
// ECDSA (<cryptopp/eccrypto.h>), so a certificate is a pure function of its inputs (no
// hidden randomness; OpenSSL 3.0's ECDSA has no deterministic mode). 0.9 does not define the
// certificate's contents; every choice below is a model choice (errata E-KMB-ENDORSE-CERT):
//   issuer/subject   CN = "OCP L.O.C.K. KMB DICE alias (lockref model)" / "OCP L.O.C.K. KMB HPKE key"
//                    plus serialNumber = the handle
//   validity         20250101000000Z .. 99991231235959Z (RFC 5280 §4.1.2.5 "no well-defined expiration")
//   serial           1 || the first 8 bytes of SHA-384(public key)
//   subjectPublicKey P-384: id-ecPublicKey + secp384r1 (RFC 5480); ML-KEM-1024:
//                    id-alg-ml-kem-1024 2.16.840.1.101.3.4.4.3 (NIST CSOR); the 0x0a25 hybrid
//                    has no registered OID: model OID 1.3.6.1.3.1010.1 (experimental arc)
//   extensions       basicConstraints (critical, CA:FALSE); an HPKE-suite extension (model OID
//                    1.3.6.1.3.1010.2, non-critical) holding SEQUENCE { kem_id, kdf_id, aead_id } so a
//                    user can "decode the HPKE capabilities ... based on the HPKE certificate"
//                    (§4.6.2.1 step 3)
// The alias certificate (self-signed, CA:TRUE, keyCertSign) is what `openssl verify` checks
// the endorsement against.
#pragma once
#include <cryptopp/asn.h>
#include <cryptopp/dsa.h>
#include <cryptopp/eccrypto.h>
#include <cryptopp/oids.h>
#include <cryptopp/osrng.h>
#include <cryptopp/queue.h>
#include <cryptopp/sha.h>

#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/hash.hpp"
#include "lockref/crypto/hpke.hpp"
#include "lockref/lock/kmb/state.hpp"

namespace lockref::lock::kmb::endorse {

namespace detail {
using namespace CryptoPP;

inline Bytes drain(ByteQueue& q) {
  Bytes b(static_cast<std::size_t>(q.MaxRetrievable()));
  q.Get(b.data(), b.size());
  return b;
}
inline OID oid_ec_public_key() { return OID(1) + 2 + 840 + 10045 + 2 + 1; }
inline OID oid_ecdsa_sha384() { return OID(1) + 2 + 840 + 10045 + 4 + 3 + 3; }
inline OID oid_ml_kem_1024() { return OID(2) + 16 + 840 + 1 + 101 + 3 + 4 + 4 + 3; }
/// Model OIDs in the "experimental" arc 1.3.6.1.3 (RFC 1155 §3.1.3): 0.9 names none.
inline OID model_oid(word32 last) { return OID(1) + 3 + 6 + 1 + 3 + 1010 + last; }
inline OID oid_hybrid_0a25() { return model_oid(1); }
inline OID oid_hpke_suite_ext() { return model_oid(2); }

inline void name(BufferedTransformation& bt, const std::string& cn, std::optional<std::uint32_t> serial) {
  DERSequenceEncoder rdns(bt);
  {
    DERSetEncoder set(rdns);
    DERSequenceEncoder atv(set);
    (OID(2) + 5 + 4 + 3).DEREncode(atv);  // commonName
    DEREncodeTextString(atv, cn, UTF8_STRING);
    atv.MessageEnd();
    set.MessageEnd();
  }
  if (serial) {
    DERSetEncoder set(rdns);
    DERSequenceEncoder atv(set);
    (OID(2) + 5 + 4 + 5).DEREncode(atv);  // serialNumber (PrintableString)
    DEREncodeTextString(atv, std::to_string(*serial), PRINTABLE_STRING);
    atv.MessageEnd();
    set.MessageEnd();
  }
  rdns.MessageEnd();
}

inline void algorithm(BufferedTransformation& bt, const OID& alg, const OID* param) {
  DERSequenceEncoder a(bt);
  alg.DEREncode(a);
  if (param) param->DEREncode(a);
  a.MessageEnd();
}

inline void extension(BufferedTransformation& bt, const OID& id, bool critical, const Bytes& value) {
  DERSequenceEncoder e(bt);
  id.DEREncode(e);
  if (critical) {
    e.Put(BOOLEAN);
    DERLengthEncode(e, 1);
    e.Put(0xFF);
  }
  DEREncodeOctetString(e, value.data(), value.size());
  e.MessageEnd();
}

inline Bytes basic_constraints(bool ca) {
  ByteQueue q;
  DERSequenceEncoder s(q);
  if (ca) {
    s.Put(BOOLEAN);
    DERLengthEncode(s, 1);
    s.Put(0xFF);
  }
  s.MessageEnd();
  return drain(q);
}

struct Subject {
  std::string cn;
  std::optional<std::uint32_t> serial_attr;
  OID alg;
  std::optional<OID> alg_param;
  Bytes public_key;  // BIT STRING contents
  bool ca = false;
  std::optional<crypto::hpke::Suite> suite;
};

inline Result<Bytes> sign_certificate(ByteView issuer_sk, const Subject& subj) {
  const std::string issuer_cn = "OCP L.O.C.K. KMB DICE alias (lockref model)";
  ByteQueue tq;
  {
    DERSequenceEncoder tbs(tq);
    {
      DERGeneralEncoder v(tbs, CONTEXT_SPECIFIC | CONSTRUCTED | 0);
      DEREncodeUnsigned<word32>(v, 2);  // v3
      v.MessageEnd();
    }
    const Bytes h = crypto::sha384(subj.public_key);
    Bytes serial{0x01};
    serial.insert(serial.end(), h.begin(), h.begin() + 8);
    Integer(serial.data(), serial.size()).DEREncode(tbs);
    const OID sig = oid_ecdsa_sha384();
    algorithm(tbs, sig, nullptr);
    name(tbs, issuer_cn, std::nullopt);
    {
      DERSequenceEncoder validity(tbs);
      DEREncodeTextString(validity, std::string("20250101000000Z"), GENERALIZED_TIME);
      DEREncodeTextString(validity, std::string("99991231235959Z"), GENERALIZED_TIME);
      validity.MessageEnd();
    }
    name(tbs, subj.ca ? issuer_cn : subj.cn, subj.serial_attr);
    {
      DERSequenceEncoder spki(tbs);
      algorithm(spki, subj.alg, subj.alg_param ? &*subj.alg_param : nullptr);
      DEREncodeBitString(spki, subj.public_key.data(), subj.public_key.size());
      spki.MessageEnd();
    }
    {
      DERGeneralEncoder ext3(tbs, CONTEXT_SPECIFIC | CONSTRUCTED | 3);
      DERSequenceEncoder exts(ext3);
      extension(exts, OID(2) + 5 + 29 + 19, true, basic_constraints(subj.ca));
      if (subj.ca) extension(exts, OID(2) + 5 + 29 + 15, true, Bytes{0x03, 0x02, 0x02, 0x84});  // digitalSignature, keyCertSign
      if (subj.suite) {
        ByteQueue sq;
        DERSequenceEncoder s(sq);
        DEREncodeUnsigned<word32>(s, subj.suite->kem_id);
        DEREncodeUnsigned<word32>(s, subj.suite->kdf_id);
        DEREncodeUnsigned<word32>(s, subj.suite->aead_id);
        s.MessageEnd();
        extension(exts, oid_hpke_suite_ext(), false, drain(sq));
      }
      exts.MessageEnd();
      ext3.MessageEnd();
    }
    tbs.MessageEnd();
  }
  const Bytes tbs = drain(tq);
  // RFC 6979 deterministic ECDSA P-384 / SHA-384 (no RNG is consulted).
  ECDSA_RFC6979<ECP, SHA384>::PrivateKey key;
  key.Initialize(ASN1::secp384r1(), Integer(issuer_sk.data(), issuer_sk.size()));
  ECDSA_RFC6979<ECP, SHA384>::Signer signer(key);
  Bytes p1363(signer.MaxSignatureLength());
  p1363.resize(signer.SignMessage(NullRNG(), tbs.data(), tbs.size(), p1363.data()));
  Bytes der(p1363.size() + 16);
  der.resize(DSAConvertSignatureFormat(der.data(), der.size(), DSA_DER, p1363.data(), p1363.size(), DSA_P1363));
  ByteQueue cq;
  {
    DERSequenceEncoder cert(cq);
    cert.Put(tbs.data(), tbs.size());
    algorithm(cert, oid_ecdsa_sha384(), nullptr);
    DEREncodeBitString(cert, der.data(), der.size());
    cert.MessageEnd();
  }
  return drain(cq);
}
}  // namespace detail

/// The model's DICE runtime alias key: a P-384 scalar from the run's seed
/// (DeriveKeyPair of SHA-384("lockref-dice-alias" || seed)).
inline Bytes alias_key(std::uint64_t seed) {
  Bytes m = to_bytes("lockref-dice-alias");
  put_le(m, seed, 8);
  return crypto::hpke::derive_key_pair(crypto::hpke::kem_dhkem_p384, crypto::sha384(m)).value().sk;
}

/// The self-signed alias certificate endorsements chain to.
inline Result<Bytes> alias_certificate(std::uint64_t seed) {
  const Bytes sk = alias_key(seed);
  auto pk = crypto::p384::public_key(sk);
  if (!pk) return pk.error();
  detail::Subject s{"", std::nullopt, detail::oid_ec_public_key(), CryptoPP::ASN1::secp384r1(), *pk, true, std::nullopt};
  return detail::sign_certificate(sk, s);
}

/// ENDORSE_HPKE_PUB_KEY with ecdsa_secp384r1_sha384: the HPKE public key of `kp` in a
/// certificate signed by the alias key.
inline Result<Bytes> certificate(ByteView alias_sk, const Keypair& kp, ByteView /*unused: deterministic*/ = {}) {
  detail::Subject s;
  s.cn = "OCP L.O.C.K. KMB HPKE key";
  s.serial_attr = kp.handle;
  s.public_key = kp.pk;
  switch (kp.hpke_algorithm) {
    case 1: s.alg = detail::oid_ec_public_key(); s.alg_param = CryptoPP::ASN1::secp384r1(); s.suite = crypto::hpke::Suite{0x0011, 2, 2}; break;
    case 2: s.alg = detail::oid_ml_kem_1024(); s.suite = crypto::hpke::Suite{0x0042, 2, 2}; break;
    case 4: s.alg = detail::oid_hybrid_0a25(); s.suite = crypto::hpke::Suite{0x0a25, 2, 2}; break;
    default: return make_error("no Table 20 HPKE algorithm " + std::to_string(kp.hpke_algorithm));
  }
  return detail::sign_certificate(alias_sk, s);
}

}  // namespace lockref::lock::kmb::endorse
