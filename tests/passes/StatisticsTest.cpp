//===- StatisticsTest.cpp - Counters and figures grouped by pass ----------===//
#include "passes/Statistics.h"

#include <catch2/catch.hpp>

using namespace axon::passes;

TEST_CASE("counters add up, figures keep the last value", "[passes]") {
  Statistics s;
  s.forPass("prune").add("synapses-removed", "zero-weight synapses", 3);
  s.forPass("prune").add("synapses-removed", "zero-weight synapses", 2);
  s.forPass("discretise-delays").set("max-error-ms", "largest error", 0.5);
  s.forPass("discretise-delays").set("max-error-ms", "largest error", 0.25);
  CHECK(s.counter("prune", "synapses-removed") == 5u);
  CHECK(s.figure("discretise-delays", "max-error-ms") == 0.25);
  CHECK_FALSE(s.counter("prune", "missing"));
  CHECK_FALSE(s.counter("discretise-delays", "max-error-ms"));
  CHECK_FALSE(s.figure("other", "max-error-ms"));
}

TEST_CASE("the report groups statistics under their pass in MLIR's shape",
          "[passes]") {
  Statistics s;
  PassStatistics prune = s.forPass("prune");
  prune.add("synapses-removed", "zero-weight synapses removed", 12);
  prune.add("projections-removed", "projections left empty", 1);
  s.forPass("discretise-delays")
      .set("max-error-ms", "largest error, ms", 0.125);
  // The banner is decoration; the body is the contract.
  std::string body = "prune\n"
                     "  (S) 12 synapses-removed    - zero-weight synapses "
                     "removed\n"
                     "  (S)  1 projections-removed - projections left empty\n"
                     "discretise-delays\n"
                     "  (S) 0.125 max-error-ms - largest error, ms\n";
  std::string text = s.format();
  CHECK(text.find("... Pass statistics report ...") != std::string::npos);
  REQUIRE(text.size() > body.size());
  CHECK(text.substr(text.size() - body.size()) == body);
}
