//===- ResourceReport.cpp - report.txt: what the configuration uses -------===//
//
// A fixed-width table, one row per core used and a total row, then the
// longest delay chain, the longest delay field and the notes
// (LoihiConfig.notes). For the golden graph of the tests (rows wider than
// 80 columns, as the report prints them):
//
// clang-format off
//   Loihi-like configuration of 'golden' for target 'loihi' (hash <hash>)
//   time step 1 ms; 2 cores used of 128 (128 per chip x 1 chip)
//   limits per core: 1024 compartments, 32 prototypes, 8 synapse configs,
//   4096 input axons, 1048576 synapse memory bits, 4096 output axons
//
//   chip core compartments prototypes syn-configs input-axons synapses  memory-bits  memory output-axons dest-cores
//      0    0            4          2           2           4        8          384   0.04%            5          2
//      0    1            2          1           1           3        3          192   0.02%            0          0
//   total                6          3           3           7       11          576                    5
//
//   longest delay chain: 70 steps through 1 relay stage (hid -> hid.relay1 -> out)
//   longest delay field: 62 (limit 62)
//   notes: none (the chip realises every IR integer exactly)
// clang-format on
//
// "memory" is the share of synapse_memory_bits_per_core; "dest-cores" the
// distinct cores the core's output axons reach (what partition bounds by
// max_fan_out_per_core).
// Memory is passes/Partition.h's SynapseMemoryModel with one row per input
// axon. The delay chain is computed per population: a relay population
// fires (its longest input delay + 1) steps after its own source fired
// (passes/DelayLines.h), and a chain ends at a non-relay population.
//===----------------------------------------------------------------------===//
#include "backends/loihi/LoihiTarget.h"

#include "backends/loihi/Emission.h"
#include "passes/DelayLines.h"
#include "passes/Partition.h"

#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>
#include <set>

namespace axon::backends::loihi {
namespace {

uint32_t maxDelayOf(const ir::Projection &p) {
  uint32_t d = 0;
  for (uint32_t s : p.delaySteps)
    d = std::max(d, s);
  return d;
}

/// When a relay population fires, in steps after the non-relay neuron at
/// the head of its chain spiked, and through which populations.
struct RelayTiming {
  bool done = false, visiting = false;
  uint64_t fireSteps = 0;
  std::vector<std::string> chain; ///< head ... this population
};

const RelayTiming &relayTiming(const ir::Graph &g, size_t pi,
                               std::vector<RelayTiming> &memo) {
  RelayTiming &t = memo[pi];
  if (t.done || t.visiting) // a cycle of relays cannot come from delay-lines
    return t;
  t.visiting = true;
  const ir::Population &p = g.populations[pi];
  RelayTiming best;
  for (const ir::Projection &proj : g.projections) {
    if (proj.target != p.name)
      continue;
    uint64_t start = 0;
    std::vector<std::string> chain{proj.source};
    const ir::Population *src = g.findPopulation(proj.source);
    if (src && src->kind == ir::NeuronKind::Relay) {
      const RelayTiming &s =
          relayTiming(g, static_cast<size_t>(src - g.populations.data()), memo);
      start = s.fireSteps;
      chain = s.chain;
    }
    uint64_t fire = start + maxDelayOf(proj) + passes::kRelayLatencySteps;
    if (best.chain.empty() || fire > best.fireSteps) {
      best.fireSteps = fire;
      best.chain = std::move(chain);
    }
  }
  best.chain.push_back(p.name);
  best.done = true;
  t = std::move(best);
  return t;
}

struct DelayChain {
  uint64_t steps = 0;
  size_t stages = 0;
  std::vector<std::string> path;
};

DelayChain longestDelayChain(const ir::Graph &g) {
  std::vector<RelayTiming> memo(g.populations.size());
  DelayChain best;
  for (const ir::Projection &proj : g.projections) {
    const ir::Population *post = g.findPopulation(proj.target);
    if (post->kind == ir::NeuronKind::Relay)
      continue;
    DelayChain c;
    c.steps = maxDelayOf(proj);
    c.path = {proj.source};
    const ir::Population *src = g.findPopulation(proj.source);
    if (src && src->kind == ir::NeuronKind::Relay) {
      const RelayTiming &t =
          relayTiming(g, static_cast<size_t>(src - g.populations.data()), memo);
      c.steps += t.fireSteps;
      c.path = t.chain;
      c.stages = t.chain.size() - 1;
    }
    c.path.push_back(post->name);
    if (best.path.empty() || c.steps > best.steps)
      best = std::move(c);
  }
  return best;
}

} // namespace

std::string formatResourceReport(const ir::Graph &g,
                                 const proto::LoihiConfig &config,
                                 const target::TargetDescription &desc) {
  const auto &res = desc.data().resources();
  passes::SynapseMemoryModel memory = passes::synapseMemoryModel(desc);
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "Loihi-like configuration of '{}' for target '{}' (hash {})\n",
                 config.name(), config.target_name(), config.target_hash());
  fmt::format_to(
      it, "time step {} ms; {} cores used of {} ({} per chip x {} chip{})\n",
      config.dt_ms(), config.cores_size(),
      uint64_t(res.cores_per_chip()) * res.chips(), res.cores_per_chip(),
      res.chips(), res.chips() == 1 ? "" : "s");
  fmt::format_to(
      it,
      "limits per core: {} compartments, {} prototypes, {} synapse "
      "configs,\n{} input axons, {} synapse memory bits, {} output axons\n\n",
      res.neurons_per_core(), kMaxPrototypesPerCore, kMaxSynapseConfigsPerCore,
      res.max_fan_in_per_core(), res.synapse_memory_bits_per_core(),
      res.max_fan_out_per_core());

