// Unit tests of the OCP L.O.C.K. 0.9 epoch-key machine (seed 001 §4.6.4, Figure 19,
// Tables 4, 14, 15, 53, 57, §4.7.2.21.1). Expected values are read off the seed's tables
// and figure by hand.
#include <doctest/doctest.h>

#include "lockref/core/explore.hpp"
#include "lockref/drive/drive.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/lock/result_codes.hpp"
#include "registry.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref::lock::epoch;
using lockref::Json;

namespace {

struct Driver {
  Profile p;
  State s;
  explicit Driver(std::uint16_t n = 4) {
    p.slots = n;
    s = Machine::initial(p);
  }
  Output operator()(const Event& e) {
    auto st = Machine::step(p, s, e);
    s = st.next;
    return st.out;
  }
  View view() const { return Machine::observe(p, s); }
};

}  // namespace

TEST_CASE("epoch: Figure 19 walk for four slots") {
  Driver d(4);
  // Pre-production: HEK available (all-zero seed), SEK may be programmed and zeroized.
  CHECK(d.view().hek_state == HekState::avail_unerasable);
  CHECK(d(ProgramSek{}).is_ok());
  CHECK(d.view().mek_load_allowed);
  // [Enter production lifecycle state] only from "SEK zeroized".
  CHECK(d(AdvanceLifecycle{Lifecycle::production}).status == "LOCK_EPOCH_SEQUENCE");
  CHECK(d(ZeroizeSek{}).is_ok());
  CHECK(d(AdvanceLifecycle{Lifecycle::production}).is_ok());
  CHECK(d.view().hek_state == HekState::unavail_empty);  // HEK0 blank, SEK zeroized
  CHECK_FALSE(d.view().shippable);                       // Table 60 item 5
  for (std::uint16_t x = 0; x < 4; ++x) {
    INFO("slot " << x);
    CHECK(d(ProgramNextHek{x, false}).is_ok());  // HEKx programmed, SEK zeroized
    CHECK(d.view().hek_state == HekState::avail_programmed);
    CHECK(d.view().hek_metadata == HekMetadata{SeedState::programmed, x, 4});
    CHECK(d.view().shippable);
    CHECK_FALSE(d.view().mek_load_allowed);
    CHECK(d(ProgramSek{}).is_ok());  // HEKx programmed, SEK programmed: MEKs allowed
    CHECK(d.view().mek_load_allowed);
    CHECK(d(ZeroizeSek{}).is_ok());
    CHECK(d(ZeroizeCurrentHek{x, false}).is_ok());  // HEKx zeroized, SEK zeroized
    CHECK(d.view().hek_state == HekState::unavail_zeroized);
    CHECK(d.view().hek_metadata == HekMetadata{SeedState::zeroized, x, 4});
    CHECK(d.view().hek_erasures_remaining == 3 - x);
  }
  CHECK(d(ProgramNextHek{}).status == "LOCK_HEK_INVALID_SLOT");  // no slot left
  CHECK(d(EnablePermaHek{false}).is_ok());                        // ENABLE_HEK_BYPASS
  CHECK(d.view().hek_state == HekState::avail_unerasable);
  CHECK(d.view().hek_metadata == HekMetadata{SeedState::permanent, 3, 4});
  CHECK(d.view().hek_erasures_remaining == 0);
  CHECK(d(ProgramSek{}).is_ok());  // Perma-HEK enabled, SEK programmed
  CHECK(d.view().mek_load_allowed);
}

