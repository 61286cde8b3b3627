// lockref core: a small deterministic PRNG (SplitMix64) for corpus generation and
// exploration order. Value semantics: the generator is state the caller owns, so every
// corpus is reproducible from its seed. Not for key material (see crypto/ for DRBGs).
#pragma once
#include <cstdint>

namespace lockref {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n), n > 0 (rejection sampling, no modulo bias).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t x;
    do x = next(); while (x >= limit);
    return x % n;
  }
};

}  // namespace lockref
