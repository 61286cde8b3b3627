// RFC 4108 loader (model/lockref/fwpkg/loader.hpp), part 1: the pure helpers and the checks on
// given profiles and states - legacy-name families and their natural order (E-FWPKG-LEGACY, as
// loader.hpp's LegacyOrder comment defines it), serial-number comparison and community
// membership (§2.2.8, E-FWPKG-SERIAL-BLOCK), the stale lists (§1.2.3.1, §1.2.3.2, §6.3),
// Machine::validate / validate_state, the invariants, view_requirement and label.
// Expected values come from RFC 4108 (the whole RFC: ../shared/external-vectors/rfc4108/rfc4108.txt)
// and from the contracts written in loader.hpp's comments (cited next to each check), never from
// what lockref returns. Part 2 (test_mutants_fwpkg_l2.cpp) covers the decision itself.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lockref/fwpkg/builder.hpp"
#include "lockref/fwpkg/loader.hpp"

namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }
PackageName legacy_name(Bytes n) { return PackageName{Legacy{std::move(n)}}; }
PackageName pref(std::string_view o, std::uint64_t v) { return PackageName{Preferred{std::string(o), v}}; }
int cmp(std::string_view x, std::string_view y) {
  const Bytes bx = b(x), by = b(y);
  return legacy::compare(bx, by);
}
constexpr std::string_view kA = "1.3.6.1.4.1.221121.2.1";
constexpr std::string_view kB = "1.3.6.1.4.1.221121.2.2";
constexpr std::string_view kCommunity = "1.3.6.1.4.1.221121.3.1";
}  // namespace

TEST_CASE("fwpkg legacy names: a digit run is one placeholder, and no octet a name may hold stands for it (E-FWPKG-LEGACY)") {
  // loader.hpp LegacyOrder::natural: "names are of one family when they are equal after every run of
  // ASCII digits is replaced by one placeholder"; "a name holding [0xff] still has a family".
  CHECK(same_package(legacy_name(b("fw-1.2.3")), legacy_name(b("fw-1.10.0"))));
  CHECK_FALSE(same_package(legacy_name(b("fw-1.2.3")), legacy_name(b("fw-1.2"))));
  // a digit run is not the octet 0xfe, nor 0xff, nor 0x00 0xfe, nor 0xff 0xff in its place
  for (const Bytes& odd : {Bytes{'f', 'w', 0xFE}, Bytes{'f', 'w', 0xFF}, Bytes{'f', 'w', 0x00, 0xFE}, Bytes{'f', 'w', 0xFF, 0xFF}}) {
    CAPTURE(to_hex(odd));
    CHECK_FALSE(same_package(legacy_name(b("fw1")), legacy_name(odd)));
  }
}

TEST_CASE("fwpkg legacy names: natural order, digit runs as numbers, left to right (E-FWPKG-LEGACY)") {
  CHECK(cmp("v19", "v18") > 0);  // 19 > 18
  CHECK(cmp("v18", "v19") < 0);
  CHECK(cmp("v12", "v13") < 0);  // equal-length runs compare digit by digit
  CHECK(cmp("v0x", "v0x") == 0);  // a run "0" is the number 0 on both sides
  CHECK(cmp("v1", "v01") == 0);   // leading zeros do not count: 01 = 1
  CHECK(cmp("v01", "v1") == 0);
  CHECK(cmp("a", "b") < 0);       // other octets compare as octets
  CHECK(cmp("a1", "ab") < 0);     // '1' (0x31) < 'b' (0x62): a digit against a non-digit is an octet
  CHECK(cmp("a", "ab") < 0);      // a proper prefix is smaller
  CHECK(cmp("ab", "a") > 0);
  // the comparison stops at the end of each name: the octets after a name's end (here in the same
  // buffer) are not part of it. "fw1" < "fw1.0" (a prefix), "fw1" < "fw10".
  const Bytes tilde = b("fw1~"), two = b("fw12"), longer = b("fw1.0"), ten = b("fw10");
  const ByteView fw1a(tilde.data(), 3), fw1b(two.data(), 3);
  CHECK(legacy::compare(fw1a, longer) < 0);
  CHECK(legacy::compare(longer, fw1a) > 0);
  CHECK(legacy::compare(fw1b, ten) < 0);
  CHECK(legacy::compare(ten, fw1b) > 0);
}

