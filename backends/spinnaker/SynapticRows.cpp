//===- SynapticRows.cpp - Synaptic matrices and master population tables -===//
//
// For every core, the rows of 32-bit words the core DMAs from SDRAM when a
// packet arrives (targets.md B.5), the master population table that finds
// them, and the ring-buffer shift of each synapse type.
//
// Rows. A row holds the synapses of one source neuron into one core, over
// all projections, in (projection, synapse) index order. The rows of one
// source slice (its neurons on one core, or a host slice) form a block
// with one row per key index from the slice's lowest to its highest; every
// row of a block is padded to the block's longest (row_length), so row i
// is found by arithmetic, as the master population table entry describes.
// Row layout: [0 plastic words][F fixed synapses][0 plastic control
// half-words][F words][zero padding to row_length].
//
// Words (SynapseWord.h). For synapse (pre, post) with integer weight w of
// projection P into population T, placed on this core at slot s:
//   type   = 0 (excitatory) if w >= 0, else 1 (inhibitory)
//   index  = s
//   delay  = L mod 2^delay_bits, L = D, the IR delay_steps (the tick
//            convention of SpiNNakerConfig.proto); D must lie in
//            [min_steps, max_on_core_steps] = [1, 16]
//   weight = |w| << (e - shift[T][type]), e = P's exponent +
//            (15 - T's state_frac_bits), the left shift that turns |w| into
//            s16.15 input (NeuronParams.cpp's state shift)
// shift[T][type], which every slice of T carries, is the smallest e over
// the synapses of that type into T, so weights are only ever shifted left,
// exactly; a magnitude that then overflows the weight field is an error
// naming both projections. quantise-weights gives all projections into
// one (population, type) one exponent, so normally e is the shift and the
// weight is |w| unchanged. Synapses into relay neurons carry weight 1,
// excitatory: a delay-extension stage only needs to see that a packet
// arrived, and plays no part in the shifts.
//===----------------------------------------------------------------------===//
#include "backends/spinnaker/SpiNNakerEmitter.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <cassert>
#include <fmt/format.h>
#include <map>
#include <optional>

