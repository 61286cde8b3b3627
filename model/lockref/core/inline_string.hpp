// lockref core: a string of at most N bytes held in place, with no heap allocation.
//
// For state fields whose length the specification bounds (a TCG C_PIN PIN is at most 32
// bytes: opal/state.hpp). A state is copied on every step of an exploration; a 32-byte
// std::string is a heap block per copy (GCC keeps 15 bytes in place), so an Opal state with
// twenty PINs cost twenty allocations per copy (issue 12).
//
// It reads as a string: JSON (core/json.hpp) shows it as a JSON string and refuses a longer
// one with a precise error; the canonical encoding (core/encode.hpp) is the same as a
// std::string's (varint length, then the bytes). Assigning more than N bytes is a logic
// error in the model (callers check lengths first) and throws std::length_error.
#pragma once
#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lockref {

template <std::size_t N>
class InlineString {
  static_assert(N > 0 && N < 256, "InlineString: 1..255 bytes");

 public:
  static constexpr std::size_t capacity = N;

  InlineString() = default;
  InlineString(std::string_view s) { assign(s); }  // NOLINT: implicit, reads as a string
  InlineString(const std::string& s) : InlineString(std::string_view(s)) {}
  InlineString(const char* s) : InlineString(std::string_view(s)) {}

  void assign(std::string_view s) {
    if (s.size() > N)
      throw std::length_error("InlineString: " + std::to_string(s.size()) + " bytes, at most " + std::to_string(N));
    std::copy(s.begin(), s.end(), buf_.begin());
    len_ = static_cast<std::uint8_t>(s.size());
  }

  void clear() { assign({}); }
  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  const char* data() const { return buf_.data(); }
  const char* begin() const { return buf_.data(); }
  const char* end() const { return buf_.data() + len_; }
  std::string_view view() const { return {buf_.data(), len_}; }
  std::string str() const { return std::string(view()); }
  operator std::string_view() const { return view(); }  // NOLINT: implicit
  operator std::string() const { return str(); }        // NOLINT: implicit

  // (Bytes past the length are left as they were: equality and order look at the value only.)
  friend bool operator==(const InlineString& a, const InlineString& b) { return a.view() == b.view(); }
  friend bool operator==(const InlineString& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const InlineString& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const InlineString& a, const char* b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const InlineString& a, const InlineString& b) { return a.view() <=> b.view(); }
  friend std::string operator+(const std::string& a, const InlineString& b) { return a + b.str(); }
  friend std::string operator+(const InlineString& a, const std::string& b) { return a.str() + b; }

 private:
  std::array<char, N> buf_{};
  std::uint8_t len_ = 0;
};

/// A status name or requirement id in a machine's output ("EE_WRITE_IGNORED",
/// "LOCK-4.6.4.2-4"): identifiers, all far shorter than 48 bytes; no heap block per step.
using Label = InlineString<47>;

namespace detail {
template <class T> struct is_inline_string : std::false_type {};
template <std::size_t N> struct is_inline_string<InlineString<N>> : std::true_type {};
}  // namespace detail

}  // namespace lockref
