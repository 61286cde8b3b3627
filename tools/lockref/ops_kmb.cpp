// lockref eval ops and machine registration for the OCP L.O.C.K. 0.9 KMB mailbox
// (model/lockref/lock/kmb/) and the composed drive (model/lockref/drive/).
#include <chrono>
#include <iostream>

#include "lockref/drive/drive.hpp"
#include "lockref/lock/kmb/decode.hpp"
#include "lockref/lock/kmb/kmb.hpp"
#include "machine_tool.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::lock::kmb;

Result<Profile> kmb_profile_of(const Json& j) {
  Profile p;
  if (j.contains("profile")) {
    auto r = from_json<Profile>(j["profile"]);
    if (!r) return make_error("profile: " + r.error().message);
    p = *r;
  }
  if (j.contains("seed")) {
    auto s = from_json<std::uint64_t>(j["seed"]);
    if (!s) return make_error("seed: " + s.error().message);
    p.seed = *s;
  }
  if (j.contains("epoch")) {
    auto e = from_json<lockref::lock::epoch::State>(j["epoch"]);
    if (!e) return make_error("epoch: " + e.error().message);
    p.fuses = *e;
  }
  if (auto v = Machine::validate(p); !v) return make_error("profile: " + v.error().message);
  return p;
}

Result<std::uint32_t> cmd_of(const Json& c) {
  if (c.is_number_unsigned()) {
    auto v = from_json<std::uint32_t>(c);
    if (!v) return v.error();
    return *v;
  }
  if (!c.is_string()) return make_error("cmd: expected a mnemonic, name or number");
  return parse_command(c.get<std::string>());
}

/// kmb.mailbox: run mailbox requests (and resets) in order from a cold-booted KMB.
Result<Json> mailbox_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "requests" && it.key() != "seed" && it.key() != "profile" && it.key() != "epoch")
      return make_error("unknown field \"" + it.key() + "\" (expected requests, seed, profile, epoch)");
  auto p = kmb_profile_of(j);
  if (!p) return p.error();
  if (!j.contains("requests") || !j["requests"].is_array()) return make_error("missing field \"requests\" (array)");
  State s = Machine::initial(*p);
  Json out = Json::array();
  std::size_t i = 0;
  for (const auto& r : j["requests"]) {
    const std::string where = "requests[" + std::to_string(i++) + "]";
    if (!r.is_object()) return make_error(where + ": expected an object");
    Event e;
    if (r.contains("reset")) {
      if (r.size() != 1 || !r["reset"].is_string()) return make_error(where + ": {\"reset\": \"cold\"|\"warm\"|\"firmware_update\"}");
      const auto k = r["reset"].get<std::string>();
      if (k == "cold") e = ColdReset{};
      else if (k == "warm") e = WarmReset{};
      else if (k == "firmware_update") e = FirmwareUpdateReset{};
      else return make_error(where + ".reset: expected cold, warm or firmware_update");
    } else if (r.contains("fault")) {
      if (r.size() != 1 || !r["fault"].is_string()) return make_error(where + ": {\"fault\": \"engine\"|\"kmb\"}");
      const auto k = r["fault"].get<std::string>();
      if (k == "engine") e = EngineFatal{};
      else if (k == "kmb") e = FatalError{};
      else return make_error(where + ".fault: expected engine or kmb");
    } else {
      for (auto it = r.begin(); it != r.end(); ++it)
        if (it.key() != "cmd" && it.key() != "payload" && it.key() != "seal")
          return make_error(where + ": unknown field \"" + it.key() + "\" (expected cmd, payload, seal)");
      if (!r.contains("cmd")) return make_error(where + ": missing field \"cmd\"");
      auto c = cmd_of(r["cmd"]);
      if (!c) return make_error(where + "." + c.error().message);
      auto b = field<Bytes>(r, "payload");
      if (!b) return make_error(where + "." + b.error().message);
      Mailbox m{*c, *b};
      if (r.contains("seal")) {
        auto seal = from_json<bool>(r["seal"]);
        if (!seal) return make_error(where + ".seal: " + seal.error().message);
        if (*seal) seal_checksum(m.cmd, m.payload);  // convenience: compute chksum for the caller
      }
      e = m;
    }
    auto st = Machine::step(*p, s, e);
    s = st.next;
    Json a{{"status", st.out.status}, {"payload", to_hex(st.out.response)}};
    if (!st.out.command.empty()) a["command"] = st.out.command;
    if (!st.out.is_ok()) {
      a["result_code"] = hex32(st.out.result_code);
      a["detail"] = st.out.detail;
    }
    if (st.out.engine) {
      // What reached the encryption engine: the command, its METD and (for loads) the MEK.
      const auto& rq = st.out.engine->request;
      a["engine"] = Json{{"command", std::string(enum_name(rq.command))}, {"result", st.out.engine->result}};
      if (rq.command != lockref::engine::Command::zeroize) a["engine"]["metadata"] = to_hex(rq.metadata);
      if (rq.command == lockref::engine::Command::load_mek) a["engine"]["mek"] = to_hex(rq.mek);
    }
    out.push_back(a);
  }
  return Json{{"responses", out}};
}

