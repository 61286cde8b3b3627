// The Key Per I/O TPer in the lockref program: `explore|corpus|check kpio`, `kpio.step`, and
// eval ops to read a bus capture as TCG method calls and KMIP messages (kpio.decode) and to
// render a state as the §4 tables of seed 002 (kpio.tables).
#include "lockref/kmip/json.hpp"
#include "lockref/kpio/describe.hpp"
#include "lockref/kpio/discovery.hpp"
#include "lockref/kpio/tables.hpp"
#include "machine_tool.hpp"
#include "wire_print.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::kpio;

/// kpio.decode: one IF-SEND / IF-RECV payload of a capture as what it carries: "reads", the
/// lines a person reads (kpio/describe.hpp), and the payload as data — protocol 1: the
/// ComPacket's packets and items (tcg/json.hpp form); protocol 3: the KMIP message (TTLV as
/// JSON); protocol 2: the Clear Single / Clear All MEKs block.
Result<Json> decode_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "protocol" && it.key() != "hex" && it.key() != "direction")
      return make_error("unknown field \"" + it.key() + "\" (expected protocol, hex, direction)");
  auto proto = field<std::uint8_t>(j, "protocol");
  if (!proto) return proto.error();
  auto hex = field<Bytes>(j, "hex");
  if (!hex) return hex.error();
  const std::string dir = j.value("direction", "send");
  if (dir != "send" && dir != "recv") return make_error("direction: \"send\" (host to TPer) or \"recv\" (TPer to host)");
  auto reads = describe_payload(*proto, dir == "send" ? Direction::send : Direction::recv, *hex);
  if (!reads) return reads.error();
  Json out{{"reads", *reads}};
  if (*proto == 1) {
    auto cp = tcg::decode_compacket(*hex);
    Json packets = Json::array();
    for (const auto& pk : cp->packets) {
      Json items = Json::array();
      for (const auto& sp : pk.subpackets) {
        const auto decoded = tcg::decode_items(sp.payload);  // decoded once by describe_payload already
        for (const auto& it : *decoded) items.push_back(tcg::item_to_json(it));
      }
      packets.push_back(Json{{"tsn", pk.tsn}, {"hsn", pk.hsn}, {"items", items}});
    }
    out["comid"] = cp->comid;
    out["packets"] = packets;
  } else if (*proto == 3) {
    auto cp = tcg::decode_raw_compacket(*hex);
    out["comid"] = cp->comid;
    if (!cp->data.empty()) out["kmip"] = kmip::item_to_json(kmip::decode_prefix(cp->data)->first);
  } else if (dir == "recv") {
    auto r = tcg::sp02::decode_response(*hex);
    out.update(Json{{"request_code", r->request_code}, {"comid", r->comid}, {"status", r->status}});
  } else {
    auto r = tcg::sp02::decode_request(*hex);
    out.update(Json{{"request_code", r->request_code}, {"comid", r->comid}, {"key_tag", r->key_tag}});
  }
  return out;
}
LOCKREF_REGISTER(EvalOp{"kpio.decode",
                        "a captured Key Per I/O payload {protocol: 1|2|3, hex, direction?: send|recv} -> reads (its method "
                        "calls with named UIDs, KMIP Import or SP 0x02 command as a person reads them) and its fields",
                        decode_op});

}  // namespace LOCKREF_UNITY_ID

