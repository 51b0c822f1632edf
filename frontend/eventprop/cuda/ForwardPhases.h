//===- ForwardPhases.h - One sample's forward pass, phase by phase -*- C++ -*-===//
//
// The forward kernel runs one sample per thread block; its body is these
// __host__ __device__ phases separated by block barriers, and the host
// emulator (HostTarget.cpp) runs the same phases thread by thread. Order of
// events at grid point n is the CPU engine's (cpu/CpuForward.cpp):
//   scatter   inputs binned to n, then the spikes of grid point n in neuron
//             order, into the arrival rings (slot of n + delay);
//   update    per neuron: take the arrivals of n, measure the readout at n,
//             step to n + 1; a LIF crossing sets the neuron's bit in the
//             step's spike mask;
//   compact   the mask becomes the ordered list of grid point n + 1 and the
//             sample's spike records.
// Work split: in `scatter` thread t owns columns j = t (mod T) of every
// post layer, so each ring element is updated by one thread, in the CPU's
// order, without atomics; in `update` thread t owns neurons g = t (mod T).
// Hence the arrivals, and so V, I and the spike trains, are bit-identical
// to the CPU engine's (the kernels are compiled without FMA contraction).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/NeuronUpdate.h"
#include "frontend/eventprop/cuda/BatchBuffers.h"
#include "frontend/eventprop/cuda/DeviceNetwork.h"

