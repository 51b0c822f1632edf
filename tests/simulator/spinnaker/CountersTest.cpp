//===- CountersTest.cpp - Cycles, overruns and energy from the cost table -===//
//
// The shipped cost table (spinnaker.pbtxt, carried in the configuration):
// 40 cycles per neuron update, 12 per synaptic event, 20 per spike sent,
// 30 per packet received, 120 per row fetch; 10 pJ per synaptic event,
// 100 per neuron update, 2 per spike sent; budget 200000 cycles per tick.
//===----------------------------------------------------------------------===//
#include "EmulatorTestConfigs.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;

namespace {

constexpr uint32_t kMask = 0xFFFFFF00;

/// in -> a (core 0, 2 neurons) -> b (core 1, 1 neuron); a0 fires when its
/// input arrives and drives b with an excitatory and an inhibitory synapse.
ConfigBuilder twoCores() {
  ConfigBuilder b;
  SliceConstants fire;
  fire.model = scfg::LIF;
  fire.threshold = 100;
  scfg::Core &a = b.core(0, 0, 2);
  b.slice(a, "a", 0, 2, 0, 0x100, fire);
  // Channel 0's row: 3 synapses into a (slots 0, 1, 0).
  b.rows(a, 0x10000, kMask, "in", 0,
         {{{100, 1, 0, 0}, {10, 1, 0, 1}, {5, 2, 0, 0}}});
  scfg::Core &c = b.core(0, 1, 1);
  SliceConstants hold = fire;
  hold.threshold = 1000000;
  b.slice(c, "b", 0, 1, 0, 0x200, hold);
  // a0's row has 2 synapses, a1's is empty.
  b.rows(c, 0x100, kMask, "a", 0, {{{7, 1, 0, 0}, {8, 1, 1, 0}}, {}});
  b.route(0, 0x10000, kMask, {0}, {});
  b.route(0, 0x100, kMask, {1}, {});
  b.input("in", 0x10000, 1);
  return b;
}

} // namespace

TEST_CASE("cycles per core and tick follow the cost table",
          "[spinnaker][counters]") {
  ConfigBuilder b = twoCores();
  auto emu = loadEmulator(b);
  sim::TrialResult r = runTrial(*emu, 6, {{0, 0, 0}});
  // Core 0 (2 neurons): tick 0 handles the host packet: 2 x 40 + 30 + 120
  // + 3 x 12 = 266. Tick 1: a0 crosses (u = 100), a1 gets 10: 2 x 40 +
  // 20 = 100. Ticks 2..5: 80 each (a0 is not refractory; the weight 5 of
  // tick 2 stays below threshold). Total 266 + 100 + 4 x 80 = 686.
  const sim::CoreCounters &a = r.counters.cores[0];
  CHECK(a.neuronUpdates == 12);
  CHECK(a.packetsReceived == 1);
  CHECK(a.rowFetches == 1);
  CHECK(a.synapticEvents == 3);
  CHECK(a.spikesSent == 1);
  CHECK(a.cycles == 686);
  CHECK(a.maxStepCycles == 266);
  CHECK(a.overruns == 0);
  // Energy: 3 x 10 + 12 x 100 + 1 x 2 = 1232 pJ.
  CHECK(a.energyPicojoule == 1232.0);
  // Core 1 (1 neuron): a0's packet in tick 2: 40 + 30 + 120 + 2 x 12 =
  // 214; the other five ticks 40. Total 414.
  const sim::CoreCounters &c = r.counters.cores[1];
  CHECK(c.packetsReceived == 1);
  CHECK(c.rowFetches == 1);
  CHECK(c.synapticEvents == 2);
  CHECK(c.spikesSent == 0);
  CHECK(c.cycles == 414);
  CHECK(c.maxStepCycles == 214);
  CHECK(c.energyPicojoule == 2 * 10 + 6 * 100);
  // Totals over the device.
  CHECK(r.counters.steps == 6);
  CHECK(r.counters.neuronUpdates == 18);
  CHECK(r.counters.synapticEvents == 5);
  CHECK(r.counters.spikes == 1);
  CHECK(r.counters.maxStepCycles == 266);
  CHECK(r.counters.energyPicojoule == 1232.0 + 620.0);
  CHECK(r.counters.overruns == 0);
}

TEST_CASE("a tick whose cycles exceed the budget is an overrun",
          "[spinnaker][counters]") {
  ConfigBuilder b = twoCores();
  // Core 0's ticks cost 266, 100, 80, ...; core 1's 40, 40, 214, 40, ...
  b.c.mutable_costs()->set_cycles_per_step_budget(99);
  sim::TrialResult r = runTrial(*loadEmulator(b), 6, {{0, 0, 0}});
  CHECK(r.counters.cores[0].overruns == 2);
  CHECK(r.counters.cores[1].overruns == 1);
  CHECK(r.counters.overruns == 3);
  // No budget: never an overrun.
  b.c.mutable_costs()->set_cycles_per_step_budget(0);
  r = runTrial(*loadEmulator(b), 6, {{0, 0, 0}});
  CHECK(r.counters.overruns == 0);
}

TEST_CASE("every trial starts from reset", "[spinnaker][counters]") {
  auto emu = loadEmulator(twoCores());
  sim::TrialResult first = runTrial(*emu, 6, {{0, 0, 0}});
  sim::TrialResult second = runTrial(*emu, 6, {{0, 0, 0}});
  CHECK(first == second);
  sim::TrialResult quiet = runTrial(*emu, 6, {});
  CHECK(quiet.counters.synapticEvents == 0);
  CHECK(quiet.populations[0].spikes.empty());
}
