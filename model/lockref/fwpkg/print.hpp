// RFC 4108: a firmware package's, load receipt's or load error report's CMS structure as text,
// every value with its offset and its name in RFC 4108 / RFC 5652 / RFC 3274 (the way `openssl
// asn1parse` lists offsets, but with field names). Encapsulated content is opened: SignedData
// -> EncryptedData / CompressedData / FirmwarePkgData / FirmwarePackageLoadReceipt /
// FirmwarePackageLoadError. Where the bytes stop matching the structure the printer says so
// (with the offset) and prints the rest as plain ASN.1.
#pragma once
#include <functional>
#include <string>

#include "lockref/crypto/signature.hpp"
#include "lockref/fwpkg/cms.hpp"

namespace lockref::fwpkg {

struct Described {
  std::string kind;  // "firmware package" | "[signed ]load receipt" | "[signed ]load error report" | "CMS" | "ASN.1"
  std::string text;
};

namespace print_detail {

class Printer {
 public:
  std::string text;
  std::string kind = "ASN.1";
  static constexpr int max_depth = 64;  // encapsulated content is not covered by der::ber_check's bound

  void line(std::size_t offset, int depth, const std::string& s) {
    std::string o = std::to_string(offset);
    text += std::string(o.size() < 6 ? 6 - o.size() : 0, ' ') + o + "  " + std::string(static_cast<std::size_t>(depth) * 2, ' ') + s + "\n";
  }
  static std::string oid_label(const std::string& o) {
    const auto n = oid::name(o);
    return n.empty() ? o : std::string(n) + " (" + o + ")";
  }
  static std::string short_hex(ByteView b) {
    if (b.size() <= 32) return to_hex(b);
    return to_hex(b.subspan(0, 24)) + "... (" + std::to_string(b.size()) + " octets)";
  }

  /// Any value, named `label`: primitives with their value, constructed ones opened.
  void any(der::Reader& r, int depth, const std::string& label) {
    const std::size_t at = r.offset();
    if (depth > max_depth) r.fail("values nested deeper than " + std::to_string(max_depth) + " levels");
    const auto h = r.header(0, label);
    const std::string name = label.empty() ? der::tag_name(h.tag) : label + " " + der::tag_name(h.tag);
    if (der::is_constructed(h.tag)) {
      line(at, depth, name);
      auto c = r.enter(h.tag, label);
      while (!c.at_end()) any(c, depth + 1, "");
      c.finish();
      return;
    }
    const auto v = r.primitive(h.tag, label);
    switch (h.tag) {
      case der::OBJECT_ID: {
        auto t = der::oid_text(v);
        line(at, depth, name + " = " + (t ? oid_label(*t) : "(malformed)"));
        return;
      }
      case der::INTEGER:
      case der::ENUMERATED:
        line(at, depth, name + " = " + (v.size() <= 8 ? std::to_string(int_value(v)) : "0x" + short_hex(v)));
        return;
      case der::UTF8_STRING:
      case der::PRINTABLE_STRING:
      case der::IA5_STRING:
      case der::UTC_TIME:
      case der::GENERALIZED_TIME:
        line(at, depth, name + " = \"" + printable(v) + "\"");
        return;
      case der::BOOLEAN: line(at, depth, name + " = " + (v.size() == 1 && v[0] ? "TRUE" : "FALSE")); return;
      case der::NULL_TAG: line(at, depth, name); return;
      default: line(at, depth, name + " = " + (v.empty() ? "(empty)" : short_hex(v))); return;
    }
  }
  static std::int64_t int_value(ByteView v) {
    std::uint64_t x = (!v.empty() && (v[0] & 0x80)) ? ~std::uint64_t{0} : 0;
    for (auto b : v) x = (x << 8) | b;
    return static_cast<std::int64_t>(x);
  }
  static std::string printable(ByteView v) {
    std::string s;
    for (auto c : v) s += (c >= 0x20 && c < 0x7F && c != '"') ? static_cast<char>(c) : '.';
    return s;
  }

