// lockref eval ops for TCG Storage wire formats (KPIO AN §3.3) and `lockref decode`.
#include <cstdio>
#include <optional>
#include <ostream>

#include "lockref/kmip/ttlv.hpp"
#include "lockref/tcg/json.hpp"
#include "registry.hpp"
#include "wire_print.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::tcg;


/// tcg.encode:
///   {"compacket": {...}}                  SP 0x01/0x02 ComPacket with Packets
///   {"compacket": {...}, "data": hex}     SP 0x03 ComPacket carrying raw (TTLV) data
///   {"items": [...]}                      a token stream of method calls/results
///   {"value": V}                          one value
/// -> {"hex", "length", "transfer_length"}; "pad": true adds "transfer_hex".
Result<Json> tcg_encode(const Json& j) {
  Bytes out;
  if (j.contains("compacket")) {
    if (j.contains("data")) {
      auto d = hex_field(j, "data");
      if (!d) return d.error();
      Json hdr = j["compacket"];
      if (hdr.contains("packets")) return make_error("compacket: \"data\" (SP 0x03) and \"packets\" exclude each other");
      auto c = compacket_from_json(hdr);
      if (!c) return c.error();
      if (c->outstanding || c->min_transfer)
        return make_error("compacket: SP 0x03 ComPackets are encoded with OutstandingData = MinTransfer = 0");
      out = encode_raw_compacket(c->comid, c->comid_ext, *d);
    } else {
      auto c = compacket_from_json(j["compacket"]);
      if (!c) return c.error();
      auto b = encode_compacket(*c);
      if (!b) return b.error();
      out = std::move(b).value();
    }
  } else if (j.contains("items")) {
    auto items = items_from_json(j["items"]);
    if (!items) return make_error("items" + std::string(items.error().message.starts_with("[") ? "" : ": ") + items.error().message);
    auto b = encode_items(*items);
    if (!b) return b.error();
    out = std::move(b).value();
  } else if (j.contains("value")) {
    auto v = value_from_json(j["value"]);
    if (!v) return make_error("value: " + v.error().message);
    std::vector<Token> ts;
    append_value(ts, *v);
    auto b = encode_tokens(ts);
    if (!b) return b.error();
    out = std::move(b).value();
  } else {
    return make_error("expected \"compacket\", \"items\" or \"value\"");
  }
  Json r{{"hex", to_hex(out)}, {"length", out.size()}, {"transfer_length", pad_transfer(out).size()}};
  if (j.value("pad", false)) r["transfer_hex"] = to_hex(pad_transfer(out));
  return r;
}

/// tcg.decode: {"hex", "as": "compacket" (default) | "sp3" | "items" | "value" | "tokens"}
Result<Json> tcg_decode(const Json& j) {
  auto b = hex_field(j, "hex");
  if (!b) return b.error();
  const std::string as = j.value("as", "compacket");
  if (as == "compacket") {
    auto c = decode_compacket(*b);
    if (!c) return c.error();
    auto cj = compacket_to_json(*c);
    if (!cj) return cj.error();
    auto re = encode_compacket(*c);
    // canonical: the bytes are exactly what lockref would emit for this content
    bool canonical = re->size() <= b->size() && std::equal(re->begin(), re->end(), b->begin());
    for (const auto& p : c->packets)
      for (const auto& sp : p.subpackets)
        if (auto ts = decode_tokens(sp.payload))
          for (const auto& t : *ts) canonical = canonical && is_canonical(t);
    return Json{{"compacket", *cj}, {"length", re->size()}, {"canonical", canonical}};
  }
  if (as == "sp3") {
    auto c = decode_raw_compacket(*b);
    if (!c) return c.error();
    return Json{{"compacket", {{"comid", c->comid}, {"comid_ext", c->comid_ext}, {"outstanding", c->outstanding},
                               {"min_transfer", c->min_transfer}}},
                {"data", to_hex(c->data)}};
  }
  auto ts = decode_tokens(*b);
  if (!ts) return ts.error();
  bool canonical = true;
  for (const auto& t : *ts) canonical = canonical && is_canonical(t);
  if (as == "items") {
    auto items = parse_items(*ts);
    if (!items) return items.error();
    return Json{{"items", items_to_json(*items)}, {"canonical", canonical}};
  }
  if (as == "value") {
    std::size_t i = 0;
    auto v = tcg::detail::parse_value(*ts, i, 0);
    if (!v) return v.error();
    if (i != ts->size()) return make_error("token " + std::to_string(i) + ": tokens after the value");
    return Json{{"value", value_to_json(*v)}, {"canonical", canonical}};
  }
  if (as == "tokens") {
    Json a = Json::array();
    for (const auto& t : *ts) {
      if (t.type != TokenType::atom) {
        a.push_back(std::string(token_type_name(t.type)));
      } else {
        auto v = atom_value(t);
        a.push_back(v ? value_to_json(*v) : Json(to_hex(t.data)));
      }
    }
    return Json{{"tokens", a}, {"canonical", canonical}};
  }
  return make_error("as: expected compacket, sp3, items, value or tokens");
}

