//===- BackwardPhases.h - One sample's adjoint pass, phase by phase -*- C++ -*-===//
//
// The backward kernel runs one sample per block, grid point n = N down to
// 0, in the CPU engine's order (cpu/CpuBackward.cpp):
//   history   (n < N) every neuron's adjoint steps back over step n, and
//             lambda(n+) goes into both history slots of n;
//   gather    input spikes at n: thread t owns columns j = t (mod T), as in
//             the forward scatter; spikes of grid point n (from the
//             records): one warp per spike, its lanes over the row, the
//             feedback sum_j w (lambda_V - lambda_I) reduced across the
//             warp, then lane 0 applies the spike's jump and regulariser
//             kick (a neuron spikes at most once per grid point, so rows
//             and lambda_V entries are private to their warp);
//   forcing   the readout's loss forcing at n.
// Per-synapse sums go into the sample's own accumulators, each updated by
// one thread in the CPU's order; the reduction adds the samples in sample
// order in float64. No atomics on gradients, no contention.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/cuda/ForwardPhases.h"

namespace axon::eventprop::cuda {

AXON_HD inline void backwardBegin(const DeviceNetwork &net,
                                  const BatchBuffers &buf,
                                  const SampleState &st, uint32_t b,
                                  uint32_t t, uint32_t T) {
  for (uint32_t g = t; g < net.numNeurons; g += T) {
    st.v[g] = 0.0f;
    st.i[g] = 0.0f;
  }
  AdjointSample<float> *history = buf.history + b * net.ringElements;
  for (uint64_t e = t; e < net.ringElements; e += T)
    history[e] = AdjointSample<float>{0.0f, 0.0f};
  float *acc = buf.accumulators + b * 2 * net.numSynapses;
  for (uint64_t s = t; s < 2 * net.numSynapses; s += T)
    acc[s] = 0.0f;
  if (t == 0)
    st.counters[kBackwardEvents] = 0;
}

AXON_HD inline void backwardHistory(const DeviceNetwork &net,
                                    const BatchBuffers &buf,
                                    const SampleState &st, uint32_t b,
                                    uint32_t n, uint32_t t, uint32_t T) {
  AdjointSample<float> *history = buf.history + b * net.ringElements;
  for (uint32_t g = t; g < net.numNeurons; g += T) {
    const DeviceLayer &layer = net.layers[net.layerOf(g)];
    if (n < net.numSteps)
      adjointStep(st.v[g], st.i[g], layer.coeff);
    AdjointSample<float> sample = adjointSample(st.v[g], st.i[g]);
    AdjointSample<float> *first = history + ownSlot(layer, n, g - layer.offset);
    first[0] = sample;
    first[secondSlotDistance(layer)] = sample;
  }
}

/// MaxVoltage with a peak made by a negative-weight arrival at its grid
/// point (cpu kinkCorrection): that arrival's lambda_V - lambda_I is
/// replaced by e / w with e = (dL/dz) slope / B, so that both its delay sum
/// and its feedback w (lambda_V - lambda_I) = e move the peak along the
/// rising trajectory.
AXON_HD inline float kinkAdjusted(const DeviceNetwork &net,
                                  const BatchBuffers &buf, uint32_t b,
                                  uint32_t k, uint32_t arrival, float w,
                                  float lambdaVMinusI) {
  const uint64_t bk = uint64_t(b) * net.readout().size + k;
  const double slope = buf.peakKinkSlope[bk];
  if (slope == 0.0 || w >= 0.0f || arrival != buf.peakStep[bk])
    return lambdaVMinusI;
  float e = float(buf.batchScale * buf.dLossDz[bk] * slope);
  return e / w;
}

/// The one evaluation per (spike, synapse) (eventprop.md B.5): adds
/// lambda_I and lambda_V - lambda_I at the arrival to the synapse's sums and
/// returns the synapse's feedback term w (lambda_V - lambda_I).
AXON_HD inline float gatherSynapse(const DeviceNetwork &net,
                                   const BatchBuffers &buf, uint32_t b,
                                   const DeviceProjection &proj,
                                   const AdjointSample<float> *history,
                                   uint32_t row, uint32_t j, uint32_t n) {
  const DeviceLayer &post = net.layers[proj.post];
  const uint32_t delay = synapseDelay(proj, buf.params, row, j);
  const AdjointSample<float> h = history[ringElement(post, n, delay, j)];
  const uint64_t synapse = synapseInProjection(proj, row, j);
  const float w = buf.params[proj.weightOffset + synapse];
  float lambdaVMinusI = h.lambdaVMinusI;
  if (net.loss == LossKind::MaxVoltage && proj.post == net.readoutLayer())
    lambdaVMinusI = kinkAdjusted(net, buf, b, j, n + delay, w, lambdaVMinusI);
  if (proj.gradients) {
    float *acc = buf.accumulators + b * 2 * net.numSynapses +
                 2 * (proj.synapseOffset + synapse);
    acc[0] += h.lambdaI;
    acc[1] += lambdaVMinusI;
  }
  return w * lambdaVMinusI;
}

/// Input spikes at n sample the gradients of learning input projections
/// (no feedback: inputs are fixed, eventprop.md B.3).
AXON_HD inline void backwardInputs(const DeviceNetwork &net,
                                   const BatchBuffers &buf,
                                   const SampleState &st, uint32_t b,
                                   uint32_t n, uint32_t t, uint32_t T) {
  if (n >= net.numSteps || !net.inputGradients)
    return;
  const AdjointSample<float> *history = buf.history + b * net.ringElements;
  const uint32_t *starts = buf.inputStarts + uint64_t(b) * (net.numSteps + 1);
  for (uint32_t s = starts[n]; s < starts[n + 1]; ++s) {
    const uint32_t row = buf.inputChannels[s];
    for (uint32_t p = 0; p < net.numProjections; ++p) {
      const DeviceProjection &proj = net.projections[p];
      if (proj.source != 0 || !proj.gradients)
        continue;
      if (t == 0)
        addCounter(st.counters + kBackwardEvents, proj.postSize);
      for (uint32_t j = t; j < proj.postSize; j += T)
        gatherSynapse(net, buf, b, proj, history, row, j, n);
    }
  }
}

/// Lane `lane` of `lanes`' share of record r's row (a spike at grid point
/// n): its part of the feedback sum.
AXON_HD inline float spikeFeedbackPart(const DeviceNetwork &net,
                                       const BatchBuffers &buf,
                                       const SampleState &st, uint32_t b,
                                       uint32_t n, uint32_t r, uint32_t lane,
                                       uint32_t lanes) {
  if (n >= net.numSteps) // spikes at T reach no target
    return 0.0f;
  const uint32_t g = buf.recordNeurons[uint64_t(b) * buf.recordCapacity + r];
  const uint32_t l = net.layerOf(g);
  const uint32_t row = g - net.layers[l].offset;
  const AdjointSample<float> *history = buf.history + b * net.ringElements;
  float part = 0.0f;
  for (uint32_t p = 0; p < net.numProjections; ++p) {
    const DeviceProjection &proj = net.projections[p];
    if (proj.source != l + 1)
      continue;
    if (lane == 0)
      addCounter(st.counters + kBackwardEvents, proj.postSize);
    for (uint32_t j = lane; j < proj.postSize; j += lanes)
      part += gatherSynapse(net, buf, b, proj, history, row, j, n);
  }
  return part;
}

/// The jump of record r's neuron at grid point n (eventprop.md B.3) and its
/// regulariser kick (C.3).
AXON_HD inline void applySpikeJump(const DeviceNetwork &net,
                                   const BatchBuffers &buf,
                                   const SampleState &st, uint32_t b,
                                   uint32_t n, uint32_t r, float feedback) {
  const uint64_t at = uint64_t(b) * buf.recordCapacity + r;
  const uint32_t g = buf.recordNeurons[at];
  const uint32_t l = net.layerOf(g);
  const DeviceLayer &layer = net.layers[l];
  const uint32_t j = g - layer.offset;
  float spikeTimeLoss = 0.0f;
  if (net.loss == LossKind::FirstSpike && l == net.readoutLayer() &&
      buf.firstStep[uint64_t(b) * layer.size + j] == n)
    spikeTimeLoss =
        float(buf.batchScale * buf.dLossDz[uint64_t(b) * layer.size + j]);
  st.v[g] = adjointJump(st.v[g], layer.thresholdMinusReset, feedback,
                        spikeTimeLoss, buf.recordSlopes[at]);
  if (buf.regulariserKicks)
    st.v[g] -= float(buf.regulariserKicks[g]);
}

/// Loss forcing of the readout at grid point n: lambda_V -= (dL/dV(n)) /
/// tau_m; FirstSpike: the phantom kick of a silent label neuron at N
/// (phantomKicks holds it, already scaled, or 0).
AXON_HD inline void backwardForcing(const DeviceNetwork &net,
                                    const BatchBuffers &buf,
                                    const SampleState &st, uint32_t b,
                                    uint32_t n, uint32_t t, uint32_t T) {
  const DeviceLayer &readout = net.readout();
  for (uint32_t k = t; k < readout.size; k += T) {
    const uint64_t bk = uint64_t(b) * readout.size + k;
    const uint32_t g = readout.offset + k;
    const double forcing = buf.batchScale * buf.dLossDz[bk] / readout.tauMem;
    switch (net.loss) {
    case LossKind::SumExpWeighted:
    case LossKind::SumLinearWeighted:
    case LossKind::Sum:
      st.v[g] -= float(buf.readoutWeights[n] * forcing);
      break;
    case LossKind::MaxVoltage:
      if (buf.peakStep[bk] == n)
        st.v[g] -= float(forcing);
      break;
    case LossKind::FirstSpike:
      if (n == net.numSteps && buf.labels[b] == int32_t(k) &&
          buf.phantomKicks[b] != 0.0)
        st.v[g] += float(buf.phantomKicks[b]);
      break;
    }
  }
}

AXON_HD inline void backwardEnd(const BatchBuffers &buf, const SampleState &st,
                                uint32_t b, uint32_t t) {
  if (t == 0)
    buf.counters[uint64_t(b) * kNumSampleCounters + kBackwardEvents] =
        st.counters[kBackwardEvents];
}

/// The batch gradient of synapse q (global synapse index): the samples'
/// sums added in sample order in float64 (as the CPU engine commits them),
/// then dL/dw = -tau_s sum lambda_I and dL/dd = dt w sum (lambda_V -
/// lambda_I) per step (eventprop.md B.4/B.5).
AXON_HD inline void reduceSynapse(const DeviceNetwork &net,
                                  const BatchBuffers &buf, uint64_t q) {
  uint32_t p = 0;
  while (p + 1 < net.numProjections &&
         q >= net.projections[p + 1].synapseOffset)
    ++p;
  const DeviceProjection &proj = net.projections[p];
  const uint64_t local = q - proj.synapseOffset;
  double sumI = 0.0, sumD = 0.0;
  const uint64_t stride = 2 * net.numSynapses;
  if (proj.gradients)
    for (uint32_t b = 0; b < buf.numSamples; ++b) {
      const float *acc = buf.accumulators + b * stride + 2 * q;
      sumI += double(acc[0]);
      sumD += double(acc[1]);
    }
  const double tauSyn = net.layers[proj.post].tauSyn;
  buf.grads[proj.weightOffset + local] =
      proj.weightGradient ? float(-tauSyn * sumI) : 0.0f;
  buf.grads[proj.delayOffset + local] =
      proj.delayGradient
          ? float(net.dt * buf.params[proj.weightOffset + local] * sumD)
          : 0.0f;
}

} // namespace axon::eventprop::cuda
