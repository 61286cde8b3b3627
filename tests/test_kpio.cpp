// The Key Per I/O TPer (seed 002): the §4 state tables as vectors, the §3.2 procedures as
// scenarios whose wire bytes are the §3.3/§3.4 vectors of the seed, and the errata.
#include <doctest/doctest.h>

#include <map>

#include "external_vectors.hpp"
#include "lockref/kpio/tables.hpp"
#include "lockref/opal/drive.hpp"

using namespace lockref;
using namespace lockref::kpio;

namespace {

const Json& vec(const std::string& file, const std::string& id) {
  static std::map<std::string, Json> files;
  if (!files.count(file)) files[file] = lockref::testing::load_vectors(file);
  for (const auto& v : files[file]["vectors"])
    if (v["id"] == id) return v;
  static const Json none;
  FAIL("no vector " << id);
  return none;
}
/// The ComPacket bytes of a seed table (its encode vector's expected hex).
Bytes table_bytes(int table) {
  const std::string base = "kpio-table" + std::to_string(table);
  for (const auto* suffix : {"-encode", "-sp3-compacket"}) {
    const auto all = lockref::testing::load_vectors("tcg-seed002.json");
    for (const auto& v : all["vectors"])
      if (v["id"] == base + suffix) return *from_hex(v["expect"]["hex"].get<std::string>());
  }
  const auto sp2 = lockref::testing::load_vectors("tcg-sp02-seed002.json");
  for (const auto& v : sp2["vectors"])
    if (v["id"] == base + "-decode") return *from_hex(v["request"]["hex"].get<std::string>());
    else if (v["id"] == base + "-encode") return *from_hex(v["expect"]["hex"].get<std::string>());
  FAIL("no bytes for Table " << table);
  return {};
}

Json named_event(Json e) {
  if (e.contains("key") && e["key"].is_string()) {
    auto [k1, k2] = named_key(e["key"].get<std::string>());
    if (e["type"] == "import_mek") {
      e["key1"] = to_hex(k1);
      e["key2"] = to_hex(k2);
      e.erase("key");
    } else {
      e["key"] = to_hex(k1);
    }
  }
  return e;
}

struct Tper {
  Profile p;
  State s;
  explicit Tper(Profile pr = {}) : p(std::move(pr)), s(Machine::initial(p)) {}
  Output send(int protocol, const Bytes& b, std::uint32_t nsid = 0) {
    auto r = Machine::step(p, s, Send{static_cast<std::uint8_t>(protocol), b, nsid});
    s = r.next;
    return r.out;
  }
  Output step(const Event& e) {
    auto r = Machine::step(p, s, e);
    s = r.next;
    return r.out;
  }
  /// Sends seed Table `in` and requires the answer to be seed Table `out`, byte for byte.
  void exchange(int in, int out, int protocol = 1) {
    CAPTURE(in);
    auto o = send(protocol, table_bytes(in));
    CHECK(o.status == "ok");
    CHECK(to_hex(o.response) == to_hex(table_bytes(out)));
  }
};

}  // namespace

// ---- §4 state tables --------------------------------------------------------------------

