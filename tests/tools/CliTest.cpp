//===- CliTest.cpp - The axon command line, good and bad input ------------===//
#include "support/RunTool.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace axon::test;
namespace fs = std::filesystem;

namespace {

std::string example(const char *name) {
  return std::string(AXON_SOURCE_DIR) + "/examples/" + name;
}

fs::path scratch() {
  fs::path dir = fs::temp_directory_path() /
                 ("axon-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

} // namespace

TEST_CASE("axon info summarises the examples", "[cli]") {
  ToolResult r = runAxon("info " + example("tiny_delays.pbtxt") + " " +
                         example("recurrent.pbtxt"));
  REQUIRE(r.status == 0);
  // tiny_delays: 3x2 dense + 2 one-to-one = 8 synapses, 4 neurons; delays
  // 1,3,0,10,5,62 ms: max 62, mean 81/6 = 13.5.
  CHECK_THAT(r.output, Catch::Contains("graph 'tiny-delays'  level FLOAT  dt 1 ms"));
  CHECK_THAT(r.output, Catch::Contains("projections: 2  (8 synapses)"));
  CHECK_THAT(r.output, Catch::Contains("delays (ms) min 0  max 62  mean 13.5"));
  // recurrent: 5 sparse + 3x3 dense + 3x2 dense = 20 synapses, 5 neurons.
  CHECK_THAT(r.output, Catch::Contains("populations: 2  (5 neurons)"));
  CHECK_THAT(r.output, Catch::Contains("projections: 3  (20 synapses)"));
  CHECK_THAT(r.output, Catch::Contains("hidden -> hidden (recurrent)  DENSE  9 synapses"));
}

TEST_CASE("axon convert round-trips through every format", "[cli]") {
  fs::path dir = scratch();
  std::string bin = (dir / "r.axon").string(), json = (dir / "r.json").string(),
              txt = (dir / "r.pbtxt").string();
  REQUIRE(runAxon("convert " + example("recurrent.pbtxt") + " " + bin).status == 0);
  REQUIRE(runAxon("convert " + bin + " " + json).status == 0);
  REQUIRE(runAxon("convert " + json + " " + txt).status == 0);
  ToolResult a = runAxon("info " + example("recurrent.pbtxt"));
  ToolResult b = runAxon("info " + txt);
  // Same summary apart from the file name on the first line.
  CHECK(a.output.substr(a.output.find('\n')) == b.output.substr(b.output.find('\n')));
  ToolResult v = runAxon("verify-ir " + bin);
  CHECK(v.status == 0);
  CHECK_THAT(v.output, Catch::Contains("ok (FLOAT, 2 populations, 20 synapses)"));
  fs::remove_all(dir);
}

TEST_CASE("axon rejects bad files, flags and arguments with a message",
          "[cli]") {
  fs::path dir = scratch();
  ToolResult missing = runAxon("info " + (dir / "nope.axon").string());
  CHECK(missing.status != 0);
  CHECK_THAT(missing.output, Catch::Contains("axon: error:"));
  CHECK_THAT(missing.output, Catch::Contains("nope.axon: cannot open file"));

  std::string garbage = (dir / "garbage.axon").string();
  std::ofstream(garbage) << "definitely not a graph";
  ToolResult bad = runAxon("verify-ir " + garbage);
  CHECK(bad.status != 0);
  CHECK_THAT(bad.output, Catch::Contains("not an Axon IR file"));

  ToolResult flag = runAxon("info " + example("recurrent.pbtxt") + " --bogus");
  CHECK(flag.status != 0);
  CHECK_THAT(flag.output, Catch::Contains("--bogus"));

  ToolResult noArg = runAxon("convert " + example("recurrent.pbtxt"));
  CHECK(noArg.status != 0);
  CHECK_THAT(noArg.output, Catch::Contains("output is required"));

  ToolResult noCommand = runAxon("");
  CHECK(noCommand.status != 0);

  ToolResult unknownCommand = runAxon("frobnicate");
  CHECK(unknownCommand.status != 0);
  CHECK_THAT(unknownCommand.output, Catch::Contains("frobnicate"));
  fs::remove_all(dir);
}

TEST_CASE("axon convert refuses an invalid graph and writes nothing",
          "[cli]") {
  fs::path dir = scratch();
  std::string in = (dir / "bad.pbtxt").string();
  std::ofstream(in) << "version: 1 name: \"b\" level: FLOAT dt_ms: 1\n"
                       "populations { name: \"p\" size: 2 kind: CUBA_LIF "
                       "params { tau_mem_ms: -5 tau_syn_ms: 5 threshold: 1 } }\n";
  std::string out = (dir / "out.axon").string();
  ToolResult r = runAxon("convert " + in + " " + out);
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("population 'p': tau_mem_ms = -5: must be finite and > 0"));
  CHECK_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST_CASE("--help lists the working subcommands", "[cli]") {
  ToolResult r = runAxon("--help");
  CHECK(r.status == 0);
  for (const char *cmd : {"info", "convert", "verify-ir"})
    CHECK_THAT(r.output, Catch::Contains(cmd));
  ToolResult sub = runAxon("info --help");
  CHECK(sub.status == 0);
  CHECK_THAT(sub.output, Catch::Contains("Summarise graph files"));
}
