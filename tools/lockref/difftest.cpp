// `lockref difftest`: the driver (difftest.hpp). The only file of the program that uses
// RapidCheck.
//
// Why RapidCheck drives the search: a test case is a vector of 64-bit choices, which
// DiffMachine::walk turns into events by walking the model (so most events are ones the
// model accepts in the state it has reached, some are refused, some replay an earlier
// event). rc::detail::checkProperty runs the property "the adapter agrees with the model
// on this sequence" for --sequences cases of size up to --max-length, and on the first
// failure shrinks the choice vector with RapidCheck's own shrinkers (remove elements,
// move values towards 0, i.e. towards "the first accepted event"). Every shrink step runs
// the adapter again; RapidCheck accepts each failing candidate, so the last failing run is
// its counterexample. Because removing a choice re-routes the walk, a RapidCheck minimum
// can still hold a removable event: a last pass removes single events (now fixed, not
// re-walked) while the failure persists, so no single event of the printed sequence can
// be dropped.
#include "difftest.hpp"

#include <unistd.h>

#include <rapidcheck.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "child_process.hpp"
#include "line_source.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace lockref::cli {

std::vector<Option> difftest_options() {
  Option dut = opt::text("dut", "the adapter: a shell command that speaks the difftest protocol on stdin/stdout (required)",
                         "COMMAND");
  return {dut,
          opt::number("seed", "RapidCheck's seed (the same seed and adapter give the same run)", 0,
                      std::numeric_limits<std::uint64_t>::max(), 1),
          opt::number("sequences", "event sequences to try before declaring agreement", 1, 1000000, 300),
          opt::number("max-length", "events per sequence at most", 1, 10000, 30),
          opt::number("step-timeout", "milliseconds the adapter has for each answer; then it is killed and reported hung",
                      1, 3600000, 10000),
          opt::number("start-timeout", "milliseconds the adapter has to start and answer the hello (a simulator may "
                                       "take long to start); then it is killed and the run stops (exit 2)",
                      1, 3600000, 60000),
          opt::text("out", "where to write the shrunk counterexample as a transcript (default: difftest-MACHINE.jsonl)",
                    "FILE"),
          opt::text("start", "first run the event sequences of this transcript or corpus (each walk one sequence): a "
                             "saved counterexample, a field capture; a failure among them is shrunk and reported", "FILE"),
          opt::flag("no-shrink", "report the first failing sequence as found")};
}

namespace LOCKREF_UNITY_ID {

std::string self_exe() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("lockref");
}

/// How one sequence went.
struct Run {
  enum Kind { pass, diverged, crashed, hung, protocol } kind = pass;
  std::vector<Json> events;
  std::vector<std::string> lines;  // the transcript: header, then the device's answers
  std::optional<Divergence> divergence;
  std::size_t step = 0;  // the failing step (1-based)
  std::string message;   // crash/hang/protocol detail
  bool failed() const { return kind == diverged || kind == crashed || kind == hung; }
};

class Session {
 public:
  Session(const Args& a, const DiffMachine& m)
      : m_(m),
        command_(a.text("dut")),
        timeout_(std::chrono::milliseconds(a.uint("step-timeout"))),
        start_timeout_(std::chrono::milliseconds(a.uint("start-timeout"))) {}

