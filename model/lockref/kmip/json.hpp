// JSON form of KMIP TTLV items (for `lockref eval` and vectors), mirroring KMIP XML:
//   {"tag": "RequestMessage" | "0x420078", "type": "Structure", "value": [items...]}
//   Integer/LongInteger/Interval/DateTime/DateTimeExtended: number
//   Enumeration: the name of tags.hpp for that tag, else a number (both accepted)
//   Boolean: true/false; TextString: string; ByteString/BigInteger: hex string
#pragma once
#include "lockref/core/json.hpp"
#include "lockref/kmip/ttlv.hpp"

namespace lockref::kmip {

inline std::string tag_to_string(std::uint32_t tag) {
  if (auto n = tag_name(tag)) return std::string(*n);
  return detail::hex_u(tag, 6);
}

inline Result<std::uint32_t> tag_from_string(const std::string& s) {
  if (auto t = tag_from_name(s)) return *t;
  if (s.size() == 8 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    auto b = from_hex(s.substr(2));
    if (b && b->size() == 3) return static_cast<std::uint32_t>(((*b)[0] << 16) | ((*b)[1] << 8) | (*b)[2]);
  }
  return make_error("unknown tag \"" + s + "\" (a name of kmip/tags.hpp or 0x42xxxx)");
}

inline Json item_to_json(const Item& it) {
  Json o{{"tag", tag_to_string(it.tag)}, {"type", std::string(item_type_name(it.type))}};
  switch (it.type) {
    case ItemType::structure: {
      Json a = Json::array();
      for (const auto& c : it.children) a.push_back(item_to_json(c));
      o["value"] = a;
      break;
    }
    case ItemType::enumeration:
      if (auto n = enum_name(it.tag, static_cast<std::uint32_t>(it.num))) o["value"] = std::string(*n);
      else o["value"] = static_cast<std::uint64_t>(it.num);
      break;
    case ItemType::boolean: o["value"] = it.num != 0; break;
    case ItemType::text_string: o["value"] = std::string(it.bytes.begin(), it.bytes.end()); break;
    case ItemType::byte_string:
    case ItemType::big_integer: o["value"] = to_hex(it.bytes); break;
    default: o["value"] = it.num; break;
  }
  return o;
}

inline Result<Item> item_from_json(const Json& j, std::size_t depth = 0) {
  if (depth > max_depth) return make_error("nesting deeper than 64");
  if (!j.is_object()) return make_error("expected {\"tag\",\"type\",\"value\"}");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "tag" && it.key() != "type" && it.key() != "value") return make_error("unknown field \"" + it.key() + "\"");
  if (!j.contains("tag") || !j["tag"].is_string()) return make_error("missing \"tag\" string");
  if (!j.contains("type") || !j["type"].is_string()) return make_error("missing \"type\" string");
  Item it;
  auto tag = tag_from_string(j["tag"].get<std::string>());
  if (!tag) return tag.error();
  it.tag = *tag;
  const std::string tname = j["type"].get<std::string>();
  auto tt = item_type_from_name(tname);
  if (!tt) return make_error("unknown type \"" + tname + "\"");
  it.type = *tt;
  const std::string at = tag_to_string(it.tag);
  if (!j.contains("value")) return make_error(at + ": missing \"value\"");
  const Json& v = j["value"];
  auto bad = [&](const char* want) { return make_error(at + ": " + tname + " value must be " + want); };
  switch (it.type) {
    case ItemType::structure:
      if (!v.is_array()) return bad("an array of items");
      for (std::size_t i = 0; i < v.size(); ++i) {
        auto c = item_from_json(v[i], depth + 1);
        if (!c) return make_error(at + "[" + std::to_string(i) + "]: " + c.error().message);
        it.children.push_back(std::move(c).value());
      }
      break;
    case ItemType::enumeration:
      if (v.is_string()) {
        auto e = enum_value(it.tag, v.get<std::string>());
        if (!e) return make_error(at + ": unknown enumeration name \"" + v.get<std::string>() + "\" (use a number)");
        it.num = *e;
      } else if (v.is_number_integer() && (v.is_number_unsigned() || v.get<std::int64_t>() >= 0)) {
        if (v.get<std::uint64_t>() > 0xFFFFFFFFu) return bad("at most 2^32-1");
        it.num = static_cast<std::int64_t>(v.get<std::uint64_t>());
      } else {
        return bad("a name or an unsigned number");
      }
      break;
    case ItemType::boolean:
      if (!v.is_boolean()) return bad("true or false");
      it.num = v.get<bool>() ? 1 : 0;
      break;
    case ItemType::text_string:
      if (!v.is_string()) return bad("a string");
      it.bytes = to_bytes(v.get<std::string>());
      break;
    case ItemType::byte_string:
    case ItemType::big_integer: {
      if (!v.is_string()) return bad("a hex string");
      auto b = from_hex(v.get<std::string>());
      if (!b) return make_error(at + ": " + b.error().message);
      it.bytes = std::move(b).value();
      break;
    }
    default:
      if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return bad("a 64-bit signed number");
        it.num = static_cast<std::int64_t>(v.get<std::uint64_t>());
      } else if (v.is_number_integer()) {
        it.num = v.get<std::int64_t>();
      } else {
        return bad("a number");
      }
  }
  if (auto s = validate(it); !s) return make_error(at + ": " + s.error().message);
  return it;
}

}  // namespace lockref::kmip
