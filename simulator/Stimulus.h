//===- Stimulus.h - A data set sample as a trial's input --------*- C++ -*-===//
//
// Bins a sample's spike times onto the grid exactly as the training engines
// do (step = floor(t / dt), clamped to the last step), so that the float
// model, the chip and training see the same stimulus.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "simulator/Trial.h"

namespace axon::sim {

/// Steps of `dtMs` in a trial of `trialMs` (at least 1): every device runs
/// a trial on its own grid.
uint32_t trialSteps(double trialMs, double dtMs);

/// The trial of `sample` for input population `input` over `numSteps`
/// steps of `dtMs`. Two spikes of one channel in one step stay two events.
TrialInput binSample(const eventprop::Sample &sample, double dtMs,
                     uint32_t numSteps, uint32_t input = 0);

} // namespace axon::sim
