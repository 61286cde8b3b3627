// `lockref decode`: pretty-prints a captured payload in any registered format
// (DecodeFormat in registry.hpp; ops_tcg.cpp, ops_level0.cpp, ops_kmip.cpp register theirs).
//
// Input: hex text (any spacing, 0x prefixes, commas, '#' comments), a binary file, or a
// dump as `xxd`, `hexdump -C` or a listing with an offset column (the seeds' "0000 42 00
// 78 ..."): the dump's offsets are checked against the bytes read, its ASCII column is
// ignored; JSON Lines text (a capture of several payloads) is passed to the formats as it is.
// Format: --as NAME, or the format whose structural evidence is strongest; the
// choice and its reasons are printed. Exit: 0 decoded, 1 a malformed capture (the first
// error with its byte offset) or bytes no format recognises, 2 unusable input.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "line_source.hpp"
#include "registry.hpp"

namespace lockref::cli {
namespace LOCKREF_UNITY_ID {

struct Capture {
  Bytes bytes;
  std::string how;  // "hex text", "xxd dump", ...
};

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> w;
  std::string cur;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\f' || c == '\v') {
      if (!cur.empty()) w.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) w.push_back(std::move(cur));
  return w;
}

bool all_hex(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_hex); }

std::uint64_t hex_value(std::string_view s) {
  std::uint64_t v = 0;
  for (char c : s.substr(0, 16)) v = v * 16 + static_cast<std::uint64_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
  return v;
}

/// A word as a message shows it: printable ASCII, at most 20 characters.
std::string shown(const std::string& w) {
  std::string o;
  for (char c : w.substr(0, 20)) o += (c >= 0x20 && c < 0x7F) ? c : '?';
  return "\"" + o + (w.size() > 20 ? "..." : "") + "\"";
}

/// Appends the bytes of a hex word ("42", "4200", "0x42", "42:00"); error if not hex.
Status add_hex_word(Bytes& out, std::string w, const std::string& where) {
  if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) w = w.substr(2);
  std::string digits;
  for (char c : w)
    if (c != ':' && c != '_' && c != '-') digits += c;
  if (!all_hex(digits)) return make_error(where + ": " + shown(w) + " is not hex");
  if (digits.size() % 2) return make_error(where + ": " + shown(w) + " has an odd number of hex digits");
  for (std::size_t i = 0; i < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(hex_value(digits.substr(i, 2))));
  return ok_status();
}

enum class DumpKind { plain, xxd, hexdump_c, offsets };

/// What kind of text the first non-blank line is.
DumpKind dump_kind(const std::vector<std::string>& lines) {
  for (const auto& l : lines) {
    auto w = words_of(l);
    if (w.empty()) continue;
    const auto& first = w[0];
    if (first.size() >= 2 && first.back() == ':' && all_hex(first.substr(0, first.size() - 1))) return DumpKind::xxd;
    if (first.size() == 8 && all_hex(first) && l.find('|') != std::string::npos) return DumpKind::hexdump_c;
    if (w.size() >= 2 && all_hex(first) && first.size() >= 4 && w[1].size() == 2 && all_hex(w[1])) return DumpKind::offsets;
    if (w.size() >= 2 && first.size() > 2 && first.rfind("0x", 0) == 0 && first.back() == ':') return DumpKind::offsets;
    return DumpKind::plain;
  }
  return DumpKind::plain;
}

