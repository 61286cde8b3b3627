// The KMB mailbox machine (seed 001 §4.6.1-§4.6.8, §4.7.2, Tables 12-57): codec, checksum,
// command behaviour, resets, and the errata of spec/errata.md section "KMB mailbox".
#include <doctest/doctest.h>

#include "kmb_fixture.hpp"
#include "lockref/lock/kmb/kmb.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::lock::kmb;
namespace epoch = lockref::lock::epoch;
using namespace lockref::test::kmb_fixture;

namespace {

const Bytes kAk(32, 0x41), kAk2(32, 0x42);

LockedMpk make_mpk(Kmb& k, const Bytes& ak, const std::string& md = "ac-1") {
  auto o = k.send(host::generate_mpk(kSek, to_bytes(md), k.seal({ak})));
  REQUIRE(o.status == "ok");
  return resp<GENERATE_MPK>(o).encrypted_mpk;
}
EnabledMpk enable(Kmb& k, const LockedMpk& m, const Bytes& ak) {
  auto o = k.send(host::enable_mpk(kSek, k.seal({ak}), m));
  REQUIRE(o.status == "ok");
  return resp<ENABLE_MPK>(o).enabled_mpk;
}

}  // namespace

TEST_CASE("kmb: checksum is the Caliptra mailbox rule (hand-computed)") {
  // GET_ALGORITHMS "GALG" = 0x47414C47, little-endian bytes 47 4C 41 47: sum 0x11B;
  // chksum = 2^32 - 0x11B = 0xFFFFFEE5, stored little-endian.
  CHECK(checksum(GET_ALGORITHMS::code, {}) == 0xFFFFFEE5u);
  const auto m = host::simple<GET_ALGORITHMS>();
  CHECK(to_hex(m.payload) == "e5feffff");
  // A response with fips_status 0 and nothing else: command code 0, sum 0, chksum 0.
  CHECK(checksum(0, Bytes(8, 0)) == 0u);
  // CLEAR_KEY_CACHE with cmd_timeout 0x100: bytes 43 4B 4C 43 + 00.. + 00 01 00 00.
  CHECK(checksum(CLEAR_KEY_CACHE::code, Bytes{0, 0, 0, 0, 0, 1, 0, 0}) == 0u - (0x43u + 0x4Bu + 0x4Cu + 0x43u + 1u));
  CHECK(checksum_ok(GET_ALGORITHMS::code, m.payload));
  CHECK_FALSE(checksum_ok(GET_STATUS::code, m.payload));
}

TEST_CASE("kmb: command codes are the printed ASCII mnemonics") {
  for_each_command([](auto c) {
    using C = decltype(c);
    const auto fc = lockref::lock::fourcc(C::code);
    CHECK(std::string(fc.begin(), fc.end()) == std::string(C::mnemonic));
  });
}

TEST_CASE("kmb errata: INITIALIZE_MEK_SECRET is printed 0x494D_0B53 for IMKS") {
  // E-KMB-IMKS-CODE: the printed value spells "IM\x0bS".
  const auto fc = lockref::lock::fourcc(imks_printed_code);
  CHECK(std::string(fc.begin(), fc.end()) != "IMKS");
  Kmb k;
  k.boot();
  Bytes req = wire::encode(RequestHeader{});
  seal_checksum(imks_printed_code, req);
  CHECK(k.send(Mailbox{imks_printed_code, req}).status == "LOCK_UNKNOWN_COMMAND");
  Profile both;
  both.imks_code = ImksCode::both;
  Kmb k2(both);
  k2.boot();
  CHECK(k2.send(Mailbox{imks_printed_code, req}).status == "ok");
  CHECK(k2.send(host::simple<INITIALIZE_MEK_SECRET>()).status == "ok");
}

