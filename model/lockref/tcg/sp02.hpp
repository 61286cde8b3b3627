// Security Protocol 0x02 commands of the Key Per I/O note: Clear Single MEK
// (KPIO AN §3.3.15.4–5, Tables 31–32), Clear All MEKs (§3.3.16.4–5, Tables 34–35) and
// the Get Nonce response payload (§3.4.7.6, Table 66).
//
//   request  (IF_SEND):  0-3 Extended ComID, 4-7 Request Code, [8-9 Key Tag,
//                        10-11 00 04 (Table 31)], rest Reserved up to TRNSFLEN
//   response (IF_RECV):  0-3 Extended ComID, 4-7 Request Code, 8-9 Reserved,
//                        10-11 Length = 4, 12-15 Status, rest Reserved
// Two places of the tables are not self-consistent; both are profile choices with
// errata entries: the Extended ComID bytes (E-KPIO-SP2-2) and the overlapping byte
// ranges of Table 31 (E-KPIO-SP2-1).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::tcg::sp02 {

inline constexpr std::uint32_t clear_single_mek = 3;  // Table 31 "Clear Single MEK Request Code"
inline constexpr std::uint32_t clear_all_meks = 4;    // Table 34 "Clear All MEKs Request Code"

/// How bytes 0-3 ("Extended ComID") are laid out.
enum class ExtComIdLayout : std::uint8_t {
  /// As Tables 31–35 print it for ComID 0x0800: 00 00 08 00, i.e. the 32-bit number
  /// ComIDExtension<<16 | ComID. Model choice: the seed's bytes (E-KPIO-SP2-2).
  seed_tables,
  /// TCG Core: ComID (2 bytes) then ComID Extension (2 bytes): 08 00 00 00.
  tcg_core,
};

struct Profile {
  ExtComIdLayout ext_comid = ExtComIdLayout::seed_tables;  // E-KPIO-SP2-2
  std::size_t transfer_length = 512;                         // TRNSFLEN of the examples (§3.3.1 blocks)
  /// Table 31 lists "10 to 11: 00 04 four Bytes of Data" and "10 to TRNSFLEN-1: Reserved";
  /// model choice: bytes 10-11 carry 00 04 and Reserved starts at 12 (E-KPIO-SP2-1).
  bool clear_single_length_field = true;
};

struct Request {
  std::uint32_t request_code = clear_all_meks;
  std::uint16_t comid = 0x0800;
  std::uint16_t comid_ext = 0;
  std::uint16_t key_tag = 0;  // Clear Single MEK only
  friend bool operator==(const Request&, const Request&) = default;
};

struct Response {
  std::uint32_t request_code = clear_all_meks;
  std::uint16_t comid = 0x0800;
  std::uint16_t comid_ext = 0;
  std::uint32_t status = 0;  // 00 00 00 00 = Success (Tables 32, 35)
  friend bool operator==(const Response&, const Response&) = default;
};

inline void put_ext_comid(Bytes& out, std::uint16_t comid, std::uint16_t ext, const Profile& p) {
  if (p.ext_comid == ExtComIdLayout::seed_tables) {
    put_be(out, ext, 2);
    put_be(out, comid, 2);
  } else {
    put_be(out, comid, 2);
    put_be(out, ext, 2);
  }
}

inline Result<Bytes> encode(const Request& r, const Profile& p = {}) {
  if (r.request_code != clear_single_mek && r.request_code != clear_all_meks)
    return make_error("request code " + std::to_string(r.request_code) + " is neither Clear Single MEK (3) nor Clear All MEKs (4)");
  Bytes out;
  put_ext_comid(out, r.comid, r.comid_ext, p);
  put_be(out, r.request_code, 4);
  if (r.request_code == clear_single_mek) {
    put_be(out, r.key_tag, 2);
    if (p.clear_single_length_field) put_be(out, 4, 2);
  }
  if (out.size() > p.transfer_length) return make_error("transfer length shorter than the request");
  out.resize(p.transfer_length, 0);
  return out;
}

