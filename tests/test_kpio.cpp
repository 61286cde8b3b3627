// The Key Per I/O TPer (seed 002): the §4 state tables as vectors, the §3.2 procedures as
// scenarios whose wire bytes are the §3.3/§3.4 vectors of the seed, and the errata.
#include <doctest/doctest.h>

#include <array>
#include <functional>
#include <map>
#include <random>

#include "external_vectors.hpp"
#include "lockref/kpio/describe.hpp"
#include "lockref/kpio/discovery.hpp"
#include "lockref/kpio/tables.hpp"
#include "lockref/opal/drive.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
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
/// Seed 002 Table 1: the Level 0 Discovery response of the note's TPer.
Bytes table1_level0() { return *from_hex(vec("tcg-level0-seed002.json", "kpio-table1-parse")["request"]["hex"].get<std::string>()); }
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
    KeyNames names;
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
      if (ej["type"] == "import_mek") names[to_hex(named_key(ej["key"].get<std::string>()).first)] = ej["key"];
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

TEST_CASE("kpio: the §4 table builders refuse malformed tables, and same_row compares every cell") {
  const auto find = [](const std::string& id) -> const Json& { return vec("kpio-state-tables.json", id); };
  // Table 75: NS1-NS4 managed (KEK1, KEK1, KEK2, KEK1), three MEKs each; NS5 not managed.
  const auto v75 = find("kpio-table75-to-table76");
  const Profile p = profile_section4(v75["kpiosc"].get<std::uint8_t>());
  const auto rows = from_json<std::vector<NsRow>>(v75["before"]).value();
  const auto pol = from_json<Policies>(v75["policies"]).value();
  KeyNames names;
  const auto built = build_from_namespaces(p, rows, pol, names);
  REQUIRE(built.ok());
  // The documented conventions: Admin1's PIN "Admin1_password", an injected KEK under KMIP UID
  // "KEKn", one Key Cache entry per MEK the table names (no "Empty" entries, nothing of the
  // initial state's factory cache left over).
  CHECK(built->admin1.pin == "Admin1_password");
  CHECK(built->keks[0].kmip_uid == "KEK1");
  CHECK(built->keks[1].kmip_uid == "KEK2");
  std::size_t named = 0;
  for (const auto& r : rows)
    for (const auto& w : kpio::tables::slots(r.cache)) named += w != "Empty";
  CHECK(built->cache.size() == named);
  // The TPer of the §4 examples: 7 namespaces (NS1-NS7), "the Number of Key Tags Supported
  // per Namespace is 4" (§4.2.5, Table 79), KEK1-KEK5 (Table 93), so 28 key tags in all.
  CHECK(p.namespaces == 7u);
  CHECK(p.max_key_tags_per_namespace == 4u);
  CHECK(p.keks == 5u);
  CHECK(p.total_key_tags == 28u);
  // Refusals, each naming what is wrong.
  auto fewer = rows;
  fewer.pop_back();
  CHECK(build_from_namespaces(p, fewer, pol, names).error().message == "the table has " + std::to_string(fewer.size()) + " namespaces");
  auto renamed = rows;
  renamed[1].ns = "NS9";
  CHECK(build_from_namespaces(p, renamed, pol, names).error().message == "row 2 is NS9");
  // Not "KEK" and a row number from 1 to the TPer's KEKs: refused, not thrown (from_chars
  // refuses a sign, no digits, trailing text and a number beyond 32 bits).
  for (const std::string& kek : {std::string("KEK0"), "KEK" + std::to_string(p.keks + 1), std::string("XYZ1"), std::string("KEKX"),
                                 std::string("KEK"), std::string("KEK+1"), std::string("KEK1x"), std::string("KEK4294967297")}) {
    auto bad = rows;
    bad[0].allowed = kek;
    CHECK(build_from_namespaces(p, bad, pol, names).error().message == "unknown KEK " + kek);
  }
  // A table with an Empty slot between two MEKs: the Empty slot makes no cache entry.
  auto holes = rows;
  holes[0].cache = "KPIO-MEK1 Empty KPIO-MEK3";
  CHECK(build_from_namespaces(p, holes, pol, names)->cache.size() == named - 1);
  // same_row: equal cell by cell, trailing Empty slots of the Key Cache aside; any one other
  // cell makes the rows differ.
  const NsRow r{"NS1", "KT0", "TRUE", "KEK1", "MEK1"};
  CHECK(same_row(r, NsRow{"NS1", "KT0", "TRUE", "KEK1", "MEK1 Empty"}));
  for (std::string NsRow::*cell : {&NsRow::ns, &NsRow::key_tags, &NsRow::managed, &NsRow::allowed, &NsRow::cache}) {
    NsRow o = r;
    o.*cell = "other";
    CHECK_FALSE(same_row(r, o));
    CHECK_FALSE(same_row(o, r));
  }
  // A factory MEK has no key tag: the view lists it after the key tag slots, wherever it sits
  // in the cache (here NS1's three MEKs, then Factory-MEK1).
  State with_factory = *built;
  auto [f1, f2] = named_key("Factory-MEK1");
  names[to_hex(f1)] = "Factory-MEK1";
  with_factory.cache.push_back(CacheEntry{1, 0, true, f1, f2});
  CHECK(render_namespaces(p, with_factory, names)[0].cache == rows[0].cache + " Factory-MEK1");
  // An MEK the names do not know: "MEK(" and the first four bytes of its first half, in hex.
  State unnamed = *built;
  unnamed.cache[0].key1 = Bytes{0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89};
  CHECK(tables::slots(render_namespaces(p, unnamed, names)[0].cache)[0] == "MEK(abcdef01)");

  // §4.2.1 Table 71, before activation: every namespace holds its factory MEK and nothing else
  // is set; built from the table, that is exactly the TPer's initial state (one factory entry a
  // namespace, no key tags, no allowed KEKs, Admin1 without a PIN).
  const auto v71 = find("kpio-table71-to-table72");
  const Profile p71 = profile_section4(v71["kpiosc"].get<std::uint8_t>());
  KeyNames names71;
  const auto built71 = build_from_namespaces(p71, from_json<std::vector<NsRow>>(v71["before"]).value(), Policies{}, names71);
  REQUIRE(built71.ok());
  CHECK_FALSE(built71->kpio_active);
  CHECK(*built71 == Machine::initial(p71));

  // Tables 103-108: a KEK row with Access Locked TRUE is built locked, and renders back.
  const std::vector<KekRow> keks{{"KEK1", "{Power Cycle}", "TRUE", "TRUE"}};
  const auto k = build_from_keks(p, keks);
  REQUIRE(k.ok());
  CHECK(k->kpio_active);  // §4.3.4-§4.3.6: the KeyEncryptionKey Table of an activated SP
  CHECK(k->keks[0].access_locked);
  CHECK(k->admin1.pin == "Admin1_password");
  CHECK(render_keks(*k)[0] == keks[0]);
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

// ---- the session layer's refusals ---------------------------------------------------------

TEST_CASE("tcg session: StartSession refusals, read-only sessions, Tries, End of Session") {
  Tper t = configured();
  // a wrong Admin1 PIN: NOT_AUTHORIZED in the SyncSession status, Tries counted
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "ClearAllMEKsAllowed", true, std::string("not-the-pin")}).status == "NOT_AUTHORIZED");
  CHECK(t.s.admin1.tries == 1);
  CHECK_FALSE(t.s.sm.session.has_value());
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "ClearAllMEKsAllowed", true, std::nullopt}).is_ok());
  CHECK(t.s.admin1.tries == 0);  // a success resets Tries (tcg/credential.hpp)
  // one session at a time (Table 4 MaxSessions = 1)
  t.exchange(5, 6);
  auto second = t.send(1, table_bytes(5));
  CHECK(second.status == "NO_SESSIONS_AVAILABLE");
  t.exchange(8, 9);
  // a read-only session may Get but not Set
  using tcg::Value;
  Json ro = tcg::item_to_json(tcg::MethodCall{tcg::uid_bytes(tcg::uid_of("SMUID")), tcg::uid_bytes(tcg::uid_of("StartSession")),
      {Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(tcg::uid_of("KeyPerIOSP"))), Value::of_uint(0),
       Value::of_name(Value::of_uint(0), Value::of_bytes(to_bytes("Admin1_password"))),
       Value::of_name(Value::of_uint(3), Value::of_bytes(tcg::uid_bytes(tcg::uid_of("Admin1"))))}, {0, 0, 0}});
  REQUIRE(t.step(Call{0, 0, ro}).is_ok());
  auto set = t.send(1, table_bytes(22));
  CHECK(set.status == "NOT_AUTHORIZED");
  CHECK_FALSE(t.s.allocations[0].managed);
  // a packet for another session is not answered
  CHECK(t.step(Call{0x2002, 7, "end_of_session"}).status == "NO_SESSION");
  t.exchange(8, 9);
  // the Key Per I/O SP refuses sessions while Manufactured-Inactive
  Tper fresh;
  CHECK(fresh.send(1, table_bytes(5)).status == "SP_DISABLED");
}

