// lockref eval ops and machine registration for TCG Opal as profiled by the Seagate Common
// Criteria guide (seed 000): opal.authenticate_sequence, opal.try_limits, opal.cc_mode, and
// `lockref explore|corpus|check opal`.
#include "lockref/opal/firmware.hpp"
#include "lockref/opal/scenario.hpp"
#include "machine_tool.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
using namespace lockref::opal;

/// "profile": a name (seagate_se4sa530 | seagate_sgebhg02 | generic) or a Profile object.
Result<Profile> request_profile(const Json& j) {
  auto f = j.find("profile");
  if (f == j.end()) return make_error("missing field \"profile\"");
  Profile p;
  if (f->is_string()) {
    auto named = profile_named(f->get<std::string>());
    if (!named) return make_error("profile: unknown \"" + f->get<std::string>() +
                                  "\" (expected seagate_se4sa530, seagate_sgebhg02 or generic)");
    p = *named;
  } else {
    auto r = from_json<Profile>(*f);
    if (!r) return make_error("profile." + r.error().message);
    p = *r;
  }
  if (auto v = Machine::validate(p); !v) return make_error("profile: " + v.error().message);
  return p;
}

Status check_keys(const Json& j, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) return make_error("request: expected object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known |= it.key() == k;
    if (!known) return make_error("unknown field \"" + it.key() + "\"");
  }
  return ok_status();
}

std::string core_name(const std::string& status) { return status == "ok" ? "SUCCESS" : status; }

/// opal.authenticate_sequence: Authenticate attempts on one credential of a fresh drive
/// (Locking SP activated when the credential lives there), with power cycles in between.
Result<Json> authenticate_sequence_op(const Json& j) {
  if (auto k = check_keys(j, {"op", "profile", "credential", "attempts"}); !k) return k.error();
  auto p = request_profile(j);
  if (!p) return p.error();
  auto who = field<std::string>(j, "credential");
  if (!who) return who.error();
  auto attempts = j.find("attempts");
  if (attempts == j.end() || !attempts->is_array()) return make_error("attempts: expected array");
  State s = Machine::initial(*p);
  const auto* c = Machine::find(s, *who);
  if (!c) return make_error("credential: unknown \"" + *who + "\" for this profile");
  if (sp_of(role_of(*who)) == Sp::locking) s.locking_sp_active = true;  // as after Activate
  if (!c->enabled) s.credentials[*Machine::index_of(s, *who)].enabled = true;  // the op asks about Tries only
  Json statuses = Json::array(), tries = Json::array();
  for (std::size_t i = 0; i < attempts->size(); ++i) {
    const Json& a = (*attempts)[i];
    const std::string where = "attempts[" + std::to_string(i) + "]";
    Event e;
    if (a.is_string()) {
      if (a.get<std::string>() != "power_cycle") return make_error(where + ": expected \"power_cycle\" or {pin_ok}");
      e = PowerCycle{};
    } else {
      if (auto k = check_keys(a, {"pin_ok"}); !k) return make_error(where + ": " + k.error().message);
      auto ok = field<bool>(a, "pin_ok");
      if (!ok) return make_error(where + ": " + ok.error().message);
      const auto& cur = *Machine::find(s, *who);
      e = Authenticate{*who, *ok ? cur.pin.str() : cur.pin + "x"};
    }
    auto st = Machine::step(*p, s, e);
    s = std::move(st.next);
    statuses.push_back(std::holds_alternative<PowerCycle>(e) ? std::string("POWER_CYCLE") : core_name(st.out.status));
    tries.push_back(Machine::find(s, *who)->tries);
  }
  const auto& fin = *Machine::find(s, *who);
  return Json{{"statuses", statuses},
              {"tries", tries},
              {"final_tries", fin.tries},
              {"try_limit", fin.try_limit},
              {"persistent", fin.persistent}};
}

LOCKREF_REGISTER(EvalOp{"opal.authenticate_sequence",
                        "Authenticate attempts and power cycles on one C_PIN credential {profile, credential, "
                        "attempts:[{pin_ok:bool}|\"power_cycle\"]} -> statuses, tries, final_tries",
                        authenticate_sequence_op});

/// opal.try_limits: the Try Limit / Settable / Persistent the profile gives a credential.
Result<Json> try_limits_op(const Json& j) {
  if (auto k = check_keys(j, {"op", "profile", "credential"}); !k) return k.error();
  auto p = request_profile(j);
  if (!p) return p.error();
  auto who = field<std::string>(j, "credential");
  if (!who) return who.error();
  const auto cls = class_of(role_of(*who));
  if (!cls || !Machine::find(Machine::initial(*p), *who))
    return make_error("credential: unknown \"" + *who + "\" for this profile");
  const auto t = policy_for(*p, *cls);
  return Json{{"try_limit", t.try_limit}, {"settable", t.settable}, {"persistent", t.persistent}};
}