  fmt::format_to(
      it,
      "{:>4} {:>4} {:>12} {:>10} {:>11} {:>11} {:>8} {:>12} {:>7} {:>12} "
      "{:>10}\n",
      "chip", "core", "compartments", "prototypes", "syn-configs",
      "input-axons", "synapses", "memory-bits", "memory", "output-axons",
      "dest-cores");
  uint64_t totalComp = 0, totalProto = 0, totalConfigs = 0, totalAxons = 0,
           totalSyn = 0, totalBits = 0, totalOut = 0;
  for (const proto::Core &core : config.cores()) {
    uint64_t synapses = 0, bits = 0, outAxons = 0;
    for (const proto::InputAxon &a : core.input_axons()) {
      synapses += a.synapses_size();
      bits += memory.rowBits(a.synapses_size());
    }
    std::set<std::pair<uint32_t, uint32_t>> destCores;
    for (const proto::OutputAxonMap &m : core.output_axons()) {
      outAxons += m.targets_size();
      for (const proto::AxonTarget &t : m.targets())
        destCores.emplace(t.chip(), t.core());
    }
    double share =
        res.synapse_memory_bits_per_core()
            ? 100.0 * double(bits) / double(res.synapse_memory_bits_per_core())
            : 0.0;
    fmt::format_to(
        it,
        "{:>4} {:>4} {:>12} {:>10} {:>11} {:>11} {:>8} {:>12} {:>6.2f}% "
        "{:>12} {:>10}\n",
        core.chip(), core.core(), core.compartments_size(),
        core.prototypes_size(), core.synapse_configs_size(),
        core.input_axons_size(), synapses, bits, share, outAxons,
        destCores.size());
    totalComp += core.compartments_size();
    totalProto += core.prototypes_size();
    totalConfigs += core.synapse_configs_size();
    totalAxons += core.input_axons_size();
    totalSyn += synapses;
    totalBits += bits;
    totalOut += outAxons;
  }
  fmt::format_to(
      it, "{:<9} {:>12} {:>10} {:>11} {:>11} {:>8} {:>12} {:>7} {:>12}\n\n",
      "total", totalComp, totalProto, totalConfigs, totalAxons, totalSyn,
      totalBits, "", totalOut);

  DelayChain chain = longestDelayChain(g);
  if (chain.path.empty())
    fmt::format_to(it, "longest delay chain: none (no projections)\n");
  else
    fmt::format_to(
        it, "longest delay chain: {} steps through {} relay stage{} ({})\n",
        chain.steps, chain.stages, chain.stages == 1 ? "" : "s",
        fmt::join(chain.path, " -> "));
  uint32_t maxField = 0;
  for (const proto::Core &core : config.cores())
    for (const proto::InputAxon &a : core.input_axons())
      for (const proto::Synapse &s : a.synapses())
        maxField = std::max(maxField, s.delay());
  fmt::format_to(it, "longest delay field: {} (limit {})\n", maxField,
                 config.format().max_delay());
  if (config.notes().empty()) {
    fmt::format_to(
        it, "notes: none (the chip realises every IR integer exactly)\n");
  } else {
    fmt::format_to(it, "notes ({}):\n", config.notes_size());
    for (const std::string &n : config.notes())
      fmt::format_to(it, "  {}\n", n);
  }
  return fmt::to_string(out);
}

} // namespace axon::backends::loihi