namespace axon::backends::spinnaker {

namespace {

/// One synapse, resolved against the placement and the keys.
struct ResolvedSynapse {
  uint32_t pre = 0, post = 0;
  uint32_t core = 0;     ///< position in EmitContext::usedCores
  uint32_t target = 0;   ///< population index
  uint32_t slice = 0;    ///< source slice in EmitContext::keys.slices
  uint32_t srcIndex = 0; ///< key index bits of the source neuron
  uint32_t slot = 0;
  uint32_t delay = 0; ///< D, steps
  uint32_t magnitude = 0;
  uint32_t type = 0;
  int64_t exponent = 0; ///< e of the file comment
  bool intoRelay = false;
};

std::string synapseName(const ir::Projection &p, uint32_t pre, uint32_t post) {
  return fmt::format("projection '{}' synapse ({}, {})", p.name, pre, post);
}

/// e of the file comment for projection `p` into `target`.
int64_t effectiveExponent(const EmitContext &ctx, const ir::Projection &p,
                          const ir::Population &target) {
  return int64_t(p.quantisation.exponent) +
         int64_t(ctx.desc.data().neurons().state_frac_bits()) -
         int64_t(target.fixed.stateFracBits);
}

/// Resolves synapse k of `p`, checking its delay and weight against the
/// chip's fields.
llvm::Expected<ResolvedSynapse>
resolve(const EmitContext &ctx, const ir::Projection &p, uint32_t srcNode,
        const ir::Population &target, size_t k) {
  const target::proto::Target &t = ctx.desc.data();
  auto [pre, post] = ir::synapseEnds(p, target.size, k);
  ResolvedSynapse s;
  s.pre = pre;
  s.post = post;
  s.core = ctx.coreOf(target, post);
  s.slot = target.placement.slot[post];
  s.slice = ctx.sliceOf[srcNode][pre];
  s.srcIndex = ctx.keyOf(srcNode, pre) & ~ctx.keys.layout.sliceMask();
  s.intoRelay = target.kind == ir::NeuronKind::Relay;

  s.delay = p.delaySteps.empty() ? 0 : p.delaySteps[k];
  uint32_t minSteps = t.delays().min_steps(),
           maxSteps = t.delays().max_on_core_steps();
  if (s.delay < minSteps || s.delay > maxSteps)
    return makeError(
        synapseName(p, pre, post),
        "delay {} steps is outside the on-core range [{}, {}] of the {}-bit "
        "delay field: {}",
        s.delay, minSteps, maxSteps, t.delays().delay_bits(),
        s.delay < minSteps
            ? "a packet reaches its target core the tick after it is sent, "
              "so the ring buffer adds at least one tick"
            : "longer delays need delay-extension stages (run delay-lines)");

  if (s.intoRelay) {
    s.magnitude = 1;
    return s;
  }
  int64_t w = p.weightsInt[k];
  s.type = w < 0 ? 1 : 0;
  assert(s.type < t.weights().synapse_types() &&
         "validateTarget demands excitatory and inhibitory types");
  uint64_t magnitude = static_cast<uint64_t>(w < 0 ? -w : w);
  if (magnitude >= (uint64_t(1) << ctx.layout.weightBits))
    return makeError(synapseName(p, pre, post),
                     "weight magnitude {} does not fit the {}-bit weight field",
                     magnitude, ctx.layout.weightBits);
  s.magnitude = static_cast<uint32_t>(magnitude);
  s.exponent = effectiveExponent(ctx, p, target);
  return s;
}

/// A source slice's rows on one core, by key index - first.
struct Block {
  uint32_t first = 0;
  std::vector<std::vector<uint32_t>> rows;
  std::vector<int64_t> neuron; ///< source neuron of each row, -1 for none
};

Block makeBlock(const passes::SourceSlice &slice, uint32_t sliceMask) {
  Block b;
  uint32_t lo = ~uint32_t(0), hi = 0;
  for (uint32_t key : slice.keys) {
    lo = std::min(lo, key & ~sliceMask);
    hi = std::max(hi, key & ~sliceMask);
  }
  b.first = lo;
  b.rows.resize(hi - lo + 1);
  b.neuron.assign(hi - lo + 1, -1);
  for (size_t i = 0; i < slice.keys.size(); ++i)
    b.neuron[(slice.keys[i] & ~sliceMask) - lo] = slice.neurons[i];
  return b;
}

} // namespace

llvm::Expected<std::vector<std::vector<uint32_t>>>
chooseRingShifts(const EmitContext &ctx) {
  const ir::Graph &g = ctx.g;
  const target::proto::WeightFormat &wf = ctx.desc.data().weights();
  uint32_t types = wf.synapse_types();
  // Smallest e per (population, type) and the projection that set it.
  std::vector<std::vector<std::optional<int64_t>>> least(
      g.populations.size(), std::vector<std::optional<int64_t>>(types));
  std::vector<std::vector<size_t>> from(g.populations.size(),
                                        std::vector<size_t>(types, 0));
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    size_t target = g.findNode(p.target)->index;
    const ir::Population &pop = g.populations[target];
    if (pop.kind == ir::NeuronKind::Relay)
      continue;
    int64_t e = effectiveExponent(ctx, p, pop);
    bool hasType[2] = {false, false};
    for (int32_t w : p.weightsInt)
      hasType[w < 0 ? 1 : 0] = true;
    for (uint32_t type = 0; type < std::min(types, 2u); ++type)
      if (hasType[type] && (!least[target][type] || e < *least[target][type])) {
        least[target][type] = e;
        from[target][type] = pi;
      }
  }
  std::vector<std::vector<uint32_t>> shifts(g.populations.size());
  for (size_t t = 0; t < g.populations.size(); ++t)
    for (uint32_t type = 0; type < types; ++type) {
      int64_t e = least[t][type].value_or(0);
      if (e < 0 || e > int64_t(wf.max_shift())) {
        const ir::Projection &p = g.projections[from[t][type]];
        return makeError(
            fmt::format("population '{}'", g.populations[t].name),
            "synapse type {} needs a ring-buffer left shift of {} for "
            "projection '{}' (exponent {} + {} - {} state fractional bits) "
            "but the chip shifts by 0 to {}",
            type, e, p.name, p.quantisation.exponent,
            ctx.desc.data().neurons().state_frac_bits(),
            g.populations[t].fixed.stateFracBits, wf.max_shift());
      }
      shifts[t].push_back(static_cast<uint32_t>(e));
    }
  return shifts;
}

