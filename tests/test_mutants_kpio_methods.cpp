// Key Per I/O SP methods (model/lockref/kpio/sp_methods.hpp): what tools/mutate.py left
// surviving there after Run AQ. The rule a successful Get names (each §3.2 step's requirement
// in spec/requirements/kpio.json), which object a Revert / RevertSP must name, the
// AllowedKeyEncryptionKeys column as a whole value, the host's KMIP Import requests against
// the note's own tables (seed 002 Tables 40, 49, 61, 67 and their responses 42, 63), and the
// invariants at the last namespace.
#include <doctest/doctest.h>

#include <functional>

#include "external_vectors.hpp"
#include "kpio_fixture.hpp"
#include "lockref/kpio/sp.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace kp = lockref::kpio;
using tcg::Value;

namespace {
using lockref::test::kpio_fixture::active_state;
using lockref::test::kpio_fixture::session_as;
tcg::SpAnswer call(const kp::Profile& p, kp::State& s, const tcg::Session& ses, std::uint64_t obj, tcg::Method m,
                   std::vector<std::pair<std::uint64_t, Value>> values = {}) {
  auto inv = lockref::test::kpio_fixture::invocation(obj, m);
  inv.values = std::move(values);
  return kp::Machine::Tper::invoke(p, s, ses, inv);
}
/// An activated SP (§3.2.3) whose SID PIN is no longer the MSID (§3.2.2).
kp::State activated(const kp::Profile& p) {
  auto s = kp::Machine::initial(p);
  s.sid.pin = "new_SID_password";
  REQUIRE(call(p, s, session_as("AdminSP", "SID"), tcg::uid_of("KeyPerIOSP"), tcg::Method::activate).status == "ok");
  return s;
}
Value uid_values(std::initializer_list<std::uint64_t> l) {
  std::vector<Value> v;
  for (auto u : l) v.push_back(Value::of_bytes(tcg::uid_bytes(u)));
  return Value::of_list(std::move(v));
}
/// A KeyTagAllocation row's AllowedKeyEncryptionKeys (column 6), read back with Get.
Value allowed_of(const kp::Profile& p, kp::State& s, std::uint32_t ns) {
  tcg::Invocation inv;
  inv.object = kp::allocation_uid(ns);
  inv.cells.start_column = 6;
  inv.cells.end_column = 6;
  const auto a = kp::Machine::Tper::invoke(p, s, session_as("KeyPerIOSP", "Admin1"), inv);
  REQUIRE(a.status == "ok");
  REQUIRE(a.results.size() == 1);
  REQUIRE(a.results[0].items.size() == 1);
  return a.results[0].items[0].items.at(1);
}
}  // namespace

