// Strict reader for eval requests whose fields are hex byte strings (crypto.*, lock.* key
// derivations). Every field read is recorded; finish() rejects fields nobody asked for,
// so a misspelt "contxt" is an error rather than a silently different answer.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/result.hpp"

/// Inside a function returning Result<...>: evaluate a Result, return its error, or bind
/// its value to `var`.
#define TRY_ASSIGN(var, expr)            \
  auto var##_r = (expr);                 \
  if (!var##_r) return var##_r.error();  \
  auto var = std::move(*var##_r)

namespace lockref::cli {

class HexRequest {
 public:
  explicit HexRequest(const Json& j) : j_(j) { used_.insert("op"); }

  bool has(const std::string& k) const { return j_.contains(k) && !j_[k].is_null(); }

  Result<Bytes> bytes(const std::string& k) {
    used_.insert(k);
    if (!j_.contains(k)) return make_error("missing field \"" + k + "\" (hex string)");
    if (!j_[k].is_string()) return make_error(k + ": expected a hex string");
    return from_hex(j_[k].get<std::string>()).context(k);
  }
  Result<std::optional<Bytes>> opt_bytes(const std::string& k) {
    used_.insert(k);
    if (!has(k)) return std::optional<Bytes>{};
    auto b = bytes(k);
    if (!b) return b.error();
    return std::optional<Bytes>{std::move(*b)};
  }
  Result<Bytes> bytes_or(const std::string& k, Bytes def) {
    auto b = opt_bytes(k);
    if (!b) return b.error();
    return b->has_value() ? std::move(**b) : std::move(def);
  }
  Result<std::vector<Bytes>> bytes_list(const std::string& k) {
    used_.insert(k);
    if (!j_.contains(k)) return make_error("missing field \"" + k + "\" (array of hex strings)");
    if (!j_[k].is_array()) return make_error(k + ": expected an array of hex strings");
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < j_[k].size(); ++i) {
      const auto& e = j_[k][i];
      const std::string where = k + "[" + std::to_string(i) + "]";
      if (!e.is_string()) return make_error(where + ": expected a hex string");
      auto b = from_hex(e.get<std::string>()).context(where);
      if (!b) return b.error();
      out.push_back(std::move(*b));
    }
    return out;
  }
  /// A label: "<k>" as text (ASCII, e.g. "derived_mek") or "<k>_hex" as bytes; else def.
  Result<Bytes> label(const std::string& k, const std::string& def) {
    used_.insert(k);
    used_.insert(k + "_hex");
    if (has(k) && has(k + "_hex")) return make_error("give either \"" + k + "\" or \"" + k + "_hex\", not both");
    if (has(k)) {
      if (!j_[k].is_string()) return make_error(k + ": expected a string");
      return to_bytes(j_[k].get<std::string>());
    }
    if (has(k + "_hex")) return bytes(k + "_hex");
    return to_bytes(def);
  }
  Result<std::uint64_t> uint(const std::string& k, std::optional<std::uint64_t> def = std::nullopt) {
    used_.insert(k);
    if (!has(k)) {
      if (def) return *def;
      return make_error("missing field \"" + k + "\" (unsigned integer)");
    }
    if (!j_[k].is_number_unsigned()) return make_error(k + ": expected an unsigned integer");
    return j_[k].get<std::uint64_t>();
  }
  Result<std::string> string(const std::string& k) {
    used_.insert(k);
    if (!j_.contains(k) || !j_[k].is_string()) return make_error("missing field \"" + k + "\" (string)");
    return j_[k].get<std::string>();
  }
  /// The raw JSON of a present field (check has() first); a missing one is an error.
  Result<const Json*> raw(const std::string& k) {
    used_.insert(k);
    if (!j_.contains(k)) return make_error("missing field \"" + k + "\"");
    return &j_.at(k);
  }
  /// Error on any field that was not read.
  Status finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!used_.count(it.key())) return make_error("unknown field \"" + it.key() + "\"");
    return ok_status();
  }

 private:
  const Json& j_;
  std::set<std::string> used_;
};

/// Runs f(HexRequest&) -> Result<Json>, then rejects unread fields.
template <class F>
Result<Json> with_request(const Json& j, F&& f) {
  if (!j.is_object()) return make_error("request must be a JSON object");
  HexRequest r(j);
  auto out = f(r);
  if (!out) return out;
  if (auto s = r.finish(); !s) return s.error();
  return out;
}

}  // namespace lockref::cli
