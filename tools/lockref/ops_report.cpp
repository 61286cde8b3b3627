// `lockref report --out DIR`: the specification reviewer's report, one self-contained HTML
// file (DIR/index.html: inline CSS, the state diagrams as inline SVG, no script, no network)
// plus the Graphviz sources and SVG files beside it.
//
// What it shows and where each figure comes from:
//   * every requirement (spec/requirements/*.json) with its checks; a check's status comes
//     from a test-result file given with --results (JUnit XML as `ctest --output-junit`
//     writes it: a check "X" is the ctest test "X", "unit:X" or "property:X"), or, for a
//     machine invariant ("invariant:NAME"), from the bounded exploration this report runs.
//     Anything else is "not run": the report never invents a pass.
//   * the normative-sentence coverage: `lockref invariants --coverage` (spec/normative/);
//   * each machine's state diagram: `lockref explore M --dot` (the first --diagram-states
//     states in BFS order; the engine draws its Figure 34 view) rendered by Graphviz `dot`;
//   * exploration bounds and state counts: `lockref explore M --max-states N` per machine;
//   * vector counts per file with the file's provenance (vectors/*.json);
//   * spec/errata.md and spec/mutation/report.md rendered (CommonMark, libcmark).
// The sub-results are produced by running this same program (so a crash or a hang of one
// machine's exploration is reported, with a per-run timeout, and does not stop the report).
#include <cmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "registry.hpp"
#include "report.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {
namespace fs = std::filesystem;

std::string html(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string xml_unescape(std::string s) {
  static const std::array<std::pair<const char*, const char*>, 5> ents{
      {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}};
  for (const auto& [e, r] : ents)
    for (std::size_t at = s.find(e); at != std::string::npos; at = s.find(e, at + 1)) s.replace(at, std::string(e).size(), r);
  return s;
}

std::string shell_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Run {
  int status = -1;  // exit status; 124 = timed out (coreutils timeout); -1 = did not run
  std::string out;  // stdout and stderr
};

/// Runs `cmd` through the shell with a time limit, capturing its output.
Run run(const std::string& cmd, unsigned timeout_s) {
  Run r;
  const std::string full = "timeout " + std::to_string(timeout_s) + " " + cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return r;
}

std::string self_exe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("lockref") : p.string();
}

std::string markdown(const std::string& md) {
  char* h = cmark_markdown_to_html(md.data(), md.size(), CMARK_OPT_DEFAULT);  // raw HTML is escaped (safe mode default)
  std::string out = h ? h : "";
  std::free(h);
  return out;
}

/// ctest's JUnit XML: test name -> "pass", "fail" or "skip"/"not run".
Result<std::map<std::string, std::string>> read_junit(const std::string& path) {
  std::ifstream f(path);
  if (!f) return make_error("--results " + path + ": cannot read");
  const std::string x = slurp(path);
  if (x.find("<testsuite") == std::string::npos)
    return make_error("--results " + path + ": not JUnit XML (no <testsuite>; write it with ctest --output-junit FILE)");
  std::map<std::string, std::string> out;
  // An attribute's value in a start tag (no std::regex: GCC 12 warns inside <regex> under -O3/ASan).
  auto attr = [](const std::string& tag, const std::string& name) -> std::optional<std::string> {
    for (std::size_t at = tag.find(" " + name + "=\""); at != std::string::npos;) {
      const std::size_t v = at + name.size() + 3, end = tag.find('"', v);
      if (end == std::string::npos) return std::nullopt;
      return tag.substr(v, end - v);
    }
    return std::nullopt;
  };
  for (std::size_t at = x.find("<testcase"); at != std::string::npos; at = x.find("<testcase", at + 1)) {
    const std::size_t tag_end = x.find('>', at);
    if (tag_end == std::string::npos) break;
    const std::string tag = x.substr(at, tag_end - at);
    std::string t2 = tag;
    for (char& ch : t2)
      if (ch == '\n' || ch == '\t' || ch == '\r') ch = ' ';
    const auto nm = attr(t2, "name");
    if (!nm) continue;
    const std::string name = xml_unescape(*nm);
    const bool self_closed = tag.back() == '/';
    const std::size_t close = self_closed ? tag_end : x.find("</testcase>", tag_end);
    const std::string body = close == std::string::npos ? "" : x.substr(tag_end, close - tag_end);
    std::string st = "pass";
    if (const auto sv = attr(t2, "status")) {
      const std::string s = *sv;
      st = s == "run" || s == "passed" ? "pass" : s == "fail" || s == "failed" ? "fail" : "not run";
    }
    if (body.find("<failure") != std::string::npos || body.find("<error") != std::string::npos) st = "fail";
    else if (body.find("<skipped") != std::string::npos && st == "pass") st = "not run";
    out[name] = st;
  }
  if (out.empty()) return make_error("--results " + path + ": no <testcase> element");
  return out;
}

