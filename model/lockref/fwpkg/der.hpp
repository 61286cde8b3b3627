// RFC 4108 firmware packages: a strict DER reader and a DER writer, both on Crypto++'s
// ASN.1 codec (<cryptopp/asn.h>).
//
// Reading. RFC 4108 §1.4: "digitally signed structures MUST be encoded with DER"; "support
// for indefinite length decoding MAY be omitted". Crypto++'s BERGeneralDecoder scopes every
// constructed value (and checks on MessageEnd that it was consumed exactly) and
// BERDecodeOctetString extracts octet strings; on top of it, before Crypto++ sees a header,
// this reader insists on DER:
//   - definite lengths only, in the minimal number of octets (X.690 §10.1, §8.1.3.2);
//   - a value's length never exceeds what is left in the enclosing value or the input;
//   - low tag numbers only (the high-tag-number form never occurs in CMS);
//   - INTEGER/ENUMERATED in the minimal two's complement form, BOOLEAN 00|FF, NULL empty,
//     OBJECT IDENTIFIER subidentifiers minimal (X.690 §8.3.2, §8.2.2, §11.1, §8.19.2);
//   - nothing left over at the end of a value or of the input.
// OIDs are decoded here rather than with CryptoPP::OID, which keeps arcs in 32 bits and reads
// the first subidentifier as one octet (2.x with x >= 48 would decode wrongly).
// A failure is a der::Fault {absolute byte offset, message}, thrown inside a decoder and
// caught at its boundary (fwpkg/cms.hpp maps it to the RFC 4108 error code of the structure
// being read). Memory: views into the input; copies only of octet strings that must be
// decoded again (eContent), so a decode costs memory linear in the input.
//
// Writing. DER built with Crypto++'s DERGeneralEncoder / DERSequenceEncoder / DERSetEncoder
// and its primitive encoders; SET OF values are sorted as X.690 §11.6 requires.
#pragma once
#include <cryptopp/asn.h>
#include <cryptopp/filters.h>
#include <cryptopp/queue.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::der {

// ---- tags ----------------------------------------------------------------------------
inline constexpr std::uint8_t BOOLEAN = 0x01, INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04,
                              NULL_TAG = 0x05, OBJECT_ID = 0x06, ENUMERATED = 0x0A, UTF8_STRING = 0x0C,
                              PRINTABLE_STRING = 0x13, IA5_STRING = 0x16, UTC_TIME = 0x17,
                              GENERALIZED_TIME = 0x18, SEQUENCE = 0x30, SET = 0x31;
/// Context-specific tag [n] (n < 31), primitive or constructed.
constexpr std::uint8_t ctx(unsigned n, bool constructed) {
  return static_cast<std::uint8_t>(0x80 | (constructed ? 0x20 : 0) | (n & 0x1F));
}
constexpr bool is_constructed(std::uint8_t tag) { return (tag & 0x20) != 0; }

/// A decoding failure: where (offset from the start of the outermost input) and what.
/// der_only: the bytes are valid BER but not DER (X.690 §10, §11), e.g. a non-minimal length.
struct Fault {
  std::size_t offset = 0;
  std::string message;
  bool der_only = false;
};

inline std::string hex_byte(std::uint8_t b) {
  static constexpr char d[] = "0123456789abcdef";
  return std::string("0x") + d[b >> 4] + d[b & 0xF];
}

/// Universal tag names for messages and the structure printer.
inline std::string tag_name(std::uint8_t t) {
  switch (t) {
    case BOOLEAN: return "BOOLEAN";
    case INTEGER: return "INTEGER";
    case BIT_STRING: return "BIT STRING";
    case OCTET_STRING: return "OCTET STRING";
    case NULL_TAG: return "NULL";
    case OBJECT_ID: return "OBJECT IDENTIFIER";
    case ENUMERATED: return "ENUMERATED";
    case UTF8_STRING: return "UTF8String";
    case PRINTABLE_STRING: return "PrintableString";
    case IA5_STRING: return "IA5String";
    case UTC_TIME: return "UTCTime";
    case GENERALIZED_TIME: return "GeneralizedTime";
    case SEQUENCE: return "SEQUENCE";
    case SET: return "SET";
    default: break;
  }
  if ((t & 0xC0) == 0x80) return "[" + std::to_string(t & 0x1F) + "]";
  return "tag " + hex_byte(t);
}

