// Generic `explore`, `corpus` and `check` for any lockref::StateMachine.
//
// A domain registers its machine, from its tools/lockref/ops_<domain>.cpp, with
//
//   Result<epoch::Profile> epoch_profile(const Args& a, epoch::Profile p) {
//     if (a.has("slots")) p.slots = static_cast<std::uint16_t>(a.uint("slots"));
//     return p;
//   }
//   LOCKREF_REGISTER(make_machine_tool<epoch::Machine>(
//       "OCP L.O.C.K. 0.9 HEK/SEK epoch keys",                              // summary
//       {opt::number("slots", "HEK fuse slots (§4.6.4.1)", 4, 16, 4)},     // model options
//       epoch_profile));                                                   // reads them
//
// The options declared there are the ones that define the model: `explore`, `corpus` and
// `check` take them (and `--profile FILE|JSON`, applied first), each command's --help lists
// them, and the program has already checked each value against its declaration (range,
// choices) when profile_fn runs. profile_fn starts from the profile it is given — the
// default, --profile, or (for `check`) the transcript header's — and changes only what
// the options given say; it returns an Error only for what spans options. M::validate runs
// after it. A machine may replace explore/corpus/check with its own functions (see
// ops_engine.cpp) and add command-specific options (MachineTool::explore_options, ...).
//
// `check`'s rule for the profile (a verdict depends only on the transcript and the
// options that define the model): the header's profile, unless a model option or
// --profile is given; then the options applied over the header's profile, and if that
// differs from the header's profile the check stops with exit 2 naming the first field
// that differs (the options never silently override a header, nor the reverse).
//
// `explore` takes the search options every machine shares (explore_common() in main.cpp):
// --max-states, --max-memory, --threads, --states, --symmetry, --abstraction, --counterexample FILE and
// --dot FILE; explore_options() turns them into the explorer's ExploreOptions and
// finish_explore() prints the common tail of the report.
#pragma once
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "lockref/core/explore.hpp"
#include "lockref/core/transcript.hpp"
#include "difftest.hpp"
#include "line_source.hpp"
#include "progress.hpp"
#include "registry.hpp"
#include "report.hpp"

