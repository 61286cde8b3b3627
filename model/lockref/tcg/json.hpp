// JSON form of TCG values, method calls and ComPackets (for `lockref eval` and vectors).
//
// Value:  123 (unsigned) | {"int": -5} (signed) | {"bytes": "hex"[, "continued": true]}
//         | [ ...list... ] | {"name": V, "value": V} | "empty"
//         input sugar: {"str": "MaxPacketSize"} (bytes of the text), {"uid": "SMUID"},
//         and negative numbers (signed).
// Item:   {"call": {"invoking": U, "method": U, "args": [V...]}, "status": [0,0,0]}
//         | {"result": [V...], "status": [0,0,0]} | "end_of_session"
//         U = a name of tcg/uids.hpp ("SMUID") or 16 hex digits; "status" defaults to [0,0,0].
// ComPacket: {"comid", "comid_ext", "outstanding", "min_transfer",
//             "packets": [{"tsn", "hsn", "seq", "ack_type", "ack",
//                          "subpackets": [{"kind", "payload": [Item...]}]}]}
#pragma once
#include "lockref/core/json.hpp"
#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/token.hpp"
#include "lockref/tcg/uids.hpp"

namespace lockref::tcg {

inline Json value_to_json(const Value& v) {
  switch (v.kind) {
    case Value::Kind::uint:
      if (v.width) return Json{{"uint", v.u}, {"width", v.width}};
      return v.u;
    case Value::Kind::sint: {
      Json o{{"int", v.s}};
      if (v.width) o["width"] = v.width;
      return o;
    }
    case Value::Kind::bytes: {
      Json o{{"bytes", to_hex(v.b)}};
      if (v.continued) o["continued"] = true;
      if (v.form) o["form"] = *v.form == AtomForm::short_atom ? "short" : *v.form == AtomForm::medium ? "medium" : "long";
      return o;
    }
    case Value::Kind::list: {
      Json a = Json::array();
      for (const auto& x : v.items) a.push_back(value_to_json(x));
      return a;
    }
    case Value::Kind::name: return Json{{"name", value_to_json(v.items[0])}, {"value", value_to_json(v.items[1])}};
    case Value::Kind::empty: return "empty";
  }
  return nullptr;
}

inline Result<Bytes> uid_from_json(const Json& j) {
  if (!j.is_string()) return make_error("expected a UID name or 16 hex digits, got " + std::string(j.type_name()));
  const auto s = j.get<std::string>();
  if (auto n = uid_by_name(s)) {
    const auto u = to_uid(n->value);
    return Bytes(u.begin(), u.end());
  }
  auto b = from_hex(s);
  if (!b || b->size() != 8) return make_error("\"" + s + "\" is neither a UID name of tcg/uids.hpp nor 8 bytes of hex");
  return b;
}

inline Result<Value> value_from_json(const Json& j, std::size_t depth = 0) {
  if (depth > 64) return make_error("nesting deeper than 64");
  if (j.is_number_unsigned()) return Value::of_uint(j.get<std::uint64_t>());
  // A bare number means the same value however it was built: nlohmann keeps a non-negative
  // integer made in C++ as signed, while parsing the same text gives unsigned.
  if (j.is_number_integer() && j.get<std::int64_t>() >= 0) return Value::of_uint(j.get<std::uint64_t>());
  if (j.is_number_integer()) return Value::of_int(j.get<std::int64_t>());
  if (j.is_string()) {
    if (j.get<std::string>() == "empty") return Value::of_empty();
    return make_error("unknown value string \"" + j.get<std::string>() + "\" (byte strings are {\"bytes\":hex} or {\"str\":text})");
  }
  if (j.is_array()) {
    std::vector<Value> items;
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto x = value_from_json(j[i], depth + 1);
      if (!x) return make_error("[" + std::to_string(i) + "]: " + x.error().message);
      items.push_back(std::move(x).value());
    }
    return Value::of_list(std::move(items));
  }
  if (j.is_object()) {
    if (j.contains("name")) {
      if (j.size() != 2 || !j.contains("value")) return make_error("a name is {\"name\": V, \"value\": V}");
      auto n = value_from_json(j["name"], depth + 1);
      if (!n) return make_error("name: " + n.error().message);
      auto v = value_from_json(j["value"], depth + 1);
      if (!v) return make_error("value: " + v.error().message);
      return Value::of_name(std::move(n).value(), std::move(v).value());
    }
    if (j.contains("int") || j.contains("uint")) {
      const bool is_signed = j.contains("int");
      const Json& n = j[is_signed ? "int" : "uint"];
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != (is_signed ? "int" : "uint") && it.key() != "width") return make_error("unknown field \"" + it.key() + "\"");
      if (is_signed ? !n.is_number_integer() : !n.is_number_unsigned())
        return make_error(is_signed ? "int: expected an integer" : "uint: expected an unsigned integer");
      Value v = is_signed ? Value::of_int(n.get<std::int64_t>()) : Value::of_uint(n.get<std::uint64_t>());
      if (j.contains("width")) {
        // a non-minimal short atom of exactly `width` data bytes; the value must fit
        auto w = from_json<std::uint8_t>(j["width"]);
        if (!w || *w < 1 || *w > 8) return make_error("width: expected 1..8 data bytes");
        const std::uint64_t bits = is_signed ? static_cast<std::uint64_t>(v.s) : v.u;
        if (*w < 8) {
          const std::uint64_t top = bits >> (8 * *w - (is_signed ? 1 : 0));
          const bool fits = is_signed ? (top == 0 || top == (~std::uint64_t{0} >> (8 * *w - 1))) : top == 0;
          if (!fits) return make_error("width: the value does not fit " + std::to_string(*w) + " byte(s)");
        }
        v.width = *w;
        std::vector<Token> a, b;
        append_value(a, v);
        v.width = 0;
        append_value(b, v);
        if (a != b) v.width = *w;  // keep only a genuinely non-minimal width
      }
      return v;
    }
    if (j.contains("bytes")) {
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "bytes" && it.key() != "continued" && it.key() != "form")
          return make_error("unknown field \"" + it.key() + "\"");
      if (!j["bytes"].is_string()) return make_error("bytes: expected hex string");
      auto b = from_hex(j["bytes"].get<std::string>());
      if (!b) return make_error("bytes: " + b.error().message);
      bool cont = false;
      if (j.contains("continued")) {
        if (!j["continued"].is_boolean()) return make_error("continued: expected boolean");
        cont = j["continued"].get<bool>();
      }
      Value v = Value::of_bytes(std::move(b).value(), cont);
      if (j.contains("form")) {
        const Json& f = j["form"];
        if (f == "short") v.form = AtomForm::short_atom;
        else if (f == "medium") v.form = AtomForm::medium;
        else if (f == "long") v.form = AtomForm::long_atom;
        else return make_error("form: expected short, medium or long");
        const std::size_t cap = *v.form == AtomForm::short_atom ? 15 : *v.form == AtomForm::medium ? 2047 : max_long_atom;
        if (v.b.size() > cap) return make_error("form: " + f.get<std::string>() + " atoms hold at most " + std::to_string(cap) + " bytes");
        if (bytes_atom(v.b, cont).form == *v.form) v.form.reset();  // the minimal form anyway
      }
      return v;
    }
    if (j.contains("str") && j.size() == 1 && j["str"].is_string()) return Value::of_bytes(to_bytes(j["str"].get<std::string>()));
    if (j.contains("uid") && j.size() == 1) {
      auto u = uid_from_json(j["uid"]);
      if (!u) return make_error("uid: " + u.error().message);
      return Value::of_bytes(std::move(u).value());
    }
  }
  return make_error("not a TCG value: " + j.dump());
}

