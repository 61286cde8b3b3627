// lockref core: JSON encoding driven by Boost.Hana reflection.
//
// One generic codec serves every state, event, output and vector input:
//  - bool, integers            -> JSON booleans / numbers (range-checked on decode)
//  - NamedEnum (core/enum.hpp) -> the spec's name as a string
//  - Bytes, std::array<u8, N>  -> lowercase hex string
//  - std::vector<T>            -> array;  std::optional<T> -> value or absent/null
//  - Hana-adapted structs      -> object, one key per member (BOOST_HANA_ADAPT_STRUCT)
//  - std::variant<Tagged...>   -> object with "type": T::tag plus T's members
//  - Json                      -> itself (free-form; its consumer validates it)
// Decoding is strict: unknown keys, wrong types and out-of-range numbers are errors
// naming the path ("event.slot: expected unsigned integer 0..65535").
// Members absent from the JSON keep their default-initialised value, so structs with
// sensible defaults read naturally ({"type":"program_next_hek","slot":1}).
#pragma once
#include <boost/hana.hpp>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/enum.hpp"
#include "lockref/core/inline_string.hpp"
#include "lockref/core/result.hpp"

namespace lockref {

using Json = nlohmann::ordered_json;

namespace detail {
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_variant : std::false_type {};
template <class... T> struct is_variant<std::variant<T...>> : std::true_type {};
template <class T> struct is_byte_array : std::false_type {};
template <std::size_t N> struct is_byte_array<std::array<std::uint8_t, N>> : std::true_type {};
template <class T> struct is_int_array : std::false_type {};
template <class U, std::size_t N>
struct is_int_array<std::array<U, N>> : std::bool_constant<std::is_integral_v<U> && !std::is_same_v<U, std::uint8_t>> {};
}  // namespace detail

template <class T>
concept Reflected = boost::hana::Struct<T>::value;

template <class T>
concept Tagged = requires { { T::tag } -> std::convertible_to<std::string_view>; };

template <class T> Json to_json(const T& v);
template <class T> Result<T> from_json(const Json& j);

template <class T>
Json to_json(const T& v) {
  if constexpr (std::is_same_v<T, Json>) {
    return v;  // free-form JSON (e.g. a TCG method call in an event), kept as given
  } else if constexpr (std::is_same_v<T, bool>) {
    return v;
  } else if constexpr (NamedEnum<T>) {
    return std::string(enum_name(v));
  } else if constexpr (std::is_integral_v<T>) {
    return v;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (detail::is_inline_string<T>::value) {
    return v.str();
  } else if constexpr (std::is_same_v<T, Bytes> || detail::is_byte_array<T>::value) {
    return to_hex(ByteView(v.data(), v.size()));
  } else if constexpr (detail::is_vector<T>::value || detail::is_int_array<T>::value) {
    Json a = Json::array();
    for (const auto& x : v) a.push_back(to_json(x));
    return a;
  } else if constexpr (detail::is_optional<T>::value) {
    return v ? to_json(*v) : Json(nullptr);
  } else if constexpr (detail::is_variant<T>::value) {
    return std::visit(
        [](const auto& alt) {
          using A = std::decay_t<decltype(alt)>;
          Json o = Json::object();
          o["type"] = std::string(A::tag);
          if constexpr (Reflected<A>) {
            Json body = to_json(alt);
            for (auto& [k, x] : body.items()) o[k] = x;
          }
          return o;
        },
        v);
  } else if constexpr (Reflected<T>) {
    Json o = Json::object();
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
      auto value = boost::hana::second(pair)(v);
      if constexpr (detail::is_optional<decltype(value)>::value) {
        if (!value) return;
      }
      o[boost::hana::to<char const*>(boost::hana::first(pair))] = to_json(value);
    });
    return o;
  } else {
    static_assert(sizeof(T) == 0, "lockref::to_json: type not supported");
  }
}

namespace detail {
inline std::string json_kind(const Json& j) { return j.type_name(); }

/// Whether an error message starts with a member of T (or of T's elements) as a path does
/// ("total_slots: ...", "credentials[0].tries: ...").
template <class T>
bool starts_with_member(const std::string& m) {
  if constexpr (is_vector<T>::value || is_optional<T>::value) {
    return starts_with_member<typename T::value_type>(m);
  } else if constexpr (boost::hana::Struct<T>::value) {
    bool yes = false;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
      const std::string_view n = boost::hana::to<char const*>(boost::hana::first(pair));
      yes |= m.size() > n.size() && m.compare(0, n.size(), n) == 0 &&
             (m[n.size()] == ':' || m[n.size()] == '.' || m[n.size()] == '[');
    });
    return yes;
  } else {
    return false;
  }
}