TEST_CASE("epoch: each rule of §4.6.4.2 rejects with its code and leaves the state unchanged") {
  auto expect_reject = [](Driver& d, const Event& e, std::string_view code, std::string_view rule) {
    const State before = d.s;
    const Output out = d(e);
    CHECK(out.status == code);
    CHECK(out.rule == rule);
    CHECK(d.s == before);
  };
  Driver d(4);
  d(AdvanceLifecycle{Lifecycle::production});
  // Rule 1: SEK only once the HEK is available (HEK0 blank -> unavailable).
  expect_reject(d, ProgramSek{}, "LOCK_HEK_NOT_AVAILABLE", "LOCK-4.6.4.2-1");
  // Rule 3: zeroize only after randomized or corrupted.
  expect_reject(d, ZeroizeCurrentHek{}, "LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-3");
  // §4.6.4.1: HEK_x only randomized once HEK_{x-1} zeroized -> slot 1 is not next.
  expect_reject(d, ProgramNextHek{std::uint16_t{1}, false}, "LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.1-2");
  REQUIRE(d(ProgramNextHek{}).is_ok());
  // Rule 4: next seed only once the prior is zeroized.
  expect_reject(d, ProgramNextHek{}, "LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-4");
  // Rule 5: perma-HEK only once all seeds are zeroized.
  expect_reject(d, EnablePermaHek{}, "LOCK_EPOCH_SEQUENCE", "LOCK-4.6.4.2-5");
  REQUIRE(d(ProgramSek{}).is_ok());
  // Figure 19: the SEK is not programmed again while programmed.
  expect_reject(d, ProgramSek{}, "LOCK_EPOCH_SEQUENCE", "LOCK-FIG19-5");
  // Rule 2: HEK seed only zeroized once the SEK is zeroized (interrupted or not).
  expect_reject(d, ZeroizeCurrentHek{}, "LOCK_EPOCH_SEQUENCE", "LOCK-4.6.4.2-2");
  expect_reject(d, ZeroizeCurrentHek{std::nullopt, true}, "LOCK_EPOCH_SEQUENCE", "LOCK-4.6.4.2-2");
  // Lifecycle is one-way.
  expect_reject(d, AdvanceLifecycle{Lifecycle::manufacturing}, "LOCK_EPOCH_SEQUENCE", "LOCK-4.7.2.21-ONEWAY");
  // Zeroizing the SEK (a cryptographic erase, §4.6.4) is never refused, even twice.
  CHECK(d(ZeroizeSek{}).is_ok());
  CHECK(d(ZeroizeSek{}).is_ok());
  // Wrong slot on zeroize.
  expect_reject(d, ZeroizeCurrentHek{std::uint16_t{2}, false}, "LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-3");
  // The codes used are Table 57's (the model-defined one is the profile's).
  CHECK(lockref::lock::result_code("LOCK_HEK_INVALID_SLOT")->value == 0x4C484953);
  CHECK(lockref::lock::result_code("LOCK_HEK_NOT_AVAILABLE")->value == 0x4C484E41);
}

TEST_CASE("epoch: profile slot count must be 4..16") {
  Profile p;
  for (int n : {0, 1, 3, 17, 100}) {
    p.slots = static_cast<std::uint16_t>(n);
    CHECK_FALSE(Machine::validate(p).ok());
  }
  for (int n : {4, 9, 16}) {
    p.slots = static_cast<std::uint16_t>(n);
    CHECK(Machine::validate(p).ok());
  }
  CHECK_FALSE(validate_fuses(std::vector<Slot>(3, Slot::blank), PermaHek::unset).ok());
  CHECK_FALSE(validate_fuses(std::vector<Slot>(17, Slot::blank), PermaHek::unset).ok());
}

TEST_CASE("epoch: pre-production HEK is available and unerasable") {
  for (auto lc : {Lifecycle::unprovisioned, Lifecycle::manufacturing}) {
    // Table 4 row 1: "[Any]" fuse state -> HEK_AVAIL_UNERASABLE.
    for (const auto& slots : {std::vector<Slot>(4, Slot::blank), std::vector<Slot>{Slot::zeroized, Slot::randomized, Slot::blank, Slot::blank},
                              std::vector<Slot>(4, Slot::zeroized)}) {
      State s{lc, slots, PermaHek::unset, Sek::zeroized};
      CHECK(view_of(s).hek_state == HekState::avail_unerasable);
      CHECK(view_of(s).hek_available);
      CHECK_FALSE(view_of(s).shippable);
    }
  }
  // Figure 19 shows fuse writes only in Production (profile preproduction_fuse_writes=false).
  Driver d(4);
  CHECK(d(ProgramNextHek{}).rule == "LOCK-FIG19-2");
  CHECK(d.s.slots[0] == Slot::blank);
  Driver lenient(4);
  lenient.p.preproduction_fuse_writes = true;
  CHECK(lenient(ProgramNextHek{}).is_ok());
  CHECK(lenient.view().hek_state == HekState::avail_unerasable);  // still pre-production
  CHECK(lenient(AdvanceLifecycle{Lifecycle::production}).is_ok());
  CHECK(lenient.view().hek_state == HekState::avail_programmed);
}

