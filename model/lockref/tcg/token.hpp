// TCG Storage data stream encoding: tokens, values, method calls and results.
//
// Token formats are those of TCG Storage Architecture Core Specification §3.2.2.3.1
// (the seed does not restate them; every byte example of KPIO AN §3.3 uses them):
//   tiny atom    0 S d d d d d d                 6-bit integer (S: signed)
//   short atom   1 0 B S L L L L                 0..15 data bytes
//   medium atom  1 1 0 B S L L L  LLLLLLLL       0..2047 data bytes
//   long atom    1 1 1 0 0 0 B S  L(24 bits)     0..16M-1 data bytes
// B = 1: byte sequence (then S = 1 means "continued in the next atom");
// B = 0: integer (S = 1 means two's complement signed).
// Control tokens: F0 Start List, F1 End List, F2 Start Name, F3 End Name, F8 Call,
// F9 End of Data, FA End of Session, FB Start Transaction, FC End Transaction,
// FF Empty. E4..EF, F4..F7, FD, FE are reserved and rejected.
//
// Encoding policy (README "TCG integer encodings"): lockref EMITS minimal encodings,
// as every example of seed 002 does (`82 10 00` for 4096, tiny atoms for 0..63);
// it ACCEPTS any length on decode (go-tcg-storage's `82 00 69` for 105 decodes to
// 105; `decode` reports such atoms as non-canonical).
#pragma once
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::tcg {

enum class TokenType : std::uint8_t {
  atom,
  start_list,
  end_list,
  start_name,
  end_name,
  call,
  end_of_data,
  end_of_session,
  start_transaction,
  end_transaction,
  empty,
};

enum class AtomForm : std::uint8_t { tiny, short_atom, medium, long_atom };

/// One token exactly as on the wire (form and data bytes kept, so re-encoding a
/// decoded stream reproduces it byte for byte, canonical or not).
struct Token {
  TokenType type = TokenType::atom;
  AtomForm form = AtomForm::tiny;
  bool byte_string = false;  // B bit
  bool sign = false;         // S bit: signed integer (B=0) / continued bytes (B=1)
  Bytes data;                // tiny: one byte holding the 6-bit field; others: the data bytes
  friend bool operator==(const Token&, const Token&) = default;
};

inline constexpr std::uint8_t control_byte(TokenType t) {
  switch (t) {
    case TokenType::start_list: return 0xF0;
    case TokenType::end_list: return 0xF1;
    case TokenType::start_name: return 0xF2;
    case TokenType::end_name: return 0xF3;
    case TokenType::call: return 0xF8;
    case TokenType::end_of_data: return 0xF9;
    case TokenType::end_of_session: return 0xFA;
    case TokenType::start_transaction: return 0xFB;
    case TokenType::end_transaction: return 0xFC;
    case TokenType::empty: return 0xFF;
    case TokenType::atom: break;
  }
  return 0;
}

inline constexpr std::string_view token_type_name(TokenType t) {
  switch (t) {
    case TokenType::atom: return "Atom";
    case TokenType::start_list: return "Start List";
    case TokenType::end_list: return "End List";
    case TokenType::start_name: return "Start Name";
    case TokenType::end_name: return "End Name";
    case TokenType::call: return "Call";
    case TokenType::end_of_data: return "End of Data";
    case TokenType::end_of_session: return "End of Session";
    case TokenType::start_transaction: return "Start Transaction";
    case TokenType::end_transaction: return "End Transaction";
    case TokenType::empty: return "Empty";
  }
  return "?";
}

inline Token control(TokenType t) { return Token{t, AtomForm::tiny, false, false, {}}; }

// ---- atom construction (minimal encodings) -------------------------------------

inline Token uint_atom(std::uint64_t v) {
  if (v < 64) return Token{TokenType::atom, AtomForm::tiny, false, false, {static_cast<std::uint8_t>(v)}};
  std::size_t n = 1;
  while (n < 8 && (v >> (8 * n)) != 0) ++n;
  Bytes d;
  put_be(d, v, n);
  return Token{TokenType::atom, AtomForm::short_atom, false, false, std::move(d)};
}

/// The smallest two's complement width, in bytes, that holds v: its significant bits (those
/// below the run of sign bits at the top) and one sign bit (1 for -128..127, 8 for the 64-bit
/// ends); counted on the unsigned bits, so no width's bound overflows.
inline std::size_t signed_width(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  return static_cast<std::size_t>(64 - (v < 0 ? std::countl_one(u) : std::countl_zero(u)) + 8) / 8;
}

inline Token int_atom(std::int64_t v) {
  if (v >= -32 && v <= 31)
    return Token{TokenType::atom, AtomForm::tiny, false, true, {static_cast<std::uint8_t>(v & 0x3F)}};
  const std::size_t n = signed_width(v);
  Bytes d;
  put_be(d, static_cast<std::uint64_t>(v), n);
  return Token{TokenType::atom, AtomForm::short_atom, false, true, std::move(d)};
}

inline Token bytes_atom(ByteView b, bool continued = false) {
  AtomForm f = b.size() <= 15 ? AtomForm::short_atom : b.size() <= 2047 ? AtomForm::medium : AtomForm::long_atom;
  return Token{TokenType::atom, f, true, continued, Bytes(b.begin(), b.end())};
}

// ---- token stream codec -----------------------------------------------------------

inline constexpr std::size_t max_long_atom = 0xFFFFFF;

/// Encodes tokens. A token whose data does not fit its form is an error, not UB.
inline Result<Bytes> encode_tokens(const std::vector<Token>& ts) {
  Bytes out;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const Token& t = ts[i];
    if (t.type != TokenType::atom) {
      out.push_back(control_byte(t.type));
      continue;
    }
    const std::size_t n = t.data.size();
    const auto b = static_cast<std::uint8_t>(t.byte_string ? 1 : 0);
    const auto s = static_cast<std::uint8_t>(t.sign ? 1 : 0);
    switch (t.form) {
      case AtomForm::tiny:
        if (t.byte_string || n != 1 || t.data[0] > 0x3F)
          return make_error("token " + std::to_string(i) + ": a tiny atom holds one 6-bit integer");
        out.push_back(static_cast<std::uint8_t>((s << 6) | t.data[0]));
        break;
      case AtomForm::short_atom:
        if (n > 15) return make_error("token " + std::to_string(i) + ": short atom longer than 15 bytes");
        out.push_back(static_cast<std::uint8_t>(0x80 | (b << 5) | (s << 4) | n));
        break;
      case AtomForm::medium:
        if (n > 2047) return make_error("token " + std::to_string(i) + ": medium atom longer than 2047 bytes");
        out.push_back(static_cast<std::uint8_t>(0xC0 | (b << 4) | (s << 3) | (n >> 8)));
        out.push_back(static_cast<std::uint8_t>(n & 0xFF));
        break;
      case AtomForm::long_atom:
        if (n > max_long_atom) return make_error("token " + std::to_string(i) + ": long atom longer than 2^24-1 bytes");
        out.push_back(static_cast<std::uint8_t>(0xE0 | (b << 1) | s));
        put_be(out, n, 3);
        break;
    }
    if (t.form != AtomForm::tiny) out.insert(out.end(), t.data.begin(), t.data.end());
  }
  return out;
}

