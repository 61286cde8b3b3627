// A KMB mailbox (seed 001 §4.6, §4.7.2) driven by the host side of the model, for the tests
// of the mailbox machine (test_kmb.cpp, test_mutants_lock.cpp): one fixture, one set of
// request constants, one way to read a response or a request back.
#pragma once
#include <doctest/doctest.h>

#include <utility>
#include <variant>
#include <vector>

#include "lockref/lock/kmb/kmb.hpp"
#include "machine_stepper.hpp"

namespace lockref::test::kmb_fixture {
namespace kmb = lockref::lock::kmb;

/// A mailbox at power-on (Machine::initial); events go in one at a time.
struct Kmb : Stepper<kmb::Machine> {
  using Stepper::Stepper;
  /// Table 15 over the profile's fuses: what MCU ROM reports at cold reset.
  lock::epoch::HekMetadata epoch_table15() const { return lock::epoch::table15(p.fuses.slots, p.fuses.perma_hek); }
  /// MCU ROM reports the HEK metadata, then runtime firmware boots (first runtime command).
  kmb::Output boot() {
    auto o = send(kmb::host::report_hek_metadata(epoch_table15()));
    send(kmb::host::simple<kmb::GET_STATUS>());
    return o;
  }
  /// `keys` sealed to keypair `which` (§4.6.2.1); the second return of host::seal in `second`.
  kmb::SealedAccessKey seal(std::vector<Bytes> keys, Bytes* second = nullptr, std::size_t which = 0) const {
    const kmb::Keypair& kp = s.hpke.at(which);
    auto r = kmb::host::seal(p, kp, {}, keys, kmb::host::randomness_for(kp.hpke_algorithm, 7));
    REQUIRE(r.ok());
    if (second) *second = r->second;
    return r->sealed;
  }
  /// The same state with the HEK gone (Table 53 HEK_UNAVAIL_*).
  kmb::State without_hek() const {
    auto n = s;
    n.kv.hek.reset();
    return n;
  }
};

/// A mailbox booted to runtime firmware, with its HEK.
struct Runtime : Kmb {
  explicit Runtime(kmb::Profile prof = {}) : Kmb(std::move(prof)) {
    boot();
    REQUIRE(s.boot == kmb::Boot::runtime);
    REQUIRE(s.kv.hek.has_value());
  }
};

/// The response of command Cmd in `o` (fails the test if `o` holds no such response).
template <class Cmd>
typename Cmd::Response resp(const kmb::Output& o) {
  auto d = kmb::host::response<Cmd>(o);
  REQUIRE(std::holds_alternative<typename Cmd::Response>(d));
  return std::get<typename Cmd::Response>(d);
}

/// A request read back from the mailbox bytes the host side built.
template <class Req>
Req decoded(const kmb::Mailbox& m) {
  auto d = wire::decode<Req>(m.payload);
  REQUIRE(std::holds_alternative<Req>(d));
  return std::get<Req>(d);
}

inline const kmb::U8<32> kSek = kmb::host::filled<32>(0x20);
inline const kmb::U8<32> kDpk = kmb::host::filled<32>(0x30);
inline const kmb::U8<20> kMetd = kmb::host::filled<20>(1);
inline const kmb::U8<32> kAux = kmb::host::filled<32>(0x90);

}  // namespace lockref::test::kmb_fixture
