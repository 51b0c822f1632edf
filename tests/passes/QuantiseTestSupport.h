//===- QuantiseTestSupport.h - Graphs for quantisation tests ----*- C++ -*-===//
//
// Shared by QuantiseNeuronsTest and QuantiseWeightsTest: a built-in target
// with some fields changed, the two passes run in their pipeline order, and
// seeded random DISCRETE graphs for the property tests.
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/PassContext.h"
#include "passes/QuantiseNeurons.h"
#include "passes/QuantiseWeights.h"

#include "PassTestSupport.h"

#include <fmt/format.h>
#include <functional>
#include <random>

namespace axon::test {

/// Built-in target `name` after `change` edits its description.
inline target::TargetDescription
changedTarget(llvm::StringRef name,
              const std::function<void(target::proto::Target &)> &change) {
  target::proto::Target t = builtinTarget(name).data();
  change(t);
  std::string text;
  google::protobuf::TextFormat::PrintToString(t, &text);
  return llvm::cantFail(target::TargetDescription::parse(text, "test-target"));
}

/// The SpiNNaker-like target with no headroom bits: the worked examples use
/// the full 16-bit magnitude.
inline target::TargetDescription spinnakerFullRange() {
  return changedTarget("spinnaker", [](target::proto::Target &t) {
    t.mutable_weights()->set_headroom_bits(0);
  });
}

/// quantise-neurons then quantise-weights, each with its option text.
inline llvm::Error quantise(ir::Graph &g, passes::PassContext &ctx,
                            llvm::StringRef neuronOptions = "",
                            llvm::StringRef weightOptions = "") {
  passes::QuantiseNeuronsPass neurons;
  passes::QuantiseWeightsPass weights;
  if (llvm::Error err = neurons.parseOptions(neuronOptions))
    return err;
  if (llvm::Error err = weights.parseOptions(weightOptions))
    return err;
  if (llvm::Error err = neurons.run(g, ctx))
    return err;
  return weights.run(g, ctx);
}

inline const ir::Projection *findProjection(const ir::Graph &g,
                                            llvm::StringRef name) {
  for (const ir::Projection &p : g.projections)
    if (p.name == name)
      return &p;
  return nullptr;
}

/// in(2) -> hidden(2, CUBA_LIF) DENSE, hidden -> out(2, LI) ONE_TO_ONE and
/// hidden -> hidden.relay1(2, RELAY) ONE_TO_ONE with weight 1, at dt 1 ms.
inline ir::Graph quantiseGoldenGraph() {
  ir::Graph g;
  g.name = "golden";
  g.level = ir::IRLevel::Discrete;
  g.dtMs = 1.0;
  g.inputs.push_back({"in", 2, {}});
  ir::Population hidden = makePopulation("hidden", 2, ir::NeuronKind::CubaLIF);
  // tau_mem, tau_syn, threshold, reset, refractory_ms, bias
  hidden.params = {20, 5, 1.0, 0.0, 2.0, 0.1};
  g.populations.push_back(hidden);
  ir::Population out =
      makePopulation("out", 2, ir::NeuronKind::LeakyIntegrator);
  out.params = {10, 5, 1.0, 0.0, 0.0, 0.0};
  g.populations.push_back(out);
  g.populations.push_back(
      makePopulation("hidden.relay1", 2, ir::NeuronKind::Relay));
  ir::Projection a;
  a.name = "in->hidden";
  a.source = "in";
  a.target = "hidden";
  a.connectivity = ir::Connectivity::Dense;
  a.weights = {1.0f, 0.5f, -0.25f, 0.75f};
  g.projections.push_back(a);
  ir::Projection b;
  b.name = "hidden->out";
  b.source = "hidden";
  b.target = "out";
  b.connectivity = ir::Connectivity::OneToOne;
  b.weights = {1.5f, -0.5f};
  g.projections.push_back(b);
  ir::Projection r;
  r.name = "hidden->hidden.relay1";
  r.source = "hidden";
  r.target = "hidden.relay1";
  r.connectivity = ir::Connectivity::OneToOne;
  r.weights = {1.0f, 1.0f};
  g.projections.push_back(r);
  return g;
}

/// A DISCRETE graph of 1-2 inputs, 1-4 populations of every kind and 1-6
/// projections of every connectivity, with parameters inside what both
/// built-in targets can represent (biases small against thresholds,
/// refractory periods short, resets within a few thresholds).
inline ir::Graph randomQuantisableGraph(std::mt19937_64 &rng) {
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto pick = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  ir::Graph g;
  g.name = "random";
  g.level = ir::IRLevel::Discrete;
  g.dtMs = pick(0, 1) ? 1.0 : 0.5;
  uint32_t inputs = pick(1, 2);
  for (uint32_t i = 0; i < inputs; ++i)
    g.inputs.push_back({fmt::format("in{}", i), pick(1, 6), {}});
  uint32_t pops = pick(1, 4);
  const ir::NeuronKind kinds[] = {ir::NeuronKind::LIF, ir::NeuronKind::CubaLIF,
                                  ir::NeuronKind::LeakyIntegrator,
                                  ir::NeuronKind::Relay};
  for (uint32_t i = 0; i < pops; ++i) {
    ir::Population p =
        makePopulation(fmt::format("p{}", i), pick(1, 6), kinds[pick(0, 3)]);
    ir::NeuronParams &n = p.params;
    n.tauMemMs = uniform(2, 50);
    n.tauSynMs = pick(0, 4) == 0 ? n.tauMemMs : uniform(1, 20);
    n.threshold = uniform(0.1, 5);
    n.reset = -uniform(0, 2) * n.threshold;
    n.refractoryMs = pick(0, 1) ? 0.0 : uniform(0, 5);
    n.bias = uniform(-0.05, 0.05) * n.threshold;
    g.populations.push_back(p);
  }
  uint32_t projections = pick(1, 6);
  for (uint32_t i = 0; i < projections; ++i) {
    ir::Projection p;
    p.name = fmt::format("proj{}", i);
    uint32_t from = pick(0, inputs + pops - 1);
    p.source =
        from < inputs ? g.inputs[from].name : g.populations[from - inputs].name;
    const ir::Population &target = g.populations[pick(0, pops - 1)];
    p.target = target.name;
    uint32_t preSize = *g.sizeOf(p.source);
    uint32_t choice = pick(0, 2);
    if (choice == 2 && preSize != target.size)
      choice = 0;
    size_t n = 0;
    if (choice == 0) {
      p.connectivity = ir::Connectivity::Dense;
      n = size_t(preSize) * target.size;
    } else if (choice == 1) {
      p.connectivity = ir::Connectivity::Sparse;
      n = pick(1, 8);
      for (size_t k = 0; k < n; ++k) {
        p.pre.push_back(pick(0, preSize - 1));
        p.post.push_back(pick(0, target.size - 1));
      }
    } else {
      p.connectivity = ir::Connectivity::OneToOne;
      n = target.size;
    }
    double magnitude = std::exp(uniform(std::log(0.01), std::log(3.0)));
    std::normal_distribution<double> normal(0.0, magnitude);
    uint32_t signs = pick(0, 2); // mixed, positive only, negative only
    for (size_t k = 0; k < n; ++k) {
      double w = pick(0, 9) == 0 ? 0.0 : normal(rng);
      if (signs == 1)
        w = std::fabs(w);
      else if (signs == 2)
        w = -std::fabs(w);
      p.weights.push_back(float(w));
    }
    g.projections.push_back(std::move(p));
  }
  return g;
}

} // namespace axon::test
