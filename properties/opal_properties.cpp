// Properties of the Opal model (seed 000, Seagate CC guide). Each TEST_CASE shows the
// property holding on opal::Machine and failing on a deliberately broken variant (mutant).
#include <algorithm>

#include "lockref/opal/scenario.hpp"
#include "support.hpp"
#include "lockref/opal/wire.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref::opal;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {
using R = lockref::Step<State, Output>;
const std::string P32(Machine::guide_pin);
const std::vector<int> mandatory_steps{1, 2, 4, 5, 7, 8, 10, 11};  // 3 optional; 6, 9 redundant (errata)

/// A Seagate profile with fewer authorities, so random walks meet every one of them often.
Profile small(bool persistent_firmware) {
  Profile p = persistent_firmware ? seagate_sgebhg02() : seagate_se4sa530();
  p.users = 2;
  p.ranges = 2;
  p.locking_admins = 2;
  p.admin_sp_admins = 1;
  return p;
}

Profile gen_profile() {
  Profile p = *rc::gen::element(seagate_se4sa530(), seagate_sgebhg02());
  p.users = *rc::gen::inRange<std::uint8_t>(1, 10);  // step 4 sets the Users in use: at least one
  p.ranges = *rc::gen::inRange<std::uint8_t>(1, 10);
  p.locking_admins = *rc::gen::inRange<std::uint8_t>(1, 5);
  return p;
}

/// Random walk over candidate events (valid and invalid) from the factory state.
template <class M>
State walk(const Profile& p, const std::vector<std::size_t>& picks) {
  State s = M::initial(p);
  for (auto k : picks) {
    const auto c = M::candidate_events(p, s);
    s = M::step(p, s, c[k % c.size()]).next;
  }
  return s;
}

bool read_blocked(const State& s, const Range& r) { return s.locking_sp_active && r.read_lock_enabled && r.read_locked; }
bool write_blocked(const State& s, const Range& r) {
  return s.locking_sp_active && r.write_lock_enabled && r.write_locked;
}

/// Every management event, authenticated with a PIN no credential has.
std::vector<Event> wrong_pin_events(const Profile& p, const State& s) {
  std::vector<Event> v{PowerCycle{}};
  for (const auto& c : s.credentials) {
    const Auth w{c.authority, "never-a-pin"};
    v.push_back(Authenticate{c.authority, "never-a-pin"});
    v.push_back(Revert{w});
    v.push_back(RevertSp{w});
    v.push_back(SetFwPort{w, false, false});
    v.push_back(SetEnabled{w, "Makers", true});
    v.push_back(SetPin{w, c.authority, P32});
    for (std::uint8_t r = 0; r <= p.ranges; ++r) {
      v.push_back(LockRange{w, r, false, false});
      v.push_back(SetRange{w, r, std::nullopt, std::nullopt, false, false, false, std::uint16_t{3}});
      v.push_back(GenKey{w, r});
      v.push_back(Erase{w, r});
      v.push_back(Reactivate{w, {r}, false, std::nullopt});
    }
  }
  return v;
}

/// Events over one credential's counter: wrong and right PINs, power cycles, new limits.
std::vector<Event> counter_events(const State& s, const std::string& who, const std::string& admin) {
  const auto& c = *Machine::find(s, who);
  return {Authenticate{who, "never-a-pin"}, Authenticate{who, "never-a-pin"}, Authenticate{who, c.pin},
          PowerCycle{}, SetTryLimit{Auth{admin, Machine::find(s, admin)->pin}, who, 2},
          SetTryLimit{Auth{who, c.pin}, who, 3}};
}

// ---- mutants ---------------------------------------------------------------------------

/// Makers cannot be disabled: the Set is accepted and ignored.
struct MakersStuck : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<SetEnabled>(&e); x && x->target == "Makers") r.next.makers_enabled = s.makers_enabled;
    return r;
  }
};
/// Show Status ignores the Makers condition.
struct CcIgnoresMakers : Machine {
  static View observe(const Profile& p, const State& s) {
    auto v = Machine::observe(p, s);
    std::erase(v.cc_missing, std::string("makers_disabled"));
    v.cc_approved_mode = v.cc_missing.empty();
    return v;
  }
};
/// LockRange applies the new lock state before checking the PIN.
struct UnlockWithoutAuth : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<LockRange>(&e); x && x->range < s.ranges.size()) {
      if (x->read_locked) r.next.ranges[x->range].read_locked = *x->read_locked;
      if (x->write_locked) r.next.ranges[x->range].write_locked = *x->write_locked;
    }
    return r;
  }
};
/// A locked-out authority still counts failures.
struct UncappedTries : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<Authenticate>(&e); x && r.out.status == "AUTHORITY_LOCKED_OUT")
      if (auto i = index_of(r.next, x->authority)) ++r.next.credentials[*i].tries;
    return r;
  }
};
/// Power cycle resets every counter, persistent or not.
struct PorResetsAll : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (std::holds_alternative<PowerCycle>(e))
      for (auto& c : r.next.credentials) c.tries = 0;
    return r;
  }
};
/// Any authenticated authority may set the firmware download port.
struct AnyoneSetsPort : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<SetFwPort>(&e); x && r.out.status == "NOT_AUTHORIZED" && !r.out.try_counted) {
      const auto* c = find(s, x->as.authority);
      if (c && c->pin == x->as.pin && !locked_out(*c) && c->enabled) {
        if (x->locked) r.next.fw_port_locked = *x->locked;
        if (x->lock_on_reset) r.next.fw_port_lock_on_reset = *x->lock_on_reset;
        r.out = Output{};
      }
    }
    return r;
  }
};

