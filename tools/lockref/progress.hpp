// A one-line progress display on standard error for long work (corpus, check, explore,
// vectors). It draws only when standard error is a terminal, at most ten times a second,
// and erases itself when done, so output that is redirected or piped gets nothing extra.
// (Debian packages no C++ progress-bar library; this is the whole of what lockref needs.)
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace lockref::cli {

class Progress {
 public:
  /// `what` starts the line ("corpus epoch"); `total` 0 means unknown (no percentage).
  explicit Progress(std::string what, std::uint64_t total = 0);
  ~Progress() { done(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Cheap when nothing is drawn; `detail` follows the count ("states", "lines").
  void update(std::uint64_t count, const std::string& detail = "") {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + std::chrono::milliseconds(100);
    draw(count, detail);
  }
  /// Erases the line (also done by the destructor).
  void done();
  bool enabled() const { return enabled_; }

 private:
  void draw(std::uint64_t count, const std::string& detail);
  std::string what_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, next_;
};

}  // namespace lockref::cli