TEST_CASE("fwpkg names: a version is not older than itself (RFC 4108 §1.2.3 'earlier version')") {
  CHECK_FALSE(older(pref(kA, 1), pref(kA, 1)));
  CHECK(older(pref(kA, 1), pref(kA, 2)));
  CHECK_FALSE(older(legacy_name(b("boot-1.0")), legacy_name(b("boot-1.0"))));
  CHECK(older(legacy_name(b("boot-1.0")), legacy_name(b("boot-1.1"))));
}

TEST_CASE("fwpkg serial numbers: unsigned numbers ignore leading zero octets; octet strings compare as such (E-FWPKG-SERIAL-BLOCK)") {
  CHECK(serial_compare(Bytes{0x05}, Bytes{0x00, 0x05}) == 0);
  CHECK(serial_compare(Bytes{0x00, 0x05}, Bytes{0x05}) == 0);
  CHECK(serial_compare(Bytes{0x01, 0x05}, Bytes{0x01, 0x05}) == 0);
  CHECK(serial_compare(Bytes{0x01}, Bytes{0x02}) < 0);
  CHECK(serial_compare(Bytes{0x02}, Bytes{0x01}) > 0);
  CHECK(serial_compare(Bytes{0x01, 0x02}, Bytes{0x01, 0x02}, SerialOrder::octets) == 0);
  CHECK(serial_compare(Bytes{0x01, 0x02}, Bytes{0x01, 0x03}, SerialOrder::octets) < 0);
  CHECK(serial_compare(Bytes{0x01, 0x03}, Bytes{0x01, 0x02}, SerialOrder::octets) > 0);
}

TEST_CASE("fwpkg communities: communityOID membership and hwModuleList entries all / single / block (RFC 4108 §2.2.8)") {
  State s;  // hw_type 1.3.6.1.4.1.221121.1.1.42
  s.serial = Bytes{0x05};
  s.communities = {std::string(kCommunity)};
  const std::string hw = s.hw_type;
  auto by_oid = [](std::string_view o) { return Community{std::string(o), "", {}}; };
  auto hw_list = [](std::string t, std::vector<SerialEntry> e) { return Community{std::nullopt, std::move(t), std::move(e)}; };
  const SerialEntry all{SerialKind::all, {}, {}};
  CHECK(in_community(s, {by_oid(kCommunity)}));
  CHECK_FALSE(in_community(s, {by_oid("1.3.6.1.4.1.221121.3.2")}));
  CHECK(in_community(s, {hw_list(hw, {all})}));
  // "hwType ... the hardware module type": another type's list does not include this module
  CHECK_FALSE(in_community(s, {hw_list("1.3.6.1.4.1.221121.1.1.99", {all})}));
  // "if the bootstrap loader does not have access to the hardware module serial number, then the
  // bootstrap loader MUST behave as though the hardware module is not included in the community"
  State no_serial = s;
  no_serial.serial.reset();
  CHECK_FALSE(in_community(no_serial, {hw_list(hw, {all})}));
  CHECK(in_community(s, {hw_list(hw, {SerialEntry{SerialKind::single, {0x05}, {}}})}));
  CHECK_FALSE(in_community(s, {hw_list(hw, {SerialEntry{SerialKind::single, {0x06}, {}}})}));
  // block: "low ... high" inclusive
  auto block = [&](std::uint8_t serial) {
    State t = s;
    t.serial = Bytes{serial};
    return in_community(t, {hw_list(hw, {SerialEntry{SerialKind::block, {0x05}, {0x09}}})});
  };
  CHECK_FALSE(block(4));
  CHECK(block(5));
  CHECK(block(9));
  CHECK_FALSE(block(10));
}