/// GenKey answers ok but keeps the old key.
struct GenKeyKeepsKey : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<GenKey>(&e); x && r.out.status == "ok") r.next.ranges[x->range].mek = s.ranges[x->range].mek;
    return r;
  }
};

/// [SUM] Admins keep Lock/Unlock of a SUDR (the "(for non-SUDRs)" restriction forgotten).
struct AdminsKeepSudrs : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<LockRange>(&e);
        x && r.out.rule == "OPAL-SUM-2" && role_of(x->as.authority) == Role::locking_admin && !r.out.try_counted) {
      if (x->read_locked) r.next.ranges[x->range].read_locked = *x->read_locked;
      if (x->write_locked) r.next.ranges[x->range].write_locked = *x->write_locked;
      r.out = Output{};
    }
    return r;
  }
};
/// [SUM] Erase of a non-SUDR is accepted and changes its key (as GenKey would).
struct EraseAnyRange : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<Erase>(&e); x && r.out.rule == "OPAL-SUM-4" && r.out.status == "NOT_AUTHORIZED" &&
                                            !r.out.try_counted && x->range < s.ranges.size() && !s.ranges[x->range].single_user) {
      ++r.next.ranges[x->range].mek;
      r.out = Output{};
    }
    return r;
  }
};
/// [SUM] A Locking SP Admin may disable a SUDR's owner ("non-SUDR User(s)" forgotten).
struct SudrOwnerDisabled : Machine {
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (auto* x = std::get_if<SetEnabled>(&e); x && r.out.rule == "OPAL-SUM-2") {
      if (auto i = index_of(r.next, x->target)) r.next.credentials[*i].enabled = x->enabled;
      r.out = Output{};
    }
    return r;
  }
};

// ---- property bodies (templated on the machine under test) -------------------------------

template <class M>
void documented_sequence_reaches_cc() {
  const auto p = gen_profile();
  const auto run = run_setup<M>(p);
  RC_ASSERT(run.all_ok);
  RC_ASSERT(M::observe(p, run.state).cc_approved_mode);
  RC_ASSERT(M::step(p, run.state, Event{ShowStatus{}}).out.cc_mode_indicator == std::optional<bool>(true));
}

template <class M>
void dropping_a_step_misses_cc() {
  const auto p = gen_profile();
  const int k = *rc::gen::elementOf(mandatory_steps);
  RC_TAG(k);
  const auto run = run_setup<M>(p, {k});
  RC_ASSERT_FALSE(M::observe(p, run.state).cc_approved_mode);
}

template <class M>
void failed_auth_never_unlocks() {
  const auto p = small(*rc::gen::arbitrary<bool>());
  // from the CC state (ranges and port locked) or a random reachable state
  State s = *rc::gen::arbitrary<bool>()
                ? run_setup<M>(p).state
                : walk<M>(p, *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 1000)));
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 10000));
  for (auto k : picks) {
    const auto ev = wrong_pin_events(p, s);
    const auto& e = ev[k % ev.size()];
    const State n = M::step(p, s, e).next;
    for (std::size_t r = 0; r < s.ranges.size(); ++r) {
      RC_ASSERT(!read_blocked(s, s.ranges[r]) || read_blocked(n, n.ranges[r]));
      RC_ASSERT(!write_blocked(s, s.ranges[r]) || write_blocked(n, n.ranges[r]));
    }
    RC_ASSERT(!s.fw_port_locked || n.fw_port_locked);
    RC_ASSERT(s.makers_enabled || !n.makers_enabled);
    RC_ASSERT(s.locking_sp_active == n.locking_sp_active);
    s = n;
  }
}

template <class M>
void tries_never_exceed_limit() {
  const auto p = small(*rc::gen::arbitrary<bool>());
  State s = M::initial(p);
  s = M::step(p, s, Event{Activate{Auth{"SID", p.msid}}}).next;
  const std::string who = *rc::gen::elementOf(std::vector<std::string>{"SID", "PSID", "Admin1", "User1", "User2"});
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 100));
  // a short run of failures first so the limit is within reach of the random part
  State t = s;
  for (int i = 0; i < 5; ++i) t = M::step(p, t, Event{Authenticate{who, "never-a-pin"}}).next;
  s = t;
  for (auto k : picks) {
    const auto ev = counter_events(s, who, "Admin2");
    s = M::step(p, s, ev[k % ev.size()]).next;
    for (const auto& c : s.credentials) RC_ASSERT(c.try_limit == 0 || c.tries <= c.try_limit);
  }
}