  // Named fields: each helper reads one value if it is there; otherwise prints nothing.
  void oid_field(der::Reader& r, int depth, const std::string& name) {
    const std::size_t at = r.offset();
    line(at, depth, name + " = " + oid_label(r.oid(name)));
  }
  std::string oid_field_value(der::Reader& r, int depth, const std::string& name) {
    const std::size_t at = r.offset();
    auto o = r.oid(name);
    line(at, depth, name + " = " + oid_label(o));
    return o;
  }
  void int_field(der::Reader& r, int depth, const std::string& name, std::uint8_t tag = der::INTEGER) {
    const std::size_t at = r.offset();
    const auto v = r.primitive(tag, name);
    line(at, depth, name + " = " + (v.size() <= 8 ? std::to_string(int_value(v)) : "0x" + short_hex(v)));
  }
  void octets_field(der::Reader& r, int depth, const std::string& name, std::uint8_t tag = der::OCTET_STRING) {
    const std::size_t at = r.offset();
    const auto v = r.primitive(tag, name);
    line(at, depth, name + " = " + (v.empty() ? "(empty)" : short_hex(v)));
  }
  void algorithm(der::Reader& r, int depth, const std::string& name) {
    const std::size_t at = r.offset();
    auto s = r.enter(der::SEQUENCE, name);
    const auto o = s.oid(name + ".algorithm");
    line(at, depth, name + " = " + oid_label(o));
    while (!s.at_end()) any(s, depth + 1, "parameters");
    s.finish();
  }
  void package_name(der::Reader& r, int depth, const std::string& name) {
    const std::size_t at = r.offset();
    if (r.next_is(der::SEQUENCE)) {
      auto s = r.enter(der::SEQUENCE, name);
      line(at, depth, name + " (preferred)");
      oid_field(s, depth + 1, "fwPkgID");
      int_field(s, depth + 1, "verNum");
      s.finish();
    } else {
      const auto v = r.primitive(der::OCTET_STRING, name);
      line(at, depth, name + " (legacy) = " + short_hex(v) + " \"" + printable(v) + "\"");
    }
  }

  void attribute_value(der::Reader& r, int depth, const std::string& type) {
    const std::size_t at = r.offset();
    if (type == oid::firmware_package_id) {
      auto s = r.enter(der::SEQUENCE, "FirmwarePackageIdentifier");
      line(at, depth, "FirmwarePackageIdentifier");
      package_name(s, depth + 1, "name");
      if (s.next_is(der::INTEGER)) int_field(s, depth + 1, "stale (preferredStaleVerNum)");
      else if (s.next_is(der::OCTET_STRING)) octets_field(s, depth + 1, "stale (legacyStaleVersion)");
      s.finish();
    } else if (type == oid::target_hardware_ids || type == oid::impl_crypto_algs || type == oid::impl_compress_algs) {
      auto s = r.enter(der::SEQUENCE, "SEQUENCE OF OBJECT IDENTIFIER");
      line(at, depth, type == oid::target_hardware_ids ? "TargetHardwareIdentifiers"
                      : type == oid::impl_crypto_algs  ? "ImplementedCryptoAlgorithms"
                                                       : "ImplementedCompressAlgorithms");
      while (!s.at_end()) oid_field(s, depth + 1, "OID");
      s.finish();
    } else if (type == oid::decrypt_key_id) {
      octets_field(r, depth, "DecryptKeyIdentifier");
    } else if (type == oid::content_type) {
      oid_field(r, depth, "ContentType");
    } else if (type == oid::message_digest) {
      octets_field(r, depth, "MessageDigest");
    } else if (type == oid::firmware_package_info) {
      auto s = r.enter(der::SEQUENCE, "FirmwarePackageInfo");
      line(at, depth, "FirmwarePackageInfo");
      if (s.next_is(der::INTEGER)) int_field(s, depth + 1, "fwPkgType");
      if (!s.at_end()) {
        const std::size_t d_at = s.offset();
        auto d = s.enter(der::SEQUENCE, "dependencies");
        line(d_at, depth + 1, "dependencies");
        while (!d.at_end()) package_name(d, depth + 2, "dependency");
        d.finish();
      }
      s.finish();
    } else if (type == oid::fw_pkg_message_digest) {
      auto s = r.enter(der::SEQUENCE, "FirmwarePackageMessageDigest");
      line(at, depth, "FirmwarePackageMessageDigest");
      algorithm(s, depth + 1, "algorithm");
      octets_field(s, depth + 1, "msgDigest");
      s.finish();
    } else if (type == oid::community_identifiers) {
      line(at, depth, "CommunityIdentifiers");
      any(r, depth + 1, "");
    } else if (type == oid::wrapped_firmware_key) {
      line(at, depth, "WrappedFirmwareKey (EnvelopedData)");
      any(r, depth + 1, "");
    } else {
      any(r, depth, "");
    }
  }

