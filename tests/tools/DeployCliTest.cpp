//===- DeployCliTest.cpp - axon deploy / opt / emit from the command line -===//
#include "support/CliFiles.h"
#include "support/RunTool.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace axon::test;
namespace fs = std::filesystem;

namespace {

std::string source(const std::string &rel) { return sourceFile(rel); }

fs::path scratch(const char *what) {
  return scratchDir(std::string("deploy-") + what);
}

/// A copy of a built-in description with some lines replaced.
std::string variant(const fs::path &dir, const char *target,
                    std::vector<std::pair<std::string, std::string>> edits) {
  std::string text = readText(source(std::string("backends/targets/") +
                                     target + ".pbtxt"));
  for (const auto &[from, to] : edits) {
    size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  fs::path out = dir / (std::string(target) + "-variant.pbtxt");
  std::ofstream(out) << text;
  return out.string();
}

} // namespace

TEST_CASE("axon deploy writes a configuration and report for both targets",
          "[cli][deploy]") {
  fs::path dir = scratch("ok");
  for (const char *target : {"loihi", "spinnaker"}) {
    CAPTURE(target);
    fs::path out = dir / target;
    ToolResult r = runAxon("deploy " + source("examples/tiny_delays.pbtxt") +
                           " --target " + target + " -o " + out.string());
    REQUIRE(r.status == 0);
    CHECK(fs::exists(out / (std::string(target) + ".axoncfg")));
    CHECK(fs::exists(out / "report.txt"));
    CHECK(fs::exists(out / "placed.axon"));
    CHECK_THAT(r.output, Catch::Contains("longest delay chain"));
    ToolResult v = runAxon("verify-ir " + (out / "placed.axon").string());
    CHECK(v.status == 0);
    CHECK_THAT(v.output, Catch::Contains("ok (PLACED"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a delay the target cannot realise fails and writes nothing",
          "[cli][deploy]") {
  fs::path dir = scratch("delay");
  std::string graph = readText(source("examples/tiny_delays.pbtxt"));
  size_t at = graph.find("5, 62]");
  REQUIRE(at != std::string::npos);
  graph.replace(at, 6, "5, 171]");
  fs::path in = dir / "long.pbtxt";
  std::ofstream(in) << graph;
  fs::path out = dir / "out";
  ToolResult r = runAxon("deploy " + in.string() + " --target spinnaker -o " +
                         out.string());
  CHECK(r.status != 0);
  CHECK_THAT(r.output,
             Catch::Contains("projection 'in->hidden' synapse (2, 1): delay "
                             "171 steps exceeds the 144 the target can "
                             "realise (16 on core + 8 stages x 16)"));
  CHECK_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST_CASE("a network too big for the chips fails and writes nothing",
          "[cli][deploy]") {
  fs::path dir = scratch("big");
  // Two cores of one neuron each: tiny_delays needs 4 neurons.
  std::string small =
      variant(dir, "loihi",
              {{"neurons_per_core: 1024", "neurons_per_core: 1"},
               {"cores_per_chip: 128", "cores_per_chip: 2"}});
  fs::path out = dir / "out";
  ToolResult r = runAxon("deploy " + source("examples/tiny_delays.pbtxt") +
                         " --target " + small + " -o " + out.string());
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("population '"));
  CHECK_THAT(r.output, Catch::Contains("remain"));
  CHECK_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST_CASE("axon opt then axon emit equals axon deploy", "[cli][deploy]") {
  fs::path dir = scratch("steps");
  std::string placed = (dir / "placed.axon").string();
  REQUIRE(runAxon("opt " + source("examples/recurrent.pbtxt") +
                  " --target spinnaker -o " + placed)
              .status == 0);
  REQUIRE(runAxon("emit " + placed + " --target spinnaker -o " +
                  (dir / "a").string())
              .status == 0);
  REQUIRE(runAxon("deploy " + source("examples/recurrent.pbtxt") +
                  " --target spinnaker -o " + (dir / "b").string())
              .status == 0);
  CHECK(readText(dir / "a" / "spinnaker.axoncfg") ==
        readText(dir / "b" / "spinnaker.axoncfg"));
  // Emitting for a description the graph was not lowered for is refused.
  ToolResult wrong = runAxon("emit " + placed + " --target loihi -o " +
                             (dir / "c").string());
  CHECK(wrong.status != 0);
  CHECK_FALSE(fs::exists(dir / "c"));
  fs::remove_all(dir);
}

// Check that trained networks (the sequence task, and Yin-Yang after one
// epoch) deploy to both targets straight from their checkpoints.
TEST_CASE("trained sequence and Yin-Yang networks deploy to both targets",
          "[cli][deploy]") {
  fs::path dir = scratch("trained");
  struct Run {
    const char *model, *flags;
  };
  for (Run run : {Run{"sequence", ""},
                  Run{"yinyang", " --epochs 1 --engine exact"}}) {
    CAPTURE(run.model);
    fs::path out = dir / run.model;
    ToolResult t = runAxon("train " +
                           source(std::string("examples/") + run.model +
                                  ".train.pbtxt") +
                           run.flags + " --out " + out.string());
    REQUIRE(t.status == 0);
    for (const char *target : {"loihi", "spinnaker"}) {
      CAPTURE(target);
      fs::path cfg = out / target;
      ToolResult d = runAxon("deploy " + (out / "checkpoint.axonckpt").string() +
                             " --target " + target + " -o " + cfg.string());
      CHECK(d.status == 0);
      CHECK(fs::exists(cfg / (std::string(target) + ".axoncfg")));
    }
  }
  fs::remove_all(dir);
}
