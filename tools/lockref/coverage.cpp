// `lockref invariants --coverage` (see coverage.hpp for the rules).
#include "coverage.hpp"

#include <cryptopp/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace lockref::cli::coverage {

std::vector<std::string> tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && std::isalnum(c)) {
      cur.push_back(static_cast<char>(std::tolower(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string normalise(std::string_view text) {
  std::string out;
  for (const auto& t : tokens(text)) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

std::string digest(std::string_view text) {
  const std::string n = normalise(text);
  CryptoPP::SHA256 h;
  std::uint8_t d[CryptoPP::SHA256::DIGESTSIZE];
  h.CalculateDigest(d, reinterpret_cast<const CryptoPP::byte*>(n.data()), n.size());
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 4; ++i) {
    s.push_back(hex[d[i] >> 4]);
    s.push_back(hex[d[i] & 15]);
  }
  return s;
}

namespace LOCKREF_UNITY_ID {

/// Splits at the separators, but not inside parentheses.
std::vector<std::string> split_outside_parens(std::string_view text, const std::vector<std::string>& seps) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    bool cut = false;
    if (depth == 0)
      for (const auto& s : seps)
        if (text.substr(i, s.size()) == s) {
          out.push_back(cur);
          cur.clear();
          i += s.size();
          cut = true;
          break;
        }
    if (!cut) cur.push_back(text[i++]);
  }
  out.push_back(cur);
  return out;
}

/// Sentences of a requirement text: cut after . ! ? followed by a space and a capital
/// letter, digit, quote, backtick, parenthesis or asterisk; not after e.g. / i.e. or an
/// initial (the extractor's rule, tools/normative_index.py sentences()).
std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  auto abbrev = [&](std::size_t end) {  // text[start, end) ends with an abbreviation?
    std::string head(text.substr(start, end - start));
    while (!head.empty() && std::string("\"')]").find(head.back()) != std::string::npos) head.pop_back();
    for (const char* a : {"e.g.", "i.e.", "etc.", "vs.", "cf.", "Fig.", "Figs.", "No.", "al.", "approx.", "Sec.", "resp.", "..."})
      if (head.size() >= std::strlen(a) && head.compare(head.size() - std::strlen(a), std::strlen(a), a) == 0) {
        const std::size_t before = head.size() - std::strlen(a);
        if (a[0] == '.' || before == 0 || !std::isalpha(static_cast<unsigned char>(head[before - 1]))) return true;
      }
    // a single capital initial: " R." or "(R."
    if (head.size() >= 2 && head.back() == '.' && std::isupper(static_cast<unsigned char>(head[head.size() - 2])) &&
        (head.size() == 2 || head[head.size() - 3] == ' ' || head[head.size() - 3] == '('))
      return true;
    return false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.' && text[i] != '!' && text[i] != '?') continue;
    std::size_t j = i + 1;
    while (j < text.size() && std::string("\"')]").find(text[j]) != std::string::npos && j < i + 2) ++j;
    if (j >= text.size() || !std::isspace(static_cast<unsigned char>(text[j]))) continue;
    std::size_t k = j;
    while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
    if (k >= text.size()) continue;
    const auto n = static_cast<unsigned char>(text[k]);
    if (!(std::isupper(n) || std::isdigit(n) || std::string("`\"'([*").find(text[k]) != std::string::npos || n >= 0x80))
      continue;
    if (abbrev(i + 1)) continue;
    out.emplace_back(text.substr(start, k - start));
    start = k;
  }
  if (start < text.size()) out.emplace_back(text.substr(start));
  return out;
}

}  // namespace LOCKREF_UNITY_ID

std::vector<Piece> pieces(std::string_view text) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  std::vector<Piece> out;
  for (const auto& s : sentences(text))
    for (const auto& p : split_outside_parens(s, {"...", "\xE2\x80\xA6", ";"})) {
      if (tokens(p).empty()) continue;
      Piece piece{p, {}};
      if (p.find('(') != std::string::npos) {
        std::string cur;
        int depth = 0;
        for (char c : p) {
          if (c == '(') {
            if (depth++ == 0) {
              piece.outside.push_back(cur);
              cur.clear();
            }
            continue;
          }
          if (c == ')' && depth > 0) {
            --depth;
            continue;
          }
          if (depth == 0) cur.push_back(c);
        }
        piece.outside.push_back(cur);
      }
      // "label: cell" (a table's field or row name, then the cell's text, e.g.
      // "LOCK_NO_HANDLES: Too many extant handles exist"): the label is the catalogue's
      // annotation like a parenthesised remark, the cell must be seed text.
      if (piece.outside.empty()) {
        const auto parts = split_outside_parens(p, {": "});
        if (parts.size() > 1) piece.outside.push_back(parts.back());
      }
      out.push_back(std::move(piece));
    }
  return out;
}

