// lockref eval ops for KMIP TTLV (KPIO AN §3.4) and the TTLV pretty printer.
#include <cstdio>
#include <sstream>

#include "lockref/kmip/json.hpp"
#include "registry.hpp"
#include "wire_print.hpp"

namespace lockref::cli {

namespace LOCKREF_UNITY_ID {
using namespace lockref::kmip;


/// kmip.encode: {"ttlv": item} -> {"hex"}
Result<Json> kmip_encode(const Json& j) {
  if (!j.contains("ttlv")) return make_error("missing field \"ttlv\"");
  auto it = item_from_json(j["ttlv"]);
  if (!it) return make_error("ttlv: " + it.error().message);
  auto b = encode(*it);
  if (!b) return b.error();
  return Json{{"hex", to_hex(*b)}, {"length", b->size()}};
}

/// kmip.decode: {"hex"} -> {"ttlv"}; strict (one item spanning all bytes).
/// With "trailing_zeros": true, zero bytes after the item are accepted (a payload
/// cut from a 512-byte transfer).
Result<Json> kmip_decode(const Json& j) {
  auto b = hex_field(j, "hex");
  if (!b) return b.error();
  if (j.value("trailing_zeros", false)) {
    auto p = decode_prefix(*b);
    if (!p) return p.error();
    for (std::size_t i = p->second; i < b->size(); ++i)
      if ((*b)[i] != 0) return make_error("non-zero byte at offset " + std::to_string(i) + " after the TTLV item");
    return Json{{"ttlv", item_to_json(p->first)}, {"length", p->second}};
  }
  if (j.value("sequence", false)) {
    auto items = decode_sequence(*b);
    if (!items) return items.error();
    Json a = Json::array();
    for (const auto& it : *items) a.push_back(item_to_json(it));
    return Json{{"items", a}, {"length", b->size()}};
  }
  auto it = decode(*b);
  if (!it) return it.error();
  return Json{{"ttlv", item_to_json(*it)}, {"length", b->size()}};
}

LOCKREF_REGISTER(EvalOp{"kmip.encode", "KMIP TTLV encoding of {ttlv:{tag,type,value}} (KPIO AN §3.4) -> {hex}", kmip_encode});
LOCKREF_REGISTER(EvalOp{"kmip.decode",
                        "strict KMIP TTLV decoding {hex[,trailing_zeros|sequence]} -> {ttlv:{tag,type,value}} or {items:[...]}", kmip_decode});

void print_item(std::ostringstream& os, const Item& it, std::size_t& off, int depth) {
  const Bytes enc = *encode(it);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06zx  ", off);
  os << buf << std::string(static_cast<std::size_t>(depth) * 2, ' ') << tag_to_string(it.tag) << " ("
     << kmip::detail::hex_u(it.tag, 6) << ") " << item_type_name(it.type);
  std::size_t len = enc.size() - 8;  // Structure: its items
  switch (it.type) {
    case ItemType::integer:
    case ItemType::enumeration:
    case ItemType::interval: len = 4; break;
    case ItemType::text_string:
    case ItemType::byte_string:
    case ItemType::big_integer: len = it.bytes.size(); break;
    default: break;
  }
  os << " len=" << len;
  switch (it.type) {
    case ItemType::structure:
      os << "\n";
      off += 8;
      for (const auto& c : it.children) print_item(os, c, off, depth + 1);
      return;
    case ItemType::enumeration: {
      os << " = " << kmip::detail::hex_u(static_cast<std::uint64_t>(it.num), 8);
      if (auto n = enum_name(it.tag, static_cast<std::uint32_t>(it.num))) os << " " << *n;
      break;
    }
    case ItemType::boolean: os << " = " << (it.num ? "true" : "false"); break;
    case ItemType::text_string: os << " = \"" << std::string(it.bytes.begin(), it.bytes.end()) << "\""; break;
    case ItemType::byte_string:
    case ItemType::big_integer: os << " = " << to_hex(it.bytes); break;
    default: os << " = " << it.num; break;
  }
  os << "\n";
  off += enc.size();
}

}  // namespace LOCKREF_UNITY_ID

Result<std::string> print_ttlv(ByteView ttlv, std::size_t base_offset) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  auto p = decode_prefix(ttlv);
  if (!p) return p.error();
  std::ostringstream os;
  std::size_t off = base_offset;
  print_item(os, p->first, off, 0);
  for (std::size_t i = p->second; i < ttlv.size(); ++i)
    if (ttlv[i] != 0) return make_error("non-zero byte at offset " + std::to_string(base_offset + i) + " after the TTLV message");
  if (p->second < ttlv.size()) os << "(" << ttlv.size() - p->second << " zero pad byte(s))\n";
  return os.str();
}

namespace LOCKREF_UNITY_ID {
/// A KMIP TTLV message (KMIP 2.1 §9.1): tag 0x42xxxx, a known type, Length.
Evidence ttlv_evidence(ByteView b) {
  Evidence e;
  if (b.size() < 8 || b[0] != 0x42) {
    e.why = b.size() < 8 ? "shorter than one TTLV header" : "byte 0 is not 0x42 (a KMIP tag)";
    return e;
  }
  if (b[3] < 0x01 || b[3] > 0x0B) {
    e.why = "tag 0x42..., but byte 3 is no TTLV type";
    return e;
  }
  e.score = 40;
  e.why = "tag 0x" + to_hex(b.subspan(0, 3)) + ", type " + std::string(item_type_name(static_cast<ItemType>(b[3])));
  const std::uint64_t len = (std::uint64_t{b[4]} << 24) | (std::uint64_t{b[5]} << 16) | (std::uint64_t{b[6]} << 8) | b[7];
  if (len + 8 <= b.size()) {
    e.score += 30;
    e.why += ", Length " + std::to_string(len) + " fits the size";
  } else {
    e.why += ", but Length " + std::to_string(len) + " exceeds the " + std::to_string(b.size() - 8) + " bytes after it";
  }
  return e;
}

Status print_ttlv_format(std::ostream& os, ByteView b, const Args&) {
  auto t = print_ttlv(b, 0);
  if (!t) return t.error();
  os << *t;
  return ok_status();
}

LOCKREF_REGISTER(DecodeFormat{"ttlv", "a KMIP TTLV message with tag and enumeration names (KPIO AN §3.4, Tables 40-70)",
                              ttlv_evidence, print_ttlv_format});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
