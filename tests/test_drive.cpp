// The composed drive (model/lockref/drive/drive.hpp): epoch rules + KMB + engine, and the
// drive firmware duties of Table 60 items 4, 6, 7 and 8.
#include <doctest/doctest.h>

#include "lockref/drive/drive.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
namespace drive = lockref::drive;
namespace kmb = lockref::lock::kmb;
namespace epoch = lockref::lock::epoch;

namespace {
struct Drive {
  drive::Profile p;
  drive::State s;
  Drive() : s(drive::Machine::initial(p)) {}
  drive::Output send(const drive::Event& e) {
    auto st = drive::Machine::step(p, s, e);
    s = st.next;
    return st.out;
  }
  drive::Output mb(const kmb::Mailbox& m) { return send(drive::Command{m.cmd, m.payload}); }
  kmb::SealedAccessKey sealed(const Bytes& ak) {
    const auto& kp = s.kmb.hpke.front();
    return kmb::host::seal(p.kmb, kp, {}, {ak}, kmb::host::randomness_for(kp.hpke_algorithm, 3)).value().sealed;
  }
};
const auto kSek = kmb::host::filled<32>(0x20);
const auto kDpk = kmb::host::filled<32>(0x30);
const auto kMetd = kmb::host::filled<20>(1);
}  // namespace

TEST_CASE("drive: MCU ROM reports the HEK metadata at every cold reset (Table 60 item 6)") {
  Drive d;
  CHECK(d.s.kmb.hek_metadata.reported);
  CHECK(d.mb(kmb::host::report_hek_metadata(epoch::table15(d.s.kmb.fuses.slots, d.s.kmb.fuses.perma_hek))).status ==
        "LOCK_COMMAND_SEQUENCE");
  d.send(drive::ColdReset{});
  CHECK(d.s.kmb.hek_metadata.reported);
  CHECK(d.s.kmb.kv.hek.has_value());
}

TEST_CASE("drive: no MEK is programmed while the SEK is zeroized (Table 60 item 8)") {
  Drive d;
  d.mb(kmb::host::simple<kmb::INITIALIZE_MEK_SECRET>());
  CHECK(d.mb(kmb::host::derive_mek(kSek, kDpk, {}, kMetd, {}, 50)).status == "ok");
  CHECK(d.s.kmb.engine.engine.cache.size() == 1);
  // Zeroizing the SEK is a cryptographic erase: drive firmware clears the key cache (item 4).
  auto z = d.send(drive::Epoch{epoch::ZeroizeSek{}});
  CHECK(z.status == "ok");
  REQUIRE(z.engine);
  CHECK(z.engine->request.command == engine::Command::zeroize);
  CHECK(d.s.kmb.engine.engine.cache.empty());
  d.mb(kmb::host::simple<kmb::INITIALIZE_MEK_SECRET>());
  auto r = d.mb(kmb::host::derive_mek(kSek, kDpk, {}, kMetd, {}, 50));
  CHECK(r.status == "DRIVE_SEK_ZEROIZED");
  CHECK_FALSE(r.engine.has_value());
  CHECK(drive::Machine::observe(d.p, d.s).key_cache_entries == 0);
}

TEST_CASE("drive: the epoch rules guard fuse and SEK operations (Table 60 item 7)") {
  Drive d;
  CHECK(d.send(drive::Epoch{epoch::ZeroizeCurrentHek{}}).status == "LOCK_EPOCH_SEQUENCE");  // rule 2
  CHECK(d.send(drive::Epoch{epoch::ZeroizeSek{}}).status == "ok");
  CHECK(d.send(drive::Epoch{epoch::ZeroizeCurrentHek{}}).status == "ok");
  CHECK(d.send(drive::Epoch{epoch::ProgramSek{}}).status == "LOCK_HEK_NOT_AVAILABLE");       // rule 1
  d.send(drive::ColdReset{});
  CHECK(drive::Machine::observe(d.p, d.s).hek_state == "HEK_UNAVAIL_ZEROIZED");
  CHECK(d.send(drive::Epoch{epoch::ProgramNextHek{}}).status == "ok");
  CHECK(d.send(drive::Epoch{epoch::ProgramSek{}}).status == "ok");
  d.send(drive::ColdReset{});
  CHECK(drive::Machine::observe(d.p, d.s).hek_state == "HEK_AVAIL_PROGRAMMED");
}

TEST_CASE("drive errata: a HEK zeroization takes effect at the next cold reset") {
  // E-KMB-HEK-ZEROIZE-WINDOW: Caliptra ROM derives the HEK into the Key Vault at cold reset
  // (Figure 37); MCU zeroizes the fuse slot later (Figure 19). Until the next cold reset KMB
  // still holds the old HEK and reports it available, so a Locked MPK made before the
  // zeroization still enables when the old SEK bytes are supplied.
  Drive d;
  d.mb(kmb::host::simple<kmb::GET_STATUS>());
  const Bytes ak(32, 0x41);
  auto g = d.mb(kmb::host::generate_mpk(kSek, to_bytes("ac"), d.sealed(ak)));
  REQUIRE(g.status == "ok");
  const auto lm = std::get<kmb::GenerateMpkResp>(wire::decode<kmb::GenerateMpkResp>(g.response)).encrypted_mpk;
  d.send(drive::Epoch{epoch::ZeroizeSek{}});
  REQUIRE(d.send(drive::Epoch{epoch::ZeroizeCurrentHek{}}).status == "ok");
  CHECK(d.mb(kmb::host::enable_mpk(kSek, d.sealed(ak), lm)).status == "ok");  // the window
  d.send(drive::ColdReset{});
  d.mb(kmb::host::simple<kmb::GET_STATUS>());
  CHECK(d.mb(kmb::host::enable_mpk(kSek, d.sealed(ak), lm)).status == "LOCK_HEK_NOT_AVAILABLE");
  d.send(drive::Epoch{epoch::ProgramNextHek{}});
  d.send(drive::ColdReset{});
  d.mb(kmb::host::simple<kmb::GET_STATUS>());
  CHECK(d.mb(kmb::host::enable_mpk(kSek, d.sealed(ak), lm)).status == "LOCK_MPK_DECRYPT");
}

}  // namespace LOCKREF_UNITY_ID