/// Parses dump text; every line of a dump must keep its format, and each offset must be
/// the number of bytes read before it.
Result<Capture> parse_text(const std::string& text) {
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
      if (auto h = l.find('#'); h != std::string::npos) l.resize(h);
      lines.push_back(l);
    }
  }
  const DumpKind kind = dump_kind(lines);
  Capture c;
  c.how = kind == DumpKind::xxd ? "xxd dump" : kind == DumpKind::hexdump_c ? "hexdump -C dump"
          : kind == DumpKind::offsets ? "hex dump with an offset column" : "hex text";
  std::optional<std::uint64_t> start;
  Bytes last_row;       // hexdump -C: the row a "*" repeats
  bool repeat = false;  // hexdump -C: a "*" is pending
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = "line " + std::to_string(i + 1);
    std::string l = lines[i];
    auto w = words_of(l);
    if (w.empty()) continue;
    if (kind == DumpKind::plain) {
      for (std::size_t k = 0; k < w.size(); ++k)
        if (auto s = add_hex_word(c.bytes, w[k], where + ", word " + std::to_string(k + 1)); !s) return s.error();
      continue;
    }
    if (kind == DumpKind::hexdump_c && w.size() == 1 && w[0] == "*") {
      repeat = true;
      continue;
    }
    // The offset column.
    std::string off = w[0];
    if (off.size() > 2 && off.rfind("0x", 0) == 0) off = off.substr(2);
    if (!off.empty() && off.back() == ':') off.pop_back();
    if (!all_hex(off) || off.size() > 16)
      return make_error(where + ": " + shown(w[0]) + " is not an offset (the " + c.how + " starts every line with one)");
    const std::uint64_t at = hex_value(off);
    if (!start) start = at;
    if (repeat) {  // hexdump -C: "*" stands for copies of the previous row up to this offset
      if (last_row.empty()) return make_error(where + ": \"*\" with no row before it");
      while (*start + c.bytes.size() < at) {
        if (c.bytes.size() > (std::size_t{256} << 20)) return make_error(where + ": \"*\" expands past 256 MiB");
        c.bytes.insert(c.bytes.end(), last_row.begin(), last_row.end());
      }
      repeat = false;
    }
    if (at != *start + c.bytes.size()) {
      char buf[128];
      std::snprintf(buf, sizeof buf, ": offset 0x%llx, but 0x%llx bytes came before it (a damaged or reordered dump)",
                    static_cast<unsigned long long>(at), static_cast<unsigned long long>(c.bytes.size()));
      return make_error(where + buf);
    }
    // The hex area: xxd ends it with two spaces before the ASCII column, hexdump -C with '|'.
    std::string area = l.substr(l.find(w[0]) + w[0].size());
    if (kind == DumpKind::xxd) {
      const std::size_t s = area.find_first_not_of(' ');
      const std::size_t two = s == std::string::npos ? std::string::npos : area.find("  ", s);
      area = two == std::string::npos ? area : area.substr(0, two);
    } else if (kind == DumpKind::hexdump_c) {
      area = area.substr(0, area.find('|'));
    }
    const std::size_t before = c.bytes.size();
    auto hw = words_of(area);
    for (std::size_t k = 0; k < hw.size(); ++k)
      if (auto s = add_hex_word(c.bytes, hw[k], where + ", word " + std::to_string(k + 2)); !s) return s.error();
    last_row.assign(c.bytes.begin() + static_cast<std::ptrdiff_t>(before), c.bytes.end());
  }
  if (repeat) return make_error("the dump ends with \"*\" but no final offset");
  return c;
}

/// Text is what has no NUL and no bytes outside printable ASCII and white space.
bool looks_binary(const std::string& raw) {
  return std::any_of(raw.begin(), raw.end(), [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return u == 0 || u >= 0x80 || (u < 0x20 && u != '\n' && u != '\r' && u != '\t' && u != '\f' && u != '\v');
  });
}

