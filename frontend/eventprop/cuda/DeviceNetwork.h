//===- DeviceNetwork.h - A network as the CUDA kernels read it --*- C++ -*-===//
//
// The CUDA engine's view of a validated NetworkDesc: fixed-size plain data
// passed to every kernel by value (no __constant__ symbol, so no global
// state), plus the index arithmetic that both the kernels and the host
// emulator use. Everything here is __host__ __device__ so the CPU tests
// check the same arithmetic the GPU runs.
//
// Conventions are the CPU engine's (cpu/CpuEngine.h, cpu/CpuPlan.h): global
// neuron numbering with layers concatenated, per-layer arrival rings and
// adjoint histories of 2 x ringDepth slots of `size` values, a spike at
// grid point s over a synapse of rounded delay d landing in slot
// (s & ringMask) + d, which is one of the two slots of grid point s + d.
// Keeping the two-slot split (rather than one wrapped ring) makes the
// floating-point sum of the arrivals at a grid point the same sum, in the
// same order, as on the CPU: the spike trains are then bit-identical.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/eventprop/NeuronUpdate.h"

#include <cstdint>

namespace axon::eventprop::cuda {

/// Limits of the fixed-size tables passed to the kernels by value; larger
/// networks are rejected with a diagnostic (CudaEngine::run).
inline constexpr uint32_t kMaxLayers = 8;
inline constexpr uint32_t kMaxProjections = 16;
inline constexpr uint32_t kWarpSize = 32;

struct DeviceLayer {
  uint32_t offset = 0; ///< global index of the first neuron
  uint32_t size = 0;
  bool lif = false;
  /// Ring/history geometry, as cpu::LayerPlan: ringDepth is a power of two
  /// greater than the largest delay (steps) of any projection into the layer.
  uint32_t ringDepth = 1;
  uint32_t ringMask = 0;
  uint64_t ringOffset = 0; ///< first element in one sample's ring/history
  float threshold = 0, reset = 0;
  float thresholdMinusReset = 0; ///< rounded from the float64 difference
  float minSlope = 0;            ///< clamp of the crossing slope I - theta
  float stepOverTauSyn = 0;      ///< dt / tau_s
  StepCoefficients<float> coeff;
  double tauMem = 0, tauSyn = 0; ///< ms
};

struct DeviceProjection {
  uint32_t source = 0; ///< 0: input, k: layers[k - 1]
  uint32_t post = 0;   ///< layer index
  uint32_t preSize = 0, postSize = 0;
  uint32_t maxDelaySteps = 0;
  uint64_t weightOffset = 0, delayOffset = 0; ///< into the parameter buffer
  /// First synapse in the per-sample accumulators (two floats per synapse:
  /// sum lambda_I, sum lambda_V - lambda_I).
  uint64_t synapseOffset = 0;
  bool gradients = true;     ///< accumulate this projection's sums
  bool weightGradient = true; ///< report d/dw (else 0)
  bool delayGradient = true;  ///< report d/dd (else 0)
};

struct DeviceNetwork {
  DeviceLayer layers[kMaxLayers];
  DeviceProjection projections[kMaxProjections];
  uint32_t numLayers = 0, numProjections = 0;
  uint32_t inputSize = 0;
  uint32_t numNeurons = 0;
  uint32_t numMaskWords = 0; ///< 32-bit words of one step's spike mask
  uint32_t numSteps = 0;
  uint64_t numSynapses = 0;
  uint64_t ringElements = 0; ///< one sample's ring (= history) elements
  double dt = 0;             ///< ms
  LossKind loss = LossKind::SumExpWeighted;
  bool inputGradients = false; ///< some projection from the input learns

  AXON_HD const DeviceLayer &readout() const { return layers[numLayers - 1]; }
  AXON_HD uint32_t readoutLayer() const { return numLayers - 1; }

  /// The layer of global neuron g (layers are few: a linear scan).
  AXON_HD uint32_t layerOf(uint32_t g) const {
    uint32_t l = 0;
    while (l + 1 < numLayers && g >= layers[l + 1].offset)
      ++l;
    return l;
  }
};

/// Element of a layer's ring (or history) that synapse column j of a spike
/// at grid point `step` with rounded delay `delay` uses: slot
/// (step & mask) + delay, never wrapped (delay < ringDepth).
AXON_HD inline uint64_t ringElement(const DeviceLayer &post, uint32_t step,
                                    uint32_t delay, uint32_t j) {
  return post.ringOffset +
         (uint64_t((step & post.ringMask) + delay)) * post.size + j;
}

/// The first of the two slots grid point `step` owns for neuron j; the
/// second is ringDepth * size further.
AXON_HD inline uint64_t ownSlot(const DeviceLayer &layer, uint32_t step,
                                uint32_t j) {
  return layer.ringOffset + uint64_t(step & layer.ringMask) * layer.size + j;
}

AXON_HD inline uint64_t secondSlotDistance(const DeviceLayer &layer) {
  return uint64_t(layer.ringDepth) * layer.size;
}

/// Index of synapse (row, j) of projection p in the parameter buffer's
/// weight (delay) block and in the accumulators (before the factor 2).
AXON_HD inline uint64_t synapseInProjection(const DeviceProjection &p,
                                            uint32_t row, uint32_t j) {
  return uint64_t(row) * p.postSize + j;
}

/// Rounded delay of synapse (row, j): the same clamp-and-round as the CPU
/// engine (NeuronUpdate.h), recomputed in the kernels so that no table of
/// ring offsets needs uploading when delays change.
AXON_HD inline uint32_t synapseDelay(const DeviceProjection &p,
                                     const float *params, uint32_t row,
                                     uint32_t j) {
  return roundedDelay(params[p.delayOffset + synapseInProjection(p, row, j)],
                      p.maxDelaySteps);
}

} // namespace axon::eventprop::cuda
