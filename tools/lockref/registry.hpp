// The lockref program's plug-in points.
//
// A domain adds ONE source file, tools/lockref/ops_<domain>.cpp (CMake globs it into an
// OBJECT library, so static registrations are always linked), and registers there, at
// namespace scope, with LOCKREF_REGISTER(...). Nothing else in tools/ needs editing.
//
//   eval operations   LOCKREF_REGISTER(EvalOp{"lock.hek_metadata", "one line for eval --list", fn});
//                     fn: Result<Json>(const Json& request). Return an Error for a bad request
//                     (the program answers {"ok":false,"error":...}); never throw, never abort.
//
//   machines          LOCKREF_REGISTER(make_machine_tool<my::Machine>("summary", {options}, profile_fn));
//                     (machine_tool.hpp) gives a lockref::StateMachine `explore`, `corpus`,
//                     `check` and the eval op "<name>.step". Its options are the ones that
//                     define the model (they build the Profile); profile_fn reads them typed:
//
//                       Result<Profile> my_profile(const Args& a, Profile p) {
//                         if (a.has("slots")) p.slots = static_cast<std::uint16_t>(a.uint("slots"));
//                         return p;
//                       }
//                       LOCKREF_REGISTER(make_machine_tool<epoch::Machine>("HEK/SEK epoch keys",
//                           {opt::number("slots", "HEK fuse slots (§4.6.4.1)", 4, 16, 4)}, my_profile));
//
//                     `--profile FILE|JSON` is added for every machine and applied before
//                     profile_fn. The program validates every value against its declaration
//                     (range, choices) before profile_fn runs: a malformed value is exit 2 with
//                     a message naming the option, so profile_fn only checks what spans options.
//
//   commands          LOCKREF_REGISTER(Command{"decode", "summary", {options}, run});
//                     run: int(const Args&), returning the exit status: 0 success, 1 a finding
//                     (divergence, violation, malformed capture), 2 unusable input or usage.
//                     `lockref decode --help` is generated from the options.
//
//   decode formats    LOCKREF_REGISTER(DecodeFormat{"ttlv", "summary", evidence_fn, print_fn});
//                     `lockref decode` weighs every format's evidence on the bytes and prints
//                     with the strongest (or the one --as names); see DecodeFormat below.
//
// Options are data (opt::flag, opt::number, opt::text, opt::choice, opt::arg, opt::args): the
// program builds each command's parser and --help from them (CLI11, in main.cpp only), rejects
// unknown options and malformed values with exit 2, and hands the command typed values (Args).
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/result.hpp"

