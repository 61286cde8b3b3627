// The Key Per I/O TPer in the lockref program: `explore|corpus|check kpio`, `kpio.step`, and
// eval ops to read a bus capture as TCG method calls and KMIP messages (kpio.decode) and to
// render a state as the §4 tables of seed 002 (kpio.tables).
#include "lockref/kmip/json.hpp"
#include "lockref/kpio/tables.hpp"
#include "machine_tool.hpp"

namespace lockref::cli {
namespace {
using namespace lockref::kpio;

/// kpio.decode: one IF-SEND / IF-RECV payload of a capture as what it carries. Protocol 1:
/// the ComPacket's packets with each item as a method call whose UIDs are named; protocol 3:
/// the KMIP message (TTLV as JSON); protocol 2: the Clear Single / Clear All MEKs block.
Result<Json> decode_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "protocol" && it.key() != "hex" && it.key() != "direction")
      return make_error("unknown field \"" + it.key() + "\" (expected protocol, hex, direction)");
  auto proto = field<std::uint8_t>(j, "protocol");
  if (!proto) return proto.error();
  auto hex = field<Bytes>(j, "hex");
  if (!hex) return hex.error();
  if (*proto == 1) {
    auto cp = tcg::decode_compacket(*hex);
    if (!cp) return cp.error();
    Json packets = Json::array();
    for (const auto& pk : cp->packets) {
      Json items = Json::array();
      for (const auto& sp : pk.subpackets) {
        auto its = tcg::decode_items(sp.payload);
        if (!its) return its.error();
        for (const auto& it : *its) items.push_back(Json{{"item", tcg::item_to_json(it)}, {"reads", tcg::describe_item(it)}});
      }
      packets.push_back(Json{{"tsn", pk.tsn}, {"hsn", pk.hsn}, {"items", items}});
    }
    return Json{{"comid", cp->comid}, {"packets", packets}};
  }
  if (*proto == 3) {
    auto cp = tcg::decode_raw_compacket(*hex);
    if (!cp) return cp.error();
    auto t = kmip::decode_prefix(cp->data);
    if (!t) return t.error();
    return Json{{"comid", cp->comid}, {"kmip", kmip::item_to_json(t->first)}};
  }
  if (*proto == 2) {
    const bool resp = j.value("direction", "request") == "response";
    if (resp) {
      auto r = tcg::sp02::decode_response(*hex);
      if (!r) return r.error();
      return Json{{"request_code", r->request_code}, {"comid", r->comid}, {"status", r->status}};
    }
    auto r = tcg::sp02::decode_request(*hex);
    if (!r) return r.error();
    return Json{{"command", r->request_code == tcg::sp02::clear_single_mek ? "Clear Single MEK" : "Clear All MEKs"},
                {"comid", r->comid}, {"key_tag", r->key_tag}};
  }
  return make_error("protocol: 1, 2 or 3");
}
LOCKREF_REGISTER(EvalOp{"kpio.decode",
                        "a captured Key Per I/O payload {protocol: 1|2|3, hex, direction?} -> its method calls "
                        "(named UIDs), KMIP message or SP 0x02 command",
                        decode_op});

/// kpio.tables: a state as the §4 tables (Namespace view and KeyEncryptionKey view).
Result<Json> tables_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "profile" && it.key() != "state")
      return make_error("unknown field \"" + it.key() + "\" (expected profile, state)");
  Profile p;
  if (j.contains("profile")) {
    auto r = from_json<Profile>(j["profile"]);
    if (!r) return make_error("profile: " + r.error().message);
    p = *r;
  }
  if (auto v = Machine::validate(p); !v) return make_error("profile: " + v.error().message);
  State s = Machine::initial(p);
  if (j.contains("state")) {
    auto r = from_json<State>(j["state"]);
    if (!r) return make_error("state: " + r.error().message);
    if (auto v = Machine::validate_state(p, *r); !v) return make_error("state: " + v.error().message);
    s = *r;
  }
  return Json{{"namespaces", to_json(render_namespaces(p, s, {}))}, {"keks", to_json(render_keks(s))}};
}
LOCKREF_REGISTER(EvalOp{"kpio.tables", "a Key Per I/O state {profile?, state?} as the tables of seed 002 §4", tables_op});

Result<Profile> kpio_profile(const Args& a, Profile p) {
  auto num = [&](const char* k, auto& dst, std::uint64_t lo, std::uint64_t hi) -> Status {
    if (!a.has(k)) return ok_status();
    auto n = a.get_uint(k, 0);
    if (!n) return n.error();
    if (*n < lo || *n > hi) return make_error(std::string("--") + k + ": " + std::to_string(lo) + ".." + std::to_string(hi));
    dst = static_cast<std::remove_reference_t<decltype(dst)>>(*n);
    return ok_status();
  };
  for (auto st : {num("kpiosc", p.kpiosc, 0, 1), num("namespaces", p.namespaces, 1, 64), num("keks", p.keks, 1, 64),
                  num("key-tags", p.max_key_tags_per_namespace, 1, 64)})
    if (!st) return st.error();
  if (a.has("key-tags")) {
    p.default_key_tags = p.max_key_tags_per_namespace;
    p.total_key_tags = std::max<std::uint32_t>(p.total_key_tags, p.namespaces * p.max_key_tags_per_namespace);
  }
  if (a.has("kpiosc") && p.kpiosc == 1)
    p.total_key_tags = std::max<std::uint32_t>(p.total_key_tags, p.namespaces * p.default_key_tags);
  return p;
}

LOCKREF_REGISTER(make_machine_tool<Machine>(
    "TCG Key Per I/O TPer (seed 002): KEK policies, key tags, KMIP key injection, key cache, resets",
    "--kpiosc 0|1 (default 0), --namespaces N (default 2), --keks N (default 2), --key-tags N per namespace (default 1)",
    kpio_profile));

}  // namespace
}  // namespace lockref::cli
