// lockref: the command-line front of the reference model.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "coverage.hpp"
#include "registry.hpp"
#include "report.hpp"

namespace fs = std::filesystem;
using namespace lockref;
using namespace lockref::cli;

namespace {

const std::set<std::string> kFlags = {"quiet", "list", "help", "verbose", "check", "all", "coverage"};

Result<Args> parse_args(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string w = argv[i];
    if (w.rfind("--", 0) == 0 && w.size() > 2) {
      std::string k = w.substr(2), v;
      if (auto eq = k.find('='); eq != std::string::npos) {
        v = k.substr(eq + 1);
        k = k.substr(0, eq);
      } else if (!kFlags.count(k)) {
        if (i + 1 >= argc) return make_error("option --" + k + " needs a value");
        v = argv[++i];
      }
      a.options[k] = v;
    } else if (w == "-h") {
      a.options["help"] = "";
    } else {
      a.positional.push_back(w);
    }
  }
  return a;
}

void usage(std::ostream& os) {
  os << "lockref — executable reference model of self-encrypting-drive key management\n"
        "(OCP L.O.C.K. 0.9, TCG Opal as profiled by the Seagate CC guide, TCG Key Per I/O, RFC 4108)\n\n"
        "usage: lockref <command> [options]\n\n"
        "commands:\n"
        "  explore MACHINE [--dot FILE]     enumerate every reachable state, check every invariant\n"
        "  corpus MACHINE [--seed S] [--count K] [--out FILE]\n"
        "                                   write a JSON Lines corpus (valid and invalid events)\n"
        "  check FILE [--machine M]         replay a device transcript; report the first divergence\n"
        "                                   exit 0 conforming, 1 divergence, 2 unusable input\n"
        "  eval [--list] [REQUEST]          answer JSON requests, one per line on stdin (or REQUEST)\n"
        "  vectors [--check] [FILE...]      replay the golden vectors in vectors/ through eval\n"
        "  invariants                       print requirement -> checks; fail on an unchecked requirement\n"
        "  invariants --coverage [--verbose]\n"
        "                                   coverage of the seeds' normative sentences (spec/normative/)\n";
  for (const auto& [n, c] : commands()) {
    std::string pad(n.size() < 33 ? 33 - n.size() : 1, ' ');
    os << "  " << n << pad << c.summary << "\n";
  }
  os << "\nmachines:\n";
  for (const auto& [n, m] : machines()) {
    os << "  " << n << std::string(n.size() < 10 ? 10 - n.size() : 1, ' ') << m.summary << "\n";
    if (!m.options_help.empty()) os << "            options: " << m.options_help << "\n";
  }
  os << "  (all machines also take --profile FILE|JSON)\n\n"
        "Data (spec/, vectors/) is read from $LOCKREF_ROOT or the source tree lockref was built from.\n";
}

const MachineTool* machine_or_complain(const std::string& cmd, const std::string& name) {
  auto it = machines().find(name);
  if (it != machines().end()) return &it->second;
  std::cerr << "lockref " << cmd << ": unknown machine \"" << name << "\"; machines:";
  for (const auto& [n, m] : machines()) std::cerr << " " << n;
  std::cerr << "\n";
  return nullptr;
}

int cmd_eval(const Args& a) {
  if (a.has("list")) {
    for (const auto& [n, op] : eval_ops()) std::cout << n << std::string(n.size() < 36 ? 36 - n.size() : 1, ' ') << op.summary << "\n";
    return 0;
  }
  auto answer = [](const std::string& line) {
    Json req = Json::parse(line, nullptr, false);
    if (req.is_discarded()) return Json{{"ok", false}, {"error", "request is not valid JSON"}};
    return eval_request(req);
  };
  if (!a.positional.empty()) {
    for (const auto& p : a.positional) std::cout << answer(p).dump() << "\n";
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::cout << answer(line).dump() << std::endl;
  }
  return 0;
}