TEST_CASE("kmb: every request and response table round-trips through the generic codec") {
  for_each_command([](auto c) {
    using C = decltype(c);
    typename C::Request r{};
    const Bytes b = wire::encode(r);
    auto d = wire::decode<typename C::Request>(b);
    if constexpr (std::is_same_v<typename C::Request, GenerateMpkReq> || std::is_same_v<typename C::Request, RewrapMpkReq> ||
                  std::is_same_v<typename C::Request, EnableMpkReq> || std::is_same_v<typename C::Request, TestAccessKeyReq> ||
                  std::is_same_v<typename C::Request, MixMpkReq> || std::is_same_v<typename C::Request, LoadMekReq>) {
      // A zero SealedAccessKey/WrappedKey is not a valid Table 54/56 value: refused, not crashed.
      CHECK(std::holds_alternative<wire::DecodeError>(d));
    } else {
      REQUIRE(std::holds_alternative<typename C::Request>(d));
      CHECK(wire::encode(std::get<typename C::Request>(d)) == b);
    }
  });
  // Fixed sizes from the tables: Table 13 = 4+4+2+2+2+2, Table 44 = 4+4+32+32+20+32+WrappedMek+4.
  CHECK(wire::encode(ReportHekMetadataReq{}).size() == 16);
  CHECK(wire::encode(ReportHekMetadataResp{}).size() == 24);
  CHECK(wire::encode(GetAlgorithmsResp{}).size() == 36);
  CHECK(wire::encode(DeriveMekReq{}).size() == 4 + 4 + 32 + 32 + 16 + 20 + 32 + 4);
  CHECK(wire::encode(TestAccessKeyResp{}).size() == 56);
}

TEST_CASE("kmb: end-to-end scenario (cold boot to enable after a cold reset)") {
  Kmb k;
  CHECK(k.boot().status == "ok");
  auto en = resp<ENUMERATE_HPKE_HANDLES>(k.send(host::simple<ENUMERATE_HPKE_HANDLES>()));
  REQUIRE(en.hpke_handle_count == 3);
  CHECK(en.hpke_handles[0].hpke_algorithm == 1);
  CHECK(en.hpke_handles[1].hpke_algorithm == 2);
  CHECK(en.hpke_handles[2].hpke_algorithm == 4);
  auto ep = resp<ENDORSE_HPKE_PUB_KEY>(k.send(host::endorse_pub_key(en.hpke_handles[0].handle, 0)));
  CHECK(ep.pub_key_len == 97);
  CHECK(ep.endorsement_len == 0);
  CHECK(ep.pub_key == k.s.hpke[0].pk);
  auto cert = resp<ENDORSE_HPKE_PUB_KEY>(k.send(host::endorse_pub_key(en.hpke_handles[0].handle, 1)));
  CHECK(cert.endorsement.size() > 300);
  CHECK(cert.endorsement.at(0) == 0x30);
  const auto locked = make_mpk(k, kAk);
  CHECK(locked.metadata == to_bytes("ac-1"));
  const auto enabled = enable(k, locked, kAk);
  CHECK(k.send(host::simple<INITIALIZE_MEK_SECRET>()).status == "ok");
  CHECK(k.send(host::mix_mpk(enabled)).status == "ok");
  auto gen = k.send(host::generate_mek(kSek, kDpk));
  REQUIRE(gen.status == "ok");
  const auto wrapped = resp<GENERATE_MEK>(gen).wrapped_mek;
  CHECK(k.send(host::simple<INITIALIZE_MEK_SECRET>()).status == "ok");
  CHECK(k.send(host::mix_mpk(enabled)).status == "ok");
  auto load = k.send(host::load_mek(kSek, kDpk, kMetd, kAux, wrapped, 100));
  REQUIRE(load.status == "ok");
  REQUIRE(load.engine);
  CHECK(load.engine->result == "ok");
  CHECK(k.s.engine.engine.cache.size() == 1);
  CHECK(k.send(host::unload_mek(kMetd, 100)).status == "ok");
  CHECK(k.s.engine.engine.cache.empty());
  // Warm reset: VEK kept, the Enabled MPK still mixes.
  k.send(WarmReset{});
  CHECK(k.send(host::simple<INITIALIZE_MEK_SECRET>()).status == "ok");
  CHECK(k.send(host::mix_mpk(enabled)).status == "ok");
  // Cold reset: the VEK is gone, the Enabled MPK fails; the Locked MPK enables again.
  k.send(ColdReset{});
  k.boot();
  CHECK(k.send(host::simple<INITIALIZE_MEK_SECRET>()).status == "ok");
  CHECK(k.send(host::mix_mpk(enabled)).status == "LOCK_MPK_DECRYPT");
  const auto enabled2 = enable(k, locked, kAk);
  CHECK(k.send(host::mix_mpk(enabled2)).status == "ok");
}

