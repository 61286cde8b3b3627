// lockref core: enumerations with spec names.
//
// Declare the names of an enum once, next to it, as a constexpr function found by
// argument-dependent lookup:
//
//   enum class SeedState : std::uint16_t { empty = 0, ... };
//   constexpr auto enum_names(SeedState) {
//     return std::array{lockref::EnumName{SeedState::empty, "HEK_SEED_UNAVAIL_EMPTY"}, ...};
//   }
//
// JSON, pretty printers, corpora and `lockref eval` then use those names.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lockref {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) { enum_names(e); };

template <NamedEnum E>
constexpr std::string_view enum_name(E e) {
  for (const auto& n : enum_names(E{}))
    if (n.value == e) return n.name;
  return "<invalid>";
}

template <NamedEnum E>
constexpr std::optional<E> enum_from_name(std::string_view s) {
  for (const auto& n : enum_names(E{}))
    if (n.name == s) return n.value;
  return std::nullopt;
}

/// The accepted names, in declaration order (command-line choices).
template <NamedEnum E>
std::vector<std::string> enum_name_list() {
  std::vector<std::string> out;
  for (const auto& n : enum_names(E{})) out.emplace_back(n.name);
  return out;
}

/// "a, b or c": the accepted names, for error messages.
template <NamedEnum E>
std::string enum_choices() {
  std::string out;
  const auto names = enum_names(E{});
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += (i + 1 == names.size()) ? " or " : ", ";
    out += names[i].name;
  }
  return out;
}

}  // namespace lockref

// Aggregate class-template argument deduction (P1816, `EnumName{E::x, "x"}` without a
// guide) is C++20 but not in every compiler that otherwise builds lockref: clang 14
// (Debian 12, the libFuzzer targets) reports __cpp_deduction_guides < 201907. There the
// explicit guides below do the same deduction; GCC 12 needs none.
#if !defined(__cpp_deduction_guides) || __cpp_deduction_guides < 201907L
namespace lockref {
template <class E>
EnumName(E, std::string_view) -> EnumName<E>;
}  // namespace lockref
#endif