/// One token at the reader's position.
inline Result<Token> read_token(Reader& r) {
  const std::size_t at = r.offset();
  auto h = r.take(1);
  if (!h) return h.error();
  const std::uint8_t x = (*h)[0];
  auto where = [&] { return "offset " + std::to_string(at) + ": "; };
  if (x < 0x80) {
    const bool s = (x & 0x40) != 0;
    return Token{TokenType::atom, AtomForm::tiny, false, s, {static_cast<std::uint8_t>(x & 0x3F)}};
  }
  Token t;
  std::size_t n = 0;
  if (x < 0xC0) {
    t.form = AtomForm::short_atom;
    t.byte_string = (x & 0x20) != 0;
    t.sign = (x & 0x10) != 0;
    n = x & 0x0F;
  } else if (x < 0xE0) {
    auto lo = r.take(1);
    if (!lo) return make_error(where() + "medium atom header needs a second byte");
    t.form = AtomForm::medium;
    t.byte_string = (x & 0x10) != 0;
    t.sign = (x & 0x08) != 0;
    n = (static_cast<std::size_t>(x & 0x07) << 8) | (*lo)[0];
  } else if (x < 0xE4) {
    auto len = r.be(3);
    if (!len) return make_error(where() + "long atom header needs 3 length bytes");
    t.form = AtomForm::long_atom;
    t.byte_string = (x & 0x02) != 0;
    t.sign = (x & 0x01) != 0;
    n = static_cast<std::size_t>(*len);
  } else {
    switch (x) {
      case 0xF0: return control(TokenType::start_list);
      case 0xF1: return control(TokenType::end_list);
      case 0xF2: return control(TokenType::start_name);
      case 0xF3: return control(TokenType::end_name);
      case 0xF8: return control(TokenType::call);
      case 0xF9: return control(TokenType::end_of_data);
      case 0xFA: return control(TokenType::end_of_session);
      case 0xFB: return control(TokenType::start_transaction);
      case 0xFC: return control(TokenType::end_transaction);
      case 0xFF: return control(TokenType::empty);
      default: {
        static constexpr char hx[] = "0123456789abcdef";
        return make_error(where() + "reserved token byte 0x" + std::string{hx[x >> 4], hx[x & 15]});
      }
    }
  }
  auto d = r.take(n);
  if (!d)
    return make_error(where() + "atom declares " + std::to_string(n) + " data byte(s) but only " +
                      std::to_string(r.remaining()) + " remain");
  t.data.assign(d->begin(), d->end());
  return t;
}