TEST_CASE("tcg session: describe_item reads a captured call as a person does") {
  auto items = tcg::decode_items(tcg::decode_compacket(table_bytes(22))->packets[0].subpackets[0].payload);
  REQUIRE(items.ok());
  CHECK(tcg::describe_item((*items)[0]) == "KeyTagAllocation1.Set[1 = [4 = 1]]");
  auto sync = tcg::decode_items(tcg::decode_compacket(table_bytes(6))->packets[0].subpackets[0].payload);
  CHECK(tcg::describe_item((*sync)[0]) == "SMUID.SyncSession[1, 4097]");
}

// ---- KMIP validation ----------------------------------------------------------------------

TEST_CASE("kpio: KMIP requests are validated with the result reason a KMIP server returns") {
  Tper t = configured();
  const Bytes good = table_bytes(40);
  auto req = *kmip::decode_prefix(tcg::decode_raw_compacket(good)->data);
  auto send = [&](const kmip::Item& m) {
    return t.send(3, tcg::encode_raw_compacket(0x0801, 0, *kmip::encode(m)));
  };
  auto edit = [&](auto f) {
    kmip::Item m = req.first;
    f(m);
    return send(m);
  };
  auto header = [](kmip::Item& m) -> kmip::Item& { return m.children[0]; };
  // "Protocol version required"
  CHECK(edit([&](kmip::Item& m) { header(m).children.erase(header(m).children.begin()); }).kmip_result_reason ==
        std::optional<std::string>("InvalidMessage"));
  // protocol 1.4 is not the note's 2.1
  CHECK(edit([&](kmip::Item& m) { header(m).children[0].children[0].num = 1; }).kmip_result_reason ==
        std::optional<std::string>("UnsupportedProtocolVersion"));
  // "BatchCount required" / BatchCount must count the items
  CHECK(edit([&](kmip::Item& m) { header(m).children[1].num = 2; }).kmip_result_reason == std::optional<std::string>("InvalidMessage"));
  // "BatchErrorContinuationOption shall not be present if BatchCount <= 1"
  CHECK(edit([&](kmip::Item& m) { header(m).children.push_back(kmip::Item{0x42000E, kmip::ItemType::enumeration, 1, {}, {}}); })
            .kmip_result_reason == std::optional<std::string>("InvalidMessage"));
  // Operation other than Import
  CHECK(edit([&](kmip::Item& m) { m.children[1].children[0].num = 0x01; }).kmip_result_reason ==
        std::optional<std::string>("OperationNotSupported"));
  // Table 62 without BatchOrderOption: "required if BatchCount > 1"
  auto mek = *kmip::decode_prefix(tcg::decode_raw_compacket(table_bytes(61))->data);
  kmip::Item m2 = mek.first;
  auto& h2 = m2.children[0].children;
  h2.erase(std::remove_if(h2.begin(), h2.end(), [](const kmip::Item& x) { return x.tag == 0x420010; }), h2.end());
  CHECK(send(m2).kmip_result_reason == std::optional<std::string>("InvalidMessage"));
  // Table 68 with TagLength 12: the tag is 16 bytes
  auto gcm = *kmip::decode_prefix(tcg::decode_raw_compacket(table_bytes(67))->data);
  std::function<void(kmip::Item&)> tl = [&](kmip::Item& x) {
    if (x.tag == 0x4200CE) x.num = 12;
    for (auto& c : x.children) tl(c);
  };
  tl(gcm.first);
  CHECK(send(gcm.first).kmip_result_reason == std::optional<std::string>("InvalidField"));
  // the unmodified message is accepted (the edits above changed nothing)
  CHECK(send(req.first).status == "ok");
}

// ---- errata -------------------------------------------------------------------------------

TEST_CASE("kpio errata: E-KPIO-CLEAR-POLARITY §3.2.19/§3.2.20 say FALSE enables the clear commands") {
  // Tables 30 and 33 set ClearSingleMEKAllowed / ClearAllMEKsAllowed to TRUE to enable them; the
  // prose says FALSE. Profile choice: TRUE enables. The other reading is the profile flag.
  for (bool prose : {false, true}) {
    Profile p = scenario_profile();
    p.clear_enabled_when_allowed_true = !prose;
    Tper t(p);
    t.exchange(3, 4);
    REQUIRE(t.step(TakeOwnership{}).is_ok());
    REQUIRE(t.step(ActivateSp{}).is_ok());
    REQUIRE(t.step(SetColumn{"KeyTagAllocation1", "Managed", true, std::nullopt}).is_ok());
    REQUIRE(t.step(SetColumn{"KPIOPolicies", "ClearAllMEKsAllowed", true, std::nullopt}).is_ok());  // as Table 33
    const auto o = t.step(ClearAllMeks{1});
    CHECK(o.is_ok() == !prose);  // under the prose's reading, Table 33 would disable the command
  }
}

TEST_CASE("kpio errata: E-KPIO-MEK-VOLATILE §4.3.1 'non-volatile media, such that a TCG Power Cycle ... clears'") {
  Tper t = configured();
  admin1_set(t, 22);
  t.exchange(40, 42, 3);
  admin1_set(t, 25);
  t.exchange(61, 63, 3);
  auto keep = t.s;
  t.step(PowerCycle{});
  CHECK(Machine::observe(t.p, t.s).key_cache == std::vector<std::string>{"NS2:factory"});  // Table 98's reading
  Profile nv = t.p;
  nv.power_cycle_clears_meks = false;  // the "non-volatile" reading
  auto r = Machine::step(nv, keep, PowerCycle{});
  CHECK(Machine::observe(nv, r.next).key_cache == std::vector<std::string>{"NS1:KT1", "NS2:factory"});
}

TEST_CASE("kpio errata: E-KPIO-KPIOSC the Activate scope is spelled KPIOSC, KPIOOSC, KPIOISC and KPIO SC") {
  // One profile parameter, kpiosc, stands for all four spellings: Tables 72 (KPIOISC=1), 74
  // (KPIOOSC=0) and §4.2.12 (KPIO SC = 1) describe the same two behaviours as §4.2.1/§4.2.13.
  for (int scv : {0, 1}) {
    const auto sc = static_cast<std::uint8_t>(scv);
    Profile p = profile_section4(sc);
    Tper t(p);
    REQUIRE(t.step(ActivateSp{}).is_ok());
    const auto rows = render_namespaces(p, t.s, {});
    CHECK(rows[0].managed == (sc ? "TRUE" : "FALSE"));
    CHECK(rows[0].cache.empty() == (sc == 1));
    CHECK(t.step(SetColumn{"KeyTagAllocation1", "Managed", sc == 0, std::nullopt}).is_ok() == (sc == 0));
  }
}

TEST_CASE("kpio errata: E-KPIO-ADMIN1-PIN Table 5 opens an Admin1 session with a PIN §3.2.4 replaced") {
  Tper t;
  t.exchange(3, 4);
  REQUIRE(t.step(TakeOwnership{}).is_ok());
  REQUIRE(t.step(ActivateSp{}).is_ok());
  t.exchange(20, 6);
  t.exchange(21, 7);  // Admin1 := "new_Admin1_password"
  t.exchange(8, 9);
  // Table 5 (used by §3.3.7 ff.) presents "Admin1_password": refused.
  CHECK(t.send(1, table_bytes(5)).status == "NOT_AUTHORIZED");
}

