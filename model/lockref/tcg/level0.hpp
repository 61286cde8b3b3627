// Level 0 Discovery and Namespace Level 0 Discovery responses (KPIO AN §3.3.2.1
// Table 1, §3.3.2.2 Table 2; header and descriptor framing per TCG Core §3.3.6).
//
//   Header (48 bytes): Length of Parameter Data(4) = total - 4, Data Structure
//   Revision(4), Reserved(8), Vendor Specific(32). Seed tables 1 and 2 list fewer
//   header bytes than their own dumps and Length fields imply; the dumps put the
//   first descriptor at offset 0x30 (errata E-KPIO-L0-1).
//   Feature descriptor: Feature Code(2), Version(1, bits 7:4), Length(1) = bytes that
//   follow, then Length bytes of feature data.
//
// Known features are parsed to typed fields; every descriptor keeps its raw bytes
// (unknown features, reserved bytes, vendor bytes, extra trailing bytes), so
// emit(parse(b)) == b for every well-formed response.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::tcg::level0 {

inline constexpr std::size_t header_size = 48;

/// One typed field of a known feature descriptor: name, offset within the
/// descriptor (from the Feature Code), width in bytes.
struct FieldSpec {
  std::string_view name;
  std::size_t offset;
  std::size_t width;
};

struct FeatureSpec {
  std::uint16_t code;
  std::string_view name;
  std::string_view source;
  std::size_t min_length;  // descriptor Length this layout needs
  std::vector<FieldSpec> fields;
};

/// Layouts of the features Key Per I/O uses, as data.
inline const std::vector<FeatureSpec>& feature_specs() {
  static const std::vector<FeatureSpec> specs{
      {0x0001, "TPer", "KPIO AN §3.3.2.1 Table 1 (TCG Core §3.3.6.4)", 12,
       {{"tper_features", 4, 1}}},  // 0x11 = Sync Supported + Streaming Supported
      {0x0305, "Key Per I/O SSC", "KPIO AN §3.3.2.1 Table 1", 0x2C,
       {{"base_comid_protocol1", 4, 2},
        {"num_comids_protocol1", 6, 2},
        {"base_comid_protocol3", 8, 2},
        {"num_comids_protocol3", 10, 2},
        {"initial_cpin_sid_indicator", 12, 1},
        {"cpin_sid_revert_behavior", 13, 1},
        {"num_admin_authorities", 14, 2},
        {"kpio_features", 16, 1},
        {"max_key_uid_length", 17, 2},
        {"key_injection_protocol_formats", 19, 2},
        {"wrapping_algorithms", 21, 2},
        {"aes_key_wrapping_key_sizes", 23, 2},
        {"rsa_oaep_key_wrapping_key_sizes", 25, 2},
        {"kek_provisioning_models", 27, 2},
        {"num_keks", 32, 4},
        {"total_key_tags", 36, 4},
        {"max_key_tags_per_namespace", 40, 2},
        {"get_nonce_length", 42, 1}}},
      {0x0404, "Supported Data Removal Mechanism", "KPIO AN §3.3.2.1 Table 1", 0x20,
       {{"data_removal_operation_flag", 5, 1},
        {"supported_data_removal_mechanism", 6, 1},
        {"data_removal_time_format", 7, 1},
        {"data_removal_time_bit0", 8, 2},
        {"data_removal_time_bit1", 10, 2},
        {"data_removal_time_bit2", 12, 2},
        {"data_removal_time_bit3", 14, 2},
        {"data_removal_time_bit4", 16, 2},
        {"data_removal_time_bit5", 18, 2}}},
      {0x040A, "Namespace Key Per I/O Capabilities", "KPIO AN §3.3.2.2 Table 2", 0x1C,
       {{"feature_flags", 4, 1}, {"num_allocated_key_tags", 5, 2}}},
  };
  return specs;
}

inline const FeatureSpec* spec_for(std::uint16_t code) {
  for (const auto& s : feature_specs())
    if (s.code == code) return &s;
  return nullptr;
}

struct Field {
  std::string name;
  std::uint64_t value;
  friend bool operator==(const Field&, const Field&) = default;
};

struct Feature {
  std::uint16_t code = 0;
  std::uint8_t version_byte = 0x10;  // bits 7:4 version; low bits as received
  Bytes data;                        // the Length bytes after the 4-byte descriptor header
  friend bool operator==(const Feature&, const Feature&) = default;
};

struct Discovery {
  std::uint32_t revision = 1;
  Bytes reserved = Bytes(8, 0);
  Bytes vendor = Bytes(32, 0);
  std::vector<Feature> features;
  friend bool operator==(const Discovery&, const Discovery&) = default;
};

