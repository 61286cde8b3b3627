// lockref eval ops and machines for the OCP L.O.C.K. 0.9 encryption-engine SFR interface
// (§4.7.1): the engine, KMB's driver, both composed, and register-level transcripts.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "lockref/core/prng.hpp"
#include "lockref/engine/system.hpp"
#include "machine_tool.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
namespace ee = lockref::engine;

// ---- profiles -------------------------------------------------------------------------

/// An engine profile from JSON: a name ("strict", "lenient") or an object. An object may
/// start from a named profile with "base" and override any field.
Result<ee::Profile> engine_profile_json(const Json& j) {
  if (j.is_string()) {
    auto p = ee::named_profile(j.get<std::string>());
    if (!p) return make_error("unknown engine profile \"" + j.get<std::string>() + "\" (expected strict or lenient)");
    return *p;
  }
  if (!j.is_object()) return make_error("expected a profile name or object");
  Json body = j;
  ee::Profile base = ee::strict();
  if (auto b = j.find("base"); b != j.end()) {
    auto bp = engine_profile_json(*b);
    if (!bp) return make_error("base: " + bp.error().message);
    base = *bp;
    body.erase("base");
  }
  Json merged = to_json(base);
  for (auto& [k, v] : body.items()) merged[k] = v;
  auto p = from_json<ee::Profile>(merged);
  if (!p) return p.error();
  if (auto v = ee::Machine::validate(*p); !v) return v.error();
  return p;
}

Result<ee::Profile> engine_profile_opts(const Args& a, ee::Profile p) {
  if (a.has("engine")) p = *ee::named_profile(a.text("engine"));
  if (a.has("capacity")) p.capacity = static_cast<std::uint16_t>(a.uint("capacity"));
  return p;
}

Result<ee::sys::Profile> system_profile_opts(const Args& a, ee::sys::Profile p) {
  auto e = engine_profile_opts(a, p.engine);
  if (!e) return e.error();
  p.engine = *e;
  if (a.has("kmb-ctrl")) p.kmb.two_step_ctrl = a.text("kmb-ctrl") == "two-step";
  return p;
}

const std::vector<Option> engine_options{
    opt::choice("engine", "engine profile (vendor choices of Tables 9-11)", {"strict", "lenient"}, "strict"),
    opt::number("capacity", "key-cache entries (explore: default 2)", 1, 64)};
const Option kmb_ctrl_option = opt::choice(
    "kmb-ctrl", "KMB writes CMD with EXE, or CMD then CMD+EXE", {"together", "two-step"}, "together");
const std::vector<Option> engine_explore_options{
    opt::text("dot", "write the Figure 34 view (CTRL states) as Graphviz to FILE", "FILE"),
    opt::text("full-dot", "write every reachable state as Graphviz to FILE", "FILE"),
    opt::flag("verbose", "also list the distinct CTRL values")};

// ---- eval ops -------------------------------------------------------------------------

Result<Json> ctrl_encode_op(const Json& j) {
  ee::Ctrl c;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& k = it.key();
    if (k == "op") continue;
    if (k == "rdy" || k == "done" || k == "exe") {
      auto b = from_json<bool>(*it);
      if (!b) return make_error(k + ": " + b.error().message);
      (k == "rdy" ? c.rdy : k == "done" ? c.done : c.exe) = *b;
    } else if (k == "err" || k == "cmd") {
      auto v = from_json<std::uint8_t>(*it);
      if (!v || *v > 15) return make_error(k + ": expected 0..15 (a 4-bit field, Table 9)");
      (k == "err" ? c.err : c.cmd) = *v;
    } else {
      return make_error("unknown field \"" + k + "\" (rdy, err, cmd, done, exe)");
    }
  }
  return Json{{"value", ee::ctrl_hex(ee::encode(c))}};
}

Result<std::uint32_t> ctrl_value_field(const Json& j) {
  auto v = j.find("value");
  if (v == j.end()) return make_error("missing field \"value\"");
  if (v->is_string()) return ee::parse_ctrl(v->get<std::string>());
  auto x = from_json<std::uint32_t>(*v);
  if (!x) return make_error("value: " + x.error().message);
  return x;
}

