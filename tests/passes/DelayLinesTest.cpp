//===- DelayLinesTest.cpp - Over-long delays through relay stages ---------===//
//
// Golden tests: the relay populations, projections and delays expected are
// worked out by hand in the comments from the delays and limits written in
// each test. Property test: on random small graphs and targets, every
// original (pre, post) synapse is still exactly one path of relays with its
// original total delay and weight, and no synapse exceeds the on-core limit.
//===----------------------------------------------------------------------===//
#include "passes/DelayLines.h"

#include "passes/PassContext.h"

#include "PassTestSupport.h"
#include "ir/Format.h"
#include "ir/Verifier.h"
#include "support/Errors.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <random>
#include <tuple>

using namespace axon;
using namespace axon::passes;

namespace {

const ir::Projection *findProjection(const ir::Graph &g, llvm::StringRef name) {
  for (const ir::Projection &p : g.projections)
    if (p.name == name)
      return &p;
  return nullptr;
}

std::vector<std::string> populationNames(const ir::Graph &g) {
  std::vector<std::string> names;
  for (const ir::Population &p : g.populations)
    names.push_back(p.name);
  return names;
}

std::vector<std::string> projectionNames(const ir::Graph &g) {
  std::vector<std::string> names;
  for (const ir::Projection &p : g.projections)
    names.push_back(p.name);
  return names;
}

/// A spike's end-to-end route: from (source, pre) to (target, post) with
/// the summed delay and the weight it is delivered with.
using Route =
    std::tuple<std::string, uint32_t, std::string, uint32_t, uint64_t, float>;

/// Every route a graph delivers spikes along: each synapse leaving a
/// non-relay node, followed through relay populations (which fire
/// kRelayLatencySteps after a spike reaches them, DelayLines.h) to a
/// non-relay population.
std::vector<Route> enumerateRoutes(const ir::Graph &g) {
  struct Edge {
    std::string target;
    uint32_t post;
    uint32_t delay;
    float weight;
  };
  std::map<std::pair<std::string, uint32_t>, std::vector<Edge>> out;
  for (const ir::Projection &p : g.projections) {
    uint32_t postSize = *g.sizeOf(p.target);
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      auto [pre, post] = ir::synapseEnds(p, postSize, k);
      uint32_t d = p.delaySteps.empty() ? 0 : p.delaySteps[k];
      out[{p.source, pre}].push_back({p.target, post, d, p.weights[k]});
    }
  }
  auto isRelay = [&](const std::string &name) {
    const ir::Population *pop = g.findPopulation(name);
    return pop && pop->kind == ir::NeuronKind::Relay;
  };
  std::vector<Route> routes;
  // Depth-first from each synapse leaving a real node; relays never loop
  // (each stage feeds the next or a real population).
  std::function<void(const std::string &, uint32_t, const std::string &,
                     uint32_t, uint64_t)>
      walk = [&](const std::string &origin, uint32_t pre,
                 const std::string &node, uint32_t neuron, uint64_t delay) {
        for (const Edge &e : out[{node, neuron}]) {
          if (isRelay(e.target))
            walk(origin, pre, e.target, e.post,
                 delay + e.delay + kRelayLatencySteps);
          else
            routes.emplace_back(origin, pre, e.target, e.post, delay + e.delay,
                                e.weight);
        }
      };
  for (const auto &[from, edges] : out) {
    (void)edges;
    if (!isRelay(from.first))
      walk(from.first, from.second, from.first, from.second, 0);
  }
  std::sort(routes.begin(), routes.end());
  return routes;
}

llvm::Error runDelayLines(ir::Graph &g, const target::TargetDescription *t,
                          PassContext *ctxOut = nullptr) {
  PassContext local(t, "net.axon", kDefaultSeed);
  PassContext &ctx = ctxOut ? *ctxOut : local;
  DelayLinesPass pass;
  return pass.run(g, ctx);
}

