// lockref eval ops and machine registration for RFC 4108 firmware packages (seed 003 and the
// whole RFC): fwpkg.evaluate, fwpkg.verify, fwpkg.decode, `lockref explore|corpus|check
// fwpkg` through the generic machine tool, and the `cms` format of `lockref decode`.
#include <algorithm>
#include <array>
#include <sstream>

#include "lockref/fwpkg/cms_write.hpp"
#include "lockref/fwpkg/machine.hpp"
#include "lockref/fwpkg/print.hpp"
#include "lockref/fwpkg/seagate.hpp"
#include "machine_tool.hpp"

// Requests are Hana-reflected structs decoded by core/json.hpp (unknown fields are errors);
// "op" and "profile" (a name or an object) are taken off first.
namespace lockref::cli::fwpkg_request {
using namespace lockref::fwpkg;
struct EvaluateRequest {
  std::optional<State> loader_state;
  Bytes package_der;
};
struct VerifyRequest {
  Bytes package_der;
  std::vector<TrustAnchor> trust_anchors;
  bool rfc4108 = false;
};
struct DecodeRequest {
  Bytes der;
};

}  // namespace lockref::cli::fwpkg_request
BOOST_HANA_ADAPT_STRUCT(lockref::cli::fwpkg_request::EvaluateRequest, loader_state, package_der);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::fwpkg_request::VerifyRequest, package_der, trust_anchors, rfc4108);
BOOST_HANA_ADAPT_STRUCT(lockref::cli::fwpkg_request::DecodeRequest, der);

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::fwpkg;
using namespace fwpkg_request;

template <class T>
Result<T> request(const Json& j, std::initializer_list<const char*> required) {
  if (!j.is_object()) return make_error("request: expected object");
  Json body = j;
  body.erase("op");
  body.erase("profile");
  auto r = from_json<T>(body);
  if (!r) return r;
  for (const char* k : required)
    if (!j.contains(k)) return make_error(std::string("missing field \"") + k + "\"");
  return r;
}

/// "profile": "rfc4108" (default) | "seagate" | a Profile object.
Result<Profile> request_profile(const Json& j) {
  Profile p;
  if (auto f = j.find("profile"); f != j.end()) {
    if (f->is_string()) {
      const auto n = f->get<std::string>();
      if (n == "seagate") p = seagate::profile();
      else if (n != "rfc4108") return make_error("profile: unknown \"" + n + "\" (expected rfc4108, seagate or an object)");
    } else {
      auto r = from_json<Profile>(*f);
      if (!r) return make_error("profile." + r.error().message);
      p = *r;
    }
  }
  if (auto v = Machine::validate(p); !v) return make_error("profile: " + v.error().message);
  return p;
}

/// fwpkg.evaluate {loader_state?, package_der, profile?}: the loader's decision on one package.
Result<Json> evaluate_op(const Json& j) {
  auto req = request<EvaluateRequest>(j, {"package_der"});
  if (!req) return req.error();
  auto p = request_profile(j);
  if (!p) return p.error();
  const State s = req->loader_state.value_or(Machine::initial(*p));
  if (auto v = Machine::validate_state(*p, s); !v) return make_error("loader_state: " + v.error().message);
  auto st = Machine::step(*p, s, Load{req->package_der});
  const auto& o = st.out;
  Json out{{"decision", o.decision}};
  if (o.error_code) {
    out["error_code"] = *o.error_code;
    out["error"] = o.status;
    out["offset"] = *o.offset;
    out["detail"] = o.detail;
  }
  out["rule"] = o.rule;
  if (o.package) out["package"] = to_json(*o.package);
  if (o.warning) out["warning"] = *o.warning;
  out["new_state"] = to_json(st.next);
  if (o.receipt) out["receipt_der"] = to_hex(*o.receipt);
  if (o.error_report) out["error_report_der"] = to_hex(*o.error_report);
  return out;
}

LOCKREF_REGISTER(EvalOp{"fwpkg.evaluate",
                        "RFC 4108 loader decision {loader_state?, package_der, profile?: rfc4108|seagate|{...}} -> "
                        "{decision, error_code?, error?, offset?, detail?, new_state, receipt_der?, error_report_der?}",
                        evaluate_op});

/// fwpkg.verify {package_der, trust_anchors, rfc4108?}: the signature check alone, for any CMS
/// SignedData whose SignerInfo names its key by subjectKeyIdentifier (openssl cms -sign -keyid).
Result<Json> verify_op(const Json& j) {
  auto req = request<VerifyRequest>(j, {"package_der", "trust_anchors"});
  if (!req) return req.error();
  auto p = request_profile(j);
  if (!p) return p.error();
  try {
    const auto sp = read_signed_package(req->package_der, req->rfc4108);
    const auto sc = verify_signature(p->algorithms, req->trust_anchors, sp);
    return Json{{"signature", "valid"},
                {"trust_anchor", to_hex(req->trust_anchors[sc.anchor].key_id)},
                {"econtent_type", sp.econtent_type},
                {"econtent", to_hex(sp.econtent)}};
  } catch (const Reject& r) {
    return Json{{"signature", "not verified"},
                {"error_code", code_value(r.r.code)},
                {"error", std::string(enum_name(r.r.code))},
                {"offset", r.r.offset},
                {"detail", r.r.detail}};
  }
}

