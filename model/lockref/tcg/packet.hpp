// TCG ComPacket / Packet / Subpacket framing (TCG Core §3.2.3; every byte table of
// KPIO AN §3.3, e.g. Table 3 and Table 5).
//
//   ComPacket header (20): Reserved(4) ComID(2) ComIDExtension(2) OutstandingData(4)
//                          MinTransfer(4) Length(4)      Length = bytes that follow
//   Packet header (24):    TPerSN(4) HostSN(4) SeqNumber(4) Reserved(2) AckType(2)
//                          Acknowledgement(4) Length(4)  Length = subpackets incl. pad
//   Subpacket header (12): Reserved(6) Kind(2) Length(4) Length = payload WITHOUT pad;
//                          the payload is followed by 0..3 zero bytes to a 4-byte
//                          boundary, "Included in ComPacket and Packet lengths" (Table 5).
// Security Protocol 0x03 (KMIP, KPIO AN §3.4.2.3 Table 40) carries the TTLV message
// directly after the ComPacket header: no Packet, no Subpacket.
// Transfers are whole 512-byte blocks, zero-padded after the ComPacket (§3.3.1).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::tcg {

inline constexpr std::size_t compacket_header_size = 20;
inline constexpr std::size_t packet_header_size = 24;
inline constexpr std::size_t subpacket_header_size = 12;
inline constexpr std::size_t transfer_block = 512;  // KPIO AN §3.3.1

struct Subpacket {
  std::uint16_t kind = 0;  // 0 = data subpacket (Table 3 "Kind")
  Bytes payload;           // token stream, without the 4-byte alignment pad
  friend bool operator==(const Subpacket&, const Subpacket&) = default;
};

struct Packet {
  std::uint32_t tsn = 0;  // TPer session number
  std::uint32_t hsn = 0;  // host session number
  std::uint32_t seq = 0;
  std::uint16_t ack_type = 0;
  std::uint32_t ack = 0;
  std::vector<Subpacket> subpackets;
  friend bool operator==(const Packet&, const Packet&) = default;
};

struct ComPacket {
  std::uint16_t comid = 0;
  std::uint16_t comid_ext = 0;
  std::uint32_t outstanding = 0;
  std::uint32_t min_transfer = 0;
  std::vector<Packet> packets;  // Security Protocol 0x01/0x02 method traffic
  friend bool operator==(const ComPacket&, const ComPacket&) = default;
};

inline std::size_t pad4(std::size_t n) { return (4 - n % 4) % 4; }

