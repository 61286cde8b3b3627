#include "registry.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report.hpp"

namespace lockref::cli {

std::map<std::string, EvalOp>& eval_ops() {
  static std::map<std::string, EvalOp> m;
  return m;
}
std::map<std::string, MachineTool>& machines() {
  static std::map<std::string, MachineTool> m;
  return m;
}
std::map<std::string, Command>& commands() {
  static std::map<std::string, Command> m;
  return m;
}
std::map<std::string, DecodeFormat>& decode_formats() {
  static std::map<std::string, DecodeFormat> m;
  return m;
}

// ---- options ------------------------------------------------------------------------------

namespace LOCKREF_UNITY_ID {
/// A command-line word as a message shows it: printable ASCII as is, other bytes as \xNN,
/// cut after 60 characters.
std::string shown(const std::string& s) {
  std::string o = "\"";
  for (std::size_t i = 0; i < s.size() && i < 60; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      o += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      o += buf;
    }
  }
  if (s.size() > 60) o += "...";
  return o + "\"";
}

std::string or_list(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? (i + 1 == v.size() ? " or " : ", ") : "") + v[i];
  return out;
}

std::optional<std::uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}
}  // namespace LOCKREF_UNITY_ID

std::string option_value_problem(const Option& o, const std::string& value) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  if (o.kind == Option::Kind::number) {
    const bool bounded = o.lo != 0 || o.hi != std::numeric_limits<std::uint64_t>::max();
    const std::string want = bounded ? "an integer in " + std::to_string(o.lo) + ".." + std::to_string(o.hi)
                                     : "an integer in 0..18446744073709551615";
    auto v = parse_u64(value);
    if (!v || *v < o.lo || *v > o.hi) return "expected " + want + ", got " + shown(value);
  } else if (o.kind == Option::Kind::text && !o.choices.empty()) {
    if (std::find(o.choices.begin(), o.choices.end(), value) == o.choices.end())
      return "expected " + or_list(o.choices) + ", got " + shown(value);
  }
  if (o.validate && o.kind != Option::Kind::flag) return o.validate(value);
  return "";
}

// A size such as 4G, 512M, 64k or 1000000 in bytes (K/M/G/T are powers of 1024; a trailing
/// B or iB is allowed); nullopt if `s` is not one or is above 2^60 bytes.
std::optional<std::uint64_t> size_bytes(const std::string& s) {
  std::string t = s;
  for (const char* suf : {"iB", "ib", "B", "b"})
    if (t.size() > std::strlen(suf) && t.ends_with(suf)) {
      t.resize(t.size() - std::strlen(suf));
      break;
    }
  unsigned shift = 0;
  switch (t.empty() ? '0' : t.back()) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    default: break;
  }
  if (shift) t.pop_back();
  if (t.empty() || t.size() > 19 || t.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const std::uint64_t v = std::stoull(t);
  if (v > (std::uint64_t{1} << (60 - shift))) return std::nullopt;
  return v << shift;
}

/// Why `s` is not a size size_bytes() accepts ("" if it is one), for --max-memory's check.
std::string size_problem(const std::string& s) {
  return size_bytes(s) ? std::string() : "expected a size such as 4G, 512M or 1000000, got \"" + s.substr(0, 60) + "\"";
}

namespace opt {
Option flag(std::string name, std::string help) {
  Option o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.kind = Option::Kind::flag;
  return o;
}
Option number(std::string name, std::string help, std::uint64_t lo, std::uint64_t hi, std::optional<std::uint64_t> def) {
  Option o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.kind = Option::Kind::number;
  o.lo = lo;
  o.hi = hi;
  if (def) o.def = std::to_string(*def);
  o.placeholder = "N";
  return o;
}
Option text(std::string name, std::string help, std::string placeholder, std::string def) {
  Option o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.placeholder = std::move(placeholder);
  o.def = std::move(def);
  return o;
}
Option choice(std::string name, std::string help, std::vector<std::string> choices, std::string def) {
  Option o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.placeholder = "";
  for (std::size_t i = 0; i < choices.size(); ++i) o.placeholder += (i ? "|" : "") + choices[i];
  o.choices = std::move(choices);
  o.def = std::move(def);
  return o;
}
Option arg(std::string name, std::string help, bool required) {
  Option o;
  o.name = name;
  o.help = std::move(help);
  o.kind = Option::Kind::positional;
  o.placeholder = std::move(name);
  o.required = required;
  return o;
}
Option args(std::string name, std::string help, bool required) {
  Option o = arg(std::move(name), std::move(help), required);
  o.many = true;
  return o;
}
}  // namespace opt

