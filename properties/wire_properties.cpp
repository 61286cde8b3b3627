// Properties of the wire codecs (KPIO AN §3.3–§3.4): round trips for random
// well-formed values, and decoders fed random and mutated bytes. Every property is
// shown to fail on a deliberately broken codec (a mutant) in the same TEST_CASE.
#include <functional>

#include "lockref/kmip/ttlv.hpp"
#include "lockref/tcg/level0.hpp"
#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/token.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {

// ---- generators --------------------------------------------------------------------

tcg::Value gen_tcg_value(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 0 ? 7 : 5);
  switch (kind) {
    case 0: {
      auto v = tcg::Value::of_uint(*rc::gen::oneOf(rc::gen::inRange<std::uint64_t>(0, 300), rc::gen::arbitrary<std::uint64_t>()));
      return v;
    }
    case 1: return tcg::Value::of_int(*rc::gen::oneOf(rc::gen::inRange<std::int64_t>(-300, 300), rc::gen::arbitrary<std::int64_t>()));
    case 2: {
      const auto n = *rc::gen::oneOf(rc::gen::inRange<std::size_t>(0, 20), rc::gen::inRange<std::size_t>(2040, 2060));
      return tcg::Value::of_bytes(*rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>()), *rc::gen::arbitrary<bool>());
    }
    case 3: {  // a non-minimal integer atom (other hosts; seed Tables 6, 54, 55)
      auto v = tcg::Value::of_uint(*rc::gen::inRange<std::uint64_t>(0, 0xFFFF));
      v.width = 4;
      return v;
    }
    case 4: return tcg::Value::of_empty();
    case 5: {
      std::vector<tcg::Value> items;
      const int n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) items.push_back(gen_tcg_value(depth - 1));
      return tcg::Value::of_list(std::move(items));
    }
    default: return tcg::Value::of_name(gen_tcg_value(0), gen_tcg_value(depth - 1));
  }
}

kmip::Item gen_kmip_item(int depth) {
  using kmip::ItemType;
  static constexpr std::array<ItemType, 10> leaf{ItemType::integer,     ItemType::long_integer, ItemType::big_integer,
                                                  ItemType::enumeration, ItemType::boolean,      ItemType::text_string,
                                                  ItemType::byte_string, ItemType::date_time,    ItemType::interval,
                                                  ItemType::date_time_extended};
  kmip::Item it;
  it.tag = *rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(0x420000, 0x420200), rc::gen::inRange<std::uint32_t>(0x540000, 0x540010));
  if (depth > 0 && *rc::gen::inRange(0, 3) == 0) {
    it.type = ItemType::structure;
    const int n = *rc::gen::inRange(0, 4);
    for (int i = 0; i < n; ++i) it.children.push_back(gen_kmip_item(depth - 1));
    return it;
  }
  it.type = leaf[*rc::gen::inRange<std::size_t>(0, leaf.size())];
  switch (it.type) {
    case ItemType::integer: it.num = *rc::gen::arbitrary<std::int32_t>(); break;
    case ItemType::enumeration:
    case ItemType::interval: it.num = *rc::gen::arbitrary<std::uint32_t>(); break;
    case ItemType::boolean: it.num = *rc::gen::inRange(0, 2); break;
    case ItemType::big_integer: it.bytes = *rc::gen::container<Bytes>(8 * *rc::gen::inRange<std::size_t>(1, 4), rc::gen::arbitrary<std::uint8_t>()); break;
    case ItemType::text_string: {
      const auto s = *rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7F));
      it.bytes = to_bytes(s);
      break;
    }
    case ItemType::byte_string: it.bytes = *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()); break;
    default: it.num = *rc::gen::arbitrary<std::int64_t>(); break;
  }
  return it;
}

/// A valid encoding with one byte changed, or random bytes.
Bytes mutate(Bytes b) {
  if (b.empty() || *rc::gen::inRange(0, 4) == 0) return *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>());
  const auto i = *rc::gen::inRange<std::size_t>(0, b.size());
  switch (*rc::gen::inRange(0, 3)) {
    case 0: b[i] = *rc::gen::arbitrary<std::uint8_t>(); break;
    case 1: b.erase(b.begin() + static_cast<std::ptrdiff_t>(i)); break;
    default: b.resize(i); break;
  }
  return b;
}

// ---- codecs under test, and their mutants -------------------------------------------

