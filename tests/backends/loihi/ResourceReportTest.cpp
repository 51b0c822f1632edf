//===- ResourceReportTest.cpp - report.txt of the Loihi-like emitter ------===//
//
// The report of the golden graph (LoihiTestGraphs.h), each figure derived by
// hand. Rows are compared as whitespace-separated fields so that the test
// states the numbers, not the column widths.
//===----------------------------------------------------------------------===//
#include "backends/loihi/LoihiTarget.h"

#include "LoihiTestGraphs.h"

#include "support/Errors.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::backends::loihi;

namespace {

std::vector<std::string> fields(llvm::StringRef line) {
  llvm::SmallVector<llvm::StringRef, 16> parts;
  line.split(parts, ' ', -1, /*KeepEmpty=*/false);
  return {parts.begin(), parts.end()};
}

/// The report line whose fields start with `first`, split into fields.
std::vector<std::string> row(llvm::StringRef report,
                             std::vector<std::string> first) {
  llvm::SmallVector<llvm::StringRef, 32> lines;
  report.split(lines, '\n');
  for (llvm::StringRef l : lines) {
    std::vector<std::string> f = fields(l);
    if (f.size() >= first.size() &&
        std::equal(first.begin(), first.end(), f.begin()))
      return f;
  }
  return {};
}

} // namespace

TEST_CASE("loihi report counts what each core uses", "[loihi][golden]") {
  target::TargetDescription desc = test::loihiTarget();
  ir::Graph g = test::goldenLoihiGraph(desc);
  llvm::Expected<proto::LoihiConfig> c = buildLoihiConfig(g, desc);
  REQUIRE(test::errorText(c) == "");
  std::string report = formatResourceReport(g, *c, desc);
  INFO(report);

  CHECK(llvm::StringRef(report).startswith(
      "Loihi-like configuration of 'golden' for target 'loihi' (hash " +
      desc.hash() + ")\n"));
  CHECK(llvm::StringRef(report).contains(
      "time step 1 ms; 2 cores used of 128 (128 per chip x 1 chip)\n"));

  // Memory (Partition.h): a synapse is 8 + 6 + 10 = 24 bits, a row has a
  // 10-bit header and is rounded up to 64-bit words: 1 synapse = 34 -> 64
  // bits, 3 synapses = 82 -> 128 bits.
  // Core 0: 4 compartments, 2 prototypes, 2 configs, 4 axons with 1, 1, 3,
  // 3 synapses = 8 synapses, 64 + 64 + 128 + 128 = 384 bits = 0.04% of
  // 2^20; output axons 2 + 1 + 1 + 1 = 5 to cores {0, 1}.
  CHECK(row(report, {"0", "0"}) ==
        std::vector<std::string>{"0", "0", "4", "2", "2", "4", "8", "384",
                                 "0.04%", "5", "2"});
  // Core 1: 2 compartments, 1 prototype, 1 config, 3 axons of 1 synapse =
  // 192 bits = 0.02%; nothing sent.
  CHECK(row(report, {"0", "1"}) ==
        std::vector<std::string>{"0", "1", "2", "1", "1", "3", "3", "192",
                                 "0.02%", "0", "0"});
  CHECK(row(report, {"total"}) == std::vector<std::string>{"total", "6", "3",
                                                           "3", "7", "11",
                                                           "576", "5"});
  // The relay chain: the relay fires 61 + 1 steps after hid 2, and the
  // final hop adds 8: 70 steps, longer than any direct synapse (62).
  CHECK(llvm::StringRef(report).contains(
      "longest delay chain: 70 steps through 1 relay stage (hid -> "
      "hid.relay1 -> out)\n"));
  CHECK(
      llvm::StringRef(report).contains("longest delay field: 62 (limit 62)\n"));
  CHECK(llvm::StringRef(report).contains(
      "notes: none (the chip realises every IR integer exactly)\n"));
}
