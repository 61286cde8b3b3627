// Generic `explore`, `corpus` and `check` for any lockref::StateMachine.
// A domain registers its machine with:
//   LOCKREF_REGISTER(lockref::cli::make_machine_tool<epoch::Machine>("summary", "options help", profile_fn));
// where profile_fn(const Args&) -> Result<Profile> reads machine-specific options
// (the generic --profile FILE|JSON is applied first).
#pragma once
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "lockref/core/explore.hpp"
#include "lockref/core/transcript.hpp"
#include "registry.hpp"
#include "report.hpp"

namespace lockref::cli {

template <lockref::StateMachine M>
using ProfileFn = std::function<Result<typename M::Profile>(const Args&, typename M::Profile)>;

/// --profile takes inline JSON or a file holding JSON.
template <lockref::StateMachine M>
Result<typename M::Profile> base_profile(const Args& a) {
  typename M::Profile p{};
  if (!a.has("profile")) return p;
  std::string text = a.get("profile");
  if (!text.empty() && text[0] != '{') {
    std::ifstream f(text);
    if (!f) return make_error("--profile: cannot read file " + text);
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  }
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return make_error("--profile: not valid JSON");
  auto r = from_json<typename M::Profile>(j);
  if (!r) return make_error("--profile: " + r.error().message);
  return r;
}

template <lockref::StateMachine M>
Result<typename M::Profile> profile_from(const Args& a, const ProfileFn<M>& fn) {
  auto p = base_profile<M>(a);
  if (!p) return p;
  auto q = fn ? fn(a, *p) : p;
  if (!q) return q;
  if (auto v = M::validate(*q); !v) return make_error("profile: " + v.error().message);
  return q;
}

/// The end of every explore report: time, a truncation warning, the first invariant
/// violations (exit 1) or "all invariants hold" (exit 0). `time_label` keeps the caller's
/// column alignment.
template <lockref::StateMachine M>
int finish_explore(const typename M::Profile& p, const Exploration<M>& ex, double ms, const char* time_label) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  std::cout << time_label << buf << "\n";
  if (ex.truncated) std::cout << "  WARNING: stopped at the state limit; not every state was visited\n";
  if (!ex.violations.empty()) {
    std::cout << "INVARIANT VIOLATIONS: " << ex.violations.size() << "\n";
    for (std::size_t i = 0; i < ex.violations.size() && i < 10; ++i) {
      const auto& v = ex.violations[i];
      std::cout << "  " << v.invariant << " [" << v.requirement << "] fails in state "
                << state_json<M>(p, ex.states[v.state]).dump() << "\n";
    }
    return 1;
  }
  std::cout << "all invariants hold\n";
  return 0;
}

