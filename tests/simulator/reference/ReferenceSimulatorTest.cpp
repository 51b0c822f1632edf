//===- ReferenceSimulatorTest.cpp - The reference on hand-worked traces ---===//
#include "simulator/reference/ReferenceSimulator.h"

#include "ir/Serialize.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace axon;
using namespace axon::sim;
using namespace axon::sim::reference;
using axon::test::errorText;

namespace {

ir::Population population(std::string name, uint32_t size, ir::NeuronKind kind,
                          ir::NeuronParams params) {
  ir::Population p;
  p.name = std::move(name);
  p.size = size;
  p.kind = kind;
  p.params = params;
  return p;
}

ir::Projection projection(std::string source, std::string target,
                          ir::Connectivity c, std::vector<float> weights) {
  ir::Projection p;
  p.name = source + "->" + target;
  p.source = std::move(source);
  p.target = std::move(target);
  p.connectivity = c;
  p.weights = std::move(weights);
  return p;
}

/// in(1) -> out(1), readout `out` decoded by max voltage.
ir::Graph singleNeuron(ir::IRLevel level, double dtMs, ir::NeuronKind kind,
                       ir::NeuronParams params, float weight) {
  ir::Graph g;
  g.name = "single";
  g.level = level;
  g.dtMs = dtMs;
  g.inputs.push_back({"in", 1, {}});
  g.populations.push_back(population("out", 1, kind, params));
  g.projections.push_back(
      projection("in", "out", ir::Connectivity::Dense, {weight}));
  g.outputs.push_back({"out", ir::Decoding::MaxVoltage, {}});
  return g;
}

TrialResult runOrFail(ReferenceSimulator &sim, const TrialInput &input,
                      RunOptions options = {}) {
  llvm::Expected<TrialResult> r = sim.run(input, options);
  REQUIRE(errorText(r) == "");
  return std::move(*r);
}

std::unique_ptr<ReferenceSimulator> simulatorOf(const ir::Graph &g,
                                                ReferenceOptions o = {}) {
  auto sim = ReferenceSimulator::create(g, o, "test.axon");
  REQUIRE(errorText(sim) == "");
  return std::move(*sim);
}

/// V(t) of a current-based neuron at rest hit at t = 0 by a weight w:
/// tau_m dV/dt = -V + I, I = w e^{-t/tau_s}.
double cubaResponse(double w, double tauMem, double tauSyn, double t) {
  return w * tauSyn / (tauMem - tauSyn) *
         (std::exp(-t / tauMem) - std::exp(-t / tauSyn));
}

} // namespace

TEST_CASE("the float reference follows the closed-form response of a "
          "current-based neuron",
          "[reference]") {
  // Check that one input spike at grid 2 makes V(n) = w k(t_n - t_2) at
  // every later grid point (exact integration per step), 0 up to grid 2
  // (the arrival enters I before step 2, so V first moves at grid 3).
  const double dt = 0.5, tauMem = 10, tauSyn = 5;
  ir::Graph g = singleNeuron(ir::IRLevel::Float, dt,
                             ir::NeuronKind::LeakyIntegrator,
                             {tauMem, tauSyn, 1, 0, 0, 0}, 2.0f);
  auto sim = simulatorOf(g);
  TrialResult r = runOrFail(*sim, {20, {{2, 0, 0}}});
  REQUIRE(r.readout.voltage.size() == 21);
  CHECK(r.readout.population == "out");
  CHECK(r.readout.decoding == Decoding::MaxVoltage);
  CHECK(r.readout.stateScale == 1.0);
  for (uint32_t n = 0; n <= 20; ++n) {
    double expected = n <= 2 ? 0.0 : cubaResponse(2.0, tauMem, tauSyn,
                                                  (n - 2.0) * dt);
    CHECK(r.readout.voltage[n] == Approx(expected).margin(1e-6));
  }
  // A leaky integrator does not spike: no spiking population is reported.
  CHECK(r.populations.empty());
  CHECK(r.counters.steps == 20);
  CHECK(r.counters.synapticEvents == 1);
  CHECK(r.counters.neuronUpdates == 20);
}

