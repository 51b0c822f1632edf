//===- BatchBuffers.h - Memory of one batch as the kernels see it -*- C++ -*-===//
//
// Plain pointers into the batch's buffers (device memory on the GPU, host
// memory in the emulator), passed to the kernels by value, and the
// per-sample scratch that lives in one block's shared memory. Sample b's
// part of a per-sample array starts at b times its stride; all strides are
// derived from the DeviceNetwork and the record capacity, so nothing here
// is sized per step: memory does not grow with steps x neurons except the
// (N + 2) record offsets per sample.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/NeuronUpdate.h"

#include <cstdint>

namespace axon::eventprop::cuda {

/// Per-sample counters, kept in shared memory and written once per kernel.
enum SampleCounter : uint32_t {
  kSpikesEmitted,   ///< all spikes, recorded or not (overflow check)
  kClampedSlopes,
  kForwardEvents,
  kBackwardEvents,
  kNumSampleCounters
};

struct BatchBuffers {
  uint32_t numSamples = 0;
  const float *params = nullptr; ///< ParameterLayout buffer
  /// Binned input spikes (BinnedInputs): starts has N + 1 entries per sample.
  const uint32_t *inputChannels = nullptr;
  const uint32_t *inputStarts = nullptr;
  const double *readoutWeights = nullptr; ///< N + 1 trapezoid weights
  const int32_t *labels = nullptr;        ///< per sample

  /// One sample's arrival ring (forward, floats) and adjoint history
  /// (backward, pairs) share the same memory: ringElements pairs per sample.
  AdjointSample<float> *history = nullptr;

  /// Spike records, `recordCapacity` per sample: global neuron and clamped
  /// crossing slope, in (grid point, neuron) order. recordStarts holds N + 2
  /// offsets per sample: the spikes at grid point m are records
  /// [recordStarts[m], recordStarts[m + 1]).
  uint32_t recordCapacity = 0;
  uint32_t *recordNeurons = nullptr;
  float *recordSlopes = nullptr;
  uint32_t *recordStarts = nullptr;

  /// Readout outputs, K = readout size per sample.
  double *readout = nullptr;       ///< z_k (or max V); FirstSpike: unused
  uint32_t *peakStep = nullptr;    ///< MaxVoltage
  double *peakKinkSlope = nullptr; ///< MaxVoltage, per ms
  float *lastArrived = nullptr;    ///< MaxVoltage scratch: arrivals at n
  uint32_t *firstStep = nullptr;   ///< FirstSpike: N + 1 when silent
  uint32_t *neuronSpikes = nullptr;        ///< per sample and global neuron
  unsigned long long *counters = nullptr;  ///< kNumSampleCounters per sample

  /// Backward inputs.
  const double *dLossDz = nullptr;         ///< K per sample
  /// FirstSpike: the phantom kick of a silent label neuron, already scaled
  /// (batchScale dL/dt / (theta - reset)), per sample; 0: none.
  const double *phantomKicks = nullptr;
  const double *regulariserKicks = nullptr; ///< per neuron, or null
  double batchScale = 1.0;                  ///< 1 / B
  /// Per-sample gradient sums, 2 floats per synapse (interleaved lambda_I,
  /// lambda_V - lambda_I), summed over samples in sample order by the
  /// reduction.
  float *accumulators = nullptr;
  float *grads = nullptr; ///< ParameterLayout buffer, the reduction's output
};

/// One sample's working state: a block's shared memory on the GPU.
struct SampleState {
  float *v = nullptr; ///< forward V; backward lambda_V (per global neuron)
  float *i = nullptr; ///< forward I; backward lambda_I
  float *slope = nullptr;   ///< crossing slope of this step's spikes
  uint32_t *mask = nullptr; ///< spikes of this step, one bit per neuron
  uint32_t *list = nullptr; ///< spikes of the current grid point, in order
  uint32_t *listCount = nullptr;
  uint32_t *recorded = nullptr; ///< spikes emitted so far by this sample
  unsigned long long *counters = nullptr; ///< kNumSampleCounters
};

/// Bytes of shared memory one block needs for `numNeurons` neurons, laid
/// out by carveSampleState.
AXON_HD inline uint64_t sampleStateBytes(uint32_t numNeurons,
                                         uint32_t numMaskWords) {
  return 8 * uint64_t(kNumSampleCounters) + 4 * 2 + 4 * uint64_t(numNeurons) * 4 +
         4 * uint64_t(numMaskWords);
}

/// Splits `memory` (8-byte aligned, sampleStateBytes long) into the state.
AXON_HD inline SampleState carveSampleState(void *memory, uint32_t numNeurons,
                                            uint32_t numMaskWords) {
  SampleState st;
  auto *counters = static_cast<unsigned long long *>(memory);
  st.counters = counters;
  auto *words = reinterpret_cast<uint32_t *>(counters + kNumSampleCounters);
  st.listCount = words;
  st.recorded = words + 1;
  st.v = reinterpret_cast<float *>(words + 2);
  st.i = st.v + numNeurons;
  st.slope = st.i + numNeurons;
  st.list = reinterpret_cast<uint32_t *>(st.slope + numNeurons);
  st.mask = st.list + numNeurons;
  return st;
}

} // namespace axon::eventprop::cuda
