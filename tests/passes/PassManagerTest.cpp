//===- PassManagerTest.cpp - Levels, verification, failure, reports -------===//
//
// Check that the pass manager refuses pipelines in the wrong level order,
// catches a pass that breaks an invariant (with test-only passes), restores
// the graph and writes a reproducer when a pass fails, and prints what it
// was asked to.
//===----------------------------------------------------------------------===//
#include "passes/PassManager.h"

#include "passes/PassContext.h"
#include "passes/Reproducer.h"

#include "PassTestSupport.h"
#include "ir/Diagnostics.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace axon;
using namespace axon::passes;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

/// Test-only pass: sets dt to an invalid value, which the verifier rejects.
class BreakDtPass : public Pass {
public:
  llvm::StringRef name() const override { return "test-break-dt"; }
  llvm::StringRef summary() const override { return "make dt invalid"; }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Float; }
  ir::IRLevel maxInputLevel() const override { return ir::IRLevel::Placed; }
  llvm::Error run(ir::Graph &g, PassContext &) override {
    g.dtMs = -1;
    return llvm::Error::success();
  }
};

/// Test-only pass: changes the graph, then fails.
class EditThenFailPass : public Pass {
public:
  llvm::StringRef name() const override { return "test-edit-then-fail"; }
  llvm::StringRef summary() const override { return "edit, then fail"; }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Float; }
  ir::IRLevel maxInputLevel() const override { return ir::IRLevel::Placed; }
  llvm::Error run(ir::Graph &g, PassContext &ctx) override {
    g.projections.clear();
    g.name = "half-done";
    return makeError(ctx.location("projection 'x'"), "something is wrong");
  }
};

/// Test-only pass: declares FLOAT -> DISCRETE but leaves the level alone.
class ForgetLevelPass : public Pass {
public:
  llvm::StringRef name() const override { return "test-forget-level"; }
  llvm::StringRef summary() const override { return "forget the level"; }
  ir::IRLevel inputLevel() const override { return ir::IRLevel::Float; }
  ir::IRLevel outputLevel(ir::IRLevel) const override {
    return ir::IRLevel::Discrete;
  }
  llvm::Error run(ir::Graph &, PassContext &) override {
    return llvm::Error::success();
  }
};

std::string tempPath(llvm::StringRef name) {
  llvm::SmallString<128> dir;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, dir);
  // The process id keeps concurrent test runs from sharing a file.
  llvm::sys::path::append(
      dir, fmt::format("{}-{}", llvm::sys::Process::getProcessId(), name));
  return dir.str().str();
}

} // namespace

TEST_CASE("the default deployment passes run in order on a FLOAT graph",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  // 62 ms from in 2 to hidden 1 needs 3 SpiNNaker stages: 62 = 3 x 16 + 14.
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  PassManager pm;
  REQUIRE(test::errorText(
              pm.addPipeline("discretise-delays,delay-lines,prune")) == "");
  CHECK(pm.pipelineText() == "discretise-delays,delay-lines,prune");
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  CHECK(g.level == ir::IRLevel::Discrete);
  CHECK(g.findPopulation("in.relay3") != nullptr);
  CHECK(ctx.statistics().counter("delay-lines", "synapses-rerouted") == 1u);
  std::string report = ctx.statistics().format();
  CHECK_THAT(report, Contains("discretise-delays\n"));
  CHECK_THAT(report, Contains("delay-lines\n"));
  CHECK_THAT(report, Contains("prune\n"));
  CHECK(pm.timings().empty()); // not asked for
}

TEST_CASE("a pass at the wrong level is refused before anything runs",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  ir::Graph before = g;
  target::TargetDescription loihi = test::builtinTarget("loihi");
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);

  PassManager wrongStart;
  REQUIRE(test::errorText(wrongStart.addPipeline("prune,delay-lines")) == "");
  CHECK(test::errorText(wrongStart.run(g, ctx)) ==
        "net.axon: pass 'delay-lines' (2 of 2 in 'prune,delay-lines') needs "
        "a graph at level DISCRETE, but the graph is at FLOAT after 'prune'");
  CHECK(g == before);

  PassManager twice;
  REQUIRE(test::errorText(
              twice.addPipeline("discretise-delays,discretise-delays")) == "");
  CHECK(test::errorText(twice.run(g, ctx)) ==
        "net.axon: pass 'discretise-delays' (2 of 2 in "
        "'discretise-delays,discretise-delays') needs a graph at level "
        "FLOAT, but the graph is at DISCRETE after 'discretise-delays'");
  CHECK(g == before);
}

TEST_CASE("verify-each names the pass that broke an invariant and restores "
          "the graph",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  ir::Graph before = g;
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  PassManager pm; // verifyEach is on by default
  pm.addPass(std::make_unique<BreakDtPass>());
  REQUIRE(test::errorText(pm.addPipeline("prune")) == "");
  CHECK(test::errorText(pm.run(g, ctx)) ==
        "net.axon: graph: dt_ms = -1: must be finite and > 0\n"
        "note: the graph breaks the verifier's rules after pass "
        "'test-break-dt'\n"
        "note: in pass 'test-break-dt' (1 of 2 in 'test-break-dt,prune'); "
        "the graph is left as it was before the pass");
  CHECK(g == before);
}

