// Key Per I/O TPer transport (kpio/sp.hpp): what tools/mutate.py left surviving in the
// Call / Send entry points, the scripted sessions of the abstract events (TakeOwnership,
// SetColumn) and the Security Protocol 0x03 framing. Each case names the seed 002 section,
// the TCG Core / KMIP 2.1 text or the catalogue rule (spec/requirements/*.json) that fixes the
// expected answer.
#include <doctest/doctest.h>

#include "external_vectors.hpp"
#include "kpio_fixture.hpp"
#include "lockref/kpio/sp.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace kp = lockref::kpio;
using tcg::Value;

namespace {
namespace fx = lockref::test::kpio_fixture;
/// A method call item, in the JSON form of a Call event (tcg/json.hpp).
Json method_item(std::uint64_t obj, std::string_view method, std::vector<Value> args) {
  return tcg::item_to_json(tcg::MethodCall{tcg::uid_bytes(obj), tcg::uid_bytes(tcg::uid_of(method)), std::move(args), {0, 0, 0}});
}
/// SMUID.StartSession[HostSessionID 1, SPID, Write] with no authority: Anybody (Table 10).
Json start_session(std::string_view sp, std::uint64_t write) {
  return method_item(tcg::uid_of("SMUID"), "StartSession",
                     {Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(tcg::uid_of(sp))), Value::of_uint(write)});
}
/// The fixture's TPer, with a check of a refusal.
struct Tper : fx::Tper {
  /// An event the TPer refuses with `status` under `rule`, handling no method and changing nothing.
  void refuses(const kp::Event& e, const char* status, const char* rule) {
    const auto before = s;
    const auto o = on(e);
    CHECK(o.status == status);
    CHECK(o.rule == rule);
    CHECK(o.methods.empty());
    CHECK(s == before);
  }
};
/// The ResultStatus (and ResultReason, 0 if none) of each BatchItem of a Security Protocol 0x03
/// response (§3.4.1 ComPacket; KMIP 2.1 ResponseMessage).
std::vector<std::pair<std::int64_t, std::int64_t>> batch_results(const Bytes& response) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& bi : fx::response_items(response)) {
    const auto* st = kp::detail::child(bi, kp::tag::result_status);
    REQUIRE(st);
    const auto* why = kp::detail::child(bi, kp::tag::result_reason);
    out.emplace_back(st->num, why ? why->num : 0);
  }
  return out;
}
}  // namespace

TEST_CASE("kpio transport: a Call's output names the method the TPer handled (§3.2.2 Tables 10, 11)") {
  // §3.2.2 steps 1-2: StartSession to the Admin SP as Anybody, then Get C_PIN_MSID.PIN
  // (Cellblock startColumn 3, endColumn 3).
  Tper t;
  const auto start = t.on(kp::Call{0, 0, start_session("AdminSP", 0), 0x0800});
  REQUIRE(start.is_ok());
  CHECK(start.methods == std::vector<std::string>{"StartSession"});
  const auto ses = *t.s.sm.session;
  const auto get = t.on(kp::Call{ses.tsn, ses.hsn,
                                 method_item(tcg::uid_of("C_PIN_MSID"), "Get",
                                             {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(3)),
                                                              Value::of_name(Value::of_uint(4), Value::of_uint(3))})}),
                                 0x0800});
  REQUIRE(get.is_ok());
  CHECK(get.methods == std::vector<std::string>{"Get"});
}

TEST_CASE("kpio transport: a Call item that is no TCG item is MALFORMED under TCG-SESSION-3 and changes nothing") {
  // TCG-SESSION-3 (spec/requirements/tcg_session.json): Packet 0:0 carries session manager
  // method calls only. An item that is neither a method call, a result nor End of Session does
  // not decode at all: lockref's answer to undecodable input is MALFORMED (as opal/wire.hpp).
  Tper t;
  t.refuses(kp::Call{0, 0, Json{{"colour", 1}}, 0x0800}, "MALFORMED", "TCG-SESSION-3");
  t.refuses(kp::Call{0, 0, Json{{"call", Json{{"invoking", "not a uid"}}}}, 0x0800}, "MALFORMED", "TCG-SESSION-3");
  CHECK_FALSE(t.s.sm.session.has_value());
}