TEST_CASE("epoch: interrupted writes (Figure 19 invalid states)") {
  Driver d(4);
  d(AdvanceLifecycle{Lifecycle::production});
  CHECK(d(ProgramNextHek{std::nullopt, true}).rule == "LOCK-FIG19-3");
  CHECK(d.s.slots[0] == Slot::corrupted);
  CHECK(d.view().hek_metadata == HekMetadata{SeedState::corrupted, 0, 4});  // Table 15 row 3
  CHECK(d.view().hek_state == HekState::unavail_corrupted);
  CHECK(d.view().hek_erasures_remaining == 4);
  CHECK(d(ProgramSek{}).status == "LOCK_HEK_NOT_AVAILABLE");  // "No HEK/SEK available"
  CHECK(d(ProgramNextHek{}).status == "LOCK_HEK_INVALID_SLOT");  // must zeroize first
  CHECK(d(ZeroizeCurrentHek{std::uint16_t{0}, false}).is_ok());   // invalid -> zeroized
  CHECK(d.view().hek_metadata == HekMetadata{SeedState::zeroized, 0, 4});
  CHECK(d.view().hek_erasures_remaining == 3);
  // HEKx programmed -> HEKx invalid (interrupted zeroization), then zeroized.
  CHECK(d(ProgramNextHek{}).is_ok());
  CHECK(d(ZeroizeCurrentHek{std::nullopt, true}).is_ok());
  CHECK(d.s.slots[1] == Slot::corrupted);
  CHECK(d.view().hek_erasures_remaining == 3);  // not an erasure yet
  CHECK(d(ZeroizeCurrentHek{}).is_ok());
  CHECK(d.view().hek_erasures_remaining == 2);
  // Perma-HEK bit invalid -> retried -> enabled.
  for (int i = 0; i < 2; ++i) {
    d(ProgramNextHek{});
    d(ZeroizeCurrentHek{});
  }
  CHECK(d(EnablePermaHek{true}).is_ok());
  CHECK(d.s.perma_hek == PermaHek::invalid);
  CHECK_FALSE(d.view().hek_available);
  CHECK(d(EnablePermaHek{false}).is_ok());
  CHECK(d.s.perma_hek == PermaHek::set);
  CHECK(d(EnablePermaHek{false}).status == "LOCK_EPOCH_SEQUENCE");  // one-way, not re-enabled
}

TEST_CASE("epoch: exhaustive exploration matches Figure 19's state count") {
  // Figure 19 (n = 4): 2 pre-production boxes + "HEK0 blank" + 4 boxes per slot
  // (invalid, programmed/SEK zeroized, programmed/SEK programmed, zeroized) + 3 perma-HEK
  // boxes = 22. The model splits pre-production into Unprovisioned and Manufacturing: +2.
  for (int n : {4, 16}) {
    Profile p;
    p.slots = static_cast<std::uint16_t>(n);
    const auto ex = lockref::explore<Machine>(p);
    INFO("n = " << n);
    CHECK(ex.violations.empty());
    CHECK_FALSE(ex.truncated);
    CHECK(ex.states.size() == 4u + 1u + 4u * n + 3u);
  }
}

TEST_CASE("epoch: lock.hek_metadata eval op") {
  // The issue's example: slot 0 zeroized, slot 1 randomized (Table 15 row 4).
  const Json a = lockref::cli::eval_request(Json::parse(
      R"({"op":"lock.hek_metadata","lifecycle":"production","slots":["zeroized","randomized","blank","blank"],"perma_hek":false})"));
  CHECK(a.dump() ==
        R"({"ok":true,"seed_state":"HEK_SEED_AVAIL_PROGRAMMED","active_slot":1,"total_slots":4,"hek_state":"HEK_AVAIL_PROGRAMMED","hek_erasures_remaining":3})");
  auto err = [](const char* req) {
    const Json r = lockref::cli::eval_request(Json::parse(req));
    CHECK(r["ok"] == false);
    return r.value("error", "");
  };
  CHECK(err(R"({"op":"lock.hek_metadata","lifecycle":"production","slots":["blank","randomized","blank","blank"],"perma_hek":false})")
            .find("slots[1] is randomized but slot 0 is blank") != std::string::npos);
  CHECK(err(R"({"op":"lock.hek_metadata","lifecycle":"production","slots":["blank","blank","blank"],"perma_hek":false})")
            .find("4 <= n <= 16") != std::string::npos);
  CHECK(err(R"({"op":"lock.hek_metadata","lifecycle":"retired","slots":["blank","blank","blank","blank"],"perma_hek":false})")
            .find("lifecycle: unknown value \"retired\"") != std::string::npos);
  CHECK(err(R"({"op":"lock.hek_metadata","lifecycle":"production","slots":["blank","blank","blank","blank"]})") ==
        "missing field \"perma_hek\"");
  CHECK(err(R"({"op":"lock.hek_metadata","lifecycle":"production","slots":["zeroized","randomized","blank","blank"],"perma_hek":true})")
            .find("rule 5") != std::string::npos);
  CHECK(err(R"({"op":"lock.nope"})").find("unknown op") != std::string::npos);
  CHECK(err(R"([1,2])") == "request must be a JSON object");
}

// ---- errata (spec/errata.md) ------------------------------------------------------------

TEST_CASE("errata: E-LOCK-T4-SPELLING Table 4 and Table 53 spell the programmed state differently") {
  // Table 53 defines HEK_AVAIL_PROGRAMMED (value 3); Table 4 prints HEK_AVAIL_PROGRAMED.
  CHECK(lockref::enum_from_name<HekState>("HEK_AVAIL_PROGRAMMED") == HekState::avail_programmed);
  CHECK_FALSE(lockref::enum_from_name<HekState>("HEK_AVAIL_PROGRAMED").has_value());
  CHECK(static_cast<int>(HekState::avail_programmed) == 3);
}