struct Explored {
  std::string machine;
  Run counts;        // explore --max-states N
  Run diagram;       // explore --dot
  std::string svg;   // inline SVG ("" if it could not be drawn)
  std::string svg_problem;
  std::string field(std::string label) const {  // "  reachable states: 123 (..."
    auto at = counts.out.find("  " + label + ":");
    if (at == std::string::npos && label == "reachable states") at = counts.out.find("  " + (label = "states visited") + ":");
    if (at == std::string::npos) return "";
    auto v = counts.out.substr(at + label.size() + 3, counts.out.find('\n', at) - at - label.size() - 3);
    return v.substr(v.find_first_not_of(' ') == std::string::npos ? 0 : v.find_first_not_of(' '));
  }
  bool held() const { return counts.status == 0; }
};

const char* kCss = R"(
body{font-family:Helvetica,Arial,sans-serif;margin:0 2em 3em 2em;color:#222;max-width:1400px}
h1{margin-top:.6em} h2{border-bottom:2px solid #345;padding-bottom:.2em;margin-top:2em}
nav a{margin-right:1em} table{border-collapse:collapse;margin:.5em 0;width:100%}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;font-size:13px;text-align:left}
th{background:#eef2f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:#d9f2d9} .fail{background:#f8d0d0} .notrun{background:#eee;color:#555}
.badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;margin-right:4px}
ul.checks{margin:0;padding-left:1em} pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px}
figure.diagram{border:1px solid #ccc;margin:1em 0;padding:.5em;overflow:auto;max-height:900px}
figure.diagram svg{max-width:100%;height:auto} .md{font-size:14px}
.summary td{font-size:14px}
)";