Result<Json> ctrl_decode_op(const Json& j) {
  auto v = ctrl_value_field(j);
  if (!v) return v.error();
  const auto c = ee::decode(*v);
  Json out{{"rdy", c.rdy}, {"err", c.err}, {"cmd", c.cmd}, {"done", c.done}, {"exe", c.exe},
           {"reserved_bits", ee::ctrl_hex(ee::reserved_bits(*v))},
           {"err_class", std::string(enum_name(ee::err_class(c.err)))},
           {"command", ee::is_defined_command(c.cmd) ? std::string(enum_name(static_cast<ee::Command>(c.cmd))) : "reserved"}};
  if (c.err) out["kmb_result_code"] = ee::ctrl_hex(ee::lock_engine_code(c.err));
  return out;
}

/// Single step of a machine: {"profile"?, "state"?, "event"} -> {"state", "output"}.
template <class M, class ProfileFromJson>
Result<Json> single_step(const Json& j, ProfileFromJson pf) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "profile" && it.key() != "state" && it.key() != "event")
      return make_error("unknown field \"" + it.key() + "\" (profile, state, event)");
  typename M::Profile p{};
  if (auto pj = j.find("profile"); pj != j.end()) {
    auto r = pf(*pj);
    if (!r) return make_error("profile: " + r.error().message);
    p = *r;
  }
  typename M::State s = M::initial(p);
  if (auto sj = j.find("state"); sj != j.end()) {
    auto r = given_state<M>(p, *sj);  // the views (ctrl_value, ...) may come along
    if (!r) return make_error("state." + r.error().message);
    s = *r;
  }
  // A state given by the caller must be one the machine can reach in spirit: every
  // invariant holds (sorted unique key cache, CTRL consistent with the phase, ...).
  if (auto v = check_invariants<M>(p, s); !v) return make_error("state " + v.error().message);
  auto e = field<typename M::Event>(j, "event");
  if (!e) return e.error();
  auto st = M::step(p, s, *e);
  return Json{{"output", to_json(st.out)}, {"state", state_json<M>(p, st.next)}};
}

/// "engine.step" (the machine tool's step op): the profile may also be a name or {"base":...}.
Result<Json> engine_step_op(const Json& j) { return single_step<ee::Machine>(j, engine_profile_json); }

Result<Json> regs_check_json(const ee::Profile& p, const std::vector<std::pair<std::size_t, Json>>& lines) {
  std::vector<std::variant<ee::sys::RegAccess, std::string>> parsed;
  for (const auto& [ln, j] : lines) {
    auto a = ee::sys::parse_access(j);
    if (!a) return make_error("line " + std::to_string(ln) + ": " + a.error().message);
    parsed.push_back(*a);
  }
  auto rep = ee::sys::check_accesses(p, lines, parsed);
  Json out{{"conforms", !rep.deviation}, {"accesses", rep.accesses}, {"inferred_fatal", rep.inferred_fatal}};
  if (rep.deviation) {
    const auto& d = *rep.deviation;
    out["line"] = d.line;
    out["rule"] = d.rule;
    out["deviation"] = Json{{"line", d.line}, {"access", d.access}, {"device", d.device},
                            {"expected", d.expected}, {"rule", d.rule}, {"why", d.why}};
  }
  return out;
}

/// engine.regs_check: {"profile"?, "transcript":[register lines]} (line numbers count from 1).
Result<Json> regs_check_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "profile" && it.key() != "transcript")
      return make_error("unknown field \"" + it.key() + "\" (profile, transcript)");
  ee::Profile p = ee::strict();
  if (auto pj = j.find("profile"); pj != j.end()) {
    auto r = engine_profile_json(*pj);
    if (!r) return make_error("profile: " + r.error().message);
    p = *r;
  }
  auto t = j.find("transcript");
  if (t == j.end() || !t->is_array()) return make_error("missing field \"transcript\" (array of register lines)");
  std::vector<std::pair<std::size_t, Json>> lines;
  for (std::size_t i = 0; i < t->size(); ++i) lines.emplace_back(i + 1, (*t)[i]);
  return regs_check_json(p, lines);
}

