// lockref crypto: ML-KEM (FIPS 203, August 2024), parameter set ML-KEM-1024 — the KEM of
// OCP L.O.C.K. 0.9 Table 3 (HPKE kem_id 0x0042) and the PQ half of the hybrid 0x0a25.
//
// A specification-shaped implementation: every function is one FIPS 203 algorithm, with
// its number, in the order of the standard, on plain integers mod q. It is written to
// be checked against the text, not to be fast or side-channel hardened (the model is a
// reference, not a device); it is still exact, total and allocation-light.
//
//   §4.2.1  Alg 3/4 BitsToBytes/BytesToBits, Alg 5/6 ByteEncode_d/ByteDecode_d, Compress/Decompress
//   §4.2.2  Alg 7 SampleNTT, Alg 8 SamplePolyCBD_eta
//   §4.3    Alg 9 NTT, Alg 10 NTT^-1, Alg 11 MultiplyNTTs, Alg 12 BaseCaseMultiply
//   §5      Alg 13 K-PKE.KeyGen, Alg 14 K-PKE.Encrypt, Alg 15 K-PKE.Decrypt
//   §6      Alg 16 ML-KEM.KeyGen_internal, Alg 17 Encaps_internal, Alg 18 Decaps_internal
//   §7      Alg 19/20/21 ML-KEM.KeyGen/Encaps/Decaps with the §7.2 / §7.3 input checks
//
// Randomness is always an explicit input (d, z for KeyGen; m for Encaps): the model
// has no hidden randomness (ARCHITECTURE.md).
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/keccak.hpp"

