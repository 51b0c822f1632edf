//===- ReferenceForward.cpp - Event-exact forward pass --------------------===//
//
// One priority queue holds every future event: arrivals (spike time plus
// delay, known as soon as the spike happens) and each neuron's predicted
// next threshold crossing. A neuron's state (V, I) is advanced lazily, in
// closed form, only when an event touches it; its predicted crossing is
// recomputed then, and the stale prediction left in the queue is recognised
// by a per-neuron version number. Readout losses are integrated in closed
// form over the same intervals.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/reference/ReferenceEngine.h"
#include "frontend/eventprop/reference/ReadoutLoss.h"

#include <fmt/format.h>

#include <limits>
#include <queue>

namespace axon::eventprop::reference {

namespace {

struct Event {
  double time;
  /// 0: predicted threshold crossing, 1: arrival. A crossing at the same
  /// time as an arrival is processed first (the crossing was reached on the
  /// pre-arrival trajectory; V is continuous at the arrival).
  uint8_t kind;
  uint64_t sequence; ///< insertion order, so that ties are deterministic
  uint64_t neuron;
  double weight;     ///< arrivals
  uint64_t version;  ///< crossings: valid while it equals the neuron's
};

struct Later {
  bool operator()(const Event &a, const Event &b) const {
    if (a.time != b.time)
      return a.time > b.time;
    if (a.kind != b.kind)
      return a.kind > b.kind;
    return a.sequence > b.sequence;
  }
};

struct NeuronState {
  double v = 0.0;
  double i = 0.0;
  double t = 0.0; ///< time (ms) that v and i refer to
  uint64_t version = 0;
};

} // namespace

llvm::Expected<Trial> ReferenceEngine::forward(llvm::ArrayRef<double> params,
                                               const Sample &sample) const {
  if (llvm::Error err = checkParameters(params))
    return err;
  if (llvm::Error err = checkSample(sample))
    return err;

  const double T = TrialLength;
  const uint32_t readout = readoutLayer();
  const uint64_t numNeurons = NeuronOffset.back();
  const uint64_t readoutBegin = NeuronOffset[readout];
  const uint32_t numOutputs = Net.layers[readout].size;
  const LossKind lossKind = Net.loss.kind;
  const bool integralLoss = lossKind == LossKind::SumExpWeighted ||
                            lossKind == LossKind::SumLinearWeighted ||
                            lossKind == LossKind::Sum;
  const bool maxLoss = lossKind == LossKind::MaxVoltage;

  Trial trial;
  trial.spikes.resize(numNeurons);
  trial.neuronOffset.assign(NeuronOffset.begin(), NeuronOffset.end() - 1);
  std::vector<double> integral(numOutputs, 0.0);
  // V(0) = 0 is a candidate for the maximum, so an all-negative trace
  // peaks at t = 0 with value 0.
  std::vector<double> peak(numOutputs, 0.0);
  trial.peakTimes.assign(numOutputs, 0.0);
  trial.peakAtArrival.assign(numOutputs, false);
  trial.slopeBeforePeak.assign(numOutputs, 0.0);

  std::vector<NeuronState> state(numNeurons);
  std::priority_queue<Event, std::vector<Event>, Later> queue;
  uint64_t sequence = 0;

  auto pushArrivals = [&](uint32_t source, uint32_t row, double spikeTime) {
    for (uint32_t p : Outgoing[source]) {
      const ProjectionDesc &proj = Net.projections[p];
      const ParameterLayout::Range &range = Layout.projections[p];
      uint32_t postSize = Net.layers[proj.post].size;
      uint64_t synapse = uint64_t(row) * postSize;
      for (uint32_t j = 0; j < postSize; ++j, ++synapse) {
        double w = params[range.weightOffset + synapse];
        double a = arrivalTime(spikeTime, params[range.delayOffset + synapse]);
        // A zero weight changes nothing; an arrival at or after T is outside
        // the trial.
        if (w == 0.0 || a >= T)
          continue;
        queue.push({a, 1, sequence++, NeuronOffset[proj.post] + j, w, 0});
      }
    }
  };

  // Advances neuron n to time t1 along its free trajectory, integrating the
  // readout loss on the way. `atArrival`: t1 is an arrival time (for the
  // kink check of MaxVoltage).
  auto advance = [&](uint64_t n, double t1, bool atArrival) {
    NeuronState &s = state[n];
    double duration = t1 - s.t;
    if (duration <= 0.0)
      return;
    const Dynamics &dyn = LayerDynamics[LayerOf[n]];
    if (n >= readoutBegin) {
      uint64_t k = n - readoutBegin;
      if (integralLoss)
        integral[k] +=
            dyn.weightedVoltageIntegral(LossWeighting, s.t, s.v, s.i, duration);
      if (maxLoss) {
        std::optional<double> top = dyn.peakTime(s.v, s.i);
        if (top && *top < duration) {
          double v = dyn.voltage(s.v, s.i, *top);
          if (v > peak[k]) {
            peak[k] = v;
            trial.peakTimes[k] = s.t + *top;
            trial.peakAtArrival[k] = false;
          }
        }
        double vEnd = dyn.voltage(s.v, s.i, duration);
        if (vEnd > peak[k]) {
          // A maximum at the end of an interval is either at T or a kink
          // where a negative arrival turns V down; the next interval starts
          // lower in the latter case, else it would beat this value.
          peak[k] = vEnd;
          trial.peakTimes[k] = t1;
          trial.peakAtArrival[k] = atArrival;
          trial.slopeBeforePeak[k] = dyn.slope(s.v, s.i, duration);
        }
      }
    }
    s.v = dyn.voltage(s.v, s.i, duration);
    s.i = dyn.current(s.i, duration);
    s.t = t1;
  };

  auto predictCrossing = [&](uint64_t n) {
    const LayerDesc &layer = Net.layers[LayerOf[n]];
    if (layer.kind != NeuronKind::LIF)
      return;
    NeuronState &s = state[n];
    std::optional<double> after = LayerDynamics[LayerOf[n]].firstCrossing(
        s.v, s.i, layer.threshold, T - s.t);
    if (after && s.t + *after < T)
      queue.push({s.t + *after, 0, sequence++, n, 0.0, s.version});
  };

  for (const InputSpike &spike : sample.spikes)
    pushArrivals(0, spike.channel, double(spike.time));

  uint64_t events = 0;
  while (!queue.empty()) {
    Event event = queue.top();
    queue.pop();
    if (event.time >= T)
      break;
    NeuronState &s = state[event.neuron];
    if (event.kind == 0 && event.version != s.version)
      continue; // superseded by an arrival or a spike
    if (++events > Opts.maxEvents)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          fmt::format("reference engine: more than {} events before {} ms of "
                      "a {} ms trial; the network runs away",
                      Opts.maxEvents, event.time, T));
    advance(event.neuron, event.time, event.kind == 1);
    ++s.version;
    if (event.kind == 0) {
      uint32_t layer = LayerOf[event.neuron];
      const LayerDesc &desc = Net.layers[layer];
      trial.spikes[event.neuron].push_back({event.time, s.i - desc.threshold});
      s.v = desc.reset;
      pushArrivals(layer + 1, event.neuron - NeuronOffset[layer], event.time);
    } else {
      s.i += event.weight;
      ++trial.numArrivals;
    }
    predictCrossing(event.neuron);
  }
  for (uint64_t n = readoutBegin; n < numNeurons; ++n)
    advance(n, T, false);

  trial.outputs.resize(numOutputs);
  ReadoutLoss loss;
  if (lossKind == LossKind::FirstSpike) {
    std::vector<bool> fired(numOutputs);
    for (uint32_t k = 0; k < numOutputs; ++k) {
      const std::vector<Spike> &s = trial.spikes[readoutBegin + k];
      fired[k] = !s.empty();
      trial.outputs[k] = fired[k] ? s.front().time : T;
    }
    loss = firstSpikeLoss(Net.loss, trial.outputs, fired, sample.label);
  } else {
    for (uint32_t k = 0; k < numOutputs; ++k)
      trial.outputs[k] = maxLoss ? peak[k] : integral[k] / T;
    loss = crossEntropy(trial.outputs, sample.label);
  }
  trial.loss = loss.loss;
  trial.outputGradient = std::move(loss.gradient);
  return trial;
}

} // namespace axon::eventprop::reference