TEST_CASE("kmb: REPORT_HEK_METADATA exactly once per cold reset") {
  Kmb k;
  CHECK(k.send(host::report_hek_metadata(epoch::table15(k.p.fuses.slots, k.p.fuses.perma_hek))).status == "ok");
  // A second call in ROM is refused as well as one after runtime boot.
  auto again = k.send(host::report_hek_metadata(epoch::table15(k.p.fuses.slots, k.p.fuses.perma_hek)));
  CHECK(again.status == "LOCK_COMMAND_SEQUENCE");
  CHECK(again.rule == "KMB-4.7.2.4-ONCE");
  CHECK(k.send(host::simple<GET_STATUS>()).status == "ok");
  CHECK(k.boot().status == "LOCK_COMMAND_SEQUENCE");
  CHECK(k.s.kv.hek.has_value());
  CHECK(k.s.boot == Boot::runtime);
  // After a cold reset it is accepted again.
  k.send(ColdReset{});
  CHECK(k.boot().status == "ok");
}

TEST_CASE("kmb: missing REPORT_HEK_METADATA zeroizes the HEK (§4.6.4.1)") {
  Kmb k;  // no REPORT_HEK_METADATA: runtime boots on the first runtime command
  auto st = resp<REPORT_EPOCH_KEY_STATE>(k.send(host::report_epoch_key_state(1, host::filled<16>(0))));
  CHECK(st.hek_state == static_cast<u16>(epoch::HekState::unavail_zeroized));
  CHECK(st.hek_erasures_remaining == 0);
  CHECK_FALSE(k.s.kv.hek.has_value());
  CHECK(k.send(host::generate_mek(kSek, kDpk)).status == "LOCK_HEK_NOT_AVAILABLE");
  CHECK(k.send(host::generate_mpk(kSek, {}, k.seal({kAk}))).status == "LOCK_HEK_NOT_AVAILABLE");
  CHECK(k.send(host::derive_mek(kSek, kDpk, {}, kMetd, kAux, 100)).status == "LOCK_HEK_NOT_AVAILABLE");
  CHECK(k.s.engine.engine.cache.empty());
}

TEST_CASE("kmb: REPORT_EPOCH_KEY_STATE follows Table 53 and §4.7.2.21.1") {
  Profile p;
  p.fuses.slots = {epoch::Slot::zeroized, epoch::Slot::randomized, epoch::Slot::blank, epoch::Slot::blank};
  Kmb k(p);
  k.boot();
  auto st = resp<REPORT_EPOCH_KEY_STATE>(k.send(host::report_epoch_key_state(1, host::filled<16>(9))));
  CHECK(st.hek_state == 3);                 // HEK_AVAIL_PROGRAMMED
  CHECK(st.hek_erasures_remaining == 3);    // 4 - 1 - 0
  CHECK(st.sek_state == 1);
  CHECK(st.nonce == host::filled<16>(9));
  CHECK(st.eat_len == 0);                   // E-KMB-EAT-EMPTY
  CHECK(k.send(host::report_epoch_key_state(2, {})).status == "LOCK_MALFORMED_REQUEST");
  // A reported zeroized seed: HEK unavailable.
  Kmb z(p);
  z.send(host::report_hek_metadata(epoch::HekMetadata{epoch::SeedState::zeroized, 0, 4}));
  CHECK_FALSE(z.s.kv.hek.has_value());
  auto zs = resp<REPORT_EPOCH_KEY_STATE>(z.send(host::report_epoch_key_state(0, {})));
  CHECK(zs.hek_state == 1);
  CHECK(zs.hek_erasures_remaining == 3);  // 4 - 0 - 1
}

TEST_CASE("kmb errata: Appendix B's EAT is empty in 0.9") {
  // E-KMB-EAT-EMPTY: Table 51 promises a "CBOR-encoded and signed IETF EAT" whose format
  // Appendix B leaves empty; the model answers eat_len 0.
  Kmb k;
  k.boot();
  auto o = k.send(host::report_epoch_key_state(1, {}));
  auto st = resp<REPORT_EPOCH_KEY_STATE>(o);
  CHECK(st.eat_len == 0);
  CHECK(st.eat.empty());
  CHECK(o.response.size() == 4 + 4 + 4 + 2 * 4 + 16);
}