namespace lockref::cli {

template <lockref::StateMachine M>
using ProfileFn = std::function<Result<typename M::Profile>(const Args&, typename M::Profile)>;

/// The text of --profile: inline JSON (starts with '{') or the name of a file holding JSON.
Result<Json> profile_option_json(const Args& a);

/// --profile as M::Profile, or `def` when it is not given.
template <lockref::StateMachine M>
Result<typename M::Profile> base_profile(const Args& a, typename M::Profile def = {}) {
  if (!a.has("profile")) return def;
  auto j = profile_option_json(a);
  if (!j) return j.error();
  auto r = from_json<typename M::Profile>(*j);
  if (!r) return make_error("--profile: " + r.error().message);
  return r;
}

/// The profile the options define, starting from `start` (--profile replaces it when given).
template <lockref::StateMachine M>
Result<typename M::Profile> profile_from(const Args& a, const ProfileFn<M>& fn, typename M::Profile start = {}) {
  auto p = base_profile<M>(a, std::move(start));
  if (!p) return p;
  auto q = fn ? fn(a, *p) : p;
  if (!q) return q;
  if (auto v = M::validate(*q); !v) return make_error("profile: " + v.error().message);
  return q;
}

/// Whether any option that defines the model (the machine's options, --profile) was given.
bool model_options_given(const Args& a, const std::vector<Option>& model_options);
/// "--slots 8 --profile ..." as given, for messages.
std::string given_text(const Args& a, const std::vector<Option>& model_options);

/// Error naming the first field where the options' profile differs from the header's.
Status options_agree_with_header(const Args& a, const std::vector<Option>& model_options, const Json& header,
                                 const Json& options);

/// `check`'s profile rule (see the top of this file) for a header profile and the options.
template <lockref::StateMachine M>
Result<typename M::Profile> resolve_check_profile(const Args& a, const std::vector<Option>& model_options,
                                                  const ProfileFn<M>& fn,
                                                  const std::optional<typename M::Profile>& header) {
  if (!model_options_given(a, model_options)) return header.value_or(typename M::Profile{});
  auto p = profile_from<M>(a, fn, header.value_or(typename M::Profile{}));
  if (!p) return p;
  if (header)
    if (auto agree = options_agree_with_header(a, model_options, to_json(*header), to_json(*p)); !agree)
      return agree.error();
  return p;
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

/// The search options every `explore` shares, as declared in explore_common() (the values
/// are already checked against their declarations): --max-states N (0: no bound),
/// --max-memory SIZE (default half the machine's memory), --threads N (default: every
/// core), --states fingerprints|full, --symmetry on|off and --abstraction on|off (machines
/// that declare them). A
/// progress line on standard error when it is a terminal.
template <lockref::StateMachine M>
Result<ExploreOptions> explore_options(const Args& a) {
  ExploreOptions o;
  o.max_states = static_cast<std::size_t>(a.uint("max-states"));
  o.max_memory = static_cast<std::size_t>(a.has("max-memory") ? size_bytes(a.text("max-memory")).value_or(0) : default_max_memory());
  o.threads = a.has("threads") ? static_cast<unsigned>(a.uint("threads")) : std::max(1u, std::thread::hardware_concurrency());
  o.full_states = a.text("states") == "full";
  o.symmetry = a.text("symmetry") == "on" && HasSymmetry<M>;
  o.abstraction = a.text("abstraction") == "on" && HasAbstraction<M>;
  if (isatty(STDERR_FILENO)) {  // the program's one progress line (progress.hpp); nothing when not a terminal
    auto line = std::make_shared<Progress>("explore " + std::string(M::name));
    o.progress = [line](const ExploreProgress& pr) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "states  %.0f states/s  frontier %zu  level %zu  %s",
                    pr.seconds > 0 ? double(pr.states) / pr.seconds : 0.0, pr.frontier, pr.level,
                    human_bytes(double(pr.memory)).c_str());
      line->update(pr.states, detail);
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
                   const ExploreOptions& o, std::size_t column, const std::string& after_search = {}) {
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
  // The rate is the search's own: work a command does after it (a diagram's view) is
  // reported separately in `after_search`, so the rate measures the explorer.
  std::snprintf(buf, sizeof buf, "%.1f ms %s(%.0f states/s, %u thread%s)", ms, after_search.empty() ? "" : "search ",
                ms > 0 ? double(ex.size()) / ms * 1000 : 0.0, o.threads, o.threads == 1 ? "" : "s");
  std::cout << label("time") << buf << after_search << "\n";
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
      if (auto w = write_counterexample<M>(p, ex, first, a.text("counterexample")); !w) {
        std::cerr << "lockref explore: counterexample: " << w.error().message << "\n";
        return 2;
      }
      std::cout << ", written to " << a.text("counterexample") << " (replay: lockref check " << a.text("counterexample")
                << ")\n";
    } else {
      std::cout << " (write it as a transcript with --counterexample FILE)\n";
    }
    return 1;
  }
  std::cout << (ex.truncated ? "all invariants hold in the " + std::to_string(ex.size()) +
                                   " states visited (not every reachable state)\n"
                             : std::string("all invariants hold\n"));
  return 0;
}

/// Writes `text` to --dot's file; false (after a message) if it cannot.
bool write_dot(const Args& a, const std::string& option, const std::string& text);

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
            << "  reachable states: " << ex.size()
            << (ex.truncated ? " (stopped at " + ex.truncation.substr(0, ex.truncation.find(' ')) + ")" : std::string());
  if constexpr (HasSymmetry<M>) {
    if (ex.symmetric) std::cout << " (symmetry-reduced: " << M::symmetry_note(*p) << "; --symmetry off counts every state)";
  }
  if constexpr (HasAbstraction<M>) {
    if (ex.abstracted) std::cout << " (counter-abstracted: " << M::abstraction_note(*p) << "; --abstraction off counts every value)";
  }
  std::cout << "\n"
            << "  events tried:     " << ex.transitions << " (" << ex.rejected << " rejected by a rule)\n"
            << "  state changes:    " << ex.changes << "\n"
            << "  invariants:       " << M::invariants().size() << " checked on every state\n";
  if (a.has("dot")) {
    if (!write_dot(a, "dot", to_dot<M>(*p, ex, M::name))) return 2;
    std::cout << "  diagram:          " << a.text("dot") << " (Graphviz; render with: dot -Tsvg " << a.text("dot")
              << " -o " << M::name << ".svg)\n";
  }
  return finish_explore<M>(*p, ex, ms, a, *o, 16);
}