template <class M>
void persistent_lockout_survives_power_cycles() {
  Profile p = small(true);  // SGEBHG02 rows: persistent
  p.user.try_limit = p.locking_admin.try_limit = p.sid.try_limit = *rc::gen::inRange<std::uint32_t>(1, 6);
  State s = M::initial(p);
  s = M::step(p, s, Event{Activate{Auth{"SID", p.msid}}}).next;
  const std::string who = *rc::gen::elementOf(std::vector<std::string>{"SID", "Admin1", "User1"});
  const std::string right = Machine::find(s, who)->pin;
  while (!Machine::locked_out(*Machine::find(s, who))) s = M::step(p, s, Event{Authenticate{who, "x"}}).next;
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 4));
  for (auto k : picks) {
    const Event e = k == 0 ? Event{PowerCycle{}}
                    : k == 1 ? Event{Authenticate{who, right}}
                    : k == 2 ? Event{Authenticate{who, "x"}}
                             : Event{SetPin{Auth{who, right}, who, P32}};
    const auto r = M::step(p, s, e);
    if (!std::holds_alternative<PowerCycle>(e)) RC_ASSERT(r.out.status == std::string("AUTHORITY_LOCKED_OUT"));
    s = r.next;
    RC_ASSERT(Machine::locked_out(*Machine::find(s, who)));
  }
  // until a revert: PSID revert clears it
  s = M::step(p, s, Event{Revert{Auth{"PSID", p.psid_pin}}}).next;
  RC_ASSERT(!Machine::locked_out(*Machine::find(s, who)));
}

/// A shadow of the guide's words kept beside the model: data written to a range is readable
/// until its key is changed ("Cryptographic Erase ... changing the encryption key"; Revert
/// and RevertSP erase every range), then never again until written anew.
template <class M>
void old_data_unreadable_after_key_change() {
  Profile p = small(false);
  p.max_key_generation = 1000;
  enum Shadow { none, fresh, erased };
  State s = M::step(p, M::initial(p), Event{Activate{Auth{"SID", p.msid}}}).next;
  std::vector<Shadow> shadow(s.ranges.size(), none);
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 100000));
  for (auto k : picks) {
    const std::uint8_t r = static_cast<std::uint8_t>(k % s.ranges.size());
    const auto& a1 = *Machine::find(s, "Admin1");
    const std::vector<Event> ev{WriteData{r}, ReadData{r}, ReadData{r}, GenKey{Auth{"Admin1", a1.pin}, r},
                                LockRange{Auth{"Admin1", a1.pin}, r, false, false}, PowerCycle{},
                                RevertSp{Auth{"Admin1", a1.pin}}, Activate{Auth{"SID", p.msid}},
                                Revert{Auth{"PSID", p.psid_pin}}};
    const auto& e = ev[(k / 16) % ev.size()];
    const auto st = M::step(p, s, e);
    if (st.out.status == "ok") {
      if (std::holds_alternative<WriteData>(e)) shadow[r] = fresh;
      if (std::holds_alternative<GenKey>(e) && shadow[r] == fresh) shadow[r] = erased;
      if (std::holds_alternative<Revert>(e) || std::holds_alternative<RevertSp>(e))
        for (auto& x : shadow) x = x == fresh ? erased : x;
      if (std::holds_alternative<ReadData>(e)) RC_ASSERT(st.out.data_readable == std::optional<bool>(shadow[r] == fresh));
    }
    s = st.next;
  }
}

