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

void addCore(CoreCounters &total, const CoreCounters &core) {
  total.cycles += core.cycles;
  total.maxStepCycles = std::max(total.maxStepCycles, core.maxStepCycles);
  total.overruns += core.overruns;
  total.neuronUpdates += core.neuronUpdates;
  total.synapticEvents += core.synapticEvents;
  total.spikesSent += core.spikesSent;
  total.packetsReceived += core.packetsReceived;
  total.rowFetches += core.rowFetches;
  total.overflows += core.overflows;
  total.energyPicojoule += core.energyPicojoule;
}

void addTrial(DeviceCounters &total, const DeviceCounters &trial) {
  if (total.cores.empty())
    total.cores = trial.cores;
  else
    for (size_t k = 0; k < total.cores.size() && k < trial.cores.size(); ++k)
      addCore(total.cores[k], trial.cores[k]);
  total.steps += trial.steps;
  total.neuronUpdates += trial.neuronUpdates;
  total.synapticEvents += trial.synapticEvents;
  total.spikes += trial.spikes;
  total.overflows += trial.overflows;
  total.overruns += trial.overruns;
  total.maxStepCycles = std::max(total.maxStepCycles, trial.maxStepCycles);
  total.energyPicojoule += trial.energyPicojoule;
}

} // namespace axon::sim
