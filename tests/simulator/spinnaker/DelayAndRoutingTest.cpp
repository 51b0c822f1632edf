//===- DelayAndRoutingTest.cpp - Ring slots, relays and multicast routes --===//
//
// Spike timing by hand from SpiNNakerConfig.proto's conventions:
//   host spike at grid s  -> handled in tick s, written to slot s + L,
//                            read (and integrated) in tick s + L;
//   crossing in tick n    -> spike at grid n + 1, packet handled in tick
//                            n + 1, written to slot n + 1 + L;
//   relay                 -> fires in the tick its slot had a packet.
// Every target here is a delta LIF whose threshold one arriving weight
// reaches, so it crosses in the tick its input is read.
//===----------------------------------------------------------------------===//
#include "EmulatorTestConfigs.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;

namespace {

constexpr uint32_t kMask = 0xFFFFFF00;

SliceConstants fireOnArrival() {
  SliceConstants k;
  k.model = scfg::LIF;
  k.threshold = 100;
  return k;
}

} // namespace

TEST_CASE("the delay field stores L mod 16: L = 1, 5 and 16 read in ticks "
          "s + 1, s + 5 and s + 16",
          "[spinnaker][delay]") {
  ConfigBuilder b;
  scfg::Core &core = b.core(0, 0, 3);
  b.slice(core, "n", 0, 3, 0, 0x100, fireOnArrival());
  // One input channel, one row: slot 0 L = 1, slot 1 L = 16 (field 0),
  // slot 2 L = 5.
  b.rows(core, 0x10000, kMask, "in", 0,
         {{{100, 1, 0, 0}, {100, 16 % 16, 0, 1}, {100, 5, 0, 2}}});
  b.route(0, 0x10000, kMask, {0}, {});
  b.input("in", 0x10000, 1);
  auto emu = loadEmulator(b);
  sim::TrialResult r = runTrial(*emu, 25, {{0, 0, 0}, {3, 0, 0}});
  // Grid 0: ticks 1, 16, 5 -> spikes at grids 2, 17, 6.
  // Grid 3: ticks 4, 19, 8 -> spikes at grids 5, 20, 9. The L = 16 packet
  // of grid 3 is written into slot 19 mod 16 = 3 after tick 3 drained it,
  // so nothing fires in tick 3.
  CHECK(spikeSteps(r, "n", 0) == std::vector<uint32_t>{2, 5});
  CHECK(spikeSteps(r, "n", 1) == std::vector<uint32_t>{17, 20});
  CHECK(spikeSteps(r, "n", 2) == std::vector<uint32_t>{6, 9});
  // One population, its spikes sorted by (grid, neuron).
  REQUIRE(r.populations.size() == 1);
  std::vector<sim::SpikeEvent> expected = {{2, 0}, {5, 0},  {6, 2},
                                           {9, 2}, {17, 1}, {20, 1}};
  CHECK(r.populations[0].spikes == expected);
}

TEST_CASE("a delay of 20 steps through a delay-extension (relay) stage "
          "arrives 20 steps after the spike",
          "[spinnaker][delay][relay]") {
  // The delay-lines split of D = 20 (passes/DelayLines.h, H = 16):
  // in --15--> in.relay1 (fires one step after arrival) --4--> n.
  ConfigBuilder b;
  scfg::Core &relayCore = b.core(0, 0, 1);
  SliceConstants relay;
  relay.model = scfg::RELAY;
  b.slice(relayCore, "in.relay1", 0, 1, 0, 0x200, relay);
  b.rows(relayCore, 0x10000, kMask, "in", 0, {{{1, 15, 0, 0}}});
  scfg::Core &target = b.core(0, 1, 1);
  b.slice(target, "n", 0, 1, 0, 0x300, fireOnArrival());
  b.rows(target, 0x200, kMask, "in.relay1", 0, {{{150, 4, 0, 0}}});
  b.route(0, 0x10000, kMask, {0}, {});
  b.route(0, 0x200, kMask, {1}, {});
  b.input("in", 0x10000, 1);
  auto emu = loadEmulator(b);
  sim::TrialResult r = runTrial(*emu, 30, {{2, 0, 0}, {3, 0, 0}});
  // Grid 2: the relay reads slot 2 + 15 = 17 in tick 17 and fires (grid
  // 18); its packet is handled in tick 18 and written to slot 18 + 4 = 22;
  // n crosses in tick 22: grid 23 = 2 + 20 + 1, as the IR's spike at grid
  // 2 over D = 20 reaches n before step 22. Grid 3 follows one step later.
  CHECK(spikeSteps(r, "in.relay1") == std::vector<uint32_t>{18, 19});
  CHECK(spikeSteps(r, "n") == std::vector<uint32_t>{23, 24});
  // Populations in configuration order, relays included.
  REQUIRE(r.populations.size() == 2);
  CHECK(r.populations[0].population == "in.relay1");
  CHECK(r.populations[1].population == "n");
}

