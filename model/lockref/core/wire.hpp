// lockref core: one generic little-endian wire codec for Hana-reflected tables.
//
// A table is a struct declared with BOOST_HANA_DEFINE_STRUCT (or adapted); its members,
// in order, are its fields on the wire:
//   unsigned integers (u8/u16/u32/u64)   little-endian, their own width
//   std::array<std::uint8_t, N>          N raw bytes (u8[N])
//   std::array<std::uint32_t, N> etc.    N little-endian integers (u32[N])
//   Bytes                                u8[count]   — count from T::wire_count
//   std::vector<U> (U a table)           U[count]    — count from T::wire_count
//   another table                         its fields, inline
// Variable-length fields take their element count from the table's hook
//   static wire::Checked<std::size_t> wire_count(std::string_view field, const T& prefix);
// which sees every field decoded before (e.g. `prefix.metadata_len`). An optional hook
//   static std::optional<wire::Issue> wire_check(std::string_view field, const T& prefix);
// is called after each field and can refuse a value with a specification code (a
// reserved key_type, an hpke_algorithm that is not a Table 20 bit).
//
// Decoding never reads out of bounds, allocates at most as many bytes as the input holds
// (a count is checked against what is left before anything is allocated), and reports the
// first problem with the field path ("sealed_access_key.info"), its byte offset and the
// code the table's hook gave (empty: a plain framing error the caller names).
// Encoding writes the members as they are (length fields included). `layout` walks an
// encoded value and lists every field with its offset, size and value, for pretty printers.
#pragma once
#include <boost/hana.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/json.hpp"

namespace lockref::wire {

/// A refused value: the specification code (empty = malformed framing) and why.
struct Issue {
  std::string code;
  std::string message;
  friend bool operator==(const Issue&, const Issue&) = default;
};
template <class V>
using Checked = std::variant<V, Issue>;

struct DecodeError {
  std::string field;    // path of the field where decoding stopped ("" = after the last field)
  std::size_t offset = 0;  // byte offset of that field in the input
  std::string code;     // specification code from a hook, or "" for framing
  std::string message;
  std::string describe() const {
    return (field.empty() ? std::string("end") : field) + " at offset " + std::to_string(offset) + ": " + message;
  }
  friend bool operator==(const DecodeError&, const DecodeError&) = default;
};
template <class T>
using Decoded = std::variant<T, DecodeError>;

namespace detail {
template <class T> struct is_array : std::false_type {};
template <class U, std::size_t N> struct is_array<std::array<U, N>> : std::true_type {};
template <class T> struct is_vec : std::false_type {};
template <class U, class A> struct is_vec<std::vector<U, A>> : std::true_type {};

template <class T> struct is_bytes : std::false_type {};
template <std::size_t N> struct is_bytes<std::array<std::uint8_t, N>> : std::true_type {};
template <class A> struct is_bytes<std::vector<std::uint8_t, A>> : std::true_type {};

template <class T>
concept HasCount = requires(std::string_view f, const T& t) {
  { T::wire_count(f, t) } -> std::same_as<Checked<std::size_t>>;
};
template <class T>
concept HasCheck = requires(std::string_view f, const T& t) {
  { T::wire_check(f, t) } -> std::same_as<std::optional<Issue>>;
};

inline std::string join(std::string_view base, std::string_view name) {
  return base.empty() ? std::string(name) : std::string(base) + "." + std::string(name);
}

// ---- encode ---------------------------------------------------------------------------
template <class T>
void put(Bytes& out, const T& v) {
  if constexpr (std::is_integral_v<T>) {
    put_le(out, static_cast<std::uint64_t>(v), sizeof(T));
  } else if constexpr (is_array<T>::value || is_vec<T>::value) {
    if constexpr (std::is_same_v<typename T::value_type, std::uint8_t>) {
      out.insert(out.end(), v.begin(), v.end());
    } else {
      for (const auto& x : v) put(out, x);
    }
  } else if constexpr (boost::hana::Struct<T>::value) {
    boost::hana::for_each(boost::hana::accessors<T>(),
                          [&](auto pair) { put(out, boost::hana::second(pair)(v)); });
  } else {
    static_assert(sizeof(T) == 0, "wire: unsupported field type");
  }
}

// ---- decode ---------------------------------------------------------------------------
struct Cursor {
  ByteView in;
  std::size_t pos = 0;
  std::size_t left() const { return in.size() - pos; }
};

inline DecodeError truncated(const std::string& path, std::size_t off, std::size_t need, std::size_t left) {
  return DecodeError{path, off, "",
                     "truncated: needs " + std::to_string(need) + " byte(s), " + std::to_string(left) + " left"};
}

template <class T>
std::optional<DecodeError> get(Cursor& c, T& v, const std::string& path);

/// count elements of U; refuses counts larger than the bytes left (memory linear in input).
template <class U>
std::optional<DecodeError> get_n(Cursor& c, std::vector<U>& v, std::size_t n, const std::string& path) {
  const std::size_t min_each = std::is_same_v<U, std::uint8_t> ? 1 : (std::is_integral_v<U> ? sizeof(U) : 1);
  if (n > c.left() / min_each) return truncated(path, c.pos, n * min_each, c.left());
  if constexpr (std::is_same_v<U, std::uint8_t>) {
    v.assign(c.in.begin() + static_cast<std::ptrdiff_t>(c.pos), c.in.begin() + static_cast<std::ptrdiff_t>(c.pos + n));
    c.pos += n;
  } else {
    v.clear();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      U x{};
      if (auto e = get(c, x, path + "[" + std::to_string(i) + "]")) return e;
      v.push_back(std::move(x));
    }
  }
  return std::nullopt;
}

template <class T>
std::optional<DecodeError> get(Cursor& c, T& v, const std::string& path) {
  if constexpr (std::is_integral_v<T>) {
    if (c.left() < sizeof(T)) return truncated(path, c.pos, sizeof(T), c.left());
    std::uint64_t x = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) x |= std::uint64_t{c.in[c.pos + i]} << (8 * i);
    v = static_cast<T>(x);
    c.pos += sizeof(T);
    return std::nullopt;
  } else if constexpr (is_array<T>::value) {
    using U = typename T::value_type;
    if constexpr (std::is_same_v<U, std::uint8_t>) {
      if (c.left() < v.size()) return truncated(path, c.pos, v.size(), c.left());
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = c.in[c.pos + i];
      c.pos += v.size();
      return std::nullopt;
    } else {
      if (c.left() < v.size() * sizeof(U)) return truncated(path, c.pos, v.size() * sizeof(U), c.left());
      for (auto& x : v)
        if (auto e = get(c, x, path)) return e;
      return std::nullopt;
    }
  } else if constexpr (boost::hana::Struct<T>::value) {
    std::optional<DecodeError> err;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
      if (err) return;
      const char* name = boost::hana::to<char const*>(boost::hana::first(pair));
      auto& member = boost::hana::second(pair)(v);
      using M = std::decay_t<decltype(member)>;
      const std::string p = join(path, name);
      const std::size_t at = c.pos;
      if constexpr (is_vec<M>::value) {
        if constexpr (HasCount<T>) {
          auto n = T::wire_count(name, v);
          if (auto* i = std::get_if<Issue>(&n)) {
            err = DecodeError{p, at, i->code, i->message};
            return;
          }
          if (auto e = get_n(c, member, std::get<std::size_t>(n), p)) {
            err = e;
            return;
          }
        } else {
          static_assert(sizeof(M) == 0, "wire: a table with a variable-length field must define wire_count");
        }
      } else if (auto e = get(c, member, p)) {
        err = e;
        return;
      }
      if constexpr (HasCheck<T>) {
        if (auto i = T::wire_check(name, v)) err = DecodeError{p, at, i->code, i->message};
      }
    });
    return err;
  } else {
    static_assert(sizeof(T) == 0, "wire: unsupported field type");
  }
}
}  // namespace detail

