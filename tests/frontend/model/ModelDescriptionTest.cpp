//===- ModelDescriptionTest.cpp - Reading and checking models to train ----===//
#include "frontend/model/ModelDescription.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using axon::test::errorText;

namespace {

const char *kValid = R"(
name: "t"
dt_ms: 1
seed: 3
dataset { kind: SEQUENCE }
layers { name: "hidden" size: 4 kind: LIF tau_mem_ms: 20 tau_syn_ms: 5 }
layers { name: "out" size: 2 kind: LEAKY_INTEGRATOR tau_mem_ms: 10 tau_syn_ms: 5 }
projections { name: "in-h" source: "input" target: "hidden" init { mean: 0.5 std: 0.1 }
              delays { learn: true init_max_ms: 5 max_ms: 15 } }
projections { name: "rec" source: "hidden" target: "hidden" }
projections { name: "h-out" source: "hidden" target: "out" }
loss { kind: SUM_EXP_WEIGHTED }
optimiser { learning_rate: 0.001 delay_learning_rate: 0.1 }
batch_size: 8
epochs: 2
)";

std::string validationError(const std::string &text) {
  llvm::Expected<model::Model> m = model::parseModel(text, "m.pbtxt");
  std::string parseErr = errorText(m);
  if (!parseErr.empty())
    return parseErr;
  model::applyDefaults(*m);
  return errorText(model::validateModel(*m, "m.pbtxt"));
}

} // namespace

TEST_CASE("a valid model builds the engine's network description",
          "[model]") {
  llvm::Expected<model::Model> m = model::parseModel(kValid, "m.pbtxt");
  REQUIRE(errorText(m) == "");
  model::applyDefaults(*m);
  REQUIRE(errorText(model::validateModel(*m, "m.pbtxt")) == "");
  CHECK(m->optimiser().beta1() == 0.9);
  CHECK(m->layers(0).threshold() == 1.0);

  llvm::Expected<eventprop::NetworkDesc> net =
      model::buildNetwork(*m, 2, 2, 40.0, "m.pbtxt");
  REQUIRE(errorText(net) == "");
  CHECK(net->inputSize == 2);
  CHECK(net->numSteps == 40);
  REQUIRE(net->layers.size() == 2);
  CHECK(net->layers[1].kind == eventprop::NeuronKind::LeakyIntegrator);
  REQUIRE(net->projections.size() == 3);
  // Sources: 0 = input, k = layer k-1; "rec" is recurrent (pre == post+1).
  CHECK(net->projections[0].pre == 0);
  CHECK(net->projections[0].post == 0);
  CHECK(net->projections[1].pre == 1);
  CHECK(net->projections[1].post == 0);
  CHECK(net->projections[2].post == 1);
  CHECK(net->projections[0].learnDelays);
  CHECK(net->projections[0].maxDelaySteps == 15);
  CHECK(net->projections[0].minDelaySteps == 0);

  llvm::Expected<eventprop::NetworkDesc> wrongClasses =
      model::buildNetwork(*m, 2, 3, 40.0, "m.pbtxt");
  CHECK_THAT(errorText(wrongClasses),
             Catch::Contains("layer 'out': size = 2: the readout needs one "
                             "neuron per class of the data set (3)"));
}

TEST_CASE("bad model files are rejected naming file, field and value",
          "[model]") {
  std::string base = kValid;
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string s = base;
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  CHECK_THAT(validationError(base + "\nbogus: 1\n"),
             Catch::Contains("m.pbtxt: 17:") && Catch::Contains("bogus"));
  CHECK_THAT(validationError(replaced("tau_mem_ms: 20", "tau_mem_ms: -20")),
             Catch::Contains("m.pbtxt: layer 'hidden': tau_mem_ms = -20: must "
                             "be finite and > 0"));
  CHECK_THAT(validationError(replaced("size: 4", "size: 0")),
             Catch::Contains("layer 'hidden': size = 0: must be > 0"));
  CHECK_THAT(validationError(replaced("target: \"out\"", "target: \"nowhere\"")),
             Catch::Contains("projection 'h-out': target = 'nowhere': not a "
                             "layer name"));
  CHECK_THAT(validationError(replaced("max_ms: 15", "max_ms: 15 min_ms: 20")),
             Catch::Contains("projection 'in-h': delays.min_ms = 20: must be "
                             "in [0, max_ms = 15]"));
  CHECK_THAT(validationError(replaced("max_ms: 15", "max_ms: 15 min_ms: 1")),
             Catch::Contains("projection 'in-h': delays.init_min_ms = 0: "
                             "below delays.min_ms = 1"));
  CHECK_THAT(validationError(replaced("max_ms: 15", "max_ms: 2")),
             Catch::Contains("projection 'in-h': delays.init_max_ms = 5: "
                             "exceeds delays.max_ms = 2"));
  CHECK_THAT(validationError(replaced("learning_rate: 0.001 ", "")),
             Catch::Contains("optimiser: learning_rate = 0: must be finite "
                             "and > 0"));
  CHECK_THAT(validationError(replaced("SUM_EXP_WEIGHTED", "FIRST_SPIKE")),
             Catch::Contains("layer 'out': kind = LEAKY_INTEGRATOR: loss "
                             "FIRST_SPIKE needs a spiking (LIF) readout"));
  CHECK_THAT(validationError(replaced("dataset { kind: SEQUENCE }", "")),
             Catch::Contains("dataset: kind is not set"));
  CHECK_THAT(validationError(""), Catch::Contains("empty model description"));
}

// Check that every shipped model description parses and passes the checks.
TEST_CASE("the example model descriptions are valid", "[model]") {
  for (const char *name : {"yinyang", "sequence", "shd", "ssc"}) {
    CAPTURE(name);
    llvm::Expected<model::Model> m = model::readModel(
        std::string(AXON_SOURCE_DIR) + "/examples/" + name + ".train.pbtxt");
    CHECK(errorText(m) == "");
  }
}