inline Json status_to_json(const StatusList& s) { return Json(s); }

inline Json item_to_json(const Item& it) {
  if (const auto* c = std::get_if<MethodCall>(&it)) {
    Json args = Json::array();
    for (const auto& a : c->args) args.push_back(value_to_json(a));
    return Json{{"call", {{"invoking", to_hex(c->invoking)}, {"method", to_hex(c->method)}, {"args", args}}},
                {"status", status_to_json(c->status)}};
  }
  if (const auto* r = std::get_if<MethodResult>(&it)) {
    Json res = Json::array();
    for (const auto& a : r->results) res.push_back(value_to_json(a));
    return Json{{"result", res}, {"status", status_to_json(r->status)}};
  }
  return "end_of_session";
}

inline Result<StatusList> status_from_json(const Json& j) {
  if (!j.contains("status")) return StatusList{0, 0, 0};
  auto s = from_json<std::vector<std::uint64_t>>(j["status"]);
  if (!s) return make_error("status: " + s.error().message);
  return s;
}

inline Result<std::vector<Value>> values_from_json(const Json& j, const char* what) {
  if (!j.is_array()) return make_error(std::string(what) + ": expected array");
  std::vector<Value> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto v = value_from_json(j[i]);
    if (!v) return make_error(std::string(what) + "[" + std::to_string(i) + "]: " + v.error().message);
    out.push_back(std::move(v).value());
  }
  return out;
}

