//===- ReferenceBackward.cpp - Exact EventProp adjoint --------------------===//
//
// The adjoint (eventprop.md B.2-B.5) in reverse time, event by event.
//
// lambda is continuous at arrivals and jumps only at a neuron's own spikes,
// so between two spikes of a neuron it is the free backward solution from the
// later one. The backward pass therefore stores, per spike, lambda just
// before it (forward time) and evaluates lambda_m(t) for any t in closed form
// from the first spike of m after t: no history buffer of max-delay depth.
// Spikes are processed in decreasing time; the jump of a spike at t_k reads
// its targets at the arrival times t_k + d >= t_k, which depend only on
// spikes later than t_k and are therefore final by then.
//
// The readout's adjoint is not stepped at all: a LeakyIntegrator readout
// never spikes, so its lambda is the closed-form response to the loss
// forcing, evaluated wherever an arrival needs it.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/reference/ReferenceEngine.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace axon::eventprop::reference {

namespace {

struct Adjoint {
  double v = 0.0; ///< lambda_V
  double i = 0.0; ///< lambda_I
};

} // namespace

void ReferenceEngine::backward(llvm::ArrayRef<double> params,
                               const Sample &sample, const Trial &trial,
                               double scale, llvm::ArrayRef<double> kicks,
                               llvm::MutableArrayRef<double> gradient) const {
  const double T = TrialLength;
  const uint32_t readout = readoutLayer();
  const uint64_t numNeurons = NeuronOffset.back();
  const uint64_t readoutBegin = NeuronOffset[readout];
  const LossKind lossKind = Net.loss.kind;
  const bool integralLoss = lossKind == LossKind::SumExpWeighted ||
                            lossKind == LossKind::SumLinearWeighted ||
                            lossKind == LossKind::Sum;
  const bool maxLoss = lossKind == LossKind::MaxVoltage;

  // lambda just before each spike (forward time); lambda_I is continuous.
  std::vector<std::vector<Adjoint>> beforeSpike(numNeurons);
  for (uint64_t n = 0; n < numNeurons; ++n)
    beforeSpike[n].resize(trial.spikes[n].size());

  // lambda of neuron n at t+ (just after t in forward time).
  auto adjointAt = [&](uint64_t n, double t) -> Adjoint {
    if (t >= T)
      return {};
    const Dynamics &dyn = LayerDynamics[LayerOf[n]];
    if (n >= readoutBegin && integralLoss) {
      // The readout's loss density is l_V = c w(t) V with
      // c = scale * dL/dz_k / T, so (forward time)
      //   lambda_V(t) = -(c/tau_m) int_t^T e^{-(t'-t)/tau_m} w(t') dt',
      //   lambda_I(t) = -c int_t^T h(t' - t) w(t') dt',
      // both exact (Dynamics::Weighting).
      double c = scale * trial.outputGradient[n - readoutBegin] / T;
      double rest = T - t;
      return {-c / dyn.tauMem() *
                  LossWeighting.moment(t, 0, 1.0 / dyn.tauMem(), rest),
              -c * dyn.weightedKernelIntegral(LossWeighting, t, rest)};
    }
    if (n >= readoutBegin && maxLoss) {
      // L depends on V_k(t_max) only: lambda_V(t_max-) = -g/tau_m, then free
      // decay backwards, with g = scale * dL/dz_k.
      uint64_t k = n - readoutBegin;
      double top = trial.peakTimes[k];
      if (t >= top)
        return {};
      double g = scale * trial.outputGradient[k];
      return {-g / dyn.tauMem() * std::exp(-(top - t) / dyn.tauMem()),
              -g * dyn.kernel(top - t)};
    }
    const std::vector<Spike> &spikes = trial.spikes[n];
    auto next = std::upper_bound(
        spikes.begin(), spikes.end(), t,
        [](double time, const Spike &s) { return time < s.time; });
    if (next == spikes.end())
      return {}; // no forcing after the last spike: lambda(T) = 0
    Adjoint lambda = beforeSpike[n][next - spikes.begin()];
    dyn.stepAdjointBack(lambda.v, lambda.i, next->time - t);
    return lambda;
  };

  // One (presynaptic spike, synapse) pair: the weight gradient
  // -tau_s lambda_I, and e = w (lambda_V - lambda_I) at the arrival, which is
  // both the delay gradient (per ms) and the error the presynaptic neuron
  // receives (B.5). Returns e.
  auto synapse = [&](uint32_t p, uint64_t s, uint64_t post,
                     double spikeTime) -> double {
    const ParameterLayout::Range &range = Layout.projections[p];
    double w = params[range.weightOffset + s];
    double a = arrivalTime(spikeTime, params[range.delayOffset + s]);
    if (a >= T)
      return 0.0;
    Adjoint lambda = adjointAt(post, a);
    double e = w * (lambda.v - lambda.i);
    if (maxLoss && post >= readoutBegin) {
      uint64_t k = post - readoutBegin;
      if (trial.peakAtArrival[k] && a == trial.peakTimes[k]) {
        // The peak is the kink this arrival makes: moving the arrival moves
        // the peak along the pre-arrival trajectory, dz/da = dV/dt(a-).
        e = scale * trial.outputGradient[k] * trial.slopeBeforePeak[k];
      }
    }
    gradient[range.weightOffset + s] +=
        -LayerDynamics[LayerOf[post]].tauSyn() * lambda.i;
    gradient[range.delayOffset + s] += e * Net.dt; // per step
    return e;
  };

  // Error fed back to a spike of `source` row `row` at time t from all the
  // projections it drives.
  auto feedback = [&](uint32_t source, uint32_t row, double t) {
    double sum = 0.0;
    for (uint32_t p : Outgoing[source]) {
      const ProjectionDesc &proj = Net.projections[p];
      uint32_t postSize = Net.layers[proj.post].size;
      uint64_t first = uint64_t(row) * postSize;
      for (uint32_t j = 0; j < postSize; ++j)
        sum += synapse(p, first + j, NeuronOffset[proj.post] + j, t);
    }
    return sum;
  };

  std::vector<std::tuple<double, uint64_t, uint32_t>> order;
  for (uint64_t n = 0; n < numNeurons; ++n)
    for (uint32_t j = 0; j < trial.spikes[n].size(); ++j)
      order.emplace_back(trial.spikes[n][j].time, n, j);
  std::sort(order.begin(), order.end(),
            [](const auto &a, const auto &b) { return a > b; });

  for (const auto &[t, n, j] : order) {
    uint32_t layer = LayerOf[n];
    const LayerDesc &desc = Net.layers[layer];
    const Spike &spike = trial.spikes[n][j];
    Adjoint after = adjointAt(n, t);
    double error = feedback(layer + 1, n - NeuronOffset[layer], t);
    // d(loss)/d(t_k) of the loss itself: FirstSpike, first spike only.
    double spikeTimeLoss = 0.0;
    if (lossKind == LossKind::FirstSpike && n >= readoutBegin && j == 0)
      spikeTimeLoss = scale * trial.outputGradient[n - readoutBegin];
    // B.3: lambda_V- = lambda_V+ + [(theta - reset) lambda_V+ + sum_m w
    // (lambda_V - lambda_I)_m(t_k + d) + dl_p/dt_k] / (I - theta). The
    // division is exact, also near a grazing crossing: the oracle reports
    // the diverging gradient rather than clipping it (see Spike::slope).
    Adjoint before = after;
    before.v += ((desc.threshold - desc.reset) * after.v + error +
                 spikeTimeLoss) /
                spike.slope;
    // Spike-count regulariser kick, not divided by the slope (C.3).
    before.v -= kicks[n];
    beforeSpike[n][j] = before;
  }

  // Input spikes are fixed: they only sample gradients at their arrivals.
  for (const InputSpike &spike : sample.spikes)
    feedback(0, spike.channel, double(spike.time));
}

} // namespace axon::eventprop::reference
