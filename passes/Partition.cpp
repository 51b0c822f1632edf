//===- Partition.cpp - Place every neuron on (chip, core, slot) -----------===//
//
// QUANTISED -> PLACED. Invariant established: every population neuron has
// a (chip, core, slot) within the target, no two neurons share one, and no
// core exceeds any per-core limit of the description. The whole placement
// is planned before the graph changes, so a failure leaves it untouched.
// Slicing, the fan-out bound and first-fit packing are described in
// Partition.h.
//===----------------------------------------------------------------------===//
#include "passes/Partition.h"

#include "passes/PassContext.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace axon::passes {
namespace {

/// The per-core limits a slice or a core can break, in the order checked.
enum class Limit : uint8_t { Neurons, RowLength, FanIn, Memory, FanOut };

struct CoreLimits {
  uint32_t neurons = 0;
  uint32_t fanIn = 0;
  uint32_t fanOut = 0;    ///< 0: no limit
  uint32_t rowLength = 0; ///< 0: no limit
  uint64_t memoryBits = 0;
  uint32_t coresPerChip = 0, chips = 0;
  SynapseMemoryModel memory;

  uint64_t cores() const { return uint64_t(coresPerChip) * chips; }
};

CoreLimits coreLimits(const target::TargetDescription &target) {
  const auto &r = target.data().resources();
  CoreLimits l;
  l.neurons = r.neurons_per_core();
  l.fanIn = r.max_fan_in_per_core();
  l.fanOut = r.max_fan_out_per_core();
  l.rowLength = r.max_row_length();
  l.memoryBits = r.synapse_memory_bits_per_core();
  l.coresPerChip = r.cores_per_chip();
  l.chips = r.chips();
  l.memory = synapseMemoryModel(target);
  return l;
}

/// "max_fan_in_per_core 4096": the description field and its value.
std::string limitText(Limit limit, const CoreLimits &l) {
  switch (limit) {
  case Limit::Neurons:
    return fmt::format("neurons_per_core {}", l.neurons);
  case Limit::RowLength:
    return fmt::format("max_row_length {}", l.rowLength);
  case Limit::FanIn:
    return fmt::format("max_fan_in_per_core {}", l.fanIn);
  case Limit::Memory:
    return fmt::format("synapse_memory_bits_per_core {}", l.memoryBits);
  case Limit::FanOut:
    return fmt::format("max_fan_out_per_core {}", l.fanOut);
  }
  return "";
}

/// (source neuron, synapses) of one row; sources are numbered globally.
using Row = std::pair<uint32_t, uint32_t>;

/// The graph's connectivity seen from the cores. Source neurons are
/// numbered globally: inputs first, then populations, each node's neurons
/// consecutively. Per population neuron, the sources of its incoming
/// synapses (sorted) and the (population, neuron) ends of its outgoing
/// ones, as CSR arrays (one entry per synapse, duplicates kept).
struct Connectivity {
  std::vector<std::string> nodeNames; ///< inputs, then populations
  std::vector<uint32_t> nodeBase;     ///< first global id of each node
  std::vector<std::vector<uint32_t>> inStart, inSource;
  std::vector<std::vector<uint32_t>> outStart;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> outTarget;
  /// Population -> population edges (self edges excluded), deduplicated.
  std::vector<std::pair<uint32_t, uint32_t>> edges;

