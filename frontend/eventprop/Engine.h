//===- Engine.h - One batch of any EventProp engine -------------*- C++ -*-===//
//
// The one interface the trainer calls, implemented by the time-stepped CPU
// engine (cpu/CpuEngine.h) and later by the CUDA engine: forward (and, when
// a gradient buffer is given, backward) pass of one batch.
//
// Scale convention (all engines):
//  - A sample's loss is the loss of LossDesc for that sample alone; the batch
//    loss is the MEAN of the sample losses plus the spike-count regulariser
//    (eventprop.md C.3).
//  - The gradient is that of the batch loss: per-sample terms summed, with
//    the 1/B inside the loss (as mlGeNN), so an optimiser applies it as is.
//  - Gradients are the exact EventProp gradients of the stated loss in WP
//    scaling: there is NO extra 1/tau_m as in mlGeNN's voltage-integral
//    losses (eventprop.md B.6): for those losses mlGeNN's gradients are
//    ours / tau_m(readout), for FirstSpike they are equal. Adam is
//    scale-invariant, so learning rates transfer; with plain SGD an mlGeNN
//    rate eta is eta / tau_m here. What does not transfer is the regulariser
//    strength relative to the loss: mlGeNN's kick is k_reg (N_batch - nu B)
//    = k_reg B (nbar - nu) on its 1/tau_m-scaled adjoint, ours is
//    (c/B)(nbar - nu), so mlGeNN's k_reg is RegulariserDesc::lambdaUpper/
//    lambdaLower = c = k_reg * tau_m * B^2 here (tau_m of the readout).
//  - Weight gradients are per unit weight; delay gradients are per STEP
//    (d(loss)/d(delay in steps) = dt times the per-ms gradient), matching the
//    unit of the delays in the parameter buffer.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace axon::eventprop {

/// The forward pass of one sample as the trainer reports it.
struct SampleResult {
  double loss = 0.0;      ///< this sample's loss (not divided by B)
  int32_t predicted = -1; ///< argmax of `readout` (argmin for FirstSpike)
  /// Per readout neuron, what the loss reads: (1/T) integral w(t) V dt for
  /// the Sum* losses, max_t V for MaxVoltage, the first spike time in ms (T
  /// when silent) for FirstSpike.
  std::vector<double> readout;
  std::vector<uint64_t> spikeCounts; ///< per layer, spikes emitted
};

/// Work done, for throughput figures and health checks.
struct EngineCounters {
  uint64_t inputSpikes = 0;
  uint64_t spikes = 0; ///< emitted by all layers
  /// (spike, synapse) pairs delivered in the forward pass and evaluated in
  /// the backward pass.
  uint64_t forwardSynapticEvents = 0;
  uint64_t backwardSynapticEvents = 0;
  /// Spikes whose crossing slope I - theta was below the engine's minimum
  /// and was clamped to it (grazing crossings, eventprop.md F.4).
  uint64_t clampedSlopes = 0;
  /// FirstSpike: samples whose correct readout neuron never fired and got
  /// the phantom-spike kick instead (eventprop.md C.1).
  uint64_t phantomKicks = 0;

  EngineCounters &operator+=(const EngineCounters &other);
};

struct BatchResult {
  std::vector<SampleResult> samples; ///< one per sample, in batch order
  double loss = 0.0;                 ///< mean sample loss + regulariserLoss
  double regulariserLoss = 0.0;      ///< sum_j (c/2)(nbar_j - nu)^2
  /// Spikes per neuron summed over the batch, layers concatenated in order
  /// (for silent-neuron repair and the regulariser's nbar).
  std::vector<uint32_t> neuronSpikeCounts;
  EngineCounters counters;
  /// Device memory the engine held after the batch (GPU engines; 0 for
  /// the CPU engines, whose memory is the process's).
  uint64_t deviceBytes = 0;

  uint32_t correct(llvm::ArrayRef<Sample> batch) const;
};

/// An EventProp engine. Engines keep scratch memory between calls (sized by
/// the largest network and batch seen) but no state that changes results:
/// the same arguments give bit-identical results on every call.
class Engine {
public:
  virtual ~Engine();

  virtual llvm::StringRef name() const = 0;

  /// Runs one batch. `params` is the ParameterLayout buffer of `net`;
  /// `grads` is either empty (forward only) or of the same size and is
  /// OVERWRITTEN with the gradient of the batch loss (see the file comment
  /// for the scale). Fails, without touching `grads`, on an invalid network,
  /// non-finite parameters, out-of-range inputs or labels.
  virtual llvm::Expected<BatchResult>
  run(const NetworkDesc &net, llvm::ArrayRef<float> params,
      llvm::ArrayRef<Sample> batch, llvm::MutableArrayRef<float> grads) = 0;
};

} // namespace axon::eventprop