TEST_CASE("kpio: every state table of §4 (Tables 71-108) is reproduced exactly") {
  const auto all = lockref::testing::load_vectors("kpio-state-tables.json");
  REQUIRE(all["vectors"].size() == 19);
  for (const auto& v : all["vectors"]) {
    const std::string id = v["id"];
    CAPTURE(id);
    const Profile p = profile_section4(v["kpiosc"].get<std::uint8_t>());
    std::map<Bytes, std::string> names;
    State s;
    const bool kek_table = v["before"][0].contains("kek");
    if (kek_table) {
      auto rows = from_json<std::vector<kpio::KekRow>>(v["before"]);
      REQUIRE(rows.ok());
      s = *build_from_keks(p, *rows);
      auto got = render_keks(s);
      got.resize(rows->size());
      CHECK(got == *rows);  // the builder reproduces the before table
    } else {
      auto rows = from_json<std::vector<NsRow>>(v["before"]);
      REQUIRE(rows.ok());
      auto pol = from_json<Policies>(v["policies"]);
      REQUIRE(pol.ok());
      auto b = build_from_namespaces(p, *rows, *pol, names);
      REQUIRE(b.ok());
      s = *b;
      const auto again = render_namespaces(p, s, names);
      for (std::size_t i = 0; i < rows->size(); ++i) CHECK(same_row(again[i], (*rows)[i]));
    }
    for (const auto& ej : v["ops"]) {
      auto e = from_json<Event>(named_event(ej));
      REQUIRE_MESSAGE(e.ok(), e.error().message);
      auto r = Machine::step(p, s, *e);
      CHECK_MESSAGE(r.out.is_ok(), ej.dump() << " -> " << to_json(r.out).dump());
      s = r.next;
    }
    for (const auto& ej : v["ops"])
      if (ej["type"] == "import_mek") names[named_key(ej["key"].get<std::string>()).first] = ej["key"];
    if (kek_table) {
      auto after = from_json<std::vector<kpio::KekRow>>(v["after"]);
      REQUIRE(after.ok());
      auto got = render_keks(s);
      got.resize(after->size());
      CHECK(got == *after);
    } else {
      auto after = from_json<std::vector<NsRow>>(v["after"]);
      REQUIRE(after.ok());
      const auto got = render_namespaces(p, s, names);
      REQUIRE(got.size() == after->size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(to_json(got[i]).dump());
        CAPTURE(to_json((*after)[i]).dump());
        CHECK(same_row(got[i], (*after)[i]));
      }
    }
  }
}

// ---- §3.2 procedures at the wire ----------------------------------------------------------

TEST_CASE("kpio: §3.2.1.3 Properties - Table 3 in, Table 4 out") {
  Tper t;
  t.exchange(3, 4);
  REQUIRE(t.s.sm.host_properties.size() == 8);
  CHECK(Machine::kmip_batch_items(t.p, t.s) == 2);
}

TEST_CASE("kpio: §3.2.2-§3.2.4 take ownership, activate, change Admin1 PIN - Tables 6-21") {
  Tper t;
  // §3.2.2: Anybody session, Get MSID, EOS; SID session with MSID, Set SID PIN, EOS.
  t.exchange(10, 6);
  t.exchange(11, 12);
  t.exchange(8, 9);
  t.exchange(13, 6);
  t.exchange(14, 7);
  t.exchange(8, 9);
  CHECK(t.s.sid.pin == "new_SID_password");
  CHECK(Machine::observe(t.p, t.s).owned);
  // §3.2.3: SID session, LifeCycle = Manufactured-Inactive (8), Activate, EOS.
  t.exchange(15, 6);
  t.exchange(16, 17);
  t.exchange(18, 19);
  t.exchange(8, 9);
  CHECK(t.s.kpio_active);
  CHECK(t.s.admin1.pin == "new_SID_password");  // §3.3.6 note: Admin1 gets the SID PIN
  // §3.2.4: Admin1 session with the SID PIN (Table 20), Set Admin1 PIN (Table 21).
  t.exchange(20, 6);
  t.exchange(21, 7);
  t.exchange(8, 9);
  CHECK(t.s.admin1.pin == "new_Admin1_password");
}

namespace {
/// The TPer of the §3.3/§3.4 scenarios: Table 1's, but with two key tags per namespace —
/// Tables 31 and 62 use KeyTag 1, which Table 1's "one Key Tag per Namespace" does not have
/// (E-KPIO-KEYTAG-1).
Profile scenario_profile() {
  Profile p;
  p.max_key_tags_per_namespace = 2;
  p.default_key_tags = 2;
  p.total_key_tags = 4;
  return p;
}
/// A TPer owned, activated, Admin1's PIN "Admin1_password" (Table 5's), properties exchanged.
Tper configured() {
  Tper t(scenario_profile());
  t.exchange(3, 4);
  REQUIRE(t.step(TakeOwnership{}).status == "ok");
  REQUIRE(t.step(ActivateSp{}).status == "ok");
  REQUIRE(t.step(SetColumn{"C_PIN_Admin1", "PIN", "Admin1_password", std::nullopt}).status == "ok");
  return t;
}
void admin1_set(Tper& t, int table, int reply = 7) {
  t.exchange(5, 6);
  t.exchange(table, reply);
  t.exchange(8, 9);
}
}  // namespace

