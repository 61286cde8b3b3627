// KMIP Import requests of the Key Per I/O Key Injection Interface (Security Protocol 0x03;
// seed 002 §3.4.2–§3.4.7, Tables 41, 45, 50, 58, 62, 68) and the responses a TPer returns
// (Tables 43, 47, 52, 60, 64, 70).
//
// parse_import() validates a RequestMessage as the note's XML annotations require and as a
// KMIP server would, answering with the KMIP ResultReason (KMIP 2.1 §11 "Result Reason
// Enumeration"; values cross-checked against PyKMIP's enums.ResultReason in
// tests/oracle/test_kpio.py):
//   "Protocol version required"                                 -> InvalidMessage
//   protocol version other than 2.1 (the note's)                -> UnsupportedProtocolVersion
//   "BatchCount required", BatchCount = number of BatchItems    -> InvalidMessage
//   "BatchErrorContinuationOption shall not be present if BatchCount <= 1" -> InvalidMessage
//   "BatchOrderOption is required if BatchCount > 1"            -> InvalidMessage
//   "UniqueBatchItemID required if BatchCount > 1"              -> InvalidMessage
//   Operation other than Import                                 -> OperationNotSupported
//   a required field absent (UniqueIdentifier, KeyBlock, ...)   -> MissingData
//   a field present with a value the note does not allow        -> InvalidField
//   GCM without TagLength 16 equal to the tag's length          -> InvalidField
//   MEK halves that do not name each other (Link), or differ in NamespaceID / KeyTag -> InvalidField
// What the TPer then does with a well-formed request (guards of §3.2) is kpio/sp.hpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lockref/kmip/ttlv.hpp"