LOCKREF_REGISTER(EvalOp{"fwpkg.verify",
                        "CMS SignedData signature check {package_der, trust_anchors, rfc4108?: false} -> "
                        "{signature: valid | not verified, error?}",
                        verify_op});

/// fwpkg.decode {der}: a package's, receipt's or error report's CMS structure with RFC 4108 names.
Result<Json> decode_op(const Json& j) {
  auto req = request<DecodeRequest>(j, {"der"});
  if (!req) return req.error();
  auto d = describe_cms(req->der);
  if (!d) return d.error();
  return Json{{"kind", d->kind}, {"text", d->text}};
}

LOCKREF_REGISTER(EvalOp{"fwpkg.decode",
                        "RFC 4108 package / receipt / error report structure {der} -> {kind, text}", decode_op});

Result<Profile> fwpkg_profile(const Args& a, Profile p) {
  if (a.has("versions")) p.explore_versions = static_cast<std::uint8_t>(a.uint("versions"));
  if (a.has("order")) p.order = *enum_from_name<DecisionOrder>(a.text("order"));  // a declared choice
  return p;
}

LOCKREF_REGISTER(make_machine_tool<Machine>(
    "RFC 4108 firmware-package loader (example module; packages built by lockref)",
    {opt::number("versions", "example package versions 0..N that explore and corpus build", 0, 4, 2),
     opt::choice("order", "the decision order RFC 4108 leaves open (errata E-FWPKG-ORDER)",
                 enum_name_list<DecisionOrder>(), "rfc_text")},
    fwpkg_profile));

// ---- lockref decode: RFC 4108 CMS -------------------------------------------------------

/// The content types a firmware package (id-signedData), a load receipt or a load error
/// report carries in its ContentInfo, as their DER TLVs.
struct CmsType {
  std::string_view oid, name;
};
constexpr std::array<CmsType, 3> cms_types{{{oid::signed_data, "id-signedData (a firmware package)"},
                                            {oid::firmware_load_receipt, "id-ct-firmwareLoadReceipt"},
                                            {oid::firmware_load_error, "id-ct-firmwareLoadError"}}};

/// Structure only (the printer reads the rest): a SEQUENCE whose length fits the bytes, and
/// a first element that is the OBJECT IDENTIFIER of one of those content types. A truncated
/// package still counts as one, so its printer names the offset where it stops.
Evidence cms_evidence(ByteView b) {
  Evidence e;
  if (b.size() < 2 || b[0] != 0x30) return e;
  std::size_t at = 2;
  std::optional<std::uint64_t> len;
  if (b[1] < 0x80) {
    len = b[1];
  } else if (b[1] >= 0x81 && b[1] <= 0x84) {
    const std::size_t n = b[1] & 0x7Fu;
    if (b.size() < 2 + n) return e;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[2 + i];
    len = v;
    at = 2 + n;
  } else if (b[1] != 0x80) {
    return e;  // 0x80 is BER's indefinite length: still recognisably a ContentInfo
  }
  for (const auto& t : cms_types) {
    const Bytes tlv = oid_der(t.oid);
    if (b.size() - at < tlv.size() || !std::equal(tlv.begin(), tlv.end(), b.begin() + static_cast<std::ptrdiff_t>(at)))
      continue;
    e.score = 60;
    e.why = "a SEQUENCE starting with contentType " + std::string(t.name);
    if (len && *len == b.size() - at) {
      e.score += 30;
      e.why += ", its length " + std::to_string(*len) + " = the bytes after its header";
    } else if (len) {
      e.why += ", but its length " + std::to_string(*len) + " is not the " + std::to_string(b.size() - at) +
               " bytes after its header";
    } else {
      e.why += ", indefinite length (BER, not DER)";
    }
    return e;
  }
  return e;
}

/// The CMS structure with RFC 4108 names and offsets; the first place it stops matching
/// RFC 4108 (marked "!!", printed on as plain ASN.1) or stops being BER is the error.
Status print_cms(std::ostream& os, ByteView b, const Args&) {
  auto d = describe_cms(b);
  if (!d) return d.error();
  os << "(" << d->kind << ")\n" << d->text;
  if (const auto bad = d->text.find("!! "); bad != std::string::npos) {  // "<offset>  !! <why>" (print.hpp)
    const auto bol = d->text.rfind('\n', bad);
    const auto eol = d->text.find('\n', bad);
    std::istringstream line(d->text.substr(bol == std::string::npos ? 0 : bol + 1));
    std::size_t offset = 0;
    line >> offset;
    std::string why = d->text.substr(bad + 3, eol == std::string::npos ? std::string::npos : eol - bad - 3);
    if (const auto tail = why.find(" (the rest as plain ASN.1)"); tail != std::string::npos) why.resize(tail);
    return make_error("offset " + std::to_string(offset) + ": does not match RFC 4108: " + why);
  }
  return ok_status();
}

LOCKREF_REGISTER(DecodeFormat{"cms",
                              "RFC 4108 CMS: a firmware package, load receipt or load error report (ContentInfo, DER)",
                              cms_evidence, print_cms});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