TEST_CASE("kmb: malformed requests carry the code, the field and the offset") {
  Kmb k;
  k.boot();
  // Unknown command code.
  auto u = k.send(Mailbox{0x41424344, Bytes(4, 0)});
  CHECK(u.status == "LOCK_UNKNOWN_COMMAND");
  CHECK(u.result_code == 0x4C554E43u);
  // Bad checksum.
  auto m = host::simple<GET_ALGORITHMS>();
  m.payload[0] ^= 1;
  CHECK(k.send(m).status == "LOCK_BAD_CHECKSUM");
  // Too short for the table (Table 21 is 12 bytes).
  auto c = host::clear_key_cache(5);
  c.payload.resize(10);
  seal_checksum(c.cmd, c.payload);
  auto t = k.send(c);
  CHECK(t.status == "LOCK_MALFORMED_REQUEST");
  CHECK(t.detail.find("cmd_timeout at offset 8") != std::string::npos);
  // Trailing bytes.
  auto tr = host::simple<GET_STATUS>();
  tr.payload.push_back(0);
  seal_checksum(tr.cmd, tr.payload);
  auto trr = k.send(tr);
  CHECK(trr.status == "LOCK_MALFORMED_REQUEST");
  CHECK(trr.detail.find("1 trailing byte") != std::string::npos);
  // metadata_len larger than what follows.
  auto g = host::generate_mpk(kSek, to_bytes("abc"), k.seal({kAk}));
  g.payload[40] = 0xFF;  // metadata_len at offset 4+4+32 = 40
  seal_checksum(g.cmd, g.payload);
  auto gr = k.send(g);
  CHECK(gr.status == "LOCK_MALFORMED_REQUEST");
  CHECK(gr.detail.find("metadata at offset 44") != std::string::npos);
  // hpke_algorithm not a Table 20 bit: LOCK_BAD_ALGORITHM at the field.
  auto h = host::generate_mpk(kSek, {}, k.seal({kAk}));
  h.payload[44 + 4] = 3;  // sealed_access_key.hpke_algorithm
  seal_checksum(h.cmd, h.payload);
  auto hr = k.send(h);
  CHECK(hr.status == "LOCK_BAD_ALGORITHM");
  CHECK(hr.detail.find("sealed_access_key.hpke_algorithm at offset 48") != std::string::npos);
  // access_key_len not 32.
  auto a = host::generate_mpk(kSek, {}, k.seal({kAk}));
  a.payload[44 + 8] = 16;
  seal_checksum(a.cmd, a.payload);
  CHECK(k.send(a).status == "LOCK_BAD_ALGORITHM");
  // A WrappedKey of the wrong key_type where a LockedMpk belongs.
  auto locked = make_mpk(k, kAk);
  locked.key_type = 2;
  auto e = k.send(host::enable_mpk(kSek, k.seal({kAk}), locked));
  CHECK(e.status == "LOCK_MPK_DECRYPT");
  CHECK(e.detail.find("locked_mpk.key_type") != std::string::npos);
  // Unknown handle.
  auto sk = k.seal({kAk});
  sk.hpke_handle = 77;
  CHECK(k.send(host::generate_mpk(kSek, {}, sk)).status == "LOCK_BAD_HANDLE");
  // A failure leaves the state as it was and still answers chksum || fips_status.
  CHECK(e.response.size() == 8);
  CHECK(checksum_ok(0, e.response));
}

TEST_CASE("kmb: MEK commands before INITIALIZE_MEK_SECRET") {
  Kmb k;
  k.boot();
  CHECK(k.send(host::generate_mek(kSek, kDpk)).status == "LOCK_MEK_NOT_INITIALIZED");
  CHECK(k.send(host::derive_mek(kSek, kDpk, {}, kMetd, kAux, 100)).status == "LOCK_MEK_NOT_INITIALIZED");
  CHECK(k.send(host::load_mek(kSek, kDpk, kMetd, kAux, WrappedMek::from_key(lockref::lock::WrappedKey{lockref::lock::WrappedKeyType::wrapped_mek, 0, {}, {}, {}, Bytes(64, 0), {}}), 100)).status ==
        "LOCK_MEK_NOT_INITIALIZED");
  auto locked = make_mpk(k, kAk);
  auto en = enable(k, locked, kAk);
  CHECK(k.send(host::mix_mpk(en)).status == "LOCK_MEK_NOT_INITIALIZED");
}

