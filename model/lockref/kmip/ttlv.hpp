// KMIP TTLV encoding (KMIP 2.1 §9.1; the byte tables of KPIO AN §3.4, Tables 41–70):
//   Tag(3) Type(1) Length(4) Value, the value padded with zero bytes to a multiple
//   of 8. Integer/Enumeration/Interval: 4 bytes + 4 pad; LongInteger/DateTime/
//   DateTimeExtended/Boolean: 8 bytes; BigInteger: a multiple of 8 bytes;
//   TextString/ByteString: Length bytes + pad; Structure: the concatenated items.
// Decoding is strict: the fixed lengths above, zero padding, Boolean 0 or 1, known
// types, tags in the 0x42xxxx / 0x54xxxx ranges, UTF-8 text, structures whose
// items exactly fill their Length. Every error names the byte offset.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/kmip/tags.hpp"

namespace lockref::kmip {

struct Item {
  std::uint32_t tag = 0;
  ItemType type = ItemType::structure;
  std::int64_t num = 0;        // Integer, LongInteger, Enumeration, Interval, DateTime(Extended), Boolean
  Bytes bytes;                 // ByteString, BigInteger, TextString (UTF-8)
  std::vector<Item> children;  // Structure
  friend bool operator==(const Item&, const Item&) = default;
};

inline std::size_t pad8(std::size_t n) { return (8 - n % 8) % 8; }

inline constexpr std::size_t max_depth = 64;

namespace detail {
inline std::string hex_u(std::uint64_t v, int width) {
  static constexpr char d[] = "0123456789abcdef";
  std::string s = "0x";
  for (int i = width - 1; i >= 0; --i) s.push_back(d[(v >> (4 * i)) & 0xF]);
  return s;
}

/// KMIP 1.4 §9.1.1.1 Item Tag: 3 bytes, 0x42xxxx for the specification's tags and 0x54xxxx for
/// extensions. The encoder and the decoder refuse the same tags.
inline std::optional<std::string> tag_problem(std::uint32_t tag) {
  if ((tag >> 16) == 0x42 || (tag >> 16) == 0x54) return std::nullopt;
  return "tag " + hex_u(tag, 6) + " is outside the KMIP (0x42xxxx) and extension (0x54xxxx) ranges";
}
}  // namespace detail

inline Status validate(const Item& it, std::size_t depth = 0) {
  if (depth > max_depth) return make_error("structure nesting deeper than 64");
  if (auto why = detail::tag_problem(it.tag)) return make_error(*why);
  switch (it.type) {
    case ItemType::integer:
      if (it.num < INT32_MIN || it.num > INT32_MAX) return make_error("Integer out of 32-bit range");
      break;
    case ItemType::enumeration:
    case ItemType::interval:
      if (it.num < 0 || it.num > UINT32_MAX) return make_error("Enumeration/Interval out of 0..2^32-1");
      break;
    case ItemType::boolean:
      if (it.num != 0 && it.num != 1) return make_error("Boolean must be 0 or 1");
      break;
    case ItemType::big_integer:
      if (it.bytes.empty() || it.bytes.size() % 8 != 0) return make_error("BigInteger length must be a non-zero multiple of 8");
      break;
    case ItemType::structure:
      for (const auto& c : it.children)
        if (auto s = validate(c, depth + 1); !s) return s;
      break;
    default: break;
  }
  return ok_status();
}

namespace detail {
inline void encode_into(Bytes& out, const Item& it) {
  put_be(out, it.tag, 3);
  out.push_back(static_cast<std::uint8_t>(it.type));
  const std::size_t len_at = out.size();
  put_be(out, 0, 4);
  std::size_t len = 0;
  switch (it.type) {
    case ItemType::structure: {
      const std::size_t start = out.size();
      for (const auto& c : it.children) encode_into(out, c);
      len = out.size() - start;
      break;
    }
    case ItemType::integer:
    case ItemType::enumeration:
    case ItemType::interval:
      put_be(out, static_cast<std::uint64_t>(it.num) & 0xFFFFFFFFu, 4);
      len = 4;
      break;
    case ItemType::long_integer:
    case ItemType::date_time:
    case ItemType::date_time_extended:
    case ItemType::boolean:
      put_be(out, static_cast<std::uint64_t>(it.num), 8);
      len = 8;
      break;
    case ItemType::big_integer:
    case ItemType::text_string:
    case ItemType::byte_string:
      out.insert(out.end(), it.bytes.begin(), it.bytes.end());
      len = it.bytes.size();
      break;
  }
  for (std::size_t i = 0; i < 4; ++i) out[len_at + i] = static_cast<std::uint8_t>(len >> (8 * (3 - i)));
  out.insert(out.end(), pad8(len), 0);
}

inline bool valid_utf8(ByteView b) {
  std::size_t i = 0;
  while (i < b.size()) {
    const std::uint8_t c = b[i];
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= b.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((b[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

inline Result<Item> decode_item(ByteView b, std::size_t& pos, std::size_t base, std::size_t depth) {
  const std::size_t at = base + pos;
  auto where = [&](const std::string& m) { return make_error("TTLV item at offset " + std::to_string(at) + ": " + m); };
  if (depth > max_depth) return where("structure nesting deeper than 64");
  Reader r(b.subspan(pos), "TTLV item at offset " + std::to_string(at));
  auto tag = r.be(3);
  auto type = r.be(1);
  auto len = r.be(4);
  if (!len) return where("needs an 8-byte tag/type/length header, " + std::to_string(b.size() - pos) + " byte(s) left");
  Item it;
  it.tag = static_cast<std::uint32_t>(*tag);
  const auto tt = item_type_from_byte(static_cast<std::uint8_t>(*type));
  if (!tt) return where("unknown item type " + hex_u(*type, 2));
  it.type = *tt;
  if (auto why = tag_problem(it.tag)) return where(*why);
  const std::size_t n = static_cast<std::size_t>(*len);
  auto fixed = [&](std::size_t want) -> Status {
    if (n != want)
      return where(std::string(item_type_name(it.type)) + " must have Length " + std::to_string(want) + ", got " +
                   std::to_string(n));
    return ok_status();
  };
  switch (it.type) {
    case ItemType::integer:
    case ItemType::enumeration:
    case ItemType::interval:
      if (auto s = fixed(4); !s) return s.error();
      break;
    case ItemType::long_integer:
    case ItemType::date_time:
    case ItemType::date_time_extended:
    case ItemType::boolean:
      if (auto s = fixed(8); !s) return s.error();
      break;
    case ItemType::big_integer:
      if (n == 0 || n % 8 != 0) return where("BigInteger Length must be a non-zero multiple of 8, got " + std::to_string(n));
      break;
    default: break;
  }
  const std::size_t padded = n + pad8(n);
  if (padded > r.remaining() || n > r.remaining())
    return where("Length " + std::to_string(n) + " (+" + std::to_string(pad8(n)) + " pad) exceeds the " +
                 std::to_string(r.remaining()) + " byte(s) that follow");
  const std::size_t vstart = pos + 8;
  ByteView v = b.subspan(vstart, n);
  for (std::size_t i = n; i < padded; ++i)
    if (b[vstart + i] != 0)
      return make_error("TTLV item at offset " + std::to_string(at) + ": padding byte at offset " +
                        std::to_string(base + vstart + i) + " is " + hex_u(b[vstart + i], 2) + ", must be 0x00");
  auto be_of = [&](std::size_t w) {
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < w; ++i) x = (x << 8) | v[i];
    return x;
  };
  switch (it.type) {
    case ItemType::structure: {
      std::size_t p = 0;
      while (p < n) {
        auto c = decode_item(v, p, base + vstart, depth + 1);
        if (!c) return c.error();
        it.children.push_back(std::move(c).value());
      }
      break;
    }
    case ItemType::integer: it.num = static_cast<std::int32_t>(static_cast<std::uint32_t>(be_of(4))); break;
    case ItemType::enumeration:
    case ItemType::interval: it.num = static_cast<std::int64_t>(be_of(4)); break;
    case ItemType::long_integer:
    case ItemType::date_time:
    case ItemType::date_time_extended: it.num = static_cast<std::int64_t>(be_of(8)); break;
    case ItemType::boolean: {
      const auto x = be_of(8);
      if (x > 1) return where("Boolean value must be 0 or 1, got " + hex_u(x, 16));
      it.num = static_cast<std::int64_t>(x);
      break;
    }
    case ItemType::text_string:
      if (!valid_utf8(v)) return where("TextString is not valid UTF-8");
      it.bytes.assign(v.begin(), v.end());
      break;
    case ItemType::big_integer:
    case ItemType::byte_string: it.bytes.assign(v.begin(), v.end()); break;
  }
  pos += 8 + padded;
  return it;
}
}  // namespace detail

inline Result<Bytes> encode(const Item& it) {
  if (auto s = validate(it); !s) return s.error();
  Bytes out;
  detail::encode_into(out, it);
  return out;
}

/// Decodes exactly one TTLV item spanning all of `b`.
inline Result<Item> decode(ByteView b) {
  std::size_t pos = 0;
  auto it = detail::decode_item(b, pos, 0, 0);
  if (!it) return it.error();
  if (pos != b.size())
    return make_error("TTLV: " + std::to_string(b.size() - pos) + " byte(s) after the item ending at offset " +
                      std::to_string(pos));
  return it;
}

/// Decodes a concatenation of items (e.g. libkmip's encoded Query function list).
inline Result<std::vector<Item>> decode_sequence(ByteView b) {
  std::vector<Item> out;
  std::size_t pos = 0;
  while (pos < b.size()) {
    auto it = detail::decode_item(b, pos, 0, 0);
    if (!it) return it.error();
    out.push_back(std::move(it).value());
  }
  return out;
}

/// Decodes one item and returns how many bytes it used (for payloads followed by padding).
inline Result<std::pair<Item, std::size_t>> decode_prefix(ByteView b) {
  std::size_t pos = 0;
  auto it = detail::decode_item(b, pos, 0, 0);
  if (!it) return it.error();
  return std::pair{std::move(it).value(), pos};
}

}  // namespace lockref::kmip