  /// Starts the adapter and says hello. Error: it does not start or does not speak the protocol.
  Status connect() {
    if (auto s = child_.start(command_, {"LOCKREF_BIN=" + self_exe()}); !s) return s;
    Json hello{{"op", "hello"}, {"protocol", "lockref-difftest"}, {"version", 1}, {"machine", m_.name}, {"profile", m_.profile}};
    auto r = ask(hello, "hello", start_timeout_);
    if (!r) return r.error();
    const Json& h = *r;
    if (!h.value("ok", false))
      return make_error("the adapter refused the hello: " + (h.contains("error") ? h["error"].dump() : h.dump()));
    if (!h.contains("version") || h["version"] != 1)
      return make_error("the adapter speaks protocol version " + (h.contains("version") ? h["version"].dump() : "(none)") +
                        "; lockref speaks version 1");
    implementation_ = h.contains("implementation") && h["implementation"].is_string() ? h["implementation"].get<std::string>() : "";
    allowed_.clear();
    if (auto ev = h.find("events"); ev != h.end()) {
      if (!ev->is_array()) return make_error("hello: events: expected an array of event types");
      for (const auto& t : *ev) {
        if (!t.is_string() || std::find(m_.tags.begin(), m_.tags.end(), t.get<std::string>()) == m_.tags.end())
          return make_error("hello: events: " + t.dump() + " is not an event type of " + m_.name + " (types: " +
                            join(m_.tags) + ")");
        allowed_.push_back(t.get<std::string>());
      }
      if (allowed_.empty()) return make_error("hello: events: empty (nothing to test)");
    }
    return ok_status();
  }

  /// One sequence from a fresh reset. Restarts the adapter first if it has gone.
  Run run(const std::vector<Json>& events) {
    Run r;
    r.events = events;
    if (!child_.running())
      if (auto s = connect(); !s) {
        r.kind = Run::protocol;
        r.message = "restarting the adapter: " + s.error().message;
        return r;
      }
    auto reset = exchange(Json{{"op", "reset"}}, r, 0);
    if (!reset) return r;
    if (!reset->is_object() || !reset->value("ok", false)) return protocol(r, "reset: expected {\"ok\":true}, got " + reset->dump());
    auto checker = m_.checker();
    r.lines.push_back(Json{{"machine", m_.name}, {"profile", m_.profile}}.dump());
    if (auto s = checker->feed(1, r.lines.back()); !s) return protocol(r, s.error().message);
    for (std::size_t i = 0; i < events.size(); ++i) {
      auto ans = exchange(Json{{"op", "step"}, {"event", events[i]}}, r, i + 1);
      if (!ans) return r;
      const Json& j = *ans;
      if (!j.is_object() || !j.contains("output") || !j["output"].is_object())
        return protocol(r, "step " + std::to_string(i + 1) + ": expected {\"output\":{...},\"state\":{...}}, got " +
                               dump_safe(j).substr(0, 300));
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "output" && it.key() != "state")
          return protocol(r, "step " + std::to_string(i + 1) + ": unknown field \"" + it.key() + "\" (expected output, state)");
      Json line{{"machine", m_.name}, {"step", i + 1}, {"event", events[i]}, {"expect", j["output"]}};
      if (j.contains("state")) line["state"] = j["state"];
      r.lines.push_back(dump_safe(line));
      if (auto s = checker->feed(r.lines.size(), r.lines.back()); !s)
        return protocol(r, "the adapter's answer is not a value of the model's types: " + s.error().message);
      if (checker->diverged()) {
        auto rep = checker->finish();
        r.kind = Run::diverged;
        r.step = i + 1;
        if (rep) r.divergence = rep->divergence;
        return r;
      }
    }
    return r;
  }

  void stop() { child_.stop(std::chrono::milliseconds(500)); }
  const std::string& implementation() const { return implementation_; }
  const std::vector<std::string>& allowed() const { return allowed_; }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }
  static Run& protocol(Run& r, std::string msg) {
    r.kind = Run::protocol;
    r.message = std::move(msg);
    return r;
  }
  /// One request and its answer as JSON; Error when the adapter is gone, hung or not JSON.
  Result<Json> ask(const Json& request, const std::string& what, std::chrono::milliseconds timeout) {
    std::string answer;
    switch (child_.exchange(request.dump(), answer, timeout)) {
      case ChildProcess::Outcome::line: break;
      case ChildProcess::Outcome::timeout: return make_error(what + ": the adapter did not answer: " + child_.exit_description());
      case ChildProcess::Outcome::closed: return make_error(what + ": the adapter " + child_.exit_description());
    }
    if (auto p = text_problem(answer); !p.empty()) return make_error(what + ": the answer is not UTF-8 text (" + p + ")");
    auto j = parse_json(answer);
    if (!j) return make_error(what + ": the answer is not JSON: " + j.error().message);
    return j;
  }
  /// ask() for a sequence: a hang or a crash becomes the run's failure.
  std::optional<Json> exchange(const Json& request, Run& r, std::size_t step) {
    std::string answer;
    const auto o = child_.exchange(request.dump(), answer, timeout_);
    if (o != ChildProcess::Outcome::line) {
      r.kind = o == ChildProcess::Outcome::timeout ? Run::hung : Run::crashed;
      r.step = step;
      r.message = child_.exit_description();
      return std::nullopt;
    }
    auto j = text_problem(answer).empty() ? parse_json(answer) : Result<Json>(make_error("not UTF-8 text"));
    if (!j) {
      protocol(r, (step ? "step " + std::to_string(step) : std::string("reset")) + ": the answer is not JSON: " +
                      j.error().message);
      return std::nullopt;
    }
    return std::move(j).value();
  }

  const DiffMachine& m_;
  std::string command_;
  std::chrono::milliseconds timeout_;        // each answer (--step-timeout)
  std::chrono::milliseconds start_timeout_;  // start-up and the hello (--start-timeout)
  ChildProcess child_;
  std::string implementation_;
  std::vector<std::string> allowed_;
};

