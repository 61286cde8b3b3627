// Properties of the RFC 4108 loader (seed 003 §1.2.3, §1.3; RFC 4108 §2.2.3, §2.2.9, §6.3).
// Walks load the example packages (fwpkg/builder.hpp: A and B in several versions, B
// depending on A >= 1, stale versions, legacy names, an encrypted one, refused ones) in
// random orders. Each property is checked on fwpkg::Machine and must FAIL on a mutant that
// breaks exactly the rule it guards. The expected effects are written here from the RFC's
// words, not with the model's helpers.
#include <rapidcheck.h>

#include <map>

#include "lockref/fwpkg/machine.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using lockref::Bytes;
using lockref::Step;
using namespace lockref::fwpkg;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {

struct Transition {
  State before;
  PackageAttributes attrs;  // what the package says (signed attributes), when it decodes
  bool decodes = false;
  State after;
  Output out;
};

/// The example packages and what each says (read once).
struct Catalogue {
  std::vector<Event> events;
  std::vector<std::optional<PackageAttributes>> attrs;
};
const Catalogue& catalogue(std::uint8_t versions) {
  static std::map<std::uint8_t, Catalogue> cache;
  auto& c = cache[versions];
  if (c.events.empty()) {
    Profile p;
    p.explore_versions = versions;
    c.events = Machine::candidate_events(p, Machine::initial(p));
    for (const auto& e : c.events) {
      try {
        c.attrs.push_back(read_signed_package(std::get<Load>(e).package).attrs);
      } catch (const Reject&) {
        c.attrs.push_back(std::nullopt);
      }
    }
  }
  return c;
}

Profile gen_profile() {
  Profile p;
  p.receipts = false;  // receipts and reports have their own tests; walks keep to the decisions
  p.error_reports = false;
  p.order = *rc::gen::element(DecisionOrder::rfc_text, DecisionOrder::cheap_first);
  p.explore_versions = *rc::gen::element<std::uint8_t>(1, 2, 3);
  return p;
}

template <class M>
std::pair<Profile, std::vector<Transition>> gen_walk() {
  const Profile p = gen_profile();
  const auto& cat = catalogue(p.explore_versions);
  const auto length = *rc::gen::inRange<std::size_t>(0, 31);
  const auto picks = *rc::gen::container<std::vector<std::size_t>>(length, rc::gen::inRange<std::size_t>(0, cat.events.size()));
  std::vector<Transition> t;
  State s = M::initial(p);
  for (auto i : picks) {
    auto st = M::step(p, s, cat.events[i]);
    Transition x{s, cat.attrs[i].value_or(PackageAttributes{}), cat.attrs[i].has_value(), st.next, st.out};
    t.push_back(std::move(x));
    s = std::move(st.next);
  }
  return {p, t};
}

// ---- the RFC's words, independently --------------------------------------------------------

/// Legacy names of one package: equal once the digits are dropped (the example names are
/// "boot-<major>.<minor>").
std::string stripped(const Bytes& n) {
  std::string s;
  for (auto c : n)
    if (c < '0' || c > '9') s += static_cast<char>(c);
  return s;
}
bool same_identity(const PackageName& a, const PackageName& b) {
  if (a.index() != b.index()) return false;
  if (const auto* pa = std::get_if<Preferred>(&a)) return pa->oid == std::get<Preferred>(b).oid;
  return stripped(std::get<Legacy>(a).name) == stripped(std::get<Legacy>(b).name);
}
std::map<std::string, std::uint64_t> stale_map(const State& s) {
  std::map<std::string, std::uint64_t> m;
  for (const auto& e : s.stale) m[e.oid] = std::max(m[e.oid], e.version);
  return m;
}

// ---- mutants -----------------------------------------------------------------------------

/// A refused package still wipes the stale lists.
struct MutantRejectForgetsStale : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (!r.out.is_ok()) {
      r.next.stale.clear();
      r.next.stale_legacy.clear();
    }
    return r;
  }
};

/// An accepted package joins the configuration without replacing its older version.
struct MutantKeepsOldVersion : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.is_ok())
      for (const auto& old : s.installed)
        if (std::find(r.next.installed.begin(), r.next.installed.end(), old) == r.next.installed.end())
          r.next.installed.push_back(old);
    return r;
  }
};

/// §1.2.3.2 with "less than" for "less than or equal to": the stale version itself loads.
struct MutantStaleStrict : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.status != "stalePackage") return r;
    State lowered = s;
    for (auto& x : lowered.stale)
      if (x.version > 0) --x.version;
    auto again = Machine::step(p, lowered, e);
    if (!again.out.is_ok()) return r;
    for (const auto& x : s.stale)  // keep the recorded stale numbers as they were
      for (auto& y : again.next.stale)
        if (y.oid == x.oid) y.version = std::max(y.version, x.version);
    return again;
  }
};

/// §1.3 without "MUST reject the loading of a firmware package if the dependencies of any
/// firmware package in the resulting configurations will be unsatisfied".
struct MutantIgnoresDependents : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.status != "breaksDependency") return r;
    State bare = s;
    for (auto& i : bare.installed) i.dependencies.clear();
    auto again = Machine::step(p, bare, e);
    if (!again.out.is_ok()) return r;
    for (auto& i : again.next.installed)
      for (const auto& o : s.installed)
        if (i.name == o.name && i.dependencies.empty()) i.dependencies = o.dependencies;
    return again;
  }
};

// ---- properties --------------------------------------------------------------------------