namespace lockref::crypto::mlkem {

// ---- §2.4 / §8 parameters -------------------------------------------------------------

inline constexpr std::uint32_t n = 256;
inline constexpr std::uint32_t q = 3329;

/// FIPS 203 §8 Table 2. Only ML-KEM-1024 is used by L.O.C.K.; the algorithms are written
/// for any parameter set so that the text maps one-to-one.
struct Params {
  std::size_t k;
  std::size_t eta1, eta2;
  std::size_t du, dv;
  constexpr std::size_t ek_size() const { return 384 * k + 32; }       // §8 Table 3
  constexpr std::size_t dk_size() const { return 768 * k + 96; }
  constexpr std::size_t ct_size() const { return 32 * (du * k + dv); }
};
inline constexpr Params ml_kem_1024{4, 2, 2, 11, 5};

inline constexpr std::size_t shared_secret_size = 32;  // §8 Table 3
inline constexpr std::size_t seed_size = 32;           // d, z, m

/// A polynomial in R_q (or T_q), coefficients in [0, q).
using Poly = std::array<std::uint16_t, n>;

namespace detail {

constexpr std::uint16_t mod_q(std::int64_t x) {
  std::int64_t r = x % static_cast<std::int64_t>(q);
  return static_cast<std::uint16_t>(r < 0 ? r + q : r);
}
constexpr std::uint16_t add(std::uint16_t a, std::uint16_t b) { return mod_q(std::int64_t{a} + b); }
constexpr std::uint16_t sub(std::uint16_t a, std::uint16_t b) { return mod_q(std::int64_t{a} - b); }
constexpr std::uint16_t mul(std::uint32_t a, std::uint32_t b) { return static_cast<std::uint16_t>((a * b) % q); }

constexpr std::uint32_t bitrev7(std::uint32_t r) {
  std::uint32_t out = 0;
  for (int i = 0; i < 7; ++i) out |= ((r >> i) & 1u) << (6 - i);
  return out;
}
constexpr std::uint16_t pow_mod(std::uint32_t base, std::uint32_t e) {
  std::uint32_t r = 1;
  for (std::uint32_t i = 0; i < e; ++i) r = (r * base) % q;
  return static_cast<std::uint16_t>(r);
}
/// §4.3: zeta = 17 is a primitive 256th root of unity mod q. zetas[i] = 17^BitRev7(i) (Alg 9/10),
/// gammas[i] = 17^(2·BitRev7(i)+1) (Alg 11, the values of Appendix A).
constexpr std::array<std::uint16_t, 128> make_zetas() {
  std::array<std::uint16_t, 128> z{};
  for (std::uint32_t i = 0; i < 128; ++i) z[i] = pow_mod(17, bitrev7(i));
  return z;
}
constexpr std::array<std::uint16_t, 128> make_gammas() {
  std::array<std::uint16_t, 128> g{};
  for (std::uint32_t i = 0; i < 128; ++i) g[i] = pow_mod(17, 2 * bitrev7(i) + 1);
  return g;
}
inline constexpr auto zetas = make_zetas();
inline constexpr auto gammas = make_gammas();
static_assert(zetas[1] == 1729, "FIPS 203 Appendix A: 17^BitRev7(1) = 17^64 = 1729");
static_assert(gammas[0] == 17, "FIPS 203 Appendix A: 17^(2·BitRev7(0)+1) = 17");

}  // namespace detail

// ---- §4.1 the hash and XOF functions ----------------------------------------------------

/// (4.3) H(s) = SHA3-256(s)
inline Bytes H(ByteView s) { return sha3_256({s}); }
/// (4.4) J(s) = SHAKE256(s, 8·32)
inline Bytes J(ByteView s) { return shake256({s}, 32); }
/// (4.5) G(c) = SHA3-512(c), split into two 32-byte outputs
inline std::pair<Bytes, Bytes> G(ByteView c) {
  Bytes g = sha3_512({c});
  return {Bytes(g.begin(), g.begin() + 32), Bytes(g.begin() + 32, g.end())};
}
/// (4.2) PRF_eta(s, b) = SHAKE256(s || b, 8·64·eta)
inline Bytes PRF(std::size_t eta, ByteView s, std::uint8_t b) {
  const std::uint8_t bb[1] = {b};
  return shake256({s, ByteView(bb, 1)}, 64 * eta);
}

// ---- §4.2.1 conversion and compression -------------------------------------------------

/// (4.7) Compress_d(x) = round((2^d / q)·x) mod 2^d, for x in Z_q; round half up.
/// Computed exactly as floor((2^(d+1)·x + q) / (2q)).
constexpr std::uint16_t compress(std::uint16_t x, std::size_t d) {
  const std::uint64_t num = (std::uint64_t{x} << (d + 1)) + q;
  return static_cast<std::uint16_t>((num / (2 * q)) & ((1u << d) - 1));
}
/// (4.8) Decompress_d(y) = round((q / 2^d)·y) = floor((q·y + 2^(d-1)) / 2^d).
constexpr std::uint16_t decompress(std::uint16_t y, std::size_t d) {
  return static_cast<std::uint16_t>((std::uint32_t{q} * y + (1u << (d - 1))) >> d);
}

/// Algorithm 5 ByteEncode_d(F): 256 d-bit integers -> 32·d bytes, little-endian bit order
/// (Alg 3 BitsToBytes folded in).
inline void byte_encode(const Poly& f, std::size_t d, Bytes& out) {
  // Encoded into a fixed buffer (d <= 12: at most 384 bytes), then appended in one insert:
  // growing `out` with resize() and indexing it made GCC 12 at -O3 report a false
  // -Warray-bounds on an empty vector (GCC PR 107852).
  std::array<std::uint8_t, 32 * 12> buf{};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t a = f[i];
    for (std::size_t j = 0; j < d; ++j) {
      const std::size_t bit = i * d + j;  // b[i·d + j] = a mod 2; a = (a - b)/2
      buf[bit / 8] = static_cast<std::uint8_t>(buf[bit / 8] | ((a & 1u) << (bit % 8)));
      a >>= 1;
    }
  }
  out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(32 * d));
}
/// Algorithm 6 ByteDecode_d(B): 32·d bytes -> 256 integers mod m, m = 2^d for d < 12,
/// m = q for d = 12 (the reduction mod q is what the §7.2 modulus check detects).
inline Poly byte_decode(ByteView b, std::size_t d) {
  Poly f{};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const std::size_t bit = i * d + j;
      v |= static_cast<std::uint32_t>((b[bit / 8] >> (bit % 8)) & 1u) << j;
    }
    f[i] = d == 12 ? static_cast<std::uint16_t>(v % q) : static_cast<std::uint16_t>(v);
  }
  return f;
}

// ---- §4.2.2 sampling ---------------------------------------------------------------------