/// Typed fields of a known feature (empty for unknown codes or short descriptors).
inline std::vector<Field> fields_of(const Feature& f) {
  std::vector<Field> out;
  const FeatureSpec* s = spec_for(f.code);
  if (!s || f.data.size() < s->min_length) return out;
  for (const auto& fs : s->fields) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < fs.width; ++i) v = (v << 8) | f.data[fs.offset - 4 + i];
    out.push_back(Field{std::string(fs.name), v});
  }
  return out;
}

/// Sets a typed field; the layout must know it.
inline Status set_field(Feature& f, std::string_view name, std::uint64_t v) {
  const FeatureSpec* s = spec_for(f.code);
  if (!s) return make_error("feature 0x" + to_hex(Bytes{static_cast<std::uint8_t>(f.code >> 8), static_cast<std::uint8_t>(f.code)}) + " has no typed fields");
  if (f.data.size() < s->min_length) f.data.resize(s->min_length, 0);
  for (const auto& fs : s->fields) {
    if (fs.name != name) continue;
    if (fs.width < 8 && (v >> (8 * fs.width)) != 0)
      return make_error(std::string(name) + ": " + std::to_string(v) + " does not fit " + std::to_string(fs.width) + " byte(s)");
    for (std::size_t i = 0; i < fs.width; ++i)
      f.data[fs.offset - 4 + i] = static_cast<std::uint8_t>(v >> (8 * (fs.width - 1 - i)));
    return ok_status();
  }
  return make_error(std::string(s->name) + " feature has no field \"" + std::string(name) + "\"");
}

inline Result<Bytes> emit(const Discovery& d) {
  if (d.reserved.size() != 8) return make_error("reserved must be 8 bytes");
  if (d.vendor.size() != 32) return make_error("vendor must be 32 bytes");
  Bytes body;
  for (const auto& f : d.features) {
    if (f.data.size() > 255) return make_error("feature data longer than 255 bytes");
    put_be(body, f.code, 2);
    body.push_back(f.version_byte);
    body.push_back(static_cast<std::uint8_t>(f.data.size()));
    body.insert(body.end(), f.data.begin(), f.data.end());
  }
  Bytes out;
  put_be(out, header_size - 4 + body.size(), 4);
  put_be(out, d.revision, 4);
  out.insert(out.end(), d.reserved.begin(), d.reserved.end());
  out.insert(out.end(), d.vendor.begin(), d.vendor.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

/// Parses a (Namespace) Level 0 Discovery response. Bytes after Length+4 (the rest
/// of the 512-byte transfer) must be zero; descriptors must exactly fill Length.
inline Result<Discovery> parse(ByteView b) {
  Reader r(b, "Level 0 Discovery");
  auto len = r.be(4);
  auto rev = r.be(4);
  auto res = r.take(8);
  auto ven = r.take(32);
  if (!ven) return make_error("Level 0 Discovery: a response starts with a 48-byte header, got " + std::to_string(b.size()) + " byte(s)");
  Discovery d;
  d.revision = static_cast<std::uint32_t>(*rev);
  d.reserved.assign(res->begin(), res->end());
  d.vendor.assign(ven->begin(), ven->end());
  const std::size_t total = static_cast<std::size_t>(*len) + 4;
  if (total < header_size) return make_error("Length of Parameter Data (offset 0) is " + std::to_string(*len) + ", less than the 44 header bytes it covers");
  if (total > b.size())
    return make_error("Length of Parameter Data (offset 0) is " + std::to_string(*len) + " but the response has only " +
                      std::to_string(b.size() - 4) + " byte(s) after it");
  for (std::size_t i = total; i < b.size(); ++i)
    if (b[i] != 0) return make_error("non-zero byte at offset " + std::to_string(i) + " after Length of Parameter Data");
  while (r.offset() < total) {
    const std::size_t at = r.offset();
    if (total - at < 4) return make_error("feature descriptor at offset " + std::to_string(at) + ": needs a 4-byte header, " + std::to_string(total - at) + " byte(s) left within Length");
    auto code = r.be(2);
    auto ver = r.be(1);
    auto flen = r.be(1);
    const std::size_t n = static_cast<std::size_t>(*flen);
    if (at + 4 + n > total)
      return make_error("feature 0x" + to_hex(b.subspan(at, 2)) + " at offset " + std::to_string(at) + ": Length " + std::to_string(n) +
                        " runs past Length of Parameter Data (ends at " + std::to_string(total) + ")");
    auto data = r.take(n);
    d.features.push_back(Feature{static_cast<std::uint16_t>(*code), static_cast<std::uint8_t>(*ver), Bytes(data->begin(), data->end())});
  }
  return d;
}

}  // namespace lockref::tcg::level0
