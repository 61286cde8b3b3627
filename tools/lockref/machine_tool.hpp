// Generic `explore`, `corpus` and `check` for any lockref::StateMachine.
// explore takes --max-states, --max-memory, --threads, --states, --symmetry,
// --counterexample FILE and --dot FILE (explore_options, finish_explore).
// A domain registers its machine with:
//   LOCKREF_REGISTER(lockref::cli::make_machine_tool<epoch::Machine>("summary", "options help", profile_fn));
// where profile_fn(const Args&) -> Result<Profile> reads machine-specific options
// (the generic --profile FILE|JSON is applied first).
#pragma once
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
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

/// "4G", "512M", "64k", "1000000" (bytes; K/M/G/T are powers of 1024; a trailing B or iB
/// is allowed).
inline Result<std::uint64_t> parse_size(const std::string& opt, std::string s) {
  auto bad = [&] { return make_error("--" + opt + ": expected a size such as 4G, 512M or 1000000, got \"" + s + "\""); };
  std::string t = s;
  for (const char* suf : {"iB", "ib", "B", "b"})
    if (t.size() > std::strlen(suf) && t.ends_with(suf)) {
      t.resize(t.size() - std::strlen(suf));
      break;
    }
  std::uint64_t mult = 1;
  if (!t.empty()) {
    switch (t.back()) {
      case 'k': case 'K': mult = 1ull << 10; break;
      case 'm': case 'M': mult = 1ull << 20; break;
      case 'g': case 'G': mult = 1ull << 30; break;
      case 't': case 'T': mult = 1ull << 40; break;
      default: break;
    }
    if (mult != 1) t.pop_back();
  }
  if (t.empty() || t.size() > 12 || t.find_first_not_of("0123456789") != std::string::npos) return bad();
  return std::stoull(t) * mult;
}

/// Half the machine's memory: the default --max-memory, so a search that outgrows the
/// machine stops with a report instead of being killed.
inline std::uint64_t default_max_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) / 2 : (4ull << 30);
}

inline std::string human_bytes(double b) {
  char buf[32];
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (b >= 1024 && u < 4) b /= 1024, ++u;
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
  return buf;
}

