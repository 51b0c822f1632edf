//===- RouteTest.cpp - Routing tables from a placement --------------------===//
//
// Golden tests: keys, router entries (before and after compression) and
// axon maps for a hand-placed graph, derived by hand in the comments from
// the key formula of Route.h. Property test: on random graphs placed by
// partition, a packet from every source neuron, looked up chip by chip in
// the tables, reaches every core that holds one of its targets; every key
// the graph uses matches exactly one entry on each chip it must visit and
// none elsewhere; no table exceeds the limit.
//===----------------------------------------------------------------------===//
#include "passes/Route.h"

#include "passes/Partition.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"

#include "PlacementTestSupport.h"
#include "ir/Format.h"
#include "ir/Verifier.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <map>
#include <random>
#include <set>

using namespace axon;
using namespace axon::passes;

namespace {

using U = std::vector<uint32_t>;

llvm::Error runRoute(ir::Graph &g, const target::TargetDescription *t,
                     PassContext *ctxOut = nullptr) {
  PassContext local(t, "net.axon", kDefaultSeed);
  PassContext &ctx = ctxOut ? *ctxOut : local;
  RoutePass pass;
  return pass.run(g, ctx);
}

/// 4 neurons per core, 4 cores per chip, 2 chips, 2 index bits: keys are
/// source << 4 | rank << 2 | slot, source = chip * 4 + core, and the host
/// slices of `in` (5 neurons, chunks of 4) are sources 8 and 9.
test::TinyResources goldenResources() {
  test::TinyResources r;
  r.neuronsPerCore = 4;
  r.coresPerChip = 4;
  r.chips = 2;
  r.indexBits = 2;
  return r;
}

/// in(5, unplaced) -DENSE-> A(4); A -DENSE-> C(3); B(2) -> C one to one
/// (SPARSE). A0, A1 on chip 0 core 0 slots 0, 1; A2, A3 on chip 0 core 1
/// slots 0, 1; B on chip 0 core 0 slots 2, 3; C on chip 1 core 2.
ir::Graph goldenGraph() {
  ir::Graph g;
  g.name = "net";
  g.inputs.push_back({"in", 5, {}});
  g.populations.push_back(test::makePopulation("A", 4));
  g.populations.push_back(test::makePopulation("B", 2));
  g.populations.push_back(test::makePopulation("C", 3));
  g.projections.push_back(test::makeDense("in->A", "in", "A", 5, 4));
  g.projections.push_back(test::makeDense("A->C", "A", "C", 4, 3));
  ir::Projection bc;
  bc.name = "B->C";
  bc.source = "B";
  bc.target = "C";
  bc.connectivity = ir::Connectivity::Sparse;
  bc.pre = {0, 1};
  bc.post = {0, 1};
  bc.weights = {1, 1};
  g.projections.push_back(bc);
  test::makeQuantised(g);
  g.populations[0].placement = {{0, 0, 0, 0}, {0, 0, 1, 1}, {0, 1, 0, 1}};
  g.populations[1].placement = {{0, 0}, {0, 0}, {2, 3}};
  g.populations[2].placement = {{1, 1, 1}, {2, 2, 2}, {0, 1, 2}};
  g.level = ir::IRLevel::Placed;
  return g;
}

ir::RoutingEntry entry(uint32_t chip, uint32_t core, uint32_t key,
                       uint32_t mask, U cores, U chips) {
  return {chip, core, key, mask, std::move(cores), std::move(chips)};
}

} // namespace

