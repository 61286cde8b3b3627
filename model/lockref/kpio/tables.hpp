// The state tables of seed 002 §4 as views of the Key Per I/O machine: a state rendered as
// the note prints it (Namespace, Key Tag, Managed, AllowedKeyEncryptionKey, Key Cache for
// Tables 71–102; KeyEncryptionKey, LockOnReset, AccessLockEnabled, AccessLocked for Tables
// 103–108), and a state built from such a table. MEKs and KEKs are named as in the note
// ("KPIO-MEK4", "Factory-MEK13", "KEK1"); their key material is named_key(name).
#pragma once
#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lockref/kpio/sp.hpp"

namespace lockref::kpio {

struct NsRow {
  std::string ns, key_tags, managed, allowed, cache;
  friend bool operator==(const NsRow&, const NsRow&) = default;
};
struct KekRow {
  std::string kek, lock_on_reset, access_lock_enabled, access_locked;
  friend bool operator==(const KekRow&, const KekRow&) = default;
};

/// MEK names of the §4 tables ("KPIO-MEK4"), by the hex of the MEK's first half. (Keyed by
/// text, not bytes: GCC 12 -O3 warns falsely on std::map<std::vector<unsigned char>, ...>.)
using KeyNames = std::map<std::string, std::string>;

namespace tables {
inline std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}
/// A Key Cache cell as slots: position = key tag, "Empty" = no MEK; trailing empties dropped
/// (the note writes "KPIO-MEK1" for a namespace of three slots whose KT1, KT2 are empty).
inline std::vector<std::string> slots(const std::string& cell) {
  auto w = words(cell);
  while (!w.empty() && w.back() == "Empty") w.pop_back();
  return w;
}
inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}
inline std::string key_name(const KeyNames& names, const Bytes& key1) {
  auto it = names.find(to_hex(key1));
  return it == names.end() ? "MEK(" + to_hex(key1).substr(0, 8) + ")" : it->second;
}
inline std::string reset_set(const std::vector<ResetType>& v) {
  std::vector<std::string> n;
  for (auto t : v)
    n.push_back(t == ResetType::power_cycle ? "Power Cycle" : t == ResetType::hardware_reset ? "Hardware Reset" : "Programmatic");
  std::string s;
  for (std::size_t i = 0; i < n.size(); ++i) s += (i ? " and " : "") + n[i];
  return "{" + s + "}";
}
}  // namespace tables

/// Tables 71–102 view. `names`: key1 bytes -> MEK name.
inline std::vector<NsRow> render_namespaces(const Profile& p, const State& s, const KeyNames& names) {
  std::vector<NsRow> out;
  for (std::uint32_t n = 1; n <= p.namespaces; ++n) {
    const auto& a = s.allocations[n - 1];
    NsRow r;
    r.ns = "NS" + std::to_string(n);
    const bool managed = s.kpio_active && a.managed;
    if (managed) {
      std::vector<std::string> kt;
      for (std::uint16_t t = 0; t < a.number_of_key_tags; ++t) kt.push_back("KT" + std::to_string(t));
      r.key_tags = tables::join(kt);
      std::vector<std::string> k;
      for (const auto& u : a.allowed) {
        const auto row = Machine::kek_row_of(p, tcg::uid_value(u));
        k.push_back(row ? "KEK" + std::to_string(*row) : to_hex(ByteView(u.data(), u.size())));
      }
      r.allowed = tables::join(k);
    } else {
      r.key_tags = "N/A";
      r.allowed = "N/A";
    }
    r.managed = !s.kpio_active ? "N/A" : a.managed ? "TRUE" : "FALSE";
    std::vector<std::string> cache;
    for (const auto& c : s.cache) {
      if (c.nsid != n) continue;
      if (c.factory) {
        cache.push_back(tables::key_name(names, c.key1));
        continue;
      }
      if (cache.size() <= c.key_tag) cache.resize(std::size_t{c.key_tag} + 1, "Empty");
      cache[c.key_tag] = tables::key_name(names, c.key1);
    }
    r.cache = tables::join(tables::slots(tables::join(cache)));
    out.push_back(std::move(r));
  }
  return out;
}