/// The services whose matrix rows may change a field (reverts reset everything they own).
std::vector<Service> governing(const State& a, const State& b) {
  std::vector<Service> need;
  const std::vector<Service> revert{Service::revert_admin_sp, Service::revert_locking_sp};
  auto add = [&](std::initializer_list<Service> l) { need.insert(need.end(), l); };
  if (a.fw_port_locked != b.fw_port_locked || a.fw_port_lock_on_reset != b.fw_port_lock_on_reset)
    add({Service::fw_port, Service::revert_admin_sp});
  if (a.makers_enabled != b.makers_enabled) add({Service::makers, Service::revert_admin_sp});
  if (a.locking_sp_active != b.locking_sp_active)
    add({Service::activate, Service::revert_admin_sp, Service::revert_locking_sp});
  // [SUM] Activate with a single-user selection classifies too (E-OPAL-SUM-ACTIVATE)
  if (a.sudr_geometry_by_admins != b.sudr_geometry_by_admins)
    add({Service::sudr_classify, Service::activate, Service::revert_admin_sp, Service::revert_locking_sp});
  if (a.datastore != b.datastore) add({Service::datastore, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
  for (std::size_t i = 0; i < a.credentials.size(); ++i) {
    const auto &x = a.credentials[i], &y = b.credentials[i];
    if (x.pin != y.pin || x.min_pin_length != y.min_pin_length)
      add({Service::set_pin, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
    if (x.enabled != y.enabled)
      add({Service::enable_admin_sp_admin, Service::enable_locking_authority, Service::revert_admin_sp,
           Service::revert_locking_sp, Service::sudr_classify, Service::activate});
    if (x.try_limit != y.try_limit) add({Service::set_try_limit, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
    if (x.set_pin_disabled != y.set_pin_disabled)
      add({Service::disable_user_set_pin, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
  }
  for (std::size_t i = 0; i < a.ranges.size(); ++i) {
    const auto &x = a.ranges[i], &y = b.ranges[i];
    if (x.start != y.start || x.length != y.length || x.read_lock_enabled != y.read_lock_enabled ||
        x.write_lock_enabled != y.write_lock_enabled || x.lock_on_reset != y.lock_on_reset ||
        x.user_access != y.user_access) {
      add({Service::set_range_attributes, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
      // [SUM] a SUDR's geometry ("Set Range Geometry for SUDR") and its locking columns (its
      // owner's, under the Lock / Unlock row)
      if (x.single_user && y.single_user) add({Service::sudr_geometry, Service::lock_unlock_range});
    }
    if (x.single_user != y.single_user)
      add({Service::sudr_classify, Service::activate, Service::revert_admin_sp, Service::revert_locking_sp});
    if (x.read_locked != y.read_locked || x.write_locked != y.write_locked)
      add({Service::lock_unlock_range, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
    if (x.mek != y.mek)
      add({Service::crypto_erase, Service::sudr_erase, Service::revert_admin_sp, Service::revert_locking_sp, Service::sudr_classify});
  }
  return need;
}

template <class M>
void only_matrix_authorities_change() {
  const auto p = small(false);
  State s = walk<M>(p, *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 1000)));
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 100000));
  for (auto k : picks) {
    // an authenticated management event by any authority, with that authority's right PIN
    const auto& c = s.credentials[k % s.credentials.size()];
    const Auth as{c.authority, c.pin};
    const std::string other = s.credentials[(k / 7) % s.credentials.size()].authority;
    const std::uint8_t r = static_cast<std::uint8_t>((k / 3) % (std::size_t{p.ranges} + 1));
    const std::vector<Event> ev{Activate{as}, Revert{as}, RevertSp{as}, SetPin{as, other, P32},
                                SetMinPinLength{as, other, 32}, SetTryLimit{as, other, 7},
                                SetEnabled{as, other, (k & 1) != 0}, SetEnabled{as, "Makers", (k & 1) != 0},
                                DisableUserSetPin{as, other, true}, SetFwPort{as, (k & 2) != 0, (k & 4) != 0},
                                SetRange{as, r, std::nullopt, std::nullopt, true, true, true, std::nullopt},
                                LockRange{as, r, (k & 2) != 0, (k & 4) != 0}, GenKey{as, r},
                                Reactivate{as, {r}, (k & 2) != 0, std::nullopt}, Erase{as, r},
                                ActivateSum{as, {r}, (k & 2) != 0}, DataStoreWrite{as, r, {0x5a}}};
    const auto& e = ev[(k / 11) % ev.size()];
    const auto st = M::step(p, s, e);
    if (st.out.status == "ok") {
      const auto role = role_of(c.authority);
      const auto need = governing(s, st.next);
      if (!need.empty()) {
        const bool any = std::any_of(need.begin(), need.end(), [&](Service v) { return matrix_allows(v, role); });
        RC_ASSERT(any);
      }
    }
    s = st.next;
  }
}

/// [SUM] From an active Locking SP, random management events on the Locking rows by every
/// Locking SP authority (right PINs), Reactivates with random selections among them.
/// `check(before, event, step)` is asserted after each step.
template <class M, class Check>
void sum_walk(bool users_enabled, Check check) {
  Profile p = small(*rc::gen::arbitrary<bool>());
  p.users = 3;  // owners of Global, Range 1, Range 2
  p.users_enabled_on_activate = users_enabled;
  p.max_key_generation = 1000;
  State s = M::step(p, M::initial(p), Event{Activate{Auth{"SID", p.msid}}}).next;
  const std::vector<std::string> who{"Admin1", "Admin2", "User1", "User2", "User3"};
  const auto n = *rc::gen::inRange(1, 60);
  for (int i = 0; i < n; ++i) {
    const auto& name = who[*rc::gen::inRange<std::size_t>(0, who.size())];
    const Auth as{name, Machine::find(s, name)->pin};
    const auto r = *rc::gen::inRange<std::uint8_t>(0, 3);
    const bool b = *rc::gen::arbitrary<bool>();
    const auto target = who[*rc::gen::inRange<std::size_t>(0, who.size())];
    const std::vector<Event> ev{
        Reactivate{as, *rc::gen::container<std::vector<std::uint16_t>>(rc::gen::inRange<std::uint16_t>(0, 4)), b, std::nullopt},
        LockRange{as, r, b, b},
        SetRange{as, r, std::nullopt, std::nullopt, b, b, std::nullopt, std::nullopt},
        SetRange{as, r, std::uint64_t{1000u * r}, std::uint64_t{100}, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
        Erase{as, r},
        GenKey{as, r},
        SetEnabled{as, target, b},
        SetPin{as, target, P32},
        WriteData{r},
        PowerCycle{}};
    const auto& e = ev[*rc::gen::inRange<std::size_t>(0, ev.size())];
    const auto st = M::step(p, s, e);
    check(p, s, e, st);
    s = st.next;
  }
}

/// Only a SUDR's owner changes its lock state or locking columns (Admins included: "for
/// non-SUDRs"); only Reactivate (by an Admin) changes which rows are SUDRs.
template <class M>
void only_owner_locks_sudr() {
  sum_walk<M>(true, [](const Profile&, const State& s, const Event& e, const R& st) {
    const auto* by = std::visit([](const auto& x) -> const Auth* {
      if constexpr (requires { x.as; }) return &x.as;
      else return nullptr;
    }, e);
    for (std::size_t k = 0; k < s.ranges.size(); ++k) {
      const auto &x = s.ranges[k], &y = st.next.ranges[k];
      if (x.single_user != y.single_user)
        RC_ASSERT(std::holds_alternative<Reactivate>(e) && by && role_of(by->authority) == Role::locking_admin);
      const bool lock_changed = x.read_locked != y.read_locked || x.write_locked != y.write_locked ||
                                x.read_lock_enabled != y.read_lock_enabled || x.write_lock_enabled != y.write_lock_enabled;
      // (a power cycle re-locks a LockOnReset range; Reactivate starts the rows over)
      if (x.single_user && y.single_user && lock_changed && !std::holds_alternative<PowerCycle>(e) &&
          !std::holds_alternative<Reactivate>(e))
        RC_ASSERT(by && by->authority == Machine::sudr_owner(k));
    }
  });
}

/// Erase changes a key only of a SUDR, and only for a Locking SP Admin or the SUDR's owner.
template <class M>
void erase_only_sudr() {
  sum_walk<M>(true, [](const Profile&, const State& s, const Event& e, const R& st) {
    const auto* x = std::get_if<Erase>(&e);
    if (!x) return;
    for (std::size_t k = 0; k < s.ranges.size(); ++k) {
      if (s.ranges[k].mek == st.next.ranges[k].mek) continue;
      RC_ASSERT(k == x->range);
      RC_ASSERT(s.ranges[k].single_user);
      const auto role = role_of(x->as.authority);
      RC_ASSERT((role == Role::locking_admin || x->as.authority == Machine::sudr_owner(k)));
    }
  });
}

/// Reactivate is the Locking SP Admins'; every SUDR keeps an existing, enabled owner whatever
/// anyone does (also with Users disabled at activation, E-OPAL-STEP3-USER's other reading).
template <class M>
void reactivate_keeps_owner() {
  const bool users_enabled = *rc::gen::arbitrary<bool>();
  sum_walk<M>(users_enabled, [](const Profile& p, const State& s, const Event& e, const R& st) {
    if (const auto* x = std::get_if<Reactivate>(&e); x && st.out.is_ok()) RC_ASSERT(role_of(x->as.authority) == Role::locking_admin);
    (void)s;
    RC_ASSERT(inv::sudr_has_enabled_owner(p, st.next));
  });
}
}  // namespace

TEST_CASE("opal property: the documented setup sequence reaches CC Approved Mode") {
  holds("setup steps 1-11 reach CC mode", [] { documented_sequence_reaches_cc<Machine>(); }, 40);
  fails("mutant: Makers cannot be disabled", [] { documented_sequence_reaches_cc<MakersStuck>(); }, 50);
}

TEST_CASE("opal property: dropping any one mandatory setup step does not reach CC mode") {
  holds("without one mandatory step no CC mode", [] { dropping_a_step_misses_cc<Machine>(); }, 60);
  fails("mutant: CC report ignores Makers", [] { dropping_a_step_misses_cc<CcIgnoresMakers>(); }, 200);
}

TEST_CASE("opal property: no sequence of failed authentications ever unlocks anything") {
  holds("wrong PINs never unlock", [] { failed_auth_never_unlocks<Machine>(); }, 60);
  fails("mutant: LockRange applied before the PIN check", [] { failed_auth_never_unlocks<UnlockWithoutAuth>(); },
        300);
}

TEST_CASE("opal property: Tries never exceeds TryLimit") {
  holds("Tries <= TryLimit", [] { tries_never_exceed_limit<Machine>(); }, 100);
  fails("mutant: locked-out failures still counted", [] { tries_never_exceed_limit<UncappedTries>(); }, 300);
}

TEST_CASE("opal property: a locked-out persistent credential stays locked across power cycles until a revert") {
  holds("persistent lockout survives POR", [] { persistent_lockout_survives_power_cycles<Machine>(); }, 100);
  fails("mutant: POR resets persistent counters",
        [] { persistent_lockout_survives_power_cycles<PorResetsAll>(); }, 300);
}

TEST_CASE("opal property: only the authorities the matrix names change what it says they change") {
  holds("changes only by matrix authorities", [] { only_matrix_authorities_change<Machine>(); }, 60);
  fails("mutant: any authority sets the FW download port", [] { only_matrix_authorities_change<AnyoneSetsPort>(); },
        300);
}

TEST_CASE("opal property: data written before a key change is never readable after it") {
  holds("GenKey / Revert / RevertSP make old data unreadable", [] { old_data_unreadable_after_key_change<Machine>(); },
        100);
  fails("mutant: GenKey keeps the old key", [] { old_data_unreadable_after_key_change<GenKeyKeepsKey>(); }, 300);
}

TEST_CASE("opal property: only a SUDR's owner locks, unlocks or reconfigures it") {
  holds("SUDR lock state changes only by its owner", [] { only_owner_locks_sudr<Machine>(); }, 100);
  fails("mutant: Admins keep Lock/Unlock of SUDRs", [] { only_owner_locks_sudr<AdminsKeepSudrs>(); }, 2000);
}

TEST_CASE("opal property: Erase changes a key only of a SUDR, and only for its owner or a Locking SP Admin") {
  holds("Erase: SUDRs only, owner or Admin", [] { erase_only_sudr<Machine>(); }, 100);
  fails("mutant: Erase of a non-SUDR changes its key", [] { erase_only_sudr<EraseAnyRange>(); }, 2000);
}

TEST_CASE("opal property: Reactivate is the Locking SP Admins' and leaves every SUDR with its enabled owner") {
  holds("every SUDR has an enabled owner", [] { reactivate_keeps_owner<Machine>(); }, 100);
  fails("mutant: an Admin may disable a SUDR's owner", [] { reactivate_keeps_owner<SudrOwnerDisabled>(); }, 2000);
}

// ---- Opal at the wire (issue 14): opal/wire.hpp over the TCG session layer ---------------------

namespace {
namespace ow = lockref::opal::wire;
using lockref::tcg::MethodCall;
using lockref::tcg::Value;

/// Mutant: a TPer adapter that lets a disabled authority authenticate (ignores Authority Enabled).
struct EnabledIgnored : ow::Tper {
  static Credential* credential(ow::State& s, std::uint64_t sp, std::uint64_t who) {
    const auto name = ow::authority_name(sp, who);
    for (auto& c : s.drive.credentials)
      if (!name.empty() && c.authority == name) return &c;
    return nullptr;
  }
};
/// Mutant: a TPer adapter that does not pass the profile's at-limit choice (always Core's lockout).
struct AtLimitIgnored : ow::Tper {
  static bool refuse_correct_at_limit(const Profile&) { return true; }
};

MethodCall start_call(std::uint64_t sp, std::uint64_t who, const std::string& pin) {
  MethodCall c{lockref::tcg::uid_bytes(0xFF), lockref::tcg::uid_bytes(0xFF02),
               {Value::of_uint(1), Value::of_bytes(lockref::tcg::uid_bytes(sp)), Value::of_uint(1)}, {0, 0, 0}};
  c.args.push_back(Value::of_name(Value::of_uint(0), Value::of_bytes(lockref::Bytes(pin.begin(), pin.end()))));
  c.args.push_back(Value::of_name(Value::of_uint(3), Value::of_bytes(lockref::tcg::uid_bytes(who))));
  return c;
}

/// The wire (StartSession with HostChallenge + HostSigningAuthority, then End of Session) and the
/// abstract machine (Authenticate) agree on status and state for every random sequence of
/// attempts, power cycles and Activates; a session's authorities are always granted ones.
template <class T>
void wire_agrees_with_abstract(bool flip_at_limit) {
  using Layer = lockref::tcg::SessionLayer<T>;
  Profile p = *rc::gen::element(seagate_se4sa530(), seagate_sgebhg02());
  p.admin_sp_admins = 1;
  p.locking_admins = 2;
  p.users = 1;
  p.ranges = 1;
  if (flip_at_limit) p.refuse_correct_pin_at_limit = false;
  for (auto& t : {&p.sid, &p.locking_admin, &p.admin_sp_admin, &p.user}) t->try_limit = *rc::gen::inRange<std::uint32_t>(1, 4);
  ow::State w = ow::initial(p);
  State a = Machine::initial(p);
  const std::vector<std::string> who{"SID", "AdminSP.Admin1", "Admin1", "Admin2", "User1"};
  const auto n = *rc::gen::inRange(1, 30);
  for (int i = 0; i < n; ++i) {
    const int kind = *rc::gen::inRange(0, 10);
    if (kind == 0) {
      a = Machine::step(p, a, PowerCycle{}).next;
      w.drive = Machine::step(p, w.drive, PowerCycle{}).next;
      continue;
    }
    const auto& name = who[*rc::gen::inRange<std::size_t>(0, who.size())];
    const auto* c = Machine::find(a, name);
    RC_ASSERT(c != nullptr);
    const std::string pin = *rc::gen::element(0, 1, 2) == 0 ? std::string("never-a-pin") : c->pin.str();
    const auto sp = name == "SID" || name.starts_with("AdminSP") ? ow::admin_sp : ow::locking_sp;
    auto o = Layer::on_item(p, w, 0, 0, start_call(sp, ow::authority_uid(name), pin));
    if (kind == 1 && name == "SID" && o.status == "ok") {  // Activate in the same session
      auto act = Layer::on_item(p, o.next, 0x1001, 1,
                                MethodCall{lockref::tcg::uid_bytes(ow::locking_sp), lockref::tcg::uid_bytes(0x0000000600000203ull), {}, {0, 0, 0}});
      auto r = Machine::step(p, a, Activate{{name, pin}});
      RC_ASSERT(act.status == r.out.status);
      a = r.next;
      o.next = act.next;
    } else {
      auto r = Machine::step(p, a, Authenticate{name, pin});
      // An inactive Locking SP refuses StartSession before any credential is looked at.
      RC_ASSERT(o.status == r.out.status);
      a = r.next;
    }
    RC_ASSERT(ow::Machine::session_authorities_granted(p, o.next));
    o.next.sm.session.reset();  // End of Session
    w = o.next;
    RC_ASSERT(w.drive == a);
  }
}

/// Mutant: an adapter that carries out Erase as GenKey of the row's key (so a non-SUDR is erased).
struct EraseAsGenKey : ow::Tper {
  static lockref::tcg::SpAnswer invoke(const Profile& p, ow::State& s, const lockref::tcg::Session& ses,
                                       const lockref::tcg::Invocation& inv) {
    const auto row = ow::locking_row(inv.object);
    if (inv.method != lockref::tcg::Method::erase || !row) return ow::Tper::invoke(p, s, ses, inv);
    auto g = inv;
    g.method = lockref::tcg::Method::gen_key;
    g.object = *row == 0 ? ow::k_aes_global : ow::k_aes_range_base + *row;
    return ow::Tper::invoke(p, s, ses, g);
  }
};

/// [SUM] at the wire: Locking SP sessions of Admin1 and User1-3 (right PINs), each invoking one
/// of Reactivate, Erase, Set ReadLocked or GenKey on a random row, give the status and the drive
/// state the abstract machine gives for the same event and authority.
template <class T>
void sum_wire_agrees() {
  using Layer = lockref::tcg::SessionLayer<T>;
  Profile p = small(*rc::gen::arbitrary<bool>());
  p.users = 3;
  p.max_key_generation = 1000;
  ow::State w = ow::initial(p);
  w.drive = Machine::step(p, w.drive, Activate{{"SID", p.msid}}).next;
  State a = w.drive;
  const std::vector<std::string> who{"Admin1", "User1", "User2", "User3"};
  auto uidv = [](std::uint64_t u) { return Value::of_bytes(lockref::tcg::uid_bytes(u)); };
  const auto n = *rc::gen::inRange(1, 30);
  for (int i = 0; i < n; ++i) {
    const auto& name = who[*rc::gen::inRange<std::size_t>(0, who.size())];
    if (!Machine::find(a, name)->enabled) continue;  // disabled below (Authority Enabled): no session
    const std::string pin = Machine::find(a, name)->pin;
    auto o = Layer::on_item(p, w, 0, 0, start_call(ow::locking_sp, ow::authority_uid(name), pin));
    RC_ASSERT(o.status == std::string("ok"));
    w = o.next;
    const auto row = *rc::gen::inRange<std::uint8_t>(0, 3);
    const auto row_uid = row == 0 ? ow::locking_global : ow::locking_range_base + row;
    const bool b = *rc::gen::arbitrary<bool>();
    MethodCall c{{}, {}, {}, {0, 0, 0}};
    Event e;
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        c = MethodCall{lockref::tcg::uid_bytes(ow::this_sp), lockref::tcg::uid_bytes(0x0000000600000801ull),
                       {Value::of_name(Value::of_uint(ow::sum_selection_list), Value::of_list({uidv(row_uid)})),
                        Value::of_name(Value::of_uint(ow::sum_range_policy), Value::of_uint(b ? 1 : 0))},
                       {0, 0, 0}};
        e = Reactivate{{name, pin}, {row}, b, std::nullopt};
        break;
      case 1:
        c = MethodCall{lockref::tcg::uid_bytes(row_uid), lockref::tcg::uid_bytes(0x0000000600000803ull), {}, {0, 0, 0}};
        e = Erase{{name, pin}, row};
        break;
      case 2:  // ReadLocked of Locking_GlobalRange or Locking_Range1-2
        c = MethodCall{lockref::tcg::uid_bytes(row_uid), lockref::tcg::uid_bytes(0x0000000600000017ull),
                       {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(7), Value::of_uint(b ? 1 : 0))}))},
                       {0, 0, 0}};
        e = LockRange{{name, pin}, row, b, std::nullopt};
        break;
      case 3:  // ReadLockEnabled of the same rows
        c = MethodCall{lockref::tcg::uid_bytes(row_uid), lockref::tcg::uid_bytes(0x0000000600000017ull),
                       {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(5), Value::of_uint(b ? 1 : 0))}))},
                       {0, 0, 0}};
        e = SetRange{{name, pin}, row, std::nullopt, std::nullopt, b, std::nullopt, std::nullopt, std::nullopt};
        break;
      case 4: {  // Authority User<k>.Set[Enabled] (k = row + 1)
        const std::string target = "User" + std::to_string(row + 1);
        c = MethodCall{lockref::tcg::uid_bytes(ow::authority_uid(target)), lockref::tcg::uid_bytes(0x0000000600000017ull),
                       {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(5), Value::of_uint(b ? 1 : 0))}))},
                       {0, 0, 0}};
        e = SetEnabled{{name, pin}, target, b};
        break;
      }
      default:
        c = MethodCall{lockref::tcg::uid_bytes(row == 0 ? ow::k_aes_global : ow::k_aes_range_base + row),
                       lockref::tcg::uid_bytes(0x0000000600000010ull), {}, {0, 0, 0}};
        e = GenKey{{name, pin}, row};
    }
    const auto r = Layer::on_item(p, w, 0x1001, 1, c);
    const auto x = Machine::step(p, a, e);
    RC_ASSERT(r.status == x.out.status);
    a = x.next;
    w = r.next;
    w.sm.session.reset();  // End of Session (or already ended by Reactivate)
    RC_ASSERT(w.drive == a);
  }
}