// ---- OBJECT IDENTIFIER contents <-> dotted text ----------------------------------------

/// Dotted text of OID contents (X.690 §8.19), DER-checked. Arcs up to 2^64-1.
inline Result<std::string> oid_text(ByteView c) {
  if (c.empty()) return make_error("empty OBJECT IDENTIFIER");
  if (c.back() & 0x80) return make_error("OBJECT IDENTIFIER ends inside a subidentifier");
  std::string out;
  std::uint64_t v = 0;
  bool first = true, start = true;
  for (auto b : c) {
    if (start && b == 0x80) return make_error("OBJECT IDENTIFIER subidentifier not minimal (leading 0x80)");
    start = false;
    if (v >> 57) return make_error("OBJECT IDENTIFIER arc above 2^64-1");
    v = (v << 7) | (b & 0x7F);
    if (b & 0x80) continue;
    if (first) {
      const std::uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
      out = std::to_string(a) + "." + std::to_string(v - 40 * a);
      first = false;
    } else {
      out += "." + std::to_string(v);
    }
    v = 0;
    start = true;
  }
  return out;
}

/// OID contents of dotted text ("1.2.840.113549.1.7.2").
inline Result<Bytes> oid_contents(std::string_view text) {
  std::vector<std::uint64_t> arcs;
  std::size_t i = 0;
  while (i <= text.size()) {
    const std::size_t j = std::min(text.find('.', i), text.size());
    std::uint64_t v = 0;
    const auto part = text.substr(i, j - i);
    if (part.empty() || (part.size() > 1 && part[0] == '0')) return make_error("OID \"" + std::string(text) + "\": bad arc");
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc{} || p != part.data() + part.size())
      return make_error("OID \"" + std::string(text) + "\": bad arc");
    arcs.push_back(v);
    i = j + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) || (arcs[0] == 2 && arcs[1] > UINT64_MAX - 80))
    return make_error("OID \"" + std::string(text) + "\": needs two valid leading arcs");
  Bytes out;
  auto put = [&](std::uint64_t v) {
    std::uint8_t tmp[10];
    int n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(v & 0x7F);
      v >>= 7;
    } while (v);
    while (n-- > 0) out.push_back(static_cast<std::uint8_t>(tmp[n] | (n ? 0x80 : 0)));
  };
  put(arcs[0] * 40 + arcs[1]);
  for (std::size_t k = 2; k < arcs.size(); ++k) put(arcs[k]);
  return out;
}

// ---- reading --------------------------------------------------------------------------

/// The header of one value, checked for DER.
struct Header {
  std::uint8_t tag = 0;
  std::size_t offset = 0;      // local offset of the identifier octet
  std::size_t header_len = 0;  // identifier + length octets
  std::size_t length = 0;      // contents length
  std::size_t contents() const { return offset + header_len; }
  std::size_t end() const { return offset + header_len + length; }
};

/// One input buffer. `base` is its offset in the outermost input (eContent is decoded again
/// as its own Input: offsets still point into the package). `strict`: DER (minimal lengths
/// and integers); otherwise BER with definite lengths (RFC 4108 §2.1.2.2: "The eContent
/// octet string need not be DER encoded"; §1.4 lets a loader omit indefinite lengths).
class Input {
 public:
  Input(ByteView bytes, std::size_t base, bool strict)
      : bytes_(bytes), base_(base), strict_(strict), store_(bytes.empty() ? &empty_ : bytes.data(), bytes.size()) {}
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ByteView bytes() const { return bytes_; }
  std::size_t base() const { return base_; }
  bool strict() const { return strict_; }
  std::size_t consumed() const { return bytes_.size() - static_cast<std::size_t>(store_.MaxRetrievable()); }
  CryptoPP::BufferedTransformation& store() { return store_; }

