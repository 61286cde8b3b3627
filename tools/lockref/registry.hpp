// The lockref program's plug-in points. Each domain adds one source file under
// tools/lockref/ (e.g. ops_crypto.cpp) that registers its eval ops, commands and
// machines with the LOCKREF_* macros below; nothing else needs editing (CMake globs
// tools/lockref/*.cpp into an OBJECT library, so static registrations are kept).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lockref/core/json.hpp"
#include "lockref/core/result.hpp"

namespace lockref::cli {

/// One `lockref eval` operation: JSON request object in, JSON answer fields out.
/// Return an Error for bad input: the dispatcher answers {"ok":false,"error":message}.
/// On success the dispatcher prepends "ok": true to the returned object.
struct EvalOp {
  std::string name;     // "lock.hek_metadata"
  std::string summary;  // one line for `lockref eval --list`
  std::function<Result<Json>(const Json& request)> run;
};

/// Parsed command line: positional words and --key value / --flag options.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--slots 4" -> {"slots","4"}; "--quiet" -> {"quiet",""}
  bool has(const std::string& k) const { return options.count(k) != 0; }
  std::string get(const std::string& k, const std::string& def = "") const {
    auto it = options.find(k);
    return it == options.end() ? def : it->second;
  }
  Result<std::uint64_t> get_uint(const std::string& k, std::uint64_t def) const;
};

/// A machine the generic `explore`, `corpus` and `check` commands can drive.
struct MachineTool {
  std::string name;     // "epoch"
  std::string summary;
  std::string options_help;  // machine-specific options, e.g. "--slots N   HEK slots (4..16, default 4)"
  std::function<int(const Args&)> explore;
  std::function<int(const Args&)> corpus;
  /// lines of a transcript; returns exit status 0 conforming, 1 divergence, 2 unusable
  std::function<int(const std::vector<std::string>& lines, const std::string& source, const Args&)> check;
  std::vector<std::pair<std::string, std::string>> invariants;  // check name -> requirement id
  /// The eval op "<name>.step": {profile?, state?, event} -> {output, state}; registered
  /// together with the machine.
  std::function<Result<Json>(const Json&)> step;
};

/// A top-level subcommand (`lockref decode ...`).
struct Command {
  std::string name;
  std::string summary;
  std::string usage;
  std::function<int(const Args&)> run;
};

std::map<std::string, EvalOp>& eval_ops();
std::map<std::string, MachineTool>& machines();
std::map<std::string, Command>& commands();

/// Runs one eval request (used by `lockref eval` and by the vector tests).
Json eval_request(const Json& request);

struct Registrar {
  explicit Registrar(EvalOp op) { eval_ops()[op.name] = std::move(op); }
  explicit Registrar(MachineTool m) {
    if (m.step)
      eval_ops()[m.name + ".step"] = EvalOp{m.name + ".step",
                                            "one step of the " + m.name +
                                                " machine {profile?, state? (default: initial), event} -> {output, state}",
                                            m.step};
    machines()[m.name] = std::move(m);
  }
  explicit Registrar(Command c) { commands()[c.name] = std::move(c); }
};

/// Where spec/ and vectors/ are: $LOCKREF_ROOT, else the source tree this was built
/// from, else the installed data directory.
std::string data_root();

}  // namespace lockref::cli

#define LOCKREF_CONCAT2(a, b) a##b
#define LOCKREF_CONCAT(a, b) LOCKREF_CONCAT2(a, b)
/// LOCKREF_REGISTER(lockref::cli::EvalOp{...}); at namespace scope in a tools/lockref/*.cpp
#define LOCKREF_REGISTER(...) \
  [[maybe_unused]] static const ::lockref::cli::Registrar LOCKREF_CONCAT(lockref_registrar_, __LINE__) { __VA_ARGS__ }