/// Algorithm 7 SampleNTT(B), B = rho || j || i (34 bytes): rejection sampling of a
/// uniform element of T_q from the SHAKE128 stream. The XOF is squeezed 168 bytes (one
/// SHAKE128 block) at a time; a longer squeeze of the same input extends a shorter one.
/// It starts with 4 blocks (672 bytes, 448 candidates for 256 coefficients: short of them
/// with probability below 2^-105) and doubles the squeeze when they run out; a test starts
/// it at one block to take that path, which no findable rho takes.
inline Poly sample_ntt(ByteView rho, std::uint8_t j, std::uint8_t i, std::size_t initial_blocks = 4) {
  const std::uint8_t ji[2] = {j, i};
  Poly a{};
  std::size_t have = 0;
  std::size_t blocks = initial_blocks;
  std::size_t pos = 0;
  Bytes stream = shake128({rho, ByteView(ji, 2)}, 168 * blocks);
  while (have < n) {
    if (pos + 3 > stream.size()) {
      blocks *= 2;
      stream = shake128({rho, ByteView(ji, 2)}, 168 * blocks);
    }
    const std::uint32_t c0 = stream[pos], c1 = stream[pos + 1], c2 = stream[pos + 2];
    pos += 3;
    const std::uint32_t d1 = c0 + 256 * (c1 % 16);
    const std::uint32_t d2 = (c1 / 16) + 16 * c2;
    if (d1 < q) a[have++] = static_cast<std::uint16_t>(d1);
    if (d2 < q && have < n) a[have++] = static_cast<std::uint16_t>(d2);
  }
  return a;
}

/// Algorithm 8 SamplePolyCBD_eta(B), B of 64·eta bytes: centered binomial distribution.
inline Poly sample_poly_cbd(ByteView b, std::size_t eta) {
  auto bit = [&](std::size_t k) -> std::uint32_t { return (b[k / 8] >> (k % 8)) & 1u; };
  Poly f{};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t x = 0, y = 0;
    for (std::size_t j = 0; j < eta; ++j) x += bit(2 * i * eta + j);
    for (std::size_t j = 0; j < eta; ++j) y += bit(2 * i * eta + eta + j);
    f[i] = detail::mod_q(std::int64_t{x} - std::int64_t{y});
  }
  return f;
}

// ---- §4.3 the number-theoretic transform -------------------------------------------------

/// Algorithm 9 NTT(f)
inline Poly ntt(Poly f) {
  std::size_t i = 1;
  for (std::size_t len = 128; len >= 2; len /= 2) {
    for (std::size_t start = 0; start < n; start += 2 * len) {
      const std::uint16_t zeta = detail::zetas[i++];
      for (std::size_t j = start; j < start + len; ++j) {
        const std::uint16_t t = detail::mul(zeta, f[j + len]);
        f[j + len] = detail::sub(f[j], t);
        f[j] = detail::add(f[j], t);
      }
    }
  }
  return f;
}

/// Algorithm 10 NTT^-1(f_hat)
inline Poly ntt_inverse(Poly f) {
  std::size_t i = 127;
  for (std::size_t len = 2; len <= 128; len *= 2) {
    for (std::size_t start = 0; start < n; start += 2 * len) {
      const std::uint16_t zeta = detail::zetas[i--];
      for (std::size_t j = start; j < start + len; ++j) {
        const std::uint16_t t = f[j];
        f[j] = detail::add(t, f[j + len]);
        f[j + len] = detail::mul(zeta, detail::sub(f[j + len], t));
      }
    }
  }
  for (auto& c : f) c = detail::mul(c, 3303);  // 3303 = 128^-1 mod q
  return f;
}

/// Algorithm 12 BaseCaseMultiply and Algorithm 11 MultiplyNTTs(f_hat, g_hat).
inline Poly multiply_ntts(const Poly& f, const Poly& g) {
  Poly h{};
  for (std::size_t i = 0; i < 128; ++i) {
    const std::uint32_t a0 = f[2 * i], a1 = f[2 * i + 1], b0 = g[2 * i], b1 = g[2 * i + 1];
    const std::uint32_t gamma = detail::gammas[i];
    h[2 * i] = detail::add(detail::mul(a0, b0), detail::mul(detail::mul(a1, b1), gamma));  // c0 = a0b0 + a1b1γ
    h[2 * i + 1] = detail::add(detail::mul(a0, b1), detail::mul(a1, b0));                  // c1 = a0b1 + a1b0
  }
  return h;
}