using TcgEncode = std::function<Bytes(const tcg::Value&)>;
Bytes tcg_encode(const tcg::Value& v) {
  std::vector<tcg::Token> ts;
  tcg::append_value(ts, v);
  return *tcg::encode_tokens(ts);
}
/// mutant: drops the continued flag of byte atoms
Bytes tcg_encode_drops_continued(const tcg::Value& v) {
  std::vector<tcg::Token> ts;
  tcg::append_value(ts, v);
  for (auto& t : ts) t.sign = t.byte_string ? false : t.sign;
  return *tcg::encode_tokens(ts);
}
Result<tcg::Value> tcg_decode(ByteView b) {
  auto ts = tcg::decode_tokens(b);
  if (!ts) return ts.error();
  std::size_t i = 0;
  auto v = tcg::detail::parse_value(*ts, i, 0);
  if (!v) return v.error();
  if (i != ts->size()) return make_error("trailing tokens");
  return v;
}

using TokenReencode = std::function<Bytes(const std::vector<tcg::Token>&)>;
Bytes reencode_tokens(const std::vector<tcg::Token>& ts) { return *tcg::encode_tokens(ts); }
/// mutant: normalises every integer atom to its minimal form (loses other hosts' widths)
Bytes reencode_minimal(const std::vector<tcg::Token>& ts) {
  std::vector<tcg::Token> out;
  for (const auto& t : ts) {
    auto v = t.type == tcg::TokenType::atom && !t.byte_string ? tcg::atom_value(t) : Result<tcg::Value>(make_error(""));
    if (v && v->kind == tcg::Value::Kind::uint) out.push_back(tcg::uint_atom(v->u));
    else out.push_back(t);
  }
  return *tcg::encode_tokens(out);
}

using PacketEncode = std::function<Bytes(const tcg::ComPacket&)>;
Bytes packet_encode(const tcg::ComPacket& c) { return *tcg::encode_compacket(c); }
/// mutant: forgets the 4-byte subpacket padding
Bytes packet_encode_no_pad(const tcg::ComPacket& c) {
  // the pad bytes end up inside the payload (Subpacket Length counts them)
  tcg::ComPacket d = c;
  for (auto& p : d.packets)
    for (auto& s : p.subpackets)
      while (s.payload.size() % 4) s.payload.push_back(0);
  return *tcg::encode_compacket(d);
}

using KmipEncode = std::function<Bytes(const kmip::Item&)>;
Bytes kmip_encode(const kmip::Item& i) { return *kmip::encode(i); }
/// mutant: writes Interval values as signed 64-bit like DateTime (wrong length)
Bytes kmip_encode_interval_8(const kmip::Item& i) {
  Bytes b = *kmip::encode(i);
  if (i.type == kmip::ItemType::interval) {
    b[7] = 8;
    b[8] = b[9] = b[10] = b[11] = 0;
  }
  return b;
}

using KmipDecode = std::function<Result<kmip::Item>(ByteView)>;
Result<kmip::Item> kmip_decode(ByteView b) { return kmip::decode(b); }
/// mutant: a lenient decoder that ignores non-zero padding (zeroes it before decoding)
Result<kmip::Item> kmip_decode_lenient(ByteView b) {
  if (b.size() == 16 && b[3] == 0x02) {
    Bytes c(b.begin(), b.end());
    c[12] = c[13] = c[14] = c[15] = 0;
    return kmip::decode(c);
  }
  return kmip::decode(b);
}

using L0Emit = std::function<Bytes(const tcg::level0::Discovery&)>;
Bytes l0_emit(const tcg::level0::Discovery& d) { return *tcg::level0::emit(d); }
/// mutant: drops features it does not know (the failure mode the issue forbids)
Bytes l0_emit_known_only(const tcg::level0::Discovery& d) {
  auto e = d;
  std::erase_if(e.features, [](const tcg::level0::Feature& f) { return tcg::level0::spec_for(f.code) == nullptr; });
  return *tcg::level0::emit(e);
}

}  // namespace

TEST_CASE("wire: TCG values round-trip through the token codec") {
  auto prop = [](TcgEncode enc) {
    return [enc] {
      const auto v = gen_tcg_value(3);
      auto back = tcg_decode(enc(v));
      RC_ASSERT(back.ok());
      RC_ASSERT(*back == v);
    };
  };
  lockref::prop::holds("decode(encode(v)) == v", prop(tcg_encode));
  lockref::prop::fails("encoder dropping the continued flag", prop(tcg_encode_drops_continued));
}

TEST_CASE("wire: TCG token decoding of random and mutated bytes is total and exact") {
  auto prop = [](TokenReencode re) {
    return [re] {
      const Bytes b = *rc::gen::oneOf(rc::gen::just(mutate(tcg_encode(gen_tcg_value(2)))),
                                     rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()));
      auto ts = tcg::decode_tokens(b);  // never crashes (ASan/UBSan builds check the reads)
      (void)tcg::decode_items(b);
      (void)tcg::decode_compacket(b);
      if (ts) RC_ASSERT(re(*ts) == b);  // whatever decodes re-encodes to the same bytes
    };
  };
  lockref::prop::holds("encode(decode(b)) == b for every decodable token stream", prop(reencode_tokens));
  lockref::prop::fails("re-encoder normalising integers to minimal form", prop(reencode_minimal));
}

