//===- QuantiseNeurons.h - Neuron constants in fixed point ------*- C++ -*-===//
//
// Pass "quantise-neurons", DISCRETE -> DISCRETE. Needs a target.
//
// Fills every population's `fixed` block (ir/axon.proto, FixedPointNeuron)
// from its float constants and the target's NeuronFormat: the integer
// model's state scale, threshold, reset, bias, decays and refractory
// steps. The graph stays DISCRETE: quantise-weights, which needs the state
// scales chosen here, fills the integer weights and moves the graph to
// QUANTISED (the verifier demands integer weights at that level).
//
// Per population, with alpha, beta and c from NeuronCoefficients.h at the
// graph's dt, B = state_bits, D = decay_bits, Tb/Ts = threshold_bits/shift:
//
//  state_scale s (float volts per state unit) = V_ref / 2^k, k the largest
//  integer with
//    k <= B - 1 - headroom-bits       spiking kinds: headroom above threshold
//    k <= B - 2                       readouts: V_ref is a hard bound; one
//                                     guard bit for the integer model's
//                                     rounding
//    k <= Tb + Ts - 1                 spiking kinds: the threshold fits its
//                                     unsigned mantissa after the shift
//    max|w| c / s <= Wmax             the largest weight into the population
//                                     can be stored without clipping, where
//                                     Wmax = largestWeightIncrement(target)
//                                     (QuantiseWeights.h)
//    (1 - alpha) max|bias| / s <= Bmax  the bias fits its field: Bmax =
//                                     (2^(bias_bits-1) - 1) <<
//                                     max_bias_exponent (and < 2^(B-1))
//  (the last two trade state precision for range rather than clip or fail;
//  they bind only for weights or biases of the order of the threshold
//  itself on targets with narrow weight or bias fields)
//  V_ref:
//    LIF, CUBA_LIF     threshold (if > 0; else |reset|; else 1)
//    RELAY             0.5: half the V a unit weight adds (c = 1), so one
//                      arriving weight-1 spike (all delay-lines makes)
//                      fires it under either comparison and none does not
//    LEAKY_INTEGRATOR  option readout-range, else the largest |V| the float
//                      model can reach: V_bound = c W / ((1 - beta)(1 -
//                      alpha)) + max_j |bias_j|, W = max over neurons j of
//                      sum over every synapse into j of |w|. It holds because
//                      a synapse delivers at most one spike per step (its
//                      source fires at most once per step and its delay is
//                      fixed), so u = c I <= c W / (1 - beta) after the
//                      arrivals of any step, and v <= (u + bias_v)/(1 -
//                      alpha) with bias_v = (1 - alpha) bias.
//  Taking V_ref / 2^k makes the threshold exactly 2^k state units whenever
//  k >= Ts, the usual case.
//
//  threshold = round(threshold / s / 2^Ts) << Ts  (at least 1 << Ts for a
//              positive threshold); the target compares v with it (> or >=,
//              its threshold_compare; the difference is one state unit).
//              LEAKY_INTEGRATOR: 0 (never spikes; the emitter disables it).
//              A negative threshold is an error: the mantissa is unsigned.
//  reset     = round(reset / s); an error naming the population if it does
//              not fit B signed bits. RELAY and LEAKY_INTEGRATOR: 0.
//  decay_mem = round(2^D alpha), decay_syn = round(2^D beta), clamped to
//              [0, min(2^D, 2^32 - 1)]: the IR stores the multipliers;
//              the target's decay_form, current_decay_offset and rounding
//              are the emitter's to apply.
//  bias      = round(b / 2^e) << e, b = (1 - alpha) bias / s (the per-step
//              V increment of a constant current), e the smallest shift in
//              [0, max_bias_exponent] for which the mantissa fits bias_bits
//              signed (the Bmax cap on k guarantees one; the error naming
//              the population is for rounding at the edge of the state). A
//              per-neuron bias must quantise to one value: the IR holds one
//              bias per population (an error otherwise). RELAY: 0.
//  refractory_steps = ceil(refractory_ms / dt) (a quotient within 1e-6 of
//              a whole number counts as it); an error naming the population,
//              the value and the limit above max_refractory_steps.
//  state_bits, state_frac_bits, decay_bits: copied from the description.
// Everything is checked before the graph changes; a failure leaves it
// untouched and lists every population that failed.
//
// Options:
//   headroom-bits=<n>     state bits kept above a spiking population's
//                         threshold (default 3: v may reach 8x threshold)
//   readout-range=<volts> |V| a LEAKY_INTEGRATOR's state must hold
//                         (default: the bound V_bound above)
//
// Statistics:
//   populations-quantised    counter  populations given a fixed block
//   relays-quantised         counter  of those, RELAY populations
//   state-scale[<pop>]       figure   volts per state unit
//   threshold-error[<pop>]   figure   |threshold_int s - threshold| /
//                                     threshold (spiking, not RELAY)
//   decay-mem-error[<pop>]   figure   |decay_mem / 2^D - alpha| / alpha
//   decay-syn-error[<pop>]   figure   |decay_syn / 2^D - beta| / beta (kinds
//                                     with a synaptic current)
//   max-threshold-error      figure   the largest threshold-error
//   max-decay-error          figure   the largest decay-*-error
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <cstdint>
#include <optional>

namespace axon::passes {

class QuantiseNeuronsPass : public Pass {
public:
  llvm::StringRef name() const override { return "quantise-neurons"; }
  llvm::StringRef summary() const override {
    return "convert neuron constants to the target's fixed-point state, "
           "decays and threshold";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Discrete; }
  llvm::ArrayRef<PassOption> options() const override;

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;

protected:
  llvm::Error setOption(llvm::StringRef key, llvm::StringRef value) override;

private:
  uint32_t headroomBits = 3;
  std::optional<double> readoutRange; ///< volts
};

} // namespace axon::passes