TEST_CASE("kpio: §3.2.5-§3.2.17 configuration and key injection - Tables 5, 22-29, 40-64") {
  Tper t = configured();
  admin1_set(t, 22);  // §3.2.5 Managed = TRUE for NS1
  CHECK(t.s.allocations[0].managed);
  // §3.2.6 Key Injection Interface: lock it first (a, §3.2.6), then Table 23 unlocks it.
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLockEnabled", true, std::nullopt}).is_ok());
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLocked", true, std::nullopt}).is_ok());
  CHECK(t.send(3, table_bytes(40)).status == "PermissionDenied");  // locked: no injection
  admin1_set(t, 23);
  CHECK_FALSE(Machine::kii_locked(t.s));
  // §3.2.11 plaintext KEK into the empty KeyEncryptionKey1 (Table 40 -> 42).
  t.exchange(40, 42, 3);
  CHECK(t.s.keks[0].key_set);
  CHECK(t.s.keks[0].kmip_uid == "c51a6ce0-e11c-4320-80c2-f1f270d2368e");
  // §3.2.11 (c) no longer holds: a second plaintext KEK needs (a) or (b).
  CHECK(t.send(3, table_bytes(40)).status == "PermissionDenied");
  admin1_set(t, 27);  // (b) NULLKeyEncryptionKey for KEK1 (Table 27)
  t.exchange(40, 42, 3);
  admin1_set(t, 26);  // (a) PlaintextKEKProgrammingEnabled (Table 26)
  t.exchange(40, 42, 3);
  // §3.2.7 access lock: a KEK wrapped with a locked KEK is refused; Table 24 unlocks.
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLockEnabled", true, std::nullopt}).is_ok());
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLocked", true, std::nullopt}).is_ok());
  // §3.2.13 KEK2 wrapped with KEK1 (Table 48 allows it; Tables 49 -> 51).
  admin1_set(t, 48);
  CHECK(t.send(3, table_bytes(49)).status == "PermissionDenied");
  admin1_set(t, 24);
  t.exchange(49, 51, 3);
  CHECK(t.s.keks[1].key_set);
  // §3.2.8 associate KEK1 with NS1 (Table 25); §3.2.17 the XTS MEK of Table 62 (61 -> 63).
  admin1_set(t, 25);
  t.exchange(61, 63, 3);
  REQUIRE(t.s.cache.size() == 2);  // NS2's factory MEK and the new one
  const auto mek = std::find_if(t.s.cache.begin(), t.s.cache.end(), [](const CacheEntry& c) { return !c.factory; });
  CHECK(mek->nsid == 1);
  CHECK(mek->key_tag == 1);  // Table 62: KeyTag 1
  // §3.2.14 / §3.2.15 PKI settings (Tables 28, 29) and §3.4.5 certificate reads (53-56).
  admin1_set(t, 28);
  admin1_set(t, 29);
  t.exchange(5, 6);
  t.exchange(53, 54);
  t.exchange(55, 56);
  t.exchange(8, 9);
  // §3.2.12 replace KEK1 with a KEK wrapped by KEK1 (Table 44 -> 46); the row's KMIP UID follows.
  t.exchange(44, 46, 3);
  CHECK(t.s.keks[0].kmip_uid == "aff7a01b-7a5d-4d0f-a3d3-e6a9fd8020b6");
  CHECK(to_hex(t.s.keks[0].key) == lockref::testing::load_vectors("kpio-key-wrap.json")["vectors"][1]["expect"]["key"].get<std::string>());
}

