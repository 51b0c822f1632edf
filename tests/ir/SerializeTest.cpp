//===- SerializeTest.cpp - Graph files round-trip and reject bad input ----===//
#include "ir/AtomicFile.h"
#include "ir/Serialize.h"
#include "support/Errors.h"
#include "support/TestGraphs.h"

#include <fmt/format.h>

#include "llvm/Support/FileSystem.h"

#include <catch2/catch.hpp>
#include <filesystem>

using namespace axon;
using namespace axon::ir;

using axon::test::errorText;

namespace {

std::filesystem::path tempDir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("axon-serialize-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

TEST_CASE("every field survives binary, text and JSON round trips", "[ir]") {
  Graph g = test::makePlacedGraph();
  for (GraphFormat f :
       {GraphFormat::Binary, GraphFormat::Text, GraphFormat::Json}) {
    CAPTURE(static_cast<int>(f));
    llvm::Expected<std::string> data = printGraph(g, f);
    REQUIRE(errorText(data) == "");
    llvm::Expected<Graph> back = parseGraph(*data, f, "mem");
    REQUIRE(errorText(back) == "");
    CHECK(*back == g);
    // Print -> parse -> print is stable too.
    llvm::Expected<std::string> again = printGraph(*back, f);
    REQUIRE(errorText(again) == "");
    CHECK(*again == *data);
  }
}

TEST_CASE("files are read and written by extension", "[ir]") {
  auto dir = tempDir();
  Graph g = test::makePlacedGraph();
  for (const char *ext : {".axon", ".pbtxt", ".json"}) {
    std::string path = (dir / (std::string("g") + ext)).string();
    REQUIRE(errorText(writeGraph(g, path)) == "");
    llvm::Expected<Graph> back = readGraph(path);
    REQUIRE(errorText(back) == "");
    CHECK(*back == g);
  }
  llvm::Expected<Graph> bad = readGraph((dir / "g.txt").string());
  CHECK_THAT(errorText(bad), Catch::Contains("unknown graph file extension '.txt'"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("binary reader rejects empty, truncated and corrupt files", "[ir]") {
  std::string good = cantFail(printGraph(test::makeFloatGraph(), GraphFormat::Binary));

  llvm::Expected<Graph> empty = parseGraph("", GraphFormat::Binary, "e.axon");
  CHECK_THAT(errorText(empty), Catch::Contains("e.axon: empty file"));

  llvm::Expected<Graph> shortHeader =
      parseGraph(llvm::StringRef(good).take_front(10), GraphFormat::Binary, "h.axon");
  CHECK_THAT(errorText(shortHeader), Catch::Contains("truncated header: 10 bytes"));

  llvm::Expected<Graph> truncated =
      parseGraph(llvm::StringRef(good).drop_back(5), GraphFormat::Binary, "t.axon");
  CHECK_THAT(errorText(truncated),
             Catch::Contains(fmt::format("announces {} payload bytes, the file holds {}",
                                         good.size() - 24, good.size() - 29)));

  std::string flipped = good;
  flipped[40] ^= 0x55;
  llvm::Expected<Graph> corrupt = parseGraph(flipped, GraphFormat::Binary, "c.axon");
  CHECK_THAT(errorText(corrupt), Catch::Contains("corrupt: payload CRC-32"));

  llvm::Expected<Graph> notAxon =
      parseGraph("hello world, this is text", GraphFormat::Binary, "n.axon");
  CHECK_THAT(errorText(notAxon), Catch::Contains("not an Axon IR file"));
}

TEST_CASE("readers reject newer versions and unknown fields", "[ir]") {
  Graph g = test::makeFloatGraph();
  g.version = kIRVersion + 1;
  std::string data = cantFail(printGraph(g, GraphFormat::Text));
  llvm::Expected<Graph> newer = parseGraph(data, GraphFormat::Text, "v.pbtxt");
  CHECK_THAT(errorText(newer),
             Catch::Contains(fmt::format("graph version {} was written by a newer Axon",
                                         kIRVersion + 1)));

  llvm::Expected<Graph> unversioned =
      parseGraph("name: \"x\" level: FLOAT dt_ms: 1", GraphFormat::Text, "u.pbtxt");
  CHECK_THAT(errorText(unversioned), Catch::Contains("version = 0"));

  llvm::Expected<Graph> unknown =
      parseGraph("version: 1\nbogus_field: 3\n", GraphFormat::Text, "x.pbtxt");
  std::string unknownMsg = errorText(unknown);
  CHECK_THAT(unknownMsg, Catch::Contains("x.pbtxt: 2:"));
  CHECK_THAT(unknownMsg, Catch::Contains("bogus_field"));

  llvm::Expected<Graph> badJson = parseGraph("{\"version\": 1, \"nope\": 2}",
                                             GraphFormat::Json, "j.json");
  CHECK_THAT(errorText(badJson), Catch::Contains("j.json: invalid graph JSON"));

  llvm::Expected<Graph> emptyText = parseGraph("  \n", GraphFormat::Text, "s.pbtxt");
  CHECK_THAT(errorText(emptyText), Catch::Contains("s.pbtxt: empty Axon IR graph file"));
}

TEST_CASE("a failed write leaves no file behind", "[ir]") {
  auto dir = tempDir();
  std::string path = (dir / "missing-dir" / "g.axon").string();
  llvm::Error err = writeGraph(test::makeFloatGraph(), path);
  CHECK_THAT(errorText(std::move(err)), Catch::Contains("cannot create file"));
  CHECK_FALSE(std::filesystem::exists(path));
  // An existing file is only replaced once the new content is complete.
  std::string keep = (dir / "keep.axon").string();
  REQUIRE(errorText(writeFileAtomically(keep, "old")) == "");
  REQUIRE(errorText(writeFileAtomically(keep, "new")) == "");
  CHECK(cantFail(readWholeFile(keep)) == "new");
  for (auto &e : std::filesystem::directory_iterator(dir))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  std::filesystem::remove_all(dir);
}
