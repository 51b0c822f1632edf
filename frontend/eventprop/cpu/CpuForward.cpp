//===- CpuForward.cpp - Forward pass of one sample on the time grid -------===//
//
// Order of events at grid point n (n = 0..N-1), then step n:
//   1. input spikes binned to n and layer spikes detected at n are scattered
//      into the arrival rings, each synapse into the slot of n + delay;
//   2. every layer takes the arrivals of slot n: I += sum of weights;
//   3. the readout is measured: V(n) enters the loss quantity;
//   4. step n integrates every neuron exactly to grid point n+1; a LIF
//      neuron at V >= theta spikes AT GRID POINT n+1 and resets.
// Grid point N only gets step 3: arrivals at or after T are dropped, and
// spikes detected at N are recorded but reach no target.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/LossFunctions.h"
#include "frontend/eventprop/cpu/CpuWorker.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace axon::eventprop::cpu {

template <typename Real> void Worker<Real>::prepare(const Plan &plan) {
  Coefficients.clear();
  for (const LayerPlan &layer : plan.layers)
    Coefficients.push_back(
        stepCoefficients<Real>(layer.tauMem, layer.tauSyn, plan.dt));
  V.resize(plan.numNeurons);
  I.resize(plan.numNeurons);
  LambdaV.resize(plan.numNeurons);
  LambdaI.resize(plan.numNeurons);
  Ring.resize(plan.ringElements);
  History.resize(plan.historyElements);
  // The accumulators are zero between samples (commit zeroes them); only a
  // new size needs a fill.
  for (std::vector<Real> &buffer : Accumulators)
    if (buffer.size() != 2 * plan.numSynapses)
      buffer.assign(2 * plan.numSynapses, Real(0));
  BinStart.resize(plan.numSteps + 1);
  const uint32_t readoutSize = plan.readout().size;
  Arrived.resize(readoutSize);
  uint32_t widest = 0;
  for (const LayerPlan &layer : plan.layers)
    widest = std::max(widest, layer.size);
  Start.resize(2 * size_t(widest));
  Crossed.resize(widest);
  Forcing.resize(readoutSize);
}

template <typename Real>
void Worker<Real>::binInputs(const Plan &plan, const Sample &sample) {
  // Spikes by step = floor(time / dt), in their order within a step; the
  // same binning serves the forward and the backward pass. Times are
  // checked to lie in [0, T); the clamp only guards the rounding of
  // time / dt just below T.
  const uint32_t last = plan.numSteps - 1;
  const size_t count = sample.spikes.size();
  if (BinOrder.size() < count)
    BinOrder.resize(count);
  if (BinStep.size() < count)
    BinStep.resize(count);
  bool sorted = true;
  for (size_t s = 0; s < count; ++s) {
    double step = std::floor(double(sample.spikes[s].time) / plan.dt);
    BinStep[s] = std::min(uint32_t(step), last);
    sorted &= s == 0 || BinStep[s - 1] <= BinStep[s];
  }
  if (sorted) {
    // Data sets store spikes in time order: one sweep, no reordering.
    uint32_t s = 0;
    for (uint32_t n = 0; n <= plan.numSteps; ++n) {
      BinStart[n] = s;
      while (s < count && BinStep[s] == n)
        ++s;
    }
    for (uint32_t k = 0; k < count; ++k)
      BinOrder[k] = k;
    return;
  }
  // Counting sort. Fill using BinStart[n] as a cursor; afterwards
  // BinStart[n] holds the start of step n + 1, so shift back by one.
  std::fill(BinStart.begin(), BinStart.end(), 0u);
  for (size_t s = 0; s < count; ++s)
    ++BinStart[BinStep[s] + 1];
  for (uint32_t n = 1; n <= plan.numSteps; ++n)
    BinStart[n] += BinStart[n - 1];
  for (uint32_t s = 0; s < count; ++s)
    BinOrder[BinStart[BinStep[s]]++] = s;
  for (uint32_t n = plan.numSteps; n > 0; --n)
    BinStart[n] = BinStart[n - 1];
  BinStart[0] = 0;
}

/// base[j] += w[j] for a zero-delay row: both pointers restricted, so that
/// the loop vectorises.
template <typename Real>
static void addZeroDelayRow(Real *__restrict base, const float *__restrict w,
                            size_t width) {
  for (size_t j = 0; j < width; ++j)
    base[j] += Real(w[j]);
}