 private:
  static inline const CryptoPP::byte empty_ = 0;
  ByteView bytes_;
  std::size_t base_;
  bool strict_;
  CryptoPP::StringStore store_;
};

/// Reads the values inside one constructed value (or at the top level of an Input).
/// A Reader returned by enter() reads from its parent's stream: finish it before reading
/// the parent again. Every method throws der::Fault on bad input.
class Reader {
 public:
  explicit Reader(Input& in, std::string what = "input")
      : in_(&in), bt_(&in.store()), end_(in.bytes().size()), what_(std::move(what)) {}

  /// Absolute offset (in the outermost input) of the next octet.
  std::size_t offset() const { return in_->base() + pos(); }
  bool at_end() const { return pos() >= end_; }
  std::size_t remaining() const { return end_ - pos(); }
  const std::string& what() const { return what_; }
  Input& input() const { return *in_; }

  /// The tag of the next value, if any.
  std::optional<std::uint8_t> peek_tag() const {
    if (at_end()) return std::nullopt;
    return in_->bytes()[pos()];
  }
  bool next_is(std::uint8_t tag) const { return peek_tag() == tag; }

  [[noreturn]] void fail(std::string message) const { throw Fault{offset(), std::move(message)}; }
  [[noreturn]] void fail_at(std::size_t local, std::string message, bool der_only = false) const {
    throw Fault{in_->base() + local, std::move(message), der_only};
  }

  /// The next value's header, DER-checked; `expect` 0 accepts any tag.
  Header header(std::uint8_t expect, std::string_view what) const {
    const ByteView b = in_->bytes();
    const std::size_t at = pos();
    if (at >= end_) fail(std::string(what) + ": missing (end of " + what_ + ")");
    Header h;
    h.offset = at;
    h.tag = b[at];
    if ((h.tag & 0x1F) == 0x1F) fail(std::string(what) + ": high-tag-number form not supported");
    if (expect && h.tag != expect)
      fail(std::string(what) + ": expected " + tag_name(expect) + " (" + hex_byte(expect) + "), found " +
           tag_name(h.tag) + " (" + hex_byte(h.tag) + ")");
    if (at + 1 >= end_) fail_at(at + 1, std::string(what) + ": truncated: no length octet");
    const std::uint8_t l0 = b[at + 1];
    if (l0 < 0x80) {
      h.header_len = 2;
      h.length = l0;
    } else if (l0 == 0x80) {
      fail_at(at + 1, std::string(what) + ": indefinite length (RFC 4108 §1.4: DER uses definite lengths only)", in_->strict());
    } else {
      const std::size_t n = l0 & 0x7F;
      if (n > 4) fail_at(at + 1, std::string(what) + ": length field of " + std::to_string(n) + " octets");
      if (at + 2 + n > end_) fail_at(at + 1, std::string(what) + ": truncated length field");
      std::size_t len = 0;
      for (std::size_t k = 0; k < n; ++k) len = (len << 8) | b[at + 2 + k];
      if (in_->strict() && (b[at + 2] == 0 || len < 0x80))
        fail_at(at + 1, std::string(what) + ": length " + std::to_string(len) + " not in the minimal number of octets (DER)", true);
      h.header_len = 2 + n;
      h.length = len;
    }
    if (h.length > end_ - at - h.header_len)
      fail(std::string(what) + ": length " + std::to_string(h.length) + " exceeds the " +
           std::to_string(end_ - at - h.header_len) + " octets left in " + what_);
    return h;
  }

  /// Opens the next value, a constructed one with this tag.
  Reader enter(std::uint8_t tag, std::string what) {
    const Header h = header(tag, what);
    if (!is_constructed(tag)) fail(what + ": not a constructed tag");
    Reader r(*in_, std::move(what), h.end());
    crypto_call(h, [&] { r.dec_ = std::make_unique<CryptoPP::BERGeneralDecoder>(*bt_, tag); });
    r.bt_ = r.dec_.get();
    return r;
  }

  /// Ends this value: everything in it must have been read.
  void finish() {
    if (!at_end()) fail(std::to_string(remaining()) + " unexpected octet(s) at the end of " + what_);
    if (dec_) {
      const std::size_t at = pos();
      try {
        dec_->MessageEnd();
      } catch (const CryptoPP::Exception& e) {
        fail_at(at, what_ + ": " + e.what());
      }
    }
  }