LOCKREF_REGISTER(EvalOp{"kmb.mailbox",
                        "run KMB mailbox requests from a cold boot {requests:[{cmd:\"GALG\"|\"0x47414c47\", payload, seal?}|"
                        "{reset:cold|warm|firmware_update}|{fault:engine|kmb}], seed?, profile?, epoch?} -> {responses:[{status, payload}]}",
                        mailbox_op});

/// kmb.decode: {cmd, payload, direction?: request|response} -> the table as JSON.
Result<Json> decode_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "cmd" && it.key() != "payload" && it.key() != "direction")
      return make_error("unknown field \"" + it.key() + "\" (expected cmd, payload, direction)");
  if (!j.contains("cmd")) return make_error("missing field \"cmd\"");
  auto c = cmd_of(j["cmd"]);
  if (!c) return c.error();
  auto b = field<Bytes>(j, "payload");
  if (!b) return b.error();
  Direction dir = Direction::request;
  if (j.contains("direction")) {
    if (j["direction"] == "response") dir = Direction::response;
    else if (j["direction"] != "request") return make_error("direction: expected request or response");
  }
  auto d = decode_mailbox(*c, dir, *b);
  if (!d) return d.error();
  Json out{{"command", d->command}, {"table", d->table}, {"checksum_ok", d->checksum_ok}};
  if (d->fields) out["fields"] = *d->fields;
  if (d->error) out["error"] = Json{{"field", d->error->field}, {"offset", d->error->offset}, {"code", d->error->code},
                                    {"message", d->error->message}};
  return out;
}
LOCKREF_REGISTER(EvalOp{"kmb.decode",
                        "decode a KMB mailbox request or response {cmd, payload, direction?: request|response} -> "
                        "{command, table, checksum_ok, fields | error{field, offset, code}}",
                        decode_op});

/// kmb.alias_certificate: the model's self-signed DICE alias certificate (DER) endorsements chain to.
Result<Json> alias_op(const Json& j) {
  auto p = kmb_profile_of(j);
  if (!p) return p.error();
  auto c = endorse::alias_certificate(p->seed);
  if (!c) return c.error();
  return Json{{"certificate", to_hex(*c)}};
}
LOCKREF_REGISTER(EvalOp{"kmb.alias_certificate",
                        "the model's DICE alias certificate (DER) ENDORSE_HPKE_PUB_KEY signs with {seed?} -> {certificate}",
                        alias_op});

Result<Profile> kmb_cli_profile(const Args& a, Profile p) {
  if (a.has("seed")) p.seed = a.uint("seed");
  return p;
}

const std::vector<Option> kmb_options{
    opt::number("seed", "the run's seed (TRNG, platform secrets)", 0, std::numeric_limits<std::uint64_t>::max())};
/// corpus: one --seed seeds both the random walk and the run (as the profile's seed).
const std::vector<Option> kmb_corpus_options{
    opt::number("seed", "seed of the random walk and of the run (TRNG, platform secrets)", 0,
                std::numeric_limits<std::uint64_t>::max(), 1)};
std::vector<Option> kmb_explore_options(std::uint64_t default_max) {
  return {opt::number("max-states", "states to visit: the DRBG makes the state space unbounded", 1,
                      std::numeric_limits<std::uint64_t>::max(), default_max)};
}

