//===- SpiNNakerEmitter.h - Shared state of one emission --------*- C++ -*-===//
//
// Internal to the SpiNNaker-like emitter. SpiNNakerTarget.cpp checks the
// graph and the description, builds an EmitContext once (keys of every
// neuron, the cores in use, the word layout) and hands it to one builder
// per hardware table:
//   NeuronParams.cpp    neuron slices and their fixed-point parameters
//   SynapticRows.cpp    ring-buffer shifts, master population tables and
//                       synaptic matrices
//   RoutingTable.cpp    router tables, checked to reach every target core
//   ResourceReport.cpp  report.txt
// Every builder is a const walk in index order: the same graph always
// gives the same bytes. Diagnostics name the element (projection and
// synapse, population, core or chip), the value and the limit.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/spinnaker/SpiNNakerConfig.pb.h"
#include "backends/spinnaker/SynapseWord.h"
#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"
#include "passes/Route.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axon::backends::spinnaker {

namespace cfg = axon::spinnaker::proto;
using axon::spinnaker::SynapseWord;
using axon::spinnaker::SynapseWordLayout;

/// Everything the table builders share; built once, then read only.
struct EmitContext {
  EmitContext(const ir::Graph &g, const target::TargetDescription &desc,
              SynapseWordLayout layout, passes::KeyAssignment keys)
      : g(g), desc(desc), layout(layout), keys(std::move(keys)) {}

  const ir::Graph &g;
  const target::TargetDescription &desc;
  SynapseWordLayout layout;
  passes::KeyAssignment keys;
  /// Per node (inputs in graph order, then populations) and neuron: the
  /// index of its source slice in keys.slices.
  std::vector<std::vector<uint32_t>> sliceOf;
  /// Per node and neuron: the key its packets carry.
  std::vector<std::vector<uint32_t>> neuronKeys;
  /// Global ids (chip * cores_per_chip + core) of the cores holding
  /// neurons, ascending, and the position of each in that list.
  std::vector<uint32_t> usedCores;
  llvm::DenseMap<uint32_t, uint32_t> coreIndex;
  /// Ring-buffer left shift per population (graph order) and synapse type
  /// (chooseRingShifts).
  std::vector<std::vector<uint32_t>> ringShift;

  uint32_t coresPerChip() const {
    return desc.data().resources().cores_per_chip();
  }
  /// Node index of an input or population name (it must exist).
  uint32_t nodeIndex(llvm::StringRef name) const;
  /// Position in usedCores of the core holding population `pop`'s `neuron`.
  uint32_t coreOf(const ir::Population &pop, uint32_t neuron) const;
  /// Key a source neuron sends (index bits = its slot or host index).
  uint32_t keyOf(uint32_t node, uint32_t neuron) const {
    return neuronKeys[node][neuron];
  }
};

/// "chip 0 core 3" for a global core id.
std::string coreName(const EmitContext &ctx, uint32_t globalCore);

/// The parameter fields (model, relay, threshold ... refractory_ticks) of
/// a slice of `pop`: its FixedPointNeuron in the chip's formats. State
/// values are shifted from the IR's state_frac_bits to the chip's (s16.15)
/// and must fit its state_bits; decays are shifted from the IR's
/// decay_bits to the chip's (u0.32) and must stay below 1.0.
llvm::Expected<cfg::NeuronSlice>
chipNeuronParams(const ir::Population &pop,
                 const target::TargetDescription &desc);

/// The ring-buffer shift of every (population, synapse type): the smallest
/// effective exponent of the synapses of that type into the population
/// (SynapticRows.cpp), 0 where there are none; an error when one falls
/// outside [0, weights.max_shift].
llvm::Expected<std::vector<std::vector<uint32_t>>>
chooseRingShifts(const EmitContext &ctx);

/// Fills `slots` and `slices` of every core (cores[i] is usedCores[i]).
llvm::Error emitNeuronSlices(const EmitContext &ctx,
                             llvm::MutableArrayRef<cfg::Core> cores);

/// Fills `master_population_table` and `synaptic_matrix` of every core,
/// with weights aligned to ctx.ringShift.
llvm::Error emitSynapticMatrices(const EmitContext &ctx,
                                 llvm::MutableArrayRef<cfg::Core> cores);

/// Fills the router entries of every chip (chips[c] is chip c) from
/// Graph::routes and checks that every source slice's packets reach every
/// core holding one of its targets.
llvm::Error emitRouterTables(const EmitContext &ctx,
                             llvm::MutableArrayRef<cfg::Chip> chips);

/// The text of report.txt for an assembled configuration.
std::string formatResourceReport(const EmitContext &ctx,
                                 const cfg::SpiNNakerConfig &config);

} // namespace axon::backends::spinnaker
