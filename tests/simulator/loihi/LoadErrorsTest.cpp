//===- LoadErrorsTest.cpp - What the emulator refuses, and how it says so -===//
#include "LoihiTestConfigs.h"

#include "simulator/loihi/LoihiEmulator.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::test;

namespace {

/// One compartment fed by channel 0 of a 2-channel input.
lproto::LoihiConfig smallConfig() {
  lproto::LoihiConfig c = emptyConfig(2);
  lproto::Core &core = addCore(c, 0, 0);
  addCompartment(core, 0, prototype(lproto::SPIKING, 4095, 4095, 1), "a", 0);
  uint32_t cfg = addSynapseConfig(core, 0);
  addSynapse(core, addAxon(core), 0, 2, 0, cfg);
  mapChannel(c, 0, {axonTarget(0, 0, 0)});
  return c;
}

std::string loadError(const lproto::LoihiConfig &c) {
  std::unique_ptr<sim::Device> d = sim::loihi::createLoihiEmulator();
  return errorText(d->load(backends::loihi::frameLoihiConfig(c), "x.axoncfg"));
}

} // namespace

TEST_CASE("loihi emulator rejects bytes that are not a configuration",
          "[loihi-emulator][errors]") {
  // Check that garbage, a foreign magic and an empty file are errors that
  // name the file, and that a failed load leaves nothing loaded.
  std::unique_ptr<sim::Device> d = sim::loihi::createLoihiEmulator();
  std::string garbage = errorText(d->load("not a configuration at all, "
                                          "just text",
                                          "garbage.axoncfg"));
  CHECK_THAT(garbage, Catch::Contains("garbage.axoncfg"));
  CHECK_THAT(garbage, Catch::Contains("magic"));

  std::string bytes = backends::loihi::frameLoihiConfig(smallConfig());
  std::string foreign = bytes;
  foreign.replace(0, 8, std::string("AXONSPN\0", 8));
  CHECK_THAT(errorText(d->load(foreign, "spinnaker.axoncfg")),
             Catch::Contains("spinnaker.axoncfg") &&
                 Catch::Contains("magic"));
  CHECK_THAT(errorText(d->load("", "empty.axoncfg")),
             Catch::Contains("empty"));
  CHECK(d->layout().inputs.empty());
}

TEST_CASE("loihi emulator refuses to run before a configuration is loaded",
          "[loihi-emulator][errors]") {
  std::unique_ptr<sim::Device> d = sim::loihi::createLoihiEmulator();
  llvm::Expected<sim::TrialResult> r = d->run({5, {}});
  CHECK_THAT(errorText(r), Catch::Contains("no configuration loaded"));
  CHECK(d->describe() == "loihi emulator");
}

TEST_CASE("loihi emulator checks the trial input against the layout",
          "[loihi-emulator][errors]") {
  std::unique_ptr<sim::Device> d = sim::loihi::createLoihiEmulator();
  REQUIRE(errorText(d->load(backends::loihi::frameLoihiConfig(smallConfig()),
                            "x.axoncfg")) == "");
  CHECK(d->layout().family == "loihi");
  CHECK(d->layout().inputs == std::vector<sim::InputPort>{{"in", 2}});
  CHECK(d->layout().cores == 1);
  llvm::Expected<sim::TrialResult> channel = d->run({5, {{1, 0, 2}}});
  CHECK_THAT(errorText(channel),
             Catch::Contains("input event 0") &&
                 Catch::Contains("channel 2 is out of range"));
  llvm::Expected<sim::TrialResult> late = d->run({5, {{5, 0, 0}}});
  CHECK_THAT(errorText(late), Catch::Contains("step 5"));
  // A valid trial still runs after the refused ones: the spike at grid 1
  // crosses in tick 1 (grid 2).
  llvm::Expected<sim::TrialResult> ok = d->run({5, {{1, 0, 0}}});
  REQUIRE(errorText(ok) == "");
  CHECK(ok->populations ==
        std::vector<sim::PopulationSpikes>{{"a", 1, {{2, 0}}}});
}

TEST_CASE("loihi emulator rejects tables that point nowhere",
          "[loihi-emulator][errors]") {
  // Check that each dangling index is an error naming the entry.
  lproto::LoihiConfig synapse = smallConfig();
  synapse.mutable_cores(0)->mutable_input_axons(0)->mutable_synapses(0)
      ->set_compartment(9);
  CHECK_THAT(loadError(synapse),
             Catch::Contains("chip 0 core 0 input axon 0 synapse 0") &&
                 Catch::Contains("compartment slot 9 does not exist"));

  lproto::LoihiConfig axon = smallConfig();
  axon.mutable_input_map(0)->mutable_targets(0)->set_axon(3);
  CHECK_THAT(loadError(axon),
             Catch::Contains("input map entry 'in' channel 0") &&
                 Catch::Contains("input axon 3 of chip 0 core 0"));

  lproto::LoihiConfig core = smallConfig();
  mapOutput(*core.mutable_cores(0), 0, {axonTarget(2, 7, 0)});
  CHECK_THAT(loadError(core), Catch::Contains("chip 2 core 7"));

  lproto::LoihiConfig delay = smallConfig();
  delay.mutable_cores(0)->mutable_input_axons(0)->mutable_synapses(0)
      ->set_delay(63);
  CHECK_THAT(loadError(delay),
             Catch::Contains("delay field 63 exceeds the format's max_delay "
                             "62"));

  lproto::LoihiConfig width = smallConfig();
  width.mutable_format()->set_state_bits(40);
  CHECK_THAT(loadError(width), Catch::Contains("state_bits = 40"));
}
