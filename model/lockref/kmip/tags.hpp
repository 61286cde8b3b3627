// KMIP tags, item types and enumeration values used by the Key Per I/O application
// note, as data. Every entry appears in a TTLV table of seed 002 §3.4 (Tables 41–70);
// values were transcribed from those tables' "TTLV Tag" / "TTLV Value" columns.
// Tags and enumerations not listed here still encode and decode (shown as hex / numbers).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lockref::kmip {

// KMIP 2.1 §9.1.1.2 item types (one byte after the 3-byte tag).
enum class ItemType : std::uint8_t {
  structure = 0x01,
  integer = 0x02,
  long_integer = 0x03,
  big_integer = 0x04,
  enumeration = 0x05,
  boolean = 0x06,
  text_string = 0x07,
  byte_string = 0x08,
  date_time = 0x09,
  interval = 0x0A,
  date_time_extended = 0x0B,
};

struct TypeInfo {
  ItemType type;
  std::string_view name;  // KMIP XML type attribute
};

inline constexpr std::array item_types{
    TypeInfo{ItemType::structure, "Structure"},     TypeInfo{ItemType::integer, "Integer"},
    TypeInfo{ItemType::long_integer, "LongInteger"}, TypeInfo{ItemType::big_integer, "BigInteger"},
    TypeInfo{ItemType::enumeration, "Enumeration"}, TypeInfo{ItemType::boolean, "Boolean"},
    TypeInfo{ItemType::text_string, "TextString"},  TypeInfo{ItemType::byte_string, "ByteString"},
    TypeInfo{ItemType::date_time, "DateTime"},      TypeInfo{ItemType::interval, "Interval"},
    TypeInfo{ItemType::date_time_extended, "DateTimeExtended"},
};

inline std::optional<ItemType> item_type_from_byte(std::uint8_t b) {
  for (const auto& t : item_types)
    if (static_cast<std::uint8_t>(t.type) == b) return t.type;
  return std::nullopt;
}
inline std::string_view item_type_name(ItemType t) {
  for (const auto& x : item_types)
    if (x.type == t) return x.name;
  return "?";
}
inline std::optional<ItemType> item_type_from_name(std::string_view n) {
  for (const auto& x : item_types)
    if (x.name == n) return x.type;
  return std::nullopt;
}

struct TagInfo {
  std::uint32_t tag;
  std::string_view name;  // KMIP XML element name
  std::string_view first_seen;
};