template <typename Real>
void Worker<Real>::scatterRows(const Plan &plan, uint32_t step,
                               EngineCounters &counters) {
  uint64_t events = 0;
  forEachBatch(plan, step, /*history=*/false,
               [&](uint32_t begin, uint32_t end, const ProjectionPlan &proj,
                   uint64_t element, uint32_t start, uint32_t span) {
                 Real *base = Ring.data() + element;
                 const float *w = plan.params + proj.weightOffset + start;
                 RowBatch batch = batchOf(begin, end, proj, span);
                 if (step + proj.maxDelay >= plan.numSteps)
                   batch.offsetLimit = (plan.numSteps - step) * span;
                 events += batch.count * span;
                 if (proj.zeroDelay()) {
                   for (size_t k = 0; k < batch.count; ++k)
                     addZeroDelayRow(
                         base, w + size_t(batch.rows[k]) * batch.stride, span);
                   return;
                 }
                 const uint16_t *offset =
                     plan.ringOffsets.data() + proj.synapseOffset + start;
                 if constexpr (std::is_same_v<Real, float>)
                   plan.kernels.scatter(base, offset, w, batch);
                 else
                   scatterRowsGeneric<Real>(base, offset, w, batch);
               });
  counters.forwardSynapticEvents += events;
}

template <typename Real>
void Worker<Real>::forward(const Plan &plan, const Sample &sample,
                           SampleRecord &record, float *voltageTrace,
                           uint32_t traceLayer) {
  const uint32_t numSteps = plan.numSteps;
  const uint32_t numLayers = plan.layers.size();
  const LayerPlan &readout = plan.readout();
  const LossKind kind = plan.net->loss.kind;
  const bool integral = isIntegralLoss(kind);
  const bool maxVoltage = kind == LossKind::MaxVoltage;

  std::fill(V.begin(), V.end(), Real(0));
  std::fill(I.begin(), I.end(), Real(0));
  std::fill(Ring.begin(), Ring.end(), Real(0));
  record.spikes.clear();
  record.counters = {};
  record.layerSpikes.assign(numLayers, 0);
  record.readout.assign(readout.size, 0.0); // V(0) = 0: also max V so far
  record.peakStep.assign(readout.size, 0);
  if (maxVoltage)
    record.peakKinkSlope.assign(readout.size, 0.0);
  else
    record.peakKinkSlope.clear();
  record.firstStep.assign(readout.size, numSteps + 1);
  binInputs(plan, sample);
  EngineCounters &counters = record.counters;
  counters.inputSpikes = sample.spikes.size();

  auto measureReadout = [&](uint32_t n) {
    if (voltageTrace) {
      const LayerPlan &layer = plan.layers[traceLayer];
      for (uint32_t j = 0; j < layer.size; ++j)
        voltageTrace[size_t(n) * layer.size + j] = float(V[layer.offset + j]);
    }
    const Real *v = V.data() + readout.offset;
    if (integral) {
      double weight = plan.readoutWeights[n];
      for (uint32_t k = 0; k < readout.size; ++k)
        record.readout[k] += weight * double(v[k]);
    } else if (maxVoltage) {
      const Real *current = I.data() + readout.offset;
      for (uint32_t k = 0; k < readout.size; ++k)
        if (double(v[k]) > record.readout[k]) {
          record.readout[k] = v[k];
          record.peakStep[k] = n;
          // tau_m dV/dt = I - V before and after this grid point's arrivals.
          double before = double(current[k] - Arrived[k] - v[k]);
          double after = double(current[k] - v[k]);
          record.peakKinkSlope[k] =
              before > 0.0 && after <= 0.0 ? before / readout.tauMem : 0.0;
        }
    }
  };

  size_t pending = 0; // first record of the spikes at the current grid point
  for (uint32_t n = 0; n < numSteps; ++n) {
    clearRows();
    for (uint32_t s = BinStart[n]; s < BinStart[n + 1]; ++s)
      addRow(0, sample.spikes[BinOrder[s]].channel);
    const size_t detected = record.spikes.size();
    for (size_t r = pending; r < detected; ++r) {
      uint32_t neuron = record.spikes[r].neuron;
      uint32_t layer = plan.layerOf[neuron];
      addRow(layer + 1, neuron - plan.layers[layer].offset);
    }
    pending = detected;
    scatterRows(plan, n, counters);

    for (const LayerPlan &layer : plan.layers) {
      const bool keep = maxVoltage && &layer == &readout;
      for (uint32_t t = 0; t < layer.numTiles; ++t) {
        const uint32_t start = layer.tileStart(t), span = layer.tileSpan(t);
        Real *__restrict first = Ring.data() + layer.ringOffset +
                                 layer.ringSlot(t, n & layer.ringMask);
        Real *__restrict second = first + size_t(layer.ringDepth) * span;
        Real *__restrict current = I.data() + layer.offset + start;
        if (keep)
          for (uint32_t j = 0; j < span; ++j)
            Arrived[start + j] = first[j] + second[j];
        // Branch-free and restricted: vectorises.
        for (uint32_t j = 0; j < span; ++j) {
          current[j] += first[j] + second[j];
          first[j] = Real(0);
          second[j] = Real(0);
        }
      }
    }

    measureReadout(n);

    for (uint32_t l = 0; l < numLayers; ++l) {
      const LayerPlan &layer = plan.layers[l];
      const StepCoefficients<Real> coeff = Coefficients[l];
      Real *v = V.data() + layer.offset;
      Real *i = I.data() + layer.offset;
      if (!layer.lif) {
        for (uint32_t j = 0; j < layer.size; ++j)
          forwardStep(v[j], i[j], coeff);
        continue;
      }
      // Integrate the whole layer, then visit the neurons that crossed:
      // lifStep's arithmetic in two loops that vectorise and do not branch
      // on the (frequent, unpredictable) spikes.
      const Real threshold = layer.threshold, reset = layer.reset;
      const Real minSlope = layer.minSlope;
      const Real stepOverTauSyn = plan.dt / layer.tauSyn;
      const bool isReadout = l + 1 == numLayers;
      Real *__restrict v0 = Start.data();
      Real *__restrict i0 = Start.data() + layer.size;
      uint32_t *__restrict crossed = Crossed.data();
      for (uint32_t j = 0; j < layer.size; ++j) {
        v0[j] = v[j];
        i0[j] = i[j];
        forwardStep(v[j], i[j], coeff);
      }
      uint32_t count = 0;
      for (uint32_t j = 0; j < layer.size; ++j) {
        crossed[count] = j;
        count += !(v[j] < threshold); // lifStep's test, NaN included
      }
      for (uint32_t c = 0; c < count; ++c) {
        const uint32_t j = crossed[c];
        Real slope =
            crossingSlope(v0[j], v[j], i0[j], threshold, stepOverTauSyn);
        v[j] = reset;
        counters.clampedSlopes += clampSlope(slope, minSlope);
        record.spikes.push_back({n + 1, layer.offset + j, float(slope)});
        if (isReadout && record.firstStep[j] > n + 1)
          record.firstStep[j] = n + 1;
      }
      record.layerSpikes[l] += count;
    }
  }
  measureReadout(numSteps);
  finishForward(plan, sample, record);
}