inline Result<Bytes> encode_compacket(const ComPacket& c) {
  Bytes body;
  for (const auto& p : c.packets) {
    Bytes subs;
    for (const auto& s : p.subpackets) {
      if (s.payload.size() > 0xFFFFFFFFu) return make_error("subpacket payload longer than 2^32-1");
      put_be(subs, 0, 6);
      put_be(subs, s.kind, 2);
      put_be(subs, s.payload.size(), 4);
      subs.insert(subs.end(), s.payload.begin(), s.payload.end());
      subs.insert(subs.end(), pad4(s.payload.size()), 0);
    }
    put_be(body, p.tsn, 4);
    put_be(body, p.hsn, 4);
    put_be(body, p.seq, 4);
    put_be(body, 0, 2);
    put_be(body, p.ack_type, 2);
    put_be(body, p.ack, 4);
    put_be(body, subs.size(), 4);
    body.insert(body.end(), subs.begin(), subs.end());
  }
  Bytes out;
  put_be(out, 0, 4);
  put_be(out, c.comid, 2);
  put_be(out, c.comid_ext, 2);
  put_be(out, c.outstanding, 4);
  put_be(out, c.min_transfer, 4);
  put_be(out, body.size(), 4);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

/// A Security Protocol 0x03 ComPacket: header then the raw (TTLV) payload.
inline Bytes encode_raw_compacket(std::uint16_t comid, std::uint16_t comid_ext, ByteView payload) {
  Bytes out;
  put_be(out, 0, 4);
  put_be(out, comid, 2);
  put_be(out, comid_ext, 2);
  put_be(out, 0, 8);
  put_be(out, payload.size(), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

/// Pads to a whole number of 512-byte blocks (KPIO AN §3.3.1).
inline Bytes pad_transfer(Bytes b) {
  const std::size_t r = b.size() % transfer_block;
  if (r != 0 || b.empty()) b.insert(b.end(), transfer_block - r, 0);
  return b;
}

namespace detail {
inline Status expect_zero(ByteView v, std::size_t base, const std::string& what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] != 0)
      return make_error(what + ": non-zero byte 0x" + to_hex(v.subspan(i, 1)) + " at offset " +
                        std::to_string(base + i) + " (must be zero)");
  return ok_status();
}
}  // namespace detail

struct RawComPacket {
  std::uint16_t comid = 0;
  std::uint16_t comid_ext = 0;
  std::uint32_t outstanding = 0;
  std::uint32_t min_transfer = 0;
  std::size_t length = 0;
  Bytes data;  // the Length bytes after the header
  friend bool operator==(const RawComPacket&, const RawComPacket&) = default;
};

/// Reads a ComPacket header and its Length bytes; bytes after it (the transfer pad)
/// must be zero. Reserved must be zero.
inline Result<RawComPacket> decode_raw_compacket(ByteView b) {
  Reader r(b, "ComPacket");
  RawComPacket c;
  auto res = r.take(4);
  if (!res) return res.error();
  if (auto z = detail::expect_zero(*res, 0, "ComPacket Reserved"); !z) return z.error();
  // ComID(2) ComID extension(2) OutstandingData(4) MinTransfer(4) Length(4) (Core 3.2.3)
  auto head = r.be_fields<5>({2, 2, 4, 4, 4});
  if (!head) return head.error();
  const auto [comid, ext, out, mt, len] = *head;
  c.comid = static_cast<std::uint16_t>(comid);
  c.comid_ext = static_cast<std::uint16_t>(ext);
  c.outstanding = static_cast<std::uint32_t>(out);
  c.min_transfer = static_cast<std::uint32_t>(mt);
  c.length = static_cast<std::size_t>(len);
  if (c.length > r.remaining())
    return make_error("ComPacket Length (offset 16) is " + std::to_string(c.length) + " but only " +
                      std::to_string(r.remaining()) + " byte(s) follow the header");
  auto data = r.take(c.length);
  c.data.assign(data->begin(), data->end());
  auto rest = r.take(r.remaining());
  if (auto z = detail::expect_zero(*rest, compacket_header_size + c.length, "transfer padding after the ComPacket"); !z)
    return z.error();
  return c;
}

/// Decodes a Security Protocol 0x01/0x02 ComPacket (with Packets and Subpackets).
inline Result<ComPacket> decode_compacket(ByteView b) {
  auto raw = decode_raw_compacket(b);
  if (!raw) return raw.error();
  ComPacket c{raw->comid, raw->comid_ext, raw->outstanding, raw->min_transfer, {}};
  const ByteView body(raw->data);
  std::size_t pos = 0;
  while (pos < body.size()) {
    const std::size_t pbase = compacket_header_size + pos;
    Reader r(body.subspan(pos), "Packet at offset " + std::to_string(pbase));
    Packet p;
    auto ids = r.be_fields<3>({4, 4, 4});  // TSN, HSN, SeqNumber
    if (!ids) return ids.error();
    auto res = r.take(2);
    if (!res) return res.error();
    if (auto z = detail::expect_zero(*res, pbase + 12, "Packet Reserved"); !z) return z.error();
    auto acks = r.be_fields<3>({2, 4, 4});  // AckType, Acknowledgement, Length
    if (!acks) return acks.error();
    p.tsn = static_cast<std::uint32_t>((*ids)[0]);
    p.hsn = static_cast<std::uint32_t>((*ids)[1]);
    p.seq = static_cast<std::uint32_t>((*ids)[2]);
    p.ack_type = static_cast<std::uint16_t>((*acks)[0]);
    p.ack = static_cast<std::uint32_t>((*acks)[1]);
    const std::size_t plen = static_cast<std::size_t>((*acks)[2]);
    if (plen > r.remaining())
      return make_error("Packet Length (offset " + std::to_string(pbase + 20) + ") is " + std::to_string(plen) +
                        " but the ComPacket has only " + std::to_string(r.remaining()) + " byte(s) left");
    auto sub_bytes = r.take(plen);
    std::size_t spos = 0;
    while (spos < plen) {
      const std::size_t sbase = pbase + packet_header_size + spos;
      Reader s(sub_bytes->subspan(spos), "Subpacket at offset " + std::to_string(sbase));
      auto sres = s.take(6);
      if (!sres) return sres.error();
      if (auto z = detail::expect_zero(*sres, sbase, "Subpacket Reserved"); !z) return z.error();
      auto kl = s.be_fields<2>({2, 4});  // Kind, Length
      if (!kl) return kl.error();
      const std::size_t n = static_cast<std::size_t>((*kl)[1]);
      if (n > s.remaining())
        return make_error("Subpacket Length (offset " + std::to_string(sbase + 8) + ") is " + std::to_string(n) +
                          " but the Packet has only " + std::to_string(s.remaining()) + " byte(s) left");
      auto payload = s.take(n);
      const std::size_t pad = std::min(pad4(n), s.remaining());
      if (pad != pad4(n))
        return make_error("Subpacket at offset " + std::to_string(sbase) + ": payload of " + std::to_string(n) +
                          " byte(s) must be followed by " + std::to_string(pad4(n)) +
                          " pad byte(s) inside the Packet Length");
      auto padb = s.take(pad);
      if (auto z = detail::expect_zero(*padb, sbase + subpacket_header_size + n, "Subpacket pad"); !z) return z.error();
      p.subpackets.push_back(Subpacket{static_cast<std::uint16_t>((*kl)[0]), Bytes(payload->begin(), payload->end())});
      spos += subpacket_header_size + n + pad;
    }
    c.packets.push_back(std::move(p));
    pos += packet_header_size + plen;
  }
  return c;
}

}  // namespace lockref::tcg