inline Result<Item> item_from_json(const Json& j) {
  if (j == "end_of_session") return Item{EndOfSession{}};
  if (!j.is_object()) return make_error("expected an item: {\"call\":...}, {\"result\":...} or \"end_of_session\"");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "call" && it.key() != "result" && it.key() != "status")
      return make_error("unknown field \"" + it.key() + "\"");
  auto st = status_from_json(j);
  if (!st) return st.error();
  if (j.contains("call")) {
    const Json& c = j["call"];
    if (!c.is_object()) return make_error("call: expected object");
    for (auto it = c.begin(); it != c.end(); ++it)
      if (it.key() != "invoking" && it.key() != "method" && it.key() != "args")
        return make_error("call: unknown field \"" + it.key() + "\"");
    MethodCall m;
    auto inv = uid_from_json(c.value("invoking", Json()));
    if (!inv) return make_error("call.invoking: " + inv.error().message);
    auto meth = uid_from_json(c.value("method", Json()));
    if (!meth) return make_error("call.method: " + meth.error().message);
    auto args = values_from_json(c.value("args", Json::array()), "call.args");
    if (!args) return args.error();
    m.invoking = std::move(inv).value();
    m.method = std::move(meth).value();
    m.args = std::move(args).value();
    m.status = std::move(st).value();
    return Item{std::move(m)};
  }
  if (j.contains("result")) {
    auto res = values_from_json(j["result"], "result");
    if (!res) return res.error();
    return Item{MethodResult{std::move(res).value(), std::move(st).value()}};
  }
  return make_error("expected \"call\" or \"result\"");
}

inline Json items_to_json(const std::vector<Item>& items) {
  Json a = Json::array();
  for (const auto& i : items) a.push_back(item_to_json(i));
  return a;
}

inline Result<std::vector<Item>> items_from_json(const Json& j) {
  if (!j.is_array()) return make_error("expected an array of items");
  std::vector<Item> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto x = item_from_json(j[i]);
    if (!x) return make_error("[" + std::to_string(i) + "]: " + x.error().message);
    out.push_back(std::move(x).value());
  }
  return out;
}

/// ComPacket with structured payloads. A subpacket whose payload does not structure
/// as items is an error here (use tcg.decode with "as":"tokens" for raw streams).
inline Result<Json> compacket_to_json(const ComPacket& c) {
  Json packets = Json::array();
  for (std::size_t pi = 0; pi < c.packets.size(); ++pi) {
    const auto& p = c.packets[pi];
    Json subs = Json::array();
    for (std::size_t si = 0; si < p.subpackets.size(); ++si) {
      const auto& s = p.subpackets[si];
      auto items = decode_items(s.payload);
      if (!items)
        return make_error("packets[" + std::to_string(pi) + "].subpackets[" + std::to_string(si) +
                          "].payload: " + items.error().message);
      subs.push_back(Json{{"kind", s.kind}, {"payload", items_to_json(*items)}});
    }
    packets.push_back(Json{{"tsn", p.tsn}, {"hsn", p.hsn}, {"seq", p.seq}, {"ack_type", p.ack_type}, {"ack", p.ack},
                           {"subpackets", subs}});
  }
  return Json{{"comid", c.comid}, {"comid_ext", c.comid_ext}, {"outstanding", c.outstanding},
              {"min_transfer", c.min_transfer}, {"packets", packets}};
}

