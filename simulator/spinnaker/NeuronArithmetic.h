//===- NeuronArithmetic.h - The chip's integer operations -------*- C++ -*-===//
//
// The few integer operations of a SpiNNaker-like core, exactly as
// SpiNNakerConfig.proto documents them (targets.md B.3, G.2), as small
// inline functions that the tick loop uses and the tests check by hand:
//   - states are two's-complement integers of stateBits bits (s16.15 raw in
//     32 bits); a result that does not fit wraps and is counted;
//   - decays are unsigned fractions of 2^decayBits applied as
//     (x * d) >> decayBits with an arithmetic shift, i.e. floor, so a
//     negative state decays away from zero by up to one unit;
//   - ring-buffer entries are unsigned and saturate at their maximum,
//     counted;
//   - a ring entry becomes input as entry << shift, read as raw state.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace axon::sim::spinnaker {

/// `x` wrapped to a two's-complement integer of `bits` bits (2..32).
inline int32_t wrapState(int64_t x, uint32_t bits) {
  uint32_t drop = 64 - bits;
  // Shifting left in uint64 keeps the low bits; the arithmetic shift back
  // sign-extends them.
  return static_cast<int32_t>(
      static_cast<int64_t>(static_cast<uint64_t>(x) << drop) >> drop);
}

/// floor(x * decay / 2^bits) for a factor decay / 2^bits < 1.
inline int32_t decayState(int32_t x, uint32_t decay, uint32_t bits) {
  // |x| < 2^31 and decay < 2^32: the product fits int64.
  return static_cast<int32_t>((int64_t(x) * int64_t(decay)) >> bits);
}

/// Adds `weight` into a ring entry saturating at `max`; returns whether it
/// saturated.
inline bool addSaturating(uint16_t &entry, uint32_t weight, uint32_t max) {
  uint32_t sum = uint32_t(entry) + weight;
  bool saturated = sum > max;
  entry = static_cast<uint16_t>(saturated ? max : sum);
  return saturated;
}

/// A ring entry as input in raw state units (before wrapping).
inline int64_t ringInput(uint32_t entry, uint32_t shift) {
  return int64_t(entry) << shift;
}

} // namespace axon::sim::spinnaker
