//===- ResourceReportTest.cpp - report.txt --------------------------------===//
//
// The golden graph's report, with the figures derived by hand from its
// rows (SynapticRowsTest): chip 0 core 0 has 3 neurons, 4 synapses, 5 rows
// and 22 words = 88 bytes; chip 1 core 2 has 2 neurons, 6 synapses, 3 rows
// and 15 words = 60 bytes; the ring buffer is 2^(4+1+8) x 2 = 16384 bytes.
//===----------------------------------------------------------------------===//
#include "SpiNNakerTestSupport.h"

#include <catch2/catch.hpp>

using namespace axon;

TEST_CASE("the report lists cores, per-core figures, router use and the "
          "longest delay chain",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  llvm::Expected<backends::EmittedConfig> out =
      test::emitSpiNNaker(test::goldenPlacedGraph(t), t);
  REQUIRE(test::errorText(out) == "");
  const std::string &r = out->report;
  INFO(r);
  CHECK_THAT(r, Catch::Contains("graph 'golden' for target 'spinnaker'"));
  CHECK_THAT(r, Catch::Contains("cores used: 2 of 64 on 2 chip(s)"));
  CHECK_THAT(r, Catch::Contains("  chip 0: 1 of 16 cores\n"));
  CHECK_THAT(r, Catch::Contains("  chip 1: 1 of 16 cores\n"));
  CHECK_THAT(r, Catch::Contains("     0    0       3         4       5"
                                "          88     16384  hid[0..2] <<3,3\n"));
  CHECK_THAT(r, Catch::Contains("     1    2       2         6       3"
                                "          60     16384  out[0..1] <<5,5\n"));
  CHECK_THAT(r, Catch::Contains("  chip 0: 2 of 1024\n"));
  CHECK_THAT(r, Catch::Contains("  chip 1: 1 of 1024\n"));
  // No relays: the longest chain is in->hid's on-core 16 steps.
  CHECK_THAT(r, Catch::Contains("longest delay chain: 16 steps on core, no "
                                "relay stages (projection 'in->hid')"));
}