TEST_CASE("kpio errata: E-KPIO-KEYTAG-1 Tables 31 and 62 use KeyTag 1 on Table 1's one-tag TPer") {
  Tper t;  // Table 1: one key tag per namespace, i.e. KT0 only
  t.exchange(3, 4);
  REQUIRE(t.step(TakeOwnership{}).is_ok());
  REQUIRE(t.step(ActivateSp{}).is_ok());
  REQUIRE(t.step(SetColumn{"C_PIN_Admin1", "PIN", "Admin1_password", std::nullopt}).is_ok());
  admin1_set(t, 22);
  t.exchange(40, 42, 3);
  admin1_set(t, 25);
  CHECK(t.send(3, table_bytes(61)).kmip_result_reason == std::optional<std::string>("IndexOutOfBounds"));
}

TEST_CASE("kpio errata: E-KPIO-REVERT-SWAP §3.2.21 and §3.2.22 describe each other's procedure") {
  // §3.2.21 "Revert Key Per I/O SP" says it reverts the TPer and "Reverts the Admin SP";
  // §3.2.22 "Revert TPer" reverts the Key Per I/O SP. The model follows the titles and the
  // encodings they cite: Table 36 (KeyPerIOSP.Revert) keeps ownership, Table 38 (AdminSP.Revert) does not.
  Tper t = configured();
  t.exchange(15, 6);
  t.exchange(36, 37);
  CHECK(Machine::observe(t.p, t.s).owned);
  t.exchange(15, 6);
  t.exchange(38, 39);
  CHECK_FALSE(Machine::observe(t.p, t.s).owned);
}

TEST_CASE("kpio errata: E-KPIO-PLAINTEXT-C §3.2.11 (c) does not say 'plaintext provisioning is supported'") {
  for (bool needs : {true, false}) {
    Profile p = scenario_profile();
    p.plaintext_supported = false;
    p.plaintext_empty_row_needs_support = needs;
    Tper t(p);
    REQUIRE(t.step(TakeOwnership{}).is_ok());
    REQUIRE(t.step(ActivateSp{}).is_ok());
    CHECK(t.send(3, table_bytes(40)).is_ok() == !needs);
  }
}

// ---- column numbers and the session layer's TCG Core choices --------------------------------

namespace {
/// The [c = v] Values (Set) or the startColumn (Get) of the one method call in a seed table.
std::uint64_t column_in_table(int table) {
  auto cp = tcg::decode_compacket(table_bytes(table));
  REQUIRE(cp.ok());
  auto items = tcg::decode_items(cp->packets[0].subpackets[0].payload);
  REQUIRE(items.ok());
  const auto& call = std::get<tcg::MethodCall>((*items)[0]);
  const auto& arg = call.args.at(0);
  // Set: 1 = [c = v]; Get: [3 = startColumn, 4 = endColumn]
  if (arg.kind == tcg::Value::Kind::name) return arg.items[1].items.at(0).items[0].u;
  return arg.items.at(0).items[1].u;
}
tcg::MethodCall mcall(std::uint64_t obj, std::string_view method, std::vector<tcg::Value> args) {
  return tcg::MethodCall{tcg::uid_bytes(obj), tcg::uid_bytes(tcg::uid_of(method)), std::move(args), {0, 0, 0}};
}
tcg::MethodCall start_session(std::uint64_t sp, std::optional<std::pair<std::string, std::uint64_t>> as = std::nullopt) {
  using tcg::Value;
  std::vector<Value> a{Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(sp)), Value::of_uint(1)};
  if (as) {
    a.push_back(Value::of_name(Value::of_uint(0), Value::of_bytes(to_bytes(as->first))));
    a.push_back(Value::of_name(Value::of_uint(3), Value::of_bytes(tcg::uid_bytes(as->second))));
  }
  return mcall(tcg::uid_of("SMUID"), "StartSession", a);
}
tcg::MethodCall authenticate(std::uint64_t who, const std::string& proof) {
  using tcg::Value;
  return mcall(tcg::uid_of("ThisSP"), "Authenticate",
               {Value::of_bytes(tcg::uid_bytes(who)), Value::of_name(Value::of_uint(0), Value::of_bytes(to_bytes(proof)))});
}
Output call(Tper& t, std::uint32_t tsn, std::uint32_t hsn, const tcg::Item& it) { return t.step(Call{tsn, hsn, tcg::item_to_json(it)}); }
}  // namespace

TEST_CASE("kpio: every column number the note encodes is the one the model uses") {
  // (seed table, table, column) for each column a byte encoding of seed 002 names.
  const std::vector<std::tuple<int, std::string_view, std::string_view>> seen{
      {11, "C_PIN", "PIN"},
      {16, "SP", "LifeCycle"},
      {22, "KeyTagAllocation", "Managed"},
      {23, "KPIOPolicies", "KeyInjectionInterfaceLocked"},
      {24, "KeyEncryptionKey", "AccessLocked"},
      {25, "KeyTagAllocation", "AllowedKeyEncryptionKeys"},
      {26, "KPIOPolicies", "PlaintextKEKProgrammingEnabled"},
      {27, "KeyEncryptionKey", "AllowedKeyEncryptionKeys"},
      {28, "KPIOPolicies", "PKIProtectedKEKProgrammingEnabled"},
      {29, "KeyEncryptionKey", "AllowedKeyEncryptionKeys"},
      {30, "KPIOPolicies", "ClearSingleMEKAllowed"},
      {33, "KPIOPolicies", "ClearAllMEKsAllowed"},
      {48, "KeyEncryptionKey", "AllowedKeyEncryptionKeys"},
      {53, "Certificates", "CertData"},
      {65, "KPIOPolicies", "ReplayProtectionEnabled"},
  };
  for (const auto& [table, tab, col] : seen) {
    CAPTURE(table);
    CHECK(column_number(tab, col) == std::optional<std::uint64_t>(column_in_table(table)));
  }
  // Every model choice is marked so, and no two columns of a table share a number.
  for (const auto& c : kpio_columns) {
    CAPTURE(c.table);
    CAPTURE(c.name);
    const std::string src(c.source);
    CHECK((src.find("KPIO AN Table") != std::string::npos || src.find("TCG Core") != std::string::npos ||
           src.find("model choice, E-KPIO-COLUMNS") != std::string::npos));
    for (const auto& d : kpio_columns)
      if (&d != &c && d.table == c.table) CHECK(d.number != c.number);
  }
  // A Set naming a column number the model does not know is INVALID_PARAMETER.
  Tper t = configured();
  using tcg::Value;
  REQUIRE(call(t, 0, 0, start_session(tcg::uid_of("KeyPerIOSP"), std::pair{std::string("Admin1_password"), tcg::uid_of("Admin1")})).is_ok());
  auto o = call(t, 0x1001, 1,
                mcall(tcg::uid_of("KPIOPolicies"), "Set",
                      {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(9), Value::of_uint(1))}))}));
  CHECK(o.status == "INVALID_PARAMETER");
}

TEST_CASE("kpio errata: E-TCG-START-REFUSED the form of the answer to a refused StartSession") {
  // The note shows only SyncSession answering a StartSession that succeeded (Table 6). A refused
  // one is answered, per profile, by SMUID.SyncSession[ ] carrying the status, or by an empty
  // result list carrying it; host tools read the status list either way.
  for (auto form : {tcg::StartRefusal::sync_session, tcg::StartRefusal::method_result}) {
    Profile p = scenario_profile();
    p.start_refusal = form;
    Tper t(p);
    const auto o = t.send(1, table_bytes(5));  // Table 5: a session to the inactive Key Per I/O SP
    CHECK(o.status == "SP_DISABLED");
    auto cp = tcg::decode_compacket(o.response);
    REQUIRE(cp.ok());
    auto items = tcg::decode_items(cp->packets.at(0).subpackets.at(0).payload);
    REQUIRE(items.ok());
    REQUIRE(items->size() == 1);
    if (form == tcg::StartRefusal::sync_session) {
      const auto* c = std::get_if<tcg::MethodCall>(&(*items)[0]);
      REQUIRE(c);
      CHECK(tcg::describe_item(*c) == "SMUID.SyncSession[] status SP_DISABLED");
    } else {
      const auto* r = std::get_if<tcg::MethodResult>(&(*items)[0]);
      REQUIRE(r);
      CHECK(r->results.empty());
      CHECK(r->status == tcg::StatusList{0x05, 0, 0});  // SP_DISABLED (Core status table)
    }
  }
}