TEST_CASE("kpio methods: each successful Get names the requirement of the §3.2 step it serves") {
  // The ids are spec/requirements/kpio.json's, each quoting the step of seed 002 that reads
  // the object: KPIO-3.2.2-1 "Gets the MSID's PIN value from the C_PIN Table ... the SID's
  // C_PIN credential", KPIO-3.2.3-1 "Determines the life cycle state of the Key Per I/O SP ...
  // Activates", KPIO-3.2.4-1 "Admin1's C_PIN credential", KPIO-3.2.6-1 the KPIOPolicies row's
  // Key Injection Interface, KPIO-3.2.7-1 the KeyEncryptionKey row's access lock, KPIO-3.2.5-1
  // "the Managed column in the KeyTagAllocation Table", KPIO-3.2.16-2 "Retrieves the UID of the
  // KeyPerIOPublicKeyCertificateData byte table and the size ... Retrieves the certificate data".
  kp::Profile p;
  auto s = kp::Machine::initial(p);
  const auto get = [&](std::string_view sp, std::string_view who, std::uint64_t obj, std::uint64_t lo, std::uint64_t hi) {
    tcg::Invocation inv;
    inv.object = obj;
    inv.cells.start_column = lo;
    inv.cells.end_column = hi;
    return kp::Machine::Tper::invoke(p, s, session_as(sp, who), inv);
  };
  const auto names = [](const tcg::SpAnswer& a, const char* rule) {
    CHECK(a.status == "ok");
    CHECK(a.rule == rule);
  };
  names(get("AdminSP", "Anybody", tcg::uid_of("C_PIN_MSID"), 3, 3), "KPIO-3.2.2-1");  // §3.2.2 step 2
  names(get("AdminSP", "SID", tcg::uid_of("C_PIN_SID"), 5, 7), "KPIO-3.2.2-1");
  names(get("AdminSP", "SID", tcg::uid_of("KeyPerIOSP"), 6, 6), "KPIO-3.2.3-1");      // §3.2.3 step 2
  names(call(p, s, session_as("AdminSP", "SID"), tcg::uid_of("KeyPerIOSP"), tcg::Method::activate), "KPIO-3.2.3-1");  // step 3
  REQUIRE(s.kpio_active);
  names(get("KeyPerIOSP", "Admin1", tcg::uid_of("C_PIN_Admin1"), 5, 7), "KPIO-3.2.4-1");
  names(get("KeyPerIOSP", "Admin1", tcg::uid_of("KPIOPolicies"), 1, 7), "KPIO-3.2.6-1");
  names(get("KeyPerIOSP", "Admin1", kp::kek_uid(1), 3, 6), "KPIO-3.2.7-1");
  names(get("KeyPerIOSP", "Admin1", kp::allocation_uid(1), 1, 6), "KPIO-3.2.5-1");
  names(get("KeyPerIOSP", "Admin1", tcg::uid_of("Certificate1"), 3, 4), "KPIO-3.2.16-2");  // §3.2.16 step 3
  tcg::Invocation bytes;  // §3.2.16 step 4 (Tables 55, 56): the byte table's rows
  bytes.object = tcg::uid_of("KeyPerIOPublicKeyCertificateData");
  bytes.cells.start_row = 0;
  bytes.cells.end_row = 3;
  names(kp::Machine::Tper::invoke(p, s, session_as("KeyPerIOSP", "Admin1"), bytes), "KPIO-3.2.16-2");
}

TEST_CASE("kpio methods: only Revert on the AdminSP object reverts the TPer, only RevertSP on ThisSP the SP (§3.2.21, §3.2.22)") {
  // TCG Core: Revert is a method of an SP object, RevertSP is invoked on ThisSP. Another
  // method on those objects, or Revert / RevertSP on another object, reverts nothing: the SP
  // stays Manufactured, the SID PIN stays, and the session goes on.
  kp::Profile p;
  const auto base = activated(p);
  struct Case {
    const char* what;
    const char* sp;
    const char* who;
    std::uint64_t obj;
    tcg::Method m;
  };
  for (const auto& c : {Case{"Get on the AdminSP object", "AdminSP", "SID", tcg::uid_of("AdminSP"), tcg::Method::get},
                        Case{"Revert on C_PIN_MSID", "AdminSP", "SID", tcg::uid_of("C_PIN_MSID"), tcg::Method::revert},
                        Case{"Get on ThisSP", "KeyPerIOSP", "Admin1", tcg::uid_of("ThisSP"), tcg::Method::get},
                        Case{"RevertSP on KPIOPolicies", "KeyPerIOSP", "Admin1", tcg::uid_of("KPIOPolicies"), tcg::Method::revert_sp}}) {
    CAPTURE(c.what);
    auto s = base;
    const auto a = call(p, s, session_as(c.sp, c.who), c.obj, c.m);
    CHECK_FALSE(a.end_session);
    CHECK(s == base);
    CHECK(s.kpio_active);
  }
  // and the two that do (§3.2.21 RevertSP, §3.2.22 Revert): the SP goes back to Manufactured-Inactive
  for (const auto& c : {Case{"Revert on AdminSP", "AdminSP", "SID", tcg::uid_of("AdminSP"), tcg::Method::revert},
                        Case{"RevertSP on ThisSP", "KeyPerIOSP", "Admin1", tcg::uid_of("ThisSP"), tcg::Method::revert_sp}}) {
    CAPTURE(c.what);
    auto s = base;
    const auto a = call(p, s, session_as(c.sp, c.who), c.obj, c.m);
    CHECK(a.status == "ok");
    CHECK(a.end_session);
    CHECK_FALSE(s.kpio_active);
  }
}

