//===- Emission.h - What the Loihi-like table builders share ----*- C++ -*-===//
//
// Internal to backends/loihi. emit() resolves the placement and the keys
// once (EmissionContext); each hardware table is then filled by its own
// file: CoreTables.cpp (cores, prototypes, compartments), SynapseTables.cpp
// (synapse configurations and input axons), AxonMaps.cpp (output axon
// maps, the input map and the output map). ResourceReport.cpp reads the
// finished configuration. All of them walk the graph in index order and
// never iterate a hash map, so the bytes are the same on every run.
//
// Diagnostics carry an element path as location ("projection 'in->h'
// synapse 5 (pre 1, post 2)"); the tool prefixes the file name.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/loihi/LoihiConfigIO.h"
#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"
#include "passes/Route.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace axon::backends::loihi {

/// Table sizes of a Loihi 1 core (targets.md A.1, G.1): the description
/// has no fields for them, and they are part of what makes this family.
inline constexpr uint32_t kMaxPrototypesPerCore = 32;
inline constexpr uint32_t kMaxSynapseConfigsPerCore = 8;

/// The placement and keys of a PLACED graph, resolved for the builders.
struct EmissionContext {
  const ir::Graph &graph;
  const target::TargetDescription &desc;
  passes::KeyAssignment keys;
  /// chip * cores_per_chip + core of every core holding a compartment,
  /// ascending: LoihiConfig.cores[i] is coreIds[i].
  std::vector<uint64_t> coreIds;
  /// Per population, per neuron: index into coreIds.
  std::vector<std::vector<uint32_t>> coreOf;
  /// Routing key of every source neuron: inputs, then populations (graph
  /// order), as passes::assignKeys gives them.
  std::vector<std::vector<uint32_t>> inputKeys, populationKeys;

  /// Index into coreIds of (chip, core), if that core holds compartments.
  std::optional<uint32_t> coreIndex(uint32_t chip, uint32_t core) const;
  /// Keys of the neurons of projection source `name`.
  const std::vector<uint32_t> &sourceKeys(llvm::StringRef name) const;
};

/// Resolves placement and keys; fails naming the neuron when the
/// placement lies outside the target or two neurons share a slot.
llvm::Expected<EmissionContext>
resolvePlacement(const ir::Graph &g, const target::TargetDescription &desc);

/// format: the widths and rules of the description (CoreTables.cpp).
proto::ChipFormat chipFormat(const target::TargetDescription &desc);

/// cores[i].{chip, core, prototypes, compartments} and notes for rounded
/// thresholds, biases and decays (CoreTables.cpp).
llvm::Error buildCoreTables(const EmissionContext &ctx,
                            proto::LoihiConfig &config);

/// cores[i].{synapse_configs, input_axons} (SynapseTables.cpp). Needs the
/// cores from buildCoreTables.
llvm::Error buildSynapseTables(const EmissionContext &ctx,
                               proto::LoihiConfig &config);

/// cores[i].output_axons, inputs, input_map and output_map from
/// Graph::routes (AxonMaps.cpp). Needs the input axons.
llvm::Error buildAxonMaps(const EmissionContext &ctx,
                          proto::LoihiConfig &config);

/// Delay field of IR delay `delaySteps` (LoihiConfig.proto: f = D).
inline uint32_t delayField(uint32_t delaySteps) { return delaySteps; }

/// Largest delay field the description allows: max_on_core_steps, capped
/// by the field width.
uint32_t maxDelayField(const target::TargetDescription &desc);

} // namespace axon::backends::loihi
