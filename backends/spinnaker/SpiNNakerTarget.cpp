//===- SpiNNakerTarget.cpp - The SpiNNaker-like emitter -------------------===//
//
// Family "spinnaker": a PLACED graph and the description it was lowered
// for become three files:
//   spinnaker.axoncfg  SpiNNakerConfig (SpiNNakerConfig.proto), framed with
//                      the magic "AXONSPN\0" (SpiNNakerConfigIO.h)
//   spinnaker.pbtxt    the same message as protobuf text, for reading
//   report.txt         the resource report (ResourceReport.cpp)
// The emitter first checks that the description has the shape it can
// emit (magnitude-and-shift weights, a synapse word of at most 32 bits,
// delays that the delay field tells apart, router tables) and that the
// graph is PLACED, verified and lowered for this very description; then
// one builder per hardware table fills the configuration (see
// SpiNNakerEmitter.h). It never changes the graph.
//===----------------------------------------------------------------------===//
#include "backends/Target.h"
#include "backends/spinnaker/SpiNNakerConfigIO.h"
#include "backends/spinnaker/SpiNNakerEmitter.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "ir/Verifier.h"

#include <google/protobuf/text_format.h>

#include <cassert>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <set>

namespace axon::backends {

namespace spinnaker {

uint32_t EmitContext::nodeIndex(llvm::StringRef name) const {
  std::optional<ir::NodeRef> ref = g.findNode(name);
  assert(ref && "projection names a node the verifier accepted");
  return ref->kind == ir::NodeRef::Kind::Input
             ? static_cast<uint32_t>(ref->index)
             : static_cast<uint32_t>(g.inputs.size() + ref->index);
}

uint32_t EmitContext::coreOf(const ir::Population &pop, uint32_t neuron) const {
  uint32_t global =
      pop.placement.chip[neuron] * coresPerChip() + pop.placement.core[neuron];
  auto it = coreIndex.find(global);
  assert(it != coreIndex.end() && "every placed neuron's core is in use");
  return it->second;
}

std::string coreName(const EmitContext &ctx, uint32_t globalCore) {
  return fmt::format("chip {} core {}", globalCore / ctx.coresPerChip(),
                     globalCore % ctx.coresPerChip());
}

namespace {

/// The synapse word layout of `desc`, or an error naming the field that
/// this emitter cannot realise.
llvm::Expected<SynapseWordLayout>
checkDescription(const target::TargetDescription &desc) {
  const target::proto::Target &t = desc.data();
  std::string where = fmt::format("target '{}'", desc.name());
  if (t.weights().scheme() != target::proto::WeightFormat::MAGNITUDE_SHIFT)
    return makeError(
        where,
        "weights.scheme = {}: the spinnaker emitter stores "
        "magnitudes with a per-type shift (MAGNITUDE_SHIFT)",
        target::proto::WeightFormat::Scheme_Name(t.weights().scheme()));
  SynapseWordLayout layout;
  layout.weightBits = t.weights().bits();
  layout.delayBits = t.delays().delay_bits();
  layout.typeBits =
      axon::spinnaker::synapseTypeBits(t.weights().synapse_types());
  layout.indexBits = t.resources().synapse_index_bits();
  if (!layout.fits())
    return makeError(where,
                     "a synapse word needs {} bits (weights.bits {} + "
                     "delays.delay_bits {} + {} type bits + "
                     "synapse_index_bits {}) but holds 32",
                     layout.weightBits + layout.delayBits + layout.typeBits +
                         layout.indexBits,
                     layout.weightBits, layout.delayBits, layout.typeBits,
                     layout.indexBits);
  if (uint64_t(t.resources().neurons_per_core()) >
      (uint64_t(1) << layout.indexBits))
    return makeError(where,
                     "neurons_per_core = {} exceeds the {} slots the {}-bit "
                     "synapse index addresses",
                     t.resources().neurons_per_core(), 1ull << layout.indexBits,
                     layout.indexBits);
  const target::proto::DelayFormat &d = t.delays();
  if (d.min_steps() < 1)
    return makeError(where,
                     "delays.min_steps = 0: a packet reaches its target core "
                     "the tick after it is sent, so the shortest delay is 1");
  if (uint64_t(d.max_on_core_steps()) - d.min_steps() + 1 >
      (uint64_t(1) << layout.delayBits))
    return makeError(where,
                     "delays [{}, {}] are {} values, more than the {} the "
                     "{}-bit delay field tells apart",
                     d.min_steps(), d.max_on_core_steps(),
                     d.max_on_core_steps() - d.min_steps() + 1,
                     1ull << layout.delayBits, layout.delayBits);
  const target::proto::NeuronFormat &n = t.neurons();
  if (n.state_bits() > 32 || n.decay_bits() > 32 || n.decay_bits() == 0 ||
      n.state_frac_bits() >= n.state_bits())
    return makeError(where,
                     "neurons: state_bits {} (fraction {}) and decay_bits {} "
                     "must be at most 32, with the fraction below state_bits",
                     n.state_bits(), n.state_frac_bits(), n.decay_bits());
  const target::proto::Resources &r = t.resources();
  if (r.cores_per_chip() > 64 || r.chips() > 64)
    return makeError(where,
                     "{} cores per chip and {} chips: router entries address "
                     "at most 64 of each",
                     r.cores_per_chip(), r.chips());
  if (r.routing_entries_per_chip() == 0)
    return makeError(where, "resources.routing_entries_per_chip = 0: the "
                            "spinnaker emitter needs multicast router tables");
  return layout;
}

llvm::Error checkGraph(const ir::Graph &g,
                       const target::TargetDescription &desc) {
  std::string where = fmt::format("graph '{}'", g.name);
  if (g.level != ir::IRLevel::Placed)
    return makeError(where,
                     "level {}: the spinnaker emitter needs a PLACED graph "
                     "(run partition and route)",
                     g.level);
  if (g.target.descriptionHash.empty())
    return makeError(where,
                     "records no target description, but the description "
                     "given is '{}' with hash '{}': lower the graph for it "
                     "(discretise-delays with a target records it)",
                     desc.name(), desc.hash());
  if (g.target.descriptionHash != desc.hash())
    return makeError(where,
                     "lowered for target '{}' with description hash '{}', but "
                     "the description given is '{}' with hash '{}': lower the "
                     "graph for this description",
                     g.target.name, g.target.descriptionHash, desc.name(),
                     desc.hash());
  return ir::verifyGraph(g);
}

/// Keys per neuron and the cores in use.
void fillContext(EmitContext &ctx) {
  const ir::Graph &g = ctx.g;
  ctx.sliceOf.resize(g.inputs.size() + g.populations.size());
  ctx.neuronKeys.resize(ctx.sliceOf.size());
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    ctx.sliceOf[i].assign(g.inputs[i].size, 0);
    ctx.neuronKeys[i].assign(g.inputs[i].size, 0);
  }
  for (size_t p = 0; p < g.populations.size(); ++p) {
    ctx.sliceOf[g.inputs.size() + p].assign(g.populations[p].size, 0);
    ctx.neuronKeys[g.inputs.size() + p].assign(g.populations[p].size, 0);
  }
  for (size_t s = 0; s < ctx.keys.slices.size(); ++s) {
    const passes::SourceSlice &slice = ctx.keys.slices[s];
    uint32_t node = ctx.nodeIndex(slice.node);
    for (size_t i = 0; i < slice.neurons.size(); ++i) {
      ctx.sliceOf[node][slice.neurons[i]] = static_cast<uint32_t>(s);
      ctx.neuronKeys[node][slice.neurons[i]] = slice.keys[i];
    }
  }
  std::set<uint32_t> used;
  for (const ir::Population &p : g.populations)
    for (uint32_t n = 0; n < p.size; ++n)
      used.insert(p.placement.chip[n] * ctx.coresPerChip() +
                  p.placement.core[n]);
  ctx.usedCores.assign(used.begin(), used.end());
  for (size_t i = 0; i < ctx.usedCores.size(); ++i)
    ctx.coreIndex[ctx.usedCores[i]] = static_cast<uint32_t>(i);
}

cfg::ThresholdCompare compareOf(target::proto::ThresholdCompare c) {
  switch (c) {
  case target::proto::GREATER:
    return cfg::GREATER;
  case target::proto::GREATER_EQUAL:
    return cfg::GREATER_EQUAL;
  default:
    return cfg::THRESHOLD_COMPARE_UNSPECIFIED;
  }
}

void fillHeader(const EmitContext &ctx, cfg::SpiNNakerConfig &config) {
  const target::proto::Target &t = ctx.desc.data();
  config.set_version(axon::spinnaker::kSpiNNakerConfigVersion);
  config.set_graph_name(ctx.g.name);
  config.set_target_name(ctx.desc.name().str());
  config.set_target_hash(ctx.desc.hash());
  config.set_dt_ms(ctx.g.dtMs);
  axon::spinnaker::layoutToProto(ctx.layout, *config.mutable_word_layout());
  cfg::Arithmetic *a = config.mutable_arithmetic();
  a->set_state_bits(t.neurons().state_bits());
  a->set_state_frac_bits(t.neurons().state_frac_bits());
  a->set_decay_bits(t.neurons().decay_bits());
  a->set_threshold_compare(compareOf(t.neurons().threshold_compare()));
  a->set_synapse_types(t.weights().synapse_types());
  a->set_ring_slots(uint32_t(1) << ctx.layout.delayBits);
  a->set_ring_entry_bits(ctx.layout.weightBits);
  config.set_cores_per_chip(ctx.coresPerChip());
  config.set_key_index_bits(ctx.keys.layout.indexBits);
  // The budget of the chip's tick (the graph's dt), not of the
  // description's default step.
  *config.mutable_costs() = t.costs();
  config.mutable_costs()->set_cycles_per_step_budget(
      ctx.desc.cyclesPerTickBudget(ctx.g.dtMs));
}

void fillInputsAndOutputs(const EmitContext &ctx,
                          cfg::SpiNNakerConfig &config) {
  const ir::Graph &g = ctx.g;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    cfg::InputMap *m = config.add_inputs();
    m->set_input(g.inputs[i].name);
    m->set_size(g.inputs[i].size);
    if (g.inputs[i].size > 0)
      m->set_inject_chip(ctx.keys.slices[ctx.sliceOf[i][0]].chip);
    for (uint32_t key : ctx.neuronKeys[i])
      m->add_keys(key);
  }
  for (const ir::OutputDecoding &out : g.outputs) {
    const ir::Population &pop = *g.findPopulation(out.population);
    uint32_t node = ctx.nodeIndex(out.population);
    cfg::OutputMap *m = config.add_outputs();
    m->set_population(out.population);
    m->set_decoding(static_cast<cfg::Decoding>(out.decoding));
    for (const std::string &name : out.classNames)
      m->add_class_names(name);
    // A raw chip state unit is the IR's state unit shifted left by the
    // difference in fractional bits (NeuronParams.cpp).
    int shift = int(ctx.desc.data().neurons().state_frac_bits()) -
                int(pop.fixed.stateFracBits);
    m->set_state_scale(std::ldexp(pop.fixed.stateScale, -shift));
    for (uint32_t n = 0; n < pop.size; ++n) {
      m->add_chip(pop.placement.chip[n]);
      m->add_core(pop.placement.core[n]);
      m->add_slot(pop.placement.slot[n]);
      m->add_keys(ctx.keyOf(node, n));
    }
  }
}

} // namespace

} // namespace spinnaker

