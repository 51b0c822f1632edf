//===- CompartmentArithmetic.h - The integer steps of a compartment -*- C++ -*-===//
//
// The arithmetic a Loihi-like core applies in one compartment update, as
// LoihiConfig.proto's header comment states it: the decay of u and v with
// the configured rounding, the weight exponent's shift of a summed input,
// and the wrap or saturation of a value to a signed width. Each function
// that can overflow reports it through a counter, so that the emulator can
// count every silent wrap or clip (targets.md G.3).
//
// Values are held in int64_t: a state is at most 32 bits wide (ChipImage
// rejects wider formats at load), so a state times a decay factor of at
// most 2^16 and a sum of 8-bit mantissas shifted by at most 2^31 fit.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace axon::sim::loihi {

/// How a decay's product is brought back to state units (ChipFormat's
/// decay_rounding).
enum class DecayRounding : uint8_t { TowardZero, Floor, NearestEven };

/// x * keep / 2^bits in the configured rounding. keep = 2^bits - d, the
/// part of the state that survives one tick (0 when d >= 2^bits). Loihi
/// shifts the magnitude, so negative states decay toward zero as positive
/// ones do (Lava's PyLifModelBitAcc: sign(p) * (|p| >> 12)).
inline int64_t decayed(int64_t x, uint32_t keep, uint32_t bits,
                       DecayRounding rounding) {
  int64_t p = x * int64_t(keep);
  switch (rounding) {
  case DecayRounding::TowardZero:
    return p < 0 ? -((-p) >> bits) : p >> bits;
  case DecayRounding::Floor:
    return p >> bits;
  case DecayRounding::NearestEven: {
    int64_t q = p >> bits; // floor
    int64_t rest = p - (q << bits);
    int64_t half = int64_t(1) << (bits - 1);
    if (rest > half || (rest == half && (q & 1)))
      ++q;
    return q;
  }
  }
  return 0;
}

/// A summed mantissa A under weight exponent wexp: A << wexp, or for a
/// negative exponent an arithmetic right shift, which floors (Lava's
/// PyDenseModelBitAcc shifts the per-tick sum, not each weight).
inline int64_t exponentShifted(int64_t a, int32_t wexp) {
  return wexp >= 0 ? a * (int64_t(1) << wexp) : a >> -wexp;
}

/// x wrapped to a two's-complement `bits`-bit value; counts a change.
inline int64_t wrapped(int64_t x, uint32_t bits, uint64_t &overflows) {
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t sign = uint64_t(1) << (bits - 1);
  int64_t w = int64_t(((uint64_t(x) & mask) ^ sign) - sign);
  overflows += w != x;
  return w;
}

/// x clipped to [-(2^(bits-1) - 1), 2^(bits-1) - 1]: the symmetric range
/// of Lava's voltage clip (and of Loihi's vmin = -2^n + 1), so the most
/// negative two's-complement value is never produced. Counts a clip.
inline int64_t saturated(int64_t x, uint32_t bits, uint64_t &overflows) {
  int64_t limit = (int64_t(1) << (bits - 1)) - 1;
  if (x > limit) {
    ++overflows;
    return limit;
  }
  if (x < -limit) {
    ++overflows;
    return -limit;
  }
  return x;
}

/// Wrap or saturation, as the format names it for that quantity.
inline int64_t fitted(int64_t x, uint32_t bits, bool saturate,
                      uint64_t &overflows) {
  return saturate ? saturated(x, bits, overflows)
                  : wrapped(x, bits, overflows);
}

} // namespace axon::sim::loihi
