//===- Decode.cpp - From a readout trace to a decision --------------------===//
#include "simulator/Decode.h"

#include <algorithm>
#include <cmath>

namespace axon::sim {

namespace {

const PopulationSpikes *findSpikes(const TrialResult &result,
                                   const std::string &population) {
  for (const PopulationSpikes &p : result.populations)
    if (p.population == population)
      return &p;
  return nullptr;
}

/// The weight of grid point n in (1/T) integral_0^T w(t) V(t) dt by the
/// trapezoid rule, as the training engines build their readout weights.
double gridWeight(Decoding decoding, uint32_t n, uint32_t numSteps,
                  double dtMs) {
  const double trialLength = numSteps * dtMs;
  const double t = n * dtMs;
  double w = 1.0;
  if (decoding == Decoding::ExpWeightedVoltage)
    w = std::exp(-t / trialLength);
  else if (decoding == Decoding::LinearWeightedVoltage)
    w = 1.0 - t / trialLength;
  double end = (n == 0 || n == numSteps) ? 0.5 : 1.0;
  return end * dtMs * w / trialLength;
}

int32_t argMaxFirst(const std::vector<double> &values) {
  if (values.empty())
    return -1;
  return int32_t(std::max_element(values.begin(), values.end()) -
                 values.begin());
}

} // namespace

Decision decide(const TrialResult &result, uint32_t numSteps, double dtMs) {
  const ReadoutTrace &readout = result.readout;
  Decision decision;
  decision.score.assign(readout.size, 0.0);
  switch (readout.decoding) {
  case Decoding::FirstSpike: {
    // A silent neuron counts as firing at T (grid point N), as the
    // training engines score it: it ties with a spike at N.
    std::fill(decision.score.begin(), decision.score.end(),
              -double(numSteps));
    if (const PopulationSpikes *spikes = findSpikes(result, readout.population))
      for (const SpikeEvent &s : spikes->spikes)
        if (s.neuron < readout.size)
          decision.score[s.neuron] =
              std::max(decision.score[s.neuron], -double(s.step));
    break;
  }
  case Decoding::SpikeCount:
    if (const PopulationSpikes *spikes = findSpikes(result, readout.population))
      for (const SpikeEvent &s : spikes->spikes)
        if (s.neuron < readout.size)
          decision.score[s.neuron] += 1.0;
    break;
  case Decoding::MaxVoltage: {
    // V(0) = 0 takes part, as in training: a never-positive trace scores 0.
    const size_t rows = readout.voltage.size() / std::max(readout.size, 1u);
    for (size_t n = 0; n < rows; ++n)
      for (uint32_t k = 0; k < readout.size; ++k)
        decision.score[k] =
            std::max(decision.score[k],
                     readout.stateScale * readout.voltage[n * readout.size + k]);
    break;
  }
  case Decoding::MeanVoltage:
  case Decoding::ExpWeightedVoltage:
  case Decoding::LinearWeightedVoltage: {
    const size_t rows = readout.voltage.size() / std::max(readout.size, 1u);
    for (size_t n = 0; n < rows && n <= numSteps; ++n) {
      double w = readout.stateScale *
                 gridWeight(readout.decoding, uint32_t(n), numSteps, dtMs);
      for (uint32_t k = 0; k < readout.size; ++k)
        decision.score[k] += w * readout.voltage[n * readout.size + k];
    }
    break;
  }
  }
  decision.winner = argMaxFirst(decision.score);
  return decision;
}

} // namespace axon::sim
