// lockref eval ops for TCG Storage wire formats (KPIO AN §3.3) and `lockref decode`.
#include <cstdio>
#include <optional>
#include <fstream>
#include <iostream>
#include <sstream>

#include "lockref/kmip/ttlv.hpp"
#include "lockref/tcg/json.hpp"
#include "registry.hpp"
#include "kmb_decode.hpp"
#include "wire_print.hpp"

namespace lockref::cli {
namespace {
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

Status print_tokens(std::ostream& os, ByteView payload, std::size_t base, int indent) {
  Reader r(payload, "payload");
  int depth = 0;
  while (!r.empty()) {
    const std::size_t at = r.offset();
    auto t = read_token(r);
    if (!t) return make_error("offset " + std::to_string(base + at) + ": " + t.error().message);
    if (t->type == TokenType::end_list || t->type == TokenType::end_name) depth = std::max(0, depth - 1);
    std::string bytes = to_hex(payload.subspan(at, std::min<std::size_t>(r.offset() - at, 10)));
    if (r.offset() - at > 10) bytes += "..";
    os << off(base + at) << std::string(static_cast<std::size_t>(indent + depth * 2), ' ')
       << (t->type == TokenType::atom ? describe_atom(*t) : std::string(token_type_name(t->type))) << "   [" << bytes << "]\n";
    if (t->type == TokenType::start_list || t->type == TokenType::start_name) ++depth;
  }
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

}  // namespace

/// Defined in ops_level0.cpp.
Status print_level0(std::ostream& os, ByteView b);

namespace {

Result<Bytes> read_input(const Args& a) {
  std::string text;
  if (a.has("file")) {
    std::ifstream f(a.get("file"), std::ios::binary);
    if (!f) return make_error("cannot read " + a.get("file"));
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  } else if (!a.positional.empty()) {
    for (const auto& p : a.positional) text += p + " ";
  } else {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
  }
  // Accept hexdump-style lines "0010  00 00 ...": a 4-digit first word followed by
  // 2-digit words is an offset column and is dropped; '#' starts a comment.
  std::string hex;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    std::istringstream ws(line);
    std::vector<std::string> words;
    for (std::string w; ws >> w;) words.push_back(w);
    std::size_t from = 0;
    if (words.size() >= 2 && words[0].size() == 4 && words[1].size() == 2) from = 1;
    for (std::size_t i = from; i < words.size(); ++i) hex += words[i];
  }
  return from_hex(hex);
}

int cmd_decode(const Args& a) {
  if (a.has("help")) {
    std::cout << "usage: lockref decode [--as auto|compacket|sp3|ttlv|tokens|level0] [--file F | HEX...]\n"
                 "       lockref decode --cmd GALG|0x47414c47 [--direction request|response] [--file F | HEX...]\n";
    return 0;
  }
  auto b = read_input(a);
  if (!b) {
    std::cerr << "lockref decode: " << b.error().message << "\n";
    return 2;
  }
  if (a.has("cmd")) return decode_kmb(a, *b);  // KMB mailbox tables (ops_kmb.cpp)
  std::string as = a.get("as", "auto");
  std::ostringstream os;
  Status st = ok_status();
  auto looks_ttlv = [](ByteView v) { return v.size() >= 8 && v[0] == 0x42 && v[3] >= 1 && v[3] <= 0x0B; };
  if (as == "auto") {
    if (looks_ttlv(*b)) as = "ttlv";
    else if (b->size() > compacket_header_size && looks_ttlv(ByteView(*b).subspan(compacket_header_size))) as = "sp3";
    else if (decode_compacket(*b)) as = "compacket";
    else if (std::ostringstream tmp; print_level0(tmp, *b)) as = "level0";
    else as = "tokens";
    os << "(decoded as " << as << ")\n";
  }
  if (as == "compacket") st = print_compacket(os, *b);
  else if (as == "sp3") st = print_sp3(os, *b);
  else if (as == "ttlv") {
    auto t = print_ttlv(*b, 0);
    if (t) os << *t;
    else st = t.error();
  } else if (as == "tokens") st = print_tokens(os, *b, 0, 0);
  else if (as == "level0") st = print_level0(os, *b);
  else {
    std::cerr << "lockref decode: --as must be auto, compacket, sp3, ttlv, tokens or level0\n";
    return 2;
  }
  std::cout << os.str();
  if (!st) {
    std::cout << "error: " << st.error().message << "\n";
    return 1;
  }
  return 0;
}

LOCKREF_REGISTER(Command{"decode", "pretty-print a captured ComPacket, TTLV or Level 0 payload",
                         "decode [--as auto|compacket|sp3|ttlv|tokens|level0 | --cmd KMBCMD [--direction D]] [--file F | HEX...] (stdin if neither)",
                         cmd_decode});

}  // namespace
}  // namespace lockref::cli