inline Poly poly_add(const Poly& a, const Poly& b) {
  Poly r{};
  for (std::size_t i = 0; i < n; ++i) r[i] = detail::add(a[i], b[i]);
  return r;
}
inline Poly poly_sub(const Poly& a, const Poly& b) {
  Poly r{};
  for (std::size_t i = 0; i < n; ++i) r[i] = detail::sub(a[i], b[i]);
  return r;
}

// ---- §5 K-PKE ----------------------------------------------------------------------------

struct PkeKeys {
  Bytes ek;  // ByteEncode_12(t_hat) || rho
  Bytes dk;  // ByteEncode_12(s_hat)
};

namespace detail {
/// A_hat[i][j] = SampleNTT(rho || j || i) (Alg 13 lines 3-7, Alg 14 lines 4-8).
inline std::vector<Poly> matrix_a(const Params& p, ByteView rho) {
  std::vector<Poly> a(p.k * p.k);
  for (std::size_t i = 0; i < p.k; ++i)
    for (std::size_t j = 0; j < p.k; ++j)
      a[i * p.k + j] = sample_ntt(rho, static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(i));
  return a;
}
}  // namespace detail

/// Algorithm 13 K-PKE.KeyGen(d)
inline PkeKeys kpke_keygen(const Params& p, ByteView d) {
  const std::uint8_t kb[1] = {static_cast<std::uint8_t>(p.k)};
  const Bytes g = sha3_512({d, ByteView(kb, 1)});  // (rho, sigma) = G(d || k)
  const ByteView rho(g.data(), 32), sigma(g.data() + 32, 32);
  std::uint8_t N = 0;
  const auto a = detail::matrix_a(p, rho);
  std::vector<Poly> s(p.k), e(p.k);
  for (auto& si : s) si = ntt(sample_poly_cbd(PRF(p.eta1, sigma, N++), p.eta1));  // s_hat = NTT(s)
  for (auto& ei : e) ei = ntt(sample_poly_cbd(PRF(p.eta1, sigma, N++), p.eta1));  // e_hat = NTT(e)
  PkeKeys out;
  for (std::size_t i = 0; i < p.k; ++i) {  // t_hat = A_hat ∘ s_hat + e_hat
    Poly t = e[i];
    for (std::size_t j = 0; j < p.k; ++j) t = poly_add(t, multiply_ntts(a[i * p.k + j], s[j]));
    byte_encode(t, 12, out.ek);
  }
  out.ek.insert(out.ek.end(), rho.begin(), rho.end());
  for (const auto& si : s) byte_encode(si, 12, out.dk);
  return out;
}

/// Algorithm 14 K-PKE.Encrypt(ek_PKE, m, r). `ek` must have the right length.
inline Bytes kpke_encrypt(const Params& p, ByteView ek, ByteView m, ByteView r) {
  std::uint8_t N = 0;
  std::vector<Poly> t(p.k);
  for (std::size_t i = 0; i < p.k; ++i) t[i] = byte_decode(ek.subspan(384 * i, 384), 12);
  const ByteView rho = ek.subspan(384 * p.k, 32);
  const auto a = detail::matrix_a(p, rho);
  std::vector<Poly> y(p.k), e1(p.k);
  for (auto& yi : y) yi = ntt(sample_poly_cbd(PRF(p.eta1, r, N++), p.eta1));  // y_hat = NTT(y)
  for (auto& ei : e1) ei = sample_poly_cbd(PRF(p.eta2, r, N++), p.eta2);
  const Poly e2 = sample_poly_cbd(PRF(p.eta2, r, N++), p.eta2);
  Bytes c;
  for (std::size_t i = 0; i < p.k; ++i) {  // u = NTT^-1(A_hat^T ∘ y_hat) + e1
    Poly acc{};
    for (std::size_t j = 0; j < p.k; ++j) acc = poly_add(acc, multiply_ntts(a[j * p.k + i], y[j]));
    Poly u = poly_add(ntt_inverse(acc), e1[i]);
    for (auto& x : u) x = compress(x, p.du);
    byte_encode(u, p.du, c);  // c1
  }
  Poly mu = byte_decode(m, 1);  // mu = Decompress_1(ByteDecode_1(m))
  for (auto& x : mu) x = decompress(x, 1);
  Poly acc{};
  for (std::size_t j = 0; j < p.k; ++j) acc = poly_add(acc, multiply_ntts(t[j], y[j]));
  Poly v = poly_add(poly_add(ntt_inverse(acc), e2), mu);  // v = NTT^-1(t_hat^T ∘ y_hat) + e2 + mu
  for (auto& x : v) x = compress(x, p.dv);
  byte_encode(v, p.dv, c);  // c2
  return c;
}

