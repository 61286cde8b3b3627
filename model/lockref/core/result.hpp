// lockref core: Error and Result<T>.
// A Result is either a value or an Error that says precisely what was wrong.
// The model never throws for bad input; decoders and derivations return Results.
#pragma once
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace lockref {

struct Error {
  std::string message;            // human-readable, precise ("slots[2]: expected ...")
  friend bool operator==(const Error&, const Error&) = default;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                     // NOLINT(implicit)
  Result(Error error) : v_(std::move(error)) {}                 // NOLINT(implicit)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  /// Prefix the error message with a location ("field.sub: ...").
  Result<T> context(const std::string& where) && {
    if (ok()) return std::move(*this);
    return Error{where + ": " + error().message};
  }

 private:
  std::variant<T, Error> v_;
};

struct Unit {
  friend bool operator==(const Unit&, const Unit&) = default;
};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace lockref