namespace axon::eventprop::cuda {

AXON_HD inline void addCounter(unsigned long long *counter,
                               unsigned long long value) {
#ifdef __CUDA_ARCH__
  atomicAdd(counter, value);
#else
  *counter += value;
#endif
}

AXON_HD inline void setSpikeBit(uint32_t *mask, uint32_t g) {
#ifdef __CUDA_ARCH__
  atomicOr(mask + (g >> 5), 1u << (g & 31));
#else
  mask[g >> 5] |= 1u << (g & 31);
#endif
}

/// One sample's ring, as floats, in the memory it shares with the history.
AXON_HD inline float *sampleRing(const DeviceNetwork &net,
                                 const BatchBuffers &buf, uint32_t b) {
  return reinterpret_cast<float *>(buf.history + b * net.ringElements);
}

AXON_HD inline void forwardBegin(const DeviceNetwork &net,
                                 const BatchBuffers &buf, const SampleState &st,
                                 uint32_t b, uint32_t t, uint32_t T) {
  for (uint32_t g = t; g < net.numNeurons; g += T) {
    st.v[g] = 0.0f;
    st.i[g] = 0.0f;
    st.slope[g] = 0.0f;
    buf.neuronSpikes[uint64_t(b) * net.numNeurons + g] = 0;
  }
  for (uint32_t w = t; w < net.numMaskWords; w += T)
    st.mask[w] = 0;
  float *ring = sampleRing(net, buf, b);
  for (uint64_t e = t; e < net.ringElements; e += T)
    ring[e] = 0.0f;
  const uint32_t K = net.readout().size;
  for (uint32_t k = t; k < K; k += T) {
    const uint64_t bk = uint64_t(b) * K + k;
    buf.readout[bk] = 0.0; // V(0) = 0: also the max so far
    buf.peakStep[bk] = 0;
    buf.peakKinkSlope[bk] = 0.0;
    buf.lastArrived[bk] = 0.0f;
    buf.firstStep[bk] = net.numSteps + 1;
  }
  if (t == 0) {
    *st.listCount = 0;
    *st.recorded = 0;
    for (uint32_t c = 0; c < kNumSampleCounters; ++c)
      st.counters[c] = 0;
    uint32_t *starts = buf.recordStarts + uint64_t(b) * (net.numSteps + 2);
    starts[0] = 0;
    starts[1] = 0;
  }
}

/// Thread t's share of one presynaptic row's scatter: every projection
/// leaving `source`, in projection order, columns j = t (mod T).
AXON_HD inline void scatterRow(const DeviceNetwork &net,
                               const BatchBuffers &buf, const SampleState &st,
                               float *ring, uint32_t source, uint32_t row,
                               uint32_t step, uint32_t t, uint32_t T) {
  for (uint32_t p = 0; p < net.numProjections; ++p) {
    const DeviceProjection &proj = net.projections[p];
    if (proj.source != source)
      continue;
    const DeviceLayer &post = net.layers[proj.post];
    const float *w =
        buf.params + proj.weightOffset + synapseInProjection(proj, row, 0);
    if (t == 0)
      addCounter(st.counters + kForwardEvents, proj.postSize);
    for (uint32_t j = t; j < proj.postSize; j += T) {
      uint32_t delay = synapseDelay(proj, buf.params, row, j);
      ring[ringElement(post, step, delay, j)] += w[j];
    }
  }
}

AXON_HD inline void forwardScatter(const DeviceNetwork &net,
                                   const BatchBuffers &buf,
                                   const SampleState &st, uint32_t b,
                                   uint32_t n, uint32_t t, uint32_t T) {
  float *ring = sampleRing(net, buf, b);
  const uint32_t *starts = buf.inputStarts + uint64_t(b) * (net.numSteps + 1);
  for (uint32_t s = starts[n]; s < starts[n + 1]; ++s)
    scatterRow(net, buf, st, ring, 0, buf.inputChannels[s], n, t, T);
  const uint32_t count = *st.listCount;
  for (uint32_t r = 0; r < count; ++r) {
    const uint32_t g = st.list[r];
    const uint32_t l = net.layerOf(g);
    scatterRow(net, buf, st, ring, l + 1, g - net.layers[l].offset, n, t, T);
  }
}

/// The readout's loss quantity at grid point n (cpu Worker::forward's
/// measureReadout): `arrived` is the weight that arrived at n (at N, where
/// nothing arrives, the CPU engine still uses that of N - 1).
AXON_HD inline void measureReadout(const DeviceNetwork &net,
                                   const BatchBuffers &buf,
                                   const SampleState &st, uint32_t b,
                                   uint32_t n, uint32_t k, uint32_t g,
                                   float arrived, bool stepping) {
  const DeviceLayer &readout = net.readout();
  const uint64_t bk = uint64_t(b) * readout.size + k;
  const float v = st.v[g];
  if (net.loss == LossKind::SumExpWeighted ||
      net.loss == LossKind::SumLinearWeighted || net.loss == LossKind::Sum) {
    buf.readout[bk] += buf.readoutWeights[n] * double(v);
    return;
  }
  if (net.loss != LossKind::MaxVoltage)
    return;
  if (stepping)
    buf.lastArrived[bk] = arrived;
  else
    arrived = buf.lastArrived[bk];
  if (double(v) > buf.readout[bk]) {
    buf.readout[bk] = v;
    buf.peakStep[bk] = n;
    // tau_m dV/dt = I - V before and after this grid point's arrivals.
    const float current = st.i[g];
    double before = double(current - arrived - v);
    double after = double(current - v);
    buf.peakKinkSlope[bk] =
        before > 0.0 && after <= 0.0 ? before / readout.tauMem : 0.0;
  }
}

/// Arrivals, readout measurement and (n < N) one step of every neuron
/// g = t (mod T).
AXON_HD inline void forwardUpdate(const DeviceNetwork &net,
                                  const BatchBuffers &buf,
                                  const SampleState &st, uint32_t b,
                                  uint32_t n, uint32_t t, uint32_t T) {
  const bool stepping = n < net.numSteps;
  float *ring = sampleRing(net, buf, b);
  const uint32_t readoutLayer = net.readoutLayer();
  for (uint32_t g = t; g < net.numNeurons; g += T) {
    const uint32_t l = net.layerOf(g);
    const DeviceLayer &layer = net.layers[l];
    const uint32_t j = g - layer.offset;
    float arrived = 0.0f;
    if (stepping) {
      float *first = ring + ownSlot(layer, n, j);
      float *second = first + secondSlotDistance(layer);
      arrived = *first + *second;
      st.i[g] += arrived;
      *first = 0.0f;
      *second = 0.0f;
    }
    if (l == readoutLayer)
      measureReadout(net, buf, st, b, n, j, g, arrived, stepping);
    if (!stepping)
      continue;
    if (!layer.lif) {
      forwardStep(st.v[g], st.i[g], layer.coeff);
      continue;
    }
    float slope;
    if (!lifStep(st.v[g], st.i[g], layer.coeff, layer.threshold, layer.reset,
                 layer.stepOverTauSyn, slope))
      continue;
    if (clampSlope(slope, layer.minSlope))
      addCounter(st.counters + kClampedSlopes, 1);
    st.slope[g] = slope;
    setSpikeBit(st.mask, g);
    ++buf.neuronSpikes[uint64_t(b) * net.numNeurons + g];
    if (l == readoutLayer) {
      uint32_t &first = buf.firstStep[uint64_t(b) * layer.size + j];
      if (first > n + 1)
        first = n + 1;
    }
  }
}

/// Puts neuron g at `position` of this step's list and, capacity allowing,
/// into the sample's records (never dropped silently: the host sees
/// kSpikesEmitted > capacity, grows the records and reruns the batch).
AXON_HD inline void emitSpike(const BatchBuffers &buf, const SampleState &st,
                              uint32_t b, uint32_t position, uint32_t g) {
  st.list[position] = g;
  const uint64_t index = uint64_t(*st.recorded) + position;
  if (index < buf.recordCapacity) {
    const uint64_t at = uint64_t(b) * buf.recordCapacity + index;
    buf.recordNeurons[at] = g;
    buf.recordSlopes[at] = st.slope[g];
  }
}

/// After all spikes of step n (grid point n + 1) are emitted; one thread.
AXON_HD inline void finishCompaction(const DeviceNetwork &net,
                                     const BatchBuffers &buf,
                                     const SampleState &st, uint32_t b,
                                     uint32_t n, uint32_t count) {
  *st.listCount = count;
  *st.recorded += count;
  st.counters[kSpikesEmitted] += count;
  buf.recordStarts[uint64_t(b) * (net.numSteps + 2) + n + 2] = *st.recorded;
}

/// The compaction as one thread does it (the emulator; the kernel uses one
/// warp, same result): set bits in increasing neuron order, mask cleared.
AXON_HD inline void compactSpikesSequential(const DeviceNetwork &net,
                                            const BatchBuffers &buf,
                                            const SampleState &st, uint32_t b,
                                            uint32_t n) {
  uint32_t count = 0;
  for (uint32_t w = 0; w < net.numMaskWords; ++w) {
    uint32_t word = st.mask[w];
    st.mask[w] = 0;
    for (uint32_t bit = 0; bit < 32; ++bit)
      if (word & (1u << bit))
        emitSpike(buf, st, b, count++, w * 32 + bit);
  }
  finishCompaction(net, buf, st, b, n, count);
}

AXON_HD inline void forwardEnd(const BatchBuffers &buf, const SampleState &st,
                               uint32_t b, uint32_t t) {
  if (t != 0)
    return;
  for (uint32_t c = 0; c < kNumSampleCounters; ++c)
    if (c != kBackwardEvents)
      buf.counters[uint64_t(b) * kNumSampleCounters + c] = st.counters[c];
}

} // namespace axon::eventprop::cuda
