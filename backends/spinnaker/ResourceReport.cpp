//===- ResourceReport.cpp - report.txt: what the configuration uses ------===//
//
// The resource report, read from the assembled configuration (so it states
// what was emitted, not an estimate) plus the graph for the delay chains:
//   - cores used per chip;
//   - per core: neuron slots, synapses (fixed words), rows, SDRAM bytes of
//     the synaptic matrix (words x 4), the DTCM estimate of the ring
//     buffer (2^(delay_bits + type_bits + index_bits) entries of
//     ceil(weight_bits / 8) bytes: 16 KiB for the shipped description),
//     the ring-buffer shifts and the population slices it holds;
//   - router entries per chip of the limit;
//   - the longest delay chain: a spike's path through relay stages
//     (delay-extension cores) to a neuron, as relay stages x stage_steps +
//     the last hop. A stage's latency is its synapse's delay plus the one
//     step the relay takes to fire (DelayLines.h).
//===----------------------------------------------------------------------===//
#include "backends/spinnaker/SpiNNakerEmitter.h"

#include "ir/Format.h"
#include "passes/DelayLines.h"

#include <fmt/format.h>

namespace axon::backends::spinnaker {

namespace {

struct CoreFigures {
  uint64_t synapses = 0, rows = 0;
};

CoreFigures figuresOf(const cfg::Core &core) {
  CoreFigures f;
  for (const cfg::MasterPopulationEntry &e : core.master_population_table()) {
    f.rows += e.row_count();
    uint64_t stride = axon::spinnaker::kRowHeaderWords + e.row_length();
    for (uint32_t r = 0; r < e.row_count(); ++r)
      f.synapses += core.synaptic_matrix(static_cast<int>(
          e.address() + r * stride + axon::spinnaker::kRowFixedCountWord));
  }
  return f;
}

std::string slicesOf(const cfg::Core &core) {
  std::string out;
  for (const cfg::NeuronSlice &s : core.slices()) {
    if (!out.empty())
      out += ", ";
    out += fmt::format("{}[{}..{}]", s.population(), s.first_neuron(),
                       s.first_neuron() + s.count() - 1);
    if (!s.relay())
      out += fmt::format(" <<{}", fmt::join(s.ring_shift(), ","));
  }
  return out;
}

uint32_t maxDelay(const ir::Projection &p) {
  uint32_t d = 0;
  for (uint32_t s : p.delaySteps)
    d = std::max(d, s);
  return d;
}

/// The longest path from a non-relay node through relay populations into a
/// non-relay population.
struct DelayChain {
  uint64_t total = 0;
  uint32_t stages = 0;
  uint64_t relayLatency = 0; ///< steps until the last relay fires
  uint32_t lastHop = 0;
  std::string projection;
};

DelayChain longestDelayChain(const ir::Graph &g) {
  // Latency (steps) until each relay population fires, and its stage;
  // relaxed once per population, enough for any acyclic relay chain.
  std::vector<uint64_t> latency(g.populations.size(), 0);
  std::vector<uint32_t> stage(g.populations.size(), 0);
  auto popIndex = [&](llvm::StringRef name) -> std::optional<size_t> {
    std::optional<ir::NodeRef> ref = g.findNode(name);
    if (!ref || ref->kind != ir::NodeRef::Kind::Population)
      return std::nullopt;
    return ref->index;
  };
  auto isRelay = [&](std::optional<size_t> p) {
    return p && g.populations[*p].kind == ir::NeuronKind::Relay;
  };
  for (size_t round = 0; round < g.populations.size(); ++round)
    for (const ir::Projection &p : g.projections) {
      std::optional<size_t> src = popIndex(p.source), dst = popIndex(p.target);
      if (!isRelay(dst) || p.numSynapses() == 0)
        continue;
      uint64_t before = isRelay(src) ? latency[*src] : 0;
      uint32_t stages = isRelay(src) ? stage[*src] + 1 : 1;
      latency[*dst] = std::max(latency[*dst], before + maxDelay(p) +
                                                  passes::kRelayLatencySteps);
      stage[*dst] = std::max(stage[*dst], stages);
    }
  DelayChain best;
  for (const ir::Projection &p : g.projections) {
    std::optional<size_t> src = popIndex(p.source), dst = popIndex(p.target);
    if (isRelay(dst) || p.numSynapses() == 0)
      continue;
    uint64_t before = isRelay(src) ? latency[*src] : 0;
    uint64_t total = before + maxDelay(p);
    if (total > best.total || best.projection.empty())
      best = {total, isRelay(src) ? stage[*src] : 0, before, maxDelay(p),
              p.name};
  }
  return best;
}

} // namespace

std::string formatResourceReport(const EmitContext &ctx,
                                 const cfg::SpiNNakerConfig &config) {
  const target::proto::Target &t = ctx.desc.data();
  const SynapseWordLayout &l = ctx.layout;
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "SpiNNaker-like configuration of graph '{}' for target '{}' "
                 "(description hash {})\n",
                 config.graph_name(), config.target_name(),
                 config.target_hash());
  fmt::format_to(
      it,
      "tick {} ms; synapse word: weight {} | delay {} | type {} | index {} "
      "bits\n",
      config.dt_ms(), l.weightBits, l.delayBits, l.typeBits, l.indexBits);

