//===- Route.h - Routing tables from a placement ----------------*- C++ -*-===//
//
// Pass "route", PLACED -> PLACED. Needs a target. Replaces Graph::routes.
//
// Source slices. A source slice is the set of neurons of one node (an
// input or a population) on one core. Nodes on a core are ranked in graph
// order, inputs before populations (rank 0 is the first node with a
// neuron on that core). Input populations without a placement (partition
// leaves them so, Partition.h) are injected by the host through chip 0
// and cut into host slices of 2^k neurons: neuron i is in host slice
// floor(i / 2^k) at index i mod 2^k.
//
// Keys (32 bits), derived from the placement alone:
//   k      = max(resources.synapse_index_bits, ceil(log2 neurons_per_core))
//   source = chip * cores_per_chip + core for a placed neuron;
//            chips * cores_per_chip + h for host slice h, numbering the host
//            slices of all unplaced inputs in graph order
//   key    = routingKey(source, rank, index)
//          = source << 2k | rank << k | index
//   index  = the neuron's slot on its core (host slices: i mod 2^k)
//   rank   = the node's rank on the core (host slices: 0)
// A slice's base key has index 0 and its mask is ~(2^k - 1): the low k
// bits carry the neuron, as on SpiNNaker (targets.md B.6, G.2). Ranks and
// slots are < neurons_per_core <= 2^k, so the fields never overlap; the
// pass fails if source ids need more than 32 - 2k bits. assignKeys()
// lists every slice with its keys for emitters.
//
// Router tables (resources.routing_entries_per_chip > 0, SpiNNaker-like).
// Chips are modelled as directly connected to each other. For a slice on
// chip A (host slices: chip 0) whose neurons have targets on chips B, C:
//   on A:    one entry, key/mask of the slice, destination_cores = the
//            target cores on A, destination_chips = {B, C} minus A
//   on B, C: one entry each, destination_cores = the target cores there,
//            no destination_chips
// `core` is 0 in router entries (a router belongs to a chip). Each chip's
// entries are then compressed: entries with the same route (destination
// cores and chips) are merged by widening the mask one bit at a time, low
// bits first, as long as the entry captures no key of any other slice in
// the graph (whatever that slice's route, including none) nor a key that an
// earlier merged entry already routes. So every key the graph uses
// matches at most one entry on a chip: exactly one where it must be
// routed, none elsewhere; no entry order is relied on. A chip whose
// table still exceeds routing_entries_per_chip is an error naming the
// chip, the entries needed and the limit.
//
// Axon maps (routing_entries_per_chip == 0, Loihi-like). One entry per
// source slice with targets: chip and core are the slice's own (host
// slices: chip 0, core kHostCore), key = the slice's base key (its axon
// id base: neuron's axon id = key | slot), mask = all ones (the map is
// indexed by slice, not matched), and destination_cores[i] on chip
// destination_chips[i] are the distinct cores holding targets, sorted
// by (chip, core).
//
// Entries are sorted by (chip, core, key, mask).
//
// Statistics:
//   source-slices          counter  slices whose neurons have targets
//   entries-before         counter  entries before compression, all chips
//   entries-after          counter  entries after compression, all chips
//   max-entries-per-chip-before  figure
//   max-entries-per-chip         figure  (after compression)
//   chip<c>-entries-before / chip<c>-entries-after   counters, per chip
//                                   holding entries
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axon::target {
class TargetDescription;
} // namespace axon::target

namespace axon::passes {

/// `core` of host slices and of their axon-map entries.
inline constexpr uint32_t kHostCore = ~uint32_t(0);

/// How keys split into fields for one target (file comment).
struct KeyLayout {
  uint32_t indexBits = 0;  ///< k: neuron index, and rank width
  uint32_t sourceBits = 0; ///< bits above the rank
  uint32_t coresPerChip = 0;
  uint64_t chipCores = 0; ///< chips * cores_per_chip: first host source

  /// ~(2^k - 1): matches every neuron of one slice.
  uint32_t sliceMask() const {
    return ~uint32_t((uint64_t(1) << indexBits) - 1);
  }
};

/// key = source << 2k | rank << k | index (file comment). `rank` and
/// `index` must be < 2^k and the key must fit 32 bits.
inline uint32_t routingKey(const KeyLayout &layout, uint32_t source,
                           uint32_t rank, uint32_t index) {
  uint64_t k = layout.indexBits;
  return static_cast<uint32_t>((uint64_t(source) << (2 * k)) |
                               (uint64_t(rank) << k) | index);
}

/// One source slice and the keys of its neurons.
struct SourceSlice {
  std::string node;      ///< input or population name
  bool fromHost = false; ///< an unplaced input's host slice
  uint32_t chip = 0;     ///< host slices: 0, where the host injects
  uint32_t core = 0;     ///< host slices: kHostCore
  uint32_t source = 0, rank = 0;
  uint32_t key = 0;              ///< base key (index 0)
  uint32_t mask = 0;             ///< KeyLayout::sliceMask()
  std::vector<uint32_t> neurons; ///< the node's neuron indices, ascending
  std::vector<uint32_t> keys;    ///< key of each of `neurons`
};

struct KeyAssignment {
  KeyLayout layout;
  /// Placed slices by (source, rank), then host slices: ascending keys.
  std::vector<SourceSlice> slices;
};

/// The layout and every source slice of a PLACED graph on `target`. Fails,
/// naming the neuron, when a placement lies outside the target or two
/// neurons share a slot, and when the keys need more than 32 bits. `file`
/// prefixes diagnostics.
llvm::Expected<KeyAssignment>
assignKeys(const ir::Graph &g, const target::TargetDescription &target,
           llvm::StringRef file);

class RoutePass : public Pass {
public:
  llvm::StringRef name() const override { return "route"; }
  llvm::StringRef summary() const override {
    return "build routing tables (multicast keys or axon maps) from the "
           "placement";
  }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Placed; }

  llvm::Error run(ir::Graph &g, PassContext &ctx) override;
};

} // namespace axon::passes