TEST_CASE("kpio: §3.2.16 PKI KEK - Table 58 needs the device's private key (E-KPIO-PKI-KEY)") {
  Tper t = configured();
  admin1_set(t, 28);
  // The seed's KeyValue is encrypted to the certificate of Table 56, whose private key is not
  // published: the model (any model) cannot decrypt it.
  auto o = t.send(3, table_bytes(57));
  CHECK(o.status == "CryptographicFailure");
  CHECK(o.kmip_result_reason == std::optional<std::string>("CryptographicFailure"));
  // The same message with its KeyValue encrypted to lockref's test key (python3-cryptography's
  // OAEP output, vectors/kpio-rsa-oaep.json) is accepted and answered with Table 59.
  const auto v = lockref::testing::load_vectors("kpio-rsa-oaep.json")["vectors"][0];
  const Bytes seed_req = table_bytes(57);
  const Bytes old_value = *from_hex(v["seed_key_value"].get<std::string>());
  const Bytes new_value = *from_hex(v["ciphertext"].get<std::string>());
  Bytes req = seed_req;
  auto at = std::search(req.begin(), req.end(), old_value.begin(), old_value.end());
  REQUIRE(at != req.end());
  std::copy(new_value.begin(), new_value.end(), at);
  auto ok = t.send(3, req);
  CHECK(ok.status == "ok");
  CHECK(to_hex(ok.response) == to_hex(table_bytes(59)));
  CHECK(to_hex(t.s.keks[0].key) == v["plaintext"].get<std::string>());
}

TEST_CASE("kpio: §3.2.18 KEK wrapped with KEK and nonce - Tables 65-69") {
  Tper t = configured();
  t.exchange(40, 42, 3);  // KEK1 (plaintext, empty row)
  admin1_set(t, 48);      // KEK2 may be wrapped by KEK1
  admin1_set(t, 65);      // ReplayProtectionEnabled
  CHECK(Machine::observe(t.p, t.s).replay_protection_enabled);
  // Without a nonce the injection is refused; AES-KW is refused too (KPIO-3.4.7-1).
  CHECK(t.send(3, table_bytes(67)).status == "CryptographicFailure");
  CHECK(t.send(3, table_bytes(49)).status == "PermissionDenied");
  // Get Nonce returns Table 66's nonce; then Table 67 -> Table 69.
  const Bytes nonce = *from_hex("01020304050607080910111213141516");
  auto g = t.step(GetNonce{nonce});
  CHECK(to_hex(g.response) == vec("tcg-sp02-seed002.json", "kpio-table66-get-nonce")["request"]["hex"].get<std::string>());
  t.exchange(67, 69, 3);
  CHECK(t.s.keks[1].key_set);
  // The nonce was used: the same message again is refused (replay).
  CHECK(t.send(3, table_bytes(67)).status == "CryptographicFailure");
}

TEST_CASE("kpio: §3.2.19-§3.2.22 clear commands and reverts - Tables 30-39") {
  Tper t = configured();
  admin1_set(t, 22);
  t.exchange(40, 42, 3);
  admin1_set(t, 25);
  t.exchange(61, 63, 3);
  REQUIRE(Machine::observe(t.p, t.s).key_cache == std::vector<std::string>{"NS1:KT1", "NS2:factory"});
  // Clear Single MEK is refused until ClearSingleMEKAllowed is TRUE (E-KPIO-CLEAR-POLARITY).
  CHECK(t.send(2, table_bytes(31), 1).sp2_status == std::optional<std::uint32_t>(sp2_not_allowed));
  admin1_set(t, 30);  // ClearSingleMEKAllowed = TRUE
  auto o = t.send(2, table_bytes(31), 1);  // Table 31: key tag 1 of the command's namespace
  CHECK(o.status == "ok");
  CHECK(to_hex(o.response) == to_hex(table_bytes(32)));
  CHECK(Machine::observe(t.p, t.s).key_cache == std::vector<std::string>{"NS2:factory"});
  admin1_set(t, 33);  // ClearAllMEKsAllowed = TRUE
  auto c = t.send(2, table_bytes(34), 1);
  CHECK(c.status == "ok");
  CHECK(to_hex(c.response) == to_hex(table_bytes(35)));
  // §3.2.21 Revert the Key Per I/O SP (Table 36 -> 37) in an SID session; the session ends.
  t.exchange(15, 6);
  t.exchange(36, 37);
  CHECK_FALSE(t.s.sm.session.has_value());
  CHECK_FALSE(t.s.kpio_active);
  for (const auto& k : t.s.keks) CHECK_FALSE(k.key_set);
  // §3.2.22 Revert the TPer (Table 38 -> 39): SID back to MSID.
  t.exchange(15, 6);
  t.exchange(38, 39);
  CHECK(t.s.sid.pin == t.p.msid);
}
