//===- RoutingTableTest.cpp - Router tables of every chip -----------------===//
//
// Router entries of the golden graph as bit sets (bit c: core c; bit h:
// chip h), and the check that the tables reach every target core.
//===----------------------------------------------------------------------===//
#include "SpiNNakerTestSupport.h"

#include <catch2/catch.hpp>

using namespace axon;
namespace cfg = axon::spinnaker::proto;

TEST_CASE("router entries become core and chip bit sets per chip",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  cfg::SpiNNakerConfig c = test::emitAndRead(test::goldenPlacedGraph(t), t);
  // Chips 0 and 1 hold cores and entries; chips 2 and 3 are left out.
  REQUIRE(c.chips_size() == 2);
  const cfg::Chip &chip0 = c.chips(0);
  CHECK(chip0.chip() == 0u);
  REQUIRE(chip0.router_size() == 2);
  // hid's key 0: core 0 (bit 0 = 0x1) and chip 1 (bit 1 = 0x2).
  CHECK(chip0.router(0).key() == 0x00000000u);
  CHECK(chip0.router(0).mask() == 0xFFFFFF00u);
  CHECK(chip0.router(0).cores() == 0x1u);
  CHECK(chip0.router(0).chips() == 0x2u);
  // in's host slice: core 0 only.
  CHECK(chip0.router(1).key() == 0x00400000u);
  CHECK(chip0.router(1).cores() == 0x1u);
  CHECK(chip0.router(1).chips() == 0x0u);
  const cfg::Chip &chip1 = c.chips(1);
  CHECK(chip1.chip() == 1u);
  REQUIRE(chip1.router_size() == 1);
  // On chip 1, hid's packets go to core 2 (bit 2 = 0x4).
  CHECK(chip1.router(0).key() == 0x00000000u);
  CHECK(chip1.router(0).cores() == 0x4u);
  CHECK(chip1.router(0).chips() == 0x0u);
}

TEST_CASE("routes that miss a target core are an error naming the slice "
          "and the core",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.routes.pop_back(); // chip 1 no longer forwards hid's packets to core 2
  CHECK(test::emitError(g, t) ==
        "'hid' on chip 0 core 0 (key 0x00000000): its packets do not reach "
        "chip 1 core 2, which holds its targets: the graph's routing entries "
        "do not cover its placement (run the route pass)");
  g.routes.clear();
  CHECK(test::emitError(g, t) ==
        "'hid' on chip 0 core 0 (key 0x00000000): its packets do not reach "
        "chip 0 core 0, which holds its targets: the graph's routing entries "
        "do not cover its placement (run the route pass)");
}

TEST_CASE("a key matching two entries on one chip is an error",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.routes.push_back({0, 0, 0x00000000, 0xFF000000, {3}, {}});
  CHECK(test::emitError(g, t) ==
        "'hid' on chip 0 core 0 (key 0x00000000): key 0x00000000 matches two "
        "router entries on chip 0: 0x00000000/0xffffff00 and "
        "0x00000000/0xff000000");
}

TEST_CASE("more entries than routing_entries_per_chip is an error",
          "[spinnaker][errors]") {
  target::TargetDescription t =
      test::editedSpiNNakerTarget([](target::proto::Target &d) {
        d.mutable_resources()->set_routing_entries_per_chip(1);
      });
  CHECK(test::emitError(test::goldenPlacedGraph(t), t) ==
        "chip 0: router table has 2 entries, more than "
        "routing_entries_per_chip 1");
}