TEST_CASE("kpio transport: Security Protocol 0x01 takes a ComPacket (§3.3 Table 10); anything else is MALFORMED under TCG-SESSION-3") {
  Tper t;
  // not a ComPacket: shorter than its 20-byte header (TCG Core ComPacket)
  t.refuses(kp::Send{1, Bytes{0x00, 0x00, 0x08, 0x00}, 0}, "MALFORMED", "TCG-SESSION-3");
  const auto o = t.on(kp::Send{1, Bytes{}, 0});
  CHECK(o.status == "MALFORMED");
  CHECK(o.rule == "TCG-SESSION-3");
  CHECK(o.response.empty());
  // Table 10: StartSession to the Admin SP as Anybody, answered by SyncSession (Table 6 form)
  const auto start = t.on(kp::Send{1, fx::seed_table(10, "-encode"), 0});
  CHECK(start.is_ok());
  CHECK(start.methods == std::vector<std::string>{"StartSession"});
  CHECK_FALSE(start.response.empty());
  CHECK(t.s.sm.session.has_value());
}

TEST_CASE("kpio transport: a security protocol other than 0x01, 0x02, 0x03 is MALFORMED under KPIO-3.4.1-1") {
  // The note uses Security Protocol 0x01 (TCG methods), 0x02 (Clear MEK, Get Nonce) and 0x03
  // (the Key Injection Interface, §3.4.1); nothing travels on another. KPIO-3.4.1-1 is the
  // transport rule of §3.4.1 ("sent over the Key Injection Interface as a single payload");
  // KPIO-3.4.2-2 (§3.4.5.7, a wrapping KEK's UniqueIdentifier) has nothing to do with it.
  Tper t;
  REQUIRE(t.on(kp::TakeOwnership{}).is_ok());
  REQUIRE(t.on(kp::ActivateSp{}).is_ok());
  const auto table40 = fx::seed_table(40, "-sp3-compacket");  // §3.2.11: a plaintext KEK
  for (const int proto : {0, 4, 0xEF}) {
    CAPTURE(proto);
    t.refuses(kp::Send{static_cast<std::uint8_t>(proto), table40, 1}, "MALFORMED", "KPIO-3.4.1-1");
  }
  CHECK_FALSE(t.s.keks[0].key_set);
}

TEST_CASE("kpio transport: a Security Protocol 0x03 ComPacket whose payload is no KMIP TTLV is MALFORMED under KPIO-3.4.1-1") {
  // §3.4.1: the ComPacket header, then the KMIP message (TTLV) as its payload.
  Tper t;
  REQUIRE(t.on(kp::TakeOwnership{}).is_ok());
  REQUIRE(t.on(kp::ActivateSp{}).is_ok());
  t.refuses(kp::Send{3, tcg::encode_raw_compacket(0x0801, 0, Bytes{0x42, 0x00, 0x78}), 0}, "MALFORMED", "KPIO-3.4.1-1");
  // ... and the same framing around the seed's own message is taken (Table 40)
  CHECK(t.on(kp::Send{3, fx::seed_table(40, "-sp3-compacket"), 0}).is_ok());
  CHECK(t.s.keks[0].key_set);
}

