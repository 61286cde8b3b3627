// The non-template parts of the generic machine commands (machine_tool.hpp).
#include "machine_tool.hpp"

#include <filesystem>
#include <set>

namespace lockref::cli {

Result<Json> profile_option_json(const Args& a) {
  std::string text = a.text("profile");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return make_error("--profile: empty (expected JSON or a file)");
  if (text[text.find_first_not_of(" \t\r\n")] != '{') {
    std::error_code ec;
    if (std::filesystem::is_directory(text, ec)) return make_error("--profile: " + text + " is a directory");
    std::ifstream f(text, std::ios::binary);
    if (!f) return make_error("--profile: cannot read file " + text + " (or give the profile as inline JSON {...})");
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  }
  return parse_json(text).context("--profile");
}

Status options_agree_with_header(const Args& a, const std::vector<Option>& model_options, const Json& header,
                                 const Json& options) {
  auto d = first_difference(header, options, "profile");
  if (!d) return ok_status();
  return make_error(given_text(a, model_options) + " contradicts the transcript header: " + d->path + ": header " +
                    (d->left ? d->left->dump() : "(absent)") + ", options " + (d->right ? d->right->dump() : "(absent)") +
                    ". A verdict must not depend on which one wins: drop the options to check against the header's "
                    "profile, or fix the header");
}

bool model_options_given(const Args& a, const std::vector<Option>& model_options) {
  if (a.has("profile")) return true;
  for (const auto& o : model_options)
    if (o.kind != Option::Kind::positional && a.has(o.name)) return true;
  return false;
}

std::string given_text(const Args& a, const std::vector<Option>& model_options) {
  std::string out;
  auto add = [&](const std::string& n, const std::string& v) { out += (out.empty() ? "--" : " --") + n + (v.empty() ? "" : " " + v); };
  for (const auto& o : model_options)
    if (o.kind != Option::Kind::positional && a.has(o.name)) add(o.name, o.kind == Option::Kind::flag ? "" : a.text(o.name));
  if (a.has("profile")) add("profile", a.text("profile").size() > 40 ? a.text("profile").substr(0, 40) + "..." : a.text("profile"));
  return out;
}

bool write_dot(const Args& a, const std::string& option, const std::string& text) {
  const std::string path = a.text(option);
  std::ofstream f(path);
  if (f) f << text;
  if (!f || !f.flush()) {
    std::cerr << "lockref " << a.command() << ": --" << option << ": cannot write " << path << "\n";
    return false;
  }
  return true;
}

std::optional<CorpusSink> corpus_sink(const Args& a, const std::string& who, bool walks_supported) {
  CorpusSink c;
  c.seed = a.uint("seed");
  c.count = a.uint("count");
  if (a.declares("walks")) {
    if (!walks_supported && (a.has("walks") || a.has("shard"))) {
      std::cerr << "lockref corpus " << who << ": --walks and --shard are not available for this machine (its corpus is one walk)\n";
      return std::nullopt;
    }
    c.walks = a.uint("walks");
    c.end_walk = c.walks;
    if (a.has("shard")) {
      const std::string v = a.text("shard");  // already checked by shard_problem
      const std::uint64_t i = std::stoull(v.substr(0, v.find('/'))), n = std::stoull(v.substr(v.find('/') + 1));
      if (n > c.walks) {
        std::cerr << "lockref corpus " << who << ": --shard " << v << ": " << n << " shards of " << c.walks << " walk"
                  << (c.walks == 1 ? "" : "s") << " would leave some empty; give --walks N with N >= " << n << "\n";
        return std::nullopt;
      }
      c.first_walk = (i - 1) * c.walks / n;
      c.end_walk = i * c.walks / n;
    }
  }
  if (a.has("out")) {
    c.name = a.text("out");
    std::error_code ec;
    if (std::filesystem::is_directory(c.name, ec)) {
      std::cerr << "lockref corpus " << who << ": --out: " << c.name << " is a directory\n";
      return std::nullopt;
    }
    c.file = std::make_unique<std::ofstream>(c.name);
    if (!*c.file) {
      std::cerr << "lockref corpus " << who << ": --out: cannot write " << c.name << "\n";
      return std::nullopt;
    }
    c.out = c.file.get();
  }
  return c;
}

std::uint64_t walk_seed(std::uint64_t seed, std::uint64_t w) {
  if (w == 0) return seed;
  SplitMix64 g{seed ^ (w * 0xD1B54A32D192ED03ull)};
  return g.next();
}

std::string shard_problem(const std::string& v) {
  const auto slash = v.find('/');
  auto number = [](const std::string& t) -> std::optional<std::uint64_t> {
    if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoull(t);
  };
  const auto i = slash == std::string::npos ? std::nullopt : number(v.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : number(v.substr(slash + 1));
  if (!i || !n) return "expected i/n (shard i of n, 1 <= i <= n), got \"" + v + "\"";
  if (*n == 0 || *i == 0 || *i > *n) return "expected 1 <= i <= n, got \"" + v + "\"";
  return "";
}

void CorpusCoverage::add(const Json& line) {
  ++steps;
  const auto& ev = line["event"];
  const auto& ex = line["expect"];
  const std::string type = ev.is_object() ? ev.value("type", std::string("?")) : std::string("?");
  const std::string status = ex.is_object() ? ex.value("status", std::string()) : std::string();
  auto& e = events[type];
  (status == "ok" ? e.first : e.second) += 1;
  if (!status.empty()) ++statuses[status];
  if (ex.is_object())
    if (auto r = ex.find("rule"); r != ex.end() && r->is_string() && !r->get<std::string>().empty())
      ++rules[r->get<std::string>()];
}

void CorpusCoverage::print(std::ostream& os, const std::string& machine, const std::vector<std::string>& tags,
                           const std::vector<std::pair<std::string, std::string>>& invariants) const {
  auto wrapped = [&os](const std::vector<std::string>& items) {
    std::size_t col = 0;
    for (const auto& it : items) {
      if (col + it.size() > 96) os << "\n", col = 0;
      os << (col ? " " : "    ") << it;
      col += it.size() + (col ? 1 : 4);
    }
    if (col) os << "\n";
  };
  os << "coverage of " << steps << " " << machine << " steps:\n";
  std::vector<std::string> never, seen;
  for (const auto& t : tags) {
    auto it = events.find(t);
    if (it == events.end()) never.push_back(t);
    else seen.push_back(t + " " + std::to_string(it->second.first) + "+" + std::to_string(it->second.second));
  }
  os << "  event types: " << seen.size() << " of " << tags.size() << " exercised (accepted+refused)\n";
  wrapped(seen);
  if (!never.empty()) {
    os << "  event types never sent: " << never.size() << "\n";
    wrapped(never);
  }
  std::vector<std::string> codes;
  for (const auto& [c, k] : statuses) codes.push_back(c + " " + std::to_string(k));
  os << "  result codes: " << statuses.size() << " distinct\n";
  wrapped(codes);
  std::vector<std::string> ids;
  for (const auto& [r, k] : rules) ids.push_back(r + " " + std::to_string(k));
  os << "  requirements named by a step's rule: " << rules.size() << "\n";
  wrapped(ids);
  // The requirement domains this machine answers for: those of the rules seen and of its
  // invariants' requirements; in them, the requirements no step named.
  const auto& cat = requirements();
  if (!cat) {
    os << "  (requirement catalogue unavailable: " << cat.error().message << ")\n";
    return;
  }
  std::set<std::string> domains;
  std::map<std::string, std::string> domain_of;
  for (const auto& r : (*cat)["requirements"])
    if (r.contains("id") && r["id"].is_string()) domain_of[r["id"].get<std::string>()] = r.value("file", std::string());
  for (const auto& [r, k] : rules)
    if (domain_of.count(r)) domains.insert(domain_of[r]);
  for (const auto& [check, req] : invariants)
    if (domain_of.count(req)) domains.insert(domain_of[req]);
  std::vector<std::string> missing;
  for (const auto& [id, file] : domain_of)
    if (domains.count(file) && !rules.count(id)) missing.push_back(id);
  std::string files;
  for (const auto& d : domains) files += (files.empty() ? "" : ", ") + d;
  os << "  requirements of " << (files.empty() ? "(no catalogue file)" : files) << " no step named: " << missing.size()
     << " (some are checked by tests and vectors rather than by a step's rule)\n";
  wrapped(missing);
}

int corpus_done(const Args& a, CorpusSink& sink, const std::string& who, std::uint64_t steps) {
  sink.out->flush();
  if (!*sink.out) {
    std::cerr << "lockref " << who << ": writing " << sink.name << " failed (disk full?); the corpus is incomplete\n";
    return 2;
  }
  if (a.has("out")) std::cerr << "wrote " << steps << " steps to " << sink.name << "\n";
  return 0;
}

Status read_lines(LineSource& in, const std::function<Status(std::size_t, const std::string&)>& feed,
                  const std::function<bool()>& stop) {
  Progress prog("check " + in.name(), in.size());
  std::string line;
  while (!stop()) {
    auto more = in.next(line);
    if (!more) return more.error();
    if (!*more) break;
    if (auto s = feed(in.line_number(), line); !s) return s;
    prog.update(in.bytes_read(), "bytes, line " + std::to_string(in.line_number()));
  }
  if (in.line_number() == 0) return make_error("empty input: no lines");
  return ok_status();
}

int report_check(const Args& a, const std::string& source, const std::string& machine, const Result<CheckReport>& rep,
                 const std::string& profile_note) {
  if (!rep) {
    std::cerr << "lockref check: " << source << ": " << rep.error().message << "\n";
    return 2;
  }
  const bool quiet = a.flag("quiet");
  if (!rep->divergence) {
    if (!quiet)
      std::cout << source << ": " << rep->steps << " steps conform to the " << machine << " model (profile: " << profile_note
                << ")\n";
    return 0;
  }
  if (!quiet) print_divergence(std::cout, source, *rep->divergence, a.flag("verbose"));
  return 1;
}

}  // namespace lockref::cli