TEST_CASE("kmb errata: what an MEK command consumes (Table 1: MPK secret zeroized after use)") {
  // E-KMB-MEK-CONSUMES: default profile: the MPK secret is consumed by the MEK command, so a
  // second one needs INITIALIZE_MEK_SECRET again; profile "kept" leaves it.
  Kmb k;
  k.boot();
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  CHECK(k.send(host::generate_mek(kSek, kDpk)).status == "ok");
  CHECK(k.send(host::generate_mek(kSek, kDpk)).status == "LOCK_MEK_NOT_INITIALIZED");
  Profile kept;
  kept.mpk_secret_use = MpkSecretUse::kept;
  Kmb k2(kept);
  k2.boot();
  k2.send(host::simple<INITIALIZE_MEK_SECRET>());
  CHECK(k2.send(host::generate_mek(kSek, kDpk)).status == "ok");
  CHECK(k2.send(host::generate_mek(kSek, kDpk)).status == "ok");
  // consumed: even a failed LOAD_MEK consumes it (the MEK secret was derived).
  Kmb k3;
  k3.boot();
  k3.send(host::simple<INITIALIZE_MEK_SECRET>());
  auto w = resp<GENERATE_MEK>(k3.send(host::generate_mek(kSek, kDpk))).wrapped_mek;
  k3.send(host::simple<INITIALIZE_MEK_SECRET>());
  CHECK(k3.send(host::load_mek(kSek, host::filled<32>(1), kMetd, kAux, w, 100)).status == "LOCK_MEK_DECRYPT");
  CHECK_FALSE(k3.s.kv.mpk_secret.has_value());
}

TEST_CASE("kmb: load after generate programs the generated MEK and any input change fails") {
  Kmb k;
  k.boot();
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  auto w = resp<GENERATE_MEK>(k.send(host::generate_mek(kSek, kDpk))).wrapped_mek;
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  auto o = k.send(host::load_mek(kSek, kDpk, kMetd, kAux, w, 100));
  REQUIRE(o.engine);
  // The engine received a 64-byte MEK that no response ever carried.
  CHECK(o.engine->request.mek != engine::Mek{});
  const Bytes mek(o.engine->request.mek.begin(), o.engine->request.mek.end());
  CHECK(std::search(w.ciphertext.begin(), w.ciphertext.end(), mek.begin(), mek.end()) == w.ciphertext.end());
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  CHECK(k.send(host::load_mek(host::filled<32>(0x21), kDpk, kMetd, kAux, w, 100)).status == "LOCK_MEK_DECRYPT");
}

TEST_CASE("kmb: DERIVE_MEK checksum (Figure 25)") {
  Kmb k;
  k.boot();
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  auto d = resp<DERIVE_MEK>(k.send(host::derive_mek(kSek, kDpk, {}, kMetd, kAux, 100)));
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  CHECK(k.send(host::derive_mek(kSek, kDpk, d.mek_checksum, host::filled<20>(2), kAux, 100)).status == "ok");
  auto bad = d.mek_checksum;
  bad[0] ^= 1;
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  auto f = k.send(host::derive_mek(kSek, kDpk, bad, host::filled<20>(3), kAux, 100));
  CHECK(f.status == "LOCK_MEK_DECRYPT");
  CHECK_FALSE(f.engine.has_value());
}

TEST_CASE("kmb: engine not ready and timeout through the driver (§4.7.2.2)") {
  Kmb k;
  k.boot();
  k.send(EngineFatal{});
  auto st = resp<GET_STATUS>(k.send(host::simple<GET_STATUS>()));
  CHECK((st.ctrl_register & 0x80000000u) == 0);  // RDY = 0
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  auto o = k.send(host::derive_mek(kSek, kDpk, {}, kMetd, kAux, 100));
  CHECK(o.status == "LOCK_EE_NOT_READY");
  CHECK(o.result_code == 0x4C454E52u);
  Profile slow;
  slow.engine.engine.latency = 50;
  Kmb s(slow);
  s.boot();
  CHECK(s.send(host::clear_key_cache(3)).status == "LOCK_ENGINE_TIMEOUT");
}

