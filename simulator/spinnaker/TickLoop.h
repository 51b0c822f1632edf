//===- TickLoop.h - Run one trial on a loaded machine -----------*- C++ -*-===//
//
// The emulator's time loop. Every tick t (= IR step t) runs two phases:
//   neurons  every core drains ring slot t mod ring_slots into its
//            neurons' input, clears it and updates each neuron
//            (NeuronArithmetic.h; SpiNNakerConfig.proto's order); a neuron
//            that spikes sends its packet at the end of tick t;
//   packets  the packets sent in tick t - 1 and the host spikes of grid
//            point t are handled: every delivery counts a packet on its
//            core and, when it fetched a row, adds each synapse's weight
//            into ring slot (t + delay) mod ring_slots, saturating.
// Draining before handling packets is what keeps a delay of ring_slots
// (stored as 0) from landing in the slot being read. Saturating additions
// of non-negative weights commute, so the order of packets within a tick
// does not change any ring entry.
//
// Work is counted per core and tick and charged with the cost table:
// cycles = neurons x neuron update + synapse words x synaptic event +
// rows x row fetch + packets x packet received + spikes x spike sent.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/spinnaker/Machine.h"

#include <cstdint>
#include <vector>

namespace axon::sim::spinnaker {

/// The mutable state of trials on one machine: allocated once per load
/// and reset at the start of each trial, so a run allocates only its
/// result.
class TrialState {
public:
  explicit TrialState(const Machine &m);

  /// Runs `input` (already checked against m.layout) from reset.
  TrialResult run(const Machine &m, const TrialInput &input,
                  const RunOptions &options);

private:
  void reset();
  /// Neuron phase of tick t on core c; spikes are appended to `sent`.
  void updateCore(const Machine &m, uint32_t c, uint32_t t);
  /// Delivers the packets of `source` during tick t.
  void deliver(const Machine &m, uint32_t source, uint32_t t);
  /// Charges core c's work of the tick just run and clears it.
  void closeTick(const Machine &m, uint32_t c);

  // Per state index (Machine::numStates).
  std::vector<int32_t> v, u;
  std::vector<uint32_t> refractory; ///< ticks left without integration
  std::vector<uint16_t> ring;       ///< Machine::ringEntries
  // Sources whose packets are handled next tick, and those just sent.
  std::vector<uint32_t> pending, sent;

  /// Work of one core in the current tick.
  struct TickWork {
    uint64_t synapticEvents = 0, spikesSent = 0, packetsReceived = 0,
             rowFetches = 0, overflows = 0;
  };
  std::vector<TickWork> tick;
  std::vector<CoreCounters> totals;
};

} // namespace axon::sim::spinnaker