void Args::declare(const Option& o) {
  if (!specs_.count(o.name)) order_.push_back(o.name);
  specs_[o.name] = o;
}
void Args::set(const std::string& name, std::vector<std::string> values) {
  spec(name);
  given_[name] = std::move(values);
}
const Option& Args::spec(std::string_view name) const {
  auto it = specs_.find(std::string(name));
  if (it == specs_.end())
    throw std::logic_error("lockref " + command_ + ": option --" + std::string(name) + " read but not declared");
  return it->second;
}
bool Args::has(std::string_view name) const {
  spec(name);
  return given_.count(std::string(name)) != 0;
}
bool Args::flag(std::string_view name) const { return has(name); }
std::uint64_t Args::uint(std::string_view name) const {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  const auto& o = spec(name);
  auto it = given_.find(std::string(name));
  const std::string s = it != given_.end() && !it->second.empty() ? it->second.back() : o.def;
  auto v = parse_u64(s);
  if (!v) throw std::logic_error("lockref " + command_ + ": --" + o.name + " has no valid value (" + shown(s) + ")");
  return *v;
}
std::string Args::text(std::string_view name) const {
  const auto& o = spec(name);
  auto it = given_.find(std::string(name));
  return it != given_.end() && !it->second.empty() ? it->second.back() : o.def;
}
std::vector<std::string> Args::list(std::string_view name) const {
  spec(name);
  auto it = given_.find(std::string(name));
  return it == given_.end() ? std::vector<std::string>{} : it->second;
}
std::vector<std::string> Args::given() const {
  std::vector<std::string> out;
  for (const auto& n : order_)
    if (given_.count(n)) out.push_back(n);
  return out;
}

// ---- eval ---------------------------------------------------------------------------------

std::string dump_safe(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json eval_request(const Json& req) {
  auto fail = [](const std::string& msg) { return Json{{"ok", false}, {"error", msg}}; };
  if (!req.is_object()) return fail("request must be a JSON object");
  auto op = req.find("op");
  if (op == req.end() || !op->is_string()) return fail("missing \"op\" (a string; `lockref eval --list` lists them)");
  auto it = eval_ops().find(op->get<std::string>());
  if (it == eval_ops().end()) return fail("unknown op \"" + op->get<std::string>() + "\" (`lockref eval --list`)");
  Result<Json> r = make_error("internal error");
  try {
    r = it->second.run(req);
  } catch (const std::exception& e) {  // a bug, but never crash a harness
    return fail(std::string("internal error: ") + e.what());
  }
  if (!r) return fail(r.error().message);
  Json out = Json{{"ok", true}};
  for (auto& [k, v] : r->items()) out[k] = v;
  return out;
}

std::string data_root() {
  namespace fs = std::filesystem;
  if (const char* e = std::getenv("LOCKREF_ROOT"); e && *e) return e;
#ifdef LOCKREF_SOURCE_DIR
  if (fs::is_directory(fs::path(LOCKREF_SOURCE_DIR) / "spec" / "requirements")) return LOCKREF_SOURCE_DIR;
#endif
#ifdef LOCKREF_INSTALL_DATADIR
  return LOCKREF_INSTALL_DATADIR;
#else
  return ".";
#endif
}

const Result<Json>& requirements() {
  // One file per domain (spec/requirements/<domain>.json), merged in file-name order, so
  // that domains developed side by side do not all edit one array.
  static const Result<Json> cat = []() -> Result<Json> {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(data_root()) / "spec" / "requirements";
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      return make_error("cannot read " + dir.string() + " (set LOCKREF_ROOT to the lockref tree)");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) return make_error(dir.string() + ": no requirement files (*.json)");
    Json all = Json{{"requirements", Json::array()}};
    for (const auto& path : files) {
      std::ifstream f(path);
      std::stringstream ss;
      ss << f.rdbuf();
      Json j = Json::parse(ss.str(), nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("requirements") || !j["requirements"].is_array())
        return make_error(path.string() + ": not a requirement catalogue ({\"requirements\": [...]})");
      for (auto& r : j["requirements"]) {
        r["file"] = path.filename().string();
        all["requirements"].push_back(std::move(r));
      }
    }
    return all;
  }();
  return cat;
}

std::optional<Json> find_requirement(const std::string& id) {
  const auto& cat = requirements();
  if (!cat) return std::nullopt;
  for (const auto& r : (*cat)["requirements"])
    if (r.value("id", "") == id) return r;
  return std::nullopt;
}

namespace LOCKREF_UNITY_ID {
/// At most n bytes of s, cut at a UTF-8 character boundary, with "..." when cut.
std::string shorten(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}
}  // namespace LOCKREF_UNITY_ID

void print_divergence(std::ostream& os, const std::string& source, const Divergence& d, bool verbose) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  if (!d.invariant.empty()) {
    // The device agreed with the model, but the state the model reached breaks an invariant
    // (a counterexample from `lockref explore --counterexample`).
    os << source << ":" << d.line << ": INVARIANT VIOLATED after step " << d.step << "\n"
       << "  " << d.invariant << " does not hold\n"
       << "  event:  " << (verbose ? d.event : shorten(d.event, 200)) << "\n"
       << "  after:  " << (verbose ? d.after : shorten(d.after, 300)) << "\n";
  } else {
    os << source << ":" << d.line << ": DIVERGENCE at step " << d.step << "\n"
       << "  " << d.field << ": device " << shorten(d.device, 300) << ", model " << shorten(d.model, 300) << "\n";
    if (!d.before_value.empty()) os << "  before the step: " << shorten(d.before_value, 300) << "\n";
    os << "  event:  " << (verbose ? d.event : shorten(d.event, 200)) << "\n";
  }
  if (!d.rule.empty()) {
    os << "  violates " << d.rule;
    if (auto r = find_requirement(d.rule)) {
      os << " (" << r->value("source", "") << " " << r->value("section", "") << ")\n"
         << "    \"" << r->value("text", "") << "\"\n";
    } else {
      os << "\n";
    }
  }
  if (verbose) os << "  state before the step: " << d.before << "\n";
}

}  // namespace lockref::cli
