//===- Chip.h - The state of a Loihi-like chip, tick by tick ----*- C++ -*-===//
//
// Executes a ChipImage one tick at a time with the integer model of
// LoihiConfig.proto. Tick t has two stages, as on the chip:
//
//   synapse stage      every spike sent in tick t - 1 (and every host spike
//                      queued for tick t) fetches the synapse list of each
//                      input axon its output axons name and adds each
//                      weight mantissa into its lane's ring slot
//                      (t + f) mod depth: with f = 0 it is summed in tick
//                      t itself, one tick after it was sent (t + 1 + f
//                      after the sending tick). Cost: spikes x fan-out.
//   compartment stage  every compartment reads and clears its lanes' slot
//                      t mod depth, shifts each lane's sum by its weight
//                      exponent, adds the lanes, shifts by the exponent
//                      offset and wraps to input_bits, then
//                        u = decay(u) + input   (wrap/saturate)
//                        v = decay(v) + u + bias (saturate/wrap)
//                      holds v at reset while refractory, and spikes when
//                      v > threshold (v <- reset). Its spikes are sent in
//                      the next tick's synapse stage.
//
// Every compartment is updated every tick, as a core does; the work per
// tick is that plus spikes x fan-out, with no allocation after reset().
// Counters per core per tick are charged from the configuration's cost
// table (CoreCounters in simulator/Trial.h).
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Trial.h"
#include "simulator/loihi/ChipImage.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace axon::sim::loihi {

class Chip {
public:
  explicit Chip(const ChipImage &image);

  /// All state zero, counters cleared, tick 0 next.
  void reset();

  /// Queues a spike of host channel `hostChannel` (ChipImage::channelBase
  /// numbering) for the next tick's synapse stage: the host sends it as if
  /// a compartment had sent it in the tick before (LoihiConfig.proto).
  void injectHostSpike(uint32_t hostChannel);

  /// Runs the next tick (both stages).
  void tick();

  /// Ticks run since reset().
  uint32_t ticks() const { return tickCount; }

  /// Compartments (global index) that spiked in the last tick, ascending.
  llvm::ArrayRef<uint32_t> lastSpikes() const { return spiked; }

  int64_t current(uint32_t compartment) const { return u[compartment]; }
  int64_t voltage(uint32_t compartment) const { return v[compartment]; }

  /// Per core (ChipImage order), totals since reset().
  llvm::ArrayRef<CoreCounters> coreCounters() const { return counters; }

private:
  void deliver(uint32_t axon);
  void closeTick();

  const ChipImage &image;
  uint32_t tickCount = 0;

  std::vector<int64_t> u, v;
  std::vector<uint32_t> refractory; ///< ticks v is still held at reset
  std::vector<int32_t> ring;        ///< all cores' delay rings
  std::vector<uint32_t> slot;       ///< per core: this tick's ring slot
  std::vector<uint32_t> spiked;     ///< sent in the tick just run
  std::vector<uint32_t> hostQueue;  ///< host channels for the next tick

  // Work of the tick in progress, per core.
  struct TickWork {
    uint64_t synapticEvents = 0;
    uint64_t spikesSent = 0;
    uint64_t packetsReceived = 0;
    uint64_t overflows = 0;
  };
  std::vector<TickWork> work;
  std::vector<CoreCounters> counters;
};

} // namespace axon::sim::loihi
