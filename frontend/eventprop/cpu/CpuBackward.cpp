//===- CpuBackward.cpp - Adjoint pass of one sample on the time grid ------===//
//
// Reverse of CpuForward.cpp's order, grid point n = N down to 0:
//   1. (n < N) the adjoint of every neuron steps back exactly over step n:
//      lambda at grid point n+1 (before its events) -> lambda just after
//      grid point n;
//   2. that value, lambda(n+), goes into the history slot of n: it is what
//      an arrival at n reads (eventprop.md B.3: targets are read just after
//      the arrival, which is after a spike of the target at the same n);
//   3. input spikes binned to n sample gradients at their arrivals n + d
//      (no feedback, B.3 end); for deferred projections (CpuPlan.h) all
//      input spikes of the block of kDeferredBlock grid points that starts
//      at n do so here, channel by channel, each channel's spikes latest
//      first: the same sums in the same order, since nothing else touches
//      them and the history still holds every arrival of the block;
//   4. every spike at n evaluates each outgoing synapse once: weight
//      gradient sum lambda_I, delay gradient and feedback sum
//      w (lambda_V - lambda_I), all read from the history at n + d; then its
//      own lambda_V jumps (B.3), minus the regulariser kick (C.3);
//   5. the loss forcing at n: the readout's lambda_V -= (dL/dV(n)) / tau_m,
//      the transposed form of the forward's V(n) measurement.
// History slots of grid points > N are never written and stay 0: arrivals
// at or after T were dropped in the forward pass and carry no gradient.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/LossFunctions.h"
#include "frontend/eventprop/cpu/CpuWorker.h"

#include <algorithm>
#include <type_traits>

