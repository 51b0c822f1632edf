//===- Trial.h - What one trial puts into a device and gets back -*- C++ -*-===//
//
// The vocabulary shared by everything that runs a deployed network: the
// float reference (simulator/reference), the emulators of each target
// (simulator/loihi, simulator/spinnaker) and the remote device
// (simulator/device). All of them speak the IR's time grid:
//
//   Grid point n is time n*dt, n = 0..N (N = numSteps). An input spike at
//   time t ms enters at grid point floor(t/dt), as the training engines bin
//   it (frontend/eventprop/cpu/CpuForward.cpp). A neuron that crosses its
//   threshold during step n (chip tick n) spikes AT GRID POINT n+1. The
//   readout's state is sampled at every grid point n before step n runs
//   (V(0) = 0), as the training engines measure it for the loss.
//
// so that a spike train of the chip and one of the float model compare
// element by element, whatever the target's own tick convention.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Decoding.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axon::sim {

/// One input spike on the grid.
struct InputEvent {
  uint32_t step = 0;    ///< grid point, < numSteps
  uint32_t input = 0;   ///< input population, in graph (configuration) order
  uint32_t channel = 0; ///< < that input's size
  bool operator==(const InputEvent &) const = default;
};

/// The stimulus of one trial, run from a reset device (all state zero).
struct TrialInput {
  uint32_t numSteps = 0;
  /// Sorted by step; within a step in the order the stimulus had them
  /// (arrivals of one step are added in this order).
  std::vector<InputEvent> events;
  bool operator==(const TrialInput &) const = default;
};

/// One output spike on the grid.
struct SpikeEvent {
  uint32_t step = 0;   ///< grid point of the spike, 1..numSteps
  uint32_t neuron = 0; ///< index in its population
  bool operator==(const SpikeEvent &) const = default;
};

/// The spikes of one population (an IR population name: relays included).
struct PopulationSpikes {
  std::string population;
  uint32_t size = 0;
  std::vector<SpikeEvent> spikes; ///< sorted by (step, neuron)
  bool operator==(const PopulationSpikes &) const = default;
};

/// How a readout population turns into a decision (ir/Decoding.h).
using ir::Decoding;
using ir::isVoltageDecoding;

/// What the host reads of the readout population.
struct ReadoutTrace {
  std::string population;
  Decoding decoding = Decoding::SpikeCount;
  uint32_t size = 0;
  /// Float volts per state unit; 1 where the device reports volts.
  double stateScale = 1.0;
  /// (numSteps + 1) x size, row-major by grid point: the voltage sampled at
  /// grid point n in state units (integers on a chip, volts in the float
  /// reference). Empty for spike-decoded readouts when the caller did not
  /// ask for voltages.
  std::vector<double> voltage;
  bool operator==(const ReadoutTrace &) const = default;
};

/// Work and resource figures of one core over one trial.
struct CoreCounters {
  uint32_t chip = 0;
  uint32_t core = 0;
  uint64_t cycles = 0;          ///< charged from the target's cost table
  uint64_t maxStepCycles = 0;   ///< the busiest tick
  uint32_t overruns = 0;        ///< ticks whose cycles exceeded the budget
  uint64_t neuronUpdates = 0;
  uint64_t synapticEvents = 0;  ///< synapse words processed (accumulates)
  uint64_t spikesSent = 0;
  uint64_t packetsReceived = 0;
  uint64_t rowFetches = 0;
  /// Silent arithmetic events: every wrap or saturation of a state, an
  /// input sum or a ring-buffer entry (targets.md G.3's provenance counters).
  uint64_t overflows = 0;
  double energyPicojoule = 0.0;
  bool operator==(const CoreCounters &) const = default;
};

/// Totals of a trial; `cores` is empty for the float reference.
struct DeviceCounters {
  std::vector<CoreCounters> cores; ///< sorted by (chip, core)
  uint64_t steps = 0;
  uint64_t neuronUpdates = 0;
  uint64_t synapticEvents = 0;
  uint64_t spikes = 0;
  uint64_t overflows = 0;
  uint32_t overruns = 0;
  uint64_t maxStepCycles = 0; ///< over all cores and ticks
  double energyPicojoule = 0.0;
  bool operator==(const DeviceCounters &) const = default;
};

/// Everything one trial produced.
struct TrialResult {
  /// Every population that spikes (not the inputs), in configuration order.
  std::vector<PopulationSpikes> populations;
  ReadoutTrace readout;
  DeviceCounters counters;
  bool operator==(const TrialResult &) const = default;
};

/// Adds `core` into `total`'s totals (not into total.cores).
void accumulate(DeviceCounters &total, const CoreCounters &core);

/// Adds one core's figures of another trial into `total` (the busiest tick
/// is the larger of the two).
void addCore(CoreCounters &total, const CoreCounters &core);

/// Adds the counters of another trial into `total`, core by core (cores in
/// the same order, as one configuration reports them).
void addTrial(DeviceCounters &total, const DeviceCounters &trial);

} // namespace axon::sim