template <class M>
auto rejected_changes_nothing() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t)
      if (!x.out.is_ok()) RC_ASSERT(x.after == x.before);
  };
}

/// §1.2.3 / §1.3 / §1.2.3.1-2: an accepted package replaces the installed package of its
/// identity (or joins); the stale lists gain at most what it designates (or the rollback
/// floor); nothing else the module holds changes.
template <class M>
auto accepted_changes_only_what_the_rfc_says() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      if (!x.out.is_ok()) continue;
      RC_ASSERT(x.decodes);
      const auto& a = x.attrs;
      const auto &b = x.before, &n = x.after;
      RC_ASSERT(n.hw_type == b.hw_type);
      RC_ASSERT(n.serial == b.serial);
      RC_ASSERT(n.trust_anchors == b.trust_anchors);
      RC_ASSERT(n.communities == b.communities);
      RC_ASSERT(n.decrypt_keys == b.decrypt_keys);
      RC_ASSERT(n.module_key == b.module_key);
      const Installed entry{a.name, a.package_type, a.dependencies.value_or(std::vector<PackageName>{})};
      std::vector<Installed> others;
      for (const auto& i : b.installed)
        if (!same_identity(i.name, a.name)) others.push_back(i);
      RC_ASSERT(n.installed.size() == others.size() + 1);
      RC_ASSERT(std::count(n.installed.begin(), n.installed.end(), entry) == 1);
      for (const auto& o : others) RC_ASSERT(std::count(n.installed.begin(), n.installed.end(), o) == 1);
      // stale: only the package's own entry may change, and never downwards
      const auto sb = stale_map(b), sn = stale_map(n);
      for (const auto& [oid, v] : sn) {
        const bool own = std::holds_alternative<Preferred>(a.name) && std::get<Preferred>(a.name).oid == oid;
        if (!own) RC_ASSERT((sb.count(oid) && sb.at(oid) == v));
        else RC_ASSERT((!sb.count(oid) || sb.at(oid) <= v));
      }
      for (const auto& [oid, v] : sb) RC_ASSERT(sn.count(oid) == 1);
      if (const auto* sv = a.stale ? std::get_if<StaleVersion>(&*a.stale) : nullptr)
        RC_ASSERT(sn.at(std::get<Preferred>(a.name).oid) >= sv->version);
      if (!a.stale) RC_ASSERT(n.stale_legacy == b.stale_legacy);
    }
  };
}

/// §1.2.3 "SHOULD prevent loading of the stale version and versions earlier than the stale
/// version": once (P, v) is stale, no later load installs P <= v (stale lists unbounded).
template <class M>
auto stale_is_monotonic() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    std::map<std::string, std::uint64_t> seen;
    std::vector<Bytes> seen_legacy;
    for (const auto& x : t) {
      for (const auto& [oid, v] : stale_map(x.before)) seen[oid] = std::max(seen[oid], v);
      for (const auto& l : x.before.stale_legacy) seen_legacy.push_back(l);
      if (!x.out.is_ok()) continue;
      if (const auto* pr = std::get_if<Preferred>(&x.attrs.name)) {
        if (seen.count(pr->oid)) RC_ASSERT(pr->version > seen.at(pr->oid));
      } else {
        const auto& l = std::get<Legacy>(x.attrs.name).name;
        for (const auto& st : seen_legacy)
          if (stripped(st) == stripped(l)) RC_ASSERT(l != st);  // the example names differ only in digits
      }
      for (const auto& [oid, v] : stale_map(x.before)) RC_ASSERT(stale_map(x.after).at(oid) >= v);
    }
  };
}

/// §1.3: after every accepted load, every installed package's dependencies are met: the same
/// fwPkgID installed with a version at least the one required (§2.2.9).
template <class M>
auto dependencies_hold_after_accept() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      if (!x.out.is_ok()) continue;
      for (const auto& q : x.after.installed)
        for (const auto& d : q.dependencies) {
          const auto& want = std::get<Preferred>(d);
          bool met = false;
          for (const auto& o : x.after.installed)
            if (const auto* have = std::get_if<Preferred>(&o.name); have && &o != &q && have->oid == want.oid)
              met = met || have->version >= want.version;
          RC_ASSERT(met);
        }
    }
  };
}

}  // namespace

TEST_CASE("fwpkg: a rejected package never changes persistent state") {
  holds("rejections change nothing", rejected_changes_nothing<Machine>(), 100);
  fails("a refused package wipes the stale lists", rejected_changes_nothing<MutantRejectForgetsStale>(), 500);
}

TEST_CASE("fwpkg: an accepted package changes the state only as RFC 4108 says") {
  holds("accepted: replace or join, stale only raised", accepted_changes_only_what_the_rfc_says<Machine>(), 100);
  fails("the old version stays installed", accepted_changes_only_what_the_rfc_says<MutantKeepsOldVersion>(), 500);
}

TEST_CASE("fwpkg: stale protection is monotonic") {
  holds("once stale, never installed again", stale_is_monotonic<Machine>(), 100);
  fails("the stale version itself loads", stale_is_monotonic<MutantStaleStrict>(), 500);
}

TEST_CASE("fwpkg: after every accepted load every installed package's dependencies hold") {
  holds("dependencies hold", dependencies_hold_after_accept<Machine>(), 100);
  fails("a load may break an installed package's dependency", dependencies_hold_after_accept<MutantIgnoresDependents>(), 500);
}

}  // namespace LOCKREF_UNITY_ID