template <lockref::StateMachine M>
int explore_cmd(const Args& a, const ProfileFn<M>& fn) {
  auto p = profile_from<M>(a, fn);
  if (!p) {
    std::cerr << "lockref explore " << M::name << ": " << p.error().message << "\n";
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto ex = explore<M>(*p);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::cout << M::name << " " << to_json(*p).dump() << "\n"
            << "  reachable states: " << ex.states.size() << "\n"
            << "  events tried:     " << ex.transitions << " (" << ex.rejected << " rejected by a rule)\n"
            << "  state changes:    " << ex.edges.size() << "\n"
            << "  invariants:       " << M::invariants().size() << " checked on every state\n";
  if (a.has("dot")) {
    std::ofstream f(a.get("dot"));
    if (!f) {
      std::cerr << "lockref explore: cannot write " << a.get("dot") << "\n";
      return 2;
    }
    f << to_dot<M>(*p, ex, M::name);
    std::cout << "  diagram:          " << a.get("dot") << " (Graphviz; render with: dot -Tsvg " << a.get("dot")
              << " -o " << M::name << ".svg)\n";
  }
  return finish_explore<M>(*p, ex, ms, "  time:             ");
}

/// The options every corpus command shares: --seed S, --count K (at most max_count) and
/// --out FILE (default: standard output). Errors are printed; nullopt means exit 2.
struct CorpusSink {
  std::uint64_t seed = 1, count = 100;
  std::unique_ptr<std::ofstream> file;
  std::ostream* out = &std::cout;
};
inline std::optional<CorpusSink> corpus_sink(const Args& a, const std::string& who, std::uint64_t max_count) {
  CorpusSink c;
  auto seed = a.get_uint("seed", 1);
  auto count = a.get_uint("count", 100);
  for (const auto* e : {seed.ok() ? nullptr : &seed.error(), count.ok() ? nullptr : &count.error()})
    if (e) {
      std::cerr << "lockref corpus " << who << ": " << e->message << "\n";
      return std::nullopt;
    }
  if (*count > max_count) {
    std::cerr << "lockref corpus " << who << ": --count at most " << max_count << "\n";
    return std::nullopt;
  }
  c.seed = *seed;
  c.count = *count;
  if (a.has("out")) {
    c.file = std::make_unique<std::ofstream>(a.get("out"));
    if (!*c.file) {
      std::cerr << "lockref corpus " << who << ": cannot write " << a.get("out") << "\n";
      return std::nullopt;
    }
    c.out = c.file.get();
  }
  return c;
}

template <lockref::StateMachine M>
int corpus_cmd(const Args& a, const ProfileFn<M>& fn) {
  auto p = profile_from<M>(a, fn);
  if (!p) {
    std::cerr << "lockref corpus " << M::name << ": " << p.error().message << "\n";
    return 2;
  }
  auto sink = corpus_sink(a, std::string(M::name), 10'000'000);
  if (!sink) return 2;
  for (const auto& line : generate_corpus<M>(*p, sink->seed, sink->count)) *sink->out << line.dump() << "\n";
  if (a.has("out")) std::cerr << "wrote " << sink->count << " steps to " << a.get("out") << "\n";
  return 0;
}

template <lockref::StateMachine M>
int check_cmd(const std::vector<std::string>& lines, const std::string& source, const Args& a, const ProfileFn<M>& fn) {
  std::optional<typename M::Profile> forced;
  if (a.has("profile") || !a.options.empty()) {
    bool machine_opts = false;
    for (const auto& [k, v] : a.options) machine_opts |= (k != "quiet" && k != "machine");
    if (machine_opts) {
      auto p = profile_from<M>(a, fn);
      if (!p) {
        std::cerr << "lockref check: " << p.error().message << "\n";
        return 2;
      }
      forced = *p;
    }
  }
  auto rep = check_transcript<M>(lines, forced);
  if (!rep) {
    std::cerr << "lockref check: " << source << ": unusable transcript: " << rep.error().message << "\n";
    return 2;
  }
  if (!rep->divergence) {
    std::cout << source << ": " << rep->steps << " steps conform to the " << M::name << " model\n";
    return 0;
  }
  print_divergence(std::cout, source, *rep->divergence);
  return 1;
}

/// "<machine>.step": what the model answers to one event in a given state, so a vendor's
/// harness can ask for the expected output without writing a transcript.
template <lockref::StateMachine M>
Result<Json> step_op(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "profile" && it.key() != "state" && it.key() != "event")
      return make_error("unknown field \"" + it.key() + "\" (expected profile, state, event)");
  typename M::Profile p{};
  if (j.contains("profile")) {
    auto r = from_json<typename M::Profile>(j["profile"]);
    if (!r) return make_error("profile: " + r.error().message);
    p = *r;
  }
  if (auto v = M::validate(p); !v) return make_error("profile: " + v.error().message);
  typename M::State s = M::initial(p);
  if (j.contains("state")) {
    auto r = from_json<typename M::State>(j["state"]);
    if (!r) return make_error("state: " + r.error().message);
    s = *r;
    if constexpr (requires { M::validate_state(p, s); }) {
      if (auto v = M::validate_state(p, s); !v) return make_error("state: " + v.error().message);
    }
    // Whatever a machine's own validate_state checks, a given state must satisfy every
    // invariant the machine declares: the model never answers for a state it cannot reach.
    if (auto v = check_invariants<M>(p, s); !v) return make_error("state: " + v.error().message);
  }
  auto e = field<typename M::Event>(j, "event");
  if (!e) return e.error();
  auto st = M::step(p, s, *e);
  return Json{{"output", to_json(st.out)}, {"state", state_json<M>(p, st.next)}};
}

template <lockref::StateMachine M>
MachineTool make_machine_tool(std::string summary, std::string options_help, ProfileFn<M> fn = {}) {
  MachineTool t;
  t.name = std::string(M::name);
  t.summary = std::move(summary);
  t.options_help = std::move(options_help);
  t.explore = [fn](const Args& a) { return explore_cmd<M>(a, fn); };
  t.corpus = [fn](const Args& a) { return corpus_cmd<M>(a, fn); };
  t.check = [fn](const std::vector<std::string>& l, const std::string& s, const Args& a) {
    return check_cmd<M>(l, s, a, fn);
  };
  for (const auto& inv : M::invariants()) t.invariants.emplace_back(inv.id, inv.requirement);
  t.step = step_op<M>;
  return t;
}

}  // namespace lockref::cli
