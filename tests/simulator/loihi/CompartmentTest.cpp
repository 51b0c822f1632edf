//===- CompartmentTest.cpp - Hand-worked traces of the compartment update -===//
//
// Every expected integer below is derived in the comments from the
// configuration built next to it and LoihiConfig.proto's model:
//   input = sum over lanes of (A << wexp | A >> -wexp), << offset, wrapped
//   u = decay(u, du + offset) + input;  v = decay(v, dv) + u + bias
//   decay(x, d) = sign(x) (|x| (2^12 - d)) >> 12;  spike if v > vth << 6
//===----------------------------------------------------------------------===//
#include "LoihiTestConfigs.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;
using sim::loihi::ChipImage;

namespace {

ChipImage build(const lproto::LoihiConfig &c) {
  llvm::Expected<ChipImage> image = sim::loihi::buildChipImage(c, "hand");
  REQUIRE(errorText(image) == "");
  return std::move(*image);
}

} // namespace

TEST_CASE("loihi emulator decays toward zero with the current decay offset",
          "[loihi-emulator]") {
  // Check that negative u and v decay toward zero (not floor) and that the
  // current's decrement is du + current_decay_offset (1).
  // slot 0: du 1023 -> keep 4096 - 1024 = 3072 (0.75), dv 2048 -> 0.5
  // slot 1: du 0 -> keep 4095 (the offset), dv 4095 -> keep 1
  // A host spike at grid 0 over weight -3, wexp 0: input -3 << 6 = -192.
  lproto::LoihiConfig c = emptyConfig(1);
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0, prototype(lproto::NON_SPIKING, 1023, 2048, 0), "a",
                 0);
  addCompartment(core, 1, prototype(lproto::NON_SPIKING, 0, 4095, 0), "a", 1);
  uint32_t cfg = addSynapseConfig(core, 0);
  uint32_t axon = addAxon(core);
  addSynapse(core, axon, 0, -3, 0, cfg);
  addSynapse(core, axon, 1, -3, 0, cfg);
  mapChannel(c, 0, {axonTarget(0, 0, axon)});
  ChipImage image = build(c);

  // slot 0:
  //  t0: u = -192; v = -192
  //  t1: u = -(192*3072 >> 12) = -144; v = -(192*2048 >> 12) - 144 = -240
  //  t2: u = -(144*3072 >> 12) = -108; v = -120 - 108 = -228
  //  t3: u = -(108*3072 >> 12) = -81;  v = -114 - 81 = -195
  //  t4: u = -(81*3072 >> 12) = -(60.75 -> 60) = -60 (floor: -61);
  //      v = -(195*2048 >> 12) = -(97.5 -> 97) - 60 = -157 (floor: -158)
  CHECK(traceCompartment(image, 0, 5, {{0, {0}}}) ==
        std::vector<TickState>{{-192, -192, false},
                               {-144, -240, false},
                               {-108, -228, false},
                               {-81, -195, false},
                               {-60, -157, false}});
  // slot 1:
  //  t0: u = -192; v = -192
  //  t1: u = -(192*4095 >> 12) = -(191.95 -> 191); v = -(192 >> 12) - 191
  //  t2: u = -(191*4095 >> 12) = -(190.95 -> 190); v = 0 - 190
  CHECK(traceCompartment(image, 1, 3, {{0, {0}}}) ==
        std::vector<TickState>{
            {-192, -192, false}, {-191, -191, false}, {-190, -190, false}});
}

TEST_CASE("loihi emulator adds bias_mant << bias_exp and spikes only above "
          "the threshold",
          "[loihi-emulator]") {
  // Check the bias (2 << 3 = 16 per tick, no leak: dv 0), the strict
  // comparison with vth_mant << 6 = 64 and the reset to -8.
  //  v: 16, 32, 48, 64 (= threshold: no spike), 80 -> spike, v = -8;
  //     -8 + 16 = 8, 24, 40, 56, 72 -> spike, v = -8.
  lproto::LoihiConfig c = emptyConfig(1);
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0,
                 prototype(lproto::SPIKING, 4095, 0, /*vth=*/1, /*bias=*/2,
                           /*exp=*/3),
                 "a", 0, /*reset=*/-8);
  ChipImage image = build(c);
  CHECK(traceCompartment(image, 0, 10, {}) ==
        std::vector<TickState>{{0, 16, false},
                               {0, 32, false},
                               {0, 48, false},
                               {0, 64, false},
                               {0, -8, true},
                               {0, 8, false},
                               {0, 24, false},
                               {0, 40, false},
                               {0, 56, false},
                               {0, -8, true}});
}

