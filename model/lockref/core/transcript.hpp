// lockref core: JSON Lines transcripts — corpus generation and conformance checking.
//
// Format (ARCHITECTURE.md "Transcripts and corpora"): one JSON object per line.
//   {"machine":"epoch","profile":{...}}                                  optional header
//   {"machine":"epoch","step":1,"event":{"type":...},"expect":{"status":"ok"},"state":{...}}
// "expect" is what the device answered, "state" what it reports afterwards; both may
// hold any subset of the model's fields (a device exposes only some of them) and only
// the keys present are compared. Bytes are lowercase hex. After each step the machine's
// invariants are checked on the model's state, so a counterexample written by
// `lockref explore --counterexample` replays to the requirement it breaks.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lockref/core/machine.hpp"
#include "lockref/core/prng.hpp"

namespace lockref {

/// A transcript's header line: the machine and its profile.
template <StateMachine M>
Json transcript_header(const typename M::Profile& p) {
  return Json{{"machine", std::string(M::name)}, {"profile", to_json(p)}};
}

/// One transcript line: step n, its event, the model's answer and the state after it.
template <StateMachine M>
Json transcript_step(const typename M::Profile& p, std::size_t n, const typename M::Event& e,
                     const Step<typename M::State, typename M::Output>& st) {
  return Json{{"machine", std::string(M::name)},
              {"step", n},
              {"event", to_json(e)},
              {"expect", to_json(st.out)},
              {"state", state_json<M>(p, st.next)}};
}

/// Writes a corpus: a header line, then `count` steps of a seeded random walk that
/// mixes accepted and rejected events (accepted ones are preferred 3:1, so walks get
/// deep into the lifecycle).
template <StateMachine M>
std::vector<Json> generate_corpus(const typename M::Profile& p, std::uint64_t seed, std::size_t count) {
  std::vector<Json> lines;
  lines.push_back(transcript_header<M>(p));
  lines.back()["seed"] = seed;
  SplitMix64 rng{seed};
  auto s = M::initial(p);
  for (std::size_t n = 1; n <= count; ++n) {
    auto cands = M::candidate_events(p, s);
    std::vector<std::size_t> good, bad;
    for (std::size_t i = 0; i < cands.size(); ++i)
      (M::step(p, s, cands[i]).out.is_ok() ? good : bad).push_back(i);
    const auto& pool = (!good.empty() && (bad.empty() || rng.below(4) != 0)) ? good : bad;
    const auto& e = cands[pool[rng.below(pool.size())]];
    auto st = M::step(p, s, e);
    lines.push_back(transcript_step<M>(p, n, e, st));
    s = std::move(st.next);
  }
  return lines;
}

struct Divergence {
  std::size_t line = 0;   // 1-based line number in the transcript
  std::size_t step = 0;
  std::string event;      // the event, compact JSON
  std::string field;      // "status", or the state/view field that differs
  std::string device;     // what the transcript says (JSON)
  std::string model;      // what the model says (JSON)
  std::string rule;       // requirement id violated
  std::string before;     // the model's state before the step (JSON)
  /// Set when the device agrees with the model but the model's state after the step
  /// breaks one of the machine's invariants (a counterexample from `lockref explore`):
  /// the invariant's check name; `after` is that state.
  std::string invariant;
  std::string after;
};

struct CheckReport {
  std::size_t steps = 0;  // steps checked (up to and including a divergence)
  std::optional<Divergence> divergence;
};

/// Replays a transcript against the model. Errors (Result) mean the transcript is
/// unusable: malformed JSON, unknown machine, event or field names, bad step numbers.
template <StateMachine M>
Result<CheckReport> check_transcript(const std::vector<std::string>& lines,
                                     std::optional<typename M::Profile> forced_profile = std::nullopt) {
  typename M::Profile profile = forced_profile.value_or(typename M::Profile{});
  bool started = false;
  typename M::State s{};
  std::size_t expect_step = 1;
  CheckReport rep;
  auto where = [](std::size_t ln) { return "line " + std::to_string(ln); };
  const Json state_fields = state_json<M>(profile, M::initial(profile));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t ln = i + 1;
    const auto& text = lines[i];
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) return make_error(where(ln) + ": not valid JSON");
    if (!j.is_object()) return make_error(where(ln) + ": expected a JSON object");
    if (auto m = j.find("machine"); m != j.end() && (!m->is_string() || m->get<std::string>() != M::name))
      return make_error(where(ln) + ": machine is " + m->dump() + ", expected \"" + std::string(M::name) + "\"");
    if (!j.contains("step")) {  // header line
      if (started) return make_error(where(ln) + ": header line after the first step");
      if (auto pj = j.find("profile"); pj != j.end() && !forced_profile) {
        auto pr = from_json<typename M::Profile>(*pj);
        if (!pr) return make_error(where(ln) + ": profile." + pr.error().message);
        profile = std::move(pr).value();
      }
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "machine" && it.key() != "profile" && it.key() != "seed")
          return make_error(where(ln) + ": unknown header field \"" + it.key() + "\"");
      continue;
    }
    if (!started) {
      if (auto v = M::validate(profile); !v) return make_error("profile: " + v.error().message);
      s = M::initial(profile);
      started = true;
    }
    auto step = field<std::uint64_t>(j, "step");
    if (!step) return make_error(where(ln) + ": " + step.error().message);
    if (*step != expect_step)
      return make_error(where(ln) + ": step " + std::to_string(*step) + " where step " + std::to_string(expect_step) +
                        " was expected (lines missing or reordered?)");
    ++expect_step;
    auto ev = field<typename M::Event>(j, "event");
    if (!ev) return make_error(where(ln) + ": " + ev.error().message);
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "machine" && it.key() != "step" && it.key() != "event" && it.key() != "expect" &&
          it.key() != "state")
        return make_error(where(ln) + ": unknown field \"" + it.key() + "\"");
    auto st = M::step(profile, s, *ev);
    ++rep.steps;
    Divergence d{ln, static_cast<std::size_t>(*step), to_json(*ev).dump(), "", "", "", "", to_json(s).dump(), "", ""};
    const Json out = to_json(st.out);
    if (auto ex = j.find("expect"); ex != j.end()) {
      if (!ex->is_object()) return make_error(where(ln) + ": expect: expected object");
      for (auto it = ex->begin(); it != ex->end(); ++it) {
        if (!out.contains(it.key())) return make_error(where(ln) + ": expect: unknown field \"" + it.key() + "\"");
        if (out[it.key()] != it.value()) {
          d.field = it.key();
          d.device = it.value().dump();
          d.model = out[it.key()].dump();
          d.rule = st.out.rule;
          rep.divergence = d;
          return rep;
        }
      }
    }
    const Json now = state_json<M>(profile, st.next);
    if (auto sj = j.find("state"); sj != j.end()) {
      if (!sj->is_object()) return make_error(where(ln) + ": state: expected object");
      for (auto it = sj->begin(); it != sj->end(); ++it) {
        if (!state_fields.contains(it.key()))
          return make_error(where(ln) + ": state: unknown field \"" + it.key() + "\"");
        if (now[it.key()] != it.value()) {
          d.field = "state." + it.key();
          d.device = it.value().dump();
          d.model = now[it.key()].dump();
          d.rule = std::string(M::view_requirement(it.key()));
          if (!st.out.is_ok()) d.rule = st.out.rule;  // a rejected event must leave the state unchanged
          rep.divergence = d;
          return rep;
        }
      }
    }
    // The device agreed; the model's own invariants must hold in the state it reached.
    for (const auto& inv : M::invariants()) {
      if (inv.holds(profile, st.next)) continue;
      d.field = "invariant";
      d.invariant = std::string(inv.id);
      d.rule = std::string(inv.requirement);
      d.after = state_json<M>(profile, st.next).dump();
      rep.divergence = d;
      return rep;
    }
    s = std::move(st.next);
  }
  if (!started) return make_error("transcript has no steps");
  return rep;
}

}  // namespace lockref
