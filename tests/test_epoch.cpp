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

TEST_CASE("epoch: every accepted or refused event names the requirement whose text governs it") {
  // The ids and their quoted text are spec/requirements/lock.json's; each expectation below
  // is the requirement whose quote describes the transition (Figure 19, §4.6.4, §4.6.4.2,
  // Table 53's one-way notes, Table 60 item 6).
  Driver d(4);
  auto expect = [&d](const Event& e, std::string_view status, std::string_view rule) {
    const State before = d.s;
    const Output out = d(e);
    CHECK(out.status == status);
    CHECK(out.rule == rule);
    if (status != "ok") CHECK(d.s == before);
  };
  const std::string seq = d.p.sequence_error;
  // Fuse writes appear in Figure 19 only in Production (LOCK-FIG19-2), ENABLE_HEK_BYPASS too.
  expect(EnablePermaHek{false}, seq, "LOCK-FIG19-2");
  expect(EnablePermaHek{true}, seq, "LOCK-FIG19-2");
  // Lifecycle advances are one-way: to a later state only, not to the same one.
  expect(AdvanceLifecycle{Lifecycle::manufacturing}, "ok", "LOCK-4.7.2.21-ONEWAY");
  expect(AdvanceLifecycle{Lifecycle::manufacturing}, seq, "LOCK-4.7.2.21-ONEWAY");
  expect(AdvanceLifecycle{Lifecycle::unprovisioned}, seq, "LOCK-4.7.2.21-ONEWAY");
  // Pre-production HEK is available: the SEK may be programmed (rule 1) ...
  expect(ProgramSek{}, "ok", "LOCK-4.6.4.2-1");
  // ... but Production is entered from "Pre-production HEK, SEK zeroized" only.
  expect(AdvanceLifecycle{Lifecycle::production}, seq, "LOCK-FIG19-1");
  expect(ZeroizeSek{}, "ok", "LOCK-4.6.4-2");  // zeroizing the SEK is a cryptographic erase
  expect(AdvanceLifecycle{Lifecycle::production}, "ok", "LOCK-FIG19-1");
  expect(AdvanceLifecycle{Lifecycle::production}, seq, "LOCK-4.7.2.21-ONEWAY");
  // Cold reset: MCU ROM reports the fuses (Table 60 item 6); nothing changes.
  const State before_reset = d.s;
  const Output reset = d(ColdReset{});
  CHECK(reset.is_ok());
  CHECK(reset.rule == "LOCK-T60-6");
  CHECK(reset.hek_metadata == HekMetadata{SeedState::empty, 0, 4});  // Table 15 row 1
  CHECK(d.s == before_reset);
  for (std::uint16_t x = 0; x < 4; ++x) {
    INFO("slot " << x);
    // blank -> randomized (§4.6.4.1's "HEK_x shall only be randomized once ...")
    expect(ProgramNextHek{x, false}, "ok", "LOCK-4.6.4.1-2");
    if (x == 1) {
      // an interrupted zeroization corrupts the slot (Figure 19 "HEKx invalid") ...
      expect(ZeroizeCurrentHek{std::nullopt, true}, "ok", "LOCK-FIG19-3");
      CHECK(d.s.slots[x] == Slot::corrupted);
    }
    expect(ZeroizeCurrentHek{x, false}, "ok", "LOCK-4.6.4.2-3");  // rule 3
  }
  // Every seed zeroized: no next seed to program (rule 4), the slot index past the end too.
  expect(ProgramNextHek{}, "LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-4");
  expect(ProgramNextHek{std::uint16_t{4}, false}, "LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-4");
  // ENABLE_HEK_BYPASS: interrupted -> "Perma-HEK bit invalid"; retried from there ->
  // enabled (both LOCK-FIG19-4); enabled once more -> refused (one-way).
  expect(EnablePermaHek{true}, "ok", "LOCK-FIG19-4");
  expect(EnablePermaHek{false}, "ok", "LOCK-FIG19-4");
  CHECK(d.s.perma_hek == PermaHek::set);
  expect(EnablePermaHek{false}, seq, "LOCK-FIG19-4");
  // Straight from "HEK(n-1) zeroized": Table 53's HEK_UNAVAIL_ZEROIZED -> HEK_AVAIL_UNERASABLE.
  Driver straight(4);
  straight.s.lifecycle = Lifecycle::production;
  straight.s.slots.assign(4, Slot::zeroized);
  CHECK(straight(EnablePermaHek{false}).rule == "LOCK-4.7.2.21-PERMA");
  CHECK(straight.s.perma_hek == PermaHek::set);
}