  /// Contents of the next primitive value with this tag (a view into the input).
  ByteView primitive(std::uint8_t tag, std::string_view what) {
    const Header h = header(tag, what);
    if (is_constructed(h.tag)) fail_at(h.offset, std::string(what) + ": constructed encoding (DER uses the primitive form)", in_->strict());
    return skip(h);
  }
  /// The next value whole (identifier, length and contents), any tag.
  ByteView element(std::string_view what) {
    const Header h = header(0, what);
    const ByteView all = in_->bytes().subspan(h.offset, h.end() - h.offset);
    skip(h);
    return all;
  }
  /// An OCTET STRING (or implicitly tagged one), copied by Crypto++'s BERDecodeOctetString.
  Bytes octets(std::string_view what, std::uint8_t tag = OCTET_STRING) {
    const Header h = header(tag, what);
    if (is_constructed(h.tag)) fail_at(h.offset, std::string(what) + ": constructed OCTET STRING (DER uses the primitive form)", in_->strict());
    if (tag != OCTET_STRING) {
      const auto c = skip(h);
      return Bytes(c.begin(), c.end());
    }
    CryptoPP::SecByteBlock sb;
    crypto_call(h, [&] { CryptoPP::BERDecodeOctetString(*bt_, sb); });
    return Bytes(sb.begin(), sb.end());
  }
  std::string oid(std::string_view what) {
    const std::size_t at = offset();
    auto t = oid_text(primitive(OBJECT_ID, what));
    if (!t) throw Fault{at, std::string(what) + ": " + t.error().message};
    return *t;
  }
  /// A non-negative INTEGER/ENUMERATED that fits in 64 bits.
  std::uint64_t uint(std::string_view what, std::uint8_t tag = INTEGER) {
    const std::size_t at = offset();
    const auto c = primitive(tag, what);
    check_integer(c, at, what);
    if (c[0] & 0x80) throw Fault{at, std::string(what) + ": negative"};
    std::size_t i = (c.size() > 1 && c[0] == 0) ? 1 : 0;
    if (c.size() - i > 8) throw Fault{at, std::string(what) + ": above 2^64-1 (the model's range)"};
    std::uint64_t v = 0;
    for (; i < c.size(); ++i) v = (v << 8) | c[i];
    return v;
  }
  /// An INTEGER that fits in 64 bits, signed.
  std::int64_t int64(std::string_view what) {
    const std::size_t at = offset();
    const auto c = primitive(INTEGER, what);
    check_integer(c, at, what);
    if (c.size() > 8) throw Fault{at, std::string(what) + ": outside the model's 64-bit range"};
    std::uint64_t v = (c[0] & 0x80) ? ~std::uint64_t{0} : 0;
    for (auto b : c) v = (v << 8) | b;
    return static_cast<std::int64_t>(v);
  }
  /// INTEGER contents, minimal two's complement checked (big numbers: serials, RSA moduli).
  ByteView integer_bytes(std::string_view what) {
    const std::size_t at = offset();
    const auto c = primitive(INTEGER, what);
    check_integer(c, at, what);
    return c;
  }
  bool boolean(std::string_view what) {
    const std::size_t at = offset();
    const auto c = primitive(BOOLEAN, what);
    if (c.size() != 1) throw Fault{at, std::string(what) + ": BOOLEAN of " + std::to_string(c.size()) + " octets"};
    if (in_->strict() && c[0] != 0 && c[0] != 0xFF) throw Fault{at, std::string(what) + ": BOOLEAN TRUE must be 0xff (DER)", true};
    return c[0] != 0;
  }
  void null(std::string_view what) {
    const std::size_t at = offset();
    if (!primitive(NULL_TAG, what).empty()) throw Fault{at, std::string(what) + ": NULL with contents"};
  }

 private:
  Reader(Input& in, std::string what, std::size_t end) : in_(&in), bt_(nullptr), end_(end), what_(std::move(what)) {}
  std::size_t pos() const { return in_->consumed(); }

