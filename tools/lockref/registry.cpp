#include "registry.hpp"

#include <algorithm>
#include <cstdlib>
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

Result<std::uint64_t> Args::get_uint(const std::string& k, std::uint64_t def) const {
  auto it = options.find(k);
  if (it == options.end()) return def;
  const auto& s = it->second;
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
    return make_error("--" + k + ": expected a non-negative integer, got \"" + s + "\"");
  return std::stoull(s);
}

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

void print_divergence(std::ostream& os, const std::string& source, const Divergence& d) {
  if (!d.invariant.empty()) {
    os << source << ":" << d.line << ": INVARIANT VIOLATED after step " << d.step << "\n"
       << "  before: " << d.before << "\n"
       << "  event:  " << d.event << "\n"
       << "  after:  " << d.after << "\n"
       << "  " << d.invariant << " does not hold\n";
  } else {
    os << source << ":" << d.line << ": DIVERGENCE at step " << d.step << "\n"
       << "  before: " << d.before << "\n"
       << "  event:  " << d.event << "\n"
       << "  " << d.field << ": device " << d.device << ", model " << d.model << "\n";
  }
  if (d.rule.empty()) return;
  os << "  violates " << d.rule;
  if (auto r = find_requirement(d.rule)) {
    os << " (" << r->value("source", "") << " " << r->value("section", "") << ")\n"
       << "    \"" << r->value("text", "") << "\"\n";
  } else {
    os << "\n";
  }
}

}  // namespace lockref::cli
