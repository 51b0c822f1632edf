//===- LoihiTestConfigs.h - Hand-built Loihi-like configurations -*- C++ -*-===//
//
// Small configurations for the emulator tests, built field by field so that
// every integer of an expected trace can be derived by hand from them, and
// a runner that steps the chip directly to read u and v after each tick.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/loihi/Chip.h"
#include "simulator/loihi/ChipImage.h"

#include "backends/loihi/LoihiConfigIO.h"

#include "llvm/Support/Error.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace axon::test {

namespace lproto = ::axon::loihi::proto;

/// The Loihi 1 format of backends/targets/loihi.pbtxt: 24-bit u (wrap) and
/// v (saturate), 12-bit decays rounded toward zero with current offset 1,
/// threshold << 6, weights * 2^(6 + wexp), 22-bit input sum (wrap),
/// delays 0..62.
inline lproto::ChipFormat loihiFormat() {
  lproto::ChipFormat f;
  f.set_state_bits(24);
  f.set_current_overflow(lproto::WRAP);
  f.set_voltage_overflow(lproto::SATURATE);
  f.set_decay_bits(12);
  f.set_decay_rounding(lproto::TOWARD_ZERO);
  f.set_current_decay_offset(1);
  f.set_threshold_bits(17);
  f.set_threshold_shift(6);
  f.set_bias_bits(13);
  f.set_max_bias_exponent(7);
  f.set_weight_bits(8);
  f.set_weight_exponent_offset(6);
  f.set_min_weight_exponent(-8);
  f.set_max_weight_exponent(7);
  f.set_input_bits(22);
  f.set_input_overflow(lproto::WRAP);
  f.set_delay_bits(6);
  f.set_max_delay(62);
  f.set_max_refractory_steps(63);
  return f;
}

inline lproto::CompartmentPrototype prototype(lproto::CompartmentKind kind,
                                              uint32_t du, uint32_t dv,
                                              uint32_t vthMant,
                                              int32_t biasMant = 0,
                                              uint32_t biasExp = 0,
                                              uint32_t refractory = 0) {
  lproto::CompartmentPrototype p;
  p.set_kind(kind);
  p.set_du(du);
  p.set_dv(dv);
  p.set_vth_mant(vthMant);
  p.set_bias_mant(biasMant);
  p.set_bias_exp(biasExp);
  p.set_refractory_steps(refractory);
  return p;
}

/// A configuration with one input population "in" of `channels` channels
/// and no cores yet.
inline lproto::LoihiConfig emptyConfig(uint32_t channels,
                                       lproto::ChipFormat format =
                                           loihiFormat()) {
  lproto::LoihiConfig c;
  c.set_version(1);
  c.set_name("hand");
  c.set_dt_ms(1.0);
  c.set_target_name("loihi");
  *c.mutable_format() = format;
  lproto::InputSource &in = *c.add_inputs();
  in.set_name("in");
  in.set_size(channels);
  return c;
}

inline lproto::Core &addCore(lproto::LoihiConfig &c, uint32_t chip,
                             uint32_t core) {
  lproto::Core &k = *c.add_cores();
  k.set_chip(chip);
  k.set_core(core);
  return k;
}

/// Adds a compartment with its own prototype `p`; the caller gives slots
/// in ascending order.
inline void addCompartment(lproto::Core &core, uint32_t slot,
                           const lproto::CompartmentPrototype &p,
                           const std::string &population, uint32_t neuron,
                           int64_t reset = 0) {
  core.add_prototypes()->CopyFrom(p);
  lproto::Compartment &k = *core.add_compartments();
  k.set_slot(slot);
  k.set_prototype(uint32_t(core.prototypes_size() - 1));
  k.set_reset(reset);
  k.set_population(population);
  k.set_neuron(neuron);
}

inline uint32_t addSynapseConfig(lproto::Core &core, int32_t wexp) {
  lproto::SynapseConfig &s = *core.add_synapse_configs();
  s.set_weight_exponent(wexp);
  s.set_weight_bits(8);
  return uint32_t(core.synapse_configs_size() - 1);
}

/// Adds an input axon; returns its id.
inline uint32_t addAxon(lproto::Core &core) {
  core.add_input_axons();
  return uint32_t(core.input_axons_size() - 1);
}

inline void addSynapse(lproto::Core &core, uint32_t axon, uint32_t slot,
                       int32_t weight, uint32_t delay, uint32_t config) {
  lproto::Synapse &s = *core.mutable_input_axons(int(axon))->add_synapses();
  s.set_compartment(slot);
  s.set_weight(weight);
  s.set_delay(delay);
  s.set_config(config);
}

inline lproto::AxonTarget axonTarget(uint32_t chip, uint32_t core,
                                     uint32_t axon) {
  lproto::AxonTarget t;
  t.set_chip(chip);
  t.set_core(core);
  t.set_axon(axon);
  return t;
}

/// Host channel `channel` of "in" feeds the given axons.
inline void mapChannel(lproto::LoihiConfig &c, uint32_t channel,
                       std::vector<lproto::AxonTarget> targets) {
  lproto::InputChannel &m = *c.add_input_map();
  m.set_input("in");
  m.set_channel(channel);
  for (const lproto::AxonTarget &t : targets)
    *m.add_targets() = t;
}

/// Compartment `slot` of `core` sends to the given axons.
inline void mapOutput(lproto::Core &core, uint32_t slot,
                      std::vector<lproto::AxonTarget> targets) {
  lproto::OutputAxonMap &m = *core.add_output_axons();
  m.set_compartment(slot);
  for (const lproto::AxonTarget &t : targets)
    *m.add_targets() = t;
}

/// u, v and whether it spiked, of one compartment after one tick.
struct TickState {
  int64_t u = 0, v = 0;
  bool spiked = false;
  bool operator==(const TickState &) const = default;
};

inline std::ostream &operator<<(std::ostream &os, const TickState &s) {
  return os << "{u " << s.u << ", v " << s.v << (s.spiked ? ", spike}" : "}");
}

/// Runs `ticks` ticks of `image` from reset; `inputs[t]` are the host
/// channels whose spikes are at grid point t (queued before tick t).
/// Returns, per tick, the state of compartment `global`.
inline std::vector<TickState>
traceCompartment(const sim::loihi::ChipImage &image, uint32_t global,
                 uint32_t ticks,
                 const std::map<uint32_t, std::vector<uint32_t>> &inputs) {
  sim::loihi::Chip chip(image);
  std::vector<TickState> trace;
  for (uint32_t t = 0; t < ticks; ++t) {
    if (auto it = inputs.find(t); it != inputs.end())
      for (uint32_t h : it->second)
        chip.injectHostSpike(h);
    chip.tick();
    bool spiked = false;
    for (uint32_t k : chip.lastSpikes())
      spiked |= k == global;
    trace.push_back({chip.current(global), chip.voltage(global), spiked});
  }
  return trace;
}

} // namespace axon::test
