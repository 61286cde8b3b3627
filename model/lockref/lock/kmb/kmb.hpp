// OCP L.O.C.K. 0.9 Key Management Block: the mailbox machine.
//
// Sources (seed 001_30ed4cd62c635f55.txt, figures in ../shared/seeds/ocp-lock-0.9-figures/):
//   §4.6.1       Table 1 (CSPs and Key Vault slots 16-23), Table 2 (firmware-managed CSPs)
//   §4.6.1.5     VEK (Figure 6)              §4.6.2.1  HPKE keypairs, handles
//   §4.6.2.2.*   MPK generation, enabling, rotation, testing (Figures 12-15)
//   §4.6.4.1     REPORT_HEK_METADATA exactly once; HEK zeroized if it never comes
//   §4.6.5.*     MEK secret, random and derived MEKs (Figures 20-26); AES-XTS (§4.6.5.5)
//   §4.6.6       DRBG                         §4.6.8  reset behaviour
//   §4.7.2.*     the mailbox commands, Tables 12-57; Appendix C sequence diagrams (Figures 37-53)
//
// Events are raw mailbox traffic (command code + request bytes) and the three Caliptra
// resets; outputs are the result code, the response bytes and what reached the engine. Each
// command is one handler: a pure function of (profile, state, decoded request) to (state,
// response table, engine request). Any byte string yields a response; nothing throws.
#pragma once
#include <algorithm>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/machine.hpp"
#include "lockref/crypto/hpke.hpp"
#include "lockref/lock/keys.hpp"
#include "lockref/lock/kmb/endorse.hpp"
#include "lockref/lock/kmb/profile.hpp"
#include "lockref/lock/kmb/state.hpp"
#include "lockref/lock/kmb/tables.hpp"

namespace lockref::lock::kmb {

// ---- events and outputs ---------------------------------------------------------------------

/// One mailbox command as drive firmware (or MCU ROM) sends it: the command code register
/// and the request bytes, checksum first.
struct Mailbox {
  static constexpr std::string_view tag = "mailbox";
  std::uint32_t cmd = 0;
  Bytes payload;
};
/// Caliptra cold reset (NVMe subsystem reset with main power applied, §4.6.8): the whole
/// device powers up, the engine's key cache is empty (Table 60 item 4).
struct ColdReset {
  static constexpr std::string_view tag = "cold_reset";
};
/// Caliptra warm reset (§4.6.8: HEK, MDK, VEK and HPKE keypairs undisturbed).
struct WarmReset {
  static constexpr std::string_view tag = "warm_reset";
};
/// Caliptra firmware-update reset (§4.6.8: HPKE keypairs discarded and regenerated).
struct FirmwareUpdateReset {
  static constexpr std::string_view tag = "firmware_update_reset";
};
/// Host entropy mixed into the DRBG (§4.6.6, CM_RANDOM_STIR for an integrated DRBG).
struct StirEntropy {
  static constexpr std::string_view tag = "stir_entropy";
  Bytes entropy;
};
/// A fatal KMB error (§4.7.2.23.1: "will be fleshed out"; model: every later command fails
/// with the profile's fatal_code until a cold reset).
struct FatalError {
  static constexpr std::string_view tag = "fatal_error";
};
/// The encryption engine reports a fatal error (Figure 34: RDY drops until a power cycle).
struct EngineFatal {
  static constexpr std::string_view tag = "engine_fatal";
};
using Event = std::variant<Mailbox, ColdReset, WarmReset, FirmwareUpdateReset, StirEntropy, FatalError, EngineFatal>;

/// What reached the encryption engine during a command (§4.7.1, through engine/driver.hpp).
struct EngineRun {
  engine::kmb::Request request;  // command, METD, AUX and the MEK written to the SFRs
  std::string result;            // "ok" or a Table 57 name
  std::uint32_t result_code = 0;
  friend bool operator==(const EngineRun&, const EngineRun&) = default;
};

struct Output {
  std::string status = "ok";          // "ok", a Table 57 name or a profile code name
  std::string rule;                   // requirement id that decided the outcome
  std::uint32_t result_code = 0;      // its value (0 for ok)
  std::string command;                // the command's name (mailbox events)
  Bytes response;                     // the response bytes, checksum first
  std::optional<EngineRun> engine;    // what reached the encryption engine
  std::string detail;                 // why a command failed (field, offset, ...)
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

/// What drive firmware can observe besides responses.
struct View {
  std::string hek_state;              // Table 53 name KMB would report
  bool hek_available = false;
  bool mek_secret_initialized = false;
  std::uint16_t key_cache_entries = 0;
  std::vector<std::uint32_t> handles;
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::lock::kmb

BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::Mailbox, cmd, payload);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::StirEntropy, entropy);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::EngineRun, request, result, result_code);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::Output, status, rule, result_code, command, response, engine, detail);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::View, hek_state, hek_available, mek_secret_initialized, key_cache_entries,
                        handles);