Result<Capture> read_capture(const Args& a) {
  std::string raw;
  if (a.has("file")) {
    const std::string path = a.text("file");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return make_error("cannot read " + path + ": no such file");
    if (std::filesystem::is_directory(path, ec)) return make_error("cannot read " + path + ": it is a directory");
    std::ifstream f(path, std::ios::binary);
    if (!f) return make_error("cannot read " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    raw = ss.str();
  } else if (!a.list("HEX").empty()) {
    for (const auto& p : a.list("HEX")) raw += p + " ";
  } else {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    raw = ss.str();
  }
  if (a.flag("binary") && !a.list("HEX").empty()) return make_error("--binary reads --file or standard input, not arguments");
  if (a.flag("binary") || (a.list("HEX").empty() && looks_binary(raw)))
    return Capture{Bytes(raw.begin(), raw.end()), a.flag("binary") ? "binary (--binary)" : "binary (not text)"};
  if (auto p = text_problem(raw); !p.empty()) return make_error("the hex text is not valid text (" + p + ")");
  // JSON Lines (a capture of several payloads, e.g. ops_kpio.cpp's kpio-capture) is passed
  // through as text: its format reads it.
  if (const auto at = raw.find_first_not_of(" \t\r\n"); at != std::string::npos && raw[at] == '{')
    return Capture{Bytes(raw.begin(), raw.end()), "JSON Lines text"};
  return parse_text(raw);
}

/// --as mailbox names the KMB mailbox format (issue 14 lists --as level0|compacket|ttlv|tokens|mailbox).
std::string format_name(const std::string& as) { return as == "mailbox" ? "kmb" : as; }

/// The format a format's own option selects ("" if none); an error if two formats are.
Result<std::pair<std::string, std::string>> chosen_by_option(const Args& a) {
  std::pair<std::string, std::string> got;
  for (const auto& [n, f] : decode_formats())
    for (const auto& o : f.options)
      if (a.has(o.name) && got.first != n) {
        if (!got.first.empty())
          return make_error("--" + got.second + " (" + got.first + ") and --" + o.name + " (" + n + ") select two formats");
        got = {n, o.name};
      }
  if (!got.first.empty() && a.text("as") != "auto" && format_name(a.text("as")) != got.first)
    return make_error("--as " + a.text("as") + " and --" + got.second + " (a " + got.first + " option) disagree");
  return got;
}

int cmd_decode(const Args& a) {
  auto by_option = chosen_by_option(a);
  if (!by_option) {
    std::cerr << "lockref decode: " << by_option.error().message << "\n";
    return 2;
  }
  const std::string chosen = by_option->first, chosen_by = by_option->second;
  if (a.flag("list")) {
    for (const auto& [n, f] : decode_formats()) std::cout << n << std::string(n.size() < 12 ? 12 - n.size() : 1, ' ') << f.summary << "\n";
    return 0;
  }
  if (a.has("file") && !a.list("HEX").empty()) {
    std::cerr << "lockref decode: give the capture as HEX arguments or --file, not both\n";
    return 2;
  }
  auto c = read_capture(a);
  if (!c) {
    std::cerr << "lockref decode: " << c.error().message << "\n";
    return 2;
  }
  if (c->bytes.empty()) {
    std::cerr << "lockref decode: no bytes to decode (" << c->how << " input is empty)\n";
    return 2;
  }
  const ByteView b(c->bytes);
  std::string as = format_name(a.text("as"));
  std::cout << "input:  " << c->how << ", " << b.size() << " byte(s)\n";
  if (!chosen.empty()) {
    as = chosen;
    std::cout << "format: " << as << " (--" << chosen_by << ")\n";
  } else if (as == "auto") {
    std::vector<std::pair<Evidence, std::string>> ranked;
    for (const auto& [n, f] : decode_formats()) ranked.emplace_back(f.evidence(b), n);
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.first.score > y.first.score; });
    if (ranked.empty() || ranked.front().first.score <= 0) {
      std::cout << "error: no format recognises these bytes:\n";
      for (const auto& [e, n] : ranked) std::cout << "  " << n << ": " << (e.why.empty() ? "no evidence" : e.why) << "\n";
      return 1;
    }
    as = ranked.front().second;
    std::cout << "format: " << as << " (" << ranked.front().first.why << ")";
    std::string others;
    for (std::size_t i = 1; i < ranked.size(); ++i)
      if (ranked[i].first.score > 0) others += (others.empty() ? "" : ", ") + ranked[i].second + " " + std::to_string(ranked[i].first.score);
    std::cout << "; evidence " << ranked.front().first.score << (others.empty() ? "" : " against " + others)
              << "; --as forces a format\n";
  } else {
    std::cout << "format: " << as << " (--as" << (a.text("as") != as ? " " + a.text("as") : std::string()) << ")\n";
  }
  const auto& f = decode_formats().at(as);
  std::ostringstream os;
  const Status st = f.print(os, b, a);
  std::cout << os.str();
  if (!st) {
    std::cout << "error: " << st.error().message << "\n";
    return 1;
  }
  return 0;
}

/// --as and every format's own options: asked for when the parser is built, after every
/// file has registered its formats.
std::vector<Option> format_options() {
  std::vector<std::string> names{"auto"};
  std::vector<Option> out;
  for (const auto& [n, f] : decode_formats()) {
    names.push_back(n);
    for (const auto& o : f.options) {
      auto same = std::find_if(out.begin(), out.end(), [&](const Option& x) { return x.name == o.name; });
      if (same == out.end()) out.push_back(o);
      else same->help += "; " + n + ": " + o.help;
    }
  }
  if (decode_formats().count("kmb")) names.push_back("mailbox");
  out.insert(out.begin(), opt::choice("as", "the format (auto: the strongest structural evidence; --list describes them)", names, "auto"));
  return out;
}

LOCKREF_REGISTER(Command{
    "decode", "pretty-print a captured payload (ComPacket, Level 0, TTLV, tokens, ...)",
    {opt::args("HEX", "the capture as hex text or a dump (default: --file, else standard input)"),
     opt::text("file", "read the capture from FILE: binary, hex text, xxd, hexdump -C or an offset-column dump", "FILE"),
     opt::flag("binary", "the file or standard input is raw bytes, even if it looks like text"),
     opt::flag("list", "list the formats")},
    cmd_decode, format_options});

}  // namespace LOCKREF_UNITY_ID
}  // namespace lockref::cli