template <class T>
Bytes encode(const T& v) {
  Bytes out;
  detail::put(out, v);
  return out;
}

/// Decodes one T from the start of `in`; `consumed` tells how far it read.
template <class T>
Decoded<T> decode_prefix(ByteView in, std::size_t& consumed, std::string_view root = "") {
  detail::Cursor c{in, 0};
  T v{};
  if (auto e = detail::get(c, v, std::string(root))) return *e;
  consumed = c.pos;
  return v;
}

/// Decodes exactly one T: bytes after it are an error ("N trailing byte(s)").
template <class T>
Decoded<T> decode(ByteView in, std::string_view root = "") {
  std::size_t used = 0;
  auto r = decode_prefix<T>(in, used, root);
  if (std::holds_alternative<T>(r) && used != in.size())
    return DecodeError{std::string(root), used, "",
                       std::to_string(in.size() - used) + " trailing byte(s) after the last field (table is " +
                           std::to_string(used) + " bytes)"};
  return r;
}

// ---- layout, for pretty printers ---------------------------------------------------------

struct FieldLine {
  std::string path;
  std::size_t offset = 0, size = 0, depth = 0;
  std::string value;  // integers in decimal and hex, bytes in hex; empty for a struct header
};

namespace detail {
template <class T>
void lay(const T& v, const std::string& path, std::size_t depth, std::size_t& off, std::vector<FieldLine>& out) {
  if constexpr (std::is_integral_v<T>) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%0*llx", static_cast<int>(2 * sizeof(T)), static_cast<unsigned long long>(v));
    out.push_back({path, off, sizeof(T), depth, std::to_string(static_cast<unsigned long long>(v)) + " (" + hex + ")"});
    off += sizeof(T);
  } else if constexpr (is_bytes<T>::value) {
    out.push_back({path, off, v.size(), depth, v.empty() ? "(empty)" : to_hex(ByteView(v.data(), v.size()))});
    off += v.size();
  } else if constexpr (is_array<T>::value || is_vec<T>::value) {
    std::size_t i = 0;
    for (const auto& x : v) lay(x, path + "[" + std::to_string(i++) + "]", depth, off, out);
    if (i == 0) out.push_back({path, off, 0, depth, "(none)"});
  } else if constexpr (boost::hana::Struct<T>::value) {
    if (!path.empty()) out.push_back({path, off, encode(v).size(), depth, ""});
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
      const char* name = boost::hana::to<char const*>(boost::hana::first(pair));
      lay(boost::hana::second(pair)(v), join(path, name), path.empty() ? depth : depth + 1, off, out);
    });
  }
}
}  // namespace detail

/// Every field of v with its offset and size in encode(v).
template <class T>
std::vector<FieldLine> layout(const T& v) {
  std::vector<FieldLine> out;
  std::size_t off = 0;
  detail::lay(v, "", 0, off, out);
  return out;
}

/// "0000  chksum                    4  3722304989 (0xdddd...)" lines.
template <class T>
std::string pretty(const T& v, std::size_t base = 0) {
  std::string s;
  for (const auto& f : layout(v)) {
    char head[96];
    std::string name = std::string(2 * f.depth, ' ') + f.path.substr(f.path.rfind('.') == std::string::npos ? 0 : f.path.rfind('.') + 1);
    std::snprintf(head, sizeof head, "%06zx  %-26s %5zu  ", base + f.offset, name.c_str(), f.size);
    s += head + f.value + "\n";
  }
  return s;
}

}  // namespace lockref::wire