inline Result<std::vector<Token>> decode_tokens(ByteView b) {
  Reader r(b, "tokens");
  std::vector<Token> out;
  while (!r.empty()) {
    auto t = read_token(r);
    if (!t) return t.error();
    out.push_back(std::move(t).value());
  }
  return out;
}

/// True when the atom is the encoding lockref would emit for its value.
inline bool is_canonical(const Token& t) {
  if (t.type != TokenType::atom) return true;
  if (t.byte_string) {
    Token c = bytes_atom(t.data, t.sign);
    return c.form == t.form;
  }
  if (t.form == AtomForm::tiny) return true;
  if (t.data.empty() || t.data.size() > 8) return false;
  std::uint64_t v = 0;
  for (auto c : t.data) v = (v << 8) | c;
  if (!t.sign) return uint_atom(v) == t;
  const std::size_t n = t.data.size();
  if (n < 8 && (t.data[0] & 0x80)) v |= ~std::uint64_t{0} << (8 * n);
  return int_atom(static_cast<std::int64_t>(v)) == t;
}

// ---- values: the data a token stream carries --------------------------------------

/// A TCG data value: unsigned or signed integer, byte sequence, list, or named value.
struct Value {
  enum class Kind : std::uint8_t { uint, sint, bytes, list, name, empty };
  Kind kind = Kind::uint;
  std::uint64_t u = 0;
  std::int64_t s = 0;
  Bytes b;
  bool continued = false;      // bytes: the S ("continued") flag of its atom
  // Non-minimal encodings, kept so that decode -> encode reproduces the bytes:
  std::uint8_t width = 0;      // integers: data bytes of a short atom (0 = minimal)
  std::optional<AtomForm> form;  // bytes: atom form (absent = minimal)
  std::vector<Value> items;    // list: elements; name: {name, value}
  friend bool operator==(const Value&, const Value&) = default;

  static Value of_uint(std::uint64_t v) { Value x; x.kind = Kind::uint; x.u = v; return x; }
  static Value of_int(std::int64_t v) { Value x; x.kind = Kind::sint; x.s = v; return x; }
  static Value of_bytes(Bytes v, bool cont = false) { Value x; x.kind = Kind::bytes; x.b = std::move(v); x.continued = cont; return x; }
  static Value of_list(std::vector<Value> v) { Value x; x.kind = Kind::list; x.items = std::move(v); return x; }
  static Value of_name(Value n, Value v) { Value x; x.kind = Kind::name; x.items = {std::move(n), std::move(v)}; return x; }
  static Value of_empty() { Value x; x.kind = Kind::empty; return x; }
};

/// An integer atom with a chosen number of data bytes (a non-minimal encoding, as
/// Table 54 uses for CertSize: 84 00 00 02 EE). The width must hold the value.
inline Token int_atom_width(std::uint64_t bits, bool is_signed, std::uint8_t width) {
  Bytes d;
  put_be(d, bits, width);
  return Token{TokenType::atom, AtomForm::short_atom, false, is_signed, std::move(d)};
}

inline void append_value(std::vector<Token>& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::uint:
      out.push_back(v.width ? int_atom_width(v.u, false, v.width) : uint_atom(v.u));
      break;
    case Value::Kind::sint:
      out.push_back(v.width ? int_atom_width(static_cast<std::uint64_t>(v.s), true, v.width) : int_atom(v.s));
      break;
    case Value::Kind::bytes: {
      Token t = bytes_atom(v.b, v.continued);
      if (v.form) t.form = *v.form;
      out.push_back(std::move(t));
      break;
    }
    case Value::Kind::empty: out.push_back(control(TokenType::empty)); break;
    case Value::Kind::list:
      out.push_back(control(TokenType::start_list));
      for (const auto& x : v.items) append_value(out, x);
      out.push_back(control(TokenType::end_list));
      break;
    case Value::Kind::name:
      out.push_back(control(TokenType::start_name));
      for (const auto& x : v.items) append_value(out, x);
      out.push_back(control(TokenType::end_name));
      break;
  }
}