/// Algorithm 15 K-PKE.Decrypt(dk_PKE, c). Lengths must be right.
inline Bytes kpke_decrypt(const Params& p, ByteView dk, ByteView c) {
  const std::size_t c1_len = 32 * p.du * p.k;
  Poly acc{};
  for (std::size_t i = 0; i < p.k; ++i) {
    Poly u = byte_decode(c.subspan(32 * p.du * i, 32 * p.du), p.du);
    for (auto& x : u) x = decompress(x, p.du);
    const Poly s = byte_decode(dk.subspan(384 * i, 384), 12);
    acc = poly_add(acc, multiply_ntts(s, ntt(u)));
  }
  Poly v = byte_decode(c.subspan(c1_len, 32 * p.dv), p.dv);
  for (auto& x : v) x = decompress(x, p.dv);
  Poly w = poly_sub(v, ntt_inverse(acc));  // w = v' - NTT^-1(s_hat^T ∘ NTT(u'))
  for (auto& x : w) x = compress(x, 1);
  Bytes m;
  byte_encode(w, 1, m);
  return m;
}

// ---- §6 internal algorithms ---------------------------------------------------------------

struct KeyPair {
  Bytes ek;  // encapsulation key, 384k+32 bytes
  Bytes dk;  // decapsulation key, 768k+96 bytes: dk_PKE || ek || H(ek) || z
  friend bool operator==(const KeyPair&, const KeyPair&) = default;
};
struct Encapsulation {
  Bytes shared_secret;  // K, 32 bytes
  Bytes ciphertext;     // c
  friend bool operator==(const Encapsulation&, const Encapsulation&) = default;
};

/// Algorithm 16 ML-KEM.KeyGen_internal(d, z)
inline KeyPair keygen_internal(const Params& p, ByteView d, ByteView z) {
  PkeKeys pke = kpke_keygen(p, d);
  KeyPair kp;
  kp.ek = pke.ek;
  const Bytes h = H(kp.ek);
  kp.dk = concat({pke.dk, kp.ek, h, z});
  return kp;
}

/// Algorithm 17 ML-KEM.Encaps_internal(ek, m)
inline Encapsulation encaps_internal(const Params& p, ByteView ek, ByteView m) {
  const Bytes h = H(ek);
  auto [K, r] = G(concat({m, h}));  // (K, r) = G(m || H(ek))
  return {K, kpke_encrypt(p, ek, m, r)};
}

/// Algorithm 18 ML-KEM.Decaps_internal(dk, c): implicit rejection — a ciphertext that does
/// not re-encrypt to itself yields K_bar = J(z || c), never an error.
inline Bytes decaps_internal(const Params& p, ByteView dk, ByteView c) {
  const ByteView dk_pke = dk.subspan(0, 384 * p.k);
  const ByteView ek_pke = dk.subspan(384 * p.k, 384 * p.k + 32);
  const ByteView h = dk.subspan(768 * p.k + 32, 32);
  const ByteView z = dk.subspan(768 * p.k + 64, 32);
  const Bytes m_prime = kpke_decrypt(p, dk_pke, c);
  auto [K_prime, r_prime] = G(concat({m_prime, h}));
  const Bytes K_bar = J(concat({z, c}));
  const Bytes c_prime = kpke_encrypt(p, ek_pke, m_prime, r_prime);
  // Constant-time select on c == c' (the comparison touches every byte).
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < c.size(); ++i) diff = static_cast<std::uint8_t>(diff | (c[i] ^ c_prime[i]));
  const auto mask = static_cast<std::uint8_t>(-static_cast<int>(diff == 0));  // 0xFF iff equal
  Bytes K(shared_secret_size);
  for (std::size_t i = 0; i < K.size(); ++i)
    K[i] = static_cast<std::uint8_t>((K_prime[i] & mask) | (K_bar[i] & static_cast<std::uint8_t>(~mask)));
  return K;
}

