#include "simulator/Trial.h"

#include <catch2/catch.hpp>

using namespace axon::sim;

TEST_CASE("addTrial sums trials core by core and keeps the busiest tick",
          "[counters]") {
  DeviceCounters a, b, total;
  a.cores = {{0, 0, 100, 40, 0, 10, 50, 3, 2, 1, 0, 1.5},
             {0, 1, 200, 90, 1, 10, 70, 4, 3, 2, 1, 2.5}};
  for (const CoreCounters &c : a.cores)
    accumulate(a, c);
  a.steps = 10;
  b.cores = {{0, 0, 10, 60, 2, 10, 5, 1, 1, 1, 0, 0.5},
             {0, 1, 20, 30, 0, 10, 7, 0, 0, 0, 0, 0.25}};
  for (const CoreCounters &c : b.cores)
    accumulate(b, c);
  b.steps = 10;
  addTrial(total, a);
  addTrial(total, b);
  REQUIRE(total.cores.size() == 2);
  CHECK(total.cores[0].cycles == 110);
  CHECK(total.cores[0].maxStepCycles == 60);
  CHECK(total.cores[0].overruns == 2);
  CHECK(total.cores[1].synapticEvents == 77);
  CHECK(total.cores[1].overflows == 1);
  CHECK(total.cores[1].energyPicojoule == 2.75);
  CHECK(total.steps == 20);
  CHECK(total.synapticEvents == 50 + 70 + 5 + 7);
  CHECK(total.spikes == 3 + 4 + 1);
  CHECK(total.maxStepCycles == 90);
  CHECK(total.overruns == 3);
  CHECK(total.energyPicojoule == 4.75);
}