/// Exploration of the KMB (and the drive) is bounded: its state holds a DRBG, so every
/// random draw is a new state. --max-states N bounds it.
template <class M>
int bounded_explore(const Args& a, const ProfileFn<M>& fn) {
  auto p = profile_from<M>(a, fn);
  auto o = explore_options<M>(a);
  if (!p || !o) {
    std::cerr << "lockref explore " << M::name << ": " << (!p ? p.error().message : o.error().message) << "\n";
    return 2;
  }
  o.value().keep_states = o.value().keep_edges = a.has("dot");  // --dot was accepted and ignored
  const auto t0 = std::chrono::steady_clock::now();
  auto ex = explore<M>(*p, *o);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (o->progress) std::cerr << "\r\033[K" << std::flush;
  std::cout << M::name << " (bounded to " << o->max_states << " states; the DRBG makes the state space unbounded)\n"
            << "  states visited:   " << ex.size() << "\n"
            << "  events tried:     " << ex.transitions << " (" << ex.rejected << " rejected by a rule)\n"
            << "  state changes:    " << ex.changes << "\n"
            << "  invariants:       " << M::invariants().size() << " checked on every state\n";
  if (a.has("dot")) {
    if (!write_dot(a, "dot", to_dot<M>(*p, ex, M::name))) return 2;
    std::cout << "  diagram:          " << a.text("dot") << " (Graphviz)\n";
  }
  // Bounded by design (the bound is printed above); a --max-memory stop is still reported.
  if (ex.truncation.starts_with("--max-states")) ex.truncated = false;
  return finish_explore<M>(*p, ex, ms, a, *o, 16);
}

MachineTool kmb_tool() {
  auto t = make_machine_tool<Machine>("OCP L.O.C.K. 0.9 KMB mailbox: every command, MPK/MEK lifecycles, HPKE, resets (§4.6, §4.7.2)",
                                      kmb_options, kmb_cli_profile);
  t.explore = [](const Args& a) { return bounded_explore<Machine>(a, kmb_cli_profile); };
  t.explore_options = kmb_explore_options(200);
  t.corpus_options = kmb_corpus_options;
  return t;
}
LOCKREF_REGISTER(kmb_tool());

Result<lockref::drive::Profile> drive_cli_profile(const Args& a, lockref::drive::Profile p) {
  auto k = kmb_cli_profile(a, p.kmb);
  if (!k) return k.error();
  p.kmb = *k;
  return p;
}

MachineTool drive_tool() {
  auto t = make_machine_tool<lockref::drive::Machine>(
      "a drive: OCP L.O.C.K. epoch rules + KMB + encryption engine, Table 60 items 4, 6-8 end to end",
      kmb_options, drive_cli_profile);
  t.explore = [](const Args& a) { return bounded_explore<lockref::drive::Machine>(a, drive_cli_profile); };
  t.explore_options = kmb_explore_options(100);
  t.corpus_options = kmb_corpus_options;
  return t;
}
LOCKREF_REGISTER(drive_tool());

}  // namespace LOCKREF_UNITY_ID

namespace LOCKREF_UNITY_ID {

/// `lockref decode --cmd X [--direction request|response]`: the mailbox table of command X.
/// A mailbox payload carries no command code, so this format has no evidence of its own:
/// --cmd selects it.
Status print_kmb(std::ostream& os, ByteView bytes, const Args& a) {
  if (!a.has("cmd")) return make_error("a mailbox payload does not name its command: give --cmd");
  auto c = parse_command(a.text("cmd"));
  if (!c) return c.error();  // not reached: --cmd is validated when parsed
  const std::string dir = a.text("direction");
  auto d = decode_mailbox(*c, dir == "request" ? Direction::request : Direction::response, bytes);
  if (!d) return d.error();
  os << d->command << " " << dir << " (" << d->table << "), " << bytes.size() << " bytes, chksum "
     << (d->checksum_ok ? "ok" : "WRONG") << "\n"
     << d->pretty;
  if (d->error) return make_error(d->error->describe() + (d->error->code.empty() ? "" : " [" + d->error->code + "]"));
  if (!d->checksum_ok) return make_error("chksum (offset 0) does not match the payload (Caliptra rule, E-KMB-CHECKSUM)");
  return ok_status();
}

Option cmd_option() {
  Option o = opt::text("cmd", "the KMB mailbox command, by name or code (GALG, GET_ALGORITHMS, 0x47414c47)", "CMD");
  o.validate = [](const std::string& v) {
    auto c = parse_command(v);
    return c ? std::string() : c.error().message;
  };
  return o;
}

LOCKREF_REGISTER(DecodeFormat{
    "kmb", "an OCP L.O.C.K. 0.9 KMB mailbox request or response (§4.7.2 tables); needs --cmd",
    [](ByteView) { return Evidence{0, "a mailbox payload does not name its command: give --cmd"}; }, print_kmb,
    {cmd_option(), opt::choice("direction", "the mailbox direction (with --cmd)", {"request", "response"}, "request")}});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
