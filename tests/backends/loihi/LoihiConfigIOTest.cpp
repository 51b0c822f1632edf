//===- LoihiConfigIOTest.cpp - Reading and writing loihi.axoncfg ----------===//
#include "backends/loihi/LoihiConfigIO.h"

#include "support/Errors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::backends::loihi;

namespace {

proto::LoihiConfig smallConfig() {
  proto::LoihiConfig c;
  c.set_version(kLoihiConfigVersion);
  c.set_name("net");
  c.set_dt_ms(1.0);
  proto::Core &core = *c.add_cores();
  core.set_core(3);
  proto::InputAxon &axon = *core.add_input_axons();
  axon.set_source_key(7);
  proto::Synapse &s = *axon.add_synapses();
  s.set_compartment(2);
  s.set_weight(-5);
  s.set_delay(9);
  return c;
}

} // namespace

TEST_CASE("loihi config survives a round trip through a file", "[loihi]") {
  llvm::SmallString<128> path;
  REQUIRE(!llvm::sys::fs::createTemporaryFile("loihi", "axoncfg", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    REQUIRE(!ec);
    os << frameLoihiConfig(smallConfig());
  }
  llvm::Expected<proto::LoihiConfig> read = readLoihiConfig(path);
  llvm::sys::fs::remove(path);
  REQUIRE(test::errorText(read) == "");
  CHECK(read->SerializeAsString() == smallConfig().SerializeAsString());
}

TEST_CASE("loihi config reader rejects what is not a configuration",
          "[loihi]") {
  llvm::Expected<proto::LoihiConfig> missing =
      readLoihiConfig("/nonexistent/loihi.axoncfg");
  CHECK(llvm::StringRef(test::errorText(missing))
            .startswith("/nonexistent/loihi.axoncfg: cannot read: "));

  llvm::Expected<proto::LoihiConfig> empty = parseLoihiConfig("", "f");
  CHECK(test::errorText(empty) ==
        "f: empty file: not an Axon Loihi-like configuration");

  std::string foreign = frameLoihiConfig(smallConfig());
  foreign[4] = 'X';
  llvm::Expected<proto::LoihiConfig> wrongMagic =
      parseLoihiConfig(foreign, "f");
  CHECK(test::errorText(wrongMagic) ==
        "f: not an Axon Loihi-like configuration: the first 8 bytes are not "
        "its magic");

  std::string truncated = frameLoihiConfig(smallConfig());
  truncated.pop_back();
  llvm::Expected<proto::LoihiConfig> cut = parseLoihiConfig(truncated, "f");
  CHECK(llvm::StringRef(test::errorText(cut)).startswith("f: truncated"));

  proto::LoihiConfig future = smallConfig();
  future.set_version(2);
  llvm::Expected<proto::LoihiConfig> newer =
      parseLoihiConfig(frameLoihiConfig(future), "f");
  CHECK(test::errorText(newer) ==
        "f: configuration version 2 is not supported; this build reads "
        "version 1");
}
