//===- PassRegistryTest.cpp - Passes by name, pipelines as strings --------===//
//
// Check that every registered pass can be created by its name, that the
// .def summary is the pass's own, and that pipeline strings parse or fail
// with a message that names the culprit.
//===----------------------------------------------------------------------===//
#include "passes/PassRegistry.h"

#include "PassTestSupport.h"
#include "passes/DiscretiseDelays.h"
#include "support/Errors.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::passes;

namespace {

std::string pipelineError(llvm::StringRef text) {
  llvm::Expected<Pipeline> p = parsePipeline(text);
  return test::errorText(p);
}

} // namespace

TEST_CASE("every registered pass is created by its name, with its summary",
          "[passes]") {
  llvm::ArrayRef<PassInfo> passes = listPasses();
  REQUIRE(passes.size() >= 3);
  for (const PassInfo &info : passes) {
    llvm::Expected<std::unique_ptr<Pass>> p = createPass(info.name);
    REQUIRE(test::errorText(p) == "");
    CHECK((*p)->name() == info.name);
    CHECK((*p)->summary() == info.summary);
  }
}

TEST_CASE("the registry is sorted by name", "[passes]") {
  llvm::ArrayRef<PassInfo> passes = listPasses();
  CHECK(std::is_sorted(
      passes.begin(), passes.end(),
      [](const PassInfo &a, const PassInfo &b) { return a.name < b.name; }));
}

TEST_CASE("a pipeline with options parses and prints back", "[passes]") {
  llvm::Expected<Pipeline> p = parsePipeline(
      "discretise-delays{dt=0.5, rounding=floor}, delay-lines,prune{}");
  REQUIRE(test::errorText(p) == "");
  REQUIRE(p->size() == 3);
  CHECK((*p)[0]->name() == "discretise-delays");
  CHECK((*p)[1]->name() == "delay-lines");
  CHECK((*p)[2]->name() == "prune");
  CHECK(pipelineString(*p) ==
        "discretise-delays{dt=0.5, rounding=floor},delay-lines,prune");
  // The printed form parses to the same pipeline.
  llvm::Expected<Pipeline> again = parsePipeline(pipelineString(*p));
  REQUIRE(test::errorText(again) == "");
  CHECK(pipelineString(*again) == pipelineString(*p));
}

TEST_CASE("an empty pipeline string is an empty pipeline", "[passes]") {
  llvm::Expected<Pipeline> p = parsePipeline("  ");
  REQUIRE(test::errorText(p) == "");
  CHECK(p->empty());
}

TEST_CASE("an unknown pass is named and the known ones listed", "[passes]") {
  CHECK(pipelineError("prune,fold-constants") ==
        "unknown pass 'fold-constants': known passes are delay-lines, "
        "discretise-delays, partition, prune, quantise-neurons, "
        "quantise-weights, route");
  llvm::Expected<std::unique_ptr<Pass>> p = createPass("nope");
  CHECK(test::errorText(p) ==
        "unknown pass 'nope': known passes are delay-lines, "
        "discretise-delays, partition, prune, quantise-neurons, "
        "quantise-weights, route");
}

TEST_CASE("an unknown option is named with the pass and the known options",
          "[passes]") {
  CHECK(pipelineError("discretise-delays{bits=8}") ==
        "pass 'discretise-delays': unknown option 'bits': known options are "
        "dt, rounding");
  CHECK(pipelineError("prune{threshold=0.1}") ==
        "pass 'prune': unknown option 'threshold': the pass takes no "
        "options");
}

TEST_CASE("a bad option value names the pass, the option and the value",
          "[passes]") {
  CHECK(pipelineError("discretise-delays{rounding=up}") ==
        "pass 'discretise-delays': option rounding = 'up': must be one of "
        "nearest, floor, ceil");
  CHECK(pipelineError("discretise-delays{dt=fast}") ==
        "pass 'discretise-delays': option dt = 'fast': expected a finite "
        "number");
  CHECK(pipelineError("discretise-delays{dt=-1}") ==
        "pass 'discretise-delays': option dt = -1: must be > 0 ms");
  CHECK(pipelineError("discretise-delays{dt}") ==
        "pass 'discretise-delays': option 'dt': expected key=value");
}

TEST_CASE("pipeline syntax errors give the position", "[passes]") {
  CHECK(pipelineError("prune,,prune") ==
        "pipeline 'prune,,prune': empty pass name at position 7");
  CHECK(pipelineError("prune,") ==
        "pipeline 'prune,': empty pass name at position 7");
  CHECK(pipelineError("prune{") ==
        "pipeline 'prune{': '{' is not closed by '}' at position 6");
  CHECK(pipelineError("prune{a={b}}") ==
        "pipeline 'prune{a={b}}': '{' is not closed by '}' at position 6");
  CHECK(pipelineError("prune}") ==
        "pipeline 'prune}': expected ',' before '}' at position 6");
  CHECK(pipelineError("prune;delay-lines") ==
        "pipeline 'prune;delay-lines': expected ',' before ';' at position "
        "6");
  CHECK(pipelineError("{dt=1}") ==
        "pipeline '{dt=1}': empty pass name at position 1");
  CHECK(pipelineError("prune,;") ==
        "pipeline 'prune,;': unexpected character ';' at position 7");
}

TEST_CASE("a target's default pipeline is its description's list", "[passes]") {
  CHECK(defaultPipelineText(test::builtinTarget("spinnaker")) ==
        "discretise-delays,delay-lines,prune,quantise-neurons,"
        "quantise-weights,partition,route");
}

TEST_CASE("the pass list shows every pass with levels and options",
          "[passes]") {
  std::string text = formatPassList(/*markdown=*/false);
  CHECK(text.find("delay-lines") != std::string::npos);
  CHECK(text.find("DISCRETE -> DISCRETE") != std::string::npos);
  CHECK(text.find("FLOAT -> DISCRETE") != std::string::npos);
  CHECK(text.find("FLOAT..PLACED -> same") != std::string::npos);
  CHECK(text.find("rounding=nearest|floor|ceil") != std::string::npos);
  std::string md = formatPassList(/*markdown=*/true);
  CHECK(md.find("| `prune` | FLOAT..PLACED -> same | remove synapses whose "
                "weight is zero |  |") != std::string::npos);
}
