//===- CoreTables.cpp - Cores, compartment prototypes, compartments -------===//
//
// Translates each population's target-neutral FixedPointNeuron (ir/axon.proto)
// into the fields a Loihi-like core stores, then lays the compartments out
// by slot and shares prototypes between compartments of one core.
//
// The IR's integer step (add arrivals to u; v <- v*decay_mem >> B + u +
// bias; u <- u*decay_syn >> B) is the chip's (u <- decay(u) + input;
// v <- decay(v) + u + bias) with the chip's u standing for the IR's u
// after the arrivals: both give u_n = decay(u_{n-1}) + input_n and feed
// that u to v. The factors therefore map one to one:
//   current factor (2^B - (du + current_decay_offset)) / 2^B = decay_syn / 2^B
//     => du = 2^B - decay_syn - current_decay_offset
//   voltage factor (2^B - dv) / 2^B = decay_mem / 2^B  =>  dv = 2^B - decay_mem
// each clamped to [0, 2^B - 1] (a note when the clamp changes the factor:
// with the offset the current cannot stay undecayed, and dv = 2^B, a v
// forgotten every tick, does not fit the field). vth_mant = threshold >> threshold_shift and bias = bias_mant <<
// bias_exp with the smallest exponent whose mantissa fits; lost low bits
// are noted. What cannot be stored at all (a width, a negative threshold,
// decay constants of another width) is an error naming the population.
//===----------------------------------------------------------------------===//
#include "backends/loihi/Emission.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <tuple>