template <class T>
Result<T> struct_from_json(const Json& j, T v) {
  if (!j.is_object()) return make_error("expected object, got " + json_kind(j));
  std::optional<Error> err;
  // Reject keys the struct does not have: a typo must not be silently ignored.
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "type" && Tagged<T>) continue;
    bool known = false;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
      if (it.key() == boost::hana::to<char const*>(boost::hana::first(pair))) known = true;
    });
    if (!known) return make_error("unknown field \"" + it.key() + "\"");
  }
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
    if (err) return;
    const char* name = boost::hana::to<char const*>(boost::hana::first(pair));
    auto& member = boost::hana::second(pair)(v);
    using M = std::decay_t<decltype(member)>;
    auto f = j.find(name);
    if (f == j.end()) return;
    auto r = from_json<M>(*f);
    if (!r) {
      // Paths read as paths: "hek_metadata.total_slots: ...", "slots[2]: ...".
      const auto& m = r.error().message;
      err = Error{std::string(name) + (m.starts_with("[") ? "" : detail::starts_with_member<M>(m) ? "." : ": ") + m};
      return;
    }
    member = std::move(r).value();
  });
  if (err) return *err;
  return v;
}

template <class V, std::size_t I = 0>
Result<V> variant_from_json(const Json& j, std::string_view tag) {
  if constexpr (I == std::variant_size_v<V>) {
    std::string choices;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      ((choices += (K ? ", " : "") + std::string(std::variant_alternative_t<K, V>::tag)), ...);
    }(std::make_index_sequence<std::variant_size_v<V>>{});
    return make_error("type: unknown \"" + std::string(tag) + "\" (expected one of: " + choices + ")");
  } else {
    using A = std::variant_alternative_t<I, V>;
    if (tag == A::tag) {
      if constexpr (Reflected<A>) {
        auto r = struct_from_json<A>(j, A{});
        if (!r) return r.error();
        return V{std::move(r).value()};
      } else {
        if (j.size() != 1) return make_error(std::string(A::tag) + " takes no fields");
        return V{A{}};
      }
    }
    return variant_from_json<V, I + 1>(j, tag);
  }
}
}  // namespace detail

template <class T>
Result<T> from_json(const Json& j) {
  if constexpr (std::is_same_v<T, Json>) {
    return j;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) return make_error("expected boolean, got " + detail::json_kind(j));
    return j.get<bool>();
  } else if constexpr (NamedEnum<T>) {
    if (!j.is_string()) return make_error("expected one of " + enum_choices<T>() + ", got " + detail::json_kind(j));
    auto e = enum_from_name<T>(j.get<std::string>());
    if (!e) return make_error("unknown value \"" + j.get<std::string>() + "\" (expected " + enum_choices<T>() + ")");
    return *e;
  } else if constexpr (std::is_integral_v<T>) {
    constexpr auto lo = std::numeric_limits<T>::min();
    constexpr auto hi = std::numeric_limits<T>::max();
    auto range = [] {
      return std::string(std::is_signed_v<T> ? "integer " : "unsigned integer ") + std::to_string(lo) + ".." +
             std::to_string(hi);
    };
    if (j.is_number_unsigned()) {
      auto x = j.get<std::uint64_t>();
      if (x > static_cast<std::uint64_t>(hi)) return make_error("expected " + range() + ", got " + j.dump());
      return static_cast<T>(x);
    }
    if (j.is_number_integer()) {
      auto x = j.get<std::int64_t>();
      if (x < static_cast<std::int64_t>(lo) || (x >= 0 && static_cast<std::uint64_t>(x) > static_cast<std::uint64_t>(hi)))
        return make_error("expected " + range() + ", got " + j.dump());
      return static_cast<T>(x);
    }
    return make_error("expected " + range() + ", got " + detail::json_kind(j));
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) return make_error("expected string, got " + detail::json_kind(j));
    return j.get<std::string>();
  } else if constexpr (detail::is_inline_string<T>::value) {
    if (!j.is_string()) return make_error("expected string, got " + detail::json_kind(j));
    const auto& x = j.get_ref<const std::string&>();
    if (x.size() > T::capacity)
      return make_error("expected a string of at most " + std::to_string(T::capacity) + " bytes, got " +
                        std::to_string(x.size()));
    return T(x);
  } else if constexpr (std::is_same_v<T, Bytes>) {
    if (!j.is_string()) return make_error("expected hex string, got " + detail::json_kind(j));
    return from_hex(j.get<std::string>());
  } else if constexpr (detail::is_byte_array<T>::value) {
    if (!j.is_string()) return make_error("expected hex string, got " + detail::json_kind(j));
    return from_hex_fixed<std::tuple_size_v<T>>(j.get<std::string>());
  } else if constexpr (detail::is_int_array<T>::value) {
    // u32[N] and the like (KMB mailbox reserved fields): a JSON array of exactly N numbers.
    if (!j.is_array() || j.size() != std::tuple_size_v<T>)
      return make_error("expected array of " + std::to_string(std::tuple_size_v<T>) + " integers");
    T out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto r = from_json<typename T::value_type>(j[i]);
      if (!r) return make_error("[" + std::to_string(i) + "]: " + r.error().message);
      out[i] = *r;
    }
    return out;
  } else if constexpr (detail::is_vector<T>::value) {
    if (!j.is_array()) return make_error("expected array, got " + detail::json_kind(j));
    T out;
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto r = from_json<typename T::value_type>(j[i]);
      if (!r) return make_error("[" + std::to_string(i) + "]: " + r.error().message);
      out.push_back(std::move(r).value());
    }
    return out;
  } else if constexpr (detail::is_optional<T>::value) {
    if (j.is_null()) return T{};
    auto r = from_json<typename T::value_type>(j);
    if (!r) return r.error();
    return T{std::move(r).value()};
  } else if constexpr (detail::is_variant<T>::value) {
    if (!j.is_object()) return make_error("expected object with \"type\", got " + detail::json_kind(j));
    auto t = j.find("type");
    if (t == j.end() || !t->is_string()) return make_error("missing \"type\" string");
    return detail::variant_from_json<T>(j, t->get<std::string>());
  } else if constexpr (Reflected<T>) {
    return detail::struct_from_json<T>(j, T{});
  } else {
    static_assert(sizeof(T) == 0, "lockref::from_json: type not supported");
  }
}

