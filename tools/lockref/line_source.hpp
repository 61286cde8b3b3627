// A text input read one line at a time (transcripts for `lockref check`), so that memory
// stays flat in the length of the input. It refuses, with the line and column, what is not
// line-oriented text: NUL bytes (a binary file), invalid UTF-8, a line longer than
// max_line bytes; it refuses a directory or an unreadable path when opened.
#pragma once
#include <cstdint>
#include <fstream>
#include <iosfwd>
#include <memory>
#include <string>

#include "lockref/core/result.hpp"

namespace lockref::cli {

class LineSource {
 public:
  static constexpr std::size_t max_line = std::size_t{64} << 20;  // 64 MiB

  /// "-" reads standard input.
  static Result<std::unique_ptr<LineSource>> open(const std::string& path);
  /// Reads from a stream the caller keeps alive (tests).
  LineSource(std::istream& in, std::string name) : in_(&in), name_(std::move(name)) {}

  /// The next line without its end-of-line; false at the end of the input. An error names
  /// the line ("line 3, byte 17: invalid UTF-8 (0xff)").
  Result<bool> next(std::string& line);
  /// The next call of next() returns the last line again (once).
  void unread() { replay_ = true; }
  /// 1-based number of the line last returned.
  std::size_t line_number() const { return line_no_; }
  /// What the messages call the input ("c.jsonl", "stdin").
  const std::string& name() const { return name_; }
  std::uint64_t bytes_read() const { return bytes_; }
  /// Size in bytes when known (a regular file), else 0 (for progress).
  std::uint64_t size() const { return size_; }

 private:
  std::unique_ptr<std::ifstream> file_;
  std::istream* in_ = nullptr;
  std::string name_;
  std::string last_;
  bool replay_ = false;
  std::size_t line_no_ = 0;
  std::uint64_t bytes_ = 0, size_ = 0;
};

/// "" if `s` is valid UTF-8 without NUL bytes, else the problem and its byte offset.
std::string text_problem(std::string_view s);

}  // namespace lockref::cli
