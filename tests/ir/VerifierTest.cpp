//===- VerifierTest.cpp - Each verifier rule, broken and reported ---------===//
//
// Check that every rule of the verifier fires on a graph that breaks it and
// that the message names the element, the field, the value and the rule.
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"
#include "support/TestGraphs.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

using namespace axon;
using namespace axon::ir;

namespace {

struct BrokenRule {
  const char *what;
  std::function<void(Graph &)> breakIt;
  const char *expected; ///< substring of the diagnostic
  bool placed = false;  ///< start from the PLACED graph
};

std::string verifyMessage(const Graph &g) {
  llvm::Error err = verifyGraph(g, "net.axon");
  if (!err)
    return "";
  return llvm::toString(std::move(err));
}

} // namespace

TEST_CASE("valid graphs at every level pass the verifier", "[ir]") {
  CHECK(verifyMessage(test::makeFloatGraph()).empty());
  CHECK(verifyMessage(test::makePlacedGraph()).empty());
}

TEST_CASE("each broken rule is reported with element, field, value and rule",
          "[ir]") {
  const float nan = std::nanf("");
  std::vector<BrokenRule> rules = {
      {"dt", [](Graph &g) { g.dtMs = 0; }, "graph: dt_ms = 0: must be finite and > 0"},
      {"version", [](Graph &g) { g.version = 9; }, "graph: version = 9: this build reads versions 1 to 1"},
      {"accuracy", [](Graph &g) { g.provenance.accuracy = 1.5; }, "provenance: accuracy = 1.5: must be a fraction in [0, 1]"},
      {"duplicate name", [](Graph &g) { g.populations[1].name = "hidden"; }, "population 'hidden': name = 'hidden': names of inputs and populations must be unique"},
      {"input/pop clash", [](Graph &g) { g.populations[0].name = "in"; }, "names of inputs and populations must be unique"},
      {"empty name", [](Graph &g) { g.inputs[0].name = ""; }, "input #0: name = \"\": must not be empty"},
      {"duplicate projection", [](Graph &g) { g.projections[1].name = "in->hidden"; }, "projection 'in->hidden': name = 'in->hidden': projection names must be unique"},
      {"size zero", [](Graph &g) { g.populations[1].size = 0; }, "population 'out': size = 0: must be > 0"},
      {"input size zero", [](Graph &g) { g.inputs[0].size = 0; }, "input 'in': size = 0: must be > 0"},
      {"tau_mem", [](Graph &g) { g.populations[0].params.tauMemMs = -5; }, "population 'hidden': tau_mem_ms = -5: must be finite and > 0"},
      {"tau_syn", [](Graph &g) { g.populations[1].params.tauSynMs = 0; }, "population 'out': tau_syn_ms = 0: must be finite and > 0"},
      {"reset above threshold", [](Graph &g) { g.populations[0].params.reset = 2; }, "population 'hidden': reset = 2: must be below threshold = 1"},
      {"refractory", [](Graph &g) { g.populations[0].params.refractoryMs = -1; }, "population 'hidden': refractory_ms = -1: must be finite and >= 0"},
      {"bias NaN", [&](Graph &g) { g.populations[0].params.bias = nan; }, "population 'hidden': bias = nan: must be finite"},
      {"bias count", [](Graph &g) { g.populations[0].bias = {1, 2, 3}; }, "population 'hidden': bias has 3 entries: must be empty or one per neuron (2)"},
      {"relay at FLOAT", [](Graph &g) { g.populations[0].kind = NeuronKind::Relay; }, "population 'hidden': kind = RELAY: relay populations exist only from DISCRETE level on (graph is FLOAT)"},
      {"source missing", [](Graph &g) { g.projections[0].source = "ghost"; }, "projection 'in->hidden': source = 'ghost': no input or population of that name"},
      {"target missing", [](Graph &g) { g.projections[0].target = "ghost"; }, "projection 'in->hidden': target = 'ghost': no population of that name"},
      {"target input", [](Graph &g) { g.projections[0].target = "in"; }, "projection 'in->hidden': target = 'in': is an input; a projection must end at a population"},
      {"dense size", [](Graph &g) { g.projections[0].weights.pop_back(); }, "projection 'in->hidden': weights has 5 entries: DENSE 3 x 2 needs 6"},
      {"one-to-one sizes", [](Graph &g) { g.populations[1].size = 3; }, "projection 'hidden->out': connectivity = ONE_TO_ONE: source size 2 differs from target size 3"},
      {"sparse arrays", [](Graph &g) { g.projections[1].pre.push_back(0); }, "projection 'rec': pre, post and weights have 3, 2 and 2 entries: SPARSE needs them equal"},
      {"sparse range", [](Graph &g) { g.projections[1].post[1] = 7; }, "projection 'rec' synapse 1: (pre, post) = (1, 7): out of range for 2 x 2"},
      {"indices on dense", [](Graph &g) { g.projections[0].pre = {0}; }, "projection 'in->hidden': pre/post index arrays are set: only SPARSE connectivity has them"},
      {"weight NaN", [&](Graph &g) { g.projections[0].weights[4] = nan; }, "projection 'in->hidden' synapse 4: weight = nan: must be finite"},
      {"delay count", [](Graph &g) { g.projections[0].delaysMs.pop_back(); }, "projection 'in->hidden': delays_ms has 5 entries: must be empty or one per synapse (6)"},
      {"negative delay", [](Graph &g) { g.projections[0].delaysMs[2] = -1; }, "projection 'in->hidden' synapse 2: delay_ms = -1: must be finite and >= 0"},
      {"steps at FLOAT", [](Graph &g) { g.projections[0].delaySteps = {1, 2, 3, 4, 5, 6}; }, "projection 'in->hidden': delay_steps is set: integer delays exist only from DISCRETE level on (graph is FLOAT)"},
      {"int weights at FLOAT", [](Graph &g) { g.projections[2].weightsInt = {1, 2}; }, "projection 'hidden->out': weights_int is set: integer weights exist only from QUANTISED level on (graph is FLOAT)"},
      {"output missing", [](Graph &g) { g.outputs[0].population = "ghost"; }, "output 'ghost': population = 'ghost': no population of that name"},
      {"class names", [](Graph &g) { g.outputs[0].classNames = {"a"}; }, "output 'out': class_names has 1 entries: must be empty or one per neuron (2)"},
      {"spike decoding on LI", [](Graph &g) { g.outputs[0].decoding = Decoding::SpikeCount; }, "output 'out': decoding = SPIKE_COUNT: population 'out' does not spike"},
      {"routes at FLOAT", [](Graph &g) { g.routes.push_back({}); }, "graph: routes are set: routing exists only at PLACED level (graph is FLOAT)"},
      // Lower levels.
      {"missing steps", [](Graph &g) { g.projections[0].delaySteps.clear(); }, "projection 'in->hidden': delay_steps is empty but delays_ms is set: a PLACED graph needs integer delays", true},
      {"step count", [](Graph &g) { g.projections[0].delaySteps.pop_back(); }, "projection 'in->hidden': delay_steps has 5 entries: must be empty or one per synapse (6)", true},
      {"int weight count", [](Graph &g) { g.projections[0].weightsInt.pop_back(); }, "projection 'in->hidden': weights_int has 5 entries: needs one per synapse (6)", true},
      {"weight bits", [](Graph &g) { g.projections[0].quantisation.bits = 40; }, "projection 'in->hidden': quantisation.bits = 40: must be in [2, 32]", true},
      {"weight overflow", [](Graph &g) { g.projections[0].weightsInt[1] = 256; }, "projection 'in->hidden' synapse 1: weight_int = 256: does not fit 9 signed bits", true},
      {"weight scale", [](Graph &g) { g.projections[0].quantisation.scale = 0; }, "projection 'in->hidden': quantisation.scale = 0: must be finite and > 0", true},
      {"state bits", [](Graph &g) { g.populations[0].fixed.stateBits = 80; }, "population 'hidden': fixed.state_bits = 80: must be in [2, 64]", true},
      {"frac bits", [](Graph &g) { g.populations[0].fixed.stateFracBits = 24; }, "population 'hidden': fixed.state_frac_bits = 24: must be below state_bits = 24", true},
      {"threshold width", [](Graph &g) { g.populations[0].fixed.threshold = int64_t(1) << 23; }, "population 'hidden': fixed.threshold = 8388608: does not fit 24 signed bits", true},
      {"state scale", [](Graph &g) { g.populations[0].fixed.stateScale = 0; }, "population 'hidden': fixed.state_scale = 0: must be finite and > 0", true},
      {"decay bits", [](Graph &g) { g.populations[0].fixed.decayBits = 0; }, "population 'hidden': fixed.decay_bits = 0: must be in [1, 32]", true},
      {"decay range", [](Graph &g) { g.populations[0].fixed.decayMem = 5000; }, "population 'hidden': fixed.decay_mem = 5000: exceeds 2^decay_bits = 4096", true},
      {"placement", [](Graph &g) { g.populations[1].placement.core.pop_back(); }, "population 'out': placement.core has 1 entries: must have one per neuron (2)", true},
      {"input placement", [](Graph &g) { g.inputs[0].placement.slot = {1}; }, "input 'in': placement.slot has 1 entries: must have one per neuron (3)", true},
  };
  for (const BrokenRule &rule : rules) {
    CAPTURE(rule.what);
    Graph g = rule.placed ? test::makePlacedGraph() : test::makeFloatGraph();
    rule.breakIt(g);
    std::string msg = verifyMessage(g);
    CHECK_THAT(msg, Catch::StartsWith("net.axon: "));
    CHECK_THAT(msg, Catch::Contains(rule.expected));
  }
}

TEST_CASE("the verifier reports every broken rule at once, up to a cap",
          "[ir]") {
  Graph g = test::makeFloatGraph();
  g.dtMs = -1;
  g.populations[0].params.tauMemMs = 0;
  std::string msg = verifyMessage(g);
  CHECK_THAT(msg, Catch::Contains("dt_ms = -1"));
  CHECK_THAT(msg, Catch::Contains("tau_mem_ms = 0"));

  ir::Projection dup;
  dup.name = "dup";
  dup.source = "in";
  dup.target = "hidden";
  for (int i = 0; i < 80; ++i)
    g.projections.push_back(dup);
  msg = verifyMessage(g);
  CHECK_THAT(msg, Catch::Contains("more"));
}
