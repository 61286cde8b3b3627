// Golden vectors (vectors/*.json). Every entry shaped {"request": {...}, "expect": {...}}
// is an eval request and the answer fields it must produce; this replays them all
// in-process through the same dispatcher as `lockref eval`. Expected values come from
// the seeds or independent implementations (each file and entry records provenance).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "external_vectors.hpp"
#include "registry.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
namespace fs = std::filesystem;
using lockref::Json;
using lockref::testing::try_load_json_file;

TEST_CASE("vectors: every vector file records provenance") {
  const fs::path dir = fs::path(LOCKREF_SOURCE_DIR) / "vectors";
  REQUIRE(fs::exists(dir));
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    ++files;
    const Json j = try_load_json_file(e.path());
    INFO(e.path().filename().string());
    REQUIRE_FALSE(j.is_discarded());
    CHECK(j.contains("provenance"));
    REQUIRE(j.contains("vectors"));
    REQUIRE(j["vectors"].is_array());
    CHECK(!j["vectors"].empty());
    for (const auto& v : j["vectors"]) {
      INFO(v.value("id", "<no id>"));
      CHECK(v.contains("id"));
      CHECK(v.contains("provenance"));
    }
  }
  CHECK(files >= 1);
}

TEST_CASE("vectors: every eval-shaped golden vector agrees") {
  const fs::path dir = fs::path(LOCKREF_SOURCE_DIR) / "vectors";
  int replayed = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    const Json j = try_load_json_file(e.path());
    if (j.is_discarded() || !j.contains("vectors")) continue;
    for (const auto& v : j["vectors"]) {
      if (!v.contains("request") || !v.contains("expect")) continue;
      ++replayed;
      const Json got = lockref::cli::eval_request(v["request"]);
      INFO(e.path().filename().string() << " " << v.value("id", "?") << "\n  request: " << v["request"].dump()
                                        << "\n  answer:  " << got.dump());
      for (auto& [k, x] : v["expect"].items()) {
        INFO("field " << k);
        REQUIRE(got.contains(k));
        CHECK(got[k] == x);
      }
    }
  }
  CHECK(replayed > 0);
}

}  // namespace LOCKREF_UNITY_ID