namespace lockref::cli {

// ---- options ---------------------------------------------------------------------------

/// One command-line option or positional argument, declared as data.
struct Option {
  enum class Kind { flag, number, text, positional };
  std::string name;  // "slots" for --slots; a positional's placeholder, "FILE"
  std::string help;
  Kind kind = Kind::text;
  std::string def;                 // default value ("" = none), shown in --help
  std::uint64_t lo = 0, hi = std::numeric_limits<std::uint64_t>::max();  // number: inclusive range
  std::vector<std::string> choices;  // text: the accepted values (empty = any)
  std::string placeholder;           // --help's value name ("N", "FILE"); derived if empty
  bool many = false;                 // positional: any number of words
  bool required = false;             // positional: at least one word
  /// A domain's own check of a value ("" if fine, else why not), after the range/choices:
  /// e.g. a KMB command given by name or code. A refused value is exit 2 naming the option.
  std::function<std::string(const std::string&)> validate = {};
};

/// Checks a value against its declaration: "" if fine, else why not (without the option
/// name; the caller prefixes "--name: "). Numbers are plain decimal, 0..2^64-1.
std::string option_value_problem(const Option& o, const std::string& value);

/// A size such as 4G, 512M, 64k or 1000000 in bytes (K/M/G/T are powers of 1024; a trailing
/// B or iB is allowed); nullopt if `s` is not one or is above 2^60 bytes.
std::optional<std::uint64_t> size_bytes(const std::string& s);
/// Why `s` is not a size size_bytes() accepts ("" if it is one): an Option::validate.
std::string size_problem(const std::string& s);
/// Why `v` is not a `--shard i/n` value (1 <= i <= n) ("" if it is one): an Option::validate.
std::string shard_problem(const std::string& v);

namespace opt {
/// --NAME, no value.
Option flag(std::string name, std::string help);
/// --NAME N, an unsigned decimal integer in lo..hi.
Option number(std::string name, std::string help, std::uint64_t lo = 0,
              std::uint64_t hi = std::numeric_limits<std::uint64_t>::max(),
              std::optional<std::uint64_t> def = std::nullopt);
/// --NAME VALUE, any text (a file name, JSON, ...); placeholder as --help shows it.
Option text(std::string name, std::string help, std::string placeholder = "TEXT", std::string def = "");
/// --NAME VALUE, one of `choices`.
Option choice(std::string name, std::string help, std::vector<std::string> choices, std::string def = "");
/// A positional argument (NAME is its placeholder); args() takes any number of words.
Option arg(std::string name, std::string help, bool required = true);
Option args(std::string name, std::string help, bool required = false);
}  // namespace opt

/// The parsed command line of one command: typed values of the options it declared.
/// Reading an option the command did not declare is a programming error (std::logic_error).
class Args {
 public:
  Args() = default;
  explicit Args(std::string command) : command_(std::move(command)) {}
  /// "explore epoch", for messages.
  const std::string& command() const { return command_; }
  /// The option was given on the command line (defaults do not count).
  bool has(std::string_view name) const;
  bool flag(std::string_view name) const;
  /// A number option's value, or its default. Error (logic_error) if neither.
  std::uint64_t uint(std::string_view name) const;
  /// A text/choice option's value, or its default ("" if none).
  std::string text(std::string_view name) const;
  /// A positional's words.
  std::vector<std::string> list(std::string_view name) const;
  /// The options given, by name, in declaration order (for messages).
  std::vector<std::string> given() const;

  // Building (main.cpp, tests):
  void declare(const Option& o);
  void set(const std::string& name, std::vector<std::string> values);
  bool declares(std::string_view name) const { return specs_.count(std::string(name)) != 0; }

