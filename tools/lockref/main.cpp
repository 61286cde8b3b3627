// lockref: the command-line front of the reference model.
//
// Every command and its options are declared once, as data (registry.hpp's Option), and
// turned into a CLI11 parser here — the only file that includes CLI11. So each command has
// its own --help, unknown options and malformed values are exit 2 with a message naming
// them, and each command receives typed values (Args). Exit statuses everywhere: 0 success,
// 1 a finding (divergence, invariant violation, failed request, malformed capture), 2
// unusable input or usage.
#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <list>
#include <set>
#include <sstream>

#include "coverage.hpp"
#include "difftest.hpp"
#include "line_source.hpp"
#include "progress.hpp"
#include "registry.hpp"
#include "report.hpp"

namespace fs = std::filesystem;
using namespace lockref;
using namespace lockref::cli;

namespace {

constexpr const char* kExitStatuses =
    "Exit status: 0 success, 1 a finding (divergence, violation, failed request, malformed capture), "
    "2 unusable input or usage.";

// ---- the built-in commands' options -----------------------------------------------------

std::vector<Option> explore_common() {
  Option memory = opt::text("max-memory",
                            "stop, with a truncation report, before the search's tables pass SIZE (4G, 512M, 1000000; "
                            "default: half the machine's memory; kept to within one expansion buffer a thread)",
                            "SIZE");
  memory.validate = size_problem;
  return {opt::text("dot", "write the state graph as Graphviz to FILE", "FILE"),
          opt::number("max-states", "stop after this many states, with a truncation report (0: no bound)", 0,
                      std::numeric_limits<std::uint64_t>::max(), 0),
          memory,
          opt::number("threads", "workers expanding the frontier (default: every core; same result for any count)", 1, 256),
          opt::choice("states", "the visited set: 64-bit fingerprints, or whole states (no collision possible)",
                      {"fingerprints", "full"}, "fingerprints"),
          opt::choice("symmetry", "store one state per symmetry class (machines that declare one: opal, whose Users are interchangeable; engine, whose key tags are)", {"on", "off"},
                      "on"),
          opt::choice("abstraction", "store one state per class of counter values the rules cannot tell apart (machines "
                                     "that declare one: opal, whose C_PIN Tries 1..TryLimit-1 are kept as TryLimit-1)",
                      {"on", "off"}, "on"),
          opt::text("counterexample", "on a violation, write the shortest counterexample as a transcript to FILE",
                    "FILE")};
}
std::vector<Option> corpus_common() {
  Option shard = opt::text("shard", "write only shard i of n (1 <= i <= n) of the --walks: disjoint, reproducible parts "
                                    "whose concatenation in order 1..n is the whole corpus", "i/n");
  shard.validate = shard_problem;
  return {opt::number("seed", "seed of the random walk (the same seed gives the same corpus)", 0,
                      std::numeric_limits<std::uint64_t>::max(), 1),
          opt::number("count", "number of steps", 0, std::numeric_limits<std::uint64_t>::max(), 100),
          opt::text("out", "write to FILE instead of standard output", "FILE"),
          opt::number("walks", "independent random walks from the initial state, --count steps each (walk 0 is the "
                      "single-walk corpus of --seed)", 1, std::numeric_limits<std::uint32_t>::max(), 1),
          shard,
          opt::flag("coverage", "print on standard error which event types, result codes and requirement ids the "
                                "corpus exercises and which it never reaches")};
}
Option profile_option() {
  return opt::text("profile", "the whole profile as inline JSON {...} or a file holding JSON; machine options apply over it",
                   "FILE|JSON");
}
/// `base` with `extra` added; an extra option of the same name replaces the base one.
std::vector<Option> merged(std::vector<Option> base, const std::vector<Option>& extra) {
  for (const auto& e : extra) {
    auto it = std::find_if(base.begin(), base.end(), [&](const Option& o) { return o.name == e.name; });
    if (it != base.end()) *it = e;
    else base.push_back(e);
  }
  return base;
}

std::string machine_list() {
  std::string s;
  for (const auto& [n, m] : machines()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// ---- eval ---------------------------------------------------------------------------------

/// A request line as JSON: valid UTF-8, nested at most 256 deep (parse_json), then parsed.
Result<Json> parse_request(const std::string& text) {
  if (auto p = text_problem(text); !p.empty()) return make_error("request is not valid UTF-8 text (" + p + ")");
  auto j = parse_json(text);
  if (!j) return make_error("request is " + j.error().message);
  return j;
}

int cmd_eval(const Args& a) {
  if (a.flag("list")) {
    for (const auto& [n, op] : eval_ops()) std::cout << n << std::string(n.size() < 36 ? 36 - n.size() : 1, ' ') << op.summary << "\n";
    return 0;
  }
  bool failed = false;
  auto answer = [&](const std::string& line) {
    auto req = parse_request(line);
    Json out = req ? eval_request(*req) : Json{{"ok", false}, {"error", req.error().message}};
    failed |= !out.value("ok", false);
    return dump_safe(out);
  };
  const auto requests = a.list("REQUEST");
  if (!requests.empty()) {
    for (const auto& r : requests) std::cout << answer(r) << "\n";
    return failed ? 1 : 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::cout << answer(line) << std::endl;  // flushed: a harness waits for each answer
  }
  return failed ? 1 : 0;
}

// ---- check --------------------------------------------------------------------------------

/// Every machine's model options, once each (`check` takes any machine's; once the machine
/// is known, options of other machines are refused).
std::vector<Option> all_model_options() {
  std::vector<Option> out;
  std::map<std::string, std::vector<std::string>> who;
  for (const auto& [n, m] : machines())
    for (const auto& o : m.options) {
      auto it = std::find_if(out.begin(), out.end(), [&](const Option& x) { return x.name == o.name; });
      if (it == out.end()) {
        out.push_back(o);
        out.back().choices.clear();  // checked against the chosen machine's declaration
        out.back().lo = 0;
        out.back().hi = std::numeric_limits<std::uint64_t>::max();
        if (out.back().kind == Option::Kind::number) out.back().kind = Option::Kind::text;
      } else if ((it->kind == Option::Kind::flag) != (o.kind == Option::Kind::flag)) {
        throw std::logic_error("machines declare --" + o.name + " both as a flag and with a value");
      }
      who[o.name].push_back(n);
    }
  for (auto& o : out) {
    std::string ms;
    for (const auto& n : who[o.name]) ms += (ms.empty() ? "" : ", ") + n;
    o.help += " [" + ms + "]";
    o.def.clear();
  }
  return out;
}

/// The machine a transcript names on its first non-blank line (which is then read again).
Result<std::string> transcript_machine(LineSource& in) {
  std::string line;
  for (;;) {
    auto more = in.next(line);
    if (!more) return more.error();
    if (!*more) return make_error(in.line_number() == 0 ? "empty input: no lines" : "only blank lines: no steps");
    if (line.find_first_not_of(" \t\r") != std::string::npos) break;
  }
  const std::string at = "line " + std::to_string(in.line_number()) + ": ";
  auto parsed = parse_json(line);
  if (!parsed) return make_error(at + parsed.error().message + "; a transcript is JSON Lines");
  const Json& j = *parsed;
  if (!j.is_object()) return make_error(at + "expected a JSON object, got " + std::string(j.type_name()));
  auto m = j.find("machine");
  if (m == j.end()) return make_error(at + "names no \"machine\"; give --machine (" + machine_list() + ")");
  if (!m->is_string()) return make_error(at + "machine: expected a string, got " + std::string(m->type_name()));
  in.unread();
  return m->get<std::string>();
}

int cmd_check(const Args& a) {
  const std::string file = a.text("FILE");
  auto in = LineSource::open(file);
  if (!in) {
    std::cerr << "lockref check: " << in.error().message << "\n";
    return 2;
  }
  std::string machine = a.text("machine");
  if (machine.empty()) {
    auto m = transcript_machine(**in);
    if (!m) {
      std::cerr << "lockref check: " << (*in)->name() << ": " << m.error().message << "\n";
      return 2;
    }
    machine = *m;
  }
  auto it = machines().find(machine);
  if (it == machines().end()) {
    std::cerr << "lockref check: " << (*in)->name() << ": unknown machine \"" << machine << "\"; machines: " << machine_list()
              << "\n";
    return 2;
  }
  const MachineTool& m = it->second;
  // The machine sees its own declarations (kinds, defaults); other machines' options are refused.
  Args mine_only(a.command());
  for (const auto& o : merged(m.options, {profile_option()})) mine_only.declare(o);
  for (const char* n : {"FILE", "machine", "quiet", "verbose"}) mine_only.declare(opt::text(n, ""));
  for (const auto& n : a.given()) {
    if (mine_only.declares(n)) mine_only.set(n, {a.text(n)});
  }
  for (const auto& o : all_model_options()) {
    if (!a.has(o.name)) continue;
    auto mine = std::find_if(m.options.begin(), m.options.end(), [&](const Option& x) { return x.name == o.name; });
    if (mine == m.options.end()) {
      std::string its;
      for (const auto& x : m.options) its += " --" + x.name;
      std::cerr << "lockref check: --" << o.name << " is not an option of the " << machine << " machine (its options:"
                << (its.empty() ? " none" : its) << ", --profile)\n";
      return 2;
    }
    if (mine->kind != Option::Kind::flag)
      if (auto p = option_value_problem(*mine, a.text(o.name)); !p.empty()) {
        std::cerr << "lockref check: --" << o.name << ": " << p << "\n";
        return 2;
      }
  }
  return m.check(**in, mine_only);
}

/// The checks requirements may name: TEST_CASE names under tests/ and properties/, plus
/// the command-line and oracle test scripts.
std::map<std::string, std::string> scan_checks(const std::string& root) {
  std::map<std::string, std::string> found;  // name -> file
  for (const char* dir : {"tests", "properties"}) {
    fs::path d = fs::path(root) / dir;
    if (!fs::exists(d)) continue;
    for (const auto& e : fs::recursive_directory_iterator(d)) {
      if (!e.is_regular_file()) continue;
      auto ext = e.path().extension().string();
      if (ext != ".cpp" && ext != ".hpp") continue;
      std::ifstream f(e.path());
      std::stringstream ss;
      ss << f.rdbuf();
      const std::string text = ss.str();
      // TEST_CASE("name" — the name runs to the next quote (test names hold no escapes).
      for (std::size_t at = text.find("TEST_CASE"); at != std::string::npos; at = text.find("TEST_CASE", at + 1)) {
        std::size_t i = at + 9;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i >= text.size() || text[i] != '(') continue;
        ++i;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i >= text.size() || text[i] != '"') continue;
        const std::size_t end = text.find('"', i + 1);
        if (end == std::string::npos) break;
        found[text.substr(i + 1, end - i - 1)] = fs::relative(e.path(), root).string();
      }
    }
  }
  // tests/cli/NAME.sh and tests/oracle/test_NAME.py are ctest tests "cli: NAME", "oracle: test_NAME".
  for (const auto& [dir, prefix, ext] : {std::tuple{"tests/cli", "cli: ", ".sh"}, std::tuple{"tests/oracle", "oracle: ", ".py"}}) {
    fs::path d = fs::path(root) / dir;
    if (!fs::exists(d)) continue;
    for (const auto& e : fs::directory_iterator(d))
      if (e.is_regular_file() && e.path().extension() == ext &&
          (std::string(prefix) == "cli: " || e.path().stem().string().rfind("test_", 0) == 0))
        found[prefix + e.path().stem().string()] = fs::relative(e.path(), root).string();
  }
  return found;
}

int cmd_invariants(const Args& a) {
  const auto& cat = requirements();
  if (!cat) {
    std::cerr << "lockref invariants: " << cat.error().message << "\n";
    return 2;
  }
  const std::string root = data_root();
  auto checks = scan_checks(root);
  std::map<std::string, std::string> inv;  // invariant check -> requirement
  for (const auto& [n, m] : machines())
    for (const auto& [c, r] : m.invariants) {
      checks[c] = "machine " + n;
      inv[c] = r;
    }
  std::set<std::string> ids, referenced;
  int problems = 0;
  auto problem = [&](const std::string& s) {
    ++problems;
    std::cout << "  PROBLEM: " << s << "\n";
  };
  const bool quiet = a.flag("quiet") || a.flag("coverage");
  for (const auto& r : (*cat)["requirements"]) {
    const std::string id = r.value("id", "");
    if (id.empty()) {
      problem("a requirement has no id: " + r.dump());
      continue;
    }
    if (!ids.insert(id).second) problem(id + ": duplicate id");
    if (!quiet) std::cout << id << "  (" << r.value("source", "?") << " " << r.value("section", "?") << ")\n";
    // A normative sentence the model cannot observe: listed with its reason, no check.
    if (r.value("status", "") == "out_of_reach") {
      if (r.value("reason", "").empty()) problem(id + ": out_of_reach without a \"reason\"");
      if (r.contains("checks")) problem(id + ": out_of_reach but names checks");
      if (!quiet) std::cout << "    (out of the model's reach: " << r.value("reason", "") << ")\n";
      continue;
    }
    const auto cs = r.value("checks", Json::array());
    if (!cs.is_array() || cs.empty()) problem(id + ": no check names this requirement");
    for (const auto& c : cs) {
      const std::string name = c.is_string() ? c.get<std::string>() : c.dump();
      referenced.insert(name);
      auto it = checks.find(name);
      if (it == checks.end()) problem(id + ": check \"" + name + "\" does not exist");
      else if (!quiet) std::cout << "    <- " << name << "  [" << it->second << "]\n";
    }
  }
  for (const auto& [c, r] : inv) {
    if (!ids.count(r)) problem("invariant " + c + " names unknown requirement " + r);
    if (!referenced.count(c)) problem("invariant " + c + " is not listed under requirement " + r);
  }
  for (const auto& [c, file] : checks)
    if (file.rfind("properties", 0) == 0 && !referenced.count(c))
      problem("property \"" + c + "\" (" + file + ") names no requirement");
  std::cout << ids.size() << " requirements, " << referenced.size() << " checks referenced, " << problems
            << " problem(s)\n";
  if (a.flag("coverage")) problems += coverage::report(*cat, checks, root, std::cout, a.flag("verbose"));
  return problems ? 1 : 0;
}

// ---- vectors ------------------------------------------------------------------------------

/// Replays vector files whose entries are {"request": ..., "expect": ...} eval pairs. Every
/// vector file holds known answers from the seeds or an independent implementation, never
/// from lockref, so the replay is the check that the model has not drifted.
int cmd_vectors(const Args& a) {
  std::vector<fs::path> files;
  for (const auto& p : a.list("FILE")) files.emplace_back(p);
  if (files.empty()) {
    fs::path d = fs::path(data_root()) / "vectors";
    std::error_code ec;
    if (!fs::is_directory(d, ec)) {
      std::cerr << "lockref vectors: no vectors/ under " << data_root() << " (set LOCKREF_ROOT)\n";
      return 2;
    }
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  }
  int unusable = 0, bad = 0;
  std::size_t total = 0;
  Progress prog("vectors", files.size());
  for (std::size_t fi = 0; fi < files.size(); ++fi) {
    const auto& f = files[fi];
    prog.update(fi, "files");
    auto fail = [&](const std::string& why) {
      std::cerr << "lockref vectors: " << f.string() << ": " << why << "\n";
      ++unusable;
    };
    std::error_code ec;
    if (!fs::exists(f, ec)) {
      fail("cannot read: no such file");
      continue;
    }
    if (fs::is_directory(f, ec)) {
      fail("cannot read: it is a directory");
      continue;
    }
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      fail("cannot read: permission denied");
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = parse_json(ss.str());
    if (!parsed) {
      fail(parsed.error().message);
      continue;
    }
    const Json& j = *parsed;
    if (!j.is_object() || !j.contains("vectors") || !j["vectors"].is_array()) {
      fail("not a vector file (expected an object with a \"vectors\" array)");
      continue;
    }
    std::size_t n = 0, fails = 0, skipped = 0;
    for (const auto& v : j["vectors"]) {
      if (!v.is_object() || !v.contains("request") || !v.contains("expect")) {
        ++skipped;
        continue;
      }
      ++n;
      const Json got = eval_request(v["request"]);
      if (!v["expect"].is_object()) {
        ++fails;
        std::cout << "  " << f.filename().string() << " " << dump_safe(v.value("id", Json("?"))) << ": expect is not an object\n";
        continue;
      }
      for (auto& [k, x] : v["expect"].items())
        if (!got.contains(k) || got[k] != x) {
          ++fails;
          std::cout << "  " << f.filename().string() << " " << dump_safe(v.value("id", Json("?"))) << ": " << k
                    << " expected " << dump_safe(x) << ", got "
                    << (got.contains(k) ? dump_safe(got[k])
                        : got.value("ok", true) ? std::string("nothing")
                                                : "an error: " + got.value("error", std::string("?")))
                    << "\n";
          break;
        }
    }
    total += n;
    std::cout << f.filename().string() << ": " << n - fails << "/" << n << " vectors agree"
              << (skipped ? " (" + std::to_string(skipped) + " not eval-shaped, replayed by the test suite)" : "") << "\n";
    bad += fails ? 1 : 0;
  }
  prog.done();
  std::cout << total << " vectors in " << files.size() - static_cast<std::size_t>(unusable) << " files; "
            << (bad ? "MISMATCHES" : "all agree") << (unusable ? "; " + std::to_string(unusable) + " file(s) unusable" : "")
            << "\n";
  return unusable ? 2 : bad ? 1 : 0;
}

// ---- the parser ---------------------------------------------------------------------------

/// One command's CLI11 subcommand, built from its option declarations, and its values.
struct Bound {
  CLI::App* app = nullptr;
  std::string command;  // "explore epoch"
  std::vector<Option> options;
  std::map<std::string, std::string> one;                 // --x VALUE, FILE
  std::map<std::string, std::vector<std::string>> many;   // HEX...
  std::map<std::string, CLI::Option*> cli;
  std::function<int(const Args&)> run;