  void attributes(der::Reader& r, int depth, std::uint8_t tag, const std::string& name) {
    const std::size_t at = r.offset();
    auto set = r.enter(tag, name);
    line(at, depth, name);
    while (!set.at_end()) {
      const std::size_t a_at = set.offset();
      auto a = set.enter(der::SEQUENCE, "Attribute");
      const auto type = a.oid("attrType");
      line(a_at, depth + 1, "Attribute " + oid_label(type));
      auto vals = a.enter(der::SET, "attrValues");
      while (!vals.at_end()) attribute_value(vals, depth + 2, type);
      vals.finish();
      a.finish();
    }
    set.finish();
  }

  void signer_info(der::Reader& r, int depth) {
    const std::size_t at = r.offset();
    auto si = r.enter(der::SEQUENCE, "SignerInfo");
    line(at, depth, "SignerInfo");
    int_field(si, depth + 1, "version");
    if (si.next_is(der::ctx(0, false))) octets_field(si, depth + 1, "sid subjectKeyIdentifier [0]", der::ctx(0, false));
    else any(si, depth + 1, "sid issuerAndSerialNumber");
    algorithm(si, depth + 1, "digestAlgorithm");
    if (si.next_is(der::ctx(0, true))) attributes(si, depth + 1, der::ctx(0, true), "signedAttrs [0]");
    algorithm(si, depth + 1, "signatureAlgorithm");
    octets_field(si, depth + 1, "signature");
    if (si.next_is(der::ctx(1, true))) attributes(si, depth + 1, der::ctx(1, true), "unsignedAttrs [1]");
    si.finish();
  }

  /// EncapsulatedContentInfo; opens the eContent by its type.
  void encap(der::Reader& r, int depth, const std::string& name) {
    const std::size_t at = r.offset();
    auto e = r.enter(der::SEQUENCE, name);
    line(at, depth, name);
    const auto type = oid_field_value(e, depth + 1, "eContentType");
    if (kind == "CMS" && (type == oid::firmware_package || type == oid::encrypted_data || type == oid::compressed_data))
      kind = "firmware package";
    if (!e.at_end()) {
      const std::size_t x_at = e.offset();
      auto x = e.enter(der::ctx(0, true), "eContent [0]");
      line(x_at, depth + 1, "eContent [0]");
      const std::size_t o_at = x.offset();
      const auto h = x.header(der::OCTET_STRING, "eContent");
      const auto v = x.primitive(der::OCTET_STRING, "eContent");
      line(o_at, depth + 2, "OCTET STRING (" + std::to_string(v.size()) + " octets)");
      content(v, x.input().base() + h.contents(), type, depth + 3);
      x.finish();
    }
    e.finish();
  }

