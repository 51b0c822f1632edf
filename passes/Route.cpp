//===- Route.cpp - Routing tables from a placement ------------------------===//
//
// PLACED -> PLACED. Invariant established: the spike of every source
// neuron with synapses reaches, through Graph::routes, exactly the cores
// that hold its targets; with router tables no chip holds more entries
// than routing_entries_per_chip. Everything is computed before
// Graph::routes is replaced, so a failure leaves the graph untouched.
// Keys, the router model, compression and axon maps are in Route.h.
//===----------------------------------------------------------------------===//
#include "passes/Route.h"

#include "passes/PassContext.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace axon::passes {
namespace {

/// Smallest b with 2^b >= n.
uint32_t bitsFor(uint64_t n) {
  uint32_t b = 0;
  while ((uint64_t(1) << b) < n)
    ++b;
  return b;
}

/// A source node: an input or a population, in the order keys rank them.
struct SourceNode {
  std::string kind; ///< "input" or "population", for diagnostics
  llvm::StringRef name;
  uint32_t size;
  const ir::Placement *placement; ///< null: an unplaced input
};

std::vector<SourceNode> sourceNodes(const ir::Graph &g) {
  std::vector<SourceNode> nodes;
  for (const ir::InputPopulation &in : g.inputs)
    nodes.push_back({"input", in.name, in.size,
                     in.placement.empty() ? nullptr : &in.placement});
  for (const ir::Population &p : g.populations)
    nodes.push_back({"population", p.name, p.size, &p.placement});
  return nodes;
}

/// The route of one table entry: local cores and onward chips.
struct RouteSet {
  llvm::SmallVector<uint32_t, 4> cores, chips;
  bool operator<(const RouteSet &o) const {
    return std::tie(cores, chips) < std::tie(o.cores, o.chips);
  }
};

/// An entry before compression: one slice's route on one chip.
struct SliceEntry {
  size_t slice;
  RouteSet route;
};

/// Compresses the entries of one chip (Route.h): each surviving entry
/// starts from the lowest-keyed slice its route has left uncovered and
/// widens its mask bit by bit while it captures only uncovered slices of
/// the same route. `entries` are sorted by slice (so by key).
std::vector<ir::RoutingEntry> compressChip(uint32_t chip,
                                           llvm::ArrayRef<SliceEntry> entries,
                                           llvm::ArrayRef<SourceSlice> slices,
                                           const KeyLayout &layout) {
  // Route groups in order of first appearance; -1: not routed here.
  std::map<RouteSet, int> groupOf;
  std::vector<const RouteSet *> groupRoute;
  std::vector<int> label(slices.size(), -1);
  for (const SliceEntry &e : entries) {
    auto [it, inserted] =
        groupOf.try_emplace(e.route, static_cast<int>(groupRoute.size()));
    if (inserted)
      groupRoute.push_back(&it->first);
    label[e.slice] = it->second;
  }
  std::vector<bool> covered(slices.size(), false);
  uint32_t firstBit = layout.indexBits;
  uint32_t lastBit = std::min<uint32_t>(32, 2 * layout.indexBits +
                                                layout.sourceBits); // exclusive
  std::vector<ir::RoutingEntry> out;
  for (const SliceEntry &e : entries) {
    if (covered[e.slice])
      continue;
    int group = label[e.slice];
    uint32_t key = slices[e.slice].key, mask = slices[e.slice].mask;
    auto capturesOnlyOwn = [&](uint32_t k, uint32_t m) {
      for (size_t t = 0; t < slices.size(); ++t)
        if ((slices[t].key & m) == k && (label[t] != group || covered[t]))
          return false;
      return true;
    };
    for (uint32_t bit = firstBit; bit < lastBit; ++bit) {
      uint32_t wider = mask & ~(uint32_t(1) << bit);
      if (wider != mask && capturesOnlyOwn(key & wider, wider)) {
        mask = wider;
        key &= wider;
      }
    }
    for (size_t t = 0; t < slices.size(); ++t)
      if ((slices[t].key & mask) == key)
        covered[t] = true;
    ir::RoutingEntry r;
    r.chip = chip;
    r.core = 0;
    r.key = key;
    r.mask = mask;
    r.destinationCores.assign(e.route.cores.begin(), e.route.cores.end());
    r.destinationChips.assign(e.route.chips.begin(), e.route.chips.end());
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace

llvm::Expected<KeyAssignment>
assignKeys(const ir::Graph &g, const target::TargetDescription &target,
           llvm::StringRef file) {
  const auto &res = target.data().resources();
  KeyAssignment a;
  KeyLayout &layout = a.layout;
  layout.indexBits =
      std::max(res.synapse_index_bits(), bitsFor(res.neurons_per_core()));
  layout.coresPerChip = res.cores_per_chip();
  layout.chipCores = uint64_t(res.chips()) * res.cores_per_chip();
  uint64_t chunk = uint64_t(1) << layout.indexBits;

  std::vector<SourceNode> nodes = sourceNodes(g);
  DiagnosticList diag;
  // (global core, slot, node, neuron) of every placed neuron.
  std::vector<std::tuple<uint64_t, uint32_t, uint32_t, uint32_t>> seats;
  uint64_t hostSlices = 0;
  for (uint32_t n = 0; n < nodes.size(); ++n) {
    const SourceNode &node = nodes[n];
    if (!node.placement) {
      hostSlices += (node.size + chunk - 1) / chunk;
      continue;
    }
    const ir::Placement &pl = *node.placement;
    if (pl.chip.size() != node.size || pl.core.size() != node.size ||
        pl.slot.size() != node.size) {
      diag.report(fmt::format("{} '{}'", node.kind, node.name),
                  "placement has {} chip, {} core and {} slot entries: must "
                  "have one per neuron ({})",
                  pl.chip.size(), pl.core.size(), pl.slot.size(), node.size);
      continue;
    }
    for (uint32_t i = 0; i < node.size; ++i) {
      std::string where =
          fmt::format("{} '{}' neuron {}", node.kind, node.name, i);
      if (pl.chip[i] >= res.chips())
        diag.report(where, "chip {}: the target has {} chips", pl.chip[i],
                    res.chips());
      else if (pl.core[i] >= res.cores_per_chip())
        diag.report(where, "core {}: the target has {} cores per chip",
                    pl.core[i], res.cores_per_chip());
      else if (pl.slot[i] >= res.neurons_per_core())
        diag.report(where, "slot {}: the target has {} neurons per core",
                    pl.slot[i], res.neurons_per_core());
      else
        seats.emplace_back(uint64_t(pl.chip[i]) * res.cores_per_chip() +
                               pl.core[i],
                           pl.slot[i], n, i);
    }
  }
  llvm::sort(seats);
  for (size_t s = 1; s < seats.size(); ++s) {
    auto [core, slot, n, i] = seats[s];
    auto [prevCore, prevSlot, pn, pi] = seats[s - 1];
    if (core == prevCore && slot == prevSlot)
      diag.report(
          fmt::format("{} '{}' neuron {}", nodes[n].kind, nodes[n].name, i),
          "chip {} core {} slot {} is taken by {} '{}' neuron {}",
          core / res.cores_per_chip(), core % res.cores_per_chip(), slot,
          nodes[pn].kind, nodes[pn].name, pi);
  }
  layout.sourceBits = bitsFor(layout.chipCores + hostSlices);
  if (diag.empty() && layout.sourceBits + 2 * layout.indexBits > 32)
    diag.report("graph",
                "routing keys need {} bits ({} for {} sources + 2 x {} for "
                "rank and neuron index) but keys have 32",
                layout.sourceBits + 2 * layout.indexBits, layout.sourceBits,
                layout.chipCores + hostSlices, layout.indexBits);
  if (!diag.empty())
    return diag.takeError(file.str());

  // Placed slices: seats are sorted by (core, slot); ranks follow node
  // order on each core, so gather (core, node) first.
  std::vector<std::tuple<uint64_t, uint32_t, uint32_t, uint32_t>> byNode;
  for (auto [core, slot, n, i] : seats)
    byNode.emplace_back(core, n, i, slot);
  llvm::sort(byNode);
  for (size_t s = 0; s < byNode.size(); ++s) {
    auto [core, n, i, slot] = byNode[s];
    bool newCore = s == 0 || std::get<0>(byNode[s - 1]) != core;
    bool newSlice = newCore || std::get<1>(byNode[s - 1]) != n;
    if (newSlice) {
      SourceSlice slice;
      slice.node = nodes[n].name.str();
      slice.chip = static_cast<uint32_t>(core / layout.coresPerChip);
      slice.core = static_cast<uint32_t>(core % layout.coresPerChip);
      slice.source = static_cast<uint32_t>(core);
      slice.rank = newCore ? 0 : a.slices.back().rank + 1;
      slice.key = routingKey(layout, slice.source, slice.rank, 0);
      slice.mask = layout.sliceMask();
      a.slices.push_back(std::move(slice));
    }
    SourceSlice &slice = a.slices.back();
    slice.neurons.push_back(i);
    slice.keys.push_back(routingKey(layout, slice.source, slice.rank, slot));
  }
  // Host slices of unplaced inputs.
  uint64_t host = layout.chipCores;
  for (const SourceNode &node : nodes) {
    if (node.placement)
      continue;
    for (uint64_t first = 0; first < node.size; first += chunk, ++host) {
      SourceSlice slice;
      slice.node = node.name.str();
      slice.fromHost = true;
      slice.chip = 0;
      slice.core = kHostCore;
      slice.source = static_cast<uint32_t>(host);
      slice.key = routingKey(layout, slice.source, 0, 0);
      slice.mask = layout.sliceMask();
      for (uint64_t i = first; i < std::min<uint64_t>(node.size, first + chunk);
           ++i) {
        slice.neurons.push_back(static_cast<uint32_t>(i));
        slice.keys.push_back(slice.key | static_cast<uint32_t>(i - first));
      }
      a.slices.push_back(std::move(slice));
    }
  }
  return a;
}

llvm::Error RoutePass::run(ir::Graph &g, PassContext &ctx) {
  const target::TargetDescription *target = ctx.target();
  if (!target)
    return makeError(ctx.location(""),
                     "pass '{}' needs a target description: keys, tables "
                     "and their sizes are the chip's",
                     name());
  llvm::Expected<KeyAssignment> assigned =
      assignKeys(g, *target, ctx.fileName());
  if (!assigned)
    return assigned.takeError();
  const KeyLayout &layout = assigned->layout;
  llvm::ArrayRef<SourceSlice> slices = assigned->slices;
  const auto &res = target->data().resources();

  // Slice of every source neuron, by node (inputs, then populations).
  std::vector<SourceNode> nodes = sourceNodes(g);
  llvm::StringMap<uint32_t> nodeIndex;
  for (uint32_t n = 0; n < nodes.size(); ++n)
    nodeIndex[nodes[n].name] = n;
  std::vector<std::vector<uint32_t>> sliceOf(nodes.size());
  for (uint32_t n = 0; n < nodes.size(); ++n)
    sliceOf[n].resize(nodes[n].size);
  for (size_t s = 0; s < slices.size(); ++s)
    for (uint32_t i : slices[s].neurons)
      sliceOf[nodeIndex[slices[s].node]][i] = static_cast<uint32_t>(s);

  // Destination cores of each slice: distinct (slice, chip, core).
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> links;
  for (const ir::Projection &p : g.projections) {
    uint32_t src = nodeIndex[p.source];
    const ir::Population &post = *g.findPopulation(p.target);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [i, j] = ir::synapseEnds(p, post.size, k);
      links.emplace_back(sliceOf[src][i], post.placement.chip[j],
                         post.placement.core[j]);
    }
  }
  llvm::sort(links);
  links.erase(std::unique(links.begin(), links.end()), links.end());

  std::vector<ir::RoutingEntry> routes;
  uint64_t routedSlices = 0;
  // Entries per chip before and after compression.
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> perChip;
  if (res.routing_entries_per_chip() == 0) {
    // Axon maps: one entry per slice, listing (chip, core) pairs.
    for (size_t l = 0; l < links.size();) {
      uint32_t s = std::get<0>(links[l]);
      ir::RoutingEntry r;
      r.chip = slices[s].chip;
      r.core = slices[s].core;
      r.key = slices[s].key;
      r.mask = ~uint32_t(0);
      for (; l < links.size() && std::get<0>(links[l]) == s; ++l) {
        r.destinationChips.push_back(std::get<1>(links[l]));
        r.destinationCores.push_back(std::get<2>(links[l]));
      }
      auto &[before, after] = perChip[r.chip];
      ++before;
      ++after;
      ++routedSlices;
      routes.push_back(std::move(r));
    }
  } else {
    // Router tables: one entry on the origin chip, one on each other
    // destination chip, per slice.
    std::map<uint32_t, std::vector<SliceEntry>> chipEntries;
    for (size_t l = 0; l < links.size();) {
      uint32_t s = std::get<0>(links[l]);
      uint32_t origin = slices[s].chip;
      RouteSet atOrigin;
      std::map<uint32_t, RouteSet> remote;
      for (; l < links.size() && std::get<0>(links[l]) == s; ++l) {
        auto [slice, chip, core] = links[l];
        (void)slice;
        if (chip == origin) {
          atOrigin.cores.push_back(core);
          continue;
        }
        if (atOrigin.chips.empty() || atOrigin.chips.back() != chip)
          atOrigin.chips.push_back(chip);
        remote[chip].cores.push_back(core);
      }
      chipEntries[origin].push_back({s, std::move(atOrigin)});
      for (auto &[chip, route] : remote)
        chipEntries[chip].push_back({s, std::move(route)});
      ++routedSlices;
    }
    DiagnosticList diag;
    for (auto &[chip, entries] : chipEntries) {
      llvm::stable_sort(entries, [](const SliceEntry &a, const SliceEntry &b) {
        return a.slice < b.slice;
      });
      std::vector<ir::RoutingEntry> table =
          compressChip(chip, entries, slices, layout);
      perChip[chip] = {entries.size(), table.size()};
      if (table.size() > res.routing_entries_per_chip())
        diag.report(fmt::format("chip {}", chip),
                    "routing table needs {} entries after compression ({} "
                    "before) but routing_entries_per_chip is {}",
                    table.size(), entries.size(),
                    res.routing_entries_per_chip());
      for (ir::RoutingEntry &r : table)
        routes.push_back(std::move(r));
    }
    if (!diag.empty())
      return diag.takeError(ctx.fileName().str());
  }
  llvm::sort(routes, [](const ir::RoutingEntry &a, const ir::RoutingEntry &b) {
    return std::tie(a.chip, a.core, a.key, a.mask) <
           std::tie(b.chip, b.core, b.key, b.mask);
  });
  g.routes = std::move(routes);

  PassStatistics stats = ctx.statistics().forPass(name());
  uint64_t before = 0, after = 0, maxBefore = 0, maxAfter = 0;
  for (const auto &[chip, counts] : perChip) {
    before += counts.first;
    after += counts.second;
    maxBefore = std::max(maxBefore, counts.first);
    maxAfter = std::max(maxAfter, counts.second);
  }
  stats.add("source-slices", "slices whose neurons have targets", routedSlices);
  stats.add("entries-before", "routing entries before compression", before);
  stats.add("entries-after", "routing entries after compression", after);
  stats.set("max-entries-per-chip-before",
            "most entries on one chip before compression", double(maxBefore));
  stats.set("max-entries-per-chip", "most entries on one chip",
            double(maxAfter));
  for (const auto &[chip, counts] : perChip) {
    stats.add(fmt::format("chip{}-entries-before", chip),
              fmt::format("entries on chip {} before compression", chip),
              counts.first);
    stats.add(fmt::format("chip{}-entries-after", chip),
              fmt::format("entries on chip {} after compression", chip),
              counts.second);
  }
  return llvm::Error::success();
}

} // namespace axon::passes
