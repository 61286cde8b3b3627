// Properties of the Key Per I/O TPer (seed 002). Each TEST_CASE shows the property holding on
// kpio::Machine and failing on a deliberately broken variant (mutant).
#include <algorithm>

#include "lockref/kpio/sp.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::kpio;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {
using R = Step<State, Output>;

Profile small() {
  Profile p;
  p.scope = Scope::all;  // every event of every scope
  p.max_key_tags_per_namespace = 2;
  p.default_key_tags = 2;
  p.total_key_tags = 4;
  return p;
}

/// Owned, activated, NS1 managed, KEK1 injected (plaintext) and associated with NS1.
template <class M>
State configured(const Profile& p) {
  State s = M::initial(p);
  const auto [ka, kb] = named_key("KEK-A");
  for (const Event& e : std::vector<Event>{TakeOwnership{}, ActivateSp{}, ExchangeProperties{2},
                                           SetColumn{"KeyTagAllocation1", "Managed", true, std::nullopt},
                                           ImportKek{1, ka, "kek-a", "plaintext", 0, std::nullopt, Bytes(12, 1), {}},
                                           SetColumn{"KeyTagAllocation1", "AllowedKeyEncryptionKeys",
                                                     Json::array({"KeyEncryptionKey1"}), std::nullopt}})
    s = M::step(p, s, e).next;
  return s;
}

/// The walk alphabet: the machine's candidates of every scope, plus an MEK with other key material.
template <class M>
std::vector<Event> alphabet(const Profile& p, const State& s) {
  auto v = M::candidate_events(p, s);
  const auto [m1, m2] = named_key("MEK-B");
  v.push_back(ImportMek{1, 1, m1, m2, 1, false, std::nullopt, Bytes(12, 1)});
  return v;
}

/// Walks the alphabet from the configured state; `check(before, event, step)` on every step.
template <class M, class F>
void walk(const Profile& p, const std::vector<std::size_t>& picks, F&& check) {
  State s = configured<M>(p);
  for (auto k : picks) {
    const auto a = alphabet<M>(p, s);
    const Event& e = a[k % a.size()];
    auto r = M::step(p, s, e);
    check(s, e, r);
    s = std::move(r.next);
  }
}
auto gen_picks() { return *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 10000)); }

std::vector<CacheEntry> kpio_meks(const State& s) {
  std::vector<CacheEntry> v;
  for (const auto& c : s.cache)
    if (!c.factory) v.push_back(c);
  return v;
}

// ---- the properties ----------------------------------------------------------------------

