//===- NeuronUpdateTest.cpp - Hand-worked neuron traces on one core -------===//
//
// One core (chip 0 core 0) fed by a host input "in" (keys 0x10000 | i,
// routed to core 0). Every expected number below is worked out by hand
// from SpiNNakerConfig.proto's update, per tick t:
//   u += (exc << shift_exc) - (inh << shift_inh)   (slot t's entries)
//   v  = floor(v * decay_mem / 2^32) + u + bias     (unless refractory)
//   u  = floor(u * decay_syn / 2^32)
// and the host timing: a spike at grid s over delay L is read in tick
// s + L; the readout at grid n is v after tick n - 1.
//===----------------------------------------------------------------------===//
#include "EmulatorTestConfigs.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;

namespace {

constexpr uint32_t kInKey = 0x10000;
constexpr uint32_t kMask = 0xFFFFFF00;

/// Core 0 of chip 0 with `slots` neurons of population "n" and the host
/// input "in" of `rows.size()` channels whose row i is rows[i].
ConfigBuilder oneCore(uint32_t slots, const SliceConstants &k,
                      const std::vector<std::vector<SynapseWord>> &rows) {
  ConfigBuilder b;
  scfg::Core &core = b.core(0, 0, slots);
  b.slice(core, "n", 0, slots, 0, 0x100, k);
  b.rows(core, kInKey, kMask, "in", 0, rows);
  b.route(0, kInKey, kMask, {0}, {});
  b.input("in", kInKey, static_cast<uint32_t>(rows.size()));
  b.output("n", scfg::MAX_VOLTAGE, 0, 0, {0}, 1.0 / 32768);
  if (slots > 1) {
    scfg::OutputMap *m = b.c.mutable_outputs(0);
    for (uint32_t s = 1; s < slots; ++s) {
      m->add_chip(0);
      m->add_core(0);
      m->add_slot(s);
      m->add_keys(0x100 | s);
    }
  }
  return b;
}

} // namespace

TEST_CASE("a CUBA neuron integrates excitatory and inhibitory input with "
          "ring shifts, bias and floor decays",
          "[spinnaker][neuron]") {
  // decay_mem 1/2, decay_syn 3/4, bias -1, shifts 2 (exc) and 1 (inh).
  SliceConstants k;
  k.decayMem = 0x80000000u;
  k.decaySyn = 0xC0000000u;
  k.bias = -1;
  k.shiftExc = 2;
  k.shiftInh = 1;
  // Channel 0: weight 1000 excitatory, L = 1; channel 1: 3001 inhibitory,
  // L = 2.
  ConfigBuilder b = oneCore(1, k, {{{1000, 1, 0, 0}}, {{3001, 2, 1, 0}}});
  auto emu = loadEmulator(b);
  // ch0 at grid 0 -> read in tick 1; ch0 at grid 3 -> tick 4; ch1 at grid
  // 3 -> tick 5.
  sim::TrialResult r = runTrial(*emu, 10, {{0, 0, 0}, {3, 0, 0}, {3, 0, 1}});
  // t0: u 0;           v = floor(0/2) + 0 - 1 = -1;             u = 0
  // t1: u = 1000<<2 = 4000; v = floor(-1/2) = -1, -1 + 4000 - 1 = 3998;
  //     u = 3000
  // t2: v = 1999 + 3000 - 1 = 4998;                             u = 2250
  // t3: v = 2499 + 2250 - 1 = 4748;             u = floor(1687.5) = 1687
  // t4: u = 1687 + 4000 = 5687; v = 2374 + 5687 - 1 = 8060;
  //     u = floor(4265.25) = 4265
  // t5: u = 4265 - (3001<<1) = -1737; v = 4030 - 1737 - 1 = 2292;
  //     u = floor(-1302.75) = -1303
  // t6: v = 1146 - 1303 - 1 = -158;             u = floor(-977.25) = -978
  // t7: v = -79 - 978 - 1 = -1058;              u = floor(-733.5) = -734
  // t8: v = -529 - 734 - 1 = -1264;             u = floor(-550.5) = -551
  // t9: v = -632 - 551 - 1 = -1184
  CHECK(voltageOf(r) == std::vector<double>{0, -1, 3998, 4998, 4748, 8060, 2292,
                                            -158, -1058, -1264, -1184});
  CHECK(r.readout.stateScale == 1.0 / 32768);
  CHECK(r.readout.population == "n");
  CHECK(r.populations.size() == 1);
  CHECK(r.populations[0].spikes.empty());
  CHECK(r.counters.overflows == 0);
}

TEST_CASE("refractory ticks skip integration while u keeps its input",
          "[spinnaker][neuron]") {
  // threshold 1000, reset -100, refractory 2, decays 1/2 and 1/2, shift 0.
  SliceConstants k;
  k.threshold = 1000;
  k.reset = -100;
  k.refractory = 2;
  k.decayMem = 0x80000000u;
  k.decaySyn = 0x80000000u;
  ConfigBuilder b = oneCore(1, k, {{{1200, 1, 0, 0}}});
  auto emu = loadEmulator(b);
  // Host spikes at grids 0..4 arrive in ticks 1..5.
  sim::TrialResult r = runTrial(
      *emu, 9, {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}});
  // t1: u 1200, v = 0 + 1200 >= 1000: spike (grid 2), v = -100, 2 ticks
  //     refractory; u = 600
  // t2: u = 1800, refractory (1 left), v -100;  u = 900
  // t3: u = 2100, refractory (0 left), v -100;  u = 1050
  // t4: u = 2250, v = -50 + 2250 = 2200: spike (grid 5), v = -100; u = 1125
  // t5: u = 2325, refractory;                   u = 1162
  // t6: u = 1162, refractory;                   u = 581
  // t7: v = -50 + 581 = 531;                    u = 290
  // t8: v = 265 + 290 = 555
  CHECK(voltageOf(r) == std::vector<double>{0, 0, -100, -100, -100, -100, -100,
                                            -100, 531, 555});
  CHECK(spikeSteps(r, "n") == std::vector<uint32_t>{2, 5});
}