TEST_CASE("route derives keys from the placement", "[passes][golden]") {
  target::TargetDescription t = test::tinyTarget(goldenResources());
  ir::Graph g = goldenGraph();
  llvm::Expected<KeyAssignment> a = assignKeys(g, t, "net.axon");
  REQUIRE(test::errorText(a) == "");
  CHECK(a->layout.indexBits == 2);
  CHECK(a->layout.sourceBits == 4); // sources 0..9
  CHECK(a->layout.sliceMask() == 0xFFFFFFFCu);
  CHECK(routingKey(a->layout, 6, 1, 3) == 0x67u);

  // Core 0 holds A (rank 0) and B (rank 1); core 1 A; chip 1 core 2 is
  // source 6 and holds C; host slices in 0..3 and in 4.
  const std::vector<SourceSlice> &s = a->slices;
  REQUIRE(s.size() == 6);
  CHECK(s[0].node == "A");
  CHECK(s[0].key == 0x00u);
  CHECK(s[0].neurons == U{0, 1});
  CHECK(s[0].keys == U{0x00, 0x01});
  CHECK(s[1].node == "B");
  CHECK(s[1].rank == 1);
  CHECK(s[1].key == 0x04u);
  CHECK(s[1].keys == U{0x06, 0x07}); // slots 2, 3
  CHECK(s[2].node == "A");
  CHECK(s[2].core == 1);
  CHECK(s[2].keys == U{0x10, 0x11});
  CHECK(s[3].node == "C");
  CHECK(s[3].chip == 1);
  CHECK(s[3].core == 2);
  CHECK(s[3].key == 0x60u);
  CHECK(s[4].node == "in");
  CHECK(s[4].fromHost);
  CHECK(s[4].chip == 0);
  CHECK(s[4].core == kHostCore);
  CHECK(s[4].keys == U{0x80, 0x81, 0x82, 0x83});
  CHECK(s[5].keys == U{0x90});
  for (const SourceSlice &slice : s)
    CHECK(slice.mask == 0xFFFFFFFCu);

  // An input with a placement sends from its core like a population, and
  // ranks before the populations there.
  ir::Graph placedInput;
  placedInput.inputs.push_back({"in", 2, {{0, 0}, {1, 1}, {0, 1}}});
  placedInput.populations.push_back(test::makePopulation("A", 2));
  test::makeQuantised(placedInput);
  placedInput.populations[0].placement = {{0, 0}, {1, 1}, {2, 3}};
  placedInput.level = ir::IRLevel::Placed;
  llvm::Expected<KeyAssignment> b = assignKeys(placedInput, t, "");
  REQUIRE(test::errorText(b) == "");
  REQUIRE(b->slices.size() == 2);
  CHECK(b->slices[0].keys == U{0x10, 0x11});
  CHECK(b->slices[1].keys == U{0x16, 0x17});
}