inline Result<Bytes> encode(const Response& r, const Profile& p = {}) {
  Bytes out;
  put_ext_comid(out, r.comid, r.comid_ext, p);
  put_be(out, r.request_code, 4);
  put_be(out, 0, 2);
  put_be(out, 4, 2);  // "four Bytes of Data"
  put_be(out, r.status, 4);
  if (out.size() > p.transfer_length) return make_error("transfer length shorter than the response");
  out.resize(p.transfer_length, 0);
  return out;
}

namespace detail {
inline Status zeros_from(ByteView b, std::size_t from, const char* what) {
  for (std::size_t i = from; i < b.size(); ++i)
    if (b[i] != 0) return make_error(std::string(what) + ": Reserved byte at offset " + std::to_string(i) + " is not zero");
  return ok_status();
}
inline void read_ext_comid(Reader& r, std::uint16_t& comid, std::uint16_t& ext, const Profile& p) {
  auto a = r.be(2), b = r.be(2);
  if (p.ext_comid == ExtComIdLayout::seed_tables) {
    ext = static_cast<std::uint16_t>(*a);
    comid = static_cast<std::uint16_t>(*b);
  } else {
    comid = static_cast<std::uint16_t>(*a);
    ext = static_cast<std::uint16_t>(*b);
  }
}
}  // namespace detail

inline Result<Request> decode_request(ByteView b, const Profile& p = {}) {
  if (b.size() < 16) return make_error("Security Protocol 0x02 request: need at least 16 bytes, got " + std::to_string(b.size()));
  Reader r(b, "SP 0x02 request");
  Request q;
  detail::read_ext_comid(r, q.comid, q.comid_ext, p);
  q.request_code = static_cast<std::uint32_t>(*r.be(4));
  if (q.request_code == clear_all_meks) {
    if (auto z = detail::zeros_from(b, 8, "Clear All MEKs request (Table 34)"); !z) return z.error();
    return q;
  }
  if (q.request_code != clear_single_mek)
    return make_error("offset 4: Request Code " + std::to_string(q.request_code) + " is neither 3 (Clear Single MEK) nor 4 (Clear All MEKs)");
  q.key_tag = static_cast<std::uint16_t>(*r.be(2));
  std::size_t reserved_from = 10;
  if (p.clear_single_length_field) {
    const auto n = *r.be(2);
    if (n != 4) return make_error("offset 10: Clear Single MEK request carries 00 04 (Table 31), got " + std::to_string(n));
    reserved_from = 12;
  }
  if (auto z = detail::zeros_from(b, reserved_from, "Clear Single MEK request (Table 31)"); !z) return z.error();
  return q;
}

inline Result<Response> decode_response(ByteView b, const Profile& p = {}) {
  if (b.size() < 16) return make_error("Security Protocol 0x02 response: need at least 16 bytes, got " + std::to_string(b.size()));
  Reader r(b, "SP 0x02 response");
  Response s;
  detail::read_ext_comid(r, s.comid, s.comid_ext, p);
  s.request_code = static_cast<std::uint32_t>(*r.be(4));
  if (s.request_code != clear_single_mek && s.request_code != clear_all_meks)
    return make_error("offset 4: Request Code " + std::to_string(s.request_code) + " is neither 3 nor 4");
  if (*r.be(2) != 0) return make_error("offset 8: Reserved must be zero");
  const auto n = *r.be(2);
  if (n != 4) return make_error("offset 10: data length must be 4 (Tables 32, 35), got " + std::to_string(n));
  s.status = static_cast<std::uint32_t>(*r.be(4));
  if (auto z = detail::zeros_from(b, 16, "SP 0x02 response"); !z) return z.error();
  return s;
}

/// Get Nonce (Table 66): the payload is the nonce, whose length Level 0 Discovery
/// reports ("Get Nonce Command Nonce Length", Table 1); bytes after it are zero.
inline Result<Bytes> decode_nonce(ByteView b, std::size_t nonce_length) {
  if (nonce_length == 0) return make_error("Get Nonce: Level 0 reports a nonce length of 0");
  if (b.size() < nonce_length)
    return make_error("Get Nonce response: " + std::to_string(b.size()) + " byte(s), nonce length is " + std::to_string(nonce_length));
  if (auto z = detail::zeros_from(b, nonce_length, "Get Nonce response"); !z) return z.error();
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(nonce_length));
}

}  // namespace lockref::tcg::sp02
