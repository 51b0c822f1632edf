//===- EmulatorErrorsTest.cpp - What the emulator refuses, and how --------===//
#include "EmulatorTestConfigs.h"

#include "simulator/Device.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;

namespace {

constexpr uint32_t kMask = 0xFFFFFF00;

ConfigBuilder smallConfig() {
  ConfigBuilder b;
  SliceConstants k;
  k.model = scfg::LIF;
  k.threshold = 100;
  scfg::Core &core = b.core(0, 0, 2);
  b.slice(core, "n", 0, 2, 0, 0x100, k);
  b.rows(core, 0x10000, kMask, "in", 0, {{{100, 1, 0, 0}}, {{100, 1, 0, 1}}});
  b.route(0, 0x10000, kMask, {0}, {});
  b.input("in", 0x10000, 2);
  return b;
}

std::string loadError(const ConfigBuilder &b) {
  auto emu = sim::spinnaker::createSpiNNakerEmulator();
  return errorText(emu->load(b.bytes(), "bad.axoncfg"));
}

} // namespace

TEST_CASE("running before a configuration is loaded is an error",
          "[spinnaker][errors]") {
  auto emu = sim::spinnaker::createSpiNNakerEmulator();
  CHECK(emu->layout().inputs.empty());
  CHECK(emu->describe() == "spinnaker emulator");
  sim::TrialInput in;
  in.numSteps = 3;
  llvm::Expected<sim::TrialResult> r = emu->run(in);
  CHECK_THAT(errorText(r), Catch::Contains("no configuration is loaded"));
}

TEST_CASE("garbage bytes and a foreign magic are rejected with the file "
          "name",
          "[spinnaker][errors]") {
  auto emu = sim::spinnaker::createSpiNNakerEmulator();
  std::string garbage = errorText(emu->load("not a config", "x.axoncfg"));
  CHECK_THAT(garbage, Catch::Contains("x.axoncfg"));
  std::string loihi = errorText(emu->load(
      llvm::StringRef("AXONLHI\0\0\0\0\0\0\0\0\0\0\0\0\0", 20), "l.axoncfg"));
  CHECK_THAT(loihi, Catch::Contains("l.axoncfg"));
  // A well-framed payload that is not a configuration message.
  std::string framed = smallConfig().bytes();
  framed.back() ^= 0x5A;
  CHECK(errorText(emu->load(framed, "c.axoncfg")) != "");
  // Nothing was loaded by the failures.
  CHECK(emu->layout().inputs.empty());
}

TEST_CASE("a failed load keeps the configuration loaded before",
          "[spinnaker][errors]") {
  auto emu = loadEmulator(smallConfig());
  CHECK(emu->layout().inputs.size() == 1);
  CHECK(errorText(emu->load("junk", "junk.axoncfg")) != "");
  sim::TrialResult r = runTrial(*emu, 3, {{0, 0, 1}});
  CHECK(spikeSteps(r, "n", 1) == std::vector<uint32_t>{2});
}

TEST_CASE("inputs out of range are rejected before the trial runs",
          "[spinnaker][errors]") {
  auto emu = loadEmulator(smallConfig());
  sim::TrialInput in;
  in.numSteps = 4;
  in.events = {{1, 0, 2}};
  llvm::Expected<sim::TrialResult> r = emu->run(in);
  CHECK_THAT(errorText(r),
             Catch::Contains("channel 2 is out of range for input 'in'"));
  in.events = {{4, 0, 0}};
  r = emu->run(in);
  CHECK_THAT(errorText(r), Catch::Contains("step 4 is not below"));
  in.events = {{0, 1, 0}};
  r = emu->run(in);
  CHECK_THAT(errorText(r), Catch::Contains("input 1 does not exist"));
  in.events = {{2, 0, 0}, {1, 0, 0}};
  r = emu->run(in);
  CHECK_THAT(errorText(r), Catch::Contains("not sorted"));
}

TEST_CASE("configurations the chip could not execute are rejected with the "
          "element and the rule",
          "[spinnaker][errors]") {
  SECTION("a synapse into a slot that holds no neuron") {
    ConfigBuilder b = smallConfig();
    scfg::Core *core = b.c.mutable_chips(0)->mutable_cores(0);
    core->set_slots(3);
    core->set_synaptic_matrix(
        3, axon::spinnaker::packSynapseWord({}, {100, 1, 0, 2}));
    CHECK_THAT(loadError(b),
               Catch::Contains("bad.axoncfg: chip 0 core 0 master population "
                               "entry 0 (key 0x00010000, source 'in') row 0 "
                               "(word 0): synapse 0 (word 0x00640202) "
                               "targets slot 2, which holds no neuron"));
  }
  SECTION("a row beyond the synaptic matrix") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_chips(0)
        ->mutable_cores(0)
        ->mutable_master_population_table(0)
        ->set_row_count(3);
    CHECK_THAT(loadError(b), Catch::Contains("beyond the synaptic matrix's 8 "
                                             "words"));
  }
  SECTION("more fixed synapses than the row length") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_chips(0)->mutable_cores(0)->set_synaptic_matrix(1, 2);
    CHECK_THAT(loadError(b),
               Catch::Contains("2 fixed synapses exceed row_length 1"));
  }
  SECTION("plastic synapses") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_chips(0)->mutable_cores(0)->set_synaptic_matrix(0, 4);
    CHECK_THAT(loadError(b), Catch::Contains("static synapses only"));
  }
  SECTION("a ring of the wrong size for the delay field") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_arithmetic()->set_ring_slots(8);
    CHECK_THAT(loadError(b),
               Catch::Contains("ring_slots = 8: the 4-bit delay field "
                               "addresses 2^4 slots"));
  }
  SECTION("two neurons in one slot") {
    ConfigBuilder b = smallConfig();
    SliceConstants k;
    b.slice(*b.c.mutable_chips(0)->mutable_cores(0), "m", 0, 1, 1, 0x100, k);
    CHECK_THAT(loadError(b), Catch::Contains("slot 1 already holds a neuron"));
  }
  SECTION("a slice beyond the core's slots") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_chips(0)->mutable_cores(0)->mutable_slices(0)->set_count(3);
    CHECK_THAT(loadError(b), Catch::Contains("slots 0 to 2 exceed the core's "
                                             "2 slots"));
  }
  SECTION("a missing ring shift") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_chips(0)
        ->mutable_cores(0)
        ->mutable_slices(0)
        ->mutable_ring_shift()
        ->RemoveLast();
    CHECK_THAT(loadError(b),
               Catch::Contains("1 ring shifts for 2 synapse types"));
  }
  SECTION("an unknown threshold comparison") {
    ConfigBuilder b = smallConfig();
    b.c.mutable_arithmetic()->set_threshold_compare(
        scfg::THRESHOLD_COMPARE_UNSPECIFIED);
    CHECK_THAT(loadError(b), Catch::Contains("threshold_compare = 0"));
  }
  SECTION("a readout slot without its neuron") {
    ConfigBuilder b = smallConfig();
    b.output("n", scfg::SPIKE_COUNT, 0, 0, {1, 5}, 1.0);
    CHECK_THAT(loadError(b),
               Catch::Contains("output 'n' neuron 0: chip 0 core 0 slot 1 "
                               "holds neuron 1 of 'n'"));
  }
}
