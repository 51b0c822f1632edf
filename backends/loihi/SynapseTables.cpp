//===- SynapseTables.cpp - Synapse configurations and input axons ---------===//
//
// Every synapse of the graph lands in the synaptic memory of the core that
// holds its target, under the input axon of its source neuron (one axon per
// source neuron with synapses into the core, ordered by routing key, the
// source's axon id in passes/Route.h). A synapse stores:
//   compartment  the target's slot
//   weight       the IR's weights_int, the signed mantissa
//   delay        the field f = delay_steps (LoihiConfig.proto derives it)
//   config       the core's synapse configuration with the projection's
//                weight exponent wexp = quantisation.exponent -
//                exponent_offset: the IR adds w << exponent state units,
//                the chip w * 2^(exponent_offset + wexp)
// Synapses into RELAY compartments ignore the IR weight: a relay fires once
// per arriving spike whatever its weight (ir/axon.proto), so they store
// mantissa 1 under wexp 0, an increment of 2^exponent_offset > 0 = the
// relay's threshold.
//
// Errors (all collected, each naming the projection and synapse and the
// limit): an exponent outside [min_exponent, max_exponent], a mantissa
// wider than the chip's, a delay beyond the field. Then per core: input
// axons over max_fan_in_per_core, synapse configurations over 8, synapse
// memory over synapse_memory_bits_per_core (passes/Partition.h's model).
//===----------------------------------------------------------------------===//
#include "backends/loihi/Emission.h"

#include "passes/Partition.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"

#include <tuple>

namespace axon::backends::loihi {
namespace {

/// One synapse on its way into a core's tables; sorted by (core, key,
/// projection, synapse) so each axon lists its synapses in graph order.
struct PlacedSynapse {
  uint32_t core;
  uint32_t key;
  uint32_t projection;
  uint64_t index;
  uint32_t sourceNeuron;
  uint32_t slot;
  int32_t weight;
  uint32_t delay;
  int32_t wexp;

