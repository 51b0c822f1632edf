//===- GraphTest.cpp - Graph lookups and synapse addressing ---------------===//
#include "ir/Graph.h"
#include "ir/Printer.h"
#include "support/TestGraphs.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::ir;

TEST_CASE("findNode resolves inputs and populations by name", "[ir]") {
  Graph g = test::makeFloatGraph();
  auto in = g.findNode("in");
  REQUIRE(in);
  CHECK(in->kind == NodeRef::Kind::Input);
  auto out = g.findNode("out");
  REQUIRE(out);
  CHECK(out->kind == NodeRef::Kind::Population);
  CHECK(out->index == 1);
  CHECK_FALSE(g.findNode("nope"));
  CHECK(g.sizeOf("in") == 3u);
  CHECK(g.numNeurons() == 4);
  CHECK(g.numSynapses() == 10);
}

TEST_CASE("synapseEnds addresses dense rows by presynaptic neuron", "[ir]") {
  Graph g = test::makeFloatGraph();
  // Dense 3 x 2: synapse 3 is (pre 1, post 1).
  CHECK(synapseEnds(g.projections[0], 2, 3) == std::pair<uint32_t, uint32_t>{1, 1});
  CHECK(synapseEnds(g.projections[1], 2, 1) == std::pair<uint32_t, uint32_t>{1, 0});
  CHECK(synapseEnds(g.projections[2], 2, 1) == std::pair<uint32_t, uint32_t>{1, 1});
}

TEST_CASE("summary states sizes, synapse counts and weight statistics",
          "[ir]") {
  std::string s = summariseGraph(test::makeFloatGraph());
  CHECK_THAT(s, Catch::Contains("level FLOAT"));
  CHECK_THAT(s, Catch::Contains("(4 neurons)"));
  CHECK_THAT(s, Catch::Contains("(10 synapses)"));
  // in->hidden weights: min -0.25, max 2, mean 4.25/6.
  CHECK_THAT(s, Catch::Contains("min -0.25  max 2  mean 0.7083"));
  CHECK_THAT(s, Catch::Contains("rec                  hidden -> hidden (recurrent)"));
}

TEST_CASE("series statistics are computed by hand-checkable formulas",
          "[ir]") {
  std::vector<float> v = {1, 2, 3, 4};
  SeriesStats s = seriesStats(v);
  CHECK(s.min == 1);
  CHECK(s.max == 4);
  CHECK(s.mean == Approx(2.5));
  CHECK(s.stddev == Approx(std::sqrt(1.25)));
}