template <typename Real>
void Worker<Real>::finishForward(const Plan &plan, const Sample &sample,
                                 SampleRecord &record) {
  const LossDesc &loss = plan.net->loss;
  const uint32_t size = plan.readout().size;
  record.dLossDz.resize(size);
  record.counters.spikes = record.spikes.size();
  SampleLoss s = readoutLoss(loss, plan.numSteps, plan.dt, sample.label,
                             record.readout, record.firstStep, record.dLossDz);
  record.loss = s.loss;
  record.predicted = s.predicted;
  record.phantom = s.phantom;
  record.phantomGradient = s.phantomGradient;
}

template <typename Real>
void Worker<Real>::commit(const Plan &plan, unsigned buffer,
                          llvm::MutableArrayRef<double> total) {
  Real *acc = Accumulators[buffer].data();
  for (const ProjectionPlan &proj : plan.projections) {
    if (!proj.gradients)
      continue;
    size_t begin = 2 * proj.synapseOffset;
    size_t end = begin + 2 * size_t(proj.preSize) * proj.postSize;
    for (size_t s = begin; s < end; ++s) {
      total[s] += double(acc[s]);
      acc[s] = Real(0);
    }
  }
}

#define AXON_INSTANTIATE(Real)                                                 \
  template void Worker<Real>::prepare(const Plan &);                           \
  template void Worker<Real>::forward(const Plan &, const Sample &,            \
                                      SampleRecord &, float *, uint32_t);      \
  template void Worker<Real>::commit(const Plan &, unsigned,                   \
                                     llvm::MutableArrayRef<double>);           \
  template void Worker<Real>::binInputs(const Plan &, const Sample &);
AXON_INSTANTIATE(float)
AXON_INSTANTIATE(double)
#undef AXON_INSTANTIATE

} // namespace axon::eventprop::cpu
