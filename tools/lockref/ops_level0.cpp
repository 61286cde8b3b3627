// lockref eval ops for (Namespace) Level 0 Discovery (KPIO AN §3.3.2) with its printer, and
// for the Security Protocol 0x02 commands (Clear Single MEK, Clear All MEKs, Get Nonce).
#include <cstdio>
#include <ostream>

#include "lockref/core/json.hpp"
#include "lockref/tcg/json.hpp"
#include "lockref/tcg/level0.hpp"
#include "lockref/tcg/sp02.hpp"
#include "registry.hpp"
#include "wire_print.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::tcg::level0;

std::string code_str(std::uint16_t c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", c);
  return buf;
}

Json to_json_l0(const Discovery& d) {
  Json fs = Json::array();
  for (const auto& f : d.features) {
    Json o{{"code", code_str(f.code)}};
    if (const auto* s = spec_for(f.code)) o["name"] = std::string(s->name);
    o["version_byte"] = f.version_byte;
    o["length"] = f.data.size();
    Json fields = Json::object();
    for (const auto& x : fields_of(f)) fields[x.name] = x.value;
    if (!fields.empty()) o["fields"] = fields;
    Json flags = Json::object();
    for (const auto& x : flags_of(f)) flags[x.name] = x.value;
    if (!flags.empty()) o["flags"] = flags;
    o["data"] = to_hex(f.data);
    fs.push_back(o);
  }
  return Json{{"revision", d.revision}, {"reserved", to_hex(d.reserved)}, {"vendor", to_hex(d.vendor)}, {"features", fs}};
}

Result<Discovery> from_json_l0(const Json& j) {
  if (!j.is_object()) return make_error("discovery: expected object");
  Discovery d;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "revision") {
      auto r = from_json<std::uint32_t>(*it);
      if (!r) return make_error("revision: " + r.error().message);
      d.revision = *r;
    } else if (k == "reserved" || k == "vendor") {
      auto b = from_json<Bytes>(*it);
      if (!b) return make_error(k + ": " + b.error().message);
      (k == "reserved" ? d.reserved : d.vendor) = std::move(b).value();
    } else if (k == "features") {
      if (!it->is_array()) return make_error("features: expected array");
      for (std::size_t i = 0; i < it->size(); ++i) {
        const Json& fj = (*it)[i];
        const std::string at = "features[" + std::to_string(i) + "]";
        if (!fj.is_object() || !fj.contains("code") || !fj["code"].is_string())
          return make_error(at + ": expected {\"code\": \"0x....\", ...}");
        Feature f;
        auto cb = from_hex(fj["code"].get<std::string>());
        if (!cb || cb->size() != 2) return make_error(at + ".code: expected \"0x\" and 4 hex digits");
        f.code = static_cast<std::uint16_t>(((*cb)[0] << 8) | (*cb)[1]);
        for (auto ft = fj.begin(); ft != fj.end(); ++ft) {
          const std::string& fk = ft.key();
          if (fk == "code" || fk == "name" || fk == "length" || fk == "fields" || fk == "flags") continue;
          if (fk == "version_byte") {
            auto v = from_json<std::uint8_t>(*ft);
            if (!v) return make_error(at + ".version_byte: " + v.error().message);
            f.version_byte = *v;
          } else if (fk == "data") {
            auto b = from_json<Bytes>(*ft);
            if (!b) return make_error(at + ".data: " + b.error().message);
            f.data = std::move(b).value();
          } else {
            return make_error(at + ": unknown field \"" + fk + "\"");
          }
        }
        for (const char* key : {"fields", "flags"}) {  // flags after fields: a flag refines its byte
          if (!fj.contains(key)) continue;
          if (!fj[key].is_object()) return make_error(at + "." + key + ": expected object");
          for (auto x = fj[key].begin(); x != fj[key].end(); ++x) {
            if (!x->is_number_unsigned()) return make_error(at + "." + key + "." + x.key() + ": expected unsigned number");
            if (auto s = set_field(f, x.key(), x->get<std::uint64_t>()); !s) return make_error(at + "." + key + ": " + s.error().message);
          }
        }
        if (fj.contains("length")) {
          auto n = from_json<std::uint8_t>(fj["length"]);
          if (!n) return make_error(at + ".length: " + n.error().message);
          if (*n < f.data.size()) return make_error(at + ".length " + std::to_string(*n) + " is shorter than the data");
          f.data.resize(*n, 0);
        }
        d.features.push_back(std::move(f));
      }
    } else if (k != "op") {
      return make_error("unknown field \"" + k + "\"");
    }
  }
  return d;
}