namespace LOCKREF_UNITY_ID {

constexpr std::size_t kMinWords = 3;
constexpr std::size_t kInsideWords = 6;  // a quote this long from inside one sentence covers it

Json read_json(const fs::path& p, std::string& err) {
  std::ifstream f(p);
  if (!f) {
    err = "cannot read " + p.string();
    return Json();
  }
  std::stringstream ss;
  ss << f.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) err = p.string() + ": not valid JSON";
  return j;
}

struct Sentence {
  std::string id, section, kind, where, text;
  std::vector<std::size_t> segs;        // segments holding it
  std::set<std::string> covered_by;     // requirement ids with an existing check
  std::string hand_status, hand_reason, hand_source;
  int hand_rank = -1;                   // which hand status wins: higher is more specific
};

struct Seed {
  std::string file, title;
  fs::path index_path;
  std::vector<Sentence> sentences;
  std::map<std::string, std::size_t> by_id;
  std::vector<std::string> sections;  // in document order
  std::vector<std::size_t> seg_begin, seg_end, seg_sentence;  // token offsets; sentence index or npos
  std::vector<std::string> seg_section;
  std::vector<std::uint32_t> stream;
};

constexpr std::size_t npos = static_cast<std::size_t>(-1);

class Vocabulary {
 public:
  std::uint32_t id(const std::string& t) {
    auto [it, fresh] = ids_.try_emplace(t, static_cast<std::uint32_t>(ids_.size()));
    (void)fresh;
    return it->second;
  }
  /// For lookups: a word the seeds never use gets an id no stream holds.
  std::uint32_t find(const std::string& t) const {
    auto it = ids_.find(t);
    return it == ids_.end() ? UINT32_MAX : it->second;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
};

std::vector<std::uint32_t> encode(const Vocabulary& v, std::string_view text) {
  std::vector<std::uint32_t> out;
  for (const auto& t : tokens(text)) out.push_back(v.find(t));
  return out;
}

std::vector<std::size_t> occurrences(const std::vector<std::uint32_t>& stream, const std::vector<std::uint32_t>& needle) {
  std::vector<std::size_t> at;
  if (needle.empty() || needle.size() > stream.size()) return at;
  const std::boyer_moore_horspool_searcher search(needle.begin(), needle.end());
  for (auto it = stream.begin();;) {
    auto [b, e] = search(it, stream.end());
    if (b == stream.end()) break;
    at.push_back(static_cast<std::size_t>(b - stream.begin()));
    it = b + 1;
  }
  return at;
}

std::string slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 128 && std::isalnum(u)) out.push_back(static_cast<char>(std::tolower(u)));
    else if (!out.empty() && out.back() != '-') out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