/// The integer or byte value of one atom token.
inline Result<Value> atom_value(const Token& t) {
  if (t.byte_string) {
    Value v = Value::of_bytes(t.data, t.sign);
    if (bytes_atom(t.data, t.sign).form != t.form) v.form = t.form;
    return v;
  }
  if (t.form == AtomForm::tiny) {
    if (!t.sign) return Value::of_uint(t.data[0]);
    const int v = t.data[0] & 0x20 ? static_cast<int>(t.data[0]) - 64 : t.data[0];
    return Value::of_int(v);
  }
  // Leading zero bytes are accepted (non-minimal encodings of other hosts, go-tcg-storage's
  // 82 00 01), within the 8 data bytes an integer atom may have: 89 00 ff..ff is refused.
  std::size_t first = 0;
  if (!t.sign)
    while (first < t.data.size() && t.data[first] == 0) ++first;
  if (t.data.size() > 8) return make_error("integer atom with more than 8 data bytes");
  if (t.data.empty()) return make_error("integer atom with no data bytes");
  if (t.form != AtomForm::short_atom)
    return make_error("integer in a medium or long atom (lockref keeps integers in tiny or short atoms)");
  std::uint64_t v = 0;
  for (std::size_t i = first; i < t.data.size(); ++i) v = (v << 8) | t.data[i];
  Value out;
  if (!t.sign) {
    out = Value::of_uint(v);
  } else {
    const std::size_t n = t.data.size();
    if (n < 8 && (t.data[0] & 0x80)) v |= ~std::uint64_t{0} << (8 * n);
    out = Value::of_int(static_cast<std::int64_t>(v));
  }
  if (!is_canonical(t)) out.width = static_cast<std::uint8_t>(t.data.size());
  return out;
}

namespace detail {
inline constexpr std::size_t max_depth = 64;  // nesting bound: decoders never recurse unboundedly

inline Result<Value> parse_value(const std::vector<Token>& ts, std::size_t& i, std::size_t depth) {
  if (depth > max_depth) return make_error("token " + std::to_string(i) + ": nesting deeper than 64");
  if (i >= ts.size()) return make_error("token " + std::to_string(i) + ": expected a value, stream ended");
  const Token& t = ts[i];
  switch (t.type) {
    case TokenType::atom: {
      ++i;
      auto v = atom_value(t);
      if (!v) return make_error("token " + std::to_string(i - 1) + ": " + v.error().message);
      return v;
    }
    case TokenType::empty: ++i; return Value::of_empty();
    case TokenType::start_list: {
      ++i;
      std::vector<Value> items;
      while (i < ts.size() && ts[i].type != TokenType::end_list) {
        auto x = parse_value(ts, i, depth + 1);
        if (!x) return x.error();
        items.push_back(std::move(x).value());
      }
      if (i >= ts.size()) return make_error("token " + std::to_string(i) + ": expected End List, stream ended");
      ++i;
      return Value::of_list(std::move(items));
    }
    case TokenType::start_name: {
      ++i;
      auto n = parse_value(ts, i, depth + 1);
      if (!n) return n.error();
      auto v = parse_value(ts, i, depth + 1);
      if (!v) return v.error();
      if (i >= ts.size() || ts[i].type != TokenType::end_name)
        return make_error("token " + std::to_string(i) + ": expected End Name after a name and its value");
      ++i;
      return Value::of_name(std::move(n).value(), std::move(v).value());
    }
    default:
      return make_error("token " + std::to_string(i) + ": expected a value, got " + std::string(token_type_name(t.type)));
  }
}
}  // namespace detail

// ---- method calls and results (TCG Core §3.2.4; KPIO AN §3.3.1.1) -------------------

// GCC 12 with -fsanitize=address,undefined reports a false -Wmaybe-uninitialized inside
// std::variant's move constructor when a std::vector<Item> reallocates (the asan preset
// builds with -Werror). Silenced for this section only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/// The method status list F0 status reserved reserved F1 (e.g. Table 3 last rows).
using StatusList = std::vector<std::uint64_t>;

