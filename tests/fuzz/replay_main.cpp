// Corpus replay of the libFuzzer targets under GCC (ctest "fuzz: replay seeds", in the
// default and asan presets): every tests/fuzz/fuzz_*.cpp is compiled into this program with
// its LLVMFuzzerTestOneInput renamed lockref_fuzz_<name> (tests/CMakeLists.txt: all of them in
// one generated translation unit, fuzz_all.cpp), so the same source is a libFuzzer target
// under clang (tests/fuzz/build.sh) and a replayed one here.
//
//   lockref-fuzz-replay --list
//   lockref-fuzz-replay TARGET FILE|DIR...
//
// Each input is run as is, then every prefix shorter by 1..8 bytes and its first half
// (truncations reach the decoders' length checks), then with each of 16 evenly spaced bytes
// flipped (0xff xor), deterministically. A failed check aborts (the target's std::abort, or
// an ASan/UBSan report in the asan preset); exit 0 otherwise, 2 on usage.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_targets.hpp"  // generated: kTargets {name, function}

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc == 2 && std::string(argv[1]) == "--list") {
    for (const auto& t : kTargets) std::cout << t.name << "\n";
    return 0;
  }
  if (argc < 3) {
    std::cerr << "usage: lockref-fuzz-replay --list | TARGET FILE|DIR...\n";
    return 2;
  }
  const auto* t = std::find_if(std::begin(kTargets), std::end(kTargets), [&](const auto& x) { return x.name == std::string(argv[1]); });
  if (t == std::end(kTargets)) {
    std::cerr << "lockref-fuzz-replay: unknown target " << argv[1] << " (--list)\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    std::error_code ec;
    if (fs::is_directory(argv[i], ec)) {
      for (const auto& e : fs::directory_iterator(argv[i])) if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(argv[i], ec)) {
      files.emplace_back(argv[i]);
    } else {
      std::cerr << "lockref-fuzz-replay: " << argv[i] << ": no such file or directory\n";
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::size_t runs = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto one = [&](const std::vector<std::uint8_t>& v) {
      // A copy of exactly v.size() bytes: ASan sees a read past the end.
      std::vector<std::uint8_t> exact(v);
      t->run(exact.data(), exact.size());
      ++runs;
    };
    one(b);
    for (std::size_t cut = 1; cut <= 8 && cut <= b.size(); ++cut) one({b.begin(), b.end() - static_cast<std::ptrdiff_t>(cut)});
    one({b.begin(), b.begin() + static_cast<std::ptrdiff_t>(b.size() / 2)});
    for (std::size_t k = 0; k < 16 && !b.empty(); ++k) {
      auto m = b;
      m[k * b.size() / 16] ^= 0xff;
      one(m);
    }
  }
  std::cout << t->name << ": " << files.size() << " inputs, " << runs << " runs, no failure\n";
  return 0;
}
