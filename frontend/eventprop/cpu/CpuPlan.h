//===- CpuPlan.h - A network laid out for the CPU engine --------*- C++ -*-===//
//
// Internal to the CPU engine: what one batch run needs to know about the
// network, precomputed once per run and shared read-only by all workers:
// flat neuron numbering, per-layer ring geometry, the integer delay of every
// synapse and the readout's per-step loss weights.
//
// Time grid: grid point n is time n*dt, n = 0..N (N = numSteps), and step n
// integrates (n dt, (n+1) dt). See CpuEngine.h for the event conventions.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Engine.h"
#include "frontend/eventprop/Network.h"
#include "frontend/eventprop/cpu/RowKernels.h"

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace axon::eventprop::cpu {

struct LayerPlan {
  uint32_t offset = 0; ///< global index of the layer's first neuron
  uint32_t size = 0;
  bool lif = false;
  double tauMem = 0.0, tauSyn = 0.0; ///< ms
  double threshold = 0.0, reset = 0.0;
  /// Slopes I - theta below this are clamped (CpuEngineOptions::minSlope
  /// times threshold - reset).
  double minSlope = 0.0;
  /// The layer's arrival ring and adjoint history hold 2 * ringDepth slots
  /// of `size` values. ringDepth is a power of two > the largest delay
  /// (steps) of any projection into the layer. Grid point n owns slots
  /// n & ringMask and (n & ringMask) + ringDepth: a spike at s writes (and
  /// the backward pass reads) synapse j of delay d at slot
  /// (s & ringMask) + d, which is one of the two slots of s + d: no
  /// wrap-around in the per-synapse loop.
  uint32_t ringDepth = 1;
  uint32_t ringMask = 0;
  uint64_t ringOffset = 0; ///< first element in a worker's ring
  /// The adjoint history has the same layout with its own depth: a power
  /// of two > the largest delay + kDeferredBlock, so that the gradient sums
  /// of input spikes can be taken a block of grid points late
  /// (CpuBackward.cpp), when every arrival of the block is still held.
  uint32_t historyDepth = 1;
  uint32_t historyMask = 0;
  uint64_t historyOffset = 0; ///< first element in a worker's history
  /// The neurons are cut into tiles of tileWidth (the last one narrower),
  /// each with its own contiguous 2 * ringDepth slots of its width, sized
  /// so that a tile's ring stays in the L1 cache while every spike of a
  /// grid point scatters into it (CpuEngineOptions::ringTileBytes). Within
  /// a tile of width W, synapse j (tile-relative) of delay d sits at
  /// d * W + j from the tile's slot (s & ringMask): the 16-bit ring offset.
  uint32_t tileWidth = 1;
  uint32_t numTiles = 1;

  uint32_t tileStart(uint32_t t) const { return t * tileWidth; }
  uint32_t tileSpan(uint32_t t) const {
    return std::min(tileWidth, size - t * tileWidth);
  }
  /// Element of grid slot `slot` (0 .. 2 ringDepth - 1) of tile t, relative
  /// to ringOffset.
  uint64_t ringSlot(uint32_t t, uint32_t slot) const {
    return tileSlot(ringDepth, t, slot);
  }
  /// Element of grid slot `slot` (0 .. 2 historyDepth - 1) of tile t,
  /// relative to historyOffset.
  uint64_t historySlot(uint32_t t, uint32_t slot) const {
    return tileSlot(historyDepth, t, slot);
  }
  /// Element of neuron j at history slot `slot`, relative to historyOffset.
  uint64_t historyElement(uint32_t slot, uint32_t j) const {
    uint32_t t = j / tileWidth;
    return historySlot(t, slot) + (j - tileStart(t));
  }

private:
  uint64_t tileSlot(uint32_t depth, uint32_t t, uint32_t slot) const {
    return 2 * uint64_t(depth) * tileStart(t) + uint64_t(slot) * tileSpan(t);
  }
};

struct ProjectionPlan {
  uint32_t source = 0; ///< 0: input, k: layers[k - 1]
  uint32_t post = 0;   ///< layer index
  uint32_t preSize = 0, postSize = 0;
  uint64_t weightOffset = 0, delayOffset = 0; ///< into the parameter buffer
  uint64_t synapseOffset = 0; ///< into Plan::ringOffsets, accumulators
  uint32_t maxDelay = 0;      ///< the largest rounded delay (steps)
  bool gradients = true;      ///< accumulate this projection's gradients
  /// Input projection whose gradient sums the backward pass takes a block
  /// of grid points late (CpuBackward.cpp): any with gradients, except into
  /// a max-voltage readout, whose sums take a per-spike kink fix.
  bool deferred = false;

  /// Every rounded delay is 0: contiguous rows.
  bool zeroDelay() const { return maxDelay == 0; }
};

/// Grid points per block of deferred input gradients (ProjectionPlan).
/// More spikes of a channel per block reuse its gradient sums more; the
/// history grows by as many slots.
constexpr uint32_t kDeferredBlock = 64;

struct Plan {
  const NetworkDesc *net = nullptr;
  const float *params = nullptr;
  /// The per-row loops of float state (RowKernels.h).
  RowKernelSet kernels;
  uint32_t numSteps = 0;
  double dt = 0.0, trialLength = 0.0; ///< ms
  std::vector<LayerPlan> layers;
  std::vector<ProjectionPlan> projections;
  /// Projections leaving each source, in projection order.
  std::vector<std::vector<uint32_t>> outgoing;
  /// Projections from source s (0: input, k: layer k - 1) into layer l, in
  /// projection order: routes[routeStart[s * L + l] .. routeStart[s * L + l
  /// + 1]), L the number of layers.
  std::vector<uint32_t> routes, routeStart;
  /// Tile-relative ring offset d * W + j of every synapse (LayerPlan; d its
  /// rounded delay in steps), projections concatenated, row-major by
  /// presynaptic neuron like the weights.
  std::vector<uint16_t> ringOffsets;
  std::vector<uint32_t> layerOf; ///< per global neuron
  uint32_t numNeurons = 0;
  uint64_t numSynapses = 0;
  uint64_t ringElements = 0;    ///< sum over layers of 2 * ringDepth * size
  uint64_t historyElements = 0; ///< sum of 2 * historyDepth * size
  /// Integral losses: z_k = sum_n readoutWeight[n] V_k(n), n = 0..N, the
  /// trapezoid rule for (1/T) integral_0^T w(t) V dt on the grid.
  std::vector<double> readoutWeights;

  uint32_t readoutLayer() const { return layers.size() - 1; }
  llvm::ArrayRef<uint32_t> projectionsInto(uint32_t source,
                                           uint32_t layer) const {
    size_t k = size_t(source) * layers.size() + layer;
    return llvm::ArrayRef<uint32_t>(routes).slice(
        routeStart[k], routeStart[k + 1] - routeStart[k]);
  }
  const LayerPlan &readout() const { return layers.back(); }
};

/// One emitted spike, as the backward pass needs it.
struct SpikeRecord {
  uint32_t step = 0;   ///< grid point of the spike, 1..N
  uint32_t neuron = 0; ///< global neuron index
  float slope = 0.0f;  ///< I - theta at the crossing, after clamping
};

/// Everything the forward pass of one sample leaves for the backward pass
/// and for the report; kept by the engine between the two phases, reused
/// (with its capacity) across batches.
struct SampleRecord {
  std::vector<SpikeRecord> spikes; ///< in step order; grows as needed
  std::vector<double> readout;     ///< z_k, see SampleResult::readout
  /// d(sample loss)/d(readout_k); FirstSpike: d(loss)/d(t_k) per ms.
  std::vector<double> dLossDz;
  std::vector<uint32_t> peakStep; ///< MaxVoltage: grid point of max V
  /// MaxVoltage: when the peak is a kink made by arrivals at peakStep (V
  /// rising before them, not after: a negative weight), dV/dt just before
  /// them (per ms), else 0. Moving such an arrival moves the peak along the
  /// rising trajectory: d(max V)/d(arrival time) = this slope.
  std::vector<double> peakKinkSlope;
  std::vector<uint32_t> firstStep; ///< FirstSpike: first spike, N+1 silent
  std::vector<uint64_t> layerSpikes;
  double loss = 0.0;
  int32_t predicted = -1;
  /// FirstSpike: the label neuron is silent; d(loss)/dt_label at T for the
  /// phantom kick.
  bool phantom = false;
  double phantomGradient = 0.0;
  EngineCounters counters;
};

} // namespace axon::eventprop::cpu
