// Refusals are refusals: a request the model cannot honour is answered with the reason, never
// by an exception that `lockref eval` folds into {"ok":false,"error":"internal error: ..."}.
// Written to kill the mutants tools/mutate.py found surviving that drop an error check
// (`if (!x) return x.error();`): without it the model reads a value that is not there and
// throws, which a test that only expects {"ok":false} cannot tell from the refusal
// (spec/mutation/report.md).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "external_vectors.hpp"
#include "registry.hpp"
#include "report.hpp"
#include "lockref/core/explore.hpp"
#include "lockref/core/transcript.hpp"
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

TEST_CASE("transcript: a divergence shows the model's state before the step; a corpus of several walks restarts each walk") {
  // README "lockref check": a divergence reports the field, the device's and the model's value,
  // the rule and the model's whole state before the step; `lockref corpus --walks N` writes one
  // header per walk (with "walk"), and each walk starts again in the initial state.
  using lockref::Json, lockref::from_json, lockref::to_json;
  using M = lockref::lock::epoch::Machine;
  const M::Profile p;
  const auto walk = lockref::generate_corpus<M>(p, 11, 6);
  std::vector<std::string> text;
  for (const auto& l : walk) text.push_back(l.dump());
  // the state before step 3: the initial state stepped by the corpus's first two events
  auto s = M::initial(p);
  for (int i = 1; i <= 2; ++i) s = M::step(p, s, from_json<M::Event>(walk[i]["event"]).value()).next;
  Json bad = walk[3];
  bad["expect"]["status"] = bad["expect"]["status"] == "ok" ? "LOCK_EPOCH_SEQUENCE" : "ok";
  auto diverging = text;
  diverging[3] = bad.dump();
  const auto rep = lockref::check_transcript<M>(diverging);
  REQUIRE(rep);
  REQUIRE(rep->divergence);
  CHECK(rep->divergence->step == 3);
  CHECK(rep->divergence->field == "status");
  CHECK(Json::parse(rep->divergence->before) == to_json(s));

  // two walks: the second header names its walk and the same profile; its steps count from 1
  const auto walk2 = lockref::generate_corpus<M>(p, 12, 4);
  auto two = text;
  Json h2 = walk2[0];
  h2["walk"] = 2;
  two.push_back(h2.dump());
  for (std::size_t i = 1; i < walk2.size(); ++i) two.push_back(walk2[i].dump());
  const auto both = lockref::check_transcript<M>(two);
  REQUIRE_MESSAGE(both, (both ? "" : both.error().message));
  CHECK_FALSE(both->divergence);
  CHECK(both->steps == 10);
  // a walk header with another profile is refused: one corpus, one profile
  M::Profile other;
  other.slots = 16;
  h2["profile"] = to_json(other);
  two[walk.size()] = h2.dump();
  const auto mixed = lockref::check_transcript<M>(two);
  REQUIRE_FALSE(mixed);
  CHECK(mixed.error().message.find("its profile differs from the first header's") != std::string::npos);
  // without "walk", a second header after steps is an error
  Json h3 = walk2[0];
  two[walk.size()] = h3.dump();
  const auto no_walk = lockref::check_transcript<M>(two);
  REQUIRE_FALSE(no_walk);
  CHECK(no_walk.error().message.find("header line after the first step") != std::string::npos);
}

TEST_CASE("transcript: a device's differing epoch state field diverges under the requirement that governs it") {
  // `lockref check` names the violated requirement (README); for the epoch machine's state
  // fields (§4.6.4, Tables 4, 15, 53 and 60 of seed 001) these are the catalogue's ids
  // (spec/requirements/lock.json), e.g. "Both must be available ... in order for MEKs to be
  // loaded" (LOCK-4.6.4-1) for mek_load_allowed.
  using lockref::Json;
  using M = lockref::lock::epoch::Machine;
  const M::Profile p;
  const auto walk = lockref::generate_corpus<M>(p, 5, 3);
  const std::vector<std::pair<std::string, std::string>> governed{
      {"hek_metadata", "LOCK-4.7.2.4-T15"},   {"hek_state", "LOCK-4.7.2.21-T53"},
      {"hek_erasures_remaining", "LOCK-4.7.2.21.1"}, {"hek_available", "LOCK-4.6.4.1-T4"},
      {"mek_load_allowed", "LOCK-4.6.4-1"},   {"shippable", "LOCK-T60-5"},
      {"slots", "LOCK-4.6.4.1-2"},            {"perma_hek", "LOCK-4.6.4.2-5"},
      {"sek", "LOCK-4.6.4.2-1"},              {"lifecycle", "LOCK-4.7.2.21-ONEWAY"}};
  for (const auto& [field, id] : governed) {
    INFO(field);
    REQUIRE(walk[1]["state"].contains(field));
    Json line = walk[1];
    Json& v = line["state"][field];
    if (v.is_boolean()) v = !v.get<bool>();
    else if (v.is_number()) v = v.get<int>() + 1;
    else if (v.is_string()) {  // another value of the field's enumeration
      static const std::map<std::string, std::pair<std::string, std::string>> other{
          {"hek_state", {"HEK_AVAIL_PROGRAMMED", "HEK_UNAVAIL_EMPTY"}},
          {"perma_hek", {"set", "unset"}},
          {"sek", {"SEK_PROGRAMMED", "SEK_ZEROIZED"}},
          {"lifecycle", {"production", "unprovisioned"}}};
      const auto& [a, b] = other.at(field);
      v = v == a ? b : a;
    }
    else if (v.is_array()) v.push_back("blank");
    else v["active_slot"] = 99;
    const auto rep = lockref::check_transcript<M>({walk[0].dump(), line.dump()});
    REQUIRE_MESSAGE(rep, (rep ? "" : rep.error().message));
    REQUIRE(rep->divergence);
    CHECK(rep->divergence->field.starts_with("state." + field));
    CHECK(rep->divergence->rule == id);
    CHECK(lockref::cli::find_requirement(id).has_value());
  }
}

}  // namespace LOCKREF_UNITY_ID