TEST_CASE("kpio errata: E-TCG-AUTHENTICATE-FALSE a wrong proof is FALSE with SUCCESS, and TryLimit locks out") {
  Profile p = scenario_profile();
  p.try_limit = 2;
  Tper t(p);
  REQUIRE(t.step(TakeOwnership{}).is_ok());
  REQUIRE(t.step(ActivateSp{}).is_ok());  // Admin1's PIN is the SID PIN, "new_SID_password"
  const auto admin1 = tcg::uid_of("Admin1");
  REQUIRE(call(t, 0, 0, start_session(tcg::uid_of("KeyPerIOSP"))).is_ok());  // anonymous (Anybody)
  // Wrong proof: the method succeeds and answers FALSE; Tries counts it.
  auto w = call(t, 0x1001, 1, authenticate(admin1, "nope"));
  CHECK(w.status == "ok");
  CHECK(w.rule == "TCG-AUTH-2");
  CHECK(w.results == Json::array({Json(0)}));
  CHECK(t.s.admin1.tries == 1);
  CHECK_FALSE(tcg::has_authority(*t.s.sm.session, admin1));
  // The right proof: TRUE, Tries back to 0, the session holds Admin1.
  auto r = call(t, 0x1001, 1, authenticate(admin1, "new_SID_password"));
  CHECK(r.results == Json::array({Json(1)}));
  CHECK(t.s.admin1.tries == 0);
  CHECK(tcg::has_authority(*t.s.sm.session, admin1));
  // Two wrong proofs reach the TryLimit of 2; then even the right one is AUTHORITY_LOCKED_OUT
  // and counts nothing, in Authenticate and in StartSession alike.
  call(t, 0x1001, 1, authenticate(admin1, "nope"));
  call(t, 0x1001, 1, authenticate(admin1, "nope"));
  CHECK(t.s.admin1.tries == 2);
  CHECK(call(t, 0x1001, 1, authenticate(admin1, "new_SID_password")).status == "AUTHORITY_LOCKED_OUT");
  CHECK(t.s.admin1.tries == 2);
  REQUIRE(call(t, 0x1001, 1, tcg::EndOfSession{}).is_ok());
  CHECK(t.step(SetColumn{"KPIOPolicies", "ClearAllMEKsAllowed", true, std::nullopt}).status == "AUTHORITY_LOCKED_OUT");
  // A wrong PIN at StartSession is NOT_AUTHORIZED (no session opens); with Persistence FALSE a
  // power cycle clears Tries.
  t.step(PowerCycle{});
  CHECK(t.s.admin1.tries == 0);
  CHECK(t.step(SetColumn{"KPIOPolicies", "ClearAllMEKsAllowed", true, std::string("nope")}).status == "NOT_AUTHORIZED");
  CHECK(t.s.admin1.tries == 1);
  CHECK_FALSE(t.s.sm.session.has_value());
  // Persistence TRUE: the count survives the power cycle.
  State s2 = t.s;
  s2.admin1.persistent = true;
  CHECK(Machine::step(p, s2, PowerCycle{}).next.admin1.tries == 1);
}

TEST_CASE("kpio errata: E-TCG-ACTIVATE-ACTIVE Activate of an SP that is already Manufactured") {
  for (std::string choice : {"ok", "INVALID_PARAMETER"}) {
    Profile p = scenario_profile();
    p.activate_when_active = choice;
    Tper t(p);
    REQUIRE(t.step(TakeOwnership{}).is_ok());
    REQUIRE(t.step(ActivateSp{}).is_ok());
    REQUIRE(t.step(SetColumn{"KeyTagAllocation1", "Managed", true, std::nullopt}).is_ok());
    const auto before = t.s;
    const auto again = t.step(ActivateSp{});
    CHECK(again.status == choice);
    CHECK(again.rule == "TCG-SP-LIFECYCLE-2");
    // Either way nothing of the SP is reset: Managed stays TRUE, Admin1 keeps its PIN.
    CHECK(t.s.allocations == before.allocations);
    CHECK(t.s.admin1 == before.admin1);
  }
  Profile bad;
  bad.activate_when_active = "MAYBE";
  CHECK_FALSE(Machine::validate(bad).ok());
}

TEST_CASE("kpio: §3.2.1.1 the TPer constants a host discovers from Table 1's Level 0 response") {
  const Bytes t1 = table1_level0();
  auto p = profile_from_level0(Profile{}, t1);
  REQUIRE_MESSAGE(p.ok(), p.error().message);
  // Table 1: two KEKs, two key tags in total, one per namespace, a 16-byte Get Nonce nonce,
  // plaintext and PKI provisioning, Key Per I/O Features 0x12 (scope: all namespaces; replay
  // protection supported; E-KPIO-L0-BITS).
  CHECK(p->keks == 2);
  CHECK(p->total_key_tags == 2);
  CHECK(p->max_key_tags_per_namespace == 1);
  CHECK(p->nonce_length == 16);
  CHECK(p->plaintext_supported);
  CHECK(p->pki_supported);
  CHECK(p->replay_supported);
  CHECK(p->kpiosc == 1);
  CHECK(Machine::validate(*p).ok());
  // "A Key Per I/O SSC compliant Storage Device will return ... Key Per I/O SSC Feature
  // Descriptor": an Opal drive's response (no 0x0305) is refused with the reason.
  const Bytes opal = *from_hex(vec("tcg-level0-seed002.json", "real-drive-samsung-evo-860")["request"]["hex"].get<std::string>());
  auto q = profile_from_level0(Profile{}, opal);
  REQUIRE_FALSE(q.ok());
  CHECK(q.error().message.find("0x0305") != std::string::npos);
  // A response cut inside the descriptor is refused by the Level 0 parser with its offset.
  auto r = profile_from_level0(Profile{}, ByteView(t1).first(100));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("offset") != std::string::npos);
}