// ---- §7 the external interface, with its input checks ---------------------------------------

/// §7.2 encapsulation key check: (1) type/length check; (2) modulus check
/// ek[0:384k] == ByteEncode_12(ByteDecode_12(ek[0:384k])).
inline Status check_encapsulation_key(const Params& p, ByteView ek) {
  if (ek.size() != p.ek_size())
    return make_error("ML-KEM encapsulation key: expected " + std::to_string(p.ek_size()) + " bytes, got " +
                      std::to_string(ek.size()) + " (FIPS 203 §7.2 type check)");
  for (std::size_t i = 0; i < p.k; ++i) {
    const ByteView part = ek.subspan(384 * i, 384);
    Bytes re;
    byte_encode(byte_decode(part, 12), 12, re);
    if (!std::equal(re.begin(), re.end(), part.begin()))
      return make_error("ML-KEM encapsulation key: coefficient >= q in polynomial " + std::to_string(i) +
                        " (FIPS 203 §7.2 modulus check)");
  }
  return ok_status();
}

/// §7.3 decapsulation input checks: (1) ciphertext type check, (2) decapsulation key type
/// check, (3) hash check H(dk[384k : 768k+32]) == dk[768k+32 : 768k+64].
inline Status check_decapsulation_inputs(const Params& p, ByteView dk, ByteView c) {
  if (c.size() != p.ct_size())
    return make_error("ML-KEM ciphertext: expected " + std::to_string(p.ct_size()) + " bytes, got " +
                      std::to_string(c.size()) + " (FIPS 203 §7.3 ciphertext type check)");
  if (dk.size() != p.dk_size())
    return make_error("ML-KEM decapsulation key: expected " + std::to_string(p.dk_size()) + " bytes, got " +
                      std::to_string(dk.size()) + " (FIPS 203 §7.3 decapsulation key type check)");
  const Bytes h = H(dk.subspan(384 * p.k, 384 * p.k + 32));
  if (!std::equal(h.begin(), h.end(), dk.begin() + 768 * p.k + 32))
    return make_error("ML-KEM decapsulation key: H(ek) does not match the embedded hash (FIPS 203 §7.3 hash check)");
  return ok_status();
}

/// Algorithm 19 ML-KEM.KeyGen with the randomness d, z supplied (32 bytes each).
inline Result<KeyPair> keygen(const Params& p, ByteView d, ByteView z) {
  if (d.size() != seed_size || z.size() != seed_size)
    return make_error("ML-KEM KeyGen: d and z must be 32 bytes each, got " + std::to_string(d.size()) + " and " +
                      std::to_string(z.size()));
  return keygen_internal(p, d, z);
}
/// The 64-byte seed form d || z (FIPS 203 §3.3 allows storing the seed as the private key;
/// Wycheproof "keygen_seed" and draft-ietf-hpke-pq use it).
inline Result<KeyPair> keygen_from_seed(const Params& p, ByteView seed) {
  if (seed.size() != 2 * seed_size)
    return make_error("ML-KEM seed: expected 64 bytes (d || z), got " + std::to_string(seed.size()));
  return keygen_internal(p, seed.subspan(0, 32), seed.subspan(32, 32));
}

/// Algorithm 20 ML-KEM.Encaps with the randomness m supplied, after the §7.2 check.
inline Result<Encapsulation> encaps(const Params& p, ByteView ek, ByteView m) {
  if (auto s = check_encapsulation_key(p, ek); !s) return s.error();
  if (m.size() != seed_size) return make_error("ML-KEM Encaps: m must be 32 bytes, got " + std::to_string(m.size()));
  return encaps_internal(p, ek, m);
}

/// Algorithm 21 ML-KEM.Decaps after the §7.3 checks. Fails only on malformed inputs; a
/// well-formed but wrong ciphertext yields the implicit-rejection key (Alg 18).
inline Result<Bytes> decaps(const Params& p, ByteView dk, ByteView c) {
  if (auto s = check_decapsulation_inputs(p, dk, c); !s) return s.error();
  return decaps_internal(p, dk, c);
}

}  // namespace lockref::crypto::mlkem
