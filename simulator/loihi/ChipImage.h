//===- ChipImage.h - A Loihi-like configuration flattened for ticks -*- C++ -*-===//
//
// What the emulator builds once at load from an emitted LoihiConfig: every
// table of every core checked and laid out in flat arrays, so that a tick
// touches only contiguous memory and allocates nothing.
//
//   compartments  numbered core by core in slot order (global index);
//                 their prototype's constants copied per compartment
//   lanes         one dendritic accumulator per (compartment, synapse
//                 configuration) that some synapse feeds: the chip sums
//                 the mantissas of one configuration before its weight
//                 exponent shifts them, so these sums are kept apart;
//                 numbered core by core, grouped by compartment (a
//                 core's local lane = global - laneBase[core])
//   delay ring    per core, ringDepth x lanes entries, ringDepth = 1 +
//                 the largest delay field used on the core (one slot when
//                 no synapse has a delay): the sum due at tick t sits in
//                 slot t mod ringDepth
//   input axons   numbered over all cores; axon a's synapses are
//                 synapses[axonSynapses[a] .. axonSynapses[a + 1]) (CSR),
//                 each holding its weight and its ring offset
//                 f * lanes + lane, so that delivery is one add
//   axon maps     compartment c's output axons are
//                 outputAxons[compartmentAxons[c] .. [c + 1]) and host
//                 channel h's are channelAxons[..] likewise (global axon
//                 ids)
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"
#include "simulator/loihi/CompartmentArithmetic.h"

#include "backends/loihi/LoihiConfigIO.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace axon::sim::loihi {

namespace proto = ::axon::loihi::proto;

/// The constants of one compartment, from its prototype and entry.
struct CompartmentParams {
  int64_t threshold = 0;  ///< vth_mant << threshold_shift, state units
  int64_t bias = 0;       ///< bias_mant << bias_exp, state units
  int64_t reset = 0;      ///< v after a spike
  uint32_t keepU = 0;     ///< 2^decay_bits - (du + current_decay_offset), >= 0
  uint32_t keepV = 0;     ///< 2^decay_bits - dv, >= 0
  uint32_t refractorySteps = 0;
  bool spikes = false;    ///< SPIKING or RELAY
};

/// One synapse as delivery needs it.
struct SynapseEntry {
  uint32_t ringOffset; ///< delay field * core lanes + lane
  int32_t weight;      ///< signed mantissa
};

/// The widths and rules of ChipFormat, checked and unpacked.
struct ArithmeticFormat {
  uint32_t stateBits = 24;
  uint32_t inputBits = 22;
  uint32_t decayBits = 12;
  DecayRounding decayRounding = DecayRounding::TowardZero;
  bool saturateCurrent = false;
  bool saturateVoltage = true;
  bool saturateInput = false;
  int32_t weightExponentOffset = 6;
};

struct CoreImage {
  uint32_t chip = 0, core = 0;
  uint32_t firstCompartment = 0, numCompartments = 0;
  uint32_t numLanes = 0;
  uint32_t ringDepth = 1;
  size_t ringOffset = 0; ///< this core's first entry in Chip's ring array
  uint32_t firstAxon = 0, numAxons = 0;
};

/// An IR population as the chip holds it: the spikes are reported per
/// population, neuron by neuron.
struct PopulationImage {
  std::string name;
  uint32_t size = 0;   ///< 1 + the largest neuron index
  bool spikes = false; ///< has a SPIKING or RELAY compartment
};

struct ChipImage {
  ArithmeticFormat format;
  ::axon::target::proto::Costs costs;
  DeviceLayout layout;

  std::vector<CoreImage> cores; ///< sorted by (chip, core)

  // Per compartment (global index).
  std::vector<CompartmentParams> params;
  std::vector<uint32_t> coreOf;
  std::vector<uint32_t> laneBegin; ///< size + 1 (CSR of global lane ids)
  std::vector<uint32_t> populationOf, neuronOf;
  std::vector<uint32_t> compartmentAxons; ///< size + 1 (CSR into outputAxons)
  std::vector<uint32_t> outputAxons;      ///< global input-axon ids

  // Per lane (global over cores: cores[c] lanes start at laneBase[c]).
  std::vector<int32_t> laneExponent; ///< weight exponent of its config
  std::vector<uint32_t> laneBase;    ///< per core

  // Per input axon (global).
  std::vector<uint32_t> axonCore;
  std::vector<uint32_t> axonSynapses; ///< size + 1 (CSR into synapses)
  std::vector<SynapseEntry> synapses;

  size_t ringSize = 0; ///< all cores' ring entries

  // Host input: channel (input, c) is host channel channelBase[input] + c.
  std::vector<uint32_t> channelBase; ///< per input, + total at the end
  std::vector<uint32_t> channelAxons; ///< total + 1 (CSR into hostAxons)
  std::vector<uint32_t> hostAxons;

  std::vector<PopulationImage> populations; ///< configuration order

  /// The readout: output_map[0]'s compartments (global), empty if none.
  std::vector<uint32_t> readout;
  double readoutScale = 1.0;

  uint32_t numCompartments() const { return uint32_t(params.size()); }
  /// Global index of the compartment in `slot` of (chip, core).
  std::optional<uint32_t> compartmentAt(uint32_t chip, uint32_t core,
                                        uint32_t slot) const;

  /// Lookup tables behind compartmentAt: per core, slot -> global + 1.
  std::vector<std::vector<uint32_t>> slotIndex;
};

/// Checks `config` (every index in range, every width the arithmetic
/// supports) and flattens it; `location` names it in diagnostics.
llvm::Expected<ChipImage> buildChipImage(const proto::LoihiConfig &config,
                                         llvm::StringRef location);

} // namespace axon::sim::loihi