/// Call InvokingUID MethodUID [args] EndOfData [status]  (a method invocation, or a
/// TPer-to-host method such as SyncSession).
struct MethodCall {
  Bytes invoking;  // 8-byte UID atom
  Bytes method;    // 8-byte UID atom
  std::vector<Value> args;
  StatusList status{0, 0, 0};
  friend bool operator==(const MethodCall&, const MethodCall&) = default;
};

/// [results] EndOfData [status]  (the response to a method: "session[TSN:HSN] <- [Result]").
struct MethodResult {
  std::vector<Value> results;
  StatusList status{0, 0, 0};
  friend bool operator==(const MethodResult&, const MethodResult&) = default;
};

struct EndOfSession {
  friend bool operator==(const EndOfSession&, const EndOfSession&) = default;
};

using Item = std::variant<MethodCall, MethodResult, EndOfSession>;

inline void append_status(std::vector<Token>& out, const StatusList& st) {
  out.push_back(control(TokenType::end_of_data));
  out.push_back(control(TokenType::start_list));
  for (auto s : st) out.push_back(uint_atom(s));
  out.push_back(control(TokenType::end_list));
}

inline std::vector<Token> to_tokens(const std::vector<Item>& items) {
  std::vector<Token> out;
  for (const auto& it : items) {
    if (const auto* c = std::get_if<MethodCall>(&it)) {
      out.push_back(control(TokenType::call));
      out.push_back(bytes_atom(c->invoking));
      out.push_back(bytes_atom(c->method));
      append_value(out, Value::of_list(c->args));
      append_status(out, c->status);
    } else if (const auto* r = std::get_if<MethodResult>(&it)) {
      append_value(out, Value::of_list(r->results));
      append_status(out, r->status);
    } else {
      out.push_back(control(TokenType::end_of_session));
    }
  }
  return out;
}

inline Result<Bytes> encode_items(const std::vector<Item>& items) { return encode_tokens(to_tokens(items)); }

namespace detail {
inline Result<StatusList> parse_status(const std::vector<Token>& ts, std::size_t& i) {
  if (i >= ts.size() || ts[i].type != TokenType::end_of_data)
    return make_error("token " + std::to_string(i) + ": expected End of Data after the parameter list");
  ++i;
  const std::size_t at = i;
  auto st = parse_value(ts, i, 1);
  if (!st) return st.error();
  if (st->kind != Value::Kind::list) return make_error("token " + std::to_string(at) + ": expected the method status list");
  StatusList out;
  for (const auto& v : st->items) {
    if (v.kind != Value::Kind::uint)
      return make_error("token " + std::to_string(at) + ": method status list holds a non-integer");
    out.push_back(v.u);
  }
  return out;
}
}  // namespace detail

/// Structures a token stream into method calls, results and End of Session tokens.
inline Result<std::vector<Item>> parse_items(const std::vector<Token>& ts) {
  std::vector<Item> out;
  std::size_t i = 0;
  while (i < ts.size()) {
    const std::size_t at = i;
    if (ts[i].type == TokenType::end_of_session) {
      out.push_back(EndOfSession{});
      ++i;
    } else if (ts[i].type == TokenType::call) {
      ++i;
      MethodCall c;
      for (Bytes* uid : {&c.invoking, &c.method}) {
        if (i >= ts.size() || ts[i].type != TokenType::atom || !ts[i].byte_string)
          return make_error("token " + std::to_string(i) + ": expected a UID byte atom after Call");
        *uid = ts[i].data;
        ++i;
      }
      const std::size_t lat = i;
      auto args = detail::parse_value(ts, i, 1);
      if (!args) return args.error();
      if (args->kind != Value::Kind::list)
        return make_error("token " + std::to_string(lat) + ": expected the method parameter list (Start List)");
      c.args = std::move(args->items);
      auto st = detail::parse_status(ts, i);
      if (!st) return st.error();
      c.status = std::move(st).value();
      out.push_back(std::move(c));
    } else if (ts[i].type == TokenType::start_list) {
      auto res = detail::parse_value(ts, i, 1);
      if (!res) return res.error();
      MethodResult m;
      m.results = std::move(res->items);
      auto st = detail::parse_status(ts, i);
      if (!st) return st.error();
      m.status = std::move(st).value();
      out.push_back(std::move(m));
    } else {
      return make_error("token " + std::to_string(at) + ": expected Call, a result list or End of Session, got " +
                        std::string(token_type_name(ts[at].type)));
    }
  }
  return out;
}

inline Result<std::vector<Item>> decode_items(ByteView b) {
  auto ts = decode_tokens(b);
  if (!ts) return ts.error();
  return parse_items(*ts);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace lockref::tcg
