//===- EmulatorTestConfigs.h - Hand-built configurations ---*- C++ -*-===//
//
// A small builder for SpiNNakerConfig messages in the classic formats
// (word layout 16 | 4 | 1 | 8, s16.15 state, u0.32 decays, 16 delay slots,
// 16-bit ring entries, keys with 8 index bits) and the shipped cost
// table, so that each test spells out only the neurons, rows and routes
// its hand-worked trace needs.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/spinnaker/SpiNNakerConfigIO.h"
#include "backends/spinnaker/SynapseWord.h"
#include "simulator/spinnaker/SpiNNakerEmulator.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace axon::test {

namespace scfg = axon::spinnaker::proto;
using axon::spinnaker::SynapseWord;

/// The fixed constants of a neuron slice in raw chip units.
struct SliceConstants {
  scfg::NeuronModel model = scfg::CUBA_LIF;
  int32_t threshold = 0x7FFFFFFF;
  int32_t reset = 0;
  int32_t bias = 0;
  uint32_t decayMem = 0;
  uint32_t decaySyn = 0;
  uint32_t refractory = 0;
  uint32_t shiftExc = 0, shiftInh = 0;
};

class ConfigBuilder {
public:
  ConfigBuilder() {
    c.set_version(axon::spinnaker::kSpiNNakerConfigVersion);
    c.set_graph_name("hand");
    c.set_target_name("spinnaker");
    c.set_dt_ms(1.0);
    auto *w = c.mutable_word_layout();
    w->set_weight_bits(16);
    w->set_delay_bits(4);
    w->set_type_bits(1);
    w->set_index_bits(8);
    auto *a = c.mutable_arithmetic();
    a->set_state_bits(32);
    a->set_state_frac_bits(15);
    a->set_decay_bits(32);
    a->set_threshold_compare(scfg::GREATER_EQUAL);
    a->set_synapse_types(2);
    a->set_ring_slots(16);
    a->set_ring_entry_bits(16);
    c.set_cores_per_chip(16);
    c.set_key_index_bits(8);
    auto *k = c.mutable_costs();
    k->set_cycles_per_step_budget(200000);
    k->set_cycles_per_neuron_update(40);
    k->set_cycles_per_synaptic_event(12);
    k->set_cycles_per_spike_sent(20);
    k->set_cycles_per_packet_received(30);
    k->set_cycles_per_row_fetch(120);
    k->set_picojoule_per_synaptic_op(10);
    k->set_picojoule_per_neuron_update(100);
    k->set_picojoule_per_spike_sent(2);
    k->set_clock_mhz(200);
  }

  scfg::Chip &chip(uint32_t id) {
    for (scfg::Chip &h : *c.mutable_chips())
      if (h.chip() == id)
        return h;
    scfg::Chip *h = c.add_chips();
    h->set_chip(id);
    return *h;
  }

  scfg::Core &core(uint32_t chipId, uint32_t coreId, uint32_t slots) {
    scfg::Chip &h = chip(chipId);
    for (scfg::Core &k : *h.mutable_cores())
      if (k.core() == coreId)
        return k;
    scfg::Core *k = h.add_cores();
    k->set_core(coreId);
    k->set_slots(slots);
    return *k;
  }

  /// Neurons first..first+count-1 of `population` on slots from `slot`.
  void slice(scfg::Core &core, const std::string &population,
             uint32_t firstNeuron, uint32_t count, uint32_t slot,
             uint32_t keyBase, const SliceConstants &k) {
    scfg::NeuronSlice *s = core.add_slices();
    s->set_population(population);
    s->set_first_neuron(firstNeuron);
    s->set_count(count);
    s->set_first_slot(slot);
    s->set_key_base(keyBase);
    s->set_model(k.model);
    s->set_relay(k.model == scfg::RELAY);
    if (k.model == scfg::RELAY) {
      s->add_ring_shift(0);
      s->add_ring_shift(0);
      return;
    }
    s->set_threshold(k.threshold);
    s->set_reset(k.reset);
    s->set_bias(k.bias);
    s->set_decay_mem(k.decayMem);
    s->set_decay_syn(k.decaySyn);
    s->set_refractory_ticks(k.refractory);
    s->add_ring_shift(k.shiftExc);
    s->add_ring_shift(k.shiftInh);
  }

