//===- TargetDescriptionTest.cpp - Targets as data, checked ---------------===//
#include "backends/target/TargetDescription.h"
#include "support/Errors.h"

#include "ir/AtomicFile.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::target;
using axon::test::errorText;

namespace {

std::string builtinText(const char *name) {
  return cantFail(readWholeFile(std::string(AXON_SOURCE_DIR) +
                                "/backends/targets/" + name + ".pbtxt"));
}

std::string replaced(std::string s, const std::string &from,
                     const std::string &to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::string parseError(const std::string &text) {
  llvm::Expected<TargetDescription> t = TargetDescription::parse(text, "t.pbtxt");
  return errorText(t);
}

} // namespace

TEST_CASE("the built-in targets load and answer questions", "[target]") {
  llvm::Expected<TargetDescription> loihi = TargetDescription::find("loihi");
  REQUIRE(errorText(loihi) == "");
  CHECK(loihi->name() == "loihi");
  CHECK(loihi->maxOnCoreDelay() == 62);
  llvm::Expected<TargetDescription> spinn = TargetDescription::find("spinnaker");
  REQUIRE(errorText(spinn) == "");
  CHECK(spinn->maxOnCoreDelay() == 16);
  // 16 on core + 8 stages x 16 = 144 (sPyNNaker's classic maximum).
  CHECK(spinn->maxRealisableDelay() == 144);
  CHECK(loihi->hash() != spinn->hash());
  CHECK(loihi->hash().size() == 16);
}

TEST_CASE("a copied description with other numbers is a new chip variant",
          "[target]") {
  std::string text = replaced(builtinText("spinnaker"), "max_stages: 8", "max_stages: 2");
  llvm::Expected<TargetDescription> t = TargetDescription::parse(text, "small.pbtxt");
  REQUIRE(errorText(t) == "");
  CHECK(t->maxRealisableDelay() == 48);
}

TEST_CASE("a graph's dt is kept where the chip can tick at it", "[target]") {
  llvm::Expected<TargetDescription> spinn = TargetDescription::find("spinnaker");
  REQUIRE(errorText(spinn) == "");
  // min_dt_ms 0.1, dt_ms 1: 0.1 and 0.5 ms are kept, 0.05 and 2 resampled.
  CHECK(spinn->tickMs(0.1) == 0.1);
  CHECK(spinn->tickMs(0.5) == 0.5);
  CHECK(spinn->tickMs(0.05) == 1.0);
  CHECK(spinn->tickMs(2.0) == 1.0);
  // 200,000 cycles per 1 ms tick at 200 MHz: 20,000 per 0.1 ms tick.
  CHECK(spinn->cyclesPerTickBudget(1.0) == 200000);
  CHECK(spinn->cyclesPerTickBudget(0.1) == 20000);
  std::string fixed =
      replaced(builtinText("spinnaker"), "min_dt_ms: 0.1", "min_dt_ms: 0");
  llvm::Expected<TargetDescription> t = TargetDescription::parse(fixed, "f");
  REQUIRE(errorText(t) == "");
  CHECK(t->tickMs(0.1) == 1.0);
}

TEST_CASE("impossible descriptions are rejected naming the field",
          "[target]") {
  std::string loihi = builtinText("loihi");
  CHECK_THAT(parseError(replaced(loihi, "dt_ms: 1.0", "dt_ms: -1")),
             Catch::Contains("t.pbtxt: dt_ms = -1: must be finite and > 0"));
  CHECK_THAT(parseError(replaced(loihi, "neurons_per_core: 1024", "neurons_per_core: 2048")),
             Catch::Contains("resources.neurons_per_core = 2048: exceeds the 1024 "
                             "neurons resources.synapse_index_bits = 10 can address"));
  CHECK_THAT(parseError(replaced(loihi, "max_on_core_steps: 62", "max_on_core_steps: 70")),
             Catch::Contains("delays.max_on_core_steps = 70: needs more than "
                             "delays.delay_bits = 6 bits"));
  CHECK_THAT(parseError(replaced(loihi, "min_exponent: -8", "min_exponent: 9")),
             Catch::Contains("weights.min_exponent = 9: must be <= weights.max_exponent (7)"));
  CHECK_THAT(parseError(replaced(loihi, "state_frac_bits: 0", "state_frac_bits: 30")),
             Catch::Contains("neurons.state_frac_bits = 30: must be below neurons.state_bits (24)"));
  CHECK_THAT(parseError(replaced(loihi, "min_dt_ms: 0.01", "min_dt_ms: 2")),
             Catch::Contains("min_dt_ms = 2: must be in [0, dt_ms = 1]"));
  CHECK_THAT(parseError(replaced(loihi, "chips: 1", "chips: 0")),
             Catch::Contains("resources.chips = 0: must be > 0"));
  CHECK_THAT(parseError(replaced(builtinText("spinnaker"), "synapse_types: 2", "synapse_types: 1")),
             Catch::Contains("weights.synapse_types = 1: must be >= 2"));
  CHECK_THAT(parseError(loihi + "\nfrequency: 3\n"),
             Catch::Contains("t.pbtxt: ") && Catch::Contains("frequency"));
  CHECK_THAT(parseError(""), Catch::Contains("empty target description"));
  llvm::Expected<TargetDescription> missing = TargetDescription::find("truenorth");
  CHECK_THAT(errorText(missing), Catch::Contains("truenorth: no target of that name"));
}
