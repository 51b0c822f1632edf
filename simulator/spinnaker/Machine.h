//===- Machine.h - A loaded SpiNNaker-like configuration --------*- C++ -*-===//
//
// What the emulator keeps of a spinnaker.axoncfg once it is loaded: the
// configuration checked field by field and flattened into contiguous arrays
// that the tick loop (TickLoop.cpp) walks without lookups or allocation:
//   - every core's slots as one range of state indices (v, u, refractory
//     counters live in arrays indexed by them);
//   - every NeuronSlice's constants in raw chip units;
//   - every synaptic row decoded once into compact synapses: the ring-buffer
//     offset (delay slot, type, slot) relative to the core's ring and the
//     16-bit weight;
//   - the multicast fan-out of every source (a neuron's key or a host
//     channel's key), found once by following the router tables chip by
//     chip and looking the key up in each reached core's master population
//     table: per (source, reached core) the row the packet DMAs, if any.
// The router and master tables are static, so resolving each key once at
// load gives exactly the deliveries the machine would compute per packet.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"

#include "backends/spinnaker/SpiNNakerConfig.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axon::sim::spinnaker {

namespace cfg = axon::spinnaker::proto;

/// A state index or source that holds no neuron.
inline constexpr uint32_t kNoNeuron = ~uint32_t(0);

/// The chip's number formats (SpiNNakerConfig.proto Arithmetic).
struct ChipArithmetic {
  uint32_t stateBits = 32;        ///< v, u wrap to this two's-complement width
  uint32_t decayBits = 32;        ///< x <- (x * decay) >> decayBits (floor)
  bool spikeOnEqual = true;       ///< GREATER_EQUAL: v >= threshold spikes
  uint32_t synapseTypes = 2;      ///< 1 (excitatory) or 2 (+ inhibitory)
  uint32_t ringSlots = 16;        ///< delay slots, a power of two
  uint32_t ringEntryMax = 0xFFFF; ///< saturation value of a ring entry
};

enum class SliceKind : uint8_t {
  Spiking,    ///< LIF, CUBA_LIF: threshold, reset, refractory
  Integrator, ///< LEAKY_INTEGRATOR: never spikes
  Relay,      ///< delay-extension stage: fires when its slot had a packet
};

/// Bits of a compact synapse (Machine::synapses) that hold the ring offset.
inline constexpr uint32_t kCompactOffsetBits = 16;
inline constexpr uint32_t kMaxCoreRingEntries = 1u << kCompactOffsetBits;

/// One NeuronSlice: consecutive slots of one population on one core.
struct SliceImage {
  uint32_t core = 0;      ///< index into Machine::cores
  uint32_t firstSlot = 0; ///< on the core
  uint32_t count = 0;
  SliceKind kind = SliceKind::Spiking;
  int32_t threshold = 0, reset = 0, bias = 0; ///< raw state units
  uint32_t decayMem = 0, decaySyn = 0;        ///< of 2^decayBits
  uint32_t refractoryTicks = 0;
  uint32_t shiftExc = 0, shiftInh = 0; ///< ring entry -> state
};

/// One application core.
struct CoreImage {
  uint32_t chip = 0, core = 0;
  uint32_t slots = 0;
  uint32_t stateBase = 0; ///< state index of slot 0
  uint32_t neurons = 0;   ///< slots holding a neuron
  /// Its ring buffer: ringSlots x types x slots (<= 2^16) 16-bit entries from
  /// ringBase in the machine's ring, entry (delay slot d, type y, slot s)
  /// at d * stride + y * slots + s.
  uint32_t ringBase = 0;
  uint32_t stride = 0; ///< entries per delay slot (types x slots)
  uint32_t ringSize = 0;
  uint32_t sliceBegin = 0, sliceEnd = 0; ///< in Machine::slices
};

/// A packet of one source reaching one core.
struct Delivery {
  uint32_t core = 0;
  /// The row's compact synapses [synBegin, synEnd) when the key matched a
  /// master population entry with a row for its index (a DMA).
  uint32_t synBegin = 0, synEnd = 0;
  bool fetchesRow = false;
};

/// A population of the graph as the slices name it.
struct PopulationImage {
  std::string name;
  uint32_t size = 0;
};

/// The readout the host samples.
struct ReadoutImage {
  bool present = false;
  std::string population;
  Decoding decoding = Decoding::SpikeCount;
  double stateScale = 1.0;
  std::vector<uint32_t> states; ///< per readout neuron: its state index
};

struct Machine {
  ChipArithmetic arithmetic;
  /// The configuration's cost table (backends/target/costs.proto).
  target::proto::Costs costs;
  std::vector<CoreImage> cores;   ///< configuration order (chip, core)
  std::vector<SliceImage> slices; ///< grouped by core, by first slot
  uint32_t numStates = 0;         ///< slots over all cores
  /// Per state index: population (index into populations) and neuron, or
  /// kNoNeuron for a slot that holds none.
  std::vector<uint32_t> statePopulation, stateNeuron;
  std::vector<PopulationImage> populations; ///< first-seen order
  uint32_t ringEntries = 0;                 ///< sum of the cores' ring sizes

  /// Compact synapses of every decoded row, one 32-bit word each (as on
  /// the chip, so a row streams at 4 bytes per synapse): the weight
  /// magnitude in the high 16 bits, and in the low 16 the offset inside
  /// the target core's ring relative to the delay slot of the handling
  /// tick (delay * stride + type * slots + slot; a core's ring therefore
  /// has at most 2^16 entries, which buildMachine checks).
  std::vector<uint32_t> synapses;

  /// Sources: state indices 0..numStates-1 (neurons), then host channels
  /// (inputFirstSource[i] + channel). Deliveries of source s are
  /// deliveries[fanOutBegin[s], fanOutBegin[s + 1]).
  std::vector<uint32_t> inputFirstSource;
  std::vector<uint32_t> fanOutBegin;
  std::vector<Delivery> deliveries;

  ReadoutImage readout;
  DeviceLayout layout;
};

/// Checks `config` and flattens it; every error names `location` and the
/// element (chip, core, slice, master entry, row, word) with the value and
/// the rule it breaks.
llvm::Expected<Machine> buildMachine(const cfg::SpiNNakerConfig &config,
                                     llvm::StringRef location);

//--- The steps of buildMachine, one per hardware table ---------------------//

/// Cores, slices, populations and the state/ring layout (MachineBuilder.cpp).
llvm::Error buildNeurons(const cfg::SpiNNakerConfig &config,
                         llvm::StringRef location, Machine &m);

/// Decodes every core's master population table and rows; `rowsOf[c][e]`
/// receives, per core c and master entry e, the [begin, end) compact
/// synapse range of each of its rows (SynapticMatrix.cpp).
struct RowRange {
  uint32_t begin = 0, end = 0;
};
llvm::Error
decodeSynapticMatrices(const cfg::SpiNNakerConfig &config,
                       llvm::StringRef location, Machine &m,
                       std::vector<std::vector<std::vector<RowRange>>> &rowsOf);

/// The fan-out of every source through the router and master population
/// tables (MulticastRouting.cpp).
llvm::Error
buildFanOut(const cfg::SpiNNakerConfig &config, llvm::StringRef location,
            Machine &m,
            const std::vector<std::vector<std::vector<RowRange>>> &rowsOf);

} // namespace axon::sim::spinnaker