TEST_CASE("kmb: HPKE handles across rotate and the three resets (§4.6.8)") {
  Kmb k;
  k.boot();
  k.send(host::simple<GET_STATUS>());
  const auto before = k.s.hpke;
  const u32 old = before[0].handle;
  auto r = resp<ROTATE_HPKE_KEY>(k.send(host::rotate(old)));
  CHECK(r.hpke_handle != old);
  CHECK(k.send(host::endorse_pub_key(old, 0)).status == "LOCK_BAD_HANDLE");
  CHECK(k.send(host::rotate(old)).status == "LOCK_BAD_HANDLE");
  const auto rotated = k.s.hpke;
  k.send(WarmReset{});
  CHECK(k.s.hpke == rotated);
  k.send(FirmwareUpdateReset{});
  for (const auto& kp : k.s.hpke)
    for (const auto& o : rotated) {
      CHECK(kp.handle != o.handle);
      CHECK(kp.sk != o.sk);
    }
  k.send(ColdReset{});
  k.boot();
  k.send(host::simple<GET_STATUS>());
  for (std::size_t i = 0; i < k.s.hpke.size(); ++i) CHECK(k.s.hpke[i].sk != before[i].sk);
}

TEST_CASE("kmb: rewrap makes the old access key fail and the new one pass TEST_ACCESS_KEY") {
  Kmb k;
  k.boot();
  auto locked = make_mpk(k, kAk);
  Bytes second;
  auto s2 = k.seal({kAk, kAk2}, &second);
  auto o = k.send(host::rewrap_mpk(kSek, locked, s2, second));
  REQUIRE(o.status == "ok");
  auto fresh = resp<REWRAP_MPK>(o).new_locked_mpk;
  CHECK(fresh.metadata == locked.metadata);
  const auto nonce = host::filled<32>(5);
  CHECK(k.send(host::test_access_key(kSek, nonce, fresh, k.seal({kAk}))).status == "LOCK_MPK_DECRYPT");
  auto t = k.send(host::test_access_key(kSek, nonce, fresh, k.seal({kAk2})));
  REQUIRE(t.status == "ok");
  // digest = SHA2-384(metadata || access key || nonce) (§4.7.2.16)
  const auto digest = resp<TEST_ACCESS_KEY>(t).digest;
  CHECK(Bytes(digest.begin(), digest.end()) == crypto::sha384(concat({to_bytes("ac-1"), kAk2, nonce})));
}

TEST_CASE("kmb errata: the two REWRAP_MPK readings disagree (§4.6.2.2.3 vs §4.7.2.12)") {
  // E-KMB-REWRAP. Host A follows §4.6.2.2.3: new_ak_ciphertext = Seal(new access key) at seq 1.
  Kmb a;
  a.boot();
  auto locked = make_mpk(a, kAk);
  Bytes second;
  auto s2 = a.seal({kAk, kAk2}, &second);
  auto req = host::rewrap_mpk(kSek, locked, s2, second);
  Profile inner;
  inner.rewrap = RewrapReading::inner_decrypt;
  Kmb b(inner);
  b.s = a.s;  // same device, same keys, other reading
  auto ra = a.send(req);
  auto rb = b.send(req);
  REQUIRE(ra.status == "ok");
  REQUIRE(rb.status == "ok");
  // The same bytes bind the MPK to different access keys: under §4.7.2.12 the new key is
  // AES-256-ECB-Decrypt(current, new) and kAk2 no longer opens the rewrapped MPK.
  auto fa = resp<REWRAP_MPK>(ra).new_locked_mpk;
  auto fb = resp<REWRAP_MPK>(rb).new_locked_mpk;
  const auto nonce = host::filled<32>(5);
  CHECK(a.send(host::test_access_key(kSek, nonce, fa, a.seal({kAk2}))).status == "ok");
  CHECK(b.send(host::test_access_key(kSek, nonce, fb, b.seal({kAk2}))).status == "LOCK_MPK_DECRYPT");
  // And a host following §4.7.2.12 (inner layer = ECB-Encrypt(current, new)) works only there.
  auto wrapped_new = crypto::aes256_ecb_encrypt(kAk, kAk2).value();
  Bytes second_b;
  auto s3 = b.seal({kAk, wrapped_new}, &second_b);
  auto rb2 = b.send(host::rewrap_mpk(kSek, locked, s3, second_b));
  REQUIRE(rb2.status == "ok");
  CHECK(b.send(host::test_access_key(kSek, nonce, resp<REWRAP_MPK>(rb2).new_locked_mpk, b.seal({kAk2}))).status == "ok");
}

TEST_CASE("kmb: fatal error until cold reset (§4.7.2.23)") {
  Kmb k;
  k.boot();
  k.send(FatalError{});
  CHECK(k.send(host::simple<GET_STATUS>()).status == "LOCK_FATAL");
  k.send(WarmReset{});
  CHECK(k.send(host::simple<GET_STATUS>()).status == "LOCK_FATAL");
  k.send(ColdReset{});
  CHECK(k.send(host::simple<GET_STATUS>()).status == "ok");
}