LOCKREF_REGISTER(EvalOp{"tcg.encode",
                        "TCG token / method / ComPacket encoding {compacket[,data]|items|value[,pad]} -> {hex} (KPIO AN §3.3)",
                        tcg_encode});
LOCKREF_REGISTER(EvalOp{"tcg.decode",
                        "TCG decoding {hex, as: compacket|sp3|items|value|tokens} -> structured JSON (KPIO AN §3.3)",
                        tcg_decode});

// ---- lockref decode -------------------------------------------------------------------

std::string hx(std::uint64_t v, int w) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", w, static_cast<unsigned long long>(v));
  return buf;
}
std::string off(std::size_t o) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06zx  ", o);
  return buf;
}

std::string describe_atom(const Token& t) {
  auto v = atom_value(t);
  if (!v) return "invalid: " + v.error().message;
  std::string s;
  if (v->kind == Value::Kind::uint) s = std::to_string(v->u) + (v->u > 9 ? " (" + hx(v->u, 1) + ")" : "");
  else if (v->kind == Value::Kind::sint) s = std::to_string(v->s) + " (signed)";
  else {
    bool printable = !v->b.empty();
    for (auto c : v->b) printable = printable && c >= 0x20 && c < 0x7F;
    if (v->b.size() == 8) {
      std::uint64_t x = 0;
      for (auto c : v->b) x = (x << 8) | c;
      if (auto n = uid_name(x)) s = std::string(*n) + " UID";
    }
    if (s.empty()) s = printable ? "\"" + std::string(v->b.begin(), v->b.end()) + "\"" : "bytes[" + std::to_string(v->b.size()) + "]";
    if (v->continued) s += " (continued)";
  }
  const char* form = t.form == AtomForm::tiny ? "tiny" : t.form == AtomForm::short_atom ? "short" : t.form == AtomForm::medium ? "medium" : "long";
  s = std::string(form) + " atom  " + s;
  if (!is_canonical(t)) s += "  [non-canonical: lockref emits a shorter form]";
  return s;
}

/// A decoder's message without its own relative "offset N: " (the caller names the absolute one).
std::string without_offset(const std::string& m) {
  if (m.rfind("offset ", 0) != 0) return m;
  const auto colon = m.find(": ");
  return colon == std::string::npos ? m : m.substr(colon + 2);
}

/// One line per token, indented by list depth. Lists nest at most tcg::max_depth deep (as
/// `eval tcg.decode`), so time and output are linear in the payload.
Status print_tokens(std::ostream& os, ByteView payload, std::size_t base, int indent) {
  Reader r(payload, "payload");
  std::size_t depth = 0;
  while (!r.empty()) {
    const std::size_t at = r.offset();
    auto t = read_token(r);
    if (!t) return make_error("offset " + std::to_string(base + at) + ": " + without_offset(t.error().message));
    const bool closes = t->type == TokenType::end_list || t->type == TokenType::end_name;
    if (closes && depth == 0)
      return make_error("offset " + std::to_string(base + at) + ": " + std::string(token_type_name(t->type)) +
                        " with no list or name open");
    if (closes) --depth;
    std::string bytes = to_hex(payload.subspan(at, std::min<std::size_t>(r.offset() - at, 10)));
    if (r.offset() - at > 10) bytes += "..";
    os << off(base + at) << std::string(static_cast<std::size_t>(indent) + depth * 2, ' ')
       << (t->type == TokenType::atom ? describe_atom(*t) : std::string(token_type_name(t->type))) << "   [" << bytes << "]\n";
    if (t->type == TokenType::atom)  // e.g. an integer atom with no data bytes: shown, then the decode fails
      if (auto v = atom_value(*t); !v)
        return make_error("offset " + std::to_string(base + at) + ": " + without_offset(v.error().message));
    if (t->type == TokenType::start_list || t->type == TokenType::start_name)
      if (++depth > tcg::detail::max_depth)
        return make_error("offset " + std::to_string(base + at) + ": lists nested deeper than " +
                          std::to_string(tcg::detail::max_depth) + " (the bound every lockref TCG decoder keeps)");
  }
  if (depth)
    return make_error("offset " + std::to_string(base + payload.size()) + ": the payload ends with " + std::to_string(depth) +
                      " list(s) or name(s) still open");
  return ok_status();
}