TEST_CASE("kpio: §3.2.1.1 every TPer constant comes from the response, not from the base profile") {
  const Bytes t1 = table1_level0();
  // A base profile unlike Table 1 in every constant Level 0 carries: each must be replaced.
  Profile base;
  base.keks = 9;
  base.total_key_tags = 9;
  base.max_key_tags_per_namespace = 9;
  base.default_key_tags = 5;
  base.nonce_length = 5;
  base.kpiosc = 0;
  base.replay_supported = base.plaintext_supported = base.pki_supported = false;
  auto p = profile_from_level0(base, t1);
  REQUIRE_MESSAGE(p.ok(), p.error().message);
  CHECK(p->keks == 2);
  CHECK(p->total_key_tags == 2);
  CHECK(p->max_key_tags_per_namespace == 1);
  CHECK(p->default_key_tags == 1);  // at most the per-namespace maximum
  CHECK(p->nonce_length == 16);
  CHECK(p->kpiosc == 1);
  CHECK(p->replay_supported);
  CHECK(p->plaintext_supported);
  CHECK(p->pki_supported);
  // The same response with other values in Table 1's fields (byte offsets in the Key Per I/O
  // SSC Feature Descriptor, which starts at byte 64 of the response): Number of KEKs (32..35)
  // 5, Total Key Tags (36..39) 7, Maximum Key Tags Per Namespace (40..41) 0, Get Nonce length
  // (42) 0, Key Per IO Features (16) 0x00, KEK Provisioning Models (27..28) 0x0100.
  Bytes other = t1;
  const std::size_t d = 64;
  REQUIRE(other[d] == 0x03);
  REQUIRE(other[d + 1] == 0x05);
  other[d + 35] = 5;
  other[d + 39] = 7;
  other[d + 41] = 0;
  other[d + 42] = 0;
  other[d + 16] = 0x00;
  other[d + 27] = 0x01;
  other[d + 28] = 0x00;
  auto q = profile_from_level0(base, other);
  REQUIRE_MESSAGE(q.ok(), q.error().message);
  CHECK(q->keks == 5);
  CHECK(q->total_key_tags == 7);
  CHECK(q->max_key_tags_per_namespace == 0);
  CHECK(q->default_key_tags == 1);  // never 0: every namespace gets a key tag
  CHECK(q->nonce_length == 5);      // a length of 0 is "not given": the base's stays
  CHECK(q->kpiosc == 0);            // bit 1 clear: per namespace
  CHECK_FALSE(q->replay_supported); // bit 4 clear (E-KPIO-L0-BITS)
  CHECK(q->plaintext_supported);    // 0x0100
  CHECK_FALSE(q->pki_supported);    // 0x0200 clear
  // Only the scope bit (0x02) and only the replay bit (0x10), each alone.
  other[d + 16] = 0x02;
  CHECK(profile_from_level0(base, other)->kpiosc == 1);
  CHECK_FALSE(profile_from_level0(base, other)->replay_supported);
  other[d + 16] = 0x10;
  CHECK(profile_from_level0(base, other)->kpiosc == 0);
  CHECK(profile_from_level0(base, other)->replay_supported);
  other[d + 27] = 0x02;  // PKI only
  CHECK_FALSE(profile_from_level0(base, other)->plaintext_supported);
  CHECK(profile_from_level0(base, other)->pki_supported);
  // No TPer Feature Descriptor (0x0001): its code changed to an unassigned one.
  Bytes no_tper = t1;
  REQUIRE(no_tper[48] == 0x00);
  REQUIRE(no_tper[49] == 0x01);
  no_tper[49] = 0x7f;
  auto r = profile_from_level0(base, no_tper);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "Level 0 Discovery: no TPer Feature Descriptor (0x0001), which a Key Per I/O device returns (§3.2.1.1.1)");
  // A Key Per I/O SSC Feature Descriptor of 16 data bytes (Length 0x10 instead of Table 1's
  // 0x2c), the response's Length of Parameter Data (bytes 0..3) adjusted: refused, not read
  // past its end.
  Bytes short_desc(t1.begin(), t1.begin() + 64);
  for (int b : {0x03, 0x05, 0x10, 0x10}) short_desc.push_back(static_cast<std::uint8_t>(b));
  short_desc.insert(short_desc.end(), t1.begin() + 68, t1.begin() + 84);
  short_desc.insert(short_desc.end(), t1.begin() + 112, t1.begin() + 148);  // the 0x0404 descriptor after it
  short_desc[3] = static_cast<std::uint8_t>(short_desc.size() - 4);
  auto sd = profile_from_level0(base, short_desc);
  REQUIRE_FALSE(sd.ok());
  CHECK(sd.error().message == "Level 0 Discovery: the Key Per I/O SSC Feature Descriptor is 16 bytes, shorter than Table 1's 44");
}

TEST_CASE("tcg session: each rule of the session layer, at the wire, with the rule it names") {
  using tcg::Value;
  Tper t = configured();
  const auto kpio_sp = tcg::uid_of("KeyPerIOSP");
  const auto admin1 = std::pair{std::string("Admin1_password"), tcg::uid_of("Admin1")};
  auto expect = [&](const Output& o, const char* status, const char* rule) {
    CHECK(o.status == status);
    CHECK(o.rule == rule);
  };
  // TCG-SESSION-4: StartSession parameters (HostSessionID 0, Write 2, an SP that does not exist,
  // an optional parameter other than HostChallenge 0 / HostSigningAuthority 3).
  auto bad_start = [&](std::vector<Value> a) { return call(t, 0, 0, mcall(tcg::uid_of("SMUID"), "StartSession", std::move(a))); };
  expect(bad_start({Value::of_uint(0), Value::of_bytes(tcg::uid_bytes(kpio_sp)), Value::of_uint(1)}), "INVALID_PARAMETER", "TCG-SESSION-4");
  expect(bad_start({Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(kpio_sp)), Value::of_uint(2)}), "INVALID_PARAMETER", "TCG-SESSION-4");
  expect(bad_start({Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(0x0000020500000009ull)), Value::of_uint(1)}), "INVALID_PARAMETER",
         "TCG-SESSION-4");
  expect(bad_start({Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(kpio_sp)), Value::of_uint(1),
                    Value::of_name(Value::of_uint(7), Value::of_uint(1))}),
         "INVALID_PARAMETER", "TCG-SESSION-4");
  // TCG-AUTH-1: a HostSigningAuthority without its HostChallenge.
  expect(bad_start({Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(kpio_sp)), Value::of_uint(1),
                    Value::of_name(Value::of_uint(3), Value::of_bytes(tcg::uid_bytes(admin1.second)))}),
         "NOT_AUTHORIZED", "TCG-AUTH-1");
  CHECK_FALSE(t.s.sm.session.has_value());  // none of these opened a session
  // TCG-SESSION-3: the session manager takes only method calls to SMUID.
  expect(call(t, 0, 0, tcg::MethodResult{{}, {0, 0, 0}}), "INVALID_PARAMETER", "TCG-SESSION-3");
  expect(call(t, 0, 0, mcall(kpio_sp, "Get", {})), "INVALID_PARAMETER", "TCG-SESSION-3");
  // TCG-SESSION-6: a session opens; TCG-SESSION-1: a packet for another session is not answered.
  expect(call(t, 0, 0, start_session(kpio_sp, admin1)), "ok", "TCG-SESSION-6");
  auto stray = call(t, 0x1001, 2, tcg::EndOfSession{});
  expect(stray, "NO_SESSION", "TCG-SESSION-1");
  CHECK(stray.response.empty());
  CHECK(t.s.sm.session.has_value());
  // TCG-SESSION-5: MaxSessions = 1.
  expect(call(t, 0, 0, start_session(kpio_sp, admin1)), "NO_SESSIONS_AVAILABLE", "TCG-SESSION-5");
  // TCG-METHOD-1: a method the object does not support; an unknown method UID.
  expect(call(t, 0x1001, 1, mcall(tcg::uid_of("KPIOPolicies"), "GenKey", {})), "INVALID_PARAMETER", "TCG-METHOD-1");
  expect(call(t, 0x1001, 1, tcg::MethodCall{tcg::uid_bytes(tcg::uid_of("KPIOPolicies")), tcg::uid_bytes(0x00000006000000FFull), {}, {0, 0, 0}}),
         "INVALID_PARAMETER", "TCG-METHOD-1");
  // TCG-METHOD-2: Get takes one Cellblock list of startRow 1 / endRow 2 / startColumn 3 / endColumn 4.
  expect(call(t, 0x1001, 1, mcall(tcg::uid_of("KPIOPolicies"), "Get", {Value::of_list({Value::of_name(Value::of_uint(9), Value::of_uint(1))})})),
         "INVALID_PARAMETER", "TCG-METHOD-2");
  auto cols = call(t, 0x1001, 1,
                   mcall(tcg::uid_of("KPIOPolicies"), "Get",
                         {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(1)), Value::of_name(Value::of_uint(4), Value::of_uint(2))})}));
  CHECK(cols.is_ok());
  CHECK(cols.results == Json::array({Json::array({Json{{"name", 1}, {"value", 0}}, Json{{"name", 2}, {"value", 0}}})}));
  // TCG-METHOD-3: Set needs Values (1 = ...).
  expect(call(t, 0x1001, 1, mcall(tcg::uid_of("KPIOPolicies"), "Set", {})), "INVALID_PARAMETER", "TCG-METHOD-3");
  expect(call(t, 0x1001, 1, mcall(tcg::uid_of("KPIOPolicies"), "Set", {Value::of_name(Value::of_uint(0), Value::of_uint(1))})),
         "INVALID_PARAMETER", "TCG-METHOD-3");
  // TCG-AUTH-4: Authenticate on ThisSP, naming an authority with a credential, with a proof.
  expect(call(t, 0x1001, 1, mcall(kpio_sp, "Authenticate", {Value::of_bytes(tcg::uid_bytes(admin1.second))})), "INVALID_PARAMETER",
         "TCG-AUTH-4");
  expect(call(t, 0x1001, 1, mcall(tcg::uid_of("ThisSP"), "Authenticate", {Value::of_bytes(tcg::uid_bytes(admin1.second))})),
         "INVALID_PARAMETER", "TCG-AUTH-4");
  expect(call(t, 0x1001, 1, authenticate(tcg::uid_of("SID"), "x")), "INVALID_PARAMETER", "TCG-AUTH-4");
  // A refused method changed nothing; TCG-SESSION-2: End of Session is answered and closes.
  auto eos = call(t, 0x1001, 1, tcg::EndOfSession{});
  expect(eos, "ok", "TCG-SESSION-2");
  CHECK(to_hex(eos.response) == "fa");
  CHECK_FALSE(t.s.sm.session.has_value());
  // TCG-SESSION-7: a read-only session (Write = 0) may Get but not Set.
  REQUIRE(call(t, 0, 0, mcall(tcg::uid_of("SMUID"), "StartSession",
                              {Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(kpio_sp)), Value::of_uint(0),
                               Value::of_name(Value::of_uint(0), Value::of_bytes(to_bytes(admin1.first))),
                               Value::of_name(Value::of_uint(3), Value::of_bytes(tcg::uid_bytes(admin1.second)))}))
              .is_ok());
  expect(call(t, 0x1001, 1, mcall(tcg::uid_of("KPIOPolicies"), "Set",
                                  {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(1), Value::of_uint(1))}))})),
         "NOT_AUTHORIZED", "TCG-SESSION-7");
  CHECK_FALSE(t.s.policies.clear_single_mek_allowed);
  CHECK(call(t, 0x1001, 1, mcall(tcg::uid_of("KPIOPolicies"), "Get", {Value::of_list({})})).is_ok());
  // TCG-SP-LIFECYCLE-1: a Manufactured-Inactive SP refuses StartSession (SP_DISABLED).
  Tper fresh;
  expect(call(fresh, 0, 0, start_session(kpio_sp, admin1)), "SP_DISABLED", "TCG-SP-LIFECYCLE-1");
}

