//===- TestGraphs.h - Small graphs for IR tests -----------------*- C++ -*-===//
#pragma once

#include "ir/Graph.h"

namespace axon::test {

/// A valid FLOAT graph: input(3) -> hidden(2, CUBA_LIF) with delays, and
/// hidden -> out(2, LI) one to one, plus a recurrent hidden projection.
inline ir::Graph makeFloatGraph() {
  using namespace ir;
  Graph g;
  g.name = "t";
  g.level = IRLevel::Float;
  g.dtMs = 1.0;
  g.inputs.push_back({"in", 3, {}});
  Population h;
  h.name = "hidden";
  h.size = 2;
  h.kind = NeuronKind::CubaLIF;
  h.params = {20, 5, 1, 0, 2, 0.1};
  g.populations.push_back(h);
  Population o;
  o.name = "out";
  o.size = 2;
  o.kind = NeuronKind::LeakyIntegrator;
  o.params = {10, 5, 1, 0, 0, 0};
  g.populations.push_back(o);
  Projection a;
  a.name = "in->hidden";
  a.source = "in";
  a.target = "hidden";
  a.connectivity = Connectivity::Dense;
  a.weights = {0.5f, -0.25f, 1.0f, 0.75f, 0.25f, 2.0f};
  a.delaysMs = {1, 3, 0, 10, 5, 62};
  g.projections.push_back(a);
  Projection r;
  r.name = "rec";
  r.source = "hidden";
  r.target = "hidden";
  r.connectivity = Connectivity::Sparse;
  r.pre = {0, 1};
  r.post = {1, 0};
  r.weights = {0.3f, -0.2f};
  r.delaysMs = {2, 4};
  g.projections.push_back(r);
  Projection b;
  b.name = "hidden->out";
  b.source = "hidden";
  b.target = "out";
  b.connectivity = Connectivity::OneToOne;
  b.weights = {1.5f, -0.5f};
  g.projections.push_back(b);
  g.outputs.push_back({"out", Decoding::MaxVoltage, {"a", "b"}});
  g.provenance.producer = "test";
  g.provenance.dataset = "none";
  g.provenance.accuracy = 0.5;
  return g;
}

/// The same graph carried down to PLACED level with every field set to a
/// distinct value, for round-trip tests.
inline ir::Graph makePlacedGraph() {
  using namespace ir;
  Graph g = makeFloatGraph();
  g.level = IRLevel::Placed;
  g.name = "placed";
  g.dtMs = 0.25;
  g.inputs[0].placement = {{0, 0, 1}, {0, 1, 2}, {5, 6, 7}};
  g.populations[0].bias = {0.125, -0.5};
  for (size_t i = 0; i < g.populations.size(); ++i) {
    Population &p = g.populations[i];
    p.fixed = {int64_t(64 + i), -3, 7, 4000, 3500, 12, 24, 6, 2, 0.125 * (i + 1)};
    p.placement = {{0, 1}, {2, 3}, {uint32_t(10 + i), uint32_t(11 + i)}};
  }
  for (size_t i = 0; i < g.projections.size(); ++i) {
    Projection &p = g.projections[i];
    for (float d : p.delaysMs)
      p.delaySteps.push_back(static_cast<uint32_t>(d * 4));
    for (float w : p.weights)
      p.weightsInt.push_back(static_cast<int32_t>(w * 64));
    p.quantisation = {9, 1.0 / 64, int32_t(i) - 1};
  }
  g.provenance.trainingConfig = "model { }";
  g.provenance.created = "2026-11-29T00:00:00Z";
  g.provenance.extra = {{"seed", "42"}, {"epochs", "3"}};
  g.target = {"loihi", "abc123"};
  g.routes.push_back({0, 2, 0x10, 0xfff0, {3, 4}, {0, 1}});
  return g;
}

} // namespace axon::test