TEST_CASE("fwpkg stale lists: one entry per package, never lowered; full lists drop their oldest (RFC 4108 §1.2.3.1, §1.2.3.2, §6.3)") {
  Profile p;
  {
    State s;
    record_stale(p, s, pref(kA, 7), StaleVersion{5});
    record_stale(p, s, pref(kA, 8), StaleVersion{3});
    CHECK(s.stale == std::vector<StaleEntry>{{std::string(kA), 5}});
  }
  auto legacy_after = [&](std::vector<std::string_view> names, std::uint32_t capacity = 0) {
    Profile q = p;
    q.stale_capacity = capacity;
    State s;
    for (auto n : names) record_stale(q, s, legacy_name(b("x")), StaleLegacy{b(n)});
    return s.stale_legacy;
  };
  CHECK(legacy_after({"fw-1"}) == std::vector<Bytes>{b("fw-1")});
  CHECK(legacy_after({"fw-2", "fw-1"}) == std::vector<Bytes>{b("fw-2")});  // never lowered
  CHECK(legacy_after({"fw-1", "fw-2"}) == std::vector<Bytes>{b("fw-2")});  // raised
  CHECK(legacy_after({"fw-01", "fw-1"}) == std::vector<Bytes>{b("fw-1")});  // not raised: the newest recording stays
  CHECK(legacy_after({"fw-1", "boot-1"}, 1) == std::vector<Bytes>{b("boot-1")});  // §6.3: the oldest leaves
}

TEST_CASE("fwpkg profile: validate refuses what no module could be (Machine::validate)") {
  auto ok = [](auto&& edit) {
    Profile p;
    edit(p);
    return Machine::validate(p).ok();
  };
  CHECK(ok([](Profile&) {}));
  CHECK_FALSE(ok([](Profile& p) { p.algorithms.digests.clear(); }));
  CHECK_FALSE(ok([](Profile& p) { p.algorithms.schemes.clear(); }));
  CHECK(ok([](Profile& p) { p.algorithms.min_rsa_bits = p.algorithms.max_rsa_bits = 3072; }));
  CHECK_FALSE(ok([](Profile& p) {
    p.algorithms.min_rsa_bits = 4096;
    p.algorithms.max_rsa_bits = 3072;
  }));
  // "max_firmware_size: 1..2^30 bytes"
  CHECK_FALSE(ok([](Profile& p) { p.max_firmware_size = 0; }));
  CHECK(ok([](Profile& p) { p.max_firmware_size = 1; }));
  CHECK(ok([](Profile& p) { p.max_firmware_size = std::uint64_t{1} << 30; }));
  CHECK_FALSE(ok([](Profile& p) { p.max_firmware_size = (std::uint64_t{1} << 30) + 1; }));
  // "explore_versions: 0..4"
  CHECK(ok([](Profile& p) { p.explore_versions = 4; }));
  CHECK_FALSE(ok([](Profile& p) { p.explore_versions = 5; }));
  // spec/errata.md: each open code has its listed alternatives only
  CHECK_FALSE(ok([](Profile& p) { p.codes.compressed_syntax = ErrorCode::badSignerInfo; }));
  CHECK_FALSE(ok([](Profile& p) { p.codes.missing_decrypt_key_id = ErrorCode::decryptFailure; }));
  CHECK_FALSE(ok([](Profile& p) { p.codes.digest_mismatch = ErrorCode::signatureFailure; }));
  CHECK_FALSE(ok([](Profile& p) { p.codes.firmware_digest_mismatch = ErrorCode::badSignedAttrs; }));
  CHECK(ok([](Profile& p) {
    p.codes.compressed_syntax = ErrorCode::decompressFailure;
    p.codes.missing_decrypt_key_id = ErrorCode::noDecryptKey;
    p.codes.digest_mismatch = ErrorCode::badSignerInfo;
    p.codes.firmware_digest_mismatch = ErrorCode::decryptFailure;
  }));
}