LOCKREF_REGISTER(EvalOp{"engine.ctrl_encode", "CTRL value from fields {rdy, err, cmd, done, exe} (0.9 Table 9)",
                        ctrl_encode_op});
LOCKREF_REGISTER(EvalOp{"engine.ctrl_decode",
                        "CTRL fields of {value} (Table 9), error class (Table 10), command (Table 11), KMB result code (Table 57)",
                        ctrl_decode_op});
LOCKREF_REGISTER(EvalOp{"engine.regs_check",
                        "check a register transcript {profile?, transcript:[{reg,op,value|data}]} against the engine model",
                        regs_check_op});

// ---- explore engine: Figure 34 view ---------------------------------------------------

/// Figure 34's nodes: CTRL with [code] for non-zero CMD/ERR, plus what the engine is doing.
std::string fig34_key(const ee::State& s) {
  return ee::Machine::ctrl_fields_text(s.ctrl, true) + "\n(" + std::string(enum_name(s.phase)) + ")";
}

std::string fig34_edge(const ee::State& from, const ee::Event& e, const ee::State& to) {
  if (std::holds_alternative<ee::FatalError>(e)) return "Fatal error";
  if (std::holds_alternative<ee::PowerCycle>(e)) return "Power cycle";
  if (const auto* w = std::get_if<ee::WriteCtrl>(&e)) {
    const auto c = ee::decode(w->value);
    if (c.done) return "KMB writes DONE=1";
    if (c.exe) return c.cmd ? "KMB writes CMD=[code], EXE=1" : "KMB writes EXE=1";
    return c.cmd ? "KMB writes CMD=[code]" : "KMB writes CMD=0";
  }
  if (std::holds_alternative<ee::Tick>(e)) {
    if (from.phase == ee::Phase::initializing && to.ctrl.rdy) return "Encryption engine writes RDY=1";
    if (from.phase == ee::Phase::executing && to.phase == ee::Phase::done)
      return "Encryption engine writes ERR=[code], DONE=1, EXE=0";
    if (from.phase == ee::Phase::resetting && to.phase == ee::Phase::ready)
      return "Encryption engine writes ERR=0, CMD=0, DONE=0, EXE=0";
    return "";  // internal countdown: not drawn
  }
  return "";  // METD/AUX/MEK writes do not change CTRL
}

std::string dot_escape(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '"' ? std::string("\\\"") : c == '\n' ? std::string("\\n") : std::string(1, c);
  return o;
}