TEST_CASE("epoch: a profile needs a sequence code, and a given state the profile's slot count") {
  Profile p;
  REQUIRE(Machine::validate(p));
  for (const char* bad : {"", "ok"}) {
    p.sequence_error = bad;
    const auto v = Machine::validate(p);
    REQUIRE_FALSE(v);
    CHECK(v.error().message == "sequence_error: must name a code");
  }
  p = Profile{};
  const State five{Lifecycle::production, std::vector<Slot>(5, Slot::blank), PermaHek::unset, Sek::zeroized};
  REQUIRE(validate_fuses(five.slots, five.perma_hek));  // a reachable image, of 5 slots
  const auto v = Machine::validate_state(p, five);
  REQUIRE_FALSE(v);
  CHECK(v.error().message == "slots: 5 slots, profile has 4");
  p.slots = 5;
  CHECK(Machine::validate_state(p, five));
  // An image of the profile's size that no write sequence reaches is refused by
  // validate_fuses, with its reason (§4.6.4.1), before the invariants are checked.
  p = Profile{};
  const State skipped{Lifecycle::production, {Slot::blank, Slot::randomized, Slot::blank, Slot::blank}, PermaHek::unset,
                      Sek::zeroized};
  const auto u = Machine::validate_state(p, skipped);
  REQUIRE_FALSE(u);
  CHECK(u.error().message.rfind("slots[1] is randomized but slot 0 is blank", 0) == 0);
}

TEST_CASE("epoch: the fuse image and the seed list are read only as far as they reach") {
  // Vectors whose storage past their size holds a stale value that would change the answer
  // if it were read: the model must stop at size().
  auto shrunk = [](std::vector<Slot> live, Slot stale) {
    std::vector<Slot> v(16, stale);
    std::copy(live.begin(), live.end(), v.begin());
    v.resize(live.size());  // capacity stays 16: v.data()[size() ..] still holds `stale`
    return v;
  };
  // Every slot zeroized: perma-HEK may be set (§4.6.4.2 rule 5), the image is reachable.
  const State all_zeroized{Lifecycle::production, shrunk(std::vector<Slot>(4, Slot::zeroized), Slot::zeroized),
                           PermaHek::unset, Sek::zeroized};
  REQUIRE(all_zeroized.slots.capacity() > all_zeroized.slots.size());
  CHECK(validate_fuses(all_zeroized.slots, PermaHek::set));
  const auto enable = Machine::step(Profile{}, all_zeroized, EnablePermaHek{false});
  CHECK(enable.out.is_ok());
  CHECK(enable.next.perma_hek == PermaHek::set);
  // Figure 18: slot 1 is programmed but only slot 0's seed value is known -> all-zeroes, not
  // whatever lies past the list's end.
  std::vector<HekSeed> seeds;
  seeds.reserve(4);
  seeds.push_back(HekSeed{});
  seeds.push_back(HekSeed{});
  seeds[1].fill(0xA5);
  seeds.resize(1);
  const State slot1{Lifecycle::production, {Slot::zeroized, Slot::randomized, Slot::blank, Slot::blank},
                    PermaHek::unset, Sek::zeroized};
  CHECK(hek_seed_register(slot1, seeds) == HekSeed{});
  seeds.push_back(HekSeed{});
  seeds[1].fill(0x5A);
  CHECK(hek_seed_register(slot1, seeds) == seeds[1]);
}

TEST_CASE("epoch: the view and the invariants on images validate_state refuses") {
  // §4.7.2.21.1's count computed in signed arithmetic is clamped at 0 when it would go
  // negative (a zero-slot image: total 0, active slot 0, "zeroized").
  const State none{Lifecycle::production, {}, PermaHek::unset, Sek::zeroized};
  CHECK(erasures_remaining_signed(view_of(none).hek_metadata) == -1);
  CHECK(view_of(none).hek_erasures_remaining == 0);
  auto invariant = [](std::string_view id) {
    for (const auto& i : Machine::invariants())
      if (i.id == id) return i.holds;
    FAIL("no invariant " << id);
    return decltype(Machine::invariants()[0].holds){};
  };
  const Profile p;
  // Two randomized slots (Figure 19 has at most one HEK programmed at a time).
  const State two{Lifecycle::production, {Slot::randomized, Slot::randomized, Slot::blank, Slot::blank},
                  PermaHek::unset, Sek::zeroized};
  CHECK_FALSE(invariant("invariant:epoch.at_most_one_randomized")(p, two));
  const State one{Lifecycle::production, {Slot::zeroized, Slot::randomized, Slot::blank, Slot::blank},
                  PermaHek::unset, Sek::zeroized};
  CHECK(invariant("invariant:epoch.at_most_one_randomized")(p, one));
  // 65 540 slots: Table 15's 16-bit total_slots reads 4, the profile's count, yet the
  // image does not have the profile's 4 slots.
  const State huge{Lifecycle::production, std::vector<Slot>(65540, Slot::blank), PermaHek::unset, Sek::zeroized};
  CHECK(view_of(huge).hek_metadata.total_slots == 4);
  CHECK_FALSE(invariant("invariant:epoch.total_slots_reported")(p, huge));
  CHECK(invariant("invariant:epoch.total_slots_reported")(p, one));
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