TEST_CASE("a current-based LIF neuron spikes at the grid point after its "
          "crossing and resets",
          "[reference]") {
  // Check against the closed form 3 (e^{-t/10} - e^{-t/5}) (weight 3,
  // tau_m 10, tau_s 5, dt 1, input at grid 0): V(1) = 0.2583, V(2) =
  // 0.4452 < 0.5, V(3) = 0.5760 >= 0.5, so the crossing is in step 2, the
  // spike AT grid 3, and V(3) is already the reset, -0.25.
  ir::Graph g = singleNeuron(ir::IRLevel::Float, 1.0, ir::NeuronKind::CubaLIF,
                             {10, 5, 0.5, -0.25, 0, 0}, 3.0f);
  g.outputs[0].decoding = ir::Decoding::FirstSpike;
  auto sim = simulatorOf(g);
  TrialResult r = runOrFail(*sim, {6, {{0, 0, 0}}}, {true});
  REQUIRE(r.populations.size() == 1);
  CHECK(r.populations[0].population == "out");
  REQUIRE(r.populations[0].spikes.size() == 1);
  CHECK(r.populations[0].spikes[0] == SpikeEvent{3, 0});
  REQUIRE(r.readout.voltage.size() == 7);
  CHECK(r.readout.voltage[1] == Approx(0.2583).margin(1e-4));
  CHECK(r.readout.voltage[2] == Approx(0.4452).margin(1e-4));
  CHECK(r.readout.voltage[3] == -0.25);
  CHECK(r.counters.spikes == 1);
}

TEST_CASE("a delay of D steps adds the spike to the current before step "
          "s + D",
          "[reference]") {
  // Check at FLOAT level (1.5 ms at dt 0.5 = 3 steps) and DISCRETE level
  // (delay_steps 3) alike: the spike entering at grid 4 arrives before
  // step 7, so V is 0 up to grid 7 and positive from grid 8.
  ir::Graph g = singleNeuron(ir::IRLevel::Float, 0.5,
                             ir::NeuronKind::LeakyIntegrator,
                             {10, 5, 1, 0, 0, 0}, 1.0f);
  g.projections[0].delaysMs = {1.5f};
  ir::Graph d = g;
  d.level = ir::IRLevel::Discrete;
  d.projections[0].delaySteps = {3};
  for (const ir::Graph *graph : {&g, &d}) {
    auto sim = simulatorOf(*graph);
    TrialResult r = runOrFail(*sim, {12, {{4, 0, 0}}});
    for (uint32_t n = 0; n <= 12; ++n) {
      double expected =
          n <= 7 ? 0.0 : cubaResponse(1.0, 10, 5, (n - 7.0) * 0.5);
      CHECK(r.readout.voltage[n] == Approx(expected).margin(1e-6));
    }
  }
}

TEST_CASE("a relay fires one step after a spike reaches it", "[reference]") {
  // Check in -> relay (delay 2) -> out (delay 3), DISCRETE: the input at
  // grid 1 reaches the relay before step 3, it fires at grid 4, and that
  // spike reaches `out` before step 7: V(out) first moves at grid 8.
  ir::Graph g;
  g.name = "relay";
  g.level = ir::IRLevel::Discrete;
  g.dtMs = 1.0;
  g.inputs.push_back({"in", 2, {}});
  g.populations.push_back(population("in.relay1", 2, ir::NeuronKind::Relay,
                                     {20, 5, 0.5, 0, 0, 0}));
  g.populations.push_back(population("out", 2, ir::NeuronKind::LeakyIntegrator,
                                     {10, 5, 1, 0, 0, 0}));
  ir::Projection stage = projection("in", "in.relay1",
                                    ir::Connectivity::OneToOne, {1.0f, 1.0f});
  stage.delaySteps = {2, 2};
  ir::Projection hop = projection("in.relay1", "out",
                                  ir::Connectivity::OneToOne, {1.0f, 1.0f});
  hop.delaySteps = {3, 3};
  g.projections = {stage, hop};
  g.outputs.push_back({"out", ir::Decoding::MaxVoltage, {}});
  auto sim = simulatorOf(g);
  TrialResult r = runOrFail(*sim, {12, {{1, 0, 1}, {5, 0, 0}}});
  REQUIRE(r.populations.size() == 1);
  CHECK(r.populations[0].population == "in.relay1");
  // Channel 1 at grid 1 -> relay 1 at grid 4; channel 0 at 5 -> grid 8.
  CHECK(r.populations[0].spikes ==
        std::vector<SpikeEvent>{{4, 1}, {8, 0}});
  const auto v = [&](uint32_t n, uint32_t k) {
    return r.readout.voltage[n * 2 + k];
  };
  CHECK(v(7, 1) == 0.0);
  CHECK(v(8, 1) > 0.0);
  CHECK(v(11, 0) == 0.0);
  CHECK(v(12, 0) > 0.0);
}