namespace {
/// The KMIP message of a seed Security Protocol 0x03 table.
kmip::Item kmip_of(int table) { return kmip::decode_prefix(tcg::decode_raw_compacket(table_bytes(table))->data)->first; }
Output send_kmip(Tper& t, const kmip::Item& m) { return t.send(3, tcg::encode_raw_compacket(0x0801, 0, *kmip::encode(m))); }
/// Applies f to every item with tag `tg`, at any depth.
void each(kmip::Item& m, std::uint32_t tg, const std::function<void(kmip::Item&)>& f) {
  if (m.tag == tg) f(m);
  for (auto& c : m.children) each(c, tg, f);
}
const kmip::Item* find(const kmip::Item& m, std::uint32_t tg) {
  if (m.tag == tg) return &m;
  for (const auto& c : m.children)
    if (const auto* r = find(c, tg)) return r;
  return nullptr;
}
}  // namespace

TEST_CASE("kpio: the §3.2 preconditions one by one, each refused and then met") {
  // §3.2.6 / §3.2.7: after activation the interface and every KEK are unlocked; §3.2.8: every
  // namespace's AllowedKeyEncryptionKeys is empty; §3.2.11: every Key column is empty; §3.2.12:
  // every KEK row allows its own UID.
  Tper t = configured();
  CHECK_FALSE(Machine::kii_locked(t.s));
  for (std::uint32_t r = 1; r <= t.s.keks.size(); ++r) {
    const auto& k = t.s.keks[r - 1];
    CHECK_FALSE(Machine::kek_locked(k));
    CHECK_FALSE(k.key_set);
    CHECK(k.allowed == std::vector<tcg::Uid>{tcg::to_uid(kek_uid(r))});
  }
  for (const auto& a : t.s.allocations) CHECK(a.allowed.empty());

  // §3.2.6: locked only when both columns are TRUE — (a) by setting both, (b) LockEnabled and a
  // power cycle; Locked alone does not lock.
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLocked", true, std::nullopt}).is_ok());
  CHECK_FALSE(Machine::kii_locked(t.s));
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLocked", false, std::nullopt}).is_ok());
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLockEnabled", true, std::nullopt}).is_ok());
  CHECK_FALSE(Machine::kii_locked(t.s));
  t.step(PowerCycle{});
  CHECK(Machine::kii_locked(t.s));  // (b)
  CHECK(t.send(3, table_bytes(40)).rule == "KPIO-3.2.6-2");
  admin1_set(t, 23);  // Table 23 unlocks it
  t.exchange(40, 42, 3);
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLockEnabled", false, std::nullopt}).is_ok());

  // §3.2.13: KEK2 wrapped with KEK1 is refused until KEK1's UID is in KEK2's AllowedKeyEncryptionKeys.
  CHECK(t.send(3, table_bytes(49)).rule == "KPIO-3.2.13-1");
  admin1_set(t, 48);
  // §3.2.7: (b) AccessLockEnabled and a power cycle lock KEK1 ("The KEK must first be
  // transitioned to an access unlocked state"); AccessLocked alone does not.
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLocked", true, std::nullopt}).is_ok());
  CHECK_FALSE(Machine::kek_locked(t.s.keks[0]));
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLocked", false, std::nullopt}).is_ok());
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLockEnabled", true, std::nullopt}).is_ok());
  t.step(PowerCycle{});
  t.exchange(3, 4);  // a power cycle resets the host properties (Protocol3MaxKmipBatchItems)
  CHECK(Machine::kek_locked(t.s.keks[0]));
  CHECK(t.send(3, table_bytes(49)).rule == "KPIO-3.2.7-1");
  admin1_set(t, 24);
  t.exchange(49, 51, 3);

  // §3.2.17: "only KEKs can be used to wrap MEKs" — Table 61's MEK sent in plaintext, or wrapped
  // with the PKI public key, is refused; the KEK must be associated with the namespace (§3.2.8)
  // and access unlocked.
  // §3.2.5: no MEK, and no KEK associated, before the namespace is managed.
  CHECK(t.send(3, table_bytes(61)).rule == "KPIO-3.2.5-2");
  t.exchange(5, 6);
  CHECK(t.send(1, table_bytes(25)).rule == "KPIO-3.2.5-2");
  t.exchange(8, 9);
  admin1_set(t, 22);  // NS1 managed
  auto plain_mek = kmip_of(61);
  each(plain_mek, tag::key_block, [](kmip::Item& kb) {
    kb.children = {kmip::Item{tag::key_format, kmip::ItemType::enumeration, 1, {}, {}},
                   kmip::Item{tag::key_value, kmip::ItemType::structure, 0, {},
                              {kmip::Item{tag::key_material, kmip::ItemType::byte_string, 0, Bytes(32, 0x11), {}}}}};
  });
  CHECK(send_kmip(t, plain_mek).rule == "KPIO-3.2.17-3");
  auto rsa_mek = kmip_of(61);
  each(rsa_mek, tag::enc_key_info, [](kmip::Item& eki) {
    for (auto& c : eki.children)
      if (c.tag == tag::unique_id) c.bytes = to_bytes("Certificate1");
      else if (c.tag == tag::crypto_params)
        c.children = {kmip::Item{tag::crypto_algorithm, kmip::ItemType::enumeration, 4, {}, {}},
                      kmip::Item{tag::padding, kmip::ItemType::enumeration, 2, {}, {}}};
  });
  CHECK(send_kmip(t, rsa_mek).rule == "KPIO-3.2.17-3");
  CHECK(t.send(3, table_bytes(61)).rule == "KPIO-3.2.17-1");  // KEK1 not yet associated with NS1
  admin1_set(t, 25);
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLocked", true, std::nullopt}).is_ok());
  CHECK(t.send(3, table_bytes(61)).rule == "KPIO-3.2.7-1");
  admin1_set(t, 24);
  t.exchange(61, 63, 3);
  // §3.2.7 note / §3.2.17: locking KEK1 afterwards leaves the MEK in the cache.
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLocked", true, std::nullopt}).is_ok());
  CHECK(Machine::observe(t.p, t.s).key_cache == std::vector<std::string>{"NS1:KT1", "NS2:factory"});

  // §3.4.2.3: the KMIP Key UID is not discoverable through a table: a Get of the whole
  // KeyEncryptionKey1 row (every readable column) does not hold it.
  using tcg::Value;
  REQUIRE(call(t, 0, 0, start_session(tcg::uid_of("KeyPerIOSP"), std::pair{std::string("Admin1_password"), tcg::uid_of("Admin1")})).is_ok());
  auto row = call(t, 0x1001, 1,
                  mcall(kek_uid(1), "Get",
                        {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(3)), Value::of_name(Value::of_uint(4), Value::of_uint(6))})}));
  REQUIRE(row.is_ok());
  CHECK(row.results->dump().find(to_hex(to_bytes(t.s.keks[0].kmip_uid))) == std::string::npos);
  call(t, 0x1001, 1, tcg::EndOfSession{});
}

