// A Key Per I/O TPer (seed 002) driven by the tests of kpio/sp.hpp (test_mutants_kpio*.cpp):
// one TPer stepper, one way to address the SP's methods, one reader of seed 002's table
// bytes and of a Security Protocol 0x03 response.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "external_vectors.hpp"
#include "lockref/kpio/sp.hpp"

namespace lockref::test::kpio_fixture {
namespace kp = lockref::kpio;

/// A Key Per I/O TPer (Table 1's constants unless the profile says otherwise), one event at a time.
struct Tper {
  kp::Profile p;
  kp::State s = kp::Machine::initial(p);
  kp::Output on(const kp::Event& e) {
    auto r = kp::Machine::step(p, s, e);
    s = std::move(r.next);
    return r.out;
  }
};

/// An activated SP (its tables as Activate leaves them) with no MEK in the key cache.
inline kp::State active_state(const kp::Profile& p) {
  auto s = kp::Machine::initial(p);
  s.kpio_active = true;
  s.cache.clear();
  return s;
}

/// The bytes of seed 002 Table `table` (vectors/tcg-seed002.json): "-encode" a Security
/// Protocol 0x01 ComPacket, "-sp3-compacket" a Security Protocol 0x03 ComPacket.
inline Bytes seed_table(int table, const std::string& suffix) {
  static const Json all = testing::load_vectors("tcg-seed002.json");
  for (const auto& v : all["vectors"])
    if (v["id"] == "kpio-table" + std::to_string(table) + suffix) return testing::unhex(v["expect"]["hex"]);
  FAIL("no Table " << table << suffix);
  return {};
}

/// A session to `sp` as `who`, open for writing: what Tper::invoke sees of a StartSession.
inline tcg::Session session_as(std::string_view sp, std::string_view who) {
  tcg::Session ses;
  ses.sp = tcg::uid_of(sp);
  ses.authorities = {tcg::uid_of(who)};
  ses.write = true;
  return ses;
}
/// `method` on `obj`, no arguments yet.
inline tcg::Invocation invocation(std::uint64_t obj, tcg::Method m) {
  tcg::Invocation inv;
  inv.object = obj;
  inv.method = m;
  return inv;
}

/// The BatchItems of the KMIP ResponseMessage in a Security Protocol 0x03 answer (§3.4.1
/// ComPacket; Tables 43, 64).
inline std::vector<kmip::Item> response_items(const Bytes& response) {
  const auto cp = tcg::decode_raw_compacket(response);
  REQUIRE(cp);
  const auto m = kmip::decode_prefix(cp->data);
  REQUIRE(m);
  std::vector<kmip::Item> out;
  for (const auto& c : m->first.children)
    if (c.tag == kp::tag::batch_item) out.push_back(c);
  return out;
}

}  // namespace lockref::test::kpio_fixture