TEST_CASE("integer mode follows a hand-worked fixed-point trace",
          "[reference]") {
  // One CUBA_LIF neuron, decay_mem 3072/4096 (0.75), decay_syn 2048/4096
  // (0.5), threshold 100, reset 0, refractory 1 step, weight 40 << 1 = 80
  // state units; inputs at grids 0 and 1. By hand (floor shifts):
  //   step 0: u = 80; v = 0 + 80 = 80; u = 40
  //   step 1: u = 40 + 80 = 120; v = 60 + 120 = 180 >= 100: spike at
  //           grid 2, v = 0; u = 60
  //   step 2: v = 0 + 60 = 60, refractory: held at 0; u = 30
  //   step 3: v = 0 + 30 = 30; u = 15
  //   step 4: v = floor(22.5) + 15 = 37; u = floor(7.5) = 7
  //   step 5: v = floor(27.75) + 7 = 34; u = 3
  // V sampled before each step: 0, 80, 0, 0, 30, 37, 34.
  ir::Graph g = singleNeuron(ir::IRLevel::Quantised, 1.0,
                             ir::NeuronKind::CubaLIF, {20, 5, 1, 0, 1, 0},
                             1.0f);
  g.outputs[0].decoding = ir::Decoding::FirstSpike;
  ir::Population &p = g.populations[0];
  p.fixed.threshold = 100;
  p.fixed.reset = 0;
  p.fixed.bias = 0;
  p.fixed.decayMem = 3072;
  p.fixed.decaySyn = 2048;
  p.fixed.decayBits = 12;
  p.fixed.stateBits = 16;
  p.fixed.stateFracBits = 6;
  p.fixed.refractorySteps = 1;
  p.fixed.stateScale = 0.01;
  g.projections[0].delaySteps = {0};
  g.projections[0].weightsInt = {40};
  g.projections[0].quantisation = {8, 1.0 / 64, 1};

  ReferenceOptions o;
  o.mode = ReferenceMode::Integer;
  auto sim = simulatorOf(g, o);
  TrialInput input{6, {{0, 0, 0}, {1, 0, 0}}};
  TrialResult r = runOrFail(*sim, input, {true});
  REQUIRE(r.populations.size() == 1);
  CHECK(r.populations[0].spikes == std::vector<SpikeEvent>{{2, 0}});
  CHECK(r.readout.voltage ==
        std::vector<double>{0, 80, 0, 0, 30, 37, 34});
  CHECK(r.readout.stateScale == 0.01);
  CHECK(r.counters.overflows == 0);

  SECTION("a strict comparison does not fire at exactly the threshold") {
    // Threshold 180: v = 180 at step 1 fires under >= (spike at grid 2);
    // under > the neuron waits for step 2, v = 135 + 60 = 195 (grid 3).
    g.populations[0].fixed.threshold = 180;
    auto geq = simulatorOf(g, o);
    CHECK(runOrFail(*geq, input).populations[0].spikes ==
          std::vector<SpikeEvent>{{2, 0}});
    o.integer.compare = IntegerArithmetic::Compare::Greater;
    auto gt = simulatorOf(g, o);
    CHECK(runOrFail(*gt, input).populations[0].spikes ==
          std::vector<SpikeEvent>{{3, 0}});
  }

  SECTION("states saturate at the state width and count it") {
    // 8-bit state [-128, 127], threshold 127 under > (never reached):
    // step 1 makes v = 60 + 120 = 180 -> 127; step 2 makes v =
    // floor(127 * 0.75) + 60 = 155 -> 127 again; then 95 + 30 = 125 fits.
    // Two overflows, no spike.
    g.populations[0].fixed.stateBits = 8;
    g.populations[0].fixed.threshold = 127;
    o.integer.compare = IntegerArithmetic::Compare::Greater;
    auto sim8 = simulatorOf(g, o);
    TrialResult s = runOrFail(*sim8, input, {true});
    CHECK(s.readout.voltage[2] == 127);
    CHECK(s.readout.voltage[3] == 127);
    CHECK(s.readout.voltage[4] == 125);
    CHECK(s.counters.overflows == 2);
    CHECK(s.populations[0].spikes.empty());
  }

  SECTION("toward-zero decay differs from floor on negative states") {
    // A weight of -40 << 1 = -80: step 0: u = -80, v = -80, u = -40;
    // step 1: u = -120, v = -60 - 120 = -180, u = -60; step 2: v =
    // (-180 * 0.75 = -135) - 60 = -195 with either rounding; u = -30;
    // step 3: v = -146.25 -> -147 (floor) or -146 (toward zero), - 30 =
    // -177 or -176 at grid 4.
    g.projections[0].weightsInt = {-40};
    TrialResult floor = runOrFail(*simulatorOf(g, o), input, {true});
    CHECK(floor.readout.voltage[4] == -177);
    o.integer.decayRounding = IntegerArithmetic::Rounding::TowardZero;
    TrialResult zero = runOrFail(*simulatorOf(g, o), input, {true});
    CHECK(zero.readout.voltage[4] == -176);
  }
}