TEST_CASE("kpio methods: AllowedKeyEncryptionKeys is one value: Set replaces it, Managed TRUE starts it empty (§3.2.8, §4.2.3)") {
  kp::Profile p;
  auto s = activated(p);
  const auto admin1 = session_as("KeyPerIOSP", "Admin1");
  const auto ns1 = kp::allocation_uid(1);
  REQUIRE(call(p, s, admin1, ns1, tcg::Method::set, {{4, Value::of_uint(1)}}).status == "ok");  // §3.2.5
  // §3.2.8 "setting the AllowedKeyEncryptionKeys column ... to include the KEK UID": a Set of a
  // column gives it the new value (TCG Core Set), it does not append to the old one.
  REQUIRE(call(p, s, admin1, ns1, tcg::Method::set, {{6, uid_values({kp::kek_uid(1)})}}).status == "ok");
  CHECK(allowed_of(p, s, 1) == uid_values({kp::kek_uid(1)}));
  const auto a = call(p, s, admin1, ns1, tcg::Method::set, {{6, uid_values({kp::kek_uid(2)})}});
  CHECK(a.status == "ok");
  CHECK(a.rule == "KPIO-3.2.8-1");
  CHECK(allowed_of(p, s, 1) == uid_values({kp::kek_uid(2)}));
  // A list element is a UID reference, a bytes atom: an integer is not one, whatever else the
  // in-memory Value carries (KPIO-3.3-COLUMNS), and the column keeps its value.
  Value stray = Value::of_uint(0);
  stray.b = tcg::uid_bytes(kp::kek_uid(1));
  const auto bad = call(p, s, admin1, ns1, tcg::Method::set, {{6, Value::of_list({stray})}});
  CHECK(bad.status == "INVALID_PARAMETER");
  CHECK(bad.rule == "KPIO-3.3-COLUMNS");
  CHECK(allowed_of(p, s, 1) == uid_values({kp::kek_uid(2)}));

  // §4.2.3 Tables 75, 76: NS5's AllowedKeyEncryptionKey is N/A while it is not managed and
  // empty once Managed goes to TRUE, whatever the unmanaged row held.
  auto t = activated(p);
  t.allocations[1].allowed = {tcg::to_uid(kp::kek_uid(1))};
  REQUIRE(kp::Machine::validate_state(p, t));
  const auto m = call(p, t, admin1, kp::allocation_uid(2), tcg::Method::set, {{4, Value::of_uint(1)}});
  CHECK(m.status == "ok");
  CHECK(m.rule == "KPIO-4.2.3-1");
  CHECK(t.allocations[1].managed);
  CHECK(allowed_of(p, t, 2) == Value::of_list({}));
}

TEST_CASE("kpio methods: NumberOfKeyTags set to its current value is no decrease (§4.2.5, §4.2.6)") {
  // KPIO-4.2.6-1 governs a decrease ("can only be decreased if ..."); a Set that keeps or
  // raises the count is KPIO-4.2.5-1's ("can be set to a value no larger than ...").
  kp::Profile p;
  p.max_key_tags_per_namespace = 2;
  p.total_key_tags = 3;
  auto s = activated(p);
  const auto admin1 = session_as("KeyPerIOSP", "Admin1");
  const auto ns1 = kp::allocation_uid(1);
  REQUIRE(call(p, s, admin1, ns1, tcg::Method::set, {{4, Value::of_uint(1)}}).status == "ok");
  REQUIRE(s.allocations[0].number_of_key_tags == p.default_key_tags);
  const auto tags = [&](std::uint64_t n) { return call(p, s, admin1, ns1, tcg::Method::set, {{5, Value::of_uint(n)}}); };
  for (const auto& [n, rule] : {std::pair<std::uint64_t, const char*>{1, "KPIO-4.2.5-1"}, {2, "KPIO-4.2.5-1"},
                                {2, "KPIO-4.2.5-1"}, {1, "KPIO-4.2.6-1"}}) {
    CAPTURE(n);
    const auto a = tags(n);
    CHECK(a.status == "ok");
    CHECK(a.rule == rule);
    CHECK(s.allocations[0].number_of_key_tags == n);
  }
}