/// Sections of `seed` that a requirement's "section" field names: "§4.6.4.2" names 4.6.4.2
/// and its subsections; a heading ("Validation - Try Limits ...") names that section.
std::set<std::string> cited_sections(const Seed& seed, const std::string& field) {
  std::set<std::string> cited;
  const std::string s = slug(field);
  for (const auto& sec : seed.sections) {
    if (sec.empty()) continue;
    const bool numeric = std::isdigit(static_cast<unsigned char>(sec[0])) ||
                         (sec.size() > 1 && std::isupper(static_cast<unsigned char>(sec[0])) && (sec[1] == '.' || sec.size() == 1));
    if (numeric || sec.size() == 1) {
      for (std::size_t at = field.find("\xC2\xA7"); at != std::string::npos; at = field.find("\xC2\xA7", at + 1)) {
        std::size_t b = at + 2, e = b;
        while (e < field.size() && (std::isalnum(static_cast<unsigned char>(field[e])) || field[e] == '.')) ++e;
        std::string c = field.substr(b, e - b);
        while (!c.empty() && c.back() == '.') c.pop_back();
        if (!c.empty() && (sec == c || sec.rfind(c + ".", 0) == 0)) cited.insert(sec);
      }
    } else if (s.find(sec) != std::string::npos) {
      cited.insert(sec);
    }
  }
  return cited;
}

bool section_matches(const std::string& selector, const std::string& section) {
  if (selector == "*") return true;
  if (!selector.empty() && selector.back() == '*') {
    const std::string base = selector.substr(0, selector.size() - 1);
    return section == base || section.rfind(base + ".", 0) == 0;
  }
  return selector == section;
}

std::string pct(std::size_t a, std::size_t b) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 100.0);
  return buf;
}

}  // namespace LOCKREF_UNITY_ID