TEST_CASE("integer mode needs a QUANTISED graph", "[reference]") {
  ir::Graph g = test::makeFloatGraph();
  ReferenceOptions o;
  o.mode = ReferenceMode::Integer;
  auto sim = ReferenceSimulator::create(g, o, "net.axon");
  CHECK_THAT(errorText(sim),
             Catch::Contains("net.axon: graph 't' is at level FLOAT: the "
                             "integer model needs QUANTISED"));
}

TEST_CASE("the reference rejects events outside its layout", "[reference]") {
  auto sim = simulatorOf(test::makeFloatGraph());
  CHECK(sim->layout().inputs == std::vector<InputPort>{{"in", 3}});
  CHECK(sim->layout().readout == "out");
  CHECK(sim->layout().numClasses == 2);
  CHECK(sim->layout().classNames == std::vector<std::string>{"a", "b"});
  llvm::Expected<TrialResult> r = sim->run({5, {{1, 0, 3}}});
  CHECK_THAT(errorText(r), Catch::Contains("channel 3 is out of range for "
                                           "input 'in' of 3 channels"));
  llvm::Expected<TrialResult> late = sim->run({5, {{5, 0, 0}}});
  CHECK_THAT(errorText(late), Catch::Contains("step 5 is not below"));
}

TEST_CASE("the reference loads a graph file's bytes as a device",
          "[reference]") {
  ir::Graph g = test::makeFloatGraph();
  llvm::Expected<std::string> bytes = ir::printGraph(g, ir::GraphFormat::Text);
  REQUIRE(errorText(bytes) == "");
  ReferenceSimulator sim;
  llvm::Expected<TrialResult> empty = sim.run({1, {}});
  CHECK_THAT(errorText(empty), Catch::Contains("no graph loaded"));
  REQUIRE(errorText(sim.load(*bytes, "net.pbtxt")) == "");
  CHECK(sim.layout().graph == "t");
  auto direct = simulatorOf(g);
  TrialInput input{40, {{0, 0, 0}, {0, 0, 1}, {3, 0, 2}, {9, 0, 0}}};
  CHECK(runOrFail(sim, input) == runOrFail(*direct, input));
  CHECK(errorText(sim.load("garbage", "net.axon")) != "");
}