/// Where a corpus goes (--out FILE, else standard output) with its --seed and --count, and
/// which of its --walks this process writes (--shard i/n: walks [(i-1)W/n, iW/n)).
/// Errors are printed; nullopt means exit 2.
struct CorpusSink {
  std::uint64_t seed = 1, count = 100;
  std::uint64_t walks = 1, first_walk = 0, end_walk = 1;
  std::unique_ptr<std::ofstream> file;
  std::ostream* out = &std::cout;
  std::string name = "standard output";
};
/// `walks_supported` false: the machine's corpus is one walk (--walks and --shard refused).
std::optional<CorpusSink> corpus_sink(const Args& a, const std::string& who, bool walks_supported = false);
/// After the corpus: the output must have been written completely (a full disk is exit 2).
int corpus_done(const Args& a, CorpusSink& sink, const std::string& who, std::uint64_t steps);
/// Walk w's seed: the corpus seed for walk 0 (so one walk is the single-walk corpus), a
/// SplitMix64 mix of seed and w for the others.
std::uint64_t walk_seed(std::uint64_t seed, std::uint64_t w);

/// What a corpus exercises: event types (accepted, refused), result codes, requirement ids.
struct CorpusCoverage {
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> events;
  std::map<std::string, std::uint64_t> statuses, rules;
  std::uint64_t steps = 0;
  void add(const Json& step_line);
  /// The summary: every event type (`tags`) with its counts or "never", the result codes
  /// seen, the requirement ids the steps' rules name and those of the same catalogue
  /// domains (with the machine's invariants' requirements) never named.
  void print(std::ostream& os, const std::string& machine, const std::vector<std::string>& tags,
             const std::vector<std::pair<std::string, std::string>>& invariants) const;
};

template <lockref::StateMachine M>
int corpus_cmd(const Args& a, const ProfileFn<M>& fn) {
  const std::string who = "corpus " + std::string(M::name);
  auto p = profile_from<M>(a, fn);
  if (!p) {
    std::cerr << "lockref " << who << ": " << p.error().message << "\n";
    return 2;
  }
  auto sink = corpus_sink(a, std::string(M::name), true);
  if (!sink) return 2;
  Progress prog(who, (sink->end_walk - sink->first_walk) * sink->count);
  CorpusCoverage cov;
  std::uint64_t n = 0;
  for (std::uint64_t w = sink->first_walk; w < sink->end_walk; ++w) {
    const bool all = generate_corpus<M>(*p, walk_seed(sink->seed, w), sink->count, [&](Json line) {
      if (!line.contains("step")) {
        if (sink->walks > 1) line["walk"] = w;
      } else {
        cov.add(line);
        prog.update(n++, "steps");
      }
      *sink->out << line.dump() << '\n';
      return static_cast<bool>(*sink->out);
    });
    if (!all) break;
  }
  prog.done();
  const int rc = corpus_done(a, *sink, who, n);
  if (rc == 0 && a.flag("coverage")) {
    std::vector<std::pair<std::string, std::string>> invs;
    for (const auto& i : M::invariants()) invs.emplace_back(i.id, i.requirement);
    cov.print(std::cerr, std::string(M::name), event_tags<typename M::Event>(), invs);
  }
  return rc;
}

/// Reads the transcript line by line into `feed(line_number, text)` -> Status, with a
/// progress line; stops early when `stop()` says so. Error: a line is unusable text.
Status read_lines(LineSource& in, const std::function<Status(std::size_t, const std::string&)>& feed,
                  const std::function<bool()>& stop);

/// Prints a check's outcome: the conformance line, a divergence, or the unusable-input
/// message; returns the exit status.
int report_check(const Args& a, const std::string& source, const std::string& machine, const Result<CheckReport>& rep,
                 const std::string& profile_note);

template <lockref::StateMachine M>
int check_cmd(LineSource& in, const Args& a, const std::vector<Option>& model_options, const ProfileFn<M>& fn) {
  bool from_options = false, from_header = false;
  TranscriptChecker<M> checker([&](const std::optional<typename M::Profile>& header) {
    from_options = model_options_given(a, model_options);
    from_header = header.has_value();
    return resolve_check_profile<M>(a, model_options, fn, header);
  });
  auto st = read_lines(
      in, [&](std::size_t ln, const std::string& text) { return checker.feed(ln, text); },
      [&] { return checker.diverged(); });
  const std::string note = from_options ? (from_header ? "options, agreeing with the header" : "options")
                                        : (from_header ? "header" : "default");
  return report_check(a, in.name(), std::string(M::name), st ? checker.finish() : Result<CheckReport>(st.error()), note);
}

