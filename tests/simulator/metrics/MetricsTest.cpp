//===- MetricsTest.cpp - NeuroBench figures worked by hand ----------------===//
#include "simulator/metrics/Metrics.h"
#include "simulator/metrics/MetricsReport.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::sim;
using namespace axon::sim::metrics;
using axon::test::errorText;

namespace {

/// in(2) -> hidden(3, CUBA_LIF) -> out(2, LI), dense, one zero weight in
/// each projection:
///   in->hidden   rows in0: [0.5, 0, 1]   in1: [1, -1, 2]
///   hidden->out  rows h0: [1, 2]  h1: [0, 1]  h2: [3, 4]
/// Nonzero fan-out: in0 2, in1 3; h0 2, h1 1, h2 2.
ir::Graph tinyGraph() {
  ir::Graph g;
  g.name = "tiny";
  g.level = ir::IRLevel::Float;
  g.dtMs = 1.0;
  g.inputs.push_back({"in", 2, {}});
  ir::Population h;
  h.name = "hidden";
  h.size = 3;
  h.kind = ir::NeuronKind::CubaLIF;
  g.populations.push_back(h);
  ir::Population o;
  o.name = "out";
  o.size = 2;
  o.kind = ir::NeuronKind::LeakyIntegrator;
  g.populations.push_back(o);
  ir::Projection a;
  a.name = "in->hidden";
  a.source = "in";
  a.target = "hidden";
  a.weights = {0.5f, 0.0f, 1.0f, 1.0f, -1.0f, 2.0f};
  g.projections.push_back(a);
  ir::Projection b;
  b.name = "hidden->out";
  b.source = "hidden";
  b.target = "out";
  b.weights = {1.0f, 2.0f, 0.0f, 1.0f, 3.0f, 4.0f};
  g.projections.push_back(b);
  g.outputs.push_back({"out", ir::Decoding::MaxVoltage, {}});
  return g;
}

TrialResult hiddenSpikes(std::vector<SpikeEvent> spikes) {
  TrialResult r;
  r.populations.push_back({"hidden", 3, std::move(spikes)});
  return r;
}

} // namespace

TEST_CASE("static metrics of a tiny graph", "[metrics]") {
  ir::Graph g = tinyGraph();
  // 2 zeros of 2 x 3 + 3 x 2 = 12 possible connections.
  CHECK(connectionSparsity(g, WeightKind::Float) == Approx(2.0 / 12));
  // Weights 12 x 4 B, constants 2 populations x 6 x 4 B, state (3 + 2)
  // neurons x (V, I) x 4 B: 48 + 48 + 40.
  CHECK(floatFootprintBytes(g) == 136);

  SECTION("delays add their values and the target's delay buffer") {
    // 6 float delays (24 B); the largest, 3 ms = 3 steps at dt 1, into 3
    // hidden neurons: 3 x 3 x 4 B = 36 B.
    g.projections[0].delaysMs = {0, 1, 2, 0, 0, 3};
    CHECK(floatFootprintBytes(g) == 136 + 24 + 36);
  }

  SECTION("sparse and one-to-one projections count their possible "
          "connections") {
    // hidden->out as COO with 2 stored synapses, one of them zero: 6
    // possible, 5 zero; plus the dense 6 with 1 zero: 6 / 12. Its uint32
    // pre and post indices count in the footprint.
    ir::Projection &b = g.projections[1];
    b.connectivity = ir::Connectivity::Sparse;
    b.pre = {0, 2};
    b.post = {1, 0};
    b.weights = {2.0f, 0.0f};
    CHECK(connectionSparsity(g, WeightKind::Float) == Approx(6.0 / 12));
    CHECK(floatFootprintBytes(g) == 136 - (6 - 2) * 4 + (2 + 2) * 4);
    // One-to-one hidden(3) -> hidden2(3): 3 possible connections.
    ir::Population h2 = g.populations[0];
    h2.name = "hidden2";
    g.populations.push_back(h2);
    ir::Projection c;
    c.name = "hidden->hidden2";
    c.source = "hidden";
    c.target = "hidden2";
    c.connectivity = ir::Connectivity::OneToOne;
    c.weights = {1.0f, 0.0f, 1.0f};
    g.projections.push_back(c);
    CHECK(connectionSparsity(g, WeightKind::Float) == Approx(7.0 / 15));
  }

  SECTION("integer weights that quantised to zero are zero connections") {
    g.projections[0].weightsInt = {1, 0, 0, 2, -2, 4};
    g.projections[1].weightsInt = {1, 2, 0, 1, 3, 4};
    CHECK(connectionSparsity(g, WeightKind::Integer) == Approx(3.0 / 12));
  }
}