  /// The content of a given type held in `bytes` at absolute `base`.
  void content(ByteView bytes, std::size_t base, const std::string& type, int depth) {
    if (type == oid::firmware_package) {
      line(base, depth, "FirmwarePkgData: " + std::to_string(bytes.size()) + " octets, SHA-256 " +
                            to_hex(crypto::sha256(bytes)));
      return;
    }
    der::Input in(bytes, base, false);
    der::Reader r(in, "content");
    try {
      if (type == oid::signed_data) signed_data(r, depth);
      else if (type == oid::encrypted_data) encrypted_data(r, depth);
      else if (type == oid::compressed_data) compressed_data(r, depth);
      else if (type == oid::firmware_load_receipt) receipt(r, depth);
      else if (type == oid::firmware_load_error) error_report(r, depth);
      else any(r, depth, "");
      r.finish();
    } catch (const der::Fault& f) {
      line(f.offset, depth, "!! " + f.message);
    }
  }

  void signed_data(der::Reader& r, int depth) {
    const std::size_t at = r.offset();
    auto sd = r.enter(der::SEQUENCE, "SignedData");
    line(at, depth, "SignedData");
    int_field(sd, depth + 1, "version");
    {
      const std::size_t d_at = sd.offset();
      auto d = sd.enter(der::SET, "digestAlgorithms");
      line(d_at, depth + 1, "digestAlgorithms");
      while (!d.at_end()) algorithm(d, depth + 2, "DigestAlgorithmIdentifier");
      d.finish();
    }
    encap(sd, depth + 1, "encapContentInfo");
    if (sd.next_is(der::ctx(0, true))) any(sd, depth + 1, "certificates [0]");
    if (sd.next_is(der::ctx(1, true))) any(sd, depth + 1, "crls [1]");
    const std::size_t s_at = sd.offset();
    auto set = sd.enter(der::SET, "signerInfos");
    line(s_at, depth + 1, "signerInfos");
    while (!set.at_end()) signer_info(set, depth + 2);
    set.finish();
    sd.finish();
  }

  void encrypted_data(der::Reader& r, int depth) {
    const std::size_t at = r.offset();
    auto ed = r.enter(der::SEQUENCE, "EncryptedData");
    line(at, depth, "EncryptedData");
    int_field(ed, depth + 1, "version");
    const std::size_t e_at = ed.offset();
    auto e = ed.enter(der::SEQUENCE, "encryptedContentInfo");
    line(e_at, depth + 1, "encryptedContentInfo");
    oid_field(e, depth + 2, "contentType");
    algorithm(e, depth + 2, "contentEncryptionAlgorithm");
    if (e.next_is(der::ctx(0, false))) octets_field(e, depth + 2, "encryptedContent [0]", der::ctx(0, false));
    e.finish();
    if (ed.next_is(der::ctx(1, true))) any(ed, depth + 1, "unprotectedAttrs [1]");
    ed.finish();
  }

  void compressed_data(der::Reader& r, int depth) {
    const std::size_t at = r.offset();
    auto cd = r.enter(der::SEQUENCE, "CompressedData");
    line(at, depth, "CompressedData");
    int_field(cd, depth + 1, "version");
    algorithm(cd, depth + 1, "compressionAlgorithm");
    const std::size_t e_at = cd.offset();
    auto e = cd.enter(der::SEQUENCE, "encapContentInfo");
    line(e_at, depth + 1, "encapContentInfo");
    oid_field(e, depth + 2, "eContentType");
    if (!e.at_end()) any(e, depth + 2, "eContent [0] (zlib)");
    e.finish();
    cd.finish();
  }

  void receipt(der::Reader& r, int depth) {
    kind = kind == "CMS" ? "signed load receipt" : "load receipt";
    const std::size_t at = r.offset();
    auto s = r.enter(der::SEQUENCE, "FirmwarePackageLoadReceipt");
    line(at, depth, "FirmwarePackageLoadReceipt");
    if (s.next_is(der::INTEGER)) int_field(s, depth + 1, "version");
    oid_field(s, depth + 1, "hwType");
    octets_field(s, depth + 1, "hwSerialNum");
    package_name(s, depth + 1, "fwPkgName");
    if (s.next_is(der::OCTET_STRING)) octets_field(s, depth + 1, "trustAnchorKeyID");
    if (s.next_is(der::ctx(1, false))) octets_field(s, depth + 1, "decryptKeyID [1]", der::ctx(1, false));
    s.finish();
  }