std::string uid_text(ByteView u, std::optional<UidKind> kind) {
  if (u.size() == 8) {
    std::uint64_t x = 0;
    for (auto c : u) x = (x << 8) | c;
    if (auto n = uid_name(x, kind)) return std::string(*n);
  }
  return "0x" + to_hex(u);
}

std::string value_text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::uint: return std::to_string(v.u);
    case Value::Kind::sint: return std::to_string(v.s);
    case Value::Kind::empty: return "<empty>";
    case Value::Kind::bytes: {
      bool printable = !v.b.empty();
      for (auto c : v.b) printable = printable && c >= 0x20 && c < 0x7F;
      if (v.b.size() == 8 && !printable) return uid_text(v.b, std::nullopt);
      if (printable) return "\"" + std::string(v.b.begin(), v.b.end()) + "\"";
      return v.b.size() <= 16 ? "0x" + to_hex(v.b) : "<" + std::to_string(v.b.size()) + " bytes>";
    }
    case Value::Kind::name: return value_text(v.items[0]) + " = " + value_text(v.items[1]);
    case Value::Kind::list: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + value_text(v.items[i]);
      return out + "]";
    }
  }
  return "?";
}

/// The note's method-signature pseudo-code (KPIO AN §3.3.1.1) for one item.
std::string signature(const Item& it, std::uint32_t tsn, std::uint32_t hsn) {
  const std::string session = "session[" + (tsn ? hx(tsn, 1) : "0") + ":" + (hsn ? hx(hsn, 1) : "0") + "]";
  if (const auto* c = std::get_if<MethodCall>(&it)) {
    const std::string m = uid_text(c->method, UidKind::method);
    const bool from_tper = m == "SyncSession";
    std::string args;
    for (std::size_t i = 0; i < c->args.size(); ++i) args += (i ? ", " : "") + value_text(c->args[i]);
    return session + (from_tper ? " <- " : " -> ") + uid_text(c->invoking, UidKind::object) + "." + m + "[" + args + "]";
  }
  if (const auto* r = std::get_if<MethodResult>(&it)) return session + " <- " + value_text(Value::of_list(r->results));
  return session + " <- EOS";
}

Status print_compacket(std::ostream& os, ByteView b) {
  auto c = decode_compacket(b);
  if (!c) return c.error();
  auto raw = decode_raw_compacket(b);
  os << off(0) << "ComPacket  ComID=" << hx(c->comid, 4) << " ComIDExtension=" << hx(c->comid_ext, 4)
     << " OutstandingData=" << c->outstanding << " MinTransfer=" << c->min_transfer << " Length=" << raw->length << "\n";
  std::size_t pos = compacket_header_size;
  for (const auto& p : c->packets) {
    std::size_t plen = 0;
    for (const auto& s : p.subpackets) plen += subpacket_header_size + s.payload.size() + pad4(s.payload.size());
    os << off(pos) << "  Packet  TPerSN=" << hx(p.tsn, 8) << " HostSN=" << hx(p.hsn, 8) << " SeqNumber=" << p.seq
       << " AckType=" << p.ack_type << " Acknowledgement=" << p.ack << " Length=" << plen << "\n";
    pos += packet_header_size;
    for (const auto& s : p.subpackets) {
      os << off(pos) << "    Subpacket  Kind=" << s.kind << (s.kind == 0 ? " (data)" : "") << " Length=" << s.payload.size()
         << " (+" << pad4(s.payload.size()) << " pad)\n";
      if (auto items = decode_items(s.payload))
        for (const auto& it : *items) {
          const auto* mc = std::get_if<MethodCall>(&it);
          const auto* mr = std::get_if<MethodResult>(&it);
          const StatusList* st = mc ? &mc->status : mr ? &mr->status : nullptr;
          os << "        signature: " << signature(it, p.tsn, p.hsn);
          if (st && !st->empty() && (*st)[0] != 0) os << "  status " << (*st)[0];
          os << "\n";
        }
      if (auto st = print_tokens(os, s.payload, pos + subpacket_header_size, 6); !st) return st;
      pos += subpacket_header_size + s.payload.size() + pad4(s.payload.size());
    }
  }
  if (b.size() > pos) os << off(pos) << "(" << b.size() - pos << " transfer pad byte(s), all zero)\n";
  return ok_status();
}