TEST_CASE("kpio transport: a refused one-item Import answers that BatchItem OperationFailed with PermissionDenied (KMIP 2.1; §3.2.3, §3.2.6)") {
  // KMIP 2.1 Result Status: Operation Failed = 1 (Operation Undone = 3 is only for the other
  // items of a batch); Result Reason Permission Denied = 0x0C. Table 40 has one BatchItem.
  const std::vector<std::pair<std::int64_t, std::int64_t>> failed{{1, 0x0C}};
  const auto table40 = fx::seed_table(40, "-sp3-compacket");
  // Before activation (KPIO-3.2.3-2: the SP's tables do not exist while Manufactured-Inactive).
  Tper t;
  REQUIRE(t.on(kp::TakeOwnership{}).is_ok());
  const auto inactive = t.on(kp::Send{3, table40, 0});
  CHECK(inactive.status == "PermissionDenied");
  CHECK(inactive.rule == "KPIO-3.2.3-2");
  CHECK(batch_results(inactive.response) == failed);
  // §3.2.6: "When the Key Injection Interface is in a locked state, MEKs and KEKs cannot be injected".
  REQUIRE(t.on(kp::ActivateSp{}).is_ok());
  REQUIRE(t.on(kp::SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLockEnabled", true, std::nullopt}).is_ok());
  REQUIRE(t.on(kp::SetColumn{"KPIOPolicies", "KeyInjectionInterfaceLocked", true, std::nullopt}).is_ok());  // Table 23
  const auto locked = t.on(kp::Send{3, table40, 0});
  CHECK(locked.status == "PermissionDenied");
  CHECK(locked.rule == "KPIO-3.2.6-2");
  CHECK(batch_results(locked.response) == failed);
  CHECK_FALSE(t.s.keks[0].key_set);
}

TEST_CASE("kpio transport: taking ownership is a Get of MSID's PIN, then a Set of SID's (§3.2.2 Tables 10-14)") {
  Tper t;
  const auto o = t.on(kp::TakeOwnership{"new_SID_password"});
  CHECK(o.is_ok());
  CHECK(o.rule == "KPIO-3.2.2-1");
  CHECK(o.methods == std::vector<std::string>{"Get", "Set"});
  CHECK(t.s.sid.pin == "new_SID_password");
  CHECK_FALSE(t.s.sm.session.has_value());
  // Once owned the MSID is no longer SID's PIN: the Get still reads it, the StartSession as SID
  // with it is refused (TCG-AUTH-2, a wrong PIN), and the refusal names that, not §3.2.2.
  const auto again = t.on(kp::TakeOwnership{"other"});
  CHECK(again.status == "NOT_AUTHORIZED");
  CHECK(again.rule == "TCG-AUTH-2");
  CHECK(again.methods == std::vector<std::string>{"Get", "StartSession"});
  CHECK(t.s.sid.pin == "new_SID_password");
  CHECK_FALSE(t.s.sm.session.has_value());
}

TEST_CASE("kpio transport: taking ownership while a session is open stops at the first StartSession (Table 4 MaxSessions = 1)") {
  // TCG-SESSION-5: a StartSession while a session is open is NO_SESSIONS_AVAILABLE. The MSID
  // is never read, so there is no Get and no Set to follow (§3.2.2 step 4 needs step 2's PIN).
  Tper t;
  REQUIRE(t.on(kp::Call{0, 0, start_session("AdminSP", 1), 0x0800}).is_ok());
  const auto before = t.s;
  const auto o = t.on(kp::TakeOwnership{});
  CHECK(o.status == "NO_SESSIONS_AVAILABLE");
  CHECK(o.rule == "TCG-SESSION-5");
  CHECK(o.methods == std::vector<std::string>{"StartSession"});
  CHECK(t.s == before);
}

TEST_CASE("kpio transport: SetColumn addresses KeyEncryptionKey1..n and KeyTagAllocation1..n; anything else is INVALID_PARAMETER before a session (KPIO-3.3-COLUMNS)") {
  // KPIO-3.3-COLUMNS: objects and columns are the note's (and kpio_columns'); any other is
  // INVALID_PARAMETER (TCG Core method status). Such a SetColumn is never sent: no method is
  // handled and nothing changes. Rows are numbered from 1 (Table 48 KeyEncryptionKey2 =
  // 0000120200010002; Table 22 KeyTagAllocation row k is namespace k, NVMe has no NSID 0).
  kp::Profile p;
  p.keks = 9;
  Tper t{{p}};
  REQUIRE(t.on(kp::TakeOwnership{}).is_ok());
  REQUIRE(t.on(kp::ActivateSp{}).is_ok());
  // the last KEK row of a TPer with nine: a one-digit row number ending in 9
  const auto nine = t.on(kp::SetColumn{"KeyEncryptionKey9", "AccessLockEnabled", true, std::nullopt});
  CHECK(nine.is_ok());
  CHECK(nine.methods == std::vector<std::string>{"Set"});
  CHECK(t.s.keks[8].access_lock_enabled);
  auto bad = [&](std::string object, std::string column, Json value) {
    CAPTURE(object);
    CAPTURE(column);
    CAPTURE(value.dump());
    t.refuses(kp::SetColumn{std::move(object), std::move(column), std::move(value), std::nullopt}, "INVALID_PARAMETER", "KPIO-3.3-COLUMNS");
  };
  bad("KeyTagAllocation0", "Managed", true);  // no namespace 0
  bad("KeyTagAllocation3", "Managed", true);  // two namespaces (Profile default)
  bad("KeyEncryptionKey10", "AccessLockEnabled", true);
  bad("LockingTable", "Managed", true);
  bad("KPIOPolicies", "Colour", true);
  // a value that is no TCG value: a text for a boolean column (only C_PIN's PIN takes a text),
  // an object of no TCG form
  bad("KPIOPolicies", "ClearSingleMEKAllowed", "yes");
  bad("KPIOPolicies", "ClearSingleMEKAllowed", Json{{"colour", 1}});
  CHECK_FALSE(t.s.policies.clear_single_mek_allowed);
  CHECK_FALSE(t.s.allocations[0].managed);
}

}  // namespace LOCKREF_UNITY_ID