/// tcg.level0.parse: {"hex"} -> {"discovery": {...}, "length"}
Result<Json> level0_parse(const Json& j) {
  auto b = hex_field(j, "hex");
  if (!b) return b.error();
  auto d = parse(*b);
  if (!d) return d.error();
  return Json{{"discovery", to_json_l0(*d)}, {"length", emit(*d)->size()}};
}

/// tcg.level0.emit: {"discovery": {...}} -> {"hex"}; "fields" set typed fields over "data".
Result<Json> level0_emit(const Json& j) {
  if (!j.contains("discovery")) return make_error("missing field \"discovery\"");
  auto d = from_json_l0(j["discovery"]);
  if (!d) return make_error("discovery." + d.error().message);
  auto b = emit(*d);
  if (!b) return b.error();
  return Json{{"hex", to_hex(*b)}, {"length", b->size()}};
}

LOCKREF_REGISTER(EvalOp{"tcg.level0.parse",
                        "(Namespace) Level 0 Discovery response {hex} -> typed features, unknown ones kept (KPIO AN §3.3.2)",
                        level0_parse});
LOCKREF_REGISTER(EvalOp{"tcg.level0.emit", "(Namespace) Level 0 Discovery {discovery} -> {hex} (inverse of tcg.level0.parse)",
                        level0_emit});

Result<tcg::sp02::Profile> sp02_profile(const Json& j) {
  tcg::sp02::Profile p;
  const std::string l = j.value("ext_comid_layout", "seed_tables");
  if (l == "tcg_core") p.ext_comid = tcg::sp02::ExtComIdLayout::tcg_core;
  else if (l != "seed_tables") return make_error("ext_comid_layout: expected seed_tables or tcg_core");
  if (j.contains("transfer_length")) {
    auto n = from_json<std::uint16_t>(j["transfer_length"]);
    if (!n || *n < 16) return make_error("transfer_length: expected 16..65535");
    p.transfer_length = *n;
  }
  return p;
}

Result<std::uint32_t> sp02_code(const Json& j) {
  const std::string c = j.value("command", "");
  if (c == "clear_single_mek") return tcg::sp02::clear_single_mek;
  if (c == "clear_all_meks") return tcg::sp02::clear_all_meks;
  return make_error("command: expected clear_single_mek or clear_all_meks");
}

/// tcg.sp02.encode: {"command", "direction": "request"|"response", "comid", "comid_ext",
/// "key_tag", "status", "ext_comid_layout", "transfer_length"} -> {"hex"}
Result<Json> sp02_encode(const Json& j) {
  auto p = sp02_profile(j);
  if (!p) return p.error();
  auto code = sp02_code(j);
  if (!code) return code.error();
  std::uint16_t comid = 0x0800, ext = 0, tag = 0;
  std::uint32_t status = 0;
  for (auto s : {tcg::detail::read_opt(j, "comid", comid), tcg::detail::read_opt(j, "comid_ext", ext),
                 tcg::detail::read_opt(j, "key_tag", tag), tcg::detail::read_opt(j, "status", status)})
    if (!s) return s.error();
  const std::string dir = j.value("direction", "request");
  Result<Bytes> b = dir == "request" ? tcg::sp02::encode(tcg::sp02::Request{*code, comid, ext, tag}, *p)
                    : dir == "response" ? tcg::sp02::encode(tcg::sp02::Response{*code, comid, ext, status}, *p)
                                        : Result<Bytes>(make_error("direction: expected request or response"));
  if (!b) return b.error();
  return Json{{"hex", to_hex(*b)}, {"length", b->size()}};
}