/// Tables 103–108 view.
inline std::vector<KekRow> render_keks(const State& s) {
  std::vector<KekRow> out;
  for (std::size_t i = 0; i < s.keks.size(); ++i) {
    const auto& k = s.keks[i];
    out.push_back(KekRow{"KEK" + std::to_string(i + 1), tables::reset_set(k.lock_on_reset), k.access_lock_enabled ? "TRUE" : "FALSE",
                         k.access_locked ? "TRUE" : "FALSE"});
  }
  return out;
}

/// Cells compare as the note means them: Key Cache slots normalised (tables::slots).
inline bool same_row(const NsRow& a, const NsRow& b) {
  return a.ns == b.ns && a.key_tags == b.key_tags && a.managed == b.managed && a.allowed == b.allowed &&
         tables::slots(a.cache) == tables::slots(b.cache);
}

/// A state whose view is the given table. Injected KEKs named in the table get
/// named_key("KEKn") under KMIP UID "KEKn"; Admin1's PIN is "Admin1_password".
inline Result<State> build_from_namespaces(const Profile& p, const std::vector<NsRow>& rows, const Policies& pol,
                                           KeyNames& names) {
  State s = Machine::initial(p);
  s.cache.clear();
  const bool active = !rows.empty() && rows[0].managed != "N/A";
  if (active) {
    Machine::activate(p, s);
    s.admin1.pin = "Admin1_password";
    s.policies = pol;
  }
  if (rows.size() != p.namespaces) return make_error("the table has " + std::to_string(rows.size()) + " namespaces");
  for (std::uint32_t n = 1; n <= p.namespaces; ++n) {
    const auto& r = rows[n - 1];
    if (r.ns != "NS" + std::to_string(n)) return make_error("row " + std::to_string(n) + " is " + r.ns);
    auto& a = s.allocations[n - 1];
    a.managed = r.managed == "TRUE";
    a.number_of_key_tags = a.managed ? static_cast<std::uint16_t>(tables::words(r.key_tags).size()) : 0;
    if (a.managed)
      for (const auto& k : tables::words(r.allowed)) {
        // "KEK" and a decimal row number, nothing else ("KEKX", "KEK", "KEK+1" and a number
        // beyond 32 bits are unknown KEKs, not exceptions)
        std::uint32_t row = 0;
        const char* end = k.data() + k.size();
        const auto num = std::from_chars(k.data() + std::min<std::size_t>(3, k.size()), end, row);
        if (!k.starts_with("KEK") || num.ec != std::errc{} || num.ptr != end || row < 1 || row > p.keks)
          return make_error("unknown KEK " + k);
        a.allowed.push_back(tcg::to_uid(kek_uid(row)));
        auto& kek = s.keks[row - 1];
        kek.key_set = true;
        kek.key = named_key(k).first;
        kek.kmip_uid = k;
      }
    const auto sl = tables::slots(r.cache);
    for (std::size_t t = 0; t < sl.size(); ++t) {
      if (sl[t] == "Empty") continue;
      auto [k1, k2] = named_key(sl[t]);
      names[to_hex(k1)] = sl[t];
      const bool factory = sl[t].starts_with("Factory-");
      s.cache.push_back(CacheEntry{n, static_cast<std::uint16_t>(factory ? 0 : t), factory, k1, k2});
    }
  }
  return s;
}

inline Result<State> build_from_keks(const Profile& p, const std::vector<KekRow>& rows) {
  State s = Machine::initial(p);
  Machine::activate(p, s);
  s.admin1.pin = "Admin1_password";
  for (std::size_t i = 0; i < rows.size() && i < s.keks.size(); ++i) {
    auto& k = s.keks[i];
    const auto& r = rows[i];
    k.lock_on_reset.clear();
    std::string set = r.lock_on_reset;
    for (auto [text, t] : {std::pair{"Power Cycle", ResetType::power_cycle}, std::pair{"Hardware Reset", ResetType::hardware_reset},
                           std::pair{"Programmatic", ResetType::programmatic}})
      if (set.find(text) != std::string::npos) k.lock_on_reset.push_back(t);
    k.access_lock_enabled = r.access_lock_enabled == "TRUE";
    k.access_locked = r.access_locked == "TRUE";
  }
  return s;
}

}  // namespace lockref::kpio

BOOST_HANA_ADAPT_STRUCT(lockref::kpio::NsRow, ns, key_tags, managed, allowed, cache);
BOOST_HANA_ADAPT_STRUCT(lockref::kpio::KekRow, kek, lock_on_reset, access_lock_enabled, access_locked);
