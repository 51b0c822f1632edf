//===- PartitionTest.cpp - Neurons onto chips, cores and slots ------------===//
//
// Golden tests: placements and per-core figures are derived by hand in the
// comments from the limits of tiny targets (PlacementTestSupport.h: a
// synapse costs 8 bits, a row header 8 bits, rows round up to 16-bit
// words, so rows of 1, 2, 3, 4 synapses cost 16, 32, 32, 48 bits).
// Property test: on random graphs and targets, a successful partition
// breaks no per-core limit, recomputed here from the placement alone; a
// failed one leaves the graph unchanged.
//===----------------------------------------------------------------------===//
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
#include <tuple>

using namespace axon;
using namespace axon::passes;

namespace {

llvm::Error runPartition(ir::Graph &g, const target::TargetDescription *t,
                         PassContext *ctxOut = nullptr) {
  PassContext local(t, "net.axon", kDefaultSeed);
  PassContext &ctx = ctxOut ? *ctxOut : local;
  PartitionPass pass;
  return pass.run(g, ctx);
}

ir::Graph quantisedGraph(std::vector<ir::InputPopulation> inputs,
                         std::vector<ir::Population> pops,
                         std::vector<ir::Projection> projections) {
  ir::Graph g;
  g.name = "net";
  g.inputs = std::move(inputs);
  g.populations = std::move(pops);
  g.projections = std::move(projections);
  test::makeQuantised(g);
  return g;
}

using U = std::vector<uint32_t>;

/// Sparse synapses pre -> post, unit weights, no delays.
ir::Projection sparse(std::string name, std::string source, std::string target,
                      std::initializer_list<std::pair<uint32_t, uint32_t>> s) {
  ir::Projection p;
  p.name = std::move(name);
  p.source = std::move(source);
  p.target = std::move(target);
  p.connectivity = ir::Connectivity::Sparse;
  for (auto [pre, post] : s) {
    p.pre.push_back(pre);
    p.post.push_back(post);
    p.weights.push_back(1.0f);
  }
  return p;
}

} // namespace

TEST_CASE("partition's memory cost model follows the targets' widths",
          "[passes][golden]") {
  // Loihi-like: 7-bit mantissa + sign, 6 delay bits, 10 index bits = 24;
  // 10-bit header, 64-bit words.
  SynapseMemoryModel loihi = synapseMemoryModel(test::builtinTarget("loihi"));
  CHECK(loihi.synapseBits == 24);
  CHECK(loihi.headerBits == 10);
  CHECK(loihi.wordBits == 64);
  CHECK(loihi.rowBits(0) == 0);
  CHECK(loihi.rowBits(1) == 64);  // 34 -> 64
  CHECK(loihi.rowBits(3) == 128); // 82 -> 128
  CHECK(loihi.rowBits(5) == 192); // 130 -> 192
  // SpiNNaker-like: 16-bit magnitude + 1 type bit, 4 delay bits, 8 index
  // bits = 29; a 96-bit header, 32-bit words.
  SynapseMemoryModel spinnaker =
      synapseMemoryModel(test::builtinTarget("spinnaker"));
  CHECK(spinnaker.synapseBits == 29);
  CHECK(spinnaker.headerBits == 96);
  CHECK(spinnaker.wordBits == 32);
  CHECK(spinnaker.rowBits(1) == 128);    // 125 -> 128
  CHECK(spinnaker.rowBits(256) == 7520); // 96 + 7424, whole words
  // The tiny test target: 2 + 1 + 3 + 2 = 8 bits, 8-bit header, 16-bit
  // words.
  SynapseMemoryModel tiny = synapseMemoryModel(test::tinyTarget({}));
  CHECK(tiny.synapseBits == 8);
  CHECK(tiny.rowBits(1) == 16);
  CHECK(tiny.rowBits(2) == 32);
  CHECK(tiny.rowBits(3) == 32);
  CHECK(tiny.rowBits(4) == 48);
}