class Listener final : public rc::detail::TestListener {
 public:
  Listener(Progress& p, std::uint64_t total) : progress_(p), total_(total) {}
  void onTestCaseFinished(const rc::detail::CaseDescription&) override { progress_.update(++cases_, "sequences"); }
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override {
    ++shrinks_;
    accepted_ += accepted;
    progress_.update(total_, "shrinking: " + std::to_string(shrinks_) + " tried, " + std::to_string(accepted_) + " accepted");
  }
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
  std::uint64_t shrinks_ = 0, accepted_ = 0;

 private:
  Progress& progress_;
  std::uint64_t total_, cases_ = 0;
};

std::string kind_text(const Run& r) {
  switch (r.kind) {
    case Run::diverged: return "divergence";
    case Run::crashed: return "adapter crashed";
    case Run::hung: return "adapter hung";
    default: return "";
  }
}

/// The event sequences of a transcript or corpus (one per walk), each event checked
/// against the machine's types. Error: the file is unusable (names the line).
Result<std::vector<std::vector<Json>>> start_sequences(const std::string& path, const DiffMachine& m) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error("--start: cannot read " + path);
  std::vector<std::vector<Json>> out;
  auto checker = m.checker();
  std::string line;
  std::size_t ln = 0;
  bool fresh = true;
  while (std::getline(f, line)) {
    ++ln;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (auto p = text_problem(line); !p.empty()) return make_error("--start: " + path + ": line " + std::to_string(ln) + ": " + p);
    auto j = parse_json(line);
    if (!j || !j->is_object()) return make_error("--start: " + path + ": line " + std::to_string(ln) + ": not a JSON object");
    if (!j->contains("step")) {
      fresh = true;  // a header: the next step starts a sequence
      continue;
    }
    if (fresh) out.emplace_back(), checker = m.checker(), fresh = false;
    // Only the event matters; the checker validates it against the machine's types.
    Json probe{{"machine", m.name}, {"step", out.back().size() + 1}, {"event", j->value("event", Json())}};
    if (auto st = checker->feed(ln, probe.dump()); !st) return make_error("--start: " + path + ": " + st.error().message);
    out.back().push_back((*j)["event"]);
  }
  if (out.empty()) return make_error("--start: " + path + " holds no steps");
  return out;
}

}  // namespace LOCKREF_UNITY_ID