namespace {
kmip::Item seed_request(int table) {
  static const Json all = testing::load_vectors("tcg-seed002.json");
  for (const auto& v : all["vectors"])
    if (v["id"] == "kpio-table" + std::to_string(table) + "-sp3-compacket")
      return kmip::decode_prefix(tcg::decode_raw_compacket(testing::unhex(v["expect"]["hex"]))->data)->first;
  FAIL("no Table " << table);
  return {};
}
const kmip::Item* find(const kmip::Item& m, std::uint32_t tg) {
  if (m.tag == tg) return &m;
  for (const auto& c : m.children)
    if (const auto* r = find(c, tg)) return r;
  return nullptr;
}
std::string text_of(const kmip::Item& m, std::uint32_t tg) {
  const auto* i = find(m, tg);
  REQUIRE(i);
  return std::string(i->bytes.begin(), i->bytes.end());
}
Bytes bytes_of(const kmip::Item& m, std::uint32_t tg) {
  const auto* i = find(m, tg);
  REQUIRE(i);
  return i->bytes;
}
std::vector<const kmip::Item*> batch_items(const kmip::Item& m) {
  std::vector<const kmip::Item*> out;
  for (const auto& c : m.children)
    if (c.tag == kp::tag::batch_item) out.push_back(&c);
  return out;
}
/// The host side of the abstract import events (protected: only the events reach them).
struct Host : kp::Machine {
  using kp::Machine::kek_request;
  using kp::Machine::mek_request;
};
}  // namespace

TEST_CASE("kpio methods: the host's Import requests are the note's Tables 40, 49, 61 and 67, item for item") {
  // The key material, the UniqueIdentifiers and the wrapping KEK's UID are taken from each
  // table; everything else (header, BatchCount and BatchOrderOption, UniqueBatchItemID,
  // attributes, wrapping data) must come out as the table has it.
  const std::string kek1 = "c51a6ce0-e11c-4320-80c2-f1f270d2368e";
  {  // Table 40 (§3.2.11, §3.4.2): KEK1 in plaintext
    const auto want = seed_request(40);
    kp::ImportKek e{1, bytes_of(want, kp::tag::key_material), text_of(want, kp::tag::unique_id), "plaintext", 0, std::nullopt, {}, {}};
    CHECK(Host::kek_request(e, kp::kek_uid(1), e.key, "", {}) == want);
  }
  {  // Table 49 (§3.2.13, §3.4.3): KEK2 wrapped with KEK1 by AES key wrap
    const auto want = seed_request(49);
    kp::ImportKek e{2, {}, text_of(want, kp::tag::unique_id), "aes_kw", 1, std::nullopt, {}, {}};
    CHECK(Host::kek_request(e, kp::kek_uid(2), bytes_of(want, kp::tag::key_value), kek1, {}) == want);
  }
  {  // Table 67 (§3.2.18, §3.4.7.7): KEK2 wrapped with KEK1 and the nonce, AES-GCM with its tag
    const auto want = seed_request(67);
    kp::ImportKek e{2, {}, text_of(want, kp::tag::unique_id), "aes_gcm", 1, std::nullopt, bytes_of(want, kp::tag::iv), {}};
    CHECK(Host::kek_request(e, kp::kek_uid(2), bytes_of(want, kp::tag::key_value), kek1, bytes_of(want, kp::tag::ae_tag)) == want);
  }
  {  // Table 61 (§3.2.17, §3.4.6): an MEK as two linked batch items, 01 and 02, NamespaceID 1, KeyTag 1
    auto want = seed_request(61);
    const auto items = batch_items(want);
    REQUIRE(items.size() == 2);
    const Bytes w1 = bytes_of(*items[0], kp::tag::key_value), w2 = bytes_of(*items[1], kp::tag::key_value);
    // the model names its halves mek-<NSID>-<KeyTag>-key1/2; the table's UUIDs are renamed to those
    const std::string u1 = text_of(*items[0], kp::tag::unique_id), u2 = text_of(*items[1], kp::tag::unique_id);
    const std::function<void(kmip::Item&)> rename = [&](kmip::Item& i) {
      const std::string t(i.bytes.begin(), i.bytes.end());
      if (i.type == kmip::ItemType::text_string && t == u1) i.bytes = to_bytes("mek-1-1-key1");
      if (i.type == kmip::ItemType::text_string && t == u2) i.bytes = to_bytes("mek-1-1-key2");
      for (auto& c : i.children) rename(c);
    };
    rename(want);
    const kp::ImportMek e{1, 1, {}, {}, 1, false, std::nullopt, {}};
    CHECK(Host::mek_request(e, w1, w2, kek1, {}, {}) == want);
  }
}