namespace lockref::lock::kmb {

// ---- deterministic platform randomness ------------------------------------------------------

/// The model's TRNG: sample n of the run's seed (SHA-384("lockref-kmb-trng" || seed || n),
/// little-endian u64s). 48 bytes: enough entropy for HMAC_DRBG at 256-bit strength.
inline Bytes trng_sample(std::uint64_t seed, std::uint64_t n) {
  Bytes m = to_bytes("lockref-kmb-trng");
  put_le(m, seed, 8);
  put_le(m, n, 8);
  return crypto::sha384(m);
}
inline constexpr std::string_view drbg_personalization = "OCP L.O.C.K. KMB";

inline Platform platform_of(std::uint64_t seed, std::size_t slots) {
  Platform p;
  Bytes m = to_bytes("lockref-idevid-cdi");
  put_le(m, seed, 8);
  p.idevid_cdi = crypto::sha512(m);
  for (std::size_t i = 0; i < slots; ++i) {
    Bytes s = to_bytes("lockref-hek-seed");
    put_le(s, seed, 8);
    put_le(s, i, 8);
    Bytes h = crypto::sha384(s);
    h.resize(32);
    p.hek_seeds.push_back(std::move(h));
  }
  return p;
}

/// HPKE key generation (Figure 37 [040]-[043]; model choice E-KMB-HPKE-KEYGEN): DeriveKeyPair
/// (RFC 9180 §7.1.3) of DRBG output: 48 bytes for P-384 ("random 384-bit private key seed"),
/// 64 for ML-KEM-1024, 48 + 64 for the hybrid (its ECDH and ML-KEM seeds, in Figure 37's order).
inline std::size_t keygen_ikm_bytes(std::uint32_t alg) { return alg == 1 ? 48 : alg == 2 ? 64 : 112; }

inline std::string hex32(std::uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

// ---- the machine ------------------------------------------------------------------------------

struct Machine {
  static constexpr std::string_view name = "kmb";
  using Profile = kmb::Profile;
  using State = kmb::State;
  using Event = kmb::Event;
  using Output = kmb::Output;
  using View = kmb::View;
  using R = Step<State, Output>;

  static Status validate(const Profile& p) {
    if (auto v = epoch::validate_fuses(p.fuses.slots, p.fuses.perma_hek); !v) return make_error("fuses." + v.error().message);
    if (p.hpke.hpke_algorithms == 0 || (p.hpke.hpke_algorithms & ~0b111u))
      return make_error("hpke.hpke_algorithms: a non-zero subset of Table 20 bits 0..2 (§4.7.2.6)");
    if (p.endorsement_algorithms == 0 || (p.endorsement_algorithms & ~0b01u))
      return make_error("endorsement_algorithms: non-zero (§4.7.2.6); the model signs with bit 0 only");
    if (p.hpke.access_key_sizes != 1) return make_error("hpke.access_key_sizes: Table 20 defines bit 0 only");
    for (const auto* c : {&p.malformed_code, &p.checksum_code, &p.unknown_command_code, &p.sequence_code,
                          &p.fatal_code, &p.derive_checksum_code})
      if (!code_value(*c)) return make_error("code \"" + *c + "\" is neither a Table 57 nor a profile code");
    if (auto v = engine::sys::System::validate(p.engine); !v) return make_error("engine." + v.error().message);
    return ok_status();
  }

  /// Power-on: the DRBG is instantiated from the TRNG, Caliptra ROM derives the HEK and MDK
  /// (Figure 37 [018]-[028]) and waits for REPORT_HEK_METADATA.
  static State initial(const Profile& p) {
    State s;
    s.fuses = p.fuses;
    s.platform = platform_of(p.seed, p.fuses.slots.size());
    s.drbg = crypto::drbg_instantiate(trng_sample(p.seed, 0), {}, to_bytes(drbg_personalization)).value();
    s.trng_samples = 1;
    s.engine = powered_engine(p);
    rom_boot(p, s);
    return s;
  }

  static View observe(const Profile& p, const State& s) {
    View v;
    v.hek_state = std::string(enum_name(hek_state(p, s)));
    v.hek_available = s.kv.hek.has_value();
    v.mek_secret_initialized = s.kv.mpk_secret.has_value();
    v.key_cache_entries = static_cast<std::uint16_t>(s.engine.engine.cache.size());
    for (const auto& k : s.hpke) v.handles.push_back(k.handle);
    return v;
  }

  static R step(const Profile& p, const State& s, const Event& e) {
    return std::visit([&](const auto& ev) { return apply(p, s, ev); }, e);
  }

  static std::vector<Event> candidate_events(const Profile& p, const State& s);
  static std::span<const Invariant<Machine>> invariants();
  static std::string_view view_requirement(std::string_view f) {
    if (f == "hek_state" || f == "hek_available") return "KMB-4.6.4.1-RHMT-ONCE";
    if (f == "mek_secret_initialized") return "KMB-4.7.2.14-1";
    if (f == "key_cache_entries") return "KMB-4.7.2.18-1";
    if (f == "handles") return "KMB-4.6.2.1-HANDLES";
    return "KMB-4.7.2";
  }
  static std::string label(const Profile& p, const State& s) {
    return std::string(enum_name(s.boot)) + "\n" + std::string(enum_name(hek_state(p, s))) +
           (s.kv.mpk_secret ? "\nMEK secret ready" : "") + (s.kv.vek ? "\nVEK" : "") + (s.fatal ? "\nFATAL" : "");
  }

  /// Table 53 as KMB reports it: from the sensed lifecycle and the reported seed_state; a
  /// HEK that REPORT_HEK_METADATA never described is zeroized (§4.6.4.1), reported
  /// HEK_UNAVAIL_ZEROIZED (model choice, errata E-KMB-NO-RHMT).
  static epoch::HekState hek_state(const Profile&, const State& s) {
    if (!s.hek_metadata) {
      if (s.boot == Boot::rom) return epoch::table53(s.fuses.lifecycle, epoch::table15(s.fuses.slots, s.fuses.perma_hek).seed_state);
      return epoch::HekState::unavail_zeroized;
    }
    return epoch::table53(s.fuses.lifecycle, s.hek_metadata->seed_state);
  }

  // ---- handlers: one per command ------------------------------------------------------------

  /// A handler's result: the next state, "ok" or a code, the response table (encoded),
  /// and the engine request it leaves for the driver.
  struct Handled {
    State next;
    std::string status = "ok";
    std::string rule;
    std::string detail;
    Bytes response;  // encoded response table, checksum not yet set
    std::optional<engine::kmb::Request> engine;
  };

  template <class Cmd>
  static R run(const Profile& p, const State& s, const Mailbox& m);

  /// The response bytes of a failed command (errata E-KMB-ERROR-RESPONSE).
  static Bytes error_response(const Profile& p) {
    if (p.error_response == ErrorResponse::empty) return {};
    Bytes b(4, 0);
    put_le(b, p.fips_status, 4);
    seal_checksum(0, b);
    return b;
  }

 private:
  static R plain(const State& n, std::string rule) { return {n, Output{"ok", std::move(rule), 0, "", {}, {}, ""}}; }
  static Handled fail(const State& s, std::string code, std::string rule, std::string detail) {
    return Handled{s, std::move(code), std::move(rule), std::move(detail), {}, {}};
  }
  template <class Resp>
  static Handled done(State n, Resp resp, std::string rule, const Profile& p) {
    resp.fips_status = p.fips_status;
    return Handled{std::move(n), "ok", std::move(rule), "", wire::encode(resp), {}};
  }

  /// The engine after power-on, once it has initialized (Figure 34; Figure 53 "Preconditions:
  /// Encryption engine has become ready"): drive firmware issues commands after that.
  static engine::sys::State powered_engine(const Profile& p) {
    auto e = engine::sys::System::initial(p.engine);
    for (int i = 0; i <= p.engine.engine.init_ticks; ++i)
      e = engine::sys::System::step(p.engine, e, engine::sys::Event{engine::sys::EngineTick{}}).next;
    return e;
  }
  static Bytes draw(State& s, std::size_t n) {
    auto o = crypto::drbg_generate(s.drbg, n).value();
    s.drbg = std::move(o.next);
    return std::move(o.bytes);
  }

  static Keypair make_keypair(State& s, std::uint32_t alg) {
    const auto& a = *std::find_if(sealed::table20_hpke.begin(), sealed::table20_hpke.end(),
                                  [&](const auto& x) { return x.bit == alg; });
    auto ikm = draw(s, keygen_ikm_bytes(alg));
    auto kp = crypto::hpke::derive_key_pair(a.suite.kem_id, ikm).value();
    return Keypair{s.next_handle++, alg, std::move(kp.sk), std::move(kp.pk)};
  }
  /// §4.6.8: "Initializes random HPKE keypairs for each supported algorithm, and assigns
  /// handles to them"; Figure 37 [040]-[043].
  static void generate_keypairs(const Profile& p, State& s) {
    s.hpke.clear();
    for (const auto& a : sealed::table20_hpke)
      if (p.hpke.hpke_algorithms & a.bit) s.hpke.push_back(make_keypair(s, a.bit));
  }

  /// Caliptra ROM after a cold reset (Figure 37 [006]-[030]): MDK and HEK derived into the
  /// Key Vault from the IDevID CDI and the HEK seed register MCU ROM wrote ([004]: the
  /// randomized seed in production, [005]: all zeroes otherwise; Table 4 "0x0000").
  static void rom_boot(const Profile&, State& s) {
    const rev09::Profile kp;
    s.boot = Boot::rom;
    s.hek_metadata.reset();
    s.kv = KeyVault{};
    s.kv.mdk = rev09::mdk(kp, s.platform.idevid_cdi);
    Bytes seed_register(32, 0x00);
    const auto m = epoch::table15(s.fuses.slots, s.fuses.perma_hek);
    if (s.fuses.lifecycle == epoch::Lifecycle::production && m.seed_state == epoch::SeedState::programmed &&
        m.active_slot < s.platform.hek_seeds.size())
      seed_register = s.platform.hek_seeds[m.active_slot];
    s.kv.hek = rev09::hek(kp, s.platform.idevid_cdi, seed_register);
    s.hpke.clear();
    s.fatal = false;
  }

  /// Runtime firmware boots (Figure 37 [039]-[043]). Without REPORT_HEK_METADATA the HEK is
  /// zeroized (§4.6.4.1).
  static void runtime_boot(const Profile& p, State& s) {
    s.boot = Boot::runtime;
    if (!s.hek_metadata) s.kv.hek.reset();
    s.next_handle = p.first_handle;
    generate_keypairs(p, s);
  }

  static R apply(const Profile& p, const State& s, const ColdReset&) {
    State n = s;
    // §4.6.6: the DRBG is re-seeded from the TRNG when Caliptra boots.
    n.drbg = crypto::drbg_reseed(n.drbg, trng_sample(p.seed, n.trng_samples)).value();
    ++n.trng_samples;
    n.engine = powered_engine(p);  // power applied: key cache empty (Table 60 item 4)
    rom_boot(p, n);
    return plain(n, "KMB-4.6.8-COLD");
  }
  static R apply(const Profile&, const State& s, const WarmReset&) {
    State n = s;
    // §4.6.8: HEK, MDK, VEK and HPKE keypairs undisturbed. The MPK secret is not in that
    // list: model choice, it is lost (errata E-KMB-WARM-MPK-SECRET). The engine keeps its keys.
    n.kv.mpk_secret.reset();
    n.engine.kmb = engine::kmb::State{};
    return plain(n, "KMB-4.6.8-WARM");
  }
  static R apply(const Profile& p, const State& s, const FirmwareUpdateReset&) {
    State n = s;
    n.kv.mpk_secret.reset();
    n.engine.kmb = engine::kmb::State{};
    // §4.6.8: "HPKE keypairs are discarded prior to firmware update and are regenerated after
    // update"; new handles (the counter goes on, so old handles are unknown: LOCK_BAD_HANDLE).
    if (n.boot == Boot::runtime) generate_keypairs(p, n);
    return plain(n, "KMB-4.6.8-FWUPDATE");
  }
  static R apply(const Profile& p, const State& s, const StirEntropy& e) {
    State n = s;
    // §4.6.6: host entropy mixed into the DRBG state (generate with additional input). A given
    // state whose DRBG is not instantiated or due for a reseed cannot take it.
    auto o = crypto::drbg_generate(n.drbg, 0, e.entropy);
    if (!o)
      return {s, Output{p.malformed_code, "KMB-4.6.6-1", code_value(p.malformed_code).value_or(0), "", {}, {},
                        o.error().message}};
    n.drbg = std::move(o->next);
    return plain(n, "KMB-4.6.6-1");
  }
  static R apply(const Profile&, const State& s, const FatalError&) {
    State n = s;
    n.fatal = true;
    // Model choice (E-KMB-FAULTS): a fatal error zeroizes the Key Vault's volatile secrets.
    n.kv.vek.reset();
    n.kv.mpk_secret.reset();
    return plain(n, "KMB-4.7.2.23-FATAL");
  }
  static R apply(const Profile& p, const State& s, const EngineFatal&) {
    State n = s;
    n.engine = engine::sys::System::step(p.engine, s.engine, engine::sys::Event{engine::sys::EngineFatal{}}).next;
    return plain(n, "EE-4.7.2.2-NOT-READY");
  }
  static R apply(const Profile& p, const State& s, const Mailbox& m);

 public:
  // The handlers (public so tests and the drive machine can call them directly).
  static Handled handle(const Profile&, const State&, const ReportHekMetadataReq&);
  static Handled handle(const Profile&, const State&, const GET_STATUS&, const ChecksumOnly&);
  static Handled handle(const Profile&, const State&, const GET_ALGORITHMS&, const ChecksumOnly&);
  static Handled handle(const Profile&, const State&, const ClearKeyCacheReq&);
  static Handled handle(const Profile&, const State&, const ENUMERATE_HPKE_HANDLES&, const RequestHeader&);
  static Handled handle(const Profile&, const State&, const EndorseHpkePubKeyReq&);
  static Handled handle(const Profile&, const State&, const RotateHpkeKeyReq&);
  static Handled handle(const Profile&, const State&, const GenerateMpkReq&);
  static Handled handle(const Profile&, const State&, const RewrapMpkReq&);
  static Handled handle(const Profile&, const State&, const EnableMpkReq&);
  static Handled handle(const Profile&, const State&, const INITIALIZE_MEK_SECRET&, const RequestHeader&);
  static Handled handle(const Profile&, const State&, const MixMpkReq&);
  static Handled handle(const Profile&, const State&, const TestAccessKeyReq&);
  static Handled handle(const Profile&, const State&, const GenerateMekReq&);
  static Handled handle(const Profile&, const State&, const LoadMekReq&);
  static Handled handle(const Profile&, const State&, const DeriveMekReq&);
  static Handled handle(const Profile&, const State&, const UnloadMekReq&);
  static Handled handle(const Profile&, const State&, const ReportEpochKeyStateReq&);

  /// Dispatch to the handler of Cmd (commands whose request table is shared take the command).
  template <class Cmd>
  static Handled dispatch(const Profile& p, const State& s, const typename Cmd::Request& r) {
    if constexpr (requires { handle(p, s, Cmd{}, r); }) return handle(p, s, Cmd{}, r);
    else return handle(p, s, r);
  }

  /// The command a code selects under the profile (errata E-KMB-IMKS-CODE), by name.
  static std::string_view command_name(const Profile& p, std::uint32_t code) {
    std::string_view out;
    for_each_command([&](auto c) {
      using C = decltype(c);
      if (C::code == code && !(std::is_same_v<C, INITIALIZE_MEK_SECRET> && p.imks_code == ImksCode::printed))
        out = C::name;
    });
    if (code == imks_printed_code && p.imks_code != ImksCode::ascii) out = INITIALIZE_MEK_SECRET::name;
    return out;
  }

  // helpers used by several handlers
  static std::optional<std::string> need_hek(const State& s) {
    if (!s.kv.hek) return std::string("the HEK is unavailable (Table 53 HEK_UNAVAIL_*, or REPORT_HEK_METADATA never came)");
    return std::nullopt;
  }
  static const Keypair* keypair(const State& s, std::uint32_t handle) {
    for (const auto& k : s.hpke)
      if (k.handle == handle) return &k;
    return nullptr;
  }
  /// HPKE unwrap of one or two access keys (Figures 7-10; §4.6.2.2.3 for two).
  static sealed::Outcome<std::vector<Bytes>> unwrap(const Profile& p, const State& s, const SealedAccessKey& sak,
                                                    const std::vector<ByteView>& extra = {}) {
    const Keypair* kp = keypair(s, sak.hpke_handle);
    if (!kp) return sealed::fail("LOCK_BAD_HANDLE", "hpke_handle " + std::to_string(sak.hpke_handle) + " is not an active handle");
    sealed::SealedAccessKey x{sak.hpke_handle, sak.hpke_algorithm, sak.access_key_len, sak.info, sak.kem_ciphertext,
                              sak.ak_ciphertext};
    return sealed::unseal_all(p.hpke, x, sealed::HpkeKeypair{kp->handle, kp->hpke_algorithm, kp->sk}, extra);
  }
  /// The VEK, generated on first use (§4.6.1.5, Figure 6; Figure 45 [002]-[018]).
  static void ensure_vek(State& s) {
    if (s.kv.vek) return;
    auto seed = draw(s, 32);
    s.kv.vek = rev09::vek(rev09::Profile{}, *s.kv.hek, seed).value();
  }
  /// Figure 20: MEK secret = PKE(salt = MPK secret, key = MEK secret seed(EPK(HEK, SEK), DPK)).
  static Bytes mek_secret(const State& s, ByteView sek, ByteView dpk) {
    const rev09::Profile kp;
    auto epk = rev09::epk(kp, *s.kv.hek, sek).value();
    auto seed = rev09::mek_secret_seed(kp, epk, dpk).value();
    return rev09::preconditioned_key_extract(kp, *s.kv.mpk_secret, seed, to_bytes(kp.mek_secret_label)).value();
  }
  static void consume_mpk_secret(const Profile& p, State& n, bool success) {
    if (p.mpk_secret_use == MpkSecretUse::consumed || (success && p.mpk_secret_use == MpkSecretUse::consumed_on_success))
      n.kv.mpk_secret.reset();
  }
};

// ---- the mailbox ------------------------------------------------------------------------------

template <class Cmd>
Machine::R Machine::run(const Profile& p, const State& s, const Mailbox& m) {
  Output o;
  o.command = std::string(Cmd::name);
  auto failed = [&](std::string code, std::string rule, std::string detail, const State& next) {
    o.status = std::move(code);
    o.rule = std::move(rule);
    o.detail = std::move(detail);
    o.result_code = code_value(o.status).value_or(0);
    o.response = error_response(p);
    return R{next, o};
  };
  // §4.7.2.4: ROM exposes REPORT_HEK_METADATA only, "exactly once after each cold reset and
  // before loading Caliptra's FMC and runtime firmware"; the first runtime command means
  // runtime firmware was loaded (and the HEK is zeroized if the metadata never came, §4.6.4.1).
  constexpr bool rom_command = std::is_same_v<Cmd, REPORT_HEK_METADATA>;
  if (rom_command && (s.boot != Boot::rom || s.hek_metadata.reported))
    return failed(p.sequence_code, "KMB-4.7.2.4-ONCE", "REPORT_HEK_METADATA is a ROM command: accepted once after each cold reset, before runtime firmware", s);
  if (m.payload.size() < 4)
    return failed(p.malformed_code, "KMB-4.7.2-CHKSUM", "request of " + std::to_string(m.payload.size()) + " byte(s) has no chksum field", s);
  if (!checksum_ok(m.cmd, m.payload))
    return failed(p.checksum_code, "KMB-4.7.2-CHKSUM",
                  "chksum " + hex32(std::uint32_t{m.payload[0]} | std::uint32_t{m.payload[1]} << 8 | std::uint32_t{m.payload[2]} << 16 |
                                    std::uint32_t{m.payload[3]} << 24) +
                      " but the request's checksum is " + hex32(checksum(m.cmd, ByteView(m.payload).subspan(4))),
                  s);
  auto d = wire::decode<typename Cmd::Request>(m.payload);
  if (auto* e = std::get_if<wire::DecodeError>(&d))
    return failed(e->code.empty() ? p.malformed_code : e->code, "KMB-4.7.2-DECODE",
                  std::string(Cmd::name) + " request (" + std::string(Cmd::tables) + "): " + e->describe(), s);
  const State* cur = &s;  // copied only when runtime firmware boots now
  State booted;
  if (!rom_command && s.boot == Boot::rom) {
    booted = s;
    runtime_boot(p, booted);
    cur = &booted;
  }
  Handled h = dispatch<Cmd>(p, *cur, std::get<typename Cmd::Request>(d));
  if (h.status != "ok") {
    // A refused command changes nothing, except what the handler says it consumed
    // (the MPK secret, a lazily generated VEK, the runtime boot).
    return failed(h.status, h.rule, h.detail, h.next);
  }
  State n = std::move(h.next);
  if (h.engine) {
    // §4.7.2.2 / engine/driver.hpp: the driver runs the engine command to completion.
    auto run = engine::sys::run_command(p.engine, n.engine, *h.engine);
    n.engine = run.state;
    n.kv.mek.reset();  // Table 1: MEK "zeroized after programming to the Encryption Engine"
    o.engine = EngineRun{*h.engine, run.result, run.result_code};
    if (run.result != "ok") {
      const std::string rule = run.result == "LOCK_ENGINE_TIMEOUT" ? "KMB-4.7.2.2-TIMEOUT"
                               : run.result == "LOCK_EE_NOT_READY" ? "KMB-4.7.2.2-NOT-READY"
                                                                   : "KMB-4.7.2.23-ENGINE";
      auto r = failed(run.result, rule, "the encryption engine answered " + run.result, n);
      r.out.result_code = run.result_code;
      return r;
    }
  }
  o.status = "ok";
  o.rule = h.rule;
  o.response = std::move(h.response);
  seal_checksum(0, o.response);
  return R{n, o};
}

inline Machine::R Machine::apply(const Profile& p, const State& s, const Mailbox& m) {
  const std::string_view name = command_name(p, m.cmd);
  if (s.fatal)
    return {s, Output{p.fatal_code, "KMB-4.7.2.23-FATAL", code_value(p.fatal_code).value_or(0), std::string(name),
                      error_response(p), {}, "KMB is in a fatal-error state until a cold reset"}};
  std::optional<R> r;
  for_each_command([&](auto c) {
    using C = decltype(c);
    if (!r && C::name == name) r = run<C>(p, s, m);
  });
  if (r) return *r;
  Output o{p.unknown_command_code, "KMB-4.7.2-UNKNOWN", code_value(p.unknown_command_code).value_or(0), "", {}, {},
           "command code " + hex32(m.cmd) + " is not a §4.7.2 command"};
  o.response = error_response(p);
  return {s, o};
}

}  // namespace lockref::lock::kmb

#include "lockref/lock/kmb/handlers.hpp"
#include "lockref/lock/kmb/candidates.hpp"