/// in(3) -> hidden(2) DENSE, in -> out(2) SPARSE, hidden -> hidden SPARSE,
/// at DISCRETE level with the given delays in steps.
ir::Graph goldenGraph() {
  ir::Graph g;
  g.name = "golden";
  g.level = ir::IRLevel::Discrete;
  g.inputs.push_back({"in", 3, {}});
  g.populations.push_back(test::makePopulation("hidden", 2));
  g.populations.push_back(test::makePopulation("out", 2));
  ir::Projection a;
  a.name = "in->hidden";
  a.source = "in";
  a.target = "hidden";
  a.connectivity = ir::Connectivity::Dense;
  // Synapse (i, j) at index 2i + j.
  a.weights = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
  a.delaySteps = {5, 40, 16, 17, 33, 20};
  g.projections.push_back(a);
  g.projections.push_back(test::makeSparse(
      "in->out", "in", "out", {{0, 1, 0.7f, 50}, {1, 0, 0.8f, 3}}));
  g.projections.push_back(test::makeSparse(
      "rec", "hidden", "hidden", {{0, 0, -0.9f, 144}, {1, 1, 1.1f, 2}}));
  return g;
}

} // namespace

TEST_CASE("delay-lines builds shared relay chains with hand-derived delays",
          "[passes][golden]") {
  // SpiNNaker-like: 16 on core, stages of 16, at most 8 stages (144).
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  ir::Graph g = goldenGraph();
  PassContext ctx(&spinnaker, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runDelayLines(g, &spinnaker, &ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");

  // in->hidden: (0,1) 40 = 2 x 16 + 8; (1,1) 17 = 16 + 1; (2,0) 33 =
  // 2 x 16 + 1; (2,1) 20 = 16 + 4; (0,0) 5 and (1,0) 16 fit on core.
  // in->out: (0,1) 50 = 3 x 16 + 2; rec: (0,0) 144 = 8 x 16 + 16.
  // Stages needed by in's neurons: 0 -> 3, 1 -> 1, 2 -> 2; hidden's: 0 -> 8.
  CHECK(populationNames(g) ==
        std::vector<std::string>{"hidden", "out", "in.relay1", "in.relay2",
                                 "in.relay3", "hidden.relay1", "hidden.relay2",
                                 "hidden.relay3", "hidden.relay4",
                                 "hidden.relay5", "hidden.relay6",
                                 "hidden.relay7", "hidden.relay8"});
  const ir::Population &r1 = *g.findPopulation("in.relay1");
  CHECK(r1.kind == ir::NeuronKind::Relay);
  CHECK(r1.size == 3);                             // in 0, 1, 2
  CHECK(g.findPopulation("in.relay2")->size == 2); // in 0, 2
  CHECK(g.findPopulation("in.relay3")->size == 1); // in 0
  for (int k = 1; k <= 8; ++k)
    CHECK(g.findPopulation(fmt::format("hidden.relay{}", k))->size == 1);

  CHECK(projectionNames(g) ==
        std::vector<std::string>{
            "in->hidden", "in->out", "rec", "in->in.relay1",
            "in.relay1->in.relay2", "in.relay2->in.relay3",
            "hidden->hidden.relay1", "hidden.relay1->hidden.relay2",
            "hidden.relay2->hidden.relay3", "hidden.relay3->hidden.relay4",
            "hidden.relay4->hidden.relay5", "hidden.relay5->hidden.relay6",
            "hidden.relay6->hidden.relay7", "hidden.relay7->hidden.relay8",
            "in->hidden/relay1", "in->hidden/relay2", "in->out/relay3",
            "rec/relay8"});

  // The originals keep what fits, now SPARSE.
  const ir::Projection &a = *findProjection(g, "in->hidden");
  CHECK(a.connectivity == ir::Connectivity::Sparse);
  CHECK(a.pre == std::vector<uint32_t>{0, 1});
  CHECK(a.post == std::vector<uint32_t>{0, 0});
  CHECK(a.weights == std::vector<float>{0.1f, 0.3f});
  CHECK(a.delaySteps == std::vector<uint32_t>{5, 16});
  CHECK(findProjection(g, "in->out")->delaySteps == std::vector<uint32_t>{3});
  CHECK(findProjection(g, "rec")->pre == std::vector<uint32_t>{1});

  // Stage 1 holds every neuron of in: one to one.
  const ir::Projection &s1 = *findProjection(g, "in->in.relay1");
  CHECK(s1.source == "in");
  CHECK(s1.target == "in.relay1");
  CHECK(s1.connectivity == ir::Connectivity::OneToOne);
  CHECK(s1.weights == std::vector<float>{1, 1, 1});
  // A stage adds 16 steps: 15 on its synapse and 1 in the relay.
  CHECK(s1.delaySteps == std::vector<uint32_t>{15, 15, 15});
  // Stage 2 holds in 0 and 2, relays 0 and 2 of stage 1.
  const ir::Projection &s2 = *findProjection(g, "in.relay1->in.relay2");
  CHECK(s2.connectivity == ir::Connectivity::Sparse);
  CHECK(s2.pre == std::vector<uint32_t>{0, 2});
  CHECK(s2.post == std::vector<uint32_t>{0, 1});
  CHECK(s2.delaySteps == std::vector<uint32_t>{15, 15});
  const ir::Projection &s3 = *findProjection(g, "in.relay2->in.relay3");
  CHECK(s3.pre == std::vector<uint32_t>{0});
  CHECK(s3.post == std::vector<uint32_t>{0});
  // hidden's stage 1 holds only hidden 0; later stages map 1:1.
  const ir::Projection &h1 = *findProjection(g, "hidden->hidden.relay1");
  CHECK(h1.connectivity == ir::Connectivity::Sparse);
  CHECK(h1.pre == std::vector<uint32_t>{0});
  CHECK(findProjection(g, "hidden.relay4->hidden.relay5")->connectivity ==
        ir::Connectivity::OneToOne);

  // Final hops carry the original weights and the remainders.
  const ir::Projection &f1 = *findProjection(g, "in->hidden/relay1");
  CHECK(f1.source == "in.relay1");
  CHECK(f1.target == "hidden");
  CHECK(f1.pre == std::vector<uint32_t>{1, 2}); // in 1 and in 2
  CHECK(f1.post == std::vector<uint32_t>{1, 1});
  CHECK(f1.weights == std::vector<float>{0.4f, 0.6f});
  CHECK(f1.delaySteps == std::vector<uint32_t>{1, 4});
  CHECK(f1.delaysMs.empty());
  const ir::Projection &f2 = *findProjection(g, "in->hidden/relay2");
  CHECK(f2.source == "in.relay2");
  CHECK(f2.pre == std::vector<uint32_t>{0, 1}); // in 0 and in 2
  CHECK(f2.post == std::vector<uint32_t>{1, 0});
  CHECK(f2.weights == std::vector<float>{0.2f, 0.5f});
  CHECK(f2.delaySteps == std::vector<uint32_t>{8, 1});
  const ir::Projection &f3 = *findProjection(g, "in->out/relay3");
  CHECK(f3.source == "in.relay3");
  CHECK(f3.pre == std::vector<uint32_t>{0});
  CHECK(f3.post == std::vector<uint32_t>{1});
  CHECK(f3.delaySteps == std::vector<uint32_t>{2});
  const ir::Projection &f8 = *findProjection(g, "rec/relay8");
  CHECK(f8.source == "hidden.relay8");
  CHECK(f8.target == "hidden");
  CHECK(f8.weights == std::vector<float>{-0.9f});
  CHECK(f8.delaySteps == std::vector<uint32_t>{16});

  const Statistics &s = ctx.statistics();
  CHECK(s.counter("delay-lines", "synapses-rerouted") == 6u);
  CHECK(s.counter("delay-lines", "relay-populations") == 11u);
  CHECK(s.counter("delay-lines", "relay-neurons") == 14u); // 3+2+1 + 8
  CHECK(s.counter("delay-lines", "relay-synapses") == 14u);
  CHECK(s.counter("delay-lines", "projections-added") == 15u);
  CHECK(s.counter("delay-lines", "projections-removed") == 0u);
  CHECK(s.figure("delay-lines", "max-stages-used") == 8.0);
}

TEST_CASE("delay-lines keeps every path's total delay in the golden graph",
          "[passes]") {
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  ir::Graph g = goldenGraph();
  std::vector<Route> before = enumerateRoutes(g);
  REQUIRE(test::errorText(runDelayLines(g, &spinnaker)) == "");
  CHECK(enumerateRoutes(g) == before);
}

TEST_CASE("delay-lines leaves a graph whose delays fit unchanged", "[passes]") {
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  ir::Graph g = goldenGraph();
  g.projections[0].delaySteps = {1, 2, 3, 4, 5, 16};
  g.projections[1].delaySteps = {16, 1};
  g.projections[2].delaySteps = {7, 8};
  ir::Graph before = g;
  REQUIRE(test::errorText(runDelayLines(g, &spinnaker)) == "");
  CHECK(g == before);
}

TEST_CASE("delay-lines removes a projection whose synapses all moved",
          "[passes]") {
  target::TargetDescription loihi = test::builtinTarget("loihi");
  ir::Graph g = goldenGraph();
  // Loihi-like: 62 on core, stages of 62. 100 = 62 + 38, 63 = 62 + 1.
  g.projections[1].delaySteps = {100, 63};
  PassContext ctx(&loihi, "net.axon", kDefaultSeed);
  REQUIRE(test::errorText(runDelayLines(g, &loihi, &ctx)) == "");
  REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
  CHECK(findProjection(g, "in->out") == nullptr);
  const ir::Projection &hop = *findProjection(g, "in->out/relay1");
  CHECK(hop.pre == std::vector<uint32_t>{0, 1});
  CHECK(hop.delaySteps == std::vector<uint32_t>{38, 1});
  CHECK(findProjection(g, "in->in.relay1")->delaySteps ==
        std::vector<uint32_t>{61, 61});
  CHECK(ctx.statistics().counter("delay-lines", "projections-removed") == 1u);
}

TEST_CASE("delay-lines names the synapse, the delay and the limit it "
          "exceeds",
          "[passes][golden]") {
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  ir::Graph g;
  g.name = "net";
  g.level = ir::IRLevel::Discrete;
  g.populations.push_back(test::makePopulation("hidden", 16));
  g.populations.push_back(test::makePopulation("out", 4));
  g.projections.push_back(test::makeSparse(
      "hidden->out", "hidden", "out", {{0, 0, 1.0f, 144}, {12, 3, 1.0f, 171}}));
  ir::Graph before = g;
  CHECK(test::errorText(runDelayLines(g, &spinnaker)) ==
        "net.axon: projection 'hidden->out' synapse (12, 3): delay 171 steps "
        "exceeds the 144 the target can realise (16 on core + 8 stages x "
        "16)");
  CHECK(g == before);

  target::TargetDescription loihi = test::builtinTarget("loihi");
  g.projections[0].delaySteps = {311, 310};
  CHECK(test::errorText(runDelayLines(g, &loihi)) ==
        "net.axon: projection 'hidden->out' synapse (0, 0): delay 311 steps "
        "exceeds the 310 the target can realise (62 on core + 4 stages x "
        "62)");

  target::TargetDescription noStages = test::targetWithDelays(16, 1, 16, 0);
  g.projections[0].delaySteps = {17, 18};
  CHECK(test::errorText(runDelayLines(g, &noStages)) ==
        "net.axon: projection 'hidden->out' synapse (0, 0): delay 17 steps "
        "exceeds the 16 the target can realise (16 on core, no relay "
        "stages)\n"
        "projection 'hidden->out' synapse (12, 3): delay 18 steps exceeds "
        "the 16 the target can realise (16 on core, no relay stages)");
}

TEST_CASE("delay-lines needs a target", "[passes]") {
  ir::Graph g = goldenGraph();
  CHECK(test::errorText(runDelayLines(g, nullptr)) ==
        "net.axon: pass 'delay-lines' needs a target description: the "
        "longest on-core delay and the relay stages are the chip's");
}

TEST_CASE("delay-lines refuses to reuse a taken relay name", "[passes]") {
  target::TargetDescription spinnaker = test::builtinTarget("spinnaker");
  ir::Graph g = goldenGraph();
  g.populations.push_back(test::makePopulation("in.relay2", 1));
  ir::Graph before = g;
  CHECK(test::errorText(runDelayLines(g, &spinnaker)) ==
        "net.axon: population 'in.relay2': name is taken: delay-lines names "
        "relay populations '<source>.relay<k>' and their projections "
        "'<projection>/relay<n>'");
  CHECK(g == before);
}

TEST_CASE("delay-lines shortens stages so the last hop respects min_steps",
          "[passes][golden]") {
  // 6 on core, min 3, stages of 6: 13 = 2 x 6 + 1 would leave a last hop
  // of 1, below the minimum. Stages are therefore 6 + 1 - 3 = 4 steps, the
  // limit is 6 + 3 x 4 = 18, and 13 = 2 x 4 + 5 (n = ceil(7 / 4)).
  target::TargetDescription t = test::targetWithDelays(6, 3, 6, 3);
  DelayBudget b = delayBudget(t);
  CHECK(b.stageSteps == 4);
  CHECK(b.limit() == 18);
  ir::Graph g;
  g.level = ir::IRLevel::Discrete;
  g.inputs.push_back({"in", 1, {}});
  g.populations.push_back(test::makePopulation("p", 1));
  g.projections.push_back(
      test::makeSparse("in->p", "in", "p", {{0, 0, 1.0f, 13}}));
  REQUIRE(test::errorText(runDelayLines(g, &t)) == "");
  CHECK(findProjection(g, "in->p/relay2")->delaySteps ==
        std::vector<uint32_t>{5});
  CHECK(findProjection(g, "in.relay1->in.relay2")->delaySteps ==
        std::vector<uint32_t>{3});

  // 4 on core, min 3: a stage could be at most 4 + 1 - 3 = 2 steps, below
  // the minimum itself, so the target has no usable stages.
  DelayBudget none = delayBudget(test::targetWithDelays(4, 3, 4, 3));
  CHECK(none.stageSteps == 0);
  CHECK(none.limit() == 4);
  CHECK(none.describe() == "4 on core, no relay stages");
}

TEST_CASE("delay-lines keeps every path's total delay on random graphs",
          "[passes][property]") {
  uint64_t totalRerouted = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](uint32_t lo, uint32_t hi) {
      return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
    };
    uint32_t onCore = uniform(1, 8);
    uint32_t minSteps = uniform(0, std::min<uint32_t>(onCore, 2));
    target::TargetDescription t =
        test::targetWithDelays(onCore, minSteps, uniform(1, 10), uniform(0, 4));
    DelayBudget budget = delayBudget(t);

    ir::Graph g;
    g.name = fmt::format("random{}", seed);
    g.level = ir::IRLevel::Discrete;
    g.inputs.push_back({"in", uniform(1, 5), {}});
    uint32_t pops = uniform(1, 3);
    for (uint32_t i = 0; i < pops; ++i)
      g.populations.push_back(
          test::makePopulation(fmt::format("p{}", i), uniform(1, 5)));
    uint32_t projections = uniform(1, 5);
    for (uint32_t i = 0; i < projections; ++i) {
      ir::Projection p;
      p.name = fmt::format("proj{}", i);
      uint32_t src = uniform(0, pops); // 0 = the input
      p.source = src == 0 ? "in" : g.populations[src - 1].name;
      p.target = g.populations[uniform(0, pops - 1)].name;
      uint32_t preSize = *g.sizeOf(p.source), postSize = *g.sizeOf(p.target);
      uint32_t shape = uniform(0, 2);
      if (shape == 0) {
        p.connectivity = ir::Connectivity::Dense;
        p.weights.resize(preSize * postSize);
      } else if (shape == 1 && preSize == postSize) {
        p.connectivity = ir::Connectivity::OneToOne;
        p.weights.resize(preSize);
      } else {
        p.connectivity = ir::Connectivity::Sparse;
        uint32_t n = uniform(1, 8); // duplicates allowed
        for (uint32_t k = 0; k < n; ++k) {
          p.pre.push_back(uniform(0, preSize - 1));
          p.post.push_back(uniform(0, postSize - 1));
        }
        p.weights.resize(n);
      }
      for (float &w : p.weights)
        w = static_cast<float>(uniform(1, 100)) / 10.0f;
      for (size_t k = 0; k < p.weights.size(); ++k)
        p.delaySteps.push_back(
            uniform(minSteps, static_cast<uint32_t>(budget.limit())));
      // Half the projections also carry their FLOAT delays, which must be
      // filtered alongside.
      if (uniform(0, 1))
        for (uint32_t d : p.delaySteps)
          p.delaysMs.push_back(static_cast<float>(d));
      g.projections.push_back(std::move(p));
    }
    REQUIRE(test::errorText(ir::verifyGraph(g)) == "");

    std::vector<Route> before = enumerateRoutes(g);
    // Relays needed: for each source neuron, the stages of its longest
    // delay; the pass must add exactly that many relay neurons.
    std::map<std::pair<std::string, uint32_t>, uint32_t> need;
    for (const ir::Projection &p : g.projections)
      for (size_t k = 0; k < p.numSynapses(); ++k) {
        uint32_t d = p.delaySteps[k];
        if (d <= budget.onCore)
          continue;
        uint32_t n =
            (d - budget.onCore + budget.stageSteps - 1) / budget.stageSteps;
        uint32_t pre = ir::synapseEnds(p, *g.sizeOf(p.target), k).first;
        uint32_t &slot = need[{p.source, pre}];
        slot = std::max(slot, n);
      }
    uint64_t expectedRelays = 0;
    for (const auto &[key, n] : need)
      expectedRelays += n;

    CAPTURE(seed, budget.onCore, budget.stageSteps, budget.maxStages, minSteps);
    PassContext ctx(&t, "net.axon", seed);
    REQUIRE(test::errorText(runDelayLines(g, &t, &ctx)) == "");
    REQUIRE(test::errorText(ir::verifyGraph(g)) == "");
    CHECK(enumerateRoutes(g) == before);
    totalRerouted +=
        *ctx.statistics().counter("delay-lines", "synapses-rerouted");

    uint64_t relayNeurons = 0;
    std::map<std::pair<std::string, uint32_t>, int> relayInputs;
    for (const ir::Population &p : g.populations)
      if (p.kind == ir::NeuronKind::Relay)
        relayNeurons += p.size;
    CHECK(relayNeurons == expectedRelays);
    for (const ir::Projection &p : g.projections) {
      uint32_t postSize = *g.sizeOf(p.target);
      for (size_t k = 0; k < p.numSynapses(); ++k) {
        CHECK(p.delaySteps[k] <= budget.onCore);
        CHECK(p.delaySteps[k] >= minSteps);
        if (!p.delaysMs.empty())
          CHECK(p.delaysMs[k] == static_cast<float>(p.delaySteps[k]));
        if (g.findPopulation(p.target)->kind == ir::NeuronKind::Relay)
          ++relayInputs[{p.target, ir::synapseEnds(p, postSize, k).second}];
      }
    }
    // Each relay neuron has exactly one input, so no spikes can merge.
    for (const auto &[relay, inputs] : relayInputs)
      CHECK(inputs == 1);
    CHECK(relayInputs.size() == expectedRelays);
  }
  // The random limits must exercise relays, not only delays that fit.
  CHECK(totalRerouted > 500);
}
