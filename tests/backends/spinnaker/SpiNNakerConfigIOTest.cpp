//===- SpiNNakerConfigIOTest.cpp - Read and write spinnaker.axoncfg -------===//
#include "backends/spinnaker/SpiNNakerConfigIO.h"

#include "SpiNNakerTestSupport.h"
#include "ir/AtomicFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <catch2/catch.hpp>

using namespace axon;
namespace cfg = axon::spinnaker::proto;

TEST_CASE("a configuration file reads back as the message written",
          "[spinnaker]") {
  target::TargetDescription t = test::spinnakerTarget();
  llvm::Expected<backends::EmittedConfig> out =
      test::emitSpiNNaker(test::goldenPlacedGraph(t), t);
  REQUIRE(test::errorText(out) == "");
  llvm::SmallString<128> dir;
  REQUIRE_FALSE(llvm::sys::fs::createUniqueDirectory("axon-spinn", dir));
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "spinnaker.axoncfg");
  REQUIRE(test::errorText(writeFileAtomically(
              path, test::fileOf(*out, "spinnaker.axoncfg"))) == "");
  llvm::Expected<cfg::SpiNNakerConfig> read =
      spinnaker::readSpiNNakerConfig(path);
  REQUIRE(test::errorText(read) == "");
  CHECK(read->graph_name() == "golden");
  CHECK(spinnaker::serialiseSpiNNakerConfig(*read) ==
        test::fileOf(*out, "spinnaker.axoncfg"));
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(dir);
}

namespace {

std::string readError(llvm::Expected<cfg::SpiNNakerConfig> c) {
  return test::errorText(c);
}

} // namespace

TEST_CASE("a file that is not a configuration is an error",
          "[spinnaker][errors]") {
  CHECK_THAT(readError(spinnaker::parseSpiNNakerConfig(
                 llvm::StringRef("AXONIR\0\0", 8), "x.axoncfg")),
             Catch::StartsWith("x.axoncfg"));
  CHECK(readError(spinnaker::readSpiNNakerConfig(
            "/nonexistent/spinnaker.axoncfg")) != "");
}

TEST_CASE("a configuration of an unknown version is refused",
          "[spinnaker][errors]") {
  cfg::SpiNNakerConfig c;
  c.set_version(spinnaker::kSpiNNakerConfigVersion + 1);
  CHECK(readError(spinnaker::parseSpiNNakerConfig(
            spinnaker::serialiseSpiNNakerConfig(c), "x.axoncfg")) ==
        "x.axoncfg: configuration version 2 is not supported: this build "
        "reads versions 1 to 1");
}