  void error_report(der::Reader& r, int depth) {
    kind = kind == "CMS" ? "signed load error report" : "load error report";
    const std::size_t at = r.offset();
    auto s = r.enter(der::SEQUENCE, "FirmwarePackageLoadError");
    line(at, depth, "FirmwarePackageLoadError");
    if (s.next_is(der::INTEGER)) int_field(s, depth + 1, "version");
    oid_field(s, depth + 1, "hwType");
    octets_field(s, depth + 1, "hwSerialNum");
    {
      const std::size_t c_at = s.offset();
      const auto code = s.uint("errorCode", der::ENUMERATED);
      std::string n = "(unknown)";
      for (const auto& e : enum_names(ErrorCode{}))
        if (code_value(e.value) == code) n = std::string(e.name);
      line(c_at, depth + 1, "errorCode = " + std::to_string(code) + " " + n);
    }
    if (s.next_is(der::INTEGER)) int_field(s, depth + 1, "vendorErrorCode");
    if (s.next_is(der::SEQUENCE) || s.next_is(der::OCTET_STRING)) package_name(s, depth + 1, "fwPkgName");
    if (s.next_is(der::ctx(1, true))) {
      const std::size_t c_at = s.offset();
      auto c = s.enter(der::ctx(1, true), "config");
      line(c_at, depth + 1, "config [1]");
      while (!c.at_end()) {
        const std::size_t e_at = c.offset();
        auto e = c.enter(der::SEQUENCE, "CurrentFWConfig");
        line(e_at, depth + 2, "CurrentFWConfig");
        if (e.next_is(der::INTEGER)) int_field(e, depth + 3, "fwPkgType");
        package_name(e, depth + 3, "fwPkgName");
        e.finish();
      }
      c.finish();
    }
    s.finish();
  }

  void content_info(der::Reader& r) {
    const std::size_t at = r.offset();
    auto ci = r.enter(der::SEQUENCE, "ContentInfo");
    line(at, 0, "ContentInfo");
    const auto type = oid_field_value(ci, 1, "contentType");
    if (type == oid::signed_data) kind = "CMS";
    if (type == oid::firmware_load_receipt) kind = "load receipt";
    if (type == oid::firmware_load_error) kind = "load error report";
    const std::size_t c_at = ci.offset();
    auto c = ci.enter(der::ctx(0, true), "content [0]");
    line(c_at, 1, "content [0]");
    const std::size_t v_at = c.offset();
    const auto whole = c.element("content");
    content(whole, v_at, type, 2);
    c.finish();
    ci.finish();
  }
};

}  // namespace print_detail

/// The structure of a package, receipt or error report (a ContentInfo, or a bare receipt /
/// error report SEQUENCE). Error: not one BER value at all, or one beyond the reader's limits
/// (high tag numbers, lengths over 4 octets, nesting over 64 levels: valid BER that CMS never needs).
inline Result<Described> describe_cms(ByteView bytes) {
  if (auto f = der::ber_check(bytes))
    return make_error("not BER, or beyond the reader's limits, at offset " + std::to_string(f->offset) + ": " + f->message);
  print_detail::Printer p;
  der::Input in(bytes, 0, false);
  der::Reader r(in, "input");
  try {
    p.content_info(r);
    r.finish();
  } catch (const der::Fault& f) {
    p.line(f.offset, 0, "!! " + f.message + " (the rest as plain ASN.1)");
    p.kind = "ASN.1";
    der::Input again(bytes, 0, false);
    der::Reader g(again, "input");
    p.text += "--\n";
    try {
      p.any(g, 0, "");
    } catch (const der::Fault& f2) {
      p.line(f2.offset, 0, "!! " + f2.message);
    }
  }
  return Described{p.kind, p.text};
}

}  // namespace lockref::fwpkg
