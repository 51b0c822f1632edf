//===- Adam.h - Adam over the engine's flat parameter buffer ----*- C++ -*-===//
//
// One optimiser state for all parameters (weights and delays share the
// ParameterLayout buffer). Weights and delays have separate learning rates,
// frozen groups are skipped, and delays are clamped to [0, maxDelaySteps]
// after each step (delay paper). Bias correction as in Kingma & Ba; the step
// counter is global across epochs.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace axon::train {

struct AdamSettings {
  double weightRate = 1e-3;
  double delayRate = 0.0; ///< in steps of dt per update
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
};

class Adam {
public:
  explicit Adam(size_t numParams) : m(numParams, 0.f), v(numParams, 0.f) {}

  /// One update of `params` from the batch gradient `grads`.
  void step(const eventprop::NetworkDesc &net,
            const eventprop::ParameterLayout &layout,
            llvm::MutableArrayRef<float> params, llvm::ArrayRef<float> grads,
            const AdamSettings &settings);

  std::vector<float> m, v; ///< first and second moments
  uint64_t steps = 0;
};

} // namespace axon::train