TEST_CASE("kpio methods: an Import's response echoes the note's UniqueBatchItemIDs (Tables 42, 63)") {
  // KMIP 2.1: a response batch item carries its request item's UniqueBatchItemID; the note's
  // KEK request has one item, 01 (Table 42), its MEK request two, 01 and 02 (Table 63).
  kp::Profile p;
  auto s = kp::Machine::initial(p);
  const auto step = [&](const kp::Event& e) {
    auto r = kp::Machine::step(p, s, e);
    s = std::move(r.next);
    return r.out;
  };
  const auto ids = [](const kp::Output& o) {
    std::vector<Bytes> out;
    const auto m = kmip::decode_prefix(tcg::decode_raw_compacket(o.response)->data)->first;
    for (const auto* bi : batch_items(m)) out.push_back(bytes_of(*bi, kp::tag::batch_item_id));
    return out;
  };
  REQUIRE(step(kp::TakeOwnership{}).is_ok());
  REQUIRE(step(kp::ActivateSp{}).is_ok());
  const auto [kek, unused] = kp::named_key("KEK1");
  const auto k = step(kp::ImportKek{1, kek, "kek-1", "plaintext", 0, std::nullopt, Bytes(12, 1), {}});
  REQUIRE(k.is_ok());
  CHECK(ids(k) == std::vector<Bytes>{{0x01}});
  REQUIRE(step(kp::SetColumn{"KeyTagAllocation1", "Managed", true, std::nullopt}).is_ok());
  REQUIRE(step(kp::SetColumn{"KeyTagAllocation1", "AllowedKeyEncryptionKeys", Json::array({"KeyEncryptionKey1"}), std::nullopt}).is_ok());
  REQUIRE(step(kp::ExchangeProperties{}).is_ok());
  const auto [m1, m2] = kp::named_key("KPIO-MEK1");
  const auto m = step(kp::ImportMek{1, 0, m1, m2, 1, false, std::nullopt, Bytes(12, 1)});
  REQUIRE(m.is_ok());
  CHECK(ids(m) == std::vector<Bytes>{{0x01}, {0x02}});
}

TEST_CASE("kpio methods: the cache invariants at the last namespace and outside every namespace") {
  // KPIO-3.2.5-2 (an injected MEK sits in a managed namespace) and KPIO-4.2.3-1 (a managed
  // namespace holds no factory MEK) for namespace n of n, the last row of KeyTagAllocation;
  // a factory MEK of no namespace (NSID 0) sits in no managed namespace.
  kp::Profile p;
  p.namespaces = 2;
  auto s = active_state(p);
  s.allocations[1].managed = true;
  s.allocations[1].number_of_key_tags = 1;
  const auto verdict = [&](std::vector<kp::CacheEntry> cache) {
    auto t = s;
    t.cache = std::move(cache);
    const auto v = kp::Machine::validate_state(p, t);
    return v ? std::string("ok") : v.error().message;
  };
  CHECK(verdict({kp::CacheEntry{2, 0, false, Bytes(32, 7), Bytes(32, 8)}}) == "ok");
  CHECK(verdict({kp::CacheEntry{2, 0, true, Bytes(32, 9), Bytes(32, 10)}}) == "violates invariant:kpio.no_factory_mek_when_managed");
  // validate_state refuses a factory MEK of no namespace (Table 71: one per namespace); the
  // invariant alone, as the explorer calls it, reads no allocation row for it and holds.
  CHECK(verdict({kp::CacheEntry{0, 0, true, Bytes(32, 9), Bytes(32, 10)}}) ==
        "cache[0]: a factory MEK names a namespace 1..2 and key tag 0");
  auto t = s;
  t.cache = {kp::CacheEntry{0, 0, true, Bytes(32, 9), Bytes(32, 10)}};
  CHECK(kp::inv::no_factory_mek_when_managed(p, t));
}

}  // namespace LOCKREF_UNITY_ID