/// tcg.sp02.decode: {"hex", "direction": "request"|"response"|"nonce", "nonce_length"} -> fields
Result<Json> sp02_decode(const Json& j) {
  auto p = sp02_profile(j);
  if (!p) return p.error();
  auto b = hex_field(j, "hex");
  if (!b) return b.error();
  const std::string dir = j.value("direction", "request");
  auto name = [](std::uint32_t c) { return c == tcg::sp02::clear_single_mek ? "clear_single_mek" : "clear_all_meks"; };
  if (dir == "request") {
    auto q = tcg::sp02::decode_request(*b, *p);
    if (!q) return q.error();
    Json o{{"command", name(q->request_code)}, {"comid", q->comid}, {"comid_ext", q->comid_ext}};
    if (q->request_code == tcg::sp02::clear_single_mek) o["key_tag"] = q->key_tag;
    return o;
  }
  if (dir == "response") {
    auto r = tcg::sp02::decode_response(*b, *p);
    if (!r) return r.error();
    return Json{{"command", name(r->request_code)}, {"comid", r->comid}, {"comid_ext", r->comid_ext}, {"status", r->status}};
  }
  if (dir == "nonce") {
    std::size_t n = 16;
    if (auto s = tcg::detail::read_opt(j, "nonce_length", n); !s) return s.error();
    auto nonce = tcg::sp02::decode_nonce(*b, n);
    if (!nonce) return nonce.error();
    return Json{{"nonce", to_hex(*nonce)}};
  }
  return make_error("direction: expected request, response or nonce");
}

LOCKREF_REGISTER(EvalOp{"tcg.sp02.encode",
                        "Security Protocol 0x02 Clear Single MEK / Clear All MEKs request or response -> {hex} "
                        "(KPIO AN Tables 31-35)",
                        sp02_encode});
LOCKREF_REGISTER(EvalOp{"tcg.sp02.decode",
                        "Security Protocol 0x02 {hex, direction: request|response|nonce} -> fields (KPIO AN Tables 31-35, 66)",
                        sp02_decode});

}  // namespace LOCKREF_UNITY_ID