TEST_CASE("partition slices populations and packs them first-fit in "
          "topological order",
          "[passes][golden]") {
  // 4 neurons per core, 2 cores per chip, 2 chips; other limits loose.
  target::TargetDescription t = test::tinyTarget({});
  // in(3) -DENSE-> A(6) -DENSE-> B(3) -DENSE-> C(2, relay).
  ir::Graph g = quantisedGraph(
      {{"in", 3, {}}},
      {test::makePopulation("A", 6), test::makePopulation("B", 3),
       test::makePopulation("C", 2, ir::NeuronKind::Relay)},
      {test::makeDense("in->A", "in", "A", 3, 6),
       test::makeDense("A->B", "A", "B", 6, 3),
       test::makeDense("B->C", "B", "C", 3, 2)});
  PassContext ctx(&t, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runPartition(g, &t, &ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
  CHECK(g.level == ir::IRLevel::Placed);

  // Slices: A [0,4) [4,6), B [0,3), C [0,2). A's first slice fills core 0
  // (chip 0); its second starts core 1; B (3) does not fit the 2 slots
  // left on core 1 and opens core 2 = chip 1 core 0; C (2) fits core 1.
  const ir::Placement &a = g.populations[0].placement;
  CHECK(a.chip == U{0, 0, 0, 0, 0, 0});
  CHECK(a.core == U{0, 0, 0, 0, 1, 1});
  CHECK(a.slot == U{0, 1, 2, 3, 0, 1});
  const ir::Placement &b = g.populations[1].placement;
  CHECK(b.chip == U{1, 1, 1});
  CHECK(b.core == U{0, 0, 0});
  CHECK(b.slot == U{0, 1, 2});
  const ir::Placement &c = g.populations[2].placement;
  CHECK(c.chip == U{0, 0});
  CHECK(c.core == U{1, 1});
  CHECK(c.slot == U{2, 3});
  // Inputs are off-chip sources: no placement.
  CHECK(g.inputs[0].placement.empty());

  const Statistics &s = ctx.statistics();
  CHECK(s.counter("partition", "cores-used") == 3u);
  CHECK(s.counter("partition", "chips-used") == 2u);
  CHECK(s.counter("partition", "slices") == 4u);
  CHECK(s.counter("partition", "neurons-placed") == 11u);
  // Neurons: 4, 4, 3.
  CHECK(s.figure("partition", "max-neurons-per-core") == 4.0);
  CHECK(s.figure("partition", "mean-neurons-per-core") == Approx(11.0 / 3.0));
  // Synapses in: core 0 4 x 3 = 12; core 1 2 x 3 (in) + 2 x 3 (B) = 12;
  // core 2 3 x 6 = 18.
  CHECK(s.figure("partition", "max-synapses-per-core") == 18.0);
  CHECK(s.figure("partition", "mean-synapses-per-core") == 14.0);
  // Memory: core 0 three rows of 4 = 3 x 48 = 144; core 1 three rows of 2
  // from in and three of 2 from B = 6 x 32 = 192; core 2 six rows of 3 =
  // 6 x 32 = 192.
  CHECK(s.figure("partition", "max-memory-bits-per-core") == 192.0);
  CHECK(s.figure("partition", "mean-memory-bits-per-core") == 176.0);
  // Fan-in: 3 (in), 3 (in) + 3 (B) = 6, 6 (A).
  CHECK(s.figure("partition", "max-fan-in-per-core") == 6.0);
  CHECK(s.figure("partition", "mean-fan-in-per-core") == 5.0);
  // Fan-out: core 0 -> core 2; core 1 (A 4, 5) -> core 2; core 2 -> core 1.
  CHECK(s.figure("partition", "max-fan-out-per-core") == 1.0);
  CHECK(s.figure("partition", "mean-fan-out-per-core") == 1.0);
  CHECK(s.figure("partition", "max-row-length") == 4.0);
}

TEST_CASE("partition checks the union of a core's slices, rows of one "
          "source merging",
          "[passes][golden]") {
  // A(1) <- in 0, 1; B(1) <- in 2, 3; C(1) <- in 0. No edges between the
  // populations, so they go in graph order.
  auto graph = [] {
    return quantisedGraph({{"in", 4, {}}},
                          {test::makePopulation("A", 1),
                           test::makePopulation("B", 1),
                           test::makePopulation("C", 1)},
                          {sparse("in->A", "in", "A", {{0, 0}, {1, 0}}),
                           sparse("in->B", "in", "B", {{2, 0}, {3, 0}}),
                           sparse("in->C", "in", "C", {{0, 0}})});
  };
  test::TinyResources r;
  r.coresPerChip = 2;
  r.chips = 1;
  r.fanIn = 3;
  {
    // A on core 0; B with A would make fan-in 4 > 3: core 1; C adds no
    // new source to core 0: slot 1 there.
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = graph();
    REQUIRE(test::errorText(runPartition(g, &t)) == "");
    CHECK(g.populations[0].placement.core == U{0});
    CHECK(g.populations[1].placement.core == U{1});
    CHECK(g.populations[2].placement.core == U{0});
    CHECK(g.populations[2].placement.slot == U{1});
  }
  {
    // With rows of at most 1 synapse, C's synapse from in 0 would make
    // in 0's row on core 0 two long: C goes to core 1 (fan-in 3 there).
    r.rowLength = 1;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = graph();
    REQUIRE(test::errorText(runPartition(g, &t)) == "");
    CHECK(g.populations[2].placement.core == U{1});
    CHECK(g.populations[2].placement.slot == U{1});
  }
}

TEST_CASE("partition cuts slices where memory, fan-in or row length "
          "would overflow",
          "[passes][golden]") {
  test::TinyResources r;
  r.chips = 1;
  SECTION("memory") {
    // in(2) -DENSE-> P(4): a slice of n neurons has two rows of n. n = 3
    // costs 2 x 32 = 64 bits, n = 4 costs 2 x 48 = 96 > 90.
    r.memoryBits = 90;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g =
        quantisedGraph({{"in", 2, {}}}, {test::makePopulation("P", 4)},
                       {test::makeDense("in->P", "in", "P", 2, 4)});
    PassContext ctx(&t, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(runPartition(g, &t, &ctx)) == "");
    CHECK(g.populations[0].placement.core == U{0, 0, 0, 1});
    CHECK(g.populations[0].placement.slot == U{0, 1, 2, 0});
    CHECK(ctx.statistics().figure("partition", "max-memory-bits-per-core") ==
          64.0);
  }
  SECTION("fan-in") {
    // P neuron j <- in 2j, 2j + 1: two neurons reach fan-in 4.
    r.fanIn = 4;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = quantisedGraph(
        {{"in", 8, {}}}, {test::makePopulation("P", 4)},
        {sparse(
            "in->P", "in", "P",
            {{0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 2}, {5, 2}, {6, 3}, {7, 3}})});
    REQUIRE(test::errorText(runPartition(g, &t)) == "");
    CHECK(g.populations[0].placement.core == U{0, 0, 1, 1});
    CHECK(g.populations[0].placement.slot == U{0, 1, 0, 1});
  }
  SECTION("row length") {
    // in(1) -DENSE-> P(4): the one row grows by one synapse per neuron.
    r.rowLength = 2;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g =
        quantisedGraph({{"in", 1, {}}}, {test::makePopulation("P", 4)},
                       {test::makeDense("in->P", "in", "P", 1, 4)});
    REQUIRE(test::errorText(runPartition(g, &t)) == "");
    CHECK(g.populations[0].placement.core == U{0, 0, 1, 1});
  }
}

TEST_CASE("partition splits a source slice whose targets would exceed the "
          "fan-out",
          "[passes][golden]") {
  // 2 neurons per core, 4 cores. A(2) -> B(4): A0 -> B0, B1; A1 -> B2.
  // B's slices are [0,2) and [2,4).
  test::TinyResources r;
  r.neuronsPerCore = 2;
  r.coresPerChip = 4;
  r.chips = 1;
  auto graph = [] {
    return quantisedGraph(
        {}, {test::makePopulation("A", 2), test::makePopulation("B", 4)},
        {sparse("A->B", "A", "B", {{0, 0}, {0, 1}, {1, 2}})});
  };
  {
    // No fan-out limit: A fills core 0, B cores 1 and 2.
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = graph();
    REQUIRE(test::errorText(runPartition(g, &t)) == "");
    CHECK(g.populations[0].placement.core == U{0, 0});
    CHECK(g.populations[1].placement.core == U{1, 1, 2, 2});
  }
  {
    // Fan-out 1: A as one slice reaches both of B's slices, so it is cut
    // in two; A1 cannot join A0 on core 0 (two target slices there), so it
    // opens core 1, and B takes cores 2 and 3.
    r.fanOut = 1;
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = graph();
    PassContext ctx(&t, "net.axon", kDefaultSeed);
    REQUIRE(test::errorText(runPartition(g, &t, &ctx)) == "");
    CHECK(g.populations[0].placement.core == U{0, 1});
    CHECK(g.populations[0].placement.slot == U{0, 0});
    CHECK(g.populations[1].placement.core == U{2, 2, 3, 3});
    CHECK(ctx.statistics().figure("partition", "max-fan-out-per-core") == 1.0);
  }
}

TEST_CASE("partition names the population, the neuron and the limit it "
          "cannot meet",
          "[passes][golden]") {
  test::TinyResources r;
  r.coresPerChip = 2;
  r.chips = 1;
  auto expectError = [](ir::Graph g, const target::TargetDescription &t,
                        const std::string &message) {
    ir::Graph before = g;
    CHECK(test::errorText(runPartition(g, &t)) == message);
    CHECK(g == before);
  };
  SECTION("cores run out") {
    // A(6) takes core 0 and 4 + 2 slots... B's first slice of 4 fits
    // neither core.
    target::TargetDescription t = test::tinyTarget(r);
    expectError(quantisedGraph({},
                               {test::makePopulation("A", 6),
                                test::makePopulation("B", 6)},
                               {}),
                t,
                "net.axon: population 'B': 6 neurons need 2 cores of 4 but "
                "only 0 of 2 x 1 chips remain");
  }
  SECTION("cores run out, slices cut by fan-in") {
    // Each B neuron has two sources of its own: with fan-in 2 every slice
    // is one neuron; two fit the two cores.
    r.fanIn = 2;
    target::TargetDescription t = test::tinyTarget(r);
    expectError(
        quantisedGraph({{"in", 12, {}}}, {test::makePopulation("B", 6)},
                       {sparse("in->B", "in", "B",
                               {{0, 0},
                                {1, 0},
                                {2, 1},
                                {3, 1},
                                {4, 2},
                                {5, 2},
                                {6, 3},
                                {7, 3},
                                {8, 4},
                                {9, 4},
                                {10, 5},
                                {11, 5}})}),
        t,
        "net.axon: population 'B': 6 neurons need 6 cores (slices of at "
        "most 1 neuron, limited by max_fan_in_per_core 2) but only 2 of 2 "
        "x 1 chips remain");
  }
  SECTION("fan-in of one neuron") {
    r.fanIn = 4;
    target::TargetDescription t = test::tinyTarget(r);
    expectError(quantisedGraph({{"in", 6, {}}}, {test::makePopulation("P", 2)},
                               {test::makeDense("in->P", "in", "P", 6, 2)}),
                t,
                "net.axon: population 'P': a single neuron (0) has fan-in 6 "
                "exceeding max_fan_in_per_core 4");
  }
  SECTION("row of one neuron") {
    r.rowLength = 1;
    target::TargetDescription t = test::tinyTarget(r);
    expectError(quantisedGraph({{"in", 2, {}}}, {test::makePopulation("P", 2)},
                               {sparse("in->P", "in", "P",
                                       {{0, 0}, {0, 1}, {1, 1}, {1, 1}})}),
                t,
                "net.axon: population 'P': a single neuron (1) receives 2 "
                "synapses from one source neuron ('in' neuron 1) exceeding "
                "max_row_length 1");
  }
  SECTION("memory of one neuron") {
    // Three rows of one synapse: 3 x 16 = 48 bits > 40.
    r.memoryBits = 40;
    target::TargetDescription t = test::tinyTarget(r);
    expectError(quantisedGraph({{"in", 3, {}}}, {test::makePopulation("P", 1)},
                               {test::makeDense("in->P", "in", "P", 3, 1)}),
                t,
                "net.axon: population 'P': a single neuron (0) needs 48 bits "
                "of synapse memory (3 synapses from 3 source neurons) "
                "exceeding synapse_memory_bits_per_core 40");
  }
  SECTION("fan-out of one neuron") {
    // One neuron per core: A0 reaches B's three slices.
    r.neuronsPerCore = 1;
    r.coresPerChip = 8;
    r.fanOut = 2;
    target::TargetDescription t = test::tinyTarget(r);
    expectError(quantisedGraph({},
                               {test::makePopulation("A", 1),
                                test::makePopulation("B", 3)},
                               {test::makeDense("A->B", "A", "B", 1, 3)}),
                t,
                "net.axon: population 'A': a single neuron (0) sends to 3 "
                "target slices (up to 3 cores) exceeding "
                "max_fan_out_per_core 2");
  }
  SECTION("no target") {
    ir::Graph g = quantisedGraph({}, {test::makePopulation("A", 1)}, {});
    CHECK(test::errorText(runPartition(g, nullptr)) ==
          "net.axon: pass 'partition' needs a target description: the core "
          "limits are the chip's");
  }
}

TEST_CASE("partition runs in a pipeline from QUANTISED to PLACED only",
          "[passes]") {
  target::TargetDescription t = test::builtinTarget("loihi");
  ir::Graph g =
      quantisedGraph({{"in", 3, {}}}, {test::makePopulation("A", 2000)},
                     {test::makeDense("in->A", "in", "A", 3, 2000)});
  PassManager pm;
  REQUIRE(test::errorText(pm.addPipeline("partition")) == "");
  PassContext ctx(&t, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(pm.run(g, ctx)) == "");
  CHECK(g.level == ir::IRLevel::Placed);
  // 1024 compartments per Loihi core: two slices, cores 0 and 1.
  CHECK(g.populations[0].placement.core[1023] == 0);
  CHECK(g.populations[0].placement.core[1024] == 1);
  CHECK(g.populations[0].placement.slot[1024] == 0);

  ir::Graph discrete = quantisedGraph({}, {test::makePopulation("A", 2)}, {});
  discrete.level = ir::IRLevel::Discrete;
  PassManager pm2;
  REQUIRE(test::errorText(pm2.addPipeline("partition")) == "");
  std::string err = test::errorText(pm2.run(discrete, ctx));
  CHECK(err.find("QUANTISED") != std::string::npos);
}

namespace {

/// Every per-core limit of `r`, recomputed from the placement alone.
void checkLimits(const ir::Graph &g, const test::TinyResources &r) {
  using Seat = std::tuple<uint32_t, uint32_t, uint32_t>; // chip, core, slot
  std::set<Seat> seats;
  for (const ir::Population &p : g.populations) {
    REQUIRE(p.placement.chip.size() == p.size);
    REQUIRE(p.placement.core.size() == p.size);
    REQUIRE(p.placement.slot.size() == p.size);
    for (uint32_t i = 0; i < p.size; ++i) {
      uint32_t chip = p.placement.chip[i], core = p.placement.core[i],
               slot = p.placement.slot[i];
      CHECK(chip < r.chips);
      CHECK(core < r.coresPerChip);
      CHECK(slot < r.neuronsPerCore);
      CHECK(seats.insert({chip, core, slot}).second);
      // Slices are contiguous: neighbours on one core sit in adjacent
      // slots (two slices of a population that share a core are never
      // adjacent ones, since the second began where the first could not
      // grow).
      if (i > 0 && chip == p.placement.chip[i - 1] &&
          core == p.placement.core[i - 1])
        CHECK(slot == p.placement.slot[i - 1] + 1);
    }
  }
  for (const ir::InputPopulation &in : g.inputs)
    CHECK(in.placement.empty());

  // Rows: (core, source node, source neuron) -> synapses.
  using Core = std::pair<uint32_t, uint32_t>;
  std::map<std::tuple<Core, std::string, uint32_t>, uint64_t> rows;
  std::set<std::pair<Core, Core>> links;
  for (const ir::Projection &p : g.projections) {
    const ir::Population &post = *g.findPopulation(p.target);
    const ir::Population *pre = g.findPopulation(p.source);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [i, j] = ir::synapseEnds(p, post.size, k);
      Core to{post.placement.chip[j], post.placement.core[j]};
      ++rows[{to, p.source, i}];
      if (pre)
        links.insert({{pre->placement.chip[i], pre->placement.core[i]}, to});
    }
  }
  // The cost model written out again: 2 weight + 1 type + 3 delay +
  // index bits per synapse, 8-bit header, 16-bit words.
  uint64_t synapseBits = 6 + r.indexBits;
  std::map<Core, uint64_t> fanIn, memory;
  for (const auto &[key, n] : rows) {
    if (r.rowLength)
      CHECK(n <= r.rowLength);
    ++fanIn[std::get<0>(key)];
    memory[std::get<0>(key)] += (8 + n * synapseBits + 15) / 16 * 16;
  }
  for (const auto &[core, n] : fanIn)
    CHECK(n <= r.fanIn);
  for (const auto &[core, bits] : memory)
    CHECK(bits <= r.memoryBits);
  std::map<Core, uint64_t> fanOut;
  for (const auto &[from, to] : links)
    ++fanOut[from];
  if (r.fanOut)
    for (const auto &[core, n] : fanOut)
      CHECK(n <= r.fanOut);
}

uint32_t bitsFor(uint32_t n) {
  uint32_t b = 0;
  while ((1u << b) < n)
    ++b;
  return b;
}

} // namespace

TEST_CASE("partition keeps every core within every limit on random graphs",
          "[passes][property]") {
  int placed = 0, failed = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](uint32_t lo, uint32_t hi) {
      return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
    };
    test::TinyResources r;
    r.neuronsPerCore = uniform(1, 6);
    r.indexBits = std::max(bitsFor(r.neuronsPerCore), uniform(0, 3));
    r.coresPerChip = uniform(2, 8);
    r.chips = uniform(1, 4);
    r.fanIn = uniform(8, 40);
    r.fanOut = uniform(0, 1) ? 0 : uniform(2, 8);
    r.rowLength = uniform(0, 1) ? 0 : uniform(2, 5);
    r.memoryBits = uniform(128, 2000);
    target::TargetDescription t = test::tinyTarget(r);
    ir::Graph g = test::randomQuantisedGraph(rng, seed);
    REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
    CAPTURE(seed, r.neuronsPerCore, r.coresPerChip, r.chips, r.fanIn, r.fanOut,
            r.rowLength, r.memoryBits);

    ir::Graph before = g;
    std::string err = test::errorText(runPartition(g, &t));
    if (!err.empty()) {
      ++failed;
      CHECK(err.rfind("net.axon: population '", 0) == 0);
      CHECK(g == before);
      continue;
    }
    ++placed;
    REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
    checkLimits(g, r);
    // Deterministic: the same input gives the same placement.
    ir::Graph again = before;
    REQUIRE(test::errorText(runPartition(again, &t)) == "");
    CHECK(again == g);
  }
  // Both outcomes must be exercised.
  CHECK(placed > 120);
  CHECK(failed > 50);
}