  /// "'in' neuron 3" for a global source id.
  std::string describeSource(uint32_t id) const {
    size_t node = std::upper_bound(nodeBase.begin(), nodeBase.end(), id) -
                  nodeBase.begin() - 1;
    return fmt::format("'{}' neuron {}", nodeNames[node], id - nodeBase[node]);
  }
};

Connectivity analyse(const ir::Graph &g) {
  Connectivity c;
  uint32_t next = 0;
  for (const ir::InputPopulation &in : g.inputs) {
    c.nodeNames.push_back(in.name);
    c.nodeBase.push_back(next);
    next += in.size;
  }
  for (const ir::Population &p : g.populations) {
    c.nodeNames.push_back(p.name);
    c.nodeBase.push_back(next);
    next += p.size;
  }
  size_t pops = g.populations.size();
  c.inStart.resize(pops);
  c.inSource.resize(pops);
  c.outStart.resize(pops);
  c.outTarget.resize(pops);
  for (size_t p = 0; p < pops; ++p) {
    c.inStart[p].assign(g.populations[p].size + 1, 0);
    c.outStart[p].assign(g.populations[p].size + 1, 0);
  }

  struct Ends {
    ir::NodeRef source;
    size_t target;
  };
  std::vector<Ends> ends;
  for (const ir::Projection &p : g.projections) {
    std::optional<ir::NodeRef> src = g.findNode(p.source);
    std::optional<ir::NodeRef> dst = g.findNode(p.target);
    assert(src && dst && dst->kind == ir::NodeRef::Kind::Population &&
           "the verifier resolves projection ends");
    ends.push_back({*src, dst->index});
    bool fromPop = src->kind == ir::NodeRef::Kind::Population;
    if (fromPop && src->index != dst->index)
      c.edges.emplace_back(src->index, dst->index);
  }
  llvm::sort(c.edges);
  c.edges.erase(std::unique(c.edges.begin(), c.edges.end()), c.edges.end());

  // Count, prefix-sum, fill: two sweeps over the synapses.
  for (int sweep = 0; sweep < 2; ++sweep) {
    std::vector<std::vector<uint32_t>> inFill, outFill;
    if (sweep == 1) {
      for (size_t p = 0; p < pops; ++p) {
        for (size_t j = 1; j < c.inStart[p].size(); ++j) {
          c.inStart[p][j] += c.inStart[p][j - 1];
          c.outStart[p][j] += c.outStart[p][j - 1];
        }
        c.inSource[p].resize(c.inStart[p].back());
        c.outTarget[p].resize(c.outStart[p].back());
      }
      inFill = c.inStart;
      outFill = c.outStart;
    }
    for (size_t pi = 0; pi < g.projections.size(); ++pi) {
      const ir::Projection &p = g.projections[pi];
      const Ends &e = ends[pi];
      uint32_t postSize = g.populations[e.target].size;
      bool fromPop = e.source.kind == ir::NodeRef::Kind::Population;
      uint32_t base =
          c.nodeBase[(fromPop ? g.inputs.size() : 0) + e.source.index];
      for (size_t k = 0; k < p.numSynapses(); ++k) {
        auto [pre, post] = ir::synapseEnds(p, postSize, k);
        if (sweep == 0) {
          ++c.inStart[e.target][post + 1];
          if (fromPop)
            ++c.outStart[e.source.index][pre + 1];
          continue;
        }
        c.inSource[e.target][inFill[e.target][post]++] = base + pre;
        if (fromPop)
          c.outTarget[e.source.index][outFill[e.source.index][pre]++] = {
              static_cast<uint32_t>(e.target), post};
      }
    }
  }
  for (size_t p = 0; p < pops; ++p)
    for (uint32_t j = 0; j < g.populations[p].size; ++j)
      std::sort(c.inSource[p].begin() + c.inStart[p][j],
                c.inSource[p].begin() + c.inStart[p][j + 1]);
  return c;
}

/// The rows neuron `j` of population `p` adds to a core, sorted by source.
void neuronRows(const Connectivity &c, size_t p, uint32_t j,
                llvm::SmallVectorImpl<Row> &rows) {
  rows.clear();
  for (uint32_t e = c.inStart[p][j]; e < c.inStart[p][j + 1]; ++e) {
    uint32_t s = c.inSource[p][e];
    if (!rows.empty() && rows.back().first == s)
      ++rows.back().second;
    else
      rows.emplace_back(s, 1);
  }
}

/// A target slice, (population << 32) | slice index: what the fan-out
/// bound counts.
uint64_t targetSliceKey(uint32_t pop, uint32_t slice) {
  return (uint64_t(pop) << 32) | slice;
}

/// What one core (or a slice on a core by itself) holds, and the check
/// that adding more keeps it within the limits.
struct CoreLoad {
  uint32_t neurons = 0;
  uint64_t synapses = 0;
  uint64_t memoryBits = 0;
  uint32_t longestRow = 0;
  llvm::DenseMap<uint32_t, uint32_t> rows; ///< source -> synapses
  llvm::DenseSet<uint64_t> targetSlices;

