// lockref core: a compact canonical binary encoding of reflected values.
//
// The explorer (core/explore.hpp) stores states by this encoding: it fingerprints it,
// keys its visited set on it (--full-states) and keeps the BFS frontier in it. One
// generic codec, driven by the same Boost.Hana reflection as core/json.hpp, serves every
// machine's State:
//  - bool                       -> 1 byte (0 or 1)
//  - enums, integers            -> LEB128 varint (signed: zigzag first)
//  - std::string, Bytes, InlineString -> varint length, then the bytes
//  - std::array<u8, N>          -> the N bytes;  std::array<T, N> -> N elements
//  - std::vector<T>             -> varint count, then the elements
//  - std::optional<T>           -> 0, or 1 then the value
//  - std::variant<T...>         -> varint alternative index, then the alternative (nothing
//                                  for a bare tag: an empty struct that is not reflected)
//  - Hana-adapted structs       -> the members in declaration order
// Canonical: equal values encode to equal bytes and the encoding is injective per type
// (every part is self-delimiting), so a set of encodings is a set of values.
// decode<T>() inverts it; it is strict (every byte consumed, bools 0/1, no overlong
// varints, integers in range) and never reads out of bounds.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "lockref/core/json.hpp"

namespace lockref {

namespace codec_detail {
template <class T> struct is_std_array : std::false_type {};
template <class T, std::size_t N> struct is_std_array<std::array<T, N>> : std::true_type {};

inline std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}
inline char* put_varint(char* p, std::uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>(static_cast<std::uint8_t>(v) | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

template <class T>
std::uint64_t zigzag(T v) {
  const auto x = static_cast<std::int64_t>(v);
  return (static_cast<std::uint64_t>(x) << 1) ^ static_cast<std::uint64_t>(x >> 63);
}

inline char* put_bytes(char* p, const void* data, std::size_t n) {
  if (n) std::memcpy(p, data, n);
  return p + n;
}

/// A variant alternative that is a bare tag (an empty struct, an event with no fields, not
/// Hana-reflected): the alternative index says everything, so nothing follows it. Any other
/// alternative (a reflected struct, an integer, a string, ...) is encoded after the index, so
/// that the encoding stays injective for a variant<std::uint32_t, ...> too.
template <class A>
constexpr bool tag_only = std::is_empty_v<A> && !Reflected<A>;

// The encoder measures the encoding first (size_of), then writes it into place (write_to):
// one buffer growth per value instead of a capacity check per byte (the explorer encodes
// every successor state; issue 12). Both passes are one walk over the table above, into a
// sink passed and returned by value (so that it stays in a register): Count adds up the
// bytes, Write stores them.
struct Count {
  std::size_t n = 0;
  Count byte(char) const { return {n + 1}; }
  Count bytes(const void*, std::size_t k) const { return {n + k}; }
  Count varint(std::uint64_t v) const { return {n + varint_size(v)}; }
};
struct Write {
  char* p;
  Write byte(char c) const {
    *p = c;
    return {p + 1};
  }
  Write bytes(const void* data, std::size_t k) const { return {put_bytes(p, data, k)}; }
  Write varint(std::uint64_t v) const { return {put_varint(p, v)}; }
};

/// Elements that encode as one byte when below 0x80 (a one-byte varint is the value
/// itself): unsigned one-byte integers and enums over them (epoch's fuse slots).
template <class T>
constexpr bool is_small_unsigned() {
  if constexpr (sizeof(T) != 1 || std::is_same_v<T, bool>) return false;
  else if constexpr (std::is_enum_v<T>) return std::is_unsigned_v<std::underlying_type_t<T>>;
  else return std::is_integral_v<T> && std::is_unsigned_v<T>;
}
/// Whether every byte of [p, p + n) is below 0x80: then a run of such elements encodes
/// as the bytes themselves.
inline bool all_below_0x80(const void* p, std::size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, b + i, sizeof w);
    high |= w;
  }
  for (; i < n; ++i) high |= b[i];
  return (high & 0x8080808080808080ull) == 0;
}

/// Types whose encoding is their object bytes: byte arrays, and padding-free reflected
/// structs of such (engine's key-cache Entry). A vector of them encodes as its count and
/// then its elements' bytes, written and read in one copy.
template <class T>
constexpr bool raw_encoded();
/// The type of member I of a reflected struct T.
template <class T, std::size_t I>
using member_type = std::decay_t<decltype(boost::hana::second(boost::hana::at_c<I>(boost::hana::accessors<T>()))(
    std::declval<const T&>()))>;
template <class T, std::size_t... I>
constexpr bool raw_members(std::index_sequence<I...>) {
  return (raw_encoded<member_type<T, I>>() && ...) && (sizeof(member_type<T, I>) + ... + 0) == sizeof(T);
}
template <class T>
constexpr bool raw_encoded() {
  if constexpr (detail::is_byte_array<T>::value) {
    return true;
  } else if constexpr (Reflected<T>) {
    if constexpr (!std::has_unique_object_representations_v<T>) return false;
    else
      return raw_members<T>(
          std::make_index_sequence<decltype(boost::hana::length(boost::hana::accessors<T>()))::value>{});
  } else {
    return false;
  }
}

template <class S, class T>
S walk(S s, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return s.byte(v ? '\1' : '\0');
  } else if constexpr (std::is_enum_v<T>) {
    return walk(s, static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) return s.varint(zigzag(v));
    else return s.varint(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes> || detail::is_inline_string<T>::value) {
    return s.varint(v.size()).bytes(v.data(), v.size());
  } else if constexpr (detail::is_byte_array<T>::value) {
    return s.bytes(v.data(), v.size());
  } else if constexpr (is_std_array<T>::value || detail::is_vector<T>::value) {
    if constexpr (detail::is_vector<T>::value) s = s.varint(v.size());
    if constexpr (is_small_unsigned<typename T::value_type>()) {
      if (all_below_0x80(v.data(), v.size())) return s.bytes(v.data(), v.size());
    }
    if constexpr (raw_encoded<typename T::value_type>()) return s.bytes(v.data(), v.size() * sizeof(v[0]));
    for (const auto& x : v) s = walk(s, x);
    return s;
  } else if constexpr (detail::is_optional<T>::value) {
    s = s.byte(v ? '\1' : '\0');
    return v ? walk(s, *v) : s;
  } else if constexpr (detail::is_variant<T>::value) {
    s = s.varint(v.index());
    return std::visit(
        [s](const auto& alt) -> S {
          if constexpr (tag_only<std::decay_t<decltype(alt)>>) return s;
          else return walk(s, alt);
        },
        v);
  } else if constexpr (Reflected<T>) {
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) { s = walk(s, boost::hana::second(pair)(v)); });
    return s;
  } else {
    static_assert(sizeof(T) == 0, "lockref::encode: type not supported");
  }
}