/// An MEK enters the cache only under a KEK allowed for its namespace and access-unlocked.
template <class M>
void mek_only_under_allowed_unlocked_kek(const Profile& p) {
  walk<M>(p, gen_picks(), [&](const State& s, const Event& e, const R& r) {
    const auto* m = std::get_if<ImportMek>(&e);
    if (!m || !r.out.is_ok()) return;
    const auto& a = s.allocations[m->nsid - 1];
    RC_ASSERT(contains(a.allowed, kek_uid(m->wrapping_row)));
    RC_ASSERT(!Machine::kek_locked(s.keks[m->wrapping_row - 1]));
  });
}
/// §3.2.7 note: access-locking a KEK never evicts the MEKs it wrapped.
template <class M>
void locking_keeps_meks(const Profile& p) {
  walk<M>(p, gen_picks(), [&](const State& s, const Event& e, const R& r) {
    if (const auto* c = std::get_if<SetColumn>(&e); c && c->object.rfind("KeyEncryptionKey", 0) == 0)
      RC_ASSERT(kpio_meks(r.next) == kpio_meks(s));
  });
}
/// §3.4.7: a nonce is used once; replaying an accepted injection is refused.
template <class M>
void nonce_used_once(const Profile& p) {
  walk<M>(p, gen_picks(), [&](const State&, const Event& e, const R& r) {
    const bool gcm = (std::holds_alternative<ImportMek>(e) && std::get<ImportMek>(e).with_nonce) ||
                     (std::holds_alternative<ImportKek>(e) && std::get<ImportKek>(e).wrap == "aes_gcm");
    if (!gcm || !r.out.is_ok()) return;
    auto again = e;
    if (auto* m = std::get_if<ImportMek>(&again)) m->nonce = r.next.nonces.empty() ? Bytes(p.nonce_length, 0xA5) : r.next.nonces.back();
    RC_ASSERT(!M::step(p, r.next, e).out.is_ok());
  });
}
/// §4.2.3, §4.2.4, §4.2.12/13: Managed 0->1 and 1->0 remove the namespace's MEKs (factory
/// or injected); Revert removes every injected MEK and the managed namespaces' ones.
template <class M>
void managed_and_revert_remove_exactly(const Profile& p) {
  walk<M>(p, gen_picks(), [&](const State& s, const Event& e, const R& r) {
    if (!r.out.is_ok()) return;
    std::vector<CacheEntry> expect = s.cache;
    if (const auto* c = std::get_if<SetColumn>(&e); c && c->column == "Managed" && c->object == "KeyTagAllocation1") {
      if (s.allocations[0].managed != c->value.get<bool>()) std::erase_if(expect, [](const CacheEntry& x) { return x.nsid == 1; });
      RC_ASSERT(r.next.cache == expect);
    } else if (std::holds_alternative<RevertSp>(e) || std::holds_alternative<RevertTper>(e)) {
      std::erase_if(expect, [&](const CacheEntry& x) { return !x.factory || s.allocations[x.nsid - 1].managed; });
      RC_ASSERT(r.next.cache == expect);
    }
  });
}
/// §4.3: a power cycle clears the KPIO MEKs and locks exactly the KEKs with AccessLockEnabled
/// and Power Cycle in LockOnReset; hardware reset and TPER_RESET leave the cache alone.
template <class M>
void resets(const Profile& p) {
  walk<M>(p, gen_picks(), [&](const State& s, const Event& e, const R& r) {
    std::optional<ResetType> t;
    if (std::holds_alternative<PowerCycle>(e)) t = ResetType::power_cycle;
    if (std::holds_alternative<HardwareReset>(e)) t = ResetType::hardware_reset;
    if (std::holds_alternative<TperReset>(e)) t = ResetType::programmatic;
    if (!t) return;
    if (*t == ResetType::power_cycle) RC_ASSERT(kpio_meks(r.next).empty());
    else RC_ASSERT(r.next.cache == s.cache);
    for (std::size_t i = 0; i < s.keks.size(); ++i) {
      const auto& k = s.keks[i];
      const bool hit = k.access_lock_enabled && std::find(k.lock_on_reset.begin(), k.lock_on_reset.end(), *t) != k.lock_on_reset.end();
      RC_ASSERT(r.next.keks[i].access_locked == (hit || k.access_locked));
    }
  });
}
/// §4.2.6: decreasing NumberOfKeyTags never drops an MEK.
template <class M>
void key_tags_never_drop(const Profile& p) {
  walk<M>(p, gen_picks(), [&](const State& s, const Event& e, const R& r) {
    if (const auto* c = std::get_if<SetColumn>(&e); c && c->column == "NumberOfKeyTags") RC_ASSERT(r.next.cache == s.cache);
  });
}
/// No KEK or MEK appears in plaintext in any response (wire bytes or result values).
template <class M>
void no_plaintext_key_in_responses(const Profile& p) {
  // Gets of every row an Admin1 session can read, besides the walk's own events.
  auto get = [](std::uint64_t obj) {
    using tcg::Value;
    // columns 3..7: every readable column of the rows below (the Key column 2 is refused)
    return tcg::MethodCall{tcg::uid_bytes(obj), tcg::uid_bytes(tcg::uid_of("Get")),
                           {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(3)),
                                            Value::of_name(Value::of_uint(4), Value::of_uint(7))})},
                           {0, 0, 0}};
  };
  walk<M>(p, gen_picks(), [&](const State& s, const Event& e, const R& r) {
    std::vector<Bytes> secrets;
    for (const auto* st : {&s, &r.next}) {
      for (const auto& k : st->keks)
        if (k.key_set) secrets.push_back(k.key);
      for (const auto& c : st->cache) secrets.push_back(c.key1), secrets.push_back(c.key2);
    }
    auto leaks = [&](const Output& o) {
      const std::string res = o.results ? o.results->dump() : "";
      for (const auto& k : secrets) {
        if (std::search(o.response.begin(), o.response.end(), k.begin(), k.end()) != o.response.end()) return true;
        if (res.find(to_hex(k)) != std::string::npos) return true;
      }
      return false;
    };
    RC_ASSERT(!leaks(r.out));
    (void)e;
    // Read every readable row of the Key Per I/O SP in a session as Admin1.
    if (!s.kpio_active || s.sm.session) return;
    State q = s;
    using tcg::Value;
    auto start = M::step(p, q, Call{0, 0, tcg::item_to_json(tcg::MethodCall{tcg::uid_bytes(tcg::uid_of("SMUID")),
        tcg::uid_bytes(tcg::uid_of("StartSession")),
        {Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(tcg::uid_of("KeyPerIOSP"))), Value::of_uint(1),
         Value::of_name(Value::of_uint(0), Value::of_bytes(to_bytes(s.admin1.pin))),
         Value::of_name(Value::of_uint(3), Value::of_bytes(tcg::uid_bytes(tcg::uid_of("Admin1"))))}, {0, 0, 0}})});
    q = start.next;
    for (std::uint64_t obj : {kek_uid(1), kek_uid(2), allocation_uid(1), tcg::uid_of("KPIOPolicies"), tcg::uid_of("C_PIN_Admin1")}) {
      auto g = M::step(p, q, Call{0x1001, 1, tcg::item_to_json(get(obj))});
      RC_ASSERT(!leaks(g.out));
      q = g.next;
    }
  });
}

// ---- mutants -------------------------------------------------------------------------------

