//===- ReproducerTest.cpp - Replay a failing pass from a file -------------===//
#include "passes/Reproducer.h"

#include "ir/Format.h"
#include "ir/Serialize.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace axon;
using namespace axon::passes;
using Catch::Matchers::StartsWith;

namespace {

std::string tempPath(llvm::StringRef name) {
  llvm::SmallString<128> dir;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, dir);
  // The process id keeps concurrent test runs from sharing a file.
  llvm::sys::path::append(
      dir, fmt::format("{}-{}", llvm::sys::Process::getProcessId(), name));
  return dir.str().str();
}

} // namespace

TEST_CASE("a reproducer holds the pipeline on its first line and the graph",
          "[passes]") {
  std::string path = tempPath("axon-passes-repro-roundtrip.pbtxt");
  ir::Graph g = test::makeFloatGraph();
  REQUIRE(test::errorText(writeReproducer(path, "delay-lines,prune", g)) == "");
  llvm::Expected<Reproducer> r = readReproducer(path);
  REQUIRE(test::errorText(r) == "");
  CHECK(r->pipeline == "delay-lines,prune");
  CHECK(r->graph == g);
  // It is also an ordinary graph file.
  llvm::Expected<ir::Graph> plain = ir::readGraph(path);
  REQUIRE(test::errorText(plain) == "");
  CHECK(*plain == g);
  llvm::sys::fs::remove(path);
}

TEST_CASE("a graph file without the marker is not a reproducer", "[passes]") {
  std::string path = tempPath("axon-passes-not-repro.pbtxt");
  REQUIRE(test::errorText(ir::writeGraph(test::makeFloatGraph(), path)) == "");
  llvm::Expected<Reproducer> r = readReproducer(path);
  CHECK_THAT(test::errorText(r),
             StartsWith(path + ": not a reproducer: the first line must "
                               "start with '# axon-reproducer pipeline:'"));
  llvm::sys::fs::remove(path);
}
