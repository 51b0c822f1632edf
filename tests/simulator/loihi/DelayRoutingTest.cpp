//===- DelayRoutingTest.cpp - Ticks, delays, relays and axon maps ---------===//
//
// Runs hand-built configurations through the Device interface, so that the
// grid convention of simulator/Trial.h is checked together with the chip's
// tick convention (LoihiConfig.proto): an input at grid s reaches the
// input at tick s + f, a spike sent in tick t reaches it at tick t + 1 + f,
// a crossing in tick t is a spike at grid t + 1, and the readout at grid n
// is v after tick n - 1.
//===----------------------------------------------------------------------===//
#include "LoihiTestConfigs.h"

#include "simulator/loihi/LoihiEmulator.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;
using sim::PopulationSpikes;
using sim::SpikeEvent;

namespace {

/// Readout "out" of the given compartments of core (0, 0).
void addReadout(lproto::LoihiConfig &c, std::vector<uint32_t> slots,
                lproto::Decoding decoding) {
  lproto::Readout &r = *c.add_output_map();
  r.set_population("out");
  r.set_decoding(decoding);
  r.set_state_scale(0.5);
  for (uint32_t s : slots) {
    lproto::CompartmentRef &ref = *r.add_compartments();
    ref.set_chip(0);
    ref.set_core(0);
    ref.set_compartment(s);
  }
}

sim::TrialResult runConfig(const lproto::LoihiConfig &c,
                           const sim::TrialInput &input) {
  std::unique_ptr<sim::Device> device = sim::loihi::createLoihiEmulator();
  REQUIRE(errorText(device->load(
              backends::loihi::frameLoihiConfig(c), "hand.axoncfg")) == "");
  llvm::Expected<sim::TrialResult> r = device->run(input);
  REQUIRE(errorText(r) == "");
  return std::move(*r);
}

} // namespace

TEST_CASE("loihi emulator delivers host input at grid s to tick s + f",
          "[loihi-emulator]") {
  // One leak-free readout (du 4095: u lasts one tick; dv 0: v keeps all).
  // Channel 0: weight 1 (64), delay 0; channel 1: weight 2 (128), delay 5.
  // Spikes at grid 0 on channel 0 and grid 2 on channel 1:
  //   channel 0 reaches the input at tick 0: v = 64 from grid 1 on
  //   channel 1 reaches it at tick 2 + 5 = 7: v = 192 from grid 8 on.
  lproto::LoihiConfig c = emptyConfig(2);
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0, prototype(lproto::NON_SPIKING, 4095, 0, 0), "out",
                 0);
  uint32_t cfg = addSynapseConfig(core, 0);
  addSynapse(core, addAxon(core), 0, 1, 0, cfg);
  addSynapse(core, addAxon(core), 0, 2, 5, cfg);
  mapChannel(c, 0, {axonTarget(0, 0, 0)});
  mapChannel(c, 1, {axonTarget(0, 0, 1)});
  addReadout(c, {0}, lproto::MAX_VOLTAGE);

  sim::TrialResult r = runConfig(c, {10, {{0, 0, 0}, {2, 0, 1}}});
  CHECK(r.readout.population == "out");
  CHECK(r.readout.decoding == sim::Decoding::MaxVoltage);
  CHECK(r.readout.stateScale == 0.5);
  CHECK(r.readout.voltage ==
        std::vector<double>{0, 64, 64, 64, 64, 64, 64, 64, 192, 192, 192});
  CHECK(r.populations.empty()); // a non-spiking readout reports no spikes
}

TEST_CASE("loihi emulator realises a delay across a relay stage",
          "[loihi-emulator]") {
  // src (threshold 64) gets 128 from the host at grid 0 and crosses in
  // tick 0 (grid 1). src -> relay has f = 3: it reaches the relay at tick
  // 0 + 1 + 3 = 4, where the relay (du, dv 4095, vth 0) sees u = v = 64 > 0
  // and fires (grid 5). relay -> out has f = 2: it reaches out at tick
  // 4 + 1 + 2 = 7, adding 10 << 6 = 640 to a leak-free v: the readout is
  // 640 from grid 8. In IR terms: spike at grid 1, D = 3 to the relay,
  // which fires one step after its arrival, then D = 2: 1 + 3 + 1 + 2 = 7.
  // The relay forgets everything each tick, so it fires exactly once.
  lproto::LoihiConfig c = emptyConfig(1);
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0, prototype(lproto::SPIKING, 4095, 4095, 1), "src",
                 0);
  addCompartment(core, 1, prototype(lproto::RELAY, 4095, 4095, 0),
                 "src.relay1", 0);
  addCompartment(core, 2, prototype(lproto::NON_SPIKING, 4095, 0, 0), "out",
                 0);
  uint32_t cfg = addSynapseConfig(core, 0);
  uint32_t fromHost = addAxon(core), fromSrc = addAxon(core),
           fromRelay = addAxon(core);
  addSynapse(core, fromHost, 0, 2, 0, cfg);
  addSynapse(core, fromSrc, 1, 1, 3, cfg);
  addSynapse(core, fromRelay, 2, 10, 2, cfg);
  mapChannel(c, 0, {axonTarget(0, 0, fromHost)});
  mapOutput(core, 0, {axonTarget(0, 0, fromSrc)});
  mapOutput(core, 1, {axonTarget(0, 0, fromRelay)});
  addReadout(c, {2}, lproto::MEAN_VOLTAGE);

  sim::TrialResult r = runConfig(c, {12, {{0, 0, 0}}});
  CHECK(r.populations ==
        std::vector<PopulationSpikes>{{"src", 1, {{1, 0}}},
                                      {"src.relay1", 1, {{5, 0}}}});
  std::vector<double> expected(13, 0.0);
  for (size_t n = 8; n < expected.size(); ++n)
    expected[n] = 640;
  CHECK(r.readout.voltage == expected);
}