TEST_CASE("loihi emulator holds v at reset while refractory and u integrates",
          "[loihi-emulator]") {
  // du 2047 -> keep 2048 (u halves), dv 0, threshold 2 << 6 = 128, reset 0,
  // refractory 2; weight 3 (192) at grid 0 and grid 2.
  //  t0: u = 192, v = 192 > 128 -> spike, v = 0, refractory 2
  //  t1: u = 96, v held 0
  //  t2: u = 48 + 192 = 240, v held 0 (the input still reaches u)
  //  t3: u = 120, v = 0 + 120 = 120
  //  t4: u = 60, v = 180 > 128 -> spike, v = 0
  //  t5: u = 30, v held 0
  lproto::LoihiConfig c = emptyConfig(1);
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0,
                 prototype(lproto::SPIKING, 2047, 0, 2, 0, 0,
                           /*refractory=*/2),
                 "a", 0);
  uint32_t cfg = addSynapseConfig(core, 0);
  uint32_t axon = addAxon(core);
  addSynapse(core, axon, 0, 3, 0, cfg);
  mapChannel(c, 0, {axonTarget(0, 0, axon)});
  ChipImage image = build(c);
  CHECK(traceCompartment(image, 0, 6, {{0, {0}}, {2, {0}}}) ==
        std::vector<TickState>{{192, 0, true},
                               {96, 0, false},
                               {240, 0, false},
                               {120, 120, false},
                               {60, 0, true},
                               {30, 0, false}});
}

TEST_CASE("loihi emulator wraps u and the input sum, saturates v and floors "
          "negative weight exponents after summing",
          "[loihi-emulator]") {
  // A narrow format makes the limits reachable by hand: 8-bit state
  // (u wraps to [-128, 127], v saturates to [-127, 127]), 7-bit input sum
  // (wraps to [-64, 63]), no current decay offset, weight offset 0.
  lproto::ChipFormat f = loihiFormat();
  f.set_state_bits(8);
  f.set_input_bits(7);
  f.set_current_decay_offset(0);
  f.set_weight_exponent_offset(0);
  f.set_threshold_shift(0);
  lproto::LoihiConfig c = emptyConfig(5, f);
  lproto::Core &core = addCore(c, 0, 0);
  // slot 0: no decay at all (keep 4096); slot 1: keep 1 (gone each tick).
  addCompartment(core, 0, prototype(lproto::NON_SPIKING, 0, 0, 0), "a", 0);
  addCompartment(core, 1, prototype(lproto::NON_SPIKING, 4095, 4095, 0), "a",
                 1);
  uint32_t c0 = addSynapseConfig(core, 0);
  uint32_t c1 = addSynapseConfig(core, 1);
  uint32_t cm1 = addSynapseConfig(core, -1);
  for (uint32_t ch = 0; ch < 5; ++ch) {
    addAxon(core);
    mapChannel(c, ch, {axonTarget(0, 0, ch)});
  }
  addSynapse(core, 0, 0, 60, 0, c0);
  addSynapse(core, 1, 1, 40, 0, c0);
  addSynapse(core, 2, 1, 12, 0, c1);
  addSynapse(core, 3, 1, -3, 0, cm1);
  addSynapse(core, 4, 1, -3, 0, cm1);
  ChipImage image = build(c);
  std::map<uint32_t, std::vector<uint32_t>> inputs = {
      {0, {0, 1, 2}}, {1, {0, 3}}, {2, {0, 3, 4}}};

  // slot 0, 60 per tick for three ticks:
  //  t0: u 60, v 60;  t1: u 120, v 180 -> 127 (saturated)
  //  t2: u 180 -> 180 - 256 = -76 (wrapped), v 127 - 76 = 51
  //  t3: v 51 - 76 = -25;  t4: v -101;  t5: v -177 -> -127 (saturated)
  CHECK(traceCompartment(image, 0, 6, inputs) ==
        std::vector<TickState>{{60, 60, false},
                               {120, 127, false},
                               {-76, 51, false},
                               {-76, -25, false},
                               {-76, -101, false},
                               {-76, -127, false}});
  // slot 1:
  //  t0: 40 (wexp 0) + (12 << 1) = 64 -> wraps to -64; u = v = -64
  //  t1: -3 >> 1 = -2 (floor); u = -(64 >> 12) - 2 = -2, v = -2
  //  t2: two -3 under wexp -1 are summed first: -6 >> 1 = -3 (each alone
  //      would give -2 + -2 = -4); u = -3, v = -3
  //  t3: all gone
  CHECK(traceCompartment(image, 1, 4, inputs) ==
        std::vector<TickState>{
            {-64, -64, false}, {-2, -2, false}, {-3, -3, false}, {0, 0, false}});

  // Four silent arithmetic events: two v saturations and one u wrap in
  // slot 0, one input-sum wrap in slot 1.
  sim::loihi::Chip chip(image);
  for (uint32_t t = 0; t < 6; ++t) {
    if (auto it = inputs.find(t); it != inputs.end())
      for (uint32_t h : it->second)
        chip.injectHostSpike(h);
    chip.tick();
  }
  CHECK(chip.coreCounters()[0].overflows == 4);
}
