//===- AxonMaps.cpp - Output axon maps, the input map and the output map --===//
//
// Graph::routes holds, for a Loihi-like target, one axon-map entry per
// source slice (passes/Route.h): the slice's base key, a mask of all ones
// and the (chip, core) pairs holding targets of any of its neurons. Here
// each entry becomes, per neuron of the slice, one output axon per
// destination core where that neuron has an input axon (a core where only
// its slice-mates have targets gets no axon from it). Spikes of input
// channels leave the host the same way and form the input map.
//
// The routes must agree with the synapses: every input axon of every core
// must be reached by exactly one output axon or input channel. A graph
// whose routes were computed for another placement fails here with a
// diagnostic instead of dropping spikes on the chip.
//===----------------------------------------------------------------------===//
#include "backends/loihi/Emission.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"

#include <cassert>
#include <tuple>

namespace axon::backends::loihi {
namespace {

using Targets = std::vector<proto::AxonTarget>;

/// Index of the input axon of `core` fed by the neuron with `key`.
std::optional<uint32_t> findAxon(const proto::Core &core, uint32_t key) {
  const auto &axons = core.input_axons();
  auto it = std::lower_bound(
      axons.begin(), axons.end(), key,
      [](const proto::InputAxon &a, uint32_t k) { return a.source_key() < k; });
  if (it == axons.end() || it->source_key() != key)
    return std::nullopt;
  return static_cast<uint32_t>(it - axons.begin());
}

std::string entryName(const ir::RoutingEntry &r) {
  if (r.core == passes::kHostCore)
    return fmt::format("routing entry (chip {}, host, key {:#010x})", r.chip,
                       r.key);
  return fmt::format("routing entry (chip {}, core {}, key {:#010x})", r.chip,
                     r.core, r.key);
}

void sortTargets(Targets &targets) {
  llvm::sort(targets,
             [](const proto::AxonTarget &a, const proto::AxonTarget &b) {
               return std::make_tuple(a.chip(), a.core(), a.axon()) <
                      std::make_tuple(b.chip(), b.core(), b.axon());
             });
}

} // namespace

llvm::Error buildAxonMaps(const EmissionContext &ctx,
                          proto::LoihiConfig &config) {
  const ir::Graph &g = ctx.graph;
  const std::vector<passes::SourceSlice> &slices = ctx.keys.slices;
  DiagnosticList diag;

  // Targets of every source neuron: per input / population, per neuron.
  std::vector<std::vector<Targets>> inputTargets(g.inputs.size()),
      populationTargets(g.populations.size());
  for (size_t i = 0; i < g.inputs.size(); ++i)
    inputTargets[i].resize(g.inputs[i].size);
  for (size_t i = 0; i < g.populations.size(); ++i)
    populationTargets[i].resize(g.populations[i].size);
  std::vector<std::vector<bool>> reached(config.cores_size());
  for (int c = 0; c < config.cores_size(); ++c)
    reached[c].resize(config.cores(c).input_axons_size());

  for (const ir::RoutingEntry &r : g.routes) {
    std::string where = entryName(r);
    if (r.mask != ~uint32_t(0)) {
      diag.report(where,
                  "mask {:#010x}: the Loihi-like emitter reads axon maps "
                  "(one entry per source slice, mask all ones); routes were "
                  "built for router tables",
                  r.mask);
      continue;
    }
    // Slices come in ascending key order (passes/Route.h).
    auto slice = llvm::lower_bound(
        slices, r.key,
        [](const passes::SourceSlice &s, uint32_t key) { return s.key < key; });
    if (slice == slices.end() || slice->key != r.key || slice->chip != r.chip ||
        slice->core != r.core) {
      diag.report(where, "matches no source slice of the placement: the "
                         "routes are stale (run route after partition)");
      continue;
    }
    if (r.destinationCores.size() != r.destinationChips.size()) {
      diag.report(where,
                  "{} destination cores but {} destination chips: an axon "
                  "map lists (chip, core) pairs",
                  r.destinationCores.size(), r.destinationChips.size());
      continue;
    }
    std::optional<ir::NodeRef> node = g.findNode(slice->node);
    assert(node && "assignKeys names graph nodes");
    std::vector<Targets> &nodeTargets = node->kind == ir::NodeRef::Kind::Input
                                            ? inputTargets[node->index]
                                            : populationTargets[node->index];
    for (auto [chip, coreNumber] :
         llvm::zip(r.destinationChips, r.destinationCores)) {
      std::optional<uint32_t> c = ctx.coreIndex(chip, coreNumber);
      if (!c) {
        diag.report(where,
                    "destination chip {} core {} holds no compartments: the "
                    "routes are stale (run route after partition)",
                    chip, coreNumber);
        continue;
      }
      const proto::Core &core = config.cores(static_cast<int>(*c));
      for (auto [neuron, key] : llvm::zip(slice->neurons, slice->keys)) {
        std::optional<uint32_t> axon = findAxon(core, key);
        if (!axon)
          continue; // this neuron has no synapse on that core
        if (reached[*c][*axon])
          diag.report(where,
                      "reaches chip {} core {} input axon {} a second time",
                      chip, coreNumber, *axon);
        reached[*c][*axon] = true;
        proto::AxonTarget t;
        t.set_chip(chip);
        t.set_core(coreNumber);
        t.set_axon(*axon);
        nodeTargets[neuron].push_back(std::move(t));
      }
    }
  }
  for (size_t c = 0; c < reached.size(); ++c)
    for (size_t a = 0; a < reached[c].size(); ++a) {
      if (reached[c][a])
        continue;
      const proto::Core &core = config.cores(static_cast<int>(c));
      const proto::InputAxon &axon = core.input_axons(static_cast<int>(a));
      diag.report(fmt::format("chip {} core {} input axon {}", core.chip(),
                              core.core(), a),
                  "no routing entry reaches it from '{}' neuron {} (key "
                  "{:#010x}): the routes are stale (run route after "
                  "partition)",
                  axon.source(), axon.source_neuron(), axon.source_key());
    }
  if (!diag.empty())
    return diag.takeError("");

  // Output axon maps, per core by slot.
  std::vector<std::vector<std::pair<uint32_t, Targets *>>> maps(
      config.cores_size());
  for (size_t pi = 0; pi < g.populations.size(); ++pi)
    for (uint32_t n = 0; n < g.populations[pi].size; ++n)
      if (!populationTargets[pi][n].empty())
        maps[ctx.coreOf[pi][n]].emplace_back(
            g.populations[pi].placement.slot[n], &populationTargets[pi][n]);
  for (size_t c = 0; c < maps.size(); ++c) {
    auto &coreMaps = maps[c];
    llvm::sort(coreMaps,
               [](const auto &a, const auto &b) { return a.first < b.first; });
    proto::Core &core = *config.mutable_cores(static_cast<int>(c));
    for (auto &[slot, targets] : coreMaps) {
      sortTargets(*targets);
      proto::OutputAxonMap &m = *core.add_output_axons();
      m.set_compartment(slot);
      for (proto::AxonTarget &t : *targets)
        *m.add_targets() = std::move(t);
    }
  }

  // The input map.
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const ir::InputPopulation &in = g.inputs[i];
    proto::InputSource &src = *config.add_inputs();
    src.set_name(in.name);
    src.set_size(in.size);
    for (uint32_t ch = 0; ch < in.size; ++ch) {
      Targets &targets = inputTargets[i][ch];
      if (targets.empty())
        continue;
      sortTargets(targets);
      proto::InputChannel &m = *config.add_input_map();
      m.set_input(in.name);
      m.set_channel(ch);
      m.set_key(ctx.inputKeys[i][ch]);
      for (proto::AxonTarget &t : targets)
        *m.add_targets() = std::move(t);
    }
  }

  // The output map: the readouts, compartment i = class i.
  const auto &res = ctx.desc.data().resources();
  for (const ir::OutputDecoding &o : g.outputs) {
    const ir::Population &p = *g.findPopulation(o.population);
    size_t pi = static_cast<size_t>(&p - g.populations.data());
    proto::Readout &r = *config.add_output_map();
    r.set_population(p.name);
    // LoihiConfig.proto numbers its Decoding like ir/axon.proto.
    r.set_decoding(static_cast<proto::Decoding>(o.decoding));
    for (const std::string &name : o.classNames)
      r.add_class_names(name);
    for (uint32_t n = 0; n < p.size; ++n) {
      uint64_t id = ctx.coreIds[ctx.coreOf[pi][n]];
      proto::CompartmentRef &ref = *r.add_compartments();
      ref.set_chip(static_cast<uint32_t>(id / res.cores_per_chip()));
      ref.set_core(static_cast<uint32_t>(id % res.cores_per_chip()));
      ref.set_compartment(p.placement.slot[n]);
    }
    r.set_state_scale(p.fixed.stateScale);
  }
  return llvm::Error::success();
}

} // namespace axon::backends::loihi