namespace lockref::kpio {

/// KMIP ResultReason values used here (KMIP 2.1 §11; PyKMIP enums.ResultReason).
enum class KmipReason : std::uint32_t {
  none = 0,
  item_not_found = 0x01,
  invalid_message = 0x04,
  operation_not_supported = 0x05,
  missing_data = 0x06,
  invalid_field = 0x07,
  feature_not_supported = 0x08,
  cryptographic_failure = 0x0A,
  permission_denied = 0x0C,
  index_out_of_bounds = 0x0E,
  unsupported_protocol_version = 0x3F,
};
inline std::string_view reason_name(KmipReason r) {
  switch (r) {
    case KmipReason::none: return "";
    case KmipReason::item_not_found: return "ItemNotFound";
    case KmipReason::invalid_message: return "InvalidMessage";
    case KmipReason::operation_not_supported: return "OperationNotSupported";
    case KmipReason::missing_data: return "MissingData";
    case KmipReason::invalid_field: return "InvalidField";
    case KmipReason::feature_not_supported: return "FeatureNotSupported";
    case KmipReason::cryptographic_failure: return "CryptographicFailure";
    case KmipReason::permission_denied: return "PermissionDenied";
    case KmipReason::index_out_of_bounds: return "IndexOutOfBounds";
    case KmipReason::unsupported_protocol_version: return "UnsupportedProtocolVersion";
  }
  return "?";
}

namespace tag {  // KMIP tags (kmip/tags.hpp names them; these are the ones the SP reads)
inline constexpr std::uint32_t attribute = 0x420008, attribute_name = 0x42000A, attribute_value = 0x42000B,
                               batch_count = 0x42000D, batch_error_continuation = 0x42000E, batch_item = 0x42000F,
                               batch_order = 0x420010, block_cipher_mode = 0x420011, crypto_algorithm = 0x420028,
                               crypto_length = 0x42002A, crypto_params = 0x42002B, enc_key_info = 0x420036,
                               iv = 0x42003D, key_block = 0x420040, key_format = 0x420042, key_material = 0x420043,
                               key_value = 0x420045, key_wrapping_data = 0x420046, link = 0x42004A,
                               link_type = 0x42004B, linked_id = 0x42004C, object_type = 0x420057,
                               operation = 0x42005C, padding = 0x42005F, protocol_version = 0x420069,
                               pv_major = 0x42006A, pv_minor = 0x42006B, request_header = 0x420077,
                               request_message = 0x420078, request_payload = 0x420079, response_header = 0x42007A,
                               response_message = 0x42007B, response_payload = 0x42007C, result_message = 0x42007D,
                               result_reason = 0x42007E, result_status = 0x42007F, key_role = 0x420083,
                               symmetric_key = 0x42008F, time_stamp = 0x420092, batch_item_id = 0x420093,
                               unique_id = 0x420094, vendor_id = 0x42009D, wrapping_method = 0x42009E,
                               tag_length = 0x4200CE, ae_tag = 0x4200FF, mgf_hash = 0x420102, attributes = 0x420125;
}

enum class WrapMethod : std::uint8_t { plaintext, aes_kw, aes_gcm, rsa_oaep };

/// One Import batch item, parsed.
struct ImportItem {
  Bytes batch_id;               // UniqueBatchItemID (may be empty when BatchCount = 1)
  std::string kmip_uid;         // RequestPayload UniqueIdentifier (the host's KMIP Key UID)
  bool is_mek = false;          // KeyRoleType DEK (Table 62) vs KEK (Tables 41, 45, 50, 58, 68)
  std::optional<std::uint64_t> row_uid;  // KEK: Attribute "UID" (the KeyEncryptionKey row)
  std::optional<std::uint32_t> nsid;     // MEK: Attribute "NamespaceID"
  std::optional<std::uint32_t> key_tag;  // MEK: Attribute "KeyTag"
  std::optional<std::string> link_previous, link_next;  // MEK: Link PreviousLink / NextLink
  WrapMethod method = WrapMethod::plaintext;
  Bytes key;                    // KeyMaterial (plaintext) or KeyValue (wrapped)
  std::string wrapping_uid;     // EncryptionKeyInformation UniqueIdentifier
  Bytes iv, ae_tag;             // GCM
};

struct ImportRequest {
  std::int64_t major = 0, minor = 0;
  std::vector<ImportItem> items;
};

struct KmipFailure {
  KmipReason reason = KmipReason::none;
  std::string message;
  std::size_t item = 0;  // index of the batch item it concerns
  std::string rule = "KPIO-KMIP-VALID-1";  // the requirement (XML annotation) it enforces
};

namespace detail {
inline const kmip::Item* child(const kmip::Item& s, std::uint32_t t) {
  for (const auto& c : s.children)
    if (c.tag == t) return &c;
  return nullptr;
}
inline std::size_t count(const kmip::Item& s, std::uint32_t t) {
  std::size_t n = 0;
  for (const auto& c : s.children) n += c.tag == t;
  return n;
}
inline std::string text(const kmip::Item& i) { return std::string(i.bytes.begin(), i.bytes.end()); }
inline bool is(const kmip::Item* i, kmip::ItemType t) { return i && i->type == t; }
}  // namespace detail

/// Parses and validates an Import RequestMessage. `max_batch_items` is the host property
/// Protocol3MaxKmipBatchItems the TPer accepted (Table 3: "set to two to support the MEK
/// injection ... since two KMIP Batch Items are necessary").
inline std::variant<ImportRequest, KmipFailure> parse_import(const kmip::Item& m, std::uint64_t max_batch_items) {
  using kmip::ItemType;
  using namespace detail;
  auto fail = [](KmipReason r, std::string msg, std::size_t i = 0, std::string rule = "KPIO-KMIP-VALID-1") {
    return KmipFailure{r, std::move(msg), i, std::move(rule)};
  };
  if (m.tag != tag::request_message || m.type != ItemType::structure)
    return fail(KmipReason::invalid_message, "not a RequestMessage");
  const auto* h = child(m, tag::request_header);
  if (!is(h, ItemType::structure)) return fail(KmipReason::invalid_message, "RequestHeader missing");
  const auto* pv = child(*h, tag::protocol_version);
  if (!is(pv, ItemType::structure)) return fail(KmipReason::invalid_message, "ProtocolVersion missing (\"Protocol version required\")", 0, "KPIO-KMIP-PV");
  const auto* maj = child(*pv, tag::pv_major);
  const auto* min = child(*pv, tag::pv_minor);
  if (!is(maj, ItemType::integer) || !is(min, ItemType::integer))
    return fail(KmipReason::invalid_message, "ProtocolVersionMajor/Minor missing", 0, "KPIO-KMIP-PV");
  ImportRequest r{maj->num, min->num, {}};
  if (r.major != 2 || r.minor != 1)
    return fail(KmipReason::unsupported_protocol_version,
                "protocol version " + std::to_string(r.major) + "." + std::to_string(r.minor) + " (the TPer speaks 2.1)", 0,
                "KPIO-KMIP-PV");
  const auto* bc = child(*h, tag::batch_count);
  if (!is(bc, ItemType::integer)) return fail(KmipReason::invalid_message, "BatchCount missing (\"BatchCount required\")", 0, "KPIO-KMIP-BC");
  const auto n = count(m, tag::batch_item);
  if (bc->num < 1 || static_cast<std::size_t>(bc->num) != n)
    return fail(KmipReason::invalid_message,
                "BatchCount " + std::to_string(bc->num) + " but " + std::to_string(n) + " BatchItem(s)", 0, "KPIO-KMIP-BC");
  if (bc->num <= 1 && child(*h, tag::batch_error_continuation))
    return fail(KmipReason::invalid_message, "BatchErrorContinuationOption present with BatchCount <= 1", 0, "KPIO-KMIP-BEC");
  if (bc->num > 1 && !is(child(*h, tag::batch_order), ItemType::boolean))
    return fail(KmipReason::invalid_message, "BatchOrderOption missing (\"required if BatchCount > 1\")", 0, "KPIO-KMIP-BOO");
  if (static_cast<std::uint64_t>(bc->num) > max_batch_items)
    return fail(KmipReason::invalid_message, "BatchCount " + std::to_string(bc->num) +
                                                 " above Protocol3MaxKmipBatchItems " + std::to_string(max_batch_items));
  std::size_t idx = 0;
  for (const auto& bi : m.children) {
    if (bi.tag != tag::batch_item) continue;
    ImportItem it;
    auto f = [&](KmipReason rr, std::string msg, std::string rule = "KPIO-KMIP-VALID-1") {
      return fail(rr, "BatchItem " + std::to_string(idx + 1) + ": " + msg, idx, std::move(rule));
    };
    const auto* op = child(bi, tag::operation);
    if (!is(op, ItemType::enumeration)) return f(KmipReason::invalid_message, "Operation missing");
    if (op->num != 0x2A) return f(KmipReason::operation_not_supported, "Operation " + std::to_string(op->num) + " (only Import)");
    if (const auto* id = child(bi, tag::batch_item_id)) {
      if (id->type != ItemType::byte_string) return f(KmipReason::invalid_field, "UniqueBatchItemID is not a ByteString");
      it.batch_id = id->bytes;
    } else if (bc->num > 1) {
      return f(KmipReason::invalid_message, "UniqueBatchItemID missing (\"required if BatchCount > 1\")", "KPIO-KMIP-UBI");
    }
    const auto* pl = child(bi, tag::request_payload);
    if (!is(pl, ItemType::structure)) return f(KmipReason::missing_data, "RequestPayload missing");
    const auto* uid = child(*pl, tag::unique_id);
    if (!is(uid, ItemType::text_string) || uid->bytes.empty()) return f(KmipReason::missing_data, "UniqueIdentifier missing");
    it.kmip_uid = text(*uid);
    const auto* ot = child(*pl, tag::object_type);
    if (!is(ot, ItemType::enumeration)) return f(KmipReason::missing_data, "ObjectType missing");
    if (ot->num != 2) return f(KmipReason::invalid_field, "ObjectType is not SymmetricKey");
    const auto* at = child(*pl, tag::attributes);
    if (!is(at, ItemType::structure)) return f(KmipReason::missing_data, "Attributes missing");
    const auto* cp = child(*at, tag::crypto_params);
    if (!is(cp, ItemType::structure)) return f(KmipReason::missing_data, "Attributes CryptographicParameters missing");
    const auto* role = child(*cp, tag::key_role);
    const auto* alg = child(*cp, tag::crypto_algorithm);
    const auto* len = child(*cp, tag::crypto_length);
    if (!is(role, ItemType::enumeration) || !is(alg, ItemType::enumeration) || !is(len, ItemType::integer))
      return f(KmipReason::missing_data, "KeyRoleType, CryptographicAlgorithm and CryptographicLength are required");
    if (role->num != 0x0B && role->num != 0x03) return f(KmipReason::invalid_field, "KeyRoleType is neither KEK nor DEK");
    it.is_mek = role->num == 0x03;
    if (alg->num != 3 || len->num != 256) return f(KmipReason::invalid_field, "the note injects AES-256 keys only");
    for (const auto& a : at->children) {
      if (a.tag == tag::link) {
        const auto* lt = child(a, tag::link_type);
        const auto* li = child(a, tag::linked_id);
        if (!is(lt, ItemType::enumeration) || !is(li, ItemType::text_string)) return f(KmipReason::invalid_field, "malformed Link");
        if (lt->num == 0x10A) it.link_previous = text(*li);
        else if (lt->num == 0x10B) it.link_next = text(*li);
        else return f(KmipReason::invalid_field, "Link type other than PreviousLink / NextLink");
        continue;
      }
      if (a.tag != tag::attribute) continue;
      const auto* vid = child(a, tag::vendor_id);
      const auto* an = child(a, tag::attribute_name);
      const auto* av = child(a, tag::attribute_value);
      if (!is(vid, ItemType::text_string) || !is(an, ItemType::text_string) || !av)
        return f(KmipReason::invalid_field, "malformed Attribute");
      if (text(*vid) != "TCG-SWG") return f(KmipReason::invalid_field, "Attribute vendor is not TCG-SWG");
      const auto name = text(*an);
      if (name == "UID" && av->type == ItemType::byte_string && av->bytes.size() == 8) {
        std::uint64_t v = 0;
        for (auto b : av->bytes) v = (v << 8) | b;
        it.row_uid = v;
      } else if (name == "NamespaceID" && av->type == ItemType::integer && av->num >= 0) {
        it.nsid = static_cast<std::uint32_t>(av->num);
      } else if (name == "KeyTag" && av->type == ItemType::integer && av->num >= 0 && av->num <= 0xFFFF) {
        it.key_tag = static_cast<std::uint32_t>(av->num);
      } else {
        return f(KmipReason::invalid_field, "Attribute \"" + name + "\" with an unexpected value");
      }
    }
    if (!it.is_mek && !it.row_uid) return f(KmipReason::missing_data, "KEK without the TCG-SWG UID attribute");
    if (it.is_mek && (!it.nsid || !it.key_tag)) return f(KmipReason::missing_data, "MEK without NamespaceID and KeyTag");
    const auto* sk = child(*pl, tag::symmetric_key);
    const auto* kb = sk ? child(*sk, tag::key_block) : nullptr;
    if (!is(kb, ItemType::structure)) return f(KmipReason::missing_data, "SymmetricKey KeyBlock missing");
    const auto* kf = child(*kb, tag::key_format);
    if (!is(kf, ItemType::enumeration) || kf->num != 1) return f(KmipReason::invalid_field, "KeyFormatType must be Raw");
    const auto* kv = child(*kb, tag::key_value);
    if (!kv) return f(KmipReason::missing_data, "KeyValue missing");
    const auto* kwd = child(*kb, tag::key_wrapping_data);
    if (kv->type == ItemType::structure) {
      // "KeyValue is a Structure since key is plaintext"
      const auto* km = child(*kv, tag::key_material);
      if (!is(km, ItemType::byte_string)) return f(KmipReason::missing_data, "KeyMaterial missing");
      if (kwd) return f(KmipReason::invalid_field, "KeyWrappingData with a plaintext KeyValue");
      it.key = km->bytes;  // it.method stays WrapMethod::plaintext (ImportItem's default)
    } else if (kv->type == ItemType::byte_string) {
      // "KeyValue is a ByteString since key is wrapped"
      if (!is(kwd, ItemType::structure)) return f(KmipReason::missing_data, "wrapped KeyValue without KeyWrappingData");
      it.key = kv->bytes;
      const auto* wm = child(*kwd, tag::wrapping_method);
      if (!is(wm, ItemType::enumeration) || wm->num != 1) return f(KmipReason::invalid_field, "WrappingMethod must be Encrypt");
      const auto* eki = child(*kwd, tag::enc_key_info);
      if (!is(eki, ItemType::structure)) return f(KmipReason::missing_data, "EncryptionKeyInformation missing");
      const auto* wu = child(*eki, tag::unique_id);
      if (!is(wu, ItemType::text_string)) return f(KmipReason::missing_data, "wrapping key UniqueIdentifier missing");
      it.wrapping_uid = text(*wu);
      const auto* wp = child(*eki, tag::crypto_params);
      if (!is(wp, ItemType::structure)) return f(KmipReason::missing_data, "wrapping CryptographicParameters missing");
      const auto* walg = child(*wp, tag::crypto_algorithm);
      if (!is(walg, ItemType::enumeration)) return f(KmipReason::missing_data, "wrapping CryptographicAlgorithm missing");
      if (walg->num == 3) {
        const auto* mode = child(*wp, tag::block_cipher_mode);
        if (!is(mode, ItemType::enumeration)) return f(KmipReason::missing_data, "BlockCipherMode missing");
        if (mode->num == 0x0D) {
          it.method = WrapMethod::aes_kw;
        } else if (mode->num == 0x09) {
          it.method = WrapMethod::aes_gcm;
          const auto* tl = child(*wp, tag::tag_length);
          const auto* iv = child(*eki, tag::iv);
          const auto* aet = child(*pl, tag::ae_tag);
          if (!is(tl, ItemType::integer) || !is(iv, ItemType::byte_string) || !is(aet, ItemType::byte_string))
            return f(KmipReason::missing_data, "GCM needs TagLength, IVCounterNonce and AuthenticatedEncryptionTag", "KPIO-KMIP-TAGLEN");
          if (tl->num != 16 || aet->bytes.size() != 16)
            return f(KmipReason::invalid_field, "TagLength " + std::to_string(tl->num) + " with a tag of " +
                                                    std::to_string(aet->bytes.size()) + " bytes (Table 68: 16)",
                     "KPIO-KMIP-TAGLEN");
          it.iv = iv->bytes;
          it.ae_tag = aet->bytes;
        } else {
          return f(KmipReason::invalid_field, "BlockCipherMode is neither NISTKeyWrap nor GCM");
        }
      } else if (walg->num == 4) {
        const auto* pad = child(*wp, tag::padding);
        const auto* mgf = child(*wp, tag::mgf_hash);
        if (!is(pad, ItemType::enumeration) || pad->num != 2) return f(KmipReason::invalid_field, "RSA wrapping needs PaddingMethod OAEP");
        if (mgf && (mgf->type != ItemType::enumeration || mgf->num != 6))
          return f(KmipReason::invalid_field, "MaskGeneratorHashingAlgorithm must be SHA-256");
        it.method = WrapMethod::rsa_oaep;
      } else {
        return f(KmipReason::invalid_field, "wrapping CryptographicAlgorithm is neither AES nor RSA");
      }
    } else {
      return f(KmipReason::invalid_field, "KeyValue is neither a Structure nor a ByteString");
    }
    r.items.push_back(std::move(it));
    ++idx;
  }
  // MEKs: "Both Key1 and Key2 must be injected ... in a single KMIP Request Message"
  // (Table 62), each naming the other (PreviousLink / NextLink), same namespace and key tag.
  std::size_t meks = 0;
  for (const auto& it : r.items) meks += it.is_mek;
  if (meks) {
    if (meks != 2 || r.items.size() != 2)
      return fail(KmipReason::invalid_message, "an XTS-AES-256 MEK is two DEK batch items alone in one request", 0, "KPIO-3.4.6-1");
    const auto &a = r.items[0], &b = r.items[1];
    if (a.link_next != b.kmip_uid || b.link_previous != a.kmip_uid)
      return fail(KmipReason::invalid_field, "the MEK halves do not link each other (NextLink / PreviousLink)", 1, "KPIO-3.4.6-1");
    if (a.nsid != b.nsid || a.key_tag != b.key_tag)
      return fail(KmipReason::invalid_field, "the MEK halves name different NamespaceID / KeyTag", 1, "KPIO-3.4.6-1");
    if (a.method != b.method || a.wrapping_uid != b.wrapping_uid)
      return fail(KmipReason::invalid_field, "the MEK halves are wrapped differently", 1, "KPIO-3.4.6-1");
  }
  return r;
}

/// One batch item's outcome, for the ResponseMessage.
struct ItemOutcome {
  Bytes batch_id;
  std::string kmip_uid;
  std::uint32_t status = 0;  // ResultStatus: 0 Success, 1 OperationFailed, 3 OperationUndone
  KmipReason reason = KmipReason::none;
  std::string message;
};

/// ResponseMessage (Tables 43, 64): header with ProtocolVersion, TimeStamp ("TimeStamp is
/// required"), BatchCount; per item Operation Import, UniqueBatchItemID, ResultStatus, then
/// ResultReason and ResultMessage on failure or ResponsePayload{UniqueIdentifier} on success.
inline kmip::Item import_response(const std::vector<ItemOutcome>& outs, std::int64_t timestamp) {
  using kmip::Item;
  using kmip::ItemType;
  auto integer = [](std::uint32_t t, std::int64_t v) { return Item{t, ItemType::integer, v, {}, {}}; };
  auto enumeration = [](std::uint32_t t, std::int64_t v) { return Item{t, ItemType::enumeration, v, {}, {}}; };
  auto structure = [](std::uint32_t t, std::vector<Item> c) { return Item{t, ItemType::structure, 0, {}, std::move(c)}; };
  Item header = structure(tag::response_header,
                          {structure(tag::protocol_version, {integer(tag::pv_major, 2), integer(tag::pv_minor, 1)}),
                           Item{tag::time_stamp, ItemType::date_time, timestamp, {}, {}},
                           integer(tag::batch_count, static_cast<std::int64_t>(outs.size()))});
  std::vector<Item> body{header};
  for (const auto& o : outs) {
    std::vector<Item> bi{enumeration(tag::operation, 0x2A)};
    if (!o.batch_id.empty()) bi.push_back(Item{tag::batch_item_id, ItemType::byte_string, 0, o.batch_id, {}});
    bi.push_back(enumeration(tag::result_status, o.status));
    if (o.status != 0) {
      if (o.reason != KmipReason::none) bi.push_back(enumeration(tag::result_reason, static_cast<std::int64_t>(o.reason)));
      if (!o.message.empty())
        bi.push_back(Item{tag::result_message, ItemType::text_string, 0, Bytes(o.message.begin(), o.message.end()), {}});
    } else {
      bi.push_back(structure(tag::response_payload,
                             {Item{tag::unique_id, ItemType::text_string, 0, Bytes(o.kmip_uid.begin(), o.kmip_uid.end()), {}}}));
    }
    body.push_back(structure(tag::batch_item, std::move(bi)));
  }
  return structure(tag::response_message, std::move(body));
}

/// Outcomes for a request refused as a whole: the failing item reports the reason, the
/// others OperationUndone (model choice: an Import request is atomic, so nothing of it took
/// effect; KMIP 2.1 ResultStatus "Operation Undone").
inline std::vector<ItemOutcome> failed_outcomes(const kmip::Item& request, const KmipFailure& f) {
  std::vector<ItemOutcome> outs;
  std::size_t i = 0;
  for (const auto& bi : request.children) {
    if (bi.tag != tag::batch_item) continue;
    ItemOutcome o;
    if (const auto* id = detail::child(bi, tag::batch_item_id); id && id->type == kmip::ItemType::byte_string)
      o.batch_id = id->bytes;
    o.status = i == f.item ? 1 : 3;
    if (i == f.item) {
      o.reason = f.reason;
      o.message = f.message;
    }
    outs.push_back(std::move(o));
    ++i;
  }
  if (outs.empty()) outs.push_back(ItemOutcome{{}, {}, 1, f.reason, f.message});
  return outs;
}

}  // namespace lockref::kpio
