// A child process spoken to in lines over pipes, with a deadline on every exchange:
// `lockref difftest` drives an implementation's adapter with it. A child that does not
// answer in time is killed (its whole process group), one that exits is reported with
// its exit status or signal; lockref itself never blocks without a timeout (poll()).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "lockref/core/result.hpp"

namespace lockref::cli {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { stop(std::chrono::milliseconds(0)); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Starts `/bin/sh -c command` in its own process group, stdin and stdout piped,
  /// stderr inherited; `env` entries ("NAME=value") are added to its environment.
  Status start(const std::string& command, const std::vector<std::string>& env = {});
  bool running() const { return pid_ > 0; }

  enum class Outcome { line, timeout, closed };
  /// Writes `line` + '\n', then reads one line, each within `timeout`. On `closed` the
  /// child has gone (see exit_description()); on `timeout` it has been killed.
  Outcome exchange(const std::string& line, std::string& answer, std::chrono::milliseconds timeout);
  /// Closes its stdin, waits up to `grace` for it to exit, then kills its process group.
  void stop(std::chrono::milliseconds grace);
  /// "exited with status 3", "killed by signal 11 (Segmentation fault)", ...
  const std::string& exit_description() const { return exit_; }

 private:
  bool write_all(const std::string& s, std::chrono::steady_clock::time_point deadline);
  Outcome read_line(std::string& out, std::chrono::steady_clock::time_point deadline);
  void reap(bool block);
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  std::string buffer_, exit_;
};

}  // namespace lockref::cli
