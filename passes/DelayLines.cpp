//===- DelayLines.cpp - Route over-long delays through relays -------------===//
//
// DISCRETE -> DISCRETE. Invariant kept: every spike from a source neuron
// reaches every target neuron it reached before, with the same weight,
// exactly its original delay_steps later; afterwards no synapse's delay
// exceeds the target's max_on_core_steps. All delays and names are checked
// before the graph changes, so a failure leaves it untouched. The latency
// convention and the shape of what is added are in DelayLines.h.
//===----------------------------------------------------------------------===//
#include "passes/DelayLines.h"

#include "passes/KeepSynapses.h"
#include "passes/PassContext.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

namespace axon::passes {
namespace {

/// Value of a relay index for a source neuron with no relay in a stage.
constexpr uint32_t kNoRelay = ~uint32_t(0);

/// One synapse that moves behind relays.
struct Reroute {
  size_t synapse; ///< index in its original projection
  uint32_t pre, post;
  uint32_t stages;  ///< n
  uint32_t lastHop; ///< r, steps from relay n to the target
};

/// The relay chain of one source population.
struct SourceRelays {
  std::string source;
  uint32_t size = 0;
  /// Stages each source neuron needs (the most any of its synapses needs).
  std::vector<uint32_t> stagesNeeded;
  /// relayIndex[k - 1][i]: index of neuron i's relay in stage k, or
  /// kNoRelay.
  std::vector<std::vector<uint32_t>> relayIndex;
  /// relaySize[k - 1]: neurons in stage k.
  std::vector<uint32_t> relaySize;
};

std::string relayName(llvm::StringRef source, uint32_t stage) {
  return fmt::format("{}.relay{}", source, stage);
}

/// Population name of stage `stage` (0 = the source itself).
std::string stageNodeName(llvm::StringRef source, uint32_t stage) {
  return stage == 0 ? source.str() : relayName(source, stage);
}

void planRelays(SourceRelays &s) {
  uint32_t deepest = 0;
  for (uint32_t n : s.stagesNeeded)
    deepest = std::max(deepest, n);
  for (uint32_t k = 1; k <= deepest; ++k) {
    std::vector<uint32_t> index(s.size, kNoRelay);
    uint32_t next = 0;
    for (uint32_t i = 0; i < s.size; ++i)
      if (s.stagesNeeded[i] >= k)
        index[i] = next++;
    s.relayIndex.push_back(std::move(index));
    s.relaySize.push_back(next);
  }
}

ir::Population makeRelayPopulation(std::string name, uint32_t size) {
  ir::Population p;
  p.name = std::move(name);
  p.size = size;
  p.kind = ir::NeuronKind::Relay;
  // Fires in the step a spike arrives; see DelayLines.h. The LIF-like
  // constants only matter to a model that does not implement RELAY itself.
  p.params.threshold = 0.5;
  p.params.reset = 0;
  p.params.refractoryMs = 0;
  p.params.bias = 0;
  return p;
}

/// Stage `stage` (>= 1) of `s`: from the previous stage (or the source) to
/// relay population `stage`, weight 1, delay H minus the relay's latency.
ir::Projection makeStageProjection(const SourceRelays &s, uint32_t stage,
                                   uint32_t stageSteps) {
  ir::Projection p;
  p.source = stageNodeName(s.source, stage - 1);
  p.target = relayName(s.source, stage);
  p.name = fmt::format("{}->{}", p.source, p.target);
  uint32_t fromSize = stage == 1 ? s.size : s.relaySize[stage - 2];
  uint32_t toSize = s.relaySize[stage - 1];
  // Both stages list their neurons in source order and the later stage's
  // neurons are a subset: equal sizes mean the identity mapping.
  if (fromSize == toSize) {
    p.connectivity = ir::Connectivity::OneToOne;
  } else {
    p.connectivity = ir::Connectivity::Sparse;
    for (uint32_t i = 0; i < s.size; ++i) {
      uint32_t to = s.relayIndex[stage - 1][i];
      if (to == kNoRelay)
        continue;
      p.pre.push_back(stage == 1 ? i : s.relayIndex[stage - 2][i]);
      p.post.push_back(to);
    }
  }
  p.weights.assign(toSize, 1.0f);
  p.delaySteps.assign(toSize, stageSteps - kRelayLatencySteps);
  return p;
}

} // namespace

std::string DelayBudget::describe() const {
  if (maxStages == 0 || stageSteps == 0)
    return fmt::format("{} on core, no relay stages", onCore);
  return fmt::format("{} on core + {} stages x {}", onCore, maxStages,
                     stageSteps);
}

DelayBudget delayBudget(const target::TargetDescription &target) {
  const auto &d = target.data().delays();
  DelayBudget b;
  b.onCore = d.max_on_core_steps();
  // A stage is one synapse (<= M), and the last hop, which is > M - H, must
  // not fall below min_steps (see DelayLines.h).
  uint64_t h =
      std::min<uint64_t>({d.stage_steps(), d.max_on_core_steps(),
                          uint64_t(d.max_on_core_steps()) + 1 - d.min_steps()});
  if (h < uint64_t(d.min_steps()) + kRelayLatencySteps || d.max_stages() == 0)
    return b;
  b.stageSteps = static_cast<uint32_t>(h);
  b.maxStages = d.max_stages();
  return b;
}

llvm::Error DelayLinesPass::run(ir::Graph &g, PassContext &ctx) {
  const target::TargetDescription *target = ctx.target();
  if (!target)
    return makeError(ctx.location(""),
                     "pass '{}' needs a target description: the longest "
                     "on-core delay and the relay stages are the chip's",
                     name());
  DelayBudget budget = delayBudget(*target);

  // Plan: which synapses move, and how many stages each source neuron needs.
  DiagnosticList diag;
  std::vector<std::vector<Reroute>> reroutes(g.projections.size());
  std::vector<SourceRelays> sources;
  llvm::StringMap<size_t> sourceIndex;
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    uint32_t postSize = *g.sizeOf(p.target);
    for (size_t k = 0; k < p.delaySteps.size(); ++k) {
      uint32_t d = p.delaySteps[k];
      if (d <= budget.onCore)
        continue;
      auto [pre, post] = ir::synapseEnds(p, postSize, k);
      if (d > budget.limit()) {
        diag.report(
            fmt::format("projection '{}' synapse ({}, {})", p.name, pre, post),
            "delay {} steps exceeds the {} the target can realise "
            "({})",
            d, budget.limit(), budget.describe());
        continue;
      }
      uint32_t excess = d - budget.onCore;
      uint32_t stages = (excess + budget.stageSteps - 1) / budget.stageSteps;
      reroutes[pi].push_back(
          {k, pre, post, stages, d - stages * budget.stageSteps});
      auto [it, inserted] = sourceIndex.try_emplace(p.source, sources.size());
      if (inserted) {
        SourceRelays s;
        s.source = p.source;
        s.size = *g.sizeOf(p.source);
        s.stagesNeeded.assign(s.size, 0);
        sources.push_back(std::move(s));
      }
      uint32_t &need = sources[it->second].stagesNeeded[pre];
      need = std::max(need, stages);
    }
  }
  if (!diag.empty())
    return diag.takeError(ctx.fileName().str());