TEST_CASE("without verify-each the final verification still catches it",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  PassManagerOptions options;
  options.verifyEach = false;
  PassManager pm(options);
  pm.addPass(std::make_unique<BreakDtPass>());
  REQUIRE(test::errorText(pm.addPipeline("prune")) == "");
  // Only the last pass is verified, so the blame lands on it.
  std::string text = test::errorText(pm.run(g, ctx));
  CHECK_THAT(text, StartsWith("net.axon: graph: dt_ms = -1"));
  CHECK_THAT(text, Contains("note: in pass 'prune' (2 of 2"));
  // Restored to before 'prune' only: 'test-break-dt' was not checked.
  CHECK(g.dtMs == -1);
}

TEST_CASE("a failing pass leaves the graph as before it and can write a "
          "reproducer",
          "[passes]") {
  std::string repro = tempPath("axon-passes-pm-repro.pbtxt");
  llvm::sys::fs::remove(repro);
  ir::Graph g = test::makeFloatGraph();
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  PassManagerOptions options;
  options.reproducerPath = repro;
  PassManager pm(options);
  REQUIRE(test::errorText(pm.addPipeline("discretise-delays")) == "");
  pm.addPass(std::make_unique<EditThenFailPass>());
  REQUIRE(test::errorText(pm.addPipeline("prune")) == "");
  CHECK(test::errorText(pm.run(g, ctx)) ==
        "net.axon: projection 'x': something is wrong\n"
        "note: in pass 'test-edit-then-fail' (2 of 3 in "
        "'discretise-delays,test-edit-then-fail,prune'); the graph is left "
        "as it was before the pass\n"
        "note: reproducer written to '" +
            repro + "'");
  // The graph is the output of discretise-delays, untouched by the failure.
  CHECK(g.level == ir::IRLevel::Discrete);
  CHECK(g.name == "t");
  CHECK(g.projections.size() == 3);

  llvm::Expected<Reproducer> r = readReproducer(repro);
  REQUIRE(test::errorText(r) == "");
  CHECK(r->pipeline == "test-edit-then-fail,prune");
  CHECK(r->graph == g);
  llvm::sys::fs::remove(repro);
}

TEST_CASE("a pass that leaves the graph at the wrong level fails", "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  PassManager pm;
  pm.addPass(std::make_unique<ForgetLevelPass>());
  CHECK_THAT(test::errorText(pm.run(g, ctx)),
             StartsWith("net.axon: pass 'test-forget-level' left the graph at "
                        "level FLOAT, but it declares DISCRETE for a FLOAT "
                        "input\nnote: in pass 'test-forget-level'"));
}

TEST_CASE("an invalid input graph is rejected before any pass", "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  g.dtMs = 0;
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  PassManager pm;
  REQUIRE(test::errorText(pm.addPipeline("prune")) == "");
  CHECK(test::errorText(pm.run(g, ctx)) ==
        "net.axon: graph: dt_ms = 0: must be finite and > 0\n"
        "note: the input graph is invalid; no pass was run");
}

TEST_CASE("print-after-all prints the graph summary after each pass",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  target::TargetDescription loihi = test::builtinTarget("loihi");
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  std::string printed;
  PassManagerOptions options;
  options.printAfterAll = true;
  PassManager pm(options, [&](llvm::StringRef s) { printed += s.str(); });
  REQUIRE(test::errorText(pm.addPipeline("discretise-delays{rounding=ceil},"
                                         "prune")) == "");
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  CHECK_THAT(printed,
             StartsWith("// -----// IR after 'discretise-delays{rounding="
                        "ceil}' (1 of 2) //----- //\ngraph 't'  level "
                        "DISCRETE"));
  CHECK_THAT(printed, Contains("// -----// IR after 'prune' (2 of 2)"));
  CHECK(pm.printed().empty()); // went to the print function
}

TEST_CASE("afterPass sees each pass's element and the graph it left",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  target::TargetDescription loihi = test::builtinTarget("loihi");
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  std::vector<std::pair<std::string, ir::IRLevel>> seen;
  PassManagerOptions options;
  options.afterPass = [&](llvm::StringRef element, const ir::Graph &after) {
    seen.emplace_back(element.str(), after.level);
  };
  PassManager pm(options);
  REQUIRE(test::errorText(pm.addPipeline("discretise-delays{rounding=ceil},"
                                         "prune")) == "");
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].first == "discretise-delays{rounding=ceil}");
  CHECK(seen[0].second == ir::IRLevel::Discrete);
  CHECK(seen[1].first == "prune");
  // A failing pipeline reports only the passes that succeeded.
  seen.clear();
  ir::Graph again = test::makeFloatGraph();
  PassManager failing(options);
  REQUIRE(test::errorText(failing.addPipeline("prune,discretise-delays{dt=7}")) ==
          "");
  CHECK(test::errorText(failing.run(again, ctx)) != "");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].first == "prune");
}

TEST_CASE("time-passes records one wall time per pass and the verifier",
          "[passes]") {
  ir::Graph g = test::makeFloatGraph();
  PassContext ctx(nullptr, "net.axon", kDefaultSeed);
  PassManagerOptions options;
  options.timePasses = true;
  PassManager pm(options);
  REQUIRE(test::errorText(pm.addPipeline("prune,prune")) == "");
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  REQUIRE(pm.timings().size() == 3);
  CHECK(pm.timings()[0].name == "prune");
  CHECK(pm.timings()[1].name == "prune");
  CHECK(pm.timings()[2].name == "(verify)");
  std::string report = pm.timingReport();
  CHECK_THAT(report, Contains("Pass execution timing report"));
  CHECK_THAT(report, Contains("(verify)\n"));
  CHECK_THAT(report, Contains("Total\n"));
}