TEST_CASE("kmb: every state the candidate events reach satisfies the invariants") {
  Kmb k;
  for (int round = 0; round < 3; ++round) {
    auto cands = Machine::candidate_events(k.p, k.s);
    for (const auto& e : cands) {
      auto st = Machine::step(k.p, k.s, e);
      for (const auto& i : Machine::invariants()) CHECK_MESSAGE(i.holds(k.p, st.next), i.id);
      if (st.out.is_ok() && e.index() == 0) k.s = st.next;
    }
  }
}

TEST_CASE("kmb errata: Figure 37 initializes two HPKE keypairs, Table 20 lists three algorithms") {
  // E-KMB-HPKE-KEYGEN: Figure 37 [040]-[042] draws seeds for DHKEM(P-384) and the hybrid only;
  // §4.6.2.1/§4.6.8 ask for one keypair per supported algorithm: the model follows §4.6.8.
  Kmb k;
  k.boot();
  REQUIRE(k.s.hpke.size() == 3);
  CHECK(k.s.hpke[1].hpke_algorithm == 2);           // ML-KEM-1024 alone
  CHECK(k.s.hpke[1].pk.size() == 1568);
  Profile two;
  two.hpke.hpke_algorithms = 0b101;                  // what Figure 37 draws
  Kmb k2(two);
  k2.boot();
  CHECK(k2.s.hpke.size() == 2);
  CHECK(resp<GET_ALGORITHMS>(k2.send(host::simple<GET_ALGORITHMS>())).hpke_algorithms == 0b101);
}

TEST_CASE("kmb errata: the sequence diagrams draw a 64-bit AES salt, Table 55 holds 96 bits") {
  // E-KMB-SALT-BITS: Figures 44-46, 49 "Get random 64-bit AES salt"; Table 55 salt u8[12] and
  // §4.6.1.4 "a randomly-generated 96-bit salt". The model draws 12 random bytes.
  Kmb k;
  k.boot();
  const auto a = make_mpk(k, kAk, "x");
  const auto b = make_mpk(k, kAk, "x");
  CHECK(a.salt.size() == 12);
  bool high_differs = false;  // the last 4 bytes are random too (not a zero-padded 64-bit salt)
  for (std::size_t i = 8; i < 12; ++i) high_differs |= a.salt[i] != b.salt[i];
  CHECK(high_differs);
}

TEST_CASE("kmb errata: INITIALIZE_MEK_SECRET initializes the MPK secret, not the MEK secret seed") {
  // E-KMB-SEED-NAMES: §4.7.2.14 "initialize the MEK secret seed as described in Figure 20", but
  // Figure 20's MEK secret seed needs the DPK, which only the MEK commands carry; Figure 43
  // zeroizes the "MPK Secret". One initialization serves any DPK (profile mpk_secret_use kept):
  Profile kept;
  kept.mpk_secret_use = MpkSecretUse::kept;
  Kmb k(kept);
  k.boot();
  k.send(host::simple<INITIALIZE_MEK_SECRET>());
  CHECK(*k.s.kv.mpk_secret == Bytes(64, 0));  // Figure 20 "Initial MPK secret (0x0000...)"
  auto d1 = resp<DERIVE_MEK>(k.send(host::derive_mek(kSek, kDpk, {}, kMetd, kAux, 100)));
  auto d2 = resp<DERIVE_MEK>(k.send(host::derive_mek(kSek, host::filled<32>(0x31), {}, host::filled<20>(2), kAux, 100)));
  CHECK(d1.mek_checksum != d2.mek_checksum);
}

TEST_CASE("kmb errata: ENABLE_MPK's code spells RMPK") {
  // E-KMB-RMPK: every other mnemonic abbreviates its command; ENABLE_MPK's is "RMPK"
  // (0x524D_504B). Code and ASCII agree, so the model uses the printed value.
  CHECK(ENABLE_MPK::code == 0x524D504Bu);
  const auto fc = lockref::lock::fourcc(ENABLE_MPK::code);
  CHECK(std::string(fc.begin(), fc.end()) == "RMPK");
  Kmb k;
  k.boot();
  CHECK(Machine::command_name(k.p, 0x454D504B) == "");  // "EMPK" is not a command
}

}  // namespace LOCKREF_UNITY_ID
