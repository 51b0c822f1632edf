//===- ReadoutLoss.h - Per-sample losses on readout quantities --*- C++ -*-===//
//
// The loss of one sample as a function of what the readout produced
// (eventprop.md C.1/C.2), and its derivative with respect to those
// quantities. The engine turns the derivative into adjoint forcing (voltage
// losses) or adjoint jumps (FirstSpike).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace axon::eventprop::reference {

struct ReadoutLoss {
  double loss = 0.0;
  std::vector<double> gradient; ///< d(loss)/d(output k)
};

/// Cross-entropy -log softmax(z)_label, for the Sum* and MaxVoltage losses:
/// gradient softmax(z) - onehot(label).
ReadoutLoss crossEntropy(llvm::ArrayRef<double> z, int32_t label);

/// WP's Yin-Yang loss on first spike times t_k (T for silent neurons):
/// -log softmax(-t / tau0)_label + alpha (exp(t_label / tau1) - 1).
/// Silent neurons get a zero gradient: their "spike time" T is a constant.
ReadoutLoss firstSpikeLoss(const LossDesc &desc,
                           llvm::ArrayRef<double> firstSpikeTimes,
                           const std::vector<bool> &fired, int32_t label);

} // namespace axon::eventprop::reference
