//===- Prune.h - Remove synapses that carry no weight -----------*- C++ -*-===//
//
// Pass "prune", any level -> the same level.
//
// Removes every synapse whose weight is exactly zero: it can never change
// a neuron's state, yet costs synapse memory and a synaptic event per
// spike on the chip. From QUANTISED level on, a synapse whose integer
// weight is zero is removed too, since the chip applies the integer weight
// (its float weight is then below half a quantisation step); those are
// counted apart. A DENSE or ONE_TO_ONE projection that loses synapses
// becomes SPARSE; a projection that loses all of them is removed. Delays
// and every other per-synapse array are filtered alike.
//
// Statistics:
//   synapses-removed             counter  zero-weight synapses removed
//   synapses-quantised-to-zero   counter  of those, removed because the
//                                         integer weight is zero
//   projections-sparsified       counter  DENSE/ONE_TO_ONE made SPARSE
//   projections-removed          counter  projections left without synapses
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

namespace axon::passes {

class PrunePass : public Pass {
public:
  llvm::StringRef name() const override { return "prune"; }
  llvm::StringRef summary() const override {
    return "remove synapses whose weight is zero";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Float; }
  ir::IRLevel maxInputLevel() const override { return ir::IRLevel::Placed; }

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;
};

} // namespace axon::passes