/// A state given from outside (eval's "state"), as the answers and transcripts show it: the
/// persistent state plus, optionally, the derived views, which must be the ones the state
/// implies. So a harness can feed a step's answer back as the next step's state.
template <lockref::StateMachine M>
Result<typename M::State> given_state(const typename M::Profile& p, Json given) {
  Json views = Json::object();
  if (given.is_object())
    for (const auto& v : member_names<typename M::View>())
      if (auto it = given.find(v); it != given.end()) {
        views[v] = *it;
        given.erase(it);
      }
  auto r = from_json<typename M::State>(given);
  if (!r) return r;
  const Json derived = to_json(M::observe(p, *r));
  for (auto it = views.begin(); it != views.end(); ++it)
    if (derived.value(it.key(), Json()) != it.value())
      return make_error(it.key() + " is derived from the state: " + derived.value(it.key(), Json()).dump() + ", not " +
                        it.value().dump());
  return r;
}

/// "<machine>.step": what the model answers to one event in a given state, so a vendor's
/// harness can ask for the expected output without writing a transcript.
/// The profile and state of a request ({profile?, state?, ...}; default: the initial state),
/// the state checked as for `<machine>.step`. `fields` are the request's other allowed keys.
template <lockref::StateMachine M>
Result<std::pair<typename M::Profile, typename M::State>> request_state(const Json& j, const std::vector<std::string>& fields) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "op" && it.key() != "profile" && it.key() != "state" &&
        std::find(fields.begin(), fields.end(), it.key()) == fields.end()) {
      std::string expected = "profile, state";
      for (const auto& f : fields) expected += ", " + f;
      return make_error("unknown field \"" + it.key() + "\" (expected " + expected + ")");
    }
  typename M::Profile p{};
  if (j.contains("profile")) {
    auto r = from_json<typename M::Profile>(j["profile"]);
    if (!r) return make_error("profile: " + r.error().message);
    p = *r;
  }
  if (auto v = M::validate(p); !v) return make_error("profile: " + v.error().message);
  typename M::State s = M::initial(p);
  if (j.contains("state")) {
    auto r = given_state<M>(p, j["state"]);
    if (!r) return make_error("state: " + r.error().message);
    s = *r;
    if constexpr (requires { M::validate_state(p, s); }) {
      if (auto v = M::validate_state(p, s); !v) return make_error("state: " + v.error().message);
    }
    // Whatever a machine's own validate_state checks, a given state must satisfy every
    // invariant the machine declares: the model never answers for a state it cannot reach.
    if (auto v = check_invariants<M>(p, s); !v) return make_error("state: " + v.error().message);
  }
  return std::pair{std::move(p), std::move(s)};
}

template <lockref::StateMachine M>
Result<Json> step_op(const Json& j) {
  auto ps = request_state<M>(j, {"event"});
  if (!ps) return ps.error();
  const auto& [p, s] = *ps;
  auto e = field<typename M::Event>(j, "event");
  if (!e) return e.error();
  auto st = M::step(p, s, *e);
  return Json{{"output", to_json(st.out)}, {"state", state_json<M>(p, st.next)}};
}

/// "<machine>.candidates": the candidate events in a state, each with the model's output.
template <lockref::StateMachine M>
Result<Json> candidates_op(const Json& j) {
  auto ps = request_state<M>(j, {});
  if (!ps) return ps.error();
  const auto& [p, s] = *ps;
  Json events = Json::array();
  for (const auto& e : M::candidate_events(p, s)) {
    events.push_back(Json{{"event", to_json(e)}, {"output", to_json(M::step(p, s, e).out)}});
  }
  return Json{{"events", std::move(events)}};
}

/// A machine's explore, corpus, check and step, from its model options and profile_fn.
template <lockref::StateMachine M>
MachineTool make_machine_tool(std::string summary, std::vector<Option> options, ProfileFn<M> fn = {}) {
  MachineTool t;
  t.name = std::string(M::name);
  t.summary = std::move(summary);
  t.options = std::move(options);
  t.explore = [fn](const Args& a) { return explore_cmd<M>(a, fn); };
  t.corpus = [fn](const Args& a) { return corpus_cmd<M>(a, fn); };
  t.difftest = [fn](const Args& a) {
    auto p = profile_from<M>(a, fn);
    if (!p) {
      std::cerr << "lockref difftest " << M::name << ": " << p.error().message << "\n";
      return 2;
    }
    return run_difftest(a, make_diff_machine<M>(*p));
  };
  t.check = [fn, opts = t.options](LineSource& in, const Args& a) { return check_cmd<M>(in, a, opts, fn); };
  for (const auto& inv : M::invariants()) t.invariants.emplace_back(inv.id, inv.requirement);
  t.step = step_op<M>;
  t.candidates = candidates_op<M>;
  return t;
}

}  // namespace lockref::cli
