//===- DiscretiseDelays.h - Delays in ms to whole time steps ----*- C++ -*-===//
//
// Pass "discretise-delays", FLOAT -> DISCRETE.
//
// Sets the graph's dt to the target's time step and turns every synaptic
// delay in ms into a whole number of steps (delay_steps), keeping delays_ms
// so later stages can be compared with the trained network. Delays below
// the target's shortest realisable delay (min_steps) are raised to it.
// Neuron constants (time constants, refractory period) stay in ms: the
// quantisation passes convert them with the same dt.
//
// Options:
//   dt=<ms>                     time step when there is no target (default:
//                               the graph's dt); with a target it must
//                               equal the target's dt
//   rounding=nearest|floor|ceil how a delay becomes steps (default
//                               nearest, ties to even as numpy.rint and
//                               sPyNNaker do)
//
// Statistics:
//   delays-converted  counter  synapse delays converted to steps
//   delays-rounded    counter  delays that were not a whole number of steps
//   delays-raised     counter  delays raised to the target's min_steps
//   max-error-ms      figure   largest |steps * dt - delay_ms|
//   mean-error-ms     figure   mean |steps * dt - delay_ms| over all delays
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <optional>

namespace axon::passes {

class DiscretiseDelaysPass : public Pass {
public:
  enum class Rounding : uint8_t { Nearest, Floor, Ceil };

  llvm::StringRef name() const override { return "discretise-delays"; }
  llvm::StringRef summary() const override {
    return "convert delays in ms to whole time steps of the target's dt";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Float; }
  ir::IRLevel outputLevel(ir::IRLevel) const override {
    return ir::IRLevel::Discrete;
  }
  llvm::ArrayRef<PassOption> options() const override;

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;

protected:
  llvm::Error setOption(llvm::StringRef key, llvm::StringRef value) override;

private:
  std::optional<double> dtMs; ///< the dt= option, ms
  Rounding rounding = Rounding::Nearest;
};

/// `delayMs` in whole steps of `dtMs` under `rounding`. A quotient within
/// a relative 1e-6 of a whole number counts as that number, so a delay
/// written as an exact multiple of dt is not moved by float noise (0.3 ms
/// at dt 0.1 ms is 3 steps under floor and ceil too). The result is not
/// clamped; callers check it fits their integer type.
double delayInSteps(double delayMs, double dtMs,
                    DiscretiseDelaysPass::Rounding rounding);

} // namespace axon::passes