  size_t cores = 0;
  for (const cfg::Chip &chip : config.chips())
    cores += chip.cores_size();
  fmt::format_to(it, "\ncores used: {} of {} on {} chip(s)\n", cores,
                 uint64_t(t.resources().chips()) *
                     t.resources().cores_per_chip(),
                 config.chips_size());
  for (const cfg::Chip &chip : config.chips())
    fmt::format_to(it, "  chip {}: {} of {} cores\n", chip.chip(),
                   chip.cores_size(), t.resources().cores_per_chip());

  uint64_t ringBytes =
      (uint64_t(1) << (l.delayBits + l.typeBits + l.indexBits)) *
      ((l.weightBits + 7) / 8);
  fmt::format_to(
      it,
      "\nper core (sdram: synaptic matrix bytes; dtcm: ring buffer of "
      "2^({}+{}+{}) x {} bytes):\n",
      l.delayBits, l.typeBits, l.indexBits, (l.weightBits + 7) / 8);
  fmt::format_to(it, "  {:>4} {:>4} {:>7} {:>9} {:>7} {:>11} {:>9}  {}\n",
                 "chip", "core", "neurons", "synapses", "rows", "sdram", "dtcm",
                 "slices (<<ring shifts exc,inh)");
  for (const cfg::Chip &chip : config.chips())
    for (const cfg::Core &core : chip.cores()) {
      CoreFigures f = figuresOf(core);
      fmt::format_to(it, "  {:>4} {:>4} {:>7} {:>9} {:>7} {:>11} {:>9}  {}\n",
                     chip.chip(), core.core(), core.slots(), f.synapses, f.rows,
                     uint64_t(core.synaptic_matrix_size()) * 4, ringBytes,
                     slicesOf(core));
    }

  fmt::format_to(it, "\nrouter entries per chip (limit {}):\n",
                 t.resources().routing_entries_per_chip());
  for (const cfg::Chip &chip : config.chips())
    fmt::format_to(it, "  chip {}: {} of {}\n", chip.chip(), chip.router_size(),
                   t.resources().routing_entries_per_chip());

  DelayChain chain = longestDelayChain(ctx.g);
  if (chain.projection.empty())
    fmt::format_to(it, "\nlongest delay chain: none (no synapses)\n");
  else if (chain.stages == 0)
    fmt::format_to(it,
                   "\nlongest delay chain: {} steps on core, no relay stages "
                   "(projection '{}')\n",
                   chain.total, chain.projection);
  else if (chain.relayLatency ==
           uint64_t(chain.stages) * t.delays().stage_steps())
    fmt::format_to(it,
                   "\nlongest delay chain: {} steps = {} relay stage(s) x {} "
                   "steps + last hop {} (projection '{}')\n",
                   chain.total, chain.stages, t.delays().stage_steps(),
                   chain.lastHop, chain.projection);
  else
    fmt::format_to(it,
                   "\nlongest delay chain: {} steps = {} relay stage(s) "
                   "taking {} steps + last hop {} (projection '{}')\n",
                   chain.total, chain.stages, chain.relayLatency, chain.lastHop,
                   chain.projection);
  return fmt::to_string(out);
}

} // namespace axon::backends::spinnaker