  /// The first limit that adding `neurons` neurons bringing `newRows`
  /// (sorted, one per source) and reaching `newTargets` (distinct) would
  /// break, or nothing.
  std::optional<Limit> check(uint32_t addNeurons, llvm::ArrayRef<Row> newRows,
                             llvm::ArrayRef<uint64_t> newTargets,
                             const CoreLimits &l) const {
    if (uint64_t(neurons) + addNeurons > l.neurons)
      return Limit::Neurons;
    uint64_t freshSources = 0;
    uint64_t bits = memoryBits;
    for (auto [source, count] : newRows) {
      auto it = rows.find(source);
      uint32_t old = it == rows.end() ? 0 : it->second;
      if (l.rowLength && uint64_t(old) + count > l.rowLength)
        return Limit::RowLength;
      freshSources += old == 0;
      bits += l.memory.rowBits(uint64_t(old) + count) - l.memory.rowBits(old);
    }
    if (rows.size() + freshSources > l.fanIn)
      return Limit::FanIn;
    if (bits > l.memoryBits)
      return Limit::Memory;
    if (l.fanOut) {
      uint64_t freshTargets = llvm::count_if(
          newTargets, [&](uint64_t t) { return !targetSlices.count(t); });
      if (targetSlices.size() + freshTargets > l.fanOut)
        return Limit::FanOut;
    }
    return std::nullopt;
  }

  void add(uint32_t addNeurons, llvm::ArrayRef<Row> newRows,
           llvm::ArrayRef<uint64_t> newTargets, const CoreLimits &l) {
    neurons += addNeurons;
    for (auto [source, count] : newRows) {
      uint32_t &n = rows[source];
      memoryBits += l.memory.rowBits(uint64_t(n) + count) - l.memory.rowBits(n);
      n += count;
      synapses += count;
      longestRow = std::max(longestRow, n);
    }
    targetSlices.insert(newTargets.begin(), newTargets.end());
  }
};

/// A contiguous run of a population's neurons that goes on one core.
struct Slice {
  uint32_t first = 0, size = 0;
  /// The limit that stopped it from growing (none for a population's last
  /// slice).
  std::optional<Limit> closedBy;
};

/// The error for a neuron that breaks `limit` on a core by itself.
llvm::Error singleNeuronError(const ir::Population &pop, uint32_t j,
                              Limit limit, llvm::ArrayRef<Row> rows,
                              const Connectivity &c, const CoreLimits &l,
                              PassContext &ctx) {
  std::string loc = ctx.location(fmt::format("population '{}'", pop.name));
  switch (limit) {
  case Limit::RowLength: {
    const Row *longest = &rows.front();
    for (const Row &r : rows)
      if (r.second > longest->second)
        longest = &r;
    return makeError(loc,
                     "a single neuron ({}) receives {} synapses from one "
                     "source neuron ({}) exceeding {}",
                     j, longest->second, c.describeSource(longest->first),
                     limitText(limit, l));
  }
  case Limit::FanIn:
    return makeError(loc, "a single neuron ({}) has fan-in {} exceeding {}", j,
                     rows.size(), limitText(limit, l));
  case Limit::Memory: {
    uint64_t bits = 0, synapses = 0;
    for (const Row &r : rows) {
      bits += l.memory.rowBits(r.second);
      synapses += r.second;
    }
    return makeError(loc,
                     "a single neuron ({}) needs {} bits of synapse memory "
                     "({} synapses from {} source neurons) exceeding {}",
                     j, bits, synapses, rows.size(), limitText(limit, l));
  }
  case Limit::Neurons:
  case Limit::FanOut:
    break;
  }
  llvm_unreachable("neuron and fan-out limits are reported elsewhere");
}

/// Step 1 of Partition.h: greedy contiguous slices under the limits a
/// core's incoming side sets.
llvm::Expected<std::vector<Slice>>
sliceByInputs(const ir::Population &pop, size_t p, const Connectivity &c,
              const CoreLimits &l, PassContext &ctx) {
  std::vector<Slice> slices;
  CoreLoad load;
  uint32_t first = 0;
  llvm::SmallVector<Row, 32> rows;
  for (uint32_t j = 0; j < pop.size; ++j) {
    neuronRows(c, p, j, rows);
    if (std::optional<Limit> broken = load.check(1, rows, {}, l)) {
      if (load.neurons == 0)
        return singleNeuronError(pop, j, *broken, rows, c, l, ctx);
      slices.push_back({first, load.neurons, broken});
      load = CoreLoad();
      first = j;
      if (std::optional<Limit> alone = load.check(1, rows, {}, l))
        return singleNeuronError(pop, j, *alone, rows, c, l, ctx);
    }
    load.add(1, rows, {}, l);
  }
  slices.push_back({first, load.neurons, std::nullopt});
  return slices;
}

/// neuron -> index of its slice, for one population.
std::vector<uint32_t> sliceIndex(llvm::ArrayRef<Slice> slices, uint32_t size) {
  std::vector<uint32_t> index(size);
  for (uint32_t s = 0; s < slices.size(); ++s)
    std::fill_n(index.begin() + slices[s].first, slices[s].size, s);
  return index;
}

/// The distinct target slices neuron `j` of population `p` reaches.
void neuronTargets(const Connectivity &c, size_t p, uint32_t j,
                   llvm::ArrayRef<std::vector<uint32_t>> sliceOf,
                   llvm::SmallVectorImpl<uint64_t> &out) {
  out.clear();
  for (uint32_t e = c.outStart[p][j]; e < c.outStart[p][j + 1]; ++e) {
    auto [tp, post] = c.outTarget[p][e];
    out.push_back(targetSliceKey(tp, sliceOf[tp][post]));
  }
  llvm::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

/// Step 2 of Partition.h: refine slices until each one's fan-out bound
/// fits. Slices are only ever split, so this ends.
llvm::Error refineForFanOut(const ir::Graph &g, const Connectivity &c,
                            const CoreLimits &l,
                            std::vector<std::vector<Slice>> &slices,
                            PassContext &ctx) {
  if (l.fanOut == 0)
    return llvm::Error::success();
  std::vector<std::vector<uint32_t>> sliceOf;
  for (size_t p = 0; p < slices.size(); ++p)
    sliceOf.push_back(sliceIndex(slices[p], g.populations[p].size));
  llvm::SmallVector<uint64_t, 32> targets;
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t p = 0; p < slices.size(); ++p) {
      std::vector<Slice> refined;
      for (const Slice &s : slices[p]) {
        llvm::DenseSet<uint64_t> reached;
        uint32_t first = s.first;
        for (uint32_t j = s.first; j < s.first + s.size; ++j) {
          neuronTargets(c, p, j, sliceOf, targets);
          if (targets.size() > l.fanOut)
            return makeError(
                ctx.location(
                    fmt::format("population '{}'", g.populations[p].name)),
                "a single neuron ({}) sends to {} target slices (up to {} "
                "cores) exceeding {}",
                j, targets.size(), targets.size(), limitText(Limit::FanOut, l));
          uint64_t fresh = llvm::count_if(
              targets, [&](uint64_t t) { return !reached.count(t); });
          if (reached.size() + fresh > l.fanOut) {
            refined.push_back({first, j - first, Limit::FanOut});
            reached.clear();
            first = j;
          }
          reached.insert(targets.begin(), targets.end());
        }
        refined.push_back({first, s.first + s.size - first, s.closedBy});
      }
      if (refined.size() == slices[p].size())
        continue;
      slices[p] = std::move(refined);
      sliceOf[p] = sliceIndex(slices[p], g.populations[p].size);
      changed = true;
    }
  }
  return llvm::Error::success();
}