Status print_level0(std::ostream& os, ByteView b) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  const Partial p = parse_partial(b);
  char buf[64];
  auto at = [&](std::size_t off) {
    std::snprintf(buf, sizeof buf, "%06zx  ", off);
    return std::string(buf);
  };
  auto hex_of = [&](std::uint64_t v) {
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return std::string(buf);
  };
  // Header (Opal SSC v2.30 §3.1.1.1 Table 2, TCG Core §3.3.6.3).
  os << at(0) << "Level 0 Discovery header";
  if (p.length_field) os << "  Length=" << *p.length_field;
  if (p.revision) os << " Revision=" << *p.revision;
  if (p.header_complete) {
    os << " Reserved=" << to_hex(p.d.reserved) << " VendorSpecific=" << to_hex(p.d.vendor) << "\n";
    const bool cc = cc_mode_indicator(p.d);
    os << at(cc_indicator_offset) << "  CC Security Mode Operating Mode Indicator (byte 30 bit 0, seed 000 Show Status) = " << cc
       << (cc ? " (CC Approved Mode)" : " (not in CC Approved Mode)") << "\n";
  } else {
    os << "  (header cut: " << b.size() << " of 48 byte(s))\n";
  }
  for (std::size_t i = 0; i < p.d.features.size(); ++i) {
    const Feature& f = p.d.features[i];
    const auto* s = spec_for(f.code);
    const bool cut = p.cut && *p.cut == i;
    os << at(p.offsets[i]) << "  Feature " << code_str(f.code) << " " << (s ? std::string(s->name) : std::string("(unknown to lockref)"))
       << "  Version=" << (f.version_byte >> 4);
    if (const auto m = minor_version_name(f.code, f.version_byte); !m.empty())
      os << " SSC minor version=" << (f.version_byte & 0x0F) << " (" << m << ")";
    os << " Length=" << (cut ? p.declared_length : f.data.size());
    if (cut) os << " (CUT: " << f.data.size() << " byte(s) present)";
    os << "\n";
    if (s) os << "          layout: " << s->source << "\n";
    for (const auto* list : s ? std::vector<const std::vector<FieldSpec>*>{&s->fields, &s->flags}
                              : std::vector<const std::vector<FieldSpec>*>{}) {
      const bool flags = list == &s->flags;
      for (const auto& x : flags ? flags_of(f) : fields_within(f)) {
        os << "          " << x.name << " = " << x.value;
        if (!flags && x.value > 9) os << " (" << hex_of(x.value) << ")";
        if (const auto m = meaning(f.code, x.name, x.value); !m.empty()) os << "  -- " << m;
        os << "\n";
      }
    }
    if (s && f.data.size() < s->min_length && !cut)
      os << "          (Length " << f.data.size() << " is shorter than the " << s->min_length << " the layout defines: fields past it not shown)\n";
    os << "          data = " << to_hex(f.data) << "\n";
  }
  if (p.problems.empty()) return ok_status();
  for (std::size_t i = 1; i < p.problems.size(); ++i) os << "problem: " << p.problems[i].message << "\n";
  return make_error(p.problems.front().message);
}

namespace LOCKREF_UNITY_ID {
/// Level 0 Discovery response header (KPIO AN §3.3.2 Table 1): Length of Parameter
/// Data(4) Revision(4) Reserved(8) Vendor(32), then feature descriptors, the first one the
/// TPer feature 0x0001.
Evidence level0_evidence(ByteView b) {
  Evidence e;
  if (b.size() < 8) {
    e.why = "shorter than the Length and Revision fields";
    return e;
  }
  const std::uint64_t len = (std::uint64_t{b[0]} << 24) | (std::uint64_t{b[1]} << 16) | (std::uint64_t{b[2]} << 8) | b[3];
  const std::uint64_t rev = (std::uint64_t{b[4]} << 24) | (std::uint64_t{b[5]} << 16) | (std::uint64_t{b[6]} << 8) | b[7];
  std::vector<std::string> why;
  if (len >= header_size - 4 && len + 4 <= b.size()) {
    e.score += 40;
    why.push_back("Length of Parameter Data " + std::to_string(len) + " fits the size");
  } else if (len >= header_size - 4 && len < (1u << 24)) {
    e.score += 10;
    why.push_back("Length of Parameter Data " + std::to_string(len) + " (the response needs " + std::to_string(len + 4) +
                  " bytes, " + std::to_string(b.size()) + " given)");
  }
  if (rev >= 1 && rev <= 0xFF) {
    e.score += 20;
    why.push_back("Revision " + std::to_string(rev));
  }
  if (b.size() >= header_size + 2 && b[header_size] == 0x00 && b[header_size + 1] == 0x01) {
    e.score += 30;
    why.push_back("the TPer feature 0x0001 at offset 48");
  }
  if (e.score < 30) e.score = 0;  // a length or a revision alone proves nothing
  for (std::size_t i = 0; i < why.size(); ++i) e.why += (i ? ", " : "") + why[i];
  if (e.why.empty()) e.why = "no Length/Revision/TPer feature pattern";
  return e;
}

LOCKREF_REGISTER(DecodeFormat{"level0", "(Namespace) Level 0 Discovery response with typed features (KPIO AN §3.3.2)",
                              level0_evidence, [](std::ostream& os, ByteView b, const Args&) { return print_level0(os, b); }});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
