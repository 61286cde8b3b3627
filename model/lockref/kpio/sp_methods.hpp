// The Key Per I/O TPer's methods on its tables (the SP side of tcg/session.hpp), the host
// side of the abstract import events, the bounded event alphabet and the invariants.
// Included by kpio/sp.hpp.
#pragma once
#include "lockref/kpio/seed_certificate.hpp"
#include "lockref/kpio/sp.hpp"

namespace lockref::kpio {

inline Bytes seed_certificate() { return *from_hex(seed_certificate_hex); }

/// Table 4: the TPer's properties; the host properties it echoes are Table 4's list.
inline tcg::SessionProfile Machine::Tper::session_profile(const Profile& p) {
  tcg::SessionProfile sp;
  sp.start_refusal = p.start_refusal;
  sp.tper_properties = {{"MaxComPacketSize", 4096},  {"MaxResponseComPacketSize", 8192}, {"MaxPacketSize", 8172},
                        {"MaxIndTokenSize", 8136},   {"MaxPackets", 1},                  {"MaxSubPackets", 1},
                        {"MaxMethods", 1},           {"Protocol3MaxPayloadSize", 4096},  {"Protocol3MaxKmipBatchItems", 2},
                        {"ContinuedTokens", 0},      {"SequenceNumbers", 0},             {"AckNak", 0},
                        {"Asynchronous", 0},         {"MaxSessions", 1},                 {"MaxAuthentications", 2},
                        {"MaxTransactionLimit", 1},  {"DefSessionTimeout", 120000}};
  sp.accepted_host_properties = {"MaxComPacketSize", "MaxPacketSize", "MaxIndTokenSize", "MaxPackets",
                                 "MaxSubPackets", "MaxMethods", "Protocol3MaxPayloadSize", "Protocol3MaxKmipBatchItems"};
  return sp;
}

namespace detail {
using tcg::Value;
inline std::optional<bool> as_bool(const Value& v) {
  if (v.kind == Value::Kind::uint && v.u <= 1) return v.u == 1;
  return std::nullopt;
}
inline std::optional<std::vector<std::uint64_t>> as_uid_list(const Value& v) {
  if (v.kind != Value::Kind::list) return std::nullopt;
  std::vector<std::uint64_t> out;  // duplicates dropped, order kept
  for (const auto& x : v.items) {
    if (x.kind != Value::Kind::bytes) return std::nullopt;
    auto u = tcg::uid_from_bytes(x.b);
    if (!u) return std::nullopt;
    if (std::find(out.begin(), out.end(), *u) == out.end()) out.push_back(*u);
  }
  return out;
}
inline Value uid_list(const std::vector<tcg::Uid>& v) {
  std::vector<Value> out;
  for (const auto& u : v) out.push_back(Value::of_bytes(Bytes(u.begin(), u.end())));
  return Value::of_list(std::move(out));
}
inline Value cell(std::uint64_t col, Value v) { return Value::of_name(Value::of_uint(col), std::move(v)); }
/// The columns of a Get: [startColumn, endColumn] (the whole row when absent).
inline bool wants(const tcg::CellBlock& c, std::uint64_t col) {
  return (!c.start_column || *c.start_column <= col) && (!c.end_column || col <= *c.end_column);
}
}  // namespace detail

inline tcg::SpAnswer Machine::Tper::invoke(const Profile& p, State& s, const tcg::Session& ses, const tcg::Invocation& inv) {
  using tcg::Method;
  using tcg::SpAnswer;
  using tcg::Value;
  using namespace detail;
  const auto bad = [](std::string rule) { return SpAnswer::refuse("INVALID_PARAMETER", std::move(rule)); };
  const auto denied = [](std::string rule) { return SpAnswer::refuse("NOT_AUTHORIZED", std::move(rule)); };
  const auto ok = [](std::string rule, std::vector<Value> results = {}) {
    SpAnswer a;
    a.rule = std::move(rule);
    a.results = std::move(results);
    return a;
  };
  const bool sid = tcg::has_authority(ses, tcg::uid_of("SID"));
  const bool admin1 = tcg::has_authority(ses, tcg::uid_of("Admin1"));

  // ---- Admin SP (§3.2.2, §3.2.3, §3.2.21, §3.2.22) ----
  if (ses.sp == tcg::uid_of("AdminSP")) {
    if (inv.object == tcg::uid_of("C_PIN_MSID") && inv.method == Method::get) {
      // §3.2.2 step 2: MSID's PIN is readable by Anybody (Tables 11, 12).
      std::vector<Value> row;
      if (wants(inv.cells, 3)) row.push_back(cell(3, Value::of_bytes(to_bytes(p.msid))));
      return ok("KPIO-3.2.2-1", {Value::of_list(row)});
    }
    if (inv.object == tcg::uid_of("C_PIN_SID")) {
      if (inv.method == Method::get) {
        if (wants(inv.cells, 3)) return denied("KPIO-NOPLAIN-1");  // a PIN is never read back
        if (!sid) return denied("KPIO-3.2.2-1");
        std::vector<Value> row;
        if (wants(inv.cells, 5)) row.push_back(cell(5, Value::of_uint(s.sid.try_limit)));
        if (wants(inv.cells, 6)) row.push_back(cell(6, Value::of_uint(s.sid.tries)));
        if (wants(inv.cells, 7)) row.push_back(cell(7, Value::of_uint(s.sid.persistent)));
        return ok("KPIO-3.2.2-1", {Value::of_list(row)});
      }
      if (inv.method != Method::set) return bad("TCG-METHOD-1");
      if (!sid) return denied("KPIO-3.2.2-1");  // §3.2.2 step 5 "as the SID authority"
      for (const auto& [c, v] : inv.values) {
        if (c != 3 || v.kind != Value::Kind::bytes || v.b.empty() || v.b.size() > 32) return bad("KPIO-3.2.2-1");
        s.sid.pin.assign(v.b.begin(), v.b.end());
      }
      return ok("KPIO-3.2.2-1");
    }
    if (inv.object == tcg::uid_of("KeyPerIOSP")) {
      if (inv.method == Method::get) {
        // §3.2.3 step 2 (Tables 16, 17): LifeCycle column 6.
        std::vector<Value> row;
        if (wants(inv.cells, 6)) row.push_back(cell(6, Value::of_uint(s.kpio_active ? life_manufactured : life_manufactured_inactive)));
        return ok("KPIO-3.2.3-1", {Value::of_list(row)});
      }
      if (!sid) return denied("KPIO-3.2.3-1");  // Activate / Revert by the SID authority
      if (inv.method == Method::activate) {
        // E-TCG-ACTIVATE-ACTIVE: Activate of an SP already Manufactured (profile choice).
        if (s.kpio_active)
          return p.activate_when_active == "ok" ? ok("TCG-SP-LIFECYCLE-2")
                                                : SpAnswer::refuse(p.activate_when_active, "TCG-SP-LIFECYCLE-2");
        Machine::activate(p, s);
        return ok("KPIO-3.2.3-1");
      }
      if (inv.method == Method::revert) {
        Machine::revert_kpio(p, s);
        auto a = ok("KPIO-3.2.21-1");
        a.end_session = true;  // "A TPer aborts the session immediately after reporting the Revert result"
        return a;
      }
      return bad("TCG-METHOD-1");
    }
    if (inv.object == tcg::uid_of("AdminSP") && inv.method == Method::revert) {
      if (!sid) return denied("KPIO-3.2.22-1");
      Machine::revert_kpio(p, s);
      s.sid = tcg::CPin{p.msid, 0, p.try_limit, p.tries_persistent};
      auto a = ok("KPIO-3.2.22-1");
      a.end_session = true;
      return a;
    }
    return bad("TCG-METHOD-1");
  }

  // ---- Key Per I/O SP: every method as Admin1 (§3.2.4 ff.) ----
  if (ses.sp != tcg::uid_of("KeyPerIOSP")) return bad("TCG-METHOD-1");
  if (inv.method == Method::revert_sp && inv.object == tcg::uid_of("ThisSP")) {
    if (!admin1) return denied("KPIO-3.2.21-1");
    Machine::revert_kpio(p, s);
    auto a = ok("KPIO-3.2.21-1");
    a.end_session = true;
    return a;
  }
  if (!admin1) return denied("KPIO-3.2.4-1");
  if (inv.method != Method::get && inv.method != Method::set) return bad("TCG-METHOD-1");
  const bool set = inv.method == Method::set;
  if (set && (inv.byte_values || inv.where)) return bad("TCG-METHOD-3");  // no byte table here

  if (inv.object == tcg::uid_of("C_PIN_Admin1")) {
    if (!set) {
      if (wants(inv.cells, 3)) return denied("KPIO-NOPLAIN-1");
      std::vector<Value> row;
      if (wants(inv.cells, 5)) row.push_back(cell(5, Value::of_uint(s.admin1.try_limit)));
      if (wants(inv.cells, 6)) row.push_back(cell(6, Value::of_uint(s.admin1.tries)));
      if (wants(inv.cells, 7)) row.push_back(cell(7, Value::of_uint(s.admin1.persistent)));
      return ok("KPIO-3.2.4-1", {Value::of_list(row)});
    }
    for (const auto& [c, v] : inv.values) {
      if (c != 3 || v.kind != Value::Kind::bytes || v.b.empty() || v.b.size() > 32) return bad("KPIO-3.2.4-1");
      s.admin1.pin.assign(v.b.begin(), v.b.end());
    }
    return ok("KPIO-3.2.4-1");
  }

  if (inv.object == tcg::uid_of("KPIOPolicies")) {
    auto& pol = s.policies;
    bool* cols[8] = {nullptr,
                     &pol.clear_single_mek_allowed,
                     &pol.clear_all_meks_allowed,
                     &pol.replay_protection_enabled,
                     &pol.pki_kek_programming_enabled,
                     &pol.plaintext_kek_programming_enabled,
                     &pol.kii_lock_enabled,
                     &pol.kii_locked};
    if (!set) {
      std::vector<Value> row;
      for (std::uint64_t c = 1; c <= 7; ++c)
        if (wants(inv.cells, c)) row.push_back(cell(c, Value::of_uint(*cols[c] ? 1 : 0)));
      return ok("KPIO-3.2.6-1", {Value::of_list(row)});
    }
    for (const auto& [c, v] : inv.values) {
      const auto b = as_bool(v);
      if (c < 1 || c > 7 || !b) return bad("KPIO-3.3-COLUMNS");
      // A capability the TPer lacks cannot be enabled (Level 0, Table 1).
      if (*b && ((c == 3 && !p.replay_supported) || (c == 4 && !p.pki_supported) || (c == 5 && !p.plaintext_supported)))
        return bad("KPIO-3.2.1-1");
      *cols[c] = *b;
    }
    return ok(inv.values.size() == 1 && inv.values[0].first == 7 ? "KPIO-3.2.6-1" : "KPIO-3.2.9-1");
  }

  if (auto row = Machine::kek_row_of(p, inv.object)) {
    Kek& k = s.keks[*row - 1];
    if (!set) {
      if (wants(inv.cells, 2)) return denied("KPIO-NOPLAIN-1");  // the Key column is never read
      std::vector<Value> r;
      if (wants(inv.cells, 3)) r.push_back(cell(3, Value::of_uint(k.access_lock_enabled)));
      if (wants(inv.cells, 4)) r.push_back(cell(4, Value::of_uint(k.access_locked)));
      if (wants(inv.cells, 5)) {
        std::vector<Value> l;
        for (auto t : k.lock_on_reset) l.push_back(Value::of_uint(static_cast<std::uint64_t>(t)));
        r.push_back(cell(5, Value::of_list(l)));
      }
      if (wants(inv.cells, 6)) r.push_back(cell(6, uid_list(k.allowed)));
      return ok("KPIO-3.2.7-1", {Value::of_list(r)});
    }
    for (const auto& [c, v] : inv.values) {
      if (c == 3 || c == 4) {
        const auto b = as_bool(v);
        if (!b) return bad("KPIO-3.3-COLUMNS");
        (c == 3 ? k.access_lock_enabled : k.access_locked) = *b;
      } else if (c == 5) {
        if (v.kind != Value::Kind::list) return bad("KPIO-4.3.4-1");
        std::vector<ResetType> l;
        for (const auto& x : v.items) {
          if (x.kind != Value::Kind::uint || (x.u != 0 && x.u != 1 && x.u != 3)) return bad("KPIO-4.3.4-1");
          const auto t = static_cast<ResetType>(x.u);
          if (std::find(l.begin(), l.end(), t) == l.end()) l.push_back(t);
        }
        // §4.3.4: "the LockOnReset restrictions ... specifies the column must contain the value Power Cycle".
        if (std::find(l.begin(), l.end(), ResetType::power_cycle) == l.end()) return bad("KPIO-4.3.4-2");
        std::sort(l.begin(), l.end());
        k.lock_on_reset = l;
      } else if (c == 6) {
        auto l = as_uid_list(v);
        if (!l) return bad("KPIO-3.3-COLUMNS");
        for (auto u : *l)
          if (!Machine::kek_row_of(p, u) && u != null_kek_uid && u != pki_kek_uid) return bad("KPIO-3.2.13-1");
        k.allowed.clear();
        for (auto u : *l) k.allowed.push_back(tcg::to_uid(u));
      } else {
        return c == 2 ? denied("KPIO-NOPLAIN-1") : bad("KPIO-3.3-COLUMNS");  // keys arrive only through KMIP
      }
    }
    return ok("KPIO-3.2.7-1");
  }

  if (auto ns = Machine::ns_of(p, inv.object)) {
    Allocation& a = s.allocations[*ns - 1];
    if (!set) {
      std::vector<Value> r;
      if (wants(inv.cells, 1)) r.push_back(cell(1, Value::of_uint(a.nsid)));
      if (wants(inv.cells, 4)) r.push_back(cell(4, Value::of_uint(a.managed)));
      if (wants(inv.cells, 5)) r.push_back(cell(5, Value::of_uint(a.number_of_key_tags)));
      if (wants(inv.cells, 6)) r.push_back(cell(6, uid_list(a.allowed)));
      return ok("KPIO-3.2.5-1", {Value::of_list(r)});
    }
    std::string rule = "KPIO-3.2.5-1";
    for (const auto& [c, v] : inv.values) {
      if (c == 4) {
        const auto b = as_bool(v);
        if (!b) return bad("KPIO-3.3-COLUMNS");
        if (*b == a.managed) continue;
        // §4.2.3/§4.2.4: "If KPIOSC=1, then the Managed column ... is not modifiable".
        if (p.kpiosc == 1) return bad("KPIO-4.2.3-2");
        if (*b) {
          if (Machine::tags_in_use(s) + p.default_key_tags > p.total_key_tags) return SpAnswer::refuse("INSUFFICIENT_SPACE", "KPIO-4.2.5-1");
          // §4.2.3 Table 76: user data of the namespace is rendered irrecoverable.
          std::erase_if(s.cache, [&](const CacheEntry& e) { return e.nsid == *ns; });
          a.managed = true;
          a.number_of_key_tags = p.default_key_tags;
          a.allowed.clear();
          rule = "KPIO-4.2.3-1";
        } else {
          // §4.2.4 Table 78: the namespace's KPIO MEKs are removed.
          std::erase_if(s.cache, [&](const CacheEntry& e) { return e.nsid == *ns; });
          a = Allocation{*ns, false, 0, {}};
          rule = "KPIO-4.2.4-1";
        }
      } else if (c == 5) {
        if (v.kind != Value::Kind::uint) return bad("KPIO-3.3-COLUMNS");
        if (!a.managed) return bad("KPIO-4.2.5-1");
        // §4.2.5: "no larger than Number of Key Tags Supported per Namespace".
        if (v.u < 1 || v.u > p.max_key_tags_per_namespace) return bad("KPIO-4.2.5-1");
        if (Machine::tags_in_use(s) - a.number_of_key_tags + v.u > p.total_key_tags)
          return SpAnswer::refuse("INSUFFICIENT_SPACE", "KPIO-4.2.5-1");
        // §4.2.6: "can only be decreased if reducing the number of Key Tags will not cause MEKs
        // to be removed from the TPer key cache".
        for (const auto& e : s.cache)
          if (!e.factory && e.nsid == *ns && e.key_tag >= v.u) return bad("KPIO-4.2.6-1");
        rule = v.u >= a.number_of_key_tags ? "KPIO-4.2.5-1" : "KPIO-4.2.6-1";
        a.number_of_key_tags = static_cast<std::uint16_t>(v.u);
      } else if (c == 6) {
        auto l = as_uid_list(v);
        if (!l) return bad("KPIO-3.3-COLUMNS");
        if (!a.managed) return bad("KPIO-3.2.5-2");  // "... and associated with a Namespace"
        for (auto u : *l)
          if (!Machine::kek_row_of(p, u)) return bad("KPIO-3.2.8-1");  // only KEK rows wrap MEKs
        a.allowed.clear();
        for (auto u : *l) a.allowed.push_back(tcg::to_uid(u));
        rule = "KPIO-3.2.8-1";
      } else {
        return bad("KPIO-3.3-COLUMNS");
      }
    }
    return ok(rule);
  }

  if (inv.object == tcg::uid_of("Certificate1") && !set) {
    // §3.4.5.4 (Tables 53, 54): CertData = the byte table's UID, CertSize (a 4-byte atom in Table 54).
    std::vector<Value> r;
    if (wants(inv.cells, 1)) r.push_back(cell(1, Value::of_bytes(to_bytes("Certificate1"))));
    if (wants(inv.cells, 2)) r.push_back(cell(2, Value::of_bytes({})));
    if (wants(inv.cells, 3)) r.push_back(cell(3, Value::of_bytes(tcg::uid_bytes(tcg::uid_of("KeyPerIOPublicKeyCertificateData")))));
    if (wants(inv.cells, 4)) {
      Value n = Value::of_uint(seed_certificate().size());
      n.width = 4;
      r.push_back(cell(4, n));
    }
    return ok("KPIO-3.2.16-2", {Value::of_list(r)});
  }
  if (inv.object == tcg::uid_of("KeyPerIOPublicKeyCertificateData") && !set) {
    // §3.4.5.5 (Tables 55, 56): rows startRow..endRow of the byte table.
    const Bytes cert = seed_certificate();
    const auto lo = inv.cells.start_row.value_or(0);
    const auto hi = inv.cells.end_row.value_or(cert.size() - 1);
    if (lo > hi || hi >= cert.size()) return bad("KPIO-3.2.16-2");
    return ok("KPIO-3.2.16-2", {Value::of_bytes(Bytes(cert.begin() + static_cast<std::ptrdiff_t>(lo),
                                                      cert.begin() + static_cast<std::ptrdiff_t>(hi + 1)))});
  }
  return bad("TCG-METHOD-1");
}

// ---- host side of the abstract imports: the request shapes of Tables 41, 45, 58, 62, 68 ----

namespace detail {
using kmip::Item;
using kmip::ItemType;
inline Item st(std::uint32_t t, std::vector<Item> c) { return Item{t, ItemType::structure, 0, {}, std::move(c)}; }
inline Item in(std::uint32_t t, std::int64_t v) { return Item{t, ItemType::integer, v, {}, {}}; }
inline Item en(std::uint32_t t, std::int64_t v) { return Item{t, ItemType::enumeration, v, {}, {}}; }
inline Item tx(std::uint32_t t, std::string_view s) { return Item{t, ItemType::text_string, 0, to_bytes(s), {}}; }
inline Item by(std::uint32_t t, Bytes b) { return Item{t, ItemType::byte_string, 0, std::move(b), {}}; }
inline Item attr(std::string_view name, Item value) {
  value.tag = tag::attribute_value;
  return st(tag::attribute, {tx(tag::vendor_id, "TCG-SWG"), tx(tag::attribute_name, name), std::move(value)});
}
inline Item header(std::int64_t batch_count) {
  std::vector<Item> h{st(tag::protocol_version, {in(tag::pv_major, 2), in(tag::pv_minor, 1)})};
  if (batch_count > 1) h.push_back(Item{tag::batch_order, ItemType::boolean, 1, {}, {}});
  h.push_back(in(tag::batch_count, batch_count));
  return st(tag::request_header, std::move(h));
}
inline Item key_block(WrapMethod m, const Bytes& value, const std::string& wrapping_uid, const Bytes& iv) {
  if (m == WrapMethod::plaintext)
    return st(tag::key_block, {en(tag::key_format, 1), st(tag::key_value, {by(tag::key_material, value)})});
  std::vector<Item> cp;
  if (m == WrapMethod::rsa_oaep) {
    cp = {en(tag::crypto_algorithm, 4), en(tag::padding, 2), en(tag::mgf_hash, 6)};
  } else {
    cp = {en(tag::crypto_algorithm, 3), en(tag::block_cipher_mode, m == WrapMethod::aes_gcm ? 9 : 13)};
    if (m == WrapMethod::aes_gcm) cp.push_back(in(tag::tag_length, 16));
  }
  std::vector<Item> eki{tx(tag::unique_id, wrapping_uid), st(tag::crypto_params, std::move(cp))};
  if (m == WrapMethod::aes_gcm) eki.push_back(by(tag::iv, iv));
  return st(tag::key_block, {en(tag::key_format, 1), by(tag::key_value, value),
                             st(tag::key_wrapping_data, {en(tag::wrapping_method, 1), st(tag::enc_key_info, std::move(eki))})});
}
inline WrapMethod wrap_of(const std::string& w) {
  return w == "aes_kw" ? WrapMethod::aes_kw : w == "aes_gcm" ? WrapMethod::aes_gcm : w == "rsa_oaep" ? WrapMethod::rsa_oaep : WrapMethod::plaintext;
}
}  // namespace detail

inline kmip::Item Machine::kek_request(const ImportKek& e, std::uint64_t row_uid, const Bytes& wrapped,
                                       const std::string& wrapping_uid, const Bytes& tag_bytes) {
  using namespace detail;
  const auto m = wrap_of(e.wrap);
  const std::string uid = e.kmip_uid.empty() ? "kek-" + std::to_string(e.row) : e.kmip_uid;
  std::vector<Item> payload{
      tx(tag::unique_id, uid), en(tag::object_type, 2),
      st(tag::attributes, {st(tag::crypto_params, {en(tag::key_role, 0x0B), en(tag::crypto_algorithm, 3), in(tag::crypto_length, 256)}),
                           attr("UID", by(0, tcg::uid_bytes(row_uid)))}),
      st(tag::symmetric_key, {key_block(m, wrapped, wrapping_uid, e.iv)})};
  if (m == WrapMethod::aes_gcm) payload.push_back(by(tag::ae_tag, tag_bytes));
  return st(tag::request_message,
            {header(1), st(tag::batch_item, {en(tag::operation, 0x2A), by(tag::batch_item_id, {0x01}),
                                             st(tag::request_payload, std::move(payload))})});
}

inline kmip::Item Machine::mek_request(const ImportMek& e, const Bytes& w1, const Bytes& w2, const std::string& wrapping_uid,
                                       const Bytes& t1, const Bytes& t2) {
  using namespace detail;
  const auto m = e.with_nonce ? WrapMethod::aes_gcm : WrapMethod::aes_kw;
  const std::string u1 = "mek-" + std::to_string(e.nsid) + "-" + std::to_string(e.key_tag) + "-key1";
  const std::string u2 = "mek-" + std::to_string(e.nsid) + "-" + std::to_string(e.key_tag) + "-key2";
  auto item = [&](std::uint8_t id, const std::string& uid, const std::string& other, bool first, const Bytes& w, const Bytes& t) {
    std::vector<Item> payload{
        tx(tag::unique_id, uid), en(tag::object_type, 2),
        st(tag::attributes,
           {st(tag::crypto_params, {en(tag::key_role, 0x03), en(tag::crypto_algorithm, 3), in(tag::crypto_length, 256)}),
            attr("NamespaceID", in(0, e.nsid)), attr("KeyTag", in(0, e.key_tag)),
            st(tag::link, {en(tag::link_type, first ? 0x10B : 0x10A), tx(tag::linked_id, other)})}),
        st(tag::symmetric_key, {key_block(m, w, wrapping_uid, e.iv)})};
    if (m == WrapMethod::aes_gcm) payload.push_back(by(tag::ae_tag, t));
    return st(tag::batch_item, {en(tag::operation, 0x2A), by(tag::batch_item_id, {id}), st(tag::request_payload, std::move(payload))});
  };
  return st(tag::request_message, {header(2), item(1, u1, u2, true, w1, t1), item(2, u2, u1, false, w2, t2)});
}

// ---- the bounded alphabet of explore / corpus / properties ---------------------------------
// Profile::scope picks the events (kpio/state.hpp documents each scope); every scope starts
// with taking ownership and activating the SP. Key material and nonces come from a fixed set
// (named_key, two nonces), so every scope's reachable state space is finite.

inline std::vector<Event> Machine::candidate_events(const Profile& p, const State& s) {
  enum : unsigned { L = 1u << static_cast<unsigned>(Scope::lifecycle), P = 1u << static_cast<unsigned>(Scope::policies),
                    K = 1u << static_cast<unsigned>(Scope::keks), M = 1u << static_cast<unsigned>(Scope::meks),
                    ALL = L | P | K | M };
  const unsigned want = p.scope == Scope::all ? ALL : 1u << static_cast<unsigned>(p.scope);
  std::vector<Event> out;
  auto add = [&](unsigned in, Event e) {
    if (in & want) out.push_back(std::move(e));
  };
  auto setc = [&](unsigned in, std::string o, std::string c, Json v, std::optional<std::string> pin = std::nullopt) {
    add(in, SetColumn{std::move(o), std::move(c), std::move(v), std::move(pin)});
  };
  const auto [ka, kb] = named_key("KEK-A");
  const auto [m1, m2] = named_key("MEK-A");
  const Bytes nonce_a(p.nonce_length, 0xA5), nonce_b(p.nonce_length, 0x5A);
  const std::string wrong = "wrong-pin";

  // ---- SP life cycle and credentials (§3.2.2-§3.2.4, §3.2.21, §3.2.22) ----
  // A wrong PIN counts a Try (TCG Core C_PIN): every event that presents one is offered only
  // while Tries is below the bound (taking ownership again presents the MSID as SID's PIN).
  if (s.sid.pin == p.msid || s.sid.tries < p.max_failed_tries) add(ALL, TakeOwnership{});
  add(ALL, ActivateSp{});
  if (s.sid.tries < p.max_failed_tries) add(L, ActivateSp{wrong});
  if (s.admin1.tries < p.max_failed_tries) setc(L, "KPIOPolicies", "ClearAllMEKsAllowed", true, wrong);
  setc(L, "C_PIN_Admin1", "PIN", "Admin1_password");
  add(L, RevertSp{});
  add(L, RevertTper{});
  // Table 3's host properties (Protocol3MaxKmipBatchItems 2: an MEK is two batch items); a
  // reset forgets them (TCG Core: the host re-sends Properties after a reset).
  add(L | M, ExchangeProperties{2});
  // ---- KPIOPolicies (§3.2.6, §3.2.9, §3.2.14, §3.2.18-§3.2.20) ----
  for (bool b : {true, false}) {
    setc(b ? M : 0u, "KPIOPolicies", "ClearSingleMEKAllowed", b);
    setc(b ? M : 0u, "KPIOPolicies", "ClearAllMEKsAllowed", b);
    setc(P | K, "KPIOPolicies", "ReplayProtectionEnabled", b);
    setc(P, "KPIOPolicies", "PlaintextKEKProgrammingEnabled", b);
    setc(P, "KPIOPolicies", "PKIProtectedKEKProgrammingEnabled", b);
    setc(P, "KPIOPolicies", "KeyInjectionInterfaceLockEnabled", b);
    setc(P, "KPIOPolicies", "KeyInjectionInterfaceLocked", b);
  }
  // ---- KeyEncryptionKey rows (§3.2.7, §3.2.10, §3.2.12, §3.2.13, §3.2.15, §4.3.4-§4.3.6) ----
  setc(K | M, "KeyEncryptionKey1", "AccessLockEnabled", true);
  setc(K, "KeyEncryptionKey1", "AccessLockEnabled", false);
  setc(K | M, "KeyEncryptionKey1", "AccessLocked", true);
  setc(K | M, "KeyEncryptionKey1", "AccessLocked", false);
  setc(K, "KeyEncryptionKey1", "LockOnReset", Json::array({0u, 1u, 3u}));
  setc(K, "KeyEncryptionKey1", "LockOnReset", Json::array({0u}));
  setc(P | K, "KeyEncryptionKey1", "AllowedKeyEncryptionKeys", Json::array({"NULLKeyEncryptionKey", "KeyEncryptionKey1"}));
  setc(P, "KeyEncryptionKey1", "AllowedKeyEncryptionKeys", Json::array({"PKIPublicKeyEncryptionKey", "KeyEncryptionKey1"}));
  if (p.keks >= 2) setc(K, "KeyEncryptionKey2", "AllowedKeyEncryptionKeys", Json::array({"KeyEncryptionKey1", "KeyEncryptionKey2"}));
  // ---- KeyTagAllocation of namespace 1 (§3.2.5, §3.2.8, §4.2.3-§4.2.6) ----
  setc(L | M, "KeyTagAllocation1", "Managed", true);
  setc(M, "KeyTagAllocation1", "Managed", false);
  setc(L | M, "KeyTagAllocation1", "AllowedKeyEncryptionKeys", Json::array({"KeyEncryptionKey1"}));
  if (p.max_key_tags_per_namespace >= 2)
    for (std::uint64_t n : {1u, 2u}) setc(M, "KeyTagAllocation1", "NumberOfKeyTags", Json(n));
  // ---- KMIP Import (§3.2.11-§3.2.13, §3.2.16-§3.2.18) ----
  add(ALL, ImportKek{1, ka, "kek-a", "plaintext", 0, std::nullopt, Bytes(12, 1), {}});
  add(K, ImportKek{1, kb, "kek-b", "aes_kw", 1, std::nullopt, Bytes(12, 1), {}});
  add(P, ImportKek{1, kb, "kek-b", "aes_gcm", 1, std::nullopt, Bytes(12, 1), {}});
  if (p.keks >= 2) {
    add(K, ImportKek{2, kb, "kek-b", "aes_kw", 1, std::nullopt, Bytes(12, 1), {}});
    add(K, ImportKek{2, ka, "kek-a2", "aes_gcm", 1, std::nullopt, Bytes(12, 1), {}});
  }
  add(P, ImportKek{1, kb, "kek-b", "rsa_oaep", 0, std::nullopt, Bytes(12, 1), to_bytes("oaep-seed")});
  add(L | M, ImportMek{1, 0, m1, m2, 1, false, std::nullopt, Bytes(12, 1)});
  add(M, ImportMek{1, 0, m2, m1, 1, true, std::nullopt, Bytes(12, 1)});
  if (p.max_key_tags_per_namespace >= 2) add(M, ImportMek{1, 1, m1, m2, 1, false, std::nullopt, Bytes(12, 1)});
  // ---- Security Protocol 0x02 (§3.2.19, §3.2.20, §3.4.7.6) ----
  add(M, ClearSingleMek{1, 0});
  add(M, ClearAllMeks{1});
  add(M, ClearAllMeks{0xFFFFFFFF});
  add(P | K | M, GetNonce{nonce_a});
  add(K, GetNonce{nonce_b});
  // ---- resets (§4.3) ----
  add(ALL, PowerCycle{});
  add(L | K | M, HardwareReset{});
  add(L | K, TperReset{});
  return out;
}

// ---- invariants ----------------------------------------------------------------------------

namespace inv {
inline bool cache_only_managed(const Profile&, const State& s) {
  // An injected MEK sits in a managed namespace, in an allocated key tag (§3.2.5, §4.2.6).
  for (const auto& c : s.cache) {
    if (c.factory) continue;
    if (c.nsid < 1 || c.nsid > s.allocations.size()) return false;
    const auto& a = s.allocations[c.nsid - 1];
    if (!a.managed || c.key_tag >= a.number_of_key_tags) return false;
  }
  return true;
}
inline bool no_factory_mek_when_managed(const Profile&, const State& s) {
  // §4.2.1/§4.2.3: a managed namespace holds no factory MEK.
  for (const auto& c : s.cache)
    if (c.factory && c.nsid >= 1 && c.nsid <= s.allocations.size() && s.allocations[c.nsid - 1].managed) return false;
  return true;
}
inline bool inactive_sp_has_no_keys(const Profile&, const State& s) {
  // §3.2.21: after Revert no injected KEK or MEK remains.
  if (s.kpio_active) return true;
  for (const auto& k : s.keks)
    if (k.key_set) return false;
  for (const auto& c : s.cache)
    if (!c.factory) return false;
  return true;
}
inline bool key_tags_within_limits(const Profile& p, const State& s) {
  std::uint32_t total = 0;
  for (const auto& a : s.allocations) {
    if (a.number_of_key_tags > p.max_key_tags_per_namespace) return false;
    total += a.number_of_key_tags;
  }
  return total <= p.total_key_tags;
}
inline bool lock_on_reset_has_power_cycle(const Profile&, const State& s) {
  for (const auto& k : s.keks)
    if (std::find(k.lock_on_reset.begin(), k.lock_on_reset.end(), ResetType::power_cycle) == k.lock_on_reset.end()) return false;
  return true;
}
inline bool nonces_bounded(const Profile& p, const State& s) { return s.nonces.size() <= p.max_outstanding_nonces; }
}  // namespace inv

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static const Invariant<Machine> v[] = {
      {"invariant:kpio.cache_only_managed", "KPIO-3.2.5-2", inv::cache_only_managed},
      {"invariant:kpio.no_factory_mek_when_managed", "KPIO-4.2.3-1", inv::no_factory_mek_when_managed},
      {"invariant:kpio.inactive_sp_has_no_keys", "KPIO-3.2.21-1", inv::inactive_sp_has_no_keys},
      {"invariant:kpio.key_tags_within_limits", "KPIO-4.2.5-1", inv::key_tags_within_limits},
      {"invariant:kpio.lock_on_reset_has_power_cycle", "KPIO-4.3.4-2", inv::lock_on_reset_has_power_cycle},
      {"invariant:kpio.nonces_bounded", "KPIO-3.4.7-2", inv::nonces_bounded},
  };
  return v;
}

