// OCP L.O.C.K. 0.9 KMB mailbox: decode any captured request or response by command code
// (for `lockref decode --cmd` and the eval op kmb.decode). Through the same generic codec
// (core/wire.hpp) as the machine.
#pragma once
#include <optional>
#include <string>

#include "lockref/lock/kmb/tables.hpp"

namespace lockref::lock::kmb {

/// A command code from text: the mnemonic ("GALG"), the command name ("GET_ALGORITHMS"),
/// hex ("0x47414c47") or decimal. The printed INITIALIZE_MEK_SECRET code 0x494D0B53 is
/// accepted as itself (errata E-KMB-IMKS-CODE).
inline Result<std::uint32_t> parse_command(std::string_view s) {
  std::optional<std::uint32_t> code;
  for_each_command([&](auto c) {
    using C = decltype(c);
    if (s == C::mnemonic || s == C::name) code = C::code;
  });
  if (code) return *code;
  std::string t(s);
  try {
    std::size_t used = 0;
    unsigned long long v = std::stoull(t, &used, 0);
    if (used == t.size() && v <= 0xFFFFFFFFull) return static_cast<std::uint32_t>(v);
  } catch (...) {
  }
  return make_error("cmd \"" + t + "\": not a §4.7.2 mnemonic (e.g. GALG), command name or 32-bit number");
}

enum class Direction : std::uint8_t { request, response };

struct DecodedMailbox {
  std::string command;  // GET_ALGORITHMS
  std::string table;    // "Table 19"
  bool checksum_ok = false;
  std::optional<Json> fields;              // the table as JSON
  std::string pretty;                      // offset / field / size / value lines
  std::optional<wire::DecodeError> error;  // where decoding stopped
};

/// Decodes `bytes` as the request or response table of command `code`.
inline Result<DecodedMailbox> decode_mailbox(std::uint32_t code, Direction dir, ByteView bytes) {
  std::optional<DecodedMailbox> out;
  auto one = [&](auto c) {
    using C = decltype(c);
    if (out || (C::code != code && !(std::is_same_v<C, INITIALIZE_MEK_SECRET> && code == imks_printed_code))) return;
    DecodedMailbox d;
    d.command = std::string(C::name);
    d.table = std::string(C::tables) + (dir == Direction::request ? " (input)" : " (output)");
    d.checksum_ok = checksum_ok(dir == Direction::request ? code : 0, bytes);
    auto go = [&](auto tag) {
      using T = typename decltype(tag)::type;
      auto r = wire::decode<T>(bytes);
      if (auto* e = std::get_if<wire::DecodeError>(&r)) {
        d.error = *e;
      } else {
        d.fields = to_json(std::get<T>(r));
        d.pretty = wire::pretty(std::get<T>(r));
      }
    };
    if (dir == Direction::request) go(boost::hana::type_c<typename C::Request>);
    else go(boost::hana::type_c<typename C::Response>);
    out = std::move(d);
  };
  for_each_command(one);
  if (!out) return make_error("command code 0x" + to_hex(Bytes{std::uint8_t(code >> 24), std::uint8_t(code >> 16),
                                                               std::uint8_t(code >> 8), std::uint8_t(code)}) +
                              " is not a §4.7.2 command");
  return *out;
}

}  // namespace lockref::lock::kmb