int cmd_check(const Args& a) {
  if (a.positional.size() != 1) {
    std::cerr << "usage: lockref check FILE [--machine M] [machine options]   (FILE may be - for stdin)\n";
    return 2;
  }
  const std::string src = a.positional[0];
  std::vector<std::string> lines;
  {
    std::ifstream f;
    std::istream* in = &std::cin;
    if (src != "-") {
      f.open(src);
      if (!f) {
        std::cerr << "lockref check: cannot read " << src << "\n";
        return 2;
      }
      in = &f;
    }
    std::string l;
    while (std::getline(*in, l)) lines.push_back(l);
  }
  std::string machine = a.get("machine");
  if (machine.empty()) {
    for (const auto& l : lines) {
      if (l.find_first_not_of(" \t\r") == std::string::npos) continue;
      Json j = Json::parse(l, nullptr, false);
      if (j.is_object() && j.contains("machine") && j["machine"].is_string()) machine = j["machine"].get<std::string>();
      break;
    }
  }
  if (machine.empty()) {
    std::cerr << "lockref check: " << src << ": first line names no \"machine\"; use --machine\n";
    return 2;
  }
  const auto* m = machine_or_complain("check", machine);
  if (!m) return 2;
  return m->check(lines, src, a);
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
  const bool quiet = a.has("quiet") || a.has("coverage");
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
  if (a.has("coverage")) problems += coverage::report(*cat, checks, root, std::cout, a.has("verbose"));
  return problems ? 1 : 0;
}

/// Replays vector files whose entries are {"request": ..., "expect": ...} eval pairs.
int cmd_vectors(const Args& a) {
  std::vector<fs::path> files;
  for (const auto& p : a.positional) files.emplace_back(p);
  if (files.empty()) {
    fs::path d = fs::path(data_root()) / "vectors";
    if (!fs::exists(d)) {
      std::cerr << "lockref vectors: no vectors/ under " << data_root() << "\n";
      return 2;
    }
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  }
  int bad = 0;
  std::size_t total = 0;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    Json j = Json::parse(ss.str(), nullptr, false);
    if (j.is_discarded() || !j.contains("vectors")) {
      std::cout << f.filename().string() << ": not a vector file\n";
      ++bad;
      continue;
    }
    std::size_t n = 0, fails = 0, skipped = 0;
    for (const auto& v : j["vectors"]) {
      if (!v.contains("request") || !v.contains("expect")) {
        ++skipped;
        continue;
      }
      ++n;
      Json got = eval_request(v["request"]);
      for (auto& [k, x] : v["expect"].items())
        if (!got.contains(k) || got[k] != x) {
          ++fails;
          std::cout << "  " << f.filename().string() << " " << v.value("id", "?") << ": " << k << " expected "
                    << x.dump() << ", got " << (got.contains(k) ? got[k].dump() : "nothing") << "\n";
          break;
        }
    }
    total += n;
    std::cout << f.filename().string() << ": " << n - fails << "/" << n << " vectors agree"
              << (skipped ? " (" + std::to_string(skipped) + " not eval-shaped, replayed by the test suite)" : "")
              << "\n";
    bad += fails ? 1 : 0;
  }
  std::cout << total << " vectors in " << files.size() << " files; " << (bad ? "MISMATCHES" : "all agree") << "\n";
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    usage(std::cout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << "lockref 0.1.0\n";
    return 0;
  }
  auto parsed = parse_args(argc, argv, 2);
  if (!parsed) {
    std::cerr << "lockref " << cmd << ": " << parsed.error().message << "\n";
    return 2;
  }
  const Args& a = *parsed;
  if (a.has("help")) {
    usage(std::cout);
    return 0;
  }
  if (cmd == "eval") return cmd_eval(a);
  if (cmd == "check") return cmd_check(a);
  if (cmd == "invariants") return cmd_invariants(a);
  if (cmd == "vectors") return cmd_vectors(a);
  if (cmd == "explore" || cmd == "corpus") {
    if (a.positional.size() != 1) {
      std::cerr << "usage: lockref " << cmd << " MACHINE [options]   (`lockref help` lists machines)\n";
      return 2;
    }
    const auto* m = machine_or_complain(cmd, a.positional[0]);
    if (!m) return 2;
    return cmd == "explore" ? m->explore(a) : m->corpus(a);
  }
  if (auto it = commands().find(cmd); it != commands().end()) return it->second.run(a);
  std::cerr << "lockref: unknown command \"" << cmd << "\"\n\n";
  usage(std::cerr);
  return 2;
}