/// `lockref decode` of a capture (JSON Lines): every payload as method calls, KMIP Imports and
/// Security Protocol 0x02 commands. A line is a kpio transcript line (header, or a step whose
/// event is {"type":"send", protocol, bytes} and whose expect may hold the TPer's "response"),
/// or a capture record {"protocol": 1|2|3, "direction": "send"|"recv", "hex": ...}.
/// Returns the first problem as "line N: ..." (what came before it is printed).
Status print_exchange(std::ostream& os, const std::string& text) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  std::istringstream in(text);
  std::string line;
  std::size_t ln = 0;
  auto fail = [&](const std::string& m) -> Status { return make_error("line " + std::to_string(ln) + ": " + m); };
  auto show = [&](const std::string& what, std::uint8_t proto, Direction d, const Bytes& b,
                  std::optional<std::uint32_t> nsid = std::nullopt) -> bool {
    auto r = describe_payload(proto, d, b, nsid);
    if (!r) return false;
    os << what << (d == Direction::send ? "IF-SEND" : "IF-RECV") << " protocol " << int(proto) << "\n";
    for (const auto& l : *r) os << "  " << l << "\n";
    return true;
  };
  while (std::getline(in, line)) {
    ++ln;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
    if (j.contains("hex")) {  // a capture record
      auto proto = field<std::uint8_t>(j, "protocol");
      if (!proto) return fail(proto.error().message);
      if (!j["hex"].is_string()) return fail("hex: expected a string of hex digits");
      auto hex = from_hex(j["hex"].get<std::string>());
      if (!hex) return fail(hex.error().message);  // "hex: ... at offset N"
      const std::string d = j.value("direction", "send");
      if (d != "send" && d != "recv") return fail("direction: \"send\" or \"recv\"");
      const auto dir = d == "send" ? Direction::send : Direction::recv;
      if (!show("", *proto, dir, *hex)) return fail(describe_payload(*proto, dir, *hex).error().message);
      continue;
    }
    if (!j.contains("step")) continue;  // a transcript header
    const std::string step = "step " + j["step"].dump() + ": ";
    const Json& e = j.value("event", Json::object());
    if (e.value("type", "") == "call") {  // a method call already decoded: read it the same way
      auto it = tcg::item_from_json(e.value("item", Json()));
      if (!it) return fail("event.item: " + it.error().message);
      const auto tsn = e.value("tsn", 0u), hsn = e.value("hsn", 0u);
      os << step << "method call\n  -> " << (tsn || hsn ? "[" + std::to_string(tsn) + ":" + std::to_string(hsn) + "] " : "")
         << tcg::describe_item(*it) << "\n";
      continue;
    }
    if (e.value("type", "") != "send") {
      os << step << e.value("type", "?") << " (an abstract event, no capture bytes)\n";
      continue;
    }
    auto ev = from_json<Send>(Json{{"protocol", e.value("protocol", Json(1))}, {"bytes", e.value("bytes", Json(""))},
                                   {"nsid", e.value("nsid", Json(0))}});
    if (!ev) return fail("event: " + ev.error().message);
    if (!show(step, ev->protocol, Direction::send, ev->bytes, ev->protocol == 2 ? std::optional(ev->nsid) : std::nullopt))
      return fail("event.bytes: " + describe_payload(ev->protocol, Direction::send, ev->bytes).error().message);
    if (const auto& ex = j.value("expect", Json::object()); ex.contains("response") && ex["response"] != "") {
      auto resp = from_json<Bytes>(ex["response"]);
      if (!resp) return fail("expect.response: " + resp.error().message);
      if (!show(step, ev->protocol, Direction::recv, *resp))
        return fail("expect.response: " + describe_payload(ev->protocol, Direction::recv, *resp).error().message);
    }
  }
  return ok_status();
}

namespace LOCKREF_UNITY_ID {

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

/// The decode format of a capture: JSON Lines whose first line is a JSON object (a capture
/// record or a kpio transcript line). lockref decode passes such text through as it is.
Evidence capture_evidence(ByteView b) {
  Evidence e;
  std::size_t at = 0;
  while (at < b.size() && (b[at] == ' ' || b[at] == '\t' || b[at] == '\r' || b[at] == '\n')) ++at;
  if (at == b.size() || b[at] != '{') {
    e.why = "not JSON Lines (the first character is not '{')";
    return e;
  }
  std::size_t end = at;
  while (end < b.size() && b[end] != '\n') ++end;
  const Json first = Json::parse(std::string(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(end)),
                                 nullptr, false);
  if (first.is_discarded() || !first.is_object()) {
    e.score = 20;
    e.why = "starts with '{' but its first line is not a JSON object";
    return e;
  }
  e.score = 90;
  e.why = "JSON Lines: the first line is a JSON object (a capture record or a kpio transcript line)";
  return e;
}
LOCKREF_REGISTER(DecodeFormat{
    "kpio-capture",
    "a Key Per I/O capture or kpio transcript (JSON Lines of {protocol, direction, hex} or transcript steps): "
    "every IF-SEND/IF-RECV payload as method calls, KMIP Imports and Security Protocol 0x02 commands",
    capture_evidence,
    [](std::ostream& os, ByteView b, const Args&) { return print_exchange(os, std::string(b.begin(), b.end())); }});

Result<Profile> kpio_profile(const Args& a, Profile p) {
  // --level0 HEX: the device's own Level 0 Discovery response sets the TPer constants (§3.2.1.1).
  if (a.has("level0")) {
    auto b = from_hex(a.text("level0"));
    if (!b) return make_error("--level0: " + b.error().message);
    auto q = profile_from_level0(p, *b);
    if (!q) return make_error("--level0: " + q.error().message);
    p = *q;
  }
  // The program has checked each value against its declaration below (range, choices).
  auto set = [&](const char* k, auto& dst) {
    if (a.has(k)) dst = static_cast<std::remove_reference_t<decltype(dst)>>(a.uint(k));
  };
  set("kpiosc", p.kpiosc);
  set("namespaces", p.namespaces);
  set("keks", p.keks);
  set("key-tags", p.max_key_tags_per_namespace);
  set("try-limit", p.try_limit);
  if (a.has("scope")) p.scope = *enum_from_name<Scope>(a.text("scope"));
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
    {opt::choice("scope", "which events exploration and corpora offer (default meks)", enum_name_list<Scope>()),
     opt::number("kpiosc", "the Activate scope: 1 every namespace managed, 0 per namespace (default 0)", 0, 1),
     opt::number("namespaces", "namespaces of the TPer (default 2)", 1, 64),
     opt::number("keks", "KeyEncryptionKey rows (default 2)", 1, 64),
     opt::number("key-tags", "key tags per namespace (default 1)", 1, 64),
     opt::number("try-limit", "C_PIN TryLimit of SID and Admin1 (default 0 = none)", 0, 1000),
     opt::text("level0", "the TPer constants from the device's Level 0 Discovery response (§3.2.1.1)", "HEX")},
    kpio_profile));

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