/// The options every `explore` shares. --max-states N, --max-memory SIZE (default half the
/// machine's memory), --threads N (default: every core), --states fingerprints|full,
/// --symmetry on|off (machines that declare one; default on).
template <lockref::StateMachine M>
Result<ExploreOptions> explore_options(const Args& a) {
  ExploreOptions o;
  auto ms = a.get_uint("max-states", 0);
  if (!ms) return ms.error();
  o.max_states = static_cast<std::size_t>(*ms);
  o.max_memory = default_max_memory();
  if (a.has("max-memory")) {
    auto m = parse_size("max-memory", a.get("max-memory"));
    if (!m) return m.error();
    o.max_memory = static_cast<std::size_t>(*m);
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  auto th = a.get_uint("threads", cores);
  if (!th) return th.error();
  if (*th < 1 || *th > 256) return make_error("--threads: 1..256");
  o.threads = static_cast<unsigned>(*th);
  const std::string st = a.get("states", "fingerprints");
  if (st != "fingerprints" && st != "full") return make_error("--states: expected fingerprints or full, got \"" + st + "\"");
  o.full_states = st == "full";
  const std::string sy = a.get("symmetry", "on");
  if (sy != "on" && sy != "off") return make_error("--symmetry: expected on or off, got \"" + sy + "\"");
  o.symmetry = sy == "on" && HasSymmetry<M>;
  if (isatty(STDERR_FILENO)) {
    o.progress = [](const ExploreProgress& pr) {
      char line[160];
      std::snprintf(line, sizeof line, "\r  explore: %zu states  %.0f states/s  frontier %zu  level %zu  %s\033[K",
                    pr.states, pr.seconds > 0 ? double(pr.states) / pr.seconds : 0.0, pr.frontier, pr.level,
                    human_bytes(double(pr.memory)).c_str());
      std::cerr << line << std::flush;
    };
  }
  return o;
}

/// Writes the shortest counterexample to `path` as a transcript `lockref check` replays.
template <lockref::StateMachine M>
Status write_counterexample(const typename M::Profile& p, const Exploration<M>& ex, std::size_t id,
                            const std::string& path) {
  auto t = trace_to<M>(p, ex, id);
  if (!t) return t.error();
  std::ofstream f(path);
  if (!f) return make_error("cannot write " + path);
  f << transcript_header<M>(p).dump() << "\n";
  for (std::size_t i = 0; i < t->events.size(); ++i)
    f << transcript_step<M>(p, i + 1, t->events[i], M::step(p, t->states[i], t->events[i])).dump() << "\n";
  if (!f) return make_error("cannot write " + path);
  return ok_status();
}

/// The end of every explore report: depth, memory, time, a truncation report, the first
/// invariant violations with a shortest counterexample (exit 1) or "all invariants hold"
/// (exit 0). `label` pads a field name to the caller's column.
template <lockref::StateMachine M>
int finish_explore(const typename M::Profile& p, const Exploration<M>& ex, double ms, const Args& a,
                   const ExploreOptions& o, std::size_t column) {
  if (o.progress) std::cerr << "\r\033[K" << std::flush;
  auto label = [&](const std::string& l) { return "  " + l + ":" + std::string(column >= l.size() ? column - l.size() + 1 : 1, ' '); };
  char buf[200];
  std::cout << label("depth") << ex.levels << " BFS levels\n";
  if (ex.full_states) {
    std::snprintf(buf, sizeof buf, "%s peak, %.1f bytes per state (whole states; no collision possible)",
                  human_bytes(double(ex.memory_peak)).c_str(), ex.bytes_per_state());
  } else {
    std::snprintf(buf, sizeof buf, "%s peak, %.1f bytes per state (64-bit fingerprints; collision probability < %.1e)",
                  human_bytes(double(ex.memory_peak)).c_str(), ex.bytes_per_state(),
                  std::max(ex.collision_probability(), 1e-19));
  }
  std::cout << label("memory") << buf << "\n";
  std::snprintf(buf, sizeof buf, "%.1f ms (%.0f states/s, %u thread%s)", ms, ms > 0 ? double(ex.size()) / ms * 1000 : 0.0,
                o.threads, o.threads == 1 ? "" : "s");
  std::cout << label("time") << buf << "\n";
  if (ex.truncated)
    std::cout << "  TRUNCATED: " << ex.truncation << " at depth " << ex.levels << "; not every state was visited\n"
              << "    (raise the bound, or give --max-memory/--max-states; invariants held on the states visited: "
              << (ex.violation_count ? "no" : "yes") << ")\n";
  if (ex.violation_count) {
    std::cout << "INVARIANT VIOLATIONS: " << ex.violation_count << "\n";
    for (std::size_t i = 0; i < ex.violations.size() && i < 10; ++i) {
      const auto& v = ex.violations[i];
      std::string state = "#" + std::to_string(v.state);
      if (auto t = trace_to<M>(p, ex, v.state)) state = state_json<M>(p, t->states.back()).dump();
      std::cout << "  " << v.invariant << " [" << v.requirement << "] fails in state " << state << "\n";
    }
    const auto first = ex.violations.front().state;
    auto t = trace_to<M>(p, ex, first);
    if (t) std::cout << "  shortest counterexample: " << t->events.size() << " steps";
    if (a.has("counterexample")) {
      if (auto w = write_counterexample<M>(p, ex, first, a.get("counterexample")); !w) {
        std::cerr << "lockref explore: counterexample: " << w.error().message << "\n";
        return 2;
      }
      std::cout << ", written to " << a.get("counterexample") << " (replay: lockref check " << a.get("counterexample")
                << ")\n";
    } else {
      std::cout << " (write it as a transcript with --counterexample FILE)\n";
    }
    return 1;
  }
  std::cout << (ex.truncated ? "all invariants hold on the states visited\n" : "all invariants hold\n");
  return 0;
}

template <lockref::StateMachine M>
int explore_cmd(const Args& a, const ProfileFn<M>& fn) {
  auto p = profile_from<M>(a, fn);
  auto o = explore_options<M>(a);
  if (!p || !o) {
    std::cerr << "lockref explore " << M::name << ": " << (!p ? p.error().message : o.error().message) << "\n";
    return 2;
  }
  o.value().keep_states = o.value().keep_edges = a.has("dot");
  const auto t0 = std::chrono::steady_clock::now();
  auto ex = explore<M>(*p, *o);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (o->progress) std::cerr << "\r\033[K" << std::flush;
  std::cout << M::name << " " << to_json(*p).dump() << "\n"
            << "  reachable states: " << ex.size();
  if constexpr (HasSymmetry<M>) {
    if (ex.symmetric) std::cout << " (symmetry-reduced: " << M::symmetry_note(*p) << "; --symmetry off counts every state)";
  }
  std::cout << "\n"
            << "  events tried:     " << ex.transitions << " (" << ex.rejected << " rejected by a rule)\n"
            << "  state changes:    " << ex.changes << "\n"
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
  return finish_explore<M>(*p, ex, ms, a, *o, 16);
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