int cmd_report(const Args& a) {
  if (!a.has("out") || a.text("out").empty()) {
    std::cerr << "lockref report: --out DIR is required (the directory to write)\n";
    return 2;
  }
  const fs::path out = a.text("out");
  std::error_code ec;
  fs::create_directories(out / "diagrams", ec);
  if (ec) {
    std::cerr << "lockref report: --out " << out.string() << ": " << ec.message() << "\n";
    return 2;
  }
  const auto& cat = requirements();
  if (!cat) {
    std::cerr << "lockref report: " << cat.error().message << "\n";
    return 2;
  }
  std::optional<std::map<std::string, std::string>> results;
  if (a.has("results")) {
    auto r = read_junit(a.text("results"));
    if (!r) {
      std::cerr << "lockref report: " << r.error().message << "\n";
      return 2;
    }
    results = std::move(*r);
  }
  const std::string root = data_root();
  const std::string self = shell_quote(self_exe());
  const unsigned timeout = static_cast<unsigned>(a.uint("timeout"));
  const auto bound = std::to_string(a.uint("max-states"));
  const auto dbound = std::to_string(a.uint("diagram-states"));
  const bool quiet = a.flag("quiet");
  const bool have_dot = run("dot -V", 10).status == 0;

  // ---- machines: counts and diagrams ----
  std::vector<Explored> ex;
  for (const auto& [name, m] : machines()) {
    Explored e;
    e.machine = name;
    if (!quiet) std::cerr << "report: explore " << name << " (at most " << bound << " states)\n";
    // One thread: the verdict is the same for any count, and `explore kmb` with 2 threads
    // crashes or hangs on main at 865bf3b (reported to the lead).
    e.counts = run(self + " explore " + shell_quote(name) + " --threads 1 --max-states " + bound, timeout);
    const fs::path dotf = out / "diagrams" / (name + ".dot"), svgf = out / "diagrams" / (name + ".svg");
    e.diagram = run(self + " explore " + shell_quote(name) + " --threads 1 --max-states " + dbound + " --dot " +
                        shell_quote(dotf.string()),
                    timeout);
    if (!fs::exists(dotf)) {
      e.svg_problem = "explore --dot wrote no diagram (exit " + std::to_string(e.diagram.status) + ")";
    } else if (!have_dot) {
      e.svg_problem = "Graphviz dot is not installed (tools/setup.sh installs it)";
    } else {
      auto d = run("dot -Tsvg " + shell_quote(dotf.string()) + " -o " + shell_quote(svgf.string()), timeout);
      const std::string svg = d.status == 0 ? slurp(svgf) : "";
      const auto at = svg.find("<svg");
      if (at == std::string::npos) e.svg_problem = "dot failed: " + d.out;
      else e.svg = svg.substr(at);
    }
    ex.push_back(std::move(e));
  }
  std::map<std::string, const Explored*> by_machine;
  for (const auto& e : ex) by_machine[e.machine] = &e;
  std::map<std::string, std::string> invariant_machine;  // invariant check -> machine
  for (const auto& [n, m] : machines())
    for (const auto& [c, r] : m.invariants) invariant_machine[c] = n;

  // ---- requirements and check status ----
  struct Status {
    std::string word, why;
  };
  auto status_of = [&](const std::string& c) -> Status {
    if (auto it = invariant_machine.find(c); it != invariant_machine.end()) {
      const auto* e = by_machine.at(it->second);
      if (e->counts.status == 0)
        return {"pass", "held on every state of explore " + it->second + " (" + e->field("reachable states") + ")"};
      if (e->counts.status == 1) return {"fail", "explore " + it->second + " reports a violation"};
      return {"not run", "explore " + it->second + " did not finish (exit " + std::to_string(e->counts.status) + ")"};
    }
    if (!results) return {"not run", "no --results file"};
    // doctest_discover_tests names a TEST_CASE "unit:X" / "property:X" (its prefix, trimmed).
    for (const auto& n : {c, "unit:" + c, "property:" + c, "unit: " + c, "property: " + c})
      if (auto it = results->find(n); it != results->end()) return {it->second, "ctest \"" + n + "\""};
    return {"not run", "not in the --results file"};
  };
  std::map<std::string, int> tally;
  std::ostringstream reqs;
  std::string domain;
  std::size_t nreq = 0, out_of_reach = 0;
  std::map<std::string, std::array<int, 3>> per_domain;  // pass / fail / not run checks
  for (const auto& r : (*cat)["requirements"]) {
    ++nreq;
    const std::string d = r.value("domain", "?");
    if (d != domain) {
      reqs << (domain.empty() ? "" : "</table>\n") << "<h3 id=\"dom-" << html(d) << "\">" << html(d) << "</h3>\n"
           << "<table><tr><th style=\"width:14em\">requirement</th><th style=\"width:9em\">source</th>"
              "<th>text</th><th style=\"width:40%\">checks</th></tr>\n";
      domain = d;
    }
    reqs << "<tr id=\"req-" << html(r.value("id", "")) << "\"><td>" << html(r.value("id", "")) << "</td><td>"
         << html(r.value("source", "")) << " " << html(r.value("section", "")) << "</td><td>" << html(r.value("text", ""))
         << "</td><td>";
    if (r.value("status", "") == "out_of_reach") {
      ++out_of_reach;
      reqs << "<span class=\"badge notrun\">out of reach</span>" << html(r.value("reason", ""));
    } else {
      reqs << "<ul class=\"checks\">";
      for (const auto& c : r.value("checks", Json::array())) {
        const std::string name = c.is_string() ? c.get<std::string>() : c.dump();
        const auto s = status_of(name);
        ++tally[s.word];
        auto& pd = per_domain[d];
        ++pd[s.word == "pass" ? 0 : s.word == "fail" ? 1 : 2];
        reqs << "<li><span class=\"badge " << (s.word == "not run" ? "notrun" : s.word) << "\" title=\"" << html(s.why)
             << "\">" << html(s.word) << "</span>" << html(name) << "</li>";
      }
      reqs << "</ul>";
    }
    reqs << "</td></tr>\n";
  }
  if (!domain.empty()) reqs << "</table>\n";

  // ---- coverage, vectors, markdown ----
  if (!quiet) std::cerr << "report: invariants --coverage\n";
  const Run cov = run(self + " invariants --coverage", timeout);
  std::ostringstream vec;
  std::size_t nvec = 0, nfiles = 0;
  {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(root) / "vectors", ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    vec << "<table><tr><th>file</th><th>vectors</th><th>topic</th><th>provenance (the source of the known answers)</th></tr>\n";
    for (const auto& f : files) {
      Json j;
      try {
        j = Json::parse(slurp(f));
      } catch (const std::exception& x) {
        vec << "<tr><td>" << html(f.filename().string()) << "</td><td colspan=3 class=fail>not JSON: " << html(x.what())
            << "</td></tr>\n";
        continue;
      }
      const auto n = j.contains("vectors") && j["vectors"].is_array() ? j["vectors"].size() : 0;
      nvec += n;
      ++nfiles;
      auto text = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
      vec << "<tr><td>" << html(f.filename().string()) << "</td><td class=num>" << n << "</td><td>" << html(text("topic"))
          << "</td><td>" << html(text("provenance")) << "</td></tr>\n";
    }
    vec << "</table>\n";
  }
  auto md_file = [&](const char* rel) {
    const fs::path p = fs::path(root) / rel;
    return fs::exists(p) ? markdown(slurp(p)) : "<p class=notrun>" + html(rel) + " is missing</p>";
  };

  // ---- the page ----
  std::ofstream f(out / "index.html");
  f << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lockref specification report</title>"
    << "<style>" << kCss << "</style></head><body>\n<h1>lockref specification report</h1>\n"
    << "<nav><a href=\"#summary\">summary</a><a href=\"#requirements\">requirements</a><a href=\"#coverage\">normative "
       "coverage</a><a href=\"#machines\">machines</a><a href=\"#vectors\">vectors</a><a href=\"#mutation\">mutation "
       "testing</a><a href=\"#errata\">errata</a></nav>\n";
  f << "<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\" style=\"width:auto\">"
    << "<tr><td>requirements</td><td class=num id=\"n-requirements\">" << nreq << "</td><td>" << out_of_reach
    << " out of the model's reach</td></tr>"
    << "<tr><td>checks passed</td><td class=\"num pass\" id=\"n-pass\">" << tally["pass"] << "</td><td></td></tr>"
    << "<tr><td>checks failed</td><td class=\"num fail\" id=\"n-fail\">" << tally["fail"] << "</td><td></td></tr>"
    << "<tr><td>checks not run</td><td class=\"num notrun\" id=\"n-notrun\">" << tally["not run"] << "</td><td>"
    << (results ? "not in the results file " + html(a.text("results"))
                : std::string("no test results given (lockref report --results FILE, from ctest --output-junit FILE)"))
    << "</td></tr>"
    << "<tr><td>machines</td><td class=num id=\"n-machines\">" << ex.size() << "</td><td></td></tr>"
    << "<tr><td>vectors</td><td class=num id=\"n-vectors\">" << nvec << "</td><td>in " << nfiles << " files</td></tr>"
    << "</table>\n<p>Check status: a machine invariant passes when the bounded exploration below holds it on every state "
       "it visits; any other check takes its status from the ctest result file given with <code>--results</code> "
       "(ctest test <i>X</i>, <i>unit:X</i> or <i>property:X</i>); without one it is <i>not run</i>.</p>\n"
    << "<table style=\"width:auto\"><tr><th>domain</th><th>pass</th><th>fail</th><th>not run</th></tr>";
  for (const auto& [d, c] : per_domain)
    f << "<tr><td><a href=\"#dom-" << html(d) << "\">" << html(d) << "</a></td><td class=\"num pass\">" << c[0]
      << "</td><td class=\"num fail\">" << c[1] << "</td><td class=\"num notrun\">" << c[2] << "</td></tr>";
  f << "</table>\n<h2 id=\"requirements\">Requirements and their checks</h2>\n" << reqs.str();
  f << "<h2 id=\"coverage\">Normative-sentence coverage</h2>\n<p><code>lockref invariants --coverage</code> (exit "
    << cov.status << "):</p>\n<pre id=\"coverage-text\">" << html(cov.out) << "</pre>\n";
  f << "<h2 id=\"machines\">Machines: exploration and state diagrams</h2>\n<p>Each machine explored breadth-first from "
       "its initial state with the default profile, at most "
    << bound << " states (<code>lockref explore M --max-states " << bound
    << "</code>). Diagrams: the first " << dbound
    << " states in BFS order (<code>lockref explore M --max-states " << dbound
    << " --dot</code>, the engine its Figure 34 CTRL view), drawn by Graphviz <code>dot</code>; sources in "
       "<code>diagrams/</code>.</p>\n<table><tr><th>machine</th><th>states</th><th>depth</th><th>events tried</th>"
       "<th>time</th><th>result</th></tr>\n";
  for (const auto& e : ex)
    f << "<tr><td><a href=\"#machine-" << html(e.machine) << "\">" << html(e.machine) << "</a></td><td>"
      << html(e.field("reachable states")) << "</td><td>" << html(e.field("depth")) << "</td><td>"
      << html(e.field("events tried")) << "</td><td>" << html(e.field("time")) << "</td><td class=\""
      << (e.counts.status == 0 ? "pass" : e.counts.status == 1 ? "fail" : "notrun") << "\">"
      << (e.counts.status == 0   ? "invariants hold"
          : e.counts.status == 1 ? "INVARIANT VIOLATION"
          : e.counts.status == 124 ? "timed out"
                                   : "exit " + std::to_string(e.counts.status))
      << "</td></tr>\n";
  f << "</table>\n";
  for (const auto& e : ex) {
    f << "<h3 id=\"machine-" << html(e.machine) << "\">" << html(e.machine) << "</h3>\n<pre>" << html(e.counts.out)
      << "</pre>\n";
    if (!e.svg.empty())
      f << "<figure class=\"diagram\" id=\"diagram-" << html(e.machine) << "\">" << e.svg << "<figcaption>" << html(e.machine)
        << ": <a href=\"diagrams/" << html(e.machine) << ".svg\">diagrams/" << html(e.machine) << ".svg</a></figcaption></figure>\n";
    else
      f << "<p class=\"fail\" id=\"diagram-missing-" << html(e.machine) << "\">no diagram: " << html(e.svg_problem) << "</p>\n";
  }
  f << "<h2 id=\"vectors\">Vectors per source</h2>\n" << vec.str();
  f << "<h2 id=\"mutation\">Mutation testing</h2>\n<div class=\"md\">" << md_file("spec/mutation/report.md") << "</div>\n";
  f << "<h2 id=\"errata\">Errata</h2>\n<div class=\"md\" id=\"errata-text\">" << md_file("spec/errata.md") << "</div>\n";
  f << "</body></html>\n";
  f.close();
  if (!f) {
    std::cerr << "lockref report: cannot write " << (out / "index.html").string() << "\n";
    return 2;
  }
  std::size_t drawn = 0;
  for (const auto& e : ex) drawn += !e.svg.empty();
  std::cout << (out / "index.html").string() << ": " << nreq << " requirements; checks " << tally["pass"] << " pass, "
            << tally["fail"] << " fail, " << tally["not run"] << " not run; " << ex.size() << " machines, " << drawn
            << " diagrams; " << nvec << " vectors\n";
  // A finding: a failed check, an invariant violation, a diagram that could not be drawn.
  bool finding = tally["fail"] > 0 || drawn != ex.size();
  for (const auto& e : ex) finding = finding || e.counts.status == 1;
  return finding ? 1 : 0;
}

LOCKREF_REGISTER(Command{
    "report",
    "write the specification reviewer's HTML report (requirements, checks, coverage, diagrams, vectors, errata)",
    {opt::text("out", "the directory to write (index.html, diagrams/)", "DIR"),
     opt::text("results", "test results as JUnit XML (ctest --output-junit FILE); without it a test check is \"not run\"",
               "FILE"),
     opt::number("max-states", "exploration bound per machine for the state counts", 1, 100000000, 2000),
     opt::number("diagram-states", "states drawn per machine diagram (BFS order)", 1, 2000, 40),
     opt::number("timeout", "seconds allowed to each exploration, coverage or dot run", 1, 86400, 120),
     opt::flag("quiet", "no progress lines on standard error")},
    cmd_report});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