/// Populations in topological order of the projections (Kahn's algorithm;
/// the lowest graph index first among ready ones, and the lowest
/// remaining one to break a cycle).
std::vector<uint32_t> topologicalOrder(size_t pops, const Connectivity &c) {
  std::vector<std::vector<uint32_t>> successors(pops);
  std::vector<uint32_t> inDegree(pops, 0);
  for (auto [from, to] : c.edges) {
    successors[from].push_back(to);
    ++inDegree[to];
  }
  std::set<uint32_t> ready;
  for (uint32_t p = 0; p < pops; ++p)
    if (inDegree[p] == 0)
      ready.insert(p);
  std::vector<bool> done(pops, false);
  std::vector<uint32_t> order;
  uint32_t scan = 0;
  while (order.size() < pops) {
    uint32_t next;
    if (!ready.empty()) {
      next = *ready.begin();
      ready.erase(ready.begin());
    } else {
      while (done[scan])
        ++scan;
      next = scan;
    }
    done[next] = true;
    order.push_back(next);
    for (uint32_t s : successors[next])
      if (!done[s] && --inDegree[s] == 0)
        ready.insert(s);
  }
  return order;
}

/// "5 cores", "1 core".
std::string plural(uint64_t n, llvm::StringRef noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

/// The error for a population whose slices no longer fit the chips.
llvm::Error outOfCores(const ir::Population &pop, llvm::ArrayRef<Slice> slices,
                       uint64_t emptyAtStart, const CoreLimits &l,
                       PassContext &ctx) {
  // Name the limit that cut the most slices short, if not the neuron
  // count (ties go to the earlier limit in Limit's order).
  uint32_t cut[5] = {0, 0, 0, 0, 0};
  uint32_t largest = 0;
  for (const Slice &s : slices) {
    largest = std::max(largest, s.size);
    if (s.closedBy)
      ++cut[static_cast<int>(*s.closedBy)];
  }
  int binding = 0;
  for (int i = 1; i < 5; ++i)
    if (cut[i] > cut[binding])
      binding = i;
  std::string loc = ctx.location(fmt::format("population '{}'", pop.name));
  if (binding == 0)
    return makeError(loc,
                     "{} need{} {} of {} but only {} of {} x {} chips "
                     "remain",
                     plural(pop.size, "neuron"), pop.size == 1 ? "s" : "",
                     plural(slices.size(), "core"), l.neurons, emptyAtStart,
                     l.coresPerChip, l.chips);
  return makeError(loc,
                   "{} need{} {} (slices of at most {}, limited by {}) but "
                   "only {} of {} x {} chips remain",
                   plural(pop.size, "neuron"), pop.size == 1 ? "s" : "",
                   plural(slices.size(), "core"), plural(largest, "neuron"),
                   limitText(static_cast<Limit>(binding), l), emptyAtStart,
                   l.coresPerChip, l.chips);
}

/// Max and mean of one per-core quantity, reported as two figures.
void reportSpread(PassStatistics &stats, llvm::StringRef what,
                  llvm::StringRef description,
                  llvm::ArrayRef<uint64_t> perCore) {
  uint64_t max = 0, sum = 0;
  for (uint64_t v : perCore) {
    max = std::max(max, v);
    sum += v;
  }
  double mean = perCore.empty() ? 0.0 : double(sum) / double(perCore.size());
  stats.set(fmt::format("max-{}-per-core", what),
            fmt::format("most {} on one core", description), double(max));
  stats.set(fmt::format("mean-{}-per-core", what),
            fmt::format("mean {} per core used", description), mean);
}

} // namespace

