// Human-readable dumps of captured wire bytes (used by `lockref decode`).
#pragma once
#include <ostream>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/result.hpp"

namespace lockref::cli {

/// The hex string request field `k`, as bytes (shared by the wire-format eval ops).
inline Result<Bytes> hex_field(const Json& j, const char* k) {
  if (!j.contains(k) || !j[k].is_string()) return make_error(std::string("missing field \"") + k + "\" (hex string)");
  auto b = from_hex(j[k].get<std::string>());
  if (!b) return make_error(std::string(k) + ": " + b.error().message);
  return b;
}

/// A capture (JSON Lines of Key Per I/O payloads or a kpio transcript) as method calls, KMIP
/// Imports and Security Protocol 0x02 commands (defined in ops_kpio.cpp): the first problem
/// as "line N: ...".
Status print_exchange(std::ostream& os, const std::string& text);

/// A TTLV message, one item per line with tag names, types, lengths and values.
Result<std::string> print_ttlv(ByteView ttlv, std::size_t base_offset = 0);

}  // namespace lockref::cli
