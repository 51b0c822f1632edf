//===- DiscretiseDelaysTest.cpp - Delays in ms to whole time steps --------===//
//
// Expected step counts are worked out by hand from the delays and dt
// written in each test.
//===----------------------------------------------------------------------===//
#include "passes/DiscretiseDelays.h"

#include "passes/PassContext.h"

#include "PassTestSupport.h"
#include "ir/Format.h"
#include "ir/Verifier.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace axon;
using namespace axon::passes;
using Catch::Matchers::Contains;

namespace {

/// One input "in" (6 channels) -> population "p" (6), ONE_TO_ONE, with the
/// given delays in ms.
ir::Graph oneToOneGraph(std::vector<float> delaysMs) {
  ir::Graph g;
  g.name = "d";
  g.level = ir::IRLevel::Float;
  uint32_t n = static_cast<uint32_t>(delaysMs.size());
  g.inputs.push_back({"in", n, {}});
  g.populations.push_back(test::makePopulation("p", n));
  ir::Projection p;
  p.name = "in->p";
  p.source = "in";
  p.target = "p";
  p.connectivity = ir::Connectivity::OneToOne;
  p.weights.assign(n, 1.0f);
  p.delaysMs = std::move(delaysMs);
  g.projections.push_back(p);
  return g;
}

llvm::Error runPass(ir::Graph &g, PassContext &ctx,
                    llvm::StringRef options = "") {
  DiscretiseDelaysPass pass;
  if (llvm::Error err = pass.parseOptions(options))
    return err;
  return pass.run(g, ctx);
}

} // namespace

TEST_CASE("discretise-delays uses the target's dt and raises delays to its "
          "min_steps",
          "[passes][golden]") {
  ir::Graph g = test::makeFloatGraph();
  g.dtMs = 0.05; // below the 0.1 ms it can tick: resampled at its 1 ms
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runPass(g, ctx)) == "");

  CHECK(g.level == ir::IRLevel::Discrete);
  CHECK(g.dtMs == 1.0);
  // in->hidden delays {1, 3, 0, 10, 5, 62} ms at 1 ms: the 0 is raised to
  // SpiNNaker's minimum of 1 step.
  CHECK(g.projections[0].delaySteps ==
        std::vector<uint32_t>{1, 3, 1, 10, 5, 62});
  CHECK(g.projections[0].delaysMs ==
        std::vector<float>{1, 3, 0, 10, 5, 62}); // kept
  CHECK(g.projections[1].delaySteps == std::vector<uint32_t>{2, 4});
  // hidden->out had no delays: SpiNNaker cannot deliver in the spike's own
  // step, so both synapses get the minimum, 1 step.
  CHECK(g.projections[2].delaySteps == std::vector<uint32_t>{1, 1});
  CHECK(g.populations[0].params.refractoryMs == 2); // still ms
  CHECK(g.target.name == "spinnaker");
  CHECK(g.target.descriptionHash == spinnaker.hash());
  CHECK(test::errorText(ir::verifyGraph(g)) == "");

  const Statistics &s = ctx.statistics();
  CHECK(s.counter("discretise-delays", "delays-converted") == 10u);
  CHECK(s.counter("discretise-delays", "delays-rounded") == 0u);
  CHECK(s.counter("discretise-delays", "delays-raised") == 3u);
  // The three raised delays are 1 ms off; the other seven are exact: mean
  // 3/10.
  CHECK(s.figure("discretise-delays", "max-error-ms") == 1.0);
  CHECK(s.figure("discretise-delays", "mean-error-ms") == Approx(0.3));
}

TEST_CASE("discretise-delays keeps a dt the target can tick at", "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  g.dtMs = 0.5; // within SpiNNaker's [0.1, 1] ms
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runPass(g, ctx)) == "");
  CHECK(g.dtMs == 0.5);
  CHECK(g.projections[0].delaySteps ==
        std::vector<uint32_t>{2, 6, 1, 20, 10, 124});
  CHECK(g.projections[1].delaySteps == std::vector<uint32_t>{4, 8});
}