TEST_CASE("fwpkg state: validate_state refuses states a loader cannot be in (Machine::validate_state)") {
  const Profile p;
  auto ok = [&](auto&& edit, const Profile& q) {
    State s = example::module();
    edit(s);
    return Machine::validate_state(q, s).ok();
  };
  auto good = [&](auto&& edit) { return ok(edit, p); };
  CHECK(good([](State&) {}));
  CHECK_FALSE(good([](State& s) { s.hw_type = "not an oid"; }));  // §1.2.1 an OID names each type
  CHECK_FALSE(good([](State& s) { s.trust_anchors[0].public_key = Bytes{0x30, 0x00}; }));
  CHECK_FALSE(good([](State& s) { s.communities.push_back("x"); }));
  CHECK_FALSE(good([](State& s) { s.decrypt_keys.push_back(DecryptKey{s.decrypt_keys[0].id, Bytes(32, 1)}); }));
  CHECK_FALSE(good([](State& s) { s.module_key->private_key = Bytes{0x30, 0x00}; }));
  CHECK_FALSE(good([](State& s) { s.module_key->key_id.clear(); }));
  CHECK(good([](State& s) { s.module_key.reset(); }));
  CHECK_FALSE(good([](State& s) { s.installed.push_back(Installed{pref("x", 1), 1, {}}); }));
  CHECK_FALSE(good([](State& s) {
    s.installed.push_back(Installed{pref(kA, 1), 1, {}});
    s.installed.push_back(Installed{pref(kA, 2), 1, {}});
  }));
  Profile one = p;
  one.max_installed = 1;
  CHECK(ok([](State& s) { s.installed.push_back(Installed{pref(kA, 1), 1, {}}); }, one));
  CHECK_FALSE(ok(
      [](State& s) {
        s.installed.push_back(Installed{pref(kA, 1), 1, {}});
        s.installed.push_back(Installed{pref(kB, 1), 1, {}});
      },
      one));
  CHECK_FALSE(good([](State& s) { s.stale.push_back(StaleEntry{"x", 1}); }));
  CHECK_FALSE(good([](State& s) {
    s.stale.push_back(StaleEntry{std::string(kA), 1});
    s.stale.push_back(StaleEntry{std::string(kA), 2});
  }));
  Profile cap = p;
  cap.stale_capacity = 1;
  CHECK(ok([](State& s) { s.stale.push_back(StaleEntry{std::string(kA), 1}); }, cap));
  CHECK(ok([](State& s) { s.stale_legacy.push_back(b("fw-1")); }, cap));
  CHECK_FALSE(ok(
      [](State& s) {
        s.stale.push_back(StaleEntry{std::string(kA), 1});
        s.stale.push_back(StaleEntry{std::string(kB), 1});
      },
      cap));
  CHECK_FALSE(ok(
      [](State& s) {
        s.stale_legacy.push_back(b("fw-1"));
        s.stale_legacy.push_back(b("boot-1"));
      },
      cap));
}

TEST_CASE("fwpkg invariants: one entry per package, within max_installed and stale_capacity") {
  Profile p;
  p.max_installed = 2;
  p.stale_capacity = 1;
  State s;
  s.installed = {Installed{pref(kA, 1), 1, {}}, Installed{pref(kB, 1), 1, {}}};
  CHECK(inv::one_entry_per_package(p, s));
  CHECK(inv::within_memory(p, s));  // exactly max_installed
  s.stale = {StaleEntry{std::string(kA), 0}};
  s.stale_legacy = {b("fw-1")};
  CHECK(inv::within_memory(p, s));  // exactly stale_capacity
  State dup = s;
  dup.installed[1] = Installed{pref(kA, 2), 1, {}};
  CHECK_FALSE(inv::one_entry_per_package(p, dup));
  State full = s;
  full.installed.push_back(Installed{legacy_name(b("boot-1.0")), 0, {}});
  CHECK_FALSE(inv::within_memory(p, full));
  State stale2 = s;
  stale2.stale.push_back(StaleEntry{std::string(kB), 0});
  CHECK_FALSE(inv::within_memory(p, stale2));
  State legacy2 = s;
  legacy2.stale_legacy.push_back(b("boot-1"));
  CHECK_FALSE(inv::within_memory(p, legacy2));
}

TEST_CASE("fwpkg view: requirement of each state field, and the label lists the installed packages") {
  // spec/requirements/fwpkg.json: FWPKG-1.2.3-STALE (the stale lists), FWPKG-ACCEPT-1 (what an
  // accepted package changes: installed, configuration), FWPKG-REJECT-1 (nothing else changes).
  CHECK(Machine::view_requirement("stale") == "FWPKG-1.2.3-STALE");
  CHECK(Machine::view_requirement("stale_legacy") == "FWPKG-1.2.3-STALE");
  CHECK(Machine::view_requirement("installed") == "FWPKG-ACCEPT-1");
  CHECK(Machine::view_requirement("configuration") == "FWPKG-ACCEPT-1");
  CHECK(Machine::view_requirement("trust_anchors") == "FWPKG-REJECT-1");
  const Profile p;
  State s;
  CHECK(Machine::label(p, s) == "(nothing installed)");
  s.installed = {Installed{pref(kA, 1), 1, {}}, Installed{pref(kB, 2), 2, {}}};
  CHECK(Machine::label(p, s) == std::string(kA) + " v1\n" + std::string(kB) + " v2");
}

}  // namespace LOCKREF_UNITY_ID
