//===- Decode.h - From a readout trace to a decision ------------*- C++ -*-===//
//
// One decoder for every device, so that the float model and a chip decide
// by the same rule and only their state can differ. The rules are those of
// the training engines (frontend/eventprop/cpu/CpuForward.cpp
// finishForward): argmax of the loss quantity, argmin of the first spike
// step, the lowest index on ties.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Trial.h"

#include <cstdint>
#include <vector>

namespace axon::sim {

struct Decision {
  int32_t winner = -1;       ///< class index; -1 when nothing decides
  std::vector<double> score; ///< per class: larger wins (first spike: -step)
};

/// Decides from a trial's readout and spikes over `numSteps` steps of
/// `dtMs`. FirstSpike: the neuron that spikes first wins; a neuron that
/// never spikes scores as a spike at grid point numSteps (time T), as in
/// training; SpikeCount: most spikes; the voltage decodings
/// average the trace with the loss weights of the training engines
/// (trapezoid rule, exp(-t/T) or 1 - t/T weighting), or take its maximum.
Decision decide(const TrialResult &result, uint32_t numSteps, double dtMs);

} // namespace axon::sim