Status print_sp3(std::ostream& os, ByteView b) {
  auto c = decode_raw_compacket(b);
  if (!c) return c.error();
  os << off(0) << "ComPacket (Security Protocol 0x03)  ComID=" << hx(c->comid, 4) << " ComIDExtension=" << hx(c->comid_ext, 4)
     << " OutstandingData=" << c->outstanding << " MinTransfer=" << c->min_transfer << " Length=" << c->length << "\n";
  auto t = print_ttlv(c->data, compacket_header_size);
  if (!t) return t.error();
  os << *t;
  return ok_status();
}

// ---- decode formats (lockref decode; evidence judges structure, the printers decode) ----

/// The ComPacket header (KPIO AN §3.3.1): Reserved(4) ComID(2) ComIDExtension(2)
/// OutstandingData(4) MinTransfer(4) Length(4). `payload_ttlv`: SP 0x03 (TTLV after it).
Evidence compacket_evidence(ByteView b, bool payload_ttlv) {
  Evidence e;
  if (b.size() < 4 || b[0] || b[1] || b[2] || b[3]) {
    e.why = "bytes 0-3 (Reserved) are not zero";
    return e;
  }
  e.score = 30;
  e.why = "Reserved (bytes 0-3) zero";
  if (b.size() < compacket_header_size) {
    e.why += ", but shorter than the 20-byte header";
    return e;
  }
  const std::uint64_t len = (std::uint64_t{b[16]} << 24) | (std::uint64_t{b[17]} << 16) | (std::uint64_t{b[18]} << 8) | b[19];
  if (len <= b.size() - compacket_header_size) {
    e.score += 30;
    e.why += ", Length " + std::to_string(len) + " fits the " + std::to_string(b.size() - compacket_header_size) +
             " bytes after the header";
  } else {
    e.why += ", but Length " + std::to_string(len) + " exceeds the " + std::to_string(b.size() - compacket_header_size) +
             " bytes after the header";
  }
  const bool ttlv_next = b.size() >= compacket_header_size + 8 && b[20] == 0x42 && b[23] >= 0x01 && b[23] <= 0x0B;
  if (payload_ttlv) {
    if (ttlv_next) {
      e.score += 25;
      e.why += ", a TTLV item (tag 0x42....) follows the header (Security Protocol 0x03)";
    } else {
      e.score = std::min(e.score, 25);
      e.why += ", no TTLV item after the header";
    }
  } else if (ttlv_next) {
    e.score -= 20;
    e.why += ", but a TTLV item follows the header (SP 0x03, not Packets)";
  } else if (len >= packet_header_size && b.size() >= compacket_header_size + packet_header_size &&
             b[32] == 0 && b[33] == 0) {
    e.score += 20;
    e.why += ", a Packet header follows (Reserved bytes 32-33 zero)";
  }
  return e;
}

/// A bare token stream: weak evidence (any byte below 0x80 is an atom), strongest when it
/// starts as a method call, a list or End of Session and every token is well-framed.
Evidence tokens_evidence(ByteView b) {
  Evidence e;
  if (b.empty()) return e;
  const std::uint8_t x = b[0];
  if (x == 0xF8 || x == 0xF0 || x == 0xF2 || x == 0xFA || x == 0xFB) {
    e.score = 20;
    e.why = "starts with a control token (" + std::string(x == 0xF8 ? "Call" : x == 0xF0 ? "Start List" : x == 0xF2 ? "Start Name" : x == 0xFA ? "End of Session" : "Start Transaction") + ")";
  } else {
    e.score = 5;
    e.why = "any bytes frame as atoms";
  }
  Reader r(b, "tokens");
  while (!r.empty())
    if (!read_token(r)) {
      e.why += "; a token at offset " + std::to_string(r.offset()) + " is malformed";
      return e;
    }
  e.score += 10;
  e.why += "; every token is well-framed";
  return e;
}

LOCKREF_REGISTER(DecodeFormat{"compacket", "TCG ComPacket with Packets and Subpackets of tokens (SP 0x01/0x02, KPIO AN §3.3.1)",
                              [](ByteView b) { return compacket_evidence(b, false); },
                              [](std::ostream& os, ByteView b, const Args&) { return print_compacket(os, b); }});
LOCKREF_REGISTER(DecodeFormat{"sp3", "ComPacket carrying KMIP TTLV (Security Protocol 0x03, KPIO AN §3.4)",
                              [](ByteView b) { return compacket_evidence(b, true); },
                              [](std::ostream& os, ByteView b, const Args&) { return print_sp3(os, b); }});
LOCKREF_REGISTER(DecodeFormat{"tokens", "a bare TCG token stream (method calls, results, values; KPIO AN §3.3)",
                              tokens_evidence,
                              [](std::ostream& os, ByteView b, const Args&) { return print_tokens(os, b, 0, 0); }});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