int run_difftest(const Args& a, const DiffMachine& m) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  const std::string who = "lockref difftest " + m.name;
  if (!a.has("dut") || a.text("dut").find_first_not_of(" \t") == std::string::npos) {
    std::cerr << who << ": --dut COMMAND is required (the adapter to test)\n";
    return 2;
  }
  const std::string out = a.has("out") ? a.text("out") : "difftest-" + m.name + ".jsonl";
  const auto sequences = a.uint("sequences"), max_length = a.uint("max-length");
  Session session(a, m);
  if (auto s = session.connect(); !s) {
    std::cerr << who << ": " << s.error().message << "\n";
    return 2;
  }
  std::cout << "difftest " << m.name << " " << m.profile.dump() << "\n"
            << "  adapter:   " << a.text("dut") << (session.implementation().empty() ? "" : " (" + session.implementation() + ")")
            << "\n"
            << "  events:    "
            << (session.allowed().empty() ? "every type (" + std::to_string(m.tags.size()) + ")"
                                          : std::to_string(session.allowed().size()) + " of " + std::to_string(m.tags.size()) +
                                                " types, as the adapter's hello lists them")
            << "\n"
            << "  sequences: " << sequences << " of at most " << max_length << " events, seed " << a.uint("seed") << "\n"
            << std::flush;

  std::optional<Run> fatal, failure;
  std::uint64_t runs = 0, steps = 0, first_found_after = 0;
  std::size_t first_length = 0;
  auto property = [&] {
    // Lengths up to --max-length (RapidCheck's size fixed there); each choice is uniform in
    // 0..1023 (kind and a candidate index up to 127), and shrinks towards 0.
    const auto raw = *rc::gen::resize(
        static_cast<int>(max_length),
        rc::gen::container<std::vector<std::uint64_t>>(rc::gen::inRange<std::uint64_t>(0, 1024)));
    // Swarm testing (Groce et al., ISSTA 2012): an odd `swarm` leaves out, for this whole
    // sequence, the event types whose bit is set in swarm / 2, so sequences of a few types
    // reach deep (an error, its acknowledgement, the tick that completes it). It shrinks
    // towards 0: every type.
    const auto swarm = *rc::gen::inRange<std::uint64_t>(0, 1024);
    if (fatal) return true;
    std::vector<std::uint64_t> choices(raw.begin(), raw.begin() + std::min<std::size_t>(raw.size(), max_length));
    const auto& base = session.allowed().empty() ? m.tags : session.allowed();
    std::vector<std::string> types;
    for (std::size_t i = 0; i < base.size(); ++i)
      if (swarm % 2 == 0 || i >= 9 || ((swarm >> (i + 1)) & 1) == 0) types.push_back(base[i]);
    if (types.empty()) types = base;
    auto r = session.run(m.walk(choices, types));
    ++runs;
    steps += r.events.size();
    if (r.kind == Run::protocol) {
      fatal = std::move(r);
      return true;
    }
    if (!r.failed()) return true;
    if (!failure) {
      first_found_after = runs;
      first_length = r.events.size();
    }
    failure = std::move(r);
    return false;
  };
  rc::detail::TestParams params;
  params.seed = a.uint("seed");
  params.maxSuccess = static_cast<int>(sequences);
  params.maxSize = static_cast<int>(max_length);
  params.disableShrinking = a.flag("no-shrink");
  {
    // RapidCheck announces its (environment) configuration on std::cerr the first time it
    // is read; difftest's parameters come from its own options, so keep that quiet.
    std::ostringstream sink;
    auto* old = std::cerr.rdbuf(sink.rdbuf());
    (void)rc::detail::configuration();
    std::cerr.rdbuf(old);
  }
  Progress progress(who.substr(8), sequences);
  Listener listener(progress, sequences);
  std::uint64_t start_count = 0;
  if (a.has("start")) {
    auto seqs = start_sequences(a.text("start"), m);
    if (!seqs) {
      std::cerr << who << ": " << seqs.error().message << "\n";
      return 2;
    }
    for (const auto& events : *seqs) {
      auto r = session.run(events);
      ++runs, ++start_count;
      steps += r.events.size();
      if (r.kind == Run::protocol) {
        fatal = std::move(r);
        break;
      }
      if (r.failed()) {
        first_found_after = runs;
        first_length = r.events.size();
        failure = std::move(r);
        break;
      }
    }
  }
  if (!failure && !fatal) {
    const auto result =
        rc::detail::checkProperty(rc::detail::toProperty(property), rc::detail::TestMetadata{}, params, listener);
    (void)result;
  }
  // A last pass (and the only one for --start sequences, whose events RapidCheck did not
  // generate): cut the events after the failing step, then drop chunks of halving size,
  // down to single events, while the same kind of failure persists.
  std::uint64_t dropped = 0;
  auto shrink_events = [&](Run& f) {
    if (f.step > 0 && f.step < f.events.size()) {
      dropped += f.events.size() - f.step;
      f.events.resize(f.step);
    }
    for (std::size_t chunk = std::max<std::size_t>(1, f.events.size() / 2);; chunk /= 2) {
      for (std::size_t i = 0; i < f.events.size() && f.events.size() > 1;) {
        auto events = f.events;
        events.erase(events.begin() + static_cast<std::ptrdiff_t>(i),
                     events.begin() + static_cast<std::ptrdiff_t>(std::min(i + chunk, events.size())));
        auto r = session.run(events);
        ++runs;
        progress.update(sequences, "shrinking: " + std::to_string(f.events.size()) + " events");
        if (r.kind == Run::protocol) return;
        if (r.failed() && r.kind == f.kind) {
          dropped += f.events.size() - events.size();
          f = std::move(r);
        } else {
          i += chunk;
        }
      }
      if (chunk <= 1) break;
    }
  };
  if (failure && !fatal && !a.flag("no-shrink")) shrink_events(*failure);
  progress.done();
  session.stop();
  if (fatal) {
    std::cerr << who << ": the adapter does not speak the protocol: " << fatal->message << "\n";
    return 2;
  }
  if (!failure) {
    std::cout << "PASS: " << runs << " sequences (" << steps << " events) agree with the " << m.name << " model\n";
    return 0;
  }
  const Run& f = *failure;
  std::cout << "FAILED: " << kind_text(f) << " in sequence " << first_found_after
            << (first_found_after <= start_count ? " (from --start)" : "") << " (" << first_length << " events); shrunk to "
            << f.events.size() << " event" << (f.events.size() == 1 ? "" : "s") << " (RapidCheck: " << listener.shrinks_
            << " shrinks tried, " << listener.accepted_ << " accepted; then " << dropped << " more events cut or dropped):\n";
  for (std::size_t i = 0; i < f.events.size(); ++i)
    std::cout << "  " << (i + 1) << ". " << dump_safe(f.events[i]) << "\n";
  // The transcript: the device's answers up to and including the failing step.
  std::ofstream t(out);
  for (const auto& l : f.lines) t << l << "\n";
  t.flush();
  if (f.kind == Run::diverged && f.divergence) {
    print_divergence(std::cout, out, *f.divergence);
  } else {
    std::cout << "ADAPTER " << (f.kind == Run::hung ? "HUNG" : "CRASHED") << " at step " << f.step << ": it "
              << f.message << "\n";
    if (f.step > 0 && f.step <= f.events.size()) std::cout << "  event:  " << dump_safe(f.events[f.step - 1]) << "\n";
  }
  if (!t) {
    std::cerr << who << ": --out: cannot write " << out << "\n";
    return 2;
  }
  std::cout << "transcript: " << out
            << (f.kind == Run::diverged ? " (replay: lockref check " + out + ")"
                                          : " (the steps the adapter answered before it failed)")
            << "\n";
  return 1;
}

}  // namespace lockref::cli