  void check_integer(ByteView c, std::size_t at, std::string_view what) const {
    if (c.empty()) throw Fault{at, std::string(what) + ": INTEGER with no contents"};
    if (in_->strict() && c.size() > 1 && ((c[0] == 0 && !(c[1] & 0x80)) || (c[0] == 0xFF && (c[1] & 0x80))))
      throw Fault{at, std::string(what) + ": INTEGER not in the minimal number of octets (DER)", true};
  }
  /// Advances the stream over a value whose header was checked; returns its contents.
  ByteView skip(const Header& h) {
    const ByteView c = in_->bytes().subspan(h.contents(), h.length);
    crypto_call(h, [&] { bt_->Skip(h.end() - h.offset); });
    return c;
  }
  template <class F>
  void crypto_call(const Header& h, F&& f) {
    try {
      f();
    } catch (const CryptoPP::Exception& e) {
      fail_at(h.offset, std::string(e.what()));
    }
  }

  Input* in_;
  CryptoPP::BufferedTransformation* bt_;
  std::unique_ptr<CryptoPP::BERGeneralDecoder> dec_;
  std::size_t end_;
  std::string what_;
};

/// Is `bytes` exactly one well-formed BER value (X.690 §8; indefinite lengths allowed),
/// nested at most `max_depth` deep? Walks every value with Crypto++'s BERGeneralDecoder.
/// The error names the offset of the innermost value that failed. RFC 4108 §4.1.3
/// decodeFailure: "The provided input did not conform to BER, or it was not ASN.1 at all."
inline std::optional<Fault> ber_check(ByteView bytes, int max_depth = 64) {
  Input in(bytes, 0, false);
  auto& root = in.store();
  std::size_t current = 0;
  std::function<void(CryptoPP::BufferedTransformation&, std::size_t, int)> walk =
      [&](CryptoPP::BufferedTransformation& bt, std::size_t limit, int depth) {
        const std::size_t at = in.consumed();
        current = at;
        if (depth > max_depth)
          throw Fault{at, "values nested deeper than " + std::to_string(max_depth) + " levels"};
        if (at >= limit) throw Fault{at, "truncated: a value is missing"};
        const std::uint8_t t = bytes[at];
        if ((t & 0x1F) == 0x1F) throw Fault{at, "high-tag-number form (tag " + hex_byte(t) + ") not supported"};
        // Check a definite length against what is there before Crypto++ reads it, so the
        // message says precisely what is wrong.
        if (at + 1 >= limit) throw Fault{at, "truncated: no length octet"};
        const std::uint8_t l0 = bytes[at + 1];
        if (l0 == 0xFF) throw Fault{at + 1, "length octet 0xff is reserved (X.690 §8.1.3.5)"};
        if (l0 > 0x84) throw Fault{at + 1, "length field of " + std::to_string(l0 & 0x7F) + " octets"};
        if (l0 == 0x80 && !is_constructed(t)) throw Fault{at + 1, "indefinite length on a primitive value"};
        if (l0 != 0x80) {
          std::size_t n = l0 & 0x80 ? (l0 & 0x7F) : 0, len = l0 & 0x80 ? 0 : l0;
          if (at + 2 + n > limit) throw Fault{at + 1, "truncated length field"};
          for (std::size_t k = 0; k < n; ++k) len = (len << 8) | bytes[at + 2 + k];
          if (len > limit - (at + 2 + n))
            throw Fault{at, tag_name(t) + " length " + std::to_string(len) + " exceeds the " +
                                std::to_string(limit - (at + 2 + n)) + " octets available"};
          limit = at + 2 + n + len;
        }
        CryptoPP::BERGeneralDecoder d(bt, t);
        if (is_constructed(t)) {
          while (!d.EndReached()) walk(d, limit, depth + 1);
        } else {
          d.Skip(d.RemainingLength());
        }
        current = at;
        d.MessageEnd();
      };
  try {
    walk(root, bytes.size(), 1);
    if (in.consumed() != bytes.size())
      return Fault{in.consumed(), std::to_string(bytes.size() - in.consumed()) + " octet(s) after the end of the value"};
  } catch (const Fault& f) {
    return f;
  } catch (const CryptoPP::Exception& e) {
    return Fault{current, std::string("malformed BER (") + e.what() + ")"};
  }
  return std::nullopt;
}