TEST_CASE("discretise-delays rounds to nearest (ties to even), floor or "
          "ceil",
          "[passes][golden]") {
  // At dt 0.5 ms these are 0.5, 1.5, 2.5, 2.6, 4 and 0.2 steps.
  std::vector<float> delays = {0.25f, 0.75f, 1.25f, 1.3f, 2.0f, 0.1f};
  struct Case {
    const char *rounding;
    std::vector<uint32_t> expected;
  };
  for (const Case &c :
       {Case{"nearest", {0, 2, 2, 3, 4, 0}}, Case{"floor", {0, 1, 2, 2, 4, 0}},
        Case{"ceil", {1, 2, 3, 3, 4, 1}}}) {
    DYNAMIC_SECTION(c.rounding) {
      ir::Graph g = oneToOneGraph(delays);
      PassContext ctx(nullptr, "net.axon", kDefaultSeed);
      REQUIRE(test::errorText(runPass(
                  g, ctx, fmt::format("dt=0.5,rounding={}", c.rounding))) ==
              "");
      CHECK(g.dtMs == 0.5);
      CHECK(g.projections[0].delaySteps == c.expected);
      CHECK(ctx.statistics().counter("discretise-delays", "delays-rounded") ==
            5u);
    }
  }
}

TEST_CASE("discretise-delays reports the largest and mean error in ms",
          "[passes][golden]") {
  ir::Graph g = oneToOneGraph({0.25f, 0.75f, 1.25f, 1.3f, 2.0f, 0.1f});
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runPass(g, ctx, "dt=0.5")) == "");
  // Steps {0, 2, 2, 3, 4, 0} are {0, 1, 1, 1.5, 2, 0} ms: errors 0.25, 0.25,
  // 0.25, 0.2, 0 and 0.1 ms.
  const Statistics &s = ctx.statistics();
  CHECK(*s.figure("discretise-delays", "max-error-ms") == Approx(0.25));
  CHECK(*s.figure("discretise-delays", "mean-error-ms") ==
        Approx(1.05 / 6).epsilon(1e-6));
}

TEST_CASE("discretise-delays does not let float noise move an exact "
          "multiple of dt",
          "[passes]") {
  // 0.3f / 0.1 is 3.0000001..., 0.7f / 0.1 is 6.9999998...: both are 3 and
  // 7 steps under every rounding.
  for (const char *rounding : {"nearest", "floor", "ceil"}) {
    ir::Graph g = oneToOneGraph({0.3f, 0.7f});
    PassContext ctx(nullptr, "", kDefaultSeed);
    REQUIRE(test::errorText(runPass(
                g, ctx, fmt::format("dt=0.1,rounding={}", rounding))) == "");
    CHECK(g.projections[0].delaySteps == std::vector<uint32_t>{3, 7});
    CHECK(ctx.statistics().counter("discretise-delays", "delays-rounded") ==
          0u);
  }
}

TEST_CASE("discretise-delays keeps the graph's dt without target or option",
          "[passes]") {
  ir::Graph g = oneToOneGraph({1.0f, 2.0f});
  g.dtMs = 0.25;
  PassContext ctx(nullptr, "", kDefaultSeed);
  REQUIRE(test::errorText(runPass(g, ctx)) == "");
  CHECK(g.dtMs == 0.25);
  CHECK(g.projections[0].delaySteps == std::vector<uint32_t>{4, 8});
  CHECK(g.target.name.empty());
}

TEST_CASE("discretise-delays refuses a dt option that contradicts the "
          "target",
          "[passes]") {
  ir::Graph g = oneToOneGraph({1.0f});
  ir::Graph before = g;
  target::TargetDescription loihi = test::builtinTarget("loihi");
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  CHECK(test::errorText(runPass(g, ctx, "dt=0.1")) ==
        "net.axon: pass 'discretise-delays': option dt = 0.1 ms differs "
        "from the 1 ms time step of target 'loihi'");
  CHECK(g == before);
}

TEST_CASE("discretise-delays rejects a delay too long for an integer",
          "[passes]") {
  ir::Graph g = oneToOneGraph({1.0f, 1e10f});
  ir::Graph before = g;
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  std::string text = test::errorText(runPass(g, ctx, "dt=1"));
  CHECK_THAT(text, Contains("net.axon: projection 'in->p' synapse (1, 1): "
                            "delay 1"));
  CHECK_THAT(text, Contains("more than the 4294967295 an integer delay "
                            "holds"));
  CHECK(g == before);
}