TEST_CASE("kpio: §3.2.15/§3.2.16 a KEK under the public key needs (a) or (b), and names Certificate1") {
  Profile p = scenario_profile();
  Tper t(p);
  REQUIRE(t.step(TakeOwnership{}).is_ok());
  REQUIRE(t.step(ActivateSp{}).is_ok());
  const auto [k, unused] = named_key("KEK-PKI");
  const ImportKek rsa{1, k, "kek-pki", "rsa_oaep", 0, std::nullopt, Bytes(12, 1), to_bytes("oaep-seed")};
  CHECK(t.step(rsa).rule == "KPIO-3.2.16-1");  // neither (a) nor (b)
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AllowedKeyEncryptionKeys", Json::array({"PKIPublicKeyEncryptionKey", "KeyEncryptionKey1"}),
                           std::nullopt})
              .is_ok());  // (b), Table 29
  auto ok = t.step(rsa);
  CHECK(ok.status == "ok");
  CHECK(t.s.keks[0].key == k);
  // (a) alone, for row 2 (its AllowedKeyEncryptionKeys holds only its own UID).
  ImportKek rsa2 = rsa;
  rsa2.row = 2;
  rsa2.kmip_uid = "kek-pki-2";
  CHECK(t.step(rsa2).rule == "KPIO-3.2.16-1");
  REQUIRE(t.step(SetColumn{"KPIOPolicies", "PKIProtectedKEKProgrammingEnabled", true, std::nullopt}).is_ok());
  CHECK(t.step(rsa2).is_ok());
  // §3.4.5.7: the public key is named by the Certificates row's Name, "Certificate1".
  auto other = kmip_of(57);
  each(other, tag::enc_key_info, [](kmip::Item& eki) {
    for (auto& c : eki.children)
      if (c.tag == tag::unique_id) c.bytes = to_bytes("Certificate2");
  });
  const auto o = send_kmip(t, other);
  CHECK(o.kmip_result_reason == std::optional<std::string>("ItemNotFound"));
  // PKI not supported by the TPer (Level 0): neither (a) nor (b) can be configured.
  Profile np = p;
  np.pki_supported = false;
  Tper n(np);
  REQUIRE(n.step(TakeOwnership{}).is_ok());
  REQUIRE(n.step(ActivateSp{}).is_ok());
  CHECK(n.step(SetColumn{"KPIOPolicies", "PKIProtectedKEKProgrammingEnabled", true, std::nullopt}).status == "INVALID_PARAMETER");
  REQUIRE(n.step(SetColumn{"KeyEncryptionKey1", "AllowedKeyEncryptionKeys", Json::array({"PKIPublicKeyEncryptionKey", "KeyEncryptionKey1"}),
                           std::nullopt})
              .is_ok());
  CHECK(n.step(rsa).rule == "KPIO-3.2.16-1");
}

TEST_CASE("kpio: §3.2.18 replay protection needs TPer support and persists across a power cycle") {
  Tper t = configured();
  admin1_set(t, 65);
  t.step(PowerCycle{});
  CHECK(t.s.policies.replay_protection_enabled);  // "persistent across a TCG Power Cycle"
  CHECK(Machine::observe(t.p, t.s).replay_protection_enabled);
  // Without replay protection support: no Get Nonce, and the column cannot be enabled.
  Profile p = scenario_profile();
  p.replay_supported = false;
  Tper n(p);
  REQUIRE(n.step(TakeOwnership{}).is_ok());
  REQUIRE(n.step(ActivateSp{}).is_ok());
  CHECK(n.step(GetNonce{Bytes(16, 1)}).status == "NOT_SUPPORTED");
  CHECK(n.step(SetColumn{"KPIOPolicies", "ReplayProtectionEnabled", true, std::nullopt}).status == "INVALID_PARAMETER");
}

TEST_CASE("kpio: §3.2.21/§3.2.22 keys injected before a revert stay gone after a new Activate") {
  for (bool tper : {false, true}) {
    Tper t = configured();
    admin1_set(t, 22);
    t.exchange(40, 42, 3);
    admin1_set(t, 25);
    t.exchange(61, 63, 3);
    REQUIRE(t.step(tper ? Event{RevertTper{}} : Event{RevertSp{}}).is_ok());
    if (tper) REQUIRE(t.step(TakeOwnership{}).is_ok());
    REQUIRE(t.step(ActivateSp{}).is_ok());
    for (const auto& k : t.s.keks) CHECK_FALSE(k.key_set);
    CHECK(Machine::observe(t.p, t.s).key_cache == std::vector<std::string>{"NS2:factory"});
    // the KEK's KMIP UID no longer names a wrapping key
    REQUIRE(t.step(SetColumn{"C_PIN_Admin1", "PIN", "Admin1_password", std::nullopt}).is_ok());
    admin1_set(t, 48);
    CHECK(t.send(3, table_bytes(49)).kmip_result_reason == std::optional<std::string>("ItemNotFound"));
  }
}

TEST_CASE("kpio: KMIP responses echo the request's UniqueBatchItemID and UniqueIdentifier, with a TimeStamp") {
  Tper t = configured();
  auto m = kmip_of(40);
  each(m, tag::batch_item_id, [](kmip::Item& i) { i.bytes = {0x7E}; });
  each(m, tag::request_payload, [](kmip::Item& pl) {
    for (auto& c : pl.children)
      if (c.tag == tag::unique_id) c.bytes = to_bytes("host-chosen-uid");
  });
  auto o = send_kmip(t, m);
  REQUIRE(o.status == "ok");
  auto resp = kmip::decode_prefix(tcg::decode_raw_compacket(o.response)->data);
  REQUIRE(resp.ok());
  const auto& r = resp->first;
  REQUIRE(find(r, tag::time_stamp));
  CHECK(find(r, tag::batch_item_id)->bytes == Bytes{0x7E});
  CHECK(find(*find(r, tag::response_payload), tag::unique_id)->bytes == to_bytes("host-chosen-uid"));
  // "UniqueBatchItemID required if BatchCount > 1": Table 61 without it is InvalidMessage.
  auto two = kmip_of(61);
  for (auto& bi : two.children)
    if (bi.tag == tag::batch_item)
      std::erase_if(bi.children, [](const kmip::Item& c) { return c.tag == tag::batch_item_id; });
  const auto no_ids = send_kmip(t, two);
  CHECK(no_ids.kmip_result_reason == std::optional<std::string>("InvalidMessage"));
  CHECK(no_ids.rule == "KPIO-KMIP-UBI");
  // "BatchCount required"
  auto nocount = kmip_of(40);
  std::erase_if(nocount.children[0].children, [](const kmip::Item& c) { return c.tag == tag::batch_count; });
  const auto no_count = send_kmip(t, nocount);
  CHECK(no_count.kmip_result_reason == std::optional<std::string>("InvalidMessage"));
  CHECK(no_count.rule == "KPIO-KMIP-BC");
  // "Protocol version required"; "BatchErrorContinuationOption shall not be present if BatchCount <= 1";
  // "BatchOrderOption is required if BatchCount > 1"; TagLength "Required for GCM".
  auto nopv = kmip_of(40);
  std::erase_if(nopv.children[0].children, [](const kmip::Item& c) { return c.tag == tag::protocol_version; });
  CHECK(send_kmip(t, nopv).rule == "KPIO-KMIP-PV");
  auto bec = kmip_of(40);
  bec.children[0].children.push_back(kmip::Item{tag::batch_error_continuation, kmip::ItemType::enumeration, 1, {}, {}});
  CHECK(send_kmip(t, bec).rule == "KPIO-KMIP-BEC");
  auto boo = kmip_of(61);
  std::erase_if(boo.children[0].children, [](const kmip::Item& c) { return c.tag == tag::batch_order; });
  CHECK(send_kmip(t, boo).rule == "KPIO-KMIP-BOO");
  auto gcm = kmip_of(67);
  each(gcm, tag::crypto_params, [](kmip::Item& cp) { std::erase_if(cp.children, [](const kmip::Item& c) { return c.tag == tag::tag_length; }); });
  const auto no_tl = send_kmip(t, gcm);
  CHECK(no_tl.kmip_result_reason == std::optional<std::string>("MissingData"));
  CHECK(no_tl.rule == "KPIO-KMIP-TAGLEN");
}