  PassStatistics stats = ctx.statistics().forPass(name());
  uint64_t rerouted = 0, relayNeurons = 0, relaySynapses = 0;
  uint32_t deepest = 0;
  for (const std::vector<Reroute> &r : reroutes) {
    rerouted += r.size();
    for (const Reroute &x : r)
      deepest = std::max(deepest, x.stages);
  }

  // Names: relays are "<source>.relay<k>", final hops "<projection>/relay<n>".
  // A clash with an existing name is an error, checked before any change.
  for (SourceRelays &s : sources)
    planRelays(s);
  llvm::StringSet<> taken;
  for (const ir::InputPopulation &in : g.inputs)
    taken.insert(in.name);
  for (const ir::Population &p : g.populations)
    taken.insert(p.name);
  llvm::StringSet<> takenProjections;
  for (const ir::Projection &p : g.projections)
    takenProjections.insert(p.name);
  auto claim = [&](llvm::StringSet<> &set, const std::string &n,
                   llvm::StringRef what) {
    if (!set.insert(n).second)
      diag.report(fmt::format("{} '{}'", what, n),
                  "name is taken: delay-lines names relay populations "
                  "'<source>.relay<k>' and their projections "
                  "'<projection>/relay<n>'");
  };
  for (const SourceRelays &s : sources)
    for (uint32_t k = 1; k <= s.relaySize.size(); ++k) {
      claim(taken, relayName(s.source, k), "population");
      claim(takenProjections,
            fmt::format("{}->{}", stageNodeName(s.source, k - 1),
                        relayName(s.source, k)),
            "projection");
    }
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    llvm::SmallVector<uint32_t, 4> used;
    for (const Reroute &r : reroutes[pi])
      if (!llvm::is_contained(used, r.stages)) {
        used.push_back(r.stages);
        claim(takenProjections,
              fmt::format("{}/relay{}", g.projections[pi].name, r.stages),
              "projection");
      }
  }
  if (!diag.empty())
    return diag.takeError(ctx.fileName().str());

  // Build the final hops before the originals lose their synapses. They go
  // in projection order, then by stage count, synapses in original order.
  std::vector<ir::Projection> added;
  std::vector<ir::Projection> finalHops;
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    if (reroutes[pi].empty())
      continue;
    const ir::Projection &orig = g.projections[pi];
    const SourceRelays &s = sources[sourceIndex.find(orig.source)->second];
    std::vector<uint32_t> stageCounts;
    for (const Reroute &r : reroutes[pi])
      stageCounts.push_back(r.stages);
    llvm::sort(stageCounts);
    stageCounts.erase(std::unique(stageCounts.begin(), stageCounts.end()),
                      stageCounts.end());
    for (uint32_t n : stageCounts) {
      ir::Projection hop;
      hop.name = fmt::format("{}/relay{}", orig.name, n);
      hop.source = relayName(s.source, n);
      hop.target = orig.target;
      hop.connectivity = ir::Connectivity::Sparse;
      for (const Reroute &r : reroutes[pi]) {
        if (r.stages != n)
          continue;
        hop.pre.push_back(s.relayIndex[n - 1][r.pre]);
        hop.post.push_back(r.post);
        hop.weights.push_back(orig.weights[r.synapse]);
        hop.delaySteps.push_back(r.lastHop);
      }
      finalHops.push_back(std::move(hop));
    }
  }

  // Originals keep the synapses that fit; those left empty go.
  std::vector<bool> emptied(g.projections.size(), false);
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    if (reroutes[pi].empty())
      continue;
    ir::Projection &p = g.projections[pi];
    llvm::BitVector keep(p.numSynapses(), true);
    for (const Reroute &r : reroutes[pi])
      keep.reset(r.synapse);
    keepSynapses(p, *g.sizeOf(p.target), keep);
    emptied[pi] = p.numSynapses() == 0;
  }
  uint64_t removedProjections = 0;
  {
    size_t out = 0;
    for (size_t pi = 0; pi < g.projections.size(); ++pi) {
      if (emptied[pi]) {
        ++removedProjections;
        continue;
      }
      if (out != pi)
        g.projections[out] = std::move(g.projections[pi]);
      ++out;
    }
    g.projections.resize(out);
  }

  for (const SourceRelays &s : sources) {
    for (uint32_t k = 1; k <= s.relaySize.size(); ++k) {
      g.populations.push_back(
          makeRelayPopulation(relayName(s.source, k), s.relaySize[k - 1]));
      relayNeurons += s.relaySize[k - 1];
      added.push_back(makeStageProjection(s, k, budget.stageSteps));
      relaySynapses += s.relaySize[k - 1];
    }
  }
  for (ir::Projection &p : finalHops)
    added.push_back(std::move(p));
  uint64_t projectionsAdded = added.size();
  for (ir::Projection &p : added)
    g.projections.push_back(std::move(p));

  uint64_t relayPopulations = 0;
  for (const SourceRelays &s : sources)
    relayPopulations += s.relaySize.size();
  stats.add("synapses-rerouted", "synapses moved behind relay stages",
            rerouted);
  stats.add("relay-populations", "relay populations added", relayPopulations);
  stats.add("relay-neurons", "relay neurons added", relayNeurons);
  stats.add("relay-synapses", "synapses into relay neurons", relaySynapses);
  stats.add("projections-added", "stage and final-hop projections added",
            projectionsAdded);
  stats.add("projections-removed", "projections left without synapses",
            removedProjections);
  stats.set("max-stages-used", "longest relay chain, in stages", deepest);
  return llvm::Error::success();
}

} // namespace axon::passes