TEST_CASE("wire: ComPacket framing round-trips for random packets") {
  auto prop = [](PacketEncode enc) {
    return [enc] {
      tcg::ComPacket c;
      c.comid = *rc::gen::arbitrary<std::uint16_t>();
      c.comid_ext = *rc::gen::arbitrary<std::uint16_t>();
      c.outstanding = *rc::gen::arbitrary<std::uint32_t>();
      const int np = *rc::gen::inRange(0, 3);
      for (int i = 0; i < np; ++i) {
        tcg::Packet p{*rc::gen::arbitrary<std::uint32_t>(), *rc::gen::arbitrary<std::uint32_t>(), 0, 0, 0, {}};
        const int ns = *rc::gen::inRange(0, 3);
        for (int k = 0; k < ns; ++k)
          p.subpackets.push_back(tcg::Subpacket{0, *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>())});
        c.packets.push_back(std::move(p));
      }
      auto back = tcg::decode_compacket(tcg::pad_transfer(enc(c)));
      RC_ASSERT(back.ok());
      RC_ASSERT(*back == c);
    };
  };
  lockref::prop::holds("decode(pad(encode(c))) == c", prop(packet_encode));
  lockref::prop::fails("encoder that pads payloads into the payload", prop(packet_encode_no_pad));
}

TEST_CASE("wire: KMIP TTLV round-trips for random items") {
  auto prop = [](KmipEncode enc) {
    return [enc] {
      const auto it = gen_kmip_item(3);
      auto back = kmip::decode(enc(it));
      RC_ASSERT(back.ok());
      RC_ASSERT(*back == it);
    };
  };
  lockref::prop::holds("decode(encode(i)) == i", prop(kmip_encode));
  lockref::prop::fails("encoder writing Interval with Length 8", prop(kmip_encode_interval_8));
}

TEST_CASE("wire: KMIP decoding of random and mutated bytes is total and exact") {
  auto prop = [](KmipDecode dec) {
    return [dec] {
      const Bytes b = *rc::gen::oneOf(
          rc::gen::just(mutate(*kmip::encode(gen_kmip_item(2)))),
          rc::gen::map(rc::gen::arbitrary<std::uint32_t>(), [](std::uint32_t pad) {  // an Integer with random padding
            Bytes x = *from_hex("42000002000000040000000800000000");
            put_be(x, pad, 4);
            x.erase(x.begin() + 12, x.begin() + 16);
            return x;
          }));
      auto it = dec(b);  // never crashes
      if (it) RC_ASSERT(*kmip::encode(*it) == b);  // accepted bytes are exactly the canonical encoding
    };
  };
  lockref::prop::holds("encode(decode(b)) == b for every accepted TTLV", prop(kmip_decode));
  lockref::prop::fails("decoder ignoring non-zero padding", prop(kmip_decode_lenient));
}

TEST_CASE("wire: Level 0 Discovery emit/parse keeps every feature byte for byte") {
  auto prop = [](L0Emit emit) {
    return [emit] {
      tcg::level0::Discovery d;
      d.revision = *rc::gen::arbitrary<std::uint32_t>();
      d.vendor = *rc::gen::container<Bytes>(32, rc::gen::arbitrary<std::uint8_t>());
      const int n = *rc::gen::inRange(0, 6);
      for (int i = 0; i < n; ++i) {
        const auto code = *rc::gen::oneOf(rc::gen::element<std::uint16_t>(0x0001, 0x0305, 0x0404, 0x040A, 0x0002, 0x0203),
                                          rc::gen::arbitrary<std::uint16_t>());
        d.features.push_back(tcg::level0::Feature{code, *rc::gen::arbitrary<std::uint8_t>(),
                                                  *rc::gen::container<Bytes>(*rc::gen::inRange<std::size_t>(0, 60), rc::gen::arbitrary<std::uint8_t>())});
      }
      const Bytes b = emit(d);
      auto back = tcg::level0::parse(b);
      RC_ASSERT(back.ok());
      RC_ASSERT(*back == d);
      auto m = tcg::level0::parse(mutate(b));  // mutated responses: an error or a value, never a crash
      if (m) RC_ASSERT(tcg::level0::emit(*m).ok());
    };
  };
  lockref::prop::holds("parse(emit(d)) == d", prop(l0_emit));
  lockref::prop::fails("emitter dropping unknown features", prop(l0_emit_known_only));
}

}  // namespace LOCKREF_UNITY_ID