namespace detail {
template <class T>
Status read_opt(const Json& j, const char* k, T& out) {
  if (!j.contains(k)) return ok_status();
  auto r = from_json<T>(j[k]);
  if (!r) return make_error(std::string(k) + ": " + r.error().message);
  out = *r;
  return ok_status();
}
inline Status only_keys(const Json& j, std::initializer_list<const char*> keys) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* k : keys) ok = ok || it.key() == k;
    if (!ok) return make_error("unknown field \"" + it.key() + "\"");
  }
  return ok_status();
}
}  // namespace detail

inline Result<ComPacket> compacket_from_json(const Json& j) {
  if (!j.is_object()) return make_error("compacket: expected object");
  if (auto s = detail::only_keys(j, {"comid", "comid_ext", "outstanding", "min_transfer", "packets"}); !s)
    return make_error("compacket: " + s.error().message);
  ComPacket c;
  for (auto s : {detail::read_opt(j, "comid", c.comid), detail::read_opt(j, "comid_ext", c.comid_ext),
                 detail::read_opt(j, "outstanding", c.outstanding), detail::read_opt(j, "min_transfer", c.min_transfer)})
    if (!s) return make_error("compacket." + s.error().message);
  const Json packets = j.value("packets", Json::array());
  if (!packets.is_array()) return make_error("compacket.packets: expected array");
  for (std::size_t pi = 0; pi < packets.size(); ++pi) {
    const Json& pj = packets[pi];
    const std::string at = "compacket.packets[" + std::to_string(pi) + "]";
    if (!pj.is_object()) return make_error(at + ": expected object");
    if (auto s = detail::only_keys(pj, {"tsn", "hsn", "seq", "ack_type", "ack", "subpackets"}); !s)
      return make_error(at + ": " + s.error().message);
    Packet p;
    for (auto s : {detail::read_opt(pj, "tsn", p.tsn), detail::read_opt(pj, "hsn", p.hsn), detail::read_opt(pj, "seq", p.seq),
                   detail::read_opt(pj, "ack_type", p.ack_type), detail::read_opt(pj, "ack", p.ack)})
      if (!s) return make_error(at + "." + s.error().message);
    const Json subs = pj.value("subpackets", Json::array());
    if (!subs.is_array()) return make_error(at + ".subpackets: expected array");
    for (std::size_t si = 0; si < subs.size(); ++si) {
      const Json& sj = subs[si];
      const std::string sat = at + ".subpackets[" + std::to_string(si) + "]";
      if (!sj.is_object()) return make_error(sat + ": expected object");
      if (auto s = detail::only_keys(sj, {"kind", "payload", "payload_hex"}); !s) return make_error(sat + ": " + s.error().message);
      Subpacket sp;
      if (auto s = detail::read_opt(sj, "kind", sp.kind); !s) return make_error(sat + "." + s.error().message);
      if (sj.contains("payload_hex")) {
        auto b = from_json<Bytes>(sj["payload_hex"]);
        if (!b) return make_error(sat + ".payload_hex: " + b.error().message);
        sp.payload = std::move(b).value();
      } else {
        auto items = items_from_json(sj.value("payload", Json::array()));
        if (!items) {
          const auto& m = items.error().message;
          return make_error(sat + ".payload" + (m.starts_with("[") ? "" : ": ") + m);
        }
        auto b = encode_items(*items);
        if (!b) return make_error(sat + ".payload: " + b.error().message);
        sp.payload = std::move(b).value();
      }
      p.subpackets.push_back(std::move(sp));
    }
    c.packets.push_back(std::move(p));
  }
  return c;
}

}  // namespace lockref::tcg