template <class T>
std::size_t size_of(const T& v) {
  return walk(Count{}, v).n;
}
template <class T>
char* write_to(char* p, const T& v) {
  return walk(Write{p}, v).p;
}
}  // namespace codec_detail

/// Appends the canonical encoding of v to out.
template <class T>
void encode_into(std::string& out, const T& v) {
  const std::size_t at = out.size(), n = codec_detail::size_of(v);
  out.resize(at + n);
  char* end = codec_detail::write_to(out.data() + at, v);
  if (end != out.data() + at + n) throw std::logic_error("lockref::encode: the measured size is not the written one");
}

/// Replaces out with the canonical encoding of v, reusing its buffer: a buffer already as
/// long as the encoding is not filled first (the explorer encodes every successor state
/// into one buffer).
template <class T>
void encode_over(std::string& out, const T& v) {
  const std::size_t n = codec_detail::size_of(v);
  out.resize(n);
  char* end = codec_detail::write_to(out.data(), v);
  if (end != out.data() + n) throw std::logic_error("lockref::encode: the measured size is not the written one");
}

template <class T>
std::string encode(const T& v) {
  std::string s;
  encode_into(s, v);
  return s;
}

/// Reads an encoding back. Each read returns false on malformed input and leaves the
/// position where the problem is.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  std::size_t offset() const { return pos_; }
  bool at_end() const { return pos_ == in_.size(); }
  /// The bytes not yet read (every bound below is stated against it).
  std::size_t left() const { return in_.size() - pos_; }

  bool varint(std::uint64_t& v) {
    v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      const auto b = static_cast<std::uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) return false;          // more than 64 bits
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) return b != 0 || shift == 0;    // no overlong (trailing zero) groups
    }
    return false;
  }
  bool raw(char* dst, std::size_t n) {
    if (n > left()) return false;
    if (n) std::memcpy(dst, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool length(std::size_t& n, std::size_t min_element_bytes) {
    std::uint64_t v;
    if (!varint(v)) return false;
    // Each element takes at least min_element_bytes: a count the input cannot hold is
    // malformed, and memory stays linear in the input.
    if (min_element_bytes && v > left() / min_element_bytes) return false;
    if (!min_element_bytes && v > left() + 1024) return false;
    n = static_cast<std::size_t>(v);
    return true;
  }

  template <class T>
  bool read(T& v) {
    using namespace codec_detail;
    if constexpr (std::is_same_v<T, bool>) {
      if (pos_ >= in_.size()) return false;
      const char c = in_[pos_++];
      if (c != '\0' && c != '\1') return false;
      v = c == '\1';
      return true;
    } else if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> u{};
      if (!read(u)) return false;
      v = static_cast<T>(u);
      return true;
    } else if constexpr (std::is_integral_v<T>) {
      std::uint64_t x;
      if (!varint(x)) return false;
      if constexpr (std::is_signed_v<T>) {
        const auto s = static_cast<std::int64_t>((x >> 1) ^ (~(x & 1) + 1));
        if (s < std::numeric_limits<T>::min() || s > std::numeric_limits<T>::max()) return false;
        v = static_cast<T>(s);
      } else {
        if (x > std::numeric_limits<T>::max()) return false;
        v = static_cast<T>(x);
      }
      return true;
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes>) {
      std::size_t n;
      if (!length(n, 1)) return false;
      v.resize(n);
      return raw(reinterpret_cast<char*>(v.data()), n);
    } else if constexpr (detail::is_inline_string<T>::value) {
      std::size_t n;
      if (!length(n, 1) || n > T::capacity) return false;
      char tmp[T::capacity];
      if (!raw(tmp, n)) return false;
      v = T(std::string_view(tmp, n));
      return true;
    } else if constexpr (detail::is_byte_array<T>::value) {
      return raw(reinterpret_cast<char*>(v.data()), v.size());
    } else if constexpr (is_std_array<T>::value) {
      if constexpr (is_small_unsigned<typename T::value_type>()) {
        if (v.size() <= left() && all_below_0x80(in_.data() + pos_, v.size()))
          return raw(reinterpret_cast<char*>(v.data()), v.size());
      }
      for (auto& x : v)
        if (!read(x)) return false;
      return true;
    } else if constexpr (detail::is_vector<T>::value) {
      std::size_t n;
      if (!length(n, 0)) return false;
      if constexpr (is_small_unsigned<typename T::value_type>()) {
        // One byte each when below 0x80 (the encoder's fast path); otherwise element by element.
        if (n <= left() && all_below_0x80(in_.data() + pos_, n)) {
          v.resize(n);
          return raw(reinterpret_cast<char*>(v.data()), n);
        }
      }
      if constexpr (raw_encoded<typename T::value_type>()) {
        // The elements' bytes in one copy (a count the input cannot hold: element by element below, failing where it did).
        if (n <= left() / sizeof(typename T::value_type)) {
          v.resize(n);
          return raw(reinterpret_cast<char*>(v.data()), n * sizeof(typename T::value_type));
        }
      }
      v.clear();
      v.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        typename T::value_type x{};
        if (!read(x)) return false;
        v.push_back(std::move(x));
      }
      return true;
    } else if constexpr (detail::is_optional<T>::value) {
      bool has;
      if (!read(has)) return false;
      if (!has) {
        v.reset();
        return true;
      }
      typename T::value_type x{};
      if (!read(x)) return false;
      v = std::move(x);
      return true;
    } else if constexpr (detail::is_variant<T>::value) {
      std::uint64_t index;
      if (!varint(index) || index >= std::variant_size_v<T>) return false;
      return read_alternative<T>(v, static_cast<std::size_t>(index));
    } else if constexpr (Reflected<T>) {
      bool ok = true;
      boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
        if (ok) ok = read(boost::hana::second(pair)(v));
      });
      return ok;
    } else {
      static_assert(sizeof(T) == 0, "lockref::decode: type not supported");
    }
  }

 private:
  template <class V, std::size_t I = 0>
  bool read_alternative(V& v, std::size_t index) {
    if constexpr (I == std::variant_size_v<V>) {
      return false;
    } else {
      if (index != I) return read_alternative<V, I + 1>(v, index);
      std::variant_alternative_t<I, V> alt{};
      if constexpr (!codec_detail::tag_only<decltype(alt)>) {
        if (!read(alt)) return false;
      }
      v = std::move(alt);
      return true;
    }
  }

  std::string_view in_;
  std::size_t pos_ = 0;
};

/// Decodes a whole encoding of T (every byte must be used).
template <class T>
Result<T> decode(std::string_view bytes) {
  Decoder d(bytes);
  T v{};
  if (!d.read(v)) return make_error("encoding: malformed at offset " + std::to_string(d.offset()));
  if (!d.at_end()) return make_error("encoding: " + std::to_string(bytes.size() - d.offset()) + " trailing byte(s)");
  return v;
}

}  // namespace lockref