struct IgnoresAccessLock : Machine {  // injects under an access-locked KEK
  static R step(const Profile& p, const State& s, const Event& e) {
    if (std::holds_alternative<ImportMek>(e)) {
      State u = s;
      for (auto& k : u.keks) k.access_locked = false;
      auto r = Machine::step(p, u, e);
      for (std::size_t i = 0; i < s.keks.size(); ++i) r.next.keks[i].access_locked = s.keks[i].access_locked;
      return r;
    }
    return Machine::step(p, s, e);
  }
};
struct EvictsOnLock : Machine {  // access-locking KEK1 drops the MEKs of the namespaces it serves
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (const auto* c = std::get_if<SetColumn>(&e); c && c->column == "AccessLocked" && r.out.is_ok())
      std::erase_if(r.next.cache, [](const CacheEntry& x) { return !x.factory; });
    return r;
  }
};
struct KeepsNonce : Machine {  // a nonce survives its use
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.is_ok() && (std::holds_alternative<ImportMek>(e) || std::holds_alternative<ImportKek>(e))) r.next.nonces = s.nonces;
    return r;
  }
};
struct UnmanageKeepsMeks : Machine {  // Managed 1->0 leaves the MEKs in the cache
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (const auto* c = std::get_if<SetColumn>(&e); c && c->column == "Managed" && r.out.is_ok()) r.next.cache = s.cache;
    return r;
  }
};
struct HardwareResetClears : Machine {  // a TCG Hardware Reset clears the MEKs too
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (std::holds_alternative<HardwareReset>(e)) std::erase_if(r.next.cache, [](const CacheEntry& x) { return !x.factory; });
    return r;
  }
};
struct TruncatesKeyTags : Machine {  // a decrease is accepted and drops the MEKs beyond it
  static R step(const Profile& p, const State& s, const Event& e) {
    const auto* c = std::get_if<SetColumn>(&e);
    if (!c || c->column != "NumberOfKeyTags" || !c->value.is_number_unsigned() || !s.allocations[0].managed) return Machine::step(p, s, e);
    const auto n = c->value.get<std::uint16_t>();
    State u = s;
    std::erase_if(u.cache, [&](const CacheEntry& x) { return !x.factory && x.nsid == 1 && x.key_tag >= n; });
    return Machine::step(p, u, e);
  }
};
struct LeaksKek : Machine {  // a Get of a KeyEncryptionKey row answers its Key
  static R step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (const auto* c = std::get_if<Call>(&e); c && r.out.is_ok() && c->item.dump().find("0000120200010001") != std::string::npos &&
                                                  s.keks[0].key_set)
      r.out.response.insert(r.out.response.end(), s.keks[0].key.begin(), s.keks[0].key.end());
    return r;
  }
};

}  // namespace

TEST_CASE("property: kpio MEK only under an allowed, access-unlocked KEK") {
  const auto p = small();
  holds("kpio.mek_allowed_unlocked", [&] { mek_only_under_allowed_unlocked_kek<Machine>(p); });
  fails("kpio.mek_allowed_unlocked (mutant: ignores access lock)", [&] { mek_only_under_allowed_unlocked_kek<IgnoresAccessLock>(p); });
}
TEST_CASE("property: kpio access-locking a KEK never evicts its MEKs") {
  const auto p = small();
  holds("kpio.lock_keeps_meks", [&] { locking_keeps_meks<Machine>(p); });
  fails("kpio.lock_keeps_meks (mutant: evicts on lock)", [&] { locking_keeps_meks<EvictsOnLock>(p); });
}
TEST_CASE("property: kpio a nonce is accepted once") {
  const auto p = small();
  holds("kpio.nonce_once", [&] { nonce_used_once<Machine>(p); });
  fails("kpio.nonce_once (mutant: keeps the nonce)", [&] { nonce_used_once<KeepsNonce>(p); });
}
TEST_CASE("property: kpio Managed and Revert remove exactly the note's MEKs") {
  const auto p = small();
  holds("kpio.managed_revert", [&] { managed_and_revert_remove_exactly<Machine>(p); });
  fails("kpio.managed_revert (mutant: unmanage keeps MEKs)", [&] { managed_and_revert_remove_exactly<UnmanageKeepsMeks>(p); });
}
TEST_CASE("property: kpio resets act on the cache and KEK locks as §4.3 says") {
  const auto p = small();
  holds("kpio.resets", [&] { resets<Machine>(p); });
  fails("kpio.resets (mutant: hardware reset clears)", [&] { resets<HardwareResetClears>(p); });
}
TEST_CASE("property: kpio decreasing NumberOfKeyTags never drops an MEK") {
  const auto p = small();
  holds("kpio.key_tags_never_drop", [&] { key_tags_never_drop<Machine>(p); });
  fails("kpio.key_tags_never_drop (mutant: truncates)", [&] { key_tags_never_drop<TruncatesKeyTags>(p); });
}
TEST_CASE("property: kpio no KEK or MEK in plaintext in any response") {
  const auto p = small();
  holds("kpio.no_plaintext", [&] { no_plaintext_key_in_responses<Machine>(p); }, 60);
  fails("kpio.no_plaintext (mutant: leaks KEK1)", [&] { no_plaintext_key_in_responses<LeaksKek>(p); }, 300);
}

}  // namespace LOCKREF_UNITY_ID