namespace {

class SpiNNakerTarget final : public Target {
public:
  llvm::StringRef family() const override { return "spinnaker"; }
  llvm::Expected<EmittedConfig>
  emit(const ir::Graph &g,
       const target::TargetDescription &desc) const override;
};

llvm::Expected<EmittedConfig>
SpiNNakerTarget::emit(const ir::Graph &g,
                      const target::TargetDescription &desc) const {
  using namespace spinnaker;
  if (desc.data().emitter() != family())
    return makeError(fmt::format("target '{}'", desc.name()),
                     "emitter = '{}': this is the spinnaker emitter",
                     desc.data().emitter());
  llvm::Expected<SynapseWordLayout> layout = checkDescription(desc);
  if (!layout)
    return layout.takeError();
  if (llvm::Error err = checkGraph(g, desc))
    return err;
  llvm::Expected<passes::KeyAssignment> keys = passes::assignKeys(g, desc, "");
  if (!keys)
    return keys.takeError();

  EmitContext ctx(g, desc, *layout, std::move(*keys));
  fillContext(ctx);
  llvm::Expected<std::vector<std::vector<uint32_t>>> shifts =
      chooseRingShifts(ctx);
  if (!shifts)
    return shifts.takeError();
  ctx.ringShift = std::move(*shifts);

  std::vector<cfg::Core> cores(ctx.usedCores.size());
  for (size_t i = 0; i < cores.size(); ++i)
    cores[i].set_core(ctx.usedCores[i] % ctx.coresPerChip());
  if (llvm::Error err = emitNeuronSlices(ctx, cores))
    return err;
  if (llvm::Error err = emitSynapticMatrices(ctx, cores))
    return err;
  std::vector<cfg::Chip> chips(desc.data().resources().chips());
  for (size_t c = 0; c < chips.size(); ++c)
    chips[c].set_chip(static_cast<uint32_t>(c));
  if (llvm::Error err = emitRouterTables(ctx, chips))
    return err;

  cfg::SpiNNakerConfig config;
  fillHeader(ctx, config);
  for (size_t i = 0; i < cores.size(); ++i)
    *chips[ctx.usedCores[i] / ctx.coresPerChip()].add_cores() =
        std::move(cores[i]);
  for (cfg::Chip &chip : chips)
    if (chip.cores_size() > 0 || chip.router_size() > 0)
      *config.add_chips() = std::move(chip);
  fillInputsAndOutputs(ctx, config);

  EmittedConfig out;
  out.report = formatResourceReport(ctx, config);
  out.files.push_back(
      {"spinnaker.axoncfg", axon::spinnaker::serialiseSpiNNakerConfig(config)});
  if (g.numSynapses() <= kMaxTextConfigSynapses) {
    std::string text;
    if (!google::protobuf::TextFormat::PrintToString(config, &text))
      return makeError(fmt::format("graph '{}'", g.name),
                       "cannot print the SpiNNaker configuration as text");
    out.files.push_back({"spinnaker.pbtxt", std::move(text)});
  }
  out.files.push_back({"report.txt", out.report});
  return out;
}

} // namespace

std::unique_ptr<Target> createSpiNNakerTarget() {
  return std::make_unique<SpiNNakerTarget>();
}

} // namespace axon::backends