  Args args() const {
    Args a(command);
    for (const auto& o : options) {
      a.declare(o);
      const auto* c = cli.at(o.name);
      if (c->count() == 0) continue;
      if (o.kind == Option::Kind::flag) a.set(o.name, {});
      else if (o.many) a.set(o.name, many.at(o.name));
      else a.set(o.name, {one.at(o.name)});
    }
    return a;
  }
};

std::string help_line(const Option& o) {
  std::string h = o.help;
  if (!o.def.empty()) h += " (default " + o.def + ")";
  return h;
}

void bind(Bound& b, CLI::App* app, std::string command, std::vector<Option> options, std::function<int(const Args&)> run) {
  b.app = app;
  b.command = std::move(command);
  b.options = std::move(options);
  b.run = std::move(run);
  app->allow_extras();  // reported by us, naming the first unknown word
  for (const auto& o : b.options) {
    CLI::Option* c = nullptr;
    if (o.kind == Option::Kind::flag) {
      c = app->add_flag("--" + o.name)->description(help_line(o))->disable_flag_override();
    } else if (o.kind == Option::Kind::positional) {
      c = o.many ? app->add_option(o.name, b.many[o.name], help_line(o)) : app->add_option(o.name, b.one[o.name], help_line(o));
      c->required(o.required)->type_name("");
    } else {
      c = app->add_option("--" + o.name, b.one[o.name], help_line(o));
      c->type_name(o.placeholder.empty() ? "TEXT" : o.placeholder);
      Option copy = o;
      c->check(CLI::Validator([copy](std::string& v) { return option_value_problem(copy, v); }, ""));
    }
    b.cli[o.name] = c;
  }
}

/// The first word the parser did not use, as an error: "unknown option --slot".
std::string extras_problem(const CLI::App* app) {
  const auto rest = app->remaining();
  if (rest.empty()) return "";
  const std::string& w = rest.front();
  if (w.size() > 1 && w[0] == '-') return "unknown option " + w.substr(0, w.find('='));
  return "unexpected argument \"" + w + "\"";
}

std::string command_path(const CLI::App* app) {
  std::string out;
  for (auto* cur = app; cur && cur->get_parent(); cur = cur->get_parent())
    out = cur->get_name() + (out.empty() ? "" : " " + out);
  return out;
}

struct Cli {
  CLI::App root{"lockref — executable reference model of self-encrypting-drive key management\n"
                "(OCP L.O.C.K. 0.9, TCG Opal as profiled by the Seagate CC guide, TCG Key Per I/O, RFC 4108)",
                "lockref"};
  std::list<Bound> bound;
  CLI::App* explore = nullptr;
  CLI::App* corpus = nullptr;
  CLI::App* difftest = nullptr;

