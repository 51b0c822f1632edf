//===- Stimulus.cpp - A data set sample as a trial's input ----------------===//
#include "simulator/Stimulus.h"

#include <algorithm>
#include <cmath>

namespace axon::sim {

uint32_t trialSteps(double trialMs, double dtMs) {
  return uint32_t(std::max<long long>(1, std::llround(trialMs / dtMs)));
}

TrialInput binSample(const eventprop::Sample &sample, double dtMs,
                     uint32_t numSteps, uint32_t input) {
  TrialInput trial;
  trial.numSteps = numSteps;
  trial.events.reserve(sample.spikes.size());
  const uint32_t last = numSteps == 0 ? 0 : numSteps - 1;
  for (const eventprop::InputSpike &spike : sample.spikes) {
    double step = std::floor(double(spike.time) / dtMs);
    uint32_t s = step <= 0.0 ? 0u : std::min(uint32_t(step), last);
    trial.events.push_back({s, input, spike.channel});
  }
  // Within a step the sample's (time) order stays, as the engines add the
  // arrivals of one step in that order; float sums depend on it.
  std::stable_sort(trial.events.begin(), trial.events.end(),
                   [](const InputEvent &a, const InputEvent &b) {
                     return a.step < b.step;
                   });
  return trial;
}

} // namespace axon::sim
