//===- Partition.h - Place every neuron on (chip, core, slot) ---*- C++ -*-===//
//
// Pass "partition", QUANTISED -> PLACED. Needs a target.
//
// Every neuron of every population (relay populations included) gets a
// (chip, core, slot) such that no core exceeds any limit of the target's
// `resources`:
//   neurons_per_core       neurons on the core (slot < neurons_per_core)
//   max_fan_in_per_core    distinct presynaptic source neurons (inputs
//                          included) with at least one synapse into the core
//   max_fan_out_per_core   distinct destination cores the core's neurons
//                          send to, the core itself included when its
//                          neurons feed each other (0 = no limit)
//   synapse_memory_bits_per_core   see "memory cost model" below
//   max_row_length         synapses from one source neuron into one core,
//                          over all projections (0 = no limit)
//   cores_per_chip x chips
//
// Why QUANTISED only: a PLACED graph must carry integer weights and
// fixed-point neuron constants (ir/Verifier.cpp checks them at every level
// from QUANTISED on), so a DISCRETE graph stamped PLACED would fail
// verification. The placement itself reads only structure (sizes and
// synapse ends), never weights.
//
// Input populations are off-chip spike sources: the host injects their
// spikes (route gives them keys from a host range, Route.h). They take no
// core slot and keep an empty placement, but their synapses count toward
// the fan-in, rows and memory of the cores they feed, like any source.
//
// Memory cost model (targets.md A.2 and G.1; nengo-loihi's bits_per_axon):
//   synapse bits s = weight bits + delays.delay_bits + synapse_index_bits
//     weight bits  = weights.bits + 1 for MANTISSA_EXPONENT (weights.bits
//                    excludes the sign of the mixed-mode mantissa)
//                  = weights.bits + ceil(log2 synapse_types) for
//                    MAGNITUDE_SHIFT (the magnitude plus the synapse-type
//                    field that carries its sign, targets.md B.5)
//   row = the synapses of one source neuron into one core (all projections)
//   row bits = ceil((synapse_header_bits + n * s) / memory_word_bits)
//              * memory_word_bits, for a row of n >= 1 synapses
//   memory of a core = sum of its rows' bits
// Loihi-like: s = 8 + 6 + 10 = 24, a 10-bit header, 64-bit words.
// SpiNNaker-like: s = 16 + 1 + 4 + 8 = 29, a 96-bit header, 32-bit words.
// The target's widest weight is charged whatever a projection's own
// quantisation width is, so the placement holds for any weights the
// target can store.
//
// Algorithm (deterministic, no randomness):
//  1. Slicing. Each population is cut into contiguous slices of neurons,
//     scanning neurons in index order and closing the slice when the next
//     neuron would break neurons_per_core, fan-in, memory or row length
//     for a core holding that slice alone. These limits only shrink with
//     a sub-slice, so greedy gives the fewest contiguous slices.
//  2. Fan-out. Which core a target slice lands on is not known yet, but
//     each slice lands on exactly one core, so the number of distinct
//     target slices a core's neurons reach bounds its fan-out. Slices
//     whose bound exceeds max_fan_out_per_core are split further (only
//     ever refined, so this terminates) until every bound fits. The bound
//     is conservative: it may cost a core when target slices share one.
//  3. Packing. Populations go in topological order of the projection graph
//     (Kahn's algorithm, ties and cycles broken by graph order), their
//     slices in index order, first-fit onto cores numbered
//     chip * cores_per_chip + core: the first used core on which every
//     limit (recomputed for the union, rows of one source merging) still
//     holds, else the next empty core. Cores fill chip by chip, so a
//     population's slices sit on consecutive cores and graph neighbours
//     on the same chip where they fit. A slice takes the next free slots
//     of its core, so slot = slots used before it + offset in the slice.
// A failure names the population and the limit and leaves the graph
// unchanged, e.g.
//   net.axon: population 'hidden': 5000 neurons need 5 cores of 1024 but
//   only 3 of 128 x 1 chips remain
//   net.axon: population 'hidden': a single neuron (12) has fan-in 6000
//   exceeding max_fan_in_per_core 4096
//
// Statistics (per core over the cores used):
//   cores-used, chips-used, slices, neurons-placed   counters
//   max-/mean-neurons-per-core      figures
//   max-/mean-synapses-per-core     figures (synapses into the core)
//   max-/mean-memory-bits-per-core  figures
//   max-/mean-fan-in-per-core       figures
//   max-/mean-fan-out-per-core      figures (exact, after placement)
//   max-row-length                  figure
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <cstdint>

namespace axon::target {
class TargetDescription;
} // namespace axon::target

namespace axon::passes {

/// The memory cost model of the file comment, for one target.
struct SynapseMemoryModel {
  uint32_t synapseBits = 0; ///< per synapse: weight + delay + index
  uint32_t headerBits = 0;  ///< per (source neuron, core) row
  uint32_t wordBits = 1;    ///< rows are rounded up to whole words

  /// Bits of a row of `synapses` synapses; 0 for an empty row.
  uint64_t rowBits(uint64_t synapses) const {
    if (synapses == 0)
      return 0;
    uint64_t bits = headerBits + synapses * synapseBits;
    return (bits + wordBits - 1) / wordBits * wordBits;
  }
};

/// The cost model of `target` (file comment).
SynapseMemoryModel synapseMemoryModel(const target::TargetDescription &target);

class PartitionPass : public Pass {
public:
  llvm::StringRef name() const override { return "partition"; }
  llvm::StringRef summary() const override {
    return "place every neuron on a chip, core and slot within the core "
           "limits";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Quantised; }
  ir::IRLevel outputLevel(ir::IRLevel) const override {
    return ir::IRLevel::Placed;
  }

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;
};

} // namespace axon::passes