namespace axon::backends::loihi {
namespace {

bool fitsSigned(int64_t value, uint32_t bits) {
  if (bits >= 64)
    return true;
  int64_t lim = int64_t(1) << (bits - 1);
  return value >= -lim && value < lim;
}

/// A population's prototype and reset, ready to be shared per core.
struct RealisedNeuron {
  proto::CompartmentPrototype prototype;
  int64_t reset = 0;
};

auto prototypeKey(const proto::CompartmentPrototype &p) {
  return std::make_tuple(int(p.kind()), p.du(), p.dv(), p.vth_mant(),
                         p.bias_mant(), p.bias_exp(), p.refractory_steps());
}

/// The decrement d for which (2^bits - d - offset) / 2^bits equals
/// keep / 2^bits, clamped to the field; a note when clamped.
uint32_t decrementFor(int64_t keep, uint32_t bits, uint32_t offset,
                      llvm::StringRef field, llvm::StringRef what,
                      const ir::Population &p,
                      std::vector<std::string> &notes) {
  int64_t one = int64_t(1) << bits;
  int64_t d = one - keep - offset;
  int64_t clamped = std::clamp<int64_t>(d, 0, one - 1);
  if (clamped != d)
    notes.push_back(fmt::format(
        "population '{}': {} decay factor {}/{} realised as {}/{} ({} {} "
        "clamped to [0, {}], offset {})",
        p.name, what, keep, one, std::max<int64_t>(0, one - clamped - offset),
        one, field, d, one - 1, offset));
  return static_cast<uint32_t>(clamped);
}

/// The relay prototype: any input crosses the threshold in its tick.
RealisedNeuron relayNeuron(const target::TargetDescription &desc) {
  const auto &nf = desc.data().neurons();
  uint32_t one = uint32_t(1) << nf.decay_bits();
  RealisedNeuron r;
  r.prototype.set_kind(proto::RELAY);
  // u and v forget everything each tick, so one spike fires exactly once.
  r.prototype.set_du(one - 1);
  r.prototype.set_dv(one - 1);
  r.prototype.set_vth_mant(0);
  return r;
}

std::optional<RealisedNeuron>
realiseNeuron(const ir::Population &p, const target::TargetDescription &desc,
              DiagnosticList &diag, std::vector<std::string> &notes) {
  if (p.kind == ir::NeuronKind::Relay)
    return relayNeuron(desc);
  const auto &nf = desc.data().neurons();
  const ir::FixedPointNeuron &f = p.fixed;
  std::string loc = fmt::format("population '{}'", p.name);
  size_t errors = diag.size();
  if (f.decayBits != nf.decay_bits())
    diag.report(loc,
                "fixed.decay_bits = {}: the chip's decay constants have "
                "neurons.decay_bits = {} bits",
                f.decayBits, nf.decay_bits());
  if (f.stateBits > nf.state_bits())
    diag.report(loc,
                "fixed.state_bits = {}: exceeds the chip's {}-bit state "
                "(neurons.state_bits)",
                f.stateBits, nf.state_bits());
  if (f.refractorySteps > nf.max_refractory_steps())
    diag.report(loc,
                "fixed.refractory_steps = {}: exceeds "
                "neurons.max_refractory_steps = {}",
                f.refractorySteps, nf.max_refractory_steps());
  if (!fitsSigned(f.reset, nf.state_bits()))
    diag.report(loc, "fixed.reset = {}: does not fit the {}-bit state", f.reset,
                nf.state_bits());

  RealisedNeuron r;
  proto::CompartmentPrototype &proto = r.prototype;
  r.reset = f.reset;
  bool spiking = p.isSpiking();
  proto.set_kind(spiking ? proto::SPIKING : proto::NON_SPIKING);
  proto.set_refractory_steps(f.refractorySteps);

  if (spiking) {
    uint32_t shift = nf.threshold_shift();
    uint64_t maxMant = (uint64_t(1) << nf.threshold_bits()) - 1;
    if (f.threshold < 0)
      diag.report(loc,
                  "fixed.threshold = {}: the chip's threshold mantissa is "
                  "unsigned",
                  f.threshold);
    else if (uint64_t(f.threshold >> shift) > maxMant)
      diag.report(loc,
                  "fixed.threshold = {}: mantissa {} (>> {}) exceeds the "
                  "{}-bit limit {}",
                  f.threshold, f.threshold >> shift, shift, nf.threshold_bits(),
                  maxMant);
    else {
      uint32_t mant = static_cast<uint32_t>(f.threshold >> shift);
      proto.set_vth_mant(mant);
      if ((int64_t(mant) << shift) != f.threshold)
        notes.push_back(fmt::format(
            "population '{}': threshold {} state units realised as {} "
            "(vth_mant {} << {})",
            p.name, f.threshold, int64_t(mant) << shift, mant, shift));
    }
  }

  // Bias: the smallest exponent whose mantissa fits keeps the most bits.
  std::optional<uint32_t> biasExp;
  for (uint32_t e = 0; e <= nf.max_bias_exponent() && !biasExp; ++e)
    if (fitsSigned(f.bias >> e, nf.bias_bits()))
      biasExp = e;
  if (!biasExp) {
    diag.report(loc,
                "fixed.bias = {}: exceeds the largest bias the chip holds, "
                "a {}-bit mantissa << {}",
                f.bias, nf.bias_bits(), nf.max_bias_exponent());
  } else {
    int64_t mant = f.bias >> *biasExp;
    proto.set_bias_mant(static_cast<int32_t>(mant));
    proto.set_bias_exp(*biasExp);
    if ((mant << *biasExp) != f.bias)
      notes.push_back(fmt::format(
          "population '{}': bias {} state units realised as {} (bias_mant "
          "{} << {})",
          p.name, f.bias, mant << *biasExp, mant, *biasExp));
  }
  if (diag.size() != errors)
    return std::nullopt;

  uint32_t bits = nf.decay_bits();
  proto.set_du(decrementFor(f.decaySyn, bits, nf.current_decay_offset(), "du",
                            "current", p, notes));
  proto.set_dv(decrementFor(f.decayMem, bits, 0, "dv", "voltage", p, notes));
  return r;
}

proto::Rounding rounding(target::proto::Rounding r) {
  switch (r) {
  case target::proto::NEAREST_EVEN:
    return proto::NEAREST_EVEN;
  case target::proto::TOWARD_ZERO:
    return proto::TOWARD_ZERO;
  case target::proto::FLOOR:
    return proto::FLOOR;
  default:
    return proto::ROUNDING_UNSPECIFIED;
  }
}

proto::Overflow overflow(target::proto::Overflow o) {
  switch (o) {
  case target::proto::WRAP:
    return proto::WRAP;
  case target::proto::SATURATE:
    return proto::SATURATE;
  default:
    return proto::OVERFLOW_UNSPECIFIED;
  }
}

} // namespace

proto::ChipFormat chipFormat(const target::TargetDescription &desc) {
  const auto &nf = desc.data().neurons();
  const auto &wf = desc.data().weights();
  proto::ChipFormat f;
  f.set_state_bits(nf.state_bits());
  f.set_current_overflow(overflow(nf.current_overflow()));
  f.set_voltage_overflow(overflow(nf.voltage_overflow()));
  f.set_decay_bits(nf.decay_bits());
  f.set_decay_rounding(rounding(nf.decay_rounding()));
  f.set_current_decay_offset(nf.current_decay_offset());
  f.set_threshold_bits(nf.threshold_bits());
  f.set_threshold_shift(nf.threshold_shift());
  f.set_bias_bits(nf.bias_bits());
  f.set_max_bias_exponent(nf.max_bias_exponent());
  f.set_weight_bits(wf.bits() + 1); // the description excludes the sign
  f.set_weight_exponent_offset(wf.exponent_offset());
  f.set_min_weight_exponent(wf.min_exponent());
  f.set_max_weight_exponent(wf.max_exponent());
  f.set_input_bits(nf.input_bits());
  f.set_input_overflow(overflow(nf.input_overflow()));
  f.set_delay_bits(desc.data().delays().delay_bits());
  f.set_max_delay(maxDelayField(desc));
  f.set_max_refractory_steps(nf.max_refractory_steps());
  return f;
}

llvm::Error buildCoreTables(const EmissionContext &ctx,
                            proto::LoihiConfig &config) {
  const ir::Graph &g = ctx.graph;
  const auto &res = ctx.desc.data().resources();
  DiagnosticList diag;
  std::vector<std::string> notes;
  std::vector<std::optional<RealisedNeuron>> realised;
  for (const ir::Population &p : g.populations)
    realised.push_back(realiseNeuron(p, ctx.desc, diag, notes));
  if (!diag.empty())
    return diag.takeError("");

  // (slot, population, neuron) of every compartment, per core.
  using Seat = std::tuple<uint32_t, uint32_t, uint32_t>;
  std::vector<std::vector<Seat>> seats(ctx.coreIds.size());
  for (size_t pi = 0; pi < g.populations.size(); ++pi) {
    const ir::Population &p = g.populations[pi];
    for (uint32_t i = 0; i < p.size; ++i)
      seats[ctx.coreOf[pi][i]].emplace_back(p.placement.slot[i],
                                            static_cast<uint32_t>(pi), i);
  }

  for (size_t c = 0; c < seats.size(); ++c) {
    std::vector<Seat> &coreSeats = seats[c];
    llvm::sort(coreSeats);
    proto::Core &core = *config.add_cores();
    core.set_chip(static_cast<uint32_t>(ctx.coreIds[c] / res.cores_per_chip()));
    core.set_core(static_cast<uint32_t>(ctx.coreIds[c] % res.cores_per_chip()));
    for (auto [slot, pi, neuron] : coreSeats) {
      const RealisedNeuron &r = *realised[pi];
      auto key = prototypeKey(r.prototype);
      auto found = llvm::find_if(core.prototypes(), [&](const auto &q) {
        return prototypeKey(q) == key;
      });
      uint32_t index = static_cast<uint32_t>(found - core.prototypes().begin());
      if (found == core.prototypes().end())
        *core.add_prototypes() = r.prototype;
      proto::Compartment &comp = *core.add_compartments();
      comp.set_slot(slot);
      comp.set_prototype(index);
      comp.set_reset(r.reset);
      comp.set_population(g.populations[pi].name);
      comp.set_neuron(neuron);
    }
    if (core.prototypes_size() > int(kMaxPrototypesPerCore))
      diag.report(fmt::format("chip {} core {}", core.chip(), core.core()),
                  "needs {} compartment prototypes (distinct decays, "
                  "thresholds, biases, refractory periods) but a core holds "
                  "{}",
                  core.prototypes_size(), kMaxPrototypesPerCore);
  }
  for (std::string &n : notes)
    config.add_notes(std::move(n));
  return diag.takeError("");
}

} // namespace axon::backends::loihi
