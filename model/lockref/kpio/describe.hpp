// A captured Key Per I/O payload as a person reads it (`lockref decode` of a capture,
// `kpio.decode`): the TCG method calls of a Security Protocol 0x01 ComPacket, the KMIP Import
// of a Security Protocol 0x03 ComPacket and its outcome, the Security Protocol 0x02 command.
// Pure: bytes in, lines out; malformed bytes give the codec's error (with its offset).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lockref/kpio/kmip_import.hpp"
#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/session.hpp"
#include "lockref/tcg/sp02.hpp"

namespace lockref::kpio {

/// Which way a payload travels: IF-SEND (host to TPer) or IF-RECV (TPer to host).
enum class Direction : std::uint8_t { send, recv };

namespace detail {
inline std::string kek_row_name(std::uint64_t uid) {
  if (auto n = tcg::uid_name(uid, tcg::UidKind::object)) return std::string(*n);
  constexpr std::uint64_t base = 0x0000120200010000ull;  // KeyEncryptionKey rows (sp.hpp kek_row_base)
  if (uid > base && uid <= base + 0xFFFF) return "KeyEncryptionKey" + std::to_string(uid - base);
  return "0x" + to_hex(tcg::uid_bytes(uid));
}
inline std::string wrap_name(WrapMethod m) {
  switch (m) {
    case WrapMethod::plaintext: return "plaintext";
    case WrapMethod::aes_kw: return "AES-KW";
    case WrapMethod::aes_gcm: return "AES-GCM";
    case WrapMethod::rsa_oaep: return "RSA-OAEP";
  }
  return "?";
}
inline std::string text_of(const kmip::Item& i) { return std::string(i.bytes.begin(), i.bytes.end()); }
}  // namespace detail

/// One KMIP message: an Import request item by item, or a response's outcome per batch item.
inline std::vector<std::string> describe_kmip(const kmip::Item& m) {
  using detail::child;
  std::vector<std::string> out;
  if (m.tag == tag::request_message) {
    auto parsed = parse_import(m, 0xFFFF);
    if (const auto* f = std::get_if<KmipFailure>(&parsed)) {
      out.push_back("KMIP RequestMessage that a TPer refuses: " + std::string(reason_name(f->reason)) + " (" + f->message + ")");
      return out;
    }
    for (const auto& it : std::get<ImportRequest>(parsed).items) {
      std::string l = "KMIP Import " + std::string(it.is_mek ? "MEK half " : "KEK ") + "\"" + it.kmip_uid + "\"";
      if (it.is_mek) l += " for NSID " + std::to_string(*it.nsid) + " key tag " + std::to_string(*it.key_tag);
      else l += " into " + detail::kek_row_name(*it.row_uid);
      l += ", " + detail::wrap_name(it.method);
      if (it.method != WrapMethod::plaintext) l += " under \"" + it.wrapping_uid + "\"";
      out.push_back(l);
    }
    return out;
  }
  if (m.tag == tag::response_message) {
    for (const auto& bi : m.children) {
      if (bi.tag != tag::batch_item) continue;
      const auto* st = child(bi, tag::result_status);
      const auto* rr = child(bi, tag::result_reason);
      const auto* msg = child(bi, tag::result_message);
      const auto* pl = child(bi, tag::response_payload);
      const auto* uid = pl ? child(*pl, tag::unique_id) : nullptr;
      const std::int64_t status = st ? st->num : -1;
      std::string l = "KMIP Import result ";
      l += status == 0 ? "Success" : status == 1 ? "OperationFailed" : status == 3 ? "OperationUndone" : "status " + std::to_string(status);
      if (rr) {
        const auto name = reason_name(static_cast<KmipReason>(rr->num));
        l += " " + (name == "?" || name.empty() ? "reason " + std::to_string(rr->num) : std::string(name));
      }
      if (uid) l += " \"" + detail::text_of(*uid) + "\"";
      if (msg) l += ": " + detail::text_of(*msg);
      out.push_back(l);
    }
    if (out.empty()) out.push_back("KMIP ResponseMessage without BatchItems");
    return out;
  }
  out.push_back("KMIP item with tag 0x" + to_hex(Bytes{static_cast<std::uint8_t>(m.tag >> 16), static_cast<std::uint8_t>(m.tag >> 8),
                                                       static_cast<std::uint8_t>(m.tag)}) +
                " (neither a RequestMessage nor a ResponseMessage)");
  return out;
}

/// One payload of a capture: protocol 1 (method ComPacket), 2 (Clear Single / Clear All MEKs)
/// or 3 (KMIP ComPacket). Lines start "->" (host to TPer) or "<-" (TPer to host); method
/// calls name their session "[TSN:HSN]" (session manager calls have none).
/// `nsid`: the Namespace ID of the NVMe command that carried a protocol 2 payload, when known.
inline Result<std::vector<std::string>> describe_payload(std::uint8_t protocol, Direction dir, ByteView bytes,
                                                         std::optional<std::uint32_t> nsid = std::nullopt) {
  const std::string arrow = dir == Direction::send ? "-> " : "<- ";
  std::vector<std::string> out;
  switch (protocol) {
    case 1: {
      auto cp = tcg::decode_compacket(bytes);
      if (!cp) return cp.error();
      for (const auto& pk : cp->packets)
        for (const auto& sp : pk.subpackets) {
          auto items = tcg::decode_items(sp.payload);
          if (!items) return make_error("Packet TSN " + std::to_string(pk.tsn) + ": " + items.error().message);
          const std::string ses = pk.tsn || pk.hsn ? "[" + std::to_string(pk.tsn) + ":" + std::to_string(pk.hsn) + "] " : "";
          for (const auto& it : *items) {
            std::string d = tcg::describe_item(it);
            if (d.starts_with("<- ")) d = d.substr(3);  // a method result: the arrow is the direction's
            out.push_back(arrow + ses + d);
          }
        }
      if (out.empty()) out.push_back(arrow + "(an empty ComPacket: nothing to report)");
      return out;
    }
    case 3: {
      auto cp = tcg::decode_raw_compacket(bytes);
      if (!cp) return cp.error();
      if (cp->data.empty()) return std::vector<std::string>{arrow + "(an empty ComPacket: nothing to report)"};
      auto t = kmip::decode_prefix(cp->data);
      if (!t) return t.error();
      for (auto& l : describe_kmip(t->first)) out.push_back(arrow + l);
      return out;
    }
    case 2: {
      if (dir == Direction::send) {
        auto r = tcg::sp02::decode_request(bytes);
        if (!r) return r.error();
        out.push_back(arrow + (r->request_code == tcg::sp02::clear_single_mek
                                   ? "Clear Single MEK, key tag " + std::to_string(r->key_tag)
                                   : std::string("Clear All MEKs")) +
                      (nsid ? ", NSID " + (*nsid == 0xFFFFFFFF ? std::string("FFFFFFFFh (all)") : std::to_string(*nsid))
                            : std::string(" (the NSID travels in the NVMe command)")) +
                      " (ComID 0x" + to_hex(Bytes{static_cast<std::uint8_t>(r->comid >> 8), static_cast<std::uint8_t>(r->comid)}) + ")");
        return out;
      }
      auto r = tcg::sp02::decode_response(bytes);
      if (!r) return r.error();
      out.push_back(arrow + (r->request_code == tcg::sp02::clear_single_mek ? "Clear Single MEK" : "Clear All MEKs") +
                    " status " + std::to_string(r->status) + (r->status == 0 ? " (Success)" : ""));
      return out;
    }
    default: return make_error("protocol " + std::to_string(protocol) + ": expected 1, 2 or 3");
  }
}

}  // namespace lockref::kpio
