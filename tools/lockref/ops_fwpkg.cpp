// lockref eval ops and machine registration for RFC 4108 firmware packages (seed 003 and the
// whole RFC): fwpkg.evaluate, fwpkg.verify, fwpkg.decode, and `lockref explore|corpus|check
// fwpkg` through the generic machine tool.
#include "lockref/fwpkg/machine.hpp"
#include "lockref/fwpkg/print.hpp"
#include "lockref/fwpkg/seagate.hpp"
#include "fwpkg_decode.hpp"
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
namespace {
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
  if (a.has("versions")) {
    auto v = a.get_uint("versions", 2);
    if (!v) return v.error();
    if (*v > 4) return make_error("--versions: 0..4");
    p.explore_versions = static_cast<std::uint8_t>(*v);
  }
  if (a.has("order")) {
    auto o = enum_from_name<DecisionOrder>(a.get("order"));
    if (!o) return make_error("--order: rfc_text or cheap_first");
    p.order = *o;
  }
  return p;
}

LOCKREF_REGISTER(make_machine_tool<Machine>(
    "RFC 4108 firmware-package loader (example module; packages built by lockref)",
    "--versions N  example package versions 0..N (0..4, default 2); --order rfc_text|cheap_first",
    ProfileFn<Machine>(fwpkg_profile)));

}  // namespace

/// A ContentInfo whose contentType is id-signedData, id-ct-firmwareLoadReceipt or
/// id-ct-firmwareLoadError (the first value, read strictly).
bool looks_cms(ByteView bytes) {
  try {
    der::Input in(bytes, 0, false);
    der::Reader r(in);
    auto ci = r.enter(der::SEQUENCE, "ContentInfo");
    const auto t = ci.oid("contentType");
    return t == oid::signed_data || t == oid::firmware_load_receipt || t == oid::firmware_load_error;
  } catch (const der::Fault&) {
    return false;
  }
}

int decode_cms(ByteView bytes) {
  auto d = describe_cms(bytes);
  if (!d) {
    std::cout << "error: " << d.error().message << "\n";
    return 1;
  }
  std::cout << "(decoded as " << d->kind << ")\n" << d->text;
  return d->text.find("!! ") == std::string::npos ? 0 : 1;
}

}  // namespace lockref::cli

