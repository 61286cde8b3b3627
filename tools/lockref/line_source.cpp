#include "line_source.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace lockref::cli {

std::string text_problem(std::string_view s) {
  auto at = [](std::size_t i, const char* what, unsigned char c) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "byte %zu: %s (0x%02x)", i + 1, what, c);
    return std::string(buf);
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return at(i, "NUL byte: binary data, not text", c);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (n == 0 || i + n > s.size()) return at(i, "invalid UTF-8", c);
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return at(i, "invalid UTF-8", c);
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
      return at(i, "invalid UTF-8", c);  // overlong, surrogate or beyond U+10FFFF
    i += n;
  }
  return "";
}

Result<std::unique_ptr<LineSource>> LineSource::open(const std::string& path) {
  if (path == "-") return std::make_unique<LineSource>(std::cin, "stdin");
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return make_error("cannot read " + path + ": no such file");
  if (fs::is_directory(st)) return make_error("cannot read " + path + ": it is a directory");
  auto f = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*f) return make_error("cannot read " + path + ": permission denied or not a readable file");
  auto src = std::make_unique<LineSource>(*f, path);
  if (fs::is_regular_file(st)) src->size_ = fs::file_size(path, ec);
  src->file_ = std::move(f);
  return src;
}

Result<bool> LineSource::next(std::string& line) {
  if (replay_) {
    replay_ = false;
    line = last_;
    return true;
  }
  // Read in pieces so that a line without an end is refused at max_line, not at memory's end.
  last_.clear();
  bool any = false;
  for (;;) {
    char buf[65536];
    in_->getline(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in_->gcount());
    if (got > 0) any = true;
    const bool full = in_->fail() && !in_->eof() && got == sizeof buf - 1;
    const std::size_t len = full ? got : (got > 0 && !in_->eof() ? got - 1 : got);  // drop the '\n' counted by gcount
    last_.append(buf, len);
    bytes_ += got;
    if (last_.size() > max_line)
      return make_error("line " + std::to_string(line_no_ + 1) + ": longer than " + std::to_string(max_line >> 20) +
                        " MiB; not a JSON Lines transcript");
    if (full) {
      in_->clear();
      continue;
    }
    break;
  }
  if (!any && in_->eof()) return false;
  ++line_no_;
  if (!last_.empty() && last_.back() == '\r') last_.pop_back();
  if (auto p = text_problem(last_); !p.empty()) return make_error("line " + std::to_string(line_no_) + ", " + p);
  line = last_;
  return true;
}

}  // namespace lockref::cli