LOCKREF_REGISTER(EvalOp{"opal.try_limits",
                        "Try Limit, Settable and Persistent of a credential {profile, credential} (guide table)",
                        try_limits_op});

/// opal.cc_mode: is a state in CC Approved Mode, and which conditions are missing. The state
/// is either given ("state", as `lockref corpus opal` prints it) or produced by running the
/// guide's 11 setup steps without the steps listed in "skip_steps".
Result<Json> cc_mode_op(const Json& j) {
  if (auto k = check_keys(j, {"op", "profile", "state", "skip_steps"}); !k) return k.error();
  auto p = request_profile(j);
  if (!p) return p.error();
  State s;
  Json steps = Json::array();
  if (j.contains("state")) {
    if (j.contains("skip_steps")) return make_error("give either state or skip_steps");
    // Accept a transcript state (persistent fields plus derived views): keep the State fields.
    Json st = j["state"];
    if (st.is_object())
      for (const char* v : {"cc_approved_mode", "cc_missing", "cc_mode_indicator", "locked_out"}) st.erase(v);
    auto r = from_json<State>(st);
    if (!r) return make_error("state." + r.error().message);
    s = *r;
    if (auto v = Machine::validate_state(*p, s); !v) return make_error("state: " + v.error().message);
  } else {
    std::vector<int> skip;
    if (j.contains("skip_steps")) {
      auto sk = field<std::vector<int>>(j, "skip_steps");
      if (!sk) return sk.error();
      for (int n : *sk)
        if (n < 1 || n > 11) return make_error("skip_steps: steps are numbered 1..11");
      skip = *sk;
    }
    auto run = run_setup(*p, skip);
    s = run.state;
    for (const auto& x : run.statuses) steps.push_back(core_name(x));
  }
  const auto rep = cc_report(*p, s);
  Json out{{"cc_approved_mode", rep.approved}, {"cc_mode_indicator", rep.indicator}, {"missing", rep.missing}};
  if (!steps.empty()) out["step_statuses"] = steps;
  return out;
}

LOCKREF_REGISTER(EvalOp{"opal.cc_mode",
                        "CC Approved Mode report {profile, state | skip_steps:[1..11]} -> cc_approved_mode, "
                        "cc_mode_indicator, missing conditions",
                        cc_mode_op});

/// opal.firmware_signature: the RSA-4096 PSS check of a firmware image against the ROM key;
/// its verdict is what FirmwareDownload's signature_ok stands for.
Result<Json> firmware_signature_op(const Json& j) {
  if (auto k = check_keys(j, {"op", "public_key", "image", "signature", "hash"}); !k) return k.error();
  auto key = field<Bytes>(j, "public_key");
  if (!key) return key.error();
  auto image = field<Bytes>(j, "image");
  if (!image) return image.error();
  auto sig = field<Bytes>(j, "signature");
  if (!sig) return sig.error();
  FwHash h = FwHash::sha256;
  if (j.contains("hash")) {
    auto r = field<FwHash>(j, "hash");
    if (!r) return r.error();
    h = *r;
  }
  auto ok = firmware_signature_ok(*key, *image, *sig, h);
  if (!ok) return ok.error();
  return Json{{"signature_ok", *ok}};
}

LOCKREF_REGISTER(EvalOp{"opal.firmware_signature",
                        "RSA-4096 PSS check of a firmware image {public_key: SPKI DER hex, image, signature, "
                        "hash?: SHA-256|SHA-384|SHA-512} -> signature_ok",
                        firmware_signature_op});

Result<Profile> opal_profile(const Args& a, Profile p) {
  if (a.has("firmware")) p = *profile_named(a.text("firmware"));
  if (a.has("scope")) p.scope = *enum_from_name<Scope>(a.text("scope"));
  if (a.has("users")) p.users = static_cast<std::uint8_t>(a.uint("users"));
  if (a.has("ranges")) p.ranges = static_cast<std::uint8_t>(a.uint("ranges"));
  if (a.has("admins")) p.locking_admins = static_cast<std::uint8_t>(a.uint("admins"));
  return p;
}

LOCKREF_REGISTER(make_machine_tool<lockref::opal::Machine>(
    "TCG Opal per the Seagate CC guide: try limits, PIN policy, SP lifecycle, ranges, FW port, CC mode",
    {opt::choice("firmware", "a Seagate profile (all 4+4 Admins, 9 Users, 9 ranges), or generic",
                 {"SE4SA530", "SGEBHG02", "generic"}, "generic"),
     opt::choice("scope", "which events exploration and corpora offer", enum_name_list<Scope>(), "credentials"),
     opt::number("users", "Locking SP Users to model", 0, 9),
     opt::number("ranges", "locking ranges besides Global", 0, 9),
     opt::number("admins", "Locking SP Admins to model", 0, 4)},
    opal_profile));

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