TEST_CASE("workload metrics of two hand-made trials", "[metrics]") {
  ir::Graph g = tinyGraph();
  auto acc = MetricsAccumulator::create(g);
  REQUIRE(errorText(acc) == "");
  // Trial 1 (10 steps): inputs in0, in1, in1 -> 2 + 3 + 3 = 8 ACs; hidden
  // spikes h0, h2, h2 -> 2 + 2 + 2 = 6 ACs; 14 in all. Label 1, decided 1.
  TrialInput one{10, {{0, 0, 0}, {1, 0, 1}, {4, 0, 1}}};
  REQUIRE(errorText(acc->add(one, hiddenSpikes({{2, 0}, {3, 2}, {5, 2}}), 1,
                             1)) == "");
  // Trial 2 (10 steps): in0 -> 2 ACs; h1 -> 1 AC; 3 in all. Label 0,
  // decided 1.
  TrialInput two{10, {{0, 0, 0}}};
  REQUIRE(errorText(acc->add(two, hiddenSpikes({{3, 1}}), 0, 1)) == "");
  Metrics m = acc->metrics();
  CHECK(m.samples == 2);
  CHECK(m.correct == 1);
  CHECK(m.accuracy == 0.5);
  CHECK(m.footprintBytes == 136);
  CHECK(m.connectionSparsity == Approx(2.0 / 12));
  // (14 + 3) / 2 ACs per trial; no MACs; 12 possible connections x 10
  // steps.
  CHECK(m.synapticOperations.effectiveACs == 8.5);
  CHECK(m.synapticOperations.effectiveMACs == 0.0);
  CHECK(m.synapticOperations.dense == 120.0);
  // 4 spikes of 3 hidden neurons x 10 steps x 2 trials; the leaky
  // integrator readout is not counted.
  CHECK(m.spikes == 4);
  CHECK(m.neuronSteps == 60);
  CHECK(m.activationSparsity == Approx(1.0 - 4.0 / 60));
}

TEST_CASE("relay spikes cost synaptic operations but are not activations",
          "[metrics]") {
  ir::Graph g = tinyGraph();
  g.level = ir::IRLevel::Discrete;
  ir::Population relay;
  relay.name = "hidden.relay1";
  relay.size = 3;
  relay.kind = ir::NeuronKind::Relay;
  g.populations.push_back(relay);
  ir::Projection stage;
  stage.name = "hidden->hidden.relay1";
  stage.source = "hidden";
  stage.target = "hidden.relay1";
  stage.connectivity = ir::Connectivity::OneToOne;
  stage.weights = {1.0f, 1.0f, 1.0f};
  g.projections.push_back(stage);
  auto acc = MetricsAccumulator::create(g);
  REQUIRE(errorText(acc) == "");
  TrialResult r = hiddenSpikes({{2, 0}});
  r.populations.push_back({"hidden.relay1", 3, {{3, 0}}});
  REQUIRE(errorText(acc->add({5, {}}, r, 0, 0)) == "");
  Metrics m = acc->metrics();
  // h0 now reaches 2 out neurons and its relay: 3 ACs; the relay's own
  // spike walks its 0 outgoing synapses.
  CHECK(m.synapticOperations.effectiveACs == 3.0);
  CHECK(m.spikes == 1);
  CHECK(m.neuronSteps == 15);
  // 12 + 3 possible connections x 5 steps.
  CHECK(m.synapticOperations.dense == 75.0);
}

