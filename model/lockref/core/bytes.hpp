// lockref core: byte strings, hex, fixed-width integer encodings.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/core/result.hpp"

namespace lockref {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// Lowercase hex, no separators (the transcript and vector format).
inline std::string to_hex(ByteView b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (auto x : b) {
    s.push_back(digits[x >> 4]);
    s.push_back(digits[x & 0xF]);
  }
  return s;
}

/// Parses hex. Accepts upper or lower case, an optional "0x" prefix, and ignores
/// spaces, underscores and colons between byte pairs (as pasted from a bus capture).
inline Result<Bytes> from_hex(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  out.reserve(s.size() / 2);
  int hi = -1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '_' || c == ':' || c == '\n' || c == '\t') {
      if (hi >= 0) return make_error("hex: separator inside a byte at offset " + std::to_string(i));
      continue;
    }
    int v = nibble(c);
    if (v < 0) {
      // Name the character without copying it: a byte of a multi-byte UTF-8 character on
      // its own is not text, and a message must always be printable JSON.
      const auto u = static_cast<unsigned char>(c);
      static constexpr char digits[] = "0123456789abcdef";
      const std::string what = u >= 0x20 && u < 0x7F ? "invalid character '" + std::string(1, c) + "'"
                                                     : std::string("non-hex byte 0x") + digits[u >> 4] + digits[u & 0xF];
      return make_error("hex: " + what + " at offset " + std::to_string(i));
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((hi << 4) | v));
      hi = -1;
    }
  }
  if (hi >= 0) return make_error("hex: odd number of digits");
  return out;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> from_hex_fixed(std::string_view s) {
  auto b = from_hex(s);
  if (!b) return b.error();
  if (b->size() != N)
    return make_error("expected " + std::to_string(N) + " bytes, got " + std::to_string(b->size()));
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = (*b)[i];
  return a;
}

inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// Appends the low `width` bytes of v, little-endian (KMB mailbox fields, 0.9 §4.7.2.1).
inline void put_le(Bytes& out, std::uint64_t v, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
/// Appends the low `width` bytes of v, big-endian (TCG, KMIP, SP 800-108 counters).
inline void put_be(Bytes& out, std::uint64_t v, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

/// Bounds-checked reader over external bytes. Every read says where it failed.
class Reader {
 public:
  explicit Reader(ByteView data, std::string what = "input") : d_(data), what_(std::move(what)) {}
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return d_.size() - pos_; }
  bool empty() const { return pos_ == d_.size(); }
  Result<std::uint64_t> le(std::size_t width) { return read_int(width, false); }
  Result<std::uint64_t> be(std::size_t width) { return read_int(width, true); }
  /// Consecutive big-endian fields of the given widths (a header): the first field that
  /// does not fit is the one reported, at its own offset and width.
  template <std::size_t N>
  Result<std::array<std::uint64_t, N>> be_fields(const std::array<std::size_t, N>& widths) {
    std::array<std::uint64_t, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
      auto v = be(widths[i]);
      if (!v) return v.error();
      out[i] = *v;
    }
    return out;
  }
  Result<ByteView> take(std::size_t n) {
    if (n > remaining()) return short_read(n);
    ByteView v = d_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  Result<std::uint8_t> peek() const {
    if (remaining() < 1) return short_read(1);
    return d_[pos_];
  }

 private:
  Error short_read(std::size_t n) const {
    return make_error(what_ + ": truncated at offset " + std::to_string(pos_) + ": need " + std::to_string(n) +
                      " byte(s), " + std::to_string(remaining()) + " left");
  }
  Result<std::uint64_t> read_int(std::size_t width, bool big) {
    if (width > 8) return make_error(what_ + ": integer wider than 8 bytes");
    if (width > remaining()) return short_read(width);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) {
      std::uint64_t b = d_[pos_ + i];
      v |= big ? (b << (8 * (width - 1 - i))) : (b << (8 * i));
    }
    pos_ += width;
    return v;
  }
  ByteView d_;
  std::string what_;
  std::size_t pos_ = 0;
};

}  // namespace lockref
