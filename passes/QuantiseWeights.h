//===- QuantiseWeights.h - Weights as integer mantissas ---------*- C++ -*-===//
//
// Pass "quantise-weights", DISCRETE -> QUANTISED. Needs a target, and
// quantise-neurons before it: a weight's integer is counted in its target
// population's state units (fixed.state_scale), which that pass chooses.
//
// In the integer model (ir/axon.proto) an arriving spike adds
// weights_int << exponent state units to the target's u, which holds c I;
// so a float weight w is x = w c / s state units (c of the target, from
// NeuronCoefficients.h; s its state_scale), and
//   weights_int = round(x / 2^E),  exponent = E,
//   quantisation.scale = s 2^E / c  (real weight = weights_int * scale),
//   quantisation.bits = weights.bits + 1 (weights.bits excludes the sign).
// E is the total shift in state units, whatever the scheme:
//   MANTISSA_EXPONENT  mantissa in [-2^bits, 2^bits - 1];
//                      E = exponent_offset + e, e in [min_exponent,
//                      max_exponent] (the chip's increment is mantissa *
//                      2^(exponent_offset + e); the emitter writes
//                      e = exponent - exponent_offset)
//   MAGNITUDE_SHIFT    |weights_int| <= 2^bits - 1 (the sign is the
//                      synapse type); E = the left shift, in [0, max_shift]
// For each group of projections sharing an exponent, E is the smallest in
// range for which no rounded weight of the group leaves the mantissa range
// (the finest step that does not clip, hence the least error). If even the
// largest clips, the group takes the largest and the weights outside are
// clipped to the range and counted.
//
// Groups (option scope):
//   projection  each projection alone (MANTISSA_EXPONENT default)
//   target      MANTISSA_EXPONENT: all projections into one population;
//               MAGNITUDE_SHIFT (its default and only choice): the shift
//               belongs to (target population, sign), as a SpiNNaker-like
//               core has one shift per synapse type. A projection with both
//               signs needs both types' shifts equal (the IR has one
//               exponent per projection), so it joins its target's two
//               groups into one.
//
// Rounding (option rounding; default the description's weights.rounding):
//   nearest     to nearest, ties to even (numpy.rint)
//   stochastic  floor(x / 2^E + u), u uniform in [0, 1) from the
//               PassContext's seeded generator, one draw per synapse in
//               projection and synapse order: unbiased, and the same seed
//               gives the same graph. The exponent is then chosen so that
//               rounding up cannot clip either.
// A description asking for TOWARD_ZERO or FLOOR gets that rounding.
//
// Statistics (per projection P, then totals):
//   exponent[P]         figure   E, the total shift in state units
//   weights-clipped[P]  counter  weights clipped to the mantissa range
//   weights-zeroed[P]   counter  nonzero float weights that became 0
//   sqnr-db[P]          figure   10 log10(sum w^2 / sum (w - w_q)^2),
//                                w_q = weights_int * scale (inf if exact)
//   max-abs-error[P]    figure   max |w - w_q|, weight units
//   weights-quantised   counter  synapses quantised
//   weights-clipped     counter  over all projections
//   weights-zeroed      counter  over all projections
//   min-sqnr-db         figure   the worst projection's sqnr-db
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <cstdint>
#include <optional>

namespace axon::target {
class TargetDescription;
} // namespace axon::target

namespace axon::passes {

/// The largest |increment| in state units one synapse of `target` can add
/// to u: (2^bits - 1) * 2^(exponent_offset + max_exponent) for
/// MANTISSA_EXPONENT, (2^bits - 1) * 2^max_shift for MAGNITUDE_SHIFT.
/// quantise-neurons keeps every population's largest weight below it.
double largestWeightIncrement(const target::TargetDescription &target);

class QuantiseWeightsPass : public Pass {
public:
  enum class Rounding : uint8_t { Nearest, Stochastic, TowardZero, Floor };
  enum class Scope : uint8_t { Projection, Target };

  llvm::StringRef name() const override { return "quantise-weights"; }
  llvm::StringRef summary() const override {
    return "convert weights to integer mantissas with shared exponents in "
           "the target's state units";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Discrete; }
  ir::IRLevel outputLevel(ir::IRLevel) const override {
    return ir::IRLevel::Quantised;
  }
  llvm::ArrayRef<PassOption> options() const override;

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;

protected:
  llvm::Error setOption(llvm::StringRef key, llvm::StringRef value) override;

private:
  std::optional<Rounding> rounding; ///< unset: the description's
  std::optional<Scope> scope;       ///< unset: per scheme (see above)
};

} // namespace axon::passes
