// The one clang libFuzzer binary of every decoder (tests/fuzz/build.sh), one translation
// unit: this file includes the generated fuzz_all.cpp (tests/CMakeLists.txt: every
// tests/fuzz/fuzz_*.cpp with its LLVMFuzzerTestOneInput renamed lockref_fuzz_<name>, the same
// file the GCC lockref-fuzz-replay compiles), so the decoders' shared headers are compiled and
// instrumented once rather than once per target. The target is chosen at start-up:
//
//   LOCKREF_FUZZ_TARGET=kmb lockref-libfuzzer [libFuzzer flags] CORPUS_DIR...
//   lockref-libfuzzer --list        (LOCKREF_FUZZ_TARGET unset or "list": the names)
//
// An unknown or missing name stops the program (exit 2) with the list of names.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_all.cpp"      // generated: the targets, renamed
#include "fuzz_targets.hpp"  // generated: kTargets {name, function}

namespace {
int (*chosen)(const std::uint8_t*, std::size_t) = nullptr;

[[noreturn]] void list_and_exit(const char* why, int code) {
  if (why) std::fprintf(stderr, "lockref-libfuzzer: %s; set LOCKREF_FUZZ_TARGET to one of:\n", why);
  for (const auto& t : kTargets) std::fprintf(why ? stderr : stdout, "%s\n", t.name);
  std::exit(code);
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i)
    if (std::strcmp((*argv)[i], "--list") == 0) list_and_exit(nullptr, 0);
  const char* name = std::getenv("LOCKREF_FUZZ_TARGET");
  if (!name || !*name) list_and_exit("LOCKREF_FUZZ_TARGET is not set", 2);
  if (std::strcmp(name, "list") == 0) list_and_exit(nullptr, 0);
  for (const auto& t : kTargets)
    if (std::strcmp(t.name, name) == 0) chosen = t.run;
  if (!chosen) {
    std::fprintf(stderr, "lockref-libfuzzer: unknown target \"%s\"\n", name);
    list_and_exit("no such target", 2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return chosen(data, size);
}
