//===- NeuronParams.cpp - Neuron slices in the chip's formats -------------===//
//
// Each core's neurons, as runs of consecutive neurons of one population on
// consecutive slots (a NeuronSlice), with the population's fixed-point
// constants translated from the IR's target-neutral FixedPointNeuron into
// the chip's formats:
//   state (threshold, reset, bias): the IR integer has state_frac_bits
//     fractional bits; the chip's s16.15 raw value is that integer shifted
//     left by 15 - state_frac_bits (the same real value, so the dynamics are
//     unchanged), and must fit the chip's 32-bit signed state;
//   decays: the IR multiplier d of decay_bits bits means d / 2^decay_bits;
//     the chip's u0.32 factor is d << (32 - decay_bits), the same fraction;
//     a factor of 1.0 (no decay) has no u0.32 form and is an error;
//   refractory: ticks = the IR's refractory_steps (tick = step).
// SynapticRows.cpp applies the same state shift to the ring-buffer shift,
// so an arriving weight adds the same real value as in the IR model.
//===----------------------------------------------------------------------===//
#include "backends/spinnaker/SpiNNakerEmitter.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"

#include <fmt/format.h>

namespace axon::backends::spinnaker {

namespace {

cfg::NeuronModel modelOf(ir::NeuronKind kind) {
  switch (kind) {
  case ir::NeuronKind::LIF:
    return cfg::LIF;
  case ir::NeuronKind::CubaLIF:
    return cfg::CUBA_LIF;
  case ir::NeuronKind::LeakyIntegrator:
    return cfg::LEAKY_INTEGRATOR;
  case ir::NeuronKind::Relay:
    return cfg::RELAY;
  }
  return cfg::NEURON_MODEL_UNSPECIFIED;
}

/// `value` (IR state units) as a raw chip state value, or an error.
llvm::Expected<int32_t> chipState(const ir::Population &pop,
                                  llvm::StringRef field, int64_t value,
                                  uint32_t shift, uint32_t chipBits,
                                  uint32_t chipFrac) {
  // |value| < 2^63 and chipBits <= 32, so compare before shifting.
  int64_t limit = int64_t(1) << (chipBits - 1);
  if (value >= (limit >> shift) || value < -(limit >> shift))
    return makeError(
        fmt::format("population '{}'", pop.name),
        "fixed.{} = {} is {} x 2^{} in the chip's s{}.{} raw units, "
        "outside its {}-bit signed range",
        field, value, value, shift, chipBits - chipFrac - 1, chipFrac,
        chipBits);
  return static_cast<int32_t>(value * (int64_t(1) << shift));
}

/// `decay` (an IR multiplier of `bits` bits) as a chip factor of
/// `chipBits` bits, or an error.
llvm::Expected<uint32_t> chipDecay(const ir::Population &pop,
                                   llvm::StringRef field, uint32_t decay,
                                   uint32_t bits, uint32_t chipBits) {
  uint64_t value = uint64_t(decay) << (chipBits - bits);
  if (value >= (uint64_t(1) << chipBits))
    return makeError(fmt::format("population '{}'", pop.name),
                     "fixed.{} = {} of 2^{} is a factor of {} (no decay): the "
                     "chip's u0.{} factors hold at most 1 - 2^-{}",
                     field, decay, bits, double(decay) / double(1ull << bits),
                     chipBits, chipBits);
  return static_cast<uint32_t>(value);
}

} // namespace

llvm::Expected<cfg::NeuronSlice>
chipNeuronParams(const ir::Population &pop,
                 const target::TargetDescription &desc) {
  cfg::NeuronSlice s;
  s.set_model(modelOf(pop.kind));
  s.set_relay(pop.kind == ir::NeuronKind::Relay);
  // A relay (delay-extension stage) has no state and no constants.
  if (s.relay())
    return s;

  const target::proto::NeuronFormat &nf = desc.data().neurons();
  const ir::FixedPointNeuron &f = pop.fixed;
  std::string where = fmt::format("population '{}'", pop.name);
  if (f.stateFracBits > nf.state_frac_bits())
    return makeError(where,
                     "fixed.state_frac_bits = {} exceeds the chip's {} "
                     "fractional state bits: the state would lose precision",
                     f.stateFracBits, nf.state_frac_bits());
  if (f.decayBits > nf.decay_bits())
    return makeError(where,
                     "fixed.decay_bits = {} exceeds the chip's {}-bit decay "
                     "factors",
                     f.decayBits, nf.decay_bits());
  if (f.refractorySteps > nf.max_refractory_steps())
    return makeError(where,
                     "fixed.refractory_steps = {} exceeds the chip's "
                     "max_refractory_steps {}",
                     f.refractorySteps, nf.max_refractory_steps());

  uint32_t shift = nf.state_frac_bits() - f.stateFracBits;
  auto state = [&](llvm::StringRef field, int64_t value) {
    return chipState(pop, field, value, shift, nf.state_bits(),
                     nf.state_frac_bits());
  };
  llvm::Expected<int32_t> threshold = state("threshold", f.threshold);
  if (!threshold)
    return threshold.takeError();
  llvm::Expected<int32_t> reset = state("reset", f.reset);
  if (!reset)
    return reset.takeError();
  llvm::Expected<int32_t> bias = state("bias", f.bias);
  if (!bias)
    return bias.takeError();
  llvm::Expected<uint32_t> decayMem =
      chipDecay(pop, "decay_mem", f.decayMem, f.decayBits, nf.decay_bits());
  if (!decayMem)
    return decayMem.takeError();
  llvm::Expected<uint32_t> decaySyn =
      chipDecay(pop, "decay_syn", f.decaySyn, f.decayBits, nf.decay_bits());
  if (!decaySyn)
    return decaySyn.takeError();

  s.set_threshold(*threshold);
  s.set_reset(*reset);
  s.set_bias(*bias);
  s.set_decay_mem(*decayMem);
  s.set_decay_syn(*decaySyn);
  s.set_refractory_ticks(f.refractorySteps);
  return s;
}

llvm::Error emitNeuronSlices(const EmitContext &ctx,
                             llvm::MutableArrayRef<cfg::Core> cores) {
  // Slices are collected per core in graph order, then ordered by slot.
  std::vector<std::vector<cfg::NeuronSlice>> perCore(cores.size());
  std::vector<uint32_t> slots(cores.size(), 0);
  for (size_t pi = 0; pi < ctx.g.populations.size(); ++pi) {
    const ir::Population &pop = ctx.g.populations[pi];
    llvm::Expected<cfg::NeuronSlice> params = chipNeuronParams(pop, ctx.desc);
    if (!params)
      return params.takeError();
    for (uint32_t shift : ctx.ringShift[pi])
      params->add_ring_shift(shift);
    uint32_t node = ctx.nodeIndex(pop.name);
    cfg::NeuronSlice *open = nullptr;
    uint32_t openCore = 0;
    for (uint32_t n = 0; n < pop.size; ++n) {
      uint32_t core = ctx.coreOf(pop, n);
      uint32_t slot = pop.placement.slot[n];
      slots[core] = std::max(slots[core], slot + 1);
      bool extends = open && openCore == core &&
                     open->first_slot() + open->count() == slot;
      if (extends) {
        open->set_count(open->count() + 1);
        continue;
      }
      cfg::NeuronSlice s = *params;
      s.set_population(pop.name);
      s.set_first_neuron(n);
      s.set_count(1);
      s.set_first_slot(slot);
      const passes::SourceSlice &src = ctx.keys.slices[ctx.sliceOf[node][n]];
      s.set_key_base(src.key);
      perCore[core].push_back(std::move(s));
      open = &perCore[core].back();
      openCore = core;
    }
  }
  for (size_t c = 0; c < cores.size(); ++c) {
    std::vector<cfg::NeuronSlice> &list = perCore[c];
    llvm::stable_sort(list,
                      [](const cfg::NeuronSlice &a, const cfg::NeuronSlice &b) {
                        return a.first_slot() < b.first_slot();
                      });
    cores[c].set_slots(slots[c]);
    for (cfg::NeuronSlice &s : list)
      *cores[c].add_slices() = std::move(s);
  }
  return llvm::Error::success();
}

} // namespace axon::backends::spinnaker
