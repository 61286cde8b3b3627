#include "progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace lockref::cli {

Progress::Progress(std::string what, std::uint64_t total)
    : what_(std::move(what)), total_(total), enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), next_(start_ + std::chrono::milliseconds(300)) {}

void Progress::draw(std::uint64_t count, const std::string& detail) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char pct[32] = "";
  if (total_) std::snprintf(pct, sizeof pct, "/%llu (%.0f%%)", static_cast<unsigned long long>(total_),
                            100.0 * static_cast<double>(count) / static_cast<double>(total_));
  std::fprintf(stderr, "\r\033[K%s: %llu%s %s  %.0f s", what_.c_str(), static_cast<unsigned long long>(count), pct,
               detail.c_str(), s);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::done() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace lockref::cli