 private:
  const Option& spec(std::string_view name) const;
  std::string command_;
  std::vector<std::string> order_;
  std::map<std::string, Option> specs_;
  std::map<std::string, std::vector<std::string>> given_;
};

// ---- registrations ----------------------------------------------------------------------

/// One `lockref eval` operation: JSON request object in, JSON answer fields out.
/// Return an Error for bad input: the dispatcher answers {"ok":false,"error":message}.
/// On success the dispatcher prepends "ok": true to the returned object.
struct EvalOp {
  std::string name;     // "lock.hek_metadata"
  std::string summary;  // one line for `lockref eval --list`
  std::function<Result<Json>(const Json& request)> run;
};

class LineSource;  // line_source.hpp: a transcript, one line at a time

/// A machine the generic `explore`, `corpus` and `check` commands can drive. Built by
/// make_machine_tool<M> (machine_tool.hpp); a domain may replace any of the functions.
struct MachineTool {
  std::string name;  // "epoch"
  std::string summary;
  /// The options that define the model (the profile): explore, corpus and check take them.
  /// `--profile` is added by the program for every machine.
  std::vector<Option> options;
  /// Extra options of `explore NAME` (the program adds --dot, --max-states) and of
  /// `corpus NAME` (the program adds --seed, --count, --out).
  std::vector<Option> explore_options, corpus_options;
  std::function<int(const Args&)> explore;
  std::function<int(const Args&)> corpus;
  /// `difftest NAME --dut COMMAND` (difftest.hpp); empty: the machine cannot be difftested.
  std::function<int(const Args&)> difftest;
  /// Replays a transcript read line by line; exit status 0 conforming, 1 divergence, 2 unusable.
  std::function<int(LineSource&, const Args&)> check;
  std::vector<std::pair<std::string, std::string>> invariants;  // check name -> requirement id
  /// The eval op "<name>.step": {profile?, state?, event} -> {output, state}; registered
  /// together with the machine.
  std::function<Result<Json>(const Json&)> step;
  /// The eval op "<name>.candidates": {profile?, state?} -> {events}: the events the
  /// corpora, explorer and difftest try in that state (valid and invalid), for harnesses
  /// that build their own scenarios.
  std::function<Result<Json>(const Json&)> candidates = {};
};

/// A top-level subcommand (`lockref decode ...`).
struct Command {
  std::string name;
  std::string summary;
  std::vector<Option> options;
  std::function<int(const Args&)> run;
  /// More options known only once every file has registered (decode: its formats' options
  /// and the --as choices), asked for when the parser is built.
  std::function<std::vector<Option>()> late_options = {};
};

/// How much some bytes look like one format, and why (`lockref decode` in auto mode).
/// Judge structure only (magic values, reserved fields, length fields against the size);
/// do not decode fully: a capture that is recognisably a ComPacket but truncated must still
/// be called a ComPacket, so that its printer names the error and the offset.
struct Evidence {
  int score = 0;    // 0 not this format; 1..29 weak; 30..69 structure fits; 70..100 lengths agree too
  std::string why;  // "reserved bytes 0-3 zero, Length at offset 16 = 40 = size - 20"
};

/// One capture format of `lockref decode`. To add one (a KMB mailbox request, a CMS
/// package, ...), register it from your ops_<domain>.cpp:
///   LOCKREF_REGISTER(DecodeFormat{"kmb", "OCP L.O.C.K. KMB mailbox request or response (Tables ...)",
///                                 kmb_evidence, print_kmb,
///                                 {opt::text("cmd", "the mailbox command", "CMD")}});
/// print writes a readable dump, one line per field with its byte offset, and returns the
/// first problem (Error naming the byte offset) if the bytes are malformed: the command
/// prints what it could and exits 1. It must cost time and memory linear in the input
/// (bound any nesting, as tcg::max_depth does). `options` become options of `lockref
/// decode` (print reads them from Args); giving one selects the format, as --as would.
/// Option names are shared by all formats: two formats declaring "cmd" get one --cmd.
struct DecodeFormat {
  std::string name;     // --as NAME
  std::string summary;  // one line for --help and --list
  std::function<Evidence(ByteView)> evidence;
  std::function<Status(std::ostream&, ByteView, const Args&)> print;
  std::vector<Option> options = {};
};

std::map<std::string, EvalOp>& eval_ops();
std::map<std::string, MachineTool>& machines();
std::map<std::string, Command>& commands();
std::map<std::string, DecodeFormat>& decode_formats();

/// Runs one eval request (used by `lockref eval` and by the vector tests). Never throws.
Json eval_request(const Json& request);

/// JSON text for output: never throws, whatever bytes the strings hold (invalid UTF-8 is
/// replaced by U+FFFD rather than aborting in nlohmann::json::dump).
std::string dump_safe(const Json& j);

struct Registrar {
  explicit Registrar(EvalOp op) { eval_ops()[op.name] = std::move(op); }
  explicit Registrar(MachineTool m) {
    if (m.step)
      eval_ops()[m.name + ".step"] = EvalOp{m.name + ".step",
                                            "one step of the " + m.name +
                                                " machine {profile?, state? (default: initial), event} -> {output, state}",
                                            m.step};
    if (m.candidates)
      eval_ops()[m.name + ".candidates"] =
          EvalOp{m.name + ".candidates",
                 "the events the " + m.name + " machine's corpora and difftest try in a state {profile?, state?} -> {events}",
                 m.candidates};
    machines()[m.name] = std::move(m);
  }
  explicit Registrar(Command c) { commands()[c.name] = std::move(c); }
  explicit Registrar(DecodeFormat f) { decode_formats()[f.name] = std::move(f); }
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