// ---- writing --------------------------------------------------------------------------
// Each writer appends one DER value to a Crypto++ BufferedTransformation; compose them with
// DERGeneralEncoder scopes (constructed() below) and collect the bytes with encode().

using Sink = CryptoPP::BufferedTransformation;

inline Bytes drain(CryptoPP::ByteQueue& q) {
  Bytes out(static_cast<std::size_t>(q.MaxRetrievable()));
  if (!out.empty()) q.Get(out.data(), out.size());
  return out;
}
/// Runs `body` against a fresh queue and returns what it wrote.
inline Bytes encode(const std::function<void(Sink&)>& body) {
  CryptoPP::ByteQueue q;
  body(q);
  return drain(q);
}
/// A primitive value: identifier, DER length, contents (Crypto++'s DEREncodeTextString
/// writes exactly that for any identifier octet).
inline void put_primitive(Sink& s, std::uint8_t tag, ByteView contents) {
  static const CryptoPP::byte empty = 0;
  CryptoPP::DEREncodeTextString(s, contents.empty() ? &empty : contents.data(), contents.size(), tag);
}
inline void put_octets(Sink& s, ByteView v, std::uint8_t tag = OCTET_STRING) {
  if (tag == OCTET_STRING) {
    static const CryptoPP::byte empty = 0;
    CryptoPP::DEREncodeOctetString(s, v.empty() ? &empty : v.data(), v.size());
  } else {
    put_primitive(s, tag, v);
  }
}
/// Throws std::invalid_argument for a malformed OID text: writers are called with OIDs the
/// model itself holds (validated when they entered the model).
inline void put_oid(Sink& s, std::string_view dotted) {
  auto c = oid_contents(dotted);
  if (!c) throw std::invalid_argument(c.error().message);
  put_primitive(s, OBJECT_ID, *c);
}
inline void put_uint(Sink& s, std::uint64_t v, std::uint8_t tag = INTEGER) {
  CryptoPP::DEREncodeUnsigned<CryptoPP::word64>(s, v, tag);
}
inline void put_int64(Sink& s, std::int64_t v) {
  Bytes c;
  for (int i = 7; i >= 0; --i) c.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
  std::size_t k = 0;
  while (k + 1 < c.size() && ((c[k] == 0 && !(c[k + 1] & 0x80)) || (c[k] == 0xFF && (c[k + 1] & 0x80)))) ++k;
  put_primitive(s, INTEGER, ByteView(c).subspan(k));
}
inline void put_null(Sink& s) { CryptoPP::DEREncodeNull(s); }
inline void put_raw(Sink& s, ByteView v) {
  if (!v.empty()) s.Put(v.data(), v.size());
}
/// A constructed value with this identifier around what `body` writes.
inline void constructed(Sink& s, std::uint8_t tag, const std::function<void(Sink&)>& body) {
  CryptoPP::DERGeneralEncoder e(s, tag);
  body(e);
  e.MessageEnd();
}
inline void sequence(Sink& s, const std::function<void(Sink&)>& body) { constructed(s, SEQUENCE, body); }
/// X.690 §11.6 order of two encodings (octet by octet; a prefix sorts first). A plain loop:
/// GCC 12 -O3 misreads the memcmp inside std::vector's operator< (-Wstringop-overread).
inline bool encoding_less(const Bytes& a, const Bytes& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return a[i] < b[i];
  return a.size() < b.size();
}
/// SET OF (or [n] IMPLICIT SET OF): the elements sorted by their encodings (X.690 §11.6).
inline void set_of(Sink& s, std::vector<Bytes> elements, std::uint8_t tag = SET) {
  std::sort(elements.begin(), elements.end(), encoding_less);
  constructed(s, tag, [&](Sink& e) {
    for (const auto& x : elements) put_raw(e, x);
  });
}

}  // namespace lockref::der
