//===- NeuronArithmeticTest.cpp - The chip's integer operations -----------===//
#include "simulator/spinnaker/NeuronArithmetic.h"

#include <catch2/catch.hpp>

using namespace axon::sim::spinnaker;

TEST_CASE("u0.32 decays floor, also for negative states",
          "[spinnaker][arithmetic]") {
  // 0xC0000000 / 2^32 = 3/4.
  CHECK(decayState(4000, 0xC0000000u, 32) == 3000);
  CHECK(decayState(1687 + 4000, 0xC0000000u, 32) == 4265); // 4265.25
  // -1737 * 3/4 = -1302.75: floor gives -1303 (truncation would be -1302).
  CHECK(decayState(-1737, 0xC0000000u, 32) == -1303);
  // -1 * 1/2 = -0.5 -> -1: a negative state never decays to 0 by halving.
  CHECK(decayState(-1, 0x80000000u, 32) == -1);
  CHECK(decayState(1, 0x80000000u, 32) == 0);
  // The largest factor keeps the most negative state in range.
  CHECK(decayState(INT32_MIN, 0xFFFFFFFFu, 32) == INT32_MIN);
  // Narrower factors: 3 of 2^2.
  CHECK(decayState(-5, 3, 2) == -4); // -3.75 -> -4
}

TEST_CASE("states wrap to their two's-complement width",
          "[spinnaker][arithmetic]") {
  CHECK(wrapState(0x7FFFFFFF, 32) == 0x7FFFFFFF);
  CHECK(wrapState(int64_t(0x80000000), 32) == INT32_MIN);
  // 65535 << 16 = 0xFFFF0000 reads as -65536 in 32 bits.
  CHECK(wrapState(int64_t(65535) << 16, 32) == -65536);
  CHECK(wrapState(-1, 32) == -1);
  CHECK(wrapState(8, 4) == -8);
  CHECK(wrapState(7, 4) == 7);
}

TEST_CASE("ring entries saturate at their maximum", "[spinnaker][arithmetic]") {
  uint16_t entry = 0;
  CHECK_FALSE(addSaturating(entry, 30000, 0xFFFF));
  CHECK_FALSE(addSaturating(entry, 30000, 0xFFFF));
  CHECK(entry == 60000);
  CHECK(addSaturating(entry, 30000, 0xFFFF)); // 90000 > 65535
  CHECK(entry == 65535);
  CHECK_FALSE(addSaturating(entry, 0, 0xFFFF));
  CHECK(addSaturating(entry, 1, 0xFFFF));
  CHECK(entry == 65535);
  CHECK(ringInput(65535, 16) == 0xFFFF0000ll);
  CHECK(ringInput(1000, 2) == 4000);
}