/// Reads j[key] as T, with a message naming the key.
template <class T>
Result<T> field(const Json& j, const char* key) {
  if (!j.is_object()) return make_error("expected object, got " + detail::json_kind(j));
  auto f = j.find(key);
  if (f == j.end()) return make_error(std::string("missing field \"") + key + "\"");
  auto r = from_json<T>(*f);
  if (!r) return make_error(std::string(key) + ": " + r.error().message);
  return r;
}

/// Parses JSON text from outside without throwing: an Error "not valid JSON (byte N)"
/// names where the text stops being JSON and never echoes it (it may not be printable).
/// Nesting deeper than max_depth is refused before parsing: copying or printing a JSON
/// value recurses once per level, so an unbounded depth would exhaust the stack.
inline Result<Json> parse_json(std::string_view text, std::size_t max_depth = 256) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return make_error("nested deeper than " + std::to_string(max_depth) + " levels (byte " + std::to_string(i + 1) + ")");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    return make_error("not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
}

/// The member names of a reflected struct, in declaration order.
template <Reflected T>
std::vector<std::string> member_names() {
  std::vector<std::string> out;
  boost::hana::for_each(boost::hana::accessors<T>(),
                        [&](auto pair) { out.emplace_back(boost::hana::to<char const*>(boost::hana::first(pair))); });
  return out;
}

/// Where two JSON values first differ: a path in the style of the decoders' errors
/// ("credentials[0].tries", "" for the values themselves) and both sides at that path
/// (nullopt: that side has no such key).
struct JsonDifference {
  std::string path;
  std::optional<Json> left, right;
};

/// The first difference between `left` and `right`, walking objects in `right`'s key order
/// (then keys only `left` has) and arrays by index; recursion is bounded by `right`'s depth.
/// `left_subset`: objects on the left may leave keys out (a device reports what it has).
inline std::optional<JsonDifference> first_difference(const Json& left, const Json& right, const std::string& path = "",
                                                      bool left_subset = false) {
  auto join = [&](const std::string& k) { return path.empty() ? k : path + "." + k; };
  if (left.is_object() && right.is_object()) {
    for (auto it = right.begin(); it != right.end(); ++it) {
      auto l = left.find(it.key());
      if (l == left.end()) {
        if (left_subset) continue;
        return JsonDifference{join(it.key()), std::nullopt, it.value()};
      }
      if (auto d = first_difference(*l, it.value(), join(it.key()), left_subset)) return d;
    }
    for (auto it = left.begin(); it != left.end(); ++it)
      if (!right.contains(it.key())) return JsonDifference{join(it.key()), it.value(), std::nullopt};
    return std::nullopt;
  }
  if (left.is_array() && right.is_array()) {
    const std::size_t n = std::min(left.size(), right.size());
    for (std::size_t i = 0; i < n; ++i)
      if (auto d = first_difference(left[i], right[i], path + "[" + std::to_string(i) + "]", left_subset)) return d;
    if (left.size() != right.size())
      return JsonDifference{path + (path.empty() ? "" : ".") + "length", Json(left.size()), Json(right.size())};
    return std::nullopt;
  }
  if (left == right) return std::nullopt;
  return JsonDifference{path, left, right};
}

/// The value at a path produced by first_difference, if `j` has it.
inline std::optional<Json> json_at(const Json& j, const std::string& path) {
  const Json* cur = &j;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') ++i;
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos || !cur->is_array()) return std::nullopt;
      const std::size_t idx = std::stoul(path.substr(i + 1, close - i - 1));
      if (idx >= cur->size()) return std::nullopt;
      cur = &(*cur)[idx];
      i = close + 1;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    const std::string key = path.substr(i, end - i);
    if (!cur->is_object() || !cur->contains(key)) return std::nullopt;
    cur = &(*cur)[key];
    i = end;
  }
  return *cur;
}

}  // namespace lockref
