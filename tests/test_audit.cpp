// Checks the normative audit (issue 16) found weak or missing: the HEK seed fuse register
// MCU ROM fills (Figure 18), and the seed text behind E-LOCK-SALT-64. Known answers come
// from the seed (Table 4, read by hand below) and from the independent Python oracle
// (vectors/lock-rev09-derivations.json).
#include <doctest/doctest.h>

#include <string>

#include "external_vectors.hpp"
#include "lockref/core/explore.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/lock/keys.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace ep = lockref::lock::epoch;

namespace {

/// A vector of lock-rev09-derivations.json by id.
Json derivation(const std::string& id) {
  const Json file = testing::load_vectors("lock-rev09-derivations.json");
  for (const auto& v : file["vectors"])
    if (v["id"] == id) return v;
  FAIL("no vector " << id);
  return {};
}

/// Table 4 read by hand: the "HEK seed value" column, with x the current slot (the last
/// slot that is not blank). Production, x randomized: slot x; every other row: 0x0000...
/// (Unprovisioned or Manufacturing with any fuses, perma-HEK) or N/A, where Figure 18 says
/// "If the HEK seed is not randomized, MCU ROM shall populate the HEK seed fuse register
/// with all-zeroes".
std::optional<std::size_t> table4_seed_slot(const ep::State& s) {
  if (s.lifecycle != ep::Lifecycle::production || s.perma_hek == ep::PermaHek::set) return std::nullopt;
  std::size_t x = s.slots.size();
  while (x > 0 && s.slots[x - 1] == ep::Slot::blank) --x;
  if (x == 0 || s.slots[x - 1] != ep::Slot::randomized) return std::nullopt;
  return x - 1;
}

}  // namespace

TEST_CASE("epoch: MCU ROM fills the HEK seed fuse register with all-zeroes unless the current slot is randomized") {
  // Every reachable state of a 4-slot bank, fuse writes allowed before Production too, so
  // that a randomized slot in Manufacturing (Table 4 row 1: "[Any]" -> 0x0000) is reached.
  ep::Profile p;
  p.slots = 4;
  p.preproduction_fuse_writes = true;
  const auto ex = explore<ep::Machine>(p);
  REQUIRE(ex.violations.empty());

  const Json hek = derivation("hek"), zero = derivation("hek-unrandomized-seed");
  const Bytes cdi = testing::unhex(hek["request"]["idevid_cdi"]);
  REQUIRE(testing::unhex(zero["request"]["idevid_cdi"]) == cdi);
  const Bytes seed = testing::unhex(hek["request"]["hek_seed"]);
  REQUIRE(seed != Bytes(32, 0));
  // Slot k is randomized with the oracle's seed with its last byte replaced by k: the
  // register must say which slot it read.
  std::vector<ep::HekSeed> seeds(p.slots);
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    std::copy(seed.begin(), seed.end(), seeds[k].begin());
    if (k) seeds[k][31] = static_cast<std::uint8_t>(k);
  }
  const lock::rev09::Profile keys{};
  int zeroes = 0, seeded = 0, preproduction_randomized = 0;
  for (const auto& s : ex.states) {
    const auto reg = ep::hek_seed_register(s, seeds);
    const Bytes got(reg.begin(), reg.end());
    const auto x = table4_seed_slot(s);
    if (!x) {
      ++zeroes;
      CHECK_MESSAGE(got == Bytes(32, 0), to_json(s).dump());
      // Figure 18: the HEK is the KDF of the all-zero seed (oracle known answer)
      CHECK(lock::rev09::hek(keys, cdi, got) == testing::unhex(zero["expect"]["hek"]));
      preproduction_randomized += s.lifecycle != ep::Lifecycle::production &&
                                  std::find(s.slots.begin(), s.slots.end(), ep::Slot::randomized) != s.slots.end();
    } else {
      ++seeded;
      CHECK_MESSAGE(got == Bytes(seeds[*x].begin(), seeds[*x].end()), to_json(s).dump());
      if (*x == 0) CHECK(lock::rev09::hek(keys, cdi, got) == testing::unhex(hek["expect"]["hek"]));
    }
  }
  CHECK(zeroes > 0);
  CHECK(seeded >= 4);  // each slot once randomized in Production
  CHECK(preproduction_randomized > 0);
}

TEST_CASE("errata: E-LOCK-SALT-64 Figures 44, 45, 46 and 49 draw a 64-bit AES salt, §4.6.1.4 a 96-bit one") {
  // The figure text as the normative index holds it (tools/normative_index.py, from the
  // seed's layout text).
  const Json idx = testing::load_json_file(std::filesystem::path(LOCKREF_SOURCE_DIR) / "spec" / "normative" /
                                           "001_30ed4cd62c635f55.json");
  std::map<std::string, std::string> figure;  // "Figure 44" -> text
  std::string prose;
  for (const auto& e : idx["sentences"]) {
    if (e.value("kind", "") == "figure") figure[e.value("where", "")] = e.value("text", "");
    if (e.value("section", "") == "4.6.1.4" && e.value("kind", "") == "sentence") prose += e.value("text", "") + " ";
  }
  for (const char* f : {"Figure 44", "Figure 45", "Figure 46", "Figure 49"}) {
    INFO(f);
    REQUIRE(figure.count(f));
    CHECK(figure[f].find("Get random 64-bit AES salt") != std::string::npos);
    CHECK(figure[f].find("Get random 96-bit AES IV") != std::string::npos);
  }
  for (const char* f : {"Figure 4", "Figure 5"}) {
    INFO(f);
    CHECK(figure[f].find("96-bit salt") != std::string::npos);
    CHECK(figure[f].find("64-bit") == std::string::npos);
  }
  // No other figure draws a 64-bit salt.
  int n64 = 0;
  for (const auto& [name, text] : figure) n64 += text.find("64-bit AES salt") != std::string::npos;
  CHECK(n64 == 4);
  // lockref requires Table 55's u8[12] (96 bits) and refuses 8 bytes (tests/test_lock_keys.cpp).
  const lock::rev09::Profile p{};
  const Bytes key(64, 0x11), iv(12, 0x22), pt(32, 0x33);
  CHECK_FALSE(lock::rev09::preconditioned_aes_encrypt(p, key, to_bytes("l"), Bytes(8, 1), iv, {}, pt));
  CHECK(lock::rev09::preconditioned_aes_encrypt(p, key, to_bytes("l"), Bytes(12, 1), iv, {}, pt));
}

}  // namespace LOCKREF_UNITY_ID
