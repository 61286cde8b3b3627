// lockref core: JSON Lines transcripts — corpus generation and conformance checking.
//
// Format (ARCHITECTURE.md "Transcripts and corpora"): one JSON object per line.
//   {"machine":"epoch","profile":{...}}                                  optional header
//   {"machine":"epoch","step":1,"event":{"type":...},"expect":{"status":"ok"},"state":{...}}
// "expect" is what the device answered, "state" what it reports afterwards; both may
// hold any subset of the model's fields (a device exposes only some of them) and only
// the keys present are compared, at any depth (objects inside a field too; arrays are
// compared element by element and must have the model's length). Bytes are lowercase hex.
// After each step the machine's invariants are checked on the model's state, so a
// counterexample written by `lockref explore --counterexample` replays to the requirement
// it breaks.
#pragma once
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
Json transcript_step(const typename M::Profile& p, std::uint64_t n, const typename M::Event& e,
                     const Step<typename M::State, typename M::Output>& st) {
  return Json{{"machine", std::string(M::name)},
              {"step", n},
              {"event", to_json(e)},
              {"expect", to_json(st.out)},
              {"state", state_json<M>(p, st.next)}};
}

/// Generates a corpus one line at a time: a header line, then `count` steps of a seeded
/// random walk that mixes accepted and rejected events (accepted ones are preferred 3:1, so
/// walks get deep into the lifecycle). Each line goes to `emit(const Json&)` as soon as it
/// exists, so memory does not grow with `count`; `emit` returns false to stop early (e.g.
/// the output failed). Returns whether every line was emitted.
template <StateMachine M, class Emit>
bool generate_corpus(const typename M::Profile& p, std::uint64_t seed, std::uint64_t count, Emit&& emit) {
  Json header = transcript_header<M>(p);
  header["seed"] = seed;
  if (!emit(std::move(header))) return false;
  SplitMix64 rng{seed};
  auto s = M::initial(p);
  std::vector<std::size_t> good, bad;
  for (std::uint64_t n = 1; n <= count; ++n) {
    auto cands = M::candidate_events(p, s);
    good.clear();
    bad.clear();
    for (std::size_t i = 0; i < cands.size(); ++i)
      (M::step(p, s, cands[i]).out.is_ok() ? good : bad).push_back(i);
    const auto& pool = (!good.empty() && (bad.empty() || rng.below(4) != 0)) ? good : bad;
    const auto& e = cands[pool[rng.below(pool.size())]];
    auto st = M::step(p, s, e);
    if (!emit(transcript_step<M>(p, n, e, st))) return false;
    s = std::move(st.next);
  }
  return true;
}

/// The whole corpus in memory (tests; the program streams with the overload above).
template <StateMachine M>
std::vector<Json> generate_corpus(const typename M::Profile& p, std::uint64_t seed, std::size_t count) {
  std::vector<Json> lines;
  generate_corpus<M>(p, seed, count, [&](Json j) {
    lines.push_back(std::move(j));
    return true;
  });
  return lines;
}

struct Divergence {
  std::size_t line = 0;      // 1-based line number in the transcript
  std::size_t step = 0;
  std::string event;         // the event, compact JSON
  std::string field;         // path of the first differing value: "status", "state.credentials[0].tries"
  std::string device;        // what the transcript says there (JSON, or "(absent)")
  std::string model;         // what the model says there (JSON, or "(absent)")
  std::string rule;          // requirement id violated
  std::string before;        // the model's whole state before the step (JSON)
  std::string before_value;  // the model's value at `field` before the step (JSON; "" if none)
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

/// Replays a transcript against the model one line at a time, keeping only the current
/// state (memory does not grow with the transcript). feed() returns an Error when the
/// transcript is unusable — not JSON, unknown machine, event or field, a value of the
/// wrong type or outside its type (the message names the line and the field path), bad
/// step numbers — and a divergence only when a well-formed device value differs from the
/// model's.
///
/// The profile: the header's, unless a Resolver is given; it is called once, before the
/// first step, with the header's profile (nullopt when there is none) and returns the
/// profile to check with (or an Error: the options contradict the header, ...).
template <StateMachine M>
class TranscriptChecker {
 public:
  using Profile = typename M::Profile;
  using Resolver = std::function<Result<Profile>(const std::optional<Profile>& header)>;

  explicit TranscriptChecker(Resolver resolve = {}) : resolve_(std::move(resolve)) {}

