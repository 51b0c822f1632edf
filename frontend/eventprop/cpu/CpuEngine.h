//===- CpuEngine.h - Time-stepped EventProp on CPU threads ------*- C++ -*-===//
//
// The production CPU engine: a time-stepped simulation at dt with exact
// exponential integration per step (NeuronUpdate.h), event-driven synaptic
// work (cost ~ spikes x fan-out, never neurons x synapses per step), and the
// EventProp adjoint integrated back over the same grid. Parallel over the
// samples of a batch; results are bit-identical for any thread count.
//
// Conventions (what the float64 reference engine is compared against):
//  - Grid point n is time n*dt, n = 0..N; step n integrates (n dt, (n+1) dt).
//  - An input spike at t ms belongs to grid point floor(t / dt).
//  - A LIF neuron whose V reaches theta during step n spikes AT GRID POINT
//    n+1 (time (n+1) dt) and resets there; one spike per neuron per step at
//    most.
//  - A spike at grid point s over a synapse with delay d (steps) arrives at
//    grid point s + d exactly: d = clamp(round(d_param), 0, maxDelaySteps).
//    An arrival adds w to I before step s + d. With d = 0 the arrival is at
//    the spike's own grid point, i.e. it acts from the step after the one in
//    which the spiking neuron crossed threshold; this is the same for
//    feed-forward and recurrent projections. Arrivals at s + d >= N are
//    dropped (after the trial).
//  - Readout losses measure V on the grid: (1/T) integral w(t) V dt by the
//    trapezoid rule over grid points 0..N, max V over grid points 0..N, and
//    first spike grid point (time s dt; T when silent).
//  - The slope I - theta at a crossing (divisor of the adjoint jump) uses I
//    decayed to the crossing placed by linear interpolation of V within the
//    step; below minSlope * (theta - reset) it is clamped and counted.
//  - The backward pass is the exact transpose of the forward for everything
//    that does not move spikes (readout and leaky-integrator layers), so
//    their gradients equal finite differences of this engine's own loss; for
//    spike times it applies the continuous EventProp jump (eventprop.md B.3)
//    at the grid spike times, which converges to the exact gradient as dt
//    -> 0 (checked against the reference engine: ~0.1 % at dt = 0.0025 ms
//    on a recurrent network with delays, every loss). Delay gradients are
//    the continuous-time gradient at the rounded delay (straight-through,
//    F.9). MaxVoltage: when the peak is made by negative-weight arrivals at
//    its grid point, each of them gets d(max V)/d(arrival) = dV/dt before
//    it, as in the reference engine.
//  - Scale: see Engine.h (mean loss over the batch, WP scaling, delay
//    gradients per step).
//  - Memory: per worker, arrival rings of 2 x (maxDelay + 1, rounded up to
//    a power of two) slots per neuron, an adjoint history of 2 x (that +
//    64, rounded up likewise: the deferred input gradients' block), and two
//    per-sample gradient accumulators (2 values per synapse); per sample, 12
//    bytes per spike (kept from the forward to the backward phase, since
//    the regulariser needs the batch's spike counts first). Nothing grows
//    with steps x neurons. Scratch is kept and reused across calls.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Engine.h"

#include <memory>
#include <vector>

namespace axon::eventprop {

enum class Precision : uint8_t {
  /// float32 state and per-sample sums, float64 across samples: the
  /// default, for speed.
  Float32,
  /// float64 throughout: for gradient checks by finite differences.
  Float64,
};

struct CpuEngineOptions {
  /// Worker threads including the caller; 0: hardware concurrency.
  unsigned threads = 0;
  Precision precision = Precision::Float32;
  /// Grazing-crossing guard: slopes I - theta below minSlope * (theta -
  /// reset) are raised to it (and counted in EngineCounters::clampedSlopes).
  /// The exact gradient diverges there (eventprop.md F.4).
  double minSlope = 1e-2;
  /// FirstSpike: kick a silent correct readout neuron as if it fired at T
  /// (eventprop.md C.1). Off gives the exact gradient of the loss, in which a
  /// silent neuron's time T is constant.
  bool phantomKick = true;
  /// Zero the gradients of weights (delays) of projections that do not
  /// learn them, and skip their work where possible.
  bool maskFrozenParameters = true;
  /// Run the per-row loops with the widest vector instructions the
  /// processor has (AVX-512 gathers and scatters); false: the generic
  /// loops. Spike trains and per-synapse sums are identical either way.
  bool vectorKernels = true;
  /// Bytes of float arrival ring per layer tile (CpuPlan.h LayerPlan): the
  /// neurons of a layer are cut into tiles whose ring fits the L1 data
  /// cache, and the spikes of a grid point are scattered (and gathered)
  /// tile by tile. 0: one tile per layer where the 16-bit ring offsets
  /// allow it. Results do not depend on it, except for the order in which
  /// a spike's feedback sum is added up.
  uint32_t ringTileBytes = 32 * 1024;
  /// Take the gradient sums of input spikes a block of grid points late,
  /// channel by channel, so that a channel's sums are read and written once
  /// per block rather than once per spike (CpuBackward.cpp). Results are
  /// bit-identical either way: each sum meets its spikes in the same order.
  bool deferInputGradients = true;
};

/// The forward pass of one sample in detail, for tests and debugging.
struct ForwardTrace {
  uint32_t layer = 0; ///< the layer whose voltages are traced
  uint32_t size = 0;  ///< its neurons
  /// V at grid points n = 0..N (after any reset at n): voltage[n * size + j].
  std::vector<float> voltage;
  /// Every spike of every layer, in time order: grid point and global
  /// neuron index (layers numbered consecutively from 0).
  std::vector<uint32_t> spikeSteps, spikeNeurons;
  /// I - theta at each crossing, as the backward pass uses it (clamped).
  std::vector<float> spikeSlopes;
  SampleResult result;
};

class CpuEngine final : public Engine {
public:
  explicit CpuEngine(CpuEngineOptions options = {});
  ~CpuEngine() override;
  CpuEngine(const CpuEngine &) = delete;
  CpuEngine &operator=(const CpuEngine &) = delete;

  llvm::StringRef name() const override { return "cpu"; }
  const CpuEngineOptions &options() const;
  unsigned threads() const;

  llvm::Expected<BatchResult> run(const NetworkDesc &net,
                                  llvm::ArrayRef<float> params,
                                  llvm::ArrayRef<Sample> batch,
                                  llvm::MutableArrayRef<float> grads) override;

  /// Forward pass of one sample on the calling thread, recording V of
  /// `layer` at every grid point and all spikes.
  llvm::Expected<ForwardTrace> trace(const NetworkDesc &net,
                                     llvm::ArrayRef<float> params,
                                     const Sample &sample, uint32_t layer);

private:
  llvm::Error check(const NetworkDesc &net, llvm::ArrayRef<float> params,
                    llvm::ArrayRef<Sample> batch,
                    llvm::MutableArrayRef<float> grads) const;

  struct State;
  std::unique_ptr<State> S;
};

} // namespace axon::eventprop