inline Status Machine::validate_state(const Profile& p, const State& s) {
  if (s.keks.size() != p.keks) return make_error("keks: " + std::to_string(s.keks.size()) + " rows, the profile has " + std::to_string(p.keks));
  if (s.allocations.size() != p.namespaces)
    return make_error("allocations: " + std::to_string(s.allocations.size()) + " rows, the profile has " + std::to_string(p.namespaces));
  for (std::size_t i = 0; i < s.allocations.size(); ++i)
    if (s.allocations[i].nsid != i + 1) return make_error("allocations[" + std::to_string(i) + "].nsid: expected " + std::to_string(i + 1));
  for (std::size_t i = 0; i < s.keks.size(); ++i) {
    const auto& k = s.keks[i];
    if (k.key_set != (k.key.size() == 32)) return make_error("keks[" + std::to_string(i) + "]: key_set and a 32-byte key go together");
  }
  for (std::size_t i = 0; i < s.cache.size(); ++i) {
    const auto& c = s.cache[i];
    const std::string at = "cache[" + std::to_string(i) + "]: ";
    if (c.key1.size() != 32 || c.key2.size() != 32) return make_error(at + "key1 and key2 are 32 bytes");
    // §4.2.1 Table 71: one factory MEK per namespace of the drive, with no key tag of its own.
    if (c.factory && (c.key_tag != 0 || c.nsid < 1 || c.nsid > s.allocations.size()))
      return make_error(at + "a factory MEK names a namespace 1.." + std::to_string(s.allocations.size()) + " and key tag 0");
    // One MEK per key tag slot of a namespace (Tables 87-92 show each KeyTag slot holding one
    // MEK; an import into a full slot replaces its MEK), kept in CacheEntry::order.
    if (i > 0) {
      const auto& b = s.cache[i - 1];
      if (b.order() >= c.order())
        return make_error(at + "not after cache[" + std::to_string(i - 1) +
                          "]: one entry per namespace and key tag, ordered by namespace, factory, key tag");
    }
  }
  for (const auto& n : s.nonces)
    if (n.size() != p.nonce_length) return make_error("nonces: each is nonce_length bytes");
  for (const auto& i : invariants())
    if (!i.holds(p, s)) return make_error("violates " + std::string(i.id));
  return ok_status();
}

}  // namespace lockref::kpio