  auto order() const { return std::tie(core, key, projection, index); }
};

} // namespace

llvm::Error buildSynapseTables(const EmissionContext &ctx,
                               proto::LoihiConfig &config) {
  const ir::Graph &g = ctx.graph;
  const auto &t = ctx.desc.data();
  const auto &wf = t.weights();
  const uint32_t weightBits = wf.bits() + 1;
  const int64_t maxWeight = (int64_t(1) << wf.bits()) - 1;
  const int64_t minWeight = -(int64_t(1) << wf.bits());
  const uint32_t maxDelay = maxDelayField(ctx.desc);
  DiagnosticList diag;

  std::vector<PlacedSynapse> synapses;
  synapses.reserve(g.numSynapses());
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    std::string where = fmt::format("projection '{}'", p.name);
    const ir::Population &post = *g.findPopulation(p.target);
    const std::vector<uint32_t> &keys = ctx.sourceKeys(p.source);
    const std::vector<uint32_t> &coreOf =
        ctx.coreOf[static_cast<size_t>(&post - g.populations.data())];
    bool intoRelay = post.kind == ir::NeuronKind::Relay;
    int32_t wexp = 0;
    if (!intoRelay) {
      wexp = p.quantisation.exponent - wf.exponent_offset();
      if (wexp < wf.min_exponent() || wexp > wf.max_exponent()) {
        diag.report(where,
                    "weight exponent {} (quantisation.exponent {} - "
                    "exponent_offset {}) is outside the chip's [{}, {}]",
                    wexp, p.quantisation.exponent, wf.exponent_offset(),
                    wf.min_exponent(), wf.max_exponent());
        continue;
      }
    }
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [i, j] = ir::synapseEnds(p, post.size, k);
      uint32_t steps = p.delaySteps.empty() ? 0 : p.delaySteps[k];
      int32_t weight = intoRelay ? 1 : p.weightsInt[k];
      if (steps > maxDelay) {
        diag.report(
            fmt::format("{} synapse {} (pre {}, post {})", where, k, i, j),
            "delay {} steps needs delay field {} but the {}-bit "
            "field holds at most {} (delays.max_on_core_steps {}); "
            "run delay-lines",
            steps, delayField(steps), t.delays().delay_bits(), maxDelay,
            t.delays().max_on_core_steps());
        continue;
      }
      if (weight < minWeight || weight > maxWeight) {
        diag.report(
            fmt::format("{} synapse {} (pre {}, post {})", where, k, i, j),
            "weight mantissa {} does not fit the chip's {} signed "
            "bits [{}, {}]",
            weight, weightBits, minWeight, maxWeight);
        continue;
      }
      synapses.push_back({coreOf[j], keys[i], static_cast<uint32_t>(pi), k, i,
                          post.placement.slot[j], weight, delayField(steps),
                          wexp});
    }
  }
  if (!diag.empty())
    return diag.takeError("");
  llvm::sort(synapses, [](const PlacedSynapse &a, const PlacedSynapse &b) {
    return a.order() < b.order();
  });

  passes::SynapseMemoryModel memory = passes::synapseMemoryModel(ctx.desc);
  const auto &res = t.resources();
  for (size_t s = 0; s < synapses.size();) {
    uint32_t c = synapses[s].core;
    size_t end = s;
    while (end < synapses.size() && synapses[end].core == c)
      ++end;
    proto::Core &core = *config.mutable_cores(static_cast<int>(c));
    std::string where =
        fmt::format("chip {} core {}", core.chip(), core.core());

    // Synapse configurations: the distinct exponents, ascending.
    llvm::SmallVector<int32_t, 8> exponents;
    for (size_t x = s; x < end; ++x)
      exponents.push_back(synapses[x].wexp);
    llvm::sort(exponents);
    exponents.erase(std::unique(exponents.begin(), exponents.end()),
                    exponents.end());
    for (int32_t e : exponents) {
      proto::SynapseConfig &sc = *core.add_synapse_configs();
      sc.set_weight_exponent(e);
      sc.set_weight_bits(weightBits);
    }

    uint64_t memoryBits = 0;
    proto::InputAxon *axon = nullptr;
    for (size_t x = s; x < end; ++x) {
      const PlacedSynapse &ps = synapses[x];
      if (!axon || axon->source_key() != ps.key) {
        if (axon)
          memoryBits += memory.rowBits(axon->synapses_size());
        axon = core.add_input_axons();
        axon->set_source_key(ps.key);
        axon->set_source(g.projections[ps.projection].source);
        axon->set_source_neuron(ps.sourceNeuron);
      }
      proto::Synapse &syn = *axon->add_synapses();
      syn.set_compartment(ps.slot);
      syn.set_weight(ps.weight);
      syn.set_delay(ps.delay);
      syn.set_config(static_cast<uint32_t>(llvm::find(exponents, ps.wexp) -
                                           exponents.begin()));
    }
    memoryBits += memory.rowBits(axon->synapses_size());

    if (core.input_axons_size() > int64_t(res.max_fan_in_per_core()))
      diag.report(where,
                  "{} input axons (source neurons with synapses here) "
                  "exceed max_fan_in_per_core {}",
                  core.input_axons_size(), res.max_fan_in_per_core());
    if (exponents.size() > kMaxSynapseConfigsPerCore)
      diag.report(where,
                  "needs {} synapse configurations (distinct weight "
                  "exponents {}) but a core holds {}",
                  exponents.size(), fmt::join(exponents, ", "),
                  kMaxSynapseConfigsPerCore);
    if (memoryBits > res.synapse_memory_bits_per_core())
      diag.report(where,
                  "synapse memory {} bits exceeds "
                  "synapse_memory_bits_per_core {}",
                  memoryBits, res.synapse_memory_bits_per_core());
    s = end;
  }
  return diag.takeError("");
}

} // namespace axon::backends::loihi