inline constexpr std::array tags{
    TagInfo{0x420008, "Attribute", "Table 41"},
    TagInfo{0x42000A, "AttributeName", "Table 41"},
    TagInfo{0x42000B, "AttributeValue", "Table 41"},
    TagInfo{0x42000D, "BatchCount", "Table 41"},
    TagInfo{0x42000F, "BatchItem", "Table 41"},
    TagInfo{0x420010, "BatchOrderOption", "Table 62"},
    TagInfo{0x420011, "BlockCipherMode", "Table 45"},
    TagInfo{0x420028, "CryptographicAlgorithm", "Table 41"},
    TagInfo{0x42002A, "CryptographicLength", "Table 41"},
    TagInfo{0x42002B, "CryptographicParameters", "Table 41"},
    TagInfo{0x420036, "EncryptionKeyInformation", "Table 45"},
    TagInfo{0x42003D, "IVCounterNonce", "Table 68"},
    TagInfo{0x420040, "KeyBlock", "Table 41"},
    TagInfo{0x420042, "KeyFormatType", "Table 41"},
    TagInfo{0x420043, "KeyMaterial", "Table 41"},
    TagInfo{0x420045, "KeyValue", "Table 41"},
    TagInfo{0x420046, "KeyWrappingData", "Table 45"},
    TagInfo{0x42004A, "Link", "Table 62"},
    TagInfo{0x42004B, "LinkType", "Table 62"},
    TagInfo{0x42004C, "LinkedObjectIdentifier", "Table 62"},
    TagInfo{0x420057, "ObjectType", "Table 41"},
    TagInfo{0x42005C, "Operation", "Table 41"},
    TagInfo{0x42005F, "PaddingMethod", "Table 58"},
    TagInfo{0x420069, "ProtocolVersion", "Table 41"},
    TagInfo{0x42006A, "ProtocolVersionMajor", "Table 41"},
    TagInfo{0x42006B, "ProtocolVersionMinor", "Table 41"},
    TagInfo{0x420077, "RequestHeader", "Table 41"},
    TagInfo{0x420078, "RequestMessage", "Table 41"},
    TagInfo{0x420079, "RequestPayload", "Table 41"},
    TagInfo{0x42007A, "ResponseHeader", "Table 43"},
    TagInfo{0x42007B, "ResponseMessage", "Table 43"},
    TagInfo{0x42007C, "ResponsePayload", "Table 43"},
    TagInfo{0x42007F, "ResultStatus", "Table 43"},
    TagInfo{0x420083, "KeyRoleType", "Table 41"},
    TagInfo{0x42008F, "SymmetricKey", "Table 41"},
    TagInfo{0x420092, "TimeStamp", "Table 43"},
    TagInfo{0x420093, "UniqueBatchItemID", "Table 41"},
    TagInfo{0x420094, "UniqueIdentifier", "Table 41"},
    TagInfo{0x42009D, "VendorIdentification", "Table 41"},
    TagInfo{0x42009E, "WrappingMethod", "Table 45"},
    TagInfo{0x4200CE, "TagLength", "Table 68"},
    TagInfo{0x4200FF, "AuthenticatedEncryptionTag", "Table 68"},
    TagInfo{0x420102, "MaskGeneratorHashingAlgorithm", "Table 58"},
    TagInfo{0x420125, "Attributes", "Table 41"},
};

inline std::optional<std::string_view> tag_name(std::uint32_t tag) {
  for (const auto& t : tags)
    if (t.tag == tag) return t.name;
  return std::nullopt;
}
inline std::optional<std::uint32_t> tag_from_name(std::string_view n) {
  for (const auto& t : tags)
    if (t.name == n) return t.tag;
  return std::nullopt;
}

/// Enumeration values by the tag that carries them (KMIP XML spelling).
struct EnumInfo {
  std::uint32_t tag;
  std::uint32_t value;
  std::string_view name;
  std::string_view first_seen;
};

inline constexpr std::array enumerations{
    EnumInfo{0x420011, 0x09, "GCM", "Table 68"},
    EnumInfo{0x420011, 0x0D, "NISTKeyWrap", "Table 45"},
    EnumInfo{0x420028, 0x03, "AES", "Table 41"},
    EnumInfo{0x420028, 0x04, "RSA", "Table 58"},
    EnumInfo{0x420042, 0x01, "Raw", "Table 41"},
    EnumInfo{0x420083, 0x03, "DEK", "Table 62"},
    EnumInfo{0x420083, 0x0B, "KEK", "Table 41"},
    EnumInfo{0x42004B, 0x10A, "PreviousLink", "Table 62"},
    EnumInfo{0x42004B, 0x10B, "NextLink", "Table 62"},
    EnumInfo{0x420102, 0x06, "SHA-256", "Table 58"},
    EnumInfo{0x420057, 0x02, "SymmetricKey", "Table 41"},
    EnumInfo{0x42005C, 0x2A, "Import", "Table 41"},
    EnumInfo{0x42005F, 0x02, "OAEP", "Table 58"},
    EnumInfo{0x42007F, 0x00, "Success", "Table 43"},
    EnumInfo{0x42009E, 0x01, "Encrypt", "Table 45"},
};

inline std::optional<std::string_view> enum_name(std::uint32_t tag, std::uint32_t value) {
  for (const auto& e : enumerations)
    if (e.tag == tag && e.value == value) return e.name;
  return std::nullopt;
}
inline std::optional<std::uint32_t> enum_value(std::uint32_t tag, std::string_view name) {
  for (const auto& e : enumerations)
    if (e.tag == tag && e.name == name) return e.value;
  return std::nullopt;
}

}  // namespace lockref::kmip