TEST_CASE("errata: E-LOCK-FIG19-PERMA-INVALID Figure 19's perma-HEK-invalid state is reported as zeroized") {
  const std::vector<Slot> z(4, Slot::zeroized);
  // Two different Figure 19 states ...
  State all_zeroized{Lifecycle::production, z, PermaHek::unset, Sek::zeroized};
  State perma_invalid{Lifecycle::production, z, PermaHek::invalid, Sek::zeroized};
  CHECK_FALSE(all_zeroized == perma_invalid);
  // ... that Table 15 cannot tell apart: both HEK_SEED_UNAVAIL_ZEROIZED, slot 3.
  CHECK(view_of(all_zeroized).hek_metadata == view_of(perma_invalid).hek_metadata);
  CHECK(view_of(perma_invalid).hek_metadata == HekMetadata{SeedState::zeroized, 3, 4});
  CHECK(view_of(perma_invalid).hek_erasures_remaining == 0);
}

TEST_CASE("errata: E-LOCK-FIG19-NAMES figure names map onto the model's events and states") {
  // ENABLE_HEK_BYPASS is the perma-HEK event; "invalid" is Table 15's "corrupted".
  CHECK(EnablePermaHek::tag == "enable_perma_hek");
  CHECK(lockref::enum_name(SeedState::corrupted) == "HEK_SEED_UNAVAIL_CORRUPTED");
  State s{Lifecycle::production, {Slot::corrupted, Slot::blank, Slot::blank, Slot::blank}, PermaHek::unset, Sek::zeroized};
  CHECK(Machine::label(Profile{}, s) == "HEK0 invalid\nSEK zeroized");
  // None of the figure's names is a Table 57 / mailbox code.
  for (const auto& c : lockref::lock::table57) CHECK(c.name.find("HEK_BYPASS") == std::string_view::npos);
}

TEST_CASE("errata: E-LOCK-T57-NO-SEQUENCE-CODE rules 2 and 5 have no Table 57 code") {
  Driver d(4);
  d(AdvanceLifecycle{Lifecycle::production});
  d(ProgramNextHek{});
  d(ProgramSek{});
  const auto rule2 = d(ZeroizeCurrentHek{});
  CHECK(rule2.rule == "LOCK-4.6.4.2-2");
  CHECK_FALSE(lockref::lock::result_code(rule2.status).has_value());  // not a Table 57 code
  CHECK(rule2.status == d.p.sequence_error);
  d.p.sequence_error = "VENDOR_SEQ_ERROR";  // the profile choice is the vendor's to make
  CHECK(d(ZeroizeCurrentHek{}).status == "VENDOR_SEQ_ERROR");
  // The code becomes Output::status (a Label of at most 47 bytes): a longer one is refused
  // when the profile is validated, for the epoch machine and the drive built on it.
  d.p.sequence_error = std::string(47, 'E');
  CHECK(lockref::lock::epoch::Machine::validate(d.p));
  d.p.sequence_error = std::string(48, 'E');
  const auto v = lockref::lock::epoch::Machine::validate(d.p);
  REQUIRE_FALSE(v);
  CHECK(v.error().message == "sequence_error: at most 47 bytes");
  lockref::drive::Profile dp;
  dp.sequence_error = std::string(48, 'E');
  CHECK_FALSE(lockref::drive::Machine::validate(dp));
}

TEST_CASE("errata: E-LOCK-METADATA-LATCH REPORT_HEK_METADATA is sent once per cold reset") {
  Driver d(4);
  d(AdvanceLifecycle{Lifecycle::production});
  d(ProgramNextHek{});
  const auto at_boot = Machine::step(d.p, d.s, ColdReset{}).out.hek_metadata;  // what ROM reported
  REQUIRE(at_boot.has_value());
  d(ZeroizeCurrentHek{});  // at runtime, no cold reset since
  // Literal Table 53 reading (seed_state "from REPORT_HEK_METADATA", latched at boot):
  CHECK(table53(d.s.lifecycle, at_boot->seed_state) == HekState::avail_programmed);
  // Figure 19 (and lockref): the HEK is zeroized now.
  CHECK(d.view().hek_state == HekState::unavail_zeroized);
  // So under the literal reading, rule 1 gated on REPORT_EPOCH_KEY_STATE would let the SEK
  // be programmed over a zeroized HEK; lockref refuses it.
  CHECK(d(ProgramSek{}).status == "LOCK_HEK_NOT_AVAILABLE");
}

}  // namespace LOCKREF_UNITY_ID