TEST_CASE("route builds and compresses multicast tables per chip",
          "[passes][golden]") {
  target::TargetDescription t = test::tinyTarget(goldenResources());
  ir::Graph g = goldenGraph();
  PassContext ctx(&t, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runRoute(g, &t, &ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");

  // Before compression. Chip 0: A@core0 0x00, B 0x04, A@core1 0x10 each
  // to chip 1 only; host 0x80, 0x90 to cores 0, 1 of chip 0. Chip 1: the
  // three A/B slices to core 2. 5 + 3 = 8 entries.
  //
  // Compression on chip 0, widening bits 2..7: 0x00 takes in 0x04 (bit 2),
  // 0x10 (bit 4) and nothing new with bit 5, giving 0x00/0xC0; bit 6 would
  // capture C's 0x60, bit 7 the host keys. 0x80 takes in 0x90 (bit 4),
  // bits 5 and 6 capture nothing, bit 7 would capture 0x00: 0x80/0x80.
  // Chip 1 alike: 0x00/0xC0 to core 2.
  CHECK(g.routes == std::vector<ir::RoutingEntry>{
                        entry(0, 0, 0x00, 0xFFFFFFC0, {}, {1}),
                        entry(0, 0, 0x80, 0xFFFFFF80, {0, 1}, {}),
                        entry(1, 0, 0x00, 0xFFFFFFC0, {2}, {}),
                    });
  const Statistics &s = ctx.statistics();
  CHECK(s.counter("route", "source-slices") == 5u);
  CHECK(s.counter("route", "entries-before") == 8u);
  CHECK(s.counter("route", "entries-after") == 3u);
  CHECK(s.figure("route", "max-entries-per-chip-before") == 5.0);
  CHECK(s.figure("route", "max-entries-per-chip") == 2.0);
  CHECK(s.counter("route", "chip0-entries-before") == 5u);
  CHECK(s.counter("route", "chip0-entries-after") == 2u);
  CHECK(s.counter("route", "chip1-entries-before") == 3u);
  CHECK(s.counter("route", "chip1-entries-after") == 1u);
}

TEST_CASE("route builds one axon map entry per slice without router "
          "tables",
          "[passes][golden]") {
  test::TinyResources r = goldenResources();
  r.routingEntries = 0;
  target::TargetDescription t = test::tinyTarget(r);
  ir::Graph g = goldenGraph();
  PassContext ctx(&t, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runRoute(g, &t, &ctx)) == "");
  // Destinations as (chip, core) pairs: A and B reach C on chip 1 core 2;
  // the host slices reach A's cores 0 and 1 of chip 0.
  CHECK(g.routes == std::vector<ir::RoutingEntry>{
                        entry(0, 0, 0x00, 0xFFFFFFFF, {2}, {1}),
                        entry(0, 0, 0x04, 0xFFFFFFFF, {2}, {1}),
                        entry(0, 1, 0x10, 0xFFFFFFFF, {2}, {1}),
                        entry(0, kHostCore, 0x80, 0xFFFFFFFF, {0, 1}, {0, 0}),
                        entry(0, kHostCore, 0x90, 0xFFFFFFFF, {0, 1}, {0, 0}),
                    });
  CHECK(ctx.statistics().counter("route", "entries-after") == 5u);
}

TEST_CASE("route names the chip whose table overflows and other failures",
          "[passes][golden]") {
  SECTION("table too small") {
    test::TinyResources r = goldenResources();
    r.routingEntries = 1;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = goldenGraph();
    ir::Graph before = g;
    CHECK(test::errorText(runRoute(g, &t)) ==
          "net.axon: chip 0: routing table needs 2 entries after "
          "compression (5 before) but routing_entries_per_chip is 1");
    CHECK(g == before);
  }
  SECTION("placement outside the target") {
    target::TargetDescription t = test::tinyTarget(goldenResources());
    ir::Graph g = goldenGraph();
    g.populations[2].placement.chip[0] = 2;
    g.populations[1].placement.slot[0] = 1; // A1's slot
    CHECK(test::errorText(runRoute(g, &t)) ==
          "net.axon: population 'C' neuron 0: chip 2: the target has 2 "
          "chips\n"
          "population 'B' neuron 0: chip 0 core 0 slot 1 is taken by "
          "population 'A' neuron 1");
  }
  SECTION("placement missing") {
    target::TargetDescription t = test::tinyTarget(goldenResources());
    ir::Graph g = goldenGraph();
    g.populations[2].placement = {};
    CHECK(test::errorText(runRoute(g, &t)) ==
          "net.axon: population 'C': placement has 0 chip, 0 core and 0 slot "
          "entries: must have one per neuron (3)");
  }
  SECTION("keys wider than 32 bits") {
    test::TinyResources r = goldenResources();
    r.indexBits = 16;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = goldenGraph();
    CHECK(test::errorText(runRoute(g, &t)) ==
          "net.axon: graph: routing keys need 36 bits (4 for 9 sources + 2 "
          "x 16 for rank and neuron index) but keys have 32");
  }
  SECTION("no target") {
    ir::Graph g = goldenGraph();
    CHECK(test::errorText(runRoute(g, nullptr)) ==
          "net.axon: pass 'route' needs a target description: keys, tables "
          "and their sizes are the chip's");
  }
}

TEST_CASE("partition and route run as a pipeline on both built-in targets",
          "[passes]") {
  for (llvm::StringRef name : {"loihi", "spinnaker"}) {
    target::TargetDescription t = test::builtinTarget(name);
    ir::Graph g = goldenGraph();
    g.level = ir::IRLevel::Quantised;
    for (ir::Population &p : g.populations)
      p.placement = {};
    PassManager pm;
    REQUIRE(test::errorText(pm.addPipeline("partition,route")) == "");
    PassContext ctx(&t, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(pm.run(g, ctx)) == "");
    CHECK(g.level == ir::IRLevel::Placed);
    CHECK(!g.routes.empty());
  }
}

namespace {

uint32_t bitsFor(uint64_t n) {
  uint32_t b = 0;
  while ((uint64_t(1) << b) < n)
    ++b;
  return b;
}

/// Keys written out again from Route.h's formula, independently of the
/// pass: per source node and neuron, the key and the slice base.
struct ExpectedKeys {
  uint32_t k = 0;
  std::map<std::pair<std::string, uint32_t>, uint32_t> key;
  std::map<std::pair<std::string, uint32_t>, uint32_t> originChip;
};

ExpectedKeys expectedKeys(const ir::Graph &g, const test::TinyResources &r) {
  ExpectedKeys e;
  e.k = std::max(r.indexBits, bitsFor(r.neuronsPerCore));
  struct Node {
    std::string name;
    uint32_t size;
    const ir::Placement *pl;
  };
  std::vector<Node> nodes;
  for (const ir::InputPopulation &in : g.inputs)
    nodes.push_back(
        {in.name, in.size, in.placement.empty() ? nullptr : &in.placement});
  for (const ir::Population &p : g.populations)
    nodes.push_back({p.name, p.size, &p.placement});
  // Nodes present on each core, in node order: rank = position.
  std::map<uint64_t, std::vector<size_t>> onCore;
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (!nodes[n].pl)
      continue;
    for (uint32_t i = 0; i < nodes[n].size; ++i) {
      uint64_t core = uint64_t(nodes[n].pl->chip[i]) * r.coresPerChip +
                      nodes[n].pl->core[i];
      std::vector<size_t> &list = onCore[core];
      if (list.empty() || list.back() != n)
        list.push_back(n);
    }
  }
  uint64_t host = uint64_t(r.chips) * r.coresPerChip;
  for (size_t n = 0; n < nodes.size(); ++n) {
    const Node &node = nodes[n];
    for (uint32_t i = 0; i < node.size; ++i) {
      uint64_t source, rank, index;
      uint32_t chip;
      if (node.pl) {
        chip = node.pl->chip[i];
        source = uint64_t(chip) * r.coresPerChip + node.pl->core[i];
        const std::vector<size_t> &list = onCore[source];
        rank = std::find(list.begin(), list.end(), n) - list.begin();
        index = node.pl->slot[i];
      } else {
        chip = 0;
        source = host + (i >> e.k);
        rank = 0;
        index = i & ((1u << e.k) - 1);
      }
      e.key[{node.name, i}] =
          static_cast<uint32_t>((source << (2 * e.k)) | (rank << e.k) | index);
      e.originChip[{node.name, i}] = chip;
    }
    if (!node.pl)
      host += (node.size + (1u << e.k) - 1) >> e.k;
  }
  return e;
}

using Core = std::pair<uint32_t, uint32_t>; // chip, core

/// Checks the tables of `g` against its synapses (file comment).
void checkRoutes(const ir::Graph &g, const test::TinyResources &r) {
  ExpectedKeys e = expectedKeys(g, r);
  uint32_t sliceMask = ~((1u << e.k) - 1);
  // Targets per source neuron, and per slice (key base).
  std::map<std::pair<std::string, uint32_t>, std::set<Core>> targets;
  for (const ir::Projection &p : g.projections) {
    const ir::Population &post = *g.findPopulation(p.target);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [i, j] = ir::synapseEnds(p, post.size, k);
      targets[{p.source, i}].insert(
          {post.placement.chip[j], post.placement.core[j]});
    }
  }
  std::map<uint32_t, std::set<Core>> sliceTargets;
  std::map<uint32_t, uint32_t> sliceOrigin;
  for (const auto &[neuron, key] : e.key) {
    std::set<Core> &st = sliceTargets[key & sliceMask];
    auto it = targets.find(neuron);
    if (it != targets.end())
      st.insert(it->second.begin(), it->second.end());
    sliceOrigin[key & sliceMask] = e.originChip[neuron];
  }

  if (r.routingEntries == 0) {
    // Axon maps: one entry per slice with targets, listing them all.
    size_t withTargets = 0;
    for (const auto &[base, cores] : sliceTargets) {
      if (cores.empty())
        continue;
      ++withTargets;
      const ir::RoutingEntry *found = nullptr;
      for (const ir::RoutingEntry &x : g.routes)
        if (x.key == base) {
          CHECK(found == nullptr);
          found = &x;
        }
      REQUIRE(found);
      CHECK(found->mask == 0xFFFFFFFFu);
      CHECK(found->chip == sliceOrigin[base]);
      REQUIRE(found->destinationChips.size() == found->destinationCores.size());
      std::set<Core> listed;
      for (size_t d = 0; d < found->destinationCores.size(); ++d)
        listed.insert({found->destinationChips[d], found->destinationCores[d]});
      CHECK(listed == cores);
    }
    CHECK(g.routes.size() == withTargets);
    return;
  }

  std::map<uint32_t, uint64_t> perChip;
  for (const ir::RoutingEntry &x : g.routes)
    ++perChip[x.chip];
  for (const auto &[chip, n] : perChip)
    CHECK(n <= r.routingEntries);
  auto matches = [&](uint32_t chip, uint32_t key) {
    std::vector<const ir::RoutingEntry *> m;
    for (const ir::RoutingEntry &x : g.routes)
      if (x.chip == chip && (key & x.mask) == x.key)
        m.push_back(&x);
    return m;
  };
  for (const auto &[neuron, key] : e.key) {
    CAPTURE(neuron.first, neuron.second, key);
    const std::set<Core> &slice = sliceTargets[key & sliceMask];
    uint32_t origin = e.originChip[neuron];
    // Chips the packet must visit: its origin and its targets' chips.
    std::set<uint32_t> visit;
    if (!slice.empty()) {
      visit.insert(origin);
      for (const Core &c : slice)
        visit.insert(c.first);
    }
    // No entry matches a key where it has no business.
    for (uint32_t chip = 0; chip < r.chips; ++chip)
      CHECK(matches(chip, key).size() == (visit.count(chip) ? 1u : 0u));
    if (slice.empty())
      continue;
    // Follow the packet: origin entry, then one hop to each listed chip.
    std::set<Core> delivered;
    std::vector<const ir::RoutingEntry *> first = matches(origin, key);
    REQUIRE(first.size() == 1);
    for (uint32_t c : first[0]->destinationCores)
      delivered.insert({origin, c});
    for (uint32_t chip : first[0]->destinationChips) {
      CHECK(chip != origin);
      std::vector<const ir::RoutingEntry *> next = matches(chip, key);
      REQUIRE(next.size() == 1);
      CHECK(next[0]->destinationChips.empty());
      for (uint32_t c : next[0]->destinationCores)
        delivered.insert({chip, c});
    }
    CHECK(delivered == slice);
    auto own = targets.find(neuron);
    if (own != targets.end())
      CHECK(std::includes(delivered.begin(), delivered.end(),
                          own->second.begin(), own->second.end()));
  }
}

} // namespace

