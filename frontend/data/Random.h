//===- Random.h - Portable random draws for data sets -----------*- C++ -*-===//
//
// Every random choice in axon::data comes from a std::mt19937_64 that the
// caller seeds and passes in. The engine's output sequence is fixed by the
// C++ standard, but std::uniform_*_distribution and std::normal_distribution
// are not (libstdc++, libc++ and MSVC differ), so the draws below are built
// from the raw 64-bit words only: the same seed gives the same data set on
// every platform and compiler.
//===----------------------------------------------------------------------===//
#pragma once

#include <cassert>
#include <cstdint>
#include <limits>
#include <random>

namespace axon::data {

using Rng = std::mt19937_64;

/// Uniform double in [0, 1): the top 53 bits of one word, so every value is
/// an exact multiple of 2^-53.
inline double uniform01(Rng &rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

/// Uniform integer in [0, n), n > 0, without modulo bias: words from the
/// incomplete last block of n values are rejected (at most half of all
/// words, typically none).
inline uint64_t uniformBelow(Rng &rng, uint64_t n) {
  assert(n > 0 && "uniformBelow needs a non-empty range");
  // 2^64 mod n, computed without 128-bit arithmetic.
  const uint64_t rejectBelow = (0 - n) % n;
  for (;;) {
    uint64_t word = rng();
    if (word >= rejectBelow)
      return word % n;
  }
}

/// Uniform integer in [lo, hi), lo < hi.
inline int64_t uniformInt(Rng &rng, int64_t lo, int64_t hi) {
  assert(lo < hi && "uniformInt needs lo < hi");
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) +
                              uniformBelow(rng, span));
}

/// Uniform double in [lo, hi).
inline double uniformReal(Rng &rng, double lo, double hi) {
  return lo + (hi - lo) * uniform01(rng);
}

/// True with probability p (p <= 0: never, p >= 1: always).
inline bool bernoulli(Rng &rng, double p) { return uniform01(rng) < p; }

/// SplitMix64 finaliser: turns (seed, stream) into a well-mixed 64-bit seed so
/// that neighbouring streams (epoch 7 and epoch 8) get unrelated generators.
inline uint64_t mixSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// The generator for one epoch's augmentation. It depends only on (seed,
/// epoch), not on what earlier epochs drew, so a run resumed from a
/// checkpoint at epoch e augments exactly as the uninterrupted run did.
inline Rng epochRng(uint64_t seed, uint64_t epoch) {
  return Rng(mixSeed(seed, epoch));
}

} // namespace axon::data
