//===- PlacementTestSupport.h - Targets and graphs for placement tests ---===//
//
// Shared by PartitionTest and RouteTest: tiny targets whose per-core
// limits and memory cost model give hand-derivable numbers, a minimal
// quantisation that makes a graph valid at QUANTISED (and so at PLACED)
// level, and a seeded generator of random small graphs.
//===----------------------------------------------------------------------===//
#pragma once

#include "PassTestSupport.h"

#include "ir/Graph.h"

#include <fmt/format.h>
#include <random>

namespace axon::test {

/// Resources of a tiny target; `memoryBits` etc. as in target.proto.
struct TinyResources {
  uint32_t neuronsPerCore = 4;
  uint32_t coresPerChip = 2;
  uint32_t chips = 2;
  uint64_t memoryBits = 1u << 20;
  uint32_t fanIn = 1000;
  uint32_t fanOut = 0; ///< 0: no limit
  uint32_t rowLength = 0;
  uint32_t routingEntries = 1024; ///< 0: axon maps
  uint32_t indexBits = 2;
};

/// The SpiNNaker-like description with `r` as its resources and a cost
/// model chosen for round numbers: a synapse is 2 weight bits + 1 type
/// bit + 3 delay bits + indexBits (8 bits when indexBits = 2), a row
/// header is 8 bits and rows are rounded up to 16-bit words. So a row of
/// n synapses costs 8(n + 1) bits for odd n and 8(n + 2) for even n.
inline target::TargetDescription tinyTarget(const TinyResources &r) {
  target::proto::Target t = builtinTarget("spinnaker").data();
  target::proto::Resources *res = t.mutable_resources();
  res->set_neurons_per_core(r.neuronsPerCore);
  res->set_cores_per_chip(r.coresPerChip);
  res->set_chips(r.chips);
  res->set_synapse_memory_bits_per_core(r.memoryBits);
  res->set_max_fan_in_per_core(r.fanIn);
  res->set_max_fan_out_per_core(r.fanOut);
  res->set_max_row_length(r.rowLength);
  res->set_routing_entries_per_chip(r.routingEntries);
  res->set_synapse_index_bits(r.indexBits);
  res->set_synapse_header_bits(8);
  res->set_memory_word_bits(16);
  t.mutable_weights()->set_bits(2);
  t.mutable_weights()->set_headroom_bits(0);
  t.mutable_weights()->set_synapse_types(2);
  target::proto::DelayFormat *d = t.mutable_delays();
  d->set_max_on_core_steps(8);
  d->set_min_steps(1);
  d->set_stage_steps(8);
  d->set_max_stages(8);
  d->set_delay_bits(3);
  std::string text;
  google::protobuf::TextFormat::PrintToString(t, &text);
  return llvm::cantFail(target::TargetDescription::parse(text, "tiny"));
}

/// Gives `g` the fields QUANTISED level requires (unit integer weights,
/// plausible fixed-point neurons) and sets that level. Placement reads
/// none of them.
inline void makeQuantised(ir::Graph &g) {
  for (ir::Population &p : g.populations) {
    if (p.kind == ir::NeuronKind::Relay)
      continue;
    ir::FixedPointNeuron &f = p.fixed;
    f.threshold = 64;
    f.decayMem = 100;
    f.decaySyn = 200;
    f.decayBits = 12;
    f.stateBits = 24;
    f.stateScale = 1.0 / 64;
  }
  for (ir::Projection &p : g.projections) {
    p.weightsInt.assign(p.numSynapses(), 1);
    p.quantisation.bits = 8;
    p.quantisation.scale = 1.0;
  }
  g.level = ir::IRLevel::Quantised;
}

/// A DENSE projection with unit weights.
inline ir::Projection makeDense(std::string name, std::string source,
                                std::string target, uint32_t preSize,
                                uint32_t postSize) {
  ir::Projection p;
  p.name = std::move(name);
  p.source = std::move(source);
  p.target = std::move(target);
  p.connectivity = ir::Connectivity::Dense;
  p.weights.assign(size_t(preSize) * postSize, 1.0f);
  return p;
}

/// A random QUANTISED graph: 1-2 inputs and 1-5 populations (some relays)
/// of 1-12 neurons, 1-7 projections of every connectivity, recurrent ones
/// included, SPARSE ones with duplicate synapses.
inline ir::Graph randomQuantisedGraph(std::mt19937_64 &rng, uint64_t seed) {
  auto uniform = [&](uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
  };
  ir::Graph g;
  g.name = fmt::format("random{}", seed);
  g.level = ir::IRLevel::Discrete;
  uint32_t inputs = uniform(1, 2);
  for (uint32_t i = 0; i < inputs; ++i)
    g.inputs.push_back({fmt::format("in{}", i), uniform(1, 12), {}});
  uint32_t pops = uniform(1, 5);
  for (uint32_t i = 0; i < pops; ++i)
    g.populations.push_back(makePopulation(
        fmt::format("p{}", i), uniform(1, 12),
        uniform(0, 4) == 0 ? ir::NeuronKind::Relay : ir::NeuronKind::LIF));
  uint32_t projections = uniform(1, 7);
  for (uint32_t i = 0; i < projections; ++i) {
    ir::Projection p;
    p.name = fmt::format("proj{}", i);
    uint32_t src = uniform(0, inputs + pops - 1);
    p.source =
        src < inputs ? g.inputs[src].name : g.populations[src - inputs].name;
    p.target = g.populations[uniform(0, pops - 1)].name;
    uint32_t preSize = *g.sizeOf(p.source), postSize = *g.sizeOf(p.target);
    uint32_t shape = uniform(0, 2);
    if (shape == 0) {
      p.connectivity = ir::Connectivity::Dense;
      p.weights.assign(size_t(preSize) * postSize, 1.0f);
    } else if (shape == 1 && preSize == postSize) {
      p.connectivity = ir::Connectivity::OneToOne;
      p.weights.assign(preSize, 1.0f);
    } else {
      p.connectivity = ir::Connectivity::Sparse;
      uint32_t n = uniform(1, 24);
      for (uint32_t k = 0; k < n; ++k) {
        p.pre.push_back(uniform(0, preSize - 1));
        p.post.push_back(uniform(0, postSize - 1));
      }
      p.weights.assign(n, 1.0f);
    }
    g.projections.push_back(std::move(p));
  }
  makeQuantised(g);
  return g;
}

} // namespace axon::test