TEST_CASE("route delivers every spike to every core holding a target on "
          "random graphs",
          "[passes][property]") {
  int routed = 0, overflowed = 0, compressedAway = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](uint32_t lo, uint32_t hi) {
      return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
    };
    test::TinyResources r;
    r.neuronsPerCore = uniform(1, 6);
    r.indexBits = std::max(bitsFor(r.neuronsPerCore), uniform(0, 3));
    r.coresPerChip = uniform(2, 8);
    r.chips = uniform(1, 4);
    r.fanIn = 64;
    r.memoryBits = 1u << 16;
    uint32_t kind = uniform(0, 3);
    r.routingEntries = kind == 0 ? 0 : kind == 1 ? uniform(1, 4) : 1024;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = test::randomQuantisedGraph(rng, seed);
    CAPTURE(seed, r.neuronsPerCore, r.indexBits, r.coresPerChip, r.chips,
            r.routingEntries);
    {
      PassContext ctx(&t, "net.axon", seed);
      PartitionPass partition;
      if (llvm::Error err = partition.run(g, ctx)) {
        // Too big for the random chip: nothing to route.
        llvm::consumeError(std::move(err));
        continue;
      }
    }
    ir::Graph placed = g;
    PassContext ctx(&t, "net.axon", seed);
    std::string err = test::errorText(runRoute(g, &t, &ctx));
    if (!err.empty()) {
      ++overflowed;
      CHECK(err.find("entries after compression") != std::string::npos);
      CHECK(g == placed);
      continue;
    }
    ++routed;
    REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
    checkRoutes(g, r);
    uint64_t before = *ctx.statistics().counter("route", "entries-before");
    uint64_t after = *ctx.statistics().counter("route", "entries-after");
    CHECK(after <= before);
    CHECK(after == g.routes.size());
    compressedAway += static_cast<int>(before - after);
  }
  CHECK(routed > 120);
  CHECK(overflowed > 10);
  CHECK(compressedAway > 80);
}
