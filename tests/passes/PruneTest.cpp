//===- PruneTest.cpp - Remove synapses that carry no weight ---------------===//
#include "passes/Prune.h"

#include "passes/PassContext.h"

#include "PassTestSupport.h"
#include "ir/Verifier.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::passes;

TEST_CASE("prune removes zero weights and makes DENSE projections SPARSE",
          "[passes][golden]") {
  ir::Graph g = test::makeFloatGraph();
  // in->hidden is DENSE 3 x 2, synapse (i, j) at 2i + j: zero (0, 1) and
  // (2, 0). hidden->out is ONE_TO_ONE: zero both, so it goes.
  g.projections[0].weights = {0.5f, 0.0f, 1.0f, 0.75f, -0.0f, 2.0f};
  g.projections[2].weights = {0.0f, 0.0f};
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  PrunePass prune;
  REQUIRE(test::errorText(prune.run(g, ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");

  REQUIRE(g.projections.size() == 2);
  const ir::Projection &a = g.projections[0];
  CHECK(a.connectivity == ir::Connectivity::Sparse);
  CHECK(a.pre == std::vector<uint32_t>{0, 1, 1, 2});
  CHECK(a.post == std::vector<uint32_t>{0, 0, 1, 1});
  CHECK(a.weights == std::vector<float>{0.5f, 1.0f, 0.75f, 2.0f});
  CHECK(a.delaysMs == std::vector<float>{1, 0, 10, 62}); // filtered alike
  CHECK(g.projections[1].name == "rec");                 // untouched
  CHECK(g.projections[1].weights == std::vector<float>{0.3f, -0.2f});

  const Statistics &s = ctx.statistics();
  CHECK(s.counter("prune", "synapses-removed") == 4u);
  CHECK(s.counter("prune", "synapses-quantised-to-zero") == 0u);
  CHECK(s.counter("prune", "projections-sparsified") == 2u);
  CHECK(s.counter("prune", "projections-removed") == 1u);
}

TEST_CASE("prune leaves a graph without zero weights unchanged", "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  ir::Graph before = g;
  PassContext ctx(nullptr, "", kDefaultSeed);
  REQUIRE(test::errorText(PrunePass().run(g, ctx)) == "");
  CHECK(g == before);
  CHECK(ctx.statistics().counter("prune", "synapses-removed") == 0u);
}

TEST_CASE("prune at QUANTISED level also removes weights quantised to zero",
          "[passes]") {
  ir::Graph g = test::makePlacedGraph();
  g.level = ir::IRLevel::Quantised;
  g.routes.clear();
  // rec: SPARSE {0 -> 1, 1 -> 0}; the second's integer weight is 0.
  g.projections[1].weightsInt = {19, 0};
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
  PassContext ctx(nullptr, "", kDefaultSeed);
  REQUIRE(test::errorText(PrunePass().run(g, ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
  const ir::Projection &rec = g.projections[1];
  CHECK(rec.pre == std::vector<uint32_t>{0});
  CHECK(rec.weightsInt == std::vector<int32_t>{19});
  CHECK(rec.delaySteps == std::vector<uint32_t>{8});
  CHECK(ctx.statistics().counter("prune", "synapses-quantised-to-zero") == 1u);
}
