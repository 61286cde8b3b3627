// ChildProcess (child_process.hpp): posix_spawn, pipes, poll() with deadlines.
#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace lockref::cli {

namespace LOCKREF_UNITY_ID {
int ms_left(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}
}  // namespace LOCKREF_UNITY_ID

Status ChildProcess::start(const std::string& command, const std::vector<std::string>& env) {
  stop(std::chrono::milliseconds(0));
  // Writing to an adapter that has exited must be an error we report, not a SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));
  if (::pipe(from_child) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    return make_error(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) posix_spawn_file_actions_addclose(&fa, fd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<std::string> envs;
  for (char** e = environ; e && *e; ++e) envs.emplace_back(*e);
  for (const auto& e : env) envs.push_back(e);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (rc != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    return make_error(std::string("cannot start /bin/sh: ") + std::strerror(rc));
  }
  pid_ = pid;
  in_ = to_child[1];
  out_ = from_child[0];
  ::fcntl(in_, F_SETFL, ::fcntl(in_, F_GETFL) | O_NONBLOCK);
  ::fcntl(out_, F_SETFL, ::fcntl(out_, F_GETFL) | O_NONBLOCK);
  buffer_.clear();
  exit_.clear();
  return ok_status();
}

bool ChildProcess::write_all(const std::string& s, std::chrono::steady_clock::time_point deadline) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  std::size_t done = 0;
  while (done < s.size()) {
    pollfd p{in_, POLLOUT, 0};
    const int r = ::poll(&p, 1, ms_left(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    const ssize_t n = ::write(in_, s.data() + done, s.size() - done);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

ChildProcess::Outcome ChildProcess::read_line(std::string& out, std::chrono::steady_clock::time_point deadline) {
  using namespace LOCKREF_UNITY_ID;  // this file's helpers
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      out = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!out.empty() && out.back() == '\r') out.pop_back();
      return Outcome::line;
    }
    pollfd p{out_, POLLIN, 0};
    const int r = ::poll(&p, 1, ms_left(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return Outcome::timeout;
    if (r < 0) return Outcome::closed;
    char buf[65536];
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return Outcome::closed;
    buffer_.append(buf, static_cast<std::size_t>(n));
    // A line longer than 256 MiB is not an answer: stop reading rather than grow forever.
    if (buffer_.size() > (256u << 20)) return Outcome::closed;
  }
}

ChildProcess::Outcome ChildProcess::exchange(const std::string& line, std::string& answer,
                                             std::chrono::milliseconds timeout) {
  if (!running()) return Outcome::closed;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Outcome o = Outcome::closed;
  if (!write_all(line + "\n", deadline)) {
    // Either it stopped reading (hung) or it has gone; a dead child closes its stdout too.
    pollfd p{out_, POLLIN, 0};
    o = (::poll(&p, 1, 0) == 0 && std::chrono::steady_clock::now() >= deadline) ? Outcome::timeout : Outcome::closed;
  } else {
    o = read_line(answer, deadline);
    if (o == Outcome::line) return o;
  }
  if (o == Outcome::timeout) {
    ::kill(-pid_, SIGKILL);
    reap(true);
    exit_ = "no answer within " + std::to_string(timeout.count()) + " ms (killed)";
  } else {
    // Give it a moment to finish exiting so the status can be reported.
    for (int i = 0; i < 50 && pid_ > 0; ++i) {
      reap(false);
      if (pid_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      reap(true);
      if (exit_.empty()) exit_ = "closed its output (killed)";
    }
  }
  return o;
}

void ChildProcess::reap(bool block) {
  if (pid_ <= 0) return;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == 0) return;
  if (r == pid_) {
    if (WIFEXITED(status)) exit_ = "exited with status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status) && exit_.empty())
      exit_ = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
  }
  // The shell is gone; whatever it started in its group goes too.
  ::kill(-pid_, SIGKILL);
  pid_ = -1;
  if (in_ >= 0) ::close(in_);
  if (out_ >= 0) ::close(out_);
  in_ = out_ = -1;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  if (in_ >= 0) {
    ::close(in_);
    in_ = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    reap(false);
    if (pid_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    reap(true);
  }
}

}  // namespace lockref::cli
