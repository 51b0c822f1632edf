//===- Trial.cpp - Counters of a trial ------------------------------------===//
#include "simulator/Trial.h"

#include <algorithm>

namespace axon::sim {

void accumulate(DeviceCounters &total, const CoreCounters &core) {
  total.neuronUpdates += core.neuronUpdates;
  total.synapticEvents += core.synapticEvents;
  total.spikes += core.spikesSent;
  total.overflows += core.overflows;
  total.overruns += core.overruns;
  total.maxStepCycles = std::max(total.maxStepCycles, core.maxStepCycles);
  total.energyPicojoule += core.energyPicojoule;
}

} // namespace axon::sim
