//===- ReferenceEngine.h - Event-exact float64 EventProp oracle -*- C++ -*-===//
//
// The gradient oracle of eventprop.md section G: a continuous-time, float64
// simulation of a NetworkDesc with real-valued delays and the exact EventProp
// adjoint. The time-stepped engines are checked against it (as dt -> 0), and
// it is itself checked against central finite differences of its own
// forward pass, which is smooth in every parameter as long as no spike
// appears or vanishes.
//
// Conventions:
//  - Times in ms. A synapse with delay d (steps, from the parameter buffer,
//    not rounded) delivers a spike emitted at t at t + d * dt. Delays may be
//    0, also on recurrent projections: the arrival then comes right after the
//    spike (and its reset) at the same time. Arrivals at or after T =
//    numSteps * dt are dropped.
//  - A spike is the first time V reaches the threshold; V resets to `reset`,
//    I is unchanged, there is no refractory period, and a neuron may fire any
//    number of times. At equal times a threshold crossing is processed before
//    an arrival.
//  - The loss is the exact loss of LossDesc in continuous time, per sample;
//    the batch loss is the mean over samples (plus the regulariser), and the
//    gradient is the exact gradient of that mean (WP scaling: no extra
//    1/tau_m as in mlGeNN). Delay gradients are per step: d(loss)/d(d) with
//    d in steps, i.e. dt times the per-ms gradient.
//  - Gradients are returned for every weight and delay in ParameterLayout
//    order, learned or not, unless Options::maskFrozenParameters is set.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/eventprop/reference/Dynamics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace axon::eventprop::reference {

struct Options {
  /// Zero the gradient of weights/delays that their projection does not
  /// learn. Off by default: the oracle answers for every parameter.
  bool maskFrozenParameters = false;
  /// A trial that needs more events (arrivals + spikes) than this fails
  /// with an error instead of running away.
  uint64_t maxEvents = 20'000'000;
};

/// One threshold crossing.
struct Spike {
  double time = 0.0;  ///< ms
  /// I - theta at the crossing = tau_m dV/dt just before it: the divisor of
  /// the adjoint jump. Near 0 the crossing is near-critical (grazing) and
  /// its gradient diverges (eventprop.md F.4).
  double slope = 0.0;
};

/// The forward pass of one sample.
struct Trial {
  double loss = 0.0; ///< this sample's loss (not divided by the batch size)
  /// Per readout neuron, what the loss reads: (1/T) integral w(t) V dt for
  /// the Sum* losses, max_t V for MaxVoltage, the first spike time (T when
  /// silent) for FirstSpike.
  std::vector<double> outputs;
  /// d(loss)/d(outputs), per readout neuron (0 for a silent FirstSpike
  /// neuron, whose output is the constant T).
  std::vector<double> outputGradient;
  /// MaxVoltage only: where each readout neuron peaks (ms); whether the peak
  /// is a kink at an arrival of negative weight, and then dV/dt just before
  /// it (per ms), which is how the peak moves with the arrival time.
  std::vector<double> peakTimes;
  std::vector<bool> peakAtArrival;
  std::vector<double> slopeBeforePeak;
  /// Spikes per neuron, ascending in time; neurons are numbered layer by
  /// layer, layer k starting at neuronOffset[k].
  std::vector<std::vector<Spike>> spikes;
  std::vector<uint64_t> neuronOffset;
  uint64_t numArrivals = 0;

  llvm::ArrayRef<Spike> spikesOf(uint32_t layer, uint32_t neuron) const {
    return spikes[neuronOffset[layer] + neuron];
  }
  uint64_t totalSpikes() const;
  /// Smallest |I - theta| over all spikes (+inf without spikes).
  double minAbsSlope() const;
};

/// Loss and gradient of one batch.
struct BatchGradient {
  double loss = 0.0; ///< mean sample loss plus the regulariser term
  std::vector<double> gradient; ///< ParameterLayout order
  std::vector<Trial> trials;    ///< one per sample, in order
};

/// The reference engine for one network. Parameters are float64 buffers in
/// ParameterLayout order; the engine keeps no state between calls.
class ReferenceEngine {
public:
  /// Checks the network (positive time constants, reset below threshold,
  /// a LeakyIntegrator readout for the voltage losses and a LIF readout for
  /// FirstSpike, projection indices in range, T > 0).
  static llvm::Expected<ReferenceEngine> create(const NetworkDesc &net,
                                                Options options = {});

  const NetworkDesc &network() const { return Net; }
  const ParameterLayout &layout() const { return Layout; }
  double trialLength() const { return TrialLength; }

  /// Forward pass of one sample: spikes, outputs and loss.
  llvm::Expected<Trial> forward(llvm::ArrayRef<double> params,
                                const Sample &sample) const;

  /// Forward only: the batch loss (mean sample loss plus regulariser), for
  /// finite differences.
  llvm::Expected<double> loss(llvm::ArrayRef<double> params,
                              llvm::ArrayRef<Sample> batch) const;

  /// Forward and exact backward pass over a batch.
  llvm::Expected<BatchGradient> gradient(llvm::ArrayRef<double> params,
                                         llvm::ArrayRef<Sample> batch) const;

private:
  ReferenceEngine() = default;

  /// Forward passes of a batch appended to `trials`; the mean sample loss.
  llvm::Expected<double> forwardBatch(llvm::ArrayRef<double> params,
                                      llvm::ArrayRef<Sample> batch,
                                      std::vector<Trial> &trials) const;
  llvm::Error checkParameters(llvm::ArrayRef<double> params) const;
  llvm::Error checkSample(const Sample &sample) const;
  uint32_t readoutLayer() const { return Net.layers.size() - 1; }
  bool isReadout(uint64_t neuron) const {
    return neuron >= NeuronOffset[readoutLayer()];
  }
  /// Arrival time of a spike emitted at `spikeTime` over a synapse of
  /// `delaySteps`; forward and backward must compute it identically.
  double arrivalTime(double spikeTime, double delaySteps) const {
    return spikeTime + delaySteps * Net.dt;
  }
  /// Regulariser loss and per-neuron lambda_V kicks for a batch.
  double regulariser(llvm::ArrayRef<Trial> trials,
                     std::vector<double> &kicks) const;
  /// Adds `scale` times the gradient of one trial's loss to `gradient`.
  void backward(llvm::ArrayRef<double> params, const Sample &sample,
                const Trial &trial, double scale,
                llvm::ArrayRef<double> kicks,
                llvm::MutableArrayRef<double> gradient) const;

  NetworkDesc Net;
  ParameterLayout Layout;
  Options Opts;
  double TrialLength = 0.0;          ///< T, ms
  std::vector<Dynamics> LayerDynamics;
  std::vector<uint64_t> NeuronOffset; ///< per layer, plus the total at end
  std::vector<uint32_t> LayerOf;      ///< per neuron
  /// Projections leaving each source (0: input, k: layers[k - 1]).
  std::vector<std::vector<uint32_t>> Outgoing;
  Weighting LossWeighting; ///< w(t) of the Sum* losses
};

} // namespace axon::eventprop::reference