TEST_CASE("the threshold test is v >= threshold under GREATER_EQUAL and "
          "v > threshold under GREATER",
          "[spinnaker][neuron]") {
  // Delta synapses, no leak: v = u = the weight in the arrival tick.
  SliceConstants k;
  k.model = scfg::LIF;
  k.threshold = 5000;
  // Channel i drives slot i: weights 5000, 4999, 5001.
  std::vector<std::vector<SynapseWord>> rows = {
      {{5000, 1, 0, 0}}, {{4999, 1, 0, 1}}, {{5001, 1, 0, 2}}};
  std::vector<sim::InputEvent> in = {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}};

  ConfigBuilder ge = oneCore(3, k, rows);
  sim::TrialResult r = runTrial(*loadEmulator(ge), 3, in);
  CHECK(spikeSteps(r, "n", 0) == std::vector<uint32_t>{2});
  CHECK(spikeSteps(r, "n", 1).empty());
  CHECK(spikeSteps(r, "n", 2) == std::vector<uint32_t>{2});

  ConfigBuilder gt = oneCore(3, k, rows);
  gt.c.mutable_arithmetic()->set_threshold_compare(scfg::GREATER);
  r = runTrial(*loadEmulator(gt), 3, in);
  CHECK(spikeSteps(r, "n", 0).empty());
  CHECK(spikeSteps(r, "n", 1).empty());
  CHECK(spikeSteps(r, "n", 2) == std::vector<uint32_t>{2});
  // The non-spiking neuron keeps its v: 4999 at grid 2, 0 after (no leak
  // factor: decay_mem 0).
  CHECK(voltageOf(r, 1) == std::vector<double>{0, 0, 4999, 0});
}

TEST_CASE("ring entries saturate at 65535 before the shift and count as "
          "overflows",
          "[spinnaker][neuron]") {
  SliceConstants k;
  k.model = scfg::LEAKY_INTEGRATOR;
  k.threshold = 0; // ignored: a leaky integrator never spikes
  k.shiftExc = 1;
  // Three channels of weight 30000 into the same entry, and one inhibitory
  // channel of 40000 into slot 0's inhibitory entry.
  ConfigBuilder b = oneCore(1, k,
                            {{{30000, 1, 0, 0}},
                             {{30000, 1, 0, 0}},
                             {{30000, 1, 0, 0}},
                             {{40000, 1, 1, 0}}});
  auto emu = loadEmulator(b);
  sim::TrialResult r =
      runTrial(*emu, 3, {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 0, 3}});
  // Excitatory entry: 30000, 60000, then 90000 saturates to 65535 (one
  // overflow); the inhibitory entry holds 40000. Tick 1: u = (65535 << 1) -
  // (40000 << 0) = 131070 - 40000 = 91070, v = 0 + 91070 = 91070; u = 0.
  // Tick 2: v = floor(91070 * 0) + 0 = 0.
  CHECK(voltageOf(r) == std::vector<double>{0, 0, 91070, 0});
  CHECK(r.populations[0].spikes.empty());
  CHECK(r.counters.overflows == 1);
  REQUIRE(r.counters.cores.size() == 1);
  CHECK(r.counters.cores[0].overflows == 1);
}

TEST_CASE("a state that leaves 32 bits wraps and counts as an overflow",
          "[spinnaker][neuron]") {
  // 65535 << 16 = 0xFFFF0000 = 4294901760 does not fit s16.15: u wraps
  // to -65536. A leaky integrator with the largest bias, no leak factor.
  SliceConstants k;
  k.model = scfg::LEAKY_INTEGRATOR;
  k.shiftExc = 16;
  k.bias = 0x7FFFFFFF;
  ConfigBuilder b = oneCore(1, k, {{{65535, 1, 0, 0}}});
  auto emu = loadEmulator(b);
  sim::TrialResult r = runTrial(*emu, 3, {{0, 0, 0}});
  // t0: v = 0 + 0 + 2147483647 = 2147483647 (fits).
  // t1: u = 0 + 4294901760 wraps to -65536 (overflow 1);
  //     v = 0 + (-65536) + 2147483647 = 2147418111 (fits); u = 0.
  // t2: v = 0 + 0 + 2147483647.
  CHECK(voltageOf(r) ==
        std::vector<double>{0, 2147483647, 2147418111, 2147483647});
  CHECK(r.counters.overflows == 1);

  // With decay_mem 1/2 the bias overflows v: t1: v = floor(2147483647/2)
  // = 1073741823, + (-65536) + 2147483647 = 3221159934 wraps to
  // 3221159934 - 2^32 = -1073807362 (u and v overflow: 2).
  k.decayMem = 0x80000000u;
  ConfigBuilder leak = oneCore(1, k, {{{65535, 1, 0, 0}}});
  r = runTrial(*loadEmulator(leak), 2, {{0, 0, 0}});
  CHECK(voltageOf(r) == std::vector<double>{0, 2147483647, -1073807362});
  CHECK(r.counters.overflows == 2);
}