TEST_CASE("loihi emulator routes spikes through output axon maps across "
          "cores and chips and charges each core",
          "[loihi-emulator]") {
  // Cores (0, 0) src; (0, 3) b0, b1; (1, 0) c0 at slot 5. All spiking with
  // du = dv = 4095 (nothing lasts a tick) and threshold 64.
  // src gets 128 from the host at grid 0, crosses in tick 0 (grid 1) and
  // sends to (0, 3) axon 1 and (1, 0) axon 0:
  //   (0, 3) axon 1: b1 weight 2, f 0 -> 128 at tick 1: spike (grid 2);
  //                  b0 weight 1, f 1 -> 64 at tick 2: not > 64.
  //   (1, 0) axon 0: c0 weight 2, f 4 -> tick 5: spike (grid 6).
  lproto::LoihiConfig c = emptyConfig(2);
  auto &cost = *c.mutable_costs();
  cost.set_cycles_per_step_budget(10);
  cost.set_cycles_per_neuron_update(2);
  cost.set_cycles_per_synaptic_event(1);
  cost.set_cycles_per_spike_sent(4);
  cost.set_cycles_per_packet_received(2);
  cost.set_cycles_per_row_fetch(2);
  cost.set_picojoule_per_synaptic_op(1.5);
  cost.set_picojoule_per_neuron_update(0.5);
  cost.set_picojoule_per_spike_sent(2);
  auto spiking = prototype(lproto::SPIKING, 4095, 4095, 1);

  lproto::Core &a = addCore(c, 0, 0);
  addCompartment(a, 0, spiking, "src", 0);
  uint32_t ca = addSynapseConfig(a, 0);
  addSynapse(a, addAxon(a), 0, 2, 0, ca);
  mapChannel(c, 0, {axonTarget(0, 0, 0)});
  mapOutput(a, 0, {axonTarget(0, 3, 1), axonTarget(1, 0, 0)});

  lproto::Core &b = addCore(c, 0, 3);
  addCompartment(b, 0, spiking, "b", 0);
  addCompartment(b, 1, spiking, "b", 1);
  uint32_t cb = addSynapseConfig(b, 0);
  addSynapse(b, addAxon(b), 0, 2, 0, cb); // from host channel 1, unused
  uint32_t bAxon = addAxon(b);
  addSynapse(b, bAxon, 1, 2, 0, cb);
  addSynapse(b, bAxon, 0, 1, 1, cb);
  mapChannel(c, 1, {axonTarget(0, 3, 0)});

  lproto::Core &k = addCore(c, 1, 0);
  addCompartment(k, 5, spiking, "c", 0);
  uint32_t ck = addSynapseConfig(k, 0);
  addSynapse(k, addAxon(k), 5, 2, 4, ck);

  sim::TrialResult r = runConfig(c, {8, {{0, 0, 0}}});
  CHECK(r.populations ==
        std::vector<PopulationSpikes>{{"src", 1, {{1, 0}}},
                                      {"b", 2, {{2, 1}}},
                                      {"c", 1, {{6, 0}}}});

  // Per core over 8 ticks (update 2, event 1, spike 4, packet 2 + fetch 2):
  //  (0, 0): 1 compartment: 8 updates; tick 0: host packet, 1 event, 1
  //          spike: 2 + 1 + 4 + 4 = 11 > 10 (overrun); total 16 + 9 = 25;
  //          energy 1.5 + 4 + 2 = 7.5 pJ
  //  (0, 3): 2 compartments: 16 updates; tick 1: 1 packet, 2 events, b1's
  //          spike: 4 + 2 + 4 + 4 = 14 (overrun); total 32 + 10 = 42;
  //          energy 3 + 8 + 2 = 13 pJ
  //  (1, 0): 8 updates; tick 1: 1 packet, 1 event: 2 + 1 + 4 = 7; tick 5:
  //          a spike: 2 + 4 = 6; total 16 + 9 = 25; energy 1.5 + 4 + 2
  const std::vector<sim::CoreCounters> &cores = r.counters.cores;
  REQUIRE(cores.size() == 3);
  auto expectCore = [](const sim::CoreCounters &k, uint32_t chip,
                       uint32_t core, uint64_t cycles, uint64_t maxStep,
                       uint32_t overruns, uint64_t updates, uint64_t events,
                       uint64_t spikes, uint64_t packets, double energy) {
    CHECK(k.chip == chip);
    CHECK(k.core == core);
    CHECK(k.cycles == cycles);
    CHECK(k.maxStepCycles == maxStep);
    CHECK(k.overruns == overruns);
    CHECK(k.neuronUpdates == updates);
    CHECK(k.synapticEvents == events);
    CHECK(k.spikesSent == spikes);
    CHECK(k.packetsReceived == packets);
    CHECK(k.rowFetches == packets);
    CHECK(k.overflows == 0);
    CHECK(k.energyPicojoule == Approx(energy));
  };
  expectCore(cores[0], 0, 0, 25, 11, 1, 8, 1, 1, 1, 7.5);
  expectCore(cores[1], 0, 3, 42, 14, 1, 16, 2, 1, 1, 13.0);
  expectCore(cores[2], 1, 0, 25, 7, 0, 8, 1, 1, 1, 7.5);
  CHECK(r.counters.steps == 8);
  CHECK(r.counters.neuronUpdates == 32);
  CHECK(r.counters.synapticEvents == 4);
  CHECK(r.counters.spikes == 3);
  CHECK(r.counters.overruns == 2);
  CHECK(r.counters.maxStepCycles == 14);
  CHECK(r.counters.energyPicojoule == Approx(28.0));
}