namespace axon::eventprop::cpu {

/// MaxVoltage with a peak made by a negative-weight arrival at grid point p
/// (a kink, SampleRecord::peakKinkSlope): moving that arrival by da moves
/// the peak value by slope * da, so the arrival's delay gradient and
/// feedback are e = (dL/dz) slope instead of w (lambda_V - lambda_I), as in
/// the reference engine. Every negative-weight arrival at p gets it.
/// Returns the change of feedback of presynaptic row `row` (a spike at
/// `step`) and fixes its delay sums.
template <typename Real>
Real kinkCorrection(const Plan &plan, const ProjectionPlan &proj,
                    const SampleRecord &record, double batchScale,
                    uint32_t step, uint32_t row,
                    const AdjointSample<Real> *history, Real *accumulators) {
  const LayerPlan &post = plan.layers[proj.post];
  const size_t first = size_t(row) * proj.postSize;
  const float *w = plan.params + proj.weightOffset + first;
  const uint16_t *offset = plan.ringOffsets.data() + proj.synapseOffset + first;
  Real *acc = proj.gradients ? accumulators + 2 * (proj.synapseOffset + first)
                             : nullptr;
  Real change = 0;
  for (uint32_t k = 0; k < proj.postSize; ++k) {
    double slope = record.peakKinkSlope[k];
    if (slope == 0.0 || w[k] >= 0.0f)
      continue;
    const uint32_t t = k / post.tileWidth;
    const uint32_t delay = offset[k] / post.tileSpan(t);
    if (step + delay != record.peakStep[k])
      continue;
    Real old =
        history[post.historyOffset +
                post.historyElement((step & post.historyMask) + delay, k)]
            .lambdaVMinusI;
    Real e = Real(batchScale * record.dLossDz[k] * slope);
    change += e - Real(w[k]) * old;
    if (acc)
      acc[2 * k + 1] += e / Real(w[k]) - old;
  }
  return change;
}

template <typename Real>
void Worker<Real>::gatherRows(const Plan &plan, uint32_t step,
                              size_t firstFeedback, const SampleRecord &record,
                              double batchScale, Real *accumulators,
                              EngineCounters &counters) {
  Feedback.assign(RowIndex.size(), Real(0));
  uint64_t events = 0;
  forEachBatch(
      plan, step, /*history=*/true,
      [&](uint32_t begin, uint32_t end, const ProjectionPlan &proj,
          uint64_t element, uint32_t start, uint32_t span) {
        // Runs never mix input rows (no feedback) with layer rows.
        const bool feedback = begin >= firstFeedback;
        if (!feedback && (!proj.gradients || proj.deferred))
          return;
        const RowBatch batch = batchOf(begin, end, proj, span);
        events += batch.count * span;
        const AdjointSample<Real> *slots = History.data() + element;
        // GatherKernel's convention: a null pointer leaves its part out.
        const float *weights =
            feedback ? plan.params + proj.weightOffset + start : nullptr;
        const uint16_t *offsets =
            proj.zeroDelay()
                ? nullptr
                : plan.ringOffsets.data() + proj.synapseOffset + start;
        Real *sums = proj.gradients
                         ? accumulators + 2 * (proj.synapseOffset + start)
                         : nullptr;
        if constexpr (std::is_same_v<Real, float>)
          plan.kernels.gather(weights, offsets, slots, sums,
                              Feedback.data() + begin, batch);
        else
          gatherRowsGeneric<Real>(weights, offsets, slots, sums,
                                  Feedback.data() + begin, batch);
      });
  counters.backwardSynapticEvents += events;
  if (record.peakKinkSlope.empty())
    return;
  // Input rows too: their delay sums need the fix, their feedback is unused.
  for (const RowRun &run : Runs)
    for (uint32_t p : plan.projectionsInto(run.source, plan.readoutLayer())) {
      const ProjectionPlan &proj = plan.projections[p];
      for (uint32_t r = run.begin; r < run.end; ++r)
        if (r >= firstFeedback || proj.gradients)
          Feedback[r] +=
              kinkCorrection(plan, proj, record, batchScale, step, RowIndex[r],
                             History.data(), accumulators);
    }
}

template <typename Real>
void Worker<Real>::gatherDeferred(const Plan &plan, const Sample &sample,
                                  uint32_t first, uint32_t count,
                                  Real *accumulators,
                                  EngineCounters &counters) {
  // Counting sort of the block's spikes by channel; filling grid point by
  // grid point from the latest, each in bin order, gives every channel its
  // spikes in the order the grid points would have taken them.
  const uint32_t begin = BinStart[first], end = BinStart[first + count];
  if (begin == end)
    return;
  ChannelCount.assign(plan.net->inputSize, 0);
  for (uint32_t s = begin; s < end; ++s)
    ++ChannelCount[sample.spikes[BinOrder[s]].channel];
  BlockChannels.clear();
  BlockStart.clear();
  uint32_t total = 0;
  for (uint32_t c = 0; c < ChannelCount.size(); ++c) {
    if (ChannelCount[c] == 0)
      continue;
    BlockChannels.push_back(c);
    BlockStart.push_back(total);
    total += ChannelCount[c];
    ChannelCount[c] = BlockStart.back(); // now the fill cursor
  }
  BlockStart.push_back(total);
  BlockSteps.resize(total);
  for (uint32_t n = first + count; n-- > first;)
    for (uint32_t s = BinStart[n]; s < BinStart[n + 1]; ++s)
      BlockSteps[ChannelCount[sample.spikes[BinOrder[s]].channel]++] = n;

  uint64_t events = 0;
  for (uint32_t p : plan.outgoing[0]) {
    const ProjectionPlan &proj = plan.projections[p];
    if (!proj.deferred)
      continue;
    const LayerPlan &post = plan.layers[proj.post];
    events += uint64_t(total) * proj.postSize;
    for (uint32_t t = 0; t < post.numTiles; ++t) {
      const uint32_t start = post.tileStart(t), span = post.tileSpan(t);
      const AdjointSample<Real> *tile =
          History.data() + post.historyOffset + post.historySlot(t, 0);
      const uint16_t *offsets =
          plan.ringOffsets.data() + proj.synapseOffset + start;
      Real *sums = accumulators + 2 * (proj.synapseOffset + start);
      const SpikeBlock block{
          {BlockChannels.data(), BlockChannels.size(), proj.postSize, span},
          BlockStart.data(),
          BlockSteps.data(),
          post.historyMask};
      if constexpr (std::is_same_v<Real, float>)
        plan.kernels.gatherBlock(offsets, tile, sums, block);
      else
        gatherBlockGeneric<Real>(offsets, tile, sums, block);
    }
  }
  counters.backwardSynapticEvents += events;
}

template <typename Real>
void Worker<Real>::backward(const Plan &plan, const Sample &sample,
                            SampleRecord &record, const BackwardInputs &inputs,
                            unsigned buffer) {
  Real *accumulators = Accumulators[buffer].data();
  const uint32_t numSteps = plan.numSteps;
  const uint32_t numLayers = plan.layers.size();
  const LayerPlan &readout = plan.readout();
  const LossKind kind = plan.net->loss.kind;
  const bool integral = isIntegralLoss(kind);
  const bool maxVoltage = kind == LossKind::MaxVoltage;
  const bool firstSpike = kind == LossKind::FirstSpike;
  EngineCounters &counters = record.counters;

  std::fill(LambdaV.begin(), LambdaV.end(), Real(0));
  std::fill(LambdaI.begin(), LambdaI.end(), Real(0));
  std::fill(History.begin(), History.end(), AdjointSample<Real>{0, 0});
  binInputs(plan, sample);

  // Loss forcing per readout neuron: the forward measures V_k(n) into z_k
  // with weight q_n (or at the peak), so dL/dV_k(n) = q_n dL/dz_k / B and
  // lambda_V = -(dL/dV) / tau_m (NeuronUpdate.h).
  for (uint32_t k = 0; k < readout.size; ++k)
    Forcing[k] = inputs.batchScale * record.dLossDz[k] / readout.tauMem;

  // Input rows go through the grid points only for projections whose
  // gradient sums are not deferred.
  bool inputGradients = false, deferredGradients = false;
  for (uint32_t p : plan.outgoing[0]) {
    const ProjectionPlan &proj = plan.projections[p];
    inputGradients |= proj.gradients && !proj.deferred;
    deferredGradients |= proj.deferred;
  }

  const std::vector<SpikeRecord> &spikes = record.spikes;
  size_t cursor = spikes.size(); // spikes at grid points >= n are done
  for (uint32_t n = numSteps + 1; n-- > 0;) {
    if (n < numSteps) {
      for (uint32_t l = 0; l < numLayers; ++l) {
        const LayerPlan &layer = plan.layers[l];
        const StepCoefficients<Real> coeff = Coefficients[l];
        Real *lv = LambdaV.data() + layer.offset;
        Real *li = LambdaI.data() + layer.offset;
        for (uint32_t j = 0; j < layer.size; ++j)
          adjointStep(lv[j], li[j], coeff);
      }
    }
    for (const LayerPlan &layer : plan.layers)
      for (uint32_t t = 0; t < layer.numTiles; ++t) {
        const uint32_t start = layer.tileStart(t), span = layer.tileSpan(t);
        // Restricted: the copy vectorises.
        AdjointSample<Real> *__restrict first =
            History.data() + layer.historyOffset +
            layer.historySlot(t, n & layer.historyMask);
        AdjointSample<Real> *__restrict second =
            first + size_t(layer.historyDepth) * span;
        const Real *__restrict lv = LambdaV.data() + layer.offset + start;
        const Real *__restrict li = LambdaI.data() + layer.offset + start;
        for (uint32_t j = 0; j < span; ++j) {
          first[j] = adjointSample(lv[j], li[j]);
          second[j] = first[j];
        }
      }

    // Input rows sample gradients only; the spikes at n also feed back,
    // except at T, where they reach no target before the trial ends.
    clearRows();
    if (inputGradients && n < numSteps)
      for (uint32_t s = BinStart[n]; s < BinStart[n + 1]; ++s)
        addRow(0, sample.spikes[BinOrder[s]].channel);
    const size_t firstFeedback = RowIndex.size();
    const size_t end = cursor;
    while (cursor > 0 && spikes[cursor - 1].step == n)
      --cursor;
    if (n < numSteps)
      for (size_t r = cursor; r < end; ++r) {
        const uint32_t l = plan.layerOf[spikes[r].neuron];
        addRow(l + 1, spikes[r].neuron - plan.layers[l].offset);
      }
    gatherRows(plan, n, firstFeedback, record, inputs.batchScale, accumulators,
               counters);
    // Every arrival of the block starting at n is now in the history.
    if (deferredGradients && n < numSteps && n % kDeferredBlock == 0)
      gatherDeferred(plan, sample, n, std::min(kDeferredBlock, numSteps - n),
                     accumulators, counters);

    for (size_t r = cursor; r < end; ++r) {
      const SpikeRecord &spike = spikes[r];
      const uint32_t l = plan.layerOf[spike.neuron];
      const LayerPlan &layer = plan.layers[l];
      const uint32_t j = spike.neuron - layer.offset;
      Real feedback =
          n < numSteps ? Feedback[firstFeedback + (r - cursor)] : Real(0);
      Real spikeTimeLoss = 0;
      if (firstSpike && l + 1 == numLayers && record.firstStep[j] == n)
        spikeTimeLoss = Real(inputs.batchScale * record.dLossDz[j]);
      Real &lv = LambdaV[spike.neuron];
      lv = adjointJump(lv, Real(layer.threshold - layer.reset), feedback,
                       spikeTimeLoss, Real(spike.slope));
      if (!inputs.regulariserKicks.empty())
        lv -= Real(inputs.regulariserKicks[spike.neuron]);
    }

    Real *readoutV = LambdaV.data() + readout.offset;
    if (integral) {
      const double weight = plan.readoutWeights[n];
      for (uint32_t k = 0; k < readout.size; ++k)
        readoutV[k] -= Real(weight * Forcing[k]);
    } else if (maxVoltage) {
      for (uint32_t k = 0; k < readout.size; ++k)
        if (record.peakStep[k] == n)
          readoutV[k] -= Real(Forcing[k]);
    } else if (n == numSteps && record.phantom && inputs.phantomKick) {
      // A silent correct neuron: kick it as if it had fired at T with a
      // moderate slope of (theta - reset) (eventprop.md C.1, F.3). A
      // pseudo-gradient; it makes the input weights grow.
      readoutV[sample.label] +=
          Real(inputs.batchScale * record.phantomGradient /
               (readout.threshold - readout.reset));
      ++counters.phantomKicks;
    }
  }
}

#define AXON_INSTANTIATE(Real)                                                 \
  template void Worker<Real>::backward(const Plan &, const Sample &,           \
                                       SampleRecord &, const BackwardInputs &, \
                                       unsigned);
AXON_INSTANTIATE(float)
AXON_INSTANTIATE(double)
#undef AXON_INSTANTIATE

} // namespace axon::eventprop::cpu