int explore_engine(const Args& a) {
  auto p0 = base_profile<ee::Machine>(a, ee::strict());
  Result<ee::Profile> p = p0 ? engine_profile_opts(a, *p0) : Result<ee::Profile>(p0.error());
  // A bounded cache ("full" reachable, small state space) unless --capacity or --profile says otherwise.
  if (p && !a.has("capacity") && !a.has("profile")) p.value().capacity = 2;
  if (p) {
    if (auto v = ee::Machine::validate(*p); !v) p = v.error();
  }
  auto o = explore_options<ee::Machine>(a);
  if (!p || !o) {
    std::cerr << "lockref explore engine: " << (!p ? p.error().message : o.error().message) << "\n";
    return 2;
  }
  o.value().keep_states = true;  // the Figure 34 view is computed from every state
  o.value().keep_edges = a.has("full-dot");
  const auto t0 = std::chrono::steady_clock::now();
  auto ex = explore<ee::Machine>(*p, *o);
  const auto t1 = std::chrono::steady_clock::now();
  // Quotient by Figure 34's view; edges re-derived per event so they can be labelled. A
  // node is the symbolic CTRL fields and the phase: its text is built once per distinct
  // (CTRL fields, phase), not per state and event.
  std::map<std::string, std::size_t> node;
  std::vector<std::string> names;
  std::unordered_map<std::uint64_t, std::size_t> node_of_view;
  std::set<std::tuple<std::size_t, std::size_t, std::string>> edges;
  std::set<std::uint32_t> ctrl_values;
  // The register's own encoding (ERR and CMD are 4-bit fields: the profile's codes are 4h..Fh).
  auto view = [](const ee::State& s) { return std::uint64_t{ee::encode(s.ctrl)} | std::uint64_t(s.phase) << 32; };
  auto id = [&](const ee::State& s) {
    auto [v, fresh_view] = node_of_view.try_emplace(view(s), 0);
    if (fresh_view) {
      auto k = fig34_key(s);
      auto [it, fresh] = node.emplace(k, names.size());
      if (fresh) names.push_back(k);
      v->second = it->second;
    }
    return v->second;
  };
  for (const auto& s : ex.states) {
    const auto from = id(s);
    ctrl_values.insert(ee::encode(s.ctrl));
    for (const auto& e : ee::Machine::candidate_events(*p, s)) {
      auto st = ee::Machine::step(*p, s, e);
      if (!st.out.is_ok()) continue;
      auto lbl = fig34_edge(s, e, st.next);
      if (lbl.empty()) continue;
      const auto to = id(st.next);
      if (to != from) edges.insert({from, to, lbl});
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  const double view_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
  if (o->progress) std::cerr << "\r\033[K" << std::flush;
  std::cout << "engine " << to_json(*p).dump() << "\n"
            << "  reachable states:      " << ex.size() << " (key cache bounded to " << p->capacity
            << (ex.symmetric ? "; symmetry-reduced: " + ee::Machine::symmetry_note(*p) + "; --symmetry off counts every state" : "")
            << ")"
            << (ex.truncated ? " (stopped at " + ex.truncation.substr(0, ex.truncation.find(' ')) + ")" : std::string())
            << "\n"
            << "  events tried:          " << ex.transitions << " (" << ex.rejected << " ignored by a rule)\n"
            << "  distinct CTRL values:  " << ctrl_values.size() << "\n"
            << "  Figure 34 view:        " << names.size() << " nodes, " << edges.size() << " edges\n"
            << "  invariants:            " << ee::Machine::invariants().size() << " checked on every state\n";
  if (a.flag("verbose")) {
    std::cout << "  CTRL values:";
    for (const auto v : ctrl_values) std::cout << " " << ee::ctrl_hex(v);
    std::cout << "\n";
  }
  if (a.has("dot")) {
    std::ostringstream f;
    f << "digraph \"engine CTRL (compare 0.9 Figure 34)\" {\n  rankdir=TB;\n  node [shape=box, fontname=\"Courier\"];\n";
    for (std::size_t i = 0; i < names.size(); ++i)
      f << "  n" << i << " [label=\"" << dot_escape(names[i]) << "\"" << (i == 0 ? ", penwidth=2" : "") << "];\n";
    for (const auto& [from, to, lbl] : edges)
      f << "  n" << from << " -> n" << to << " [label=\"" << dot_escape(lbl) << "\", fontsize=9];\n";
    f << "}\n";
    if (!write_dot(a, "dot", f.str())) return 2;
    std::cout << "  diagram:               " << a.text("dot") << " (Figure 34 view; render with: dot -Tsvg "
              << a.text("dot") << " -o engine.svg)\n";
  }
  if (a.has("full-dot") && !write_dot(a, "full-dot", to_dot<ee::Machine>(*p, ex, "engine"))) return 2;
  char view_time[64];
  std::snprintf(view_time, sizeof view_time, " + %.1f ms Figure 34 view", view_ms);
  return finish_explore<ee::Machine>(*p, ex, ms, a, *o, 21, view_time);
}

MachineTool engine_tool() {
  auto t = make_machine_tool<ee::Machine>(
      "OCP L.O.C.K. 0.9 encryption engine: CTRL register machine and key cache (§4.7.1, Figure 34)",
      engine_options, engine_profile_opts);
  t.explore = explore_engine;
  t.explore_options = engine_explore_options;
  t.step = engine_step_op;
  return t;
}
LOCKREF_REGISTER(engine_tool());

LOCKREF_REGISTER(make_machine_tool<ee::kmb::Driver>(
    "OCP L.O.C.K. 0.9 KMB side of the engine interface: RDY check, writes, DONE wait, cmd_timeout (§4.7.1.2.4, §4.7.2.2)",
    {}));

MachineTool system_tool() {
  // The composed state space is large (engine x driver x requests): explore stops at
  // --max-states and says so.
  auto opts = engine_options;
  opts.push_back(kmb_ctrl_option);
  auto t = make_machine_tool<ee::sys::System>("KMB driver and encryption engine composed at the SFRs (0.9 Figure 35)",
                                              opts, system_profile_opts);
  t.explore_options = {opt::number("max-states", "stop after this many states, with a truncation report (0: no bound)", 0,
                                   std::numeric_limits<std::uint64_t>::max(), 200000)};
  return t;
}
LOCKREF_REGISTER(system_tool());

// ---- engine-regs: register-level transcripts -------------------------------------------

/// `lockref check` of a register transcript, one line at a time. The profile follows the
/// generic rule (machine_tool.hpp): the header's, unless --engine, --capacity or --profile
/// is given; both given and different is unusable (exit 2).
int regs_check_cmd(LineSource& in, const Args& a) {
  const std::string source = in.name();
  auto unusable = [&](const std::string& msg) {
    std::cerr << "lockref check: " << source << ": " << msg << "\n";
    return 2;
  };
  std::optional<ee::Profile> header;
  ee::Profile p = ee::strict();
  std::optional<ee::sys::AccessChecker<>> checker;
  bool header_seen = false;
  std::string note;
  auto st = read_lines(
      in,
      [&](std::size_t ln, const std::string& text) -> Status {
        if (text.find_first_not_of(" \t\r") == std::string::npos) return ok_status();
        const std::string at = "line " + std::to_string(ln) + ": ";
        auto parsed = parse_json(text);
        if (!parsed) return make_error(at + parsed.error().message);
        const Json& j = *parsed;
        if (!j.is_object()) return make_error(at + "expected a JSON object, got " + std::string(j.type_name()));
        if (j.contains("machine")) {
          if (checker || header_seen || j["machine"] != "engine-regs")
            return make_error(at + "a header {\"machine\":\"engine-regs\"} may only come first");
          header_seen = true;
          for (auto it = j.begin(); it != j.end(); ++it)
            if (it.key() != "machine" && it.key() != "profile" && it.key() != "seed")
              return make_error(at + "unknown header field \"" + it.key() + "\"");
          if (auto pj = j.find("profile"); pj != j.end()) {
            auto r = engine_profile_json(*pj);
            if (!r) return make_error(at + "profile: " + r.error().message);
            header = *r;
          }
          return ok_status();
        }
        if (!checker) {
          if (model_options_given(a, engine_options)) {
            auto q = profile_from<ee::Machine>(a, engine_profile_opts, header.value_or(ee::strict()));
            if (!q) return q.error();
            if (header)
              if (auto agree = options_agree_with_header(a, engine_options, to_json(*header), to_json(*q)); !agree)
                return agree;
            p = *q;
            note = header ? "options, agreeing with the header" : "options";
          } else {
            p = header.value_or(ee::strict());
            note = header ? "header" : "default";
          }
          checker.emplace(p);
        }
        auto acc = ee::sys::parse_access(j);
        if (!acc) return make_error(at + acc.error().message);
        checker->feed(ln, j, *acc);
        return ok_status();
      },
      [&] { return checker && checker->rep.deviation.has_value(); });
  if (!st) return unusable(st.error().message);
  if (!checker || (checker->rep.accesses == 0 && !checker->rep.deviation)) return unusable("no register accesses");
  const auto& rep = checker->rep;
  const bool quiet = a.flag("quiet");
  if (!rep.deviation) {
    if (quiet) return 0;
    std::cout << source << ": " << rep.accesses << " register accesses conform to the engine model (" << p.name
              << " profile; profile: " << note << ")";
    if (rep.inferred_fatal) std::cout << "; RDY dropped: fatal error assumed (Table 9 RDY)";
    std::cout << "\n";
    return 0;
  }
  if (quiet) return 1;
  const auto& d = *rep.deviation;
  std::cout << source << ":" << d.line << ": DEVIATION (" << p.name << " profile)\n"
            << "  access:   " << d.access << "\n"
            << "  device:   " << d.device << "\n"
            << "  model:    " << d.expected << "\n"
            << "  " << d.why << "\n"
            << "  violates " << d.rule;
  if (auto req = find_requirement(d.rule))
    std::cout << " (" << req->value("source", "") << " " << req->value("section", "") << ")\n    \""
              << req->value("text", "") << "\"";
  std::cout << "\n";
  return 1;
}

/// A register transcript from a seeded random walk of the composed system.
int regs_corpus_cmd(const Args& a) {
  ee::sys::Profile sp;
  auto base = base_profile<ee::Machine>(a, sp.engine);
  auto p = base ? (sp.engine = *base, system_profile_opts(a, sp)) : Result<ee::sys::Profile>(base.error());
  if (p)
    if (auto v = ee::sys::System::validate(*p); !v) p = make_error("profile: " + v.error().message);
  if (!p) {
    std::cerr << "lockref corpus engine-regs: " << p.error().message << "\n";
    return 2;
  }
  auto sink = corpus_sink(a, "engine-regs");
  if (!sink) return 2;
  Progress prog("corpus engine-regs", sink->count);
  std::ostream* out = sink->out;
  const std::uint64_t seed = sink->seed, count = sink->count;
  *out << Json{{"machine", "engine-regs"}, {"profile", to_json(p->engine)}, {"seed", seed}}.dump() << "\n";
  SplitMix64 rng{seed};
  auto s = ee::sys::System::initial(*p);
  std::uint64_t written = 0;
  while (written < count && *out) {
    prog.update(written, "lines");
    auto cands = ee::sys::System::candidate_events(*p, s);
    // Mostly KMB steps and engine ticks; now and then a new command, a clock tick, a fault.
    const auto r = rng.below(100);
    const ee::sys::Event e = r < 45 ? ee::sys::Event{ee::sys::KmbStep{}}
                             : r < 75 ? ee::sys::Event{ee::sys::EngineTick{}}
                             : r < 93 ? cands[rng.below(5)]
                             : r < 98 ? ee::sys::Event{ee::sys::ClockTick{}}
                             : r < 99 ? ee::sys::Event{ee::sys::EngineFatal{}}
                                      : ee::sys::Event{ee::sys::SystemPowerCycle{}};
    auto st = ee::sys::System::step(*p, s, e);
    if (std::holds_alternative<ee::sys::SystemPowerCycle>(e)) {
      *out << Json{{"event", "power_cycle"}}.dump() << "\n";
      ++written;
    }
    for (const auto& op : st.out.bus) {
      *out << ee::sys::access_json(op).dump() << "\n";
      ++written;
    }
    s = st.next;
  }
  prog.done();
  return corpus_done(a, *sink, "corpus engine-regs", count);
}

MachineTool regs_tool() {
  MachineTool t;
  t.name = "engine-regs";
  t.summary = "register-level transcripts of the engine SFRs ({\"reg\":\"CTRL\",\"op\":\"write\",\"value\":\"0x00000005\"})";
  t.options = engine_options;  // or the header's "profile": a name, or an object with optional "base"
  t.explore = explore_engine;
  t.explore_options = engine_explore_options;
  t.corpus_options = {kmb_ctrl_option};
  t.corpus = regs_corpus_cmd;
  t.check = regs_check_cmd;
  return t;
}
LOCKREF_REGISTER(regs_tool());

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