  /// A master population entry for key/mask with one row per index from
  /// `firstIndex`, padded to the longest row.
  void rows(scfg::Core &core, uint32_t key, uint32_t mask,
            const std::string &source, uint32_t firstIndex,
            const std::vector<std::vector<SynapseWord>> &rows) {
    size_t length = 0;
    for (const auto &r : rows)
      length = std::max(length, r.size());
    scfg::MasterPopulationEntry *e = core.add_master_population_table();
    e->set_key(key);
    e->set_mask(mask);
    e->set_address(core.synaptic_matrix_size());
    e->set_row_length(static_cast<uint32_t>(length));
    e->set_first_index(firstIndex);
    e->set_row_count(static_cast<uint32_t>(rows.size()));
    e->set_source(source);
    axon::spinnaker::SynapseWordLayout layout;
    for (const auto &r : rows) {
      core.add_synaptic_matrix(0);
      core.add_synaptic_matrix(static_cast<uint32_t>(r.size()));
      core.add_synaptic_matrix(0);
      for (const SynapseWord &w : r)
        core.add_synaptic_matrix(axon::spinnaker::packSynapseWord(layout, w));
      for (size_t pad = r.size(); pad < length; ++pad)
        core.add_synaptic_matrix(0);
    }
  }

  void route(uint32_t chipId, uint32_t key, uint32_t mask,
             std::initializer_list<uint32_t> cores,
             std::initializer_list<uint32_t> chips) {
    scfg::RouterEntry *e = chip(chipId).add_router();
    e->set_key(key);
    e->set_mask(mask);
    uint64_t coreSet = 0, chipSet = 0;
    for (uint32_t k : cores)
      coreSet |= uint64_t(1) << k;
    for (uint32_t h : chips)
      chipSet |= uint64_t(1) << h;
    e->set_cores(coreSet);
    e->set_chips(chipSet);
  }

  void input(const std::string &name, uint32_t keyBase, uint32_t size,
             uint32_t injectChip = 0) {
    scfg::InputMap *m = c.add_inputs();
    m->set_input(name);
    m->set_size(size);
    m->set_inject_chip(injectChip);
    for (uint32_t i = 0; i < size; ++i)
      m->add_keys(keyBase | i);
  }

  /// A readout of `population` whose neuron i sits at slots[i] of one core.
  void output(const std::string &population, scfg::Decoding decoding,
              uint32_t chipId, uint32_t coreId,
              std::initializer_list<uint32_t> slots, double stateScale) {
    scfg::OutputMap *m = c.add_outputs();
    m->set_population(population);
    m->set_decoding(decoding);
    m->set_state_scale(stateScale);
    for (uint32_t s : slots) {
      m->add_chip(chipId);
      m->add_core(coreId);
      m->add_slot(s);
      m->add_keys(s);
    }
  }

  std::string bytes() const {
    return axon::spinnaker::serialiseSpiNNakerConfig(c);
  }

  scfg::SpiNNakerConfig c;
};

/// A loaded emulator; fails the test when the configuration is rejected.
inline std::unique_ptr<sim::Device> loadEmulator(const ConfigBuilder &b) {
  std::unique_ptr<sim::Device> d = sim::spinnaker::createSpiNNakerEmulator();
  REQUIRE(errorText(d->load(b.bytes(), "hand.axoncfg")) == "");
  return d;
}

/// Runs `numSteps` ticks with `events` ({step, input, channel}).
inline sim::TrialResult runTrial(sim::Device &d, uint32_t numSteps,
                                 std::vector<sim::InputEvent> events,
                                 bool voltages = true) {
  sim::TrialInput in;
  in.numSteps = numSteps;
  in.events = std::move(events);
  sim::RunOptions o;
  o.recordReadoutVoltage = voltages;
  llvm::Expected<sim::TrialResult> r = d.run(in, o);
  REQUIRE(errorText(r) == "");
  return std::move(*r);
}

/// Column `neuron` of the readout trace, grid points 0..numSteps.
inline std::vector<double> voltageOf(const sim::TrialResult &r,
                                     uint32_t neuron = 0) {
  std::vector<double> out;
  for (size_t n = 0; n * r.readout.size < r.readout.voltage.size(); ++n)
    out.push_back(r.readout.voltage[n * r.readout.size + neuron]);
  return out;
}

/// Grid points of `population`'s spikes of `neuron`.
inline std::vector<uint32_t> spikeSteps(const sim::TrialResult &r,
                                        const std::string &population,
                                        uint32_t neuron = 0) {
  std::vector<uint32_t> out;
  for (const sim::PopulationSpikes &p : r.populations)
    if (p.population == population)
      for (const sim::SpikeEvent &s : p.spikes)
        if (s.neuron == neuron)
          out.push_back(s.step);
  return out;
}

} // namespace axon::test