  /// Line `ln` (1-based) of the transcript. Ignored once diverged().
  Status feed(std::size_t ln, std::string_view text) {
    if (diverged() || text.find_first_not_of(" \t\r") == std::string_view::npos) return ok_status();
    const std::string at = "line " + std::to_string(ln) + ": ";
    auto parsed = parse_json(text);
    if (!parsed) return make_error(at + parsed.error().message);
    const Json& j = *parsed;
    if (!j.is_object()) return make_error(at + "expected a JSON object, got " + std::string(j.type_name()));
    if (auto m = j.find("machine"); m != j.end() && (!m->is_string() || m->get<std::string>() != M::name))
      return make_error(at + "machine is " + (m->is_string() ? m->dump() : std::string(m->type_name())) +
                        ", expected \"" + std::string(M::name) + "\"");
    if (!j.contains("step")) return header(at, j);
    if (!started_)
      if (auto s = start(); !s) return s;
    auto step = field<std::uint64_t>(j, "step");
    if (!step) return make_error(at + step.error().message);
    if (*step != expect_step_)
      return make_error(at + "step " + std::to_string(*step) + " where step " + std::to_string(expect_step_) +
                        " was expected (lines missing or reordered?)");
    ++expect_step_;
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "machine" && it.key() != "step" && it.key() != "event" && it.key() != "expect" &&
          it.key() != "state")
        return make_error(at + "unknown field \"" + it.key() + "\" (expected machine, step, event, expect, state)");
    auto ev = field<typename M::Event>(j, "event");
    if (!ev) return make_error(at + ev.error().message);
    auto st = M::step(profile_, s_, *ev);
    ++rep_.steps;
    Divergence d{ln, static_cast<std::size_t>(*step), to_json(*ev).dump(), "", "", "", "", "", "", "", ""};
    auto diverge = [&](const JsonDifference& diff, std::string rule, const Json* before) {
      auto show = [](const std::optional<Json>& v) { return v ? v->dump() : std::string("(absent)"); };
      d.field = diff.path;
      d.device = show(diff.left);
      d.model = show(diff.right);
      d.rule = std::move(rule);
      d.before = to_json(s_).dump();
      if (before && diff.path.starts_with("state."))
        if (auto v = json_at(*before, diff.path.substr(6))) d.before_value = v->dump();
      rep_.divergence = d;
      return ok_status();
    };
    if (auto ex = j.find("expect"); ex != j.end()) {
      const Json out = to_json(st.out);
      auto v = device_values<typename M::Output>(*ex, out, output_members_, "expect");
      if (!v) return make_error(at + v.error().message);
      for (auto it = ex->begin(); it != ex->end(); ++it) {
        const auto m = out.find(it.key());
        if (m == out.end()) return diverge(JsonDifference{it.key(), it.value(), std::nullopt}, st.out.rule, nullptr);
        if (auto diff = first_difference(it.value(), *m, it.key(), true)) return diverge(*diff, st.out.rule, nullptr);
      }
    }
    if (auto sj = j.find("state"); sj != j.end()) {
      if (!sj->is_object()) return make_error(at + "state: expected object, got " + std::string(sj->type_name()));
      for (auto it = sj->begin(); it != sj->end(); ++it)
        if (std::find(state_members_.begin(), state_members_.end(), it.key()) == state_members_.end() &&
            std::find(view_members_.begin(), view_members_.end(), it.key()) == view_members_.end())
          return make_error(at + "state: unknown field \"" + it.key() + "\"");
      // Type-check what the device reports against the model's own types, so a wrong type
      // or an impossible value is unusable input, never a divergence.
      if (auto v = device_values<typename M::State>(*sj, to_json(st.next), state_members_, "state"); !v)
        return make_error(at + v.error().message);
      if (auto v = device_values<typename M::View>(*sj, to_json(M::observe(profile_, st.next)), view_members_, "state"); !v)
        return make_error(at + v.error().message);
      const Json now = state_json<M>(profile_, st.next);
      for (auto it = sj->begin(); it != sj->end(); ++it) {
        const auto m = now.find(it.key());
        if (m != now.end() && *m == it.value()) continue;
        auto diff = m == now.end() ? std::optional<JsonDifference>(JsonDifference{"state." + it.key(), it.value(), std::nullopt})
                                   : first_difference(it.value(), *m, "state." + it.key(), true);
        if (!diff) continue;
        // A refused event must leave the state unchanged: its rule is the one violated.
        const std::string rule = st.out.is_ok() ? std::string(M::view_requirement(it.key())) : std::string(std::string_view(st.out.rule));
        const Json before = state_json<M>(profile_, s_);
        return diverge(*diff, rule, &before);
      }
    }
    // The device agreed; the model's own invariants must hold in the state it reached.
    for (const auto& inv : M::invariants()) {
      if (inv.holds(profile_, st.next)) continue;
      d.field = "invariant";
      d.invariant = std::string(inv.id);
      d.rule = std::string(inv.requirement);
      d.before = to_json(s_).dump();
      d.after = state_json<M>(profile_, st.next).dump();
      rep_.divergence = d;
      return ok_status();
    }
    s_ = std::move(st.next);
    return ok_status();
  }

