// lockref core: what a state machine is (ARCHITECTURE.md, "A state machine is a pure function").
//
// A machine M (concept lockref::StateMachine; each domain names its struct Machine) is a
// struct of static, pure, total functions over value types:
//
//   struct M {
//     static constexpr std::string_view name = "epoch";       // CLI name
//     using Profile = ...;   // vendor-open constants, Hana-reflected (JSON in/out)
//     using State   = ...;   // Hana-reflected, operator== defaulted
//     using Event   = std::variant<...>;   // each alternative has `static constexpr tag`
//     using Output  = ...;   // Hana-reflected; has `status` and `rule` (see Outcome)
//     using View    = ...;   // observable, derived views (what a device can report)
//     static State initial(const Profile&);
//     static Step<State, Output> step(const Profile&, const State&, const Event&);
//     static View observe(const Profile&, const State&);
//     static std::vector<Event> candidate_events(const Profile&, const State&);  // valid AND invalid
//     static std::span<const Invariant<M>> invariants();
//     static std::string_view view_requirement(std::string_view view_field);    // for divergence reports
//     static std::string label(const Profile&, const State&);                    // Graphviz node label
//     static Status validate(const Profile&);                                    // profile sanity
//     static Status validate_state(const Profile&, const State&);  // optional: is a state
//                                          // given from outside (eval, transcripts) reachable?
//   };
//
// step() never fails: an event the specification forbids yields its error code in
// Output::status, names the requirement in Output::rule and leaves the state unchanged.
// Properties are written against this interface, so a deliberately broken variant
// ("mutant", a struct deriving from M that overrides one function) can be checked too.
#pragma once
#include <concepts>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lockref/core/json.hpp"

namespace lockref {

template <class State, class Output>
struct Step {
  State next;
  Output out;
};

/// How a step decided, for a machine whose step() is built on rules that write the next
/// state into a caller's scratch state (epoch, engine): the Outcome's status and rule as
/// views (literals or profile strings), and whether the scratch state was written; if not,
/// the next state is the current one. Such a machine may offer the rules to the explorer
/// directly as `fast_step` (core/explore.hpp HasFastStep), with no Output or state copy.
struct Verdict {
  std::string_view status = "ok";
  std::string_view rule;
  bool wrote = false;
  bool is_ok() const { return status == "ok"; }
  static Verdict refuse(std::string_view status, std::string_view rule) { return {status, rule, false}; }
  static Verdict keep(std::string_view rule) { return {"ok", rule, false}; }   // accepted, state unchanged
  static Verdict write(std::string_view rule) { return {"ok", rule, true}; }   // accepted, scratch written
};

/// Calls f with the alternative v holds, as std::visit(f, v) does for a single variant, by
/// a chain of index tests that the compiler inlines into the caller: the explorer's fast
/// steps dispatch every candidate event this way (with std::visit, a call through GCC's
/// visit table cost about 25 instructions per event; issue 12).
template <class R, class Variant, class F, std::size_t... I>
R visit_inline(const Variant& v, F&& f, std::index_sequence<I...>) {
  R r{};
  (void)((v.index() == I && (r = f(*std::get_if<I>(&v)), true)) || ...);
  return r;
}
template <class R, class Variant, class F>
R visit_inline(const Variant& v, F&& f) {
  return visit_inline<R>(v, f, std::make_index_sequence<std::variant_size_v<Variant>>{});
}

/// step() of a machine built on such rules: `rules(n, &out)` decides the event for s,
/// writing the next state into n if it is written and the Output fields other than status
/// and rule into out.
template <class State, class Output, class Rules>
Step<State, Output> step_by_rules(const State& s, Rules&& rules) {
  State n;
  Output o;
  const Verdict v = rules(n, &o);
  o.status = v.status;
  o.rule = v.rule;
  return {v.wrote ? std::move(n) : s, std::move(o)};
}

/// The common part of every machine's output.
///  status: "ok", or the specification's result-code mnemonic (e.g. LOCK_HEK_INVALID_SLOT)
///  rule:   id of the requirement (spec/requirements/) that decided the outcome
struct Outcome {
  std::string status = "ok";
  std::string rule;
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

template <class M>
struct Invariant {
  std::string_view id;           // check name, as listed in spec/requirements/
  std::string_view requirement;  // requirement id it enforces
  bool (*holds)(const typename M::Profile&, const typename M::State&);
};

template <class M>
concept StateMachine = requires(const typename M::Profile& p, const typename M::State& s, const typename M::Event& e) {
  { M::name } -> std::convertible_to<std::string_view>;
  { M::initial(p) } -> std::same_as<typename M::State>;
  { M::step(p, s, e) } -> std::same_as<Step<typename M::State, typename M::Output>>;
  { M::observe(p, s) } -> std::same_as<typename M::View>;
  { M::candidate_events(p, s) } -> std::same_as<std::vector<typename M::Event>>;
  { M::invariants() } -> std::convertible_to<std::span<const Invariant<M>>>;
  { M::view_requirement(std::string_view{}) } -> std::convertible_to<std::string_view>;
  { M::label(p, s) } -> std::convertible_to<std::string>;
  { M::validate(p) } -> std::same_as<Status>;
  requires Reflected<typename M::Profile> && Reflected<typename M::State> && Reflected<typename M::Output> &&
               Reflected<typename M::View>;
  { s == s } -> std::convertible_to<bool>;
};

/// A state against every invariant M declares: the first one it breaks, as
/// "violates <check> (<requirement>)". validate_state and `<machine>.step` use it.
template <class M>
Status check_invariants(const typename M::Profile& p, const typename M::State& s) {
  for (const auto& i : M::invariants())
    if (!i.holds(p, s)) return make_error("violates " + std::string(i.id) + " (" + std::string(i.requirement) + ")");
  return ok_status();
}

/// The event's tag ("program_next_hek").
template <class Variant>
std::string_view event_tag(const Variant& e) {
  return std::visit([](const auto& a) { return std::string_view(std::decay_t<decltype(a)>::tag); }, e);
}

/// The state as a transcript shows it: the persistent state plus the derived views.
template <StateMachine M>
Json state_json(const typename M::Profile& p, const typename M::State& s) {
  Json j = to_json(s);
  Json v = to_json(M::observe(p, s));
  for (auto& [k, x] : v.items()) j[k] = x;
  return j;
}

}  // namespace lockref