llvm::Error emitSynapticMatrices(const EmitContext &ctx,
                                 llvm::MutableArrayRef<cfg::Core> cores) {
  const target::proto::Target &t = ctx.desc.data();
  const ir::Graph &g = ctx.g;

  // Pass 1: resolve and check every synapse.
  std::vector<std::vector<ResolvedSynapse>> resolved(g.projections.size());
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    size_t targetIndex = g.findNode(p.target)->index;
    const ir::Population &target = g.populations[targetIndex];
    uint32_t srcNode = ctx.nodeIndex(p.source);
    resolved[pi].reserve(p.numSynapses());
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      llvm::Expected<ResolvedSynapse> s = resolve(ctx, p, srcNode, target, k);
      if (!s)
        return s.takeError();
      s->target = static_cast<uint32_t>(targetIndex);
      resolved[pi].push_back(*s);
    }
  }

  // Pass 2: pack the words into rows, block by block.
  uint32_t sliceMask = ctx.keys.layout.sliceMask();
  std::vector<std::map<uint32_t, Block>> blocks(cores.size());
  uint32_t delayMask = (uint32_t(1) << ctx.layout.delayBits) - 1;
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    for (const ResolvedSynapse &s : resolved[pi]) {
      SynapseWord w;
      w.delay = s.delay & delayMask;
      w.type = s.type;
      w.index = s.slot;
      uint64_t magnitude = s.magnitude;
      if (!s.intoRelay) {
        int64_t shift = ctx.ringShift[s.target][s.type];
        int64_t up = s.exponent - shift;
        assert(up >= 0 && "the shift is the smallest exponent");
        // A shift of 32 or more overflows any nonzero magnitude (and must
        // not reach the << operator).
        bool overflows = magnitude != 0 && up >= 32;
        if (!overflows) {
          magnitude <<= up;
          overflows = magnitude >= (uint64_t(1) << ctx.layout.weightBits);
        }
        if (overflows)
          return makeError(
              synapseName(p, s.pre, s.post),
              "weight magnitude {} (exponent {}) shifted left by {} to the "
              "ring-buffer shift {} of population '{}' synapse type {} is "
              "{}, which overflows the {}-bit weight field",
              s.magnitude, s.exponent, up, shift, g.populations[s.target].name,
              s.type, magnitude, ctx.layout.weightBits);
      }
      w.weight = static_cast<uint32_t>(magnitude);
      auto [it, added] = blocks[s.core].try_emplace(s.slice);
      if (added)
        it->second = makeBlock(ctx.keys.slices[s.slice], sliceMask);
      it->second.rows[s.srcIndex - it->second.first].push_back(
          axon::spinnaker::packSynapseWord(ctx.layout, w));
    }
  }

  // Pass 3: lay the blocks out in SDRAM in key order (slices are sorted
  // by key) and index them in the master population table.
  uint32_t maxRow = t.resources().max_row_length();
  uint64_t memoryBits = t.resources().synapse_memory_bits_per_core();
  for (size_t c = 0; c < cores.size(); ++c) {
    cfg::Core &core = cores[c];
    for (const auto &[sliceId, block] : blocks[c]) {
      const passes::SourceSlice &slice = ctx.keys.slices[sliceId];
      size_t rowLength = 0;
      for (size_t r = 0; r < block.rows.size(); ++r) {
        size_t n = block.rows[r].size();
        if (maxRow != 0 && n > maxRow)
          return makeError(
              fmt::format("{} '{}' neuron {}",
                          g.findNode(slice.node)->kind ==
                                  ir::NodeRef::Kind::Input
                              ? "input"
                              : "population",
                          slice.node, block.neuron[r]),
              "its row into {} has {} synapses, more than max_row_length {}",
              coreName(ctx, ctx.usedCores[c]), n, maxRow);
        rowLength = std::max(rowLength, n);
      }
      cfg::MasterPopulationEntry *e = core.add_master_population_table();
      e->set_key(slice.key);
      e->set_mask(slice.mask);
      e->set_address(static_cast<uint32_t>(core.synaptic_matrix_size()));
      e->set_row_length(static_cast<uint32_t>(rowLength));
      e->set_first_index(block.first);
      e->set_row_count(static_cast<uint32_t>(block.rows.size()));
      e->set_source(slice.node);
      static_assert(axon::spinnaker::kRowHeaderWords == 3 &&
                    axon::spinnaker::kRowFixedCountWord == 1);
      for (const std::vector<uint32_t> &row : block.rows) {
        core.add_synaptic_matrix(0);
        core.add_synaptic_matrix(static_cast<uint32_t>(row.size()));
        core.add_synaptic_matrix(0);
        for (uint32_t word : row)
          core.add_synaptic_matrix(word);
        for (size_t pad = row.size(); pad < rowLength; ++pad)
          core.add_synaptic_matrix(0);
      }
    }
    uint64_t bits = uint64_t(core.synaptic_matrix_size()) * 32;
    if (memoryBits != 0 && bits > memoryBits)
      return makeError(coreName(ctx, ctx.usedCores[c]),
                       "synaptic matrix of {} words ({} bytes) exceeds the "
                       "core's SDRAM share of {} bytes "
                       "(synapse_memory_bits_per_core {})",
                       core.synaptic_matrix_size(),
                       core.synaptic_matrix_size() * 4, memoryBits / 8,
                       memoryBits);
  }
  return llvm::Error::success();
}

} // namespace axon::backends::spinnaker