TEST_CASE("kpio: §4.2.5/§4.2.6/§4.3.4 NumberOfKeyTags bounds, LockOnReset, and unlocking by either column") {
  Tper t = configured();  // 2 key tags per namespace supported, 4 in total
  admin1_set(t, 22);
  // §4.2.5: "no larger than Number of Key Tags Supported per Namespace".
  auto over = t.step(SetColumn{"KeyTagAllocation1", "NumberOfKeyTags", 3u, std::nullopt});
  CHECK(over.status == "INVALID_PARAMETER");
  CHECK(over.rule == "KPIO-4.2.5-1");
  // §4.2.6: a decrease that would drop an MEK is refused; one over empty slots is accepted.
  t.exchange(40, 42, 3);
  admin1_set(t, 25);
  t.exchange(61, 63, 3);  // KeyTag 1
  auto drop = t.step(SetColumn{"KeyTagAllocation1", "NumberOfKeyTags", 1u, std::nullopt});
  CHECK(drop.rule == "KPIO-4.2.6-1");
  CHECK(t.s.allocations[0].number_of_key_tags == 2);
  t.send(2, table_bytes(31), 1);  // not allowed yet: the MEK stays
  admin1_set(t, 30);
  REQUIRE(t.send(2, table_bytes(31), 1).is_ok());  // Clear Single MEK, KeyTag 1
  CHECK(t.step(SetColumn{"KeyTagAllocation1", "NumberOfKeyTags", 1u, std::nullopt}).is_ok());
  // §4.3.4: LockOnReset must contain Power Cycle.
  auto lor = t.step(SetColumn{"KeyEncryptionKey1", "LockOnReset", Json::array({1u, 3u}), std::nullopt});
  CHECK(lor.rule == "KPIO-4.3.4-2");
  CHECK(t.step(SetColumn{"KeyEncryptionKey1", "LockOnReset", Json::array({0u, 1u}), std::nullopt}).is_ok());
  // §4.3.4: locked = AccessLocked and AccessLockEnabled both TRUE; either set to FALSE unlocks.
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLockEnabled", true, std::nullopt}).is_ok());
  t.step(HardwareReset{});  // Hardware Reset is in LockOnReset now
  CHECK(Machine::kek_locked(t.s.keks[0]));
  REQUIRE(t.step(SetColumn{"KeyEncryptionKey1", "AccessLockEnabled", false, std::nullopt}).is_ok());
  CHECK_FALSE(Machine::kek_locked(t.s.keks[0]));
  CHECK(t.s.keks[0].access_locked);  // AccessLocked still TRUE, but the row is usable
  REQUIRE(t.step(SetColumn{"KeyTagAllocation1", "NumberOfKeyTags", 2u, std::nullopt}).is_ok());  // an increase (§4.2.5)
  t.exchange(3, 4);
  t.exchange(61, 63, 3);
}

// ---- robustness: a bus capture is external input -------------------------------------------

TEST_CASE("kpio: arbitrary and mutated capture bytes never break the TPer, its state or the capture reader") {
  // Three TPers: factory new; configured with NS1 managed, KEK1 injected and associated;
  // the same with an Admin1 session open (Table 5 -> 6), so method ComPackets reach the
  // SP's tables. Inputs: the seed's own payloads (the §3.3/§3.4 tables), each mutated by a
  // fixed-seed generator (byte flips, truncation, insertion, length fields), and random
  // blobs. Every input goes to Security Protocols 1, 2 and 3 of every TPer: the machine
  // answers, the state it returns validates and holds every invariant, no KEK or MEK bytes
  // appear in a response, and the capture reader (describe_payload) answers too. Under the
  // asan preset this is also a memory-safety check of every decoder a capture reaches.
  std::vector<Tper> tpers;
  tpers.emplace_back(scenario_profile());
  Tper c = configured();
  admin1_set(c, 22);  // Managed = TRUE for NS1
  c.exchange(40, 42, 3);  // plaintext KEK1
  admin1_set(c, 25);      // KEK1 allowed for NS1 (Table 25)
  tpers.push_back(c);
  c.exchange(5, 6);
  REQUIRE(Machine::observe(c.p, c.s).session_open);
  tpers.push_back(c);

  std::vector<Bytes> seeds;
  for (int table : {3, 5, 8, 10, 11, 13, 14, 16, 18, 21, 22, 23, 25, 31, 34, 36, 38, 40, 44, 49, 53, 57, 61, 65, 67})
    seeds.push_back(table_bytes(table));
  std::mt19937_64 rng(20261201);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % std::max<std::size_t>(n, 1)); };
  std::vector<Bytes> inputs = seeds;
  for (int i = 0; i < 240; ++i) {
    Bytes b = seeds[pick(seeds.size())];
    switch (i % 6) {
      case 0: b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8)); break;  // one bit
      case 1: b.resize(pick(b.size())); break;                                        // truncated
      case 2: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size())), static_cast<std::uint8_t>(rng())); break;
      case 3: {  // a length field set large: ComPacket (16), Packet (40) or SubPacket (52)
        const std::size_t at = std::array<std::size_t, 3>{16, 40, 52}[pick(3)];
        if (b.size() >= at + 4) b[at + pick(4)] = 0xFF;
        break;
      }
      case 4: for (int k = 0; k < 8; ++k) b[pick(b.size())] = static_cast<std::uint8_t>(rng()); break;
      default: b = Bytes(pick(600), 0); for (auto& x : b) x = static_cast<std::uint8_t>(rng()); break;
    }
    inputs.push_back(std::move(b));
  }
  // KEK1's bytes (Table 40) must never appear in a response.
  const auto kek1 = c.s.keks[0].key;
  REQUIRE(kek1.size() == 32);
  std::size_t steps = 0, refused = 0;
  std::array<std::size_t, 3> accepted{};  // per TPer
  for (const auto& in : inputs) {
    for (std::uint8_t proto = 1; proto <= 3; ++proto) {
      (void)describe_payload(proto, Direction::send, in, proto == 2 ? std::optional<std::uint32_t>(1) : std::nullopt);
      (void)describe_payload(proto, Direction::recv, in);
      for (std::size_t k = 0; k < tpers.size(); ++k) {
        const auto& t = tpers[k];
        const auto r = Machine::step(t.p, t.s, Send{proto, in, 1});
        ++steps;
        refused += r.out.status != "ok";
        accepted[k] += r.out.status == "ok";
        const auto v = Machine::validate_state(t.p, r.next);
        CHECK_MESSAGE(v.ok(), "protocol " << int(proto) << " input " << to_hex(in) << ": " << (v.ok() ? "" : v.error().message));
        for (const auto& inv : Machine::invariants())
          CHECK_MESSAGE(inv.holds(t.p, r.next), inv.id << " after protocol " << int(proto) << " input " << to_hex(in));
        const auto resp = to_hex(r.out.response);
        CHECK(resp.find(to_hex(kek1)) == std::string::npos);
      }
    }
  }
  CHECK(steps == inputs.size() * 9);
  CHECK(refused > steps / 2);  // most mutants are refused; the run is not vacuous
  // ... and each TPer accepts some inputs (the seed's own payloads at least): the factory-new
  // one Properties and StartSession, the others KMIP Imports and, in the open session, Sets.
  MESSAGE("accepted per TPer: " << accepted[0] << " " << accepted[1] << " " << accepted[2] << " of " << steps / 3);
  for (auto n : accepted) CHECK(n >= 3);
}

}  // namespace LOCKREF_UNITY_ID