  bool diverged() const { return rep_.divergence.has_value(); }
  bool started() const { return started_; }
  const Profile& profile() const { return profile_; }

  /// The report once every line is fed; an Error if there was no step.
  Result<CheckReport> finish() const {
    if (!started_) return make_error(header_seen_ ? "the transcript has a header but no steps" : "the transcript has no steps");
    return rep_;
  }

 private:
  Status header(const std::string& at, const Json& j) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "machine" && it.key() != "profile" && it.key() != "seed" && it.key() != "walk")
        return make_error(at + "unknown header field \"" + it.key() +
                          "\" (expected machine, profile, seed, walk; a step needs \"step\")");
    // A corpus of several walks (`lockref corpus --walks N`): each walk starts with a header
    // naming it ("walk"), the same profile, and steps from 1 in the initial state again.
    if (started_ && j.contains("walk") && header_seen_) {
      std::optional<Json> mine;
      if (auto pj = j.find("profile"); pj != j.end()) {
        auto pr = from_json<Profile>(*pj);
        if (!pr) return make_error(at + "profile." + pr.error().message);
        mine = to_json(*pr);
      }
      if (mine != (header_ ? std::optional<Json>(to_json(*header_)) : std::nullopt))
        return make_error(at + "walk header: its profile differs from the first header's (one corpus, one profile)");
      s_ = M::initial(profile_);
      expect_step_ = 1;
      return ok_status();
    }
    if (started_ || header_seen_) return make_error(at + (started_ ? "header line after the first step" : "a second header line"));
    header_seen_ = true;
    if (auto pj = j.find("profile"); pj != j.end()) {
      auto pr = from_json<Profile>(*pj);
      if (!pr) return make_error(at + "profile." + pr.error().message);
      if (auto v = M::validate(*pr); !v) return make_error(at + "profile: " + v.error().message);
      header_ = std::move(pr).value();
    }
    return ok_status();
  }

  Status start() {
    if (resolve_) {
      auto p = resolve_(header_);
      if (!p) return p.error();
      profile_ = std::move(p).value();
    } else {
      profile_ = header_.value_or(Profile{});
    }
    if (auto v = M::validate(profile_); !v) return make_error("profile: " + v.error().message);
    s_ = M::initial(profile_);
    state_members_ = member_names<typename M::State>();
    view_members_ = member_names<typename M::View>();
    output_members_ = member_names<typename M::Output>();
    started_ = true;
    return ok_status();
  }

  /// The device's values of T's members (a subset of `reported`'s keys) decoded with T's
  /// own types over the model's values, so any error names the field path.
  template <class T>
  static Status device_values(const Json& reported, Json model, const std::vector<std::string>& members,
                              const char* where) {
    if (!reported.is_object()) return make_error(std::string(where) + ": expected object, got " + reported.type_name());
    bool any = false;
    for (auto it = reported.begin(); it != reported.end(); ++it)
      if (std::find(members.begin(), members.end(), it.key()) != members.end()) {
        model[it.key()] = it.value();
        any = true;
      } else if (std::string_view(where) == "expect") {
        return make_error(std::string(where) + ": unknown field \"" + it.key() + "\"");
      }
    if (!any) return ok_status();
    if (auto r = from_json<T>(model); !r) return make_error(std::string(where) + "." + r.error().message);
    return ok_status();
  }

  Resolver resolve_;
  std::optional<Profile> header_;
  Profile profile_{};
  typename M::State s_{};
  bool started_ = false, header_seen_ = false;
  std::uint64_t expect_step_ = 1;
  CheckReport rep_;
  std::vector<std::string> state_members_, view_members_, output_members_;
};

/// Replays a whole transcript held in memory (tests). `forced_profile` replaces the header's.
template <StateMachine M>
Result<CheckReport> check_transcript(const std::vector<std::string>& lines,
                                     std::optional<typename M::Profile> forced_profile = std::nullopt) {
  typename TranscriptChecker<M>::Resolver r;
  if (forced_profile) r = [forced_profile](const auto&) -> Result<typename M::Profile> { return *forced_profile; };
  TranscriptChecker<M> c(r);
  for (std::size_t i = 0; i < lines.size() && !c.diverged(); ++i)
    if (auto s = c.feed(i + 1, lines[i]); !s) return s.error();
  return c.finish();
}

}  // namespace lockref
