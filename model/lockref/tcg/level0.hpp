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
// Known features (feature_specs(): the common TCG set, each layout citing its specification
// and table) are parsed to typed fields and named flag bits; every descriptor keeps its raw
// bytes (unknown features, reserved bytes, vendor bytes, extra trailing bytes), so
// emit(parse(b)) == b for every well-formed response. parse_partial decodes a cut or
// inconsistent capture as far as it goes and names each problem with its offset.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"

namespace lockref::tcg::level0 {

inline constexpr std::size_t header_size = 48;

/// One typed field of a known feature descriptor: name, offset within the descriptor (from
/// the Feature Code, as the specifications number bytes), width in bytes. A flag (FeatureSpec::
/// flags) is one byte at `offset` and `mask` selects its bits; its value is shifted down.
struct FieldSpec {
  std::string_view name;
  std::size_t offset;
  std::size_t width;
  std::uint8_t mask = 0;
};

struct FeatureSpec {
  std::uint16_t code;
  std::string_view name;
  std::string_view source;
  std::size_t min_length;  // the descriptor Length the specification defines (data bytes after byte 3)
  std::vector<FieldSpec> fields;
  std::vector<FieldSpec> flags = {};  // named bits (flags_of); each cites `source`
};

namespace detail {
// Layouts shared by several SSCs.
inline std::vector<FieldSpec> comid_fields() { return {{"base_comid", 4, 2}, {"num_comids", 6, 2}}; }
inline std::vector<FieldSpec> opal2_fields() {  // Opal SSC v2.30 §3.1.1.5 Table 6; Ruby reuses it
  return {{"base_comid", 4, 2},
          {"num_comids", 6, 2},
          {"num_locking_admin_authorities", 9, 2},
          {"num_locking_user_authorities", 11, 2},
          {"initial_cpin_sid_indicator", 13, 1},
          {"cpin_sid_revert_behavior", 14, 1}};
}
inline std::vector<FieldSpec> pyrite_fields() {  // Opalite / Pyrite: no Range Crossing, no authority counts
  return {{"base_comid", 4, 2}, {"num_comids", 6, 2}, {"initial_cpin_sid_indicator", 13, 1}, {"cpin_sid_revert_behavior", 14, 1}};
}
inline std::vector<FieldSpec> geometry_fields() {
  return {{"logical_block_size", 12, 4}, {"alignment_granularity", 16, 8}, {"lowest_aligned_lba", 24, 8}};
}
}  // namespace detail

/// Layouts of the Level 0 feature descriptors, as data. Byte offsets count from the Feature
/// Code (byte 0) as every table below does; bit 0 is the least significant bit.
inline const std::vector<FeatureSpec>& feature_specs() {
  using namespace detail;
  static const std::vector<FeatureSpec> specs{
      {0x0001, "TPer", "Opal SSC v2.30 §3.1.1.2 Table 3 (TCG Core §3.3.6.4); KPIO AN §3.3.2.1 Table 1", 0x0C,
       {{"tper_features", 4, 1}},  // 0x11 = Sync Supported + Streaming Supported (KPIO AN Table 1)
       {{"sync_supported", 4, 1, 0x01},
        {"async_supported", 4, 1, 0x02},
        {"ack_nak_supported", 4, 1, 0x04},
        {"buffer_mgmt_supported", 4, 1, 0x08},
        {"streaming_supported", 4, 1, 0x10},
        {"comid_mgmt_supported", 4, 1, 0x40}}},
      {0x0002, "Locking", "Opal SSC v2.30 §3.1.1.3 Table 4 (TCG Core §3.3.6.5)", 0x0C,
       {},
       {{"locking_supported", 4, 1, 0x01},
        {"locking_enabled", 4, 1, 0x02},
        {"locked", 4, 1, 0x04},
        {"media_encryption", 4, 1, 0x08},
        {"mbr_enabled", 4, 1, 0x10},
        {"mbr_done", 4, 1, 0x20},
        {"mbr_shadowing_not_supported", 4, 1, 0x40},
        {"hw_reset_for_lor_dor_supported", 4, 1, 0x80}}},
      {0x0003, "Geometry Reporting", "Opal SSC v2.30 §3.1.1.4 Table 5", 0x1C, geometry_fields(), {{"align", 4, 1, 0x01}}},
      {0x0100, "Enterprise SSC", "Enterprise SSC v1.01 §3.6.2 (Level 0 Discovery, Enterprise SSC Feature)", 0x1C, comid_fields(),
       {{"range_crossing", 8, 1, 0x01}}},
      {0x0200, "Opal SSC V1", "Opal SSC v1.00 §3.1.1.4 (Opal SSC Feature)", 0x0C, comid_fields(), {{"range_crossing", 8, 1, 0x01}}},
      {0x0201, "Single User Mode", "Opal Feature Set: Single User Mode v1.00 §4.2.1 (Level 0 SUM Feature Descriptor)", 0x0C,
       {{"num_locking_objects_supported", 4, 4}},
       {{"any", 8, 1, 0x01}, {"all", 8, 1, 0x02}, {"policy", 8, 1, 0x04}}},
      {0x0202, "Additional DataStore Tables", "Opal Feature Set: Additional DataStore Tables v1.00 §4.1.1 (DataStore Table Feature Descriptor)",
       0x0C, {{"max_datastore_tables", 6, 2}, {"max_datastore_total_size", 8, 4}, {"datastore_table_size_alignment", 12, 4}}},
      {0x0203, "Opal SSC V2", "Opal SSC v2.30 §3.1.1.5 Table 6 (minor versions Table 7)", 0x10, opal2_fields(),
       {{"range_crossing_behavior", 8, 1, 0x01}}},
      {0x0301, "Opalite SSC", "Opalite SSC v1.00 §3.1.1.4 (Opalite SSC Feature Descriptor)", 0x10, pyrite_fields()},
      {0x0302, "Pyrite SSC V1", "Pyrite SSC v1.00 §3.1.1.4 (Pyrite SSC Feature Descriptor)", 0x10, pyrite_fields()},
      {0x0303, "Pyrite SSC V2", "Pyrite SSC v2.00 §3.1.1.4 (Pyrite SSC Feature Descriptor)", 0x10, pyrite_fields()},
      {0x0304, "Ruby SSC", "Ruby SSC v1.00 §3.1.1.5 (Ruby SSC Feature Descriptor, Opal V2 layout)", 0x10, opal2_fields(),
       {{"range_crossing_behavior", 8, 1, 0x01}}},
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
      {0x0402, "Block SID Authentication", "Feature Set: Block SID Authentication v1.00 §4.1.1 (Block SID Authentication Feature Descriptor)",
       0x0C, {},
       {{"sid_value_state", 4, 1, 0x01},
        {"sid_authentication_blocked_state", 4, 1, 0x02},
        {"locking_sp_freeze_lock_supported", 4, 1, 0x04},
        {"locking_sp_freeze_lock_state", 4, 1, 0x08},
        {"hardware_reset", 5, 1, 0x01}}},
      {0x0403, "Configurable Namespace Locking",
       "Opal Feature Set: Configurable Namespace Locking v1.00 §4.1.1 (Namespace Locking Feature Descriptor)", 0x10,
       {{"max_key_count", 8, 4}, {"unused_key_count", 12, 4}, {"max_ranges_per_namespace", 16, 4}},
       {{"range_p", 4, 1, 0x40}, {"range_c", 4, 1, 0x80}}},
      {0x0404, "Supported Data Removal Mechanism", "Opal SSC v2.30 §3.1.1.6 Table 8, Table 10; KPIO AN §3.3.2.1 Table 1", 0x20,
       {{"data_removal_operation_flag", 5, 1},
        {"supported_data_removal_mechanism", 6, 1},
        {"data_removal_time_format", 7, 1},
        {"data_removal_time_bit0", 8, 2},
        {"data_removal_time_bit1", 10, 2},
        {"data_removal_time_bit2", 12, 2},
        {"data_removal_time_bit3", 14, 2},
        {"data_removal_time_bit4", 16, 2},
        {"data_removal_time_bit5", 18, 2}},
       {{"data_removal_operation_processing", 5, 1, 0x01},
        {"data_removal_operation_interrupted", 5, 1, 0x02},
        {"overwrite_data_erase", 6, 1, 0x01},
        {"block_erase", 6, 1, 0x02},
        {"cryptographic_erase", 6, 1, 0x04},
        {"vendor_specific_erase", 6, 1, 0x20},
        {"time_format_bit0_minutes", 7, 1, 0x01},
        {"time_format_bit1_minutes", 7, 1, 0x02},
        {"time_format_bit2_minutes", 7, 1, 0x04},
        {"time_format_bit5_minutes", 7, 1, 0x20}}},
      {0x0405, "Namespace Geometry Reporting", "Opal Feature Set: Configurable Namespace Locking v1.00 §4.1.2 (Namespace Geometry Reporting)",
       0x1C, geometry_fields(), {{"align", 4, 1, 0x01}}},
      {0x040A, "Namespace Key Per I/O Capabilities", "KPIO AN §3.3.2.2 Table 2", 0x1C,
       {{"feature_flags", 4, 1}, {"num_allocated_key_tags", 5, 2}},
       {{"managed_by_key_per_io", 4, 1, 0x01}}},
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

namespace detail {
inline std::uint64_t read_field(const Feature& f, const FieldSpec& fs) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < fs.width; ++i) v = (v << 8) | f.data[fs.offset - 4 + i];
  if (fs.mask == 0) return v;
  v &= fs.mask;
  for (std::uint8_t m = fs.mask; (m & 1) == 0; m = static_cast<std::uint8_t>(m >> 1)) v >>= 1;
  return v;
}
inline bool fits(const Feature& f, const FieldSpec& fs) { return fs.offset >= 4 && fs.offset - 4 + fs.width <= f.data.size(); }
}  // namespace detail

/// Typed fields of a known feature (empty for unknown codes or descriptors shorter than the
/// Length the specification defines).
inline std::vector<Field> fields_of(const Feature& f) {
  std::vector<Field> out;
  const FeatureSpec* s = spec_for(f.code);
  if (!s || f.data.size() < s->min_length) return out;
  for (const auto& fs : s->fields) out.push_back(Field{std::string(fs.name), detail::read_field(f, fs)});
  return out;
}

/// The numeric fields whose bytes the descriptor holds, however short it is (a cut capture is
/// decoded as far as it goes).
inline std::vector<Field> fields_within(const Feature& f) {
  std::vector<Field> out;
  if (const FeatureSpec* s = spec_for(f.code))
    for (const auto& fs : s->fields)
      if (detail::fits(f, fs)) out.push_back(Field{std::string(fs.name), detail::read_field(f, fs)});
  return out;
}

/// The named flag bits the descriptor holds (each 0 or 1, or the masked value).
inline std::vector<Field> flags_of(const Feature& f) {
  std::vector<Field> out;
  if (const FeatureSpec* s = spec_for(f.code))
    for (const auto& fs : s->flags)
      if (detail::fits(f, fs)) out.push_back(Field{std::string(fs.name), detail::read_field(f, fs)});
  return out;
}

/// What a field value means, where the specification enumerates it ("" otherwise).
inline std::string_view meaning(std::uint16_t code, std::string_view field, std::uint64_t v) {
  if (field == "initial_cpin_sid_indicator")  // Opal SSC v2.30 §3.1.1.5, KPIO AN Table 1
    return v == 0x00 ? "initial C_PIN_SID PIN is the C_PIN_MSID PIN" : v == 0xFF ? "initial C_PIN_SID PIN is vendor unique" : "reserved value";
  if (field == "cpin_sid_revert_behavior")
    return v == 0x00 ? "C_PIN_SID PIN becomes the C_PIN_MSID PIN on TPer Revert"
           : v == 0xFF ? "C_PIN_SID PIN after TPer Revert is vendor unique" : "reserved value";
  if (field == "range_crossing_behavior" || field == "range_crossing")
    return v ? "the TPer refuses commands that cross Locking range boundaries" : "commands may cross Locking range boundaries";
  if (field.rfind("time_format_bit", 0) == 0)  // Opal SSC v2.30 Tables 11, 12
    return v ? "Data Removal Time in units of 2 minutes" : "Data Removal Time in units of 2 seconds";
  if (field == "sid_value_state") return v ? "C_PIN_SID PIN differs from C_PIN_MSID PIN" : "C_PIN_SID PIN equals C_PIN_MSID PIN";
  if (field == "sid_authentication_blocked_state") return v ? "SID authentication blocked until the next power cycle/reset" : "SID authentication not blocked";
  (void)code;
  return "";
}

/// The SSC minor version (Feature Descriptor version byte bits 3:0) where the specification
/// names it: Opal SSC v2.30 Table 7.
inline std::string_view minor_version_name(std::uint16_t code, std::uint8_t version_byte) {
  if (code != 0x0203) return "";
  switch (version_byte & 0x0F) {
    case 0x0: return "Opal SSC v2.00";
    case 0x1: return "Opal SSC v2.01";
    case 0x2: return "Opal SSC v2.02";
    case 0x3: return "Opal SSC v2.30";
    default: return "reserved";
  }
}

/// Seed 000 "TCG Opal Security Mode Unauthenticated Services", Show Status: "TCG Level 0
/// Discovery: CC Security Mode Operating Mode Indicator (Byte 30, Bit 0) = 1". The guide
/// names no structure for "Byte 30"; lockref reads byte 30 of the response, inside the
/// header's Vendor Specific field (bytes 16-47, Opal SSC v2.30 Table 2) (errata
/// E-OPAL-L0-BYTE30).
inline constexpr std::size_t cc_indicator_offset = 30;
inline bool cc_mode_indicator(const Discovery& d) { return (d.vendor[cc_indicator_offset - 16] & 0x01) != 0; }

/// Sets a typed field or flag; the layout must know it. A short descriptor grows to the
/// Length the specification defines.
inline Status set_field(Feature& f, std::string_view name, std::uint64_t v) {
  const FeatureSpec* s = spec_for(f.code);
  if (!s) return make_error("feature 0x" + to_hex(Bytes{static_cast<std::uint8_t>(f.code >> 8), static_cast<std::uint8_t>(f.code)}) + " has no typed fields");
  for (const auto* list : {&s->fields, &s->flags})
    for (const auto& fs : *list) {
      if (fs.name != name) continue;
      if (f.data.size() < s->min_length) f.data.resize(s->min_length, 0);
      if (fs.mask != 0) {
        std::uint8_t shift = 0;
        while (((fs.mask >> shift) & 1) == 0) ++shift;
        if ((v << shift) & ~std::uint64_t{fs.mask})
          return make_error(std::string(name) + ": " + std::to_string(v) + " does not fit the flag's bits");
        auto& byte = f.data[fs.offset - 4];
        byte = static_cast<std::uint8_t>((byte & ~fs.mask) | (v << shift));
        return ok_status();
      }
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

/// A Level 0 response decoded as far as its bytes go: every complete part, the descriptor a
/// cut or inconsistent capture ends in (its data as far as present), and each problem with
/// its byte offset.
struct Problem {
  std::size_t offset;
  std::string message;
};
struct Partial {
  std::optional<std::uint32_t> length_field;  // Length of Parameter Data, if its 4 bytes are present
  std::optional<std::uint32_t> revision;
  bool header_complete = false;
  Discovery d;                        // header fields and every descriptor decoded
  std::vector<std::size_t> offsets;   // byte offset of each descriptor in d.features
  std::optional<std::size_t> cut;     // index in d.features of a descriptor whose data is cut short
  std::size_t declared_length = 0;    // the descriptor Length of the cut one
  std::vector<Problem> problems;      // empty: well-formed
};

inline std::string feature_label(std::uint16_t code) {
  std::string s = "feature 0x" + to_hex(Bytes{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)});
  if (const FeatureSpec* sp = spec_for(code)) s += " (" + std::string(sp->name) + ")";
  return s;
}

/// Never reads out of bounds; memory linear in the input.
inline Partial parse_partial(ByteView b) {
  Partial p;
  auto be = [&](std::size_t at, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[at + i];
    return v;
  };
  auto problem = [&](std::size_t at, std::string m) { p.problems.push_back(Problem{at, std::move(m)}); };
  if (b.size() >= 4) p.length_field = static_cast<std::uint32_t>(be(0, 4));
  if (b.size() >= 8) p.revision = static_cast<std::uint32_t>(be(4, 4));
  if (b.size() < header_size) {
    problem(b.size(), "Level 0 Discovery: a response starts with a 48-byte header, got " + std::to_string(b.size()) +
                          " byte(s)" + (p.length_field ? " (Length of Parameter Data " + std::to_string(*p.length_field) + " declares " +
                                                            std::to_string(std::uint64_t{*p.length_field} + 4) + ")" : std::string()));
    return p;
  }
  p.header_complete = true;
  p.d.revision = *p.revision;
  p.d.reserved.assign(b.begin() + 8, b.begin() + 16);
  p.d.vendor.assign(b.begin() + 16, b.begin() + 48);
  const std::uint64_t total = std::uint64_t{*p.length_field} + 4;
  if (total < header_size) {
    problem(0, "Length of Parameter Data (offset 0) is " + std::to_string(*p.length_field) + ", less than the 44 header bytes it covers");
    return p;
  }
  if (total > b.size())
    problem(b.size(), "Length of Parameter Data (offset 0) is " + std::to_string(*p.length_field) + " but the response has only " +
                          std::to_string(b.size() - 4) + " byte(s) after it: the capture is cut at offset " + std::to_string(b.size()) +
                          ", " + std::to_string(total - b.size()) + " byte(s) missing");
  const std::size_t end = static_cast<std::size_t>(std::min<std::uint64_t>(total, b.size()));
  std::size_t at = header_size;
  while (at < end) {
    if (end - at < 4) {
      if (end == total)
        problem(at, "feature descriptor at offset " + std::to_string(at) + ": needs a 4-byte header, " + std::to_string(end - at) +
                        " byte(s) left within Length");
      else
        problem(at, "feature descriptor at offset " + std::to_string(at) + ": its 4-byte header is cut, " + std::to_string(end - at) +
                        " byte(s) present");
      break;
    }
    const auto code = static_cast<std::uint16_t>(be(at, 2));
    const auto ver = static_cast<std::uint8_t>(b[at + 2]);
    const std::size_t n = b[at + 3];
    const std::size_t have = std::min(n, end - at - 4);
    p.offsets.push_back(at);
    p.d.features.push_back(Feature{code, ver, Bytes(b.begin() + static_cast<std::ptrdiff_t>(at + 4),
                                                    b.begin() + static_cast<std::ptrdiff_t>(at + 4 + have))});
    if (have < n) {
      p.cut = p.d.features.size() - 1;
      p.declared_length = n;
      if (at + 4 + n > total)
        problem(at, "feature 0x" + to_hex(b.subspan(at, 2)) + " at offset " + std::to_string(at) + ": Length " + std::to_string(n) +
                        " runs past Length of Parameter Data (ends at " + std::to_string(total) + ")");
      else
        problem(at, feature_label(code) + " at offset " + std::to_string(at) + " is cut: its Length " + std::to_string(n) +
                        " needs bytes " + std::to_string(at + 4) + ".." + std::to_string(at + 3 + n) + ", only " + std::to_string(have) +
                        " present");
      break;
    }
    at += 4 + n;
  }
  for (std::size_t i = end; i < b.size(); ++i)
    if (b[i] != 0) {
      problem(i, "non-zero byte at offset " + std::to_string(i) + " after Length of Parameter Data");
      break;
    }
  return p;
}

/// Parses a (Namespace) Level 0 Discovery response. Bytes after Length+4 (the rest of the
/// 512-byte transfer) must be zero; descriptors must exactly fill Length. The first problem
/// parse_partial finds is the error.
inline Result<Discovery> parse(ByteView b) {
  Partial p = parse_partial(b);
  if (!p.problems.empty()) return make_error(p.problems.front().message);
  return std::move(p.d);
}

}  // namespace lockref::tcg::level0
