// Refusals are refusals: a request the model cannot honour is answered with the reason, never
// by an exception that `lockref eval` folds into {"ok":false,"error":"internal error: ..."}.
// Written to kill the mutants tools/mutate.py found surviving that drop an error check
// (`if (!x) return x.error();`): without it the model reads a value that is not there and
// throws, which a test that only expects {"ok":false} cannot tell from the refusal
// (spec/mutation/report.md).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "external_vectors.hpp"
#include "registry.hpp"
#include "lockref/core/explore.hpp"
#include "lockref/lock/epoch.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
namespace fs = std::filesystem;
using lockref::Json;
using lockref::testing::try_load_json_file;

namespace {

bool is_hex(const std::string& s) {
  if (s.empty() || s.size() % 2) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

/// Requests near each golden vector: every hex field with its last bit flipped, and cut to
/// half its length (a damaged key, ciphertext, tag or encoding).
std::vector<Json> damaged(const Json& req) {
  std::vector<Json> out;
  for (auto it = req.begin(); it != req.end(); ++it) {
    if (!it->is_string() || !is_hex(it->get<std::string>())) continue;
    std::string h = it->get<std::string>();
    Json flip = req, half = req;
    const char c = h.back();
    h.back() = "0123456789abcdef"[(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10)) ^ 1];
    flip[it.key()] = h;
    half[it.key()] = h.substr(0, h.size() / 4 * 2);
    out.push_back(flip);
    out.push_back(half);
  }
  return out;
}

}  // namespace

TEST_CASE("eval: every refusal near a golden vector carries its reason, never an internal error") {
  const fs::path dir = fs::path(LOCKREF_SOURCE_DIR) / "vectors";
  int asked = 0, refused = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    const Json j = try_load_json_file(e.path());
    if (j.is_discarded() || !j.contains("vectors")) continue;
    for (const auto& v : j["vectors"]) {
      if (!v.contains("request") || !v["request"].is_object()) continue;
      std::vector<Json> reqs = damaged(v["request"]);
      reqs.push_back(v["request"]);
      for (const auto& r : reqs) {
        ++asked;
        const Json got = lockref::cli::eval_request(r);
        if (got.value("ok", true)) continue;
        ++refused;
        const std::string err = got.value("error", "");
        INFO(e.path().filename().string() << " " << v.value("id", "?") << "\n  request: " << r.dump());
        CHECK_FALSE(err.empty());
        CHECK(err.rfind("internal error", 0) == std::string::npos);
      }
    }
  }
  CHECK(asked > 500);
  CHECK(refused > 100);
}


TEST_CASE("explore: a diagram title with a double quote stays one DOT string (Graphviz ID syntax)") {
  // Graphviz DOT language: a double-quoted ID may contain a double quote only escaped as \".
  const lockref::lock::epoch::Profile p;
  const auto ex = lockref::explore<lockref::lock::epoch::Machine>(p, 50);
  const auto dot = lockref::to_dot<lockref::lock::epoch::Machine>(p, ex, "say \"hi\"");
  CHECK(dot.rfind("digraph \"say \\\"hi\\\"\" {", 0) == 0);
}

}  // namespace LOCKREF_UNITY_ID