TEST_CASE("packets follow the router tables from chip to chip and the "
          "master population tables to their rows",
          "[spinnaker][routing]") {
  // a (chip 0 core 1) sends key 0x200. Chip 0's entry sends it to core 2
  // and chip 1; chip 1's sends it to cores 3 and 4 and back to chip 0,
  // which already handled it. Core 4 has no master entry for it. A second
  // entry on chip 0 (key 0x300) must not match.
  ConfigBuilder b;
  scfg::Core &src = b.core(0, 1, 1);
  b.slice(src, "a", 0, 1, 0, 0x200, fireOnArrival());
  b.rows(src, 0x10000, kMask, "in", 0, {{{100, 1, 0, 0}}});
  scfg::Core &near = b.core(0, 2, 1);
  b.slice(near, "b", 1, 1, 0, 0x400, fireOnArrival());
  b.rows(near, 0x200, kMask, "a", 0, {{{100, 3, 0, 0}}});
  scfg::Core &far = b.core(1, 3, 1);
  b.slice(far, "b", 0, 1, 0, 0x500, fireOnArrival());
  b.rows(far, 0x200, kMask, "a", 0, {{{100, 2, 0, 0}}});
  scfg::Core &other = b.core(1, 4, 1);
  b.slice(other, "c", 0, 1, 0, 0x600, fireOnArrival());
  b.rows(other, 0x700, kMask, "elsewhere", 0, {{{100, 1, 0, 0}}});
  b.route(0, 0x10000, kMask, {1}, {});
  b.route(0, 0x300, kMask, {5}, {});
  b.route(0, 0x200, kMask, {2}, {1});
  b.route(1, 0x200, kMask, {3, 4}, {0});
  b.input("in", 0x10000, 1);
  auto emu = loadEmulator(b);
  sim::TrialResult r = runTrial(*emu, 10, {{1, 0, 0}});
  // in at grid 1 -> a reads it in tick 2 (grid 3); its packet is handled
  // in tick 3: b1 (L = 3) crosses in tick 6 (grid 7), b0 on chip 1
  // (L = 2) in tick 5 (grid 6).
  CHECK(spikeSteps(r, "a") == std::vector<uint32_t>{3});
  CHECK(spikeSteps(r, "b", 0) == std::vector<uint32_t>{6});
  CHECK(spikeSteps(r, "b", 1) == std::vector<uint32_t>{7});
  CHECK(spikeSteps(r, "c").empty());
  // b's population spans two chips; its size is its highest neuron + 1.
  REQUIRE(r.populations.size() == 3);
  CHECK(r.populations[1].population == "b");
  CHECK(r.populations[1].size == 2);

  REQUIRE(r.counters.cores.size() == 4);
  const sim::CoreCounters &c02 = r.counters.cores[1];
  const sim::CoreCounters &c13 = r.counters.cores[2];
  const sim::CoreCounters &c14 = r.counters.cores[3];
  CHECK((c13.chip == 1 && c13.core == 3 && c14.core == 4));
  // Each core handled a's packet exactly once despite chip 1's route back.
  CHECK(c02.packetsReceived == 1);
  CHECK(c02.rowFetches == 1);
  CHECK(c13.packetsReceived == 1);
  CHECK(c13.rowFetches == 1);
  CHECK(c13.synapticEvents == 1);
  // Core 4 took the packet but found no master population entry: no DMA.
  CHECK(c14.packetsReceived == 1);
  CHECK(c14.rowFetches == 0);
  CHECK(c14.synapticEvents == 0);
}

TEST_CASE("a host input is injected at its chip and reaches other chips "
          "only through the router",
          "[spinnaker][routing]") {
  // Input injected at chip 1, target on chip 0: chip 1 forwards to chip 0.
  ConfigBuilder b;
  scfg::Core &core = b.core(0, 0, 1);
  b.slice(core, "n", 0, 1, 0, 0x100, fireOnArrival());
  b.rows(core, 0x10000, kMask, "in", 0, {{}, {{100, 2, 0, 0}}});
  b.route(1, 0x10000, kMask, {}, {0});
  b.route(0, 0x10000, kMask, {0}, {});
  b.input("in", 0x10000, 2, /*injectChip=*/1);
  auto emu = loadEmulator(b);
  // Channel 1 at grid 4 -> tick 6 -> grid 7. Channel 0's row is empty: a
  // fetch with no synapse.
  sim::TrialResult r = runTrial(*emu, 8, {{0, 0, 0}, {4, 0, 1}});
  CHECK(spikeSteps(r, "n") == std::vector<uint32_t>{7});
  REQUIRE(r.counters.cores.size() == 1);
  CHECK(r.counters.cores[0].packetsReceived == 2);
  CHECK(r.counters.cores[0].rowFetches == 2);
  CHECK(r.counters.cores[0].synapticEvents == 1);

  // Without chip 1's entry nothing arrives.
  ConfigBuilder lost = b;
  lost.c.mutable_chips(1)->clear_router();
  r = runTrial(*loadEmulator(lost), 8, {{4, 0, 1}});
  CHECK(spikeSteps(r, "n").empty());
  CHECK(r.counters.cores[0].packetsReceived == 0);
}
