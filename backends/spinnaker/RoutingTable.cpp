//===- RoutingTable.cpp - Router tables of every chip ---------------------===//
//
// Graph::routes (made by the route pass, passes/Route.h) become each chip's
// router table: an entry's destination cores and chips become bit sets
// (bit c: core c of the chip; bit h: chip h). Entries keep the order the
// route pass gives them; it guarantees that a key matches at most one
// entry per chip, so the emulator may stop at the first match.
//
// The tables are then checked the way the machine will use them: every
// source slice's packet is injected at its chip (host slices: chip 0) and
// followed from chip to chip; it must reach every core that holds a target
// of that slice, and match at most one entry on any chip. A failure means
// the graph's routes do not belong to its placement (route was not run,
// or the placement changed since), and names the slice and the core.
//===----------------------------------------------------------------------===//
#include "backends/spinnaker/SpiNNakerEmitter.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <fmt/format.h>
#include <set>

namespace axon::backends::spinnaker {

namespace {

std::string sliceName(const EmitContext &ctx, const passes::SourceSlice &s) {
  if (s.fromHost)
    return fmt::format("input '{}' host slice (key {:#010x})", s.node, s.key);
  return fmt::format("'{}' on {} (key {:#010x})", s.node,
                     coreName(ctx, s.chip * ctx.coresPerChip() + s.core),
                     s.key);
}

/// Global ids of the cores holding a target of each source slice.
std::vector<std::set<uint32_t>> targetCores(const EmitContext &ctx) {
  std::vector<std::set<uint32_t>> cores(ctx.keys.slices.size());
  for (const ir::Projection &p : ctx.g.projections) {
    const ir::Population &target = *ctx.g.findPopulation(p.target);
    uint32_t node = ctx.nodeIndex(p.source);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [pre, post] = ir::synapseEnds(p, target.size, k);
      cores[ctx.sliceOf[node][pre]].insert(
          ctx.usedCores[ctx.coreOf(target, post)]);
    }
  }
  return cores;
}

/// Follows the packets of `slice` through the tables; the global ids of
/// the cores they reach, or an error when a key matches two entries.
llvm::Expected<std::set<uint32_t>> deliver(const EmitContext &ctx,
                                           const passes::SourceSlice &slice,
                                           llvm::ArrayRef<cfg::Chip> chips) {
  std::set<uint32_t> reached;
  std::vector<uint32_t> pending{slice.chip};
  std::vector<bool> visited(chips.size(), false);
  visited[slice.chip] = true;
  while (!pending.empty()) {
    uint32_t chip = pending.back();
    pending.pop_back();
    // Every key of the slice, unless no entry looks at the index bits:
    // then the slice's keys all match the same entries as its first.
    bool looksAtIndex = false;
    for (const cfg::RouterEntry &e : chips[chip].router())
      looksAtIndex |= (e.mask() & ~slice.mask) != 0;
    llvm::ArrayRef<uint32_t> keys(slice.keys);
    if (!looksAtIndex)
      keys = keys.take_front(1);
    for (uint32_t key : keys) {
      const cfg::RouterEntry *match = nullptr;
      for (const cfg::RouterEntry &e : chips[chip].router()) {
        if ((key & e.mask()) != e.key())
          continue;
        if (match)
          return makeError(sliceName(ctx, slice),
                           "key {:#010x} matches two router entries on chip "
                           "{}: {:#010x}/{:#010x} and {:#010x}/{:#010x}",
                           key, chip, match->key(), match->mask(), e.key(),
                           e.mask());
        match = &e;
      }
      if (!match)
        continue;
      for (uint32_t c = 0; c < 64; ++c)
        if (match->cores() >> c & 1)
          reached.insert(chip * ctx.coresPerChip() + c);
      for (uint32_t h = 0; h < chips.size(); ++h)
        if ((match->chips() >> h & 1) && !visited[h]) {
          visited[h] = true;
          pending.push_back(h);
        }
    }
  }
  return reached;
}

} // namespace

llvm::Error emitRouterTables(const EmitContext &ctx,
                             llvm::MutableArrayRef<cfg::Chip> chips) {
  const target::proto::Resources &res = ctx.desc.data().resources();
  for (const ir::RoutingEntry &r : ctx.g.routes) {
    std::string where = fmt::format("routing entry on chip {} (key {:#010x}, "
                                    "mask {:#010x})",
                                    r.chip, r.key, r.mask);
    if (r.chip >= chips.size())
      return makeError(where, "chip {}: the target has {} chips", r.chip,
                       chips.size());
    cfg::RouterEntry *e = chips[r.chip].add_router();
    e->set_key(r.key);
    e->set_mask(r.mask);
    uint64_t cores = 0, toChips = 0;
    for (uint32_t c : r.destinationCores) {
      if (c >= res.cores_per_chip())
        return makeError(where,
                         "destination core {}: the target has {} "
                         "cores per chip",
                         c, res.cores_per_chip());
      cores |= uint64_t(1) << c;
    }
    for (uint32_t h : r.destinationChips) {
      if (h >= chips.size())
        return makeError(where,
                         "destination chip {}: the target has {} "
                         "chips",
                         h, chips.size());
      toChips |= uint64_t(1) << h;
    }
    e->set_cores(cores);
    e->set_chips(toChips);
  }
  for (const cfg::Chip &chip : chips)
    if (uint32_t(chip.router_size()) > res.routing_entries_per_chip())
      return makeError(fmt::format("chip {}", chip.chip()),
                       "router table has {} entries, more than "
                       "routing_entries_per_chip {}",
                       chip.router_size(), res.routing_entries_per_chip());

  std::vector<std::set<uint32_t>> needed = targetCores(ctx);
  for (size_t s = 0; s < ctx.keys.slices.size(); ++s) {
    if (needed[s].empty())
      continue;
    const passes::SourceSlice &slice = ctx.keys.slices[s];
    llvm::Expected<std::set<uint32_t>> reached = deliver(ctx, slice, chips);
    if (!reached)
      return reached.takeError();
    for (uint32_t core : needed[s])
      if (!reached->count(core))
        return makeError(sliceName(ctx, slice),
                         "its packets do not reach {}, which holds its "
                         "targets: the graph's routing entries do not cover "
                         "its placement (run the route pass)",
                         coreName(ctx, core));
  }
  return llvm::Error::success();
}

} // namespace axon::backends::spinnaker