TEST_CASE("the accumulator rejects what the graph does not have",
          "[metrics]") {
  ir::Graph g = tinyGraph();
  auto acc = MetricsAccumulator::create(g);
  REQUIRE(errorText(acc) == "");
  TrialResult ghost;
  ghost.populations.push_back({"ghost", 1, {{1, 0}}});
  CHECK_THAT(errorText(acc->add({5, {}}, ghost, 0, 0)),
             Catch::Contains("population 'ghost': the trial reports spikes "
                             "of a population the graph does not have"));
  CHECK_THAT(errorText(acc->add({5, {}}, hiddenSpikes({{1, 3}}), 0, 0)),
             Catch::Contains("spike of neuron 3 beyond its 3 neurons"));
  CHECK_THAT(errorText(acc->add({5, {{0, 0, 2}}}, {}, 0, 0)),
             Catch::Contains("input 0 channel 2 is not in the graph"));
  // Nothing of the failed trials was counted.
  CHECK(acc->metrics().samples == 0);

  MetricsOptions integer;
  integer.weights = WeightKind::Integer;
  llvm::Expected<MetricsAccumulator> noInts =
      MetricsAccumulator::create(g, integer);
  CHECK_THAT(errorText(noInts),
             Catch::Contains("projection 'in->hidden': has 0 integer weights "
                             "for 6 synapses"));
}

TEST_CASE("a chip's footprint is taken as given", "[metrics]") {
  MetricsOptions o;
  o.footprintBytes = 4096;
  auto acc = MetricsAccumulator::create(tinyGraph(), o);
  REQUIRE(errorText(acc) == "");
  CHECK(acc->metrics().footprintBytes == 4096);
}

TEST_CASE("metrics print as a table and as NeuroBench-keyed JSON",
          "[metrics]") {
  Metrics a;
  a.samples = 4;
  a.correct = 3;
  a.accuracy = 0.75;
  a.footprintBytes = 1024;
  a.connectionSparsity = 0.25;
  a.activationSparsity = 0.5;
  a.synapticOperations = {0.0, 12.5, 200.0};
  Metrics b = a;
  b.accuracy = 0.5;
  b.footprintBytes = 96;

  CHECK(metricsJson(a) ==
        "{\"samples\": 4, \"ClassificationAccuracy\": 0.75, \"Footprint\": "
        "1024, \"ConnectionSparsity\": 0.25, \"ActivationSparsity\": 0.5, "
        "\"SynapticOperations\": {\"Effective_MACs\": 0, \"Effective_ACs\": "
        "12.5, \"Dense\": 200}}");
  std::string both = metricsJson({{"float", a}, {"chip \"1\"", b}});
  CHECK_THAT(both, Catch::StartsWith("{\"float\": {\"samples\": 4,"));
  CHECK_THAT(both, Catch::Contains(", \"chip \\\"1\\\"\": {\"samples\": 4, "
                                   "\"ClassificationAccuracy\": 0.5,"));
  a.activationSparsity = std::nan("");
  CHECK_THAT(metricsJson(a), Catch::Contains("\"ActivationSparsity\": null"));

  // Labels padded to the longest (23 characters), columns right-aligned to
  // the wider of their name and their widest figure ("1024", "0.7500").
  std::string table = formatMetricsTable({{"float", b}, {"chip", a}});
  CHECK_THAT(table, Catch::StartsWith("metric                    float    "
                                      "chip\n"));
  CHECK_THAT(table, Catch::Contains("\naccuracy                 0.5000  "
                                    "0.7500\n"));
  CHECK_THAT(table, Catch::Contains("\nfootprint (bytes)            96    "
                                    "1024\n"));
  CHECK_THAT(table, Catch::Contains("\neffective ACs / sample     12.5    "
                                    "12.5\n"));
}