int report(const Json& catalogue, const std::map<std::string, std::string>& checks, const std::string& root,
           std::ostream& out, bool list_sentences) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  int problems = 0;
  auto problem = [&](const std::string& s) {
    ++problems;
    out << "  PROBLEM: " << s << "\n";
  };
  const fs::path dir = fs::path(root) / "spec" / "normative";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    problem("no normative index in " + dir.string() + " (run tools/normative_index.py)");
    return problems;
  }
  std::vector<fs::path> index_files, status_files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    (n.size() > 12 && n.compare(n.size() - 12, 12, ".status.json") == 0 ? status_files : index_files).push_back(e.path());
  }
  std::sort(index_files.begin(), index_files.end());
  std::sort(status_files.begin(), status_files.end());

  // ---- the index -------------------------------------------------------------------
  Vocabulary vocab;
  std::vector<Seed> seeds;
  std::map<std::string, std::size_t> seed_by_file;
  auto load = [&](const fs::path& p, Json& j) {
    std::string err;
    j = read_json(p, err);
    if (!err.empty()) problem(err);
    return err.empty();
  };
  for (const auto& p : index_files) {
    Json j;
    if (!load(p, j)) continue;
    if (!j.is_object() || !j.contains("seed") || !j["sentences"].is_array() || !j["segments"].is_array()) {
      problem(p.string() + ": not a normative index (seed, sentences, segments)");
      continue;
    }
    Seed s;
    s.file = j.value("seed", "");
    s.title = j.value("title", s.file);
    s.index_path = p;
    for (const auto& e : j["sentences"]) {
      Sentence x;
      x.id = e.value("id", "");
      x.section = e.value("section", "");
      x.kind = e.value("kind", "");
      x.where = e.value("where", "");
      x.text = e.value("text", "");
      // the id's digest must be the digest of the text: the extractor and this program
      // normalise alike, and nobody edited a sentence by hand
      const auto colon = x.id.rfind(':');
      std::string d = colon == std::string::npos ? "" : x.id.substr(colon + 1, 8);
      if (d != digest(x.text)) problem(p.filename().string() + ": sentence " + x.id + " does not match its text (regenerate the index)");
      if (s.by_id.count(x.id)) problem(p.filename().string() + ": duplicate sentence id " + x.id);
      s.by_id[x.id] = s.sentences.size();
      s.sentences.push_back(std::move(x));
    }
    for (const auto& g : j["segments"]) {
      if (!g.is_array() || g.size() < 2 || !g[0].is_string() || !g[1].is_string()) {
        problem(p.filename().string() + ": malformed segment " + g.dump());
        continue;
      }
      const std::string sec = g[0].get<std::string>();
      if (s.sections.empty() || std::find(s.sections.begin(), s.sections.end(), sec) == s.sections.end())
        s.sections.push_back(sec);
      s.seg_begin.push_back(s.stream.size());
      for (const auto& t : tokens(g[1].get<std::string>())) s.stream.push_back(vocab.id(t));
      s.seg_end.push_back(s.stream.size());
      s.seg_section.push_back(sec);
      std::size_t si = npos;
      if (g.size() > 2 && g[2].is_string()) {
        auto it = s.by_id.find(g[2].get<std::string>());
        if (it == s.by_id.end()) problem(p.filename().string() + ": segment names unknown sentence " + g[2].dump());
        else {
          si = it->second;
          s.sentences[si].segs.push_back(s.seg_sentence.size());
        }
      }
      s.seg_sentence.push_back(si);
    }
    for (const auto& x : s.sentences)
      if (x.segs.empty()) problem(p.filename().string() + ": sentence " + x.id + " is in no segment");
    seed_by_file[s.file] = seeds.size();
    seeds.push_back(std::move(s));
  }

  // ---- hand-assigned statuses ---------------------------------------------------------
  auto assign = [](Sentence& x, const std::string& status, const std::string& reason, const std::string& source, int rank) {
    if (rank < x.hand_rank) return;
    x.hand_status = status;
    x.hand_reason = reason;
    x.hand_source = source;
    x.hand_rank = rank;
  };
  std::vector<std::pair<std::string, std::vector<std::pair<Seed*, std::size_t>>>> hand_entries;  // for the "now covered" note
  for (const auto& p : status_files) {
    Json j;
    if (!load(p, j)) continue;
    const std::string fname = p.filename().string();
    auto it = seed_by_file.find(j.value("seed", ""));
    if (it == seed_by_file.end()) {
      problem(fname + ": names seed \"" + j.value("seed", "") + "\", which has no index");
      continue;
    }
    Seed& s = seeds[it->second];
    if (!j.contains("statuses") || !j["statuses"].is_array()) {
      problem(fname + ": no \"statuses\" array");
      continue;
    }
    for (const auto& e : j["statuses"]) {
      const std::string status = e.value("status", "");
      const std::string reason = e.value("reason", "");
      const std::string what = e.contains("id") ? e.value("id", "") : "section " + e.value("section", "?");
      if (status != "planned" && status != "out_of_reach") {
        problem(fname + ": " + what + ": status \"" + status + "\" (planned or out_of_reach; covered is derived)");
        continue;
      }
      if (reason.empty()) {
        problem(fname + ": " + what + ": " + status + " without a reason");
        continue;
      }
      std::vector<std::pair<Seed*, std::size_t>> hit;
      if (e.contains("id")) {
        auto si = s.by_id.find(e.value("id", ""));
        if (si == s.by_id.end()) {
          problem(fname + ": stale id " + e.value("id", "") + " (not in the index; re-extracted?)");
          continue;
        }
        assign(s.sentences[si->second], status, reason, fname, 1000);
        hit.emplace_back(&s, si->second);
      } else if (e.contains("section")) {
        const std::string sel = e.value("section", "");
        const int rank = static_cast<int>(sel.size()) + (sel.empty() || sel.back() != '*' ? 500 : 0);
        for (std::size_t i = 0; i < s.sentences.size(); ++i)
          if (section_matches(sel, s.sentences[i].section)) {
            assign(s.sentences[i], status, reason, fname, rank);
            hit.emplace_back(&s, i);
          }
        if (hit.empty()) {
          problem(fname + ": section selector \"" + sel + "\" matches no sentence (stale?)");
          continue;
        }
      } else {
        problem(fname + ": an entry names neither id nor section: " + e.dump());
        continue;
      }
      hand_entries.emplace_back(fname + " " + what, std::move(hit));
    }
  }

  // ---- requirements --------------------------------------------------------------------
  std::size_t traced = 0, with_ids = 0, no_check = 0;
  std::vector<std::string> external;
  for (const auto& r : catalogue["requirements"]) {
    const std::string id = r.value("id", "?");
    if (r.contains("seed") && !r["seed"].is_string()) {
      problem(id + ": \"seed\" must be a seed file name or \"external\"");
      continue;
    }
    const std::string seed_file = r.value("seed", "");
    auto si = seed_by_file.find(seed_file);
    if (si == seed_by_file.end()) {
      // A source outside the seeds (e.g. the whole RFC 4108 in ../shared/external-vectors/,
      // where seed 003 stops after §1.5) has no normative index: counted as external.
      if (seed_file.empty() || seed_file == "external" || seed_file.rfind("../shared/external-vectors/", 0) == 0)
        external.push_back(id);
      else problem(id + ": seed \"" + seed_file + "\" has no normative index");
      continue;
    }
    Seed& s = seeds[si->second];
    const bool out_of_reach = r.value("status", "") == "out_of_reach";
    bool has_check = false;
    for (const auto& c : r.value("checks", Json::array()))
      if (c.is_string() && checks.count(c.get<std::string>())) has_check = true;
    if (!has_check && !out_of_reach) ++no_check;
    std::set<std::size_t> hits;  // sentence indices
    const Json explicit_ids = r.value("normative", Json::array());
    if (!explicit_ids.is_array()) problem(id + ": \"normative\" must be a list of sentence ids");
    else
      for (const auto& x : explicit_ids) {
        const std::string sid = x.is_string() ? x.get<std::string>() : x.dump();
        auto it = s.by_id.find(sid);
        if (it == s.by_id.end()) problem(id + ": stale id " + sid + " in \"normative\" (not in the index; re-extracted?)");
        else hits.insert(it->second);
      }
    if (explicit_ids.is_array() && !explicit_ids.empty()) ++with_ids;
    // the quote
    const auto cited = cited_sections(s, r.value("section", ""));
    std::vector<std::string> missing;
    std::size_t found_pieces = 0;
    auto cover = [&](const std::vector<std::uint32_t>& needle) {
      auto at = occurrences(s.stream, needle);
      if (at.empty()) return false;
      std::vector<std::size_t> in_cited;
      for (auto a : at) {
        const auto g = static_cast<std::size_t>(std::upper_bound(s.seg_begin.begin(), s.seg_begin.end(), a) - s.seg_begin.begin()) - 1;
        if (cited.count(s.seg_section[g])) in_cited.push_back(a);
      }
      for (auto a : in_cited.empty() ? at : in_cited) {
        const std::size_t b = a + needle.size();
        auto g = static_cast<std::size_t>(std::upper_bound(s.seg_begin.begin(), s.seg_begin.end(), a) - s.seg_begin.begin()) - 1;
        for (; g < s.seg_begin.size() && s.seg_begin[g] < b; ++g) {
          if (s.seg_sentence[g] == npos) continue;
          const std::size_t len = s.seg_end[g] - s.seg_begin[g];
          const std::size_t overlap = std::min(b, s.seg_end[g]) - std::max(a, s.seg_begin[g]);
          const bool inside = a >= s.seg_begin[g] && b <= s.seg_end[g];
          if (len && (overlap == len || 2 * overlap >= len || (inside && needle.size() >= kInsideWords)))
            hits.insert(s.seg_sentence[g]);
        }
      }
      return true;
    };
    for (const auto& piece : pieces(r.value("text", ""))) {
      const auto whole = encode(vocab, piece.text);
      if (whole.size() < kMinWords) continue;
      if (cover(whole)) {
        ++found_pieces;
        continue;
      }
      bool all = !piece.outside.empty();
      for (const auto& part : piece.outside) {
        const auto t = encode(vocab, part);
        if (t.size() < kMinWords) continue;
        if (cover(t)) ++found_pieces;
        else all = false;
      }
      if (!all) missing.push_back(piece.text);
    }
    const bool explicit_trace = explicit_ids.is_array() && !explicit_ids.empty();
    if (!explicit_trace) {
      for (const auto& m : missing)
        problem(id + ": quoted text not in the index of " + seed_file + ": \"" + m.substr(0, 120) + "\"");
      if (missing.empty() && found_pieces == 0)
        problem(id + ": text too short to trace (no piece of 3 words or more); quote the seed or name \"normative\" ids");
    }
    if (!hits.empty()) ++traced;
    for (auto h : hits) {
      Sentence& x = s.sentences[h];
      if (out_of_reach)
        assign(x, "out_of_reach", r.value("reason", r.value("note", "requirement " + id + " is marked out_of_reach")),
               "requirement " + id, 2000);
      else if (has_check)
        x.covered_by.insert(id);
    }
  }

  // ---- report ---------------------------------------------------------------------------
  out << "normative coverage (spec/normative/; covered = quoted by a requirement with an existing check)\n";
  std::size_t all_n = 0, all_cov = 0, all_oor = 0, all_plan = 0, all_none = 0;
  for (auto& s : seeds) {
    struct Row {
      std::size_t n = 0, cov = 0, oor = 0, plan = 0, none = 0;
    };
    std::map<std::string, Row> rows;
    Row tot;
    for (const auto& x : s.sentences) {
      Row& r = rows[x.section];
      ++r.n;
      ++tot.n;
      if (!x.covered_by.empty()) ++r.cov, ++tot.cov;
      else if (x.hand_status == "out_of_reach") ++r.oor, ++tot.oor;
      else if (x.hand_status == "planned") ++r.plan, ++tot.plan;
      else {
        ++r.none, ++tot.none;
        problem(s.file + " " + x.id + " (§" + x.section + (x.where.empty() ? "" : ", " + x.where) +
                ") has no status: \"" + x.text.substr(0, 100) + "\"");
      }
    }
    out << "\n" << s.file << "  " << s.title << "\n";
    out << "  section                                          sentences  covered  out-of-reach  planned  no-status\n";
    auto line = [&](const std::string& name, const Row& r) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "  %-48s %9zu  %7zu  %12zu  %7zu  %9zu\n", name.substr(0, 48).c_str(), r.n, r.cov, r.oor,
                    r.plan, r.none);
      out << buf;
    };
    for (const auto& sec : s.sections)
      if (auto it = rows.find(sec); it != rows.end()) line("\xC2\xA7" + sec, it->second);
    line("total", tot);
    out << "  " << pct(tot.cov, tot.n) << " covered, " << pct(tot.cov + tot.oor, tot.n) << " covered or out of reach, "
        << pct(tot.plan, tot.n) << " planned\n";
    all_n += tot.n, all_cov += tot.cov, all_oor += tot.oor, all_plan += tot.plan, all_none += tot.none;
    if (list_sentences)
      for (const auto& x : s.sentences) {
        out << "    " << x.id << "  ";
        if (!x.covered_by.empty()) {
          out << "covered by";
          for (const auto& c : x.covered_by) out << " " << c;
        } else if (!x.hand_status.empty()) {
          out << (x.hand_status == "planned" ? "planned" : "out of reach") << " (" << x.hand_reason << ")";
        } else {
          out << "NO STATUS";
        }
        out << "\n      \"" << x.text.substr(0, 160) << (x.text.size() > 160 ? "..." : "") << "\"\n";
      }
  }
  for (const auto& [what, hit] : hand_entries) {
    bool all_covered = true;
    for (const auto& [s, i] : hit) all_covered &= !s->sentences[i].covered_by.empty();
    if (all_covered) out << "  note: " << what << " is hand-assigned but every sentence it names is now covered\n";
  }
  out << "\nall seeds: " << all_n << " normative sentences, " << all_cov << " covered (" << pct(all_cov, all_n) << "), "
      << all_oor << " out of reach, " << all_plan << " planned, " << all_none << " without a status\n";
  out << "requirements: " << traced << " trace seed sentences (" << with_ids << " with explicit ids), " << external.size()
      << " cite sources outside the seeds";
  if (no_check) out << ", " << no_check << " without an existing check (they cover nothing)";
  out << "\n" << problems << " coverage problem(s)\n";
  return problems;
}

}  // namespace lockref::cli::coverage