/// A method refused in a session (not the authentication itself) changes no state.
/// `count_a_try` is the mutant machine: a refused in-session method still counts a Try against
/// the session's authority.
void refused_method_changes_nothing(bool count_a_try = false) {
  Profile p = small(*rc::gen::arbitrary<bool>());
  auto s = ow::Machine::initial(p);
  const auto n = *rc::gen::inRange(1, 40);
  for (int i = 0; i < n; ++i) {
    const auto c = ow::Machine::candidate_events(p, s);
    const auto& e = c[*rc::gen::inRange<std::size_t>(0, c.size())];
    auto r = ow::Machine::step(p, s, e);
    const bool authenticating = !r.out.methods.empty() && (r.out.methods[0] == "StartSession" || r.out.methods[0] == "Authenticate");
    if (count_a_try && !r.out.is_ok() && !authenticating && s.sm.session && !s.sm.session->authorities.empty())
      for (auto& cr : r.next.drive.credentials)
        if (cr.authority == ow::authority_name(s.sm.session->sp, s.sm.session->authorities[0])) ++cr.tries;
    if (!r.out.is_ok() && !authenticating) RC_ASSERT(r.next == s);
    s = r.next;
  }
}
}  // namespace

TEST_CASE("opal wire property: the wire and the abstract machine agree on every random sequence") {
  holds("StartSession/Activate at the wire == Authenticate/Activate in the model", [] { wire_agrees_with_abstract<ow::Tper>(false); }, 150);
  holds("... also with refuse_correct_pin_at_limit = false", [] { wire_agrees_with_abstract<ow::Tper>(true); }, 150);
  fails("mutant: the adapter ignores the profile's at-limit choice", [] { wire_agrees_with_abstract<AtLimitIgnored>(true); }, 2000);
}

TEST_CASE("opal wire property: a session's authority never exceeds what the access matrix grants") {
  holds("session authorities are enabled authorities of an active SP", [] { wire_agrees_with_abstract<ow::Tper>(false); }, 100);
  fails("mutant: a disabled authority may open a session", [] { wire_agrees_with_abstract<EnabledIgnored>(false); }, 2000);
}

TEST_CASE("opal wire property: Single User Mode at the wire agrees with the abstract machine") {
  holds("Reactivate/Erase/Set (Global and ranges)/Authority Enabled/GenKey at the wire == the abstract events", [] { sum_wire_agrees<ow::Tper>(); }, 100);
  fails("mutant: the adapter carries out Erase as GenKey", [] { sum_wire_agrees<EraseAsGenKey>(); }, 2000);
}

TEST_CASE("opal wire property: a method refused at the wire changes no state") {
  holds("refused methods change nothing", [] { refused_method_changes_nothing(); }, 100);
  fails("mutant: a refused method counts a Try", [] { refused_method_changes_nothing(true); }, 2000);
}

}  // namespace LOCKREF_UNITY_ID