SynapseMemoryModel synapseMemoryModel(const target::TargetDescription &target) {
  const auto &t = target.data();
  uint32_t weightBits = t.weights().bits();
  if (t.weights().scheme() == target::proto::WeightFormat::MAGNITUDE_SHIFT) {
    uint32_t typeBits = 0;
    while ((uint64_t(1) << typeBits) < t.weights().synapse_types())
      ++typeBits;
    weightBits += typeBits;
  } else {
    weightBits += 1; // the sign of the mixed-mode mantissa
  }
  SynapseMemoryModel m;
  m.synapseBits =
      weightBits + t.delays().delay_bits() + t.resources().synapse_index_bits();
  m.headerBits = t.resources().synapse_header_bits();
  m.wordBits = std::max<uint32_t>(1, t.resources().memory_word_bits());
  return m;
}

llvm::Error PartitionPass::run(ir::Graph &g, PassContext &ctx) {
  const target::TargetDescription *target = ctx.target();
  if (!target)
    return makeError(ctx.location(""),
                     "pass '{}' needs a target description: the core "
                     "limits are the chip's",
                     name());
  CoreLimits limits = coreLimits(*target);
  Connectivity c = analyse(g);
  size_t pops = g.populations.size();

  // 1. and 2.: slices.
  std::vector<std::vector<Slice>> slices;
  for (size_t p = 0; p < pops; ++p) {
    llvm::Expected<std::vector<Slice>> s =
        sliceByInputs(g.populations[p], p, c, limits, ctx);
    if (!s)
      return s.takeError();
    slices.push_back(std::move(*s));
  }
  if (llvm::Error err = refineForFanOut(g, c, limits, slices, ctx))
    return err;

  // 3.: first-fit packing in topological order.
  std::vector<std::vector<uint32_t>> sliceOf;
  for (size_t p = 0; p < pops; ++p)
    sliceOf.push_back(sliceIndex(slices[p], g.populations[p].size));
  std::vector<ir::Placement> placements(pops);
  std::vector<CoreLoad> cores; // index = chip * cores_per_chip + core
  llvm::SmallVector<Row, 32> neuronRowList;
  llvm::SmallVector<uint64_t, 32> neuronTargetList;
  for (uint32_t p : topologicalOrder(pops, c)) {
    const ir::Population &pop = g.populations[p];
    uint64_t emptyAtStart = limits.cores() - cores.size();
    ir::Placement &pl = placements[p];
    pl.chip.resize(pop.size);
    pl.core.resize(pop.size);
    pl.slot.resize(pop.size);
    for (const Slice &s : slices[p]) {
      // The slice's rows (merged over its neurons) and target slices.
      std::vector<Row> rows;
      std::vector<uint64_t> targets;
      for (uint32_t j = s.first; j < s.first + s.size; ++j) {
        neuronRows(c, p, j, neuronRowList);
        rows.insert(rows.end(), neuronRowList.begin(), neuronRowList.end());
        neuronTargets(c, p, j, sliceOf, neuronTargetList);
        targets.insert(targets.end(), neuronTargetList.begin(),
                       neuronTargetList.end());
      }
      llvm::sort(rows);
      std::vector<Row> merged;
      for (const Row &r : rows) {
        if (!merged.empty() && merged.back().first == r.first)
          merged.back().second += r.second;
        else
          merged.push_back(r);
      }
      llvm::sort(targets);
      targets.erase(std::unique(targets.begin(), targets.end()), targets.end());

      size_t core = 0;
      while (core < cores.size() &&
             (cores[core].neurons + s.size > limits.neurons ||
              cores[core].check(s.size, merged, targets, limits)))
        ++core;
      if (core == cores.size()) {
        if (cores.size() == limits.cores())
          return outOfCores(pop, slices[p], emptyAtStart, limits, ctx);
        cores.emplace_back();
        assert(!cores.back().check(s.size, merged, targets, limits) &&
               "a slice fits an empty core by construction");
      }
      uint32_t chip = static_cast<uint32_t>(core / limits.coresPerChip);
      uint32_t local = static_cast<uint32_t>(core % limits.coresPerChip);
      for (uint32_t k = 0; k < s.size; ++k) {
        pl.chip[s.first + k] = chip;
        pl.core[s.first + k] = local;
        pl.slot[s.first + k] = cores[core].neurons + k;
      }
      cores[core].add(s.size, merged, targets, limits);
    }
  }

  // Exact fan-out: distinct (source core, destination core) pairs.
  std::vector<std::pair<uint64_t, uint64_t>> links;
  auto globalCore = [&](size_t p, uint32_t j) {
    return uint64_t(placements[p].chip[j]) * limits.coresPerChip +
           placements[p].core[j];
  };
  for (size_t p = 0; p < pops; ++p)
    for (uint32_t j = 0; j < g.populations[p].size; ++j)
      for (uint32_t e = c.outStart[p][j]; e < c.outStart[p][j + 1]; ++e) {
        auto [tp, post] = c.outTarget[p][e];
        links.emplace_back(globalCore(p, j), globalCore(tp, post));
      }
  llvm::sort(links);
  links.erase(std::unique(links.begin(), links.end()), links.end());
  std::vector<uint64_t> fanOut(cores.size(), 0);
  for (auto [from, to] : links)
    ++fanOut[from];

  // Apply: nothing above changed the graph.
  for (size_t p = 0; p < pops; ++p)
    g.populations[p].placement = std::move(placements[p]);
  g.routes.clear();
  g.level = ir::IRLevel::Placed;

  PassStatistics stats = ctx.statistics().forPass(name());
  std::vector<uint64_t> neurons, synapses, memory, fanIn;
  uint64_t longestRow = 0, placed = 0, sliceCount = 0;
  for (const CoreLoad &load : cores) {
    neurons.push_back(load.neurons);
    synapses.push_back(load.synapses);
    memory.push_back(load.memoryBits);
    fanIn.push_back(load.rows.size());
    longestRow = std::max<uint64_t>(longestRow, load.longestRow);
    placed += load.neurons;
  }
  for (const std::vector<Slice> &s : slices)
    sliceCount += s.size();
  uint64_t chipsUsed =
      cores.empty() ? 0 : (cores.size() - 1) / limits.coresPerChip + 1;
  stats.add("cores-used", "cores holding at least one neuron", cores.size());
  stats.add("chips-used", "chips holding at least one neuron", chipsUsed);
  stats.add("slices", "contiguous population slices placed", sliceCount);
  stats.add("neurons-placed", "neurons given a chip, core and slot", placed);
  reportSpread(stats, "neurons", "neurons", neurons);
  reportSpread(stats, "synapses", "incoming synapses", synapses);
  reportSpread(stats, "memory-bits", "synapse memory bits", memory);
  reportSpread(stats, "fan-in", "distinct source neurons", fanIn);
  reportSpread(stats, "fan-out", "distinct destination cores", fanOut);
  stats.set("max-row-length", "most synapses from one source into one core",
            double(longestRow));
  return llvm::Error::success();
}

} // namespace axon::passes