  Bound& add(CLI::App* parent, const std::string& name, const std::string& summary, std::vector<Option> options,
             std::function<int(const Args&)> run) {
    bound.emplace_back();
    auto* app = parent->add_subcommand(name, summary);
    bind(bound.back(), app, command_path(app), std::move(options), std::move(run));
    return bound.back();
  }

  Cli() {
    root.formatter(std::make_shared<CLI::Formatter>());
    root.get_formatter()->column_width(34);
    root.set_version_flag("--version", "lockref 0.1.0");
    root.allow_extras();
    std::string machines_text = "Machines (lockref explore|corpus MACHINE --help lists a machine's options):\n";
    for (const auto& [n, m] : machines())
      machines_text += "  " + n + std::string(n.size() < 16 ? 16 - n.size() : 1, ' ') + m.summary + "\n";
    root.footer(machines_text + "\n`lockref COMMAND --help` (or `lockref help COMMAND`) lists a command's options.\n" +
                kExitStatuses +
                "\nData (spec/, vectors/) is read from $LOCKREF_ROOT or the source tree lockref was built from.");

    explore = root.add_subcommand("explore", "enumerate every reachable state of a machine, check every invariant");
    explore->allow_extras();
    explore->footer(std::string("Exit status: 0 every invariant holds, 1 a violation, 2 usage."));
    corpus = root.add_subcommand("corpus", "write a JSON Lines corpus (valid and invalid events) of a machine");
    corpus->allow_extras();
    corpus->footer("The corpus streams: each step is written as it is generated. Exit status: 0 written, 2 usage or a write error.");
    difftest = root.add_subcommand("difftest",
                                   "drive an implementation's adapter with generated events; shrink the first mismatch");
    difftest->allow_extras();
    difftest->footer(
        "The adapter speaks JSON Lines on stdin/stdout (README.md, \"difftest\"). On a mismatch the shortest failing "
        "sequence found is printed with the requirement it violates and written as a transcript `lockref check` "
        "replays.\nExit status: 0 every sequence agrees, 1 a mismatch or the adapter crashed or hung, 2 usage or an "
        "adapter that does not speak the protocol.");
    for (const auto& [n, m] : machines()) {
      const auto& mt = m;
      auto model = merged(m.options, {profile_option()});
      if (m.difftest)
        add(difftest, n, m.summary, merged(merged(model, difftest_options()), m.corpus_options),
            [&mt](const Args& a) { return mt.difftest(a); });
      add(explore, n, m.summary, merged(merged(model, explore_common()), m.explore_options),
          [&mt](const Args& a) { return mt.explore(a); });
      add(corpus, n, m.summary, merged(merged(model, corpus_common()), m.corpus_options),
          [&mt](const Args& a) { return mt.corpus(a); });
    }

    std::vector<std::string> names;
    for (const auto& [n, m] : machines()) names.push_back(n);
    auto& check = add(&root, "check", "replay a device transcript (JSON Lines) against the model; report the first divergence",
                      merged({opt::arg("FILE", "the transcript; - reads standard input"),
                              opt::choice("machine", "the machine, when the transcript has no header naming it", names),
                              opt::flag("quiet", "print nothing; the exit status is the verdict"),
                              opt::flag("verbose", "also print the whole model state before a divergent step"),
                              profile_option()},
                             all_model_options()),
                      cmd_check);
    check.app->footer(
        "The profile is the transcript header's, unless --profile or a machine option is given: then the options "
        "apply over the header's profile, and if the result differs from the header's, check stops (exit 2) naming "
        "the field. --quiet, --verbose and the progress line never change the verdict.\n"
        "Exit status: 0 the transcript conforms, 1 divergence, 2 unusable input (the message names line and field).");
    auto& eval = add(&root, "eval", "answer JSON requests for any primitive, derivation or codec",
                     {opt::args("REQUEST", "requests as arguments; without any, one request per line on standard input"),
                      opt::flag("list", "list the operations")},
                     cmd_eval);
    eval.app->footer(
        "Each answer is one line: {\"ok\":true,...} or {\"ok\":false,\"error\":...}; a bad request never stops the "
        "stream.\nExit status: 0 every request answered ok, 1 some request failed, 2 usage.");
    auto& vec = add(&root, "vectors", "replay the golden vectors (vectors/*.json) through eval",
                    {opt::args("FILE", "vector files (default: every vectors/*.json)")}, cmd_vectors);
    vec.app->footer("Exit status: 0 every vector agrees, 1 a mismatch, 2 a file is missing or not a vector file.");
    auto& inv = add(&root, "invariants", "print requirement -> checks; fail on an unchecked requirement",
                    {opt::flag("quiet", "print only the problems and the summary"),
                     opt::flag("coverage", "also report how the requirements cover the seeds' normative sentences "
                                           "(spec/normative/): per seed and section; fail on a sentence without a "
                                           "status, a quote that is not seed text, a stale id"),
                     opt::flag("verbose", "with --coverage: list every sentence with its status")},
                    cmd_invariants);
    inv.app->footer("Exit status: 0 no problem, 1 a problem, 2 the catalogue cannot be read.");
    for (const auto& [n, c] : commands()) {
      const auto& cmd = c;
      add(&root, n, c.summary, c.late_options ? merged(c.options, c.late_options()) : c.options,
          [&cmd](const Args& a) { return cmd.run(a); })
          .app->footer(kExitStatuses);
    }
    add(&root, "version", "print the version", {}, [](const Args&) {
      std::cout << "lockref 0.1.0\n";
      return 0;
    });
    // Listed for --help only: run() turns `lockref help WORDS` into `lockref WORDS --help`.
    root.add_subcommand("help", "this text; `lockref help COMMAND [MACHINE]` a command's options");
  }
};

/// The deepest subcommand the parser entered.
CLI::App* selected(CLI::App* app) {
  while (!app->get_subcommands().empty()) app = app->get_subcommands().front();
  return app;
}

int usage_error(CLI::App* app, std::string msg) {
  const std::string path = command_path(app);
  // CLI11 says "verbose was given a disallowed flag override" for --verbose=x.
  if (auto at = msg.find(" was given a disallowed flag override"); at != std::string::npos)
    msg = "--" + msg.substr(0, at) + " takes no value";
  std::cerr << "lockref" << (path.empty() ? "" : " " + path) << ": " << msg << "\n"
            << "Run `lockref " << (path.empty() ? "" : path + " ") << "--help` for the options.\n";
  return 2;
}

int run(int argc, char** argv) {
  Cli cli;
  if (argc < 2) {
    std::cerr << cli.root.help();
    return 2;
  }
  // `lockref help WORDS...` is `lockref WORDS... --help`.
  std::vector<std::string> words(argv, argv + argc);
  if (words[1] == "help") {
    words.erase(words.begin() + 1);
    words.push_back("--help");
  }
  std::vector<char*> av;
  for (auto& w : words) av.push_back(w.data());
  try {
    cli.root.parse(static_cast<int>(av.size()), av.data());
  } catch (const CLI::CallForHelp&) {
    CLI::App* at = selected(&cli.root);
    if (auto p = extras_problem(at); !p.empty()) return usage_error(at, p);
    std::cout << cli.root.help();
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << "lockref 0.1.0\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // An unknown word explains a missing argument better than the missing argument does.
    CLI::App* at = selected(&cli.root);
    if (auto p = extras_problem(at); !p.empty()) return usage_error(at, p);
    return usage_error(at, e.what());
  }
  CLI::App* sel = selected(&cli.root);
  for (CLI::App* a = &cli.root;; a = a->get_subcommands().front()) {
    if (auto p = extras_problem(a); !p.empty()) {
      if (a == &cli.root) return usage_error(a, "unknown command \"" + a->remaining().front() + "\"");
      if ((a == cli.explore || a == cli.corpus || a == cli.difftest) && a->remaining().front()[0] != '-')
        return usage_error(a, "unknown machine \"" + a->remaining().front() + "\"; machines: " + machine_list());
      return usage_error(a, p);
    }
    if (a->get_subcommands().empty()) break;
  }
  if (sel == &cli.root) {
    std::cerr << cli.root.help();
    return 2;
  }
  if (sel == cli.explore || sel == cli.corpus || sel == cli.difftest) return usage_error(sel, "name a machine: " + machine_list());
  for (const auto& b : cli.bound)
    if (b.app == sel) return b.run(b.args());
  return usage_error(sel, "nothing to run");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // a bug: say so plainly, never abort
    std::cerr << "lockref: internal error: " << e.what() << "\n";
    return 2;
  }
}
